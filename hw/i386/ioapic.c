/*
 * A minimal I/O APIC ("ioapic", /machine/ioapic): 24 interrupt inputs
 * (GPIO lines, which qtest's irq_intercept_in takes over) and the 4 KiB
 * register window at 0xfec00000 with IOREGSEL/IOWIN, ID, version 0x20 and
 * the redirection table.  Nothing is delivered yet: there are no vCPUs or
 * LAPICs; the input levels are only latched.  Board: hw/i386/pc_q35.c.
 */
#include "qemu/osdep.h"
#include "hw/core/qdev.h"
#include "hw/i386/pc.h"
#include "hw/i386/trace.h"

#define TYPE_IOAPIC "ioapic"
#define IOAPIC_NB_PINS 24
#define IOAPIC_MMIO_SIZE 0x1000
#define IOAPIC_VERSION 0x20

/* MMIO offsets and register indexes (Intel 82093AA datasheet, §3). */
#define IOAPIC_IOREGSEL 0x00
#define IOAPIC_IOWIN 0x10
#define IOAPIC_EOI 0x40             /* version 0x20 and later */
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_ARB 0x02
#define IOAPIC_REG_REDTBL 0x10      /* two 32-bit registers per pin */
#define IOAPIC_REDTBL_MASKED (UINT64_C(1) << 16)
#define IOAPIC_REDTBL_RO_BITS ((UINT64_C(1) << 12) | (UINT64_C(1) << 14))

typedef struct IoapicState {
    DeviceState parent_obj;
    MemoryRegion mmio;
    uint8_t regsel;                 /* last IOREGSEL write */
    uint8_t id;                     /* bits 24..27 of the ID register */
    uint32_t irr;                   /* bit per pin: input level high */
    uint64_t redtbl[IOAPIC_NB_PINS];/* masked after reset */
} IoapicState;

#define IOAPIC(obj) OBJECT_CHECK(IoapicState, (obj), TYPE_IOAPIC)

static void ioapic_set_irq(void *opaque, int n, int level)
{
    IoapicState *s = opaque;

    if (n < 0 || n >= IOAPIC_NB_PINS) {
        return;
    }
    trace_ioapic_set_irq(n, level);
    if (level) {
        s->irr |= 1u << n;
    } else {
        s->irr &= ~(1u << n);
    }
}

static uint32_t ioapic_read_reg(IoapicState *s, uint8_t idx)
{
    unsigned int pin;

    switch (idx) {
    case IOAPIC_REG_ID:
    case IOAPIC_REG_ARB:
        return (uint32_t)s->id << 24;
    case IOAPIC_REG_VER:
        return IOAPIC_VERSION | ((IOAPIC_NB_PINS - 1) << 16);
    default:
        pin = (idx - IOAPIC_REG_REDTBL) / 2;
        if (idx < IOAPIC_REG_REDTBL || pin >= IOAPIC_NB_PINS) {
            return 0;
        }
        return (uint32_t)(s->redtbl[pin] >> ((idx & 1) * 32));
    }
}

static void ioapic_write_reg(IoapicState *s, uint8_t idx, uint32_t val)
{
    unsigned int pin = (idx - IOAPIC_REG_REDTBL) / 2;
    unsigned int shift = (idx & 1) * 32;
    uint64_t keep;

    if (idx == IOAPIC_REG_ID) {
        s->id = (val >> 24) & 0xf;
        return;
    }
    if (idx < IOAPIC_REG_REDTBL || pin >= IOAPIC_NB_PINS) {
        return;
    }
    /* Delivery status and remote IRR are read-only. */
    keep = (UINT64_C(0xffffffff) << (32 - shift)) | IOAPIC_REDTBL_RO_BITS;
    s->redtbl[pin] = (s->redtbl[pin] & keep) |
                     (((uint64_t)val << shift) & ~keep);
}

static uint64_t ioapic_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    IoapicState *s = opaque;

    switch (addr & 0xff) {
    case IOAPIC_IOREGSEL:
        return s->regsel;
    case IOAPIC_IOWIN:
        return ioapic_read_reg(s, s->regsel);
    default:
        return 0;
    }
}

static void ioapic_mmio_write(void *opaque, hwaddr addr, uint64_t data,
                              unsigned size)
{
    IoapicState *s = opaque;

    switch (addr & 0xff) {
    case IOAPIC_IOREGSEL:
        s->regsel = (uint8_t)data;
        break;
    case IOAPIC_IOWIN:
        trace_ioapic_mem_write(s->regsel, (uint32_t)data);
        ioapic_write_reg(s, s->regsel, (uint32_t)data);
        break;
    default:
        break;      /* EOI: no remote IRR to clear without delivery */
    }
}

static const MemoryRegionOps ioapic_mmio_ops = {
    .read = ioapic_mmio_read,
    .write = ioapic_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void ioapic_reset(DeviceState *dev)
{
    IoapicState *s = IOAPIC(dev);
    unsigned int pin;

    s->regsel = 0;
    s->id = 0;
    for (pin = 0; pin < IOAPIC_NB_PINS; pin++) {
        s->redtbl[pin] = IOAPIC_REDTBL_MASKED;
    }
}

static bool ioapic_realize(DeviceState *dev, Error **errp)
{
    IoapicState *s = IOAPIC(dev);

    qdev_init_gpio_in(dev, ioapic_set_irq, IOAPIC_NB_PINS);
    memory_region_init_io(&s->mmio, OBJECT(dev), &ioapic_mmio_ops, s,
                          "ioapic", IOAPIC_MMIO_SIZE);
    memory_region_add_subregion(get_system_memory(), PC_IOAPIC_BASE,
                                &s->mmio);
    ioapic_reset(dev);
    return true;
}

static void ioapic_unrealize(DeviceState *dev)
{
    IoapicState *s = IOAPIC(dev);

    memory_region_del_subregion(get_system_memory(), &s->mmio);
    memory_region_finalize(&s->mmio);
}

static void ioapic_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->desc = "I/O APIC";
    dc->realize = ioapic_realize;
    dc->unrealize = ioapic_unrealize;
    dc->reset = ioapic_reset;
    dc->user_creatable = false;
}

static const TypeInfo ioapic_info = {
    .name = TYPE_IOAPIC,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(IoapicState),
    .class_init = ioapic_class_init,
};

static void ioapic_register_types(void)
{
    type_register_static(&ioapic_info);
}
type_init(ioapic_register_types)
