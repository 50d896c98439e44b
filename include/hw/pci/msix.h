/*
 * MSI-X (PCI Local Bus 3.0, 6.8.2): capability 0x11, a vector table and a
 * pending-bit array in a BAR, function and per-vector masks.  A message is
 * a 4-byte little-endian store of the vector's data to its address in
 * system memory (address_space_memory()); the machine decides what sits at
 * 0xfee00000.  Implementation: hw/pci/msix.c.  Main loop only.
 */
#ifndef HW_PCI_MSIX_H
#define HW_PCI_MSIX_H

#include "hw/pci/pci.h"

#define PCI_MSIX_CAP_SIZE       12
#define PCI_MSIX_FLAGS          2       /* message control, 16 bits */
#define  PCI_MSIX_FLAGS_QSIZE   0x07ff  /* table size - 1 */
#define  PCI_MSIX_FLAGS_MASKALL 0x4000
#define  PCI_MSIX_FLAGS_ENABLE  0x8000
#define PCI_MSIX_TABLE          4       /* offset | BIR */
#define PCI_MSIX_PBA            8       /* offset | BIR */
#define PCI_MSIX_ENTRY_SIZE     16
#define  PCI_MSIX_ENTRY_LOWER_ADDR  0
#define  PCI_MSIX_ENTRY_UPPER_ADDR  4
#define  PCI_MSIX_ENTRY_DATA        8
#define  PCI_MSIX_ENTRY_VECTOR_CTRL 12
#define   PCI_MSIX_ENTRY_CTRL_MASKBIT 1
#define PCI_MSIX_MAX_VECTORS    2048

/*
 * Add the capability at cap_pos with nb_vectors (1..2048) vectors; the
 * table is placed at table_offset in table_bar (region of BAR
 * table_bar_nr, a container the caller registers) and the PBA at
 * pba_offset in pba_bar.  Offsets 8-byte aligned.  All vectors start
 * masked, MSI-X disabled.  Fails (errp) on a bad argument or a capability
 * overlap; nothing is changed then.
 */
bool msix_init(PCIDevice *dev, unsigned int nb_vectors,
               MemoryRegion *table_bar, uint8_t table_bar_nr,
               uint32_t table_offset, MemoryRegion *pba_bar,
               uint8_t pba_bar_nr, uint32_t pba_offset, uint8_t cap_pos,
               Error **errp);
/*
 * The same with a 32-bit memory BAR bar_nr of its own (4 KiB for up to
 * 128 vectors): table at 0, PBA at half the BAR, as QEMU lays it out.
 */
bool msix_init_exclusive_bar(PCIDevice *dev, unsigned int nb_vectors,
                             uint8_t bar_nr, uint8_t cap_pos, Error **errp);
/* Remove the table and PBA regions (unrealize). */
void msix_uninit(PCIDevice *dev);

bool msix_present(const PCIDevice *dev);
/* Enable bit set in message control. */
bool msix_enabled(const PCIDevice *dev);
unsigned int msix_nr_vectors(const PCIDevice *dev);
/* Function mask or the vector's mask bit. */
bool msix_is_masked(const PCIDevice *dev, unsigned int vector);
bool msix_is_pending(const PCIDevice *dev, unsigned int vector);

/*
 * Signal vector: ignored when MSI-X is disabled or vector is out of range;
 * when masked, its pending bit is set and the message is sent when it is
 * unmasked.  O(1).
 */
void msix_notify(PCIDevice *dev, unsigned int vector);

/* Called by pci_default_write_config after a config write. */
void msix_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                       unsigned len);
/* Device reset: disabled, function unmasked, every vector masked, no
 * pending bits. */
void msix_reset(PCIDevice *dev);

#endif /* HW_PCI_MSIX_H */
