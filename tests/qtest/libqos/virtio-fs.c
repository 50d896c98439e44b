/*
 * virtio-fs for the test driver (virtio-fs.h): queues, config and FUSE
 * requests.  A request is two descriptors: header + argument (readable),
 * then reply header + payload (writable), in buffers allocated once.
 */
#include "qemu/osdep.h"
#include "virtio-fs.h"

#define QFUSE_MAX_READAHEAD     (128 * 1024)

QVirtioFs *qvirtio_fs_init(QTestState *qts)
{
    uint64_t features;
    QVirtioPCIDevice *vdev = qvirtio_pci_init_device(
        qts, QVIRTIO_FS_DEVICE_ID, 0, 1ULL << QVIRTIO_F_VERSION_1, &features);
    QVirtioFs *fs;

    if (!vdev) {
        return NULL;
    }
    fs = g_new0(QVirtioFs, 1);
    fs->vdev = vdev;
    fs->features = features;
    fs->hiprio = qvirtqueue_setup(vdev, 0);
    fs->request = qvirtqueue_setup(vdev, 1);
    fs->in_buf = qguest_alloc(&vdev->alloc, QVIRTIO_FS_MSG_MAX, 8);
    fs->out_buf = qguest_alloc(&vdev->alloc, QVIRTIO_FS_MSG_MAX, 8);
    fs->next_unique = 1;
    qvirtio_driver_ok(vdev);
    return fs;
}

void qvirtio_fs_free(QVirtioFs *fs)
{
    if (fs) {
        g_free(fs->hiprio);
        g_free(fs->request);
        qvirtio_pci_free(fs->vdev);
        g_free(fs);
    }
}

void qvirtio_fs_read_config(QVirtioFs *fs, QVirtioFsConfig *cfg)
{
    QVirtioPCIDevice *v = fs->vdev;
    uint8_t gen;

    do {
        gen = qvirtio_config_generation(v);
        for (int i = 0; i < QVIRTIO_FS_TAG_SIZE; i++) {
            cfg->tag[i] = qvirtio_config_readb(v, QVIRTIO_FS_CFG_TAG + i);
        }
        cfg->tag[QVIRTIO_FS_TAG_SIZE] = '\0';
        cfg->num_request_queues =
            qvirtio_config_readl(v, QVIRTIO_FS_CFG_NUM_REQUEST_QUEUES);
    } while (gen != qvirtio_config_generation(v));
}

/* fuse_in_header (40 bytes, little-endian) + the argument, one write. */
static void qvirtio_fs_write_request(QVirtioFs *fs, uint32_t opcode,
                                     uint64_t nodeid, const void *in_arg,
                                     uint32_t in_size, uint64_t unique)
{
    g_autofree uint8_t *msg = g_malloc0(QFUSE_IN_HEADER_SIZE + in_size);
    uint32_t len_le = GUINT32_TO_LE(QFUSE_IN_HEADER_SIZE + in_size);
    uint32_t opcode_le = GUINT32_TO_LE(opcode);
    uint64_t unique_le = GUINT64_TO_LE(unique);
    uint64_t nodeid_le = GUINT64_TO_LE(nodeid);

    /* uid, gid, pid, total_extlen and padding stay 0 */
    memcpy(msg, &len_le, 4);
    memcpy(msg + 4, &opcode_le, 4);
    memcpy(msg + 8, &unique_le, 8);
    memcpy(msg + 16, &nodeid_le, 8);
    memcpy(msg + QFUSE_IN_HEADER_SIZE, in_arg, in_size);
    qtest_memwrite(fs->vdev->qts, fs->in_buf, msg,
                   QFUSE_IN_HEADER_SIZE + in_size);
}

static void qvirtio_fs_read_reply(QVirtioFs *fs, void *out, uint32_t out_size,
                                  QFuseReply *reply)
{
    uint8_t hdr[QFUSE_OUT_HEADER_SIZE];
    uint32_t len;
    int32_t error;
    uint64_t unique;

    qtest_memread(fs->vdev->qts, fs->out_buf, hdr, sizeof(hdr));
    memcpy(&len, hdr, 4);
    memcpy(&error, hdr + 4, 4);
    memcpy(&unique, hdr + 8, 8);
    reply->len = GUINT32_FROM_LE(len);
    reply->error = (int32_t)GUINT32_FROM_LE((uint32_t)error);
    reply->unique = GUINT64_FROM_LE(unique);
    qtest_memread(fs->vdev->qts, fs->out_buf + QFUSE_OUT_HEADER_SIZE, out,
                  out_size);
}

bool qvirtio_fs_request(QVirtioFs *fs, uint32_t opcode, uint64_t nodeid,
                        const void *in_arg, uint32_t in_size, void *out,
                        uint32_t out_size, QFuseReply *reply)
{
    uint64_t addrs[2] = { fs->in_buf, fs->out_buf };
    uint32_t lens[2] = { QFUSE_IN_HEADER_SIZE + in_size,
                         QFUSE_OUT_HEADER_SIZE + out_size };
    bool writes[2] = { false, true };
    uint32_t id;
    uint16_t head;

    g_assert_cmpuint(lens[0], <=, QVIRTIO_FS_MSG_MAX);
    g_assert_cmpuint(lens[1], <=, QVIRTIO_FS_MSG_MAX);
    memset(reply, 0, sizeof(*reply));
    reply->unique_sent = fs->next_unique++;
    qvirtio_fs_write_request(fs, opcode, nodeid, in_arg, in_size,
                             reply->unique_sent);
    /* A reply that writes less leaves zeros, not an older reply. */
    qtest_memset(fs->vdev->qts, fs->out_buf, 0, lens[1]);
    head = qvirtqueue_add_chain(fs->request, addrs, lens, writes, 2);
    qvirtqueue_kick(fs->request, head);
    if (!qvirtqueue_get_used(fs->request, &id, &reply->used_len,
                             QVIRTIO_FS_TIMEOUT_MS)) {
        return false;
    }
    g_assert_cmpuint(id, ==, head);
    qvirtio_fs_read_reply(fs, out, out_size, reply);
    return true;
}

bool qvirtio_fs_fuse_init(QVirtioFs *fs, uint32_t minor, QFuseReply *reply,
                          QFuseInitOut *init)
{
    uint32_t in[4] = { GUINT32_TO_LE(QFUSE_KERNEL_VERSION),
                       GUINT32_TO_LE(minor),
                       GUINT32_TO_LE(QFUSE_MAX_READAHEAD), 0 };
    uint32_t out[QFUSE_INIT_OUT_SIZE / 4];

    G_STATIC_ASSERT(sizeof(in) == QFUSE_INIT_IN_SIZE);
    if (!qvirtio_fs_request(fs, QFUSE_INIT, QFUSE_ROOT_ID, in, sizeof(in),
                            out, sizeof(out), reply)) {
        return false;
    }
    /* fuse_init_out: major, minor, max_readahead, flags, two u16, max_write */
    init->major = GUINT32_FROM_LE(out[0]);
    init->minor = GUINT32_FROM_LE(out[1]);
    init->max_readahead = GUINT32_FROM_LE(out[2]);
    init->flags = GUINT32_FROM_LE(out[3]);
    init->max_write = GUINT32_FROM_LE(out[5]);
    return true;
}
