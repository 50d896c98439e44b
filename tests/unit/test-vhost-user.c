/*
 * The vhost-user front-end message layer (hw/virtio/vhost-user.c) against
 * real backends: Debian's qemu-storage-daemon exporting a temporary raw
 * image as vhost-user-blk (QEMU 7.2's libvhost-user) and QEMU 7.2's C
 * virtiofsd.  Negotiation, memory tables, device config, one virtio-blk
 * write through a split virtqueue in memfd memory, a backend killed with
 * SIGKILL.  Reply validation runs against a peer scripted by the test on
 * a socketpair, since no real backend sends a wrong reply.  Tests needing
 * a backend binary skip when it is not installed.
 */
#include "qemu/osdep.h"
#include "qemu/trace.h"
#include "chardev/char.h"
#include "hw/virtio/vhost-user.h"
#include "hw/virtio/virtio.h"
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define TEST_TIMEOUT_US         (10 * G_USEC_PER_SEC)
#define TEST_VIRTIOFSD          "/usr/lib/qemu/virtiofsd"
#define TEST_QSD                "qemu-storage-daemon"
/* Not a multiple of anything larger than a sector: capacity 2051. */
#define TEST_IMG_SIZE           (1024 * 1024 + 3 * 512)
#define TEST_MEM_SIZE           (2 * 1024 * 1024)
#define TEST_MEM2_GPA           0x40000000ull
/* Debian 12's libvhost-user (VHOST_USER_MAX_RAM_SLOTS). */
#define TEST_QSD_MAX_MEM_SLOTS  32

#define BIT(n)                  (1ull << (n))
#define TEST_PROTOCOL_FEATURES \
    (BIT(VHOST_USER_PROTOCOL_F_MQ) | BIT(VHOST_USER_PROTOCOL_F_REPLY_ACK) | \
     BIT(VHOST_USER_PROTOCOL_F_CONFIG) | \
     BIT(VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS))

/* Split virtqueue and one virtio-blk request in guest memory (GPAs). */
#define TEST_QUEUE_SIZE         16
#define TEST_DESC_GPA           0x0000
#define TEST_AVAIL_GPA          0x1000
#define TEST_USED_GPA           0x2000
#define TEST_REQ_GPA            0x3000
#define TEST_DATA_GPA           0x4000
#define TEST_STATUS_GPA         0x5000
#define TEST_DESC_F_NEXT        1
#define TEST_DESC_F_WRITE       2
#define TEST_BLK_T_OUT          1
#define TEST_SECTOR             2

typedef struct TestBackend {
    GPid pid;               /* 0: not running */
    char *dir;              /* temp dir holding everything below */
    char *sock_path;
    char *img_path;
} TestBackend;

typedef struct TestMem {
    int fd;
    uint8_t *hva;
    uint64_t gpa;
} TestMem;

typedef struct TestDisconnect {
    unsigned int calls;
    VhostUserConn *conn_to_free;    /* freed by the handler when set */
} TestDisconnect;

/* ---- backends ---- */

static void test_child_setup(gpointer data)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);   /* no daemon outlives the test */
}

static void test_backend_init(TestBackend *be)
{
    GError *gerr = NULL;

    memset(be, 0, sizeof(*be));
    be->dir = g_dir_make_tmp("hotmem-vu-XXXXXX", &gerr);
    g_assert_no_error(gerr);
    be->sock_path = g_build_filename(be->dir, "vu.sock", NULL);
    be->img_path = g_build_filename(be->dir, "disk.img", NULL);
}

static void test_backend_spawn(TestBackend *be, char **argv)
{
    GError *gerr = NULL;

    g_spawn_async(NULL, argv, NULL,
                  G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                  G_SPAWN_STDOUT_TO_DEV_NULL,
                  test_child_setup, NULL, &be->pid, &gerr);
    g_assert_no_error(gerr);
}

static void test_backend_kill(TestBackend *be)
{
    if (be->pid) {
        kill(be->pid, SIGKILL);
        g_assert_cmpint(waitpid(be->pid, NULL, 0), ==, be->pid);
        be->pid = 0;
    }
}

static void test_remove_tree(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *de;

    while (dir && (de = readdir(dir))) {
        g_autofree char *child = g_build_filename(path, de->d_name, NULL);

        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
            unlink(child) < 0) {
            test_remove_tree(child);
        }
    }
    if (dir) {
        closedir(dir);
    }
    rmdir(path);
}

static void test_backend_cleanup(TestBackend *be)
{
    test_backend_kill(be);
    test_remove_tree(be->dir);
    g_free(be->dir);
    g_free(be->sock_path);
    g_free(be->img_path);
}

/* Connect once the backend listens; fail at once if it died. */
static VhostUserConn *test_backend_connect(TestBackend *be, const char *name)
{
    int64_t deadline = g_get_monotonic_time() + TEST_TIMEOUT_US;
    int fd;

    while ((fd = chardev_unix_connect(be->sock_path, NULL)) < 0) {
        g_assert_cmpint(waitpid(be->pid, NULL, WNOHANG), ==, 0);
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }
    return vhost_user_conn_new(fd, name);
}

static VhostUserConn *test_qsd_start(TestBackend *be)
{
    g_autofree char *blockdev = NULL;
    g_autofree char *export = NULL;
    int img_fd;

    test_backend_init(be);
    img_fd = open(be->img_path, O_RDWR | O_CREAT, 0600);
    g_assert_cmpint(img_fd, >=, 0);
    g_assert_cmpint(ftruncate(img_fd, TEST_IMG_SIZE), ==, 0);
    close(img_fd);
    blockdev = g_strdup_printf("driver=file,node-name=f0,filename=%s",
                               be->img_path);
    export = g_strdup_printf("type=vhost-user-blk,id=e0,node-name=f0,"
                             "addr.type=unix,addr.path=%s,writable=on",
                             be->sock_path);
    test_backend_spawn(be, (char *[]){ TEST_QSD, "--blockdev", blockdev,
                                       "--export", export, NULL });
    return test_backend_connect(be, "blk0");
}

static bool test_qsd_missing(void)
{
    g_autofree char *path = g_find_program_in_path(TEST_QSD);

    if (!path) {
        g_test_skip(TEST_QSD " is not installed");
    }
    return !path;
}

/* ---- negotiation and memory ---- */

static void test_negotiate(VhostUserConn *conn, uint64_t wanted)
{
    uint64_t features;
    uint64_t offered;

    g_assert_true(vhost_user_get_features(conn, &features, &error_abort));
    g_assert_true(features & BIT(VHOST_USER_F_PROTOCOL_FEATURES));
    g_assert_true(vhost_user_get_protocol_features(conn, &offered,
                                                   &error_abort));
    g_assert_cmphex(offered & wanted, ==, wanted);
    g_assert_true(vhost_user_set_protocol_features(conn, wanted,
                                                   &error_abort));
    g_assert_cmphex(vhost_user_conn_protocol_features(conn), ==, wanted);
    g_assert_true(vhost_user_set_owner(conn, &error_abort));
}

static void test_mem_init(TestMem *mem, uint64_t gpa)
{
    mem->fd = memfd_create("test-vhost-user", MFD_CLOEXEC);
    g_assert_cmpint(mem->fd, >=, 0);
    g_assert_cmpint(ftruncate(mem->fd, TEST_MEM_SIZE), ==, 0);
    mem->hva = mmap(NULL, TEST_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                    mem->fd, 0);
    g_assert_true(mem->hva != MAP_FAILED);
    mem->gpa = gpa;
}

static void test_mem_cleanup(TestMem *mem)
{
    munmap(mem->hva, TEST_MEM_SIZE);
    close(mem->fd);
}

static VhostUserMemRegion test_mem_region(const TestMem *mem)
{
    return (VhostUserMemRegion) {
        .gpa = mem->gpa,
        .size = TEST_MEM_SIZE,
        .uaddr = (uintptr_t)mem->hva,
        .mmap_offset = 0,
        .fd = mem->fd,
    };
}

/* ---- disconnect handler and main loop ---- */

static void test_on_disconnect(void *opaque)
{
    TestDisconnect *d = opaque;

    d->calls++;
    if (d->conn_to_free) {
        vhost_user_conn_free(d->conn_to_free);
        d->conn_to_free = NULL;
    }
}

/* Run the main loop until the handler ran, then drain what is pending. */
static void test_main_loop_until_disconnect(TestDisconnect *d)
{
    int64_t deadline = g_get_monotonic_time() + TEST_TIMEOUT_US;

    while (!d->calls && g_get_monotonic_time() < deadline) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
    while (g_main_context_iteration(NULL, FALSE)) {
        /* a second call would show here */
    }
    g_assert_cmpuint(d->calls, ==, 1);
}

/* ---- vhost-user-blk (qemu-storage-daemon) ---- */

/*
 * A negotiated qemu-storage-daemon session whose memory table is mem (at
 * gpa 0); NULL when the test is skipped.
 */
static VhostUserConn *test_qsd_session(TestBackend *be, TestMem *mem)
{
    VhostUserMemRegion region;
    VhostUserConn *conn;

    if (test_qsd_missing()) {
        return NULL;
    }
    conn = test_qsd_start(be);
    test_negotiate(conn, TEST_PROTOCOL_FEATURES);
    test_mem_init(mem, 0);
    region = test_mem_region(mem);
    g_assert_true(vhost_user_set_mem_table(conn, &region, 1, &error_abort));
    return conn;
}

static void test_qsd_session_end(VhostUserConn *conn, TestBackend *be,
                                 TestMem *mem)
{
    vhost_user_conn_free(conn);
    test_mem_cleanup(mem);
    test_backend_cleanup(be);
}

static void test_blk_features(void)
{
    TestBackend be;
    VhostUserConn *conn;
    uint64_t features;

    if (test_qsd_missing()) {
        return;
    }
    conn = test_qsd_start(&be);
    g_assert_true(vhost_user_get_features(conn, &features, &error_abort));
    g_assert_true(features & BIT(VHOST_USER_F_PROTOCOL_FEATURES));
    g_assert_true(features & BIT(VIRTIO_F_VERSION_1));
    g_assert_cmphex(vhost_user_conn_protocol_features(conn), ==, 0);
    vhost_user_conn_free(conn);
    test_backend_cleanup(&be);
}

static void test_blk_protocol_features(void)
{
    TestBackend be;
    VhostUserConn *conn;
    uint64_t slots;
    uint64_t queues;

    if (test_qsd_missing()) {
        return;
    }
    conn = test_qsd_start(&be);
    test_negotiate(conn, TEST_PROTOCOL_FEATURES);
    g_assert_true(vhost_user_conn_has_protocol_feature(
        conn, VHOST_USER_PROTOCOL_F_REPLY_ACK));
    g_assert_false(vhost_user_conn_has_protocol_feature(conn, 1));
    g_assert_true(vhost_user_get_max_mem_slots(conn, &slots, &error_abort));
    g_assert_cmpuint(slots, ==, TEST_QSD_MAX_MEM_SLOTS);
    g_assert_true(vhost_user_get_queue_num(conn, &queues, &error_abort));
    g_assert_cmpuint(queues, ==, 1);            /* num-queues default */
    g_assert_false(vhost_user_conn_is_dead(conn));
    vhost_user_conn_free(conn);
    test_backend_cleanup(&be);
}

static void test_blk_mem_table_and_config(void)
{
    TestBackend be;
    TestMem mem;
    VhostUserConn *conn = test_qsd_session(&be, &mem);
    uint64_t capacity = 0;

    if (!conn) {
        return;
    }
    /* virtio-blk config: le64 capacity in 512-byte sectors first */
    g_assert_true(vhost_user_get_config(conn, 0, &capacity,
                                        sizeof(capacity), &error_abort));
    g_assert_cmpuint(capacity, ==, TEST_IMG_SIZE / 512);
    test_qsd_session_end(conn, &be, &mem);
}

static void test_blk_add_rem_mem_reg(void)
{
    TestBackend be;
    TestMem mem;
    TestMem mem2;
    VhostUserConn *conn = test_qsd_session(&be, &mem);
    VhostUserMemRegion region2;

    if (!conn) {
        return;
    }
    test_mem_init(&mem2, TEST_MEM2_GPA);
    region2 = test_mem_region(&mem2);
    g_assert_true(vhost_user_add_mem_reg(conn, &region2, &error_abort));
    g_assert_true(vhost_user_rem_mem_reg(conn, &region2, &error_abort));
    /* acked, and the backend is still there to answer */
    g_assert_true(vhost_user_add_mem_reg(conn, &region2, &error_abort));
    g_assert_false(vhost_user_conn_is_dead(conn));
    test_mem_cleanup(&mem2);
    test_qsd_session_end(conn, &be, &mem);
}

static void *test_gpa(const TestMem *mem, uint64_t gpa)
{
    return mem->hva + (gpa - mem->gpa);
}

static void test_desc_set(const TestMem *mem, unsigned int idx, uint64_t gpa,
                          uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *desc = (uint8_t *)test_gpa(mem, TEST_DESC_GPA) + 16 * idx;

    memcpy(desc, &gpa, 8);
    memcpy(desc + 8, &len, 4);
    memcpy(desc + 12, &flags, 2);
    memcpy(desc + 14, &next, 2);
}

/* OUT request header, data, status: one chain of three, made available. */
static void test_place_write_request(const TestMem *mem, const void *data,
                                     uint32_t size)
{
    uint32_t req_type = TEST_BLK_T_OUT;
    uint64_t sector = TEST_SECTOR;
    uint16_t *avail = test_gpa(mem, TEST_AVAIL_GPA);
    uint8_t *req = test_gpa(mem, TEST_REQ_GPA);

    memcpy(req, &req_type, 4);
    memset(req + 4, 0, 4);                      /* ioprio */
    memcpy(req + 8, &sector, 8);
    memcpy(test_gpa(mem, TEST_DATA_GPA), data, size);
    *(uint8_t *)test_gpa(mem, TEST_STATUS_GPA) = 0xff;
    test_desc_set(mem, 0, TEST_REQ_GPA, 16, TEST_DESC_F_NEXT, 1);
    test_desc_set(mem, 1, TEST_DATA_GPA, size, TEST_DESC_F_NEXT, 2);
    test_desc_set(mem, 2, TEST_STATUS_GPA, 1, TEST_DESC_F_WRITE, 0);
    avail[0] = 0;                               /* flags */
    avail[2] = 0;                               /* ring[0]: head 0 */
    __atomic_store_n(&avail[1], 1, __ATOMIC_RELEASE);   /* idx */
}

static void test_start_ring(VhostUserConn *conn, const TestMem *mem,
                            int kick_fd, int call_fd)
{
    VhostUserVringAddr addr = {
        .desc_uaddr = (uintptr_t)test_gpa(mem, TEST_DESC_GPA),
        .avail_uaddr = (uintptr_t)test_gpa(mem, TEST_AVAIL_GPA),
        .used_uaddr = (uintptr_t)test_gpa(mem, TEST_USED_GPA),
    };

    g_assert_true(vhost_user_set_features(conn,
                                          BIT(VIRTIO_F_VERSION_1) |
                                          BIT(VHOST_USER_F_PROTOCOL_FEATURES),
                                          &error_abort));
    g_assert_true(vhost_user_set_vring_num(conn, 0, TEST_QUEUE_SIZE,
                                           &error_abort));
    g_assert_true(vhost_user_set_vring_addr(conn, 0, &addr, &error_abort));
    g_assert_true(vhost_user_set_vring_base(conn, 0, 0, &error_abort));
    g_assert_true(vhost_user_set_vring_kick(conn, 0, kick_fd, &error_abort));
    g_assert_true(vhost_user_set_vring_call(conn, 0, call_fd, &error_abort));
    g_assert_true(vhost_user_set_vring_err(conn, 0, -1, &error_abort));
    g_assert_true(vhost_user_set_vring_enable(conn, 0, true, &error_abort));
}

/*
 * Wait for the used ring to hold one element, woken by the call eventfd
 * (libvhost-user also signals it once when SET_VRING_CALL arrives).
 */
static void test_wait_used(const TestMem *mem, int call_fd)
{
    int64_t deadline = g_get_monotonic_time() + TEST_TIMEOUT_US;
    uint16_t *used_idx = (uint16_t *)test_gpa(mem, TEST_USED_GPA) + 1;
    struct pollfd pfd = { .fd = call_fd, .events = POLLIN };
    uint64_t count;

    while (__atomic_load_n(used_idx, __ATOMIC_ACQUIRE) == 0) {
        int64_t left_ms = (deadline - g_get_monotonic_time()) / 1000;

        g_assert_cmpint(left_ms, >, 0);
        g_assert_cmpint(poll(&pfd, 1, left_ms), ==, 1);
        g_assert_cmpint(read(call_fd, &count, sizeof(count)), ==,
                        sizeof(count));
    }
}

static void test_check_image(TestBackend *be, const void *data, size_t size)
{
    g_autofree uint8_t *buf = g_malloc(size);
    int fd = open(be->img_path, O_RDONLY);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pread(fd, buf, size, TEST_SECTOR * 512), ==, size);
    g_assert_cmpmem(buf, size, data, size);
    close(fd);
}

static void test_check_used(const TestMem *mem)
{
    uint16_t *used = test_gpa(mem, TEST_USED_GPA);
    uint32_t *elem = (uint32_t *)(used + 2);

    g_assert_cmpuint(__atomic_load_n(&used[1], __ATOMIC_ACQUIRE), ==, 1);
    g_assert_cmpuint(elem[0], ==, 0);           /* id: head 0 */
    g_assert_cmpuint(*(uint8_t *)test_gpa(mem, TEST_STATUS_GPA), ==, 0);
}

static void test_blk_write_round_trip(void)
{
    int kick_fd = eventfd(0, EFD_CLOEXEC);
    int call_fd = eventfd(0, EFD_CLOEXEC);
    uint8_t data[512];
    uint64_t one = 1;
    unsigned int base;
    TestBackend be;
    TestMem mem;
    VhostUserConn *conn = test_qsd_session(&be, &mem);

    if (!conn) {
        return;
    }
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = i * 7 + 3;
    }
    test_place_write_request(&mem, data, sizeof(data));
    test_start_ring(conn, &mem, kick_fd, call_fd);
    g_assert_cmpint(write(kick_fd, &one, sizeof(one)), ==, sizeof(one));
    test_wait_used(&mem, call_fd);
    test_check_used(&mem);
    test_check_image(&be, data, sizeof(data));
    g_assert_true(vhost_user_get_vring_base(conn, 0, &base, &error_abort));
    g_assert_cmpuint(base, ==, 1);
    test_qsd_session_end(conn, &be, &mem);
    close(kick_fd);
    close(call_fd);
}

/* Killed mid-session: the next request fails, the handler runs once. */
static void test_blk_killed_backend(void)
{
    TestDisconnect d = { 0 };
    TestBackend be;
    TestMem mem;
    VhostUserConn *conn = test_qsd_session(&be, &mem);
    uint64_t features;
    Error *err = NULL;

    if (!conn) {
        return;
    }
    vhost_user_conn_set_disconnect_handler(conn, test_on_disconnect, &d);
    test_backend_kill(&be);
    g_assert_false(vhost_user_set_vring_enable(conn, 0, false, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "vhost-user 'blk0': "));
    g_clear_pointer(&err, error_free);
    g_assert_true(vhost_user_conn_is_dead(conn));
    g_assert_cmpuint(d.calls, ==, 0);           /* from the main loop only */
    g_assert_false(vhost_user_get_features(conn, &features, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "vhost-user 'blk0': cannot "
                    "send GET_FEATURES: the backend is disconnected");
    g_clear_pointer(&err, error_free);
    test_main_loop_until_disconnect(&d);
    test_qsd_session_end(conn, &be, &mem);
}

/* Killed between requests: the socket watch notices; the handler frees. */
static void test_blk_killed_while_idle(void)
{
    TestDisconnect d = { 0 };
    TestBackend be;
    TestMem mem;
    VhostUserConn *conn = test_qsd_session(&be, &mem);

    if (!conn) {
        return;
    }
    d.conn_to_free = conn;
    vhost_user_conn_set_disconnect_handler(conn, test_on_disconnect, &d);
    while (g_main_context_iteration(NULL, FALSE)) {
        /* nothing may fire while the backend lives */
    }
    g_assert_cmpuint(d.calls, ==, 0);
    test_backend_kill(&be);
    test_main_loop_until_disconnect(&d);
    g_assert_null(d.conn_to_free);
    test_mem_cleanup(&mem);
    test_backend_cleanup(&be);
}

/* The -D lines other tests parse: names, keys, hex values, order. */
static void test_blk_trace_lines(void)
{
    g_autofree char *log_path = NULL;
    g_autofree char *log = NULL;
    g_autofree char *expected = NULL;
    VhostUserMemRegion region2;
    TestBackend be;
    TestMem mem;
    TestMem mem2;
    VhostUserConn *conn = test_qsd_session(&be, &mem);

    if (!conn) {
        return;
    }
    test_mem_init(&mem2, TEST_MEM2_GPA);
    region2 = test_mem_region(&mem2);
    log_path = g_build_filename(be.dir, "trace.log", NULL);
    g_assert_true(trace_set_log_file(log_path, &error_abort));
    g_assert_cmpuint(trace_enable_events("vhost_user_*"), ==, 4);
    g_assert_true(vhost_user_add_mem_reg(conn, &region2, &error_abort));
    trace_enable_events("-vhost_user_*");
    g_assert_true(trace_set_log_file(NULL, &error_abort));
    g_assert_true(g_file_get_contents(log_path, &log, NULL, NULL));
    expected = g_strdup_printf(
        ":vhost_user_mem_region dev=blk0 req=ADD_MEM_REG gpa=0x40000000 "
        "size=0x200000 uaddr=0x%" PRIxPTR " mmap_offset=0x0\n%d@",
        (uintptr_t)mem2.hva, (int)getpid());
    g_assert_nonnull(strstr(log, expected));
    g_assert_nonnull(strstr(log, ":vhost_user_send dev=blk0 "
                            "req=ADD_MEM_REG flags=0x9 size=40\n"));
    g_assert_nonnull(strstr(log, ":vhost_user_reply dev=blk0 "
                            "req=ADD_MEM_REG value=0x0\n"));
    test_mem_cleanup(&mem2);
    test_qsd_session_end(conn, &be, &mem);
}

/* ---- virtiofsd ---- */

static VhostUserConn *test_virtiofsd_start(TestBackend *be)
{
    g_autofree char *share = NULL;
    g_autofree char *sock_arg = NULL;
    g_autofree char *source_arg = NULL;

    test_backend_init(be);
    share = g_build_filename(be->dir, "share", NULL);
    g_assert_cmpint(mkdir(share, 0700), ==, 0);
    sock_arg = g_strdup_printf("--socket-path=%s", be->sock_path);
    source_arg = g_strdup_printf("source=%s", share);
    /* chroot: the namespace sandbox needs more than a container allows */
    test_backend_spawn(be, (char *[]){ TEST_VIRTIOFSD, sock_arg,
                                       "-o", source_arg, "-o", "cache=none",
                                       "-o", "sandbox=chroot", NULL });
    return test_backend_connect(be, "fs0");
}

static void test_virtiofsd_mem_table(void)
{
    uint64_t wanted = BIT(VHOST_USER_PROTOCOL_F_REPLY_ACK);
    TestBackend be;
    VhostUserConn *conn;
    VhostUserMemRegion region;
    uint64_t features;
    TestMem mem;

    if (!g_file_test(TEST_VIRTIOFSD, G_FILE_TEST_IS_EXECUTABLE)) {
        g_test_skip(TEST_VIRTIOFSD " is not installed");
        return;
    }
    conn = test_virtiofsd_start(&be);
    test_negotiate(conn, wanted);
    g_assert_true(vhost_user_get_features(conn, &features, &error_abort));
    g_assert_true(features & BIT(VIRTIO_F_VERSION_1));
    g_assert_true(vhost_user_set_features(conn,
                                          BIT(VIRTIO_F_VERSION_1) |
                                          BIT(VHOST_USER_F_PROTOCOL_FEATURES),
                                          &error_abort));
    test_mem_init(&mem, 0);
    region = test_mem_region(&mem);
    /* with REPLY_ACK, success means the backend acked the table */
    g_assert_true(vhost_user_set_mem_table(conn, &region, 1, &error_abort));
    g_assert_false(vhost_user_conn_is_dead(conn));
    vhost_user_conn_free(conn);
    test_mem_cleanup(&mem);
    test_backend_cleanup(&be);
}

/* ---- scripted peer: replies no real backend sends ---- */

static VhostUserConn *test_wire_conn(int *peer)
{
    int sv[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                    ==, 0);
    *peer = sv[1];
    return vhost_user_conn_new(sv[0], "wire0");
}

/* Queue a reply before the request: the call reads it synchronously. */
static void test_peer_reply(int peer, uint32_t req, uint32_t flags,
                            uint64_t value, uint32_t size, int fd)
{
    uint32_t hdr[3] = { req, flags, size };
    struct iovec iov[2] = {
        { .iov_base = hdr, .iov_len = sizeof(hdr) },
        { .iov_base = &value, .iov_len = size },
    };
    char control[CMSG_SPACE(sizeof(int))] = { 0 };
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
    struct cmsghdr *cmsg;

    if (fd >= 0) {
        mh.msg_control = control;
        mh.msg_controllen = sizeof(control);
        cmsg = CMSG_FIRSTHDR(&mh);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    }
    g_assert_cmpint(sendmsg(peer, &mh, 0), ==, sizeof(hdr) + size);
}

/* The header of the next message the peer received. */
static void test_peer_read_header(int peer, uint32_t hdr[3])
{
    uint8_t rest[512];

    g_assert_cmpint(recv(peer, hdr, 12, MSG_DONTWAIT), ==, 12);
    if (hdr[2]) {
        g_assert_cmpint(recv(peer, rest, hdr[2], MSG_DONTWAIT), ==, hdr[2]);
    }
}

static bool test_peer_has_data(int peer)
{
    struct pollfd pfd = { .fd = peer, .events = POLLIN };

    return poll(&pfd, 1, 0) == 1;
}

/* A peer that never answers: the request gives up after the timeout and
 * the connection is dead (this case takes VHOST_USER_REPLY_TIMEOUT_MS). */
static void test_wire_silent_peer_times_out(void)
{
    TestDisconnect d = { 0 };
    int peer;
    VhostUserConn *conn = test_wire_conn(&peer);
    gint64 start = g_get_monotonic_time();
    uint64_t features;
    Error *err = NULL;

    vhost_user_conn_set_disconnect_handler(conn, test_on_disconnect, &d);
    g_assert_false(vhost_user_get_features(conn, &features, &err));
    g_assert_cmpint(g_get_monotonic_time() - start, >=,
                    VHOST_USER_REPLY_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND);
    g_assert_cmpstr(error_get_pretty(err), ==, "vhost-user 'wire0': no reply "
                    "to GET_FEATURES within 10000 ms");
    g_clear_pointer(&err, error_free);
    g_assert_true(vhost_user_conn_is_dead(conn));
    test_main_loop_until_disconnect(&d);
    vhost_user_conn_free(conn);
    close(peer);
}

static void test_wire_bad_reply(uint32_t req, uint32_t flags, uint32_t size,
                                const char *message)
{
    TestDisconnect d = { 0 };
    int peer;
    VhostUserConn *conn = test_wire_conn(&peer);
    uint64_t features;
    Error *err = NULL;

    vhost_user_conn_set_disconnect_handler(conn, test_on_disconnect, &d);
    test_peer_reply(peer, req, flags, 0, size, -1);
    g_assert_false(vhost_user_get_features(conn, &features, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, message);
    g_clear_pointer(&err, error_free);
    g_assert_true(vhost_user_conn_is_dead(conn));
    g_assert_false(vhost_user_set_owner(conn, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "vhost-user 'wire0': cannot "
                    "send SET_OWNER: the backend is disconnected");
    g_clear_pointer(&err, error_free);
    test_main_loop_until_disconnect(&d);
    vhost_user_conn_free(conn);
    close(peer);
}

static void test_wire_reply_of_other_request(void)
{
    test_wire_bad_reply(15, 0x5, 8, "vhost-user 'wire0': expected the reply "
                        "to GET_FEATURES, got request 15 "
                        "(GET_PROTOCOL_FEATURES)");
}

static void test_wire_reply_without_reply_flag(void)
{
    test_wire_bad_reply(1, 0x1, 8, "vhost-user 'wire0': the reply to "
                        "GET_FEATURES has flags 0x1, expected version 1 "
                        "and the reply flag");
}

static void test_wire_reply_of_wrong_size(void)
{
    test_wire_bad_reply(1, 0x5, 4, "vhost-user 'wire0': the reply to "
                        "GET_FEATURES has 4 payload bytes, expected 8");
}

static void test_wire_eof_before_reply(void)
{
    int peer;
    VhostUserConn *conn = test_wire_conn(&peer);
    uint64_t features;
    Error *err = NULL;

    shutdown(peer, SHUT_WR);            /* still reads, never answers */
    g_assert_false(vhost_user_get_features(conn, &features, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "vhost-user 'wire0': the "
                    "backend closed the connection before replying to "
                    "GET_FEATURES");
    error_free(err);
    g_assert_true(vhost_user_conn_is_dead(conn));
    vhost_user_conn_free(conn);
    close(peer);
}

static unsigned int test_count_open_fds(void)
{
    DIR *dir = opendir("/proc/self/fd");
    unsigned int n = 0;

    while (readdir(dir)) {
        n++;
    }
    closedir(dir);
    return n;
}

static void test_wire_reply_fds_are_closed(void)
{
    int peer;
    VhostUserConn *conn = test_wire_conn(&peer);
    int stray = eventfd(0, EFD_CLOEXEC);
    unsigned int nb_fds;
    uint64_t features;

    test_peer_reply(peer, 1, 0x5, 0x1234, 8, stray);
    close(stray);
    nb_fds = test_count_open_fds();
    g_assert_true(vhost_user_get_features(conn, &features, &error_abort));
    g_assert_cmphex(features, ==, 0x1234);
    g_assert_cmpuint(test_count_open_fds(), ==, nb_fds);
    vhost_user_conn_free(conn);
    close(peer);
}

static VhostUserConn *test_wire_conn_reply_ack(int *peer)
{
    VhostUserConn *conn = test_wire_conn(peer);
    uint32_t hdr[3];

    g_assert_true(vhost_user_set_protocol_features(
        conn, BIT(VHOST_USER_PROTOCOL_F_REPLY_ACK), &error_abort));
    test_peer_read_header(*peer, hdr);
    g_assert_cmphex(hdr[1], ==, 0x1);   /* not acked: REPLY_ACK not yet on */
    return conn;
}

/* A non-zero ack fails the request; the connection stays usable. */
static void test_wire_nack_keeps_connection(void)
{
    int peer;
    VhostUserConn *conn = test_wire_conn_reply_ack(&peer);
    uint32_t hdr[3];
    Error *err = NULL;

    test_peer_reply(peer, 3, 0x5, 1, 8, -1);
    g_assert_false(vhost_user_set_owner(conn, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "vhost-user 'wire0': the "
                    "backend failed SET_OWNER (ack 0x1)");
    error_free(err);
    test_peer_read_header(peer, hdr);
    g_assert_cmphex(hdr[0], ==, 3);
    g_assert_cmphex(hdr[1], ==, 0x9);   /* version 1 + NEED_REPLY */
    g_assert_false(vhost_user_conn_is_dead(conn));
    test_peer_reply(peer, 18, 0x5, 0, 8, -1);
    g_assert_true(vhost_user_set_vring_enable(conn, 0, true, &error_abort));
    vhost_user_conn_free(conn);
    close(peer);
}

/* Kick/call/err: index in bits 0-7, bit 8 when there is no fd. */
static void test_wire_vring_fd_payload(void)
{
    int peer;
    VhostUserConn *conn = test_wire_conn(&peer);
    uint32_t hdr[3];
    uint64_t payload;

    g_assert_true(vhost_user_set_vring_call(conn, 3, -1, &error_abort));
    g_assert_cmpint(recv(peer, hdr, 12, 0), ==, 12);
    g_assert_cmpint(recv(peer, &payload, 8, 0), ==, 8);
    g_assert_cmpuint(hdr[0], ==, 13);
    g_assert_cmpuint(hdr[2], ==, 8);
    g_assert_cmphex(payload, ==, 0x103);
    vhost_user_conn_free(conn);
    close(peer);
}

static void test_wire_expect_error(VhostUserConn *conn, int peer, bool ok,
                                   Error *err, const char *message)
{
    g_assert_false(ok);
    g_assert_cmpstr(error_get_pretty(err), ==, message);
    error_free(err);
    g_assert_false(vhost_user_conn_is_dead(conn));
    g_assert_false(test_peer_has_data(peer));
}

/* Caller mistakes fail before anything is sent and kill nothing. */
static void test_wire_argument_errors(void)
{
    VhostUserMemRegion regions[VHOST_USER_MEMORY_BASELINE_NREGIONS + 1] = {
        { .gpa = 0x1000, .fd = -1 },
    };
    uint8_t config[VHOST_USER_MAX_CONFIG_SIZE + 1];
    int peer;
    VhostUserConn *conn = test_wire_conn(&peer);
    Error *err = NULL;
    bool ok;

    ok = vhost_user_set_mem_table(conn, regions, 9, &err);
    test_wire_expect_error(conn, peer, ok, err, "vhost-user 'wire0': "
                           "SET_MEM_TABLE carries at most 8 regions, not 9");
    err = NULL;
    ok = vhost_user_set_mem_table(conn, regions, 1, &err);
    test_wire_expect_error(conn, peer, ok, err, "vhost-user 'wire0': "
                           "SET_MEM_TABLE: the region at gpa 0x1000 has no "
                           "fd to share with the backend");
    err = NULL;
    ok = vhost_user_add_mem_reg(conn, &regions[0], &err);
    test_wire_expect_error(conn, peer, ok, err, "vhost-user 'wire0': "
                           "ADD_MEM_REG needs protocol feature "
                           "CONFIGURE_MEM_SLOTS, which was not negotiated");
    err = NULL;
    ok = vhost_user_get_config(conn, 0, config, sizeof(config), &err);
    test_wire_expect_error(conn, peer, ok, err, "vhost-user 'wire0': "
                           "GET_CONFIG of 257 bytes, at most 256");
    err = NULL;
    ok = vhost_user_set_vring_kick(conn, 256, -1, &err);
    test_wire_expect_error(conn, peer, ok, err, "vhost-user 'wire0': "
                           "SET_VRING_KICK: queue index 256 is above 255");
    vhost_user_conn_free(conn);
    close(peer);
}

/* The peer closing between requests: the watch runs the handler once. */
static void test_wire_idle_eof(void)
{
    TestDisconnect d = { 0 };
    int peer;
    VhostUserConn *conn = test_wire_conn(&peer);
    uint64_t features;
    Error *err = NULL;

    vhost_user_conn_set_disconnect_handler(conn, test_on_disconnect, &d);
    close(peer);
    test_main_loop_until_disconnect(&d);
    g_assert_true(vhost_user_conn_is_dead(conn));
    g_assert_false(vhost_user_get_features(conn, &features, &err));
    error_free(err);
    while (g_main_context_iteration(NULL, FALSE)) {
        /* a failed request after the end schedules nothing more */
    }
    g_assert_cmpuint(d.calls, ==, 1);
    vhost_user_conn_free(conn);
}

static void test_wire_request_names(void)
{
    g_assert_cmpstr(vhost_user_request_name(5), ==, "SET_MEM_TABLE");
    g_assert_cmpstr(vhost_user_request_name(37), ==, "ADD_MEM_REG");
    g_assert_cmpstr(vhost_user_request_name(0), ==, "UNKNOWN");
    g_assert_cmpstr(vhost_user_request_name(1000), ==, "UNKNOWN");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vhost-user/blk/features-have-protocol-and-version-1",
                    test_blk_features);
    g_test_add_func("/vhost-user/blk/protocol-features-slots-queues",
                    test_blk_protocol_features);
    g_test_add_func("/vhost-user/blk/mem-table-then-config-capacity",
                    test_blk_mem_table_and_config);
    g_test_add_func("/vhost-user/blk/add-and-remove-mem-region",
                    test_blk_add_rem_mem_reg);
    g_test_add_func("/vhost-user/blk/write-request-round-trip",
                    test_blk_write_round_trip);
    g_test_add_func("/vhost-user/blk/killed-backend-fails-next-request",
                    test_blk_killed_backend);
    g_test_add_func("/vhost-user/blk/killed-while-idle-handler-frees-conn",
                    test_blk_killed_while_idle);
    g_test_add_func("/vhost-user/blk/trace-lines", test_blk_trace_lines);
    g_test_add_func("/vhost-user/virtiofsd/accepts-mem-table",
                    test_virtiofsd_mem_table);
    g_test_add_func("/vhost-user/wire/reply-of-other-request-kills",
                    test_wire_reply_of_other_request);
    g_test_add_func("/vhost-user/wire/reply-without-reply-flag-kills",
                    test_wire_reply_without_reply_flag);
    g_test_add_func("/vhost-user/wire/reply-of-wrong-size-kills",
                    test_wire_reply_of_wrong_size);
    g_test_add_func("/vhost-user/wire/silent-peer-times-out",
                    test_wire_silent_peer_times_out);
    g_test_add_func("/vhost-user/wire/eof-before-reply-kills",
                    test_wire_eof_before_reply);
    g_test_add_func("/vhost-user/wire/fds-in-reply-are-closed",
                    test_wire_reply_fds_are_closed);
    g_test_add_func("/vhost-user/wire/nack-fails-request-keeps-connection",
                    test_wire_nack_keeps_connection);
    g_test_add_func("/vhost-user/wire/vring-fd-index-and-nofd-bit",
                    test_wire_vring_fd_payload);
    g_test_add_func("/vhost-user/wire/argument-errors-send-nothing",
                    test_wire_argument_errors);
    g_test_add_func("/vhost-user/wire/idle-eof-runs-handler-once",
                    test_wire_idle_eof);
    g_test_add_func("/vhost-user/wire/request-names", test_wire_request_names);
    return g_test_run();
}
