/*
 * pc-dimm: a memory device that maps a whole backend at a fixed address in
 * the device-memory area, in one of the machine's "-m slots=N" DIMM slots.
 * Placement, mapping and accounting are the memory-device core's; this
 * file checks the slot and the backend and describes the device.
 */
#include "qemu/osdep.h"
#include "migration/register.h"
#include "hw/core/qdev.h"
#include "hw/mem/memory-device.h"
#include "hw/boards.h"
#include "sysemu/hostmem.h"
#include "sysemu/numa.h"

#define TYPE_PC_DIMM "pc-dimm"
#define PC_DIMM_MEMDEV_PROP "memdev"
#define PC_DIMM_ADDR_PROP "addr"
#define PC_DIMM_SLOT_PROP "slot"
#define PC_DIMM_NODE_PROP "node"
#define PC_DIMM_UNASSIGNED_SLOT UINT32_MAX

typedef struct PCDIMMDevice {
    DeviceState parent_obj;
    HostMemoryBackend *memdev;  /* link; marked mapped while realized */
    uint64_t addr;              /* gpa; 0 until assigned */
    uint32_t slot;              /* PC_DIMM_UNASSIGNED_SLOT: first free */
    uint32_t node;
    bool hotplugged;            /* added after machine creation */
} PCDIMMDevice;

#define PC_DIMM(obj) OBJECT_CHECK(PCDIMMDevice, (obj), TYPE_PC_DIMM)

static PCDIMMDevice *pc_dimm_from_md(const MemoryDeviceState *md)
{
    return PC_DIMM(OBJECT(md));
}

/* Slots used by the other realized DIMMs, as a bitmap of ram_slots. */
static bool pc_dimm_slot_is_busy(PCDIMMDevice *self, uint32_t slot)
{
    g_autoptr(GPtrArray) devices = memory_devices_list();

    for (guint i = 0; i < devices->len; i++) {
        Object *obj = g_ptr_array_index(devices, i);

        if (obj != OBJECT(self) && object_dynamic_cast(obj, TYPE_PC_DIMM) &&
            PC_DIMM(obj)->slot == slot) {
            return true;
        }
    }
    return false;
}

/* The reference's checks and messages (its typo "where" included). */
static bool pc_dimm_assign_slot(PCDIMMDevice *dimm, Error **errp)
{
    uint32_t max = current_machine ? current_machine->ram_slots : 0;

    if (!max) {
        error_setg(errp, "no slots where allocated, please specify the 'slots' option");
        return false;
    }
    if (dimm->slot != PC_DIMM_UNASSIGNED_SLOT) {
        if (dimm->slot >= max) {
            error_setg(errp, "invalid slot number %u, valid range is [0-%u]",
                       dimm->slot, max - 1);
            return false;
        }
        if (pc_dimm_slot_is_busy(dimm, dimm->slot)) {
            error_setg(errp, "slot %u is busy", dimm->slot);
            return false;
        }
        return true;
    }
    for (uint32_t slot = 0; slot < max; slot++) {
        if (!pc_dimm_slot_is_busy(dimm, slot)) {
            dimm->slot = slot;
            return true;
        }
    }
    error_setg(errp, "no free slots available");
    return false;
}

/* ---- migration: the destination's DIMM must be the source's ---- */

static void pc_dimm_mig_save(MigFields *f, void *opaque)
{
    PCDIMMDevice *dimm = opaque;
    g_autofree char *memdev = object_get_canonical_path(OBJECT(dimm->memdev));

    mig_put_u64(f, PC_DIMM_ADDR_PROP, dimm->addr);
    mig_put_str(f, PC_DIMM_MEMDEV_PROP, memdev);
    mig_put_u64(f, PC_DIMM_SLOT_PROP, dimm->slot);
    mig_put_u64(f, PC_DIMM_NODE_PROP, dimm->node);
}

static bool pc_dimm_mig_load(MigFields *f, void *opaque, uint32_t version,
                             Error **errp)
{
    PCDIMMDevice *dimm = opaque;
    g_autofree char *memdev = object_get_canonical_path(OBJECT(dimm->memdev));

    return mig_check_u64(f, PC_DIMM_ADDR_PROP, dimm->addr, errp) &&
           mig_check_str(f, PC_DIMM_MEMDEV_PROP, memdev, errp) &&
           mig_check_u64(f, PC_DIMM_SLOT_PROP, dimm->slot, errp) &&
           mig_check_u64(f, PC_DIMM_NODE_PROP, dimm->node, errp);
}

/* Early: a different DIMM fails before its RAM is sent. */
static const MigStateOps pc_dimm_mig_ops = {
    .phase = MIG_PHASE_EARLY,
    .version = 1,
    .save = pc_dimm_mig_save,
    .load = pc_dimm_mig_load,
};

static bool pc_dimm_realize(DeviceState *dev, Error **errp)
{
    PCDIMMDevice *dimm = PC_DIMM(dev);
    g_autofree char *name = NULL;

    if (!dimm->memdev) {
        error_setg(errp, "'%s' property is not set", PC_DIMM_MEMDEV_PROP);
        return false;
    }
    name = host_memory_backend_get_name(dimm->memdev);
    if (host_memory_backend_is_mapped(dimm->memdev)) {
        error_setg(errp, "can't use already busy memdev: %s", name);
        return false;
    }
    if (dimm->node >= numa_nb_nodes()) {
        error_setg(errp, "'DIMM property %s' has value %u which exceeds the number of numa nodes: %u", PC_DIMM_NODE_PROP, dimm->node,
                   numa_nb_nodes());
        return false;
    }
    if (!pc_dimm_assign_slot(dimm, errp)) {
        return false;
    }
    if (!migration_register_state("pc-dimm", OBJECT(dimm), &pc_dimm_mig_ops,
                                  dimm, errp)) {
        return false;
    }
    dimm->hotplugged = qdev_hotplug_allowed();
    host_memory_backend_set_mapped(dimm->memdev, true);
    return true;
}

static void pc_dimm_unrealize(DeviceState *dev)
{
    migration_unregister_state(dev);
    host_memory_backend_set_mapped(PC_DIMM(dev)->memdev, false);
}

static bool pc_dimm_check_memdev(Object *obj, const char *name,
                                 Object *target, Error **errp)
{
    return qdev_prop_check_unrealized(DEVICE(obj), name, errp);
}

static void pc_dimm_instance_init(Object *obj)
{
    PCDIMMDevice *dimm = PC_DIMM(obj);

    dimm->slot = PC_DIMM_UNASSIGNED_SLOT;
    object_property_add_link(obj, PC_DIMM_MEMDEV_PROP, TYPE_MEMORY_BACKEND,
                             (Object **)&dimm->memdev, pc_dimm_check_memdev);
    qdev_prop_add_uint64(DEVICE(obj), PC_DIMM_ADDR_PROP, "uint64",
                         &dimm->addr);
    qdev_prop_add_uint32(DEVICE(obj), PC_DIMM_SLOT_PROP, &dimm->slot);
    qdev_prop_add_uint32(DEVICE(obj), PC_DIMM_NODE_PROP, &dimm->node);
}

/* ---- memory-device interface ---- */

static uint64_t pc_dimm_get_addr(const MemoryDeviceState *md)
{
    return pc_dimm_from_md(md)->addr;
}

static bool pc_dimm_set_addr(MemoryDeviceState *md, uint64_t addr,
                             Error **errp)
{
    return object_property_set_uint(OBJECT(md), PC_DIMM_ADDR_PROP, addr,
                                    errp);
}

static MemoryRegion *pc_dimm_get_memory_region(MemoryDeviceState *md,
                                               Error **errp)
{
    PCDIMMDevice *dimm = pc_dimm_from_md(md);

    if (!dimm->memdev) {
        error_setg(errp, "'%s' property is not set", PC_DIMM_MEMDEV_PROP);
        return NULL;
    }
    return host_memory_backend_get_memory(dimm->memdev);
}

static uint64_t pc_dimm_get_plugged_size(const MemoryDeviceState *md)
{
    return memory_region_size(host_memory_backend_get_memory(
        pc_dimm_from_md(md)->memdev));
}

static json_t *pc_dimm_get_device_info(const MemoryDeviceState *md)
{
    PCDIMMDevice *dimm = pc_dimm_from_md(md);
    g_autofree char *memdev = object_get_canonical_path(OBJECT(dimm->memdev));
    json_t *data = json_pack("{s:I,s:I,s:i,s:i,s:s,s:b,s:b}",
                             "addr", (json_int_t)dimm->addr,
                             "size", (json_int_t)pc_dimm_get_plugged_size(md),
                             "slot", (int)dimm->slot, "node", (int)dimm->node,
                             "memdev", memdev ? memdev : "",
                             "hotplugged", dimm->hotplugged,
                             "hotpluggable", true);

    if (DEVICE(dimm)->id) {
        json_object_set_new(data, "id", json_string(DEVICE(dimm)->id));
    }
    return json_pack("{s:s,s:o}", "type", "dimm", "data", data);
}

static void pc_dimm_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    MemoryDeviceClass *mdc = OBJECT_CLASS_CHECK(MemoryDeviceClass, klass,
                                                TYPE_MEMORY_DEVICE);

    dc->desc = "DIMM memory module";
    dc->category = "Misc devices";
    dc->user_creatable = true;
    dc->hotpluggable = true;
    dc->realize = pc_dimm_realize;
    dc->unrealize = pc_dimm_unrealize;
    mdc->get_addr = pc_dimm_get_addr;
    mdc->set_addr = pc_dimm_set_addr;
    mdc->get_plugged_size = pc_dimm_get_plugged_size;
    mdc->get_memory_region = pc_dimm_get_memory_region;
    mdc->get_device_info = pc_dimm_get_device_info;
}

static const TypeInfo pc_dimm_info = {
    .name = TYPE_PC_DIMM,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(PCDIMMDevice),
    .instance_init = pc_dimm_instance_init,
    .class_init = pc_dimm_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_MEMORY_DEVICE },
        { }
    },
};

static void pc_dimm_register_types(void)
{
    type_register_static(&pc_dimm_info);
}
type_init(pc_dimm_register_types)
