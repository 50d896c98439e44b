/*
 * One thread per vCPU.  hotmem executes no guest code on qtest and has
 * no vCPU loop yet, but libvirt (and cgroup placement, taskset) expects
 * one thread per vCPU whose id query-cpus-fast reports, so each vCPU has
 * a real thread that waits until the VM exits.  Named "CPU N/KVM" as
 * QEMU names them with -name debug-threads=on.  Main loop only.
 */
#include "qemu/osdep.h"
#include "hw/boards.h"
#include <pthread.h>
#include <sys/syscall.h>

typedef struct CpuThread {
    pthread_t thread;
    pid_t tid;              /* set by the thread before it signals ready */
} CpuThread;

static CpuThread *cpu_threads;
static unsigned int cpu_threads_count;
static int cpu_threads_stop_fd[2] = { -1, -1 };   /* read end: threads */
static GMutex cpu_threads_lock;     /* protects tid while starting */
static GCond cpu_threads_ready;

static void *cpu_threads_run(void *opaque)
{
    CpuThread *t = opaque;
    char byte;

    g_mutex_lock(&cpu_threads_lock);
    t->tid = (pid_t)syscall(SYS_gettid);
    g_cond_signal(&cpu_threads_ready);
    g_mutex_unlock(&cpu_threads_lock);
    /* returns 0 (EOF) when cpu_threads_stop() closes the write end */
    while (read(cpu_threads_stop_fd[0], &byte, 1) < 0 && errno == EINTR) {
    }
    return NULL;
}

static bool cpu_threads_start_one(CpuThread *t, unsigned int index,
                                  bool named, Error **errp)
{
    int err = pthread_create(&t->thread, NULL, cpu_threads_run, t);

    if (err) {
        error_setg(errp, "cannot create the thread of vCPU %u: %s", index,
                   strerror(err));
        return false;
    }
    g_mutex_lock(&cpu_threads_lock);
    while (!t->tid) {
        g_cond_wait(&cpu_threads_ready, &cpu_threads_lock);
    }
    g_mutex_unlock(&cpu_threads_lock);
    if (named) {
        char name[32];  /* the kernel keeps the first 15 bytes */

        snprintf(name, sizeof(name), "CPU %u/KVM", index);
        name[15] = 0;
        pthread_setname_np(t->thread, name);
    }
    return true;
}

bool cpu_threads_start(unsigned int nb_cpus, bool named, Error **errp)
{
    assert(!cpu_threads);
    if (!nb_cpus) {
        return true;
    }
    if (pipe(cpu_threads_stop_fd) < 0) {
        error_setg_errno(errp, errno, "cannot create the vCPU threads' pipe");
        return false;
    }
    cpu_threads = g_new0(CpuThread, nb_cpus);
    for (unsigned int i = 0; i < nb_cpus; i++) {
        if (!cpu_threads_start_one(&cpu_threads[i], i, named, errp)) {
            cpu_threads_stop();
            return false;
        }
        cpu_threads_count++;
    }
    return true;
}

pid_t cpu_thread_id(unsigned int index)
{
    return index < cpu_threads_count ? cpu_threads[index].tid : 0;
}

void cpu_threads_stop(void)
{
    if (cpu_threads_stop_fd[1] >= 0) {
        close(cpu_threads_stop_fd[1]);
        cpu_threads_stop_fd[1] = -1;
    }
    for (unsigned int i = 0; i < cpu_threads_count; i++) {
        pthread_join(cpu_threads[i].thread, NULL);
    }
    if (cpu_threads_stop_fd[0] >= 0) {
        close(cpu_threads_stop_fd[0]);
        cpu_threads_stop_fd[0] = -1;
    }
    g_clear_pointer(&cpu_threads, g_free);
    cpu_threads_count = 0;
}
