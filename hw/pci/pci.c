/*
 * PCI device and bus core: the "pci-device" and "PCI"/"PCIE" bus types,
 * slot/function assignment (addr=SLOT[.FN], multifunction rules with
 * QEMU's messages), the configuration header and its masks, capability
 * list, BAR sizing and mapping into the bus's memory/I/O regions, INTx
 * routing up to the host bridge.  Config cycles arrive from
 * hw/pci/pci-host.c; MSI-X is hw/pci/msix.c; bridges hw/pci/pci-bridge.c.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/pci/msix.h"
#include "hw/pci/trace.h"
#include "pci-internal.h"

/* Status bits a guest clears by writing 1 (PCI 3.0, 6.2.3). */
#define PCI_STATUS_W1C_BITS 0xf900

/* ---- small helpers ---- */

static bool pci_ranges_overlap(uint32_t a, uint32_t a_len, uint32_t b,
                               uint32_t b_len)
{
    return a < b + b_len && b < a + a_len;
}

const char *pci_device_name(const PCIDevice *dev)
{
    return object_get_typename(OBJECT(dev));
}

PCIBus *pci_get_bus(const PCIDevice *dev)
{
    BusState *bus = dev->qdev.parent_bus;

    return bus ? PCI_BUS(bus) : NULL;
}

void pci_config_set_vendor_id(uint8_t *config, uint16_t val)
{
    pci_set_word(config + PCI_VENDOR_ID, val);
}

void pci_config_set_device_id(uint8_t *config, uint16_t val)
{
    pci_set_word(config + PCI_DEVICE_ID, val);
}

void pci_config_set_revision(uint8_t *config, uint8_t val)
{
    pci_set_byte(config + PCI_REVISION_ID, val);
}

void pci_config_set_class(uint8_t *config, uint16_t val)
{
    pci_set_word(config + PCI_CLASS_DEVICE, val);
}

void pci_config_set_interrupt_pin(uint8_t *config, uint8_t pin)
{
    pci_set_byte(config + PCI_INTERRUPT_PIN, pin);
}

/* ---- the addr and multifunction properties ---- */

int pci_parse_devfn(const char *str)
{
    const char *p = str;
    char *end;
    uint64_t slot;
    uint64_t func = 0;

    slot = g_ascii_strtoull(p, &end, 16);
    if (end == p) {
        return -1;
    }
    if (*end == '.') {
        p = end + 1;
        func = g_ascii_strtoull(p, &end, 16);
        if (end == p || func >= PCI_FUNC_MAX) {
            return -1;
        }
    }
    if (slot >= PCI_SLOT_MAX || *end) {
        return -1;
    }
    return PCI_DEVFN(slot, func);
}

static json_t *pci_devfn_get(Object *obj, const char *name, void *opaque,
                             Error **errp)
{
    return json_integer(PCI_DEVICE(obj)->devfn);
}

/* Strings are "SLOT[.FN]"; integers are a devfn (QMP), as in QEMU. */
static bool pci_devfn_set(Object *obj, const char *name, json_t *value,
                          void *opaque, Error **errp)
{
    PCIDevice *dev = PCI_DEVICE(obj);
    json_int_t devfn;

    if (!qdev_prop_check_unrealized(DEVICE(obj), name, errp)) {
        return false;
    }
    if (json_is_string(value)) {
        devfn = pci_parse_devfn(json_string_value(value));
        if (devfn < 0) {
            error_setg(errp, "Property '%s.%s' doesn't take value '%s'",
                       object_get_typename(obj), name,
                       json_string_value(value));
            return false;
        }
    } else if (json_is_integer(value)) {
        devfn = json_integer_value(value);
        if (devfn < -1 || devfn >= PCI_DEVFN_MAX) {
            error_setg(errp, "Parameter '%s' expects a value between -1 and 255", name);
            return false;
        }
    } else {
        error_setg(errp, "Invalid parameter type for '%s', expected: integer", name);
        return false;
    }
    dev->devfn = devfn;
    return true;
}

static bool pci_multifunction_get(Object *obj, Error **errp)
{
    return PCI_DEVICE(obj)->multifunction;
}

static bool pci_multifunction_set(Object *obj, bool value, Error **errp)
{
    if (!qdev_prop_check_unrealized(DEVICE(obj),
                                   PCI_DEVICE_MULTIFUNCTION_PROP, errp)) {
        return false;
    }
    PCI_DEVICE(obj)->multifunction = value;
    return true;
}

static void pci_device_instance_init(Object *obj)
{
    PCIDevice *dev = PCI_DEVICE(obj);

    dev->devfn = -1;
    dev->has_power = true;
    /* QEMU shows this property as "int32"; the own type name lets the
     * command line pass "03.0" through as a string. */
    object_property_add(obj, PCI_DEVICE_ADDR_PROP, "pci-devfn",
                        pci_devfn_get, pci_devfn_set, NULL, NULL);
    object_property_set_description(obj, PCI_DEVICE_ADDR_PROP,
        "Slot and optional function number, example: 06.0 or 06");
    object_property_add_bool(obj, PCI_DEVICE_MULTIFUNCTION_PROP,
                             pci_multifunction_get, pci_multifunction_set);
}

/* ---- slot assignment (the bus's check_address) ---- */

static bool pci_bus_is_devfn_free(PCIBus *bus, int devfn)
{
    return !bus->devices[devfn];
}

static int pci_bus_find_free_slot(PCIBus *bus)
{
    int devfn;

    for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn += PCI_FUNC_MAX) {
        if (pci_bus_is_devfn_free(bus, devfn)) {
            return devfn;
        }
    }
    return -1;
}

/* Function 0 decides whether the other functions of a slot may exist. */
static bool pci_bus_check_multifunction(PCIBus *bus, PCIDevice *dev,
                                        int devfn, Error **errp)
{
    int slot = PCI_SLOT(devfn);
    PCIDevice *f0 = bus->devices[PCI_DEVFN(slot, 0)];
    int func;

    if (PCI_FUNC(devfn)) {
        if (f0 && !f0->multifunction) {
            error_setg(errp, "PCI: single function device can't be populated in function %x.%x", slot, PCI_FUNC(devfn));
            return false;
        }
        return true;
    }
    if (dev->multifunction) {
        return true;
    }
    for (func = 1; func < PCI_FUNC_MAX; func++) {
        if (bus->devices[PCI_DEVFN(slot, func)]) {
            error_setg(errp, "PCI: %x.0 indicates single function, but %x.%x is already populated.", slot, slot, func);
            return false;
        }
    }
    return true;
}

static int pci_bus_choose_devfn(PCIBus *bus, PCIDevice *dev, Error **errp)
{
    PCIDevice *other;
    int devfn = dev->devfn;

    if (devfn < 0) {
        devfn = pci_bus_find_free_slot(bus);
        if (devfn < 0) {
            error_setg(errp, "PCI: no slot/function available for %s, all in use or reserved", pci_device_name(dev));
        }
        return devfn;
    }
    other = bus->devices[devfn];
    if (other) {
        /* QEMU prints the missing id as glibc prints NULL: "(null)". */
        error_setg(errp, "PCI: slot %d function %d not available for %s, in use by %s,id=%s", PCI_SLOT(devfn), PCI_FUNC(devfn),
                   pci_device_name(dev), pci_device_name(other),
                   other->qdev.id ? other->qdev.id : "(null)");
        return -1;
    }
    return devfn;
}

static bool pci_bus_check_address(BusState *qbus, DeviceState *qdev,
                                  Error **errp)
{
    PCIBus *bus = PCI_BUS(qbus);
    PCIDevice *dev;
    int devfn;

    if (!object_dynamic_cast(OBJECT(qdev), TYPE_PCI_DEVICE)) {
        error_setg(errp, "device '%s' is not a PCI device and cannot go on bus '%s'", object_get_typename(OBJECT(qdev)),
                   qbus->name);
        return false;
    }
    if (qdev_hotplug_allowed() && !qbus->hotplug_handler) {
        error_setg(errp, "Bus '%s' does not support hotplugging",
                   qbus->name);
        return false;
    }
    dev = PCI_DEVICE(qdev);
    devfn = pci_bus_choose_devfn(bus, dev, errp);
    if (devfn < 0 || !pci_bus_check_multifunction(bus, dev, devfn, errp)) {
        return false;
    }
    dev->devfn = devfn;
    trace_pci_bus_check_address(pci_device_name(dev), qbus->name, devfn);
    return true;
}

/* ---- buses ---- */

PCIBus *pci_root_bus_new(DeviceState *parent, const char *name,
                         const char *typename, MemoryRegion *mem,
                         MemoryRegion *io, PCIMapIRQFunc map_irq,
                         PCISetIRQFunc set_irq, void *irq_opaque,
                         int nb_irqs)
{
    PCIBus *bus = PCI_BUS(qbus_new(typename, parent, name));

    bus->address_space_mem = mem;
    bus->address_space_io = io;
    bus->map_irq = map_irq;
    bus->set_irq = set_irq;
    bus->irq_opaque = irq_opaque;
    bus->nb_irqs = nb_irqs;
    bus->irq_count = g_new0(int, nb_irqs);
    return bus;
}

int pci_bus_num(PCIBus *bus)
{
    if (!bus->parent_dev) {
        return 0;
    }
    return bus->parent_dev->config[PCI_SECONDARY_BUS];
}

PCIDevice *pci_bus_get_device(PCIBus *bus, int devfn)
{
    if (devfn < 0 || devfn >= PCI_DEVFN_MAX) {
        return NULL;
    }
    return bus->devices[devfn];
}

/* The secondary bus of a bridge device, or NULL for other devices. */
static PCIBus *pci_device_get_secondary_bus(PCIDevice *dev)
{
    DeviceState *qdev = DEVICE(dev);

    if (!PCI_DEVICE_GET_CLASS(dev)->is_bridge || !qdev->child_buses ||
        !qdev->child_buses->len) {
        return NULL;
    }
    return PCI_BUS(g_ptr_array_index(qdev->child_buses, 0));
}

PCIBus *pci_find_bus_nr(PCIBus *root, int bus_num)
{
    int devfn;

    if (pci_bus_num(root) == bus_num) {
        return root;
    }
    for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *dev = root->devices[devfn];
        PCIBus *sec = dev ? pci_device_get_secondary_bus(dev) : NULL;

        if (sec && dev->config[PCI_SECONDARY_BUS] <= bus_num &&
            bus_num <= dev->config[PCI_SUBORDINATE_BUS] &&
            dev->config[PCI_SECONDARY_BUS] != 0) {
            return pci_find_bus_nr(sec, bus_num);
        }
    }
    return NULL;
}

static void pci_bus_class_init(ObjectClass *klass, void *data)
{
    BusClass *bc = (BusClass *)klass;

    bc->check_address = pci_bus_check_address;
}

static void pci_bus_instance_finalize(Object *obj)
{
    g_free(PCI_BUS(obj)->irq_count);
}

/* ---- INTx ---- */

static void pci_bus_change_irq_count(PCIBus *bus, int irq_num, int change)
{
    assert(irq_num >= 0 && irq_num < bus->nb_irqs);
    bus->irq_count[irq_num] += change;
    assert(bus->irq_count[irq_num] >= 0);
    bus->set_irq(bus->irq_opaque, irq_num, bus->irq_count[irq_num] != 0);
}

/* Walk up through bridges (each swizzles) to the root bus's routing. */
static void pci_change_irq_level(PCIDevice *dev, int pin, int change)
{
    PCIBus *bus;

    for (;;) {
        bus = pci_get_bus(dev);
        pin = bus->map_irq(dev, pin);
        if (bus->set_irq) {
            break;
        }
        dev = bus->parent_dev;
    }
    pci_bus_change_irq_count(bus, pin, change);
}

static int pci_intx_pin(PCIDevice *dev)
{
    return dev->config[PCI_INTERRUPT_PIN] - 1;
}

static bool pci_intx_is_disabled(PCIDevice *dev)
{
    return pci_get_word(dev->config + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE;
}

void pci_set_irq(PCIDevice *dev, int level)
{
    uint16_t status = pci_get_word(dev->config + PCI_STATUS);

    level = !!level;
    if (level == dev->irq_level || pci_intx_pin(dev) < 0) {
        return;
    }
    dev->irq_level = level;
    trace_pci_set_irq(pci_device_name(dev), pci_intx_pin(dev), level);
    status = level ? status | PCI_STATUS_INTERRUPT
                   : status & ~PCI_STATUS_INTERRUPT;
    pci_set_word(dev->config + PCI_STATUS, status);
    /* The status bit tracks the pin even while INTx is disabled. */
    if (!pci_intx_is_disabled(dev)) {
        pci_change_irq_level(dev, pci_intx_pin(dev), level ? 1 : -1);
    }
}

/* The guest toggled INTX_DISABLE: add or withdraw an asserted pin. */
static void pci_update_intx_disabled(PCIDevice *dev, bool was_disabled)
{
    bool disabled = pci_intx_is_disabled(dev);

    if (disabled == was_disabled || !dev->irq_level) {
        return;
    }
    pci_change_irq_level(dev, pci_intx_pin(dev), disabled ? -1 : 1);
}

/* ---- BARs ---- */

static uint32_t pci_bar_offset(int bar_nr)
{
    return PCI_BASE_ADDRESS_0 + 4 * bar_nr;
}

void pci_register_bar(PCIDevice *dev, int bar_nr, uint8_t type,
                      MemoryRegion *mr)
{
    PCIIORegion *r = &dev->io_regions[bar_nr];
    uint64_t size = memory_region_size(mr);
    uint64_t wmask = ~(size - 1);
    uint32_t off = pci_bar_offset(bar_nr);
    bool is_io = type & PCI_BASE_ADDRESS_SPACE_IO;
    bool is_64 = !is_io && (type & PCI_BASE_ADDRESS_MEM_TYPE_64);
    PCIBus *bus = pci_get_bus(dev);

    assert(bar_nr >= 0 && bar_nr + is_64 < PCI_NUM_BARS);
    assert(QEMU_IS_POW2(size) && size >= (is_io ? 4 : 16));
    r->addr = PCI_BAR_UNMAPPED;
    r->size = size;
    r->type = type;
    r->memory = mr;
    r->address_space = is_io ? bus->address_space_io
                             : bus->address_space_mem;
    pci_set_long(dev->config + off, type);
    pci_set_long(dev->wmask + off, (uint32_t)wmask & (is_io ? ~3u : ~15u));
    if (is_64) {
        pci_set_long(dev->config + off + 4, 0);
        pci_set_long(dev->wmask + off + 4, wmask >> 32);
    }
}

/* QEMU's rule: decoding off, address 0, wrap-around, or a 32-bit BAR
 * reaching 4 GiB - 1 (all-ones while sizing) leaves the BAR unmapped. */
static uint64_t pci_bar_address(PCIDevice *dev, int bar_nr)
{
    PCIIORegion *r = &dev->io_regions[bar_nr];
    uint16_t cmd = pci_get_word(dev->config + PCI_COMMAND);
    uint32_t off = pci_bar_offset(bar_nr);
    bool is_io = r->type & PCI_BASE_ADDRESS_SPACE_IO;
    bool is_64 = !is_io && (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64);
    uint64_t addr;
    uint64_t last;

    if (!dev->has_power ||
        !(cmd & (is_io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY))) {
        return PCI_BAR_UNMAPPED;
    }
    addr = is_64 ? pci_get_quad(dev->config + off)
                 : pci_get_long(dev->config + off);
    addr &= ~(r->size - 1);
    last = addr + r->size - 1;
    if (addr == 0 || last <= addr || last == PCI_BAR_UNMAPPED) {
        return PCI_BAR_UNMAPPED;
    }
    if (!is_64 && last >= UINT32_MAX) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

void pci_update_mappings(PCIDevice *dev)
{
    int i;

    memory_region_transaction_begin();
    for (i = 0; i < PCI_NUM_BARS; i++) {
        PCIIORegion *r = &dev->io_regions[i];
        uint64_t addr;

        if (!r->size) {
            continue;
        }
        addr = pci_bar_address(dev, i);
        if (addr == r->addr) {
            continue;
        }
        if (r->addr != PCI_BAR_UNMAPPED) {
            trace_pci_bar_unmap(pci_device_name(dev), i, r->addr);
            memory_region_del_subregion(r->address_space, r->memory);
        }
        r->addr = addr;
        if (addr != PCI_BAR_UNMAPPED) {
            trace_pci_bar_map(pci_device_name(dev), i, addr, r->size);
            /* Priority 1: BARs win over the bus's background regions. */
            memory_region_add_subregion_overlap(r->address_space, addr,
                                                r->memory, 1);
        }
    }
    memory_region_transaction_commit();
}

static void pci_unmap_all_bars(PCIDevice *dev)
{
    int i;

    memory_region_transaction_begin();
    for (i = 0; i < PCI_NUM_BARS; i++) {
        PCIIORegion *r = &dev->io_regions[i];

        if (r->size && r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(r->address_space, r->memory);
            r->addr = PCI_BAR_UNMAPPED;
        }
    }
    memory_region_transaction_commit();
}

uint64_t pci_get_bar_addr(PCIDevice *dev, int bar_nr)
{
    return dev->io_regions[bar_nr].addr;
}

/* ---- capabilities ---- */

bool pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t offset,
                        uint8_t size, Error **errp)
{
    unsigned int i;

    if (offset < 0x40 || offset & 3 || size < 2 ||
        offset + size > PCI_CONFIG_SPACE_SIZE) {
        error_setg(errp, "%s: capability 0x%x at offset 0x%x size %u is outside 0x40..0xff or not 4-byte aligned",
                   pci_device_name(dev), cap_id, offset, size);
        return false;
    }
    for (i = offset; i < offset + size; i++) {
        if (dev->used[i]) {
            error_setg(errp, "%s: capability 0x%x at offset 0x%x overlaps capability 0x%x at offset 0x%x",
                       pci_device_name(dev), cap_id, offset,
                       dev->config[dev->used[i]], dev->used[i]);
            return false;
        }
    }
    memset(dev->config + offset, 0, size);
    memset(dev->wmask + offset, 0, size);
    memset(dev->w1cmask + offset, 0, size);
    memset(dev->used + offset, offset, size);
    dev->config[offset] = cap_id;
    dev->config[offset + PCI_CAP_LIST_NEXT] = dev->config[PCI_CAPABILITY_LIST];
    dev->config[PCI_CAPABILITY_LIST] = offset;
    pci_set_word(dev->config + PCI_STATUS,
                 pci_get_word(dev->config + PCI_STATUS) | PCI_STATUS_CAP_LIST);
    return true;
}

uint8_t pci_find_capability(PCIDevice *dev, uint8_t cap_id)
{
    uint8_t pos = dev->config[PCI_CAPABILITY_LIST];
    int guard = PCI_CONFIG_SPACE_SIZE / 4;

    while (pos && guard--) {
        if (dev->config[pos] == cap_id) {
            return pos;
        }
        pos = dev->config[pos + PCI_CAP_LIST_NEXT];
    }
    return 0;
}

/* ---- config space ---- */

uint32_t pci_default_read_config(PCIDevice *dev, uint32_t addr, unsigned len)
{
    uint32_t val = 0;

    assert(len <= 4 && addr + len <= PCI_CONFIG_SPACE_SIZE);
    memcpy(&val, dev->config + addr, len);
    return GUINT32_FROM_LE(val);
}

void pci_default_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                              unsigned len)
{
    bool was_intx_disabled = pci_intx_is_disabled(dev);
    unsigned int i;

    assert(len <= 4 && addr + len <= PCI_CONFIG_SPACE_SIZE);
    for (i = 0; i < len; i++) {
        uint8_t a = addr + i;
        uint8_t b = val >> (8 * i);

        dev->config[a] = (dev->config[a] & ~dev->wmask[a]) |
                         (b & dev->wmask[a]);
        dev->config[a] &= ~(b & dev->w1cmask[a]);
    }
    if (pci_ranges_overlap(addr, len, PCI_BASE_ADDRESS_0, 4 * PCI_NUM_BARS) ||
        pci_ranges_overlap(addr, len, PCI_COMMAND, 2)) {
        pci_update_mappings(dev);
    }
    if (pci_ranges_overlap(addr, len, PCI_COMMAND, 2)) {
        pci_update_intx_disabled(dev, was_intx_disabled);
    }
    msix_write_config(dev, addr, val, len);
}

uint32_t pci_config_read(PCIDevice *dev, uint32_t addr, unsigned len)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);
    uint32_t val;

    /* A powered-off function does not answer: the cycle ends in a master
     * abort, which reads all-ones (as QEMU). */
    if (!dev->has_power) {
        return len >= 4 ? UINT32_MAX : (1u << (8 * len)) - 1;
    }
    val = pc->config_read ? pc->config_read(dev, addr, len)
                          : pci_default_read_config(dev, addr, len);

    trace_pci_cfg_read(pci_device_name(dev), dev->devfn, addr, val, len);
    return val;
}

void pci_config_write(PCIDevice *dev, uint32_t addr, uint32_t val,
                      unsigned len)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);

    trace_pci_cfg_write(pci_device_name(dev), dev->devfn, addr, val, len);
    if (!dev->has_power) {
        return;
    }
    if (pc->config_write) {
        pc->config_write(dev, addr, val, len);
    } else {
        pci_default_write_config(dev, addr, val, len);
    }
}

/* ---- realize / reset ---- */

static void pci_init_header(PCIDevice *dev)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);
    uint8_t header = pc->is_bridge ? PCI_HEADER_TYPE_BRIDGE
                                   : PCI_HEADER_TYPE_NORMAL;

    pci_config_set_vendor_id(dev->config, pc->vendor_id);
    pci_config_set_device_id(dev->config, pc->device_id);
    pci_config_set_revision(dev->config, pc->revision);
    pci_config_set_class(dev->config, pc->class_id);
    if (dev->multifunction) {
        header |= PCI_HEADER_TYPE_MULTI_FUNCTION;
    }
    dev->config[PCI_HEADER_TYPE] = header;
    if (!pc->is_bridge) {
        /* QEMU's default subsystem for every device: 1af4:1100. */
        pci_set_word(dev->config + PCI_SUBSYSTEM_VENDOR_ID,
                     pc->subsystem_vendor_id ? pc->subsystem_vendor_id
                                   : PCI_SUBVENDOR_ID_REDHAT_QUMRANET);
        pci_set_word(dev->config + PCI_SUBSYSTEM_ID,
                     pc->subsystem_vendor_id ? pc->subsystem_id
                                             : PCI_SUBDEVICE_ID_QEMU);
    }
    pci_set_word(dev->wmask + PCI_COMMAND,
                 PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                 PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
    pci_set_word(dev->w1cmask + PCI_STATUS, PCI_STATUS_W1C_BITS);
    dev->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
    /* Device-specific space is plain read/write until a capability
     * claims it, as in QEMU. */
    memset(dev->wmask + 0x40, 0xff, PCI_CONFIG_SPACE_SIZE - 0x40);
}

static bool pci_qdev_realize(DeviceState *qdev, Error **errp)
{
    PCIDevice *dev = PCI_DEVICE(qdev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);
    PCIBus *bus = pci_get_bus(dev);

    if (!bus || dev->devfn < 0) {
        error_setg(errp, "device '%s' needs a PCI bus: set bus= to a PCI bus",
                   pci_device_name(dev));
        return false;
    }
    pci_init_header(dev);
    bus->devices[dev->devfn] = dev;
    if (pc->realize && !pc->realize(dev, errp)) {
        goto out_unmap;
    }
    if (!pci_migration_register(dev, errp)) {
        if (pc->exit) {
            pc->exit(dev);
        }
        goto out_unmap;
    }
    return true;

out_unmap:
    pci_unmap_all_bars(dev);
    bus->devices[dev->devfn] = NULL;
    return false;
}

static void pci_qdev_unrealize(DeviceState *qdev)
{
    PCIDevice *dev = PCI_DEVICE(qdev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);

    pci_migration_unregister(dev);
    pci_set_irq(dev, 0);
    /* Unmap first: exit may finalize the regions behind the BARs. */
    pci_unmap_all_bars(dev);
    if (pc->exit) {
        pc->exit(dev);
    }
    pci_get_bus(dev)->devices[dev->devfn] = NULL;
}

/* Power-on state of the header (QEMU's pci_do_device_reset rules). */
static void pci_device_reset_header(PCIDevice *dev)
{
    uint16_t clear;
    int i;

    pci_set_irq(dev, 0);
    clear = pci_get_word(dev->wmask + PCI_COMMAND) |
            pci_get_word(dev->w1cmask + PCI_COMMAND);
    pci_set_word(dev->config + PCI_COMMAND,
                 pci_get_word(dev->config + PCI_COMMAND) & ~clear);
    clear = pci_get_word(dev->wmask + PCI_STATUS) |
            pci_get_word(dev->w1cmask + PCI_STATUS);
    pci_set_word(dev->config + PCI_STATUS,
                 pci_get_word(dev->config + PCI_STATUS) & ~clear);
    dev->config[PCI_CACHE_LINE_SIZE] = 0;
    dev->config[PCI_INTERRUPT_LINE] = 0;
    for (i = 0; i < PCI_NUM_BARS; i++) {
        PCIIORegion *r = &dev->io_regions[i];

        if (!r->size) {
            continue;
        }
        pci_set_long(dev->config + pci_bar_offset(i), r->type);
        if (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64 &&
            !(r->type & PCI_BASE_ADDRESS_SPACE_IO)) {
            pci_set_long(dev->config + pci_bar_offset(i) + 4, 0);
        }
    }
    pci_update_mappings(dev);
    msix_reset(dev);
}

void pci_set_power(PCIDevice *dev, bool on)
{
    if (dev->has_power == on) {
        return;
    }
    trace_pci_set_power(pci_device_name(dev), on);
    dev->has_power = on;
    pci_update_mappings(dev);
    if (!on) {
        device_cold_reset(DEVICE(dev));
    }
}

static void pci_qdev_reset(DeviceState *qdev)
{
    PCIDevice *dev = PCI_DEVICE(qdev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);

    pci_device_reset_header(dev);
    if (pc->reset) {
        pc->reset(dev);
    }
}

PCIDevice *pci_create_simple(PCIBus *bus, int devfn, const char *typename,
                             Object *parent, const char *name, Error **errp)
{
    Object *obj = object_new(typename);
    PCIDevice *dev = PCI_DEVICE(obj);

    dev->devfn = devfn;
    object_property_add_child(parent, name, obj);
    object_unref(obj);
    if (!qdev_realize(DEVICE(dev), BUS(bus), errp)) {
        object_unparent(obj);
        return NULL;
    }
    return dev;
}

static void pci_device_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->bus_type = TYPE_PCI_BUS;
    dc->realize = pci_qdev_realize;
    dc->unrealize = pci_qdev_unrealize;
    dc->reset = pci_qdev_reset;
}

static const TypeInfo pci_device_type_info = {
    .name = TYPE_PCI_DEVICE,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(PCIDevice),
    .class_size = sizeof(PCIDeviceClass),
    .abstract = true,
    .instance_init = pci_device_instance_init,
    .class_init = pci_device_class_init,
};

static const TypeInfo pci_bus_type_info = {
    .name = TYPE_PCI_BUS,
    .parent = TYPE_BUS,
    .instance_size = sizeof(PCIBus),
    .class_size = sizeof(BusClass),
    .class_init = pci_bus_class_init,
    .instance_finalize = pci_bus_instance_finalize,
};

static const TypeInfo pcie_bus_type_info = {
    .name = TYPE_PCIE_BUS,
    .parent = TYPE_PCI_BUS,
};

static void pci_register_types(void)
{
    type_register_static(&pci_device_type_info);
    type_register_static(&pci_bus_type_info);
    type_register_static(&pcie_bus_type_info);
}
type_init(pci_register_types)
