/*
 * The accelerator memslot layer: a MemoryListener that turns the RAM
 * sections of an address space into numbered slots (what
 * KVM_SET_USER_MEMORY_REGION takes), with a slot limit, lowest-first id
 * reuse, and a model of what each slot costs KVM in metadata.  KVM and
 * qtest share it; KVM applies slots through MemslotBackendOps, qtest
 * passes none.  Implementation: accel/memslots.c.  Main loop only.
 */
#ifndef SYSEMU_MEMSLOTS_H
#define SYSEMU_MEMSLOTS_H

#include "qemu/osdep.h"
#include "exec/memory.h"
#include <jansson.h>

typedef struct MemslotTable MemslotTable;

/* One slot as memslots_foreach() shows it. */
typedef struct MemslotInfo {
    unsigned int slot_id;
    uint64_t gpa;
    uint64_t size;
    void *hva;
    bool readonly;
} MemslotInfo;

/* How a backend (KVM, vhost-user) applies slot changes. */
typedef struct MemslotBackendOps {
    /*
     * Map slot_id to [gpa, gpa + size) backed by hva; size 0 deletes the
     * slot (gpa and hva are then those it had).  Returns 0 or -errno.  A
     * failed add leaves the section without a slot; a failed delete is
     * reported and the slot is dropped from the table anyway.
     */
    int (*set_slot)(void *opaque, unsigned int slot_id, uint64_t gpa,
                    uint64_t size, void *hva, bool readonly);
    /*
     * Optional: whether a RAM section takes a slot at all (vhost-user
     * takes only RAM with an fd).  NULL: every RAM section.
     */
    bool (*accept)(void *opaque, const MemoryRegionSection *section);
    /*
     * Optional: delete a slot, told everything it had (vhost-user names
     * the region by gpa and size); replaces set_slot with size 0.
     */
    int (*del_slot)(void *opaque, const MemslotInfo *slot);
    /* Optional: after a memory transaction that changed the table. */
    void (*commit)(void *opaque);
} MemslotBackendOps;

/*
 * What one slot costs KVM on x86 in host memory (bytes), per the model
 * of docs/devel/memslots.md.
 */
typedef struct MemslotCost {
    uint64_t rmap_size;         /* 0 with the TDP MMU */
    uint64_t gfn_track_size;
    uint64_t lpage_info_size;
    uint64_t dirty_bitmap_size; /* both bitmaps */
    uint64_t total_size;        /* sum of the above */
} MemslotCost;

/**
 * memslots_new: an empty table, not listening yet.
 * @name: for messages and info ("kvm", "qtest"); copied.
 * @max_slots: slot ids are 0 .. max_slots - 1; at least 1.
 * @ops: the backend, or NULL (qtest: the table only counts).
 * @opaque: passed to @ops.
 * Free with memslots_destroy().
 */
MemslotTable *memslots_new(const char *name, unsigned int max_slots,
                           const MemslotBackendOps *ops, void *opaque);

/**
 * memslots_destroy: unregister (if registered) and free.  NULL is fine.
 */
void memslots_destroy(MemslotTable *table);

/**
 * memslots_register: start listening to @as; every RAM section of its
 * current view gets a slot (set_slot per section).  Not registered
 * already.  Cost: O(sections log sections).
 *
 * From then on, each region_add of a RAM section takes the lowest free
 * id (O(log max_slots)) and each region_del frees one (O(log slots)); an
 * update never visits the other slots.  Sections come as the memory API
 * renders them: already merged where allowed, never across unmergeable
 * regions; the table does not merge again.  When no id is free, the
 * section waits without a slot and error_report() says so, once until a
 * slot is freed again; at the end of a transaction that freed slots,
 * waiting sections take them, lowest gpa first.
 */
void memslots_register(MemslotTable *table, AddressSpace *as);

/**
 * memslots_unregister: stop listening; every slot is deleted (set_slot
 * with size 0).  Does nothing when not registered.
 */
void memslots_unregister(MemslotTable *table);

/* Whether info text shows the KVM metadata model (default on; off for
 * tables that are not an accelerator's, e.g. vhost-user). */
void memslots_set_kvm_model(MemslotTable *table, bool on);

/* Call fn for each slot in gpa order.  O(slots). */
void memslots_foreach(const MemslotTable *table,
                      void (*fn)(const MemslotInfo *slot, void *opaque),
                      void *opaque);

/* Slot limit, slots in use, slots free (max - used).  O(1). */
const char *memslots_name(const MemslotTable *table);
unsigned int memslots_max(const MemslotTable *table);
unsigned int memslots_used(const MemslotTable *table);
unsigned int memslots_free(const MemslotTable *table);

/**
 * memslots_slot_cost: KVM's x86 metadata for a slot of @size bytes that
 * starts 1 GiB-aligned: rmap (only without @tdp_mmu), gfn_track,
 * lpage_info, two dirty bitmaps; everything twice with @smm (a second
 * address space).  Pure.  A 1 TiB slot: about 2.57 GiB, 578 MiB with the
 * TDP MMU.
 */
MemslotCost memslots_slot_cost(uint64_t size, bool tdp_mmu, bool smm);

/**
 * memslots_total_cost: memslots_slot_cost() summed over the slots in use.
 * O(slots), for info commands.
 */
MemslotCost memslots_total_cost(const MemslotTable *table, bool tdp_mmu,
                                bool smm);

/**
 * memslots_format_info: append text for HMP "info memslots" to @out:
 * "memslots 'NAME': N used, M free of MAX", one line per slot in gpa order
 * ("  slot 3: gpa 0x...-0x... size 2 GiB region pc.ram", " ro" appended
 * for read-only), then the modeled metadata without and with the TDP MMU.
 * O(slots).
 */
void memslots_format_info(const MemslotTable *table, GString *out);

/*
 * The table for x-query-memslots: {"name", "max", "used", "free", "slots":
 * [{"slot", "gpa", "size", "region", "readonly", "kvm-metadata",
 * "kvm-metadata-tdp-mmu"}], "kvm-metadata", "kvm-metadata-tdp-mmu",
 * "kvm-metadata-smm"} (modeled bytes, x86).  O(slots).
 */
json_t *memslots_to_json(const MemslotTable *table);

/*
 * Memslot consumers: every table whose limits shape memory-device
 * decisions (the accelerator's; vhost backends' later).  The decision uses
 * the smallest maximum and the smallest number of free slots among them.
 * Main loop only; O(consumers).
 */
void memslots_consumer_add(MemslotTable *table);
void memslots_consumer_remove(MemslotTable *table);
/* Consumers in the order added (MemslotTable *); do not modify. */
GPtrArray *memslots_consumers(void);
/* The table with the fewest free slots (NULL: no consumer). */
MemslotTable *memslots_consumer_tightest(void);
unsigned int memslots_consumers_min_max(void);

#endif /* SYSEMU_MEMSLOTS_H */
