/*
 * Size parsing and formatting (util/units.c).
 */
#include "qemu/osdep.h"
#include "qemu/units.h"

static void test_units_strtosz_suffixes(void)
{
    uint64_t v;

    g_assert_cmpint(qemu_strtosz("4G", 'B', &v), ==, 0);
    g_assert_cmpuint(v, ==, 4 * GiB);
    g_assert_cmpint(qemu_strtosz("1t", 'B', &v), ==, 0);
    g_assert_cmpuint(v, ==, TiB);
    g_assert_cmpint(qemu_strtosz("512", 'M', &v), ==, 0);
    g_assert_cmpuint(v, ==, 512 * MiB);
    g_assert_cmpint(qemu_strtosz("4096", 'B', &v), ==, 0);
    g_assert_cmpuint(v, ==, 4096);
    g_assert_cmpint(qemu_strtosz("1.5G", 'B', &v), ==, 0);
    g_assert_cmpuint(v, ==, GiB + GiB / 2);
    g_assert_cmpint(qemu_strtosz("0x1000", 'B', &v), ==, 0);
    g_assert_cmpuint(v, ==, 0x1000);
}

static void test_units_strtosz_invalid(void)
{
    uint64_t v = 42;

    g_assert_cmpint(qemu_strtosz("", 'B', &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtosz("G", 'B', &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtosz("4X", 'B', &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtosz("4GG", 'B', &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtosz("-1", 'B', &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtosz("16E", 'B', &v), ==, -ERANGE);
    g_assert_cmpint(qemu_strtosz("0.3B", 'B', &v), ==, -EINVAL);
    g_assert_cmpuint(v, ==, 42);
}

static void test_units_size_str(void)
{
    g_assert_cmpstr(size_str(2 * MiB).s, ==, "2 MiB");
    g_assert_cmpstr(size_str(TiB).s, ==, "1 TiB");
    g_assert_cmpstr(size_str(GiB + GiB / 2).s, ==, "1.5 GiB");
    g_assert_cmpstr(size_str(3 * MiB + 1).s, ==, "3145729 B");
    g_assert_cmpstr(size_str(0).s, ==, "0 B");
    g_assert_cmpstr(size_str(1023).s, ==, "1023 B");
}

static void test_units_strtou64(void)
{
    uint64_t v;

    g_assert_cmpint(qemu_strtou64("0x10", &v), ==, 0);
    g_assert_cmpuint(v, ==, 16);
    g_assert_cmpint(qemu_strtou64("18446744073709551615", &v), ==, 0);
    g_assert_cmpuint(v, ==, UINT64_MAX);
    g_assert_cmpint(qemu_strtou64("18446744073709551616", &v), ==, -ERANGE);
    g_assert_cmpint(qemu_strtou64("12a", &v), ==, -EINVAL);
    g_assert_cmpint(qemu_strtou64("-1", &v), ==, -EINVAL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/units/strtosz/suffixes", test_units_strtosz_suffixes);
    g_test_add_func("/units/strtosz/invalid-is-error",
                    test_units_strtosz_invalid);
    g_test_add_func("/units/size-str/human-or-exact", test_units_size_str);
    g_test_add_func("/units/strtou64/range-and-junk", test_units_strtou64);
    return g_test_run();
}
