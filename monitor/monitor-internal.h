/*
 * Declarations shared inside monitor/: the QMP JSON stream (qmp-json.c),
 * the QMP server and dispatcher (qmp.c), the built-in QMP commands
 * (qmp-cmds.c) and the HMP interpreter (hmp.c).  Nothing outside monitor/
 * includes this file; the public contract is include/monitor/monitor.h.
 */
#ifndef MONITOR_MONITOR_INTERNAL_H
#define MONITOR_MONITOR_INTERNAL_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <jansson.h>

/* ---- qmp-json.c: QEMU's JSON dialect, read and written ---- */

/*
 * Called once per complete top-level value read from a stream: exactly one
 * of value (a new reference, owned by the callee) and err (owned by the
 * callee) is non-NULL.
 */
typedef void QmpJsonEmitFunc(void *opaque, json_t *value, Error *err);

typedef struct QmpJsonStream QmpJsonStream;

/*
 * A streaming reader with QEMU's lexer and parser rules: values may be
 * split across feeds or several in one; lexical and syntax errors are
 * emitted with QEMU's "JSON parse error, ..." messages and the stream
 * resynchronises on the next structural character.
 */
QmpJsonStream *qmp_json_stream_new(QmpJsonEmitFunc *emit, void *opaque);
/* O(len); emit may run several times, and may not free the stream. */
void qmp_json_stream_feed(QmpJsonStream *stream, const char *buf,
                          size_t len);
void qmp_json_stream_free(QmpJsonStream *stream);

/*
 * Parse str as exactly one JSON value (QEMU's qobject_from_json), for
 * "qom-set -j".  NULL with errp set on failure.
 */
json_t *qmp_json_parse(const char *str, Error **errp);

/*
 * Render value as QEMU does: ", " and ": " separators, members in
 * insertion order, non-ASCII and control characters as \uXXXX, doubles
 * with %.17g.  pretty: one member per line, four spaces per level.
 * Returns a g_malloc'ed string.
 */
char *qmp_json_to_string(json_t *value, bool pretty);

/* ---- qmp.c ---- */

/* The greeting's and query-version's {"qemu": {...}, "package": ...}. */
json_t *qmp_version_info(void);
/* Register qmp_capabilities (called by qmp_cmds_register_builtins). */
void qmp_register_negotiation_command(void);
/* Names of all registered commands, in registration order. */
GPtrArray *qmp_command_names(void);
/*
 * Call fn for each registered command in registration order; has_schema
 * is false for those registered by qmp_register_command() (no table).
 */
typedef struct QmpCommandSpec QmpCommandSpec;
typedef void QmpCommandVisitor(const QmpCommandSpec *spec, bool has_schema,
                               void *opaque);
void qmp_for_each_command(QmpCommandVisitor *fn, void *opaque);
/*
 * The oldest file descriptor the client of the running command sent with
 * SCM_RIGHTS and nobody took yet (now the caller's), or -1.  Unclaimed
 * ones are closed once the client has no request left.
 */
int qmp_take_received_fd(void);
/* getfd, closefd, add-fd, remove-fd, query-fdsets (qmp-fds.c). */
void qmp_fds_register(void);

/* ---- qmp-schema.c, qmp-events.c ---- */

/* Register query-qmp-schema and the built-in events (qmp.c, once). */
void qmp_schema_register(void);
/* The events of softmmu/, hw/core/ and hw/mem/ (qmp-schema.c). */
void qmp_events_register_builtins(void);
/* qom-list-types, qom-list-properties, device-list-properties. */
void qmp_qom_register(void);
/* Commands about parts hotmem lacks (TPM, SEV, SGX, block, iothreads). */
void qmp_absent_register(void);
/* query-chardev (chardev.c). */
void chardev_qmp_register(void);

/* ---- qmp-cmds.c ---- */

/*
 * QAPI's check of object-add's qom-type, shared with HMP's object_add: a
 * concrete user-creatable type, else "Parameter 'qom-type' does not accept
 * value 'T'".
 */
bool qmp_cmds_check_qom_type(const char *type, Error **errp);
/* Register the built-in QMP commands (idempotent). */
void qmp_cmds_register_builtins(void);

/* ---- hmp.c ---- */

/*
 * Run one HMP command line; its output (with "\r\n" line ends, as QEMU's
 * human-monitor-command returns) is appended to out.  Errors of the
 * command become output text.
 */
void hmp_handle_command_line(GString *out, const char *cmdline);

#endif /* MONITOR_MONITOR_INTERNAL_H */
