/*
 * Declarations shared by softmmu/vl.c (option parsing, start-up order),
 * softmmu/vl-help.c (-help, -version and the "help" listings),
 * vl-options.c and vl-smp.c (options with their own tables) and
 * vl-accel.c (the accelerator choice).
 */
#ifndef SOFTMMU_VL_INTERNAL_H
#define SOFTMMU_VL_INTERNAL_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <jansson.h>

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

/* ---- vl.c: options applied after parsing ---- */

/* An option applied after parsing: its text for messages, its opts. */
typedef struct VlDeferred {
    char *loc;              /* "-object memory-backend-ram,id=m0,..."; NULL: none */
    json_t *opts;           /* parsed keyval or JSON object */
    bool from_cli;          /* keyval form: values are strings */
} VlDeferred;

/* Append "-opt arg" with opts (reference taken) to list. */
void vl_defer(GPtrArray *list, const char *opt, const char *arg,
              json_t *opts, bool from_cli);
/* GDestroyNotify for a VlDeferred. */
void vl_deferred_free(gpointer p);

/* ---- vl-accel.c: -accel and the accelerator choice ---- */

/* -accel NAME[,props]: a candidate, its name checked now ("help" lists
 * them and exits).  False with errp set on a bad name. */
bool vl_accel_add(const char *arg, Error **errp);
/*
 * Initialize the first usable candidate and record it in ms->accel.
 * Without -accel the candidates are machine_accel ("A:B", from -machine
 * accel=), else qtest when has_qtest, else kvm.  False with errp set when
 * none initializes (earlier failures are printed as fall-backs).
 */
bool vl_accel_configure(const char *machine_accel, bool has_qtest,
                        MachineState *ms, Error **errp);

/* vl.c: call fn with the name of each option of vl.c's own table. */
typedef void VlOptionNameFunc(const char *name, void *opaque);
void vl_foreach_core_option(VlOptionNameFunc *fn, void *opaque);

#endif /* SOFTMMU_VL_INTERNAL_H */
