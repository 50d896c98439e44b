/*
 * The qtest accelerator: no vCPUs; the guest is whoever talks on the qtest
 * socket (softmmu/qtest.c).  It keeps the memslot table KVM would keep
 * (accel/memslots.c) with max-memslots as its limit, so memslot decisions
 * are testable without /dev/kvm.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/timer.h"
#include "sysemu/accel.h"
#include "sysemu/memslots.h"
#include "exec/memory.h"

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
    MemslotTable *table;

    json_object_foreach(props, key, value) {
        if (!qtest_accel_parse_prop(key, value, errp)) {
            return false;
        }
    }
    /* No vCPUs: guest time moves only on qtest clock_step / clock_set. */
    qemu_clock_set_manual(QEMU_CLOCK_VIRTUAL, true);
    /* The slot table KVM would keep, without ioctls behind it. */
    table = memslots_new("qtest", qtest_accel_max_memslots, NULL, NULL);
    memslots_register(table, address_space_memory());
    accel_set_memslots(table);
    memslots_consumer_add(table);
    return true;
}

static const AccelOps qtest_accel_ops = {
    .name = "qtest",
    .init = qtest_accel_init,
};

static void __attribute__((constructor)) qtest_accel_register(void)
{
    accel_register(&qtest_accel_ops);
}
