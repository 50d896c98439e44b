/*
 * libqtest: the test side of the qtest and QMP protocols.  It starts the
 * binary under test (hotmem, or QEMU 7.2 as the reference) with a qtest
 * socket and a QMP socket that the test listens on, then drives guest
 * memory, ports, the virtual clock and interrupts over qtest and the VMM
 * over QMP.  Every wait has a timeout and fails the test; children are
 * killed when the test process dies.  The server side is softmmu/qtest.c.
 */
#ifndef TESTS_QTEST_LIBQTEST_H
#define TESTS_QTEST_LIBQTEST_H

#include "qemu/osdep.h"
#include <jansson.h>

typedef struct QTestState QTestState;

/* Seconds any single wait (reply, event, accept, exit) may take. */
#define QTEST_TIMEOUT_S 30

/* $QTEST_QEMU_BINARY, else the binary meson built. */
const char *qtest_binary(void);
/*
 * $QTEST_REFERENCE=1: the binary is Debian's QEMU 7.2, which has no qtest
 * accelerator ("invalid accelerator qtest"), so VMs run as
 * "-machine q35,accel=tcg -S" and clock_step/clock_set are unavailable.
 */
bool qtest_is_reference(void);

/*
 * Start the binary with extra_args plus qtest and QMP sockets, -display
 * none -nodefaults and the default machine (q35,accel=qtest, or the
 * reference's), read the QMP greeting and negotiate capabilities.
 */
QTestState *qtest_init(const char *extra_args);
/* Same, but the greeting is left unread and nothing negotiated. */
QTestState *qtest_init_without_qmp_handshake(const char *extra_args);
/*
 * A VMM started by someone else (libvirt, with -qtest unix:PATH in its
 * domain XML): qtest_listen_unix() binds and listens on PATH;
 * qtest_attach() waits (bounded) for the VMM to connect and returns a
 * state with the qtest socket only (no QMP: the VMM's monitor is the
 * other party's).  qtest_quit() then only closes it.
 */
int qtest_listen_unix(const char *path);
QTestState *qtest_attach(int listen_fd);
/* Kill the VMM (SIGTERM, then SIGKILL after the timeout) and free s. */
void qtest_quit(QTestState *s);
pid_t qtest_pid(QTestState *s);
/*
 * Wait (up to the timeout) for the VMM to exit by itself, e.g. a
 * migration destination refusing a stream; returns its exit code (128 +
 * signal number when a signal ended it) and frees s.
 */
int qtest_wait_exit(QTestState *s);
/*
 * Call fn(data) when the test dies of SIGABRT, SIGSEGV or SIGTERM (a
 * failed assertion), after the VMMs are killed; for other children and
 * files a test owns (libqos/backend-proc.c).  Handlers run newest first,
 * in a signal handler: they should only kill and unlink.
 */
void qtest_add_abort_handler(GHookFunc fn, const void *data);

/*
 * Run the binary with exactly args (split by the shell), no sockets.
 * Returns its stderr (g_malloc'ed); *status is the exit code, or 128 +
 * signal number.  The _full variant also returns stdout.
 */
char *qtest_probe_cli(const char *args, int *status);
char *qtest_probe_cli_full(const char *args, int *status, char **out);

/* ---- qtest protocol ---- */

/*
 * Send one command line (no newline) and return the reply line without
 * its newline, g_malloc'ed.  IRQ lines in between are consumed and update
 * qtest_get_irq().  For tests of the protocol itself.
 */
char *qtest_raw_cmd(QTestState *s, const char *fmt, ...) QEMU_PRINTF(2, 3);

uint8_t qtest_inb(QTestState *s, uint16_t port);
uint16_t qtest_inw(QTestState *s, uint16_t port);
uint32_t qtest_inl(QTestState *s, uint16_t port);
void qtest_outb(QTestState *s, uint16_t port, uint8_t value);
void qtest_outw(QTestState *s, uint16_t port, uint16_t value);
void qtest_outl(QTestState *s, uint16_t port, uint32_t value);

uint8_t qtest_readb(QTestState *s, uint64_t addr);
uint16_t qtest_readw(QTestState *s, uint64_t addr);
uint32_t qtest_readl(QTestState *s, uint64_t addr);
uint64_t qtest_readq(QTestState *s, uint64_t addr);
void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value);
void qtest_writew(QTestState *s, uint64_t addr, uint16_t value);
void qtest_writel(QTestState *s, uint64_t addr, uint32_t value);
void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value);

/* Guest memory as bytes: hex ("read"/"write") or base64 ("b64..."). */
void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size);
void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);
void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size);
void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);
void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern,
                  size_t size);

/* Virtual clock (qtest accelerator only); each returns the new value. */
int64_t qtest_clock_step_next(QTestState *s);
int64_t qtest_clock_step(QTestState *s, int64_t step_ns);
int64_t qtest_clock_set(QTestState *s, int64_t target_ns);

/* Interrupts: intercept a device's GPIO lines by QOM path; the level of
 * line num as last reported by "IRQ raise/lower". */
void qtest_irq_intercept_in(QTestState *s, const char *qom_path);
void qtest_irq_intercept_out(QTestState *s, const char *qom_path);
bool qtest_get_irq(QTestState *s, int num);
void qtest_set_irq_in(QTestState *s, const char *qom_path, const char *name,
                      int num, int level);

/* ---- QMP ---- */

/*
 * Send a command built from fmt (JSON where '...' strings are accepted,
 * as QEMU's libqtest does) and return the reply ({"return"} or {"error"}),
 * a new reference.  Events received meanwhile are queued.
 */
json_t *qtest_qmp(QTestState *s, const char *fmt, ...) QEMU_PRINTF(2, 3);
/* Same, and fail the test unless the reply is a "return"; returns it. */
json_t *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
    QEMU_PRINTF(2, 3);
/* Send text as it is (may be malformed), without waiting. */
void qtest_qmp_send_raw(QTestState *s, const char *text);
/* Next reply (not event), waiting up to the timeout; new reference. */
json_t *qtest_qmp_receive(QTestState *s);
/* Next message of any kind, the greeting included; new reference. */
json_t *qtest_qmp_receive_any(QTestState *s);
/* A queued (or already readable) event called name, or NULL at once. */
json_t *qtest_qmp_event_ref(QTestState *s, const char *name);
/* Wait for an event called name (queued ones first); new reference. */
json_t *qtest_qmp_eventwait_ref(QTestState *s, const char *name);
void qtest_qmp_eventwait(QTestState *s, const char *name);

/* human-monitor-command: its output, g_malloc'ed. */
char *qtest_hmp(QTestState *s, const char *fmt, ...) QEMU_PRINTF(2, 3);
/* qom-get: the value, a new reference (fails the test on error). */
json_t *qtest_qom_get(QTestState *s, const char *path, const char *prop);
/* qom-set with a JSON value text ("4294967296", "true", "'str'"); the
 * reply, a new reference. */
json_t *qtest_qom_set(QTestState *s, const char *path, const char *prop,
                      const char *value_json);

#endif /* TESTS_QTEST_LIBQTEST_H */
