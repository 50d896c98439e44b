/*
 * The PCI Express capability of a root port and its native hot-plug slot
 * (include/hw/pci/pcie.h).  The slot registers in config space are the
 * state: presence detect follows the device on the port's secondary bus,
 * events are latched in Slot Status and signalled (MSI-X vector 0, else
 * INTx) when enabled in Slot Control, and the power controller decides
 * when a device whose removal was requested is really gone.  The port
 * (hw/pci/pcie-root-port.c) calls in from its config write, reset and
 * hotplug handler; removal goes through qdev_unplug_complete().
 */
#include "qemu/osdep.h"
#include "qemu/timer.h"
#include "hw/pci/pcie.h"
#include "hw/pci/msix.h"
#include "hw/pci/trace.h"

/* The events this slot can latch, as Slot Status bits. */
#define PCIE_SLOT_EVENTS (PCI_EXP_SLTSTA_ABP | PCI_EXP_SLTSTA_PDC | \
                          PCI_EXP_SLTSTA_CC | PCI_EXP_SLTSTA_DLLSC)
/* Event bits a guest driver may try to clear (QEMU's set, see below). */
#define PCIE_SLOT_CLEARABLE (PCI_EXP_SLTSTA_ABP | PCI_EXP_SLTSTA_PFD | \
                             PCI_EXP_SLTSTA_MRLSC | PCI_EXP_SLTSTA_PDC | \
                             PCI_EXP_SLTSTA_CC)

/* ---- the capability ---- */

bool pcie_cap_init_root_port(PCIDevice *dev, uint8_t offset, uint8_t port_nr,
                             Error **errp)
{
    uint8_t *c = dev->config + offset;
    uint8_t *w = dev->wmask + offset;

    if (!pci_add_capability(dev, PCI_CAP_ID_EXP, offset,
                            PCI_EXP_VER2_SIZEOF, errp)) {
        return false;
    }
    pci_set_word(c + PCI_EXP_FLAGS,
                 PCI_EXP_FLAGS_VERS2 | PCI_EXP_FLAGS_TYPE_ROOT_PORT);
    pci_set_long(c + PCI_EXP_DEVCAP, PCI_EXP_DEVCAP_RBER);
    pci_set_long(c + PCI_EXP_LNKCAP,
                 (uint32_t)port_nr << 24 | PCI_EXP_LNKCAP_LBNC |
                 PCI_EXP_LNKCAP_DLLLARC | PCI_EXP_LNKCAP_ASPM_L0S |
                 PCIE_LINK_WIDTH_32 << 4 | PCIE_LINK_SPEED_16);
    pci_set_word(c + PCI_EXP_LNKSTA,
                 PCIE_LINK_WIDTH_32 << 4 | PCIE_LINK_SPEED_16);
    pci_set_long(c + PCI_EXP_DEVCAP2, PCI_EXP_DEVCAP2_ARI |
                 PCI_EXP_DEVCAP2_EFF | PCI_EXP_DEVCAP2_EETLPP);
    /* Supported speeds 2.5 to 16 GT/s; target 16 GT/s. */
    pci_set_long(c + PCI_EXP_LNKCAP2, 0x1e);
    pci_set_word(c + PCI_EXP_LNKCTL2, PCIE_LINK_SPEED_16);
    pci_set_word(w + PCI_EXP_DEVCTL, PCI_EXP_DEVCTL_ERR_ENABLES);
    pci_set_word(w + PCI_EXP_RTCTL, PCI_EXP_RTCTL_ERR_ENABLES);
    pci_set_word(w + PCI_EXP_DEVCTL2,
                 PCI_EXP_DEVCTL2_ARI | PCI_EXP_DEVCTL2_EETLPPB);
    return true;
}

void pcie_cap_reset(PCIDevice *dev, uint8_t offset)
{
    pci_set_word(dev->config + offset + PCI_EXP_DEVCTL, 0);
    pci_set_word(dev->config + offset + PCI_EXP_RTCTL, 0);
    pci_set_word(dev->config + offset + PCI_EXP_DEVCTL2, 0);
}

/* ---- slot registers ---- */

static PCIDevice *pcie_slot_dev(const PCIESlot *s)
{
    return &s->port->parent_obj;
}

static const char *pcie_slot_name(const PCIESlot *s)
{
    const char *id = DEVICE(s->port)->id;

    return id ? id : pci_device_name(pcie_slot_dev(s));
}

static uint8_t *pcie_slot_reg(const PCIESlot *s, uint32_t reg)
{
    return pcie_slot_dev(s)->config + s->cap + reg;
}

uint16_t pcie_slot_get_ctl(const PCIESlot *s)
{
    return pci_get_word(pcie_slot_reg(s, PCI_EXP_SLTCTL));
}

uint16_t pcie_slot_get_sta(const PCIESlot *s)
{
    return pci_get_word(pcie_slot_reg(s, PCI_EXP_SLTSTA));
}

static uint32_t pcie_slot_get_cap(const PCIESlot *s)
{
    return pci_get_long(pcie_slot_reg(s, PCI_EXP_SLTCAP));
}

static void pcie_slot_set_ctl(PCIESlot *s, uint16_t ctl)
{
    pci_set_word(pcie_slot_reg(s, PCI_EXP_SLTCTL), ctl);
}

static void pcie_slot_set_sta(PCIESlot *s, uint16_t sta)
{
    pci_set_word(pcie_slot_reg(s, PCI_EXP_SLTSTA), sta);
}

/* Link active follows presence (QEMU 7.2: even before power is on). */
static void pcie_slot_set_link_active(PCIESlot *s, bool active)
{
    uint8_t *lnksta = pcie_slot_reg(s, PCI_EXP_LNKSTA);
    uint16_t v = pci_get_word(lnksta);

    pci_set_word(lnksta, active ? v | PCI_EXP_LNKSTA_DLLLA
                                : v & ~PCI_EXP_LNKSTA_DLLLA);
}

void pcie_slot_init(PCIESlot *s, PCIBridge *port, uint8_t cap,
                    uint16_t slot_nr, bool hotplug)
{
    PCIDevice *dev = &port->parent_obj;
    uint8_t *flags = dev->config + cap + PCI_EXP_FLAGS;
    uint32_t sltcap = PCI_EXP_SLTCAP_ABP | PCI_EXP_SLTCAP_PCP |
                      PCI_EXP_SLTCAP_AIP | PCI_EXP_SLTCAP_PIP |
                      PCI_EXP_SLTCAP_EIP |
                      (uint32_t)slot_nr << PCI_EXP_SLTCAP_PSN_SHIFT;

    s->port = port;
    s->cap = cap;
    s->hpev_notified = false;
    pci_set_word(flags, pci_get_word(flags) | PCI_EXP_FLAGS_SLOT);
    pci_set_long(pcie_slot_reg(s, PCI_EXP_SLTCAP),
                 hotplug ? sltcap | PCI_EXP_SLTCAP_HPC : sltcap);
    pcie_slot_set_ctl(s, PCI_EXP_SLTCTL_PWR_IND_OFF |
                         PCI_EXP_SLTCTL_ATTN_IND_OFF);
    /* EIC is writable only to see the 1 written: it reads back 0. */
    pci_set_word(dev->wmask + cap + PCI_EXP_SLTCTL,
                 PCI_EXP_SLTCTL_ABPE | PCI_EXP_SLTCTL_PDCE |
                 PCI_EXP_SLTCTL_CCIE | PCI_EXP_SLTCTL_HPIE |
                 PCI_EXP_SLTCTL_AIC | PCI_EXP_SLTCTL_PIC |
                 PCI_EXP_SLTCTL_PCC | PCI_EXP_SLTCTL_EIC |
                 PCI_EXP_SLTCTL_DLLSCE);
    pci_set_word(dev->w1cmask + cap + PCI_EXP_SLTSTA, PCIE_SLOT_EVENTS);
}

/* ---- events and interrupts (PCIe 4.0, 6.7.3.4) ---- */

/* Slot Status bits whose interrupt Slot Control enables. */
static uint16_t pcie_slot_enabled_events(uint16_t ctl)
{
    uint16_t events = ctl & (PCI_EXP_SLTCTL_ABPE | PCI_EXP_SLTCTL_PDCE |
                             PCI_EXP_SLTCTL_CCIE);

    /* The three above sit at the same bits in both registers. */
    if (ctl & PCI_EXP_SLTCTL_DLLSCE) {
        events |= PCI_EXP_SLTSTA_DLLSC;
    }
    return events;
}

static bool pcie_slot_wants_interrupt(const PCIESlot *s)
{
    uint16_t ctl = pcie_slot_get_ctl(s);

    return (ctl & PCI_EXP_SLTCTL_HPIE) &&
           (pcie_slot_get_sta(s) & pcie_slot_enabled_events(ctl));
}

/*
 * Signal a change of "an enabled event is pending": INTx follows it; a
 * message goes out when it becomes true.  An event latched while
 * interrupts were disabled is signalled once they are enabled (allowed by
 * 6.7.3.4, and what QEMU does).
 */
static void pcie_slot_notify(PCIESlot *s)
{
    PCIDevice *dev = pcie_slot_dev(s);
    bool was = s->hpev_notified;

    s->hpev_notified = pcie_slot_wants_interrupt(s);
    if (s->hpev_notified == was) {
        return;
    }
    trace_pcie_slot_notify(pcie_slot_name(s), s->hpev_notified,
                           msix_enabled(dev));
    if (msix_enabled(dev)) {
        if (s->hpev_notified) {
            msix_notify(dev, 0);    /* PCI_EXP_FLAGS interrupt message 0 */
        }
        return;
    }
    pci_set_irq(dev, s->hpev_notified);
}

/* Status bits were cleared: INTx may drop; no message for a drop. */
static void pcie_slot_notify_cleared(PCIESlot *s)
{
    PCIDevice *dev = pcie_slot_dev(s);

    s->hpev_notified = pcie_slot_wants_interrupt(s);
    if (!msix_enabled(dev) && !s->hpev_notified) {
        pci_set_irq(dev, 0);
    }
}

/* Latch events; nothing to signal when all were latched already. */
static void pcie_slot_event(PCIESlot *s, uint16_t events)
{
    uint16_t sta = pcie_slot_get_sta(s);

    trace_pcie_slot_event(pcie_slot_name(s), events, sta);
    if ((sta & events) == events) {
        return;
    }
    pcie_slot_set_sta(s, sta | events);
    pcie_slot_notify(s);
}

/* ---- power ---- */

static bool pcie_slot_ctl_is_powered_off(uint16_t ctl)
{
    return (ctl & PCI_EXP_SLTCTL_PCC) &&
           (ctl & PCI_EXP_SLTCTL_PIC) == PCI_EXP_SLTCTL_PWR_IND_OFF;
}

/* Devices on the secondary bus get the power controller's state. */
static void pcie_slot_update_power(PCIESlot *s)
{
    BusState *bus = BUS(pci_bridge_get_sec_bus(s->port));
    bool on = !(pcie_slot_get_cap(s) & PCI_EXP_SLTCAP_PCP) ||
              !(pcie_slot_get_ctl(s) & PCI_EXP_SLTCTL_PCC);
    guint i;

    for (i = 0; i < bus->children->len; i++) {
        pci_set_power(PCI_DEVICE(g_ptr_array_index(bus->children, i)), on);
    }
}

void pcie_slot_post_load(PCIESlot *s)
{
    /* INTx came with the port's irq-level; a message was sent already. */
    s->hpev_notified = pcie_slot_wants_interrupt(s);
    pcie_slot_update_power(s);
}

/* The devices leave; the caller signals the latched events. */
static void pcie_slot_unplug_devices(PCIESlot *s)
{
    BusState *bus = BUS(pci_bridge_get_sec_bus(s->port));

    while (bus->children->len) {
        DeviceState *dev = g_ptr_array_index(bus->children,
                                             bus->children->len - 1);

        trace_pcie_slot_unplug(pcie_slot_name(s),
                               object_get_typename(OBJECT(dev)));
        qdev_unplug_complete(dev);
    }
    pcie_slot_set_sta(s, (pcie_slot_get_sta(s) & ~PCI_EXP_SLTSTA_PDS) |
                         PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_DLLSC);
    pcie_slot_set_link_active(s, false);
}

void pcie_slot_reset(PCIESlot *s)
{
    bool populated = pci_bus_get_device(pci_bridge_get_sec_bus(s->port), 0);
    uint16_t ctl = pcie_slot_get_ctl(s);

    ctl &= ~(PCI_EXP_SLTCTL_EIC | PCI_EXP_SLTCTL_PIC | PCI_EXP_SLTCTL_AIC |
             PCI_EXP_SLTCTL_HPIE | PCI_EXP_SLTCTL_CCIE |
             PCI_EXP_SLTCTL_PDCE | PCI_EXP_SLTCTL_ABPE |
             PCI_EXP_SLTCTL_DLLSCE | PCI_EXP_SLTCTL_PCC);
    ctl |= PCI_EXP_SLTCTL_ATTN_IND_OFF;
    /* A populated slot comes out of reset powered, an empty one off. */
    ctl |= populated ? PCI_EXP_SLTCTL_PWR_IND_ON
                     : PCI_EXP_SLTCTL_PWR_IND_OFF | PCI_EXP_SLTCTL_PCC;
    pcie_slot_set_ctl(s, ctl);
    /* The interlock releases on reset. */
    pcie_slot_set_sta(s, pcie_slot_get_sta(s) &
                         ~(PCI_EXP_SLTSTA_EIS | PCIE_SLOT_EVENTS));
    pcie_slot_update_power(s);
    s->hpev_notified = false;
}

/* ---- config writes ---- */

/* The 16 bits written to the register at reg by a write of val at addr
 * (bytes outside the write read as 0). */
static uint16_t pcie_written_word(uint32_t addr, uint32_t val, unsigned len,
                                  uint32_t reg)
{
    uint16_t word = 0;
    unsigned int i;

    for (i = 0; i < len; i++) {
        if (addr + i == reg || addr + i == reg + 1) {
            word |= (uint16_t)((val >> (8 * i)) & 0xff) << (8 * (addr + i -
                                                                 reg));
        }
    }
    return word;
}

static bool pcie_write_touches(uint32_t addr, unsigned len, uint32_t reg)
{
    return addr < reg + 2 && reg < addr + len;
}

/*
 * Guests clear every status bit during init, also bits that were not set:
 * racing with a new event, such a write would lose it.  As QEMU, a write
 * of 1 to an event bit that was 0 undoes the whole clear.
 */
static void pcie_slot_write_status(PCIESlot *s, uint16_t old_sta,
                                   uint16_t written)
{
    uint16_t sta = pcie_slot_get_sta(s);

    if (written & ~old_sta & PCIE_SLOT_CLEARABLE) {
        sta = (sta & ~PCIE_SLOT_EVENTS) | (old_sta & PCIE_SLOT_EVENTS);
        pcie_slot_set_sta(s, sta);
    }
    pcie_slot_notify_cleared(s);
}

/* One Slot Control write is one command (6.7.3.2). */
static void pcie_slot_write_control(PCIESlot *s, uint16_t old_ctl)
{
    uint16_t ctl = pcie_slot_get_ctl(s);
    uint16_t sta = pcie_slot_get_sta(s);

    if (ctl & PCI_EXP_SLTCTL_EIC) {
        pcie_slot_set_ctl(s, ctl & ~PCI_EXP_SLTCTL_EIC);
        pcie_slot_set_sta(s, sta ^ PCI_EXP_SLTSTA_EIS);
    }
    trace_pcie_slot_control(pcie_slot_name(s), old_ctl, ctl);
    /* Only the transition removes: a guest rewriting the control of a
     * slot that is already off keeps a device that was plugged since. */
    if ((sta & PCI_EXP_SLTSTA_PDS) && pcie_slot_ctl_is_powered_off(ctl) &&
        !pcie_slot_ctl_is_powered_off(old_ctl)) {
        pcie_slot_unplug_devices(s);
    }
    pcie_slot_update_power(s);
    pcie_slot_notify(s);
    /* Emulated commands complete at once. */
    pcie_slot_event(s, PCI_EXP_SLTSTA_CC);
}

void pcie_slot_write_config(PCIESlot *s, uint16_t old_ctl, uint16_t old_sta,
                            uint32_t addr, uint32_t val, unsigned len)
{
    uint32_t sta_reg = s->cap + PCI_EXP_SLTSTA;
    uint32_t ctl_reg = s->cap + PCI_EXP_SLTCTL;

    if (pcie_write_touches(addr, len, sta_reg)) {
        pcie_slot_write_status(s, old_sta,
                               pcie_written_word(addr, val, len, sta_reg));
    }
    if (pcie_write_touches(addr, len, ctl_reg)) {
        pcie_slot_write_control(s, old_ctl);
    }
}

/* ---- hotplug handler steps ---- */

static bool pcie_slot_check_unlocked(const PCIESlot *s, Error **errp)
{
    if (pcie_slot_get_sta(s) & PCI_EXP_SLTSTA_EIS) {
        error_setg(errp, "slot is electromechanically locked: %s",
                   g_strerror(EBUSY));
        return false;
    }
    return true;
}

/* A downstream port's link reaches device 0 only (PCIe 4.0, 7.3.1). */
static bool pcie_slot_check_devfn(const PCIESlot *s, PCIDevice *pdev,
                                  Error **errp)
{
    PCIDevice *f0 = pci_bus_get_device(pci_bridge_get_sec_bus(s->port), 0);

    /* QEMU's messages: the first for a second device in the port. */
    if (pdev->devfn && f0) {
        error_setg(errp, "PCI: slot 0 function 0 already occupied by %s, new func %s cannot be exposed to guest.", pci_device_name(f0),
                   pci_device_name(pdev));
        return false;
    }
    if (PCI_SLOT(pdev->devfn)) {
        error_setg(errp, "PCI: slot %d is not valid for %s, parent device only allows plugging into slot 0.", PCI_SLOT(pdev->devfn),
                   pci_device_name(pdev));
        return false;
    }
    if (PCI_FUNC(pdev->devfn)) {
        error_setg(errp, "PCI: function %d is not valid for %s, parent device only allows plugging into function 0.",
                   PCI_FUNC(pdev->devfn), pci_device_name(pdev));
        return false;
    }
    return true;
}

/* The slot's checks before the address's, in QEMU's order. */
bool pcie_slot_pre_plug(PCIESlot *s, DeviceState *dev, Error **errp)
{
    if (qdev_hotplug_allowed() &&
        !(pcie_slot_get_cap(s) & PCI_EXP_SLTCAP_HPC)) {
        /* QEMU prints a missing id as glibc prints NULL. */
        error_setg(errp, "Hot-plug failed: unsupported by the port device '%s'", DEVICE(s->port)->id ? DEVICE(s->port)->id
                                               : "(null)");
        return false;
    }
    return pcie_slot_check_unlocked(s, errp) &&
           pcie_slot_check_devfn(s, PCI_DEVICE(dev), errp);
}

void pcie_slot_plug(PCIESlot *s, DeviceState *dev)
{
    bool hotplug = qdev_hotplug_allowed();

    trace_pcie_slot_plug(pcie_slot_name(s), object_get_typename(OBJECT(dev)),
                         hotplug);
    pcie_slot_set_sta(s, pcie_slot_get_sta(s) | PCI_EXP_SLTSTA_PDS);
    pcie_slot_set_link_active(s, true);
    /* A device present at start-up is no event; the reset powers it. */
    if (hotplug) {
        pcie_slot_event(s, PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_ABP |
                           PCI_EXP_SLTSTA_DLLSC);
    }
    pcie_slot_update_power(s);
}

bool pcie_slot_unplug_request(PCIESlot *s, DeviceState *dev, Error **errp)
{
    uint16_t ctl = pcie_slot_get_ctl(s);

    if (!(pcie_slot_get_cap(s) & PCI_EXP_SLTCAP_HPC)) {
        error_setg(errp, "Hot-unplug failed: unsupported by the port device '%s'", DEVICE(s->port)->id ? DEVICE(s->port)->id
                                               : "(null)");
        return false;
    }
    if (!pcie_slot_check_unlocked(s, errp)) {
        return false;
    }
    if ((ctl & PCI_EXP_SLTCTL_PIC) == PCI_EXP_SLTCTL_PWR_IND_BLINK) {
        error_setg(errp, "Hot-unplug failed: guest is busy (power indicator blinking)");
        return false;
    }
    trace_pcie_slot_unplug_request(pcie_slot_name(s),
                                   object_get_typename(OBJECT(dev)),
                                   pcie_slot_ctl_is_powered_off(ctl));
    qdev_set_unplug_pending(dev, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) +
                                 PCIE_UNPLUG_PENDING_MS);
    if (pcie_slot_ctl_is_powered_off(ctl)) {
        /* Nothing runs in a slot that is off: no round trip to the guest. */
        pcie_slot_unplug_devices(s);
        pcie_slot_notify(s);
        pcie_slot_set_sta(s, pcie_slot_get_sta(s) & ~PCI_EXP_SLTSTA_ABP);
        return true;
    }
    pcie_slot_event(s, PCI_EXP_SLTSTA_ABP);
    return true;
}
