/*
 * Host bridge configuration access: mechanism #1 (0xcf8 index, 0xcfc data)
 * and the ECAM window, both decoded to (bus, devfn, register) and handed
 * to the device's config hooks (hw/pci/pci.c).  The abstract
 * "pci-host-bridge" type; the q35 host (hw/pci/q35-host.c) derives from
 * it and decides where the windows sit.
 */
#include "qemu/osdep.h"
#include "migration/register.h"
#include "qemu/units.h"
#include "hw/pci/pci_host.h"
#include "hw/pci/trace.h"

#define PCI_HOST_MMCFG_MAX_SIZE (256 * MiB)

static uint32_t pci_host_all_ones(unsigned len)
{
    return len >= 4 ? UINT32_MAX : (1u << (8 * len)) - 1;
}

static PCIDevice *pci_host_find_device(PCIBus *root, unsigned bus_num,
                                       unsigned devfn)
{
    PCIBus *bus = pci_find_bus_nr(root, bus_num);

    return bus ? pci_bus_get_device(bus, devfn) : NULL;
}

/* One config cycle; reg + len stays inside the dword (callers align). */
static uint32_t pci_host_config_read(PCIBus *root, unsigned bus_num,
                                     unsigned devfn, uint32_t reg,
                                     unsigned len)
{
    PCIDevice *dev = pci_host_find_device(root, bus_num, devfn);

    if (!dev || reg + len > PCI_CONFIG_SPACE_SIZE) {
        return pci_host_all_ones(len);
    }
    return pci_config_read(dev, reg, len);
}

static void pci_host_config_write(PCIBus *root, unsigned bus_num,
                                  unsigned devfn, uint32_t reg, uint32_t val,
                                  unsigned len)
{
    PCIDevice *dev = pci_host_find_device(root, bus_num, devfn);

    if (!dev || reg + len > PCI_CONFIG_SPACE_SIZE) {
        return;
    }
    pci_config_write(dev, reg, val & pci_host_all_ones(len), len);
}

uint32_t pci_data_read(PCIBus *root, uint32_t addr, unsigned len)
{
    return pci_host_config_read(root, (addr >> 16) & 0xff, (addr >> 8) & 0xff,
                                addr & 0xff, len);
}

void pci_data_write(PCIBus *root, uint32_t addr, uint32_t val, unsigned len)
{
    pci_host_config_write(root, (addr >> 16) & 0xff, (addr >> 8) & 0xff,
                          addr & 0xff, val, len);
}

/* ---- mechanism #1 ---- */

static uint64_t pci_host_conf_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIHostState *s = opaque;

    return (s->config_reg >> (8 * addr)) & pci_host_all_ones(size);
}

/* Only dword writes reach the index: byte access to 0xcf9 is the reset
 * control register of the chipset, not ours. */
static void pci_host_conf_write(void *opaque, hwaddr addr, uint64_t val,
                                unsigned size)
{
    PCIHostState *s = opaque;

    if (addr == 0 && size == 4) {
        s->config_reg = val;
    }
}

static const MemoryRegionOps pci_host_conf_ops = {
    .read = pci_host_conf_read,
    .write = pci_host_conf_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static bool pci_host_data_enabled(PCIHostState *s)
{
    return s->config_reg & PCI_HOST_CONFIG_ENABLE;
}

static uint64_t pci_host_data_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIHostState *s = opaque;

    if (!pci_host_data_enabled(s) || addr + size > 4) {
        return pci_host_all_ones(size);
    }
    return pci_data_read(s->bus, (s->config_reg & ~3u) | addr, size);
}

static void pci_host_data_write(void *opaque, hwaddr addr, uint64_t val,
                                unsigned size)
{
    PCIHostState *s = opaque;

    if (!pci_host_data_enabled(s) || addr + size > 4) {
        return;
    }
    pci_data_write(s->bus, (s->config_reg & ~3u) | addr, val, size);
}

static const MemoryRegionOps pci_host_data_ops = {
    .read = pci_host_data_read,
    .write = pci_host_data_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

void pci_host_map_conf_ports(PCIHostState *s, MemoryRegion *io)
{
    memory_region_init_io(&s->conf_mem, OBJECT(s), &pci_host_conf_ops, s,
                          "pci-conf-idx", 4);
    memory_region_init_io(&s->data_mem, OBJECT(s), &pci_host_data_ops, s,
                          "pci-conf-data", 4);
    memory_region_add_subregion(io, PCI_HOST_CONFIG_ADDR_PORT, &s->conf_mem);
    memory_region_add_subregion(io, PCI_HOST_CONFIG_DATA_PORT, &s->data_mem);
}

/* ---- ECAM ---- */

static uint64_t pci_host_mmcfg_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIHostState *s = opaque;
    uint32_t reg = addr & 0xfff;

    if ((reg & 3) + size > 4) {
        return pci_host_all_ones(size);
    }
    return pci_host_config_read(s->bus, addr >> 20, (addr >> 12) & 0xff, reg,
                                size);
}

static void pci_host_mmcfg_write(void *opaque, hwaddr addr, uint64_t val,
                                 unsigned size)
{
    PCIHostState *s = opaque;
    uint32_t reg = addr & 0xfff;

    if ((reg & 3) + size > 4) {
        return;
    }
    pci_host_config_write(s->bus, addr >> 20, (addr >> 12) & 0xff, reg, val,
                          size);
}

static const MemoryRegionOps pci_host_mmcfg_ops = {
    .read = pci_host_mmcfg_read,
    .write = pci_host_mmcfg_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

void pci_host_mmcfg_update(PCIHostState *s, MemoryRegion *container,
                           bool enable, uint64_t base, uint64_t size)
{
    assert(size <= PCI_HOST_MMCFG_MAX_SIZE);
    trace_pci_host_mmcfg_update(enable, base, size);
    memory_region_transaction_begin();
    if (s->mmcfg_container) {
        memory_region_del_subregion(s->mmcfg_container, &s->mmcfg);
        s->mmcfg_container = NULL;
    }
    s->mmcfg_base = PCI_BAR_UNMAPPED;
    s->mmcfg_size = 0;
    if (enable) {
        memory_region_set_size(&s->mmcfg, size);
        memory_region_add_subregion(container, base, &s->mmcfg);
        s->mmcfg_container = container;
        s->mmcfg_base = base;
        s->mmcfg_size = size;
    }
    memory_region_transaction_commit();
}

/* ---- migration: the address latched at 0xcf8 ---- */

static void pci_host_mig_save(MigFields *f, void *opaque)
{
    mig_put_u32(f, "config-address", PCI_HOST_BRIDGE(opaque)->config_reg);
}

static bool pci_host_mig_load(MigFields *f, void *opaque, uint32_t version,
                              Error **errp)
{
    /* Any value: the guest may latch any dword. */
    return mig_get_u32(f, "config-address",
                       &PCI_HOST_BRIDGE(opaque)->config_reg, errp);
}

static const MigStateOps pci_host_mig_ops = {
    .phase = MIG_PHASE_DEVICE,
    .version = 1,
    .save = pci_host_mig_save,
    .load = pci_host_mig_load,
};

bool pci_host_migration_register(PCIHostState *phb, Error **errp)
{
    return migration_register_state("pci-host", OBJECT(phb),
                                    &pci_host_mig_ops, phb, errp);
}

static void pci_host_instance_init(Object *obj)
{
    PCIHostState *s = PCI_HOST_BRIDGE(obj);

    s->mmcfg_base = PCI_BAR_UNMAPPED;
    memory_region_init_io(&s->mmcfg, obj, &pci_host_mmcfg_ops, s,
                          "pcie-mmcfg-mmio", PCI_HOST_MMCFG_MAX_SIZE);
}

static const TypeInfo pci_host_type_info = {
    .name = TYPE_PCI_HOST_BRIDGE,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(PCIHostState),
    .abstract = true,
    .instance_init = pci_host_instance_init,
};

static void pci_host_register_types(void)
{
    type_register_static(&pci_host_type_info);
}
type_init(pci_host_register_types)
