/*
 * Rendering: turns the region tree under an AddressSpace root into its
 * FlatView, a GTree of sorted, non-overlapping FlatRanges.  Only dirty
 * windows are re-rendered: the old ranges meeting a window are taken out,
 * the parts of them outside every window are kept as they were, the
 * window is rendered from the tree, and the result is merged and compared
 * with what was there.  memory.c decides what is dirty and tells
 * listeners; memory-access.c and memory-mtree.c read the ranges.
 */
#include "qemu/osdep.h"
#include "memory-internal.h"

typedef struct FlatViewHole {
    MemAddr lo;
    MemAddr hi;
} FlatViewHole;

/* What the path from the root down to a region adds to its ranges. */
typedef struct FlatViewPath {
    bool readonly;
    bool unmergeable;       /* some region on the path is unmergeable */
    uint64_t id;            /* hash of the regions on the path */
} FlatViewPath;

/* A render in progress: holes still uncovered, pieces emitted. */
typedef struct FlatViewRender {
    GTree *holes;           /* FlatViewHole *, by lo, never adjacent */
    GArray *pieces;         /* FlatRange */
} FlatViewRender;

static gint flatview_hole_cmp(gconstpointer a, gconstpointer b,
                              gpointer unused)
{
    const FlatViewHole *ha = a;
    const FlatViewHole *hb = b;

    return ha->lo < hb->lo ? -1 : ha->lo > hb->lo;
}

static gint flatview_range_cmp(gconstpointer a, gconstpointer b,
                               gpointer unused)
{
    const FlatRange *ra = a;
    const FlatRange *rb = b;

    return ra->start < rb->start ? -1 : ra->start > rb->start;
}

static void flatview_render_add_hole(FlatViewRender *r, MemAddr lo,
                                     MemAddr hi)
{
    FlatViewHole *hole;

    if (lo >= hi) {
        return;
    }
    hole = g_new(FlatViewHole, 1);
    hole->lo = lo;
    hole->hi = hi;
    g_tree_insert(r->holes, hole, hole);
}

/* The holes meeting [lo, hi), in address order. */
static GPtrArray *flatview_render_holes_meeting(FlatViewRender *r,
                                                MemAddr lo, MemAddr hi)
{
    GPtrArray *found = g_ptr_array_new();
    FlatViewHole key = { .lo = lo };
    GTreeNode *node = g_tree_upper_bound(r->holes, &key);

    node = node ? g_tree_node_previous(node) : g_tree_node_last(r->holes);
    if (!node) {
        node = g_tree_node_first(r->holes);
    }
    for (; node; node = g_tree_node_next(node)) {
        FlatViewHole *hole = g_tree_node_value(node);

        if (hole->lo >= hi) {
            break;
        }
        if (hole->hi > lo) {
            g_ptr_array_add(found, hole);
        }
    }
    return found;
}

/* mr (placed at base) covers every hole in [lo, hi). */
static void flatview_render_fill(FlatViewRender *r, MemoryRegion *mr,
                                 MemAddr base, MemAddr lo, MemAddr hi,
                                 const FlatViewPath *path)
{
    g_autoptr(GPtrArray) holes = flatview_render_holes_meeting(r, lo, hi);

    for (guint i = 0; i < holes->len; i++) {
        FlatViewHole *hole = g_ptr_array_index(holes, i);
        MemAddr s = MAX(hole->lo, lo);
        MemAddr e = MIN(hole->hi, hi);
        FlatRange fr = {
            .start = (hwaddr)s,
            .size = e - s,
            .mr = mr,
            .offset = (hwaddr)(s - base),
            .readonly = path->readonly,
            .unmergeable = path->unmergeable,
            .path_id = path->id,
        };
        MemAddr old_lo = hole->lo;
        MemAddr old_hi = hole->hi;

        g_array_append_val(r->pieces, fr);
        g_tree_remove(r->holes, hole);
        flatview_render_add_hole(r, old_lo, s);
        flatview_render_add_hole(r, e, old_hi);
    }
}

/* splitmix64 of the path so far and the next region on it. */
static uint64_t flatview_path_step(uint64_t id, const MemoryRegion *mr)
{
    uint64_t z = id ^ (uint64_t)(uintptr_t)mr;

    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/*
 * Render mr, whose offset 0 is at absolute address base, into the holes
 * within [lo, hi).  Higher-priority subregions go first and take what
 * they cover; a terminating region then fills what is left under it.
 */
static void flatview_render_mr(FlatViewRender *r, MemoryRegion *mr,
                               MemAddr base, MemAddr lo, MemAddr hi,
                               FlatViewPath path)
{
    g_autoptr(GPtrArray) subs = NULL;
    MemAddr s = MAX(lo, base);
    MemAddr e = MIN(hi, base + memory_region_extent(mr));

    if (!mr->enabled || s >= e || g_tree_nnodes(r->holes) == 0) {
        return;
    }
    path.readonly |= mr->readonly;
    path.unmergeable |= mr->unmergeable;
    path.id = flatview_path_step(path.id, mr);
    if (mr->alias) {
        flatview_render_mr(r, mr->alias, base - (MemAddr)mr->alias_offset,
                           s, e, path);
        return;
    }
    subs = memory_region_subregions_meeting(mr, s - base, e - base);
    for (guint i = 0; i < subs->len; i++) {
        MemoryRegion *sub = g_ptr_array_index(subs, i);

        flatview_render_mr(r, sub, base + (MemAddr)sub->addr, s, e, path);
    }
    if (mr->terminates) {
        flatview_render_fill(r, mr, base, s, e, &path);
    }
}

static gint flatview_piece_cmp(gconstpointer a, gconstpointer b)
{
    return flatview_range_cmp(a, b, NULL);
}

static gint flatview_window_cmp(gconstpointer a, gconstpointer b)
{
    return flatview_hole_cmp(a, b, NULL);
}

/* Whether b continues a so that both are one range. */
static bool flatview_can_merge(const FlatRange *a, const FlatRange *b)
{
    return (MemAddr)a->start + a->size == (MemAddr)b->start &&
           a->mr == b->mr &&
           (MemAddr)a->offset + a->size == (MemAddr)b->offset &&
           a->readonly == b->readonly &&
           a->unmergeable == b->unmergeable &&
           (!a->unmergeable || a->path_id == b->path_id);
}

/* Sort pieces and merge neighbours that continue each other. */
static void flatview_simplify(GArray *pieces)
{
    guint out = 0;

    g_array_sort(pieces, flatview_piece_cmp);
    for (guint i = 0; i < pieces->len; i++) {
        FlatRange *cur = &g_array_index(pieces, FlatRange, i);
        FlatRange *last = out ? &g_array_index(pieces, FlatRange, out - 1)
                              : NULL;

        if (last && flatview_can_merge(last, cur)) {
            last->size += cur->size;
        } else {
            g_array_index(pieces, FlatRange, out++) = *cur;
        }
    }
    g_array_set_size(pieces, out);
}

static void flatview_render_into(GArray *pieces, MemoryRegion *root,
                                 MemAddr lo, MemAddr hi)
{
    FlatViewRender r = {
        .holes = g_tree_new_full(flatview_hole_cmp, NULL,
                                 NULL, g_free),
        .pieces = pieces,
    };
    FlatViewPath path = { 0 };

    flatview_render_add_hole(&r, lo, hi);
    flatview_render_mr(&r, root, 0, lo, hi, path);
    g_tree_destroy(r.holes);
}

GArray *flatview_render_window(MemoryRegion *root, MemAddr lo, MemAddr hi)
{
    GArray *pieces = g_array_new(false, false, sizeof(FlatRange));

    if (root) {
        flatview_render_into(pieces, root, lo, hi);
    }
    flatview_simplify(pieces);
    return pieces;
}

FlatView *flatview_new(AddressSpace *as)
{
    FlatView *fv = g_new0(FlatView, 1);

    fv->as = as;
    fv->ranges = g_tree_new_full(flatview_range_cmp, NULL,
                                 NULL, g_free);
    fv->dirty = g_array_new(false, false, sizeof(FlatViewHole));
    return fv;
}

void flatview_free(FlatView *fv)
{
    if (fv) {
        g_tree_destroy(fv->ranges);
        g_array_free(fv->dirty, true);
        g_free(fv);
    }
}

void flatview_mark_dirty(FlatView *fv, MemAddr lo, MemAddr hi)
{
    FlatViewHole window = {
        .lo = MAX(lo, 0),
        .hi = MIN(hi, MEM_ADDR_SPACE_END),
    };

    if (window.lo < window.hi) {
        g_array_append_val(fv->dirty, window);
    }
}

/* Sort the dirty windows and join those that overlap or touch. */
static void flatview_coalesce_dirty(FlatView *fv)
{
    GArray *d = fv->dirty;
    guint out = 0;

    g_array_sort(d, flatview_window_cmp);
    for (guint i = 0; i < d->len; i++) {
        FlatViewHole *cur = &g_array_index(d, FlatViewHole, i);
        FlatViewHole *last = out ? &g_array_index(d, FlatViewHole, out - 1)
                                 : NULL;

        if (last && cur->lo <= last->hi) {
            last->hi = MAX(last->hi, cur->hi);
        } else {
            g_array_index(d, FlatViewHole, out++) = *cur;
        }
    }
    g_array_set_size(d, out);
}

/* Old ranges that overlap or touch a window (a neighbour may merge). */
static void flatview_take_meeting(FlatView *fv, const FlatViewHole *w,
                                  GPtrArray *olds)
{
    FlatRange key = { .start = 0 };
    GTreeNode *node;

    if (w->lo > 0) {
        key.start = (hwaddr)(w->lo - 1);
    }
    node = g_tree_upper_bound(fv->ranges, &key);
    node = node ? g_tree_node_previous(node) : g_tree_node_last(fv->ranges);
    if (!node) {
        node = g_tree_node_first(fv->ranges);
    }
    for (; node; node = g_tree_node_next(node)) {
        FlatRange *fr = g_tree_node_value(node);

        if ((MemAddr)fr->start > w->hi) {
            break;
        }
        if ((MemAddr)fr->start + fr->size >= w->lo &&
            (!olds->len || g_ptr_array_index(olds, olds->len - 1) != fr)) {
            g_ptr_array_add(olds, fr);
        }
    }
}

/* The parts of old range fr that lie outside every dirty window. */
static void flatview_keep_outside(const FlatRange *fr, GArray *windows,
                                  guint *first_window, GArray *pieces)
{
    MemAddr end = (MemAddr)fr->start + fr->size;
    MemAddr cur = fr->start;
    guint j = *first_window;

    while (j < windows->len &&
           g_array_index(windows, FlatViewHole, j).hi <= cur) {
        j++;
    }
    *first_window = j;
    for (; cur < end; j++) {
        MemAddr stop = end;
        FlatViewHole *w = NULL;

        if (j < windows->len) {
            w = &g_array_index(windows, FlatViewHole, j);
            stop = MIN(end, MAX(w->lo, cur));
        }
        if (cur < stop) {
            FlatRange part = *fr;

            part.start = (hwaddr)cur;
            part.size = stop - cur;
            part.offset = fr->offset + (hwaddr)(cur - fr->start);
            g_array_append_val(pieces, part);
        }
        if (!w) {
            break;
        }
        cur = MAX(cur, w->hi);
    }
}

bool flatview_ranges_equal(const FlatRange *a, const FlatRange *b)
{
    return a->start == b->start && a->size == b->size && a->mr == b->mr &&
           a->offset == b->offset && a->readonly == b->readonly &&
           a->unmergeable == b->unmergeable;
}

/* Walk old and new in address order, as QEMU's topology update does. */
static void flatview_diff(GPtrArray *olds, GPtrArray *news, GPtrArray *dels,
                          GArray *unchanged)
{
    guint io = 0;
    guint in = 0;

    while (io < olds->len || in < news->len) {
        FlatRange *o = io < olds->len ? g_ptr_array_index(olds, io) : NULL;
        FlatRange *n = in < news->len ? g_ptr_array_index(news, in) : NULL;
        bool same = o && n && flatview_ranges_equal(o, n);

        if (o && !same && (!n || o->start <= n->start)) {
            g_ptr_array_add(dels, o);
            io++;
            continue;
        }
        if (same) {
            g_free(o);
            io++;
        }
        g_array_append_val(unchanged, same);
        in++;
    }
}

void flatview_update(FlatView *fv, GPtrArray *dels, GPtrArray *news,
                     GArray *unchanged)
{
    g_autoptr(GPtrArray) olds = g_ptr_array_new();
    g_autoptr(GArray) pieces = g_array_new(false, false, sizeof(FlatRange));
    guint first_window = 0;

    flatview_coalesce_dirty(fv);
    for (guint i = 0; i < fv->dirty->len; i++) {
        flatview_take_meeting(fv, &g_array_index(fv->dirty, FlatViewHole, i),
                              olds);
    }
    for (guint i = 0; i < olds->len; i++) {
        FlatRange *fr = g_ptr_array_index(olds, i);

        g_tree_steal(fv->ranges, fr);
        flatview_keep_outside(fr, fv->dirty, &first_window, pieces);
    }
    for (guint i = 0; i < fv->dirty->len; i++) {
        FlatViewHole *w = &g_array_index(fv->dirty, FlatViewHole, i);

        flatview_render_into(pieces, fv->as->root, w->lo, w->hi);
    }
    g_array_set_size(fv->dirty, 0);
    flatview_simplify(pieces);
    for (guint i = 0; i < pieces->len; i++) {
        FlatRange *fr = g_memdup2(&g_array_index(pieces, FlatRange, i),
                                  sizeof(FlatRange));

        g_tree_insert(fv->ranges, fr, fr);
        g_ptr_array_add(news, fr);
    }
    flatview_diff(olds, news, dels, unchanged);
}

FlatRange *flatview_lookup(FlatView *fv, hwaddr addr)
{
    FlatRange key = { .start = addr };
    GTreeNode *node = g_tree_upper_bound(fv->ranges, &key);
    FlatRange *fr;

    node = node ? g_tree_node_previous(node) : g_tree_node_last(fv->ranges);
    if (!node) {
        return NULL;
    }
    fr = g_tree_node_value(node);
    return (MemAddr)fr->start + fr->size > (MemAddr)addr ? fr : NULL;
}

FlatRange *flatview_next(FlatView *fv, hwaddr addr)
{
    FlatRange key = { .start = addr };
    GTreeNode *node = g_tree_lower_bound(fv->ranges, &key);

    return node ? g_tree_node_value(node) : NULL;
}

void flatview_foreach(FlatView *fv, GFunc fn, void *opaque)
{
    for (GTreeNode *node = g_tree_node_first(fv->ranges); node;
         node = g_tree_node_next(node)) {
        fn(g_tree_node_value(node), opaque);
    }
}

unsigned int flatview_nb_ranges(FlatView *fv)
{
    return g_tree_nnodes(fv->ranges);
}
