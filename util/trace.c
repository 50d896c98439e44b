/*
 * Trace runtime: the registry of trace points (filled by the trace.c files
 * that scripts/tracetool.py generates per folder), -trace pattern
 * matching, and the log output (stderr or -D FILE).  What each event
 * means lives in the folders' trace-events files; the per-call cost is in
 * the generated inline functions, not here.
 */
#include "qemu/osdep.h"
#include "qemu/keyval.h"
#include "qemu/trace.h"
#include <sys/time.h>

static GPtrArray *trace_events;     /* TraceEvent *, registration order */
static FILE *trace_log_file;        /* NULL: stderr */

void trace_event_register_group(TraceEvent *events, size_t nb_events)
{
    size_t i;

    if (!trace_events) {
        trace_events = g_ptr_array_new();
    }
    for (i = 0; i < nb_events; i++) {
        g_ptr_array_add(trace_events, &events[i]);
    }
}

void trace_event_emit(const char *name, const char *fmt, ...)
{
    FILE *out = trace_log_file ? trace_log_file : stderr;
    g_autofree char *msg = NULL;
    struct timeval tv;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    gettimeofday(&tv, NULL);
    /* One fprintf per line so concurrent events do not interleave. */
    fprintf(out, "%d@%ld.%06ld:%s %s\n", (int)getpid(), (long)tv.tv_sec,
            (long)tv.tv_usec, name, msg);
    fflush(out);
}

unsigned int trace_enable_events(const char *pattern)
{
    bool enable = pattern[0] != '-';
    const char *glob = enable ? pattern : pattern + 1;
    unsigned int matched = 0;
    guint i;

    for (i = 0; trace_events && i < trace_events->len; i++) {
        TraceEvent *ev = g_ptr_array_index(trace_events, i);

        if (g_pattern_match_simple(glob, ev->name)) {
            *ev->enabled = enable;
            matched++;
        }
    }
    return matched;
}

/* -trace PATTERN: as QEMU, warn when a plain name matches nothing. */
static void trace_enable_checked(const char *pattern)
{
    if (!trace_enable_events(pattern) && !strpbrk(pattern, "*?")) {
        warn_report("trace event '%s' does not exist",
                    pattern[0] == '-' ? pattern + 1 : pattern);
    }
}

static bool trace_enable_from_file(const char *path, Error **errp)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;

    if (!f) {
        error_setg_errno(errp, errno, "cannot read trace events file '%s'",
                         path);
        return false;
    }
    while (getline(&line, &cap, f) >= 0) {
        char *pattern = g_strstrip(line);

        if (*pattern && *pattern != '#') {
            trace_enable_checked(pattern);
        }
    }
    free(line);
    fclose(f);
    return true;
}

bool trace_set_log_file(const char *path, Error **errp)
{
    FILE *f = NULL;

    if (path) {
        f = fopen(path, "a");
        if (!f) {
            error_setg_errno(errp, errno, "Error opening logfile %s", path);
            return false;
        }
        setvbuf(f, NULL, _IOLBF, 0);
    }
    if (trace_log_file) {
        fclose(trace_log_file);
    }
    trace_log_file = f;
    return true;
}

static bool trace_opt_apply(const char *key, const char *value, Error **errp)
{
    if (!strcmp(key, "enable")) {
        trace_enable_checked(value);
        return true;
    }
    if (!strcmp(key, "events")) {
        return trace_enable_from_file(value, errp);
    }
    if (!strcmp(key, "file")) {
        return trace_set_log_file(value, errp);
    }
    error_setg(errp, "Invalid parameter '%s'", key);
    return false;
}

bool trace_opt_parse(const char *arg, bool *help, Error **errp)
{
    json_t *opts = keyval_parse(arg, "enable", help, errp);
    const char *key;
    json_t *value;
    bool ok = true;

    if (!opts) {
        return false;
    }
    if (*help) {
        trace_list_events(stdout);
        json_decref(opts);
        return true;
    }
    json_object_foreach(opts, key, value) {
        if (!json_is_string(value)) {
            error_setg(errp, "Invalid parameter '%s'", key);
            ok = false;
            break;
        }
        if (!trace_opt_apply(key, json_string_value(value), errp)) {
            ok = false;
            break;
        }
    }
    json_decref(opts);
    return ok;
}

bool trace_event_is_enabled(const char *name)
{
    guint i;

    for (i = 0; trace_events && i < trace_events->len; i++) {
        TraceEvent *ev = g_ptr_array_index(trace_events, i);

        if (!strcmp(ev->name, name)) {
            return *ev->enabled;
        }
    }
    return false;
}

void trace_list_events(FILE *out)
{
    guint i;

    fprintf(out, "Possible trace events:\n");
    for (i = 0; trace_events && i < trace_events->len; i++) {
        TraceEvent *ev = g_ptr_array_index(trace_events, i);

        fprintf(out, "%s\n", ev->name);
    }
}
