/*
 * The QMP schema: one table per command (its arguments and return type),
 * per event (its data) and per named type.  The dispatcher checks every
 * request against its command's table before the handler runs, and
 * query-qmp-schema is rendered from the same tables, so what hotmem
 * accepts and what it advertises cannot differ.  Implemented in
 * monitor/qmp-schema.c; docs/devel/qmp-schema.md shows how to add a
 * command.  Main loop only.
 */
#ifndef MONITOR_QMP_SCHEMA_H
#define MONITOR_QMP_SCHEMA_H

#include "monitor/monitor.h"

/*
 * One member of an object type (a command's arguments, an event's data,
 * a return type).  type is a builtin ("str", "int", "bool", "number",
 * "null", "any"), the name of a type registered with qmp_register_type(),
 * or "[T]" for an array of T.  A table ends with a member whose name is
 * NULL.
 */
typedef struct QmpMember {
    const char *name;
    const char *type;
    bool optional;
} QmpMember;

typedef enum QmpTypeKind {
    QMP_TYPE_OBJECT,        /* a JSON object with members */
    QMP_TYPE_ENUM,          /* a JSON string from values */
} QmpTypeKind;

typedef struct QmpType {
    const char *name;
    QmpTypeKind kind;
    const QmpMember *members;       /* OBJECT; NULL: no members */
    const char *const *values;      /* ENUM; NULL-terminated */
    /*
     * ENUM whose values come from elsewhere (object-add's qom-type: the
     * user-creatable QOM types): a new array of borrowed names, used
     * instead of values.
     */
    GPtrArray *(*list_values)(void);
    /*
     * OBJECT: members beyond those listed are accepted and left to the
     * handler (QEMU's flat unions such as object-add, and device_add,
     * whose arguments are the device's properties).
     */
    bool open;
} QmpType;

/*
 * A command with its schema.  args: the argument members (NULL: the
 * command takes none); open: as QmpType.open for the arguments; ret: the
 * return type's name (NULL: an empty object, "{}").
 */
typedef struct QmpCommandSpec {
    const char *name;
    QmpCommandFunc *fn;
    unsigned int flags;             /* QMP_CMD_* */
    const QmpMember *args;
    bool open;
    const char *ret;
    const char *const *features;    /* NULL-terminated, or NULL */
} QmpCommandSpec;

typedef struct QmpEventSpec {
    const char *name;
    const QmpMember *data;          /* NULL: the event has no data */
} QmpEventSpec;

/*
 * qmp_register_command_spec: register spec's command.  spec (and the
 * tables it points to) must live as long as the process; a name may be
 * registered once.  Arguments are checked with QEMU's messages and order
 * before spec->fn runs: per member in table order "Parameter 'N' is
 * missing", "Invalid parameter type for 'N', expected: T", "Parameter
 * 'N' does not accept value 'V'" (enums); then "Parameter 'N' is
 * unexpected" for an unlisted one.  Nested members are named "a.b",
 * array elements "a[0]".
 */
void qmp_register_command_spec(const QmpCommandSpec *spec);
/* qmp_register_commands: each of the n specs, in order. */
void qmp_register_commands(const QmpCommandSpec *specs, size_t n);

/*
 * qmp_register_type / qmp_register_event: add a named type or an event to
 * the schema.  Registering the same table twice is allowed (idempotent);
 * two different tables with one name abort.
 */
void qmp_register_type(const QmpType *type);
void qmp_register_types(const QmpType *types, size_t n);
void qmp_register_event(const QmpEventSpec *event);
void qmp_register_events(const QmpEventSpec *events, size_t n);

/* The registered event called name, or NULL. */
const QmpEventSpec *qmp_find_event(const char *name);

/*
 * qmp_schema_check: check value against the members table the way
 * the dispatcher checks a command's arguments (see
 * qmp_register_command_spec); open accepts unlisted members.  O(members
 * of value).
 */
bool qmp_schema_check(const QmpMember *members, bool open, json_t *value,
                      Error **errp);

#endif /* MONITOR_QMP_SCHEMA_H */
