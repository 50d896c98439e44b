/*
 * HMP "info vfio" and QMP "x-query-vfio" (a hotmem extension): per started
 * container, the DMA mapping limit, the mappings in use, the worst case
 * the accepted sections may need, and every mapped range.  Reads the
 * containers through include/hw/vfio/vfio-container.h only.
 */
#include "qemu/osdep.h"
#include "hw/vfio/vfio-container.h"
#include "monitor/monitor.h"
#include "monitor/qmp-schema.h"

static int vfio_info_range_json(const VFIODMAMap *m, void *opaque)
{
    json_array_append_new(opaque,
                          json_pack("{s:I,s:I,s:I,s:b}", "iova",
                                    (json_int_t)m->iova, "size",
                                    (json_int_t)m->size, "fd-offset",
                                    (json_int_t)m->fd_offset, "readonly",
                                    m->readonly));
    return 0;
}

static json_t *vfio_info_container_json(VFIOContainer *c)
{
    json_t *ranges = json_array();

    vfio_container_foreach_mapping(c, vfio_info_range_json, ranges);
    return json_pack("{s:s,s:I,s:I,s:I,s:b,s:b,s:I,s:o}",
                     "device", vfio_container_name(c),
                     "max-mappings", (json_int_t)vfio_container_max_mappings(c),
                     "mappings", (json_int_t)vfio_container_nb_mappings(c),
                     "worst-case",
                     (json_int_t)vfio_container_worst_mappings(c),
                     "coalesce", vfio_container_coalesces(c),
                     "stopped", vfio_container_is_stopped(c),
                     "requests", (json_int_t)vfio_container_nb_requests(c),
                     "ranges", ranges);
}

json_t *vfio_containers_json(void)
{
    GPtrArray *all = vfio_containers();
    json_t *list = json_array();

    for (guint i = 0; i < all->len; i++) {
        json_array_append_new(list,
                              vfio_info_container_json(g_ptr_array_index(all,
                                                                         i)));
    }
    return list;
}

/* No arguments: the schema refuses any. */
static json_t *qmp_x_query_vfio(json_t *args, Error **errp)
{
    return vfio_containers_json();
}

static const QmpCommandSpec vfio_info_commands[] = {
    { .name = "x-query-vfio", .fn = qmp_x_query_vfio, .ret = "[any]" },
};

static int vfio_info_range_print(const VFIODMAMap *m, void *opaque)
{
    g_string_append_printf(opaque, "  0x%016" PRIx64 "-0x%016" PRIx64
                           " fd_offset 0x%" PRIx64 "%s\n", m->iova,
                           m->iova + m->size - 1, m->fd_offset,
                           m->readonly ? " ro" : "");
    return 0;
}

static bool hmp_info_vfio(GString *out, int argc, char **argv, Error **errp)
{
    GPtrArray *all = vfio_containers();

    if (!all->len) {
        g_string_append(out, "no VFIO devices\n");
    }
    for (guint i = 0; i < all->len; i++) {
        VFIOContainer *c = g_ptr_array_index(all, i);

        g_string_append_printf(out, "vfio '%s': %" PRIu64 " DMA mappings, "
                               "limit %" PRIu64 ", worst case %" PRIu64
                               ", %s%s\n", vfio_container_name(c),
                               vfio_container_nb_mappings(c),
                               vfio_container_max_mappings(c),
                               vfio_container_worst_mappings(c),
                               vfio_container_coalesces(c)
                               ? "one mapping per plugged run"
                               : "one mapping per block",
                               vfio_container_is_stopped(c)
                               ? ", stopped" : "");
        vfio_container_foreach_mapping(c, vfio_info_range_print, out);
    }
    return true;
}

void vfio_register_commands(void)
{
    qmp_register_commands(vfio_info_commands, ARRAY_SIZE(vfio_info_commands));
    hmp_register_info("vfio", "", "show VFIO containers and their DMA mappings",
                      hmp_info_vfio);
}
