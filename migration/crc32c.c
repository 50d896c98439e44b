/*
 * CRC32C (Castagnoli, reflected polynomial 0x82f63b78), the checksum of
 * every stream frame.  Slicing-by-8 tables built once; the SSE4.2 crc32
 * instruction in three lanes when the CPU has it (same result, several
 * times faster on the RAM frames that make up most of a stream).
 * Callers: stream.c.
 */
#include "qemu/osdep.h"
#include "migration/migration-internal.h"

#define MIG_CRC32C_POLY 0x82f63b78u

static uint32_t mig_crc32c_table[8][256];

static void mig_crc32c_init_tables(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;

        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (c & 1 ? MIG_CRC32C_POLY : 0);
        }
        mig_crc32c_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++) {
        for (int t = 1; t < 8; t++) {
            uint32_t prev = mig_crc32c_table[t - 1][i];

            mig_crc32c_table[t][i] = (prev >> 8) ^
                                     mig_crc32c_table[0][prev & 0xff];
        }
    }
}

/* Portable: eight bytes per step through the eight tables. */
static uint32_t mig_crc32c_sliced(uint32_t crc, const uint8_t *p, size_t len)
{
    while (len >= 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
                             (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 |
                      (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;

        crc = mig_crc32c_table[7][lo & 0xff] ^
              mig_crc32c_table[6][(lo >> 8) & 0xff] ^
              mig_crc32c_table[5][(lo >> 16) & 0xff] ^
              mig_crc32c_table[4][lo >> 24] ^
              mig_crc32c_table[3][hi & 0xff] ^
              mig_crc32c_table[2][(hi >> 8) & 0xff] ^
              mig_crc32c_table[1][(hi >> 16) & 0xff] ^
              mig_crc32c_table[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len--) {
        crc = (crc >> 8) ^ mig_crc32c_table[0][(crc ^ *p++) & 0xff];
    }
    return crc;
}

#if defined(__x86_64__)
/*
 * The crc32 instruction has a latency of 3 cycles and a throughput of 1:
 * three independent lanes over consecutive MIG_CRC32C_LANE-byte pieces run
 * three times faster, and are joined with "shift by a lane" tables
 * (shift(r) = the register r after MIG_CRC32C_LANE zero bytes, linear in
 * r, so one table per byte of r).
 */
#define MIG_CRC32C_LANE 4096

static uint32_t mig_crc32c_shift_table[4][256];

__attribute__((target("sse4.2")))
static uint32_t mig_crc32c_sse42_raw(uint32_t crc, const uint8_t *p,
                                     size_t len)
{
    uint64_t c = crc;

    while (len >= 8) {
        uint64_t v;

        memcpy(&v, p, 8);
        c = __builtin_ia32_crc32di(c, v);
        p += 8;
        len -= 8;
    }
    crc = c;
    while (len--) {
        crc = __builtin_ia32_crc32qi(crc, *p++);
    }
    return crc;
}

static uint32_t mig_crc32c_shift(uint32_t r)
{
    return mig_crc32c_shift_table[0][r & 0xff] ^
           mig_crc32c_shift_table[1][(r >> 8) & 0xff] ^
           mig_crc32c_shift_table[2][(r >> 16) & 0xff] ^
           mig_crc32c_shift_table[3][r >> 24];
}

static void mig_crc32c_init_shift(void)
{
    static const uint8_t zeros[MIG_CRC32C_LANE];

    for (int k = 0; k < 4; k++) {
        for (uint32_t v = 0; v < 256; v++) {
            mig_crc32c_shift_table[k][v] =
                mig_crc32c_sse42_raw(v << (8 * k), zeros, sizeof(zeros));
        }
    }
}

__attribute__((target("sse4.2")))
static uint32_t mig_crc32c_sse42(uint32_t crc, const uint8_t *p, size_t len)
{
    while (len >= 3 * MIG_CRC32C_LANE) {
        uint64_t c0 = crc;
        uint64_t c1 = 0;
        uint64_t c2 = 0;

        for (size_t i = 0; i < MIG_CRC32C_LANE; i += 8) {
            uint64_t v0, v1, v2;

            memcpy(&v0, p + i, 8);
            memcpy(&v1, p + MIG_CRC32C_LANE + i, 8);
            memcpy(&v2, p + 2 * MIG_CRC32C_LANE + i, 8);
            c0 = __builtin_ia32_crc32di(c0, v0);
            c1 = __builtin_ia32_crc32di(c1, v1);
            c2 = __builtin_ia32_crc32di(c2, v2);
        }
        crc = mig_crc32c_shift(mig_crc32c_shift(c0) ^ c1) ^ c2;
        p += 3 * MIG_CRC32C_LANE;
        len -= 3 * MIG_CRC32C_LANE;
    }
    return mig_crc32c_sse42_raw(crc, p, len);
}
#endif

static uint32_t (*mig_crc32c_impl)(uint32_t crc, const uint8_t *p,
                                   size_t len);

static gpointer mig_crc32c_pick(gpointer unused)
{
    mig_crc32c_init_tables();
    mig_crc32c_impl = mig_crc32c_sliced;
#if defined(__x86_64__)
    if (__builtin_cpu_supports("sse4.2")) {
        mig_crc32c_init_shift();
        mig_crc32c_impl = mig_crc32c_sse42;
    }
#endif
    return NULL;
}

uint32_t mig_crc32c_update(uint32_t crc, const void *buf, size_t len)
{
    static GOnce once = G_ONCE_INIT;

    g_once(&once, mig_crc32c_pick, NULL);
    return ~mig_crc32c_impl(~crc, buf, len);
}

uint32_t mig_crc32c_portable(uint32_t crc, const void *buf, size_t len)
{
    mig_crc32c_update(0, NULL, 0);      /* tables built */
    return ~mig_crc32c_sliced(~crc, buf, len);
}
