/*
 * virtio-pci, modern interface only (virtio 1.2, 4.1): the abstract
 * "virtio-pci" proxy, a PCI device that carries one VirtIODevice.  BAR4
 * (64-bit prefetchable, 16 KiB) holds common config, ISR, device config
 * and notify; BAR1 the MSI-X table.  Concrete types ("virtio-mem-pci")
 * embed the VirtIODevice, hand it over with virtio_pci_set_vdev() in
 * their instance_init and realize it in their VirtioPCIClass realize.
 * Implementation: hw/virtio/virtio-pci.c.  Main loop only.
 */
#ifndef HW_VIRTIO_VIRTIO_PCI_H
#define HW_VIRTIO_VIRTIO_PCI_H

#include "hw/pci/pci.h"
#include "hw/virtio/virtio.h"

#define TYPE_VIRTIO_PCI "virtio-pci"
#define VIRTIO_PCI_VECTORS_PROP "vectors"
#define VIRTIO_PCI_DISABLE_LEGACY_PROP "disable-legacy"
#define VIRTIO_PCI_DISABLE_MODERN_PROP "disable-modern"

/* Layout facts shared with tests and drivers. */
#define VIRTIO_PCI_MODERN_BAR           4
#define VIRTIO_PCI_MSIX_BAR             1
#define VIRTIO_PCI_MODERN_BAR_SIZE      0x4000
#define VIRTIO_PCI_REGION_SIZE          0x1000
#define VIRTIO_PCI_COMMON_OFFSET        0x0000
#define VIRTIO_PCI_ISR_OFFSET           0x1000
#define VIRTIO_PCI_DEVICE_OFFSET        0x2000
#define VIRTIO_PCI_NOTIFY_OFFSET        0x3000
#define VIRTIO_PCI_NOTIFY_OFF_MULTIPLIER 4
#define VIRTIO_PCI_DEVICE_ID_BASE       0x1040
#define VIRTIO_PCI_REVISION             1
/* Capability offsets (walked from MSI-X down to common). */
#define VIRTIO_PCI_CAP_COMMON_POS       0x40
#define VIRTIO_PCI_CAP_ISR_POS          0x50
#define VIRTIO_PCI_CAP_DEVICE_POS       0x60
#define VIRTIO_PCI_CAP_NOTIFY_POS       0x70
#define VIRTIO_PCI_CAP_PCI_CFG_POS      0x84
#define VIRTIO_PCI_CAP_MSIX_POS         0x98

/* struct virtio_pci_cap (virtio 1.2, 4.1.4). */
#define VIRTIO_PCI_CAP_CFG_TYPE         3
#define VIRTIO_PCI_CAP_BAR              4
#define VIRTIO_PCI_CAP_OFFSET           8
#define VIRTIO_PCI_CAP_LENGTH           12
#define VIRTIO_PCI_CAP_SIZE             16
#define VIRTIO_PCI_NOTIFY_CAP_MULT      16
#define VIRTIO_PCI_NOTIFY_CAP_SIZE      20
#define VIRTIO_PCI_CFG_CAP_DATA         16
#define VIRTIO_PCI_CFG_CAP_SIZE         20
#define VIRTIO_PCI_CAP_COMMON_CFG       1
#define VIRTIO_PCI_CAP_NOTIFY_CFG       2
#define VIRTIO_PCI_CAP_ISR_CFG          3
#define VIRTIO_PCI_CAP_DEVICE_CFG       4
#define VIRTIO_PCI_CAP_PCI_CFG          5

/* struct virtio_pci_common_cfg (virtio 1.2, 4.1.4.3). */
#define VIRTIO_PCI_COMMON_DFSELECT      0x00
#define VIRTIO_PCI_COMMON_DF            0x04
#define VIRTIO_PCI_COMMON_GFSELECT      0x08
#define VIRTIO_PCI_COMMON_GF            0x0c
#define VIRTIO_PCI_COMMON_MSIX          0x10
#define VIRTIO_PCI_COMMON_NUMQ          0x12
#define VIRTIO_PCI_COMMON_STATUS        0x14
#define VIRTIO_PCI_COMMON_CFGGENERATION 0x15
#define VIRTIO_PCI_COMMON_Q_SELECT      0x16
#define VIRTIO_PCI_COMMON_Q_SIZE        0x18
#define VIRTIO_PCI_COMMON_Q_MSIX        0x1a
#define VIRTIO_PCI_COMMON_Q_ENABLE      0x1c
#define VIRTIO_PCI_COMMON_Q_NOFF        0x1e
#define VIRTIO_PCI_COMMON_Q_DESCLO      0x20
#define VIRTIO_PCI_COMMON_Q_DESCHI      0x24
#define VIRTIO_PCI_COMMON_Q_AVAILLO     0x28
#define VIRTIO_PCI_COMMON_Q_AVAILHI     0x2c
#define VIRTIO_PCI_COMMON_Q_USEDLO      0x30
#define VIRTIO_PCI_COMMON_Q_USEDHI      0x34

/* Driver-side shadow of one queue until queue_enable commits it. */
typedef struct VirtIOPCIQueue {
    uint16_t num;
    bool enabled;
    uint32_t desc[2];           /* lo, hi */
    uint32_t avail[2];
    uint32_t used[2];
} VirtIOPCIQueue;

/* Fields private to hw/virtio/virtio-pci.c (visible for embedding). */
typedef struct VirtIOPCIProxy {
    PCIDevice pci_dev;
    VirtIODevice *vdev;         /* set by the concrete type */
    uint32_t nvectors;          /* MSI-X vectors, 0: no MSI-X */
    uint32_t dfselect;
    uint32_t gfselect;
    uint32_t guest_features[2];
    uint16_t queue_sel;
    unsigned int nb_vqs;        /* queues of vdev at realize */
    VirtIOPCIQueue *vqs;        /* nb_vqs of them */
    MemoryRegion modern_bar;    /* container, BAR4 */
    MemoryRegion common;
    MemoryRegion isr;
    MemoryRegion device;
    MemoryRegion notify;
} VirtIOPCIProxy;

typedef struct VirtioPCIClass {
    PCIDeviceClass parent_class;
    /* Realize the embedded VirtIODevice (qdev_realize(vdev, NULL, errp)). */
    bool (*realize)(VirtIOPCIProxy *proxy, Error **errp);
    /*
     * MSI-X vectors (0: no MSI-X, INTx only).  With has_vectors_prop the
     * "vectors" property (uint32) lets the user change it, as QEMU's
     * virtio-net-pci; QEMU 7.2's virtio-mem-pci has neither property nor
     * MSI-X (its capability list starts at 0x84), newer QEMU gives it 2.
     */
    uint32_t default_nvectors;
    bool has_vectors_prop;
} VirtioPCIClass;

#define VIRTIO_PCI(obj) OBJECT_CHECK(VirtIOPCIProxy, (obj), TYPE_VIRTIO_PCI)
#define VIRTIO_PCI_CLASS(klass) \
    OBJECT_CLASS_CHECK(VirtioPCIClass, (klass), TYPE_VIRTIO_PCI)
#define VIRTIO_PCI_GET_CLASS(obj) \
    OBJECT_GET_CLASS(VirtioPCIClass, (obj), TYPE_VIRTIO_PCI)

/*
 * The VirtIODevice this proxy carries; call from the concrete type's
 * instance_init (after object_initialize_child).  The PCI class code
 * comes from the concrete class's PCIDeviceClass.class_id.
 */
void virtio_pci_set_vdev(VirtIOPCIProxy *proxy, VirtIODevice *vdev);
VirtIODevice *virtio_pci_get_vdev(VirtIOPCIProxy *proxy);

/*
 * The "virtio-pci" section of proxy and the core's "virtio" section of its
 * device (virtio-pci-migration.c): at realize, once the device is, and at
 * exit.
 */
bool virtio_pci_migration_register(VirtIOPCIProxy *proxy, Error **errp);
void virtio_pci_migration_unregister(VirtIOPCIProxy *proxy);

#endif /* HW_VIRTIO_VIRTIO_PCI_H */
