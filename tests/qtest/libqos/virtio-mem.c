/*
 * virtio-mem for the test driver (virtio-mem.h): requests, config and the
 * plug/unplug policy.
 */
#include "qemu/osdep.h"
#include "virtio-mem.h"

#define QVIRTIO_MEM_TIMEOUT_MS 5000

QVirtioMem *qvirtio_mem_init(QTestState *qts)
{
    return qvirtio_mem_init_nth(qts, 0);
}

QVirtioMem *qvirtio_mem_init_nth(QTestState *qts, int nth)
{
    uint64_t wanted = (1ULL << QVIRTIO_F_VERSION_1) |
                      (1ULL << QVIRTIO_MEM_F_ACPI_PXM) |
                      (1ULL << QVIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE);
    uint64_t features;
    QVirtioPCIDevice *vdev = qvirtio_pci_init_device(qts,
                                                     QVIRTIO_MEM_DEVICE_ID,
                                                     nth, wanted, &features);
    QVirtioMem *m;

    if (!vdev) {
        return NULL;
    }
    m = g_new0(QVirtioMem, 1);
    m->vdev = vdev;
    m->features = features;
    m->vq = qvirtqueue_setup(vdev, 0);
    qvirtio_driver_ok(vdev);
    /* Request at +0, response at +24, as one buffer per slot. */
    m->batch_buf = qguest_alloc(&vdev->alloc,
                                QVIRTIO_MEM_REQ_STRIDE * QVIRTIO_MEM_MAX_BATCH,
                                8);
    m->req_buf = m->batch_buf;
    m->resp_buf = m->batch_buf + 24;
    return m;
}

void qvirtio_mem_free(QVirtioMem *m)
{
    if (m) {
        g_free(m->vq);
        qvirtio_pci_free(m->vdev);
        g_free(m);
    }
}

void qvirtio_mem_read_config(QVirtioMem *m, QVirtioMemConfig *cfg)
{
    QVirtioPCIDevice *v = m->vdev;
    uint8_t gen;

    /* Retry while the generation changes under us (virtio 1.2, 4.1.4.3). */
    do {
        gen = qvirtio_config_generation(v);
        cfg->block_size = qvirtio_config_readq(v, QVIRTIO_MEM_CFG_BLOCK_SIZE);
        cfg->node_id = qvirtio_config_readw(v, QVIRTIO_MEM_CFG_NODE_ID);
        cfg->addr = qvirtio_config_readq(v, QVIRTIO_MEM_CFG_ADDR);
        cfg->region_size = qvirtio_config_readq(v,
                                                QVIRTIO_MEM_CFG_REGION_SIZE);
        cfg->usable_region_size =
            qvirtio_config_readq(v, QVIRTIO_MEM_CFG_USABLE_SIZE);
        cfg->plugged_size = qvirtio_config_readq(v,
                                                 QVIRTIO_MEM_CFG_PLUGGED_SIZE);
        cfg->requested_size =
            qvirtio_config_readq(v, QVIRTIO_MEM_CFG_REQUESTED_SIZE);
    } while (gen != qvirtio_config_generation(v));
}

/* Request and a response the device must overwrite, in one write. */
static void qvirtio_mem_write_request_at(QVirtioMem *m, uint64_t req_buf,
                                         uint16_t type, uint64_t addr,
                                         uint16_t nb_blocks)
{
    uint8_t buf[QVIRTIO_MEM_REQ_STRIDE] = { 0 };
    uint16_t type_le = GUINT16_TO_LE(type);
    uint64_t addr_le = GUINT64_TO_LE(addr);
    uint16_t nb_le = GUINT16_TO_LE(nb_blocks);

    memcpy(buf, &type_le, 2);
    memcpy(buf + 8, &addr_le, 8);
    memcpy(buf + 16, &nb_le, 2);
    memset(buf + 24, 0xee, 10);
    qtest_memwrite(m->vdev->qts, req_buf, buf, sizeof(buf));
}

static void qvirtio_mem_write_request(QVirtioMem *m, uint16_t type,
                                      uint64_t addr, uint16_t nb_blocks)
{
    qvirtio_mem_write_request_at(m, m->req_buf, type, addr, nb_blocks);
}

uint16_t qvirtio_mem_request(QVirtioMem *m, uint16_t type, uint64_t addr,
                             uint16_t nb_blocks, uint16_t *state)
{
    QTestState *qts = m->vdev->qts;
    uint64_t addrs[2] = { m->req_buf, m->resp_buf };
    uint32_t lens[2] = { 24, 10 };
    bool writes[2] = { false, true };
    uint32_t id, len;
    uint16_t head;

    qvirtio_mem_write_request(m, type, addr, nb_blocks);
    head = qvirtqueue_add_chain(m->vq, addrs, lens, writes, 2);
    qvirtqueue_kick(m->vq, head);
    if (!qvirtqueue_get_used(m->vq, &id, &len, QVIRTIO_MEM_TIMEOUT_MS)) {
        return QVIRTIO_MEM_RESP_NONE;
    }
    g_assert_cmpuint(id, ==, head);
    g_assert_cmpuint(len, ==, 10);
    if (state) {
        *state = qtest_readw(qts, m->resp_buf + 8);
    }
    return qtest_readw(qts, m->resp_buf);
}

int qvirtio_mem_request_raw(QVirtioMem *m, const void *req, int nb_out,
                            const uint32_t *out_lens, int nb_in,
                            const uint32_t *in_lens, void *resp)
{
    QVirtioPCIDevice *v = m->vdev;
    uint64_t addrs[8];
    uint32_t lens[8];
    bool writes[8];
    uint32_t id, len, off = 0;
    uint64_t in_base;
    int n = 0;

    g_assert_cmpint(nb_out + nb_in, <=, 8);
    for (int i = 0; i < nb_out; i++, n++) {
        addrs[n] = qguest_alloc(&v->alloc, out_lens[i] ? out_lens[i] : 1, 8);
        lens[n] = out_lens[i];
        writes[n] = false;
        qtest_memwrite(v->qts, addrs[n], (const uint8_t *)req + off,
                       out_lens[i]);
        off += out_lens[i];
    }
    in_base = n;
    for (int i = 0; i < nb_in; i++, n++) {
        addrs[n] = qguest_alloc(&v->alloc, in_lens[i] ? in_lens[i] : 1, 8);
        lens[n] = in_lens[i];
        writes[n] = true;
    }
    qvirtqueue_kick(m->vq, qvirtqueue_add_chain(m->vq, addrs, lens, writes,
                                                n));
    if (!qvirtqueue_get_used(m->vq, &id, &len, 500)) {
        return -1;
    }
    off = 0;
    for (int i = 0; resp && i < nb_in; i++) {
        qtest_memread(v->qts, addrs[in_base + i], (uint8_t *)resp + off,
                      in_lens[i]);
        off += in_lens[i];
    }
    return len;
}

int qvirtio_mem_policy_step(QVirtioMem *m, uint64_t chunk,
                            unsigned long **chunk_map)
{
    QVirtioMemConfig cfg;
    uint64_t nb_chunks, i;
    uint16_t nb_blocks;
    unsigned long *map;

    qvirtio_mem_read_config(m, &cfg);
    g_assert_cmpuint(chunk % cfg.block_size, ==, 0);
    nb_blocks = chunk / cfg.block_size;
    nb_chunks = cfg.region_size / chunk;
    if (!*chunk_map) {
        *chunk_map = g_new0(unsigned long, (nb_chunks + 63) / 64);
    }
    map = *chunk_map;
    if (cfg.plugged_size + chunk <= cfg.requested_size) {
        for (i = 0; i < cfg.usable_region_size / chunk; i++) {
            if (!(map[i / 64] & (1UL << (i % 64)))) {
                uint16_t r = qvirtio_mem_request(m, QVIRTIO_MEM_REQ_PLUG,
                                                 cfg.addr + i * chunk,
                                                 nb_blocks, NULL);
                if (r == QVIRTIO_MEM_RESP_ACK) {
                    map[i / 64] |= 1UL << (i % 64);
                }
                return r;
            }
        }
        return -1;
    }
    if (cfg.plugged_size >= cfg.requested_size + chunk ||
        (cfg.plugged_size > cfg.requested_size)) {
        for (i = nb_chunks; i-- > 0;) {
            if (map[i / 64] & (1UL << (i % 64))) {
                uint16_t r = qvirtio_mem_request(m, QVIRTIO_MEM_REQ_UNPLUG,
                                                 cfg.addr + i * chunk,
                                                 nb_blocks, NULL);
                if (r == QVIRTIO_MEM_RESP_ACK) {
                    map[i / 64] &= ~(1UL << (i % 64));
                }
                return r;
            }
        }
    }
    return -1;
}

int qvirtio_mem_request_batch(QVirtioMem *m, uint16_t type,
                              const uint64_t *addrs, uint16_t nb_blocks,
                              int count, uint16_t *resps)
{
    QTestState *qts = m->vdev->qts;
    uint32_t lens[2] = { 24, 10 };
    bool writes[2] = { false, true };
    uint16_t heads[QVIRTIO_MEM_MAX_BATCH];
    int done = 0;

    g_assert_cmpint(count, <=, QVIRTIO_MEM_MAX_BATCH);
    g_assert_cmpint(2 * count, <=, m->vq->size);
    for (int i = 0; i < count; i++) {
        uint64_t req = m->batch_buf + i * QVIRTIO_MEM_REQ_STRIDE;
        uint64_t bufs[2] = { req, req + 24 };

        qvirtio_mem_write_request_at(m, req, type, addrs[i], nb_blocks);
        heads[i] = qvirtqueue_add_chain(m->vq, bufs, lens, writes, 2);
        qvirtqueue_publish(m->vq, heads[i]);
    }
    qvirtqueue_notify(m->vq);
    for (; done < count; done++) {
        uint32_t id, len;

        if (!qvirtqueue_get_used(m->vq, &id, &len, QVIRTIO_MEM_TIMEOUT_MS)) {
            break;
        }
        for (int i = 0; i < count; i++) {
            if (heads[i] == id) {
                resps[i] = qtest_readw(qts, m->batch_buf +
                                       i * QVIRTIO_MEM_REQ_STRIDE + 24);
            }
        }
    }
    return done;
}
