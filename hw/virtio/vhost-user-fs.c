/*
 * vhost-user-fs: virtio-fs served by a vhost-user backend (virtiofsd).
 * Queue 0 is the high-priority queue, 1 .. num-request-queues the request
 * queues.  Contract: include/hw/virtio/vhost-user-fs.h; user docs:
 * docs/system/vhost-user.md.
 */
#include "qemu/osdep.h"
#include "hw/virtio/vhost-user-fs.h"

static const int vhost_user_fs_feature_bits[] = {
    VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_RING_F_EVENT_IDX,
    VIRTIO_F_VERSION_1,
    -1
};

static unsigned int vhost_user_fs_nvqs(const VHostUserFS *fs)
{
    return 1 + fs->num_request_queues;
}

static void vhost_user_fs_handle_kick(VirtIODevice *vdev, VirtQueue *vq)
{
    vhost_dev_kick(&VHOST_USER_FS(vdev)->vhost, vq);
}

/* QEMU 7.2's checks and messages. */
static bool vhost_user_fs_check_props(VHostUserFS *fs, Error **errp)
{
    if (!fs->chardev) {
        error_setg(errp, "missing chardev");
        return false;
    }
    if (!fs->tag) {
        error_setg(errp, "missing tag property");
        return false;
    }
    if (!fs->tag[0]) {
        error_setg(errp, "tag property cannot be empty");
        return false;
    }
    if (strlen(fs->tag) > VIRTIO_FS_TAG_SIZE) {
        error_setg(errp, "tag property must be %d bytes or less",
                   VIRTIO_FS_TAG_SIZE);
        return false;
    }
    if (!fs->num_request_queues) {
        error_setg(errp, "num-request-queues property must be larger than 0");
        return false;
    }
    if (vhost_user_fs_nvqs(fs) > VIRTIO_QUEUE_MAX) {
        error_setg(errp, "num-request-queues property must be %d or smaller",
                   VIRTIO_QUEUE_MAX - 1);
        return false;
    }
    if (!fs->queue_size || (fs->queue_size & (fs->queue_size - 1))) {
        error_setg(errp, "queue-size property must be a power of 2");
        return false;
    }
    if (fs->queue_size > VIRTQUEUE_MAX_SIZE) {
        error_setg(errp, "queue-size property must be %d or smaller",
                   VIRTQUEUE_MAX_SIZE);
        return false;
    }
    return true;
}

static bool vhost_user_fs_realize(DeviceState *dev, Error **errp)
{
    VHostUserFS *fs = VHOST_USER_FS(dev);
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);

    if (!vhost_user_fs_check_props(fs, errp)) {
        return false;
    }
    vdev->name = "vhost-user-fs";
    virtio_init(vdev, VIRTIO_ID_FS, VIRTIO_FS_CFG_SIZE);
    for (unsigned int n = 0; n < vhost_user_fs_nvqs(fs); n++) {
        virtio_add_queue(vdev, fs->queue_size, vhost_user_fs_handle_kick);
    }
    if (!vhost_dev_init(&fs->vhost, vdev, fs->chardev,
                        vhost_user_fs_nvqs(fs), NULL, errp)) {
        virtio_cleanup(vdev);
        return false;
    }
    return true;
}

static void vhost_user_fs_unrealize(DeviceState *dev)
{
    vhost_dev_cleanup(&VHOST_USER_FS(dev)->vhost);
    virtio_cleanup(VIRTIO_DEVICE(dev));
}

static uint64_t vhost_user_fs_get_features(VirtIODevice *vdev,
                                           uint64_t requested, Error **errp)
{
    return vhost_dev_get_features(&VHOST_USER_FS(vdev)->vhost,
                                  vhost_user_fs_feature_bits, requested);
}

static void vhost_user_fs_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VHostUserFS *fs = VHOST_USER_FS(vdev);

    memset(config, 0, VIRTIO_FS_CFG_SIZE);
    memcpy(config, fs->tag, strlen(fs->tag));   /* no NUL when 36 long */
    config[VIRTIO_FS_TAG_SIZE] = fs->num_request_queues & 0xff;
    config[VIRTIO_FS_TAG_SIZE + 1] = fs->num_request_queues >> 8;
}

static void vhost_user_fs_set_status(VirtIODevice *vdev, uint8_t status)
{
    vhost_dev_set_status(&VHOST_USER_FS(vdev)->vhost, vdev->status, status);
}

static void vhost_user_fs_instance_init(Object *obj)
{
    VHostUserFS *fs = VHOST_USER_FS(obj);
    DeviceState *dev = DEVICE(obj);

    fs->num_request_queues = 1;
    fs->queue_size = 128;
    qdev_prop_add_string(dev, "chardev", &fs->chardev);
    qdev_prop_add_string(dev, "tag", &fs->tag);
    qdev_prop_add_uint16(dev, "num-request-queues", &fs->num_request_queues);
    qdev_prop_add_uint16(dev, "queue-size", &fs->queue_size);
}

static void vhost_user_fs_instance_finalize(Object *obj)
{
    VHostUserFS *fs = VHOST_USER_FS(obj);

    g_free(fs->chardev);
    g_free(fs->tag);
}

static void vhost_user_fs_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);

    dc->realize = vhost_user_fs_realize;
    dc->unrealize = vhost_user_fs_unrealize;
    dc->desc = "Vhost-user-fs";
    vdc->get_features = vhost_user_fs_get_features;
    vdc->get_config = vhost_user_fs_get_config;
    vdc->set_status = vhost_user_fs_set_status;
}

static const TypeInfo vhost_user_fs_info = {
    .name = TYPE_VHOST_USER_FS,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VHostUserFS),
    .instance_init = vhost_user_fs_instance_init,
    .instance_finalize = vhost_user_fs_instance_finalize,
    .class_init = vhost_user_fs_class_init,
};

static void vhost_user_fs_register_types(void)
{
    type_register_static(&vhost_user_fs_info);
}
type_init(vhost_user_fs_register_types)
