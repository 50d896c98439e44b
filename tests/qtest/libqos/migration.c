/*
 * Migration as a test sees it: the events capability, waiting for a
 * MIGRATION status, run state, query-migrate and its ram counters, and
 * migrate itself.  Used by tests/qtest/migration-test.c, the virtio-mem
 * migration tests and tests/bench/migration-bench.c; the other side is
 * migration/migration-qmp.c.
 */
#include "qemu/osdep.h"
#include "migration.h"

void qmig_events_on(QTestState *s)
{
    json_decref(qtest_qmp_assert_success_ref(
        s, "{'execute': 'migrate-set-capabilities', 'arguments': "
        "{'capabilities': [{'capability': 'events', 'state': true}]}}"));
}

QTestState *qmig_vm(const char *extra)
{
    QTestState *s = qtest_init(extra);

    qmig_events_on(s);
    return s;
}

QTestState *qmig_vm_incoming(const char *extra, const char *uri)
{
    g_autofree char *args = g_strdup_printf("%s -incoming %s", extra, uri);

    return qmig_vm(args);
}

/* Wait for a MIGRATION event with one of the statuses in want ("a|b"). */
char *qmig_wait_status(QTestState *s, const char *want)
{
    g_auto(GStrv) names = g_strsplit(want, "|", 0);

    for (;;) {
        json_t *ev = qtest_qmp_eventwait_ref(s, "MIGRATION");
        const char *st = json_string_value(json_object_get(
            json_object_get(ev, "data"), "status"));
        char *ret = g_strdup(st);

        json_decref(ev);
        if (g_strv_contains((const char *const *)names, ret)) {
            return ret;
        }
        g_free(ret);
    }
}

void qmig_assert_status(QTestState *s, const char *want)
{
    g_autofree char *st = qmig_wait_status(s, want);

    g_assert_cmpstr(st, ==, want);
}

char *qmig_runstate(QTestState *s)
{
    json_t *r = qtest_qmp_assert_success_ref(s,
                                             "{'execute': 'query-status'}");
    char *st = g_strdup(json_string_value(json_object_get(r, "status")));

    json_decref(r);
    return st;
}

void qmig_assert_runstate(QTestState *s, const char *want)
{
    g_autofree char *st = qmig_runstate(s);

    g_assert_cmpstr(st, ==, want);
}

json_t *qmig_query(QTestState *s)
{
    return qtest_qmp_assert_success_ref(s, "{'execute': 'query-migrate'}");
}

int64_t qmig_ram_stat(json_t *info, const char *name)
{
    json_t *v = json_object_get(json_object_get(info, "ram"), name);

    g_assert_true(json_is_integer(v));
    return json_integer_value(v);
}

void qmig_migrate(QTestState *src, const char *uri)
{
    json_decref(qtest_qmp_assert_success_ref(
        src, "{'execute': 'migrate', 'arguments': {'uri': '%s'}}", uri));
}

