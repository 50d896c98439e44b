/*
 * -numa node bookkeeping (include/sysemu/numa.h): node ids, memory per
 * node, the reference's checks.  Devices with a "node" property
 * (virtio-mem) validate it against numa_nb_nodes().
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "sysemu/numa.h"
#include "sysemu/hostmem.h"

typedef struct NumaNode {
    bool present;
    char *memdev;           /* memdev=, or NULL: no memory */
} NumaNode;

static NumaNode numa_nodes[NUMA_MAX_NODES];
static unsigned int numa_count;

static const char *numa_opt(json_t *opts, const char *key)
{
    return json_string_value(json_object_get(opts, key));
}

static bool numa_check_keys(json_t *opts, Error **errp)
{
    static const char *const known[] = {
        "type", "nodeid", "mem", "memdev", "cpus", "initiator", NULL,
    };
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

static bool numa_parse_nodeid(json_t *opts, uint64_t *nodeid, Error **errp)
{
    const char *str = numa_opt(opts, "nodeid");

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

bool numa_add_opts(json_t *opts, Error **errp)
{
    const char *type = numa_opt(opts, "type");
    const char *mem = numa_opt(opts, "mem");
    const char *memdev = numa_opt(opts, "memdev");
    uint64_t nodeid;

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
        error_setg(errp, "Parameter -numa node,mem is not supported by this "
                   "machine type");
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
        error_setg(errp, "memdev '%s' of a NUMA node is not a memory "
                   "backend", node->memdev);
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
        error_setg(errp, "total memory for NUMA nodes (0x%" PRIx64 ") should "
                   "equal RAM size (0x%" PRIx64 ")", total, ram_size);
        return false;
    }
    return true;
}

unsigned int numa_nb_nodes(void)
{
    return numa_count ? numa_count : 1;
}
