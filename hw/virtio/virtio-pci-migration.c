/*
 * virtio-pci's migration section, "virtio-pci" (device phase), owned by
 * the proxy: the common config's selectors, the driver's feature words and
 * the per-queue shadow the driver fills before queue_enable.  The PCI
 * header and MSI-X are hw/pci's "pci-config", the device's state its own
 * and the virtio core's "virtio" section (registered here too, so the
 * transport decides that a virtio device is migrated).
 */
#include "qemu/osdep.h"
#include "hw/virtio/virtio-pci.h"
#include "migration/register.h"

static uint64_t virtio_pci_mig_addr(const uint32_t half[2])
{
    return half[0] | (uint64_t)half[1] << 32;
}

static void virtio_pci_mig_set_addr(uint32_t half[2], uint64_t addr)
{
    half[0] = (uint32_t)addr;
    half[1] = addr >> 32;
}

static void virtio_pci_mig_save(MigFields *f, void *opaque)
{
    VirtIOPCIProxy *proxy = opaque;

    mig_put_u64(f, "nb-queues", proxy->nb_vqs);
    mig_put_u32(f, "device-feature-select", proxy->dfselect);
    mig_put_u32(f, "driver-feature-select", proxy->gfselect);
    mig_put_u32(f, "driver-features-lo", proxy->guest_features[0]);
    mig_put_u32(f, "driver-features-hi", proxy->guest_features[1]);
    mig_put_u16(f, "queue-select", proxy->queue_sel);
    for (unsigned int i = 0; i < proxy->nb_vqs; i++) {
        const VirtIOPCIQueue *q = &proxy->vqs[i];

        mig_put_u16(f, "num", q->num);
        mig_put_bool(f, "enabled", q->enabled);
        mig_put_u64(f, "desc-addr", virtio_pci_mig_addr(q->desc));
        mig_put_u64(f, "avail-addr", virtio_pci_mig_addr(q->avail));
        mig_put_u64(f, "used-addr", virtio_pci_mig_addr(q->used));
    }
}

static bool virtio_pci_mig_load_queue(MigFields *f, VirtIOPCIQueue *q,
                                      Error **errp)
{
    uint64_t desc, avail, used;

    if (!mig_get_u16(f, "num", &q->num, errp) ||
        !mig_get_bool(f, "enabled", &q->enabled, errp) ||
        !mig_get_u64(f, "desc-addr", &desc, errp) ||
        !mig_get_u64(f, "avail-addr", &avail, errp) ||
        !mig_get_u64(f, "used-addr", &used, errp)) {
        return false;
    }
    virtio_pci_mig_set_addr(q->desc, desc);
    virtio_pci_mig_set_addr(q->avail, avail);
    virtio_pci_mig_set_addr(q->used, used);
    return true;
}

static bool virtio_pci_mig_load(MigFields *f, void *opaque, uint32_t version,
                                Error **errp)
{
    VirtIOPCIProxy *proxy = opaque;
    g_autofree VirtIOPCIQueue *vqs = g_new0(VirtIOPCIQueue, proxy->nb_vqs);
    uint32_t dfselect, gfselect, lo, hi;
    uint16_t queue_sel;

    if (!mig_check_u64(f, "nb-queues", proxy->nb_vqs, errp) ||
        !mig_get_u32(f, "device-feature-select", &dfselect, errp) ||
        !mig_get_u32(f, "driver-feature-select", &gfselect, errp) ||
        !mig_get_u32(f, "driver-features-lo", &lo, errp) ||
        !mig_get_u32(f, "driver-features-hi", &hi, errp) ||
        !mig_get_u16(f, "queue-select", &queue_sel, errp)) {
        return false;
    }
    for (unsigned int i = 0; i < proxy->nb_vqs; i++) {
        if (!virtio_pci_mig_load_queue(f, &vqs[i], errp)) {
            return false;
        }
    }
    proxy->dfselect = dfselect;
    proxy->gfselect = gfselect;
    proxy->guest_features[0] = lo;
    proxy->guest_features[1] = hi;
    proxy->queue_sel = queue_sel;
    memcpy(proxy->vqs, vqs, proxy->nb_vqs * sizeof(*vqs));
    return true;
}

static const MigStateOps virtio_pci_mig_ops = {
    .phase = MIG_PHASE_DEVICE,
    .version = 1,
    .save = virtio_pci_mig_save,
    .load = virtio_pci_mig_load,
};

bool virtio_pci_migration_register(VirtIOPCIProxy *proxy, Error **errp)
{
    VirtIODevice *vdev = proxy->vdev;

    if (!virtio_migration_register(vdev, errp)) {
        return false;
    }
    if (!migration_register_state("virtio-pci", OBJECT(proxy),
                                  &virtio_pci_mig_ops, proxy, errp)) {
        virtio_migration_unregister(vdev);
        return false;
    }
    return true;
}

void virtio_pci_migration_unregister(VirtIOPCIProxy *proxy)
{
    migration_unregister_state(proxy);
    virtio_migration_unregister(proxy->vdev);
}
