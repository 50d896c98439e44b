/*
 * VFIO container core: one MemoryListener per container on the address
 * space a device does DMA in, and the container's own table of the DMA
 * mappings it made.  RAM without a RamDiscardManager is mapped whole; RAM
 * with one gets a RamDiscardListener and is mapped where populated, as one
 * mapping per populated run (coalescing) or per block, as the backend's
 * split rule says.  The worst case is checked against the backend's limit
 * when a section arrives.  Backends (hw/vfio/vfio-user*.c, hw/vfio/pci.c)
 * only send the map/unmap requests.  Contract: include/hw/vfio/vfio-container.h.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/vfio/vfio-container.h"
#include "hw/vfio/trace.h"

/* A section of the address space the container accepted or refused. */
typedef struct VFIOSection {
    VFIOContainer *c;
    MemoryRegionSection section;
    uint64_t gpa;               /* key: section->offset_within_address_space */
    RamDiscardListener rdl;     /* registered when listening */
    bool has_rdm;
    /* rdl registered: always at run time (so that plugs into a refused
     * section fail), never for a section refused at start. */
    bool listening;
    uint64_t granularity;       /* bytes; the manager's block (has_rdm) */
    uint64_t worst_mappings;    /* counted in c->worst_mappings unless refused */
    bool refused;
} VFIOSection;

static GPtrArray *vfio_started_containers;

GPtrArray *vfio_containers(void)
{
    if (!vfio_started_containers) {
        vfio_started_containers = g_ptr_array_new();
    }
    return vfio_started_containers;
}

/* ---- the mapping table ---- */

static gint vfio_map_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

typedef struct VFIORange {
    uint64_t start;
    uint64_t end;               /* exclusive */
} VFIORange;

/* g_tree_search: a mapping overlapping the range in user_data. */
static gint vfio_map_overlap_cmp(gconstpointer key, gconstpointer user_data)
{
    const VFIODMAMap *m = key;
    const VFIORange *r = user_data;

    if (m->iova + m->size <= r->start) {
        return 1;   /* the mapping is left of the range: look right */
    }
    if (m->iova >= r->end) {
        return -1;
    }
    return 0;
}

static VFIODMAMap *vfio_container_find_overlap(VFIOContainer *c,
                                               uint64_t start, uint64_t end)
{
    VFIORange r = { .start = start, .end = end };

    return g_tree_search(c->mappings,
                         (GCompareFunc)vfio_map_overlap_cmp, &r);
}

/* The map of [gpa, gpa + size) of section s (range already inside s). */
static VFIODMAMap vfio_map_of_section(const MemoryRegionSection *s,
                                      uint64_t gpa, uint64_t size)
{
    uint64_t offset = s->offset_within_region +
                      (gpa - s->offset_within_address_space);
    RAMBlock *rb = memory_region_get_ram_block(s->mr);
    int fd = memory_region_get_fd(s->mr);

    return (VFIODMAMap) {
        .iova = gpa,
        .size = size,
        .hva = (uint8_t *)memory_region_get_ram_ptr(s->mr) + offset,
        .fd = fd,
        .fd_offset = fd >= 0 && rb ? qemu_ram_get_fd_offset(rb) + offset : 0,
        .readonly = s->readonly,
    };
}

/* Map and record; 0 or -errno (table unchanged). */
static int vfio_container_map(VFIOContainer *c, const VFIODMAMap *map)
{
    VFIODMAMap *m;
    int ret;

    if (g_tree_nnodes(c->mappings) >= c->cfg.max_mappings) {
        trace_vfio_container_map_refused(c->name, map->iova, map->size,
                                         "limit");
        return -ENOSPC;
    }
    c->nb_requests++;
    ret = c->ops->dma_map(c->opaque, map);
    trace_vfio_container_map(c->name, map->iova, map->size, map->fd_offset,
                             ret);
    if (ret) {
        return ret;
    }
    m = g_new(VFIODMAMap, 1);
    *m = *map;
    g_tree_insert(c->mappings, &m->iova, m);
    return 0;
}

/* Forget m (a table entry, freed) and unmap it. */
static void vfio_container_unmap_entry(VFIOContainer *c, VFIODMAMap *m)
{
    VFIODMAMap old = *m;
    int ret = 0;

    /* Out of the table first: a backend dying in the unmap clears it. */
    g_tree_remove(c->mappings, &m->iova);
    g_free(m);
    if (!c->stopped) {
        c->nb_requests++;
        ret = c->ops->dma_unmap(c->opaque, &old);
    }
    trace_vfio_container_unmap(c->name, old.iova, old.size, ret);
    if (ret && !c->stopped) {
        warn_report("vfio '%s': unmapping DMA range 0x%" PRIx64 "+0x%" PRIx64
                    " failed: %s", c->name, old.iova, old.size,
                    strerror(-ret));
    }
}

/* Map again the piece [start, end) of a split mapping m (copy). */
static void vfio_container_remap_piece(VFIOContainer *c, const VFIODMAMap *m,
                                       uint64_t start, uint64_t end)
{
    VFIODMAMap piece = *m;
    int ret;

    piece.iova = start;
    piece.size = end - start;
    piece.hva = (uint8_t *)m->hva + (start - m->iova);
    piece.fd_offset = m->fd >= 0 ? m->fd_offset + (start - m->iova) : 0;
    ret = vfio_container_map(c, &piece);
    if (ret) {
        warn_report("vfio '%s': mapping DMA range 0x%" PRIx64 "+0x%" PRIx64
                    " again after a split failed: %s; the device loses it",
                    c->name, piece.iova, piece.size, strerror(-ret));
    }
}

/*
 * Unmap [gpa, gpa + size): every mapping overlapping it is unmapped whole
 * (the only unmap a server or the kernel accepts) and the parts of it
 * outside the range are mapped again.  O(k log n) for k mappings hit.
 */
static void vfio_container_unmap_range(VFIOContainer *c, uint64_t gpa,
                                       uint64_t size)
{
    uint64_t end = gpa + size;
    VFIODMAMap *m;

    trace_vfio_container_unmap_range(c->name, gpa, size);
    while ((m = vfio_container_find_overlap(c, gpa, end))) {
        VFIODMAMap old = *m;

        vfio_container_unmap_entry(c, m);     /* frees m */
        if (c->stopped) {
            continue;
        }
        if (old.iova < gpa) {
            vfio_container_remap_piece(c, &old, old.iova, gpa);
        }
        if (old.iova + old.size > end) {
            vfio_container_remap_piece(c, &old, end, old.iova + old.size);
        }
    }
}

/* ---- populate / discard (RamDiscardListener) ---- */

/* Map [gpa, gpa + size) of s: one mapping, or one per block. */
static int vfio_section_map_range(VFIOSection *vs, uint64_t gpa,
                                  uint64_t size)
{
    VFIOContainer *c = vs->c;
    uint64_t step = c->cfg.coalesce || !vs->has_rdm ? size : vs->granularity;
    uint64_t done;
    int ret = 0;

    for (done = 0; done < size; done += step) {
        uint64_t n = MIN(step, size - done);
        VFIODMAMap map = vfio_map_of_section(&vs->section, gpa + done, n);

        ret = vfio_container_map(c, &map);
        if (ret) {
            break;
        }
    }
    if (ret && done) {
        /* Refused part-way: what this call mapped goes again. */
        vfio_container_unmap_range(c, gpa, done);
    }
    return ret;
}

static void vfio_section_warn_refused(VFIOSection *vs, int ret)
{
    VFIOContainer *c = vs->c;

    if (c->refusal_warned) {
        return;
    }
    c->refusal_warned = true;
    warn_report("vfio '%s': DMA mapping of RAM '%s' at 0x%" PRIx64
                " refused (%s); plugging memory there fails", c->name,
                memory_region_name(vs->section.mr), vs->gpa, strerror(-ret));
}

static int vfio_section_notify_populate(RamDiscardListener *rdl,
                                        MemoryRegionSection *s)
{
    VFIOSection *vs = container_of(rdl, VFIOSection, rdl);
    int ret;

    trace_vfio_section_populate(vs->c->name, s->offset_within_address_space,
                                s->size);
    if (vs->c->stopped) {
        return 0;
    }
    ret = vs->refused ? -ENOSPC
                      : vfio_section_map_range(vs,
                                               s->offset_within_address_space,
                                               s->size);
    if (ret && vs->c->stopped) {
        /* The backend died in this very request: the device is stopped,
         * which must not hold the guest up. */
        return 0;
    }
    if (ret) {
        vfio_section_warn_refused(vs, ret);
    }
    return ret;
}

static void vfio_section_notify_discard(RamDiscardListener *rdl,
                                        MemoryRegionSection *s)
{
    VFIOSection *vs = container_of(rdl, VFIOSection, rdl);

    trace_vfio_section_discard(vs->c->name, s->offset_within_address_space,
                               s->size);
    vfio_container_unmap_range(vs->c, s->offset_within_address_space,
                               s->size);
}

/* ---- sections (MemoryListener) ---- */

static bool vfio_section_is_mappable(const MemoryRegionSection *s)
{
    uint64_t end;

    /* MMIO, ROM and ROM devices stay out of the IOMMU, as in QEMU. */
    return memory_region_is_ram(s->mr) && !s->readonly && s->size &&
           s->size != UINT64_MAX &&
           !__builtin_add_overflow(s->offset_within_address_space, s->size,
                                   &end);
}

/* The refusal of vs, as the message start-up fails with. */
static void vfio_section_set_refusal(VFIOSection *vs, const char *why)
{
    VFIOContainer *c = vs->c;
    Error *err = NULL;

    error_setg(&err, "vfio '%s': RAM '%s' at 0x%" PRIx64 " (%s) %s",
               c->name, memory_region_name(vs->section.mr), vs->gpa,
               size_str(vs->section.size).s, why);
    if (c->as && !c->refusal) {
        /* At run time nobody can fail: say it, and refuse the plugs. */
        warn_report("%s", error_get_pretty(err));
        c->refusal_warned = true;
        error_free(err);
        return;
    }
    if (!c->refusal) {
        c->refusal = err;
    } else {
        error_free(err);
    }
}

/* Decide: fd present where needed, worst case within the limit. */
static void vfio_section_check(VFIOSection *vs)
{
    VFIOContainer *c = vs->c;
    uint64_t total = c->worst_mappings + vs->worst_mappings;
    g_autofree char *why = NULL;

    if (c->cfg.needs_fd && memory_region_get_fd(vs->section.mr) < 0) {
        why = g_strdup("is not shared, fd-backed memory, so the device cannot map it; use a memory backend with share=on (memory-backend-memfd)");
    } else if (total > c->cfg.max_mappings) {
        why = g_strdup_printf("may need %" PRIu64 " DMA mappings, %" PRIu64
                              " in all, but %s allows %" PRIu64,
                              vs->worst_mappings, total, c->cfg.limit_source,
                              c->cfg.max_mappings);
    }
    if (why) {
        vs->refused = true;
        trace_vfio_section_refused(c->name, vs->gpa, vs->section.size,
                                   vs->worst_mappings, c->cfg.max_mappings);
        vfio_section_set_refusal(vs, why);
        return;
    }
    c->worst_mappings = total;
}

static VFIOSection *vfio_section_new(VFIOContainer *c,
                                     const MemoryRegionSection *s)
{
    VFIOSection *vs = g_new0(VFIOSection, 1);
    RamDiscardManager *rdm = memory_region_get_ram_discard_manager(s->mr);

    vs->c = c;
    vs->section = *s;
    vs->gpa = s->offset_within_address_space;
    vs->has_rdm = rdm != NULL;
    vs->worst_mappings = 1;
    if (rdm) {
        vs->granularity = ram_discard_manager_get_min_granularity(rdm, s->mr);
        /* Every other block plugged: one mapping per block. */
        vs->worst_mappings = s->size / vs->granularity +
                             !!(s->size % vs->granularity);
    }
    return vs;
}

static void vfio_listener_region_add(MemoryListener *l,
                                     MemoryRegionSection *s)
{
    VFIOContainer *c = container_of(l, VFIOContainer, listener);
    VFIOSection *vs;
    int ret;

    if (!vfio_section_is_mappable(s)) {
        trace_vfio_listener_skip(c->name, s->offset_within_address_space,
                                 s->size, memory_region_name(s->mr));
        return;
    }
    vs = vfio_section_new(c, s);
    trace_vfio_listener_region_add(c->name, vs->gpa, s->size,
                                   memory_region_name(s->mr), vs->has_rdm);
    vfio_section_check(vs);
    g_hash_table_insert(c->sections, &vs->gpa, vs);
    if (vs->has_rdm && (!vs->refused || c->as)) {
        ram_discard_listener_init(&vs->rdl, vfio_section_notify_populate,
                                  vfio_section_notify_discard);
        vs->listening = true;
        ram_discard_manager_register_listener(
            memory_region_get_ram_discard_manager(s->mr), &vs->rdl,
            &vs->section);
        return;
    }
    if (vs->has_rdm || vs->refused || c->stopped) {
        return;
    }
    ret = vfio_section_map_range(vs, vs->gpa, s->size);
    if (ret) {
        vfio_section_set_refusal(vs, ret == -ENOSPC
                                 ? "exceeds the DMA mapping limit"
                                 : "was refused by the backend");
    }
}

static void vfio_section_free(VFIOContainer *c, VFIOSection *vs)
{
    if (vs->listening) {
        ram_discard_manager_unregister_listener(
            memory_region_get_ram_discard_manager(vs->section.mr), &vs->rdl);
    }
    /* Whatever is still mapped inside (a whole section) goes now. */
    vfio_container_unmap_range(c, vs->gpa, vs->section.size);
    if (!vs->refused) {
        c->worst_mappings -= vs->worst_mappings;
    }
    g_free(vs);
}

static void vfio_listener_region_del(MemoryListener *l,
                                     MemoryRegionSection *s)
{
    VFIOContainer *c = container_of(l, VFIOContainer, listener);
    uint64_t gpa = s->offset_within_address_space;
    VFIOSection *vs = g_hash_table_lookup(c->sections, &gpa);

    if (!vs || vs->section.mr != s->mr) {
        return;
    }
    trace_vfio_listener_region_del(c->name, gpa, s->size,
                                   memory_region_name(s->mr));
    g_hash_table_remove(c->sections, &gpa);
    vfio_section_free(c, vs);
}

/* ---- life cycle ---- */

void vfio_container_init(VFIOContainer *c, const VFIOContainerOps *ops,
                         void *opaque, const VFIOContainerConfig *cfg)
{
    memset(c, 0, sizeof(*c));
    c->ops = ops;
    c->opaque = opaque;
    c->cfg = *cfg;
    c->name = g_strdup(cfg->name);
    c->cfg.name = c->name;
    c->mappings = g_tree_new_full(vfio_map_cmp, NULL, NULL, NULL);
    c->sections = g_hash_table_new(g_int64_hash, g_int64_equal);
    c->listener.region_add = vfio_listener_region_add;
    c->listener.region_del = vfio_listener_region_del;
    c->listener.name = "vfio";
    /* After the accelerator's slots: DMA follows what the CPU sees. */
    c->listener.priority = 10;
}

/* DMA mappings follow coordinated discards (virtio-mem) only. */
static bool vfio_container_disable_discard(VFIOContainer *c, Error **errp)
{
    g_autofree char *who = g_strdup_printf("%s '%s'", c->cfg.kind, c->name);

    if (ram_block_uncoordinated_discard_disable_by(who, true)) {
        error_setg(errp, "%s: a device discards RAM without telling its users (e.g. virtio-balloon), which a VFIO device cannot follow",
                   who);
        return false;
    }
    c->discard_holder = g_steal_pointer(&who);
    return true;
}

static void vfio_container_enable_discard(VFIOContainer *c)
{
    ram_block_uncoordinated_discard_disable_by(c->discard_holder, false);
    g_free(c->discard_holder);
    c->discard_holder = NULL;
}

bool vfio_container_start(VFIOContainer *c, AddressSpace *as, Error **errp)
{
    assert(!c->as);
    if (!vfio_container_disable_discard(c, errp)) {
        return false;
    }
    c->refusal_warned = false;
    memory_listener_register(&c->listener, as);
    c->as = as;
    if (c->refusal) {
        error_propagate(errp, c->refusal);
        c->refusal = NULL;
        vfio_container_stop(c);
        return false;
    }
    g_ptr_array_add(vfio_containers(), c);
    trace_vfio_container_start(c->name, c->cfg.max_mappings,
                               c->worst_mappings,
                               (uint64_t)g_tree_nnodes(c->mappings));
    return true;
}

void vfio_container_stop(VFIOContainer *c)
{
    if (!c->as) {
        return;
    }
    memory_listener_unregister(&c->listener);
    c->as = NULL;
    g_ptr_array_remove(vfio_containers(), c);
    assert(g_hash_table_size(c->sections) == 0);
    assert(g_tree_nnodes(c->mappings) == 0);
    assert(c->worst_mappings == 0);
    vfio_container_enable_discard(c);
}

void vfio_container_destroy(VFIOContainer *c)
{
    vfio_container_stop(c);
    g_tree_destroy(c->mappings);
    g_hash_table_destroy(c->sections);
    error_free(c->refusal);
    g_free(c->name);
    c->mappings = NULL;
    c->sections = NULL;
    c->name = NULL;
}

static gboolean vfio_container_free_entry(gpointer key, gpointer value,
                                          gpointer data)
{
    g_free(value);
    return FALSE;
}

void vfio_container_mark_stopped(VFIOContainer *c)
{
    c->stopped = true;
    /* Nothing is mapped any more on the other side. */
    g_tree_foreach(c->mappings, vfio_container_free_entry, NULL);
    g_tree_destroy(c->mappings);
    c->mappings = g_tree_new_full(vfio_map_cmp, NULL, NULL, NULL);
}

/* ---- accessors ---- */

const char *vfio_container_name(const VFIOContainer *c)
{
    return c->name;
}

uint64_t vfio_container_max_mappings(const VFIOContainer *c)
{
    return c->cfg.max_mappings;
}

uint64_t vfio_container_nb_mappings(const VFIOContainer *c)
{
    return g_tree_nnodes(c->mappings);
}

uint64_t vfio_container_worst_mappings(const VFIOContainer *c)
{
    return c->worst_mappings;
}

bool vfio_container_coalesces(const VFIOContainer *c)
{
    return c->cfg.coalesce;
}

bool vfio_container_is_stopped(const VFIOContainer *c)
{
    return c->stopped;
}

uint64_t vfio_container_nb_requests(const VFIOContainer *c)
{
    return c->nb_requests;
}

typedef struct VFIOForeach {
    int (*fn)(const VFIODMAMap *map, void *opaque);
    void *opaque;
    int ret;
} VFIOForeach;

static gboolean vfio_container_foreach_cb(gpointer key, gpointer value,
                                          gpointer data)
{
    VFIOForeach *f = data;

    f->ret = f->fn(value, f->opaque);
    return f->ret != 0;
}

int vfio_container_foreach_mapping(VFIOContainer *c,
                                   int (*fn)(const VFIODMAMap *map,
                                             void *opaque),
                                   void *opaque)
{
    VFIOForeach f = { .fn = fn, .opaque = opaque };

    g_tree_foreach(c->mappings, vfio_container_foreach_cb, &f);
    return f.ret;
}
