/*
 * virtio-blk for the test driver (virtio-blk.h): negotiation, config, and
 * requests whose header and status live in the driver's guest memory while
 * the data buffers are wherever the test puts them.
 */
#include "qemu/osdep.h"
#include "virtio-blk.h"

#define QVIRTIO_BLK_HDR_SIZE 16

QVirtioBlk *qvirtio_blk_init(QTestState *qts, uint64_t wanted)
{
    uint64_t features;
    QVirtioPCIDevice *vdev = qvirtio_pci_init_device(
        qts, QVIRTIO_BLK_DEVICE_ID, 0, wanted | 1ULL << QVIRTIO_F_VERSION_1,
        &features);
    QVirtioBlk *blk;

    if (!vdev) {
        return NULL;
    }
    blk = g_new0(QVirtioBlk, 1);
    blk->vdev = vdev;
    blk->features = features;
    blk->vq = qvirtqueue_setup(vdev, 0);
    blk->hdr_buf = qguest_alloc(&vdev->alloc, QVIRTIO_BLK_HDR_SIZE, 16);
    blk->status_buf = qguest_alloc(&vdev->alloc, 1, 1);
    qvirtio_driver_ok(vdev);
    return blk;
}

void qvirtio_blk_free(QVirtioBlk *blk)
{
    if (blk) {
        g_free(blk->vq);
        qvirtio_pci_free(blk->vdev);
        g_free(blk);
    }
}

void qvirtio_blk_read_config(QVirtioBlk *blk, QVirtioBlkConfig *cfg)
{
    QVirtioPCIDevice *v = blk->vdev;
    uint8_t gen;

    /* Retry while the generation changes under us (virtio 1.2, 4.1.4.3). */
    do {
        gen = qvirtio_config_generation(v);
        cfg->capacity = qvirtio_config_readq(v, QVIRTIO_BLK_CFG_CAPACITY);
        cfg->size_max = qvirtio_config_readl(v, QVIRTIO_BLK_CFG_SIZE_MAX);
        cfg->seg_max = qvirtio_config_readl(v, QVIRTIO_BLK_CFG_SEG_MAX);
        cfg->blk_size = qvirtio_config_readl(v, QVIRTIO_BLK_CFG_BLK_SIZE);
        cfg->num_queues = qvirtio_config_readw(v,
                                               QVIRTIO_BLK_CFG_NUM_QUEUES);
    } while (gen != qvirtio_config_generation(v));
}

static bool qvirtio_blk_data_is_writable(uint32_t type)
{
    return type == QVIRTIO_BLK_T_IN || type == QVIRTIO_BLK_T_GET_ID;
}

/* Header and a status byte the device must overwrite. */
static void qvirtio_blk_write_header(QVirtioBlk *blk, uint32_t type,
                                     uint64_t sector)
{
    uint8_t hdr[QVIRTIO_BLK_HDR_SIZE] = { 0 };
    uint32_t type_le = GUINT32_TO_LE(type);
    uint64_t sector_le = GUINT64_TO_LE(sector);

    memcpy(hdr, &type_le, 4);
    memcpy(hdr + 8, &sector_le, 8);
    qtest_memwrite(blk->vdev->qts, blk->hdr_buf, hdr, sizeof(hdr));
    qtest_writeb(blk->vdev->qts, blk->status_buf, QVIRTIO_BLK_S_NONE);
}

uint8_t qvirtio_blk_request(QVirtioBlk *blk, uint32_t type, uint64_t sector,
                            const QVirtioBlkSeg *segs, int nb_segs,
                            int timeout_ms, uint32_t *used_len)
{
    uint64_t addrs[QVIRTIO_BLK_MAX_SEGS + 2];
    uint32_t lens[QVIRTIO_BLK_MAX_SEGS + 2];
    bool writes[QVIRTIO_BLK_MAX_SEGS + 2];
    uint32_t id, len;
    uint16_t head;
    int n = 0;

    g_assert_cmpint(nb_segs, <=, QVIRTIO_BLK_MAX_SEGS);
    qvirtio_blk_write_header(blk, type, sector);
    addrs[n] = blk->hdr_buf;
    lens[n] = QVIRTIO_BLK_HDR_SIZE;
    writes[n++] = false;
    for (int i = 0; i < nb_segs; i++, n++) {
        addrs[n] = segs[i].gpa;
        lens[n] = segs[i].len;
        writes[n] = qvirtio_blk_data_is_writable(type);
    }
    addrs[n] = blk->status_buf;
    lens[n] = 1;
    writes[n++] = true;
    head = qvirtqueue_add_chain(blk->vq, addrs, lens, writes, n);
    qvirtqueue_kick(blk->vq, head);
    if (!qvirtqueue_get_used(blk->vq, &id, &len, timeout_ms)) {
        return QVIRTIO_BLK_S_NONE;
    }
    g_assert_cmpuint(id, ==, head);
    if (used_len) {
        *used_len = len;
    }
    return qtest_readb(blk->vdev->qts, blk->status_buf);
}

uint8_t qvirtio_blk_write(QVirtioBlk *blk, uint64_t sector, uint64_t gpa,
                          uint32_t len)
{
    QVirtioBlkSeg seg = { .gpa = gpa, .len = len };

    return qvirtio_blk_request(blk, QVIRTIO_BLK_T_OUT, sector, &seg, 1,
                               QVIRTIO_BLK_TIMEOUT_MS, NULL);
}

uint8_t qvirtio_blk_read(QVirtioBlk *blk, uint64_t sector, uint64_t gpa,
                         uint32_t len)
{
    QVirtioBlkSeg seg = { .gpa = gpa, .len = len };

    return qvirtio_blk_request(blk, QVIRTIO_BLK_T_IN, sector, &seg, 1,
                               QVIRTIO_BLK_TIMEOUT_MS, NULL);
}
