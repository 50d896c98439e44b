/*
 * The memory API: a tree of MemoryRegions (RAM, MMIO/IO, containers,
 * aliases) rendered per AddressSpace into a FlatView of sorted,
 * non-overlapping ranges; MemoryListeners (memslots, vhost, VFIO,
 * migration) are told the difference between the old and the new view.
 * Changes are batched in transactions.  Rendering costs time proportional
 * to what changed, not to the number of regions.  Main loop only.
 *
 * Also the RamDiscardManager interface: a RAM region whose parts may be
 * discarded (virtio-mem) tells listeners (VFIO, migration) what is
 * populated.  Implementation: softmmu/memory.c (tree, transactions,
 * listeners), softmmu/flatview.c (rendering), softmmu/memory-mtree.c
 * (info mtree), softmmu/ram-discard.c.
 */
#ifndef EXEC_MEMORY_H
#define EXEC_MEMORY_H

#include "qemu/osdep.h"
#include "qom/object.h"
#include "exec/ramblock.h"

typedef struct MemoryRegion MemoryRegion;
typedef struct MemoryRegionOps MemoryRegionOps;
typedef struct MemoryRegionSection MemoryRegionSection;
typedef struct MemoryListener MemoryListener;
typedef struct AddressSpace AddressSpace;
typedef struct FlatView FlatView;
typedef struct RamDiscardManager RamDiscardManager;
typedef struct RamDiscardListener RamDiscardListener;

typedef enum MemTxResult {
    MEMTX_OK = 0,
    MEMTX_ERROR = 1,        /* device returned an error */
    MEMTX_DECODE_ERROR = 2, /* nothing at that address */
} MemTxResult;

typedef enum device_endian {
    DEVICE_NATIVE_ENDIAN,
    DEVICE_LITTLE_ENDIAN,
    DEVICE_BIG_ENDIAN,
} device_endian;

struct MemoryRegionOps {
    /* size is 1, 2, 4 or 8; addr is relative to the region. */
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t data, unsigned size);
    device_endian endianness;
    struct {
        /* Accesses outside [min, max] are refused (MEMTX_ERROR) unless
         * split; 0 means 1 / 8.  unaligned: allow unaligned accesses. */
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
    } valid;
    struct {
        /* Sizes the callbacks handle; other accesses are split/combined
         * into these.  0 means 1 / 4. */
        unsigned min_access_size;
        unsigned max_access_size;
    } impl;
};

/*
 * Fields private to softmmu/memory*.c; everyone else uses the accessors.
 * Visible only so that regions can be embedded in device structs.
 * A MemoryRegion is not a QOM object; its owner is.
 */
struct MemoryRegion {
    Object *owner;
    char *name;
    uint64_t size;              /* bytes; UINT64_MAX stands for 2^64 */
    hwaddr addr;                /* offset in container */
    int priority;
    bool enabled;
    bool ram;
    bool readonly;
    bool unmergeable;
    bool is_container;
    bool terminates;            /* RAM or MMIO: renders itself */
    const MemoryRegionOps *ops;
    void *opaque;
    RAMBlock *ram_block;
    MemoryRegion *container;
    MemoryRegion *alias;
    hwaddr alias_offset;
    GPtrArray *subregions;      /* MemoryRegion *, private ordering */
    RamDiscardManager *rdm;
    void *priv;                 /* rendering index, private */
    unsigned int mapped_count;  /* address spaces rendering it, private */
};

/* One piece of a region as seen in an address space. */
struct MemoryRegionSection {
    uint64_t size;              /* bytes (UINT64_MAX for a 2^64 range) */
    MemoryRegion *mr;           /* the terminating region (not an alias) */
    FlatView *fv;
    hwaddr offset_within_region;
    hwaddr offset_within_address_space;
    bool readonly;
    bool unmergeable;           /* some region on the path is unmergeable */
};

/* ---- creating regions ---- */

void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size);            /* a container */
void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size);
/* Anonymous RAM (qemu_ram_alloc) of size bytes; ram_flags from ramblock.h. */
bool memory_region_init_ram_flags_nomigrate(MemoryRegion *mr, Object *owner,
                                            const char *name, uint64_t size,
                                            uint32_t ram_flags, Error **errp);
bool memory_region_init_ram(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp);
/* RAM wrapping an existing RAMBlock (the region takes ownership). */
void memory_region_init_ram_from_block(MemoryRegion *mr, Object *owner,
                                       const char *name, RAMBlock *rb);
/* RAM over memory the caller owns. */
void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner,
                                const char *name, uint64_t size, void *ptr);
void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size);
/*
 * Remove from its container (if any) and its subregions from it, free the
 * RAMBlock it owns.  Its aliases must be finalized first.  Inside an open
 * transaction, keep the memory of mr until the commit: listeners are told
 * region_del for its sections then.
 */
void memory_region_finalize(MemoryRegion *mr);

/* ---- the tree ---- */

/*
 * Add subregion at offset in mr with priority 0 / given priority.  Where
 * subregions overlap, the higher priority is seen; among equal priorities
 * the one added last is seen (QEMU's behaviour, which it leaves
 * undocumented).  Every change below costs O(log n) in the container plus
 * the re-rendering of the address ranges where the region is visible (see
 * transactions); changing a region that is the target of very many
 * aliases re-renders whole address spaces instead.
 */
void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion);
void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority);
void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
void memory_region_set_address(MemoryRegion *mr, hwaddr addr);
void memory_region_set_size(MemoryRegion *mr, uint64_t size);
void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset);
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);
/* Sections of an unmergeable region are never merged with neighbours. */
void memory_region_set_unmergeable(MemoryRegion *mr, bool unmergeable);
bool memory_region_is_mapped(const MemoryRegion *mr);   /* has a container */

/* ---- accessors ---- */

const char *memory_region_name(const MemoryRegion *mr);
uint64_t memory_region_size(const MemoryRegion *mr);
hwaddr memory_region_get_address(const MemoryRegion *mr); /* in container */
Object *memory_region_owner(const MemoryRegion *mr);
bool memory_region_is_ram(const MemoryRegion *mr);
bool memory_region_is_enabled(const MemoryRegion *mr);
bool memory_region_is_unmergeable(const MemoryRegion *mr);
MemoryRegion *memory_region_get_container(const MemoryRegion *mr);
RAMBlock *memory_region_get_ram_block(const MemoryRegion *mr);
/* Host pointer of the start of a RAM region (through aliases). */
void *memory_region_get_ram_ptr(MemoryRegion *mr);
/* The fd behind a RAM region, or -1. */
int memory_region_get_fd(MemoryRegion *mr);

/* ---- transactions ---- */

/*
 * Everything between begin and the matching commit reaches listeners as
 * one update (one begin/commit pair per listener).  Nests.  At the
 * outermost commit, only the address ranges a change touched are
 * re-rendered; the listeners of each address space that had such ranges
 * get begin, region_del for ranges that went away (listeners in reverse
 * priority order), region_add / region_nop in address order (priority
 * order), then commit.  Address spaces the transaction did not touch hear
 * nothing.  Main loop only.
 */
void memory_region_transaction_begin(void);
void memory_region_transaction_commit(void);

/* ---- address spaces ---- */

struct AddressSpace {
    /* Fields private to softmmu/memory*.c. */
    char *name;
    MemoryRegion *root;
    FlatView *current_map;
    GPtrArray *listeners;       /* MemoryListener *, by priority */
};

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name);
void address_space_destroy(AddressSpace *as);
AddressSpace *address_space_memory(void);   /* system memory, set by machine */
AddressSpace *address_space_io(void);       /* port I/O */
MemoryRegion *get_system_memory(void);
MemoryRegion *get_system_io(void);

/*
 * Access guest memory.  Unassigned addresses: writes are dropped and
 * reads return 0, with MEMTX_DECODE_ERROR returned.  Accesses spanning
 * several sections are split.  MMIO is cut into the largest accesses its
 * valid sizes allow, each made of callbacks of its impl sizes.  Writes to
 * read-only RAM are dropped (MEMTX_OK).  Results of the pieces are OR-ed.
 * Cost: O(log n) per section crossed.  Main loop only.
 */
MemTxResult address_space_read(AddressSpace *as, hwaddr addr, void *buf,
                               hwaddr len);
MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                const void *buf, hwaddr len);
/* Fill with a byte value. */
MemTxResult address_space_set(AddressSpace *as, hwaddr addr, uint8_t c,
                              hwaddr len);
/* Little-endian loads/stores of 1/2/4/8 bytes (MMIO dispatched as one access). */
uint64_t address_space_ld(AddressSpace *as, hwaddr addr, unsigned size,
                          MemTxResult *result);
MemTxResult address_space_st(AddressSpace *as, hwaddr addr, uint64_t val,
                             unsigned size);
/*
 * Host pointer for [addr, addr + *plen) if that is RAM; *plen is shortened
 * to the contiguous RAM part.  NULL when addr is not RAM.
 */
void *address_space_map_ram(AddressSpace *as, hwaddr addr, hwaddr *plen,
                            bool is_write);

/*
 * The section at addr (mr NULL when unassigned).  O(log n).
 * memory_region_find: the first section inside [addr, addr + size) of
 * root (addr relative to root, which may be any region: its container
 * chain is followed up to an address space root, as in QEMU), clipped to
 * that range; offset_within_address_space is absolute.  With no address
 * space above root, just that window of the top region is rendered.
 */
MemoryRegionSection memory_region_find(MemoryRegion *root, hwaddr addr,
                                       uint64_t size);
MemoryRegionSection address_space_find_section(AddressSpace *as,
                                               hwaddr addr);

/* ---- listeners ---- */

struct MemoryListener {
    void (*begin)(MemoryListener *listener);
    void (*commit)(MemoryListener *listener);
    void (*region_add)(MemoryListener *listener,
                       MemoryRegionSection *section);
    void (*region_del)(MemoryListener *listener,
                       MemoryRegionSection *section);
    /* Section re-rendered by the update but unchanged, e.g. a neighbour
     * of a changed range (called only if set).  Unlike QEMU, ranges far
     * from any change get no nop. */
    void (*region_nop)(MemoryListener *listener,
                       MemoryRegionSection *section);
    unsigned priority;          /* adds low first, dels high first */
    const char *name;
    /* private */
    AddressSpace *address_space;
};

/*
 * Register: region_add is called (inside begin/commit) for every section
 * of the current view.  Unregister: region_del for every section.  Cost:
 * O(sections).  Inside an open transaction the listener sees the view of
 * the last commit, then the transaction's changes at its commit.
 */
void memory_listener_register(MemoryListener *listener, AddressSpace *as);
void memory_listener_unregister(MemoryListener *listener);

/* Number of ranges in the current view, and a walk over them. */
unsigned int address_space_nb_sections(AddressSpace *as);
void address_space_foreach_section(AddressSpace *as,
                                   void (*fn)(MemoryRegionSection *s,
                                              void *opaque),
                                   void *opaque);

/* ---- info mtree ---- */

/*
 * Print the trees of every address space (or with flatview, the rendered
 * ranges) in QEMU's format into out: HMP "info mtree [-f] [-o] [-D]"
 * (flatview -f, owner -o, disabled -D).  Cost: O(regions log regions).
 */
void mtree_info(GString *out, bool flatview, bool owner, bool disabled);

/* ---- RamDiscardManager ---- */

/*
 * Called for [section->offset_within_region, + size) of the region that
 * has the manager.  notify_populate may fail (-errno): the manager then
 * undoes what it told others and refuses the populate.
 */
typedef int (*NotifyRamPopulate)(RamDiscardListener *rdl,
                                 MemoryRegionSection *section);
typedef void (*NotifyRamDiscard)(RamDiscardListener *rdl,
                                 MemoryRegionSection *section);
typedef int (*ReplayRamPopulate)(MemoryRegionSection *section, void *opaque);
typedef void (*ReplayRamDiscard)(MemoryRegionSection *section, void *opaque);

struct RamDiscardListener {
    NotifyRamPopulate notify_populate;
    NotifyRamDiscard notify_discard;
    /* private: the section this listener watches */
    MemoryRegionSection section;
    RamDiscardManager *rdm;
};

/* What a manager implements (virtio-mem, a test manager in unit tests). */
typedef struct RamDiscardManagerOps {
    uint64_t (*get_min_granularity)(const RamDiscardManager *rdm,
                                    const MemoryRegion *mr);
    bool (*is_populated)(const RamDiscardManager *rdm,
                         const MemoryRegionSection *section);
    /* Call fn per populated / discarded run inside section; a populate
     * replay stops at the first non-zero return and returns it. */
    int (*replay_populated)(const RamDiscardManager *rdm,
                            MemoryRegionSection *section,
                            ReplayRamPopulate fn, void *opaque);
    void (*replay_discarded)(const RamDiscardManager *rdm,
                             MemoryRegionSection *section,
                             ReplayRamDiscard fn, void *opaque);
} RamDiscardManagerOps;

struct RamDiscardManager {
    const RamDiscardManagerOps *ops;
    GPtrArray *listeners;       /* RamDiscardListener *, private */
};

void ram_discard_manager_init(RamDiscardManager *rdm,
                              const RamDiscardManagerOps *ops);
/* Attach (or detach with NULL) a manager to a RAM region. -EBUSY if set. */
int memory_region_set_ram_discard_manager(MemoryRegion *mr,
                                          RamDiscardManager *rdm);
RamDiscardManager *memory_region_get_ram_discard_manager(MemoryRegion *mr);
bool memory_region_has_ram_discard_manager(MemoryRegion *mr);

uint64_t ram_discard_manager_get_min_granularity(const RamDiscardManager *rdm,
                                                 const MemoryRegion *mr);
bool ram_discard_manager_is_populated(const RamDiscardManager *rdm,
                                      const MemoryRegionSection *section);
int ram_discard_manager_replay_populated(const RamDiscardManager *rdm,
                                         MemoryRegionSection *section,
                                         ReplayRamPopulate fn, void *opaque);
void ram_discard_manager_replay_discarded(const RamDiscardManager *rdm,
                                          MemoryRegionSection *section,
                                          ReplayRamDiscard fn, void *opaque);
void ram_discard_listener_init(RamDiscardListener *rdl,
                               NotifyRamPopulate populate,
                               NotifyRamDiscard discard);
/*
 * Register: the listener is told notify_populate for every populated part
 * of section (replay).  Unregister: notify_discard for every populated
 * part.
 */
void ram_discard_manager_register_listener(RamDiscardManager *rdm,
                                           RamDiscardListener *rdl,
                                           MemoryRegionSection *section);
void ram_discard_manager_unregister_listener(RamDiscardManager *rdm,
                                             RamDiscardListener *rdl);
/*
 * For managers: tell every listener whose section overlaps
 * [offset, offset + size) of mr.  Populate: on the first failure, the
 * listeners already told are told discard, and -errno is returned.
 */
int ram_discard_manager_notify_populate(RamDiscardManager *rdm,
                                        MemoryRegion *mr, uint64_t offset,
                                        uint64_t size);
void ram_discard_manager_notify_discard(RamDiscardManager *rdm,
                                        MemoryRegion *mr, uint64_t offset,
                                        uint64_t size);

#endif /* EXEC_MEMORY_H */
