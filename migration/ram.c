/*
 * RAM in the stream.  Source: every RAMBlock by id and size in the
 * header, then passes over the pages: the first visits what the block's
 * RamDiscardManager reports populated and, inside that, what the host has
 * populated (pagemap for private anonymous memory, SEEK_DATA/SEEK_HOLE on
 * fds); later passes visit the pages the dirty log (softmmu/dirty-log.c)
 * saw written.  Discarded and never-populated ranges are never read; they
 * and zero pages travel as ZERO ranges, which the destination discards.
 * Frames and CRCs are stream.c's; when passes happen, outgoing.c's; the
 * destination's side is ram-load.c's.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bitmap.h"
#include "exec/memory.h"
#include "exec/ram-dirty-log.h"
#include "migration/migration-internal.h"
#include "migration/ram-internal.h"
#include "migration/trace.h"
#include <fcntl.h>

#define MIG_RAM_FRAME_PAGES 256     /* 1 MiB of data per frame */
#define MIG_RAM_STEPS_MAX 4096      /* chunks per mig_ram_save_iterate */



struct MigRamSave {
    GArray *blocks;             /* MigRamBlock, in RAMBlock order */
    guint cur;                  /* block being visited */
    uint32_t pass;              /* passes begun: 1 for the first */
    int pagemap_fd;             /* /proc/self/pagemap or -1 */
    uint64_t remaining;         /* bytes left to visit in this pass */
    /* A ZERO range not yet written, grown while the next one follows it. */
    guint zero_idx;
    uint64_t zero_offset;
    uint64_t zero_len;          /* 0: none pending */
    MigRamStats stats;
};

/* ---- helpers shared by both sides ---- */

bool mig_ram_page_is_zero(const uint8_t *p)
{
    const uint64_t *w = (const uint64_t *)p;
    uint64_t acc = 0;

    /* a written page usually shows it at once: not a whole read of it */
    for (size_t i = 0; i < 8; i++) {
        acc |= w[i];
    }
    for (size_t i = 8; !acc && i < MIG_RAM_PAGE / 8; i += 8) {
        for (size_t k = 0; k < 8; k++) {
            acc |= w[i + k];
        }
    }
    return acc == 0;
}

MemoryRegionSection mig_ram_section(MigRamBlock *b, uint64_t offset,
                                           uint64_t len)
{
    MemoryRegionSection s = {
        .mr = b->mr,
        .offset_within_region = offset,
        .size = len,
    };

    return s;
}

static int mig_ram_collect_block(RAMBlock *rb, void *opaque)
{
    GArray *blocks = opaque;
    MigRamBlock b = { 0 };

    b.rb = rb;
    b.host = qemu_ram_get_host_addr(rb);
    b.size = qemu_ram_get_used_length(rb);
    b.fd = qemu_ram_get_fd(rb);
    b.fd_offset = qemu_ram_get_fd_offset(rb);
    b.private_anon = b.fd < 0 && !qemu_ram_is_shared(rb);
    b.mr = qemu_ram_get_memory_region(rb);
    b.rdm = b.mr && memory_region_has_ram_discard_manager(b.mr) ?
            memory_region_get_ram_discard_manager(b.mr) : NULL;
    b.todo = g_array_new(false, false, sizeof(MigRamRange));
    g_array_append_val(blocks, b);
    return 0;
}

GArray *mig_ram_collect_blocks(void)
{
    GArray *blocks = g_array_new(false, false, sizeof(MigRamBlock));

    qemu_ram_foreach_block(mig_ram_collect_block, blocks);
    return blocks;
}

void mig_ram_free_blocks(GArray *blocks)
{
    for (guint i = 0; i < blocks->len; i++) {
        g_array_free(g_array_index(blocks, MigRamBlock, i).todo, true);
    }
    g_array_free(blocks, true);
}

/* ---- source: the header ---- */

MigRamSave *mig_ram_save_new(void)
{
    MigRamSave *rs = g_new0(MigRamSave, 1);

    rs->blocks = mig_ram_collect_blocks();
    rs->pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    for (guint i = 0; i < rs->blocks->len; i++) {
        rs->stats.total += g_array_index(rs->blocks, MigRamBlock, i).size;
    }
    ram_dirty_log_start();
    return rs;
}

void mig_ram_save_free(MigRamSave *rs)
{
    if (!rs) {
        return;
    }
    ram_dirty_log_stop();
    if (rs->pagemap_fd >= 0) {
        close(rs->pagemap_fd);
    }
    mig_ram_free_blocks(rs->blocks);
    g_free(rs);
}

const MigRamStats *mig_ram_save_stats(const MigRamSave *rs)
{
    return &rs->stats;
}

uint64_t mig_ram_save_remaining(const MigRamSave *rs)
{
    return rs->remaining;
}

uint64_t mig_ram_dirty_pending(const MigRamSave *rs)
{
    uint64_t nb = 0;

    for (guint i = 0; i < rs->blocks->len; i++) {
        nb += ram_block_dirty_log_count(
            g_array_index(rs->blocks, MigRamBlock, i).rb);
    }
    return nb * MIG_RAM_PAGE;
}

void mig_ram_put_header(MigRamSave *rs, MigFields *f)
{
    mig_put_u32(f, "nb-ramblocks", rs->blocks->len);
    for (guint i = 0; i < rs->blocks->len; i++) {
        MigRamBlock *b = &g_array_index(rs->blocks, MigRamBlock, i);

        mig_put_str(f, "ramblock", qemu_ram_get_idstr(b->rb));
        mig_put_u64(f, "size", b->size);
    }
}

/* ---- source: what a pass visits ---- */

static void mig_ram_todo_add(MigRamBlock *b, uint64_t offset, uint64_t len,
                             bool zero)
{
    MigRamRange r = { offset, len, zero };

    if (len) {
        g_array_append_val(b->todo, r);
    }
}

typedef struct MigRamReplay {
    MigRamBlock *b;
    uint64_t next;              /* end of the last populated range */
} MigRamReplay;

static int mig_ram_replay_cb(MemoryRegionSection *s, void *opaque)
{
    MigRamReplay *rp = opaque;

    mig_ram_todo_add(rp->b, rp->next, s->offset_within_region - rp->next,
                     true);
    mig_ram_todo_add(rp->b, s->offset_within_region, s->size, false);
    rp->next = s->offset_within_region + s->size;
    return 0;
}

/* First pass: populated ranges to read, the gaps as ZERO (never read). */
static void mig_ram_plan_first(MigRamBlock *b)
{
    MemoryRegionSection whole = mig_ram_section(b, 0, b->size);
    MigRamReplay rp = { b, 0 };

    if (!b->rdm) {
        mig_ram_todo_add(b, 0, b->size, false);
        return;
    }
    ram_discard_manager_replay_populated(b->rdm, &whole, mig_ram_replay_cb,
                                         &rp);
    mig_ram_todo_add(b, rp.next, b->size - rp.next, true);
}

/* Later passes: the runs of pages written since the last sync. */
static uint64_t mig_ram_plan_dirty(MigRamBlock *b)
{
    uint64_t nb_pages = QEMU_ALIGN_UP(b->size, MIG_RAM_PAGE) / MIG_RAM_PAGE;
    uint64_t nb_dirty;
    g_autofree unsigned long *dirty = ram_block_dirty_log_sync(b->rb,
                                                               &nb_dirty);
    uint64_t page = 0;

    while (dirty && page < nb_pages) {
        uint64_t start = find_next_bit(dirty, nb_pages, page);
        uint64_t end;

        if (start >= nb_pages) {
            break;
        }
        end = find_next_zero_bit(dirty, nb_pages, start);
        mig_ram_todo_add(b, start * MIG_RAM_PAGE,
                         MIN(end * MIG_RAM_PAGE, b->size) -
                         start * MIG_RAM_PAGE, false);
        page = end;
    }
    return nb_dirty;
}

uint64_t mig_ram_start_pass(MigRamSave *rs)
{
    uint64_t nb_dirty = 0;

    rs->pass++;
    rs->stats.dirty_sync_count = rs->pass;
    rs->cur = 0;
    rs->remaining = 0;
    for (guint i = 0; i < rs->blocks->len; i++) {
        MigRamBlock *b = &g_array_index(rs->blocks, MigRamBlock, i);

        g_array_set_size(b->todo, 0);
        b->todo_idx = 0;
        b->cursor = 0;
        if (rs->pass == 1) {
            mig_ram_plan_first(b);
        } else {
            nb_dirty += mig_ram_plan_dirty(b);
        }
        for (guint t = 0; t < b->todo->len; t++) {
            MigRamRange *r = &g_array_index(b->todo, MigRamRange, t);

            rs->remaining += r->zero ? 0 : r->len;
        }
    }
    trace_mig_ram_start_pass(rs->pass, rs->remaining);
    return nb_dirty;
}

/* ---- source: sending ---- */

static void mig_ram_flush_zero(MigRamSave *rs, MigStreamWriter *w)
{
    uint8_t head[MIG_RAM_HEAD_SIZE + 8];

    if (!rs->zero_len) {
        return;
    }
    mig_le_put(head, rs->zero_idx, 2);
    mig_le_put(head + 2, rs->zero_offset, 8);
    mig_le_put(head + 10, rs->zero_len, 8);
    mig_stream_put_frame(w, MIG_FRAME_RAM_ZERO, head, sizeof(head), NULL, 0);
    rs->zero_len = 0;
}

/* Empty pages: one ZERO frame per contiguous run, however long. */
static void mig_ram_put_zero(MigRamSave *rs, MigStreamWriter *w, guint idx,
                             uint64_t offset, uint64_t len)
{
    if (rs->zero_len && rs->zero_idx == idx &&
        rs->zero_offset + rs->zero_len == offset) {
        rs->zero_len += len;
        return;
    }
    mig_ram_flush_zero(rs, w);
    rs->zero_idx = idx;
    rs->zero_offset = offset;
    rs->zero_len = len;
}

static void mig_ram_put_data(MigRamSave *rs, MigStreamWriter *w,
                             MigRamBlock *b, guint idx, uint64_t offset,
                             uint64_t len)
{
    uint8_t head[MIG_RAM_HEAD_SIZE];

    mig_ram_flush_zero(rs, w);

    mig_le_put(head, idx, 2);
    mig_le_put(head + 2, offset, 8);
    mig_stream_put_frame(w, MIG_FRAME_RAM_DATA, head, sizeof(head),
                         b->host + offset, len);
}

/*
 * Which of the nb pages at offset the host has populated (set = maybe
 * data).  Anonymous private memory: pagemap's present or swapped bits.
 * Memory with an fd: SEEK_DATA / SEEK_HOLE.  Otherwise all of them.
 */
static void mig_ram_host_populated(MigRamSave *rs, MigRamBlock *b,
                                   uint64_t offset, unsigned int nb,
                                   bool *pop)
{
    uint64_t entries[MIG_RAM_FRAME_PAGES];
    uint64_t vpn = (uintptr_t)(b->host + offset) / MIG_RAM_PAGE;

    for (unsigned int i = 0; i < nb; i++) {
        pop[i] = true;
    }
    if (b->private_anon && rs->pagemap_fd >= 0 &&
        pread(rs->pagemap_fd, entries, nb * 8, vpn * 8) == nb * 8) {
        for (unsigned int i = 0; i < nb; i++) {
            pop[i] = (entries[i] >> 62) & 3;
        }
    } else if (b->fd >= 0) {
        off_t pos = b->fd_offset + offset;
        off_t end = pos + (off_t)nb * MIG_RAM_PAGE;

        while (pos < end) {
            off_t data = lseek(b->fd, pos, SEEK_DATA);
            off_t hole;

            if (data < 0 && errno != ENXIO) {
                return;         /* no SEEK_DATA here: all may be data */
            }
            data = data < 0 || data > end ? end : data;
            for (off_t p = pos; p < data; p += MIG_RAM_PAGE) {
                pop[(p - b->fd_offset - offset) / MIG_RAM_PAGE] = false;
            }
            hole = data < end ? lseek(b->fd, data, SEEK_HOLE) : end;
            pos = hole < 0 ? end : hole;
        }
    }
}

/* Is this chunk of a dirty pass discarded by the manager (not to read)? */
static bool mig_ram_chunk_discarded(MigRamSave *rs, MigRamBlock *b,
                                    uint64_t offset, uint64_t len)
{
    MemoryRegionSection s = mig_ram_section(b, offset, len);

    return rs->pass > 1 && b->rdm &&
           !ram_discard_manager_is_populated(b->rdm, &s);
}

/* Send [offset, offset + nb pages): runs of data and of ZERO. */
static void mig_ram_send_chunk(MigRamSave *rs, MigStreamWriter *w, guint idx,
                               uint64_t offset, unsigned int nb)
{
    MigRamBlock *b = &g_array_index(rs->blocks, MigRamBlock, idx);
    bool pop[MIG_RAM_FRAME_PAGES];
    unsigned int i = 0;

    if (rs->pass == 1) {
        mig_ram_host_populated(rs, b, offset, nb, pop);
    } else {
        memset(pop, true, sizeof(pop));
    }
    while (i < nb) {
        bool data = pop[i] &&
                    !mig_ram_page_is_zero(b->host + offset + i * MIG_RAM_PAGE);
        unsigned int j = i + 1;

        rs->stats.duplicate += pop[i] && !data;
        while (j < nb) {
            bool d = pop[j] && !mig_ram_page_is_zero(b->host + offset +
                                                     j * MIG_RAM_PAGE);
            if (d != data) {
                break;
            }
            rs->stats.duplicate += pop[j] && !d;
            j++;
        }
        if (data) {
            mig_ram_put_data(rs, w, b, idx, offset + i * MIG_RAM_PAGE,
                             (uint64_t)(j - i) * MIG_RAM_PAGE);
            rs->stats.normal += j - i;
        } else {
            mig_ram_put_zero(rs, w, idx, offset + i * MIG_RAM_PAGE,
                             (uint64_t)(j - i) * MIG_RAM_PAGE);
        }
        i = j;
    }
}

/* Bytes of the next chunk of r from cursor: pages, within a granule. */
static uint64_t mig_ram_chunk_len(MigRamBlock *b, const MigRamRange *r)
{
    uint64_t left = r->len - b->cursor;
    uint64_t len = MIN(left, (uint64_t)MIG_RAM_FRAME_PAGES * MIG_RAM_PAGE);
    uint64_t gran;
    uint64_t pos = r->offset + b->cursor;

    if (b->rdm) {
        /* never across a granule: is_populated answers for all of it */
        gran = ram_discard_manager_get_min_granularity(b->rdm, b->mr);
        len = MIN(len, QEMU_ALIGN_DOWN(pos, gran) + gran - pos);
    }
    return len;
}

/* Advance one step in block b; false once its todo list is done. */
static bool mig_ram_block_step(MigRamSave *rs, MigStreamWriter *w, guint idx)
{
    MigRamBlock *b = &g_array_index(rs->blocks, MigRamBlock, idx);
    MigRamRange *r;
    uint64_t pos;
    uint64_t len;

    if (b->todo_idx >= b->todo->len) {
        return false;
    }
    r = &g_array_index(b->todo, MigRamRange, b->todo_idx);
    pos = r->offset + b->cursor;
    len = r->zero ? r->len : mig_ram_chunk_len(b, r);
    if (r->zero || mig_ram_chunk_discarded(rs, b, pos, len)) {
        mig_ram_put_zero(rs, w, idx, pos, len);
    } else {
        mig_ram_send_chunk(rs, w, idx, pos,
                           QEMU_ALIGN_UP(len, MIG_RAM_PAGE) / MIG_RAM_PAGE);
    }
    if (!r->zero) {
        rs->remaining -= len;
    }
    b->cursor += len;
    if (b->cursor >= r->len) {
        b->todo_idx++;
        b->cursor = 0;
    }
    return true;
}

bool mig_ram_save_iterate(MigRamSave *rs, MigStreamWriter *w, size_t budget)
{
    uint64_t start = w->total;
    unsigned int steps = 0;
    uint8_t pass[4];

    while (rs->cur < rs->blocks->len) {
        /* bytes, or chunks scanned (empty memory produces few bytes) */
        if (w->total - start >= budget || steps++ >= MIG_RAM_STEPS_MAX) {
            return false;
        }
        if (!mig_ram_block_step(rs, w, rs->cur)) {
            rs->cur++;
        }
    }
    mig_ram_flush_zero(rs, w);
    mig_le_put(pass, rs->pass, 4);
    mig_stream_put_frame(w, MIG_FRAME_PASS, pass, sizeof(pass), NULL, 0);
    return true;
}
