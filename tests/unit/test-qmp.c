/*
 * The monitor (monitor/) in-process over real unix sockets: a server on a
 * temporary path, blocking clients, and the GLib default context driven
 * while waiting for replies.  Expected replies are QEMU 7.2's, byte for
 * byte (checked against qemu-system-x86_64 7.2).  Also QEMU's JSON
 * dialect (qmp-json.c), HMP through human-monitor-command, chardevs.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "qemu/units.h"
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "monitor/qmp-schema.h"
#include "monitor/monitor-internal.h"
#include "qom/object.h"
#include "sysemu/sysemu.h"
#include "sysemu/runstate.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#define TYPE_TEST_QMP_OBJ "test-qmp-obj"
#define TEST_TIMEOUT_US (5 * G_USEC_PER_SEC)

#define TEST_GREETING \
    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, " \
    "\"major\": 7}, \"package\": \"hotmem " HOTMEM_VERSION "\"}, " \
    "\"capabilities\": [\"oob\"]}}"
#define TEST_NEGOTIATE_FIRST \
    "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Expecting " \
    "capabilities negotiation with 'qmp_capabilities'\"}}"

#define TEST_NOT_FOUND \
    "{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": \"Device " \
    "'/nope' not found\"}}"

typedef struct TestQmpObj {
    Object parent_obj;
    uint64_t size;
    char *label;
} TestQmpObj;

typedef struct TestClient {
    int fd;
    GString *buf;       /* received, not yet returned */
} TestClient;

static char *test_sock_path;
static unsigned int test_sock_counter;

/* ---- a small user-creatable type ---- */

static uint64_t test_obj_get_size(Object *obj, Error **errp)
{
    return ((TestQmpObj *)obj)->size;
}

static bool test_obj_set_size(Object *obj, uint64_t value, Error **errp)
{
    ((TestQmpObj *)obj)->size = value;
    return true;
}

static char *test_obj_get_label(Object *obj, Error **errp)
{
    const char *label = ((TestQmpObj *)obj)->label;

    return g_strdup(label ? label : "");
}

static bool test_obj_set_label(Object *obj, const char *value, Error **errp)
{
    g_free(((TestQmpObj *)obj)->label);
    ((TestQmpObj *)obj)->label = g_strdup(value);
    return true;
}

static void test_obj_init(Object *obj)
{
    object_property_add_uint(obj, "size", "size", test_obj_get_size,
                             test_obj_set_size);
    object_property_add_str(obj, "label", test_obj_get_label,
                            test_obj_set_label);
}

static void test_obj_finalize(Object *obj)
{
    g_free(((TestQmpObj *)obj)->label);
}

static const TypeInfo test_obj_info = {
    .name = TYPE_TEST_QMP_OBJ,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(TestQmpObj),
    .instance_init = test_obj_init,
    .instance_finalize = test_obj_finalize,
    .interfaces = (const InterfaceInfo[]) { { TYPE_USER_CREATABLE }, { } },
};

/* ---- server and clients ---- */

static void test_server_start(void)
{
    test_sock_path = g_strdup_printf("%s/hotmem-test-qmp-%d-%u.sock",
                                     g_get_tmp_dir(), getpid(),
                                     test_sock_counter++);
    g_assert_true(monitor_init_qmp_unix(test_sock_path, true, false,
                                        &error_abort));
}

static void test_server_stop(void)
{
    monitor_cleanup();
    g_assert_false(g_file_test(test_sock_path, G_FILE_TEST_EXISTS));
    g_clear_pointer(&test_sock_path, g_free);
}

static int test_connect_fd(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), ==,
                    0);
    return fd;
}

/* Serve the monitor once, and keep whatever arrived for c. */
static void test_pump(TestClient *c)
{
    char chunk[4096];
    ssize_t n;

    while (g_main_context_iteration(NULL, false)) {
    }
    while ((n = recv(c->fd, chunk, sizeof(chunk), MSG_DONTWAIT)) > 0) {
        g_string_append_len(c->buf, chunk, n);
    }
}

/* Send all of text, serving the monitor while the socket is full. */
static void test_send(TestClient *c, const char *text)
{
    size_t len = strlen(text);
    ssize_t n;

    while (len) {
        n = send(c->fd, text, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            g_assert_cmpint(errno, ==, EAGAIN);
            test_pump(c);   /* a server that waits for us to read */
            continue;
        }
        text += n;
        len -= n;
    }
}

/* The next "\r\n"-terminated line, serving the monitor while waiting. */
static char *test_recv_line(TestClient *c)
{
    gint64 deadline = g_get_monotonic_time() + TEST_TIMEOUT_US;
    struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
    char chunk[4096];
    char *eol;
    char *line;
    ssize_t n;

    while (!(eol = strstr(c->buf->str, "\r\n"))) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        while (g_main_context_iteration(NULL, false)) {
        }
        if (poll(&pfd, 1, 1) > 0) {
            n = recv(c->fd, chunk, sizeof(chunk), 0);
            g_assert_cmpint(n, >, 0);
            g_string_append_len(c->buf, chunk, n);
        }
    }
    line = g_strndup(c->buf->str, eol - c->buf->str);
    g_string_erase(c->buf, 0, eol + 2 - c->buf->str);
    return line;
}

static void test_expect(TestClient *c, const char *expected)
{
    g_autofree char *line = test_recv_line(c);

    g_assert_cmpstr(line, ==, expected);
}

/* Send a request, check the next line is the expected reply. */
static void test_cmd(TestClient *c, const char *request, const char *reply)
{
    test_send(c, request);
    test_expect(c, reply);
}

static TestClient *test_client_new(bool negotiate)
{
    TestClient *c = g_new0(TestClient, 1);

    c->fd = test_connect_fd(test_sock_path);
    c->buf = g_string_new(NULL);
    test_expect(c, TEST_GREETING);
    if (negotiate) {
        test_cmd(c, "{\"execute\": \"qmp_capabilities\"}", "{\"return\": {}}");
    }
    return c;
}

static void test_client_free(TestClient *c)
{
    close(c->fd);
    g_string_free(c->buf, true);
    g_free(c);
}

/* An event line without its timestamp: "EVENT" or "EVENT data". */
static char *test_recv_event(TestClient *c)
{
    g_autofree char *line = test_recv_line(c);
    json_error_t jerr;
    json_t *msg = json_loads(line, 0, &jerr);
    json_t *ts = json_object_get(msg, "timestamp");
    json_t *data = json_object_get(msg, "data");
    g_autofree char *data_str = data ? qmp_json_to_string(data, false)
                                     : NULL;
    char *ret;

    g_assert_nonnull(msg);
    g_assert_true(json_is_integer(json_object_get(ts, "seconds")));
    g_assert_true(json_is_integer(json_object_get(ts, "microseconds")));
    g_assert_true(g_str_has_prefix(line, "{\"timestamp\": {\"seconds\": "));
    ret = g_strdup_printf("%s%s%s",
                          json_string_value(json_object_get(msg, "event")),
                          data ? " " : "", data ? data_str : "");
    json_decref(msg);
    return ret;
}

/* ---- greeting and negotiation ---- */

static void test_greeting(void)
{
    TestClient *c;

    test_server_start();
    c = test_client_new(false);
    test_client_free(c);
    test_server_stop();
}

static void test_negotiation_required(void)
{
    TestClient *c;

    test_server_start();
    c = test_client_new(false);
    test_cmd(c, "{\"execute\": \"query-status\"}", TEST_NEGOTIATE_FIRST);
    /* unknown commands get the same answer before negotiation */
    test_cmd(c, "{\"execute\": \"foo\", \"id\": 3}",
             "{\"id\": 3, \"error\": {\"class\": \"CommandNotFound\", "
             "\"desc\": \"Expecting capabilities negotiation with "
             "'qmp_capabilities'\"}}");
    test_cmd(c, "{\"execute\": \"qmp_capabilities\", \"id\": 5}",
             "{\"return\": {}, \"id\": 5}");
    test_cmd(c, "{\"execute\": \"qmp_capabilities\"}",
             "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
             "\"Capabilities negotiation is already complete, command "
             "ignored\"}}");
    test_client_free(c);
    test_server_stop();
}

static void test_negotiation_enable(void)
{
    TestClient *c;

    test_server_start();
    c = test_client_new(false);
    test_cmd(c, "{\"execute\": \"qmp_capabilities\", \"arguments\": "
             "{\"enable\": [\"x\"]}}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": "
             "\"Parameter 'null' does not accept value 'x'\"}}");
    test_cmd(c, "{\"execute\": \"qmp_capabilities\", \"arguments\": "
             "{\"enable\": \"oob\"}}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Invalid "
             "parameter type for 'enable', expected: array\"}}");
    test_cmd(c, "{\"exec-oob\": \"qmp_capabilities\"}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input "
             "member 'exec-oob' is unexpected\"}}");
    test_cmd(c, "{\"execute\": \"qmp_capabilities\", \"arguments\": "
             "{\"enable\": [\"oob\"]}}", "{\"return\": {}}");
    test_cmd(c, "{\"exec-oob\": \"query-status\"}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": \"The "
             "command query-status does not support OOB\"}}");
    test_client_free(c);
    test_server_stop();
}

/* ---- the request envelope ---- */

static void test_id_echoed(void)
{
    TestClient *c;

    test_server_start();
    c = test_client_new(true);
    test_cmd(c, "{\"execute\": \"query-version\", \"id\": [1, {\"a\": "
             "\"\\u00e9\"}]}",
             "{\"return\": {\"qemu\": {\"micro\": 0, \"minor\": 2, "
             "\"major\": 7}, \"package\": \"hotmem " HOTMEM_VERSION "\"}, "
             "\"id\": [1, {\"a\": \"\\u00E9\"}]}");
    test_cmd(c, "{\"execute\": \"nope\", \"id\": \"x\"}",
             "{\"id\": \"x\", \"error\": {\"class\": \"CommandNotFound\", "
             "\"desc\": \"The command nope has not been found\"}}");
    test_client_free(c);
    test_server_stop();
}

static void test_envelope_errors(void)
{
    TestClient *c;

    test_server_start();
    c = test_client_new(true);
    test_cmd(c, "[1, 2]", "{\"error\": {\"class\": \"GenericError\", "
             "\"desc\": \"QMP input must be a JSON object\"}}");
    test_cmd(c, "{\"id\": 1}", "{\"id\": 1, \"error\": {\"class\": "
             "\"GenericError\", \"desc\": \"QMP input lacks member "
             "'execute'\"}}");
    test_cmd(c, "{\"execute\": 1}", "{\"error\": {\"class\": "
             "\"GenericError\", \"desc\": \"QMP input member 'execute' must "
             "be a string\"}}");
    test_cmd(c, "{\"execute\": \"query-status\", \"arguments\": []}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input "
             "member 'arguments' must be an object\"}}");
    test_cmd(c, "{\"execute\": \"query-status\", \"foo\": 1}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input "
             "member 'foo' is unexpected\"}}");
    test_client_free(c);
    test_server_stop();
}

static void test_malformed_then_good(void)
{
    TestClient *c;

    test_server_start();
    c = test_client_new(true);
    test_cmd(c, "{\"foo\"}", "{\"error\": {\"class\": \"GenericError\", "
             "\"desc\": \"JSON parse error, missing : in object pair\"}}");
    test_cmd(c, "{\"execute\": \"query-commands\", \"id\": 2}",
             "{\"return\": [{\"name\": \"qmp_capabilities\"}, {\"name\": \"q"
             "uery-version\"}, {\"name\": \"query-commands\"}, {\"name\": \""
             "query-status\"}, {\"name\": \"stop\"}, {\"name\": \"cont\"}, {"
             "\"name\": \"quit\"}, {\"name\": \"system_reset\"}, {\"name\": "
             "\"qom-list\"}, {\"name\": \"qom-get\"}, {\"name\": \"qom-set\""
             "}, {\"name\": \"object-add\"}, {\"name\": \"object-del\"}, {\""
             "name\": \"human-monitor-command\"}, {\"name\": \"qom-list-type"
             "s\"}, {\"name\": \"qom-list-properties\"}, {\"name\": \"device"
             "-list-properties\"}, {\"name\": \"query-tpm-models\"}, {\"name"
             "\": \"query-tpm-types\"}, {\"name\": \"query-sev-capabilities"
             "\"}, {\"name\": \"query-sgx-capabilities\"}, {\"name\": \"quer"
             "y-iothreads\"}, {\"name\": \"query-block\"}, {\"name\": \"quer"
             "y-named-block-nodes\"}, {\"name\": \"query-chardev\"}, {\"name"
             "\": \"getfd\"}, {\"name\": \"closefd\"}, {\"name\": \"add-fd\"}, "
             "{\"name\": \"remove-fd\"}, {\"name\": \"query-fdsets\"}, {\"name"
             "\": \"query-qmp-schema\"}], \"id\": 2}");
    test_client_free(c);
    test_server_stop();
}

/* A lexical error skips to the next structural character, as QEMU. */
static void test_stray_character_recovers(void)
{
    TestClient *c;

    test_server_start();
    c = test_client_new(true);
    test_send(c, "@#$ {\"execute\": \"qom-list\", \"arguments\": "
              "{\"path\": \"/nope\"}}");
    test_expect(c, "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"JSON parse error, stray '@'\"}}");
    test_expect(c, "{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": "
                "\"Device '/nope' not found\"}}");
    /* a byte that is not UTF-8 is quoted as U+FFFD, as QEMU does */
    test_send(c, "\xfe{\"execute\": \"nope\"}");
    test_expect(c, "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"JSON parse error, stray '\\uFFFD'\"}}");
    test_expect(c, "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                "\"The command nope has not been found\"}}");
    test_client_free(c);
    test_server_stop();
}

static void test_split_input(void)
{
    TestClient *c;

    test_server_start();
    c = test_client_new(true);
    test_send(c, "{\"exec");
    while (g_main_context_iteration(NULL, false)) {
    }
    test_send(c, "ute\": \"qom-get\", \"argu");
    while (g_main_context_iteration(NULL, false)) {
    }
    test_send(c, "ments\": {\"path\": \"/\", \"property\": \"x\"}, \"id\"");
    test_cmd(c, ": 9}", "{\"id\": 9, \"error\": {\"class\": \"GenericError\", "
             "\"desc\": \"Property 'container.x' not found\"}}");
    test_client_free(c);
    test_server_stop();
}

static void test_two_commands_one_write(void)
{
    TestClient *c;

    test_server_start();
    c = test_client_new(true);
    test_send(c, "{\"execute\": \"nope\", \"id\": 1}"
              "{\"execute\": \"qom-list\", \"arguments\": {}, \"id\": 2}");
    test_expect(c, "{\"id\": 1, \"error\": {\"class\": \"CommandNotFound\", "
                "\"desc\": \"The command nope has not been found\"}}");
    test_expect(c, "{\"id\": 2, \"error\": {\"class\": \"GenericError\", "
                "\"desc\": \"Parameter 'path' is missing\"}}");
    test_client_free(c);
    test_server_stop();
}

static void test_argument_errors(void)
{
    TestClient *c;

    test_server_start();
    c = test_client_new(true);
    test_cmd(c, "{\"execute\": \"query-status\", \"arguments\": {\"x\": 1}}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": "
             "\"Parameter 'x' is unexpected\"}}");
    test_cmd(c, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": 1, "
             "\"property\": \"x\"}}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Invalid "
             "parameter type for 'path', expected: string\"}}");
    test_cmd(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
             "{\"command-line\": \"info version\", \"cpu-index\": \"a\"}}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Invalid "
             "parameter type for 'cpu-index', expected: integer\"}}");
    /* a missing member is reported before an unexpected one */
    test_cmd(c, "{\"execute\": \"qom-get\", \"arguments\": {\"foo\": 1}}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": "
             "\"Parameter 'path' is missing\"}}");
    test_client_free(c);
    test_server_stop();
}

/* ---- several clients and events ---- */

static void test_two_clients(void)
{
    TestClient *a;
    TestClient *b;

    test_server_start();
    a = test_client_new(true);
    b = test_client_new(false);
    test_cmd(b, "{\"execute\": \"query-version\"}", TEST_NEGOTIATE_FIRST);
    test_cmd(a, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
             "\"/nope\", \"property\": \"x\"}}", TEST_NOT_FOUND);
    /* a client that leaves does not disturb the others */
    test_client_free(b);
    test_cmd(a, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
             "\"/nope\", \"property\": \"x\"}}", TEST_NOT_FOUND);
    test_client_free(a);
    test_server_stop();
}

static const QmpEventSpec test_events[] = {
    { "TEST_EVENT", (const QmpMember[]) { { "n", "int" }, { NULL } } },
    { "TEST_BARE", NULL },
};

static void test_events_negotiated_only(void)
{
    TestClient *a;
    TestClient *b;
    g_autofree char *ev = NULL;

    test_server_start();
    qmp_register_events(test_events, ARRAY_SIZE(test_events));
    a = test_client_new(true);
    b = test_client_new(false);
    qapi_event_send("TEST_EVENT", json_pack("{si}", "n", 1));
    qapi_event_send("TEST_BARE", NULL);
    ev = test_recv_event(a);
    g_assert_cmpstr(ev, ==, "TEST_EVENT {\"n\": 1}");
    g_free(ev);
    ev = test_recv_event(a);
    g_assert_cmpstr(ev, ==, "TEST_BARE");
    /* b's first line is its reply: no event was queued before it */
    test_cmd(b, "{\"execute\": \"query-status\"}", TEST_NEGOTIATE_FIRST);
    test_client_free(a);
    test_client_free(b);
    test_server_stop();
}

/* A client that leaves with replies pending (EPIPE) harms no one. */
static void test_client_leaves_mid_reply(void)
{
    TestClient *a;
    TestClient *b;
    g_autoptr(GString) burst = g_string_new(NULL);

    test_server_start();
    a = test_client_new(true);
    for (int i = 0; i < 2000; i++) {
        g_string_append(burst, "{\"execute\": \"human-monitor-command\", "
                        "\"arguments\": {\"command-line\": \"help\"}}");
    }
    test_send(a, burst->str);
    test_client_free(a);
    b = test_client_new(true);
    test_cmd(b, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
             "\"/nope\", \"property\": \"x\"}}", TEST_NOT_FOUND);
    test_client_free(b);
    test_server_stop();
}

/* "echo request | socat": requests sent before EOF are still answered. */
static void test_half_closed_client_is_answered(void)
{
    TestClient *c;
    char byte;
    ssize_t n;

    test_server_start();
    c = test_client_new(true);
    test_send(c, "{\"execute\": \"nope\", \"id\": 1}");
    g_assert_cmpint(shutdown(c->fd, SHUT_WR), ==, 0);
    test_expect(c, "{\"id\": 1, \"error\": {\"class\": \"CommandNotFound\", "
                "\"desc\": \"The command nope has not been found\"}}");
    /* then the server closes its side */
    while ((n = recv(c->fd, &byte, 1, MSG_DONTWAIT)) < 0) {
        g_assert_cmpint(errno, ==, EAGAIN);
        g_main_context_iteration(NULL, false);
    }
    g_assert_cmpint(n, ==, 0);
    test_client_free(c);
    test_server_stop();
}

/* Replies the socket cannot take at once are queued, none is lost. */
static void test_slow_reader_gets_every_reply(void)
{
    TestClient *c;
    g_autoptr(GString) burst = g_string_new(NULL);
    const int nb_requests = 3000;

    test_server_start();
    c = test_client_new(true);
    for (int i = 0; i < nb_requests; i++) {
        g_string_append_printf(burst, "{\"execute\": \"human-monitor-command"
                               "\", \"arguments\": {\"command-line\": "
                               "\"help\"}, \"id\": %d}", i);
    }
    test_send(c, burst->str);
    for (int i = 0; i < nb_requests; i++) {
        g_autofree char *line = test_recv_line(c);
        g_autofree char *id = g_strdup_printf(", \"id\": %d}", i);

        g_assert_true(g_str_has_prefix(line, "{\"return\": \"cont|c  -- "));
        g_assert_true(g_str_has_suffix(line, id));
    }
    test_client_free(c);
    test_server_stop();
}

/* ---- the object tree ---- */

static Object *test_obj_new(const char *id)
{
    Object *obj = object_new(TYPE_TEST_QMP_OBJ);

    object_property_add_child(object_get_objects_root(), id, obj);
    object_unref(obj);
    return obj;
}

/* QEMU gives every object a "type" property; listings include it if so. */
static bool test_has_type(Object *obj)
{
    return object_property_find(obj, "type") != NULL;
}

static void test_qom_commands(void)
{
    TestClient *c;
    Object *obj;

    test_server_start();
    obj = test_obj_new("tq0");
    c = test_client_new(true);
    test_cmd(c, "{\"execute\": \"qom-list\", \"arguments\": {\"path\": "
             "\"/objects/tq0\"}}", test_has_type(obj) ?
             "{\"return\": [{\"name\": \"type\", \"type\": \"string\"}, "
             "{\"name\": \"size\", \"type\": \"size\"}, {\"name\": \"label\", "
             "\"type\": \"str\"}]}" :
             "{\"return\": [{\"name\": \"size\", \"type\": \"size\"}, "
             "{\"name\": \"label\", \"type\": \"str\"}]}");
    test_cmd(c, "{\"execute\": \"qom-set\", \"arguments\": {\"path\": "
             "\"tq0\", \"property\": \"size\", \"value\": 4096}}",
             "{\"return\": {}}");
    g_assert_cmpuint(((TestQmpObj *)obj)->size, ==, 4096);
    test_cmd(c, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
             "\"/objects/tq0\", \"property\": \"size\"}}",
             "{\"return\": 4096}");
    test_cmd(c, "{\"execute\": \"qom-set\", \"arguments\": {\"path\": "
             "\"tq0\", \"property\": \"size\", \"value\": \"big\"}}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": "
             "\"Parameter 'size' expects uint64\"}}");
    test_cmd(c, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
             "\"/nope\", \"property\": \"x\"}}",
             "{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": \"Device "
             "'/nope' not found\"}}");
    test_cmd(c, "{\"execute\": \"qom-set\", \"arguments\": {\"path\": "
             "\"tq0\", \"property\": \"nope\", \"value\": 1}}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Property "
             "'test-qmp-obj.nope' not found\"}}");
    test_cmd(c, "{\"execute\": \"qom-set\", \"arguments\": {\"path\": "
             "\"tq0\", \"property\": \"size\"}}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": "
             "\"Parameter 'value' is missing\"}}");
    test_client_free(c);
    object_unparent(obj);
    test_server_stop();
}

static void test_object_add_del(void)
{
    TestClient *c;
    Object *obj;

    test_server_start();
    c = test_client_new(true);
    test_cmd(c, "{\"execute\": \"object-add\", \"arguments\": {\"qom-type\": "
             "\"nope\", \"id\": \"x\"}}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter "
             "'qom-type' does not accept value 'nope'\"}}");
    test_cmd(c, "{\"execute\": \"object-add\", \"arguments\": {\"qom-type\": "
             "\"test-qmp-obj\"}}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": "
             "\"Parameter 'id' is missing\"}}");
    test_cmd(c, "{\"execute\": \"object-add\", \"arguments\": {\"qom-type\": "
             "\"test-qmp-obj\", \"id\": \"o1\", \"foo\": 1}}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": "
             "\"Parameter 'foo' is unexpected\"}}");
    g_assert_null(object_resolve_path("/objects/o1", NULL));
    test_cmd(c, "{\"execute\": \"object-add\", \"arguments\": {\"qom-type\": "
             "\"test-qmp-obj\", \"id\": \"o1\", \"size\": 8192, \"label\": "
             "\"hi\"}}", "{\"return\": {}}");
    obj = object_resolve_path("/objects/o1", NULL);
    g_assert_nonnull(obj);
    g_assert_cmpuint(((TestQmpObj *)obj)->size, ==, 8192);
    g_assert_cmpstr(((TestQmpObj *)obj)->label, ==, "hi");
    test_cmd(c, "{\"execute\": \"object-add\", \"arguments\": {\"qom-type\": "
             "\"test-qmp-obj\", \"id\": \"o1\"}}",
             "{\"error\": {\"class\": \"GenericError\", \"desc\": \"attempt to "
             "add duplicate property 'o1' to object (type 'container')\"}}");
    test_cmd(c, "{\"execute\": \"object-del\", \"arguments\": {\"id\": "
             "\"o1\"}}", "{\"return\": {}}");
    g_assert_null(object_resolve_path("/objects/o1", NULL));
    test_cmd(c, "{\"execute\": \"object-del\", \"arguments\": {\"id\": "
             "\"o1\"}}", "{\"error\": {\"class\": \"GenericError\", "
             "\"desc\": \"object 'o1' not found\"}}");
    test_client_free(c);
    test_server_stop();
}

/* ---- HMP through human-monitor-command ---- */

static void test_hmp(TestClient *c, const char *cmdline, const char *output)
{
    g_autofree char *req = g_strdup_printf(
        "{\"execute\": \"human-monitor-command\", \"arguments\": "
        "{\"command-line\": \"%s\"}}", cmdline);
    g_autofree char *rsp = g_strdup_printf("{\"return\": \"%s\"}", output);

    test_cmd(c, req, rsp);
}

static void test_hmp_parser(void)
{
    TestClient *c;

    test_server_start();
    c = test_client_new(true);
    test_hmp(c, "foo bar", "unknown command: 'foo'\\r\\n");
    test_hmp(c, "info  foo", "unknown command: 'info  foo'\\r\\n");
    test_hmp(c, "   ", "");
    test_hmp(c, "qom-get /", "qom-get: string expected\\r\\nTry \\\"help "
             "qom-get\\\" for more information\\r\\n");
    test_hmp(c, "s x", "stop|s: extraneous characters at the end of "
             "line\\r\\nTry \\\"help s\\\" for more information\\r\\n");
    test_hmp(c, "info mtree -f -f", "mtree: unsupported option -f\\r\\nTry "
             "\\\"help info mtree\\\" for more information\\r\\n");
    test_hmp(c, "info mtree -fo", "mtree: extraneous characters at the end "
             "of line\\r\\nTry \\\"help info mtree\\\" for more "
             "information\\r\\n");
    test_hmp(c, "help qom-get x", "qom-get path property -- print QOM "
             "property\\r\\n");
    test_hmp(c, "help info status", "info status  -- show the current VM "
             "status (running|paused)\\r\\n");
    test_hmp(c, "help nope", "unknown command: 'nope'\\r\\n");
    test_hmp(c, "info version", "7.2.0hotmem " HOTMEM_VERSION "\\r\\n");
    test_client_free(c);
    test_server_stop();
}

static void test_hmp_qom(void)
{
    TestClient *c;
    Object *obj;

    test_server_start();
    obj = test_obj_new("hq0");
    c = test_client_new(true);
    test_hmp(c, "qom-set hq0 size 2M", "");
    g_assert_cmpuint(((TestQmpObj *)obj)->size, ==, 2 * MiB);
    test_hmp(c, "qom-get hq0 size", "2097152\\r\\n");
    /* command line: qom-set -j hq0 label "\"a b\"" (a quoted JSON string) */
    test_hmp(c, "qom-set -j hq0 label \\\"\\\\\\\"a b\\\\\\\"\\\"", "");
    g_assert_cmpstr(((TestQmpObj *)obj)->label, ==, "a b");
    test_hmp(c, "qom-get \\\"hq0\\\" label", "\\\"a b\\\"\\r\\n");
    test_hmp(c, "qom-set -j hq0 size tru",
             "Error: JSON parse error, invalid keyword 'tru'\\r\\n");
    test_hmp(c, "qom-set -x hq0 size 1", "qom-set: unsupported option "
             "-x\\r\\nTry \\\"help qom-set\\\" for more information\\r\\n");
    test_hmp(c, "qom-get hq0 nope", "Error: Property 'test-qmp-obj.nope' "
             "not found\\r\\n");
    test_hmp(c, "qom-get /nope x", "Error: Device '/nope' not found\\r\\n");
    test_hmp(c, "qom-list hq0", test_has_type(obj) ?
             "type (string)\\r\\nsize (size)\\r\\nlabel (str)\\r\\n" :
             "size (size)\\r\\nlabel (str)\\r\\n");
    test_hmp(c, "qom-list", "/\\r\\n");
    test_hmp(c, "object_add nope,id=ho1", "Error: Parameter 'qom-type' does "
             "not accept value 'nope'\\r\\n");
    test_hmp(c, "object_add id=ho1", "Error: Parameter 'qom-type' is "
             "missing\\r\\n");
    test_hmp(c, "object_add test-qmp-obj,size=4K", "Error: Parameter 'id' "
             "is missing\\r\\n");
    test_hmp(c, "object_add test-qmp-obj,id=ho1,size=4K,label=a,,b", "");
    obj = object_resolve_path("/objects/ho1", NULL);
    g_assert_nonnull(obj);
    g_assert_cmpuint(((TestQmpObj *)obj)->size, ==, 4 * KiB);
    g_assert_cmpstr(((TestQmpObj *)obj)->label, ==, "a,b");
    test_hmp(c, "object_del ho1", "");
    g_assert_null(object_resolve_path("/objects/ho1", NULL));
    test_hmp(c, "object_del ho1", "Error: object 'ho1' not found\\r\\n");
    test_client_free(c);
    object_unparent(object_resolve_path("/objects/hq0", NULL));
    test_server_stop();
}

static bool test_hmp_custom(GString *out, int argc, char **argv,
                            Error **errp)
{
    if (argc > 1 && !strcmp(argv[argc - 1], "fail")) {
        error_setg(errp, "custom failed");
        return false;
    }
    for (int i = 0; i < argc; i++) {
        g_string_append_printf(out, "%s<%s>", i ? " " : "", argv[i]);
    }
    g_string_append_c(out, '\n');
    return true;
}

/* Arguments of registered commands come from their args_help. */
static void test_hmp_registered(void)
{
    TestClient *c;

    hmp_register_info("custom-test", "[-v] name [extra]", "a test command",
                      test_hmp_custom);
    test_server_start();
    c = test_client_new(true);
    test_hmp(c, "info custom-test -v \\\"a\\\\nb\\\"",
             "<custom-test> <-v> <a\\r\\nb>\\r\\n");
    test_hmp(c, "info custom-test n e", "<custom-test> <n> <e>\\r\\n");
    test_hmp(c, "info custom-test", "custom-test: string expected\\r\\nTry "
             "\\\"help info custom-test\\\" for more information\\r\\n");
    test_hmp(c, "info custom-test n fail", "Error: custom failed\\r\\n");
    test_hmp(c, "help info custom-test", "info custom-test [-v] name "
             "[extra] -- a test command\\r\\n");
    test_client_free(c);
    test_server_stop();
}

/* ---- run state (softmmu/runstate.c) ---- */

static void test_runstate_commands(void)
{
    TestClient *c;
    g_autofree char *ev = NULL;

    test_server_start();
    c = test_client_new(true);
    test_cmd(c, "{\"execute\": \"query-status\"}", "{\"return\": "
             "{\"status\": \"prelaunch\", \"singlestep\": false, "
             "\"running\": false}}");
    test_hmp(c, "info status", "VM status: paused (prelaunch)\\r\\n");
    test_hmp(c, "stop", "");
    test_send(c, "{\"execute\": \"cont\"}");
    ev = test_recv_event(c);
    g_assert_cmpstr(ev, ==, "RESUME");
    test_expect(c, "{\"return\": {}}");
    test_hmp(c, "info status", "VM status: running\\r\\n");
    test_send(c, "{\"execute\": \"stop\"}");
    g_free(ev);
    ev = test_recv_event(c);
    g_assert_cmpstr(ev, ==, "STOP");
    test_expect(c, "{\"return\": {}}");
    test_cmd(c, "{\"execute\": \"query-status\"}", "{\"return\": "
             "{\"status\": \"paused\", \"singlestep\": false, "
             "\"running\": false}}");
    test_hmp(c, "info status", "VM status: paused\\r\\n");
    test_cmd(c, "{\"execute\": \"system_reset\"}", "{\"return\": {}}");
    test_client_free(c);
    test_server_stop();
}

/* Send text with fd attached (SCM_RIGHTS), as libvirt passes fds. */
static void test_send_with_fd(TestClient *c, const char *text, int fd)
{
    char control[CMSG_SPACE(sizeof(int))] = { 0 };
    struct iovec iov = { .iov_base = (void *)text, .iov_len = strlen(text) };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control, .msg_controllen = sizeof(control),
    };
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    g_assert_cmpint(sendmsg(c->fd, &msg, MSG_NOSIGNAL), ==, strlen(text));
}

/* getfd keeps a passed fd by name; monitor_get_fd hands it over. */
static void test_getfd_closefd(void)
{
    TestClient *c;
    int fds[2];
    int got;

    g_assert_cmpint(pipe(fds), ==, 0);
    test_server_start();
    c = test_client_new(true);
    test_cmd(c, "{\"execute\": \"getfd\", \"arguments\": {\"fdname\": "
             "\"x\"}}", "{\"error\": {\"class\": \"GenericError\", "
             "\"desc\": \"No file descriptor supplied via SCM_RIGHTS\"}}");
    test_send_with_fd(c, "{\"execute\": \"getfd\", \"arguments\": "
                      "{\"fdname\": \"1x\"}}", fds[1]);
    test_expect(c, "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                "\"Parameter 'fdname' expects a name not starting with a "
                "digit\"}}");
    test_send_with_fd(c, "{\"execute\": \"getfd\", \"arguments\": "
                      "{\"fdname\": \"mig\"}}", fds[1]);
    test_expect(c, "{\"return\": {}}");
    got = monitor_get_fd("mig", &error_abort);
    g_assert_cmpint(write(got, "z", 1), ==, 1);     /* the pipe's end */
    close(got);
    test_cmd(c, "{\"execute\": \"closefd\", \"arguments\": {\"fdname\": "
             "\"mig\"}}", "{\"error\": {\"class\": \"GenericError\", "
             "\"desc\": \"File descriptor named 'mig' not found\"}}");
    close(fds[0]);
    close(fds[1]);
    test_client_free(c);
    test_server_stop();
}

static void test_add_fd_fdsets(void)
{
    TestClient *c;
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    g_autofree char *reply = NULL;

    test_server_start();
    c = test_client_new(true);
    test_send_with_fd(c, "{\"execute\": \"add-fd\", \"arguments\": "
                      "{\"opaque\": \"disk\"}}", fd);
    reply = test_recv_line(c);
    g_assert_true(g_str_has_prefix(reply, "{\"return\": {\"fdset-id\": 0, "
                                   "\"fd\": "));
    test_cmd(c, "{\"execute\": \"remove-fd\", \"arguments\": "
             "{\"fdset-id\": 3}}", "{\"error\": {\"class\": "
             "\"GenericError\", \"desc\": \"File descriptor named "
             "'fdset-id:3' not found\"}}");
    test_cmd(c, "{\"execute\": \"remove-fd\", \"arguments\": "
             "{\"fdset-id\": 0}}", "{\"return\": {}}");
    test_cmd(c, "{\"execute\": \"query-fdsets\"}", "{\"return\": []}");
    close(fd);
    test_client_free(c);
    test_server_stop();
}

static RunState test_state_after_guest_shutdown;

/* Runs once the main loop served the guest's shutdown: note, then quit. */
static gboolean test_note_state_then_quit(gpointer opaque)
{
    test_state_after_guest_shutdown = runstate_get();
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    return G_SOURCE_REMOVE;
}

/* -no-shutdown: a guest shutdown stops the VM; QMP quit still exits. */
static void test_no_shutdown_stops(void)
{
    runstate_set_no_shutdown(true);
    vm_start();
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    g_idle_add(test_note_state_then_quit, NULL);
    g_assert_cmpint(qemu_main_loop(), ==, 0);
    g_assert_cmpint(test_state_after_guest_shutdown, ==, RUN_STATE_SHUTDOWN);
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_SHUTDOWN);
    runstate_set_no_shutdown(false);
}

/* As QEMU: a reply follows the events its command caused, in order. */
static void test_replies_follow_their_events(void)
{
    TestClient *c;
    g_autofree char *resume = NULL;
    g_autofree char *stop = NULL;

    test_server_start();
    c = test_client_new(true);
    test_send(c, "{\"execute\": \"cont\", \"id\": 1}"
              "{\"execute\": \"stop\", \"id\": 2}");
    resume = test_recv_event(c);
    g_assert_cmpstr(resume, ==, "RESUME");
    test_expect(c, "{\"return\": {}, \"id\": 1}");
    stop = test_recv_event(c);
    g_assert_cmpstr(stop, ==, "STOP");
    test_expect(c, "{\"return\": {}, \"id\": 2}");
    test_client_free(c);
    test_server_stop();
}

/* ---- QEMU's JSON dialect ---- */

static void test_json_parse_error(const char *text, const char *message)
{
    Error *err = NULL;

    g_assert_null(qmp_json_parse(text, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, message);
    error_free(err);
}

static void test_json_parser(void)
{
    json_t *v = qmp_json_parse("{'a': \"\\ud83d\\ude00\", \"b\": -0, "
                               "\"c\": 1.5e3, \"d\": [true, null]}",
                               &error_abort);
    g_autofree char *text = qmp_json_to_string(v, false);

    g_assert_cmpstr(text, ==, "{\"a\": \"\\uD83D\\uDE00\", \"b\": 0, "
                    "\"c\": 1500, \"d\": [true, null]}");
    json_decref(v);
    test_json_parse_error("{\"a\": 1, \"a\": 2}",
                          "JSON parse error, duplicate key");
    test_json_parse_error("{1: 2}",
                          "JSON parse error, key is not a string in object");
    test_json_parse_error("[1 2]",
                          "JSON parse error, expected separator in list");
    test_json_parse_error("[1,]", "JSON parse error, expecting value");
    test_json_parse_error("\"\\q\"",
                          "JSON parse error, invalid escape sequence in "
                          "string");
    test_json_parse_error("\"\\u12\"", "JSON parse error, \\u12\" is not a "
                          "valid Unicode character");
    test_json_parse_error("01", "JSON parse error, stray '01'");
    test_json_parse_error("Foo", "JSON parse error, stray 'F'");
    test_json_parse_error("1 2", "Expecting at most one JSON value");
    test_json_parse_error("", "Expecting a JSON value");
}

static void test_json_writer(void)
{
    /* invalid UTF-8 (\xff) is written as U+FFFD, as QEMU does */
    json_t *v = json_pack("{s:o, s:[], s:{}, s:{s:i}}", "s",
                          json_stringn_nocheck("\x7f\t\xc3\xa9\xff", 5),
                          "l", "e", "o", "k", 1);
    g_autofree char *flat = qmp_json_to_string(v, false);
    g_autofree char *pretty = qmp_json_to_string(v, true);

    g_assert_cmpstr(flat, ==, "{\"s\": \"\\u007F\\t\\u00E9\\uFFFD\", "
                    "\"l\": [], \"e\": {}, \"o\": {\"k\": 1}}");
    g_assert_cmpstr(pretty, ==, "{\n    \"s\": \"\\u007F\\t\\u00E9\\uFFFD\","
                    "\n    \"l\": [\n    ],\n    \"e\": {\n    },\n    \"o\": "
                    "{\n        \"k\": 1\n    }\n}");
    json_decref(v);
}

/* ---- chardevs and -mon ---- */

static void test_chardev_errors(void)
{
    Error *err = NULL;
    json_t *opts = json_pack("{ss ss ss ss ss}", "backend", "socket", "id",
                             "c0", "path", "/nonexistent-dir/x.sock",
                             "server", "on", "wait", "off");

    g_assert_false(chardev_add_from_opts(opts, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Failed to bind socket to "
                    "/nonexistent-dir/x.sock: No such file or directory");
    g_clear_pointer(&err, error_free);
    g_assert_null(qemu_chr_find("c0"));
    json_object_set_new(opts, "server", json_string("maybe"));
    g_assert_false(chardev_add_from_opts(opts, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'server' expects 'on' or 'off'");
    g_clear_pointer(&err, error_free);
    json_object_set_new(opts, "foo", json_string("1"));
    g_assert_false(chardev_add_from_opts(opts, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter 'foo'");
    g_clear_pointer(&err, error_free);
    g_assert_false(monitor_init_chardev("c1", "control", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "chardev \"c1\" not found");
    g_clear_pointer(&err, error_free);
    json_decref(opts);
}

static void test_chardev_monitor(void)
{
    Error *err = NULL;
    TestClient *c;
    json_t *opts;

    test_sock_path = g_strdup_printf("%s/hotmem-test-chr-%d.sock",
                                     g_get_tmp_dir(), getpid());
    opts = json_pack("{ss ss ss ss ss}", "backend", "socket", "id", "mon0",
                     "path", test_sock_path, "server", "on", "wait", "off");
    g_assert_true(chardev_add_from_opts(opts, &error_abort));
    g_assert_false(chardev_add_from_opts(opts, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Duplicate ID 'mon0' for chardev");
    g_clear_pointer(&err, error_free);
    g_assert_true(monitor_init_chardev("mon0", "control", &error_abort));
    g_assert_false(monitor_init_chardev("mon0", "control", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'mon0' is in use");
    g_clear_pointer(&err, error_free);
    c = test_client_new(true);
    test_cmd(c, "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
             "\"/nope\", \"property\": \"x\"}}", TEST_NOT_FOUND);
    test_client_free(c);
    json_decref(opts);
    test_server_stop();
    g_assert_null(qemu_chr_find("mon0"));
}

static gpointer test_connect_later(gpointer path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    while (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        g_usleep(1000);     /* until the server listens */
    }
    return GINT_TO_POINTER(fd);
}

/* wait=on: start-up blocks until the first client, which is then served. */
static void test_wait_on_blocks_for_client(void)
{
    GThread *thread;
    TestClient *c = g_new0(TestClient, 1);

    test_sock_path = g_strdup_printf("%s/hotmem-test-wait-%d.sock",
                                     g_get_tmp_dir(), getpid());
    unlink(test_sock_path);
    thread = g_thread_new("connect", test_connect_later, test_sock_path);
    g_assert_true(monitor_init_qmp_unix(test_sock_path, true, true,
                                        &error_abort));
    c->fd = GPOINTER_TO_INT(g_thread_join(thread));
    c->buf = g_string_new(NULL);
    test_expect(c, TEST_GREETING);
    test_client_free(c);
    test_server_stop();
}

/* server=off: the monitor connects to a listening client. */
static void test_client_mode(void)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    TestClient *c = g_new0(TestClient, 1);
    g_autofree char *path = g_strdup_printf("%s/hotmem-test-cli-%d.sock",
                                            g_get_tmp_dir(), getpid());
    g_autofree char *expected = NULL;
    Error *err = NULL;

    unlink(path);
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    g_assert_cmpint(bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr)),
                    ==, 0);
    g_assert_cmpint(listen(listen_fd, 1), ==, 0);
    g_assert_true(monitor_init_qmp_unix(path, false, false, &error_abort));
    c->fd = accept(listen_fd, NULL, NULL);
    c->buf = g_string_new(NULL);
    test_expect(c, TEST_GREETING);
    test_client_free(c);
    monitor_cleanup();
    /* the client's socket file is not the monitor's to remove */
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    unlink(path);
    close(listen_fd);
    expected = g_strdup_printf("Failed to connect to '%s': No such file or "
                               "directory", path);
    g_assert_false(monitor_init_qmp_unix(path, false, false, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, expected);
    error_free(err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    type_register_static(&test_obj_info);
    g_test_add_func("/qmp/greeting/version-and-oob", test_greeting);
    g_test_add_func("/qmp/negotiation/commands-need-capabilities-first",
                    test_negotiation_required);
    g_test_add_func("/qmp/negotiation/enable-checks-capabilities",
                    test_negotiation_enable);
    g_test_add_func("/qmp/request/id-echoed", test_id_echoed);
    g_test_add_func("/qmp/request/envelope-errors", test_envelope_errors);
    g_test_add_func("/qmp/request/malformed-json-then-good-command",
                    test_malformed_then_good);
    g_test_add_func("/qmp/request/stray-character-recovers",
                    test_stray_character_recovers);
    g_test_add_func("/qmp/request/split-across-writes", test_split_input);
    g_test_add_func("/qmp/request/two-commands-one-write",
                    test_two_commands_one_write);
    g_test_add_func("/qmp/request/argument-errors", test_argument_errors);
    g_test_add_func("/qmp/clients/independent-negotiation",
                    test_two_clients);
    g_test_add_func("/qmp/clients/leaving-mid-reply-is-harmless",
                    test_client_leaves_mid_reply);
    g_test_add_func("/qmp/clients/half-closed-client-is-answered",
                    test_half_closed_client_is_answered);
    g_test_add_func("/qmp/clients/slow-reader-gets-every-reply",
                    test_slow_reader_gets_every_reply);
    g_test_add_func("/qmp/events/negotiated-clients-only",
                    test_events_negotiated_only);
    g_test_add_func("/qmp/qom/list-get-set", test_qom_commands);
    g_test_add_func("/qmp/qom/object-add-del", test_object_add_del);
    g_test_add_func("/qmp/hmp/parser-messages", test_hmp_parser);
    g_test_add_func("/qmp/hmp/qom-commands", test_hmp_qom);
    g_test_add_func("/qmp/hmp/registered-command-args", test_hmp_registered);
    g_test_add_func("/qmp/runstate/stop-cont-status", test_runstate_commands);
    g_test_add_func("/qmp/fds/getfd-closefd", test_getfd_closefd);
    g_test_add_func("/qmp/fds/add-fd-remove-fd", test_add_fd_fdsets);
    g_test_add_func("/qmp/runstate/no-shutdown-stops-on-guest-shutdown",
                    test_no_shutdown_stops);
    g_test_add_func("/qmp/runstate/replies-follow-their-events",
                    test_replies_follow_their_events);
    g_test_add_func("/qmp/json/parser-messages", test_json_parser);
    g_test_add_func("/qmp/json/writer-format", test_json_writer);
    g_test_add_func("/qmp/chardev/option-errors", test_chardev_errors);
    g_test_add_func("/qmp/chardev/mon-attaches-qmp", test_chardev_monitor);
    g_test_add_func("/qmp/chardev/wait-on-blocks-for-first-client",
                    test_wait_on_blocks_for_client);
    g_test_add_func("/qmp/chardev/server-off-connects", test_client_mode);
    return g_test_run();
}
