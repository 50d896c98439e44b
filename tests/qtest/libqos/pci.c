/*
 * PCI for the test driver: configuration mechanism #1 over qtest port I/O,
 * bridges numbered and opened as firmware does, BAR assignment, MSI-X.
 * See pci.h.
 */
#include "qemu/osdep.h"
#include "pci.h"

#define QPCI_CONFIG_ADDRESS 0xcf8
#define QPCI_CONFIG_DATA    0xcfc

#define QPCI_MAX_FUNCTIONS  256

void qpci_bus_init(QPCIBus *bus, QTestState *qts)
{
    bus->qts = qts;
    bus->mmio_next = QPCI_MMIO_BASE;
    bus->mmio_limit = QPCI_MMIO_LIMIT;
    bus->pref_next = 0;
    bus->pref_limit = 0;
}

static void qpci_select(QPCIDevice *dev, uint8_t offset)
{
    qtest_outl(dev->bus->qts, QPCI_CONFIG_ADDRESS,
               0x80000000u | (uint32_t)dev->bus_nr << 16 |
               (dev->devfn << 8) | (offset & 0xfc));
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

QPCIDevice *qpci_device_at(QPCIBus *bus, uint8_t bus_nr, int devfn)
{
    QPCIDevice *dev = g_new0(QPCIDevice, 1);

    dev->bus = bus;
    dev->bus_nr = bus_nr;
    dev->devfn = devfn;
    dev->bridge_devfn = -1;
    return dev;
}

static bool qpci_is_present(QPCIDevice *dev)
{
    return qpci_config_readw(dev, QPCI_VENDOR_ID) != 0xffff;
}

static bool qpci_is_bridge(QPCIDevice *dev)
{
    return (qpci_config_readb(dev, QPCI_HEADER_TYPE) & 0x7f) ==
           QPCI_HEADER_TYPE_BRIDGE;
}

/* ---- bridges: bus numbers and windows, as firmware ---- */

/* Memory window [base, base + size) and prefetchable window after it. */
static void qpci_bridge_open_windows(QPCIDevice *br, uint8_t sec)
{
    uint64_t mem = QPCI_BRIDGE_WINDOW_BASE +
                   (uint64_t)(sec - 1) * 2 * QPCI_BRIDGE_WINDOW_SIZE;
    uint64_t pref = mem + QPCI_BRIDGE_WINDOW_SIZE;

    g_assert_cmphex(pref + QPCI_BRIDGE_WINDOW_SIZE, <=, QPCI_MMIO_BASE);
    qpci_config_writew(br, QPCI_MEMORY_BASE, mem >> 16);
    qpci_config_writew(br, QPCI_MEMORY_LIMIT,
                       (mem + QPCI_BRIDGE_WINDOW_SIZE - 1) >> 16);
    qpci_config_writew(br, QPCI_PREF_MEMORY_BASE, pref >> 16);
    qpci_config_writew(br, QPCI_PREF_MEMORY_LIMIT,
                       (pref + QPCI_BRIDGE_WINDOW_SIZE - 1) >> 16);
    qpci_config_writel(br, QPCI_PREF_BASE_UPPER32, 0);
    qpci_config_writel(br, QPCI_PREF_LIMIT_UPPER32, 0);
    /* I/O closed: base above limit. */
    qpci_config_writew(br, QPCI_IO_BASE, 0x00f0);
    qpci_config_writew(br, QPCI_COMMAND, QPCI_COMMAND_IO |
                       QPCI_COMMAND_MEMORY | QPCI_COMMAND_MASTER);
}

static int qpci_bridges_init_bus(QPCIBus *bus, uint8_t bus_nr, int next);

/* Number the bridge br (on bus_nr) and what is behind it; returns the
 * next free bus number. */
static int qpci_bridge_number(QPCIDevice *br, uint8_t bus_nr, int next)
{
    uint8_t sec = qpci_config_readb(br, QPCI_SECONDARY_BUS);

    if (sec) {
        /* Numbered before (by an earlier call or the guest): kept. */
        return MAX(next, qpci_config_readb(br, QPCI_SUBORDINATE_BUS) + 1);
    }
    g_assert_cmpint(next, <=, 0xff);
    sec = next++;
    qpci_config_writeb(br, QPCI_PRIMARY_BUS, bus_nr);
    qpci_config_writeb(br, QPCI_SECONDARY_BUS, sec);
    qpci_config_writeb(br, QPCI_SUBORDINATE_BUS, 0xff);
    next = qpci_bridges_init_bus(br->bus, sec, next);
    qpci_config_writeb(br, QPCI_SUBORDINATE_BUS, next - 1);
    if (bus_nr == 0) {
        qpci_bridge_open_windows(br, sec);
    }
    return next;
}

static int qpci_bridges_init_bus(QPCIBus *bus, uint8_t bus_nr, int next)
{
    QPCIDevice dev = { .bus = bus, .bus_nr = bus_nr, .bridge_devfn = -1 };

    for (dev.devfn = 0; dev.devfn < QPCI_MAX_FUNCTIONS; dev.devfn++) {
        if (qpci_is_present(&dev) && qpci_is_bridge(&dev)) {
            next = qpci_bridge_number(&dev, bus_nr, next);
        }
    }
    return next;
}

int qpci_bridges_init(QPCIBus *bus)
{
    return qpci_bridges_init_bus(bus, 0, 1) - 1;
}

void qpci_bus_init_behind_bridge(QPCIBus *bus, QPCIDevice *dev)
{
    QPCIDevice br = { .bus = bus, .bus_nr = dev->bridge_bus_nr,
                      .devfn = dev->bridge_devfn };

    g_assert_cmpint(dev->bridge_devfn, >=, 0);
    bus->mmio_next = (uint64_t)qpci_config_readw(&br, QPCI_MEMORY_BASE)
                     << 16;
    bus->mmio_limit = ((uint64_t)qpci_config_readw(&br, QPCI_MEMORY_LIMIT)
                       << 16 | 0xfffff) + 1;
    bus->pref_next = (uint64_t)(qpci_config_readw(&br,
                                                  QPCI_PREF_MEMORY_BASE) &
                                0xfff0) << 16 |
                     (uint64_t)qpci_config_readl(&br, QPCI_PREF_BASE_UPPER32)
                     << 32;
    bus->pref_limit = ((uint64_t)(qpci_config_readw(&br,
                                                    QPCI_PREF_MEMORY_LIMIT) &
                                  0xfff0) << 16 | 0xfffff |
                       (uint64_t)qpci_config_readl(&br,
                                                   QPCI_PREF_LIMIT_UPPER32)
                       << 32) + 1;
}

/* ---- finding functions ---- */

/* A bus to scan and the bridge that leads to it. */
typedef struct QPCIScanBus {
    uint8_t bus_nr;
    uint8_t bridge_bus_nr;
    int bridge_devfn;
} QPCIScanBus;

/* Buses in number order: bus 0, then what the bridges found lead to. */
QPCIDevice *qpci_find_device_any_nth(QPCIBus *bus, uint16_t vendor,
                                     const uint16_t *device_ids, int nb_ids,
                                     int nth)
{
    g_autoptr(GArray) todo = g_array_new(false, false, sizeof(QPCIScanBus));
    QPCIScanBus root = { .bridge_devfn = -1 };
    guint i;

    g_array_append_val(todo, root);
    for (i = 0; i < todo->len; i++) {
        QPCIScanBus at = g_array_index(todo, QPCIScanBus, i);
        QPCIDevice probe = { .bus = bus, .bus_nr = at.bus_nr,
                             .bridge_bus_nr = at.bridge_bus_nr,
                             .bridge_devfn = at.bridge_devfn };

        for (probe.devfn = 0; probe.devfn < QPCI_MAX_FUNCTIONS;
             probe.devfn++) {
            uint32_t id = qpci_config_readl(&probe, QPCI_VENDOR_ID);
            QPCIScanBus sec = { .bridge_bus_nr = at.bus_nr,
                                .bridge_devfn = probe.devfn };

            if (id == 0xffffffff) {
                continue;
            }
            if (qpci_id_matches(id, vendor, device_ids, nb_ids) && !nth--) {
                return g_memdup2(&probe, sizeof(probe));
            }
            if (qpci_is_bridge(&probe)) {
                sec.bus_nr = qpci_config_readb(&probe, QPCI_SECONDARY_BUS);
                if (sec.bus_nr) {
                    g_array_append_val(todo, sec);
                }
            }
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

/* size bytes, size-aligned, from the prefetchable window when there is
 * one for a prefetchable BAR, else from the MMIO window. */
static uint64_t qpci_bus_alloc(QPCIBus *bus, uint64_t size, bool prefetch)
{
    bool use_pref = prefetch && bus->pref_next;
    uint64_t *next = use_pref ? &bus->pref_next : &bus->mmio_next;
    uint64_t limit = use_pref ? bus->pref_limit : bus->mmio_limit;
    uint64_t addr = QEMU_ALIGN_UP(*next, size);

    g_assert_cmphex(addr + size, <=, limit);
    *next = addr + size;
    return addr;
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
    addr = qpci_bus_alloc(dev->bus, size, orig & QPCI_BAR_PREFETCH);
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
