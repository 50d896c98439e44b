/*
 * The QMP schema tables (include/monitor/qmp-schema.h): named types and
 * events, the check of a command's arguments against its members table
 * (run by the dispatcher in qmp.c before the handler), and
 * query-qmp-schema rendered from the same tables in QEMU's SchemaInfo
 * form.  Commands are registered in qmp.c; the built-in events are listed
 * in qmp-events.c.
 */
#include "qemu/osdep.h"
#include "monitor/qmp-schema.h"
#include "monitor/monitor-internal.h"

static GHashTable *qmp_types;       /* name -> const QmpType * */
static GPtrArray *qmp_events;       /* const QmpEventSpec *, in order */

static const char *const qmp_schema_builtins[][2] = {
    /* name, json-type (in query-qmp-schema and in type errors) */
    { "str", "string" },
    { "int", "int" },
    { "number", "number" },
    { "bool", "boolean" },
    { "null", "null" },
    { "any", "value" },
};

/* ---- registry ---- */

void qmp_register_type(const QmpType *type)
{
    const QmpType *old;

    if (!qmp_types) {
        qmp_types = g_hash_table_new(g_str_hash, g_str_equal);
    }
    old = g_hash_table_lookup(qmp_types, type->name);
    assert(!old || old == type);
    g_hash_table_insert(qmp_types, (gpointer)type->name, (gpointer)type);
}

void qmp_register_types(const QmpType *types, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        qmp_register_type(&types[i]);
    }
}

const QmpEventSpec *qmp_find_event(const char *name)
{
    for (guint i = 0; qmp_events && i < qmp_events->len; i++) {
        const QmpEventSpec *ev = qmp_events->pdata[i];

        if (!strcmp(ev->name, name)) {
            return ev;
        }
    }
    return NULL;
}

void qmp_register_event(const QmpEventSpec *event)
{
    const QmpEventSpec *old;

    if (!qmp_events) {
        qmp_events = g_ptr_array_new();
    }
    old = qmp_find_event(event->name);
    assert(!old || old == event);
    if (!old) {
        g_ptr_array_add(qmp_events, (gpointer)event);
    }
}

void qmp_register_events(const QmpEventSpec *events, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        qmp_register_event(&events[i]);
    }
}

static const QmpType *qmp_schema_find_type(const char *name)
{
    return qmp_types ? g_hash_table_lookup(qmp_types, name) : NULL;
}

/* The json-type of a builtin, or NULL when name is not one. */
static const char *qmp_schema_builtin_json_type(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(qmp_schema_builtins); i++) {
        if (!strcmp(qmp_schema_builtins[i][0], name)) {
            return qmp_schema_builtins[i][1];
        }
    }
    return NULL;
}

/* "[T]" -> "T" (new string), else NULL. */
static char *qmp_schema_element_type(const char *type)
{
    size_t len = strlen(type);

    if (len < 3 || type[0] != '[' || type[len - 1] != ']') {
        return NULL;
    }
    return g_strndup(type + 1, len - 2);
}

/* The enum's values as a new array of borrowed strings. */
static GPtrArray *qmp_schema_enum_values(const QmpType *type)
{
    GPtrArray *values;

    if (type->list_values) {
        return type->list_values();
    }
    values = g_ptr_array_new();
    for (size_t i = 0; type->values && type->values[i]; i++) {
        g_ptr_array_add(values, (gpointer)type->values[i]);
    }
    return values;
}

/* ---- checking values ---- */

static bool qmp_schema_check_members(const QmpMember *members, bool open,
                                     json_t *obj, const char *prefix,
                                     Error **errp);

static bool qmp_schema_type_error(const char *path, const char *expected,
                                  Error **errp)
{
    error_setg(errp, "Invalid parameter type for '%s', expected: %s", path,
               expected);
    return false;
}

static bool qmp_schema_check_builtin(const char *name, json_t *v,
                                     const char *path, Error **errp)
{
    if (!strcmp(name, "any")) {
        return true;
    }
    if (!strcmp(name, "str") && !json_is_string(v)) {
        return qmp_schema_type_error(path, "string", errp);
    }
    if (!strcmp(name, "int") && !json_is_integer(v)) {
        return qmp_schema_type_error(path, "integer", errp);
    }
    if (!strcmp(name, "number") && !json_is_number(v)) {
        return qmp_schema_type_error(path, "number", errp);
    }
    if (!strcmp(name, "bool") && !json_is_boolean(v)) {
        return qmp_schema_type_error(path, "boolean", errp);
    }
    if (!strcmp(name, "null") && !json_is_null(v)) {
        return qmp_schema_type_error(path, "null", errp);
    }
    return true;
}

static bool qmp_schema_check_enum(const QmpType *type, json_t *v,
                                  const char *path, Error **errp)
{
    g_autoptr(GPtrArray) values = NULL;
    const char *s;

    if (!json_is_string(v)) {
        return qmp_schema_type_error(path, "string", errp);
    }
    s = json_string_value(v);
    values = qmp_schema_enum_values(type);
    for (guint i = 0; i < values->len; i++) {
        if (!strcmp(values->pdata[i], s)) {
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' does not accept value '%s'", path, s);
    return false;
}

static bool qmp_schema_check_value(const char *type, json_t *v,
                                   const char *path, Error **errp);

static bool qmp_schema_check_array(const char *elem, json_t *v,
                                   const char *path, Error **errp)
{
    json_t *item;
    size_t i;

    if (!json_is_array(v)) {
        return qmp_schema_type_error(path, "array", errp);
    }
    json_array_foreach(v, i, item) {
        g_autofree char *ipath = g_strdup_printf("%s[%zu]", path, i);

        if (!qmp_schema_check_value(elem, item, ipath, errp)) {
            return false;
        }
    }
    return true;
}

static bool qmp_schema_check_value(const char *type, json_t *v,
                                   const char *path, Error **errp)
{
    g_autofree char *elem = qmp_schema_element_type(type);
    const QmpType *named;

    if (elem) {
        return qmp_schema_check_array(elem, v, path, errp);
    }
    if (qmp_schema_builtin_json_type(type)) {
        return qmp_schema_check_builtin(type, v, path, errp);
    }
    named = qmp_schema_find_type(type);
    assert(named);      /* a table names a type nobody registered */
    if (named->kind == QMP_TYPE_ENUM) {
        return qmp_schema_check_enum(named, v, path, errp);
    }
    if (!json_is_object(v)) {
        return qmp_schema_type_error(path, "object", errp);
    }
    return qmp_schema_check_members(named->members, named->open, v, path,
                                    errp);
}

static bool qmp_schema_is_member(const QmpMember *members, const char *key)
{
    for (size_t i = 0; members && members[i].name; i++) {
        if (!strcmp(members[i].name, key)) {
            return true;
        }
    }
    return false;
}

/* prefix: "" at the top, "model" for members of model ("model.name"). */
static bool qmp_schema_check_members(const QmpMember *members, bool open,
                                     json_t *obj, const char *prefix,
                                     Error **errp)
{
    const char *key;
    json_t *value;

    for (size_t i = 0; members && members[i].name; i++) {
        g_autofree char *path = *prefix
            ? g_strdup_printf("%s.%s", prefix, members[i].name)
            : g_strdup(members[i].name);
        json_t *v = json_object_get(obj, members[i].name);

        if (!v && !members[i].optional) {
            error_setg(errp, "Parameter '%s' is missing", path);
            return false;
        }
        if (v && !qmp_schema_check_value(members[i].type, v, path, errp)) {
            return false;
        }
    }
    json_object_foreach(obj, key, value) {
        if (!open && !qmp_schema_is_member(members, key)) {
            g_autofree char *path = *prefix
                ? g_strdup_printf("%s.%s", prefix, key) : g_strdup(key);

            error_setg(errp, "Parameter '%s' is unexpected", path);
            return false;
        }
    }
    return true;
}

bool qmp_schema_check(const QmpMember *members, bool open, json_t *value,
                      Error **errp)
{
    return qmp_schema_check_members(members, open, value, "", errp);
}

/* ---- query-qmp-schema ---- */

typedef struct QmpSchemaOut {
    json_t *list;           /* SchemaInfo entries */
    GHashTable *emitted;    /* type names already in list (owned keys) */
} QmpSchemaOut;

static void qmp_schema_emit_type(QmpSchemaOut *out, const char *type);

static json_t *qmp_schema_members_json(QmpSchemaOut *out,
                                       const QmpMember *members)
{
    json_t *list = json_array();

    for (size_t i = 0; members && members[i].name; i++) {
        json_t *m = json_pack("{ssss}", "name", members[i].name, "type",
                              members[i].type);

        if (members[i].optional) {
            json_object_set_new(m, "default", json_null());
        }
        json_array_append_new(list, m);
    }
    for (size_t i = 0; members && members[i].name; i++) {
        qmp_schema_emit_type(out, members[i].type);
    }
    return list;
}

/* An object type called name (emitted once), with members. */
static void qmp_schema_emit_object(QmpSchemaOut *out, const char *name,
                                   const QmpMember *members)
{
    json_t *entry;

    if (g_hash_table_contains(out->emitted, name)) {
        return;
    }
    g_hash_table_add(out->emitted, g_strdup(name));
    entry = json_pack("{ssss}", "name", name, "meta-type", "object");
    json_array_append_new(out->list, entry);
    json_object_set_new(entry, "members",
                        qmp_schema_members_json(out, members));
}

static json_t *qmp_schema_enum_json(const QmpType *type)
{
    g_autoptr(GPtrArray) values = qmp_schema_enum_values(type);
    json_t *entry = json_pack("{ssss}", "name", type->name, "meta-type",
                              "enum");
    json_t *vals = json_array();
    json_t *members = json_array();

    for (guint i = 0; i < values->len; i++) {
        json_array_append_new(vals, json_string(values->pdata[i]));
        json_array_append_new(members,
                              json_pack("{ss}", "name", values->pdata[i]));
    }
    json_object_set_new(entry, "members", members);
    json_object_set_new(entry, "values", vals);
    return entry;
}

static void qmp_schema_emit_type(QmpSchemaOut *out, const char *type)
{
    g_autofree char *elem = qmp_schema_element_type(type);
    const char *json_type = qmp_schema_builtin_json_type(type);
    const QmpType *named;

    if (g_hash_table_contains(out->emitted, type)) {
        return;
    }
    if (elem || json_type) {
        g_hash_table_add(out->emitted, g_strdup(type));
        json_array_append_new(out->list, elem
            ? json_pack("{ssssss}", "name", type, "meta-type", "array",
                        "element-type", elem)
            : json_pack("{ssssss}", "name", type, "meta-type", "builtin",
                        "json-type", json_type));
        if (elem) {
            qmp_schema_emit_type(out, elem);
        }
        return;
    }
    named = qmp_schema_find_type(type);
    assert(named);
    if (named->kind == QMP_TYPE_OBJECT) {
        qmp_schema_emit_object(out, type, named->members);
        return;
    }
    g_hash_table_add(out->emitted, g_strdup(type));
    json_array_append_new(out->list, qmp_schema_enum_json(named));
}

/* The arg-type of a command or event: "q_empty" or "q_obj_NAME-arg". */
static char *qmp_schema_emit_args(QmpSchemaOut *out, const char *name,
                                  const QmpMember *members)
{
    char *type = members ? g_strdup_printf("q_obj_%s-arg", name)
                         : g_strdup("q_empty");

    qmp_schema_emit_object(out, type, members);
    return type;
}

static void qmp_schema_emit_command(const QmpCommandSpec *spec,
                                    bool has_schema, void *opaque)
{
    QmpSchemaOut *out = opaque;
    g_autofree char *arg_type = NULL;
    const char *ret = spec->ret ? spec->ret : "q_empty";
    json_t *entry;

    if (!has_schema) {
        return;     /* the schema test lists these */
    }
    entry = json_pack("{ssss}", "name", spec->name, "meta-type", "command");
    json_array_append_new(out->list, entry);
    arg_type = qmp_schema_emit_args(out, spec->name, spec->args);
    json_object_set_new(entry, "arg-type", json_string(arg_type));
    json_object_set_new(entry, "ret-type", json_string(ret));
    if (spec->features) {
        json_t *features = json_array();

        for (size_t i = 0; spec->features[i]; i++) {
            json_array_append_new(features, json_string(spec->features[i]));
        }
        json_object_set_new(entry, "features", features);
    }
    if (!spec->ret) {
        qmp_schema_emit_object(out, "q_empty", NULL);
    } else {
        qmp_schema_emit_type(out, ret);
    }
}

static void qmp_schema_emit_event(QmpSchemaOut *out,
                                  const QmpEventSpec *ev)
{
    json_t *entry = json_pack("{ssss}", "name", ev->name, "meta-type",
                              "event");
    g_autofree char *arg_type = NULL;

    json_array_append_new(out->list, entry);
    arg_type = qmp_schema_emit_args(out, ev->name, ev->data);
    json_object_set_new(entry, "arg-type", json_string(arg_type));
}

static json_t *qmp_schema_query(json_t *args, Error **errp)
{
    QmpSchemaOut out = {
        .list = json_array(),
        .emitted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         NULL),
    };

    qmp_for_each_command(qmp_schema_emit_command, &out);
    for (guint i = 0; qmp_events && i < qmp_events->len; i++) {
        qmp_schema_emit_event(&out, qmp_events->pdata[i]);
    }
    g_hash_table_destroy(out.emitted);
    return out.list;
}

static const QmpCommandSpec qmp_schema_command = {
    .name = "query-qmp-schema", .fn = qmp_schema_query,
    .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "[SchemaInfo]",
};

static const QmpType qmp_schema_types[] = {
    /* what a SchemaInfo carries, loosely: its members vary by meta-type */
    { .name = "SchemaInfo", .kind = QMP_TYPE_OBJECT, .open = true,
      .members = (const QmpMember[]) {
          { "name", "str" }, { "meta-type", "str" }, { NULL } } },
};

void qmp_schema_register(void)
{
    qmp_register_types(qmp_schema_types, ARRAY_SIZE(qmp_schema_types));
    qmp_register_command_spec(&qmp_schema_command);
    qmp_events_register_builtins();
}
