/*
 * -numa node bookkeeping (include/sysemu/numa.h): node ids, memory per
 * node, the reference's checks.  Devices with a "node" property
 * (virtio-mem) validate it against numa_nb_nodes().
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/keyval.h"
#include "sysemu/numa.h"
#include "sysemu/hostmem.h"

typedef struct NumaNode {
    bool present;
    char *memdev;           /* memdev=, or NULL: no memory */
    uint8_t distance[NUMA_MAX_NODES];   /* -numa dist; 0: not given */
} NumaNode;

static NumaNode numa_nodes[NUMA_MAX_NODES];
static unsigned int numa_count;

static bool numa_check_keys_in(json_t *opts, const char *const *known,
                               Error **errp)
{
    const char *key;
    json_t *value;

    json_object_foreach(opts, key, value) {
        if (!g_strv_contains(known, key)) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
    }
    return true;
}

static bool numa_check_keys(json_t *opts, Error **errp)
{
    static const char *const known[] = {
        "type", "nodeid", "mem", "memdev", "cpus", "initiator", NULL,
    };

    return numa_check_keys_in(opts, known, errp);
}

static bool numa_parse_nodeid(json_t *opts, uint64_t *nodeid, Error **errp)
{
    const char *str = keyval_str(opts, "nodeid");

    *nodeid = numa_count;
    if (str && qemu_strtou64(str, nodeid) < 0) {
        error_setg(errp, "Parameter 'nodeid' expects uint16");
        return false;
    }
    if (*nodeid >= NUMA_MAX_NODES) {
        error_setg(errp, "Max number of NUMA nodes reached: %" PRIu64,
                   *nodeid);
        return false;
    }
    if (numa_nodes[*nodeid].present) {
        error_setg(errp, "Duplicate NUMA nodeid: %" PRIu64, *nodeid);
        return false;
    }
    return true;
}

/* A required unsigned member up to max; QEMU's messages. */
static bool numa_parse_uint(json_t *opts, const char *key, uint64_t max,
                            const char *type_name, uint64_t *value,
                            Error **errp)
{
    const char *str = keyval_str(opts, key);

    if (!str) {
        error_setg(errp, "Parameter '%s' is missing", key);
        return false;
    }
    if (qemu_strtou64(str, value) < 0 || *value > max) {
        error_setg(errp, "Parameter '%s' expects %s", key, type_name);
        return false;
    }
    return true;
}

/* -numa dist,src=A,dst=B,val=D: after both nodes; 10 is local. */
static bool numa_add_dist(json_t *opts, Error **errp)
{
    static const char *const known[] = { "type", "src", "dst", "val", NULL };
    uint64_t src;
    uint64_t dst;
    uint64_t val;

    if (!numa_check_keys_in(opts, known, errp) ||
        !numa_parse_uint(opts, "src", UINT16_MAX, "uint16", &src, errp) ||
        !numa_parse_uint(opts, "dst", UINT16_MAX, "uint16", &dst, errp) ||
        !numa_parse_uint(opts, "val", UINT8_MAX, "uint8_t", &val, errp)) {
        return false;
    }
    if (src >= NUMA_MAX_NODES || dst >= NUMA_MAX_NODES ||
        !numa_nodes[src].present || !numa_nodes[dst].present) {
        error_setg(errp, "Source/Destination NUMA node is missing. Please use '-numa node' option to declare it first.");
        return false;
    }
    if (val < NUMA_DISTANCE_LOCAL) {
        error_setg(errp, "NUMA distance (%" PRIu64 ") is invalid, it shouldn't be less than %d.", val, NUMA_DISTANCE_LOCAL);
        return false;
    }
    if (src == dst && val != NUMA_DISTANCE_LOCAL) {
        error_setg(errp, "Local distance of node %" PRIu64 " should be %d.", src, NUMA_DISTANCE_LOCAL);
        return false;
    }
    numa_nodes[src].distance[dst] = (uint8_t)val;
    return true;
}

uint8_t numa_distance(unsigned int src, unsigned int dst)
{
    return src < NUMA_MAX_NODES && dst < NUMA_MAX_NODES
           ? numa_nodes[src].distance[dst] : 0;
}

bool numa_add_opts(json_t *opts, Error **errp)
{
    const char *type = keyval_str(opts, "type");
    const char *mem = keyval_str(opts, "mem");
    const char *memdev = keyval_str(opts, "memdev");
    uint64_t nodeid;

    if (type && !strcmp(type, "dist")) {
        return numa_add_dist(opts, errp);
    }
    if (!type || strcmp(type, "node") != 0) {
        error_setg(errp, "Parameter 'type' does not accept value '%s'",
                   type ? type : "");
        return false;
    }
    if (!numa_check_keys(opts, errp) ||
        !numa_parse_nodeid(opts, &nodeid, errp)) {
        return false;
    }
    if (mem) {
        /* As the reference for machine types since 5.1 (pc-q35-7.2) */
        error_setg(errp, "Parameter -numa node,mem is not supported by this machine type");
        error_append_hint(errp, "Use -numa node,memdev instead\n");
        return false;
    }
    numa_nodes[nodeid].present = true;
    numa_nodes[nodeid].memdev = g_strdup(memdev);
    numa_count++;
    return true;
}

static bool numa_node_mem(const NumaNode *node, uint64_t *size,
                          Error **errp)
{
    HostMemoryBackend *backend;

    if (!node->memdev) {
        *size = 0;
        return true;
    }
    backend = host_memory_backend_find(node->memdev);
    if (!backend) {
        error_setg(errp, "memdev '%s' of a NUMA node is not a memory backend", node->memdev);
        return false;
    }
    *size = memory_region_size(host_memory_backend_get_memory(backend));
    return true;
}

bool numa_complete(uint64_t ram_size, Error **errp)
{
    uint64_t total = 0;

    if (!numa_count) {
        return true;
    }
    for (unsigned int i = 0; i < NUMA_MAX_NODES; i++) {
        uint64_t size;

        if (!numa_nodes[i].present) {
            continue;
        }
        if (!numa_node_mem(&numa_nodes[i], &size, errp)) {
            return false;
        }
        total += size;
    }
    if (total != ram_size) {
        error_setg(errp, "total memory for NUMA nodes (0x%" PRIx64 ") should equal RAM size (0x%" PRIx64 ")", total, ram_size);
        return false;
    }
    return true;
}

/*
 * The nodes' backends, in node order, inside one container: QEMU's
 * "ram" region when -numa node,memdev= gives the initial RAM.  One
 * machine per process, so one container.
 */
static MemoryRegion numa_ram;

MemoryRegion *numa_init_ram(Object *owner, const char *name,
                            uint64_t ram_size, Error **errp)
{
    uint64_t offset = 0;

    if (!numa_count) {
        return NULL;
    }
    for (unsigned int i = 0; i < NUMA_MAX_NODES; i++) {
        HostMemoryBackend *backend = numa_nodes[i].present
            ? host_memory_backend_find(numa_nodes[i].memdev) : NULL;

        if (backend && host_memory_backend_is_mapped(backend)) {
            error_setg(errp, "memory backend %s can't be used multiple times.", numa_nodes[i].memdev);
            return NULL;
        }
    }
    memory_region_init(&numa_ram, owner, name, ram_size);
    for (unsigned int i = 0; i < NUMA_MAX_NODES; i++) {
        HostMemoryBackend *backend;
        MemoryRegion *mr;

        if (!numa_nodes[i].present) {
            continue;
        }
        /* numa_complete() found every node's backend */
        backend = host_memory_backend_find(numa_nodes[i].memdev);
        mr = host_memory_backend_get_memory(backend);
        memory_region_add_subregion(&numa_ram, offset, mr);
        host_memory_backend_set_mapped(backend, true);
        offset += memory_region_size(mr);
    }
    return &numa_ram;
}

bool numa_has_nodes(void)
{
    return numa_count > 0;
}

unsigned int numa_nb_nodes(void)
{
    return numa_count ? numa_count : 1;
}
