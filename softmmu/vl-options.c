/*
 * Options a management tool passes that set no device state of their
 * own: -uuid, -name, -rtc, -boot, -no-shutdown, -no-acpi, -audiodev none,
 * -sandbox, -msg (and -smp, parsed by vl-smp.c).  Each checks its keys
 * and values against one table, which also answers
 * query-command-line-options, and the parsed values
 * are applied to the machine by vl_options_apply().  The core options
 * (-m, -machine, -object, ...) and the start-up order are vl.c's.
 */
#include "qemu/osdep.h"
#include "qemu/keyval.h"
#include "hw/boards.h"
#include "monitor/monitor.h"
#include "monitor/qmp-schema.h"
#include "sysemu/runstate.h"
#include "sysemu/sysemu.h"
#include "softmmu/vl-internal.h"
#include <sys/prctl.h>

/* What these options asked for; read by vl_options_apply(). */
typedef struct VlOptionsState {
    char *uuid;             /* -uuid, lower case; NULL: none */
    bool no_shutdown;       /* -no-shutdown */
    bool no_acpi;           /* -no-acpi */
    bool sandbox;           /* -sandbox on */
    bool debug_threads;     /* -name debug-threads=on */
} VlOptionsState;

static VlOptionsState vl_options_state;

/* QemuOpts' check: every key is one of params, else "Invalid parameter". */
static bool vl_options_check_keys(json_t *opts, const VlParam *params,
                                  Error **errp)
{
    const char *key;
    json_t *value;

    json_object_foreach(opts, key, value) {
        size_t i;

        for (i = 0; params && params[i].name; i++) {
            if (!strcmp(params[i].name, key)) {
                break;
            }
        }
        if (!params || !params[i].name) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
    }
    return true;
}

/* key=on|off (absent: default_value); a JSON boolean is taken too. */
static bool vl_options_on_off(json_t *opts, const char *key,
                              bool default_value, bool *value, Error **errp)
{
    json_t *v = json_object_get(opts, key);
    const char *s = json_string_value(v);

    *value = default_value;
    if (!v) {
        return true;
    }
    if (json_is_boolean(v) || (s && (!strcmp(s, "on") || !strcmp(s, "off")))) {
        *value = json_is_true(v) || (s && !strcmp(s, "on"));
        return true;
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
    return false;
}

/* key absent, or one of the NULL-terminated choices. */
static bool vl_options_choice(json_t *opts, const char *key,
                              const char *const *choices, const char *rule,
                              Error **errp)
{
    const char *s = keyval_str(opts, key);

    if (!json_object_get(opts, key) || (s && g_strv_contains(choices, s))) {
        return true;
    }
    error_setg(errp, "Parameter '%s' does not accept value '%s' (%s)", key,
               s ? s : "", rule);
    return false;
}

/* Parse arg as key=value pairs and check the keys against opt's table. */
static json_t *vl_options_parse(const VlExtraOption *opt, const char *arg,
                                Error **errp)
{
    json_t *opts = keyval_parse_cli(arg, opt->implied_key, NULL, errp);

    if (opts && !vl_options_check_keys(opts, opt->params, errp)) {
        json_decref(opts);
        return NULL;
    }
    return opts;
}

/* ---- the options ---- */

static bool vl_options_is_uuid(const char *s)
{
    static const int group_len[] = { 8, 4, 4, 4, 12 };
    g_auto(GStrv) groups = g_strsplit(s, "-", -1);
    size_t i;

    if (g_strv_length(groups) != ARRAY_SIZE(group_len)) {
        return false;
    }
    for (i = 0; i < ARRAY_SIZE(group_len); i++) {
        if (strlen(groups[i]) != group_len[i] ||
            strspn(groups[i], "0123456789abcdefABCDEF") != group_len[i]) {
            return false;
        }
    }
    return true;
}

static bool vl_options_uuid(const VlExtraOption *opt, const char *arg,
                            Error **errp)
{
    if (!vl_options_is_uuid(arg)) {
        error_setg(errp, "failed to parse UUID string: wrong format");
        return false;
    }
    g_free(vl_options_state.uuid);
    vl_options_state.uuid = g_ascii_strdown(arg, -1);
    return true;
}

static bool vl_options_name(const VlExtraOption *opt, const char *arg,
                            Error **errp)
{
    g_autoptr(json_t) opts = vl_options_parse(opt, arg, errp);
    const char *process;

    if (!opts || !vl_options_on_off(opts, "debug-threads", false,
                                    &vl_options_state.debug_threads, errp)) {
        return false;
    }
    if (keyval_str(opts, "guest")) {
        g_free((char *)qemu_name);
        qemu_name = g_strdup(keyval_str(opts, "guest"));
    }
    process = keyval_str(opts, "process");
    if (process) {
        prctl(PR_SET_NAME, process);
    }
    return true;
}

/* base=utc|localtime|DATE: DATE as 2006-06-17T16:01:21 or 2006-06-17. */
static bool vl_options_rtc_base_ok(const char *base)
{
    int y, mo, d, h, mi, s;
    char end;

    return !strcmp(base, "utc") || !strcmp(base, "localtime") ||
           sscanf(base, "%d-%d-%dT%d:%d:%d%c", &y, &mo, &d, &h, &mi, &s,
                  &end) == 6 ||
           sscanf(base, "%d-%d-%d%c", &y, &mo, &d, &end) == 3;
}

static bool vl_options_rtc(const VlExtraOption *opt, const char *arg,
                           Error **errp)
{
    static const char *const clocks[] = { "host", "rt", "vm", NULL };
    static const char *const driftfix[] = { "none", "slew", NULL };
    g_autoptr(json_t) opts = vl_options_parse(opt, arg, errp);
    const char *base;

    if (!opts) {
        return false;
    }
    base = keyval_str(opts, "base");
    if (base && !vl_options_rtc_base_ok(base)) {
        error_setg(errp, "Parameter 'base' does not accept value '%s' (utc, localtime, '2006-06-17T16:01:21' or '2006-06-17')", base);
        return false;
    }
    /* hotmem has no RTC device: the values are checked, not used */
    return vl_options_choice(opts, "clock", clocks, "host, rt or vm", errp) &&
           vl_options_choice(opts, "driftfix", driftfix, "none or slew",
                             errp);
}

static bool vl_options_boot(const VlExtraOption *opt, const char *arg,
                            Error **errp)
{
    g_autoptr(json_t) opts = vl_options_parse(opt, arg, errp);
    const char *order;
    bool on;

    if (!opts) {
        return false;
    }
    order = keyval_str(opts, "order");
    if (order && strspn(order, "abcdefghijklmnop") != strlen(order)) {
        error_setg(errp, "Parameter 'order' does not accept value '%s' (boot devices are the letters a to p)", order);
        return false;
    }
    /* hotmem loads no firmware: the boot order is checked, not used */
    return vl_options_on_off(opts, "menu", false, &on, errp) &&
           vl_options_on_off(opts, "strict", false, &on, errp);
}

static bool vl_options_no_shutdown(const VlExtraOption *opt,
                                   const char *arg, Error **errp)
{
    vl_options_state.no_shutdown = true;
    return true;
}

static bool vl_options_no_acpi(const VlExtraOption *opt, const char *arg,
                               Error **errp)
{
    vl_options_state.no_acpi = true;
    return true;
}

static bool vl_options_audiodev(const VlExtraOption *opt, const char *arg,
                                Error **errp)
{
    g_autoptr(json_t) opts = vl_options_parse(opt, arg, errp);
    const char *driver;

    if (!opts) {
        return false;
    }
    driver = keyval_str(opts, "driver");
    if (!keyval_str(opts, "id")) {
        error_setg(errp, "Parameter 'id' is missing");
        return false;
    }
    if (!driver || strcmp(driver, "none")) {
        error_setg(errp, "Parameter 'driver' does not accept value '%s' (hotmem has no audio: only 'none')", driver ? driver : "");
        return false;
    }
    return true;
}

static bool vl_options_sandbox(const VlExtraOption *opt, const char *arg,
                               Error **errp)
{
    static const char *const allow_deny[] = { "allow", "deny", NULL };
    static const char *const elevate[] = {
        "allow", "deny", "children", NULL
    };
    g_autoptr(json_t) opts = vl_options_parse(opt, arg, errp);

    return opts &&
           vl_options_on_off(opts, "enable", false,
                             &vl_options_state.sandbox, errp) &&
           vl_options_choice(opts, "obsolete", allow_deny, "allow or deny",
                             errp) &&
           vl_options_choice(opts, "elevateprivileges", elevate,
                             "allow, deny or children", errp) &&
           vl_options_choice(opts, "spawn", allow_deny, "allow or deny",
                             errp) &&
           vl_options_choice(opts, "resourcecontrol", allow_deny,
                             "allow or deny", errp);
}

static bool vl_options_msg(const VlExtraOption *opt, const char *arg,
                           Error **errp)
{
    g_autoptr(json_t) opts = vl_options_parse(opt, arg, errp);
    bool timestamp;
    bool guest_name;

    if (!opts ||
        !vl_options_on_off(opts, "timestamp", false, &timestamp, errp) ||
        !vl_options_on_off(opts, "guest-name", false, &guest_name, errp)) {
        return false;
    }
    error_set_timestamps(timestamp);
    return true;
}

/* ---- the table ---- */

static const VlExtraOption vl_extra_options[] = {
    { "uuid", true, vl_options_uuid, NULL, NULL },
    { "name", true, vl_options_name, "guest", (const VlParam[]) {
        { "guest", "string" }, { "process", "string" },
        { "debug-threads", "boolean" }, { NULL } } },
    { "rtc", true, vl_options_rtc, NULL, (const VlParam[]) {
        { "base", "string" }, { "clock", "string" },
        { "driftfix", "string" }, { NULL } } },
    { "boot", true, vl_options_boot, "order", (const VlParam[]) {
        { "order", "string" }, { "once", "string" }, { "menu", "boolean" },
        { "splash", "string" }, { "splash-time", "number" },
        { "reboot-timeout", "number" }, { "strict", "boolean" },
        { NULL } } },
    { "no-shutdown", false, vl_options_no_shutdown, NULL, NULL },
    { "no-acpi", false, vl_options_no_acpi, NULL, NULL },
    { "audiodev", true, vl_options_audiodev, "driver", (const VlParam[]) {
        { "id", "string" }, { "driver", "string" },
        { "timer-period", "number" }, { NULL } } },
    { "sandbox", true, vl_options_sandbox, "enable", (const VlParam[]) {
        { "enable", "boolean" }, { "obsolete", "string" },
        { "elevateprivileges", "string" }, { "spawn", "string" },
        { "resourcecontrol", "string" }, { NULL } } },
    { "smp", true, vl_smp_parse, "cpus", (const VlParam[]) {
        { "cpus", "number" }, { "sockets", "number" }, { "dies", "number" },
        { "clusters", "number" }, { "cores", "number" },
        { "threads", "number" }, { "maxcpus", "number" }, { NULL } } },
    { "msg", true, vl_options_msg, NULL, (const VlParam[]) {
        { "timestamp", "boolean" }, { "guest-name", "boolean" },
        { NULL } } },
};

const VlExtraOption *vl_options_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(vl_extra_options); i++) {
        if (!strcmp(vl_extra_options[i].name, name)) {
            return &vl_extra_options[i];
        }
    }
    return NULL;
}

bool vl_options_debug_threads(void)
{
    return vl_options_state.debug_threads;
}

void vl_options_apply(MachineState *ms)
{
    if (vl_options_state.uuid) {
        g_free(ms->uuid);
        ms->uuid = g_strdup(vl_options_state.uuid);
    }
    runstate_set_no_shutdown(vl_options_state.no_shutdown);
    if (vl_options_state.sandbox) {
        info_report("-sandbox on: seccomp is not applied (hotmem is built without libseccomp)");
    }
}

void vl_options_cleanup(void)
{
    g_clear_pointer(&vl_options_state.uuid, g_free);
}

/* ---- query-command-line-options ---- */

static json_t *vl_options_info(const char *name, const VlParam *params)
{
    json_t *list = json_array();

    for (size_t i = 0; params && params[i].name; i++) {
        json_array_append_new(list, json_pack("{ssss}", "name",
                                              params[i].name, "type",
                                              params[i].type));
    }
    return json_pack("{soss}", "parameters", list, "option", name);
}

static void vl_options_add_core(const char *name, void *opaque)
{
    json_array_append_new(opaque, vl_options_info(name, NULL));
}

/* Every option; those of this file with their parameters. */
static json_t *vl_options_query(json_t *args, Error **errp)
{
    const char *only = json_string_value(json_object_get(args, "option"));
    json_t *all = json_array();
    json_t *ret;
    json_t *info;
    size_t i;

    vl_foreach_core_option(vl_options_add_core, all);
    for (i = 0; i < ARRAY_SIZE(vl_extra_options); i++) {
        json_array_append_new(all, vl_options_info(vl_extra_options[i].name,
                                                   vl_extra_options[i].params));
    }
    if (!only) {
        return all;
    }
    ret = json_array();
    json_array_foreach(all, i, info) {
        if (!strcmp(json_string_value(json_object_get(info, "option")),
                    only)) {
            json_array_append(ret, info);
        }
    }
    json_decref(all);
    if (!json_array_size(ret)) {
        json_decref(ret);
        error_setg(errp, "invalid option name: %s", only);
        return NULL;
    }
    return ret;
}

static const QmpType vl_options_types[] = {
    { .name = "CommandLineParameterInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "name", "str" }, { "type", "str" }, { "help", "str", true },
          { "default", "str", true }, { NULL } } },
    { .name = "CommandLineOptionInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "option", "str" }, { "parameters", "[CommandLineParameterInfo]" },
          { NULL } } },
};

static const QmpCommandSpec vl_options_command = {
    .name = "query-command-line-options", .fn = vl_options_query,
    .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "[CommandLineOptionInfo]",
    .args = (const QmpMember[]) { { "option", "str", true }, { NULL } },
};

void vl_options_register_qmp(void)
{
    qmp_register_types(vl_options_types, ARRAY_SIZE(vl_options_types));
    qmp_register_command_spec(&vl_options_command);
}
