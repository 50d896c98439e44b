/*
 * The chardev registry behind -chardev socket and -qmp unix:: unix stream
 * sockets, listening or connected, named by id.  It owns the sockets and
 * the socket files it created (unlinked by chardev_cleanup at exit); the
 * monitor (qmp.c) accepts connections on them, a vhost-user frontend
 * takes the client connection and, with reconnect=, makes new ones.  Only
 * the socket backend exists: with a path, or with fd= a listening socket
 * inherited from the parent (libvirt's monitor).  query-chardev lists
 * them.
 */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "qom/object.h"
#include "monitor/qmp-schema.h"
#include "monitor/monitor-internal.h"
#include <sys/socket.h>
#include <sys/un.h>

struct Chardev {
    char *id;               /* NULL: anonymous (-qmp) */
    char *path;
    bool path_created;      /* we bound path: unlink it at cleanup */
    bool server;
    int64_t reconnect;      /* client: seconds between attempts; 0: off */
    int listen_fd;          /* server: listening socket; else -1 */
    int connected_fd;       /* not yet taken by a frontend; else -1 */
    bool has_frontend;
};

static GList *chardevs;     /* Chardev *, in creation order */

Chardev *qemu_chr_find(const char *id)
{
    for (GList *l = chardevs; l; l = l->next) {
        Chardev *chr = l->data;

        if (chr->id && !strcmp(chr->id, id)) {
            return chr;
        }
    }
    return NULL;
}

const char *chardev_get_id(const Chardev *chr)
{
    return chr->id;
}

int chardev_get_listen_fd(const Chardev *chr)
{
    return chr->listen_fd;
}

int chardev_take_connected_fd(Chardev *chr)
{
    int fd = chr->connected_fd;

    chr->connected_fd = -1;
    return fd;
}

int64_t chardev_get_reconnect(const Chardev *chr)
{
    return chr->reconnect;
}

bool chardev_is_server(const Chardev *chr)
{
    return chr->server;
}

bool chardev_claim_frontend(Chardev *chr, Error **errp)
{
    if (chr->has_frontend) {
        error_setg(errp, "Device '%s' is in use", chr->id);
        return false;
    }
    chr->has_frontend = true;
    return true;
}

void chardev_release_frontend(Chardev *chr)
{
    chr->has_frontend = false;
}

static bool chardev_unix_addr(const char *path, struct sockaddr_un *addr,
                              Error **errp)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(addr->sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", path);
        error_append_hint(errp, "Path must be less than %zu bytes\n",
                          sizeof(addr->sun_path));
        return false;
    }
    strcpy(addr->sun_path, path);
    return true;
}

/* Bind and listen at path, replacing a stale socket file. */
static int chardev_unix_listen(const char *path, Error **errp)
{
    struct sockaddr_un addr;
    int fd;

    if (!chardev_unix_addr(path, &addr, errp)) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create Unix socket");
        return -1;
    }
    unlink(path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        error_setg_errno(errp, errno, "Failed to bind socket to %s", path);
        goto out_close;
    }
    if (listen(fd, 16) < 0) {
        error_setg_errno(errp, errno, "Failed to listen on socket");
        unlink(path);
        goto out_close;
    }
    return fd;
out_close:
    close(fd);
    return -1;
}

int chardev_unix_connect(const char *path, Error **errp)
{
    struct sockaddr_un addr;
    int fd;

    if (!chardev_unix_addr(path, &addr, errp)) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create Unix socket");
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        error_setg_errno(errp, errno, "Failed to connect to '%s'", path);
        close(fd);
        return -1;
    }
    return fd;
}

/* wait=on: QEMU blocks start-up until the first client connects. */
static int chardev_wait_for_client(Chardev *chr)
{
    int fd;

    info_report("QEMU waiting for connection on: disconnected:unix:%s,server=on", chr->path);
    do {
        fd = accept4(chr->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

/*
 * reconnect > 0: a client that cannot connect now starts disconnected
 * (reported as QEMU does; QEMU retries by itself, our frontend with
 * chardev_client_connect).
 */
static bool chardev_connect_initial(Chardev *chr, Error **errp)
{
    Error *err = NULL;

    chr->connected_fd = chardev_unix_connect(chr->path, &err);
    if (chr->connected_fd >= 0) {
        return true;
    }
    if (!chr->reconnect) {
        error_propagate(errp, err);
        return false;
    }
    error_report("Unable to connect character device %s: %s",
                 chr->id ? chr->id : "", error_get_pretty(err));
    error_free(err);
    return true;
}

static Chardev *chardev_socket_create(const char *id, const char *path,
                                      bool server, bool wait,
                                      int64_t reconnect, Error **errp)
{
    Chardev *chr = g_new0(Chardev, 1);
    bool ok;

    chr->id = g_strdup(id);
    chr->path = g_strdup(path);
    chr->server = server;
    chr->reconnect = reconnect;
    chr->listen_fd = -1;
    chr->connected_fd = -1;
    if (server) {
        chr->listen_fd = chardev_unix_listen(path, errp);
        ok = chr->listen_fd >= 0;
        chr->path_created = ok;
    } else {
        ok = chardev_connect_initial(chr, errp);
    }
    if (!ok) {
        g_free(chr->id);
        g_free(chr->path);
        g_free(chr);
        return NULL;
    }
    if (server && wait) {
        chr->connected_fd = chardev_wait_for_client(chr);
    }
    chardevs = g_list_append(chardevs, chr);
    return chr;
}

Chardev *chardev_socket_new(const char *id, const char *path, bool server,
                            bool wait, Error **errp)
{
    return chardev_socket_create(id, path, server, wait, 0, errp);
}

int chardev_client_connect(Chardev *chr, Error **errp)
{
    if (chr->server) {
        error_setg(errp, "chardev '%s' is a server: it accepts connections, it cannot make one", chr->id ? chr->id : "");
        return -1;
    }
    return chardev_unix_connect(chr->path, errp);
}

/* ---- -chardev options ---- */

/* on/off (or a JSON boolean); absent: default_value. */
static bool chardev_opt_bool(json_t *opts, const char *name,
                             bool default_value, bool *value, Error **errp)
{
    json_t *v = json_object_get(opts, name);
    const char *s = json_string_value(v);

    *value = default_value;
    if (!v) {
        return true;
    }
    if (json_is_boolean(v)) {
        *value = json_is_true(v);
        return true;
    }
    if (s && (!strcmp(s, "on") || !strcmp(s, "off"))) {
        *value = !strcmp(s, "on");
        return true;
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
    return false;
}

static bool chardev_check_opts(json_t *opts, const char **id,
                               const char **path, Error **errp)
{
    static const char *const known[] = {
        "backend", "id", "path", "server", "wait", "reconnect", "fd", NULL
    };
    const char *backend = json_string_value(json_object_get(opts,
                                                            "backend"));
    const char *key;
    json_t *value;

    json_object_foreach(opts, key, value) {
        if (!g_strv_contains(known, key)) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
    }
    *id = json_string_value(json_object_get(opts, "id"));
    *path = json_string_value(json_object_get(opts, "path"));
    if (!*id) {
        error_setg(errp, "chardev: no id specified");
        return false;
    }
    if (!backend || strcmp(backend, "socket")) {
        error_setg(errp, "'%s' is not a valid char driver name",
                   backend ? backend : "");
        return false;
    }
    if (!id_wellformed(*id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        error_append_hint(errp, "Identifiers consist of letters, digits, '-', '.', '_', starting with a letter.\n");
        return false;
    }
    if (qemu_chr_find(*id)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", *id);
        return false;
    }
    if (!*path && !json_object_get(opts, "fd")) {
        error_setg(errp, "chardev: socket: no host given");
        return false;
    }
    return true;
}

/* A JSON integer or a string strtoull reads whole (base 0, as QEMU). */
static bool chardev_parse_seconds(const char *name, json_t *v,
                                  int64_t *seconds, Error **errp)
{
    const char *s = json_string_value(v);
    char *end = NULL;
    guint64 value;

    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *seconds = json_integer_value(v);
        return true;
    }
    if (json_is_integer(v) || (s && s[strspn(s, " \t")] == '-')) {
        error_setg(errp, "Parameter '%s' expects a non-negative number",
                   name);
        return false;
    }
    errno = 0;
    value = s && *s ? g_ascii_strtoull(s, &end, 0) : 0;
    if (!s || !*s || *end) {
        error_setg(errp, "Parameter '%s' expects a number", name);
        return false;
    }
    if (errno == ERANGE || value > INT64_MAX) {
        error_setg(errp, "Value '%s' is too large for parameter '%s'", s,
                   name);
        return false;
    }
    *seconds = value;
    return true;
}

/* reconnect=SECONDS, client sockets only; absent: 0 (off). */
static bool chardev_opt_reconnect(json_t *opts, bool server,
                                  int64_t *seconds, Error **errp)
{
    json_t *v = json_object_get(opts, "reconnect");

    *seconds = 0;
    if (!v) {
        return true;
    }
    if (!chardev_parse_seconds("reconnect", v, seconds, errp)) {
        return false;
    }
    if (server) {
        error_setg(errp, "'reconnect' option is incompatible with socket in server listen mode");
        return false;
    }
    return true;
}

/* The path a listening unix socket is bound to, or NULL. */
static char *chardev_fd_path(int fd)
{
    struct sockaddr_un addr;
    socklen_t len = sizeof(addr);

    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0 ||
        addr.sun_family != AF_UNIX || len <= offsetof(struct sockaddr_un,
                                                      sun_path)) {
        return NULL;
    }
    return g_strndup(addr.sun_path, len - offsetof(struct sockaddr_un,
                                                   sun_path));
}

/* fd=N: a listening socket the parent left open for us (server=on). */
static int chardev_opt_fd(const char *id, const char *str, bool server,
                          Error **errp)
{
    int listening = 0;
    socklen_t len = sizeof(listening);
    guint64 fd;

    if (!g_ascii_string_to_unsigned(str, 10, 0, INT_MAX, &fd, NULL)) {
        error_setg(errp, "chardev '%s': fd '%s' is not a file descriptor number", id, str);
        return -1;
    }
    if (getsockopt((int)fd, SOL_SOCKET, SO_ACCEPTCONN, &listening,
                   &len) < 0 || !listening || !server) {
        error_setg(errp, "chardev '%s': fd %d is not a listening socket (fd= needs one, with server=on)", id, (int)fd);
        return -1;
    }
    return (int)fd;
}

static bool chardev_add_inherited(const char *id, const char *fd_str,
                                  bool server, Error **errp)
{
    int fd = chardev_opt_fd(id, fd_str, server, errp);
    Chardev *chr;

    if (fd < 0) {
        return false;
    }
    chr = g_new0(Chardev, 1);
    chr->id = g_strdup(id);
    chr->path = chardev_fd_path(fd);
    chr->server = true;
    chr->listen_fd = fd;
    chr->connected_fd = -1;
    chardevs = g_list_append(chardevs, chr);
    return true;
}

bool chardev_add_from_opts(json_t *opts, Error **errp)
{
    const char *fd_str = json_string_value(json_object_get(opts, "fd"));
    const char *id;
    const char *path;
    bool server;
    bool wait;
    int64_t reconnect;

    if (!chardev_check_opts(opts, &id, &path, errp) ||
        !chardev_opt_bool(opts, "server", false, &server, errp) ||
        !chardev_opt_bool(opts, "wait", true, &wait, errp) ||
        !chardev_opt_reconnect(opts, server, &reconnect, errp)) {
        return false;
    }
    if (fd_str && path) {
        error_setg(errp, "chardev '%s': give path or fd, not both", id);
        return false;
    }
    if (fd_str) {
        return chardev_add_inherited(id, fd_str, server, errp);
    }
    return chardev_socket_create(id, path, server, wait, reconnect,
                                 errp) != NULL;
}

void chardev_cleanup(void)
{
    while (chardevs) {
        Chardev *chr = chardevs->data;

        if (chr->listen_fd >= 0) {
            close(chr->listen_fd);
        }
        if (chr->path_created) {
            unlink(chr->path);
        }
        if (chr->connected_fd >= 0) {
            close(chr->connected_fd);
        }
        chardevs = g_list_remove(chardevs, chr);
        g_free(chr->id);
        g_free(chr->path);
        g_free(chr);
    }
}

/* ---- query-chardev ---- */

static json_t *chardev_qmp_query(json_t *args, Error **errp)
{
    json_t *list = json_array();
    unsigned int anon = 0;

    for (GList *l = chardevs; l; l = l->next) {
        Chardev *chr = l->data;
        g_autofree char *label = chr->id ? g_strdup(chr->id)
            : g_strdup_printf("compat_monitor%u", anon++);
        g_autofree char *filename = g_strdup_printf(
            "unix:%s%s", chr->path ? chr->path : "",
            chr->server ? ",server=on" : "");

        json_array_append_new(list, json_pack(
            "{sbssss}", "frontend-open", chr->has_frontend || !chr->id,
            "filename", filename, "label", label));
    }
    return list;
}

static const QmpType chardev_qmp_types[] = {
    { .name = "ChardevInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "label", "str" }, { "filename", "str" },
          { "frontend-open", "bool" }, { NULL } } },
};

static const QmpCommandSpec chardev_qmp_command = {
    .name = "query-chardev", .fn = chardev_qmp_query,
    .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "[ChardevInfo]",
};

void chardev_qmp_register(void)
{
    qmp_register_types(chardev_qmp_types, ARRAY_SIZE(chardev_qmp_types));
    qmp_register_command_spec(&chardev_qmp_command);
}
