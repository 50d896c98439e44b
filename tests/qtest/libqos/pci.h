/*
 * The test driver's PCI: enumeration through configuration mechanism #1
 * (ports 0xcf8/0xcfc, driven over qtest) on bus 0 and behind bridges
 * (bus numbers and windows programmed as firmware does), BAR sizing and
 * assignment from a simple MMIO window (a bridge's windows for devices
 * behind it), command register, and MSI-X table programming.  Works
 * against hotmem and the reference QEMU alike.
 */
#ifndef LIBQOS_PCI_H
#define LIBQOS_PCI_H

#include "libqtest.h"

/* Where the driver assigns BARs: inside the q35 32-bit PCI hole. */
#define QPCI_MMIO_BASE      0xe0000000ULL
#define QPCI_MMIO_LIMIT     0xfec00000ULL
/*
 * Windows of the bridges on bus 0, below the BARs of bus 0: the bridge
 * with secondary bus n gets a memory window of QPCI_BRIDGE_WINDOW_SIZE at
 * QPCI_BRIDGE_WINDOW_BASE + (n - 1) * 2 * QPCI_BRIDGE_WINDOW_SIZE and a
 * prefetchable one right after it.
 */
#define QPCI_BRIDGE_WINDOW_BASE 0xc0000000ULL
#define QPCI_BRIDGE_WINDOW_SIZE 0x800000ULL

#define QPCI_VENDOR_ID      0x00
#define QPCI_DEVICE_ID      0x02
#define QPCI_COMMAND        0x04
#define QPCI_STATUS         0x06
#define QPCI_REVISION_ID    0x08
#define QPCI_CLASS_PROG     0x09
#define QPCI_CLASS_DEVICE   0x0a
#define QPCI_HEADER_TYPE    0x0e
#define  QPCI_HEADER_TYPE_BRIDGE 0x01
#define QPCI_BAR0           0x10
/* Type 1 (bridge) header. */
#define QPCI_PRIMARY_BUS    0x18
#define QPCI_SECONDARY_BUS  0x19
#define QPCI_SUBORDINATE_BUS 0x1a
#define QPCI_IO_BASE        0x1c
#define QPCI_MEMORY_BASE    0x20
#define QPCI_MEMORY_LIMIT   0x22
#define QPCI_PREF_MEMORY_BASE 0x24
#define QPCI_PREF_MEMORY_LIMIT 0x26
#define QPCI_PREF_BASE_UPPER32 0x28
#define QPCI_PREF_LIMIT_UPPER32 0x2c
#define QPCI_BRIDGE_CONTROL 0x3e
#define QPCI_SUBSYSTEM_VENDOR_ID 0x2c
#define QPCI_SUBSYSTEM_ID   0x2e
#define QPCI_CAPABILITY_LIST 0x34
#define QPCI_INTERRUPT_PIN  0x3d

#define QPCI_BAR_PREFETCH   0x8
#define QPCI_COMMAND_IO     0x1
#define QPCI_COMMAND_MEMORY 0x2
#define QPCI_COMMAND_MASTER 0x4
#define QPCI_STATUS_CAP_LIST 0x10

#define QPCI_CAP_ID_VNDR    0x09
#define QPCI_CAP_ID_SSVID   0x0d
#define QPCI_CAP_ID_EXP     0x10
#define QPCI_CAP_ID_MSIX    0x11

/* PCI Express capability registers (PCIe Base 4.0, 7.5.3), from the
 * capability; what a hot-plug driver uses. */
#define QPCI_EXP_FLAGS      0x02
#define QPCI_EXP_DEVCAP     0x04
#define QPCI_EXP_LNKCAP     0x0c
#define  QPCI_EXP_LNKCAP_DLLLARC 0x00100000
#define QPCI_EXP_LNKSTA     0x12
#define  QPCI_EXP_LNKSTA_DLLLA 0x2000
#define QPCI_EXP_SLTCAP     0x14
#define  QPCI_EXP_SLTCAP_ABP 0x01
#define  QPCI_EXP_SLTCAP_PCP 0x02
#define  QPCI_EXP_SLTCAP_MRLSP 0x04
#define  QPCI_EXP_SLTCAP_AIP 0x08
#define  QPCI_EXP_SLTCAP_PIP 0x10
#define  QPCI_EXP_SLTCAP_HPS 0x20
#define  QPCI_EXP_SLTCAP_HPC 0x40
#define  QPCI_EXP_SLTCAP_PSN_SHIFT 19
#define QPCI_EXP_SLTCTL     0x18
#define  QPCI_EXP_SLTCTL_ABPE 0x0001
#define  QPCI_EXP_SLTCTL_PDCE 0x0008
#define  QPCI_EXP_SLTCTL_CCIE 0x0010
#define  QPCI_EXP_SLTCTL_HPIE 0x0020
#define  QPCI_EXP_SLTCTL_ATTN_IND_OFF 0x00c0
#define  QPCI_EXP_SLTCTL_PWR_IND_ON 0x0100
#define  QPCI_EXP_SLTCTL_PWR_IND_BLINK 0x0200
#define  QPCI_EXP_SLTCTL_PWR_IND_OFF 0x0300
#define  QPCI_EXP_SLTCTL_PCC 0x0400     /* 1: power off */
#define  QPCI_EXP_SLTCTL_EIC 0x0800
#define  QPCI_EXP_SLTCTL_DLLSCE 0x1000
#define QPCI_EXP_SLTSTA     0x1a
#define  QPCI_EXP_SLTSTA_ABP 0x0001
#define  QPCI_EXP_SLTSTA_PDC 0x0008
#define  QPCI_EXP_SLTSTA_CC 0x0010
#define  QPCI_EXP_SLTSTA_PDS 0x0040
#define  QPCI_EXP_SLTSTA_EIS 0x0080
#define  QPCI_EXP_SLTSTA_DLLSC 0x0100

/* Where BARs go.  pref_next 0: prefetchable BARs share the MMIO window. */
typedef struct QPCIBus {
    QTestState *qts;
    uint64_t mmio_next;     /* next free address for BARs */
    uint64_t mmio_limit;    /* exclusive */
    uint64_t pref_next;     /* next free address for prefetchable BARs */
    uint64_t pref_limit;    /* exclusive */
} QPCIBus;

typedef struct QPCIDevice {
    QPCIBus *bus;
    uint8_t bus_nr;         /* 0, or the secondary bus of a bridge */
    int devfn;              /* slot << 3 | function */
    uint8_t bridge_bus_nr;  /* the bridge above (bus_nr != 0) */
    int bridge_devfn;       /* -1 on bus 0 */
    uint64_t msix_table;    /* guest address of the MSI-X table, or 0 */
    uint16_t msix_entries;
} QPCIDevice;

void qpci_bus_init(QPCIBus *bus, QTestState *qts);
/* BARs of dev's bus from the windows its bridge has programmed (dev
 * behind a bridge) instead of the bus 0 window. */
void qpci_bus_init_behind_bridge(QPCIBus *bus, QPCIDevice *dev);

uint8_t qpci_config_readb(QPCIDevice *dev, uint8_t offset);
uint16_t qpci_config_readw(QPCIDevice *dev, uint8_t offset);
uint32_t qpci_config_readl(QPCIDevice *dev, uint8_t offset);
void qpci_config_writeb(QPCIDevice *dev, uint8_t offset, uint8_t value);
void qpci_config_writew(QPCIDevice *dev, uint8_t offset, uint16_t value);
void qpci_config_writel(QPCIDevice *dev, uint8_t offset, uint32_t value);

/*
 * Firmware's part for bridges: every bridge reachable from bus 0 whose
 * secondary bus number is still 0 gets primary, secondary and subordinate
 * numbers (depth first, from 1); a bridge on bus 0 also gets its memory and
 * prefetchable windows (QPCI_BRIDGE_WINDOW_*; I/O closed) and memory, I/O
 * and bus-master decoding.  Bridges already numbered are kept as they are,
 * so calling it again changes nothing.  Returns the highest bus number.
 */
int qpci_bridges_init(QPCIBus *bus);

/* The first function with vendor:device on bus 0 or behind a numbered
 * bridge (buses in number order), or NULL (g_free it). */
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
/* The function at bus_nr:devfn, whatever answers there (g_free it). */
QPCIDevice *qpci_device_at(QPCIBus *bus, uint8_t bus_nr, int devfn);
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
