/*
 * Guest NUMA nodes from -numa node: their ids and the backend (memdev=)
 * holding each one's share of the initial RAM.  hotmem checks them as QEMU
 * does and lets devices validate their "node" properties; it builds no
 * ACPI tables and still allocates "pc.ram" on its own, so the guest is
 * not told about nodes yet.  Main loop only.
 */
#ifndef SYSEMU_NUMA_H
#define SYSEMU_NUMA_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <jansson.h>

#define NUMA_MAX_NODES 128

/*
 * One -numa option (keyval parsed, values are strings): type "node" with
 * nodeid, memdev, cpus, initiator (mem= is refused, as by pc-q35-7.2).  Messages as QEMU's ("Duplicate
 * NUMA nodeid: 1", "Max number of NUMA nodes reached: 200", "Invalid
 * parameter 'x'").
 */
bool numa_add_opts(json_t *opts, Error **errp);
/*
 * Once backends exist: the nodes' memory must add up to ram_size ("total
 * memory for NUMA nodes (0x0) should equal RAM size (0x40000000)").
 * No-op without -numa.
 */
bool numa_complete(uint64_t ram_size, Error **errp);
/* Nodes defined; 1 without -numa (the machine is one node). */
unsigned int numa_nb_nodes(void);

#endif /* SYSEMU_NUMA_H */
