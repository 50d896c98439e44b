/*
 * PCI Express: the capability of a root port (PCIe Base 4.0, 7.5.3) and
 * the native hot-plug slot behind it (6.7): presence detect, attention
 * button, power controller and indicators, slot events signalled by
 * MSI-X or INTx.  The slot's state lives in the port's config space; the
 * port (hw/pci/pcie-root-port.c) routes its config writes and hotplug
 * handler hooks here.  Implementation: hw/pci/pcie.c.  Main loop only.
 */
#ifndef HW_PCI_PCIE_H
#define HW_PCI_PCIE_H

#include "hw/pci/pci_bridge.h"

/* Capability registers, offsets from the capability (version 2). */
#define PCI_EXP_FLAGS           0x02    /* 16 bits */
#define  PCI_EXP_FLAGS_VERS2    0x0002
#define  PCI_EXP_FLAGS_TYPE_ROOT_PORT 0x0040
#define  PCI_EXP_FLAGS_SLOT     0x0100  /* slot implemented */
#define PCI_EXP_DEVCAP          0x04
#define  PCI_EXP_DEVCAP_RBER    0x00008000  /* role-based error reporting */
#define PCI_EXP_DEVCTL          0x08
#define  PCI_EXP_DEVCTL_ERR_ENABLES 0x000f  /* CERE, NFERE, FERE, URRE */
#define PCI_EXP_LNKCAP          0x0c
#define  PCI_EXP_LNKCAP_ASPM_L0S 0x00000400 /* ASPM L0s supported */
#define  PCI_EXP_LNKCAP_DLLLARC 0x00100000  /* link active reporting */
#define  PCI_EXP_LNKCAP_LBNC    0x00200000  /* bandwidth notification */
#define PCI_EXP_LNKSTA          0x12
#define  PCI_EXP_LNKSTA_DLLLA   0x2000      /* data link layer link active */
#define PCI_EXP_SLTCAP          0x14
#define  PCI_EXP_SLTCAP_ABP     0x00000001  /* attention button present */
#define  PCI_EXP_SLTCAP_PCP     0x00000002  /* power controller present */
#define  PCI_EXP_SLTCAP_AIP     0x00000008  /* attention indicator present */
#define  PCI_EXP_SLTCAP_PIP     0x00000010  /* power indicator present */
#define  PCI_EXP_SLTCAP_HPS     0x00000020  /* hot-plug surprise */
#define  PCI_EXP_SLTCAP_HPC     0x00000040  /* hot-plug capable */
#define  PCI_EXP_SLTCAP_EIP     0x00020000  /* electromechanical interlock */
#define  PCI_EXP_SLTCAP_PSN_SHIFT 19        /* physical slot number */
#define PCI_EXP_SLTCTL          0x18
#define  PCI_EXP_SLTCTL_ABPE    0x0001      /* attention button pressed en. */
#define  PCI_EXP_SLTCTL_PDCE    0x0008      /* presence detect changed enable */
#define  PCI_EXP_SLTCTL_CCIE    0x0010      /* command completed int. enable */
#define  PCI_EXP_SLTCTL_HPIE    0x0020      /* hot-plug interrupt enable */
#define  PCI_EXP_SLTCTL_AIC     0x00c0      /* attention indicator control */
#define  PCI_EXP_SLTCTL_ATTN_IND_ON    0x0040
#define  PCI_EXP_SLTCTL_ATTN_IND_BLINK 0x0080
#define  PCI_EXP_SLTCTL_ATTN_IND_OFF   0x00c0
#define  PCI_EXP_SLTCTL_PIC     0x0300      /* power indicator control */
#define  PCI_EXP_SLTCTL_PWR_IND_ON     0x0100
#define  PCI_EXP_SLTCTL_PWR_IND_BLINK  0x0200
#define  PCI_EXP_SLTCTL_PWR_IND_OFF    0x0300
#define  PCI_EXP_SLTCTL_PCC     0x0400      /* power controller: 1 = off */
#define  PCI_EXP_SLTCTL_EIC     0x0800      /* interlock control, reads 0 */
#define  PCI_EXP_SLTCTL_DLLSCE  0x1000      /* link state changed enable */
#define PCI_EXP_SLTSTA          0x1a
#define  PCI_EXP_SLTSTA_ABP     0x0001      /* attention button pressed */
#define  PCI_EXP_SLTSTA_PFD     0x0002      /* power fault detected */
#define  PCI_EXP_SLTSTA_MRLSC   0x0004      /* MRL sensor changed */
#define  PCI_EXP_SLTSTA_PDC     0x0008      /* presence detect changed */
#define  PCI_EXP_SLTSTA_CC      0x0010      /* command completed */
#define  PCI_EXP_SLTSTA_PDS     0x0040      /* presence detect state */
#define  PCI_EXP_SLTSTA_EIS     0x0080      /* interlock status */
#define  PCI_EXP_SLTSTA_DLLSC   0x0100      /* link state changed */
#define PCI_EXP_RTCTL           0x1c
#define  PCI_EXP_RTCTL_ERR_ENABLES 0x0007   /* SECEE, SENFEE, SEFEE */
#define PCI_EXP_DEVCAP2         0x24
#define  PCI_EXP_DEVCAP2_ARI    0x00000020  /* ARI forwarding supported */
#define  PCI_EXP_DEVCAP2_EFF    0x00100000  /* extended fmt field */
#define  PCI_EXP_DEVCAP2_EETLPP 0x00200000  /* end-end TLP prefix */
#define PCI_EXP_DEVCTL2         0x28
#define  PCI_EXP_DEVCTL2_ARI    0x0020
#define  PCI_EXP_DEVCTL2_EETLPPB 0x8000
#define PCI_EXP_LNKCAP2         0x2c
#define PCI_EXP_LNKCTL2         0x30
#define PCI_EXP_VER2_SIZEOF     0x3c

/* A root port's link as QEMU 7.2 reports it (x-speed=16, x-width=32). */
#define PCIE_LINK_SPEED_16      4
#define PCIE_LINK_WIDTH_32      32

/* How long a device_del waits before another may repeat it (QEMU's). */
#define PCIE_UNPLUG_PENDING_MS  5000

/*
 * The slot of a hot-plug capable downstream port.  Fields private to
 * hw/pci/pcie.c (visible for embedding in the port).
 */
typedef struct PCIESlot {
    PCIBridge *port;            /* the port; devices sit on its secondary bus */
    uint8_t cap;                /* offset of the port's PCIe capability */
    bool hpev_notified;         /* an enabled event is pending: INTx is
                                 * asserted or the message was sent */
} PCIESlot;

/*
 * Add the PCI Express capability of a root port (version 2, 0x3c bytes) at
 * offset, with QEMU 7.2's link (16 GT/s x32, link active reporting) and
 * port number port_nr.  Fails (errp) when the space is taken.
 */
bool pcie_cap_init_root_port(PCIDevice *dev, uint8_t offset, uint8_t port_nr,
                             Error **errp);
/* Error and root control enables back to 0 (device reset). */
void pcie_cap_reset(PCIDevice *dev, uint8_t offset);

/*
 * Make the port's capability at cap a slot: physical slot number slot_nr,
 * attention button, power controller, both indicators, interlock, and
 * hot-plug capable when hotplug (never hot-plug surprise: a device leaves
 * only when the guest powers its slot off).
 */
void pcie_slot_init(PCIESlot *s, PCIBridge *port, uint8_t cap,
                    uint16_t slot_nr, bool hotplug);
/*
 * After migration loaded the port's config bytes: the pending-event flag
 * and the power of the devices in the slot follow from the slot
 * registers, as after the guest's writes.  No interrupt is raised.
 */
void pcie_slot_post_load(PCIESlot *s);
/*
 * Device reset: events and their enables cleared, indicators and power
 * as the slot is populated (on) or empty (off), devices powered to match.
 */
void pcie_slot_reset(PCIESlot *s);
uint16_t pcie_slot_get_ctl(const PCIESlot *s);
uint16_t pcie_slot_get_sta(const PCIESlot *s);
/*
 * After the port's config write of [addr, addr + len) (old_ctl / old_sta:
 * the slot registers before it): status bits cleared (write 1), and for a
 * control write the command: interlock toggle, power on or off (off with
 * the power indicator off removes the devices: qdev_unplug_complete),
 * command completed.  Interrupts follow.
 */
void pcie_slot_write_config(PCIESlot *s, uint16_t old_ctl, uint16_t old_sta,
                            uint32_t addr, uint32_t val, unsigned len);

/*
 * The port's hotplug handler steps for dev on its secondary bus.
 * pre_plug refuses devfn other than 0 ("PCI: slot 1 is not valid for X,
 * parent device only allows plugging into slot 0."), hot-plug into a port
 * with hotplug=off and a locked interlock.  plug sets presence detect
 * and, for a hot-plug, presence detect changed, attention button pressed
 * and link state changed, with an interrupt when enabled; the device gets
 * the slot's power.  unplug_request (device_del) refuses when the port is
 * not hot-plug capable, the interlock is locked or the power indicator
 * blinks; otherwise marks the removal pending and presses the attention
 * button, or removes the device at once from a powered-off slot.
 */
bool pcie_slot_pre_plug(PCIESlot *s, DeviceState *dev, Error **errp);
void pcie_slot_plug(PCIESlot *s, DeviceState *dev);
bool pcie_slot_unplug_request(PCIESlot *s, DeviceState *dev, Error **errp);

#endif /* HW_PCI_PCIE_H */
