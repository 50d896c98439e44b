/*
 * PCI host bridges: configuration mechanism #1 (index at I/O port 0xcf8,
 * data at 0xcfc) and ECAM/MMCONFIG (bus << 20 | devfn << 12 | register),
 * both decoding to a root bus and the bridges below it; and the q35 host
 * ("q35-pcihost" at /machine/q35 with the "mch" device at 00.0 and the
 * root bus "pcie.0").  Implementation: hw/pci/pci-host.c,
 * hw/pci/q35-host.c.  Main loop only.
 */
#ifndef HW_PCI_PCI_HOST_H
#define HW_PCI_PCI_HOST_H

#include "hw/pci/pci.h"

#define TYPE_PCI_HOST_BRIDGE "pci-host-bridge"

#define PCI_HOST_CONFIG_ADDR_PORT   0xcf8
#define PCI_HOST_CONFIG_DATA_PORT   0xcfc
#define PCI_HOST_CONFIG_ENABLE      0x80000000u

/* Fields private to hw/pci/ (visible for embedding). */
typedef struct PCIHostState {
    DeviceState parent_obj;
    PCIBus *bus;                /* the root bus */
    uint32_t config_reg;        /* last dword written to 0xcf8 */
    MemoryRegion conf_mem;      /* "pci-conf-idx", 4 bytes */
    MemoryRegion data_mem;      /* "pci-conf-data", 4 bytes */
    MemoryRegion mmcfg;         /* "pcie-mmcfg-mmio" */
    MemoryRegion *mmcfg_container;  /* where mmcfg maps, NULL: unmapped */
    uint64_t mmcfg_base;        /* PCI_BAR_UNMAPPED while disabled */
    uint64_t mmcfg_size;        /* bytes, 0 while disabled */
} PCIHostState;

#define PCI_HOST_BRIDGE(obj) \
    OBJECT_CHECK(PCIHostState, (obj), TYPE_PCI_HOST_BRIDGE)

/*
 * Config cycles by mechanism #1 address (enable bit ignored; bus in bits
 * 23:16, devfn 15:8, register 7:0; len 1, 2 or 4, not crossing a dword).
 * Nothing there: reads are all-ones, writes are dropped.
 */
uint32_t pci_data_read(PCIBus *root, uint32_t addr, unsigned len);
void pci_data_write(PCIBus *root, uint32_t addr, uint32_t val,
                    unsigned len);

/* Create the 0xcf8/0xcfc regions of s and map them into io. */
void pci_host_map_conf_ports(PCIHostState *s, MemoryRegion *io);
/*
 * Map (enable) or unmap the ECAM window of s: size bytes (1 MiB per bus,
 * at most 256 MiB) at base in container.  Accesses past a device's 256
 * bytes read all-ones.
 */
void pci_host_mmcfg_update(PCIHostState *s, MemoryRegion *container,
                           bool enable, uint64_t base, uint64_t size);

/* ---- q35 ---- */

#define TYPE_Q35_HOST_DEVICE "q35-pcihost"
#define TYPE_MCH_PCI_DEVICE "mch"

#define Q35_HOST_PATH               "/machine/q35"
#define Q35_HOST_ROOT_BUS_NAME      "pcie.0"
#define Q35_HOST_PCI_HOLE_START_PROP    "pci-hole-start"
#define Q35_HOST_PCI_HOLE_END_PROP      "pci-hole-end"
#define Q35_HOST_PCI_HOLE64_START_PROP  "pci-hole64-start"
#define Q35_HOST_PCI_HOLE64_END_PROP    "pci-hole64-end"
#define Q35_HOST_PCI_HOLE64_SIZE_PROP   "pci-hole64-size"
#define Q35_HOST_BELOW_4G_MEM_SIZE_PROP "below-4g-mem-size"
#define Q35_HOST_ABOVE_4G_MEM_SIZE_PROP "above-4g-mem-size"
#define Q35_HOST_MCFG_PROP              "MCFG"
#define Q35_HOST_MCFG_SIZE_PROP         "mcfg_size"

#define Q35_HOST_HOLE64_SIZE_DEFAULT    (UINT64_C(32) << 30)
#define Q35_HOST_PCI_HOLE_END           0xfec00000u     /* the IOAPIC */
/* MCH register PCIEXBAR (64 bits): base | length code << 1 | enable. */
#define Q35_MCH_PCIEXBAR                0x60
#define Q35_MCH_PCIEXBAR_DEFAULT        0xb0000000u
/* INTx: pin p of slot s goes to PIRQ (s + p) % 4, PIRQ A-D to GSI 16-19. */
#define Q35_HOST_NB_PIRQS               4
#define Q35_HOST_PIRQ_GSI_BASE          16

/*
 * Create and realize the q35 host at /machine/q35 (call once, from the
 * machine's init; a failure is fatal to the machine): root bus "pcie.0"
 * whose memory BARs map into pci_memory and I/O BARs into system_io; the
 * "mch" host bridge (8086:29c0) at 00.0; ports 0xcf8/0xcfc in system_io;
 * pci_memory (NULL: the host makes its own container "pci", 2^64 bytes)
 * mapped at 0 of system_memory with priority -1 (under RAM) if it is not
 * mapped yet; the ECAM window in system_memory once the guest
 * enables PCIEXBAR.  Returns the root bus, NULL on failure (errp).
 */
PCIBus *q35_host_create(MemoryRegion *system_memory, MemoryRegion *system_io,
                        MemoryRegion *pci_memory, Error **errp);
/* The host created by q35_host_create, or NULL. */
DeviceState *q35_host_get(void);
/*
 * Connect the four PIRQ lines to the IOAPIC: gsi is the IOAPIC's input
 * array (at least 20 lines); PIRQ A-D go to gsi[16..19].  The lines are
 * also the host's unnamed GPIO outputs 0..3.
 */
void q35_host_set_irqs(DeviceState *host, qemu_irq *gsi);
/* The same with the IOAPIC device's unnamed GPIO inputs 16..19. */
void q35_host_connect_ioapic(DeviceState *host, DeviceState *ioapic);
/*
 * Machine setters (any time; qom-set of these is refused after realize
 * as in QEMU).  Without them: pci-hole-start = below-4g-mem-size,
 * pci-hole-end = 0xfec00000, pci-hole64-start = 4 GiB +
 * above-4g-mem-size aligned up to 1 GiB, pci-hole64-end = start +
 * pci-hole64-size aligned up to 1 GiB.
 */
void q35_host_set_memory_sizes(DeviceState *host, uint64_t below_4g_size,
                               uint64_t above_4g_size);
void q35_host_set_pci_hole(DeviceState *host, uint32_t start, uint32_t end);
void q35_host_set_pci_hole64_start(DeviceState *host, uint64_t start);

/*
 * The "pci-host" migration section of phb (the 0xcf8 address latch), for
 * the machine once the host is realized; the host lives as long as the
 * machine.  Fails only for a duplicate.
 */
bool pci_host_migration_register(PCIHostState *phb, Error **errp);

#endif /* HW_PCI_PCI_HOST_H */
