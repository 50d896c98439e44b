/*
 * The demo (README command 1): a VM with a 1 TiB virtio-mem device on the
 * qtest accelerator; the project's driver plays the guest (a Linux-like
 * policy plugging 128 MiB memory blocks), QMP resizes it 0 → 16 GiB →
 * 4 GiB → 0, and each step shows requested vs plugged size converging and
 * the VMM's RSS and memslots (dynamic-memslots: only the 4 GiB slots that
 * hold plugged blocks are mapped).  1 GiB of the plugged memory is
 * written, to show that unplugging gives it back to the host.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "libqos/virtio-mem.h"

#define DEMO_CHUNK (128 * MiB)
#define DEMO_WRITTEN (1 * GiB)

static uint64_t demo_rss_kib(QTestState *qts)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status",
                                            (int)qtest_pid(qts));
    g_autofree char *status = NULL;
    const char *line;

    if (!g_file_get_contents(path, &status, NULL, NULL)) {
        return 0;
    }
    line = strstr(status, "VmRSS:");
    return line ? g_ascii_strtoull(line + 6, NULL, 10) : 0;
}

/* Memslots of the device and their modeled KVM metadata. */
static void demo_memslots(QTestState *qts)
{
    json_t *r = qtest_qmp(qts, "{'execute': 'x-query-memslots'}");
    json_t *ret = json_object_get(r, "return");
    json_t *dev = json_array_get(json_object_get(ret, "memory-devices"), 0);
    json_t *slots = json_object_get(json_array_get(json_object_get(
        ret, "consumers"), 0), "slots");
    json_t *slot;
    uint64_t meta = 0;
    size_t i;

    json_array_foreach(slots, i, slot) {
        if (!strcmp(json_string_value(json_object_get(slot, "region")),
                    "mem0")) {
            meta += json_integer_value(json_object_get(slot,
                                                       "kvm-metadata"));
        }
    }
    printf("  memslots: %d of %d mapped; modeled KVM metadata %.1f MiB "
           "(a 1 TiB slot: 2630 MiB)\n",
           (int)json_integer_value(json_object_get(dev, "used")),
           (int)json_integer_value(json_object_get(dev, "required")),
           (double)meta / MiB);
    json_decref(r);
}

static void demo_progress(uint64_t requested, uint64_t plugged)
{
    int width = 40;
    int filled = requested ? (int)MIN(width, plugged * width / requested)
                           : (plugged ? width : 0);

    printf("\r  requested %6.2f GiB  plugged %6.2f GiB  [%-*.*s]",
           (double)requested / GiB, (double)plugged / GiB, width, filled,
           "########################################");
    fflush(stdout);
}

static void demo_resize(QTestState *qts, QVirtioMem *m, uint64_t size,
                        unsigned long **map)
{
    QVirtioMemConfig cfg;
    json_t *r;
    gint64 t0 = g_get_monotonic_time();
    unsigned int requests = 0;

    printf("qom-set vmem0 requested-size %" PRIu64 " (%.0f GiB)\n", size,
           (double)size / GiB);
    r = qtest_qmp(qts, "{'execute': 'qom-set', 'arguments': {'path': "
                  "'vmem0', 'property': 'requested-size', 'value': %"
                  PRIu64 "}}", size);
    g_assert_nonnull(json_object_get(r, "return"));
    json_decref(r);
    while (qvirtio_mem_policy_step(m, DEMO_CHUNK, map) >= 0) {
        requests++;
        if (requests % 8 == 0) {
            qvirtio_mem_read_config(m, &cfg);
            demo_progress(cfg.requested_size, cfg.plugged_size);
        }
    }
    qvirtio_mem_read_config(m, &cfg);
    demo_progress(cfg.requested_size, cfg.plugged_size);
    printf("\n  converged: %u requests in %.1f ms; VMM RSS %" PRIu64
           " MiB\n", requests, (g_get_monotonic_time() - t0) / 1000.0,
           demo_rss_kib(qts) / 1024);
    demo_memslots(qts);
}

static void demo_write_plugged(QTestState *qts, QVirtioMem *m)
{
    QVirtioMemConfig cfg;

    qvirtio_mem_read_config(m, &cfg);
    printf("guest writes %" PRIu64 " MiB of plugged memory at 0x%" PRIx64
           "\n", DEMO_WRITTEN / MiB, cfg.addr);
    for (uint64_t off = 0; off < DEMO_WRITTEN; off += 256 * MiB) {
        qtest_memset(qts, cfg.addr + off, 0x5a, 256 * MiB);
    }
    printf("  VMM RSS %" PRIu64 " MiB\n", demo_rss_kib(qts) / 1024);
}

int main(int argc, char **argv)
{
    const char *args = "-m 4G,maxmem=1028G "
        "-object memory-backend-ram,id=mem0,size=1T,reserve=off "
        "-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=0,"
        "dynamic-memslots=on,unplugged-inaccessible=on";
    g_autofree unsigned long *map = NULL;
    g_autofree char *info = NULL;
    QTestState *qts;
    QVirtioMem *m;

    printf("hotmem demo: %s\n  %s\n", qtest_binary(), args);
    qts = qtest_init(args);
    m = qvirtio_mem_init(qts);
    g_assert_nonnull(m);
    printf("VMM started; RSS %" PRIu64 " MiB\n", demo_rss_kib(qts) / 1024);
    demo_resize(qts, m, 16 * GiB, &map);
    demo_write_plugged(qts, m);
    demo_resize(qts, m, 4 * GiB, &map);
    info = qtest_hmp(qts, "info memory-devices");
    /* HMP lines end in CR LF, as QEMU's */
    printf("info memory-devices:\n%s", g_strdelimit(info, "\r", ' '));
    demo_resize(qts, m, 0, &map);
    printf("done: everything unplugged, memory given back to the host\n");
    qvirtio_mem_free(m);
    qtest_quit(qts);
    return 0;
}
