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
    return g_test_run();
}
