/*
 * What libvirt reads from a VM it has just started (qemuProcessLaunch):
 * vCPU thread ids that are real threads of the VMM (libvirt moves them
 * into cgroups), the monitor chardev, the UUID, the command-line options
 * it checks, and the other start-time queries.  Against hotmem and QEMU
 * 7.2.
 */
#include "qemu/osdep.h"
#include "libqtest.h"

static void test_json_decref(json_t *j)
{
    json_decref(j);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_t, test_json_decref)

static json_t *test_return(QTestState *s, const char *cmd)
{
    json_t *r = qtest_qmp(s, "%s", cmd);
    json_t *ret = json_incref(json_object_get(r, "return"));

    json_decref(r);
    g_assert_nonnull(ret);
    return ret;
}

/* libvirt reads the vCPU object at qom-path with qom-list and qom-get. */
static void test_cpu_object(QTestState *s, const char *path)
{
    json_t *r = qtest_qmp(s, "{'execute': 'qom-get', 'arguments': "
                          "{'path': '%s', 'property': 'realized'}}", path);
    g_autofree char *list = NULL;

    g_assert_true(json_is_true(json_object_get(r, "return")));
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'qom-list', 'arguments': {'path': '%s'}}",
                  path);
    list = json_dumps(json_object_get(r, "return"), JSON_COMPACT);
    g_assert_nonnull(strstr(list, "{\"name\":\"unavailable-features\","));
    json_decref(r);
}

static void test_vcpu_threads_are_real(void)
{
    QTestState *s = qtest_init("-smp 2 -name guest=g,debug-threads=on");
    g_autoptr(json_t) cpus = test_return(s, "{'execute': 'query-cpus-fast'}");
    json_t *cpu;
    size_t i;

    g_assert_cmpuint(json_array_size(cpus), ==, 2);
    json_array_foreach(cpus, i, cpu) {
        json_int_t tid = json_integer_value(json_object_get(cpu,
                                                            "thread-id"));
        g_autofree char *path = g_strdup_printf("/proc/%d/task/%d/comm",
                                                (int)qtest_pid(s), (int)tid);
        g_autofree char *comm = NULL;
        g_autofree char *want = g_strdup_printf("CPU %zu/", i);

        g_assert_cmpint(json_integer_value(json_object_get(cpu,
                                                           "cpu-index")),
                        ==, i);
        g_assert_true(g_file_get_contents(path, &comm, NULL, NULL));
        g_assert_true(g_str_has_prefix(comm, want));
        g_assert_cmpint(tid, !=, qtest_pid(s));
        test_cpu_object(s, json_string_value(json_object_get(cpu,
                                                             "qom-path")));
    }
    qtest_quit(s);
}

static void test_uuid(void)
{
    QTestState *s = qtest_init("-uuid 0291C46C-0891-44e5-af70-6e5b432b9294 "
                               "-name guest=dom1,debug-threads=on");
    g_autoptr(json_t) ret = test_return(s, "{'execute': 'query-uuid'}");
    g_autoptr(json_t) name = test_return(s, "{'execute': 'query-name'}");

    g_assert_cmpstr(json_string_value(json_object_get(ret, "UUID")), ==,
                    "0291c46c-0891-44e5-af70-6e5b432b9294");
    g_assert_cmpstr(json_string_value(json_object_get(name, "name")), ==,
                    "dom1");
    qtest_quit(s);
}

/* libqtest's monitor is "-chardev socket,id=char0 -mon chardev=char0". */
static void test_query_chardev(void)
{
    QTestState *s = qtest_init(NULL);
    g_autoptr(json_t) ret = test_return(s, "{'execute': 'query-chardev'}");
    json_t *c = NULL;
    json_t *e;
    size_t i;

    json_array_foreach(ret, i, e) {     /* QEMU lists its qtest one too */
        if (!strcmp(json_string_value(json_object_get(e, "label")),
                    "char0")) {
            c = e;
        }
    }

    g_assert_cmpstr(json_string_value(json_object_get(c, "label")), ==,
                    "char0");
    g_assert_true(g_str_has_prefix(json_string_value(
        json_object_get(c, "filename")), "unix:"));
    g_assert_true(json_is_true(json_object_get(c, "frontend-open")));
    qtest_quit(s);
}

static void test_command_line_options(void)
{
    QTestState *s = qtest_init(NULL);
    json_t *r = qtest_qmp(s, "{'execute': 'query-command-line-options', "
                          "'arguments': {'option': 'sandbox'}}");
    json_t *params = json_object_get(json_array_get(
        json_object_get(r, "return"), 0), "parameters");
    g_autofree char *text = json_dumps(params, JSON_COMPACT);

    g_assert_nonnull(strstr(text, "{\"name\":\"enable\",\"type\":\"boolean\"}"));
    g_assert_nonnull(strstr(text, "\"spawn\""));
    json_decref(r);
    r = qtest_qmp(s, "{'execute': 'query-command-line-options', "
                  "'arguments': {'option': 'nope'}}");
    g_assert_cmpstr(json_string_value(json_object_get(json_object_get(
        r, "error"), "desc")), ==, "invalid option name: nope");
    json_decref(r);
    qtest_quit(s);
}

/* The accepted forms of libvirt's argv (the values are checked). */
static void test_libvirt_options_accepted(void)
{
    QTestState *s = qtest_init(
        "-no-shutdown -no-acpi -rtc base=utc -boot strict=on "
        "-msg timestamp=on -sandbox on,obsolete=deny,elevateprivileges=deny,"
        "spawn=deny,resourcecontrol=deny -smp 1,sockets=1,cores=1,threads=1 "
        "-audiodev none,id=audio1 "
        "-object secret,id=k0,format=base64,data=aG90bWVt "
        "-machine usb=off,dump-guest-core=off");
    g_autoptr(json_t) st = test_return(s, "{'execute': 'query-status'}");
    g_autoptr(json_t) usb = test_return(
        s, "{'execute': 'qom-get', 'arguments': {'path': '/machine', "
        "'property': 'usb'}}");

    g_assert_cmpstr(json_string_value(json_object_get(st, "status")), ==,
                    qtest_is_reference() ? "prelaunch" : "running");
    g_assert_true(json_is_false(usb));
    qtest_quit(s);
}

static void test_hmp_memory_size_summary(void)
{
    QTestState *s = qtest_init("-m 1G,maxmem=4G,slots=1");
    g_autofree char *out = qtest_hmp(s, "info memory_size_summary");

    g_assert_cmpstr(out, ==, "base memory: 1073741824\r\n"
                    "plugged memory: 0\r\n");
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/libvirt-start/query-cpus-fast/thread-ids-are-vcpu-threads",
                    test_vcpu_threads_are_real);
    g_test_add_func("/libvirt-start/query-uuid-and-name/as-given", test_uuid);
    g_test_add_func("/libvirt-start/query-chardev/monitor-listed",
                    test_query_chardev);
    g_test_add_func("/libvirt-start/query-command-line-options/sandbox",
                    test_command_line_options);
    g_test_add_func("/libvirt-start/argv/libvirt-options-accepted",
                    test_libvirt_options_accepted);
    g_test_add_func("/libvirt-start/hmp/info-memory-size-summary",
                    test_hmp_memory_size_summary);
    return g_test_run();
}
