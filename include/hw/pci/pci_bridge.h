/*
 * PCI-to-PCI bridges.  The abstract "base-pci-bridge" owns what every
 * bridge shares: the type 1 header and its masks, bus numbers, the I/O,
 * memory and prefetchable windows forwarding the parent bus to the
 * secondary bus, INTx swizzling and secondary bus reset.  Its kinds add
 * identity and capabilities: "pci-bridge" (hw/pci/pci-bridge.c) and
 * "pcie-root-port" (hw/pci/pcie-root-port.c).  Main loop only.
 */
#ifndef HW_PCI_PCI_BRIDGE_H
#define HW_PCI_PCI_BRIDGE_H

#include "hw/pci/pci.h"

/* Bridge control (PCI-to-PCI Bridge 1.2, 3.2.5.18). */
#define PCI_BRIDGE_CTL_PARITY       0x0001
#define PCI_BRIDGE_CTL_SERR         0x0002
#define PCI_BRIDGE_CTL_ISA          0x0004
#define PCI_BRIDGE_CTL_VGA          0x0008
#define PCI_BRIDGE_CTL_VGA_16BIT    0x0010
#define PCI_BRIDGE_CTL_MASTER_ABORT 0x0020
#define PCI_BRIDGE_CTL_BUS_RESET    0x0040  /* 0 -> 1: secondary bus reset */
#define PCI_BRIDGE_CTL_FAST_BACK    0x0080
#define PCI_BRIDGE_CTL_DISCARD      0x0100
#define PCI_BRIDGE_CTL_SEC_DISCARD  0x0200
#define PCI_BRIDGE_CTL_DISCARD_STATUS 0x0400
#define PCI_BRIDGE_CTL_DISCARD_SERR 0x0800

/* Fields private to hw/pci/ (visible for embedding). */
typedef struct PCIBridge {
    PCIDevice parent_obj;
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

#define PCI_BRIDGE_BASE(obj) \
    OBJECT_CHECK(PCIBridge, (obj), TYPE_PCI_BRIDGE_BASE)

/*
 * From a kind's realize: the type 1 header (conventional PCI values: 16-bit
 * I/O and 64-bit prefetchable windows, 66 MHz and fast back-to-back
 * status), the secondary memory and I/O containers and the secondary bus,
 * of type bus_type and named bus_name, below the bridge.  Cannot fail;
 * undone by the base class's exit.
 */
void pci_bridge_init_secondary(PCIBridge *br, const char *bus_type,
                               const char *bus_name);
PCIBus *pci_bridge_get_sec_bus(PCIBridge *br);

/*
 * The base class's hooks, for kinds that extend them (call them first):
 * config write (masks, windows remapped on command and window changes,
 * secondary bus reset on a 0 -> 1 write of PCI_BRIDGE_CTL_BUS_RESET),
 * exit (windows and containers gone) and reset (bus numbers 0, windows
 * zero, bridge control 0).
 */
void pci_bridge_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                             unsigned len);
void pci_bridge_exit(PCIDevice *dev);
void pci_bridge_reset(PCIDevice *dev);
/* Close the three windows with base above limit, as PCIe ports reset. */
void pci_bridge_disable_base_limit(PCIDevice *dev);

/* PCIDeviceClass.post_load of bridges: map the windows the loaded header
 * describes (kinds that add their own call it first). */
void pci_bridge_post_load(PCIDevice *dev);

#endif /* HW_PCI_PCI_BRIDGE_H */
