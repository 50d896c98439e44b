/*
 * The "pci-config" migration section of every PCI function (device
 * phase): the 256 config bytes, the INTx level, and the MSI-X table and
 * PBA.  Loading applies them as a guest write would leave them: BARs
 * mapped or unmapped by the memory API, then the kind's own post_load
 * (bridge windows, q35's PCIEXBAR).  Device state beyond config space is
 * the device's own section (virtio-pci, virtio core, ...).
 */
#include "qemu/osdep.h"
#include "pci-internal.h"
#include "hw/pci/msix.h"
#include "migration/register.h"

#define PCI_MIG_SECTION "pci-config"

/*
 * The section's opaque is dev->config, not dev: a device kind registers
 * its own sections with dev, and unregistering goes by opaque.
 */
static PCIDevice *pci_mig_dev(void *opaque)
{
    return (PCIDevice *)((uint8_t *)opaque - offsetof(PCIDevice, config));
}

static void pci_mig_save(MigFields *f, void *opaque)
{
    PCIDevice *dev = pci_mig_dev(opaque);

    mig_put_u16(f, "vendor-id", pci_get_word(dev->config + PCI_VENDOR_ID));
    mig_put_u16(f, "device-id", pci_get_word(dev->config + PCI_DEVICE_ID));
    mig_put_u16(f, "class", pci_get_word(dev->config + PCI_CLASS_DEVICE));
    mig_put_bytes(f, "config", dev->config, PCI_CONFIG_SPACE_SIZE);
    mig_put_u8(f, "irq-level", dev->irq_level);
    mig_put_u64(f, "msix-vectors", dev->msix_nb_vectors);
    if (msix_present(dev)) {
        mig_put_bytes(f, "msix-table", dev->msix_table,
                      msix_table_bytes(dev));
        mig_put_bytes(f, "msix-pba", dev->msix_pba, msix_pba_bytes(dev));
    }
}

/* What the stream holds for dev, read and checked before any change. */
typedef struct PCIMigState {
    uint8_t config[PCI_CONFIG_SPACE_SIZE];
    uint8_t irq_level;
    uint8_t *table;             /* g_malloc'ed; NULL without MSI-X */
    uint8_t *pba;
} PCIMigState;

/* An identity word of the header, compared in hex as lspci shows it. */
static bool pci_mig_check_id(MigFields *f, const char *name, uint16_t mine,
                             Error **errp)
{
    uint16_t theirs;

    if (!mig_get_u16(f, name, &theirs, errp)) {
        return false;
    }
    if (theirs != mine) {
        error_setg(errp, "%s: source 0x%04x, destination 0x%04x", name,
                   theirs, mine);
        return false;
    }
    return true;
}

static bool pci_mig_read(MigFields *f, PCIDevice *dev, PCIMigState *st,
                         Error **errp)
{
    if (!pci_mig_check_id(f, "vendor-id",
                          pci_get_word(dev->config + PCI_VENDOR_ID), errp) ||
        !pci_mig_check_id(f, "device-id",
                          pci_get_word(dev->config + PCI_DEVICE_ID), errp) ||
        !pci_mig_check_id(f, "class",
                          pci_get_word(dev->config + PCI_CLASS_DEVICE),
                          errp) ||
        !mig_get_bytes(f, "config", st->config, PCI_CONFIG_SPACE_SIZE,
                       errp) ||
        !mig_get_u8(f, "irq-level", &st->irq_level, errp) ||
        !mig_check_u64(f, "msix-vectors", dev->msix_nb_vectors, errp)) {
        return false;
    }
    if (st->irq_level > 1) {
        error_setg(errp, "irq-level: %u is not 0 or 1", st->irq_level);
        return false;
    }
    if (!msix_present(dev)) {
        return true;
    }
    st->table = g_malloc(msix_table_bytes(dev));
    st->pba = g_malloc(msix_pba_bytes(dev));
    return mig_get_bytes(f, "msix-table", st->table, msix_table_bytes(dev),
                         errp) &&
           mig_get_bytes(f, "msix-pba", st->pba, msix_pba_bytes(dev), errp);
}

static bool pci_mig_load(MigFields *f, void *opaque, uint32_t version,
                         Error **errp)
{
    PCIDevice *dev = pci_mig_dev(opaque);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);
    PCIMigState st = { 0 };

    if (!pci_mig_read(f, dev, &st, errp)) {
        g_free(st.table);
        g_free(st.pba);
        return false;
    }
    memcpy(dev->config, st.config, PCI_CONFIG_SPACE_SIZE);
    if (msix_present(dev)) {
        memcpy(dev->msix_table, st.table, msix_table_bytes(dev));
        memcpy(dev->msix_pba, st.pba, msix_pba_bytes(dev));
    }
    g_free(st.table);
    g_free(st.pba);
    pci_update_mappings(dev);
    if (pc->post_load) {
        pc->post_load(dev);
    }
    pci_set_irq(dev, st.irq_level);
    return true;
}

static const MigStateOps pci_mig_ops = {
    .phase = MIG_PHASE_DEVICE,
    .version = 1,
    .save = pci_mig_save,
    .load = pci_mig_load,
};

bool pci_migration_register(PCIDevice *dev, Error **errp)
{
    return migration_register_state(PCI_MIG_SECTION, OBJECT(dev),
                                    &pci_mig_ops, dev->config, errp);
}

void pci_migration_unregister(PCIDevice *dev)
{
    migration_unregister_state(dev->config);
}
