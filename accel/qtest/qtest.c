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
#include "sysemu/qtest.h"

/* What a current x86 KVM reports for KVM_CAP_NR_MEMSLOTS. */
#define QTEST_ACCEL_DEFAULT_MAX_MEMSLOTS 32764

/*
 * How long the qtest server looks for the next command before sleeping in
 * poll() (see softmmu/qtest.c): a driver answers within microseconds, and
 * a wake-up from poll() costs about as much as a whole command.
 */
#define QTEST_ACCEL_DEFAULT_POLL_US 20

static uint64_t qtest_accel_max_memslots = QTEST_ACCEL_DEFAULT_MAX_MEMSLOTS;
static uint64_t qtest_accel_poll = QTEST_ACCEL_DEFAULT_POLL_US;
static bool qtest_accel_active;

unsigned int qtest_accel_poll_us(void)
{
    return qtest_accel_active ? qtest_accel_poll : 0;
}

static bool qtest_accel_parse_uint(const char *key, json_t *value,
                                   uint64_t max, uint64_t *out, Error **errp)
{
    uint64_t n;

    if (json_is_integer(value) && json_integer_value(value) >= 0) {
        n = json_integer_value(value);
    } else if (!json_is_string(value) ||
               qemu_strtou64(json_string_value(value), &n) < 0) {
        n = max + 1;
    }
    if (n > max) {
        error_setg(errp, "Parameter '%s' expects uint32", key);
        return false;
    }
    *out = n;
    return true;
}

static bool qtest_accel_parse_prop(const char *key, json_t *value,
                                   Error **errp)
{
    if (!strcmp(key, "max-memslots")) {
        return qtest_accel_parse_uint(key, value, UINT32_MAX,
                                      &qtest_accel_max_memslots, errp);
    }
    if (!strcmp(key, "poll-us")) {
        return qtest_accel_parse_uint(key, value, UINT32_MAX,
                                      &qtest_accel_poll, errp);
    }
    error_setg(errp, "Property 'qtest-accel.%s' not found", key);
    return false;
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
    qtest_accel_active = true;
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
