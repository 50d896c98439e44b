/*
 * The "none" machine: no RAM, no devices, no memory map.  QEMU has it
 * for probing (libvirt runs "-machine none" to ask a binary what it
 * supports over QMP) and so does hotmem.  Boards with a memory map live
 * in hw/i386/; the base type is hw/core/machine.c.
 */
#include "qemu/osdep.h"
#include "hw/boards.h"

static bool null_machine_init(MachineState *ms, Error **errp)
{
    ms->smp_cpus = 0;   /* as QEMU: the none machine has no CPUs */
    return true;
}

static void null_machine_class_init(ObjectClass *klass, void *data)
{
    MachineClass *mc = MACHINE_CLASS(klass);

    mc->name = "none";
    mc->desc = "empty machine";
    mc->max_cpus = 1;
    mc->default_ram_id = "ram";
    mc->default_ram_size = 0;
    mc->init = null_machine_init;
}

static const TypeInfo null_machine_info = {
    .name = "none" TYPE_MACHINE_SUFFIX,
    .parent = TYPE_MACHINE,
    .class_init = null_machine_class_init,
};

static void null_machine_register_types(void)
{
    type_register_static(&null_machine_info);
}
type_init(null_machine_register_types)
