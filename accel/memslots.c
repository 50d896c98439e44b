/*
 * The accelerator memslot layer: one slot per RAM section of an address
 * space, kept in a GTree by gpa, with slot ids handed out lowest-first
 * from a min-heap of freed ids.  Owns the table, the id allocation, the
 * KVM metadata model and the info text.  Leaves merging to the memory API
 * (softmmu/flatview.c) and the ioctls to the backend (accel/kvm/).
 * Contract: include/sysemu/memslots.h; concepts: docs/devel/memslots.md.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "sysemu/memslots.h"

#define MEMSLOTS_PAGE_SIZE (4 * KiB)

typedef struct Memslot {
    uint64_t gpa;               /* first byte; key in MemslotTable.slots */
    uint64_t size;              /* bytes; > 0 */
    void *hva;                  /* host address of gpa */
    char *region_name;          /* of the terminating RAM region */
    bool readonly;
    unsigned int slot_id;       /* < max_slots; unique in the table */
} Memslot;

struct MemslotTable {
    MemoryListener listener;
    char *name;
    unsigned int max_slots;
    unsigned int nb_used;       /* == g_tree_nnodes(slots) */
    GTree *slots;               /* &Memslot.gpa -> Memslot *, owns them */
    GTree *refused;             /* the same for sections that found no free
                                 * slot: they get one at a commit after a
                                 * slot is freed */
    /*
     * Ids below next_fresh_id not in use, as a min-heap (parent smaller
     * than children); ids from next_fresh_id up were never used.  Freed
     * ids are always below next_fresh_id, so the lowest free id is the
     * heap's root when the heap is not empty.
     */
    unsigned int *freed_ids;    /* max_slots entries */
    unsigned int nb_freed;
    unsigned int next_fresh_id;
    bool full_reported;         /* "no free slot" said since the last free */
    bool changed;               /* by the transaction being committed */
    bool no_kvm_model;          /* not KVM's: no metadata in info */
    const MemslotBackendOps *ops;
    void *opaque;
    bool registered;
};

/* ---- slot ids: a min-heap of freed ids ---- */

static void memslots_heap_swap(unsigned int *heap, unsigned int a_idx,
                               unsigned int b_idx)
{
    unsigned int tmp = heap[a_idx];

    heap[a_idx] = heap[b_idx];
    heap[b_idx] = tmp;
}

static void memslots_heap_push(MemslotTable *table, unsigned int slot_id)
{
    unsigned int idx = table->nb_freed++;

    table->freed_ids[idx] = slot_id;
    while (idx > 0 && table->freed_ids[(idx - 1) / 2] > table->freed_ids[idx]) {
        memslots_heap_swap(table->freed_ids, idx, (idx - 1) / 2);
        idx = (idx - 1) / 2;
    }
}

static unsigned int memslots_heap_pop(MemslotTable *table)
{
    unsigned int *heap = table->freed_ids;
    unsigned int min_id = heap[0];
    unsigned int idx = 0;

    heap[0] = heap[--table->nb_freed];
    for (;;) {
        unsigned int left_idx = 2 * idx + 1;
        unsigned int small_idx = idx;

        if (left_idx < table->nb_freed && heap[left_idx] < heap[small_idx]) {
            small_idx = left_idx;
        }
        if (left_idx + 1 < table->nb_freed &&
            heap[left_idx + 1] < heap[small_idx]) {
            small_idx = left_idx + 1;
        }
        if (small_idx == idx) {
            return min_id;
        }
        memslots_heap_swap(heap, idx, small_idx);
        idx = small_idx;
    }
}

/* The lowest free id; the table is not full.  O(log max_slots). */
static unsigned int memslots_alloc_id(MemslotTable *table)
{
    if (table->nb_freed) {
        return memslots_heap_pop(table);
    }
    assert(table->next_fresh_id < table->max_slots);
    return table->next_fresh_id++;
}

static void memslots_release_id(MemslotTable *table, unsigned int slot_id)
{
    memslots_heap_push(table, slot_id);
    table->full_reported = false;
}

/* ---- the table ---- */

static gint memslots_cmp_gpa(gconstpointer a, gconstpointer b,
                             gpointer opaque)
{
    uint64_t a_gpa = *(const uint64_t *)a;
    uint64_t b_gpa = *(const uint64_t *)b;

    return a_gpa < b_gpa ? -1 : a_gpa > b_gpa;
}

static void memslots_slot_free(gpointer data)
{
    Memslot *slot = data;

    g_free(slot->region_name);
    g_free(slot);
}

MemslotTable *memslots_new(const char *name, unsigned int max_slots,
                           const MemslotBackendOps *ops, void *opaque)
{
    MemslotTable *table = g_new0(MemslotTable, 1);

    assert(max_slots > 0);
    table->name = g_strdup(name);
    table->max_slots = max_slots;
    table->slots = g_tree_new_full(memslots_cmp_gpa, NULL, NULL,
                                   memslots_slot_free);
    table->refused = g_tree_new_full(memslots_cmp_gpa, NULL, NULL,
                                     memslots_slot_free);
    table->freed_ids = g_new(unsigned int, max_slots);
    table->ops = ops;
    table->opaque = opaque;
    return table;
}

void memslots_destroy(MemslotTable *table)
{
    if (!table) {
        return;
    }
    memslots_unregister(table);
    g_tree_destroy(table->slots);
    g_tree_destroy(table->refused);
    g_free(table->freed_ids);
    g_free(table->name);
    g_free(table);
}

void memslots_set_kvm_model(MemslotTable *table, bool on)
{
    table->no_kvm_model = !on;
}

const char *memslots_name(const MemslotTable *table)
{
    return table->name;
}

unsigned int memslots_max(const MemslotTable *table)
{
    return table->max_slots;
}

unsigned int memslots_used(const MemslotTable *table)
{
    return table->nb_used;
}

unsigned int memslots_free(const MemslotTable *table)
{
    return table->max_slots - table->nb_used;
}

/* ---- listener ---- */

static MemslotInfo memslots_info(const Memslot *slot)
{
    return (MemslotInfo) {
        .slot_id = slot->slot_id,
        .gpa = slot->gpa,
        .size = slot->size,
        .hva = slot->hva,
        .readonly = slot->readonly,
    };
}

static int memslots_apply(MemslotTable *table, const Memslot *slot,
                          uint64_t size)
{
    if (!size && table->ops && table->ops->del_slot) {
        MemslotInfo info = memslots_info(slot);

        return table->ops->del_slot(table->opaque, &info);
    }
    if (!table->ops || !table->ops->set_slot) {
        return 0;
    }
    return table->ops->set_slot(table->opaque, slot->slot_id, slot->gpa, size,
                                slot->hva, slot->readonly);
}

static Memslot *memslots_slot_from_section(MemoryRegionSection *section)
{
    Memslot *slot = g_new0(Memslot, 1);
    uint8_t *ram = memory_region_get_ram_ptr(section->mr);

    slot->gpa = section->offset_within_address_space;
    slot->size = section->size;
    slot->hva = ram + section->offset_within_region;
    slot->region_name = g_strdup(memory_region_name(section->mr));
    slot->readonly = section->readonly;
    return slot;
}

static void memslots_report_full(MemslotTable *table, const char *region_name)
{
    /* Once until a slot is freed: each section of a big map would repeat it. */
    if (table->full_reported) {
        return;
    }
    table->full_reported = true;
    error_report("memslot table '%s': no free slot for '%s' (%u of %u used)",
                 table->name, region_name, table->nb_used, table->max_slots);
}

/* Give slot the lowest free id and map it; false (slot freed) on error. */
static bool memslots_place(MemslotTable *table, Memslot *slot)
{
    int ret;

    slot->slot_id = memslots_alloc_id(table);
    ret = memslots_apply(table, slot, slot->size);
    if (ret < 0) {
        error_report("memslot table '%s': cannot map '%s' at 0x%" PRIx64
                     " size %s in slot %u: %s", table->name, slot->region_name,
                     slot->gpa, size_str(slot->size).s, slot->slot_id,
                     strerror(-ret));
        memslots_release_id(table, slot->slot_id);
        memslots_slot_free(slot);
        return false;
    }
    g_tree_insert(table->slots, &slot->gpa, slot);
    table->nb_used++;
    table->changed = true;
    return true;
}

static void memslots_region_add(MemoryListener *listener,
                                MemoryRegionSection *section)
{
    MemslotTable *table = container_of(listener, MemslotTable, listener);
    Memslot *slot;

    if (!memory_region_is_ram(section->mr) || !section->size) {
        return;
    }
    if (table->ops && table->ops->accept &&
        !table->ops->accept(table->opaque, section)) {
        return;
    }
    slot = memslots_slot_from_section(section);
    if (!memslots_free(table)) {
        memslots_report_full(table, slot->region_name);
        g_tree_insert(table->refused, &slot->gpa, slot);
        return;
    }
    memslots_place(table, slot);
}

/* Sections refused for lack of a slot, lowest gpa first, while any is free. */
static void memslots_place_refused(MemslotTable *table)
{
    GTreeNode *node;

    while (memslots_free(table) && (node = g_tree_node_first(table->refused))) {
        Memslot *slot = g_tree_node_value(node);

        g_tree_steal(table->refused, &slot->gpa);
        memslots_place(table, slot);
    }
}

static void memslots_region_del(MemoryListener *listener,
                                MemoryRegionSection *section)
{
    MemslotTable *table = container_of(listener, MemslotTable, listener);
    uint64_t gpa = section->offset_within_address_space;
    Memslot *slot = g_tree_lookup(table->slots, &gpa);
    Memslot *refused = g_tree_lookup(table->refused, &gpa);
    int ret;

    if (refused && refused->size == section->size) {
        g_tree_remove(table->refused, &gpa);
        return;
    }
    /* Not found: not RAM, or not taken (accept). */
    if (!slot || slot->size != section->size) {
        return;
    }
    ret = memslots_apply(table, slot, 0);
    if (ret < 0) {
        error_report("memslot table '%s': cannot delete slot %u of '%s' at 0x%"
                     PRIx64 ": %s", table->name, slot->slot_id,
                     slot->region_name, slot->gpa, strerror(-ret));
    }
    memslots_release_id(table, slot->slot_id);
    table->nb_used--;
    table->changed = true;
    g_tree_remove(table->slots, &gpa);
}

static void memslots_commit(MemoryListener *listener)
{
    MemslotTable *table = container_of(listener, MemslotTable, listener);

    memslots_place_refused(table);
    if (table->changed && table->ops && table->ops->commit) {
        table->ops->commit(table->opaque);
    }
    table->changed = false;
}

typedef struct MemslotsForeach {
    void (*fn)(const MemslotInfo *slot, void *opaque);
    void *opaque;
} MemslotsForeach;

static gboolean memslots_foreach_one(gpointer key, gpointer value,
                                     gpointer opaque)
{
    MemslotsForeach *walk = opaque;
    MemslotInfo info = memslots_info(value);

    walk->fn(&info, walk->opaque);
    return FALSE;
}

void memslots_foreach(const MemslotTable *table,
                      void (*fn)(const MemslotInfo *slot, void *opaque),
                      void *opaque)
{
    MemslotsForeach walk = { fn, opaque };

    g_tree_foreach(table->slots, memslots_foreach_one, &walk);
}

void memslots_register(MemslotTable *table, AddressSpace *as)
{
    assert(!table->registered);
    memset(&table->listener, 0, sizeof(table->listener));
    table->listener.region_add = memslots_region_add;
    table->listener.region_del = memslots_region_del;
    table->listener.commit = memslots_commit;
    /* Low: add before the listeners that may use the slots (vhost, VFIO). */
    table->listener.priority = 10;
    table->listener.name = table->name;
    table->registered = true;
    memory_listener_register(&table->listener, as);
}

void memslots_unregister(MemslotTable *table)
{
    if (!table->registered) {
        return;
    }
    memory_listener_unregister(&table->listener);
    table->registered = false;
}

/* ---- KVM metadata model ---- */

static uint64_t memslots_div_round_up(uint64_t n, uint64_t d)
{
    return n / d + (n % d != 0);
}

MemslotCost memslots_slot_cost(uint64_t size, bool tdp_mmu, bool smm)
{
    uint64_t nb_pages = memslots_div_round_up(size, MEMSLOTS_PAGE_SIZE);
    uint64_t nb_2m = memslots_div_round_up(size, 2 * MiB);
    uint64_t nb_1g = memslots_div_round_up(size, GiB);
    uint64_t nb_copies = smm ? 2 : 1;
    MemslotCost cost = { 0 };

    /* The shadow MMU's reverse map; the TDP MMU walks its own tables. */
    if (!tdp_mmu) {
        cost.rmap_size = 8 * (nb_pages + nb_2m + nb_1g) * nb_copies;
    }
    cost.gfn_track_size = 2 * nb_pages * nb_copies;
    cost.lpage_info_size = 4 * (nb_2m + nb_1g) * nb_copies;
    /* KVM sizes each bitmap in whole longs (kvm_dirty_bitmap_bytes). */
    cost.dirty_bitmap_size =
        2 * 8 * memslots_div_round_up(nb_pages, 64) * nb_copies;
    cost.total_size = cost.rmap_size + cost.gfn_track_size +
                      cost.lpage_info_size + cost.dirty_bitmap_size;
    return cost;
}

typedef struct MemslotsCostSum {
    MemslotCost sum;
    bool tdp_mmu;
    bool smm;
} MemslotsCostSum;

static gboolean memslots_add_cost(gpointer key, gpointer value,
                                  gpointer opaque)
{
    const Memslot *slot = value;
    MemslotsCostSum *acc = opaque;
    MemslotCost cost = memslots_slot_cost(slot->size, acc->tdp_mmu, acc->smm);

    acc->sum.rmap_size += cost.rmap_size;
    acc->sum.gfn_track_size += cost.gfn_track_size;
    acc->sum.lpage_info_size += cost.lpage_info_size;
    acc->sum.dirty_bitmap_size += cost.dirty_bitmap_size;
    acc->sum.total_size += cost.total_size;
    return FALSE;
}

MemslotCost memslots_total_cost(const MemslotTable *table, bool tdp_mmu,
                                bool smm)
{
    MemslotsCostSum acc = { .tdp_mmu = tdp_mmu, .smm = smm };

    g_tree_foreach(table->slots, memslots_add_cost, &acc);
    return acc.sum;
}

/* ---- info memslots ---- */

static gboolean memslots_format_slot(gpointer key, gpointer value,
                                     gpointer opaque)
{
    const Memslot *slot = value;
    GString *out = opaque;

    g_string_append_printf(out,
                           "  slot %u: gpa 0x%016" PRIx64 "-0x%016" PRIx64
                           " size %s region %s%s\n",
                           slot->slot_id, slot->gpa, slot->gpa + slot->size - 1,
                           size_str(slot->size).s, slot->region_name,
                           slot->readonly ? " ro" : "");
    return FALSE;
}

void memslots_format_info(const MemslotTable *table, GString *out)
{
    MemslotCost shadow = memslots_total_cost(table, false, false);
    MemslotCost tdp = memslots_total_cost(table, true, false);

    g_string_append_printf(out, "memslots '%s': %u used, %u free of %u\n",
                           table->name, memslots_used(table),
                           memslots_free(table), table->max_slots);
    g_tree_foreach(table->slots, memslots_format_slot, out);
    if (table->no_kvm_model) {
        return;
    }
    g_string_append_printf(out,
                           "  kvm metadata (modeled): %s, %s with TDP MMU,"
                           " twice that with SMM\n",
                           size_str(shadow.total_size).s,
                           size_str(tdp.total_size).s);
}

static gboolean memslots_json_slot(gpointer key, gpointer value,
                                   gpointer opaque)
{
    const Memslot *slot = value;
    MemslotCost cost = memslots_slot_cost(slot->size, false, false);

    json_array_append_new(opaque, json_pack(
        "{s:i,s:I,s:I,s:s,s:b,s:I,s:I}",
        "slot", (int)slot->slot_id, "gpa", (json_int_t)slot->gpa,
        "size", (json_int_t)slot->size, "region", slot->region_name,
        "readonly", slot->readonly,
        "kvm-metadata", (json_int_t)cost.total_size,
        "kvm-metadata-tdp-mmu",
        (json_int_t)memslots_slot_cost(slot->size, true, false).total_size));
    return FALSE;
}

json_t *memslots_to_json(const MemslotTable *table)
{
    json_t *slots = json_array();
    MemslotCost shadow = memslots_total_cost(table, false, false);
    MemslotCost tdp = memslots_total_cost(table, true, false);

    g_tree_foreach(table->slots, memslots_json_slot, slots);
    return json_pack("{s:s,s:i,s:i,s:i,s:o,s:I,s:I,s:I}",
                     "name", table->name, "max", (int)table->max_slots,
                     "used", (int)memslots_used(table),
                     "free", (int)memslots_free(table), "slots", slots,
                     "kvm-metadata", (json_int_t)shadow.total_size,
                     "kvm-metadata-tdp-mmu", (json_int_t)tdp.total_size,
                     "kvm-metadata-smm",
                     (json_int_t)memslots_total_cost(table, false,
                                                     true).total_size);
}

/* ---- consumers ---- */

static GPtrArray *memslots_consumer_list;

GPtrArray *memslots_consumers(void)
{
    if (!memslots_consumer_list) {
        memslots_consumer_list = g_ptr_array_new();
    }
    return memslots_consumer_list;
}

void memslots_consumer_add(MemslotTable *table)
{
    g_ptr_array_add(memslots_consumers(), table);
}

void memslots_consumer_remove(MemslotTable *table)
{
    g_ptr_array_remove(memslots_consumers(), table);
}

MemslotTable *memslots_consumer_tightest(void)
{
    GPtrArray *list = memslots_consumers();
    MemslotTable *best = NULL;

    for (guint i = 0; i < list->len; i++) {
        MemslotTable *t = g_ptr_array_index(list, i);

        if (!best || memslots_free(t) < memslots_free(best)) {
            best = t;
        }
    }
    return best;
}

unsigned int memslots_consumers_min_max(void)
{
    GPtrArray *list = memslots_consumers();
    unsigned int min = UINT_MAX;

    for (guint i = 0; i < list->len; i++) {
        min = MIN(min, memslots_max(g_ptr_array_index(list, i)));
    }
    return min;
}
