/*
 * "pcie-root-port" (1b36:000c, class PCI bridge, as QEMU's generic root
 * port): a bridge (include/hw/pci/pci_bridge.h) whose PCIe secondary bus
 * takes one device at 00.0, with the PCI Express capability and its
 * native hot-plug slot (hw/pci/pcie.c), MSI-X with one vector in BAR0 for
 * slot events, and the bridge subsystem-id capability.  The port is the
 * hotplug handler of its bus; the machine chains to it for memory devices
 * (hw/i386/pc_q35.c).  Config space as QEMU 7.2's: SSVID at 0x40, MSI-X
 * at 0x48, PCIe at 0x54 (256 bytes: no AER or ACS extended capabilities).
 */
#include "qemu/osdep.h"
#include "hw/pci/pcie.h"
#include "hw/pci/msix.h"
#include "hw/pci/trace.h"

#define PCIE_ROOT_PORT_CHASSIS_PROP "chassis"
#define PCIE_ROOT_PORT_SLOT_PROP    "slot"
#define PCIE_ROOT_PORT_PORT_PROP    "port"
#define PCIE_ROOT_PORT_HOTPLUG_PROP "hotplug"

#define PCIE_ROOT_PORT_SSVID_OFFSET 0x40
#define PCIE_ROOT_PORT_SSVID_SIZE   8
#define PCIE_ROOT_PORT_MSIX_OFFSET  0x48
#define PCIE_ROOT_PORT_EXP_OFFSET   0x54
#define PCIE_ROOT_PORT_MSIX_BAR     0
#define PCIE_ROOT_PORT_MSIX_VECTORS 1

/* Bridge control bits that do not apply to PCI Express (hardwired 0). */
#define PCIE_ROOT_PORT_CTL_NOT_PCIE \
    (PCI_BRIDGE_CTL_MASTER_ABORT | PCI_BRIDGE_CTL_FAST_BACK | \
     PCI_BRIDGE_CTL_DISCARD | PCI_BRIDGE_CTL_SEC_DISCARD | \
     PCI_BRIDGE_CTL_DISCARD_STATUS | PCI_BRIDGE_CTL_DISCARD_SERR)

typedef struct PCIERootPort {
    PCIBridge parent_obj;
    PCIESlot slot;
    uint8_t chassis;            /* with slot_nr unique among root ports */
    uint16_t slot_nr;           /* physical slot number ("slot") */
    uint8_t port_nr;            /* link capability port number ("port") */
    bool hotplug;               /* slot hot-plug capable ("hotplug") */
    bool has_chassis_slot;      /* registered in pcie_root_port_chassis */
} PCIERootPort;

#define PCIE_ROOT_PORT(obj) \
    OBJECT_CHECK(PCIERootPort, (obj), TYPE_PCIE_ROOT_PORT)

/* ---- chassis and slot numbers: unique pairs, as QEMU's ---- */

static GArray *pcie_root_port_chassis;   /* uint32_t chassis << 16 | slot */

static uint32_t pcie_root_port_chassis_key(const PCIERootPort *rp)
{
    return (uint32_t)rp->chassis << 16 | rp->slot_nr;
}

static bool pcie_root_port_claim_chassis_slot(PCIERootPort *rp,
                                              Error **errp)
{
    uint32_t key = pcie_root_port_chassis_key(rp);
    guint i;

    if (!pcie_root_port_chassis) {
        pcie_root_port_chassis = g_array_new(false, false, sizeof(key));
    }
    for (i = 0; i < pcie_root_port_chassis->len; i++) {
        if (g_array_index(pcie_root_port_chassis, uint32_t, i) == key) {
            error_setg(errp, "Can't add chassis slot, error %d", -EBUSY);
            return false;
        }
    }
    g_array_append_val(pcie_root_port_chassis, key);
    rp->has_chassis_slot = true;
    return true;
}

static void pcie_root_port_release_chassis_slot(PCIERootPort *rp)
{
    uint32_t key = pcie_root_port_chassis_key(rp);
    guint i;

    for (i = 0; rp->has_chassis_slot && i < pcie_root_port_chassis->len;
         i++) {
        if (g_array_index(pcie_root_port_chassis, uint32_t, i) == key) {
            g_array_remove_index_fast(pcie_root_port_chassis, i);
            break;
        }
    }
    rp->has_chassis_slot = false;
}

/* ---- realize / exit / reset ---- */

/* The secondary bus is named after the id (bus=ID), as QEMU's. */
static char *pcie_root_port_bus_name(DeviceState *qdev)
{
    static unsigned int anon_count;

    return qdev->id ? g_strdup(qdev->id)
                    : g_strdup_printf("pcie.%u", ++anon_count);
}

/* 66 MHz, fast back-to-back and the PCI-only bridge controls do not
 * apply to a PCI Express port. */
static void pcie_root_port_init_regs(PCIDevice *dev)
{
    uint16_t status = pci_get_word(dev->config + PCI_STATUS);
    uint16_t wmask = pci_get_word(dev->wmask + PCI_BRIDGE_CONTROL);

    pci_set_word(dev->config + PCI_STATUS,
                 status & ~(PCI_STATUS_66MHZ | PCI_STATUS_FAST_BACK));
    pci_set_word(dev->config + PCI_SEC_STATUS, 0);
    pci_set_word(dev->wmask + PCI_BRIDGE_CONTROL,
                 wmask & ~PCIE_ROOT_PORT_CTL_NOT_PCIE);
    pci_set_word(dev->w1cmask + PCI_BRIDGE_CONTROL, 0);
}

/* Bridge subsystem vendor/device (PCI-to-PCI Bridge 1.2, 3.2.5.19). */
static bool pcie_root_port_init_ssvid(PCIDevice *dev, Error **errp)
{
    uint8_t *cap = dev->config + PCIE_ROOT_PORT_SSVID_OFFSET;

    if (!pci_add_capability(dev, PCI_CAP_ID_SSVID,
                            PCIE_ROOT_PORT_SSVID_OFFSET,
                            PCIE_ROOT_PORT_SSVID_SIZE, errp)) {
        return false;
    }
    pci_set_word(cap + 4, PCI_VENDOR_ID_REDHAT);
    pci_set_word(cap + 6, 0);
    return true;
}

static void pcie_root_port_uninit_msix(PCIDevice *dev)
{
    msix_uninit(dev);
    if (dev->has_msix_exclusive_bar) {
        memory_region_finalize(&dev->msix_exclusive_bar);
        dev->has_msix_exclusive_bar = false;
    }
}

/* Capabilities in QEMU's order, so the list runs PCIe -> MSI-X -> SSVID. */
static bool pcie_root_port_init_caps(PCIERootPort *rp, Error **errp)
{
    PCIDevice *dev = &rp->parent_obj.parent_obj;

    if (!pcie_root_port_init_ssvid(dev, errp) ||
        !msix_init_exclusive_bar(dev, PCIE_ROOT_PORT_MSIX_VECTORS,
                                 PCIE_ROOT_PORT_MSIX_BAR,
                                 PCIE_ROOT_PORT_MSIX_OFFSET, errp)) {
        return false;
    }
    if (!pcie_cap_init_root_port(dev, PCIE_ROOT_PORT_EXP_OFFSET,
                                 rp->port_nr, errp)) {
        pcie_root_port_uninit_msix(dev);
        return false;
    }
    pcie_slot_init(&rp->slot, &rp->parent_obj, PCIE_ROOT_PORT_EXP_OFFSET,
                   rp->slot_nr, rp->hotplug);
    return true;
}

static bool pcie_root_port_realize(PCIDevice *dev, Error **errp)
{
    PCIERootPort *rp = PCIE_ROOT_PORT(dev);
    g_autofree char *bus_name = NULL;

    if (!pcie_root_port_claim_chassis_slot(rp, errp)) {
        return false;
    }
    bus_name = pcie_root_port_bus_name(DEVICE(dev));
    pci_bridge_init_secondary(&rp->parent_obj, TYPE_PCIE_BUS, bus_name);
    pcie_root_port_init_regs(dev);
    if (!pcie_root_port_init_caps(rp, errp)) {
        pci_bridge_exit(dev);
        pcie_root_port_release_chassis_slot(rp);
        return false;
    }
    BUS(pci_bridge_get_sec_bus(&rp->parent_obj))->hotplug_handler =
        OBJECT(rp);
    trace_pcie_root_port_realize(bus_name, rp->chassis, rp->slot_nr,
                                 rp->hotplug);
    return true;
}

static void pcie_root_port_exit(PCIDevice *dev)
{
    PCIERootPort *rp = PCIE_ROOT_PORT(dev);

    pcie_root_port_uninit_msix(dev);
    pcie_root_port_release_chassis_slot(rp);
    pci_bridge_exit(dev);
}

/* PCIe ports come out of reset with their windows closed (base > limit). */
static void pcie_root_port_reset(PCIDevice *dev)
{
    PCIERootPort *rp = PCIE_ROOT_PORT(dev);

    pci_bridge_reset(dev);
    pci_bridge_disable_base_limit(dev);
    pcie_cap_reset(dev, PCIE_ROOT_PORT_EXP_OFFSET);
    pcie_slot_reset(&rp->slot);
}

static void pcie_root_port_write_config(PCIDevice *dev, uint32_t addr,
                                        uint32_t val, unsigned len)
{
    PCIERootPort *rp = PCIE_ROOT_PORT(dev);
    uint16_t old_ctl = pcie_slot_get_ctl(&rp->slot);
    uint16_t old_sta = pcie_slot_get_sta(&rp->slot);

    pci_bridge_write_config(dev, addr, val, len);
    pcie_slot_write_config(&rp->slot, old_ctl, old_sta, addr, val, len);
}

/* Migration loaded the header: windows, then the slot's derived state. */
static void pcie_root_port_post_load(PCIDevice *dev)
{
    pci_bridge_post_load(dev);
    pcie_slot_post_load(&PCIE_ROOT_PORT(dev)->slot);
}

/* ---- hotplug handler of the secondary bus ---- */

static bool pcie_root_port_pre_plug(Object *handler, DeviceState *dev,
                                    Error **errp)
{
    return pcie_slot_pre_plug(&PCIE_ROOT_PORT(handler)->slot, dev, errp);
}

static void pcie_root_port_plug(Object *handler, DeviceState *dev)
{
    pcie_slot_plug(&PCIE_ROOT_PORT(handler)->slot, dev);
}

static bool pcie_root_port_unplug_request(Object *handler, DeviceState *dev,
                                          Error **errp)
{
    return pcie_slot_unplug_request(&PCIE_ROOT_PORT(handler)->slot, dev,
                                     errp);
}

/* ---- type ---- */

static void pcie_root_port_instance_init(Object *obj)
{
    PCIERootPort *rp = PCIE_ROOT_PORT(obj);
    DeviceState *dev = DEVICE(obj);

    rp->hotplug = true;
    qdev_prop_add_uint8(dev, PCIE_ROOT_PORT_CHASSIS_PROP, &rp->chassis);
    qdev_prop_add_uint16(dev, PCIE_ROOT_PORT_SLOT_PROP, &rp->slot_nr);
    qdev_prop_add_uint8(dev, PCIE_ROOT_PORT_PORT_PROP, &rp->port_nr);
    qdev_prop_add_bool(dev, PCIE_ROOT_PORT_HOTPLUG_PROP, &rp->hotplug);
}

static void pcie_root_port_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);
    HotplugHandlerClass *hc = OBJECT_CLASS_CHECK(HotplugHandlerClass, klass,
                                                 TYPE_HOTPLUG_HANDLER);

    dc->desc = "PCI Express Root Port";
    dc->user_creatable = true;
    pc->realize = pcie_root_port_realize;
    pc->exit = pcie_root_port_exit;
    pc->reset = pcie_root_port_reset;
    pc->config_write = pcie_root_port_write_config;
    pc->post_load = pcie_root_port_post_load;
    pc->vendor_id = PCI_VENDOR_ID_REDHAT;
    pc->device_id = PCI_DEVICE_ID_REDHAT_PCIE_RP;
    hc->pre_plug = pcie_root_port_pre_plug;
    hc->plug = pcie_root_port_plug;
    hc->unplug_request = pcie_root_port_unplug_request;
}

static const TypeInfo pcie_root_port_type_info = {
    .name = TYPE_PCIE_ROOT_PORT,
    .parent = TYPE_PCI_BRIDGE_BASE,
    .instance_size = sizeof(PCIERootPort),
    .instance_init = pcie_root_port_instance_init,
    .class_init = pcie_root_port_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_HOTPLUG_HANDLER },
        { }
    },
};

static void pcie_root_port_register_types(void)
{
    type_register_static(&pcie_root_port_type_info);
}
type_init(pcie_root_port_register_types)
