/*
 * vhost-user-blk-pci and vhost-user-fs-pci: the virtio-pci transport of
 * the vhost-user devices.  Glue only: each proxy embeds its device, shows
 * the device's properties under the same names and realizes it.
 */
#include "qemu/osdep.h"
#include "hw/virtio/virtio-pci.h"
#include "hw/virtio/vhost-user-blk.h"
#include "hw/virtio/vhost-user-fs.h"

/* One proxy type: what differs between the two. */
typedef struct VhostUserPCIModel {
    const char *name;
    const char *vdev_type;
    size_t vdev_size;
    const char *desc;
    uint16_t class_id;
    uint32_t nvectors;      /* default: one per queue plus config */
    const char *const *props;
} VhostUserPCIModel;

typedef struct VhostUserPCI {
    VirtIOPCIProxy parent_obj;
    /* the device, vdev_size bytes, follows */
} VhostUserPCI;

typedef struct VhostUserPCIClass {
    VirtioPCIClass parent_class;
    const VhostUserPCIModel *model;
} VhostUserPCIClass;

#define VHOST_USER_PCI_VDEV(proxy) \
    ((VirtIODevice *)((uint8_t *)(proxy) + sizeof(VhostUserPCI)))

static const char *const vhost_user_blk_pci_props[] = {
    "chardev", "num-queues", "queue-size", "config-wce",
    "x-configure-mem-slots", NULL,
};

static const char *const vhost_user_fs_pci_props[] = {
    "chardev", "tag", "num-request-queues", "queue-size", NULL,
};

static const VhostUserPCIModel vhost_user_pci_models[] = {
    {
        .name = "vhost-user-blk-pci",
        .vdev_type = TYPE_VHOST_USER_BLK,
        .vdev_size = sizeof(VHostUserBlk),
        .desc = "vhost-user-blk",
        .class_id = 0x0100,     /* mass storage, SCSI (as virtio-blk) */
        .nvectors = 2,
        .props = vhost_user_blk_pci_props,
    },
    {
        .name = "vhost-user-fs-pci",
        .vdev_type = TYPE_VHOST_USER_FS,
        .vdev_size = sizeof(VHostUserFS),
        .desc = "Vhost-user-fs",
        .class_id = 0x0180,     /* mass storage, other */
        .nvectors = 3,
        .props = vhost_user_fs_pci_props,
    },
};

static bool vhost_user_pci_realize(VirtIOPCIProxy *proxy, Error **errp)
{
    return qdev_realize(DEVICE(VHOST_USER_PCI_VDEV(proxy)), NULL, errp);
}

static void vhost_user_pci_instance_init(Object *obj)
{
    const VhostUserPCIModel *model =
        ((VhostUserPCIClass *)object_get_class(obj))->model;
    VirtIODevice *vdev = VHOST_USER_PCI_VDEV(obj);

    object_initialize_child(obj, "virtio-backend", vdev, model->vdev_size,
                            model->vdev_type);
    virtio_pci_set_vdev(VIRTIO_PCI(obj), vdev);
    for (int i = 0; model->props[i]; i++) {
        object_property_add_alias(obj, model->props[i], OBJECT(vdev),
                                  model->props[i]);
    }
}

static void vhost_user_pci_class_init(ObjectClass *klass, void *data)
{
    const VhostUserPCIModel *model = data;
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pcidc = (PCIDeviceClass *)klass;
    VirtioPCIClass *vpc = VIRTIO_PCI_CLASS(klass);

    ((VhostUserPCIClass *)klass)->model = model;
    dc->desc = model->desc;
    dc->category = "Storage devices";
    dc->user_creatable = true;
    dc->hotpluggable = true;
    pcidc->class_id = model->class_id;
    vpc->realize = vhost_user_pci_realize;
    vpc->default_nvectors = model->nvectors;
    vpc->has_vectors_prop = true;
}

static void vhost_user_pci_register_types(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(vhost_user_pci_models); i++) {
        const VhostUserPCIModel *model = &vhost_user_pci_models[i];
        TypeInfo info = {
            .name = model->name,
            .parent = TYPE_VIRTIO_PCI,
            .instance_size = sizeof(VhostUserPCI) + model->vdev_size,
            .class_size = sizeof(VhostUserPCIClass),
            .instance_init = vhost_user_pci_instance_init,
            .class_init = vhost_user_pci_class_init,
            .class_data = (void *)model,
        };

        type_register_static(&info);
    }
}
type_init(vhost_user_pci_register_types)
