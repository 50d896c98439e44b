/*
 * Error objects and user-facing messages.  An Error carries a class (the
 * QMP error class), a one-line message and an optional hint.  The monitor
 * turns it into a QMP reply; the command line prints it and exits.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"

struct Error {
    char *msg;
    char *hint;
    ErrorClass err_class;
};

Error *error_fatal;
Error *error_abort;

static const char *error_progname = "qemu-system-x86_64";

void error_set_progname(const char *progname)
{
    const char *slash = strrchr(progname, '/');

    error_progname = slash ? slash + 1 : progname;
}

static void error_handle_special(Error **errp, Error *err)
{
    if (errp == &error_abort) {
        fprintf(stderr, "Unexpected error: %s\n", err->msg);
        abort();
    }
    if (errp == &error_fatal) {
        error_report_err(err);
        exit(1);
    }
}

static void error_store(Error **errp, Error *err)
{
    if (!errp) {
        error_free(err);
        return;
    }
    error_handle_special(errp, err);
    assert(*errp == NULL);
    *errp = err;
}

static Error *error_new_valist(ErrorClass err_class, const char *fmt,
                               va_list ap)
{
    Error *err = g_new0(Error, 1);

    err->msg = g_strdup_vprintf(fmt, ap);
    err->err_class = err_class;
    return err;
}

void error_setg_internal(Error **errp, ErrorClass err_class,
                         const char *fmt, ...)
{
    va_list ap;

    if (!errp) {
        return;
    }
    va_start(ap, fmt);
    error_store(errp, error_new_valist(err_class, fmt, ap));
    va_end(ap);
}

void error_setg_errno(Error **errp, int os_errno, const char *fmt, ...)
{
    va_list ap;
    Error *err;
    char *msg;

    if (!errp) {
        return;
    }
    va_start(ap, fmt);
    err = error_new_valist(ERROR_CLASS_GENERIC_ERROR, fmt, ap);
    va_end(ap);
    msg = g_strdup_printf("%s: %s", err->msg, g_strerror(os_errno));
    g_free(err->msg);
    err->msg = msg;
    error_store(errp, err);
}

void error_append_hint(Error **errp, const char *fmt, ...)
{
    va_list ap;
    char *text;
    char *joined;
    Error *err;

    if (!errp || errp == &error_fatal || errp == &error_abort || !*errp) {
        return;
    }
    err = *errp;
    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    joined = g_strconcat(err->hint ? err->hint : "", text, NULL);
    g_free(text);
    g_free(err->hint);
    err->hint = joined;
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    va_list ap;
    char *prefix;
    char *msg;
    Error *err;

    if (!errp || errp == &error_fatal || errp == &error_abort || !*errp) {
        return;
    }
    err = *errp;
    va_start(ap, fmt);
    prefix = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    msg = g_strconcat(prefix, err->msg, NULL);
    g_free(prefix);
    g_free(err->msg);
    err->msg = msg;
}

const char *error_get_pretty(const Error *err)
{
    return err->msg;
}

const char *error_get_hint(const Error *err)
{
    return err->hint;
}

ErrorClass error_get_class(const Error *err)
{
    return err->err_class;
}

const char *error_class_name(ErrorClass err_class)
{
    static const char *const names[ERROR_CLASS__MAX] = {
        [ERROR_CLASS_GENERIC_ERROR] = "GenericError",
        [ERROR_CLASS_COMMAND_NOT_FOUND] = "CommandNotFound",
        [ERROR_CLASS_DEVICE_NOT_ACTIVE] = "DeviceNotActive",
        [ERROR_CLASS_DEVICE_NOT_FOUND] = "DeviceNotFound",
        [ERROR_CLASS_KVM_MISSING_CAP] = "KVMMissingCap",
    };

    assert(err_class < ERROR_CLASS__MAX);
    return names[err_class];
}

void error_propagate(Error **dst_errp, Error *local_err)
{
    if (!local_err) {
        return;
    }
    error_store(dst_errp, local_err);
}

void error_free(Error *err)
{
    if (err) {
        g_free(err->msg);
        g_free(err->hint);
        g_free(err);
    }
}

void error_report_err(Error *err)
{
    error_report("%s", err->msg);
    if (err->hint) {
        fputs(err->hint, stderr);
        if (!g_str_has_suffix(err->hint, "\n")) {
            fputc('\n', stderr);
        }
    }
    error_free(err);
}

static bool error_timestamps;      /* -msg timestamp=on */

void error_set_timestamps(bool on)
{
    error_timestamps = on;
}

/* QEMU's -msg timestamp=on prefix: "2026-12-07T09:16:54.256341Z ". */
static void error_print_timestamp(void)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *date = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");

    fprintf(stderr, "%s.%06dZ ", date, g_date_time_get_microsecond(now));
}

static void error_vprintf_prefixed(const char *kind, const char *fmt,
                                   va_list ap)
{
    if (error_timestamps) {
        error_print_timestamp();
    }
    fprintf(stderr, "%s: %s", error_progname, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vprintf_prefixed("", fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vprintf_prefixed("warning: ", fmt, ap);
    va_end(ap);
}

void info_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vprintf_prefixed("info: ", fmt, ap);
    va_end(ap);
}
