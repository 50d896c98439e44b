/*
 * QMP as a client sees it: the greeting, capabilities negotiation, ids,
 * malformed input, error classes, run state with its events and reset.
 * Runs against hotmem and QEMU 7.2 (which starts paused there: -S).
 * libqtest.c reads and queues the messages; monitor/ is the server.
 */
#include "qemu/osdep.h"
#include "libqtest.h"

static const char *test_error_class(json_t *r)
{
    return json_string_value(json_object_get(json_object_get(r, "error"),
                                             "class"));
}

static const char *test_error_desc(json_t *r)
{
    return json_string_value(json_object_get(json_object_get(r, "error"),
                                             "desc"));
}

static void test_greeting_shape(void)
{
    QTestState *s = qtest_init_without_qmp_handshake(NULL);
    json_t *g = qtest_qmp_receive_any(s);
    json_t *qmp = json_object_get(g, "QMP");
    json_t *ver = json_object_get(json_object_get(qmp, "version"), "qemu");

    g_assert_nonnull(qmp);
    g_assert_cmpint(json_integer_value(json_object_get(ver, "major")), ==, 7);
    g_assert_cmpint(json_integer_value(json_object_get(ver, "minor")), ==, 2);
    g_assert_true(json_is_integer(json_object_get(ver, "micro")));
    g_assert_true(json_is_string(json_object_get(
        json_object_get(qmp, "version"), "package")));
    g_assert_true(json_is_array(json_object_get(qmp, "capabilities")));
    json_decref(g);
    qtest_quit(s);
}

static void test_refused_before_negotiation(void)
{
    QTestState *s = qtest_init_without_qmp_handshake(NULL);
    json_t *r;

    json_decref(qtest_qmp_receive_any(s));
    r = qtest_qmp(s, "{'execute': 'query-status'}");
    g_assert_cmpstr(test_error_class(r), ==, "CommandNotFound");
    g_assert_cmpstr(test_error_desc(r), ==, "Expecting capabilities "
                    "negotiation with 'qmp_capabilities'");
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'qmp_capabilities'}");
    g_assert_true(json_is_object(json_object_get(r, "return")));
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'qmp_capabilities'}");
    g_assert_cmpstr(test_error_class(r), ==, "CommandNotFound");
    json_decref(r);
    qtest_quit(s);
}

static void test_id_echoed(void)
{
    QTestState *s = qtest_init(NULL);
    json_t *r = qtest_qmp(s, "{'execute': 'query-status', 'id': 'abc'}");

    g_assert_cmpstr(json_string_value(json_object_get(r, "id")), ==, "abc");
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'nosuch', 'id': {'n': [1, 2]}}");
    g_assert_cmpint(json_integer_value(json_array_get(json_object_get(
        json_object_get(r, "id"), "n"), 1)), ==, 2);
    json_decref(r);
    qtest_quit(s);
}

static void test_malformed_then_good(void)
{
    QTestState *s = qtest_init(NULL);
    json_t *r;

    qtest_qmp_send_raw(s, "{\"execute\": }\n");
    r = qtest_qmp_receive(s);
    g_assert_cmpstr(test_error_class(r), ==, "GenericError");
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'query-status'}");
    g_assert_true(json_is_object(json_object_get(r, "return")));
    json_decref(r);
    qtest_quit(s);
}

static void test_unknown_command_class(void)
{
    QTestState *s = qtest_init(NULL);
    json_t *r = qtest_qmp(s, "{'execute': 'no-such-command'}");

    g_assert_cmpstr(test_error_class(r), ==, "CommandNotFound");
    g_assert_cmpstr(test_error_desc(r), ==,
                    "The command no-such-command has not been found");
    json_decref(r);
    qtest_quit(s);
}

static void test_status_is(QTestState *s, const char *status, bool running)
{
    json_t *r = qtest_qmp_assert_success_ref(s, "{'execute': "
                                             "'query-status'}");

    g_assert_cmpstr(json_string_value(json_object_get(r, "status")), ==,
                    status);
    g_assert_true(json_is_boolean(json_object_get(r, "running")));
    g_assert_cmpint(json_is_true(json_object_get(r, "running")), ==, running);
    json_decref(r);
}

static void test_event_has_timestamp(json_t *ev)
{
    json_t *ts = json_object_get(ev, "timestamp");

    g_assert_true(json_is_integer(json_object_get(ts, "seconds")));
    g_assert_true(json_is_integer(json_object_get(ts, "microseconds")));
    g_assert_cmpint(json_integer_value(json_object_get(ts, "seconds")), >,
                    1600000000);
}

static void test_initial_status(void)
{
    QTestState *s = qtest_init(NULL);

    /* The reference runs with -S; the qtest accelerator starts running. */
    if (qtest_is_reference()) {
        test_status_is(s, "prelaunch", false);
    } else {
        test_status_is(s, "running", true);
    }
    qtest_quit(s);
}

static void test_stop_cont_events(void)
{
    QTestState *s = qtest_init(NULL);
    json_t *ev;

    if (!qtest_is_reference()) {
        json_decref(qtest_qmp_assert_success_ref(s, "{'execute': 'stop'}"));
        test_event_has_timestamp(ev = qtest_qmp_eventwait_ref(s, "STOP"));
        json_decref(ev);
    }
    json_decref(qtest_qmp_assert_success_ref(s, "{'execute': 'cont'}"));
    ev = qtest_qmp_eventwait_ref(s, "RESUME");
    test_event_has_timestamp(ev);
    json_decref(ev);
    test_status_is(s, "running", true);
    json_decref(qtest_qmp_assert_success_ref(s, "{'execute': 'stop'}"));
    ev = qtest_qmp_eventwait_ref(s, "STOP");
    test_event_has_timestamp(ev);
    json_decref(ev);
    test_status_is(s, "paused", false);
    qtest_quit(s);
}

static void test_system_reset_event(void)
{
    QTestState *s = qtest_init(NULL);
    json_t *ev;
    json_t *data;

    json_decref(qtest_qmp_assert_success_ref(s, "{'execute': "
                                             "'system_reset'}"));
    ev = qtest_qmp_eventwait_ref(s, "RESET");
    test_event_has_timestamp(ev);
    data = json_object_get(ev, "data");
    g_assert_true(json_is_false(json_object_get(data, "guest")));
    g_assert_cmpstr(json_string_value(json_object_get(data, "reason")), ==,
                    "host-qmp-system-reset");
    json_decref(ev);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qmp/greeting/version-and-capabilities",
                    test_greeting_shape);
    g_test_add_func("/qmp/negotiation/commands-refused-before",
                    test_refused_before_negotiation);
    g_test_add_func("/qmp/id/echoed-verbatim", test_id_echoed);
    g_test_add_func("/qmp/malformed/error-then-next-command-works",
                    test_malformed_then_good);
    g_test_add_func("/qmp/unknown-command/command-not-found",
                    test_unknown_command_class);
    g_test_add_func("/qmp/query-status/initial", test_initial_status);
    g_test_add_func("/qmp/run-state/stop-cont-events",
                    test_stop_cont_events);
    g_test_add_func("/qmp/system-reset/reset-event", test_system_reset_event);
    return g_test_run();
}
