/*
 * Device state through a real migration: two hotmem processes, the stream
 * over a unix socket in a temporary directory.  The test's virtio-mem
 * driver (libqos) plays the guest on the source and carries on on the
 * destination with the same rings, as a migrated guest does: config,
 * query-memory-devices, STATE of ranges, patterns and new requests must
 * match; dynamic-memslots maps the same aliases; mismatched devices and
 * backends are refused by the destination (exit 1, a message) while the
 * source reports failed and keeps answering; BUSY while a migration is
 * held active; device_add refused then.  The core's own tests are
 * migration-test.c.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "libqos/virtio-mem.h"
#include "libqos/virtio-blk.h"
#include "libqos/backend-proc.h"
#include "libqos/migration.h"
#include <sys/stat.h>
#include <fcntl.h>

#define TEST_BS (2 * MiB)

#define TEST_VM_FMT "-m 1G,maxmem=%s " \
    "-object memory-backend-ram,id=mem0,size=%s,reserve=off " \
    "-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=1G%s"

typedef struct TestPair {
    char *dir;                  /* mkdtemp: socket, stderr of dst */
    char *uri;
    char *dst_log;
    QTestState *src;
    QTestState *dst;
} TestPair;

static void test_pair_init(TestPair *p)
{
    p->dir = g_dir_make_tmp("migdev-XXXXXX", NULL);
    g_assert_nonnull(p->dir);
    p->uri = g_strdup_printf("unix:%s/mig.sock", p->dir);
    p->dst_log = g_strdup_printf("%s/dst.log", p->dir);
}

static void test_pair_free(TestPair *p)
{
    g_autofree char *sock = g_strdup_printf("%s/mig.sock", p->dir);

    unlink(sock);
    unlink(p->dst_log);
    rmdir(p->dir);
    g_free(p->dir);
    g_free(p->uri);
    g_free(p->dst_log);
}

/* The destination: args and -incoming, its stderr into p->dst_log. */
static QTestState *test_start_dst(TestPair *p, const char *args)
{
    g_autofree char *full = g_strdup_printf("%s -incoming %s 2>%s", args,
                                            p->uri, p->dst_log);

    return qtest_init(full);
}

#define TEST_FINAL "completed|failed|cancelled"

static void test_migrate(TestPair *p, const char *want)
{
    g_autofree char *st = NULL;

    qmig_migrate(p->src, p->uri);
    st = qmig_wait_status(p->src, TEST_FINAL);
    g_assert_cmpstr(st, ==, want);
}

/* The guest carries on on the destination: same rings, same BARs. */
static void test_driver_move(QVirtioMem *m, QTestState *dst)
{
    m->vdev->qts = dst;
    m->vdev->bus.qts = dst;
}

static uint16_t test_req(QVirtioMem *m, const QVirtioMemConfig *cfg,
                         uint16_t type, uint64_t block, uint16_t nb,
                         uint16_t *state)
{
    return qvirtio_mem_request(m, type, cfg->addr + block * cfg->block_size,
                               nb, state);
}

static void test_assert_config_equal(const QVirtioMemConfig *a,
                                     const QVirtioMemConfig *b)
{
    g_assert_cmphex(a->block_size, ==, b->block_size);
    g_assert_cmpuint(a->node_id, ==, b->node_id);
    g_assert_cmphex(a->addr, ==, b->addr);
    g_assert_cmphex(a->region_size, ==, b->region_size);
    g_assert_cmphex(a->usable_region_size, ==, b->usable_region_size);
    g_assert_cmphex(a->plugged_size, ==, b->plugged_size);
    g_assert_cmphex(a->requested_size, ==, b->requested_size);
}

/* query-memory-devices' answer as sorted JSON text (g_free). */
static char *test_memory_devices(QTestState *s)
{
    json_t *r = qtest_qmp_assert_success_ref(
        s, "{'execute': 'query-memory-devices'}");
    char *text = json_dumps(json_object_get(r, "return"), JSON_SORT_KEYS);

    json_decref(r);
    return text;
}

static uint64_t test_qom_u64(QTestState *s, const char *prop)
{
    json_t *v = qtest_qom_get(s, "vmem0", prop);
    uint64_t n = json_integer_value(v);

    json_decref(v);
    return n;
}

static void test_assert_state(QVirtioMem *m, const QVirtioMemConfig *cfg,
                              uint64_t block, uint16_t nb, uint16_t want)
{
    uint16_t state = 0xffff;

    g_assert_cmpuint(test_req(m, cfg, QVIRTIO_MEM_REQ_STATE, block, nb,
                              &state), ==, QVIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(state, ==, want);
}

/* ---- the happy path ---- */

static void test_state_and_patterns(void)
{
    g_autofree char *args = g_strdup_printf(TEST_VM_FMT, "5G", "4G", "");
    TestPair p;
    QVirtioMem *m;
    QVirtioMemConfig before, after;
    g_autofree char *mds = NULL;
    g_autofree char *mdd = NULL;

    test_pair_init(&p);
    p.src = qmig_vm(args);
    p.dst = test_start_dst(&p, args);
    m = qvirtio_mem_init(p.src);
    qvirtio_mem_read_config(m, &before);
    g_assert_cmpuint(test_req(m, &before, QVIRTIO_MEM_REQ_PLUG, 0, 4, NULL),
                     ==, QVIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(test_req(m, &before, QVIRTIO_MEM_REQ_PLUG, 10, 10,
                              NULL), ==, QVIRTIO_MEM_RESP_ACK);
    qtest_writeq(p.src, before.addr + 8, 0x1122334455667788ULL);
    qtest_writeq(p.src, before.addr + 19 * TEST_BS + 64, 0xfeedfacecafeULL);
    qtest_writeq(p.src, 0x200000, 0xb007b007b007ULL);
    qvirtio_mem_read_config(m, &before);
    mds = test_memory_devices(p.src);

    test_migrate(&p, "completed");
    test_driver_move(m, p.dst);
    qvirtio_mem_read_config(m, &after);
    test_assert_config_equal(&after, &before);
    g_assert_cmpuint(after.plugged_size, ==, 14 * TEST_BS);
    mdd = test_memory_devices(p.dst);
    g_assert_cmpstr(mdd, ==, mds);
    test_assert_state(m, &after, 0, 4, QVIRTIO_MEM_STATE_PLUGGED);
    test_assert_state(m, &after, 4, 6, QVIRTIO_MEM_STATE_UNPLUGGED);
    test_assert_state(m, &after, 0, 20, QVIRTIO_MEM_STATE_MIXED);
    g_assert_cmphex(qtest_readq(p.dst, after.addr + 8), ==,
                    0x1122334455667788ULL);
    g_assert_cmphex(qtest_readq(p.dst, after.addr + 19 * TEST_BS + 64), ==,
                    0xfeedfacecafeULL);
    g_assert_cmphex(qtest_readq(p.dst, 0x200000), ==, 0xb007b007b007ULL);
    /* The device keeps working there. */
    g_assert_cmpuint(test_req(m, &after, QVIRTIO_MEM_REQ_PLUG, 30, 2, NULL),
                     ==, QVIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(test_req(m, &after, QVIRTIO_MEM_REQ_UNPLUG, 0, 4, NULL),
                     ==, QVIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(test_qom_u64(p.dst, "size"), ==, 12 * TEST_BS);
    qvirtio_mem_free(m);
    qtest_quit(p.src);
    qtest_quit(p.dst);
    test_pair_free(&p);
}

/*
 * requested-size set on the source after the early section went (held
 * before switchover): accepted there, and the destination ends with it.
 */
static void test_requested_size_during_migration(void)
{
    g_autofree char *args = g_strdup_printf(TEST_VM_FMT, "5G", "4G", "");
    QVirtioMemConfig before, after;
    json_t *r;
    TestPair p;
    QVirtioMem *m;

    test_pair_init(&p);
    p.src = qmig_vm(args);
    p.dst = test_start_dst(&p, args);
    r = qtest_qmp_assert_success_ref(
        p.src, "{'execute': 'migrate-set-capabilities', 'arguments': "
        "{'capabilities': [{'capability': 'pause-before-switchover', "
        "'state': true}]}}");
    json_decref(r);
    m = qvirtio_mem_init(p.src);
    qvirtio_mem_read_config(m, &before);
    qmig_migrate(p.src, p.uri);
    qmig_assert_status(p.src, "pre-switchover");
    r = qtest_qom_set(p.src, "vmem0", "requested-size", "3221225472");
    g_assert_nonnull(json_object_get(r, "return"));
    json_decref(r);
    r = qtest_qmp_assert_success_ref(
        p.src, "{'execute': 'migrate-continue', 'arguments': "
        "{'state': 'pre-switchover'}}");
    json_decref(r);
    qmig_assert_status(p.src, "completed");
    g_assert_cmpuint(test_qom_u64(p.dst, "requested-size"), ==, 3 * GiB);
    test_driver_move(m, p.dst);
    qvirtio_mem_read_config(m, &after);
    g_assert_cmpuint(after.requested_size, ==, 3 * GiB);
    g_assert_cmpuint(after.usable_region_size, ==, 3 * GiB + 256 * MiB);
    /* The config change reached the guest: the generation moved. */
    g_assert_cmpuint(qvirtio_config_generation(m->vdev), !=, 0);
    g_assert_cmpuint(test_req(m, &after, QVIRTIO_MEM_REQ_PLUG, 1536, 1,
                              NULL), ==, QVIRTIO_MEM_RESP_ACK);
    qvirtio_mem_free(m);
    qtest_quit(p.src);
    qtest_quit(p.dst);
    test_pair_free(&p);
}

/* The lines of 'info mtree' that name the device's memslot aliases. */
static char *test_memslot_lines(QTestState *s)
{
    g_autofree char *mtree = qtest_hmp(s, "info mtree");
    g_auto(GStrv) lines = g_strsplit(mtree, "\n", -1);
    GString *out = g_string_new(NULL);

    for (int i = 0; lines[i]; i++) {
        if (strstr(lines[i], "memslot-")) {
            g_string_append_printf(out, "%s\n", g_strstrip(lines[i]));
        }
    }
    return g_string_free(out, FALSE);
}

static void test_dynamic_memslots_same_aliases(void)
{
    g_autofree char *args = g_strdup_printf(
        TEST_VM_FMT, "17G", "16G", ",dynamic-memslots=on");
    g_autofree char *src_lines = NULL;
    g_autofree char *dst_lines = NULL;
    QVirtioMemConfig cfg;
    TestPair p;
    QVirtioMem *m;

    test_pair_init(&p);
    p.src = qmig_vm(args);
    p.dst = test_start_dst(&p, args);
    m = qvirtio_mem_init(p.src);
    qvirtio_mem_read_config(m, &cfg);
    /* 16 aliases of 1 GiB: blocks in aliases 0 and 1 (not 2..15) */
    g_assert_cmpuint(test_req(m, &cfg, QVIRTIO_MEM_REQ_PLUG, 0, 1, NULL),
                     ==, QVIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(test_req(m, &cfg, QVIRTIO_MEM_REQ_PLUG, 600, 8, NULL),
                     ==, QVIRTIO_MEM_RESP_ACK);
    src_lines = test_memslot_lines(p.src);
    g_assert_nonnull(strstr(src_lines, "memslot-0"));
    g_assert_nonnull(strstr(src_lines, "memslot-1"));
    g_assert_null(strstr(src_lines, "memslot-2"));
    test_migrate(&p, "completed");
    dst_lines = test_memslot_lines(p.dst);
    g_assert_cmpstr(dst_lines, ==, src_lines);
    qvirtio_mem_free(m);
    qtest_quit(p.src);
    qtest_quit(p.dst);
    test_pair_free(&p);
}

/* ---- a device hot-plugged on the source ---- */

#define TEST_RP_ARGS \
    "-m 1G,maxmem=9G -device pcie-root-port,id=rp0,chassis=1,slot=2 " \
    "-object memory-backend-ram,id=mem0,size=4G,reserve=off "
#define TEST_RP_VMEM "virtio-mem-pci,id=vmem0,bus=rp0,memdev=mem0," \
    "requested-size=1G"
#define TEST_RP_DEVFN 0x08      /* 00:01.0 */
#define TEST_RP_EXP 0x54        /* the port's PCIe capability */
#define TEST_RP_SLTCTL (TEST_RP_EXP + 0x18)

static QPCIDevice *test_rp(QTestState *qts, QPCIBus *bus)
{
    qpci_bus_init(bus, qts);
    return qpci_device_at(bus, 0, TEST_RP_DEVFN);
}

static uint32_t test_rp_slot_regs(QTestState *qts)
{
    QPCIBus bus;
    g_autofree QPCIDevice *rp = test_rp(qts, &bus);

    /* slot control (low) and status (high) */
    return qpci_config_readl(rp, TEST_RP_SLTCTL);
}

/* What a hot-plug driver does for a new device: power the slot on. */
static void test_rp_power_on(QTestState *qts)
{
    QPCIBus bus;
    g_autofree QPCIDevice *rp = test_rp(qts, &bus);

    qpci_config_writew(rp, TEST_RP_SLTCTL, QPCI_EXP_SLTCTL_PWR_IND_ON |
                                           QPCI_EXP_SLTCTL_ATTN_IND_OFF);
}

/*
 * device_add on the source, the same device on the destination's command
 * line (QEMU's rule): the device, its slot and the bridge windows the
 * guest programmed arrive, and the guest's driver carries on behind them.
 */
static void test_hotplugged_device(void)
{
    g_autofree char *dst_args = g_strdup_printf("%s -device " TEST_RP_VMEM,
                                                TEST_RP_ARGS);
    QVirtioMemConfig before, after;
    uint32_t slot_regs;
    json_t *r;
    TestPair p;
    QVirtioMem *m;

    test_pair_init(&p);
    p.src = qmig_vm(TEST_RP_ARGS);
    p.dst = test_start_dst(&p, dst_args);
    r = qtest_qmp_assert_success_ref(
        p.src, "{'execute': 'device_add', 'arguments': {'driver': "
        "'virtio-mem-pci', 'id': 'vmem0', 'bus': 'rp0', 'memdev': 'mem0', "
        "'requested-size': '1G'}}");
    json_decref(r);
    test_rp_power_on(p.src);
    m = qvirtio_mem_init(p.src);
    g_assert_nonnull(m);
    qvirtio_mem_read_config(m, &before);
    g_assert_cmpuint(test_req(m, &before, QVIRTIO_MEM_REQ_PLUG, 2, 3, NULL),
                     ==, QVIRTIO_MEM_RESP_ACK);
    qvirtio_mem_read_config(m, &before);
    slot_regs = test_rp_slot_regs(p.src);
    test_migrate(&p, "completed");
    g_assert_cmphex(test_rp_slot_regs(p.dst), ==, slot_regs);
    test_driver_move(m, p.dst);
    qvirtio_mem_read_config(m, &after);
    test_assert_config_equal(&after, &before);
    test_assert_state(m, &after, 2, 3, QVIRTIO_MEM_STATE_PLUGGED);
    g_assert_cmpuint(test_req(m, &after, QVIRTIO_MEM_REQ_UNPLUG, 2, 1, NULL),
                     ==, QVIRTIO_MEM_RESP_ACK);
    qvirtio_mem_free(m);
    qtest_quit(p.src);
    qtest_quit(p.dst);
    test_pair_free(&p);
}

/* ---- vhost-user-blk: the destination's backend gets table and rings ---- */

#define TEST_BLK_IO_SIZE (64 * KiB)
#define TEST_BLK_BUF_GPA 0x1000000      /* boot RAM, 16 MiB */

/* vhost-user needs RAM the backend can map: memfd, share=on. */
#define TEST_BLK_VM_FMT \
    "-m 1G,maxmem=5G " \
    "-object memory-backend-memfd,id=ram0,size=1G,share=on " \
    "-machine memory-backend=ram0 " \
    "-chardev socket,id=c0,path=%s " \
    "-device vhost-user-blk-pci,id=vhu0,chardev=c0,num-queues=1 " \
    "-object memory-backend-memfd,id=mem0,size=4G,share=on " \
    "-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=1G," \
    "dynamic-memslots=on"

static QVirtioBlk *test_blk_move(QVirtioBlk *blk, QTestState *dst)
{
    blk->vdev->qts = dst;
    blk->vdev->bus.qts = dst;
    return blk;
}

/*
 * Write a pattern of seed at sector from the buffer at gpa through the
 * driver; the image has it (the backend read guest memory there).
 */
static void test_blk_write_check(QTestState *qts, QVirtioBlk *blk,
                                 QBackend *b, uint64_t sector, uint8_t seed,
                                 uint64_t gpa)
{
    g_autofree uint8_t *buf = g_malloc(TEST_BLK_IO_SIZE);
    g_autofree uint8_t *got = g_malloc0(TEST_BLK_IO_SIZE);

    memset(buf, seed, TEST_BLK_IO_SIZE);
    qtest_bufwrite(qts, gpa, buf, TEST_BLK_IO_SIZE);
    g_assert_cmpuint(qvirtio_blk_write(blk, sector, gpa, TEST_BLK_IO_SIZE),
                     ==, QVIRTIO_BLK_S_OK);
    qbackend_image_read(b, sector * QVIRTIO_BLK_SECTOR_SIZE, got,
                        TEST_BLK_IO_SIZE);
    g_assert_cmpmem(got, TEST_BLK_IO_SIZE, buf, TEST_BLK_IO_SIZE);
}

static void test_vhost_user_blk_after_load(void)
{
    QBackend *src_b, *dst_b;
    g_autofree char *src_args = NULL;
    g_autofree char *dst_args = NULL;
    QVirtioMemConfig cfg;
    QVirtioMem *vmem;
    QVirtioBlk *blk;
    TestPair p;

    if (qbackend_blk_unavailable()) {
        g_test_skip(qbackend_blk_unavailable());
        return;
    }
    src_b = qbackend_blk_start(64 * MiB);
    dst_b = qbackend_blk_start(64 * MiB);
    src_args = g_strdup_printf(TEST_BLK_VM_FMT, qbackend_socket_path(src_b));
    dst_args = g_strdup_printf(TEST_BLK_VM_FMT, qbackend_socket_path(dst_b));
    test_pair_init(&p);
    p.src = qmig_vm(src_args);
    p.dst = test_start_dst(&p, dst_args);
    blk = qvirtio_blk_init(p.src, 0);
    g_assert_nonnull(blk);
    /* Ring indices away from 0, so that a wrong base would show. */
    for (int i = 0; i < 3; i++) {
        test_blk_write_check(p.src, blk, src_b, i * 128, 0x10 + i,
                             TEST_BLK_BUF_GPA);
    }
    vmem = qvirtio_mem_init(p.src);
    qvirtio_mem_read_config(vmem, &cfg);
    g_assert_cmpuint(test_req(vmem, &cfg, QVIRTIO_MEM_REQ_PLUG, 0, 2, NULL),
                     ==, QVIRTIO_MEM_RESP_ACK);
    test_migrate(&p, "completed");
    /*
     * The destination's backend serves the migrated rings, with a table
     * that has boot RAM and the plugged block's memslot (mapped by the
     * early section): a buffer in each.
     */
    test_blk_move(blk, p.dst);
    test_driver_move(vmem, p.dst);
    test_blk_write_check(p.dst, blk, dst_b, 1024, 0x77, TEST_BLK_BUF_GPA);
    test_blk_write_check(p.dst, blk, dst_b, 2048, 0x78, cfg.addr + MiB);
    qvirtio_mem_free(vmem);
    qvirtio_blk_free(blk);
    qtest_quit(p.src);
    qtest_quit(p.dst);
    qbackend_stop(src_b);
    qbackend_stop(dst_b);
    test_pair_free(&p);
}

/* ---- refusals: the destination exits 1, the source reports failed ---- */

#define TEST_MISMATCH_SRC \
    "-m 1G,maxmem=10G " \
    "-object memory-backend-ram,id=mem0,size=4G,reserve=off " \
    "-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=1G"
#define TEST_VMEM_OWNER "/machine/peripheral/vmem0/virtio-backend"

typedef struct TestRefusal {
    const char *path;
    const char *dst_args;
    const char *msg;
    const char *src_args;       /* NULL: TEST_MISMATCH_SRC */
} TestRefusal;

#define TEST_DIMM_SRC \
    "-m 1G,slots=2,maxmem=10G " \
    "-object memory-backend-ram,id=d0,size=1G,reserve=off " \
    "-device pc-dimm,id=dimm0,memdev=d0"

static const TestRefusal test_refusals[] = {
    { "/migration-devices/refused/block-size",
      TEST_MISMATCH_SRC ",block-size=4M",
      "section 'virtio-mem-early' (" TEST_VMEM_OWNER "): block-size: source "
      "2 MiB, destination 4 MiB" },
    { "/migration-devices/refused/device-size",
      "-m 1G,maxmem=10G "
      "-object memory-backend-ram,id=mem0,size=8G,reserve=off "
      "-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=1G",
      /* the RAMBlock list comes first in the stream */
      "ramblock 'mem0': size 4 GiB on the source, 8 GiB here" },
    { "/migration-devices/refused/backend-share",
      "-m 1G,maxmem=10G "
      "-object memory-backend-ram,id=mem0,size=4G,reserve=off,share=on "
      "-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=1G",
      "section 'memory-backend' (/objects/mem0): share: source off, "
      "destination on" },
    { "/migration-devices/refused/memaddr",
      TEST_MISMATCH_SRC ",memaddr=0x140000000",
      "section 'virtio-mem-early' (" TEST_VMEM_OWNER "): memaddr: source "
      "0x100000000, destination 0x140000000" },
    { "/migration-devices/refused/missing-device",
      "-m 1G,maxmem=10G "
      "-object memory-backend-ram,id=mem0,size=4G,reserve=off",
      "section 'virtio-mem-early' (" TEST_VMEM_OWNER ") of the source does "
      "not exist here (a device or backend missing on this VM?)" },
    { "/migration-devices/refused/missing-backend",
      "-m 1G,maxmem=10G",
      "ramblock 'mem0' of the source does not exist here" },
    { "/migration-devices/refused/pc-dimm-addr",
      TEST_DIMM_SRC ",addr=0x140000000",
      "section 'pc-dimm' (/machine/peripheral/dimm0): addr: source "
      "0x100000000, destination 0x140000000", TEST_DIMM_SRC },
};

static char *test_read_file(const char *path)
{
    char *text = NULL;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return text;
}

static void test_refused(const void *data)
{
    const TestRefusal *t = data;
    g_autofree char *st = NULL;
    g_autofree char *log = NULL;
    g_autofree char *want = g_strdup_printf("load of migration failed: %s",
                                            t->msg);
    json_t *r;
    TestPair p;
    int status;

    test_pair_init(&p);
    p.src = qmig_vm(t->src_args ? t->src_args : TEST_MISMATCH_SRC);
    p.dst = test_start_dst(&p, t->dst_args);
    qmig_migrate(p.src, p.uri);
    st = qmig_wait_status(p.src, TEST_FINAL);
    g_assert_cmpstr(st, ==, "failed");
    status = qtest_wait_exit(p.dst);
    log = test_read_file(p.dst_log);
    if (status != 1 || !strstr(log, want)) {
        g_printerr("dst stderr: %s\n", log);
    }
    g_assert_cmpint(status, ==, 1);
    g_assert_nonnull(strstr(log, want));
    /* The source keeps answering, with its device as it was. */
    r = qtest_qmp_assert_success_ref(p.src, "{'execute': 'query-status'}");
    json_decref(r);
    if (!t->src_args) {
        g_assert_cmpuint(test_qom_u64(p.src, "requested-size"), ==, GiB);
    }
    qtest_quit(p.src);
    test_pair_free(&p);
}

/* ---- while a migration is active ---- */

static char *test_qmp_error(QTestState *s, const char *cmd)
{
    json_t *r = qtest_qmp(s, "%s", cmd);
    json_t *err = json_object_get(r, "error");
    char *desc;

    g_assert_nonnull(err);
    desc = g_strdup(json_string_value(json_object_get(err, "desc")));
    json_decref(r);
    return desc;
}

/* A FIFO in p->dir that nobody opens until test_fifo_release(). */
static char *test_fifo(TestPair *p, const char *name)
{
    char *path = g_strdup_printf("%s/%s", p->dir, name);

    g_assert_cmpint(mkfifo(path, 0600), ==, 0);
    return path;
}

/* Let the shell blocked in opening path go (it then sees EOF / EPIPE). */
static void test_fifo_release(const char *path, int flags)
{
    int fd = open(path, flags | O_NONBLOCK);

    if (fd >= 0) {
        close(fd);
    }
    unlink(path);
}

/* Guest requests and monitor commands while s migrates. */
static void test_assert_busy(QTestState *s, QVirtioMem *m)
{
    QVirtioMemConfig cfg;
    g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL;
    json_t *r;

    qvirtio_mem_read_config(m, &cfg);
    g_assert_cmpuint(test_req(m, &cfg, QVIRTIO_MEM_REQ_PLUG, 1, 1, NULL), ==,
                     QVIRTIO_MEM_RESP_BUSY);
    g_assert_cmpuint(test_req(m, &cfg, QVIRTIO_MEM_REQ_UNPLUG, 0, 1, NULL),
                     ==, QVIRTIO_MEM_RESP_BUSY);
    g_assert_cmpuint(test_req(m, &cfg, QVIRTIO_MEM_REQ_UNPLUG_ALL, 0, 0,
                              NULL), ==, QVIRTIO_MEM_RESP_BUSY);
    test_assert_state(m, &cfg, 0, 1, QVIRTIO_MEM_STATE_PLUGGED);
    test_assert_state(m, &cfg, 1, 1, QVIRTIO_MEM_STATE_UNPLUGGED);
    g_assert_cmpuint(test_qom_u64(s, "size"), ==, TEST_BS);
    r = qtest_qom_set(s, "vmem0", "requested-size", "2147483648");
    g_assert_nonnull(json_object_get(r, "return"));
    json_decref(r);
    g_assert_cmpuint(test_qom_u64(s, "requested-size"), ==, 2 * GiB);
    e1 = test_qmp_error(s, "{'execute': 'device_add', 'arguments': "
                        "{'driver': 'virtio-mem-pci', 'id': 'vmem1', "
                        "'memdev': 'mem0'}}");
    g_assert_cmpstr(e1, ==, "device_add is not allowed while a migration "
                    "is in progress");
    e2 = test_qmp_error(s, "{'execute': 'device_del', 'arguments': "
                        "{'id': 'vmem0'}}");
    g_assert_cmpstr(e2, ==, "device_del is not allowed while a migration "
                    "is in progress");
    e3 = test_qmp_error(s, "{'execute': 'object-del', 'arguments': "
                        "{'id': 'mem0'}}");
    g_assert_cmpstr(e3, ==, "object 'mem0' is in use, can not be deleted");
}

/* The source held active by an exec: transport nobody reads. */
static void test_busy_on_source(void)
{
    g_autofree char *args = g_strdup_printf(TEST_VM_FMT, "5G", "4G", "");
    g_autofree char *fifo = NULL;
    g_autofree char *uri = NULL;
    g_autofree char *st = NULL;
    QVirtioMemConfig cfg;
    json_t *r;
    TestPair p;
    QVirtioMem *m;

    test_pair_init(&p);
    fifo = test_fifo(&p, "out.fifo");
    p.src = qmig_vm(args);
    m = qvirtio_mem_init(p.src);
    qvirtio_mem_read_config(m, &cfg);
    g_assert_cmpuint(test_req(m, &cfg, QVIRTIO_MEM_REQ_PLUG, 0, 1, NULL), ==,
                     QVIRTIO_MEM_RESP_ACK);
    /* More than a pipe holds, so that the stream stalls. */
    qtest_memset(p.src, 0x100000, 0x5a, 4 * MiB);
    uri = g_strdup_printf("exec:cat > %s", fifo);
    qmig_migrate(p.src, uri);
    test_assert_busy(p.src, m);
    r = qtest_qmp_assert_success_ref(p.src,
                                     "{'execute': 'migrate_cancel'}");
    json_decref(r);
    st = qmig_wait_status(p.src, TEST_FINAL);
    g_assert_cmpstr(st, ==, "cancelled");
    test_fifo_release(fifo, O_RDONLY);
    /* Not migrating any more: the guest is answered again. */
    g_assert_cmpuint(test_req(m, &cfg, QVIRTIO_MEM_REQ_PLUG, 1, 1, NULL), ==,
                     QVIRTIO_MEM_RESP_ACK);
    qvirtio_mem_free(m);
    qtest_quit(p.src);
    test_pair_free(&p);
}

/* The destination held active by an incoming stream that never comes. */
static void test_busy_on_destination(void)
{
    g_autofree char *args = g_strdup_printf(TEST_VM_FMT, "5G", "4G", "");
    g_autofree char *fifo = NULL;
    g_autofree char *full = NULL;
    QVirtioMemConfig cfg;
    TestPair p;
    QVirtioMem *m;

    test_pair_init(&p);
    fifo = test_fifo(&p, "in.fifo");
    full = g_strdup_printf("%s -incoming 'exec:cat %s'", args, fifo);
    p.dst = qtest_init(full);
    m = qvirtio_mem_init(p.dst);
    qvirtio_mem_read_config(m, &cfg);
    g_assert_cmpuint(test_req(m, &cfg, QVIRTIO_MEM_REQ_PLUG, 0, 1, NULL), ==,
                     QVIRTIO_MEM_RESP_BUSY);
    g_assert_cmpuint(test_req(m, &cfg, QVIRTIO_MEM_REQ_UNPLUG_ALL, 0, 0,
                              NULL), ==, QVIRTIO_MEM_RESP_BUSY);
    test_assert_state(m, &cfg, 0, 1, QVIRTIO_MEM_STATE_UNPLUGGED);
    g_assert_cmpuint(test_qom_u64(p.dst, "size"), ==, 0);
    qvirtio_mem_free(m);
    qtest_quit(p.dst);
    test_fifo_release(fifo, O_WRONLY);
    test_pair_free(&p);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration-devices/virtio-mem/state-patterns-requests",
                    test_state_and_patterns);
    g_test_add_func("/migration-devices/virtio-mem/dynamic-memslots-same-"
                    "aliases", test_dynamic_memslots_same_aliases);
    g_test_add_func("/migration-devices/virtio-mem/requested-size-set-"
                    "during-migration-arrives",
                    test_requested_size_during_migration);
    g_test_add_func("/migration-devices/pcie-root-port/hot-plugged-device-"
                    "arrives", test_hotplugged_device);
    g_test_add_func("/migration-devices/vhost-user-blk/rings-and-table-"
                    "after-load", test_vhost_user_blk_after_load);
    for (size_t i = 0; i < G_N_ELEMENTS(test_refusals); i++) {
        g_test_add_data_func(test_refusals[i].path, &test_refusals[i],
                             test_refused);
    }
    g_test_add_func("/migration-devices/busy/source-requests-and-monitor",
                    test_busy_on_source);
    g_test_add_func("/migration-devices/busy/destination-requests",
                    test_busy_on_destination);
    return g_test_run();
}
