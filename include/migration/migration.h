/*
 * What the rest of hotmem (vl.c) asks of migration/ beyond the section
 * contract of register.h: registering the monitor commands and starting
 * an incoming migration from -incoming.  Main loop only.
 */
#ifndef MIGRATION_MIGRATION_H
#define MIGRATION_MIGRATION_H

#include "qemu/osdep.h"
#include "qapi/error.h"

/*
 * The QMP and HMP commands of migration (migrate, query-migrate,
 * migrate-set-capabilities, ..., info migrate).  Called once by vl.c
 * before the monitors start.
 */
void migration_register_commands(void);

/*
 * -incoming URI or -incoming defer: put the VM in inmigrate and listen on
 * URI (or wait for migrate-incoming).  When the stream has been loaded
 * the VM runs if the source ran and runstate_get_autostart() (no -S);
 * on a bad stream the process exits with status 1 and a message.  Fails
 * (errp) when URI is malformed or cannot be listened on.
 */
bool migration_incoming_init(const char *uri, Error **errp);

#endif /* MIGRATION_MIGRATION_H */
