/*
 * Cost of one memory transaction that maps or unmaps one alias among N
 * (N = 64, 1024, 8192), the virtio-mem dynamic-memslots pattern: N
 * unmergeable 1 GiB aliases of one big RAM region in one container, a
 * listener registered.  The RAM is an mmap(PROT_NONE, MAP_NORESERVE)
 * reservation that is never touched.  Prints "name value unit" lines and
 * the 8192/64 ratios (the goal is <= 4); never fails on time.  The
 * "merged" variant uses mergeable aliases: the view is one range that
 * each unmap splits and each map joins again.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "exec/memory.h"
#include <sys/mman.h>
#include <time.h>

#define BENCH_ROUNDS 4000

typedef struct BenchWorld {
    unsigned int nb_aliases;
    bool unmergeable;
    void *host;
    MemoryRegion root;
    MemoryRegion ram;
    MemoryRegion box;
    MemoryRegion *aliases;
    AddressSpace as;
    MemoryListener listener;
    uint64_t nb_events;
} BenchWorld;

typedef struct BenchResult {
    double map_us;
    double unmap_us;
    double enable_us;
    double disable_us;
} BenchResult;

static double bench_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void bench_count(MemoryListener *l, MemoryRegionSection *s)
{
    container_of(l, BenchWorld, listener)->nb_events++;
}

static void bench_world_init(BenchWorld *w, unsigned int nb_aliases,
                             bool unmergeable)
{
    uint64_t ram_size = (uint64_t)nb_aliases * GiB;

    memset(w, 0, sizeof(*w));
    w->nb_aliases = nb_aliases;
    w->unmergeable = unmergeable;
    w->host = mmap(NULL, ram_size, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    g_assert(w->host != MAP_FAILED);
    memory_region_init(&w->root, NULL, "bench-root", UINT64_MAX);
    memory_region_init_ram_ptr(&w->ram, NULL, "bench-ram", ram_size, w->host);
    memory_region_init(&w->box, NULL, "bench-box", ram_size);
    w->aliases = g_new0(MemoryRegion, nb_aliases);
    address_space_init(&w->as, &w->root, "bench");
    w->listener.region_add = bench_count;
    w->listener.region_del = bench_count;
    memory_listener_register(&w->listener, &w->as);
    memory_region_transaction_begin();
    for (unsigned int i = 0; i < nb_aliases; i++) {
        g_autofree char *name = g_strdup_printf("bench-alias-%u", i);

        memory_region_init_alias(&w->aliases[i], NULL, name, &w->ram,
                                 (uint64_t)i * GiB, GiB);
        memory_region_set_unmergeable(&w->aliases[i], unmergeable);
        memory_region_add_subregion(&w->box, (uint64_t)i * GiB,
                                    &w->aliases[i]);
    }
    memory_region_add_subregion(&w->root, 4 * GiB, &w->box);
    memory_region_transaction_commit();
    g_assert_cmpuint(address_space_nb_sections(&w->as), ==,
                     unmergeable ? nb_aliases : 1);
}

static void bench_world_destroy(BenchWorld *w)
{
    memory_listener_unregister(&w->listener);
    address_space_destroy(&w->as);
    memory_region_transaction_begin();
    for (unsigned int i = 0; i < w->nb_aliases; i++) {
        memory_region_finalize(&w->aliases[i]);
    }
    memory_region_transaction_commit();
    memory_region_finalize(&w->box);
    memory_region_finalize(&w->root);
    memory_region_finalize(&w->ram);
    munmap(w->host, (uint64_t)w->nb_aliases * GiB);
    g_free(w->aliases);
}

/* An alias spread over the container, different each round. */
static MemoryRegion *bench_pick(BenchWorld *w, unsigned int round)
{
    return &w->aliases[(round * 7919u) % w->nb_aliases];
}

static void bench_add_del(BenchWorld *w, BenchResult *r)
{
    double map = 0;
    double unmap = 0;

    for (unsigned int k = 0; k < BENCH_ROUNDS; k++) {
        MemoryRegion *a = bench_pick(w, k);
        hwaddr addr = memory_region_get_address(a);
        double t0 = bench_now_us();
        double t1;

        memory_region_del_subregion(&w->box, a);
        t1 = bench_now_us();
        memory_region_add_subregion(&w->box, addr, a);
        unmap += t1 - t0;
        map += bench_now_us() - t1;
    }
    r->map_us = map / BENCH_ROUNDS;
    r->unmap_us = unmap / BENCH_ROUNDS;
}

static void bench_enable(BenchWorld *w, BenchResult *r)
{
    double enable = 0;
    double disable = 0;

    for (unsigned int k = 0; k < BENCH_ROUNDS; k++) {
        MemoryRegion *a = bench_pick(w, k);
        double t0 = bench_now_us();
        double t1;

        memory_region_set_enabled(a, false);
        t1 = bench_now_us();
        memory_region_set_enabled(a, true);
        disable += t1 - t0;
        enable += bench_now_us() - t1;
    }
    r->enable_us = enable / BENCH_ROUNDS;
    r->disable_us = disable / BENCH_ROUNDS;
}

static void bench_run(const char *kind, unsigned int nb_aliases,
                      bool unmergeable, BenchResult *r)
{
    BenchWorld w;

    bench_world_init(&w, nb_aliases, unmergeable);
    bench_add_del(&w, r);   /* warm-up: caches, allocator */
    bench_add_del(&w, r);
    bench_enable(&w, r);
    bench_world_destroy(&w);
    printf("memory-%s-map-%u %.3f us\n", kind, nb_aliases, r->map_us);
    printf("memory-%s-unmap-%u %.3f us\n", kind, nb_aliases, r->unmap_us);
    printf("memory-%s-enable-%u %.3f us\n", kind, nb_aliases, r->enable_us);
    printf("memory-%s-disable-%u %.3f us\n", kind, nb_aliases,
           r->disable_us);
}

static void bench_kind(const char *kind, bool unmergeable)
{
    static const unsigned int sizes[] = { 64, 1024, 8192 };
    BenchResult results[ARRAY_SIZE(sizes)];
    BenchResult *lo = &results[0];
    BenchResult *hi = &results[ARRAY_SIZE(sizes) - 1];

    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        bench_run(kind, sizes[i], unmergeable, &results[i]);
    }
    printf("memory-%s-map-ratio-8192-64 %.2f x\n", kind,
           hi->map_us / lo->map_us);
    printf("memory-%s-unmap-ratio-8192-64 %.2f x\n", kind,
           hi->unmap_us / lo->unmap_us);
    printf("memory-%s-enable-ratio-8192-64 %.2f x\n", kind,
           hi->enable_us / lo->enable_us);
    printf("memory-%s-disable-ratio-8192-64 %.2f x\n", kind,
           hi->disable_us / lo->disable_us);
}

int main(int argc, char **argv)
{
    bench_kind("alias", true);
    bench_kind("merged-alias", false);
    return 0;
}
