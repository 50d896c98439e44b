/*
 * The schema of the events hotmem's core sends (STOP, RESUME, RESET,
 * SHUTDOWN from softmmu/runstate.c; DEVICE_DELETED from hw/core/qdev.c;
 * MEMORY_DEVICE_SIZE_CHANGE from hw/mem/memory-device-qmp.c), as QEMU 7.2
 * names their data.  qapi_event_send() reports an event missing here;
 * other parts may add their events with qmp_register_event().
 */
#include "qemu/osdep.h"
#include "monitor/qmp-schema.h"
#include "monitor/monitor-internal.h"

static const char *const qmp_events_shutdown_causes[] = {
    "none", "host-error", "host-qmp-quit", "host-qmp-system-reset",
    "host-signal", "host-ui", "guest-shutdown", "guest-reset",
    "guest-panic", "subsystem-reset", "snapshot-load", NULL
};

static const QmpMember qmp_events_shutdown_data[] = {
    { "guest", "bool" }, { "reason", "ShutdownCause" }, { NULL }
};

static const QmpType qmp_events_types[] = {
    { .name = "ShutdownCause", .kind = QMP_TYPE_ENUM,
      .values = qmp_events_shutdown_causes },
};

static const QmpEventSpec qmp_events_builtin[] = {
    { "SHUTDOWN", qmp_events_shutdown_data },
    { "RESET", qmp_events_shutdown_data },
    { "STOP", NULL },
    { "RESUME", NULL },
    { "DEVICE_DELETED", (const QmpMember[]) {
        { "device", "str", true }, { "path", "str" }, { NULL } } },
    { "MEMORY_DEVICE_SIZE_CHANGE", (const QmpMember[]) {
        { "id", "str", true }, { "size", "int" }, { "qom-path", "str" },
        { NULL } } },
};

void qmp_events_register_builtins(void)
{
    qmp_register_types(qmp_events_types, ARRAY_SIZE(qmp_events_types));
    qmp_register_events(qmp_events_builtin, ARRAY_SIZE(qmp_events_builtin));
}
