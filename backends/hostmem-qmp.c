/*
 * The monitor's view of memory backends: QMP query-memdev and HMP
 * "info memdev", in QEMU's formats.  Reads backends only through their
 * properties and hostmem.h; registered with the monitor by
 * hostmem_qmp_register(), which vl.c calls.
 */
#include "qemu/osdep.h"
#include "sysemu/hostmem.h"
#include "monitor/monitor.h"
#include "monitor/qmp-schema.h"

static json_t *hostmem_qmp_memdev_info(Object *obj)
{
    json_t *info = json_object();
    static const char *const props[] = {
        HOSTMEM_PROP_SIZE, HOSTMEM_PROP_MERGE, HOSTMEM_PROP_DUMP,
        HOSTMEM_PROP_PREALLOC, HOSTMEM_PROP_SHARE, HOSTMEM_PROP_RESERVE,
        HOSTMEM_PROP_HOST_NODES, HOSTMEM_PROP_POLICY,
    };
    size_t i;

    json_object_set_new(info, "id",
                        json_string(object_get_canonical_path_component(obj)));
    for (i = 0; i < ARRAY_SIZE(props); i++) {
        json_object_set_new(info, props[i], object_property_get(obj, props[i], &error_abort));
    }
    return info;
}

static int hostmem_qmp_add_memdev(Object *obj, void *opaque)
{
    if (object_dynamic_cast(obj, TYPE_MEMORY_BACKEND)) {
        json_array_append_new(opaque, hostmem_qmp_memdev_info(obj));
    }
    return 0;
}

json_t *qmp_query_memdev(json_t *args, Error **errp)
{
    json_t *list = json_array();

    object_child_foreach(object_get_objects_root(), hostmem_qmp_add_memdev,
                         list);
    return list;
}

/*
 * host nodes as QEMU's string output visitor prints a uint16 list:
 * consecutive numbers as ranges, joined by ',' ("0-1,3"); "" when empty.
 */
static void hostmem_qmp_print_nodes(GString *out, json_t *nodes)
{
    size_t n = json_array_size(nodes);
    size_t i = 0;

    while (i < n) {
        json_int_t first = json_integer_value(json_array_get(nodes, i));
        json_int_t last = first;

        while (i + 1 < n &&
               json_integer_value(json_array_get(nodes, i + 1)) == last + 1) {
            last++;
            i++;
        }
        g_string_append_printf(out, "%s%" JSON_INTEGER_FORMAT,
                               first == json_integer_value(
                                   json_array_get(nodes, 0)) ? "" : ",",
                               first);
        if (last != first) {
            g_string_append_printf(out, "-%" JSON_INTEGER_FORMAT, last);
        }
        i++;
    }
}

static const char *hostmem_qmp_bool(json_t *info, const char *key)
{
    return json_is_true(json_object_get(info, key)) ? "true" : "false";
}

static void hostmem_qmp_print_memdev(GString *out, json_t *info)
{
    g_string_append_printf(out, "memory backend: %s\n",
                           json_string_value(json_object_get(info, "id")));
    g_string_append_printf(out, "  size:  %" JSON_INTEGER_FORMAT "\n",
                           json_integer_value(json_object_get(info, "size")));
    g_string_append_printf(out, "  merge: %s\n",
                           hostmem_qmp_bool(info, "merge"));
    g_string_append_printf(out, "  dump: %s\n", hostmem_qmp_bool(info, "dump"));
    g_string_append_printf(out, "  prealloc: %s\n",
                           hostmem_qmp_bool(info, "prealloc"));
    g_string_append_printf(out, "  share: %s\n",
                           hostmem_qmp_bool(info, "share"));
    g_string_append_printf(out, "  reserve: %s\n",
                           hostmem_qmp_bool(info, "reserve"));
    g_string_append_printf(out, "  policy: %s\n",
                           json_string_value(json_object_get(info, "policy")));
    g_string_append(out, "  host nodes: ");
    hostmem_qmp_print_nodes(out, json_object_get(info, "host-nodes"));
    g_string_append(out, "\n");
}

bool hmp_info_memdev(GString *out, int argc, char **argv, Error **errp)
{
    json_t *list = qmp_query_memdev(NULL, errp);
    json_t *info;
    size_t i;

    json_array_foreach(list, i, info) {
        hostmem_qmp_print_memdev(out, info);
    }
    g_string_append(out, "\n");
    json_decref(list);
    return true;
}

static const QmpType hostmem_qmp_types[] = {
    { .name = "Memdev", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "id", "str", true }, { "size", "int" }, { "merge", "bool" },
          { "dump", "bool" }, { "prealloc", "bool" }, { "share", "bool" },
          { "reserve", "bool", true }, { "host-nodes", "[int]" },
          { "policy", "str" }, { NULL } } },
};

static const QmpCommandSpec hostmem_qmp_command = {
    .name = "query-memdev", .fn = qmp_query_memdev,
    .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "[Memdev]",
};

void hostmem_qmp_register(void)
{
    static bool registered;

    /* The monitor refuses a name twice; vl.c and tests may both call. */
    if (registered) {
        return;
    }
    registered = true;
    qmp_register_types(hostmem_qmp_types, ARRAY_SIZE(hostmem_qmp_types));
    qmp_register_command_spec(&hostmem_qmp_command);
    hmp_register_info("memdev", "", "show memory backends", hmp_info_memdev);
}
