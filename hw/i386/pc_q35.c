/*
 * The q35 machine "pc-q35-7.2" (alias "q35", the default): computes the
 * guest-physical memory map the way QEMU 7.2 does for an Intel CPU model
 * (pc_q35_compute_memory_map, pure), then applies it: "pc.ram" with its
 * "ram-below-4g"/"ram-above-4g" aliases, the "device-memory" container,
 * the q35 PCI host at /machine/q35 (hw/pci/q35-host.c) told the holes,
 * the IOAPIC, and the hotplug handler placing memory devices (hw/i386/ioapic.c).  docs/system/q35-memory-map.md.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/i386/pc.h"
#include "sysemu/numa.h"
#include "hw/core/qdev.h"
#include "hw/i386/trace.h"
#include "hw/pci/pci_host.h"
#include "hw/mem/memory-device.h"
#include "hw/virtio/virtio-mem.h"
#include <cpuid.h>

typedef struct PcQ35MachineState {
    MachineState parent_obj;
    PcMemoryMap map;
    MemoryRegion ram;           /* "pc.ram": all initial RAM */
    MemoryRegion ram_below_4g;  /* alias of pc.ram at 0 */
    MemoryRegion ram_above_4g;  /* alias of pc.ram at 4 GiB */
} PcQ35MachineState;

#define PC_Q35_MACHINE(obj) \
    OBJECT_CHECK(PcQ35MachineState, (obj), TYPE_PC_Q35_MACHINE)

/* ---- the map, decided ---- */

static void pc_q35_split_ram(uint64_t ram_size, PcMemoryMap *map)
{
    /* QEMU: RAM of 2.75 GiB or more is split at 2 GiB, leaving room
     * for the MMCONFIG window at 0xb0000000; smaller RAM stays low. */
    uint64_t lowmem = ram_size >= PC_Q35_LOWMEM_SPLIT_THRESHOLD
                      ? PC_Q35_LOWMEM_SPLIT : PC_Q35_LOWMEM_SPLIT_THRESHOLD;

    map->below_4g_mem_size = MIN(ram_size, lowmem);
    map->above_4g_mem_size = ram_size - map->below_4g_mem_size;
}

static bool pc_q35_place_device_memory(uint64_t ram_size,
                                       uint64_t maxram_size,
                                       uint64_t ram_slots, PcMemoryMap *map,
                                       Error **errp)
{
    uint64_t base = QEMU_ALIGN_UP(PC_ABOVE_4G_START + map->above_4g_mem_size,
                                  GiB);
    uint64_t size;

    if (ram_slots > PC_MAX_RAM_SLOTS) {
        error_setg(errp, "unsupported amount of memory slots: %" PRIu64,
                   ram_slots);
        return false;
    }
    if (!QEMU_IS_ALIGNED(maxram_size, 4096)) {
        error_setg(errp, "maximum memory size must by aligned to multiple of %d bytes",
                   4096);
        return false;
    }
    /* enforce-aligned-dimm: room for each slot's 1 GiB alignment. */
    size = maxram_size - ram_size + PC_DEVICE_MEMORY_SLOT_ALIGN * ram_slots;
    if (base + size < size) {
        error_setg(errp, "unsupported amount of maximum memory: %" PRIx64,
                   maxram_size);
        return false;
    }
    map->has_device_memory = true;
    map->device_memory_base = base;
    map->device_memory_size = size;
    return true;
}

static bool pc_q35_check_phys_bits(const PcMemoryMap *map,
                                   unsigned int phys_bits, Error **errp)
{
    uint64_t limit;

    if (phys_bits <= 32 || phys_bits >= 64) {
        return true;    /* QEMU: a 32-bit guest has no 64-bit hole */
    }
    limit = (UINT64_C(1) << phys_bits) - 1;
    if (limit < map->max_used_gpa) {
        error_setg(errp, "Address space limit 0x%" PRIx64 " < 0x%" PRIx64 " phys-bits too low (%u)",
                   limit, map->max_used_gpa, phys_bits);
        return false;
    }
    return true;
}

bool pc_q35_compute_memory_map(uint64_t ram_size, uint64_t maxram_size,
                               uint64_t ram_slots, unsigned int phys_bits,
                               PcMemoryMap *map, Error **errp)
{
    PcMemoryMap m = { 0 };
    uint64_t hole64_start;

    pc_q35_split_ram(ram_size, &m);
    if (maxram_size > ram_size &&
        !pc_q35_place_device_memory(ram_size, maxram_size, ram_slots, &m,
                                    errp)) {
        return false;
    }
    m.pci_hole_start = (uint32_t)m.below_4g_mem_size;
    m.pci_hole_end = (uint32_t)PC_IOAPIC_BASE;
    hole64_start = m.has_device_memory
                   ? m.device_memory_base + m.device_memory_size
                   : PC_ABOVE_4G_START + m.above_4g_mem_size;
    m.pci_hole64_start = QEMU_ALIGN_UP(hole64_start, GiB);
    m.pci_hole64_size = PC_PCI_HOLE64_SIZE_DEFAULT;
    m.pci_hole64_end = QEMU_ALIGN_UP(m.pci_hole64_start + m.pci_hole64_size,
                                     GiB);
    m.max_used_gpa = m.pci_hole64_start + m.pci_hole64_size - 1;
    if (!pc_q35_check_phys_bits(&m, phys_bits, errp)) {
        return false;
    }
    *map = m;
    return true;
}

unsigned int pc_host_phys_bits(void)
{
    unsigned int eax, ebx, ecx, edx;

    if (__get_cpuid(0x80000000, &eax, &ebx, &ecx, &edx) &&
        eax >= 0x80000008 &&
        __get_cpuid(0x80000008, &eax, &ebx, &ecx, &edx)) {
        return eax & 0xff;
    }
    return 40;
}

const PcMemoryMap *pc_q35_memory_map(MachineState *ms)
{
    return &PC_Q35_MACHINE(ms)->map;
}

/* ---- the map, applied ---- */

static bool pc_q35_init_ram(PcQ35MachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    const PcMemoryMap *map = &pcms->map;

    if (ms->ram_memdev_id && numa_has_nodes()) {
        error_setg(errp, "'-machine memory-backend' and '-numa memdev' properties are mutually exclusive");
        return false;
    }
    if (ms->ram_memdev_id) {
        ms->ram = machine_consume_memdev(ms, errp);
        if (!ms->ram) {
            return false;
        }
    } else if (numa_has_nodes()) {
        /* -numa node,memdev=: the nodes' backends are the RAM */
        ms->ram = numa_init_ram(OBJECT(pcms),
                                MACHINE_GET_CLASS(ms)->default_ram_id,
                                ms->ram_size, errp);
        if (!ms->ram) {
            return false;
        }
    } else {
        if (!memory_region_init_ram_flags_nomigrate(&pcms->ram, OBJECT(pcms),
                                                    "pc.ram", ms->ram_size,
                                                    ms->dump_guest_core ? 0 : RAM_NODUMP,
                                                    errp)) {
            error_prepend(errp, "cannot set up guest memory 'pc.ram': ");
            return false;
        }
        ms->ram = &pcms->ram;
    }
    memory_region_init_alias(&pcms->ram_below_4g, OBJECT(pcms),
                             "ram-below-4g", ms->ram, 0,
                             map->below_4g_mem_size);
    memory_region_add_subregion(get_system_memory(), 0, &pcms->ram_below_4g);
    if (map->above_4g_mem_size) {
        memory_region_init_alias(&pcms->ram_above_4g, OBJECT(pcms),
                                 "ram-above-4g", ms->ram,
                                 map->below_4g_mem_size,
                                 map->above_4g_mem_size);
        memory_region_add_subregion(get_system_memory(), PC_ABOVE_4G_START,
                                    &pcms->ram_above_4g);
    }
    return true;
}

/* Create a fixed device as child name of /machine and realize it. */
static Object *pc_q35_add_device(MachineState *ms, const char *name,
                                 const char *type, Error **errp)
{
    Object *obj = object_new(type);

    object_property_add_child(OBJECT(ms), name, obj);
    object_unref(obj);
    if (!qdev_realize(DEVICE(obj), NULL, errp)) {
        object_unparent(obj);
        return NULL;
    }
    return obj;
}

/* The devices the machine's hotplug handler claims (see below). */
static bool pc_q35_is_memory_device(DeviceState *dev)
{
    return object_dynamic_cast(OBJECT(dev), TYPE_MEMORY_DEVICE) != NULL;
}

static bool pc_q35_init(MachineState *ms, Error **errp)
{
    PcQ35MachineState *pcms = PC_Q35_MACHINE(ms);
    DeviceState *host;
    Object *ioapic;

    if (!pc_q35_compute_memory_map(ms->ram_size, ms->maxram_size,
                                   ms->ram_slots, ms->phys_bits, &pcms->map,
                                   errp)) {
        return false;
    }
    trace_pc_q35_memory_map(pcms->map.below_4g_mem_size,
                            pcms->map.above_4g_mem_size,
                            pcms->map.device_memory_base,
                            pcms->map.device_memory_size,
                            pcms->map.pci_hole64_start);
    if (!pc_q35_init_ram(pcms, errp)) {
        return false;
    }
    /* QEMU's pc machines always have the area, empty without maxmem. */
    machine_init_device_memory(ms, pcms->map.device_memory_base,
                               pcms->map.device_memory_size);
    ioapic = pc_q35_add_device(ms, "ioapic", "ioapic", errp);
    if (!ioapic || !q35_host_create(get_system_memory(), get_system_io(),
                                    NULL, errp)) {
        return false;
    }
    host = q35_host_get();
    q35_host_set_memory_sizes(host, pcms->map.below_4g_mem_size,
                              pcms->map.above_4g_mem_size);
    q35_host_set_pci_hole(host, pcms->map.pci_hole_start,
                          pcms->map.pci_hole_end);
    q35_host_set_pci_hole64_start(host, pcms->map.pci_hole64_start);
    q35_host_connect_ioapic(host, DEVICE(ioapic));
    qdev_set_machine_hotplug_handler(OBJECT(ms), pc_q35_is_memory_device);
    return true;
}

/*
 * ---- hotplug handler: memory devices go to the device-memory area ----
 * The machine claims memory devices wherever they sit (qdev.h), places
 * them, and chains to the handler of their bus: a pcie-root-port's slot
 * for virtio-mem-pci (presence detect, attention button, power).
 */

static bool pc_q35_pre_plug(Object *handler, DeviceState *dev, Error **errp)
{
    Object *bus_handler = qdev_get_bus_hotplug_handler(dev);

    if (!pc_q35_is_memory_device(dev)) {
        return true;
    }
    /* The slot's checks first: nothing is placed for a refused device. */
    if (bus_handler && !hotplug_handler_pre_plug(bus_handler, dev, errp)) {
        return false;
    }
    return memory_device_pre_plug(dev, MACHINE(handler), errp);
}

/* Memory first, then the slot: the guest learns of a device whose memory
 * is already mapped. */
static void pc_q35_plug(Object *handler, DeviceState *dev)
{
    Object *bus_handler = qdev_get_bus_hotplug_handler(dev);

    if (!pc_q35_is_memory_device(dev)) {
        return;
    }
    memory_device_plug(dev, MACHINE(handler));
    if (bus_handler) {
        hotplug_handler_plug(bus_handler, dev);
    }
}

/*
 * device_del of a memory device.  virtio-mem-pci: virtio-mem's own rules
 * (VIRTIO-MEM-FACTS.md), then the slot asks the guest.  pc-dimm has no
 * bus and no guest handshake here (no ACPI): it goes at once.
 */
static bool pc_q35_unplug_request(Object *handler, DeviceState *dev,
                                  Error **errp)
{
    Object *bus_handler = qdev_get_bus_hotplug_handler(dev);

    if (!object_dynamic_cast(OBJECT(dev), "virtio-mem-pci")) {
        qdev_unplug_complete(dev);
        return true;
    }
    if (!virtio_mem_pci_unplug_request_check(dev, errp)) {
        return false;
    }
    if (!bus_handler) {
        /* Unreachable on q35 (qdev refuses buses without a handler). */
        error_setg(errp, "hotplug of virtio based memory devices not supported on this bus.");
        return false;
    }
    return hotplug_handler_unplug_request(bus_handler, dev, errp);
}

/* The slot let the device go: its memory leaves the area, then the slot. */
static void pc_q35_unplug(Object *handler, DeviceState *dev)
{
    Object *bus_handler = qdev_get_bus_hotplug_handler(dev);

    if (pc_q35_is_memory_device(dev)) {
        memory_device_unplug(dev, MACHINE(handler));
    }
    if (bus_handler) {
        hotplug_handler_unplug(bus_handler, dev);
    }
}

static void pc_q35_machine_class_init(ObjectClass *klass, void *data)
{
    MachineClass *mc = MACHINE_CLASS(klass);
    HotplugHandlerClass *hc = OBJECT_CLASS_CHECK(HotplugHandlerClass, klass,
                                                 TYPE_HOTPLUG_HANDLER);

    mc->name = "pc-q35-7.2";
    mc->alias = "q35";
    mc->desc = "Standard PC (Q35 + ICH9, 2009)";
    mc->is_default = true;
    mc->max_cpus = 288;
    mc->default_ram_id = "pc.ram";
    mc->default_ram_size = 128 * MiB;
    mc->max_ram_slots = PC_MAX_RAM_SLOTS;
    mc->init = pc_q35_init;
    hc->pre_plug = pc_q35_pre_plug;
    hc->plug = pc_q35_plug;
    hc->unplug_request = pc_q35_unplug_request;
    hc->unplug = pc_q35_unplug;
}

static const TypeInfo pc_q35_machine_info = {
    .name = TYPE_PC_Q35_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(PcQ35MachineState),
    .class_init = pc_q35_machine_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_HOTPLUG_HANDLER },
        { }
    },
};

static void pc_q35_register_types(void)
{
    type_register_static(&pc_q35_machine_info);
}
type_init(pc_q35_register_types)
