/*
 * vhost-user front-end message layer: encodes requests, sends them with
 * their fds over one connected unix stream socket, reads and validates
 * the replies and acks, and notices a backend that went away.  The
 * contract is include/hw/virtio/vhost-user.h; what to send when (memory
 * tables, ring set-up) belongs to the vhost device, not to this file.
 * Wire format: QEMU's docs/interop/vhost-user.rst (native byte order).
 */
#include "qemu/osdep.h"
#include "hw/virtio/vhost-user.h"
#include "hw/virtio/trace.h"
#include <glib-unix.h>
#include <poll.h>
#include <sys/socket.h>

#define VHOST_USER_VERSION          0x1
#define VHOST_USER_VERSION_MASK     0x3
#define VHOST_USER_REPLY_FLAG       (1u << 2)
#define VHOST_USER_NEED_REPLY_FLAG  (1u << 3)
/* SET_VRING_KICK/CALL/ERR: bits 0-7 are the index, bit 8 "no fd". */
#define VHOST_USER_VRING_INDEX_MASK 0xffu
#define VHOST_USER_VRING_NOFD_FLAG  (1ull << 8)
/* No request of ours carries more fds than SET_MEM_TABLE. */
#define VHOST_USER_MAX_FDS          VHOST_USER_MEMORY_BASELINE_NREGIONS

enum {
    VHOST_USER_GET_FEATURES = 1,
    VHOST_USER_SET_FEATURES = 2,
    VHOST_USER_SET_OWNER = 3,
    VHOST_USER_SET_MEM_TABLE = 5,
    VHOST_USER_SET_VRING_NUM = 8,
    VHOST_USER_SET_VRING_ADDR = 9,
    VHOST_USER_SET_VRING_BASE = 10,
    VHOST_USER_GET_VRING_BASE = 11,
    VHOST_USER_SET_VRING_KICK = 12,
    VHOST_USER_SET_VRING_CALL = 13,
    VHOST_USER_SET_VRING_ERR = 14,
    VHOST_USER_GET_PROTOCOL_FEATURES = 15,
    VHOST_USER_SET_PROTOCOL_FEATURES = 16,
    VHOST_USER_GET_QUEUE_NUM = 17,
    VHOST_USER_SET_VRING_ENABLE = 18,
    VHOST_USER_GET_CONFIG = 24,
    VHOST_USER_GET_MAX_MEM_SLOTS = 36,
    VHOST_USER_ADD_MEM_REG = 37,
    VHOST_USER_REM_MEM_REG = 38,
};

static const char *const vhost_user_request_names[] = {
    [1] = "GET_FEATURES", [2] = "SET_FEATURES", [3] = "SET_OWNER",
    [4] = "RESET_OWNER", [5] = "SET_MEM_TABLE", [6] = "SET_LOG_BASE",
    [7] = "SET_LOG_FD", [8] = "SET_VRING_NUM", [9] = "SET_VRING_ADDR",
    [10] = "SET_VRING_BASE", [11] = "GET_VRING_BASE",
    [12] = "SET_VRING_KICK", [13] = "SET_VRING_CALL",
    [14] = "SET_VRING_ERR", [15] = "GET_PROTOCOL_FEATURES",
    [16] = "SET_PROTOCOL_FEATURES", [17] = "GET_QUEUE_NUM",
    [18] = "SET_VRING_ENABLE", [19] = "SEND_RARP", [20] = "NET_SET_MTU",
    [21] = "SET_BACKEND_REQ_FD", [22] = "IOTLB_MSG",
    [23] = "SET_VRING_ENDIAN", [24] = "GET_CONFIG", [25] = "SET_CONFIG",
    [26] = "CREATE_CRYPTO_SESSION", [27] = "CLOSE_CRYPTO_SESSION",
    [28] = "POSTCOPY_ADVISE", [29] = "POSTCOPY_LISTEN",
    [30] = "POSTCOPY_END", [31] = "GET_INFLIGHT_FD",
    [32] = "SET_INFLIGHT_FD", [33] = "GPU_SET_SOCKET",
    [34] = "RESET_DEVICE", [35] = "VRING_KICK", [36] = "GET_MAX_MEM_SLOTS",
    [37] = "ADD_MEM_REG", [38] = "REM_MEM_REG", [39] = "SET_STATUS",
    [40] = "GET_STATUS",
};

/* ---- wire layout (every struct is naturally aligned: no packing) ---- */

typedef struct VhostUserHeader {
    uint32_t request;
    uint32_t flags;
    uint32_t size;              /* payload bytes after the header */
} VhostUserHeader;

typedef struct VhostUserWireVringState {
    uint32_t index;
    uint32_t num;
} VhostUserWireVringState;

typedef struct VhostUserWireVringAddr {
    uint32_t index;
    uint32_t flags;
    uint64_t desc_uaddr;
    uint64_t used_uaddr;
    uint64_t avail_uaddr;
    uint64_t log_gpa;
} VhostUserWireVringAddr;

typedef struct VhostUserWireRegion {
    uint64_t gpa;
    uint64_t size;
    uint64_t uaddr;
    uint64_t mmap_offset;
} VhostUserWireRegion;

typedef struct VhostUserWireMemory {
    uint32_t nregions;
    uint32_t padding;
    VhostUserWireRegion regions[VHOST_USER_MEMORY_BASELINE_NREGIONS];
} VhostUserWireMemory;

typedef struct VhostUserWireMemReg {
    uint64_t padding;
    VhostUserWireRegion region;
} VhostUserWireMemReg;

typedef struct VhostUserWireConfig {
    uint32_t offset;
    uint32_t size;
    uint32_t flags;
    uint8_t region[VHOST_USER_MAX_CONFIG_SIZE];
} VhostUserWireConfig;

typedef union VhostUserPayload {
    uint64_t u64;
    VhostUserWireVringState state;
    VhostUserWireVringAddr addr;
    VhostUserWireMemory memory;
    VhostUserWireMemReg mem_reg;
    VhostUserWireConfig config;
} VhostUserPayload;

typedef struct VhostUserMsg {
    VhostUserHeader hdr;
    VhostUserPayload payload;   /* sent as a second iovec: no gap on wire */
} VhostUserMsg;

G_STATIC_ASSERT(sizeof(VhostUserHeader) == 12);
G_STATIC_ASSERT(sizeof(VhostUserWireVringAddr) == 40);
G_STATIC_ASSERT(sizeof(VhostUserWireMemory) == 8 + 8 * 32);
G_STATIC_ASSERT(sizeof(VhostUserWireMemReg) == 40);
G_STATIC_ASSERT(offsetof(VhostUserWireConfig, region) == 12);

struct VhostUserConn {
    int fd;
    char *name;
    uint64_t protocol_features;     /* as sent by SET_PROTOCOL_FEATURES */
    bool dead;                      /* no request is sent any more */
    VhostUserDisconnectFn *disconnect_fn;
    void *disconnect_opaque;
    bool disconnect_scheduled;      /* the handler runs at most once */
    guint watch;                    /* idle-socket watch, or 0 */
    guint disconnect_idle;          /* pending handler call, or 0 */
};

const char *vhost_user_request_name(unsigned int req)
{
    if (req < ARRAY_SIZE(vhost_user_request_names) &&
        vhost_user_request_names[req]) {
        return vhost_user_request_names[req];
    }
    return "UNKNOWN";
}

static const char *vhost_user_protocol_feature_name(unsigned int bit)
{
    switch (bit) {
    case VHOST_USER_PROTOCOL_F_MQ:
        return "MQ";
    case VHOST_USER_PROTOCOL_F_REPLY_ACK:
        return "REPLY_ACK";
    case VHOST_USER_PROTOCOL_F_CONFIG:
        return "CONFIG";
    case VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS:
        return "CONFIGURE_MEM_SLOTS";
    default:
        return "UNKNOWN";
    }
}

/* ---- connection state ---- */

VhostUserConn *vhost_user_conn_new(int fd, const char *name)
{
    VhostUserConn *conn = g_new0(VhostUserConn, 1);

    conn->fd = fd;
    conn->name = g_strdup(name ? name : "");
    return conn;
}

static void vhost_user_conn_unwatch(VhostUserConn *conn)
{
    if (conn->watch) {
        g_source_remove(conn->watch);
        conn->watch = 0;
    }
}

void vhost_user_conn_free(VhostUserConn *conn)
{
    if (!conn) {
        return;
    }
    vhost_user_conn_unwatch(conn);
    if (conn->disconnect_idle) {
        g_source_remove(conn->disconnect_idle);
    }
    close(conn->fd);
    g_free(conn->name);
    g_free(conn);
}

const char *vhost_user_conn_name(const VhostUserConn *conn)
{
    return conn->name;
}

bool vhost_user_conn_is_dead(const VhostUserConn *conn)
{
    return conn->dead;
}

uint64_t vhost_user_conn_protocol_features(const VhostUserConn *conn)
{
    return conn->protocol_features;
}

bool vhost_user_conn_has_protocol_feature(const VhostUserConn *conn,
                                          unsigned int bit)
{
    return bit < 64 && (conn->protocol_features & (1ull << bit));
}

static gboolean vhost_user_conn_disconnect_cb(gpointer opaque)
{
    VhostUserConn *conn = opaque;

    conn->disconnect_idle = 0;
    if (conn->disconnect_fn) {
        conn->disconnect_fn(conn->disconnect_opaque);   /* may free conn */
    }
    return G_SOURCE_REMOVE;
}

/*
 * From an idle source, not directly: the death is often noticed deep in
 * a request made by the very code whose handler would free the conn.
 */
static void vhost_user_conn_schedule_disconnect(VhostUserConn *conn)
{
    if (conn->disconnect_fn && !conn->disconnect_scheduled) {
        conn->disconnect_scheduled = true;
        conn->disconnect_idle = g_idle_add(vhost_user_conn_disconnect_cb,
                                           conn);
    }
}

/* why: a short token for the trace ("eof", "timeout", "bad-reply"...). */
static void vhost_user_conn_kill(VhostUserConn *conn, const char *why)
{
    if (conn->dead) {
        return;
    }
    conn->dead = true;
    trace_vhost_user_disconnected(conn->name, why);
    /* The stream may be out of step: make the backend see the end too. */
    shutdown(conn->fd, SHUT_RDWR);
    vhost_user_conn_unwatch(conn);
    vhost_user_conn_schedule_disconnect(conn);
}

/* Why the socket woke up while no request was in flight; NULL: it did not. */
static const char *vhost_user_conn_idle_wakeup_why(int fd)
{
    char byte;
    ssize_t n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);

    if (n == 0) {
        return "eof";
    }
    if (n > 0) {
        return "unexpected-message";
    }
    return errno == EAGAIN || errno == EINTR ? NULL : "io-error";
}

/*
 * Nothing we negotiate lets a backend speak first on this socket, so
 * anything readable between requests is the end of the connection.
 */
static gboolean vhost_user_conn_watch_cb(gint fd, GIOCondition cond,
                                         gpointer opaque)
{
    VhostUserConn *conn = opaque;
    const char *why = vhost_user_conn_idle_wakeup_why(fd);

    if (!why) {
        return G_SOURCE_CONTINUE;
    }
    conn->watch = 0;                /* removed by returning */
    vhost_user_conn_kill(conn, why);
    return G_SOURCE_REMOVE;
}

void vhost_user_conn_set_disconnect_handler(VhostUserConn *conn,
                                            VhostUserDisconnectFn *fn,
                                            void *opaque)
{
    conn->disconnect_fn = fn;
    conn->disconnect_opaque = opaque;
    if (!fn) {
        vhost_user_conn_unwatch(conn);
    } else if (conn->dead) {
        vhost_user_conn_schedule_disconnect(conn);
    } else if (!conn->watch) {
        conn->watch = g_unix_fd_add(conn->fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                    vhost_user_conn_watch_cb, conn);
    }
}

/* ---- sending ---- */

static void vhost_user_msg_init(VhostUserMsg *msg, uint32_t req,
                                uint32_t payload_size)
{
    memset(msg, 0, sizeof(*msg));
    msg->hdr.request = req;
    msg->hdr.flags = VHOST_USER_VERSION;
    msg->hdr.size = payload_size;
}

static bool vhost_user_check_alive(VhostUserConn *conn, uint32_t req,
                                   Error **errp)
{
    if (!conn->dead) {
        return true;
    }
    error_setg(errp, "vhost-user '%s': cannot send %s: the backend is "
               "disconnected", conn->name, vhost_user_request_name(req));
    return false;
}

static bool vhost_user_check_protocol_feature(VhostUserConn *conn,
                                              uint32_t req, unsigned int bit,
                                              Error **errp)
{
    if (vhost_user_conn_has_protocol_feature(conn, bit)) {
        return true;
    }
    error_setg(errp, "vhost-user '%s': %s needs protocol feature %s, which "
               "was not negotiated", conn->name,
               vhost_user_request_name(req),
               vhost_user_protocol_feature_name(bit));
    return false;
}

typedef union VhostUserFdControl {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int) * VHOST_USER_MAX_FDS)];
} VhostUserFdControl;

static void vhost_user_attach_fds(struct msghdr *mh,
                                  VhostUserFdControl *control,
                                  const int *fds, unsigned int nb_fds)
{
    struct cmsghdr *cmsg;

    assert(nb_fds <= VHOST_USER_MAX_FDS);
    memset(control, 0, sizeof(*control));
    mh->msg_control = control->buf;
    mh->msg_controllen = CMSG_SPACE(sizeof(int) * nb_fds);
    cmsg = CMSG_FIRSTHDR(mh);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * nb_fds);
    memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * nb_fds);
}

/* Header, payload and fds in one sendmsg, so the fds arrive with it. */
static bool vhost_user_send(VhostUserConn *conn, VhostUserMsg *msg,
                            const int *fds, unsigned int nb_fds,
                            Error **errp)
{
    const char *req_name = vhost_user_request_name(msg->hdr.request);
    struct iovec iov[2] = {
        { .iov_base = &msg->hdr, .iov_len = sizeof(msg->hdr) },
        { .iov_base = &msg->payload, .iov_len = msg->hdr.size },
    };
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
    size_t total = sizeof(msg->hdr) + msg->hdr.size;
    VhostUserFdControl control;
    ssize_t n;

    if (!vhost_user_check_alive(conn, msg->hdr.request, errp)) {
        return false;
    }
    if (nb_fds) {
        vhost_user_attach_fds(&mh, &control, fds, nb_fds);
    }
    trace_vhost_user_send(conn->name, req_name, msg->hdr.flags,
                          msg->hdr.size);
    do {
        /* MSG_NOSIGNAL: a vanished backend is an error, not SIGPIPE. */
        n = sendmsg(conn->fd, &mh, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n == (ssize_t)total) {
        return true;
    }
    if (n < 0) {
        error_setg_errno(errp, errno, "vhost-user '%s': cannot send %s",
                         conn->name, req_name);
    } else {
        error_setg(errp, "vhost-user '%s': %s was sent short (%zd of %zu "
                   "bytes)", conn->name, req_name, n, total);
    }
    vhost_user_conn_kill(conn, n < 0 ? "io-error" : "short-write");
    return false;
}

/* ---- receiving ---- */

/* 0 when fd is readable (or hung up) before deadline (monotonic µs). */
static int vhost_user_wait_readable(int fd, int64_t deadline)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    int64_t left_ms;
    int ret;

    do {
        left_ms = (deadline - g_get_monotonic_time() + 999) / 1000;
        if (left_ms <= 0) {
            return -ETIMEDOUT;
        }
        ret = poll(&pfd, 1, MIN(left_ms, INT_MAX));
    } while (ret < 0 && errno == EINTR);
    if (ret < 0) {
        return -errno;
    }
    return ret ? 0 : -ETIMEDOUT;
}

static void vhost_user_close_received_fds(struct msghdr *mh)
{
    struct cmsghdr *cmsg;

    for (cmsg = CMSG_FIRSTHDR(mh); cmsg; cmsg = CMSG_NXTHDR(mh, cmsg)) {
        size_t len = cmsg->cmsg_len - CMSG_LEN(0);
        int fds[VHOST_USER_MAX_FDS];
        size_t i;

        if (cmsg->cmsg_level != SOL_SOCKET ||
            cmsg->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        len = MIN(len, sizeof(fds));
        memcpy(fds, CMSG_DATA(cmsg), len);
        for (i = 0; i < len / sizeof(int); i++) {
            close(fds[i]);
        }
    }
}

/* One recvmsg; no reply of ours carries fds, so any that come are closed. */
static ssize_t vhost_user_recv_some(int fd, void *buf, size_t len)
{
    VhostUserFdControl control;
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control.buf, .msg_controllen = sizeof(control.buf),
    };
    ssize_t n;

    do {
        n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return -errno;
    }
    vhost_user_close_received_fds(&mh);
    return n;
}

/* Bytes read (fewer than len only at EOF), or -errno (-ETIMEDOUT). */
static ssize_t vhost_user_read_full(int fd, void *buf, size_t len,
                                    int64_t deadline)
{
    size_t done = 0;

    while (done < len) {
        int ret = vhost_user_wait_readable(fd, deadline);
        ssize_t n;

        if (ret < 0) {
            return ret;
        }
        n = vhost_user_recv_some(fd, (char *)buf + done, len - done);
        if (n == 0) {
            break;
        }
        if (n < 0 && n != -EAGAIN) {
            return n;
        }
        done += MAX(n, 0);
    }
    return done;
}

/* Read part of the reply to req; any failure kills the connection. */
static bool vhost_user_read_reply_part(VhostUserConn *conn, uint32_t req,
                                       void *buf, size_t len,
                                       int64_t deadline, Error **errp)
{
    const char *req_name = vhost_user_request_name(req);
    ssize_t n = vhost_user_read_full(conn->fd, buf, len, deadline);

    if (n == (ssize_t)len) {
        return true;
    }
    if (n == -ETIMEDOUT) {
        error_setg(errp, "vhost-user '%s': no reply to %s within %d ms",
                   conn->name, req_name, VHOST_USER_REPLY_TIMEOUT_MS);
        vhost_user_conn_kill(conn, "timeout");
    } else if (n < 0) {
        error_setg_errno(errp, -n, "vhost-user '%s': cannot read the reply "
                         "to %s", conn->name, req_name);
        vhost_user_conn_kill(conn, "io-error");
    } else {
        error_setg(errp, "vhost-user '%s': the backend closed the "
                   "connection before replying to %s", conn->name, req_name);
        vhost_user_conn_kill(conn, "eof");
    }
    return false;
}

/*
 * A reply names our request, has version 1 and the reply flag (some
 * backends echo NEED_REPLY: ignored) and exactly the payload size req's
 * reply has.  Checked before the payload is read: a wrong size leaves
 * nothing we could safely read.
 */
static bool vhost_user_check_reply_header(VhostUserConn *conn, uint32_t req,
                                          const VhostUserHeader *hdr,
                                          uint32_t payload_size,
                                          Error **errp)
{
    const char *req_name = vhost_user_request_name(req);

    if (hdr->request != req) {
        error_setg(errp, "vhost-user '%s': expected the reply to %s, got "
                   "request %u (%s)", conn->name, req_name, hdr->request,
                   vhost_user_request_name(hdr->request));
    } else if ((hdr->flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION ||
               !(hdr->flags & VHOST_USER_REPLY_FLAG)) {
        error_setg(errp, "vhost-user '%s': the reply to %s has flags 0x%x, "
                   "expected version 1 and the reply flag", conn->name,
                   req_name, hdr->flags);
    } else if (hdr->size != payload_size) {
        error_setg(errp, "vhost-user '%s': the reply to %s has %u payload "
                   "bytes, expected %u", conn->name, req_name, hdr->size,
                   payload_size);
    } else {
        return true;
    }
    vhost_user_conn_kill(conn, "bad-reply");
    return false;
}

static bool vhost_user_recv_reply(VhostUserConn *conn, uint32_t req,
                                  VhostUserMsg *reply, uint32_t payload_size,
                                  Error **errp)
{
    int64_t deadline = g_get_monotonic_time() +
                       VHOST_USER_REPLY_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

    assert(payload_size <= sizeof(reply->payload));
    return vhost_user_read_reply_part(conn, req, &reply->hdr,
                                      sizeof(reply->hdr), deadline, errp) &&
           vhost_user_check_reply_header(conn, req, &reply->hdr,
                                         payload_size, errp) &&
           vhost_user_read_reply_part(conn, req, &reply->payload,
                                      payload_size, deadline, errp);
}

/* ---- requests ---- */

/* A non-zero ack is the backend refusing: the connection stays usable. */
static bool vhost_user_wait_ack(VhostUserConn *conn, uint32_t req,
                                Error **errp)
{
    VhostUserMsg reply;

    if (!vhost_user_recv_reply(conn, req, &reply, sizeof(uint64_t), errp)) {
        return false;
    }
    trace_vhost_user_reply(conn->name, vhost_user_request_name(req),
                           reply.payload.u64);
    if (reply.payload.u64) {
        error_setg(errp, "vhost-user '%s': the backend failed %s (ack 0x%"
                   PRIx64 ")", conn->name, vhost_user_request_name(req),
                   reply.payload.u64);
        return false;
    }
    return true;
}

/* A request without a reply of its own: acked when REPLY_ACK is on. */
static bool vhost_user_request(VhostUserConn *conn, VhostUserMsg *msg,
                               const int *fds, unsigned int nb_fds,
                               Error **errp)
{
    bool need_ack = vhost_user_conn_has_protocol_feature(
        conn, VHOST_USER_PROTOCOL_F_REPLY_ACK);

    if (need_ack) {
        msg->hdr.flags |= VHOST_USER_NEED_REPLY_FLAG;
    }
    if (!vhost_user_send(conn, msg, fds, nb_fds, errp)) {
        return false;
    }
    return !need_ack || vhost_user_wait_ack(conn, msg->hdr.request, errp);
}

/* A request with a reply of its own (never an extra ack). */
static bool vhost_user_query(VhostUserConn *conn, VhostUserMsg *msg,
                             VhostUserMsg *reply, uint32_t reply_size,
                             Error **errp)
{
    return vhost_user_send(conn, msg, NULL, 0, errp) &&
           vhost_user_recv_reply(conn, msg->hdr.request, reply, reply_size,
                                 errp);
}

static bool vhost_user_get_u64(VhostUserConn *conn, uint32_t req,
                               uint64_t *value, Error **errp)
{
    VhostUserMsg msg;
    VhostUserMsg reply;

    vhost_user_msg_init(&msg, req, 0);
    if (!vhost_user_query(conn, &msg, &reply, sizeof(uint64_t), errp)) {
        return false;
    }
    *value = reply.payload.u64;
    trace_vhost_user_reply(conn->name, vhost_user_request_name(req), *value);
    return true;
}

static bool vhost_user_set_u64(VhostUserConn *conn, uint32_t req,
                               uint64_t value, Error **errp)
{
    VhostUserMsg msg;

    vhost_user_msg_init(&msg, req, sizeof(uint64_t));
    msg.payload.u64 = value;
    return vhost_user_request(conn, &msg, NULL, 0, errp);
}

bool vhost_user_get_features(VhostUserConn *conn, uint64_t *features,
                             Error **errp)
{
    return vhost_user_get_u64(conn, VHOST_USER_GET_FEATURES, features, errp);
}

bool vhost_user_set_features(VhostUserConn *conn, uint64_t features,
                             Error **errp)
{
    return vhost_user_set_u64(conn, VHOST_USER_SET_FEATURES, features, errp);
}

bool vhost_user_get_protocol_features(VhostUserConn *conn,
                                      uint64_t *features, Error **errp)
{
    return vhost_user_get_u64(conn, VHOST_USER_GET_PROTOCOL_FEATURES,
                              features, errp);
}

/*
 * REPLY_ACK takes effect after this message: it is itself acked only
 * when REPLY_ACK was already in effect (a second negotiation).
 */
bool vhost_user_set_protocol_features(VhostUserConn *conn,
                                      uint64_t features, Error **errp)
{
    if (!vhost_user_set_u64(conn, VHOST_USER_SET_PROTOCOL_FEATURES,
                            features, errp)) {
        return false;
    }
    conn->protocol_features = features;
    return true;
}

bool vhost_user_set_owner(VhostUserConn *conn, Error **errp)
{
    VhostUserMsg msg;

    vhost_user_msg_init(&msg, VHOST_USER_SET_OWNER, 0);
    return vhost_user_request(conn, &msg, NULL, 0, errp);
}

bool vhost_user_get_queue_num(VhostUserConn *conn, uint64_t *num,
                              Error **errp)
{
    return vhost_user_check_protocol_feature(conn, VHOST_USER_GET_QUEUE_NUM,
                                             VHOST_USER_PROTOCOL_F_MQ,
                                             errp) &&
           vhost_user_get_u64(conn, VHOST_USER_GET_QUEUE_NUM, num, errp);
}

bool vhost_user_get_max_mem_slots(VhostUserConn *conn, uint64_t *num,
                                  Error **errp)
{
    return vhost_user_check_protocol_feature(
               conn, VHOST_USER_GET_MAX_MEM_SLOTS,
               VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS, errp) &&
           vhost_user_get_u64(conn, VHOST_USER_GET_MAX_MEM_SLOTS, num, errp);
}

/* ---- memory regions ---- */

static bool vhost_user_check_region_fd(VhostUserConn *conn, uint32_t req,
                                       const VhostUserMemRegion *region,
                                       Error **errp)
{
    if (region->fd >= 0) {
        return true;
    }
    error_setg(errp, "vhost-user '%s': %s: the region at gpa 0x%" PRIx64
               " has no fd to share with the backend", conn->name,
               vhost_user_request_name(req), region->gpa);
    return false;
}

/* Encode region for req, tracing it as it goes on the wire. */
static void vhost_user_region_to_wire(VhostUserConn *conn, uint32_t req,
                                      const VhostUserMemRegion *region,
                                      VhostUserWireRegion *wire)
{
    wire->gpa = region->gpa;
    wire->size = region->size;
    wire->uaddr = region->uaddr;
    wire->mmap_offset = region->mmap_offset;
    trace_vhost_user_mem_region(conn->name, vhost_user_request_name(req),
                                region->gpa, region->size, region->uaddr,
                                region->mmap_offset);
}

static bool vhost_user_check_mem_table(VhostUserConn *conn,
                                       const VhostUserMemRegion *regions,
                                       unsigned int n, Error **errp)
{
    unsigned int i;

    if (n > VHOST_USER_MEMORY_BASELINE_NREGIONS) {
        error_setg(errp, "vhost-user '%s': SET_MEM_TABLE carries at most %d "
                   "regions, not %u", conn->name,
                   VHOST_USER_MEMORY_BASELINE_NREGIONS, n);
        return false;
    }
    for (i = 0; i < n; i++) {
        if (!vhost_user_check_region_fd(conn, VHOST_USER_SET_MEM_TABLE,
                                        &regions[i], errp)) {
            return false;
        }
    }
    return true;
}

bool vhost_user_set_mem_table(VhostUserConn *conn,
                              const VhostUserMemRegion *regions,
                              unsigned int n, Error **errp)
{
    VhostUserMsg msg;
    int fds[VHOST_USER_MEMORY_BASELINE_NREGIONS];
    unsigned int i;

    if (!vhost_user_check_mem_table(conn, regions, n, errp)) {
        return false;
    }
    /* As QEMU: the payload ends after the regions in use. */
    vhost_user_msg_init(&msg, VHOST_USER_SET_MEM_TABLE,
                        offsetof(VhostUserWireMemory, regions) +
                        n * sizeof(VhostUserWireRegion));
    msg.payload.memory.nregions = n;
    for (i = 0; i < n; i++) {
        vhost_user_region_to_wire(conn, VHOST_USER_SET_MEM_TABLE, &regions[i],
                                  &msg.payload.memory.regions[i]);
        fds[i] = regions[i].fd;
    }
    return vhost_user_request(conn, &msg, fds, n, errp);
}

static bool vhost_user_send_mem_reg(VhostUserConn *conn, uint32_t req,
                                    const VhostUserMemRegion *region,
                                    Error **errp)
{
    VhostUserMsg msg;

    if (!vhost_user_check_protocol_feature(
            conn, req, VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS, errp) ||
        !vhost_user_check_region_fd(conn, req, region, errp)) {
        return false;
    }
    vhost_user_msg_init(&msg, req, sizeof(msg.payload.mem_reg));
    vhost_user_region_to_wire(conn, req, region, &msg.payload.mem_reg.region);
    return vhost_user_request(conn, &msg, &region->fd, 1, errp);
}

bool vhost_user_add_mem_reg(VhostUserConn *conn,
                            const VhostUserMemRegion *region, Error **errp)
{
    return vhost_user_send_mem_reg(conn, VHOST_USER_ADD_MEM_REG, region,
                                   errp);
}

bool vhost_user_rem_mem_reg(VhostUserConn *conn,
                            const VhostUserMemRegion *region, Error **errp)
{
    return vhost_user_send_mem_reg(conn, VHOST_USER_REM_MEM_REG, region,
                                   errp);
}

/* ---- rings ---- */

static bool vhost_user_set_vring_state(VhostUserConn *conn, uint32_t req,
                                       unsigned int index, unsigned int num,
                                       Error **errp)
{
    VhostUserMsg msg;

    vhost_user_msg_init(&msg, req, sizeof(msg.payload.state));
    msg.payload.state.index = index;
    msg.payload.state.num = num;
    return vhost_user_request(conn, &msg, NULL, 0, errp);
}

bool vhost_user_set_vring_num(VhostUserConn *conn, unsigned int index,
                              unsigned int num, Error **errp)
{
    return vhost_user_set_vring_state(conn, VHOST_USER_SET_VRING_NUM, index,
                                      num, errp);
}

bool vhost_user_set_vring_base(VhostUserConn *conn, unsigned int index,
                               unsigned int base, Error **errp)
{
    return vhost_user_set_vring_state(conn, VHOST_USER_SET_VRING_BASE, index,
                                      base, errp);
}

bool vhost_user_set_vring_enable(VhostUserConn *conn, unsigned int index,
                                 bool enable, Error **errp)
{
    return vhost_user_set_vring_state(conn, VHOST_USER_SET_VRING_ENABLE,
                                      index, enable, errp);
}

bool vhost_user_set_vring_addr(VhostUserConn *conn, unsigned int index,
                               const VhostUserVringAddr *addr, Error **errp)
{
    VhostUserMsg msg;

    vhost_user_msg_init(&msg, VHOST_USER_SET_VRING_ADDR,
                        sizeof(msg.payload.addr));
    msg.payload.addr.index = index;
    msg.payload.addr.flags = addr->flags;
    msg.payload.addr.desc_uaddr = addr->desc_uaddr;
    msg.payload.addr.used_uaddr = addr->used_uaddr;
    msg.payload.addr.avail_uaddr = addr->avail_uaddr;
    msg.payload.addr.log_gpa = addr->log_gpa;
    return vhost_user_request(conn, &msg, NULL, 0, errp);
}

bool vhost_user_get_vring_base(VhostUserConn *conn, unsigned int index,
                               unsigned int *base, Error **errp)
{
    VhostUserMsg msg;
    VhostUserMsg reply;

    vhost_user_msg_init(&msg, VHOST_USER_GET_VRING_BASE,
                        sizeof(msg.payload.state));
    msg.payload.state.index = index;
    if (!vhost_user_query(conn, &msg, &reply, sizeof(reply.payload.state),
                          errp)) {
        return false;
    }
    *base = reply.payload.state.num;
    trace_vhost_user_reply(conn->name, "GET_VRING_BASE", *base);
    return true;
}

/* fd -1 sends the index with the "no fd" flag. */
static bool vhost_user_set_vring_fd(VhostUserConn *conn, uint32_t req,
                                    unsigned int index, int fd, Error **errp)
{
    VhostUserMsg msg;

    if (index > VHOST_USER_VRING_INDEX_MASK) {
        error_setg(errp, "vhost-user '%s': %s: queue index %u is above %u",
                   conn->name, vhost_user_request_name(req), index,
                   VHOST_USER_VRING_INDEX_MASK);
        return false;
    }
    vhost_user_msg_init(&msg, req, sizeof(uint64_t));
    msg.payload.u64 = index | (fd < 0 ? VHOST_USER_VRING_NOFD_FLAG : 0);
    return vhost_user_request(conn, &msg, &fd, fd < 0 ? 0 : 1, errp);
}

bool vhost_user_set_vring_kick(VhostUserConn *conn, unsigned int index,
                               int fd, Error **errp)
{
    return vhost_user_set_vring_fd(conn, VHOST_USER_SET_VRING_KICK, index, fd,
                                   errp);
}

bool vhost_user_set_vring_call(VhostUserConn *conn, unsigned int index,
                               int fd, Error **errp)
{
    return vhost_user_set_vring_fd(conn, VHOST_USER_SET_VRING_CALL, index, fd,
                                   errp);
}

bool vhost_user_set_vring_err(VhostUserConn *conn, unsigned int index,
                              int fd, Error **errp)
{
    return vhost_user_set_vring_fd(conn, VHOST_USER_SET_VRING_ERR, index, fd,
                                   errp);
}

/* ---- device config ---- */

bool vhost_user_get_config(VhostUserConn *conn, uint32_t offset,
                           void *buf, uint32_t size, Error **errp)
{
    uint32_t payload_size = offsetof(VhostUserWireConfig, region) + size;
    VhostUserMsg msg;
    VhostUserMsg reply;

    if (size > VHOST_USER_MAX_CONFIG_SIZE) {
        error_setg(errp, "vhost-user '%s': GET_CONFIG of %u bytes, at most "
                   "%d", conn->name, size, VHOST_USER_MAX_CONFIG_SIZE);
        return false;
    }
    if (!vhost_user_check_protocol_feature(conn, VHOST_USER_GET_CONFIG,
                                           VHOST_USER_PROTOCOL_F_CONFIG,
                                           errp)) {
        return false;
    }
    vhost_user_msg_init(&msg, VHOST_USER_GET_CONFIG, payload_size);
    msg.payload.config.offset = offset;
    msg.payload.config.size = size;
    if (!vhost_user_query(conn, &msg, &reply, payload_size, errp)) {
        return false;
    }
    memcpy(buf, reply.payload.config.region, size);
    trace_vhost_user_reply(conn->name, "GET_CONFIG", size);
    return true;
}
