/*
 * The accelerator registry (include/sysemu/accel.h).  Accelerators register
 * from constructors (accel/qtest/qtest.c, accel/kvm/kvm-all.c).
 */
#include "qemu/osdep.h"
#include "sysemu/accel.h"
#include "qom/object.h"

#define ACCEL_MAX 8

static const AccelOps *accel_table[ACCEL_MAX];
static unsigned int accel_count;
static const AccelOps *accel_current;
static MemslotTable *accel_memslots;

void accel_register(const AccelOps *ops)
{
    assert(accel_count < ACCEL_MAX);
    accel_table[accel_count++] = ops;
}

const AccelOps *accel_find(const char *name)
{
    unsigned int i;

    for (i = 0; i < accel_count; i++) {
        if (!strcmp(accel_table[i]->name, name)) {
            return accel_table[i];
        }
    }
    return NULL;
}

bool accel_init(const char *name, json_t *props, Error **errp)
{
    const AccelOps *ops = accel_find(name);

    if (!ops) {
        error_setg(errp, "invalid accelerator %s", name);
        return false;
    }
    if (!ops->init(props, errp)) {
        return false;
    }
    accel_current = ops;
    return true;
}

const char *current_accel_name(void)
{
    return accel_current ? accel_current->name : NULL;
}

static int accel_compare_names(const void *a, const void *b)
{
    return strcmp((*(const AccelOps *const *)a)->name,
                  (*(const AccelOps *const *)b)->name);
}

void accel_list_print(FILE *out)
{
    const AccelOps *sorted[ACCEL_MAX];
    unsigned int i;

    memcpy(sorted, accel_table, sizeof(sorted[0]) * accel_count);
    qsort(sorted, accel_count, sizeof(sorted[0]), accel_compare_names);
    fprintf(out, "Accelerators supported in QEMU binary:\n");
    for (i = 0; i < accel_count; i++) {
        fprintf(out, "%s\n", sorted[i]->name);
    }
}

void accel_set_memslots(MemslotTable *table)
{
    accel_memslots = table;
}

MemslotTable *accel_get_memslots(void)
{
    return accel_memslots;
}

/*
 * QOM types named as QEMU's ("kvm-accel", ...): qom-list-types is how a
 * management tool learns which accelerators a binary takes (libvirt
 * allows domain type 'qemu' only when it sees "tcg-accel").  hotmem has
 * no TCG: "-accel tcg" is accepted and the VM then runs on qtest (vl.c),
 * which "tcg-accel" stands for here.  The types have no instances.
 */
static const TypeInfo accel_types[] = {
    { .name = "accel", .parent = TYPE_OBJECT, .abstract = true },
    { .name = "kvm-accel", .parent = "accel" },
    { .name = "qtest-accel", .parent = "accel" },
    { .name = "tcg-accel", .parent = "accel" },
};

static void accel_register_types(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(accel_types); i++) {
        type_register_static(&accel_types[i]);
    }
}
type_init(accel_register_types)
