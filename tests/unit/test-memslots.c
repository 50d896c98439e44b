/*
 * Unit tests of the accelerator memslot layer (accel/memslots.c): slots
 * per rendered RAM section, id reuse, the full-table refusal, the KVM
 * metadata model and the info text.  Each test builds its own address
 * space over MAP_NORESERVE memory (nothing is touched, so GiB sizes cost
 * nothing) and a table whose backend is fake_kvm_set_slot, standing in
 * for KVM_SET_USER_MEMORY_REGION, which this machine lacks.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "exec/memory.h"
#include "sysemu/memslots.h"
#include <sys/mman.h>

#define TEST_HOST_SIZE (4 * GiB)
#define TEST_NB_ALIASES 4           /* 1 GiB each, over the RAM region */

typedef struct TestMemslots {
    MemoryRegion root;
    MemoryRegion ram;               /* "ram": TEST_HOST_SIZE at host */
    MemoryRegion alias[TEST_NB_ALIASES];   /* "alias<n>": ram[n GiB, +1 GiB) */
    MemoryRegion mmio;
    uint8_t *host;
    AddressSpace as;
    GPtrArray *calls;               /* "set slot=..." lines, oldest first */
    int fail_errno;                 /* when set, every call fails with it */
    MemslotTable *table;
} TestMemslots;

static uint64_t test_io_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void test_io_write(void *opaque, hwaddr addr, uint64_t data,
                          unsigned size)
{
}

static const MemoryRegionOps test_io_ops = {
    .read = test_io_read,
    .write = test_io_write,
};

/* Records each call as one line; hva relative to the test's host memory. */
static int fake_kvm_set_slot(void *opaque, unsigned int slot_id, uint64_t gpa,
                             uint64_t size, void *hva, bool readonly)
{
    TestMemslots *t = opaque;

    g_ptr_array_add(t->calls,
                    g_strdup_printf("set slot=%u gpa=0x%" PRIx64 " size=0x%"
                                    PRIx64 " hva=+0x%tx%s", slot_id, gpa,
                                    size, (uint8_t *)hva - t->host,
                                    readonly ? " ro" : ""));
    return -t->fail_errno;
}

static const MemslotBackendOps test_fake_kvm_ops = {
    .set_slot = fake_kvm_set_slot,
};

/* Aliases made unmergeable as virtio-mem's dynamic memslots are. */
static void test_init(TestMemslots *t, unsigned int max_slots,
                      bool unmergeable)
{
    char name[16];
    int i;

    memset(t, 0, sizeof(*t));
    t->host = mmap(NULL, TEST_HOST_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    g_assert_true(t->host != MAP_FAILED);
    memory_region_init(&t->root, NULL, "root", UINT64_MAX);
    memory_region_init_ram_ptr(&t->ram, NULL, "ram", TEST_HOST_SIZE, t->host);
    for (i = 0; i < TEST_NB_ALIASES; i++) {
        snprintf(name, sizeof(name), "alias%d", i);
        memory_region_init_alias(&t->alias[i], NULL, name, &t->ram, i * GiB,
                                 GiB);
        memory_region_set_unmergeable(&t->alias[i], unmergeable);
    }
    memory_region_init_io(&t->mmio, NULL, &test_io_ops, NULL, "mmio",
                          0x1000);
    address_space_init(&t->as, &t->root, "test");
    t->calls = g_ptr_array_new_with_free_func(g_free);
    t->table = memslots_new("qtest", max_slots, &test_fake_kvm_ops, t);
}

static void test_destroy(TestMemslots *t)
{
    int i;

    memslots_destroy(t->table);
    address_space_destroy(&t->as);
    for (i = 0; i < TEST_NB_ALIASES; i++) {
        memory_region_finalize(&t->alias[i]);
    }
    memory_region_finalize(&t->mmio);
    memory_region_finalize(&t->root);
    memory_region_finalize(&t->ram);
    g_ptr_array_unref(t->calls);
    munmap(t->host, TEST_HOST_SIZE);
}

static void test_map_alias(TestMemslots *t, int alias_idx)
{
    memory_region_add_subregion(&t->root, alias_idx * GiB,
                                &t->alias[alias_idx]);
}

/* Assert the calls since the last take are exactly expected, then forget. */
static void test_take_calls(TestMemslots *t, const char *const *expected)
{
    guint n = 0;

    for (; expected[n]; n++) {
        g_assert_cmpuint(n, <, t->calls->len);
        g_assert_cmpstr(g_ptr_array_index(t->calls, n), ==, expected[n]);
    }
    g_assert_cmpuint(t->calls->len, ==, n);
    g_ptr_array_set_size(t->calls, 0);
}

static void test_assert_info(TestMemslots *t, const char *expected)
{
    g_autoptr(GString) out = g_string_new("");

    memslots_format_info(t->table, out);
    g_assert_cmpstr(out->str, ==, expected);
}

/* ---- sections to slots ---- */

static void test_adjacent_mergeable_aliases_one_slot(void)
{
    TestMemslots t;

    test_init(&t, 8, false);
    test_map_alias(&t, 0);
    test_map_alias(&t, 1);
    memslots_register(t.table, &t.as);
    g_assert_cmpuint(memslots_used(t.table), ==, 1);
    test_take_calls(&t, (const char *const[]) {
        "set slot=0 gpa=0x0 size=0x80000000 hva=+0x0",
        NULL,
    });
    test_destroy(&t);
}

static void test_unmergeable_aliases_two_slots(void)
{
    TestMemslots t;

    test_init(&t, 8, true);
    test_map_alias(&t, 0);
    test_map_alias(&t, 1);
    memslots_register(t.table, &t.as);
    g_assert_cmpuint(memslots_used(t.table), ==, 2);
    test_take_calls(&t, (const char *const[]) {
        "set slot=0 gpa=0x0 size=0x40000000 hva=+0x0",
        "set slot=1 gpa=0x40000000 size=0x40000000 hva=+0x40000000",
        NULL,
    });
    test_destroy(&t);
}

static void test_non_ram_ignored(void)
{
    TestMemslots t;

    test_init(&t, 8, true);
    memory_region_add_subregion(&t.root, 0xfee00000, &t.mmio);
    memslots_register(t.table, &t.as);
    g_assert_cmpuint(memslots_used(t.table), ==, 0);
    test_take_calls(&t, (const char *const[]) { NULL });
    test_destroy(&t);
}

static void test_map_alias_adds_one_slot(void)
{
    TestMemslots t;

    test_init(&t, 8, true);
    test_map_alias(&t, 0);
    test_map_alias(&t, 2);
    memslots_register(t.table, &t.as);
    g_ptr_array_set_size(t.calls, 0);

    test_map_alias(&t, 1);
    g_assert_cmpuint(memslots_used(t.table), ==, 3);
    test_take_calls(&t, (const char *const[]) {
        "set slot=2 gpa=0x40000000 size=0x40000000 hva=+0x40000000",
        NULL,
    });
    test_destroy(&t);
}

static void test_unmap_alias_removes_one_slot(void)
{
    TestMemslots t;

    test_init(&t, 8, true);
    test_map_alias(&t, 0);
    test_map_alias(&t, 1);
    test_map_alias(&t, 2);
    memslots_register(t.table, &t.as);
    g_ptr_array_set_size(t.calls, 0);

    memory_region_del_subregion(&t.root, &t.alias[1]);
    g_assert_cmpuint(memslots_used(t.table), ==, 2);
    test_take_calls(&t, (const char *const[]) {
        "set slot=1 gpa=0x40000000 size=0x0 hva=+0x40000000",
        NULL,
    });
    /* The neighbours keep their ids and ranges. */
    test_assert_info(&t,
        "memslots 'qtest': 2 used, 6 free of 8\n"
        "  slot 0: gpa 0x0000000000000000-0x000000003fffffff size 1 GiB"
        " region ram\n"
        "  slot 2: gpa 0x0000000080000000-0x00000000bfffffff size 1 GiB"
        " region ram\n"
        "  kvm metadata (modeled): 5386264 B, 1183752 B with TDP MMU,"
        " twice that with SMM\n");
    test_destroy(&t);
}

static void test_unregister_deletes_every_slot(void)
{
    TestMemslots t;

    test_init(&t, 8, true);
    test_map_alias(&t, 0);
    test_map_alias(&t, 3);
    memslots_register(t.table, &t.as);
    g_ptr_array_set_size(t.calls, 0);

    memslots_unregister(t.table);
    g_assert_cmpuint(memslots_used(t.table), ==, 0);
    g_assert_cmpuint(memslots_free(t.table), ==, 8);
    test_take_calls(&t, (const char *const[]) {
        "set slot=0 gpa=0x0 size=0x0 hva=+0x0",
        "set slot=1 gpa=0xc0000000 size=0x0 hva=+0xc0000000",
        NULL,
    });
    test_destroy(&t);
}

/* ---- optional backend hooks (as vhost-user uses them) ---- */

static bool vhost_like_accept(void *opaque, const MemoryRegionSection *s)
{
    /* Stand-in for "has an fd": only the alias2 and alias3 sections. */
    return !strcmp(memory_region_name(s->mr), "ram") &&
           s->offset_within_region >= 2 * GiB;
}

static int vhost_like_del(void *opaque, const MemslotInfo *slot)
{
    TestMemslots *t = opaque;

    g_ptr_array_add(t->calls,
                    g_strdup_printf("del gpa=0x%" PRIx64 " size=0x%" PRIx64,
                                    slot->gpa, slot->size));
    return 0;
}

static void vhost_like_commit(void *opaque)
{
    TestMemslots *t = opaque;

    g_ptr_array_add(t->calls, g_strdup("commit"));
}

static const MemslotBackendOps vhost_like_ops = {
    .set_slot = fake_kvm_set_slot,
    .del_slot = vhost_like_del,
    .accept = vhost_like_accept,
    .commit = vhost_like_commit,
};

static void test_foreach_collect(const MemslotInfo *slot, void *opaque)
{
    g_string_append_printf(opaque, "%u:0x%" PRIx64 "+0x%" PRIx64 " ",
                           slot->slot_id, slot->gpa, slot->size);
}

static void test_hooks_filter_delete_commit(void)
{
    g_autoptr(GString) walk = g_string_new("");
    TestMemslots t;

    test_init(&t, 8, true);
    memslots_destroy(t.table);
    t.table = memslots_new("vhost", 8, &vhost_like_ops, &t);
    for (int i = 0; i < TEST_NB_ALIASES; i++) {
        test_map_alias(&t, i);
    }
    memslots_register(t.table, &t.as);
    /* Refused sections take no slot; one commit for the whole update. */
    g_assert_cmpuint(memslots_used(t.table), ==, 2);
    test_take_calls(&t, (const char *const[]) {
        "set slot=0 gpa=0x80000000 size=0x40000000 hva=+0x80000000",
        "set slot=1 gpa=0xc0000000 size=0x40000000 hva=+0xc0000000",
        "commit",
        NULL,
    });
    memslots_foreach(t.table, test_foreach_collect, walk);
    g_assert_cmpstr(walk->str, ==,
                    "0:0x80000000+0x40000000 1:0xc0000000+0x40000000 ");

    /* A change the table does not take: no commit. */
    memory_region_del_subregion(&t.root, &t.alias[0]);
    test_take_calls(&t, (const char *const[]) { NULL });

    /* Deletion goes through del_slot with the size the slot had. */
    memory_region_del_subregion(&t.root, &t.alias[3]);
    g_assert_cmpuint(memslots_used(t.table), ==, 1);
    test_take_calls(&t, (const char *const[]) {
        "del gpa=0xc0000000 size=0x40000000",
        "commit",
        NULL,
    });
    test_destroy(&t);
}

/* A section refused for lack of a slot gets the next one that frees. */
static void test_full_table_refused_section_placed_later(void)
{
    TestMemslots t;

    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        g_test_trap_assert_stderr("*no free slot for 'ram' (2 of 2 used)\n");
        return;
    }
    test_init(&t, 2, true);
    memslots_register(t.table, &t.as);
    test_map_alias(&t, 0);
    test_map_alias(&t, 1);
    test_map_alias(&t, 3);
    g_assert_cmpuint(memslots_used(t.table), ==, 2);
    g_ptr_array_set_size(t.calls, 0);

    memory_region_del_subregion(&t.root, &t.alias[0]);
    g_assert_cmpuint(memslots_used(t.table), ==, 2);
    test_take_calls(&t, (const char *const[]) {
        "set slot=0 gpa=0x0 size=0x0 hva=+0x0",
        "set slot=0 gpa=0xc0000000 size=0x40000000 hva=+0xc0000000",
        NULL,
    });
    /* A waiting section that goes away is forgotten. */
    test_map_alias(&t, 2);
    memory_region_del_subregion(&t.root, &t.alias[2]);
    memory_region_del_subregion(&t.root, &t.alias[1]);
    test_take_calls(&t, (const char *const[]) {
        "set slot=1 gpa=0x40000000 size=0x0 hva=+0x40000000",
        NULL,
    });
    g_assert_cmpuint(memslots_used(t.table), ==, 1);
    test_destroy(&t);
    exit(0);
}

/* ---- slot ids ---- */

static void test_ids_reused_lowest_first(void)
{
    TestMemslots t;

    test_init(&t, 8, true);
    memslots_register(t.table, &t.as);
    test_map_alias(&t, 0);
    test_map_alias(&t, 1);
    test_map_alias(&t, 2);
    test_map_alias(&t, 3);
    g_ptr_array_set_size(t.calls, 0);

    /*
     * Free ids 2 then 0: the next adds get 0, then 2; MMIO takes none; an
     * alias moved to 8 GiB gets 3 again, the lowest free id.
     */
    memory_region_del_subregion(&t.root, &t.alias[2]);
    memory_region_del_subregion(&t.root, &t.alias[0]);
    test_map_alias(&t, 2);
    test_map_alias(&t, 0);
    memory_region_add_subregion(&t.root, 4 * GiB, &t.mmio);
    memory_region_del_subregion(&t.root, &t.alias[3]);
    memory_region_add_subregion(&t.root, 8 * GiB, &t.alias[3]);
    test_take_calls(&t, (const char *const[]) {
        "set slot=2 gpa=0x80000000 size=0x0 hva=+0x80000000",
        "set slot=0 gpa=0x0 size=0x0 hva=+0x0",
        "set slot=0 gpa=0x80000000 size=0x40000000 hva=+0x80000000",
        "set slot=2 gpa=0x0 size=0x40000000 hva=+0x0",
        "set slot=3 gpa=0xc0000000 size=0x0 hva=+0xc0000000",
        "set slot=3 gpa=0x200000000 size=0x40000000 hva=+0xc0000000",
        NULL,
    });
    g_assert_cmpuint(memslots_used(t.table), ==, 4);
    test_destroy(&t);
}

/* ---- a full table ---- */

/*
 * Three RAM regions for a table of two: the third is refused with a
 * message naming it and the limit, once; the table stays at its limit.
 */
static void test_full_table_refuses_with_message(void)
{
    TestMemslots t;
    MemoryRegion mem[4];
    char name[8];
    int i;

    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        g_test_trap_assert_stderr("*memslot table 'qtest': no free slot for"
                                  " 'mem2' (2 of 2 used)\n");
        return;
    }
    test_init(&t, 2, true);
    for (i = 0; i < 4; i++) {
        snprintf(name, sizeof(name), "mem%d", i);
        memory_region_init_ram_ptr(&mem[i], NULL, name, GiB, t.host + i * GiB);
    }
    memslots_register(t.table, &t.as);
    memory_region_transaction_begin();
    for (i = 0; i < 4; i++) {
        memory_region_add_subregion(&t.root, i * 2 * GiB, &mem[i]);
    }
    memory_region_transaction_commit();
    g_assert_cmpuint(memslots_used(t.table), ==, 2);
    g_assert_cmpuint(memslots_free(t.table), ==, 0);
    test_take_calls(&t, (const char *const[]) {
        "set slot=0 gpa=0x0 size=0x40000000 hva=+0x0",
        "set slot=1 gpa=0x80000000 size=0x40000000 hva=+0x40000000",
        NULL,
    });
    /* The refused region goes away without a call. */
    memory_region_del_subregion(&t.root, &mem[2]);
    test_take_calls(&t, (const char *const[]) { NULL });
    memslots_unregister(t.table);
    for (i = 0; i < 4; i++) {
        memory_region_finalize(&mem[i]);
    }
    test_destroy(&t);
    exit(0);
}

/*
 * A backend refusing an add: the section gets no slot, its id is free
 * again, the message names the region, range, slot and errno.
 */
static void test_backend_add_failure_reported(void)
{
    TestMemslots t;

    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        g_test_trap_assert_stderr("*memslot table 'qtest': cannot map 'ram' at"
                                  " 0x40000000 size 1 GiB in slot 1: No space"
                                  " left on device\n");
        return;
    }
    test_init(&t, 8, true);
    test_map_alias(&t, 0);
    memslots_register(t.table, &t.as);
    t.fail_errno = ENOSPC;
    test_map_alias(&t, 1);
    t.fail_errno = 0;
    g_assert_cmpuint(memslots_used(t.table), ==, 1);
    test_map_alias(&t, 2);
    test_take_calls(&t, (const char *const[]) {
        "set slot=0 gpa=0x0 size=0x40000000 hva=+0x0",
        "set slot=1 gpa=0x40000000 size=0x40000000 hva=+0x40000000",
        "set slot=1 gpa=0x80000000 size=0x40000000 hva=+0x80000000",
        NULL,
    });
    test_destroy(&t);
    exit(0);
}

/* A backend refusing a delete: reported, and the slot is dropped anyway. */
static void test_backend_delete_failure_reported(void)
{
    TestMemslots t;

    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        g_test_trap_assert_stderr("*memslot table 'qtest': cannot delete slot"
                                  " 0 of 'ram' at 0x0: Invalid argument\n");
        return;
    }
    test_init(&t, 8, true);
    test_map_alias(&t, 0);
    memslots_register(t.table, &t.as);
    t.fail_errno = EINVAL;
    memory_region_del_subregion(&t.root, &t.alias[0]);
    t.fail_errno = 0;
    g_assert_cmpuint(memslots_used(t.table), ==, 0);
    g_assert_cmpuint(memslots_free(t.table), ==, 8);
    test_destroy(&t);
    exit(0);
}

/* ---- KVM metadata model ---- */

/*
 * 1 TiB is 2^28 4 KiB pages, 2^19 2 MiB pages, 2^10 1 GiB pages:
 * rmap        8 * (2^28 + 2^19 + 2^10) = 2151686144
 * gfn_track   2 * 2^28                 =  536870912
 * lpage_info  4 * (2^19 + 2^10)        =    2101248
 * dirty       2 * 2^28 / 8             =   67108864
 * total                                = 2757767168 (2.57 GiB)
 */
static void test_cost_1tib_shadow_mmu(void)
{
    MemslotCost cost = memslots_slot_cost(TiB, false, false);

    g_assert_cmpuint(cost.rmap_size, ==, 2151686144u);
    g_assert_cmpuint(cost.gfn_track_size, ==, 536870912u);
    g_assert_cmpuint(cost.lpage_info_size, ==, 2101248u);
    g_assert_cmpuint(cost.dirty_bitmap_size, ==, 67108864u);
    g_assert_cmpuint(cost.total_size, ==, 2757767168u);
}

/* Without rmap: 536870912 + 2101248 + 67108864 = 606081024 (578 MiB). */
static void test_cost_1tib_tdp_mmu(void)
{
    MemslotCost cost = memslots_slot_cost(TiB, true, false);

    g_assert_cmpuint(cost.rmap_size, ==, 0);
    g_assert_cmpuint(cost.gfn_track_size, ==, 536870912u);
    g_assert_cmpuint(cost.lpage_info_size, ==, 2101248u);
    g_assert_cmpuint(cost.dirty_bitmap_size, ==, 67108864u);
    g_assert_cmpuint(cost.total_size, ==, 606081024u);
}

static void test_cost_smm_doubles(void)
{
    MemslotCost cost = memslots_slot_cost(TiB, false, true);

    g_assert_cmpuint(cost.rmap_size, ==, 2 * 2151686144ull);
    g_assert_cmpuint(cost.total_size, ==, 2 * 2757767168ull);
    cost = memslots_slot_cost(TiB, true, true);
    g_assert_cmpuint(cost.total_size, ==, 2 * 606081024ull);
}

/*
 * 2 MiB + 4 KiB: 513 pages, 2 large pages of 2 MiB, 1 of 1 GiB;
 * rmap 8 * 516 = 4128, gfn_track 1026, lpage_info 12, bitmaps 2 * 9 longs
 * = 144 (KVM rounds each to longs); total 5310.
 */
static void test_cost_partial_pages_round_up(void)
{
    MemslotCost cost = memslots_slot_cost(2 * MiB + 4 * KiB, false, false);

    g_assert_cmpuint(cost.rmap_size, ==, 4128);
    g_assert_cmpuint(cost.gfn_track_size, ==, 1026);
    g_assert_cmpuint(cost.lpage_info_size, ==, 12);
    g_assert_cmpuint(cost.dirty_bitmap_size, ==, 144);
    g_assert_cmpuint(cost.total_size, ==, 5310);
}

/* A 2 GiB slot and a 1 GiB slot cost as three 1 GiB slots. */
static void test_total_cost_sums_slots(void)
{
    TestMemslots t;
    MemslotCost one = memslots_slot_cost(GiB, false, true);
    MemslotCost total;

    test_init(&t, 8, false);
    memory_region_set_unmergeable(&t.alias[3], true);
    test_map_alias(&t, 0);
    memslots_register(t.table, &t.as);
    test_map_alias(&t, 1);
    test_map_alias(&t, 3);
    g_assert_cmpuint(memslots_used(t.table), ==, 2);
    total = memslots_total_cost(t.table, false, true);
    g_assert_cmpuint(total.total_size, ==, 3 * one.total_size);
    g_assert_cmpuint(total.rmap_size, ==, 3 * one.rmap_size);
    g_assert_cmpuint(total.dirty_bitmap_size, ==, 3 * one.dirty_bitmap_size);
    test_destroy(&t);
}

/* ---- info memslots ---- */

/*
 * Metadata of 1 GiB + 2 MiB (read-only): 262656 pages, 513 + 2 large
 * pages; rmap 8 * 263171 = 2105368, gfn_track 525312, lpage_info 2060,
 * bitmaps 2 * 4104 longs * 8 = 65664; with the 1 GiB slot (2101256 +
 * 524288 + 2052 + 65536 = 2693132) the total is 5391536; with the TDP MMU
 * 593036 + 591876 = 1184912.
 */
static void test_info_small_table(void)
{
    TestMemslots t;
    MemoryRegion rom;

    test_init(&t, 3, true);
    memory_region_init_ram_ptr(&rom, NULL, "pc.rom", GiB + 2 * MiB,
                               t.host + 2 * GiB);
    memory_region_set_readonly(&rom, true);
    memory_region_add_subregion(&t.root, 4 * GiB, &rom);
    test_map_alias(&t, 1);
    memslots_register(t.table, &t.as);
    test_assert_info(&t,
        "memslots 'qtest': 2 used, 1 free of 3\n"
        "  slot 0: gpa 0x0000000040000000-0x000000007fffffff size 1 GiB"
        " region ram\n"
        "  slot 1: gpa 0x0000000100000000-0x00000001401fffff size 1075838976"
        " B region pc.rom ro\n"
        "  kvm metadata (modeled): 5391536 B, 1184912 B with TDP MMU,"
        " twice that with SMM\n");
    memslots_unregister(t.table);
    memory_region_del_subregion(&t.root, &rom);
    memory_region_finalize(&rom);
    test_destroy(&t);
}

/* The decision looks at the tightest consumer: fewest free, smallest max. */
static void test_consumers_tightest(void)
{
    MemslotTable *kvm = memslots_new("fake-kvm", 509, NULL, NULL);
    MemslotTable *vhost = memslots_new("fake-vhost", 32, NULL, NULL);

    g_assert_null(memslots_consumer_tightest());
    memslots_consumer_add(kvm);
    g_assert_true(memslots_consumer_tightest() == kvm);
    g_assert_cmpuint(memslots_consumers_min_max(), ==, 509);
    memslots_consumer_add(vhost);
    g_assert_true(memslots_consumer_tightest() == vhost);
    g_assert_cmpuint(memslots_consumers_min_max(), ==, 32);
    g_assert_cmpuint(memslots_consumers()->len, ==, 2);
    memslots_consumer_remove(vhost);
    g_assert_true(memslots_consumer_tightest() == kvm);
    memslots_consumer_remove(kvm);
    memslots_destroy(vhost);
    memslots_destroy(kvm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/memslots/sections/adjacent-mergeable-aliases-one-slot",
                    test_adjacent_mergeable_aliases_one_slot);
    g_test_add_func("/memslots/sections/unmergeable-aliases-two-slots",
                    test_unmergeable_aliases_two_slots);
    g_test_add_func("/memslots/sections/non-ram-ignored",
                    test_non_ram_ignored);
    g_test_add_func("/memslots/update/map-alias-adds-one-slot",
                    test_map_alias_adds_one_slot);
    g_test_add_func("/memslots/update/unmap-alias-removes-one-slot",
                    test_unmap_alias_removes_one_slot);
    g_test_add_func("/memslots/update/unregister-deletes-every-slot",
                    test_unregister_deletes_every_slot);
    g_test_add_func("/memslots/backend/hooks-filter-delete-commit",
                    test_hooks_filter_delete_commit);
    g_test_add_func("/memslots/full/refused-section-placed-later",
                    test_full_table_refused_section_placed_later);
    g_test_add_func("/memslots/ids/reused-lowest-first",
                    test_ids_reused_lowest_first);
    g_test_add_func("/memslots/full/refuses-with-message",
                    test_full_table_refuses_with_message);
    g_test_add_func("/memslots/backend/add-failure-reported",
                    test_backend_add_failure_reported);
    g_test_add_func("/memslots/backend/delete-failure-reported",
                    test_backend_delete_failure_reported);
    g_test_add_func("/memslots/cost/1tib-shadow-mmu",
                    test_cost_1tib_shadow_mmu);
    g_test_add_func("/memslots/cost/1tib-tdp-mmu", test_cost_1tib_tdp_mmu);
    g_test_add_func("/memslots/cost/smm-doubles", test_cost_smm_doubles);
    g_test_add_func("/memslots/cost/partial-pages-round-up",
                    test_cost_partial_pages_round_up);
    g_test_add_func("/memslots/cost/total-sums-slots",
                    test_total_cost_sums_slots);
    g_test_add_func("/memslots/info/small-table", test_info_small_table);
    g_test_add_func("/memslots/consumers/tightest-decides",
                    test_consumers_tightest);
    return g_test_run();
}
