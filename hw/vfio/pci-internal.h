/*
 * Declarations shared by hw/vfio/pci-core.c and hw/vfio/pci-msix.c (the
 * MSI-X part of the PCI core).  Not for use outside hw/vfio/.
 */
#ifndef HW_VFIO_PCI_INTERNAL_H
#define HW_VFIO_PCI_INTERNAL_H

#include "hw/vfio/vfio-pci-core.h"

/* At most this many MSI-X vectors are offered (one eventfd each). */
#define VFIO_PCI_MSIX_MAX_VECTORS 64

/* Find the device's MSI-X capability and emulate it; true without one. */
bool vfio_pci_msix_setup(VFIOPCICore *core, const uint8_t *header,
                         Error **errp);
void vfio_pci_msix_teardown(VFIOPCICore *core);
/* Config bytes of the emulated capability: served here, not forwarded. */
bool vfio_pci_msix_owns(const VFIOPCICore *core, uint32_t addr);
/* The guest's MSI-X enable bit. */
bool vfio_pci_msix_is_on(const VFIOPCICore *core);
/* Give the device our vector eventfds (on) or take them back (off). */
void vfio_pci_msix_switch(VFIOPCICore *core, bool on);

#endif /* HW_VFIO_PCI_INTERNAL_H */
