/*
 * A vhost device's migration section, "vhost" (device phase), owned by
 * the virtio device: where the backend stopped in each ring.  Saving asks
 * the source's backend (GET_VRING_BASE) and gives it the rings back, so
 * a failed migration leaves the source as it was; after load the
 * destination sends its backend the memory table and the rings from those
 * positions, as if the driver had just set DRIVER_OK.  The rings' own
 * state is the virtio core's section.
 */
#include "qemu/osdep.h"
#include "vhost-internal.h"
#include "migration/register.h"

static void vhost_mig_save(MigFields *f, void *opaque)
{
    VhostDev *hdev = opaque;
    bool was_started = hdev->started && vhost_conn_usable(hdev);
    Error *err = NULL;

    if (was_started) {
        vhost_dev_stop(hdev);
    }
    mig_put_u64(f, "nb-vqs", hdev->nvqs);
    for (unsigned int n = 0; n < hdev->nvqs; n++) {
        mig_put_u32(f, "last-avail", hdev->vqs[n].last_avail);
    }
    if (was_started && !vhost_dev_start(hdev, &err)) {
        error_report_err(err);
    }
}

static bool vhost_mig_load(MigFields *f, void *opaque, uint32_t version,
                           Error **errp)
{
    VhostDev *hdev = opaque;
    g_autofree uint32_t *last = g_new0(uint32_t, hdev->nvqs);

    if (!mig_check_u64(f, "nb-vqs", hdev->nvqs, errp)) {
        return false;
    }
    for (unsigned int n = 0; n < hdev->nvqs; n++) {
        if (!mig_get_u32(f, "last-avail", &last[n], errp)) {
            return false;
        }
        if (last[n] > UINT16_MAX) {
            error_setg(errp, "last-avail: %u of ring %u is not a 16-bit index", last[n], n);
            return false;
        }
    }
    for (unsigned int n = 0; n < hdev->nvqs; n++) {
        hdev->vqs[n].last_avail = last[n];
    }
    return true;
}

/* After all state and RAM: the backend gets the table, then the rings. */
static bool vhost_mig_post_load(void *opaque, Error **errp)
{
    VhostDev *hdev = opaque;
    uint8_t status = virtio_get_status(hdev->vdev);

    hdev->want_started = status & VIRTIO_CONFIG_S_DRIVER_OK;
    if (!hdev->want_started || hdev->started || !vhost_conn_usable(hdev)) {
        return true;    /* a lost backend gets them when it reconnects */
    }
    vhost_mem_commit(hdev);
    if (!vhost_dev_start(hdev, errp)) {
        error_prepend(errp, "%s: ", hdev->name);
        vhost_dev_stop(hdev);
        return false;
    }
    return true;
}

static const MigStateOps vhost_mig_ops = {
    .phase = MIG_PHASE_DEVICE,
    .version = 1,
    .save = vhost_mig_save,
    .load = vhost_mig_load,
    .post_load = vhost_mig_post_load,
};

bool vhost_migration_register(VhostDev *hdev, Error **errp)
{
    return migration_register_state("vhost", OBJECT(hdev->vdev),
                                    &vhost_mig_ops, hdev, errp);
}

void vhost_migration_unregister(VhostDev *hdev)
{
    migration_unregister_state(hdev);
}
