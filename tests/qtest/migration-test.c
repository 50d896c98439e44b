/*
 * Live migration between two hotmem processes through the real
 * transports (unix, tcp, exec, file): RAM patterns arrive, run states and
 * events are QEMU's, a bad stream or a different machine is refused by the
 * destination (exit 1, one message) while the source reports failed and
 * resumes, a stalled transport leaves QMP answering, writes during
 * pre-copy are resent, migrate_cancel restores the source.  Device state
 * is tested in migration-devices-test.c; the stream format in
 * tests/unit/test-migration-stream.c.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "libqos/migration.h"
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#define TEST_RAM "-m 256M"
#define TEST_PAGE 4096

/* A temp dir for sockets and files; removed with its files at the end. */
static char *test_dir;

static char *test_path(const char *name)
{
    return g_build_filename(test_dir, name, NULL);
}

/* ---- RAM patterns ---- */

/* 3 scattered qwords and 1 MiB of 0x5a: 259 pages written. */
#define TEST_PATTERN_PAGES 259

static void test_write_patterns(QTestState *s)
{
    qtest_writeq(s, 0x100000, 0x1122334455667788ULL);
    qtest_writeq(s, 64 * MiB + 8, 0xdeadbeefcafef00dULL);
    qtest_writeq(s, 256 * MiB - 8, 0x0123456789abcdefULL);
    qtest_memset(s, 32 * MiB, 0x5a, MiB);
}

static void test_check_patterns(QTestState *s)
{
    g_assert_cmphex(qtest_readq(s, 0x100000), ==, 0x1122334455667788ULL);
    g_assert_cmphex(qtest_readq(s, 64 * MiB + 8), ==,
                    0xdeadbeefcafef00dULL);
    g_assert_cmphex(qtest_readq(s, 256 * MiB - 8), ==, 0x0123456789abcdefULL);
    g_assert_cmphex(qtest_readq(s, 32 * MiB), ==, 0x5a5a5a5a5a5a5a5aULL);
    g_assert_cmphex(qtest_readq(s, 33 * MiB - 8), ==, 0x5a5a5a5a5a5a5a5aULL);
    g_assert_cmphex(qtest_readq(s, 33 * MiB), ==, 0);
    g_assert_cmphex(qtest_readq(s, 128 * MiB), ==, 0);
}

/* Migrate src to a fresh destination listening on uri; both complete. */
static QTestState *test_migrate_to(QTestState *src, const char *dst_args,
                                   const char *uri)
{
    QTestState *dst = qmig_vm_incoming(dst_args, uri);

    qmig_assert_runstate(dst, "inmigrate");
    qmig_migrate(src, uri);
    qmig_assert_status(src, "completed");
    qmig_assert_status(dst, "completed");
    return dst;
}

static void test_unix_patterns_arrive(void)
{
    g_autofree char *sock = test_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *src = qmig_vm(TEST_RAM);
    QTestState *dst;
    json_t *info;

    test_write_patterns(src);
    dst = test_migrate_to(src, TEST_RAM, uri);
    test_check_patterns(dst);
    /* the source ran: it stops, the destination runs */
    qmig_assert_runstate(src, "postmigrate");
    qmig_assert_runstate(dst, "running");
    info = qmig_query(src);
    g_assert_cmpstr(json_string_value(json_object_get(info, "status")), ==,
                    "completed");
    g_assert_cmpint(qmig_ram_stat(info, "normal"), ==, TEST_PATTERN_PAGES);
    g_assert_cmpint(qmig_ram_stat(info, "total"), ==, 256 * MiB);
    g_assert_cmpint(qmig_ram_stat(info, "dirty-sync-count"), ==, 2);
    g_assert_cmpint(qmig_ram_stat(info, "remaining"), ==, 0);
    /* pages and little else: never-populated memory is not sent */
    g_assert_cmpint(qmig_ram_stat(info, "transferred"), <=,
                    TEST_PATTERN_PAGES * TEST_PAGE + 64 * KiB);
    g_assert_true(json_is_integer(json_object_get(info, "downtime")));
    g_assert_true(json_is_integer(json_object_get(info, "total-time")));
    g_assert_true(json_is_integer(json_object_get(info, "setup-time")));
    json_decref(info);
    info = qmig_query(dst);
    g_assert_cmpstr(json_string_value(json_object_get(info, "status")), ==,
                    "completed");
    json_decref(info);
    qtest_quit(dst);
    qtest_quit(src);
}

static void test_events_and_passes(void)
{
    g_autofree char *sock = test_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *src = qmig_vm(TEST_RAM);
    QTestState *dst = qmig_vm_incoming(TEST_RAM, uri);
    json_t *ev;

    qmig_migrate(src, uri);
    qmig_assert_status(src, "setup");
    ev = qtest_qmp_eventwait_ref(src, "MIGRATION_PASS");
    g_assert_cmpint(json_integer_value(json_object_get(
        json_object_get(ev, "data"), "pass")), ==, 1);
    json_decref(ev);
    qmig_assert_status(src, "active");
    qtest_qmp_eventwait(src, "STOP");
    ev = qtest_qmp_eventwait_ref(src, "MIGRATION_PASS");
    g_assert_cmpint(json_integer_value(json_object_get(
        json_object_get(ev, "data"), "pass")), ==, 2);
    json_decref(ev);
    qmig_assert_status(src, "completed");
    qmig_assert_status(dst, "active");
    qmig_assert_status(dst, "completed");
    qtest_qmp_eventwait(dst, "RESUME");
    qtest_quit(dst);
    qtest_quit(src);
}

/* As QEMU: a paused source ends postmigrate, the destination as it was. */
static void test_paused_source_stays_paused(void)
{
    g_autofree char *sock = test_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *src = qmig_vm(TEST_RAM " -S");
    QTestState *dst;

    test_write_patterns(src);
    dst = test_migrate_to(src, TEST_RAM, uri);
    qmig_assert_runstate(src, "postmigrate");
    qmig_assert_runstate(dst, "prelaunch");
    test_check_patterns(dst);
    qtest_quit(dst);
    qtest_quit(src);
}

/* A running source into a destination started with -S: paused there. */
static void test_running_source_dest_with_S(void)
{
    g_autofree char *sock = test_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *src = qmig_vm(TEST_RAM);
    QTestState *dst = test_migrate_to(src, TEST_RAM " -S", uri);

    qmig_assert_runstate(dst, "paused");
    qtest_quit(dst);
    qtest_quit(src);
}

static void test_tcp_port_0(void)
{
    QTestState *src = qmig_vm(TEST_RAM);
    QTestState *dst = qmig_vm(TEST_RAM " -incoming tcp:127.0.0.1:0");
    json_t *info = qmig_query(dst);
    json_t *addr = json_array_get(json_object_get(info, "socket-address"),
                                  0);
    g_autofree char *uri = NULL;

    g_assert_cmpstr(json_string_value(json_object_get(addr, "type")), ==,
                    "inet");
    g_assert_cmpstr(json_string_value(json_object_get(addr, "host")), ==,
                    "127.0.0.1");
    uri = g_strdup_printf("tcp:127.0.0.1:%s", json_string_value(
        json_object_get(addr, "port")));
    g_assert_cmpstr(uri, !=, "tcp:127.0.0.1:0");
    json_decref(info);
    test_write_patterns(src);
    qmig_migrate(src, uri);
    qmig_assert_status(src, "completed");
    qmig_assert_status(dst, "completed");
    test_check_patterns(dst);
    qtest_quit(dst);
    qtest_quit(src);
}

/* A destination that reads the stream from uri once events are on. */
static QTestState *test_dest_deferred(const char *uri)
{
    QTestState *dst = qmig_vm(TEST_RAM " -incoming defer");

    json_decref(qtest_qmp_assert_success_ref(
        dst, "{'execute': 'migrate-incoming', 'arguments': {'uri': %s}}",
        uri));
    return dst;
}

static void test_exec_through_cat(void)
{
    g_autofree char *file = test_path("exec.stream");
    g_autofree char *out = g_strdup_printf("exec:cat > %s", file);
    g_autofree char *in = g_strdup_printf("'exec:cat %s'", file);
    QTestState *src = qmig_vm(TEST_RAM);
    QTestState *dst;

    test_write_patterns(src);
    qmig_migrate(src, out);
    qmig_assert_status(src, "completed");
    dst = test_dest_deferred(in);
    qmig_assert_status(dst, "completed");
    test_check_patterns(dst);
    qtest_quit(dst);
    qtest_quit(src);
}

/* Save into a file at offset 4096 (file: as QEMU 8.2 has it). */
static char *test_save_to_file(QTestState *src, const char *name)
{
    g_autofree char *file = test_path(name);
    g_autofree char *uri = g_strdup_printf("file:%s,offset=4096", file);

    qmig_migrate(src, uri);
    qmig_assert_status(src, "completed");
    return g_steal_pointer(&file);
}

static void test_file_with_offset(void)
{
    QTestState *src = qmig_vm(TEST_RAM " -S");
    g_autofree char *file = NULL;
    g_autofree char *args = NULL;
    g_autofree char *data = NULL;
    gsize len;
    QTestState *dst;

    test_write_patterns(src);
    file = test_save_to_file(src, "saved");
    g_assert_true(g_file_get_contents(file, &data, &len, NULL));
    g_assert_cmpuint(len, >, 4096 + TEST_PATTERN_PAGES * TEST_PAGE);
    g_assert_cmpmem(data + 4096, 8, "HOTMEMIG", 8);
    args = g_strdup_printf("'file:%s,offset=4096'", file);
    dst = test_dest_deferred(args);
    qmig_assert_status(dst, "completed");
    test_check_patterns(dst);
    qmig_assert_runstate(dst, "prelaunch");
    qtest_quit(dst);
    qtest_quit(src);
}

/* Start a destination that must refuse; its exit status and stderr. */
static char *test_dest_refuses(const char *args, int *status)
{
    g_autofree char *err_path = test_path("dest.err");
    g_autofree char *full = g_strdup_printf("%s 2>%s", args, err_path);
    /* it may be gone before a handshake could be answered */
    QTestState *dst = qtest_init_without_qmp_handshake(full);
    char *text = NULL;

    *status = qtest_wait_exit(dst);
    g_assert_true(g_file_get_contents(err_path, &text, NULL, NULL));
    return text;
}

static void test_file_corrupted_refused(void)
{
    QTestState *src = qmig_vm(TEST_RAM " -S");
    g_autofree char *file = NULL;
    g_autofree char *data = NULL;
    g_autofree char *args = NULL;
    g_autofree char *err = NULL;
    gsize len;
    int status;

    test_write_patterns(src);
    file = test_save_to_file(src, "corrupt");
    g_assert_true(g_file_get_contents(file, &data, &len, NULL));
    data[len / 2] ^= 0x01;      /* a bit in the middle of the RAM */
    g_assert_true(g_file_set_contents(file, data, len, NULL));
    args = g_strdup_printf(TEST_RAM " -incoming file:%s,offset=4096", file);
    err = test_dest_refuses(args, &status);
    g_assert_cmpint(status, ==, 1);
    g_assert_nonnull(strstr(err, "load of migration failed: frame "));
    g_assert_nonnull(strstr(err, "(ram-data): CRC32C 0x"));
    g_assert_nonnull(strstr(err, "(the stream is corrupted)\n"));
    qtest_quit(src);
}

static void test_file_truncated_refused(void)
{
    QTestState *src = qmig_vm(TEST_RAM " -S");
    g_autofree char *file = NULL;
    g_autofree char *args = NULL;
    g_autofree char *err = NULL;
    struct stat st;
    int status;

    test_write_patterns(src);
    file = test_save_to_file(src, "cut");
    g_assert_cmpint(stat(file, &st), ==, 0);
    g_assert_cmpint(truncate(file, st.st_size - 1), ==, 0);
    args = g_strdup_printf(TEST_RAM " -incoming file:%s,offset=4096", file);
    err = test_dest_refuses(args, &status);
    g_assert_cmpint(status, ==, 1);
    g_assert_nonnull(strstr(err, "load of migration failed: the stream "
                            "ends inside frame "));
    /* cut at a frame boundary: the END frame is missing */
    g_assert_cmpint(truncate(file, 4096 + 12), ==, 0);
    g_free(err);
    err = test_dest_refuses(args, &status);
    g_assert_cmpint(status, ==, 1);
    g_assert_nonnull(strstr(err, "load of migration failed: the stream ends "
                            "after its prefix, before the header frame\n"));
    qtest_quit(src);
}

/* Bitwise CRC32C: the test re-seals frames it alters on purpose. */
static uint32_t test_crc32c(const uint8_t *p, size_t len)
{
    uint32_t crc = ~0u;

    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (crc & 1 ? 0x82f63b78u : 0);
        }
    }
    return ~crc;
}

static uint32_t test_le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * Offset in the file of the first frame of this type (after the 4096
 * bytes of offset and the 12 of the prefix), or 0.
 */
static size_t test_find_frame(const uint8_t *data, size_t len, int type)
{
    size_t pos = 4096 + 12;

    while (pos + 13 <= len) {
        if (data[pos] == type) {
            return pos;
        }
        pos += 9 + test_le32(data + pos + 5) + 4;
    }
    return 0;
}

/* Change a RAM frame's head and re-seal its CRC: its checks must hold. */
static void test_resealed_ram_frame(int type, size_t field, uint64_t value,
                                    unsigned int size, const char *want)
{
    QTestState *src = qmig_vm(TEST_RAM " -S");
    g_autofree char *file = NULL;
    g_autofree char *data = NULL;
    g_autofree char *args = NULL;
    g_autofree char *err = NULL;
    uint8_t *fr;
    gsize len;
    size_t pos;
    uint32_t crc;
    int status;

    test_write_patterns(src);
    file = test_save_to_file(src, "resealed");
    g_assert_true(g_file_get_contents(file, &data, &len, NULL));
    pos = test_find_frame((uint8_t *)data, len, type);
    g_assert_cmpuint(pos, >, 0);
    fr = (uint8_t *)data + pos;
    for (unsigned int i = 0; i < size; i++) {
        fr[9 + field + i] = value >> (8 * i);
    }
    crc = test_crc32c(fr, 9 + test_le32(fr + 5));
    memcpy(fr + 9 + test_le32(fr + 5), &crc, 4);     /* little-endian */
    g_assert_true(g_file_set_contents(file, data, len, NULL));
    args = g_strdup_printf(TEST_RAM " -incoming file:%s,offset=4096", file);
    err = test_dest_refuses(args, &status);
    g_assert_cmpint(status, ==, 1);
    if (!strstr(err, want)) {
        g_error("'%s' not in: %s", want, err);
    }
    qtest_quit(src);
}

static void test_ram_frame_bad_block_index(void)
{
    /* frame type 3: RAM_DATA; its u16 block index first */
    test_resealed_ram_frame(3, 0, 7, 2, "(ram-data): ramblock index 7, the "
                            "header lists 1\n");
}

static void test_ram_frame_beyond_block(void)
{
    /* the u64 offset after the index: past the block's 256 MiB */
    test_resealed_ram_frame(3, 2, 256 * MiB, 8, "(ram-data): ramblock "
                            "'pc.ram': range 0x10000000 + 0x");
}

static void test_ram_zero_frame_overflow(void)
{
    /* frame type 4: RAM_ZERO; a length that wraps around */
    test_resealed_ram_frame(4, 10, UINT64_MAX - 4095, 8, "(ram-zero): "
                            "ramblock 'pc.ram': range 0x");
}

/* The source of a refused stream reports why, and runs on as it was. */
static void test_refused_by_dest(const char *src_args, const char *dst_args,
                                 const char *message)
{
    g_autofree char *sock = test_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *args = g_strdup_printf("%s -incoming %s", dst_args,
                                            uri);
    g_autofree char *err = NULL;
    g_autofree char *want = g_strdup_printf("load of migration failed: %s\n",
                                            message);
    g_autofree char *desc = g_strdup_printf("the destination refused the "
                                            "stream: %s", message);
    QTestState *src = qmig_vm(src_args);
    g_autofree char *err_path = test_path("dest.err");
    g_autofree char *full = g_strdup_printf("%s 2>%s", args, err_path);
    QTestState *dst = qtest_init(full);
    json_t *info;

    test_write_patterns(src);
    qmig_migrate(src, uri);
    qmig_assert_status(src, "failed");
    g_assert_cmpint(qtest_wait_exit(dst), ==, 1);
    g_assert_true(g_file_get_contents(err_path, &err, NULL, NULL));
    g_assert_true(g_str_has_suffix(err, want));
    info = qmig_query(src);
    g_assert_cmpstr(json_string_value(json_object_get(info, "error-desc")),
                    ==, desc);
    json_decref(info);
    qmig_assert_runstate(src, "running");
    test_check_patterns(src);
    qtest_quit(src);
}

static void test_ramblock_size_mismatch(void)
{
    test_refused_by_dest(TEST_RAM, "-m 512M", "ramblock 'pc.ram': size "
                         "256 MiB on the source, 512 MiB here");
}

static void test_ramblock_unknown(void)
{
    test_refused_by_dest(TEST_RAM " -object memory-backend-ram,id=extra,"
                         "size=16M", TEST_RAM, "ramblock 'extra' of the "
                         "source does not exist here");
}

static void test_ramblock_missing_on_source(void)
{
    test_refused_by_dest(TEST_RAM, TEST_RAM " -object memory-backend-ram,"
                         "id=extra,size=16M", "ramblock 'extra' exists here "
                         "but not on the source");
}

/* ---- a transport the test controls ---- */

static int test_listen(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    unlink(path);           /* a previous test's */
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(listen(fd, 1), ==, 0);
    return fd;
}

static int test_connect(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    return fd;
}

static int test_accept(int listen_fd)
{
    struct pollfd p = { .fd = listen_fd, .events = POLLIN };
    int fd;

    g_assert_cmpint(poll(&p, 1, QTEST_TIMEOUT_S * 1000), ==, 1);
    fd = accept(listen_fd, NULL, NULL);
    g_assert_cmpint(fd, >=, 0);
    return fd;
}

/* Read exactly len bytes (with the timeout). */
static void test_read_exactly(int fd, uint8_t *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        ssize_t n;

        g_assert_cmpint(poll(&p, 1, QTEST_TIMEOUT_S * 1000), ==, 1);
        n = read(fd, buf + done, len - done);
        g_assert_cmpint(n, >, 0);
        done += n;
    }
}

static void test_write_all(int fd, const uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);

        g_assert_cmpint(n, >, 0);
        buf += n;
        len -= n;
    }
}

/* Copies both ways between a and b until both have closed. */
typedef struct TestRelay {
    int a;
    int b;
} TestRelay;

static void *test_relay_thread(void *opaque)
{
    TestRelay *r = opaque;
    struct pollfd p[2] = { { .fd = r->a, .events = POLLIN },
                           { .fd = r->b, .events = POLLIN } };
    static uint8_t buf[2][65536];
    int open_fds = 2;

    while (open_fds) {
        g_assert_cmpint(poll(p, 2, QTEST_TIMEOUT_S * 1000), >, 0);
        for (int i = 0; i < 2; i++) {
            ssize_t n;

            if (!p[i].revents) {
                continue;
            }
            n = read(p[i].fd, buf[i], sizeof(buf[i]));
            if (n <= 0) {
                shutdown(p[1 - i].fd, SHUT_WR);
                p[i].fd = -1;
                open_fds--;
                continue;
            }
            test_write_all(i ? r->a : r->b, buf[i], n);
        }
    }
    return NULL;
}

/* 16 MiB of filler: more than any socket buffer, so the source stalls. */
static void test_write_filler(QTestState *s)
{
    qtest_memset(s, 96 * MiB, 0x3c, 16 * MiB);
}

static void test_stalled_qmp_answers_then_cancel(void)
{
    g_autofree char *path = test_path("stall.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", path);
    int lfd = test_listen(path);
    QTestState *src = qmig_vm(TEST_RAM);
    uint8_t head[4096];
    json_t *info;
    int fd;

    test_write_patterns(src);
    test_write_filler(src);
    qmig_migrate(src, uri);
    fd = test_accept(lfd);
    test_read_exactly(fd, head, sizeof(head));     /* then never read */
    g_assert_cmpmem(head, 8, "HOTMEMIG", 8);
    qmig_assert_status(src, "active");
    /* the transport is full: QMP and qtest still answer */
    info = qmig_query(src);
    g_assert_cmpstr(json_string_value(json_object_get(info, "status")), ==,
                    "active");
    g_assert_cmpint(qmig_ram_stat(info, "transferred"), <, 16 * MiB);
    g_assert_true(json_is_integer(json_object_get(info,
                                                  "expected-downtime")));
    json_decref(info);
    qmig_assert_runstate(src, "running");
    g_assert_cmphex(qtest_readq(src, 0x100000), ==, 0x1122334455667788ULL);
    json_decref(qtest_qmp_assert_success_ref(src,
                                             "{'execute': 'migrate_cancel'}"));
    qmig_assert_status(src, "cancelling");
    qmig_assert_status(src, "cancelled");
    qmig_assert_runstate(src, "running");
    test_check_patterns(src);
    close(fd);
    close(lfd);
    /* nothing stays behind: the next migration works */
    g_free(test_save_to_file(src, "after-cancel"));
    qtest_quit(src);
}

/*
 * A page written while the first pass is stalled reaches the destination.
 * With downtime_ms 0 the 4 KiB left after the first pass do not fit in
 * the downtime: one more pre-copy pass sends them, then the last one.
 */
static void test_dirty_page_common(int64_t downtime_ms, int nb_passes,
                                   bool stop_meanwhile)
{
    g_autofree char *relay_path = test_path("relay.sock");
    g_autofree char *dst_path = test_path("dst.sock");
    g_autofree char *src_uri = g_strdup_printf("unix:%s", relay_path);
    g_autofree char *dst_args = g_strdup_printf(TEST_RAM " -incoming unix:%s",
                                                dst_path);
    g_autofree uint8_t *head = g_malloc(4 * MiB);
    int lfd = test_listen(relay_path);
    QTestState *src = qmig_vm(TEST_RAM);
    QTestState *dst = qmig_vm(dst_args);
    TestRelay relay;
    pthread_t thread;
    json_t *info;

    json_decref(qtest_qmp_assert_success_ref(
        src, "{'execute': 'migrate-set-parameters', 'arguments': "
        "{'downtime-limit': %" PRId64 "}}", downtime_ms));
    test_write_patterns(src);
    test_write_filler(src);
    qmig_migrate(src, src_uri);
    relay.a = test_accept(lfd);
    /* 4 MiB arrived: the page at 1 MiB went out in the first pass */
    test_read_exactly(relay.a, head, 4 * MiB);
    qtest_writeq(src, 0x100000, 0xfeedfacefeedfaceULL);
    if (stop_meanwhile) {
        json_decref(qtest_qmp_assert_success_ref(src, "{'execute': 'stop'}"));
    }
    info = qmig_query(src);
    g_assert_cmpstr(json_string_value(json_object_get(info, "status")), ==,
                    "active");
    json_decref(info);
    relay.b = test_connect(dst_path);
    test_write_all(relay.b, head, 4 * MiB);
    g_assert_cmpint(pthread_create(&thread, NULL, test_relay_thread, &relay),
                    ==, 0);
    qmig_assert_status(src, "completed");
    qmig_assert_status(dst, "completed");
    pthread_join(thread, NULL);
    g_assert_cmphex(qtest_readq(dst, 0x100000), ==, 0xfeedfacefeedfaceULL);
    g_assert_cmphex(qtest_readq(dst, 96 * MiB), ==, 0x3c3c3c3c3c3c3c3cULL);
    /* the source's state at switchover decides the destination's */
    qmig_assert_runstate(dst, stop_meanwhile ? "paused" : "running");
    qmig_assert_runstate(src, "postmigrate");
    info = qmig_query(src);
    /* every written page once, and the rewritten one a second time */
    g_assert_cmpint(qmig_ram_stat(info, "normal"), ==,
                    TEST_PATTERN_PAGES + 16 * MiB / TEST_PAGE + 1);
    g_assert_cmpint(qmig_ram_stat(info, "dirty-sync-count"), ==, nb_passes);
    json_decref(info);
    close(relay.a);
    close(relay.b);
    close(lfd);
    qtest_quit(dst);
    qtest_quit(src);
}

static void test_dirty_page_resent(void)
{
    test_dirty_page_common(300, 2, false);
}

static void test_stopped_during_precopy(void)
{
    test_dirty_page_common(300, 2, true);
}

static void test_dirty_page_downtime_0_one_more_pass(void)
{
    test_dirty_page_common(0, 3, false);
}

static void test_dest_killed_source_resumes(void)
{
    g_autofree char *sock = test_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *src = qmig_vm(TEST_RAM);
    QTestState *dst = qmig_vm_incoming(TEST_RAM, uri);
    json_t *info;

    test_write_patterns(src);
    test_write_filler(src);
    /* 1 MiB/s: the 16 MiB take long enough to kill the destination */
    json_decref(qtest_qmp_assert_success_ref(
        src, "{'execute': 'migrate-set-parameters', 'arguments': "
        "{'max-bandwidth': 1048576}}"));
    qmig_migrate(src, uri);
    qmig_assert_status(dst, "active");
    kill(qtest_pid(dst), SIGKILL);
    g_assert_cmpint(qtest_wait_exit(dst), ==, 128 + SIGKILL);
    qmig_assert_status(src, "failed");
    info = qmig_query(src);
    g_assert_true(g_str_has_prefix(json_string_value(json_object_get(
        info, "error-desc")), "failed writing the migration stream: "));
    json_decref(info);
    qmig_assert_runstate(src, "running");
    test_check_patterns(src);
    g_assert_cmphex(qtest_readq(src, 112 * MiB - 8), ==,
                    0x3c3c3c3c3c3c3c3cULL);
    qtest_quit(src);
}

/* ---- monitor errors ---- */

static void test_assert_error(json_t *r, const char *desc)
{
    g_assert_cmpstr(json_string_value(json_object_get(
        json_object_get(r, "error"), "desc")), ==, desc);
    json_decref(r);
}

/* A peer that reads the whole stream and hangs up without its OK. */
static void test_dest_closes_without_ok(void)
{
    g_autofree char *path = test_path("silent.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", path);
    int lfd = test_listen(path);
    QTestState *src = qmig_vm(TEST_RAM);
    uint8_t head[9];
    json_t *info;
    int fd;

    test_write_patterns(src);
    qmig_migrate(src, uri);
    fd = test_accept(lfd);
    test_read_exactly(fd, head, 8);             /* magic */
    test_read_exactly(fd, head, 4);             /* version */
    do {
        uint32_t len;
        g_autofree uint8_t *body = NULL;

        test_read_exactly(fd, head, 9);
        len = head[5] | head[6] << 8 | head[7] << 16 | (uint32_t)head[8] << 24;
        body = g_malloc(len + 4);
        test_read_exactly(fd, body, len + 4);
    } while (head[0] != 7);                     /* the END frame */
    close(fd);
    qmig_assert_status(src, "failed");
    info = qmig_query(src);
    g_assert_cmpstr(json_string_value(json_object_get(info, "error-desc")),
                    ==, "the destination closed the connection without "
                    "confirming the stream");
    json_decref(info);
    qmig_assert_runstate(src, "running");
    close(lfd);
    qtest_quit(src);
}

/* pause-before-switchover: stopped in pre-switchover until continued. */
static void test_pause_before_switchover(void)
{
    g_autofree char *sock = test_path("mig.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    QTestState *src = qmig_vm(TEST_RAM);
    QTestState *dst = qmig_vm_incoming(TEST_RAM, uri);

    json_decref(qtest_qmp_assert_success_ref(
        src, "{'execute': 'migrate-set-capabilities', 'arguments': "
        "{'capabilities': [{'capability': 'pause-before-switchover', "
        "'state': true}]}}"));
    test_write_patterns(src);
    test_assert_error(qtest_qmp(src, "{'execute': 'migrate-continue', "
                                "'arguments': {'state': 'pre-switchover'}}"),
                      "Migration not in expected state: none");
    qmig_migrate(src, uri);
    qmig_assert_status(src, "pre-switchover");
    qmig_assert_runstate(src, "finish-migrate");
    qtest_writeq(src, 0x100000, 0x0badc0de0badc0deULL);
    test_assert_error(qtest_qmp(src, "{'execute': 'migrate-continue', "
                                "'arguments': {'state': 'active'}}"),
                      "Migration not in expected state: pre-switchover");
    json_decref(qtest_qmp_assert_success_ref(
        src, "{'execute': 'migrate-continue', 'arguments': "
        "{'state': 'pre-switchover'}}"));
    qmig_assert_status(src, "device");
    qmig_assert_status(src, "completed");
    qmig_assert_status(dst, "completed");
    /* written while paused: the last pass carried it */
    g_assert_cmphex(qtest_readq(dst, 0x100000), ==, 0x0badc0de0badc0deULL);
    qtest_quit(dst);
    qtest_quit(src);
}

static void test_command_errors(void)
{
    QTestState *src = qmig_vm(TEST_RAM);
    QTestState *dst = qmig_vm(TEST_RAM " -incoming defer");
    g_autofree char *sock = test_path("late.sock");
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    json_t *info;

    test_assert_error(qtest_qmp(src, "{'execute': 'migrate', 'arguments': "
                                "{'uri': 'foo:bar'}}"),
                      "Parameter 'uri' expects a valid migration protocol");
    test_assert_error(qtest_qmp(src, "{'execute': 'migrate', 'arguments': "
                                "{'uri': 'tcp:127.0.0.1'}}"),
                      "error parsing address '127.0.0.1'");
    test_assert_error(qtest_qmp(src, "{'execute': 'migrate', "
                                "'arguments': {}}"),
                      "Parameter 'uri' is missing");
    test_assert_error(qtest_qmp(src, "{'execute': 'migrate', 'arguments': "
                                "{'uri': 'unix:/x', 'blk': true}}"),
                      "migrate: 'blk' is not supported by hotmem");
    test_assert_error(qtest_qmp(src, "{'execute': 'migrate', 'arguments': "
                                "{'uri': 'unix:/x', 'resume': true}}"),
                      "migrate: 'resume' is not supported by hotmem");
    test_assert_error(qtest_qmp(src, "{'execute': 'migrate-incoming', "
                                "'arguments': {'uri': 'unix:/x'}}"),
                      "'-incoming' was not specified on the command line");
    test_assert_error(qtest_qmp(dst, "{'execute': 'migrate', 'arguments': "
                                "{'uri': 'unix:/x'}}"),
                      "Guest is waiting for an incoming migration");
    /* a failed connect: 'failed' after the command, as QEMU */
    qmig_migrate(src, "unix:/nonexistent/x");
    qmig_assert_status(src, "failed");
    info = qmig_query(src);
    g_assert_cmpstr(json_string_value(json_object_get(info, "error-desc")),
                    ==, "Failed to connect to '/nonexistent/x': No such file "
                    "or directory");
    json_decref(info);
    qmig_assert_runstate(src, "running");
    /* -incoming defer, then migrate-incoming once */
    json_decref(qtest_qmp_assert_success_ref(
        dst, "{'execute': 'migrate-incoming', 'arguments': "
        "{'uri': '%s'}}", uri));
    test_assert_error(qtest_qmp(dst, "{'execute': 'migrate-incoming', "
                                "'arguments': {'uri': '%s'}}", uri),
                      "The incoming migration has already been started");
    test_write_patterns(src);
    qmig_migrate(src, uri);
    qmig_assert_status(src, "completed");
    qmig_assert_status(dst, "completed");
    test_check_patterns(dst);
    qtest_quit(dst);
    qtest_quit(src);
}

static void test_cli_incoming_errors(void)
{
    int status;
    g_autofree char *err = qtest_probe_cli("-machine q35,accel=qtest "
                                           "-display none -incoming foo:bar",
                                           &status);

    g_assert_cmpint(status, ==, 1);
    g_assert_true(g_str_has_suffix(err, "-incoming foo:bar: unknown "
                                   "migration protocol: foo:bar\n"));
    g_free(err);
    err = qtest_probe_cli("-machine q35,accel=qtest -display none "
                          "-incoming unix:/nonexistent/x", &status);
    g_assert_cmpint(status, ==, 1);
    g_assert_true(g_str_has_suffix(err, "-incoming unix:/nonexistent/x: "
                                   "Failed to bind socket to /nonexistent/x: "
                                   "No such file or directory\n"));
}

/* As QEMU: no MIGRATION / MIGRATION_PASS events without the capability. */
static void test_no_events_without_capability(void)
{
    QTestState *src = qtest_init(TEST_RAM " -S");
    g_autofree char *file = test_path("quiet");
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    gint64 deadline = g_get_monotonic_time() + QTEST_TIMEOUT_S * G_USEC_PER_SEC;
    g_autofree char *st = NULL;

    qmig_migrate(src, uri);
    do {
        json_t *info = qmig_query(src);

        g_free(st);
        st = g_strdup(json_string_value(json_object_get(info, "status")));
        json_decref(info);
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
    } while (strcmp(st, "completed"));
    g_assert_null(qtest_qmp_event_ref(src, "MIGRATION"));
    g_assert_null(qtest_qmp_event_ref(src, "MIGRATION_PASS"));
    qtest_quit(src);
}

static void test_hmp_info_migrate(void)
{
    QTestState *src = qmig_vm(TEST_RAM " -S");
    g_autofree char *out = NULL;
    g_autofree char *file = NULL;

    out = qtest_hmp(src, "info migrate");
    g_assert_cmpstr(out, ==, "");
    test_write_patterns(src);
    file = test_save_to_file(src, "hmp");
    g_free(out);
    out = qtest_hmp(src, "info migrate");
    g_assert_true(g_str_has_prefix(out, "Migration status: completed\r\n"
                                   "total time: "));
    g_assert_nonnull(strstr(out, "\r\nnormal: 259 pages\r\n"));
    g_assert_nonnull(strstr(out, "\r\ntotal ram: 262144 kbytes\r\n"));
    qtest_quit(src);
}

static void test_cleanup_dir(void)
{
    g_autoptr(GDir) dir = g_dir_open(test_dir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *p = test_path(name);

        unlink(p);
    }
    rmdir(test_dir);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    if (qtest_is_reference()) {
        g_test_message("hotmem's stream, transports and RAM: hotmem only");
        return 0;
    }
    test_dir = g_dir_make_tmp("migration-test-XXXXXX", NULL);
    g_assert_nonnull(test_dir);
    g_test_add_func("/migration/unix/boot-ram-patterns-arrive",
                    test_unix_patterns_arrive);
    g_test_add_func("/migration/unix/events-and-passes",
                    test_events_and_passes);
    g_test_add_func("/migration/runstate/paused-source-stays-paused",
                    test_paused_source_stays_paused);
    g_test_add_func("/migration/runstate/dest-with-S-is-paused",
                    test_running_source_dest_with_S);
    g_test_add_func("/migration/tcp/port-0-reported-and-works",
                    test_tcp_port_0);
    g_test_add_func("/migration/exec/through-cat", test_exec_through_cat);
    g_test_add_func("/migration/file/with-offset", test_file_with_offset);
    g_test_add_func("/migration/file/corrupted-byte-refused",
                    test_file_corrupted_refused);
    g_test_add_func("/migration/file/truncated-refused",
                    test_file_truncated_refused);
    g_test_add_func("/migration/file/resealed-bad-block-index-refused",
                    test_ram_frame_bad_block_index);
    g_test_add_func("/migration/file/resealed-range-beyond-block-refused",
                    test_ram_frame_beyond_block);
    g_test_add_func("/migration/file/resealed-zero-length-wraps-refused",
                    test_ram_zero_frame_overflow);
    g_test_add_func("/migration/ramblock/size-mismatch-refused",
                    test_ramblock_size_mismatch);
    g_test_add_func("/migration/ramblock/unknown-refused",
                    test_ramblock_unknown);
    g_test_add_func("/migration/ramblock/missing-on-source-refused",
                    test_ramblock_missing_on_source);
    g_test_add_func("/migration/stall/qmp-answers-then-cancel-restores",
                    test_stalled_qmp_answers_then_cancel);
    g_test_add_func("/migration/precopy/dirty-page-resent",
                    test_dirty_page_resent);
    g_test_add_func("/migration/runstate/stopped-during-precopy-dest-paused",
                    test_stopped_during_precopy);
    g_test_add_func("/migration/precopy/downtime-0-takes-one-more-pass",
                    test_dirty_page_downtime_0_one_more_pass);
    g_test_add_func("/migration/fault/dest-killed-source-resumes",
                    test_dest_killed_source_resumes);
    g_test_add_func("/migration/fault/dest-closes-without-ok",
                    test_dest_closes_without_ok);
    g_test_add_func("/migration/switchover/pause-and-continue",
                    test_pause_before_switchover);
    g_test_add_func("/migration/monitor/command-errors",
                    test_command_errors);
    g_test_add_func("/migration/cli/incoming-errors",
                    test_cli_incoming_errors);
    g_test_add_func("/migration/events/none-without-capability",
                    test_no_events_without_capability);
    g_test_add_func("/migration/hmp/info-migrate", test_hmp_info_migrate);
    ret = g_test_run();
    test_cleanup_dir();
    return ret;
}
