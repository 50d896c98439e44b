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

/* A uint8_t or uint16_t field: its address and width. */
typedef struct QdevPropSmallUint {
    void *field;
    unsigned int bits;          /* 8 or 16 */
} QdevPropSmallUint;

static json_t *qdev_prop_small_uint_get(Object *obj, const char *name,
                                        void *opaque, Error **errp)
{
    QdevPropSmallUint *p = opaque;

    return json_integer(p->bits == 8 ? *(uint8_t *)p->field
                                     : *(uint16_t *)p->field);
}

static bool qdev_prop_small_uint_set(Object *obj, const char *name,
                                     json_t *value, void *opaque,
                                     Error **errp)
{
    QdevPropSmallUint *p = opaque;
    json_int_t v = json_integer_value(value);

    if (!qdev_prop_check_unrealized(DEVICE(obj), name, errp)) {
        return false;
    }
    if (!json_is_integer(value) || v < 0 || v >= (1 << p->bits)) {
        error_setg(errp, "Parameter '%s' expects uint%u_t", name, p->bits);
        return false;
    }
    if (p->bits == 8) {
        *(uint8_t *)p->field = v;
    } else {
        *(uint16_t *)p->field = v;
    }
    return true;
}

static void qdev_prop_small_uint_release(Object *obj, const char *name,
                                         void *opaque)
{
    g_free(opaque);
}

static void qdev_prop_add_small_uint(DeviceState *dev, const char *name,
                                     void *field, unsigned int bits)
{
    QdevPropSmallUint *p = g_new0(QdevPropSmallUint, 1);

    p->field = field;
    p->bits = bits;
    object_property_add(OBJECT(dev), name, bits == 8 ? "uint8" : "uint16",
                        qdev_prop_small_uint_get, qdev_prop_small_uint_set,
                        qdev_prop_small_uint_release, p);
}

void qdev_prop_add_uint8(DeviceState *dev, const char *name, uint8_t *field)
{
    qdev_prop_add_small_uint(dev, name, field, 8);
}

void qdev_prop_add_uint16(DeviceState *dev, const char *name,
                          uint16_t *field)
{
    qdev_prop_add_small_uint(dev, name, field, 16);
}
