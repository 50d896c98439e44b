/*
 * The virtio core's migration section, "virtio" (device phase), owned by
 * the VirtIODevice: status, features (the destination must offer the
 * source's), config generation, ISR, config vector, broken flag, and each
 * queue's size, enable, ring addresses, indices and vector.  Registered
 * by the transport (virtio-pci.c) so that both sides pair it by the same
 * QOM path; the device model's own state is its own section.
 */
#include "qemu/osdep.h"
#include "virtio-internal.h"
#include "migration/register.h"

#define VIRTIO_MIG_SECTION "virtio"

/*
 * The section's opaque is &vdev->status, not vdev: the model registers
 * its own sections with vdev, and unregistering goes by opaque.
 */
static VirtIODevice *virtio_mig_vdev(void *opaque)
{
    return container_of((uint8_t *)opaque, VirtIODevice, status);
}

static void virtio_mig_save_queue(MigFields *f, const VirtQueue *vq)
{
    mig_put_u32(f, "num", vq->num);
    mig_put_bool(f, "enabled", vq->enabled);
    mig_put_u64(f, "desc-addr", vq->desc);
    mig_put_u64(f, "avail-addr", vq->avail);
    mig_put_u64(f, "used-addr", vq->used);
    mig_put_u16(f, "vector", vq->vector);
    mig_put_u16(f, "last-avail-idx", vq->last_avail_idx);
    mig_put_u16(f, "used-idx", vq->used_idx);
    mig_put_u16(f, "signalled-used", vq->signalled_used);
    mig_put_bool(f, "signalled-used-valid", vq->signalled_used_valid);
}

static void virtio_mig_save(MigFields *f, void *opaque)
{
    VirtIODevice *vdev = virtio_mig_vdev(opaque);

    mig_put_u64(f, "device-id", vdev->device_id);
    mig_put_u64(f, "host-features", vdev->host_features);
    mig_put_u64(f, "nb-queues", vdev->nb_queues);
    mig_put_u8(f, "status", vdev->status);
    mig_put_u64(f, "guest-features", vdev->guest_features);
    mig_put_u8(f, "config-generation", vdev->config_generation);
    mig_put_u8(f, "isr", vdev->isr);
    mig_put_u16(f, "config-vector", vdev->config_vector);
    mig_put_bool(f, "broken", vdev->broken);
    for (unsigned int i = 0; i < vdev->nb_queues; i++) {
        virtio_mig_save_queue(f, &vdev->vq[i]);
    }
}

/* Read one queue into *vq (a copy), checking it fits this device's. */
static bool virtio_mig_load_queue(MigFields *f, const VirtQueue *mine,
                                  VirtQueue *vq, Error **errp)
{
    uint32_t num;

    *vq = *mine;
    if (!mig_get_u32(f, "num", &num, errp) ||
        !mig_get_bool(f, "enabled", &vq->enabled, errp) ||
        !mig_get_u64(f, "desc-addr", &vq->desc, errp) ||
        !mig_get_u64(f, "avail-addr", &vq->avail, errp) ||
        !mig_get_u64(f, "used-addr", &vq->used, errp) ||
        !mig_get_u16(f, "vector", &vq->vector, errp) ||
        !mig_get_u16(f, "last-avail-idx", &vq->last_avail_idx, errp) ||
        !mig_get_u16(f, "used-idx", &vq->used_idx, errp) ||
        !mig_get_u16(f, "signalled-used", &vq->signalled_used, errp) ||
        !mig_get_bool(f, "signalled-used-valid", &vq->signalled_used_valid,
                      errp)) {
        return false;
    }
    if (num > mine->max_num || (mine->max_num && !num)) {
        error_setg(errp, "num: queue size %u is not in 1..%u", num,
                   mine->max_num);
        return false;
    }
    vq->num = num;
    vq->inuse = 0;
    return true;
}

static bool virtio_mig_check(MigFields *f, VirtIODevice *vdev, Error **errp)
{
    return mig_check_u64(f, "device-id", vdev->device_id, errp) &&
           mig_check_u64(f, "host-features", vdev->host_features, errp) &&
           mig_check_u64(f, "nb-queues", vdev->nb_queues, errp);
}

static bool virtio_mig_load(MigFields *f, void *opaque, uint32_t version,
                            Error **errp)
{
    VirtIODevice *vdev = virtio_mig_vdev(opaque);
    g_autofree VirtQueue *vqs = g_new0(VirtQueue, vdev->nb_queues);
    uint8_t status, generation, isr;
    uint64_t features;
    uint16_t vector;
    bool broken;

    if (!virtio_mig_check(f, vdev, errp) ||
        !mig_get_u8(f, "status", &status, errp) ||
        !mig_get_u64(f, "guest-features", &features, errp) ||
        !mig_get_u8(f, "config-generation", &generation, errp) ||
        !mig_get_u8(f, "isr", &isr, errp) ||
        !mig_get_u16(f, "config-vector", &vector, errp) ||
        !mig_get_bool(f, "broken", &broken, errp)) {
        return false;
    }
    if (features & ~vdev->host_features) {
        error_setg(errp, "guest-features: 0x%" PRIx64 " has bits the device does not offer (0x%" PRIx64 ")", features,
                   vdev->host_features);
        return false;
    }
    for (unsigned int i = 0; i < vdev->nb_queues; i++) {
        if (!virtio_mig_load_queue(f, &vdev->vq[i], &vqs[i], errp)) {
            return false;
        }
    }
    vdev->status = status;
    vdev->guest_features = features;
    vdev->config_generation = generation;
    vdev->isr = isr;
    vdev->config_vector = vector;
    vdev->broken = broken;
    g_clear_pointer(&vdev->broken_reason, g_free);
    if (broken) {
        vdev->broken_reason = g_strdup("broken on the migration source");
    }
    memcpy(vdev->vq, vqs, vdev->nb_queues * sizeof(*vqs));
    return true;
}

static const MigStateOps virtio_mig_ops = {
    .phase = MIG_PHASE_DEVICE,
    .version = 1,
    .save = virtio_mig_save,
    .load = virtio_mig_load,
};

bool virtio_migration_register(VirtIODevice *vdev, Error **errp)
{
    return migration_register_state(VIRTIO_MIG_SECTION, OBJECT(vdev),
                                    &virtio_mig_ops, &vdev->status, errp);
}

void virtio_migration_unregister(VirtIODevice *vdev)
{
    migration_unregister_state(&vdev->status);
}
