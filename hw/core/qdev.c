/*
 * Devices and buses: creation from -device/device_add options, realize
 * with the hotplug handler's pre_plug/plug, unplug, device reset, and GPIO
 * lines.  The machine (hw/core/machine.c) sets the hotplug handler and
 * says when creation is done; buses define addressing (hw/pci/).
 */
#include "qemu/osdep.h"
#include "hw/core/qdev.h"
#include "qemu/timer.h"
#include "monitor/monitor.h"

static bool qdev_creation_done;
static Object *qdev_machine_hotplug_handler;
static bool (*qdev_machine_claims)(DeviceState *dev);

/* The buses are QOM children and go with the device; only the array of
 * them and the id are the device's own. */
static void qdev_device_instance_finalize(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    g_free(dev->id);
    if (dev->child_buses) {
        g_ptr_array_free(dev->child_buses, true);
    }
}

static const TypeInfo qdev_device_type_info = {
    .name = TYPE_DEVICE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(DeviceState),
    .class_size = sizeof(DeviceClass),
    .abstract = true,
    .instance_finalize = qdev_device_instance_finalize,
};

static void qdev_bus_instance_init(Object *obj)
{
    BusState *bus = BUS(obj);

    bus->children = g_ptr_array_new();
}

static void qdev_bus_instance_finalize(Object *obj)
{
    BusState *bus = BUS(obj);

    g_ptr_array_free(bus->children, true);
    g_free(bus->name);
}

static const TypeInfo qdev_bus_type_info = {
    .name = TYPE_BUS,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(BusState),
    .class_size = sizeof(BusClass),
    .abstract = true,
    .instance_init = qdev_bus_instance_init,
    .instance_finalize = qdev_bus_instance_finalize,
};

static const TypeInfo qdev_hotplug_handler_type_info = {
    .name = TYPE_HOTPLUG_HANDLER,
    .parent = TYPE_INTERFACE,
    .class_size = sizeof(HotplugHandlerClass),
};

static void qdev_register_types(void)
{
    type_register_static(&qdev_device_type_info);
    type_register_static(&qdev_bus_type_info);
    type_register_static(&qdev_hotplug_handler_type_info);
}
type_init(qdev_register_types)

void qdev_machine_creation_done(void)
{
    qdev_creation_done = true;
}

bool qdev_hotplug_allowed(void)
{
    return qdev_creation_done;
}

void qdev_set_machine_hotplug_handler(Object *handler,
                                      bool (*claims)(DeviceState *dev))
{
    qdev_machine_hotplug_handler = handler;
    qdev_machine_claims = claims;
}

Object *qdev_get_bus_hotplug_handler(DeviceState *dev)
{
    return dev->parent_bus ? dev->parent_bus->hotplug_handler : NULL;
}

Object *qdev_get_hotplug_handler(DeviceState *dev)
{
    Object *bus_handler = qdev_get_bus_hotplug_handler(dev);

    if (qdev_machine_hotplug_handler && qdev_machine_claims &&
        qdev_machine_claims(dev)) {
        return qdev_machine_hotplug_handler;
    }
    return bus_handler ? bus_handler : qdev_machine_hotplug_handler;
}

bool hotplug_handler_pre_plug(Object *handler, DeviceState *dev,
                              Error **errp)
{
    HotplugHandlerClass *hc = HOTPLUG_HANDLER_GET_CLASS(handler);

    return !hc->pre_plug || hc->pre_plug(handler, dev, errp);
}

void hotplug_handler_plug(Object *handler, DeviceState *dev)
{
    HotplugHandlerClass *hc = HOTPLUG_HANDLER_GET_CLASS(handler);

    if (hc->plug) {
        hc->plug(handler, dev);
    }
}

bool hotplug_handler_unplug_request(Object *handler, DeviceState *dev,
                                    Error **errp)
{
    HotplugHandlerClass *hc = HOTPLUG_HANDLER_GET_CLASS(handler);

    if (hc->unplug_request) {
        return hc->unplug_request(handler, dev, errp);
    }
    qdev_unplug_complete(dev);
    return true;
}

void hotplug_handler_unplug(Object *handler, DeviceState *dev)
{
    HotplugHandlerClass *hc = HOTPLUG_HANDLER_GET_CLASS(handler);

    if (hc->unplug) {
        hc->unplug(handler, dev);
    }
}

/* ---- realize / unrealize ---- */

static bool qdev_pre_plug(DeviceState *dev, Error **errp)
{
    Object *handler = qdev_get_hotplug_handler(dev);

    return !handler || hotplug_handler_pre_plug(handler, dev, errp);
}

static void qdev_plug(DeviceState *dev)
{
    Object *handler = qdev_get_hotplug_handler(dev);

    if (handler) {
        hotplug_handler_plug(handler, dev);
    }
}

bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (dev->realized) {
        return true;
    }
    dev->parent_bus = bus;
    if (bus && BUS_GET_CLASS(bus)->check_address &&
        !BUS_GET_CLASS(bus)->check_address(bus, dev, errp)) {
        goto out_bus;
    }
    if (!qdev_pre_plug(dev, errp)) {
        goto out_bus;
    }
    if (dc->realize && !dc->realize(dev, errp)) {
        goto out_bus;
    }
    if (bus) {
        g_ptr_array_add(bus->children, dev);
        object_ref(OBJECT(dev));
    }
    dev->realized = true;
    qdev_plug(dev);
    return true;

out_bus:
    dev->parent_bus = NULL;
    return false;
}

void qdev_unrealize(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    BusState *bus = dev->parent_bus;
    guint i;

    if (!dev->realized) {
        return;
    }
    for (i = 0; dev->child_buses && i < dev->child_buses->len; i++) {
        BusState *child_bus = g_ptr_array_index(dev->child_buses, i);

        while (child_bus->children->len) {
            qdev_unrealize(g_ptr_array_index(child_bus->children,
                                             child_bus->children->len - 1));
        }
    }
    if (dc->unrealize) {
        dc->unrealize(dev);
    }
    dev->realized = false;
    if (bus) {
        g_ptr_array_remove(bus->children, dev);
        dev->parent_bus = NULL;
        object_unref(OBJECT(dev));
    }
}

void device_cold_reset(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    guint i, j;

    for (i = 0; dev->child_buses && i < dev->child_buses->len; i++) {
        BusState *bus = g_ptr_array_index(dev->child_buses, i);

        for (j = 0; j < bus->children->len; j++) {
            device_cold_reset(g_ptr_array_index(bus->children, j));
        }
    }
    if (dc->reset) {
        dc->reset(dev);
    }
}

static int qdev_reset_one_root(Object *obj, void *opaque)
{
    DeviceState *dev = (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);

    if (dev && dev->realized && !dev->parent_bus) {
        device_cold_reset(dev);
    }
    return 0;
}

void qdev_reset_all(void)
{
    Object *machine = object_resolve_path("/machine", NULL);

    if (machine) {
        object_child_foreach_recursive(machine, qdev_reset_one_root, NULL);
    }
}

/* ---- -device / device_add ---- */

static DeviceClass *qdev_get_device_class(const char *driver, Error **errp)
{
    ObjectClass *oc = object_class_by_name(driver);
    DeviceClass *dc;

    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE) ||
        object_class_is_abstract(oc)) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        return NULL;
    }
    dc = DEVICE_CLASS(oc);
    if (!dc->user_creatable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device type");
        return NULL;
    }
    if (qdev_creation_done && !dc->hotpluggable) {
        error_setg(errp, "Device '%s' does not support hotplugging", driver);
        return NULL;
    }
    return dc;
}

typedef struct QdevBusSearch {
    const char *type;
    bool root_only;             /* buses of devices that sit on no bus */
    BusState *found;
} QdevBusSearch;

static int qdev_find_bus_of_type(Object *obj, void *opaque)
{
    QdevBusSearch *s = opaque;
    BusState *bus;

    if (!object_dynamic_cast(obj, s->type)) {
        return 0;
    }
    bus = BUS(obj);
    if (s->root_only && bus->parent && bus->parent->parent_bus) {
        return 0;
    }
    s->found = bus;
    return 1;
}

static BusState *qdev_choose_bus(DeviceClass *dc, const char *driver,
                                 const char *bus_path, Error **errp)
{
    QdevBusSearch s = { .type = dc->bus_type };
    BusState *bus;
    Object *machine;

    if (bus_path) {
        bus = qbus_find(bus_path, errp);
        if (bus && dc->bus_type && !object_dynamic_cast(OBJECT(bus),
                                                        dc->bus_type)) {
            error_setg(errp, "Device '%s' can't go on %s bus", driver,
                       object_get_typename(OBJECT(bus)));
            return NULL;
        }
        return bus;
    }
    if (!dc->bus_type) {
        return NULL;
    }
    /* As QEMU's search from the root of the bus tree: pcie.0 before the
     * bus of a bridge or root port plugged into it. */
    machine = object_resolve_path("/machine", NULL);
    if (machine) {
        s.root_only = true;
        object_child_foreach_recursive(machine, qdev_find_bus_of_type, &s);
    }
    if (machine && !s.found) {
        s.root_only = false;
        object_child_foreach_recursive(machine, qdev_find_bus_of_type, &s);
    }
    if (!s.found) {
        error_setg(errp, "No '%s' bus found for device '%s'", dc->bus_type,
                   driver);
    }
    return s.found;
}

static bool qdev_add_to_tree(DeviceState *dev, const char *id, Error **errp)
{
    static unsigned int anon_count;
    Object *machine = container_get(object_get_root(), "/machine");
    g_autofree char *name = NULL;

    if (id) {
        if (!id_wellformed(id)) {
            error_setg(errp, "Parameter 'id' expects an identifier");
            return false;
        }
        if (object_resolve_path_component(
                container_get(machine, "peripheral"), id)) {
            error_setg(errp, "Duplicate ID '%s' for device", id);
            return false;
        }
        dev->id = g_strdup(id);
        object_property_add_child(container_get(machine, "peripheral"), id,
                                  OBJECT(dev));
        return true;
    }
    name = g_strdup_printf("device[%u]", anon_count++);
    object_property_add_child(container_get(machine, "peripheral-anon"),
                              name, OBJECT(dev));
    return true;
}

static bool qdev_set_device_props(DeviceState *dev, json_t *opts,
                                  bool from_cli, Error **errp)
{
    g_autoptr(json_t) props = json_deep_copy(opts);

    json_object_del(props, "driver");
    json_object_del(props, "id");
    json_object_del(props, "bus");
    return object_set_props_json(OBJECT(dev), props, from_cli, errp);
}

static const char *qdev_opt_str(json_t *opts, const char *name,
                                Error **errp)
{
    json_t *v = json_object_get(opts, name);

    if (v && !json_is_string(v)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   name);
        return NULL;
    }
    return v ? json_string_value(v) : NULL;
}

DeviceState *qdev_device_add(json_t *opts, bool from_cli, Error **errp)
{
    Error *local_err = NULL;
    const char *driver = qdev_opt_str(opts, "driver", &local_err);
    const char *id = qdev_opt_str(opts, "id", &local_err);
    const char *bus_path = qdev_opt_str(opts, "bus", &local_err);
    DeviceClass *dc;
    DeviceState *dev;
    BusState *bus;

    if (local_err) {
        error_propagate(errp, local_err);
        return NULL;
    }
    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        return NULL;
    }
    dc = qdev_get_device_class(driver, errp);
    if (!dc) {
        return NULL;
    }
    bus = qdev_choose_bus(dc, driver, bus_path, errp);
    if (!bus && (bus_path || dc->bus_type)) {
        return NULL;
    }
    dev = DEVICE(object_new(driver));
    if (!qdev_add_to_tree(dev, id, errp)) {
        goto out_unref;
    }
    if (!qdev_set_device_props(dev, opts, from_cli, errp) ||
        !qdev_realize(dev, bus, errp)) {
        object_unparent(OBJECT(dev));
        goto out_unref;
    }
    object_unref(OBJECT(dev));
    return dev;

out_unref:
    object_unref(OBJECT(dev));
    return NULL;
}

bool qdev_unplug(DeviceState *dev, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    Object *handler = qdev_get_hotplug_handler(dev);

    /* A bus without a hotplug controller cannot lose devices at run time
     * either (pcie.0 on q35: use a pcie-root-port), as in the reference. */
    if (dev->parent_bus && !dev->parent_bus->hotplug_handler) {
        error_setg(errp, "Bus '%s' does not support hotplugging",
                   dev->parent_bus->name);
        return false;
    }
    if (!dc->hotpluggable || !handler) {
        error_setg(errp, "Device '%s' does not support hotplugging",
                   object_get_typename(OBJECT(dev)));
        return false;
    }
    return hotplug_handler_unplug_request(handler, dev, errp);
}

void qdev_set_unplug_pending(DeviceState *dev, int64_t expires_ms)
{
    dev->unplug_requested = true;
    dev->unplug_expires_ms = expires_ms;
}

bool qdev_is_unplug_pending(DeviceState *dev)
{
    return dev->unplug_requested &&
           qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) < dev->unplug_expires_ms;
}

bool qdev_unplug_requested(DeviceState *dev)
{
    return dev->unplug_requested;
}

/* DEVICE_DELETED data of a device about to go: {"device"?, "path"}. */
static json_t *qdev_deleted_event_data(DeviceState *dev)
{
    g_autofree char *path = object_get_canonical_path(OBJECT(dev));

    if (dev->id) {
        return json_pack("{s:s,s:s}", "device", dev->id, "path", path);
    }
    return json_pack("{s:s}", "path", path);
}

/* Realized devices among obj's QOM descendants, deepest first. */
static int qdev_collect_deleted_children(Object *obj, void *opaque)
{
    DeviceState *dev = (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);

    object_child_foreach(obj, qdev_collect_deleted_children, opaque);
    if (dev && dev->realized) {
        g_ptr_array_add(opaque, qdev_deleted_event_data(dev));
    }
    return 0;
}

/* Devices behind dev's buses go first, each with its own handler. */
static void qdev_unplug_complete_children(DeviceState *dev)
{
    guint i;

    for (i = 0; dev->child_buses && i < dev->child_buses->len; i++) {
        BusState *bus = g_ptr_array_index(dev->child_buses, i);

        while (bus->children->len) {
            qdev_unplug_complete(g_ptr_array_index(bus->children,
                                                   bus->children->len - 1));
        }
    }
}

void qdev_unplug_complete(DeviceState *dev)
{
    Object *handler = qdev_get_hotplug_handler(dev);
    g_autoptr(GPtrArray) events = g_ptr_array_new();
    guint i;

    qdev_unplug_complete_children(dev);
    object_child_foreach(OBJECT(dev), qdev_collect_deleted_children, events);
    g_ptr_array_add(events, qdev_deleted_event_data(dev));
    if (handler) {
        hotplug_handler_unplug(handler, dev);
    }
    qdev_unrealize(dev);
    object_unparent(OBJECT(dev));
    for (i = 0; i < events->len; i++) {
        qapi_event_send("DEVICE_DELETED", g_ptr_array_index(events, i));
    }
}

DeviceState *qdev_find_device(const char *id_or_path)
{
    Object *obj;

    if (id_or_path[0] != '/') {
        obj = object_resolve_path_component(
            container_get(object_get_root(), "/machine/peripheral"),
            id_or_path);
        if (obj) {
            return (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);
        }
    }
    obj = object_resolve_path(id_or_path, NULL);
    return obj ? (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE) : NULL;
}

/* ---- buses ---- */

BusState *qbus_new(const char *typename, DeviceState *parent,
                   const char *name)
{
    BusState *bus = BUS(object_new(typename));
    Object *owner = parent ? OBJECT(parent)
                           : container_get(object_get_root(),
                                           "/machine/unattached");

    bus->name = g_strdup(name);
    bus->parent = parent;
    object_property_add_child(owner, name, OBJECT(bus));
    object_unref(OBJECT(bus));
    if (parent) {
        if (!parent->child_buses) {
            parent->child_buses = g_ptr_array_new();
        }
        g_ptr_array_add(parent->child_buses, bus);
    }
    return bus;
}

BusState *qdev_get_child_bus(DeviceState *dev, const char *name)
{
    guint i;

    for (i = 0; dev->child_buses && i < dev->child_buses->len; i++) {
        BusState *bus = g_ptr_array_index(dev->child_buses, i);

        if (!strcmp(bus->name, name)) {
            return bus;
        }
    }
    return NULL;
}

typedef struct QdevBusByName {
    const char *name;
    BusState *found;
} QdevBusByName;

static int qdev_find_bus_by_name(Object *obj, void *opaque)
{
    QdevBusByName *s = opaque;
    BusState *bus = (BusState *)object_dynamic_cast(obj, TYPE_BUS);

    if (bus && !strcmp(bus->name, s->name)) {
        s->found = bus;
        return 1;
    }
    return 0;
}

BusState *qbus_find(const char *path, Error **errp)
{
    QdevBusByName s = { .name = path };
    Object *obj;

    if (path[0] == '/') {
        obj = object_resolve_path_type(path, TYPE_BUS, NULL);
        if (obj) {
            return BUS(obj);
        }
    } else {
        object_child_foreach_recursive(object_get_root(),
                                       qdev_find_bus_by_name, &s);
        if (s.found) {
            return s.found;
        }
    }
    error_setg(errp, "Bus '%s' not found", path);
    return NULL;
}

/* ---- GPIO ---- */

static NamedGPIOList *qdev_get_named_gpio_list(DeviceState *dev,
                                               const char *name)
{
    NamedGPIOList *ngl;
    guint i;

    if (!dev->gpios) {
        dev->gpios = g_ptr_array_new();
    }
    for (i = 0; i < dev->gpios->len; i++) {
        ngl = g_ptr_array_index(dev->gpios, i);
        if (g_strcmp0(ngl->name, name) == 0) {
            return ngl;
        }
    }
    ngl = g_new0(NamedGPIOList, 1);
    ngl->name = g_strdup(name);
    g_ptr_array_add(dev->gpios, ngl);
    return ngl;
}

void qdev_init_gpio_in_named(DeviceState *dev, qemu_irq_handler handler,
                             const char *name, int n)
{
    NamedGPIOList *ngl = qdev_get_named_gpio_list(dev, name);
    int i;

    ngl->in = g_renew(qemu_irq, ngl->in, ngl->nb_in + n);
    for (i = 0; i < n; i++) {
        ngl->in[ngl->nb_in + i] = qemu_allocate_irq(handler, dev,
                                                    ngl->nb_in + i);
    }
    ngl->nb_in += n;
}

void qdev_init_gpio_out_named(DeviceState *dev, qemu_irq *pins,
                              const char *name, int n)
{
    NamedGPIOList *ngl = qdev_get_named_gpio_list(dev, name);

    assert(!ngl->out);
    ngl->out = pins;
    ngl->nb_out = n;
}

qemu_irq qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n)
{
    NamedGPIOList *ngl = qdev_get_named_gpio_list(dev, name);

    assert(n >= 0 && n < ngl->nb_in);
    return ngl->in[n];
}

void qdev_connect_gpio_out_named(DeviceState *dev, const char *name, int n,
                                 qemu_irq irq)
{
    NamedGPIOList *ngl = qdev_get_named_gpio_list(dev, name);

    assert(n >= 0 && n < ngl->nb_out);
    ngl->out[n] = irq;
}

GPtrArray *qdev_get_gpio_lists(DeviceState *dev)
{
    if (!dev->gpios) {
        dev->gpios = g_ptr_array_new();
    }
    return dev->gpios;
}
