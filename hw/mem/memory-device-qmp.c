/*
 * The monitor's view of memory devices: query-memory-devices, HMP info
 * memory-devices, and MEMORY_DEVICE_SIZE_CHANGE with its rate limit of one
 * event per second and device (the last size is always delivered).
 */
#include "qemu/osdep.h"
#include "hw/mem/memory-device.h"
#include "hw/core/qdev.h"
#include "hw/boards.h"
#include "monitor/monitor.h"
#include "monitor/qmp-schema.h"
#include "sysemu/memslots.h"

#define MEMORY_DEVICE_EVENT_INTERVAL_MS 1000

typedef struct MemoryDeviceEventState {
    char *qom_path;
    gint64 last_sent_us;    /* monotonic time of the last event sent */
    guint timer_id;         /* 0: nothing pending */
    char *pending_id;       /* id of the pending event (may be NULL) */
    uint64_t pending_size;
} MemoryDeviceEventState;

static GHashTable *memory_device_events;   /* qom path -> state */

static void memory_device_event_send(const char *id, const char *qom_path,
                                     uint64_t size)
{
    json_t *data = json_pack("{s:I,s:s}", "size", (json_int_t)size,
                             "qom-path", qom_path);

    if (id) {
        json_object_set_new(data, "id", json_string(id));
    }
    qapi_event_send("MEMORY_DEVICE_SIZE_CHANGE", data);
}

static gboolean memory_device_event_flush(gpointer opaque)
{
    MemoryDeviceEventState *st = opaque;

    st->timer_id = 0;
    st->last_sent_us = g_get_monotonic_time();
    memory_device_event_send(st->pending_id, st->qom_path, st->pending_size);
    g_clear_pointer(&st->pending_id, g_free);
    return G_SOURCE_REMOVE;
}

static void memory_device_event_state_free(gpointer opaque)
{
    MemoryDeviceEventState *st = opaque;

    if (st->timer_id) {
        g_source_remove(st->timer_id);
    }
    g_free(st->qom_path);
    g_free(st->pending_id);
    g_free(st);
}

static MemoryDeviceEventState *memory_device_event_state(const char *path)
{
    MemoryDeviceEventState *st;

    if (!memory_device_events) {
        memory_device_events = g_hash_table_new_full(
            g_str_hash, g_str_equal, NULL, memory_device_event_state_free);
    }
    st = g_hash_table_lookup(memory_device_events, path);
    if (!st) {
        st = g_new0(MemoryDeviceEventState, 1);
        st->qom_path = g_strdup(path);
        st->last_sent_us = G_MININT64 / 2;
        g_hash_table_insert(memory_device_events, st->qom_path, st);
    }
    return st;
}

void memory_device_size_change_event(Object *dev, uint64_t size)
{
    g_autofree char *path = object_get_canonical_path(dev);
    DeviceState *ds = (DeviceState *)object_dynamic_cast(dev, TYPE_DEVICE);
    const char *id = ds ? ds->id : NULL;
    MemoryDeviceEventState *st;
    gint64 now = g_get_monotonic_time();
    gint64 next_us;

    if (!path) {
        return;
    }
    st = memory_device_event_state(path);
    next_us = st->last_sent_us + MEMORY_DEVICE_EVENT_INTERVAL_MS * 1000;
    if (!st->timer_id && now >= next_us) {
        st->last_sent_us = now;
        memory_device_event_send(id, path, size);
        return;
    }
    g_free(st->pending_id);
    st->pending_id = g_strdup(id);
    st->pending_size = size;
    if (!st->timer_id) {
        st->timer_id = g_timeout_add((next_us - now + 999) / 1000,
                                     memory_device_event_flush, st);
    }
}

/* ---- listing ---- */

typedef struct MemoryDeviceList {
    GPtrArray *devices;     /* DeviceState * implementing the interface */
} MemoryDeviceList;

static int memory_device_collect(Object *obj, void *opaque)
{
    MemoryDeviceList *list = opaque;
    DeviceState *dev = (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);

    if (dev && dev->realized && object_dynamic_cast(obj, TYPE_MEMORY_DEVICE)) {
        g_ptr_array_add(list->devices, dev);
    }
    return 0;
}

static gint memory_device_compare_addr(gconstpointer a, gconstpointer b)
{
    MemoryDeviceState *ma = *(MemoryDeviceState *const *)a;
    MemoryDeviceState *mb = *(MemoryDeviceState *const *)b;
    uint64_t addr_a = MEMORY_DEVICE_GET_CLASS(ma)->get_addr(ma);
    uint64_t addr_b = MEMORY_DEVICE_GET_CLASS(mb)->get_addr(mb);

    return addr_a < addr_b ? -1 : addr_a > addr_b;
}

/* Realized memory devices sorted by address; free with g_ptr_array_unref. */
GPtrArray *memory_devices_list(void)
{
    MemoryDeviceList list = { .devices = g_ptr_array_new() };
    Object *machine = object_resolve_path("/machine", NULL);

    if (machine) {
        object_child_foreach_recursive(machine, memory_device_collect, &list);
    }
    g_ptr_array_sort(list.devices, memory_device_compare_addr);
    return list.devices;
}

uint64_t memory_devices_plugged_size(void)
{
    g_autoptr(GPtrArray) devices = memory_devices_list();
    uint64_t total = 0;
    guint i;

    for (i = 0; i < devices->len; i++) {
        MemoryDeviceState *md = g_ptr_array_index(devices, i);

        total += MEMORY_DEVICE_GET_CLASS(md)->get_plugged_size(md);
    }
    return total;
}

json_t *qmp_query_memory_devices(json_t *args, Error **errp)
{
    g_autoptr(GPtrArray) devices = memory_devices_list();
    json_t *result = json_array();
    guint i;

    for (i = 0; i < devices->len; i++) {
        MemoryDeviceState *md = g_ptr_array_index(devices, i);

        json_array_append_new(result,
                              MEMORY_DEVICE_GET_CLASS(md)->get_device_info(md));
    }
    return result;
}

static void memory_device_print_field(GString *out, const char *key,
                                      json_t *value)
{
    if (json_is_string(value)) {
        g_string_append_printf(out, "  %s: %s\n", key,
                               json_string_value(value));
    } else if (!strcmp(key, "memaddr") || !strcmp(key, "addr")) {
        g_string_append_printf(out, "  %s: 0x%" PRIx64 "\n", key,
                               (uint64_t)json_integer_value(value));
    } else if (json_is_boolean(value)) {
        g_string_append_printf(out, "  %s: %s\n", key,
                               json_is_true(value) ? "true" : "false");
    } else {
        g_string_append_printf(out, "  %s: %" PRIu64 "\n", key,
                               (uint64_t)json_integer_value(value));
    }
}

/* The reference prints the fields in this order, then "memdev". */
static const char *const memory_device_hmp_fields[] = {
    "memaddr", "addr", "slot", "node", "requested-size", "size", "max-size",
    "block-size", "hotplugged", "hotpluggable", "memdev", NULL,
};

bool hmp_info_memory_devices(GString *out, int argc, char **argv,
                             Error **errp)
{
    g_autoptr(json_t) list = qmp_query_memory_devices(NULL, errp);
    size_t i;
    json_t *info;

    json_array_foreach(list, i, info) {
        json_t *data = json_object_get(info, "data");
        json_t *id = json_object_get(data, "id");

        g_string_append_printf(out, "Memory device [%s]: \"%s\"\n",
                               json_string_value(json_object_get(info,
                                                                 "type")),
                               id ? json_string_value(id) : "");
        for (int f = 0; memory_device_hmp_fields[f]; f++) {
            json_t *value = json_object_get(data,
                                            memory_device_hmp_fields[f]);

            if (value) {
                memory_device_print_field(out, memory_device_hmp_fields[f],
                                          value);
            }
        }
    }
    return true;
}

/* ---- memslots: the accelerator's table and each device's share ---- */

static json_t *memory_devices_memslots_json(void)
{
    g_autoptr(GPtrArray) devices = memory_devices_list();
    json_t *list = json_array();

    for (guint i = 0; i < devices->len; i++) {
        DeviceState *dev = g_ptr_array_index(devices, i);
        MemoryDeviceState *md = (MemoryDeviceState *)dev;
        const MemoryDeviceClass *mdc = MEMORY_DEVICE_GET_CLASS(md);
        unsigned int decided = mdc->get_memslots ? mdc->get_memslots(md) : 1;
        unsigned int used = mdc->get_used_memslots
                            ? mdc->get_used_memslots(md) : decided;
        g_autofree char *path = object_get_canonical_path(OBJECT(dev));

        json_array_append_new(list, json_pack("{s:s,s:i,s:i}", "qom-path",
                                              path, "required", (int)decided,
                                              "used", (int)used));
    }
    return list;
}

static json_t *qmp_x_query_memslots(json_t *args, Error **errp)
{
    GPtrArray *consumers = memslots_consumers();
    json_t *list;

    if (!consumers->len) {
        error_setg(errp, "the accelerator keeps no memslot table");
        return NULL;
    }
    list = json_array();
    for (guint i = 0; i < consumers->len; i++) {
        json_array_append_new(list, memslots_to_json(
                                  g_ptr_array_index(consumers, i)));
    }
    return json_pack("{s:o,s:o}", "consumers", list,
                     "memory-devices", memory_devices_memslots_json());
}

static bool hmp_info_memslots(GString *out, int argc, char **argv,
                              Error **errp)
{
    GPtrArray *consumers = memslots_consumers();
    g_autoptr(json_t) devices = NULL;
    json_t *d;
    size_t i;

    if (!consumers->len) {
        error_setg(errp, "the accelerator keeps no memslot table");
        return false;
    }
    for (guint c = 0; c < consumers->len; c++) {
        memslots_format_info(g_ptr_array_index(consumers, c), out);
    }
    devices = memory_devices_memslots_json();
    json_array_foreach(devices, i, d) {
        g_string_append_printf(out, "memory device %s: %d memslots "
                               "required, %d used\n",
                               json_string_value(json_object_get(d,
                                                                 "qom-path")),
                               (int)json_integer_value(json_object_get(
                                   d, "required")),
                               (int)json_integer_value(json_object_get(
                                   d, "used")));
    }
    return true;
}

static const QmpType memory_devices_qmp_types[] = {
    { .name = "MemoryDeviceInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "type", "str" }, { "data", "any" }, { NULL } } },
};

static const QmpCommandSpec memory_devices_qmp_commands[] = {
    { .name = "x-query-memslots", .fn = qmp_x_query_memslots,
      .ret = "any" },
    { .name = "query-memory-devices", .fn = qmp_query_memory_devices,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "[MemoryDeviceInfo]" },
};

void memory_devices_register_commands(void)
{
    qmp_register_types(memory_devices_qmp_types,
                       ARRAY_SIZE(memory_devices_qmp_types));
    qmp_register_command_spec(&memory_devices_qmp_commands[0]);
    hmp_register_info("memslots", "", "show the accelerator's memslots",
                      hmp_info_memslots);
    qmp_register_command_spec(&memory_devices_qmp_commands[1]);
    hmp_register_info("memory-devices", "", "show memory devices",
                      hmp_info_memory_devices);
    machine_plugged_memory_size = memory_devices_plugged_size;
}
