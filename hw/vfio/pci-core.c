/*
 * PCI side of VFIO devices: the type 0 header of the device copied into
 * the emulated config space (BARs, command and the header stay emulated
 * here), BARs backed by region reads/writes or by the region's fd mapped,
 * config registers past the header passed through, INTx from an eventfd.
 * Which transport carries the accesses is the backend's (vfio-user-pci.c,
 * vfio-pci.c).  Contract: include/hw/vfio/vfio-pci-core.h.
 */
#include "qemu/osdep.h"
#include "hw/vfio/vfio-pci-core.h"
#include "hw/vfio/pci-internal.h"
#include "hw/vfio/trace.h"
#include <glib-unix.h>
#include <linux/vfio.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

static bool vfio_pci_core_is_stopped(VFIOPCICore *core)
{
    return core->ops->is_stopped(core->opaque);
}

static uint64_t vfio_pci_core_all_ones(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (1ULL << (8 * size)) - 1;
}

/* ---- BARs ---- */

static uint64_t vfio_pci_bar_read(void *opaque, hwaddr addr, unsigned size)
{
    VFIOPCIBar *bar = opaque;
    VFIOPCICore *core = bar->core;
    uint64_t val = 0;

    if (vfio_pci_core_is_stopped(core) ||
        core->ops->region_read(core->opaque, bar->index, addr, &val, size)) {
        return vfio_pci_core_all_ones(size);
    }
    return GUINT64_FROM_LE(val);
}

static void vfio_pci_bar_write(void *opaque, hwaddr addr, uint64_t val,
                               unsigned size)
{
    VFIOPCIBar *bar = opaque;
    VFIOPCICore *core = bar->core;
    uint64_t le = GUINT64_TO_LE(val);

    if (!vfio_pci_core_is_stopped(core)) {
        core->ops->region_write(core->opaque, bar->index, addr, &le, size);
    }
}

static const MemoryRegionOps vfio_pci_bar_ops = {
    .read = vfio_pci_bar_read,
    .write = vfio_pci_bar_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* BAR sizes are powers of two (PCI); a region may be smaller. */
static uint64_t vfio_pci_bar_size(uint64_t region_size)
{
    uint64_t p = 16;

    while (p < region_size) {
        p <<= 1;
    }
    return p;
}

/*
 * The BAR: a container (where MSI-X puts its table) holding the device's
 * region, the region's fd mapped or else accesses.
 */
static void vfio_pci_bar_init_region(VFIOPCICore *core, VFIOPCIBar *bar,
                                     const VFIORegionInfo *info,
                                     uint64_t bar_size)
{
    g_autofree char *name = g_strdup_printf("%s BAR %u", core->name,
                                            bar->index);
    g_autofree char *dev_name = g_strdup_printf("%s BAR %u device",
                                                core->name, bar->index);
    Object *owner = OBJECT(core->pdev);
    void *p = MAP_FAILED;

    memory_region_init(&bar->mr, owner, name, bar_size);
    if (info->fd >= 0 && info->size == bar_size) {
        p = mmap(NULL, info->size, PROT_READ | PROT_WRITE, MAP_SHARED,
                 info->fd, info->offset);
    }
    if (p != MAP_FAILED) {
        bar->mmap_ptr = p;
        bar->mmap_size = info->size;
        memory_region_init_ram_ptr(&bar->dev_mr, owner, dev_name, bar_size,
                                   p);
    } else {
        memory_region_init_io(&bar->dev_mr, owner, &vfio_pci_bar_ops, bar,
                              dev_name, bar_size);
    }
    memory_region_add_subregion(&bar->mr, 0, &bar->dev_mr);
}

/* BAR i from its region and the device's BAR register; next BAR. */
static int vfio_pci_core_setup_bar(VFIOPCICore *core, int i,
                                   const uint8_t *header, Error **errp)
{
    VFIOPCIBar *bar = &core->bars[i];
    VFIORegionInfo info;
    uint32_t reg = pci_get_long(header + PCI_BASE_ADDRESS_0 + 4 * i);
    uint8_t type;

    if (!core->ops->region_info(core->opaque, i, &info, errp)) {
        return -1;
    }
    if (!info.size) {
        return i + 1;
    }
    type = reg & PCI_BASE_ADDRESS_SPACE_IO
           ? PCI_BASE_ADDRESS_SPACE_IO
           : reg & (PCI_BASE_ADDRESS_MEM_TYPE_64 |
                    PCI_BASE_ADDRESS_MEM_PREFETCH);
    bar->core = core;
    bar->index = i;
    vfio_pci_bar_init_region(core, bar, &info, vfio_pci_bar_size(info.size));
    if (info.fd >= 0) {
        close(info.fd);
    }
    pci_register_bar(core->pdev, i, type, &bar->mr);
    bar->registered = true;
    trace_vfio_pci_core_bar(core->name, i, info.size, type,
                            bar->mmap_ptr != NULL);
    return type & PCI_BASE_ADDRESS_MEM_TYPE_64 ? i + 2 : i + 1;
}

/* ---- config space ---- */

static bool vfio_pci_core_copy_header(VFIOPCICore *core, uint8_t *header,
                                      Error **errp)
{
    uint8_t *cfg = core->pdev->config;
    int ret = core->ops->region_read(core->opaque,
                                     VFIO_PCI_CONFIG_REGION_INDEX, 0, header,
                                     VFIO_PCI_CORE_HEADER_SIZE);

    if (ret) {
        error_setg(errp, "%s: reading the device's config header failed: %s",
                   core->name, strerror(-ret));
        return false;
    }
    pci_config_set_vendor_id(cfg, pci_get_word(header + PCI_VENDOR_ID));
    pci_config_set_device_id(cfg, pci_get_word(header + PCI_DEVICE_ID));
    pci_config_set_revision(cfg, header[PCI_REVISION_ID]);
    cfg[PCI_CLASS_PROG] = header[PCI_CLASS_PROG];
    pci_config_set_class(cfg, pci_get_word(header + PCI_CLASS_DEVICE));
    memcpy(cfg + PCI_SUBSYSTEM_VENDOR_ID, header + PCI_SUBSYSTEM_VENDOR_ID, 4);
    pci_set_word(cfg + PCI_STATUS,
                 pci_get_word(header + PCI_STATUS) & PCI_STATUS_CAP_LIST);
    cfg[PCI_CAPABILITY_LIST] = header[PCI_CAPABILITY_LIST];
    pci_config_set_interrupt_pin(cfg, header[PCI_INTERRUPT_PIN]);
    return true;
}

uint32_t vfio_pci_core_config_read(VFIOPCICore *core, uint32_t addr,
                                   unsigned len)
{
    uint32_t val = 0;

    if (addr < VFIO_PCI_CORE_HEADER_SIZE || vfio_pci_msix_owns(core, addr) ||
        vfio_pci_core_is_stopped(core)) {
        return pci_default_read_config(core->pdev, addr, len);
    }
    if (core->ops->region_read(core->opaque, VFIO_PCI_CONFIG_REGION_INDEX,
                               addr, &val, len)) {
        return vfio_pci_core_all_ones(len);
    }
    return GUINT32_FROM_LE(val);
}

void vfio_pci_core_config_write(VFIOPCICore *core, uint32_t addr,
                                uint32_t val, unsigned len)
{
    uint32_t le = GUINT32_TO_LE(val);
    bool msix_was_on = vfio_pci_msix_is_on(core);

    pci_default_write_config(core->pdev, addr, val, len);
    if (vfio_pci_msix_is_on(core) != msix_was_on) {
        vfio_pci_msix_switch(core, !msix_was_on);
    }
    /* The device sees command writes (bus master, decoding) and its own
     * registers; BARs and the rest of the header are ours. */
    if ((addr >= PCI_BASE_ADDRESS_0 && addr < VFIO_PCI_CORE_HEADER_SIZE) ||
        vfio_pci_core_is_stopped(core)) {
        return;
    }
    core->ops->region_write(core->opaque, VFIO_PCI_CONFIG_REGION_INDEX, addr,
                            &le, len);
}

/* ---- INTx ---- */

static gboolean vfio_pci_core_intx_cb(gint fd, GIOCondition cond,
                                      gpointer opaque)
{
    VFIOPCICore *core = opaque;
    uint64_t count;

    if (read(fd, &count, sizeof(count)) == sizeof(count)) {
        /* The device signals an edge; the pin follows it. */
        pci_irq_assert(core->pdev);
        pci_irq_deassert(core->pdev);
    }
    return G_SOURCE_CONTINUE;
}

static bool vfio_pci_core_setup_intx(VFIOPCICore *core, Error **errp)
{
    uint32_t count;

    if (!core->pdev->config[PCI_INTERRUPT_PIN]) {
        return true;
    }
    if (!core->ops->irq_info(core->opaque, VFIO_PCI_INTX_IRQ_INDEX, &count,
                             errp)) {
        return false;
    }
    if (!count) {
        return true;
    }
    core->intx_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (core->intx_fd < 0) {
        error_setg_errno(errp, errno, "%s: eventfd for INTx", core->name);
        return false;
    }
    if (!core->ops->set_irqs(core->opaque, VFIO_PCI_INTX_IRQ_INDEX, 0, 1,
                             &core->intx_fd, errp)) {
        return false;
    }
    core->intx_watch = g_unix_fd_add(core->intx_fd, G_IO_IN,
                                     vfio_pci_core_intx_cb, core);
    return true;
}

/* ---- life cycle ---- */

void vfio_pci_core_init(VFIOPCICore *core, PCIDevice *pdev,
                        const VFIOPCICoreOps *ops, void *opaque)
{
    memset(core, 0, sizeof(*core));
    core->pdev = pdev;
    core->ops = ops;
    core->opaque = opaque;
    core->intx_fd = -1;
}

bool vfio_pci_core_setup(VFIOPCICore *core, const char *name, Error **errp)
{
    uint8_t header[VFIO_PCI_CORE_HEADER_SIZE];

    core->name = name;
    if (!vfio_pci_core_copy_header(core, header, errp)) {
        return false;
    }
    for (int i = 0; i < PCI_NUM_BARS;) {
        i = vfio_pci_core_setup_bar(core, i, header, errp);
        if (i < 0) {
            return false;
        }
    }
    return vfio_pci_msix_setup(core, header, errp) &&
           vfio_pci_core_setup_intx(core, errp);
}

void vfio_pci_core_teardown(VFIOPCICore *core)
{
    vfio_pci_msix_teardown(core);
    if (core->intx_watch) {
        g_source_remove(core->intx_watch);
        core->intx_watch = 0;
    }
    if (core->intx_fd >= 0) {
        close(core->intx_fd);
        core->intx_fd = -1;
    }
}

void vfio_pci_core_reset(VFIOPCICore *core)
{
    core->msix_armed = false;
}

void vfio_pci_core_finalize(VFIOPCICore *core)
{
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        VFIOPCIBar *bar = &core->bars[i];

        if (bar->registered) {
            memory_region_finalize(&bar->dev_mr);
            memory_region_finalize(&bar->mr);
        }
        if (bar->mmap_ptr) {
            munmap(bar->mmap_ptr, bar->mmap_size);
        }
    }
}
