/*
 * MSI-X: the capability's message control (enable, function mask), the
 * vector table and pending-bit array as MMIO regions inside a device BAR,
 * and delivery of a message as a 4-byte store into system memory.  A
 * vector signalled while masked becomes pending and is delivered when it
 * is unmasked (PCI 3.0, 6.8.2.9).  Config writes arrive from hw/pci/pci.c;
 * users are device models such as hw/virtio/virtio-pci.c.
 */
#include "qemu/osdep.h"
#include "hw/pci/msix.h"
#include "hw/pci/trace.h"
#include "pci-internal.h"

/* QEMU's exclusive BAR: 4 KiB or more, PBA in the upper half. */
#define MSIX_EXCLUSIVE_BAR_MIN_SIZE 4096

static uint16_t msix_control(const PCIDevice *dev)
{
    return pci_get_word(dev->config + dev->msix_cap + PCI_MSIX_FLAGS);
}

bool msix_present(const PCIDevice *dev)
{
    return dev->msix_cap != 0;
}

bool msix_enabled(const PCIDevice *dev)
{
    return msix_present(dev) && (msix_control(dev) & PCI_MSIX_FLAGS_ENABLE);
}

unsigned int msix_nr_vectors(const PCIDevice *dev)
{
    return dev->msix_nb_vectors;
}

static uint8_t *msix_entry(const PCIDevice *dev, unsigned int vector)
{
    return dev->msix_table + vector * PCI_MSIX_ENTRY_SIZE;
}

static bool msix_is_vector_masked(const PCIDevice *dev, unsigned int vector)
{
    return pci_get_long(msix_entry(dev, vector) + PCI_MSIX_ENTRY_VECTOR_CTRL) &
           PCI_MSIX_ENTRY_CTRL_MASKBIT;
}

bool msix_is_masked(const PCIDevice *dev, unsigned int vector)
{
    return (msix_control(dev) & PCI_MSIX_FLAGS_MASKALL) ||
           msix_is_vector_masked(dev, vector);
}

bool msix_is_pending(const PCIDevice *dev, unsigned int vector)
{
    return dev->msix_pba[vector / 8] & (1u << (vector % 8));
}

static void msix_set_pending(PCIDevice *dev, unsigned int vector, bool on)
{
    uint8_t bit = 1u << (vector % 8);

    if (on) {
        dev->msix_pba[vector / 8] |= bit;
    } else {
        dev->msix_pba[vector / 8] &= ~bit;
    }
}

static void msix_send_message(PCIDevice *dev, unsigned int vector)
{
    const uint8_t *entry = msix_entry(dev, vector);
    uint64_t addr = pci_get_quad(entry + PCI_MSIX_ENTRY_LOWER_ADDR);
    uint32_t data = pci_get_long(entry + PCI_MSIX_ENTRY_DATA);

    trace_msix_send(pci_device_name(dev), vector, addr, data);
    address_space_st(address_space_memory(), addr, data, 4);
}

void msix_notify(PCIDevice *dev, unsigned int vector)
{
    if (!msix_enabled(dev) || vector >= dev->msix_nb_vectors) {
        return;
    }
    if (msix_is_masked(dev, vector)) {
        trace_msix_pending(pci_device_name(dev), vector);
        msix_set_pending(dev, vector, true);
        return;
    }
    msix_send_message(dev, vector);
}

/* A vector that became unmasked delivers its pending message. */
static void msix_deliver_if_unmasked(PCIDevice *dev, unsigned int vector)
{
    if (!msix_enabled(dev) || msix_is_masked(dev, vector) ||
        !msix_is_pending(dev, vector)) {
        return;
    }
    msix_set_pending(dev, vector, false);
    msix_send_message(dev, vector);
}

static void msix_deliver_all_unmasked(PCIDevice *dev)
{
    unsigned int vector;

    for (vector = 0; vector < dev->msix_nb_vectors; vector++) {
        msix_deliver_if_unmasked(dev, vector);
    }
}

void msix_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                       unsigned len)
{
    uint32_t ctrl = dev->msix_cap + PCI_MSIX_FLAGS;

    if (!msix_present(dev) || addr + len <= ctrl || addr >= ctrl + 2) {
        return;
    }
    msix_deliver_all_unmasked(dev);
}

/* ---- table and PBA ---- */

static uint64_t msix_table_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *dev = opaque;
    uint64_t val = 0;

    memcpy(&val, dev->msix_table + addr, size);
    return GUINT64_FROM_LE(val);
}

static void msix_table_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    PCIDevice *dev = opaque;
    unsigned int vector = addr / PCI_MSIX_ENTRY_SIZE;
    uint64_t le = GUINT64_TO_LE(val);

    memcpy(dev->msix_table + addr, &le, size);
    /* Only bit 0 of vector control is defined; the rest reads as 0. */
    dev->msix_table[vector * PCI_MSIX_ENTRY_SIZE +
                    PCI_MSIX_ENTRY_VECTOR_CTRL] &= PCI_MSIX_ENTRY_CTRL_MASKBIT;
    memset(dev->msix_table + vector * PCI_MSIX_ENTRY_SIZE +
           PCI_MSIX_ENTRY_VECTOR_CTRL + 1, 0, 3);
    msix_deliver_if_unmasked(dev, vector);
}

static const MemoryRegionOps msix_table_ops = {
    .read = msix_table_read,
    .write = msix_table_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

static uint64_t msix_pba_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *dev = opaque;
    uint64_t val = 0;

    memcpy(&val, dev->msix_pba + addr, size);
    return GUINT64_FROM_LE(val);
}

/* The PBA is read-only for the guest. */
static void msix_pba_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
}

static const MemoryRegionOps msix_pba_ops = {
    .read = msix_pba_read,
    .write = msix_pba_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

static unsigned int msix_pba_size(unsigned int nb_vectors)
{
    return QEMU_ALIGN_UP(nb_vectors, 64) / 8;
}

size_t msix_table_bytes(const PCIDevice *dev)
{
    return msix_present(dev) ? dev->msix_nb_vectors * PCI_MSIX_ENTRY_SIZE : 0;
}

size_t msix_pba_bytes(const PCIDevice *dev)
{
    return msix_present(dev) ? msix_pba_size(dev->msix_nb_vectors) : 0;
}

static bool msix_check_args(PCIDevice *dev, unsigned int nb_vectors,
                            MemoryRegion *table_bar, uint32_t table_offset,
                            MemoryRegion *pba_bar, uint32_t pba_offset,
                            Error **errp)
{
    uint64_t table_size = (uint64_t)nb_vectors * PCI_MSIX_ENTRY_SIZE;

    if (nb_vectors < 1 || nb_vectors > PCI_MSIX_MAX_VECTORS) {
        error_setg(errp, "%s: MSI-X vectors %u are outside 1..%u",
                   pci_device_name(dev), nb_vectors, PCI_MSIX_MAX_VECTORS);
        return false;
    }
    if (table_offset % 8 || pba_offset % 8 ||
        table_offset + table_size > memory_region_size(table_bar) ||
        pba_offset + msix_pba_size(nb_vectors) > memory_region_size(pba_bar)) {
        error_setg(errp, "%s: MSI-X table at 0x%x or PBA at 0x%x does not fit its BAR or is not 8-byte aligned",
                   pci_device_name(dev), table_offset, pba_offset);
        return false;
    }
    return true;
}

static void msix_init_capability(PCIDevice *dev, unsigned int nb_vectors,
                                 uint8_t table_bar_nr, uint32_t table_offset,
                                 uint8_t pba_bar_nr, uint32_t pba_offset)
{
    uint8_t *cap = dev->config + dev->msix_cap;

    pci_set_word(cap + PCI_MSIX_FLAGS, nb_vectors - 1);
    pci_set_long(cap + PCI_MSIX_TABLE, table_offset | table_bar_nr);
    pci_set_long(cap + PCI_MSIX_PBA, pba_offset | pba_bar_nr);
    /* Only enable and function mask are writable. */
    dev->wmask[dev->msix_cap + PCI_MSIX_FLAGS + 1] =
        (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) >> 8;
}

static void msix_mask_all_vectors(PCIDevice *dev)
{
    unsigned int vector;

    for (vector = 0; vector < dev->msix_nb_vectors; vector++) {
        pci_set_long(msix_entry(dev, vector) + PCI_MSIX_ENTRY_VECTOR_CTRL,
                     PCI_MSIX_ENTRY_CTRL_MASKBIT);
    }
}

bool msix_init(PCIDevice *dev, unsigned int nb_vectors,
               MemoryRegion *table_bar, uint8_t table_bar_nr,
               uint32_t table_offset, MemoryRegion *pba_bar,
               uint8_t pba_bar_nr, uint32_t pba_offset, uint8_t cap_pos,
               Error **errp)
{
    if (!msix_check_args(dev, nb_vectors, table_bar, table_offset, pba_bar,
                         pba_offset, errp) ||
        !pci_add_capability(dev, PCI_CAP_ID_MSIX, cap_pos, PCI_MSIX_CAP_SIZE,
                            errp)) {
        return false;
    }
    dev->msix_cap = cap_pos;
    dev->msix_nb_vectors = nb_vectors;
    dev->msix_table = g_malloc0(nb_vectors * PCI_MSIX_ENTRY_SIZE);
    dev->msix_pba = g_malloc0(msix_pba_size(nb_vectors));
    msix_init_capability(dev, nb_vectors, table_bar_nr, table_offset,
                         pba_bar_nr, pba_offset);
    msix_mask_all_vectors(dev);
    memory_region_init_io(&dev->msix_table_mmio, OBJECT(dev),
                          &msix_table_ops, dev, "msix-table",
                          nb_vectors * PCI_MSIX_ENTRY_SIZE);
    memory_region_add_subregion(table_bar, table_offset,
                                &dev->msix_table_mmio);
    memory_region_init_io(&dev->msix_pba_mmio, OBJECT(dev), &msix_pba_ops,
                          dev, "msix-pba", msix_pba_size(nb_vectors));
    memory_region_add_subregion(pba_bar, pba_offset, &dev->msix_pba_mmio);
    return true;
}

bool msix_init_exclusive_bar(PCIDevice *dev, unsigned int nb_vectors,
                             uint8_t bar_nr, uint8_t cap_pos, Error **errp)
{
    uint64_t table_size = (uint64_t)nb_vectors * PCI_MSIX_ENTRY_SIZE;
    uint64_t bar_size = MSIX_EXCLUSIVE_BAR_MIN_SIZE;
    g_autofree char *name = NULL;

    while (bar_size / 2 < MAX(table_size, msix_pba_size(nb_vectors))) {
        bar_size *= 2;
    }
    name = g_strdup_printf("%s-msix", pci_device_name(dev));
    memory_region_init(&dev->msix_exclusive_bar, OBJECT(dev), name,
                       bar_size);
    if (!msix_init(dev, nb_vectors, &dev->msix_exclusive_bar, bar_nr, 0,
                   &dev->msix_exclusive_bar, bar_nr, bar_size / 2, cap_pos,
                   errp)) {
        memory_region_finalize(&dev->msix_exclusive_bar);
        return false;
    }
    dev->has_msix_exclusive_bar = true;
    pci_register_bar(dev, bar_nr, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     &dev->msix_exclusive_bar);
    return true;
}

void msix_uninit(PCIDevice *dev)
{
    if (!msix_present(dev)) {
        return;
    }
    /* Finalizing also takes them out of their BARs. */
    memory_region_finalize(&dev->msix_table_mmio);
    memory_region_finalize(&dev->msix_pba_mmio);
    g_clear_pointer(&dev->msix_table, g_free);
    g_clear_pointer(&dev->msix_pba, g_free);
    dev->msix_cap = 0;
    dev->msix_nb_vectors = 0;
}

void msix_reset(PCIDevice *dev)
{
    if (!msix_present(dev)) {
        return;
    }
    pci_set_word(dev->config + dev->msix_cap + PCI_MSIX_FLAGS,
                 msix_control(dev) &
                 ~(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL));
    memset(dev->msix_table, 0, dev->msix_nb_vectors * PCI_MSIX_ENTRY_SIZE);
    memset(dev->msix_pba, 0, msix_pba_size(dev->msix_nb_vectors));
    msix_mask_all_vectors(dev);
}
