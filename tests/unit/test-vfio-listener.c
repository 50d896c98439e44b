/*
 * Unit tests of the VFIO container core (hw/vfio/container.c): a test
 * RamDiscardManager (one bit per 64 KiB block, written here) and a fake_
 * DMA backend that keeps the live mapping set the way a vfio-user server
 * does (overlapping maps and unmaps that do not match one mapping are
 * refused and counted as violations) and records every request.  Checks
 * whole and managed RAM, coalescing and splitting, the per-block rule,
 * random patterns against a model, refusal rollback, the budget and fds.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "exec/memory.h"
#include "hw/vfio/vfio-container.h"
#include "exec/ramblock.h"

#define TEST_BLOCK 0x10000ULL
#define TEST_NB_BLOCKS 64
#define TEST_RDM_GPA 0x100000000ULL
#define TEST_RAM_SIZE 0x100000ULL

/* ---- the test manager ---- */

typedef struct TestManager {
    RamDiscardManager rdm;
    MemoryRegion *mr;
    bool populated[TEST_NB_BLOCKS];
} TestManager;

static TestManager *test_manager(const RamDiscardManager *rdm)
{
    return container_of(rdm, TestManager, rdm);
}

static uint64_t test_manager_granularity(const RamDiscardManager *rdm,
                                         const MemoryRegion *mr)
{
    return TEST_BLOCK;
}

static bool test_manager_is_populated(const RamDiscardManager *rdm,
                                      const MemoryRegionSection *s)
{
    TestManager *m = test_manager(rdm);

    for (uint64_t b = s->offset_within_region / TEST_BLOCK;
         b < (s->offset_within_region + s->size) / TEST_BLOCK; b++) {
        if (!m->populated[b]) {
            return false;
        }
    }
    return true;
}

static int test_manager_for_each(TestManager *m, MemoryRegionSection *s,
                                 bool want, ReplayRamPopulate fn,
                                 void *opaque)
{
    uint64_t end = (s->offset_within_region + s->size) / TEST_BLOCK;

    for (uint64_t b = s->offset_within_region / TEST_BLOCK; b < end;) {
        uint64_t e = b;
        MemoryRegionSection run = *s;
        int ret;

        if (m->populated[b] != want) {
            b++;
            continue;
        }
        while (e < end && m->populated[e] == want) {
            e++;
        }
        run.offset_within_region = b * TEST_BLOCK;
        run.size = (e - b) * TEST_BLOCK;
        run.offset_within_address_space = s->offset_within_address_space +
            run.offset_within_region - s->offset_within_region;
        ret = fn(&run, opaque);
        if (ret) {
            return ret;
        }
        b = e;
    }
    return 0;
}

static int test_manager_replay_populated(const RamDiscardManager *rdm,
                                         MemoryRegionSection *s,
                                         ReplayRamPopulate fn, void *opaque)
{
    return test_manager_for_each(test_manager(rdm), s, true, fn, opaque);
}

static void test_manager_replay_discarded(const RamDiscardManager *rdm,
                                          MemoryRegionSection *s,
                                          ReplayRamDiscard fn, void *opaque)
{
    g_assert_not_reached();     /* the container never asks */
}

static const RamDiscardManagerOps test_manager_ops = {
    .get_min_granularity = test_manager_granularity,
    .is_populated = test_manager_is_populated,
    .replay_populated = test_manager_replay_populated,
    .replay_discarded = test_manager_replay_discarded,
};

static int test_manager_populate(TestManager *m, uint64_t first, uint64_t n)
{
    int ret = ram_discard_manager_notify_populate(&m->rdm, m->mr,
                                                  first * TEST_BLOCK,
                                                  n * TEST_BLOCK);

    for (uint64_t b = first; !ret && b < first + n; b++) {
        m->populated[b] = true;
    }
    return ret;
}

static void test_manager_discard(TestManager *m, uint64_t first, uint64_t n)
{
    ram_discard_manager_notify_discard(&m->rdm, m->mr, first * TEST_BLOCK,
                                       n * TEST_BLOCK);
    for (uint64_t b = first; b < first + n; b++) {
        m->populated[b] = false;
    }
}

/* ---- the fake DMA backend ---- */

typedef struct FakeDma {
    GArray *live;           /* VFIODMAMap, what the "server" holds */
    GPtrArray *log;         /* "map 0x..+0x.." / "unmap ..." */
    unsigned int nb_maps;
    unsigned int nb_unmaps;
    unsigned int violations;
    int fail_map_at;        /* refuse the map with this number (1-based) */
} FakeDma;

static int fake_dma_find(FakeDma *f, uint64_t iova, uint64_t size)
{
    for (guint i = 0; i < f->live->len; i++) {
        VFIODMAMap *m = &g_array_index(f->live, VFIODMAMap, i);

        if (iova < m->iova + m->size && m->iova < iova + size) {
            return i;
        }
    }
    return -1;
}

static int fake_dma_map(void *opaque, const VFIODMAMap *map)
{
    FakeDma *f = opaque;

    f->nb_maps++;
    g_ptr_array_add(f->log, g_strdup_printf("map 0x%" PRIx64 "+0x%" PRIx64,
                                            map->iova, map->size));
    if (f->fail_map_at && f->nb_maps == (unsigned)f->fail_map_at) {
        return -EFAULT;
    }
    if (fake_dma_find(f, map->iova, map->size) >= 0) {
        f->violations++;
        return -EINVAL;
    }
    g_array_append_val(f->live, *map);
    return 0;
}

static int fake_dma_unmap(void *opaque, const VFIODMAMap *map)
{
    FakeDma *f = opaque;
    int i = fake_dma_find(f, map->iova, map->size);

    f->nb_unmaps++;
    g_ptr_array_add(f->log, g_strdup_printf("unmap 0x%" PRIx64 "+0x%" PRIx64,
                                            map->iova, map->size));
    if (i < 0 || g_array_index(f->live, VFIODMAMap, i).iova != map->iova ||
        g_array_index(f->live, VFIODMAMap, i).size != map->size) {
        f->violations++;
        return -ENOENT;
    }
    g_array_remove_index(f->live, i);
    return 0;
}

static const VFIOContainerOps fake_dma_ops = {
    .dma_map = fake_dma_map,
    .dma_unmap = fake_dma_unmap,
};

/* ---- fixture: boot RAM at 0, a ROM, MMIO, managed RAM at 4 GiB ---- */

typedef struct TestWorld {
    MemoryRegion root;
    AddressSpace as;
    MemoryRegion ram, rom, mmio, rdm_ram, alias;
    void *ram_host, *rom_host, *rdm_host;
    TestManager mgr;
    FakeDma fake;
    VFIOContainer c;
} TestWorld;

static uint64_t test_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void test_mmio_write(void *opaque, hwaddr addr, uint64_t v,
                            unsigned size)
{
}

static const MemoryRegionOps test_mmio_ops = {
    .read = test_mmio_read,
    .write = test_mmio_write,
};

static TestWorld *test_world_new(bool coalesce, uint64_t max_mappings,
                                 bool map_rdm)
{
    TestWorld *w = g_new0(TestWorld, 1);
    VFIOContainerConfig cfg = {
        .kind = "vfio-user-pci", .name = "vfu0",
        .limit_source = "the fake", .coalesce = coalesce,
        .max_mappings = max_mappings,
    };

    memory_region_init(&w->root, NULL, "root", UINT64_MAX);
    address_space_init(&w->as, &w->root, "test");
    w->ram_host = g_malloc0(TEST_RAM_SIZE);
    memory_region_init_ram_ptr(&w->ram, NULL, "ram", TEST_RAM_SIZE,
                               w->ram_host);
    memory_region_add_subregion(&w->root, 0, &w->ram);
    w->rom_host = g_malloc0(0x10000);
    memory_region_init_ram_ptr(&w->rom, NULL, "rom", 0x10000, w->rom_host);
    memory_region_set_readonly(&w->rom, true);
    memory_region_add_subregion(&w->root, 0xfff00000, &w->rom);
    memory_region_init_io(&w->mmio, NULL, &test_mmio_ops, NULL, "mmio",
                          0x1000);
    memory_region_add_subregion(&w->root, 0xfe000000, &w->mmio);
    w->rdm_host = g_malloc0(TEST_NB_BLOCKS * TEST_BLOCK);
    memory_region_init_ram_ptr(&w->rdm_ram, NULL, "vmem", TEST_NB_BLOCKS *
                               TEST_BLOCK, w->rdm_host);
    ram_discard_manager_init(&w->mgr.rdm, &test_manager_ops);
    w->mgr.mr = &w->rdm_ram;
    memory_region_set_ram_discard_manager(&w->rdm_ram, &w->mgr.rdm);
    if (map_rdm) {
        memory_region_add_subregion(&w->root, TEST_RDM_GPA, &w->rdm_ram);
    }
    w->fake.live = g_array_new(false, false, sizeof(VFIODMAMap));
    w->fake.log = g_ptr_array_new_with_free_func(g_free);
    vfio_container_init(&w->c, &fake_dma_ops, &w->fake, &cfg);
    return w;
}

static void test_world_free(TestWorld *w)
{
    vfio_container_destroy(&w->c);
    g_assert_cmpuint(w->fake.live->len, ==, 0);
    g_assert_cmpuint(w->fake.violations, ==, 0);
    if (memory_region_is_mapped(&w->alias)) {
        memory_region_del_subregion(&w->root, &w->alias);
        memory_region_finalize(&w->alias);
    }
    if (memory_region_is_mapped(&w->rdm_ram)) {
        memory_region_del_subregion(&w->root, &w->rdm_ram);
    }
    memory_region_set_ram_discard_manager(&w->rdm_ram, NULL);
    address_space_destroy(&w->as);
    memory_region_finalize(&w->rdm_ram);
    memory_region_finalize(&w->mmio);
    memory_region_finalize(&w->rom);
    memory_region_finalize(&w->ram);
    memory_region_finalize(&w->root);
    g_ptr_array_free(w->mgr.rdm.listeners, true);
    g_array_free(w->fake.live, true);
    g_ptr_array_free(w->fake.log, true);
    g_free(w->ram_host);
    g_free(w->rom_host);
    g_free(w->rdm_host);
    g_free(w);
}

static void test_assert_log(TestWorld *w, const char *const *expected)
{
    guint n = 0;

    for (; expected[n]; n++) {
        g_assert_cmpuint(n, <, w->fake.log->len);
        g_assert_cmpstr(g_ptr_array_index(w->fake.log, n), ==, expected[n]);
    }
    g_assert_cmpuint(w->fake.log->len, ==, n);
    g_ptr_array_set_size(w->fake.log, 0);
}

static void test_start(TestWorld *w)
{
    g_assert_true(vfio_container_start(&w->c, &w->as, &error_abort));
}

/* ---- tests ---- */

static void test_whole_ram_mapped_once(void)
{
    TestWorld *w = test_world_new(true, 1000, false);

    test_start(w);
    test_assert_log(w, (const char *const[]) { "map 0x0+0x100000", NULL });
    g_assert_cmpuint(vfio_container_nb_mappings(&w->c), ==, 1);
    g_assert_cmpuint(vfio_container_worst_mappings(&w->c), ==, 1);
    vfio_container_stop(&w->c);
    test_assert_log(w, (const char *const[]) { "unmap 0x0+0x100000", NULL });
    test_world_free(w);
}

static void test_rdm_nothing_populated_nothing_mapped(void)
{
    TestWorld *w = test_world_new(true, 1000, true);

    test_start(w);
    test_assert_log(w, (const char *const[]) { "map 0x0+0x100000", NULL });
    g_assert_cmpuint(vfio_container_worst_mappings(&w->c), ==,
                     1 + TEST_NB_BLOCKS);
    test_world_free(w);
}

static void test_rdm_replay_populated_at_start(void)
{
    TestWorld *w = test_world_new(true, 1000, true);

    w->mgr.populated[2] = w->mgr.populated[3] = w->mgr.populated[9] = true;
    test_start(w);
    test_assert_log(w, (const char *const[]) {
        "map 0x0+0x100000", "map 0x100020000+0x20000",
        "map 0x100090000+0x10000", NULL });
    vfio_container_stop(&w->c);
    test_assert_log(w, (const char *const[]) {
        "unmap 0x0+0x100000", "unmap 0x100020000+0x20000",
        "unmap 0x100090000+0x10000", NULL });
    test_world_free(w);
}

static void test_coalesce_one_map_per_run(void)
{
    TestWorld *w = test_world_new(true, 1000, true);

    test_start(w);
    g_ptr_array_set_size(w->fake.log, 0);
    g_assert_cmpint(test_manager_populate(&w->mgr, 0, 32), ==, 0);
    test_assert_log(w, (const char *const[]) {
        "map 0x100000000+0x200000", NULL });
    test_world_free(w);
}

static void test_coalesce_split_on_inner_discard(void)
{
    TestWorld *w = test_world_new(true, 1000, true);

    test_start(w);
    g_assert_cmpint(test_manager_populate(&w->mgr, 0, 16), ==, 0);
    g_ptr_array_set_size(w->fake.log, 0);
    test_manager_discard(&w->mgr, 5, 2);
    test_assert_log(w, (const char *const[]) {
        "unmap 0x100000000+0x100000", "map 0x100000000+0x50000",
        "map 0x100070000+0x90000", NULL });
    /* The edges: no piece to map again on that side. */
    test_manager_discard(&w->mgr, 0, 5);
    test_assert_log(w, (const char *const[]) {
        "unmap 0x100000000+0x50000", NULL });
    /* boot RAM and blocks 7..15 */
    g_assert_cmpuint(vfio_container_nb_mappings(&w->c), ==, 2);
    test_world_free(w);
}

static void test_coalesce_discard_across_mappings(void)
{
    TestWorld *w = test_world_new(true, 1000, true);

    test_start(w);
    g_assert_cmpint(test_manager_populate(&w->mgr, 0, 4), ==, 0);
    g_assert_cmpint(test_manager_populate(&w->mgr, 4, 4), ==, 0);
    g_ptr_array_set_size(w->fake.log, 0);
    test_manager_discard(&w->mgr, 2, 4);
    test_assert_log(w, (const char *const[]) {
        "unmap 0x100000000+0x40000", "map 0x100000000+0x20000",
        "unmap 0x100040000+0x40000", "map 0x100060000+0x20000", NULL });
    test_world_free(w);
}

static void test_exact_per_block(void)
{
    TestWorld *w = test_world_new(false, 1000, true);

    test_start(w);
    g_ptr_array_set_size(w->fake.log, 0);
    g_assert_cmpint(test_manager_populate(&w->mgr, 0, 3), ==, 0);
    test_assert_log(w, (const char *const[]) {
        "map 0x100000000+0x10000", "map 0x100010000+0x10000",
        "map 0x100020000+0x10000", NULL });
    test_manager_discard(&w->mgr, 1, 2);
    test_assert_log(w, (const char *const[]) {
        "unmap 0x100010000+0x10000", "unmap 0x100020000+0x10000", NULL });
    g_assert_false(vfio_container_coalesces(&w->c));
    test_world_free(w);
}

typedef struct TestCover {
    bool covered[TEST_NB_BLOCKS];
    unsigned int nb;
} TestCover;

static int test_cover_cb(const VFIODMAMap *m, void *opaque)
{
    TestCover *t = opaque;

    t->nb++;
    if (m->iova < TEST_RDM_GPA) {
        return 0;
    }
    g_assert_cmphex(m->size % TEST_BLOCK, ==, 0);
    for (uint64_t g = m->iova; g < m->iova + m->size; g += TEST_BLOCK) {
        uint64_t b = (g - TEST_RDM_GPA) / TEST_BLOCK;

        g_assert_false(t->covered[b]);
        t->covered[b] = true;
    }
    return 0;
}

/* The table covers exactly the populated blocks, and matches the server. */
static void test_assert_model(TestWorld *w)
{
    TestCover t = { 0 };

    vfio_container_foreach_mapping(&w->c, test_cover_cb, &t);
    for (int b = 0; b < TEST_NB_BLOCKS; b++) {
        g_assert_cmpint(t.covered[b], ==, w->mgr.populated[b]);
    }
    g_assert_cmpuint(t.nb, ==, w->fake.live->len);
    g_assert_cmpuint(w->fake.violations, ==, 0);
}

static void test_model_random(gconstpointer data)
{
    bool coalesce = GPOINTER_TO_INT(data);
    TestWorld *w = test_world_new(coalesce, 1000, true);
    GRand *rand = g_rand_new_with_seed(9);

    test_start(w);
    for (int i = 0; i < 2000; i++) {
        uint64_t first = g_rand_int_range(rand, 0, TEST_NB_BLOCKS);
        uint64_t n = g_rand_int_range(rand, 1, TEST_NB_BLOCKS - first + 1);
        bool all_off = true;
        bool all_on = true;

        for (uint64_t b = first; b < first + n; b++) {
            all_off &= !w->mgr.populated[b];
            all_on &= w->mgr.populated[b];
        }
        /* The manager only changes blocks that are all in the other state. */
        if (all_off) {
            unsigned int before = w->fake.nb_maps;

            g_assert_cmpint(test_manager_populate(&w->mgr, first, n), ==, 0);
            g_assert_cmpuint(w->fake.nb_maps - before, ==, coalesce ? 1 : n);
        } else if (all_on) {
            test_manager_discard(&w->mgr, first, n);
        }
        test_assert_model(w);
    }
    g_rand_free(rand);
    test_world_free(w);
}

static void test_refusal_rolls_back(gconstpointer data)
{
    bool coalesce = GPOINTER_TO_INT(data);
    TestWorld *w = test_world_new(coalesce, 1000, true);

    test_start(w);
    g_assert_cmpint(test_manager_populate(&w->mgr, 10, 2), ==, 0);
    g_ptr_array_set_size(w->fake.log, 0);
    /* The third map from now is refused. */
    w->fake.fail_map_at = w->fake.nb_maps + (coalesce ? 1 : 3);
    g_assert_cmpint(test_manager_populate(&w->mgr, 0, 4), ==, -EFAULT);
    if (coalesce) {
        test_assert_log(w, (const char *const[]) {
            "map 0x100000000+0x40000", NULL });
    } else {
        test_assert_log(w, (const char *const[]) {
            "map 0x100000000+0x10000", "map 0x100010000+0x10000",
            "map 0x100020000+0x10000", "unmap 0x100000000+0x10000",
            "unmap 0x100010000+0x10000", NULL });
    }
    g_assert_false(w->mgr.populated[0]);
    test_assert_model(w);
    g_assert_cmpuint(vfio_container_nb_mappings(&w->c), ==,
                     1 + (coalesce ? 1 : 2));
    test_world_free(w);
}

static void test_budget_start_refused_names_numbers(void)
{
    TestWorld *w = test_world_new(true, 10, true);
    Error *err = NULL;

    g_assert_false(vfio_container_start(&w->c, &w->as, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "vfio 'vfu0': RAM 'vmem' at 0x100000000 (4 MiB) may need 64 DMA mappings, 65 in all, but the fake allows 10");
    error_free(err);
    /* Nothing stays mapped, and a later start with room works. */
    g_assert_cmpuint(w->fake.live->len, ==, 0);
    g_assert_cmpuint(vfio_container_nb_mappings(&w->c), ==, 0);
    test_world_free(w);
}

static void test_budget_runtime_section_refuses_populate(void)
{
    TestWorld *w = test_world_new(true, 10, false);

    test_start(w);
    memory_region_add_subregion(&w->root, TEST_RDM_GPA, &w->rdm_ram);
    g_assert_cmpuint(vfio_container_worst_mappings(&w->c), ==, 1);
    g_assert_cmpint(test_manager_populate(&w->mgr, 0, 1), ==, -ENOSPC);
    g_assert_false(w->mgr.populated[0]);
    g_assert_cmpuint(w->fake.live->len, ==, 1);
    memory_region_del_subregion(&w->root, &w->rdm_ram);
    test_world_free(w);
}

static void test_budget_limit_is_hard(void)
{
    /* 4 blocks of room beyond boot RAM: the worst case is checked per
     * alias, and the limit holds for the maps themselves. */
    TestWorld *w = test_world_new(false, 5, false);

    test_start(w);
    memory_region_init_alias(&w->alias, NULL, "vmem-slot0", &w->rdm_ram, 0,
                             4 * TEST_BLOCK);
    memory_region_add_subregion(&w->root, TEST_RDM_GPA, &w->alias);
    g_assert_cmpuint(vfio_container_worst_mappings(&w->c), ==, 5);
    g_assert_cmpint(test_manager_populate(&w->mgr, 0, 4), ==, 0);
    g_assert_cmpuint(vfio_container_nb_mappings(&w->c), ==, 5);
    test_world_free(w);
}

static void test_alias_follows(void)
{
    TestWorld *w = test_world_new(true, 1000, false);

    test_start(w);
    memory_region_init_alias(&w->alias, NULL, "vmem-slot1", &w->rdm_ram,
                             16 * TEST_BLOCK, 16 * TEST_BLOCK);
    memory_region_set_unmergeable(&w->alias, true);
    /* Outside the alias: nobody listens there, nothing is mapped. */
    g_assert_cmpint(test_manager_populate(&w->mgr, 0, 2), ==, 0);
    memory_region_add_subregion(&w->root, TEST_RDM_GPA + 16 * TEST_BLOCK,
                                &w->alias);
    g_ptr_array_set_size(w->fake.log, 0);
    g_assert_cmpint(test_manager_populate(&w->mgr, 17, 2), ==, 0);
    test_assert_log(w, (const char *const[]) {
        "map 0x100110000+0x20000", NULL });
    memory_region_del_subregion(&w->root, &w->alias);
    test_assert_log(w, (const char *const[]) {
        "unmap 0x100110000+0x20000", NULL });
    /* Mapped again: the populated blocks are replayed. */
    memory_region_add_subregion(&w->root, TEST_RDM_GPA + 16 * TEST_BLOCK,
                                &w->alias);
    test_assert_log(w, (const char *const[]) {
        "map 0x100110000+0x20000", NULL });
    test_world_free(w);
}

static void test_needs_fd_private_ram_refused(void)
{
    TestWorld *w = test_world_new(true, 1000, false);
    Error *err = NULL;

    w->c.cfg.needs_fd = true;
    g_assert_false(vfio_container_start(&w->c, &w->as, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "vfio 'vfu0': RAM 'ram' at 0x0 (1 MiB) is not shared, fd-backed memory, so the device cannot map it; use a memory backend with share=on (memory-backend-memfd)");
    error_free(err);
    g_assert_cmpuint(w->fake.nb_maps, ==, 0);
    test_world_free(w);
}

static void test_stopped_backend_gets_nothing(void)
{
    TestWorld *w = test_world_new(true, 1000, true);

    test_start(w);
    g_assert_cmpint(test_manager_populate(&w->mgr, 0, 2), ==, 0);
    vfio_container_mark_stopped(&w->c);
    g_ptr_array_set_size(w->fake.log, 0);
    g_assert_cmpint(test_manager_populate(&w->mgr, 4, 2), ==, 0);
    test_manager_discard(&w->mgr, 0, 2);
    vfio_container_stop(&w->c);
    test_assert_log(w, (const char *const[]) { NULL });
    g_array_set_size(w->fake.live, 0);
    test_world_free(w);
}

static void test_discard_uncoordinated_user_refuses_start(void)
{
    TestWorld *w = test_world_new(true, 1000, false);
    Error *err = NULL;

    g_assert_true(ram_block_discard_require_for("virtio-balloon 'b0'",
                                                &error_abort));
    g_assert_false(vfio_container_start(&w->c, &w->as, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "vfio-user-pci 'vfu0': a device discards RAM without telling its users (e.g. virtio-balloon), which a VFIO device cannot follow");
    error_free(err);
    g_assert_cmpuint(w->fake.nb_maps, ==, 0);
    g_assert_cmpint(ram_block_discard_require(false), ==, 0);
    test_world_free(w);
}

static void test_discard_started_container_named_in_refusal(void)
{
    TestWorld *w = test_world_new(true, 1000, false);
    Error *err = NULL;

    test_start(w);
    g_assert_false(ram_block_discard_require_for("virtio-balloon 'b0'", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "virtio-balloon 'b0' discards RAM without telling its users, but vfio-user-pci 'vfu0' maps guest RAM for DMA and cannot follow such discards");
    error_free(err);
    /* virtio-mem's kind coexists */
    g_assert_cmpint(ram_block_coordinated_discard_require(true), ==, 0);
    g_assert_cmpint(ram_block_coordinated_discard_require(false), ==, 0);
    vfio_container_stop(&w->c);
    g_assert_false(ram_block_discard_is_disabled());
    test_world_free(w);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vfio-listener/whole-ram/mapped-once-rom-mmio-skipped",
                    test_whole_ram_mapped_once);
    g_test_add_func("/vfio-listener/rdm/nothing-populated-nothing-mapped",
                    test_rdm_nothing_populated_nothing_mapped);
    g_test_add_func("/vfio-listener/rdm/replay-populated-at-start",
                    test_rdm_replay_populated_at_start);
    g_test_add_func("/vfio-listener/coalesce/one-map-per-run",
                    test_coalesce_one_map_per_run);
    g_test_add_func("/vfio-listener/coalesce/split-on-inner-discard",
                    test_coalesce_split_on_inner_discard);
    g_test_add_func("/vfio-listener/coalesce/discard-across-mappings",
                    test_coalesce_discard_across_mappings);
    g_test_add_func("/vfio-listener/exact/one-map-per-block",
                    test_exact_per_block);
    g_test_add_data_func("/vfio-listener/model/random-coalesced",
                         GINT_TO_POINTER(1), test_model_random);
    g_test_add_data_func("/vfio-listener/model/random-per-block",
                         GINT_TO_POINTER(0), test_model_random);
    g_test_add_data_func("/vfio-listener/refusal/rolls-back-coalesced",
                         GINT_TO_POINTER(1), test_refusal_rolls_back);
    g_test_add_data_func("/vfio-listener/refusal/rolls-back-per-block",
                         GINT_TO_POINTER(0), test_refusal_rolls_back);
    g_test_add_func("/vfio-listener/budget/start-refused-names-numbers",
                    test_budget_start_refused_names_numbers);
    g_test_add_func("/vfio-listener/budget/runtime-section-refuses-populate",
                    test_budget_runtime_section_refuses_populate);
    g_test_add_func("/vfio-listener/budget/limit-is-hard",
                    test_budget_limit_is_hard);
    g_test_add_func("/vfio-listener/sections/alias-follows",
                    test_alias_follows);
    g_test_add_func("/vfio-listener/needs-fd/private-ram-refused",
                    test_needs_fd_private_ram_refused);
    g_test_add_func("/vfio-listener/stopped/backend-gets-nothing",
                    test_stopped_backend_gets_nothing);
    g_test_add_func("/vfio-listener/discard/uncoordinated-user-refuses-start",
                    test_discard_uncoordinated_user_refuses_start);
    g_test_add_func("/vfio-listener/discard/started-container-named",
                    test_discard_started_container_named_in_refusal);
    return g_test_run();
}
