/*
 * Unit tests of the vfio-user message layer (hw/vfio/vfio-user.c) over a
 * real socketpair.  The other end is a fake_ server thread that decodes
 * and encodes the wire format itself (no real server sends DMA_READ or
 * DMA_WRITE for memory it was given an fd for, nor breaks the protocol on
 * purpose): it checks what the client sends and scripts what comes back,
 * including the server's own DMA requests while the client waits.
 */
#include "qemu/osdep.h"
#include "exec/memory.h"
#include "hw/vfio/vfio-user.h"
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <jansson.h>

#define TEST_RAM_GPA 0x100000
#define TEST_RAM_SIZE 0x10000

typedef struct __attribute__((packed)) FakeHdr {
    uint16_t msg_id;
    uint16_t cmd;
    uint32_t size;
    uint32_t flags;
    uint32_t error_no;
} FakeHdr;

typedef struct FakeMsg {
    FakeHdr hdr;
    uint8_t payload[4096];
    size_t len;
    int fds[4];
    int nb_fds;
} FakeMsg;

typedef struct TestWorld {
    MemoryRegion root;
    MemoryRegion ram;
    AddressSpace as;
    uint8_t *host;
    int fds[2];             /* [0] client, [1] fake server */
    VFIOUserConn *conn;
    int nb_dead;
} TestWorld;

/* ---- the fake server's wire code ---- */

static void fake_recv(int fd, FakeMsg *m)
{
    char ctl[CMSG_SPACE(sizeof(int) * 4)];
    struct iovec iov = { &m->hdr, sizeof(m->hdr) };
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = ctl, .msg_controllen = sizeof(ctl),
    };
    struct cmsghdr *cm;

    memset(m, 0, sizeof(*m));
    g_assert_cmpint(recvmsg(fd, &mh, 0), ==, sizeof(m->hdr));
    for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
        m->nb_fds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        memcpy(m->fds, CMSG_DATA(cm), m->nb_fds * sizeof(int));
    }
    m->len = m->hdr.size - sizeof(m->hdr);
    g_assert_cmpuint(m->len, <=, sizeof(m->payload));
    if (m->len) {
        g_assert_cmpint(recv(fd, m->payload, m->len, MSG_WAITALL), ==,
                        m->len);
    }
}

static void fake_send(int fd, uint16_t id, uint16_t cmd, uint32_t flags,
                      uint32_t error_no, const void *payload, size_t len)
{
    FakeHdr h = { id, cmd, sizeof(h) + len, flags, error_no };
    g_autofree uint8_t *buf = g_malloc(sizeof(h) + len);

    memcpy(buf, &h, sizeof(h));
    if (len) {
        memcpy(buf + sizeof(h), payload, len);
    }
    g_assert_cmpint(send(fd, buf, sizeof(h) + len, 0), ==, sizeof(h) + len);
}

static void fake_reply(int fd, const FakeMsg *req, const void *payload,
                       size_t len)
{
    fake_send(fd, req->hdr.msg_id, req->hdr.cmd, 1, 0, payload, len);
}

/* ---- fixture ---- */

static void test_dead(void *opaque)
{
    TestWorld *w = opaque;

    w->nb_dead++;
}

static TestWorld *test_world_new(void)
{
    TestWorld *w = g_new0(TestWorld, 1);

    memory_region_init(&w->root, NULL, "root", UINT64_MAX);
    address_space_init(&w->as, &w->root, "test");
    w->host = g_malloc0(TEST_RAM_SIZE);
    for (int i = 0; i < TEST_RAM_SIZE; i++) {
        w->host[i] = i * 7;
    }
    memory_region_init_ram_ptr(&w->ram, NULL, "ram", TEST_RAM_SIZE, w->host);
    memory_region_add_subregion(&w->root, TEST_RAM_GPA, &w->ram);
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
                               w->fds), ==, 0);
    w->conn = vfio_user_conn_new(w->fds[0], "vfu0", &w->as);
    vfio_user_conn_set_dead_handler(w->conn, test_dead, w);
    return w;
}

static void test_world_free(TestWorld *w)
{
    vfio_user_conn_free(w->conn);
    close(w->fds[1]);
    memory_region_del_subregion(&w->root, &w->ram);
    address_space_destroy(&w->as);
    memory_region_finalize(&w->ram);
    memory_region_finalize(&w->root);
    g_free(w->host);
    g_free(w);
}

/* Run fn(w) as the fake server while the test thread is the client. */
static GThread *test_fake_server(GThreadFunc fn, TestWorld *w)
{
    return g_thread_new("fake-vfu", fn, w);
}

/* ---- tests ---- */

static gpointer fake_version(gpointer opaque)
{
    TestWorld *w = opaque;
    FakeMsg m;
    const char *caps = "{\"capabilities\":{\"max_dma_maps\":77,"
                       "\"max_msg_fds\":4}}";
    uint8_t reply[128] = { 0, 0, 1, 0 };
    json_t *j;

    fake_recv(w->fds[1], &m);
    g_assert_cmpuint(m.hdr.cmd, ==, 1);
    g_assert_cmpuint(m.hdr.flags, ==, 0);
    g_assert_cmpuint(m.payload[0] | m.payload[1] << 8, ==, 0);
    g_assert_cmpuint(m.payload[2] | m.payload[3] << 8, ==, 1);
    g_assert_cmpuint(m.payload[m.len - 1], ==, 0);
    j = json_loads((char *)m.payload + 4, 0, NULL);
    g_assert_cmpint(json_integer_value(json_object_get(
                        json_object_get(j, "capabilities"), "max_msg_fds")),
                    ==, 8);
    json_decref(j);
    memcpy(reply + 4, caps, strlen(caps) + 1);
    fake_reply(w->fds[1], &m, reply, 4 + strlen(caps) + 1);
    return NULL;
}

static void test_version_caps_parsed(void)
{
    TestWorld *w = test_world_new();
    GThread *t = test_fake_server(fake_version, w);
    VFIOUserServerCaps caps;

    g_assert_true(vfio_user_version(w->conn, &caps, &error_abort));
    g_thread_join(t);
    g_assert_cmpuint(caps.max_dma_maps, ==, 77);
    g_assert_cmpuint(caps.max_msg_fds, ==, 4);
    g_assert_cmpuint(caps.max_data_xfer_size, ==, 1024 * 1024);
    test_world_free(w);
}

static gpointer fake_dma_map(gpointer opaque)
{
    TestWorld *w = opaque;
    FakeMsg m;
    uint32_t argsz, flags;
    uint64_t offset, addr, size;

    fake_recv(w->fds[1], &m);
    g_assert_cmpuint(m.hdr.cmd, ==, 2);
    g_assert_cmpuint(m.len, ==, 32);
    memcpy(&argsz, m.payload, 4);
    memcpy(&flags, m.payload + 4, 4);
    memcpy(&offset, m.payload + 8, 8);
    memcpy(&addr, m.payload + 16, 8);
    memcpy(&size, m.payload + 24, 8);
    g_assert_cmpuint(argsz, ==, 32);
    g_assert_cmpuint(flags, ==, 3);         /* READ | WRITE */
    g_assert_cmphex(offset, ==, 0x2000);
    g_assert_cmphex(addr, ==, 0x100002000);
    g_assert_cmphex(size, ==, 0x1000);
    g_assert_cmpint(m.nb_fds, ==, 1);
    /* The fd is the memory's: its inode, hence the same file. */
    {
        struct stat a;

        g_assert_cmpint(fstat(m.fds[0], &a), ==, 0);
        g_assert_cmpuint(a.st_size, ==, 0x10000);
        close(m.fds[0]);
    }
    fake_reply(w->fds[1], &m, m.payload, m.len);
    return NULL;
}

static void test_dma_map_carries_fd_and_offset(void)
{
    TestWorld *w = test_world_new();
    int memfd = memfd_create("vfu-test", MFD_CLOEXEC);
    VFIODMAMap map = {
        .iova = 0x100002000, .size = 0x1000, .fd = memfd,
        .fd_offset = 0x2000,
    };
    GThread *t;

    g_assert_cmpint(ftruncate(memfd, 0x10000), ==, 0);
    t = test_fake_server(fake_dma_map, w);
    g_assert_cmpint(vfio_user_dma_map(w->conn, &map), ==, 0);
    g_thread_join(t);
    g_assert_cmpuint(vfio_user_conn_nb_dma_messages(w->conn), ==, 1);
    close(memfd);
    test_world_free(w);
}

/* While the client waits for DMA_UNMAP, the server reads and writes. */
static gpointer fake_dma_access(gpointer opaque)
{
    TestWorld *w = opaque;
    FakeMsg unmap;
    FakeMsg m;
    uint64_t rd[2] = { TEST_RAM_GPA + 0x10, 16 };
    uint8_t wr[16 + 4] = { 0 };
    uint64_t addr = TEST_RAM_GPA + 0x100;
    uint64_t count = 4;

    fake_recv(w->fds[1], &unmap);
    g_assert_cmpuint(unmap.hdr.cmd, ==, 3);
    fake_send(w->fds[1], 0x77, 11, 0, 0, rd, sizeof(rd));
    fake_recv(w->fds[1], &m);
    g_assert_cmpuint(m.hdr.msg_id, ==, 0x77);
    g_assert_cmpuint(m.hdr.flags, ==, 1);
    g_assert_cmpuint(m.len, ==, 16 + 16);
    for (int i = 0; i < 16; i++) {
        g_assert_cmpuint(m.payload[16 + i], ==, (uint8_t)((0x10 + i) * 7));
    }
    memcpy(wr, &addr, 8);
    memcpy(wr + 8, &count, 8);
    memcpy(wr + 16, "\xde\xad\xbe\xef", 4);
    fake_send(w->fds[1], 0x78, 12, 0, 0, wr, sizeof(wr));
    fake_recv(w->fds[1], &m);
    g_assert_cmpuint(m.hdr.msg_id, ==, 0x78);
    g_assert_cmpuint(m.hdr.flags, ==, 1);
    /* Outside guest RAM: an error reply. */
    rd[0] = 0x10;
    fake_send(w->fds[1], 0x79, 11, 0, 0, rd, sizeof(rd));
    fake_recv(w->fds[1], &m);
    g_assert_cmpuint(m.hdr.flags, ==, 1 | 0x20);
    g_assert_cmpuint(m.hdr.error_no, ==, EFAULT);
    fake_reply(w->fds[1], &unmap, unmap.payload, unmap.len);
    return NULL;
}

static void test_server_dma_answered_while_waiting(void)
{
    TestWorld *w = test_world_new();
    VFIODMAMap map = { .iova = 0x100000000, .size = 0x1000, .fd = -1 };
    GThread *t = test_fake_server(fake_dma_access, w);

    g_assert_cmpint(vfio_user_dma_unmap(w->conn, &map), ==, 0);
    g_thread_join(t);
    g_assert_cmpmem(w->host + 0x100, 4, "\xde\xad\xbe\xef", 4);
    g_assert_false(vfio_user_conn_is_dead(w->conn));
    test_world_free(w);
}

static gpointer fake_refuse(gpointer opaque)
{
    TestWorld *w = opaque;
    FakeMsg m;

    fake_recv(w->fds[1], &m);
    fake_send(w->fds[1], m.hdr.msg_id, m.hdr.cmd, 1 | 0x20, ENOENT, NULL, 0);
    return NULL;
}

static void test_error_reply_is_errno(void)
{
    TestWorld *w = test_world_new();
    VFIODMAMap map = { .iova = 0x100000000, .size = 0x1000, .fd = -1 };
    GThread *t = test_fake_server(fake_refuse, w);

    g_assert_cmpint(vfio_user_dma_unmap(w->conn, &map), ==, -ENOENT);
    g_thread_join(t);
    g_assert_false(vfio_user_conn_is_dead(w->conn));
    test_world_free(w);
}

static gpointer fake_close(gpointer opaque)
{
    TestWorld *w = opaque;
    FakeMsg m;

    fake_recv(w->fds[1], &m);
    shutdown(w->fds[1], SHUT_RDWR);
    return NULL;
}

static void test_server_gone_said_once(void)
{
    TestWorld *w = test_world_new();
    Error *err = NULL;
    GThread *t = test_fake_server(fake_close, w);

    g_assert_false(vfio_user_device_reset(w->conn, &err));
    g_thread_join(t);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "vfio-user 'vfu0': DEVICE_RESET failed: Broken pipe");
    error_free(err);
    g_assert_true(vfio_user_conn_is_dead(w->conn));
    g_assert_cmpint(w->nb_dead, ==, 1);
    /* Later requests fail at once; the death is not told again. */
    g_assert_cmpint(vfio_user_region_write(w->conn, 7, 4, "\1\0", 2), ==,
                    -EPIPE);
    g_assert_cmpint(w->nb_dead, ==, 1);
    test_world_free(w);
}

static gpointer fake_short_header(gpointer opaque)
{
    TestWorld *w = opaque;
    FakeMsg m;

    fake_recv(w->fds[1], &m);
    /* a reply with no payload, where REGION_READ needs 16 + count bytes */
    fake_send(w->fds[1], m.hdr.msg_id, m.hdr.cmd, 1, 0, NULL, 0);
    return NULL;
}

static void test_malformed_reply_kills(void)
{
    TestWorld *w = test_world_new();
    FakeHdr bad = { 0, 9, 8, 1, 0 };
    uint8_t buf[4];
    GThread *t;

    t = test_fake_server(fake_short_header, w);
    /* A reply too short for its command: -EPROTO, the connection lives. */
    g_assert_cmpint(vfio_user_region_read(w->conn, 7, 0, buf, 4), ==,
                    -EPROTO);
    g_thread_join(t);
    g_assert_false(vfio_user_conn_is_dead(w->conn));
    /* A header whose size is below its own: the connection dies. */
    g_assert_cmpint(send(w->fds[1], &bad, sizeof(bad), 0), ==, sizeof(bad));
    g_assert_cmpint(vfio_user_region_read(w->conn, 7, 0, buf, 4), ==,
                    -EPIPE);
    g_assert_true(vfio_user_conn_is_dead(w->conn));
    g_assert_cmpint(w->nb_dead, ==, 1);
    test_world_free(w);
}

static gpointer fake_wrong_cmd(gpointer opaque)
{
    TestWorld *w = opaque;
    FakeMsg m;

    fake_recv(w->fds[1], &m);
    fake_send(w->fds[1], m.hdr.msg_id, 13, 1, 0, NULL, 0);
    return NULL;
}

static void test_reply_of_another_command_kills(void)
{
    TestWorld *w = test_world_new();
    uint8_t buf[4];
    GThread *t = test_fake_server(fake_wrong_cmd, w);

    g_assert_cmpint(vfio_user_region_read(w->conn, 7, 0, buf, 4), ==,
                    -EPIPE);
    g_thread_join(t);
    g_assert_true(vfio_user_conn_is_dead(w->conn));
    g_assert_cmpint(w->nb_dead, ==, 1);
    test_world_free(w);
}

static gpointer fake_region_read(gpointer opaque)
{
    TestWorld *w = opaque;
    FakeMsg m;
    uint8_t reply[16 + 4];
    uint64_t offset;
    uint32_t region, count;

    fake_recv(w->fds[1], &m);
    g_assert_cmpuint(m.hdr.cmd, ==, 9);
    g_assert_cmpuint(m.len, ==, 16);
    memcpy(&offset, m.payload, 8);
    memcpy(&region, m.payload + 8, 4);
    memcpy(&count, m.payload + 12, 4);
    g_assert_cmphex(offset, ==, 0x10);
    g_assert_cmpuint(region, ==, 2);
    g_assert_cmpuint(count, ==, 4);
    memcpy(reply, m.payload, 16);
    memcpy(reply + 16, "\x44\x33\x22\x11", 4);
    fake_reply(w->fds[1], &m, reply, sizeof(reply));
    return NULL;
}

static void test_region_read(void)
{
    TestWorld *w = test_world_new();
    uint32_t val = 0;
    GThread *t = test_fake_server(fake_region_read, w);

    g_assert_cmpint(vfio_user_region_read(w->conn, 2, 0x10, &val, 4), ==, 0);
    g_thread_join(t);
    g_assert_cmphex(GUINT32_FROM_LE(val), ==, 0x11223344);
    test_world_free(w);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vfio-user-msg/version/caps-parsed",
                    test_version_caps_parsed);
    g_test_add_func("/vfio-user-msg/dma-map/carries-fd-and-offset",
                    test_dma_map_carries_fd_and_offset);
    g_test_add_func("/vfio-user-msg/server-dma/answered-while-waiting",
                    test_server_dma_answered_while_waiting);
    g_test_add_func("/vfio-user-msg/reply/error-is-errno",
                    test_error_reply_is_errno);
    g_test_add_func("/vfio-user-msg/reply/short-is-eproto-malformed-kills",
                    test_malformed_reply_kills);
    g_test_add_func("/vfio-user-msg/reply/other-command-kills",
                    test_reply_of_another_command_kills);
    g_test_add_func("/vfio-user-msg/region/read", test_region_read);
    g_test_add_func("/vfio-user-msg/dead/server-gone-said-once",
                    test_server_gone_said_once);
    return g_test_run();
}
