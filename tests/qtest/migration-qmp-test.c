/*
 * Migration capabilities and parameters over QMP, as QEMU 7.2 answers
 * them: the capability list (every 7.2 name, libvirt probes them), its
 * argument errors, and max-bandwidth / downtime-limit with their defaults
 * and range check.  Runs against hotmem and QEMU 7.2 alike; hotmem's own
 * refusal of unimplemented capabilities is checked on hotmem only.
 */
#include "qemu/osdep.h"
#include "libqtest.h"

static const char *const test_cap_names[] = {
    "xbzrle", "rdma-pin-all", "auto-converge", "zero-blocks", "compress",
    "events", "postcopy-ram", "x-colo", "release-ram", "block",
    "return-path", "pause-before-switchover", "multifd", "dirty-bitmaps",
    "postcopy-blocktime", "late-block-activate", "x-ignore-shared",
    "validate-uuid", "background-snapshot", "zero-copy-send",
    "postcopy-preempt",
};

static void test_assert_error(json_t *r, const char *desc)
{
    json_t *err = json_object_get(r, "error");

    g_assert_nonnull(err);
    g_assert_cmpstr(json_string_value(json_object_get(err, "class")), ==,
                    "GenericError");
    g_assert_cmpstr(json_string_value(json_object_get(err, "desc")), ==,
                    desc);
    json_decref(r);
}

/* The state query-migrate-capabilities reports for name. */
static bool test_cap_state(QTestState *s, const char *name)
{
    json_t *list = qtest_qmp_assert_success_ref(
        s, "{'execute': 'query-migrate-capabilities'}");
    size_t i;
    json_t *e;
    int state = -1;

    json_array_foreach(list, i, e) {
        if (!strcmp(json_string_value(json_object_get(e, "capability")),
                    name)) {
            state = json_is_true(json_object_get(e, "state"));
        }
    }
    json_decref(list);
    g_assert_cmpint(state, >=, 0);
    return state;
}

static void test_caps_list_all_false(void)
{
    QTestState *s = qtest_init(NULL);
    json_t *list = qtest_qmp_assert_success_ref(
        s, "{'execute': 'query-migrate-capabilities'}");

    g_assert_cmpuint(json_array_size(list), ==, G_N_ELEMENTS(test_cap_names));
    for (size_t i = 0; i < G_N_ELEMENTS(test_cap_names); i++) {
        json_t *e = json_array_get(list, i);

        g_assert_cmpstr(json_string_value(json_object_get(e, "capability")),
                        ==, test_cap_names[i]);
        g_assert_true(json_is_false(json_object_get(e, "state")));
    }
    json_decref(list);
    qtest_quit(s);
}

static void test_caps_set_events(void)
{
    QTestState *s = qtest_init(NULL);

    json_decref(qtest_qmp_assert_success_ref(
        s, "{'execute': 'migrate-set-capabilities', 'arguments': "
        "{'capabilities': [{'capability': 'events', 'state': true}, "
        "{'capability': 'pause-before-switchover', 'state': true}]}}"));
    g_assert_true(test_cap_state(s, "events"));
    g_assert_true(test_cap_state(s, "pause-before-switchover"));
    json_decref(qtest_qmp_assert_success_ref(
        s, "{'execute': 'migrate-set-capabilities', 'arguments': "
        "{'capabilities': [{'capability': 'events', 'state': false}, "
        "{'capability': 'xbzrle', 'state': false}]}}"));
    g_assert_false(test_cap_state(s, "events"));
    g_assert_true(test_cap_state(s, "pause-before-switchover"));
    qtest_quit(s);
}

static void test_caps_argument_errors(void)
{
    QTestState *s = qtest_init(NULL);
    const char *set = "{'execute': 'migrate-set-capabilities', "
                      "'arguments': %s}";

    test_assert_error(qtest_qmp(s, set, "{'capabilities': "
                                "[{'capability': 'foo', 'state': true}]}"),
                      "Parameter 'capability' does not accept value 'foo'");
    test_assert_error(qtest_qmp(s, set, "{'capabilities': "
                                "[{'capability': 'events'}]}"),
                      "Parameter 'capabilities[0].state' is missing");
    test_assert_error(qtest_qmp(s, set, "{}"),
                      "Parameter 'capabilities' is missing");
    test_assert_error(qtest_qmp(s, set, "{'capabilities': 5}"),
                      "Invalid parameter type for 'capabilities', "
                      "expected: array");
    test_assert_error(qtest_qmp(s, set, "{'capabilities': [5]}"),
                      "Invalid parameter type for 'capabilities[0]', "
                      "expected: object");
    test_assert_error(qtest_qmp(s, set, "{'capabilities': "
                                "[{'capability': 5, 'state': true}]}"),
                      "Invalid parameter type for "
                      "'capabilities[0].capability', expected: string");
    test_assert_error(qtest_qmp(s, set, "{'capabilities': "
                                "[{'state': true}]}"),
                      "Parameter 'capabilities[0].capability' is missing");
    test_assert_error(qtest_qmp(s, set, "{'capabilities': "
                                "[{'capability': 'events', 'state': 1}]}"),
                      "Invalid parameter type for 'capabilities[0].state', "
                      "expected: boolean");
    test_assert_error(qtest_qmp(s, set, "{'capabilities': [{'capability': "
                                "'events', 'state': true, 'x': 1}]}"),
                      "Parameter 'capabilities[0].x' is unexpected");
    test_assert_error(qtest_qmp(s, set, "{'capabilities': [], 'x': 1}"),
                      "Parameter 'x' is unexpected");
    /* a refused list changes nothing, even its valid first entry */
    test_assert_error(qtest_qmp(s, set, "{'capabilities': [{'capability': "
                                "'events', 'state': true}, {'capability': "
                                "'bar', 'state': true}]}"),
                      "Parameter 'capability' does not accept value 'bar'");
    g_assert_false(test_cap_state(s, "events"));
    qtest_quit(s);
}

static void test_caps_unimplemented_refused(void)
{
    QTestState *s;

    if (qtest_is_reference()) {
        g_test_skip("QEMU implements xbzrle");
        return;
    }
    s = qtest_init(NULL);
    test_assert_error(qtest_qmp(s, "{'execute': 'migrate-set-capabilities', "
                                "'arguments': {'capabilities': [{"
                                "'capability': 'xbzrle', 'state': true}]}}"),
                      "capability 'xbzrle' is not supported by hotmem "
                      "(supported: events, pause-before-switchover)");
    g_assert_false(test_cap_state(s, "xbzrle"));
    qtest_quit(s);
}

static int64_t test_param(QTestState *s, const char *name)
{
    json_t *r = qtest_qmp_assert_success_ref(
        s, "{'execute': 'query-migrate-parameters'}");
    int64_t v;

    g_assert_true(json_is_integer(json_object_get(r, name)));
    v = json_integer_value(json_object_get(r, name));
    json_decref(r);
    return v;
}

static void test_params_defaults_and_set(void)
{
    QTestState *s = qtest_init(NULL);

    g_assert_cmpint(test_param(s, "downtime-limit"), ==, 300);
    g_assert_cmpint(test_param(s, "max-bandwidth"), ==, 134217728);
    json_decref(qtest_qmp_assert_success_ref(
        s, "{'execute': 'migrate-set-parameters', 'arguments': "
        "{'downtime-limit': 2000000, 'max-bandwidth': 1000}}"));
    g_assert_cmpint(test_param(s, "downtime-limit"), ==, 2000000);
    g_assert_cmpint(test_param(s, "max-bandwidth"), ==, 1000);
    json_decref(qtest_qmp_assert_success_ref(
        s, "{'execute': 'migrate-set-parameters', 'arguments': "
        "{'downtime-limit': 0}}"));
    g_assert_cmpint(test_param(s, "downtime-limit"), ==, 0);
    g_assert_cmpint(test_param(s, "max-bandwidth"), ==, 1000);
    qtest_quit(s);
}

static void test_params_errors_change_nothing(void)
{
    QTestState *s = qtest_init(NULL);
    const char *set = "{'execute': 'migrate-set-parameters', "
                      "'arguments': %s}";
    const char *range = "Parameter 'downtime_limit' expects an integer in "
                        "the range of 0 to (2000 * 1000) ms";

    test_assert_error(qtest_qmp(s, set, "{'downtime-limit': 2000001, "
                                "'max-bandwidth': 5}"), range);
    test_assert_error(qtest_qmp(s, set, "{'downtime-limit': -1}"), range);
    test_assert_error(qtest_qmp(s, set, "{'downtime-limit': 'a'}"),
                      "Parameter 'downtime-limit' expects uint64");
    test_assert_error(qtest_qmp(s, set, "{'downtime-limit': 1.5}"),
                      "Parameter 'downtime-limit' expects uint64");
    test_assert_error(qtest_qmp(s, set, "{'max-bandwidth': 'x'}"),
                      "Parameter 'max-bandwidth' expects uint64");
    test_assert_error(qtest_qmp(s, set, "{'foo': 1}"),
                      "Parameter 'foo' is unexpected");
    test_assert_error(qtest_qmp(s, "{'execute': 'query-migrate-parameters', "
                                "'arguments': {'x': 1}}"),
                      "Parameter 'x' is unexpected");
    g_assert_cmpint(test_param(s, "downtime-limit"), ==, 300);
    g_assert_cmpint(test_param(s, "max-bandwidth"), ==, 134217728);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration-qmp/caps/list-all-false",
                    test_caps_list_all_false);
    g_test_add_func("/migration-qmp/caps/set-events",
                    test_caps_set_events);
    g_test_add_func("/migration-qmp/caps/argument-errors",
                    test_caps_argument_errors);
    g_test_add_func("/migration-qmp/caps/unimplemented-true-refused",
                    test_caps_unimplemented_refused);
    g_test_add_func("/migration-qmp/params/defaults-and-set",
                    test_params_defaults_and_set);
    g_test_add_func("/migration-qmp/params/errors-change-nothing",
                    test_params_errors_change_nothing);
    return g_test_run();
}
