/*
 * The qtest server: QEMU's qtest line protocol over a unix socket the test
 * created (we connect as a client).  Each line is a command; each command
 * gets one "OK ...", "FAIL ..." or "ERR ..." line; "IRQ raise N" / "IRQ
 * lower N" lines are sent when an intercepted interrupt line changes.
 * Memory goes through the memory API (address_space_memory / _io); the
 * virtual clock is manual (qemu/timer.h).  Main loop only.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/timer.h"
#include "sysemu/qtest.h"
#include "chardev/char.h"
#include "exec/memory.h"
#include "hw/core/qdev.h"
#include <sys/socket.h>
#include <sys/un.h>
#include <glib-unix.h>

#define QTEST_MAX_ACCESS (256 * MiB)
#define QTEST_MAX_IRQ 256

typedef struct QTestServer {
    int fd;
    guint watch;
    GString *inbuf;
    FILE *log;
    gint64 start_us;
    int64_t poll_us;                /* see qtest_poll_input() */
    DeviceState *irq_intercept_dev; /* one device at a time, as QEMU */
    bool irq_levels[QTEST_MAX_IRQ]; /* last level reported per line */
} QTestServer;

static QTestServer *qtest_server;

bool qtest_enabled(void)
{
    return qtest_server != NULL;
}

static void qtest_log(QTestServer *s, char dir, const char *line)
{
    double secs = (g_get_monotonic_time() - s->start_us) / 1e6;

    if (s->log) {
        fprintf(s->log, "[%c +%f] %s\n", dir, secs, line);
        fflush(s->log);
    }
}

/* Send one line (without the newline in fmt). */
static void G_GNUC_PRINTF(2, 3) qtest_send(QTestServer *s, const char *fmt,
                                           ...)
{
    g_autofree char *line = NULL;
    g_autofree char *wire = NULL;
    va_list ap;
    size_t off = 0, len;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qtest_log(s, 'S', line);
    wire = g_strconcat(line, "\n", NULL);
    len = strlen(wire);
    while (off < len) {
        ssize_t n = send(s->fd, wire + off, len - off, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;     /* peer gone: the read side will notice */
        }
        off += n;
    }
}

/* ---- argument parsing: never crash on a bad number ---- */

static bool qtest_parse_u64(QTestServer *s, const char *word, uint64_t *v)
{
    if (!word || qemu_strtou64(word, v) < 0) {
        qtest_send(s, "ERR invalid number '%s'", word ? word : "");
        return false;
    }
    return true;
}

static bool qtest_parse_i64(QTestServer *s, const char *word, int64_t *v)
{
    if (!word || qemu_strtoi64(word, v) < 0) {
        qtest_send(s, "ERR invalid number '%s'", word ? word : "");
        return false;
    }
    return true;
}

static bool qtest_parse_size(QTestServer *s, const char *word, uint64_t *v)
{
    if (!qtest_parse_u64(s, word, v)) {
        return false;
    }
    if (*v > QTEST_MAX_ACCESS) {
        qtest_send(s, "ERR size %" PRIu64 " above the limit of %" PRIu64,
                   *v, QTEST_MAX_ACCESS);
        return false;
    }
    return true;
}

/* QEMU asserts port <= 0xffff; we answer ERR instead. */
static bool qtest_parse_port(QTestServer *s, const char *word, uint64_t *v)
{
    if (!qtest_parse_u64(s, word, v)) {
        return false;
    }
    if (*v > 0xffff) {
        qtest_send(s, "ERR port 0x%" PRIx64 " above 0xffff", *v);
        return false;
    }
    return true;
}

static unsigned int qtest_access_size(char suffix)
{
    switch (suffix) {
    case 'b':
        return 1;
    case 'w':
        return 2;
    case 'l':
        return 4;
    case 'q':
        return 8;
    default:
        return 0;
    }
}

/* ---- port and memory access ---- */

static void qtest_cmd_out(QTestServer *s, char **words, unsigned int size)
{
    uint64_t port, value;

    if (!qtest_parse_port(s, words[1], &port) ||
        !qtest_parse_u64(s, words[2], &value)) {
        return;
    }
    address_space_st(address_space_io(), port, value, size);
    qtest_send(s, "OK");
}

static void qtest_cmd_in(QTestServer *s, char **words, unsigned int size)
{
    uint64_t port;
    uint64_t value;

    if (!qtest_parse_port(s, words[1], &port)) {
        return;
    }
    value = address_space_ld(address_space_io(), port, size, NULL);
    qtest_send(s, "OK 0x%04" PRIx64, value);
}

static void qtest_cmd_write(QTestServer *s, char **words, unsigned int size)
{
    uint64_t addr, value;

    if (!qtest_parse_u64(s, words[1], &addr) ||
        !qtest_parse_u64(s, words[2], &value)) {
        return;
    }
    address_space_st(address_space_memory(), addr, value, size);
    qtest_send(s, "OK");
}

static void qtest_cmd_read(QTestServer *s, char **words, unsigned int size)
{
    uint64_t addr, value;

    if (!qtest_parse_u64(s, words[1], &addr)) {
        return;
    }
    value = address_space_ld(address_space_memory(), addr, size, NULL);
    /* QEMU answers every width with 16 digits: "readb" -> OK 0x00..00ab */
    qtest_send(s, "OK 0x%016" PRIx64, value);
}

static void qtest_cmd_read_buf(QTestServer *s, char **words, bool b64)
{
    g_autofree uint8_t *data = NULL;
    g_autofree char *enc = NULL;
    uint64_t addr, len;

    if (!qtest_parse_u64(s, words[1], &addr) ||
        !qtest_parse_size(s, words[2], &len)) {
        return;
    }
    data = g_malloc0(len ? len : 1);
    address_space_read(address_space_memory(), addr, data, len);
    if (b64) {
        enc = g_base64_encode(data, len);
        qtest_send(s, "OK %s", enc);
        return;
    }
    enc = g_malloc(2 * len + 1);
    for (uint64_t i = 0; i < len; i++) {
        snprintf(enc + 2 * i, 3, "%02x", data[i]);
    }
    enc[2 * len] = '\0';
    qtest_send(s, "OK 0x%s", enc);
}

static int qtest_hex_nibble(char c)
{
    return g_ascii_xdigit_value(c);
}

static void qtest_cmd_write_buf(QTestServer *s, char **words)
{
    g_autofree uint8_t *data = NULL;
    const char *hex = words[3];
    uint64_t addr, len, i;
    size_t hex_len;

    if (!qtest_parse_u64(s, words[1], &addr) ||
        !qtest_parse_size(s, words[2], &len)) {
        return;
    }
    /* QEMU's rule: at least "0x" and one digit. */
    if (!hex || strlen(hex) < 3 || g_ascii_strncasecmp(hex, "0x", 2) != 0) {
        qtest_send(s, "ERR invalid argument size");
        return;
    }
    hex += 2;
    hex_len = strlen(hex);
    data = g_malloc0(len ? len : 1);
    /* Missing trailing bytes are zero, as the reference does. */
    for (i = 0; i < len && 2 * i + 1 < hex_len; i++) {
        int hi = qtest_hex_nibble(hex[2 * i]);
        int lo = qtest_hex_nibble(hex[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            qtest_send(s, "ERR invalid hex data");
            return;
        }
        data[i] = hi << 4 | lo;
    }
    address_space_write(address_space_memory(), addr, data, len);
    qtest_send(s, "OK");
}

static void qtest_cmd_b64write(QTestServer *s, char **words)
{
    g_autofree uint8_t *data = NULL;
    uint64_t addr, len;
    gsize out_len = 0;

    if (!qtest_parse_u64(s, words[1], &addr) ||
        !qtest_parse_size(s, words[2], &len)) {
        return;
    }
    if (!words[3] || strlen(words[3]) < 3) {
        qtest_send(s, "ERR invalid argument size");
        return;
    }
    data = g_base64_decode(words[3], &out_len);
    if (out_len < len) {
        data = g_realloc(data, len);
        memset(data + out_len, 0, len - out_len);
    }
    address_space_write(address_space_memory(), addr, data, len);
    qtest_send(s, "OK");
}

static void qtest_cmd_memset(QTestServer *s, char **words)
{
    uint64_t addr, len, value;

    if (!qtest_parse_u64(s, words[1], &addr) ||
        !qtest_parse_size(s, words[2], &len) ||
        !qtest_parse_u64(s, words[3], &value)) {
        return;
    }
    address_space_set(address_space_memory(), addr, value & 0xff, len);
    qtest_send(s, "OK");
}

/* ---- clock ---- */

/*
 * The virtual clock is manual only under the qtest accelerator (its init
 * makes it so); with another accelerator the clock commands are unknown,
 * as in QEMU, where they exist only when the qtest accelerator runs.
 */
static bool qtest_clock_is_ours(void)
{
    return qemu_clock_is_manual(QEMU_CLOCK_VIRTUAL);
}

static void qtest_cmd_clock_step(QTestServer *s, char **words)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t step;
    int64_t reached;

    if (words[1]) {
        if (!qtest_parse_i64(s, words[1], &step)) {
            return;
        }
    } else {
        step = qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL);
        if (step < 0) {
            qtest_send(s, "FAIL cannot advance clock to the next deadline "
                       "because there is no pending deadline");
            return;
        }
    }
    reached = qemu_clock_advance(QEMU_CLOCK_VIRTUAL, now + MAX(step, 0));
    if (reached > now) {
        qtest_send(s, "OK %" PRIi64, reached);
    } else {
        qtest_send(s, "FAIL could not advance time");
    }
}

/* "OK NS" when the clock is now at target, else "FAIL <where it is>". */
static void qtest_cmd_clock_set(QTestServer *s, char **words)
{
    int64_t target;
    int64_t reached;

    if (!qtest_parse_i64(s, words[1], &target)) {
        return;
    }
    reached = qemu_clock_advance(QEMU_CLOCK_VIRTUAL, target);
    qtest_send(s, "%s %" PRIi64, reached == target ? "OK" : "FAIL", reached);
}

/* ---- interrupts ---- */

/*
 * An intercepted line: report level changes (only changes, as QEMU does:
 * its irq_levels[]) and still drive what the line reached before (the
 * device for an input, the connected line for an output), as QEMU does,
 * so the board keeps working.
 */
static void qtest_irq_handler(void *opaque, int n, int level)
{
    QTestServer *s = qtest_server;
    qemu_irq *forward = opaque;

    if (forward) {
        qemu_set_irq(*forward, level);
    }
    if (!s || n < 0 || n >= QTEST_MAX_IRQ || s->irq_levels[n] == !!level) {
        return;
    }
    s->irq_levels[n] = !!level;
    qtest_send(s, "IRQ %s %d", level ? "raise" : "lower", n);
}

static DeviceState *qtest_find_device(QTestServer *s, const char *path)
{
    Object *obj = path ? object_resolve_path(path, NULL) : NULL;
    DeviceState *dev = obj ? (DeviceState *)object_dynamic_cast(obj,
                                                               TYPE_DEVICE)
                           : NULL;

    if (!dev) {
        qtest_send(s, "FAIL Unknown device");
    }
    return dev;
}

/* Inputs: our handler goes in front of the device's. */
static bool qtest_intercept_in(NamedGPIOList *ngl)
{
    if (ngl->name) {
        return false;       /* named inputs are not intercepted, as QEMU */
    }
    for (int n = 0; n < ngl->nb_in; n++) {
        qemu_irq *forward = g_new(qemu_irq, 1);

        *forward = qemu_irq_intercept(ngl->in[n], qtest_irq_handler, forward);
    }
    return ngl->nb_in > 0;
}

/* Outputs of list name (NULL: unnamed): our line goes between. */
static bool qtest_intercept_out(NamedGPIOList *ngl, const char *name)
{
    if (g_strcmp0(ngl->name, name) != 0) {
        return false;
    }
    for (int n = 0; n < ngl->nb_out; n++) {
        qemu_irq *forward = g_new(qemu_irq, 1);

        *forward = ngl->out[n];
        ngl->out[n] = qemu_allocate_irq(qtest_irq_handler, forward, n);
    }
    return true;
}

/* irq_intercept_in PATH / irq_intercept_out PATH [NAME]: texts as QEMU. */
static void qtest_cmd_irq_intercept(QTestServer *s, char **words, bool in)
{
    DeviceState *dev = qtest_find_device(s, words[1]);
    bool done = false;
    GPtrArray *lists;

    if (!dev) {
        return;
    }
    if (in && words[2]) {
        qtest_send(s, "FAIL Interception of named in-GPIOs not yet "
                   "supported");
        return;
    }
    if (s->irq_intercept_dev) {
        qtest_send(s, s->irq_intercept_dev == dev ? "OK"
                   : "FAIL IRQ intercept already enabled");
        return;
    }
    lists = qdev_get_gpio_lists(dev);
    for (guint i = 0; i < lists->len; i++) {
        NamedGPIOList *ngl = g_ptr_array_index(lists, i);

        done |= in ? qtest_intercept_in(ngl)
                   : qtest_intercept_out(ngl, words[2]);
    }
    if (!done) {
        qtest_send(s, "FAIL No intercepts installed");
        return;
    }
    s->irq_intercept_dev = dev;
    qtest_send(s, "OK");
}

static void qtest_cmd_set_irq_in(QTestServer *s, char **words)
{
    DeviceState *dev = qtest_find_device(s, words[1]);
    const char *name;
    int64_t num, level;
    GPtrArray *lists;

    if (!dev || !qtest_parse_i64(s, words[3], &num) ||
        !qtest_parse_i64(s, words[4], &level)) {
        return;
    }
    name = words[2] && strcmp(words[2], "unnamed-gpio-in") ? words[2] : NULL;
    lists = qdev_get_gpio_lists(dev);
    for (guint i = 0; i < lists->len; i++) {
        NamedGPIOList *ngl = g_ptr_array_index(lists, i);

        if (g_strcmp0(ngl->name, name) == 0 && num >= 0 && num < ngl->nb_in) {
            qemu_set_irq(ngl->in[num], level);
            qtest_send(s, "OK");
            return;
        }
    }
    qtest_send(s, "FAIL Unknown GPIO");
}

/* ---- dispatch ---- */

static void qtest_process_command(QTestServer *s, char **words)
{
    const char *cmd = words[0];
    size_t len = strlen(cmd);
    unsigned int size = qtest_access_size(cmd[len - 1]);

    if (size && len == 4 && !strncmp(cmd, "out", 3)) {
        qtest_cmd_out(s, words, size);
    } else if (size && len == 3 && !strncmp(cmd, "in", 2)) {
        qtest_cmd_in(s, words, size);
    } else if (size && len == 6 && !strncmp(cmd, "write", 5)) {
        qtest_cmd_write(s, words, size);
    } else if (size && len == 5 && !strncmp(cmd, "read", 4)) {
        qtest_cmd_read(s, words, size);
    } else if (!strcmp(cmd, "read")) {
        qtest_cmd_read_buf(s, words, false);
    } else if (!strcmp(cmd, "b64read")) {
        qtest_cmd_read_buf(s, words, true);
    } else if (!strcmp(cmd, "write")) {
        qtest_cmd_write_buf(s, words);
    } else if (!strcmp(cmd, "b64write")) {
        qtest_cmd_b64write(s, words);
    } else if (!strcmp(cmd, "memset")) {
        qtest_cmd_memset(s, words);
    } else if (!strcmp(cmd, "clock_step") && qtest_clock_is_ours()) {
        qtest_cmd_clock_step(s, words);
    } else if (!strcmp(cmd, "clock_set") && qtest_clock_is_ours()) {
        qtest_cmd_clock_set(s, words);
    } else if (!strcmp(cmd, "irq_intercept_in")) {
        qtest_cmd_irq_intercept(s, words, true);
    } else if (!strcmp(cmd, "irq_intercept_out")) {
        qtest_cmd_irq_intercept(s, words, false);
    } else if (!strcmp(cmd, "set_irq_in")) {
        qtest_cmd_set_irq_in(s, words);
    } else if (!strcmp(cmd, "endianness")) {
        qtest_send(s, "OK little");
    } else {
        qtest_send(s, "FAIL Unknown command '%s'", cmd);
    }
}

/* Commands need up to this many words; missing ones are NULL. */
#define QTEST_MAX_WORDS 8

static void qtest_process_line(QTestServer *s, const char *line)
{
    g_auto(GStrv) parts = g_strsplit(line, " ", 0);
    char *words[QTEST_MAX_WORDS + 1] = { NULL };
    int n = 0;

    qtest_log(s, 'R', line);
    for (int i = 0; parts[i] && n < QTEST_MAX_WORDS; i++) {
        if (*parts[i]) {
            words[n++] = parts[i];
        }
    }
    if (n == 0) {
        return;
    }
    qtest_process_command(s, words);
}

/* Process what one recv gives: bytes taken, 0 for none (EAGAIN), -1 when
 * the test closed the socket. */
static ssize_t qtest_take_input(QTestServer *s, int fd, int flags)
{
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof(buf), flags);
    char *nl;

    if (n < 0) {
        return errno == EINTR || errno == EAGAIN ? 0 : -1;
    }
    if (n == 0) {
        return -1;
    }
    g_string_append_len(s->inbuf, buf, n);
    while ((nl = memchr(s->inbuf->str, '\n', s->inbuf->len))) {
        g_autofree char *line = g_strndup(s->inbuf->str, nl - s->inbuf->str);

        g_string_erase(s->inbuf, 0, nl - s->inbuf->str + 1);
        g_strchomp(line);
        qtest_process_line(s, line);
    }
    return n;
}

/*
 * A driver sends its next command within microseconds of our answer: look
 * for it for up to poll_us before going back to sleep in poll(), which
 * saves the wake-up (QEMU's adaptive polling of its event loops, applied
 * to the socket that stands in for the vCPU).  At most
 * QTEST_POLL_MAX_US per dispatch, so timers and monitors still run.
 */
#define QTEST_POLL_MAX_US 1000

static ssize_t qtest_poll_input(QTestServer *s, int fd)
{
    int64_t start = g_get_monotonic_time();
    int64_t last = start;
    int64_t now = start;

    while (now - last < s->poll_us && now - start < QTEST_POLL_MAX_US) {
        ssize_t n = qtest_take_input(s, fd, MSG_DONTWAIT);

        if (n < 0) {
            return n;
        }
        now = g_get_monotonic_time();
        if (n > 0) {
            last = now;
        }
    }
    return 0;
}

static gboolean qtest_read_ready(gint fd, GIOCondition cond, gpointer opaque)
{
    QTestServer *s = opaque;

    if (qtest_take_input(s, fd, 0) < 0 || qtest_poll_input(s, fd) < 0) {
        /* The test is gone: nobody drives this VM any more. */
        qtest_log(s, 'I', "CLOSED");
        exit(0);
    }
    return G_SOURCE_CONTINUE;
}

bool qtest_server_init(const char *chrdev, const char *log, Error **errp)
{
    const char *path = g_str_has_prefix(chrdev, "unix:") ? chrdev + 5
                                                         : chrdev;
    g_autofree char *sock_path = g_strdup(path);
    char *comma = strchr(sock_path, ',');
    QTestServer *s;
    FILE *log_fp = NULL;
    int fd;

    if (comma) {
        *comma = '\0';      /* options such as ",server=off" are ignored */
    }
    /*
     * As QEMU: no -qtest-log logs to stderr, "none" logs nothing.  The
     * common "/dev/null" is taken as "none": it saves a write per line.
     */
    if (!log) {
        log_fp = stderr;
    } else if (strcmp(log, "none") != 0 && strcmp(log, "/dev/null") != 0 &&
               !(log_fp = fopen(log, "w"))) {
        error_setg_errno(errp, errno, "qtest: cannot open log '%s'", log);
        return false;
    }
    fd = chardev_unix_connect(sock_path, errp);
    if (fd < 0) {
        if (log_fp && log_fp != stderr) {
            fclose(log_fp);
        }
        return false;
    }
    s = g_new0(QTestServer, 1);
    s->fd = fd;
    s->log = log_fp;
    s->poll_us = qtest_accel_poll_us();
    s->inbuf = g_string_new("");
    s->start_us = g_get_monotonic_time();
    s->watch = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                             qtest_read_ready, s);
    /*
     * GLib blocks a source while dispatching it unless it may recurse, and
     * unblocking re-adds its fd with a wakeup of the loop: two eventfd
     * syscalls per command.  The handler never iterates the loop itself.
     */
    g_source_set_can_recurse(g_main_context_find_source_by_id(NULL, s->watch),
                             true);
    if (s->log) {
        fprintf(s->log, "[I 0.000000] OPENED\n");
    }
    qtest_server = s;
    return true;
}
