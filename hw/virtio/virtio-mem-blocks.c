/*
 * virtio-mem block state and request decisions (virtio-mem-blocks.h).
 * Pure: no memory, listeners or guest access here, so every rule of the
 * spec and of the reference behaviour is unit-tested in isolation
 * (tests/unit/test-virtio-mem-blocks.c).
 */
#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "hw/virtio/virtio-mem-blocks.h"
#include "hw/virtio/virtio-mem-wire.h"

void virtio_mem_blocks_init(VirtioMemBlocks *b, uint64_t block_size,
                            uint64_t region_size)
{
    assert(QEMU_IS_POW2(block_size) && region_size % block_size == 0);
    memset(b, 0, sizeof(*b));
    b->block_size = block_size;
    virtio_mem_blocks_alloc(b, region_size);
}

void virtio_mem_blocks_alloc(VirtioMemBlocks *b, uint64_t region_size)
{
    assert(QEMU_IS_POW2(b->block_size) && region_size % b->block_size == 0);
    b->region_size = region_size;
    b->nb_blocks = region_size / b->block_size;
    b->plugged_size = 0;
    b->usable_region_size = virtio_mem_blocks_usable_for(b, b->requested_size);
    b->plugged = bitmap_new(b->nb_blocks);
}

void virtio_mem_blocks_destroy(VirtioMemBlocks *b)
{
    g_free(b->plugged);
    b->plugged = NULL;
}

bool virtio_mem_blocks_is_valid_range(const VirtioMemBlocks *b, uint64_t gpa,
                                      uint64_t size)
{
    uint64_t end;

    /* Both gpa and size come from the guest: no overflow allowed. */
    return size != 0 && gpa % b->block_size == 0 &&
           !__builtin_add_overflow(gpa, size, &end) &&
           gpa >= b->addr && end <= b->addr + b->usable_region_size;
}

uint64_t virtio_mem_blocks_idx(const VirtioMemBlocks *b, uint64_t gpa)
{
    return (gpa - b->addr) / b->block_size;
}

bool virtio_mem_blocks_is_range_plugged(const VirtioMemBlocks *b,
                                        uint64_t first, uint64_t nb)
{
    return bitmap_is_range_set(b->plugged, first, nb);
}

bool virtio_mem_blocks_is_range_unplugged(const VirtioMemBlocks *b,
                                          uint64_t first, uint64_t nb)
{
    return bitmap_is_range_clear(b->plugged, first, nb);
}

uint16_t virtio_mem_blocks_check_plug(const VirtioMemBlocks *b, uint64_t gpa,
                                      uint16_t nb_blocks)
{
    uint64_t size = (uint64_t)nb_blocks * b->block_size;

    if (!virtio_mem_blocks_is_valid_range(b, gpa, size)) {
        return VIRTIO_MEM_RESP_ERROR;
    }
    if (b->plugged_size + size > b->requested_size) {
        return VIRTIO_MEM_RESP_NACK;
    }
    if (!virtio_mem_blocks_is_range_unplugged(
            b, virtio_mem_blocks_idx(b, gpa), nb_blocks)) {
        return VIRTIO_MEM_RESP_ERROR;
    }
    return VIRTIO_MEM_RESP_ACK;
}

uint16_t virtio_mem_blocks_check_unplug(const VirtioMemBlocks *b,
                                        uint64_t gpa, uint16_t nb_blocks)
{
    uint64_t size = (uint64_t)nb_blocks * b->block_size;

    if (!virtio_mem_blocks_is_valid_range(b, gpa, size)) {
        return VIRTIO_MEM_RESP_ERROR;
    }
    if (!virtio_mem_blocks_is_range_plugged(
            b, virtio_mem_blocks_idx(b, gpa), nb_blocks)) {
        return VIRTIO_MEM_RESP_ERROR;
    }
    return VIRTIO_MEM_RESP_ACK;
}

uint16_t virtio_mem_blocks_check_state(const VirtioMemBlocks *b,
                                       uint64_t gpa, uint16_t nb_blocks,
                                       uint16_t *state)
{
    uint64_t size = (uint64_t)nb_blocks * b->block_size;
    uint64_t first;

    if (!virtio_mem_blocks_is_valid_range(b, gpa, size)) {
        return VIRTIO_MEM_RESP_ERROR;
    }
    first = virtio_mem_blocks_idx(b, gpa);
    if (virtio_mem_blocks_is_range_plugged(b, first, nb_blocks)) {
        *state = VIRTIO_MEM_STATE_PLUGGED;
    } else if (virtio_mem_blocks_is_range_unplugged(b, first, nb_blocks)) {
        *state = VIRTIO_MEM_STATE_UNPLUGGED;
    } else {
        *state = VIRTIO_MEM_STATE_MIXED;
    }
    return VIRTIO_MEM_RESP_ACK;
}

void virtio_mem_blocks_set_range(VirtioMemBlocks *b, uint64_t first,
                                 uint64_t nb, bool plugged)
{
    assert(first + nb <= b->nb_blocks);
    if (plugged) {
        assert(virtio_mem_blocks_is_range_unplugged(b, first, nb));
        bitmap_set(b->plugged, first, nb);
        b->plugged_size += nb * b->block_size;
    } else {
        assert(virtio_mem_blocks_is_range_plugged(b, first, nb));
        bitmap_clear(b->plugged, first, nb);
        b->plugged_size -= nb * b->block_size;
    }
}

void virtio_mem_blocks_clear_all(VirtioMemBlocks *b)
{
    bitmap_zero(b->plugged, b->nb_blocks);
    b->plugged_size = 0;
}

uint64_t virtio_mem_blocks_usable_for(const VirtioMemBlocks *b,
                                      uint64_t requested_size)
{
    uint64_t want;

    if (!requested_size) {
        return 0;
    }
    want = MIN(b->region_size, requested_size + VIRTIO_MEM_USABLE_EXTENT);
    return QEMU_ALIGN_UP(want, b->block_size);
}

int virtio_mem_blocks_for_each_run(const VirtioMemBlocks *b, uint64_t first,
                                   uint64_t nb, bool plugged,
                                   VirtioMemBlocksRunFn fn, void *opaque)
{
    uint64_t end = first + nb;
    uint64_t start = first;

    while (start < end) {
        uint64_t run_end;
        int ret;

        start = plugged ? find_next_bit(b->plugged, end, start)
                        : find_next_zero_bit(b->plugged, end, start);
        if (start >= end) {
            break;
        }
        run_end = plugged ? find_next_zero_bit(b->plugged, end, start)
                          : find_next_bit(b->plugged, end, start);
        ret = fn(start, run_end - start, opaque);
        if (ret) {
            return ret;
        }
        start = run_end;
    }
    return 0;
}

uint64_t virtio_mem_blocks_memslot_size(uint64_t region_size,
                                        uint64_t block_size,
                                        unsigned int limit)
{
    uint64_t floor = MAX(block_size, 1 * GiB);
    uint64_t share = QEMU_ALIGN_UP(region_size / MAX(limit, 1), block_size);

    /* Big slots for small devices: the KVM cost is per slot too. */
    return MAX(share, floor);
}

unsigned int virtio_mem_blocks_nb_memslots(uint64_t region_size,
                                           uint64_t memslot_size)
{
    return (region_size + memslot_size - 1) / memslot_size;
}
