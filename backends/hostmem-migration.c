/*
 * A memory backend's migration section, "memory-backend", owned by the
 * backend (/objects/<id>): its type, size and share flag must be the
 * source's.  Early, so that a destination with another backend fails
 * before any RAM is sent; the RAM itself is migration/ram.c's.  A missing
 * backend is refused by the registry (no section to pair with).
 */
#include "qemu/osdep.h"
#include "hostmem-internal.h"
#include "migration/register.h"

#define HOST_MEMORY_BACKEND_SECTION "memory-backend"

static void host_memory_backend_mig_save(MigFields *f, void *opaque)
{
    HostMemoryBackend *backend = opaque;

    mig_put_str(f, "type", object_get_typename(OBJECT(backend)));
    mig_put_u64(f, "size", backend->size);
    mig_put_bool(f, "share", backend->share);
}

static bool host_memory_backend_mig_load(MigFields *f, void *opaque,
                                         uint32_t version, Error **errp)
{
    HostMemoryBackend *backend = opaque;

    return mig_check_str(f, "type", object_get_typename(OBJECT(backend)),
                         errp) &&
           mig_check_u64(f, "size", backend->size, errp) &&
           mig_check_bool(f, "share", backend->share, errp);
}

static const MigStateOps host_memory_backend_mig_ops = {
    .phase = MIG_PHASE_EARLY,
    .version = 1,
    .save = host_memory_backend_mig_save,
    .load = host_memory_backend_mig_load,
};

bool host_memory_backend_migration_register(HostMemoryBackend *backend,
                                            Error **errp)
{
    return migration_register_state(HOST_MEMORY_BACKEND_SECTION,
                                    OBJECT(backend),
                                    &host_memory_backend_mig_ops, backend,
                                    errp);
}

void host_memory_backend_migration_unregister(HostMemoryBackend *backend)
{
    migration_unregister_state(backend);
}
