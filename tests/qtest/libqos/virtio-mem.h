/*
 * The test driver's virtio-mem: device init (features as Linux accepts
 * them), requests on the guest queue with their answers, the config, and a
 * Linux-like policy that plugs and unplugs towards requested_size in
 * memory-block chunks.  Used by the qtest tests, the demo and the bench.
 */
#ifndef LIBQOS_VIRTIO_MEM_H
#define LIBQOS_VIRTIO_MEM_H

#include "virtio.h"

#define QVIRTIO_MEM_DEVICE_ID       24

#define QVIRTIO_MEM_F_ACPI_PXM                  0
#define QVIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE    1

#define QVIRTIO_MEM_REQ_PLUG        0
#define QVIRTIO_MEM_REQ_UNPLUG      1
#define QVIRTIO_MEM_REQ_UNPLUG_ALL  2
#define QVIRTIO_MEM_REQ_STATE       3

#define QVIRTIO_MEM_RESP_ACK        0
#define QVIRTIO_MEM_RESP_NACK       1
#define QVIRTIO_MEM_RESP_BUSY       2
#define QVIRTIO_MEM_RESP_ERROR      3
#define QVIRTIO_MEM_RESP_NONE       0xffff  /* no answer (device broken) */

#define QVIRTIO_MEM_STATE_PLUGGED   0
#define QVIRTIO_MEM_STATE_UNPLUGGED 1
#define QVIRTIO_MEM_STATE_MIXED     2

/* Config offsets. */
#define QVIRTIO_MEM_CFG_BLOCK_SIZE      0
#define QVIRTIO_MEM_CFG_NODE_ID         8
#define QVIRTIO_MEM_CFG_ADDR            16
#define QVIRTIO_MEM_CFG_REGION_SIZE     24
#define QVIRTIO_MEM_CFG_USABLE_SIZE     32
#define QVIRTIO_MEM_CFG_PLUGGED_SIZE    40
#define QVIRTIO_MEM_CFG_REQUESTED_SIZE  48

typedef struct QVirtioMemConfig {
    uint64_t block_size;
    uint16_t node_id;
    uint64_t addr;
    uint64_t region_size;
    uint64_t usable_region_size;
    uint64_t plugged_size;
    uint64_t requested_size;
} QVirtioMemConfig;

/* Request (24 bytes) + response (10) per slot, 8-byte aligned. */
#define QVIRTIO_MEM_REQ_STRIDE 40
#define QVIRTIO_MEM_MAX_BATCH 32

typedef struct QVirtioMem {
    QVirtioPCIDevice *vdev;
    QVirtQueue *vq;
    uint64_t req_buf;       /* guest address of a 24-byte request */
    uint64_t resp_buf;      /* guest address of a 10-byte response */
    uint64_t features;      /* negotiated */
    uint64_t batch_buf;     /* QVIRTIO_MEM_MAX_BATCH request slots */
} QVirtioMem;

/* Find, negotiate (VERSION_1, ACPI_PXM, UNPLUGGED_INACCESSIBLE as offered),
 * set up the queue, DRIVER_OK.  NULL when there is no virtio-mem-pci. */
QVirtioMem *qvirtio_mem_init(QTestState *qts);
/* The same for the nth virtio-mem-pci (0: the first). */
QVirtioMem *qvirtio_mem_init_nth(QTestState *qts, int nth);
void qvirtio_mem_free(QVirtioMem *m);
void qvirtio_mem_read_config(QVirtioMem *m, QVirtioMemConfig *cfg);

/* One request; the response type, or QVIRTIO_MEM_RESP_NONE when the device
 * did not answer (malformed request). *state for STATE (may be NULL). */
uint16_t qvirtio_mem_request(QVirtioMem *m, uint16_t type, uint64_t addr,
                             uint16_t nb_blocks, uint16_t *state);
/* Send raw request bytes split as given (descriptor chain of out parts and
 * in parts); for malformed-request tests.  Returns the used length or -1
 * when no used element appeared. */
int qvirtio_mem_request_raw(QVirtioMem *m, const void *req, int nb_out,
                            const uint32_t *out_lens, int nb_in,
                            const uint32_t *in_lens, void *resp);

/*
 * count requests of one type (each nb_blocks at addrs[i]) made available
 * together and notified once; resps[i] gets each answer.  Returns how
 * many were answered.  For benchmarks: Linux sends one at a time.
 */
int qvirtio_mem_request_batch(QVirtioMem *m, uint16_t type,
                              const uint64_t *addrs, uint16_t nb_blocks,
                              int count, uint16_t *resps);

/*
 * One step of the Linux-like policy: if plugged < requested, plug the
 * lowest unplugged chunk (chunk bytes, a multiple of block_size) inside
 * the usable region; if plugged > requested, unplug the highest plugged
 * chunk.  Returns the response of the request sent, or -1 when already
 * converged.  Keeps a bitmap of chunks in *chunk_map (g_malloc'ed on first
 * use, free it).
 */
int qvirtio_mem_policy_step(QVirtioMem *m, uint64_t chunk,
                            unsigned long **chunk_map);

#endif /* LIBQOS_VIRTIO_MEM_H */
