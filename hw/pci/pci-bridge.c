/*
 * PCI-to-PCI bridges: the abstract "base-pci-bridge" (type 1 header,
 * secondary bus, windows, INTx swizzle; include/hw/pci/pci_bridge.h) and
 * "pci-bridge" (1b36:0001 as QEMU's, secondary bus named after the id).
 * The windows the guest programs are aliases of the secondary memory and
 * I/O containers mapped into the parent bus while the command register
 * enables them.  Config cycles reach the secondary bus by bus number
 * (pci_find_bus_nr in hw/pci/pci.c).  pci-bridge has no SHPC and no MSI:
 * devices behind it cannot be hot-plugged; hw/pci/pcie-root-port.c is the
 * other kind of bridge.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/pci/pci_bridge.h"
#include "hw/pci/trace.h"

#define PCI_BRIDGE_CHASSIS_NR_PROP "chassis_nr"
#define PCI_BRIDGE_IO_SIZE (64 * KiB)
#define PCI_BRIDGE_WINDOW_TYPE_64 0x01  /* low nibble of pref base/limit */
/* What QEMU lets the guest write in bridge control (PCIe ports clear more). */
#define PCI_BRIDGE_CONTROL_WMASK \
    (PCI_BRIDGE_CTL_PARITY | PCI_BRIDGE_CTL_SERR | PCI_BRIDGE_CTL_ISA | \
     PCI_BRIDGE_CTL_VGA | PCI_BRIDGE_CTL_VGA_16BIT | \
     PCI_BRIDGE_CTL_MASTER_ABORT | PCI_BRIDGE_CTL_BUS_RESET | \
     PCI_BRIDGE_CTL_FAST_BACK | PCI_BRIDGE_CTL_DISCARD | \
     PCI_BRIDGE_CTL_SEC_DISCARD | PCI_BRIDGE_CTL_DISCARD_SERR)

/* "pci-bridge": the base plus a chassis number. */
typedef struct PCIBridgeDev {
    PCIBridge parent_obj;
    uint8_t chassis_nr;
} PCIBridgeDev;

#define PCI_BRIDGE_DEV(obj) OBJECT_CHECK(PCIBridgeDev, (obj), TYPE_PCI_BRIDGE)

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

void pci_bridge_post_load(PCIDevice *dev)
{
    pci_bridge_update_windows(PCI_BRIDGE_BASE(dev));
}

/* PCI-to-PCI Bridge 1.2, 3.2.5.18: a 0 -> 1 write of the secondary bus
 * reset bit resets every device behind the bridge. */
static void pci_bridge_reset_secondary(PCIBridge *br)
{
    BusState *bus = BUS(br->sec_bus);
    guint i;

    for (i = 0; i < bus->children->len; i++) {
        device_cold_reset(g_ptr_array_index(bus->children, i));
    }
}

void pci_bridge_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                             unsigned len)
{
    PCIBridge *br = PCI_BRIDGE_BASE(dev);
    uint16_t old_ctl = pci_get_word(dev->config + PCI_BRIDGE_CONTROL);
    uint16_t new_ctl;

    pci_default_write_config(dev, addr, val, len);
    if ((addr < PCI_COMMAND + 2 && addr + len > PCI_COMMAND) ||
        (addr < PCI_IO_LIMIT_UPPER16 + 2 && addr + len > PCI_IO_BASE)) {
        pci_bridge_update_windows(br);
    }
    new_ctl = pci_get_word(dev->config + PCI_BRIDGE_CONTROL);
    if (~old_ctl & new_ctl & PCI_BRIDGE_CTL_BUS_RESET) {
        pci_bridge_reset_secondary(br);
    }
}

/* ---- INTx ---- */

/* PCI-to-PCI Bridge 1.2, 9.1: device d pin p -> bridge pin (d + p) % 4. */
static int pci_bridge_map_irq(PCIDevice *dev, int pin)
{
    return (PCI_SLOT(dev->devfn) + pin) % PCI_NUM_PINS;
}

/* ---- the base: realize helpers, exit, reset ---- */

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
    /* 16-bit I/O decoding as QEMU's bridges: the upper halves stay 0. */
    pci_set_word(w + PCI_IO_BASE_UPPER16, 0);
    pci_set_word(w + PCI_IO_LIMIT_UPPER16, 0);
    pci_set_word(w + PCI_BRIDGE_CONTROL, PCI_BRIDGE_CONTROL_WMASK);
    pci_set_word(dev->w1cmask + PCI_BRIDGE_CONTROL,
                 PCI_BRIDGE_CTL_DISCARD_STATUS);
}

static void pci_bridge_init_types(PCIDevice *dev)
{
    pci_set_word(dev->config + PCI_PREF_MEMORY_BASE,
                 PCI_BRIDGE_WINDOW_TYPE_64);
    pci_set_word(dev->config + PCI_PREF_MEMORY_LIMIT,
                 PCI_BRIDGE_WINDOW_TYPE_64);
}

void pci_bridge_init_secondary(PCIBridge *br, const char *bus_type,
                               const char *bus_name)
{
    PCIDevice *dev = &br->parent_obj;
    uint16_t fast = PCI_STATUS_66MHZ | PCI_STATUS_FAST_BACK;

    pci_bridge_init_masks(dev);
    pci_bridge_init_types(dev);
    pci_set_word(dev->config + PCI_STATUS,
                 pci_get_word(dev->config + PCI_STATUS) | fast);
    pci_set_word(dev->config + PCI_SEC_STATUS, fast);
    pci_config_set_interrupt_pin(dev->config, 1);
    memory_region_init(&br->sec_mem, OBJECT(dev), "pci_bridge_pci",
                       UINT64_MAX);
    memory_region_init(&br->sec_io, OBJECT(dev), "pci_bridge_io",
                       PCI_BRIDGE_IO_SIZE);
    br->sec_bus = PCI_BUS(qbus_new(bus_type, DEVICE(dev), bus_name));
    br->sec_bus->parent_dev = dev;
    br->sec_bus->address_space_mem = &br->sec_mem;
    br->sec_bus->address_space_io = &br->sec_io;
    br->sec_bus->map_irq = pci_bridge_map_irq;
}

PCIBus *pci_bridge_get_sec_bus(PCIBridge *br)
{
    return br->sec_bus;
}

void pci_bridge_exit(PCIDevice *dev)
{
    PCIBridge *br = PCI_BRIDGE_BASE(dev);

    pci_set_word(dev->config + PCI_COMMAND, 0);
    pci_bridge_update_windows(br);
    memory_region_finalize(&br->sec_mem);
    memory_region_finalize(&br->sec_io);
}

void pci_bridge_reset(PCIDevice *dev)
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
    pci_bridge_update_windows(PCI_BRIDGE_BASE(dev));
}

void pci_bridge_disable_base_limit(PCIDevice *dev)
{
    uint8_t *conf = dev->config;

    conf[PCI_IO_BASE] |= 0xf0;
    conf[PCI_IO_LIMIT] &= ~0xf0;
    pci_set_word(conf + PCI_MEMORY_BASE,
                 pci_get_word(conf + PCI_MEMORY_BASE) | 0xfff0);
    pci_set_word(conf + PCI_MEMORY_LIMIT,
                 pci_get_word(conf + PCI_MEMORY_LIMIT) & ~0xfff0);
    pci_set_word(conf + PCI_PREF_MEMORY_BASE,
                 pci_get_word(conf + PCI_PREF_MEMORY_BASE) | 0xfff0);
    pci_set_word(conf + PCI_PREF_MEMORY_LIMIT,
                 pci_get_word(conf + PCI_PREF_MEMORY_LIMIT) & ~0xfff0);
    pci_set_long(conf + PCI_PREF_BASE_UPPER32, 0);
    pci_set_long(conf + PCI_PREF_LIMIT_UPPER32, 0);
    pci_bridge_update_windows(PCI_BRIDGE_BASE(dev));
}

static void pci_bridge_base_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    dc->category = "Controller/Bridge/Hub devices";
    /* As QEMU's PCI devices: hot-pluggable where the bus allows it. */
    dc->hotpluggable = true;
    pc->is_bridge = true;
    pc->exit = pci_bridge_exit;
    pc->reset = pci_bridge_reset;
    pc->config_write = pci_bridge_write_config;
    pc->post_load = pci_bridge_post_load;
    pc->class_id = PCI_CLASS_BRIDGE_PCI;
}

/* ---- "pci-bridge" ---- */

static bool pci_bridge_dev_realize(PCIDevice *dev, Error **errp)
{
    DeviceState *qdev = DEVICE(dev);

    if (!PCI_BRIDGE_DEV(dev)->chassis_nr) {
        error_setg(errp, "Bridge chassis not specified. Each bridge is required to be assigned a unique chassis id > 0.");
        return false;
    }
    /* QEMU names the secondary bus after the bridge's id. */
    pci_bridge_init_secondary(PCI_BRIDGE_BASE(dev), TYPE_PCI_BUS,
                              qdev->id ? qdev->id : "pci.0");
    return true;
}

static void pci_bridge_dev_instance_init(Object *obj)
{
    qdev_prop_add_uint8(DEVICE(obj), PCI_BRIDGE_CHASSIS_NR_PROP,
                        &PCI_BRIDGE_DEV(obj)->chassis_nr);
}

static void pci_bridge_dev_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    dc->desc = "Standard PCI Bridge";
    dc->user_creatable = true;
    pc->realize = pci_bridge_dev_realize;
    pc->vendor_id = PCI_VENDOR_ID_REDHAT;
    pc->device_id = PCI_DEVICE_ID_REDHAT_BRIDGE;
}

static const TypeInfo pci_bridge_base_type_info = {
    .name = TYPE_PCI_BRIDGE_BASE,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PCIBridge),
    .abstract = true,
    .class_init = pci_bridge_base_class_init,
};

static const TypeInfo pci_bridge_dev_type_info = {
    .name = TYPE_PCI_BRIDGE,
    .parent = TYPE_PCI_BRIDGE_BASE,
    .instance_size = sizeof(PCIBridgeDev),
    .instance_init = pci_bridge_dev_instance_init,
    .class_init = pci_bridge_dev_class_init,
};

static void pci_bridge_register_types(void)
{
    type_register_static(&pci_bridge_base_type_info);
    type_register_static(&pci_bridge_dev_type_info);
}
type_init(pci_bridge_register_types)
