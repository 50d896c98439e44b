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
 * "address must be aligned to 0x200000 bytes", "can't add memory device
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

#endif /* HW_MEM_MEMORY_DEVICE_H */
