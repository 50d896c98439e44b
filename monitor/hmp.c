/*
 * The human monitor as human-monitor-command reaches it: command tables
 * (top level and "info"), a command-line parser with QEMU's rules and
 * messages (double-quoted strings with \n \r \\ \' \" escapes, "-x" flags
 * in declaration order, "string expected", "extraneous characters at the
 * end of line"), help, and the built-in commands (qom-*, object_add/del,
 * stop, cont, quit, system_reset, info status/mtree/version).  Other parts
 * register their commands through include/monitor/monitor.h.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "exec/memory.h"
#include "monitor/monitor.h"
#include "monitor/monitor-internal.h"
#include "qom/object.h"
#include "sysemu/runstate.h"

typedef enum HmpArgKind {
    HMP_ARG_FLAG,           /* "-x": present or not */
    HMP_ARG_STR,            /* a word or a double-quoted string */
    HMP_ARG_OPT_STR,        /* the same, may be absent at end of line */
    HMP_ARG_REST,           /* the rest of the line, may be absent */
} HmpArgKind;

typedef struct HmpArg {
    HmpArgKind kind;
    char flag;              /* HMP_ARG_FLAG: the letter */
} HmpArg;

typedef struct HmpCommand {
    char *name;             /* "stop|s": aliases after '|' */
    char *args_help;
    char *help;
    GArray *args;           /* HmpArg, in command-line order */
    HmpCommandFunc *fn;
} HmpCommand;

typedef struct HmpParser {
    const char *p;          /* next character of the command line */
    GPtrArray *argv;        /* char *, owned */
    GString *out;
    const char *cmd_name;   /* for messages: "stop|s", "mtree" */
} HmpParser;

static GPtrArray *hmp_commands;         /* HmpCommand *, top level */
static GPtrArray *hmp_info_commands;    /* HmpCommand *, "info X" */

static void hmp_register_builtins(void);

/* ---- tables ---- */

static void hmp_tables_init(void)
{
    if (hmp_commands) {
        return;
    }
    hmp_commands = g_ptr_array_new();
    hmp_info_commands = g_ptr_array_new();
    hmp_register_builtins();
}

static void hmp_args_add(GArray *args, HmpArgKind kind, char flag)
{
    HmpArg arg = { .kind = kind, .flag = flag };

    g_array_append_val(args, arg);
}

/*
 * Arguments from args_help: "[-x]" a flag, "[word]" an optional string,
 * "word" a required string; brackets may be nested or adjacent.
 */
static GArray *hmp_args_from_help(const char *args_help)
{
    GArray *args = g_array_new(false, false, sizeof(HmpArg));
    const char *p = args_help;
    int depth = 0;
    size_t len;

    while (*p) {
        if (*p == '[' || *p == ']' || g_ascii_isspace(*p)) {
            depth += (*p == '[') - (*p == ']');
            p++;
            continue;
        }
        len = strcspn(p, "[] \t");
        if (len == 2 && p[0] == '-' && depth > 0) {
            hmp_args_add(args, HMP_ARG_FLAG, p[1]);
        } else {
            hmp_args_add(args, depth > 0 ? HMP_ARG_OPT_STR : HMP_ARG_STR, 0);
        }
        p += len;
    }
    return args;
}

static void hmp_add(GPtrArray *table, const char *name,
                    const char *args_help, const char *help,
                    HmpCommandFunc *fn, GArray *args)
{
    HmpCommand *cmd = g_new0(HmpCommand, 1);

    cmd->name = g_strdup(name);
    cmd->args_help = g_strdup(args_help);
    cmd->help = g_strdup(help);
    cmd->args = args;
    cmd->fn = fn;
    g_ptr_array_add(table, cmd);
}

void hmp_register_command(const char *name, const char *args_help,
                          const char *help, HmpCommandFunc *fn)
{
    hmp_tables_init();
    hmp_add(hmp_commands, name, args_help, help, fn,
            hmp_args_from_help(args_help));
}

void hmp_register_info(const char *name, const char *args_help,
                       const char *help, HmpCommandFunc *fn)
{
    hmp_tables_init();
    hmp_add(hmp_info_commands, name, args_help, help, fn,
            hmp_args_from_help(args_help));
}

/* Does word name cmd, or one of its '|' aliases? */
static bool hmp_command_has_name(const HmpCommand *cmd, const char *word,
                                 size_t len)
{
    const char *p = cmd->name;
    size_t alias_len;

    while (*p) {
        alias_len = strcspn(p, "|");
        if (alias_len == len && !strncmp(p, word, len)) {
            return true;
        }
        p += alias_len + (p[alias_len] == '|');
    }
    return false;
}

static HmpCommand *hmp_find(GPtrArray *table, const char *word, size_t len)
{
    for (guint i = 0; i < table->len; i++) {
        if (hmp_command_has_name(table->pdata[i], word, len)) {
            return table->pdata[i];
        }
    }
    return NULL;
}

/* ---- help ---- */

static gint hmp_command_compare(gconstpointer a, gconstpointer b)
{
    const HmpCommand *ca = *(HmpCommand *const *)a;
    const HmpCommand *cb = *(HmpCommand *const *)b;

    return strcmp(ca->name, cb->name);
}

static void hmp_help_line(GString *out, const char *prefix,
                          const HmpCommand *cmd)
{
    g_string_append_printf(out, "%s%s %s -- %s\n", prefix, cmd->name,
                           cmd->args_help, cmd->help);
}

static void hmp_help_table(GString *out, GPtrArray *table,
                           const char *prefix)
{
    g_autoptr(GPtrArray) sorted = g_ptr_array_copy(table, NULL, NULL);

    g_ptr_array_sort(sorted, hmp_command_compare);
    for (guint i = 0; i < sorted->len; i++) {
        hmp_help_line(out, prefix, sorted->pdata[i]);
    }
}

static bool hmp_cmd_help(GString *out, int argc, char **argv, Error **errp)
{
    g_auto(GStrv) words = NULL;
    HmpCommand *cmd;
    const char *info_name;

    if (argc < 2) {
        hmp_help_table(out, hmp_commands, "");
        return true;
    }
    words = g_strsplit_set(g_strstrip(argv[1]), " \t", 3);
    cmd = hmp_find(hmp_commands, words[0], strlen(words[0]));
    if (!cmd) {
        g_string_append_printf(out, "unknown command: '%s'\n", words[0]);
        return true;
    }
    if (strcmp(cmd->name, "info") || !words[1] || !*words[1]) {
        if (!strcmp(cmd->name, "info")) {
            hmp_help_table(out, hmp_info_commands, "info ");
        } else {
            hmp_help_line(out, "", cmd);
        }
        return true;
    }
    info_name = words[1];
    cmd = hmp_find(hmp_info_commands, info_name, strlen(info_name));
    if (!cmd) {
        g_string_append_printf(out, "unknown command: 'info %s'\n",
                               info_name);
        return true;
    }
    hmp_help_line(out, "info ", cmd);
    return true;
}

/* ---- the command-line parser ---- */

static void hmp_skip_space(HmpParser *ps)
{
    while (g_ascii_isspace(*ps->p)) {
        ps->p++;
    }
}

static bool hmp_parse_quoted(HmpParser *ps, GString *word)
{
    static const char escapes[] = "nr\\'\"";
    static const char values[] = "\n\r\\'\"";
    const char *esc;

    ps->p++;
    while (*ps->p && *ps->p != '"') {
        if (*ps->p != '\\') {
            g_string_append_c(word, *ps->p++);
            continue;
        }
        esc = ps->p[1] ? strchr(escapes, ps->p[1]) : NULL;
        if (!esc) {
            return false;   /* unsupported escape code */
        }
        g_string_append_c(word, values[esc - escapes]);
        ps->p += 2;
    }
    if (*ps->p != '"') {
        return false;       /* unterminated string */
    }
    ps->p++;
    return true;
}

/* A word or a double-quoted string; false at end of line or bad quote. */
static bool hmp_parse_str(HmpParser *ps)
{
    GString *word = g_string_new(NULL);
    bool ok = true;

    hmp_skip_space(ps);
    if (!*ps->p) {
        ok = false;
    } else if (*ps->p == '"') {
        ok = hmp_parse_quoted(ps, word);
    } else {
        while (*ps->p && !g_ascii_isspace(*ps->p)) {
            g_string_append_c(word, *ps->p++);
        }
    }
    if (!ok) {
        g_string_free(word, true);
        g_string_append_printf(ps->out, "%s: string expected\n",
                               ps->cmd_name);
        return false;
    }
    g_ptr_array_add(ps->argv, g_string_free(word, false));
    return true;
}

/* Is flag declared at or after position idx? */
static bool hmp_flag_is_later(const GArray *args, guint idx, char flag)
{
    for (guint i = idx; i < args->len; i++) {
        const HmpArg *arg = &g_array_index(args, HmpArg, i);

        if (arg->kind == HMP_ARG_FLAG && arg->flag == flag) {
            return true;
        }
    }
    return false;
}

/* As QEMU: flags must come in declaration order, each at most once. */
static bool hmp_parse_flag(HmpParser *ps, const GArray *args, guint idx)
{
    const HmpArg *arg = &g_array_index(args, HmpArg, idx);

    hmp_skip_space(ps);
    if (*ps->p != '-') {
        return true;
    }
    if (ps->p[1] == arg->flag) {
        g_ptr_array_add(ps->argv, g_strdup_printf("-%c", arg->flag));
        ps->p += 2;
        return true;
    }
    if (!hmp_flag_is_later(args, idx + 1, ps->p[1])) {
        g_string_append_printf(ps->out, "%s: unsupported option -%c\n",
                               ps->cmd_name, ps->p[1]);
        return false;
    }
    return true;
}

static bool hmp_parse_arg(HmpParser *ps, const GArray *args, guint idx)
{
    const HmpArg *arg = &g_array_index(args, HmpArg, idx);

    switch (arg->kind) {
    case HMP_ARG_FLAG:
        return hmp_parse_flag(ps, args, idx);
    case HMP_ARG_OPT_STR:
        hmp_skip_space(ps);
        return !*ps->p || hmp_parse_str(ps);
    case HMP_ARG_REST:
        hmp_skip_space(ps);
        if (*ps->p) {
            g_ptr_array_add(ps->argv, g_strdup(ps->p));
            ps->p += strlen(ps->p);
        }
        return true;
    default:
        return hmp_parse_str(ps);
    }
}

static bool hmp_parse_args(HmpParser *ps, const HmpCommand *cmd)
{
    for (guint i = 0; i < cmd->args->len; i++) {
        if (!hmp_parse_arg(ps, cmd->args, i)) {
            return false;
        }
    }
    hmp_skip_space(ps);
    if (*ps->p) {
        g_string_append_printf(ps->out,
                               "%s: extraneous characters at the end of "
                               "line\n", ps->cmd_name);
        return false;
    }
    return true;
}

static void hmp_call(GString *out, HmpCommand *cmd, GPtrArray *argv)
{
    Error *err = NULL;

    g_ptr_array_add(argv, NULL);
    if (!cmd->fn(out, argv->len - 1, (char **)argv->pdata, &err)) {
        g_string_append_printf(out, "Error: %s\n", error_get_pretty(err));
        if (error_get_hint(err)) {
            g_string_append(out, error_get_hint(err));
        }
        error_free(err);
    }
}

/* Read a command name at ps->p; its length, 0 at end of line. */
static size_t hmp_parse_name(HmpParser *ps, const char **name)
{
    hmp_skip_space(ps);
    *name = ps->p;
    while (*ps->p && !g_ascii_isspace(*ps->p)) {
        ps->p++;
    }
    return ps->p - *name;
}

/* The command named at ps->p, descending into "info"; NULL if unknown. */
static HmpCommand *hmp_parse_command(HmpParser *ps, const char *start)
{
    const char *name;
    size_t len = hmp_parse_name(ps, &name);
    HmpCommand *cmd = hmp_find(hmp_commands, name, len);
    const char *save = ps->p;

    if (cmd && !strcmp(cmd->name, "info")) {
        len = hmp_parse_name(ps, &name);
        if (!len) {
            ps->p = save;
            return cmd;
        }
        cmd = hmp_find(hmp_info_commands, name, len);
    }
    if (!cmd) {
        g_string_append_printf(ps->out, "unknown command: '%.*s'\n",
                               (int)(ps->p - start), start);
    }
    return cmd;
}

static void hmp_run(GString *out, const char *cmdline)
{
    HmpParser ps = { .p = cmdline, .out = out };
    const char *start;
    const char *end;
    HmpCommand *cmd;

    hmp_skip_space(&ps);
    if (!*ps.p) {
        return;
    }
    start = ps.p;
    cmd = hmp_parse_command(&ps, start);
    if (!cmd) {
        return;
    }
    end = ps.p;
    ps.cmd_name = cmd->name;
    ps.argv = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(ps.argv, g_strndup(cmd->name, strcspn(cmd->name, "|")));
    if (hmp_parse_args(&ps, cmd)) {
        hmp_call(out, cmd, ps.argv);
    } else {
        g_string_append_printf(out, "Try \"help %.*s\" for more "
                               "information\n", (int)(end - start), start);
    }
    g_ptr_array_free(ps.argv, true);
}

void hmp_handle_command_line(GString *out, const char *cmdline)
{
    g_autoptr(GString) raw = g_string_new(NULL);

    hmp_tables_init();
    hmp_run(raw, cmdline);
    /* QEMU's monitor turns every "\n" of its output into "\r\n" */
    for (gsize i = 0; i < raw->len; i++) {
        if (raw->str[i] == '\n') {
            g_string_append_c(out, '\r');
        }
        g_string_append_c(out, raw->str[i]);
    }
}

/* ---- built-in commands ---- */

static bool hmp_cmd_info(GString *out, int argc, char **argv, Error **errp)
{
    hmp_help_table(out, hmp_info_commands, "info ");
    return true;
}

static bool hmp_cmd_info_status(GString *out, int argc, char **argv,
                                Error **errp)
{
    RunState state = runstate_get();
    bool running = runstate_is_running();

    g_string_append_printf(out, "VM status: %s",
                           running ? "running" : "paused");
    if (!running && state != RUN_STATE_PAUSED) {
        g_string_append_printf(out, " (%s)", runstate_name(state));
    }
    g_string_append_c(out, '\n');
    return true;
}

static bool hmp_cmd_info_mtree(GString *out, int argc, char **argv,
                               Error **errp)
{
    bool flatview = false;
    bool owner = false;
    bool disabled = false;

    for (int i = 1; i < argc; i++) {
        flatview |= !strcmp(argv[i], "-f");
        owner |= !strcmp(argv[i], "-o");
        disabled |= !strcmp(argv[i], "-D");
        /* -d (dispatch tree) is accepted and has nothing to show */
    }
    mtree_info(out, flatview, owner, disabled);
    return true;
}

static bool hmp_cmd_info_version(GString *out, int argc, char **argv,
                                 Error **errp)
{
    /* QEMU prints the package right after the version, without a space */
    g_string_append_printf(out, "%s%s\n", QEMU_INTERFACE_VERSION,
                           "hotmem " HOTMEM_VERSION);
    return true;
}

static Object *hmp_resolve(const char *path, Error **errp)
{
    Object *obj = object_resolve_path(path, NULL);

    if (!obj) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", path);
    }
    return obj;
}

static bool hmp_cmd_qom_list(GString *out, int argc, char **argv,
                             Error **errp)
{
    ObjectPropertyIterator iter;
    ObjectProperty *prop;
    Object *obj;

    if (argc < 2) {
        g_string_append(out, "/\n");
        return true;
    }
    obj = hmp_resolve(argv[1], errp);
    if (!obj) {
        return false;
    }
    object_property_iter_init(&iter, obj);
    while ((prop = object_property_iter_next(&iter))) {
        g_string_append_printf(out, "%s (%s)\n", prop->name, prop->type);
    }
    return true;
}

static bool hmp_cmd_qom_get(GString *out, int argc, char **argv,
                            Error **errp)
{
    Object *obj = hmp_resolve(argv[1], errp);
    json_t *value = obj ? object_property_get(obj, argv[2], errp) : NULL;
    g_autofree char *text = NULL;

    if (!value) {
        return false;
    }
    text = qmp_json_to_string(value, true);
    g_string_append_printf(out, "%s\n", text);
    json_decref(value);
    return true;
}

/* qom-set [-j] path property value: -j parses value as JSON. */
static bool hmp_cmd_qom_set(GString *out, int argc, char **argv,
                            Error **errp)
{
    bool json = argc == 5;
    const char *value_str = argv[argc - 1];
    json_t *value;
    Object *obj;
    bool ok;

    if (!json) {
        obj = hmp_resolve(argv[1], errp);
        return obj && object_property_parse(obj, argv[2], value_str, errp);
    }
    value = qmp_json_parse(value_str, errp);
    if (!value) {
        return false;
    }
    obj = hmp_resolve(argv[2], errp);
    ok = obj && object_property_set(obj, argv[3], value, errp);
    json_decref(value);
    return ok;
}

/* "type,id=x,prop=value": ",," is a literal comma. */
static json_t *hmp_parse_keyval(const char *str)
{
    json_t *props = json_object();
    g_autoptr(GString) item = g_string_new(NULL);
    const char *eq;
    bool first = true;

    for (const char *p = str;; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(item, *p++);
            continue;
        }
        if (*p && *p != ',') {
            g_string_append_c(item, *p);
            continue;
        }
        eq = strchr(item->str, '=');
        if (eq) {
            g_autofree char *key = g_strndup(item->str, eq - item->str);

            json_object_set_new(props, key, json_string(eq + 1));
        } else if (first) {
            json_object_set_new(props, "qom-type", json_string(item->str));
        }
        first = false;
        g_string_truncate(item, 0);
        if (!*p) {
            return props;
        }
    }
}

static bool hmp_cmd_object_add(GString *out, int argc, char **argv,
                               Error **errp)
{
    json_t *props = hmp_parse_keyval(argv[1]);
    g_autofree char *type = NULL;
    g_autofree char *id = NULL;
    bool ok = false;

    type = g_strdup(json_string_value(json_object_get(props, "qom-type")));
    id = g_strdup(json_string_value(json_object_get(props, "id")));
    json_object_del(props, "qom-type");
    json_object_del(props, "id");
    if (!type) {
        error_setg(errp, "Parameter 'qom-type' is missing");
    } else if (qmp_cmds_check_qom_type(type, errp)) {
        ok = user_creatable_add(type, id, props, true, errp) != NULL;
    }
    json_decref(props);
    return ok;
}

static bool hmp_cmd_object_del(GString *out, int argc, char **argv,
                               Error **errp)
{
    return user_creatable_del(argv[1], errp);
}

static bool hmp_cmd_stop(GString *out, int argc, char **argv, Error **errp)
{
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_PAUSED);
    }
    return true;
}

static bool hmp_cmd_cont(GString *out, int argc, char **argv, Error **errp)
{
    if (!runstate_is_running()) {
        vm_start();
    }
    return true;
}

static bool hmp_cmd_quit(GString *out, int argc, char **argv, Error **errp)
{
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    return true;
}

static bool hmp_cmd_system_reset(GString *out, int argc, char **argv,
                                 Error **errp)
{
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    return true;
}

/* Built-ins declare their arguments as QEMU does, not from args_help. */
static GArray *hmp_args(const char *spec)
{
    GArray *args = g_array_new(false, false, sizeof(HmpArg));

    for (const char *p = spec; *p; p++) {
        switch (*p) {
        case '-':
            hmp_args_add(args, HMP_ARG_FLAG, *++p);
            break;
        case 's':
            hmp_args_add(args, HMP_ARG_STR, 0);
            break;
        case '?':
            hmp_args_add(args, HMP_ARG_OPT_STR, 0);
            break;
        case 'S':
            hmp_args_add(args, HMP_ARG_REST, 0);
            break;
        }
    }
    return args;
}

static void hmp_register_builtins(void)
{
    GPtrArray *top = hmp_commands;
    GPtrArray *info = hmp_info_commands;

    hmp_add(top, "help|?", "[cmd]", "show the help", hmp_cmd_help,
            hmp_args("S"));
    hmp_add(top, "info", "[subcommand]",
            "show various information about the system state", hmp_cmd_info,
            hmp_args(""));
    hmp_add(top, "qom-list", "path", "list QOM properties", hmp_cmd_qom_list,
            hmp_args("?"));
    hmp_add(top, "qom-get", "path property", "print QOM property",
            hmp_cmd_qom_get, hmp_args("ss"));
    hmp_add(top, "qom-set", "[-j] path property value",
            "set QOM property.\n\t\t\t-j: the value is specified in json "
            "format.", hmp_cmd_qom_set, hmp_args("-jsss"));
    hmp_add(top, "object_add", "[qom-type=]type,id=str[,prop=value][,...]",
            "create QOM object", hmp_cmd_object_add, hmp_args("s"));
    hmp_add(top, "object_del", "id", "destroy QOM object",
            hmp_cmd_object_del, hmp_args("s"));
    hmp_add(top, "stop|s", "", "stop emulation", hmp_cmd_stop, hmp_args(""));
    hmp_add(top, "cont|c", "", "resume emulation", hmp_cmd_cont,
            hmp_args(""));
    hmp_add(top, "quit|q", "", "quit the emulator", hmp_cmd_quit,
            hmp_args(""));
    hmp_add(top, "system_reset", "", "reset the system",
            hmp_cmd_system_reset, hmp_args(""));
    hmp_add(info, "status", "", "show the current VM status (running|paused)",
            hmp_cmd_info_status, hmp_args(""));
    hmp_add(info, "mtree", "[-f][-d][-o][-D]",
            "show memory tree (-f: dump flat view for address spaces;-d: "
            "dump dispatch tree, valid with -f only);-o: dump region "
            "owners/parents;-D: dump disabled regions", hmp_cmd_info_mtree,
            hmp_args("-f-d-o-D"));
    hmp_add(info, "version", "", "show the version of QEMU",
            hmp_cmd_info_version, hmp_args(""));
}
