/*
 * The test driver's virtio-blk (virtio 1.2, 5.2): negotiation, the config
 * and requests on queue 0 whose data buffers sit at guest-physical
 * addresses the test chooses (e.g. in virtio-mem plugged memory).  Works
 * for virtio-blk-pci and vhost-user-blk-pci alike; completion is found by
 * polling the used ring over qtest, never by interrupt.  Neighbours:
 * virtio.h (transport, rings), backend-proc.h (the vhost-user backend).
 */
#ifndef LIBQOS_VIRTIO_BLK_H
#define LIBQOS_VIRTIO_BLK_H

#include "virtio.h"

#define QVIRTIO_BLK_DEVICE_ID       2
#define QVIRTIO_BLK_SECTOR_SIZE     512

/* Feature bits (virtio 1.2, 5.2.3). */
#define QVIRTIO_BLK_F_SIZE_MAX      1
#define QVIRTIO_BLK_F_SEG_MAX       2
#define QVIRTIO_BLK_F_RO            5
#define QVIRTIO_BLK_F_BLK_SIZE      6
#define QVIRTIO_BLK_F_FLUSH         9
#define QVIRTIO_BLK_F_MQ            12

/* Request types and status values (virtio 1.2, 5.2.6). */
#define QVIRTIO_BLK_T_IN            0
#define QVIRTIO_BLK_T_OUT           1
#define QVIRTIO_BLK_T_FLUSH         4
#define QVIRTIO_BLK_T_GET_ID        8
#define QVIRTIO_BLK_S_OK            0
#define QVIRTIO_BLK_S_IOERR         1
#define QVIRTIO_BLK_S_UNSUPP        2
/* Not a device value: no used element within the timeout. */
#define QVIRTIO_BLK_S_NONE          0xff

/* Config offsets (virtio 1.2, 5.2.4). */
#define QVIRTIO_BLK_CFG_CAPACITY    0
#define QVIRTIO_BLK_CFG_SIZE_MAX    8
#define QVIRTIO_BLK_CFG_SEG_MAX     12
#define QVIRTIO_BLK_CFG_BLK_SIZE    20
#define QVIRTIO_BLK_CFG_NUM_QUEUES  34

/* Data buffers one request may carry. */
#define QVIRTIO_BLK_MAX_SEGS        8

typedef struct QVirtioBlkConfig {
    uint64_t capacity;          /* in 512-byte sectors, whatever blk_size */
    uint32_t size_max;          /* valid with SIZE_MAX */
    uint32_t seg_max;           /* valid with SEG_MAX */
    uint32_t blk_size;          /* valid with BLK_SIZE */
    uint16_t num_queues;        /* valid with MQ */
} QVirtioBlkConfig;

/* One data buffer of a request: guest-physical address and length. */
typedef struct QVirtioBlkSeg {
    uint64_t gpa;
    uint32_t len;
} QVirtioBlkSeg;

typedef struct QVirtioBlk {
    QVirtioPCIDevice *vdev;
    QVirtQueue *vq;
    uint64_t features;          /* negotiated */
    uint64_t hdr_buf;           /* guest address: 16-byte request header */
    uint64_t status_buf;        /* guest address: 1-byte status */
} QVirtioBlk;

/*
 * Find the first virtio-blk device (modern or transitional id), negotiate
 * VERSION_1 plus the bits of wanted the device offers, set up queue 0,
 * DRIVER_OK.  NULL when there is none; fails the test when the device
 * refuses FEATURES_OK.
 */
QVirtioBlk *qvirtio_blk_init(QTestState *qts, uint64_t wanted);
void qvirtio_blk_free(QVirtioBlk *blk);     /* NULL is fine */
void qvirtio_blk_read_config(QVirtioBlk *blk, QVirtioBlkConfig *cfg);

/*
 * One request: header {type, 0, sector} (readable), nb_segs data buffers
 * (device-writable for T_IN and T_GET_ID, readable otherwise), 1-byte
 * status (writable); kick; poll the used ring for up to timeout_ms.
 * Returns the status byte, or QVIRTIO_BLK_S_NONE when nothing was used
 * in time (the request then stays in the ring: free the driver).
 * *used_len (may be NULL) is the used length the device reported.
 */
uint8_t qvirtio_blk_request(QVirtioBlk *blk, uint32_t type, uint64_t sector,
                            const QVirtioBlkSeg *segs, int nb_segs,
                            int timeout_ms, uint32_t *used_len);
/* One-buffer T_OUT / T_IN of len bytes at gpa, default timeout. */
uint8_t qvirtio_blk_write(QVirtioBlk *blk, uint64_t sector, uint64_t gpa,
                          uint32_t len);
uint8_t qvirtio_blk_read(QVirtioBlk *blk, uint64_t sector, uint64_t gpa,
                         uint32_t len);

/* Timeout of qvirtio_blk_write/read, ms. */
#define QVIRTIO_BLK_TIMEOUT_MS      10000

#endif /* LIBQOS_VIRTIO_BLK_H */
