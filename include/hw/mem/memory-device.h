/*
 * Memory devices (virtio-mem, pc-dimm): devices whose RAM is placed in the
 * machine's device-memory area.  The core assigns addresses (first fit with
 * the device's alignment, or the user's memaddr), accounts the space used,
 * maps/unmaps the device's region, and answers query-memory-devices.
 * Devices implement the memory-device interface.  Main loop only.
 */
#ifndef HW_MEM_MEMORY_DEVICE_H
#define HW_MEM_MEMORY_DEVICE_H

#include "qemu/osdep.h"
#include "qom/object.h"
#include "exec/memory.h"

#define TYPE_MEMORY_DEVICE "memory-device"

typedef struct MemoryDeviceState MemoryDeviceState;  /* any object */

typedef struct MemoryDeviceClass {
    InterfaceClass parent_class;
    /* Guest-physical start (0 until assigned). */
    uint64_t (*get_addr)(const MemoryDeviceState *md);
    bool (*set_addr)(MemoryDeviceState *md, uint64_t addr, Error **errp);
    /* Bytes of the device's memory the guest may use now. */
    uint64_t (*get_plugged_size)(const MemoryDeviceState *md);
    /* The region mapped into the device-memory area (whole device). */
    MemoryRegion *(*get_memory_region)(MemoryDeviceState *md, Error **errp);
    /* Alignment of the address beyond the region's page size; 0: none. */
    uint64_t (*get_min_alignment)(const MemoryDeviceState *md);
    /* {"type": "...", "data": {...}} for query-memory-devices. */
    json_t *(*get_device_info)(const MemoryDeviceState *md);
    /* Memslots the device decided to use (NULL: 1). */
    unsigned int (*get_memslots)(const MemoryDeviceState *md);
    /* Of those, mapped now (NULL: all of them). */
    unsigned int (*get_used_memslots)(const MemoryDeviceState *md);
    /*
     * Optional, at pre-plug before placement: fix what the device decides
     * once (virtio-mem: its block size, hence its alignment) and take the
     * number of memslots it may use (memory_device_decide_memslots() for
     * its size).  Fails with nothing changed.
     */
    bool (*pre_plug)(MemoryDeviceState *md, unsigned int memslot_limit,
                     Error **errp);
} MemoryDeviceClass;

#define MEMORY_DEVICE_GET_CLASS(obj) \
    OBJECT_GET_CLASS(MemoryDeviceClass, (obj), TYPE_MEMORY_DEVICE)

/* A range already taken in the device-memory area. */
typedef struct MemoryDeviceRange {
    uint64_t addr;
    uint64_t size;
    const char *id;             /* for messages; may be NULL */
} MemoryDeviceRange;

/*
 * Decide where a device of size bytes goes in the area [area_base,
 * area_base + area_size), given the used ranges (sorted by addr).  With
 * hint (memaddr), check it: aligned to align, inside the area, no
 * overlap.  Without, first fit at align.  Messages as the reference:
 * "address 0x140001000 must be aligned to 0x200000 bytes (2 MiB)", "can't add memory device
 * [0x..:0x..], usable range for memory devices [0x..:0x..]", "address
 * range conflicts with memory device id='dimm0'", "could not find position
 * in guest address space for memory device - memory fragmented due to
 * alignments".  Pure; O(used).
 */
bool memory_device_assign_addr(uint64_t area_base, uint64_t area_size,
                               const MemoryDeviceRange *used,
                               size_t nb_used, uint64_t align,
                               uint64_t size, const uint64_t *hint,
                               uint64_t *addr, Error **errp);

/* Memslot budget of memory devices (VIRTIO-MEM-FACTS.md, "Memslots"). */
#define MEMORY_DEVICES_SOFT_MEMSLOT_LIMIT 256
#define MEMORY_DEVICES_SAFE_MAX_MEMSLOTS 509

/* What the memslot decision for one device looks at. */
typedef struct MemoryDeviceMemslotView {
    unsigned int consumers_max;     /* smallest maximum of KVM and vhost */
    unsigned int consumers_free;    /* smallest number of free slots */
    unsigned int required;          /* decided by the other memory devices */
    unsigned int reserved;          /* decided but not mapped yet (others) */
    uint64_t area_size;             /* device-memory area, bytes */
    uint64_t area_used;             /* taken by the other devices, bytes */
} MemoryDeviceMemslotView;

/*
 * How many memslots a device of device_size bytes that decides "auto" may
 * use: 1 when a consumer offers fewer than 509 slots; else
 * min(256 - required, free - reserved) scaled by
 * device_size / (area_size - area_used), at least 1.  Pure.
 */
unsigned int memory_device_decide_memslots(const MemoryDeviceMemslotView *v,
                                           uint64_t device_size);

typedef struct MachineState MachineState;
typedef struct DeviceState DeviceState;

/*
 * Hotplug handler steps, called by the machine for devices implementing
 * the interface.  pre_plug (before realize): checks that the area exists
 * and has room, hands the device its memslot limit (class pre_plug),
 * assigns the address (memaddr or first fit) with the reference's
 * messages; nothing else changes on failure.  plug (after realize):
 * maps the device's region into the area.  unplug: unmaps it.
 */
bool memory_device_pre_plug(DeviceState *dev, MachineState *ms, Error **errp);
void memory_device_plug(DeviceState *dev, MachineState *ms);
void memory_device_unplug(DeviceState *dev, MachineState *ms);

/*
 * The view of memslots for a new device dev (not counted itself): the
 * accelerator's table as the consumer, the other memory devices' memslots
 * as required and, of those, the ones not mapped yet as reserved (the
 * table does not count them as used), the machine's area.
 */
void memory_devices_memslot_view(DeviceState *dev, MachineState *ms,
                                 MemoryDeviceMemslotView *v);

/*
 * Some memory device decided to use more than one memslot: a new memslot
 * consumer with fewer than MEMORY_DEVICES_SAFE_MAX_MEMSLOTS would have
 * changed that decision, so it must be refused.  O(devices).
 */
bool memory_devices_memslot_auto_decision_active(void);

/* Realized memory devices sorted by address (DeviceState *); free with
 * g_ptr_array_unref.  O(objects below /machine). */
GPtrArray *memory_devices_list(void);

/* Bytes plugged over all memory devices (query-memory-size-summary). */
uint64_t memory_devices_plugged_size(void);

/*
 * MEMORY_DEVICE_SIZE_CHANGE {"id", "size", "qom-path"} for dev: at most one
 * per second per device; a change inside the second is sent when it ends,
 * with the last size.  Main loop only.
 */
void memory_device_size_change_event(Object *dev, uint64_t size);

/* QMP query-memory-devices, HMP info memory-devices. */
json_t *qmp_query_memory_devices(json_t *args, Error **errp);
bool hmp_info_memory_devices(GString *out, int argc, char **argv,
                             Error **errp);
/* Register the two commands above and the plugged-size hook. */
void memory_devices_register_commands(void);

#endif /* HW_MEM_MEMORY_DEVICE_H */
