/*
 * Word-at-a-time bitmap operations (include/qemu/bitmap.h).  The partial
 * first and last words of a range are masked; whole words in between are
 * handled with one store or compare each.
 */
#include "qemu/osdep.h"
#include "qemu/bitmap.h"

unsigned long *bitmap_new(uint64_t nbits)
{
    return g_new0(unsigned long, BITS_TO_LONGS(nbits));
}

/* Mask of bits [lo, hi) inside one word; 0 <= lo < hi <= BITS_PER_LONG. */
static unsigned long bitmap_word_mask(unsigned int lo, unsigned int hi)
{
    unsigned long upper = hi == BITS_PER_LONG ? ~0UL : (1UL << hi) - 1;

    return upper & ~((1UL << lo) - 1);
}

typedef enum BitmapOp {
    BITMAP_OP_SET,
    BITMAP_OP_CLEAR,
} BitmapOp;

static void bitmap_apply(unsigned long *map, uint64_t start, uint64_t nr,
                         BitmapOp op)
{
    uint64_t end = start + nr;

    while (start < end) {
        uint64_t word = start / BITS_PER_LONG;
        unsigned int lo = start % BITS_PER_LONG;
        unsigned int hi = end - word * BITS_PER_LONG >= BITS_PER_LONG ?
                          BITS_PER_LONG : end % BITS_PER_LONG;
        unsigned long mask = bitmap_word_mask(lo, hi);

        if (op == BITMAP_OP_SET) {
            map[word] |= mask;
        } else {
            map[word] &= ~mask;
        }
        start = (word + 1) * BITS_PER_LONG;
    }
}

void bitmap_set(unsigned long *map, uint64_t start, uint64_t nr)
{
    bitmap_apply(map, start, nr, BITMAP_OP_SET);
}

void bitmap_clear(unsigned long *map, uint64_t start, uint64_t nr)
{
    bitmap_apply(map, start, nr, BITMAP_OP_CLEAR);
}

void bitmap_zero(unsigned long *map, uint64_t nbits)
{
    memset(map, 0, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

/* First bit in [offset, size) whose value is "want", or size. */
static uint64_t bitmap_find_next(const unsigned long *map, uint64_t size,
                                 uint64_t offset, bool want)
{
    while (offset < size) {
        uint64_t word = offset / BITS_PER_LONG;
        unsigned long bits = want ? map[word] : ~map[word];

        bits &= ~0UL << (offset % BITS_PER_LONG);
        if (bits) {
            uint64_t found = word * BITS_PER_LONG + __builtin_ctzl(bits);

            return found < size ? found : size;
        }
        offset = (word + 1) * BITS_PER_LONG;
    }
    return size;
}

uint64_t find_next_bit(const unsigned long *map, uint64_t size,
                       uint64_t offset)
{
    return bitmap_find_next(map, size, offset, true);
}

uint64_t find_next_zero_bit(const unsigned long *map, uint64_t size,
                            uint64_t offset)
{
    return bitmap_find_next(map, size, offset, false);
}

bool bitmap_is_range_set(const unsigned long *map, uint64_t start,
                         uint64_t nr)
{
    return find_next_zero_bit(map, start + nr, start) == start + nr;
}

bool bitmap_is_range_clear(const unsigned long *map, uint64_t start,
                           uint64_t nr)
{
    return find_next_bit(map, start + nr, start) == start + nr;
}

uint64_t bitmap_count_one(const unsigned long *map, uint64_t nbits)
{
    uint64_t full = nbits / BITS_PER_LONG;
    uint64_t count = 0;
    uint64_t i;

    for (i = 0; i < full; i++) {
        count += __builtin_popcountl(map[i]);
    }
    if (nbits % BITS_PER_LONG) {
        count += __builtin_popcountl(map[full] &
                                     bitmap_word_mask(0, nbits %
                                                      BITS_PER_LONG));
    }
    return count;
}
