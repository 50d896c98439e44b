/*
 * Run state (prelaunch, running, paused, shutdown) with its QMP events
 * (STOP, RESUME, RESET, SHUTDOWN), reset handlers, and the main loop that
 * serves reset and shutdown requests.  Requests only set a flag and wake
 * the GLib default context: they are served between iterations, so a
 * device or QMP command that asks never sees the machine reset under it.
 */
#include "qemu/osdep.h"
#include "sysemu/runstate.h"
#include "sysemu/sysemu.h"
#include "sysemu/qtest.h"
#include "monitor/monitor.h"
#include "hw/core/qdev.h"
#include "softmmu/trace.h"
#include <signal.h>

typedef struct RunstateResetEntry {
    void (*fn)(void *opaque);
    void *opaque;
} RunstateResetEntry;

static RunState runstate_current = RUN_STATE_PRELAUNCH;
static bool runstate_autostart;
static GArray *runstate_reset_handlers;     /* RunstateResetEntry */
static ShutdownCause runstate_reset_requested;     /* NONE: no request */
static ShutdownCause runstate_shutdown_requested;  /* NONE: no request */
static volatile sig_atomic_t runstate_killed_signal;   /* 0: none */
static bool runstate_no_shutdown;   /* -no-shutdown */
static volatile pid_t runstate_killed_pid;

static const char *const runstate_names[RUN_STATE__MAX] = {
    [RUN_STATE_PRELAUNCH] = "prelaunch",
    [RUN_STATE_RUNNING] = "running",
    [RUN_STATE_PAUSED] = "paused",
    [RUN_STATE_SHUTDOWN] = "shutdown",
    [RUN_STATE_INMIGRATE] = "inmigrate",
    [RUN_STATE_FINISH_MIGRATE] = "finish-migrate",
    [RUN_STATE_POSTMIGRATE] = "postmigrate",
};

static const char *const runstate_cause_names[SHUTDOWN_CAUSE__MAX] = {
    [SHUTDOWN_CAUSE_NONE] = "none",
    [SHUTDOWN_CAUSE_HOST_QMP_QUIT] = "host-qmp-quit",
    [SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET] = "host-qmp-system-reset",
    [SHUTDOWN_CAUSE_HOST_SIGNAL] = "host-signal",
    [SHUTDOWN_CAUSE_GUEST_SHUTDOWN] = "guest-shutdown",
    [SHUTDOWN_CAUSE_GUEST_RESET] = "guest-reset",
};

RunState runstate_get(void)
{
    return runstate_current;
}

const char *runstate_name(RunState state)
{
    return state < RUN_STATE__MAX ? runstate_names[state] : "unknown";
}

bool runstate_is_running(void)
{
    return runstate_current == RUN_STATE_RUNNING;
}

const char *shutdown_cause_name(ShutdownCause cause)
{
    return cause < SHUTDOWN_CAUSE__MAX ? runstate_cause_names[cause]
                                       : "unknown";
}

static void runstate_set(RunState state)
{
    trace_runstate_set(runstate_name(runstate_current), runstate_name(state));
    runstate_current = state;
}

void vm_stop(RunState state)
{
    /* As QEMU: STOP only when leaving the running state. */
    if (runstate_is_running()) {
        runstate_set(state);
        qapi_event_send("STOP", NULL);
    } else if (runstate_current != RUN_STATE_SHUTDOWN) {
        runstate_set(state);
    }
}

void vm_start(void)
{
    if (runstate_is_running()) {
        return;
    }
    qapi_event_send("RESUME", NULL);
    runstate_set(RUN_STATE_RUNNING);
}

void runstate_set_autostart(bool autostart)
{
    runstate_autostart = autostart;
}

bool runstate_get_autostart(void)
{
    return runstate_autostart;
}

void qemu_register_reset(void (*fn)(void *opaque), void *opaque)
{
    RunstateResetEntry entry = { fn, opaque };

    if (!runstate_reset_handlers) {
        runstate_reset_handlers = g_array_new(false, false,
                                              sizeof(RunstateResetEntry));
    }
    g_array_append_val(runstate_reset_handlers, entry);
}

void qemu_unregister_reset(void (*fn)(void *opaque), void *opaque)
{
    guint i;

    for (i = 0; runstate_reset_handlers &&
                i < runstate_reset_handlers->len; i++) {
        RunstateResetEntry *e = &g_array_index(runstate_reset_handlers,
                                               RunstateResetEntry, i);

        if (e->fn == fn && e->opaque == opaque) {
            g_array_remove_index(runstate_reset_handlers, i);
            return;
        }
    }
}

static json_t *runstate_event_data(ShutdownCause cause)
{
    bool guest = cause == SHUTDOWN_CAUSE_GUEST_SHUTDOWN ||
                 cause == SHUTDOWN_CAUSE_GUEST_RESET;

    return json_pack("{s:b, s:s}", "guest", guest, "reason",
                     shutdown_cause_name(cause));
}

void qemu_system_reset(ShutdownCause cause)
{
    guint i;

    for (i = 0; runstate_reset_handlers &&
                i < runstate_reset_handlers->len; i++) {
        RunstateResetEntry *e = &g_array_index(runstate_reset_handlers,
                                               RunstateResetEntry, i);

        e->fn(e->opaque);
    }
    qdev_reset_all();
    /* The start-up reset (cause none) is silent, as in QEMU. */
    if (cause != SHUTDOWN_CAUSE_NONE) {
        qapi_event_send("RESET", runstate_event_data(cause));
    }
}

void qemu_system_reset_request(ShutdownCause cause)
{
    trace_qemu_system_reset_request(shutdown_cause_name(cause));
    runstate_reset_requested = cause;
    g_main_context_wakeup(NULL);
}

void qemu_system_shutdown_request(ShutdownCause cause)
{
    trace_qemu_system_shutdown_request(shutdown_cause_name(cause));
    runstate_shutdown_requested = cause;
    g_main_context_wakeup(NULL);
}

void qemu_system_killed(int signal, pid_t pid)
{
    /* Called from a signal handler: flags and a wakeup only. */
    runstate_killed_pid = pid;
    runstate_killed_signal = signal;
    g_main_context_wakeup(NULL);
}

/* QEMU's message, naming the sender by its command line when known. */
static void runstate_report_signal(int signal, pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", (int)pid);
    g_autofree char *cmd = NULL;

    if (qtest_enabled()) {
        return;     /* as QEMU: silent when a qtest driver is attached */
    }
    if (pid <= 0) {
        error_report("terminating on signal %d", signal);
        return;
    }
    if (!g_file_get_contents(path, &cmd, NULL, NULL)) {
        error_report("terminating on signal %d from pid %d", signal,
                     (int)pid);
        return;
    }
    error_report("terminating on signal %d from pid %d (%s)", signal,
                 (int)pid, cmd);
}

void runstate_set_no_shutdown(bool on)
{
    runstate_no_shutdown = on;
}

/* -no-shutdown stops the VM instead, unless the host asked to quit. */
static bool runstate_shutdown_exits(ShutdownCause cause)
{
    return !runstate_no_shutdown || cause == SHUTDOWN_CAUSE_HOST_QMP_QUIT ||
           cause == SHUTDOWN_CAUSE_HOST_SIGNAL;
}

/* Serve pending requests; true when the loop must end. */
static bool runstate_serve_requests(void)
{
    ShutdownCause cause;

    if (runstate_killed_signal) {
        runstate_report_signal(runstate_killed_signal, runstate_killed_pid);
        runstate_killed_signal = 0;
        runstate_shutdown_requested = SHUTDOWN_CAUSE_HOST_SIGNAL;
    }
    if (runstate_shutdown_requested != SHUTDOWN_CAUSE_NONE) {
        cause = runstate_shutdown_requested;
        runstate_shutdown_requested = SHUTDOWN_CAUSE_NONE;
        if (!runstate_shutdown_exits(cause)) {
            /* as QEMU: SHUTDOWN, then STOP, and the process stays */
            qapi_event_send("SHUTDOWN", runstate_event_data(cause));
            vm_stop(RUN_STATE_SHUTDOWN);
            return false;
        }
        /* No STOP before SHUTDOWN: QEMU sends only the latter. */
        runstate_set(RUN_STATE_SHUTDOWN);
        qapi_event_send("SHUTDOWN", runstate_event_data(cause));
        return true;
    }
    if (runstate_reset_requested != SHUTDOWN_CAUSE_NONE) {
        cause = runstate_reset_requested;
        runstate_reset_requested = SHUTDOWN_CAUSE_NONE;
        qemu_system_reset(cause);
    }
    return false;
}

int qemu_main_loop(void)
{
    while (!runstate_serve_requests()) {
        g_main_context_iteration(NULL, true);
    }
    return 0;
}
