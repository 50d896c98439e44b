/*
 * External vhost-user backends for the tests: qemu-storage-daemon
 * exporting a fresh raw image as vhost-user-blk, and virtiofsd sharing a
 * fresh directory.  Each backend lives in its own temporary directory
 * (socket, image or shared directory, log), is started before the VMM
 * that connects to it and is ready when its socket listens.  Backends die
 * with the test whatever way it ends (PR_SET_PDEATHSIG, atexit, libqtest's
 * abort handlers), and their files go with them.  Neighbours: libqtest.h
 * (the VMM), virtio-blk.h and virtio-fs.h (the guest side).
 */
#ifndef LIBQOS_BACKEND_PROC_H
#define LIBQOS_BACKEND_PROC_H

#include "libqtest.h"

/* The binaries: $QTEST_STORAGE_DAEMON and $QTEST_VIRTIOFSD, else these. */
#define QBACKEND_STORAGE_DAEMON_DEFAULT "/usr/bin/qemu-storage-daemon"
#define QBACKEND_VIRTIOFSD_DEFAULT      "/usr/lib/qemu/virtiofsd"

typedef struct QBackend QBackend;

/*
 * NULL when the backend can run here, else why not (for g_test_skip): the
 * binary is missing, or (virtiofsd) the test does not run as root, which
 * its chroot sandbox needs.
 */
const char *qbackend_blk_unavailable(void);
const char *qbackend_fs_unavailable(void);

/*
 * qemu-storage-daemon with a new sparse raw image of image_size bytes
 * (a multiple of 512), exported writable as vhost-user-blk.  Returns once
 * the socket listens; fails the test if the daemon exits first or does not
 * listen within QTEST_TIMEOUT_S (its log is in the message).
 */
QBackend *qbackend_blk_start(uint64_t image_size);
/* virtiofsd (cache=none, chroot sandbox) sharing a new empty directory. */
QBackend *qbackend_fs_start(void);

/*
 * A vfio-user server binary (libvfio-user's gpio-pci-idio-16 sample)
 * serving its device on the backend's socket; verbose: with its debug log
 * (-v: the DMA regions it maps and removes) in qbackend_log().  Returns
 * once the socket listens.
 */
QBackend *qbackend_vfu_start(const char *binary, bool verbose);

/* The backend's private directory: files a test puts there (a trace log)
 * go with the backend at qbackend_stop. */
const char *qbackend_dir(const QBackend *b);
const char *qbackend_socket_path(const QBackend *b);
const char *qbackend_image_path(const QBackend *b);  /* blk, else NULL */
const char *qbackend_shared_dir(const QBackend *b);  /* fs, else NULL */
pid_t qbackend_pid(const QBackend *b);               /* -1 once reaped */

/* size bytes of the image at offset, read by the test (not the backend). */
void qbackend_image_read(const QBackend *b, uint64_t offset, void *buf,
                         size_t size);

/* Directory, image and socket path of a blk backend, not started: for a
 * VMM that must wait for it; start it with qbackend_blk_restart(). */
QBackend *qbackend_blk_prepare(uint64_t image_size);
/* A blk backend killed before (or only prepared): its image on its socket
 * (again).  Returns once the socket listens. */
void qbackend_blk_restart(QBackend *b);
/* SIGKILL now and reap; the files stay until qbackend_stop. */
void qbackend_kill(QBackend *b);
/* Whether the process has not exited yet (reaps it if it has). */
bool qbackend_is_running(QBackend *b);
/* Wait status once reaped (qbackend_kill, qbackend_is_running false). */
int qbackend_wait_status(const QBackend *b);
/* Everything the backend printed so far, g_malloc'ed. */
char *qbackend_log(const QBackend *b);

/* SIGTERM, SIGKILL after QTEST_TIMEOUT_S, reap, remove its directory
 * with every file in it (and in the shared directory), free.  NULL is
 * fine. */
void qbackend_stop(QBackend *b);

#endif /* LIBQOS_BACKEND_PROC_H */
