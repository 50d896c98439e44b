/*
 * "memory-backend-ram": anonymous host memory (private, or shared with
 * share=on), mapped by softmmu/physmem.c through the memory API.  All
 * properties are the abstract backend's (hostmem.c); this file only
 * allocates.
 */
#include "qemu/osdep.h"
#include "hostmem-internal.h"

static bool host_memory_backend_ram_alloc(HostMemoryBackend *backend,
                                          Error **errp)
{
    g_autofree char *name = host_memory_backend_get_name(backend);

    return memory_region_init_ram_flags_nomigrate(
        &backend->mr, OBJECT(backend), name, backend->size,
        host_memory_backend_ram_flags(backend), errp);
}

static void host_memory_backend_ram_class_init(ObjectClass *oc, void *data)
{
    MEMORY_BACKEND_CLASS(oc)->alloc = host_memory_backend_ram_alloc;
}

static const TypeInfo host_memory_backend_ram_info = {
    .name = TYPE_MEMORY_BACKEND_RAM,
    .parent = TYPE_MEMORY_BACKEND,
    .class_init = host_memory_backend_ram_class_init,
};

static void host_memory_backend_ram_register_types(void)
{
    type_register_static(&host_memory_backend_ram_info);
}

type_init(host_memory_backend_ram_register_types)
