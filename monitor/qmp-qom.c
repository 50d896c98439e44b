/*
 * QMP questions about QOM types rather than objects: qom-list-types,
 * qom-list-properties and device-list-properties, asked by libvirt when it
 * probes a binary.  Properties are per object in qom/, so a throw-away
 * instance is made to list them, as QEMU does.  The object tree commands
 * (qom-list, qom-get, qom-set) are in qmp-cmds.c.
 */
#include "qemu/osdep.h"
#include "monitor/monitor.h"
#include "monitor/qmp-schema.h"
#include "monitor/monitor-internal.h"
#include "hw/core/qdev.h"
#include "qom/object.h"

static json_t *qmp_qom_list_types(json_t *args, Error **errp)
{
    json_t *implements = json_object_get(args, "implements");
    bool abstract = json_is_true(json_object_get(args, "abstract"));
    const char *type = json_string_value(implements);
    GSList *list;
    json_t *ret = json_array();

    if (type && !object_class_by_name(type)) {
        return ret;     /* as QEMU: an unknown type implements nothing */
    }
    list = object_class_get_list_sorted(type, abstract);
    for (GSList *el = list; el; el = el->next) {
        ObjectClass *oc = el->data;
        const char *parent = object_class_get_parent_name(oc);
        json_t *info = json_pack("{ss}", "name", object_class_get_name(oc));

        if (object_class_is_abstract(oc)) {
            json_object_set_new(info, "abstract", json_true());
        }
        if (parent) {
            json_object_set_new(info, "parent", json_string(parent));
        }
        json_array_append_new(ret, info);
    }
    g_slist_free(list);
    return ret;
}

/* The properties of a new instance of type; devices: settable ones only. */
static json_t *qmp_qom_instance_props(const char *type, bool device)
{
    Object *obj = object_new(type);
    ObjectPropertyIterator iter;
    ObjectProperty *prop;
    json_t *ret = json_array();

    object_property_iter_init(&iter, obj);
    while ((prop = object_property_iter_next(&iter))) {
        json_t *info;

        if (device && (!prop->set || g_str_has_prefix(prop->type, "child<")
                       || !strcmp(prop->name, "realized"))) {
            continue;
        }
        info = json_pack("{ssss}", "name", prop->name, "type", prop->type);
        if (prop->description) {
            json_object_set_new(info, "description",
                                json_string(prop->description));
        }
        json_array_append_new(ret, info);
    }
    object_unref(obj);
    return ret;
}

static json_t *qmp_qom_list_properties(json_t *args, Error **errp)
{
    const char *type = json_string_value(json_object_get(args, "typename"));
    ObjectClass *oc = object_class_by_name(type);

    if (!oc) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Class '%s' not found", type);
        return NULL;
    }
    if (object_class_is_abstract(oc)) {
        /* QEMU lists the class properties here; hotmem has only
         * per-instance properties, so an abstract type shows none */
        return json_array();
    }
    return qmp_qom_instance_props(type, false);
}

static json_t *qmp_qom_device_list_properties(json_t *args, Error **errp)
{
    const char *type = json_string_value(json_object_get(args, "typename"));
    ObjectClass *oc = object_class_by_name(type);

    if (!oc) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", type);
        return NULL;
    }
    if (!object_class_dynamic_cast(oc, TYPE_DEVICE) ||
        object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'typename' expects a non-abstract device type");
        return NULL;
    }
    return qmp_qom_instance_props(type, true);
}

static const QmpType qmp_qom_types[] = {
    { .name = "ObjectTypeInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "name", "str" }, { "abstract", "bool", true },
          { "parent", "str", true }, { NULL } } },
};

static const QmpMember qmp_qom_typename_args[] = {
    { "typename", "str" }, { NULL }
};

static const QmpCommandSpec qmp_qom_commands[] = {
    { .name = "qom-list-types", .fn = qmp_qom_list_types,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "[ObjectTypeInfo]",
      .args = (const QmpMember[]) {
          { "implements", "str", true }, { "abstract", "bool", true },
          { NULL } } },
    { .name = "qom-list-properties", .fn = qmp_qom_list_properties,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .args = qmp_qom_typename_args,
      .ret = "[ObjectPropertyInfo]" },
    { .name = "device-list-properties",
      .fn = qmp_qom_device_list_properties,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .args = qmp_qom_typename_args,
      .ret = "[ObjectPropertyInfo]" },
};

void qmp_qom_register(void)
{
    qmp_register_types(qmp_qom_types, ARRAY_SIZE(qmp_qom_types));
    qmp_register_commands(qmp_qom_commands, ARRAY_SIZE(qmp_qom_commands));
}
