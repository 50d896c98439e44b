/*
 * Memory-device core: placement of memory devices in the machine's
 * device-memory area, checks and the reference's messages.  The machine
 * (hw/i386/pc_q35.c) owns the area; devices implement the interface in
 * include/hw/mem/memory-device.h.
 */
#include "qemu/osdep.h"
#include "hw/mem/memory-device.h"
#include "hw/core/qdev.h"
#include "hw/boards.h"

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
        error_setg(errp, "address must be aligned to 0x%" PRIx64 " bytes",
                   align);
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

/* ---- hotplug steps ---- */

static const char *memory_device_id(DeviceState *dev)
{
    return dev->id ? dev->id : object_get_canonical_path_component(
                                   OBJECT(dev));
}

/* Used ranges of the realized devices other than self, sorted by addr. */
static GArray *memory_device_used_ranges(DeviceState *self,
                                         uint64_t *used_size)
{
    g_autoptr(GPtrArray) devices = memory_devices_list();
    GArray *ranges = g_array_new(false, false, sizeof(MemoryDeviceRange));
    guint i;

    *used_size = 0;
    for (i = 0; i < devices->len; i++) {
        DeviceState *dev = g_ptr_array_index(devices, i);
        MemoryDeviceState *md = (MemoryDeviceState *)dev;
        const MemoryDeviceClass *mdc = MEMORY_DEVICE_GET_CLASS(md);
        MemoryDeviceRange r;

        if (dev == self) {
            continue;
        }
        r.addr = mdc->get_addr(md);
        r.size = memory_region_size(mdc->get_memory_region(md, NULL));
        r.id = memory_device_id(dev);
        *used_size += r.size;
        g_array_append_val(ranges, r);
    }
    return ranges;
}

bool memory_device_pre_plug(DeviceState *dev, MachineState *ms, Error **errp)
{
    MemoryDeviceState *md = (MemoryDeviceState *)dev;
    const MemoryDeviceClass *mdc = MEMORY_DEVICE_GET_CLASS(md);
    g_autoptr(GArray) used = NULL;
    uint64_t area_base, area_size, used_size, size, align, addr, hint;
    MemoryRegion *mr;

    if (!ms->device_memory || !memory_region_size(&ms->device_memory->mr)) {
        error_setg(errp, "memory devices (e.g. for memory hotplug) are not "
                   "supported by the machine");
        error_append_hint(errp, "Start with -m SIZE,maxmem=MAXSIZE to make "
                          "room for memory devices.\n");
        return false;
    }
    mr = mdc->get_memory_region(md, errp);
    if (!mr) {
        return false;
    }
    area_base = ms->device_memory->base;
    area_size = memory_region_size(&ms->device_memory->mr);
    size = memory_region_size(mr);
    used = memory_device_used_ranges(dev, &used_size);
    if (used_size + size > area_size) {
        error_setg(errp, "not enough space, currently 0x%" PRIx64 " in use of "
                   "total space for memory devices 0x%" PRIx64, used_size,
                   area_size);
        return false;
    }
    align = MAX(mdc->get_min_alignment ? mdc->get_min_alignment(md) : 0,
                qemu_real_host_page_size());
    hint = mdc->get_addr(md);
    if (!memory_device_assign_addr(area_base, area_size,
                                   (const MemoryDeviceRange *)used->data,
                                   used->len, align, size,
                                   hint ? &hint : NULL, &addr, errp)) {
        return false;
    }
    return mdc->set_addr(md, addr, errp);
}

void memory_device_plug(DeviceState *dev, MachineState *ms)
{
    MemoryDeviceState *md = (MemoryDeviceState *)dev;
    const MemoryDeviceClass *mdc = MEMORY_DEVICE_GET_CLASS(md);
    MemoryRegion *mr = mdc->get_memory_region(md, &error_abort);

    memory_region_add_subregion(&ms->device_memory->mr,
                                mdc->get_addr(md) - ms->device_memory->base,
                                mr);
}

void memory_device_unplug(DeviceState *dev, MachineState *ms)
{
    MemoryDeviceState *md = (MemoryDeviceState *)dev;
    const MemoryDeviceClass *mdc = MEMORY_DEVICE_GET_CLASS(md);
    MemoryRegion *mr = mdc->get_memory_region(md, &error_abort);

    memory_region_del_subregion(&ms->device_memory->mr, mr);
}
