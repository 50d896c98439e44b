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
 * it; log every command and answer to log ("/dev/null", a file, or NULL
 * for none).  Makes the virtual clock manual.
 */
bool qtest_server_init(const char *chrdev, const char *log, Error **errp);
/* Was the VM started with -qtest? */
bool qtest_enabled(void);

#endif /* SYSEMU_QTEST_H */
