/*
 * PCI for the test driver: configuration mechanism #1 over qtest port I/O,
 * BAR assignment, MSI-X.  See pci.h.
 */
#include "qemu/osdep.h"
#include "pci.h"

#define QPCI_CONFIG_ADDRESS 0xcf8
#define QPCI_CONFIG_DATA    0xcfc

void qpci_bus_init(QPCIBus *bus, QTestState *qts)
{
    bus->qts = qts;
    bus->mmio_next = QPCI_MMIO_BASE;
}

static void qpci_select(QPCIDevice *dev, uint8_t offset)
{
    qtest_outl(dev->bus->qts, QPCI_CONFIG_ADDRESS,
               0x80000000u | (dev->devfn << 8) | (offset & 0xfc));
}

uint8_t qpci_config_readb(QPCIDevice *dev, uint8_t offset)
{
    qpci_select(dev, offset);
    return qtest_inb(dev->bus->qts, QPCI_CONFIG_DATA + (offset & 3));
}

uint16_t qpci_config_readw(QPCIDevice *dev, uint8_t offset)
{
    qpci_select(dev, offset);
    return qtest_inw(dev->bus->qts, QPCI_CONFIG_DATA + (offset & 2));
}

uint32_t qpci_config_readl(QPCIDevice *dev, uint8_t offset)
{
    qpci_select(dev, offset);
    return qtest_inl(dev->bus->qts, QPCI_CONFIG_DATA);
}

void qpci_config_writeb(QPCIDevice *dev, uint8_t offset, uint8_t value)
{
    qpci_select(dev, offset);
    qtest_outb(dev->bus->qts, QPCI_CONFIG_DATA + (offset & 3), value);
}

void qpci_config_writew(QPCIDevice *dev, uint8_t offset, uint16_t value)
{
    qpci_select(dev, offset);
    qtest_outw(dev->bus->qts, QPCI_CONFIG_DATA + (offset & 2), value);
}

void qpci_config_writel(QPCIDevice *dev, uint8_t offset, uint32_t value)
{
    qpci_select(dev, offset);
    qtest_outl(dev->bus->qts, QPCI_CONFIG_DATA, value);
}

static bool qpci_id_matches(uint32_t id, uint16_t vendor,
                            const uint16_t *device_ids, int nb_ids)
{
    if ((id & 0xffff) != vendor) {
        return false;
    }
    for (int i = 0; i < nb_ids; i++) {
        if ((id >> 16) == device_ids[i]) {
            return true;
        }
    }
    return false;
}

QPCIDevice *qpci_find_device_any_nth(QPCIBus *bus, uint16_t vendor,
                                     const uint16_t *device_ids, int nb_ids,
                                     int nth)
{
    QPCIDevice probe = { .bus = bus };

    for (probe.devfn = 0; probe.devfn < 256; probe.devfn++) {
        uint32_t id = qpci_config_readl(&probe, QPCI_VENDOR_ID);

        if (qpci_id_matches(id, vendor, device_ids, nb_ids) && !nth--) {
            return g_memdup2(&probe, sizeof(probe));
        }
    }
    return NULL;
}

QPCIDevice *qpci_find_device_nth(QPCIBus *bus, uint16_t vendor,
                                 uint16_t device, int nth)
{
    return qpci_find_device_any_nth(bus, vendor, &device, 1, nth);
}

QPCIDevice *qpci_find_device(QPCIBus *bus, uint16_t vendor, uint16_t device)
{
    return qpci_find_device_nth(bus, vendor, device, 0);
}

uint8_t qpci_find_capability(QPCIDevice *dev, uint8_t id, uint8_t start)
{
    uint8_t offset = start ? qpci_config_readb(dev, start + 1)
                           : qpci_config_readb(dev, QPCI_CAPABILITY_LIST);
    int guard;

    /* The list is guest-visible data: bound the walk. */
    for (guard = 0; offset && guard < 48; guard++) {
        if (qpci_config_readb(dev, offset) == id) {
            return offset;
        }
        offset = qpci_config_readb(dev, offset + 1);
    }
    return 0;
}

uint64_t qpci_iomap(QPCIDevice *dev, int bar, uint64_t *sizep)
{
    uint8_t reg = QPCI_BAR0 + bar * 4;
    uint32_t orig = qpci_config_readl(dev, reg);
    bool is_64 = (orig & 0x6) == 0x4;
    uint64_t mask, size, addr;

    g_assert_false(orig & 1);   /* memory BARs only */
    qpci_config_writel(dev, reg, 0xffffffff);
    mask = qpci_config_readl(dev, reg) & ~0xfULL;
    if (is_64) {
        qpci_config_writel(dev, reg + 4, 0xffffffff);
        mask |= (uint64_t)qpci_config_readl(dev, reg + 4) << 32;
    } else {
        mask |= 0xffffffff00000000ULL;
    }
    size = mask ? (~mask + 1) : 0;
    if (sizep) {
        *sizep = size;
    }
    if (!size) {
        return 0;
    }
    addr = QEMU_ALIGN_UP(dev->bus->mmio_next, size);
    g_assert_cmphex(addr + size, <=, QPCI_MMIO_LIMIT);
    dev->bus->mmio_next = addr + size;
    qpci_config_writel(dev, reg, (uint32_t)addr);
    if (is_64) {
        qpci_config_writel(dev, reg + 4, (uint32_t)(addr >> 32));
    }
    return addr;
}

void qpci_device_enable(QPCIDevice *dev)
{
    uint16_t cmd = qpci_config_readw(dev, QPCI_COMMAND);

    qpci_config_writew(dev, QPCI_COMMAND,
                       cmd | QPCI_COMMAND_MEMORY | QPCI_COMMAND_MASTER);
}

void qpci_msix_enable(QPCIDevice *dev)
{
    uint8_t cap = qpci_find_capability(dev, QPCI_CAP_ID_MSIX, 0);
    uint16_t ctrl;
    uint32_t table;
    uint64_t bar_addr;

    g_assert_cmpuint(cap, !=, 0);
    ctrl = qpci_config_readw(dev, cap + 2);
    table = qpci_config_readl(dev, cap + 4);
    bar_addr = qpci_iomap(dev, table & 7, NULL);
    dev->msix_table = bar_addr + (table & ~7u);
    dev->msix_entries = (ctrl & 0x7ff) + 1;
    qpci_device_enable(dev);
    qpci_config_writew(dev, cap + 2, (ctrl | 0x8000) & ~0x4000);
}

void qpci_msix_set_vector(QPCIDevice *dev, uint16_t n, uint64_t addr,
                          uint32_t data)
{
    uint64_t entry = dev->msix_table + n * 16;

    g_assert_cmpuint(n, <, dev->msix_entries);
    qtest_writel(dev->bus->qts, entry, (uint32_t)addr);
    qtest_writel(dev->bus->qts, entry + 4, (uint32_t)(addr >> 32));
    qtest_writel(dev->bus->qts, entry + 8, data);
    qtest_writel(dev->bus->qts, entry + 12, 0);     /* unmasked */
}
