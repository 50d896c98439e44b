/*
 * Declarations shared by the memory API files of softmmu/: memory.c (the
 * region tree, dirty marking, transactions, listeners), flatview.c
 * (rendering a window of an address space and updating its FlatView),
 * memory-access.c (reads and writes) and memory-mtree.c (info mtree).
 * Nothing outside softmmu/ includes this file.
 */
#ifndef SOFTMMU_MEMORY_INTERNAL_H
#define SOFTMMU_MEMORY_INTERNAL_H

#include "exec/memory.h"

/*
 * Addresses inside the renderer are 128-bit signed: a region may be 2^64
 * bytes long, and an alias may place its target below address 0.
 */
typedef __int128 MemAddr;

/* physmem.c: where a RAMBlock keeps its dirty log (dirty-log.c's). */
typedef struct RamDirtyLog RamDirtyLog;
RamDirtyLog **qemu_ram_dirty_log_slot(RAMBlock *rb);
/* dirty-log.c: drop rb's log (the block is being freed). */
void ram_block_dirty_log_free(RAMBlock *rb);

#define MEM_ADDR_SPACE_END (((MemAddr)1) << 64)
#define MEMORY_REGION_NB_BUCKETS 65   /* log2 size buckets: 0..64 */

/* Bytes covered by mr (UINT64_MAX stands for 2^64). */
static inline MemAddr memory_region_extent(const MemoryRegion *mr)
{
    return mr->size == UINT64_MAX ? MEM_ADDR_SPACE_END : (MemAddr)mr->size;
}

/* Private per-region state, in mr->priv; created on first use. */
typedef struct MemoryRegionPriv {
    uint64_t seq;           /* when added to its container: later wins ties */
    guint idx;              /* index in container->subregions */
    unsigned int bucket;    /* log2 size bucket it is indexed under */
    /* Containers: subregions by (addr, seq), one tree per size bucket, so
     * that the subregions meeting a range are found in O(log n + k). */
    GTree **by_size;
    GHashTable *aliases;    /* set of alias regions whose target is this */
} MemoryRegionPriv;

/* One range of a FlatView. */
typedef struct FlatRange {
    hwaddr start;           /* absolute address in the address space */
    MemAddr size;           /* bytes, up to 2^64 */
    MemoryRegion *mr;       /* terminating region */
    hwaddr offset;          /* offset of start in mr */
    bool readonly;
    bool unmergeable;
    /* Hash of the regions on the path from the root: pieces of one
     * unmergeable mapping cut apart by a render window join again, pieces
     * of different mappings (even of the same region) never do. */
    uint64_t path_id;
} FlatRange;

/* Rendered view and pending changes of one AddressSpace (current_map). */
struct FlatView {
    AddressSpace *as;
    GTree *ranges;          /* FlatRange * keyed by start, owned */
    GArray *dirty;          /* MemAddr pairs [lo, hi): to re-render */
    bool dirty_listed;      /* on the list of views to update at commit */
};

/* memory.c */
MemoryRegionPriv *memory_region_priv(MemoryRegion *mr);
/* Subregions of container meeting [lo, hi) (container-relative), sorted
 * by priority, highest (and among equal, latest added) first. */
GPtrArray *memory_region_subregions_meeting(MemoryRegion *container,
                                            MemAddr lo, MemAddr hi);
GPtrArray *memory_address_spaces(void);  /* AddressSpace *, creation order */
void memory_region_section_from_range(MemoryRegionSection *s,
                                      const FlatRange *fr, FlatView *fv);

/* memory-listener.c: mark [lo, hi) of fv for the next commit. */
void memory_listener_mark_dirty(FlatView *fv, MemAddr lo, MemAddr hi);

/* flatview.c */
FlatView *flatview_new(AddressSpace *as);
void flatview_free(FlatView *fv);
/* Render [lo, hi) of root into merged FlatRanges (GArray of FlatRange). */
GArray *flatview_render_window(MemoryRegion *root, MemAddr lo, MemAddr hi);
void flatview_mark_dirty(FlatView *fv, MemAddr lo, MemAddr hi);
/*
 * Re-render the dirty windows of fv in place.  dels receives the ranges
 * that went away (FlatRange *, the caller g_free()s them); news the
 * ranges of the re-rendered windows in address order (pointers into the
 * view) and unchanged, per entry of news, whether an identical range was
 * there before.  Cost: O(log n + what the windows contain).
 */
void flatview_update(FlatView *fv, GPtrArray *dels, GPtrArray *news,
                     GArray *unchanged);
FlatRange *flatview_lookup(FlatView *fv, hwaddr addr);
FlatRange *flatview_next(FlatView *fv, hwaddr addr);  /* first at >= addr */
void flatview_foreach(FlatView *fv, GFunc fn, void *opaque);
unsigned int flatview_nb_ranges(FlatView *fv);
bool flatview_ranges_equal(const FlatRange *a, const FlatRange *b);

#endif /* SOFTMMU_MEMORY_INTERNAL_H */
