/*
 * Devices: objects with a realize step, an id, a parent bus, GPIO lines and
 * a reset.  -device and device_add go through qdev_device_add(); the
 * machine's hotplug handler decides what may be plugged at run time.
 * Main loop only.
 */
#ifndef HW_CORE_QDEV_H
#define HW_CORE_QDEV_H

#include "qemu/osdep.h"
#include "qom/object.h"
#include "hw/irq.h"

#define TYPE_DEVICE "device"
#define TYPE_BUS "bus"
#define TYPE_HOTPLUG_HANDLER "hotplug-handler"

typedef struct DeviceState DeviceState;
typedef struct BusState BusState;

typedef struct NamedGPIOList {
    char *name;             /* NULL: the unnamed list */
    qemu_irq *in;           /* nb_in input lines */
    int nb_in;
    qemu_irq *out;          /* the device's nb_out output pins */
    int nb_out;
} NamedGPIOList;

/* Fields private to hw/core/qdev.c unless noted. */
struct DeviceState {
    Object parent_obj;
    char *id;               /* user id, or NULL; read-only after creation */
    bool realized;
    /* device_del was accepted and the removal waits for the guest; sticky
     * until the device is gone (qdev_set_unplug_pending). */
    bool unplug_requested;
    int64_t unplug_expires_ms;  /* QEMU_CLOCK_VIRTUAL: from then on another
                                 * device_del may repeat the request */
    BusState *parent_bus;
    GPtrArray *gpios;       /* NamedGPIOList * */
    GPtrArray *child_buses; /* BusState * */
};

typedef struct DeviceClass {
    ObjectClass parent_class;
    const char *desc;       /* for -device help */
    const char *category;   /* "Misc devices", "Storage devices", ... */
    bool user_creatable;    /* may be named by -device / device_add */
    bool hotpluggable;      /* may be added/removed after machine init */
    const char *bus_type;   /* bus it plugs into, or NULL (sysbus) */
    bool (*realize)(DeviceState *dev, Error **errp);
    void (*unrealize)(DeviceState *dev);
    /* Device (not system) reset: back to the power-on state. */
    void (*reset)(DeviceState *dev);
} DeviceClass;

struct BusState {
    Object parent_obj;
    char *name;
    DeviceState *parent;
    GPtrArray *children;    /* DeviceState *, in plug order */
    Object *hotplug_handler;/* may be NULL */
};

typedef struct BusClass {
    ObjectClass parent_class;
    /* Check/assign the address of dev on this bus before realize. */
    bool (*check_address)(BusState *bus, DeviceState *dev, Error **errp);
} BusClass;

/*
 * hotplug-handler interface: the machine or a bus controller (a
 * pcie-root-port for its slot).  pre_plug runs before realize and may
 * refuse; plug after realize.  unplug_request is device_del's: it may
 * refuse (false, errp); true means the removal has started and the handler
 * finishes it, now or when the guest agrees, with qdev_unplug_complete().
 * Without unplug_request, device_del removes the device at once.  unplug
 * is called by qdev_unplug_complete() before the device is unrealized.
 */
typedef struct HotplugHandlerClass {
    InterfaceClass parent_class;
    bool (*pre_plug)(Object *handler, DeviceState *dev, Error **errp);
    void (*plug)(Object *handler, DeviceState *dev);
    bool (*unplug_request)(Object *handler, DeviceState *dev, Error **errp);
    void (*unplug)(Object *handler, DeviceState *dev);
} HotplugHandlerClass;

#define DEVICE(obj) OBJECT_CHECK(DeviceState, (obj), TYPE_DEVICE)
#define DEVICE_CLASS(klass) OBJECT_CLASS_CHECK(DeviceClass, (klass), TYPE_DEVICE)
#define DEVICE_GET_CLASS(obj) OBJECT_GET_CLASS(DeviceClass, (obj), TYPE_DEVICE)
#define BUS(obj) OBJECT_CHECK(BusState, (obj), TYPE_BUS)
#define BUS_GET_CLASS(obj) OBJECT_GET_CLASS(BusClass, (obj), TYPE_BUS)
#define HOTPLUG_HANDLER_GET_CLASS(obj) \
    OBJECT_GET_CLASS(HotplugHandlerClass, (obj), TYPE_HOTPLUG_HANDLER)

/* Realize: runs pre_plug, the class realize, then plug.  No-op if done. */
bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp);
void qdev_unrealize(DeviceState *dev);
/* Device reset of dev and everything on its buses, children first. */
void device_cold_reset(DeviceState *dev);
/* System reset of all devices: every realized device below /machine
 * that has no parent bus, recursively through its buses. */
void qdev_reset_all(void);

/*
 * -device / device_add: opts is a JSON object with "driver", optional "id",
 * optional "bus" and device properties (strings parsed as on the command
 * line when from_cli).  The device goes to /machine/peripheral/<id> or
 * /machine/peripheral-anon/device[N].  Hot-plug rules are the machine's.
 * Messages as QEMU's ("Parameter 'driver' is missing", "'foo' is not a
 * valid device model name", "Duplicate device ID 'x'", "Property 'T.p' not
 * found").  On failure nothing is left behind.
 */
DeviceState *qdev_device_add(json_t *opts, bool from_cli, Error **errp);
/*
 * device_del: the bus must have a hotplug handler and the device be
 * hot-pluggable (QEMU's messages), then the handler's unplug_request
 * decides.  True: removal done or started (DEVICE_DELETED comes with
 * qdev_unplug_complete()).
 */
bool qdev_unplug(DeviceState *dev, Error **errp);
/*
 * Finish a removal: devices on dev's buses first, then the hotplug
 * handler's unplug, unrealize, unparent, and DEVICE_DELETED {"device":
 * id (when set), "path"} for each device gone (realized QOM children such
 * as a virtio proxy's "virtio-backend" before their parent, as QEMU).
 * dev is freed.  Main loop only.
 */
void qdev_unplug_complete(DeviceState *dev);
/*
 * A handler accepted device_del and waits for the guest: until
 * expires_ms (QEMU_CLOCK_VIRTUAL) another device_del is refused ("Device
 * X is already in the process of unplug").
 */
void qdev_set_unplug_pending(DeviceState *dev, int64_t expires_ms);
/* Accepted and not expired: a new device_del is refused. */
bool qdev_is_unplug_pending(DeviceState *dev);
/* Ever accepted (sticky): settings the guest could act on are frozen. */
bool qdev_unplug_requested(DeviceState *dev);
/* Find a user device by id (/machine/peripheral/<id>) or QOM path. */
DeviceState *qdev_find_device(const char *id_or_path);
/* Set by the machine: whether machine init is over (hot-plug from now on). */
void qdev_machine_creation_done(void);
bool qdev_hotplug_allowed(void);
/*
 * The hotplug handler for dev, or NULL: the machine's when it claims dev,
 * else the bus's, else the machine's.
 */
Object *qdev_get_hotplug_handler(DeviceState *dev);
/* The handler of dev's bus, or NULL (what a claiming machine chains to). */
Object *qdev_get_bus_hotplug_handler(DeviceState *dev);
/*
 * Set by the machine.  claims(dev) true: the machine handles dev even on a
 * bus with a handler of its own (memory devices: the machine places them
 * and chains to the bus's handler, as QEMU's get_hotplug_handler); NULL:
 * it claims nothing.
 */
void qdev_set_machine_hotplug_handler(Object *handler,
                                      bool (*claims)(DeviceState *dev));
/*
 * Call handler's hook; a missing hook succeeds and does nothing, except
 * unplug_request: without it the removal completes at once.
 */
bool hotplug_handler_pre_plug(Object *handler, DeviceState *dev,
                              Error **errp);
void hotplug_handler_plug(Object *handler, DeviceState *dev);
bool hotplug_handler_unplug_request(Object *handler, DeviceState *dev,
                                    Error **errp);
void hotplug_handler_unplug(Object *handler, DeviceState *dev);

/*
 * For property setters of settings fixed at realize: true before realize;
 * after, false with the reference's message ("Attempt to set property 'p'
 * on device 'id' (type 'T') after it was realized").
 */
bool qdev_prop_check_unrealized(DeviceState *dev, const char *name,
                                Error **errp);
/*
 * Properties backed by a field of the device, settable until realize
 * (hw/core/qdev-props.c).  type for uints: "uint32", "uint64", "size".
 */
void qdev_prop_add_bool(DeviceState *dev, const char *name, bool *field);
void qdev_prop_add_uint32(DeviceState *dev, const char *name,
                          uint32_t *field);
/* Types "uint8" / "uint16"; out of range: "Parameter 'p' expects uint8_t"
 * (QEMU's message). */
void qdev_prop_add_uint8(DeviceState *dev, const char *name, uint8_t *field);
void qdev_prop_add_uint16(DeviceState *dev, const char *name,
                          uint16_t *field);
void qdev_prop_add_uint64(DeviceState *dev, const char *name,
                          const char *type, uint64_t *field);
/* A string; the device frees *field at finalize. */
void qdev_prop_add_string(DeviceState *dev, const char *name, char **field);

/* Register QMP device_add / device_del (hw/core/qdev-monitor.c). */
void qdev_monitor_register(void);

/* GPIO lines. name NULL is the unnamed list. */
void qdev_init_gpio_in_named(DeviceState *dev, qemu_irq_handler handler,
                             const char *name, int n);
static inline void qdev_init_gpio_in(DeviceState *dev,
                                     qemu_irq_handler handler, int n)
{
    qdev_init_gpio_in_named(dev, handler, NULL, n);
}
/* pins[i] is where output i is written when connected. */
void qdev_init_gpio_out_named(DeviceState *dev, qemu_irq *pins,
                              const char *name, int n);
qemu_irq qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n);
static inline qemu_irq qdev_get_gpio_in(DeviceState *dev, int n)
{
    return qdev_get_gpio_in_named(dev, NULL, n);
}
void qdev_connect_gpio_out_named(DeviceState *dev, const char *name, int n,
                                 qemu_irq irq);
/* The GPIO lists of dev (NamedGPIOList *), for qtest interception. */
GPtrArray *qdev_get_gpio_lists(DeviceState *dev);

/* Buses. */
/* A new bus of typename, child name of parent (or of /machine/unattached
 * when parent is NULL). */
BusState *qbus_new(const char *typename, DeviceState *parent,
                   const char *name);
BusState *qdev_get_child_bus(DeviceState *dev, const char *name);
/* Find a bus by name or QOM path anywhere below /machine. */
BusState *qbus_find(const char *path, Error **errp);

#endif /* HW_CORE_QDEV_H */
