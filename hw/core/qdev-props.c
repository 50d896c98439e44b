/*
 * Device properties backed by a field and fixed at realize: qom's field
 * properties with a check that refuses once the device is realized, with
 * the reference's message.
 * Devices with extra rules keep their own setters and call
 * qdev_prop_check_unrealized() themselves.  8- and 16-bit fields are
 * qdev's own (qom's field properties have 32 and 64 bits).
 */
#include "qemu/osdep.h"
#include "hw/core/qdev.h"

bool qdev_prop_check_unrealized(DeviceState *dev, const char *name,
                                Error **errp)
{
    if (!dev->realized) {
        return true;
    }
    if (dev->id) {
        error_setg(errp, "Attempt to set property '%s' on device '%s' "
                   "(type '%s') after it was realized", name, dev->id,
                   object_get_typename(OBJECT(dev)));
    } else {
        error_setg(errp, "Attempt to set property '%s' on anonymous device "
                   "(type '%s') after it was realized", name,
                   object_get_typename(OBJECT(dev)));
    }
    return false;
}

static bool qdev_prop_field_check(Object *obj, const char *name,
                                  Error **errp)
{
    return qdev_prop_check_unrealized(DEVICE(obj), name, errp);
}

void qdev_prop_add_bool(DeviceState *dev, const char *name, bool *field)
{
    object_property_add_bool_field(OBJECT(dev), name, field,
                                   qdev_prop_field_check);
}

void qdev_prop_add_uint32(DeviceState *dev, const char *name,
                          uint32_t *field)
{
    object_property_add_uint_field(OBJECT(dev), name, "uint32", field,
                                   qdev_prop_field_check);
}

void qdev_prop_add_uint64(DeviceState *dev, const char *name,
                          const char *type, uint64_t *field)
{
    object_property_add_uint_field(OBJECT(dev), name, type, field,
                                   qdev_prop_field_check);
}

void qdev_prop_add_uint8(DeviceState *dev, const char *name, uint8_t *field)
{
    object_property_add_uint_field(OBJECT(dev), name, "uint8", field,
                                   qdev_prop_field_check);
}

void qdev_prop_add_uint16(DeviceState *dev, const char *name,
                          uint16_t *field)
{
    object_property_add_uint_field(OBJECT(dev), name, "uint16", field,
                                   qdev_prop_field_check);
}

void qdev_prop_add_string(DeviceState *dev, const char *name, char **field)
{
    object_property_add_str_field(OBJECT(dev), name, field,
                                  qdev_prop_field_check);
}
