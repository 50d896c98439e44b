/*
 * Declarations shared by softmmu/vl.c (option parsing, start-up order)
 * and softmmu/vl-help.c (-help, -version and the "help" listings).
 */
#ifndef SOFTMMU_VL_INTERNAL_H
#define SOFTMMU_VL_INTERNAL_H

#include "qemu/osdep.h"
#include "qapi/error.h"

/* -help: the usage text on stdout. */
void vl_help_print_usage(void);
/* -version: "QEMU emulator version 7.2.0 (hotmem 0.1.0)" and a tag line. */
void vl_help_print_version(void);
/* -object help: "List of user creatable objects:" and the types. */
void vl_help_print_objects(void);
/* -device help: user-creatable devices grouped by category, as QEMU. */
void vl_help_print_devices(void);
/*
 * -device TYPE,help / -object TYPE,help: "TYPE options:" and one line per
 * property ("  name=<type>", " - description" when there is one), sorted.
 * Returns false when the type does not exist (nothing printed).
 */
bool vl_help_print_type_props(const char *type_name);

/* ---- vl-options.c: options that set no device state of their own ---- */

typedef struct MachineState MachineState;

/* One parameter of an option: name and query-command-line-options type. */
typedef struct VlParam {
    const char *name;
    const char *type;       /* "string", "boolean", "number", "size" */
} VlParam;

typedef struct VlExtraOption VlExtraOption;
typedef bool VlExtraHandler(const VlExtraOption *opt, const char *arg,
                            Error **errp);

struct VlExtraOption {
    const char *name;           /* without the leading '-' */
    bool has_arg;
    VlExtraHandler *handler;
    const char *implied_key;    /* "-boot cd" means order=cd */
    const VlParam *params;      /* the keys accepted; NULL: none */
};

/* The option called name (without '-'), or NULL. */
const VlExtraOption *vl_options_find(const char *name);
/* Apply -uuid and -no-shutdown; report -sandbox once.  After the machine
 * object exists. */
void vl_options_apply(MachineState *ms);
/* -name debug-threads=on was given. */
bool vl_options_debug_threads(void);
/* Register query-command-line-options (vl.c, with the monitors). */
void vl_options_register_qmp(void);
void vl_options_cleanup(void);

/* ---- vl-smp.c: -smp ---- */

/* The -smp handler (in vl-options.c's table). */
bool vl_smp_parse(const VlExtraOption *opt, const char *arg, Error **errp);
/* Complete and check the topology at machine creation; *cpus: vCPUs. */
bool vl_smp_resolve(unsigned int *cpus, Error **errp);

/* vl.c: call fn with the name of each option of vl.c's own table. */
typedef void VlOptionNameFunc(const char *name, void *opaque);
void vl_foreach_core_option(VlOptionNameFunc *fn, void *opaque);

#endif /* SOFTMMU_VL_INTERNAL_H */
