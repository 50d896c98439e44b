/*
 * virtio-mem: a virtio device that hot(un)plugs the memory of a backend in
 * blocks.  The device owns the block state (virtio-mem-blocks.h), answers
 * the guest's requests (virtio-mem-request.c), discards unplugged memory,
 * preallocates on plug, is the RamDiscardManager of its region, and raises
 * MEMORY_DEVICE_SIZE_CHANGE.  virtio-mem-pci.c is its PCI transport and
 * memory-device glue and reaches it only through this header.
 */
#ifndef HW_VIRTIO_VIRTIO_MEM_H
#define HW_VIRTIO_VIRTIO_MEM_H

#include "qemu/osdep.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-mem-blocks.h"
#include "exec/memory.h"

#define TYPE_VIRTIO_MEM "virtio-mem"

/* Property names, shared by setters, messages, docs and tests. */
#define VIRTIO_MEM_MEMDEV_PROP              "memdev"
#define VIRTIO_MEM_NODE_PROP                "node"
#define VIRTIO_MEM_ADDR_PROP                "memaddr"
#define VIRTIO_MEM_REQUESTED_SIZE_PROP      "requested-size"
#define VIRTIO_MEM_SIZE_PROP                "size"
#define VIRTIO_MEM_BLOCK_SIZE_PROP          "block-size"
#define VIRTIO_MEM_PREALLOC_PROP            "prealloc"
#define VIRTIO_MEM_UNPLUGGED_INACCESSIBLE_PROP "unplugged-inaccessible"
#define VIRTIO_MEM_DYNAMIC_MEMSLOTS_PROP    "dynamic-memslots"
#define VIRTIO_MEM_EARLY_MIGRATION_PROP     "x-early-migration"

#define VIRTIO_MEM_MIN_BLOCK_SIZE           (1 * MiB)
#define VIRTIO_MEM_QUEUE_SIZE               128

typedef enum OnOffAuto {
    ON_OFF_AUTO_AUTO,
    ON_OFF_AUTO_ON,
    ON_OFF_AUTO_OFF,
    ON_OFF_AUTO__MAX,
} OnOffAuto;

typedef struct HostMemoryBackend HostMemoryBackend;
typedef struct VirtIOMEM VirtIOMEM;

/* Fields private to hw/virtio/virtio-mem*.c. */
struct VirtIOMEM {
    VirtIODevice parent_obj;
    HostMemoryBackend *memdev;      /* link; marked mapped while realized */
    uint32_t node;
    bool prealloc;
    OnOffAuto unplugged_inaccessible;
    bool dynamic_memslots;
    bool early_migration;
    /*
     * The one record of the geometry and plug state.  The properties write
     * blocks.addr (memaddr), blocks.block_size (0: not decided yet) and
     * blocks.requested_size directly; the memory-device core decides the
     * block size at pre-plug (virtio_mem_pre_plug); realize sizes the
     * region and allocates the bitmap.  This is what the early migration
     * section sends.
     */
    VirtioMemBlocks blocks;
    /* Memslots the device may use, handed over at pre-plug; 0 when no
     * memory-device core placed it (a device on its own): one memslot. */
    unsigned int memslot_limit;
    VirtQueue *vq;
    RamDiscardManager rdm;
    bool prealloc_warned;           /* a failed prealloc was reported */
    bool discard_warned;            /* a failed unplug discard was */
    /* dynamic-memslots: container of nb_memslots aliases of memslot_size
     * bytes (the last may be smaller); alias i mapped iff it holds a
     * plugged block.  NULL / 0 without dynamic-memslots. */
    MemoryRegion *memslots_container;
    MemoryRegion *memslots;
    unsigned int nb_memslots;
    uint64_t memslot_size;
    /* The proxy (virtio-mem-pci) whose id and path events carry. */
    Object *event_owner;
};

#define VIRTIO_MEM(obj) OBJECT_CHECK(VirtIOMEM, (obj), TYPE_VIRTIO_MEM)

/* For virtio-mem-pci and the memory-device glue. */
/* Memslots the device uses: nb of aliases with dynamic-memslots, else 1. */
unsigned int virtio_mem_get_memslots(const VirtIOMEM *vmem);
/* Of those, mapped now (1 without dynamic-memslots: mapped whole). */
unsigned int virtio_mem_get_used_memslots(const VirtIOMEM *vmem);
MemoryRegion *virtio_mem_get_memory_region(VirtIOMEM *vmem, Error **errp);
uint64_t virtio_mem_get_addr(const VirtIOMEM *vmem);
bool virtio_mem_set_addr(VirtIOMEM *vmem, uint64_t addr, Error **errp);
uint64_t virtio_mem_get_plugged_size(const VirtIOMEM *vmem);
uint64_t virtio_mem_get_block_size(const VirtIOMEM *vmem);
uint64_t virtio_mem_get_min_alignment(const VirtIOMEM *vmem);
/*
 * The memory-device core's pre-plug: fix the block size (the default of
 * the memdev when none was given) and take the number of memslots the
 * device may use.  Before realize, once.  Fails (nothing changed) when
 * memdev is missing.
 */
bool virtio_mem_pre_plug(VirtIOMEM *vmem, unsigned int memslot_limit,
                         Error **errp);
/* {"type":"virtio-mem","data":{...}} for query-memory-devices. */
json_t *virtio_mem_get_device_info(const VirtIOMEM *vmem, const char *id);
/* Device unplug allowed? (unplugged-inaccessible, nothing plugged, 0 req) */
bool virtio_mem_unplug_request_check(VirtIOMEM *vmem, Error **errp);
/* The id and QOM path used in events: those of the proxy (set by glue). */
void virtio_mem_set_event_owner(VirtIOMEM *vmem, Object *owner);

/* virtio-mem-pci.c: may the PCI device be unplugged (device_del)? */
bool virtio_mem_pci_unplug_request_check(DeviceState *dev, Error **errp);

#endif /* HW_VIRTIO_VIRTIO_MEM_H */
