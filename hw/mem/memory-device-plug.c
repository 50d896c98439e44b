/*
 * Memory devices in the machine: the hotplug handler's pre_plug (checks,
 * address), plug (map into the device-memory area) and unplug.  The
 * placement decision itself is memory_device_assign_addr() in
 * memory-device.c.
 */
#include "qemu/osdep.h"
#include "hw/mem/memory-device.h"
#include "hw/core/qdev.h"
#include "hw/boards.h"
#include "qemu/units.h"
#include "sysemu/memslots.h"

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

/*
 * Every memory device needs at least one memslot (a device with
 * dynamic-memslots decides how many within what is free).
 */
static bool memory_device_check_memslots(DeviceState *dev, Error **errp)
{
    MemslotTable *table = memslots_consumer_tightest();

    if (!table || memslots_free(table) >= 1) {
        return true;
    }
    error_setg(errp, "device '%s' needs 1 memslot but 0 are free (%s %u of %u)", memory_device_id(dev), memslots_name(table),
               memslots_free(table), memslots_max(table));
    error_append_hint(errp, "Raise the accelerator's memslot limit or use fewer memory devices.\n");
    return false;
}

/* What a device of size bytes may use, decided once, before placement. */
static unsigned int memory_device_memslot_limit(DeviceState *dev,
                                                MachineState *ms,
                                                uint64_t size)
{
    MemoryDeviceMemslotView view;

    memory_devices_memslot_view(dev, ms, &view);
    return memory_device_decide_memslots(&view, size);
}

bool memory_device_pre_plug(DeviceState *dev, MachineState *ms, Error **errp)
{
    MemoryDeviceState *md = (MemoryDeviceState *)dev;
    const MemoryDeviceClass *mdc = MEMORY_DEVICE_GET_CLASS(md);
    g_autoptr(GArray) used = NULL;
    uint64_t area_base, area_size, used_size, size, align, addr, hint;
    MemoryRegion *mr;

    if (!ms->device_memory || !memory_region_size(&ms->device_memory->mr)) {
        error_setg(errp, "memory devices (e.g. for memory hotplug) are not supported by the machine");
        error_append_hint(errp, "Start with -m SIZE,maxmem=MAXSIZE to make room for memory devices.\n");
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
        error_setg(errp, "not enough space, currently 0x%" PRIx64 " in use of total space for memory devices 0x%" PRIx64, used_size,
                   area_size);
        error_append_hint(errp, "The device needs %s; memory devices share maxmem minus the initial RAM (%s): raise maxmem by at least %s.\n", size_str(size).s,
                          size_str(area_size).s,
                          size_str(used_size + size - area_size).s);
        return false;
    }
    if (!memory_device_check_memslots(dev, errp)) {
        return false;
    }
    if (mdc->pre_plug &&
        !mdc->pre_plug(md, memory_device_memslot_limit(dev, ms, size),
                       errp)) {
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

void memory_devices_memslot_view(DeviceState *self, MachineState *ms,
                                 MemoryDeviceMemslotView *v)
{
    g_autoptr(GPtrArray) devices = memory_devices_list();
    MemslotTable *table = memslots_consumer_tightest();

    memset(v, 0, sizeof(*v));
    /* No consumer (no accelerator yet): as a KVM with plenty of slots. */
    v->consumers_max = table ? memslots_consumers_min_max() : 32764;
    v->consumers_free = table ? memslots_free(table) : 32764;
    if (ms && ms->device_memory) {
        v->area_size = memory_region_size(&ms->device_memory->mr);
    }
    for (guint i = 0; i < devices->len; i++) {
        DeviceState *dev = g_ptr_array_index(devices, i);
        MemoryDeviceState *md = (MemoryDeviceState *)dev;
        const MemoryDeviceClass *mdc = MEMORY_DEVICE_GET_CLASS(md);

        if (dev == self) {
            continue;
        }
        unsigned int decided = mdc->get_memslots ? mdc->get_memslots(md)
                                                  : 1;
        unsigned int used = mdc->get_used_memslots
                            ? mdc->get_used_memslots(md) : decided;

        v->required += decided;
        v->reserved += decided - MIN(used, decided);
        v->area_used += memory_region_size(mdc->get_memory_region(md, NULL));
    }
}

bool memory_devices_memslot_auto_decision_active(void)
{
    g_autoptr(GPtrArray) devices = memory_devices_list();

    for (guint i = 0; i < devices->len; i++) {
        MemoryDeviceState *md = g_ptr_array_index(devices, i);
        const MemoryDeviceClass *mdc = MEMORY_DEVICE_GET_CLASS(md);

        if (mdc->get_memslots && mdc->get_memslots(md) > 1) {
            return true;
        }
    }
    return false;
}
