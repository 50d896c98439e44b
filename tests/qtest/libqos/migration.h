/*
 * Driving a migration from a test: two VMMs, the events capability,
 * MIGRATION statuses awaited with libqtest's timeout, run state and
 * query-migrate.  Implementation: libqos/migration.c.
 */
#ifndef LIBQOS_MIGRATION_H
#define LIBQOS_MIGRATION_H

#include "libqtest.h"

/* migrate-set-capabilities events=on (fails the test on error). */
void qmig_events_on(QTestState *s);
/* qtest_init(extra) with the events capability on. */
QTestState *qmig_vm(const char *extra);
/* qmig_vm(extra) waiting for its stream on uri (-incoming uri). */
QTestState *qmig_vm_incoming(const char *extra, const char *uri);
/*
 * Wait for a MIGRATION event whose status is one of want ("a|b"); the
 * status seen, g_malloc'ed.  qmig_assert_status: exactly want.
 */
char *qmig_wait_status(QTestState *s, const char *want);
void qmig_assert_status(QTestState *s, const char *want);
/* query-status's status, g_malloc'ed; and its assertion. */
char *qmig_runstate(QTestState *s);
void qmig_assert_runstate(QTestState *s, const char *want);
/* query-migrate's return (a new reference). */
json_t *qmig_query(QTestState *s);
/* One integer of its "ram" member (fails the test when absent). */
int64_t qmig_ram_stat(json_t *info, const char *name);
/* migrate uri (fails the test unless accepted). */
void qmig_migrate(QTestState *src, const char *uri);

#endif /* LIBQOS_MIGRATION_H */
