/*
 * The QMP schema and the commands libvirt asks when it probes a binary:
 * every command in query-commands has a schema entry (a command registered
 * without its argument table fails here, listed by name), arguments are
 * refused with QEMU's messages, and the probe answers (query-machines,
 * device-list-properties, query-cpu-model-expansion, ...) have QEMU 7.2's
 * shape.  Runs against hotmem and QEMU 7.2.
 */
#include "qemu/osdep.h"
#include "libqtest.h"

static const char *test_error_desc(json_t *r)
{
    return json_string_value(json_object_get(json_object_get(r, "error"),
                                             "desc"));
}

static const char *test_error_class(json_t *r)
{
    return json_string_value(json_object_get(json_object_get(r, "error"),
                                             "class"));
}

/* name -> SchemaInfo of the running binary. */
static GHashTable *test_schema(QTestState *s)
{
    json_t *r = qtest_qmp(s, "{'execute': 'query-qmp-schema'}");
    GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify)json_decref);
    json_t *e;
    size_t i;

    json_array_foreach(json_object_get(r, "return"), i, e) {
        g_hash_table_insert(t, g_strdup(json_string_value(
                                json_object_get(e, "name"))),
                            json_incref(e));
    }
    json_decref(r);
    return t;
}

static void test_every_command_has_schema(void)
{
    QTestState *s = qtest_init(NULL);
    g_autoptr(GHashTable) schema = test_schema(s);
    json_t *r = qtest_qmp(s, "{'execute': 'query-commands'}");
    g_autoptr(GString) missing = g_string_new(NULL);
    json_t *c;
    size_t i;

    json_array_foreach(json_object_get(r, "return"), i, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        json_t *e = g_hash_table_lookup(schema, name);

        if (!e || strcmp(json_string_value(json_object_get(e, "meta-type")),
                         "command")) {
            g_string_append_printf(missing, " %s", name);
        }
    }
    g_assert_cmpstr(missing->str, ==, "");
    g_assert_cmpuint(json_array_size(json_object_get(r, "return")), >, 20);
    json_decref(r);
    qtest_quit(s);
}

/* Follow "cmd/arg-type/member" to the member's type name. */
static const char *test_member_type(GHashTable *schema, const char *cmd,
                                    const char *member)
{
    json_t *c = g_hash_table_lookup(schema, cmd);
    json_t *obj = c ? g_hash_table_lookup(schema, json_string_value(
                          json_object_get(c, "arg-type"))) : NULL;
    json_t *m;
    size_t i;

    json_array_foreach(json_object_get(obj, "members"), i, m) {
        if (!strcmp(json_string_value(json_object_get(m, "name")), member)) {
            return json_string_value(json_object_get(m, "type"));
        }
    }
    return NULL;
}

static bool test_enum_has(GHashTable *schema, const char *type,
                          const char *value)
{
    json_t *e = type ? g_hash_table_lookup(schema, type) : NULL;
    json_t *v;
    size_t i;

    json_array_foreach(json_object_get(e, "values"), i, v) {
        if (!strcmp(json_string_value(v), value)) {
            return true;
        }
    }
    return false;
}

/* What libvirt reads from the schema to pick JSON -object / -device. */
static void test_schema_answers_libvirt_queries(void)
{
    QTestState *s = qtest_init(NULL);
    g_autoptr(GHashTable) schema = test_schema(s);
    json_t *dev = g_hash_table_lookup(schema, "device_add");
    json_t *ev = g_hash_table_lookup(schema, "MEMORY_DEVICE_SIZE_CHANGE");
    g_autofree char *features = NULL;

    g_assert_true(test_enum_has(schema, test_member_type(
        schema, "object-add", "qom-type"), "memory-backend-ram"));
    g_assert_false(test_enum_has(schema, test_member_type(
        schema, "object-add", "qom-type"), "no-such-type"));
    g_assert_cmpstr(test_member_type(schema, "query-named-block-nodes",
                                     "flat"), ==, "bool");
    features = json_dumps(json_object_get(dev, "features"), JSON_COMPACT);
    g_assert_nonnull(strstr(features, "\"json-cli-hotplug\""));
    g_assert_cmpstr(json_string_value(json_object_get(ev, "meta-type")), ==,
                    "event");
    qtest_quit(s);
}

static void test_args_checked(void)
{
    QTestState *s = qtest_init(NULL);
    json_t *r;

    r = qtest_qmp(s, "{'execute': 'qom-get', 'arguments': {'path': '/'}}");
    g_assert_cmpstr(test_error_desc(r), ==,
                    "Parameter 'property' is missing");
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'qom-list', 'arguments': {'path': 1}}");
    g_assert_cmpstr(test_error_desc(r), ==,
                    "Invalid parameter type for 'path', expected: string");
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'query-status', 'arguments': {'x': 1}}");
    g_assert_cmpstr(test_error_desc(r), ==, "Parameter 'x' is unexpected");
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'query-cpu-model-expansion', 'arguments':"
                  " {'type': 'bogus', 'model': {'name': 'max'}}}");
    g_assert_cmpstr(test_error_desc(r), ==,
                    "Parameter 'type' does not accept value 'bogus'");
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'query-cpu-model-expansion', 'arguments':"
                  " {'type': 'full', 'model': {}}}");
    g_assert_cmpstr(test_error_desc(r), ==,
                    "Parameter 'model.name' is missing");
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'query-named-block-nodes', 'arguments':"
                  " {'flat': 'yes'}}");
    g_assert_cmpstr(test_error_desc(r), ==,
                    "Invalid parameter type for 'flat', expected: boolean");
    json_decref(r);
    qtest_quit(s);
}

static json_t *test_find_named(json_t *list, const char *name)
{
    json_t *e;
    size_t i;

    json_array_foreach(list, i, e) {
        if (!strcmp(json_string_value(json_object_get(e, "name")), name)) {
            return e;
        }
    }
    return NULL;
}

static void test_query_machines_q35(void)
{
    QTestState *s = qtest_init(NULL);
    json_t *r = qtest_qmp(s, "{'execute': 'query-machines'}");
    json_t *q35 = test_find_named(json_object_get(r, "return"),
                                  "pc-q35-7.2");
    json_t *none = test_find_named(json_object_get(r, "return"), "none");

    g_assert_nonnull(q35);
    g_assert_cmpstr(json_string_value(json_object_get(q35, "alias")), ==,
                    "q35");
    g_assert_cmpint(json_integer_value(json_object_get(q35, "cpu-max")), ==,
                    288);
    g_assert_cmpstr(json_string_value(json_object_get(q35,
                                                      "default-ram-id")),
                    ==, "pc.ram");
    g_assert_nonnull(none);
    g_assert_cmpint(json_integer_value(json_object_get(none, "cpu-max")), ==,
                    1);
    json_decref(r);
    qtest_quit(s);
}

static void test_device_list_properties(void)
{
    QTestState *s = qtest_init(NULL);
    json_t *r;

    r = qtest_qmp(s, "{'execute': 'device-list-properties', 'arguments':"
                  " {'typename': 'no-such-device'}}");
    g_assert_cmpstr(test_error_class(r), ==, "DeviceNotFound");
    g_assert_cmpstr(test_error_desc(r), ==,
                    "Device 'no-such-device' not found");
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'device-list-properties', 'arguments':"
                  " {'typename': 'memory-backend-ram'}}");
    g_assert_cmpstr(test_error_desc(r), ==,
                    "Parameter 'typename' expects a non-abstract device type");
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'device-list-properties', 'arguments':"
                  " {'typename': 'virtio-mem-pci'}}");
    g_assert_nonnull(test_find_named(json_object_get(r, "return"),
                                     "requested-size"));
    g_assert_nonnull(test_find_named(json_object_get(r, "return"),
                                     "memdev"));
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'qom-list-properties', 'arguments':"
                  " {'typename': 'no-such-type'}}");
    g_assert_cmpstr(test_error_class(r), ==, "DeviceNotFound");
    g_assert_cmpstr(test_error_desc(r), ==, "Class 'no-such-type' not found");
    json_decref(r);
    qtest_quit(s);
}

static void test_absent_features(void)
{
    QTestState *s = qtest_init(NULL);
    bool kvm;
    json_t *r;

    r = qtest_qmp(s, "{'execute': 'query-kvm'}");
    kvm = json_is_true(json_object_get(json_object_get(r, "return"),
                                       "enabled"));
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'query-sev-capabilities'}");
    g_assert_cmpstr(test_error_class(r), ==, "GenericError");
    g_assert_cmpstr(test_error_desc(r), ==,
                    kvm ? "SEV is not enabled in KVM" : "KVM not enabled");
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'query-sgx-capabilities'}");
    g_assert_cmpstr(test_error_desc(r), ==, "SGX is not enabled in KVM");
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'query-iothreads'}");
    g_assert_cmpuint(json_array_size(json_object_get(r, "return")), ==, 0);
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'query-named-block-nodes',"
                  " 'arguments': {'flat': true}}");
    g_assert_cmpuint(json_array_size(json_object_get(r, "return")), ==, 0);
    json_decref(r);
    qtest_quit(s);
}

static void test_cpu_model_expansion(void)
{
    QTestState *s = qtest_init(NULL);
    json_t *r;

    r = qtest_qmp(s, "{'execute': 'query-cpu-model-expansion', 'arguments':"
                  " {'type': 'static', 'model': {'name': 'max'}}}");
    g_assert_cmpstr(json_string_value(json_object_get(json_object_get(
        json_object_get(r, "return"), "model"), "name")), ==, "base");
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'query-cpu-model-expansion', 'arguments':"
                  " {'type': 'full', 'model': {'name': 'nope'}}}");
    g_assert_cmpstr(test_error_desc(r), ==, "CPU model 'nope' not found");
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'query-cpu-definitions'}");
    g_assert_nonnull(test_find_named(json_object_get(r, "return"),
                                     "qemu64"));
    json_decref(r);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qmp-schema/commands/every-command-has-schema",
                    test_every_command_has_schema);
    g_test_add_func("/qmp-schema/introspection/libvirt-queries-answered",
                    test_schema_answers_libvirt_queries);
    g_test_add_func("/qmp-schema/args/qemu-messages", test_args_checked);
    g_test_add_func("/qmp-schema/probe/query-machines-q35-versioned",
                    test_query_machines_q35);
    g_test_add_func("/qmp-schema/probe/device-list-properties",
                    test_device_list_properties);
    g_test_add_func("/qmp-schema/probe/absent-features",
                    test_absent_features);
    g_test_add_func("/qmp-schema/probe/cpu-model-expansion",
                    test_cpu_model_expansion);
    return g_test_run();
}
