/*
 * The virtio core (hw/virtio/virtio.c) in-process: this test plays the
 * driver, writing descriptors and rings into guest memory built with the
 * memory API (two RAM regions back to back, an MMIO page, a hole), and
 * drives a small echo device: element splitting, indirect tables, event
 * idx, every malformed chain (NEEDS_RESET, one config interrupt, recovery
 * by reset), feature negotiation and config space.
 */
#include "qemu/osdep.h"
#include "hw/virtio/virtio.h"

#define TYPE_TEST_ECHO "test-virtio-echo"
#define TYPE_TEST_ECHO_RW "test-virtio-echo-rw"

/* Guest memory map of the test address space. */
#define RAM_A_GPA       0x0
#define RAM_B_GPA       0x10000         /* right after A: a RAM gap */
#define RAM_SIZE        0x10000
#define MMIO_GPA        0x20000
#define MMIO_SIZE       0x1000
#define HOLE_GPA        0x100000        /* nothing mapped here */

#define DESC_GPA        0x1000
#define AVAIL_GPA       0x2000
#define USED_GPA        0x3000
#define INDIRECT_GPA    0x4000
#define OUT_GPA         0x5000
#define IN_GPA          0x6000

#define QUEUE_MAX       16
#define QUEUE_NUM       8
#define QUEUE_VECTOR    1
#define CONFIG_VECTOR   0
#define ECHO_DEVICE_ID  0x7f
#define ECHO_MAGIC      0x12345678u

/* Device features of the echo device. */
#define TEST_F_A        0   /* required by validate_features */
#define TEST_F_B        1

#define F(bit)          (1ull << (bit))
#define MODERN_FEATURES (F(VIRTIO_F_VERSION_1) | F(TEST_F_A))

typedef struct TestEcho {
    VirtIODevice parent_obj;
    VirtQueue *vq;
    uint32_t config_value;      /* config offset 4, le32 */
    bool drop_version_1;        /* get_features misbehaves */
    unsigned int nb_handled;
    unsigned int nb_get_config;
    unsigned int nb_set_features;
    unsigned int nb_resets;
    unsigned int last_out_num;
    unsigned int last_in_num;
    hwaddr last_out_addr[4];
    size_t last_out_len[4];
} TestEcho;

#define TEST_ECHO(obj) OBJECT_CHECK(TestEcho, (obj), TYPE_TEST_ECHO)

/* The driver side: guest memory, transport counters, ring cursors. */
typedef struct TestDriver {
    MemoryRegion root;
    MemoryRegion ram_a;
    MemoryRegion ram_b;
    MemoryRegion mmio;
    AddressSpace as;
    void *host_a;
    void *host_b;
    TestEcho *echo;
    VirtIODevice *vdev;
    unsigned int nb_queue_irqs;
    unsigned int nb_config_irqs;
    unsigned int nb_other_irqs;
    uint16_t avail_idx;
} TestDriver;

/* ---- the echo device ---- */

static void test_echo_record(TestEcho *echo, const VirtQueueElement *elem)
{
    unsigned int i;

    echo->last_out_num = elem->out_num;
    echo->last_in_num = elem->in_num;
    for (i = 0; i < elem->out_num && i < 4; i++) {
        echo->last_out_addr[i] = elem->out_addr[i];
        echo->last_out_len[i] = elem->out_sg[i].iov_len;
    }
}

/* Copy each request into its response buffers, answer, interrupt. */
static void test_echo_handle(VirtIODevice *vdev, VirtQueue *vq)
{
    TestEcho *echo = TEST_ECHO(vdev);
    VirtQueueElement *elem;
    uint8_t buf[256];

    while ((elem = virtqueue_pop(vq))) {
        size_t len = iov_to_buf(elem->out_sg, elem->out_num, 0, buf,
                                sizeof(buf));
        size_t written = iov_from_buf(elem->in_sg, elem->in_num, 0, buf, len);

        test_echo_record(echo, elem);
        virtqueue_push(vq, elem, written);
        g_free(elem);
        echo->nb_handled++;
    }
    virtio_notify(vdev, vq);
}

static bool test_echo_realize(DeviceState *dev, Error **errp)
{
    TestEcho *echo = TEST_ECHO(dev);
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);

    vdev->name = "test-virtio-echo";
    virtio_init(vdev, ECHO_DEVICE_ID, 8);
    vdev->host_features |= F(TEST_F_A) | F(TEST_F_B);
    echo->vq = virtio_add_queue(vdev, QUEUE_MAX, test_echo_handle);
    return true;
}

static uint64_t test_echo_get_features(VirtIODevice *vdev, uint64_t requested,
                                       Error **errp)
{
    /* Like a device that cannot do ACCESS_PLATFORM. */
    requested &= ~F(VIRTIO_F_ACCESS_PLATFORM);
    if (TEST_ECHO(vdev)->drop_version_1) {
        requested &= ~F(VIRTIO_F_VERSION_1);
    }
    return requested;
}

static int test_echo_validate_features(VirtIODevice *vdev)
{
    return virtio_vdev_has_feature(vdev, TEST_F_A) ? 0 : -1;
}

static void test_echo_set_features(VirtIODevice *vdev, uint64_t features)
{
    TEST_ECHO(vdev)->nb_set_features++;
}

static void test_echo_get_config(VirtIODevice *vdev, uint8_t *config)
{
    TestEcho *echo = TEST_ECHO(vdev);
    uint32_t magic = GUINT32_TO_LE(ECHO_MAGIC);
    uint32_t value = GUINT32_TO_LE(echo->config_value);

    memcpy(config, &magic, 4);
    memcpy(config + 4, &value, 4);
    echo->nb_get_config++;
}

static void test_echo_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    uint32_t value;

    memcpy(&value, config + 4, 4);
    TEST_ECHO(vdev)->config_value = GUINT32_FROM_LE(value);
}

static void test_echo_reset(VirtIODevice *vdev)
{
    TEST_ECHO(vdev)->nb_resets++;
}

static void test_echo_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);

    dc->realize = test_echo_realize;
    vdc->get_features = test_echo_get_features;
    vdc->validate_features = test_echo_validate_features;
    vdc->set_features = test_echo_set_features;
    vdc->get_config = test_echo_get_config;
    vdc->reset = test_echo_reset;
}

static void test_echo_rw_class_init(ObjectClass *klass, void *data)
{
    VIRTIO_DEVICE_CLASS(klass)->set_config = test_echo_set_config;
}

static const TypeInfo test_echo_info = {
    .name = TYPE_TEST_ECHO,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(TestEcho),
    .class_init = test_echo_class_init,
};

static const TypeInfo test_echo_rw_info = {
    .name = TYPE_TEST_ECHO_RW,
    .parent = TYPE_TEST_ECHO,
    .class_init = test_echo_rw_class_init,
};

/* ---- transport and guest memory ---- */

static void test_transport_notify(void *opaque, uint16_t vector)
{
    TestDriver *d = opaque;

    if (vector == QUEUE_VECTOR) {
        d->nb_queue_irqs++;
    } else if (vector == CONFIG_VECTOR) {
        d->nb_config_irqs++;
    } else {
        d->nb_other_irqs++;
    }
}

static const VirtioTransportOps test_transport_ops = {
    .notify = test_transport_notify,
};

static uint64_t test_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void test_mmio_write(void *opaque, hwaddr addr, uint64_t data,
                            unsigned size)
{
}

static const MemoryRegionOps test_mmio_ops = {
    .read = test_mmio_read,
    .write = test_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void test_memory_init(TestDriver *d)
{
    d->host_a = g_malloc0(RAM_SIZE);
    d->host_b = g_malloc0(RAM_SIZE);
    memory_region_init(&d->root, NULL, "test-root", UINT64_MAX);
    memory_region_init_ram_ptr(&d->ram_a, NULL, "ram-a", RAM_SIZE, d->host_a);
    memory_region_init_ram_ptr(&d->ram_b, NULL, "ram-b", RAM_SIZE, d->host_b);
    memory_region_init_io(&d->mmio, NULL, &test_mmio_ops, d, "mmio",
                          MMIO_SIZE);
    memory_region_add_subregion(&d->root, RAM_A_GPA, &d->ram_a);
    memory_region_add_subregion(&d->root, RAM_B_GPA, &d->ram_b);
    memory_region_add_subregion(&d->root, MMIO_GPA, &d->mmio);
    address_space_init(&d->as, &d->root, "test-virtqueue");
}

static TestDriver *test_driver_new(const char *type)
{
    TestDriver *d = g_new0(TestDriver, 1);

    test_memory_init(d);
    d->echo = TEST_ECHO(object_new(type));
    d->vdev = VIRTIO_DEVICE(d->echo);
    g_assert_true(qdev_realize(DEVICE(d->echo), NULL, &error_abort));
    virtio_set_dma_as(d->vdev, &d->as);
    virtio_bind_transport(d->vdev, &test_transport_ops, d);
    g_assert_true(virtio_offer_features(d->vdev, 0, &error_abort));
    return d;
}

static void test_driver_free(TestDriver *d)
{
    object_unref(OBJECT(d->echo));
    address_space_destroy(&d->as);
    memory_region_finalize(&d->mmio);
    memory_region_finalize(&d->ram_b);
    memory_region_finalize(&d->ram_a);
    memory_region_finalize(&d->root);
    g_free(d->host_a);
    g_free(d->host_b);
    g_free(d);
}

/* ---- driver-side ring access ---- */

static void test_st(TestDriver *d, hwaddr gpa, uint64_t value, unsigned size)
{
    g_assert_cmpint(address_space_st(&d->as, gpa, value, size), ==,
                    MEMTX_OK);
}

static uint64_t test_ld(TestDriver *d, hwaddr gpa, unsigned size)
{
    MemTxResult res;
    uint64_t value = address_space_ld(&d->as, gpa, size, &res);

    g_assert_cmpint(res, ==, MEMTX_OK);
    return value;
}

static void test_write_bytes(TestDriver *d, hwaddr gpa, const char *bytes)
{
    g_assert_cmpint(address_space_write(&d->as, gpa, bytes, strlen(bytes)),
                    ==, MEMTX_OK);
}

/* The bytes at gpa, NUL-terminated (g_free). */
static char *test_read_bytes(TestDriver *d, hwaddr gpa, size_t len)
{
    char *buf = g_malloc0(len + 1);

    g_assert_cmpint(address_space_read(&d->as, gpa, buf, len), ==, MEMTX_OK);
    return buf;
}

static void test_desc(TestDriver *d, hwaddr table, unsigned int idx,
                      uint64_t addr, uint32_t len, uint16_t flags,
                      uint16_t next)
{
    hwaddr gpa = table + idx * VIRTQ_DESC_SIZE;

    test_st(d, gpa, addr, 8);
    test_st(d, gpa + 8, len, 4);
    test_st(d, gpa + 12, flags, 2);
    test_st(d, gpa + 14, next, 2);
}

/* Make head available and kick. */
static void test_submit(TestDriver *d, uint16_t head)
{
    test_st(d, AVAIL_GPA + 4 + 2 * (d->avail_idx % QUEUE_NUM), head, 2);
    d->avail_idx++;
    test_st(d, AVAIL_GPA + 2, d->avail_idx, 2);
    virtio_queue_notify(d->vdev, 0);
}

static uint16_t test_used_idx(TestDriver *d)
{
    return test_ld(d, USED_GPA + 2, 2);
}

static void test_check_used(TestDriver *d, unsigned int slot, uint32_t id,
                            uint32_t len)
{
    g_assert_cmpuint(test_ld(d, USED_GPA + 4 + 8 * slot, 4), ==, id);
    g_assert_cmpuint(test_ld(d, USED_GPA + 8 + 8 * slot, 4), ==, len);
}

static void test_set_status(TestDriver *d, uint8_t bits)
{
    virtio_set_status(d->vdev, virtio_get_status(d->vdev) | bits);
}

/* The driver's side of initialization (virtio 1.2, 3.1.1) up to DRIVER_OK. */
static void test_driver_start(TestDriver *d, uint64_t features)
{
    memset(d->host_a, 0, RAM_SIZE);
    d->avail_idx = 0;
    test_set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    test_set_status(d, VIRTIO_CONFIG_S_DRIVER);
    g_assert_true(virtio_set_guest_features(d->vdev, features));
    test_set_status(d, VIRTIO_CONFIG_S_FEATURES_OK);
    g_assert_cmphex(virtio_get_status(d->vdev) & VIRTIO_CONFIG_S_FEATURES_OK,
                    ==, VIRTIO_CONFIG_S_FEATURES_OK);
    virtio_set_config_vector(d->vdev, CONFIG_VECTOR);
    virtio_queue_set_num(d->vdev, 0, QUEUE_NUM);
    virtio_queue_set_rings(d->vdev, 0, DESC_GPA, AVAIL_GPA, USED_GPA);
    virtio_queue_set_vector(d->vdev, 0, QUEUE_VECTOR);
    virtio_queue_set_enabled(d->vdev, 0, true);
    test_set_status(d, VIRTIO_CONFIG_S_DRIVER_OK);
}

static TestDriver *test_driver_started(uint64_t features)
{
    TestDriver *d = test_driver_new(TYPE_TEST_ECHO);

    test_driver_start(d, features);
    return d;
}

/* A good request: "ping" out, 8 bytes in, head 0. */
static void test_submit_ping(TestDriver *d)
{
    test_write_bytes(d, OUT_GPA, "ping");
    test_desc(d, DESC_GPA, 0, OUT_GPA, 4, VIRTQ_DESC_F_NEXT, 1);
    test_desc(d, DESC_GPA, 1, IN_GPA, 8, VIRTQ_DESC_F_WRITE, 0);
    test_submit(d, 0);
}

/* ---- echo through well-formed chains ---- */

static void test_echo_one_out_one_in(void)
{
    TestDriver *d = test_driver_started(MODERN_FEATURES);
    g_autofree char *reply = NULL;

    test_submit_ping(d);
    g_assert_cmpuint(d->echo->nb_handled, ==, 1);
    g_assert_cmpuint(test_used_idx(d), ==, 1);
    test_check_used(d, 0, 0, 4);
    reply = test_read_bytes(d, IN_GPA, 4);
    g_assert_cmpstr(reply, ==, "ping");
    g_assert_cmpuint(d->nb_queue_irqs, ==, 1);
    g_assert_cmpuint(d->nb_config_irqs, ==, 0);
    g_assert_cmphex(virtio_isr_read_clear(d->vdev), ==, 1);
    g_assert_cmphex(virtio_get_isr(d->vdev), ==, 0);
    g_assert_cmpuint(virtqueue_get_inuse(d->echo->vq), ==, 0);
    test_driver_free(d);
}

/* Request in 3 pieces at odd addresses, response in 2 of odd sizes. */
static void test_echo_split_at_odd_offsets(void)
{
    TestDriver *d = test_driver_started(MODERN_FEATURES);
    g_autofree char *first = NULL;
    g_autofree char *second = NULL;

    test_write_bytes(d, OUT_GPA + 1, "abc");
    test_write_bytes(d, OUT_GPA + 0x103, "defgh");
    test_write_bytes(d, OUT_GPA + 0x207, "ijklmno");
    test_desc(d, DESC_GPA, 3, OUT_GPA + 1, 3, VIRTQ_DESC_F_NEXT, 5);
    test_desc(d, DESC_GPA, 5, OUT_GPA + 0x103, 5, VIRTQ_DESC_F_NEXT, 2);
    test_desc(d, DESC_GPA, 2, OUT_GPA + 0x207, 7, VIRTQ_DESC_F_NEXT, 7);
    test_desc(d, DESC_GPA, 7, IN_GPA + 1, 4,
              VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
    test_desc(d, DESC_GPA, 0, IN_GPA + 0x105, 11, VIRTQ_DESC_F_WRITE, 0);
    test_submit(d, 3);

    g_assert_cmpuint(d->echo->last_out_num, ==, 3);
    g_assert_cmpuint(d->echo->last_in_num, ==, 2);
    g_assert_cmphex(d->echo->last_out_addr[1], ==, OUT_GPA + 0x103);
    test_check_used(d, 0, 3, 15);
    first = test_read_bytes(d, IN_GPA + 1, 4);
    second = test_read_bytes(d, IN_GPA + 0x105, 11);
    g_assert_cmpstr(first, ==, "abcd");
    g_assert_cmpstr(second, ==, "efghijklmno");
    test_driver_free(d);
}

/* A buffer over the end of RAM A into RAM B is two host pieces. */
static void test_echo_buffer_across_ram_gap(void)
{
    TestDriver *d = test_driver_started(MODERN_FEATURES);
    g_autofree char *reply = NULL;

    test_write_bytes(d, RAM_B_GPA - 3, "xyz12");
    test_desc(d, DESC_GPA, 0, RAM_B_GPA - 3, 5, VIRTQ_DESC_F_NEXT, 1);
    test_desc(d, DESC_GPA, 1, IN_GPA, 5, VIRTQ_DESC_F_WRITE, 0);
    test_submit(d, 0);

    g_assert_cmpuint(d->echo->last_out_num, ==, 2);
    g_assert_cmphex(d->echo->last_out_addr[0], ==, RAM_B_GPA - 3);
    g_assert_cmpuint(d->echo->last_out_len[0], ==, 3);
    g_assert_cmphex(d->echo->last_out_addr[1], ==, RAM_B_GPA);
    g_assert_cmpuint(d->echo->last_out_len[1], ==, 2);
    test_check_used(d, 0, 0, 5);
    reply = test_read_bytes(d, IN_GPA, 5);
    g_assert_cmpstr(reply, ==, "xyz12");
    test_driver_free(d);
}

static void test_echo_nothing_before_driver_ok(void)
{
    TestDriver *d = test_driver_new(TYPE_TEST_ECHO);

    test_driver_start(d, MODERN_FEATURES);
    virtio_set_status(d->vdev, virtio_get_status(d->vdev) &
                               ~VIRTIO_CONFIG_S_DRIVER_OK);
    test_submit_ping(d);
    g_assert_cmpuint(d->echo->nb_handled, ==, 0);
    g_assert_cmpuint(test_used_idx(d), ==, 0);
    g_assert_cmpuint(d->nb_queue_irqs, ==, 0);
    test_set_status(d, VIRTIO_CONFIG_S_DRIVER_OK);
    virtio_queue_notify(d->vdev, 0);
    g_assert_cmpuint(d->echo->nb_handled, ==, 1);
    test_driver_free(d);
}

/* ---- indirect descriptors ---- */

static void test_indirect_table(void)
{
    TestDriver *d = test_driver_started(MODERN_FEATURES |
                                        F(VIRTIO_RING_F_INDIRECT_DESC));
    g_autofree char *first = NULL;
    g_autofree char *second = NULL;

    test_write_bytes(d, OUT_GPA, "wxyz");
    test_desc(d, INDIRECT_GPA, 0, OUT_GPA, 4, VIRTQ_DESC_F_NEXT, 2);
    test_desc(d, INDIRECT_GPA, 2, IN_GPA, 2,
              VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    test_desc(d, INDIRECT_GPA, 1, IN_GPA + 0x100, 2, VIRTQ_DESC_F_WRITE, 0);
    test_desc(d, DESC_GPA, 4, INDIRECT_GPA, 3 * VIRTQ_DESC_SIZE,
              VIRTQ_DESC_F_INDIRECT, 0);
    test_submit(d, 4);

    g_assert_cmpuint(d->echo->last_out_num, ==, 1);
    g_assert_cmpuint(d->echo->last_in_num, ==, 2);
    test_check_used(d, 0, 4, 4);
    first = test_read_bytes(d, IN_GPA, 2);
    second = test_read_bytes(d, IN_GPA + 0x100, 2);
    g_assert_cmpstr(first, ==, "wx");
    g_assert_cmpstr(second, ==, "yz");
    test_driver_free(d);
}

/* virtio 1.2, 2.7.5.3.2: plain descriptors, then one indirect. */
static void test_indirect_after_plain_descriptors(void)
{
    TestDriver *d = test_driver_started(MODERN_FEATURES |
                                        F(VIRTIO_RING_F_INDIRECT_DESC));
    g_autofree char *reply = NULL;

    test_write_bytes(d, OUT_GPA, "ab");
    test_write_bytes(d, OUT_GPA + 0x100, "cd");
    test_desc(d, DESC_GPA, 0, OUT_GPA, 2, VIRTQ_DESC_F_NEXT, 1);
    test_desc(d, DESC_GPA, 1, INDIRECT_GPA, 2 * VIRTQ_DESC_SIZE,
              VIRTQ_DESC_F_INDIRECT, 0);
    test_desc(d, INDIRECT_GPA, 0, OUT_GPA + 0x100, 2, VIRTQ_DESC_F_NEXT, 1);
    test_desc(d, INDIRECT_GPA, 1, IN_GPA, 4, VIRTQ_DESC_F_WRITE, 0);
    test_submit(d, 0);

    g_assert_cmpuint(d->echo->last_out_num, ==, 2);
    g_assert_cmpuint(d->echo->last_in_num, ==, 1);
    test_check_used(d, 0, 0, 4);
    reply = test_read_bytes(d, IN_GPA, 4);
    g_assert_cmpstr(reply, ==, "abcd");
    test_driver_free(d);
}

/* ---- notification suppression ---- */

static void test_notify_no_interrupt_flag(void)
{
    TestDriver *d = test_driver_started(MODERN_FEATURES);

    test_st(d, AVAIL_GPA, VIRTQ_AVAIL_F_NO_INTERRUPT, 2);
    test_submit_ping(d);
    g_assert_cmpuint(test_used_idx(d), ==, 1);
    g_assert_cmpuint(d->nb_queue_irqs, ==, 0);
    g_assert_cmphex(virtio_get_isr(d->vdev), ==, 0);

    test_st(d, AVAIL_GPA, 0, 2);
    test_submit_ping(d);
    g_assert_cmpuint(test_used_idx(d), ==, 2);
    g_assert_cmpuint(d->nb_queue_irqs, ==, 1);
    test_driver_free(d);
}

/* With EVENT_IDX the NO_INTERRUPT flag means nothing; used_event rules. */
static void test_event_idx_used_event(void)
{
    TestDriver *d = test_driver_started(MODERN_FEATURES |
                                        F(VIRTIO_RING_F_EVENT_IDX));
    hwaddr used_event = AVAIL_GPA + 4 + 2 * QUEUE_NUM;
    hwaddr avail_event = USED_GPA + 4 + 8 * QUEUE_NUM;

    test_st(d, AVAIL_GPA, VIRTQ_AVAIL_F_NO_INTERRUPT, 2);
    test_st(d, used_event, 0, 2);
    test_submit_ping(d);            /* used idx 0 -> 1 passes 0 */
    g_assert_cmpuint(d->nb_queue_irqs, ==, 1);
    g_assert_cmpuint(test_ld(d, avail_event, 2), ==, 1);

    test_st(d, used_event, 2, 2);   /* wake me when entry 2 is used */
    test_submit_ping(d);            /* 1 -> 2: not yet */
    g_assert_cmpuint(test_used_idx(d), ==, 2);
    g_assert_cmpuint(d->nb_queue_irqs, ==, 1);
    test_submit_ping(d);            /* 2 -> 3: passes 2 */
    g_assert_cmpuint(d->nb_queue_irqs, ==, 2);
    test_submit_ping(d);            /* 3 -> 4: 2 already passed */
    g_assert_cmpuint(d->nb_queue_irqs, ==, 2);
    g_assert_cmpuint(test_used_idx(d), ==, 4);
    g_assert_cmpuint(test_ld(d, avail_event, 2), ==, 4);
    test_driver_free(d);
}

/* An element popped before a reset must not reach the new rings. */
static void test_push_after_reset_dropped(void)
{
    TestDriver *d = test_driver_started(MODERN_FEATURES);
    VirtQueueElement *elem;

    test_desc(d, DESC_GPA, 0, IN_GPA, 8, VIRTQ_DESC_F_WRITE, 0);
    test_st(d, AVAIL_GPA + 4, 0, 2);
    test_st(d, AVAIL_GPA + 2, 1, 2);
    elem = virtqueue_pop(d->echo->vq);
    g_assert_nonnull(elem);
    g_assert_cmpuint(elem->out_num, ==, 0);
    g_assert_cmpuint(elem->in_num, ==, 1);
    g_assert_cmpuint(virtqueue_get_inuse(d->echo->vq), ==, 1);
    virtio_set_status(d->vdev, 0);
    test_driver_start(d, MODERN_FEATURES);
    virtqueue_push(d->echo->vq, elem, 8);
    g_free(elem);
    g_assert_cmpuint(test_used_idx(d), ==, 0);
    test_check_used(d, 0, 0, 0);
    test_driver_free(d);
}

static void test_set_notification(void)
{
    TestDriver *d = test_driver_started(MODERN_FEATURES);
    hwaddr avail_event = USED_GPA + 4 + 8 * QUEUE_NUM;

    virtio_queue_set_notification(d->echo->vq, false);
    g_assert_cmphex(test_ld(d, USED_GPA, 2), ==, VIRTQ_USED_F_NO_NOTIFY);
    virtio_queue_set_notification(d->echo->vq, true);
    g_assert_cmphex(test_ld(d, USED_GPA, 2), ==, 0);

    virtio_set_status(d->vdev, 0);
    test_driver_start(d, MODERN_FEATURES | F(VIRTIO_RING_F_EVENT_IDX));
    test_submit_ping(d);
    test_st(d, avail_event, 0, 2);
    virtio_queue_set_notification(d->echo->vq, true);
    g_assert_cmpuint(test_ld(d, avail_event, 2), ==, 1);
    g_assert_cmphex(test_ld(d, USED_GPA, 2), ==, 0);
    test_driver_free(d);
}

/* ---- malformed chains: broken until reset ---- */

/*
 * The device must be broken for a reason containing why, with exactly one
 * config interrupt, nothing used, and must ignore further requests; after
 * a reset and a new initialization it must echo again.
 */
static void test_check_broken_then_recover(TestDriver *d, uint64_t features,
                                           const char *why)
{
    unsigned int handled = d->echo->nb_handled;

    g_assert_true(virtio_device_is_broken(d->vdev));
    g_assert_nonnull(strstr(virtio_device_broken_reason(d->vdev), why));
    g_assert_cmphex(virtio_get_status(d->vdev) & VIRTIO_CONFIG_S_NEEDS_RESET,
                    ==, VIRTIO_CONFIG_S_NEEDS_RESET);
    g_assert_cmpuint(d->nb_config_irqs, ==, 1);
    g_assert_cmpuint(d->nb_queue_irqs, ==, 0);
    g_assert_cmpuint(d->nb_other_irqs, ==, 0);
    g_assert_cmpuint(virtio_get_config_generation(d->vdev), ==, 1);
    g_assert_cmphex(virtio_get_isr(d->vdev) & 2, ==, 2);
    g_assert_cmpuint(test_used_idx(d), ==, 0);

    /* A good request now is not even popped; NEEDS_RESET sticks. */
    test_submit_ping(d);
    virtio_set_status(d->vdev, virtio_get_status(d->vdev) &
                               ~VIRTIO_CONFIG_S_NEEDS_RESET);
    g_assert_cmphex(virtio_get_status(d->vdev) & VIRTIO_CONFIG_S_NEEDS_RESET,
                    ==, VIRTIO_CONFIG_S_NEEDS_RESET);
    g_assert_null(virtqueue_pop(d->echo->vq));
    g_assert_cmpuint(d->echo->nb_handled, ==, handled);
    g_assert_cmpuint(test_used_idx(d), ==, 0);
    g_assert_cmpuint(d->nb_config_irqs, ==, 1);

    virtio_set_status(d->vdev, 0);
    g_assert_false(virtio_device_is_broken(d->vdev));
    g_assert_null(virtio_device_broken_reason(d->vdev));
    g_assert_cmphex(virtio_get_status(d->vdev), ==, 0);
    test_driver_start(d, features);
    test_submit_ping(d);
    g_assert_cmpuint(d->echo->nb_handled, ==, handled + 1);
    test_check_used(d, 0, 0, 4);
    g_assert_cmpuint(d->nb_config_irqs, ==, 1);
    test_driver_free(d);
}

/* One malformed case: descriptors written by a setup function. */
typedef struct TestMalformed {
    const char *name;
    uint64_t features;
    void (*setup)(TestDriver *d);
    uint16_t head;
    const char *why;
} TestMalformed;

static void test_mal_outside_ram(TestDriver *d)
{
    test_desc(d, DESC_GPA, 0, HOLE_GPA, 4, 0, 0);
}

static void test_mal_in_mmio(TestDriver *d)
{
    test_desc(d, DESC_GPA, 0, MMIO_GPA, 4, 0, 0);
}

static void test_mal_ram_then_mmio(TestDriver *d)
{
    test_desc(d, DESC_GPA, 0, MMIO_GPA - 2, 4, 0, 0);
}

static void test_mal_addr_wraps(TestDriver *d)
{
    test_desc(d, DESC_GPA, 0, UINT64_MAX - 1, 4, 0, 0);
}

static void test_mal_zero_length(TestDriver *d)
{
    test_desc(d, DESC_GPA, 0, OUT_GPA, 0, 0, 0);
}

static void test_mal_self_loop(TestDriver *d)
{
    test_desc(d, DESC_GPA, 0, OUT_GPA, 4, VIRTQ_DESC_F_NEXT, 0);
}

/* Every descriptor of the table in one cycle: longer than the queue. */
static void test_mal_longer_than_queue(TestDriver *d)
{
    unsigned int i;

    for (i = 0; i < QUEUE_NUM; i++) {
        test_desc(d, DESC_GPA, i, OUT_GPA, 4, VIRTQ_DESC_F_NEXT,
                  (i + 1) % QUEUE_NUM);
    }
}

static void test_mal_next_out_of_range(TestDriver *d)
{
    test_desc(d, DESC_GPA, 0, OUT_GPA, 4, VIRTQ_DESC_F_NEXT, QUEUE_NUM);
}

static void test_mal_write_before_read(TestDriver *d)
{
    test_desc(d, DESC_GPA, 0, IN_GPA, 4,
              VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    test_desc(d, DESC_GPA, 1, OUT_GPA, 4, 0, 0);
}

static void test_mal_avail_jump(TestDriver *d)
{
    test_desc(d, DESC_GPA, 0, OUT_GPA, 4, 0, 0);
    /* test_submit adds one more: num + 1 ahead. */
    d->avail_idx = QUEUE_NUM;
}

static void test_mal_indirect_table(TestDriver *d, uint32_t len,
                                    uint16_t flags)
{
    test_desc(d, DESC_GPA, 0, INDIRECT_GPA, len,
              VIRTQ_DESC_F_INDIRECT | flags, 1);
    test_desc(d, DESC_GPA, 1, IN_GPA, 4, VIRTQ_DESC_F_WRITE, 0);
    test_desc(d, INDIRECT_GPA, 0, OUT_GPA, 4, VIRTQ_DESC_F_NEXT, 1);
    test_desc(d, INDIRECT_GPA, 1, IN_GPA, 4, VIRTQ_DESC_F_WRITE, 0);
}

static void test_mal_indirect_plain(TestDriver *d)
{
    test_mal_indirect_table(d, 2 * VIRTQ_DESC_SIZE, 0);
}

static void test_mal_indirect_with_next(TestDriver *d)
{
    test_mal_indirect_table(d, 2 * VIRTQ_DESC_SIZE, VIRTQ_DESC_F_NEXT);
}

static void test_mal_indirect_odd_length(TestDriver *d)
{
    test_mal_indirect_table(d, VIRTQ_DESC_SIZE + 8, 0);
}

static void test_mal_indirect_empty(TestDriver *d)
{
    test_mal_indirect_table(d, 0, 0);
}

static void test_mal_indirect_nested(TestDriver *d)
{
    test_mal_indirect_table(d, 2 * VIRTQ_DESC_SIZE, 0);
    test_desc(d, INDIRECT_GPA, 1, INDIRECT_GPA, VIRTQ_DESC_SIZE,
              VIRTQ_DESC_F_INDIRECT, 0);
}

static void test_mal_indirect_loop(TestDriver *d)
{
    test_mal_indirect_table(d, 2 * VIRTQ_DESC_SIZE, 0);
    test_desc(d, INDIRECT_GPA, 1, OUT_GPA, 4, VIRTQ_DESC_F_NEXT, 0);
}

static void test_mal_desc_table_in_hole(TestDriver *d)
{
    virtio_queue_set_rings(d->vdev, 0, HOLE_GPA, AVAIL_GPA, USED_GPA);
}

#define INDIRECT_FEATURES (MODERN_FEATURES | F(VIRTIO_RING_F_INDIRECT_DESC))

static const TestMalformed test_malformed[] = {
    { "desc-outside-ram", MODERN_FEATURES, test_mal_outside_ram, 0,
      "is not all guest RAM" },
    { "desc-in-mmio", MODERN_FEATURES, test_mal_in_mmio, 0,
      "is not all guest RAM" },
    { "desc-ram-then-mmio", MODERN_FEATURES, test_mal_ram_then_mmio, 0,
      "(0x20000 is not)" },
    { "desc-addr-wraps", MODERN_FEATURES, test_mal_addr_wraps, 0,
      "empty or wraps" },
    { "desc-zero-length", MODERN_FEATURES, test_mal_zero_length, 0,
      "empty or wraps" },
    { "chain-loop", MODERN_FEATURES, test_mal_self_loop, 0, "a loop" },
    { "chain-longer-than-queue", MODERN_FEATURES, test_mal_longer_than_queue,
      0, "longer than its table of 8" },
    { "next-out-of-range", MODERN_FEATURES, test_mal_next_out_of_range, 0,
      "next 8 is not below the table size 8" },
    { "writable-before-readable", MODERN_FEATURES, test_mal_write_before_read,
      0, "readable descriptor 1 after a writable one" },
    { "head-out-of-range", MODERN_FEATURES, NULL, QUEUE_NUM,
      "names head 8, not below the queue size 8" },
    { "avail-idx-ahead-by-more-than-num", MODERN_FEATURES, test_mal_avail_jump,
      0, "is 9 entries ahead" },
    { "desc-table-outside-memory", MODERN_FEATURES,
      test_mal_desc_table_in_hole, 0, "is outside guest memory" },
    { "indirect-not-negotiated", MODERN_FEATURES, test_mal_indirect_plain, 0,
      "INDIRECT_DESC was not negotiated" },
    { "indirect-with-next", INDIRECT_FEATURES, test_mal_indirect_with_next, 0,
      "also has NEXT set" },
    { "indirect-odd-length", INDIRECT_FEATURES, test_mal_indirect_odd_length,
      0, "indirect table of 24 bytes" },
    { "indirect-empty", INDIRECT_FEATURES, test_mal_indirect_empty, 0,
      "indirect table of 0 bytes" },
    { "indirect-nested", INDIRECT_FEATURES, test_mal_indirect_nested, 0,
      "inside an indirect table" },
    { "indirect-loop", INDIRECT_FEATURES, test_mal_indirect_loop, 0,
      "longer than its table of 2" },
};

static void test_malformed_case(gconstpointer data)
{
    const TestMalformed *mal = data;
    TestDriver *d = test_driver_started(mal->features);

    if (mal->setup) {
        mal->setup(d);
    }
    test_submit(d, mal->head);
    g_assert_cmpuint(d->echo->nb_handled, ==, 0);
    test_check_broken_then_recover(d, mal->features, mal->why);
}

/* A second violation while broken: no second interrupt, first reason. */
static void test_broken_second_error_is_quiet(void)
{
    TestDriver *d = test_driver_started(MODERN_FEATURES);

    virtio_error(d->vdev, "first %d", 1);
    virtio_error(d->vdev, "second %d", 2);
    g_assert_cmpstr(virtio_device_broken_reason(d->vdev), ==, "first 1");
    g_assert_cmpuint(d->nb_config_irqs, ==, 1);
    test_check_broken_then_recover(d, MODERN_FEATURES, "first 1");
}

/* ---- feature negotiation ---- */

static void test_features_offered(void)
{
    TestDriver *d = test_driver_new(TYPE_TEST_ECHO);
    uint64_t core = F(VIRTIO_F_VERSION_1) | F(VIRTIO_RING_F_INDIRECT_DESC) |
                    F(VIRTIO_RING_F_EVENT_IDX);

    g_assert_cmphex(virtio_get_host_features(d->vdev), ==,
                    core | F(TEST_F_A) | F(TEST_F_B));
    /* Transport bits are added, then the model's hook trims. */
    g_assert_true(virtio_offer_features(d->vdev, F(VIRTIO_F_ACCESS_PLATFORM) |
                                        F(34), &error_abort));
    g_assert_cmphex(virtio_get_host_features(d->vdev), ==,
                    core | F(TEST_F_A) | F(TEST_F_B) | F(34));
    test_driver_free(d);
}

static void test_features_offer_without_version_1(void)
{
    TestDriver *d = test_driver_new(TYPE_TEST_ECHO);
    uint64_t before = virtio_get_host_features(d->vdev);
    Error *err = NULL;

    d->echo->drop_version_1 = true;
    g_assert_false(virtio_offer_features(d->vdev, 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "device 'test-virtio-echo' does not offer "
                    "VIRTIO_F_VERSION_1 (bit 32), which a modern-only "
                    "transport requires");
    error_free(err);
    g_assert_cmphex(virtio_get_host_features(d->vdev), ==, before);
    test_driver_free(d);
}

static void test_features_not_offered_dropped(void)
{
    TestDriver *d = test_driver_new(TYPE_TEST_ECHO);

    test_set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
    g_assert_true(virtio_set_guest_features(d->vdev, UINT64_MAX));
    g_assert_cmphex(virtio_get_guest_features(d->vdev), ==,
                    virtio_get_host_features(d->vdev));
    g_assert_true(virtio_vdev_has_feature(d->vdev, TEST_F_B));
    g_assert_false(virtio_vdev_has_feature(d->vdev, 40));
    g_assert_cmpuint(d->echo->nb_set_features, ==, 1);
    test_driver_free(d);
}

/* FEATURES_OK refused: the status write is ignored, the driver sees it. */
static void test_features_ok_refused(uint64_t features)
{
    TestDriver *d = test_driver_new(TYPE_TEST_ECHO);
    uint8_t before = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;

    test_set_status(d, before);
    g_assert_true(virtio_set_guest_features(d->vdev, features));
    test_set_status(d, VIRTIO_CONFIG_S_FEATURES_OK);
    g_assert_cmphex(virtio_get_status(d->vdev), ==, before);
    /* Still negotiable: accepting TEST_F_A and VERSION_1 succeeds. */
    g_assert_true(virtio_set_guest_features(d->vdev, MODERN_FEATURES));
    test_set_status(d, VIRTIO_CONFIG_S_FEATURES_OK);
    g_assert_cmphex(virtio_get_status(d->vdev), ==,
                    before | VIRTIO_CONFIG_S_FEATURES_OK);
    test_driver_free(d);
}

static void test_features_validate_refuses(void)
{
    test_features_ok_refused(F(VIRTIO_F_VERSION_1) | F(TEST_F_B));
}

static void test_features_version_1_required(void)
{
    test_features_ok_refused(F(TEST_F_A));
}

static void test_features_fixed_after_features_ok(void)
{
    TestDriver *d = test_driver_started(MODERN_FEATURES);

    g_assert_false(virtio_set_guest_features(d->vdev, MODERN_FEATURES |
                                                      F(TEST_F_B)));
    g_assert_cmphex(virtio_get_guest_features(d->vdev), ==, MODERN_FEATURES);
    g_assert_cmpuint(d->echo->nb_set_features, ==, 1);
    test_driver_free(d);
}

/* ---- config space, ISR, reset ---- */

static void test_config_read(void)
{
    TestDriver *d = test_driver_new(TYPE_TEST_ECHO);

    d->echo->config_value = 0xa1b2c3d4;
    g_assert_cmphex(virtio_config_read(d->vdev, 0, 4), ==, ECHO_MAGIC);
    g_assert_cmphex(virtio_config_read(d->vdev, 0, 1), ==, 0x78);
    g_assert_cmphex(virtio_config_read(d->vdev, 1, 2), ==, 0x3456);
    g_assert_cmphex(virtio_config_read(d->vdev, 4, 4), ==, 0xa1b2c3d4);
    g_assert_cmpuint(d->echo->nb_get_config, ==, 4);
    /* Refreshed from the model at every read. */
    d->echo->config_value = 7;
    g_assert_cmphex(virtio_config_read(d->vdev, 4, 2), ==, 7);
    /* Past the end: all-ones, even when only partly past. */
    g_assert_cmphex(virtio_config_read(d->vdev, 8, 1), ==, 0xff);
    g_assert_cmphex(virtio_config_read(d->vdev, 7, 2), ==, 0xffff);
    g_assert_cmphex(virtio_config_read(d->vdev, 6, 4), ==, 0xffffffff);
    g_assert_cmphex(virtio_config_read(d->vdev, UINT32_MAX, 4), ==,
                    0xffffffff);
    g_assert_cmpuint(virtio_get_config_len(d->vdev), ==, 8);
    test_driver_free(d);
}

static void test_config_read_only_ignores_writes(void)
{
    TestDriver *d = test_driver_new(TYPE_TEST_ECHO);

    d->echo->config_value = 5;
    virtio_config_write(d->vdev, 4, 0x11223344, 4);
    g_assert_cmphex(d->echo->config_value, ==, 5);
    g_assert_cmphex(virtio_config_read(d->vdev, 4, 4), ==, 5);
    test_driver_free(d);
}

static void test_config_write(void)
{
    TestDriver *d = test_driver_new(TYPE_TEST_ECHO_RW);

    virtio_config_write(d->vdev, 4, 0xaabbccdd, 4);
    g_assert_cmphex(d->echo->config_value, ==, 0xaabbccdd);
    virtio_config_write(d->vdev, 5, 0x11, 1);
    g_assert_cmphex(d->echo->config_value, ==, 0xaabb11dd);
    virtio_config_write(d->vdev, 6, 0x2233, 4);     /* partly past: no */
    g_assert_cmphex(d->echo->config_value, ==, 0xaabb11dd);
    g_assert_cmphex(virtio_config_read(d->vdev, 0, 4), ==, ECHO_MAGIC);
    test_driver_free(d);
}

static void test_config_notify_after_driver_ok(void)
{
    TestDriver *d = test_driver_new(TYPE_TEST_ECHO);

    virtio_notify_config(d->vdev);
    g_assert_cmpuint(d->nb_config_irqs, ==, 0);
    g_assert_cmpuint(virtio_get_config_generation(d->vdev), ==, 0);
    g_assert_cmphex(virtio_get_isr(d->vdev), ==, 0);
    test_driver_start(d, MODERN_FEATURES);
    virtio_notify_config(d->vdev);
    g_assert_cmpuint(d->nb_config_irqs, ==, 1);
    g_assert_cmpuint(virtio_get_config_generation(d->vdev), ==, 1);
    /* Both ISR bits, as QEMU sets them. */
    g_assert_cmphex(virtio_isr_read_clear(d->vdev), ==, 3);
    g_assert_cmphex(virtio_isr_read_clear(d->vdev), ==, 0);
    test_driver_free(d);
}

static void test_reset_clears_state(void)
{
    TestDriver *d = test_driver_started(MODERN_FEATURES);
    hwaddr desc;
    hwaddr avail;
    hwaddr used;

    test_submit_ping(d);
    g_assert_cmphex(virtio_get_isr(d->vdev), ==, 1);
    virtio_set_status(d->vdev, 0);

    g_assert_cmpuint(d->echo->nb_resets, ==, 1);
    g_assert_cmphex(virtio_get_status(d->vdev), ==, 0);
    g_assert_cmphex(virtio_get_guest_features(d->vdev), ==, 0);
    g_assert_cmphex(virtio_get_isr(d->vdev), ==, 0);
    g_assert_cmphex(virtio_get_config_vector(d->vdev), ==, VIRTIO_NO_VECTOR);
    g_assert_false(virtio_queue_get_enabled(d->vdev, 0));
    g_assert_cmphex(virtio_queue_get_vector(d->vdev, 0), ==,
                    VIRTIO_NO_VECTOR);
    g_assert_cmpint(virtio_queue_get_num(d->vdev, 0), ==, QUEUE_MAX);
    virtio_queue_get_rings(d->vdev, 0, &desc, &avail, &used);
    g_assert_cmphex(desc | avail | used, ==, 0);
    g_assert_cmpuint(virtqueue_get_inuse(d->echo->vq), ==, 0);
    test_driver_free(d);
}

static void test_queue_setup_limits(void)
{
    TestDriver *d = test_driver_new(TYPE_TEST_ECHO);

    g_assert_cmpuint(virtio_get_num_queues(d->vdev), ==, 1);
    g_assert_cmpint(virtio_queue_get_max_num(d->vdev, 0), ==, QUEUE_MAX);
    g_assert_cmpint(virtio_queue_get_max_num(d->vdev, 1), ==, 0);
    g_assert_cmpint(virtio_queue_get_max_num(d->vdev, -1), ==, 0);
    virtio_queue_set_num(d->vdev, 0, QUEUE_MAX + 1);
    virtio_queue_set_num(d->vdev, 0, 0);
    g_assert_cmpint(virtio_queue_get_num(d->vdev, 0), ==, QUEUE_MAX);
    virtio_queue_set_num(d->vdev, 0, 4);
    g_assert_cmpint(virtio_queue_get_num(d->vdev, 0), ==, 4);
    /* Kicks and settings of queues that do not exist are ignored. */
    virtio_queue_notify(d->vdev, 5);
    virtio_queue_set_enabled(d->vdev, 5, true);
    g_assert_false(virtio_queue_get_enabled(d->vdev, 5));
    g_assert_cmpuint(virtio_get_device_id(d->vdev), ==, ECHO_DEVICE_ID);
    test_driver_free(d);
}

int main(int argc, char **argv)
{
    unsigned int i;

    g_test_init(&argc, &argv, NULL);
    type_register_static(&test_echo_info);
    type_register_static(&test_echo_rw_info);

    g_test_add_func("/virtqueue/echo/one-out-one-in", test_echo_one_out_one_in);
    g_test_add_func("/virtqueue/echo/split-at-odd-offsets",
                    test_echo_split_at_odd_offsets);
    g_test_add_func("/virtqueue/echo/buffer-across-ram-gap-is-two-iovecs",
                    test_echo_buffer_across_ram_gap);
    g_test_add_func("/virtqueue/echo/nothing-popped-before-driver-ok",
                    test_echo_nothing_before_driver_ok);
    g_test_add_func("/virtqueue/indirect/table", test_indirect_table);
    g_test_add_func("/virtqueue/indirect/after-plain-descriptors",
                    test_indirect_after_plain_descriptors);
    g_test_add_func("/virtqueue/notify/no-interrupt-flag-suppresses",
                    test_notify_no_interrupt_flag);
    g_test_add_func("/virtqueue/notify/event-idx-used-event",
                    test_event_idx_used_event);
    g_test_add_func("/virtqueue/push/after-reset-is-dropped",
                    test_push_after_reset_dropped);
    g_test_add_func("/virtqueue/notify/set-notification",
                    test_set_notification);
    for (i = 0; i < ARRAY_SIZE(test_malformed); i++) {
        g_autofree char *path = g_strdup_printf("/virtqueue/malformed/%s",
                                                test_malformed[i].name);
        g_test_add_data_func(path, &test_malformed[i], test_malformed_case);
    }
    g_test_add_func("/virtqueue/malformed/second-error-is-quiet",
                    test_broken_second_error_is_quiet);
    g_test_add_func("/virtio/features/offered-core-model-transport",
                    test_features_offered);
    g_test_add_func("/virtio/features/offer-without-version-1-fails",
                    test_features_offer_without_version_1);
    g_test_add_func("/virtio/features/not-offered-are-dropped",
                    test_features_not_offered_dropped);
    g_test_add_func("/virtio/features/validate-refuses-features-ok",
                    test_features_validate_refuses);
    g_test_add_func("/virtio/features/version-1-required",
                    test_features_version_1_required);
    g_test_add_func("/virtio/features/fixed-after-features-ok",
                    test_features_fixed_after_features_ok);
    g_test_add_func("/virtio/config/read-little-endian-past-end-ones",
                    test_config_read);
    g_test_add_func("/virtio/config/read-only-ignores-writes",
                    test_config_read_only_ignores_writes);
    g_test_add_func("/virtio/config/write-reaches-set-config",
                    test_config_write);
    g_test_add_func("/virtio/config/notify-only-after-driver-ok",
                    test_config_notify_after_driver_ok);
    g_test_add_func("/virtio/reset/clears-device-state",
                    test_reset_clears_state);
    g_test_add_func("/virtio/queue/setup-limits", test_queue_setup_limits);
    return g_test_run();
}
