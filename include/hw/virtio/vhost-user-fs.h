/*
 * vhost-user-fs: a virtio-fs device (virtio 1.2, 5.11) whose FUSE requests
 * a vhost-user backend (virtiofsd) serves.  The config (tag, number of
 * request queues) is the VMM's; everything else is the backend's.
 * Implementation: hw/virtio/vhost-user-fs.c; PCI: hw/virtio/vhost-user-pci.c.
 */
#ifndef HW_VIRTIO_VHOST_USER_FS_H
#define HW_VIRTIO_VHOST_USER_FS_H

#include "hw/virtio/vhost.h"

#define TYPE_VHOST_USER_FS "vhost-user-fs-device"
#define VIRTIO_ID_FS 26
#define VIRTIO_FS_TAG_SIZE 36
/* struct virtio_fs_config: u8 tag[36], le32 num_request_queues. */
#define VIRTIO_FS_CFG_SIZE (VIRTIO_FS_TAG_SIZE + 4)

typedef struct VHostUserFS {
    VirtIODevice parent_obj;
    char *chardev;
    char *tag;
    uint16_t num_request_queues;
    uint16_t queue_size;
    VhostDev vhost;
} VHostUserFS;

#define VHOST_USER_FS(obj) \
    OBJECT_CHECK(VHostUserFS, (obj), TYPE_VHOST_USER_FS)

#endif /* HW_VIRTIO_VHOST_USER_FS_H */
