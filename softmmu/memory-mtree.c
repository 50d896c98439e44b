/*
 * info mtree: prints the region trees of all address spaces (address
 * spaces sharing a root print one tree), then every alias target as a
 * "memory-region:" section; with -f, the rendered ranges, address spaces
 * that render the same root grouped under one "FlatView #n".  The format
 * is QEMU's, line for line.  Reads the tree (memory.c) and the views
 * (flatview.c); changes nothing.
 */
#include "qemu/osdep.h"
#include "hw/core/qdev.h"
#include "memory-internal.h"

#define MTREE_INDENT "  "
#define MTREE_ADDR "%016" PRIx64

/* Offset of the last byte of a region of size bytes (0 when empty). */
static uint64_t mtree_last(uint64_t size)
{
    if (size == UINT64_MAX) {
        return UINT64_MAX;
    }
    return size ? size - 1 : 0;
}

static const char *mtree_region_type(const MemoryRegion *mr)
{
    while (mr->alias) {
        mr = mr->alias;
    }
    if (mr->ram && mr->readonly) {
        return "rom";
    }
    return mr->ram ? "ram" : "i/o";
}

static void mtree_print_owner(GString *out, const MemoryRegion *mr)
{
    Object *obj = mr->owner;
    DeviceState *dev;
    char *path;

    if (!obj) {
        g_string_append(out, " orphan");
        return;
    }
    dev = (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);
    g_string_append_printf(out, " owner:{%s", dev ? "dev" : "obj");
    path = object_get_canonical_path(obj);
    if (dev && dev->id) {
        g_string_append_printf(out, " id=%s", dev->id);
    } else if (path) {
        g_string_append_printf(out, " path=%s", path);
    } else {
        g_string_append_printf(out, " type=%s", object_get_typename(obj));
    }
    g_free(path);
    g_string_append(out, "}");
}

/* Subregions in the order QEMU prints them: address, then priority. */
static gint mtree_subregion_cmp(gconstpointer a, gconstpointer b)
{
    MemoryRegion *ma = *(MemoryRegion *const *)a;
    MemoryRegion *mb = *(MemoryRegion *const *)b;
    uint64_t sa = memory_region_priv(ma)->seq;
    uint64_t sb = memory_region_priv(mb)->seq;

    if (ma->addr != mb->addr) {
        return ma->addr < mb->addr ? -1 : 1;
    }
    if (ma->priority != mb->priority) {
        return ma->priority > mb->priority ? -1 : 1;
    }
    return sa > sb ? -1 : sa < sb;
}

typedef struct MtreeContext {
    GString *out;
    GPtrArray *alias_targets;   /* MemoryRegion *, in order of discovery */
    bool owner;
    bool disabled;
} MtreeContext;

static void mtree_print_line(MtreeContext *c, const MemoryRegion *mr,
                             unsigned int level, hwaddr start)
{
    hwaddr end = start + mtree_last(mr->size);

    for (unsigned int i = 0; i < level; i++) {
        g_string_append(c->out, MTREE_INDENT);
    }
    g_string_append_printf(c->out, MTREE_ADDR "-" MTREE_ADDR " (prio %d, %s): ",
                           start, end, mr->priority, mtree_region_type(mr));
    if (mr->alias) {
        g_string_append_printf(c->out, "alias %s @%s " MTREE_ADDR "-" MTREE_ADDR,
                               mr->name, mr->alias->name, mr->alias_offset,
                               mr->alias_offset + mtree_last(mr->size));
    } else {
        g_string_append(c->out, mr->name);
    }
    if (!mr->enabled) {
        g_string_append(c->out, " [disabled]");
    }
    if (c->owner) {
        mtree_print_owner(c->out, mr);
    }
    g_string_append_c(c->out, '\n');
}

static void mtree_print_mr(MtreeContext *c, MemoryRegion *mr,
                           unsigned int level, hwaddr base)
{
    g_autoptr(GPtrArray) subs = NULL;
    hwaddr start = base + mr->addr;

    if (start < base || start + mtree_last(mr->size) < start) {
        g_string_append(c->out, "[DETECTED OVERFLOW!] ");
    }
    if (mr->alias && !g_ptr_array_find(c->alias_targets, mr->alias, NULL)) {
        g_ptr_array_add(c->alias_targets, mr->alias);
    }
    if (mr->enabled || c->disabled) {
        mtree_print_line(c, mr, level, start);
    }
    /* Like QEMU, subregions of a hidden disabled region still print. */
    subs = g_ptr_array_copy(mr->subregions, NULL, NULL);
    g_ptr_array_sort(subs, mtree_subregion_cmp);
    for (guint i = 0; i < subs->len; i++) {
        mtree_print_mr(c, g_ptr_array_index(subs, i), level + 1, start);
    }
}

static gint mtree_as_name_cmp(gconstpointer a, gconstpointer b)
{
    const AddressSpace *asa = *(AddressSpace *const *)a;
    const AddressSpace *asb = *(AddressSpace *const *)b;

    return strcmp(asa->name, asb->name);
}

/* Address spaces grouped by key(as), groups in order of first member. */
static GPtrArray *mtree_group_spaces(MemoryRegion *(*key)(AddressSpace *as),
                                     GPtrArray **keys)
{
    GPtrArray *spaces = memory_address_spaces();
    GPtrArray *groups = g_ptr_array_new_with_free_func(
        (GDestroyNotify)g_ptr_array_unref);

    *keys = g_ptr_array_new();
    for (guint i = 0; i < spaces->len; i++) {
        AddressSpace *as = g_ptr_array_index(spaces, i);
        MemoryRegion *k = key(as);
        guint idx;

        if (!g_ptr_array_find(*keys, k, &idx)) {
            idx = (*keys)->len;
            g_ptr_array_add(*keys, k);
            g_ptr_array_add(groups, g_ptr_array_new());
        }
        g_ptr_array_add(g_ptr_array_index(groups, idx), as);
    }
    return groups;
}

static MemoryRegion *mtree_as_root(AddressSpace *as)
{
    return as->root;
}

static void mtree_info_as(GString *out, bool owner, bool disabled)
{
    MtreeContext c = {
        .out = out,
        .alias_targets = g_ptr_array_new(),
        .owner = owner,
        .disabled = disabled,
    };
    g_autoptr(GPtrArray) roots = NULL;
    g_autoptr(GPtrArray) groups = mtree_group_spaces(mtree_as_root, &roots);

    for (guint i = 0; i < groups->len; i++) {
        GPtrArray *group = g_ptr_array_index(groups, i);

        g_ptr_array_sort(group, mtree_as_name_cmp);
        for (guint j = 0; j < group->len; j++) {
            AddressSpace *as = g_ptr_array_index(group, j);

            g_string_append_printf(out, "address-space: %s\n", as->name);
        }
        mtree_print_mr(&c, g_ptr_array_index(roots, i), 1, 0);
        g_string_append_c(out, '\n');
    }
    /* Grows while printing: alias targets found in alias targets. */
    for (guint i = 0; i < c.alias_targets->len; i++) {
        MemoryRegion *mr = g_ptr_array_index(c.alias_targets, i);

        g_string_append_printf(out, "memory-region: %s\n", mr->name);
        mtree_print_mr(&c, mr, 1, 0);
        g_string_append_c(out, '\n');
    }
    g_ptr_array_free(c.alias_targets, true);
}

/* Only enabled subregion, if it covers all of mr from offset 0. */
static bool mtree_only_child(MemoryRegion *mr, MemoryRegion **child)
{
    unsigned int found = 0;

    *child = NULL;
    for (guint i = 0; i < mr->subregions->len; i++) {
        MemoryRegion *sub = g_ptr_array_index(mr->subregions, i);

        if (!sub->enabled) {
            continue;
        }
        if (++found > 1) {
            *child = NULL;
            return true;
        }
        if (!sub->addr && memory_region_extent(mr) >=
                          memory_region_extent(sub)) {
            *child = sub;
        }
    }
    return found > 0;
}

/*
 * The region a view really renders, as QEMU picks it to share FlatViews:
 * whole aliases and only children are looked through; NULL when nothing
 * is enabled.
 */
static MemoryRegion *mtree_flatview_root(AddressSpace *as)
{
    MemoryRegion *mr = as->root;
    MemoryRegion *next;

    while (mr->enabled) {
        if (mr->alias) {
            if (mr->alias_offset || memory_region_extent(mr) <
                                    memory_region_extent(mr->alias)) {
                return mr;
            }
            mr = mr->alias;
            continue;
        }
        if (mr->terminates) {
            return mr;
        }
        if (!mtree_only_child(mr, &next)) {
            return NULL;
        }
        if (!next) {
            return mr;
        }
        mr = next;
    }
    return NULL;
}

static void mtree_print_range(GString *out, const FlatRange *fr, bool owner)
{
    uint64_t last = fr->size >= MEM_ADDR_SPACE_END ? UINT64_MAX
                                                   : (uint64_t)fr->size - 1;

    g_string_append_printf(out, MTREE_INDENT MTREE_ADDR "-" MTREE_ADDR
                           " (prio %d, %s): %s", fr->start, fr->start + last,
                           fr->mr->priority,
                           fr->readonly ? "rom" : mtree_region_type(fr->mr),
                           fr->mr->name);
    if (fr->offset) {
        g_string_append_printf(out, " @" MTREE_ADDR, fr->offset);
    }
    if (owner) {
        mtree_print_owner(out, fr->mr);
    }
    g_string_append_c(out, '\n');
}

static void mtree_print_flatview(GString *out, GPtrArray *group,
                                 MemoryRegion *root, bool owner)
{
    FlatView *fv = ((AddressSpace *)g_ptr_array_index(group, 0))->current_map;

    for (guint i = 0; i < group->len; i++) {
        AddressSpace *as = g_ptr_array_index(group, i);

        g_string_append_printf(out, " AS \"%s\", root: %s", as->name,
                               as->root->name);
        if (as->root->alias) {
            g_string_append_printf(out, ", alias %s", as->root->alias->name);
        }
        g_string_append_c(out, '\n');
    }
    g_string_append_printf(out, " Root memory region: %s\n",
                           root ? root->name : "(none)");
    if (!flatview_nb_ranges(fv)) {
        g_string_append(out, MTREE_INDENT "No rendered FlatView\n\n");
        return;
    }
    for (GTreeNode *node = g_tree_node_first(fv->ranges); node;
         node = g_tree_node_next(node)) {
        mtree_print_range(out, g_tree_node_value(node), owner);
    }
    g_string_append_c(out, '\n');
}

static void mtree_info_flatview(GString *out, bool owner)
{
    g_autoptr(GPtrArray) roots = NULL;
    g_autoptr(GPtrArray) groups = mtree_group_spaces(mtree_flatview_root,
                                                     &roots);

    for (guint i = 0; i < groups->len; i++) {
        g_string_append_printf(out, "FlatView #%u\n", i);
        mtree_print_flatview(out, g_ptr_array_index(groups, i),
                             g_ptr_array_index(roots, i), owner);
    }
}

void mtree_info(GString *out, bool flatview, bool owner, bool disabled)
{
    if (flatview) {
        mtree_info_flatview(out, owner);
    } else {
        mtree_info_as(out, owner, disabled);
    }
}
