/*
 * device_add and device_del over QMP.  The rules (which devices, which
 * buses, the machine's hotplug handler) are qdev.c's; this file only turns
 * QMP arguments into calls and answers with the reference's errors.
 */
#include "qemu/osdep.h"
#include "hw/core/qdev.h"
#include "monitor/monitor.h"

static json_t *qmp_device_add(json_t *args, Error **errp)
{
    return qdev_device_add(args, false, errp) ? json_object() : NULL;
}

static json_t *qmp_device_del(json_t *args, Error **errp)
{
    static const char *const known[] = { "id", NULL };
    DeviceState *dev;
    const char *id;
    g_autofree char *path = NULL;

    if (!qmp_args_check_known(args, known, errp) ||
        !qmp_arg_str(args, "id", false, &id, errp)) {
        return NULL;
    }
    dev = qdev_find_device(id);
    if (!dev) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  id);
        return NULL;
    }
    path = object_get_canonical_path(OBJECT(dev));
    if (!qdev_unplug(dev, errp)) {
        return NULL;
    }
    qapi_event_send("DEVICE_DELETED",
                    json_pack("{s:s,s:s}", "device", id, "path", path));
    return json_object();
}

void qdev_monitor_register(void)
{
    qmp_register_command("device_add", qmp_device_add, 0);
    qmp_register_command("device_del", qmp_device_del, 0);
}
