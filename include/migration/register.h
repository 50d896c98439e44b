/*
 * The contract between migration/ and the state it moves.  Devices, the
 * machine and backends register their own sections; migration/ never calls
 * a device by name.  A section's payload is a list of tagged fields written
 * through a MigFields encoder (migration/fields.c) and read back in the same
 * order, so a mismatch is reported by section and field name.  RAM is not a
 * section: migration/ram.c walks the RAMBlocks itself and asks each
 * region's RamDiscardManager what not to send.
 */
#ifndef MIGRATION_REGISTER_H
#define MIGRATION_REGISTER_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object.h"

/* Where in the stream a section travels. */
typedef enum MigPhase {
    MIG_PHASE_EARLY,    /* before any RAM: geometry and plug state that the
                           RAM pass on the destination depends on */
    MIG_PHASE_DEVICE,   /* after the last RAM pass, the VM stopped */
    MIG_PHASE__MAX,
} MigPhase;

/*
 * The fields of one section, being written (save) or read (load).  Fields
 * private to migration/fields.c.
 */
typedef struct MigFields MigFields;

/* Save: append one field.  Cannot fail (the encoder grows). */
void mig_put_u8(MigFields *f, const char *name, uint8_t v);
void mig_put_u16(MigFields *f, const char *name, uint16_t v);
void mig_put_u32(MigFields *f, const char *name, uint32_t v);
void mig_put_u64(MigFields *f, const char *name, uint64_t v);
void mig_put_bool(MigFields *f, const char *name, bool v);
void mig_put_str(MigFields *f, const char *name, const char *v);
void mig_put_bytes(MigFields *f, const char *name, const void *buf,
                   size_t len);

/*
 * Load: read the next field, which must carry this name and type.  On a
 * wrong name, type or length, or past the end, set errp ("section
 * 'virtio-mem-early' (/machine/peripheral/vmem0): field 'block-size': ...")
 * and return false; *v is then unchanged.
 */
bool mig_get_u8(MigFields *f, const char *name, uint8_t *v, Error **errp);
bool mig_get_u16(MigFields *f, const char *name, uint16_t *v, Error **errp);
bool mig_get_u32(MigFields *f, const char *name, uint32_t *v, Error **errp);
bool mig_get_u64(MigFields *f, const char *name, uint64_t *v, Error **errp);
bool mig_get_bool(MigFields *f, const char *name, bool *v, Error **errp);
/* *v is g_malloc'ed; the caller frees it. */
bool mig_get_str(MigFields *f, const char *name, char **v, Error **errp);
/* The field must be exactly len bytes long. */
bool mig_get_bytes(MigFields *f, const char *name, void *buf, size_t len,
                   Error **errp);
/*
 * Load: read a field and compare it with the destination's own value; on a
 * difference set errp naming the field and both values ("block-size: source
 * 2 MiB, destination 4 MiB" for *_size names, hex for *addr names).
 */
bool mig_check_u64(MigFields *f, const char *name, uint64_t mine,
                   Error **errp);
bool mig_check_bool(MigFields *f, const char *name, bool mine, Error **errp);
bool mig_check_str(MigFields *f, const char *name, const char *mine,
                   Error **errp);
/* Prefix errors of the section being loaded with its name and owner. */
void mig_fields_error_prefix(MigFields *f, Error **errp);

typedef struct MigStateOps {
    MigPhase phase;
    uint32_t version;           /* the loader is given the sender's */
    /* Write the section's fields.  Main loop, VM stopped for DEVICE. */
    void (*save)(MigFields *f, void *opaque);
    /*
     * Read them back, check them against this VM, apply.  On failure set
     * errp (the field's own message is enough: the caller prefixes the
     * section) and leave the object as it was.
     */
    bool (*load)(MigFields *f, void *opaque, uint32_t version, Error **errp);
    /* Optional: after every section and all RAM have arrived. */
    bool (*post_load)(void *opaque, Error **errp);
} MigStateOps;

/*
 * Register a section.  idstr names the kind ("virtio-mem-early",
 * "pci-config", ...), owner the object (its QOM path goes on the wire and
 * pairs sections on both sides, so it must be the same on source and
 * destination).  Sections are saved in registration order within a phase.
 * Fails if (idstr, owner path) is already registered.  Main loop only.
 */
bool migration_register_state(const char *idstr, Object *owner,
                              const MigStateOps *ops, void *opaque,
                              Error **errp);
/* Drop every section registered with this opaque (unrealize). */
void migration_unregister_state(void *opaque);

/* ---- What devices and the monitor ask of migration ---- */

/*
 * A migration is in progress on this VM, outgoing (setup .. before
 * completed / failed / cancelled) or incoming (the stream is being read).
 * virtio-mem answers PLUG / UNPLUG / UNPLUG_ALL with BUSY while it holds.
 */
bool migration_is_active(void);
/*
 * For device_add, device_del, object-del: fail with "... is not allowed
 * while a migration is in progress" naming the action.
 */
bool migration_check_not_active(const char *action, Error **errp);

#endif /* MIGRATION_REGISTER_H */
