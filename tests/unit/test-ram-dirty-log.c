/*
 * The RAM dirty log (softmmu/dirty-log.c): off until started, then every
 * write through address_space_write / _st / _set and every pointer
 * address_space_map_ram hands out for writing marks its pages, read
 * accesses mark nothing, a sync hands the pages over and starts afresh,
 * and stop forgets them.  Migration's use of it is in migration-test.c.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bitmap.h"
#include "exec/memory.h"
#include "exec/ram-dirty-log.h"

#define TEST_PAGE RAM_DIRTY_PAGE_SIZE
#define TEST_BASE 0x100000

typedef struct TestSpace {
    MemoryRegion root;
    MemoryRegion ram;
    AddressSpace as;
    RAMBlock *rb;
} TestSpace;

static void test_space_init(TestSpace *t)
{
    memset(t, 0, sizeof(*t));
    memory_region_init(&t->root, NULL, "root", 0x100000000ull);
    g_assert_true(memory_region_init_ram(&t->ram, NULL, "dirty-ram", 4 * MiB,
                                         &error_abort));
    memory_region_add_subregion(&t->root, TEST_BASE, &t->ram);
    address_space_init(&t->as, &t->root, "test");
    t->rb = memory_region_get_ram_block(&t->ram);
}

static void test_space_destroy(TestSpace *t)
{
    address_space_destroy(&t->as);
    memory_region_finalize(&t->root);
    memory_region_finalize(&t->ram);
}

/* The pages a sync returns, as a sorted list of page numbers. */
static GArray *test_sync(TestSpace *t)
{
    GArray *pages = g_array_new(false, false, sizeof(uint64_t));
    uint64_t nb_pages = 4 * MiB / TEST_PAGE;
    uint64_t nb_dirty;
    g_autofree unsigned long *map = ram_block_dirty_log_sync(t->rb,
                                                             &nb_dirty);

    for (uint64_t p = 0; map && p < nb_pages; p++) {
        if (test_bit(p, map)) {
            g_array_append_val(pages, p);
        }
    }
    g_assert_cmpuint(pages->len, ==, nb_dirty);
    g_assert_true(map || nb_dirty == 0);
    return pages;
}

static void test_expect_pages(TestSpace *t, const uint64_t *want, guint n)
{
    g_autoptr(GArray) got = test_sync(t);

    g_assert_cmpuint(got->len, ==, n);
    for (guint i = 0; i < n; i++) {
        g_assert_cmpuint(g_array_index(got, uint64_t, i), ==, want[i]);
    }
}

static void test_off_marks_nothing(void)
{
    TestSpace t;
    uint64_t nb;

    test_space_init(&t);
    g_assert_false(ram_dirty_log_is_active());
    address_space_write(&t.as, TEST_BASE, "x", 1);
    g_assert_null(ram_block_dirty_log_sync(t.rb, &nb));
    g_assert_cmpuint(nb, ==, 0);
    test_space_destroy(&t);
}

static void test_writes_mark_pages(void)
{
    static const uint64_t want[] = { 0, 3, 4, 9, 10, 11, 20 };
    TestSpace t;
    hwaddr len = 3 * TEST_PAGE;
    uint8_t buf[16];
    void *p;

    test_space_init(&t);
    ram_dirty_log_start();
    address_space_write(&t.as, TEST_BASE + 5, "abc", 3);
    /* 2 bytes across the boundary of pages 3 and 4 */
    address_space_write(&t.as, TEST_BASE + 4 * TEST_PAGE - 1, "de", 2);
    address_space_st(&t.as, TEST_BASE + 20 * TEST_PAGE + 8, 1, 8);
    p = address_space_map_ram(&t.as, TEST_BASE + 9 * TEST_PAGE, &len, true);
    g_assert_nonnull(p);
    /* reads mark nothing */
    address_space_read(&t.as, TEST_BASE + 30 * TEST_PAGE, buf, sizeof(buf));
    len = TEST_PAGE;
    g_assert_nonnull(address_space_map_ram(&t.as, TEST_BASE + 40 * TEST_PAGE,
                                           &len, false));
    test_expect_pages(&t, want, G_N_ELEMENTS(want));
    /* the sync started afresh */
    test_expect_pages(&t, NULL, 0);
    address_space_set(&t.as, TEST_BASE + 100 * TEST_PAGE, 0x11,
                      2 * TEST_PAGE);
    test_expect_pages(&t, (const uint64_t[]) { 100, 101 }, 2);
    ram_dirty_log_stop();
    test_space_destroy(&t);
}

static void test_nested_start_stop(void)
{
    TestSpace t;
    uint64_t nb;

    test_space_init(&t);
    ram_dirty_log_start();
    ram_dirty_log_start();
    ram_dirty_log_stop();
    g_assert_true(ram_dirty_log_is_active());
    address_space_write(&t.as, TEST_BASE, "x", 1);
    test_expect_pages(&t, (const uint64_t[]) { 0 }, 1);
    address_space_write(&t.as, TEST_BASE, "x", 1);
    ram_dirty_log_stop();
    g_assert_false(ram_dirty_log_is_active());
    /* stopped: what was marked is gone */
    g_assert_null(ram_block_dirty_log_sync(t.rb, &nb));
    test_space_destroy(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ram-dirty-log/off/marks-nothing",
                    test_off_marks_nothing);
    g_test_add_func("/ram-dirty-log/writes/mark-their-pages",
                    test_writes_mark_pages);
    g_test_add_func("/ram-dirty-log/start-stop/nest",
                    test_nested_start_stop);
    return g_test_run();
}
