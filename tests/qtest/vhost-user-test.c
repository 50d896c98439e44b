/*
 * vhost-user devices through the real binary with real backends:
 * vhost-user-blk-pci served by qemu-storage-daemon, vhost-user-fs-pci by
 * virtiofsd (libqos/backend-proc.c).  The project's drivers (libqos
 * virtio-blk, virtio-fs, virtio-mem) play the guest over qtest; data
 * buffers sit in virtio-mem plugged memory, so the backend must have been
 * told of it.  Each case starts its own backend and VMM.  Cases that hold
 * for QEMU 7.2 run against it too ("reference" suite); the memory-table
 * and memslot cases are hotmem's and say why they skip there.  Cases skip
 * while the binary under test lacks the device type or a backend is not
 * installed.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "libqos/backend-proc.h"
#include "libqos/virtio-blk.h"
#include "libqos/virtio-fs.h"
#include "libqos/virtio-mem.h"
#include <sys/wait.h>

#define TEST_IMAGE_SIZE     (64 * MiB)
#define TEST_VMEM_SIZE      (4 * GiB)
#define TEST_BS             (2 * MiB)
#define TEST_IO_SIZE        (64 * KiB)
#define TEST_FS_TAG         "hotmemfs"

/* vhost-user needs guest RAM the backend can map: memfd, share=on. */
#define TEST_RAM_ARGS_FMT \
    "-m %s,maxmem=8G " \
    "-object memory-backend-memfd,id=ram0,size=%s,share=on " \
    "-machine memory-backend=ram0 "
#define TEST_BLK_ARGS_FMT \
    "-chardev socket,id=c0,path=%s%s " \
    "-device vhost-user-blk-pci,id=vhu0,chardev=c0,num-queues=1%s "
#define TEST_VMEM_ARGS_FMT \
    "-object memory-backend-memfd,id=vmem0mem,size=4G,share=on " \
    "-device virtio-mem-pci,id=vmem0,memdev=vmem0mem,requested-size=0%s "
#define TEST_FS_ARGS_FMT \
    "-chardev socket,id=c1,path=%s " \
    "-device vhost-user-fs-pci,id=vhufs0,chardev=c1,tag=" TEST_FS_TAG " "
/* hotmem: virtio-mem maps its memslots one by one as blocks get plugged. */
#define TEST_VMEM_DYNAMIC ",dynamic-memslots=on,unplugged-inaccessible=on"

/* QEMU's refusal of a vhost backend with fewer slots than a memory device
 * already counted on (hw/virtio/vhost.c, QEMU >= 8.2). */
#define TEST_MSG_MEMSLOTS "some memory device (like virtio-mem) decided how many memory slots to use based on the overall number of memory slots; this vhost backend would further restricts the overall number of memory slots"
#define TEST_HINT_MEMSLOTS "Try plugging this vhost backend before plugging such memory devices."

typedef struct TestVM {
    QTestState *qts;
    QBackend *backend;
    QVirtioBlk *blk;
    QVirtioMem *vmem;
    QVirtioMemConfig vmem_cfg;
    char *trace_log;            /* -D file, or NULL */
} TestVM;

/* ---- skipping ---- */

/* Skip (true) when the backend cannot run here. */
static bool test_skip_without(const char *(*backend_unavailable)(void))
{
    const char *why = backend_unavailable();

    if (why) {
        g_test_skip(why);
        return true;
    }
    return false;
}

static bool test_skip_on_reference(const char *why)
{
    if (qtest_is_reference()) {
        g_test_skip(why);
        return true;
    }
    return false;
}

/* ---- the VMM ---- */

/*
 * 64 KiB of HLT (0xf4): the reset vector halts with interrupts off.  The
 * reference runs with -S, and QEMU 7.2 starts a vhost device only while
 * the VM runs (virtio_device_should_start); continuing with SeaBIOS would
 * reassign the BARs the driver programmed.  Returns the file's path.
 */
static char *test_write_halt_bios(void)
{
    g_autofree uint8_t *code = g_malloc(64 * KiB);
    g_autoptr(GError) err = NULL;
    char *path = NULL;
    int fd;

    memset(code, 0xf4, 64 * KiB);
    fd = g_file_open_tmp("hotmem-halt-XXXXXX.bin", &path, &err);
    g_assert_no_error(err);
    g_assert_cmpint(write(fd, code, 64 * KiB), ==, 64 * KiB);
    close(fd);
    return path;
}

/* qtest_init, and for the reference: a halting BIOS and "cont". */
static QTestState *test_vmm_start(const char *args)
{
    g_autofree char *bios = NULL;
    g_autofree char *full = NULL;
    QTestState *qts;

    if (!qtest_is_reference()) {
        return qtest_init(args);
    }
    bios = test_write_halt_bios();
    full = g_strdup_printf("%s -bios %s", args, bios);
    qts = qtest_init(full);
    unlink(bios);       /* loaded at machine init, before QMP answered */
    json_decref(qtest_qmp_assert_success_ref(qts, "{'execute': 'cont'}"));
    return qts;
}

static char *test_ram_args(const char *ram_size)
{
    return g_strdup_printf(TEST_RAM_ARGS_FMT, ram_size, ram_size);
}

/* -trace 'vhost_user_*' -D FILE, the file in the backend's directory
 * (removed with it). */
static char *test_trace_args(TestVM *vm)
{
    vm->trace_log = g_build_filename(qbackend_dir(vm->backend), "vmm.trace",
                                     NULL);
    return g_strdup_printf("-trace 'vhost_user_*' -D %s ", vm->trace_log);
}

/*
 * qemu-storage-daemon, then the VMM with RAM of ram_size, the vhost-user
 * blk device and after it a 4 GiB virtio-mem (vmem_extra: more of its
 * properties); drivers for both.  The vhost device comes first so that
 * virtio-mem decides its memslots knowing the backend's limit.
 */
static void test_blk_vm_start_full(TestVM *vm, const char *ram_size,
                                   const char *vmem_extra, bool trace,
                                   const char *chardev_extra,
                                   const char *blk_extra)
{
    g_autofree char *ram = test_ram_args(ram_size);
    g_autofree char *tracing = NULL;
    g_autofree char *args = NULL;

    memset(vm, 0, sizeof(*vm));
    vm->backend = qbackend_blk_start(TEST_IMAGE_SIZE);
    tracing = trace ? test_trace_args(vm) : g_strdup("");
    args = g_strdup_printf("%s%s" TEST_BLK_ARGS_FMT TEST_VMEM_ARGS_FMT, ram,
                           tracing, qbackend_socket_path(vm->backend),
                           chardev_extra, blk_extra, vmem_extra);
    vm->qts = test_vmm_start(args);
    vm->blk = qvirtio_blk_init(vm->qts, (1ULL << QVIRTIO_BLK_F_BLK_SIZE) |
                                        (1ULL << QVIRTIO_BLK_F_MQ));
    g_assert_nonnull(vm->blk);
    vm->vmem = qvirtio_mem_init(vm->qts);
    g_assert_nonnull(vm->vmem);
    qvirtio_mem_read_config(vm->vmem, &vm->vmem_cfg);
}

static void test_blk_vm_start(TestVM *vm, const char *ram_size,
                              const char *vmem_extra, bool trace)
{
    test_blk_vm_start_full(vm, ram_size, vmem_extra, trace, "", "");
}

static void test_vm_stop(TestVM *vm)
{
    qvirtio_blk_free(vm->blk);
    qvirtio_mem_free(vm->vmem);
    qtest_quit(vm->qts);
    g_free(vm->trace_log);
    qbackend_stop(vm->backend);
}

/* ---- virtio-mem ---- */

static void test_set_requested(TestVM *vm, uint64_t size)
{
    g_autofree char *value = g_strdup_printf("%" PRIu64, size);
    json_t *r = qtest_qom_set(vm->qts, "vmem0", "requested-size", value);

    g_assert_nonnull(json_object_get(r, "return"));
    json_decref(r);
    qvirtio_mem_read_config(vm->vmem, &vm->vmem_cfg);
    g_assert_cmpuint(vm->vmem_cfg.requested_size, ==, size);
}

/* offset: bytes into the device; returns the block's guest address. */
static uint64_t test_plug(TestVM *vm, uint64_t offset)
{
    uint64_t gpa = vm->vmem_cfg.addr + offset;

    g_assert_cmpuint(qvirtio_mem_request(vm->vmem, QVIRTIO_MEM_REQ_PLUG, gpa,
                                         1, NULL), ==, QVIRTIO_MEM_RESP_ACK);
    return gpa;
}

static void test_unplug(TestVM *vm, uint64_t offset)
{
    g_assert_cmpuint(qvirtio_mem_request(vm->vmem, QVIRTIO_MEM_REQ_UNPLUG,
                                         vm->vmem_cfg.addr + offset, 1,
                                         NULL), ==, QVIRTIO_MEM_RESP_ACK);
}

/* ---- I/O ---- */

/* Bytes that differ at every offset and with the seed (xorshift32). */
static uint8_t *test_pattern(size_t size, uint32_t seed)
{
    uint8_t *p = g_malloc(size);
    uint32_t x = seed | 1;

    for (size_t i = 0; i < size; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = x;
    }
    return p;
}

/* TEST_IO_SIZE bytes from sector into the buffer at gpa: the guest sees
 * the pattern of seed. */
static void test_blk_read_expect(TestVM *vm, uint64_t gpa, uint64_t sector,
                                 uint32_t seed)
{
    g_autofree uint8_t *pattern = test_pattern(TEST_IO_SIZE, seed);
    g_autofree uint8_t *got = g_malloc0(TEST_IO_SIZE);

    qtest_memset(vm->qts, gpa, 0, TEST_IO_SIZE);
    g_assert_cmpuint(qvirtio_blk_read(vm->blk, sector, gpa, TEST_IO_SIZE),
                     ==, QVIRTIO_BLK_S_OK);
    qtest_bufread(vm->qts, gpa, got, TEST_IO_SIZE);
    g_assert_cmpmem(got, TEST_IO_SIZE, pattern, TEST_IO_SIZE);
}

/*
 * The pattern of seed written from two buffers (halves at gpa and gpa + 1
 * MiB, so inside one 2 MiB block) to sector: the image file holds it;
 * read back into one buffer at read_gpa: the guest sees it.
 */
static void test_blk_round_trip(TestVM *vm, uint64_t gpa, uint64_t read_gpa,
                                uint64_t sector, uint32_t seed)
{
    g_autofree uint8_t *pattern = test_pattern(TEST_IO_SIZE, seed);
    g_autofree uint8_t *got = g_malloc0(TEST_IO_SIZE);
    QVirtioBlkSeg segs[2] = { { gpa, TEST_IO_SIZE / 2 },
                              { gpa + MiB, TEST_IO_SIZE / 2 } };

    qtest_bufwrite(vm->qts, segs[0].gpa, pattern, TEST_IO_SIZE / 2);
    qtest_bufwrite(vm->qts, segs[1].gpa, pattern + TEST_IO_SIZE / 2,
                   TEST_IO_SIZE / 2);
    g_assert_cmpuint(qvirtio_blk_request(vm->blk, QVIRTIO_BLK_T_OUT, sector,
                                         segs, 2, QVIRTIO_BLK_TIMEOUT_MS,
                                         NULL), ==, QVIRTIO_BLK_S_OK);
    qbackend_image_read(vm->backend, sector * QVIRTIO_BLK_SECTOR_SIZE, got,
                        TEST_IO_SIZE);
    g_assert_cmpmem(got, TEST_IO_SIZE, pattern, TEST_IO_SIZE);
    test_blk_read_expect(vm, read_gpa, sector, seed);
}

/* ---- vhost-user-blk: config and I/O (both VMMs) ---- */

static void test_blk_capacity(void)
{
    QVirtioBlkConfig cfg;
    TestVM vm;

    if (test_skip_without(qbackend_blk_unavailable)) {
        return;
    }
    test_blk_vm_start(&vm, "512M", "", false);
    qvirtio_blk_read_config(vm.blk, &cfg);
    g_assert_cmpuint(cfg.capacity, ==,
                     TEST_IMAGE_SIZE / QVIRTIO_BLK_SECTOR_SIZE);
    g_assert_true(vm.blk->features & (1ULL << QVIRTIO_F_VERSION_1));
    if (vm.blk->features & (1ULL << QVIRTIO_BLK_F_BLK_SIZE)) {
        g_assert_cmpuint(cfg.blk_size, ==, QVIRTIO_BLK_SECTOR_SIZE);
    }
    if (vm.blk->features & (1ULL << QVIRTIO_BLK_F_MQ)) {
        g_assert_cmpuint(cfg.num_queues, ==, 1);   /* num-queues=1 */
    }
    test_vm_stop(&vm);
}

/* Plug, I/O in the block; unplug it, plug one 2 GiB further, I/O there. */
static void test_blk_io_in_plugged_memory(const char *vmem_extra)
{
    uint64_t gpa;
    TestVM vm;

    test_blk_vm_start(&vm, "512M", vmem_extra, false);
    test_set_requested(&vm, TEST_VMEM_SIZE);
    gpa = test_plug(&vm, 0);
    test_blk_round_trip(&vm, gpa, gpa + 256 * KiB, 8, 1);
    test_unplug(&vm, 0);
    gpa = test_plug(&vm, 2 * GiB + 16 * TEST_BS);
    test_blk_round_trip(&vm, gpa, gpa + 256 * KiB, 1024, 2);
    /* What was written from the first block reads into the new one. */
    test_blk_read_expect(&vm, gpa + 512 * KiB, 8, 1);
    test_vm_stop(&vm);
}

static void test_blk_io_static(void)
{
    if (!test_skip_without(qbackend_blk_unavailable)) {
        test_blk_io_in_plugged_memory("");
    }
}

static void test_blk_io_dynamic_memslots(void)
{
    if (test_skip_on_reference("QEMU 7.2 has no dynamic-memslots") ||
        test_skip_without(qbackend_blk_unavailable)) {
        return;
    }
    test_blk_io_in_plugged_memory(TEST_VMEM_DYNAMIC);
}

/* ---- vhost-user-blk: the backend dies (both VMMs) ---- */

static void test_expect_running(QTestState *qts)
{
    json_t *r = qtest_qmp_assert_success_ref(qts,
                                             "{'execute': 'query-status'}");

    g_assert_cmpstr(json_string_value(json_object_get(r, "status")), ==,
                    "running");
    json_decref(r);
}

/*
 * kill -9 of qemu-storage-daemon after I/O: the VMM stays up, answers QMP,
 * and virtio-mem still plugs and unplugs.  With hotmem the device has
 * dynamic memslots, so those plugs also change the dead backend's memory
 * table.
 */
static void test_blk_backend_killed(void)
{
    uint64_t gpa;
    TestVM vm;

    if (test_skip_without(qbackend_blk_unavailable)) {
        return;
    }
    test_blk_vm_start(&vm, "512M",
                      qtest_is_reference() ? "" : TEST_VMEM_DYNAMIC, false);
    test_set_requested(&vm, TEST_VMEM_SIZE);
    gpa = test_plug(&vm, 0);
    test_blk_round_trip(&vm, gpa, gpa + 256 * KiB, 8, 1);
    qbackend_kill(vm.backend);
    g_assert_true(WIFSIGNALED(qbackend_wait_status(vm.backend)));
    test_expect_running(vm.qts);
    test_unplug(&vm, 0);
    test_plug(&vm, 2 * GiB);
    test_unplug(&vm, 2 * GiB);
    test_plug(&vm, 0);
    test_expect_running(vm.qts);
    test_vm_stop(&vm);
}

static int test_vmem_memslots(TestVM *vm, const char *what);

/*
 * The consumer of x-query-memslots called name, or NULL; a new reference.
 */
static json_t *test_get_consumer(QTestState *qts, const char *name)
{
    json_t *r = qtest_qmp_assert_success_ref(qts,
                                             "{'execute': 'x-query-memslots'}");
    json_t *c, *found = NULL;
    size_t i;

    json_array_foreach(json_object_get(r, "consumers"), i, c) {
        if (!g_strcmp0(json_string_value(json_object_get(c, "name")),
                       name)) {
            found = json_incref(c);
        }
    }
    json_decref(r);
    return found;
}

static bool test_has_consumer(QTestState *qts, const char *name)
{
    json_t *c = test_get_consumer(qts, name);

    json_decref(c);
    return c != NULL;
}

static void test_wait_consumer(QTestState *qts, const char *name, bool present)
{
    for (int i = 0; i < QTEST_TIMEOUT_S * 10; i++) {
        if (test_has_consumer(qts, name) == present) {
            return;
        }
        g_usleep(100 * 1000);
    }
    g_assert_cmpint(test_has_consumer(qts, name), ==, present);
}

/*
 * hotmem, reconnect=1: the backend dies, the device stops counting as a
 * memslot consumer; while it is away virtio-mem unplugs the memslot that
 * held the I/O buffers and plugs it again elsewhere; the backend comes
 * back on the same socket, the device reconnects by itself, and I/O to
 * the new block works (the backend got the current memory table and the
 * rings where they were).
 */
static void test_blk_backend_reconnect(void)
{
    g_autofree char *info = NULL;
    uint64_t gpa;
    TestVM vm;

    if (test_skip_on_reference("the reference needs its vCPU running to "
                               "restart vhost") ||
        test_skip_without(qbackend_blk_unavailable)) {
        return;
    }
    test_blk_vm_start_full(&vm, "512M", TEST_VMEM_DYNAMIC, false,
                           ",reconnect=1", "");
    test_set_requested(&vm, TEST_VMEM_SIZE);
    gpa = test_plug(&vm, 0);
    test_blk_round_trip(&vm, gpa, gpa + 256 * KiB, 8, 1);
    g_assert_true(test_has_consumer(vm.qts, "vhost-user:vhu0"));
    info = qtest_hmp(vm.qts, "info memslots");
    /* RAM below 4 GiB and the one memslot virtio-mem decided on. */
    g_assert_nonnull(strstr(info, "memslots 'vhost-user:vhu0': 2 used, "
                            "30 free of 32\r\n"));
    /* The KVM model is the accelerator's alone: printed once. */
    g_assert_true(strstr(info, "kvm metadata") ==
                  g_strrstr(info, "kvm metadata"));

    qbackend_kill(vm.backend);
    test_wait_consumer(vm.qts, "vhost-user:vhu0", false);
    test_unplug(&vm, 0);
    g_assert_cmpint(test_vmem_memslots(&vm, "used"), ==, 0);
    gpa = test_plug(&vm, 2 * GiB);
    test_expect_running(vm.qts);

    qbackend_blk_restart(vm.backend);
    test_wait_consumer(vm.qts, "vhost-user:vhu0", true);
    test_blk_round_trip(&vm, gpa, gpa + 256 * KiB, 1024, 2);
    test_blk_read_expect(&vm, gpa + 512 * KiB, 8, 1);
    test_vm_stop(&vm);
}

/* A hotmem-only case with the usual 512M VM: false when skipped. */
static bool test_blk_vm_start_hotmem(TestVM *vm, const char *why)
{
    if (test_skip_on_reference(why) ||
        test_skip_without(qbackend_blk_unavailable)) {
        return false;
    }
    test_blk_vm_start(vm, "512M", "", false);
    return true;
}

/*
 * hotmem: a driver that puts its rings outside RAM (here the IOAPIC's MMIO
 * window) and sets DRIVER_OK gets a reported error, not a started device;
 * the VMM stays up and, after a reset, a correct set-up works.
 */
static void test_blk_rings_outside_ram(void)
{
    const uint64_t mmio = 0xfec00000;
    QVirtioPCIDevice *vdev;
    QTestState *qts;
    uint64_t gpa;
    TestVM vm;

    if (!test_blk_vm_start_hotmem(&vm, "hotmem refuses to start such rings; "
                                  "QEMU 7.2's behaviour is not the point")) {
        return;
    }
    qts = vm.qts;
    vdev = vm.blk->vdev;
    qvirtio_reset(vdev);
    g_assert_true(qvirtio_negotiate(vdev, vm.blk->features) &
                  QVIRTIO_STATUS_FEATURES_OK);
    qtest_writew(qts, vdev->common + 0x16, 0);             /* queue_select */
    qtest_writel(qts, vdev->common + 0x20, mmio);          /* desc */
    qtest_writel(qts, vdev->common + 0x24, 0);
    qtest_writel(qts, vdev->common + 0x28, mmio + 0x800);  /* avail */
    qtest_writel(qts, vdev->common + 0x2c, 0);
    qtest_writel(qts, vdev->common + 0x30, mmio + 0xc00);  /* used */
    qtest_writel(qts, vdev->common + 0x34, 0);
    qtest_writew(qts, vdev->common + 0x1c, 1);             /* enable */
    qvirtio_driver_ok(vdev);
    test_expect_running(qts);

    /* Start again the right way: I/O works. */
    qvirtio_blk_free(vm.blk);
    vm.blk = qvirtio_blk_init(qts, 1ULL << QVIRTIO_BLK_F_BLK_SIZE);
    g_assert_nonnull(vm.blk);
    test_set_requested(&vm, TEST_VMEM_SIZE);
    gpa = test_plug(&vm, 0);
    test_blk_round_trip(&vm, gpa, gpa + 256 * KiB, 8, 1);
    test_vm_stop(&vm);
}

/*
 * system_reset while the backend has the rings: they are taken back
 * (GET_VRING_BASE) and the reset device starts again from index 0 when
 * the driver sets it up anew; I/O works.
 */
static void test_blk_system_reset(void)
{
    uint64_t gpa;
    TestVM vm;

    if (!test_blk_vm_start_hotmem(&vm, "the reference needs its vCPU "
                                  "running to restart vhost")) {
        return;
    }
    test_set_requested(&vm, TEST_VMEM_SIZE);
    gpa = test_plug(&vm, 0);
    test_blk_round_trip(&vm, gpa, gpa + 256 * KiB, 8, 1);
    json_decref(qtest_qmp_assert_success_ref(vm.qts,
                                             "{'execute': 'system_reset'}"));
    qvirtio_blk_free(vm.blk);
    qvirtio_mem_free(vm.vmem);
    vm.blk = qvirtio_blk_init(vm.qts, 1ULL << QVIRTIO_BLK_F_BLK_SIZE);
    vm.vmem = qvirtio_mem_init(vm.qts);
    g_assert_nonnull(vm.blk);
    qvirtio_mem_read_config(vm.vmem, &vm.vmem_cfg);
    g_assert_cmpuint(vm.vmem_cfg.plugged_size, ==, 0);
    gpa = test_plug(&vm, 2 * GiB);
    test_blk_read_expect(&vm, gpa, 8, 1);
    test_blk_round_trip(&vm, gpa, gpa + 256 * KiB, 1024, 2);
    test_vm_stop(&vm);
}

typedef struct TestLateBackend {
    QBackend *backend;
    GAsyncQueue *done;          /* the test pushes when the thread may end */
} TestLateBackend;

/*
 * Starts the backend half a second late, then stays until the test is
 * done: the backend dies with the thread that started it (its parent-death
 * signal follows the thread).
 */
static gpointer test_start_backend_later(gpointer opaque)
{
    TestLateBackend *late = opaque;

    g_usleep(G_USEC_PER_SEC / 2);
    qbackend_blk_restart(late->backend);
    g_async_queue_pop(late->done);
    return NULL;
}

/*
 * reconnect=1 and no backend yet: the device waits for it at realize, as
 * QEMU does, and works once it is there.
 */
static void test_blk_waits_for_backend(void)
{
    g_autofree char *ram = test_ram_args("512M");
    g_autofree char *args = NULL;
    QVirtioBlkConfig cfg;
    TestLateBackend late;
    GThread *starter;
    TestVM vm = { 0 };
    uint64_t gpa;

    if (test_skip_on_reference("QEMU 7.2 needs its vCPU running for I/O "
                               "here; the wait itself is the same") ||
        test_skip_without(qbackend_blk_unavailable)) {
        return;
    }
    vm.backend = qbackend_blk_prepare(TEST_IMAGE_SIZE);
    late.backend = vm.backend;
    late.done = g_async_queue_new();
    args = g_strdup_printf("%s" TEST_BLK_ARGS_FMT TEST_VMEM_ARGS_FMT, ram,
                           qbackend_socket_path(vm.backend), ",reconnect=1",
                           "", "");
    starter = g_thread_new("backend", test_start_backend_later, &late);
    vm.qts = qtest_init(args);
    vm.blk = qvirtio_blk_init(vm.qts, 1ULL << QVIRTIO_BLK_F_BLK_SIZE);
    g_assert_nonnull(vm.blk);
    qvirtio_blk_read_config(vm.blk, &cfg);
    g_assert_cmpuint(cfg.capacity, ==,
                     TEST_IMAGE_SIZE / QVIRTIO_BLK_SECTOR_SIZE);
    vm.vmem = qvirtio_mem_init(vm.qts);
    qvirtio_mem_read_config(vm.vmem, &vm.vmem_cfg);
    test_set_requested(&vm, TEST_VMEM_SIZE);
    gpa = test_plug(&vm, 0);
    test_blk_round_trip(&vm, gpa, gpa + 256 * KiB, 8, 1);
    qvirtio_blk_free(vm.blk);
    qvirtio_mem_free(vm.vmem);
    qtest_quit(vm.qts);
    qbackend_stop(vm.backend);
    g_async_queue_push(late.done, &late);
    g_thread_join(starter);
    g_async_queue_unref(late.done);
}

/* ---- vhost-user-fs (both VMMs) ---- */

typedef struct TestFsVM {
    QTestState *qts;
    QBackend *backend;
    QVirtioFs *fs;
} TestFsVM;

/* virtiofsd and the VMM with vhost-user-fs-pci; false (skipped) when
 * either is missing here. */
static bool test_fs_vm_start(TestFsVM *vm)
{
    g_autofree char *ram = test_ram_args("512M");
    g_autofree char *args = NULL;

    if (test_skip_without(qbackend_fs_unavailable)) {
        return false;
    }
    vm->backend = qbackend_fs_start();
    args = g_strdup_printf("%s" TEST_FS_ARGS_FMT, ram,
                           qbackend_socket_path(vm->backend));
    vm->qts = test_vmm_start(args);
    vm->fs = qvirtio_fs_init(vm->qts);
    g_assert_nonnull(vm->fs);
    return true;
}

static void test_fs_vm_stop(TestFsVM *vm)
{
    qvirtio_fs_free(vm->fs);
    qtest_quit(vm->qts);
    qbackend_stop(vm->backend);
}

/* FUSE_INIT answered, without error. */
static void test_fs_init_ok(TestFsVM *vm, QFuseReply *reply,
                            QFuseInitOut *init)
{
    g_assert_true(qvirtio_fs_fuse_init(vm->fs, QFUSE_KERNEL_MINOR, reply,
                                       init));
    g_assert_cmpint(reply->error, ==, 0);
}

static void test_fs_config(void)
{
    QVirtioFsConfig cfg;
    TestFsVM vm;
    QPCIDevice *d;

    if (!test_fs_vm_start(&vm)) {
        return;
    }
    d = vm.fs->vdev->pdev;
    g_assert_cmphex(qpci_config_readw(d, QPCI_VENDOR_ID), ==, 0x1af4);
    g_assert_cmphex(qpci_config_readw(d, QPCI_DEVICE_ID), ==,
                    0x1040 + QVIRTIO_FS_DEVICE_ID);
    qvirtio_fs_read_config(vm.fs, &cfg);
    g_assert_cmpstr(cfg.tag, ==, TEST_FS_TAG);
    g_assert_cmpuint(cfg.num_request_queues, ==, 1);
    test_fs_vm_stop(&vm);
}

static void test_fs_fuse_init(void)
{
    QFuseInitOut init;
    QFuseReply reply;
    TestFsVM vm;

    if (!test_fs_vm_start(&vm)) {
        return;
    }
    test_fs_init_ok(&vm, &reply, &init);
    g_assert_cmpuint(reply.unique, ==, reply.unique_sent);
    g_assert_cmpuint(reply.len, ==,
                     QFUSE_OUT_HEADER_SIZE + QFUSE_INIT_OUT_SIZE);
    g_assert_cmpuint(reply.used_len, ==, reply.len);
    g_assert_cmpuint(init.major, ==, QFUSE_KERNEL_VERSION);
    g_assert_cmpuint(init.max_write, >, 0);
    test_fs_vm_stop(&vm);
}

/* kill -9 of virtiofsd after FUSE_INIT: the VMM stays up. */
static void test_fs_backend_killed(void)
{
    QFuseInitOut init;
    QFuseReply reply;
    TestFsVM vm;

    if (!test_fs_vm_start(&vm)) {
        return;
    }
    test_fs_init_ok(&vm, &reply, &init);
    qbackend_kill(vm.backend);
    test_expect_running(vm.qts);
    test_fs_vm_stop(&vm);
}

/* ---- hotmem: the memory table the backend is sent ---- */

typedef struct TestMemRegion {
    char req[16];               /* SET_MEM_TABLE, ADD_MEM_REG, REM_MEM_REG */
    uint64_t gpa;
    uint64_t size;
    uint64_t uaddr;
    uint64_t mmap_offset;
} TestMemRegion;

#define TEST_TRACE_MEM_REGION "vhost_user_mem_region "

/* key=0x... of one trace line; fails the test when it is not hex. */
static uint64_t test_trace_hex(const char *value)
{
    char *end;
    uint64_t v;

    g_assert_true(g_str_has_prefix(value, "0x"));
    v = g_ascii_strtoull(value + 2, &end, 16);
    g_assert_true(end != value + 2 && *end == '\0');
    return v;
}

/*
 * Parse "dev=D req=R gpa=0x.. size=0x.. uaddr=0x.. mmap_offset=0x..";
 * false when the line is about another device.
 */
static bool test_trace_parse_region(const char *args, TestMemRegion *r)
{
    g_auto(GStrv) words = g_strsplit(args, " ", 0);
    unsigned int seen = 0;

    memset(r, 0, sizeof(*r));
    for (int i = 0; words[i]; i++) {
        const char *eq = strchr(words[i], '=');
        g_autofree char *key = eq ? g_strndup(words[i], eq - words[i]) : NULL;

        g_assert_nonnull(eq);
        if (!strcmp(key, "dev")) {
            if (strcmp(eq + 1, "vhu0")) {
                return false;
            }
            seen |= 1;
        } else if (!strcmp(key, "req")) {
            g_assert_cmpuint(strlen(eq + 1), <, sizeof(r->req));
            strcpy(r->req, eq + 1);
            seen |= 2;
        } else if (!strcmp(key, "gpa")) {
            r->gpa = test_trace_hex(eq + 1);
            seen |= 4;
        } else if (!strcmp(key, "size")) {
            r->size = test_trace_hex(eq + 1);
            seen |= 8;
        } else if (!strcmp(key, "uaddr")) {
            r->uaddr = test_trace_hex(eq + 1);
            seen |= 16;
        } else if (!strcmp(key, "mmap_offset")) {
            r->mmap_offset = test_trace_hex(eq + 1);
            seen |= 32;
        }
    }
    g_assert_cmphex(seen, ==, 63);
    return true;
}

/*
 * The arguments of a trace line of event ("name "), or NULL.  hotmem
 * prefixes every line with "PID@SECONDS.MICROSECONDS:" (util/trace.c);
 * QEMU does so only with -msg timestamp=on.
 */
static const char *test_trace_event_args(const char *line, const char *event)
{
    const char *colon = strchr(line, ':');

    if (g_str_has_prefix(line, event)) {
        return line + strlen(event);
    }
    if (colon && strchr(line, '@') && strchr(line, '@') < colon &&
        g_str_has_prefix(colon + 1, event)) {
        return colon + 1 + strlen(event);
    }
    return NULL;
}

/*
 * The vhost_user_mem_region lines about vhu0 in the -D log, oldest first;
 * the end of each SET_MEM_TABLE (its vhost_user_send line, which follows
 * its regions) as an entry with req "END".
 */
static GArray *test_trace_regions(TestVM *vm)
{
    GArray *regions = g_array_new(FALSE, TRUE, sizeof(TestMemRegion));
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    g_assert_true(g_file_get_contents(vm->trace_log, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", 0);
    for (int i = 0; lines[i]; i++) {
        const char *ev = test_trace_event_args(lines[i],
                                               TEST_TRACE_MEM_REGION);
        TestMemRegion r;

        if (ev && test_trace_parse_region(ev, &r)) {
            g_assert_cmphex(r.uaddr, !=, 0);
            g_array_append_val(regions, r);
        }
        ev = test_trace_event_args(lines[i], "vhost_user_send ");
        if (ev && g_str_has_prefix(ev, "dev=vhu0 req=SET_MEM_TABLE ")) {
            memset(&r, 0, sizeof(r));
            strcpy(r.req, "END");
            g_array_append_val(regions, r);
        }
    }
    return regions;
}

static int test_region_find(GArray *table, uint64_t gpa)
{
    for (guint i = 0; i < table->len; i++) {
        if (g_array_index(table, TestMemRegion, i).gpa == gpa) {
            return i;
        }
    }
    return -1;
}

/*
 * The backend's table after the messages in lines: a run of SET_MEM_TABLE
 * lines is one whole new table; ADD_MEM_REG adds a region at a free gpa;
 * REM_MEM_REG removes one that is there with the same size and offset.
 */
static GArray *test_table_replay(GArray *lines)
{
    GArray *table = g_array_new(FALSE, TRUE, sizeof(TestMemRegion));
    bool in_set = false;

    for (guint i = 0; i < lines->len; i++) {
        TestMemRegion *r = &g_array_index(lines, TestMemRegion, i);
        int at = test_region_find(table, r->gpa);

        if (!strcmp(r->req, "END")) {
            if (!in_set) {
                g_array_set_size(table, 0);     /* an empty table */
            }
            in_set = false;
            continue;
        }
        if (!strcmp(r->req, "SET_MEM_TABLE")) {
            if (!in_set) {
                g_array_set_size(table, 0);
                at = -1;
            }
            in_set = true;
            g_assert_cmpint(at, ==, -1);
            g_array_append_val(table, *r);
            continue;
        }
        in_set = false;
        if (!strcmp(r->req, "ADD_MEM_REG")) {
            g_assert_cmpint(at, ==, -1);
            g_array_append_val(table, *r);
        } else {
            g_assert_cmpstr(r->req, ==, "REM_MEM_REG");
            g_assert_cmpint(at, >=, 0);
            g_assert_cmphex(g_array_index(table, TestMemRegion, at).size, ==,
                            r->size);
            g_array_remove_index(table, at);
        }
    }
    return table;
}

typedef struct TestExpectRegion {
    uint64_t gpa;
    uint64_t size;
    uint64_t mmap_offset;
} TestExpectRegion;

static void test_region_assert(const TestMemRegion *r,
                               const TestExpectRegion *e)
{
    g_assert_cmphex(r->gpa, ==, e->gpa);
    g_assert_cmphex(r->size, ==, e->size);
    g_assert_cmphex(r->mmap_offset, ==, e->mmap_offset);
}

static gint test_region_cmp_gpa(gconstpointer a, gconstpointer b)
{
    const TestMemRegion *ra = a;
    const TestMemRegion *rb = b;

    return ra->gpa < rb->gpa ? -1 : ra->gpa > rb->gpa;
}

/* The table replayed from the whole log is exactly expect (gpa order). */
static void test_table_assert(TestVM *vm, const TestExpectRegion *expect,
                              guint n)
{
    g_autoptr(GArray) lines = test_trace_regions(vm);
    g_autoptr(GArray) table = test_table_replay(lines);

    g_array_sort(table, test_region_cmp_gpa);
    g_assert_cmpuint(table->len, ==, n);
    for (guint i = 0; i < n; i++) {
        test_region_assert(&g_array_index(table, TestMemRegion, i),
                           &expect[i]);
    }
}

/*
 * Since line *seen of the log: nothing when req is NULL, else exactly one
 * line, req with expect's values.  Returns it; *seen moves past it.
 */
static TestMemRegion test_expect_change(TestVM *vm, guint *seen,
                                        const char *req,
                                        const TestExpectRegion *expect)
{
    g_autoptr(GArray) lines = test_trace_regions(vm);
    TestMemRegion r = { { 0 } };

    g_assert_cmpuint(lines->len, ==, *seen + (req ? 1 : 0));
    if (req) {
        r = g_array_index(lines, TestMemRegion, *seen);
        g_assert_cmpstr(r.req, ==, req);
        test_region_assert(&r, expect);
    }
    *seen = lines->len;
    return r;
}

static guint test_trace_count(TestVM *vm)
{
    g_autoptr(GArray) lines = test_trace_regions(vm);

    return lines->len;
}

/*
 * -m 3G: RAM is ram0 [0, 2 GiB) below 4 GiB and [2 GiB, 3 GiB) at 4 GiB
 * (docs/system/q35-memory-map.md); device memory starts at 5 GiB.
 */
#define TEST_RAM3G_DEVMEM_BASE  0x140000000ULL
static const TestExpectRegion test_ram3g_regions[] = {
    { 0, 2 * GiB, 0 },
    { 4 * GiB, GiB, 2 * GiB },
};

/*
 * hotmem, x-configure-mem-slots=off: the backend is a baseline one (8
 * regions, no ADD/REM_MEM_REG), so every change is the whole table again
 * as SET_MEM_TABLE; virtio-mem decides 1 memslot; I/O in it works.
 */
static void test_mem_table_baseline(void)
{
    TestExpectRegion expect[3];
    json_t *consumer;
    uint64_t gpa;
    TestVM vm;

    if (test_skip_on_reference("x-configure-mem-slots is hotmem's") ||
        test_skip_without(qbackend_blk_unavailable)) {
        return;
    }
    test_blk_vm_start_full(&vm, "3G", TEST_VMEM_DYNAMIC, true, "",
                           ",x-configure-mem-slots=off");
    consumer = test_get_consumer(vm.qts, "vhost-user:vhu0");
    g_assert_cmpint(json_integer_value(json_object_get(consumer, "max")), ==,
                    8);
    json_decref(consumer);
    g_assert_cmpint(test_vmem_memslots(&vm, "required"), ==, 1);
    test_table_assert(&vm, test_ram3g_regions, 2);
    test_set_requested(&vm, TEST_VMEM_SIZE);
    gpa = test_plug(&vm, 0);
    memcpy(expect, test_ram3g_regions, sizeof(test_ram3g_regions));
    expect[2] = (TestExpectRegion){ TEST_RAM3G_DEVMEM_BASE, TEST_VMEM_SIZE,
                                    0 };
    test_table_assert(&vm, expect, 3);
    test_blk_round_trip(&vm, gpa, gpa + 256 * KiB, 8, 1);
    test_unplug(&vm, 0);
    test_table_assert(&vm, test_ram3g_regions, 2);
    test_vm_stop(&vm);
}

/* Static virtio-mem: its whole region is in the table from the start, and
 * plugging changes nothing. */
static void test_mem_table_static(void)
{
    TestExpectRegion expect[3];
    guint seen;
    TestVM vm;

    if (test_skip_on_reference("QEMU 7.2 has no vhost_user_mem_region "
                               "trace point") ||
        test_skip_without(qbackend_blk_unavailable)) {
        return;
    }
    test_blk_vm_start(&vm, "3G", "", true);
    g_assert_cmphex(vm.vmem_cfg.addr, ==, TEST_RAM3G_DEVMEM_BASE);
    memcpy(expect, test_ram3g_regions, sizeof(test_ram3g_regions));
    expect[2] = (TestExpectRegion){ TEST_RAM3G_DEVMEM_BASE, TEST_VMEM_SIZE,
                                    0 };
    test_table_assert(&vm, expect, 3);
    seen = test_trace_count(&vm);
    test_set_requested(&vm, TEST_VMEM_SIZE);
    test_plug(&vm, 0);
    test_plug(&vm, 2 * GiB);
    test_unplug(&vm, 0);
    test_unplug(&vm, 2 * GiB);
    test_expect_change(&vm, &seen, NULL, NULL);
    test_vm_stop(&vm);
}

/* x-query-memslots: the memslots vmem0 decided on (required) or maps now
 * (used). */
static int test_vmem_memslots(TestVM *vm, const char *what)
{
    json_t *r = qtest_qmp_assert_success_ref(vm->qts,
                                             "{'execute': 'x-query-memslots'}");
    json_t *dev;
    size_t i;
    int n = -1;

    json_array_foreach(json_object_get(r, "memory-devices"), i, dev) {
        if (!g_strcmp0(json_string_value(json_object_get(dev, "qom-path")),
                       "/machine/peripheral/vmem0")) {
            n = json_integer_value(json_object_get(dev, what));
        }
    }
    json_decref(r);
    g_assert_cmpint(n, >=, 0);
    return n;
}


/*
 * dynamic-memslots=on behind a backend of 32 slots (Debian 12's
 * libvhost-user): virtio-mem decides 1 memslot (fewer than 509 anywhere:
 * 1 each), the whole 4 GiB.  It reaches the backend as ADD_MEM_REG when
 * its first block is plugged and leaves as REM_MEM_REG with its last.
 */
static void test_mem_table_dynamic(void)
{
    const TestExpectRegion slot0 = { TEST_RAM3G_DEVMEM_BASE, TEST_VMEM_SIZE,
                                     0 };
    TestMemRegion added, removed;
    json_t *consumer;
    guint seen;
    TestVM vm;

    if (test_skip_on_reference("QEMU 7.2 has no dynamic-memslots") ||
        test_skip_without(qbackend_blk_unavailable)) {
        return;
    }
    test_blk_vm_start(&vm, "3G", TEST_VMEM_DYNAMIC, true);
    consumer = test_get_consumer(vm.qts, "vhost-user:vhu0");
    g_assert_nonnull(consumer);
    g_assert_cmpint(json_integer_value(json_object_get(consumer, "max")), ==,
                    32);
    json_decref(consumer);
    g_assert_cmpint(test_vmem_memslots(&vm, "required"), ==, 1);
    test_table_assert(&vm, test_ram3g_regions, 2);
    seen = test_trace_count(&vm);
    test_set_requested(&vm, TEST_VMEM_SIZE);
    test_plug(&vm, 0);
    added = test_expect_change(&vm, &seen, "ADD_MEM_REG", &slot0);
    g_assert_cmpint(test_vmem_memslots(&vm, "used"), ==, 1);
    test_plug(&vm, 2 * GiB);
    test_unplug(&vm, 0);
    test_expect_change(&vm, &seen, NULL, NULL);
    test_unplug(&vm, 2 * GiB);
    removed = test_expect_change(&vm, &seen, "REM_MEM_REG", &slot0);
    g_assert_cmphex(removed.uaddr, ==, added.uaddr);
    g_assert_cmpint(test_vmem_memslots(&vm, "used"), ==, 0);
    test_table_assert(&vm, test_ram3g_regions, 2);
    test_vm_stop(&vm);
}

/* ---- hotmem: refusals ---- */

/* The binary with exactly these arguments on the qtest machine, no
 * sockets; its stderr, *status its exit status. */
static char *test_probe(const char *args, int *status)
{
    g_autofree char *full = g_strdup_printf("-machine q35,accel=qtest "
                                            "-display none -nodefaults %s",
                                            args);

    return qtest_probe_cli(full, status);
}

/* virtio-mem with dynamic memslots decides first (4 memslots: 256 scaled
 * by 4 of 5 GiB), then a 32-slot vhost backend comes: refused. */
static void test_memslots_cold_plug_refused(void)
{
    g_autofree char *ram = test_ram_args("3G");
    g_autofree char *args = NULL;
    g_autofree char *err = NULL;
    QBackend *backend;
    int status;

    if (test_skip_on_reference("QEMU 7.2 has no dynamic-memslots") ||
        test_skip_without(qbackend_blk_unavailable)) {
        return;
    }
    backend = qbackend_blk_start(TEST_IMAGE_SIZE);
    args = g_strdup_printf("%s" TEST_VMEM_ARGS_FMT TEST_BLK_ARGS_FMT, ram,
                           TEST_VMEM_DYNAMIC, qbackend_socket_path(backend), "",
                           "");
    err = test_probe(args, &status);
    g_assert_cmpint(status, ==, 1);
    g_assert_nonnull(strstr(err, TEST_MSG_MEMSLOTS));
    g_assert_nonnull(strstr(err, TEST_HINT_MEMSLOTS));
    qbackend_stop(backend);
}

static json_t *test_query_memslots(QTestState *qts)
{
    return qtest_qmp_assert_success_ref(qts,
                                        "{'execute': 'x-query-memslots'}");
}

/* Whether /machine/peripheral has a child called id. */
static bool test_has_peripheral(QTestState *qts, const char *id)
{
    json_t *r = qtest_qmp_assert_success_ref(qts, "{'execute': 'qom-list', "
        "'arguments': {'path': '/machine/peripheral'}}");
    json_t *prop;
    size_t i;
    bool found = false;

    json_array_foreach(r, i, prop) {
        found |= !g_strcmp0(json_string_value(json_object_get(prop, "name")),
                            id);
    }
    json_decref(r);
    return found;
}

/*
 * With an accelerator limit below 509 every memory device decides one
 * memslot (no decision to protect), but 31 virtio-mem devices with nothing
 * plugged still hold 31 reserved memslots: with the 2 RAM regions the
 * 32-slot backend would need 33.  Refused with QEMU's numbers.
 */
static void test_memslots_reserved_over_limit_refused(void)
{
    g_autoptr(GString) args = g_string_new("-accel qtest,max-memslots=100 ");
    g_autofree char *ram = test_ram_args("3G");
    g_autofree char *err = NULL;
    QBackend *backend;
    int status;

    if (test_skip_on_reference("QEMU 7.2 has no dynamic-memslots") ||
        test_skip_without(qbackend_blk_unavailable)) {
        return;
    }
    backend = qbackend_blk_start(TEST_IMAGE_SIZE);
    /* One root bus has no room for 32 devices: half behind a bridge. */
    g_string_append_printf(args, "%s-device pci-bridge,id=br0,chassis_nr=1 ",
                           ram);
    for (int i = 0; i < 31; i++) {
        g_string_append_printf(args, "-object memory-backend-memfd,id=m%d,"
                               "size=64M,share=on -device virtio-mem-pci,"
                               "memdev=m%d,bus=%s" TEST_VMEM_DYNAMIC " ", i,
                               i, i % 2 ? "br0" : "pcie.0");
    }
    g_string_append_printf(args, TEST_BLK_ARGS_FMT,
                           qbackend_socket_path(backend), "", "");
    err = test_probe(args->str, &status);
    g_assert_cmpint(status, ==, 1);
    g_assert_nonnull(strstr(err, "vhost backend memory slots limit (32) is "
                            "less than current number of used (2) and "
                            "reserved (31) memory slots for memory "
                            "devices."));
    qbackend_stop(backend);
}

/* device_add / device_del of vhost-user-blk-pci in a root port. */
static void test_blk_hotplug_unplug(QTestState *qts)
{
    json_t *ev;

    json_decref(qtest_qmp_assert_success_ref(qts, "{'execute': 'device_add', 'arguments': "
                             "{'driver': 'vhost-user-blk-pci', 'id': 'vhu0', "
                             "'bus': 'rp0', 'chardev': 'c0'}}"));
    g_assert_true(test_has_consumer(qts, "vhost-user:vhu0"));
    /* A slot the guest never powered on empties at once. */
    json_decref(qtest_qmp_assert_success_ref(qts, "{'execute': 'device_del', 'arguments': "
                             "{'id': 'vhu0'}}"));
    do {
        ev = qtest_qmp_eventwait_ref(qts, "DEVICE_DELETED");
    } while (g_strcmp0(json_string_value(json_object_get(
                 json_object_get(ev, "data"), "device")), "vhu0") &&
             (json_decref(ev), true));
    json_decref(ev);
    g_assert_false(test_has_consumer(qts, "vhost-user:vhu0"));
}

/*
 * hotmem: a vhost-user device hot-plugged into a root port connects and
 * becomes a memslot consumer; unplugged, it gives the consumer and the
 * chardev back, so the same chardev serves a second hot-plug.
 */
static void test_blk_hotplug_twice(void)
{
    g_autofree char *ram = test_ram_args("512M");
    g_autofree char *args = NULL;
    QBackend *backend;
    QTestState *qts;

    if (test_skip_on_reference("QEMU 7.2 hot-plugs root ports through ACPI") ||
        test_skip_without(qbackend_blk_unavailable)) {
        return;
    }
    backend = qbackend_blk_start(TEST_IMAGE_SIZE);
    args = g_strdup_printf("%s-chardev socket,id=c0,path=%s "
                           "-device pcie-root-port,id=rp0,chassis=1", ram,
                           qbackend_socket_path(backend));
    qts = qtest_init(args);
    test_blk_hotplug_unplug(qts);
    test_blk_hotplug_unplug(qts);
    qtest_quit(qts);
    qbackend_stop(backend);
}

/* The same at run time: device_add fails, nothing changes, virtio-mem
 * still plugs. */
static void test_memslots_hotplug_refused(void)
{
    g_autofree char *ram = test_ram_args("3G");
    g_autofree char *args = NULL;
    json_t *before, *after, *r;
    const char *desc;
    TestVM vm = { 0 };

    if (test_skip_on_reference("QEMU 7.2 has no dynamic-memslots") ||
        test_skip_without(qbackend_blk_unavailable)) {
        return;
    }
    vm.backend = qbackend_blk_start(TEST_IMAGE_SIZE);
    args = g_strdup_printf("%s" TEST_VMEM_ARGS_FMT "-chardev socket,id=c0,"
                           "path=%s -device pcie-root-port,id=rp0,chassis=1",
                           ram, TEST_VMEM_DYNAMIC,
                           qbackend_socket_path(vm.backend));
    vm.qts = qtest_init(args);
    g_assert_cmpint(test_vmem_memslots(&vm, "required"), >, 1);
    before = test_query_memslots(vm.qts);
    r = qtest_qmp(vm.qts, "{'execute': 'device_add', 'arguments': "
                  "{'driver': 'vhost-user-blk-pci', 'id': 'vhu0', "
                  "'bus': 'rp0', 'chardev': 'c0', 'num-queues': 1}}");
    desc = json_string_value(json_object_get(json_object_get(r, "error"),
                                             "desc"));
    g_assert_nonnull(desc);
    g_assert_nonnull(strstr(desc, TEST_MSG_MEMSLOTS));
    json_decref(r);
    after = test_query_memslots(vm.qts);
    g_assert_true(json_equal(before, after));
    g_assert_false(test_has_peripheral(vm.qts, "vhu0"));
    vm.vmem = qvirtio_mem_init(vm.qts);
    qvirtio_mem_read_config(vm.vmem, &vm.vmem_cfg);
    test_set_requested(&vm, TEST_VMEM_SIZE);
    test_plug(&vm, 0);
    json_decref(before);
    json_decref(after);
    test_vm_stop(&vm);
}

/* Anonymous private pc.ram cannot be mapped by the backend: refused. */
static void test_private_ram_refused(void)
{
    g_autofree char *args = NULL;
    g_autofree char *err = NULL;
    QBackend *backend;
    int status;

    if (test_skip_on_reference("QEMU 7.2 starts; at DRIVER_OK the backend "
                               "panics (Invalid vring_addr message)") ||
        test_skip_without(qbackend_blk_unavailable)) {
        return;
    }
    backend = qbackend_blk_start(TEST_IMAGE_SIZE);
    args = g_strdup_printf("-m 512M " TEST_BLK_ARGS_FMT,
                           qbackend_socket_path(backend), "", "");
    err = test_probe(args, &status);
    g_assert_cmpint(status, ==, 1);
    g_assert_nonnull(strstr(err, "share=on"));
    qbackend_stop(backend);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vhost-user-blk/config/capacity-is-image-sectors",
                   test_blk_capacity);
    g_test_add_func("/vhost-user-blk/io/buffers-in-plugged-memory",
                   test_blk_io_static);
    g_test_add_func("/vhost-user-blk/io/buffers-in-dynamic-memslots",
                   test_blk_io_dynamic_memslots);
    g_test_add_func("/vhost-user-blk/backend/killed-vmm-stays-up",
                   test_blk_backend_killed);
    g_test_add_func("/vhost-user-fs/config/tag-and-request-queues",
                   test_fs_config);
    g_test_add_func("/vhost-user-fs/fuse/init-round-trip", test_fs_fuse_init);
    g_test_add_func("/vhost-user-blk/backend/reconnects",
                    test_blk_backend_reconnect);
    g_test_add_func("/vhost-user-blk/reset/system-reset-restarts",
                    test_blk_system_reset);
    g_test_add_func("/vhost-user-blk/backend/realize-waits-with-reconnect",
                    test_blk_waits_for_backend);
    g_test_add_func("/vhost-user-fs/backend/killed-vmm-stays-up",
                    test_fs_backend_killed);
    g_test_add_func("/vhost-user-blk/mem-table/static-virtio-mem-whole",
                   test_mem_table_static);
    g_test_add_func("/vhost-user-blk/mem-table/dynamic-memslot-follows-plug",
                   test_mem_table_dynamic);
    g_test_add_func("/vhost-user-blk/memslots/reserved-over-limit-refused",
                    test_memslots_reserved_over_limit_refused);
    g_test_add_func("/vhost-user-blk/memslots/cold-plug-after-decision-refused",
                   test_memslots_cold_plug_refused);
    g_test_add_func("/vhost-user-blk/memslots/hotplug-after-decision-refused",
                   test_memslots_hotplug_refused);
    g_test_add_func("/vhost-user-blk/hotplug/add-del-twice",
                    test_blk_hotplug_twice);
    g_test_add_func("/vhost-user-blk/mem-table/baseline-set-mem-table",
                    test_mem_table_baseline);
    g_test_add_func("/vhost-user-blk/guest/rings-outside-ram",
                    test_blk_rings_outside_ram);
    g_test_add_func("/vhost-user-blk/ram/private-ram-refused",
                   test_private_ram_refused);
    return g_test_run();
}
