/*
 * The program's life cycle as softmmu/main.c drives it: qemu_init() parses
 * the command line and builds the machine (exiting with QEMU's messages on
 * any error), qemu_main_loop() runs GLib's default main context until a
 * shutdown request is served, qemu_cleanup() tears down what init built.
 * Implemented by softmmu/vl.c (init, cleanup) and softmmu/runstate.c (loop).
 */
#ifndef SYSEMU_SYSEMU_H
#define SYSEMU_SYSEMU_H

#include "qemu/osdep.h"

/* Parse argv and start everything; prints and exits on failure (status 1)
 * and after help/version output (status 0). */
void qemu_init(int argc, char **argv);

/*
 * qemu_main_loop: iterate the default GMainContext, serving reset and
 * shutdown requests between iterations (never from inside a caller), until
 * a shutdown request was served.  Returns the exit status (0).
 */
int qemu_main_loop(void);

/* Undo qemu_init: monitors, machine, objects, pidfile. */
void qemu_cleanup(void);

/* -name NAME, or NULL. */
extern const char *qemu_name;

/*
 * qemu_system_killed: a terminating signal (SIGINT, SIGTERM, SIGHUP) came
 * from pid (0: unknown).  Async-signal-safe: only records it and wakes
 * the main loop, which prints "terminating on signal N from pid P (CMD)"
 * as QEMU does and serves a shutdown with cause host-signal.
 */
void qemu_system_killed(int signal, pid_t pid);

#endif /* SYSEMU_SYSEMU_H */
