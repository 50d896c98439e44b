/*
 * pcie-root-port and native PCIe hot-plug through the real binary: the
 * port's config space, bus numbers and windows as the libqos driver
 * programs them, device_add into the slot (presence detect, power, the
 * device behind the bridge, the virtio-mem driver through it), device_del
 * (attention button, power off, DEVICE_DELETED), virtio-mem's unplug rules
 * and the reuse of its device-memory space, and every refusal.  Tests in
 * the "reference" suite also run against QEMU 7.2, started with
 * -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off (its q35
 * otherwise drives root ports by ACPI hot-plug, which hotmem has not);
 * where hotmem differs, the test says why.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "libqos/virtio-mem.h"

#define TEST_RP0_DEVFN      0x08    /* 00:01.0, the first free slot */
#define TEST_RP1_DEVFN      0x10    /* 00:02.0 */
#define TEST_EXP            0x54    /* the port's PCIe capability */
#define TEST_RP_MSIX_BAR    0xd0000000ULL
#define TEST_MSG_ADDR       0x10000ULL  /* guest RAM an MSI-X message hits */
#define TEST_MSG_DATA       0x4321
#define TEST_NS_PER_S       1000000000LL
#define TEST_EVENTS         (QPCI_EXP_SLTSTA_ABP | QPCI_EXP_SLTSTA_PDC | \
                             QPCI_EXP_SLTSTA_CC)

/* A pci-bridge in rp0: a device QEMU 7.2 can also remove (it refuses
 * every virtio-mem device_del). */
#define TEST_ADD_BR0 \
    "{'driver': 'pci-bridge', 'id': 'br0', 'bus': 'rp0', 'chassis_nr': 5}"

#define TEST_REFERENCE_ARGS \
    "-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off "

typedef struct TestVM {
    QTestState *qts;
    QPCIBus bus;
    QPCIDevice *rp0;            /* the port, config space */
} TestVM;

static void test_start(TestVM *vm, const char *maxmem, const char *extra)
{
    g_autofree char *args = g_strdup_printf(
        "%s-m 1G,maxmem=%s -device pcie-root-port,id=rp0,chassis=1,slot=2 "
        "%s", qtest_is_reference() ? TEST_REFERENCE_ARGS : "", maxmem,
        extra ? extra : "");

    vm->qts = qtest_init(args);
    qpci_bus_init(&vm->bus, vm->qts);
    vm->rp0 = qpci_device_at(&vm->bus, 0, TEST_RP0_DEVFN);
}

static void test_start_default(TestVM *vm, const char *extra)
{
    test_start(vm, "5G", extra);
}

/* Skip a hotmem-only test against the reference, saying why. */
static bool test_skip_on_reference(const char *why)
{
    if (qtest_is_reference()) {
        g_test_skip(why);
    }
    return qtest_is_reference();
}

static void test_stop(TestVM *vm)
{
    g_free(vm->rp0);
    qtest_quit(vm->qts);
}

/* ---- QMP ---- */

/* The error description of reply (g_free it), NULL on success. */
static char *test_qmp_error(json_t *reply)
{
    json_t *err = json_object_get(reply, "error");
    char *desc = err ? g_strdup(json_string_value(
                           json_object_get(err, "desc"))) : NULL;

    json_decref(reply);
    return desc;
}

/* device_add with arguments (JSON object text); error or NULL. */
static char *test_device_add(TestVM *vm, const char *arguments)
{
    return test_qmp_error(qtest_qmp(vm->qts, "{'execute': 'device_add', "
                                    "'arguments': %s}", arguments));
}

static char *test_device_del(TestVM *vm, const char *id)
{
    return test_qmp_error(qtest_qmp(vm->qts, "{'execute': 'device_del', "
                                    "'arguments': {'id': '%s'}}", id));
}

static void test_assert_error(char *err, const char *expected)
{
    g_assert_nonnull(err);
    g_assert_cmpstr(err, ==, expected);
    g_free(err);
}

/* No DEVICE_DELETED so far (a round trip first flushes events). */
static void test_assert_no_deleted_event(TestVM *vm)
{
    json_decref(qtest_qmp(vm->qts, "{'execute': 'query-status'}"));
    g_assert_null(qtest_qmp_event_ref(vm->qts, "DEVICE_DELETED"));
}

static void test_assert_deleted_event(TestVM *vm, const char *id,
                                      const char *path)
{
    json_t *ev = qtest_qmp_eventwait_ref(vm->qts, "DEVICE_DELETED");
    json_t *data = json_object_get(ev, "data");

    g_assert_cmpstr(json_string_value(json_object_get(data, "path")), ==,
                    path);
    if (id) {
        g_assert_cmpstr(json_string_value(json_object_get(data, "device")),
                        ==, id);
    } else {
        g_assert_null(json_object_get(data, "device"));
    }
    json_decref(ev);
}

/* ---- the slot, as a hot-plug driver sees it ---- */

static uint16_t test_slot_ctl(TestVM *vm)
{
    return qpci_config_readw(vm->rp0, TEST_EXP + QPCI_EXP_SLTCTL);
}

/* Slot Status; hotmem's link-state-changed bit (QEMU 7.2 has none) is
 * asserted by its own test and left out here. */
static uint16_t test_slot_sta(TestVM *vm)
{
    return qpci_config_readw(vm->rp0, TEST_EXP + QPCI_EXP_SLTSTA) &
           ~QPCI_EXP_SLTSTA_DLLSC;
}

static void test_slot_write_ctl(TestVM *vm, uint16_t ctl)
{
    qpci_config_writew(vm->rp0, TEST_EXP + QPCI_EXP_SLTCTL, ctl);
}

/* Write 1 to clear exactly the event bits that are set. */
static void test_slot_clear_events(TestVM *vm)
{
    uint16_t sta = qpci_config_readw(vm->rp0, TEST_EXP + QPCI_EXP_SLTSTA);

    qpci_config_writew(vm->rp0, TEST_EXP + QPCI_EXP_SLTSTA,
                       sta & (TEST_EVENTS | QPCI_EXP_SLTSTA_DLLSC));
}

static bool test_link_active(TestVM *vm)
{
    return qpci_config_readw(vm->rp0, TEST_EXP + QPCI_EXP_LNKSTA) &
           QPCI_EXP_LNKSTA_DLLLA;
}

/* Power on with the power indicator on, keeping the interrupt enables. */
static void test_slot_power_on(TestVM *vm)
{
    uint16_t enables = test_slot_ctl(vm) & 0x003f;

    test_slot_write_ctl(vm, enables | QPCI_EXP_SLTCTL_PWR_IND_ON |
                            QPCI_EXP_SLTCTL_ATTN_IND_OFF);
}

/* What Linux's pciehp does on a button press: blink, then power off
 * (controller off, then indicator off: the second write removes). */
static void test_slot_power_off(TestVM *vm)
{
    uint16_t enables = test_slot_ctl(vm) & 0x003f;

    test_slot_write_ctl(vm, enables | QPCI_EXP_SLTCTL_PCC |
                            QPCI_EXP_SLTCTL_PWR_IND_BLINK |
                            QPCI_EXP_SLTCTL_ATTN_IND_OFF);
    test_slot_write_ctl(vm, enables | QPCI_EXP_SLTCTL_PCC |
                            QPCI_EXP_SLTCTL_PWR_IND_OFF |
                            QPCI_EXP_SLTCTL_ATTN_IND_OFF);
}

/* Vendor:device at bus 1 (behind rp0 once numbered), 0xffffffff: none. */
static uint32_t test_behind_rp0_id(TestVM *vm)
{
    g_autofree QPCIDevice *dev = qpci_device_at(&vm->bus, 1, 0);

    return qpci_config_readl(dev, QPCI_VENDOR_ID);
}

/* TEST_ADD_BR0 with the slot powered on and its events cleared. */
static void test_add_bridge_powered(TestVM *vm)
{
    qpci_bridges_init(&vm->bus);
    g_assert_null(test_device_add(vm, TEST_ADD_BR0));
    test_slot_power_on(vm);
    test_slot_clear_events(vm);
    g_assert_cmphex(test_behind_rp0_id(vm), ==, 0x00011b36);
}

/* ---- config space ---- */

static void test_config_identity(void)
{
    TestVM vm;
    QPCIDevice *rp;

    test_start_default(&vm, NULL);
    rp = vm.rp0;
    g_assert_cmphex(qpci_config_readl(rp, QPCI_VENDOR_ID), ==, 0x000c1b36);
    g_assert_cmphex(qpci_config_readl(rp, QPCI_REVISION_ID), ==, 0x06040000);
    g_assert_cmphex(qpci_config_readb(rp, QPCI_HEADER_TYPE), ==, 0x01);
    g_assert_cmphex(qpci_config_readw(rp, QPCI_STATUS), ==,
                    QPCI_STATUS_CAP_LIST);
    g_assert_cmphex(qpci_config_readb(rp, QPCI_INTERRUPT_PIN), ==, 1);
    /* The list: PCIe 0x54 -> MSI-X 0x48 -> subsystem id 0x40. */
    g_assert_cmphex(qpci_config_readb(rp, QPCI_CAPABILITY_LIST), ==, 0x54);
    g_assert_cmphex(qpci_config_readw(rp, 0x54), ==, 0x4810);
    g_assert_cmphex(qpci_config_readw(rp, 0x48), ==, 0x4011);
    g_assert_cmphex(qpci_config_readw(rp, 0x40), ==, 0x000d);
    g_assert_cmphex(qpci_config_readl(rp, 0x44), ==, 0x00001b36);
    /* MSI-X: one vector, table at 0 and PBA at 0x800 of BAR0 (4 KiB). */
    g_assert_cmphex(qpci_config_readw(rp, 0x4a), ==, 0x0000);
    g_assert_cmphex(qpci_config_readl(rp, 0x4c), ==, 0x00000000);
    g_assert_cmphex(qpci_config_readl(rp, 0x50), ==, 0x00000800);
    qpci_config_writel(rp, QPCI_BAR0, 0xffffffff);
    g_assert_cmphex(qpci_config_readl(rp, QPCI_BAR0), ==, 0xfffff000);
    test_stop(&vm);
}

static void test_config_pcie_capability(void)
{
    TestVM vm;
    uint32_t sltcap;

    test_start_default(&vm, "-device pcie-root-port,id=rp1,chassis=1,"
                            "slot=3,port=5,hotplug=off");
    /* Version 2, root port, slot implemented. */
    g_assert_cmphex(qpci_config_readw(vm.rp0, TEST_EXP + QPCI_EXP_FLAGS), ==,
                    0x0142);
    g_assert_cmphex(qpci_config_readl(vm.rp0, TEST_EXP + QPCI_EXP_DEVCAP), ==,
                    0x8000);
    /* Link: 16 GT/s x32, link active reporting, port number 0 / 5. */
    g_assert_cmphex(qpci_config_readl(vm.rp0, TEST_EXP + QPCI_EXP_LNKCAP), ==,
                    0x00300604);
    g_assert_false(test_link_active(&vm));
    sltcap = qpci_config_readl(vm.rp0, TEST_EXP + QPCI_EXP_SLTCAP);
    g_assert_cmphex(sltcap >> QPCI_EXP_SLTCAP_PSN_SHIFT, ==, 2);
    g_assert_cmphex(sltcap & (QPCI_EXP_SLTCAP_ABP | QPCI_EXP_SLTCAP_PCP |
                              QPCI_EXP_SLTCAP_MRLSP | QPCI_EXP_SLTCAP_AIP |
                              QPCI_EXP_SLTCAP_PIP | QPCI_EXP_SLTCAP_HPC), ==,
                    QPCI_EXP_SLTCAP_ABP | QPCI_EXP_SLTCAP_PCP |
                    QPCI_EXP_SLTCAP_AIP | QPCI_EXP_SLTCAP_PIP |
                    QPCI_EXP_SLTCAP_HPC);
    /* QEMU 7.2 claims hot-plug surprise; hotmem does not: a device leaves
     * only when the guest powers its slot off. */
    g_assert_cmpint(!!(sltcap & QPCI_EXP_SLTCAP_HPS), ==,
                    qtest_is_reference());
    {
        g_autofree QPCIDevice *rp1 = qpci_device_at(&vm.bus, 0,
                                                    TEST_RP1_DEVFN);

        sltcap = qpci_config_readl(rp1, TEST_EXP + QPCI_EXP_SLTCAP);
        g_assert_cmphex(sltcap >> QPCI_EXP_SLTCAP_PSN_SHIFT, ==, 3);
        g_assert_cmphex(sltcap & (QPCI_EXP_SLTCAP_HPC | QPCI_EXP_SLTCAP_HPS),
                        ==, 0);
        g_assert_cmphex(qpci_config_readl(rp1, TEST_EXP + QPCI_EXP_LNKCAP) >>
                        24, ==, 5);
    }
    test_stop(&vm);
}

/* Out of reset an empty slot is off with both indicators off, the windows
 * are closed (base above limit) and only PCIe's bridge controls exist. */
static void test_config_after_reset(void)
{
    TestVM vm;

    test_start_default(&vm, NULL);
    g_assert_cmphex(test_slot_ctl(&vm), ==, 0x07c0);
    g_assert_cmphex(test_slot_sta(&vm), ==, 0);
    g_assert_cmphex(qpci_config_readl(vm.rp0, QPCI_PRIMARY_BUS), ==, 0);
    g_assert_cmphex(qpci_config_readl(vm.rp0, QPCI_IO_BASE), ==, 0x000000f0);
    g_assert_cmphex(qpci_config_readl(vm.rp0, QPCI_MEMORY_BASE), ==,
                    0x0000fff0);
    g_assert_cmphex(qpci_config_readl(vm.rp0, QPCI_PREF_MEMORY_BASE), ==,
                    0x0001fff1);
    qpci_config_writew(vm.rp0, QPCI_BRIDGE_CONTROL, 0xffff);
    g_assert_cmphex(qpci_config_readw(vm.rp0, QPCI_BRIDGE_CONTROL), ==,
                    0x005f);
    /* 16-bit I/O decoding: the upper halves are not writable. */
    qpci_config_writel(vm.rp0, 0x30, 0xffffffff);
    g_assert_cmphex(qpci_config_readl(vm.rp0, 0x30), ==, 0);
    test_stop(&vm);
}

/* ---- bus numbers and windows ---- */

static void test_bridge_numbers_and_windows(void)
{
    TestVM vm;
    g_autofree QPCIDevice *rp1 = NULL;
    g_autofree QPCIDevice *behind_rp1 = NULL;
    QVirtioMem *m;

    test_start_default(&vm, "-device pcie-root-port,id=rp1,chassis=1,"
                            "slot=3 -object memory-backend-ram,id=mem0,"
                            "size=1G,reserve=off -device virtio-mem-pci,"
                            "id=vmem0,memdev=mem0,bus=rp1");
    rp1 = qpci_device_at(&vm.bus, 0, TEST_RP1_DEVFN);
    behind_rp1 = qpci_device_at(&vm.bus, 2, 0);
    /* Unreachable until the port has a secondary bus number. */
    g_assert_cmphex(qpci_config_readl(behind_rp1, QPCI_VENDOR_ID), ==,
                    0xffffffff);
    g_assert_cmpint(qpci_bridges_init(&vm.bus), ==, 2);
    g_assert_cmphex(qpci_config_readl(vm.rp0, QPCI_PRIMARY_BUS) & 0xffffff,
                    ==, 0x010100);
    g_assert_cmphex(qpci_config_readl(rp1, QPCI_PRIMARY_BUS) & 0xffffff,
                    ==, 0x020200);
    /* Windows read back as programmed (rp1: secondary bus 2). */
    g_assert_cmphex(qpci_config_readl(rp1, QPCI_MEMORY_BASE), ==,
                    0xc170c100);
    g_assert_cmphex(qpci_config_readl(rp1, QPCI_PREF_MEMORY_BASE), ==,
                    0xc1f1c181);
    /* A cold-plugged device is powered: found behind rp1, its BARs go in
     * rp1's windows and its driver works through them. */
    m = qvirtio_mem_init(vm.qts);
    g_assert_nonnull(m);
    g_assert_cmpuint(m->vdev->pdev->bus_nr, ==, 2);
    g_assert_cmphex(m->vdev->common, >=, 0xc1800000);
    g_assert_cmphex(m->vdev->common, <, 0xc2000000);
    g_assert_cmphex(qpci_config_readl(behind_rp1, QPCI_VENDOR_ID), ==,
                    0x10581af4);
    g_assert_cmpuint(qvirtio_mem_request(m, QVIRTIO_MEM_REQ_STATE,
                                         0x100000000ULL, 1, NULL), !=,
                     QVIRTIO_MEM_RESP_NONE);
    /* Closing rp1's prefetchable window hides BAR4 (num_queues 1 at common
     * config 0x12) from the parent bus. */
    g_assert_cmpuint(qtest_readw(vm.qts, m->vdev->common + 0x12), ==, 1);
    qpci_config_writew(rp1, QPCI_PREF_MEMORY_BASE, 0xfff0);
    g_assert_cmpuint(qtest_readw(vm.qts, m->vdev->common + 0x12), !=, 1);
    qvirtio_mem_free(m);
    test_stop(&vm);
}

/* ---- device_add into the slot ---- */

static void test_hotplug_presence_and_power(void)
{
    TestVM vm;

    test_start_default(&vm, "-object memory-backend-ram,id=mem0,size=1G,"
                            "reserve=off");
    qpci_bridges_init(&vm.bus);
    g_assert_null(test_device_add(&vm, "{'driver': 'virtio-mem-pci', "
                                  "'id': 'vmem0', 'bus': 'rp0', "
                                  "'memdev': 'mem0'}"));
    /* Present, changed, and the button pressed for the guest. */
    g_assert_cmphex(test_slot_sta(&vm), ==, QPCI_EXP_SLTSTA_PDS |
                    QPCI_EXP_SLTSTA_PDC | QPCI_EXP_SLTSTA_ABP);
    g_assert_true(test_link_active(&vm));
    /* The slot is still off: the function does not answer yet. */
    g_assert_cmphex(test_slot_ctl(&vm), ==, 0x07c0);
    g_assert_cmphex(test_behind_rp0_id(&vm), ==, 0xffffffff);
    test_slot_power_on(&vm);
    g_assert_cmphex(test_behind_rp0_id(&vm), ==, 0x10581af4);
    /* Every control write is a command, completed at once. */
    g_assert_cmphex(test_slot_sta(&vm) & QPCI_EXP_SLTSTA_CC, ==,
                    QPCI_EXP_SLTSTA_CC);
    test_stop(&vm);
}

static void test_hotplug_virtio_mem_driver(void)
{
    TestVM vm;
    QVirtioMem *m;
    QVirtioMemConfig cfg;

    test_start_default(&vm, "-object memory-backend-ram,id=mem0,size=1G,"
                            "reserve=off");
    qpci_bridges_init(&vm.bus);
    g_assert_null(test_device_add(&vm, "{'driver': 'virtio-mem-pci', "
                                  "'id': 'vmem0', 'bus': 'rp0', "
                                  "'memdev': 'mem0', "
                                  "'requested-size': '64M'}"));
    test_slot_power_on(&vm);
    m = qvirtio_mem_init(vm.qts);
    g_assert_nonnull(m);
    g_assert_cmpuint(m->vdev->pdev->bus_nr, ==, 1);
    qvirtio_mem_read_config(m, &cfg);
    g_assert_cmphex(cfg.addr, ==, 0x100000000ULL);
    g_assert_cmpuint(cfg.requested_size, ==, 64 * MiB);
    g_assert_cmpuint(qvirtio_mem_request(m, QVIRTIO_MEM_REQ_PLUG, cfg.addr,
                                         1, NULL), ==, QVIRTIO_MEM_RESP_ACK);
    qtest_writeq(vm.qts, cfg.addr, 0x5eed);
    g_assert_cmphex(qtest_readq(vm.qts, cfg.addr), ==, 0x5eed);
    qvirtio_mem_read_config(m, &cfg);
    g_assert_cmpuint(cfg.plugged_size, ==, cfg.block_size);
    qvirtio_mem_free(m);
    test_stop(&vm);
}

/* Map the port's MSI-X table and point vector 0 at TEST_MSG_ADDR. */
static void test_rp0_msix_setup(TestVM *vm)
{
    qpci_config_writel(vm->rp0, QPCI_BAR0, TEST_RP_MSIX_BAR);
    qpci_config_writew(vm->rp0, QPCI_COMMAND,
                       QPCI_COMMAND_MEMORY | QPCI_COMMAND_MASTER);
    qpci_config_writew(vm->rp0, 0x4a, 0x8000);      /* MSI-X enable */
    qtest_writel(vm->qts, TEST_RP_MSIX_BAR, TEST_MSG_ADDR);
    qtest_writel(vm->qts, TEST_RP_MSIX_BAR + 4, 0);
    qtest_writel(vm->qts, TEST_RP_MSIX_BAR + 8, TEST_MSG_DATA);
    qtest_writel(vm->qts, TEST_RP_MSIX_BAR + 12, 0);  /* unmasked */
    qtest_writel(vm->qts, TEST_MSG_ADDR, 0);
}

/* The message written since the last call, 0: none. */
static uint32_t test_take_message(TestVM *vm)
{
    uint32_t v = qtest_readl(vm->qts, TEST_MSG_ADDR);

    qtest_writel(vm->qts, TEST_MSG_ADDR, 0);
    return v;
}

/* PCIe 4.0, 6.7.3.4: a message when an enabled event becomes pending;
 * none while one is still pending; again once status was cleared. */
static void test_hotplug_msix_on_enabled_events(void)
{
    TestVM vm;

    test_start_default(&vm, "-object memory-backend-ram,id=mem0,size=1G,"
                            "reserve=off");
    qpci_bridges_init(&vm.bus);
    test_rp0_msix_setup(&vm);
    test_slot_write_ctl(&vm, QPCI_EXP_SLTCTL_HPIE | QPCI_EXP_SLTCTL_PDCE |
                             QPCI_EXP_SLTCTL_ABPE | 0x07c0);
    g_assert_cmphex(test_take_message(&vm), ==, 0);
    g_assert_null(test_device_add(&vm, TEST_ADD_BR0));
    g_assert_cmphex(test_take_message(&vm), ==, TEST_MSG_DATA);
    /* ABP is still pending: clearing PDC alone sends nothing. */
    qpci_config_writew(vm.rp0, TEST_EXP + QPCI_EXP_SLTSTA,
                       QPCI_EXP_SLTSTA_PDC);
    g_assert_cmphex(test_take_message(&vm), ==, 0);
    qpci_config_writew(vm.rp0, TEST_EXP + QPCI_EXP_SLTSTA,
                       QPCI_EXP_SLTSTA_ABP);
    test_slot_power_on(&vm);
    test_slot_clear_events(&vm);
    g_assert_cmphex(test_take_message(&vm), ==, 0);
    g_assert_null(test_device_del(&vm, "br0"));
    g_assert_cmphex(test_take_message(&vm), ==, TEST_MSG_DATA);
    test_stop(&vm);
}

/* Without MSI-X the port's INTx A follows "an enabled event is pending":
 * slot 1 pin A is PIRQ B, IOAPIC input 17 in hotmem; QEMU 7.2 routes
 * through ICH9 registers the test does not program. */
static void test_hotplug_intx_follows_events(void)
{
    TestVM vm;

    if (test_skip_on_reference(
            "QEMU 7.2 routes INTx through ICH9 PIRQ registers")) {
        return;
    }
    test_start_default(&vm, NULL);
    qtest_irq_intercept_in(vm.qts, "ioapic");
    test_slot_write_ctl(&vm, QPCI_EXP_SLTCTL_HPIE | QPCI_EXP_SLTCTL_PDCE |
                             0x07c0);
    g_assert_false(qtest_get_irq(vm.qts, 17));
    g_assert_null(test_device_add(&vm, TEST_ADD_BR0));
    g_assert_true(qtest_get_irq(vm.qts, 17));
    qpci_config_writew(vm.rp0, TEST_EXP + QPCI_EXP_SLTSTA,
                       QPCI_EXP_SLTSTA_PDC);
    g_assert_false(qtest_get_irq(vm.qts, 17));
    test_stop(&vm);
}

/* hotmem reports the link coming up and going down (Data Link Layer
 * State Changed, enabled by DLLSCE); QEMU 7.2 has neither bit. */
static void test_hotplug_link_state_changed(void)
{
    TestVM vm;
    uint16_t sta;

    if (test_skip_on_reference(
            "QEMU 7.2 has no Data Link Layer State Changed event")) {
        return;
    }
    test_start_default(&vm, NULL);
    test_slot_write_ctl(&vm, QPCI_EXP_SLTCTL_DLLSCE | 0x07c0);
    g_assert_cmphex(test_slot_ctl(&vm), ==, QPCI_EXP_SLTCTL_DLLSCE | 0x07c0);
    test_add_bridge_powered(&vm);
    sta = qpci_config_readw(vm.rp0, TEST_EXP + QPCI_EXP_SLTSTA);
    g_assert_cmphex(sta & QPCI_EXP_SLTSTA_DLLSC, ==, 0);
    g_assert_null(test_device_del(&vm, "br0"));
    test_slot_power_off(&vm);
    sta = qpci_config_readw(vm.rp0, TEST_EXP + QPCI_EXP_SLTSTA);
    g_assert_cmphex(sta & QPCI_EXP_SLTSTA_DLLSC, ==, QPCI_EXP_SLTSTA_DLLSC);
    test_stop(&vm);
}

/* ---- device_del: the handshake ---- */

static void test_unplug_button_then_power_off(void)
{
    TestVM vm;

    test_start_default(&vm, NULL);
    test_add_bridge_powered(&vm);
    g_assert_null(test_device_del(&vm, "br0"));
    /* The button is pressed; the device stays until the guest acts. */
    g_assert_cmphex(test_slot_sta(&vm), ==, QPCI_EXP_SLTSTA_PDS |
                    QPCI_EXP_SLTSTA_ABP);
    g_assert_cmphex(test_behind_rp0_id(&vm), ==, 0x00011b36);
    test_assert_no_deleted_event(&vm);
    test_assert_error(test_device_del(&vm, "br0"),
                      "Device br0 is already in the process of unplug");
    /* Power controller off with the indicator still blinking: stays. */
    test_slot_write_ctl(&vm, QPCI_EXP_SLTCTL_PCC |
                             QPCI_EXP_SLTCTL_PWR_IND_BLINK |
                             QPCI_EXP_SLTCTL_ATTN_IND_OFF);
    test_assert_no_deleted_event(&vm);
    test_slot_write_ctl(&vm, QPCI_EXP_SLTCTL_PCC |
                             QPCI_EXP_SLTCTL_PWR_IND_OFF |
                             QPCI_EXP_SLTCTL_ATTN_IND_OFF);
    test_assert_deleted_event(&vm, "br0", "/machine/peripheral/br0");
    g_assert_cmphex(test_slot_sta(&vm) & ~QPCI_EXP_SLTSTA_CC, ==,
                    QPCI_EXP_SLTSTA_PDC | QPCI_EXP_SLTSTA_ABP);
    g_assert_false(test_link_active(&vm));
    test_assert_error(test_device_del(&vm, "br0"), "Device 'br0' not found");
    test_stop(&vm);
}

/* Nothing runs in a slot that is off: device_del removes at once. */
static void test_unplug_powered_off_slot_at_once(void)
{
    TestVM vm;

    test_start_default(&vm, NULL);
    g_assert_null(test_device_add(&vm, TEST_ADD_BR0));
    test_slot_clear_events(&vm);
    g_assert_null(test_device_del(&vm, "br0"));
    test_assert_deleted_event(&vm, "br0", "/machine/peripheral/br0");
    g_assert_cmphex(test_slot_sta(&vm), ==, QPCI_EXP_SLTSTA_PDC);
    test_stop(&vm);
}

static void test_unplug_blinking_refused(void)
{
    TestVM vm;

    test_start_default(&vm, NULL);
    test_add_bridge_powered(&vm);
    test_slot_write_ctl(&vm, QPCI_EXP_SLTCTL_PWR_IND_BLINK |
                             QPCI_EXP_SLTCTL_ATTN_IND_OFF);
    test_assert_error(test_device_del(&vm, "br0"),
                      "Hot-unplug failed: guest is busy (power indicator "
                      "blinking)");
    test_slot_power_on(&vm);
    g_assert_null(test_device_del(&vm, "br0"));
    test_stop(&vm);
}

/* The guest may power a populated slot off without being asked. */
static void test_unplug_guest_power_off(void)
{
    TestVM vm;

    test_start_default(&vm, NULL);
    test_add_bridge_powered(&vm);
    test_slot_power_off(&vm);
    test_assert_deleted_event(&vm, "br0", "/machine/peripheral/br0");
    g_assert_cmphex(test_behind_rp0_id(&vm), ==, 0xffffffff);
    test_stop(&vm);
}

/* A pending request blocks a new device_del for 5 s of guest time, then
 * it may be repeated (presses the button again).  Needs the qtest clock. */
static void test_unplug_pending_expires(void)
{
    TestVM vm;

    if (test_skip_on_reference("the reference runs without a qtest clock")) {
        return;
    }
    test_start_default(&vm, NULL);
    test_add_bridge_powered(&vm);
    g_assert_null(test_device_del(&vm, "br0"));
    test_slot_clear_events(&vm);
    qtest_clock_step(vm.qts, 4 * TEST_NS_PER_S);
    test_assert_error(test_device_del(&vm, "br0"),
                      "Device br0 is already in the process of unplug");
    qtest_clock_step(vm.qts, TEST_NS_PER_S);
    g_assert_null(test_device_del(&vm, "br0"));
    g_assert_cmphex(test_slot_sta(&vm), ==, QPCI_EXP_SLTSTA_PDS |
                    QPCI_EXP_SLTSTA_ABP);
    test_stop(&vm);
}

/* ---- refusals ---- */

static void test_refuse_root_bus(void)
{
    TestVM vm;

    test_start_default(&vm, "-object memory-backend-ram,id=mem0,size=1G,"
                            "reserve=off");
    /* Without bus= the device goes to pcie.0, as in QEMU. */
    test_assert_error(test_device_add(&vm, "{'driver': 'virtio-mem-pci', "
                                      "'id': 'vmem0', 'memdev': 'mem0'}"),
                      "Bus 'pcie.0' does not support hotplugging");
    test_assert_error(test_device_add(&vm, "{'driver': 'pcie-root-port', "
                                      "'id': 'rp9', 'chassis': 9}"),
                      "Bus 'pcie.0' does not support hotplugging");
    test_assert_error(test_device_del(&vm, "rp0"),
                      "Bus 'pcie.0' does not support hotplugging");
    test_assert_error(test_device_del(&vm, "nope"),
                      "Device 'nope' not found");
    test_stop(&vm);
}

static void test_refuse_hotplug_off(void)
{
    TestVM vm;

    test_start_default(&vm, "-device pcie-root-port,id=rp1,chassis=1,"
                            "slot=3,hotplug=off -device pci-bridge,id=br1,"
                            "chassis_nr=6,bus=rp1");
    test_assert_error(test_device_add(&vm, "{'driver': 'pci-bridge', "
                                      "'id': 'br0', 'bus': 'rp1', "
                                      "'chassis_nr': 5}"),
                      "Hot-plug failed: unsupported by the port device "
                      "'rp1'");
    test_assert_error(test_device_del(&vm, "br1"),
                      "Hot-unplug failed: unsupported by the port device "
                      "'rp1'");
    test_stop(&vm);
}

/* The port's link reaches device 0 only.  QEMU 7.2 refuses a second
 * device given an address, but accepts one without (it lands at 01.0,
 * where no guest looks; newer QEMU warns): hotmem refuses both. */
static void test_refuse_second_device(void)
{
    TestVM vm;
    const char *occupied = "PCI: slot 0 function 0 already occupied by "
                           "pci-bridge, new func pci-bridge cannot be "
                           "exposed to guest.";

    test_start_default(&vm, NULL);
    g_assert_null(test_device_add(&vm, TEST_ADD_BR0));
    test_assert_error(test_device_add(&vm, "{'driver': 'pci-bridge', "
                                      "'id': 'br1', 'bus': 'rp0', "
                                      "'chassis_nr': 6, 'addr': '1.0'}"),
                      occupied);
    if (!qtest_is_reference()) {
        test_assert_error(test_device_add(&vm, "{'driver': 'pci-bridge', "
                                          "'id': 'br1', 'bus': 'rp0', "
                                          "'chassis_nr': 6}"), occupied);
    }
    test_stop(&vm);
}

/* Run the binary with args; its stderr must contain expected. */
static void test_cli_error(const char *args, const char *expected)
{
    g_autofree char *cmdline = g_strdup_printf(
        "-machine q35,accel=%s -display none -nodefaults %s",
        qtest_is_reference() ? "tcg -S" : "qtest", args);
    int status = 0;
    g_autofree char *err = qtest_probe_cli(cmdline, &status);

    g_assert_cmpint(status, ==, 1);
    if (!strstr(err, expected)) {
        g_test_message("stderr: %s", err);
    }
    g_assert_nonnull(strstr(err, expected));
}

static void test_refuse_cli(void)
{
    test_cli_error("-device pcie-root-port,id=a -device pcie-root-port,id=b",
                   "Can't add chassis slot, error -16");
    test_cli_error("-device pcie-root-port,chassis=300",
                   "Parameter 'chassis' expects uint8_t");
    test_cli_error("-device pcie-root-port,slot=70000",
                   "Parameter 'slot' expects uint16_t");
    /* QEMU 7.2 accepts a device the guest cannot reach behind a port. */
    if (!qtest_is_reference()) {
        test_cli_error("-device pcie-root-port,id=rp0 -device pci-bridge,"
                       "chassis_nr=1,bus=rp0,addr=2",
                       "PCI: slot 2 is not valid for pci-bridge, parent "
                       "device only allows plugging into slot 0.");
    }
}

/* Interlock Control toggles Interlock Status; a locked slot refuses a
 * device (QEMU's message). */
static void test_refuse_interlock_locked(void)
{
    TestVM vm;

    test_start_default(&vm, NULL);
    test_slot_write_ctl(&vm, QPCI_EXP_SLTCTL_EIC | 0x07c0);
    g_assert_cmphex(test_slot_ctl(&vm), ==, 0x07c0);
    g_assert_cmphex(test_slot_sta(&vm) & QPCI_EXP_SLTSTA_EIS, ==,
                    QPCI_EXP_SLTSTA_EIS);
    test_assert_error(test_device_add(&vm, TEST_ADD_BR0),
                      "slot is electromechanically locked: Device or "
                      "resource busy");
    test_slot_write_ctl(&vm, QPCI_EXP_SLTCTL_EIC | 0x07c0);
    g_assert_null(test_device_add(&vm, TEST_ADD_BR0));
    test_stop(&vm);
}

/* Guests write 1s to every event bit during init: a write that clears a
 * bit that was not set keeps all events (QEMU's guard against losing one
 * in that race); clearing exactly the set bits works. */
static void test_slot_status_guard(void)
{
    TestVM vm;
    uint16_t set;

    test_start_default(&vm, NULL);
    g_assert_null(test_device_add(&vm, TEST_ADD_BR0));
    set = test_slot_sta(&vm);
    g_assert_cmphex(set, ==, QPCI_EXP_SLTSTA_PDS | QPCI_EXP_SLTSTA_PDC |
                    QPCI_EXP_SLTSTA_ABP);
    qpci_config_writew(vm.rp0, TEST_EXP + QPCI_EXP_SLTSTA, 0x001f);
    g_assert_cmphex(test_slot_sta(&vm), ==, set);
    test_slot_clear_events(&vm);
    g_assert_cmphex(test_slot_sta(&vm), ==, QPCI_EXP_SLTSTA_PDS);
    test_stop(&vm);
}

/* A slot populated at start-up comes out of reset powered, without
 * events, and its device answers once the port is numbered. */
static void test_reset_populated_slot(void)
{
    TestVM vm;

    test_start_default(&vm, "-device pci-bridge,id=br0,chassis_nr=5,"
                            "bus=rp0");
    g_assert_cmphex(test_slot_ctl(&vm), ==, 0x01c0);
    g_assert_cmphex(test_slot_sta(&vm), ==, QPCI_EXP_SLTSTA_PDS);
    g_assert_true(test_link_active(&vm));
    qpci_bridges_init(&vm.bus);
    g_assert_cmphex(test_behind_rp0_id(&vm), ==, 0x00011b36);
    test_stop(&vm);
}

/* ---- virtio-mem: device_del rules and the device-memory area ---- */

#define TEST_VMEM_ADD \
    "{'driver': 'virtio-mem-pci', 'id': 'vmem0', 'bus': 'rp0', " \
    "'memdev': 'mem0', 'unplugged-inaccessible': 'on', " \
    "'requested-size': '%s'}"

static void test_vmem_add(TestVM *vm, const char *requested)
{
    g_autofree char *args = g_strdup_printf(TEST_VMEM_ADD, requested);

    qpci_bridges_init(&vm->bus);
    g_assert_null(test_device_add(vm, args));
    test_slot_power_on(vm);
    test_slot_clear_events(vm);
}

static void test_vmem_set_requested(TestVM *vm, const char *value,
                                    const char *expected_error)
{
    char *err = test_qmp_error(qtest_qom_set(vm->qts, "vmem0",
                                             "requested-size", value));

    if (expected_error) {
        test_assert_error(err, expected_error);
    } else {
        g_assert_null(err);
    }
}

/* QEMU 7.2 refuses every virtio-mem device_del; newer QEMU and hotmem
 * allow it with unplugged-inaccessible=on, nothing plugged and nothing
 * requested, and say which is missing. */
static void test_vmem_del_rules(void)
{
    TestVM vm;
    QVirtioMem *m;
    QVirtioMemConfig cfg;

    test_start_default(&vm, "-object memory-backend-ram,id=mem0,size=1G,"
                            "reserve=off");
    test_vmem_add(&vm, "1G");
    if (qtest_is_reference()) {
        test_assert_error(test_device_del(&vm, "vmem0"),
                          "virtio based memory devices cannot be "
                          "unplugged.");
        test_stop(&vm);
        return;
    }
    m = qvirtio_mem_init(vm.qts);
    qvirtio_mem_read_config(m, &cfg);
    test_assert_error(test_device_del(&vm, "vmem0"),
                      "virtio-mem device cannot be unplugged while it has "
                      "plugged memory (0 B) or a requested size (1 GiB); set "
                      "'requested-size' to 0 and wait until 'size' is 0");
    g_assert_cmpuint(qvirtio_mem_request(m, QVIRTIO_MEM_REQ_PLUG, cfg.addr,
                                         1, NULL), ==, QVIRTIO_MEM_RESP_ACK);
    test_vmem_set_requested(&vm, "0", NULL);
    test_assert_error(test_device_del(&vm, "vmem0"),
                      "virtio-mem device cannot be unplugged while it has "
                      "plugged memory (2 MiB) or a requested size (0 B); set "
                      "'requested-size' to 0 and wait until 'size' is 0");
    g_assert_cmpuint(qvirtio_mem_request(m, QVIRTIO_MEM_REQ_UNPLUG_ALL, 0, 0,
                                         NULL), ==, QVIRTIO_MEM_RESP_ACK);
    g_assert_null(test_device_del(&vm, "vmem0"));
    /* Accepted: the guest must not be asked to plug in the meantime. */
    test_vmem_set_requested(&vm, "2097152",
                            "'requested-size' cannot be changed if the "
                            "device is in the process of unplug");
    qvirtio_mem_free(m);
    test_stop(&vm);
}

static void test_vmem_del_needs_unplugged_inaccessible(void)
{
    TestVM vm;

    if (test_skip_on_reference(
            "QEMU 7.2 refuses every virtio-mem device_del")) {
        return;
    }
    test_start_default(&vm, "-object memory-backend-ram,id=mem0,size=1G,"
                            "reserve=off");
    qpci_bridges_init(&vm.bus);
    g_assert_null(test_device_add(&vm, "{'driver': 'virtio-mem-pci', "
                                  "'id': 'vmem0', 'bus': 'rp0', "
                                  "'memdev': 'mem0', "
                                  "'unplugged-inaccessible': 'off'}"));
    test_assert_error(test_device_del(&vm, "vmem0"),
                      "virtio-mem device cannot be unplugged without "
                      "'unplugged-inaccessible=on'");
    test_stop(&vm);
}

static uint64_t test_memory_device_addr(TestVM *vm, int *count)
{
    json_t *r = qtest_qmp(vm->qts, "{'execute': 'query-memory-devices'}");
    json_t *list = json_object_get(r, "return");
    uint64_t addr = 0;

    *count = json_array_size(list);
    if (*count) {
        addr = json_integer_value(json_object_get(json_object_get(
            json_array_get(list, 0), "data"), "memaddr"));
    }
    json_decref(r);
    return addr;
}

/* After the slot powers off, the memory leaves the device-memory area:
 * the whole area (2 GiB), full before, takes a new 2 GiB device. */
static void test_vmem_del_frees_area(void)
{
    TestVM vm;
    const char *add_vmem1 = "{'driver': 'virtio-mem-pci', 'id': 'vmem1', "
                            "'bus': 'rp1', 'memdev': 'mem1'}";
    int count;

    if (test_skip_on_reference(
            "QEMU 7.2 refuses every virtio-mem device_del")) {
        return;
    }
    test_start(&vm, "3G", "-device pcie-root-port,id=rp1,chassis=1,slot=3 "
                          "-object memory-backend-ram,id=mem0,size=2G,"
                          "reserve=off -object memory-backend-ram,id=mem1,"
                          "size=2G,reserve=off");
    test_vmem_add(&vm, "0");
    g_assert_cmphex(test_memory_device_addr(&vm, &count), ==,
                    0x100000000ULL);
    test_assert_error(test_device_add(&vm, add_vmem1),
                      "not enough space, currently 0x80000000 in use of "
                      "total space for memory devices 0x80000000");
    g_assert_null(test_device_del(&vm, "vmem0"));
    /* Still there until the guest lets it go. */
    test_memory_device_addr(&vm, &count);
    g_assert_cmpint(count, ==, 1);
    test_slot_power_off(&vm);
    test_assert_deleted_event(&vm, NULL,
                              "/machine/peripheral/vmem0/virtio-backend");
    test_assert_deleted_event(&vm, "vmem0", "/machine/peripheral/vmem0");
    test_memory_device_addr(&vm, &count);
    g_assert_cmpint(count, ==, 0);
    g_assert_null(test_device_add(&vm, add_vmem1));
    g_assert_cmphex(test_memory_device_addr(&vm, &count), ==,
                    0x100000000ULL);
    g_assert_cmpint(count, ==, 1);
    test_stop(&vm);
}

/* A guest that powers the slot off gives its memory up, plugged or not:
 * the device goes (QEMU 7.2 aborts here, virtio-mem unplug unsupported). */
static void test_vmem_guest_power_off(void)
{
    TestVM vm;
    QVirtioMem *m;
    QVirtioMemConfig cfg;
    int count;

    if (test_skip_on_reference(
            "QEMU 7.2 aborts when virtio-mem's slot is powered off")) {
        return;
    }
    test_start_default(&vm, "-object memory-backend-ram,id=mem0,size=1G,"
                            "reserve=off");
    test_vmem_add(&vm, "64M");
    m = qvirtio_mem_init(vm.qts);
    qvirtio_mem_read_config(m, &cfg);
    g_assert_cmpuint(qvirtio_mem_request(m, QVIRTIO_MEM_REQ_PLUG, cfg.addr,
                                         1, NULL), ==, QVIRTIO_MEM_RESP_ACK);
    test_slot_power_off(&vm);
    test_assert_deleted_event(&vm, NULL,
                              "/machine/peripheral/vmem0/virtio-backend");
    test_assert_deleted_event(&vm, "vmem0", "/machine/peripheral/vmem0");
    test_memory_device_addr(&vm, &count);
    g_assert_cmpint(count, ==, 0);
    qvirtio_mem_free(m);
    test_stop(&vm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pcie-root-port/config/identity-and-capabilities",
                    test_config_identity);
    g_test_add_func("/pcie-root-port/config/pcie-capability-and-slot",
                    test_config_pcie_capability);
    g_test_add_func("/pcie-root-port/config/after-reset",
                    test_config_after_reset);
    g_test_add_func("/pcie-root-port/bridge/numbers-and-windows-forward",
                    test_bridge_numbers_and_windows);
    g_test_add_func("/pcie-root-port/hotplug/presence-then-power-on",
                    test_hotplug_presence_and_power);
    g_test_add_func("/pcie-root-port/hotplug/virtio-mem-driver-behind-port",
                    test_hotplug_virtio_mem_driver);
    g_test_add_func("/pcie-root-port/hotplug/msix-on-enabled-events",
                    test_hotplug_msix_on_enabled_events);
    g_test_add_func("/pcie-root-port/hotplug/intx-follows-events",
                    test_hotplug_intx_follows_events);
    g_test_add_func("/pcie-root-port/hotplug/link-state-changed",
                    test_hotplug_link_state_changed);
    g_test_add_func("/pcie-root-port/unplug/button-then-power-off",
                    test_unplug_button_then_power_off);
    g_test_add_func("/pcie-root-port/unplug/powered-off-slot-at-once",
                    test_unplug_powered_off_slot_at_once);
    g_test_add_func("/pcie-root-port/unplug/blinking-indicator-refused",
                    test_unplug_blinking_refused);
    g_test_add_func("/pcie-root-port/unplug/guest-power-off-removes",
                    test_unplug_guest_power_off);
    g_test_add_func("/pcie-root-port/unplug/pending-expires-after-5s",
                    test_unplug_pending_expires);
    g_test_add_func("/pcie-root-port/refuse/root-bus-and-unknown-id",
                    test_refuse_root_bus);
    g_test_add_func("/pcie-root-port/refuse/hotplug-off-port",
                    test_refuse_hotplug_off);
    g_test_add_func("/pcie-root-port/refuse/second-device-in-port",
                    test_refuse_second_device);
    g_test_add_func("/pcie-root-port/refuse/command-line", test_refuse_cli);
    g_test_add_func("/pcie-root-port/refuse/interlock-locked",
                    test_refuse_interlock_locked);
    g_test_add_func("/pcie-root-port/slot/status-clear-guard",
                    test_slot_status_guard);
    g_test_add_func("/pcie-root-port/reset/populated-slot-powered",
                    test_reset_populated_slot);
    g_test_add_func("/pcie-root-port/virtio-mem/del-rules",
                    test_vmem_del_rules);
    g_test_add_func("/pcie-root-port/virtio-mem/del-needs-unplugged-"
                    "inaccessible", test_vmem_del_needs_unplugged_inaccessible);
    g_test_add_func("/pcie-root-port/virtio-mem/del-frees-device-memory",
                    test_vmem_del_frees_area);
    g_test_add_func("/pcie-root-port/virtio-mem/guest-power-off-removes",
                    test_vmem_guest_power_off);
    return g_test_run();
}
