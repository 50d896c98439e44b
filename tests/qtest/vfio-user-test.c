/*
 * vfio-user-pci through the real binary against a real vfio-user server:
 * libvfio-user's gpio-pci-idio-16 sample (built by
 * tests/build-vfio-user-peer.sh; $QTEST_VFU_SERVER).  The server's debug
 * log is its DMA table: "mapped DMA region iova=[A, B) vaddr=V" and
 * "removing DMA region [A, B)".  After every step the table must cover
 * exactly boot RAM plus the plugged virtio-mem blocks, and a word written
 * by the guest at each mapped address must be what the server reads at
 * its mapping (read from /proc/PID/mem): fds and offsets translate right.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "libqos/virtio-mem.h"
#include "libqos/backend-proc.h"
#include "libqos/fake-vfio-user.h"
#include "libqos/pci.h"
#include <fcntl.h>

#define TEST_BS (2 * MiB)
#define TEST_BOOT_RAM "512M"
/* Boot RAM as the server must see it (hotmem's q35 has no ROM holes). */
static const uint64_t test_boot_ranges[][2] = {
    { 0, 512 * MiB },
};

typedef struct TestEntry {
    uint64_t start;
    uint64_t end;
    uint64_t vaddr;
} TestEntry;

typedef struct TestVM {
    QBackend *srv;
    QTestState *qts;
    QVirtioMem *m;
    QVirtioMemConfig cfg;
} TestVM;

static const char *test_server(void)
{
    return getenv("QTEST_VFU_SERVER");
}

static bool test_skip_without_server(void)
{
    if (!test_server() || qtest_is_reference()) {
        g_test_skip(qtest_is_reference()
                    ? "QEMU 7.2 has no vfio-user-pci"
                    : "no vfio-user server ($QTEST_VFU_SERVER: libvfio-user needs json-c and cmocka)");
        return true;
    }
    return false;
}

static char *test_vfu_json(TestVM *vm, const char *extra)
{
    return g_strdup_printf("-device '{\"driver\":\"vfio-user-pci\",\"id\":\"vfu0\","
                           "\"socket\":{\"type\":\"unix\",\"path\":\"%s\"}%s}' ",
                           qbackend_socket_path(vm->srv), extra ? extra : "");
}

/* vfio before or after the virtio-mem device, dynamic-memslots on or off. */
static void test_vm_start(TestVM *vm, bool vfio_first, bool dynamic,
                          const char *vfu_extra)
{
    g_autofree char *vfu = NULL;
    g_autofree char *args = NULL;
    g_autofree char *vmem = g_strdup_printf(
        "-object memory-backend-memfd,id=mem0,size=16G,share=on "
        "-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=1G%s ",
        dynamic ? ",dynamic-memslots=on" : "");

    memset(vm, 0, sizeof(*vm));
    vm->srv = qbackend_vfu_start(test_server(), true);
    vfu = test_vfu_json(vm, vfu_extra);
    args = g_strdup_printf("-m " TEST_BOOT_RAM ",maxmem=20G "
                           "-object memory-backend-memfd,id=ram0,size="
                           TEST_BOOT_RAM ",share=on "
                           "-machine memory-backend=ram0 %s%s",
                           vfio_first ? vfu : vmem, vfio_first ? vmem : vfu);
    vm->qts = qtest_init(args);
    vm->m = qvirtio_mem_init(vm->qts);
    g_assert_nonnull(vm->m);
    qvirtio_mem_read_config(vm->m, &vm->cfg);
}

static void test_vm_stop(TestVM *vm)
{
    qvirtio_mem_free(vm->m);
    qtest_quit(vm->qts);
    qbackend_stop(vm->srv);
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

/* ---- the server's table, from its log ---- */

static uint64_t test_parse_ptr(const char *s)
{
    return strncmp(s, "(nil)", 5) == 0 ? 0 : g_ascii_strtoull(s, NULL, 16);
}

static gint test_entry_cmp(gconstpointer a, gconstpointer b)
{
    const TestEntry *x = a;
    const TestEntry *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

static void test_table_remove(GArray *t, uint64_t start, uint64_t end)
{
    for (guint i = 0; i < t->len; i++) {
        TestEntry *e = &g_array_index(t, TestEntry, i);

        if (e->start == start && e->end == end) {
            g_array_remove_index(t, i);
            return;
        }
    }
    g_error("server removed [0x%" PRIx64 ", 0x%" PRIx64 ") it never mapped",
            start, end);
}

/* The server's DMA table now; a refused unmap fails the test. */
static GArray *test_server_table(TestVM *vm)
{
    g_autofree char *log = qbackend_log(vm->srv);
    g_auto(GStrv) lines = g_strsplit(log, "\n", 0);
    GArray *t = g_array_new(false, false, sizeof(TestEntry));

    for (int i = 0; lines[i]; i++) {
        const char *p;

        g_assert_null(strstr(lines[i], "failed to remove DMA region"));
        g_assert_null(strstr(lines[i], "failed to add DMA region"));
        if ((p = strstr(lines[i], "mapped DMA region iova=["))) {
            TestEntry e;

            p += strlen("mapped DMA region iova=[");
            e.start = test_parse_ptr(p);
            e.end = test_parse_ptr(strstr(p, ", ") + 2);
            e.vaddr = test_parse_ptr(strstr(p, "vaddr=") + 6);
            g_array_append_val(t, e);
        } else if ((p = strstr(lines[i], "removing DMA region ["))) {
            uint64_t start;
            uint64_t end;

            p += strlen("removing DMA region [");
            start = g_ascii_strtoull(p, NULL, 16);
            end = g_ascii_strtoull(strstr(p, ", ") + 2, NULL, 16);
            test_table_remove(t, start, end);
        }
    }
    g_array_sort(t, test_entry_cmp);
    return t;
}

/* The guest writes a word at gpa; the server reads it at vaddr. */
static void test_check_translation(TestVM *vm, uint64_t gpa, uint64_t vaddr)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/mem",
                                            (int)qbackend_pid(vm->srv));
    uint64_t word = 0x5a5a000000000000ULL ^ gpa;
    uint64_t seen = 0;
    int fd = open(path, O_RDONLY);

    g_assert_cmpint(fd, >=, 0);
    qtest_writeq(vm->qts, gpa, word);
    g_assert_cmpint(pread(fd, &seen, sizeof(seen), vaddr), ==, sizeof(seen));
    close(fd);
    g_assert_cmphex(seen, ==, word);
}

/*
 * The table is exactly boot RAM plus these runs of blocks, mapped one run
 * per entry; runs: pairs (first, nb), terminated by nb 0.
 */
static void test_assert_table(TestVM *vm, const uint64_t (*runs)[2])
{
    g_autoptr(GArray) t = test_server_table(vm);
    guint n = 0;

    for (; n < G_N_ELEMENTS(test_boot_ranges); n++) {
        TestEntry *e;

        g_assert_cmpuint(n, <, t->len);
        e = &g_array_index(t, TestEntry, n);
        g_assert_cmphex(e->start, ==, test_boot_ranges[n][0]);
        g_assert_cmphex(e->end, ==, test_boot_ranges[n][1]);
        test_check_translation(vm, e->start + 0x1000, e->vaddr + 0x1000);
    }
    for (int r = 0; runs && runs[r][1]; r++, n++) {
        TestEntry *e;

        g_assert_cmpuint(n, <, t->len);
        e = &g_array_index(t, TestEntry, n);
        g_assert_cmphex(e->start, ==, test_gpa(vm, runs[r][0]));
        g_assert_cmphex(e->end, ==, test_gpa(vm, runs[r][0] + runs[r][1]));
        test_check_translation(vm, e->end - 8, e->vaddr + (e->end - 8 -
                                                           e->start));
    }
    g_assert_cmpuint(t->len, ==, n);
}

#define RUNS(...) ((const uint64_t (*)[2])(const uint64_t[][2]) { __VA_ARGS__, { 0, 0 } })

/* ---- tests ---- */

static void test_table_follows_plug(gconstpointer data)
{
    int variant = GPOINTER_TO_INT(data);
    bool vfio_first = variant & 1;
    bool dynamic = variant & 2;
    TestVM vm;

    if (test_skip_without_server()) {
        return;
    }
    test_vm_start(&vm, vfio_first, dynamic, NULL);
    test_assert_table(&vm, NULL);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 8), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 600, 2), ==,
                     QVIRTIO_MEM_RESP_ACK);
    test_assert_table(&vm, RUNS({ 0, 8 }, { 600, 2 }));
    /* Unplug inside a run: split, the rest mapped again. */
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_UNPLUG, 2, 3), ==,
                     QVIRTIO_MEM_RESP_ACK);
    test_assert_table(&vm, RUNS({ 0, 2 }, { 5, 3 }, { 600, 2 }));
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_UNPLUG_ALL, 0, 0), ==,
                     QVIRTIO_MEM_RESP_ACK);
    test_assert_table(&vm, NULL);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 10, 4), ==,
                     QVIRTIO_MEM_RESP_ACK);
    test_assert_table(&vm, RUNS({ 10, 4 }));
    json_decref(qtest_qmp_assert_success_ref(vm.qts,
                                             "{'execute': 'system_reset'}"));
    qtest_qmp_eventwait(vm.qts, "RESET");
    test_assert_table(&vm, NULL);
    /* Re-plug after reset: the driver starts over. */
    qvirtio_mem_free(vm.m);
    vm.m = qvirtio_mem_init(vm.qts);
    qvirtio_mem_read_config(vm.m, &vm.cfg);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 1, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    test_assert_table(&vm, RUNS({ 1, 1 }));
    test_vm_stop(&vm);
}

/*
 * Start the VMM with args_fmt (its %s: a live server's socket) and expect
 * exit status 1 with expected in its stderr.
 */
static void test_refused_with_server(const char *args_fmt,
                                     const char *expected)
{
    g_autofree char *args = NULL;
    g_autofree char *err = NULL;
    QBackend *srv;
    int status;

    if (test_skip_without_server()) {
        return;
    }
    srv = qbackend_vfu_start(test_server(), true);
    args = g_strdup_printf(args_fmt, qbackend_socket_path(srv));
    err = qtest_probe_cli(args, &status);
    g_assert_cmpint(status, ==, 1);
    g_assert_nonnull(strstr(err, expected));
    qbackend_stop(srv);
}

static void test_private_ram_refused(void)
{
    test_refused_with_server(
        "-machine q35,accel=qtest -m 256M -device '{\"driver\":\"vfio-user-pci\",\"id\":\"vfu0\",\"socket\":{\"type\":\"unix\",\"path\":\"%s\"}}'",
        "vfu0: guest RAM is not shared, so the vfio-user server cannot map it; give the machine a memory backend with share=on");
}

/* x-query-vfio's one container. */
static json_t *test_query_vfio(TestVM *vm)
{
    json_t *r = qtest_qmp_assert_success_ref(vm->qts,
                                             "{'execute': 'x-query-vfio'}");
    json_t *c;

    g_assert_cmpuint(json_array_size(r), ==, 1);
    c = json_incref(json_array_get(r, 0));
    json_decref(r);
    return c;
}

static int64_t test_query_int(json_t *c, const char *key)
{
    g_assert_true(json_is_integer(json_object_get(c, key)));
    return json_integer_value(json_object_get(c, key));
}

static void test_query_counts_and_ranges(void)
{
    TestVM vm;
    json_t *c;
    json_t *r;
    g_autofree char *hmp = NULL;
    g_autofree char *expected = NULL;

    if (test_skip_without_server()) {
        return;
    }
    test_vm_start(&vm, false, false, NULL);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 4, 2), ==,
                     QVIRTIO_MEM_RESP_ACK);
    c = test_query_vfio(&vm);
    g_assert_cmpstr(json_string_value(json_object_get(c, "device")), ==,
                    "vfu0");
    g_assert_cmpint(test_query_int(c, "max-mappings"), ==, 65535);
    g_assert_cmpint(test_query_int(c, "mappings"), ==, 2);
    /* boot RAM, and 16 GiB in 2 MiB blocks */
    g_assert_cmpint(test_query_int(c, "worst-case"), ==, 1 + 8192);
    g_assert_true(json_is_true(json_object_get(c, "coalesce")));
    g_assert_true(json_is_false(json_object_get(c, "stopped")));
    r = json_array_get(json_object_get(c, "ranges"), 1);
    g_assert_cmphex(test_query_int(r, "iova"), ==, test_gpa(&vm, 4));
    g_assert_cmphex(test_query_int(r, "size"), ==, 2 * TEST_BS);
    g_assert_cmphex(test_query_int(r, "fd-offset"), ==, 4 * TEST_BS);
    json_decref(c);
    hmp = qtest_hmp(vm.qts, "info vfio");
    expected = g_strdup_printf(
        "vfio 'vfu0': 2 DMA mappings, limit 65535, worst case 8193, one mapping per plugged run\r\n"
        "  0x0000000000000000-0x000000001fffffff fd_offset 0x0\r\n"
        "  0x%016" PRIx64 "-0x%016" PRIx64 " fd_offset 0x800000\r\n",
        test_gpa(&vm, 4), test_gpa(&vm, 6) - 1);
    g_assert_cmpstr(hmp, ==, expected);
    r = qtest_qmp(vm.qts, "{'execute': 'x-query-vfio', 'arguments': "
                  "{'device': 'vfu0'}}");
    g_assert_cmpstr(json_string_value(json_object_get(
                        json_object_get(r, "error"), "desc")), ==,
                    "Parameter 'device' is unexpected");
    json_decref(r);
    test_vm_stop(&vm);
}

static void test_per_block_mode(void)
{
    TestVM vm;
    json_t *c;

    if (test_skip_without_server()) {
        return;
    }
    test_vm_start(&vm, false, false, ",\"x-coalesce\":false");
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 3), ==,
                     QVIRTIO_MEM_RESP_ACK);
    test_assert_table(&vm, RUNS({ 0, 1 }, { 1, 1 }, { 2, 1 }));
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_UNPLUG, 1, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    test_assert_table(&vm, RUNS({ 0, 1 }, { 2, 1 }));
    c = test_query_vfio(&vm);
    g_assert_true(json_is_false(json_object_get(c, "coalesce")));
    /* boot RAM + 3 maps, 1 unmap */
    g_assert_cmpint(test_query_int(c, "requests"), ==, 5);
    json_decref(c);
    test_vm_stop(&vm);
}

static void test_budget_refused_at_start(void)
{
    test_refused_with_server(
        "-machine q35,accel=qtest,memory-backend=ram0 -m " TEST_BOOT_RAM
        ",maxmem=20G -object memory-backend-memfd,id=ram0,size="
        TEST_BOOT_RAM ",share=on "
        "-object memory-backend-memfd,id=mem0,size=16G,share=on "
        "-device virtio-mem-pci,id=vmem0,memdev=mem0 "
        "-device '{\"driver\":\"vfio-user-pci\",\"id\":\"vfu0\",\"x-max-dma-maps\":4096,"
        "\"socket\":{\"type\":\"unix\",\"path\":\"%s\"}}'",
        "vfio 'vfu0': RAM 'mem0' at 0x100000000 (16 GiB) may need 8192 DMA mappings, 8193 in all, but x-max-dma-maps allows 4096");
}

static void test_budget_plug_refused_at_run_time(gconstpointer data)
{
    bool dynamic = GPOINTER_TO_INT(data);
    TestVM vm;
    json_t *c;

    if (test_skip_without_server()) {
        return;
    }
    /* Static: the whole device (8192) is over; dynamic: 1 GiB memslots of
     * 512 blocks, the second one is over. */
    test_vm_start(&vm, true, dynamic,
                  dynamic ? ",\"x-max-dma-maps\":600"
                          : ",\"x-max-dma-maps\":4096");
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 2), ==,
                     dynamic ? QVIRTIO_MEM_RESP_ACK : QVIRTIO_MEM_RESP_BUSY);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 600, 2), ==,
                     QVIRTIO_MEM_RESP_BUSY);
    test_assert_table(&vm, dynamic ? RUNS({ 0, 2 }) : NULL);
    g_assert_cmpuint(vm.cfg.plugged_size, ==, 0);
    qvirtio_mem_read_config(vm.m, &vm.cfg);
    g_assert_cmpuint(vm.cfg.plugged_size, ==, dynamic ? 2 * TEST_BS : 0);
    c = test_query_vfio(&vm);
    g_assert_cmpint(test_query_int(c, "max-mappings"), ==,
                    dynamic ? 600 : 4096);
    g_assert_cmpint(test_query_int(c, "worst-case"), ==, dynamic ? 513 : 1);
    json_decref(c);
    test_vm_stop(&vm);
}

static void test_server_killed(void)
{
    TestVM vm;
    json_t *c;

    if (test_skip_without_server()) {
        return;
    }
    test_vm_start(&vm, false, false, NULL);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 2), ==,
                     QVIRTIO_MEM_RESP_ACK);
    qbackend_kill(vm.srv);
    /* The device stops; the guest's memory keeps working without it. */
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 8, 2), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_UNPLUG, 0, 2), ==,
                     QVIRTIO_MEM_RESP_ACK);
    c = test_query_vfio(&vm);
    g_assert_true(json_is_true(json_object_get(c, "stopped")));
    g_assert_cmpint(test_query_int(c, "mappings"), ==, 0);
    json_decref(c);
    /* BAR and config accesses of a stopped device do not hang. */
    json_decref(qtest_qmp_assert_success_ref(vm.qts,
                                             "{'execute': 'system_reset'}"));
    qtest_qmp_eventwait(vm.qts, "RESET");
    test_vm_stop(&vm);
}

static void test_hotplug_replays_and_unplug_unmaps(void)
{
    TestVM vm;
    g_autofree char *args = NULL;
    json_t *r;

    if (test_skip_without_server()) {
        return;
    }
    memset(&vm, 0, sizeof(vm));
    args = g_strdup("-m " TEST_BOOT_RAM ",maxmem=20G "
                    "-object memory-backend-memfd,id=ram0,size=" TEST_BOOT_RAM
                    ",share=on -machine memory-backend=ram0 "
                    "-object memory-backend-memfd,id=mem0,size=16G,share=on "
                    "-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=1G "
                    "-device pcie-root-port,id=rp0,chassis=1,slot=2");
    vm.qts = qtest_init(args);
    vm.m = qvirtio_mem_init(vm.qts);
    qvirtio_mem_read_config(vm.m, &vm.cfg);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 4), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 100, 2), ==,
                     QVIRTIO_MEM_RESP_ACK);
    vm.srv = qbackend_vfu_start(test_server(), true);
    r = qtest_qmp(vm.qts, "{'execute': 'device_add', 'arguments': {"
                  "'driver': 'vfio-user-pci', 'id': 'vfu0', 'bus': 'rp0', "
                  "'socket': {'type': 'unix', 'path': '%s'}}}",
                  qbackend_socket_path(vm.srv));
    g_assert_nonnull(json_object_get(r, "return"));
    json_decref(r);
    /* Added after the blocks: the manager replays them. */
    test_assert_table(&vm, RUNS({ 0, 4 }, { 100, 2 }));
    /* The slot was never powered on: device_del removes at once. */
    json_decref(qtest_qmp_assert_success_ref(vm.qts,
                                             "{'execute': 'device_del', "
                                             "'arguments': {'id': 'vfu0'}}"));
    qtest_qmp_eventwait(vm.qts, "DEVICE_DELETED");
    {
        g_autoptr(GArray) t = test_server_table(&vm);

        g_assert_cmpuint(t->len, ==, 0);
    }
    r = qtest_qmp_assert_success_ref(vm.qts, "{'execute': 'x-query-vfio'}");
    g_assert_cmpuint(json_array_size(r), ==, 0);
    json_decref(r);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 10, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    test_vm_stop(&vm);
}

static void test_socket_spellings(void)
{
    TestVM vm;
    json_t *r;
    g_autofree char *args = NULL;

    if (test_skip_without_server()) {
        return;
    }
    memset(&vm, 0, sizeof(vm));
    vm.srv = qbackend_vfu_start(test_server(), true);
    /* The key=value form with a bare path. */
    args = g_strdup_printf("-m 256M -object memory-backend-memfd,id=ram0,"
                           "size=256M,share=on -machine memory-backend=ram0 "
                           "-device vfio-user-pci,id=vfu0,socket=%s",
                           qbackend_socket_path(vm.srv));
    vm.qts = qtest_init(args);
    r = qtest_qmp_assert_success_ref(vm.qts, "{'execute': 'qom-get', "
                                     "'arguments': {'path': 'vfu0', "
                                     "'property': 'socket'}}");
    g_assert_cmpstr(json_string_value(json_object_get(r, "type")), ==,
                    "unix");
    g_assert_cmpstr(json_string_value(json_object_get(r, "path")), ==,
                    qbackend_socket_path(vm.srv));
    json_decref(r);
    r = qtest_qmp(vm.qts, "{'execute': 'device_add', 'arguments': {"
                  "'driver': 'vfio-user-pci', 'id': 'vfu1', "
                  "'socket': {'type': 'inet', 'path': 'x'}}}");
    g_assert_cmpstr(json_string_value(json_object_get(
                        json_object_get(r, "error"), "desc")), ==,
                    "vfio-user-pci: socket type 'inet' is not supported; only 'unix' is");
    json_decref(r);
    qtest_quit(vm.qts);
    qbackend_stop(vm.srv);
    {
        int status;
        g_autofree char *err = qtest_probe_cli(
            "-machine q35,accel=qtest -device vfio-user-pci,id=vfu1",
            &status);

        g_assert_cmpint(status, ==, 1);
        g_assert_nonnull(strstr(err, "vfio-user-pci: property 'socket' is required (a unix socket path)"));
    }
}

static void test_no_server_refused(void)
{
    g_autofree char *err = NULL;
    g_autofree char *dir = g_dir_make_tmp("hotmem-vfu-XXXXXX", NULL);
    g_autofree char *args = g_strdup_printf(
        "-machine q35,accel=qtest,memory-backend=ram0 -m 256M "
        "-object memory-backend-memfd,id=ram0,size=256M,share=on "
        "-device vfio-user-pci,id=vfu0,socket=%s/none",
        dir);
    int status;

    if (test_skip_without_server()) {
        return;
    }
    err = qtest_probe_cli(args, &status);
    g_assert_cmpint(status, ==, 1);
    g_assert_nonnull(strstr(err, "vfio-user 'vfu0': Failed to connect to '"));
    rmdir(dir);
}

#define TEST_MSG_ADDR 0x10000ULL     /* guest RAM an MSI-X message hits */
#define TEST_MSG_DATA 0x4321

/*
 * MSI-X against fake_vfu (no real server here has it): the capability is
 * the device's, the table is emulated, enabling MSI-X hands the device
 * one eventfd per vector, a trigger is a message in guest memory, and
 * disabling takes them back and re-arms INTx.
 */
static void test_msix_eventfds(void)
{
    FakeVfu *f;
    QTestState *qts;
    QPCIBus bus;
    QPCIDevice *dev;
    g_autofree char *args = NULL;
    gint64 deadline;
    uint16_t ctrl;

    if (qtest_is_reference()) {
        g_test_skip("QEMU 7.2 has no vfio-user-pci");
        return;
    }
    f = fake_vfu_start();
    args = g_strdup_printf("-m 256M -object memory-backend-memfd,id=ram0,"
                           "size=256M,share=on -machine memory-backend=ram0 "
                           "-device vfio-user-pci,id=vfu0,socket=%s",
                           fake_vfu_socket(f));
    qts = qtest_init(args);
    qpci_bus_init(&bus, qts);
    dev = qpci_find_device(&bus, FAKE_VFU_VENDOR_ID, FAKE_VFU_DEVICE_ID);
    g_assert_nonnull(dev);
    g_assert_cmphex(qpci_find_capability(dev, QPCI_CAP_ID_MSIX, 0), ==,
                    FAKE_VFU_MSIX_CAP);
    ctrl = qpci_config_readw(dev, FAKE_VFU_MSIX_CAP + 2);
    g_assert_cmphex(ctrl, ==, FAKE_VFU_MSIX_VECTORS - 1);
    /* INTx only so far. */
    g_assert_cmpuint(fake_vfu_nb_set_irqs(f), ==, 1);
    qpci_msix_enable(dev);
    qpci_msix_set_vector(dev, 2, TEST_MSG_ADDR, TEST_MSG_DATA);
    fake_vfu_wait_msix(f, true);
    fake_vfu_trigger_msix(f, 2);
    deadline = g_get_monotonic_time() + QTEST_TIMEOUT_S * G_USEC_PER_SEC;
    while (qtest_readl(qts, TEST_MSG_ADDR) != TEST_MSG_DATA) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(10 * 1000);
    }
    qpci_config_writew(dev, FAKE_VFU_MSIX_CAP + 2, ctrl);
    fake_vfu_wait_msix(f, false);
    g_free(dev);
    qtest_quit(qts);
    fake_vfu_stop(f);
}

/* VFIO only disables uncoordinated discards; locked memory still refuses
 * virtio-mem, which needs discards of either kind. */
static void test_mem_lock_still_refuses_virtio_mem(void)
{
    g_autofree char *err = NULL;
    int status;

    if (qtest_is_reference()) {
        g_test_skip("hotmem's message");
        return;
    }
    err = qtest_probe_cli("-machine q35,accel=qtest -m 128M,maxmem=2G "
                          "-overcommit mem-lock=on "
                          "-object memory-backend-memfd,id=mem0,size=1G "
                          "-device virtio-mem-pci,id=vmem0,memdev=mem0",
                          &status);
    if (strstr(err, "mlockall(")) {
        g_test_skip("this host cannot lock the VMM's memory");
        return;
    }
    g_assert_cmpint(status, ==, 1);
    g_assert_nonnull(strstr(err, "virtio-mem needs to discard memory, but discarding is disabled (memory locked with -overcommit mem-lock=on, or by another device)"));
}

/* The kernel backend is written, not run here: without /dev/vfio it says so. */
static void test_vfio_pci_without_dev_vfio(void)
{
    g_autofree char *err = NULL;
    int status;

    if (qtest_is_reference() || access("/dev/vfio/vfio", F_OK) == 0) {
        g_test_skip("needs a host without /dev/vfio/vfio, and hotmem");
        return;
    }
    err = qtest_probe_cli("-machine q35,accel=qtest "
                          "-device vfio-pci,id=hostdev0,host=01:00.0",
                          &status);
    g_assert_cmpint(status, ==, 1);
    g_assert_nonnull(strstr(err, "vfio-pci: cannot open /dev/vfio/vfio (no VFIO on this host: load the vfio-pci module and bind 0000:01:00.0 to it): No such file or directory"));
    g_free(err);
    err = qtest_probe_cli("-machine q35,accel=qtest -device vfio-pci",
                          &status);
    g_assert_cmpint(status, ==, 1);
    g_assert_nonnull(strstr(err, "vfio-pci: property 'host' is required (a host PCI address such as 01:00.0)"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/vfio-user/table/after-vmem-static",
                         GINT_TO_POINTER(0), test_table_follows_plug);
    g_test_add_data_func("/vfio-user/table/before-vmem-static",
                         GINT_TO_POINTER(1), test_table_follows_plug);
    g_test_add_data_func("/vfio-user/table/after-vmem-dynamic-memslots",
                         GINT_TO_POINTER(2), test_table_follows_plug);
    g_test_add_data_func("/vfio-user/table/before-vmem-dynamic-memslots",
                         GINT_TO_POINTER(3), test_table_follows_plug);
    g_test_add_func("/vfio-user/realize/private-ram-refused",
                    test_private_ram_refused);
    g_test_add_func("/vfio-user/realize/no-server-refused",
                    test_no_server_refused);
    g_test_add_func("/vfio-user/realize/socket-spellings",
                    test_socket_spellings);
    g_test_add_func("/vfio-user/query/counts-and-ranges",
                    test_query_counts_and_ranges);
    g_test_add_func("/vfio-user/table/per-block-mode", test_per_block_mode);
    g_test_add_func("/vfio-user/budget/refused-at-start-names-both-numbers",
                    test_budget_refused_at_start);
    g_test_add_data_func("/vfio-user/budget/plug-refused-static",
                         GINT_TO_POINTER(0),
                         test_budget_plug_refused_at_run_time);
    g_test_add_data_func("/vfio-user/budget/plug-refused-dynamic-memslots",
                         GINT_TO_POINTER(1),
                         test_budget_plug_refused_at_run_time);
    g_test_add_func("/vfio-user/server/killed-device-stops-guest-runs",
                    test_server_killed);
    g_test_add_func("/vfio-user/hotplug/replays-and-unplug-unmaps",
                    test_hotplug_replays_and_unplug_unmaps);
    g_test_add_func("/vfio-user/irq/msix-eventfds-fake-server",
                    test_msix_eventfds);
    g_test_add_func("/vfio-user/discard/mem-lock-still-refuses-virtio-mem",
                    test_mem_lock_still_refuses_virtio_mem);
    g_test_add_func("/vfio-pci/realize/without-dev-vfio-refused",
                    test_vfio_pci_without_dev_vfio);
    return g_test_run();
}
