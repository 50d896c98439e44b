/*
 * The qtest accelerator: no vCPUs; the guest is whoever talks on the qtest
 * socket (softmmu/qtest.c).  Its one property, max-memslots, is the slot
 * limit the memslot layer models (stored here until that layer exists).
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/timer.h"
#include "sysemu/accel.h"

/* What a current x86 KVM reports for KVM_CAP_NR_MEMSLOTS. */
#define QTEST_ACCEL_DEFAULT_MAX_MEMSLOTS 32764

static uint64_t qtest_accel_max_memslots = QTEST_ACCEL_DEFAULT_MAX_MEMSLOTS;

static bool qtest_accel_parse_prop(const char *key, json_t *value,
                                   Error **errp)
{
    uint64_t n;

    if (strcmp(key, "max-memslots") != 0) {
        error_setg(errp, "Property 'qtest-accel.%s' not found", key);
        return false;
    }
    if (json_is_integer(value) && json_integer_value(value) >= 0) {
        n = json_integer_value(value);
    } else if (!json_is_string(value) ||
               qemu_strtou64(json_string_value(value), &n) < 0) {
        error_setg(errp, "Parameter 'max-memslots' expects uint32");
        return false;
    }
    if (n > UINT32_MAX) {
        error_setg(errp, "Parameter 'max-memslots' expects uint32");
        return false;
    }
    qtest_accel_max_memslots = n;
    return true;
}

static bool qtest_accel_init(json_t *props, Error **errp)
{
    const char *key;
    json_t *value;

    json_object_foreach(props, key, value) {
        if (!qtest_accel_parse_prop(key, value, errp)) {
            return false;
        }
    }
    /* No vCPUs: guest time moves only on qtest clock_step / clock_set. */
    qemu_clock_set_manual(QEMU_CLOCK_VIRTUAL, true);
    return true;
}

uint64_t qtest_accel_get_max_memslots(void);
uint64_t qtest_accel_get_max_memslots(void)
{
    return qtest_accel_max_memslots;
}

static const AccelOps qtest_accel_ops = {
    .name = "qtest",
    .init = qtest_accel_init,
};

static void __attribute__((constructor)) qtest_accel_register(void)
{
    accel_register(&qtest_accel_ops);
}
