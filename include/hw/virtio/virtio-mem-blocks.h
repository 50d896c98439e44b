/*
 * virtio-mem's block state, apart from the device: geometry, the bitmap of
 * plugged blocks, and the pure decisions the spec and the reference
 * behaviour define (range validity, the answer to PLUG / UNPLUG / STATE,
 * the usable region rule).  Nothing here touches memory or listeners; the
 * device (virtio-mem.c) applies the effects.  Cost of every range
 * operation: O(blocks in range / 64).
 */
#ifndef HW_VIRTIO_VIRTIO_MEM_BLOCKS_H
#define HW_VIRTIO_VIRTIO_MEM_BLOCKS_H

#include "qemu/osdep.h"
#include "qemu/units.h"

/* Extra usable region beyond requested-size on x86, as the reference. */
#define VIRTIO_MEM_USABLE_EXTENT (2 * 128 * MiB)

typedef struct VirtioMemBlocks {
    uint64_t addr;              /* gpa of block 0; multiple of block_size */
    uint64_t block_size;        /* bytes; power of two */
    uint64_t region_size;       /* bytes; multiple of block_size */
    uint64_t nb_blocks;         /* region_size / block_size */
    uint64_t usable_region_size;/* bytes; multiple of block_size; <= region */
    uint64_t requested_size;    /* bytes; multiple of block_size; <= region */
    uint64_t plugged_size;      /* bytes; == popcount(plugged) * block_size */
    unsigned long *plugged;     /* bit n set: block n is plugged */
} VirtioMemBlocks;

void virtio_mem_blocks_init(VirtioMemBlocks *b, uint64_t block_size,
                            uint64_t region_size);
/*
 * Size an already configured record (addr, block_size, requested_size
 * kept) for a region: region_size, nb_blocks, usable region for the
 * requested size, nothing plugged, a new bitmap.
 */
void virtio_mem_blocks_alloc(VirtioMemBlocks *b, uint64_t region_size);
void virtio_mem_blocks_destroy(VirtioMemBlocks *b);

/*
 * The only check of a range sent by the guest: size != 0, gpa block
 * aligned, no wrap-around, inside [addr, addr + usable_region_size).
 */
bool virtio_mem_blocks_is_valid_range(const VirtioMemBlocks *b, uint64_t gpa,
                                      uint64_t size);
/* Range already validated: block index of gpa. */
uint64_t virtio_mem_blocks_idx(const VirtioMemBlocks *b, uint64_t gpa);
bool virtio_mem_blocks_is_range_plugged(const VirtioMemBlocks *b,
                                        uint64_t first, uint64_t nb);
bool virtio_mem_blocks_is_range_unplugged(const VirtioMemBlocks *b,
                                          uint64_t first, uint64_t nb);

/*
 * The answer to a request before any effect, in the reference order:
 * invalid range → ERROR; PLUG above requested-size → NACK; blocks not all
 * in the opposite state → ERROR; else ACK (the device may still answer
 * BUSY when an effect fails).  nb_blocks as sent (16 bits).
 */
uint16_t virtio_mem_blocks_check_plug(const VirtioMemBlocks *b, uint64_t gpa,
                                      uint16_t nb_blocks);
uint16_t virtio_mem_blocks_check_unplug(const VirtioMemBlocks *b,
                                        uint64_t gpa, uint16_t nb_blocks);
/* STATE: *state is PLUGGED / UNPLUGGED / MIXED when the answer is ACK. */
uint16_t virtio_mem_blocks_check_state(const VirtioMemBlocks *b,
                                       uint64_t gpa, uint16_t nb_blocks,
                                       uint16_t *state);

/* Flip a validated range; keeps plugged_size. */
void virtio_mem_blocks_set_range(VirtioMemBlocks *b, uint64_t first,
                                 uint64_t nb, bool plugged);
void virtio_mem_blocks_clear_all(VirtioMemBlocks *b);

/*
 * usable_region_size for a requested size:
 * ALIGN_UP(MIN(region_size, requested + 256 MiB), block_size), 0 for 0.
 */
uint64_t virtio_mem_blocks_usable_for(const VirtioMemBlocks *b,
                                      uint64_t requested_size);

/*
 * Call fn(first, nb) for each maximal run of plugged (or unplugged) blocks
 * inside [first, first + nb).  Stops and returns fn's value when non-zero.
 */
typedef int (*VirtioMemBlocksRunFn)(uint64_t first, uint64_t nb,
                                    void *opaque);
int virtio_mem_blocks_for_each_run(const VirtioMemBlocks *b, uint64_t first,
                                   uint64_t nb, bool plugged,
                                   VirtioMemBlocksRunFn fn, void *opaque);

/*
 * dynamic-memslots: the size of each of the device's memslots when it may
 * use limit of them: max(ALIGN_UP(region_size / limit, block_size),
 * max(block_size, 1 GiB)); the last one may be smaller.  Pure.
 */
uint64_t virtio_mem_blocks_memslot_size(uint64_t region_size,
                                        uint64_t block_size,
                                        unsigned int limit);
/* Number of memslots of memslot_size covering region_size. */
unsigned int virtio_mem_blocks_nb_memslots(uint64_t region_size,
                                           uint64_t memslot_size);

#endif /* HW_VIRTIO_VIRTIO_MEM_BLOCKS_H */
