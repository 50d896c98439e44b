/*
 * The migration stream's framing (migration/stream.c, crc32c.c): CRC32C
 * against known values, a small stream of every frame kind read back, and
 * every truncation point, every single-bit flip, reordered and misplaced
 * frames, a wrong magic or version, trailing bytes: all refused, with the
 * frame named.  Section payloads are test-migration-fields.c's.
 */
#include "qemu/osdep.h"
#include "migration/migration-internal.h"

static void test_crc32c_known_values(void)
{
    uint8_t zeros[32] = { 0 };
    static uint8_t buf[40000];

    g_assert_cmphex(mig_crc32c_update(0, "123456789", 9), ==, 0xe3069283);
    g_assert_cmphex(mig_crc32c_portable(0, "123456789", 9), ==, 0xe3069283);
    g_assert_cmphex(mig_crc32c_update(0, zeros, 32), ==, 0x8a9136aa);
    g_assert_cmphex(mig_crc32c_update(0, "", 0), ==, 0);
    /* chained == whole, and the fast path agrees with the tables */
    g_assert_cmphex(mig_crc32c_update(mig_crc32c_update(0, "1234", 4),
                                      "56789", 5), ==, 0xe3069283);
    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = i * 37 + 11;
    }
    /* lengths around the three 4 KiB lanes of the fast path, and odd ones */
    for (size_t len = 0; len < sizeof(buf); len += len < 1000 ? 7 : 997) {
        g_assert_cmphex(mig_crc32c_update(0, buf + 3, len - (len ? 3 : 0)),
                        ==, mig_crc32c_portable(0, buf + 3,
                                                len - (len ? 3 : 0)));
    }
}

static void test_put_fields(MigStreamWriter *w, MigFrameType type,
                            const char *name, uint64_t v)
{
    g_autoptr(MigFields) f = mig_fields_new_writer();

    mig_put_u64(f, name, v);
    mig_stream_put_fields(w, type, f);
}

/* A small stream with every kind of frame; *len its size (g_malloc'ed). */
static uint8_t *test_small_stream(size_t *len)
{
    MigStreamWriter w;
    uint8_t page[64];
    uint8_t head[10] = { 0 };
    uint8_t *out;

    memset(page, 0x5a, sizeof(page));
    mig_stream_writer_init(&w);
    test_put_fields(&w, MIG_FRAME_HEADER, "machine", 1);
    test_put_fields(&w, MIG_FRAME_EARLY, "block-size", 2 << 20);
    mig_stream_put_frame(&w, MIG_FRAME_RAM_DATA, head, sizeof(head), page,
                         sizeof(page));
    mig_stream_put_frame(&w, MIG_FRAME_RAM_ZERO, head, sizeof(head), NULL, 0);
    mig_stream_put_frame(&w, MIG_FRAME_PASS, "\1\0\0\0", 4, NULL, 0);
    test_put_fields(&w, MIG_FRAME_DEVICE, "status", 15);
    mig_stream_put_end(&w, "running");
    *len = mig_stream_pending(&w);
    g_assert_cmpuint(*len, ==, w.total);
    out = g_memdup2(mig_stream_pending_data(&w), *len);
    mig_stream_consume(&w, *len);
    g_assert_cmpuint(mig_stream_pending(&w), ==, 0);
    mig_stream_writer_destroy(&w);
    return out;
}

/*
 * Feed buf in pieces of step bytes and read every frame.  Returns the
 * number of frames accepted; *err set on refusal (by next or finish).
 */
static int test_read_stream(const uint8_t *buf, size_t len, size_t step,
                            MigFrameType *types, Error **err)
{
    MigStreamReader r;
    MigFrame fr;
    int nb = 0;
    int rc;

    mig_stream_reader_init(&r);
    for (size_t off = 0; off < len; off += step) {
        mig_stream_feed(&r, buf + off, MIN(step, len - off));
        while ((rc = mig_stream_next(&r, &fr, err)) == 1) {
            if (types) {
                types[nb] = fr.type;
            }
            nb++;
        }
        if (rc < 0) {
            goto out;
        }
    }
    if (mig_stream_finish(&r, err)) {
        g_assert_cmpstr(r.runstate, ==, "running");
    }
out:
    mig_stream_reader_destroy(&r);
    return nb;
}

static void test_stream_round_trip(void)
{
    static const MigFrameType want[] = {
        MIG_FRAME_HEADER, MIG_FRAME_EARLY, MIG_FRAME_RAM_DATA,
        MIG_FRAME_RAM_ZERO, MIG_FRAME_PASS, MIG_FRAME_DEVICE, MIG_FRAME_END,
    };
    MigFrameType got[8];
    size_t len;
    g_autofree uint8_t *buf = test_small_stream(&len);

    for (size_t step = 1; step <= len; step = step * 3 + 1) {
        g_assert_cmpint(test_read_stream(buf, len, step, got, &error_abort),
                        ==, G_N_ELEMENTS(want));
        g_assert_cmpmem(got, sizeof(want), want, sizeof(want));
    }
}

static void test_stream_every_truncation(void)
{
    size_t len;
    g_autofree uint8_t *buf = test_small_stream(&len);

    for (size_t cut = 0; cut < len; cut++) {
        Error *err = NULL;

        test_read_stream(buf, cut, 4096, NULL, &err);
        g_assert_nonnull(err);
        g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                       "the stream ends "));
        error_free(err);
    }
}

static void test_stream_every_bit_flip(void)
{
    size_t len;
    g_autofree uint8_t *buf = test_small_stream(&len);

    for (size_t i = 0; i < len * 8; i++) {
        Error *err = NULL;

        buf[i / 8] ^= 1u << (i % 8);
        test_read_stream(buf, len, 4096, NULL, &err);
        buf[i / 8] ^= 1u << (i % 8);
        if (!err) {
            g_test_message("bit %zu flipped was accepted", i);
        }
        g_assert_nonnull(err);
        error_free(err);
    }
}

static void test_expect_refusal(const uint8_t *buf, size_t len,
                                const char *msg)
{
    Error *err = NULL;

    test_read_stream(buf, len, 4096, NULL, &err);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_stream_messages(void)
{
    size_t len;
    g_autofree uint8_t *buf = test_small_stream(&len);
    g_autofree uint8_t *copy = g_memdup2(buf, len);
    g_autofree uint8_t *longer = g_malloc(len + 3);
    g_autofree char *msg = NULL;

    test_expect_refusal(buf, len - 1, "the stream ends inside frame 6 (62 "
                        "bytes of it arrived)");
    test_expect_refusal(buf, 5, "the stream ends after 5 bytes, before its "
                        "prefix");
    test_expect_refusal(buf, MIG_STREAM_PREFIX_SIZE, "the stream ends after "
                        "its prefix, before the header frame");
    copy[0] = 'X';
    test_expect_refusal(copy, len, "not a hotmem migration stream (it starts "
                        "with 0x47494d454d544f58, not 'HOTMEMIG')");
    copy[0] = 'H';
    copy[8] = 2;
    test_expect_refusal(copy, len, "stream version 2 is not supported (this "
                        "VM reads version 1)");
    copy[8] = 1;
    /* the header frame: 9 + 17 (one u64 field named "machine") + 4 */
    copy[MIG_STREAM_PREFIX_SIZE + MIG_FRAME_HEAD_SIZE + 3] ^= 0x10;
    msg = g_strdup_printf("frame 0 (header): CRC32C 0x%08x does not match "
                          "the 0x%08x it carries (the stream is corrupted)",
                          mig_crc32c_portable(0, copy +
                                              MIG_STREAM_PREFIX_SIZE, 26),
                          mig_crc32c_portable(0, buf +
                                              MIG_STREAM_PREFIX_SIZE, 26));
    test_expect_refusal(copy, len, msg);
    memcpy(longer, buf, len);
    memcpy(longer + len, "abc", 3);
    test_expect_refusal(longer, len + 3, "3 bytes follow the end frame");
}

/* Writes frames as the writer would but in a chosen order. */
static void test_stream_misplaced_frames(void)
{
    MigStreamWriter w;
    Error *err = NULL;

    mig_stream_writer_init(&w);
    test_put_fields(&w, MIG_FRAME_HEADER, "machine", 1);
    mig_stream_put_frame(&w, MIG_FRAME_RAM_ZERO, "0123456789", 10, NULL, 0);
    test_put_fields(&w, MIG_FRAME_DEVICE, "status", 15);
    test_read_stream(mig_stream_pending_data(&w), mig_stream_pending(&w),
                     4096, NULL, &err);
    g_assert_cmpstr(error_get_pretty(err), ==, "frame 2 (device-section) is "
                    "out of order: it cannot follow frame 1 (ram-zero)");
    error_free(err);
    err = NULL;
    mig_stream_writer_destroy(&w);

    mig_stream_writer_init(&w);
    mig_stream_put_frame(&w, MIG_FRAME_PASS, "\1\0\0\0", 4, NULL, 0);
    test_read_stream(mig_stream_pending_data(&w), mig_stream_pending(&w),
                     4096, NULL, &err);
    g_assert_cmpstr(error_get_pretty(err), ==, "frame 0 (ram-pass) is out "
                    "of order: the stream must start with a header frame");
    error_free(err);
    mig_stream_writer_destroy(&w);
}

/* Two frames swapped, their own CRCs intact: the sequence catches it. */
static void test_stream_reordered_frames(void)
{
    size_t len;
    g_autofree uint8_t *buf = test_small_stream(&len);
    g_autofree uint8_t *swapped = g_malloc(len);
    /* frames 2 (ram-data: 9 + 74 + 4) and 3 (ram-zero: 9 + 10 + 4) */
    size_t f2 = len;
    size_t l2 = 87;
    size_t l3 = 23;
    MigStreamReader r;
    MigFrame fr;

    mig_stream_reader_init(&r);
    mig_stream_feed(&r, buf, len);
    for (int i = 0; i < 2; i++) {
        g_assert_cmpint(mig_stream_next(&r, &fr, &error_abort), ==, 1);
    }
    f2 = r.pos;
    mig_stream_reader_destroy(&r);
    memcpy(swapped, buf, f2);
    memcpy(swapped + f2, buf + f2 + l2, l3);
    memcpy(swapped + f2 + l3, buf + f2, l2);
    memcpy(swapped + f2 + l2 + l3, buf + f2 + l2 + l3, len - f2 - l2 - l3);
    test_expect_refusal(swapped, len, "frame 2: sequence number 3 (frames "
                        "lost, repeated or reordered)");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration-stream/crc32c/known-values",
                    test_crc32c_known_values);
    g_test_add_func("/migration-stream/frames/round-trip-any-split",
                    test_stream_round_trip);
    g_test_add_func("/migration-stream/frames/every-truncation-refused",
                    test_stream_every_truncation);
    g_test_add_func("/migration-stream/frames/every-bit-flip-refused",
                    test_stream_every_bit_flip);
    g_test_add_func("/migration-stream/frames/messages-name-the-frame",
                    test_stream_messages);
    g_test_add_func("/migration-stream/frames/misplaced-refused",
                    test_stream_misplaced_frames);
    g_test_add_func("/migration-stream/frames/reordered-refused",
                    test_stream_reordered_frames);
    return g_test_run();
}
