/*
 * In-process cost of one virtio-mem PLUG and UNPLUG of 128 MiB (64 blocks
 * of 2 MiB) on a 1 TiB device: decision, bitmap, listener notification and
 * discard, without the virtqueue or any transport.  Prints "name value
 * unit"; never fails on time.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/virtio/virtio-mem-internal.h"
#include "hw/virtio/virtio-mem-wire.h"
#include "sysemu/hostmem.h"

#define BENCH_ROUNDS 2048
#define BENCH_NB 64

int main(void)
{
    g_autoptr(json_t) props = json_pack("{s:s,s:s}", "size", "1T",
                                        "reserve", "off");
    Object *backend = user_creatable_add(TYPE_MEMORY_BACKEND_RAM, "mem0",
                                         props, true, &error_abort);
    Object *obj = object_new(TYPE_VIRTIO_MEM);
    VirtIOMEM *vmem = VIRTIO_MEM(obj);
    gint64 plug_us = 0, unplug_us = 0;

    object_property_set_link(obj, VIRTIO_MEM_MEMDEV_PROP, backend,
                             &error_abort);
    object_property_set_uint(obj, VIRTIO_MEM_REQUESTED_SIZE_PROP, TiB,
                             &error_abort);
    qdev_realize(DEVICE(obj), NULL, &error_abort);
    for (int i = 0; i < BENCH_ROUNDS; i++) {
        uint64_t first = (uint64_t)i * BENCH_NB;
        gint64 t0 = g_get_monotonic_time();

        g_assert_cmpuint(virtio_mem_plug_range(vmem, first, BENCH_NB), ==,
                         VIRTIO_MEM_RESP_ACK);
        plug_us += g_get_monotonic_time() - t0;
    }
    for (int i = 0; i < BENCH_ROUNDS; i++) {
        uint64_t first = (uint64_t)i * BENCH_NB;
        gint64 t0 = g_get_monotonic_time();

        g_assert_cmpuint(virtio_mem_unplug_range(vmem, first, BENCH_NB), ==,
                         VIRTIO_MEM_RESP_ACK);
        unplug_us += g_get_monotonic_time() - t0;
    }
    printf("virtio-mem-inproc-plug-128m %.2f us\n",
           (double)plug_us / BENCH_ROUNDS);
    printf("virtio-mem-inproc-unplug-128m %.2f us\n",
           (double)unplug_us / BENCH_ROUNDS);
    return 0;
}
