/*
 * vfio-user-pci: a PCI device whose model runs in a vfio-user server
 * process (hw/vfio/vfio-user-pci.c).  Property names shared by the
 * device, its messages, docs/system/vfio.md and the tests.
 */
#ifndef HW_VFIO_VFIO_USER_PCI_H
#define HW_VFIO_VFIO_USER_PCI_H

#define TYPE_VFIO_USER_PCI "vfio-user-pci"
/* {"type":"unix","path":PATH} (QEMU 10.1's SocketAddress) or PATH */
#define VFIO_USER_PCI_SOCKET_PROP "socket"
/* bool, default on: one DMA mapping per plugged run (off: per block) */
#define VFIO_USER_PCI_COALESCE_PROP "x-coalesce"
/* uint64, default 0: lower the server's DMA mapping limit to this */
#define VFIO_USER_PCI_MAX_DMA_MAPS_PROP "x-max-dma-maps"

#endif /* HW_VFIO_VFIO_USER_PCI_H */
