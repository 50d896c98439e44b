/*
 * A RamDiscardListener for the virtio-mem unit tests: records which 2 MiB
 * blocks of the device's backing it was told are populated, counts the
 * calls, and refuses populates on demand (as a VFIO container may).  Used
 * by test-virtio-mem.c and test-virtio-mem-migration.c.
 */
#ifndef TESTS_UNIT_VIRTIO_MEM_LISTENER_H
#define TESTS_UNIT_VIRTIO_MEM_LISTENER_H

#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "hw/virtio/virtio-mem.h"

#define TEST_LISTENER_BS (2 * MiB)

typedef struct TestListener {
    RamDiscardListener rdl;
    unsigned long populated[BITS_TO_LONGS(4096)];  /* per 2 MiB block */
    bool refuse;
    unsigned int nb_populate;
    unsigned int nb_discard;
} TestListener;

/* Register on vmem's backing (replays what is plugged). */
void test_listener_attach(TestListener *tl, VirtIOMEM *vmem);
void test_listener_detach(TestListener *tl, VirtIOMEM *vmem);

#endif /* TESTS_UNIT_VIRTIO_MEM_LISTENER_H */
