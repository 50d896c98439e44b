/*
 * Shared inside hw/virtio/ only: what vhost-migration.c needs from the
 * vhost core (vhost.c): handing the rings over and taking them back, the
 * memory table, and whether the connection can be used.
 */
#ifndef HW_VIRTIO_VHOST_INTERNAL_H
#define HW_VIRTIO_VHOST_INTERNAL_H

#include "hw/virtio/vhost.h"

bool vhost_conn_usable(const VhostDev *hdev);
/* Hand the enabled rings over from each vq's last_avail. */
bool vhost_dev_start(VhostDev *hdev, Error **errp);
/* Take them back; last_avail is where the backend stopped. */
void vhost_dev_stop(VhostDev *hdev);
/* Send the whole memory table (no-op with incremental updates). */
void vhost_mem_commit(void *opaque);

/* The "vhost" migration section of hdev (vhost-migration.c). */
bool vhost_migration_register(VhostDev *hdev, Error **errp);
void vhost_migration_unregister(VhostDev *hdev);

#endif /* HW_VIRTIO_VHOST_INTERNAL_H */
