/*
 * HMP "info pci": every device of every root bus (and behind bridges
 * whose secondary bus number is set), in QEMU 7.2's text format: class,
 * ids, subsystem, IRQ and pin, BARs with their current mapping (or
 * 0xffffffffffffffff when unmapped), bridge bus numbers and windows.
 * Reads config space and the BAR state of hw/pci/pci.c; the monitor
 * (monitor/) owns the command.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"

typedef struct PCIInfoClassName {
    uint16_t class_id;
    const char *name;
} PCIInfoClassName;

/* The descriptions QEMU prints; other classes print as "Class %04d". */
static const PCIInfoClassName pci_info_class_names[] = {
    { 0x0100, "SCSI controller" },
    { 0x0101, "IDE controller" },
    { 0x0106, "SATA controller" },
    { 0x0200, "Ethernet controller" },
    { 0x0300, "VGA controller" },
    { 0x0600, "Host bridge" },
    { 0x0601, "ISA bridge" },
    { 0x0604, "PCI bridge" },
    { 0x0c03, "USB controller" },
    { 0x0c05, "SMBus" },
};

static void pci_info_print_bus(GString *out, PCIBus *bus);

static void pci_info_print_class(GString *out, uint16_t class_id)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(pci_info_class_names); i++) {
        if (pci_info_class_names[i].class_id == class_id) {
            g_string_append_printf(out, "    %s: ",
                                   pci_info_class_names[i].name);
            return;
        }
    }
    /* QEMU prints the class number in decimal here. */
    g_string_append_printf(out, "    Class %04u: ", class_id);
}

static void pci_info_print_bars(GString *out, PCIDevice *dev)
{
    int i;

    for (i = 0; i < PCI_NUM_BARS; i++) {
        const PCIIORegion *r = &dev->io_regions[i];
        uint64_t last = r->addr + r->size - 1;

        if (!r->size) {
            continue;
        }
        if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
            g_string_append_printf(out, "      BAR%d: I/O at 0x%04" PRIx64
                                   " [0x%04" PRIx64 "].\n", i, r->addr,
                                   last);
            continue;
        }
        g_string_append_printf(out, "      BAR%d: %d bit%s memory at 0x%08"
                               PRIx64 " [0x%08" PRIx64 "].\n", i,
                               r->type & PCI_BASE_ADDRESS_MEM_TYPE_64 ? 64
                                                                      : 32,
                               r->type & PCI_BASE_ADDRESS_MEM_PREFETCH
                               ? " prefetchable" : "", r->addr, last);
    }
}

static void pci_info_print_bridge(GString *out, PCIDevice *dev)
{
    const uint8_t *c = dev->config;
    uint64_t base;
    uint64_t limit;

    g_string_append_printf(out, "      BUS %u.\n", c[PCI_PRIMARY_BUS]);
    g_string_append_printf(out, "      secondary bus %u.\n",
                           c[PCI_SECONDARY_BUS]);
    g_string_append_printf(out, "      subordinate bus %u.\n",
                           c[PCI_SUBORDINATE_BUS]);
    pci_bridge_get_window(dev, PCI_BRIDGE_WINDOW_IO, &base, &limit);
    g_string_append_printf(out, "      IO range [0x%04" PRIx64 ", 0x%04"
                           PRIx64 "]\n", base, limit);
    pci_bridge_get_window(dev, PCI_BRIDGE_WINDOW_MEM, &base, &limit);
    g_string_append_printf(out, "      memory range [0x%08" PRIx64 ", 0x%08"
                           PRIx64 "]\n", base, limit);
    pci_bridge_get_window(dev, PCI_BRIDGE_WINDOW_PREF, &base, &limit);
    g_string_append_printf(out, "      prefetchable memory range [0x%08"
                           PRIx64 ", 0x%08" PRIx64 "]\n", base, limit);
}

static void pci_info_print_device(GString *out, PCIBus *bus, PCIDevice *dev)
{
    const uint8_t *c = dev->config;
    bool is_bridge = (c[PCI_HEADER_TYPE] & 0x7f) == PCI_HEADER_TYPE_BRIDGE;

    g_string_append_printf(out, "  Bus %2d, device %3d, function %d:\n",
                           pci_bus_num(bus), PCI_SLOT(dev->devfn),
                           PCI_FUNC(dev->devfn));
    pci_info_print_class(out, pci_get_word(c + PCI_CLASS_DEVICE));
    g_string_append_printf(out, "PCI device %04x:%04x\n",
                           pci_get_word(c + PCI_VENDOR_ID),
                           pci_get_word(c + PCI_DEVICE_ID));
    if (!is_bridge) {
        g_string_append_printf(out, "      PCI subsystem %04x:%04x\n",
                               pci_get_word(c + PCI_SUBSYSTEM_VENDOR_ID),
                               pci_get_word(c + PCI_SUBSYSTEM_ID));
    }
    if (c[PCI_INTERRUPT_PIN]) {
        g_string_append_printf(out, "      IRQ %u, pin %c\n",
                               c[PCI_INTERRUPT_LINE],
                               'A' + c[PCI_INTERRUPT_PIN] - 1);
    }
    if (is_bridge) {
        pci_info_print_bridge(out, dev);
    }
    pci_info_print_bars(out, dev);
    g_string_append_printf(out, "      id \"%s\"\n",
                           dev->qdev.id ? dev->qdev.id : "");
    if (is_bridge && c[PCI_SECONDARY_BUS]) {
        PCIBus *sec = pci_find_bus_nr(bus, c[PCI_SECONDARY_BUS]);

        if (sec) {
            pci_info_print_bus(out, sec);
        }
    }
}

static void pci_info_print_bus(GString *out, PCIBus *bus)
{
    int devfn;

    for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        if (bus->devices[devfn]) {
            pci_info_print_device(out, bus, bus->devices[devfn]);
        }
    }
}

static int pci_info_print_root_bus(Object *obj, void *opaque)
{
    PCIBus *bus = (PCIBus *)object_dynamic_cast(obj, TYPE_PCI_BUS);

    if (bus && !bus->parent_dev) {
        pci_info_print_bus(opaque, bus);
    }
    return 0;
}

void pci_info_print(GString *out)
{
    Object *machine = object_resolve_path("/machine", NULL);

    if (machine) {
        object_child_foreach_recursive(machine, pci_info_print_root_bus,
                                       out);
    }
}
