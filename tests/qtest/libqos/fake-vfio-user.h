/*
 * fake_vfu: a minimal vfio-user server in a thread of the test, for what
 * no real server on this machine has: a PCI device with MSI-X
 * (libvfio-user's gpio sample has INTx only).  It decodes the wire format
 * itself, serves a fixed device (1234:5678, BAR0 of 4 KiB with the MSI-X
 * table at 0 and the PBA at 0x800, four vectors, INTx), records the
 * eventfds DEVICE_SET_IRQS gives it and can trigger them.  Neighbours:
 * backend-proc.h (real servers), tests/qtest/vfio-user-test.c.
 */
#ifndef LIBQOS_FAKE_VFIO_USER_H
#define LIBQOS_FAKE_VFIO_USER_H

#include "qemu/osdep.h"

#define FAKE_VFU_VENDOR_ID      0x1234
#define FAKE_VFU_DEVICE_ID      0x5678
#define FAKE_VFU_MSIX_CAP       0x40
#define FAKE_VFU_MSIX_VECTORS   4

typedef struct FakeVfu FakeVfu;

/* Listen on a socket in a new temporary directory; serve one client. */
FakeVfu *fake_vfu_start(void);
const char *fake_vfu_socket(const FakeVfu *f);
/*
 * Wait (QTEST_TIMEOUT_S at most) until the client has given eventfds for
 * all MSI-X vectors (armed true) or taken them back and re-armed INTx
 * (armed false).  Fails the test on timeout.
 */
void fake_vfu_wait_msix(FakeVfu *f, bool armed);
/* Signal vector's eventfd, as the device raising it. */
void fake_vfu_trigger_msix(FakeVfu *f, unsigned int vector);
/* SET_IRQS messages received so far. */
unsigned int fake_vfu_nb_set_irqs(FakeVfu *f);
/* Close, join the thread, remove the directory. */
void fake_vfu_stop(FakeVfu *f);

#endif /* LIBQOS_FAKE_VFIO_USER_H */
