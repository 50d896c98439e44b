/*
 * Error reporting: functions that can fail take "Error **errp" last and
 * return bool (true on success).  On failure they set *errp exactly once
 * (error_setg); the caller decides whether to report, propagate or free.
 * errp may be NULL (ignore the error) or &error_fatal / &error_abort.
 */
#ifndef QAPI_ERROR_H
#define QAPI_ERROR_H

#include "qemu/osdep.h"

/* QMP error classes, as QEMU names them on the wire. */
typedef enum ErrorClass {
    ERROR_CLASS_GENERIC_ERROR,
    ERROR_CLASS_COMMAND_NOT_FOUND,
    ERROR_CLASS_DEVICE_NOT_ACTIVE,
    ERROR_CLASS_DEVICE_NOT_FOUND,
    ERROR_CLASS_KVM_MISSING_CAP,
    ERROR_CLASS__MAX,
} ErrorClass;

typedef struct Error Error;

/* Pass as errp to exit(1) after printing, or to abort(), on failure. */
extern Error *error_fatal;
extern Error *error_abort;

void error_setg_internal(Error **errp, ErrorClass err_class,
                         const char *fmt, ...) QEMU_PRINTF(3, 4);
#define error_setg(errp, ...) \
    error_setg_internal((errp), ERROR_CLASS_GENERIC_ERROR, __VA_ARGS__)
#define error_set(errp, err_class, ...) \
    error_setg_internal((errp), (err_class), __VA_ARGS__)
/* Like error_setg, with ": " and strerror(os_errno) appended. */
void error_setg_errno(Error **errp, int os_errno, const char *fmt, ...)
    QEMU_PRINTF(3, 4);

/* Add text to an error already set: "<msg>\n<hint>" printed on report. */
void error_append_hint(Error **errp, const char *fmt, ...) QEMU_PRINTF(2, 3);
/* Prefix the message of an error already set: "<prefix><msg>". */
void error_prepend(Error **errp, const char *fmt, ...) QEMU_PRINTF(2, 3);

const char *error_get_pretty(const Error *err);
const char *error_get_hint(const Error *err);   /* NULL when none */
ErrorClass error_get_class(const Error *err);
/* QMP wire name of the class: "GenericError", "DeviceNotFound", ... */
const char *error_class_name(ErrorClass err_class);

/* Move local_err into dst (handles &error_fatal/&error_abort). */
void error_propagate(Error **dst_errp, Error *local_err);
void error_free(Error *err);
/* Print "hotmem: <msg>" (and the hint) to stderr, then free. */
void error_report_err(Error *err);

/* Messages for the user on stderr, prefixed like QEMU's. */
void error_report(const char *fmt, ...) QEMU_PRINTF(1, 2);
void warn_report(const char *fmt, ...) QEMU_PRINTF(1, 2);
/* -msg timestamp=on: error/warn/info reports start with a UTC timestamp. */
void error_set_timestamps(bool on);
void info_report(const char *fmt, ...) QEMU_PRINTF(1, 2);
/* Prefix used by error_report(); vl.c sets it from argv[0]. */
void error_set_progname(const char *progname);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Error, error_free)

#endif /* QAPI_ERROR_H */
