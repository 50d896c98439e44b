/*
 * virtio-mem's effects in-process, where the qtest protocol cannot reach:
 * a RamDiscardListener that refuses a populate (as VFIO may) turns the
 * PLUG into BUSY with everything rolled back; replay of plugged runs to a
 * late listener; preallocation on plug and its failure; an unplug whose
 * discard fails (the listeners' answer decides the outcome); a malformed
 * request leaves nothing in use.  The listeners here are test listeners
 * (VFIO hardware is not on this machine).
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bitmap.h"
#include "hw/virtio/virtio-mem-internal.h"
#include "virtio-mem-listener.h"
#include "hw/virtio/virtio-mem-wire.h"
#include "sysemu/hostmem.h"
#include <sys/mman.h>
#include <fcntl.h>

#define TEST_BS (2 * MiB)

/* A realized virtio-mem (no transport) over a 1 GiB backend of type. */
static VirtIOMEM *test_vmem_new(const char *backend_type, const char *id,
                                bool prealloc)
{
    g_autoptr(json_t) props = json_pack("{s:s}", "size", "1G");
    Object *backend;
    Object *obj;
    VirtIOMEM *vmem;

    if (!strcmp(backend_type, TYPE_MEMORY_BACKEND_MEMFD)) {
        /* unsealed, so that a test can shrink the file under the mapping */
        json_object_set_new(props, "seal", json_string("off"));
    }
    backend = user_creatable_add(backend_type, id, props, true,
                                 &error_abort);
    obj = object_new(TYPE_VIRTIO_MEM);
    vmem = VIRTIO_MEM(obj);

    object_property_add_child(container_get(object_get_root(), "/machine"),
                              id + 1, obj);
    object_unref(obj);
    object_property_set_link(obj, VIRTIO_MEM_MEMDEV_PROP, backend,
                             &error_abort);
    object_property_set_uint(obj, VIRTIO_MEM_REQUESTED_SIZE_PROP, GiB,
                             &error_abort);
    object_property_set_uint(obj, VIRTIO_MEM_ADDR_PROP, 4 * GiB,
                             &error_abort);
    object_property_set_bool(obj, VIRTIO_MEM_PREALLOC_PROP, prealloc,
                             &error_abort);
    g_assert_true(qdev_realize(DEVICE(obj), NULL, &error_abort));
    return vmem;
}

static void test_vmem_free(VirtIOMEM *vmem, const char *id)
{
    qdev_unrealize(DEVICE(vmem));
    object_unparent(OBJECT(vmem));
    g_assert_true(user_creatable_del(id, &error_abort));
}

static void test_vmem_refusing_listener_is_busy(void)
{
    VirtIOMEM *vmem = test_vmem_new(TYPE_MEMORY_BACKEND_RAM, "m1", false);
    TestListener ok = { 0 }, refusing = { 0 };

    test_listener_attach(&ok, vmem);
    test_listener_attach(&refusing, vmem);
    refusing.refuse = true;
    g_assert_cmpuint(virtio_mem_plug_range(vmem, 4, 8), ==,
                     VIRTIO_MEM_RESP_BUSY);
    /* Rolled back: the listener told first was told discard again. */
    g_assert_cmpuint(ok.nb_populate, ==, 1);
    g_assert_cmpuint(ok.nb_discard, ==, 1);
    g_assert_true(bitmap_is_range_clear(ok.populated, 0, 512));
    g_assert_cmpuint(object_property_get_uint(OBJECT(vmem), "size",
                                              &error_abort), ==, 0);
    refusing.refuse = false;
    g_assert_cmpuint(virtio_mem_plug_range(vmem, 4, 8), ==,
                     VIRTIO_MEM_RESP_ACK);
    g_assert_true(bitmap_is_range_set(ok.populated, 4, 8));
    g_assert_true(bitmap_is_range_set(refusing.populated, 4, 8));
    g_assert_cmpuint(virtio_mem_unplug_range(vmem, 6, 2), ==,
                     VIRTIO_MEM_RESP_ACK);
    g_assert_true(bitmap_is_range_clear(ok.populated, 6, 2));
    test_listener_detach(&ok, vmem);
    test_listener_detach(&refusing, vmem);
    test_vmem_free(vmem, "m1");
}

static void test_vmem_replay_to_late_listener(void)
{
    VirtIOMEM *vmem = test_vmem_new(TYPE_MEMORY_BACKEND_RAM, "m2", false);
    TestListener late = { 0 };

    g_assert_cmpuint(virtio_mem_plug_range(vmem, 0, 3), ==,
                     VIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(virtio_mem_plug_range(vmem, 10, 5), ==,
                     VIRTIO_MEM_RESP_ACK);
    test_listener_attach(&late, vmem);
    g_assert_cmpuint(late.nb_populate, ==, 2);      /* one per run */
    g_assert_true(bitmap_is_range_set(late.populated, 0, 3));
    g_assert_true(bitmap_is_range_set(late.populated, 10, 5));
    g_assert_cmpuint(bitmap_count_one(late.populated, 512), ==, 8);
    /* UNPLUG_ALL tells the listener about every plugged run. */
    g_assert_cmpuint(virtio_mem_unplug_all(vmem), ==, VIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(bitmap_count_one(late.populated, 512), ==, 0);
    test_listener_detach(&late, vmem);
    test_vmem_free(vmem, "m2");
}

static uint64_t test_resident_bytes(void *host, uint64_t size)
{
    size_t page = qemu_real_host_page_size();
    g_autofree unsigned char *vec = g_malloc(size / page);
    uint64_t n = 0;

    g_assert_cmpint(mincore(host, size, vec), ==, 0);
    for (uint64_t i = 0; i < size / page; i++) {
        n += vec[i] & 1;
    }
    return n * page;
}

static void test_vmem_prealloc_on_plug(void)
{
    VirtIOMEM *vmem = test_vmem_new(TYPE_MEMORY_BACKEND_MEMFD, "m3", true);
    MemoryRegion *mr = virtio_mem_get_memory_region(vmem, &error_abort);
    uint8_t *host = memory_region_get_ram_ptr(mr);

    g_assert_cmpuint(test_resident_bytes(host + 8 * TEST_BS, 4 * TEST_BS),
                     ==, 0);
    g_assert_cmpuint(virtio_mem_plug_range(vmem, 8, 4), ==,
                     VIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(test_resident_bytes(host + 8 * TEST_BS, 4 * TEST_BS),
                     ==, 4 * TEST_BS);
    g_assert_cmpuint(virtio_mem_unplug_range(vmem, 8, 4), ==,
                     VIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(test_resident_bytes(host + 8 * TEST_BS, 4 * TEST_BS),
                     ==, 0);
    test_vmem_free(vmem, "m3");
}

static void test_vmem_prealloc_failure_is_busy(void)
{
    VirtIOMEM *vmem = test_vmem_new(TYPE_MEMORY_BACKEND_MEMFD, "m4", true);
    MemoryRegion *mr = virtio_mem_get_memory_region(vmem, &error_abort);
    int fd = memory_region_get_fd(mr);

    /* Shrink the file under the mapping: touching past the end faults,
     * as a hugetlb pool running dry would. */
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, 16 * TEST_BS), ==, 0);
    g_assert_cmpuint(virtio_mem_plug_range(vmem, 14, 4), ==,
                     VIRTIO_MEM_RESP_BUSY);
    g_assert_cmpuint(object_property_get_uint(OBJECT(vmem), "size",
                                              &error_abort), ==, 0);
    g_assert_cmpuint(virtio_mem_plug_range(vmem, 0, 4), ==,
                     VIRTIO_MEM_RESP_ACK);
    g_assert_cmpint(ftruncate(fd, GiB), ==, 0);
    test_vmem_free(vmem, "m4");
}

/*
 * Make discards of the memfd behind mr fail (EBADF) by putting a read-only
 * descriptor of the same file in place of its fd; the mapping stays.
 * Returns a copy of the original to give back with test_fd_restore().
 */
static int test_fd_make_readonly(MemoryRegion *mr)
{
    int fd = memory_region_get_fd(mr);
    g_autofree char *path = g_strdup_printf("/proc/self/fd/%d", fd);
    int saved = dup(fd);
    int ro = open(path, O_RDONLY);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(saved, >=, 0);
    g_assert_cmpint(ro, >=, 0);
    g_assert_cmpint(dup2(ro, fd), ==, fd);
    close(ro);
    return saved;
}

static void test_fd_restore(MemoryRegion *mr, int saved)
{
    g_assert_cmpint(dup2(saved, memory_region_get_fd(mr)), >=, 0);
    close(saved);
}

/* Discard fails, every listener takes the range back: BUSY, unchanged. */
static void test_vmem_unplug_discard_failure_is_busy(void)
{
    VirtIOMEM *vmem = test_vmem_new(TYPE_MEMORY_BACKEND_MEMFD, "m5", false);
    MemoryRegion *mr = virtio_mem_get_memory_region(vmem, &error_abort);
    TestListener tl = { 0 };
    int saved;

    test_listener_attach(&tl, vmem);
    g_assert_cmpuint(virtio_mem_plug_range(vmem, 4, 8), ==,
                     VIRTIO_MEM_RESP_ACK);
    saved = test_fd_make_readonly(mr);
    g_assert_cmpuint(virtio_mem_unplug_range(vmem, 4, 8), ==,
                     VIRTIO_MEM_RESP_BUSY);
    test_fd_restore(mr, saved);
    g_assert_cmpuint(tl.nb_discard, ==, 1);
    g_assert_cmpuint(tl.nb_populate, ==, 2);
    g_assert_true(bitmap_is_range_set(tl.populated, 4, 8));
    g_assert_cmpuint(bitmap_count_one(tl.populated, 512), ==, 8);
    g_assert_true(virtio_mem_blocks_is_range_plugged(&vmem->blocks, 4, 8));
    g_assert_cmpuint(vmem->blocks.plugged_size, ==, 8 * TEST_BS);
    test_listener_detach(&tl, vmem);
    test_vmem_free(vmem, "m5");
}

/*
 * Discard fails and a listener refuses the range back: the listeners all
 * hold it discarded now, so the blocks are unplugged to match (ACK), not
 * left plugged behind a listener that dropped them.
 */
static void test_vmem_unplug_discard_failure_refused_back(void)
{
    VirtIOMEM *vmem = test_vmem_new(TYPE_MEMORY_BACKEND_MEMFD, "m6", false);
    MemoryRegion *mr = virtio_mem_get_memory_region(vmem, &error_abort);
    TestListener ok = { 0 }, refusing = { 0 };
    int saved;

    test_listener_attach(&ok, vmem);
    test_listener_attach(&refusing, vmem);
    g_assert_cmpuint(virtio_mem_plug_range(vmem, 4, 8), ==,
                     VIRTIO_MEM_RESP_ACK);
    refusing.refuse = true;
    saved = test_fd_make_readonly(mr);
    g_assert_cmpuint(virtio_mem_unplug_range(vmem, 4, 8), ==,
                     VIRTIO_MEM_RESP_ACK);
    test_fd_restore(mr, saved);
    g_assert_true(bitmap_is_range_clear(ok.populated, 0, 512));
    g_assert_true(bitmap_is_range_clear(refusing.populated, 0, 512));
    g_assert_true(virtio_mem_blocks_is_range_unplugged(&vmem->blocks, 0,
                                                       vmem->blocks.nb_blocks));
    g_assert_cmpuint(vmem->blocks.plugged_size, ==, 0);
    g_assert_true(vmem->discard_warned);
    test_listener_detach(&ok, vmem);
    test_listener_detach(&refusing, vmem);
    test_vmem_free(vmem, "m6");
}

/* ---- a driver for the request queue, in-process ---- */

#define TQ_RAM_SIZE     0x10000
#define TQ_DESC_GPA     0x1000
#define TQ_AVAIL_GPA    0x2000
#define TQ_USED_GPA     0x3000
#define TQ_REQ_GPA      0x4000
#define TQ_RESP_GPA     0x5000
#define TQ_NUM          8

typedef struct TestQueue {
    MemoryRegion root;
    MemoryRegion ram;
    AddressSpace as;
    void *host;
} TestQueue;

static void test_queue_notify(void *opaque, uint16_t vector)
{
}

static const VirtioTransportOps test_queue_ops = {
    .notify = test_queue_notify,
};

static void test_queue_st(TestQueue *q, hwaddr gpa, uint64_t v, unsigned n)
{
    g_assert_cmpint(address_space_st(&q->as, gpa, v, n), ==, MEMTX_OK);
}

static void test_queue_start(TestQueue *q, VirtIODevice *vdev)
{
    q->host = g_malloc0(TQ_RAM_SIZE);
    memory_region_init(&q->root, NULL, "tq-root", UINT64_MAX);
    memory_region_init_ram_ptr(&q->ram, NULL, "tq-ram", TQ_RAM_SIZE,
                               q->host);
    memory_region_add_subregion(&q->root, 0, &q->ram);
    address_space_init(&q->as, &q->root, "test-virtio-mem-queue");
    virtio_set_dma_as(vdev, &q->as);
    virtio_bind_transport(vdev, &test_queue_ops, q);
    g_assert_true(virtio_offer_features(vdev, 0, &error_abort));
    virtio_set_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER);
    g_assert_true(virtio_set_guest_features(vdev,
                                            virtio_get_host_features(vdev)));
    virtio_set_status(vdev, virtio_get_status(vdev) |
                      VIRTIO_CONFIG_S_FEATURES_OK);
    virtio_queue_set_num(vdev, 0, TQ_NUM);
    virtio_queue_set_rings(vdev, 0, TQ_DESC_GPA, TQ_AVAIL_GPA, TQ_USED_GPA);
    virtio_queue_set_enabled(vdev, 0, true);
    virtio_set_status(vdev, virtio_get_status(vdev) |
                      VIRTIO_CONFIG_S_DRIVER_OK);
}

static void test_queue_stop(TestQueue *q, VirtIODevice *vdev)
{
    virtio_reset(vdev);
    virtio_set_dma_as(vdev, NULL);
    address_space_destroy(&q->as);
    memory_region_del_subregion(&q->root, &q->ram);
    memory_region_finalize(&q->ram);
    memory_region_finalize(&q->root);
    g_free(q->host);
}

/* A request of req_len bytes (24 is whole) and a 10-byte answer buffer. */
static void test_queue_submit(TestQueue *q, VirtIODevice *vdev,
                              uint32_t req_len)
{
    test_queue_st(q, TQ_DESC_GPA, TQ_REQ_GPA, 8);
    test_queue_st(q, TQ_DESC_GPA + 8, req_len, 4);
    test_queue_st(q, TQ_DESC_GPA + 12, VIRTQ_DESC_F_NEXT, 2);
    test_queue_st(q, TQ_DESC_GPA + 14, 1, 2);
    test_queue_st(q, TQ_DESC_GPA + 16, TQ_RESP_GPA, 8);
    test_queue_st(q, TQ_DESC_GPA + 24, 10, 4);
    test_queue_st(q, TQ_DESC_GPA + 28, VIRTQ_DESC_F_WRITE, 2);
    test_queue_st(q, TQ_AVAIL_GPA + 4, 0, 2);
    test_queue_st(q, TQ_AVAIL_GPA + 2, 1, 2);
    virtio_queue_notify(vdev, 0);
}

/* A short request breaks the device and is not answered, but it is no
 * longer in use (it stayed counted until reset). */
static void test_vmem_malformed_request_not_in_use(void)
{
    VirtIOMEM *vmem = test_vmem_new(TYPE_MEMORY_BACKEND_RAM, "m7", false);
    VirtIODevice *vdev = VIRTIO_DEVICE(vmem);
    TestQueue q = { 0 };

    test_queue_start(&q, vdev);
    test_queue_submit(&q, vdev, 8);
    g_assert_true(virtio_device_is_broken(vdev));
    g_assert_cmphex(virtio_get_status(vdev) & VIRTIO_CONFIG_S_NEEDS_RESET,
                    ==, VIRTIO_CONFIG_S_NEEDS_RESET);
    g_assert_cmpuint(virtqueue_get_inuse(vmem->vq), ==, 0);
    g_assert_cmpuint(GUINT16_FROM_LE(*(uint16_t *)((uint8_t *)q.host + TQ_USED_GPA + 2)), ==, 0);
    test_queue_stop(&q, vdev);
    test_vmem_free(vmem, "m7");
}

/*
 * One record of the geometry: what the properties set before realize is
 * what the device uses after; the block size and the memslot limit are
 * decided at pre-plug (the memory-device core's step), not at realize.
 */
static void test_vmem_geometry_decided_at_pre_plug(void)
{
    g_autoptr(json_t) props = json_pack("{s:s,s:b}", "size", "8G",
                                        "reserve", false);
    Object *backend = user_creatable_add(TYPE_MEMORY_BACKEND_RAM, "m8", props,
                                         true, &error_abort);
    Object *obj = object_new(TYPE_VIRTIO_MEM);
    VirtIOMEM *vmem = VIRTIO_MEM(obj);
    Error *err = NULL;

    object_property_add_child(container_get(object_get_root(), "/machine"),
                              "8", obj);
    object_unref(obj);
    g_assert_false(virtio_mem_pre_plug(vmem, 4, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "'memdev' property is not set");
    error_free(err);
    object_property_set_link(obj, VIRTIO_MEM_MEMDEV_PROP, backend,
                             &error_abort);
    object_property_set_uint(obj, VIRTIO_MEM_REQUESTED_SIZE_PROP, 2 * GiB,
                             &error_abort);
    object_property_set_uint(obj, VIRTIO_MEM_ADDR_PROP, 8 * GiB,
                             &error_abort);
    object_property_set_bool(obj, VIRTIO_MEM_DYNAMIC_MEMSLOTS_PROP, true,
                             &error_abort);
    /* Not decided yet: the memdev's default is reported, nothing stored. */
    g_assert_cmpuint(object_property_get_uint(obj, VIRTIO_MEM_BLOCK_SIZE_PROP,
                                              &error_abort), ==, TEST_BS);
    g_assert_cmpuint(vmem->blocks.block_size, ==, 0);
    g_assert_true(virtio_mem_pre_plug(vmem, 4, &error_abort));
    g_assert_cmpuint(vmem->blocks.block_size, ==, TEST_BS);
    g_assert_cmpuint(virtio_mem_get_min_alignment(vmem), ==, TEST_BS);
    g_assert_true(qdev_realize(DEVICE(obj), NULL, &error_abort));
    g_assert_cmphex(vmem->blocks.addr, ==, 8 * GiB);
    g_assert_cmpuint(vmem->blocks.requested_size, ==, 2 * GiB);
    g_assert_cmpuint(vmem->blocks.usable_region_size, ==, 2 * GiB + 256 * MiB);
    g_assert_cmpuint(vmem->blocks.region_size, ==, 8 * GiB);
    /* The limit handed over at pre-plug: 4 memslots of 2 GiB. */
    g_assert_cmpuint(virtio_mem_get_memslots(vmem), ==, 4);
    g_assert_cmpuint(vmem->memslot_size, ==, 2 * GiB);
    test_vmem_free(vmem, "m8");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio-mem/rdm/refusing-listener-is-busy-rolled-back",
                    test_vmem_refusing_listener_is_busy);
    g_test_add_func("/virtio-mem/rdm/replay-plugged-runs-to-late-listener",
                    test_vmem_replay_to_late_listener);
    g_test_add_func("/virtio-mem/prealloc/plug-populates",
                    test_vmem_prealloc_on_plug);
    g_test_add_func("/virtio-mem/prealloc/failure-is-busy-nothing-plugged",
                    test_vmem_prealloc_failure_is_busy);
    g_test_add_func("/virtio-mem/unplug/discard-failure-is-busy-unchanged",
                    test_vmem_unplug_discard_failure_is_busy);
    g_test_add_func("/virtio-mem/unplug/discard-failure-listener-refuses-"
                    "back-is-unplugged", test_vmem_unplug_discard_failure_refused_back);
    g_test_add_func("/virtio-mem/geometry/decided-at-pre-plug-one-record",
                    test_vmem_geometry_decided_at_pre_plug);
    g_test_add_func("/virtio-mem/request/malformed-is-not-in-use",
                    test_vmem_malformed_request_not_in_use);
    return g_test_run();
}
