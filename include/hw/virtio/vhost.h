/*
 * vhost: a virtio device whose virtqueues a backend processes (here: a
 * vhost-user backend over a unix socket).  The VMM keeps the control
 * path: it negotiates, tells the backend where guest memory is (one
 * MemslotTable per device, kept in step with the memory map, so every
 * memslot virtio-mem maps or unmaps reaches the backend before the guest's
 * request is answered), hands over the rings at DRIVER_OK and takes them
 * back on reset; kicks go to the backend through eventfds and the
 * backend's call eventfds become the device's interrupts.
 *
 * Each connected device is a memslot consumer (include/sysemu/memslots.h)
 * whose limit is the backend's GET_MAX_MEM_SLOTS (8 without
 * CONFIGURE_MEM_SLOTS).  A lost backend stops the device (reported once;
 * guest memory and other devices untouched); with the chardev's
 * reconnect= the device comes back when the backend does.
 * Implementation: hw/virtio/vhost.c.  Main loop only.
 */
#ifndef HW_VIRTIO_VHOST_H
#define HW_VIRTIO_VHOST_H

#include "hw/virtio/virtio.h"
#include "hw/virtio/vhost-user.h"
#include "chardev/char.h"
#include "sysemu/memslots.h"

typedef struct VhostDev VhostDev;

typedef struct VhostVirtqueue {
    VhostDev *hdev;
    unsigned int index;
    int kick_fd;                /* eventfd: VMM -> backend */
    int call_fd;                /* eventfd: backend -> VMM */
    guint call_watch;
    int err_fd;                 /* eventfd: backend reports a bad ring */
    guint err_watch;
    bool started;               /* handed over to the backend */
    unsigned int last_avail;    /* where the backend resumes */
} VhostVirtqueue;

/* What the device model is told by the core. */
typedef struct VhostDevOps {
    /* Connected again after a loss (reconnect=): refresh cached state,
     * e.g. the config space.  May be NULL. */
    void (*reconnected)(VhostDev *hdev);
} VhostDevOps;

struct VhostDev {
    VirtIODevice *vdev;
    char *id;                   /* the device's id (or QOM path) */
    char *name;                 /* "vhost-user-blk 'ID'": for messages */
    Chardev *chr;
    VhostUserConn *conn;        /* NULL: disconnected */
    const VhostDevOps *ops;
    unsigned int nvqs;
    VhostVirtqueue *vqs;
    uint64_t backend_features;  /* GET_FEATURES */
    uint64_t acked_features;    /* the driver's, at start */
    unsigned int max_mem_slots;
    uint64_t protocol_features_off; /* set by the model before init:
                                     * protocol features not to use */
    MemslotTable *slots;        /* the memory table the backend has */
    bool started;
    bool want_started;          /* DRIVER_OK: restart after reconnect */
    guint reconnect_timer;
};

/*
 * Claim the chardev called chardev (QEMU's messages when it is missing or
 * in use), connect over it (its connection from creation, or a new one
 * for a client chardev), negotiate, check that guest RAM can be shared and the
 * memslot rules, send the memory table, become a memslot consumer.
 * nvqs queues, driven by the model's virtqueues 0 .. nvqs - 1.  Fails
 * with errp (QEMU's messages) and nothing left behind.
 */
bool vhost_dev_init(VhostDev *hdev, VirtIODevice *vdev, const char *chardev,
                    unsigned int nvqs, const VhostDevOps *ops, Error **errp);
/* Everything init set up, the chardev claim included; idempotent. */
void vhost_dev_cleanup(VhostDev *hdev);
bool vhost_dev_is_connected(const VhostDev *hdev);

/* requested, less the feature bits of bits (ended by -1) the backend
 * does not offer. */
uint64_t vhost_dev_get_features(const VhostDev *hdev, const int *bits,
                                uint64_t requested);
/* Device config from the backend (GET_CONFIG). */
bool vhost_dev_get_config(VhostDev *hdev, void *config, uint32_t len,
                          Error **errp);

/*
 * The model's set_status hook: DRIVER_OK hands the enabled rings to the
 * backend, clearing it (reset) takes them back.  Failures are reported
 * and leave the device stopped.
 */
void vhost_dev_set_status(VhostDev *hdev, uint8_t old_status,
                          uint8_t status);
/* The driver kicked vq (the model's queue handler): wake the backend. */
void vhost_dev_kick(VhostDev *hdev, VirtQueue *vq);

#endif /* HW_VIRTIO_VHOST_H */
