/*
 * Chardev options of client sockets (monitor/chardev.c): reconnect=, a
 * client that starts disconnected, new connections for a frontend whose
 * peer went away.  Real unix sockets in a temporary directory; messages
 * are QEMU 7.2's where it has one (checked with qemu-system-x86_64).
 */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include <sys/socket.h>
#include <sys/un.h>

typedef struct TestDir {
    char *dir;
    char *sock_path;
} TestDir;

static void test_dir_init(TestDir *t)
{
    GError *gerr = NULL;

    t->dir = g_dir_make_tmp("hotmem-chr-XXXXXX", &gerr);
    g_assert_no_error(gerr);
    t->sock_path = g_build_filename(t->dir, "c.sock", NULL);
}

static void test_dir_cleanup(TestDir *t)
{
    chardev_cleanup();
    unlink(t->sock_path);
    rmdir(t->dir);
    g_free(t->sock_path);
    g_free(t->dir);
}

static json_t *test_client_opts(const char *path, const char *reconnect)
{
    json_t *opts = json_pack("{ss ss ss}", "backend", "socket", "id", "c0",
                             "path", path);

    if (reconnect) {
        json_object_set_new(opts, "reconnect", json_string(reconnect));
    }
    return opts;
}

static void test_add_fails(json_t *opts, const char *message)
{
    Error *err = NULL;

    g_assert_false(chardev_add_from_opts(opts, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, message);
    error_free(err);
    g_assert_null(qemu_chr_find("c0"));
    json_decref(opts);
}

static int test_listen(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    g_assert_cmpint(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(fd, 4), ==, 0);
    return fd;
}

static void test_reconnect_option_errors(void)
{
    TestDir t;
    json_t *opts;
    g_autofree char *no_peer = NULL;

    test_dir_init(&t);
    test_add_fails(test_client_opts(t.sock_path, "abc"),
                   "Parameter 'reconnect' expects a number");
    test_add_fails(test_client_opts(t.sock_path, ""),
                   "Parameter 'reconnect' expects a number");
    test_add_fails(test_client_opts(t.sock_path, "1.5"),
                   "Parameter 'reconnect' expects a number");
    test_add_fails(test_client_opts(t.sock_path, "-1"),
                   "Parameter 'reconnect' expects a non-negative number");
    test_add_fails(test_client_opts(t.sock_path, "99999999999999999999"),
                   "Value '99999999999999999999' is too large for "
                   "parameter 'reconnect'");
    opts = test_client_opts(t.sock_path, "0");
    json_object_set_new(opts, "reconnect", json_integer(-3));
    test_add_fails(opts, "Parameter 'reconnect' expects a non-negative "
                   "number");
    opts = test_client_opts(t.sock_path, "0");
    json_object_set_new(opts, "server", json_string("on"));
    json_object_set_new(opts, "wait", json_string("off"));
    test_add_fails(opts, "'reconnect' option is incompatible with socket in "
                   "server listen mode");
    /* reconnect=0 is off: a failed connect stays an error */
    no_peer = g_strdup_printf("Failed to connect to '%s': No such file or "
                              "directory", t.sock_path);
    test_add_fails(test_client_opts(t.sock_path, "0"), no_peer);
    test_dir_cleanup(&t);
}

/* With reconnect the chardev exists disconnected; later connects work. */
static void test_reconnect_client_starts_disconnected(void)
{
    json_t *opts;
    Chardev *chr;
    Error *err = NULL;
    TestDir t;
    int listen_fd;
    int fd;

    test_dir_init(&t);
    opts = test_client_opts(t.sock_path, "0x10");   /* base 0, as QEMU */
    g_assert_true(chardev_add_from_opts(opts, &error_abort));
    json_decref(opts);
    chr = qemu_chr_find("c0");
    g_assert_nonnull(chr);
    g_assert_cmpint(chardev_get_reconnect(chr), ==, 16);
    g_assert_false(chardev_is_server(chr));
    g_assert_cmpint(chardev_take_connected_fd(chr), ==, -1);
    g_assert_cmpint(chardev_client_connect(chr, &err), ==, -1);
    g_assert_nonnull(strstr(error_get_pretty(err), "Failed to connect to"));
    g_clear_pointer(&err, error_free);
    listen_fd = test_listen(t.sock_path);
    fd = chardev_client_connect(chr, &error_abort);
    g_assert_cmpint(fd, >=, 0);
    close(accept(listen_fd, NULL, NULL));
    close(fd);
    close(listen_fd);
    test_dir_cleanup(&t);
}

static void test_client_connects_at_creation(void)
{
    json_t *opts;
    Chardev *chr;
    TestDir t;
    int listen_fd;
    int fd;

    test_dir_init(&t);
    listen_fd = test_listen(t.sock_path);
    opts = test_client_opts(t.sock_path, "2");
    g_assert_true(chardev_add_from_opts(opts, &error_abort));
    json_decref(opts);
    chr = qemu_chr_find("c0");
    g_assert_cmpint(chardev_get_reconnect(chr), ==, 2);
    fd = chardev_take_connected_fd(chr);
    g_assert_cmpint(fd, >=, 0);
    close(fd);
    close(listen_fd);
    test_dir_cleanup(&t);
}

static void test_server_cannot_connect(void)
{
    json_t *opts;
    Chardev *chr;
    Error *err = NULL;
    TestDir t;

    test_dir_init(&t);
    opts = json_pack("{ss ss ss ss ss}", "backend", "socket", "id", "s0",
                     "path", t.sock_path, "server", "on", "wait", "off");
    g_assert_true(chardev_add_from_opts(opts, &error_abort));
    json_decref(opts);
    chr = qemu_chr_find("s0");
    g_assert_true(chardev_is_server(chr));
    g_assert_cmpint(chardev_get_reconnect(chr), ==, 0);
    g_assert_cmpint(chardev_client_connect(chr, &err), ==, -1);
    g_assert_cmpstr(error_get_pretty(err), ==, "chardev 's0' is a server: "
                    "it accepts connections, it cannot make one");
    error_free(err);
    test_dir_cleanup(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/chardev/reconnect/option-errors",
                    test_reconnect_option_errors);
    g_test_add_func("/chardev/reconnect/client-starts-disconnected",
                    test_reconnect_client_starts_disconnected);
    g_test_add_func("/chardev/reconnect/client-connects-at-creation",
                    test_client_connects_at_creation);
    g_test_add_func("/chardev/client-connect/server-is-refused",
                    test_server_cannot_connect);
    return g_test_run();
}
