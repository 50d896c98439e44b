/*
 * Transports: parsing QEMU's migration URIs (unix:PATH, tcp:HOST:PORT,
 * exec:CMD, file:PATH[,offset=N]) and opening them, as a connected
 * non-blocking fd for the source, or a listening socket / readable fd for
 * the destination.  exec: runs /bin/sh -c CMD with its stdin (source) or
 * stdout (destination) on a pipe.  Moving bytes is outgoing.c's and
 * incoming.c's; messages follow QEMU 7.2's where it has them.
 */
#include "qemu/osdep.h"
#include "migration/migration-internal.h"
#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

/* Socket buffers: fewer wake-ups per MiB of stream on both sides. */
#define MIG_SOCKET_BUFFER (4 * 1024 * 1024)

void mig_uri_clear(MigUri *u)
{
    g_clear_pointer(&u->path, g_free);
    g_clear_pointer(&u->host, g_free);
    g_clear_pointer(&u->port, g_free);
}

/* "HOST:PORT", HOST may be "[v6addr]". */
static bool mig_uri_parse_inet(const char *addr, MigUri *u, Error **errp)
{
    const char *colon = strrchr(addr, ':');
    size_t hlen;

    if (!colon || !colon[1]) {
        error_setg(errp, "error parsing address '%s'", addr);
        return false;
    }
    hlen = colon - addr;
    if (hlen >= 2 && addr[0] == '[' && addr[hlen - 1] == ']') {
        u->host = g_strndup(addr + 1, hlen - 2);
    } else {
        u->host = g_strndup(addr, hlen);
    }
    u->port = g_strdup(colon + 1);
    return true;
}

/* "PATH[,offset=N]" (QEMU 8.2's file: transport). */
static bool mig_uri_parse_file(const char *spec, MigUri *u, Error **errp)
{
    const char *opt = strstr(spec, ",offset=");
    char *end;

    if (!opt) {
        u->path = g_strdup(spec);
        return true;
    }
    u->path = g_strndup(spec, opt - spec);
    opt += strlen(",offset=");
    errno = 0;
    u->offset = strtoull(opt, &end, 0);
    if (errno || end == opt || *end || *opt == '-') {
        error_setg(errp, "file: offset '%s' is not a number of bytes", opt);
        mig_uri_clear(u);
        return false;
    }
    return true;
}

bool mig_uri_parse(const char *uri, MigUri *u, Error **errp)
{
    memset(u, 0, sizeof(*u));
    if (g_str_has_prefix(uri, "unix:") && uri[5]) {
        u->kind = MIG_URI_UNIX;
        u->path = g_strdup(uri + 5);
        return true;
    }
    if (g_str_has_prefix(uri, "exec:") && uri[5]) {
        u->kind = MIG_URI_EXEC;
        u->path = g_strdup(uri + 5);
        return true;
    }
    if (g_str_has_prefix(uri, "tcp:")) {
        u->kind = MIG_URI_TCP;
        return mig_uri_parse_inet(uri + 4, u, errp);
    }
    if (g_str_has_prefix(uri, "file:") && uri[5]) {
        u->kind = MIG_URI_FILE;
        return mig_uri_parse_file(uri + 5, u, errp);
    }
    error_setg(errp, "Parameter 'uri' expects a valid migration protocol");
    return false;
}

static bool mig_set_nonblock(int fd, Error **errp)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        error_setg_errno(errp, errno, "cannot make the migration fd non-blocking");
        return false;
    }
    return true;
}

static bool mig_unix_addr(const char *path, struct sockaddr_un *sa,
                          Error **errp)
{
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa->sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long (at most %zu bytes)", path, sizeof(sa->sun_path) - 1);
        return false;
    }
    strcpy(sa->sun_path, path);
    return true;
}

static int mig_connect_unix(const char *path, Error **errp)
{
    struct sockaddr_un sa;
    int fd;

    if (!mig_unix_addr(path, &sa, errp)) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        error_setg_errno(errp, errno, "Failed to connect to '%s'", path);
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

static struct addrinfo *mig_resolve(const MigUri *u, bool passive,
                                    Error **errp)
{
    struct addrinfo hints = { 0 };
    struct addrinfo *res = NULL;
    int rc;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    rc = getaddrinfo(u->host[0] ? u->host : NULL, u->port, &hints, &res);
    if (rc) {
        error_setg(errp, "address resolution failed for %s:%s: %s", u->host,
                   u->port, gai_strerror(rc));
        return NULL;
    }
    return res;
}

/* Connect to, or listen on, the first address of u that works. */
static int mig_tcp_socket(const MigUri *u, bool listening, Error **errp)
{
    struct addrinfo *res = mig_resolve(u, listening, errp);
    int one = 1;
    int err = ECONNREFUSED;
    int fd = -1;

    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        bool ok;

        fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            continue;
        }
        if (listening) {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            ok = !bind(fd, ai->ai_addr, ai->ai_addrlen) && !listen(fd, 1);
        } else {
            ok = !connect(fd, ai->ai_addr, ai->ai_addrlen);
        }
        if (!ok) {
            err = errno;
            close(fd);
            fd = -1;
        }
    }
    if (res) {
        freeaddrinfo(res);
    }
    if (res && fd < 0 && listening) {
        error_setg_errno(errp, err, "Failed to bind socket to %s:%s",
                         u->host, u->port);
    } else if (res && fd < 0) {
        error_setg_errno(errp, err, "Failed to connect to '%s:%s'", u->host,
                         u->port);
    }
    return fd;
}

/* /bin/sh -c cmd with its stdin (to_child) or stdout on our end of a pipe. */
static int mig_spawn_exec(const char *cmd, bool to_child, GPid *pid,
                          Error **errp)
{
    const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
    g_autoptr(GError) gerr = NULL;
    int fd = -1;

    if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, pid,
                                  to_child ? &fd : NULL,
                                  to_child ? NULL : &fd, NULL, &gerr)) {
        error_setg(errp, "cannot run exec: command '%s': %s", cmd,
                   gerr->message);
        return -1;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

static int mig_open_file(const MigUri *u, bool for_write, Error **errp)
{
    int fd = open(u->path, for_write ? O_WRONLY | O_CREAT | O_CLOEXEC
                                     : O_RDONLY | O_CLOEXEC, 0600);

    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", u->path);
        return -1;
    }
    if ((for_write && ftruncate(fd, u->offset) < 0) ||
        lseek(fd, u->offset, SEEK_SET) < 0) {
        error_setg_errno(errp, errno, "file '%s': cannot seek to offset %" PRIu64, u->path, u->offset);
        close(fd);
        return -1;
    }
    return fd;
}

void mig_socket_set_buffers(int fd)
{
    int size = MIG_SOCKET_BUFFER;

    /* best effort: the kernel caps it at net.core.[wr]mem_max */
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

bool mig_channel_connect(const MigUri *u, MigChannel *c, Error **errp)
{
    c->pid = 0;
    switch (u->kind) {
    case MIG_URI_UNIX:
        c->fd = mig_connect_unix(u->path, errp);
        break;
    case MIG_URI_TCP:
        c->fd = mig_tcp_socket(u, false, errp);
        break;
    case MIG_URI_EXEC:
        c->fd = mig_spawn_exec(u->path, true, &c->pid, errp);
        break;
    default:
        c->fd = mig_open_file(u, true, errp);
        break;
    }
    if (c->fd < 0) {
        return false;
    }
    if (u->kind == MIG_URI_UNIX || u->kind == MIG_URI_TCP) {
        mig_socket_set_buffers(c->fd);
    }
    if (!mig_set_nonblock(c->fd, errp)) {
        mig_channel_close(c);
        return false;
    }
    return true;
}

static int mig_listen_unix(const char *path, Error **errp)
{
    struct sockaddr_un sa;
    int fd;

    if (!mig_unix_addr(path, &sa, errp)) {
        return -1;
    }
    unlink(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(fd, 1) < 0) {
        error_setg_errno(errp, errno, "Failed to bind socket to %s", path);
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

bool mig_channel_listen(const MigUri *u, int *listen_fd, MigChannel *c,
                        Error **errp)
{
    *listen_fd = -1;
    c->fd = -1;
    c->pid = 0;
    switch (u->kind) {
    case MIG_URI_UNIX:
        *listen_fd = mig_listen_unix(u->path, errp);
        return *listen_fd >= 0 && mig_set_nonblock(*listen_fd, errp);
    case MIG_URI_TCP:
        *listen_fd = mig_tcp_socket(u, true, errp);
        return *listen_fd >= 0 && mig_set_nonblock(*listen_fd, errp);
    case MIG_URI_EXEC:
        c->fd = mig_spawn_exec(u->path, false, &c->pid, errp);
        break;
    default:
        c->fd = mig_open_file(u, false, errp);
        break;
    }
    return c->fd >= 0 && mig_set_nonblock(c->fd, errp);
}

int mig_listen_port(int listen_fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(listen_fd, (struct sockaddr *)&ss, &len) < 0) {
        return -1;
    }
    if (ss.ss_family == AF_INET) {
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    }
    if (ss.ss_family == AF_INET6) {
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    return -1;
}

static void mig_channel_reaped(GPid pid, gint status, gpointer opaque)
{
    g_spawn_close_pid(pid);
}

void mig_channel_close(MigChannel *c)
{
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
    if (c->pid) {
        /* the command ends on EOF; reap it whenever it does */
        g_child_watch_add(c->pid, mig_channel_reaped, NULL);
        c->pid = 0;
    }
}
