/*
 * fake_vfu: a vfio-user server thread with an MSI-X device, for tests
 * (see fake-vfio-user.h).  It speaks just enough of the protocol
 * (docs/interop/vfio-user.rst) for a client to realize the device, map
 * DMA and move its interrupts between INTx and MSI-X; it owns the fds it
 * receives.  The device's state is guarded by one mutex, with a condition
 * signalled on every SET_IRQS.
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include "fake-vfio-user.h"
#include <linux/vfio.h>
#include <sys/socket.h>
#include <sys/un.h>

#define FAKE_VFU_REPLY 0x1

typedef struct __attribute__((packed)) FakeVfuHdr {
    uint16_t msg_id;
    uint16_t cmd;
    uint32_t size;
    uint32_t flags;
    uint32_t error_no;
} FakeVfuHdr;

struct FakeVfu {
    char *dir;
    char *path;
    int listen_fd;
    int fd;
    GThread *thread;
    GMutex lock;                /* guards what follows */
    GCond changed;
    uint8_t config[256];
    int msix_fds[FAKE_VFU_MSIX_VECTORS];
    int intx_fd;
    unsigned int nb_set_irqs;
};

/* ---- the device ---- */

static void fake_vfu_init_config(FakeVfu *f)
{
    uint8_t *c = f->config;

    c[0x00] = FAKE_VFU_VENDOR_ID & 0xff;
    c[0x01] = FAKE_VFU_VENDOR_ID >> 8;
    c[0x02] = FAKE_VFU_DEVICE_ID & 0xff;
    c[0x03] = FAKE_VFU_DEVICE_ID >> 8;
    c[0x06] = 0x10;                         /* capability list */
    c[0x0b] = 0xff;                         /* class: other */
    c[0x34] = FAKE_VFU_MSIX_CAP;
    c[0x3d] = 1;                            /* INTA */
    c[FAKE_VFU_MSIX_CAP] = 0x11;
    c[FAKE_VFU_MSIX_CAP + 2] = FAKE_VFU_MSIX_VECTORS - 1;
    c[FAKE_VFU_MSIX_CAP + 4] = 0x00;        /* table: BAR0 + 0 */
    c[FAKE_VFU_MSIX_CAP + 8] = 0x00;        /* PBA: BAR0 + 0x800 */
    c[FAKE_VFU_MSIX_CAP + 9] = 0x08;
}

static void fake_vfu_close_fds(int *fds, int n)
{
    for (int i = 0; i < n; i++) {
        if (fds[i] >= 0) {
            close(fds[i]);
            fds[i] = -1;
        }
    }
}

/* SET_IRQS: keep the eventfds it brings (fds[] taken). */
static void fake_vfu_set_irqs(FakeVfu *f, const struct vfio_irq_set *set,
                              int *fds, int nb_fds)
{
    g_mutex_lock(&f->lock);
    if (set->index == VFIO_PCI_MSIX_IRQ_INDEX && !nb_fds) {
        fake_vfu_close_fds(f->msix_fds, FAKE_VFU_MSIX_VECTORS);
    }
    for (int i = 0; i < nb_fds; i++) {
        if (set->index == VFIO_PCI_MSIX_IRQ_INDEX &&
            set->start + i < FAKE_VFU_MSIX_VECTORS) {
            fake_vfu_close_fds(&f->msix_fds[set->start + i], 1);
            f->msix_fds[set->start + i] = fds[i];
        } else if (set->index == VFIO_PCI_INTX_IRQ_INDEX) {
            fake_vfu_close_fds(&f->intx_fd, 1);
            f->intx_fd = fds[i];
        } else {
            close(fds[i]);
        }
        fds[i] = -1;
    }
    f->nb_set_irqs++;
    g_cond_broadcast(&f->changed);
    g_mutex_unlock(&f->lock);
}

/* ---- the wire ---- */

static bool fake_vfu_recv(FakeVfu *f, FakeVfuHdr *h, uint8_t *payload,
                          size_t max, int *fds, int *nb_fds)
{
    char ctl[CMSG_SPACE(sizeof(int) * 8)];
    struct iovec iov = { h, sizeof(*h) };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = ctl, .msg_controllen = sizeof(ctl),
    };

    *nb_fds = 0;
    if (recvmsg(f->fd, &mh, MSG_WAITALL) != sizeof(*h)) {
        return false;
    }
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm;
         cm = CMSG_NXTHDR(&mh, cm)) {
        *nb_fds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        memcpy(fds, CMSG_DATA(cm), *nb_fds * sizeof(int));
    }
    g_assert_cmpuint(h->size - sizeof(*h), <=, max);
    return h->size == sizeof(*h) ||
           recv(f->fd, payload, h->size - sizeof(*h), MSG_WAITALL) ==
           (ssize_t)(h->size - sizeof(*h));
}

static void fake_vfu_reply(FakeVfu *f, const FakeVfuHdr *req,
                           const void *payload, size_t len)
{
    FakeVfuHdr h = { req->msg_id, req->cmd, sizeof(h) + len, FAKE_VFU_REPLY,
                     0 };
    struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)payload, len } };
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };

    g_assert_cmpint(sendmsg(f->fd, &mh, MSG_NOSIGNAL), ==, sizeof(h) + len);
}

static void fake_vfu_region_info(FakeVfu *f, const FakeVfuHdr *h,
                                 uint8_t *p)
{
    struct vfio_region_info ri;

    memcpy(&ri, p, sizeof(ri));
    ri.argsz = sizeof(ri);
    ri.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
    ri.size = ri.index == 0 ? 0x1000
              : ri.index == VFIO_PCI_CONFIG_REGION_INDEX ? 256 : 0;
    ri.offset = 0;
    fake_vfu_reply(f, h, &ri, sizeof(ri));
}

static void fake_vfu_region_read(FakeVfu *f, const FakeVfuHdr *h,
                                 uint8_t *p)
{
    uint64_t offset;
    uint32_t region, count;
    uint8_t out[16 + 256] = { 0 };

    memcpy(&offset, p, 8);
    memcpy(&region, p + 8, 4);
    memcpy(&count, p + 12, 4);
    g_assert_cmpuint(count, <=, 256);
    memcpy(out, p, 16);
    if (region == VFIO_PCI_CONFIG_REGION_INDEX && offset + count <= 256) {
        g_mutex_lock(&f->lock);
        memcpy(out + 16, f->config + offset, count);
        g_mutex_unlock(&f->lock);
    }
    fake_vfu_reply(f, h, out, 16 + count);
}

static void fake_vfu_info(FakeVfu *f, const FakeVfuHdr *h, uint8_t *p,
                          size_t len)
{
    if (h->cmd == 1) {                      /* VERSION: 0.1, no caps */
        static const uint8_t v[] = { 0, 0, 1, 0, '{', '}', 0 };

        fake_vfu_reply(f, h, v, sizeof(v));
    } else if (h->cmd == 4) {               /* DEVICE_GET_INFO */
        uint32_t info[4] = { 16, VFIO_DEVICE_FLAGS_PCI, 9, 5 };

        fake_vfu_reply(f, h, info, sizeof(info));
    } else {                                /* DEVICE_GET_IRQ_INFO */
        struct vfio_irq_info ii;

        memcpy(&ii, p, sizeof(ii));
        ii.count = ii.index == VFIO_PCI_INTX_IRQ_INDEX ? 1
                   : ii.index == VFIO_PCI_MSIX_IRQ_INDEX
                   ? FAKE_VFU_MSIX_VECTORS : 0;
        ii.flags = VFIO_IRQ_INFO_EVENTFD;
        fake_vfu_reply(f, h, &ii, sizeof(ii));
    }
}

/* One request; false when the client went away. */
static bool fake_vfu_serve_one(FakeVfu *f)
{
    FakeVfuHdr h;
    g_autofree uint8_t *p = g_malloc0(65536);
    int fds[8];
    int nb_fds;

    if (!fake_vfu_recv(f, &h, p, 65536, fds, &nb_fds)) {
        return false;
    }
    switch (h.cmd) {
    case 1: case 4: case 7:
        fake_vfu_info(f, &h, p, h.size - sizeof(h));
        break;
    case 5:
        fake_vfu_region_info(f, &h, p);
        break;
    case 8:
        fake_vfu_set_irqs(f, (struct vfio_irq_set *)p, fds, nb_fds);
        fake_vfu_reply(f, &h, NULL, 0);
        break;
    case 9:
        fake_vfu_region_read(f, &h, p);
        break;
    case 2: case 3: case 10:                /* DMA_MAP/UNMAP, REGION_WRITE */
        fake_vfu_reply(f, &h, p, h.cmd == 10 ? 16 : h.size - sizeof(h));
        break;
    default:                                /* DEVICE_RESET and the rest */
        fake_vfu_reply(f, &h, NULL, 0);
        break;
    }
    fake_vfu_close_fds(fds, nb_fds);
    return true;
}

static gpointer fake_vfu_thread(gpointer opaque)
{
    FakeVfu *f = opaque;

    f->fd = accept(f->listen_fd, NULL, NULL);
    if (f->fd < 0) {
        return NULL;
    }
    while (fake_vfu_serve_one(f)) {
    }
    return NULL;
}

/* ---- the test's side ---- */

FakeVfu *fake_vfu_start(void)
{
    FakeVfu *f = g_new0(FakeVfu, 1);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    f->dir = g_dir_make_tmp("hotmem-fake-vfu-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    f->path = g_build_filename(f->dir, "vfu.sock", NULL);
    g_assert_cmpuint(strlen(f->path), <, sizeof(sa.sun_path));
    strcpy(sa.sun_path, f->path);
    f->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(bind(f->listen_fd, (struct sockaddr *)&sa, sizeof(sa)),
                    ==, 0);
    g_assert_cmpint(listen(f->listen_fd, 1), ==, 0);
    f->fd = -1;
    f->intx_fd = -1;
    memset(f->msix_fds, -1, sizeof(f->msix_fds));
    g_mutex_init(&f->lock);
    g_cond_init(&f->changed);
    fake_vfu_init_config(f);
    f->thread = g_thread_new("fake-vfu", fake_vfu_thread, f);
    return f;
}

const char *fake_vfu_socket(const FakeVfu *f)
{
    return f->path;
}

static bool fake_vfu_msix_armed_locked(FakeVfu *f)
{
    for (int i = 0; i < FAKE_VFU_MSIX_VECTORS; i++) {
        if (f->msix_fds[i] < 0) {
            return false;
        }
    }
    return true;
}

static bool fake_vfu_msix_disarmed_locked(FakeVfu *f)
{
    for (int i = 0; i < FAKE_VFU_MSIX_VECTORS; i++) {
        if (f->msix_fds[i] >= 0) {
            return false;
        }
    }
    return f->intx_fd >= 0;
}

void fake_vfu_wait_msix(FakeVfu *f, bool armed)
{
    gint64 deadline = g_get_monotonic_time() +
                      QTEST_TIMEOUT_S * G_TIME_SPAN_SECOND;

    g_mutex_lock(&f->lock);
    while (armed ? !fake_vfu_msix_armed_locked(f)
                 : !fake_vfu_msix_disarmed_locked(f)) {
        g_assert_true(g_cond_wait_until(&f->changed, &f->lock, deadline));
    }
    g_mutex_unlock(&f->lock);
}

void fake_vfu_trigger_msix(FakeVfu *f, unsigned int vector)
{
    uint64_t one = 1;

    g_mutex_lock(&f->lock);
    g_assert_cmpint(f->msix_fds[vector], >=, 0);
    g_assert_cmpint(write(f->msix_fds[vector], &one, sizeof(one)), ==,
                    sizeof(one));
    g_mutex_unlock(&f->lock);
}

unsigned int fake_vfu_nb_set_irqs(FakeVfu *f)
{
    unsigned int n;

    g_mutex_lock(&f->lock);
    n = f->nb_set_irqs;
    g_mutex_unlock(&f->lock);
    return n;
}

void fake_vfu_stop(FakeVfu *f)
{
    if (f->fd >= 0) {
        shutdown(f->fd, SHUT_RDWR);
    }
    shutdown(f->listen_fd, SHUT_RDWR);
    g_thread_join(f->thread);
    if (f->fd >= 0) {
        close(f->fd);
    }
    close(f->listen_fd);
    fake_vfu_close_fds(f->msix_fds, FAKE_VFU_MSIX_VECTORS);
    fake_vfu_close_fds(&f->intx_fd, 1);
    unlink(f->path);
    rmdir(f->dir);
    g_mutex_clear(&f->lock);
    g_cond_clear(&f->changed);
    g_free(f->path);
    g_free(f->dir);
    g_free(f);
}
