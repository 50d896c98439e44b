/*
 * The object model: types with single inheritance and interfaces, a tree of
 * named objects (/machine, /objects, ...), and typed properties read and
 * written as JSON values.  The command line (-object, -device), QMP
 * (qom-get, qom-set, object-add) and migration all reach object state
 * through properties: one path, not three.
 *
 * Main loop only.  Property values are jansson json_t; a getter returns a new
 * reference, a setter borrows the value.
 */
#ifndef QOM_OBJECT_H
#define QOM_OBJECT_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <jansson.h>

static inline void object_json_decref(json_t *json)
{
    json_decref(json);
}
/* g_autoptr(json_t) drops the reference at scope exit. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_t, object_json_decref)

typedef struct Object Object;
typedef struct ObjectClass ObjectClass;
typedef struct ObjectProperty ObjectProperty;
typedef struct TypeImpl TypeImpl;

#define TYPE_OBJECT "object"
#define TYPE_INTERFACE "interface"

/* Fields private to qom/object.c; embed as the first member of a class. */
struct ObjectClass {
    TypeImpl *type;
    GHashTable *interfaces;     /* type name -> InterfaceClass * */
};

/* Fields private to qom/object.c; embed as the first member of an object. */
struct Object {
    ObjectClass *klass;
    GHashTable *properties;     /* name -> ObjectProperty *, owned */
    GPtrArray *property_order;  /* ObjectProperty *, in order added */
    Object *parent;             /* NULL unless a child<> of another object */
    char *name_in_parent;       /* child property name in parent */
    unsigned int ref;
    bool embedded;              /* initialized in place: not g_free'd */
};

/* Every interface class starts with this. */
typedef struct InterfaceClass {
    ObjectClass parent_class;
    ObjectClass *concrete_class;    /* the class that implements it */
} InterfaceClass;

typedef struct InterfaceInfo {
    const char *type;
} InterfaceInfo;

typedef struct TypeInfo {
    const char *name;
    const char *parent;             /* TYPE_OBJECT when NULL */
    size_t instance_size;           /* inherited from parent when 0 */
    size_t class_size;              /* inherited from parent when 0 */
    void (*instance_init)(Object *obj);     /* parent's runs first */
    void (*instance_post_init)(Object *obj);/* after all instance_init */
    void (*instance_finalize)(Object *obj); /* child's runs first */
    bool abstract;
    /* After the parent's class_init; klass is a copy of the parent class. */
    void (*class_init)(ObjectClass *klass, void *data);
    void *class_data;
    const InterfaceInfo *interfaces;        /* terminated by { NULL } */
} TypeInfo;

/* Register a type; call from a constructor (type_init) before main(). */
void type_register_static(const TypeInfo *info);
#define type_init(fn) \
    static void __attribute__((constructor)) fn##_ctor(void) { fn(); }

/* Look-ups; NULL when the type does not exist. */
ObjectClass *object_class_by_name(const char *typename);
const char *object_class_get_name(ObjectClass *klass);
const char *object_class_get_parent_name(ObjectClass *klass); /* or NULL */
bool object_class_is_abstract(ObjectClass *klass);
/*
 * klass itself when it is (or derives from) typename; the InterfaceClass
 * when it implements interface typename; else NULL.
 */
ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename);
/* Non-abstract classes deriving from (or implementing) implements_type,
 * sorted by name; free with g_slist_free. NULL implements_type: all. */
GSList *object_class_get_list_sorted(const char *implements_type,
                                     bool include_abstract);

ObjectClass *object_get_class(Object *obj);
const char *object_get_typename(Object *obj);
/* obj when it is (or implements) typename, else NULL. */
Object *object_dynamic_cast(Object *obj, const char *typename);
/* Like the above but asserts success: for casts that cannot fail. */
Object *object_dynamic_cast_assert(Object *obj, const char *typename);
ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename);

#define OBJECT(obj) ((Object *)(obj))
#define OBJECT_CLASS(klass) ((ObjectClass *)(klass))
#define OBJECT_CHECK(type, obj, name) \
    ((type *)object_dynamic_cast_assert(OBJECT(obj), (name)))
#define OBJECT_CLASS_CHECK(class_type, klass, name) \
    ((class_type *)object_class_dynamic_cast_assert(OBJECT_CLASS(klass), \
                                                    (name)))
#define OBJECT_GET_CLASS(class_type, obj, name) \
    OBJECT_CLASS_CHECK(class_type, object_get_class(OBJECT(obj)), name)

/*
 * Create an object of a concrete type (asserts the type exists and is not
 * abstract; use object_new_checked for user-given names).  The new object
 * has one reference, owned by the caller.
 */
Object *object_new(const char *typename);
Object *object_new_checked(const char *typename, Error **errp);
/*
 * Initialize an object embedded in a larger struct (size bytes at data),
 * then add it as child name of parent (which holds the only reference;
 * the memory is not freed at finalize).
 */
void object_initialize_child(Object *parent, const char *name, void *data,
                             size_t size, const char *typename);
void object_ref(Object *obj);
/* Drop a reference; at zero the object is finalized and freed. */
void object_unref(Object *obj);

/* ---- properties ---- */

typedef json_t *ObjectPropertyAccessor(Object *obj, const char *name,
                                       void *opaque, Error **errp);
typedef bool ObjectPropertySetter(Object *obj, const char *name,
                                  json_t *value, void *opaque,
                                  Error **errp);
typedef void ObjectPropertyRelease(Object *obj, const char *name,
                                   void *opaque);

/* Fields private to qom/object.c except for reading. */
struct ObjectProperty {
    char *name;
    char *type;             /* "bool", "uint64", "size", "str", "child<T>", "link<T>", enum names */
    char *description;
    ObjectPropertyAccessor *get;    /* NULL: write-only */
    ObjectPropertySetter *set;      /* NULL: read-only */
    ObjectPropertyRelease *release;
    void *opaque;
    Object *child;          /* child<> properties: the child */
    Object **link;          /* link<> properties: where the target is stored */
};

/* Fails (errp) when obj already has a property of that name. */
ObjectProperty *object_property_try_add(Object *obj, const char *name,
                                        const char *type,
                                        ObjectPropertyAccessor *get,
                                        ObjectPropertySetter *set,
                                        ObjectPropertyRelease *release,
                                        void *opaque, Error **errp);
/* Same, asserting that the name is free (for code-defined properties). */
ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type,
                                    ObjectPropertyAccessor *get,
                                    ObjectPropertySetter *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque);
void object_property_del(Object *obj, const char *name);
ObjectProperty *object_property_find(Object *obj, const char *name);
/* Like find; errp "Property 'T.name' not found" when missing. */
ObjectProperty *object_property_find_err(Object *obj, const char *name,
                                         Error **errp);
void object_property_set_description(Object *obj, const char *name,
                                     const char *description);
/* Properties in the order they were added. */
typedef struct ObjectPropertyIterator {
    Object *obj;
    guint idx;
} ObjectPropertyIterator;
void object_property_iter_init(ObjectPropertyIterator *iter, Object *obj);
ObjectProperty *object_property_iter_next(ObjectPropertyIterator *iter);

/* Generic access.  Messages are QEMU's ("Property 'x.y' not found",
 * "Insufficient permission to perform this operation", ...). */
json_t *object_property_get(Object *obj, const char *name, Error **errp);
bool object_property_set(Object *obj, const char *name, json_t *value,
                         Error **errp);
/*
 * Set from a command-line string, converting by property type: bool
 * (on/off/yes/no/true/false), integers (decimal or 0x), size (suffixes
 * K/M/G/T/P/E), everything else a JSON string.
 */
bool object_property_parse(Object *obj, const char *name, const char *str,
                           Error **errp);
/* Render a value for HMP/help output: sizes and integers as numbers,
 * strings bare.  Returns a g_malloc'ed string. */
char *object_property_print(Object *obj, const char *name, Error **errp);

bool object_property_set_bool(Object *obj, const char *name, bool value,
                              Error **errp);
bool object_property_get_bool(Object *obj, const char *name, Error **errp);
bool object_property_set_uint(Object *obj, const char *name,
                              uint64_t value, Error **errp);
uint64_t object_property_get_uint(Object *obj, const char *name,
                                  Error **errp);
bool object_property_set_int(Object *obj, const char *name,
                             int64_t value, Error **errp);
int64_t object_property_get_int(Object *obj, const char *name, Error **errp);
bool object_property_set_str(Object *obj, const char *name,
                             const char *value, Error **errp);
/* g_malloc'ed, or NULL on error. */
char *object_property_get_str(Object *obj, const char *name, Error **errp);
/* Set a link<> property to the object at path (or NULL to clear). */
bool object_property_set_link(Object *obj, const char *name, Object *value,
                              Error **errp);
Object *object_property_get_link(Object *obj, const char *name,
                                 Error **errp);

/*
 * Typed property helpers.  The getter/setter callbacks take native values;
 * type checking of JSON values is done here, with QEMU's messages
 * ("Invalid parameter type for 'NAME', expected: integer").
 */
typedef bool ObjectBoolGet(Object *obj, Error **errp);
typedef bool ObjectBoolSet(Object *obj, bool value, Error **errp);
void object_property_add_bool(Object *obj, const char *name,
                              ObjectBoolGet *get, ObjectBoolSet *set);

typedef char *ObjectStrGet(Object *obj, Error **errp);     /* g_malloc'ed */
typedef bool ObjectStrSet(Object *obj, const char *value, Error **errp);
void object_property_add_str(Object *obj, const char *name,
                             ObjectStrGet *get, ObjectStrSet *set);

/* type is "uint8", "uint16", "uint32", "uint64" or "size"; the setter is
 * only called with values in range of the type. */
typedef uint64_t ObjectUintGet(Object *obj, Error **errp);
typedef bool ObjectUintSet(Object *obj, uint64_t value, Error **errp);
void object_property_add_uint(Object *obj, const char *name,
                              const char *type, ObjectUintGet *get,
                              ObjectUintSet *set);

/*
 * Properties backed by a field of obj.  check (may be NULL) is asked
 * before every write and may refuse (e.g. "fixed after realize").  Types:
 * bool; "uint8" / "uint16" / "uint32" with a uint8_t / uint16_t / uint32_t field; "uint64" or
 * "size" with uint64_t; "str" with a g_malloc'ed char * (NULL reads "";
 * the owner frees it).
 */
typedef bool ObjectFieldCheck(Object *obj, const char *name, Error **errp);
void object_property_add_bool_field(Object *obj, const char *name,
                                    bool *field, ObjectFieldCheck *check);
void object_property_add_uint_field(Object *obj, const char *name,
                                    const char *type, void *field,
                                    ObjectFieldCheck *check);
void object_property_add_str_field(Object *obj, const char *name,
                                   char **field, ObjectFieldCheck *check);

/* Read-only properties backed by a field. */
void object_property_add_uint64_ptr(Object *obj, const char *name,
                                    const uint64_t *v);
void object_property_add_uint32_ptr(Object *obj, const char *name,
                                    const uint32_t *v);

/*
 * An enum property: value is one of the NULL-terminated names; get/set use
 * the index.  type is the enum's QAPI name (e.g. "OnOffAuto").
 */
typedef int ObjectEnumGet(Object *obj, Error **errp);
typedef bool ObjectEnumSet(Object *obj, int value, Error **errp);
void object_property_add_enum(Object *obj, const char *name,
                              const char *type, const char *const *names,
                              ObjectEnumGet *get, ObjectEnumSet *set);

/*
 * child<TYPE> property: parent takes a reference to child and becomes its
 * parent in the tree.  Fails when the name is taken.
 */
bool object_property_try_add_child(Object *obj, const char *name,
                                   Object *child, Error **errp);
void object_property_add_child(Object *obj, const char *name, Object *child);
/* Remove obj from its parent (drops the parent's reference). */
void object_unparent(Object *obj);

/*
 * link<TYPE> property stored at *targetp.  check (may be NULL) can refuse a
 * new value.  The property holds a reference to its target.
 */
typedef bool ObjectLinkCheck(Object *obj, const char *name, Object *target,
                             Error **errp);
void object_property_add_link(Object *obj, const char *name,
                              const char *type, Object **targetp,
                              ObjectLinkCheck *check);

/*
 * An alias: name on obj reads and writes target_name on target (same
 * type string).  Used by transports to expose their device's properties.
 */
void object_property_add_alias(Object *obj, const char *name,
                               Object *target, const char *target_name);

/* ---- the tree ---- */

Object *object_get_root(void);
/* The container at /objects, /machine/peripheral, ... created on demand. */
Object *container_get(Object *root, const char *path);
Object *object_get_objects_root(void);      /* /objects */
Object *object_get_parent(Object *obj);
const char *object_get_canonical_path_component(const Object *obj);
/* "/machine/peripheral/vmem0"; g_malloc'ed; NULL when not in the tree. */
char *object_get_canonical_path(const Object *obj);
/*
 * Absolute path ("/objects/mem0"), or a partial path ("vmem0",
 * "peripheral/vmem0") that matches exactly one object, as QEMU resolves
 * them.  *ambiguous is set when a partial path matches several objects.
 * typename may be NULL.
 */
Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguous);
Object *object_resolve_path(const char *path, bool *ambiguous);
/* The child called name of parent, or NULL. */
Object *object_resolve_path_component(Object *parent, const char *name);
/* Call fn for each child<> of obj, in the order added; stops on non-zero. */
int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque);
/* Same, depth first over the whole subtree below obj. */
int object_child_foreach_recursive(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque);

/* ---- user-creatable objects (-object, object-add) ---- */

#define TYPE_USER_CREATABLE "user-creatable"

typedef struct UserCreatableClass {
    InterfaceClass parent_class;
    /* Called once all properties are set; may fail. */
    bool (*complete)(Object *obj, Error **errp);
    /* May the object be deleted now? (e.g. a backend in use: no) */
    bool (*can_be_deleted)(Object *obj);
} UserCreatableClass;

#define USER_CREATABLE_GET_CLASS(obj) \
    OBJECT_GET_CLASS(UserCreatableClass, obj, TYPE_USER_CREATABLE)

/*
 * Create a user-creatable object of typename with id, set props (a JSON
 * object whose values may be JSON values, or strings parsed like the
 * command line when from_cli), complete it and add it to /objects/<id>.
 * Messages as QEMU's: "Parameter 'id' is missing", "attempt to add
 * duplicate property 'x' to object (type 'container')", "Invalid parameter
 * 'foo'", "invalid object type: T".  On failure nothing is left behind.
 */
Object *user_creatable_add(const char *typename, const char *id,
                           json_t *props, bool from_cli, Error **errp);
/* object-del: refuses ("object 'x' is in use, can not be deleted"). */
bool user_creatable_del(const char *id, Error **errp);
/* Set many properties from a JSON object; stops at the first failure. */
bool object_set_props_json(Object *obj, json_t *props, bool from_cli,
                           Error **errp);

/* Is id a valid QEMU identifier (letter first, then [A-Za-z0-9-_.])? */
bool id_wellformed(const char *id);

#endif /* QOM_OBJECT_H */
