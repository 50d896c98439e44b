/*
 * The machine base type ("machine", at /machine): RAM sizes, the
 * device-memory area and the containers every machine has
 * (/machine/peripheral, peripheral-anon, unattached).  Boards derive from
 * it (hw/i386/pc_q35.c) and own their memory map; the command line
 * (softmmu/vl.c) creates the machine; QMP queries live in machine-qmp.c.
 */
#include "qemu/osdep.h"
#include "hw/boards.h"
#include "sysemu/hostmem.h"

MachineState *current_machine;
uint64_t (*machine_plugged_memory_size)(void);

static json_t *machine_get_device_memory_region_size(Object *obj,
                                                     const char *name,
                                                     void *opaque,
                                                     Error **errp)
{
    MachineState *ms = MACHINE(obj);
    uint64_t size = 0;

    if (ms->device_memory) {
        size = memory_region_size(&ms->device_memory->mr);
    }
    return json_integer((json_int_t)size);
}

static char *machine_get_memdev(Object *obj, Error **errp)
{
    return g_strdup(MACHINE(obj)->ram_memdev_id);
}

static bool machine_set_memdev(Object *obj, const char *value, Error **errp)
{
    MachineState *ms = MACHINE(obj);

    g_free(ms->ram_memdev_id);
    ms->ram_memdev_id = g_strdup(value);
    return true;
}

MemoryRegion *machine_consume_memdev(MachineState *ms, Error **errp)
{
    HostMemoryBackend *backend = host_memory_backend_find(ms->ram_memdev_id);
    MemoryRegion *mr;

    if (!backend) {
        error_setg(errp, "Memory backend '%s' not found", ms->ram_memdev_id);
        return NULL;
    }
    if (host_memory_backend_is_mapped(backend)) {
        error_setg(errp, "memory backend %s can't be used multiple times.",
                   ms->ram_memdev_id);
        return NULL;
    }
    mr = host_memory_backend_get_memory(backend);
    if (memory_region_size(mr) != ms->ram_size) {
        error_setg(errp, "Machine memory size does not match the size of the memory backend");
        return NULL;
    }
    host_memory_backend_set_mapped(backend, true);
    return mr;
}

static const char *const machine_on_off_auto[] = {
    "auto", "on", "off", NULL
};

static int machine_get_acpi(Object *obj, Error **errp)
{
    return MACHINE(obj)->acpi;
}

static bool machine_set_acpi(Object *obj, int value, Error **errp)
{
    MACHINE(obj)->acpi = value;
    return true;
}

static void machine_instance_init(Object *obj)
{
    MachineState *ms = MACHINE(obj);

    ms->smp_cpus = 1;
    ms->dump_guest_core = true;
    object_property_add_bool_field(obj, MACHINE_USB_PROP, &ms->usb, NULL);
    object_property_add_bool_field(obj, MACHINE_DUMP_GUEST_CORE_PROP,
                                   &ms->dump_guest_core, NULL);
    object_property_add_enum(obj, MACHINE_ACPI_PROP, "OnOffAuto",
                             machine_on_off_auto, machine_get_acpi,
                             machine_set_acpi);
    ms->cpu_type = g_strdup("qemu64");
    object_property_add(obj, MACHINE_DEVICE_MEMORY_REGION_SIZE_PROP, "int",
                        machine_get_device_memory_region_size, NULL, NULL,
                        NULL);
    object_property_add_str(obj, "memory-backend", machine_get_memdev,
                            machine_set_memdev);
}

static void machine_instance_finalize(Object *obj)
{
    MachineState *ms = MACHINE(obj);

    g_free(ms->cpu_type);
    g_free(ms->accel);
    g_free(ms->ram_memdev_id);
    g_free(ms->uuid);
    if (ms->device_memory) {
        memory_region_finalize(&ms->device_memory->mr);
        g_free(ms->device_memory);
    }
    if (current_machine == ms) {
        current_machine = NULL;
    }
}

static const TypeInfo machine_type_info = {
    .name = TYPE_MACHINE,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .instance_size = sizeof(MachineState),
    .class_size = sizeof(MachineClass),
    .instance_init = machine_instance_init,
    .instance_finalize = machine_instance_finalize,
};

static void machine_register_types(void)
{
    type_register_static(&machine_type_info);
}
type_init(machine_register_types)

MachineClass *machine_find_class(const char *name)
{
    GSList *list = object_class_get_list_sorted(TYPE_MACHINE, false);
    MachineClass *found = NULL;
    GSList *el;

    for (el = list; el && !found; el = el->next) {
        MachineClass *mc = MACHINE_CLASS(el->data);

        if (!strcmp(mc->name, name) || (mc->alias && !strcmp(mc->alias, name))) {
            found = mc;
        }
    }
    g_slist_free(list);
    return found;
}

MachineClass *machine_default_class(void)
{
    GSList *list = object_class_get_list_sorted(TYPE_MACHINE, false);
    MachineClass *found = NULL;
    GSList *el;

    for (el = list; el && !found; el = el->next) {
        if (MACHINE_CLASS(el->data)->is_default) {
            found = MACHINE_CLASS(el->data);
        }
    }
    g_slist_free(list);
    return found;
}

void machine_help_print(FILE *out)
{
    GSList *list = object_class_get_list_sorted(TYPE_MACHINE, false);
    GSList *el;

    fprintf(out, "Supported machines are:\n");
    for (el = list; el; el = el->next) {
        MachineClass *mc = MACHINE_CLASS(el->data);

        if (mc->alias) {
            fprintf(out, "%-20s %s (alias of %s)\n", mc->alias, mc->desc,
                    mc->name);
        }
        fprintf(out, "%-20s %s%s\n", mc->name, mc->desc,
                mc->is_default ? " (default)" : "");
    }
    g_slist_free(list);
}

MachineState *machine_create(MachineClass *klass)
{
    Object *obj = object_new(object_class_get_name(OBJECT_CLASS(klass)));

    object_property_add_child(object_get_root(), "machine", obj);
    object_unref(obj);
    /* QEMU's containers, created up front so that qom-list shows them. */
    container_get(obj, "peripheral");
    container_get(obj, "peripheral-anon");
    container_get(obj, "unattached");
    object_get_objects_root();
    current_machine = MACHINE(obj);
    return current_machine;
}

bool machine_run_init(MachineState *ms, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);

    /* The system address spaces exist from the start, as in QEMU: info
     * mtree and listeners see them before any access. */
    address_space_memory();
    address_space_io();
    return mc->init(ms, errp);
}

void machine_init_device_memory(MachineState *ms, hwaddr base,
                                uint64_t size)
{
    ms->device_memory = g_new0(DeviceMemoryState, 1);
    ms->device_memory->base = base;
    memory_region_init(&ms->device_memory->mr, OBJECT(ms), "device-memory",
                       size);
    if (size) {
        memory_region_add_subregion(get_system_memory(), base,
                                    &ms->device_memory->mr);
    }
}
