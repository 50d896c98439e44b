/*
 * The q35 PCI host: "q35-pcihost" at /machine/q35 owns the root bus
 * "pcie.0", the config ports, the PCI holes the machine computed (QOM
 * properties as QEMU names them) and INTx routing to PIRQ A-D; "mch" is
 * its host bridge function at 00.0 (8086:29c0), whose PCIEXBAR register
 * moves the ECAM window.  The machine (hw/i386/) calls q35_host_create;
 * config decoding is hw/pci/pci-host.c.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/pci/pci_host.h"

#define Q35_MCH_DEVICE_ID               0x29c0
#define Q35_MCH_PCIEXBAR_ENABLE         1u
#define Q35_MCH_PCIEXBAR_LENGTH_MASK    6u
#define Q35_MCH_PCIEXBAR_WMASK          UINT64_C(0xffc000007)

typedef struct Q35PCIHost Q35PCIHost;

typedef struct MCHPCIState {
    PCIDevice parent_obj;
    Q35PCIHost *host;
} MCHPCIState;

/* Fields private to this file. */
struct Q35PCIHost {
    PCIHostState parent_obj;
    MCHPCIState mch;
    MemoryRegion *system_memory;
    MemoryRegion *pci_memory;
    MemoryRegion own_pci_memory;            /* when the machine has none */
    qemu_irq pirq[Q35_HOST_NB_PIRQS];       /* GPIO outputs 0..3 */
    uint64_t below_4g_mem_size;             /* bytes */
    uint64_t above_4g_mem_size;             /* bytes */
    uint64_t pci_hole64_size;               /* bytes, default 32 GiB */
    bool has_pci_hole;                      /* machine set the hole */
    uint32_t pci_hole_start;
    uint32_t pci_hole_end;                  /* exclusive */
    bool has_pci_hole64_start;
    uint64_t pci_hole64_start;
};

#define Q35_HOST(obj) OBJECT_CHECK(Q35PCIHost, (obj), TYPE_Q35_HOST_DEVICE)
#define MCH_PCI_DEVICE(obj) \
    OBJECT_CHECK(MCHPCIState, (obj), TYPE_MCH_PCI_DEVICE)

/* ---- the holes ---- */

static uint32_t q35_host_pci_hole_start(Q35PCIHost *s)
{
    return s->has_pci_hole ? s->pci_hole_start : s->below_4g_mem_size;
}

static uint32_t q35_host_pci_hole_end(Q35PCIHost *s)
{
    return s->has_pci_hole ? s->pci_hole_end : Q35_HOST_PCI_HOLE_END;
}

static uint64_t q35_host_pci_hole64_start(Q35PCIHost *s)
{
    if (s->has_pci_hole64_start) {
        return s->pci_hole64_start;
    }
    return QEMU_ALIGN_UP(4 * GiB + s->above_4g_mem_size, GiB);
}

static uint64_t q35_host_get_hole_start(Object *obj, Error **errp)
{
    return q35_host_pci_hole_start(Q35_HOST(obj));
}

static uint64_t q35_host_get_hole_end(Object *obj, Error **errp)
{
    return q35_host_pci_hole_end(Q35_HOST(obj));
}

static uint64_t q35_host_get_hole64_start(Object *obj, Error **errp)
{
    return q35_host_pci_hole64_start(Q35_HOST(obj));
}

static uint64_t q35_host_get_hole64_end(Object *obj, Error **errp)
{
    Q35PCIHost *s = Q35_HOST(obj);

    /* QEMU rounds the end up to 1 GiB. */
    return QEMU_ALIGN_UP(q35_host_pci_hole64_start(s) + s->pci_hole64_size,
                         GiB);
}

static uint64_t q35_host_get_mcfg(Object *obj, Error **errp)
{
    return PCI_HOST_BRIDGE(obj)->mmcfg_base;
}

static uint64_t q35_host_get_mcfg_size(Object *obj, Error **errp)
{
    return PCI_HOST_BRIDGE(obj)->mmcfg_size;
}

static uint64_t q35_host_get_zero(Object *obj, Error **errp)
{
    return 0;
}

/* Settable sizes: before realize only, as QEMU's static properties. */
static uint64_t q35_host_get_pci_hole64_size(Object *obj, Error **errp)
{
    return Q35_HOST(obj)->pci_hole64_size;
}

static bool q35_host_set_pci_hole64_size(Object *obj, uint64_t v,
                                         Error **errp)
{
    if (!qdev_prop_check_unrealized(DEVICE(obj),
                                   Q35_HOST_PCI_HOLE64_SIZE_PROP, errp)) {
        return false;
    }
    Q35_HOST(obj)->pci_hole64_size = v;
    return true;
}

static uint64_t q35_host_get_below_4g(Object *obj, Error **errp)
{
    return Q35_HOST(obj)->below_4g_mem_size;
}

static bool q35_host_set_below_4g(Object *obj, uint64_t v, Error **errp)
{
    if (!qdev_prop_check_unrealized(DEVICE(obj),
                                   Q35_HOST_BELOW_4G_MEM_SIZE_PROP, errp)) {
        return false;
    }
    Q35_HOST(obj)->below_4g_mem_size = v;
    return true;
}

static uint64_t q35_host_get_above_4g(Object *obj, Error **errp)
{
    return Q35_HOST(obj)->above_4g_mem_size;
}

static bool q35_host_set_above_4g(Object *obj, uint64_t v, Error **errp)
{
    if (!qdev_prop_check_unrealized(DEVICE(obj),
                                   Q35_HOST_ABOVE_4G_MEM_SIZE_PROP, errp)) {
        return false;
    }
    Q35_HOST(obj)->above_4g_mem_size = v;
    return true;
}

static void q35_host_add_properties(Object *obj)
{
    object_property_add_uint(obj, Q35_HOST_PCI_HOLE_START_PROP, "uint32",
                             q35_host_get_hole_start, NULL);
    object_property_add_uint(obj, Q35_HOST_PCI_HOLE_END_PROP, "uint32",
                             q35_host_get_hole_end, NULL);
    object_property_add_uint(obj, Q35_HOST_PCI_HOLE64_START_PROP, "uint64",
                             q35_host_get_hole64_start, NULL);
    object_property_add_uint(obj, Q35_HOST_PCI_HOLE64_END_PROP, "uint64",
                             q35_host_get_hole64_end, NULL);
    object_property_add_uint(obj, Q35_HOST_PCI_HOLE64_SIZE_PROP, "size",
                             q35_host_get_pci_hole64_size,
                             q35_host_set_pci_hole64_size);
    object_property_add_uint(obj, Q35_HOST_BELOW_4G_MEM_SIZE_PROP, "size",
                             q35_host_get_below_4g, q35_host_set_below_4g);
    object_property_add_uint(obj, Q35_HOST_ABOVE_4G_MEM_SIZE_PROP, "size",
                             q35_host_get_above_4g, q35_host_set_above_4g);
    object_property_add_uint(obj, Q35_HOST_MCFG_PROP, "uint64",
                             q35_host_get_mcfg, NULL);
    object_property_add_uint(obj, Q35_HOST_MCFG_SIZE_PROP, "uint64",
                             q35_host_get_mcfg_size, NULL);
    object_property_add_uint(obj, "short_root_bus", "uint32",
                             q35_host_get_zero, NULL);
}

/* ---- INTx ---- */

/* Slot s pin p -> PIRQ (s + p) % 4, the swizzle QEMU's q35 DSDT _PRT
 * describes for slots outside the chipset's own (25..31). */
static int q35_host_map_irq(PCIDevice *dev, int pin)
{
    return (PCI_SLOT(dev->devfn) + pin) % Q35_HOST_NB_PIRQS;
}

static void q35_host_set_pirq(void *opaque, int pirq, int level)
{
    Q35PCIHost *s = opaque;

    qemu_set_irq(s->pirq[pirq], level);
}

void q35_host_set_irqs(DeviceState *host, qemu_irq *gsi)
{
    int i;

    for (i = 0; i < Q35_HOST_NB_PIRQS; i++) {
        qdev_connect_gpio_out_named(host, NULL, i,
                                    gsi[Q35_HOST_PIRQ_GSI_BASE + i]);
    }
}

void q35_host_connect_ioapic(DeviceState *host, DeviceState *ioapic)
{
    int i;

    for (i = 0; i < Q35_HOST_NB_PIRQS; i++) {
        qdev_connect_gpio_out_named(host, NULL, i,
            qdev_get_gpio_in(ioapic, Q35_HOST_PIRQ_GSI_BASE + i));
    }
}

/* ---- mch: PCIEXBAR ---- */

static void q35_mch_update_mmcfg(MCHPCIState *mch)
{
    uint64_t bar = pci_get_quad(mch->parent_obj.config + Q35_MCH_PCIEXBAR);
    unsigned int length_code = (bar & Q35_MCH_PCIEXBAR_LENGTH_MASK) >> 1;
    uint64_t size = (256 * MiB) >> length_code;
    bool enable = bar & Q35_MCH_PCIEXBAR_ENABLE;
    uint64_t base = bar & ~(size - 1) & (Q35_MCH_PCIEXBAR_WMASK & ~7);

    /* Length code 3 is reserved: treat it as disabled. */
    if (length_code == 3) {
        enable = false;
    }
    pci_host_mmcfg_update(PCI_HOST_BRIDGE(mch->host),
                          mch->host->system_memory, enable, base, size);
}

static void q35_mch_write_config(PCIDevice *dev, uint32_t addr,
                                 uint32_t val, unsigned len)
{
    pci_default_write_config(dev, addr, val, len);
    if (addr < Q35_MCH_PCIEXBAR + 8 && addr + len > Q35_MCH_PCIEXBAR) {
        q35_mch_update_mmcfg(MCH_PCI_DEVICE(dev));
    }
}

/* After migration loaded the header: the PCIEXBAR window it sets. */
static void q35_mch_post_load(PCIDevice *dev)
{
    q35_mch_update_mmcfg(MCH_PCI_DEVICE(dev));
}

static bool q35_mch_realize(PCIDevice *dev, Error **errp)
{
    pci_set_quad(dev->config + Q35_MCH_PCIEXBAR, Q35_MCH_PCIEXBAR_DEFAULT);
    pci_set_quad(dev->wmask + Q35_MCH_PCIEXBAR, Q35_MCH_PCIEXBAR_WMASK);
    return true;
}

static void q35_mch_reset(PCIDevice *dev)
{
    pci_set_quad(dev->config + Q35_MCH_PCIEXBAR, Q35_MCH_PCIEXBAR_DEFAULT);
    q35_mch_update_mmcfg(MCH_PCI_DEVICE(dev));
}

static void q35_mch_class_init(ObjectClass *klass, void *data)
{
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "Host bridge";
    dc->user_creatable = false;
    pc->realize = q35_mch_realize;
    pc->reset = q35_mch_reset;
    pc->config_write = q35_mch_write_config;
    pc->post_load = q35_mch_post_load;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = Q35_MCH_DEVICE_ID;
    pc->revision = 0;       /* QEMU 7.2 reads 0, not the chip's 2 */
    pc->class_id = PCI_CLASS_BRIDGE_HOST;
}

/* ---- q35-pcihost ---- */

static void q35_host_instance_init(Object *obj)
{
    Q35PCIHost *s = Q35_HOST(obj);

    s->pci_hole64_size = Q35_HOST_HOLE64_SIZE_DEFAULT;
    qdev_init_gpio_out_named(DEVICE(obj), s->pirq, NULL, Q35_HOST_NB_PIRQS);
    q35_host_add_properties(obj);
    object_initialize_child(obj, "mch", &s->mch, sizeof(s->mch),
                            TYPE_MCH_PCI_DEVICE);
    s->mch.host = s;
    s->mch.parent_obj.devfn = PCI_DEVFN(0, 0);
}

/* System reset: the config index too (the bus's devices reset through
 * pcie.0, mch's PCIEXBAR among them). */
static void q35_host_reset(DeviceState *dev)
{
    PCI_HOST_BRIDGE(dev)->config_reg = 0;
}

static void q35_host_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "Q35 PCI host bridge";
    dc->user_creatable = false;
    dc->reset = q35_host_reset;
}

DeviceState *q35_host_get(void)
{
    Object *obj = object_resolve_path_type(Q35_HOST_PATH,
                                           TYPE_Q35_HOST_DEVICE, NULL);

    return obj ? DEVICE(obj) : NULL;
}

void q35_host_set_memory_sizes(DeviceState *host, uint64_t below_4g_size,
                               uint64_t above_4g_size)
{
    Q35_HOST(host)->below_4g_mem_size = below_4g_size;
    Q35_HOST(host)->above_4g_mem_size = above_4g_size;
}

void q35_host_set_pci_hole(DeviceState *host, uint32_t start, uint32_t end)
{
    Q35PCIHost *s = Q35_HOST(host);

    s->has_pci_hole = true;
    s->pci_hole_start = start;
    s->pci_hole_end = end;
}

void q35_host_set_pci_hole64_start(DeviceState *host, uint64_t start)
{
    Q35PCIHost *s = Q35_HOST(host);

    s->has_pci_hole64_start = true;
    s->pci_hole64_start = start;
}

/* Wire the bus, ports and windows; the host has no realize of its own
 * because it needs the machine's regions, which are not properties. */
static void q35_host_wire(Q35PCIHost *s, MemoryRegion *system_memory,
                          MemoryRegion *system_io, MemoryRegion *pci_memory)
{
    PCIHostState *phb = PCI_HOST_BRIDGE(s);

    if (!pci_memory) {
        memory_region_init(&s->own_pci_memory, OBJECT(s), "pci", UINT64_MAX);
        pci_memory = &s->own_pci_memory;
    }
    s->system_memory = system_memory;
    s->pci_memory = pci_memory;
    phb->bus = pci_root_bus_new(DEVICE(s), Q35_HOST_ROOT_BUS_NAME,
                                TYPE_PCIE_BUS, pci_memory, system_io,
                                q35_host_map_irq, q35_host_set_pirq, s,
                                Q35_HOST_NB_PIRQS);
    pci_host_map_conf_ports(phb, system_io);
    if (!memory_region_is_mapped(pci_memory)) {
        /* Under RAM: what RAM does not cover reaches PCI (QEMU's "pci"
         * region at priority -1). */
        memory_region_add_subregion_overlap(system_memory, 0, pci_memory,
                                            -1);
    }
}

PCIBus *q35_host_create(MemoryRegion *system_memory, MemoryRegion *system_io,
                        MemoryRegion *pci_memory, Error **errp)
{
    Object *machine = container_get(object_get_root(), "/machine");
    Object *obj = object_new(TYPE_Q35_HOST_DEVICE);
    Q35PCIHost *s = Q35_HOST(obj);

    if (!object_property_try_add_child(machine, "q35", obj, errp)) {
        object_unref(obj);
        return NULL;
    }
    object_unref(obj);
    q35_host_wire(s, system_memory, system_io, pci_memory);
    if (!qdev_realize(DEVICE(s), NULL, errp) ||
        !qdev_realize(DEVICE(&s->mch), BUS(PCI_HOST_BRIDGE(s)->bus), errp) ||
        !pci_host_migration_register(PCI_HOST_BRIDGE(s), errp)) {
        return NULL;
    }
    return PCI_HOST_BRIDGE(s)->bus;
}

static const TypeInfo q35_host_type_info = {
    .name = TYPE_Q35_HOST_DEVICE,
    .parent = TYPE_PCI_HOST_BRIDGE,
    .instance_size = sizeof(Q35PCIHost),
    .instance_init = q35_host_instance_init,
    .class_init = q35_host_class_init,
};

static const TypeInfo q35_mch_type_info = {
    .name = TYPE_MCH_PCI_DEVICE,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(MCHPCIState),
    .class_init = q35_mch_class_init,
};

static void q35_host_register_types(void)
{
    type_register_static(&q35_host_type_info);
    type_register_static(&q35_mch_type_info);
}
type_init(q35_host_register_types)
