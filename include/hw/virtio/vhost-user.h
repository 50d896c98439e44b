/*
 * vhost-user, frontend side: the message layer over one connected unix
 * socket (docs/interop/vhost-user.rst of QEMU, "front-end" = us).  Every
 * request is synchronous: it is written (with its fds as SCM_RIGHTS) and,
 * when the message has a reply or REPLY_ACK was negotiated, the reply is
 * read before the call returns.  A short read/write, EOF, a reply of the
 * wrong type or size, or no answer within VHOST_USER_REPLY_TIMEOUT_MS
 * marks the connection dead: every later call fails at once and the
 * disconnect handler (if any) runs once, from the main loop.
 * Implementation: hw/virtio/vhost-user.c.  Main loop only.
 */
#ifndef HW_VIRTIO_VHOST_USER_H
#define HW_VIRTIO_VHOST_USER_H

#include "qemu/osdep.h"
#include "qapi/error.h"

/* Feature bit of GET/SET_FEATURES that announces protocol features. */
#define VHOST_USER_F_PROTOCOL_FEATURES      30

/* Protocol feature bits (GET/SET_PROTOCOL_FEATURES). */
#define VHOST_USER_PROTOCOL_F_MQ            0
#define VHOST_USER_PROTOCOL_F_REPLY_ACK     3
#define VHOST_USER_PROTOCOL_F_CONFIG        9
#define VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS 15

/* Regions SET_MEM_TABLE carries at most; also the slot limit of a backend
 * without CONFIGURE_MEM_SLOTS. */
#define VHOST_USER_MEMORY_BASELINE_NREGIONS 8
/* Bytes of device config GET_CONFIG may carry. */
#define VHOST_USER_MAX_CONFIG_SIZE          256
#define VHOST_USER_REPLY_TIMEOUT_MS         10000

typedef struct VhostUserConn VhostUserConn;

/* One guest memory region as the backend is told of it. */
typedef struct VhostUserMemRegion {
    uint64_t gpa;               /* guest physical address */
    uint64_t size;
    uint64_t uaddr;             /* our virtual address of gpa */
    uint64_t mmap_offset;       /* offset of gpa's byte in fd */
    int fd;                     /* borrowed: sent, never closed */
} VhostUserMemRegion;

/* Where the rings of one queue are, as our virtual addresses. */
typedef struct VhostUserVringAddr {
    uint64_t desc_uaddr;
    uint64_t used_uaddr;
    uint64_t avail_uaddr;
    uint64_t log_gpa;           /* 0: no logging */
    uint32_t flags;             /* 0: no logging */
} VhostUserVringAddr;

/*
 * A connection over connected socket fd (taken: closed by
 * vhost_user_conn_free).  name is for messages and trace points (the
 * device's id or QOM path); copied.
 */
VhostUserConn *vhost_user_conn_new(int fd, const char *name);
void vhost_user_conn_free(VhostUserConn *conn);     /* NULL is fine */
const char *vhost_user_conn_name(const VhostUserConn *conn);
bool vhost_user_conn_is_dead(const VhostUserConn *conn);

/*
 * Called once, from the main loop, when the connection dies: EOF or an
 * error seen by a request, or the socket becoming readable/hung up while
 * no request is in flight (the backend closed or crashed).  The handler
 * may free the connection.  Installing it starts watching the socket
 * (g_unix_fd_add on the default context); fn NULL stops watching.
 * Installed on a connection already dead, it is scheduled at once.
 */
typedef void VhostUserDisconnectFn(void *opaque);
void vhost_user_conn_set_disconnect_handler(VhostUserConn *conn,
                                            VhostUserDisconnectFn *fn,
                                            void *opaque);

/*
 * Protocol features in effect (what SET_PROTOCOL_FEATURES sent; 0
 * before).  With REPLY_ACK among them every request without a reply of
 * its own asks for an ack (NEED_REPLY) and fails when it is non-zero.
 */
uint64_t vhost_user_conn_protocol_features(const VhostUserConn *conn);
bool vhost_user_conn_has_protocol_feature(const VhostUserConn *conn,
                                          unsigned int bit);

/*
 * ---- requests: true on success, else false with errp set ----
 * Messages start "vhost-user 'NAME': ".  Caller mistakes (too many
 * regions, a region without fd, a protocol feature not negotiated, a
 * too large size or index) fail before anything is sent; a non-zero ack
 * fails the request; neither kills the connection.
 */

bool vhost_user_get_features(VhostUserConn *conn, uint64_t *features,
                             Error **errp);
bool vhost_user_set_features(VhostUserConn *conn, uint64_t features,
                             Error **errp);
bool vhost_user_get_protocol_features(VhostUserConn *conn,
                                      uint64_t *features, Error **errp);
bool vhost_user_set_protocol_features(VhostUserConn *conn,
                                      uint64_t features, Error **errp);
bool vhost_user_set_owner(VhostUserConn *conn, Error **errp);
/* Needs MQ. */
bool vhost_user_get_queue_num(VhostUserConn *conn, uint64_t *num,
                              Error **errp);
/* Needs CONFIGURE_MEM_SLOTS. */
bool vhost_user_get_max_mem_slots(VhostUserConn *conn, uint64_t *num,
                                  Error **errp);
/* n <= VHOST_USER_MEMORY_BASELINE_NREGIONS regions, n fds. */
bool vhost_user_set_mem_table(VhostUserConn *conn,
                              const VhostUserMemRegion *regions,
                              unsigned int n, Error **errp);
/* Needs CONFIGURE_MEM_SLOTS.  Both send the region's fd (Debian 12's
 * libvhost-user insists on one fd for REM_MEM_REG too). */
bool vhost_user_add_mem_reg(VhostUserConn *conn,
                            const VhostUserMemRegion *region, Error **errp);
bool vhost_user_rem_mem_reg(VhostUserConn *conn,
                            const VhostUserMemRegion *region, Error **errp);
bool vhost_user_set_vring_num(VhostUserConn *conn, unsigned int index,
                              unsigned int num, Error **errp);
bool vhost_user_set_vring_addr(VhostUserConn *conn, unsigned int index,
                               const VhostUserVringAddr *addr, Error **errp);
bool vhost_user_set_vring_base(VhostUserConn *conn, unsigned int index,
                               unsigned int base, Error **errp);
/* Stops the ring in the backend; *base is its next avail index. */
bool vhost_user_get_vring_base(VhostUserConn *conn, unsigned int index,
                               unsigned int *base, Error **errp);
/* fd -1: the "no fd" flag (polling mode / no notification); index <= 255. */
bool vhost_user_set_vring_kick(VhostUserConn *conn, unsigned int index,
                               int fd, Error **errp);
bool vhost_user_set_vring_call(VhostUserConn *conn, unsigned int index,
                               int fd, Error **errp);
bool vhost_user_set_vring_err(VhostUserConn *conn, unsigned int index,
                              int fd, Error **errp);
bool vhost_user_set_vring_enable(VhostUserConn *conn, unsigned int index,
                                 bool enable, Error **errp);
/* Needs CONFIG; size <= VHOST_USER_MAX_CONFIG_SIZE. */
bool vhost_user_get_config(VhostUserConn *conn, uint32_t offset,
                           void *buf, uint32_t size, Error **errp);

/* Name of request number req ("SET_MEM_TABLE"), for messages. */
const char *vhost_user_request_name(unsigned int req);

#endif /* HW_VIRTIO_VHOST_USER_H */
