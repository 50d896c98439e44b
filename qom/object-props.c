/*
 * Typed properties: bool, unsigned integers and sizes, strings, enums,
 * child<> and link<>, with the JSON type checks and messages QEMU's
 * visitors give, and the command-line string parsing that turns
 * "size=4G" or "share=on" into values.  The generic property table is
 * qom/object.c's.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qom/object.h"

static void object_props_type_error(Error **errp, const char *name,
                                    const char *expected)
{
    error_setg(errp, "Invalid parameter type for '%s', expected: %s", name,
               expected);
}

/* ---- conversions from command-line strings ---- */

static bool object_props_is_uint_type(const char *type)
{
    return !strcmp(type, "uint8") || !strcmp(type, "uint16") ||
           !strcmp(type, "uint32") || !strcmp(type, "uint64");
}

static bool object_props_is_int_type(const char *type)
{
    return !strcmp(type, "int8") || !strcmp(type, "int16") ||
           !strcmp(type, "int32") || !strcmp(type, "int64") ||
           !strcmp(type, "int");
}

static bool object_props_parse_bool(const char *str, bool *value)
{
    if (!strcmp(str, "on") || !strcmp(str, "yes") || !strcmp(str, "true")) {
        *value = true;
        return true;
    }
    if (!strcmp(str, "off") || !strcmp(str, "no") || !strcmp(str, "false")) {
        *value = false;
        return true;
    }
    return false;
}

/* A JSON value for str according to the property type, or NULL. */
static json_t *object_props_json_from_str(const char *type, const char *name,
                                          const char *str, Error **errp)
{
    uint64_t u;
    int64_t i;
    bool b;

    if (!strcmp(type, "bool")) {
        if (!object_props_parse_bool(str, &b)) {
            error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
            return NULL;
        }
        return json_boolean(b);
    }
    if (!strcmp(type, "size")) {
        if (qemu_strtosz(str, 'B', &u) < 0) {
            error_setg(errp, "Parameter '%s' expects a non-negative number "
                       "below 2^64", name);
            error_append_hint(errp, "Optional suffix k, M, G, T, P or E "
                              "means kilo-, mega-, giga-, tera-, peta-\n"
                              "and exabytes, respectively.\n");
            return NULL;
        }
        return json_integer((json_int_t)u);
    }
    if (object_props_is_uint_type(type)) {
        if (qemu_strtou64(str, &u) < 0) {
            error_setg(errp, "Parameter '%s' expects %s", name, type);
            return NULL;
        }
        return json_integer((json_int_t)u);
    }
    if (object_props_is_int_type(type)) {
        if (qemu_strtoi64(str, &i) < 0) {
            error_setg(errp, "Parameter '%s' expects %s", name, type);
            return NULL;
        }
        return json_integer(i);
    }
    return json_string(str);
}

bool object_property_parse(Object *obj, const char *name, const char *str,
                           Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);
    json_t *value;
    bool ok;

    if (!prop) {
        return false;
    }
    value = object_props_json_from_str(prop->type, name, str, errp);
    if (!value) {
        return false;
    }
    ok = object_property_set(obj, name, value, errp);
    json_decref(value);
    return ok;
}

char *object_property_print(Object *obj, const char *name, Error **errp)
{
    json_t *value = object_property_get(obj, name, errp);
    char *out;

    if (!value) {
        return NULL;
    }
    if (json_is_string(value)) {
        out = g_strdup(json_string_value(value));
    } else if (json_is_integer(value)) {
        out = g_strdup_printf("%" PRIu64,
                              (uint64_t)json_integer_value(value));
    } else {
        char *dump = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);

        out = g_strdup(dump);
        free(dump);
    }
    json_decref(value);
    return out;
}

/* ---- typed getters and setters of the generic table ---- */

bool object_property_set_bool(Object *obj, const char *name, bool value,
                              Error **errp)
{
    json_t *v = json_boolean(value);
    bool ok = object_property_set(obj, name, v, errp);

    json_decref(v);
    return ok;
}

bool object_property_get_bool(Object *obj, const char *name, Error **errp)
{
    json_t *v = object_property_get(obj, name, errp);
    bool ret = false;

    if (v && !json_is_boolean(v)) {
        object_props_type_error(errp, name, "boolean");
    } else if (v) {
        ret = json_is_true(v);
    }
    json_decref(v);
    return ret;
}

bool object_property_set_uint(Object *obj, const char *name,
                              uint64_t value, Error **errp)
{
    json_t *v = json_integer((json_int_t)value);
    bool ok = object_property_set(obj, name, v, errp);

    json_decref(v);
    return ok;
}

uint64_t object_property_get_uint(Object *obj, const char *name,
                                  Error **errp)
{
    json_t *v = object_property_get(obj, name, errp);
    uint64_t ret = 0;

    if (v && !json_is_integer(v)) {
        object_props_type_error(errp, name, "integer");
    } else if (v) {
        ret = (uint64_t)json_integer_value(v);
    }
    json_decref(v);
    return ret;
}

bool object_property_set_int(Object *obj, const char *name, int64_t value,
                             Error **errp)
{
    return object_property_set_uint(obj, name, (uint64_t)value, errp);
}

int64_t object_property_get_int(Object *obj, const char *name, Error **errp)
{
    return (int64_t)object_property_get_uint(obj, name, errp);
}

bool object_property_set_str(Object *obj, const char *name,
                             const char *value, Error **errp)
{
    json_t *v = json_string(value);
    bool ok = object_property_set(obj, name, v, errp);

    json_decref(v);
    return ok;
}

char *object_property_get_str(Object *obj, const char *name, Error **errp)
{
    json_t *v = object_property_get(obj, name, errp);
    char *ret = NULL;

    if (v && !json_is_string(v)) {
        object_props_type_error(errp, name, "string");
    } else if (v) {
        ret = g_strdup(json_string_value(v));
    }
    json_decref(v);
    return ret;
}

/* ---- bool ---- */

typedef struct ObjectBoolProp {
    ObjectBoolGet *get;
    ObjectBoolSet *set;
} ObjectBoolProp;

static json_t *object_props_bool_get(Object *obj, const char *name,
                                     void *opaque, Error **errp)
{
    ObjectBoolProp *bp = opaque;
    Error *local_err = NULL;
    bool value = bp->get(obj, &local_err);

    if (local_err) {
        error_propagate(errp, local_err);
        return NULL;
    }
    return json_boolean(value);
}

static bool object_props_bool_set(Object *obj, const char *name,
                                  json_t *value, void *opaque, Error **errp)
{
    ObjectBoolProp *bp = opaque;

    if (!json_is_boolean(value)) {
        object_props_type_error(errp, name, "boolean");
        return false;
    }
    return bp->set(obj, json_is_true(value), errp);
}

static void object_props_free_opaque(Object *obj, const char *name,
                                     void *opaque)
{
    g_free(opaque);
}

void object_property_add_bool(Object *obj, const char *name,
                              ObjectBoolGet *get, ObjectBoolSet *set)
{
    ObjectBoolProp *bp = g_new0(ObjectBoolProp, 1);

    bp->get = get;
    bp->set = set;
    object_property_add(obj, name, "bool",
                        get ? object_props_bool_get : NULL,
                        set ? object_props_bool_set : NULL,
                        object_props_free_opaque, bp);
}

/* ---- str ---- */

typedef struct ObjectStrProp {
    ObjectStrGet *get;
    ObjectStrSet *set;
} ObjectStrProp;

static json_t *object_props_str_get(Object *obj, const char *name,
                                    void *opaque, Error **errp)
{
    ObjectStrProp *sp = opaque;
    char *value = sp->get(obj, errp);
    json_t *ret;

    if (!value) {
        return NULL;
    }
    ret = json_string(value);
    g_free(value);
    return ret;
}

static bool object_props_str_set(Object *obj, const char *name,
                                 json_t *value, void *opaque, Error **errp)
{
    ObjectStrProp *sp = opaque;

    if (!json_is_string(value)) {
        object_props_type_error(errp, name, "string");
        return false;
    }
    return sp->set(obj, json_string_value(value), errp);
}

void object_property_add_str(Object *obj, const char *name,
                             ObjectStrGet *get, ObjectStrSet *set)
{
    ObjectStrProp *sp = g_new0(ObjectStrProp, 1);

    sp->get = get;
    sp->set = set;
    object_property_add(obj, name, "str",
                        get ? object_props_str_get : NULL,
                        set ? object_props_str_set : NULL,
                        object_props_free_opaque, sp);
}

/* ---- unsigned integers and sizes ---- */

typedef struct ObjectUintProp {
    ObjectUintGet *get;
    ObjectUintSet *set;
    uint64_t max;
    const void *ptr;        /* read-only field, when get is NULL */
    unsigned int ptr_size;
} ObjectUintProp;

static uint64_t object_props_uint_max(const char *type)
{
    if (!strcmp(type, "uint8")) {
        return UINT8_MAX;
    }
    if (!strcmp(type, "uint16")) {
        return UINT16_MAX;
    }
    if (!strcmp(type, "uint32")) {
        return UINT32_MAX;
    }
    return UINT64_MAX;
}

static int object_props_uint_bits(uint64_t max)
{
    return max == UINT8_MAX ? 8 : max == UINT16_MAX ? 16 :
           max == UINT32_MAX ? 32 : 64;
}

static json_t *object_props_uint_get(Object *obj, const char *name,
                                     void *opaque, Error **errp)
{
    ObjectUintProp *up = opaque;
    Error *local_err = NULL;
    uint64_t value;

    if (up->ptr) {
        value = up->ptr_size == 4 ? *(const uint32_t *)up->ptr
                                  : *(const uint64_t *)up->ptr;
        return json_integer((json_int_t)value);
    }
    value = up->get(obj, &local_err);
    if (local_err) {
        error_propagate(errp, local_err);
        return NULL;
    }
    return json_integer((json_int_t)value);
}

static bool object_props_uint_set(Object *obj, const char *name,
                                  json_t *value, void *opaque, Error **errp)
{
    ObjectUintProp *up = opaque;
    uint64_t v;

    /* The reference's message for any non-integer, and for out of range */
    if (!json_is_integer(value)) {
        error_setg(errp, "Parameter '%s' expects uint%d", name,
                   object_props_uint_bits(up->max));
        return false;
    }
    v = (uint64_t)json_integer_value(value);
    if (up->max != UINT64_MAX && v > up->max) {
        error_setg(errp, "Parameter '%s' expects uint%d", name,
                   object_props_uint_bits(up->max));
        return false;
    }
    return up->set(obj, v, errp);
}

void object_property_add_uint(Object *obj, const char *name,
                              const char *type, ObjectUintGet *get,
                              ObjectUintSet *set)
{
    ObjectUintProp *up = g_new0(ObjectUintProp, 1);

    up->get = get;
    up->set = set;
    up->max = object_props_uint_max(type);
    object_property_add(obj, name, type,
                        get ? object_props_uint_get : NULL,
                        set ? object_props_uint_set : NULL,
                        object_props_free_opaque, up);
}

void object_property_add_uint64_ptr(Object *obj, const char *name,
                                    const uint64_t *v)
{
    ObjectUintProp *up = g_new0(ObjectUintProp, 1);

    up->ptr = v;
    up->ptr_size = 8;
    up->max = UINT64_MAX;
    object_property_add(obj, name, "uint64", object_props_uint_get, NULL,
                        object_props_free_opaque, up);
}

void object_property_add_uint32_ptr(Object *obj, const char *name,
                                    const uint32_t *v)
{
    ObjectUintProp *up = g_new0(ObjectUintProp, 1);

    up->ptr = v;
    up->ptr_size = 4;
    up->max = UINT32_MAX;
    object_property_add(obj, name, "uint32", object_props_uint_get, NULL,
                        object_props_free_opaque, up);
}

/* ---- enums ---- */

typedef struct ObjectEnumProp {
    const char *const *names;
    ObjectEnumGet *get;
    ObjectEnumSet *set;
} ObjectEnumProp;

static json_t *object_props_enum_get(Object *obj, const char *name,
                                     void *opaque, Error **errp)
{
    ObjectEnumProp *ep = opaque;
    int value = ep->get(obj, errp);

    if (value < 0) {
        return NULL;
    }
    return json_string(ep->names[value]);
}

static bool object_props_enum_set(Object *obj, const char *name,
                                  json_t *value, void *opaque, Error **errp)
{
    ObjectEnumProp *ep = opaque;
    int i;

    if (!json_is_string(value)) {
        object_props_type_error(errp, name, "string");
        return false;
    }
    for (i = 0; ep->names[i]; i++) {
        if (!strcmp(ep->names[i], json_string_value(value))) {
            return ep->set(obj, i, errp);
        }
    }
    error_setg(errp, "Parameter '%s' does not accept value '%s'", name,
               json_string_value(value));
    return false;
}

void object_property_add_enum(Object *obj, const char *name,
                              const char *type, const char *const *names,
                              ObjectEnumGet *get, ObjectEnumSet *set)
{
    ObjectEnumProp *ep = g_new0(ObjectEnumProp, 1);

    ep->names = names;
    ep->get = get;
    ep->set = set;
    object_property_add(obj, name, type,
                        get ? object_props_enum_get : NULL,
                        set ? object_props_enum_set : NULL,
                        object_props_free_opaque, ep);
}

/* ---- child<> ---- */

static json_t *object_props_child_get(Object *obj, const char *name,
                                      void *opaque, Error **errp)
{
    char *path = object_get_canonical_path(opaque);
    json_t *ret = json_string(path ? path : "");

    g_free(path);
    return ret;
}

static void object_props_child_release(Object *obj, const char *name,
                                       void *opaque)
{
    Object *child = opaque;

    child->parent = NULL;
    g_free(child->name_in_parent);
    child->name_in_parent = NULL;
    object_unref(child);
}

bool object_property_try_add_child(Object *obj, const char *name,
                                   Object *child, Error **errp)
{
    g_autofree char *type = NULL;
    ObjectProperty *prop;

    assert(!child->parent);
    type = g_strdup_printf("child<%s>", object_get_typename(child));
    prop = object_property_try_add(obj, name, type, object_props_child_get,
                                   NULL, object_props_child_release, child,
                                   errp);
    if (!prop) {
        return false;
    }
    prop->child = child;
    object_ref(child);
    child->parent = obj;
    child->name_in_parent = g_strdup(name);
    return true;
}

void object_property_add_child(Object *obj, const char *name, Object *child)
{
    object_property_try_add_child(obj, name, child, &error_abort);
}

void object_unparent(Object *obj)
{
    if (obj->parent) {
        object_property_del(obj->parent, obj->name_in_parent);
    }
}

/* ---- link<> ---- */

typedef struct ObjectLinkProp {
    Object **targetp;
    ObjectLinkCheck *check;
    char *target_type;
} ObjectLinkProp;

static json_t *object_props_link_get(Object *obj, const char *name,
                                     void *opaque, Error **errp)
{
    ObjectLinkProp *lp = opaque;
    char *path;
    json_t *ret;

    if (!*lp->targetp) {
        return json_string("");
    }
    path = object_get_canonical_path(*lp->targetp);
    ret = json_string(path ? path : "");
    g_free(path);
    return ret;
}

static bool object_props_link_resolve(ObjectLinkProp *lp, const char *path,
                                      Object **target, Error **errp)
{
    bool ambiguous = false;

    *target = NULL;
    if (!*path) {
        return true;
    }
    *target = object_resolve_path_type(path, lp->target_type, &ambiguous);
    if (!*target && ambiguous) {
        error_setg(errp, "Path '%s' does not uniquely identify an object",
                   path);
        return false;
    }
    if (!*target) {
        if (object_resolve_path(path, NULL)) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                       path, lp->target_type);
        } else {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Device '%s' not found", path);
        }
        return false;
    }
    return true;
}

static bool object_props_link_set(Object *obj, const char *name,
                                  json_t *value, void *opaque, Error **errp)
{
    ObjectLinkProp *lp = opaque;
    Object *target;
    Object *old;

    if (!json_is_string(value) && !json_is_null(value)) {
        object_props_type_error(errp, name, "string");
        return false;
    }
    if (!object_props_link_resolve(lp, json_is_null(value) ? "" :
                                   json_string_value(value), &target, errp)) {
        return false;
    }
    if (lp->check && !lp->check(obj, name, target, errp)) {
        return false;
    }
    old = *lp->targetp;
    object_ref(target);
    *lp->targetp = target;
    object_unref(old);
    return true;
}

static void object_props_link_release(Object *obj, const char *name,
                                      void *opaque)
{
    ObjectLinkProp *lp = opaque;

    object_unref(*lp->targetp);
    *lp->targetp = NULL;
    g_free(lp->target_type);
    g_free(lp);
}

void object_property_add_link(Object *obj, const char *name,
                              const char *type, Object **targetp,
                              ObjectLinkCheck *check)
{
    ObjectLinkProp *lp = g_new0(ObjectLinkProp, 1);
    g_autofree char *full_type = g_strdup_printf("link<%s>", type);
    ObjectProperty *prop;

    lp->targetp = targetp;
    lp->check = check;
    lp->target_type = g_strdup(type);
    prop = object_property_add(obj, name, full_type, object_props_link_get,
                               object_props_link_set,
                               object_props_link_release, lp);
    prop->link = targetp;
}

bool object_property_set_link(Object *obj, const char *name, Object *value,
                              Error **errp)
{
    g_autofree char *path = value ? object_get_canonical_path(value) : NULL;
    json_t *v = path ? json_string(path) : json_null();
    bool ok = object_property_set(obj, name, v, errp);

    json_decref(v);
    return ok;
}

Object *object_property_get_link(Object *obj, const char *name,
                                 Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    if (!prop) {
        return NULL;
    }
    if (!prop->link) {
        error_setg(errp, "Property '%s.%s' is not a link",
                   object_get_typename(obj), name);
        return NULL;
    }
    return *prop->link;
}

/* ---- alias ---- */

typedef struct ObjectAliasProp {
    Object *target;
    char *target_name;
} ObjectAliasProp;

static json_t *object_props_alias_get(Object *obj, const char *name,
                                      void *opaque, Error **errp)
{
    ObjectAliasProp *ap = opaque;

    return object_property_get(ap->target, ap->target_name, errp);
}

static bool object_props_alias_set(Object *obj, const char *name,
                                   json_t *value, void *opaque, Error **errp)
{
    ObjectAliasProp *ap = opaque;

    return object_property_set(ap->target, ap->target_name, value, errp);
}

static void object_props_alias_release(Object *obj, const char *name,
                                       void *opaque)
{
    ObjectAliasProp *ap = opaque;

    g_free(ap->target_name);
    g_free(ap);
}

void object_property_add_alias(Object *obj, const char *name,
                               Object *target, const char *target_name)
{
    ObjectProperty *target_prop = object_property_find(target, target_name);
    ObjectAliasProp *ap = g_new0(ObjectAliasProp, 1);
    ObjectProperty *prop;

    assert(target_prop);
    ap->target = target;
    ap->target_name = g_strdup(target_name);
    prop = object_property_add(obj, name, target_prop->type,
                               target_prop->get ? object_props_alias_get
                                                : NULL,
                               target_prop->set ? object_props_alias_set
                                                : NULL,
                               object_props_alias_release, ap);
    if (target_prop->description) {
        prop->description = g_strdup(target_prop->description);
    }
}

/* ---- field-backed properties ---- */

typedef enum ObjectFieldKind {
    OBJECT_FIELD_BOOL,
    OBJECT_FIELD_UINT8,
    OBJECT_FIELD_UINT16,
    OBJECT_FIELD_UINT32,
    OBJECT_FIELD_UINT64,
    OBJECT_FIELD_STR,
} ObjectFieldKind;

typedef struct ObjectFieldProp {
    void *field;
    ObjectFieldKind kind;
    ObjectFieldCheck *check;
} ObjectFieldProp;

static json_t *object_props_field_get(Object *obj, const char *name,
                                      void *opaque, Error **errp)
{
    ObjectFieldProp *fp = opaque;
    const char *str;

    switch (fp->kind) {
    case OBJECT_FIELD_BOOL:
        return json_boolean(*(bool *)fp->field);
    case OBJECT_FIELD_UINT8:
        return json_integer(*(uint8_t *)fp->field);
    case OBJECT_FIELD_UINT16:
        return json_integer(*(uint16_t *)fp->field);
    case OBJECT_FIELD_UINT32:
        return json_integer(*(uint32_t *)fp->field);
    case OBJECT_FIELD_STR:
        str = *(char **)fp->field;
        return json_string(str ? str : "");
    default:
        return json_integer((json_int_t)*(uint64_t *)fp->field);
    }
}

static bool object_props_field_set_uint(ObjectFieldProp *fp,
                                        const char *name, json_t *value,
                                        Error **errp)
{
    static const unsigned int bits[] = {
        [OBJECT_FIELD_UINT8] = 8,
        [OBJECT_FIELD_UINT16] = 16,
        [OBJECT_FIELD_UINT32] = 32,
        [OBJECT_FIELD_UINT64] = 64,
    };
    uint64_t v = (uint64_t)json_integer_value(value);
    unsigned int nbits = bits[fp->kind];

    if (!json_is_integer(value) || (nbits < 64 && v >> nbits)) {
        /* QEMU's visitor names the C type, except for 64-bit sizes. */
        error_setg(errp, "Parameter '%s' expects uint%u%s", name, nbits,
                   nbits < 64 ? "_t" : "");
        return false;
    }
    if (fp->kind == OBJECT_FIELD_UINT8) {
        *(uint8_t *)fp->field = v;
    } else if (fp->kind == OBJECT_FIELD_UINT16) {
        *(uint16_t *)fp->field = v;
    } else if (fp->kind == OBJECT_FIELD_UINT32) {
        *(uint32_t *)fp->field = v;
    } else {
        *(uint64_t *)fp->field = v;
    }
    return true;
}

static bool object_props_field_set(Object *obj, const char *name,
                                   json_t *value, void *opaque, Error **errp)
{
    ObjectFieldProp *fp = opaque;

    if (fp->check && !fp->check(obj, name, errp)) {
        return false;
    }
    switch (fp->kind) {
    case OBJECT_FIELD_BOOL:
        if (!json_is_boolean(value)) {
            object_props_type_error(errp, name, "boolean");
            return false;
        }
        *(bool *)fp->field = json_is_true(value);
        return true;
    case OBJECT_FIELD_STR:
        if (!json_is_string(value)) {
            object_props_type_error(errp, name, "string");
            return false;
        }
        g_free(*(char **)fp->field);
        *(char **)fp->field = g_strdup(json_string_value(value));
        return true;
    default:
        return object_props_field_set_uint(fp, name, value, errp);
    }
}

static void object_props_add_field(Object *obj, const char *name,
                                   const char *type, void *field,
                                   ObjectFieldKind kind,
                                   ObjectFieldCheck *check)
{
    ObjectFieldProp *fp = g_new0(ObjectFieldProp, 1);

    fp->field = field;
    fp->kind = kind;
    fp->check = check;
    object_property_add(obj, name, type, object_props_field_get,
                        object_props_field_set, object_props_free_opaque, fp);
}

void object_property_add_bool_field(Object *obj, const char *name,
                                    bool *field, ObjectFieldCheck *check)
{
    object_props_add_field(obj, name, "bool", field, OBJECT_FIELD_BOOL,
                           check);
}

void object_property_add_uint_field(Object *obj, const char *name,
                                    const char *type, void *field,
                                    ObjectFieldCheck *check)
{
    ObjectFieldKind kind = !strcmp(type, "uint8") ? OBJECT_FIELD_UINT8
                           : !strcmp(type, "uint16") ? OBJECT_FIELD_UINT16
                           : !strcmp(type, "uint32") ? OBJECT_FIELD_UINT32
                           : OBJECT_FIELD_UINT64;

    object_props_add_field(obj, name, type, field, kind, check);
}

void object_property_add_str_field(Object *obj, const char *name,
                                   char **field, ObjectFieldCheck *check)
{
    object_props_add_field(obj, name, "str", field, OBJECT_FIELD_STR, check);
}
