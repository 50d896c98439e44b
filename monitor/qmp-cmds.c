/*
 * The built-in QMP commands: version and command queries, run state
 * (query-status, stop, cont, quit, system_reset: requests to
 * softmmu/runstate.c), the object tree (qom-list, qom-get, qom-set,
 * object-add, object-del: qom/object.c) and human-monitor-command (hmp.c).
 * Argument checks and messages follow QEMU 7.2's generated visitors:
 * missing and mistyped members first, unexpected ones last.
 */
#include "qemu/osdep.h"
#include "monitor/monitor.h"
#include "monitor/monitor-internal.h"
#include "qom/object.h"
#include "sysemu/runstate.h"

static bool qmp_cmds_check_no_args(json_t *args, Error **errp)
{
    static const char *const known[] = { NULL };

    return qmp_args_check_known(args, known, errp);
}

static json_t *qmp_cmds_no_args(json_t *args, Error **errp)
{
    return qmp_cmds_check_no_args(args, errp) ? json_object() : NULL;
}

static json_t *qmp_cmds_query_version(json_t *args, Error **errp)
{
    return qmp_cmds_check_no_args(args, errp) ? qmp_version_info() : NULL;
}

static json_t *qmp_cmds_query_commands(json_t *args, Error **errp)
{
    g_autoptr(GPtrArray) names = NULL;
    json_t *list;

    if (!qmp_cmds_check_no_args(args, errp)) {
        return NULL;
    }
    names = qmp_command_names();
    list = json_array();
    for (guint i = 0; i < names->len; i++) {
        json_array_append_new(list, json_pack("{ss}", "name",
                                              (char *)names->pdata[i]));
    }
    return list;
}

static json_t *qmp_cmds_query_status(json_t *args, Error **errp)
{
    if (!qmp_cmds_check_no_args(args, errp)) {
        return NULL;
    }
    return json_pack("{sssbsb}", "status", runstate_name(runstate_get()),
                     "singlestep", false, "running", runstate_is_running());
}

static json_t *qmp_cmds_stop(json_t *args, Error **errp)
{
    json_t *ret = qmp_cmds_no_args(args, errp);

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
    json_t *ret = qmp_cmds_no_args(args, errp);

    if (ret && runstate_get() == RUN_STATE_INMIGRATE) {
        runstate_set_autostart(true);   /* runs once migration completes */
    } else if (ret && !runstate_is_running()) {
        vm_start();
    }
    return ret;
}

static json_t *qmp_cmds_quit(json_t *args, Error **errp)
{
    json_t *ret = qmp_cmds_no_args(args, errp);

    if (ret) {
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    }
    return ret;
}

static json_t *qmp_cmds_system_reset(json_t *args, Error **errp)
{
    json_t *ret = qmp_cmds_no_args(args, errp);

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
    static const char *const known[] = { "path", NULL };
    const char *path = NULL;
    bool ambiguous = false;
    ObjectPropertyIterator iter;
    ObjectProperty *prop;
    Object *obj;
    json_t *list;

    if (!qmp_arg_str(args, "path", false, &path, errp) ||
        !qmp_args_check_known(args, known, errp)) {
        return NULL;
    }
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
    static const char *const known[] = { "path", "property", NULL };
    const char *path = NULL;
    const char *property = NULL;
    Object *obj;

    if (!qmp_arg_str(args, "path", false, &path, errp) ||
        !qmp_arg_str(args, "property", false, &property, errp) ||
        !qmp_args_check_known(args, known, errp)) {
        return NULL;
    }
    obj = qmp_cmds_resolve(path, errp);
    return obj ? object_property_get(obj, property, errp) : NULL;
}

static json_t *qmp_cmds_qom_set(json_t *args, Error **errp)
{
    static const char *const known[] = {
        "path", "property", "value", NULL
    };
    const char *path = NULL;
    const char *property = NULL;
    json_t *value;
    Object *obj;

    if (!qmp_arg_str(args, "path", false, &path, errp) ||
        !qmp_arg_str(args, "property", false, &property, errp)) {
        return NULL;
    }
    value = json_object_get(args, "value");
    if (!value) {
        error_setg(errp, "Parameter 'value' is missing");
        return NULL;
    }
    if (!qmp_args_check_known(args, known, errp)) {
        return NULL;
    }
    obj = qmp_cmds_resolve(path, errp);
    if (!obj || !object_property_set(obj, property, value, errp)) {
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
    const char *type = NULL;
    const char *id = NULL;
    json_t *props;
    bool ok;

    if (!qmp_arg_str(args, "qom-type", false, &type, errp) ||
        !qmp_cmds_check_qom_type(type, errp) ||
        !qmp_arg_str(args, "id", false, &id, errp)) {
        return NULL;
    }
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
    static const char *const known[] = { "id", NULL };
    const char *id = NULL;

    if (!qmp_arg_str(args, "id", false, &id, errp) ||
        !qmp_args_check_known(args, known, errp) ||
        !user_creatable_del(id, errp)) {
        return NULL;
    }
    return json_object();
}

/* HMP errors are output text, never QMP errors, as in QEMU. */
static json_t *qmp_cmds_human_monitor_command(json_t *args, Error **errp)
{
    static const char *const known[] = { "command-line", "cpu-index", NULL };
    const char *cmdline = NULL;
    int64_t cpu_index = 0;
    g_autoptr(GString) out = NULL;

    if (!qmp_arg_str(args, "command-line", false, &cmdline, errp) ||
        !qmp_arg_int(args, "cpu-index", true, &cpu_index, errp) ||
        !qmp_args_check_known(args, known, errp)) {
        return NULL;
    }
    out = g_string_new(NULL);
    hmp_handle_command_line(out, cmdline);
    /* output may echo invalid UTF-8 from a command: the writer copes */
    return json_stringn_nocheck(out->str, out->len);
}

void qmp_cmds_register_builtins(void)
{
    const unsigned int pre = QMP_CMD_ALLOW_PRECONFIG;

    qmp_register_negotiation_command();
    qmp_register_command("query-version", qmp_cmds_query_version, pre);
    qmp_register_command("query-commands", qmp_cmds_query_commands, pre);
    qmp_register_command("query-status", qmp_cmds_query_status, pre);
    qmp_register_command("stop", qmp_cmds_stop, 0);
    qmp_register_command("cont", qmp_cmds_cont, 0);
    qmp_register_command("quit", qmp_cmds_quit, pre);
    qmp_register_command("system_reset", qmp_cmds_system_reset, 0);
    qmp_register_command("qom-list", qmp_cmds_qom_list, pre);
    qmp_register_command("qom-get", qmp_cmds_qom_get, pre);
    qmp_register_command("qom-set", qmp_cmds_qom_set, pre);
    qmp_register_command("object-add", qmp_cmds_object_add, pre);
    qmp_register_command("object-del", qmp_cmds_object_del, pre);
    qmp_register_command("human-monitor-command",
                         qmp_cmds_human_monitor_command, pre);
}
