/*
 * vhost-user-blk: a virtio-blk device whose requests a vhost-user backend
 * (qemu-storage-daemon, SPDK, ...) serves.  The VMM only relays the device
 * config (GET_CONFIG) and the control path (include/hw/virtio/vhost.h).
 * Implementation: hw/block/vhost-user-blk.c; PCI: hw/virtio/vhost-user-pci.c.
 */
#ifndef HW_VIRTIO_VHOST_USER_BLK_H
#define HW_VIRTIO_VHOST_USER_BLK_H

#include "hw/virtio/vhost.h"

#define TYPE_VHOST_USER_BLK "vhost-user-blk"
#define VIRTIO_ID_BLOCK 2
/* struct virtio_blk_config up to write_zeroes_may_unmap and padding. */
#define VIRTIO_BLK_CFG_SIZE 60
#define VIRTIO_BLK_CFG_NUM_QUEUES 34

typedef struct VHostUserBlk {
    VirtIODevice parent_obj;
    char *chardev;              /* property: id of the backend's chardev */
    uint16_t num_queues;
    uint32_t queue_size;
    bool config_wce;
    bool configure_mem_slots;   /* x-configure-mem-slots: for tests */
    uint8_t blkcfg[VIRTIO_BLK_CFG_SIZE];   /* from the backend */
    VhostDev vhost;
} VHostUserBlk;

#define VHOST_USER_BLK(obj) \
    OBJECT_CHECK(VHostUserBlk, (obj), TYPE_VHOST_USER_BLK)

#endif /* HW_VIRTIO_VHOST_USER_BLK_H */
