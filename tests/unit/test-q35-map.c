/*
 * Unit tests of the q35 memory map computation (hw/i386/pc_q35.c,
 * pc_q35_compute_memory_map).  Every expected value was measured on QEMU
 * 7.2 (Debian 1:7.2+dfsg-7+deb12u18, "qemu-system-x86_64 -M q35 -cpu
 * Skylake-Client -m ..." then qom-get /machine/q35 below-4g-mem-size,
 * above-4g-mem-size, pci-hole-start/end, pci-hole64-start/end and
 * /machine device-memory-region-size); the command line is in each case.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/i386/pc.h"

typedef struct Q35MapCase {
    const char *path;           /* test path */
    uint64_t ram_size;
    uint64_t maxram_size;
    uint64_t ram_slots;
    uint64_t below_4g;          /* expected values */
    uint64_t above_4g;
    uint64_t devmem_size;       /* 0: no device memory */
    uint64_t hole64_start;
    uint64_t hole64_end;
} Q35MapCase;

/* hole64 end = start + 32 GiB (pci-hole64-size 0x800000000) everywhere. */
static const Q35MapCase test_q35_map_cases[] = {
    /* -m 128M */
    { "/q35-map/ram-only/128M-stays-below-4g", 128 * MiB, 128 * MiB, 0,
      0x8000000, 0, 0, 0x100000000, 0x900000000 },
    /* -m 2G */
    { "/q35-map/ram-only/2G-stays-below-4g", 2 * GiB, 2 * GiB, 0,
      0x80000000, 0, 0, 0x100000000, 0x900000000 },
    /* -m 1G,maxmem=1G: maxmem equal to size adds no device memory */
    { "/q35-map/ram-only/maxmem-equal-has-no-device-memory", 1 * GiB,
      1 * GiB, 0, 0x40000000, 0, 0, 0x100000000, 0x900000000 },
    /* -m 2816M: exactly 0xb0000000, the first size that is split */
    { "/q35-map/ram-only/2816M-splits-at-2G", 2816 * MiB, 2816 * MiB, 0,
      0x80000000, 0x30000000, 0, 0x140000000, 0x940000000 },
    /* -m 3G */
    { "/q35-map/ram-only/3G-splits-at-2G", 3 * GiB, 3 * GiB, 0,
      0x80000000, 0x40000000, 0, 0x140000000, 0x940000000 },
    /* -m 4G */
    { "/q35-map/ram-only/4G-splits-at-2G", 4 * GiB, 4 * GiB, 0,
      0x80000000, 0x80000000, 0, 0x180000000, 0x980000000 },
    /* -m 4G,maxmem=8G */
    { "/q35-map/device-memory/no-slots-no-slack", 4 * GiB, 8 * GiB, 0,
      0x80000000, 0x80000000, 0x100000000, 0x280000000, 0xa80000000 },
    /* -m 4G,slots=4,maxmem=8G */
    { "/q35-map/device-memory/1G-slack-per-slot", 4 * GiB, 8 * GiB, 4,
      0x80000000, 0x80000000, 0x200000000, 0x380000000, 0xb80000000 },
    /* -m 2G,slots=1,maxmem=4G: no RAM above 4G, area starts at 4G */
    { "/q35-map/device-memory/starts-at-4G-without-high-ram", 2 * GiB,
      4 * GiB, 1, 0x80000000, 0, 0xc0000000, 0x1c0000000, 0x9c0000000 },
    /* -m 16G,slots=2,maxmem=64G */
    { "/q35-map/device-memory/16G-64G-2-slots", 16 * GiB, 64 * GiB, 2,
      0x80000000, 0x380000000, 0xc80000000, 0x1100000000, 0x1900000000 },
    /* -m 4G,maxmem=8589938688 (8G + 4K): hole64 rounded up to 1 GiB */
    { "/q35-map/device-memory/hole64-start-rounded-to-1G", 4 * GiB,
      8 * GiB + 4 * KiB, 0, 0x80000000, 0x80000000, 0x100001000,
      0x2c0000000, 0xac0000000 },
    /* -m 4G,slots=256,maxmem=8G (qom-get pci-hole64-start 285615325184) */
    { "/q35-map/device-memory/256-slots-accepted", 4 * GiB, 8 * GiB, 256,
      0x80000000, 0x80000000, 0x4100000000, 0x4280000000, 0x4a80000000 },
};

static void test_q35_map_case(const void *opaque)
{
    const Q35MapCase *c = opaque;
    PcMemoryMap map;
    Error *err = NULL;

    g_assert_true(pc_q35_compute_memory_map(c->ram_size, c->maxram_size,
                                            c->ram_slots, 48, &map, &err));
    g_assert_null(err);
    g_assert_cmphex(map.below_4g_mem_size, ==, c->below_4g);
    g_assert_cmphex(map.above_4g_mem_size, ==, c->above_4g);
    g_assert_cmphex(map.pci_hole_start, ==, c->below_4g);
    g_assert_cmphex(map.pci_hole_end, ==, 0xfec00000);
    g_assert_cmphex(map.pci_hole64_start, ==, c->hole64_start);
    g_assert_cmphex(map.pci_hole64_end, ==, c->hole64_end);
    g_assert_cmphex(map.pci_hole64_size, ==, 0x800000000);
    g_assert_cmpint(map.has_device_memory, ==, c->devmem_size != 0);
    g_assert_cmphex(map.device_memory_size, ==, c->devmem_size);
}

/* -m 4G,maxmem=2T (phys-bits 48): the area sits right above high RAM. */
static void test_q35_map_device_memory_base(void)
{
    PcMemoryMap map;

    g_assert_true(pc_q35_compute_memory_map(4 * GiB, 2 * TiB, 0, 48, &map,
                                            NULL));
    g_assert_cmphex(map.device_memory_base, ==, 0x180000000);
    g_assert_cmphex(map.device_memory_size, ==, 2 * TiB - 4 * GiB);
    g_assert_cmphex(map.pci_hole64_start, ==, 0x20080000000);
    g_assert_cmphex(map.max_used_gpa, ==, 0x2087fffffff);
}

static void test_q35_map_error(uint64_t ram_size, uint64_t maxram_size,
                               uint64_t ram_slots, unsigned int phys_bits,
                               const char *message)
{
    PcMemoryMap map = { .below_4g_mem_size = 12345 };
    Error *err = NULL;

    g_assert_false(pc_q35_compute_memory_map(ram_size, maxram_size,
                                             ram_slots, phys_bits, &map,
                                             &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, message);
    g_assert_cmpuint(map.below_4g_mem_size, ==, 12345);  /* untouched */
    error_free(err);
}

/* QEMU 7.2, -cpu Skylake-Client -m 4G,maxmem=2T: refused at phys-bits 40. */
static void test_q35_map_phys_bits_too_low(void)
{
    test_q35_map_error(4 * GiB, 2 * TiB, 0, 40,
                       "Address space limit 0xffffffffff < 0x2087fffffff phys-bits too low (40)");
}

/* QEMU 7.2, -cpu Skylake-Client -m 4G,slots=8,maxmem=1T. */
static void test_q35_map_phys_bits_slots(void)
{
    test_q35_map_error(4 * GiB, 1 * TiB, 8, 40,
                       "Address space limit 0xffffffffff < 0x10a7fffffff phys-bits too low (40)");
}

/* 32 address bits: QEMU skips the check (no 64-bit hole). */
static void test_q35_map_phys_bits_32_not_checked(void)
{
    PcMemoryMap map;

    g_assert_true(pc_q35_compute_memory_map(4 * GiB, 8 * GiB, 0, 32, &map,
                                            NULL));
}

/* QEMU 7.2: -m 4G,slots=257,maxmem=8G. */
static void test_q35_map_too_many_slots(void)
{
    test_q35_map_error(4 * GiB, 8 * GiB, 257, 48,
                       "unsupported amount of memory slots: 257");
}

/* QEMU 7.2: -m 4G,maxmem=8589934593. */
static void test_q35_map_maxmem_unaligned(void)
{
    test_q35_map_error(4 * GiB, 8 * GiB + 1, 0, 48,
                       "maximum memory size must by aligned to multiple of 4096 bytes");
}

static void test_q35_map_maxmem_overflow(void)
{
    test_q35_map_error(4 * GiB, UINT64_MAX - 4095, 0, 48,
                       "unsupported amount of maximum memory: fffffffffffff000");
}

int main(int argc, char **argv)
{
    size_t i;

    g_test_init(&argc, &argv, NULL);
    for (i = 0; i < ARRAY_SIZE(test_q35_map_cases); i++) {
        g_test_add_data_func(test_q35_map_cases[i].path,
                             &test_q35_map_cases[i], test_q35_map_case);
    }
    g_test_add_func("/q35-map/device-memory/base-above-high-ram",
                    test_q35_map_device_memory_base);
    g_test_add_func("/q35-map/phys-bits/2T-at-40-bits-is-error",
                    test_q35_map_phys_bits_too_low);
    g_test_add_func("/q35-map/phys-bits/slot-slack-counts",
                    test_q35_map_phys_bits_slots);
    g_test_add_func("/q35-map/phys-bits/32-bits-not-checked",
                    test_q35_map_phys_bits_32_not_checked);
    g_test_add_func("/q35-map/checks/more-than-256-slots-is-error",
                    test_q35_map_too_many_slots);
    g_test_add_func("/q35-map/checks/unaligned-maxmem-is-error",
                    test_q35_map_maxmem_unaligned);
    g_test_add_func("/q35-map/checks/maxmem-overflow-is-error",
                    test_q35_map_maxmem_overflow);
    return g_test_run();
}
