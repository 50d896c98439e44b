/*
 * Run state of the VM (prelaunch, running, paused, shutdown) and system
 * reset / shutdown requests.  Requests are served from the main loop, as
 * QEMU does, so a device never resets the machine under its own feet.
 */
#ifndef SYSEMU_RUNSTATE_H
#define SYSEMU_RUNSTATE_H

#include "qemu/osdep.h"

typedef enum RunState {
    RUN_STATE_PRELAUNCH,    /* before the first cont when started with -S */
    RUN_STATE_RUNNING,
    RUN_STATE_PAUSED,
    RUN_STATE_SHUTDOWN,
    RUN_STATE_INMIGRATE,    /* -incoming: waiting for / loading a stream */
    RUN_STATE_FINISH_MIGRATE, /* source stopped for the last RAM pass */
    RUN_STATE_POSTMIGRATE,  /* source after a completed migration */
    RUN_STATE__MAX,
} RunState;

typedef enum ShutdownCause {
    SHUTDOWN_CAUSE_NONE,
    SHUTDOWN_CAUSE_HOST_QMP_QUIT,
    SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET,
    SHUTDOWN_CAUSE_HOST_SIGNAL,
    SHUTDOWN_CAUSE_GUEST_SHUTDOWN,
    SHUTDOWN_CAUSE_GUEST_RESET,
    SHUTDOWN_CAUSE__MAX,
} ShutdownCause;

RunState runstate_get(void);
const char *runstate_name(RunState state);  /* "running", "prelaunch", ... */
bool runstate_is_running(void);
/* Emit STOP / RESUME and change state; no-op when already there. */
void vm_stop(RunState state);
void vm_start(void);
/*
 * Whether the VM runs once an incoming migration completes (no -S, or a
 * cont / stop during inmigrate, as QEMU's autostart).
 */
void runstate_set_autostart(bool autostart);
bool runstate_get_autostart(void);

/* Reset handlers run on every system reset, in registration order. */
void qemu_register_reset(void (*fn)(void *opaque), void *opaque);
void qemu_unregister_reset(void (*fn)(void *opaque), void *opaque);
/* Served by the main loop: RESET event, then handlers and device resets. */
void qemu_system_reset_request(ShutdownCause cause);
/* Served by the main loop: SHUTDOWN event, then exit. */
void qemu_system_shutdown_request(ShutdownCause cause);
/* The reset itself (main loop only). */
void qemu_system_reset(ShutdownCause cause);
const char *shutdown_cause_name(ShutdownCause cause); /* "host-qmp-quit" */

/*
 * -no-shutdown: a shutdown request other than QMP quit or a signal sends
 * SHUTDOWN and stops the VM (state "shutdown") instead of ending the main
 * loop, as QEMU.
 */
void runstate_set_no_shutdown(bool on);

#endif /* SYSEMU_RUNSTATE_H */
