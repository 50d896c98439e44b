/*
 * Trace points: each folder's trace-events file is turned by
 * scripts/tracetool.py into <folder>/trace.h (inline trace_<name>()
 * functions) and a trace.c that registers the events.  An event that is
 * off costs one predictable branch on a global flag.  -trace PATTERN
 * enables events by glob; output goes to stderr or the -D log file, one
 * line per event: "PID@SECONDS.MICROSECONDS:name key=value ...".
 * Runtime: util/trace.c.  Main loop only for enabling; emitting is safe
 * from any thread (one fprintf per event).
 */
#ifndef QEMU_TRACE_H
#define QEMU_TRACE_H

#include "qemu/osdep.h"
#include "qapi/error.h"

/* One trace point; defined by generated code, registered at start-up. */
typedef struct TraceEvent {
    const char *name;
    bool *enabled;          /* the flag trace_<name>() tests */
} TraceEvent;

/* For generated code: register a folder's events (from a constructor). */
void trace_event_register_group(TraceEvent *events, size_t nb_events);
/* For generated code: print one event line ("fmt" has no newline). */
void trace_event_emit(const char *name, const char *fmt, ...)
    QEMU_PRINTF(2, 3);

/*
 * trace_enable_events: set every event whose name matches the glob
 * pattern ('*', '?') to enabled; a leading '-' disables instead.
 * Returns the number of events matched.
 */
unsigned int trace_enable_events(const char *pattern);

/*
 * trace_opt_parse: one -trace argument: "PATTERN", "enable=PATTERN",
 * "events=FILE" (one pattern per line, '#' comments) or "file=FILE"
 * (same as -D).  "help" lists the events on stdout and sets *help.
 * Fails with errp for unreadable files or unknown keys.
 */
bool trace_opt_parse(const char *arg, bool *help, Error **errp);

/* trace_set_log_file: -D FILE; NULL goes back to stderr. */
bool trace_set_log_file(const char *path, Error **errp);

/* trace_event_is_enabled: by exact name; false for unknown names. */
bool trace_event_is_enabled(const char *name);

/* trace_list_events: "Possible trace events:" and one name per line. */
void trace_list_events(FILE *out);

#endif /* QEMU_TRACE_H */
