/*
 * Bitmaps of unsigned long words, bit n in word n / BITS_PER_LONG.  Range
 * operations work a word at a time, so setting or testing a run of n bits
 * costs O(n / 64).  Used for virtio-mem's plugged blocks.
 */
#ifndef QEMU_BITMAP_H
#define QEMU_BITMAP_H

#include "qemu/osdep.h"

#define BITS_PER_LONG (sizeof(unsigned long) * CHAR_BIT)
#define BITS_TO_LONGS(nr) (((nr) + BITS_PER_LONG - 1) / BITS_PER_LONG)

/* A zeroed bitmap of nbits bits; free with g_free. */
unsigned long *bitmap_new(uint64_t nbits);

static inline bool test_bit(uint64_t nr, const unsigned long *map)
{
    return (map[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1;
}

void bitmap_set(unsigned long *map, uint64_t start, uint64_t nr);
void bitmap_clear(unsigned long *map, uint64_t start, uint64_t nr);
void bitmap_zero(unsigned long *map, uint64_t nbits);
/* Are all nr bits from start set / clear? nr == 0: true. */
bool bitmap_is_range_set(const unsigned long *map, uint64_t start,
                         uint64_t nr);
bool bitmap_is_range_clear(const unsigned long *map, uint64_t start,
                           uint64_t nr);
/* First set / clear bit in [offset, size), or size when none. */
uint64_t find_next_bit(const unsigned long *map, uint64_t size,
                       uint64_t offset);
uint64_t find_next_zero_bit(const unsigned long *map, uint64_t size,
                            uint64_t offset);
/* Number of set bits in the first nbits. */
uint64_t bitmap_count_one(const unsigned long *map, uint64_t nbits);

#endif /* QEMU_BITMAP_H */
