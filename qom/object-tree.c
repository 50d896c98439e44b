/*
 * The object tree and user-creatable objects.  The root holds /machine,
 * /objects and the containers QEMU has; paths are absolute
 * ("/objects/mem0") or partial ("vmem0"), resolved the way QEMU does.
 * -object and object-add create objects through user_creatable_add().
 */
#include "qemu/osdep.h"
#include "qom/object.h"

#define TYPE_CONTAINER "container"

static const TypeInfo object_type_info = {
    .name = TYPE_OBJECT,
    .instance_size = sizeof(Object),
    .class_size = sizeof(ObjectClass),
    .abstract = true,
};

static const TypeInfo object_interface_info = {
    .name = TYPE_INTERFACE,
    .class_size = sizeof(InterfaceClass),
    .abstract = true,
};

static const TypeInfo object_container_info = {
    .name = TYPE_CONTAINER,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(Object),
};

static const TypeInfo object_user_creatable_info = {
    .name = TYPE_USER_CREATABLE,
    .parent = TYPE_INTERFACE,
    .class_size = sizeof(UserCreatableClass),
};

static void object_tree_register_types(void)
{
    type_register_static(&object_type_info);
    type_register_static(&object_interface_info);
    type_register_static(&object_container_info);
    type_register_static(&object_user_creatable_info);
}
type_init(object_tree_register_types)

Object *object_get_root(void)
{
    static Object *root;

    if (!root) {
        root = object_new(TYPE_CONTAINER);
    }
    return root;
}

Object *container_get(Object *root, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", 0);
    Object *obj = root;
    int i;

    for (i = 0; parts[i]; i++) {
        Object *child;

        if (!*parts[i]) {
            continue;
        }
        child = object_resolve_path_component(obj, parts[i]);
        if (!child) {
            child = object_new(TYPE_CONTAINER);
            object_property_add_child(obj, parts[i], child);
            object_unref(child);
        }
        obj = child;
    }
    return obj;
}

Object *object_get_objects_root(void)
{
    return container_get(object_get_root(), "/objects");
}

Object *object_get_parent(Object *obj)
{
    return obj->parent;
}

const char *object_get_canonical_path_component(const Object *obj)
{
    return obj->name_in_parent;
}

char *object_get_canonical_path(const Object *obj)
{
    Object *root = object_get_root();
    GString *path = g_string_new("");

    if (obj == root) {
        g_string_free(path, true);
        return g_strdup("/");
    }
    for (; obj != root; obj = obj->parent) {
        if (!obj->parent) {
            g_string_free(path, true);
            return NULL;
        }
        g_string_prepend(path, obj->name_in_parent);
        g_string_prepend_c(path, '/');
    }
    return g_string_free(path, false);
}

Object *object_resolve_path_component(Object *parent, const char *name)
{
    ObjectProperty *prop = object_property_find(parent, name);

    if (!prop) {
        return NULL;
    }
    if (prop->child) {
        return prop->child;
    }
    if (prop->link) {
        return *prop->link;
    }
    return NULL;
}

static Object *object_resolve_abs_path(Object *parent, char **parts)
{
    Object *obj = parent;

    for (; *parts; parts++) {
        if (!**parts) {
            continue;
        }
        obj = object_resolve_path_component(obj, *parts);
        if (!obj) {
            return NULL;
        }
    }
    return obj;
}

typedef struct ObjectPartialMatch {
    char **parts;
    const char *typename;
    Object *found;
    bool ambiguous;
} ObjectPartialMatch;

static int object_resolve_partial_visit(Object *obj, void *opaque)
{
    ObjectPartialMatch *m = opaque;
    Object *hit = object_resolve_abs_path(obj, m->parts);

    /* A partial path is a suffix: its first component is a child of obj. */
    if (hit && m->typename && !object_dynamic_cast(hit, m->typename)) {
        hit = NULL;
    }
    if (hit && hit != m->found) {
        if (m->found) {
            m->ambiguous = true;
            return 1;
        }
        m->found = hit;
    }
    return 0;
}

Object *object_resolve_path_type(const char *path, const char *typename,
                                 bool *ambiguous)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", 0);
    ObjectPartialMatch m = { .parts = parts, .typename = typename };
    Object *obj;

    if (ambiguous) {
        *ambiguous = false;
    }
    if (!parts[0]) {
        return NULL;
    }
    if (path[0] == '/') {
        obj = object_resolve_abs_path(object_get_root(), parts);
        if (obj && typename && !object_dynamic_cast(obj, typename)) {
            return NULL;
        }
        return obj;
    }
    object_resolve_partial_visit(object_get_root(), &m);
    if (!m.ambiguous) {
        object_child_foreach_recursive(object_get_root(),
                                       object_resolve_partial_visit, &m);
    }
    if (m.ambiguous) {
        if (ambiguous) {
            *ambiguous = true;
        }
        return NULL;
    }
    return m.found;
}

Object *object_resolve_path(const char *path, bool *ambiguous)
{
    return object_resolve_path_type(path, NULL, ambiguous);
}

int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque),
                         void *opaque)
{
    guint i;

    for (i = 0; i < obj->property_order->len; i++) {
        ObjectProperty *prop = g_ptr_array_index(obj->property_order, i);
        int ret;

        if (!prop->child) {
            continue;
        }
        ret = fn(prop->child, opaque);
        if (ret) {
            return ret;
        }
    }
    return 0;
}

typedef struct ObjectRecursion {
    int (*fn)(Object *child, void *opaque);
    void *opaque;
} ObjectRecursion;

static int object_child_foreach_recursive_one(Object *child, void *opaque)
{
    ObjectRecursion *r = opaque;
    int ret = r->fn(child, r->opaque);

    if (ret) {
        return ret;
    }
    return object_child_foreach(child, object_child_foreach_recursive_one,
                                opaque);
}

int object_child_foreach_recursive(Object *obj,
                                   int (*fn)(Object *child, void *opaque),
                                   void *opaque)
{
    ObjectRecursion r = { .fn = fn, .opaque = opaque };

    return object_child_foreach(obj, object_child_foreach_recursive_one, &r);
}

/* ---- user-creatable objects ---- */

bool id_wellformed(const char *id)
{
    const char *p;

    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

bool object_set_props_json(Object *obj, json_t *props, bool from_cli,
                           Error **errp)
{
    const char *key;
    json_t *value;

    if (!props) {
        return true;
    }
    json_object_foreach(props, key, value) {
        bool ok;

        if (from_cli && json_is_string(value)) {
            ok = object_property_parse(obj, key, json_string_value(value),
                                       errp);
        } else {
            ok = object_property_set(obj, key, value, errp);
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}

static Object *user_creatable_new(const char *typename, Error **errp)
{
    ObjectClass *klass = object_class_by_name(typename);

    if (!klass || !object_class_dynamic_cast(klass, TYPE_USER_CREATABLE)) {
        error_setg(errp, "invalid object type: %s", typename);
        return NULL;
    }
    if (object_class_is_abstract(klass)) {
        error_setg(errp, "object type '%s' is abstract", typename);
        return NULL;
    }
    return object_new(typename);
}

Object *user_creatable_add(const char *typename, const char *id,
                           json_t *props, bool from_cli, Error **errp)
{
    UserCreatableClass *ucc;
    Object *obj;

    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return NULL;
    }
    if (!id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        error_append_hint(errp, "Identifiers consist of letters, digits, "
                          "'-', '.', '_', starting with a letter.\n");
        return NULL;
    }
    obj = user_creatable_new(typename, errp);
    if (!obj) {
        return NULL;
    }
    if (!object_set_props_json(obj, props, from_cli, errp)) {
        goto out_unref;
    }
    if (!object_property_try_add_child(object_get_objects_root(), id, obj,
                                       errp)) {
        goto out_unref;
    }
    ucc = USER_CREATABLE_GET_CLASS(obj);
    if (ucc->complete && !ucc->complete(obj, errp)) {
        object_unparent(obj);
        goto out_unref;
    }
    object_unref(obj);
    return obj;

out_unref:
    object_unref(obj);
    return NULL;
}

bool user_creatable_del(const char *id, Error **errp)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(),
                                                id);
    UserCreatableClass *ucc;

    if (!obj) {
        error_setg(errp, "object '%s' not found", id);
        return false;
    }
    ucc = USER_CREATABLE_GET_CLASS(obj);
    if (ucc->can_be_deleted && !ucc->can_be_deleted(obj)) {
        error_setg(errp, "object '%s' is in use, can not be deleted", id);
        return false;
    }
    object_unparent(obj);
    return true;
}
