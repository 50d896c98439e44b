/*
 * virtio-mem-pci through the real binary: the project's driver (libqos)
 * plays the guest over qtest, QMP resizes.  Every rule of
 * VIRTIO-MEM-FACTS.md has a test here or in tests/unit/test-virtio-mem-*.
 * Tests in the "reference" suite also run against QEMU 7.2; checks of
 * hotmem-only behaviour say why they are skipped there.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "libqos/virtio-mem.h"

#define TEST_BS (2 * MiB)

#define TEST_ARGS_FMT "-m 1G,maxmem=%s " \
    "-object memory-backend-ram,id=mem0,size=%s,reserve=off " \
    "-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=%s%s"

typedef struct TestVM {
    QTestState *qts;
    QVirtioMem *m;
    QVirtioMemConfig cfg;
} TestVM;

static void test_vm_start(TestVM *vm, const char *maxmem, const char *size,
                          const char *requested, const char *extra)
{
    g_autofree char *args = g_strdup_printf(TEST_ARGS_FMT, maxmem, size,
                                            requested, extra ? extra : "");

    vm->qts = qtest_init(args);
    vm->m = qvirtio_mem_init(vm->qts);
    g_assert_nonnull(vm->m);
    qvirtio_mem_read_config(vm->m, &vm->cfg);
}

/* A 4 GiB device, 1 GiB requested. */
static void test_vm_start_default(TestVM *vm)
{
    test_vm_start(vm, "5G", "4G", "1G", NULL);
}

static void test_vm_stop(TestVM *vm)
{
    qvirtio_mem_free(vm->m);
    qtest_quit(vm->qts);
}

static uint64_t test_gpa(TestVM *vm, uint64_t block)
{
    return vm->cfg.addr + block * vm->cfg.block_size;
}

static uint16_t test_req(TestVM *vm, uint16_t type, uint64_t block,
                         uint16_t nb)
{
    return qvirtio_mem_request(vm->m, type, test_gpa(vm, block), nb, NULL);
}

static uint64_t test_qom_get_u64(TestVM *vm, const char *prop)
{
    json_t *r = qtest_qmp(vm->qts, "{'execute': 'qom-get', 'arguments': "
                          "{'path': 'vmem0', 'property': '%s'}}", prop);
    uint64_t v;

    g_assert_true(json_is_integer(json_object_get(r, "return")));
    v = json_integer_value(json_object_get(r, "return"));
    json_decref(r);
    return v;
}

/* qom-set requested-size; returns the error description or NULL. */
static char *test_set_requested(TestVM *vm, const char *value_json)
{
    json_t *r = qtest_qmp(vm->qts, "{'execute': 'qom-set', 'arguments': "
                          "{'path': 'vmem0', 'property': 'requested-size', "
                          "'value': %s}}", value_json);
    json_t *err = json_object_get(r, "error");
    char *desc = err ? g_strdup(json_string_value(
                           json_object_get(err, "desc"))) : NULL;

    json_decref(r);
    return desc;
}

/* ---- PCI shape and config ---- */

static void test_pci_shape(void)
{
    TestVM vm;
    QPCIDevice *d;

    test_vm_start_default(&vm);
    d = vm.m->vdev->pdev;
    g_assert_cmphex(qpci_config_readw(d, QPCI_VENDOR_ID), ==, 0x1af4);
    g_assert_cmphex(qpci_config_readw(d, QPCI_DEVICE_ID), ==, 0x1058);
    g_assert_cmphex(qpci_config_readb(d, QPCI_REVISION_ID), ==, 1);
    g_assert_cmphex(qpci_config_readl(d, QPCI_REVISION_ID) >> 8, ==,
                    0x00ff00);
    g_assert_cmphex(qpci_config_readw(d, QPCI_SUBSYSTEM_VENDOR_ID), ==,
                    0x1af4);
    g_assert_cmphex(qpci_config_readw(d, QPCI_SUBSYSTEM_ID), ==, 0x1100);
    g_assert_cmphex(qpci_config_readb(d, QPCI_INTERRUPT_PIN), ==, 1);
    g_assert_true(qpci_config_readw(d, QPCI_STATUS) & QPCI_STATUS_CAP_LIST);
    /* First slot of the root bus. */
    g_assert_cmpint(d->devfn, ==, 1 << 3);
    test_vm_stop(&vm);
}

static void test_pci_caps(void)
{
    TestVM vm;
    QPCIDevice *d;
    static const uint8_t vendor_caps[] = { 0x84, 0x70, 0x60, 0x50, 0x40 };
    static const uint8_t cfg_types[] = { 5, 2, 4, 3, 1 };
    uint8_t cap;

    test_vm_start_default(&vm);
    d = vm.m->vdev->pdev;
    cap = qpci_config_readb(d, QPCI_CAPABILITY_LIST);
    if (!qtest_is_reference()) {
        /* hotmem has MSI-X (2 vectors) at 0x98 as newer QEMU; 7.2 has none */
        g_assert_cmphex(cap, ==, 0x98);
        g_assert_cmphex(qpci_config_readb(d, cap), ==, QPCI_CAP_ID_MSIX);
        g_assert_cmphex(qpci_config_readw(d, cap + 2) & 0x7ff, ==, 1);
        cap = qpci_config_readb(d, cap + 1);
    }
    for (size_t i = 0; i < sizeof(vendor_caps); i++) {
        g_assert_cmphex(cap, ==, vendor_caps[i]);
        g_assert_cmphex(qpci_config_readb(d, cap), ==, QPCI_CAP_ID_VNDR);
        g_assert_cmphex(qpci_config_readb(d, cap + 3), ==, cfg_types[i]);
        if (cfg_types[i] != 5) {
            g_assert_cmphex(qpci_config_readb(d, cap + 4), ==, 4);  /* BAR4 */
        }
        cap = qpci_config_readb(d, cap + 1);
    }
    g_assert_cmphex(cap, ==, 0);
    g_assert_cmpuint(vm.m->vdev->notify_mult, ==, 4);
    test_vm_stop(&vm);
}

static void test_config_initial(void)
{
    TestVM vm;

    test_vm_start_default(&vm);
    g_assert_cmpuint(vm.cfg.block_size, ==, TEST_BS);
    g_assert_cmpuint(vm.cfg.region_size, ==, 4 * GiB);
    g_assert_cmpuint(vm.cfg.requested_size, ==, GiB);
    g_assert_cmpuint(vm.cfg.plugged_size, ==, 0);
    g_assert_cmpuint(vm.cfg.usable_region_size, ==, GiB + 256 * MiB);
    g_assert_cmpuint(vm.cfg.node_id, ==, 0);
    g_assert_cmpuint(vm.cfg.addr % GiB, ==, 0);
    g_assert_cmphex(vm.cfg.addr, ==, test_qom_get_u64(&vm, "memaddr"));
    /* Past the 56 bytes of config: 0xff. */
    g_assert_cmphex(qvirtio_config_readb(vm.m->vdev, 56), ==, 0xff);
    g_assert_true(vm.m->features & (1ULL << QVIRTIO_MEM_F_ACPI_PXM));
    if (!qtest_is_reference()) {
        /* auto means on for x86 in hotmem (newer QEMU); 7.2 offers it only
         * with unplugged-inaccessible=on */
        g_assert_true(vm.m->features &
                      (1ULL << QVIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE));
    }
    test_vm_stop(&vm);
}

/*
 * A 64-bit read of a window of the virtio BAR answers as two 32-bit reads
 * would (it answered 0): the device config's 64-bit fields and the common
 * config's queue_desc.
 */
static void test_config_64bit_reads(void)
{
    QVirtioPCIDevice *vdev;
    TestVM vm;

    test_vm_start_default(&vm);
    vdev = vm.m->vdev;
    for (uint32_t off = 0; off < 56; off += 8) {
        uint64_t two = qvirtio_config_readl(vdev, off) |
                       (uint64_t)qvirtio_config_readl(vdev, off + 4) << 32;

        g_assert_cmphex(qtest_readq(vm.qts, vdev->device + off), ==, two);
    }
    g_assert_cmphex(qtest_readq(vm.qts, vdev->device + 16), ==, vm.cfg.addr);
    g_assert_cmphex(qtest_readq(vm.qts, vdev->device + 24), ==, 4 * GiB);
    /* queue_select is 0: queue_desc (0x20) is where the driver put it */
    g_assert_cmphex(qtest_readq(vm.qts, vdev->common + 0x20), ==,
                    vm.m->vq->desc);
    test_vm_stop(&vm);
}

/* ---- requests ---- */

static void test_plug_ack(void)
{
    TestVM vm;
    json_t *ev;

    test_vm_start_default(&vm);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 64), ==,
                     QVIRTIO_MEM_RESP_ACK);
    qvirtio_mem_read_config(vm.m, &vm.cfg);
    g_assert_cmpuint(vm.cfg.plugged_size, ==, 64 * TEST_BS);
    g_assert_cmpuint(test_qom_get_u64(&vm, "size"), ==, 64 * TEST_BS);
    ev = qtest_qmp_eventwait_ref(vm.qts, "MEMORY_DEVICE_SIZE_CHANGE");
    g_assert_cmpuint(json_integer_value(json_object_get(
                         json_object_get(ev, "data"), "size")), ==,
                     64 * TEST_BS);
    g_assert_cmpstr(json_string_value(json_object_get(
                        json_object_get(ev, "data"), "id")), ==, "vmem0");
    g_assert_cmpstr(json_string_value(json_object_get(
                        json_object_get(ev, "data"), "qom-path")), ==,
                    "/machine/peripheral/vmem0");
    json_decref(ev);
    test_vm_stop(&vm);
}

static void test_plug_unaligned_is_error(void)
{
    TestVM vm;

    test_vm_start_default(&vm);
    g_assert_cmpuint(qvirtio_mem_request(vm.m, QVIRTIO_MEM_REQ_PLUG,
                                         vm.cfg.addr + 4096, 1, NULL), ==,
                     QVIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 0), ==,
                     QVIRTIO_MEM_RESP_ERROR);
    test_vm_stop(&vm);
}

static void test_plug_outside_usable_is_error(void)
{
    TestVM vm;
    uint64_t usable_blocks;

    test_vm_start_default(&vm);
    usable_blocks = vm.cfg.usable_region_size / TEST_BS;
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, usable_blocks, 1),
                     ==, QVIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(qvirtio_mem_request(vm.m, QVIRTIO_MEM_REQ_PLUG,
                                         vm.cfg.addr - TEST_BS, 1, NULL), ==,
                     QVIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(test_qom_get_u64(&vm, "size"), ==, 0);
    test_vm_stop(&vm);
}

static void test_plug_above_requested_is_nack(void)
{
    TestVM vm;

    test_vm_start_default(&vm);
    /* 513 blocks = 1026 MiB > 1 GiB requested, inside the usable region */
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 513), ==,
                     QVIRTIO_MEM_RESP_NACK);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 512), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 512, 1), ==,
                     QVIRTIO_MEM_RESP_NACK);
    test_vm_stop(&vm);
}

static void test_plug_plugged_is_error(void)
{
    TestVM vm;

    test_vm_start_default(&vm);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 4, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 2, 4), ==,
                     QVIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(test_qom_get_u64(&vm, "size"), ==, TEST_BS);
    test_vm_stop(&vm);
}

static void test_unplug_rules(void)
{
    TestVM vm;

    test_vm_start_default(&vm);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_UNPLUG, 0, 1), ==,
                     QVIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 8), ==,
                     QVIRTIO_MEM_RESP_ACK);
    /* Unplugging below requested-size is fine. */
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_UNPLUG, 0, 4), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_UNPLUG, 2, 4), ==,
                     QVIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(test_qom_get_u64(&vm, "size"), ==, 4 * TEST_BS);
    test_vm_stop(&vm);
}

static void test_state_answers(void)
{
    TestVM vm;
    uint16_t state = 0xffff;

    test_vm_start_default(&vm);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 4, 4), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(qvirtio_mem_request(vm.m, QVIRTIO_MEM_REQ_STATE,
                                         test_gpa(&vm, 4), 4, &state), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(state, ==, QVIRTIO_MEM_STATE_PLUGGED);
    qvirtio_mem_request(vm.m, QVIRTIO_MEM_REQ_STATE, test_gpa(&vm, 0), 4,
                        &state);
    g_assert_cmpuint(state, ==, QVIRTIO_MEM_STATE_UNPLUGGED);
    qvirtio_mem_request(vm.m, QVIRTIO_MEM_REQ_STATE, test_gpa(&vm, 2), 4,
                        &state);
    g_assert_cmpuint(state, ==, QVIRTIO_MEM_STATE_MIXED);
    g_assert_cmpuint(qvirtio_mem_request(vm.m, QVIRTIO_MEM_REQ_STATE,
                                         test_gpa(&vm, 0) + 1, 1, &state),
                     ==, QVIRTIO_MEM_RESP_ERROR);
    test_vm_stop(&vm);
}

static void test_unplug_all_shrinks_usable(void)
{
    TestVM vm;
    g_autofree char *err = NULL;

    test_vm_start_default(&vm);
    g_assert_null(err = test_set_requested(&vm, "3221225472"));   /* 3G */
    qvirtio_mem_read_config(vm.m, &vm.cfg);
    g_assert_cmpuint(vm.cfg.usable_region_size, ==, 3 * GiB + 256 * MiB);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 1000, 100), ==,
                     QVIRTIO_MEM_RESP_ACK);
    /* Shrinking requested-size does not shrink the usable region... */
    g_assert_null(err = test_set_requested(&vm, "0"));
    qvirtio_mem_read_config(vm.m, &vm.cfg);
    g_assert_cmpuint(vm.cfg.usable_region_size, ==, 3 * GiB + 256 * MiB);
    /* ...UNPLUG_ALL does, and ignores its address and block count. */
    g_assert_cmpuint(qvirtio_mem_request(vm.m, QVIRTIO_MEM_REQ_UNPLUG_ALL,
                                         0x1234, 77, NULL), ==,
                     QVIRTIO_MEM_RESP_ACK);
    qvirtio_mem_read_config(vm.m, &vm.cfg);
    g_assert_cmpuint(vm.cfg.plugged_size, ==, 0);
    g_assert_cmpuint(vm.cfg.usable_region_size, ==, 0);
    test_vm_stop(&vm);
}

/* ---- memory contents ---- */

static void test_memory_plugged_reads_back(void)
{
    TestVM vm;
    uint64_t gpa;

    test_vm_start_default(&vm);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 10, 2), ==,
                     QVIRTIO_MEM_RESP_ACK);
    gpa = test_gpa(&vm, 10);
    qtest_writeq(vm.qts, gpa, 0x1122334455667788ULL);
    qtest_writeq(vm.qts, gpa + 2 * TEST_BS - 8, 0xcafef00dULL);
    g_assert_cmphex(qtest_readq(vm.qts, gpa), ==, 0x1122334455667788ULL);
    g_assert_cmphex(qtest_readq(vm.qts, gpa + 2 * TEST_BS - 8), ==,
                    0xcafef00dULL);
    test_vm_stop(&vm);
}

static void test_memory_replug_reads_zero(void)
{
    TestVM vm;
    uint64_t gpa;

    test_vm_start_default(&vm);
    gpa = test_gpa(&vm, 3);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 3, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    qtest_memset(vm.qts, gpa, 0xa5, TEST_BS);
    g_assert_cmphex(qtest_readq(vm.qts, gpa + 4096), ==,
                    0xa5a5a5a5a5a5a5a5ULL);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_UNPLUG, 3, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 3, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_cmphex(qtest_readq(vm.qts, gpa + 4096), ==, 0);
    g_assert_cmphex(qtest_readq(vm.qts, gpa + TEST_BS - 8), ==, 0);
    test_vm_stop(&vm);
}

static uint64_t test_vmm_rss(TestVM *vm)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status",
                                            qtest_pid(vm->qts));
    g_autofree char *text = NULL;
    const char *line;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    line = strstr(text, "VmRSS:");
    g_assert_nonnull(line);
    return g_ascii_strtoull(line + 6, NULL, 10) * KiB;
}

static void test_memory_unplug_returns_rss(void)
{
    TestVM vm;
    uint64_t rss_written, rss_unplugged;

    test_vm_start_default(&vm);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 512), ==,
                     QVIRTIO_MEM_RESP_ACK);
    for (uint64_t off = 0; off < GiB; off += 256 * MiB) {
        qtest_memset(vm.qts, vm.cfg.addr + off, 0x3c, 256 * MiB);
    }
    rss_written = test_vmm_rss(&vm);
    g_assert_cmpuint(rss_written, >=, GiB);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_UNPLUG, 0, 512), ==,
                     QVIRTIO_MEM_RESP_ACK);
    rss_unplugged = test_vmm_rss(&vm);
    g_test_message("RSS %" PRIu64 " MiB written, %" PRIu64 " MiB unplugged",
                   rss_written / MiB, rss_unplugged / MiB);
    /* At least 99% of the written GiB went back to the host. */
    g_assert_cmpuint(rss_written - rss_unplugged, >=, GiB / 100 * 99);
    test_vm_stop(&vm);
}

static void test_memory_prealloc_on_plug(void)
{
    TestVM vm;
    uint64_t before, after;

    test_vm_start(&vm, "5G", "4G", "1G", ",prealloc=on");
    before = test_vmm_rss(&vm);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 64), ==,
                     QVIRTIO_MEM_RESP_ACK);
    after = test_vmm_rss(&vm);
    /* 128 MiB populated without the guest touching it. */
    g_assert_cmpuint(after - before, >=, 127 * MiB);
    test_vm_stop(&vm);
}

/* ---- malformed requests ---- */

static void test_malformed_expect_broken(TestVM *vm, const void *req,
                                         int nb_out, const uint32_t *out,
                                         int nb_in, const uint32_t *in)
{
    uint8_t resp[16];
    uint8_t isr;

    g_assert_cmpint(qvirtio_mem_request_raw(vm->m, req, nb_out, out, nb_in,
                                            in, resp), ==, -1);
    g_assert_true(qvirtio_get_status(vm->m->vdev) &
                  QVIRTIO_STATUS_NEEDS_RESET);
    isr = qvirtio_isr_read(vm->m->vdev);
    g_assert_true(isr & 2);     /* config change */
}

static void test_malformed_short_request(void)
{
    TestVM vm;
    uint8_t req[24] = { 0 };
    const uint32_t out[] = { 16 };
    const uint32_t in[] = { 10 };

    test_vm_start_default(&vm);
    test_malformed_expect_broken(&vm, req, 1, out, 1, in);
    test_vm_stop(&vm);
}

static void test_malformed_short_response(void)
{
    TestVM vm;
    uint8_t req[24] = { QVIRTIO_MEM_REQ_STATE };
    const uint32_t out[] = { 24 };
    const uint32_t in[] = { 8 };

    test_vm_start_default(&vm);
    memcpy(req + 8, &vm.cfg.addr, 8);
    req[16] = 1;
    test_malformed_expect_broken(&vm, req, 1, out, 1, in);
    test_vm_stop(&vm);
}

static void test_malformed_unknown_type(void)
{
    TestVM vm;
    uint8_t req[24] = { 7 };
    const uint32_t out[] = { 24 };
    const uint32_t in[] = { 10 };

    test_vm_start_default(&vm);
    test_malformed_expect_broken(&vm, req, 1, out, 1, in);
    test_vm_stop(&vm);
}

static void test_malformed_recovers_after_reset(void)
{
    TestVM vm;
    uint8_t req[24] = { 9 };
    const uint32_t out[] = { 24 };
    const uint32_t in[] = { 10 };
    QVirtioMem *m2;

    test_vm_start_default(&vm);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 16), ==,
                     QVIRTIO_MEM_RESP_ACK);
    qtest_writeq(vm.qts, test_gpa(&vm, 1), 0xfeedULL);
    test_malformed_expect_broken(&vm, req, 1, out, 1, in);
    /* A fresh driver instance resets and re-initializes the device. */
    m2 = qvirtio_mem_init(vm.qts);
    qvirtio_mem_read_config(m2, &vm.cfg);
    g_assert_cmpuint(vm.cfg.plugged_size, ==, 16 * TEST_BS);
    g_assert_false(qvirtio_get_status(m2->vdev) & QVIRTIO_STATUS_NEEDS_RESET);
    g_assert_cmphex(qtest_readq(vm.qts, test_gpa(&vm, 1)), ==, 0xfeedULL);
    g_assert_cmpuint(qvirtio_mem_request(m2, QVIRTIO_MEM_REQ_UNPLUG,
                                         test_gpa(&vm, 0), 16, NULL), ==,
                     QVIRTIO_MEM_RESP_ACK);
    qvirtio_mem_free(m2);
    test_vm_stop(&vm);
}

static void test_split_request_across_descriptors(void)
{
    TestVM vm;
    uint8_t req[24] = { QVIRTIO_MEM_REQ_PLUG };
    uint8_t resp[10];
    const uint32_t out[] = { 3, 13, 8 };
    const uint32_t in[] = { 1, 9 };

    test_vm_start_default(&vm);
    memcpy(req + 8, &vm.cfg.addr, 8);
    req[16] = 2;
    g_assert_cmpint(qvirtio_mem_request_raw(vm.m, req, 3, out, 2, in, resp),
                    ==, 10);
    g_assert_cmpuint(resp[0] | resp[1] << 8, ==, QVIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(test_qom_get_u64(&vm, "size"), ==, 2 * TEST_BS);
    test_vm_stop(&vm);
}

/* ---- requested-size through QMP ---- */

static void test_requested_size_errors(void)
{
    TestVM vm;
    g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL;

    test_vm_start_default(&vm);
    e1 = test_set_requested(&vm, "3145728");            /* 3 MiB */
    e2 = test_set_requested(&vm, "8589934592");         /* 8 GiB > 4 GiB */
    e3 = test_set_requested(&vm, "\"1G\"");
    g_assert_nonnull(e1);
    g_assert_nonnull(e2);
    g_assert_nonnull(e3);
    if (!qtest_is_reference()) {
        /* hotmem's messages name the values (STYLE.md §5) */
        g_assert_cmpstr(e1, ==, "'requested-size' 3 MiB is not a multiple "
                        "of 'block-size' 2 MiB");
        g_assert_cmpstr(e2, ==, "'requested-size' 8 GiB exceeds the memdev "
                        "size 4 GiB");
    }
    g_assert_cmpstr(e3, ==, "Parameter 'requested-size' expects uint64");
    g_assert_cmpuint(test_qom_get_u64(&vm, "requested-size"), ==, GiB);
    qvirtio_mem_read_config(vm.m, &vm.cfg);
    g_assert_cmpuint(vm.cfg.requested_size, ==, GiB);
    test_vm_stop(&vm);
}

static void test_requested_size_grow_notifies(void)
{
    TestVM vm;
    uint8_t gen;

    test_vm_start_default(&vm);
    qvirtio_isr_read(vm.m->vdev);   /* clear */
    gen = qvirtio_config_generation(vm.m->vdev);
    g_assert_null(test_set_requested(&vm, "2147483648"));
    g_assert_true(qvirtio_isr_read(vm.m->vdev) & 2);
    g_assert_cmpuint(qvirtio_config_generation(vm.m->vdev), !=, gen);
    qvirtio_mem_read_config(vm.m, &vm.cfg);
    g_assert_cmpuint(vm.cfg.requested_size, ==, 2 * GiB);
    g_assert_cmpuint(vm.cfg.usable_region_size, ==, 2 * GiB + 256 * MiB);
    test_vm_stop(&vm);
}

/* ---- resets ---- */

static void test_device_reset_keeps_blocks(void)
{
    TestVM vm;

    test_vm_start_default(&vm);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 32), ==,
                     QVIRTIO_MEM_RESP_ACK);
    qvirtio_reset(vm.m->vdev);
    qvirtio_mem_read_config(vm.m, &vm.cfg);
    g_assert_cmpuint(vm.cfg.plugged_size, ==, 32 * TEST_BS);
    test_vm_stop(&vm);
}

static void test_system_reset_unplugs_all(void)
{
    TestVM vm;
    json_t *r;

    test_vm_start_default(&vm);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 32), ==,
                     QVIRTIO_MEM_RESP_ACK);
    r = qtest_qmp(vm.qts, "{'execute': 'system_reset'}");
    json_decref(r);
    json_decref(qtest_qmp_eventwait_ref(vm.qts, "RESET"));
    g_assert_cmpuint(test_qom_get_u64(&vm, "size"), ==, 0);
    test_vm_stop(&vm);
}

/* ---- features ---- */

static void test_features_unplugged_inaccessible_required(void)
{
    QTestState *qts = qtest_init("-m 1G,maxmem=5G "
                                 "-object memory-backend-ram,id=mem0,size=4G "
                                 "-device virtio-mem-pci,id=vmem0,"
                                 "memdev=mem0,unplugged-inaccessible=on");
    QVirtioPCIDevice *v = qvirtio_pci_new(qts, QVIRTIO_MEM_DEVICE_ID);
    uint8_t status;

    g_assert_nonnull(v);
    status = qvirtio_negotiate(v, 1ULL << QVIRTIO_F_VERSION_1);
    g_assert_false(status & QVIRTIO_STATUS_FEATURES_OK);
    qvirtio_pci_free(v);
    qtest_quit(qts);
}

/* ---- events ---- */

static void test_events_rate_limited(void)
{
    TestVM vm;
    json_t *ev;
    gint64 t0;

    test_vm_start_default(&vm);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    json_decref(qtest_qmp_eventwait_ref(vm.qts,
                                        "MEMORY_DEVICE_SIZE_CHANGE"));
    t0 = g_get_monotonic_time();
    for (int i = 1; i < 5; i++) {
        g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, i, 1), ==,
                         QVIRTIO_MEM_RESP_ACK);
    }
    /* Nothing more inside the second, then one event with the last size. */
    ev = qtest_qmp_eventwait_ref(vm.qts, "MEMORY_DEVICE_SIZE_CHANGE");
    g_assert_cmpint(g_get_monotonic_time() - t0, >=, 500 * 1000);
    g_assert_cmpuint(json_integer_value(json_object_get(
                         json_object_get(ev, "data"), "size")), ==,
                     5 * TEST_BS);
    json_decref(ev);
    g_assert_null(qtest_qmp_event_ref(vm.qts, "MEMORY_DEVICE_SIZE_CHANGE"));
    test_vm_stop(&vm);
}

/* ---- query-memory-devices / HMP ---- */

static void test_query_memory_devices(void)
{
    TestVM vm;
    json_t *r, *data;
    g_autofree char *hmp = NULL;
    g_autofree char *expect = NULL;

    test_vm_start_default(&vm);
    r = qtest_qmp(vm.qts, "{'execute': 'query-memory-devices'}");
    g_assert_cmpuint(json_array_size(json_object_get(r, "return")), ==, 1);
    data = json_object_get(json_array_get(json_object_get(r, "return"), 0),
                           "data");
    g_assert_cmpstr(json_string_value(json_object_get(
        json_array_get(json_object_get(r, "return"), 0), "type")), ==,
        "virtio-mem");
    g_assert_cmpstr(json_string_value(json_object_get(data, "id")), ==,
                    "vmem0");
    g_assert_cmpuint(json_integer_value(json_object_get(data, "max-size")),
                     ==, 4 * GiB);
    g_assert_cmpuint(json_integer_value(json_object_get(data, "block-size")),
                     ==, TEST_BS);
    g_assert_cmpuint(json_integer_value(json_object_get(data,
                                                        "requested-size")),
                     ==, GiB);
    g_assert_cmpstr(json_string_value(json_object_get(data, "memdev")), ==,
                    "/objects/mem0");
    json_decref(r);
    hmp = qtest_hmp(vm.qts, "info memory-devices");
    expect = g_strdup_printf("Memory device [virtio-mem]: \"vmem0\"\r\n"
                             "  memaddr: 0x%" PRIx64 "\r\n", vm.cfg.addr);
    g_assert_true(g_str_has_prefix(hmp, expect));
    g_assert_nonnull(strstr(hmp, "  block-size: 2097152\r\n"));
    test_vm_stop(&vm);
}

/* ---- interrupts ---- */

/* Without MSI-X, a used buffer raises INTx A of slot 1: PIRQ B, IOAPIC
 * input 17 in hotmem's swizzle (docs/devel/pci.md); reading the ISR lowers
 * it.  The reference's ICH9 routes differently: hotmem only. */
static void test_intx_through_ioapic(void)
{
    TestVM vm;

    if (qtest_is_reference()) {
        g_test_skip("QEMU 7.2 routes INTx through ICH9 PIRQ registers");
        return;
    }
    test_vm_start_default(&vm);
    qtest_irq_intercept_in(vm.qts, "ioapic");
    g_assert_false(qtest_get_irq(vm.qts, 17));
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_true(qtest_get_irq(vm.qts, 17));
    g_assert_cmphex(qvirtio_isr_read(vm.m->vdev), ==, 1);
    g_assert_false(qtest_get_irq(vm.qts, 17));
    test_vm_stop(&vm);
}

/* With MSI-X (hotmem, newer QEMU): the queue's vector becomes a memory
 * write of its data at its address; the config vector likewise. */
static void test_msix_vectors(void)
{
    TestVM vm;
    QVirtioPCIDevice *v;
    uint64_t msg_queue, msg_config;

    if (qtest_is_reference()) {
        g_test_skip("QEMU 7.2's virtio-mem-pci has no MSI-X");
        return;
    }
    test_vm_start_default(&vm);
    v = vm.m->vdev;
    msg_queue = qguest_alloc(&v->alloc, 8, 8);
    msg_config = qguest_alloc(&v->alloc, 8, 8);
    qtest_writel(vm.qts, msg_queue, 0);
    qtest_writel(vm.qts, msg_config, 0);
    qpci_msix_enable(v->pdev);
    qpci_msix_set_vector(v->pdev, 0, msg_config, 0xc0f1);
    qpci_msix_set_vector(v->pdev, 1, msg_queue, 0x9e0e);
    qtest_writew(vm.qts, v->common + 0x10, 0);          /* config_msix */
    qtest_writew(vm.qts, v->common + 0x16, 0);          /* queue_select */
    qtest_writew(vm.qts, v->common + 0x1a, 1);          /* queue_msix */
    g_assert_cmpuint(qtest_readw(vm.qts, v->common + 0x1a), ==, 1);
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    g_assert_cmphex(qtest_readl(vm.qts, msg_queue), ==, 0x9e0e);
    g_assert_cmphex(qtest_readl(vm.qts, msg_config), ==, 0);
    g_assert_null(test_set_requested(&vm, "2147483648"));
    g_assert_cmphex(qtest_readl(vm.qts, msg_config), ==, 0xc0f1);
    test_vm_stop(&vm);
}

/* ---- robustness: random guest requests against a model ---- */

typedef struct TestModel {
    bool plugged[2048];     /* 4 GiB in 2 MiB blocks */
    uint64_t plugged_size;
} TestModel;

/* The answer the spec and the reference give, from the model. */
static uint16_t test_model_answer(TestModel *md, QVirtioMemConfig *cfg,
                                  uint16_t type, uint64_t gpa, uint16_t nb)
{
    uint64_t first, size = (uint64_t)nb * TEST_BS;
    bool all_plugged = true, all_unplugged = true;

    if (type == QVIRTIO_MEM_REQ_UNPLUG_ALL) {
        memset(md->plugged, 0, sizeof(md->plugged));
        md->plugged_size = 0;
        return QVIRTIO_MEM_RESP_ACK;
    }
    if (!nb || gpa % TEST_BS || gpa < cfg->addr ||
        gpa + size > cfg->addr + cfg->usable_region_size) {
        return QVIRTIO_MEM_RESP_ERROR;
    }
    first = (gpa - cfg->addr) / TEST_BS;
    for (uint64_t i = first; i < first + nb; i++) {
        all_plugged &= md->plugged[i];
        all_unplugged &= !md->plugged[i];
    }
    if (type == QVIRTIO_MEM_REQ_PLUG &&
        md->plugged_size + size > cfg->requested_size) {
        return QVIRTIO_MEM_RESP_NACK;
    }
    if ((type == QVIRTIO_MEM_REQ_PLUG && !all_unplugged) ||
        (type == QVIRTIO_MEM_REQ_UNPLUG && !all_plugged)) {
        return QVIRTIO_MEM_RESP_ERROR;
    }
    if (type != QVIRTIO_MEM_REQ_STATE) {
        for (uint64_t i = first; i < first + nb; i++) {
            md->plugged[i] = type == QVIRTIO_MEM_REQ_PLUG;
        }
        md->plugged_size += type == QVIRTIO_MEM_REQ_PLUG ? size : -size;
    }
    return QVIRTIO_MEM_RESP_ACK;
}

static void test_random_requests_match_model(void)
{
    TestVM vm;
    TestModel md = { { false } };
    GRand *rand = g_rand_new_with_seed(1234);

    test_vm_start(&vm, "5G", "4G", "2G", NULL);
    for (int i = 0; i < 400; i++) {
        uint16_t type = g_rand_int_range(rand, 0, 4);
        uint64_t block = g_rand_int_range(rand, 0, 1400);
        uint64_t gpa = vm.cfg.addr + block * TEST_BS +
                       (g_rand_int_range(rand, 0, 8) ? 0 : 4096);
        uint16_t nb = g_rand_int_range(rand, 0, 8) ? g_rand_int_range(rand,
                                                                     1, 64)
                                                   : g_rand_int_range(rand,
                                                                     0, 65536);
        uint16_t expect, got;

        if (type == QVIRTIO_MEM_REQ_UNPLUG_ALL && g_rand_int_range(rand, 0, 4)) {
            type = QVIRTIO_MEM_REQ_PLUG;    /* keep UNPLUG_ALL rare */
        }
        expect = test_model_answer(&md, &vm.cfg, type, gpa, nb);
        got = qvirtio_mem_request(vm.m, type, gpa, nb, NULL);
        if (got != expect) {
            g_test_message("request %d: type %u gpa 0x%" PRIx64 " nb %u",
                           i, type, gpa, nb);
        }
        g_assert_cmpuint(got, ==, expect);
        if (type == QVIRTIO_MEM_REQ_UNPLUG_ALL) {
            qvirtio_mem_read_config(vm.m, &vm.cfg);
        }
    }
    qvirtio_mem_read_config(vm.m, &vm.cfg);
    g_assert_cmpuint(vm.cfg.plugged_size, ==, md.plugged_size);
    g_assert_cmpuint(test_qom_get_u64(&vm, "size"), ==, md.plugged_size);
    g_rand_free(rand);
    test_vm_stop(&vm);
}

/* ---- NUMA node ---- */

static void test_node_checked_against_numa(void)
{
    TestVM vm;
    int status = 0;
    g_autofree char *err = NULL;
    g_autofree char *args = g_strdup_printf(
        "%s -display none -nodefaults -m 1G,maxmem=5G "
        "-object memory-backend-ram,id=mem0,size=4G "
        "-device virtio-mem-pci,memdev=mem0,node=1",
        qtest_is_reference() ? "-machine q35,accel=tcg -S"
                             : "-machine q35,accel=qtest -S");

    /* Without -numa the machine is one node. (QEMU 7.2 says
     * "exceedsthe"; the prefix is common.) */
    err = qtest_probe_cli(args, &status);
    g_assert_cmpint(status, ==, 1);
    g_assert_nonnull(strstr(err, "'node' property has value '1', which "
                                 "exceeds"));
    /* With two nodes, node 1 is valid and reaches the guest's config. */
    test_vm_start(&vm, "5G", "4G", "1G",
                  ",node=1 -object memory-backend-ram,id=n0,size=512M "
                  "-object memory-backend-ram,id=n1,size=512M "
                  "-numa node,memdev=n0 -numa node,memdev=n1");
    g_assert_cmpuint(vm.cfg.node_id, ==, 1);
    test_vm_stop(&vm);
}

/* ---- device_add / device_del ---- */

static char *test_qmp_error(QTestState *qts, json_t *r)
{
    json_t *err = json_object_get(r, "error");
    char *desc = err ? g_strdup(json_string_value(
                           json_object_get(err, "desc"))) : NULL;

    json_decref(r);
    return desc;
}

/* q35's root bus has no hotplug controller: both directions are refused
 * there, as by the reference (a pcie-root-port is needed). */
static void test_hotplug_on_root_bus_refused(void)
{
    TestVM vm;
    g_autofree char *add_err = NULL;
    g_autofree char *del_err = NULL;

    test_vm_start(&vm, "9G", "4G", "1G",
                  " -object memory-backend-ram,id=mem1,size=4G");
    add_err = test_qmp_error(vm.qts, qtest_qmp(vm.qts,
        "{'execute': 'device_add', 'arguments': {'driver': "
        "'virtio-mem-pci', 'id': 'vmem1', 'memdev': 'mem1'}}"));
    g_assert_cmpstr(add_err, ==, "Bus 'pcie.0' does not support hotplugging");
    del_err = test_qmp_error(vm.qts, qtest_qmp(vm.qts,
        "{'execute': 'device_del', 'arguments': {'id': 'vmem0'}}"));
    g_assert_cmpstr(del_err, ==, "Bus 'pcie.0' does not support hotplugging");
    /* Nothing changed: still one memory device, still working. */
    g_assert_cmpuint(test_req(&vm, QVIRTIO_MEM_REQ_PLUG, 0, 1), ==,
                     QVIRTIO_MEM_RESP_ACK);
    test_vm_stop(&vm);
}

/* ---- creation errors (hotmem's messages) ---- */

static void test_create_error(const char *device_opts, const char *backend,
                              const char *expect)
{
    g_autofree char *args = g_strdup_printf(
        "-machine q35,accel=qtest -display none -nodefaults "
        "-m 1G,maxmem=9G -object %s -device virtio-mem-pci,%s",
        backend, device_opts);
    int status = 0;
    g_autofree char *err = qtest_probe_cli(args, &status);

    g_assert_cmpint(status, ==, 1);
    if (!strstr(err, expect)) {
        g_test_message("stderr: %s", err);
    }
    g_assert_nonnull(strstr(err, expect));
}

static void test_create_errors(void)
{
    const char *ram4g = "memory-backend-ram,id=mem0,size=4G";

    if (qtest_is_reference()) {
        g_test_skip("hotmem's messages differ from QEMU 7.2's by design");
        return;
    }
    test_create_error("id=v", ram4g, "'memdev' property is not set");
    test_create_error("memdev=mem0,requested-size=3M", ram4g,
                      "'requested-size' 3 MiB is not a multiple of "
                      "'block-size' 2 MiB");
    test_create_error("memdev=mem0,requested-size=8G", ram4g,
                      "'requested-size' 8 GiB exceeds the memdev size 4 GiB");
    test_create_error("memdev=mem0,block-size=3M", ram4g,
                      "'block-size' 3 MiB is not a power of two");
    test_create_error("memdev=mem0,block-size=512K", ram4g,
                      "'block-size' 512 KiB is below the minimum of 1 MiB");
    test_create_error("memdev=mem0", "memory-backend-ram,id=mem0,size=5M",
                      "memdev size 5 MiB is not a multiple of 'block-size' "
                      "2 MiB");
    test_create_error("memdev=mem0",
                      "memory-backend-ram,id=mem0,size=4G,prealloc=on",
                      "specifies a memdev with preallocation enabled: mem0");
    test_create_error("memdev=mem0,dynamic-memslots=on,"
                      "unplugged-inaccessible=off", ram4g,
                      "'dynamic-memslots' requires "
                      "'unplugged-inaccessible=on'");
    test_create_error("memdev=mem0,memaddr=0x280100000", ram4g,
                      "address 0x280100000 must be aligned to 0x200000 bytes "
                      "(2 MiB)");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio-mem/pci/shape", test_pci_shape);
    g_test_add_func("/virtio-mem/pci/capabilities", test_pci_caps);
    g_test_add_func("/virtio-mem/config/initial", test_config_initial);
    g_test_add_func("/virtio-mem/config/64-bit-read-is-two-32-bit",
                    test_config_64bit_reads);
    g_test_add_func("/virtio-mem/plug/ack-updates-size-and-event",
                   test_plug_ack);
    g_test_add_func("/virtio-mem/plug/unaligned-or-empty-is-error",
                   test_plug_unaligned_is_error);
    g_test_add_func("/virtio-mem/plug/outside-usable-is-error",
                   test_plug_outside_usable_is_error);
    g_test_add_func("/virtio-mem/plug/above-requested-is-nack",
                   test_plug_above_requested_is_nack);
    g_test_add_func("/virtio-mem/plug/plugged-block-is-error",
                   test_plug_plugged_is_error);
    g_test_add_func("/virtio-mem/unplug/rules", test_unplug_rules);
    g_test_add_func("/virtio-mem/state/plugged-unplugged-mixed",
                   test_state_answers);
    g_test_add_func("/virtio-mem/unplug-all/shrinks-usable-region",
                   test_unplug_all_shrinks_usable);
    g_test_add_func("/virtio-mem/memory/plugged-reads-back",
                   test_memory_plugged_reads_back);
    g_test_add_func("/virtio-mem/memory/replug-reads-zero",
                   test_memory_replug_reads_zero);
    g_test_add_func("/virtio-mem/memory/unplug-returns-rss",
                   test_memory_unplug_returns_rss);
    g_test_add_func("/virtio-mem/memory/prealloc-on-plug",
                   test_memory_prealloc_on_plug);
    g_test_add_func("/virtio-mem/malformed/short-request-breaks-device",
                   test_malformed_short_request);
    g_test_add_func("/virtio-mem/malformed/short-response-breaks-device",
                   test_malformed_short_response);
    g_test_add_func("/virtio-mem/malformed/unknown-type-breaks-device",
                   test_malformed_unknown_type);
    g_test_add_func("/virtio-mem/malformed/reset-recovers-keeps-memory",
                   test_malformed_recovers_after_reset);
    g_test_add_func("/virtio-mem/request/split-across-descriptors",
                   test_split_request_across_descriptors);
    g_test_add_func("/virtio-mem/requested-size/qmp-errors-change-nothing",
                   test_requested_size_errors);
    g_test_add_func("/virtio-mem/requested-size/grow-notifies-config",
                   test_requested_size_grow_notifies);
    g_test_add_func("/virtio-mem/reset/device-reset-keeps-blocks",
                   test_device_reset_keeps_blocks);
    g_test_add_func("/virtio-mem/reset/system-reset-unplugs-all",
                   test_system_reset_unplugs_all);
    g_test_add_func("/virtio-mem/features/unplugged-inaccessible-required",
                   test_features_unplugged_inaccessible_required);
    g_test_add_func("/virtio-mem/events/rate-limited-last-value-delivered",
                   test_events_rate_limited);
    g_test_add_func("/virtio-mem/qmp/query-memory-devices",
                   test_query_memory_devices);
    g_test_add_func("/virtio-mem/irq/intx-through-ioapic",
                    test_intx_through_ioapic);
    g_test_add_func("/virtio-mem/irq/msix-vectors-write-messages",
                    test_msix_vectors);
    g_test_add_func("/virtio-mem/robustness/random-requests-match-model",
                    test_random_requests_match_model);
    g_test_add_func("/virtio-mem/node/checked-against-numa-nodes",
                    test_node_checked_against_numa);
    g_test_add_func("/virtio-mem/hotplug/root-bus-refuses-add-and-del",
                    test_hotplug_on_root_bus_refused);
    g_test_add_func("/virtio-mem/create/errors-name-values",
                   test_create_errors);
    return g_test_run();
}
