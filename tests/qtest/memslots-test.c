/*
 * The accelerator's memslot table through the binary (hotmem extension):
 * x-query-memslots and HMP info memslots on the qtest accelerator, its
 * max-memslots limit, and the modeled KVM metadata of a 1 TiB device
 * mapped whole (what dynamic-memslots will avoid).
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"

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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/memslots/qtest/q35-with-1tib-device",
                    test_slots_of_q35_with_device);
    g_test_add_func("/memslots/qtest/max-memslots-limit",
                    test_max_memslots_limit);
    return g_test_run();
}
