/*
 * The x86 PC machine, q35 flavour ("pc-q35-7.2", alias "q35"): its guest
 * physical memory map (RAM below and above 4 GiB, the device-memory area,
 * the 32- and 64-bit PCI holes) and the minimal host bridge object at
 * /machine/q35 that reports it as QEMU does.  The map is computed by a
 * pure function (pc_q35_compute_memory_map) so tests can check it against
 * QEMU 7.2's numbers; hw/i386/pc_q35.c applies it.
 */
#ifndef HW_I386_PC_H
#define HW_I386_PC_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/boards.h"

#define TYPE_PC_Q35_MACHINE "pc-q35-7.2" TYPE_MACHINE_SUFFIX
#define TYPE_Q35_HOST_DEVICE "q35-pcihost"

/* Property names of /machine/q35, as QEMU's. */
#define PCI_HOST_PROP_PCI_HOLE_START "pci-hole-start"
#define PCI_HOST_PROP_PCI_HOLE_END "pci-hole-end"
#define PCI_HOST_PROP_PCI_HOLE64_START "pci-hole64-start"
#define PCI_HOST_PROP_PCI_HOLE64_END "pci-hole64-end"
#define PCI_HOST_PROP_PCI_HOLE64_SIZE "pci-hole64-size"
#define PCI_HOST_BELOW_4G_MEM_SIZE "below-4g-mem-size"
#define PCI_HOST_ABOVE_4G_MEM_SIZE "above-4g-mem-size"

/* Fixed addresses of the q35 map (QEMU 7.2). */
#define PC_Q35_LOWMEM_SPLIT_THRESHOLD 0xb0000000ULL /* ram >= this: split at 2 GiB */
#define PC_Q35_LOWMEM_SPLIT 0x80000000ULL
#define PC_Q35_MCFG_BASE 0xb0000000ULL              /* PCIe ECAM window */
#define PC_Q35_MCFG_SIZE 0x10000000ULL
#define PC_IOAPIC_BASE 0xfec00000ULL                /* end of the 32-bit PCI hole */
#define PC_ABOVE_4G_START 0x100000000ULL
#define PC_PCI_HOLE64_SIZE_DEFAULT 0x800000000ULL    /* 32 GiB */
#define PC_MAX_RAM_SLOTS 256                         /* ACPI_MAX_RAM_SLOTS */
#define PC_DEVICE_MEMORY_SLOT_ALIGN 0x40000000ULL    /* 1 GiB slack per slot */

/* The guest-physical layout of a q35 machine; all addresses inclusive-
 * exclusive [start, end), sizes in bytes. */
typedef struct PcMemoryMap {
    uint64_t below_4g_mem_size;     /* RAM at [0, below_4g_mem_size) */
    uint64_t above_4g_mem_size;     /* RAM at [4 GiB, 4 GiB + this) */
    bool has_device_memory;         /* maxmem > ram: a non-empty area */
    hwaddr device_memory_base;      /* 1 GiB aligned; 0 when none */
    uint64_t device_memory_size;    /* maxmem - ram + 1 GiB per slot */
    uint32_t pci_hole_start;        /* 32-bit hole: end of low RAM ... */
    uint32_t pci_hole_end;          /* ... up to the IOAPIC */
    uint64_t pci_hole64_start;      /* 1 GiB aligned, after RAM/device memory */
    uint64_t pci_hole64_end;
    uint64_t pci_hole64_size;
    hwaddr max_used_gpa;            /* last byte the guest may need */
} PcMemoryMap;

/*
 * pc_q35_compute_memory_map: the q35 map for ram_size bytes of initial
 * RAM, maxram_size bytes of maximum memory (== ram_size: no device
 * memory), ram_slots slots and a CPU with phys_bits address bits, as QEMU
 * 7.2's pc-q35-7.2 with an Intel CPU model computes it.  Pure: no global
 * state.  Fails (errp, *map untouched) with QEMU's messages:
 * "unsupported amount of memory slots: N", "maximum memory size must by
 * aligned to multiple of 4096 bytes", "unsupported amount of maximum
 * memory: X", "Address space limit 0xL < 0xU phys-bits too low (N)".
 * The caller has already checked maxram_size >= ram_size.
 */
bool pc_q35_compute_memory_map(uint64_t ram_size, uint64_t maxram_size,
                               uint64_t ram_slots, unsigned int phys_bits,
                               PcMemoryMap *map, Error **errp);

/* Physical address bits of the host CPU (CPUID 0x80000008), 40 if unknown. */
unsigned int pc_host_phys_bits(void);

/* The machine's map once init ran (for the PCI and memory-device code). */
const PcMemoryMap *pc_q35_memory_map(MachineState *ms);

#endif /* HW_I386_PC_H */
