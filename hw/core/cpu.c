/*
 * The vCPU objects at /machine/unattached/device[N], of QEMU's type names
 * ("qemu64-x86_64-cpu", ...), which query-cpus-fast and
 * query-hotpluggable-cpus name as qom-path: libvirt reads their
 * properties with qom-list/qom-get.  They hold the topology ids and no
 * CPU state (hotmem models no CPUID); their threads are cpu-threads.c's.
 */
#include "qemu/osdep.h"
#include "hw/boards.h"
#include "qom/object.h"

#define TYPE_X86_CPU "x86_64-cpu"

typedef struct CpuObject {
    Object parent_obj;
    unsigned int index;     /* cpu-index; socket-id on pc-q35 (1 core) */
} CpuObject;

#define CPU_OBJECT(obj) OBJECT_CHECK(CpuObject, (obj), TYPE_X86_CPU)

static json_t *cpu_get_false(Object *obj, const char *name, void *opaque,
                             Error **errp)
{
    return json_false();
}

static json_t *cpu_get_true(Object *obj, const char *name, void *opaque,
                            Error **errp)
{
    return json_true();
}

/* socket-id is the index; core, thread and node ids are 0 */
static json_t *cpu_get_id(Object *obj, const char *name, void *opaque,
                          Error **errp)
{
    return json_integer(strcmp(name, "socket-id") ? 0
                        : (json_int_t)CPU_OBJECT(obj)->index);
}

static json_t *cpu_get_no_features(Object *obj, const char *name,
                                   void *opaque, Error **errp)
{
    return json_array();
}

static void cpu_object_instance_init(Object *obj)
{
    static const char *const ids[] = {
        "socket-id", "core-id", "thread-id", "node-id"
    };

    object_property_add(obj, "realized", "bool", cpu_get_true, NULL, NULL,
                        NULL);
    object_property_add(obj, "hotplugged", "bool", cpu_get_false, NULL, NULL,
                        NULL);
    object_property_add(obj, "hotpluggable", "bool", cpu_get_false, NULL,
                        NULL, NULL);
    object_property_add(obj, "start-powered-off", "bool", cpu_get_false,
                        NULL, NULL, NULL);
    for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
        object_property_add(obj, ids[i], "int32", cpu_get_id, NULL, NULL,
                            NULL);
    }
    object_property_add(obj, "unavailable-features", "strList",
                        cpu_get_no_features, NULL, NULL, NULL);
}

void cpu_objects_create(MachineState *ms)
{
    Object *unattached = container_get(OBJECT(ms), "unattached");
    g_autofree char *type = g_strdup_printf("%s-" TYPE_X86_CPU,
                                            ms->cpu_type);

    for (unsigned int i = 0; i < ms->smp_cpus; i++) {
        g_autofree char *name = g_strdup_printf("device[%u]", i);
        Object *cpu = object_new(type);

        CPU_OBJECT(cpu)->index = i;
        object_property_add_child(unattached, name, cpu);
        object_unref(cpu);
    }
}

static const TypeInfo cpu_types[] = {
    { .name = TYPE_X86_CPU, .parent = TYPE_OBJECT, .abstract = true,
      .instance_size = sizeof(CpuObject),
      .instance_init = cpu_object_instance_init },
    /* the models -cpu accepts (hw/core/cpu-qmp.c lists them) */
    { .name = "qemu64-" TYPE_X86_CPU, .parent = TYPE_X86_CPU },
    { .name = "max-" TYPE_X86_CPU, .parent = TYPE_X86_CPU },
    { .name = "host-" TYPE_X86_CPU, .parent = TYPE_X86_CPU },
};

static void cpu_register_types(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(cpu_types); i++) {
        type_register_static(&cpu_types[i]);
    }
}
type_init(cpu_register_types)
