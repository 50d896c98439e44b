/*
 * The PCI side shared by VFIO devices (vfio-user-pci, vfio-pci): the
 * device's config header copied into the emulated one, BARs backed by
 * region accesses (or by the region's fd, mapped), config registers past
 * the header passed through, INTx from an eventfd.  A backend gives the
 * region and IRQ operations (vfio-user messages, kernel device fd).
 * Implementation: hw/vfio/pci-core.c.  Main loop only.
 */
#ifndef HW_VFIO_VFIO_PCI_CORE_H
#define HW_VFIO_VFIO_PCI_CORE_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"

/* Bytes of the type 0 header emulated here; the rest is the device's. */
#define VFIO_PCI_CORE_HEADER_SIZE 0x40

typedef struct VFIORegionInfo {
    uint32_t flags;                 /* VFIO_REGION_INFO_FLAG_* */
    uint64_t size;                  /* bytes */
    uint64_t offset;                /* mmap offset in fd (kernel: in the
                                     * device fd, also for read/write) */
    int fd;                         /* fd to mmap, owned by the caller, or -1 */
} VFIORegionInfo;

typedef struct VFIOPCICore VFIOPCICore;
typedef struct VFIOPCIMsixVector VFIOPCIMsixVector;  /* pci-msix.c's */

/* Region and IRQ access; region ops return 0 or -errno. */
typedef struct VFIOPCICoreOps {
    bool (*region_info)(void *opaque, uint32_t index, VFIORegionInfo *info,
                        Error **errp);
    int (*region_read)(void *opaque, uint32_t index, uint64_t offset,
                       void *buf, uint32_t count);
    int (*region_write)(void *opaque, uint32_t index, uint64_t offset,
                        const void *buf, uint32_t count);
    bool (*irq_info)(void *opaque, uint32_t index, uint32_t *count,
                     Error **errp);
    /* Trigger fds[i] for vector start + i of index, count <= 8; fds
     * NULL: no trigger for any vector of index (count ignored). */
    bool (*set_irqs)(void *opaque, uint32_t index, uint32_t start,
                     uint32_t count, const int *fds, Error **errp);
    bool (*is_stopped)(void *opaque);   /* backend gone: do not ask */
} VFIOPCICoreOps;

typedef struct VFIOPCIBar {
    VFIOPCICore *core;
    uint32_t index;             /* region index = BAR number */
    MemoryRegion mr;            /* the BAR: a container (MSI-X table on top) */
    MemoryRegion dev_mr;        /* the device's region inside it */
    void *mmap_ptr;             /* mapped from the region's fd, or NULL */
    uint64_t mmap_size;
    bool registered;
} VFIOPCIBar;

/* Fields private to hw/vfio/pci-core.c; embed in the device. */
struct VFIOPCICore {
    PCIDevice *pdev;
    const VFIOPCICoreOps *ops;
    void *opaque;
    const char *name;           /* the device's id, for messages */
    VFIOPCIBar bars[PCI_NUM_BARS];
    int intx_fd;                /* eventfd the device triggers, or -1 */
    guint intx_watch;
    /* MSI-X (hw/vfio/pci-msix.c): capability offset (0: none), vectors
     * emulated here (an eventfd and watch each), and whether the device
     * has our eventfds (the guest enabled MSI-X). */
    uint8_t msix_pos;
    unsigned int msix_nb;
    VFIOPCIMsixVector *msix_vectors;
    bool msix_armed;
};

/* From instance_init: nothing asked yet. */
void vfio_pci_core_init(VFIOPCICore *core, PCIDevice *pdev,
                        const VFIOPCICoreOps *ops, void *opaque);
/*
 * From realize, once the backend answers: copy the header, register the
 * BARs, wire INTx.  name is kept (the caller's string).  On failure errp
 * names the step; call vfio_pci_core_teardown() then.
 */
bool vfio_pci_core_setup(VFIOPCICore *core, const char *name, Error **errp);
/* INTx and MSI-X off; from exit and failed realize.  Idempotent. */
void vfio_pci_core_teardown(VFIOPCICore *core);
/* After the backend reset the device: it holds no MSI-X eventfds now. */
void vfio_pci_core_reset(VFIOPCICore *core);
/* BAR regions and mappings; from instance_finalize. */
void vfio_pci_core_finalize(VFIOPCICore *core);
/* The PCIDeviceClass config hooks, for the device to forward to. */
uint32_t vfio_pci_core_config_read(VFIOPCICore *core, uint32_t addr,
                                   unsigned len);
void vfio_pci_core_config_write(VFIOPCICore *core, uint32_t addr,
                                uint32_t val, unsigned len);

#endif /* HW_VFIO_VFIO_PCI_CORE_H */
