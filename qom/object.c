/*
 * Types, objects and properties.  Types are registered from constructors and
 * initialized lazily (class allocated, parent class copied, interfaces set
 * up, class_init run).  Objects hold their properties in insertion order;
 * child<> properties form the tree that paths resolve in.  Typed property
 * helpers (bool, uint, str, enum, link) live in qom/object-props.c; the
 * tree and user-creatable objects in qom/object-tree.c.
 */
#include "qemu/osdep.h"
#include "qom/object.h"
#include "qom/object-internal.h"

struct TypeImpl {
    char *name;
    char *parent_name;
    TypeImpl *parent;
    size_t instance_size;
    size_t class_size;
    void (*instance_init)(Object *obj);
    void (*instance_post_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
    bool abstract;
    void (*class_init)(ObjectClass *klass, void *data);
    void *class_data;
    GPtrArray *interface_names;     /* char * */
    ObjectClass *klass;             /* NULL until initialized */
};

static GHashTable *object_type_table(void)
{
    static GHashTable *table;

    if (!table) {
        table = g_hash_table_new(g_str_hash, g_str_equal);
    }
    return table;
}

void type_register_static(const TypeInfo *info)
{
    TypeImpl *ti = g_new0(TypeImpl, 1);
    const InterfaceInfo *iface;

    assert(info->name);
    assert(!g_hash_table_lookup(object_type_table(), info->name));
    ti->name = g_strdup(info->name);
    ti->parent_name = g_strdup(info->parent);
    ti->instance_size = info->instance_size;
    ti->class_size = info->class_size;
    ti->instance_init = info->instance_init;
    ti->instance_post_init = info->instance_post_init;
    ti->instance_finalize = info->instance_finalize;
    ti->abstract = info->abstract;
    ti->class_init = info->class_init;
    ti->class_data = info->class_data;
    ti->interface_names = g_ptr_array_new();
    for (iface = info->interfaces; iface && iface->type; iface++) {
        g_ptr_array_add(ti->interface_names, (gpointer)iface->type);
    }
    g_hash_table_insert(object_type_table(), ti->name, ti);
}

static TypeImpl *object_type_lookup(const char *name)
{
    return name ? g_hash_table_lookup(object_type_table(), name) : NULL;
}

static void object_type_initialize(TypeImpl *ti);

static bool object_type_is_ancestor(TypeImpl *ti, TypeImpl *ancestor)
{
    for (; ti; ti = ti->parent) {
        if (ti == ancestor) {
            return true;
        }
    }
    return false;
}

/* A fresh interface class of iface for klass, copied from template. */
static InterfaceClass *object_type_new_interface(TypeImpl *iface,
                                                 ObjectClass *klass,
                                                 InterfaceClass *template)
{
    InterfaceClass *ic;

    object_type_initialize(iface);
    ic = g_malloc0(iface->class_size);
    memcpy(ic, template ? (void *)template : (void *)iface->klass,
           iface->class_size);
    ic->parent_class.type = iface;
    ic->parent_class.interfaces = NULL;
    ic->concrete_class = klass;
    return ic;
}

static void object_type_init_interfaces(TypeImpl *ti, ObjectClass *klass)
{
    GHashTableIter iter;
    gpointer key, value;
    guint i;

    klass->interfaces = g_hash_table_new(g_str_hash, g_str_equal);
    if (ti->parent && ti->parent->klass->interfaces) {
        g_hash_table_iter_init(&iter, ti->parent->klass->interfaces);
        while (g_hash_table_iter_next(&iter, &key, &value)) {
            InterfaceClass *parent_ic = value;

            g_hash_table_insert(klass->interfaces, key,
                                object_type_new_interface(
                                    parent_ic->parent_class.type, klass,
                                    parent_ic));
        }
    }
    for (i = 0; i < ti->interface_names->len; i++) {
        const char *name = g_ptr_array_index(ti->interface_names, i);
        TypeImpl *iface = object_type_lookup(name);

        if (!iface) {
            fprintf(stderr, "type '%s' implements unknown interface '%s'\n",
                    ti->name, name);
            abort();
        }
        if (!g_hash_table_lookup(klass->interfaces, iface->name)) {
            g_hash_table_insert(klass->interfaces, iface->name,
                                object_type_new_interface(iface, klass,
                                                          NULL));
        }
    }
}

static void object_type_initialize(TypeImpl *ti)
{
    ObjectClass *klass;

    if (ti->klass) {
        return;
    }
    if (strcmp(ti->name, TYPE_OBJECT) != 0 &&
        strcmp(ti->name, TYPE_INTERFACE) != 0) {
        ti->parent = object_type_lookup(ti->parent_name ? ti->parent_name
                                                        : TYPE_OBJECT);
        if (!ti->parent) {
            fprintf(stderr, "type '%s' has unknown parent '%s'\n", ti->name,
                    ti->parent_name);
            abort();
        }
        object_type_initialize(ti->parent);
        if (!ti->instance_size) {
            ti->instance_size = ti->parent->instance_size;
        }
        if (!ti->class_size) {
            ti->class_size = ti->parent->class_size;
        }
        assert(ti->class_size >= ti->parent->class_size);
        assert(ti->instance_size >= ti->parent->instance_size);
    }
    klass = g_malloc0(ti->class_size);
    if (ti->parent) {
        memcpy(klass, ti->parent->klass, ti->parent->class_size);
    }
    klass->type = ti;
    ti->klass = klass;
    object_type_init_interfaces(ti, klass);
    if (ti->class_init) {
        ti->class_init(klass, ti->class_data);
    }
}

ObjectClass *object_class_by_name(const char *typename)
{
    TypeImpl *ti = object_type_lookup(typename);

    if (!ti) {
        return NULL;
    }
    object_type_initialize(ti);
    return ti->klass;
}

const char *object_class_get_name(ObjectClass *klass)
{
    return klass->type->name;
}

const char *object_class_get_parent_name(ObjectClass *klass)
{
    return klass->type->parent ? klass->type->parent->name : NULL;
}

bool object_class_is_abstract(ObjectClass *klass)
{
    return klass->type->abstract;
}

ObjectClass *object_class_dynamic_cast(ObjectClass *klass,
                                       const char *typename)
{
    TypeImpl *target = object_type_lookup(typename);
    GHashTableIter iter;
    gpointer key, value;

    if (!klass || !target) {
        return NULL;
    }
    if (object_type_is_ancestor(klass->type, target)) {
        return klass;
    }
    if (!klass->interfaces) {
        return NULL;
    }
    value = g_hash_table_lookup(klass->interfaces, typename);
    if (value) {
        return value;
    }
    g_hash_table_iter_init(&iter, klass->interfaces);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        InterfaceClass *ic = value;

        if (object_type_is_ancestor(ic->parent_class.type, target)) {
            return value;
        }
    }
    return NULL;
}

ObjectClass *object_class_dynamic_cast_assert(ObjectClass *klass,
                                              const char *typename)
{
    ObjectClass *ret = object_class_dynamic_cast(klass, typename);

    if (!ret) {
        fprintf(stderr, "class '%s' is not an instance of '%s'\n",
                klass ? klass->type->name : "(null)", typename);
        abort();
    }
    return ret;
}

static gint object_class_compare_name(gconstpointer a, gconstpointer b)
{
    return strcmp(object_class_get_name((ObjectClass *)a),
                  object_class_get_name((ObjectClass *)b));
}

GSList *object_class_get_list_sorted(const char *implements_type,
                                     bool include_abstract)
{
    GHashTableIter iter;
    gpointer value;
    GSList *list = NULL;

    g_hash_table_iter_init(&iter, object_type_table());
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        TypeImpl *ti = value;

        object_type_initialize(ti);
        if (ti->abstract && !include_abstract) {
            continue;
        }
        if (implements_type &&
            !object_class_dynamic_cast(ti->klass, implements_type)) {
            continue;
        }
        list = g_slist_prepend(list, ti->klass);
    }
    return g_slist_sort(list, object_class_compare_name);
}

ObjectClass *object_get_class(Object *obj)
{
    return obj->klass;
}

const char *object_get_typename(Object *obj)
{
    return obj->klass->type->name;
}

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    if (obj && object_class_dynamic_cast(obj->klass, typename)) {
        return obj;
    }
    return NULL;
}

Object *object_dynamic_cast_assert(Object *obj, const char *typename)
{
    if (!object_dynamic_cast(obj, typename)) {
        fprintf(stderr, "object '%s' is not an instance of '%s'\n",
                obj ? object_get_typename(obj) : "(null)", typename);
        abort();
    }
    return obj;
}

static void object_init_with_type(Object *obj, TypeImpl *ti)
{
    if (ti->parent) {
        object_init_with_type(obj, ti->parent);
    }
    if (ti->instance_init) {
        ti->instance_init(obj);
    }
}

static void object_post_init_with_type(Object *obj, TypeImpl *ti)
{
    if (ti->parent) {
        object_post_init_with_type(obj, ti->parent);
    }
    if (ti->instance_post_init) {
        ti->instance_post_init(obj);
    }
}

static void object_initialize_with_type(void *data, size_t size,
                                        TypeImpl *ti)
{
    Object *obj = data;

    object_type_initialize(ti);
    assert(!ti->abstract);
    assert(size >= ti->instance_size);
    memset(obj, 0, size);
    obj->klass = ti->klass;
    obj->ref = 1;
    obj->properties = g_hash_table_new(g_str_hash, g_str_equal);
    obj->property_order = g_ptr_array_new();
    object_init_with_type(obj, ti);
    object_post_init_with_type(obj, ti);
}

Object *object_new(const char *typename)
{
    TypeImpl *ti = object_type_lookup(typename);
    Object *obj;

    if (!ti) {
        fprintf(stderr, "unknown type '%s'\n", typename);
        abort();
    }
    object_type_initialize(ti);
    obj = g_malloc(ti->instance_size);
    object_initialize_with_type(obj, ti->instance_size, ti);
    return obj;
}

Object *object_new_checked(const char *typename, Error **errp)
{
    TypeImpl *ti = object_type_lookup(typename);

    if (!ti) {
        error_setg(errp, "invalid object type: %s", typename);
        return NULL;
    }
    object_type_initialize(ti);
    if (ti->abstract) {
        error_setg(errp, "object type '%s' is abstract", typename);
        return NULL;
    }
    return object_new(typename);
}

void object_initialize_child(Object *parent, const char *name, void *data,
                             size_t size, const char *typename)
{
    TypeImpl *ti = object_type_lookup(typename);
    Object *obj = data;

    assert(ti);
    object_initialize_with_type(data, size, ti);
    obj->embedded = true;
    object_property_add_child(parent, name, obj);
    object_unref(obj);
}

void object_ref(Object *obj)
{
    if (obj) {
        obj->ref++;
    }
}

static void object_finalize_with_type(Object *obj, TypeImpl *ti)
{
    for (; ti; ti = ti->parent) {
        if (ti->instance_finalize) {
            ti->instance_finalize(obj);
        }
    }
}

static void object_finalize(Object *obj)
{
    object_property_del_all(obj);
    object_finalize_with_type(obj, obj->klass->type);
    g_hash_table_destroy(obj->properties);
    g_ptr_array_free(obj->property_order, true);
    if (!obj->embedded) {
        g_free(obj);
    }
}

void object_unref(Object *obj)
{
    if (!obj) {
        return;
    }
    assert(obj->ref > 0);
    if (--obj->ref == 0) {
        object_finalize(obj);
    }
}

/* ---- generic properties ---- */

ObjectProperty *object_property_try_add(Object *obj, const char *name,
                                        const char *type,
                                        ObjectPropertyAccessor *get,
                                        ObjectPropertySetter *set,
                                        ObjectPropertyRelease *release,
                                        void *opaque, Error **errp)
{
    ObjectProperty *prop;

    if (g_hash_table_lookup(obj->properties, name)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type '%s')", name, object_get_typename(obj));
        return NULL;
    }
    prop = g_new0(ObjectProperty, 1);
    prop->name = g_strdup(name);
    prop->type = g_strdup(type);
    prop->get = get;
    prop->set = set;
    prop->release = release;
    prop->opaque = opaque;
    g_hash_table_insert(obj->properties, prop->name, prop);
    g_ptr_array_add(obj->property_order, prop);
    return prop;
}

ObjectProperty *object_property_add(Object *obj, const char *name,
                                    const char *type,
                                    ObjectPropertyAccessor *get,
                                    ObjectPropertySetter *set,
                                    ObjectPropertyRelease *release,
                                    void *opaque)
{
    return object_property_try_add(obj, name, type, get, set, release,
                                   opaque, &error_abort);
}

static void object_property_free(Object *obj, ObjectProperty *prop)
{
    if (prop->release) {
        prop->release(obj, prop->name, prop->opaque);
    }
    g_free(prop->name);
    g_free(prop->type);
    g_free(prop->description);
    g_free(prop);
}

void object_property_del(Object *obj, const char *name)
{
    ObjectProperty *prop = g_hash_table_lookup(obj->properties, name);

    if (!prop) {
        return;
    }
    g_hash_table_remove(obj->properties, name);
    g_ptr_array_remove(obj->property_order, prop);
    object_property_free(obj, prop);
}

/* Last added first, so children go before the state they depend on. */
void object_property_del_all(Object *obj)
{
    while (obj->property_order->len) {
        ObjectProperty *prop = g_ptr_array_index(obj->property_order,
                                                 obj->property_order->len - 1);

        g_hash_table_remove(obj->properties, prop->name);
        g_ptr_array_remove_index(obj->property_order,
                                 obj->property_order->len - 1);
        object_property_free(obj, prop);
    }
}

ObjectProperty *object_property_find(Object *obj, const char *name)
{
    return g_hash_table_lookup(obj->properties, name);
}

ObjectProperty *object_property_find_err(Object *obj, const char *name,
                                         Error **errp)
{
    ObjectProperty *prop = object_property_find(obj, name);

    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found",
                   object_get_typename(obj), name);
    }
    return prop;
}

void object_property_set_description(Object *obj, const char *name,
                                     const char *description)
{
    ObjectProperty *prop = object_property_find(obj, name);

    assert(prop);
    g_free(prop->description);
    prop->description = g_strdup(description);
}

void object_property_iter_init(ObjectPropertyIterator *iter, Object *obj)
{
    iter->obj = obj;
    iter->idx = 0;
}

ObjectProperty *object_property_iter_next(ObjectPropertyIterator *iter)
{
    if (iter->idx >= iter->obj->property_order->len) {
        return NULL;
    }
    return g_ptr_array_index(iter->obj->property_order, iter->idx++);
}

json_t *object_property_get(Object *obj, const char *name, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    if (!prop) {
        return NULL;
    }
    if (!prop->get) {
        error_setg(errp, "Insufficient permission to perform this operation");
        return NULL;
    }
    return prop->get(obj, name, prop->opaque, errp);
}

bool object_property_set(Object *obj, const char *name, json_t *value,
                         Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);

    if (!prop) {
        return false;
    }
    if (!prop->set) {
        error_setg(errp, "Insufficient permission to perform this operation");
        return false;
    }
    return prop->set(obj, name, value, prop->opaque, errp);
}
