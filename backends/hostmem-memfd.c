/*
 * "memory-backend-memfd": host memory in an anonymous memfd (shmem, or
 * hugetlbfs with hugetlb=on), so that vhost-user backends can map it.
 * Adds hugetlb, hugetlbsize and seal to the abstract backend's properties
 * (hostmem.c); share defaults to on as in QEMU.  The fd is handed to the
 * RAMBlock (softmmu/physmem.c), which closes it.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hostmem-internal.h"

#include <fcntl.h>
#include <sys/mman.h>

#define MEMORY_BACKEND_MEMFD(obj) \
    OBJECT_CHECK(HostMemoryBackendMemfd, (obj), TYPE_MEMORY_BACKEND_MEMFD)

#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif

typedef struct HostMemoryBackendMemfd {
    HostMemoryBackend parent_obj;
    bool hugetlb;               /* MFD_HUGETLB */
    uint64_t hugetlbsize;       /* bytes, power of 2; 0: the host default */
    bool seal;                  /* F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL */
} HostMemoryBackendMemfd;

static int host_memory_backend_memfd_create(HostMemoryBackendMemfd *m,
                                            const char *name, Error **errp)
{
    unsigned int flags = MFD_CLOEXEC | (m->seal ? MFD_ALLOW_SEALING : 0);
    int fd;

    if (m->hugetlb) {
        flags |= MFD_HUGETLB;
        if (m->hugetlbsize) {
            flags |= (unsigned int)__builtin_ctzll(m->hugetlbsize) << MFD_HUGE_SHIFT;
        }
    }
    fd = memfd_create(name, flags);
    if (fd < 0) {
        error_setg_errno(errp, errno, "failed to create memfd%s",
                         m->hugetlb ? " with hugetlb=on (hugetlbfs support missing or hugetlbsize not a supported huge page size?)" : "");
    }
    return fd;
}

/* Size the file and, with seal=on, forbid growing or shrinking it. */
static bool host_memory_backend_memfd_setup(HostMemoryBackendMemfd *m,
                                            int fd, Error **errp)
{
    uint64_t size = m->parent_obj.size;

    if (ftruncate(fd, (off_t)size) < 0) {
        error_setg_errno(errp, errno, "cannot size memfd to %s",
                         size_str(size).s);
        return false;
    }
    if (m->seal &&
        fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0) {
        error_setg_errno(errp, errno, "cannot seal memfd");
        return false;
    }
    return true;
}

static bool host_memory_backend_memfd_alloc(HostMemoryBackend *backend,
                                            Error **errp)
{
    HostMemoryBackendMemfd *m = MEMORY_BACKEND_MEMFD(backend);
    g_autofree char *name = host_memory_backend_get_name(backend);
    uint32_t flags = host_memory_backend_ram_flags(backend);
    RAMBlock *rb;
    int fd;

    fd = host_memory_backend_memfd_create(m, name, errp);
    if (fd < 0) {
        return false;
    }
    if (!host_memory_backend_memfd_setup(m, fd, errp)) {
        goto out_close;
    }
    rb = qemu_ram_alloc_from_fd(name, backend->size, flags, fd, 0, 0,
                                &backend->mr, errp);
    if (!rb) {
        goto out_close;
    }
    host_memory_backend_init_region(backend, rb);
    return true;

out_close:
    close(fd);
    return false;
}

static bool host_memory_backend_memfd_get_hugetlb(Object *obj, Error **errp)
{
    return MEMORY_BACKEND_MEMFD(obj)->hugetlb;
}

static bool host_memory_backend_memfd_set_hugetlb(Object *obj, bool value,
                                                  Error **errp)
{
    if (!host_memory_backend_check_settable(MEMORY_BACKEND(obj),
                                            HOSTMEM_MEMFD_PROP_HUGETLB,
                                            errp)) {
        return false;
    }
    MEMORY_BACKEND_MEMFD(obj)->hugetlb = value;
    return true;
}

static uint64_t host_memory_backend_memfd_get_hugetlbsize(Object *obj,
                                                          Error **errp)
{
    return MEMORY_BACKEND_MEMFD(obj)->hugetlbsize;
}

static bool host_memory_backend_memfd_set_hugetlbsize(Object *obj,
                                                      uint64_t value,
                                                      Error **errp)
{
    if (!host_memory_backend_check_settable(MEMORY_BACKEND(obj),
                                            HOSTMEM_MEMFD_PROP_HUGETLBSIZE,
                                            errp)) {
        return false;
    }
    if (!QEMU_IS_POW2(value)) {
        error_setg(errp, "property '%s' of %s doesn't take value '%" PRIu64 "': a huge page size is a power of 2 (e.g. 2M, 1G)",
                   HOSTMEM_MEMFD_PROP_HUGETLBSIZE, object_get_typename(obj),
                   value);
        return false;
    }
    MEMORY_BACKEND_MEMFD(obj)->hugetlbsize = value;
    return true;
}

static void host_memory_backend_memfd_instance_init(Object *obj)
{
    HostMemoryBackendMemfd *m = MEMORY_BACKEND_MEMFD(obj);

    m->parent_obj.share = true;
    m->seal = true;
    object_property_add_bool(obj, HOSTMEM_MEMFD_PROP_HUGETLB,
                             host_memory_backend_memfd_get_hugetlb,
                             host_memory_backend_memfd_set_hugetlb);
    object_property_add_uint(obj, HOSTMEM_MEMFD_PROP_HUGETLBSIZE, "size",
                             host_memory_backend_memfd_get_hugetlbsize,
                             host_memory_backend_memfd_set_hugetlbsize);
    object_property_add_bool_field(obj, HOSTMEM_MEMFD_PROP_SEAL, &m->seal,
                                   host_memory_backend_field_check);
}

static void host_memory_backend_memfd_class_init(ObjectClass *oc,
                                                 void *data)
{
    MEMORY_BACKEND_CLASS(oc)->alloc = host_memory_backend_memfd_alloc;
}

static const TypeInfo host_memory_backend_memfd_info = {
    .name = TYPE_MEMORY_BACKEND_MEMFD,
    .parent = TYPE_MEMORY_BACKEND,
    .instance_size = sizeof(HostMemoryBackendMemfd),
    .instance_init = host_memory_backend_memfd_instance_init,
    .class_init = host_memory_backend_memfd_class_init,
};

static void host_memory_backend_memfd_register_types(void)
{
    type_register_static(&host_memory_backend_memfd_info);
}

type_init(host_memory_backend_memfd_register_types)
