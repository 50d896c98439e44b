/*
 * The memory API's region tree: creating regions, adding, removing,
 * moving and resizing them, and the per-container index that finds the
 * subregions meeting a range in O(log n + k).  Every change marks the
 * absolute ranges where the region is (was) visible in each address space
 * dirty; memory-listener.c re-renders only those at commit (through
 * flatview.c) and tells listeners.  Reads and writes: memory-access.c;
 * info mtree: memory-mtree.c; RamDiscardManager: ram-discard.c.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "memory-internal.h"

/* Mark walks that take more steps than this re-render everything. */
#define MEMORY_MARK_BUDGET 256

typedef struct MemoryRegionKey {
    hwaddr addr;
    uint64_t seq;
} MemoryRegionKey;

/* Key of a region in its container's index; lives in the region's priv. */
typedef struct MemoryRegionIndexed {
    MemoryRegionPriv priv;
    MemoryRegionKey key;
} MemoryRegionIndexed;

static uint64_t memory_region_next_seq;

MemoryRegionPriv *memory_region_priv(MemoryRegion *mr)
{
    if (!mr->priv) {
        mr->priv = g_new0(MemoryRegionIndexed, 1);
    }
    return mr->priv;
}

static MemoryRegionKey *memory_region_key(MemoryRegion *mr)
{
    return &((MemoryRegionIndexed *)memory_region_priv(mr))->key;
}

static gint memory_region_key_cmp(gconstpointer a, gconstpointer b,
                                  gpointer unused)
{
    const MemoryRegionKey *ka = a;
    const MemoryRegionKey *kb = b;

    if (ka->addr != kb->addr) {
        return ka->addr < kb->addr ? -1 : 1;
    }
    return ka->seq < kb->seq ? -1 : ka->seq > kb->seq;
}

/* log2 bucket of a size: a region of bucket b is shorter than 2^(b+1). */
static unsigned int memory_region_bucket(const MemoryRegion *mr)
{
    if (mr->size == UINT64_MAX) {
        return MEMORY_REGION_NB_BUCKETS - 1;
    }
    return mr->size ? 63 - __builtin_clzll(mr->size) : 0;
}

static void memory_region_index_insert(MemoryRegion *container,
                                       MemoryRegion *sub)
{
    MemoryRegionPriv *cp = memory_region_priv(container);
    MemoryRegionPriv *sp = memory_region_priv(sub);
    MemoryRegionKey *key = memory_region_key(sub);

    if (!cp->by_size) {
        cp->by_size = g_new0(GTree *, MEMORY_REGION_NB_BUCKETS);
    }
    sp->bucket = memory_region_bucket(sub);
    if (!cp->by_size[sp->bucket]) {
        cp->by_size[sp->bucket] = g_tree_new_full(memory_region_key_cmp,
                                                  NULL, NULL, NULL);
    }
    key->addr = sub->addr;
    key->seq = sp->seq;
    g_tree_insert(cp->by_size[sp->bucket], key, sub);
}

static void memory_region_index_remove(MemoryRegion *container,
                                       MemoryRegion *sub)
{
    MemoryRegionPriv *cp = memory_region_priv(container);
    MemoryRegionPriv *sp = memory_region_priv(sub);

    g_tree_remove(cp->by_size[sp->bucket], memory_region_key(sub));
}

static gint memory_region_priority_cmp(gconstpointer a, gconstpointer b)
{
    MemoryRegion *ma = *(MemoryRegion *const *)a;
    MemoryRegion *mb = *(MemoryRegion *const *)b;
    uint64_t sa = memory_region_priv(ma)->seq;
    uint64_t sb = memory_region_priv(mb)->seq;

    if (ma->priority != mb->priority) {
        return ma->priority > mb->priority ? -1 : 1;
    }
    return sa > sb ? -1 : sa < sb;
}

static void memory_region_bucket_meeting(GTree *tree, unsigned int bucket,
                                         MemAddr lo, MemAddr hi,
                                         GPtrArray *found)
{
    MemAddr span = ((MemAddr)1) << (bucket + 1);
    MemoryRegionKey key = { .addr = 0, .seq = 0 };
    GTreeNode *node;

    if (lo - span + 1 > 0) {
        key.addr = (hwaddr)(lo - span + 1);
    }
    for (node = g_tree_lower_bound(tree, &key); node;
         node = g_tree_node_next(node)) {
        MemoryRegion *sub = g_tree_node_value(node);

        if ((MemAddr)sub->addr >= hi) {
            break;
        }
        if ((MemAddr)sub->addr + memory_region_extent(sub) > lo) {
            g_ptr_array_add(found, sub);
        }
    }
}

GPtrArray *memory_region_subregions_meeting(MemoryRegion *container,
                                            MemAddr lo, MemAddr hi)
{
    MemoryRegionPriv *cp = memory_region_priv(container);
    GPtrArray *found = g_ptr_array_new();

    if (!cp->by_size || !container->subregions->len) {
        return found;
    }
    for (unsigned int b = 0; b < MEMORY_REGION_NB_BUCKETS; b++) {
        if (cp->by_size[b] && g_tree_nnodes(cp->by_size[b])) {
            memory_region_bucket_meeting(cp->by_size[b], b, lo, hi, found);
        }
    }
    g_ptr_array_sort(found, memory_region_priority_cmp);
    return found;
}

/* ---- address spaces that a change touches ---- */

typedef struct MemoryMarkWalk {
    unsigned int budget;
    bool overflow;
} MemoryMarkWalk;

static void memory_mark_visible(MemoryRegion *mr, MemAddr lo, MemAddr hi,
                                MemoryMarkWalk *w);

static void memory_mark_roots(MemoryRegion *mr, MemAddr lo, MemAddr hi)
{
    GPtrArray *spaces = memory_address_spaces();

    for (guint i = 0; i < spaces->len; i++) {
        AddressSpace *as = g_ptr_array_index(spaces, i);

        if (as->root == mr) {
            memory_listener_mark_dirty(as->current_map, lo, hi);
        }
    }
}

static void memory_mark_through_aliases(MemoryRegion *mr, MemAddr lo,
                                        MemAddr hi, MemoryMarkWalk *w)
{
    MemoryRegionPriv *p = mr->priv;
    GHashTableIter iter;
    gpointer alias;

    if (!p || !p->aliases) {
        return;
    }
    g_hash_table_iter_init(&iter, p->aliases);
    while (g_hash_table_iter_next(&iter, &alias, NULL) && !w->overflow) {
        MemoryRegion *a = alias;

        memory_mark_visible(a, lo - (MemAddr)a->alias_offset,
                            hi - (MemAddr)a->alias_offset, w);
    }
}

/*
 * Mark dirty every absolute range where [lo, hi) of mr (mr-relative) can
 * be seen: up the container chain to address space roots, and through
 * every alias of mr or of a container on the way.
 */
static void memory_mark_visible(MemoryRegion *mr, MemAddr lo, MemAddr hi,
                                MemoryMarkWalk *w)
{
    lo = MAX(lo, 0);
    hi = MIN(hi, memory_region_extent(mr));
    if (!mr->enabled || lo >= hi || w->overflow) {
        return;
    }
    if (w->budget-- == 0) {
        w->overflow = true;
        return;
    }
    memory_mark_roots(mr, lo, hi);
    if (mr->container) {
        memory_mark_visible(mr->container, (MemAddr)mr->addr + lo,
                            (MemAddr)mr->addr + hi, w);
    }
    memory_mark_through_aliases(mr, lo, hi, w);
}

/*
 * Called before and after every change of mr: the union of both marks
 * covers every address whose rendering the change may alter.
 */
static void memory_region_mark_dirty(MemoryRegion *mr)
{
    MemoryMarkWalk w = { .budget = MEMORY_MARK_BUDGET };

    memory_mark_visible(mr, 0, memory_region_extent(mr), &w);
    if (w.overflow) {
        GPtrArray *spaces = memory_address_spaces();

        for (guint i = 0; i < spaces->len; i++) {
            AddressSpace *as = g_ptr_array_index(spaces, i);

            memory_listener_mark_dirty(as->current_map, 0,
                                       MEM_ADDR_SPACE_END);
        }
    }
}

/* ---- creating regions ---- */

static void memory_region_init_common(MemoryRegion *mr, Object *owner,
                                      const char *name, uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->owner = owner;
    mr->name = g_strdup(name ? name : "anonymous");
    mr->size = size;
    mr->enabled = true;
    mr->subregions = g_ptr_array_new();
}

void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size)
{
    memory_region_init_common(mr, owner, name, size);
    mr->is_container = true;
}

void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size)
{
    memory_region_init_common(mr, owner, name, size);
    mr->ops = ops;
    mr->opaque = opaque;
    mr->terminates = true;
}

static void memory_region_init_ram_common(MemoryRegion *mr, Object *owner,
                                          const char *name, uint64_t size)
{
    memory_region_init_common(mr, owner, name, size);
    mr->ram = true;
    mr->terminates = true;
}

bool memory_region_init_ram_flags_nomigrate(MemoryRegion *mr, Object *owner,
                                            const char *name, uint64_t size,
                                            uint32_t ram_flags, Error **errp)
{
    memory_region_init_ram_common(mr, owner, name, size);
    mr->ram_block = qemu_ram_alloc(mr->name, size, ram_flags, mr, errp);
    if (!mr->ram_block) {
        mr->size = 0;
        return false;
    }
    return true;
}

bool memory_region_init_ram(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp)
{
    return memory_region_init_ram_flags_nomigrate(mr, owner, name, size, 0,
                                                  errp);
}

void memory_region_init_ram_from_block(MemoryRegion *mr, Object *owner,
                                       const char *name, RAMBlock *rb)
{
    memory_region_init_ram_common(mr, owner, name,
                                  qemu_ram_get_used_length(rb));
    mr->ram_block = rb;
}

void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner,
                                const char *name, uint64_t size, void *ptr)
{
    memory_region_init_ram_common(mr, owner, name, size);
    mr->ram_block = qemu_ram_alloc_from_ptr(mr->name, size, ptr, mr,
                                            &error_abort);
}

void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size)
{
    MemoryRegionPriv *op = memory_region_priv(orig);

    memory_region_init_common(mr, owner, name, size);
    mr->alias = orig;
    mr->alias_offset = offset;
    if (!op->aliases) {
        op->aliases = g_hash_table_new(NULL, NULL);
    }
    g_hash_table_add(op->aliases, mr);
}

static void memory_region_free_priv(MemoryRegion *mr)
{
    MemoryRegionPriv *p = mr->priv;

    if (!p) {
        return;
    }
    for (unsigned int b = 0; p->by_size && b < MEMORY_REGION_NB_BUCKETS;
         b++) {
        if (p->by_size[b]) {
            g_tree_destroy(p->by_size[b]);
        }
    }
    g_free(p->by_size);
    if (p->aliases) {
        g_hash_table_destroy(p->aliases);
    }
    g_free(p);
    mr->priv = NULL;
}

void memory_region_finalize(MemoryRegion *mr)
{
    memory_region_transaction_begin();
    if (mr->container) {
        memory_region_del_subregion(mr->container, mr);
    }
    while (mr->subregions && mr->subregions->len) {
        memory_region_del_subregion(mr,
                                    g_ptr_array_index(mr->subregions, 0));
    }
    memory_region_transaction_commit();
    if (mr->alias && mr->alias->priv) {
        MemoryRegionPriv *op = mr->alias->priv;

        if (op->aliases) {
            g_hash_table_remove(op->aliases, mr);
        }
    }
    if (mr->ram_block) {
        qemu_ram_free(mr->ram_block);
        mr->ram_block = NULL;
    }
    memory_region_free_priv(mr);
    if (mr->subregions) {
        g_ptr_array_free(mr->subregions, true);
        mr->subregions = NULL;
    }
    g_free(mr->name);
    mr->name = NULL;
}

/* ---- the tree ---- */

void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority)
{
    MemoryRegionPriv *sp = memory_region_priv(subregion);

    assert(!subregion->container);
    memory_region_transaction_begin();
    subregion->container = mr;
    subregion->addr = offset;
    subregion->priority = priority;
    sp->seq = ++memory_region_next_seq;
    sp->idx = mr->subregions->len;
    g_ptr_array_add(mr->subregions, subregion);
    memory_region_index_insert(mr, subregion);
    memory_region_mark_dirty(subregion);
    memory_region_transaction_commit();
}

void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion)
{
    memory_region_add_subregion_overlap(mr, offset, subregion, 0);
}

void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion)
{
    MemoryRegionPriv *sp = memory_region_priv(subregion);
    guint idx = sp->idx;

    assert(subregion->container == mr);
    memory_region_transaction_begin();
    memory_region_mark_dirty(subregion);
    memory_region_index_remove(mr, subregion);
    g_ptr_array_remove_index_fast(mr->subregions, idx);
    if (idx < mr->subregions->len) {
        MemoryRegion *moved = g_ptr_array_index(mr->subregions, idx);

        memory_region_priv(moved)->idx = idx;
    }
    subregion->container = NULL;
    memory_region_transaction_commit();
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled == enabled) {
        return;
    }
    memory_region_transaction_begin();
    memory_region_mark_dirty(mr);
    mr->enabled = enabled;
    memory_region_mark_dirty(mr);
    memory_region_transaction_commit();
}

void memory_region_set_address(MemoryRegion *mr, hwaddr addr)
{
    if (mr->addr == addr) {
        return;
    }
    memory_region_transaction_begin();
    memory_region_mark_dirty(mr);
    if (mr->container) {
        memory_region_index_remove(mr->container, mr);
    }
    mr->addr = addr;
    if (mr->container) {
        memory_region_index_insert(mr->container, mr);
    }
    memory_region_mark_dirty(mr);
    memory_region_transaction_commit();
}

void memory_region_set_size(MemoryRegion *mr, uint64_t size)
{
    if (mr->size == size) {
        return;
    }
    memory_region_transaction_begin();
    memory_region_mark_dirty(mr);
    if (mr->container) {
        memory_region_index_remove(mr->container, mr);
    }
    mr->size = size;
    if (mr->container) {
        memory_region_index_insert(mr->container, mr);
    }
    memory_region_mark_dirty(mr);
    memory_region_transaction_commit();
}

void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset)
{
    assert(mr->alias);
    if (mr->alias_offset == offset) {
        return;
    }
    memory_region_transaction_begin();
    memory_region_mark_dirty(mr);
    mr->alias_offset = offset;
    memory_region_mark_dirty(mr);
    memory_region_transaction_commit();
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->readonly == readonly) {
        return;
    }
    memory_region_transaction_begin();
    mr->readonly = readonly;
    memory_region_mark_dirty(mr);
    memory_region_transaction_commit();
}

void memory_region_set_unmergeable(MemoryRegion *mr, bool unmergeable)
{
    if (mr->unmergeable == unmergeable) {
        return;
    }
    memory_region_transaction_begin();
    mr->unmergeable = unmergeable;
    memory_region_mark_dirty(mr);
    memory_region_transaction_commit();
}

bool memory_region_is_mapped(const MemoryRegion *mr)
{
    return mr->container != NULL;
}

/* ---- accessors ---- */

const char *memory_region_name(const MemoryRegion *mr)
{
    return mr->name;
}

uint64_t memory_region_size(const MemoryRegion *mr)
{
    return mr->size;
}

hwaddr memory_region_get_address(const MemoryRegion *mr)
{
    return mr->addr;
}

Object *memory_region_owner(const MemoryRegion *mr)
{
    return mr->owner;
}

bool memory_region_is_ram(const MemoryRegion *mr)
{
    return mr->ram;
}

bool memory_region_is_enabled(const MemoryRegion *mr)
{
    return mr->enabled;
}

bool memory_region_is_unmergeable(const MemoryRegion *mr)
{
    return mr->unmergeable;
}

MemoryRegion *memory_region_get_container(const MemoryRegion *mr)
{
    return mr->container;
}

RAMBlock *memory_region_get_ram_block(const MemoryRegion *mr)
{
    while (mr->alias) {
        mr = mr->alias;
    }
    return mr->ram_block;
}

void *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    hwaddr offset = 0;

    while (mr->alias) {
        offset += mr->alias_offset;
        mr = mr->alias;
    }
    if (!mr->ram_block) {
        return NULL;
    }
    return (uint8_t *)qemu_ram_get_host_addr(mr->ram_block) + offset;
}

int memory_region_get_fd(MemoryRegion *mr)
{
    RAMBlock *rb = memory_region_get_ram_block(mr);

    return rb ? qemu_ram_get_fd(rb) : -1;
}
