/*
 * virtio core: device status and feature negotiation, split virtqueues
 * (indirect descriptors, event idx), element pop/push with every guest
 * address checked, config space and change notification, and the
 * "broken" state (NEEDS_RESET) a protocol violation puts a device in.
 * Transports (virtio-pci.c) drive it through the functions below; device
 * models (virtio-mem.c) implement VirtioDeviceClass.  Main loop only.
 */
#ifndef HW_VIRTIO_VIRTIO_H
#define HW_VIRTIO_VIRTIO_H

#include "qemu/osdep.h"
#include "hw/core/qdev.h"
#include "exec/memory.h"
#include "qemu/iov.h"
#include <sys/uio.h>

#define TYPE_VIRTIO_DEVICE "virtio-device"

/* Status bits (virtio 1.2, 2.1). */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE     1
#define VIRTIO_CONFIG_S_DRIVER          2
#define VIRTIO_CONFIG_S_DRIVER_OK       4
#define VIRTIO_CONFIG_S_FEATURES_OK     8
#define VIRTIO_CONFIG_S_NEEDS_RESET     0x40
#define VIRTIO_CONFIG_S_FAILED          0x80

/* Transport-independent feature bits. */
#define VIRTIO_RING_F_INDIRECT_DESC     28
#define VIRTIO_RING_F_EVENT_IDX         29
#define VIRTIO_F_VERSION_1              32
#define VIRTIO_F_ACCESS_PLATFORM        33

#define VIRTQUEUE_MAX_SIZE              1024
#define VIRTIO_NO_VECTOR                0xffff
/* Queues per device (virtio_add_queue refuses more). */
#define VIRTIO_QUEUE_MAX                64

/* Split virtqueue layout (virtio 1.2, 2.7): flags of a descriptor ... */
#define VIRTQ_DESC_F_NEXT               1
#define VIRTQ_DESC_F_WRITE              2
#define VIRTQ_DESC_F_INDIRECT           4
/* ... of the avail ring (driver: no used-buffer notification, please) ... */
#define VIRTQ_AVAIL_F_NO_INTERRUPT      1
/* ... and of the used ring (device: no available-buffer notification). */
#define VIRTQ_USED_F_NO_NOTIFY          1
/* Bytes of one descriptor (le64 addr, le32 len, le16 flags, le16 next). */
#define VIRTQ_DESC_SIZE                 16

typedef struct VirtIODevice VirtIODevice;
typedef struct VirtQueue VirtQueue;

/* One request popped from a virtqueue.  Buffers are host pointers into
 * guest RAM, checked when popped; valid until pushed or detached. */
typedef struct VirtQueueElement {
    unsigned int index;         /* head descriptor index */
    unsigned int ndescs;        /* descriptors consumed in the ring */
    unsigned int out_num;       /* driver -> device buffers */
    unsigned int in_num;        /* device -> driver buffers */
    hwaddr *out_addr;
    hwaddr *in_addr;
    struct iovec *out_sg;
    struct iovec *in_sg;
} VirtQueueElement;

typedef void (*VirtIOHandleOutput)(VirtIODevice *vdev, VirtQueue *vq);

/* What a transport provides to the core. */
typedef struct VirtioTransportOps {
    /* Raise the interrupt of vector (MSI-X) or INTx when no vector. */
    void (*notify)(void *opaque, uint16_t vector);
} VirtioTransportOps;

/* Fields private to hw/virtio/virtio.c except where noted. */
struct VirtIODevice {
    DeviceState parent_obj;
    const char *name;           /* "virtio-mem", set by the model */
    uint16_t device_id;         /* set by the model */
    uint8_t status;
    uint8_t isr;                /* bit 0 queue, bit 1 config */
    uint64_t host_features;     /* offered: virtio_init sets VERSION_1,
                                 * INDIRECT_DESC, EVENT_IDX; the model ORs
                                 * its bits in at realize */
    uint64_t guest_features;    /* accepted by the driver */
    size_t config_len;
    uint8_t *config;            /* model fills via get_config */
    uint8_t config_generation;
    uint16_t config_vector;
    unsigned int nb_queues;
    VirtQueue *vq;
    bool broken;
    char *broken_reason;        /* first violation since reset, or NULL */
    bool error_reported;        /* a violation was logged: log no more */
    AddressSpace *dma_as;       /* guest memory, &address_space_memory() */
    const VirtioTransportOps *transport;
    void *transport_opaque;
};

typedef struct VirtioDeviceClass {
    DeviceClass parent_class;
    /* Features the device offers given what the transport allows. */
    uint64_t (*get_features)(VirtIODevice *vdev, uint64_t requested,
                             Error **errp);
    /* Driver set FEATURES_OK: refuse with a negative value to keep it
     * cleared (e.g. a required feature was not accepted). */
    int (*validate_features)(VirtIODevice *vdev);
    void (*set_features)(VirtIODevice *vdev, uint64_t features);
    void (*get_config)(VirtIODevice *vdev, uint8_t *config);
    void (*set_config)(VirtIODevice *vdev, const uint8_t *config);
    /* Device reset by the driver (status 0); never a system reset. */
    void (*reset)(VirtIODevice *vdev);
    /* Before the core stores a new status (vdev->status is the old one);
     * called with 0 on reset, before reset. */
    void (*set_status)(VirtIODevice *vdev, uint8_t status);
} VirtioDeviceClass;

#define VIRTIO_DEVICE(obj) \
    OBJECT_CHECK(VirtIODevice, (obj), TYPE_VIRTIO_DEVICE)
#define VIRTIO_DEVICE_GET_CLASS(obj) \
    OBJECT_GET_CLASS(VirtioDeviceClass, (obj), TYPE_VIRTIO_DEVICE)
#define VIRTIO_DEVICE_CLASS(klass) \
    OBJECT_CLASS_CHECK(VirtioDeviceClass, (klass), TYPE_VIRTIO_DEVICE)

/* ---- for device models ---- */

/*
 * From the model's realize: config_len bytes of config (zeroed; the model
 * fills it in get_config), no queues, core features offered, status 0.
 */
void virtio_init(VirtIODevice *vdev, uint16_t device_id, size_t config_len);
/* From unrealize (also run at finalize): frees config and queues. */
void virtio_cleanup(VirtIODevice *vdev);
/*
 * Queue n = number of queues so far; queue_size (1..VIRTQUEUE_MAX_SIZE)
 * is the maximum the driver may choose.  handle_output runs on each kick
 * while the device is not broken.  At most VIRTIO_QUEUE_MAX queues.
 */
VirtQueue *virtio_add_queue(VirtIODevice *vdev, int queue_size,
                            VirtIOHandleOutput handle_output);
/* Queue n, or NULL when there is none. */
VirtQueue *virtio_get_queue(VirtIODevice *vdev, int n);

/*
 * Next available element, or NULL (none, queue not enabled, no DRIVER_OK,
 * device broken, or the chain was malformed: then the device is marked
 * broken via virtio_error).  Cost: O(descriptors of the chain).  Checks:
 * descriptors inside RAM, no loops, chain length <= queue size,
 * writable descriptors only after readable ones, indirect tables well
 * formed.  Free the element with g_free() after push/detach.
 */
VirtQueueElement *virtqueue_pop(VirtQueue *vq);
/*
 * Return element with len bytes written into its in buffers: used ring
 * entry, then (after a barrier) used idx.  Dropped when the device broke
 * or was reset since the pop.  Call virtio_notify after a batch.
 */
void virtqueue_push(VirtQueue *vq, const VirtQueueElement *elem,
                    unsigned int len);
/* Interrupt the driver if it wants one (event idx / NO_INTERRUPT):
 * ISR bit 0 and the queue's vector.  Nothing before DRIVER_OK. */
void virtio_notify(VirtIODevice *vdev, VirtQueue *vq);
/*
 * Interrupt for queue n without looking at the ring's suppression fields:
 * for a backend that processes the ring itself (vhost) and has already
 * decided that the driver wants one.  Nothing before DRIVER_OK, for a
 * disabled queue or when broken.
 */
void virtio_queue_raise_irq(VirtIODevice *vdev, int n);
/* Config changed: bump generation, ISR bits 0|1 (as QEMU), interrupt
 * on config_vector.  Nothing before DRIVER_OK. */
void virtio_notify_config(VirtIODevice *vdev);
/*
 * Protocol violation by the driver: mark broken (status gains
 * NEEDS_RESET, config interrupt), stop processing until reset.
 * Message traced/logged once per device; never aborts.
 */
void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
    QEMU_PRINTF(2, 3);
bool virtio_vdev_has_feature(const VirtIODevice *vdev, unsigned int bit);
bool virtio_host_has_feature(const VirtIODevice *vdev, unsigned int bit);
bool virtio_device_is_broken(const VirtIODevice *vdev);

/* iov_to_buf, iov_from_buf, iov_size: see qemu/iov.h (included above). */

/*
 * Give back an element without using it: nothing reaches the used ring
 * (the driver will not see it completed).  For a device that drops a
 * request it will never answer (e.g. after virtio_error).
 */
void virtqueue_detach_element(VirtQueue *vq, const VirtQueueElement *elem);
/*
 * Ask for (enable) or suppress available-buffer notifications (kicks):
 * with EVENT_IDX writes avail_event, otherwise used.flags NO_NOTIFY.
 * A hint to the driver only; kicks may still come.
 */
void virtio_queue_set_notification(VirtQueue *vq, bool enable);
/* Popped elements not yet pushed or detached. */
unsigned int virtqueue_get_inuse(const VirtQueue *vq);
/* Why the device is broken (the first virtio_error message since the
 * last reset), or NULL when it is not broken. */
const char *virtio_device_broken_reason(const VirtIODevice *vdev);
/*
 * Guest memory the rings and buffers live in.  Default (NULL):
 * address_space_memory(), looked up at each use.  Unit tests pass their
 * own address space.
 */
void virtio_set_dma_as(VirtIODevice *vdev, AddressSpace *as);

/* ---- for transports ---- */

void virtio_bind_transport(VirtIODevice *vdev, const VirtioTransportOps *ops,
                           void *opaque);
/*
 * After realize: decide the features offered.  The core offers
 * VERSION_1, INDIRECT_DESC and EVENT_IDX (set by virtio_init), the model
 * its own bits in host_features; transport_features are added and the
 * class get_features hook (if any) may trim the union.  Fails (errp, host
 * features unchanged) when the hook fails or VERSION_1 is not offered.
 */
bool virtio_offer_features(VirtIODevice *vdev, uint64_t transport_features,
                           Error **errp);
uint8_t virtio_get_status(const VirtIODevice *vdev);
uint64_t virtio_get_host_features(const VirtIODevice *vdev);
uint64_t virtio_get_guest_features(const VirtIODevice *vdev);
uint16_t virtio_get_device_id(const VirtIODevice *vdev);
/* Incremented by every config change notification (common cfg field). */
uint8_t virtio_get_config_generation(const VirtIODevice *vdev);
size_t virtio_get_config_len(const VirtIODevice *vdev);
/* MSI-X vector of config changes; VIRTIO_NO_VECTOR after reset. */
uint16_t virtio_get_config_vector(const VirtIODevice *vdev);
void virtio_set_config_vector(VirtIODevice *vdev, uint16_t vector);
/* ISR without clearing it: the transport derives the INTx level from it
 * (non-zero: asserted) after any call, including virtio_reset. */
uint8_t virtio_get_isr(const VirtIODevice *vdev);
/* Queues added by the model (highest index + 1). */
unsigned int virtio_get_num_queues(const VirtIODevice *vdev);
/*
 * Driver writes device_status; 0 resets the device.  Setting FEATURES_OK
 * is refused (the whole write ignored, so the driver reads it back clear)
 * without VERSION_1 or when the class validate_features fails.
 * NEEDS_RESET stays set until reset.
 */
void virtio_set_status(VirtIODevice *vdev, uint8_t status);
/*
 * Device reset: class set_status(0) and reset hooks, then status,
 * features, ISR, broken state and config vector cleared, every queue
 * disabled with size max, no rings, no vector.  The transport calls it
 * on its own (system) reset too, then lowers INTx.
 */
void virtio_reset(VirtIODevice *vdev);
/* Driver writes driver features (both halves); features not offered are
 * dropped.  Returns false if the write is not allowed in this state. */
bool virtio_set_guest_features(VirtIODevice *vdev, uint64_t features);
/* Device config access, little-endian; bytes past config_len read 0xff. */
uint32_t virtio_config_read(VirtIODevice *vdev, uint32_t offset,
                            unsigned int size);
void virtio_config_write(VirtIODevice *vdev, uint32_t offset,
                         uint32_t value, unsigned int size);
/* Read-and-clear ISR; the transport lowers INTx. */
uint8_t virtio_isr_read_clear(VirtIODevice *vdev);

/*
 * Queue setup as the modern common config exposes it.  n comes from the
 * driver: a queue that does not exist reads 0 / NO_VECTOR and ignores
 * writes.  set_num ignores sizes outside 1..max.  Rings are used from
 * set_enabled(true) on.
 */
int virtio_queue_get_max_num(VirtIODevice *vdev, int n);   /* 0: no queue */
void virtio_queue_set_num(VirtIODevice *vdev, int n, int num);
int virtio_queue_get_num(VirtIODevice *vdev, int n);
void virtio_queue_set_rings(VirtIODevice *vdev, int n, hwaddr desc,
                            hwaddr avail, hwaddr used);
void virtio_queue_get_rings(VirtIODevice *vdev, int n, hwaddr *desc,
                            hwaddr *avail, hwaddr *used);
void virtio_queue_set_enabled(VirtIODevice *vdev, int n, bool enabled);
bool virtio_queue_get_enabled(VirtIODevice *vdev, int n);
void virtio_queue_set_vector(VirtIODevice *vdev, int n, uint16_t vector);
uint16_t virtio_queue_get_vector(VirtIODevice *vdev, int n);
/* Driver kicked queue n: run its handler (ignored when broken). */
void virtio_queue_notify(VirtIODevice *vdev, int n);

/*
 * The core's migration section "virtio" of vdev (virtio-migration.c), for
 * transports: register at their realize (fails only for a duplicate or a
 * device outside the object tree), unregister at their exit.
 */
bool virtio_migration_register(VirtIODevice *vdev, Error **errp);
void virtio_migration_unregister(VirtIODevice *vdev);

#endif /* HW_VIRTIO_VIRTIO_H */
