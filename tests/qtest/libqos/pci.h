/*
 * The test driver's PCI: enumeration through configuration mechanism #1
 * (ports 0xcf8/0xcfc, driven over qtest), BAR sizing and assignment from a
 * simple MMIO window, command register, and MSI-X table programming.
 * Works against hotmem and the reference QEMU alike.
 */
#ifndef LIBQOS_PCI_H
#define LIBQOS_PCI_H

#include "libqtest.h"

/* Where the driver assigns BARs: inside the q35 32-bit PCI hole. */
#define QPCI_MMIO_BASE      0xe0000000ULL
#define QPCI_MMIO_LIMIT     0xfec00000ULL

#define QPCI_VENDOR_ID      0x00
#define QPCI_DEVICE_ID      0x02
#define QPCI_COMMAND        0x04
#define QPCI_STATUS         0x06
#define QPCI_REVISION_ID    0x08
#define QPCI_CLASS_PROG     0x09
#define QPCI_CLASS_DEVICE   0x0a
#define QPCI_HEADER_TYPE    0x0e
#define QPCI_BAR0           0x10
#define QPCI_SUBSYSTEM_VENDOR_ID 0x2c
#define QPCI_SUBSYSTEM_ID   0x2e
#define QPCI_CAPABILITY_LIST 0x34
#define QPCI_INTERRUPT_PIN  0x3d

#define QPCI_COMMAND_IO     0x1
#define QPCI_COMMAND_MEMORY 0x2
#define QPCI_COMMAND_MASTER 0x4
#define QPCI_STATUS_CAP_LIST 0x10

#define QPCI_CAP_ID_VNDR    0x09
#define QPCI_CAP_ID_MSIX    0x11

typedef struct QPCIBus {
    QTestState *qts;
    uint64_t mmio_next;     /* next free address for BARs */
} QPCIBus;

typedef struct QPCIDevice {
    QPCIBus *bus;
    int devfn;              /* slot << 3 | function */
    uint64_t msix_table;    /* guest address of the MSI-X table, or 0 */
    uint16_t msix_entries;
} QPCIDevice;

void qpci_bus_init(QPCIBus *bus, QTestState *qts);

uint8_t qpci_config_readb(QPCIDevice *dev, uint8_t offset);
uint16_t qpci_config_readw(QPCIDevice *dev, uint8_t offset);
uint32_t qpci_config_readl(QPCIDevice *dev, uint8_t offset);
void qpci_config_writeb(QPCIDevice *dev, uint8_t offset, uint8_t value);
void qpci_config_writew(QPCIDevice *dev, uint8_t offset, uint16_t value);
void qpci_config_writel(QPCIDevice *dev, uint8_t offset, uint32_t value);

/* The first function with vendor:device on bus 0, or NULL (g_free it). */
QPCIDevice *qpci_find_device(QPCIBus *bus, uint16_t vendor, uint16_t device);
/* The same, the nth such function (0: the first). */
QPCIDevice *qpci_find_device_nth(QPCIBus *bus, uint16_t vendor,
                                 uint16_t device, int nth);
/* The nth function (0: the first) whose vendor is vendor and whose device
 * id is any of the nb_ids in device_ids (a device model that has a modern
 * and a transitional id), or NULL. */
QPCIDevice *qpci_find_device_any_nth(QPCIBus *bus, uint16_t vendor,
                                     const uint16_t *device_ids, int nb_ids,
                                     int nth);
/* Offset of the next capability with id after start (0: from the list
 * head), or 0. */
uint8_t qpci_find_capability(QPCIDevice *dev, uint8_t id, uint8_t start);
/* Size the BAR, assign an address from the window, return it (0: none). */
uint64_t qpci_iomap(QPCIDevice *dev, int bar, uint64_t *sizep);
/* Memory + bus master decoding on. */
void qpci_device_enable(QPCIDevice *dev);
/* Enable MSI-X and point vector n at guest address addr with data. */
void qpci_msix_enable(QPCIDevice *dev);
void qpci_msix_set_vector(QPCIDevice *dev, uint16_t n, uint64_t addr,
                          uint32_t data);

#endif /* LIBQOS_PCI_H */
