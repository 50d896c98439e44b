/*
 * The object model (qom/): inheritance, interfaces, typed properties with
 * QEMU's messages, the tree and path resolution, user-creatable objects.
 */
#include "qemu/osdep.h"
#include "qom/object.h"

#define TYPE_TEST_BASE "test-base"
#define TYPE_TEST_DERIVED "test-derived"
#define TYPE_TEST_IFACE "test-iface"
#define TYPE_TEST_UC "test-uc"

typedef struct TestBase {
    Object parent_obj;
    uint64_t size;
    bool flag;
    char *label;
    int mode;
    bool completed;
    bool in_use;
    Object *peer;
} TestBase;

typedef struct TestBaseClass {
    ObjectClass parent_class;
    int (*answer)(void);
} TestBaseClass;

typedef struct TestIfaceClass {
    InterfaceClass parent_class;
    const char *(*hello)(Object *obj);
} TestIfaceClass;

static const char *const test_modes[] = { "off", "on", "auto", NULL };

static int test_base_answer(void)
{
    return 1;
}

static int test_derived_answer(void)
{
    return 2;
}

static uint64_t test_get_size(Object *obj, Error **errp)
{
    return ((TestBase *)obj)->size;
}

static bool test_set_size(Object *obj, uint64_t value, Error **errp)
{
    if (value % 4096) {
        error_setg(errp, "size %" PRIu64 " is not a multiple of 4096", value);
        return false;
    }
    ((TestBase *)obj)->size = value;
    return true;
}

static bool test_get_flag(Object *obj, Error **errp)
{
    return ((TestBase *)obj)->flag;
}

static bool test_set_flag(Object *obj, bool value, Error **errp)
{
    ((TestBase *)obj)->flag = value;
    return true;
}

static char *test_get_label(Object *obj, Error **errp)
{
    return g_strdup(((TestBase *)obj)->label ? ((TestBase *)obj)->label : "");
}

static bool test_set_label(Object *obj, const char *value, Error **errp)
{
    g_free(((TestBase *)obj)->label);
    ((TestBase *)obj)->label = g_strdup(value);
    return true;
}

static int test_get_mode(Object *obj, Error **errp)
{
    return ((TestBase *)obj)->mode;
}

static bool test_set_mode(Object *obj, int value, Error **errp)
{
    ((TestBase *)obj)->mode = value;
    return true;
}

static void test_base_init(Object *obj)
{
    TestBase *tb = (TestBase *)obj;

    object_property_add_uint(obj, "size", "size", test_get_size,
                             test_set_size);
    object_property_add_bool(obj, "flag", test_get_flag, test_set_flag);
    object_property_add_str(obj, "label", test_get_label, test_set_label);
    object_property_add_enum(obj, "mode", "OnOffAuto", test_modes,
                             test_get_mode, test_set_mode);
    object_property_add_uint64_ptr(obj, "size-ro", &tb->size);
    object_property_add_link(obj, "peer", TYPE_TEST_BASE, &tb->peer, NULL);
}

static void test_base_finalize(Object *obj)
{
    g_free(((TestBase *)obj)->label);
}

static void test_base_class_init(ObjectClass *oc, void *data)
{
    ((TestBaseClass *)oc)->answer = test_base_answer;
}

static void test_derived_class_init(ObjectClass *oc, void *data)
{
    TestIfaceClass *ic = OBJECT_CLASS_CHECK(TestIfaceClass, oc,
                                            TYPE_TEST_IFACE);

    ((TestBaseClass *)oc)->answer = test_derived_answer;
    ic->hello = NULL;
}

static bool test_uc_complete(Object *obj, Error **errp)
{
    TestBase *tb = (TestBase *)obj;

    if (!tb->size) {
        error_setg(errp, "can't create test-uc with size 0");
        return false;
    }
    tb->completed = true;
    return true;
}

static bool test_uc_can_be_deleted(Object *obj)
{
    return !((TestBase *)obj)->in_use;
}

static void test_uc_class_init(ObjectClass *oc, void *data)
{
    UserCreatableClass *ucc = OBJECT_CLASS_CHECK(UserCreatableClass, oc,
                                                 TYPE_USER_CREATABLE);

    ucc->complete = test_uc_complete;
    ucc->can_be_deleted = test_uc_can_be_deleted;
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_TEST_IFACE,
        .parent = TYPE_INTERFACE,
        .class_size = sizeof(TestIfaceClass),
    }, {
        .name = TYPE_TEST_BASE,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(TestBase),
        .class_size = sizeof(TestBaseClass),
        .instance_init = test_base_init,
        .instance_finalize = test_base_finalize,
        .class_init = test_base_class_init,
    }, {
        .name = TYPE_TEST_DERIVED,
        .parent = TYPE_TEST_BASE,
        .class_init = test_derived_class_init,
        .interfaces = (const InterfaceInfo[]) { { TYPE_TEST_IFACE }, { } },
    }, {
        .name = TYPE_TEST_UC,
        .parent = TYPE_TEST_BASE,
        .class_init = test_uc_class_init,
        .interfaces = (const InterfaceInfo[]) {
            { TYPE_USER_CREATABLE }, { }
        },
    },
};

static void test_qom_register(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(test_types); i++) {
        type_register_static(&test_types[i]);
    }
}

static void test_qom_inheritance(void)
{
    Object *base = object_new(TYPE_TEST_BASE);
    Object *derived = object_new(TYPE_TEST_DERIVED);

    g_assert_cmpint(((TestBaseClass *)object_get_class(base))->answer(), ==,
                    1);
    g_assert_cmpint(((TestBaseClass *)object_get_class(derived))->answer(),
                    ==, 2);
    g_assert_nonnull(object_dynamic_cast(derived, TYPE_TEST_BASE));
    g_assert_nonnull(object_dynamic_cast(derived, TYPE_TEST_IFACE));
    g_assert_null(object_dynamic_cast(base, TYPE_TEST_IFACE));
    g_assert_null(object_dynamic_cast(base, TYPE_TEST_DERIVED));
    g_assert_cmpstr(object_class_get_parent_name(object_get_class(derived)),
                    ==, TYPE_TEST_BASE);
    object_unref(base);
    object_unref(derived);
}

static void test_qom_props_typed(void)
{
    Object *obj = object_new(TYPE_TEST_BASE);
    Error *err = NULL;
    g_autofree char *label = NULL;

    g_assert_true(object_property_parse(obj, "size", "2M", &error_abort));
    g_assert_cmpuint(object_property_get_uint(obj, "size", &error_abort), ==,
                     2 * 1024 * 1024);
    g_assert_true(object_property_parse(obj, "flag", "on", &error_abort));
    g_assert_true(object_property_get_bool(obj, "flag", &error_abort));
    g_assert_true(object_property_parse(obj, "label", "hello",
                                        &error_abort));
    label = object_property_get_str(obj, "label", &error_abort);
    g_assert_cmpstr(label, ==, "hello");
    g_assert_true(object_property_parse(obj, "mode", "auto", &error_abort));
    g_assert_cmpint(((TestBase *)obj)->mode, ==, 2);

    g_assert_false(object_property_parse(obj, "mode", "maybe", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'mode' does not accept value 'maybe'");
    g_clear_pointer(&err, error_free);
    g_assert_false(object_property_parse(obj, "flag", "perhaps", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'flag' expects 'on' or 'off'");
    g_clear_pointer(&err, error_free);
    object_unref(obj);
}

static void test_qom_props_errors_leave_value(void)
{
    Object *obj = object_new(TYPE_TEST_BASE);
    Error *err = NULL;
    json_t *str = json_string("1G");

    g_assert_true(object_property_set_uint(obj, "size", 8192, &error_abort));
    g_assert_false(object_property_set(obj, "size", str, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'size' expects uint64");
    g_clear_pointer(&err, error_free);
    g_assert_false(object_property_set_uint(obj, "size", 4097, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "size 4097 is not a multiple of 4096");
    g_clear_pointer(&err, error_free);
    g_assert_false(object_property_set_uint(obj, "size-ro", 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Insufficient permission to perform this operation");
    g_clear_pointer(&err, error_free);
    g_assert_false(object_property_set_uint(obj, "nope", 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-base.nope' not found");
    g_clear_pointer(&err, error_free);
    g_assert_cmpuint(object_property_get_uint(obj, "size-ro", &error_abort),
                     ==, 8192);
    json_decref(str);
    object_unref(obj);
}

static void test_qom_tree_paths(void)
{
    Object *parent = container_get(object_get_root(), "/machine/peripheral");
    Object *a = object_new(TYPE_TEST_BASE);
    Object *b = object_new(TYPE_TEST_BASE);
    bool ambiguous;
    g_autofree char *path = NULL;

    object_property_add_child(parent, "dev-a", a);
    object_property_add_child(container_get(object_get_root(), "/other"),
                              "dev-a", b);
    path = object_get_canonical_path(a);
    g_assert_cmpstr(path, ==, "/machine/peripheral/dev-a");
    g_assert_true(object_resolve_path("/machine/peripheral/dev-a", NULL) ==
                  a);
    g_assert_true(object_resolve_path("peripheral/dev-a", NULL) == a);
    g_assert_null(object_resolve_path("dev-a", &ambiguous));
    g_assert_true(ambiguous);
    g_assert_null(object_resolve_path("/machine/nothing", NULL));

    object_unparent(b);
    g_assert_true(object_resolve_path("dev-a", &ambiguous) == a);
    g_assert_false(ambiguous);
    object_unparent(a);
    object_unref(a);
    object_unref(b);
}

static void test_qom_link(void)
{
    Object *a = object_new(TYPE_TEST_BASE);
    Object *b = object_new(TYPE_TEST_BASE);
    Error *err = NULL;

    object_property_add_child(object_get_objects_root(), "link-target", b);
    g_assert_true(object_property_parse(a, "peer", "/objects/link-target",
                                        &error_abort));
    g_assert_true(object_property_get_link(a, "peer", &error_abort) == b);
    g_assert_false(object_property_parse(a, "peer", "/objects/missing",
                                         &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Device '/objects/missing' not found");
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_DEVICE_NOT_FOUND);
    g_clear_pointer(&err, error_free);
    g_assert_true(object_property_get_link(a, "peer", &error_abort) == b);
    object_unref(a);
    object_unparent(b);
    object_unref(b);
}

static void test_qom_user_creatable(void)
{
    g_autoptr(json_t) props = json_pack("{s:s}", "size", "1M");
    g_autoptr(json_t) bad = json_pack("{s:s}", "bogus", "1");
    Error *err = NULL;
    Object *obj;

    obj = user_creatable_add(TYPE_TEST_UC, "uc0", props, true,
                             &error_abort);
    g_assert_true(((TestBase *)obj)->completed);
    g_assert_true(object_resolve_path("/objects/uc0", NULL) == obj);

    g_assert_null(user_creatable_add(TYPE_TEST_UC, "uc0", props, true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "attempt to add duplicate property 'uc0' to object "
                    "(type 'container')");
    g_clear_pointer(&err, error_free);
    g_assert_null(user_creatable_add(TYPE_TEST_UC, "uc1", NULL, true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "can't create test-uc with size 0");
    g_clear_pointer(&err, error_free);
    g_assert_null(object_resolve_path("/objects/uc1", NULL));
    g_assert_null(user_creatable_add(TYPE_TEST_UC, "uc2", bad, true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'test-uc.bogus' not found");
    g_clear_pointer(&err, error_free);
    g_assert_null(user_creatable_add(TYPE_TEST_UC, "2bad", props, true,
                                     &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'id' expects an identifier");
    g_clear_pointer(&err, error_free);
    g_assert_null(user_creatable_add(TYPE_TEST_BASE, "x", props, true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "invalid object type: test-base");
    g_clear_pointer(&err, error_free);

    ((TestBase *)obj)->in_use = true;
    g_assert_false(user_creatable_del("uc0", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "object 'uc0' is in use, can not be deleted");
    g_clear_pointer(&err, error_free);
    ((TestBase *)obj)->in_use = false;
    g_assert_true(user_creatable_del("uc0", &error_abort));
    g_assert_null(object_resolve_path("/objects/uc0", NULL));
    g_assert_false(user_creatable_del("uc0", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "object 'uc0' not found");
    g_clear_pointer(&err, error_free);
}

static void test_qom_alias(void)
{
    Object *target = object_new(TYPE_TEST_BASE);
    Object *proxy = object_new(TYPE_TEST_BASE);
    Error *err = NULL;

    object_property_add_alias(proxy, "target-size", target, "size");
    object_property_add_alias(proxy, "target-size-ro", target, "size-ro");
    g_assert_true(object_property_parse(proxy, "target-size", "8K",
                                        &error_abort));
    g_assert_cmpuint(((TestBase *)target)->size, ==, 8192);
    g_assert_cmpuint(((TestBase *)proxy)->size, ==, 0);
    g_assert_cmpstr(object_property_find(proxy, "target-size")->type, ==,
                    "size");
    g_assert_false(object_property_set_uint(proxy, "target-size-ro", 1,
                                            &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Insufficient permission to perform this operation");
    error_free(err);
    object_unref(proxy);
    object_unref(target);
}

static bool test_field_frozen;

static bool test_field_check(Object *obj, const char *name, Error **errp)
{
    if (test_field_frozen) {
        error_setg(errp, "cannot change property '%s' now", name);
        return false;
    }
    return true;
}

static void test_qom_field_props(void)
{
    Object *obj = object_new(TYPE_TEST_BASE);
    bool flag = false;
    uint32_t u32 = 0;
    uint64_t u64 = 0;
    Error *err = NULL;

    object_property_add_bool_field(obj, "f-bool", &flag, test_field_check);
    object_property_add_uint_field(obj, "f-u32", "uint32", &u32,
                                   test_field_check);
    object_property_add_uint_field(obj, "f-size", "size", &u64, NULL);
    g_assert_true(object_property_parse(obj, "f-bool", "on", &error_abort));
    g_assert_true(object_property_parse(obj, "f-u32", "7", &error_abort));
    g_assert_true(object_property_parse(obj, "f-size", "1G", &error_abort));
    g_assert_true(flag);
    g_assert_cmpuint(u32, ==, 7);
    g_assert_cmpuint(u64, ==, 1ULL << 30);
    g_assert_false(object_property_set_uint(obj, "f-u32", 1ULL << 32, &err));
    /* QEMU's visitor names the C type. */
    g_assert_cmpstr(error_get_pretty(err), ==, "Parameter 'f-u32' expects "
                    "uint32_t");
    g_clear_pointer(&err, error_free);
    test_field_frozen = true;
    g_assert_false(object_property_set_bool(obj, "f-bool", false, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "cannot change property 'f-bool' now");
    g_clear_pointer(&err, error_free);
    g_assert_true(flag);
    /* No check: always settable. */
    g_assert_true(object_property_set_uint(obj, "f-size", 5, &error_abort));
    test_field_frozen = false;
    g_assert_cmpuint(object_property_get_uint(obj, "f-u32", &error_abort),
                     ==, 7);
    object_unref(obj);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    test_qom_register();
    g_test_add_func("/qom/class/inheritance-and-interfaces",
                    test_qom_inheritance);
    g_test_add_func("/qom/props/typed-parse", test_qom_props_typed);
    g_test_add_func("/qom/props/errors-leave-value",
                    test_qom_props_errors_leave_value);
    g_test_add_func("/qom/tree/absolute-and-partial-paths",
                    test_qom_tree_paths);
    g_test_add_func("/qom/props/link", test_qom_link);
    g_test_add_func("/qom/user-creatable/add-del-rules",
                    test_qom_user_creatable);
    g_test_add_func("/qom/props/alias-forwards", test_qom_alias);
    g_test_add_func("/qom/props/field-backed-with-check",
                    test_qom_field_props);
    return g_test_run();
}
