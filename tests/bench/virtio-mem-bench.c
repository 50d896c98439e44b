/*
 * virtio-mem resize throughput through the real protocol: plug and unplug
 * 64 GiB of a 1 TiB device in 128 MiB requests, the project's driver as
 * the guest over qtest, for hotmem and (when installed) QEMU 7.2.  The
 * qtest round trips are the same for both, so the ratio compares the
 * VMMs.  Prints "name value unit"; never fails on time.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "libqos/virtio-mem.h"

#define BENCH_REFERENCE "/usr/bin/qemu-system-x86_64"
#define BENCH_CHUNK (128 * MiB)
#define BENCH_TOTAL (64 * GiB)

static double bench_resize_rate(QVirtioMem *m, uint16_t type)
{
    QVirtioMemConfig cfg;
    uint16_t nb;
    gint64 t0;
    uint64_t n = BENCH_TOTAL / BENCH_CHUNK;

    qvirtio_mem_read_config(m, &cfg);
    nb = BENCH_CHUNK / cfg.block_size;
    t0 = g_get_monotonic_time();
    for (uint64_t i = 0; i < n; i++) {
        uint16_t r = qvirtio_mem_request(m, type, cfg.addr + i * BENCH_CHUNK,
                                         nb, NULL);

        g_assert_cmpuint(r, ==, QVIRTIO_MEM_RESP_ACK);
    }
    return n / ((g_get_monotonic_time() - t0) / 1e6);
}

#define BENCH_BATCH 32

/* CPU seconds (user + system) the VMM process has used so far. */
static double bench_vmm_cpu_s(QTestState *qts)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat",
                                            (int)qtest_pid(qts));
    g_autofree char *text = NULL;
    unsigned long utime = 0, stime = 0;
    const char *p;

    if (!g_file_get_contents(path, &text, NULL, NULL) ||
        !(p = strrchr(text, ')'))) {
        return 0;
    }
    /* fields after the command: state is 3rd, utime 14th, stime 15th */
    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
           &utime, &stime);
    return (double)(utime + stime) / sysconf(_SC_CLK_TCK);
}

/* The same resize with 32 requests per notification: less qtest overhead
 * per request, so more of the VMM's own cost shows. */
static double bench_resize_rate_batched(QVirtioMem *m, uint16_t type)
{
    QVirtioMemConfig cfg;
    uint64_t addrs[BENCH_BATCH];
    uint16_t resps[BENCH_BATCH];
    uint64_t n = BENCH_TOTAL / BENCH_CHUNK;
    gint64 t0;

    qvirtio_mem_read_config(m, &cfg);
    t0 = g_get_monotonic_time();
    for (uint64_t i = 0; i < n; i += BENCH_BATCH) {
        for (int j = 0; j < BENCH_BATCH; j++) {
            addrs[j] = cfg.addr + (i + j) * BENCH_CHUNK;
        }
        g_assert_cmpint(qvirtio_mem_request_batch(
                            m, type, addrs, BENCH_CHUNK / cfg.block_size,
                            BENCH_BATCH, resps), ==, BENCH_BATCH);
        for (int j = 0; j < BENCH_BATCH; j++) {
            g_assert_cmpuint(resps[j], ==, QVIRTIO_MEM_RESP_ACK);
        }
    }
    return n / ((g_get_monotonic_time() - t0) / 1e6);
}

static bool bench_vmm(const char *name, double *plug, double *unplug,
                      double *cpu_us)
{
    /* phys-bits=42: QEMU's default of 40 cannot address 1 TiB more */
    const char *args = "-cpu qemu64,phys-bits=42 -m 1G,maxmem=1025G "
        "-object memory-backend-ram,id=mem0,size=1T,reserve=off "
        "-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=64G";
    QTestState *qts = qtest_init(args);
    QVirtioMem *m = qvirtio_mem_init(qts);
    double cpu0;

    g_assert_nonnull(m);
    cpu0 = bench_vmm_cpu_s(qts);
    *plug = bench_resize_rate(m, QVIRTIO_MEM_REQ_PLUG);
    *unplug = bench_resize_rate(m, QVIRTIO_MEM_REQ_UNPLUG);
    printf("%s-plug-128m %.0f requests/s\n", name, *plug);
    printf("%s-unplug-128m %.0f requests/s\n", name, *unplug);
    printf("%s-plug-128m-batch32 %.0f requests/s\n", name,
           bench_resize_rate_batched(m, QVIRTIO_MEM_REQ_PLUG));
    printf("%s-unplug-128m-batch32 %.0f requests/s\n", name,
           bench_resize_rate_batched(m, QVIRTIO_MEM_REQ_UNPLUG));
    /* 4 passes of BENCH_TOTAL / BENCH_CHUNK requests each */
    *cpu_us = (bench_vmm_cpu_s(qts) - cpu0) * 1e6 /
              (4.0 * (BENCH_TOTAL / BENCH_CHUNK));
    printf("%s-vmm-cpu-per-request %.1f us\n", name, *cpu_us);
    qvirtio_mem_free(m);
    qtest_quit(qts);
    return true;
}

/* ---- dynamic-memslots: metadata and resize time, on vs off ---- */

static uint64_t bench_device_metadata(QTestState *qts)
{
    json_t *r = qtest_qmp(qts, "{'execute': 'x-query-memslots'}");
    json_t *c = json_array_get(json_object_get(json_object_get(r, "return"),
                                               "consumers"), 0);
    json_t *slot;
    size_t i;
    uint64_t total = 0;

    json_array_foreach(json_object_get(c, "slots"), i, slot) {
        if (!strcmp(json_string_value(json_object_get(slot, "region")),
                    "mem0")) {
            total += json_integer_value(json_object_get(slot,
                                                        "kvm-metadata"));
        }
    }
    json_decref(r);
    return total;
}

/* 0 -> 1 TiB -> 0 in 1 GiB requests, 32 per notification. */
static double bench_grow_shrink_ms(QVirtioMem *m)
{
    QVirtioMemConfig cfg;
    uint64_t addrs[BENCH_BATCH];
    uint16_t resps[BENCH_BATCH];
    gint64 t0;

    qvirtio_mem_read_config(m, &cfg);
    t0 = g_get_monotonic_time();
    for (int pass = 0; pass < 2; pass++) {
        uint16_t type = pass ? QVIRTIO_MEM_REQ_UNPLUG : QVIRTIO_MEM_REQ_PLUG;

        for (uint64_t i = 0; i < TiB / GiB; i += BENCH_BATCH) {
            for (int j = 0; j < BENCH_BATCH; j++) {
                addrs[j] = cfg.addr + (i + j) * GiB;
            }
            g_assert_cmpint(qvirtio_mem_request_batch(
                                m, type, addrs, GiB / cfg.block_size,
                                BENCH_BATCH, resps), ==, BENCH_BATCH);
            g_assert_cmpuint(resps[0], ==, QVIRTIO_MEM_RESP_ACK);
        }
    }
    return (g_get_monotonic_time() - t0) / 1000.0;
}

static void bench_dynamic(bool dynamic, uint64_t *metadata, double *ms)
{
    g_autofree char *args = g_strdup_printf(
        "-m 1G,maxmem=1025G -object memory-backend-ram,id=mem0,size=1T,"
        "reserve=off -device virtio-mem-pci,id=vmem0,memdev=mem0,"
        "requested-size=1T%s",
        dynamic ? ",dynamic-memslots=on,unplugged-inaccessible=on" : "");
    QTestState *qts = qtest_init(args);
    QVirtioMem *m = qvirtio_mem_init(qts);
    QVirtioMemConfig cfg;

    qvirtio_mem_read_config(m, &cfg);
    g_assert_cmpuint(qvirtio_mem_request(m, QVIRTIO_MEM_REQ_PLUG, cfg.addr,
                                         GiB / cfg.block_size, NULL), ==,
                     QVIRTIO_MEM_RESP_ACK);
    *metadata = bench_device_metadata(qts);
    g_assert_cmpuint(qvirtio_mem_request(m, QVIRTIO_MEM_REQ_UNPLUG_ALL, 0, 0,
                                         NULL), ==, QVIRTIO_MEM_RESP_ACK);
    *ms = bench_grow_shrink_ms(m);
    qvirtio_mem_free(m);
    qtest_quit(qts);
}

static void bench_dynamic_memslots(void)
{
    uint64_t meta_off, meta_on;
    double ms_off, ms_on;

    bench_dynamic(false, &meta_off, &ms_off);
    bench_dynamic(true, &meta_on, &ms_on);
    printf("kvm-metadata-1t-device-1g-plugged-dynamic-off %" PRIu64 " B\n",
           meta_off);
    printf("kvm-metadata-1t-device-1g-plugged-dynamic-on %" PRIu64 " B\n",
           meta_on);
    printf("kvm-metadata-ratio-on-over-off 1/%.0f (goal: <= 1/200)\n",
           (double)meta_off / meta_on);
    printf("grow-shrink-1t-dynamic-off %.1f ms\n", ms_off);
    printf("grow-shrink-1t-dynamic-on %.1f ms\n", ms_on);
    printf("grow-shrink-ratio-on-over-off %.2f x (goal: <= 1.5)\n",
           ms_on / ms_off);
}

int main(int argc, char **argv)
{
    double hp, hu, qp, qu, hc, qc;

    g_test_init(&argc, &argv, NULL);
    printf("# 64 GiB of a 1 TiB device in 128 MiB requests, driver over "
           "qtest\n");
    bench_vmm("hotmem", &hp, &hu, &hc);
    bench_dynamic_memslots();
    if (access(BENCH_REFERENCE, X_OK) != 0) {
        printf("# reference QEMU not installed: no ratios\n");
        return 0;
    }
    g_setenv("QTEST_QEMU_BINARY", BENCH_REFERENCE, true);
    g_setenv("QTEST_REFERENCE", "1", true);
    bench_vmm("qemu-7.2", &qp, &qu, &qc);
    printf("virtio-mem-plug-ratio-hotmem-over-qemu %.2f x\n", hp / qp);
    printf("virtio-mem-unplug-ratio-hotmem-over-qemu %.2f x\n", hu / qu);
    printf("virtio-mem-resize-ratio-hotmem-over-qemu %.2f x (goal >= 1.2)\n",
           (hp + hu) / (qp + qu));
    /* The driver's qtest round trips bound both rates; what each VMM
     * spends per request is the comparison of the VMMs themselves. */
    printf("virtio-mem-vmm-cpu-ratio-qemu-over-hotmem %.2f x\n", qc / hc);
    return 0;
}
