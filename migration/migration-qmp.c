/*
 * The monitor's migration commands, with QEMU 7.2's names, arguments and
 * messages: migrate, migrate_cancel, migrate-continue, migrate-incoming,
 * query-migrate and HMP "info migrate".  They check their arguments and
 * the migration's state, then ask outgoing.c / incoming.c; capabilities
 * and parameters are options.c's.
 */
#include "qemu/osdep.h"
#include "monitor/monitor.h"
#include "monitor/qmp-schema.h"
#include "sysemu/runstate.h"
#include "migration/migration-internal.h"

static json_t *migration_qmp_migrate(json_t *args, Error **errp)
{
    static const char *const known[] = {
        "uri", "blk", "inc", "detach", "resume", NULL
    };
    const char *uri = NULL;
    bool blk = false;
    bool inc = false;
    bool detach = false;
    bool resume = false;

    if (!qmp_arg_str(args, "uri", false, &uri, errp) ||
        !qmp_arg_bool(args, "blk", true, &blk, errp) ||
        !qmp_arg_bool(args, "inc", true, &inc, errp) ||
        !qmp_arg_bool(args, "detach", true, &detach, errp) ||
        !qmp_arg_bool(args, "resume", true, &resume, errp) ||
        !qmp_args_check_known(args, known, errp)) {
        return NULL;
    }
    if (migration_outgoing_is_running()) {
        error_setg(errp, "There's a migration process in progress");
        return NULL;
    }
    if (runstate_get() == RUN_STATE_INMIGRATE) {
        error_setg(errp, "Guest is waiting for an incoming migration");
        return NULL;
    }
    if (blk || inc || resume) {
        error_setg(errp, "migrate: '%s' is not supported by hotmem",
                   blk ? "blk" : inc ? "inc" : "resume");
        return NULL;
    }
    /* detach is accepted and ignored, as QEMU: migrate never blocks */
    return migration_outgoing_start(uri, errp) ? json_object() : NULL;
}

static json_t *migration_qmp_cancel(json_t *args, Error **errp)
{
    static const char *const known[] = { NULL };

    if (!qmp_args_check_known(args, known, errp)) {
        return NULL;
    }
    migration_outgoing_cancel();
    return json_object();
}

static json_t *migration_qmp_continue(json_t *args, Error **errp)
{
    static const char *const known[] = { "state", NULL };
    const char *state = NULL;

    if (!qmp_arg_str(args, "state", false, &state, errp) ||
        !qmp_args_check_known(args, known, errp)) {
        return NULL;
    }
    if (strcmp(state, migration_status_name(migration_get_status()))) {
        error_setg(errp, "Migration not in expected state: %s",
                   migration_status_name(migration_get_status()));
        return NULL;
    }
    return migration_outgoing_continue(errp) ? json_object() : NULL;
}

static json_t *migration_qmp_incoming(json_t *args, Error **errp)
{
    static const char *const known[] = { "uri", NULL };
    const char *uri = NULL;

    if (!qmp_arg_str(args, "uri", false, &uri, errp) ||
        !qmp_args_check_known(args, known, errp)) {
        return NULL;
    }
    if (!migration_incoming_is_set()) {
        error_setg(errp, "'-incoming' was not specified on the command line");
        return NULL;
    }
    if (!migration_incoming_is_deferred()) {
        error_setg(errp, "The incoming migration has already been started");
        return NULL;
    }
    return migration_incoming_start(uri, errp) ? json_object() : NULL;
}

static json_t *migration_info(void)
{
    json_t *info = json_object();
    MigrationStatus st = migration_get_status();

    if (st != MIGRATION_STATUS_NONE) {
        json_object_set_new(info, "status",
                            json_string(migration_status_name(st)));
    }
    migration_outgoing_info(info);
    migration_incoming_info(info);
    return info;
}

static json_t *migration_qmp_query(json_t *args, Error **errp)
{
    static const char *const known[] = { NULL };

    return qmp_args_check_known(args, known, errp) ? migration_info() : NULL;
}

static void migration_hmp_int(GString *out, json_t *obj, const char *key,
                              const char *label, const char *unit,
                              int64_t div)
{
    json_t *v = json_object_get(obj, key);

    if (json_is_integer(v)) {
        g_string_append_printf(out, "%s: %" PRId64 " %s\n", label,
                               (int64_t)json_integer_value(v) / div, unit);
    }
}

static bool migration_hmp_info(GString *out, int argc, char **argv,
                               Error **errp)
{
    g_autoptr(json_t) info = migration_info();
    json_t *ram = json_object_get(info, "ram");
    json_t *st = json_object_get(info, "status");
    json_t *desc = json_object_get(info, "error-desc");

    if (!st) {
        return true;
    }
    g_string_append_printf(out, "Migration status: %s", json_string_value(st));
    g_string_append_printf(out, desc ? " (%s)\n" : "\n",
                           desc ? json_string_value(desc) : "");
    migration_hmp_int(out, info, "total-time", "total time", "ms", 1);
    migration_hmp_int(out, info, "expected-downtime", "expected downtime",
                      "ms", 1);
    migration_hmp_int(out, info, "downtime", "downtime", "ms", 1);
    migration_hmp_int(out, info, "setup-time", "setup", "ms", 1);
    if (ram) {
        migration_hmp_int(out, ram, "transferred", "transferred ram",
                          "kbytes", 1024);
        migration_hmp_int(out, ram, "remaining", "remaining ram", "kbytes",
                          1024);
        migration_hmp_int(out, ram, "total", "total ram", "kbytes", 1024);
        migration_hmp_int(out, ram, "duplicate", "duplicate", "pages", 1);
        migration_hmp_int(out, ram, "normal", "normal", "pages", 1);
        migration_hmp_int(out, ram, "normal-bytes", "normal bytes", "kbytes",
                          1024);
        migration_hmp_int(out, ram, "dirty-sync-count", "dirty sync count",
                          "", 1);
        migration_hmp_int(out, ram, "pages-per-second", "pages-per-second",
                          "", 1);
    }
    return true;
}

/* QEMU 7.2's MigrationStatus, as MIGRATION and migrate-continue name it. */
static const char *const migration_qmp_status_values[] = {
    "none", "setup", "cancelling", "cancelled", "active", "postcopy-active",
    "postcopy-paused", "postcopy-recover", "completed", "failed", "colo",
    "pre-switchover", "device", "wait-unplug", NULL
};

static const QmpType migration_qmp_types[] = {
    { .name = "MigrationStatus", .kind = QMP_TYPE_ENUM,
      .values = migration_qmp_status_values },
};

static const QmpEventSpec migration_qmp_events[] = {
    { "MIGRATION", (const QmpMember[]) {
        { "status", "MigrationStatus" }, { NULL } } },
    { "MIGRATION_PASS", (const QmpMember[]) { { "pass", "int" }, { NULL } } },
};

static const QmpCommandSpec migration_qmp_commands[] = {
    { .name = "migrate", .fn = migration_qmp_migrate,
      .args = (const QmpMember[]) {
          { "uri", "str" }, { "blk", "bool", true }, { "inc", "bool", true },
          { "detach", "bool", true }, { "resume", "bool", true },
          { NULL } } },
    { .name = "migrate_cancel", .fn = migration_qmp_cancel },
    { .name = "migrate-continue", .fn = migration_qmp_continue,
      .args = (const QmpMember[]) {
          { "state", "MigrationStatus" }, { NULL } } },
    { .name = "migrate-incoming", .fn = migration_qmp_incoming,
      .args = (const QmpMember[]) { { "uri", "str" }, { NULL } } },
    { .name = "query-migrate", .fn = migration_qmp_query,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "any" },
};

void migration_qmp_register_commands(void)
{
    qmp_register_types(migration_qmp_types, ARRAY_SIZE(migration_qmp_types));
    qmp_register_events(migration_qmp_events,
                        ARRAY_SIZE(migration_qmp_events));
    qmp_register_commands(migration_qmp_commands,
                          ARRAY_SIZE(migration_qmp_commands));
    hmp_register_info("migrate", "", "show migration status",
                      migration_hmp_info);
}
