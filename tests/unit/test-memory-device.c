/*
 * Placement in the device-memory area (hw/mem/memory-device.c): first fit
 * with alignment, memaddr checks, and the messages.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/mem/memory-device.h"

#define AREA_BASE (0x140000000ULL)
#define AREA_SIZE (16 * GiB)

static void test_md_first_fit_empty(void)
{
    uint64_t addr = 0;

    g_assert_true(memory_device_assign_addr(AREA_BASE, AREA_SIZE, NULL, 0,
                                            2 * MiB, GiB, NULL, &addr,
                                            &error_abort));
    g_assert_cmphex(addr, ==, AREA_BASE);
}

static void test_md_first_fit_gap(void)
{
    const MemoryDeviceRange used[] = {
        { AREA_BASE, GiB, "a" },
        { AREA_BASE + 3 * GiB, GiB, "b" },
    };
    uint64_t addr = 0;

    /* 2 GiB fits between a and b. */
    g_assert_true(memory_device_assign_addr(AREA_BASE, AREA_SIZE, used, 2,
                                            GiB, 2 * GiB, NULL, &addr,
                                            &error_abort));
    g_assert_cmphex(addr, ==, AREA_BASE + GiB);
    /* 3 GiB does not: after b. */
    g_assert_true(memory_device_assign_addr(AREA_BASE, AREA_SIZE, used, 2,
                                            GiB, 3 * GiB, NULL, &addr,
                                            &error_abort));
    g_assert_cmphex(addr, ==, AREA_BASE + 4 * GiB);
}

static void test_md_alignment_respected(void)
{
    const MemoryDeviceRange used[] = { { AREA_BASE, 2 * MiB, "a" } };
    uint64_t addr = 0;

    g_assert_true(memory_device_assign_addr(AREA_BASE, AREA_SIZE, used, 1,
                                            GiB, GiB, NULL, &addr,
                                            &error_abort));
    g_assert_cmphex(addr, ==, AREA_BASE + GiB);
}

static void test_md_full_is_error(void)
{
    const MemoryDeviceRange used[] = { { AREA_BASE, 15 * GiB, "a" } };
    Error *err = NULL;
    uint64_t addr = 42;

    g_assert_false(memory_device_assign_addr(AREA_BASE, AREA_SIZE, used, 1,
                                             2 * MiB, 2 * GiB, NULL, &addr,
                                             &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "could not find position in guest address space for "
                    "memory device - memory fragmented due to alignments");
    g_assert_cmpuint(addr, ==, 42);
    error_free(err);
}

static void test_md_hint_checks(void)
{
    const MemoryDeviceRange used[] = { { AREA_BASE + GiB, GiB, "dimm0" } };
    uint64_t hint, addr = 0;
    Error *err = NULL;

    hint = AREA_BASE + 4096;
    g_assert_false(memory_device_assign_addr(AREA_BASE, AREA_SIZE, used, 1,
                                             2 * MiB, GiB, &hint, &addr,
                                             &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "address 0x140001000 must be aligned to 0x200000 bytes "
                    "(2 MiB)");
    g_clear_pointer(&err, error_free);

    hint = AREA_BASE + GiB + GiB / 2;
    g_assert_false(memory_device_assign_addr(AREA_BASE, AREA_SIZE, used, 1,
                                             2 * MiB, GiB, &hint, &addr,
                                             &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "address range conflicts with memory device id='dimm0'");
    g_clear_pointer(&err, error_free);

    hint = AREA_BASE + AREA_SIZE - GiB / 2;
    g_assert_false(memory_device_assign_addr(AREA_BASE, AREA_SIZE, used, 1,
                                             2 * MiB, GiB, &hint, &addr,
                                             &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "can't add memory device [0x520000000:0x40000000], "
                    "usable range for memory devices "
                    "[0x140000000:0x400000000]");
    g_clear_pointer(&err, error_free);

    hint = AREA_BASE + 2 * GiB;
    g_assert_true(memory_device_assign_addr(AREA_BASE, AREA_SIZE, used, 1,
                                            2 * MiB, GiB, &hint, &addr,
                                            &error_abort));
    g_assert_cmphex(addr, ==, AREA_BASE + 2 * GiB);
}

/* ---- memslot decision (VIRTIO-MEM-FACTS.md, "Memslots") ---- */

static MemoryDeviceMemslotView test_md_view(void)
{
    MemoryDeviceMemslotView v = {
        .consumers_max = 32764, .consumers_free = 32700,
        .area_size = TiB,
    };

    return v;
}

static void test_md_memslots_few_slots_means_one(void)
{
    MemoryDeviceMemslotView v = test_md_view();

    v.consumers_max = 508;          /* e.g. a vhost backend with 508 */
    v.consumers_free = 500;
    g_assert_cmpuint(memory_device_decide_memslots(&v, TiB), ==, 1);
    v.consumers_max = 509;
    g_assert_cmpuint(memory_device_decide_memslots(&v, TiB), ==, 256);
}

static void test_md_memslots_soft_limit_used_up(void)
{
    MemoryDeviceMemslotView v = test_md_view();

    v.required = 256;
    g_assert_cmpuint(memory_device_decide_memslots(&v, TiB / 2), ==, 1);
}

static void test_md_memslots_lone_device(void)
{
    MemoryDeviceMemslotView v = test_md_view();

    g_assert_cmpuint(memory_device_decide_memslots(&v, TiB), ==, 256);
    v.area_size = 16 * GiB;
    g_assert_cmpuint(memory_device_decide_memslots(&v, 16 * GiB), ==, 256);
}

static void test_md_memslots_shared_by_size(void)
{
    MemoryDeviceMemslotView v = test_md_view();

    /* First of two 512 GiB devices: half of the space, half the slots. */
    g_assert_cmpuint(memory_device_decide_memslots(&v, TiB / 2), ==, 128);
    /* The second: the rest of the space and of the soft limit. */
    v.required = 128;
    v.area_used = TiB / 2;
    g_assert_cmpuint(memory_device_decide_memslots(&v, TiB / 2), ==, 128);
    /* A quarter of the remaining space: a quarter of what is left. */
    g_assert_cmpuint(memory_device_decide_memslots(&v, TiB / 8), ==, 32);
}

static void test_md_memslots_reserved_not_free(void)
{
    MemoryDeviceMemslotView v = test_md_view();

    v.consumers_max = 512;
    v.consumers_free = 300;
    v.reserved = 200;               /* promised to devices not mapped yet */
    g_assert_cmpuint(memory_device_decide_memslots(&v, TiB), ==, 100);
    v.reserved = 400;
    g_assert_cmpuint(memory_device_decide_memslots(&v, TiB), ==, 1);
}

static void test_md_memslots_tiny_device(void)
{
    MemoryDeviceMemslotView v = test_md_view();

    g_assert_cmpuint(memory_device_decide_memslots(&v, 100 * MiB), ==, 1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/memory-device/assign/first-fit-empty",
                    test_md_first_fit_empty);
    g_test_add_func("/memory-device/assign/first-fit-gap",
                    test_md_first_fit_gap);
    g_test_add_func("/memory-device/assign/alignment-respected",
                    test_md_alignment_respected);
    g_test_add_func("/memory-device/assign/full-is-error",
                    test_md_full_is_error);
    g_test_add_func("/memory-device/assign/memaddr-checks",
                    test_md_hint_checks);
    g_test_add_func("/memory-device/memslots/few-slots-means-one",
                    test_md_memslots_few_slots_means_one);
    g_test_add_func("/memory-device/memslots/soft-limit-used-up-means-one",
                    test_md_memslots_soft_limit_used_up);
    g_test_add_func("/memory-device/memslots/lone-device-gets-256",
                    test_md_memslots_lone_device);
    g_test_add_func("/memory-device/memslots/shared-by-size",
                    test_md_memslots_shared_by_size);
    g_test_add_func("/memory-device/memslots/reserved-are-not-free",
                    test_md_memslots_reserved_not_free);
    g_test_add_func("/memory-device/memslots/tiny-device-gets-one",
                    test_md_memslots_tiny_device);
    return g_test_run();
}
