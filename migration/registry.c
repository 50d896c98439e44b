/*
 * The section registry: the state devices, the machine and backends
 * register to be moved (migration_register_state), kept in registration
 * order and found by (idstr, owner QOM path), the pair that matches a
 * section on the source with its twin on the destination.  Saving and
 * loading one section goes through here so that every error names it.
 * The stream's framing is stream.c's; when sections travel, migration.c's.
 */
#include "qemu/osdep.h"
#include "migration/register.h"
#include "migration/migration-internal.h"

static GPtrArray *migration_section_list;   /* MigSection *, in order */

GPtrArray *migration_sections(void)
{
    if (!migration_section_list) {
        migration_section_list = g_ptr_array_new();
    }
    return migration_section_list;
}

MigSection *migration_section_find(const char *idstr, const char *owner)
{
    GPtrArray *list = migration_sections();

    for (guint i = 0; i < list->len; i++) {
        MigSection *s = g_ptr_array_index(list, i);

        if (!strcmp(s->idstr, idstr) && !strcmp(s->owner_path, owner)) {
            return s;
        }
    }
    return NULL;
}

bool migration_register_state(const char *idstr, Object *owner,
                              const MigStateOps *ops, void *opaque,
                              Error **errp)
{
    g_autofree char *path = object_get_canonical_path(owner);
    MigSection *s;

    assert(ops->phase < MIG_PHASE__MAX && ops->save && ops->load);
    if (!path) {
        error_setg(errp, "section '%s': its owner is not in the object tree",
                   idstr);
        return false;
    }
    if (migration_section_find(idstr, path)) {
        error_setg(errp, "section '%s' (%s) is already registered", idstr,
                   path);
        return false;
    }
    s = g_new0(MigSection, 1);
    s->idstr = g_strdup(idstr);
    s->owner_path = g_steal_pointer(&path);
    s->ops = ops;
    s->opaque = opaque;
    g_ptr_array_add(migration_sections(), s);
    return true;
}

void migration_unregister_state(void *opaque)
{
    GPtrArray *list = migration_sections();
    guint i = 0;

    while (i < list->len) {
        MigSection *s = g_ptr_array_index(list, i);

        if (s->opaque != opaque) {
            i++;
            continue;
        }
        g_ptr_array_remove_index(list, i);
        g_free(s->idstr);
        g_free(s->owner_path);
        g_free(s);
    }
}

MigFields *migration_section_save(MigSection *s)
{
    MigFields *f = mig_fields_new_writer();

    s->ops->save(f, s->opaque);
    return f;
}

bool migration_section_load(MigSection *s, MigFields *f, uint32_t version,
                            Error **errp)
{
    mig_fields_set_section(f, s->idstr, s->owner_path);
    if (version > s->ops->version) {
        error_setg(errp, "section '%s' (%s): version %u is newer than this VM's %u", s->idstr, s->owner_path, version,
                   s->ops->version);
        return false;
    }
    if (!s->ops->load(f, s->opaque, version, errp) ||
        !mig_fields_check_end(f, errp)) {
        mig_fields_error_prefix(f, errp);
        return false;
    }
    return true;
}
