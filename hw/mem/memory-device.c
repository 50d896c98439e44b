/*
 * Memory-device core: placement of memory devices in the machine's
 * device-memory area, checks and the reference's messages.  The machine
 * (hw/i386/pc_q35.c) owns the area; devices implement the interface in
 * include/hw/mem/memory-device.h.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/mem/memory-device.h"

static const TypeInfo memory_device_info = {
    .name = TYPE_MEMORY_DEVICE,
    .parent = TYPE_INTERFACE,
    .class_size = sizeof(MemoryDeviceClass),
};

static void memory_device_register_types(void)
{
    type_register_static(&memory_device_info);
}
type_init(memory_device_register_types)

static bool memory_device_ranges_overlap(uint64_t a, uint64_t a_size,
                                         uint64_t b, uint64_t b_size)
{
    return a < b + b_size && b < a + a_size;
}

static bool memory_device_check_hint(uint64_t area_base, uint64_t area_size,
                                     const MemoryDeviceRange *used,
                                     size_t nb_used, uint64_t align,
                                     uint64_t size, uint64_t hint,
                                     Error **errp)
{
    uint64_t end;
    size_t i;

    if (hint % align) {
        error_setg(errp, "address 0x%" PRIx64 " must be aligned to 0x%"
                   PRIx64 " bytes (%s)", hint, align, size_str(align).s);
        return false;
    }
    if (__builtin_add_overflow(hint, size, &end) || hint < area_base ||
        end > area_base + area_size) {
        error_setg(errp, "can't add memory device [0x%" PRIx64 ":0x%" PRIx64
                   "], usable range for memory devices [0x%" PRIx64 ":0x%"
                   PRIx64 "]", hint, size, area_base, area_size);
        return false;
    }
    for (i = 0; i < nb_used; i++) {
        if (memory_device_ranges_overlap(hint, size, used[i].addr,
                                         used[i].size)) {
            error_setg(errp, "address range conflicts with memory device "
                       "id='%s'", used[i].id ? used[i].id : "");
            return false;
        }
    }
    return true;
}

bool memory_device_assign_addr(uint64_t area_base, uint64_t area_size,
                               const MemoryDeviceRange *used,
                               size_t nb_used, uint64_t align,
                               uint64_t size, const uint64_t *hint,
                               uint64_t *addr, Error **errp)
{
    uint64_t area_end = area_base + area_size;
    uint64_t candidate = QEMU_ALIGN_UP(area_base, align);
    size_t i;

    if (hint) {
        if (!memory_device_check_hint(area_base, area_size, used, nb_used,
                                      align, size, *hint, errp)) {
            return false;
        }
        *addr = *hint;
        return true;
    }
    for (i = 0; i < nb_used; i++) {
        if (candidate + size <= used[i].addr) {
            break;
        }
        if (used[i].addr + used[i].size > candidate) {
            candidate = QEMU_ALIGN_UP(used[i].addr + used[i].size, align);
        }
    }
    if (candidate < area_base || candidate > area_end ||
        size > area_end - candidate) {
        error_setg(errp, "could not find position in guest address space for "
                   "memory device - memory fragmented due to alignments");
        return false;
    }
    *addr = candidate;
    return true;
}


unsigned int memory_device_decide_memslots(const MemoryDeviceMemslotView *v,
                                           uint64_t device_size)
{
    uint64_t available = v->area_size - MIN(v->area_used, v->area_size);
    unsigned int soft, budget, limit;

    /* Few slots overall: do not spend more than one on a device. */
    if (v->consumers_max < MEMORY_DEVICES_SAFE_MAX_MEMSLOTS) {
        return 1;
    }
    soft = MEMORY_DEVICES_SOFT_MEMSLOT_LIMIT -
           MIN(v->required, MEMORY_DEVICES_SOFT_MEMSLOT_LIMIT);
    budget = v->consumers_free - MIN(v->reserved, v->consumers_free);
    limit = MIN(soft, budget);
    /* A fair share: what the device covers of the space still free. */
    if (available > device_size) {
        limit = (uint64_t)limit * device_size / available;
    }
    return MAX(limit, 1);
}
