/*
 * The qtest server: with -qtest unix:PATH the VMM connects to a socket the
 * test created and obeys QEMU's qtest line protocol (port and memory
 * access, the virtual clock, IRQ interception).  Main loop only.
 */
#ifndef SYSEMU_QTEST_H
#define SYSEMU_QTEST_H

#include "qemu/osdep.h"
#include "qapi/error.h"

/*
 * Connect to chrdev ("unix:PATH"; PATH alone is accepted too) and serve
 * it; log every command and answer to log (a file; "none": no log; NULL:
 * stderr, as QEMU without -qtest-log).  Fails (errp) when the log cannot
 * be opened or nobody listens at PATH.  The VMM exits when the test
 * closes the socket.  clock_step/clock_set work when the virtual clock is manual,
 * i.e. under the qtest accelerator (accel/qtest/qtest.c makes it so);
 * otherwise they are unknown commands, as in QEMU.
 */
bool qtest_server_init(const char *chrdev, const char *log, Error **errp);
/*
 * -accel qtest,poll-us=N: how long (µs) the server looks for the next
 * command after answering one before it sleeps in poll(); 0 when the
 * accelerator is not qtest.  Implemented in accel/qtest/qtest.c.
 */
unsigned int qtest_accel_poll_us(void);
/* Was the VM started with -qtest? */
bool qtest_enabled(void);

#endif /* SYSEMU_QTEST_H */
