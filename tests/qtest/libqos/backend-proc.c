/*
 * Spawning, watching and reaping the external vhost-user backends of the
 * tests (backend-proc.h).  Readiness is the socket appearing as listening
 * in /proc/net/unix: connecting to probe it would use up virtiofsd, which
 * serves exactly one connection.
 */
#include "qemu/osdep.h"
#include "backend-proc.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* /proc/net/unix flag of a listening socket (__SO_ACCEPTCON). */
#define QBACKEND_UNIX_LISTENING 0x10000

struct QBackend {
    pid_t pid;                  /* -1 once reaped */
    int wait_status;            /* valid once reaped */
    char *dir;                  /* private temporary directory */
    char *socket_path;
    char *log_path;             /* the backend's stdout and stderr */
    char *image_path;           /* blk: the raw image, else NULL */
    char *shared_dir;           /* fs: the shared directory, else NULL */
};

static GList *qbackend_live;    /* QBackend *: to kill and remove at exit */
static bool qbackend_cleanup_installed;

static const char *qbackend_storage_daemon_binary(void)
{
    const char *bin = g_getenv("QTEST_STORAGE_DAEMON");

    return bin ? bin : QBACKEND_STORAGE_DAEMON_DEFAULT;
}

static const char *qbackend_virtiofsd_binary(void)
{
    const char *bin = g_getenv("QTEST_VIRTIOFSD");

    return bin ? bin : QBACKEND_VIRTIOFSD_DEFAULT;
}

const char *qbackend_blk_unavailable(void)
{
    if (access(qbackend_storage_daemon_binary(), X_OK) != 0) {
        return "qemu-storage-daemon not installed (package qemu-utils)";
    }
    return NULL;
}

const char *qbackend_fs_unavailable(void)
{
    if (access(qbackend_virtiofsd_binary(), X_OK) != 0) {
        return "virtiofsd not installed (package qemu-system-common)";
    }
    if (geteuid() != 0) {
        return "virtiofsd's chroot sandbox needs root";
    }
    return NULL;
}

/* ---- cleanup, whatever way the test ends ---- */

/* Only kill, unlink and rmdir: this also runs in a signal handler. */
static void qbackend_kill_and_unlink(QBackend *b)
{
    if (b->pid > 0) {
        kill(b->pid, SIGKILL);
    }
    unlink(b->socket_path);
    unlink(b->log_path);
    if (b->image_path) {
        unlink(b->image_path);
    }
    if (b->shared_dir) {
        rmdir(b->shared_dir);
    }
    rmdir(b->dir);
}

static void qbackend_abort_hook(void *data)
{
    for (GList *l = qbackend_live; l; l = l->next) {
        qbackend_kill_and_unlink(l->data);
    }
}

static void qbackend_atexit(void)
{
    while (qbackend_live) {
        qbackend_stop(qbackend_live->data);
    }
}

static void qbackend_install_cleanup(void)
{
    if (!qbackend_cleanup_installed) {
        qbackend_cleanup_installed = true;
        atexit(qbackend_atexit);
        qtest_add_abort_handler(qbackend_abort_hook, NULL);
    }
}

/* ---- start ---- */

static QBackend *qbackend_new(void)
{
    QBackend *b = g_new0(QBackend, 1);
    g_autoptr(GError) err = NULL;

    b->pid = -1;
    b->dir = g_dir_make_tmp("hotmem-backend-XXXXXX", &err);
    g_assert_no_error(err);
    /* The paths go into key=value options: no commas allowed. */
    g_assert_null(strchr(b->dir, ','));
    b->socket_path = g_build_filename(b->dir, "vhost-user.sock", NULL);
    b->log_path = g_build_filename(b->dir, "backend.log", NULL);
    qbackend_install_cleanup();
    qbackend_live = g_list_prepend(qbackend_live, b);
    return b;
}

static pid_t qbackend_spawn(char **argv, const char *log_path)
{
    int log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                      0600);
    pid_t parent = getpid();
    pid_t pid;

    g_assert_cmpint(log_fd, >=, 0);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        int null_fd = open("/dev/null", O_RDONLY);

        /* Die with the test, even when it is killed with SIGKILL. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) {
            _exit(127);
        }
        dup2(null_fd, STDIN_FILENO);
        dup2(log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
        execv(argv[0], argv);
        _exit(127);
    }
    close(log_fd);
    return pid;
}

/* Whether /proc/net/unix lists path as a listening socket. */
static bool qbackend_is_listening(const char *path)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents("/proc/net/unix", &text, NULL, NULL)) {
        return false;
    }
    lines = g_strsplit(text, "\n", 0);
    /* Num RefCount Protocol Flags Type St Inode Path */
    for (int i = 1; lines[i]; i++) {
        unsigned long flags;
        int path_pos = -1;

        if (sscanf(lines[i], "%*s %*s %*s %lx %*s %*s %*s %n", &flags,
                   &path_pos) == 1 && path_pos > 0 &&
            (flags & QBACKEND_UNIX_LISTENING) &&
            strcmp(lines[i] + path_pos, path) == 0) {
            return true;
        }
    }
    return false;
}

static void qbackend_wait_listening(QBackend *b, const char *what)
{
    gint64 deadline = g_get_monotonic_time() +
                      QTEST_TIMEOUT_S * G_USEC_PER_SEC;

    while (!qbackend_is_listening(b->socket_path)) {
        if (!qbackend_is_running(b)) {
            g_autofree char *log = qbackend_log(b);

            g_error("%s exited (status 0x%x) before listening on %s: %s",
                    what, b->wait_status, b->socket_path, log);
        }
        if (g_get_monotonic_time() > deadline) {
            g_autofree char *log = qbackend_log(b);

            g_error("%s did not listen on %s in %d s: %s", what,
                    b->socket_path, QTEST_TIMEOUT_S, log);
        }
        g_usleep(10 * 1000);
    }
}

static void qbackend_make_image(const char *path, uint64_t size)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, size), ==, 0);
    close(fd);
}

/* qemu-storage-daemon exporting b's image on b's socket. */
static void qbackend_blk_spawn(QBackend *b)
{
    g_autofree char *blockdev = NULL;
    g_autofree char *export = NULL;

    blockdev = g_strdup_printf("driver=file,node-name=f0,filename=%s",
                               b->image_path);
    export = g_strdup_printf("type=vhost-user-blk,id=e0,node-name=f0,"
                             "addr.type=unix,addr.path=%s,writable=on",
                             b->socket_path);
    {
        char *argv[] = { (char *)qbackend_storage_daemon_binary(),
                         (char *)"--blockdev", blockdev,
                         (char *)"--export", export, NULL };

        b->pid = qbackend_spawn(argv, b->log_path);
    }
    qbackend_wait_listening(b, "qemu-storage-daemon");
}

QBackend *qbackend_blk_prepare(uint64_t image_size)
{
    QBackend *b = qbackend_new();

    g_assert_cmpuint(image_size % 512, ==, 0);
    b->image_path = g_build_filename(b->dir, "disk.raw", NULL);
    qbackend_make_image(b->image_path, image_size);
    return b;
}

QBackend *qbackend_blk_start(uint64_t image_size)
{
    QBackend *b = qbackend_blk_prepare(image_size);

    qbackend_blk_spawn(b);
    return b;
}

void qbackend_blk_restart(QBackend *b)
{
    g_assert_cmpint(b->pid, <, 0);
    unlink(b->socket_path);
    qbackend_blk_spawn(b);
}

QBackend *qbackend_fs_start(void)
{
    QBackend *b = qbackend_new();
    g_autofree char *socket_opt = NULL;
    g_autofree char *source_opt = NULL;

    b->shared_dir = g_build_filename(b->dir, "shared", NULL);
    g_assert_cmpint(mkdir(b->shared_dir, 0700), ==, 0);
    socket_opt = g_strdup_printf("--socket-path=%s", b->socket_path);
    source_opt = g_strdup_printf("source=%s", b->shared_dir);
    {
        /* chroot: the namespace sandbox needs privileges a container
         * lacks. */
        char *argv[] = { (char *)qbackend_virtiofsd_binary(), socket_opt,
                         (char *)"-o", source_opt, (char *)"-o",
                         (char *)"cache=none", (char *)"-o",
                         (char *)"sandbox=chroot", NULL };

        b->pid = qbackend_spawn(argv, b->log_path);
    }
    qbackend_wait_listening(b, "virtiofsd");
    return b;
}

/* A vfio-user server (libvfio-user's samples take "[-v] SOCKET"). */
QBackend *qbackend_vfu_start(const char *binary, bool verbose)
{
    QBackend *b = qbackend_new();
    char *argv[] = { (char *)binary, (char *)"-v", b->socket_path, NULL };
    char *quiet_argv[] = { (char *)binary, b->socket_path, NULL };

    b->pid = qbackend_spawn(verbose ? argv : quiet_argv, b->log_path);
    qbackend_wait_listening(b, binary);
    return b;
}

/* ---- accessors ---- */

const char *qbackend_dir(const QBackend *b)
{
    return b->dir;
}

const char *qbackend_socket_path(const QBackend *b)
{
    return b->socket_path;
}

const char *qbackend_image_path(const QBackend *b)
{
    return b->image_path;
}

const char *qbackend_shared_dir(const QBackend *b)
{
    return b->shared_dir;
}

pid_t qbackend_pid(const QBackend *b)
{
    return b->pid;
}

int qbackend_wait_status(const QBackend *b)
{
    g_assert_cmpint(b->pid, ==, -1);
    return b->wait_status;
}

void qbackend_image_read(const QBackend *b, uint64_t offset, void *buf,
                         size_t size)
{
    int fd;

    g_assert_nonnull(b->image_path);
    fd = open(b->image_path, O_RDONLY | O_CLOEXEC);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pread(fd, buf, size, offset), ==, (ssize_t)size);
    close(fd);
}

char *qbackend_log(const QBackend *b)
{
    char *text = NULL;

    if (!g_file_get_contents(b->log_path, &text, NULL, NULL)) {
        return g_strdup("(no log)");
    }
    return text;
}

/* ---- stop ---- */

bool qbackend_is_running(QBackend *b)
{
    if (b->pid > 0 && waitpid(b->pid, &b->wait_status, WNOHANG) == b->pid) {
        b->pid = -1;
    }
    return b->pid > 0;
}

void qbackend_kill(QBackend *b)
{
    if (b->pid > 0) {
        kill(b->pid, SIGKILL);
        g_assert_cmpint(waitpid(b->pid, &b->wait_status, 0), ==, b->pid);
        b->pid = -1;
    }
}

/* SIGTERM, then SIGKILL when it has not exited by the deadline. */
static void qbackend_terminate(QBackend *b)
{
    gint64 deadline = g_get_monotonic_time() +
                      QTEST_TIMEOUT_S * G_USEC_PER_SEC;

    if (b->pid <= 0) {
        return;
    }
    kill(b->pid, SIGTERM);
    while (qbackend_is_running(b)) {
        if (g_get_monotonic_time() > deadline) {
            qbackend_kill(b);
            return;
        }
        g_usleep(1000);
    }
}

/* Unlink every entry of path that is not a directory. */
static void qbackend_empty_dir(const char *path)
{
    GDir *dir = path ? g_dir_open(path, 0, NULL) : NULL;
    const char *name;

    if (!dir) {
        return;
    }
    while ((name = g_dir_read_name(dir))) {
        g_autofree char *file = g_build_filename(path, name, NULL);

        if (!g_file_test(file, G_FILE_TEST_IS_DIR)) {
            unlink(file);
        }
    }
    g_dir_close(dir);
}

void qbackend_stop(QBackend *b)
{
    if (!b) {
        return;
    }
    qbackend_terminate(b);
    qbackend_live = g_list_remove(qbackend_live, b);
    qbackend_empty_dir(b->shared_dir);
    qbackend_empty_dir(b->dir);
    qbackend_kill_and_unlink(b);
    g_free(b->dir);
    g_free(b->socket_path);
    g_free(b->log_path);
    g_free(b->image_path);
    g_free(b->shared_dir);
    g_free(b);
}
