/*
 * The test driver's virtio: the modern virtio-pci interface (capabilities,
 * common config, notify, ISR, device config), feature negotiation, and a
 * split virtqueue in guest memory, all driven over qtest.  Buffers and
 * rings come from a bump allocator in low guest RAM: the device in PCI slot
 * s (s >= 1) owns [QVIRTIO_GUEST_MEM_START(s), QVIRTIO_GUEST_MEM_START(s +
 * 1)), so the VM needs that much RAM below 4 GiB (512 MiB: slots 1..8).
 */
#ifndef LIBQOS_VIRTIO_H
#define LIBQOS_VIRTIO_H

#include "pci.h"

#define QVIRTIO_STATUS_ACKNOWLEDGE  1
#define QVIRTIO_STATUS_DRIVER       2
#define QVIRTIO_STATUS_DRIVER_OK    4
#define QVIRTIO_STATUS_FEATURES_OK  8
#define QVIRTIO_STATUS_NEEDS_RESET  0x40
#define QVIRTIO_F_VERSION_1         32

#define QVRING_DESC_F_NEXT          1
#define QVRING_DESC_F_WRITE         2

/* Guest memory for rings and buffers of the device in PCI slot s. */
#define QVIRTIO_GUEST_MEM           (62ULL * 1024 * 1024)
#define QVIRTIO_GUEST_MEM_START(s)  (2ULL * 1024 * 1024 + \
                                     ((s) - 1) * QVIRTIO_GUEST_MEM)

/* Guest memory for rings and buffers. */
typedef struct QGuestAlloc {
    uint64_t next;
    uint64_t end;
} QGuestAlloc;

void qguest_alloc_init(QGuestAlloc *alloc, uint64_t start, uint64_t end);
uint64_t qguest_alloc(QGuestAlloc *alloc, uint64_t size, uint64_t align);

typedef struct QVirtioPCIDevice {
    QTestState *qts;
    QPCIBus bus;
    QPCIDevice *pdev;
    uint64_t common;        /* guest addresses of the structures */
    uint64_t isr;
    uint64_t device;
    uint64_t notify;
    uint32_t notify_mult;
    QGuestAlloc alloc;
} QVirtioPCIDevice;

typedef struct QVirtQueue {
    QVirtioPCIDevice *vdev;
    uint16_t index;
    uint16_t size;
    uint64_t desc;
    uint64_t avail;
    uint64_t used;
    uint16_t avail_idx;     /* driver's next avail index */
    uint16_t last_used_idx;
    uint16_t free_head;     /* next descriptor to use (round robin) */
    uint16_t notify_off;
} QVirtQueue;

/*
 * Find the virtio-pci device of virtio device type device_id (modern PCI
 * id 0x1040 + device_id, or the type's transitional id), map BAR(s),
 * locate the vendor capabilities.  NULL when absent.
 */
QVirtioPCIDevice *qvirtio_pci_new(QTestState *qts, uint16_t device_id);
/* The nth device of that type, with its slot's BAR window and guest
 * memory. */
QVirtioPCIDevice *qvirtio_pci_new_nth(QTestState *qts, uint16_t device_id,
                                      int nth);
void qvirtio_pci_free(QVirtioPCIDevice *vdev);

uint8_t qvirtio_get_status(QVirtioPCIDevice *vdev);
void qvirtio_set_status(QVirtioPCIDevice *vdev, uint8_t status);
void qvirtio_reset(QVirtioPCIDevice *vdev);
uint64_t qvirtio_get_features(QVirtioPCIDevice *vdev);
void qvirtio_set_features(QVirtioPCIDevice *vdev, uint64_t features);
uint8_t qvirtio_config_generation(QVirtioPCIDevice *vdev);
uint8_t qvirtio_isr_read(QVirtioPCIDevice *vdev);
uint64_t qvirtio_config_readq(QVirtioPCIDevice *vdev, uint32_t offset);
uint32_t qvirtio_config_readl(QVirtioPCIDevice *vdev, uint32_t offset);
uint16_t qvirtio_config_readw(QVirtioPCIDevice *vdev, uint32_t offset);
uint8_t qvirtio_config_readb(QVirtioPCIDevice *vdev, uint32_t offset);
/* Full init: reset, ACK, DRIVER, features (intersection with wanted),
 * FEATURES_OK; returns the status read back (check FEATURES_OK). */
uint8_t qvirtio_negotiate(QVirtioPCIDevice *vdev, uint64_t wanted);

/*
 * The start of every driver: find the nth device of device_id, negotiate
 * the bits of wanted it offers (qvirtio_negotiate), fail the test unless
 * FEATURES_OK sticks.  *features: what was negotiated.  NULL when there
 * is no such device.  Then set up queues and call qvirtio_driver_ok().
 */
QVirtioPCIDevice *qvirtio_pci_init_device(QTestState *qts, uint16_t device_id,
                                          int nth, uint64_t wanted,
                                          uint64_t *features);
/* Add DRIVER_OK to the status: the device may use its queues now. */
void qvirtio_driver_ok(QVirtioPCIDevice *vdev);

/* Set up queue index in guest memory and enable it. */
QVirtQueue *qvirtqueue_setup(QVirtioPCIDevice *vdev, uint16_t index);
/* Add a chain of n buffers (addr, len, write flag); returns head. */
uint16_t qvirtqueue_add_chain(QVirtQueue *vq, const uint64_t *addrs,
                              const uint32_t *lens, const bool *writes,
                              int n);
/* Publish head in the avail ring and notify the device. */
void qvirtqueue_kick(QVirtQueue *vq, uint16_t head);
/* The two halves: publish several chains, then notify once. */
void qvirtqueue_publish(QVirtQueue *vq, uint16_t head);
void qvirtqueue_notify(QVirtQueue *vq);
/* Wait (bounded) for the next used element; false on timeout.  *len is
 * the used length. */
bool qvirtqueue_get_used(QVirtQueue *vq, uint32_t *id, uint32_t *len,
                         int timeout_ms);

#endif /* LIBQOS_VIRTIO_H */
