/*
 * The state of the one migration this VM takes part in: its status
 * (setup, active, ... as query-migrate reports it) with the MIGRATION
 * event, and what devices and the monitor ask (migration_is_active,
 * migration_check_not_active).  The outgoing side is outgoing.c's, the
 * incoming side incoming.c's, the commands migration-qmp.c's.
 */
#include "qemu/osdep.h"
#include "monitor/monitor.h"
#include "migration/register.h"
#include "migration/migration.h"
#include "migration/migration-internal.h"
#include "migration/trace.h"

static const char *const migration_status_names[MIGRATION_STATUS__MAX] = {
    [MIGRATION_STATUS_NONE] = "none",
    [MIGRATION_STATUS_SETUP] = "setup",
    [MIGRATION_STATUS_ACTIVE] = "active",
    [MIGRATION_STATUS_PRE_SWITCHOVER] = "pre-switchover",
    [MIGRATION_STATUS_DEVICE] = "device",
    [MIGRATION_STATUS_COMPLETED] = "completed",
    [MIGRATION_STATUS_FAILED] = "failed",
    [MIGRATION_STATUS_CANCELLING] = "cancelling",
    [MIGRATION_STATUS_CANCELLED] = "cancelled",
};

static MigrationStatus migration_status;
static bool migration_incoming_active;

const char *migration_status_name(MigrationStatus status)
{
    return status < MIGRATION_STATUS__MAX ? migration_status_names[status]
                                          : "unknown";
}

MigrationStatus migration_get_status(void)
{
    return migration_status;
}

void migration_set_status(MigrationStatus status)
{
    if (status == migration_status) {
        return;
    }
    trace_migration_set_status(migration_status_name(migration_status),
                               migration_status_name(status));
    migration_status = status;
    if (migration_capability_enabled(MIG_CAP_EVENTS)) {
        qapi_event_send("MIGRATION", json_pack("{s:s}", "status",
                                               migration_status_name(status)));
    }
}

void migration_set_incoming_active(bool active)
{
    migration_incoming_active = active;
}

bool migration_is_active(void)
{
    switch (migration_status) {
    case MIGRATION_STATUS_SETUP:
    case MIGRATION_STATUS_ACTIVE:
    case MIGRATION_STATUS_PRE_SWITCHOVER:
    case MIGRATION_STATUS_DEVICE:
    case MIGRATION_STATUS_CANCELLING:
        return true;
    default:
        return migration_incoming_active;
    }
}

bool migration_check_not_active(const char *action, Error **errp)
{
    if (migration_is_active()) {
        error_setg(errp, "%s is not allowed while a migration is in progress",
                   action);
        return false;
    }
    return true;
}

void migration_register_commands(void)
{
    migration_options_register_commands();
}
