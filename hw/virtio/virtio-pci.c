/*
 * virtio-pci modern transport (virtio 1.2, 4.1): the vendor capabilities,
 * BAR4 with common config, ISR, device config and notify regions, BAR1
 * with MSI-X, the pci_cfg access window, and interrupts (MSI-X vector when
 * enabled, else INTx following the ISR).  No legacy interface.  The
 * device logic is the virtio core's (hw/virtio/virtio.c); PCI mechanics
 * are hw/pci/; concrete "*-pci" types only plug a VirtIODevice in.
 */
#include "qemu/osdep.h"
#include "hw/virtio/virtio-pci.h"
#include "hw/pci/msix.h"

static VirtIODevice *virtio_pci_vdev(VirtIOPCIProxy *proxy)
{
    return proxy->vdev;
}

void virtio_pci_set_vdev(VirtIOPCIProxy *proxy, VirtIODevice *vdev)
{
    proxy->vdev = vdev;
}

VirtIODevice *virtio_pci_get_vdev(VirtIOPCIProxy *proxy)
{
    return proxy->vdev;
}

/* Vector numbers the driver writes: out of range means "no vector". */
static uint16_t virtio_pci_checked_vector(VirtIOPCIProxy *proxy,
                                          uint64_t val)
{
    return val < proxy->nvectors && msix_present(&proxy->pci_dev)
           ? val : VIRTIO_NO_VECTOR;
}

static VirtIOPCIQueue *virtio_pci_selected_queue(VirtIOPCIProxy *proxy)
{
    return proxy->queue_sel < proxy->nb_vqs ? &proxy->vqs[proxy->queue_sel]
                                            : NULL;
}

/* Driver-visible queue state back to its reset values. */
static void virtio_pci_reset_queues(VirtIOPCIProxy *proxy)
{
    VirtIODevice *vdev = virtio_pci_vdev(proxy);
    unsigned int i;

    for (i = 0; i < proxy->nb_vqs; i++) {
        memset(&proxy->vqs[i], 0, sizeof(proxy->vqs[i]));
        proxy->vqs[i].num = virtio_queue_get_max_num(vdev, i);
    }
    proxy->dfselect = 0;
    proxy->gfselect = 0;
    proxy->guest_features[0] = 0;
    proxy->guest_features[1] = 0;
    proxy->queue_sel = 0;
}

/* ---- interrupts ---- */

static void virtio_pci_notify(void *opaque, uint16_t vector)
{
    VirtIOPCIProxy *proxy = opaque;
    PCIDevice *dev = &proxy->pci_dev;

    if (msix_enabled(dev)) {
        if (vector != VIRTIO_NO_VECTOR) {
            msix_notify(dev, vector);
        }
        return;
    }
    pci_set_irq(dev, virtio_get_isr(virtio_pci_vdev(proxy)) != 0);
}

static const VirtioTransportOps virtio_pci_transport_ops = {
    .notify = virtio_pci_notify,
};

/* ---- common configuration ---- */

static uint64_t virtio_pci_queue_read(VirtIOPCIProxy *proxy, hwaddr addr)
{
    VirtIOPCIQueue *q = virtio_pci_selected_queue(proxy);

    if (!q) {
        return addr == VIRTIO_PCI_COMMON_Q_MSIX ? VIRTIO_NO_VECTOR : 0;
    }
    switch (addr) {
    case VIRTIO_PCI_COMMON_Q_SIZE:
        return q->num;
    case VIRTIO_PCI_COMMON_Q_MSIX:
        return virtio_queue_get_vector(virtio_pci_vdev(proxy),
                                       proxy->queue_sel);
    case VIRTIO_PCI_COMMON_Q_ENABLE:
        return q->enabled;
    case VIRTIO_PCI_COMMON_Q_NOFF:
        /* Queues are mapped in order: notify at index * multiplier. */
        return proxy->queue_sel;
    case VIRTIO_PCI_COMMON_Q_DESCLO:
    case VIRTIO_PCI_COMMON_Q_DESCHI:
        return q->desc[(addr - VIRTIO_PCI_COMMON_Q_DESCLO) / 4];
    case VIRTIO_PCI_COMMON_Q_AVAILLO:
    case VIRTIO_PCI_COMMON_Q_AVAILHI:
        return q->avail[(addr - VIRTIO_PCI_COMMON_Q_AVAILLO) / 4];
    case VIRTIO_PCI_COMMON_Q_USEDLO:
    case VIRTIO_PCI_COMMON_Q_USEDHI:
        return q->used[(addr - VIRTIO_PCI_COMMON_Q_USEDLO) / 4];
    default:
        return 0;
    }
}

static uint64_t virtio_pci_common_read(void *opaque, hwaddr addr,
                                       unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    VirtIODevice *vdev = virtio_pci_vdev(proxy);

    switch (addr) {
    case VIRTIO_PCI_COMMON_DFSELECT:
        return proxy->dfselect;
    case VIRTIO_PCI_COMMON_DF:
        return proxy->dfselect <= 1
               ? (uint32_t)(virtio_get_host_features(vdev) >>
                            (32 * proxy->dfselect))
               : 0;
    case VIRTIO_PCI_COMMON_GFSELECT:
        return proxy->gfselect;
    case VIRTIO_PCI_COMMON_GF:
        return proxy->gfselect <= 1 ? proxy->guest_features[proxy->gfselect]
                                    : 0;
    case VIRTIO_PCI_COMMON_MSIX:
        return virtio_get_config_vector(vdev);
    case VIRTIO_PCI_COMMON_NUMQ:
        return proxy->nb_vqs;
    case VIRTIO_PCI_COMMON_STATUS:
        return virtio_get_status(vdev);
    case VIRTIO_PCI_COMMON_CFGGENERATION:
        return virtio_get_config_generation(vdev);
    case VIRTIO_PCI_COMMON_Q_SELECT:
        return proxy->queue_sel;
    default:
        return virtio_pci_queue_read(proxy, addr);
    }
}

/* queue_enable = 1 hands the shadowed size and rings to the core. */
static void virtio_pci_queue_enable(VirtIOPCIProxy *proxy, uint64_t val)
{
    VirtIODevice *vdev = virtio_pci_vdev(proxy);
    VirtIOPCIQueue *q = virtio_pci_selected_queue(proxy);
    int n = proxy->queue_sel;

    if (val != 1) {
        /* virtio 1.2, 4.1.4.3.2: the driver MUST NOT write 0. */
        virtio_error(vdev, "wrong value for queue_enable 0x%" PRIx64, val);
        return;
    }
    virtio_queue_set_num(vdev, n, q->num);
    virtio_queue_set_rings(vdev, n,
                           (uint64_t)q->desc[1] << 32 | q->desc[0],
                           (uint64_t)q->avail[1] << 32 | q->avail[0],
                           (uint64_t)q->used[1] << 32 | q->used[0]);
    virtio_queue_set_enabled(vdev, n, true);
    q->enabled = true;
}

static void virtio_pci_queue_write(VirtIOPCIProxy *proxy, hwaddr addr,
                                   uint64_t val)
{
    VirtIOPCIQueue *q = virtio_pci_selected_queue(proxy);
    VirtIODevice *vdev = virtio_pci_vdev(proxy);

    if (!q) {
        return;
    }
    switch (addr) {
    case VIRTIO_PCI_COMMON_Q_SIZE:
        q->num = val;
        break;
    case VIRTIO_PCI_COMMON_Q_MSIX:
        virtio_queue_set_vector(vdev, proxy->queue_sel,
                                virtio_pci_checked_vector(proxy, val));
        break;
    case VIRTIO_PCI_COMMON_Q_ENABLE:
        virtio_pci_queue_enable(proxy, val);
        break;
    case VIRTIO_PCI_COMMON_Q_DESCLO:
    case VIRTIO_PCI_COMMON_Q_DESCHI:
        q->desc[(addr - VIRTIO_PCI_COMMON_Q_DESCLO) / 4] = val;
        break;
    case VIRTIO_PCI_COMMON_Q_AVAILLO:
    case VIRTIO_PCI_COMMON_Q_AVAILHI:
        q->avail[(addr - VIRTIO_PCI_COMMON_Q_AVAILLO) / 4] = val;
        break;
    case VIRTIO_PCI_COMMON_Q_USEDLO:
    case VIRTIO_PCI_COMMON_Q_USEDHI:
        q->used[(addr - VIRTIO_PCI_COMMON_Q_USEDLO) / 4] = val;
        break;
    default:
        break;
    }
}

static void virtio_pci_set_status(VirtIOPCIProxy *proxy, uint8_t status)
{
    VirtIODevice *vdev = virtio_pci_vdev(proxy);

    virtio_set_status(vdev, status);
    if (status == 0) {
        /* Device reset (virtio 1.2, 4.1.4.3.2): queues and selectors too,
         * and the interrupt the old ISR may still hold. */
        virtio_pci_reset_queues(proxy);
        pci_irq_deassert(&proxy->pci_dev);
    }
}

static void virtio_pci_common_write(void *opaque, hwaddr addr, uint64_t val,
                                    unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    VirtIODevice *vdev = virtio_pci_vdev(proxy);

    switch (addr) {
    case VIRTIO_PCI_COMMON_DFSELECT:
        proxy->dfselect = val;
        break;
    case VIRTIO_PCI_COMMON_GFSELECT:
        proxy->gfselect = val;
        break;
    case VIRTIO_PCI_COMMON_GF:
        if (proxy->gfselect <= 1) {
            proxy->guest_features[proxy->gfselect] = val;
            virtio_set_guest_features(vdev,
                (uint64_t)proxy->guest_features[1] << 32 |
                proxy->guest_features[0]);
        }
        break;
    case VIRTIO_PCI_COMMON_MSIX:
        virtio_set_config_vector(vdev, virtio_pci_checked_vector(proxy, val));
        break;
    case VIRTIO_PCI_COMMON_STATUS:
        virtio_pci_set_status(proxy, val);
        break;
    case VIRTIO_PCI_COMMON_Q_SELECT:
        proxy->queue_sel = val;
        break;
    default:
        virtio_pci_queue_write(proxy, addr, val);
        break;
    }
}

/*
 * Every window of the virtio BAR takes accesses of 1 to 8 bytes; the
 * callbacks see at most 4, so a 64-bit access (a 64-bit config field,
 * queue_desc) is two 32-bit ones, low half first, as the reference does.
 */
#define VIRTIO_PCI_WINDOW_ACCESS \
    .valid = { .min_access_size = 1, .max_access_size = 8 }, \
    .impl = { .min_access_size = 1, .max_access_size = 4 }

static const MemoryRegionOps virtio_pci_common_ops = {
    .read = virtio_pci_common_read,
    .write = virtio_pci_common_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    VIRTIO_PCI_WINDOW_ACCESS,
};

/* ---- ISR, device config, notify ---- */

static uint64_t virtio_pci_isr_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    uint8_t isr;

    if (addr != 0) {
        return 0;
    }
    isr = virtio_isr_read_clear(virtio_pci_vdev(proxy));
    pci_irq_deassert(&proxy->pci_dev);
    return isr;
}

static void virtio_pci_isr_write(void *opaque, hwaddr addr, uint64_t val,
                                 unsigned size)
{
}

static const MemoryRegionOps virtio_pci_isr_ops = {
    .read = virtio_pci_isr_read,
    .write = virtio_pci_isr_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    VIRTIO_PCI_WINDOW_ACCESS,
};

static uint64_t virtio_pci_device_read(void *opaque, hwaddr addr,
                                       unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;

    return virtio_config_read(virtio_pci_vdev(proxy), addr, size);
}

static void virtio_pci_device_write(void *opaque, hwaddr addr, uint64_t val,
                                    unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;

    virtio_config_write(virtio_pci_vdev(proxy), addr, val, size);
}

static const MemoryRegionOps virtio_pci_device_ops = {
    .read = virtio_pci_device_read,
    .write = virtio_pci_device_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    VIRTIO_PCI_WINDOW_ACCESS,
};

static uint64_t virtio_pci_notify_read(void *opaque, hwaddr addr,
                                       unsigned size)
{
    return 0;
}

static void virtio_pci_notify_write(void *opaque, hwaddr addr, uint64_t val,
                                    unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    unsigned int queue = addr / VIRTIO_PCI_NOTIFY_OFF_MULTIPLIER;

    if (queue < proxy->nb_vqs) {
        virtio_queue_notify(virtio_pci_vdev(proxy), queue);
    }
}

static const MemoryRegionOps virtio_pci_notify_ops = {
    .read = virtio_pci_notify_read,
    .write = virtio_pci_notify_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    VIRTIO_PCI_WINDOW_ACCESS,
};

/* ---- the pci_cfg capability: BAR access through config space ---- */

static const MemoryRegionOps *virtio_pci_bar_ops(hwaddr off)
{
    static const MemoryRegionOps *const ops[] = {
        &virtio_pci_common_ops, &virtio_pci_isr_ops,
        &virtio_pci_device_ops, &virtio_pci_notify_ops,
    };

    return ops[off / VIRTIO_PCI_REGION_SIZE];
}

/* The window the driver programmed, or false when it is not usable. */
static bool virtio_pci_cfg_window(VirtIOPCIProxy *proxy, uint32_t *off,
                                  uint32_t *len)
{
    const uint8_t *cap = proxy->pci_dev.config + VIRTIO_PCI_CAP_PCI_CFG_POS;

    *off = pci_get_long(cap + VIRTIO_PCI_CAP_OFFSET);
    *len = pci_get_long(cap + VIRTIO_PCI_CAP_LENGTH);
    /* virtio 1.2, 4.1.4.9: length 1, 2 or 4, offset aligned to it. */
    return cap[VIRTIO_PCI_CAP_BAR] == VIRTIO_PCI_MODERN_BAR &&
           (*len == 1 || *len == 2 || *len == 4) && *off % *len == 0 &&
           *off < VIRTIO_PCI_MODERN_BAR_SIZE;
}

static bool virtio_pci_touches_cfg_data(uint32_t addr, unsigned len)
{
    uint32_t data = VIRTIO_PCI_CAP_PCI_CFG_POS + VIRTIO_PCI_CFG_CAP_DATA;

    return addr < data + 4 && data < addr + len;
}

static uint32_t virtio_pci_config_read(PCIDevice *dev, uint32_t addr,
                                       unsigned len)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(dev);
    uint8_t *data = dev->config + VIRTIO_PCI_CAP_PCI_CFG_POS +
                    VIRTIO_PCI_CFG_CAP_DATA;
    uint32_t off;
    uint32_t win;

    if (virtio_pci_touches_cfg_data(addr, len) &&
        virtio_pci_cfg_window(proxy, &off, &win)) {
        const MemoryRegionOps *ops = virtio_pci_bar_ops(off);

        pci_set_long(data, ops->read(proxy, off % VIRTIO_PCI_REGION_SIZE,
                                     win));
    }
    return pci_default_read_config(dev, addr, len);
}

static void virtio_pci_config_write(PCIDevice *dev, uint32_t addr,
                                    uint32_t val, unsigned len)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(dev);
    const uint8_t *data = dev->config + VIRTIO_PCI_CAP_PCI_CFG_POS +
                          VIRTIO_PCI_CFG_CAP_DATA;
    uint32_t off;
    uint32_t win;

    pci_default_write_config(dev, addr, val, len);
    if (virtio_pci_touches_cfg_data(addr, len) &&
        virtio_pci_cfg_window(proxy, &off, &win)) {
        uint32_t mask = win == 4 ? UINT32_MAX : (1u << (8 * win)) - 1;

        virtio_pci_bar_ops(off)->write(proxy, off % VIRTIO_PCI_REGION_SIZE,
                                       pci_get_long(data) & mask, win);
    }
}

/* ---- capabilities and BARs ---- */

static bool virtio_pci_add_cap(VirtIOPCIProxy *proxy, uint8_t pos,
                               uint8_t size, uint8_t cfg_type,
                               uint32_t offset, uint32_t length,
                               Error **errp)
{
    PCIDevice *dev = &proxy->pci_dev;
    uint8_t *cap = dev->config + pos;

    if (!pci_add_capability(dev, PCI_CAP_ID_VNDR, pos, size, errp)) {
        return false;
    }
    cap[2] = size;                              /* cap_len */
    cap[VIRTIO_PCI_CAP_CFG_TYPE] = cfg_type;
    cap[VIRTIO_PCI_CAP_BAR] = length ? VIRTIO_PCI_MODERN_BAR : 0;
    pci_set_long(cap + VIRTIO_PCI_CAP_OFFSET, offset);
    pci_set_long(cap + VIRTIO_PCI_CAP_LENGTH, length);
    return true;
}

static bool virtio_pci_add_caps(VirtIOPCIProxy *proxy, Error **errp)
{
    PCIDevice *dev = &proxy->pci_dev;
    uint8_t *wmask = dev->wmask + VIRTIO_PCI_CAP_PCI_CFG_POS;

    if (!virtio_pci_add_cap(proxy, VIRTIO_PCI_CAP_COMMON_POS,
                            VIRTIO_PCI_CAP_SIZE, VIRTIO_PCI_CAP_COMMON_CFG,
                            VIRTIO_PCI_COMMON_OFFSET, VIRTIO_PCI_REGION_SIZE,
                            errp) ||
        !virtio_pci_add_cap(proxy, VIRTIO_PCI_CAP_ISR_POS,
                            VIRTIO_PCI_CAP_SIZE, VIRTIO_PCI_CAP_ISR_CFG,
                            VIRTIO_PCI_ISR_OFFSET, VIRTIO_PCI_REGION_SIZE,
                            errp) ||
        !virtio_pci_add_cap(proxy, VIRTIO_PCI_CAP_DEVICE_POS,
                            VIRTIO_PCI_CAP_SIZE, VIRTIO_PCI_CAP_DEVICE_CFG,
                            VIRTIO_PCI_DEVICE_OFFSET, VIRTIO_PCI_REGION_SIZE,
                            errp) ||
        !virtio_pci_add_cap(proxy, VIRTIO_PCI_CAP_NOTIFY_POS,
                            VIRTIO_PCI_NOTIFY_CAP_SIZE,
                            VIRTIO_PCI_CAP_NOTIFY_CFG,
                            VIRTIO_PCI_NOTIFY_OFFSET, VIRTIO_PCI_REGION_SIZE,
                            errp) ||
        !virtio_pci_add_cap(proxy, VIRTIO_PCI_CAP_PCI_CFG_POS,
                            VIRTIO_PCI_CFG_CAP_SIZE, VIRTIO_PCI_CAP_PCI_CFG,
                            0, 0, errp)) {
        return false;
    }
    pci_set_long(dev->config + VIRTIO_PCI_CAP_NOTIFY_POS +
                 VIRTIO_PCI_NOTIFY_CAP_MULT,
                 VIRTIO_PCI_NOTIFY_OFF_MULTIPLIER);
    /* pci_cfg: the driver programs bar, offset, length and data. */
    wmask[VIRTIO_PCI_CAP_BAR] = 0xff;
    pci_set_long(wmask + VIRTIO_PCI_CAP_OFFSET, UINT32_MAX);
    pci_set_long(wmask + VIRTIO_PCI_CAP_LENGTH, UINT32_MAX);
    pci_set_long(wmask + VIRTIO_PCI_CFG_CAP_DATA, UINT32_MAX);
    return true;
}

static void virtio_pci_init_region(VirtIOPCIProxy *proxy, MemoryRegion *mr,
                                   const MemoryRegionOps *ops,
                                   const char *what, hwaddr offset)
{
    g_autofree char *name = g_strdup_printf(
        "virtio-pci-%s-%s", what,
        object_get_typename(OBJECT(virtio_pci_vdev(proxy))));

    memory_region_init_io(mr, OBJECT(proxy), ops, proxy, name,
                          VIRTIO_PCI_REGION_SIZE);
    memory_region_add_subregion(&proxy->modern_bar, offset, mr);
}

static void virtio_pci_init_modern_bar(VirtIOPCIProxy *proxy)
{
    memory_region_init(&proxy->modern_bar, OBJECT(proxy), "virtio-pci",
                       VIRTIO_PCI_MODERN_BAR_SIZE);
    virtio_pci_init_region(proxy, &proxy->common, &virtio_pci_common_ops,
                           "common", VIRTIO_PCI_COMMON_OFFSET);
    virtio_pci_init_region(proxy, &proxy->isr, &virtio_pci_isr_ops, "isr",
                           VIRTIO_PCI_ISR_OFFSET);
    virtio_pci_init_region(proxy, &proxy->device, &virtio_pci_device_ops,
                           "device", VIRTIO_PCI_DEVICE_OFFSET);
    virtio_pci_init_region(proxy, &proxy->notify, &virtio_pci_notify_ops,
                           "notify", VIRTIO_PCI_NOTIFY_OFFSET);
    pci_register_bar(&proxy->pci_dev, VIRTIO_PCI_MODERN_BAR,
                     PCI_BASE_ADDRESS_MEM_TYPE_64 |
                     PCI_BASE_ADDRESS_MEM_PREFETCH, &proxy->modern_bar);
}

static void virtio_pci_finalize_modern_bar(VirtIOPCIProxy *proxy)
{
    memory_region_finalize(&proxy->common);
    memory_region_finalize(&proxy->isr);
    memory_region_finalize(&proxy->device);
    memory_region_finalize(&proxy->notify);
    memory_region_finalize(&proxy->modern_bar);
}

/* ---- realize / exit / reset ---- */

/* Identity (virtio 1.2, 4.1.2): 0x1040 + device id, revision 1,
 * subsystem 1af4:1100, pin A; the class is the concrete type's. */
static void virtio_pci_init_identity(VirtIOPCIProxy *proxy)
{
    uint8_t *config = proxy->pci_dev.config;

    pci_config_set_device_id(config, VIRTIO_PCI_DEVICE_ID_BASE +
                             virtio_get_device_id(virtio_pci_vdev(proxy)));
    pci_config_set_revision(config, VIRTIO_PCI_REVISION);
    pci_config_set_interrupt_pin(config, 1);
}

static bool virtio_pci_realize_vdev(VirtIOPCIProxy *proxy, Error **errp)
{
    VirtioPCIClass *vpc = VIRTIO_PCI_GET_CLASS(proxy);
    VirtIODevice *vdev = virtio_pci_vdev(proxy);

    if (!vdev) {
        error_setg(errp, "%s: no virtio device to carry",
                   pci_device_name(&proxy->pci_dev));
        return false;
    }
    if (vpc->realize) {
        return vpc->realize(proxy, errp);
    }
    return qdev_realize(DEVICE(vdev), NULL, errp);
}

static bool virtio_pci_realize(PCIDevice *dev, Error **errp)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(dev);
    VirtIODevice *vdev;

    if (!virtio_pci_realize_vdev(proxy, errp)) {
        return false;
    }
    vdev = virtio_pci_vdev(proxy);
    if (!virtio_offer_features(vdev, UINT64_C(1) << VIRTIO_F_VERSION_1,
                               errp) ||
        !virtio_pci_add_caps(proxy, errp)) {
        goto out_unrealize_vdev;
    }
    virtio_pci_init_identity(proxy);
    virtio_pci_init_modern_bar(proxy);
    if (proxy->nvectors &&
        !msix_init_exclusive_bar(dev, proxy->nvectors, VIRTIO_PCI_MSIX_BAR,
                                 VIRTIO_PCI_CAP_MSIX_POS, errp)) {
        goto out_finalize_bar;
    }
    proxy->nb_vqs = virtio_get_num_queues(vdev);
    proxy->vqs = g_new0(VirtIOPCIQueue, proxy->nb_vqs);
    if (!virtio_pci_migration_register(proxy, errp)) {
        goto out_free_queues;
    }
    virtio_pci_reset_queues(proxy);
    virtio_bind_transport(vdev, &virtio_pci_transport_ops, proxy);
    return true;

out_free_queues:
    g_clear_pointer(&proxy->vqs, g_free);
    proxy->nb_vqs = 0;
    msix_uninit(dev);
out_finalize_bar:
    dev->io_regions[VIRTIO_PCI_MODERN_BAR].size = 0;
    virtio_pci_finalize_modern_bar(proxy);
out_unrealize_vdev:
    qdev_unrealize(DEVICE(vdev));
    return false;
}

static void virtio_pci_exit(PCIDevice *dev)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(dev);
    VirtIODevice *vdev = virtio_pci_vdev(proxy);

    virtio_pci_migration_unregister(proxy);
    virtio_bind_transport(vdev, NULL, NULL);
    msix_uninit(dev);
    if (dev->has_msix_exclusive_bar) {
        memory_region_finalize(&dev->msix_exclusive_bar);
        dev->has_msix_exclusive_bar = false;
    }
    virtio_pci_finalize_modern_bar(proxy);
    g_clear_pointer(&proxy->vqs, g_free);
    proxy->nb_vqs = 0;
    qdev_unrealize(DEVICE(vdev));
}

/* PCI (system) reset: the header and MSI-X are reset by hw/pci/pci.c. */
static void virtio_pci_reset(PCIDevice *dev)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(dev);

    virtio_reset(virtio_pci_vdev(proxy));
    virtio_pci_reset_queues(proxy);
    pci_irq_deassert(dev);
}

static uint64_t virtio_pci_get_vectors(Object *obj, Error **errp)
{
    return VIRTIO_PCI(obj)->nvectors;
}

static bool virtio_pci_set_vectors(Object *obj, uint64_t value, Error **errp)
{
    if (!qdev_prop_check_unrealized(DEVICE(obj), VIRTIO_PCI_VECTORS_PROP,
                                   errp)) {
        return false;
    }
    if (value > PCI_MSIX_MAX_VECTORS) {
        error_setg(errp, "vectors %" PRIu64 " is above the MSI-X maximum %u",
                   value, PCI_MSIX_MAX_VECTORS);
        return false;
    }
    VIRTIO_PCI(obj)->nvectors = value;
    return true;
}

/* QEMU's OnOffAuto, in its order. */
static const char *const virtio_pci_on_off_auto[] = { "auto", "on", "off",
                                                      NULL };
#define VIRTIO_PCI_ON_OFF_AUTO_ON 1
#define VIRTIO_PCI_ON_OFF_AUTO_OFF 2

/* Modern only: legacy is always disabled, whatever was asked. */
static int virtio_pci_get_disable_legacy(Object *obj, Error **errp)
{
    return VIRTIO_PCI_ON_OFF_AUTO_ON;
}

static bool virtio_pci_set_disable_legacy(Object *obj, int value,
                                          Error **errp)
{
    if (value == VIRTIO_PCI_ON_OFF_AUTO_OFF) {
        error_setg(errp, "%s=off is not supported: %s offers the modern virtio interface only", VIRTIO_PCI_DISABLE_LEGACY_PROP,
                   object_get_typename(obj));
        return false;
    }
    return qdev_prop_check_unrealized(DEVICE(obj),
                                     VIRTIO_PCI_DISABLE_LEGACY_PROP, errp);
}

static bool virtio_pci_get_disable_modern(Object *obj, Error **errp)
{
    return false;
}

static bool virtio_pci_set_disable_modern(Object *obj, bool value,
                                          Error **errp)
{
    if (value) {
        error_setg(errp, "%s=on is not supported: %s offers the modern virtio interface only", VIRTIO_PCI_DISABLE_MODERN_PROP,
                   object_get_typename(obj));
        return false;
    }
    return qdev_prop_check_unrealized(DEVICE(obj),
                                     VIRTIO_PCI_DISABLE_MODERN_PROP, errp);
}

static void virtio_pci_instance_init(Object *obj)
{
    VirtioPCIClass *vpc = VIRTIO_PCI_GET_CLASS(obj);

    VIRTIO_PCI(obj)->nvectors = vpc->default_nvectors;
    if (vpc->has_vectors_prop) {
        object_property_add_uint(obj, VIRTIO_PCI_VECTORS_PROP, "uint32",
                                 virtio_pci_get_vectors,
                                 virtio_pci_set_vectors);
    }
    object_property_add_enum(obj, VIRTIO_PCI_DISABLE_LEGACY_PROP, "OnOffAuto",
                             virtio_pci_on_off_auto,
                             virtio_pci_get_disable_legacy,
                             virtio_pci_set_disable_legacy);
    object_property_add_bool(obj, VIRTIO_PCI_DISABLE_MODERN_PROP,
                             virtio_pci_get_disable_modern,
                             virtio_pci_set_disable_modern);
}

static void virtio_pci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    dc->user_creatable = true;
    dc->hotpluggable = true;
    pc->realize = virtio_pci_realize;
    pc->exit = virtio_pci_exit;
    pc->reset = virtio_pci_reset;
    pc->config_read = virtio_pci_config_read;
    pc->config_write = virtio_pci_config_write;
    pc->vendor_id = PCI_VENDOR_ID_REDHAT_QUMRANET;
    pc->device_id = VIRTIO_PCI_DEVICE_ID_BASE;
    pc->revision = VIRTIO_PCI_REVISION;
    pc->class_id = PCI_CLASS_OTHERS;
}

static const TypeInfo virtio_pci_type_info = {
    .name = TYPE_VIRTIO_PCI,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(VirtIOPCIProxy),
    .class_size = sizeof(VirtioPCIClass),
    .abstract = true,
    .instance_init = virtio_pci_instance_init,
    .class_init = virtio_pci_class_init,
};

static void virtio_pci_register_types(void)
{
    type_register_static(&virtio_pci_type_info);
}
type_init(virtio_pci_register_types)
