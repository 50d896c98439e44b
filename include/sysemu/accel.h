/*
 * Accelerators: a registry of the ways a VM can run (kvm, qtest).  vl.c
 * picks one by name from -accel / -machine accel= and initializes it with
 * its properties; the first that initializes wins.  Main loop only.
 */
#ifndef SYSEMU_ACCEL_H
#define SYSEMU_ACCEL_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <jansson.h>

typedef struct AccelOps {
    const char *name;
    /* props: the -accel properties other than the name (a JSON object,
     * string values from the command line).  Unknown ones are errors. */
    bool (*init)(json_t *props, Error **errp);
} AccelOps;

/* From a constructor, before main(). */
void accel_register(const AccelOps *ops);
const AccelOps *accel_find(const char *name);
/* Initialize name; on success it becomes the current accelerator. */
bool accel_init(const char *name, json_t *props, Error **errp);
/* "qtest", "kvm", or NULL before accel_init succeeded. */
const char *current_accel_name(void);
typedef struct MemslotTable MemslotTable;
/* The memslot table of the current accelerator (NULL before init). */
void accel_set_memslots(MemslotTable *table);
MemslotTable *accel_get_memslots(void);

/* -accel help: "Accelerators supported in QEMU binary:" and the names. */
void accel_list_print(FILE *out);

#endif /* SYSEMU_ACCEL_H */
