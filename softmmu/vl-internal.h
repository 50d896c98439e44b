/*
 * Declarations shared by softmmu/vl.c (option parsing, start-up order)
 * and softmmu/vl-help.c (-help, -version and the "help" listings).
 */
#ifndef SOFTMMU_VL_INTERNAL_H
#define SOFTMMU_VL_INTERNAL_H

#include "qemu/osdep.h"

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

#endif /* SOFTMMU_VL_INTERNAL_H */
