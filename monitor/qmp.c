/*
 * The QMP server: clients on unix sockets (-qmp, or -mon on a socket
 * chardev), QEMU 7.2's greeting and negotiation, request checks and
 * dispatch with QEMU's error classes and messages, events to negotiated
 * clients.  Non-blocking sockets on GLib's default context; requests run
 * one per main-loop turn so replies interleave with events as in QEMU.
 * JSON is qmp-json.c's, commands qmp-cmds.c's, sockets chardev.c's.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "monitor/monitor-internal.h"
#include "monitor/qmp-schema.h"
#include <glib-unix.h>
#include <poll.h>
#include <sys/socket.h>

#define QMP_READ_SIZE 4096
/*
 * Stop reading a client whose unsent replies exceed this (bytes).  QEMU
 * keeps reading (clients may pipeline requests before reading replies), so
 * this is only a guard against a client that never reads.
 */
#define QMP_OUTBUF_MAX (64 << 20)
/* Stop reading a client with this many requests waiting, as QEMU. */
#define QMP_REQUESTS_MAX 8
#define QMP_CLEANUP_FLUSH_MS 1000
/* File descriptors taken from one read (SCM_RIGHTS), as QEMU's 253 is
 * more than a client sends with one command. */
#define QMP_RECV_FDS_MAX 16

typedef struct QmpCommand {
    const QmpCommandSpec *spec; /* the caller's, or owned when !has_schema */
    bool has_schema;            /* registered with its argument table */
} QmpCommand;

/* A listening socket handed to the monitor by chardev.c. */
typedef struct QmpListener {
    Chardev *chr;
    guint watch;
} QmpListener;

/* A request read but not yet answered: exactly one member is set. */
typedef struct QmpRequest {
    json_t *req;
    Error *err;                 /* a JSON error, answered as such */
} QmpRequest;

/*
 * Requests are served one per main-loop turn, and each reply is sent on
 * the turn after its command ran, as QEMU's dispatcher does: events the
 * command caused, and those of requests the main loop serves meanwhile
 * (SHUTDOWN after quit, RESET after system_reset), come before the reply.
 */
typedef struct QmpClient {
    int fd;                     /* -1 once closed */
    guint in_watch;             /* 0 while closed or input is paused */
    guint out_watch;            /* set while outbuf could not be sent */
    guint dispatch_source;      /* idle source serving requests */
    bool negotiated;            /* qmp_capabilities accepted */
    bool oob_enabled;           /* negotiated with "enable": ["oob"] */
    bool eof;                   /* peer shut down its sending side */
    unsigned int busy;          /* > 0 while one of its callbacks runs */
    QmpJsonStream *stream;
    GQueue *requests;           /* QmpRequest *, in arrival order */
    json_t *reply;              /* to the last request run, not yet sent */
    GString *outbuf;            /* bytes accepted but not yet sent */
    GArray *recv_fds;           /* int: received with SCM_RIGHTS, not yet
                                 * taken by getfd / add-fd; closed once no
                                 * request is left that could take them */
} QmpClient;

static GPtrArray *qmp_commands;     /* QmpCommand *, in registration order */
static GHashTable *qmp_command_table;   /* name -> QmpCommand * */
static GList *qmp_listeners;        /* QmpListener * */
static GList *qmp_clients;          /* QmpClient *, open ones */
static QmpClient *qmp_current_client;   /* client whose request runs */

/* ---- command registry ---- */

static void qmp_commands_init(void)
{
    if (qmp_command_table) {
        return;
    }
    qmp_commands = g_ptr_array_new();
    qmp_command_table = g_hash_table_new(g_str_hash, g_str_equal);
    qmp_cmds_register_builtins();
    qmp_schema_register();
}

static void qmp_commands_add(const QmpCommandSpec *spec, bool has_schema)
{
    QmpCommand *cmd = g_new0(QmpCommand, 1);

    assert(!g_hash_table_contains(qmp_command_table, spec->name));
    cmd->spec = spec;
    cmd->has_schema = has_schema;
    g_ptr_array_add(qmp_commands, cmd);
    g_hash_table_insert(qmp_command_table, (gpointer)spec->name, cmd);
}

/* Without a schema: the arguments go to fn unchecked (schema test fails). */
void qmp_register_command(const char *name, QmpCommandFunc *fn,
                          unsigned int flags)
{
    QmpCommandSpec *spec = g_new0(QmpCommandSpec, 1);

    qmp_commands_init();
    spec->name = g_strdup(name);
    spec->fn = fn;
    spec->flags = flags;
    qmp_commands_add(spec, false);
}

void qmp_register_command_spec(const QmpCommandSpec *spec)
{
    qmp_commands_init();
    qmp_commands_add(spec, true);
}

void qmp_register_commands(const QmpCommandSpec *specs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        qmp_register_command_spec(&specs[i]);
    }
}

void qmp_for_each_command(QmpCommandVisitor *fn, void *opaque)
{
    qmp_commands_init();
    for (guint i = 0; i < qmp_commands->len; i++) {
        QmpCommand *cmd = qmp_commands->pdata[i];

        fn(cmd->spec, cmd->has_schema, opaque);
    }
}

static QmpCommand *qmp_find_command(const char *name)
{
    qmp_commands_init();
    return g_hash_table_lookup(qmp_command_table, name);
}

bool qmp_command_exists(const char *name)
{
    return qmp_find_command(name) != NULL;
}

GPtrArray *qmp_command_names(void)
{
    GPtrArray *names = g_ptr_array_new();

    qmp_commands_init();
    for (guint i = 0; i < qmp_commands->len; i++) {
        QmpCommand *cmd = qmp_commands->pdata[i];

        g_ptr_array_add(names, (gpointer)cmd->spec->name);
    }
    return names;
}

/* ---- argument helpers ---- */

static json_t *qmp_arg_lookup(json_t *args, const char *name, bool optional,
                              bool *found, Error **errp)
{
    json_t *value = json_object_get(args, name);

    *found = value != NULL;
    if (!value && !optional) {
        error_setg(errp, "Parameter '%s' is missing", name);
    }
    return value;
}

static bool qmp_arg_type_error(const char *name, const char *type,
                               Error **errp)
{
    error_setg(errp, "Invalid parameter type for '%s', expected: %s", name,
               type);
    return false;
}

bool qmp_arg_str(json_t *args, const char *name, bool optional,
                 const char **value, Error **errp)
{
    bool found;
    json_t *v = qmp_arg_lookup(args, name, optional, &found, errp);

    if (!found) {
        return optional;
    }
    if (!json_is_string(v)) {
        return qmp_arg_type_error(name, "string", errp);
    }
    *value = json_string_value(v);
    return true;
}

bool qmp_arg_bool(json_t *args, const char *name, bool optional,
                  bool *value, Error **errp)
{
    bool found;
    json_t *v = qmp_arg_lookup(args, name, optional, &found, errp);

    if (!found) {
        return optional;
    }
    if (!json_is_boolean(v)) {
        return qmp_arg_type_error(name, "boolean", errp);
    }
    *value = json_is_true(v);
    return true;
}

bool qmp_arg_int(json_t *args, const char *name, bool optional,
                 int64_t *value, Error **errp)
{
    bool found;
    json_t *v = qmp_arg_lookup(args, name, optional, &found, errp);

    if (!found) {
        return optional;
    }
    if (!json_is_integer(v)) {
        return qmp_arg_type_error(name, "integer", errp);
    }
    *value = json_integer_value(v);
    return true;
}

bool qmp_args_check_known(json_t *args, const char *const *names,
                          Error **errp)
{
    const char *key;
    json_t *value;

    json_object_foreach(args, key, value) {
        if (!g_strv_contains(names, key)) {
            error_setg(errp, "Parameter '%s' is unexpected", key);
            return false;
        }
    }
    return true;
}

/* ---- output ---- */

static void qmp_client_close(QmpClient *client);

static gboolean qmp_client_writable_cb(gint fd, GIOCondition cond,
                                       gpointer opaque);

/* Send what the socket takes now; the rest waits for G_IO_OUT. */
static void qmp_client_flush(QmpClient *client)
{
    ssize_t n;

    while (client->outbuf->len) {
        n = send(client->fd, client->outbuf->str, client->outbuf->len,
                 MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        }
        if (n < 0) {
            qmp_client_close(client);    /* EPIPE, ECONNRESET: peer gone */
            return;
        }
        g_string_erase(client->outbuf, 0, n);
    }
    if (client->outbuf->len && !client->out_watch) {
        client->out_watch = g_unix_fd_add(client->fd, G_IO_OUT,
                                          qmp_client_writable_cb, client);
    }
}

static void qmp_client_resume(QmpClient *client);
static void qmp_client_free(QmpClient *client);

static gboolean qmp_client_writable_cb(gint fd, GIOCondition cond,
                                       gpointer opaque)
{
    QmpClient *client = opaque;

    client->out_watch = 0;
    client->busy++;         /* keep it allocated if the flush closes it */
    qmp_client_flush(client);
    client->busy--;
    if (client->fd < 0) {
        qmp_client_free(client);
    } else {
        qmp_client_resume(client);
    }
    return G_SOURCE_REMOVE;
}

/* One message per line; QEMU's monitor ends lines with "\r\n". */
static void qmp_client_send(QmpClient *client, json_t *msg)
{
    g_autofree char *text = NULL;

    if (client->fd < 0) {
        return;
    }
    text = qmp_json_to_string(msg, false);
    g_string_append(client->outbuf, text);
    g_string_append(client->outbuf, "\r\n");
    if (!client->out_watch) {
        qmp_client_flush(client);
    }
}

/* An event without a schema entry is sent, and reported once per name. */
static void qmp_check_event(const char *event)
{
    static GHashTable *reported;

    if (qmp_find_event(event)) {
        return;
    }
    if (!reported) {
        reported = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         NULL);
    }
    if (g_hash_table_add(reported, g_strdup(event))) {
        error_report("QMP event '%s' has no schema entry (see qmp_register_event)",
                     event);
    }
}

void qapi_event_send(const char *event, json_t *data)
{
    gint64 now = g_get_real_time();
    json_t *msg = json_object();
    GList *clients;

    qmp_commands_init();
    qmp_check_event(event);
    json_object_set_new(msg, "timestamp",
                        json_pack("{sIsI}", "seconds",
                                  (json_int_t)(now / G_USEC_PER_SEC),
                                  "microseconds",
                                  (json_int_t)(now % G_USEC_PER_SEC)));
    json_object_set_new(msg, "event", json_string(event));
    if (data) {
        json_object_set_new(msg, "data", data);
    }
    /* a copy: a client whose peer is gone leaves qmp_clients on send */
    clients = g_list_copy(qmp_clients);
    for (GList *l = clients; l; l = l->next) {
        QmpClient *client = l->data;

        if (client->negotiated) {
            qmp_client_send(client, msg);
        }
    }
    g_list_free(clients);
    json_decref(msg);
}

/* ---- requests ---- */

json_t *qmp_version_info(void)
{
    int major = 0;
    int minor = 0;
    int micro = 0;

    sscanf(QEMU_INTERFACE_VERSION, "%d.%d.%d", &major, &minor, &micro);
    return json_pack("{s{sisisi}ss}", "qemu", "micro", micro, "minor",
                     minor, "major", major, "package",
                     "hotmem " HOTMEM_VERSION);
}

static json_t *qmp_error_response(Error *err, json_t *id)
{
    json_t *rsp = json_object();
    json_t *error = json_object();
    const char *desc = error_get_pretty(err);

    if (id) {
        json_object_set(rsp, "id", id);
    }
    json_object_set_new(error, "class",
                        json_string(error_class_name(error_get_class(err))));
    /* may quote invalid UTF-8 ("stray '\xfe'"): the writer replaces it */
    json_object_set_new(error, "desc",
                        json_stringn_nocheck(desc, strlen(desc)));
    json_object_set_new(rsp, "error", error);
    error_free(err);
    return rsp;
}

/* The envelope checks QEMU's qmp_dispatch makes, in member order. */
static bool qmp_check_request(json_t *req, bool allow_oob,
                              const char **name, bool *oob, Error **errp)
{
    const char *key;
    json_t *value;

    *name = NULL;
    json_object_foreach(req, key, value) {
        bool is_oob = allow_oob && !strcmp(key, "exec-oob");

        if (!strcmp(key, "execute") || is_oob) {
            if (!json_is_string(value)) {
                error_setg(errp, "QMP input member '%s' must be a string",
                           key);
                return false;
            }
            if (*name) {
                error_setg(errp, "QMP input member '%s' clashes with '%s'",
                           key, *oob ? "exec-oob" : "execute");
                return false;
            }
            *name = json_string_value(value);
            *oob = is_oob;
        } else if (!strcmp(key, "arguments")) {
            if (!json_is_object(value)) {
                error_setg(errp,
                           "QMP input member 'arguments' must be an object");
                return false;
            }
        } else if (strcmp(key, "id")) {
            error_setg(errp, "QMP input member '%s' is unexpected", key);
            return false;
        }
    }
    if (!*name) {
        error_setg(errp, "QMP input lacks member 'execute'");
        return false;
    }
    return true;
}

static json_t *qmp_run_command(QmpClient *client, json_t *req,
                               Error **errp)
{
    QmpCommand *cmd;
    const char *name;
    bool oob = false;
    json_t *args;
    json_t *ret;

    if (!qmp_check_request(req, client->oob_enabled, &name, &oob, errp)) {
        return NULL;
    }
    cmd = qmp_find_command(name);
    if (!cmd || (!client->negotiated &&
                 !(cmd->spec->flags & QMP_CMD_BEFORE_NEGOTIATION))) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "The command %s has not been found", name);
        return NULL;
    }
    if (oob) {
        error_setg(errp, "The command %s does not support OOB", name);
        return NULL;
    }
    args = json_object_get(req, "arguments");
    args = args ? json_incref(args) : json_object();
    if (cmd->has_schema &&
        !qmp_schema_check(cmd->spec->args, cmd->spec->open, args, errp)) {
        json_decref(args);
        return NULL;
    }
    ret = cmd->spec->fn(args, errp);
    json_decref(args);
    return ret;
}

/* Build the response to one request read from client. */
static json_t *qmp_dispatch(QmpClient *client, json_t *req)
{
    Error *err = NULL;
    json_t *id = json_is_object(req) ? json_object_get(req, "id") : NULL;
    json_t *ret;
    json_t *rsp;

    if (!json_is_object(req)) {
        error_setg(&err, "QMP input must be a JSON object");
        return qmp_error_response(err, NULL);
    }
    qmp_current_client = client;
    ret = qmp_run_command(client, req, &err);
    qmp_current_client = NULL;
    if (!ret) {
        if (!client->negotiated &&
            error_get_class(err) == ERROR_CLASS_COMMAND_NOT_FOUND) {
            error_free(err);
            err = NULL;
            error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
                      "Expecting capabilities negotiation with 'qmp_capabilities'");
        }
        return qmp_error_response(err, id);
    }
    rsp = json_pack("{so}", "return", ret);
    if (id) {
        json_object_set(rsp, "id", id);
    }
    return rsp;
}

static json_t *qmp_client_answer(QmpClient *client, QmpRequest *request)
{
    json_t *rsp = request->err ? qmp_error_response(request->err, NULL)
                               : qmp_dispatch(client, request->req);

    json_decref(request->req);
    g_free(request);
    return rsp;
}

static void qmp_request_free(gpointer data)
{
    QmpRequest *request = data;

    json_decref(request->req);
    error_free(request->err);
    g_free(request);
}

static gboolean qmp_client_dispatch_cb(gpointer opaque);

/* After EOF, close once every request is answered and sent; true if so. */
static bool qmp_client_finish_if_done(QmpClient *client)
{
    if (client->eof && !client->reply && !client->outbuf->len &&
        g_queue_is_empty(client->requests)) {
        qmp_client_close(client);
        return true;
    }
    return false;
}

static void qmp_client_schedule(QmpClient *client)
{
    if (!client->dispatch_source) {
        client->dispatch_source = g_idle_add(qmp_client_dispatch_cb, client);
    }
}

/* The stream read a request (or failed to): queue it. */
static void qmp_client_enqueue(void *opaque, json_t *req, Error *err)
{
    QmpClient *client = opaque;
    QmpRequest *request = g_new0(QmpRequest, 1);

    request->req = req;
    request->err = err;
    g_queue_push_tail(client->requests, request);
    qmp_client_schedule(client);
}

/* ---- qmp_capabilities: needs the client, so it lives here ---- */

/* The schema checked the array of strings; QEMU 7.2's odd value message. */
static bool qmp_capabilities_parse(json_t *args, bool *oob, Error **errp)
{
    json_t *enable = json_object_get(args, "enable");
    json_t *cap;
    size_t i;

    *oob = false;
    json_array_foreach(enable, i, cap) {
        if (strcmp(json_string_value(cap), "oob")) {
            /* sic: QEMU 7.2 names the parameter 'null' here */
            error_setg(errp, "Parameter 'null' does not accept value '%s'",
                       json_string_value(cap));
            return false;
        }
        *oob = true;
    }
    return true;
}

static json_t *qmp_cmd_qmp_capabilities(json_t *args, Error **errp)
{
    QmpClient *client = qmp_current_client;
    bool oob;

    if (client->negotiated) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Capabilities negotiation is already complete, command ignored");
        return NULL;
    }
    if (!qmp_capabilities_parse(args, &oob, errp)) {
        return NULL;
    }
    client->negotiated = true;
    client->oob_enabled = oob;
    return json_object();
}

/* ---- clients ---- */

static void qmp_client_close_recv_fds(QmpClient *client)
{
    for (guint i = 0; i < client->recv_fds->len; i++) {
        close(g_array_index(client->recv_fds, int, i));
    }
    g_array_set_size(client->recv_fds, 0);
}

int qmp_take_received_fd(void)
{
    QmpClient *client = qmp_current_client;
    int fd;

    if (!client || !client->recv_fds->len) {
        return -1;
    }
    fd = g_array_index(client->recv_fds, int, 0);
    g_array_remove_index(client->recv_fds, 0);
    return fd;
}

static void qmp_client_free(QmpClient *client)
{
    qmp_client_close_recv_fds(client);
    g_array_free(client->recv_fds, true);
    qmp_json_stream_free(client->stream);
    g_queue_free_full(client->requests, qmp_request_free);
    json_decref(client->reply);
    g_string_free(client->outbuf, true);
    g_free(client);
}

static void qmp_client_close(QmpClient *client)
{
    if (client->fd < 0) {
        return;
    }
    if (client->in_watch) {
        g_source_remove(client->in_watch);
    }
    if (client->out_watch) {
        g_source_remove(client->out_watch);
    }
    if (client->dispatch_source) {
        g_source_remove(client->dispatch_source);
    }
    close(client->fd);
    client->fd = -1;
    qmp_clients = g_list_remove(qmp_clients, client);
    if (!client->busy) {
        qmp_client_free(client);
    }
}

/* recv(), keeping the file descriptors that come with the bytes. */
static ssize_t qmp_client_recv(QmpClient *client, char *buf, size_t size)
{
    char control[CMSG_SPACE(sizeof(int) * QMP_RECV_FDS_MAX)];
    struct iovec iov = { .iov_base = buf, .iov_len = size };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control, .msg_controllen = sizeof(control),
    };
    ssize_t n = recvmsg(client->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

    for (struct cmsghdr *c = n >= 0 ? CMSG_FIRSTHDR(&msg) : NULL; c;
         c = CMSG_NXTHDR(&msg, c)) {
        size_t nb_fds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            g_array_append_vals(client->recv_fds, CMSG_DATA(c), nb_fds);
        }
    }
    return n;
}

static gboolean qmp_client_readable_cb(gint fd, GIOCondition cond,
                                       gpointer opaque)
{
    QmpClient *client = opaque;
    char buf[QMP_READ_SIZE];
    ssize_t n = qmp_client_recv(client, buf, sizeof(buf));

    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return G_SOURCE_CONTINUE;
    }
    if (n < 0) {
        client->in_watch = 0;       /* removed by returning */
        qmp_client_close(client);
        return G_SOURCE_REMOVE;
    }
    if (n == 0) {
        /* "echo '...quit...' | socat": answer what was sent, then close */
        client->in_watch = 0;
        client->eof = true;
        if (!qmp_client_finish_if_done(client)) {
            qmp_client_schedule(client);
        }
        return G_SOURCE_REMOVE;
    }
    client->busy++;
    qmp_json_stream_feed(client->stream, buf, n);
    client->busy--;
    if (client->fd < 0) {
        /* closed while handling its input: the watch is already gone */
        qmp_client_free(client);
        return G_SOURCE_REMOVE;
    }
    if (g_queue_get_length(client->requests) >= QMP_REQUESTS_MAX) {
        client->in_watch = 0;       /* resumed by the dispatcher */
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static void qmp_client_watch_input(QmpClient *client)
{
    client->in_watch = g_unix_fd_add(client->fd,
                                     G_IO_IN | G_IO_HUP | G_IO_ERR,
                                     qmp_client_readable_cb, client);
}

/* Read again once the queue is short and the client reads its replies. */
static void qmp_client_resume(QmpClient *client)
{
    if (qmp_client_finish_if_done(client)) {
        return;
    }
    if (!client->in_watch && !client->eof &&
        g_queue_get_length(client->requests) < QMP_REQUESTS_MAX &&
        client->outbuf->len < QMP_OUTBUF_MAX) {
        qmp_client_watch_input(client);
    }
    if (!g_queue_is_empty(client->requests) &&
        client->outbuf->len < QMP_OUTBUF_MAX) {
        qmp_client_schedule(client);
    }
}

/* One turn: send the previous reply, run the next request. */
static gboolean qmp_client_dispatch_cb(gpointer opaque)
{
    QmpClient *client = opaque;
    QmpRequest *request;

    client->dispatch_source = 0;
    client->busy++;
    if (client->reply) {
        qmp_client_send(client, client->reply);
        g_clear_pointer(&client->reply, json_decref);
    }
    if (client->fd >= 0 && client->outbuf->len < QMP_OUTBUF_MAX &&
        (request = g_queue_pop_head(client->requests))) {
        client->reply = qmp_client_answer(client, request);
        if (g_queue_is_empty(client->requests)) {
            qmp_client_close_recv_fds(client);  /* nobody took them */
        }
    }
    client->busy--;
    if (client->fd < 0) {
        qmp_client_free(client);
        return G_SOURCE_REMOVE;
    }
    if (client->reply) {
        qmp_client_schedule(client);
    }
    qmp_client_resume(client);
    return G_SOURCE_REMOVE;
}

/* Take over a connected socket: greet it and serve its requests. */
static void qmp_client_new(int fd)
{
    QmpClient *client = g_new0(QmpClient, 1);
    json_t *greeting;

    g_unix_set_fd_nonblocking(fd, true, NULL);
    client->fd = fd;
    client->stream = qmp_json_stream_new(qmp_client_enqueue, client);
    client->requests = g_queue_new();
    client->outbuf = g_string_new(NULL);
    client->recv_fds = g_array_new(false, false, sizeof(int));
    qmp_client_watch_input(client);
    qmp_clients = g_list_append(qmp_clients, client);
    greeting = json_pack("{s{sos[s]}}", "QMP", "version", qmp_version_info(),
                         "capabilities", "oob");
    qmp_client_send(client, greeting);
    json_decref(greeting);
}

static gboolean qmp_listener_accept_cb(gint fd, GIOCondition cond,
                                       gpointer opaque)
{
    int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

    if (conn < 0) {
        return G_SOURCE_CONTINUE;   /* EAGAIN, or a client that left */
    }
    qmp_client_new(conn);
    return G_SOURCE_CONTINUE;
}

/* Serve QMP on chr: its waiting connection now, its listener from now on. */
static void qmp_attach_chardev(Chardev *chr)
{
    int conn = chardev_take_connected_fd(chr);
    int listen_fd = chardev_get_listen_fd(chr);
    QmpListener *listener;

    if (conn >= 0) {
        qmp_client_new(conn);
    }
    if (listen_fd < 0) {
        return;
    }
    listener = g_new0(QmpListener, 1);
    listener->chr = chr;
    g_unix_set_fd_nonblocking(listen_fd, true, NULL);
    listener->watch = g_unix_fd_add(listen_fd, G_IO_IN,
                                    qmp_listener_accept_cb, listener);
    qmp_listeners = g_list_append(qmp_listeners, listener);
}

bool monitor_init_qmp_unix(const char *path, bool server, bool wait,
                           Error **errp)
{
    Chardev *chr = chardev_socket_new(NULL, path, server, wait, errp);

    if (!chr) {
        return false;
    }
    qmp_attach_chardev(chr);
    return true;
}

bool monitor_init_chardev(const char *chardev_id, const char *mode,
                          Error **errp)
{
    Chardev *chr;

    if (!chardev_id) {
        error_setg(errp, "Parameter 'chardev' is missing");
        return false;
    }
    if (mode && strcmp(mode, "control") && strcmp(mode, "readline")) {
        error_setg(errp, "Parameter 'mode' does not accept value '%s'", mode);
        return false;
    }
    if (!mode || !strcmp(mode, "readline")) {
        error_setg(errp, "-mon mode=readline is not supported by hotmem; use mode=control and human-monitor-command");
        return false;
    }
    chr = qemu_chr_find(chardev_id);
    if (!chr) {
        error_setg(errp, "chardev \"%s\" not found", chardev_id);
        return false;
    }
    if (!chardev_claim_frontend(chr, errp)) {
        return false;
    }
    qmp_attach_chardev(chr);
    return true;
}

/* Give pending replies (the one to "quit") a bounded chance to leave. */
static void qmp_client_flush_blocking(QmpClient *client)
{
    struct pollfd pfd = { .fd = client->fd, .events = POLLOUT };

    while (client->fd >= 0 && client->outbuf->len &&
           poll(&pfd, 1, QMP_CLEANUP_FLUSH_MS) > 0) {
        qmp_client_flush(client);
    }
}

void monitor_cleanup(void)
{
    while (qmp_clients) {
        QmpClient *client = qmp_clients->data;

        client->busy++;     /* keep it allocated if the flush closes it */
        if (client->reply) {
            qmp_client_send(client, client->reply);   /* e.g. quit's */
            g_clear_pointer(&client->reply, json_decref);
        }
        qmp_client_flush_blocking(client);
        client->busy--;
        if (client->fd < 0) {
            qmp_client_free(client);    /* the flush found the peer gone */
        } else {
            qmp_client_close(client);
        }
    }
    while (qmp_listeners) {
        QmpListener *listener = qmp_listeners->data;

        g_source_remove(listener->watch);
        qmp_listeners = g_list_remove(qmp_listeners, listener);
        g_free(listener);
    }
    chardev_cleanup();
}

static const QmpCommandSpec qmp_capabilities_spec = {
    .name = "qmp_capabilities", .fn = qmp_cmd_qmp_capabilities,
    .flags = QMP_CMD_ALLOW_PRECONFIG | QMP_CMD_BEFORE_NEGOTIATION,
    .args = (const QmpMember[]) { { "enable", "[str]", true }, { NULL } },
};

void qmp_register_negotiation_command(void)
{
    qmp_register_command_spec(&qmp_capabilities_spec);
}
