/*
 * PCI in-process: the q35 host with its root bus in the real memory API,
 * config mechanism #1 through port I/O, ECAM, BAR sizing and mapping,
 * MSI-X delivery into RAM, INTx routing to the IOAPIC's GSIs, slot
 * assignment with QEMU's messages, pci-bridge forwarding, and the q35
 * host's QOM properties.
 * A "test-pci-dev" (defined here) has a 32-bit and a 64-bit BAR and
 * MSI-X; tests/unit/test-virtio-pci.c covers the virtio transport.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/pci/pci_host.h"
#include "hw/pci/msix.h"
#include "migration/register.h"
#include "migration/migration-internal.h"

#define TYPE_TEST_PCI_DEV "test-pci-dev"
#define TEST_VENDOR_ID 0x1234
#define TEST_DEVICE_ID 0x5678
#define TEST_BAR0_SIZE 0x1000
#define TEST_BAR2_SIZE 0x10000
#define TEST_MSIX_VECTORS 4
#define TEST_MSIX_BAR 4
#define TEST_MSIX_CAP 0x40
#define TEST_RAM_SIZE (1 * MiB)
#define TEST_NB_GSIS 24

typedef struct TestPCIDev {
    PCIDevice parent_obj;
    MemoryRegion bar0;
    MemoryRegion bar2;
    uint64_t last_write;
} TestPCIDev;

#define TEST_PCI_DEV(obj) OBJECT_CHECK(TestPCIDev, (obj), TYPE_TEST_PCI_DEV)

static PCIBus *test_bus;
static MemoryRegion test_pci_memory;
static MemoryRegion test_ram;
static uint8_t *test_ram_buf;
static int test_gsi_level[TEST_NB_GSIS];

/* ---- the test device ---- */

static uint64_t test_bar_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0xa5000000u | addr;
}

static void test_bar_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    TestPCIDev *t = opaque;

    t->last_write = val;
}

static const MemoryRegionOps test_bar_ops = {
    .read = test_bar_read,
    .write = test_bar_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static bool test_pci_dev_realize(PCIDevice *dev, Error **errp)
{
    TestPCIDev *t = TEST_PCI_DEV(dev);

    memory_region_init_io(&t->bar0, OBJECT(dev), &test_bar_ops, t,
                          "test-bar0", TEST_BAR0_SIZE);
    memory_region_init_io(&t->bar2, OBJECT(dev), &test_bar_ops, t,
                          "test-bar2", TEST_BAR2_SIZE);
    pci_register_bar(dev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &t->bar0);
    pci_register_bar(dev, 2, PCI_BASE_ADDRESS_MEM_TYPE_64, &t->bar2);
    pci_config_set_interrupt_pin(dev->config, 1);
    return msix_init_exclusive_bar(dev, TEST_MSIX_VECTORS, TEST_MSIX_BAR,
                                   TEST_MSIX_CAP, errp);
}

static void test_pci_dev_exit(PCIDevice *dev)
{
    TestPCIDev *t = TEST_PCI_DEV(dev);

    msix_uninit(dev);
    memory_region_finalize(&dev->msix_exclusive_bar);
    memory_region_finalize(&t->bar0);
    memory_region_finalize(&t->bar2);
}

static void test_pci_dev_class_init(ObjectClass *klass, void *data)
{
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->user_creatable = true;
    pc->realize = test_pci_dev_realize;
    pc->exit = test_pci_dev_exit;
    pc->vendor_id = TEST_VENDOR_ID;
    pc->device_id = TEST_DEVICE_ID;
    pc->revision = 3;
    pc->class_id = PCI_CLASS_OTHERS;
}

static const TypeInfo test_pci_dev_info = {
    .name = TYPE_TEST_PCI_DEV,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(TestPCIDev),
    .class_init = test_pci_dev_class_init,
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

    type_register_static(&test_pci_dev_info);
    test_ram_buf = g_malloc0(TEST_RAM_SIZE);
    memory_region_init_ram_ptr(&test_ram, NULL, "test-ram", TEST_RAM_SIZE,
                               test_ram_buf);
    memory_region_add_subregion(get_system_memory(), 0, &test_ram);
    memory_region_init(&test_pci_memory, NULL, "pci", UINT64_MAX);
    test_bus = q35_host_create(get_system_memory(), get_system_io(),
                               &test_pci_memory, &error_abort);
    for (i = 0; i < TEST_NB_GSIS; i++) {
        gsi[i] = qemu_allocate_irq(test_gsi_handler, NULL, i);
    }
    q35_host_set_irqs(q35_host_get(), gsi);
}

/* ---- guest-side helpers ---- */

static void test_io_out(hwaddr port, uint32_t val, unsigned size)
{
    address_space_st(address_space_io(), port, val, size);
}

static uint32_t test_io_in(hwaddr port, unsigned size)
{
    return address_space_ld(address_space_io(), port, size, NULL);
}

static uint32_t test_cfg_read(int devfn, uint32_t reg, unsigned size)
{
    test_io_out(0xcf8, PCI_HOST_CONFIG_ENABLE | devfn << 8 | (reg & ~3u), 4);
    return test_io_in(0xcfc + (reg & 3), size);
}

static void test_cfg_write(int devfn, uint32_t reg, uint32_t val,
                           unsigned size)
{
    test_io_out(0xcf8, PCI_HOST_CONFIG_ENABLE | devfn << 8 | (reg & ~3u), 4);
    test_io_out(0xcfc + (reg & 3), val, size);
}

static uint64_t test_mem_read(hwaddr addr, unsigned size)
{
    return address_space_ld(address_space_memory(), addr, size, NULL);
}

static void test_mem_write(hwaddr addr, uint64_t val, unsigned size)
{
    address_space_st(address_space_memory(), addr, val, size);
}

/* -device test-pci-dev[,addr=...][,id=...] through qdev_device_add. */
static DeviceState *test_device_add(const char *addr, const char *id,
                                    Error **errp)
{
    g_autoptr(json_t) opts = json_pack("{s:s}", "driver", TYPE_TEST_PCI_DEV);

    if (addr) {
        json_object_set_new(opts, "addr", json_string(addr));
    }
    if (id) {
        json_object_set_new(opts, "id", json_string(id));
    }
    return qdev_device_add(opts, true, errp);
}

static PCIDevice *test_add(const char *addr)
{
    return PCI_DEVICE(test_device_add(addr, NULL, &error_abort));
}

static void test_del(PCIDevice *dev)
{
    qdev_unrealize(DEVICE(dev));
    object_unparent(OBJECT(dev));
}

/* Program BAR bar_nr (and command MEM) of the device at devfn. */
static void test_map_bar(int devfn, int bar_nr, uint64_t addr, bool is_64)
{
    test_cfg_write(devfn, PCI_BASE_ADDRESS_0 + 4 * bar_nr, addr, 4);
    if (is_64) {
        test_cfg_write(devfn, PCI_BASE_ADDRESS_0 + 4 * bar_nr + 4,
                       addr >> 32, 4);
    }
    test_cfg_write(devfn, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
}

/* ---- config mechanism #1 ---- */

static void test_config_host_bridge_identity(void)
{
    g_assert_cmphex(test_cfg_read(0, PCI_VENDOR_ID, 4), ==, 0x29c08086);
    g_assert_cmphex(test_cfg_read(0, PCI_REVISION_ID, 4), ==, 0x06000000);
    g_assert_cmphex(test_cfg_read(0, PCI_SUBSYSTEM_VENDOR_ID, 4), ==,
                    0x11001af4);
    g_assert_cmphex(test_cfg_read(0, PCI_HEADER_TYPE, 1), ==, 0);
    g_assert_cmphex(test_cfg_read(0, Q35_MCH_PCIEXBAR, 4), ==, 0xb0000000);
}

static void test_config_absent_device_reads_all_ones(void)
{
    g_assert_cmphex(test_cfg_read(PCI_DEVFN(2, 0), 0, 4), ==, 0xffffffff);
    g_assert_cmphex(test_cfg_read(PCI_DEVFN(2, 0), 2, 2), ==, 0xffff);
    g_assert_cmphex(test_cfg_read(PCI_DEVFN(2, 0), 3, 1), ==, 0xff);
}

static void test_config_disabled_index_reads_all_ones(void)
{
    test_io_out(0xcf8, 0x00000000, 4);
    g_assert_cmphex(test_io_in(0xcfc, 4), ==, 0xffffffff);
    test_io_out(0xcfc, 0, 4);   /* dropped: no device is addressed */
    g_assert_cmphex(test_cfg_read(0, PCI_VENDOR_ID, 4), ==, 0x29c08086);
}

static void test_config_index_ignores_narrow_writes(void)
{
    test_io_out(0xcf8, 0x80001000, 4);
    test_io_out(0xcf8, 0x1234, 2);
    g_assert_cmphex(test_io_in(0xcf8, 4), ==, 0x80001000);
}

static void test_config_device_identity_and_caps(void)
{
    PCIDevice *dev = test_add("4");
    int devfn = PCI_DEVFN(4, 0);

    g_assert_cmphex(test_cfg_read(devfn, 0, 4), ==, 0x56781234);
    g_assert_cmphex(test_cfg_read(devfn, PCI_REVISION_ID, 4), ==,
                    0x00ff0003);
    g_assert_cmphex(test_cfg_read(devfn, PCI_STATUS, 2), ==,
                    PCI_STATUS_CAP_LIST);
    g_assert_cmphex(test_cfg_read(devfn, PCI_CAPABILITY_LIST, 1), ==,
                    TEST_MSIX_CAP);
    /* id 0x11, next 0, table size - 1 = 3 */
    g_assert_cmphex(test_cfg_read(devfn, TEST_MSIX_CAP, 4), ==, 0x00030011);
    g_assert_cmphex(test_cfg_read(devfn, TEST_MSIX_CAP + 4, 4), ==,
                    TEST_MSIX_BAR);
    g_assert_cmphex(test_cfg_read(devfn, TEST_MSIX_CAP + 8, 4), ==,
                    0x800 | TEST_MSIX_BAR);
    g_assert_cmphex(test_cfg_read(devfn, PCI_INTERRUPT_LINE, 2), ==, 0x0100);
    test_del(dev);
    g_assert_cmphex(test_cfg_read(devfn, 0, 4), ==, 0xffffffff);
}

static void test_config_capability_bytes_read_only(void)
{
    PCIDevice *dev = test_add("4");
    int devfn = PCI_DEVFN(4, 0);

    test_cfg_write(devfn, TEST_MSIX_CAP, 0xffffffff, 4);
    /* only enable and function mask of message control change */
    g_assert_cmphex(test_cfg_read(devfn, TEST_MSIX_CAP, 4), ==, 0xc0030011);
    test_cfg_write(devfn, PCI_VENDOR_ID, 0, 4);
    g_assert_cmphex(test_cfg_read(devfn, 0, 4), ==, 0x56781234);
    test_del(dev);
}

/* ---- BARs ---- */

static void test_bar_sizing(void)
{
    PCIDevice *dev = test_add("4");
    int devfn = PCI_DEVFN(4, 0);

    test_cfg_write(devfn, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
    g_assert_cmphex(test_cfg_read(devfn, PCI_BASE_ADDRESS_0, 4), ==,
                    0xfffff000);
    test_cfg_write(devfn, PCI_BASE_ADDRESS_0 + 8, 0xffffffff, 4);
    test_cfg_write(devfn, PCI_BASE_ADDRESS_0 + 12, 0xffffffff, 4);
    g_assert_cmphex(test_cfg_read(devfn, PCI_BASE_ADDRESS_0 + 8, 4), ==,
                    0xffff0004);
    g_assert_cmphex(test_cfg_read(devfn, PCI_BASE_ADDRESS_0 + 12, 4), ==,
                    0xffffffff);
    /* MSI-X exclusive BAR: 4 KiB, 32-bit */
    test_cfg_write(devfn, PCI_BASE_ADDRESS_0 + 16, 0xffffffff, 4);
    g_assert_cmphex(test_cfg_read(devfn, PCI_BASE_ADDRESS_0 + 16, 4), ==,
                    0xfffff000);
    /* an unregistered BAR stays 0 */
    test_cfg_write(devfn, PCI_BASE_ADDRESS_0 + 4, 0xffffffff, 4);
    g_assert_cmphex(test_cfg_read(devfn, PCI_BASE_ADDRESS_0 + 4, 4), ==, 0);
    test_del(dev);
}

static void test_bar_mapped_only_when_memory_enabled(void)
{
    PCIDevice *dev = test_add("4");
    int devfn = PCI_DEVFN(4, 0);

    test_cfg_write(devfn, PCI_BASE_ADDRESS_0, 0xe0000000, 4);
    g_assert_cmphex(test_mem_read(0xe0000010, 4), ==, 0);
    g_assert_cmphex(pci_get_bar_addr(dev, 0), ==, PCI_BAR_UNMAPPED);
    test_cfg_write(devfn, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(pci_get_bar_addr(dev, 0), ==, 0xe0000000);
    g_assert_cmphex(test_mem_read(0xe0000010, 4), ==, 0xa5000010);
    test_mem_write(0xe0000020, 0x77, 4);
    g_assert_cmphex(TEST_PCI_DEV(dev)->last_write, ==, 0x77);
    test_cfg_write(devfn, PCI_COMMAND, 0, 2);
    g_assert_cmphex(test_mem_read(0xe0000010, 4), ==, 0);
    test_del(dev);
}

static void test_bar_remapped_on_address_change(void)
{
    PCIDevice *dev = test_add("4");
    int devfn = PCI_DEVFN(4, 0);

    test_map_bar(devfn, 0, 0xe0000000, false);
    test_cfg_write(devfn, PCI_BASE_ADDRESS_0, 0xe0100000, 4);
    g_assert_cmphex(test_mem_read(0xe0000010, 4), ==, 0);
    g_assert_cmphex(test_mem_read(0xe0100010, 4), ==, 0xa5000010);
    test_del(dev);
    g_assert_cmphex(test_mem_read(0xe0100010, 4), ==, 0);
}

static void test_bar_all_ones_and_zero_unmapped(void)
{
    PCIDevice *dev = test_add("4");
    int devfn = PCI_DEVFN(4, 0);

    test_map_bar(devfn, 0, 0xffffffff, false);
    g_assert_cmphex(pci_get_bar_addr(dev, 0), ==, PCI_BAR_UNMAPPED);
    test_map_bar(devfn, 0, 0, false);
    g_assert_cmphex(pci_get_bar_addr(dev, 0), ==, PCI_BAR_UNMAPPED);
    test_del(dev);
}

static void test_bar_64bit_above_4g(void)
{
    PCIDevice *dev = test_add("4");
    int devfn = PCI_DEVFN(4, 0);

    test_map_bar(devfn, 2, 0x800000000ull, true);
    g_assert_cmphex(pci_get_bar_addr(dev, 2), ==, 0x800000000ull);
    g_assert_cmphex(test_mem_read(0x800000040ull, 4), ==, 0xa5000040);
    test_del(dev);
}

static void test_bar_reset_unmaps(void)
{
    PCIDevice *dev = test_add("4");
    int devfn = PCI_DEVFN(4, 0);

    test_map_bar(devfn, 0, 0xe0000000, false);
    device_cold_reset(DEVICE(dev));
    g_assert_cmphex(test_cfg_read(devfn, PCI_COMMAND, 2), ==, 0);
    g_assert_cmphex(test_cfg_read(devfn, PCI_BASE_ADDRESS_0, 4), ==, 0);
    g_assert_cmphex(test_mem_read(0xe0000010, 4), ==, 0);
    test_del(dev);
}

/* ---- MSI-X ---- */

#define TEST_MSIX_BAR_ADDR 0xe1000000u
#define TEST_MSI_ADDR 0x2000

static void test_msix_program(int devfn, unsigned int vector, uint32_t addr,
                              uint32_t data, bool masked)
{
    hwaddr entry = TEST_MSIX_BAR_ADDR + vector * PCI_MSIX_ENTRY_SIZE;

    test_mem_write(entry + PCI_MSIX_ENTRY_LOWER_ADDR, addr, 4);
    test_mem_write(entry + PCI_MSIX_ENTRY_UPPER_ADDR, 0, 4);
    test_mem_write(entry + PCI_MSIX_ENTRY_DATA, data, 4);
    test_mem_write(entry + PCI_MSIX_ENTRY_VECTOR_CTRL, masked, 4);
}

static PCIDevice *test_msix_setup(int devfn)
{
    PCIDevice *dev = test_add("4");

    test_map_bar(devfn, TEST_MSIX_BAR, TEST_MSIX_BAR_ADDR, false);
    test_cfg_write(devfn, TEST_MSIX_CAP + PCI_MSIX_FLAGS,
                   PCI_MSIX_FLAGS_ENABLE, 2);
    memset(test_ram_buf, 0, TEST_RAM_SIZE);
    return dev;
}

static uint32_t test_ram_long(hwaddr addr)
{
    return pci_get_long(test_ram_buf + addr);
}

static void test_msix_vector_lands_in_ram(void)
{
    int devfn = PCI_DEVFN(4, 0);
    PCIDevice *dev = test_msix_setup(devfn);

    g_assert_true(msix_enabled(dev));
    test_msix_program(devfn, 2, TEST_MSI_ADDR, 0xabcd0042, false);
    msix_notify(dev, 2);
    g_assert_cmphex(test_ram_long(TEST_MSI_ADDR), ==, 0xabcd0042);
    g_assert_false(msix_is_pending(dev, 2));
    test_del(dev);
}

static void test_msix_masked_vector_pending_until_unmask(void)
{
    int devfn = PCI_DEVFN(4, 0);
    PCIDevice *dev = test_msix_setup(devfn);
    hwaddr pba = TEST_MSIX_BAR_ADDR + 0x800;

    test_msix_program(devfn, 1, TEST_MSI_ADDR, 0x1111, true);
    msix_notify(dev, 1);
    g_assert_cmphex(test_ram_long(TEST_MSI_ADDR), ==, 0);
    g_assert_cmphex(test_mem_read(pba, 4), ==, 0x2);
    test_mem_write(TEST_MSIX_BAR_ADDR + 1 * PCI_MSIX_ENTRY_SIZE +
                   PCI_MSIX_ENTRY_VECTOR_CTRL, 0, 4);
    g_assert_cmphex(test_ram_long(TEST_MSI_ADDR), ==, 0x1111);
    g_assert_cmphex(test_mem_read(pba, 4), ==, 0);
    test_del(dev);
}

static void test_msix_function_mask_defers_delivery(void)
{
    int devfn = PCI_DEVFN(4, 0);
    PCIDevice *dev = test_msix_setup(devfn);

    test_msix_program(devfn, 0, TEST_MSI_ADDR, 0x2222, false);
    test_cfg_write(devfn, TEST_MSIX_CAP + PCI_MSIX_FLAGS,
                   PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 2);
    msix_notify(dev, 0);
    g_assert_cmphex(test_ram_long(TEST_MSI_ADDR), ==, 0);
    g_assert_true(msix_is_pending(dev, 0));
    test_cfg_write(devfn, TEST_MSIX_CAP + PCI_MSIX_FLAGS,
                   PCI_MSIX_FLAGS_ENABLE, 2);
    g_assert_cmphex(test_ram_long(TEST_MSI_ADDR), ==, 0x2222);
    g_assert_false(msix_is_pending(dev, 0));
    test_del(dev);
}

static void test_msix_disabled_drops_message(void)
{
    int devfn = PCI_DEVFN(4, 0);
    PCIDevice *dev = test_msix_setup(devfn);

    test_msix_program(devfn, 0, TEST_MSI_ADDR, 0x3333, false);
    test_cfg_write(devfn, TEST_MSIX_CAP + PCI_MSIX_FLAGS, 0, 2);
    msix_notify(dev, 0);
    g_assert_cmphex(test_ram_long(TEST_MSI_ADDR), ==, 0);
    g_assert_false(msix_is_pending(dev, 0));
    test_del(dev);
}

static void test_msix_vectors_start_masked(void)
{
    int devfn = PCI_DEVFN(4, 0);
    PCIDevice *dev = test_msix_setup(devfn);
    unsigned int v;

    for (v = 0; v < TEST_MSIX_VECTORS; v++) {
        g_assert_cmphex(test_mem_read(TEST_MSIX_BAR_ADDR +
                                      v * PCI_MSIX_ENTRY_SIZE +
                                      PCI_MSIX_ENTRY_VECTOR_CTRL, 4), ==, 1);
    }
    test_del(dev);
}

/* ---- INTx ---- */

static void test_intx_slot_swizzle_to_gsi(void)
{
    PCIDevice *dev3 = test_add("3");
    PCIDevice *dev6 = test_add("6");

    /* slot 3 pin A -> PIRQD -> GSI 19; slot 6 pin A -> PIRQC -> GSI 18 */
    pci_irq_assert(dev3);
    g_assert_cmpint(test_gsi_level[19], ==, 1);
    g_assert_cmpint(test_gsi_level[18], ==, 0);
    g_assert_cmphex(test_cfg_read(PCI_DEVFN(3, 0), PCI_STATUS, 2) &
                    PCI_STATUS_INTERRUPT, ==, PCI_STATUS_INTERRUPT);
    pci_irq_assert(dev6);
    g_assert_cmpint(test_gsi_level[18], ==, 1);
    pci_irq_deassert(dev3);
    g_assert_cmpint(test_gsi_level[19], ==, 0);
    pci_irq_deassert(dev6);
    g_assert_cmpint(test_gsi_level[18], ==, 0);
    test_del(dev3);
    test_del(dev6);
}

static void test_intx_shared_line_stays_up(void)
{
    PCIDevice *dev3 = test_add("3");
    PCIDevice *dev7 = test_add("7");

    /* slots 3 and 7 pin A both -> PIRQD */
    pci_irq_assert(dev3);
    pci_irq_assert(dev7);
    pci_irq_deassert(dev3);
    g_assert_cmpint(test_gsi_level[19], ==, 1);
    pci_irq_deassert(dev7);
    g_assert_cmpint(test_gsi_level[19], ==, 0);
    test_del(dev3);
    test_del(dev7);
}

static void test_intx_disable_withdraws_line(void)
{
    PCIDevice *dev = test_add("3");
    int devfn = PCI_DEVFN(3, 0);

    pci_irq_assert(dev);
    test_cfg_write(devfn, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
    g_assert_cmpint(test_gsi_level[19], ==, 0);
    test_cfg_write(devfn, PCI_COMMAND, 0, 2);
    g_assert_cmpint(test_gsi_level[19], ==, 1);
    test_del(dev);
    g_assert_cmpint(test_gsi_level[19], ==, 0);
}

/* ---- slot assignment ---- */

static void test_addr_parse(void)
{
    g_assert_cmpint(pci_parse_devfn("3"), ==, PCI_DEVFN(3, 0));
    g_assert_cmpint(pci_parse_devfn("03.0"), ==, PCI_DEVFN(3, 0));
    g_assert_cmpint(pci_parse_devfn("0x3"), ==, PCI_DEVFN(3, 0));
    g_assert_cmpint(pci_parse_devfn("1f.7"), ==, PCI_DEVFN(31, 7));
    g_assert_cmpint(pci_parse_devfn("0x3.0x1"), ==, PCI_DEVFN(3, 1));
    g_assert_cmpint(pci_parse_devfn("0x20"), ==, -1);
    g_assert_cmpint(pci_parse_devfn("3.8"), ==, -1);
    g_assert_cmpint(pci_parse_devfn("3."), ==, -1);
    g_assert_cmpint(pci_parse_devfn(".3"), ==, -1);
    g_assert_cmpint(pci_parse_devfn("xyz"), ==, -1);
    g_assert_cmpint(pci_parse_devfn("3.a"), ==, -1);
    g_assert_cmpint(pci_parse_devfn("-1"), ==, -1);
    g_assert_cmpint(pci_parse_devfn(""), ==, -1);
}

static void test_addr_first_free_slot(void)
{
    PCIDevice *a = test_add(NULL);
    PCIDevice *b = test_add(NULL);

    g_assert_cmpint(a->devfn, ==, PCI_DEVFN(1, 0));
    g_assert_cmpint(b->devfn, ==, PCI_DEVFN(2, 0));
    g_assert_cmpint(object_property_get_int(OBJECT(b), "addr", NULL), ==,
                    PCI_DEVFN(2, 0));
    test_del(a);
    test_del(b);
}

static void test_addr_slot_in_use_message(void)
{
    PCIDevice *dev = test_add("3");
    g_autoptr(Error) err = NULL;

    g_assert_null(test_device_add("3", NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "PCI: slot 3 function 0 not available for test-pci-dev, "
                    "in use by test-pci-dev,id=(null)");
    test_del(dev);
}

static void test_addr_slot_in_use_names_id(void)
{
    DeviceState *dev = test_device_add("3", "foo", &error_abort);
    g_autoptr(Error) err = NULL;

    g_assert_null(test_device_add("3", "bar", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "PCI: slot 3 function 0 not available for test-pci-dev, "
                    "in use by test-pci-dev,id=foo");
    g_assert_null(qdev_find_device("bar"));
    test_del(PCI_DEVICE(dev));
}

static void test_addr_host_bridge_slot_in_use(void)
{
    g_autoptr(Error) err = NULL;

    g_assert_null(test_device_add("0", NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "PCI: slot 0 function 0 not available for test-pci-dev, "
                    "in use by mch,id=(null)");
}

static void test_addr_bad_value_message(void)
{
    g_autoptr(Error) err = NULL;

    g_assert_null(test_device_add("0x20", NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-pci-dev.addr' doesn't take value '0x20'");
}

static void test_addr_function_of_single_function_slot(void)
{
    PCIDevice *dev = test_add("3");
    g_autoptr(Error) err = NULL;

    g_assert_null(test_device_add("3.1", NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "PCI: single function device can't be populated in "
                    "function 3.1");
    test_del(dev);
}

static void test_addr_function0_after_other_function(void)
{
    PCIDevice *dev = test_add("3.1");
    g_autoptr(Error) err = NULL;

    g_assert_null(test_device_add("3", NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "PCI: 3.0 indicates single function, but 3.1 is already "
                    "populated.");
    test_del(dev);
}

static void test_addr_multifunction_allows_functions(void)
{
    g_autoptr(json_t) opts = json_pack("{s:s, s:s, s:s}", "driver",
                                       TYPE_TEST_PCI_DEV, "addr", "3",
                                       "multifunction", "on");
    DeviceState *f0 = qdev_device_add(opts, true, &error_abort);
    PCIDevice *f1 = test_add("3.1");

    g_assert_cmphex(test_cfg_read(PCI_DEVFN(3, 0), PCI_HEADER_TYPE, 1), ==,
                    PCI_HEADER_TYPE_MULTI_FUNCTION);
    g_assert_cmphex(test_cfg_read(PCI_DEVFN(3, 1), 0, 4), ==, 0x56781234);
    test_del(f1);
    test_del(PCI_DEVICE(f0));
}

/* ---- pci-bridge ---- */

#define TEST_BRIDGE_SLOT 8

static DeviceState *test_bridge_add(Error **errp)
{
    g_autoptr(json_t) opts = json_pack("{s:s, s:s, s:s, s:s}", "driver",
                                       TYPE_PCI_BRIDGE, "id", "br0", "addr",
                                       "8", "chassis_nr", "1");

    return qdev_device_add(opts, true, errp);
}

static PCIDevice *test_add_behind_bridge(void)
{
    g_autoptr(json_t) opts = json_pack("{s:s, s:s, s:s}", "driver",
                                       TYPE_TEST_PCI_DEV, "bus", "br0",
                                       "addr", "2");

    return PCI_DEVICE(qdev_device_add(opts, true, &error_abort));
}

static uint32_t test_cfg_read_bus(int bus, int devfn, uint32_t reg)
{
    test_io_out(0xcf8, PCI_HOST_CONFIG_ENABLE | bus << 16 | devfn << 8 | reg,
                4);
    return test_io_in(0xcfc, 4);
}

static void test_bridge_chassis_required(void)
{
    g_autoptr(json_t) opts = json_pack("{s:s}", "driver", TYPE_PCI_BRIDGE);
    g_autoptr(Error) err = NULL;

    g_assert_null(qdev_device_add(opts, true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Bridge chassis not specified. Each bridge is required "
                    "to be assigned a unique chassis id > 0.");
}

static void test_bridge_identity(void)
{
    DeviceState *br = test_bridge_add(&error_abort);
    int devfn = PCI_DEVFN(TEST_BRIDGE_SLOT, 0);

    g_assert_cmphex(test_cfg_read(devfn, 0, 4), ==, 0x00011b36);
    g_assert_cmphex(test_cfg_read(devfn, PCI_REVISION_ID, 4), ==,
                    0x06040000);
    g_assert_cmphex(test_cfg_read(devfn, PCI_HEADER_TYPE, 1), ==,
                    PCI_HEADER_TYPE_BRIDGE);
    g_assert_nonnull(object_resolve_path("/machine/peripheral/br0/br0",
                                         NULL));
    test_del(PCI_DEVICE(br));
}

static void test_bridge_config_reaches_secondary_bus(void)
{
    DeviceState *br = test_bridge_add(&error_abort);
    PCIDevice *dev = test_add_behind_bridge();
    int devfn = PCI_DEVFN(TEST_BRIDGE_SLOT, 0);

    g_assert_cmphex(test_cfg_read_bus(1, PCI_DEVFN(2, 0), 0), ==, 0xffffffff);
    test_cfg_write(devfn, PCI_SECONDARY_BUS, 1, 1);
    test_cfg_write(devfn, PCI_SUBORDINATE_BUS, 1, 1);
    g_assert_cmphex(test_cfg_read_bus(1, PCI_DEVFN(2, 0), 0), ==, 0x56781234);
    g_assert_cmphex(test_cfg_read_bus(2, PCI_DEVFN(2, 0), 0), ==, 0xffffffff);
    test_del(dev);
    test_del(PCI_DEVICE(br));
}

/* Bus 1 behind the bridge at devfn; its device's BAR0 at 0xe8000000. */
static void test_bridge_bus1_bar(int devfn)
{
    test_cfg_write(devfn, PCI_SECONDARY_BUS, 1, 1);
    test_cfg_write(devfn, PCI_SUBORDINATE_BUS, 1, 1);
    test_io_out(0xcf8, PCI_HOST_CONFIG_ENABLE | 1 << 16 |
                PCI_DEVFN(2, 0) << 8 | PCI_BASE_ADDRESS_0, 4);
    test_io_out(0xcfc, 0xe8000000, 4);
    test_io_out(0xcf8, PCI_HOST_CONFIG_ENABLE | 1 << 16 |
                PCI_DEVFN(2, 0) << 8 | PCI_COMMAND, 4);
    test_io_out(0xcfc, PCI_COMMAND_MEMORY, 2);
}

static void test_bridge_memory_window_forwards_bars(void)
{
    DeviceState *br = test_bridge_add(&error_abort);
    PCIDevice *dev = test_add_behind_bridge();
    int devfn = PCI_DEVFN(TEST_BRIDGE_SLOT, 0);

    test_bridge_bus1_bar(devfn);
    /* window [0xe8000000, 0xe80fffff], bridge decoding still off */
    test_cfg_write(devfn, PCI_MEMORY_BASE, 0xe800, 2);
    test_cfg_write(devfn, PCI_MEMORY_LIMIT, 0xe800, 2);
    g_assert_cmphex(test_mem_read(0xe8000010, 4), ==, 0);
    test_cfg_write(devfn, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(test_mem_read(0xe8000010, 4), ==, 0xa5000010);
    /* a window that leaves the BAR out hides it */
    test_cfg_write(devfn, PCI_MEMORY_BASE, 0xe810, 2);
    test_cfg_write(devfn, PCI_MEMORY_LIMIT, 0xe810, 2);
    g_assert_cmphex(test_mem_read(0xe8000010, 4), ==, 0);
    test_del(dev);
    test_del(PCI_DEVICE(br));
}

static void test_bridge_intx_swizzle(void)
{
    DeviceState *br = test_bridge_add(&error_abort);
    PCIDevice *dev = test_add_behind_bridge();

    /* slot 2 pin A -> bridge pin C; bridge slot 8 pin C -> PIRQC: GSI 18 */
    pci_irq_assert(dev);
    g_assert_cmpint(test_gsi_level[18], ==, 1);
    pci_irq_deassert(dev);
    g_assert_cmpint(test_gsi_level[18], ==, 0);
    test_del(dev);
    test_del(PCI_DEVICE(br));
}

/* QEMU's bridges: 16-bit I/O (upper halves read 0), bridge control bits
 * 0x0bff writable, 66 MHz and fast back-to-back in both status words. */
static void test_bridge_header_as_qemu(void)
{
    DeviceState *br = test_bridge_add(&error_abort);
    int devfn = PCI_DEVFN(TEST_BRIDGE_SLOT, 0);

    test_cfg_write(devfn, PCI_IO_BASE_UPPER16, 0xffffffff, 4);
    g_assert_cmphex(test_cfg_read(devfn, PCI_IO_BASE_UPPER16, 4), ==, 0);
    test_cfg_write(devfn, PCI_IO_BASE, 0xffff, 2);
    g_assert_cmphex(test_cfg_read(devfn, PCI_IO_BASE, 2), ==, 0xf0f0);
    test_cfg_write(devfn, PCI_BRIDGE_CONTROL, 0xffff, 2);
    g_assert_cmphex(test_cfg_read(devfn, PCI_BRIDGE_CONTROL, 2), ==,
                    0x0bff);
    g_assert_cmphex(test_cfg_read(devfn, PCI_STATUS, 2), ==, 0x00a0);
    g_assert_cmphex(test_cfg_read(devfn, PCI_SEC_STATUS, 2), ==, 0x00a0);
    test_del(PCI_DEVICE(br));
}

/* A 0 -> 1 write of secondary bus reset resets the devices behind. */
static void test_bridge_secondary_bus_reset(void)
{
    DeviceState *br = test_bridge_add(&error_abort);
    PCIDevice *dev = test_add_behind_bridge();
    int devfn = PCI_DEVFN(TEST_BRIDGE_SLOT, 0);

    test_cfg_write(devfn, PCI_SECONDARY_BUS, 1, 1);
    test_cfg_write(devfn, PCI_SUBORDINATE_BUS, 1, 1);
    pci_config_write(dev, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    test_cfg_write(devfn, PCI_BRIDGE_CONTROL, 0x0040, 2);
    g_assert_cmphex(pci_config_read(dev, PCI_COMMAND, 2), ==, 0);
    /* Staying 1 is no new reset. */
    pci_config_write(dev, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    test_cfg_write(devfn, PCI_BRIDGE_CONTROL, 0x0040, 2);
    g_assert_cmphex(pci_config_read(dev, PCI_COMMAND, 2), ==,
                    PCI_COMMAND_MEMORY);
    test_del(dev);
    test_del(PCI_DEVICE(br));
}

/* ---- power (a slot's power controller) ---- */

static void test_power_off_hides_function(void)
{
    PCIDevice *dev = test_add("4");
    int devfn = PCI_DEVFN(4, 0);

    test_map_bar(devfn, 0, 0xe0000000, false);
    g_assert_cmphex(test_mem_read(0xe0000010, 4), ==, 0xa5000010);
    pci_set_power(dev, false);
    g_assert_cmphex(test_cfg_read(devfn, 0, 4), ==, 0xffffffff);
    g_assert_cmphex(test_cfg_read(devfn, PCI_COMMAND, 2), ==, 0xffff);
    g_assert_cmphex(test_mem_read(0xe0000010, 4), ==, 0);
    test_cfg_write(devfn, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    pci_set_power(dev, true);
    /* Back, but reset: the write while off was dropped. */
    g_assert_cmphex(test_cfg_read(devfn, 0, 4), ==, 0x56781234);
    g_assert_cmphex(test_cfg_read(devfn, PCI_COMMAND, 2), ==, 0);
    test_del(dev);
}

/* ---- info pci ---- */

static const char test_info_pci_expected[] =
    "  Bus  0, device   0, function 0:\n"
    "    Host bridge: PCI device 8086:29c0\n"
    "      PCI subsystem 1af4:1100\n"
    "      id \"\"\n"
    "  Bus  0, device   4, function 0:\n"
    "    Class 0255: PCI device 1234:5678\n"
    "      PCI subsystem 1af4:1100\n"
    "      IRQ 10, pin A\n"
    "      BAR0: 32 bit memory at 0xe0000000 [0xe0000fff].\n"
    "      BAR2: 64 bit memory at 0xffffffffffffffff [0x0000fffe].\n"
    "      BAR4: 32 bit memory at 0xffffffffffffffff [0x00000ffe].\n"
    "      id \"t4\"\n"
    "  Bus  0, device   8, function 0:\n"
    "    PCI bridge: PCI device 1b36:0001\n"
    "      IRQ 0, pin A\n"
    "      BUS 0.\n"
    "      secondary bus 1.\n"
    "      subordinate bus 1.\n"
    "      IO range [0x0000, 0x0fff]\n"
    "      memory range [0x00000000, 0x000fffff]\n"
    "      prefetchable memory range [0x00000000, 0x000fffff]\n"
    "      id \"br0\"\n"
    "  Bus  1, device   2, function 0:\n"
    "    Class 0255: PCI device 1234:5678\n"
    "      PCI subsystem 1af4:1100\n"
    "      IRQ 0, pin A\n"
    "      BAR0: 32 bit memory at 0xffffffffffffffff [0x00000ffe].\n"
    "      BAR2: 64 bit memory at 0xffffffffffffffff [0x0000fffe].\n"
    "      BAR4: 32 bit memory at 0xffffffffffffffff [0x00000ffe].\n"
    "      id \"\"\n";

static void test_info_pci_format(void)
{
    PCIDevice *dev = PCI_DEVICE(test_device_add("4", "t4", &error_abort));
    DeviceState *br = test_bridge_add(&error_abort);
    PCIDevice *behind = test_add_behind_bridge();
    int br_devfn = PCI_DEVFN(TEST_BRIDGE_SLOT, 0);
    g_autoptr(GString) out = g_string_new("");

    test_map_bar(PCI_DEVFN(4, 0), 0, 0xe0000000, false);
    test_cfg_write(PCI_DEVFN(4, 0), PCI_INTERRUPT_LINE, 10, 1);
    test_cfg_write(br_devfn, PCI_SECONDARY_BUS, 1, 1);
    test_cfg_write(br_devfn, PCI_SUBORDINATE_BUS, 1, 1);
    pci_info_print(out);
    g_assert_cmpstr(out->str, ==, test_info_pci_expected);
    test_del(behind);
    test_del(PCI_DEVICE(br));
    test_del(dev);
}

/* ---- q35 host properties and ECAM ---- */

static uint64_t test_host_prop(const char *name)
{
    return object_property_get_uint(OBJECT(q35_host_get()), name,
                                    &error_abort);
}

static void test_q35_default_holes(void)
{
    DeviceState *host = q35_host_get();

    g_assert_nonnull(object_resolve_path("/machine/q35/pcie.0", NULL));
    g_assert_nonnull(object_resolve_path("/machine/q35/mch", NULL));
    /* QEMU 7.2 with -m 4G: 2 GiB below 4G, 2 GiB above */
    q35_host_set_memory_sizes(host, 2 * GiB, 2 * GiB);
    g_assert_cmpuint(test_host_prop("pci-hole-start"), ==, 2 * GiB);
    g_assert_cmpuint(test_host_prop("pci-hole-end"), ==, 0xfec00000);
    g_assert_cmpuint(test_host_prop("pci-hole64-start"), ==, 6 * GiB);
    g_assert_cmpuint(test_host_prop("pci-hole64-end"), ==, 38 * GiB);
    g_assert_cmpuint(test_host_prop("pci-hole64-size"), ==, 32 * GiB);
    g_assert_cmpuint(test_host_prop("below-4g-mem-size"), ==, 2 * GiB);
}

static void test_q35_machine_set_holes(void)
{
    DeviceState *host = q35_host_get();

    q35_host_set_pci_hole(host, 0x80000000, 0xfec00000);
    q35_host_set_pci_hole64_start(host, 13 * GiB);
    g_assert_cmpuint(test_host_prop("pci-hole-start"), ==, 0x80000000);
    g_assert_cmpuint(test_host_prop("pci-hole64-start"), ==, 13 * GiB);
    g_assert_cmpuint(test_host_prop("pci-hole64-end"), ==, 45 * GiB);
}

static void test_q35_hole_size_fixed_after_realize(void)
{
    g_autoptr(Error) err = NULL;

    g_assert_false(object_property_set_uint(OBJECT(q35_host_get()),
                                            "pci-hole64-size", 5, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Attempt to set property 'pci-hole64-size' on anonymous "
                    "device (type 'q35-pcihost') after it was realized");
    g_assert_cmpuint(test_host_prop("pci-hole64-size"), ==, 32 * GiB);
}

static void test_q35_hole_start_read_only(void)
{
    g_autoptr(Error) err = NULL;

    g_assert_false(object_property_set_uint(OBJECT(q35_host_get()),
                                            "pci-hole-start", 5, &err));
    g_assert_nonnull(err);
}

static void test_ecam_disabled_until_pciexbar(void)
{
    g_assert_cmphex(test_host_prop("MCFG"), ==, UINT64_MAX);
    g_assert_cmphex(test_host_prop("mcfg_size"), ==, 0);
    g_assert_cmphex(test_mem_read(0xb0000000, 4), ==, 0);
}

static void test_ecam_reaches_config_space(void)
{
    PCIDevice *dev = test_add("4");

    test_cfg_write(0, Q35_MCH_PCIEXBAR, 0xb0000001, 4);
    g_assert_cmphex(test_host_prop("MCFG"), ==, 0xb0000000);
    g_assert_cmphex(test_host_prop("mcfg_size"), ==, 256 * MiB);
    g_assert_cmphex(test_mem_read(0xb0000000, 4), ==, 0x29c08086);
    g_assert_cmphex(test_mem_read(0xb0000000 + (PCI_DEVFN(4, 0) << 12), 4),
                    ==, 0x56781234);
    /* absent device, and past the 256-byte space: all ones */
    g_assert_cmphex(test_mem_read(0xb0000000 + (PCI_DEVFN(5, 0) << 12), 4),
                    ==, 0xffffffff);
    g_assert_cmphex(test_mem_read(0xb0000000 + (PCI_DEVFN(4, 0) << 12) +
                                  0x100, 4), ==, 0xffffffff);
    test_mem_write(0xb0000000 + (PCI_DEVFN(4, 0) << 12) + PCI_COMMAND,
                   PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(test_cfg_read(PCI_DEVFN(4, 0), PCI_COMMAND, 2), ==,
                    PCI_COMMAND_MEMORY);
    test_cfg_write(0, Q35_MCH_PCIEXBAR, 0xb0000000, 4);
    g_assert_cmphex(test_host_prop("MCFG"), ==, UINT64_MAX);
    g_assert_cmphex(test_mem_read(0xb0000000, 4), ==, 0);
    test_del(dev);
}

/* ---- migration: "pci-config" applied as a guest write would be ---- */

/* owner's pci-config section, saved (g_free). */
static uint8_t *test_mig_save(Object *owner, size_t *len)
{
    g_autofree char *path = object_get_canonical_path(owner);
    MigSection *s = migration_section_find("pci-config", path);
    g_autoptr(MigFields) w = NULL;
    const uint8_t *data;

    g_assert_nonnull(s);
    w = migration_section_save(s);
    data = mig_fields_data(w, len);
    return g_memdup2(data, *len);
}

static void test_mig_load(Object *owner, const uint8_t *data, size_t len)
{
    g_autofree char *path = object_get_canonical_path(owner);
    g_autoptr(MigFields) r = mig_fields_new_reader(data, len);

    g_assert_true(migration_section_load(
        migration_section_find("pci-config", path), r, 1, &error_abort));
    g_assert_true(mig_fields_check_end(r, &error_abort));
}

/* q35's MCH: the PCIEXBAR window follows the loaded register. */
static void test_mig_mch_pciexbar(void)
{
    Object *mch = object_resolve_path("/machine/q35/mch", NULL);
    g_autofree uint8_t *data = NULL;
    size_t len;

    test_cfg_write(0, Q35_MCH_PCIEXBAR, 0xb0000001, 4);
    data = test_mig_save(mch, &len);
    test_cfg_write(0, Q35_MCH_PCIEXBAR, 0xb0000000, 4);
    g_assert_cmphex(test_host_prop("MCFG"), ==, UINT64_MAX);
    test_mig_load(mch, data, len);
    g_assert_cmphex(test_host_prop("MCFG"), ==, 0xb0000000);
    g_assert_cmphex(test_mem_read(0xb0000000, 4), ==, 0x29c08086);
    test_cfg_write(0, Q35_MCH_PCIEXBAR, 0xb0000000, 4);
}

/* The host's 0xcf8 latch: a guest mid-way through an access finds it. */
static void test_mig_host_latch(void)
{
    Object *host = OBJECT(q35_host_get());
    g_autofree char *path = object_get_canonical_path(host);
    MigSection *sec = migration_section_find("pci-host", path);
    g_autoptr(MigFields) w = NULL;
    g_autoptr(MigFields) r = NULL;
    const uint8_t *data;
    size_t len;

    g_assert_nonnull(sec);
    test_io_out(0xcf8, PCI_HOST_CONFIG_ENABLE | PCI_VENDOR_ID, 4);
    w = migration_section_save(sec);
    data = mig_fields_data(w, &len);
    test_io_out(0xcf8, 0, 4);
    r = mig_fields_new_reader(data, len);
    g_assert_true(migration_section_load(sec, r, 1, &error_abort));
    g_assert_cmphex(test_io_in(0xcf8, 4), ==, PCI_HOST_CONFIG_ENABLE);
    g_assert_cmphex(test_io_in(0xcfc, 4), ==, 0x29c08086);
}

/* A bridge: bus numbers, window and decoding loaded, the window maps. */
static void test_mig_bridge_window(void)
{
    DeviceState *br = test_bridge_add(&error_abort);
    PCIDevice *dev = test_add_behind_bridge();
    int devfn = PCI_DEVFN(TEST_BRIDGE_SLOT, 0);
    g_autofree uint8_t *data = NULL;
    size_t len;

    test_bridge_bus1_bar(devfn);
    test_cfg_write(devfn, PCI_MEMORY_BASE, 0xe800, 2);
    test_cfg_write(devfn, PCI_MEMORY_LIMIT, 0xe800, 2);
    test_cfg_write(devfn, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(test_mem_read(0xe8000010, 4), ==, 0xa5000010);
    data = test_mig_save(OBJECT(br), &len);
    test_cfg_write(devfn, PCI_COMMAND, 0, 2);
    g_assert_cmphex(test_mem_read(0xe8000010, 4), ==, 0);
    test_mig_load(OBJECT(br), data, len);
    g_assert_cmphex(test_mem_read(0xe8000010, 4), ==, 0xa5000010);
    test_del(dev);
    test_del(PCI_DEVICE(br));
}

static void test_system_reset_disables_ecam(void)
{
    test_cfg_write(0, Q35_MCH_PCIEXBAR, 0xb0000001, 4);
    g_assert_cmphex(test_host_prop("MCFG"), ==, 0xb0000000);
    device_cold_reset(q35_host_get());
    g_assert_cmphex(test_host_prop("MCFG"), ==, UINT64_MAX);
    g_assert_cmphex(test_io_in(0xcf8, 4), ==, 0);
    g_assert_cmphex(test_cfg_read(0, Q35_MCH_PCIEXBAR, 4), ==, 0xb0000000);
}

/* ---- board helpers ---- */

#define TYPE_TEST_IOAPIC "test-ioapic"

static int test_ioapic_level[TEST_NB_GSIS];

static void test_ioapic_set_irq(void *opaque, int n, int level)
{
    test_ioapic_level[n] = level;
}

static bool test_ioapic_realize(DeviceState *dev, Error **errp)
{
    qdev_init_gpio_in(dev, test_ioapic_set_irq, TEST_NB_GSIS);
    return true;
}

static void test_ioapic_class_init(ObjectClass *klass, void *data)
{
    DEVICE_CLASS(klass)->realize = test_ioapic_realize;
}

static const TypeInfo test_ioapic_info = {
    .name = TYPE_TEST_IOAPIC,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(DeviceState),
    .class_init = test_ioapic_class_init,
};

static void test_create_simple_at_devfn(void)
{
    Object *parent = container_get(object_get_root(), "/machine/unattached");
    PCIDevice *dev = pci_create_simple(test_bus, PCI_DEVFN(6, 2),
                                       TYPE_TEST_PCI_DEV, parent, "t62",
                                       &error_abort);
    g_autoptr(Error) err = NULL;

    g_assert_cmphex(test_cfg_read(PCI_DEVFN(6, 2), 0, 4), ==, 0x56781234);
    g_assert_null(pci_create_simple(test_bus, PCI_DEVFN(6, 2),
                                    TYPE_TEST_PCI_DEV, parent, "t62b", &err));
    g_assert_nonnull(err);
    g_assert_null(object_resolve_path("/machine/unattached/t62b", NULL));
    test_del(dev);
}

/* Last: rewires the host's PIRQ lines away from test_gsi_level. */
static void test_connect_ioapic_routes_pirqs(void)
{
    Object *ioapic = object_new(TYPE_TEST_IOAPIC);
    PCIDevice *dev;

    object_property_add_child(container_get(object_get_root(),
                                            "/machine/unattached"),
                              "test-ioapic", ioapic);
    object_unref(ioapic);
    g_assert_true(qdev_realize(DEVICE(ioapic), NULL, &error_abort));
    q35_host_connect_ioapic(q35_host_get(), DEVICE(ioapic));
    dev = test_add("1");
    pci_irq_assert(dev);        /* slot 1 pin A -> PIRQB -> GSI 17 */
    g_assert_cmpint(test_ioapic_level[17], ==, 1);
    pci_irq_deassert(dev);
    g_assert_cmpint(test_ioapic_level[17], ==, 0);
    test_del(dev);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    type_register_static(&test_ioapic_info);
    test_setup_machine();

    g_test_add_func("/pci/config/host-bridge-identity",
                    test_config_host_bridge_identity);
    g_test_add_func("/pci/config/absent-device-reads-all-ones",
                    test_config_absent_device_reads_all_ones);
    g_test_add_func("/pci/config/disabled-index-reads-all-ones",
                    test_config_disabled_index_reads_all_ones);
    g_test_add_func("/pci/config/index-ignores-narrow-writes",
                    test_config_index_ignores_narrow_writes);
    g_test_add_func("/pci/config/device-identity-and-caps",
                    test_config_device_identity_and_caps);
    g_test_add_func("/pci/config/capability-bytes-read-only",
                    test_config_capability_bytes_read_only);
    g_test_add_func("/pci/bar/sizing", test_bar_sizing);
    g_test_add_func("/pci/bar/mapped-only-when-memory-enabled",
                    test_bar_mapped_only_when_memory_enabled);
    g_test_add_func("/pci/bar/remapped-on-address-change",
                    test_bar_remapped_on_address_change);
    g_test_add_func("/pci/bar/all-ones-and-zero-unmapped",
                    test_bar_all_ones_and_zero_unmapped);
    g_test_add_func("/pci/bar/64bit-above-4g", test_bar_64bit_above_4g);
    g_test_add_func("/pci/bar/reset-unmaps", test_bar_reset_unmaps);
    g_test_add_func("/pci/msix/vector-lands-in-ram",
                    test_msix_vector_lands_in_ram);
    g_test_add_func("/pci/msix/masked-vector-pending-until-unmask",
                    test_msix_masked_vector_pending_until_unmask);
    g_test_add_func("/pci/msix/function-mask-defers-delivery",
                    test_msix_function_mask_defers_delivery);
    g_test_add_func("/pci/msix/disabled-drops-message",
                    test_msix_disabled_drops_message);
    g_test_add_func("/pci/msix/vectors-start-masked",
                    test_msix_vectors_start_masked);
    g_test_add_func("/pci/intx/slot-swizzle-to-gsi",
                    test_intx_slot_swizzle_to_gsi);
    g_test_add_func("/pci/intx/shared-line-stays-up",
                    test_intx_shared_line_stays_up);
    g_test_add_func("/pci/intx/disable-withdraws-line",
                    test_intx_disable_withdraws_line);
    g_test_add_func("/pci/addr/parse", test_addr_parse);
    g_test_add_func("/pci/addr/first-free-slot", test_addr_first_free_slot);
    g_test_add_func("/pci/addr/slot-in-use-message",
                    test_addr_slot_in_use_message);
    g_test_add_func("/pci/addr/slot-in-use-names-id",
                    test_addr_slot_in_use_names_id);
    g_test_add_func("/pci/addr/host-bridge-slot-in-use",
                    test_addr_host_bridge_slot_in_use);
    g_test_add_func("/pci/addr/bad-value-message",
                    test_addr_bad_value_message);
    g_test_add_func("/pci/addr/function-of-single-function-slot",
                    test_addr_function_of_single_function_slot);
    g_test_add_func("/pci/addr/function0-after-other-function",
                    test_addr_function0_after_other_function);
    g_test_add_func("/pci/addr/multifunction-allows-functions",
                    test_addr_multifunction_allows_functions);
    g_test_add_func("/pci/bridge/chassis-required",
                    test_bridge_chassis_required);
    g_test_add_func("/pci/bridge/identity", test_bridge_identity);
    g_test_add_func("/pci/bridge/config-reaches-secondary-bus",
                    test_bridge_config_reaches_secondary_bus);
    g_test_add_func("/pci/bridge/memory-window-forwards-bars",
                    test_bridge_memory_window_forwards_bars);
    g_test_add_func("/pci/bridge/intx-swizzle", test_bridge_intx_swizzle);
    g_test_add_func("/pci/bridge/header-as-qemu", test_bridge_header_as_qemu);
    g_test_add_func("/pci/bridge/secondary-bus-reset",
                    test_bridge_secondary_bus_reset);
    g_test_add_func("/pci/power/off-hides-function-and-resets",
                    test_power_off_hides_function);
    g_test_add_func("/pci/info/qemu-format", test_info_pci_format);
    g_test_add_func("/pci/q35/default-holes", test_q35_default_holes);
    g_test_add_func("/pci/q35/machine-set-holes", test_q35_machine_set_holes);
    g_test_add_func("/pci/q35/hole-size-fixed-after-realize",
                    test_q35_hole_size_fixed_after_realize);
    g_test_add_func("/pci/q35/hole-start-read-only",
                    test_q35_hole_start_read_only);
    g_test_add_func("/pci/ecam/disabled-until-pciexbar",
                    test_ecam_disabled_until_pciexbar);
    g_test_add_func("/pci/ecam/reaches-config-space",
                    test_ecam_reaches_config_space);
    g_test_add_func("/pci/ecam/system-reset-disables-ecam",
                    test_system_reset_disables_ecam);
    g_test_add_func("/pci/board/create-simple-at-devfn",
                    test_create_simple_at_devfn);
    g_test_add_func("/pci/board/connect-ioapic-routes-pirqs",
                    test_connect_ioapic_routes_pirqs);
    g_test_add_func("/pci/migration/mch-pciexbar-window-follows",
                    test_mig_mch_pciexbar);
    g_test_add_func("/pci/migration/host-address-latch",
                    test_mig_host_latch);
    g_test_add_func("/pci/migration/bridge-window-follows",
                    test_mig_bridge_window);
    return g_test_run();
}
