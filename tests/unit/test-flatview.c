/*
 * Unit tests of the memory API's rendering (softmmu/flatview.c), region
 * tree and transactions (softmmu/memory*.c), reads and writes, and info
 * mtree output.  Every test builds its own address space over RAM from
 * g_malloc (memory_region_init_ram_ptr) and destroys it, so mtree output
 * only shows the test's own tree.  The randomized test checks the
 * incremental FlatView against a naive full render written here.
 */
#include "qemu/osdep.h"
#include "exec/memory.h"
#include "qom/object.h"

#define TEST_RAM_SIZE 0x100000

/* ---- formatting views and listener events ---- */

static char *test_section_str(const MemoryRegionSection *s)
{
    return g_strdup_printf("0x%" PRIx64 "-0x%" PRIx64 " %s@0x%" PRIx64 "%s%s",
                           s->offset_within_address_space,
                           s->offset_within_address_space + s->size - 1,
                           memory_region_name(s->mr), s->offset_within_region,
                           s->readonly ? " ro" : "",
                           s->unmergeable ? " unmergeable" : "");
}

static void test_collect_section(MemoryRegionSection *s, void *opaque)
{
    g_ptr_array_add(opaque, test_section_str(s));
}

static GPtrArray *test_view(AddressSpace *as)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);

    address_space_foreach_section(as, test_collect_section, lines);
    return lines;
}

/* Assert that lines are exactly the NULL-terminated expected list. */
static void test_assert_lines(GPtrArray *lines, const char *const *expected)
{
    guint n = 0;

    for (; expected[n]; n++) {
        g_assert_cmpuint(n, <, lines->len);
        g_assert_cmpstr(g_ptr_array_index(lines, n), ==, expected[n]);
    }
    g_assert_cmpuint(lines->len, ==, n);
}

static void test_assert_view(AddressSpace *as, const char *const *expected)
{
    g_autoptr(GPtrArray) lines = test_view(as);

    test_assert_lines(lines, expected);
    g_assert_cmpuint(address_space_nb_sections(as), ==, lines->len);
}

typedef struct TestListener {
    MemoryListener listener;
    GPtrArray *events;
    const char *tag;        /* prefixed to events when set */
} TestListener;

static void test_event(MemoryListener *l, const char *what,
                       MemoryRegionSection *s)
{
    TestListener *tl = container_of(l, TestListener, listener);
    g_autofree char *sec = s ? test_section_str(s) : NULL;

    g_ptr_array_add(tl->events,
                    g_strdup_printf("%s%s%s%s%s", tl->tag ? tl->tag : "",
                                    tl->tag ? " " : "", what, s ? " " : "",
                                    s ? sec : ""));
}

static void test_listener_begin(MemoryListener *l)
{
    test_event(l, "begin", NULL);
}

static void test_listener_commit(MemoryListener *l)
{
    test_event(l, "commit", NULL);
}

static void test_listener_add(MemoryListener *l, MemoryRegionSection *s)
{
    test_event(l, "add", s);
}

static void test_listener_del(MemoryListener *l, MemoryRegionSection *s)
{
    test_event(l, "del", s);
}

static void test_listener_nop(MemoryListener *l, MemoryRegionSection *s)
{
    test_event(l, "nop", s);
}

static void test_listener_init(TestListener *tl, unsigned int priority,
                               const char *tag)
{
    memset(tl, 0, sizeof(*tl));
    tl->listener.begin = test_listener_begin;
    tl->listener.commit = test_listener_commit;
    tl->listener.region_add = test_listener_add;
    tl->listener.region_del = test_listener_del;
    tl->listener.region_nop = test_listener_nop;
    tl->listener.priority = priority;
    tl->listener.name = tag ? tag : "test";
    tl->events = g_ptr_array_new_with_free_func(g_free);
    tl->tag = tag;
}

static void test_listener_take(TestListener *tl, const char *const *expected)
{
    test_assert_lines(tl->events, expected);
    g_ptr_array_set_size(tl->events, 0);
}

/* ---- fixture: a root container and a RAM region to alias ---- */

typedef struct TestSpace {
    MemoryRegion root;
    MemoryRegion ram;       /* TEST_RAM_SIZE bytes of "ram" */
    uint8_t *host;
    AddressSpace as;
} TestSpace;

static void test_space_init(TestSpace *t)
{
    memset(t, 0, sizeof(*t));
    t->host = g_malloc0(TEST_RAM_SIZE);
    memory_region_init(&t->root, NULL, "root", 0x100000000ull);
    memory_region_init_ram_ptr(&t->ram, NULL, "ram", TEST_RAM_SIZE, t->host);
    address_space_init(&t->as, &t->root, "test");
}

static void test_space_destroy(TestSpace *t)
{
    address_space_destroy(&t->as);
    memory_region_finalize(&t->root);
    memory_region_finalize(&t->ram);
    g_free(t->host);
}

/* ---- rendering ---- */

static void test_priority_higher_wins(void)
{
    TestSpace t;
    MemoryRegion a, b, c;
    uint8_t *ha = g_malloc0(0x4000);
    uint8_t *hb = g_malloc0(0x4000);
    uint8_t *hc = g_malloc0(0x1000);

    test_space_init(&t);
    memory_region_init_ram_ptr(&a, NULL, "a", 0x4000, ha);
    memory_region_init_ram_ptr(&b, NULL, "b", 0x4000, hb);
    memory_region_init_ram_ptr(&c, NULL, "c", 0x1000, hc);
    memory_region_add_subregion_overlap(&t.root, 0x2000, &b, 1);
    memory_region_add_subregion_overlap(&t.root, 0, &a, 0);
    memory_region_add_subregion_overlap(&t.root, 0x1000, &c, -1);
    test_assert_view(&t.as, (const char *const[]) {
        "0x0-0x1fff a@0x0",
        "0x2000-0x5fff b@0x0",
        NULL,
    });
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    memory_region_finalize(&c);
    test_space_destroy(&t);
    g_free(ha);
    g_free(hb);
    g_free(hc);
}

/* Equal priority: the region added last is on top (QEMU's order). */
static void test_priority_equal_later_added_wins(void)
{
    TestSpace t;
    MemoryRegion first, second;

    test_space_init(&t);
    memory_region_init_alias(&first, NULL, "first", &t.ram, 0, 0x2000);
    memory_region_init_alias(&second, NULL, "second", &t.ram, 0x8000,
                             0x2000);
    memory_region_add_subregion(&t.root, 0x1000, &first);
    memory_region_add_subregion(&t.root, 0x2000, &second);
    test_assert_view(&t.as, (const char *const[]) {
        "0x1000-0x1fff ram@0x0",
        "0x2000-0x3fff ram@0x8000",
        NULL,
    });
    memory_region_finalize(&first);
    memory_region_finalize(&second);
    test_space_destroy(&t);
}

static void test_alias_of_alias_resolves(void)
{
    TestSpace t;
    MemoryRegion a1, a2;

    test_space_init(&t);
    memory_region_init_alias(&a1, NULL, "a1", &t.ram, 0x4000, 0x8000);
    memory_region_init_alias(&a2, NULL, "a2", &a1, 0x2000, 0x4000);
    memory_region_add_subregion(&t.root, 0x100000, &a2);
    test_assert_view(&t.as, (const char *const[]) {
        "0x100000-0x103fff ram@0x6000",
        NULL,
    });
    memory_region_finalize(&a2);
    memory_region_finalize(&a1);
    test_space_destroy(&t);
}

/* An alias window larger than what remains of its target is clipped. */
static void test_alias_clipped_by_target(void)
{
    TestSpace t;
    MemoryRegion a;

    test_space_init(&t);
    memory_region_init_alias(&a, NULL, "a", &t.ram, TEST_RAM_SIZE - 0x1000,
                             0x4000);
    memory_region_add_subregion(&t.root, 0x10000, &a);
    test_assert_view(&t.as, (const char *const[]) {
        "0x10000-0x10fff ram@0xff000",
        NULL,
    });
    memory_region_finalize(&a);
    test_space_destroy(&t);
}

static void test_disabled_invisible(void)
{
    TestSpace t;
    MemoryRegion box, a, b;

    test_space_init(&t);
    memory_region_init(&box, NULL, "box", 0x10000);
    memory_region_init_alias(&a, NULL, "a", &t.ram, 0, 0x1000);
    memory_region_init_alias(&b, NULL, "b", &t.ram, 0x1000, 0x1000);
    memory_region_add_subregion(&box, 0, &a);
    memory_region_add_subregion(&t.root, 0x10000, &box);
    memory_region_add_subregion(&t.root, 0x40000, &b);
    memory_region_set_enabled(&b, false);
    test_assert_view(&t.as, (const char *const[]) {
        "0x10000-0x10fff ram@0x0",
        NULL,
    });
    memory_region_set_enabled(&box, false);
    test_assert_view(&t.as, (const char *const[]) { NULL });
    memory_region_set_enabled(&b, true);
    test_assert_view(&t.as, (const char *const[]) {
        "0x40000-0x40fff ram@0x1000",
        NULL,
    });
    memory_region_finalize(&box);
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    test_space_destroy(&t);
}

static void test_container_shows_beneath(void)
{
    TestSpace t;
    MemoryRegion box, low, inner;

    test_space_init(&t);
    memory_region_init(&box, NULL, "box", 0x10000);
    memory_region_init_alias(&low, NULL, "low", &t.ram, 0, 0x10000);
    memory_region_init_alias(&inner, NULL, "inner", &t.ram, 0x80000, 0x1000);
    memory_region_add_subregion(&box, 0x4000, &inner);
    memory_region_add_subregion_overlap(&t.root, 0, &box, 1);
    memory_region_add_subregion_overlap(&t.root, 0, &low, 0);
    test_assert_view(&t.as, (const char *const[]) {
        "0x0-0x3fff ram@0x0",
        "0x4000-0x4fff ram@0x80000",
        "0x5000-0xffff ram@0x5000",
        NULL,
    });
    memory_region_finalize(&box);
    memory_region_finalize(&low);
    memory_region_finalize(&inner);
    test_space_destroy(&t);
}

static uint64_t test_mmio_read_const(void *opaque, hwaddr addr,
                                     unsigned size)
{
    return 0;
}

static void test_mmio_write_ignore(void *opaque, hwaddr addr, uint64_t data,
                                   unsigned size)
{
}

static const MemoryRegionOps test_quiet_ops = {
    .read = test_mmio_read_const,
    .write = test_mmio_write_ignore,
};

/* A RAM region with subregions shows them over itself. */
static void test_terminating_renders_subregions_over_itself(void)
{
    TestSpace t;
    MemoryRegion dev;

    test_space_init(&t);
    memory_region_init_io(&dev, NULL, &test_quiet_ops, NULL, "dev", 0x1000);
    memory_region_add_subregion(&t.ram, 0x2000, &dev);
    memory_region_add_subregion(&t.root, 0, &t.ram);
    test_assert_view(&t.as, (const char *const[]) {
        "0x0-0x1fff ram@0x0",
        "0x2000-0x2fff dev@0x0",
        "0x3000-0xfffff ram@0x3000",
        NULL,
    });
    memory_region_finalize(&dev);
    memory_region_del_subregion(&t.root, &t.ram);
    test_space_destroy(&t);
}

static void test_merge_adjacent_ram(void)
{
    TestSpace t;
    MemoryRegion a, b, c;

    test_space_init(&t);
    memory_region_init_alias(&a, NULL, "a", &t.ram, 0, 0x1000);
    memory_region_init_alias(&b, NULL, "b", &t.ram, 0x1000, 0x1000);
    memory_region_init_alias(&c, NULL, "c", &t.ram, 0x4000, 0x1000);
    memory_region_add_subregion(&t.root, 0x10000, &a);
    memory_region_add_subregion(&t.root, 0x11000, &b);
    memory_region_add_subregion(&t.root, 0x12000, &c);
    test_assert_view(&t.as, (const char *const[]) {
        "0x10000-0x11fff ram@0x0",
        "0x12000-0x12fff ram@0x4000",
        NULL,
    });
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    memory_region_finalize(&c);
    test_space_destroy(&t);
}

static void test_unmergeable_region_not_merged(void)
{
    TestSpace t;
    MemoryRegion r1, r2;

    test_space_init(&t);
    memory_region_init_alias(&r1, NULL, "r1", &t.ram, 0, 0x1000);
    memory_region_init_alias(&r2, NULL, "r2", &t.ram, 0x1000, 0x1000);
    memory_region_set_unmergeable(&t.ram, true);
    memory_region_add_subregion(&t.root, 0, &r1);
    memory_region_add_subregion(&t.root, 0x1000, &r2);
    test_assert_view(&t.as, (const char *const[]) {
        "0x0-0xfff ram@0x0 unmergeable",
        "0x1000-0x1fff ram@0x1000 unmergeable",
        NULL,
    });
    memory_region_finalize(&r1);
    memory_region_finalize(&r2);
    test_space_destroy(&t);
}

static void test_unmergeable_aliases_not_merged(void)
{
    TestSpace t;
    MemoryRegion a, b, c;

    test_space_init(&t);
    memory_region_init_alias(&a, NULL, "a", &t.ram, 0, 0x1000);
    memory_region_init_alias(&b, NULL, "b", &t.ram, 0x1000, 0x1000);
    memory_region_init_alias(&c, NULL, "c", &t.ram, 0x2000, 0x1000);
    memory_region_set_unmergeable(&a, true);
    memory_region_set_unmergeable(&b, true);
    memory_region_add_subregion(&t.root, 0, &a);
    memory_region_add_subregion(&t.root, 0x1000, &b);
    memory_region_add_subregion(&t.root, 0x2000, &c);
    test_assert_view(&t.as, (const char *const[]) {
        "0x0-0xfff ram@0x0 unmergeable",
        "0x1000-0x1fff ram@0x1000 unmergeable",
        "0x2000-0x2fff ram@0x2000",
        NULL,
    });
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    memory_region_finalize(&c);
    test_space_destroy(&t);
}

/* One unmergeable alias cut by a region over it stays one range after. */
static void test_unmergeable_alias_rejoins(void)
{
    TestSpace t;
    MemoryRegion u, top;

    test_space_init(&t);
    memory_region_init_alias(&u, NULL, "u", &t.ram, 0, 0x4000);
    memory_region_init_alias(&top, NULL, "top", &t.ram, 0x10000, 0x1000);
    memory_region_set_unmergeable(&u, true);
    memory_region_add_subregion(&t.root, 0, &u);
    memory_region_add_subregion_overlap(&t.root, 0x1000, &top, 1);
    test_assert_view(&t.as, (const char *const[]) {
        "0x0-0xfff ram@0x0 unmergeable",
        "0x1000-0x1fff ram@0x10000",
        "0x2000-0x3fff ram@0x2000 unmergeable",
        NULL,
    });
    memory_region_del_subregion(&t.root, &top);
    test_assert_view(&t.as, (const char *const[]) {
        "0x0-0x3fff ram@0x0 unmergeable",
        NULL,
    });
    memory_region_finalize(&u);
    memory_region_finalize(&top);
    test_space_destroy(&t);
}

static void test_move_and_resize(void)
{
    TestSpace t;
    MemoryRegion a;

    test_space_init(&t);
    memory_region_init_alias(&a, NULL, "a", &t.ram, 0, 0x1000);
    memory_region_add_subregion(&t.root, 0x1000, &a);
    memory_region_set_address(&a, 0x8000);
    memory_region_set_size(&a, 0x3000);
    memory_region_set_alias_offset(&a, 0x2000);
    memory_region_set_readonly(&a, true);
    test_assert_view(&t.as, (const char *const[]) {
        "0x8000-0xafff ram@0x2000 ro",
        NULL,
    });
    memory_region_finalize(&a);
    test_space_destroy(&t);
}

/* ---- transactions and listeners ---- */

static void test_transaction_one_begin_commit(void)
{
    TestSpace t;
    TestListener tl;
    MemoryRegion a, b, c;

    test_space_init(&t);
    test_listener_init(&tl, 0, NULL);
    memory_listener_register(&tl.listener, &t.as);
    test_listener_take(&tl, (const char *const[]) { "begin", "commit",
                                                    NULL });
    memory_region_init_alias(&a, NULL, "a", &t.ram, 0, 0x1000);
    memory_region_init_alias(&b, NULL, "b", &t.ram, 0x4000, 0x1000);
    memory_region_init_alias(&c, NULL, "c", &t.ram, 0x8000, 0x1000);
    memory_region_transaction_begin();
    memory_region_add_subregion(&t.root, 0x1000, &a);
    memory_region_transaction_begin();
    memory_region_add_subregion(&t.root, 0x5000, &b);
    memory_region_add_subregion(&t.root, 0x9000, &c);
    memory_region_transaction_commit();
    memory_region_del_subregion(&t.root, &b);
    g_assert_cmpuint(tl.events->len, ==, 0);
    memory_region_transaction_commit();
    test_listener_take(&tl, (const char *const[]) {
        "begin",
        "add 0x1000-0x1fff ram@0x0",
        "add 0x9000-0x9fff ram@0x8000",
        "commit",
        NULL,
    });
    memory_listener_unregister(&tl.listener);
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    memory_region_finalize(&c);
    test_space_destroy(&t);
    g_ptr_array_free(tl.events, true);
}

/* Replacing what is at an address: the del comes before the add. */
static void test_transaction_dels_before_adds(void)
{
    TestSpace t;
    TestListener tl;
    MemoryRegion a, b, c;

    test_space_init(&t);
    memory_region_init_alias(&a, NULL, "a", &t.ram, 0, 0x1000);
    memory_region_init_alias(&b, NULL, "b", &t.ram, 0x4000, 0x1000);
    memory_region_init_alias(&c, NULL, "c", &t.ram, 0x8000, 0x1000);
    memory_region_add_subregion(&t.root, 0x10000, &b);
    memory_region_add_subregion(&t.root, 0x1000, &a);
    test_listener_init(&tl, 0, NULL);
    memory_listener_register(&tl.listener, &t.as);
    g_ptr_array_set_size(tl.events, 0);
    memory_region_transaction_begin();
    memory_region_add_subregion(&t.root, 0x0, &c);
    memory_region_del_subregion(&t.root, &b);
    memory_region_set_alias_offset(&a, 0x2000);
    memory_region_transaction_commit();
    test_listener_take(&tl, (const char *const[]) {
        "begin",
        "del 0x1000-0x1fff ram@0x0",
        "del 0x10000-0x10fff ram@0x4000",
        "add 0x0-0xfff ram@0x8000",
        "add 0x1000-0x1fff ram@0x2000",
        "commit",
        NULL,
    });
    memory_listener_unregister(&tl.listener);
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    memory_region_finalize(&c);
    test_space_destroy(&t);
    g_ptr_array_free(tl.events, true);
}

static void test_listener_register_replays(void)
{
    TestSpace t;
    TestListener tl;
    MemoryRegion a, b;

    test_space_init(&t);
    memory_region_init_alias(&a, NULL, "a", &t.ram, 0, 0x1000);
    memory_region_init_alias(&b, NULL, "b", &t.ram, 0x4000, 0x1000);
    memory_region_add_subregion(&t.root, 0x1000, &a);
    memory_region_add_subregion(&t.root, 0x3000, &b);
    test_listener_init(&tl, 0, NULL);
    memory_listener_register(&tl.listener, &t.as);
    test_listener_take(&tl, (const char *const[]) {
        "begin",
        "add 0x1000-0x1fff ram@0x0",
        "add 0x3000-0x3fff ram@0x4000",
        "commit",
        NULL,
    });
    memory_listener_unregister(&tl.listener);
    test_listener_take(&tl, (const char *const[]) {
        "begin",
        "del 0x1000-0x1fff ram@0x0",
        "del 0x3000-0x3fff ram@0x4000",
        "commit",
        NULL,
    });
    /* Unregistered: told nothing more. */
    memory_region_del_subregion(&t.root, &a);
    g_assert_cmpuint(tl.events->len, ==, 0);
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    test_space_destroy(&t);
    g_ptr_array_free(tl.events, true);
}

/* A change hidden under a higher-priority region: nop, no del/add. */
static void test_listener_nop_for_unchanged(void)
{
    TestSpace t;
    TestListener tl;
    MemoryRegion top, below;

    test_space_init(&t);
    memory_region_init_alias(&top, NULL, "top", &t.ram, 0, 0x2000);
    memory_region_init_alias(&below, NULL, "below", &t.ram, 0x8000, 0x1000);
    memory_region_add_subregion_overlap(&t.root, 0x1000, &top, 1);
    test_listener_init(&tl, 0, NULL);
    memory_listener_register(&tl.listener, &t.as);
    g_ptr_array_set_size(tl.events, 0);
    memory_region_add_subregion_overlap(&t.root, 0x1000, &below, 0);
    test_listener_take(&tl, (const char *const[]) {
        "begin",
        "nop 0x1000-0x2fff ram@0x0",
        "commit",
        NULL,
    });
    memory_listener_unregister(&tl.listener);
    memory_region_finalize(&top);
    memory_region_finalize(&below);
    test_space_destroy(&t);
    g_ptr_array_free(tl.events, true);
}

/* Adds go to low priorities first, dels to high priorities first. */
static void test_listener_priority_order(void)
{
    TestSpace t;
    TestListener hi, lo;
    g_autoptr(GPtrArray) shared = g_ptr_array_new_with_free_func(g_free);
    MemoryRegion a;

    test_space_init(&t);
    memory_region_init_alias(&a, NULL, "a", &t.ram, 0, 0x1000);
    test_listener_init(&hi, 10, "hi");
    test_listener_init(&lo, 1, "lo");
    g_ptr_array_free(hi.events, true);
    g_ptr_array_free(lo.events, true);
    hi.events = lo.events = shared;
    memory_listener_register(&hi.listener, &t.as);
    memory_listener_register(&lo.listener, &t.as);
    g_ptr_array_set_size(shared, 0);
    memory_region_add_subregion(&t.root, 0, &a);
    memory_region_del_subregion(&t.root, &a);
    test_assert_lines(shared, (const char *const[]) {
        "lo begin", "hi begin",
        "lo add 0x0-0xfff ram@0x0", "hi add 0x0-0xfff ram@0x0",
        "lo commit", "hi commit",
        "lo begin", "hi begin",
        "hi del 0x0-0xfff ram@0x0", "lo del 0x0-0xfff ram@0x0",
        "lo commit", "hi commit",
        NULL,
    });
    memory_listener_unregister(&hi.listener);
    memory_listener_unregister(&lo.listener);
    memory_region_finalize(&a);
    test_space_destroy(&t);
}

/*
 * Unmapping one alias among many re-renders only where it was and its two
 * neighbours (which might have merged with it): the listener, which has
 * region_nop, hears of those three ranges alone.
 */
static void test_incremental_touches_only_changed_range(void)
{
    TestSpace t;
    TestListener tl;
    MemoryRegion box;
    MemoryRegion aliases[64];

    test_space_init(&t);
    memory_region_init(&box, NULL, "box", 64 * 0x1000);
    for (int i = 0; i < 64; i++) {
        memory_region_init_alias(&aliases[i], NULL, "slot", &t.ram,
                                 i * 0x1000, 0x1000);
        memory_region_set_unmergeable(&aliases[i], true);
        memory_region_add_subregion(&box, i * 0x1000, &aliases[i]);
    }
    memory_region_add_subregion(&t.root, 0x100000, &box);
    test_listener_init(&tl, 0, NULL);
    memory_listener_register(&tl.listener, &t.as);
    g_assert_cmpuint(tl.events->len, ==, 64 + 2);
    g_ptr_array_set_size(tl.events, 0);
    memory_region_set_enabled(&aliases[20], false);
    memory_region_del_subregion(&box, &aliases[40]);
    test_listener_take(&tl, (const char *const[]) {
        "begin", "del 0x114000-0x114fff ram@0x14000 unmergeable",
        "nop 0x113000-0x113fff ram@0x13000 unmergeable",
        "nop 0x115000-0x115fff ram@0x15000 unmergeable", "commit",
        "begin", "del 0x128000-0x128fff ram@0x28000 unmergeable",
        "nop 0x127000-0x127fff ram@0x27000 unmergeable",
        "nop 0x129000-0x129fff ram@0x29000 unmergeable", "commit",
        NULL,
    });
    memory_listener_unregister(&tl.listener);
    for (int i = 0; i < 64; i++) {
        memory_region_finalize(&aliases[i]);
    }
    memory_region_finalize(&box);
    test_space_destroy(&t);
    g_ptr_array_free(tl.events, true);
}

/*
 * A region aliased more often than a mark walk may follow (250 aliases,
 * two steps each):
 * changing it re-renders the whole space, and every alias shows it.
 */
static void test_incremental_many_aliases_fall_back_to_full(void)
{
    TestSpace t;
    TestListener tl;
    MemoryRegion *aliases = g_new0(MemoryRegion, 250);
    g_autoptr(GPtrArray) view = NULL;
    guint dels = 0;
    guint adds = 0;

    test_space_init(&t);
    for (int i = 0; i < 250; i++) {
        memory_region_init_alias(&aliases[i], NULL, "many", &t.ram,
                                 i * 0x1000, 0x1000);
        memory_region_set_unmergeable(&aliases[i], true);
        memory_region_add_subregion(&t.root, i * 0x1000, &aliases[i]);
    }
    test_listener_init(&tl, 0, NULL);
    memory_listener_register(&tl.listener, &t.as);
    g_ptr_array_set_size(tl.events, 0);
    memory_region_set_readonly(&t.ram, true);
    for (guint i = 0; i < tl.events->len; i++) {
        const char *e = g_ptr_array_index(tl.events, i);

        dels += g_str_has_prefix(e, "del ");
        adds += g_str_has_prefix(e, "add ") && g_str_has_suffix(e, " ro unmergeable");
    }
    g_assert_cmpuint(dels, ==, 250);
    g_assert_cmpuint(adds, ==, 250);
    view = test_view(&t.as);
    g_assert_cmpuint(view->len, ==, 250);
    g_assert_cmpstr(g_ptr_array_index(view, 249), ==,
                    "0xf9000-0xf9fff ram@0xf9000 ro unmergeable");
    memory_listener_unregister(&tl.listener);
    for (int i = 0; i < 250; i++) {
        memory_region_finalize(&aliases[i]);
    }
    memory_region_set_readonly(&t.ram, false);
    test_space_destroy(&t);
    g_ptr_array_free(tl.events, true);
    g_free(aliases);
}

/* ---- reads and writes ---- */

static void test_access_ram(void)
{
    TestSpace t;
    MemoryRegion a;
    uint8_t buf[4];

    test_space_init(&t);
    memory_region_init_alias(&a, NULL, "a", &t.ram, 0x3000, 0x1000);
    memory_region_add_subregion(&t.root, 0x10000, &a);
    g_assert_cmpint(address_space_write(&t.as, 0x10010, "\x11\x22\x33\x44", 4),
                    ==, MEMTX_OK);
    g_assert_cmpuint(t.host[0x3010], ==, 0x11);
    g_assert_cmpuint(t.host[0x3013], ==, 0x44);
    g_assert_cmpint(address_space_read(&t.as, 0x10011, buf, 2), ==,
                    MEMTX_OK);
    g_assert_cmpuint(buf[0], ==, 0x22);
    g_assert_cmpuint(buf[1], ==, 0x33);
    g_assert_cmphex(address_space_ld(&t.as, 0x10010, 4, NULL), ==,
                    0x44332211);
    g_assert_cmpint(address_space_st(&t.as, 0x10020, 0x0102, 2), ==,
                    MEMTX_OK);
    g_assert_cmpuint(t.host[0x3020], ==, 0x02);
    g_assert_cmpuint(t.host[0x3021], ==, 0x01);
    memory_region_finalize(&a);
    test_space_destroy(&t);
}

typedef struct TestMmio {
    GPtrArray *calls;
    uint64_t value;         /* what reads return */
} TestMmio;

static uint64_t test_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    TestMmio *m = opaque;

    g_ptr_array_add(m->calls, g_strdup_printf("r 0x%" PRIx64 " %u", addr,
                                              size));
    return m->value >> (addr % 8 * 8);
}

static void test_mmio_write(void *opaque, hwaddr addr, uint64_t data,
                            unsigned size)
{
    TestMmio *m = opaque;

    g_ptr_array_add(m->calls, g_strdup_printf("w 0x%" PRIx64 " %u 0x%" PRIx64,
                                              addr, size, data));
}

static const MemoryRegionOps test_mmio_ops = {
    .read = test_mmio_read,
    .write = test_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 2, .max_access_size = 2 },
};

static void test_access_mmio_sizes(void)
{
    TestSpace t;
    TestMmio m = { .calls = g_ptr_array_new_with_free_func(g_free),
                   .value = 0x8877665544332211ull };
    MemoryRegion dev;
    uint8_t buf[8];
    MemTxResult res;

    test_space_init(&t);
    memory_region_init_io(&dev, NULL, &test_mmio_ops, &m, "dev", 0x100);
    memory_region_add_subregion(&t.root, 0x20000, &dev);
    /* 8 bytes: two valid 4-byte accesses, each two 2-byte calls. */
    g_assert_cmpint(address_space_read(&t.as, 0x20000, buf, 8), ==,
                    MEMTX_OK);
    test_assert_lines(m.calls, (const char *const[]) {
        "r 0x0 2", "r 0x2 2", "r 0x4 2", "r 0x6 2", NULL,
    });
    g_assert_cmphex(buf[0], ==, 0x11);
    g_assert_cmphex(buf[3], ==, 0x44);
    g_assert_cmphex(buf[7], ==, 0x88);
    g_ptr_array_set_size(m.calls, 0);
    /* Unaligned 3 bytes at 0x11: a 1-byte then a 2-byte access; the
     * 1-byte one is widened to the impl minimum. */
    g_assert_cmpint(address_space_write(&t.as, 0x20011, "\xaa\xbb\xcc", 3),
                    ==, MEMTX_OK);
    test_assert_lines(m.calls, (const char *const[]) {
        "w 0x11 2 0xaa", "w 0x12 2 0xccbb", NULL,
    });
    g_ptr_array_set_size(m.calls, 0);
    /* A single 8-byte load is more than valid.max: refused. */
    address_space_ld(&t.as, 0x20000, 8, &res);
    g_assert_cmpint(res, ==, MEMTX_ERROR);
    g_assert_cmpuint(m.calls->len, ==, 0);
    memory_region_finalize(&dev);
    test_space_destroy(&t);
    g_ptr_array_free(m.calls, true);
}

/* Read-only RAM: writes dropped, no writable host pointer; set fills. */
static void test_access_readonly_and_set(void)
{
    TestSpace t;
    MemoryRegion a;
    hwaddr len = 0x1000;

    test_space_init(&t);
    memory_region_init_alias(&a, NULL, "a", &t.ram, 0, 0x1000);
    memory_region_add_subregion(&t.root, 0x10000, &a);
    g_assert_cmpint(address_space_set(&t.as, 0x10100, 0x5a, 0x10), ==,
                    MEMTX_OK);
    g_assert_cmphex(t.host[0x100], ==, 0x5a);
    g_assert_cmphex(t.host[0x10f], ==, 0x5a);
    g_assert_cmphex(t.host[0x110], ==, 0);
    memory_region_set_readonly(&a, true);
    g_assert_cmpint(address_space_st(&t.as, 0x10100, 0x11, 1), ==, MEMTX_OK);
    g_assert_cmphex(t.host[0x100], ==, 0x5a);
    g_assert_null(address_space_map_ram(&t.as, 0x10000, &len, true));
    g_assert_true(address_space_map_ram(&t.as, 0x10000, &len, false) ==
                  t.host);
    memory_region_finalize(&a);
    test_space_destroy(&t);
}

static void test_access_unassigned(void)
{
    TestSpace t;
    uint8_t buf[4] = { 1, 2, 3, 4 };
    MemTxResult res;

    test_space_init(&t);
    g_assert_cmpint(address_space_write(&t.as, 0x5000, buf, 4), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmpint(address_space_read(&t.as, 0x5000, buf, 4), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmpuint(buf[0] | buf[1] | buf[2] | buf[3], ==, 0);
    g_assert_cmpuint(address_space_ld(&t.as, 0x5000, 4, &res), ==, 0);
    g_assert_cmpint(res, ==, MEMTX_DECODE_ERROR);
    g_assert_null(address_space_map_ram(&t.as, 0x5000, &(hwaddr){ 1 },
                                        false));
    test_space_destroy(&t);
}

/* RAM, then a hole, then MMIO, then RAM again: each part as it should. */
static void test_access_spanning_sections(void)
{
    TestSpace t;
    TestMmio m = { .calls = g_ptr_array_new_with_free_func(g_free),
                   .value = 0 };
    MemoryRegion a, dev, b;
    uint8_t in[16];
    uint8_t out[16];
    hwaddr len = 0x100;

    test_space_init(&t);
    memory_region_init_alias(&a, NULL, "a", &t.ram, 0, 0x1000);
    memory_region_init_io(&dev, NULL, &test_mmio_ops, &m, "dev", 0x4);
    memory_region_init_alias(&b, NULL, "b", &t.ram, 0x8000, 0x1000);
    memory_region_add_subregion(&t.root, 0x0, &a);
    memory_region_add_subregion(&t.root, 0x1004, &dev);
    memory_region_add_subregion(&t.root, 0x1008, &b);
    for (int i = 0; i < 16; i++) {
        in[i] = 0xa0 + i;
    }
    g_assert_cmpint(address_space_write(&t.as, 0xffc, in, 16), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmphex(t.host[0xffc], ==, 0xa0);
    g_assert_cmphex(t.host[0xfff], ==, 0xa3);
    test_assert_lines(m.calls, (const char *const[]) {
        "w 0x0 2 0xa9a8", "w 0x2 2 0xabaa", NULL,
    });
    g_assert_cmphex(t.host[0x8000], ==, 0xac);
    g_assert_cmphex(t.host[0x8003], ==, 0xaf);
    g_assert_cmpint(address_space_read(&t.as, 0xffc, out, 16), ==,
                    MEMTX_DECODE_ERROR);
    g_assert_cmphex(out[0], ==, 0xa0);
    g_assert_cmphex(out[4], ==, 0);
    g_assert_cmphex(out[8], ==, 0);
    g_assert_cmphex(out[12], ==, 0xac);
    g_assert_true(address_space_map_ram(&t.as, 0xf00, &len, true) ==
                  t.host + 0xf00);
    g_assert_cmphex(len, ==, 0x100);
    memory_region_finalize(&a);
    memory_region_finalize(&dev);
    memory_region_finalize(&b);
    test_space_destroy(&t);
    g_ptr_array_free(m.calls, true);
}

static void test_find_sections(void)
{
    TestSpace t;
    MemoryRegion box, a;
    MemoryRegionSection s;

    test_space_init(&t);
    memory_region_init(&box, NULL, "box", 0x10000);
    memory_region_init_alias(&a, NULL, "a", &t.ram, 0x2000, 0x2000);
    memory_region_add_subregion(&box, 0x1000, &a);
    memory_region_add_subregion(&t.root, 0x100000, &box);
    /* Relative to box, clipped to the range asked. */
    s = memory_region_find(&box, 0x1800, 0x10000);
    g_assert_true(s.mr == &t.ram);
    g_assert_cmphex(s.offset_within_region, ==, 0x2800);
    g_assert_cmphex(s.offset_within_address_space, ==, 0x101800);
    g_assert_cmphex(s.size, ==, 0x1800);
    /* The first section inside the range, not only at its start. */
    s = memory_region_find(&t.root, 0x100000, 0x2000);
    g_assert_true(s.mr == &t.ram);
    g_assert_cmphex(s.offset_within_address_space, ==, 0x101000);
    g_assert_cmphex(s.size, ==, 0x1000);
    g_assert_null(memory_region_find(&t.root, 0, 0x100).mr);
    s = address_space_find_section(&t.as, 0x102000);
    g_assert_true(s.mr == &t.ram);
    g_assert_cmphex(s.offset_within_address_space, ==, 0x101000);
    g_assert_cmphex(s.offset_within_region, ==, 0x2000);
    g_assert_cmphex(s.size, ==, 0x2000);
    g_assert_null(address_space_find_section(&t.as, 0x5).mr);
    memory_region_finalize(&a);
    memory_region_finalize(&box);
    test_space_destroy(&t);
}

/* ---- info mtree ---- */

static void test_mtree_lines(void)
{
    TestSpace t;
    MemoryRegion lo, hi, dev;
    g_autoptr(GString) out = g_string_new("");

    test_space_init(&t);
    memory_region_set_size(&t.ram, 0x10000000);
    memory_region_init_alias(&lo, NULL, "ram-lo", &t.ram, 0, 0x8000000);
    memory_region_init_alias(&hi, NULL, "ram-hi", &t.ram, 0x8000000,
                             0x8000000);
    memory_region_init_io(&dev, NULL, &test_quiet_ops, NULL, "dev", 0x1000);
    memory_region_set_unmergeable(&hi, true);
    memory_region_add_subregion(&t.root, 0, &lo);
    memory_region_add_subregion(&t.root, 0x10000000, &hi);
    memory_region_add_subregion_overlap(&t.root, 0x20000000, &dev, 2);
    memory_region_set_enabled(&dev, false);

    mtree_info(out, false, false, false);
    g_assert_cmpstr(out->str, ==,
        "address-space: test\n"
        "  0000000000000000-00000000ffffffff (prio 0, i/o): root\n"
        "    0000000000000000-0000000007ffffff (prio 0, ram): alias ram-lo @ram 0000000000000000-0000000007ffffff\n"
        "    0000000010000000-0000000017ffffff (prio 0, ram): alias ram-hi @ram 0000000008000000-000000000fffffff\n"
        "\n"
        "memory-region: ram\n"
        "  0000000000000000-000000000fffffff (prio 0, ram): ram\n"
        "\n");
    g_string_truncate(out, 0);
    mtree_info(out, false, false, true);
    g_assert_nonnull(strstr(out->str,
        "    0000000020000000-0000000020000fff (prio 2, i/o): dev [disabled]\n"));
    g_string_truncate(out, 0);
    mtree_info(out, true, false, false);
    g_assert_cmpstr(out->str, ==,
        "FlatView #0\n"
        " AS \"test\", root: root\n"
        " Root memory region: root\n"
        "  0000000000000000-0000000007ffffff (prio 0, ram): ram\n"
        "  0000000010000000-0000000017ffffff (prio 0, ram): ram @0000000008000000\n"
        "\n");
    memory_region_finalize(&lo);
    memory_region_finalize(&hi);
    memory_region_finalize(&dev);
    memory_region_set_size(&t.ram, TEST_RAM_SIZE);
    test_space_destroy(&t);
}

/* -o: the owner's QOM path, "type=" for an object outside the tree, or
 * "orphan" for a region without owner. */
static void test_mtree_owner(void)
{
    TestSpace t;
    MemoryRegion in_tree, loose_owned;
    Object *loose = object_new("container");
    g_autoptr(GString) out = g_string_new("");

    test_space_init(&t);
    memory_region_init(&in_tree, object_get_root(), "in-tree", 0x1000);
    memory_region_init(&loose_owned, loose, "loose", 0x1000);
    memory_region_add_subregion(&t.root, 0, &in_tree);
    memory_region_add_subregion(&t.root, 0x1000, &loose_owned);
    mtree_info(out, false, true, false);
    g_assert_cmpstr(out->str, ==,
        "address-space: test\n"
        "  0000000000000000-00000000ffffffff (prio 0, i/o): root orphan\n"
        "    0000000000000000-0000000000000fff (prio 0, i/o): in-tree owner:{obj path=/}\n"
        "    0000000000001000-0000000000001fff (prio 0, i/o): loose owner:{obj type=container}\n"
        "\n");
    memory_region_finalize(&in_tree);
    memory_region_finalize(&loose_owned);
    object_unref(loose);
    test_space_destroy(&t);
}

/*
 * The global spaces: "memory" over an empty "system" renders nothing;
 * unclaimed ports read all ones, as in QEMU.  Runs after the mtree test,
 * which must see only its own address space.
 */
static void test_system_spaces(void)
{
    AddressSpace *mem = address_space_memory();
    AddressSpace *io = address_space_io();
    TestMmio m = { .calls = g_ptr_array_new_with_free_func(g_free),
                   .value = 0x5a };
    g_autoptr(GString) out = g_string_new("");
    MemoryRegion port80;
    MemTxResult res;

    g_assert_true(mem->root == get_system_memory());
    g_assert_cmphex(memory_region_size(get_system_memory()), ==, UINT64_MAX);
    g_assert_true(io->root == get_system_io());
    g_assert_cmphex(address_space_ld(io, 0x80, 1, &res), ==, 0xff);
    g_assert_cmpint(res, ==, MEMTX_OK);
    memory_region_init_io(&port80, NULL, &test_mmio_ops, &m, "port80", 1);
    memory_region_add_subregion(get_system_io(), 0x80, &port80);
    g_assert_cmphex(address_space_ld(io, 0x80, 1, &res), ==, 0x5a);
    mtree_info(out, true, false, false);
    g_assert_cmpstr(out->str, ==,
        "FlatView #0\n"
        " AS \"memory\", root: system\n"
        " Root memory region: (none)\n"
        "  No rendered FlatView\n"
        "\n"
        "FlatView #1\n"
        " AS \"I/O\", root: io\n"
        " Root memory region: io\n"
        "  0000000000000000-000000000000007f (prio 0, i/o): io\n"
        "  0000000000000080-0000000000000080 (prio 0, i/o): port80\n"
        "  0000000000000081-000000000000ffff (prio 0, i/o): io @0000000000000081\n"
        "\n");
    memory_region_finalize(&port80);
    g_ptr_array_free(m.calls, true);
}

/* ---- randomized: incremental view == naive full render ---- */

#define RAND_NB_REGIONS 24
#define RAND_SPACE 0x20000

typedef struct RandRange {
    uint64_t start;
    uint64_t size;
    MemoryRegion *mr;
    uint64_t offset;
    bool readonly;
    bool unmergeable;
    const char *path;       /* the regions from the root, interned */
} RandRange;

typedef struct RandWorld {
    TestSpace t;
    MemoryRegion regions[RAND_NB_REGIONS];
    MemoryRegion *parent_of[RAND_NB_REGIONS];
    GHashTable *added_at;   /* MemoryRegion * -> add counter */
    unsigned int counter;
    GPtrArray *model;       /* char *: view as told to a listener */
    guint nb_checked;       /* ranges compared, over the whole run */
    guint nb_unmergeable;   /* of which unmergeable */
    MemoryListener listener;
} RandWorld;

/* Paint [lo, hi) with mr where nothing is painted yet (naive, O(n)). */
static void rand_paint(GArray *out, MemoryRegion *mr, __int128 base,
                       __int128 lo, __int128 hi, bool ro, bool unmergeable,
                       const char *path)
{
    __int128 cur = lo;

    while (cur < hi) {
        __int128 next = hi;
        bool covered = false;

        for (guint i = 0; i < out->len; i++) {
            RandRange *r = &g_array_index(out, RandRange, i);

            if ((__int128)r->start <= cur && cur < r->start + r->size) {
                covered = true;
                next = r->start + r->size;
                break;
            }
            if ((__int128)r->start > cur && r->start < next) {
                next = r->start;
            }
        }
        if (!covered) {
            RandRange r = { (uint64_t)cur, (uint64_t)(next - cur), mr,
                            (uint64_t)(cur - base), ro, unmergeable, path };

            g_array_append_val(out, r);
        }
        cur = next;
    }
}

static gint rand_world_order(gconstpointer a, gconstpointer b,
                             gpointer world)
{
    MemoryRegion *ma = *(MemoryRegion *const *)a;
    MemoryRegion *mb = *(MemoryRegion *const *)b;
    RandWorld *w = world;
    guint sa = GPOINTER_TO_UINT(g_hash_table_lookup(w->added_at, ma));
    guint sb = GPOINTER_TO_UINT(g_hash_table_lookup(w->added_at, mb));

    if (ma->priority != mb->priority) {
        return ma->priority > mb->priority ? -1 : 1;
    }
    return sa > sb ? -1 : sa < sb;
}

static void rand_render(RandWorld *w, GArray *out, MemoryRegion *mr,
                        __int128 base, __int128 lo, __int128 hi, bool ro,
                        bool unmergeable, const char *path)
{
    g_autoptr(GPtrArray) subs = NULL;
    g_autofree char *here = NULL;
    __int128 size = mr->size == UINT64_MAX ? ((__int128)1 << 64) : mr->size;

    lo = MAX(lo, base);
    hi = MIN(hi, base + size);
    if (!mr->enabled || lo >= hi) {
        return;
    }
    ro |= mr->readonly;
    unmergeable |= mr->unmergeable;
    here = g_strdup_printf("%s/%p", path, (void *)mr);
    path = g_intern_string(here);
    if (mr->alias) {
        rand_render(w, out, mr->alias, base - mr->alias_offset, lo, hi, ro,
                    unmergeable, path);
        return;
    }
    subs = g_ptr_array_copy(mr->subregions, NULL, NULL);
    g_ptr_array_sort_with_data(subs, rand_world_order, w);
    for (guint i = 0; i < subs->len; i++) {
        MemoryRegion *sub = g_ptr_array_index(subs, i);

        rand_render(w, out, sub, base + sub->addr, lo, hi, ro, unmergeable,
                    path);
    }
    if (mr->terminates) {
        rand_paint(out, mr, base, lo, hi, ro, unmergeable, path);
    }
}

static gint rand_range_cmp(gconstpointer a, gconstpointer b)
{
    const RandRange *ra = a;
    const RandRange *rb = b;

    return ra->start < rb->start ? -1 : ra->start > rb->start;
}

static GPtrArray *rand_full_view(RandWorld *w)
{
    g_autoptr(GArray) out = g_array_new(false, false, sizeof(RandRange));
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    RandRange *last = NULL;
    g_autoptr(GArray) merged = g_array_new(false, false, sizeof(RandRange));

    rand_render(w, out, &w->t.root, 0, 0, (__int128)1 << 64, false, false,
                "");
    g_array_sort(out, rand_range_cmp);
    for (guint i = 0; i < out->len; i++) {
        RandRange *r = &g_array_index(out, RandRange, i);

        last = merged->len ? &g_array_index(merged, RandRange,
                                            merged->len - 1) : NULL;
        if (last && last->start + last->size == r->start &&
            last->mr == r->mr && last->offset + last->size == r->offset &&
            last->readonly == r->readonly &&
            last->unmergeable == r->unmergeable &&
            (!r->unmergeable || last->path == r->path)) {
            last->size += r->size;
        } else {
            g_array_append_val(merged, *r);
        }
    }
    for (guint i = 0; i < merged->len; i++) {
        RandRange *r = &g_array_index(merged, RandRange, i);
        MemoryRegionSection s = {
            .size = r->size, .mr = r->mr, .offset_within_region = r->offset,
            .offset_within_address_space = r->start, .readonly = r->readonly,
            .unmergeable = r->unmergeable,
        };

        g_ptr_array_add(lines, test_section_str(&s));
    }
    return lines;
}

static void rand_model_add(MemoryListener *l, MemoryRegionSection *s)
{
    RandWorld *w = container_of(l, RandWorld, listener);

    g_ptr_array_add(w->model, test_section_str(s));
}

static void rand_model_del(MemoryListener *l, MemoryRegionSection *s)
{
    RandWorld *w = container_of(l, RandWorld, listener);
    g_autofree char *str = test_section_str(s);
    guint idx;

    g_assert_true(g_ptr_array_find_with_equal_func(w->model, str, g_str_equal,
                                                   &idx));
    g_ptr_array_remove_index(w->model, idx);
}

static gint rand_str_cmp(gconstpointer a, gconstpointer b)
{
    const char *sa = *(char *const *)a;
    const char *sb = *(char *const *)b;
    uint64_t va = g_ascii_strtoull(sa, NULL, 16);
    uint64_t vb = g_ascii_strtoull(sb, NULL, 16);

    return va < vb ? -1 : va > vb;
}

static void rand_check(RandWorld *w)
{
    g_autoptr(GPtrArray) full = rand_full_view(w);
    g_autoptr(GPtrArray) inc = test_view(&w->t.as);

    g_assert_cmpuint(inc->len, ==, full->len);
    w->nb_checked += inc->len;
    for (guint i = 0; i < inc->len; i++) {
        w->nb_unmergeable += !!strstr(g_ptr_array_index(inc, i),
                                      "unmergeable");
        g_assert_cmpstr(g_ptr_array_index(inc, i), ==,
                        g_ptr_array_index(full, i));
    }
    g_ptr_array_sort(w->model, rand_str_cmp);
    g_assert_cmpuint(w->model->len, ==, full->len);
    for (guint i = 0; i < full->len; i++) {
        g_assert_cmpstr(g_ptr_array_index(w->model, i), ==,
                        g_ptr_array_index(full, i));
    }
}

/*
 * Regions 0-2 containers, 3-8 RAM, 9-23 aliases (of RAM, of containers
 * and of aliases with a lower index, so aliases never form a cycle).
 */
static void rand_world_init_region(RandWorld *w, int i)
{
    g_autofree char *name = g_strdup_printf("r%d", i);
    uint64_t size = (1 + g_test_rand_int_range(0, 16)) * 0x1000;

    if (i < 3) {
        memory_region_init(&w->regions[i], NULL, name, 0x20000);
    } else if (i < 9) {
        memory_region_init_ram_ptr(&w->regions[i], NULL, name, size,
                                   w->t.host + (i - 3) * 0x20000);
    } else {
        int target = g_test_rand_int_range(0, i);

        memory_region_init_alias(&w->regions[i], NULL, name,
                                 &w->regions[target],
                                 g_test_rand_int_range(0, 4) * 0x1000, size);
    }
}

static void rand_world_init(RandWorld *w)
{
    test_space_init(&w->t);
    w->added_at = g_hash_table_new(NULL, NULL);
    w->model = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; i < RAND_NB_REGIONS; i++) {
        rand_world_init_region(w, i);
    }
    w->listener.region_add = rand_model_add;
    w->listener.region_del = rand_model_del;
    memory_listener_register(&w->listener, &w->t.as);
}

static MemoryRegion *rand_pick_parent(RandWorld *w)
{
    /* Containers 0-2 and RAM 3-8: RAM shows subregions over itself. */
    int p = g_test_rand_int_range(-3, 9);

    return p < 0 ? &w->t.root : &w->regions[p];
}

/* Whether rendering from reaches target (through aliases, subregions). */
static bool rand_reaches(MemoryRegion *from, MemoryRegion *target)
{
    if (from == target) {
        return true;
    }
    if (from->alias && rand_reaches(from->alias, target)) {
        return true;
    }
    for (guint i = 0; i < from->subregions->len; i++) {
        if (rand_reaches(g_ptr_array_index(from->subregions, i), target)) {
            return true;
        }
    }
    return false;
}

static void rand_step(RandWorld *w)
{
    int i = g_test_rand_int_range(0, RAND_NB_REGIONS);
    MemoryRegion *mr = &w->regions[i];
    hwaddr addr = g_test_rand_int_range(0, RAND_SPACE / 0x1000) * 0x1000;

    switch (g_test_rand_int_range(0, 8)) {
    case 0:
    case 1:
        if (mr->container && g_test_rand_int_range(0, 3) == 0) {
            memory_region_del_subregion(mr->container, mr);
        } else if (!mr->container) {
            MemoryRegion *parent = rand_pick_parent(w);

            /* parent would render mr, which renders parent: a cycle */
            if (rand_reaches(mr, parent)) {
                return;
            }
            g_hash_table_insert(w->added_at, mr,
                                GUINT_TO_POINTER(++w->counter));
            memory_region_add_subregion_overlap(parent, addr, mr,
                                                g_test_rand_int_range(-1, 2));
        }
        break;
    case 2:
        memory_region_set_enabled(mr, g_test_rand_int_range(0, 4) != 0);
        break;
    case 3:
        memory_region_set_address(mr, addr);
        break;
    case 4:
        memory_region_set_size(mr, (1 + g_test_rand_int_range(0, 16)) *
                                   0x1000);
        break;
    case 5:
        if (mr->alias) {
            memory_region_set_alias_offset(mr, g_test_rand_int_range(0, 8) *
                                               0x1000);
        }
        break;
    case 6:
        memory_region_set_unmergeable(mr, !mr->unmergeable);
        break;
    default:
        memory_region_set_readonly(mr, !mr->readonly);
        break;
    }
}

static void test_random_incremental_equals_full(void)
{
    RandWorld *w = g_new0(RandWorld, 1);

    rand_world_init(w);
    for (int round = 0; round < 5000; round++) {
        bool batch = g_test_rand_int_range(0, 4) == 0;
        int n = batch ? g_test_rand_int_range(2, 8) : 1;

        if (batch) {
            memory_region_transaction_begin();
        }
        for (int k = 0; k < n; k++) {
            rand_step(w);
        }
        if (batch) {
            memory_region_transaction_commit();
        }
        rand_check(w);
    }
    g_test_message("ranges compared: %u, unmergeable: %u", w->nb_checked,
                   w->nb_unmergeable);
    /* The run must have compared real views, not empty ones. */
    g_assert_cmpuint(w->nb_checked, >, 3000);
    g_assert_cmpuint(w->nb_unmergeable, >, 1000);
    memory_listener_unregister(&w->listener);
    g_assert_cmpuint(w->model->len, ==, 0);
    memory_region_transaction_begin();
    for (int i = RAND_NB_REGIONS - 1; i >= 0; i--) {
        if (w->regions[i].container) {
            memory_region_del_subregion(w->regions[i].container,
                                        &w->regions[i]);
        }
    }
    memory_region_transaction_commit();
    for (int i = RAND_NB_REGIONS - 1; i >= 0; i--) {
        memory_region_finalize(&w->regions[i]);
    }
    test_space_destroy(&w->t);
    g_hash_table_destroy(w->added_at);
    g_ptr_array_free(w->model, true);
    g_free(w);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/flatview/priority/higher-wins",
                    test_priority_higher_wins);
    g_test_add_func("/flatview/priority/equal-later-added-wins",
                    test_priority_equal_later_added_wins);
    g_test_add_func("/flatview/alias/alias-of-alias-resolves",
                    test_alias_of_alias_resolves);
    g_test_add_func("/flatview/alias/clipped-by-target",
                    test_alias_clipped_by_target);
    g_test_add_func("/flatview/disabled/invisible", test_disabled_invisible);
    g_test_add_func("/flatview/container/shows-beneath",
                    test_container_shows_beneath);
    g_test_add_func("/flatview/container/terminating-renders-subregions-over-itself",
                    test_terminating_renders_subregions_over_itself);
    g_test_add_func("/flatview/merge/adjacent-ram-merged",
                    test_merge_adjacent_ram);
    g_test_add_func("/flatview/merge/unmergeable-region-not-merged",
                    test_unmergeable_region_not_merged);
    g_test_add_func("/flatview/unmergeable-aliases-not-merged",
                    test_unmergeable_aliases_not_merged);
    g_test_add_func("/flatview/merge/unmergeable-alias-rejoins-when-uncovered",
                    test_unmergeable_alias_rejoins);
    g_test_add_func("/flatview/tree/move-resize-offset-readonly",
                    test_move_and_resize);
    g_test_add_func("/flatview/transaction/one-begin-commit",
                    test_transaction_one_begin_commit);
    g_test_add_func("/flatview/transaction/dels-before-adds",
                    test_transaction_dels_before_adds);
    g_test_add_func("/flatview/listener/register-and-unregister-replay",
                    test_listener_register_replays);
    g_test_add_func("/flatview/listener/nop-for-unchanged",
                    test_listener_nop_for_unchanged);
    g_test_add_func("/flatview/listener/priority-order",
                    test_listener_priority_order);
    g_test_add_func("/flatview/incremental/one-alias-change-touches-only-its-range",
                    test_incremental_touches_only_changed_range);
    g_test_add_func("/flatview/incremental/many-aliases-fall-back-to-full",
                    test_incremental_many_aliases_fall_back_to_full);
    g_test_add_func("/flatview/access/ram", test_access_ram);
    g_test_add_func("/flatview/access/readonly-ram-and-set",
                    test_access_readonly_and_set);
    g_test_add_func("/flatview/access/mmio-sizes", test_access_mmio_sizes);
    g_test_add_func("/flatview/access/unassigned-is-decode-error",
                    test_access_unassigned);
    g_test_add_func("/flatview/access/spanning-sections",
                    test_access_spanning_sections);
    g_test_add_func("/flatview/find/relative-and-clipped", test_find_sections);
    g_test_add_func("/flatview/mtree/exact-lines", test_mtree_lines);
    g_test_add_func("/flatview/mtree/owner-path-type-or-orphan",
                    test_mtree_owner);
    g_test_add_func("/flatview/system/spaces-and-unassigned-ports",
                    test_system_spaces);
    g_test_add_func("/flatview/random/incremental-equals-full",
                    test_random_incremental_equals_full);
    return g_test_run();
}
