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

#endif /* MIGRATION_MIGRATION_H */
