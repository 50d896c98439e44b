/*
 * vfio-user client message layer: one connected unix stream socket to a
 * vfio-user server, requests with their fds and the matching replies (10 s
 * timeout), the server's own DMA_READ/DMA_WRITE requests answered from
 * guest memory, and the notice that the server went away.  Wire format:
 * QEMU's docs/interop/vfio-user.rst (little-endian, 16-byte header).
 * Implementation: hw/vfio/vfio-user.c; the device: hw/vfio/vfio-user-pci.c.
 * Main loop only.
 */
#ifndef HW_VFIO_VFIO_USER_H
#define HW_VFIO_VFIO_USER_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "hw/vfio/vfio-container.h"
#include "hw/vfio/vfio-pci-core.h"

#define VFIO_USER_REPLY_TIMEOUT_MS 10000

typedef struct VFIOUserConn VFIOUserConn;

/* What VERSION told us about the server. */
typedef struct VFIOUserServerCaps {
    uint16_t major;
    uint16_t minor;
    uint64_t max_dma_maps;          /* 0: not announced */
    uint64_t max_msg_fds;
    uint64_t max_data_xfer_size;    /* bytes */
} VFIOUserServerCaps;

/*
 * Connect to the server at path; name is used in messages ("vfu0").
 * Guest memory the server reads or writes by message is in as.  NULL and
 * errp on failure.
 */
VFIOUserConn *vfio_user_connect(const char *path, const char *name,
                                AddressSpace *as, Error **errp);
/* The same over a connected stream socket fd (taken). */
VFIOUserConn *vfio_user_conn_new(int fd, const char *name, AddressSpace *as);
/* Close the socket and free; no-op for NULL. */
void vfio_user_conn_free(VFIOUserConn *conn);
bool vfio_user_conn_is_dead(const VFIOUserConn *conn);
/*
 * fn(opaque) is called once, from the main loop, when the connection
 * dies (server closed it, timed out, or broke the protocol).  It is said
 * once on stderr, with the reason.
 */
void vfio_user_conn_set_dead_handler(VFIOUserConn *conn,
                                     void (*fn)(void *opaque), void *opaque);
/* DMA_MAP and DMA_UNMAP messages sent so far (for info and the bench). */
uint64_t vfio_user_conn_nb_dma_messages(const VFIOUserConn *conn);

/* The requests.  bool ones set errp naming the request and the errno. */
bool vfio_user_version(VFIOUserConn *conn, VFIOUserServerCaps *caps,
                       Error **errp);
bool vfio_user_get_device_info(VFIOUserConn *conn, uint32_t *flags,
                               uint32_t *nb_regions, uint32_t *nb_irqs,
                               Error **errp);
bool vfio_user_get_region_info(VFIOUserConn *conn, uint32_t index,
                               VFIORegionInfo *info, Error **errp);
bool vfio_user_get_irq_info(VFIOUserConn *conn, uint32_t index,
                            uint32_t *flags, uint32_t *count, Error **errp);
/* Trigger eventfds for vectors [start, start + count) of irq index
 * (fds NULL: remove them).  The fds stay the caller's. */
bool vfio_user_set_irqs(VFIOUserConn *conn, uint32_t index, uint32_t start,
                        uint32_t count, const int *fds, Error **errp);
bool vfio_user_device_reset(VFIOUserConn *conn, Error **errp);
/* Region accesses; count <= 8 bytes for BARs, any size for config.  0 or
 * -errno (-EPIPE once dead). */
int vfio_user_region_read(VFIOUserConn *conn, uint32_t region,
                          uint64_t offset, void *buf, uint32_t count);
int vfio_user_region_write(VFIOUserConn *conn, uint32_t region,
                           uint64_t offset, const void *buf, uint32_t count);
/* DMA_MAP (with map->fd) and DMA_UNMAP; 0 or -errno. */
int vfio_user_dma_map(VFIOUserConn *conn, const VFIODMAMap *map);
int vfio_user_dma_unmap(VFIOUserConn *conn, const VFIODMAMap *map);

#endif /* HW_VFIO_VFIO_USER_H */
