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
#include "hw/boards.h"
#include <signal.h>

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

/* ---- the header and the sections, both sides ---- */

static const char *migration_machine_type(void)
{
    return current_machine ? MACHINE_GET_CLASS(current_machine)->name
                           : "none";
}

void migration_put_header(MigStreamWriter *w, MigRamSave *ram)
{
    g_autoptr(MigFields) f = mig_fields_new_writer();
    GPtrArray *list = migration_sections();

    mig_put_str(f, "machine-type", migration_machine_type());
    mig_ram_put_header(ram, f);
    mig_put_u32(f, "nb-sections", list->len);
    for (guint i = 0; i < list->len; i++) {
        MigSection *s = g_ptr_array_index(list, i);

        mig_put_str(f, "idstr", s->idstr);
        mig_put_str(f, "owner", s->owner_path);
        mig_put_u8(f, "phase", s->ops->phase);
        mig_put_u32(f, "version", s->ops->version);
    }
    mig_stream_put_fields(w, MIG_FRAME_HEADER, f);
}

void migration_put_sections(MigStreamWriter *w, MigPhase phase)
{
    GPtrArray *list = migration_sections();

    for (guint i = 0; i < list->len; i++) {
        MigSection *s = g_ptr_array_index(list, i);
        g_autoptr(MigFields) head = NULL;
        g_autoptr(MigFields) body = NULL;
        const uint8_t *h;
        const uint8_t *b;
        size_t hl;
        size_t bl;

        if (s->ops->phase != phase) {
            continue;
        }
        head = mig_fields_new_writer();
        mig_put_str(head, "idstr", s->idstr);
        mig_put_str(head, "owner", s->owner_path);
        body = migration_section_save(s);
        h = mig_fields_data(head, &hl);
        b = mig_fields_data(body, &bl);
        mig_stream_put_frame(w, phase == MIG_PHASE_EARLY ? MIG_FRAME_EARLY
                                                         : MIG_FRAME_DEVICE,
                             h, hl, b, bl);
    }
}

void migration_register_commands(void)
{
    /* a destination that goes away is a failed write, not a signal */
    signal(SIGPIPE, SIG_IGN);
    migration_options_register_commands();
    migration_qmp_register_commands();
}
