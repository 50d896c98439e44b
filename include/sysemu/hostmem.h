/*
 * Memory backends: user-creatable objects (-object memory-backend-ram,
 * -memfd, -file; object-add) that own the host memory of guest RAM as a
 * RAM MemoryRegion.  Devices (pc-dimm, virtio-mem) find a backend by its
 * link property, take its region and mark it mapped; a mapped backend
 * cannot be deleted.  Implementation: backends/hostmem*.c; QMP
 * query-memdev and HMP info memdev: backends/hostmem-qmp.c.  Main loop only.
 */
#ifndef SYSEMU_HOSTMEM_H
#define SYSEMU_HOSTMEM_H

#include "qemu/osdep.h"
#include "qom/object.h"
#include "exec/memory.h"
#include <jansson.h>

#define TYPE_MEMORY_BACKEND "memory-backend"
#define TYPE_MEMORY_BACKEND_RAM "memory-backend-ram"
#define TYPE_MEMORY_BACKEND_MEMFD "memory-backend-memfd"
#define TYPE_MEMORY_BACKEND_FILE "memory-backend-file"

#define MEMORY_BACKEND(obj) \
    OBJECT_CHECK(HostMemoryBackend, (obj), TYPE_MEMORY_BACKEND)
#define MEMORY_BACKEND_GET_CLASS(obj) \
    OBJECT_GET_CLASS(HostMemoryBackendClass, (obj), TYPE_MEMORY_BACKEND)
#define MEMORY_BACKEND_CLASS(klass) \
    OBJECT_CLASS_CHECK(HostMemoryBackendClass, (klass), TYPE_MEMORY_BACKEND)

/* Property names, shared by setters, messages, docs and tests. */
#define HOSTMEM_PROP_SIZE "size"
#define HOSTMEM_PROP_SHARE "share"
#define HOSTMEM_PROP_RESERVE "reserve"
#define HOSTMEM_PROP_PREALLOC "prealloc"
#define HOSTMEM_PROP_PREALLOC_THREADS "prealloc-threads"
#define HOSTMEM_PROP_MERGE "merge"
#define HOSTMEM_PROP_DUMP "dump"
#define HOSTMEM_PROP_HOST_NODES "host-nodes"
#define HOSTMEM_PROP_POLICY "policy"
#define HOSTMEM_PROP_CANONICAL_PATH "x-use-canonical-path-for-ramblock-id"
#define HOSTMEM_MEMFD_PROP_HUGETLB "hugetlb"
#define HOSTMEM_MEMFD_PROP_HUGETLBSIZE "hugetlbsize"
#define HOSTMEM_MEMFD_PROP_SEAL "seal"
#define HOSTMEM_FILE_PROP_MEM_PATH "mem-path"
#define HOSTMEM_FILE_PROP_DISCARD_DATA "discard-data"
#define HOSTMEM_FILE_PROP_READONLY "readonly"
#define HOSTMEM_FILE_PROP_ALIGN "align"
#define HOSTMEM_FILE_PROP_OFFSET "offset"

/* Host NUMA nodes a backend may name (QEMU's MAX_NODES). */
#define HOSTMEM_MAX_NODES 128

/* Values of "policy" (QAPI HostMemPolicy); equal to the kernel's MPOL_*. */
typedef enum HostMemPolicy {
    HOST_MEM_POLICY_DEFAULT,    /* no mbind */
    HOST_MEM_POLICY_PREFERRED,  /* prefer host-nodes, fall back elsewhere */
    HOST_MEM_POLICY_BIND,       /* only host-nodes; fail when full */
    HOST_MEM_POLICY_INTERLEAVE, /* round-robin over host-nodes */
    HOST_MEM_POLICY__MAX,
} HostMemPolicy;

typedef struct HostMemoryBackend HostMemoryBackend;

/*
 * Fields private to backends/hostmem*.c; visible so that subclasses can
 * embed it.  Properties are fixed once complete succeeded (is_completed).
 */
struct HostMemoryBackend {
    Object parent_obj;
    uint64_t size;              /* bytes; > 0 once complete */
    bool share;                 /* MAP_SHARED */
    bool reserve;               /* false: MAP_NORESERVE */
    bool prealloc;              /* populate all pages at complete */
    uint32_t prealloc_threads;  /* >= 1 */
    bool merge;                 /* KSM: MADV_MERGEABLE / UNMERGEABLE */
    bool dump;                  /* false: MADV_DONTDUMP */
    bool use_canonical_path;    /* region named /objects/<id>, not <id> */
    bool mapped;                /* a device uses the region */
    bool completed;             /* region initialized, properties fixed */
    HostMemPolicy policy;
    GArray *host_nodes;         /* uint16_t, sorted, unique */
    MemoryRegion mr;            /* valid once completed */
};

typedef struct HostMemoryBackendClass {
    ObjectClass parent_class;
    /*
     * Create the RAMBlock of backend->size bytes and initialize
     * backend->mr with it (name: host_memory_backend_get_name()).
     * Called once from complete; on failure nothing is left mapped.
     */
    bool (*alloc)(HostMemoryBackend *backend, Error **errp);
} HostMemoryBackendClass;

/*
 * The region holding the backend's memory, or NULL before complete.
 * Owned by the backend: valid until the backend is deleted, which is
 * refused while mapped.
 */
MemoryRegion *host_memory_backend_get_memory(HostMemoryBackend *backend);
/* Has a device taken the region? (then object-del is refused) */
bool host_memory_backend_is_mapped(HostMemoryBackend *backend);
/* Devices call this with true at realize, false at unrealize. */
void host_memory_backend_set_mapped(HostMemoryBackend *backend, bool mapped);
/* Backing page size in bytes (2 MiB for hugetlb memfd, ...). */
uint64_t host_memory_backend_pagesize(HostMemoryBackend *backend);
/*
 * The RAMBlock/region name: the object id ("mem0"), or its canonical path
 * with x-use-canonical-path-for-ramblock-id=on.  g_malloc'ed.
 */
char *host_memory_backend_get_name(HostMemoryBackend *backend);
/* The backend with id, or NULL when /objects/<id> is not a backend. */
HostMemoryBackend *host_memory_backend_find(const char *id);

/* ---- hostmem-qmp.c ---- */

/*
 * QMP query-memdev: a list of {"id", "size", "merge", "dump", "prealloc",
 * "share", "reserve", "host-nodes": [...], "policy"} for every backend
 * under /objects, in creation order.  O(objects).
 */
json_t *qmp_query_memdev(json_t *args, Error **errp);
/* HMP "info memdev", QEMU's text format. */
bool hmp_info_memdev(GString *out, int argc, char **argv, Error **errp);
/*
 * Register query-memdev (QMP) and "info memdev" (HMP) with the monitor.
 * Called by vl.c next to machine_qmp_register(); idempotent.
 */
void hostmem_qmp_register(void);

#endif /* SYSEMU_HOSTMEM_H */
