/*
 * Declarations shared by virtio-mem.c (state, effects) and
 * virtio-mem-request.c (the guest boundary) only.
 */
#ifndef HW_VIRTIO_VIRTIO_MEM_INTERNAL_H
#define HW_VIRTIO_VIRTIO_MEM_INTERNAL_H

#include "hw/virtio/virtio-mem.h"

/*
 * Effects of an ACKed decision; ranges already validated by
 * virtio-mem-blocks.  Each returns ACK, or BUSY with the state exactly as
 * before (prealloc failed, a RamDiscardListener refused, discard failed).
 * Unplug is ACK also when the discard failed and a listener refused the
 * range back: the blocks are unplugged to match the listeners.
 */
uint16_t virtio_mem_plug_range(VirtIOMEM *vmem, uint64_t first, uint64_t nb);
uint16_t virtio_mem_unplug_range(VirtIOMEM *vmem, uint64_t first,
                                 uint64_t nb);
uint16_t virtio_mem_unplug_all(VirtIOMEM *vmem);

/* dynamic-memslots (virtio-mem-memslots.c); no-ops without aliases. */
MemoryRegion *virtio_mem_memslots_container(VirtIOMEM *vmem);
void virtio_mem_memslots_init(VirtIOMEM *vmem);
void virtio_mem_memslots_destroy(VirtIOMEM *vmem);
/* The container virtio_mem_memslots_container() made, at finalize (the
 * machine has unmapped it, or never mapped it when realize failed). */
void virtio_mem_memslots_free_container(VirtIOMEM *vmem);
void virtio_mem_memslots_map_range(VirtIOMEM *vmem, uint64_t first,
                                   uint64_t nb);
void virtio_mem_memslots_sync_range(VirtIOMEM *vmem, uint64_t first,
                                    uint64_t nb);
unsigned int virtio_mem_memslots_mapped(const VirtIOMEM *vmem);

/*
 * Migration sections (virtio-mem-migration.c): "virtio-mem-early" (before
 * RAM) and "virtio-mem" (device phase), owned by the device object.
 * Register at realize (fails only for a duplicate), unregister at
 * unrealize.
 */
bool virtio_mem_migration_register(VirtIOMEM *vmem, Error **errp);
void virtio_mem_migration_unregister(VirtIOMEM *vmem);

/* The virtqueue handler (virtio-mem-request.c). */
void virtio_mem_handle_request(VirtIODevice *vdev, VirtQueue *vq);

#endif /* HW_VIRTIO_VIRTIO_MEM_INTERNAL_H */
