/*
 * "memory-backend-file": host memory in a file (mem-path; a directory
 * gets a fresh unlinked file), e.g. on hugetlbfs, tmpfs or a DAX device.
 * Adds mem-path, discard-data, readonly, align and offset to the abstract
 * backend's properties (hostmem.c); share defaults to off as in QEMU.
 * The page size comes from statfs (hugetlbfs) in softmmu/physmem.c.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hostmem-internal.h"

#include <fcntl.h>
#include <sys/stat.h>

#define MEMORY_BACKEND_FILE(obj) \
    OBJECT_CHECK(HostMemoryBackendFile, (obj), TYPE_MEMORY_BACKEND_FILE)

typedef struct HostMemoryBackendFile {
    HostMemoryBackend parent_obj;
    char *mem_path;             /* file or directory; required */
    bool discard_data;          /* punch the file's pages out on delete */
    bool readonly;              /* O_RDONLY, PROT_READ */
    uint64_t align;             /* bytes, power of 2; 0: the page size */
    uint64_t offset;            /* bytes into the file; page-aligned */
} HostMemoryBackendFile;

/* A directory: a new file in it, unlinked at once (nobody else maps it). */
static int host_memory_backend_file_open_dir(const char *dir, Error **errp)
{
    g_autofree char *path = g_build_filename(dir, "hotmem_back_mem.XXXXXX",
                                             NULL);
    int fd = mkstemp(path);

    if (fd < 0) {
        error_setg_errno(errp, errno, "unable to create backing store in directory '%s'", dir);
        return -1;
    }
    unlink(path);
    return fd;
}

static int host_memory_backend_file_open(HostMemoryBackendFile *f,
                                         Error **errp)
{
    struct stat st;
    int fd;

    if (stat(f->mem_path, &st) == 0 && S_ISDIR(st.st_mode)) {
        return host_memory_backend_file_open_dir(f->mem_path, errp);
    }
    fd = f->readonly ? open(f->mem_path, O_RDONLY | O_CLOEXEC)
                     : open(f->mem_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        error_setg_errno(errp, errno, "can't open backing store %s for guest RAM", f->mem_path);
    }
    return fd;
}

/*
 * An empty file is sized to offset + size; a non-empty one is never
 * truncated (it may hold data), so it must already be large enough.
 */
static bool host_memory_backend_file_size_fd(HostMemoryBackendFile *f,
                                             int fd, Error **errp)
{
    uint64_t need = f->offset + f->parent_obj.size;
    struct stat st;

    if (fstat(fd, &st) < 0) {
        error_setg_errno(errp, errno, "cannot stat '%s'", f->mem_path);
        return false;
    }
    if (S_ISREG(st.st_mode) && st.st_size == 0 && !f->readonly) {
        if (ftruncate(fd, (off_t)need) < 0) {
            error_setg_errno(errp, errno, "cannot size '%s' to %s", f->mem_path, size_str(need).s);
            return false;
        }
        return true;
    }
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < need) {
        error_setg(errp, "backing store size 0x%" PRIx64 " is too small for 'size' option 0x%" PRIx64 " plus 'offset' option 0x%" PRIx64,
                   (uint64_t)st.st_size, f->parent_obj.size, f->offset);
        return false;
    }
    return true;
}

static uint32_t host_memory_backend_file_flags(HostMemoryBackendFile *f)
{
    /* Not RAM_DISCARD_DATA: discard-data may still change; see finalize. */
    return host_memory_backend_ram_flags(&f->parent_obj) |
           (f->readonly ? RAM_READONLY : 0);
}

static bool host_memory_backend_file_alloc(HostMemoryBackend *backend,
                                           Error **errp)
{
    HostMemoryBackendFile *f = MEMORY_BACKEND_FILE(backend);
    g_autofree char *name = host_memory_backend_get_name(backend);
    RAMBlock *rb;
    int fd;

    if (!f->mem_path) {
        error_setg(errp, "mem-path property not set");
        return false;
    }
    fd = host_memory_backend_file_open(f, errp);
    if (fd < 0) {
        return false;
    }
    if (!host_memory_backend_file_size_fd(f, fd, errp)) {
        goto out_close;
    }
    rb = qemu_ram_alloc_from_fd_aligned(name, backend->size,
                                        host_memory_backend_file_flags(f),
                                        fd, (off_t)f->offset, 0, f->align,
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

/* ---- properties ---- */

static char *host_memory_backend_file_get_mem_path(Object *obj, Error **errp)
{
    return g_strdup(MEMORY_BACKEND_FILE(obj)->mem_path);
}

static bool host_memory_backend_file_set_mem_path(Object *obj,
                                                  const char *value,
                                                  Error **errp)
{
    HostMemoryBackendFile *f = MEMORY_BACKEND_FILE(obj);

    if (!host_memory_backend_check_settable(MEMORY_BACKEND(obj),
                                            HOSTMEM_FILE_PROP_MEM_PATH,
                                            errp)) {
        return false;
    }
    g_free(f->mem_path);
    f->mem_path = g_strdup(value);
    return true;
}

static bool host_memory_backend_file_get_discard(Object *obj, Error **errp)
{
    return MEMORY_BACKEND_FILE(obj)->discard_data;
}

/* As in QEMU, discard-data may change at any time: it acts on delete. */
static bool host_memory_backend_file_set_discard(Object *obj, bool value,
                                                 Error **errp)
{
    MEMORY_BACKEND_FILE(obj)->discard_data = value;
    return true;
}

/* ---- type ---- */

static void host_memory_backend_file_instance_init(Object *obj)
{
    HostMemoryBackendFile *f = MEMORY_BACKEND_FILE(obj);

    object_property_add_str(obj, HOSTMEM_FILE_PROP_MEM_PATH,
                            host_memory_backend_file_get_mem_path,
                            host_memory_backend_file_set_mem_path);
    object_property_add_bool(obj, HOSTMEM_FILE_PROP_DISCARD_DATA,
                             host_memory_backend_file_get_discard,
                             host_memory_backend_file_set_discard);
    object_property_add_bool_field(obj, HOSTMEM_FILE_PROP_READONLY,
                                   &f->readonly,
                                   host_memory_backend_field_check);
    object_property_add_uint_field(obj, HOSTMEM_FILE_PROP_ALIGN, "size",
                                   &f->align,
                                   host_memory_backend_field_check);
    object_property_add_uint_field(obj, HOSTMEM_FILE_PROP_OFFSET, "size",
                                   &f->offset,
                                   host_memory_backend_field_check);
}

/*
 * discard-data=on: the file's pages are punched out before the region
 * (and with it the RAMBlock) goes away in the parent's finalize.
 */
static void host_memory_backend_file_instance_finalize(Object *obj)
{
    HostMemoryBackendFile *f = MEMORY_BACKEND_FILE(obj);
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (backend->completed && f->discard_data && !f->readonly) {
        RAMBlock *rb = memory_region_get_ram_block(&backend->mr);

        ram_block_discard_range(rb, 0, qemu_ram_get_used_length(rb));
    }
    g_free(f->mem_path);
}

static void host_memory_backend_file_class_init(ObjectClass *oc, void *data)
{
    MEMORY_BACKEND_CLASS(oc)->alloc = host_memory_backend_file_alloc;
}

static const TypeInfo host_memory_backend_file_info = {
    .name = TYPE_MEMORY_BACKEND_FILE,
    .parent = TYPE_MEMORY_BACKEND,
    .instance_size = sizeof(HostMemoryBackendFile),
    .instance_init = host_memory_backend_file_instance_init,
    .instance_finalize = host_memory_backend_file_instance_finalize,
    .class_init = host_memory_backend_file_class_init,
};

static void host_memory_backend_file_register_types(void)
{
    type_register_static(&host_memory_backend_file_info);
}

type_init(host_memory_backend_file_register_types)
