/*
 * Migrating a 1 TiB virtio-mem device (memory-backend-ram reserve=off)
 * with 0, 4 and 16 GiB plugged by the project's guest driver: patterns in
 * boot RAM and plugged blocks arrive, blocks unplugged after writing read
 * 0 and answer STATE unplugged there, what was never written is neither
 * sent nor populated on the destination (stream size, RSS), the device
 * keeps working, and requests are answered BUSY while a migration runs.
 * The device's sections are hw/virtio's; checks of their fields live in
 * migration-devices-test.c.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "libqos/migration.h"
#include "libqos/virtio-mem.h"
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#define TEST_BS (2 * MiB)
#define TEST_ARGS "-m 4G,maxmem=1028G -object %s " \
    "-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=16G%s"
#define TEST_BACKEND_RAM "memory-backend-ram,id=mem0,size=1T,reserve=off"
/* Stream bytes allowed for written bytes: the bench's goal. */
#define TEST_STREAM_MAX(written) ((written) / 100 * 101 + 2 * MiB)

static char *test_dir;
/* The device's backend on both sides (a case may pick memfd). */
static const char *test_backend = TEST_BACKEND_RAM;

typedef struct TestVM {
    QTestState *qts;
    QVirtioMem *m;
    QVirtioMemConfig cfg;
} TestVM;

static void test_vm_driver(TestVM *vm)
{
    vm->m = qvirtio_mem_init(vm->qts);
    g_assert_nonnull(vm->m);
    qvirtio_mem_read_config(vm->m, &vm->cfg);
}

static void test_vm_start(TestVM *vm, const char *extra)
{
    g_autofree char *args = g_strdup_printf(TEST_ARGS, test_backend,
                                            extra ? extra : "");

    vm->qts = qmig_vm(args);
    test_vm_driver(vm);
    g_assert_cmpuint(vm->cfg.block_size, ==, TEST_BS);
    g_assert_cmpuint(vm->cfg.region_size, ==, TiB);
}

static void test_vm_stop(TestVM *vm)
{
    qvirtio_mem_free(vm->m);
    qtest_quit(vm->qts);
}

static uint64_t test_gpa(TestVM *vm, uint64_t block)
{
    return vm->cfg.addr + block * TEST_BS;
}

static uint16_t test_req(TestVM *vm, uint16_t type, uint64_t block,
                         uint16_t nb)
{
    return qvirtio_mem_request(vm->m, type, test_gpa(vm, block), nb, NULL);
}

static uint16_t test_state(TestVM *vm, uint64_t block, uint16_t nb)
{
    uint16_t state = 0xffff;

    g_assert_cmpuint(qvirtio_mem_request(vm->m, QVIRTIO_MEM_REQ_STATE,
                                         test_gpa(vm, block), nb, &state),
                     ==, QVIRTIO_MEM_RESP_ACK);
    return state;
}

static uint64_t test_rss(QTestState *s)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", qtest_pid(s));
    g_autofree char *text = NULL;
    const char *line;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    line = strstr(text, "VmRSS:");
    g_assert_nonnull(line);
    return g_ascii_strtoull(line + 6, NULL, 10) * KiB;
}

/* Plug nb_blocks from block 0 (in requests of at most 8 GiB). */
static void test_plug(TestVM *vm, uint64_t nb_blocks)
{
    for (uint64_t b = 0; b < nb_blocks; b += 4096) {
        g_assert_cmpuint(test_req(vm, QVIRTIO_MEM_REQ_PLUG, b,
                                  MIN(4096, nb_blocks - b)), ==,
                         QVIRTIO_MEM_RESP_ACK);
    }
}

/* The patterns of one case: qwords in blocks, and one whole block. */
typedef struct TestPattern {
    uint64_t block;
    uint64_t offset;
    uint64_t value;
} TestPattern;

static void test_write(TestVM *vm, const TestPattern *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        qtest_writeq(vm->qts, test_gpa(vm, p[i].block) + p[i].offset,
                     p[i].value);
    }
}

static void test_check(TestVM *vm, const TestPattern *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        g_assert_cmphex(qtest_readq(vm->qts, test_gpa(vm, p[i].block) +
                                    p[i].offset), ==, p[i].value);
    }
}

/* Migrate src into a new destination over unix; both complete. */
static void test_migrate(TestVM *src, TestVM *dst, const char *extra)
{
    g_autofree char *sock = g_build_filename(test_dir, "vmem.sock", NULL);
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *dev = g_strdup_printf(TEST_ARGS, test_backend,
                                            extra ? extra : "");

    dst->qts = qmig_vm_incoming(dev, uri);
    qmig_migrate(src->qts, uri);
    qmig_assert_status(src->qts, "completed");
    qmig_assert_status(dst->qts, "completed");
    qmig_assert_runstate(dst->qts, "running");
    /* the guest's driver goes on: a reset keeps the plugged blocks */
    test_vm_driver(dst);
}

/* query-memory-devices answers the same on both sides. */
static void test_same_memory_devices(TestVM *src, TestVM *dst)
{
    json_t *a = qtest_qmp_assert_success_ref(
        src->qts, "{'execute': 'query-memory-devices'}");
    json_t *b = qtest_qmp_assert_success_ref(
        dst->qts, "{'execute': 'query-memory-devices'}");

    if (!json_equal(a, b)) {
        g_autofree char *sa = json_dumps(a, JSON_COMPACT);
        g_autofree char *sb = json_dumps(b, JSON_COMPACT);

        g_error("query-memory-devices differ: %s / %s", sa, sb);
    }
    json_decref(a);
    json_decref(b);
}

static uint64_t test_transferred(TestVM *src)
{
    json_t *info = qmig_query(src->qts);
    uint64_t n = qmig_ram_stat(info, "transferred");

    json_decref(info);
    return n;
}

/*
 * Nothing ever plugged: the 1 TiB device costs the stream nothing; boot
 * RAM above 4 GiB (q35 keeps 2 GiB low, the rest from 4 GiB up) arrives.
 */
static void test_nothing_plugged(void)
{
    TestVM src, dst;

    test_vm_start(&src, NULL);
    qtest_writeq(src.qts, 4 * GiB + 8, 0x5a5a5a5a5a5a5a5aULL);
    test_migrate(&src, &dst, NULL);
    g_assert_cmpuint(test_transferred(&src), <=, TEST_STREAM_MAX(4096));
    g_assert_cmpuint(dst.cfg.plugged_size, ==, 0);
    g_assert_cmpuint(dst.cfg.requested_size, ==, 16 * GiB);
    g_assert_cmpuint(dst.cfg.usable_region_size, ==,
                     src.cfg.usable_region_size);
    test_same_memory_devices(&src, &dst);
    g_assert_cmphex(qtest_readq(dst.qts, 4 * GiB + 8), ==,
                    0x5a5a5a5a5a5a5a5aULL);
    g_assert_cmpuint(test_state(&dst, 0, 4096), ==,
                     QVIRTIO_MEM_STATE_UNPLUGGED);
    g_assert_cmpuint(test_req(&dst, QVIRTIO_MEM_REQ_PLUG, 0, 16), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(test_rss(dst.qts), <, 256 * MiB);
    test_vm_stop(&dst);
    test_vm_stop(&src);
}

/* 4 GiB plugged, written in places, 100 written blocks unplugged. */
static void test_case_4g(const char *extra)
{
    static const TestPattern kept[] = {
        { 0, 0, 0x1111111111111111ULL },
        { 1000, TEST_BS - 8, 0x2222222222222222ULL },
        { 2047, 4096, 0x3333333333333333ULL },
    };
    static const TestPattern gone[] = {
        { 1500, 0, 0x4444444444444444ULL },
        { 1599, TEST_BS - 8, 0x5555555555555555ULL },
    };
    TestVM src, dst;
    uint64_t written = 2 * MiB + 4 * 4096;

    test_vm_start(&src, extra);
    test_plug(&src, 2048);
    test_write(&src, kept, G_N_ELEMENTS(kept));
    test_write(&src, gone, G_N_ELEMENTS(gone));
    qtest_memset(src.qts, test_gpa(&src, 500), 0x77, TEST_BS);
    qtest_writeq(src.qts, 1 * GiB, 0x6666666666666666ULL);
    g_assert_cmpuint(test_req(&src, QVIRTIO_MEM_REQ_UNPLUG, 1500, 100), ==,
                     QVIRTIO_MEM_RESP_ACK);
    test_migrate(&src, &dst, extra);
    g_assert_cmpuint(test_transferred(&src), <=, TEST_STREAM_MAX(written));
    g_assert_cmpuint(dst.cfg.plugged_size, ==, 1948 * TEST_BS);
    g_assert_cmpuint(dst.cfg.requested_size, ==, 16 * GiB);
    g_assert_cmpuint(dst.cfg.addr, ==, src.cfg.addr);
    test_same_memory_devices(&src, &dst);
    test_check(&dst, kept, G_N_ELEMENTS(kept));
    g_assert_cmphex(qtest_readq(dst.qts, test_gpa(&dst, 500) + MiB), ==,
                    0x7777777777777777ULL);
    g_assert_cmphex(qtest_readq(dst.qts, 1 * GiB), ==,
                    0x6666666666666666ULL);
    g_assert_cmpuint(test_state(&dst, 0, 1500), ==,
                     QVIRTIO_MEM_STATE_PLUGGED);
    g_assert_cmpuint(test_state(&dst, 1500, 100), ==,
                     QVIRTIO_MEM_STATE_UNPLUGGED);
    g_assert_cmpuint(test_state(&dst, 1600, 448), ==,
                     QVIRTIO_MEM_STATE_PLUGGED);
    /* 4 GiB plugged, 2 MiB written: nothing else populated there */
    g_assert_cmpuint(test_rss(dst.qts), <, 256 * MiB);
    /* and the device keeps working */
    g_assert_cmpuint(test_req(&dst, QVIRTIO_MEM_REQ_PLUG, 1500, 100), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_cmphex(qtest_readq(dst.qts, test_gpa(&dst, 1500)), ==, 0);
    g_assert_cmpuint(test_req(&dst, QVIRTIO_MEM_REQ_UNPLUG, 0, 10), ==,
                     QVIRTIO_MEM_RESP_ACK);
    test_vm_stop(&dst);
    test_vm_stop(&src);
}

static void test_4g_plugged(void)
{
    test_case_4g(NULL);
}

static void test_4g_plugged_dynamic_memslots(void)
{
    test_case_4g(",dynamic-memslots=on");
}

static void test_16g_plugged(void)
{
    static const TestPattern p[] = {
        { 0, 8, 0xa1a1a1a1a1a1a1a1ULL },
        { 4095, 0, 0xb2b2b2b2b2b2b2b2ULL },
        { 4096, 0, 0xc3c3c3c3c3c3c3c3ULL },
        { 8191, TEST_BS - 8, 0xd4d4d4d4d4d4d4d4ULL },
    };
    TestVM src, dst;

    test_vm_start(&src, NULL);
    test_plug(&src, 8192);
    test_write(&src, p, G_N_ELEMENTS(p));
    test_migrate(&src, &dst, NULL);
    g_assert_cmpuint(test_transferred(&src), <=,
                     TEST_STREAM_MAX(4 * 4096));
    g_assert_cmpuint(dst.cfg.plugged_size, ==, 16 * GiB);
    test_same_memory_devices(&src, &dst);
    test_check(&dst, p, G_N_ELEMENTS(p));
    g_assert_cmphex(qtest_readq(dst.qts, test_gpa(&dst, 6000)), ==, 0);
    g_assert_cmpuint(test_state(&dst, 0, 8192), ==,
                     QVIRTIO_MEM_STATE_PLUGGED);
    g_assert_cmpuint(test_rss(dst.qts), <, 256 * MiB);
    test_vm_stop(&dst);
    test_vm_stop(&src);
}

/*
 * A memfd backend: what the host populated comes from SEEK_DATA there;
 * the destination's unplugged blocks are punched holes.
 */
static void test_memfd_backend(void)
{
    static const TestPattern p[] = {
        { 0, 0, 0x0f0f0f0f0f0f0f0fULL },
        { 300, TEST_BS - 8, 0xf0f0f0f0f0f0f0f0ULL },
        { 511, 4096, 0x5555aaaa5555aaaaULL },
    };
    TestVM src, dst;

    test_backend = "memory-backend-memfd,id=mem0,size=1T";
    test_vm_start(&src, NULL);
    test_plug(&src, 512);
    test_write(&src, p, G_N_ELEMENTS(p));
    qtest_memset(src.qts, test_gpa(&src, 100), 0x99, TEST_BS);
    g_assert_cmpuint(test_req(&src, QVIRTIO_MEM_REQ_UNPLUG, 100, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    test_migrate(&src, &dst, NULL);
    g_assert_cmpuint(test_transferred(&src), <=,
                     TEST_STREAM_MAX(3 * 4096));
    /* holes were skipped, not read: reading shmem would populate it */
    g_assert_cmpuint(test_rss(src.qts), <, 256 * MiB);
    test_check(&dst, p, G_N_ELEMENTS(p));
    g_assert_cmpuint(test_state(&dst, 100, 1), ==,
                     QVIRTIO_MEM_STATE_UNPLUGGED);
    g_assert_cmpuint(test_req(&dst, QVIRTIO_MEM_REQ_PLUG, 100, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_cmphex(qtest_readq(dst.qts, test_gpa(&dst, 100)), ==, 0);
    g_assert_cmpuint(test_rss(dst.qts), <, 256 * MiB);
    test_vm_stop(&dst);
    test_vm_stop(&src);
    test_backend = TEST_BACKEND_RAM;
}

/* Plugged, written, then all unplugged: nothing of it travels. */
static void test_all_unplugged_after_writing(void)
{
    TestVM src, dst;

    test_vm_start(&src, NULL);
    test_plug(&src, 512);
    for (uint64_t b = 0; b < 512; b += 64) {
        qtest_memset(src.qts, test_gpa(&src, b), 0x11, TEST_BS);
    }
    g_assert_cmpuint(test_req(&src, QVIRTIO_MEM_REQ_UNPLUG, 0, 512), ==,
                     QVIRTIO_MEM_RESP_ACK);
    test_migrate(&src, &dst, NULL);
    g_assert_cmpuint(test_transferred(&src), <=, TEST_STREAM_MAX(0));
    g_assert_cmpuint(dst.cfg.plugged_size, ==, 0);
    g_assert_cmpuint(test_state(&dst, 0, 512), ==,
                     QVIRTIO_MEM_STATE_UNPLUGGED);
    g_assert_cmpuint(test_req(&dst, QVIRTIO_MEM_REQ_PLUG, 0, 64), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_cmphex(qtest_readq(dst.qts, test_gpa(&dst, 0)), ==, 0);
    g_assert_cmpuint(test_rss(dst.qts), <, 256 * MiB);
    test_vm_stop(&dst);
    test_vm_stop(&src);
}

static int test_listen(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(listen(fd, 1), ==, 0);
    return fd;
}

/* A transport nobody reads keeps the migration active: BUSY meanwhile. */
static void test_busy_while_active(void)
{
    g_autofree char *sock = g_build_filename(test_dir, "stall.sock", NULL);
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    int lfd = test_listen(sock);
    TestVM src;

    test_vm_start(&src, NULL);
    test_plug(&src, 64);
    for (uint64_t b = 0; b < 16; b++) {
        qtest_memset(src.qts, test_gpa(&src, b), 0x42, TEST_BS);
    }
    qmig_migrate(src.qts, uri);
    qmig_assert_status(src.qts, "active");
    g_assert_cmpuint(test_req(&src, QVIRTIO_MEM_REQ_PLUG, 64, 1), ==,
                     QVIRTIO_MEM_RESP_BUSY);
    g_assert_cmpuint(test_req(&src, QVIRTIO_MEM_REQ_UNPLUG, 0, 1), ==,
                     QVIRTIO_MEM_RESP_BUSY);
    g_assert_cmpuint(test_state(&src, 0, 64), ==,
                     QVIRTIO_MEM_STATE_PLUGGED);
    json_decref(qtest_qmp_assert_success_ref(
        src.qts, "{'execute': 'migrate_cancel'}"));
    qmig_assert_status(src.qts, "cancelled");
    g_assert_cmpuint(test_req(&src, QVIRTIO_MEM_REQ_PLUG, 64, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_cmphex(qtest_readq(src.qts, test_gpa(&src, 15)), ==,
                    0x4242424242424242ULL);
    close(lfd);
    test_vm_stop(&src);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    if (qtest_is_reference()) {
        return 0;
    }
    test_dir = g_dir_make_tmp("migration-vmem-XXXXXX", NULL);
    g_test_add_func("/migration-virtio-mem/1t/nothing-plugged",
                    test_nothing_plugged);
    g_test_add_func("/migration-virtio-mem/1t/4g-plugged-partly-unplugged",
                    test_4g_plugged);
    g_test_add_func("/migration-virtio-mem/1t/4g-plugged-dynamic-memslots",
                    test_4g_plugged_dynamic_memslots);
    g_test_add_func("/migration-virtio-mem/1t/16g-plugged",
                    test_16g_plugged);
    g_test_add_func("/migration-virtio-mem/1t/all-unplugged-after-writing",
                    test_all_unplugged_after_writing);
    g_test_add_func("/migration-virtio-mem/1t/memfd-backend",
                    test_memfd_backend);
    g_test_add_func("/migration-virtio-mem/busy/while-active",
                    test_busy_while_active);
    ret = g_test_run();
    rmdir(test_dir);
    return ret;
}
