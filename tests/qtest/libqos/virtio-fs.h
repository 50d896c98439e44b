/*
 * The test driver's virtio-fs (virtio 1.2, 5.11): queues hiprio (0) and
 * the first request queue (1), the config (tag, num_request_queues), and
 * FUSE requests on the request queue, FUSE_INIT first.  FUSE layouts are
 * Linux's include/uapi/linux/fuse.h (protocol 7.x).  Completion is found
 * by polling the used ring.  The device is vhost-user-fs-pci with a
 * virtiofsd behind it (backend-proc.h).
 */
#ifndef LIBQOS_VIRTIO_FS_H
#define LIBQOS_VIRTIO_FS_H

#include "virtio.h"

#define QVIRTIO_FS_DEVICE_ID        26
#define QVIRTIO_FS_TAG_SIZE         36

#define QVIRTIO_FS_CFG_TAG          0
#define QVIRTIO_FS_CFG_NUM_REQUEST_QUEUES 36

#define QFUSE_INIT                  26
#define QFUSE_KERNEL_VERSION        7
/* The minor this driver speaks: 7.31 (Linux 5.4..5.10), no FUSE_INIT_EXT. */
#define QFUSE_KERNEL_MINOR          31
#define QFUSE_ROOT_ID               1

#define QFUSE_IN_HEADER_SIZE        40
#define QFUSE_OUT_HEADER_SIZE       16
#define QFUSE_INIT_IN_SIZE          16
#define QFUSE_INIT_OUT_SIZE         64

#define QVIRTIO_FS_TIMEOUT_MS       10000
/* Bytes of one request (header + argument) or reply (header + payload). */
#define QVIRTIO_FS_MSG_MAX          4096

typedef struct QVirtioFsConfig {
    char tag[QVIRTIO_FS_TAG_SIZE + 1];  /* NUL-terminated */
    uint32_t num_request_queues;
} QVirtioFsConfig;

/* What came back for one FUSE request. */
typedef struct QFuseReply {
    uint32_t len;               /* fuse_out_header.len: header + payload */
    int32_t error;              /* fuse_out_header.error: 0 or -errno */
    uint64_t unique;            /* fuse_out_header.unique */
    uint64_t unique_sent;       /* what the request carried */
    uint32_t used_len;          /* the used element's length */
} QFuseReply;

/* The fields of fuse_init_out a test checks. */
typedef struct QFuseInitOut {
    uint32_t major;
    uint32_t minor;
    uint32_t max_readahead;
    uint32_t flags;
    uint32_t max_write;
} QFuseInitOut;

typedef struct QVirtioFs {
    QVirtioPCIDevice *vdev;
    QVirtQueue *hiprio;         /* queue 0 */
    QVirtQueue *request;        /* queue 1 */
    uint64_t features;          /* negotiated */
    uint64_t next_unique;       /* FUSE request id */
    uint64_t in_buf;            /* guest address: request, QVIRTIO_FS_MSG_MAX */
    uint64_t out_buf;           /* guest address: reply, QVIRTIO_FS_MSG_MAX */
} QVirtioFs;

/*
 * Find the first virtio-fs device, negotiate VERSION_1, set up the hiprio
 * and first request queue, DRIVER_OK.  NULL when there is none.
 */
QVirtioFs *qvirtio_fs_init(QTestState *qts);
void qvirtio_fs_free(QVirtioFs *fs);        /* NULL is fine */
void qvirtio_fs_read_config(QVirtioFs *fs, QVirtioFsConfig *cfg);

/*
 * One FUSE request on the request queue: fuse_in_header {len, opcode,
 * unique, nodeid, uid 0, gid 0, pid 0, total_extlen 0} + in_size bytes of
 * in_arg (readable), then fuse_out_header + out_size bytes (writable).
 * False when no used element came within QVIRTIO_FS_TIMEOUT_MS; else
 * *reply is filled and out gets the out_size payload bytes as the device
 * left them (zero where it wrote nothing).
 */
bool qvirtio_fs_request(QVirtioFs *fs, uint32_t opcode, uint64_t nodeid,
                        const void *in_arg, uint32_t in_size, void *out,
                        uint32_t out_size, QFuseReply *reply);

/*
 * FUSE_INIT {major 7, minor, max_readahead 128 KiB, flags 0} on the root
 * node; as qvirtio_fs_request, *init decoded from fuse_init_out.
 */
bool qvirtio_fs_fuse_init(QVirtioFs *fs, uint32_t minor, QFuseReply *reply,
                          QFuseInitOut *init);

#endif /* LIBQOS_VIRTIO_FS_H */
