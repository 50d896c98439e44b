/*
 * vfio-user client message layer: encodes requests, sends them with their
 * fds over the connected socket, waits for the matching reply (answering
 * the server's DMA_READ/DMA_WRITE requests meanwhile), and notices a
 * server that went away, once.  What to ask when is the device's
 * (hw/vfio/vfio-user-pci.c).  Contract: include/hw/vfio/vfio-user.h; wire
 * format: QEMU's docs/interop/vfio-user.rst.
 */
#include "qemu/osdep.h"
#include "hw/vfio/vfio-user.h"
#include "hw/vfio/trace.h"
#include "chardev/char.h"
#include <glib-unix.h>
#include <jansson.h>
#include <linux/vfio.h>
#include <poll.h>
#include <sys/socket.h>

enum {
    VFIO_USER_VERSION = 1,
    VFIO_USER_DMA_MAP = 2,
    VFIO_USER_DMA_UNMAP = 3,
    VFIO_USER_DEVICE_GET_INFO = 4,
    VFIO_USER_DEVICE_GET_REGION_INFO = 5,
    VFIO_USER_DEVICE_GET_IRQ_INFO = 7,
    VFIO_USER_DEVICE_SET_IRQS = 8,
    VFIO_USER_REGION_READ = 9,
    VFIO_USER_REGION_WRITE = 10,
    VFIO_USER_DMA_READ = 11,
    VFIO_USER_DMA_WRITE = 12,
    VFIO_USER_DEVICE_RESET = 13,
    VFIO_USER_CMD_MAX = 14,
};

static const char *const vfio_user_cmd_names[VFIO_USER_CMD_MAX] = {
    [VFIO_USER_VERSION] = "VERSION", [VFIO_USER_DMA_MAP] = "DMA_MAP",
    [VFIO_USER_DMA_UNMAP] = "DMA_UNMAP",
    [VFIO_USER_DEVICE_GET_INFO] = "DEVICE_GET_INFO",
    [VFIO_USER_DEVICE_GET_REGION_INFO] = "DEVICE_GET_REGION_INFO",
    [6] = "DEVICE_GET_REGION_IO_FDS",
    [VFIO_USER_DEVICE_GET_IRQ_INFO] = "DEVICE_GET_IRQ_INFO",
    [VFIO_USER_DEVICE_SET_IRQS] = "DEVICE_SET_IRQS",
    [VFIO_USER_REGION_READ] = "REGION_READ",
    [VFIO_USER_REGION_WRITE] = "REGION_WRITE",
    [VFIO_USER_DMA_READ] = "DMA_READ", [VFIO_USER_DMA_WRITE] = "DMA_WRITE",
    [VFIO_USER_DEVICE_RESET] = "DEVICE_RESET",
};

#define VFIO_USER_F_TYPE_MASK       0xfu
#define VFIO_USER_F_TYPE_REPLY      0x1u
#define VFIO_USER_F_NO_REPLY        0x10u
#define VFIO_USER_F_ERROR           0x20u
#define VFIO_USER_DMA_F_READ        (1u << 0)
#define VFIO_USER_DMA_F_WRITE       (1u << 1)
#define VFIO_USER_MAX_FDS           8
/* Our max_data_xfer_size, and the spec's default for the server's. */
#define VFIO_USER_MAX_XFER          (1024 * 1024)
#define VFIO_USER_MAX_MSG           (VFIO_USER_MAX_XFER + 4096)

typedef struct __attribute__((packed)) VFIOUserHeader {
    uint16_t msg_id;
    uint16_t cmd;
    uint32_t size;          /* bytes, header included */
    uint32_t flags;
    uint32_t error_no;
} VFIOUserHeader;

typedef struct __attribute__((packed)) VFIOUserDmaMapWire {
    uint32_t argsz;
    uint32_t flags;
    uint64_t offset;
    uint64_t addr;
    uint64_t size;
} VFIOUserDmaMapWire;

typedef struct __attribute__((packed)) VFIOUserDmaUnmapWire {
    uint32_t argsz;
    uint32_t flags;
    uint64_t addr;
    uint64_t size;
} VFIOUserDmaUnmapWire;

typedef struct __attribute__((packed)) VFIOUserRegionAccessWire {
    uint64_t offset;
    uint32_t region;
    uint32_t count;
} VFIOUserRegionAccessWire;

typedef struct __attribute__((packed)) VFIOUserDmaAccessWire {
    uint64_t addr;
    uint64_t count;
} VFIOUserDmaAccessWire;

/* A received message: payload (after the header) and its fds. */
typedef struct VFIOUserMsg {
    VFIOUserHeader hdr;
    uint8_t *payload;       /* g_malloc'ed, hdr.size - header bytes */
    size_t len;
    int fds[VFIO_USER_MAX_FDS];
    int nb_fds;
} VFIOUserMsg;

struct VFIOUserConn {
    int fd;
    char *name;
    AddressSpace *as;
    uint16_t next_id;
    bool dead;
    guint watch;
    void (*dead_fn)(void *opaque);
    void *dead_opaque;
    uint64_t nb_dma_messages;
};

static const char *vfio_user_cmd_name(unsigned int cmd)
{
    return cmd < VFIO_USER_CMD_MAX && vfio_user_cmd_names[cmd]
           ? vfio_user_cmd_names[cmd] : "unknown";
}

static void vfio_user_msg_clear(VFIOUserMsg *msg)
{
    for (int i = 0; i < msg->nb_fds; i++) {
        close(msg->fds[i]);
    }
    g_free(msg->payload);
    memset(msg, 0, sizeof(*msg));
}

/* ---- death ---- */

static void vfio_user_conn_unwatch(VFIOUserConn *conn)
{
    if (conn->watch) {
        g_source_remove(conn->watch);
        conn->watch = 0;
    }
}

static void vfio_user_conn_kill(VFIOUserConn *conn, const char *why)
{
    if (conn->dead) {
        return;
    }
    conn->dead = true;
    vfio_user_conn_unwatch(conn);
    shutdown(conn->fd, SHUT_RDWR);
    trace_vfio_user_disconnected(conn->name, why);
    error_report("vfio-user '%s': %s; the device is stopped, the guest keeps running without it",
                 conn->name, why);
    if (conn->dead_fn) {
        conn->dead_fn(conn->dead_opaque);
    }
}

bool vfio_user_conn_is_dead(const VFIOUserConn *conn)
{
    return conn->dead;
}

void vfio_user_conn_set_dead_handler(VFIOUserConn *conn,
                                     void (*fn)(void *opaque), void *opaque)
{
    conn->dead_fn = fn;
    conn->dead_opaque = opaque;
}

uint64_t vfio_user_conn_nb_dma_messages(const VFIOUserConn *conn)
{
    return conn->nb_dma_messages;
}

/* ---- sending ---- */

static int vfio_user_send(VFIOUserConn *conn, const VFIOUserHeader *hdr,
                          const void *payload, size_t len, const int *fds,
                          int nb_fds)
{
    struct iovec iov[2] = {
        { .iov_base = (void *)hdr, .iov_len = sizeof(*hdr) },
        { .iov_base = (void *)payload, .iov_len = len },
    };
    union {
        char buf[CMSG_SPACE(sizeof(int) * VFIO_USER_MAX_FDS)];
        struct cmsghdr align;
    } ctl;
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
    ssize_t n;

    assert(nb_fds <= VFIO_USER_MAX_FDS);
    if (nb_fds) {
        struct cmsghdr *cm;

        memset(&ctl, 0, sizeof(ctl));
        mh.msg_control = ctl.buf;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * nb_fds);
        cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int) * nb_fds);
        memcpy(CMSG_DATA(cm), fds, sizeof(int) * nb_fds);
    }
    do {
        n = sendmsg(conn->fd, &mh, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    /* Our messages are small next to the socket buffer: all or nothing. */
    if (n != (ssize_t)(sizeof(*hdr) + len)) {
        vfio_user_conn_kill(conn, n < 0 ? "sending to the server failed"
                                        : "short write to the server");
        return -EPIPE;
    }
    return 0;
}

/* ---- receiving ---- */

static int vfio_user_wait_readable(int fd, int64_t deadline_ms)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };

    for (;;) {
        int64_t left = deadline_ms - g_get_monotonic_time() / 1000;
        int r;

        if (left <= 0) {
            return -ETIMEDOUT;
        }
        r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (r > 0) {
            return 0;
        }
        if (r < 0 && errno != EINTR) {
            return -errno;
        }
    }
}

static void vfio_user_take_fds(struct msghdr *mh, VFIOUserMsg *msg)
{
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm;
         cm = CMSG_NXTHDR(mh, cm)) {
        size_t n;

        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int fd;

            memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
            if (msg->nb_fds < VFIO_USER_MAX_FDS) {
                msg->fds[msg->nb_fds++] = fd;
            } else {
                close(fd);
            }
        }
    }
}

/* Read exactly len bytes (collecting fds); 0, -ETIMEDOUT, -EPIPE (eof). */
static int vfio_user_read_full(VFIOUserConn *conn, void *buf, size_t len,
                               VFIOUserMsg *msg, int64_t deadline_ms)
{
    size_t done = 0;

    while (done < len) {
        union {
            char buf[CMSG_SPACE(sizeof(int) * VFIO_USER_MAX_FDS)];
            struct cmsghdr align;
        } ctl;
        struct iovec iov = { (uint8_t *)buf + done, len - done };
        struct msghdr mh = {
            .msg_iov = &iov, .msg_iovlen = 1,
            .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
        };
        int ret = vfio_user_wait_readable(conn->fd, deadline_ms);
        ssize_t n;

        if (ret) {
            return ret;
        }
        n = recvmsg(conn->fd, &mh, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -EPIPE;
        }
        vfio_user_take_fds(&mh, msg);
        done += n;
    }
    return 0;
}

static const char *vfio_user_recv_why(int ret)
{
    switch (ret) {
    case -ETIMEDOUT:
        return "the server did not answer within 10 s";
    case -EPROTO:
        return "the server sent a malformed message";
    default:
        return "the server closed the connection";
    }
}

/* One whole message; on failure the connection is dead. */
static int vfio_user_recv(VFIOUserConn *conn, VFIOUserMsg *msg,
                          int64_t deadline_ms)
{
    int ret;

    memset(msg, 0, sizeof(*msg));
    ret = vfio_user_read_full(conn, &msg->hdr, sizeof(msg->hdr), msg,
                              deadline_ms);
    if (!ret && (msg->hdr.size < sizeof(msg->hdr) ||
                 msg->hdr.size > VFIO_USER_MAX_MSG)) {
        ret = -EPROTO;
    }
    if (!ret) {
        msg->len = msg->hdr.size - sizeof(msg->hdr);
        msg->payload = g_malloc0(msg->len + 1);
        ret = vfio_user_read_full(conn, msg->payload, msg->len, msg,
                                  deadline_ms);
    }
    if (ret) {
        vfio_user_msg_clear(msg);
        vfio_user_conn_kill(conn, vfio_user_recv_why(ret));
    }
    return ret;
}

/* ---- the server's requests: DMA to memory it has no fd for ---- */

static void vfio_user_reply(VFIOUserConn *conn, const VFIOUserHeader *req,
                            int error_no, const void *a, size_t alen,
                            const void *b, size_t blen)
{
    g_autofree uint8_t *buf = g_malloc(alen + blen);
    VFIOUserHeader hdr = {
        .msg_id = req->msg_id, .cmd = req->cmd,
        .size = sizeof(hdr) + (error_no ? 0 : alen + blen),
        .flags = VFIO_USER_F_TYPE_REPLY | (error_no ? VFIO_USER_F_ERROR : 0),
        .error_no = error_no,
    };

    if (alen) {
        memcpy(buf, a, alen);
    }
    if (blen) {
        memcpy(buf + alen, b, blen);
    }
    vfio_user_send(conn, &hdr, buf, error_no ? 0 : alen + blen, NULL, 0);
}

static void vfio_user_handle_dma(VFIOUserConn *conn, VFIOUserMsg *msg)
{
    VFIOUserDmaAccessWire acc;
    bool is_write = msg->hdr.cmd == VFIO_USER_DMA_WRITE;
    g_autofree uint8_t *data = NULL;
    MemTxResult res;

    if (msg->len < sizeof(acc)) {
        vfio_user_reply(conn, &msg->hdr, EINVAL, NULL, 0, NULL, 0);
        return;
    }
    memcpy(&acc, msg->payload, sizeof(acc));
    trace_vfio_user_dma_access(conn->name, is_write ? "write" : "read",
                               acc.addr, acc.count);
    if (acc.count > VFIO_USER_MAX_XFER ||
        (is_write && msg->len != sizeof(acc) + acc.count)) {
        vfio_user_reply(conn, &msg->hdr, EINVAL, NULL, 0, NULL, 0);
        return;
    }
    if (is_write) {
        res = address_space_write(conn->as, acc.addr,
                                  msg->payload + sizeof(acc), acc.count);
        vfio_user_reply(conn, &msg->hdr, res ? EFAULT : 0, &acc,
                        sizeof(acc), NULL, 0);
        return;
    }
    data = g_malloc0(acc.count ? acc.count : 1);
    res = address_space_read(conn->as, acc.addr, data, acc.count);
    vfio_user_reply(conn, &msg->hdr, res ? EFAULT : 0, &acc, sizeof(acc),
                    data, acc.count);
}

/* A command from the server; false when it breaks the protocol. */
static bool vfio_user_handle_server_msg(VFIOUserConn *conn, VFIOUserMsg *msg)
{
    if ((msg->hdr.flags & VFIO_USER_F_TYPE_MASK) == VFIO_USER_F_TYPE_REPLY) {
        vfio_user_conn_kill(conn, "the server sent a reply nobody asked for");
        return false;
    }
    if (msg->hdr.cmd == VFIO_USER_DMA_READ ||
        msg->hdr.cmd == VFIO_USER_DMA_WRITE) {
        vfio_user_handle_dma(conn, msg);
    } else if (!(msg->hdr.flags & VFIO_USER_F_NO_REPLY)) {
        vfio_user_reply(conn, &msg->hdr, ENOSYS, NULL, 0, NULL, 0);
    }
    return true;
}

static gboolean vfio_user_watch_cb(gint fd, GIOCondition cond,
                                   gpointer opaque)
{
    VFIOUserConn *conn = opaque;
    guint watch = conn->watch;
    VFIOUserMsg msg;

    /* A death in here is told by our return value, not g_source_remove. */
    conn->watch = 0;
    if (vfio_user_recv(conn, &msg,
                       g_get_monotonic_time() / 1000 +
                       VFIO_USER_REPLY_TIMEOUT_MS)) {
        return G_SOURCE_REMOVE;
    }
    vfio_user_handle_server_msg(conn, &msg);
    vfio_user_msg_clear(&msg);
    if (conn->dead) {
        return G_SOURCE_REMOVE;
    }
    conn->watch = watch;
    return G_SOURCE_CONTINUE;
}

/* ---- requests ---- */

/*
 * Send cmd with payload and fds, wait for its reply.  0 with *reply
 * filled (caller clears it), the server's -errno, or -EPIPE/-ETIMEDOUT
 * when the connection died.
 */
static int vfio_user_call(VFIOUserConn *conn, uint16_t cmd,
                          const void *payload, size_t len, const int *fds,
                          int nb_fds, VFIOUserMsg *reply)
{
    VFIOUserHeader hdr = {
        .msg_id = conn->next_id++, .cmd = cmd,
        .size = sizeof(hdr) + len,
    };
    int64_t deadline = g_get_monotonic_time() / 1000 +
                       VFIO_USER_REPLY_TIMEOUT_MS;

    memset(reply, 0, sizeof(*reply));
    if (conn->dead) {
        return -EPIPE;
    }
    trace_vfio_user_send(conn->name, vfio_user_cmd_name(cmd), hdr.msg_id,
                         hdr.size, nb_fds);
    if (vfio_user_send(conn, &hdr, payload, len, fds, nb_fds)) {
        return -EPIPE;
    }
    for (;;) {
        if (vfio_user_recv(conn, reply, deadline)) {
            return -EPIPE;
        }
        if ((reply->hdr.flags & VFIO_USER_F_TYPE_MASK) ==
                VFIO_USER_F_TYPE_REPLY && reply->hdr.msg_id == hdr.msg_id) {
            if (reply->hdr.cmd == cmd) {
                break;
            }
            vfio_user_msg_clear(reply);
            vfio_user_conn_kill(conn, "the server answered a request with another command's reply");
            return -EPIPE;
        }
        if (!vfio_user_handle_server_msg(conn, reply)) {
            vfio_user_msg_clear(reply);
            return -EPIPE;
        }
        vfio_user_msg_clear(reply);
    }
    trace_vfio_user_reply(conn->name, vfio_user_cmd_name(cmd),
                          reply->hdr.msg_id, reply->hdr.error_no);
    if (reply->hdr.flags & VFIO_USER_F_ERROR) {
        int err = reply->hdr.error_no ? reply->hdr.error_no : EIO;

        vfio_user_msg_clear(reply);
        return -err;
    }
    return 0;
}

/* A call whose reply must hold at least min bytes; errp on failure. */
static bool vfio_user_query(VFIOUserConn *conn, uint16_t cmd,
                            const void *payload, size_t len, size_t min,
                            VFIOUserMsg *reply, Error **errp)
{
    int ret = vfio_user_call(conn, cmd, payload, len, NULL, 0, reply);

    if (!ret && reply->len < min) {
        vfio_user_msg_clear(reply);
        ret = -EPROTO;
    }
    if (ret) {
        error_setg(errp, "vfio-user '%s': %s failed: %s", conn->name,
                   vfio_user_cmd_name(cmd), strerror(-ret));
        return false;
    }
    return true;
}

/* ---- VERSION ---- */

static char *vfio_user_client_caps(void)
{
    json_t *caps = json_pack("{s:{s:i,s:i}}", "capabilities",
                             "max_msg_fds", VFIO_USER_MAX_FDS,
                             "max_data_xfer_size", VFIO_USER_MAX_XFER);
    char *s = json_dumps(caps, JSON_COMPACT);

    json_decref(caps);
    return s;
}

static uint64_t vfio_user_caps_uint(json_t *caps, const char *key,
                                    uint64_t dflt)
{
    json_t *v = json_object_get(caps, key);

    return json_is_integer(v) && json_integer_value(v) > 0
           ? (uint64_t)json_integer_value(v) : dflt;
}

static bool vfio_user_parse_caps(VFIOUserConn *conn, const char *text,
                                 VFIOUserServerCaps *caps, Error **errp)
{
    json_t *top = json_loads(text, 0, NULL);
    json_t *c = json_object_get(top, "capabilities");

    if (!top || (c && !json_is_object(c))) {
        json_decref(top);
        error_setg(errp, "vfio-user '%s': VERSION reply has malformed capabilities JSON", conn->name);
        return false;
    }
    caps->max_msg_fds = vfio_user_caps_uint(c, "max_msg_fds", 1);
    caps->max_data_xfer_size = vfio_user_caps_uint(c, "max_data_xfer_size",
                                                   VFIO_USER_MAX_XFER);
    caps->max_dma_maps = vfio_user_caps_uint(c, "max_dma_maps", 0);
    json_decref(top);
    return true;
}

bool vfio_user_version(VFIOUserConn *conn, VFIOUserServerCaps *caps,
                       Error **errp)
{
    g_autofree char *json = vfio_user_client_caps();
    size_t jlen = strlen(json) + 1;
    g_autofree uint8_t *buf = g_malloc0(4 + jlen);
    VFIOUserMsg reply;
    bool ok;

    /* major 0, minor 1: the version QEMU's client and libvfio-user speak */
    buf[2] = 1;
    memcpy(buf + 4, json, jlen);
    if (!vfio_user_query(conn, VFIO_USER_VERSION, buf, 4 + jlen, 4, &reply,
                         errp)) {
        return false;
    }
    memset(caps, 0, sizeof(*caps));
    caps->major = reply.payload[0] | reply.payload[1] << 8;
    caps->minor = reply.payload[2] | reply.payload[3] << 8;
    ok = caps->major == 0 ||
         (error_setg(errp, "vfio-user '%s': server speaks major version %u, this client 0", conn->name, caps->major), false);
    if (ok) {
        /* payload was allocated one byte longer: the JSON is terminated */
        ok = vfio_user_parse_caps(conn, reply.len > 4
                                        ? (char *)reply.payload + 4 : "{}",
                                  caps, errp);
    }
    vfio_user_msg_clear(&reply);
    return ok;
}

/* ---- device info ---- */

bool vfio_user_get_device_info(VFIOUserConn *conn, uint32_t *flags,
                               uint32_t *nb_regions, uint32_t *nb_irqs,
                               Error **errp)
{
    uint32_t req[4] = { sizeof(req), 0, 0, 0 };
    uint32_t out[4];
    VFIOUserMsg reply;

    if (!vfio_user_query(conn, VFIO_USER_DEVICE_GET_INFO, req, sizeof(req),
                         sizeof(out), &reply, errp)) {
        return false;
    }
    memcpy(out, reply.payload, sizeof(out));
    *flags = out[1];
    *nb_regions = out[2];
    *nb_irqs = out[3];
    vfio_user_msg_clear(&reply);
    return true;
}

bool vfio_user_get_region_info(VFIOUserConn *conn, uint32_t index,
                               VFIORegionInfo *info, Error **errp)
{
    struct vfio_region_info req = { .argsz = sizeof(req), .index = index };
    struct vfio_region_info out;
    VFIOUserMsg reply;

    if (!vfio_user_query(conn, VFIO_USER_DEVICE_GET_REGION_INFO, &req,
                         sizeof(req), sizeof(out), &reply, errp)) {
        return false;
    }
    memcpy(&out, reply.payload, sizeof(out));
    info->flags = out.flags;
    info->size = out.size;
    info->offset = out.offset;
    info->fd = -1;
    if (reply.nb_fds && (out.flags & VFIO_REGION_INFO_FLAG_MMAP)) {
        /* The first fd is the region's; the caller owns it now. */
        info->fd = reply.fds[0];
        reply.fds[0] = reply.fds[--reply.nb_fds];
    }
    vfio_user_msg_clear(&reply);
    return true;
}

bool vfio_user_get_irq_info(VFIOUserConn *conn, uint32_t index,
                            uint32_t *flags, uint32_t *count, Error **errp)
{
    struct vfio_irq_info req = { .argsz = sizeof(req), .index = index };
    struct vfio_irq_info out;
    VFIOUserMsg reply;

    if (!vfio_user_query(conn, VFIO_USER_DEVICE_GET_IRQ_INFO, &req,
                         sizeof(req), sizeof(out), &reply, errp)) {
        return false;
    }
    memcpy(&out, reply.payload, sizeof(out));
    *flags = out.flags;
    *count = out.count;
    vfio_user_msg_clear(&reply);
    return true;
}

bool vfio_user_set_irqs(VFIOUserConn *conn, uint32_t index, uint32_t start,
                        uint32_t count, const int *fds, Error **errp)
{
    struct vfio_irq_set req = {
        .argsz = sizeof(req),
        .flags = VFIO_IRQ_SET_ACTION_TRIGGER |
                 (fds ? VFIO_IRQ_SET_DATA_EVENTFD : VFIO_IRQ_SET_DATA_NONE),
        .index = index, .start = start, .count = fds ? count : 0,
    };
    VFIOUserMsg reply;
    int ret;

    assert(!fds || count <= VFIO_USER_MAX_FDS);
    ret = vfio_user_call(conn, VFIO_USER_DEVICE_SET_IRQS, &req, sizeof(req),
                         fds, fds ? count : 0, &reply);
    vfio_user_msg_clear(&reply);
    if (ret) {
        error_setg(errp, "vfio-user '%s': DEVICE_SET_IRQS of index %u failed: %s",
                   conn->name, index, strerror(-ret));
        return false;
    }
    return true;
}

bool vfio_user_device_reset(VFIOUserConn *conn, Error **errp)
{
    VFIOUserMsg reply;

    if (!vfio_user_query(conn, VFIO_USER_DEVICE_RESET, NULL, 0, 0, &reply,
                         errp)) {
        return false;
    }
    vfio_user_msg_clear(&reply);
    return true;
}

/* ---- region access ---- */

int vfio_user_region_read(VFIOUserConn *conn, uint32_t region,
                          uint64_t offset, void *buf, uint32_t count)
{
    VFIOUserRegionAccessWire req = {
        .offset = offset, .region = region, .count = count,
    };
    VFIOUserMsg reply;
    int ret = vfio_user_call(conn, VFIO_USER_REGION_READ, &req, sizeof(req),
                             NULL, 0, &reply);

    if (!ret && reply.len < sizeof(req) + count) {
        ret = -EPROTO;
    }
    if (!ret) {
        memcpy(buf, reply.payload + sizeof(req), count);
    }
    vfio_user_msg_clear(&reply);
    return ret;
}

int vfio_user_region_write(VFIOUserConn *conn, uint32_t region,
                           uint64_t offset, const void *buf, uint32_t count)
{
    g_autofree uint8_t *msg = g_malloc(sizeof(VFIOUserRegionAccessWire) +
                                       count);
    VFIOUserRegionAccessWire req = {
        .offset = offset, .region = region, .count = count,
    };
    VFIOUserMsg reply;
    int ret;

    memcpy(msg, &req, sizeof(req));
    memcpy(msg + sizeof(req), buf, count);
    ret = vfio_user_call(conn, VFIO_USER_REGION_WRITE, msg,
                         sizeof(req) + count, NULL, 0, &reply);
    vfio_user_msg_clear(&reply);
    return ret;
}

/* ---- DMA ---- */

int vfio_user_dma_map(VFIOUserConn *conn, const VFIODMAMap *map)
{
    VFIOUserDmaMapWire req = {
        .argsz = sizeof(req),
        .flags = VFIO_USER_DMA_F_READ |
                 (map->readonly ? 0 : VFIO_USER_DMA_F_WRITE),
        .offset = map->fd >= 0 ? map->fd_offset : 0,
        .addr = map->iova, .size = map->size,
    };
    VFIOUserMsg reply;
    int ret;

    conn->nb_dma_messages++;
    trace_vfio_user_dma_map(conn->name, map->iova, map->size, req.offset,
                            map->fd >= 0);
    ret = vfio_user_call(conn, VFIO_USER_DMA_MAP, &req, sizeof(req),
                         map->fd >= 0 ? &map->fd : NULL, map->fd >= 0,
                         &reply);
    vfio_user_msg_clear(&reply);
    return ret;
}

int vfio_user_dma_unmap(VFIOUserConn *conn, const VFIODMAMap *map)
{
    VFIOUserDmaUnmapWire req = {
        .argsz = sizeof(req), .addr = map->iova, .size = map->size,
    };
    VFIOUserMsg reply;
    int ret;

    conn->nb_dma_messages++;
    trace_vfio_user_dma_unmap(conn->name, map->iova, map->size);
    ret = vfio_user_call(conn, VFIO_USER_DMA_UNMAP, &req, sizeof(req), NULL,
                         0, &reply);
    vfio_user_msg_clear(&reply);
    return ret;
}

/* ---- connection ---- */

VFIOUserConn *vfio_user_conn_new(int fd, const char *name, AddressSpace *as)
{
    VFIOUserConn *conn = g_new0(VFIOUserConn, 1);

    conn->fd = fd;
    conn->name = g_strdup(name);
    conn->as = as;
    conn->watch = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                vfio_user_watch_cb, conn);
    return conn;
}

VFIOUserConn *vfio_user_connect(const char *path, const char *name,
                                AddressSpace *as, Error **errp)
{
    int fd = chardev_unix_connect(path, errp);

    if (fd < 0) {
        error_prepend(errp, "vfio-user '%s': ", name);
        return NULL;
    }
    return vfio_user_conn_new(fd, name, as);
}

void vfio_user_conn_free(VFIOUserConn *conn)
{
    if (!conn) {
        return;
    }
    vfio_user_conn_unwatch(conn);
    close(conn->fd);
    g_free(conn->name);
    g_free(conn);
}
