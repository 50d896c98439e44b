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
#define NUMA_DISTANCE_LOCAL 10

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
/*
 * numa_init_ram: with -numa nodes (each has a memdev once numa_complete()
 * succeeded), the initial RAM: a container called name (the machine's
 * default RAM id, "pc.ram", as QEMU) of ram_size bytes holding
 * each node's backend region in node order, the backends marked in use.
 * NULL without -numa, or with errp set when a backend is already in use.
 * Called once, by the board.
 */
typedef struct MemoryRegion MemoryRegion;
typedef struct Object Object;
MemoryRegion *numa_init_ram(Object *owner, const char *name,
                            uint64_t ram_size, Error **errp);
/* The distance from src to dst given with -numa dist; 0: not given. */
uint8_t numa_distance(unsigned int src, unsigned int dst);

/* -numa node was given. */
bool numa_has_nodes(void);
/* Nodes defined; 1 without -numa (the machine is one node). */
unsigned int numa_nb_nodes(void);

#endif /* SYSEMU_NUMA_H */
