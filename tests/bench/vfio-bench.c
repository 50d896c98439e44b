/*
 * DMA mapping cost of plugging virtio-mem memory behind a vfio-user
 * device: 4 GiB plugged in 2 MiB blocks through vfio-user-pci and a real
 * server (libvfio-user's gpio-pci-idio-16, $QTEST_VFU_SERVER), coalesced
 * (one DMA_MAP per plugged run, the default) against per-block
 * (x-coalesce=off, what QEMU sends), as one 4 GiB request and as 32
 * requests of 128 MiB.  Messages come from x-query-vfio.  Prints "name
 * value unit"; never fails on time.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "libqos/virtio-mem.h"
#include "libqos/backend-proc.h"

#define BENCH_TOTAL (4 * GiB)

typedef struct BenchResult {
    uint64_t messages;
    double seconds;
} BenchResult;

static uint64_t bench_requests(QTestState *qts)
{
    json_t *r = qtest_qmp_assert_success_ref(qts,
                                             "{'execute': 'x-query-vfio'}");
    uint64_t n = json_integer_value(json_object_get(json_array_get(r, 0),
                                                    "requests"));

    json_decref(r);
    return n;
}

/* Plug BENCH_TOTAL in requests of chunk bytes; DMA messages and time. */
static BenchResult bench_plug(const char *server, bool coalesce,
                              uint64_t chunk)
{
    QBackend *srv = qbackend_vfu_start(server, false);
    g_autofree char *args = g_strdup_printf(
        "-m 512M,maxmem=20G -object memory-backend-memfd,id=ram0,size=512M,"
        "share=on -machine memory-backend=ram0 "
        "-object memory-backend-memfd,id=mem0,size=8G,share=on "
        "-device virtio-mem-pci,id=vmem0,memdev=mem0,requested-size=4G "
        "-device '{\"driver\":\"vfio-user-pci\",\"id\":\"vfu0\","
        "\"x-coalesce\":%s,\"socket\":{\"type\":\"unix\",\"path\":\"%s\"}}'",
        coalesce ? "true" : "false", qbackend_socket_path(srv));
    QTestState *qts = qtest_init(args);
    QVirtioMem *m = qvirtio_mem_init(qts);
    QVirtioMemConfig cfg;
    BenchResult res;
    uint64_t before;
    gint64 t0;

    qvirtio_mem_read_config(m, &cfg);
    before = bench_requests(qts);
    t0 = g_get_monotonic_time();
    for (uint64_t off = 0; off < BENCH_TOTAL; off += chunk) {
        g_assert_cmpuint(qvirtio_mem_request(m, QVIRTIO_MEM_REQ_PLUG,
                                             cfg.addr + off,
                                             chunk / cfg.block_size, NULL),
                         ==, QVIRTIO_MEM_RESP_ACK);
    }
    res.seconds = (g_get_monotonic_time() - t0) / 1e6;
    res.messages = bench_requests(qts) - before;
    qvirtio_mem_free(m);
    qtest_quit(qts);
    qbackend_stop(srv);
    return res;
}

static void bench_compare(const char *server, const char *name,
                          uint64_t chunk)
{
    BenchResult co = bench_plug(server, true, chunk);
    BenchResult pb = bench_plug(server, false, chunk);

    printf("vfio_user_plug_4g_%s_runs %" PRIu64 " runs\n", name,
           BENCH_TOTAL / chunk);
    printf("vfio_user_plug_4g_%s_coalesced_messages %" PRIu64 " messages\n",
           name, co.messages);
    printf("vfio_user_plug_4g_%s_per_block_messages %" PRIu64 " messages\n",
           name, pb.messages);
    printf("vfio_user_plug_4g_%s_coalesced_time %.4f s\n", name, co.seconds);
    printf("vfio_user_plug_4g_%s_per_block_time %.4f s\n", name, pb.seconds);
    printf("vfio_user_plug_4g_%s_time_ratio %.3f coalesced/per-block\n",
           name, co.seconds / pb.seconds);
}

int main(int argc, char **argv)
{
    const char *server = getenv("QTEST_VFU_SERVER");

    if (!server) {
        printf("# skipped: no vfio-user server ($QTEST_VFU_SERVER)\n");
        return 0;
    }
    bench_compare(server, "one_request", BENCH_TOTAL);
    bench_compare(server, "128m_requests", 128 * MiB);
    return 0;
}
