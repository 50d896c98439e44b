/*
 * Cost of one dynamic-memslots alias activation: a container of N
 * unmergeable 1 GiB aliases of one RAM region (never touched, MAP_NORESERVE)
 * in an address space with the accelerator's memslot table listening;
 * map and unmap one alias per transaction, N = 16, 256, 1024.  Prints
 * "name value unit" and the 1024/16 ratio (goal: flat); never fails on
 * time.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "exec/memory.h"
#include "sysemu/memslots.h"
#include <sys/mman.h>

#define BENCH_ROUNDS 2000

static double bench_activation_us(unsigned int nb)
{
    uint64_t size = (uint64_t)nb * GiB;
    void *host = mmap(NULL, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    MemoryRegion root, container, ram;
    MemoryRegion *aliases = g_new0(MemoryRegion, nb);
    AddressSpace as;
    MemslotTable *table;
    gint64 t0, spent = 0;

    g_assert_true(host != MAP_FAILED);
    memory_region_init(&root, NULL, "bench-root", UINT64_MAX);
    memory_region_init(&container, NULL, "virtio-mem-memslots", size);
    memory_region_init_ram_ptr(&ram, NULL, "bench-ram", size, host);
    for (unsigned int i = 0; i < nb; i++) {
        g_autofree char *name = g_strdup_printf("memslot-%u", i);

        memory_region_init_alias(&aliases[i], NULL, name, &ram, i * GiB, GiB);
        memory_region_set_unmergeable(&aliases[i], true);
    }
    memory_region_add_subregion(&root, 4 * GiB, &container);
    address_space_init(&as, &root, "bench");
    table = memslots_new("bench", 32764, NULL, NULL);
    memslots_register(table, &as);
    /* Half the aliases mapped, as a device in use would have. */
    for (unsigned int i = 0; i < nb; i += 2) {
        memory_region_add_subregion(&container, i * GiB, &aliases[i]);
    }
    for (int r = 0; r < BENCH_ROUNDS; r++) {
        unsigned int i = 1 + 2 * (r % (nb / 2));

        t0 = g_get_monotonic_time();
        memory_region_transaction_begin();
        memory_region_add_subregion(&container, i * GiB, &aliases[i]);
        memory_region_transaction_commit();
        memory_region_transaction_begin();
        memory_region_del_subregion(&container, &aliases[i]);
        memory_region_transaction_commit();
        spent += g_get_monotonic_time() - t0;
    }
    g_assert_cmpuint(memslots_used(table), ==, nb / 2);
    memslots_unregister(table);
    memslots_destroy(table);
    address_space_destroy(&as);
    munmap(host, size);
    return (double)spent / (2.0 * BENCH_ROUNDS);
}

int main(void)
{
    static const unsigned int sizes[] = { 16, 256, 1024 };
    double us[3];

    for (int i = 0; i < 3; i++) {
        us[i] = bench_activation_us(sizes[i]);
        printf("memslot-alias-activation-%u %.2f us\n", sizes[i], us[i]);
    }
    printf("memslot-alias-activation-ratio-1024-16 %.2f x (goal: flat)\n",
           us[2] / us[0]);
    return 0;
}
