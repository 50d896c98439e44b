/*
 * The guest side of test_libvirt.py: a VMM that libvirt started with
 * "-qtest unix:PATH" (a <qemu:commandline> argument) connects to PATH, and
 * this program then drives its virtio-mem device as the Linux driver
 * would (libqos/virtio-mem.c), on command from the test: "plug" on stdin
 * plugs or unplugs until plugged-size equals requested-size and prints
 * "plugged N"; EOF ends it.  Its stdout lines are the test's only input.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "libqos/virtio-mem.h"

#define GUEST_CHUNK (128 * MiB)

static void guest_converge(QVirtioMem *m, unsigned long **map)
{
    QVirtioMemConfig cfg;
    int resp;

    while ((resp = qvirtio_mem_policy_step(m, GUEST_CHUNK, map)) >= 0) {
        if (resp != QVIRTIO_MEM_RESP_ACK) {
            printf("error response %d\n", resp);
            fflush(stdout);
            return;
        }
    }
    qvirtio_mem_read_config(m, &cfg);
    printf("plugged %" PRIu64 "\n", cfg.plugged_size);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    g_autofree unsigned long *map = NULL;
    char line[64];
    QTestState *qts;
    QVirtioMem *m;
    int listen_fd;

    if (argc != 2) {
        fprintf(stderr, "usage: %s QTEST_SOCKET\n", argv[0]);
        return 2;
    }
    listen_fd = qtest_listen_unix(argv[1]);
    printf("listening\n");
    fflush(stdout);
    qts = qtest_attach(listen_fd);
    close(listen_fd);
    m = qvirtio_mem_init(qts);
    if (!m) {
        printf("no virtio-mem device\n");
        return 1;
    }
    printf("attached\n");
    fflush(stdout);
    while (fgets(line, sizeof(line), stdin)) {
        if (!strcmp(line, "plug\n")) {
            guest_converge(m, &map);
        }
    }
    qvirtio_mem_free(m);
    qtest_quit(qts);
    return 0;
}
