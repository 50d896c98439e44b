/*
 * vhost-user-blk: virtio-blk served by a vhost-user backend.  Contract:
 * include/hw/virtio/vhost-user-blk.h; user docs: docs/system/vhost-user.md.
 */
#include "qemu/osdep.h"
#include "hw/virtio/vhost-user-blk.h"

/* virtio-blk feature bits (virtio 1.2, 5.2.3) the backend decides. */
#define VIRTIO_BLK_F_SIZE_MAX       1
#define VIRTIO_BLK_F_SEG_MAX        2
#define VIRTIO_BLK_F_GEOMETRY       4
#define VIRTIO_BLK_F_RO             5
#define VIRTIO_BLK_F_BLK_SIZE       6
#define VIRTIO_BLK_F_FLUSH          9
#define VIRTIO_BLK_F_TOPOLOGY       10
#define VIRTIO_BLK_F_CONFIG_WCE     11
#define VIRTIO_BLK_F_MQ             12
#define VIRTIO_BLK_F_DISCARD        13
#define VIRTIO_BLK_F_WRITE_ZEROES   14

static const int vhost_user_blk_feature_bits[] = {
    VIRTIO_BLK_F_SIZE_MAX, VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_GEOMETRY,
    VIRTIO_BLK_F_RO, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_FLUSH,
    VIRTIO_BLK_F_TOPOLOGY, VIRTIO_BLK_F_CONFIG_WCE, VIRTIO_BLK_F_MQ,
    VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_WRITE_ZEROES,
    VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_RING_F_EVENT_IDX,
    VIRTIO_F_VERSION_1,
    -1
};

static void vhost_user_blk_handle_kick(VirtIODevice *vdev, VirtQueue *vq)
{
    vhost_dev_kick(&VHOST_USER_BLK(vdev)->vhost, vq);
}

static bool vhost_user_blk_fetch_config(VHostUserBlk *s, Error **errp)
{
    if (!vhost_dev_get_config(&s->vhost, s->blkcfg, sizeof(s->blkcfg),
                              errp)) {
        error_prepend(errp, "vhost-user-blk: get block config failed: ");
        return false;
    }
    /* The queues are the device's to decide, not the backend's. */
    s->blkcfg[VIRTIO_BLK_CFG_NUM_QUEUES] = s->num_queues & 0xff;
    s->blkcfg[VIRTIO_BLK_CFG_NUM_QUEUES + 1] = s->num_queues >> 8;
    return true;
}

static void vhost_user_blk_reconnected(VhostDev *hdev)
{
    VHostUserBlk *s = container_of(hdev, VHostUserBlk, vhost);
    Error *err = NULL;

    if (!vhost_user_blk_fetch_config(s, &err)) {
        error_report_err(err);
    }
}

static const VhostDevOps vhost_user_blk_vhost_ops = {
    .reconnected = vhost_user_blk_reconnected,
};

static bool vhost_user_blk_check_props(VHostUserBlk *s, Error **errp)
{
    if (!s->chardev) {
        error_setg(errp, "chardev is mandatory");
        return false;
    }
    if (!s->num_queues || s->num_queues > VIRTIO_QUEUE_MAX) {
        error_setg(errp, "invalid number of IO queues");
        return false;
    }
    if (!s->queue_size) {
        error_setg(errp, "queue size must be non-zero");
        return false;
    }
    if (s->queue_size > VIRTQUEUE_MAX_SIZE) {
        error_setg(errp, "queue size must not exceed %d", VIRTQUEUE_MAX_SIZE);
        return false;
    }
    return true;
}

static bool vhost_user_blk_realize(DeviceState *dev, Error **errp)
{
    VHostUserBlk *s = VHOST_USER_BLK(dev);
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);

    if (!vhost_user_blk_check_props(s, errp)) {
        return false;
    }
    vdev->name = TYPE_VHOST_USER_BLK;
    if (!s->configure_mem_slots) {
        s->vhost.protocol_features_off =
            1ULL << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS;
    }
    virtio_init(vdev, VIRTIO_ID_BLOCK, VIRTIO_BLK_CFG_SIZE);
    for (unsigned int n = 0; n < s->num_queues; n++) {
        virtio_add_queue(vdev, s->queue_size, vhost_user_blk_handle_kick);
    }
    if (!vhost_dev_init(&s->vhost, vdev, s->chardev, s->num_queues,
                        &vhost_user_blk_vhost_ops, errp) ||
        !vhost_user_blk_fetch_config(s, errp)) {
        vhost_dev_cleanup(&s->vhost);
        virtio_cleanup(vdev);
        return false;
    }
    return true;
}

static void vhost_user_blk_unrealize(DeviceState *dev)
{
    vhost_dev_cleanup(&VHOST_USER_BLK(dev)->vhost);
    virtio_cleanup(VIRTIO_DEVICE(dev));
}

static uint64_t vhost_user_blk_get_features(VirtIODevice *vdev,
                                            uint64_t requested, Error **errp)
{
    VHostUserBlk *s = VHOST_USER_BLK(vdev);

    /* Offer what the backend may decide (the core bits are offered
     * already), less what the properties rule out. */
    for (const int *bit = vhost_user_blk_feature_bits; *bit >= 0; bit++) {
        requested |= 1ULL << *bit;
    }
    if (!s->config_wce) {
        requested &= ~(1ULL << VIRTIO_BLK_F_CONFIG_WCE);
    }
    if (s->num_queues == 1) {
        requested &= ~(1ULL << VIRTIO_BLK_F_MQ);
    }
    return vhost_dev_get_features(&s->vhost, vhost_user_blk_feature_bits,
                                  requested);
}

static void vhost_user_blk_get_config(VirtIODevice *vdev, uint8_t *config)
{
    memcpy(config, VHOST_USER_BLK(vdev)->blkcfg, VIRTIO_BLK_CFG_SIZE);
}

static void vhost_user_blk_set_status(VirtIODevice *vdev, uint8_t status)
{
    vhost_dev_set_status(&VHOST_USER_BLK(vdev)->vhost, vdev->status, status);
}

static void vhost_user_blk_instance_init(Object *obj)
{
    VHostUserBlk *s = VHOST_USER_BLK(obj);
    DeviceState *dev = DEVICE(obj);

    s->num_queues = 1;
    s->queue_size = 128;
    s->config_wce = true;
    s->configure_mem_slots = true;
    qdev_prop_add_string(dev, "chardev", &s->chardev);
    qdev_prop_add_uint16(dev, "num-queues", &s->num_queues);
    qdev_prop_add_uint32(dev, "queue-size", &s->queue_size);
    qdev_prop_add_bool(dev, "config-wce", &s->config_wce);
    /* Off: the backend gets the whole table (SET_MEM_TABLE, 8 regions). */
    qdev_prop_add_bool(dev, "x-configure-mem-slots", &s->configure_mem_slots);
}

static void vhost_user_blk_instance_finalize(Object *obj)
{
    g_free(VHOST_USER_BLK(obj)->chardev);
}

static void vhost_user_blk_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);

    dc->realize = vhost_user_blk_realize;
    dc->unrealize = vhost_user_blk_unrealize;
    dc->desc = "vhost-user-blk";
    vdc->get_features = vhost_user_blk_get_features;
    vdc->get_config = vhost_user_blk_get_config;
    vdc->set_status = vhost_user_blk_set_status;
}

static const TypeInfo vhost_user_blk_info = {
    .name = TYPE_VHOST_USER_BLK,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VHostUserBlk),
    .instance_init = vhost_user_blk_instance_init,
    .instance_finalize = vhost_user_blk_instance_finalize,
    .class_init = vhost_user_blk_class_init,
};

static void vhost_user_blk_register_types(void)
{
    type_register_static(&vhost_user_blk_info);
}
type_init(vhost_user_blk_register_types)
