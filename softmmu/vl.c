/*
 * The command line and start-up order.  vl_parse_*() read QEMU's options
 * into VlConfig (syntax errors name the option: "-m foo: ..."); then
 * qemu_init() builds in QEMU's order: daemonize, machine object, chardevs,
 * accelerator, qtest, -object backends, monitors, board, -device, reset,
 * start.  Help output lives in vl-help.c, the main loop in runstate.c,
 * the memory map in hw/i386/pc_q35.c.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/keyval.h"
#include "qemu/trace.h"
#include "sysemu/sysemu.h"
#include "sysemu/runstate.h"
#include "sysemu/qtest.h"
#include "sysemu/hostmem.h"
#include "hw/mem/memory-device.h"
#include "migration/migration.h"
#include "sysemu/os.h"
#include "sysemu/numa.h"
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "hw/boards.h"
#include "hw/core/qdev.h"
#include "hw/i386/pc.h"
#include "softmmu/vl-internal.h"
#include "softmmu/trace.h"
#include "hw/vfio/vfio-container.h"
#include <fcntl.h>
#include <signal.h>

typedef struct VlQmp {
    char *loc;
    char *path;
    bool server;
    bool wait;
} VlQmp;

typedef struct VlConfig {
    char *machine_type;         /* NULL: the default machine */
    json_t *machine_props;      /* other -machine keys, merged */
    char *machine_accel;        /* -machine accel=NAME */
    uint64_t ram_size;          /* 0: machine default */
    uint64_t maxram_size;       /* 0: == ram_size */
    uint64_t ram_slots;
    bool has_slots;
    bool has_ram_size;      /* -m gave size= */
    char *cpu_model;
    unsigned int phys_bits;     /* 0: host's */
    GPtrArray *objects;         /* VlDeferred */
    GPtrArray *devices;         /* VlDeferred */
    GPtrArray *chardevs;        /* VlDeferred */
    GPtrArray *mons;            /* VlDeferred */
    GPtrArray *qmps;            /* VlQmp */
    const char *qtest_chrdev;
    const char *qtest_log;
    const char *pidfile;
    bool start_paused;
    const char *incoming;       /* -incoming URI or "defer" */
    bool daemonize;
    bool mem_lock;
} VlConfig;

typedef bool VlOptionHandler(VlConfig *cfg, const char *arg, Error **errp);

typedef struct VlOption {
    const char *name;           /* without the leading '-' */
    bool has_arg;
    VlOptionHandler *handler;
} VlOption;

#define VL_SIZE_HINT \
    "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n" \
    "and exabytes, respectively.\n"

const char *qemu_name;
static VlConfig vl_config;
static char *vl_pidfile_written;    /* removed at cleanup */
static int vl_daemon_pipe = -1;     /* write end: tell the parent "up" */

void vl_deferred_free(gpointer p)
{
    VlDeferred *d = p;

    g_free(d->loc);
    json_decref(d->opts);
    g_free(d);
}

static void vl_qmp_free(gpointer p)
{
    VlQmp *q = p;

    g_free(q->loc);
    g_free(q->path);
    g_free(q);
}

void vl_defer(GPtrArray *list, const char *opt, const char *arg,
              json_t *opts, bool from_cli)
{
    VlDeferred *d = g_new0(VlDeferred, 1);

    d->loc = g_strdup_printf("-%s %s", opt, arg);
    d->opts = opts;
    d->from_cli = from_cli;
    g_ptr_array_add(list, d);
}

/* Print err, located at loc ("-m foo") when loc is non-NULL; exit(1). */
static void QEMU_NORETURN vl_fail(const char *loc, Error *err)
{
    if (loc) {
        error_prepend(&err, "%s: ", loc);
    }
    error_report_err(err);
    exit(1);
}

/* ---- value helpers ---- */

static bool vl_parse_size(const char *name, const char *str,
                          char default_suffix, uint64_t *value, Error **errp)
{
    int ret = qemu_strtosz(str, default_suffix, value);

    if (ret == -ERANGE) {
        error_setg(errp, "Value '%s' is out of range for parameter '%s'",
                   str, name);
        return false;
    }
    if (ret < 0) {
        error_setg(errp, "Parameter '%s' expects a non-negative number below 2^64",
                   name);
        error_append_hint(errp, VL_SIZE_HINT);
        return false;
    }
    return true;
}

static bool vl_parse_on_off(const char *name, const char *str, bool *value,
                            Error **errp)
{
    if (!strcmp(str, "on") || !strcmp(str, "yes") || !strcmp(str, "true")) {
        *value = true;
        return true;
    }
    if (!strcmp(str, "off") || !strcmp(str, "no") || !strcmp(str, "false")) {
        *value = false;
        return true;
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
    return false;
}

/* Fails on the first key of opts not in known (NULL terminated). */
static bool vl_check_keys(json_t *opts, const char *const *known,
                          Error **errp)
{
    const char *key;
    json_t *value;

    json_object_foreach(opts, key, value) {
        if (!g_strv_contains(known, key) || !json_is_string(value)) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
    }
    return true;
}

/* ---- options ---- */

static bool vl_opt_machine(VlConfig *cfg, const char *arg, Error **errp)
{
    bool help;
    json_t *opts = keyval_parse(arg, "type", &help, errp);
    const char *key;
    json_t *value;

    if (!opts) {
        return false;
    }
    if (help) {
        machine_help_print(stdout);
        exit(0);
    }
    json_object_foreach(opts, key, value) {
        if (!strcmp(key, "type")) {
            g_free(cfg->machine_type);
            cfg->machine_type = g_strdup(json_string_value(value));
        } else if (!strcmp(key, "accel")) {
            g_free(cfg->machine_accel);
            cfg->machine_accel = g_strdup(json_string_value(value));
        } else {
            json_object_set(cfg->machine_props, key, value);
        }
    }
    json_decref(opts);
    return true;
}

static bool vl_opt_accel(VlConfig *cfg, const char *arg, Error **errp)
{
    return vl_accel_add(arg, errp);
}

static bool vl_opt_m_values(VlConfig *cfg, json_t *opts, Error **errp)
{
    static const char *const known[] = { "size", "slots", "maxmem", NULL };
    const char *size = keyval_str(opts, "size");
    const char *slots = keyval_str(opts, "slots");
    const char *maxmem = keyval_str(opts, "maxmem");

    if (!vl_check_keys(opts, known, errp)) {
        return false;
    }
    if (size && !vl_parse_size("size", size, 'M', &cfg->ram_size, errp)) {
        return false;
    }
    cfg->has_ram_size = cfg->has_ram_size || size;
    if (maxmem &&
        !vl_parse_size("maxmem", maxmem, 0, &cfg->maxram_size, errp)) {
        return false;
    }
    if (slots && qemu_strtou64(slots, &cfg->ram_slots) < 0) {
        error_setg(errp, "Parameter 'slots' expects a number");
        return false;
    }
    cfg->has_slots = cfg->has_slots || slots;
    /* QEMU rounds the initial RAM up to 8 KiB. */
    cfg->ram_size = QEMU_ALIGN_UP(cfg->ram_size, 8 * KiB);
    return true;
}

static bool vl_opt_m(VlConfig *cfg, const char *arg, Error **errp)
{
    json_t *opts = keyval_parse(arg, "size", NULL, errp);
    bool ok;

    if (!opts) {
        return false;
    }
    ok = vl_opt_m_values(cfg, opts, errp);
    json_decref(opts);
    return ok;
}

static bool vl_opt_cpu_prop(VlConfig *cfg, const char *key,
                            const char *value, Error **errp)
{
    uint64_t n;
    bool on;

    if (!strcmp(key, "phys-bits")) {
        if (qemu_strtou64(value, &n) < 0) {
            error_setg(errp, "can't apply global %s-x86_64-cpu.phys-bits=%s: Parameter 'phys-bits' expects uint64",
                       cfg->cpu_model, value);
            return false;
        }
        if (n < 32 || n > 52) {
            error_setg(errp, "phys-bits should be between 32 and 52  (but is %" PRIu64 ")",
                       n);
            return false;
        }
        cfg->phys_bits = (unsigned int)n;
        return true;
    }
    if (!strcmp(key, "host-phys-bits")) {
        return vl_parse_on_off(key, value, &on, errp);
    }
    /* CPUID vendor: recorded by nothing (no CPUID model), checked as QEMU */
    if (!strcmp(key, "vendor")) {
        if (strlen(value) != 12) {
            error_setg(errp, "can't apply global %s-x86_64-cpu.vendor=%s: Property '.vendor' doesn't take value '%s'",
                       cfg->cpu_model, value, value);
            return false;
        }
        return true;
    }
    error_setg(errp, "can't apply global %s-x86_64-cpu.%s=%s: Property '%s-x86_64-cpu.%s' not found",
               cfg->cpu_model, key, value, cfg->cpu_model, key);
    return false;
}

static bool vl_opt_cpu(VlConfig *cfg, const char *arg, Error **errp)
{
    static const char *const models[] = { "qemu64", "max", "host", NULL };
    json_t *opts = keyval_parse(arg, "model", NULL, errp);
    const char *model;
    const char *key;
    json_t *value;

    if (!opts) {
        return false;
    }
    model = keyval_str(opts, "model");
    if (!model || !g_strv_contains(models, model)) {
        error_setg(errp, "unable to find CPU model '%s'", model ? model : "");
        json_decref(opts);
        return false;
    }
    g_free(cfg->cpu_model);
    cfg->cpu_model = g_strdup(model);
    json_object_foreach(opts, key, value) {
        if (strcmp(key, "model") &&
            !vl_opt_cpu_prop(cfg, key, json_string_value(value), errp)) {
            json_decref(opts);
            return false;
        }
    }
    json_decref(opts);
    return true;
}

/* -object / -device: "help" listings, else a deferred creation. */
static bool vl_opt_object(VlConfig *cfg, const char *arg, Error **errp)
{
    bool help;
    json_t *opts = keyval_parse_cli(arg, "qom-type", &help, errp);
    const char *type;
    ObjectClass *oc;

    if (!opts) {
        return false;
    }
    type = keyval_str(opts, "qom-type");
    if (help) {
        if (!type || keyval_is_help(type)) {
            vl_help_print_objects();
        } else {
            vl_help_print_type_props(type);
        }
        exit(0);
    }
    oc = type ? object_class_by_name(type) : NULL;
    if (type && (!oc || !object_class_dynamic_cast(oc, TYPE_USER_CREATABLE)
                 || object_class_is_abstract(oc))) {
        error_setg(errp, "Parameter 'qom-type' does not accept value '%s'",
                   type);
        json_decref(opts);
        return false;
    }
    vl_defer(cfg->objects, "object", arg, opts, arg[0] != '{');
    return true;
}

static bool vl_opt_device(VlConfig *cfg, const char *arg, Error **errp)
{
    bool help;
    json_t *opts = keyval_parse_cli(arg, "driver", &help, errp);
    const char *driver;

    if (!opts) {
        return false;
    }
    driver = keyval_str(opts, "driver");
    if (help) {
        if (!driver || keyval_is_help(driver)) {
            vl_help_print_devices();
        } else if (!vl_help_print_type_props(driver)) {
            error_setg(errp, "'%s' is not a valid device model name", driver);
            json_decref(opts);
            return false;
        }
        exit(0);
    }
    vl_defer(cfg->devices, "device", arg, opts, arg[0] != '{');
    return true;
}

/*
 * -qmp unix:PATH[,server[=on|off]][,wait=on|off][,nowait]: the old
 * bare forms "server" and "nowait" are accepted as QEMU does.
 */
static bool vl_opt_qmp_flag(VlQmp *q, const char *item, Error **errp)
{
    const char *eq = strchr(item, '=');
    g_autofree char *key = eq ? g_strndup(item, eq - item) : g_strdup(item);
    bool value = true;

    if (!strcmp(item, "nowait")) {
        q->wait = false;
        return true;
    }
    if (strcmp(key, "server") && strcmp(key, "wait")) {
        error_setg(errp, "Invalid parameter '%s'", key);
        return false;
    }
    if (eq && !vl_parse_on_off(key, eq + 1, &value, errp)) {
        return false;
    }
    if (!strcmp(key, "server")) {
        q->server = value;
    } else {
        q->wait = value;
    }
    return true;
}

static bool vl_opt_qmp(VlConfig *cfg, const char *arg, Error **errp)
{
    g_auto(GStrv) items = NULL;
    VlQmp *q;
    int i;

    if (!g_str_has_prefix(arg, "unix:") || !arg[5]) {
        error_setg(errp, "parse error: %s", arg);
        return false;
    }
    items = g_strsplit(arg + 5, ",", -1);
    q = g_new0(VlQmp, 1);
    q->loc = g_strdup_printf("-qmp %s", arg);
    q->path = g_strdup(items[0]);
    q->wait = true;
    for (i = 1; items[i]; i++) {
        if (!vl_opt_qmp_flag(q, items[i], errp)) {
            vl_qmp_free(q);
            return false;
        }
    }
    g_ptr_array_add(cfg->qmps, q);
    return true;
}

static bool vl_opt_chardev(VlConfig *cfg, const char *arg, Error **errp)
{
    json_t *opts = keyval_parse(arg, "backend", NULL, errp);

    if (!opts) {
        return false;
    }
    vl_defer(cfg->chardevs, "chardev", arg, opts, true);
    return true;
}

static bool vl_opt_mon(VlConfig *cfg, const char *arg, Error **errp)
{
    json_t *opts = keyval_parse(arg, "chardev", NULL, errp);
    static const char *const known[] = {
        "chardev", "mode", "pretty", "id", NULL
    };

    if (!opts) {
        return false;
    }
    if (!vl_check_keys(opts, known, errp)) {
        json_decref(opts);
        return false;
    }
    if (!keyval_str(opts, "chardev")) {
        error_setg(errp, "Parameter 'chardev' is missing");
        json_decref(opts);
        return false;
    }
    vl_defer(cfg->mons, "mon", arg, opts, true);
    return true;
}

static bool vl_opt_qtest(VlConfig *cfg, const char *arg, Error **errp)
{
    cfg->qtest_chrdev = arg;
    return true;
}

static bool vl_opt_qtest_log(VlConfig *cfg, const char *arg, Error **errp)
{
    cfg->qtest_log = arg;
    return true;
}

static bool vl_opt_numa(VlConfig *cfg, const char *arg, Error **errp)
{
    g_autoptr(json_t) opts = keyval_parse(arg, "type", NULL, errp);

    return opts && numa_add_opts(opts, errp);
}

static bool vl_opt_display(VlConfig *cfg, const char *arg, Error **errp)
{
    json_t *opts = keyval_parse(arg, "type", NULL, errp);
    const char *type;
    bool ok;

    if (!opts) {
        return false;
    }
    type = keyval_str(opts, "type");
    /* hotmem has no display: only "none" is accepted. */
    ok = type && !strcmp(type, "none");
    if (!ok) {
        error_setg(errp, "Parameter 'type' does not accept value '%s'",
                   type ? type : "");
    }
    json_decref(opts);
    return ok;
}

static bool vl_opt_ignored(VlConfig *cfg, const char *arg, Error **errp)
{
    return true;
}

static bool vl_opt_incoming(VlConfig *cfg, const char *arg, Error **errp)
{
    cfg->incoming = arg;
    return true;
}

static bool vl_opt_S(VlConfig *cfg, const char *arg, Error **errp)
{
    cfg->start_paused = true;
    return true;
}

static bool vl_opt_pidfile(VlConfig *cfg, const char *arg, Error **errp)
{
    cfg->pidfile = arg;
    return true;
}

static bool vl_opt_daemonize(VlConfig *cfg, const char *arg, Error **errp)
{
    cfg->daemonize = true;
    return true;
}

static bool vl_opt_trace(VlConfig *cfg, const char *arg, Error **errp)
{
    bool help;

    if (!trace_opt_parse(arg, &help, errp)) {
        return false;
    }
    if (help) {
        exit(0);
    }
    return true;
}

static bool vl_opt_D(VlConfig *cfg, const char *arg, Error **errp)
{
    return trace_set_log_file(arg, errp);
}

static bool vl_opt_overcommit(VlConfig *cfg, const char *arg, Error **errp)
{
    static const char *const known[] = { "mem-lock", "cpu-pm", NULL };
    json_t *opts = keyval_parse(arg, NULL, NULL, errp);
    const char *key;
    json_t *value;
    bool on;
    bool ok;

    if (!opts) {
        return false;
    }
    ok = vl_check_keys(opts, known, errp);
    json_object_foreach(opts, key, value) {
        if (ok && !vl_parse_on_off(key, json_string_value(value), &on,
                                   errp)) {
            ok = false;
        }
        if (ok && !strcmp(key, "mem-lock")) {
            cfg->mem_lock = on;
        }
    }
    json_decref(opts);
    return ok;
}

static bool vl_opt_version(VlConfig *cfg, const char *arg, Error **errp)
{
    vl_help_print_version();
    exit(0);
}

static bool vl_opt_help(VlConfig *cfg, const char *arg, Error **errp)
{
    vl_help_print_usage();
    exit(0);
}

static const VlOption vl_options[] = {
    { "machine", true, vl_opt_machine },
    { "M", true, vl_opt_machine },
    { "accel", true, vl_opt_accel },
    { "m", true, vl_opt_m },
    { "cpu", true, vl_opt_cpu },
    { "object", true, vl_opt_object },
    { "device", true, vl_opt_device },
    { "qmp", true, vl_opt_qmp },
    { "chardev", true, vl_opt_chardev },
    { "mon", true, vl_opt_mon },
    { "qtest", true, vl_opt_qtest },
    { "qtest-log", true, vl_opt_qtest_log },
    { "numa", true, vl_opt_numa },
    { "display", true, vl_opt_display },
    { "nographic", false, vl_opt_ignored },
    { "nodefaults", false, vl_opt_ignored },
    { "no-user-config", false, vl_opt_ignored },
    { "S", false, vl_opt_S },
    { "incoming", true, vl_opt_incoming },
    { "pidfile", true, vl_opt_pidfile },
    { "daemonize", false, vl_opt_daemonize },
    { "trace", true, vl_opt_trace },
    { "D", true, vl_opt_D },
    { "overcommit", true, vl_opt_overcommit },
    { "version", false, vl_opt_version },
    { "help", false, vl_opt_help },
    { "h", false, vl_opt_help },
};

/* The name of the option arg ("-m" or "--m" -> "m"), or NULL. */
static const char *vl_option_name(const char *arg)
{
    if (arg[0] != '-') {
        return NULL;
    }
    return arg[1] == '-' ? arg + 2 : arg + 1;
}

/* The option named by arg in vl.c's table, or NULL. */
static const VlOption *vl_find_option(const char *arg)
{
    const char *name = vl_option_name(arg);
    size_t i;

    for (i = 0; name && i < ARRAY_SIZE(vl_options); i++) {
        if (!strcmp(vl_options[i].name, name)) {
            return &vl_options[i];
        }
    }
    return NULL;
}

/* The option named by arg in vl-options.c's table, or NULL. */
static const VlExtraOption *vl_find_extra_option(const char *arg)
{
    const char *name = vl_option_name(arg);

    return name ? vl_options_find(name) : NULL;
}

void vl_foreach_core_option(VlOptionNameFunc *fn, void *opaque)
{
    for (size_t i = 0; i < ARRAY_SIZE(vl_options); i++) {
        fn(vl_options[i].name, opaque);
    }
}

/* Pass 1: every option exists and has its argument, before anything runs. */
static void vl_check_options(int argc, char **argv)
{
    const VlOption *opt;
    int i;

    for (i = 1; i < argc; i++) {
        const VlExtraOption *extra = vl_find_extra_option(argv[i]);
        bool has_arg;

        opt = vl_find_option(argv[i]);
        if (!opt && !extra) {
            error_report("%s: invalid option", argv[i]);
            exit(1);
        }
        has_arg = opt ? opt->has_arg : extra->has_arg;
        if (has_arg && ++i >= argc) {
            error_report("%s: requires an argument", argv[i - 1]);
            exit(1);
        }
    }
}

/* Pass 2: parse each option into cfg; syntax errors name the option. */
static void vl_parse_options(VlConfig *cfg, int argc, char **argv)
{
    Error *err = NULL;
    int i;

    for (i = 1; i < argc; i++) {
        const VlOption *opt = vl_find_option(argv[i]);
        const VlExtraOption *extra = opt ? NULL : vl_find_extra_option(argv[i]);
        const char *arg = (opt ? opt->has_arg : extra->has_arg) ? argv[++i]
                                                               : NULL;
        bool ok = opt ? opt->handler(cfg, arg, &err)
                      : extra->handler(extra, arg, &err);

        if (!ok) {
            g_autofree char *loc = arg ? g_strdup_printf("%s %s", argv[i - 1],
                                                         arg)
                                       : g_strdup(argv[i]);
            vl_fail(loc, err);
        }
    }
}

/* ---- checks after parsing ---- */

static bool vl_check_maxmem_covers(uint64_t maxram_size, uint64_t ram_size,
                                   Error **errp)
{
    if (maxram_size < ram_size) {
        error_setg(errp, "invalid value of maxmem: maximum memory size (0x%" PRIx64 ") must be at least the initial memory size (0x%" PRIx64 ")",
                   maxram_size, ram_size);
        return false;
    }
    return true;
}

/* QEMU's checks of -m that are reported without the option's location. */
static bool vl_check_memory(VlConfig *cfg, uint64_t default_ram_size,
                            Error **errp)
{
    if (!cfg->ram_size) {
        cfg->ram_size = default_ram_size;
    }
    if (!cfg->maxram_size) {
        if (cfg->has_slots) {   /* as QEMU: even slots=0 */
            error_setg(errp, "slots specified but no max-size");
            return false;
        }
        cfg->maxram_size = cfg->ram_size;
        return true;
    }
    if (!vl_check_maxmem_covers(cfg->maxram_size, cfg->ram_size, errp)) {
        return false;
    }
    if (cfg->maxram_size == cfg->ram_size && cfg->ram_slots) {
        error_setg(errp, "invalid value of maxmem: memory slots were specified but maximum memory size (0x%" PRIx64 ") is equal to the initial memory size (0x%" PRIx64 ")",
                   cfg->maxram_size, cfg->ram_size);
        return false;
    }
    return true;
}

/* ---- start-up steps ---- */

/*
 * -daemonize: fork now; the parent waits until the child reports that
 * init succeeded (one byte on a pipe), then exits 0; if the child dies
 * first, the parent exits 1.  The child's errors still reach the terminal.
 */
static void vl_daemonize_fork(void)
{
    int fds[2];
    pid_t pid;
    char status;

    if (pipe(fds) < 0) {
        error_report("cannot create pipe for -daemonize: %s",
                     strerror(errno));
        exit(1);
    }
    pid = fork();
    if (pid < 0) {
        error_report("cannot fork for -daemonize: %s", strerror(errno));
        exit(1);
    }
    if (pid > 0) {
        close(fds[1]);
        exit(read(fds[0], &status, 1) == 1 && status == 0 ? 0 : 1);
    }
    close(fds[0]);
    setsid();
    vl_daemon_pipe = fds[1];
}

static void vl_daemonize_done(void)
{
    char status = 0;
    int fd;

    if (vl_daemon_pipe < 0) {
        return;
    }
    fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, STDIN_FILENO);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
    }
    if (write(vl_daemon_pipe, &status, 1) != 1) {
        exit(1);
    }
    close(vl_daemon_pipe);
    vl_daemon_pipe = -1;
}

static bool vl_write_pidfile(const char *path, Error **errp)
{
    g_autofree char *text = g_strdup_printf("%d\n", (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ssize_t len = (ssize_t)strlen(text);

    if (fd < 0) {
        error_setg_errno(errp, errno,
                         "cannot create PID file: Could not create '%s'",
                         path);
        return false;
    }
    if (write(fd, text, len) != len) {
        error_setg_errno(errp, errno,
                         "cannot create PID file: Could not write '%s'",
                         path);
        close(fd);
        return false;
    }
    close(fd);
    vl_pidfile_written = g_strdup(path);
    return true;
}

static MachineClass *vl_select_machine(VlConfig *cfg)
{
    MachineClass *mc = cfg->machine_type
                       ? machine_find_class(cfg->machine_type)
                       : machine_default_class();

    if (!mc) {
        Error *err = NULL;

        error_setg(&err, "unsupported machine type");
        error_append_hint(&err, "Use -machine help to list supported machines\n");
        vl_fail(NULL, err);
    }
    return mc;
}

static void vl_set_machine_props(MachineState *ms, json_t *props)
{
    Error *err = NULL;
    const char *key;
    json_t *value;

    json_object_foreach(props, key, value) {
        if (!object_property_parse(OBJECT(ms), key, json_string_value(value),
                                   &err)) {
            vl_fail(NULL, err);
        }
    }
}

static MachineState *vl_create_machine(VlConfig *cfg)
{
    MachineClass *mc = vl_select_machine(cfg);
    MachineState *ms;
    unsigned int smp_cpus;
    Error *err = NULL;

    if (!vl_check_memory(cfg, mc->default_ram_size, &err) ||
        !vl_smp_resolve(&smp_cpus, &err)) {
        vl_fail(NULL, err);
    }
    ms = machine_create(mc);
    vl_set_machine_props(ms, cfg->machine_props);
    ms->ram_size = cfg->ram_size;
    ms->maxram_size = cfg->maxram_size;
    ms->ram_slots = cfg->ram_slots;
    ms->smp_cpus = smp_cpus;
    if (cfg->cpu_model) {
        g_free(ms->cpu_type);
        ms->cpu_type = g_strdup(cfg->cpu_model);
    }
    /* hotmem: phys-bits defaults to the host's (QEMU: 40 without KVM). */
    ms->phys_bits_set = cfg->phys_bits != 0;
    ms->phys_bits = cfg->phys_bits ? cfg->phys_bits : pc_host_phys_bits();
    return ms;
}

/*
 * -machine memory-backend=ID without -m size: the initial RAM takes the
 * backend's size.  The backend exists only once the objects are created.
 */
static void vl_resolve_machine_memdev(VlConfig *cfg, MachineState *ms)
{
    HostMemoryBackend *backend;
    Error *err = NULL;
    uint64_t size;

    if (!ms->ram_memdev_id) {
        return;
    }
    backend = host_memory_backend_find(ms->ram_memdev_id);
    if (!backend) {
        error_report("Memory backend '%s' not found", ms->ram_memdev_id);
        exit(1);
    }
    size = memory_region_size(host_memory_backend_get_memory(backend));
    if (cfg->has_ram_size) {
        return;     /* a mismatch is the machine's to refuse, as QEMU 7.2 */
    }
    if (ms->maxram_size == ms->ram_size) {
        ms->maxram_size = size;
    } else if (!vl_check_maxmem_covers(ms->maxram_size, size, &err)) {
        vl_fail(NULL, err);
    }
    ms->ram_size = size;
}

static void vl_create_chardevs(VlConfig *cfg)
{
    Error *err = NULL;
    guint i;

    for (i = 0; i < cfg->chardevs->len; i++) {
        VlDeferred *d = g_ptr_array_index(cfg->chardevs, i);

        if (!chardev_add_from_opts(d->opts, &err)) {
            vl_fail(d->loc, err);
        }
    }
}

static void vl_check_cpu(MachineState *ms)
{
    if (!strcmp(ms->cpu_type, "host") && strcmp(ms->accel, "kvm")) {
        error_report("CPU model 'host' requires KVM or HVF");
        exit(1);
    }
}

static void vl_create_objects(VlConfig *cfg)
{
    Error *err = NULL;
    guint i;

    for (i = 0; i < cfg->objects->len; i++) {
        VlDeferred *d = g_ptr_array_index(cfg->objects, i);
        json_t *props = json_deep_copy(d->opts);
        const char *type = keyval_str(d->opts, "qom-type");
        const char *id = keyval_str(d->opts, "id");

        json_object_del(props, "qom-type");
        json_object_del(props, "id");
        if (!type) {
            error_setg(&err, "Parameter 'qom-type' is missing");
        } else {
            user_creatable_add(type, id, props, d->from_cli, &err);
        }
        json_decref(props);
        if (err) {
            vl_fail(d->loc, err);
        }
    }
}

static void vl_start_monitors(VlConfig *cfg)
{
    Error *err = NULL;
    guint i;

    machine_qmp_register();
    hostmem_qmp_register();
    memory_devices_register_commands();
    qdev_monitor_register();
    vl_options_register_qmp();
    migration_register_commands();
    vfio_register_commands();
    for (i = 0; i < cfg->qmps->len; i++) {
        VlQmp *q = g_ptr_array_index(cfg->qmps, i);

        if (!monitor_init_qmp_unix(q->path, q->server, q->wait, &err)) {
            vl_fail(q->loc, err);
        }
    }
    for (i = 0; i < cfg->mons->len; i++) {
        VlDeferred *d = g_ptr_array_index(cfg->mons, i);
        const char *mode = keyval_str(d->opts, "mode");

        if (!monitor_init_chardev(keyval_str(d->opts, "chardev"),
                                  mode ? mode : "readline", &err)) {
            vl_fail(d->loc, err);
        }
    }
}

static void vl_create_devices(VlConfig *cfg)
{
    Error *err = NULL;
    guint i;

    for (i = 0; i < cfg->devices->len; i++) {
        VlDeferred *d = g_ptr_array_index(cfg->devices, i);

        if (!qdev_device_add(d->opts, d->from_cli, &err)) {
            vl_fail(d->loc, err);
        }
    }
}

static void vl_on_signal(int signal, siginfo_t *info, void *context)
{
    qemu_system_killed(signal, info->si_pid);
}

/* SA_SIGINFO rather than g_unix_signal_add: QEMU names the sender. */
static void vl_install_signals(void)
{
    static const int signals[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction act = { 0 };
    size_t i;

    act.sa_sigaction = vl_on_signal;
    act.sa_flags = SA_SIGINFO;
    sigemptyset(&act.sa_mask);
    for (i = 0; i < ARRAY_SIZE(signals); i++) {
        sigaction(signals[i], &act, NULL);
    }
}

static void vl_config_init(VlConfig *cfg)
{
    cfg->machine_props = json_object();
    cfg->objects = g_ptr_array_new_with_free_func(vl_deferred_free);
    cfg->devices = g_ptr_array_new_with_free_func(vl_deferred_free);
    cfg->chardevs = g_ptr_array_new_with_free_func(vl_deferred_free);
    cfg->mons = g_ptr_array_new_with_free_func(vl_deferred_free);
    cfg->qmps = g_ptr_array_new_with_free_func(vl_qmp_free);
}

/*
 * -incoming: the VM waits in inmigrate for the stream (now, or with
 * "defer" for migrate-incoming) and runs after it unless -S was given.
 */
static void vl_start_incoming(VlConfig *cfg)
{
    g_autofree char *loc = g_strdup_printf("-incoming %s", cfg->incoming);
    Error *err = NULL;

    runstate_set_autostart(!cfg->start_paused);
    if (!migration_incoming_init(cfg->incoming, &err)) {
        vl_fail(loc, err);
    }
}

/* Build everything the parsed options ask for, in QEMU's order. */
static void vl_build(VlConfig *cfg)
{
    Error *err = NULL;
    MachineState *ms;

    if (cfg->daemonize) {
        vl_daemonize_fork();
    }
    if (cfg->pidfile && !vl_write_pidfile(cfg->pidfile, &err)) {
        vl_fail(NULL, err);
    }
    ms = vl_create_machine(cfg);
    vl_options_apply(ms);
    vl_create_chardevs(cfg);
    if (!vl_accel_configure(cfg->machine_accel, cfg->qtest_chrdev != NULL,
                            ms, &err)) {
        vl_fail(NULL, err);
    }
    vl_check_cpu(ms);
    if (cfg->mem_lock && !os_mlock(&err)) {
        vl_fail(NULL, err);
    }
    if (cfg->qtest_chrdev &&
        !qtest_server_init(cfg->qtest_chrdev, cfg->qtest_log, &err)) {
        vl_fail(NULL, err);
    }
    vl_create_objects(cfg);
    vl_resolve_machine_memdev(cfg, ms);
    vl_start_monitors(cfg);
    if (!numa_complete(ms->ram_size, &err) ||
        !machine_run_init(ms, &err)) {
        vl_fail(NULL, err);
    }
    trace_vl_machine_init_done(MACHINE_GET_CLASS(ms)->name, ms->ram_size,
                               ms->maxram_size);
    if (!cpu_threads_start(ms->smp_cpus, vl_options_debug_threads(), &err)) {
        vl_fail(NULL, err);
    }
    cpu_objects_create(ms);
    vl_create_devices(cfg);
    qdev_machine_creation_done();
    qemu_system_reset(SHUTDOWN_CAUSE_NONE);
}

void qemu_init(int argc, char **argv)
{
    VlConfig *cfg = &vl_config;

    error_set_progname(argv[0]);
    vl_config_init(cfg);
    vl_check_options(argc, argv);
    vl_parse_options(cfg, argc, argv);
    /* Before any socket is up: a client may stop us as soon as it can. */
    vl_install_signals();
    vl_build(cfg);
    if (cfg->incoming) {
        vl_start_incoming(cfg);
    } else if (!cfg->start_paused) {
        vm_start();
    }
    vl_daemonize_done();
}

void qemu_cleanup(void)
{
    /* The machine is not torn down: the process exits next (as QEMU). */
    monitor_cleanup();
    cpu_threads_stop();
    vl_options_cleanup();
    if (vl_pidfile_written) {
        unlink(vl_pidfile_written);
        g_free(vl_pidfile_written);
        vl_pidfile_written = NULL;
    }
    trace_set_log_file(NULL, NULL);
}
