/*
 * libqtest: starts the binary under test with two unix sockets the test
 * listens on (the VMM connects to both, as QEMU does with -qtest unix:P
 * and -chardev socket,path=P), then speaks the qtest line protocol and
 * QMP.  QMP events that arrive while a reply is awaited are queued.  Each
 * wait is bounded by QTEST_TIMEOUT_S and fails the test; every child is
 * killed if the test process aborts or exits.  Header: libqtest.h.
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#define QTEST_MAX_IRQ 256

struct QTestState {
    pid_t pid;
    int qtest_fd;
    int qmp_fd;
    GString *qtest_rx;          /* bytes received, not yet a full line */
    GString *qmp_rx;
    GQueue events;              /* json_t *, oldest first */
    GQueue replies;             /* replies read while waiting for events */
    bool irq_level[QTEST_MAX_IRQ];
};

static GList *qtest_live;       /* QTestState *: children to kill at exit */
static bool qtest_handlers_installed;
static GHookList qtest_abort_hooks;     /* qtest_add_abort_handler() */

const char *qtest_binary(void)
{
    const char *bin = g_getenv("QTEST_QEMU_BINARY");

#ifdef QTEST_DEFAULT_BINARY
    if (!bin) {
        bin = QTEST_DEFAULT_BINARY;
    }
#endif
    if (!bin) {
        g_error("QTEST_QEMU_BINARY is not set");
    }
    return bin;
}

bool qtest_is_reference(void)
{
    return g_strcmp0(g_getenv("QTEST_REFERENCE"), "1") == 0;
}

/* ---- children: killed whatever way the test ends ---- */

static void qtest_kill_all(void)
{
    for (GList *l = qtest_live; l; l = l->next) {
        QTestState *s = l->data;

        if (s->pid > 0) {
            kill(s->pid, SIGKILL);
        }
    }
}

static void qtest_abort_handler(int sig)
{
    qtest_kill_all();
    if (qtest_abort_hooks.is_setup) {
        g_hook_list_invoke(&qtest_abort_hooks, FALSE);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void qtest_install_handlers(void)
{
    if (qtest_handlers_installed) {
        return;
    }
    qtest_handlers_installed = true;
    atexit(qtest_kill_all);
    signal(SIGABRT, qtest_abort_handler);
    signal(SIGSEGV, qtest_abort_handler);
    signal(SIGTERM, qtest_abort_handler);
    signal(SIGPIPE, SIG_IGN);
}

void qtest_add_abort_handler(GHookFunc fn, const void *data)
{
    GHook *hook;

    qtest_install_handlers();
    if (!qtest_abort_hooks.is_setup) {
        g_hook_list_init(&qtest_abort_hooks, sizeof(GHook));
    }
    hook = g_hook_alloc(&qtest_abort_hooks);
    hook->func = fn;
    hook->data = (void *)data;
    g_hook_prepend(&qtest_abort_hooks, hook);
}

/* ---- sockets ---- */

static int qtest_listen(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpuint(strlen(path), <, sizeof(addr.sun_path));
    strcpy(addr.sun_path, path);
    unlink(path);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(fd, 1), ==, 0);
    return fd;
}

/* Wait for fd to become readable until deadline (monotonic us). */
static bool qtest_wait_readable(int fd, gint64 deadline)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    gint64 left;
    int r;

    do {
        left = deadline - g_get_monotonic_time();
        if (left < 0) {
            return false;
        }
        r = poll(&pfd, 1, (int)(left / 1000) + 1);
    } while (r < 0 && errno == EINTR);
    return r > 0;
}

/* Whether fd has data right now (poll with no timeout). */
static bool qtest_readable_now(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    int r;

    do {
        r = poll(&pfd, 1, 0);
    } while (r < 0 && errno == EINTR);
    return r > 0;
}

static gint64 qtest_deadline(void)
{
    return g_get_monotonic_time() + QTEST_TIMEOUT_S * G_USEC_PER_SEC;
}

static int qtest_accept(QTestState *s, int listen_fd, const char *what)
{
    int fd;

    if (!qtest_wait_readable(listen_fd, qtest_deadline())) {
        int status = 0;

        if (s->pid > 0 && waitpid(s->pid, &status, WNOHANG) == s->pid) {
            s->pid = -1;
            g_error("%s exited (status 0x%x) before connecting its %s "
                    "socket", qtest_binary(), status, what);
        }
        g_error("%s did not connect its %s socket in %d s", qtest_binary(),
                what, QTEST_TIMEOUT_S);
    }
    fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    g_assert_cmpint(fd, >=, 0);
    return fd;
}

static void qtest_send_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            g_error("send to %s failed: %s", qtest_binary(),
                    n < 0 ? g_strerror(errno) : "closed");
        }
        buf += n;
        len -= n;
    }
}

/*
 * Take one line from rx, reading fd as needed until deadline.  NULL on
 * timeout; g_error when the peer closed.
 */
static char *qtest_read_line(int fd, GString *rx, gint64 deadline,
                             const char *what)
{
    char buf[4096];
    char *nl;
    ssize_t n;

    while (!(nl = memchr(rx->str, '\n', rx->len))) {
        if (!qtest_wait_readable(fd, deadline)) {
            return NULL;
        }
        n = recv(fd, buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            g_error("%s closed the %s socket", qtest_binary(), what);
        }
        g_string_append_len(rx, buf, n);
    }
    {
        char *line = g_strndup(rx->str, nl - rx->str);

        g_string_erase(rx, 0, nl - rx->str + 1);
        return g_strchomp(line);
    }
}

/* ---- start and stop ---- */

static char *qtest_socket_path(const char *kind)
{
    static int counter;

    return g_strdup_printf("%s/qtest-%d-%d.%s", g_get_tmp_dir(),
                           (int)getpid(), counter++, kind);
}

static const char *qtest_default_machine(void)
{
    return qtest_is_reference() ? "-machine q35,accel=tcg -S"
                                : "-machine q35,accel=qtest";
}

static pid_t qtest_spawn(const char *cmdline)
{
    pid_t pid = fork();

    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        /* Die with the test even if it is killed with SIGKILL. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execlp("/bin/sh", "sh", "-c", cmdline, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static void qtest_qmp_handshake(QTestState *s)
{
    json_t *greeting = qtest_qmp_receive_any(s);
    json_t *r;

    g_assert_nonnull(json_object_get(greeting, "QMP"));
    json_decref(greeting);
    r = qtest_qmp(s, "{'execute': 'qmp_capabilities'}");
    g_assert_nonnull(json_object_get(r, "return"));
    json_decref(r);
}

QTestState *qtest_init_without_qmp_handshake(const char *extra_args)
{
    g_autofree char *qtest_path = qtest_socket_path("sock");
    g_autofree char *qmp_path = qtest_socket_path("qmp");
    g_autofree char *cmdline = NULL;
    QTestState *s = g_new0(QTestState, 1);
    int qtest_listen_fd = qtest_listen(qtest_path);
    int qmp_listen_fd = qtest_listen(qmp_path);

    qtest_install_handlers();
    cmdline = g_strdup_printf(
        "exec %s -qtest unix:%s -qtest-log %s "
        "-chardev socket,path=%s,id=char0 -mon chardev=char0,mode=control "
        "-display none -nodefaults %s %s", qtest_binary(), qtest_path,
        g_getenv("QTEST_LOG") ? "/dev/fd/2" : "/dev/null", qmp_path,
        qtest_default_machine(), extra_args ? extra_args : "");
    if (g_getenv("QTEST_LOG")) {
        g_printerr("libqtest: %s\n", cmdline);
    }
    s->qtest_rx = g_string_new("");
    s->qmp_rx = g_string_new("");
    g_queue_init(&s->events);
    g_queue_init(&s->replies);
    s->pid = qtest_spawn(cmdline);
    qtest_live = g_list_prepend(qtest_live, s);
    s->qtest_fd = qtest_accept(s, qtest_listen_fd, "qtest");
    s->qmp_fd = qtest_accept(s, qmp_listen_fd, "QMP");
    close(qtest_listen_fd);
    close(qmp_listen_fd);
    unlink(qtest_path);
    unlink(qmp_path);
    return s;
}

QTestState *qtest_init(const char *extra_args)
{
    QTestState *s = qtest_init_without_qmp_handshake(extra_args);

    qtest_qmp_handshake(s);
    return s;
}

int qtest_listen_unix(const char *path)
{
    return qtest_listen(path);
}

QTestState *qtest_attach(int listen_fd)
{
    QTestState *s = g_new0(QTestState, 1);

    s->pid = -1;
    s->qmp_fd = -1;
    s->qtest_rx = g_string_new("");
    s->qmp_rx = g_string_new("");
    g_queue_init(&s->events);
    g_queue_init(&s->replies);
    s->qtest_fd = qtest_accept(s, listen_fd, "qtest");
    return s;
}

pid_t qtest_pid(QTestState *s)
{
    return s->pid;
}

/* waitpid with a deadline; false on timeout. */
static bool qtest_waitpid(pid_t pid, int *status, gint64 deadline)
{
    while (waitpid(pid, status, WNOHANG) != pid) {
        if (g_get_monotonic_time() > deadline) {
            return false;
        }
        g_usleep(1000);
    }
    return true;
}

static void qtest_free(QTestState *s)
{
    close(s->qtest_fd);
    if (s->qmp_fd >= 0) {
        close(s->qmp_fd);
    }
    g_string_free(s->qtest_rx, TRUE);
    g_string_free(s->qmp_rx, TRUE);
    g_queue_clear_full(&s->events, (GDestroyNotify)json_decref);
    g_queue_clear_full(&s->replies, (GDestroyNotify)json_decref);
    g_free(s);
}

int qtest_wait_exit(QTestState *s)
{
    int status;

    if (!qtest_waitpid(s->pid, &status, qtest_deadline())) {
        g_error("%s did not exit within %d s", qtest_binary(),
                QTEST_TIMEOUT_S);
    }
    qtest_live = g_list_remove(qtest_live, s);
    qtest_free(s);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void qtest_quit(QTestState *s)
{
    int status;

    qtest_live = g_list_remove(qtest_live, s);
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        if (!qtest_waitpid(s->pid, &status, qtest_deadline())) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &status, 0);
        }
        /*
         * hotmem exits 0 on SIGTERM at any point: one that crashes or whose
         * sanitizers report (leaks included) on the way out fails the
         * test.  QEMU 7.2 dies of a SIGTERM that comes before its
         * handlers are installed.
         */
        if (!qtest_is_reference()) {
            g_assert_true(WIFEXITED(status));
            g_assert_cmpint(WEXITSTATUS(status), ==, 0);
        }
    }
    qtest_free(s);
}

/* ---- command-line probes ---- */

/* Append what one read() gives; true when it gave something. */
static bool qtest_drain_pipe(int fd, GString *into)
{
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof(buf));

    if (n > 0) {
        g_string_append_len(into, buf, n);
    }
    return n > 0;
}

/* Collect both pipes until pid exits; fails the test after the timeout. */
static int qtest_collect_child(GPid pid, int out_fd, int err_fd,
                               GString *out_text, GString *err_text)
{
    gint64 deadline = qtest_deadline();
    int wstatus = 0;

    while (waitpid(pid, &wstatus, WNOHANG) != pid) {
        struct pollfd pfd[2] = { { out_fd, POLLIN, 0 },
                                 { err_fd, POLLIN, 0 } };

        if (g_get_monotonic_time() > deadline) {
            kill(pid, SIGKILL);
            g_error("%s still running after %d s", qtest_binary(),
                    QTEST_TIMEOUT_S);
        }
        if (poll(pfd, 2, 10) > 0) {
            qtest_drain_pipe(out_fd, out_text);
            qtest_drain_pipe(err_fd, err_text);
        }
    }
    /* What is left in the pipes; the writer is gone, reads end at EOF. */
    fcntl(out_fd, F_SETFL, O_NONBLOCK);
    fcntl(err_fd, F_SETFL, O_NONBLOCK);
    while (qtest_drain_pipe(out_fd, out_text) ||
           qtest_drain_pipe(err_fd, err_text)) {
        continue;
    }
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus)
                              : 128 + WTERMSIG(wstatus);
}

char *qtest_probe_cli_full(const char *args, int *status, char **out)
{
    g_autofree char *cmdline = g_strdup_printf("exec %s %s", qtest_binary(),
                                               args);
    char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmdline, NULL };
    GString *err_text = g_string_new("");
    GString *out_text = g_string_new("");
    int out_fd, err_fd;
    GPid pid;

    g_assert_true(g_spawn_async_with_pipes(NULL, argv, NULL,
                                           G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                           NULL, &pid, NULL, &out_fd,
                                           &err_fd, NULL));
    *status = qtest_collect_child(pid, out_fd, err_fd, out_text, err_text);
    close(out_fd);
    close(err_fd);
    g_spawn_close_pid(pid);
    if (out) {
        *out = g_string_free(out_text, FALSE);
    } else {
        g_string_free(out_text, TRUE);
    }
    return g_string_free(err_text, FALSE);
}

char *qtest_probe_cli(const char *args, int *status)
{
    return qtest_probe_cli_full(args, status, NULL);
}

/* ---- qtest protocol ---- */

/* "IRQ raise N" / "IRQ lower N": record the level. */
static void qtest_handle_irq_line(QTestState *s, const char *line)
{
    g_auto(GStrv) w = g_strsplit(line, " ", 0);
    int64_t n;

    g_assert_true(w[1] && w[2]);
    n = g_ascii_strtoll(w[2], NULL, 0);
    g_assert_cmpint(n, >=, 0);
    g_assert_cmpint(n, <, QTEST_MAX_IRQ);
    s->irq_level[n] = strcmp(w[1], "raise") == 0;
}

static char *qtest_reply_line(QTestState *s, const char *cmd)
{
    gint64 deadline = qtest_deadline();

    for (;;) {
        char *line = qtest_read_line(s->qtest_fd, s->qtest_rx, deadline,
                                     "qtest");

        if (!line) {
            g_error("no qtest reply to '%s' in %d s", cmd, QTEST_TIMEOUT_S);
        }
        if (!g_str_has_prefix(line, "IRQ ")) {
            return line;
        }
        qtest_handle_irq_line(s, line);
        g_free(line);
    }
}

char *qtest_raw_cmd(QTestState *s, const char *fmt, ...)
{
    g_autofree char *cmd = NULL;
    g_autofree char *wire = NULL;
    va_list ap;

    va_start(ap, fmt);
    cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    wire = g_strconcat(cmd, "\n", NULL);
    qtest_send_all(s->qtest_fd, wire, strlen(wire));
    return qtest_reply_line(s, cmd);
}

/* Run cmd, require "OK[ VALUE]"; returns VALUE (g_malloc'ed) or "". */
static char *qtest_cmd_ok(QTestState *s, const char *cmd)
{
    g_autofree char *reply = qtest_raw_cmd(s, "%s", cmd);

    if (strcmp(reply, "OK") != 0 && !g_str_has_prefix(reply, "OK ")) {
        g_error("qtest '%s' answered '%s'", cmd, reply);
    }
    return g_strdup(reply[2] ? reply + 3 : "");
}

static uint64_t qtest_cmd_value(QTestState *s, const char *cmd)
{
    g_autofree char *value = qtest_cmd_ok(s, cmd);

    return g_ascii_strtoull(value, NULL, 0);
}

static uint64_t qtest_in(QTestState *s, char size, uint16_t port)
{
    g_autofree char *cmd = g_strdup_printf("in%c 0x%x", size, port);

    return qtest_cmd_value(s, cmd);
}

static void qtest_out(QTestState *s, char size, uint16_t port, uint32_t v)
{
    g_autofree char *cmd = g_strdup_printf("out%c 0x%x 0x%x", size, port, v);

    g_free(qtest_cmd_ok(s, cmd));
}

uint8_t qtest_inb(QTestState *s, uint16_t port)
{
    return qtest_in(s, 'b', port);
}

uint16_t qtest_inw(QTestState *s, uint16_t port)
{
    return qtest_in(s, 'w', port);
}

uint32_t qtest_inl(QTestState *s, uint16_t port)
{
    return qtest_in(s, 'l', port);
}

void qtest_outb(QTestState *s, uint16_t port, uint8_t value)
{
    qtest_out(s, 'b', port, value);
}

void qtest_outw(QTestState *s, uint16_t port, uint16_t value)
{
    qtest_out(s, 'w', port, value);
}

void qtest_outl(QTestState *s, uint16_t port, uint32_t value)
{
    qtest_out(s, 'l', port, value);
}

static uint64_t qtest_read(QTestState *s, char size, uint64_t addr)
{
    g_autofree char *cmd = g_strdup_printf("read%c 0x%" PRIx64, size, addr);

    return qtest_cmd_value(s, cmd);
}

static void qtest_write(QTestState *s, char size, uint64_t addr,
                        uint64_t value)
{
    g_autofree char *cmd = g_strdup_printf("write%c 0x%" PRIx64 " 0x%" PRIx64,
                                           size, addr, value);

    g_free(qtest_cmd_ok(s, cmd));
}

uint8_t qtest_readb(QTestState *s, uint64_t addr)
{
    return qtest_read(s, 'b', addr);
}

uint16_t qtest_readw(QTestState *s, uint64_t addr)
{
    return qtest_read(s, 'w', addr);
}

uint32_t qtest_readl(QTestState *s, uint64_t addr)
{
    return qtest_read(s, 'l', addr);
}

uint64_t qtest_readq(QTestState *s, uint64_t addr)
{
    return qtest_read(s, 'q', addr);
}

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value)
{
    qtest_write(s, 'b', addr, value);
}

void qtest_writew(QTestState *s, uint64_t addr, uint16_t value)
{
    qtest_write(s, 'w', addr, value);
}

void qtest_writel(QTestState *s, uint64_t addr, uint32_t value)
{
    qtest_write(s, 'l', addr, value);
}

void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value)
{
    qtest_write(s, 'q', addr, value);
}

void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    g_autofree char *cmd = NULL;
    g_autofree char *hex = NULL;
    uint8_t *bytes = data;

    if (!size) {
        return;     /* QEMU asserts on "read ADDR 0" */
    }
    cmd = g_strdup_printf("read 0x%" PRIx64 " 0x%zx", addr, size);
    hex = qtest_cmd_ok(s, cmd);
    g_assert_true(g_str_has_prefix(hex, "0x"));
    g_assert_cmpuint(strlen(hex), ==, 2 + 2 * size);
    for (size_t i = 0; i < size; i++) {
        bytes[i] = g_ascii_xdigit_value(hex[2 + 2 * i]) << 4 |
                   g_ascii_xdigit_value(hex[3 + 2 * i]);
    }
}

void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size)
{
    const uint8_t *bytes = data;
    GString *cmd;

    if (!size) {
        return;
    }
    cmd = g_string_new(NULL);
    g_string_printf(cmd, "write 0x%" PRIx64 " 0x%zx 0x", addr, size);
    for (size_t i = 0; i < size; i++) {
        g_string_append_printf(cmd, "%02x", bytes[i]);
    }
    g_free(qtest_cmd_ok(s, cmd->str));
    g_string_free(cmd, TRUE);
}

void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    g_autofree char *cmd = g_strdup_printf("b64read 0x%" PRIx64 " 0x%zx",
                                           addr, size);
    g_autofree char *b64 = qtest_cmd_ok(s, cmd);
    g_autofree guchar *raw = NULL;
    gsize len = 0;

    raw = g_base64_decode(b64, &len);
    g_assert_cmpuint(len, ==, size);
    memcpy(data, raw, size);
}

void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size)
{
    g_autofree char *b64 = g_base64_encode(data, size);
    g_autofree char *cmd = g_strdup_printf("b64write 0x%" PRIx64 " 0x%zx %s",
                                           addr, size, b64);

    g_free(qtest_cmd_ok(s, cmd));
}

void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern, size_t size)
{
    g_autofree char *cmd = g_strdup_printf("memset 0x%" PRIx64 " 0x%zx 0x%02x",
                                           addr, size, pattern);

    g_free(qtest_cmd_ok(s, cmd));
}

int64_t qtest_clock_step_next(QTestState *s)
{
    return qtest_cmd_value(s, "clock_step");
}

int64_t qtest_clock_step(QTestState *s, int64_t step_ns)
{
    g_autofree char *cmd = g_strdup_printf("clock_step %" PRIi64, step_ns);

    return qtest_cmd_value(s, cmd);
}

int64_t qtest_clock_set(QTestState *s, int64_t target_ns)
{
    g_autofree char *cmd = g_strdup_printf("clock_set %" PRIi64, target_ns);

    return qtest_cmd_value(s, cmd);
}

void qtest_irq_intercept_in(QTestState *s, const char *qom_path)
{
    g_autofree char *cmd = g_strdup_printf("irq_intercept_in %s", qom_path);

    g_free(qtest_cmd_ok(s, cmd));
}

void qtest_irq_intercept_out(QTestState *s, const char *qom_path)
{
    g_autofree char *cmd = g_strdup_printf("irq_intercept_out %s", qom_path);

    g_free(qtest_cmd_ok(s, cmd));
}

bool qtest_get_irq(QTestState *s, int num)
{
    g_assert_cmpint(num, >=, 0);
    g_assert_cmpint(num, <, QTEST_MAX_IRQ);
    /* Pick up IRQ lines already sent without waiting for them. */
    while (qtest_readable_now(s->qtest_fd)) {
        g_autofree char *line = qtest_read_line(s->qtest_fd, s->qtest_rx,
                                                qtest_deadline(), "qtest");

        g_assert_true(g_str_has_prefix(line, "IRQ "));
        qtest_handle_irq_line(s, line);
    }
    return s->irq_level[num];
}

void qtest_set_irq_in(QTestState *s, const char *qom_path, const char *name,
                      int num, int level)
{
    g_autofree char *cmd = g_strdup_printf("set_irq_in %s %s %d %d", qom_path,
                                           name ? name : "unnamed-gpio-in",
                                           num, level);

    g_free(qtest_cmd_ok(s, cmd));
}

/* ---- QMP ---- */

/* QEMU's tests write JSON with '...' strings: turn them into "...". */
static char *qtest_qmp_requote(const char *in)
{
    GString *out = g_string_new(NULL);
    char quote = 0;

    for (const char *p = in; *p; p++) {
        if (quote && *p == '\\' && p[1]) {
            if (quote == '\'' && p[1] == '\'') {
                g_string_append_c(out, '\'');
            } else {
                g_string_append_c(out, '\\');
                g_string_append_c(out, p[1]);
            }
            p++;
        } else if (!quote && (*p == '\'' || *p == '"')) {
            quote = *p;
            g_string_append_c(out, '"');
        } else if (quote && *p == quote) {
            quote = 0;
            g_string_append_c(out, '"');
        } else if (quote == '\'' && *p == '"') {
            g_string_append(out, "\\\"");
        } else {
            g_string_append_c(out, *p);
        }
    }
    return g_string_free(out, FALSE);
}

void qtest_qmp_send_raw(QTestState *s, const char *text)
{
    qtest_send_all(s->qmp_fd, text, strlen(text));
}

json_t *qtest_qmp_receive_any(QTestState *s)
{
    gint64 deadline = qtest_deadline();
    json_error_t err;

    for (;;) {
        g_autofree char *line = qtest_read_line(s->qmp_fd, s->qmp_rx,
                                                deadline, "QMP");
        json_t *msg;

        if (!line) {
            g_error("no QMP message from %s in %d s", qtest_binary(),
                    QTEST_TIMEOUT_S);
        }
        if (!*line) {
            continue;
        }
        msg = json_loads(line, 0, &err);
        if (!msg) {
            g_error("QMP sent invalid JSON (%s): %s", err.text, line);
        }
        return msg;
    }
}

static bool qtest_qmp_is_event(json_t *msg)
{
    return json_object_get(msg, "event") != NULL;
}

json_t *qtest_qmp_receive(QTestState *s)
{
    json_t *msg = g_queue_pop_head(&s->replies);

    while (!msg) {
        msg = qtest_qmp_receive_any(s);
        if (qtest_qmp_is_event(msg)) {
            g_queue_push_tail(&s->events, msg);
            msg = NULL;
        }
    }
    return msg;
}

static json_t *qtest_qmp_vsend(QTestState *s, const char *fmt, va_list ap)
{
    g_autofree char *text = g_strdup_vprintf(fmt, ap);
    g_autofree char *json_text = qtest_qmp_requote(text);
    g_autofree char *wire = NULL;
    json_error_t err;
    json_t *cmd = json_loads(json_text, 0, &err);

    if (!cmd) {
        g_error("test bug: invalid QMP command (%s): %s", err.text, text);
    }
    wire = json_dumps(cmd, JSON_COMPACT);
    json_decref(cmd);
    qtest_qmp_send_raw(s, wire);
    qtest_qmp_send_raw(s, "\n");
    return qtest_qmp_receive(s);
}

json_t *qtest_qmp(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    json_t *r;

    va_start(ap, fmt);
    r = qtest_qmp_vsend(s, fmt, ap);
    va_end(ap);
    return r;
}

json_t *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    json_t *r;
    json_t *ret;

    va_start(ap, fmt);
    r = qtest_qmp_vsend(s, fmt, ap);
    va_end(ap);
    ret = json_object_get(r, "return");
    if (!ret) {
        g_autofree char *dump = json_dumps(r, JSON_COMPACT);

        g_error("QMP command failed: %s", dump);
    }
    json_incref(ret);
    json_decref(r);
    return ret;
}

static json_t *qtest_qmp_take_event(QTestState *s, const char *name)
{
    for (GList *l = s->events.head; l; l = l->next) {
        json_t *ev = l->data;

        if (g_strcmp0(json_string_value(json_object_get(ev, "event")),
                      name) == 0) {
            g_queue_delete_link(&s->events, l);
            return ev;
        }
    }
    return NULL;
}

/* Queue every message that can be read without waiting. */
static void qtest_qmp_poll(QTestState *s)
{
    while (memchr(s->qmp_rx->str, '\n', s->qmp_rx->len) ||
           qtest_readable_now(s->qmp_fd)) {
        json_t *msg = qtest_qmp_receive_any(s);

        g_queue_push_tail(qtest_qmp_is_event(msg) ? &s->events : &s->replies,
                          msg);
    }
}

json_t *qtest_qmp_event_ref(QTestState *s, const char *name)
{
    qtest_qmp_poll(s);
    return qtest_qmp_take_event(s, name);
}

json_t *qtest_qmp_eventwait_ref(QTestState *s, const char *name)
{
    gint64 deadline = qtest_deadline();
    json_t *ev;

    while (!(ev = qtest_qmp_take_event(s, name))) {
        json_t *msg;

        /* A whole message may already be buffered: no wait for it. */
        if (!memchr(s->qmp_rx->str, '\n', s->qmp_rx->len) &&
            !qtest_wait_readable(s->qmp_fd, deadline)) {
            g_error("no QMP event %s in %d s", name, QTEST_TIMEOUT_S);
        }
        msg = qtest_qmp_receive_any(s);
        g_queue_push_tail(qtest_qmp_is_event(msg) ? &s->events : &s->replies,
                          msg);
    }
    return ev;
}

void qtest_qmp_eventwait(QTestState *s, const char *name)
{
    json_decref(qtest_qmp_eventwait_ref(s, name));
}

char *qtest_hmp(QTestState *s, const char *fmt, ...)
{
    g_autofree char *line = NULL;
    json_t *cmd;
    json_t *r;
    char *out;
    va_list ap;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* Built with jansson: the HMP line may hold any quote. */
    cmd = json_pack("{s:s, s:{s:s}}", "execute", "human-monitor-command",
                    "arguments", "command-line", line);
    {
        g_autofree char *wire = json_dumps(cmd, JSON_COMPACT);

        json_decref(cmd);
        qtest_qmp_send_raw(s, wire);
        qtest_qmp_send_raw(s, "\n");
    }
    r = qtest_qmp_receive(s);
    if (!json_is_string(json_object_get(r, "return"))) {
        g_autofree char *dump = json_dumps(r, JSON_COMPACT);

        g_error("human-monitor-command '%s' failed: %s", line, dump);
    }
    out = g_strdup(json_string_value(json_object_get(r, "return")));
    json_decref(r);
    return out;
}

json_t *qtest_qom_get(QTestState *s, const char *path, const char *prop)
{
    return qtest_qmp_assert_success_ref(s, "{'execute': 'qom-get', "
                                        "'arguments': {'path': '%s', "
                                        "'property': '%s'}}", path, prop);
}

json_t *qtest_qom_set(QTestState *s, const char *path, const char *prop,
                      const char *value_json)
{
    return qtest_qmp(s, "{'execute': 'qom-set', 'arguments': {'path': '%s', "
                     "'property': '%s', 'value': %s}}", path, prop,
                     value_json);
}
