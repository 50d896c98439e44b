/*
 * The virtio-mem unit tests' RamDiscardListener (virtio-mem-listener.h).
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "virtio-mem-listener.h"
#include "sysemu/hostmem.h"

static int test_listener_populate(RamDiscardListener *rdl,
                                  MemoryRegionSection *s)
{
    TestListener *tl = container_of(rdl, TestListener, rdl);

    tl->nb_populate++;
    if (tl->refuse) {
        return -ENOMEM;
    }
    bitmap_set(tl->populated, s->offset_within_region / TEST_LISTENER_BS,
               s->size / TEST_LISTENER_BS);
    return 0;
}

static void test_listener_discard(RamDiscardListener *rdl,
                                  MemoryRegionSection *s)
{
    TestListener *tl = container_of(rdl, TestListener, rdl);

    tl->nb_discard++;
    bitmap_clear(tl->populated, s->offset_within_region / TEST_LISTENER_BS,
                 s->size / TEST_LISTENER_BS);
}

static MemoryRegion *test_listener_backing(VirtIOMEM *vmem)
{
    return host_memory_backend_get_memory(vmem->memdev);
}

void test_listener_attach(TestListener *tl, VirtIOMEM *vmem)
{
    MemoryRegion *mr = test_listener_backing(vmem);
    MemoryRegionSection s = { .mr = mr, .size = memory_region_size(mr) };

    memset(tl->populated, 0, sizeof(tl->populated));
    ram_discard_listener_init(&tl->rdl, test_listener_populate,
                              test_listener_discard);
    ram_discard_manager_register_listener(
        memory_region_get_ram_discard_manager(mr), &tl->rdl, &s);
}

void test_listener_detach(TestListener *tl, VirtIOMEM *vmem)
{
    ram_discard_manager_unregister_listener(
        memory_region_get_ram_discard_manager(test_listener_backing(vmem)),
        &tl->rdl);
}
