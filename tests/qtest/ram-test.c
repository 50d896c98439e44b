/*
 * Guest RAM of a q35 machine with -m 4G seen through qtest: 2 GiB below
 * 4 GiB and 2 GiB from 4 GiB up keep what is written; unassigned space
 * drops writes and reads back 0.  Runs against hotmem and QEMU 7.2.
 */
#include "qemu/osdep.h"
#include "libqtest.h"

static QTestState *test_start(void)
{
    return qtest_init("-m 4G");
}

static void test_pattern_at(QTestState *s, uint64_t gpa)
{
    uint64_t pattern = 0x0123456789abcdefULL ^ gpa;

    qtest_writeq(s, gpa, pattern);
    g_assert_cmphex(qtest_readq(s, gpa), ==, pattern);
    qtest_writeb(s, gpa + 0xff8, 0xa5);
    g_assert_cmphex(qtest_readb(s, gpa + 0xff8), ==, 0xa5);
}

static void test_below_4g_keeps_data(void)
{
    QTestState *s = test_start();

    test_pattern_at(s, 0x100000);
    test_pattern_at(s, 0x7ffff000);     /* last page of low RAM */
    qtest_quit(s);
}

static void test_above_4g_keeps_data(void)
{
    QTestState *s = test_start();

    test_pattern_at(s, 0x100000000ULL);
    test_pattern_at(s, 0x17ffff000ULL); /* last page of high RAM */
    /* Distinct memory: writing high RAM left low RAM alone. */
    qtest_writeq(s, 0x100000, 0x1111);
    qtest_writeq(s, 0x100100000ULL, 0x2222);
    g_assert_cmphex(qtest_readq(s, 0x100000), ==, 0x1111);
    g_assert_cmphex(qtest_readq(s, 0x100100000ULL), ==, 0x2222);
    qtest_quit(s);
}

static void test_unassigned_drops_writes(void)
{
    QTestState *s = test_start();

    qtest_writeq(s, 0x1000000000ULL, 0xdeadbeefcafef00dULL);
    g_assert_cmphex(qtest_readq(s, 0x1000000000ULL), ==, 0);
    /* Just past the end of high RAM. */
    qtest_writel(s, 0x180000000ULL, 0x12345678);
    g_assert_cmphex(qtest_readl(s, 0x180000000ULL), ==, 0);
    qtest_quit(s);
}

static void test_last_page_buffer(void)
{
    QTestState *s = test_start();
    uint8_t in[4096], out[4096];

    for (unsigned i = 0; i < sizeof(in); i++) {
        in[i] = (uint8_t)(i * 13 + 1);
    }
    qtest_memwrite(s, 0x17ffff000ULL, in, sizeof(in));
    qtest_memread(s, 0x17ffff000ULL, out, sizeof(out));
    g_assert_cmpmem(in, sizeof(in), out, sizeof(out));
    qtest_quit(s);
}

/* info mtree shows q35's RAM split as QEMU does for -m 4G. */
static void test_mtree_ram_aliases(void)
{
    QTestState *s = test_start();
    g_autofree char *out = qtest_hmp(s, "info mtree");

    g_assert_nonnull(strstr(out, "\r\n    0000000000000000-000000007fffffff "
                            "(prio 0, ram): alias ram-below-4g @pc.ram "
                            "0000000000000000-000000007fffffff\r\n"));
    g_assert_nonnull(strstr(out, "\r\n    0000000100000000-000000017fffffff "
                            "(prio 0, ram): alias ram-above-4g @pc.ram "
                            "0000000080000000-00000000ffffffff\r\n"));
    g_assert_nonnull(strstr(out, "memory-region: pc.ram\r\n"
                            "  0000000000000000-00000000ffffffff "
                            "(prio 0, ram): pc.ram\r\n"));
    qtest_quit(s);
}

/*
 * -machine memory-backend=ID: the backend's region is the initial RAM
 * (shared memfd, as vhost-user needs); its size comes from the backend.
 */
static void test_memory_backend_is_ram(void)
{
    QTestState *s = qtest_init("-machine memory-backend=r0 "
                               "-object memory-backend-memfd,id=r0,size=4G,"
                               "share=on");
    g_autofree char *out = qtest_hmp(s, "info mtree");

    test_pattern_at(s, 0x100000);
    test_pattern_at(s, 0x17ffff000);    /* last page above 4 GiB */
    g_assert_nonnull(strstr(out, "alias ram-below-4g @r0 "
                            "0000000000000000-000000007fffffff\r\n"));
    g_assert_nonnull(strstr(out, "alias ram-above-4g @r0 "
                            "0000000080000000-00000000ffffffff\r\n"));
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ram/below-4g/keeps-data", test_below_4g_keeps_data);
    g_test_add_func("/ram/mtree/q35-4g-aliases", test_mtree_ram_aliases);
    g_test_add_func("/ram/memory-backend/is-initial-ram",
                    test_memory_backend_is_ram);
    g_test_add_func("/ram/above-4g/keeps-data", test_above_4g_keeps_data);
    g_test_add_func("/ram/unassigned/write-dropped-reads-zero",
                    test_unassigned_drops_writes);
    g_test_add_func("/ram/above-4g/last-page-buffer-round-trip",
                    test_last_page_buffer);
    return g_test_run();
}
