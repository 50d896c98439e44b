/*
 * The abstract "memory-backend" type: the properties every backend shares
 * (size, share, reserve, prealloc, merge, dump, NUMA policy), the
 * user-creatable complete step (allocate through the subclass, bind to
 * host nodes, preallocate) and the API devices use (get_memory, mapped).
 * The host memory itself comes from the subclasses (hostmem-ram.c,
 * -memfd.c, -file.c) through RAMBlocks (softmmu/physmem.c).
 */
#include "qemu/osdep.h"
#include "hw/boards.h"
#include "qemu/units.h"
#include "hostmem-internal.h"
#include "migration/register.h"

#include <sys/mman.h>
#include <sys/syscall.h>

#define MPOL_MF_STRICT_FLAG (1u << 0)   /* fail when pages are misplaced */
#define MPOL_MF_MOVE_FLAG (1u << 1)     /* move pages already present */

static const char *const host_memory_backend_policy_names[] = {
    "default", "preferred", "bind", "interleave", NULL,
};

bool host_memory_backend_check_settable(HostMemoryBackend *backend,
                                        const char *name, Error **errp)
{
    if (backend->completed) {
        error_setg(errp, "cannot change property '%s' of %s", name,
                   object_get_typename(OBJECT(backend)));
        return false;
    }
    return true;
}

bool host_memory_backend_field_check(Object *obj, const char *name,
                                     Error **errp)
{
    return host_memory_backend_check_settable(MEMORY_BACKEND(obj), name,
                                              errp);
}

uint32_t host_memory_backend_ram_flags(const HostMemoryBackend *backend)
{
    return (backend->share ? RAM_SHARED : 0) |
           (backend->reserve ? 0 : RAM_NORESERVE) |
           (backend->merge ? 0 : RAM_UNMERGEABLE_KSM) |
           (backend->dump ? 0 : RAM_NODUMP);
}

void host_memory_backend_init_region(HostMemoryBackend *backend,
                                     RAMBlock *rb)
{
    g_autofree char *name = host_memory_backend_get_name(backend);

    qemu_ram_set_memory_region(rb, &backend->mr);
    memory_region_init_ram_from_block(&backend->mr, OBJECT(backend), name,
                                      rb);
}

/* ---- size and boolean properties ---- */

static uint64_t host_memory_backend_get_size(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->size;
}

static bool host_memory_backend_set_size(Object *obj, uint64_t value,
                                         Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (!host_memory_backend_check_settable(backend, HOSTMEM_PROP_SIZE,
                                            errp)) {
        return false;
    }
    if (value == 0) {
        error_setg(errp, "property '%s' of %s doesn't take value '0'",
                   HOSTMEM_PROP_SIZE, object_get_typename(obj));
        return false;
    }
    backend->size = value;
    return true;
}

static bool host_memory_backend_get_reserve(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->reserve;
}

static bool host_memory_backend_set_reserve(Object *obj, bool value,
                                            Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (!host_memory_backend_check_settable(backend, HOSTMEM_PROP_RESERVE,
                                            errp)) {
        return false;
    }
    if (!value && backend->prealloc) {
        error_setg(errp, "'prealloc=on' and 'reserve=off' are incompatible");
        return false;
    }
    backend->reserve = value;
    return true;
}

static bool host_memory_backend_get_prealloc(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->prealloc;
}

static bool host_memory_backend_do_prealloc(HostMemoryBackend *backend,
                                            Error **errp)
{
    RAMBlock *rb = memory_region_get_ram_block(&backend->mr);

    return ram_block_prealloc_range(rb, 0, qemu_ram_get_used_length(rb),
                                    backend->prealloc_threads, errp);
}

/*
 * As in QEMU, prealloc may be switched on after creation (the pages are
 * populated then); switching it off later changes nothing.
 */
static bool host_memory_backend_set_prealloc(Object *obj, bool value,
                                             Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (value && !backend->reserve) {
        error_setg(errp, "'prealloc=on' and 'reserve=off' are incompatible");
        return false;
    }
    if (!backend->completed) {
        backend->prealloc = value;
        return true;
    }
    if (value && !backend->prealloc) {
        if (!host_memory_backend_do_prealloc(backend, errp)) {
            return false;
        }
        backend->prealloc = true;
    }
    return true;
}

static uint64_t host_memory_backend_get_prealloc_threads(Object *obj,
                                                         Error **errp)
{
    return MEMORY_BACKEND(obj)->prealloc_threads;
}

static bool host_memory_backend_set_prealloc_threads(Object *obj,
                                                     uint64_t value,
                                                     Error **errp)
{
    if (value == 0) {
        error_setg(errp, "property '%s' of %s doesn't take value '0'",
                   HOSTMEM_PROP_PREALLOC_THREADS, object_get_typename(obj));
        return false;
    }
    MEMORY_BACKEND(obj)->prealloc_threads = (uint32_t)value;
    return true;
}

static void host_memory_backend_advise(HostMemoryBackend *backend,
                                       int advice)
{
    RAMBlock *rb = memory_region_get_ram_block(&backend->mr);

    madvise(qemu_ram_get_host_addr(rb), qemu_ram_get_used_length(rb),
            advice);
}

static bool host_memory_backend_get_merge(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->merge;
}

/* merge and dump may change at any time: the advice follows. */
static bool host_memory_backend_set_merge(Object *obj, bool value,
                                          Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (backend->completed && value != backend->merge) {
        host_memory_backend_advise(backend,
                                   value ? MADV_MERGEABLE : MADV_UNMERGEABLE);
    }
    backend->merge = value;
    return true;
}

static bool host_memory_backend_get_dump(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->dump;
}

static bool host_memory_backend_set_dump(Object *obj, bool value,
                                         Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (backend->completed && value != backend->dump) {
        host_memory_backend_advise(backend,
                                   value ? MADV_DODUMP : MADV_DONTDUMP);
    }
    backend->dump = value;
    return true;
}

/* ---- NUMA: policy and host-nodes ---- */

static int host_memory_backend_get_policy(Object *obj, Error **errp)
{
    return MEMORY_BACKEND(obj)->policy;
}

static bool host_memory_backend_set_policy(Object *obj, int value,
                                           Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (!host_memory_backend_check_settable(backend, HOSTMEM_PROP_POLICY,
                                            errp)) {
        return false;
    }
    backend->policy = value;
    return true;
}

static json_t *host_memory_backend_get_nodes(Object *obj, const char *name,
                                             void *opaque, Error **errp)
{
    GArray *nodes = MEMORY_BACKEND(obj)->host_nodes;
    json_t *list = json_array();
    guint i;

    for (i = 0; i < nodes->len; i++) {
        json_array_append_new(list,
                              json_integer(g_array_index(nodes, uint16_t, i)));
    }
    return list;
}

static bool host_memory_backend_add_node(GArray *nodes, int64_t node,
                                         Error **errp)
{
    uint16_t value;

    if (node < 0 || node >= HOSTMEM_MAX_NODES) {
        error_setg(errp, "Invalid host-nodes value: %" PRId64 " (host nodes are 0 to %d)",
                   node, HOSTMEM_MAX_NODES - 1);
        return false;
    }
    value = (uint16_t)node;
    g_array_append_val(nodes, value);
    return true;
}

/* The command line form: "N" or "N-M", several joined by ','. */
static bool host_memory_backend_parse_nodes(GArray *nodes, const char *str,
                                            Error **errp)
{
    g_auto(GStrv) parts = g_strsplit(str, ",", -1);
    int64_t first;
    int64_t last;
    int i;

    for (i = 0; parts[i]; i++) {
        char *dash = strchr(parts[i], '-');

        if (dash) {
            *dash = '\0';
        }
        if (qemu_strtoi64(parts[i], &first) < 0 ||
            (dash && qemu_strtoi64(dash + 1, &last) < 0)) {
            error_setg(errp, "Parameter 'host-nodes' expects node numbers or ranges like 0-1, not '%s'", str);
            return false;
        }
        last = dash ? last : first;
        if (last < first) {
            error_setg(errp, "Parameter 'host-nodes': range '%s' ends before it starts", str);
            return false;
        }
        for (; first <= last; first++) {
            if (!host_memory_backend_add_node(nodes, first, errp)) {
                return false;
            }
        }
    }
    return true;
}

static bool host_memory_backend_json_nodes(GArray *nodes, json_t *value,
                                           Error **errp)
{
    size_t i;
    json_t *item;

    if (json_is_string(value)) {
        return host_memory_backend_parse_nodes(nodes,
                                               json_string_value(value),
                                               errp);
    }
    if (json_is_integer(value)) {
        return host_memory_backend_add_node(nodes, json_integer_value(value),
                                            errp);
    }
    if (!json_is_array(value)) {
        error_setg(errp, "Invalid parameter type for 'host-nodes', expected: array");
        return false;
    }
    json_array_foreach(value, i, item) {
        if (!json_is_integer(item)) {
            error_setg(errp, "Invalid parameter type for 'host-nodes', expected: integer");
            return false;
        }
        if (!host_memory_backend_add_node(nodes, json_integer_value(item),
                                          errp)) {
            return false;
        }
    }
    return true;
}

static gint host_memory_backend_node_cmp(gconstpointer a, gconstpointer b)
{
    return (gint)*(const uint16_t *)a - (gint)*(const uint16_t *)b;
}

static void host_memory_backend_nodes_uniq(GArray *nodes)
{
    guint i;

    g_array_sort(nodes, host_memory_backend_node_cmp);
    for (i = 1; i < nodes->len;) {
        if (g_array_index(nodes, uint16_t, i) ==
            g_array_index(nodes, uint16_t, i - 1)) {
            g_array_remove_index(nodes, i);
        } else {
            i++;
        }
    }
}

static bool host_memory_backend_set_nodes(Object *obj, const char *name,
                                          json_t *value, void *opaque,
                                          Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);
    GArray *nodes;

    if (!host_memory_backend_check_settable(backend,
                                            HOSTMEM_PROP_HOST_NODES, errp)) {
        return false;
    }
    nodes = g_array_new(FALSE, FALSE, sizeof(uint16_t));
    if (!host_memory_backend_json_nodes(nodes, value, errp)) {
        g_array_free(nodes, TRUE);
        return false;
    }
    host_memory_backend_nodes_uniq(nodes);
    g_array_free(backend->host_nodes, TRUE);
    backend->host_nodes = nodes;
    return true;
}

static bool host_memory_backend_check_policy(HostMemoryBackend *backend,
                                             Error **errp)
{
    bool has_nodes = backend->host_nodes->len > 0;

    if (has_nodes && backend->policy == HOST_MEM_POLICY_DEFAULT) {
        error_setg(errp, "host-nodes must be empty for policy default, or you should explicitly specify a policy other than default");
        return false;
    }
    if (!has_nodes && backend->policy != HOST_MEM_POLICY_DEFAULT) {
        error_setg(errp, "host-nodes must be set for policy %s",
                   host_memory_backend_policy_names[backend->policy]);
        return false;
    }
    return true;
}

/* mbind(2) through the raw syscall: no libnuma dependency. */
static bool host_memory_backend_bind(HostMemoryBackend *backend,
                                     Error **errp)
{
    RAMBlock *rb = memory_region_get_ram_block(&backend->mr);
    unsigned long mask[HOSTMEM_MAX_NODES / (8 * sizeof(unsigned long))];
    unsigned long max_node = 0;
    guint i;

    if (backend->policy == HOST_MEM_POLICY_DEFAULT) {
        return true;
    }
    memset(mask, 0, sizeof(mask));
    for (i = 0; i < backend->host_nodes->len; i++) {
        unsigned long node = g_array_index(backend->host_nodes, uint16_t, i);

        mask[node / (8 * sizeof(unsigned long))] |=
            1ul << (node % (8 * sizeof(unsigned long)));
        max_node = MAX(max_node, node);
    }
    /* The kernel reads maxnode - 1 bits: pass one past the highest node. */
    if (syscall(SYS_mbind, qemu_ram_get_host_addr(rb),
                qemu_ram_get_used_length(rb), (unsigned long)backend->policy,
                mask, max_node + 2,
                MPOL_MF_STRICT_FLAG | MPOL_MF_MOVE_FLAG) < 0) {
        error_setg_errno(errp, errno, "cannot bind memory to host NUMA nodes");
        return false;
    }
    return true;
}

/* ---- complete and delete ---- */

static bool host_memory_backend_check_config(HostMemoryBackend *backend,
                                             Error **errp)
{
    if (backend->size == 0) {
        error_setg(errp, "can't create backend with size 0");
        return false;
    }
    if (backend->prealloc && !backend->reserve) {
        error_setg(errp, "'prealloc=on' and 'reserve=off' are incompatible");
        return false;
    }
    return host_memory_backend_check_policy(backend, errp);
}

static bool host_memory_backend_complete(Object *obj, Error **errp)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);
    HostMemoryBackendClass *bc = MEMORY_BACKEND_GET_CLASS(obj);

    if (!host_memory_backend_check_config(backend, errp) ||
        !bc->alloc(backend, errp)) {
        return false;
    }
    if (backend->merge) {
        host_memory_backend_advise(backend, MADV_MERGEABLE);
    }
    /* Bind before preallocating, so the pages land on the right nodes. */
    if (!host_memory_backend_bind(backend, errp)) {
        goto out_free_region;
    }
    if (backend->prealloc && !host_memory_backend_do_prealloc(backend, errp)) {
        goto out_free_region;
    }
    if (!host_memory_backend_migration_register(backend, errp)) {
        goto out_free_region;
    }
    backend->completed = true;
    return true;

out_free_region:
    memory_region_finalize(&backend->mr);
    return false;
}

/* In use by a device, or migrated now (its section pairs both sides). */
static bool host_memory_backend_can_be_deleted(Object *obj)
{
    return !MEMORY_BACKEND(obj)->mapped && !migration_is_active();
}

/* ---- API for devices ---- */

MemoryRegion *host_memory_backend_get_memory(HostMemoryBackend *backend)
{
    return backend->completed ? &backend->mr : NULL;
}

bool host_memory_backend_is_mapped(HostMemoryBackend *backend)
{
    return backend->mapped;
}

void host_memory_backend_set_mapped(HostMemoryBackend *backend, bool mapped)
{
    backend->mapped = mapped;
}

uint64_t host_memory_backend_pagesize(HostMemoryBackend *backend)
{
    if (!backend->completed) {
        return qemu_real_host_page_size();
    }
    return qemu_ram_pagesize(memory_region_get_ram_block(&backend->mr));
}

char *host_memory_backend_get_name(HostMemoryBackend *backend)
{
    if (backend->use_canonical_path) {
        return object_get_canonical_path(OBJECT(backend));
    }
    return g_strdup(object_get_canonical_path_component(OBJECT(backend)));
}

HostMemoryBackend *host_memory_backend_find(const char *id)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(),
                                                id);

    if (!obj || !object_dynamic_cast(obj, TYPE_MEMORY_BACKEND)) {
        return NULL;
    }
    return MEMORY_BACKEND(obj);
}

/* ---- type ---- */

static void host_memory_backend_add_props(Object *obj)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    object_property_add_uint(obj, HOSTMEM_PROP_SIZE, "size",
                             host_memory_backend_get_size,
                             host_memory_backend_set_size);
    object_property_add_bool_field(obj, HOSTMEM_PROP_SHARE, &backend->share,
                                   host_memory_backend_field_check);
    object_property_add_bool(obj, HOSTMEM_PROP_RESERVE,
                             host_memory_backend_get_reserve,
                             host_memory_backend_set_reserve);
    object_property_add_bool(obj, HOSTMEM_PROP_PREALLOC,
                             host_memory_backend_get_prealloc,
                             host_memory_backend_set_prealloc);
    object_property_add_uint(obj, HOSTMEM_PROP_PREALLOC_THREADS, "uint32",
                             host_memory_backend_get_prealloc_threads,
                             host_memory_backend_set_prealloc_threads);
    object_property_add_bool(obj, HOSTMEM_PROP_MERGE,
                             host_memory_backend_get_merge,
                             host_memory_backend_set_merge);
    object_property_add_bool(obj, HOSTMEM_PROP_DUMP,
                             host_memory_backend_get_dump,
                             host_memory_backend_set_dump);
    /* Not "int" as in QEMU: the command line form "0-1" must reach the
     * setter as a string. */
    object_property_add(obj, HOSTMEM_PROP_HOST_NODES, "uint16List",
                        host_memory_backend_get_nodes,
                        host_memory_backend_set_nodes, NULL, NULL);
    object_property_add_enum(obj, HOSTMEM_PROP_POLICY, "HostMemPolicy",
                             host_memory_backend_policy_names,
                             host_memory_backend_get_policy,
                             host_memory_backend_set_policy);
    object_property_add_bool_field(obj, HOSTMEM_PROP_CANONICAL_PATH,
                                   &backend->use_canonical_path,
                                   host_memory_backend_field_check);
}

static void host_memory_backend_instance_init(Object *obj)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    /* QEMU's defaults: merge and dump follow the machine's (on). */
    backend->reserve = true;
    backend->merge = true;
    /* as QEMU: -machine dump-guest-core= is the default of dump= */
    backend->dump = !current_machine || current_machine->dump_guest_core;
    backend->prealloc_threads = 1;
    backend->policy = HOST_MEM_POLICY_DEFAULT;
    backend->host_nodes = g_array_new(FALSE, FALSE, sizeof(uint16_t));
    host_memory_backend_add_props(obj);
}

static void host_memory_backend_instance_finalize(Object *obj)
{
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    if (backend->completed) {
        host_memory_backend_migration_unregister(backend);
        memory_region_finalize(&backend->mr);
    }
    g_array_free(backend->host_nodes, TRUE);
}

static void host_memory_backend_class_init(ObjectClass *oc, void *data)
{
    UserCreatableClass *ucc = OBJECT_CLASS_CHECK(UserCreatableClass, oc,
                                                 TYPE_USER_CREATABLE);

    ucc->complete = host_memory_backend_complete;
    ucc->can_be_deleted = host_memory_backend_can_be_deleted;
}

static const TypeInfo host_memory_backend_info = {
    .name = TYPE_MEMORY_BACKEND,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .instance_size = sizeof(HostMemoryBackend),
    .class_size = sizeof(HostMemoryBackendClass),
    .instance_init = host_memory_backend_instance_init,
    .instance_finalize = host_memory_backend_instance_finalize,
    .class_init = host_memory_backend_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_USER_CREATABLE }, { NULL }
    },
};

static void host_memory_backend_register_types(void)
{
    type_register_static(&host_memory_backend_info);
}

type_init(host_memory_backend_register_types)
