/*
 * Shared inside hw/virtio/ only: the virtqueue's fields, for the core
 * (virtio.c) and its migration section (virtio-migration.c).
 */
#ifndef HW_VIRTIO_VIRTIO_INTERNAL_H
#define HW_VIRTIO_VIRTIO_INTERNAL_H

#include "hw/virtio/virtio.h"

/* Fields private to virtio.c and virtio-migration.c. */
struct VirtQueue {
    VirtIODevice *vdev;
    unsigned int max_num;       /* 0: no queue at this index */
    unsigned int num;           /* driver's queue size, 1..max_num */
    hwaddr desc;                /* guest-physical ring addresses */
    hwaddr avail;
    hwaddr used;
    bool enabled;               /* queue_enable: rings are live */
    uint16_t vector;
    uint16_t last_avail_idx;    /* next avail ring entry to pop */
    uint16_t used_idx;          /* what we last wrote to used->idx */
    uint16_t signalled_used;    /* used_idx at the last notify decision */
    bool signalled_used_valid;  /* false: notify unconditionally */
    unsigned int inuse;         /* popped, not yet pushed or detached */
    VirtIOHandleOutput handle_output;
};

#endif /* HW_VIRTIO_VIRTIO_INTERNAL_H */
