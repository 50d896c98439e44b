/*
 * The accelerator's memslot table through the binary (hotmem extension):
 * x-query-memslots and HMP info memslots on the qtest accelerator, its
 * max-memslots limit, and the modeled KVM metadata of a 1 TiB device
 * mapped whole (what dynamic-memslots will avoid).
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "libqos/virtio-mem.h"

#define TEST_DEVICE_ARGS "-m 4G,maxmem=1028G " \
    "-object memory-backend-ram,id=mem0,size=1T,reserve=off " \
    "-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=1G"

static json_t *test_query(QTestState *qts)
{
    json_t *r = qtest_qmp(qts, "{'execute': 'x-query-memslots'}");
    json_t *consumer = json_array_get(json_object_get(
        json_object_get(r, "return"), "consumers"), 0);

    g_assert_nonnull(consumer);
    json_incref(consumer);
    json_decref(r);
    return consumer;
}

/* required / used memslots of the first memory device. */
static void test_device_memslots(QTestState *qts, int *required, int *used)
{
    json_t *r = qtest_qmp(qts, "{'execute': 'x-query-memslots'}");
    json_t *d = json_array_get(json_object_get(json_object_get(r, "return"),
                                               "memory-devices"), 0);

    g_assert_nonnull(d);
    *required = json_integer_value(json_object_get(d, "required"));
    *used = json_integer_value(json_object_get(d, "used"));
    json_decref(r);
}

static void test_slots_of_q35_with_device(void)
{
    QTestState *qts;
    json_t *c, *slot;

    if (qtest_is_reference()) {
        g_test_skip("x-query-memslots is a hotmem extension");
        return;
    }
    qts = qtest_init(TEST_DEVICE_ARGS);
    c = test_query(qts);
    g_assert_cmpstr(json_string_value(json_object_get(c, "name")), ==,
                    "qtest");
    g_assert_cmpint(json_integer_value(json_object_get(c, "max")), ==,
                    32764);
    g_assert_cmpint(json_integer_value(json_object_get(c, "used")), ==, 3);
    /* ram-below-4g, ram-above-4g, and the whole device */
    slot = json_array_get(json_object_get(c, "slots"), 2);
    g_assert_cmpstr(json_string_value(json_object_get(slot, "region")), ==,
                    "mem0");
    g_assert_cmpuint(json_integer_value(json_object_get(slot, "size")), ==,
                     TiB);
    g_assert_cmpuint(json_integer_value(json_object_get(slot, "gpa")), ==,
                     6 * GiB);
    /* derived in tests/unit/test-memslots.c */
    g_assert_cmpuint(json_integer_value(json_object_get(slot,
                                                        "kvm-metadata")),
                     ==, 2757767168ULL);
    json_decref(c);
    qtest_quit(qts);
}

static void test_max_memslots_limit(void)
{
    QTestState *qts;
    json_t *c;
    g_autofree char *hmp = NULL;

    if (qtest_is_reference()) {
        g_test_skip("x-query-memslots is a hotmem extension");
        return;
    }
    qts = qtest_init("-accel qtest,max-memslots=400 " TEST_DEVICE_ARGS);
    c = test_query(qts);
    g_assert_cmpint(json_integer_value(json_object_get(c, "max")), ==, 400);
    g_assert_cmpint(json_integer_value(json_object_get(c, "free")), ==, 397);
    json_decref(c);
    hmp = qtest_hmp(qts, "info memslots");
    g_assert_true(g_str_has_prefix(hmp, "memslots 'qtest': 3 used, 397 "
                                        "free of 400\r\n"));
    g_assert_nonnull(strstr(hmp, "  slot 2: gpa 0x0000000180000000-"
                                 "0x000001017fffffff size 1 TiB region "
                                 "mem0\r\n"));
    qtest_quit(qts);
}

static void test_device_without_free_memslot_refused(void)
{
    int status = 0;
    g_autofree char *err = NULL;

    if (qtest_is_reference()) {
        g_test_skip("-accel qtest,max-memslots is a hotmem property");
        return;
    }
    /* RAM takes slots 0 and 1, the first device slot 2: none left. */
    err = qtest_probe_cli("-machine q35 -accel qtest,max-memslots=3 -S "
                          "-display none -nodefaults -m 4G,maxmem=12G "
                          "-object memory-backend-ram,id=m1,size=2G "
                          "-object memory-backend-ram,id=m2,size=2G "
                          "-device virtio-mem-pci,id=v1,memdev=m1 "
                          "-device virtio-mem-pci,id=v2,memdev=m2", &status);
    g_assert_cmpint(status, ==, 1);
    g_assert_cmpstr(err, ==, "qemu-system-x86_64: -device "
                    "virtio-mem-pci,id=v2,memdev=m2: device 'v2' needs 1 "
                    "memslot but 0 are free (qtest 0 of 3)\nRaise the "
                    "accelerator's memslot limit or use fewer memory "
                    "devices.\n");
}

/* ---- virtio-mem dynamic-memslots ---- */

#define TEST_DYNAMIC_ARGS "-m 4G,maxmem=1028G " \
    "-object memory-backend-ram,id=mem0,size=1T,reserve=off " \
    "-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=8G," \
    "dynamic-memslots=on,unplugged-inaccessible=on"

typedef struct TestDyn {
    QTestState *qts;
    QVirtioMem *m;
    QVirtioMemConfig cfg;
} TestDyn;

static bool test_dyn_start(TestDyn *t, const char *extra)
{
    g_autofree char *args = g_strdup_printf("%s " TEST_DYNAMIC_ARGS,
                                            extra ? extra : "");

    if (qtest_is_reference()) {
        g_test_skip("QEMU 7.2 has no dynamic-memslots");
        return false;
    }
    t->qts = qtest_init(args);
    t->m = qvirtio_mem_init(t->qts);
    qvirtio_mem_read_config(t->m, &t->cfg);
    return true;
}

static void test_dyn_stop(TestDyn *t)
{
    qvirtio_mem_free(t->m);
    qtest_quit(t->qts);
}

static uint16_t test_dyn_req(TestDyn *t, uint16_t type, uint64_t offset,
                             uint16_t nb)
{
    return qvirtio_mem_request(t->m, type, t->cfg.addr + offset, nb, NULL);
}

/* Names of the memslot aliases mapped, in info mtree order ("0,1"). */
static char *test_dyn_mapped(TestDyn *t)
{
    g_autofree char *mtree = qtest_hmp(t->qts, "info mtree");
    g_autoptr(GString) names = g_string_new("");
    const char *p = mtree;

    /* Only the system tree: stop at the next address space. */
    while ((p = strstr(p, "alias memslot-")) && p < strstr(mtree,
                                                           "address-space: I/O")) {
        p += strlen("alias memslot-");
        g_string_append_printf(names, "%s%ld", names->len ? "," : "",
                               strtol(p, NULL, 10));
    }
    return g_string_free(g_steal_pointer(&names), false);
}

static void test_dyn_first_in_last_out(void)
{
    TestDyn t;
    g_autofree char *m0 = NULL, *m1 = NULL, *m2 = NULL, *m3 = NULL;
    g_autofree char *mtree = NULL;
    int required, used;

    if (!test_dyn_start(&t, NULL)) {
        return;
    }
    m0 = test_dyn_mapped(&t);
    g_assert_cmpstr(m0, ==, "");
    /* 2 GiB at the start: the first 4 GiB alias only. */
    g_assert_cmpuint(test_dyn_req(&t, QVIRTIO_MEM_REQ_PLUG, 0, 1024), ==,
                     QVIRTIO_MEM_RESP_ACK);
    m1 = test_dyn_mapped(&t);
    g_assert_cmpstr(m1, ==, "0");
    test_device_memslots(t.qts, &required, &used);
    g_assert_cmpint(required, ==, 256);
    g_assert_cmpint(used, ==, 1);
    mtree = qtest_hmp(t.qts, "info mtree");
    g_assert_nonnull(strstr(mtree, "      0000000180000000-000001017fffffff "
                                   "(prio 0, i/o): virtio-mem-memslots\r\n"
                                   "        0000000180000000-"
                                   "000000027fffffff (prio 0, ram): alias "
                                   "memslot-0 @mem0 0000000000000000-"
                                   "00000000ffffffff\r\n"));
    /* One block at 5 GiB maps alias 1; unplugging it unmaps it again. */
    g_assert_cmpuint(test_dyn_req(&t, QVIRTIO_MEM_REQ_PLUG, 5 * GiB, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    m2 = test_dyn_mapped(&t);
    g_assert_cmpstr(m2, ==, "0,1");
    g_assert_cmpuint(test_dyn_req(&t, QVIRTIO_MEM_REQ_UNPLUG, 5 * GiB, 1),
                     ==, QVIRTIO_MEM_RESP_ACK);
    /* Alias 0 stays while any of its blocks is plugged. */
    g_assert_cmpuint(test_dyn_req(&t, QVIRTIO_MEM_REQ_UNPLUG, 0, 1023), ==,
                     QVIRTIO_MEM_RESP_ACK);
    m3 = test_dyn_mapped(&t);
    g_assert_cmpstr(m3, ==, "0");
    test_dyn_stop(&t);
}

static void test_dyn_unmapped_alias_is_unassigned(void)
{
    TestDyn t;

    if (!test_dyn_start(&t, NULL)) {
        return;
    }
    g_assert_cmpuint(test_dyn_req(&t, QVIRTIO_MEM_REQ_PLUG, 0, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    qtest_writeq(t.qts, t.cfg.addr + 8, 0x5a5a);
    g_assert_cmphex(qtest_readq(t.qts, t.cfg.addr + 8), ==, 0x5a5a);
    /* Inside the usable region but in alias 1, which is not mapped. */
    qtest_writeq(t.qts, t.cfg.addr + 6 * GiB, 0x1234);
    g_assert_cmphex(qtest_readq(t.qts, t.cfg.addr + 6 * GiB), ==, 0);
    test_dyn_stop(&t);
}

static void test_dyn_unplug_all_and_reset_unmap_all(void)
{
    TestDyn t;
    g_autofree char *after_all = NULL, *after_reset = NULL;

    if (!test_dyn_start(&t, NULL)) {
        return;
    }
    test_dyn_req(&t, QVIRTIO_MEM_REQ_PLUG, 0, 1);
    test_dyn_req(&t, QVIRTIO_MEM_REQ_PLUG, 4 * GiB, 1);
    g_assert_cmpuint(test_dyn_req(&t, QVIRTIO_MEM_REQ_UNPLUG_ALL, 0, 0), ==,
                     QVIRTIO_MEM_RESP_ACK);
    after_all = test_dyn_mapped(&t);
    g_assert_cmpstr(after_all, ==, "");
    test_dyn_req(&t, QVIRTIO_MEM_REQ_PLUG, 0, 1);
    json_decref(qtest_qmp(t.qts, "{'execute': 'system_reset'}"));
    json_decref(qtest_qmp_eventwait_ref(t.qts, "RESET"));
    after_reset = test_dyn_mapped(&t);
    g_assert_cmpstr(after_reset, ==, "");
    test_dyn_stop(&t);
}

static void test_dyn_few_slots_means_one(void)
{
    TestDyn t;
    json_t *c;
    g_autofree char *mtree = NULL;
    int required, used;

    if (!test_dyn_start(&t, "-accel qtest,max-memslots=400")) {
        return;
    }
    mtree = qtest_hmp(t.qts, "info mtree");
    g_assert_null(strstr(mtree, "memslot-1"));
    test_device_memslots(t.qts, &required, &used);
    g_assert_cmpint(required, ==, 1);
    g_assert_cmpint(used, ==, 0);
    g_assert_cmpuint(test_dyn_req(&t, QVIRTIO_MEM_REQ_PLUG, 0, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    c = test_query(t.qts);
    g_assert_cmpuint(json_integer_value(json_object_get(
        json_array_get(json_object_get(c, "slots"), 2), "size")), ==, TiB);
    json_decref(c);
    test_dyn_stop(&t);
}

/* A pc-dimm (one memslot) and a virtio-mem with dynamic-memslots: the
 * device deciding second counts the DIMM's memslot and space. */
static void test_dyn_with_pc_dimm(void)
{
    TestDyn t;
    json_t *r, *list, *c;
    g_autofree char *mtree = NULL;

    if (qtest_is_reference()) {
        g_test_skip("QEMU 7.2 has no dynamic-memslots");
        return;
    }
    t.qts = qtest_init("-m 4G,slots=2,maxmem=1030G "
                       "-object memory-backend-ram,id=d0,size=2G "
                       "-device pc-dimm,id=dimm0,memdev=d0 "
                       "-object memory-backend-ram,id=mem0,size=1T,"
                       "reserve=off -device virtio-mem-pci,id=vmem0,"
                       "memdev=mem0,requested-size=8G,dynamic-memslots=on,"
                       "unplugged-inaccessible=on");
    t.m = qvirtio_mem_init(t.qts);
    qvirtio_mem_read_config(t.m, &t.cfg);
    r = qtest_qmp(t.qts, "{'execute': 'query-memory-devices'}");
    list = json_object_get(r, "return");
    g_assert_cmpuint(json_array_size(list), ==, 2);
    g_assert_cmpstr(json_string_value(json_object_get(
        json_array_get(list, 0), "type")), ==, "dimm");
    g_assert_cmpint(json_integer_value(json_object_get(json_object_get(
        json_array_get(list, 0), "data"), "slot")), ==, 0);
    g_assert_cmpstr(json_string_value(json_object_get(
        json_array_get(list, 1), "type")), ==, "virtio-mem");
    json_decref(r);
    /* 255 memslots left of the soft limit, 1026 of 1028 GiB free for a
     * 1 TiB device: 254 aliases of 4130 MiB. */
    mtree = qtest_hmp(t.qts, "info mtree");
    g_assert_nonnull(strstr(mtree, "virtio-mem-memslots"));
    g_assert_cmpuint(test_dyn_req(&t, QVIRTIO_MEM_REQ_PLUG, 0, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    c = test_query(t.qts);
    /* RAM below and above 4 GiB, the DIMM, one alias */
    g_assert_cmpint(json_integer_value(json_object_get(c, "used")), ==, 4);
    g_assert_cmpuint(json_integer_value(json_object_get(
        json_array_get(json_object_get(c, "slots"), 3), "size")), ==,
        4130 * MiB);
    json_decref(c);
    test_dyn_stop(&t);
}

/* Two 512 GiB devices in a 1 TiB area share the 256 by size: 128 aliases
 * of 4 GiB each; the second counts the first's 128 as required. */
static void test_dyn_two_devices_share(void)
{
    QTestState *qts;
    g_autofree char *mtree = NULL;
    const char *p;
    int n127 = 0;

    if (qtest_is_reference()) {
        g_test_skip("QEMU 7.2 has no dynamic-memslots");
        return;
    }
    qts = qtest_init("-m 4G,maxmem=1028G "
        "-object memory-backend-ram,id=m0,size=512G,reserve=off "
        "-object memory-backend-ram,id=m1,size=512G,reserve=off "
        "-device virtio-mem-pci,id=v0,memdev=m0,requested-size=512G,"
        "dynamic-memslots=on,unplugged-inaccessible=on "
        "-device virtio-mem-pci,id=v1,memdev=m1,requested-size=512G,"
        "dynamic-memslots=on,unplugged-inaccessible=on");
    /* Map each device's last alias: one block near its end. */
    for (int d = 0; d < 2; d++) {
        QVirtioMem *m = qvirtio_mem_init_nth(qts, d);
        QVirtioMemConfig cfg;

        qvirtio_mem_read_config(m, &cfg);
        g_assert_cmpuint(qvirtio_mem_request(m, QVIRTIO_MEM_REQ_PLUG,
                                             cfg.addr + 510 * GiB, 1, NULL),
                         ==, QVIRTIO_MEM_RESP_ACK);
        qvirtio_mem_free(m);
    }
    mtree = qtest_hmp(qts, "info mtree");
    for (p = mtree; (p = strstr(p, "alias memslot-127 ")); p++) {
        n127++;
    }
    g_assert_cmpint(n127, ==, 2);
    g_assert_null(strstr(mtree, "memslot-128"));
    qtest_quit(qts);
}

/* The headline: 1 GiB plugged of a 1 TiB device costs <= 1/200 of the
 * modeled KVM metadata with dynamic-memslots. */
static uint64_t test_dyn_device_metadata(bool dynamic)
{
    g_autofree char *args = g_strdup_printf("%s%s", TEST_DEVICE_ARGS,
        dynamic ? ",dynamic-memslots=on,unplugged-inaccessible=on" : "");
    QTestState *qts = qtest_init(args);
    QVirtioMem *m = qvirtio_mem_init(qts);
    QVirtioMemConfig cfg;
    json_t *c, *slot;
    size_t i;
    uint64_t total = 0;

    qvirtio_mem_read_config(m, &cfg);
    g_assert_cmpuint(qvirtio_mem_request(m, QVIRTIO_MEM_REQ_PLUG, cfg.addr,
                                         512, NULL), ==,
                     QVIRTIO_MEM_RESP_ACK);
    c = test_query(qts);
    json_array_foreach(json_object_get(c, "slots"), i, slot) {
        if (!strcmp(json_string_value(json_object_get(slot, "region")),
                    "mem0")) {
            total += json_integer_value(json_object_get(slot,
                                                        "kvm-metadata"));
        }
    }
    json_decref(c);
    qvirtio_mem_free(m);
    qtest_quit(qts);
    return total;
}

static void test_dyn_metadata_ratio(void)
{
    uint64_t off, on;

    if (qtest_is_reference()) {
        g_test_skip("QEMU 7.2 has no dynamic-memslots");
        return;
    }
    off = test_dyn_device_metadata(false);
    on = test_dyn_device_metadata(true);
    g_test_message("modeled KVM metadata: %" PRIu64 " B off, %" PRIu64
                   " B on", off, on);
    g_assert_cmpuint(off, ==, 2757767168ULL);
    g_assert_cmpuint(on * 200, <=, off);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/memslots/qtest/q35-with-1tib-device",
                    test_slots_of_q35_with_device);
    g_test_add_func("/memslots/qtest/max-memslots-limit",
                    test_max_memslots_limit);
    g_test_add_func("/memslots/device/no-free-memslot-is-refused",
                    test_device_without_free_memslot_refused);
    g_test_add_func("/memslots/dynamic/first-block-in-last-block-out",
                    test_dyn_first_in_last_out);
    g_test_add_func("/memslots/dynamic/unmapped-alias-is-unassigned",
                    test_dyn_unmapped_alias_is_unassigned);
    g_test_add_func("/memslots/dynamic/unplug-all-and-reset-unmap-all",
                    test_dyn_unplug_all_and_reset_unmap_all);
    g_test_add_func("/memslots/dynamic/max-memslots-400-means-one",
                    test_dyn_few_slots_means_one);
    g_test_add_func("/memslots/dynamic/pc-dimm-and-virtio-mem-accounted",
                    test_dyn_with_pc_dimm);
    g_test_add_func("/memslots/dynamic/two-devices-share-by-size",
                    test_dyn_two_devices_share);
    g_test_add_func("/memslots/dynamic/metadata-on-below-1-200th-of-off",
                    test_dyn_metadata_ratio);
    return g_test_run();
}
