/*
 * VFIO containers: the DMA view a device has of guest memory.  A container
 * listens to an address space (the system memory) and keeps its own table
 * of the DMA mappings it made through a backend (vfio-user socket, kernel
 * type1 ioctls): RAM sections are mapped whole, RAM with a
 * RamDiscardManager (virtio-mem) only where populated, and a discard
 * unmaps exactly the mappings that covered it.  Implementation:
 * hw/vfio/container.c; HMP/QMP view: hw/vfio/vfio-info.c.  Main loop only.
 */
#ifndef HW_VFIO_VFIO_CONTAINER_H
#define HW_VFIO_VFIO_CONTAINER_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include <jansson.h>

/* Without a limit from the backend, as QEMU: 65535 mappings. */
#define VFIO_CONTAINER_DEFAULT_MAX_MAPPINGS 65535

typedef struct VFIOContainer VFIOContainer;

/* One DMA mapping as the backend is told it. */
typedef struct VFIODMAMap {
    uint64_t iova;          /* guest-physical start; the device's address */
    uint64_t size;          /* bytes, > 0; iova + size does not overflow */
    void *hva;              /* host address of iova */
    int fd;                 /* fd behind the memory, or -1 */
    uint64_t fd_offset;     /* bytes into fd of iova (0 without fd) */
    bool readonly;
} VFIODMAMap;

/*
 * What a backend implements.  Both return 0 or -errno and change nothing
 * on failure; dma_unmap is only ever given a mapping exactly as dma_map
 * accepted it.
 */
typedef struct VFIOContainerOps {
    int (*dma_map)(void *opaque, const VFIODMAMap *map);
    int (*dma_unmap)(void *opaque, const VFIODMAMap *map);
} VFIOContainerOps;

/* Settings a backend gives at init; fixed afterwards. */
typedef struct VFIOContainerConfig {
    const char *kind;       /* the device type ("vfio-user-pci"), for messages */
    const char *name;       /* the device's id or type, for messages */
    const char *limit_source; /* where max_mappings came from, for messages */
    uint64_t max_mappings;  /* DMA mappings the backend accepts */
    /*
     * The split rule.  true: a populated run is one mapping, and a discard
     * inside it unmaps it and maps what stays populated again (vfio-user,
     * whose server unmaps only whole mappings but may be told anything).
     * false: one mapping per manager block, so every discard removes whole
     * mappings (kernel type1, which cannot unmap part of a mapping and
     * whose device may be doing DMA to the rest of the run meanwhile).
     */
    bool coalesce;
    bool needs_fd;          /* RAM without an fd cannot be mapped */
} VFIOContainerConfig;

/* Fields private to hw/vfio/container.c. */
struct VFIOContainer {
    const VFIOContainerOps *ops;
    void *opaque;
    VFIOContainerConfig cfg;
    char *name;
    MemoryListener listener;
    AddressSpace *as;           /* NULL while not started */
    GTree *mappings;            /* iova -> VFIODMAMap *, never overlapping */
    GHashTable *sections;       /* section start gpa -> VFIOSection * */
    uint64_t worst_mappings;    /* sum of what accepted sections may need */
    Error *refusal;             /* first refusal while starting */
    bool stopped;               /* backend gone: accept and map nothing */
    uint64_t nb_requests;       /* map/unmap requests given to the backend */
    bool refusal_warned;
    char *discard_holder;       /* "KIND 'NAME'" while discards are off */
};

/*
 * Initialize c for a backend; cfg->name is copied.  Nothing is mapped
 * until vfio_container_start().
 */
void vfio_container_init(VFIOContainer *c, const VFIOContainerOps *ops,
                         void *opaque, const VFIOContainerConfig *cfg);
/*
 * Disable uncoordinated discards (the container follows coordinated ones,
 * virtio-mem's, through the RamDiscardManager), listen to as and map what
 * it holds (replaying populated parts of RAM with a manager).  Fails
 * (errp) when a device that discards behind the guest's back exists, or
 * when a section is refused: RAM without an fd where one is needed, a
 * worst case above the limit (the message names the section, both
 * numbers and the limit's source), or a map the backend refused; then
 * nothing stays mapped and discards are as before.  Cost: O(sections +
 * populated runs).
 */
bool vfio_container_start(VFIOContainer *c, AddressSpace *as, Error **errp);
/* Unmap everything, stop listening, allow uncoordinated discards again.
 * No-op when not started. */
void vfio_container_stop(VFIOContainer *c);
/* Stop (if started) and free the table. */
void vfio_container_destroy(VFIOContainer *c);
/*
 * The backend is gone: from now on nothing is sent to it, mappings are
 * forgotten and populates succeed (the device is stopped; the guest must
 * not be blocked by it).
 */
void vfio_container_mark_stopped(VFIOContainer *c);

/* Accessors for info and tests. */
const char *vfio_container_name(const VFIOContainer *c);
uint64_t vfio_container_max_mappings(const VFIOContainer *c);
uint64_t vfio_container_nb_mappings(const VFIOContainer *c);
uint64_t vfio_container_worst_mappings(const VFIOContainer *c);
bool vfio_container_coalesces(const VFIOContainer *c);
bool vfio_container_is_stopped(const VFIOContainer *c);
uint64_t vfio_container_nb_requests(const VFIOContainer *c);
/* Call fn for each mapping in iova order; stops on non-zero. O(mappings). */
int vfio_container_foreach_mapping(VFIOContainer *c,
                                   int (*fn)(const VFIODMAMap *map,
                                             void *opaque),
                                   void *opaque);
/* Every started container, in start order (for info vfio). */
GPtrArray *vfio_containers(void);

/* HMP "info vfio" and QMP "x-query-vfio" (hw/vfio/vfio-info.c). */
void vfio_register_commands(void);
json_t *vfio_containers_json(void);

#endif /* HW_VFIO_VFIO_CONTAINER_H */
