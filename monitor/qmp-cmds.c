/*
 * The built-in QMP commands: version and command queries, run state
 * (query-status, stop, cont, quit, system_reset: requests to
 * softmmu/runstate.c), the object tree (qom-list, qom-get, qom-set,
 * object-add, object-del: qom/object.c) and human-monitor-command (hmp.c).
 * Arguments are checked by the dispatcher against the tables at the end
 * of this file (monitor/qmp-schema.c) before a handler runs.
 */
#include "qemu/osdep.h"
#include "qemu/keyval.h"
#include "monitor/monitor.h"
#include "monitor/monitor-internal.h"
#include "monitor/qmp-schema.h"
#include "qom/object.h"
#include "sysemu/runstate.h"

static json_t *qmp_cmds_query_version(json_t *args, Error **errp)
{
    return qmp_version_info();
}

static json_t *qmp_cmds_query_commands(json_t *args, Error **errp)
{
    g_autoptr(GPtrArray) names = qmp_command_names();
    json_t *list;

    list = json_array();
    for (guint i = 0; i < names->len; i++) {
        json_array_append_new(list, json_pack("{ss}", "name",
                                              (char *)names->pdata[i]));
    }
    return list;
}

static json_t *qmp_cmds_query_status(json_t *args, Error **errp)
{
    return json_pack("{sssbsb}", "status", runstate_name(runstate_get()),
                     "singlestep", false, "running", runstate_is_running());
}

static json_t *qmp_cmds_stop(json_t *args, Error **errp)
{
    json_t *ret = json_object();

    /* as QEMU: stopping a VM that does not run (prelaunch) changes nothing */
    if (ret && runstate_get() == RUN_STATE_INMIGRATE) {
        runstate_set_autostart(false);  /* stays paused after migration */
    } else if (ret && runstate_is_running()) {
        vm_stop(RUN_STATE_PAUSED);
    }
    return ret;
}

static json_t *qmp_cmds_cont(json_t *args, Error **errp)
{
    json_t *ret = json_object();

    if (ret && runstate_get() == RUN_STATE_INMIGRATE) {
        runstate_set_autostart(true);   /* runs once migration completes */
    } else if (ret && !runstate_is_running()) {
        vm_start();
    }
    return ret;
}

static json_t *qmp_cmds_quit(json_t *args, Error **errp)
{
    json_t *ret = json_object();

    if (ret) {
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    }
    return ret;
}

static json_t *qmp_cmds_system_reset(json_t *args, Error **errp)
{
    json_t *ret = json_object();

    if (ret) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    }
    return ret;
}

/* ---- the object tree ---- */

static Object *qmp_cmds_resolve(const char *path, Error **errp)
{
    Object *obj = object_resolve_path(path, NULL);

    if (!obj) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", path);
    }
    return obj;
}

static json_t *qmp_cmds_qom_list(json_t *args, Error **errp)
{
    const char *path = keyval_str(args, "path");
    bool ambiguous = false;
    ObjectPropertyIterator iter;
    ObjectProperty *prop;
    Object *obj;
    json_t *list;

    obj = object_resolve_path(path, &ambiguous);
    if (!obj) {
        if (ambiguous) {
            error_setg(errp, "Path '%s' is ambiguous", path);
        } else {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Device '%s' not found", path);
        }
        return NULL;
    }
    list = json_array();
    object_property_iter_init(&iter, obj);
    while ((prop = object_property_iter_next(&iter))) {
        json_array_append_new(list, json_pack("{ssss}", "name", prop->name,
                                              "type", prop->type));
    }
    return list;
}

static json_t *qmp_cmds_qom_get(json_t *args, Error **errp)
{
    Object *obj = qmp_cmds_resolve(keyval_str(args, "path"), errp);

    return obj ? object_property_get(obj, keyval_str(args, "property"),
                                     errp)
               : NULL;
}

static json_t *qmp_cmds_qom_set(json_t *args, Error **errp)
{
    Object *obj = qmp_cmds_resolve(keyval_str(args, "path"), errp);

    if (!obj || !object_property_set(obj, keyval_str(args, "property"),
                                     json_object_get(args, "value"), errp)) {
        return NULL;
    }
    return json_object();
}

bool qmp_cmds_check_qom_type(const char *type, Error **errp)
{
    ObjectClass *klass = object_class_by_name(type);

    if (!klass || object_class_is_abstract(klass) ||
        !object_class_dynamic_cast(klass, TYPE_USER_CREATABLE)) {
        error_setg(errp, "Parameter 'qom-type' does not accept value '%s'",
                   type);
        return false;
    }
    return true;
}

/*
 * object-add's arguments are flat: members other than qom-type and id must
 * be properties of the type ("Parameter 'x' is unexpected" otherwise).
 */
static bool qmp_cmds_check_props(const char *type, json_t *props,
                                 Error **errp)
{
    Object *probe = object_new(type);
    const char *key;
    json_t *value;
    bool ok = true;

    json_object_foreach(props, key, value) {
        if (!object_property_find(probe, key)) {
            error_setg(errp, "Parameter '%s' is unexpected", key);
            ok = false;
            break;
        }
    }
    object_unref(probe);
    return ok;
}

static json_t *qmp_cmds_object_add(json_t *args, Error **errp)
{
    const char *type = keyval_str(args, "qom-type");
    const char *id = keyval_str(args, "id");
    json_t *props;
    bool ok;

    props = json_deep_copy(args);
    json_object_del(props, "qom-type");
    json_object_del(props, "id");
    ok = qmp_cmds_check_props(type, props, errp) &&
         user_creatable_add(type, id, props, false, errp);
    json_decref(props);
    return ok ? json_object() : NULL;
}

static json_t *qmp_cmds_object_del(json_t *args, Error **errp)
{
    if (!user_creatable_del(keyval_str(args, "id"), errp)) {
        return NULL;
    }
    return json_object();
}

/* HMP errors are output text, never QMP errors, as in QEMU. */
static json_t *qmp_cmds_human_monitor_command(json_t *args, Error **errp)
{
    g_autoptr(GString) out = g_string_new(NULL);

    hmp_handle_command_line(out, keyval_str(args, "command-line"));
    /* output may echo invalid UTF-8 from a command: the writer copes */
    return json_stringn_nocheck(out->str, out->len);
}

/* object-add's qom-type: the concrete user-creatable types, as QEMU's
 * ObjectType enum lists what the build has. */
static GPtrArray *qmp_cmds_object_types(void)
{
    GSList *list = object_class_get_list_sorted(TYPE_USER_CREATABLE, false);
    GPtrArray *names = g_ptr_array_new();

    for (GSList *el = list; el; el = el->next) {
        g_ptr_array_add(names,
                        (gpointer)object_class_get_name(el->data));
    }
    g_slist_free(list);
    return names;
}

static const QmpType qmp_cmds_types[] = {
    { .name = "ObjectType", .kind = QMP_TYPE_ENUM,
      .list_values = qmp_cmds_object_types },
    { .name = "VersionTriple", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "major", "int" }, { "minor", "int" }, { "micro", "int" },
          { NULL } } },
    { .name = "VersionInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "qemu", "VersionTriple" }, { "package", "str" }, { NULL } } },
    { .name = "CommandInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) { { "name", "str" }, { NULL } } },
    { .name = "StatusInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "running", "bool" }, { "singlestep", "bool" },
          { "status", "str" }, { NULL } } },
    { .name = "ObjectPropertyInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "name", "str" }, { "type", "str" },
          { "description", "str", true }, { "default-value", "any", true },
          { NULL } } },
};

static const QmpMember qmp_cmds_path_args[] = {
    { "path", "str" }, { NULL }
};

static const QmpCommandSpec qmp_cmds_builtins[] = {
    { .name = "query-version", .fn = qmp_cmds_query_version,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "VersionInfo" },
    { .name = "query-commands", .fn = qmp_cmds_query_commands,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "[CommandInfo]" },
    { .name = "query-status", .fn = qmp_cmds_query_status,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "StatusInfo" },
    { .name = "stop", .fn = qmp_cmds_stop },
    { .name = "cont", .fn = qmp_cmds_cont },
    { .name = "quit", .fn = qmp_cmds_quit, .flags = QMP_CMD_ALLOW_PRECONFIG },
    { .name = "system_reset", .fn = qmp_cmds_system_reset },
    { .name = "qom-list", .fn = qmp_cmds_qom_list,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .args = qmp_cmds_path_args,
      .ret = "[ObjectPropertyInfo]" },
    { .name = "qom-get", .fn = qmp_cmds_qom_get,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "any",
      .args = (const QmpMember[]) {
          { "path", "str" }, { "property", "str" }, { NULL } } },
    { .name = "qom-set", .fn = qmp_cmds_qom_set,
      .flags = QMP_CMD_ALLOW_PRECONFIG,
      .args = (const QmpMember[]) {
          { "path", "str" }, { "property", "str" }, { "value", "any" },
          { NULL } } },
    /* a flat union in QEMU: the type's properties beside qom-type and id */
    { .name = "object-add", .fn = qmp_cmds_object_add,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .open = true,
      .args = (const QmpMember[]) {
          { "qom-type", "ObjectType" }, { "id", "str" }, { NULL } } },
    { .name = "object-del", .fn = qmp_cmds_object_del,
      .flags = QMP_CMD_ALLOW_PRECONFIG,
      .args = (const QmpMember[]) { { "id", "str" }, { NULL } } },
    { .name = "human-monitor-command",
      .fn = qmp_cmds_human_monitor_command,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "str",
      .args = (const QmpMember[]) {
          { "command-line", "str" }, { "cpu-index", "int", true },
          { NULL } } },
};

void qmp_cmds_register_builtins(void)
{
    qmp_register_negotiation_command();
    qmp_register_types(qmp_cmds_types, ARRAY_SIZE(qmp_cmds_types));
    qmp_register_commands(qmp_cmds_builtins, ARRAY_SIZE(qmp_cmds_builtins));
    qmp_qom_register();
    qmp_absent_register();
    chardev_qmp_register();
    qmp_fds_register();
}
