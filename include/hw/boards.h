/*
 * The machine: the QOM object at /machine that owns guest RAM, the
 * device-memory area where memory devices are placed, and the board's
 * fixed devices.  hw/core/machine.c implements the base type "machine";
 * boards (hw/i386/pc_q35.c) derive from it and fill in init.  The command
 * line (softmmu/vl.c) creates the one machine and sets its sizes.
 */
#ifndef HW_BOARDS_H
#define HW_BOARDS_H

#include "qemu/osdep.h"
#include "qom/object.h"
#include "exec/memory.h"

#define TYPE_MACHINE "machine"
#define TYPE_MACHINE_SUFFIX "-machine"

/* Property names shared by setters, messages, docs and tests. */
#define MACHINE_DEVICE_MEMORY_REGION_SIZE_PROP "device-memory-region-size"
#define MACHINE_USB_PROP "usb"
#define MACHINE_DUMP_GUEST_CORE_PROP "dump-guest-core"
#define MACHINE_ACPI_PROP "acpi"

/* -machine acpi= (QEMU's OnOffAuto, in its order) */
enum { MACHINE_ACPI_AUTO, MACHINE_ACPI_ON, MACHINE_ACPI_OFF };

typedef struct MachineState MachineState;

/* The area where memory devices (pc-dimm, virtio-mem) are mapped. */
typedef struct DeviceMemoryState {
    hwaddr base;            /* guest-physical; 1 GiB aligned on q35 */
    MemoryRegion mr;        /* container "device-memory"; size 0: none */
} DeviceMemoryState;

typedef struct MachineClass {
    ObjectClass parent_class;
    const char *name;       /* "pc-q35-7.2"; the QOM type adds "-machine" */
    const char *alias;      /* "q35", or NULL */
    const char *desc;       /* for -machine help */
    bool is_default;
    unsigned int max_cpus;          /* query-machines "cpu-max" */
    const char *default_ram_id;     /* "pc.ram"; query-machines */
    uint64_t default_ram_size;      /* bytes, when -m is absent */
    unsigned int max_ram_slots;     /* larger "slots=" is refused */
    /* Build the board: RAM, memory map, fixed devices.  Fails cleanly. */
    bool (*init)(MachineState *ms, Error **errp);
} MachineClass;

/* Fields readable by every board; written by vl.c before init only. */
struct MachineState {
    Object parent_obj;
    uint64_t ram_size;      /* bytes; -m size */
    uint64_t maxram_size;   /* bytes; -m maxmem (== ram_size when absent) */
    uint64_t ram_slots;     /* -m slots */
    unsigned int smp_cpus;  /* -smp; stored, no vCPUs yet */
    char *cpu_type;         /* -cpu model: "qemu64", "max", "host" */
    unsigned int phys_bits; /* guest physical address bits */
    bool phys_bits_set;     /* phys-bits given by the user */
    char *accel;            /* accelerator name once chosen */
    char *ram_memdev_id;    /* -machine memory-backend=ID, or NULL */
    char *uuid;             /* -uuid, lower-case canonical; NULL: none */
    bool usb;               /* -machine usb=: recorded; hotmem has no USB */
    bool dump_guest_core;   /* -machine dump-guest-core= (default on):
                             * RAM is MADV_DONTDUMP'ed when off */
    int acpi;               /* -machine acpi=: MACHINE_ACPI_*; hotmem
                             * builds no ACPI tables */
    MemoryRegion *ram;      /* the initial RAM ("pc.ram" or the backend's
                             * region), after init */
    DeviceMemoryState *device_memory;   /* NULL: board has none */
};

#define MACHINE(obj) OBJECT_CHECK(MachineState, (obj), TYPE_MACHINE)
#define MACHINE_CLASS(klass) \
    OBJECT_CLASS_CHECK(MachineClass, (klass), TYPE_MACHINE)
#define MACHINE_GET_CLASS(obj) \
    OBJECT_GET_CLASS(MachineClass, (obj), TYPE_MACHINE)

/*
 * The initial RAM from -machine memory-backend=ID: the backend's region,
 * marked in use.  NULL with errp when the backend is missing, already in
 * use or not ram_size bytes (QEMU's messages).
 */
MemoryRegion *machine_consume_memdev(MachineState *ms, Error **errp);

/* The machine, once vl.c created it; NULL before. */
extern MachineState *current_machine;

/*
 * machine_find_class: the machine class called name (its name or alias,
 * "pc-q35-7.2" or "q35"), or NULL.  machine_default_class: the one marked
 * is_default.
 */
MachineClass *machine_find_class(const char *name);
MachineClass *machine_default_class(void);
/* -machine help: "Supported machines are:" and one line per machine. */
void machine_help_print(FILE *out);

/*
 * machine_create: create the machine object of klass and add it at
 * /machine, together with /machine/peripheral, /machine/peripheral-anon
 * and /machine/unattached.  Sets current_machine.
 */
MachineState *machine_create(MachineClass *klass);

/* machine_run_init: the board's init (once, after sizes are set). */
bool machine_run_init(MachineState *ms, Error **errp);

/*
 * machine_init_device_memory: make ms->device_memory a container of size
 * bytes at base (size 0: the area exists but is empty, nothing mapped),
 * mapped into system memory.
 */
void machine_init_device_memory(MachineState *ms, hwaddr base,
                                uint64_t size);

/*
 * Hook for the memory-device core (hw/mem/): bytes plugged through
 * memory devices, reported by query-memory-size-summary.  NULL: 0.
 */
extern uint64_t (*machine_plugged_memory_size)(void);

/*
 * machine_qmp_register: register the machine's QMP commands
 * (query-memory-size-summary).  Called once by vl.c before the monitors
 * start.
 */
void machine_qmp_register(void);
/* The CPU queries (hw/core/cpu-qmp.c), registered by machine_qmp_register. */
void cpu_qmp_register(void);

/*
 * cpu_threads_start: start nb_cpus vCPU threads (hw/core/cpu-threads.c)
 * that wait until cpu_threads_stop(); named: "CPU N/KVM" thread names
 * (-name debug-threads=on).  On failure the started ones are stopped and
 * errp is set.  cpu_thread_id: the kernel thread id of vCPU index, 0 when
 * there is none.  cpu_threads_stop: end and join them (at exit).  Main
 * loop only.
 */
bool cpu_threads_start(unsigned int nb_cpus, bool named, Error **errp);
pid_t cpu_thread_id(unsigned int index);
void cpu_threads_stop(void);
/*
 * cpu_objects_create: the vCPU objects /machine/unattached/device[N] of
 * type "<cpu_type>-x86_64-cpu" (hw/core/cpu.c), after the board's init.
 */
void cpu_objects_create(MachineState *ms);

#endif /* HW_BOARDS_H */
