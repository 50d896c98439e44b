/*
 * Host-wide settings of the VMM process taken from the command line
 * (-overcommit).  Implemented in softmmu/physmem.c, because locking
 * memory is a RAM discard policy decision (exec/ramblock.h).
 */
#ifndef SYSEMU_OS_H
#define SYSEMU_OS_H

#include "qemu/osdep.h"
#include "qapi/error.h"

/*
 * -overcommit mem-lock=on: disable RAM discard (fails when a device
 * already requires it), then mlockall(MCL_CURRENT | MCL_FUTURE); on
 * failure discard is enabled again and errp says why.  Called once by
 * vl.c before creating backends and devices.  Main loop only.
 */
bool os_mlock(Error **errp);

#endif /* SYSEMU_OS_H */
