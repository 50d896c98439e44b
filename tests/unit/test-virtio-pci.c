/*
 * virtio-pci modern transport in-process: a "test-virtio-pci" proxy
 * carrying a "test-virtio-dev" (device id 24, one queue of 128, 8 bytes of
 * config) on the q35 root bus, driven through config space and BAR4 as a
 * driver would: identity, capability chain and layout, common config,
 * ISR and INTx, MSI-X config interrupts, device config, the pci_cfg
 * window.  PCI mechanics themselves are tests/unit/test-pci.c.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/pci/pci_host.h"
#include "hw/pci/msix.h"
#include "hw/virtio/virtio-pci.h"
#include "migration/register.h"
#include "migration/migration-internal.h"

#define TYPE_TEST_VIRTIO_DEV "test-virtio-dev"
#define TYPE_TEST_VIRTIO_PCI "test-virtio-pci"
#define TEST_VIRTIO_ID 24
#define TEST_QUEUE_MAX 128
#define TEST_RAM_SIZE (1 * MiB)
#define TEST_NB_GSIS 24
#define TEST_SLOT 5
#define TEST_DEVFN PCI_DEVFN(TEST_SLOT, 0)
#define TEST_GSI (16 + TEST_SLOT % 4)   /* pin A of slot 5: PIRQB */
#define TEST_BAR4_ADDR 0x800000000ull
#define TEST_BAR1_ADDR 0xe0000000u
#define TEST_MSI_ADDR 0x3000

typedef struct TestVirtioDev {
    VirtIODevice parent_obj;
    unsigned int nb_kicks;
} TestVirtioDev;

typedef struct TestVirtioPCI {
    VirtIOPCIProxy parent_obj;
    TestVirtioDev vdev;
} TestVirtioPCI;

#define TEST_VIRTIO_DEV(obj) \
    OBJECT_CHECK(TestVirtioDev, (obj), TYPE_TEST_VIRTIO_DEV)
#define TEST_VIRTIO_PCI(obj) \
    OBJECT_CHECK(TestVirtioPCI, (obj), TYPE_TEST_VIRTIO_PCI)

static MemoryRegion test_ram;
static uint8_t *test_ram_buf;
static int test_gsi_level[TEST_NB_GSIS];

/* ---- the test virtio device and its PCI proxy ---- */

static void test_virtio_kick(VirtIODevice *vdev, VirtQueue *vq)
{
    TEST_VIRTIO_DEV(vdev)->nb_kicks++;
}

static bool test_virtio_dev_realize(DeviceState *dev, Error **errp)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);

    virtio_init(vdev, TEST_VIRTIO_ID, 8);
    virtio_add_queue(vdev, TEST_QUEUE_MAX, test_virtio_kick);
    return true;
}

static void test_virtio_dev_get_config(VirtIODevice *vdev, uint8_t *config)
{
    static const uint8_t bytes[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

    memcpy(config, bytes, sizeof(bytes));
}

static void test_virtio_dev_class_init(ObjectClass *klass, void *data)
{
    DEVICE_CLASS(klass)->realize = test_virtio_dev_realize;
    VIRTIO_DEVICE_CLASS(klass)->get_config = test_virtio_dev_get_config;
}

static const TypeInfo test_virtio_dev_info = {
    .name = TYPE_TEST_VIRTIO_DEV,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(TestVirtioDev),
    .class_init = test_virtio_dev_class_init,
};

static void test_virtio_pci_instance_init(Object *obj)
{
    TestVirtioPCI *t = TEST_VIRTIO_PCI(obj);

    object_initialize_child(obj, "virtio-backend", &t->vdev, sizeof(t->vdev),
                            TYPE_TEST_VIRTIO_DEV);
    virtio_pci_set_vdev(&t->parent_obj, VIRTIO_DEVICE(&t->vdev));
}

static void test_virtio_pci_class_init(ObjectClass *klass, void *data)
{
    PCI_DEVICE_CLASS(klass)->class_id = PCI_CLASS_OTHERS;
    VIRTIO_PCI_CLASS(klass)->default_nvectors = 2;
    VIRTIO_PCI_CLASS(klass)->has_vectors_prop = true;
}

static const TypeInfo test_virtio_pci_info = {
    .name = TYPE_TEST_VIRTIO_PCI,
    .parent = TYPE_VIRTIO_PCI,
    .instance_size = sizeof(TestVirtioPCI),
    .instance_init = test_virtio_pci_instance_init,
    .class_init = test_virtio_pci_class_init,
};

/* ---- machine-like setup ---- */

static void test_gsi_handler(void *opaque, int n, int level)
{
    test_gsi_level[n] = level;
}

static void test_setup_machine(void)
{
    static qemu_irq gsi[TEST_NB_GSIS];
    int i;

    type_register_static(&test_virtio_dev_info);
    type_register_static(&test_virtio_pci_info);
    test_ram_buf = g_malloc0(TEST_RAM_SIZE);
    memory_region_init_ram_ptr(&test_ram, NULL, "test-ram", TEST_RAM_SIZE,
                               test_ram_buf);
    memory_region_add_subregion(get_system_memory(), 0, &test_ram);
    /* No PCI container: the host makes its own. */
    q35_host_create(get_system_memory(), get_system_io(), NULL,
                    &error_abort);
    for (i = 0; i < TEST_NB_GSIS; i++) {
        gsi[i] = qemu_allocate_irq(test_gsi_handler, NULL, i);
    }
    q35_host_set_irqs(q35_host_get(), gsi);
}

/* ---- guest-side helpers ---- */

static uint32_t test_cfg_read(uint32_t reg, unsigned size)
{
    address_space_st(address_space_io(), 0xcf8, PCI_HOST_CONFIG_ENABLE |
                     TEST_DEVFN << 8 | (reg & ~3u), 4);
    return address_space_ld(address_space_io(), 0xcfc + (reg & 3), size,
                            NULL);
}

static void test_cfg_write(uint32_t reg, uint32_t val, unsigned size)
{
    address_space_st(address_space_io(), 0xcf8, PCI_HOST_CONFIG_ENABLE |
                     TEST_DEVFN << 8 | (reg & ~3u), 4);
    address_space_st(address_space_io(), 0xcfc + (reg & 3), val, size);
}

static uint64_t test_bar4_read(hwaddr off, unsigned size)
{
    return address_space_ld(address_space_memory(), TEST_BAR4_ADDR + off,
                            size, NULL);
}

static void test_bar4_write(hwaddr off, uint64_t val, unsigned size)
{
    address_space_st(address_space_memory(), TEST_BAR4_ADDR + off, val, size);
}

static uint64_t test_common_read(hwaddr field, unsigned size)
{
    return test_bar4_read(VIRTIO_PCI_COMMON_OFFSET + field, size);
}

static void test_common_write(hwaddr field, uint64_t val, unsigned size)
{
    test_bar4_write(VIRTIO_PCI_COMMON_OFFSET + field, val, size);
}

/* Add the device at slot 5 and map BAR4 (and BAR1) with MEM enabled. */
static TestVirtioPCI *test_add(void)
{
    g_autoptr(json_t) opts = json_pack("{s:s, s:s}", "driver",
                                       TYPE_TEST_VIRTIO_PCI, "addr", "5");
    DeviceState *dev = qdev_device_add(opts, true, &error_abort);

    test_cfg_write(PCI_BASE_ADDRESS_0 + 16, (uint32_t)TEST_BAR4_ADDR, 4);
    test_cfg_write(PCI_BASE_ADDRESS_0 + 20, TEST_BAR4_ADDR >> 32, 4);
    test_cfg_write(PCI_BASE_ADDRESS_0 + 4, TEST_BAR1_ADDR, 4);
    test_cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    return TEST_VIRTIO_PCI(dev);
}

static void test_del(TestVirtioPCI *t)
{
    qdev_unrealize(DEVICE(t));
    object_unparent(OBJECT(t));
}

static VirtIODevice *test_vdev(TestVirtioPCI *t)
{
    return VIRTIO_DEVICE(&t->vdev);
}

static void test_driver_ok(void)
{
    test_common_write(VIRTIO_PCI_COMMON_STATUS,
                      VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
                      VIRTIO_CONFIG_S_DRIVER_OK, 1);
}

/* ---- identity and capabilities ---- */

static void test_identity(void)
{
    TestVirtioPCI *t = test_add();

    g_assert_cmphex(test_cfg_read(PCI_VENDOR_ID, 4), ==, 0x10581af4);
    g_assert_cmphex(test_cfg_read(PCI_REVISION_ID, 4), ==, 0x00ff0001);
    g_assert_cmphex(test_cfg_read(PCI_SUBSYSTEM_VENDOR_ID, 4), ==,
                    0x11001af4);
    g_assert_cmphex(test_cfg_read(PCI_INTERRUPT_PIN, 1), ==, 1);
    g_assert_cmphex(test_cfg_read(PCI_STATUS, 2), ==, PCI_STATUS_CAP_LIST);
    g_assert_cmphex(test_cfg_read(PCI_CAPABILITY_LIST, 1), ==, 0x98);
    test_del(t);
}

static void test_capability_chain(void)
{
    static const uint8_t order[] = { 0x98, 0x84, 0x70, 0x60, 0x50, 0x40 };
    TestVirtioPCI *t = test_add();
    uint8_t pos = test_cfg_read(PCI_CAPABILITY_LIST, 1);
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(order); i++) {
        g_assert_cmphex(pos, ==, order[i]);
        g_assert_cmphex(test_cfg_read(pos, 1), ==,
                        i == 0 ? PCI_CAP_ID_MSIX : PCI_CAP_ID_VNDR);
        pos = test_cfg_read(pos + 1, 1);
    }
    g_assert_cmphex(pos, ==, 0);
    test_del(t);
}

static void test_capability_layout(void)
{
    TestVirtioPCI *t = test_add();

    /* vndr 9, next, cap_len, cfg_type | bar | offset | length */
    g_assert_cmphex(test_cfg_read(0x40, 4), ==, 0x01100009);
    g_assert_cmphex(test_cfg_read(0x44, 4), ==, 4);
    g_assert_cmphex(test_cfg_read(0x48, 4), ==, 0x0000);
    g_assert_cmphex(test_cfg_read(0x4c, 4), ==, 0x1000);
    g_assert_cmphex(test_cfg_read(0x50, 4), ==, 0x03104009);
    g_assert_cmphex(test_cfg_read(0x58, 4), ==, 0x1000);
    g_assert_cmphex(test_cfg_read(0x60, 4), ==, 0x04105009);
    g_assert_cmphex(test_cfg_read(0x68, 4), ==, 0x2000);
    g_assert_cmphex(test_cfg_read(0x70, 4), ==, 0x02146009);
    g_assert_cmphex(test_cfg_read(0x78, 4), ==, 0x3000);
    g_assert_cmphex(test_cfg_read(0x80, 4), ==, 4);   /* multiplier */
    g_assert_cmphex(test_cfg_read(0x84, 4), ==, 0x05147009);
    g_assert_cmphex(test_cfg_read(0x98, 4), ==, 0x00018411);
    g_assert_cmphex(test_cfg_read(0x9c, 4), ==, 0x00000001);
    g_assert_cmphex(test_cfg_read(0xa0, 4), ==, 0x00000801);
    test_del(t);
}

static void test_bar_sizes(void)
{
    TestVirtioPCI *t = test_add();

    test_cfg_write(PCI_COMMAND, 0, 2);
    test_cfg_write(PCI_BASE_ADDRESS_0 + 16, 0xffffffff, 4);
    test_cfg_write(PCI_BASE_ADDRESS_0 + 20, 0xffffffff, 4);
    g_assert_cmphex(test_cfg_read(PCI_BASE_ADDRESS_0 + 16, 4), ==,
                    0xffffc00c);
    g_assert_cmphex(test_cfg_read(PCI_BASE_ADDRESS_0 + 20, 4), ==,
                    0xffffffff);
    test_cfg_write(PCI_BASE_ADDRESS_0 + 4, 0xffffffff, 4);
    g_assert_cmphex(test_cfg_read(PCI_BASE_ADDRESS_0 + 4, 4), ==, 0xfffff000);
    test_cfg_write(PCI_BASE_ADDRESS_0, 0xffffffff, 4);
    g_assert_cmphex(test_cfg_read(PCI_BASE_ADDRESS_0, 4), ==, 0);
    test_del(t);
}

/* ---- common config ---- */

static void test_common_features_include_version_1(void)
{
    TestVirtioPCI *t = test_add();

    test_common_write(VIRTIO_PCI_COMMON_DFSELECT, 1, 4);
    g_assert_cmphex(test_common_read(VIRTIO_PCI_COMMON_DF, 4) & 1, ==, 1);
    test_common_write(VIRTIO_PCI_COMMON_DFSELECT, 2, 4);
    g_assert_cmphex(test_common_read(VIRTIO_PCI_COMMON_DF, 4), ==, 0);
    test_common_write(VIRTIO_PCI_COMMON_GFSELECT, 1, 4);
    test_common_write(VIRTIO_PCI_COMMON_GF, 1, 4);
    g_assert_true(virtio_vdev_has_feature(test_vdev(t), VIRTIO_F_VERSION_1));
    test_del(t);
}

static void test_common_msix_vector_checked(void)
{
    TestVirtioPCI *t = test_add();

    g_assert_cmphex(test_common_read(VIRTIO_PCI_COMMON_MSIX, 2), ==, 0xffff);
    test_common_write(VIRTIO_PCI_COMMON_MSIX, 1, 2);
    g_assert_cmphex(test_common_read(VIRTIO_PCI_COMMON_MSIX, 2), ==, 1);
    test_common_write(VIRTIO_PCI_COMMON_MSIX, 2, 2);   /* only 0 and 1 */
    g_assert_cmphex(test_common_read(VIRTIO_PCI_COMMON_MSIX, 2), ==, 0xffff);
    g_assert_cmphex(test_common_read(VIRTIO_PCI_COMMON_Q_MSIX, 2), ==,
                    0xffff);
    test_common_write(VIRTIO_PCI_COMMON_Q_MSIX, 0, 2);
    g_assert_cmphex(test_common_read(VIRTIO_PCI_COMMON_Q_MSIX, 2), ==, 0);
    test_del(t);
}

static void test_common_queue_fields(void)
{
    TestVirtioPCI *t = test_add();

    g_assert_cmpuint(test_common_read(VIRTIO_PCI_COMMON_NUMQ, 2), ==, 1);
    g_assert_cmpuint(test_common_read(VIRTIO_PCI_COMMON_Q_SIZE, 2), ==,
                     TEST_QUEUE_MAX);
    g_assert_cmpuint(test_common_read(VIRTIO_PCI_COMMON_Q_NOFF, 2), ==, 0);
    g_assert_cmpuint(test_common_read(VIRTIO_PCI_COMMON_Q_ENABLE, 2), ==, 0);
    test_common_write(VIRTIO_PCI_COMMON_Q_DESCLO, 0x10000, 4);
    test_common_write(VIRTIO_PCI_COMMON_Q_DESCHI, 0x1, 4);
    g_assert_cmphex(test_common_read(VIRTIO_PCI_COMMON_Q_DESCLO, 4), ==,
                    0x10000);
    g_assert_cmphex(test_common_read(VIRTIO_PCI_COMMON_Q_DESCHI, 4), ==, 1);
    test_common_write(VIRTIO_PCI_COMMON_Q_SELECT, 1, 2);
    g_assert_cmpuint(test_common_read(VIRTIO_PCI_COMMON_Q_SIZE, 2), ==, 0);
    g_assert_cmpuint(test_common_read(VIRTIO_PCI_COMMON_Q_SELECT, 2), ==, 1);
    test_del(t);
}

static void test_common_queue_enable_commits_rings(void)
{
    TestVirtioPCI *t = test_add();
    hwaddr desc, avail, used;

    test_common_write(VIRTIO_PCI_COMMON_Q_SIZE, 64, 2);
    test_common_write(VIRTIO_PCI_COMMON_Q_DESCLO, 0x10000, 4);
    test_common_write(VIRTIO_PCI_COMMON_Q_AVAILLO, 0x11000, 4);
    test_common_write(VIRTIO_PCI_COMMON_Q_USEDLO, 0x12000, 4);
    g_assert_false(virtio_queue_get_enabled(test_vdev(t), 0));
    test_common_write(VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
    g_assert_true(virtio_queue_get_enabled(test_vdev(t), 0));
    g_assert_cmpint(virtio_queue_get_num(test_vdev(t), 0), ==, 64);
    virtio_queue_get_rings(test_vdev(t), 0, &desc, &avail, &used);
    g_assert_cmphex(desc, ==, 0x10000);
    g_assert_cmphex(avail, ==, 0x11000);
    g_assert_cmphex(used, ==, 0x12000);
    g_assert_cmpuint(test_common_read(VIRTIO_PCI_COMMON_Q_ENABLE, 2), ==, 1);
    test_del(t);
}

static void test_common_status_zero_resets(void)
{
    TestVirtioPCI *t = test_add();

    test_common_write(VIRTIO_PCI_COMMON_STATUS, 3, 1);
    g_assert_cmpuint(test_common_read(VIRTIO_PCI_COMMON_STATUS, 1), ==, 3);
    test_common_write(VIRTIO_PCI_COMMON_Q_SIZE, 64, 2);
    test_common_write(VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
    test_common_write(VIRTIO_PCI_COMMON_STATUS, 0, 1);
    g_assert_cmpuint(test_common_read(VIRTIO_PCI_COMMON_STATUS, 1), ==, 0);
    g_assert_cmpuint(test_common_read(VIRTIO_PCI_COMMON_Q_SIZE, 2), ==,
                     TEST_QUEUE_MAX);
    g_assert_cmpuint(test_common_read(VIRTIO_PCI_COMMON_Q_ENABLE, 2), ==, 0);
    g_assert_false(virtio_queue_get_enabled(test_vdev(t), 0));
    test_del(t);
}

/* ---- notify, ISR, interrupts ---- */

static void test_notify_kicks_queue(void)
{
    TestVirtioPCI *t = test_add();

    test_common_write(VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
    test_bar4_write(VIRTIO_PCI_NOTIFY_OFFSET, 0, 2);
    g_assert_cmpuint(t->vdev.nb_kicks, ==, 1);
    /* queue 1 does not exist: its notify address does nothing */
    test_bar4_write(VIRTIO_PCI_NOTIFY_OFFSET + 4, 1, 2);
    g_assert_cmpuint(t->vdev.nb_kicks, ==, 1);
    test_del(t);
}

static void test_isr_read_clears_and_lowers_intx(void)
{
    TestVirtioPCI *t = test_add();

    test_driver_ok();
    virtio_notify_config(test_vdev(t));
    g_assert_cmpint(test_gsi_level[TEST_GSI], ==, 1);
    g_assert_cmphex(test_bar4_read(VIRTIO_PCI_ISR_OFFSET, 1), ==, 3);
    g_assert_cmpint(test_gsi_level[TEST_GSI], ==, 0);
    g_assert_cmphex(test_bar4_read(VIRTIO_PCI_ISR_OFFSET, 1), ==, 0);
    test_del(t);
}

static void test_status_zero_lowers_intx(void)
{
    TestVirtioPCI *t = test_add();

    test_driver_ok();
    virtio_notify_config(test_vdev(t));
    g_assert_cmpint(test_gsi_level[TEST_GSI], ==, 1);
    test_common_write(VIRTIO_PCI_COMMON_STATUS, 0, 1);
    g_assert_cmpint(test_gsi_level[TEST_GSI], ==, 0);
    test_del(t);
}

/* MSI-X on, vector 1 = message 0x4455 to TEST_MSI_ADDR, config uses it. */
static void test_msix_enable_config_vector(void)
{
    hwaddr entry = TEST_BAR1_ADDR + 1 * PCI_MSIX_ENTRY_SIZE;

    test_cfg_write(VIRTIO_PCI_CAP_MSIX_POS + PCI_MSIX_FLAGS,
                   PCI_MSIX_FLAGS_ENABLE, 2);
    address_space_st(address_space_memory(), entry, TEST_MSI_ADDR, 4);
    address_space_st(address_space_memory(), entry + 4, 0, 4);
    address_space_st(address_space_memory(), entry + 8, 0x4455, 4);
    address_space_st(address_space_memory(), entry + 12, 0, 4);
    test_common_write(VIRTIO_PCI_COMMON_MSIX, 1, 2);
}

static void test_msix_config_change_message(void)
{
    TestVirtioPCI *t = test_add();

    test_msix_enable_config_vector();
    memset(test_ram_buf, 0, TEST_RAM_SIZE);
    test_driver_ok();
    virtio_notify_config(test_vdev(t));
    g_assert_cmphex(pci_get_long(test_ram_buf + TEST_MSI_ADDR), ==, 0x4455);
    g_assert_cmpint(test_gsi_level[TEST_GSI], ==, 0);
    test_del(t);
}

static void test_msix_enabled_no_vector_no_interrupt(void)
{
    TestVirtioPCI *t = test_add();

    test_cfg_write(VIRTIO_PCI_CAP_MSIX_POS + PCI_MSIX_FLAGS,
                   PCI_MSIX_FLAGS_ENABLE, 2);
    test_driver_ok();
    virtio_notify_config(test_vdev(t));
    g_assert_cmpint(test_gsi_level[TEST_GSI], ==, 0);
    test_del(t);
}

/* ---- device config and the pci_cfg window ---- */

static void test_device_config_reads(void)
{
    TestVirtioPCI *t = test_add();

    g_assert_cmphex(test_bar4_read(VIRTIO_PCI_DEVICE_OFFSET, 4), ==,
                    0x04030201);
    g_assert_cmphex(test_bar4_read(VIRTIO_PCI_DEVICE_OFFSET + 4, 2), ==,
                    0x0605);
    g_assert_cmphex(test_bar4_read(VIRTIO_PCI_DEVICE_OFFSET + 8, 4), ==,
                    0xffffffff);
    test_del(t);
}

static void test_pci_cfg_window(void)
{
    TestVirtioPCI *t = test_add();
    uint32_t cap = VIRTIO_PCI_CAP_PCI_CFG_POS;

    test_cfg_write(cap + VIRTIO_PCI_CAP_BAR, VIRTIO_PCI_MODERN_BAR, 1);
    test_cfg_write(cap + VIRTIO_PCI_CAP_OFFSET,
                   VIRTIO_PCI_COMMON_OFFSET + VIRTIO_PCI_COMMON_NUMQ, 4);
    test_cfg_write(cap + VIRTIO_PCI_CAP_LENGTH, 2, 4);
    g_assert_cmphex(test_cfg_read(cap + VIRTIO_PCI_CFG_CAP_DATA, 4), ==, 1);
    test_cfg_write(cap + VIRTIO_PCI_CAP_OFFSET,
                   VIRTIO_PCI_COMMON_OFFSET + VIRTIO_PCI_COMMON_STATUS, 4);
    test_cfg_write(cap + VIRTIO_PCI_CAP_LENGTH, 1, 4);
    test_cfg_write(cap + VIRTIO_PCI_CFG_CAP_DATA, 3, 4);
    g_assert_cmpuint(virtio_get_status(test_vdev(t)), ==, 3);
    /* a window on another BAR does nothing */
    test_cfg_write(cap + VIRTIO_PCI_CAP_BAR, 0, 1);
    test_cfg_write(cap + VIRTIO_PCI_CFG_CAP_DATA, 0, 4);
    g_assert_cmpuint(virtio_get_status(test_vdev(t)), ==, 3);
    test_del(t);
}

static void test_vectors_property(void)
{
    g_autoptr(json_t) opts = json_pack("{s:s, s:s, s:s}", "driver",
                                       TYPE_TEST_VIRTIO_PCI, "addr", "5",
                                       "vectors", "0");
    DeviceState *dev = qdev_device_add(opts, true, &error_abort);

    /* no MSI-X: the list starts at pci_cfg */
    g_assert_cmphex(test_cfg_read(PCI_CAPABILITY_LIST, 1), ==, 0x84);
    test_del(TEST_VIRTIO_PCI(dev));
}

static void test_disable_legacy_off_refused(void)
{
    g_autoptr(json_t) opts = json_pack("{s:s, s:s, s:s}", "driver",
                                       TYPE_TEST_VIRTIO_PCI, "addr", "5",
                                       "disable-legacy", "off");
    g_autoptr(Error) err = NULL;

    g_assert_null(qdev_device_add(opts, true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "disable-legacy=off is not supported: test-virtio-pci "
                    "offers the modern virtio interface only");
}

static void test_disable_legacy_reads_on(void)
{
    TestVirtioPCI *t = test_add();
    g_autofree char *v = object_property_get_str(OBJECT(t),
                                                 "disable-legacy",
                                                 &error_abort);

    g_assert_cmpstr(v, ==, "on");
    g_assert_false(object_property_get_bool(OBJECT(t), "disable-modern",
                                            &error_abort));
    test_del(t);
}

/* ---- migration sections: "virtio", "virtio-pci", "pci-config" ---- */

static MigSection *test_section(Object *owner, const char *idstr)
{
    g_autofree char *path = object_get_canonical_path(owner);
    MigSection *s = migration_section_find(idstr, path);

    g_assert_nonnull(s);
    return s;
}

/* The bytes of owner's section idstr (g_free). */
static uint8_t *test_save(Object *owner, const char *idstr, size_t *len)
{
    g_autoptr(MigFields) w = migration_section_save(test_section(owner,
                                                                 idstr));
    const uint8_t *data = mig_fields_data(w, len);

    return g_memdup2(data, *len);
}

static bool test_load(Object *owner, const char *idstr, const uint8_t *data,
                      size_t len, Error **errp)
{
    g_autoptr(MigFields) r = mig_fields_new_reader(data, len);

    return migration_section_load(test_section(owner, idstr), r, 1, errp) &&
           mig_fields_check_end(r, errp);
}

/* A driver's state on the source: queue, vectors, MSI-X, DRIVER_OK. */
static void test_drive_for_migration(void)
{
    test_msix_enable_config_vector();
    test_common_write(VIRTIO_PCI_COMMON_Q_SIZE, 64, 2);
    test_common_write(VIRTIO_PCI_COMMON_Q_MSIX, 0, 2);
    test_common_write(VIRTIO_PCI_COMMON_Q_DESCLO, 0x10000, 4);
    test_common_write(VIRTIO_PCI_COMMON_Q_AVAILLO, 0x11000, 4);
    test_common_write(VIRTIO_PCI_COMMON_Q_USEDLO, 0x12000, 4);
    test_common_write(VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
    test_common_write(VIRTIO_PCI_COMMON_GFSELECT, 1, 4);
    test_driver_ok();
}

static const char *const test_sections[] = {
    "virtio", "virtio-pci", "pci-config",
};

/*
 * The three sections of a driven device, loaded into a fresh one whose
 * memory decoding is off: the state and the BAR mappings follow.
 */
static void test_migration_round_trip(void)
{
    TestVirtioPCI *t = test_add();
    Object *owners[3];
    uint8_t *data[3];
    size_t len[3];
    hwaddr desc, avail, used;

    test_drive_for_migration();
    owners[0] = OBJECT(test_vdev(t));
    owners[1] = owners[2] = OBJECT(t);
    for (int i = 0; i < 3; i++) {
        data[i] = test_save(owners[i], test_sections[i], &len[i]);
    }
    test_del(t);
    t = test_add();
    test_cfg_write(PCI_COMMAND, 0, 2);
    g_assert_cmphex(pci_get_bar_addr(PCI_DEVICE(t), 4), ==, PCI_BAR_UNMAPPED);
    owners[0] = OBJECT(test_vdev(t));
    owners[1] = owners[2] = OBJECT(t);
    for (int i = 0; i < 3; i++) {
        g_assert_true(test_load(owners[i], test_sections[i], data[i], len[i],
                                &error_abort));
        g_free(data[i]);
    }
    g_assert_cmphex(pci_get_bar_addr(PCI_DEVICE(t), 4), ==, TEST_BAR4_ADDR);
    g_assert_cmphex(test_cfg_read(PCI_COMMAND, 2) & PCI_COMMAND_MEMORY, ==,
                    PCI_COMMAND_MEMORY);
    g_assert_cmphex(virtio_get_status(test_vdev(t)), ==,
                    VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
                    VIRTIO_CONFIG_S_DRIVER_OK);
    g_assert_true(virtio_queue_get_enabled(test_vdev(t), 0));
    g_assert_cmpint(virtio_queue_get_num(test_vdev(t), 0), ==, 64);
    virtio_queue_get_rings(test_vdev(t), 0, &desc, &avail, &used);
    g_assert_cmphex(desc, ==, 0x10000);
    g_assert_cmphex(used, ==, 0x12000);
    /* Through the remapped BAR4: the common config as the driver left it */
    g_assert_cmpuint(test_common_read(VIRTIO_PCI_COMMON_MSIX, 2), ==, 1);
    g_assert_cmpuint(test_common_read(VIRTIO_PCI_COMMON_GFSELECT, 4), ==, 1);
    g_assert_cmpuint(test_common_read(VIRTIO_PCI_COMMON_Q_SIZE, 2), ==, 64);
    g_assert_true(msix_enabled(PCI_DEVICE(t)));
    /* MSI-X table came along: a config change sends the source's message */
    memset(test_ram_buf, 0, TEST_RAM_SIZE);
    virtio_notify_config(test_vdev(t));
    g_assert_cmphex(pci_get_long(test_ram_buf + TEST_MSI_ADDR), ==, 0x4455);
    test_del(t);
}

/* A "virtio" section as the source writes it, with num and features. */
static uint8_t *test_virtio_section(VirtIODevice *vdev, uint64_t features,
                                    uint32_t num, size_t *len)
{
    g_autoptr(MigFields) w = mig_fields_new_writer();
    const uint8_t *data;

    mig_put_u64(w, "device-id", TEST_VIRTIO_ID);
    mig_put_u64(w, "host-features", virtio_get_host_features(vdev));
    mig_put_u64(w, "nb-queues", 1);
    mig_put_u8(w, "status", VIRTIO_CONFIG_S_DRIVER_OK);
    mig_put_u64(w, "guest-features", features);
    mig_put_u8(w, "config-generation", 3);
    mig_put_u8(w, "isr", 0);
    mig_put_u16(w, "config-vector", VIRTIO_NO_VECTOR);
    mig_put_bool(w, "broken", false);
    mig_put_u32(w, "num", num);
    mig_put_bool(w, "enabled", true);
    mig_put_u64(w, "desc-addr", 0x10000);
    mig_put_u64(w, "avail-addr", 0x11000);
    mig_put_u64(w, "used-addr", 0x12000);
    mig_put_u16(w, "vector", VIRTIO_NO_VECTOR);
    mig_put_u16(w, "last-avail-idx", 5);
    mig_put_u16(w, "used-idx", 5);
    mig_put_u16(w, "signalled-used", 5);
    mig_put_bool(w, "signalled-used-valid", true);
    data = mig_fields_data(w, len);
    return g_memdup2(data, *len);
}

/* Values outside the device's rules are refused; nothing is applied. */
static void test_migration_virtio_bad_values(void)
{
    TestVirtioPCI *t = test_add();
    VirtIODevice *vdev = test_vdev(t);
    uint64_t offered = virtio_get_host_features(vdev);
    g_autofree uint8_t *good = NULL, *big = NULL, *feat = NULL;
    g_autofree char *path = object_get_canonical_path(OBJECT(vdev));
    g_autofree char *want_num = g_strdup_printf(
        "section 'virtio' (%s): num: queue size 256 is not in 1..128", path);
    g_autofree char *want_feat = g_strdup_printf(
        "section 'virtio' (%s): guest-features: 0x%" PRIx64 " has bits the "
        "device does not offer (0x%" PRIx64 ")", path,
        offered | (UINT64_C(1) << 40),
        offered);
    size_t len;
    Error *err = NULL;

    big = test_virtio_section(vdev, offered, 256, &len);
    g_assert_false(test_load(OBJECT(vdev), "virtio", big, len, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, want_num);
    error_free(err);
    err = NULL;
    feat = test_virtio_section(vdev, offered | (1ull << 40), 64, &len);
    g_assert_false(test_load(OBJECT(vdev), "virtio", feat, len, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, want_feat);
    error_free(err);
    /* nothing applied by either */
    g_assert_cmphex(virtio_get_status(vdev), ==, 0);
    g_assert_cmpuint(virtio_get_config_generation(vdev), ==, 0);
    good = test_virtio_section(vdev, offered, 64, &len);
    g_assert_true(test_load(OBJECT(vdev), "virtio", good, len, &error_abort));
    g_assert_cmpuint(virtio_get_config_generation(vdev), ==, 3);
    g_assert_cmpint(virtio_queue_get_num(vdev, 0), ==, 64);
    test_del(t);
}

/* Refusals name the field and both values; nothing changes. */
static void test_migration_mismatch_messages(void)
{
    TestVirtioPCI *t = test_add();
    Object *mch = object_resolve_path("/machine/q35/mch", NULL);
    g_autofree uint8_t *cfg = NULL;
    g_autofree uint8_t *core = NULL;
    size_t cfg_len, core_len;
    g_autofree char *path = NULL;
    g_autofree char *want = NULL;
    Error *err = NULL;

    g_assert_nonnull(mch);
    cfg = test_save(OBJECT(t), "pci-config", &cfg_len);
    g_assert_false(test_load(mch, "pci-config", cfg, cfg_len, &err));
    path = object_get_canonical_path(mch);
    want = g_strdup_printf("section 'pci-config' (%s): vendor-id: source "
                           "0x1af4, destination 0x8086", path);
    g_assert_cmpstr(error_get_pretty(err), ==, want);
    error_free(err);
    err = NULL;
    g_assert_cmphex(test_cfg_read(PCI_VENDOR_ID, 2), ==, 0x1af4);
    /* A destination offering other features refuses the core state. */
    core = test_save(OBJECT(test_vdev(t)), "virtio", &core_len);
    test_vdev(t)->host_features &= ~(1ull << VIRTIO_RING_F_EVENT_IDX);
    g_assert_false(test_load(OBJECT(test_vdev(t)), "virtio", core, core_len,
                             &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "host-features: source "));
    error_free(err);
    test_del(t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    test_setup_machine();

    g_test_add_func("/virtio-pci/config/identity", test_identity);
    g_test_add_func("/virtio-pci/config/capability-chain-msix-to-common",
                    test_capability_chain);
    g_test_add_func("/virtio-pci/config/capability-layout",
                    test_capability_layout);
    g_test_add_func("/virtio-pci/config/bar-sizes", test_bar_sizes);
    g_test_add_func("/virtio-pci/config/vectors-0-has-no-msix",
                    test_vectors_property);
    g_test_add_func("/virtio-pci/config/disable-legacy-off-refused",
                    test_disable_legacy_off_refused);
    g_test_add_func("/virtio-pci/config/disable-legacy-reads-on",
                    test_disable_legacy_reads_on);
    g_test_add_func("/virtio-pci/common/features-include-version-1",
                    test_common_features_include_version_1);
    g_test_add_func("/virtio-pci/common/msix-vector-out-of-range-is-none",
                    test_common_msix_vector_checked);
    g_test_add_func("/virtio-pci/common/queue-fields",
                    test_common_queue_fields);
    g_test_add_func("/virtio-pci/common/queue-enable-commits-rings",
                    test_common_queue_enable_commits_rings);
    g_test_add_func("/virtio-pci/common/status-zero-resets",
                    test_common_status_zero_resets);
    g_test_add_func("/virtio-pci/notify/kicks-queue",
                    test_notify_kicks_queue);
    g_test_add_func("/virtio-pci/isr/read-clears-and-lowers-intx",
                    test_isr_read_clears_and_lowers_intx);
    g_test_add_func("/virtio-pci/isr/status-zero-lowers-intx",
                    test_status_zero_lowers_intx);
    g_test_add_func("/virtio-pci/msix/config-change-message",
                    test_msix_config_change_message);
    g_test_add_func("/virtio-pci/msix/enabled-without-vector-is-silent",
                    test_msix_enabled_no_vector_no_interrupt);
    g_test_add_func("/virtio-pci/device-cfg/reads-config",
                    test_device_config_reads);
    g_test_add_func("/virtio-pci/pci-cfg/window-reaches-common-cfg",
                    test_pci_cfg_window);
    g_test_add_func("/virtio-pci/migration/round-trip-maps-bars-and-msix",
                    test_migration_round_trip);
    g_test_add_func("/virtio-pci/migration/bad-values-refused-unchanged",
                    test_migration_virtio_bad_values);
    g_test_add_func("/virtio-pci/migration/mismatch-names-field-and-values",
                    test_migration_mismatch_messages);
    return g_test_run();
}
