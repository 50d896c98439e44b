/*
 * RamDiscardManager: the link between a RAM region whose parts may be
 * discarded (its manager, e.g. virtio-mem, says which) and the users that
 * must follow (VFIO maps only populated parts, migration skips the rest).
 * This file keeps the listeners, replays state to new ones and fans out
 * notifications, undoing a refused populate; the manager's ops decide
 * what is populated.  The region tree itself is memory.c's.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "memory-internal.h"

void ram_discard_manager_init(RamDiscardManager *rdm,
                              const RamDiscardManagerOps *ops)
{
    rdm->ops = ops;
    rdm->listeners = g_ptr_array_new();
}

int memory_region_set_ram_discard_manager(MemoryRegion *mr,
                                          RamDiscardManager *rdm)
{
    assert(mr->ram);
    if (mr->rdm && rdm) {
        return -EBUSY;
    }
    mr->rdm = rdm;
    return 0;
}

RamDiscardManager *memory_region_get_ram_discard_manager(MemoryRegion *mr)
{
    return mr->ram ? mr->rdm : NULL;
}

bool memory_region_has_ram_discard_manager(MemoryRegion *mr)
{
    return memory_region_get_ram_discard_manager(mr) != NULL;
}

uint64_t ram_discard_manager_get_min_granularity(const RamDiscardManager *rdm,
                                                 const MemoryRegion *mr)
{
    return rdm->ops->get_min_granularity(rdm, mr);
}

bool ram_discard_manager_is_populated(const RamDiscardManager *rdm,
                                      const MemoryRegionSection *section)
{
    return rdm->ops->is_populated(rdm, section);
}

int ram_discard_manager_replay_populated(const RamDiscardManager *rdm,
                                         MemoryRegionSection *section,
                                         ReplayRamPopulate fn, void *opaque)
{
    return rdm->ops->replay_populated(rdm, section, fn, opaque);
}

void ram_discard_manager_replay_discarded(const RamDiscardManager *rdm,
                                          MemoryRegionSection *section,
                                          ReplayRamDiscard fn, void *opaque)
{
    rdm->ops->replay_discarded(rdm, section, fn, opaque);
}

void ram_discard_listener_init(RamDiscardListener *rdl,
                               NotifyRamPopulate populate,
                               NotifyRamDiscard discard)
{
    memset(rdl, 0, sizeof(*rdl));
    rdl->notify_populate = populate;
    rdl->notify_discard = discard;
}

static int ram_discard_replay_populate_cb(MemoryRegionSection *section,
                                          void *opaque)
{
    RamDiscardListener *rdl = opaque;

    return rdl->notify_populate(rdl, section);
}

static int ram_discard_replay_discard_cb(MemoryRegionSection *section,
                                         void *opaque)
{
    RamDiscardListener *rdl = opaque;

    rdl->notify_discard(rdl, section);
    return 0;
}

void ram_discard_manager_register_listener(RamDiscardManager *rdm,
                                           RamDiscardListener *rdl,
                                           MemoryRegionSection *section)
{
    int ret;

    rdl->section = *section;
    rdl->rdm = rdm;
    g_ptr_array_add(rdm->listeners, rdl);
    ret = rdm->ops->replay_populated(rdm, &rdl->section,
                                     ram_discard_replay_populate_cb, rdl);
    if (ret) {
        error_report("ram discard listener of region '%s': replaying populated ranges failed: %s",
                     memory_region_name(section->mr), strerror(-ret));
    }
}

void ram_discard_manager_unregister_listener(RamDiscardManager *rdm,
                                             RamDiscardListener *rdl)
{
    assert(rdl->rdm == rdm);
    rdm->ops->replay_populated(rdm, &rdl->section,
                               ram_discard_replay_discard_cb, rdl);
    g_ptr_array_remove(rdm->listeners, rdl);
    rdl->rdm = NULL;
}

/* The part of rdl's section inside [offset, offset + size) of mr. */
static bool ram_discard_clip(const RamDiscardListener *rdl,
                             MemoryRegion *mr, uint64_t offset,
                             uint64_t size, MemoryRegionSection *out)
{
    const MemoryRegionSection *s = &rdl->section;
    uint64_t lo = MAX(offset, s->offset_within_region);
    uint64_t hi = MIN(offset + size, s->offset_within_region + s->size);

    if (s->mr != mr || lo >= hi) {
        return false;
    }
    *out = *s;
    out->offset_within_region = lo;
    out->offset_within_address_space = s->offset_within_address_space +
                                       (lo - s->offset_within_region);
    out->size = hi - lo;
    return true;
}

int ram_discard_manager_notify_populate(RamDiscardManager *rdm,
                                        MemoryRegion *mr, uint64_t offset,
                                        uint64_t size)
{
    MemoryRegionSection s;
    guint i;
    int ret = 0;

    for (i = 0; i < rdm->listeners->len; i++) {
        RamDiscardListener *rdl = g_ptr_array_index(rdm->listeners, i);

        if (ram_discard_clip(rdl, mr, offset, size, &s)) {
            ret = rdl->notify_populate(rdl, &s);
            if (ret) {
                break;
            }
        }
    }
    if (!ret) {
        return 0;
    }
    /* Undo: the listeners told before the one that refused. */
    while (i-- > 0) {
        RamDiscardListener *rdl = g_ptr_array_index(rdm->listeners, i);

        if (ram_discard_clip(rdl, mr, offset, size, &s)) {
            rdl->notify_discard(rdl, &s);
        }
    }
    return ret;
}

void ram_discard_manager_notify_discard(RamDiscardManager *rdm,
                                        MemoryRegion *mr, uint64_t offset,
                                        uint64_t size)
{
    MemoryRegionSection s;

    for (guint i = 0; i < rdm->listeners->len; i++) {
        RamDiscardListener *rdl = g_ptr_array_index(rdm->listeners, i);

        if (ram_discard_clip(rdl, mr, offset, size, &s)) {
            rdl->notify_discard(rdl, &s);
        }
    }
}
