/*
 * Device properties backed by a field and fixed at realize: the setter
 * refuses once the device is realized, with the reference's message.
 * Devices with extra rules keep their own setters and call
 * qdev_prop_check_unrealized() themselves.
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

typedef struct QdevFieldProp {
    void *field;
    unsigned int bits;      /* 0: bool, else 32 or 64 */
} QdevFieldProp;

static json_t *qdev_prop_field_get(Object *obj, const char *name,
                                   void *opaque, Error **errp)
{
    QdevFieldProp *fp = opaque;

    switch (fp->bits) {
    case 0:
        return json_boolean(*(bool *)fp->field);
    case 32:
        return json_integer(*(uint32_t *)fp->field);
    default:
        return json_integer((json_int_t)*(uint64_t *)fp->field);
    }
}

static bool qdev_prop_field_set(Object *obj, const char *name, json_t *value,
                                void *opaque, Error **errp)
{
    QdevFieldProp *fp = opaque;
    uint64_t v;

    if (!qdev_prop_check_unrealized(DEVICE(obj), name, errp)) {
        return false;
    }
    if (!fp->bits) {
        if (!json_is_boolean(value)) {
            error_setg(errp, "Invalid parameter type for '%s', expected: "
                       "boolean", name);
            return false;
        }
        *(bool *)fp->field = json_is_true(value);
        return true;
    }
    v = (uint64_t)json_integer_value(value);
    if (!json_is_integer(value) || (fp->bits == 32 && v > UINT32_MAX)) {
        error_setg(errp, "Parameter '%s' expects uint%u", name, fp->bits);
        return false;
    }
    if (fp->bits == 32) {
        *(uint32_t *)fp->field = v;
    } else {
        *(uint64_t *)fp->field = v;
    }
    return true;
}

static void qdev_prop_field_release(Object *obj, const char *name,
                                    void *opaque)
{
    g_free(opaque);
}

static void qdev_prop_add_field(DeviceState *dev, const char *name,
                                const char *type, void *field,
                                unsigned int bits)
{
    QdevFieldProp *fp = g_new0(QdevFieldProp, 1);

    fp->field = field;
    fp->bits = bits;
    object_property_add(OBJECT(dev), name, type, qdev_prop_field_get,
                        qdev_prop_field_set, qdev_prop_field_release, fp);
}

void qdev_prop_add_bool(DeviceState *dev, const char *name, bool *field)
{
    qdev_prop_add_field(dev, name, "bool", field, 0);
}

void qdev_prop_add_uint32(DeviceState *dev, const char *name,
                          uint32_t *field)
{
    qdev_prop_add_field(dev, name, "uint32", field, 32);
}

void qdev_prop_add_uint64(DeviceState *dev, const char *name,
                          const char *type, uint64_t *field)
{
    qdev_prop_add_field(dev, name, type, field, 64);
}
