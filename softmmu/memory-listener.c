/*
 * Transactions, address spaces and MemoryListeners.  memory.c marks dirty
 * ranges of address spaces while the region tree changes; the outermost
 * commit has flatview.c re-render just those ranges and tells each
 * listener of the touched address spaces the difference, in one
 * begin/commit pair: deletions first (listeners in reverse priority
 * order), then additions and nops (in priority order), as QEMU does.
 */
#include "qemu/osdep.h"
#include "memory-internal.h"

static unsigned int memory_transaction_depth;
static GPtrArray *memory_pending_views;   /* FlatView * with dirty ranges */
static GPtrArray *memory_spaces;          /* AddressSpace *, creation order */

GPtrArray *memory_address_spaces(void)
{
    if (!memory_spaces) {
        memory_spaces = g_ptr_array_new();
    }
    return memory_spaces;
}

void memory_listener_mark_dirty(FlatView *fv, MemAddr lo, MemAddr hi)
{
    flatview_mark_dirty(fv, lo, hi);
    if (!fv->dirty_listed && fv->dirty->len) {
        if (!memory_pending_views) {
            memory_pending_views = g_ptr_array_new();
        }
        fv->dirty_listed = true;
        g_ptr_array_add(memory_pending_views, fv);
    }
}

void memory_region_section_from_range(MemoryRegionSection *s,
                                      const FlatRange *fr, FlatView *fv)
{
    s->size = fr->size >= MEM_ADDR_SPACE_END ? UINT64_MAX
                                             : (uint64_t)fr->size;
    s->mr = fr->mr;
    s->fv = fv;
    s->offset_within_region = fr->offset;
    s->offset_within_address_space = fr->start;
    s->readonly = fr->readonly;
    s->unmergeable = fr->unmergeable;
}

/* ---- telling listeners ---- */

static void memory_listeners_begin(AddressSpace *as)
{
    for (guint i = 0; i < as->listeners->len; i++) {
        MemoryListener *l = g_ptr_array_index(as->listeners, i);

        if (l->begin) {
            l->begin(l);
        }
    }
}

static void memory_listeners_commit(AddressSpace *as)
{
    for (guint i = 0; i < as->listeners->len; i++) {
        MemoryListener *l = g_ptr_array_index(as->listeners, i);

        if (l->commit) {
            l->commit(l);
        }
    }
}

static void memory_listeners_del(AddressSpace *as, FlatRange *fr)
{
    MemoryRegionSection s;

    memory_region_section_from_range(&s, fr, as->current_map);
    for (guint i = as->listeners->len; i-- > 0;) {
        MemoryListener *l = g_ptr_array_index(as->listeners, i);

        if (l->region_del) {
            l->region_del(l, &s);
        }
    }
}

static void memory_listeners_add(AddressSpace *as, FlatRange *fr,
                                 bool unchanged)
{
    MemoryRegionSection s;

    memory_region_section_from_range(&s, fr, as->current_map);
    for (guint i = 0; i < as->listeners->len; i++) {
        MemoryListener *l = g_ptr_array_index(as->listeners, i);

        if (unchanged && l->region_nop) {
            l->region_nop(l, &s);
        } else if (!unchanged && l->region_add) {
            l->region_add(l, &s);
        }
    }
}

static void memory_update_view(FlatView *fv)
{
    g_autoptr(GPtrArray) dels = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) news = g_ptr_array_new();
    g_autoptr(GArray) unchanged = g_array_new(false, false, sizeof(bool));

    fv->dirty_listed = false;
    flatview_update(fv, dels, news, unchanged);
    for (guint i = 0; i < dels->len; i++) {
        memory_listeners_del(fv->as, g_ptr_array_index(dels, i));
    }
    for (guint i = 0; i < news->len; i++) {
        memory_listeners_add(fv->as, g_ptr_array_index(news, i),
                             g_array_index(unchanged, bool, i));
    }
}

/*
 * Deliver what the finished transaction changed.  A listener that changes
 * the tree from a callback gets its change delivered in a further round,
 * after every listener has seen this one.
 */
static void memory_commit_pending(void)
{
    while (memory_pending_views) {
        g_autoptr(GPtrArray) views = memory_pending_views;

        memory_pending_views = NULL;
        memory_transaction_depth++;
        for (guint i = 0; i < views->len; i++) {
            FlatView *fv = g_ptr_array_index(views, i);

            memory_listeners_begin(fv->as);
        }
        for (guint i = 0; i < views->len; i++) {
            memory_update_view(g_ptr_array_index(views, i));
        }
        for (guint i = 0; i < views->len; i++) {
            FlatView *fv = g_ptr_array_index(views, i);

            memory_listeners_commit(fv->as);
        }
        memory_transaction_depth--;
    }
}

/* ---- transactions ---- */

void memory_region_transaction_begin(void)
{
    memory_transaction_depth++;
}

void memory_region_transaction_commit(void)
{
    assert(memory_transaction_depth > 0);
    if (--memory_transaction_depth == 0) {
        memory_commit_pending();
    }
}

/* ---- address spaces ---- */

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name)
{
    as->name = g_strdup(name);
    as->root = root;
    as->listeners = g_ptr_array_new();
    as->current_map = flatview_new(as);
    g_ptr_array_add(memory_address_spaces(), as);
    memory_region_transaction_begin();
    memory_listener_mark_dirty(as->current_map, 0, MEM_ADDR_SPACE_END);
    memory_region_transaction_commit();
}

void address_space_destroy(AddressSpace *as)
{
    while (as->listeners->len) {
        memory_listener_unregister(g_ptr_array_index(as->listeners, 0));
    }
    if (memory_pending_views) {
        g_ptr_array_remove(memory_pending_views, as->current_map);
    }
    g_ptr_array_remove(memory_address_spaces(), as);
    flatview_free(as->current_map);
    as->current_map = NULL;
    g_ptr_array_free(as->listeners, true);
    as->listeners = NULL;
    g_free(as->name);
    as->name = NULL;
}

MemoryRegion *get_system_memory(void)
{
    static MemoryRegion *system_memory;

    if (!system_memory) {
        system_memory = g_new0(MemoryRegion, 1);
        memory_region_init(system_memory, NULL, "system", UINT64_MAX);
    }
    return system_memory;
}

/* Port I/O nobody claimed reads all ones and ignores writes, as in QEMU. */
static uint64_t memory_unassigned_io_read(void *opaque, hwaddr addr,
                                          unsigned size)
{
    return UINT64_MAX;
}

static void memory_unassigned_io_write(void *opaque, hwaddr addr,
                                       uint64_t data, unsigned size)
{
}

static const MemoryRegionOps memory_unassigned_io_ops = {
    .read = memory_unassigned_io_read,
    .write = memory_unassigned_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

/*
 * Like QEMU's, "io" is an I/O region under its subregions rather than a
 * bare container: info mtree -f shows the unclaimed ports as "io @...".
 */
MemoryRegion *get_system_io(void)
{
    static MemoryRegion *system_io;

    if (!system_io) {
        system_io = g_new0(MemoryRegion, 1);
        memory_region_init_io(system_io, NULL, &memory_unassigned_io_ops,
                              NULL, "io", 65536);
    }
    return system_io;
}

AddressSpace *address_space_memory(void)
{
    static AddressSpace *as_memory;

    if (!as_memory) {
        as_memory = g_new0(AddressSpace, 1);
        address_space_init(as_memory, get_system_memory(), "memory");
    }
    return as_memory;
}

AddressSpace *address_space_io(void)
{
    static AddressSpace *as_io;

    if (!as_io) {
        as_io = g_new0(AddressSpace, 1);
        address_space_init(as_io, get_system_io(), "I/O");
    }
    return as_io;
}

/* ---- listeners ---- */

static void memory_listener_replay(MemoryListener *listener, bool add)
{
    AddressSpace *as = listener->address_space;
    FlatView *fv = as->current_map;

    if (listener->begin) {
        listener->begin(listener);
    }
    for (GTreeNode *node = g_tree_node_first(fv->ranges); node;
         node = g_tree_node_next(node)) {
        MemoryRegionSection s;

        memory_region_section_from_range(&s, g_tree_node_value(node), fv);
        if (add && listener->region_add) {
            listener->region_add(listener, &s);
        } else if (!add && listener->region_del) {
            listener->region_del(listener, &s);
        }
    }
    if (listener->commit) {
        listener->commit(listener);
    }
}

void memory_listener_register(MemoryListener *listener, AddressSpace *as)
{
    guint pos = 0;

    while (pos < as->listeners->len &&
           ((MemoryListener *)g_ptr_array_index(as->listeners, pos))
               ->priority <= listener->priority) {
        pos++;
    }
    listener->address_space = as;
    g_ptr_array_insert(as->listeners, pos, listener);
    memory_listener_replay(listener, true);
}

void memory_listener_unregister(MemoryListener *listener)
{
    AddressSpace *as = listener->address_space;

    if (!as) {
        return;
    }
    memory_listener_replay(listener, false);
    g_ptr_array_remove(as->listeners, listener);
    listener->address_space = NULL;
}

unsigned int address_space_nb_sections(AddressSpace *as)
{
    return flatview_nb_ranges(as->current_map);
}

void address_space_foreach_section(AddressSpace *as,
                                   void (*fn)(MemoryRegionSection *s,
                                              void *opaque),
                                   void *opaque)
{
    FlatView *fv = as->current_map;

    for (GTreeNode *node = g_tree_node_first(fv->ranges); node;
         node = g_tree_node_next(node)) {
        MemoryRegionSection s;

        memory_region_section_from_range(&s, g_tree_node_value(node), fv);
        fn(&s, opaque);
    }
}

/* ---- finding sections ---- */

static MemoryRegionSection memory_section_clipped(const FlatRange *fr,
                                                  FlatView *fv, hwaddr addr,
                                                  uint64_t size)
{
    MemoryRegionSection s;
    MemAddr lo = MAX((MemAddr)addr, (MemAddr)fr->start);
    MemAddr hi = MIN((MemAddr)addr + (size == UINT64_MAX ? MEM_ADDR_SPACE_END
                                                        : (MemAddr)size),
                     (MemAddr)fr->start + fr->size);
    FlatRange clipped = *fr;

    clipped.start = (hwaddr)lo;
    clipped.offset = fr->offset + (hwaddr)(lo - fr->start);
    clipped.size = hi - lo;
    memory_region_section_from_range(&s, &clipped, fv);
    return s;
}

MemoryRegionSection address_space_find_section(AddressSpace *as,
                                               hwaddr addr)
{
    FlatRange *fr = flatview_lookup(as->current_map, addr);
    MemoryRegionSection s = { .offset_within_address_space = addr };

    if (fr) {
        memory_region_section_from_range(&s, fr, as->current_map);
    }
    return s;
}

/*
 * The first section within [addr, addr + size) of mr (addr relative to
 * mr, as in QEMU): through the view of the address space rendering the top
 * of mr's container chain, else rendered for just that window.
 */
MemoryRegionSection memory_region_find(MemoryRegion *root, hwaddr addr,
                                       uint64_t size)
{
    GPtrArray *spaces = memory_address_spaces();
    MemoryRegionSection s = { 0 };
    MemAddr end;
    g_autoptr(GArray) pieces = NULL;

    for (; root->container; root = root->container) {
        addr += root->addr;
    }
    s.offset_within_address_space = addr;
    end = (MemAddr)addr + (size == UINT64_MAX ? MEM_ADDR_SPACE_END
                                              : (MemAddr)size);
    for (guint i = 0; i < spaces->len; i++) {
        AddressSpace *as = g_ptr_array_index(spaces, i);
        FlatRange *fr;

        if (as->root != root) {
            continue;
        }
        fr = flatview_lookup(as->current_map, addr);
        fr = fr ? fr : flatview_next(as->current_map, addr);
        if (fr && (MemAddr)fr->start < end) {
            s = memory_section_clipped(fr, as->current_map, addr, size);
        }
        return s;
    }
    pieces = flatview_render_window(root, addr, MIN(end, MEM_ADDR_SPACE_END));
    if (pieces->len) {
        s = memory_section_clipped(&g_array_index(pieces, FlatRange, 0),
                                   NULL, addr, size);
    }
    return s;
}
