/*
 * "pci-bridge": a PCI-to-PCI bridge (type 1 header, 1b36:0001 as QEMU's)
 * with a secondary bus named after the bridge's id.  It forwards the
 * memory, prefetchable and I/O windows the guest programs from its parent
 * bus to the secondary bus (aliases, enabled by the command register) and
 * swizzles INTx.  Config cycles reach the secondary bus by bus number
 * (pci_find_bus_nr in hw/pci/pci.c).  No SHPC, no MSI, no hotplug.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/pci/pci.h"
#include "hw/pci/trace.h"

#define PCI_BRIDGE_CHASSIS_NR_PROP "chassis_nr"
#define PCI_BRIDGE_IO_SIZE (64 * KiB)
#define PCI_BRIDGE_WINDOW_TYPE_64 0x01  /* low nibble of pref base/limit */
#define PCI_BRIDGE_IO_TYPE_32 0x01      /* low nibble of I/O base/limit */
#define PCI_BRIDGE_CONTROL_WMASK 0x00ff

typedef struct PCIBridge {
    PCIDevice parent_obj;
    uint8_t chassis_nr;
    PCIBus *sec_bus;
    MemoryRegion sec_mem;       /* "pci_bridge_pci": the secondary memory */
    MemoryRegion sec_io;        /* "pci_bridge_io": the secondary I/O */
    MemoryRegion win_mem;       /* windows: aliases mapped in the parent */
    MemoryRegion win_pref;
    MemoryRegion win_io;
    bool win_mem_mapped;
    bool win_pref_mapped;
    bool win_io_mapped;
} PCIBridge;

#define PCI_BRIDGE(obj) OBJECT_CHECK(PCIBridge, (obj), TYPE_PCI_BRIDGE)

/* ---- windows ---- */

typedef struct PCIBridgeWindow {
    uint64_t base;
    uint64_t limit;             /* inclusive; base > limit: closed */
} PCIBridgeWindow;

/* PCI-to-PCI Bridge 1.2, 3.2.5.6-3.2.5.9: 4 KiB I/O, 1 MiB memory
 * granularity; the prefetchable and I/O windows have upper halves. */
void pci_bridge_get_window(const PCIDevice *bridge, PCIBridgeWindowKind kind,
                           uint64_t *base, uint64_t *limit)
{
    const uint8_t *c = bridge->config;

    switch (kind) {
    case PCI_BRIDGE_WINDOW_IO:
        *base = (uint64_t)(c[PCI_IO_BASE] & 0xf0) << 8 |
                (uint64_t)pci_get_word(c + PCI_IO_BASE_UPPER16) << 16;
        *limit = (uint64_t)(c[PCI_IO_LIMIT] & 0xf0) << 8 | 0xfff |
                 (uint64_t)pci_get_word(c + PCI_IO_LIMIT_UPPER16) << 16;
        return;
    case PCI_BRIDGE_WINDOW_MEM:
        *base = (uint64_t)(pci_get_word(c + PCI_MEMORY_BASE) & 0xfff0) << 16;
        *limit = (uint64_t)(pci_get_word(c + PCI_MEMORY_LIMIT) & 0xfff0)
                 << 16 | 0xfffff;
        return;
    case PCI_BRIDGE_WINDOW_PREF:
        *base = (uint64_t)(pci_get_word(c + PCI_PREF_MEMORY_BASE) & 0xfff0)
                << 16 |
                (uint64_t)pci_get_long(c + PCI_PREF_BASE_UPPER32) << 32;
        *limit = (uint64_t)(pci_get_word(c + PCI_PREF_MEMORY_LIMIT) & 0xfff0)
                 << 16 | 0xfffff |
                 (uint64_t)pci_get_long(c + PCI_PREF_LIMIT_UPPER32) << 32;
        return;
    }
}

static PCIBridgeWindow pci_bridge_window(PCIBridge *br,
                                         PCIBridgeWindowKind kind)
{
    PCIBridgeWindow w;

    pci_bridge_get_window(&br->parent_obj, kind, &w.base, &w.limit);
    return w;
}

/* Replace the alias *win (named name) by one for w, if open and enabled. */
static void pci_bridge_map_window(PCIBridge *br, MemoryRegion *win,
                                  bool *mapped, const char *name,
                                  MemoryRegion *sec, MemoryRegion *parent,
                                  PCIBridgeWindow w, bool enabled)
{
    if (*mapped) {
        memory_region_del_subregion(parent, win);
        memory_region_finalize(win);
        *mapped = false;
    }
    trace_pci_bridge_window(name, w.base, w.limit, enabled);
    if (!enabled || w.base > w.limit ||
        w.limit >= memory_region_size(sec)) {
        return;
    }
    memory_region_init_alias(win, OBJECT(br), name, sec, w.base,
                             w.limit - w.base + 1);
    memory_region_add_subregion_overlap(parent, w.base, win, 1);
    *mapped = true;
}

static void pci_bridge_update_windows(PCIBridge *br)
{
    PCIDevice *dev = &br->parent_obj;
    PCIBus *parent = pci_get_bus(dev);
    uint16_t cmd = pci_get_word(dev->config + PCI_COMMAND);

    memory_region_transaction_begin();
    pci_bridge_map_window(br, &br->win_mem, &br->win_mem_mapped,
                          "pci_bridge_mem", &br->sec_mem,
                          parent->address_space_mem,
                          pci_bridge_window(br, PCI_BRIDGE_WINDOW_MEM),
                          cmd & PCI_COMMAND_MEMORY);
    pci_bridge_map_window(br, &br->win_pref, &br->win_pref_mapped,
                          "pci_bridge_pref_mem", &br->sec_mem,
                          parent->address_space_mem,
                          pci_bridge_window(br, PCI_BRIDGE_WINDOW_PREF),
                          cmd & PCI_COMMAND_MEMORY);
    pci_bridge_map_window(br, &br->win_io, &br->win_io_mapped,
                          "pci_bridge_io", &br->sec_io,
                          parent->address_space_io,
                          pci_bridge_window(br, PCI_BRIDGE_WINDOW_IO),
                          cmd & PCI_COMMAND_IO);
    memory_region_transaction_commit();
}

static void pci_bridge_write_config(PCIDevice *dev, uint32_t addr,
                                    uint32_t val, unsigned len)
{
    pci_default_write_config(dev, addr, val, len);
    if ((addr < PCI_COMMAND + 2 && addr + len > PCI_COMMAND) ||
        (addr < PCI_IO_LIMIT_UPPER16 + 2 && addr + len > PCI_IO_BASE)) {
        pci_bridge_update_windows(PCI_BRIDGE(dev));
    }
}

/* ---- INTx ---- */

/* PCI-to-PCI Bridge 1.2, 9.1: device d pin p -> bridge pin (d + p) % 4. */
static int pci_bridge_map_irq(PCIDevice *dev, int pin)
{
    return (PCI_SLOT(dev->devfn) + pin) % PCI_NUM_PINS;
}

/* ---- realize / reset ---- */

static void pci_bridge_init_masks(PCIDevice *dev)
{
    uint8_t *w = dev->wmask;

    w[PCI_PRIMARY_BUS] = 0xff;
    w[PCI_SECONDARY_BUS] = 0xff;
    w[PCI_SUBORDINATE_BUS] = 0xff;
    w[PCI_SUBORDINATE_BUS + 1] = 0xff;          /* secondary latency */
    w[PCI_IO_BASE] = 0xf0;
    w[PCI_IO_LIMIT] = 0xf0;
    pci_set_word(w + PCI_MEMORY_BASE, 0xfff0);
    pci_set_word(w + PCI_MEMORY_LIMIT, 0xfff0);
    pci_set_word(w + PCI_PREF_MEMORY_BASE, 0xfff0);
    pci_set_word(w + PCI_PREF_MEMORY_LIMIT, 0xfff0);
    pci_set_long(w + PCI_PREF_BASE_UPPER32, UINT32_MAX);
    pci_set_long(w + PCI_PREF_LIMIT_UPPER32, UINT32_MAX);
    pci_set_word(w + PCI_IO_BASE_UPPER16, 0xffff);
    pci_set_word(w + PCI_IO_LIMIT_UPPER16, 0xffff);
    pci_set_word(w + PCI_BRIDGE_CONTROL, PCI_BRIDGE_CONTROL_WMASK);
}

static void pci_bridge_init_types(PCIDevice *dev)
{
    dev->config[PCI_IO_BASE] = PCI_BRIDGE_IO_TYPE_32;
    dev->config[PCI_IO_LIMIT] = PCI_BRIDGE_IO_TYPE_32;
    pci_set_word(dev->config + PCI_PREF_MEMORY_BASE,
                 PCI_BRIDGE_WINDOW_TYPE_64);
    pci_set_word(dev->config + PCI_PREF_MEMORY_LIMIT,
                 PCI_BRIDGE_WINDOW_TYPE_64);
}

static bool pci_bridge_realize(PCIDevice *dev, Error **errp)
{
    PCIBridge *br = PCI_BRIDGE(dev);
    DeviceState *qdev = DEVICE(dev);

    if (!br->chassis_nr) {
        error_setg(errp, "Bridge chassis not specified. Each bridge is "
                   "required to be assigned a unique chassis id > 0.");
        return false;
    }
    pci_bridge_init_masks(dev);
    pci_bridge_init_types(dev);
    pci_config_set_interrupt_pin(dev->config, 1);
    memory_region_init(&br->sec_mem, OBJECT(dev), "pci_bridge_pci",
                       UINT64_MAX);
    memory_region_init(&br->sec_io, OBJECT(dev), "pci_bridge_io",
                       PCI_BRIDGE_IO_SIZE);
    /* QEMU names the secondary bus after the bridge's id. */
    br->sec_bus = PCI_BUS(qbus_new(TYPE_PCI_BUS, qdev,
                                   qdev->id ? qdev->id : "pci.0"));
    br->sec_bus->parent_dev = dev;
    br->sec_bus->address_space_mem = &br->sec_mem;
    br->sec_bus->address_space_io = &br->sec_io;
    br->sec_bus->map_irq = pci_bridge_map_irq;
    return true;
}

static void pci_bridge_exit(PCIDevice *dev)
{
    PCIBridge *br = PCI_BRIDGE(dev);

    pci_set_word(dev->config + PCI_COMMAND, 0);
    pci_bridge_update_windows(br);
    memory_region_finalize(&br->sec_mem);
    memory_region_finalize(&br->sec_io);
}

static void pci_bridge_reset(PCIDevice *dev)
{
    uint8_t *conf = dev->config;

    conf[PCI_PRIMARY_BUS] = 0;
    conf[PCI_SECONDARY_BUS] = 0;
    conf[PCI_SUBORDINATE_BUS] = 0;
    memset(conf + PCI_IO_BASE, 0, 2);
    memset(conf + PCI_MEMORY_BASE, 0, PCI_IO_LIMIT_UPPER16 + 2 -
                                      PCI_MEMORY_BASE);
    pci_set_word(conf + PCI_BRIDGE_CONTROL, 0);
    pci_bridge_init_types(dev);
    pci_bridge_update_windows(PCI_BRIDGE(dev));
}

static uint64_t pci_bridge_get_chassis_nr(Object *obj, Error **errp)
{
    return PCI_BRIDGE(obj)->chassis_nr;
}

static bool pci_bridge_set_chassis_nr(Object *obj, uint64_t value,
                                      Error **errp)
{
    if (!qdev_prop_check_unrealized(DEVICE(obj), PCI_BRIDGE_CHASSIS_NR_PROP,
                                   errp)) {
        return false;
    }
    PCI_BRIDGE(obj)->chassis_nr = value;
    return true;
}

static void pci_bridge_instance_init(Object *obj)
{
    object_property_add_uint(obj, PCI_BRIDGE_CHASSIS_NR_PROP, "uint8",
                             pci_bridge_get_chassis_nr,
                             pci_bridge_set_chassis_nr);
}

static void pci_bridge_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    dc->desc = "Standard PCI Bridge";
    dc->category = "Controller/Bridge/Hub devices";
    dc->user_creatable = true;
    pc->is_bridge = true;
    pc->realize = pci_bridge_realize;
    pc->exit = pci_bridge_exit;
    pc->reset = pci_bridge_reset;
    pc->config_write = pci_bridge_write_config;
    pc->vendor_id = PCI_VENDOR_ID_REDHAT;
    pc->device_id = PCI_DEVICE_ID_REDHAT_BRIDGE;
    pc->class_id = PCI_CLASS_BRIDGE_PCI;
}

static const TypeInfo pci_bridge_type_info = {
    .name = TYPE_PCI_BRIDGE,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PCIBridge),
    .instance_init = pci_bridge_instance_init,
    .class_init = pci_bridge_class_init,
};

static void pci_bridge_register_types(void)
{
    type_register_static(&pci_bridge_type_info);
}
type_init(pci_bridge_register_types)
