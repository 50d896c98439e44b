/*
 * The q35 machine "pc-q35-7.2" (alias "q35", the default): computes the
 * guest-physical memory map the way QEMU 7.2 does for an Intel CPU model
 * (pc_q35_compute_memory_map, pure), then applies it: "pc.ram" with its
 * "ram-below-4g"/"ram-above-4g" aliases, the "device-memory" container,
 * a minimal q35-pcihost at /machine/q35 holding the PCI-hole properties,
 * and the IOAPIC (hw/i386/ioapic.c).  docs/system/q35-memory-map.md.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/i386/pc.h"
#include "hw/core/qdev.h"
#include "hw/i386/trace.h"
#include <cpuid.h>

typedef struct PcQ35MachineState {
    MachineState parent_obj;
    PcMemoryMap map;
    MemoryRegion ram;           /* "pc.ram": all initial RAM */
    MemoryRegion ram_below_4g;  /* alias of pc.ram at 0 */
    MemoryRegion ram_above_4g;  /* alias of pc.ram at 4 GiB */
} PcQ35MachineState;

/* The host bridge stand-in: only the memory-map properties for now. */
typedef struct Q35HostState {
    DeviceState parent_obj;
    PcMemoryMap map;            /* copy of the machine's map */
    uint64_t mcfg_base;
    uint64_t mcfg_size;
} Q35HostState;

#define PC_Q35_MACHINE(obj) \
    OBJECT_CHECK(PcQ35MachineState, (obj), TYPE_PC_Q35_MACHINE)
#define Q35_HOST(obj) OBJECT_CHECK(Q35HostState, (obj), TYPE_Q35_HOST_DEVICE)

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

    if (!memory_region_init_ram_flags_nomigrate(&pcms->ram, OBJECT(pcms),
                                                "pc.ram", ms->ram_size, 0,
                                                errp)) {
        error_prepend(errp, "cannot set up guest memory 'pc.ram': ");
        return false;
    }
    ms->ram = &pcms->ram;
    memory_region_init_alias(&pcms->ram_below_4g, OBJECT(pcms),
                             "ram-below-4g", &pcms->ram, 0,
                             map->below_4g_mem_size);
    memory_region_add_subregion(get_system_memory(), 0, &pcms->ram_below_4g);
    if (map->above_4g_mem_size) {
        memory_region_init_alias(&pcms->ram_above_4g, OBJECT(pcms),
                                 "ram-above-4g", &pcms->ram,
                                 map->below_4g_mem_size,
                                 map->above_4g_mem_size);
        memory_region_add_subregion(get_system_memory(), PC_ABOVE_4G_START,
                                    &pcms->ram_above_4g);
    }
    return true;
}

static json_t *q35_host_get_field(Object *obj, const char *name,
                                  void *opaque, Error **errp)
{
    return json_integer((json_int_t)*(const uint64_t *)opaque);
}

static json_t *q35_host_get_field32(Object *obj, const char *name,
                                    void *opaque, Error **errp)
{
    return json_integer((json_int_t)*(const uint32_t *)opaque);
}

static void q35_host_add_props(Q35HostState *s)
{
    Object *obj = OBJECT(s);

    object_property_add(obj, PCI_HOST_PROP_PCI_HOLE64_SIZE, "size",
                        q35_host_get_field, NULL, NULL,
                        &s->map.pci_hole64_size);
    object_property_add(obj, PCI_HOST_BELOW_4G_MEM_SIZE, "size",
                        q35_host_get_field, NULL, NULL,
                        &s->map.below_4g_mem_size);
    object_property_add(obj, PCI_HOST_ABOVE_4G_MEM_SIZE, "size",
                        q35_host_get_field, NULL, NULL,
                        &s->map.above_4g_mem_size);
    object_property_add(obj, "MCFG", "uint64", q35_host_get_field, NULL,
                        NULL, &s->mcfg_base);
    object_property_add(obj, "mcfg_size", "uint64", q35_host_get_field,
                        NULL, NULL, &s->mcfg_size);
    object_property_add(obj, PCI_HOST_PROP_PCI_HOLE_START, "uint32",
                        q35_host_get_field32, NULL, NULL,
                        &s->map.pci_hole_start);
    object_property_add(obj, PCI_HOST_PROP_PCI_HOLE_END, "uint32",
                        q35_host_get_field32, NULL, NULL,
                        &s->map.pci_hole_end);
    object_property_add(obj, PCI_HOST_PROP_PCI_HOLE64_START, "uint64",
                        q35_host_get_field, NULL, NULL,
                        &s->map.pci_hole64_start);
    object_property_add(obj, PCI_HOST_PROP_PCI_HOLE64_END, "uint64",
                        q35_host_get_field, NULL, NULL,
                        &s->map.pci_hole64_end);
}

static void q35_host_instance_init(Object *obj)
{
    Q35HostState *s = Q35_HOST(obj);

    s->mcfg_base = PC_Q35_MCFG_BASE;
    s->mcfg_size = PC_Q35_MCFG_SIZE;
    q35_host_add_props(s);
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

static bool pc_q35_init(MachineState *ms, Error **errp)
{
    PcQ35MachineState *pcms = PC_Q35_MACHINE(ms);
    Object *host;

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
    host = object_new(TYPE_Q35_HOST_DEVICE);
    Q35_HOST(host)->map = pcms->map;
    object_property_add_child(OBJECT(ms), "q35", host);
    object_unref(host);
    return pc_q35_add_device(ms, "ioapic", "ioapic", errp) != NULL;
}

static void pc_q35_machine_class_init(ObjectClass *klass, void *data)
{
    MachineClass *mc = MACHINE_CLASS(klass);

    mc->name = "pc-q35-7.2";
    mc->alias = "q35";
    mc->desc = "Standard PC (Q35 + ICH9, 2009)";
    mc->is_default = true;
    mc->default_ram_size = 128 * MiB;
    mc->max_ram_slots = PC_MAX_RAM_SLOTS;
    mc->init = pc_q35_init;
}

static const TypeInfo pc_q35_machine_info = {
    .name = TYPE_PC_Q35_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(PcQ35MachineState),
    .class_init = pc_q35_machine_class_init,
};

static const TypeInfo q35_host_info = {
    .name = TYPE_Q35_HOST_DEVICE,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(Q35HostState),
    .instance_init = q35_host_instance_init,
};

static void pc_q35_register_types(void)
{
    type_register_static(&pc_q35_machine_info);
    type_register_static(&q35_host_info);
}
type_init(pc_q35_register_types)
