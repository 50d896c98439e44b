/*
 * Start-up cost: wall time from exec until the QMP greeting, and RSS then,
 * for hotmem and (when installed) the reference QEMU 7.2 with the same
 * memory command line: -m 4G,maxmem=2T with a 1 TiB reserve=off backend.
 * Prints "name value unit" lines and ratios; never fails on time.
 */
#include "qemu/osdep.h"
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#define BENCH_RUNS 5
#define BENCH_REFERENCE "/usr/bin/qemu-system-x86_64"

typedef struct BenchResult {
    double wall_ms;
    double rss_mib;
} BenchResult;

static double bench_rss_mib(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int)pid);
    g_autofree char *text = NULL;
    const char *line;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        return -1;
    }
    line = strstr(text, "VmRSS:");
    return line ? g_ascii_strtod(line + 6, NULL) / 1024 : -1;
}

/* Connect to the QMP socket and read the greeting; false on timeout. */
static bool bench_wait_greeting(const char *path, gint64 deadline_us)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    char buf[512];

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    while (g_get_monotonic_time() < deadline_us) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);

        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
            ssize_t n = read(fd, buf, sizeof(buf));

            close(fd);
            return n > 0;
        }
        close(fd);
        g_usleep(200);
    }
    return false;
}

static bool bench_run_once(const char *binary, bool reference,
                           BenchResult *res)
{
    g_autofree char *dir = g_dir_make_tmp("hotmem-bench-XXXXXX", NULL);
    g_autofree char *sock = g_build_filename(dir, "qmp.sock", NULL);
    g_autofree char *qmp = g_strdup_printf("unix:%s,server=on,wait=off",
                                           sock);
    const char *argv[] = {
        binary, "-machine", reference ? "q35,accel=tcg" : "q35,accel=qtest",
        "-S", "-display", "none", "-nodefaults", "-m", "4G,maxmem=2T",
        "-object", "memory-backend-ram,id=mem0,size=1T,reserve=off",
        "-qmp", qmp, NULL,
    };
    gint64 t0 = g_get_monotonic_time();
    pid_t pid = fork();
    bool ok;

    if (pid == 0) {
        execv(binary, (char **)argv);
        _exit(127);
    }
    ok = bench_wait_greeting(sock, t0 + 20 * G_USEC_PER_SEC);
    res->wall_ms = (g_get_monotonic_time() - t0) / 1000.0;
    res->rss_mib = bench_rss_mib(pid);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    unlink(sock);
    rmdir(dir);
    return ok;
}

static bool bench_measure(const char *name, const char *binary,
                          bool reference, BenchResult *best)
{
    best->wall_ms = 1e12;
    best->rss_mib = 0;
    for (int i = 0; i < BENCH_RUNS; i++) {
        BenchResult r;

        if (!bench_run_once(binary, reference, &r)) {
            printf("%s-startup failed\n", name);
            return false;
        }
        best->wall_ms = MIN(best->wall_ms, r.wall_ms);
        best->rss_mib = MAX(best->rss_mib, r.rss_mib);
    }
    printf("%s-startup-wall %.1f ms\n", name, best->wall_ms);
    printf("%s-startup-rss %.1f MiB\n", name, best->rss_mib);
    return true;
}

int main(int argc, char **argv)
{
    const char *hotmem = getenv("QTEST_QEMU_BINARY");
    BenchResult h, q;

    if (!hotmem) {
        fprintf(stderr, "QTEST_QEMU_BINARY is not set\n");
        return 1;
    }
    printf("# -m 4G,maxmem=2T -object memory-backend-ram,size=1T,"
           "reserve=off; best of %d\n", BENCH_RUNS);
    if (!bench_measure("hotmem", hotmem, false, &h)) {
        return 1;
    }
    if (access(BENCH_REFERENCE, X_OK) == 0 &&
        bench_measure("qemu-7.2", BENCH_REFERENCE, true, &q)) {
        printf("startup-wall-ratio-qemu-over-hotmem %.2f x\n",
               q.wall_ms / h.wall_ms);
        printf("startup-rss-ratio-qemu-over-hotmem %.2f x\n",
               q.rss_mib / h.rss_mib);
    } else {
        printf("# reference QEMU not installed: no ratios\n");
    }
    return 0;
}
