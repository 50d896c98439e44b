/*
 * Stream framing: the prefix (magic, version), frames with a sequence
 * number and a CRC32C each, and the END frame that counts the frames and
 * carries a CRC32C of their CRCs, so that a cut, a reordering or any
 * altered byte is refused before the frame is used.  The reader also
 * enforces the order of frame kinds (header, early, RAM, device, end).
 * What frames mean is for migration.c (sections) and ram.c (pages).
 */
#include "qemu/osdep.h"
#include "migration/migration-internal.h"

#define MIG_STREAM_CRC_PIECE (64 * 1024)    /* well inside the L2 cache */

static const char *const mig_frame_type_names[MIG_FRAME__MAX] = {
    [MIG_FRAME_HEADER] = "header",
    [MIG_FRAME_EARLY] = "early-section",
    [MIG_FRAME_RAM_DATA] = "ram-data",
    [MIG_FRAME_RAM_ZERO] = "ram-zero",
    [MIG_FRAME_PASS] = "ram-pass",
    [MIG_FRAME_DEVICE] = "device-section",
    [MIG_FRAME_END] = "end",
};

const char *mig_frame_type_name(unsigned int type)
{
    return type > 0 && type < MIG_FRAME__MAX ? mig_frame_type_names[type]
                                             : "unknown";
}

/* ---- writer ---- */

void mig_stream_writer_init(MigStreamWriter *w)
{
    uint8_t prefix[MIG_STREAM_PREFIX_SIZE];

    memset(w, 0, sizeof(*w));
    w->buf = g_byte_array_new();
    memcpy(prefix, MIG_STREAM_MAGIC, MIG_STREAM_MAGIC_SIZE);
    mig_le_put(prefix + MIG_STREAM_MAGIC_SIZE, MIG_STREAM_VERSION, 4);
    g_byte_array_append(w->buf, prefix, sizeof(prefix));
    w->total = sizeof(prefix);
}

void mig_stream_writer_destroy(MigStreamWriter *w)
{
    if (w->buf) {
        g_byte_array_free(w->buf, true);
    }
    w->buf = NULL;
}

/*
 * Append len bytes of data (guest memory) and fold them into crc, piece
 * by piece from the copy while it is in the cache: memory is read once,
 * and the CRC is of the bytes sent even if the guest writes meanwhile.
 */
static uint32_t mig_stream_append_crc(GByteArray *buf, uint32_t crc,
                                      const uint8_t *data, size_t len)
{
    for (size_t done = 0; done < len; done += MIG_STREAM_CRC_PIECE) {
        size_t n = MIN(len - done, MIG_STREAM_CRC_PIECE);

        g_byte_array_append(buf, data + done, n);
        crc = mig_crc32c_update(crc, buf->data + buf->len - n, n);
    }
    return crc;
}

void mig_stream_put_frame(MigStreamWriter *w, MigFrameType type,
                          const void *a, size_t a_len,
                          const void *b, size_t b_len)
{
    uint8_t head[MIG_FRAME_HEAD_SIZE];
    uint8_t tail[MIG_FRAME_TAIL_SIZE];
    uint32_t crc;

    assert(a_len + b_len <= MIG_FRAME_MAX_PAYLOAD);
    head[0] = type;
    mig_le_put(head + 1, w->seq, 4);
    mig_le_put(head + 5, a_len + b_len, 4);
    crc = mig_crc32c_update(0, head, sizeof(head));
    crc = mig_crc32c_update(crc, a, a_len);
    g_byte_array_append(w->buf, head, sizeof(head));
    g_byte_array_append(w->buf, a, a_len);
    crc = mig_stream_append_crc(w->buf, crc, b, b_len);
    mig_le_put(tail, crc, 4);
    g_byte_array_append(w->buf, tail, sizeof(tail));
    w->crc_of_crcs = mig_crc32c_update(w->crc_of_crcs, tail, sizeof(tail));
    w->seq++;
    w->total += sizeof(head) + a_len + b_len + sizeof(tail);
}

void mig_stream_put_fields(MigStreamWriter *w, MigFrameType type,
                           MigFields *f)
{
    const uint8_t *data;
    size_t len;

    data = mig_fields_data(f, &len);
    mig_stream_put_frame(w, type, data, len, NULL, 0);
}

void mig_stream_put_end(MigStreamWriter *w, const char *runstate)
{
    g_autoptr(MigFields) f = mig_fields_new_writer();

    mig_put_u32(f, "frames", w->seq);
    mig_put_u32(f, "crc-of-crcs", w->crc_of_crcs);
    mig_put_str(f, "runstate", runstate);
    mig_stream_put_fields(w, MIG_FRAME_END, f);
}

size_t mig_stream_pending(const MigStreamWriter *w)
{
    return w->buf->len - w->taken;
}

const uint8_t *mig_stream_pending_data(const MigStreamWriter *w)
{
    return w->buf->data + w->taken;
}

void mig_stream_consume(MigStreamWriter *w, size_t len)
{
    assert(len <= mig_stream_pending(w));
    w->taken += len;
    /*
     * Reset once all was sent, never move what is left: the source only
     * produces into a drained buffer, so it stays one step's size.
     */
    if (w->taken == w->buf->len) {
        g_byte_array_set_size(w->buf, 0);
        w->taken = 0;
    }
}

/* ---- reader ---- */

void mig_stream_reader_init(MigStreamReader *r)
{
    memset(r, 0, sizeof(*r));
    r->buf = g_byte_array_new();
    r->state = MIG_READER_PREFIX;
    r->spare = g_async_queue_new_full((GDestroyNotify)g_byte_array_unref);
}

void mig_stream_reader_destroy(MigStreamReader *r)
{
    if (r->buf) {
        g_byte_array_unref(r->buf);
    }
    r->buf = NULL;
    g_clear_pointer(&r->runstate, g_free);
    g_clear_pointer(&r->spare, g_async_queue_unref);
}

/* Forget the parsed bytes before appending, so buf stays bounded. */
static void mig_stream_reader_compact(MigStreamReader *r)
{
    if (r->pos) {
        g_byte_array_remove_range(r->buf, 0, r->pos);
        r->pos = 0;
    }
}

GByteArray *mig_stream_frame_buffer(MigStreamReader *r)
{
    GByteArray *old = r->buf;
    size_t left = old->len - r->pos;

    /*
     * The next frame's first bytes move over; the old buffer is kept.
     * A recycled one: a new one would be faulted in (and zeroed by the
     * kernel) page by page, a cost as big as applying the frame.
     */
    r->buf = g_async_queue_try_pop(r->spare);
    if (r->buf) {
        g_byte_array_set_size(r->buf, 0);
    } else {
        r->buf = g_byte_array_sized_new(MIG_FRAME_HEAD_SIZE +
                                        MIG_FRAME_MAX_PAYLOAD +
                                        MIG_FRAME_TAIL_SIZE);
    }
    g_byte_array_append(r->buf, old->data + r->pos, left);
    r->pos = 0;
    return old;
}

size_t mig_stream_wanted(const MigStreamReader *r)
{
    size_t avail = r->buf->len - r->pos;
    const uint8_t *p = r->buf->data + r->pos;
    size_t need;

    if (r->state == MIG_READER_PREFIX) {
        need = MIG_STREAM_PREFIX_SIZE;
    } else if (avail < MIG_FRAME_HEAD_SIZE) {
        need = MIG_FRAME_HEAD_SIZE;
    } else {
        need = MIG_FRAME_HEAD_SIZE + MIN(mig_le_get(p + 5, 4),
                                         MIG_FRAME_MAX_PAYLOAD) +
               MIG_FRAME_TAIL_SIZE;
    }
    return need > avail ? need - avail : 0;
}

uint8_t *mig_stream_feed_space(MigStreamReader *r, size_t len)
{
    size_t old;

    mig_stream_reader_compact(r);
    old = r->buf->len;
    g_byte_array_set_size(r->buf, old + len);
    r->buf->len = old;      /* the room is there; commit says how much */
    return r->buf->data + old;
}

void mig_stream_feed_commit(MigStreamReader *r, size_t len)
{
    r->buf->len += len;
}

void mig_stream_feed(MigStreamReader *r, const void *data, size_t len)
{
    memcpy(mig_stream_feed_space(r, len), data, len);
    mig_stream_feed_commit(r, len);
}

static bool mig_stream_read_prefix(MigStreamReader *r, Error **errp)
{
    const uint8_t *p = r->buf->data + r->pos;
    uint32_t version;

    if (memcmp(p, MIG_STREAM_MAGIC, MIG_STREAM_MAGIC_SIZE)) {
        error_setg(errp, "not a hotmem migration stream (it starts with 0x%016" PRIx64 ", not '" MIG_STREAM_MAGIC "')",
                   (uint64_t)mig_le_get(p, 8));
        return false;
    }
    version = mig_le_get(p + MIG_STREAM_MAGIC_SIZE, 4);
    if (version != MIG_STREAM_VERSION) {
        error_setg(errp, "stream version %u is not supported (this VM reads version %u)", version, MIG_STREAM_VERSION);
        return false;
    }
    r->pos += MIG_STREAM_PREFIX_SIZE;
    r->state = MIG_READER_HEADER;
    return true;
}

/* May a frame of this type come now?  Advances the state if so. */
static bool mig_stream_check_order(MigStreamReader *r, const MigFrame *fr,
                                   Error **errp)
{
    bool after_pass = r->last == MIG_FRAME_PASS;
    MigReaderState next = r->state;
    bool ok;

    switch (fr->type) {
    case MIG_FRAME_HEADER:
        ok = r->state == MIG_READER_HEADER;
        next = MIG_READER_EARLY;
        break;
    case MIG_FRAME_EARLY:
        ok = r->state == MIG_READER_EARLY;
        break;
    case MIG_FRAME_RAM_DATA:
    case MIG_FRAME_RAM_ZERO:
    case MIG_FRAME_PASS:
        ok = r->state == MIG_READER_EARLY || r->state == MIG_READER_RAM;
        next = MIG_READER_RAM;
        break;
    case MIG_FRAME_DEVICE:
    case MIG_FRAME_END:
        ok = (r->state == MIG_READER_RAM && after_pass) ||
             r->state == MIG_READER_DEVICE;
        next = fr->type == MIG_FRAME_END ? MIG_READER_DONE
                                          : MIG_READER_DEVICE;
        break;
    default:
        ok = false;
    }
    if (!ok && !r->seq) {
        error_setg(errp, "frame 0 (%s) is out of order: the stream must start with a header frame",
                   mig_frame_type_name(fr->type));
        return false;
    }
    if (!ok) {
        error_setg(errp, "frame %u (%s) is out of order: it cannot follow frame %u (%s)", fr->seq, mig_frame_type_name(fr->type),
                   fr->seq - 1, mig_frame_type_name(r->last));
        return false;
    }
    r->state = next;
    return true;
}

static bool mig_stream_check_end(MigStreamReader *r, const MigFrame *fr,
                                 Error **errp)
{
    g_autoptr(MigFields) f = mig_fields_new_reader(fr->payload, fr->len);
    uint32_t frames;
    uint32_t crc;

    mig_fields_set_section(f, "end", "stream");
    if (!mig_get_u32(f, "frames", &frames, errp) ||
        !mig_get_u32(f, "crc-of-crcs", &crc, errp) ||
        !mig_get_str(f, "runstate", &r->runstate, errp) ||
        !mig_fields_check_end(f, errp)) {
        mig_fields_error_prefix(f, errp);
        return false;
    }
    if (frames != fr->seq || crc != r->crc_of_crcs) {
        error_setg(errp, "end frame: %u frames with CRC32C 0x%08x announced, %u with 0x%08x received", frames, crc, fr->seq,
                   r->crc_of_crcs);
        return false;
    }
    return true;
}

/* Check the frame at pos, whose whole bytes are there. */
static bool mig_stream_check_frame(MigStreamReader *r, MigFrame *fr,
                                   Error **errp)
{
    const uint8_t *p = r->buf->data + r->pos;
    size_t body = MIG_FRAME_HEAD_SIZE + fr->len;
    uint32_t carried = mig_le_get(p + body, 4);
    uint32_t crc = mig_crc32c_update(0, p, body);

    if (crc != carried) {
        error_setg(errp, "frame %u (%s): CRC32C 0x%08x does not match the 0x%08x it carries (the stream is corrupted)", r->seq,
                   mig_frame_type_name(fr->type), crc, carried);
        return false;
    }
    if (fr->seq != r->seq) {
        error_setg(errp, "frame %u: sequence number %u (frames lost, repeated or reordered)", r->seq, fr->seq);
        return false;
    }
    if (!mig_stream_check_order(r, fr, errp)) {
        return false;
    }
    if (fr->type == MIG_FRAME_END && !mig_stream_check_end(r, fr, errp)) {
        return false;
    }
    r->crc_of_crcs = mig_crc32c_update(r->crc_of_crcs, p + body, 4);
    return true;
}

int mig_stream_next(MigStreamReader *r, MigFrame *frame, Error **errp)
{
    size_t avail = r->buf->len - r->pos;
    const uint8_t *p = r->buf->data + r->pos;
    MigFrame fr;

    if (r->state == MIG_READER_PREFIX) {
        if (avail < MIG_STREAM_PREFIX_SIZE) {
            return 0;
        }
        if (!mig_stream_read_prefix(r, errp)) {
            return -1;
        }
        return mig_stream_next(r, frame, errp);
    }
    if (r->state == MIG_READER_DONE && avail) {
        error_setg(errp, "%zu bytes follow the end frame", avail);
        return -1;
    }
    if (avail < MIG_FRAME_HEAD_SIZE) {
        return 0;
    }
    fr.type = p[0];
    fr.seq = mig_le_get(p + 1, 4);
    fr.len = mig_le_get(p + 5, 4);
    if (fr.type == 0 || fr.type >= MIG_FRAME__MAX ||
        fr.len > MIG_FRAME_MAX_PAYLOAD) {
        error_setg(errp, "frame %u: type %u, length %zu (the stream is corrupted: at most %u bytes of a known type)", r->seq,
                   p[0], fr.len, MIG_FRAME_MAX_PAYLOAD);
        return -1;
    }
    if (avail < MIG_FRAME_HEAD_SIZE + fr.len + MIG_FRAME_TAIL_SIZE) {
        return 0;
    }
    fr.payload = p + MIG_FRAME_HEAD_SIZE;
    if (!mig_stream_check_frame(r, &fr, errp)) {
        return -1;
    }
    r->pos += MIG_FRAME_HEAD_SIZE + fr.len + MIG_FRAME_TAIL_SIZE;
    r->seq++;
    r->last = fr.type;
    *frame = fr;
    return 1;
}

bool mig_stream_finish(MigStreamReader *r, Error **errp)
{
    size_t avail = r->buf->len - r->pos;

    if (r->state == MIG_READER_DONE) {
        if (avail) {
            error_setg(errp, "%zu bytes follow the end frame", avail);
            return false;
        }
        return true;
    }
    if (r->state == MIG_READER_PREFIX) {
        error_setg(errp, "the stream ends after %zu bytes, before its prefix", avail);
    } else if (r->seq == 0 && !avail) {
        error_setg(errp, "the stream ends after its prefix, before the header frame");
    } else if (avail) {
        error_setg(errp, "the stream ends inside frame %u (%zu bytes of it arrived)", r->seq, avail);
    } else {
        error_setg(errp, "the stream ends after frame %u (%s) without its end frame", r->seq - 1, mig_frame_type_name(r->last));
    }
    return false;
}
