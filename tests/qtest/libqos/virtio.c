/*
 * Modern virtio-pci and split virtqueues for the test driver (virtio.h).
 * Layouts follow virtio 1.2, 4.1.4 (capabilities, common config) and 2.7
 * (split virtqueue).
 */
#include "qemu/osdep.h"
#include "virtio.h"

#define QVIRTIO_PCI_VENDOR          0x1af4
#define QVIRTIO_PCI_DEVICE_BASE     0x1040
#define QVIRTIO_PCI_MMIO_PER_DEVICE 0x1000000   /* 16 MiB of BAR space */
/* Slots whose BAR windows fit below QPCI_MMIO_LIMIT. */
#define QVIRTIO_PCI_MAX_SLOT        30

/* common config offsets */
#define QVC_DFSELECT    0x00
#define QVC_DF          0x04
#define QVC_GFSELECT    0x08
#define QVC_GF          0x0c
#define QVC_MSIX        0x10
#define QVC_STATUS      0x14
#define QVC_CFGGEN      0x15
#define QVC_Q_SELECT    0x16
#define QVC_Q_SIZE      0x18
#define QVC_Q_MSIX      0x1a
#define QVC_Q_ENABLE    0x1c
#define QVC_Q_NOFF      0x1e
#define QVC_Q_DESC      0x20
#define QVC_Q_AVAIL     0x28
#define QVC_Q_USED      0x30

void qguest_alloc_init(QGuestAlloc *alloc, uint64_t start, uint64_t end)
{
    alloc->next = start;
    alloc->end = end;
}

uint64_t qguest_alloc(QGuestAlloc *alloc, uint64_t size, uint64_t align)
{
    uint64_t addr = QEMU_ALIGN_UP(alloc->next, align);

    g_assert_cmphex(addr + size, <=, alloc->end);
    alloc->next = addr + size;
    return addr;
}

/* Guest address of the structure a vendor capability describes. */
static uint64_t qvirtio_pci_cap_addr(QVirtioPCIDevice *vdev, uint8_t cap,
                                     uint64_t *bars)
{
    uint8_t bar = qpci_config_readb(vdev->pdev, cap + 4);
    uint32_t offset = qpci_config_readl(vdev->pdev, cap + 8);

    g_assert_cmpuint(bar, <, 6);
    if (!bars[bar]) {
        bars[bar] = qpci_iomap(vdev->pdev, bar, NULL);
    }
    return bars[bar] + offset;
}

static void qvirtio_pci_find_caps(QVirtioPCIDevice *vdev)
{
    uint64_t bars[6] = { 0 };
    uint8_t cap = 0;

    while ((cap = qpci_find_capability(vdev->pdev, QPCI_CAP_ID_VNDR, cap))) {
        switch (qpci_config_readb(vdev->pdev, cap + 3)) {
        case 1:
            vdev->common = qvirtio_pci_cap_addr(vdev, cap, bars);
            break;
        case 2:
            vdev->notify = qvirtio_pci_cap_addr(vdev, cap, bars);
            vdev->notify_mult = qpci_config_readl(vdev->pdev, cap + 16);
            break;
        case 3:
            vdev->isr = qvirtio_pci_cap_addr(vdev, cap, bars);
            break;
        case 4:
            vdev->device = qvirtio_pci_cap_addr(vdev, cap, bars);
            break;
        default:
            break;
        }
    }
    g_assert_true(vdev->common && vdev->notify && vdev->isr && vdev->device);
}

/*
 * Transitional PCI device id of the virtio device types that have one
 * (virtio 1.2, 4.1.2.1), or 0.  QEMU 7.2 exposes virtio-blk-pci and
 * vhost-user-blk-pci on the q35 root bus as transitional devices.
 */
static uint16_t qvirtio_pci_transitional_id(uint16_t device_id)
{
    switch (device_id) {
    case 1:
        return 0x1000;  /* network */
    case 2:
        return 0x1001;  /* block */
    case 3:
        return 0x1003;  /* console */
    case 4:
        return 0x1005;  /* entropy */
    case 5:
        return 0x1002;  /* traditional balloon */
    case 8:
        return 0x1004;  /* SCSI host */
    case 9:
        return 0x1009;  /* 9P transport */
    default:
        return 0;
    }
}

static QPCIDevice *qvirtio_pci_find(QPCIBus *bus, uint16_t device_id, int nth)
{
    uint16_t ids[2] = { QVIRTIO_PCI_DEVICE_BASE + device_id,
                        qvirtio_pci_transitional_id(device_id) };

    return qpci_find_device_any_nth(bus, QVIRTIO_PCI_VENDOR, ids,
                                    ids[1] ? 2 : 1, nth);
}

QVirtioPCIDevice *qvirtio_pci_new_nth(QTestState *qts, uint16_t device_id,
                                      int nth)
{
    QVirtioPCIDevice *vdev = g_new0(QVirtioPCIDevice, 1);
    int slot;

    vdev->qts = qts;
    qpci_bus_init(&vdev->bus, qts);
    qpci_bridges_init(&vdev->bus);
    vdev->pdev = qvirtio_pci_find(&vdev->bus, device_id, nth);
    if (!vdev->pdev) {
        g_free(vdev);
        return NULL;
    }
    /*
     * Each PCI slot of the root bus gets its own guest memory and, for a
     * device on the root bus, its own BAR window, so drivers of different
     * devices in one VM never overlap.  Slot 0 is the host bridge: virtio
     * devices start at slot 1.  A device behind a bridge (a root port)
     * takes the bridge's slot and gets its BARs inside the bridge's
     * windows.
     */
    if (vdev->pdev->bridge_devfn >= 0) {
        slot = MAX(vdev->pdev->bridge_devfn >> 3, 1);
        qpci_bus_init_behind_bridge(&vdev->bus, vdev->pdev);
    } else {
        slot = MAX(vdev->pdev->devfn >> 3, 1);
        vdev->bus.mmio_next += slot * QVIRTIO_PCI_MMIO_PER_DEVICE;
    }
    g_assert_cmpint(slot, <, QVIRTIO_PCI_MAX_SLOT);
    qvirtio_pci_find_caps(vdev);
    qpci_device_enable(vdev->pdev);
    qguest_alloc_init(&vdev->alloc, QVIRTIO_GUEST_MEM_START(slot),
                      QVIRTIO_GUEST_MEM_START(slot + 1));
    return vdev;
}

QVirtioPCIDevice *qvirtio_pci_new(QTestState *qts, uint16_t device_id)
{
    return qvirtio_pci_new_nth(qts, device_id, 0);
}

void qvirtio_pci_free(QVirtioPCIDevice *vdev)
{
    if (vdev) {
        g_free(vdev->pdev);
        g_free(vdev);
    }
}

uint8_t qvirtio_get_status(QVirtioPCIDevice *vdev)
{
    return qtest_readb(vdev->qts, vdev->common + QVC_STATUS);
}

void qvirtio_set_status(QVirtioPCIDevice *vdev, uint8_t status)
{
    qtest_writeb(vdev->qts, vdev->common + QVC_STATUS, status);
}

void qvirtio_reset(QVirtioPCIDevice *vdev)
{
    qvirtio_set_status(vdev, 0);
    g_assert_cmpuint(qvirtio_get_status(vdev), ==, 0);
}

uint64_t qvirtio_get_features(QVirtioPCIDevice *vdev)
{
    uint64_t lo, hi;

    qtest_writel(vdev->qts, vdev->common + QVC_DFSELECT, 0);
    lo = qtest_readl(vdev->qts, vdev->common + QVC_DF);
    qtest_writel(vdev->qts, vdev->common + QVC_DFSELECT, 1);
    hi = qtest_readl(vdev->qts, vdev->common + QVC_DF);
    return hi << 32 | lo;
}

void qvirtio_set_features(QVirtioPCIDevice *vdev, uint64_t features)
{
    qtest_writel(vdev->qts, vdev->common + QVC_GFSELECT, 0);
    qtest_writel(vdev->qts, vdev->common + QVC_GF, (uint32_t)features);
    qtest_writel(vdev->qts, vdev->common + QVC_GFSELECT, 1);
    qtest_writel(vdev->qts, vdev->common + QVC_GF,
                 (uint32_t)(features >> 32));
}

uint8_t qvirtio_config_generation(QVirtioPCIDevice *vdev)
{
    return qtest_readb(vdev->qts, vdev->common + QVC_CFGGEN);
}

uint8_t qvirtio_isr_read(QVirtioPCIDevice *vdev)
{
    return qtest_readb(vdev->qts, vdev->isr);
}

uint64_t qvirtio_config_readq(QVirtioPCIDevice *vdev, uint32_t offset)
{
    /* Two 32-bit reads, as Linux does for 64-bit config fields. */
    uint64_t lo = qtest_readl(vdev->qts, vdev->device + offset);
    uint64_t hi = qtest_readl(vdev->qts, vdev->device + offset + 4);

    return hi << 32 | lo;
}

uint32_t qvirtio_config_readl(QVirtioPCIDevice *vdev, uint32_t offset)
{
    return qtest_readl(vdev->qts, vdev->device + offset);
}

uint16_t qvirtio_config_readw(QVirtioPCIDevice *vdev, uint32_t offset)
{
    return qtest_readw(vdev->qts, vdev->device + offset);
}

uint8_t qvirtio_config_readb(QVirtioPCIDevice *vdev, uint32_t offset)
{
    return qtest_readb(vdev->qts, vdev->device + offset);
}

uint8_t qvirtio_negotiate(QVirtioPCIDevice *vdev, uint64_t wanted)
{
    uint8_t status = QVIRTIO_STATUS_ACKNOWLEDGE | QVIRTIO_STATUS_DRIVER;

    qvirtio_reset(vdev);
    qvirtio_set_status(vdev, QVIRTIO_STATUS_ACKNOWLEDGE);
    qvirtio_set_status(vdev, status);
    qvirtio_set_features(vdev, qvirtio_get_features(vdev) & wanted);
    qvirtio_set_status(vdev, status | QVIRTIO_STATUS_FEATURES_OK);
    return qvirtio_get_status(vdev);
}

QVirtioPCIDevice *qvirtio_pci_init_device(QTestState *qts, uint16_t device_id,
                                          int nth, uint64_t wanted,
                                          uint64_t *features)
{
    QVirtioPCIDevice *vdev = qvirtio_pci_new_nth(qts, device_id, nth);
    uint8_t status;

    if (!vdev) {
        return NULL;
    }
    status = qvirtio_negotiate(vdev, wanted);
    g_assert_cmphex(status & QVIRTIO_STATUS_FEATURES_OK, ==,
                    QVIRTIO_STATUS_FEATURES_OK);
    *features = qvirtio_get_features(vdev) & wanted;
    return vdev;
}

void qvirtio_driver_ok(QVirtioPCIDevice *vdev)
{
    qvirtio_set_status(vdev, qvirtio_get_status(vdev) |
                             QVIRTIO_STATUS_DRIVER_OK);
}

/* 64-bit common-config fields are written as two 32-bit halves, as the
 * spec requires drivers to (virtio 1.2, 4.1.3.1). */
static void qvirtio_common_write64(QVirtioPCIDevice *vdev, uint32_t offset,
                                   uint64_t value)
{
    qtest_writel(vdev->qts, vdev->common + offset, (uint32_t)value);
    qtest_writel(vdev->qts, vdev->common + offset + 4,
                 (uint32_t)(value >> 32));
}

QVirtQueue *qvirtqueue_setup(QVirtioPCIDevice *vdev, uint16_t index)
{
    QVirtQueue *vq = g_new0(QVirtQueue, 1);
    QTestState *qts = vdev->qts;

    vq->vdev = vdev;
    vq->index = index;
    qtest_writew(qts, vdev->common + QVC_Q_SELECT, index);
    vq->size = qtest_readw(qts, vdev->common + QVC_Q_SIZE);
    g_assert_cmpuint(vq->size, >, 0);
    vq->notify_off = qtest_readw(qts, vdev->common + QVC_Q_NOFF);
    vq->desc = qguest_alloc(&vdev->alloc, 16 * vq->size, 4096);
    vq->avail = qguest_alloc(&vdev->alloc, 6 + 2 * vq->size, 2);
    vq->used = qguest_alloc(&vdev->alloc, 6 + 8 * vq->size, 4096);
    qtest_memset(qts, vq->desc, 0, 16 * vq->size);
    qtest_memset(qts, vq->avail, 0, 6 + 2 * vq->size);
    qtest_memset(qts, vq->used, 0, 6 + 8 * vq->size);
    qvirtio_common_write64(vdev, QVC_Q_DESC, vq->desc);
    qvirtio_common_write64(vdev, QVC_Q_AVAIL, vq->avail);
    qvirtio_common_write64(vdev, QVC_Q_USED, vq->used);
    qtest_writew(qts, vdev->common + QVC_Q_ENABLE, 1);
    return vq;
}

uint16_t qvirtqueue_add_chain(QVirtQueue *vq, const uint64_t *addrs,
                              const uint32_t *lens, const bool *writes,
                              int n)
{
    QTestState *qts = vq->vdev->qts;
    uint16_t head = vq->free_head;
    int i = 0;

    /* One memwrite per run of consecutive table entries. */
    while (i < n) {
        uint16_t idx = (head + i) % vq->size;
        int run = MIN(n - i, vq->size - idx);
        g_autofree uint8_t *buf = g_malloc0(16 * run);

        for (int j = 0; j < run; j++, i++) {
            uint8_t *d = buf + 16 * j;
            uint64_t addr = GUINT64_TO_LE(addrs[i]);
            uint32_t len = GUINT32_TO_LE(lens[i]);
            uint16_t flags = GUINT16_TO_LE(
                (writes[i] ? QVRING_DESC_F_WRITE : 0) |
                (i + 1 < n ? QVRING_DESC_F_NEXT : 0));
            uint16_t next = GUINT16_TO_LE((idx + j + 1) % vq->size);

            memcpy(d, &addr, 8);
            memcpy(d + 8, &len, 4);
            memcpy(d + 12, &flags, 2);
            memcpy(d + 14, &next, 2);
        }
        qtest_memwrite(qts, vq->desc + 16ULL * idx, buf, 16 * run);
    }
    vq->free_head = (head + n) % vq->size;
    return head;
}

void qvirtqueue_publish(QVirtQueue *vq, uint16_t head)
{
    QTestState *qts = vq->vdev->qts;

    qtest_writew(qts, vq->avail + 4 + 2 * (vq->avail_idx % vq->size), head);
    vq->avail_idx++;
    qtest_writew(qts, vq->avail + 2, vq->avail_idx);
}

void qvirtqueue_notify(QVirtQueue *vq)
{
    QVirtioPCIDevice *vdev = vq->vdev;

    qtest_writew(vdev->qts, vdev->notify + vq->notify_off * vdev->notify_mult,
                 vq->index);
}

void qvirtqueue_kick(QVirtQueue *vq, uint16_t head)
{
    qvirtqueue_publish(vq, head);
    qvirtqueue_notify(vq);
}

bool qvirtqueue_get_used(QVirtQueue *vq, uint32_t *id, uint32_t *len,
                         int timeout_ms)
{
    QTestState *qts = vq->vdev->qts;
    gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000LL;
    uint64_t elem;

    while (qtest_readw(qts, vq->used + 2) == vq->last_used_idx) {
        if (g_get_monotonic_time() > deadline) {
            return false;
        }
        g_usleep(100);
    }
    elem = vq->used + 4 + 8ULL * (vq->last_used_idx % vq->size);
    *id = qtest_readl(qts, elem);
    *len = qtest_readl(qts, elem + 4);
    vq->last_used_idx++;
    return true;
}
