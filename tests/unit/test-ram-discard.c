/*
 * Unit tests of RamDiscardManager plumbing (softmmu/ram-discard.c): a
 * test bitmap manager (one bit per 4 KiB block of a RAM region, written
 * here) drives listeners that record what they are told.  Checks replay
 * on register, discard on unregister, replay of discarded runs, clipping
 * to each listener's section, and the rollback of a refused populate.
 */
#include "qemu/osdep.h"
#include "exec/memory.h"

#define TEST_BLOCK_SIZE 0x1000
#define TEST_NB_BLOCKS 64
#define TEST_GPA 0x100000

/* ---- the test bitmap manager ---- */

typedef struct TestBitmapManager {
    RamDiscardManager rdm;
    MemoryRegion *mr;
    bool populated[TEST_NB_BLOCKS];
} TestBitmapManager;

static TestBitmapManager *test_bitmap_manager(const RamDiscardManager *rdm)
{
    return container_of(rdm, TestBitmapManager, rdm);
}

static uint64_t test_bitmap_get_min_granularity(const RamDiscardManager *rdm,
                                                const MemoryRegion *mr)
{
    return TEST_BLOCK_SIZE;
}

static bool test_bitmap_is_populated(const RamDiscardManager *rdm,
                                     const MemoryRegionSection *s)
{
    TestBitmapManager *m = test_bitmap_manager(rdm);
    uint64_t first = s->offset_within_region / TEST_BLOCK_SIZE;
    uint64_t end = (s->offset_within_region + s->size) / TEST_BLOCK_SIZE;

    for (uint64_t b = first; b < end; b++) {
        if (!m->populated[b]) {
            return false;
        }
    }
    return true;
}

/* The section of blocks [b, e) of s. */
static void test_bitmap_section_of_run(const MemoryRegionSection *s,
                                       uint64_t b, uint64_t e,
                                       MemoryRegionSection *out)
{
    *out = *s;
    out->offset_within_region = b * TEST_BLOCK_SIZE;
    out->size = (e - b) * TEST_BLOCK_SIZE;
    out->offset_within_address_space = s->offset_within_address_space +
                                       (out->offset_within_region -
                                        s->offset_within_region);
}

/* Call fn for each run of blocks whose state is want, inside s. */
static int test_bitmap_for_each_run(TestBitmapManager *m,
                                    MemoryRegionSection *s, bool want,
                                    ReplayRamPopulate fn, void *opaque)
{
    uint64_t first = s->offset_within_region / TEST_BLOCK_SIZE;
    uint64_t end = (s->offset_within_region + s->size) / TEST_BLOCK_SIZE;

    for (uint64_t b = first; b < end;) {
        uint64_t e = b;
        MemoryRegionSection run;
        int ret;

        if (m->populated[b] != want) {
            b++;
            continue;
        }
        while (e < end && m->populated[e] == want) {
            e++;
        }
        test_bitmap_section_of_run(s, b, e, &run);
        ret = fn(&run, opaque);
        if (ret) {
            return ret;
        }
        b = e;
    }
    return 0;
}

static int test_bitmap_replay_populated(const RamDiscardManager *rdm,
                                        MemoryRegionSection *s,
                                        ReplayRamPopulate fn, void *opaque)
{
    return test_bitmap_for_each_run(test_bitmap_manager(rdm), s, true, fn,
                                    opaque);
}

typedef struct TestDiscardReplay {
    ReplayRamDiscard fn;
    void *opaque;
} TestDiscardReplay;

static int test_bitmap_discard_run(MemoryRegionSection *s, void *opaque)
{
    TestDiscardReplay *r = opaque;

    r->fn(s, r->opaque);
    return 0;
}

static void test_bitmap_replay_discarded(const RamDiscardManager *rdm,
                                         MemoryRegionSection *s,
                                         ReplayRamDiscard fn, void *opaque)
{
    TestDiscardReplay r = { .fn = fn, .opaque = opaque };

    test_bitmap_for_each_run(test_bitmap_manager(rdm), s, false,
                             test_bitmap_discard_run, &r);
}

static const RamDiscardManagerOps test_bitmap_ops = {
    .get_min_granularity = test_bitmap_get_min_granularity,
    .is_populated = test_bitmap_is_populated,
    .replay_populated = test_bitmap_replay_populated,
    .replay_discarded = test_bitmap_replay_discarded,
};

/* Populate blocks [first, first + n): listeners first, bitmap if all agree. */
static int test_bitmap_populate(TestBitmapManager *m, uint64_t first,
                                uint64_t n)
{
    int ret = ram_discard_manager_notify_populate(&m->rdm, m->mr,
                                                  first * TEST_BLOCK_SIZE,
                                                  n * TEST_BLOCK_SIZE);

    for (uint64_t b = first; !ret && b < first + n; b++) {
        m->populated[b] = true;
    }
    return ret;
}

static void test_bitmap_discard(TestBitmapManager *m, uint64_t first,
                                uint64_t n)
{
    for (uint64_t b = first; b < first + n; b++) {
        m->populated[b] = false;
    }
    ram_discard_manager_notify_discard(&m->rdm, m->mr, first * TEST_BLOCK_SIZE,
                                       n * TEST_BLOCK_SIZE);
}

/* ---- a recording listener ---- */

typedef struct TestRdl {
    RamDiscardListener rdl;
    const char *tag;
    GPtrArray *events;      /* shared between listeners of a test */
    int fail_with;          /* notify_populate returns this when non-zero */
} TestRdl;

static void test_rdl_record(RamDiscardListener *rdl, const char *what,
                            MemoryRegionSection *s)
{
    TestRdl *t = container_of(rdl, TestRdl, rdl);

    g_ptr_array_add(t->events,
                    g_strdup_printf("%s %s 0x%" PRIx64 "+0x%" PRIx64
                                    " gpa 0x%" PRIx64, t->tag, what,
                                    s->offset_within_region, s->size,
                                    s->offset_within_address_space));
}

static int test_rdl_populate(RamDiscardListener *rdl, MemoryRegionSection *s)
{
    TestRdl *t = container_of(rdl, TestRdl, rdl);

    test_rdl_record(rdl, t->fail_with ? "refuse" : "populate", s);
    return t->fail_with;
}

static void test_rdl_discard(RamDiscardListener *rdl, MemoryRegionSection *s)
{
    test_rdl_record(rdl, "discard", s);
}

static void test_rdl_init(TestRdl *t, const char *tag, GPtrArray *events)
{
    memset(t, 0, sizeof(*t));
    ram_discard_listener_init(&t->rdl, test_rdl_populate, test_rdl_discard);
    t->tag = tag;
    t->events = events;
}

static void test_assert_events(GPtrArray *events, const char *const *expected)
{
    guint n = 0;

    for (; expected[n]; n++) {
        g_assert_cmpuint(n, <, events->len);
        g_assert_cmpstr(g_ptr_array_index(events, n), ==, expected[n]);
    }
    g_assert_cmpuint(events->len, ==, n);
    g_ptr_array_set_size(events, 0);
}

/* ---- fixture ---- */

typedef struct TestWorld {
    MemoryRegion ram;
    void *host;
    TestBitmapManager mgr;
    GPtrArray *events;
} TestWorld;

static void test_world_init(TestWorld *w)
{
    memset(w, 0, sizeof(*w));
    w->host = g_malloc0(TEST_NB_BLOCKS * TEST_BLOCK_SIZE);
    memory_region_init_ram_ptr(&w->ram, NULL, "rd-ram",
                               TEST_NB_BLOCKS * TEST_BLOCK_SIZE, w->host);
    ram_discard_manager_init(&w->mgr.rdm, &test_bitmap_ops);
    w->mgr.mr = &w->ram;
    g_assert_cmpint(memory_region_set_ram_discard_manager(&w->ram,
                                                          &w->mgr.rdm),
                    ==, 0);
    w->events = g_ptr_array_new_with_free_func(g_free);
}

static void test_world_destroy(TestWorld *w)
{
    memory_region_set_ram_discard_manager(&w->ram, NULL);
    memory_region_finalize(&w->ram);
    g_ptr_array_free(w->mgr.rdm.listeners, true);
    g_ptr_array_free(w->events, true);
    g_free(w->host);
}

/* The section [offset, offset + size) of the RAM, mapped at TEST_GPA. */
static MemoryRegionSection test_section(TestWorld *w, uint64_t offset,
                                        uint64_t size)
{
    MemoryRegionSection s = {
        .size = size,
        .mr = &w->ram,
        .offset_within_region = offset,
        .offset_within_address_space = TEST_GPA + offset,
    };

    return s;
}

/* ---- tests ---- */

static void test_manager_set_twice_is_busy(void)
{
    TestWorld w;
    TestBitmapManager other;

    test_world_init(&w);
    ram_discard_manager_init(&other.rdm, &test_bitmap_ops);
    g_assert_cmpint(memory_region_set_ram_discard_manager(&w.ram, &other.rdm),
                    ==, -EBUSY);
    g_assert_true(memory_region_get_ram_discard_manager(&w.ram) ==
                  &w.mgr.rdm);
    g_assert_true(memory_region_has_ram_discard_manager(&w.ram));
    g_assert_cmpuint(ram_discard_manager_get_min_granularity(&w.mgr.rdm,
                                                             &w.ram),
                     ==, TEST_BLOCK_SIZE);
    g_ptr_array_free(other.rdm.listeners, true);
    test_world_destroy(&w);
}

static void test_register_replays_populated(void)
{
    TestWorld w;
    TestRdl whole, part;
    MemoryRegionSection all, window;

    test_world_init(&w);
    g_assert_cmpint(test_bitmap_populate(&w.mgr, 2, 2), ==, 0);
    g_assert_cmpint(test_bitmap_populate(&w.mgr, 6, 1), ==, 0);
    all = test_section(&w, 0, TEST_NB_BLOCKS * TEST_BLOCK_SIZE);
    window = test_section(&w, 0x3000, 0x4000);
    test_rdl_init(&whole, "whole", w.events);
    test_rdl_init(&part, "part", w.events);
    ram_discard_manager_register_listener(&w.mgr.rdm, &whole.rdl, &all);
    ram_discard_manager_register_listener(&w.mgr.rdm, &part.rdl, &window);
    test_assert_events(w.events, (const char *const[]) {
        "whole populate 0x2000+0x2000 gpa 0x102000",
        "whole populate 0x6000+0x1000 gpa 0x106000",
        "part populate 0x3000+0x1000 gpa 0x103000",
        "part populate 0x6000+0x1000 gpa 0x106000",
        NULL,
    });
    g_assert_true(ram_discard_manager_is_populated(&w.mgr.rdm,
                      &(MemoryRegionSection){ .mr = &w.ram,
                                              .offset_within_region = 0x2000,
                                              .size = 0x2000 }));
    ram_discard_manager_unregister_listener(&w.mgr.rdm, &whole.rdl);
    ram_discard_manager_unregister_listener(&w.mgr.rdm, &part.rdl);
    test_world_destroy(&w);
}

static void test_unregister_discards_populated(void)
{
    TestWorld w;
    TestRdl l;
    MemoryRegionSection all;

    test_world_init(&w);
    all = test_section(&w, 0, TEST_NB_BLOCKS * TEST_BLOCK_SIZE);
    test_rdl_init(&l, "l", w.events);
    ram_discard_manager_register_listener(&w.mgr.rdm, &l.rdl, &all);
    g_assert_cmpint(test_bitmap_populate(&w.mgr, 10, 3), ==, 0);
    g_ptr_array_set_size(w.events, 0);
    ram_discard_manager_unregister_listener(&w.mgr.rdm, &l.rdl);
    test_assert_events(w.events, (const char *const[]) {
        "l discard 0xa000+0x3000 gpa 0x10a000",
        NULL,
    });
    /* Unregistered: no longer told. */
    test_bitmap_discard(&w.mgr, 10, 3);
    g_assert_cmpuint(w.events->len, ==, 0);
    test_world_destroy(&w);
}

/* Listeners see only the part of a change inside their section. */
static void test_notify_clipped_to_section(void)
{
    TestWorld w;
    TestRdl low, high;
    MemoryRegionSection s_low, s_high;

    test_world_init(&w);
    s_low = test_section(&w, 0, 0x8000);
    s_high = test_section(&w, 0x20000, 0x8000);
    test_rdl_init(&low, "low", w.events);
    test_rdl_init(&high, "high", w.events);
    ram_discard_manager_register_listener(&w.mgr.rdm, &low.rdl, &s_low);
    ram_discard_manager_register_listener(&w.mgr.rdm, &high.rdl, &s_high);
    g_assert_cmpint(test_bitmap_populate(&w.mgr, 6, 4), ==, 0);
    test_bitmap_discard(&w.mgr, 7, 1);
    test_assert_events(w.events, (const char *const[]) {
        "low populate 0x6000+0x2000 gpa 0x106000",
        "low discard 0x7000+0x1000 gpa 0x107000",
        NULL,
    });
    ram_discard_manager_unregister_listener(&w.mgr.rdm, &low.rdl);
    ram_discard_manager_unregister_listener(&w.mgr.rdm, &high.rdl);
    test_world_destroy(&w);
}

/* The second listener refuses: the first is told discard, the third
 * nothing, and the manager keeps the blocks discarded. */
static void test_populate_failure_rolls_back(void)
{
    TestWorld w;
    TestRdl first, refuser, third;
    MemoryRegionSection all;

    test_world_init(&w);
    all = test_section(&w, 0, TEST_NB_BLOCKS * TEST_BLOCK_SIZE);
    test_rdl_init(&first, "first", w.events);
    test_rdl_init(&refuser, "refuser", w.events);
    test_rdl_init(&third, "third", w.events);
    ram_discard_manager_register_listener(&w.mgr.rdm, &first.rdl, &all);
    ram_discard_manager_register_listener(&w.mgr.rdm, &refuser.rdl, &all);
    ram_discard_manager_register_listener(&w.mgr.rdm, &third.rdl, &all);
    refuser.fail_with = -ENOMEM;
    g_assert_cmpint(test_bitmap_populate(&w.mgr, 8, 2), ==, -ENOMEM);
    test_assert_events(w.events, (const char *const[]) {
        "first populate 0x8000+0x2000 gpa 0x108000",
        "refuser refuse 0x8000+0x2000 gpa 0x108000",
        "first discard 0x8000+0x2000 gpa 0x108000",
        NULL,
    });
    g_assert_false(w.mgr.populated[8]);
    g_assert_false(w.mgr.populated[9]);
    refuser.fail_with = 0;
    ram_discard_manager_unregister_listener(&w.mgr.rdm, &first.rdl);
    ram_discard_manager_unregister_listener(&w.mgr.rdm, &refuser.rdl);
    ram_discard_manager_unregister_listener(&w.mgr.rdm, &third.rdl);
    g_assert_cmpuint(w.events->len, ==, 0);
    test_world_destroy(&w);
}

static void test_record_discarded(MemoryRegionSection *s, void *opaque)
{
    g_ptr_array_add(opaque, g_strdup_printf("0x%" PRIx64 "+0x%" PRIx64,
                                            s->offset_within_region,
                                            s->size));
}

static void test_replay_discarded(void)
{
    TestWorld w;
    MemoryRegionSection window;

    test_world_init(&w);
    g_assert_cmpint(test_bitmap_populate(&w.mgr, 1, 2), ==, 0);
    g_assert_cmpint(test_bitmap_populate(&w.mgr, 5, 1), ==, 0);
    window = test_section(&w, 0, 0x8000);
    ram_discard_manager_replay_discarded(&w.mgr.rdm, &window,
                                         test_record_discarded, w.events);
    test_assert_events(w.events, (const char *const[]) {
        "0x0+0x1000",
        "0x3000+0x2000",
        "0x6000+0x2000",
        NULL,
    });
    test_world_destroy(&w);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ram-discard/manager/set-twice-is-busy",
                    test_manager_set_twice_is_busy);
    g_test_add_func("/ram-discard/register/replays-populated-ranges",
                    test_register_replays_populated);
    g_test_add_func("/ram-discard/unregister/discards-populated-ranges",
                    test_unregister_discards_populated);
    g_test_add_func("/ram-discard/notify/clipped-to-listener-section",
                    test_notify_clipped_to_section);
    g_test_add_func("/ram-discard/notify-populate/failure-rolls-back-told-listeners",
                    test_populate_failure_rolls_back);
    g_test_add_func("/ram-discard/replay-discarded/reports-discarded-runs",
                    test_replay_discarded);
    return g_test_run();
}
