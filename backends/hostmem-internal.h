/*
 * Shared inside backends/: what the concrete backends (hostmem-ram.c,
 * hostmem-memfd.c, hostmem-file.c) need from the abstract one
 * (hostmem.c).  Not a contract for other folders: they use
 * include/sysemu/hostmem.h.
 */
#ifndef BACKENDS_HOSTMEM_INTERNAL_H
#define BACKENDS_HOSTMEM_INTERNAL_H

#include "sysemu/hostmem.h"

/*
 * Properties are fixed once the backend is complete: false with QEMU's
 * "cannot change property 'NAME' of TYPE" when it is.
 */
/* ObjectFieldCheck for properties fixed once complete succeeded. */
bool host_memory_backend_field_check(Object *obj, const char *name,
                                     Error **errp);
bool host_memory_backend_check_settable(HostMemoryBackend *backend,
                                        const char *name, Error **errp);
/* RAM_SHARED / RAM_NORESERVE / RAM_UNMERGEABLE_KSM / RAM_NODUMP. */
uint32_t host_memory_backend_ram_flags(const HostMemoryBackend *backend);
/*
 * Initialize backend->mr with rb (the region takes ownership of the
 * block) under host_memory_backend_get_name().
 */
void host_memory_backend_init_region(HostMemoryBackend *backend,
                                     RAMBlock *rb);

/*
 * The "memory-backend" migration section (hostmem-migration.c): register
 * once complete (fails only for a duplicate), unregister at finalize.
 */
bool host_memory_backend_migration_register(HostMemoryBackend *backend,
                                            Error **errp);
void host_memory_backend_migration_unregister(HostMemoryBackend *backend);

#endif /* BACKENDS_HOSTMEM_INTERNAL_H */
