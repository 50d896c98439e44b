/*
 * Migration capabilities and parameters with QEMU 7.2's QMP commands:
 * query-migrate-capabilities / migrate-set-capabilities (every name QEMU
 * 7.2 lists, so libvirt's probe works; hotmem implements 'events' and
 * 'pause-before-switchover', the others answer false and refuse true) and
 * query-migrate-parameters / migrate-set-parameters (max-bandwidth and
 * downtime-limit, range-checked as QEMU).  Read by migration.c and ram.c.
 */
#include "qemu/osdep.h"
#include "monitor/monitor.h"
#include "monitor/qmp-schema.h"
#include "migration/migration-internal.h"

/* QEMU 7.2's MigrationCapability enum, in its order. */
static const char *const migration_cap_names[] = {
    "xbzrle", "rdma-pin-all", "auto-converge", "zero-blocks", "compress",
    "events", "postcopy-ram", "x-colo", "release-ram", "block",
    "return-path", "pause-before-switchover", "multifd", "dirty-bitmaps",
    "postcopy-blocktime", "late-block-activate", "x-ignore-shared",
    "validate-uuid", "background-snapshot", "zero-copy-send",
    "postcopy-preempt", NULL,
};

/* The ones hotmem implements: MigCapability -> name. */
static const char *const migration_cap_supported[MIG_CAP__MAX] = {
    [MIG_CAP_EVENTS] = "events",
    [MIG_CAP_PAUSE_BEFORE_SWITCHOVER] = "pause-before-switchover",
};

/* QEMU's defaults and limits (migration/migration.c, 7.2). */
#define MIGRATION_MAX_BANDWIDTH_DEFAULT (128 * 1024 * 1024)  /* bytes/s */
#define MIGRATION_DOWNTIME_DEFAULT_MS 300
#define MIGRATION_DOWNTIME_MAX_MS (2000 * 1000)

static bool migration_caps[MIG_CAP__MAX];
static uint64_t migration_param_max_bandwidth =
    MIGRATION_MAX_BANDWIDTH_DEFAULT;
static uint64_t migration_param_downtime_limit =
    MIGRATION_DOWNTIME_DEFAULT_MS;

bool migration_capability_enabled(MigCapability cap)
{
    return migration_caps[cap];
}

uint64_t migration_max_bandwidth(void)
{
    return migration_param_max_bandwidth;
}

uint64_t migration_downtime_limit_ms(void)
{
    return migration_param_downtime_limit;
}

/* The supported capability of that name, or MIG_CAP__MAX. */
static MigCapability migration_cap_lookup(const char *name)
{
    for (int i = 0; i < MIG_CAP__MAX; i++) {
        if (!strcmp(migration_cap_supported[i], name)) {
            return i;
        }
    }
    return MIG_CAP__MAX;
}

static bool migration_check_idle(Error **errp)
{
    /* as QEMU: only an outgoing migration holds them (not an incoming) */
    if (migration_outgoing_is_running()) {
        error_setg(errp, "There's a migration process in progress");
        return false;
    }
    return true;
}

static json_t *migration_qmp_query_caps(json_t *args, Error **errp)
{
    static const char *const known[] = { NULL };
    json_t *list;

    if (!qmp_args_check_known(args, known, errp)) {
        return NULL;
    }
    list = json_array();
    for (int i = 0; migration_cap_names[i]; i++) {
        MigCapability cap = migration_cap_lookup(migration_cap_names[i]);
        bool state = cap != MIG_CAP__MAX && migration_caps[cap];

        json_array_append_new(list, json_pack("{s:b, s:s}", "state", state,
                                              "capability",
                                              migration_cap_names[i]));
    }
    return list;
}

/* One {capability, state} entry, with QEMU's visitor messages. */
static bool migration_cap_parse(json_t *entry, guint idx, const char **name,
                                bool *state, Error **errp)
{
    static const char *const known[] = { "capability", "state", NULL };
    g_autofree char *where = g_strdup_printf("capabilities[%u]", idx);
    json_t *cap = json_object_get(entry, "capability");
    json_t *st = json_object_get(entry, "state");
    const char *key;
    json_t *value;

    if (!json_is_object(entry)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: object",
                   where);
        return false;
    }
    if (!cap) {
        error_setg(errp, "Parameter '%s.capability' is missing", where);
        return false;
    }
    if (!json_is_string(cap)) {
        error_setg(errp, "Invalid parameter type for '%s.capability', expected: string", where);
        return false;
    }
    *name = json_string_value(cap);
    if (!g_strv_contains(migration_cap_names, *name)) {
        error_setg(errp, "Parameter 'capability' does not accept value '%s'",
                   *name);
        return false;
    }
    if (!st) {
        error_setg(errp, "Parameter '%s.state' is missing", where);
        return false;
    }
    if (!json_is_boolean(st)) {
        error_setg(errp, "Invalid parameter type for '%s.state', expected: boolean", where);
        return false;
    }
    *state = json_is_true(st);
    json_object_foreach(entry, key, value) {
        if (!g_strv_contains(known, key)) {
            error_setg(errp, "Parameter '%s.%s' is unexpected", where, key);
            return false;
        }
    }
    return true;
}

/* Check every entry, then apply them all: a refused list changes nothing. */
static json_t *migration_qmp_set_caps(json_t *args, Error **errp)
{
    static const char *const known[] = { "capabilities", NULL };
    bool next[MIG_CAP__MAX];
    json_t *list = json_object_get(args, "capabilities");
    const char *name = NULL;
    bool state = false;
    size_t i;
    json_t *entry;

    if (!list) {
        error_setg(errp, "Parameter 'capabilities' is missing");
        return NULL;
    }
    if (!json_is_array(list)) {
        error_setg(errp, "Invalid parameter type for 'capabilities', expected: array");
        return NULL;
    }
    memcpy(next, migration_caps, sizeof(next));
    json_array_foreach(list, i, entry) {
        MigCapability cap;

        if (!migration_cap_parse(entry, i, &name, &state, errp)) {
            return NULL;
        }
        cap = migration_cap_lookup(name);
        if (cap == MIG_CAP__MAX && state) {
            error_setg(errp, "capability '%s' is not supported by hotmem (supported: events, pause-before-switchover)", name);
            return NULL;
        }
        if (cap != MIG_CAP__MAX) {
            next[cap] = state;
        }
    }
    if (!qmp_args_check_known(args, known, errp) ||
        !migration_check_idle(errp)) {
        return NULL;
    }
    memcpy(migration_caps, next, sizeof(next));
    return json_object();
}

static json_t *migration_qmp_query_params(json_t *args, Error **errp)
{
    static const char *const known[] = { NULL };

    if (!qmp_args_check_known(args, known, errp)) {
        return NULL;
    }
    return json_pack("{s:I, s:I}",
                     "downtime-limit",
                     (json_int_t)migration_param_downtime_limit,
                     "max-bandwidth",
                     (json_int_t)migration_param_max_bandwidth);
}

/*
 * A uint64 member as QEMU's visitor takes it: any integer (negative ones
 * wrap, as QEMU's), or a whole number past INT64_MAX (which hotmem's JSON
 * parser hands over as a double).
 */
static bool migration_arg_u64(json_t *args, const char *name, bool *has,
                              uint64_t *value, Error **errp)
{
    json_t *v = json_object_get(args, name);
    double d;

    *has = v != NULL;
    if (!v) {
        return true;
    }
    if (json_is_integer(v)) {
        *value = (uint64_t)json_integer_value(v);
        return true;
    }
    d = json_is_real(v) ? json_real_value(v) : -1;
    if (d >= 9223372036854775808.0 && d < 18446744073709551616.0 &&
        d == (double)(uint64_t)d) {
        *value = (uint64_t)d;
        return true;
    }
    error_setg(errp, "Parameter '%s' expects uint64", name);
    return false;
}

static json_t *migration_qmp_set_params(json_t *args, Error **errp)
{
    static const char *const known[] = {
        "downtime-limit", "max-bandwidth", NULL
    };
    uint64_t downtime = migration_param_downtime_limit;
    uint64_t bandwidth = migration_param_max_bandwidth;
    bool has_downtime;
    bool has_bandwidth;

    if (!migration_arg_u64(args, "downtime-limit", &has_downtime, &downtime,
                           errp) ||
        !migration_arg_u64(args, "max-bandwidth", &has_bandwidth, &bandwidth,
                           errp) ||
        !qmp_args_check_known(args, known, errp)) {
        return NULL;
    }
    /* QEMU's message, with its C-style names and expression. */
    if (downtime > MIGRATION_DOWNTIME_MAX_MS) {
        error_setg(errp, "Parameter 'downtime_limit' expects an integer in the range of 0 to (2000 * 1000) ms");
        return NULL;
    }
    migration_param_downtime_limit = downtime;
    migration_param_max_bandwidth = bandwidth;
    return json_object();
}

/*
 * The schema (monitor/qmp-schema.h), kept loose where the handlers check
 * members themselves with QEMU's messages ("any"): the dispatcher checks
 * presence, the array and unknown members.
 */
static const QmpCommandSpec migration_options_commands[] = {
    { .name = "query-migrate-capabilities", .fn = migration_qmp_query_caps,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "[any]" },
    { .name = "migrate-set-capabilities", .fn = migration_qmp_set_caps,
      .flags = QMP_CMD_ALLOW_PRECONFIG,
      .args = (const QmpMember[]) { { "capabilities", "[any]" }, { NULL } } },
    { .name = "query-migrate-parameters", .fn = migration_qmp_query_params,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "any" },
    { .name = "migrate-set-parameters", .fn = migration_qmp_set_params,
      .flags = QMP_CMD_ALLOW_PRECONFIG,
      .args = (const QmpMember[]) {
          { "downtime-limit", "any", true }, { "max-bandwidth", "any", true },
          { NULL } } },
};

void migration_options_register_commands(void)
{
    qmp_register_commands(migration_options_commands,
                          ARRAY_SIZE(migration_options_commands));
}
