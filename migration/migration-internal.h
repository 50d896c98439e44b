/*
 * Declarations shared inside migration/: the MigFields codec's buffers
 * (fields.c), the section registry (registry.c), the state of the one
 * migration this VM takes part in (migration.c), capabilities and
 * parameters (options.c).  Nothing outside migration/ includes this.
 */
#ifndef MIGRATION_MIGRATION_INTERNAL_H
#define MIGRATION_MIGRATION_INTERNAL_H

#include "qemu/osdep.h"
#include "migration/register.h"

/* ---- fields.c ---- */

MigFields *mig_fields_new_writer(void);
/* Read fields from buf (borrowed: it must outlive f). */
MigFields *mig_fields_new_reader(const void *buf, size_t len);
/* Name the section for mig_fields_error_prefix. */
void mig_fields_set_section(MigFields *f, const char *idstr,
                            const char *owner);
/* Writer: the bytes encoded so far (owned by f). */
const uint8_t *mig_fields_data(const MigFields *f, size_t *len);
/* Reader: fail if bytes are left after the last field read. */
bool mig_fields_check_end(MigFields *f, Error **errp);
void mig_fields_free(MigFields *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MigFields, mig_fields_free)

/* ---- registry.c ---- */

typedef struct MigSection {
    char *idstr;
    char *owner_path;           /* QOM path at registration */
    const MigStateOps *ops;
    void *opaque;
} MigSection;

/* Every registered section, in registration order (borrowed). */
GPtrArray *migration_sections(void);
MigSection *migration_section_find(const char *idstr, const char *owner);
/*
 * Save one section's fields into a new writer / load them from a reader,
 * with the section's name prefixed to any error, and every field read.
 */
MigFields *migration_section_save(MigSection *s);
bool migration_section_load(MigSection *s, MigFields *f, uint32_t version,
                            Error **errp);

/* ---- migration.c ---- */

typedef enum MigrationStatus {
    MIGRATION_STATUS_NONE,          /* no migration yet */
    MIGRATION_STATUS_SETUP,         /* transport being opened */
    MIGRATION_STATUS_ACTIVE,        /* RAM passes (or incoming stream) */
    MIGRATION_STATUS_PRE_SWITCHOVER, /* paused before switchover (cap) */
    MIGRATION_STATUS_DEVICE,        /* VM stopped: last pass, devices */
    MIGRATION_STATUS_COMPLETED,
    MIGRATION_STATUS_FAILED,
    MIGRATION_STATUS_CANCELLING,
    MIGRATION_STATUS_CANCELLED,
    MIGRATION_STATUS__MAX,
} MigrationStatus;

const char *migration_status_name(MigrationStatus status);
MigrationStatus migration_get_status(void);
/* Change the status; MIGRATION event when the capability is on. */
void migration_set_status(MigrationStatus status);
/* Incoming streams count as active too (migration_is_active). */
void migration_set_incoming_active(bool active);

/* ---- options.c ---- */

typedef enum MigCapability {
    MIG_CAP_EVENTS,
    MIG_CAP_PAUSE_BEFORE_SWITCHOVER,
    MIG_CAP__MAX,
} MigCapability;

bool migration_capability_enabled(MigCapability cap);
uint64_t migration_max_bandwidth(void);     /* bytes/s; 0: no limit */
uint64_t migration_downtime_limit_ms(void);
/* query-/migrate-set-capabilities, query-/migrate-set-parameters */
void migration_options_register_commands(void);

#endif /* MIGRATION_MIGRATION_INTERNAL_H */
