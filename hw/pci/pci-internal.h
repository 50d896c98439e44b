/*
 * Shared inside hw/pci/ only: what pci-migration.c needs from pci.c (the
 * BAR mapping rule, INTx) and msix.c (the table and PBA sizes).
 */
#ifndef HW_PCI_PCI_INTERNAL_H
#define HW_PCI_PCI_INTERNAL_H

#include "hw/pci/pci.h"

/* Map / unmap each BAR as its config bytes say, one transaction. */
void pci_update_mappings(PCIDevice *dev);
/* Bytes of the MSI-X table and PBA of dev (0 without MSI-X). */
size_t msix_table_bytes(const PCIDevice *dev);
size_t msix_pba_bytes(const PCIDevice *dev);

/* "pci-config" migration section of dev (pci-migration.c). */
bool pci_migration_register(PCIDevice *dev, Error **errp);
void pci_migration_unregister(PCIDevice *dev);

#endif /* HW_PCI_PCI_INTERNAL_H */
