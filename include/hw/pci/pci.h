/*
 * PCI devices and buses: the 256-byte configuration space with its
 * read-only / writable / write-1-to-clear masks, capabilities, BARs mapped
 * into the bus's memory and I/O spaces while decoding is enabled, INTx
 * routed through the bus to the host bridge, and slot/function addressing
 * ("addr=SLOT[.FN]").  Implementation: hw/pci/pci.c.  Host bridges
 * (config mechanism #1, ECAM) are hw/pci/pci-host.c and hw/pci/q35-host.c;
 * MSI-X is hw/pci/msix.c.  Main loop only.
 */
#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include "qemu/osdep.h"
#include "hw/core/qdev.h"
#include "exec/memory.h"

#define TYPE_PCI_DEVICE "pci-device"
#define TYPE_PCI_BUS "PCI"
#define TYPE_PCIE_BUS "PCIE"
#define TYPE_PCI_BRIDGE_BASE "base-pci-bridge"  /* abstract: hw/pci/pci-bridge.c */
#define TYPE_PCI_BRIDGE "pci-bridge"    /* hw/pci/pci-bridge.c */
#define TYPE_PCIE_ROOT_PORT "pcie-root-port"    /* hw/pci/pcie-root-port.c */

/* Property names of every PCI device. */
#define PCI_DEVICE_ADDR_PROP "addr"
#define PCI_DEVICE_MULTIFUNCTION_PROP "multifunction"

#define PCI_CONFIG_SPACE_SIZE   0x100
#define PCI_SLOT_MAX            32
#define PCI_FUNC_MAX            8
#define PCI_DEVFN_MAX           256
#define PCI_NUM_PINS            4       /* INTA..INTD */
#define PCI_NUM_BARS            6

#define PCI_DEVFN(slot, func)   ((((slot) & 0x1f) << 3) | ((func) & 0x07))
#define PCI_SLOT(devfn)         (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)         ((devfn) & 0x07)

/* Type 0 configuration header (PCI Local Bus 3.0, 6.1). */
#define PCI_VENDOR_ID           0x00    /* 16 bits */
#define PCI_DEVICE_ID           0x02    /* 16 bits */
#define PCI_COMMAND             0x04    /* 16 bits */
#define  PCI_COMMAND_IO         0x0001
#define  PCI_COMMAND_MEMORY     0x0002
#define  PCI_COMMAND_MASTER     0x0004
#define  PCI_COMMAND_SERR       0x0100
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS              0x06    /* 16 bits */
#define  PCI_STATUS_INTERRUPT   0x0008
#define  PCI_STATUS_CAP_LIST    0x0010
#define  PCI_STATUS_66MHZ       0x0020
#define  PCI_STATUS_FAST_BACK   0x0080
#define PCI_REVISION_ID         0x08
#define PCI_CLASS_PROG          0x09
#define PCI_CLASS_DEVICE        0x0a    /* 16 bits: class << 8 | subclass */
#define PCI_CACHE_LINE_SIZE     0x0c
#define PCI_LATENCY_TIMER       0x0d
#define PCI_HEADER_TYPE         0x0e
#define  PCI_HEADER_TYPE_NORMAL 0x00
#define  PCI_HEADER_TYPE_BRIDGE 0x01
#define  PCI_HEADER_TYPE_MULTI_FUNCTION 0x80
#define PCI_BASE_ADDRESS_0      0x10    /* 32 bits each, six of them */
#define  PCI_BASE_ADDRESS_SPACE_IO      0x01
#define  PCI_BASE_ADDRESS_SPACE_MEMORY  0x00
#define  PCI_BASE_ADDRESS_MEM_TYPE_32   0x00
#define  PCI_BASE_ADDRESS_MEM_TYPE_64   0x04
#define  PCI_BASE_ADDRESS_MEM_PREFETCH  0x08
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID        0x2e
#define PCI_ROM_ADDRESS         0x30
#define PCI_CAPABILITY_LIST     0x34
#define PCI_INTERRUPT_LINE      0x3c
#define PCI_INTERRUPT_PIN       0x3d    /* 1 = INTA ... 4 = INTD */

/* Type 1 (bridge) header. */
#define PCI_PRIMARY_BUS         0x18
#define PCI_SECONDARY_BUS       0x19
#define PCI_SUBORDINATE_BUS     0x1a
#define PCI_IO_BASE             0x1c
#define PCI_IO_LIMIT            0x1d
#define PCI_SEC_STATUS          0x1e
#define PCI_MEMORY_BASE         0x20
#define PCI_MEMORY_LIMIT        0x22
#define PCI_PREF_MEMORY_BASE    0x24
#define PCI_PREF_MEMORY_LIMIT   0x26
#define PCI_PREF_BASE_UPPER32   0x28
#define PCI_PREF_LIMIT_UPPER32  0x2c
#define PCI_IO_BASE_UPPER16     0x30
#define PCI_IO_LIMIT_UPPER16    0x32
#define PCI_ROM_ADDRESS1        0x38
#define PCI_BRIDGE_CONTROL      0x3e

/* Capability IDs. */
#define PCI_CAP_ID_VNDR         0x09
#define PCI_CAP_ID_SSVID        0x0d    /* bridge subsystem vendor/device */
#define PCI_CAP_ID_EXP          0x10    /* PCI Express: include/hw/pci/pcie.h */
#define PCI_CAP_ID_MSIX         0x11
#define PCI_CAP_LIST_NEXT       1       /* offset of "next" in a capability */

/* Vendors, classes, identities used here. */
#define PCI_VENDOR_ID_INTEL     0x8086
#define PCI_VENDOR_ID_REDHAT_QUMRANET 0x1af4
#define PCI_SUBVENDOR_ID_REDHAT_QUMRANET 0x1af4
#define PCI_SUBDEVICE_ID_QEMU   0x1100
#define PCI_VENDOR_ID_REDHAT    0x1b36
#define PCI_DEVICE_ID_REDHAT_BRIDGE 0x0001
#define PCI_DEVICE_ID_REDHAT_PCIE_RP 0x000c
#define PCI_CLASS_BRIDGE_HOST   0x0600
#define PCI_CLASS_BRIDGE_PCI    0x0604
#define PCI_CLASS_OTHERS        0x00ff

/* A BAR that is not mapped (decoding off, address 0, invalid). */
#define PCI_BAR_UNMAPPED        (~(uint64_t)0)

typedef struct PCIDevice PCIDevice;
typedef struct PCIBus PCIBus;

/* Fields private to hw/pci/pci.c. */
typedef struct PCIIORegion {
    uint64_t addr;          /* bus address, PCI_BAR_UNMAPPED when unmapped */
    uint64_t size;          /* bytes; power of two; 0: BAR not registered */
    uint8_t type;           /* PCI_BASE_ADDRESS_* flags */
    MemoryRegion *memory;   /* the device's region, mapped at addr */
    MemoryRegion *address_space;    /* bus memory or I/O it maps into */
} PCIIORegion;

/* Fields private to hw/pci/ (msix.c shares the MSI-X ones). */
struct PCIDevice {
    DeviceState qdev;
    uint8_t config[PCI_CONFIG_SPACE_SIZE];
    uint8_t wmask[PCI_CONFIG_SPACE_SIZE];   /* bits the guest may write */
    uint8_t w1cmask[PCI_CONFIG_SPACE_SIZE]; /* bits cleared by writing 1 */
    uint8_t used[PCI_CONFIG_SPACE_SIZE];    /* bytes taken by capabilities */
    int32_t devfn;              /* -1 until the bus assigns one */
    bool multifunction;
    PCIIORegion io_regions[PCI_NUM_BARS];
    int irq_level;              /* INTx level the device asserts (0/1) */
    /* false while the slot above is powered off (pci_set_power): config
     * reads are all-ones, writes are dropped, BARs are unmapped. */
    bool has_power;
    /* MSI-X (msix.c); msix_cap 0 when absent. */
    uint8_t msix_cap;
    unsigned int msix_nb_vectors;
    uint8_t *msix_table;        /* 16 bytes per vector, little-endian */
    uint8_t *msix_pba;          /* one pending bit per vector */
    MemoryRegion msix_table_mmio;
    MemoryRegion msix_pba_mmio;
    MemoryRegion msix_exclusive_bar;
    bool has_msix_exclusive_bar;
};

typedef struct PCIDeviceClass {
    DeviceClass parent_class;
    /* PCI realize, after the bus assigned devfn and the header is set. */
    bool (*realize)(PCIDevice *dev, Error **errp);
    void (*exit)(PCIDevice *dev);
    /* Device reset (after the generic header reset). */
    void (*reset)(PCIDevice *dev);
    /* Optional: after migration loaded the config bytes and mapped the
     * BARs, apply what else follows from them (bridge windows, ...). */
    void (*post_load)(PCIDevice *dev);
    /* Config access hooks; default pci_default_read/write_config. */
    uint32_t (*config_read)(PCIDevice *dev, uint32_t addr, unsigned len);
    void (*config_write)(PCIDevice *dev, uint32_t addr, uint32_t val,
                         unsigned len);
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint16_t class_id;          /* class << 8 | subclass */
    uint16_t subsystem_vendor_id;   /* 0: 1af4 (QEMU's default) */
    uint16_t subsystem_id;          /* 0 with the above: 1100 */
    bool is_bridge;             /* type 1 header */
} PCIDeviceClass;

/* INTx routing: pin (0 = INTA) of dev to the bus's interrupt number. */
typedef int (*PCIMapIRQFunc)(PCIDevice *dev, int pin);
/* Level of the bus's interrupt number irq_num changed. */
typedef void (*PCISetIRQFunc)(void *opaque, int irq_num, int level);

/* Fields private to hw/pci/. */
struct PCIBus {
    BusState qbus;
    PCIDevice *devices[PCI_DEVFN_MAX];
    MemoryRegion *address_space_mem;    /* where memory BARs map */
    MemoryRegion *address_space_io;     /* where I/O BARs map */
    PCIDevice *parent_dev;              /* bridge above, NULL for a root */
    PCIMapIRQFunc map_irq;
    PCISetIRQFunc set_irq;              /* root buses only */
    void *irq_opaque;
    int nb_irqs;
    int *irq_count;                     /* devices asserting each irq_num */
};

#define PCI_DEVICE(obj) OBJECT_CHECK(PCIDevice, (obj), TYPE_PCI_DEVICE)
#define PCI_DEVICE_CLASS(klass) \
    OBJECT_CLASS_CHECK(PCIDeviceClass, (klass), TYPE_PCI_DEVICE)
#define PCI_DEVICE_GET_CLASS(obj) \
    OBJECT_GET_CLASS(PCIDeviceClass, (obj), TYPE_PCI_DEVICE)
#define PCI_BUS(obj) OBJECT_CHECK(PCIBus, (obj), TYPE_PCI_BUS)

/* ---- little-endian config helpers ---- */

static inline void pci_set_byte(uint8_t *p, uint8_t v) { p[0] = v; }
static inline uint8_t pci_get_byte(const uint8_t *p) { return p[0]; }
static inline void pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}
static inline uint16_t pci_get_word(const uint8_t *p)
{
    return p[0] | (uint16_t)p[1] << 8;
}
static inline void pci_set_long(uint8_t *p, uint32_t v)
{
    pci_set_word(p, v);
    pci_set_word(p + 2, v >> 16);
}
static inline uint32_t pci_get_long(const uint8_t *p)
{
    return pci_get_word(p) | (uint32_t)pci_get_word(p + 2) << 16;
}
static inline void pci_set_quad(uint8_t *p, uint64_t v)
{
    pci_set_long(p, v);
    pci_set_long(p + 4, v >> 32);
}
static inline uint64_t pci_get_quad(const uint8_t *p)
{
    return pci_get_long(p) | (uint64_t)pci_get_long(p + 4) << 32;
}

/* ---- buses ---- */

/*
 * A root bus named name (e.g. "pcie.0", of type TYPE_PCIE_BUS) below
 * parent (the host bridge device).  BARs of its devices map into mem
 * (memory BARs) and io (I/O BARs).  INTx: map_irq turns a device's pin
 * into one of nb_irqs numbers; set_irq(opaque, n, level) is called when
 * the number of devices asserting n goes from 0 to 1 or back.
 */
PCIBus *pci_root_bus_new(DeviceState *parent, const char *name,
                         const char *typename, MemoryRegion *mem,
                         MemoryRegion *io, PCIMapIRQFunc map_irq,
                         PCISetIRQFunc set_irq, void *irq_opaque,
                         int nb_irqs);
/* Bus number as the guest programmed it: 0 for a root bus, else the
 * secondary bus number of the bridge above. */
int pci_bus_num(PCIBus *bus);
/* Device at devfn on bus, or NULL. */
PCIDevice *pci_bus_get_device(PCIBus *bus, int devfn);
/* The bus whose number is bus_num, searching bridges below root; NULL if
 * none.  O(devices behind bridges). */
PCIBus *pci_find_bus_nr(PCIBus *root, int bus_num);
PCIBus *pci_get_bus(const PCIDevice *dev);

/* ---- devices ---- */

/*
 * Create a device of typename at devfn (-1: first free slot) on bus, add
 * it as child name of parent and realize it.  For boards and tests;
 * -device goes through qdev_device_add.  NULL and errp set on failure,
 * nothing left behind.
 */
PCIDevice *pci_create_simple(PCIBus *bus, int devfn, const char *typename,
                             Object *parent, const char *name, Error **errp);

/*
 * Config space access from the host bridge: addr + len <= 256, len 1, 2
 * or 4.  Goes through the class hooks.
 */
uint32_t pci_config_read(PCIDevice *dev, uint32_t addr, unsigned len);
void pci_config_write(PCIDevice *dev, uint32_t addr, uint32_t val,
                      unsigned len);
/* The default behaviour: masks applied, BARs remapped on command/BAR
 * change, INTx disable honoured, MSI-X control tracked. */
uint32_t pci_default_read_config(PCIDevice *dev, uint32_t addr,
                                 unsigned len);
void pci_default_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                              unsigned len);

/*
 * Register BAR bar_nr (0..5; a 64-bit BAR takes bar_nr + 1 too) backed by
 * mr, whose size must be a power of two (>= 16 bytes for memory, >= 4 for
 * I/O).  type: PCI_BASE_ADDRESS_SPACE_IO or a combination of
 * PCI_BASE_ADDRESS_MEM_TYPE_64 and PCI_BASE_ADDRESS_MEM_PREFETCH.
 * Call from realize.  The region is mapped while the command register
 * enables decoding and the BAR holds a valid address.
 */
void pci_register_bar(PCIDevice *dev, int bar_nr, uint8_t type,
                      MemoryRegion *mr);
/* Bus address of BAR bar_nr, or PCI_BAR_UNMAPPED. */
uint64_t pci_get_bar_addr(PCIDevice *dev, int bar_nr);

/*
 * Add capability cap_id of size bytes at offset (fixed, >= 0x40, 4-byte
 * aligned) and link it at the head of the list, so the list is walked
 * from the last added one.  Sets the status capability-list bit.  Fails
 * (errp) when the range overlaps another capability or leaves the
 * 256-byte space.
 */
bool pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t offset,
                        uint8_t size, Error **errp);
/* Offset of the first capability with cap_id, or 0. */
uint8_t pci_find_capability(PCIDevice *dev, uint8_t cap_id);

/* Header fields. */
void pci_config_set_vendor_id(uint8_t *config, uint16_t val);
void pci_config_set_device_id(uint8_t *config, uint16_t val);
void pci_config_set_revision(uint8_t *config, uint8_t val);
void pci_config_set_class(uint8_t *config, uint16_t val);
void pci_config_set_interrupt_pin(uint8_t *config, uint8_t pin);

/*
 * Power of dev as its slot's power controller sets it (hw/pci/pcie.c).
 * Powering off unmaps the BARs and resets the device; config space then
 * reads all-ones and ignores writes until power returns.  Devices start
 * powered.
 */
void pci_set_power(PCIDevice *dev, bool on);

/* INTx: level of the device's pin (config interrupt pin, 1 = INTA). */
void pci_set_irq(PCIDevice *dev, int level);
static inline void pci_irq_assert(PCIDevice *dev) { pci_set_irq(dev, 1); }
static inline void pci_irq_deassert(PCIDevice *dev) { pci_set_irq(dev, 0); }


/* ---- bridges (hw/pci/pci-bridge.c) ---- */

typedef enum PCIBridgeWindowKind {
    PCI_BRIDGE_WINDOW_IO,
    PCI_BRIDGE_WINDOW_MEM,
    PCI_BRIDGE_WINDOW_PREF,
} PCIBridgeWindowKind;

/* A bridge's window as the guest programmed it: [*base, *limit]
 * (inclusive); closed when *base > *limit. */
void pci_bridge_get_window(const PCIDevice *bridge, PCIBridgeWindowKind kind,
                           uint64_t *base, uint64_t *limit);

/*
 * HMP "info pci" in QEMU 7.2's format, appended to out: every root bus
 * below /machine, devices in devfn order, bridges' secondary buses once
 * their bus number is set.  O(devices).  (hw/pci/pci-info.c)
 */
void pci_info_print(GString *out);

/* The device's name for messages: "virtio-mem-pci". */
const char *pci_device_name(const PCIDevice *dev);
/*
 * Parse "SLOT[.FN]" (hex, slot <= 0x1f, fn <= 7) as QEMU's addr property
 * does.  Returns devfn or -1 when malformed.
 */
int pci_parse_devfn(const char *str);

#endif /* HW_PCI_PCI_H */
