/*
 * virtio-mem-pci: the PCI transport of virtio-mem and its memory-device
 * glue.  Glue only: class hooks, property aliases and forwarding to the
 * device through include/hw/virtio/virtio-mem.h, never its fields.
 */
#include "qemu/osdep.h"
#include "hw/virtio/virtio-pci.h"
#include "hw/virtio/virtio-mem.h"
#include "hw/virtio/virtio-mem-wire.h"
#include "hw/mem/memory-device.h"

#define TYPE_VIRTIO_MEM_PCI "virtio-mem-pci"

typedef struct VirtIOMEMPCI {
    VirtIOPCIProxy parent_obj;
    VirtIOMEM vdev;
} VirtIOMEMPCI;

#define VIRTIO_MEM_PCI(obj) \
    OBJECT_CHECK(VirtIOMEMPCI, (obj), TYPE_VIRTIO_MEM_PCI)

/* Properties of the device exposed on the proxy, as the reference. */
static const char *const virtio_mem_pci_aliases[] = {
    VIRTIO_MEM_MEMDEV_PROP,
    VIRTIO_MEM_NODE_PROP,
    VIRTIO_MEM_ADDR_PROP,
    VIRTIO_MEM_SIZE_PROP,
    VIRTIO_MEM_BLOCK_SIZE_PROP,
    VIRTIO_MEM_PREALLOC_PROP,
    VIRTIO_MEM_UNPLUGGED_INACCESSIBLE_PROP,
    VIRTIO_MEM_DYNAMIC_MEMSLOTS_PROP,
    VIRTIO_MEM_EARLY_MIGRATION_PROP,
    NULL,
};

static VirtIOMEM *virtio_mem_pci_vmem(const MemoryDeviceState *md)
{
    return &VIRTIO_MEM_PCI(OBJECT(md))->vdev;
}

static bool virtio_mem_pci_realize(VirtIOPCIProxy *proxy, Error **errp)
{
    VirtIOMEMPCI *pci = VIRTIO_MEM_PCI(proxy);

    virtio_mem_set_event_owner(&pci->vdev, OBJECT(proxy));
    return qdev_realize(DEVICE(&pci->vdev), NULL, errp);
}

static json_t *virtio_mem_pci_get_requested_size(Object *obj,
                                                  const char *name,
                                                  void *opaque, Error **errp)
{
    return object_property_get(OBJECT(&VIRTIO_MEM_PCI(obj)->vdev), name,
                               errp);
}

/*
 * device_del checked that nothing is plugged or requested: from then on
 * the guest must not be asked to plug memory while it handles the unplug
 * (newer QEMU's rule and message).
 */
static bool virtio_mem_pci_set_requested_size(Object *obj, const char *name,
                                              json_t *value, void *opaque,
                                              Error **errp)
{
    if (qdev_unplug_requested(DEVICE(obj))) {
        error_setg(errp, "'%s' cannot be changed if the device is in the process of unplug", name);
        return false;
    }
    return object_property_set(OBJECT(&VIRTIO_MEM_PCI(obj)->vdev), name,
                               value, errp);
}

static void virtio_mem_pci_instance_init(Object *obj)
{
    VirtIOMEMPCI *pci = VIRTIO_MEM_PCI(obj);

    object_initialize_child(obj, "virtio-backend", &pci->vdev,
                            sizeof(pci->vdev), TYPE_VIRTIO_MEM);
    virtio_pci_set_vdev(&pci->parent_obj, VIRTIO_DEVICE(&pci->vdev));
    for (int i = 0; virtio_mem_pci_aliases[i]; i++) {
        object_property_add_alias(obj, virtio_mem_pci_aliases[i],
                                  OBJECT(&pci->vdev),
                                  virtio_mem_pci_aliases[i]);
    }
    object_property_add(obj, VIRTIO_MEM_REQUESTED_SIZE_PROP, "size",
                        virtio_mem_pci_get_requested_size,
                        virtio_mem_pci_set_requested_size, NULL, NULL);
}

/* ---- memory-device interface ---- */

static uint64_t virtio_mem_pci_get_addr(const MemoryDeviceState *md)
{
    return virtio_mem_get_addr(virtio_mem_pci_vmem(md));
}

static bool virtio_mem_pci_set_addr(MemoryDeviceState *md, uint64_t addr,
                                    Error **errp)
{
    return virtio_mem_set_addr(virtio_mem_pci_vmem(md), addr, errp);
}

static uint64_t virtio_mem_pci_get_plugged_size(const MemoryDeviceState *md)
{
    return virtio_mem_get_plugged_size(virtio_mem_pci_vmem(md));
}

static MemoryRegion *virtio_mem_pci_get_memory_region(MemoryDeviceState *md,
                                                      Error **errp)
{
    return virtio_mem_get_memory_region(virtio_mem_pci_vmem(md), errp);
}

static uint64_t virtio_mem_pci_get_min_alignment(const MemoryDeviceState *md)
{
    return virtio_mem_get_min_alignment(virtio_mem_pci_vmem(md));
}

static json_t *virtio_mem_pci_get_device_info(const MemoryDeviceState *md)
{
    return virtio_mem_get_device_info(virtio_mem_pci_vmem(md),
                                      DEVICE(OBJECT(md))->id);
}

static unsigned int virtio_mem_pci_get_memslots(const MemoryDeviceState *md)
{
    return virtio_mem_get_memslots(virtio_mem_pci_vmem(md));
}

static unsigned int virtio_mem_pci_get_used_memslots(
    const MemoryDeviceState *md)
{
    return virtio_mem_get_used_memslots(virtio_mem_pci_vmem(md));
}

static bool virtio_mem_pci_pre_plug(MemoryDeviceState *md,
                                    unsigned int memslot_limit, Error **errp)
{
    return virtio_mem_pre_plug(virtio_mem_pci_vmem(md), memslot_limit, errp);
}

static void virtio_mem_pci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pcidc = (PCIDeviceClass *)klass;
    VirtioPCIClass *vpc = VIRTIO_PCI_CLASS(klass);
    MemoryDeviceClass *mdc = OBJECT_CLASS_CHECK(MemoryDeviceClass, klass,
                                                TYPE_MEMORY_DEVICE);

    dc->desc = "virtio memory device (PCI)";
    dc->category = "Misc devices";
    dc->user_creatable = true;
    dc->hotpluggable = true;
    pcidc->class_id = 0x00ff;   /* class 0x00ff00: unclassified, other */
    vpc->realize = virtio_mem_pci_realize;
    vpc->default_nvectors = 2;
    vpc->has_vectors_prop = true;
    mdc->get_addr = virtio_mem_pci_get_addr;
    mdc->set_addr = virtio_mem_pci_set_addr;
    mdc->get_plugged_size = virtio_mem_pci_get_plugged_size;
    mdc->get_memory_region = virtio_mem_pci_get_memory_region;
    mdc->get_min_alignment = virtio_mem_pci_get_min_alignment;
    mdc->get_device_info = virtio_mem_pci_get_device_info;
    mdc->get_memslots = virtio_mem_pci_get_memslots;
    mdc->get_used_memslots = virtio_mem_pci_get_used_memslots;
    mdc->pre_plug = virtio_mem_pci_pre_plug;
}

static const TypeInfo virtio_mem_pci_info = {
    .name = TYPE_VIRTIO_MEM_PCI,
    .parent = TYPE_VIRTIO_PCI,
    .instance_size = sizeof(VirtIOMEMPCI),
    .instance_init = virtio_mem_pci_instance_init,
    .class_init = virtio_mem_pci_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_MEMORY_DEVICE },
        { }
    },
};

static void virtio_mem_pci_register_types(void)
{
    type_register_static(&virtio_mem_pci_info);
}
type_init(virtio_mem_pci_register_types)

bool virtio_mem_pci_unplug_request_check(DeviceState *dev, Error **errp)
{
    return virtio_mem_unplug_request_check(&VIRTIO_MEM_PCI(dev)->vdev, errp);
}
