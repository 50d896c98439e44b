/*
 * virtio-mem dynamic-memslots: the device's memory is a container of N
 * unmergeable aliases ("memslot-<n>") of the backend, and an alias is
 * mapped only while one of its blocks is plugged, so the accelerator and
 * vhost see N small slots that come and go instead of one huge one.
 * Mapping happens before the guest is answered ACK and before listeners
 * are told; unmapping after the last block of an alias is unplugged.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/virtio/virtio-mem-internal.h"
#include "sysemu/hostmem.h"

MemoryRegion *virtio_mem_memslots_container(VirtIOMEM *vmem)
{
    MemoryRegion *backing = host_memory_backend_get_memory(vmem->memdev);

    if (!vmem->memslots_container) {
        vmem->memslots_container = g_new0(MemoryRegion, 1);
        memory_region_init(vmem->memslots_container, OBJECT(vmem),
                           "virtio-mem-memslots",
                           memory_region_size(backing));
    }
    return vmem->memslots_container;
}

void virtio_mem_memslots_free_container(VirtIOMEM *vmem)
{
    if (vmem->memslots_container) {
        memory_region_finalize(vmem->memslots_container);
        g_clear_pointer(&vmem->memslots_container, g_free);
    }
}

/* N from the limit the memory-device core handed over at pre-plug (1 for
 * a device on its own), then the aliases. */
void virtio_mem_memslots_init(VirtIOMEM *vmem)
{
    MemoryRegion *backing = host_memory_backend_get_memory(vmem->memdev);
    uint64_t region_size = memory_region_size(backing);
    unsigned int limit = MAX(vmem->memslot_limit, 1);

    virtio_mem_memslots_container(vmem);   /* made at pre-plug, or now */
    vmem->memslot_size = virtio_mem_blocks_memslot_size(
        region_size, vmem->blocks.block_size, limit);
    vmem->nb_memslots = virtio_mem_blocks_nb_memslots(region_size,
                                                      vmem->memslot_size);
    vmem->memslots = g_new0(MemoryRegion, vmem->nb_memslots);
    for (unsigned int i = 0; i < vmem->nb_memslots; i++) {
        uint64_t offset = i * vmem->memslot_size;
        g_autofree char *name = g_strdup_printf("memslot-%u", i);

        memory_region_init_alias(&vmem->memslots[i], OBJECT(vmem), name,
                                 backing, offset,
                                 MIN(vmem->memslot_size,
                                     region_size - offset));
        memory_region_set_unmergeable(&vmem->memslots[i], true);
    }
}

void virtio_mem_memslots_destroy(VirtIOMEM *vmem)
{
    for (unsigned int i = 0; i < vmem->nb_memslots; i++) {
        if (memory_region_is_mapped(&vmem->memslots[i])) {
            memory_region_del_subregion(vmem->memslots_container,
                                        &vmem->memslots[i]);
        }
        memory_region_finalize(&vmem->memslots[i]);
    }
    g_clear_pointer(&vmem->memslots, g_free);
    vmem->nb_memslots = 0;
}

static uint64_t virtio_mem_memslot_blocks(const VirtIOMEM *vmem)
{
    return vmem->memslot_size / vmem->blocks.block_size;
}

static void virtio_mem_memslot_set_mapped(VirtIOMEM *vmem, unsigned int i,
                                          bool mapped)
{
    MemoryRegion *alias = &vmem->memslots[i];

    if (mapped == memory_region_is_mapped(alias)) {
        return;
    }
    if (mapped) {
        memory_region_add_subregion(vmem->memslots_container,
                                    i * vmem->memslot_size, alias);
    } else {
        memory_region_del_subregion(vmem->memslots_container, alias);
    }
}

/* Aliases covering blocks [first, first + nb). */
static void virtio_mem_memslot_span(const VirtIOMEM *vmem, uint64_t first,
                                    uint64_t nb, unsigned int *lo,
                                    unsigned int *hi)
{
    uint64_t per = virtio_mem_memslot_blocks(vmem);

    *lo = first / per;
    *hi = (first + nb + per - 1) / per;
}

/* Before a plug of [first, first + nb): map every alias it touches. */
void virtio_mem_memslots_map_range(VirtIOMEM *vmem, uint64_t first,
                                   uint64_t nb)
{
    unsigned int lo, hi;

    if (!vmem->nb_memslots) {
        return;
    }
    virtio_mem_memslot_span(vmem, first, nb, &lo, &hi);
    memory_region_transaction_begin();
    for (unsigned int i = lo; i < hi; i++) {
        virtio_mem_memslot_set_mapped(vmem, i, true);
    }
    memory_region_transaction_commit();
}

/* After the bitmap changed in [first, first + nb): map exactly the
 * aliases holding a plugged block. */
void virtio_mem_memslots_sync_range(VirtIOMEM *vmem, uint64_t first,
                                    uint64_t nb)
{
    uint64_t per;
    unsigned int lo, hi;

    if (!vmem->nb_memslots) {
        return;
    }
    per = virtio_mem_memslot_blocks(vmem);
    virtio_mem_memslot_span(vmem, first, nb, &lo, &hi);
    memory_region_transaction_begin();
    for (unsigned int i = lo; i < hi; i++) {
        uint64_t start = i * per;
        uint64_t count = MIN(per, vmem->blocks.nb_blocks - start);

        virtio_mem_memslot_set_mapped(
            vmem, i, !virtio_mem_blocks_is_range_unplugged(&vmem->blocks,
                                                           start, count));
    }
    memory_region_transaction_commit();
}

unsigned int virtio_mem_memslots_mapped(const VirtIOMEM *vmem)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < vmem->nb_memslots; i++) {
        n += memory_region_is_mapped(&vmem->memslots[i]);
    }
    return n;
}
