/*
 * device_add and device_del over QMP.  The rules (which devices, which
 * buses, the hotplug handlers) are qdev.c's; this file only turns QMP
 * arguments into calls and answers with the reference's errors.
 * DEVICE_DELETED is sent by qdev_unplug_complete(), at once or when the
 * guest lets the device go (a pcie-root-port slot powered off).  Both
 * commands are refused while a migration is in progress.
 */
#include "qemu/osdep.h"
#include "hw/core/qdev.h"
#include "monitor/monitor.h"
#include "migration/register.h"
#include "monitor/qmp-schema.h"

/* QEMU 7.2 passes device_add's arguments through QemuOpts: strings are
 * parsed as on the command line ("requested-size": "1G"). */
static json_t *qmp_device_add(json_t *args, Error **errp)
{
    /* Both sides must keep the same devices until the end. */
    if (!migration_check_not_active("device_add", errp)) {
        return NULL;
    }
    return qdev_device_add(args, true, errp) ? json_object() : NULL;
}

static json_t *qmp_device_del(json_t *args, Error **errp)
{
    const char *id = json_string_value(json_object_get(args, "id"));
    DeviceState *dev;

    dev = qdev_find_device(id);
    if (!dev) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  id);
        return NULL;
    }
    /* The reference's check and message (with the id as given). */
    if (qdev_is_unplug_pending(dev)) {
        error_setg(errp, "Device %s is already in the process of unplug",
                   id);
        return NULL;
    }
    if (!migration_check_not_active("device_del", errp)) {
        return NULL;
    }
    return qdev_unplug(dev, errp) ? json_object() : NULL;
}

/* -device takes JSON too: QEMU 7.2 advertises that with these features. */
static const char *const qdev_monitor_add_features[] = {
    "json-cli", "json-cli-hotplug", NULL
};

static const QmpCommandSpec qdev_monitor_commands[] = {
    /* the device's properties are checked by qdev_device_add() */
    { .name = "device_add", .fn = qmp_device_add, .open = true,
      .features = qdev_monitor_add_features,
      .args = (const QmpMember[]) {
          { "driver", "str" }, { "bus", "str", true }, { "id", "str", true },
          { NULL } } },
    { .name = "device_del", .fn = qmp_device_del,
      .args = (const QmpMember[]) { { "id", "str" }, { NULL } } },
};

void qdev_monitor_register(void)
{
    qmp_register_commands(qdev_monitor_commands,
                          ARRAY_SIZE(qdev_monitor_commands));
}
