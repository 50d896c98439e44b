/*
 * -smp: the vCPU count and topology.  The keys are read at parse time;
 * the topology is completed and checked when the machine is created
 * (vl.c), as QEMU 7.2 does for pc-q35-7.2, with its messages.  The vCPU
 * objects and threads are hw/core/cpu.c's and cpu-threads.c's.
 */
#include "qemu/osdep.h"
#include "qemu/keyval.h"
#include "qemu/units.h"
#include "qom/object.h"   /* g_autoptr(json_t) */
#include "softmmu/vl-internal.h"

#define VL_SMP_MAX 1024

/* -smp as given; 0: not given. */
typedef struct VlSmp {
    unsigned int cpus;
    unsigned int sockets;
    unsigned int dies;
    unsigned int clusters;
    unsigned int cores;
    unsigned int threads;
    unsigned int maxcpus;
} VlSmp;

static VlSmp vl_smp;

/* The field of vl_smp that key sets, or NULL. */
static unsigned int *vl_smp_field(const char *key)
{
    return !strcmp(key, "cpus") ? &vl_smp.cpus
         : !strcmp(key, "sockets") ? &vl_smp.sockets
         : !strcmp(key, "dies") ? &vl_smp.dies
         : !strcmp(key, "clusters") ? &vl_smp.clusters
         : !strcmp(key, "cores") ? &vl_smp.cores
         : !strcmp(key, "threads") ? &vl_smp.threads
         : !strcmp(key, "maxcpus") ? &vl_smp.maxcpus : NULL;
}

bool vl_smp_parse(const VlExtraOption *opt, const char *arg, Error **errp)
{
    g_autoptr(json_t) opts = keyval_parse(arg, "cpus", NULL, errp);
    const char *key;
    json_t *value;
    uint64_t n;

    if (!opts) {
        return false;
    }
    json_object_foreach(opts, key, value) {
        if (!vl_smp_field(key)) {
            error_setg(errp, "Parameter 'smp.%s' is unexpected", key);
            return false;
        }
        if (!json_is_string(value) ||
            qemu_strtou64(json_string_value(value), &n) < 0 ||
            n > VL_SMP_MAX) {
            error_setg(errp, "Parameter 'smp.%s' expects integer", key);
            return false;
        }
        *vl_smp_field(key) = (unsigned int)n;
    }
    return true;
}

/*
 * QEMU 7.2's completion for pc-q35-7.2 (dies yes, clusters no, cores
 * preferred over sockets): missing sockets and threads are 1, missing
 * cores come from maxcpus (default: cpus); the product must be maxcpus,
 * and maxcpus at least cpus.  *cpus: the vCPU count (1 without -smp).
 */
bool vl_smp_resolve(unsigned int *cpus, Error **errp)
{
    unsigned int dies = vl_smp.dies ? vl_smp.dies : 1;
    unsigned int sockets = vl_smp.sockets ? vl_smp.sockets : 1;
    unsigned int threads = vl_smp.threads ? vl_smp.threads : 1;
    unsigned int cores = vl_smp.cores;
    unsigned int maxcpus = vl_smp.maxcpus ? vl_smp.maxcpus : vl_smp.cpus;

    if (vl_smp.clusters > 1) {
        error_setg(errp, "clusters not supported by this machine's CPU topology");
        return false;
    }
    if (!cores) {
        cores = maxcpus ? MAX(maxcpus / (sockets * dies * threads), 1) : 1;
    }
    maxcpus = maxcpus ? maxcpus : sockets * dies * cores * threads;
    *cpus = vl_smp.cpus ? vl_smp.cpus : maxcpus;
    if (sockets * dies * cores * threads != maxcpus) {
        error_setg(errp, "Invalid CPU topology: product of the hierarchy must match maxcpus: sockets (%u) * dies (%u) * cores (%u) * threads (%u) != maxcpus (%u)",
                   sockets, dies, cores, threads, maxcpus);
        return false;
    }
    if (maxcpus < *cpus) {
        error_setg(errp, "Invalid CPU topology: maxcpus must be equal to or greater than smp: sockets (%u) * dies (%u) * cores (%u) * threads (%u) == maxcpus (%u) < smp_cpus (%u)",
                   sockets, dies, cores, threads, maxcpus, *cpus);
        return false;
    }
    return true;
}
