/*
 * RAM frames on the destination: the source's RAMBlock list matched with
 * ours by id and size, every RAM_DATA / RAM_ZERO range checked (inside the
 * block, no data for memory the RamDiscardManager says is unplugged) on
 * the main loop, then applied in order by one worker thread (populate and
 * copy, or discard), so that reading and checking the stream overlaps with
 * filling memory.  The source side is ram.c's; frames come from incoming.c.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "migration/migration-internal.h"
#include "migration/ram-internal.h"
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23      /* Linux 5.14 */
#endif

/* Frames given to the worker and not yet applied, at most (1 MiB each). */
#define MIG_RAM_LOAD_QUEUE 16

/* One checked frame for the worker: fill or discard a range. */
typedef struct MigRamJob {
    MigRamBlock *b;             /* NULL: the worker stops */
    uint64_t offset;
    uint64_t len;
    const uint8_t *data;        /* NULL: a zero range */
    GByteArray *owner;          /* holds data; recycled when applied */
    GAsyncQueue *recycle;       /* where owner goes then */
} MigRamJob;

/*
 * The worker touches only the guest pages of its jobs (and frees their
 * buffers); lock protects pending, which the main loop waits on.
 */
struct MigRamLoad {
    GArray *blocks;             /* MigRamBlock, in the source's order */
    GThread *worker;
    GAsyncQueue *jobs;          /* MigRamJob *, in stream order */
    GMutex lock;
    GCond done;
    unsigned int pending;       /* jobs queued or running */
};

static void mig_ram_load_zero(MigRamBlock *b, uint64_t offset,
                              uint64_t len);
static void mig_ram_populate(MigRamBlock *b, uint64_t offset, uint64_t len);

static gpointer mig_ram_load_worker(gpointer opaque)
{
    MigRamLoad *rl = opaque;

    for (;;) {
        MigRamJob *job = g_async_queue_pop(rl->jobs);

        if (!job->b) {
            g_free(job);
            return NULL;
        }
        if (job->data) {
            mig_ram_populate(job->b, job->offset, job->len);
            memcpy(job->b->host + job->offset, job->data, job->len);
            g_async_queue_push(job->recycle, job->owner);
        } else {
            mig_ram_load_zero(job->b, job->offset, job->len);
        }
        g_free(job);
        g_mutex_lock(&rl->lock);
        rl->pending--;
        g_cond_signal(&rl->done);
        g_mutex_unlock(&rl->lock);
    }
}

static MigRamLoad *mig_ram_load_new(void)
{
    MigRamLoad *rl = g_new0(MigRamLoad, 1);

    rl->blocks = g_array_new(false, false, sizeof(MigRamBlock));
    rl->jobs = g_async_queue_new();
    g_mutex_init(&rl->lock);
    g_cond_init(&rl->done);
    rl->worker = g_thread_new("mig-ram-load", mig_ram_load_worker, rl);
    return rl;
}

/* Queue a job, waiting while the worker is MIG_RAM_LOAD_QUEUE behind. */
static void mig_ram_load_queue(MigRamLoad *rl, MigRamJob *job)
{
    g_mutex_lock(&rl->lock);
    while (rl->pending >= MIG_RAM_LOAD_QUEUE) {
        g_cond_wait(&rl->done, &rl->lock);
    }
    rl->pending++;
    g_mutex_unlock(&rl->lock);
    g_async_queue_push(rl->jobs, job);
}

void mig_ram_load_flush(MigRamLoad *rl)
{
    g_mutex_lock(&rl->lock);
    while (rl->pending) {
        g_cond_wait(&rl->done, &rl->lock);
    }
    g_mutex_unlock(&rl->lock);
}

void mig_ram_load_free(MigRamLoad *rl)
{
    if (!rl) {
        return;
    }
    mig_ram_load_flush(rl);
    g_async_queue_push(rl->jobs, g_new0(MigRamJob, 1));     /* stop */
    g_thread_join(rl->worker);
    g_async_queue_unref(rl->jobs);
    g_mutex_clear(&rl->lock);
    g_cond_clear(&rl->done);
    mig_ram_free_blocks(rl->blocks);
    g_free(rl);
}

static MigRamBlock *mig_ram_find_local(GArray *local, const char *idstr)
{
    for (guint i = 0; i < local->len; i++) {
        MigRamBlock *b = &g_array_index(local, MigRamBlock, i);

        if (!strcmp(qemu_ram_get_idstr(b->rb), idstr)) {
            return b;
        }
    }
    return NULL;
}

/* Match one block of the source's list with this VM's; move it over. */
static bool mig_ram_load_match(MigRamLoad *rl, GArray *local,
                               const char *idstr, uint64_t size,
                               GHashTable *seen, Error **errp)
{
    MigRamBlock *b = mig_ram_find_local(local, idstr);
    MigRamBlock copy;

    if (!b) {
        error_setg(errp, "ramblock '%s' of the source does not exist here",
                   idstr);
        return false;
    }
    if (b->size != size) {
        error_setg(errp, "ramblock '%s': size %s on the source, %s here",
                   idstr, size_str(size).s, size_str(b->size).s);
        return false;
    }
    if (!g_hash_table_add(seen, (gpointer)qemu_ram_get_idstr(b->rb))) {
        error_setg(errp, "ramblock '%s' is listed twice by the source",
                   idstr);
        return false;
    }
    copy = *b;
    copy.todo = g_array_new(false, false, sizeof(MigRamRange));
    g_array_append_val(rl->blocks, copy);
    return true;
}

static bool mig_ram_load_check_all_sent(GArray *local, GHashTable *seen,
                                        Error **errp)
{
    for (guint i = 0; i < local->len; i++) {
        const char *id = qemu_ram_get_idstr(
            g_array_index(local, MigRamBlock, i).rb);

        if (!g_hash_table_contains(seen, id)) {
            error_setg(errp, "ramblock '%s' exists here but not on the source", id);
            return false;
        }
    }
    return true;
}

MigRamLoad *mig_ram_load_header(MigFields *f, Error **errp)
{
    MigRamLoad *rl = mig_ram_load_new();
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    GArray *local = mig_ram_collect_blocks();
    uint32_t nb = 0;
    bool ok = mig_get_u32(f, "nb-ramblocks", &nb, errp);

    for (uint32_t i = 0; ok && i < nb; i++) {
        g_autofree char *idstr = NULL;
        uint64_t size;

        ok = mig_get_str(f, "ramblock", &idstr, errp) &&
             mig_get_u64(f, "size", &size, errp) &&
             mig_ram_load_match(rl, local, idstr, size, seen, errp);
    }
    ok = ok && mig_ram_load_check_all_sent(local, seen, errp);
    mig_ram_free_blocks(local);
    if (!ok) {
        mig_ram_load_free(rl);
        return NULL;
    }
    return rl;
}

/* The block and range a RAM frame names, checked against the block. */
static MigRamBlock *mig_ram_load_range(MigRamLoad *rl, const MigFrame *fr,
                                       uint64_t offset, uint64_t len,
                                       Error **errp)
{
    guint idx = mig_le_get(fr->payload, 2);
    MigRamBlock *b;
    uint64_t end;

    if (idx >= rl->blocks->len) {
        error_setg(errp, "frame %u (%s): ramblock index %u, the header lists %u", fr->seq, mig_frame_type_name(fr->type), idx,
                   rl->blocks->len);
        return NULL;
    }
    b = &g_array_index(rl->blocks, MigRamBlock, idx);
    if (offset % MIG_RAM_PAGE || len % MIG_RAM_PAGE || !len ||
        __builtin_add_overflow(offset, len, &end) || end > b->size) {
        error_setg(errp, "frame %u (%s): ramblock '%s': range 0x%" PRIx64
                   " + 0x%" PRIx64 " is not whole pages inside its %s",
                   fr->seq, mig_frame_type_name(fr->type),
                   qemu_ram_get_idstr(b->rb), offset, len,
                   size_str(b->size).s);
        return NULL;
    }
    return b;
}

/* Zero the non-zero pages of a range without populating the others. */
static void mig_ram_clear_pages(MigRamBlock *b, uint64_t offset,
                                uint64_t len)
{
    for (uint64_t p = offset; p < offset + len; p += MIG_RAM_PAGE) {
        if (!mig_ram_page_is_zero(b->host + p)) {
            memset(b->host + p, 0, MIG_RAM_PAGE);
        }
    }
}

/* Make [offset, + len) read zero and give its memory back to the host. */
static void mig_ram_load_zero(MigRamBlock *b, uint64_t offset, uint64_t len)
{
    uint64_t psize = qemu_ram_pagesize(b->rb);
    uint64_t start = QEMU_ALIGN_UP(offset, psize);
    uint64_t end = QEMU_ALIGN_DOWN(offset + len, psize);

    if (start >= end || ram_block_discard_range(b->rb, start, end - start)) {
        mig_ram_clear_pages(b, offset, len);
        return;
    }
    mig_ram_clear_pages(b, offset, start - offset);
    mig_ram_clear_pages(b, end, offset + len - end);
}

/*
 * Fault the pages of a data frame in with one call rather than one trap
 * per page (the copy then finds them present).  Best effort: kernels
 * before 5.14 and blocks that cannot take it just fault as usual.
 */
static void mig_ram_populate(MigRamBlock *b, uint64_t offset, uint64_t len)
{
    if (b->private_anon) {
        madvise(b->host + offset, len, MADV_POPULATE_WRITE);
    }
}

bool mig_ram_load_frame(MigRamLoad *rl, const MigFrame *fr,
                        GByteArray *owner, GAsyncQueue *recycle,
                        Error **errp)
{
    MigRamJob *job;
    uint64_t offset;
    uint64_t len;
    MigRamBlock *b;
    MemoryRegionSection s;

    if (fr->len < MIG_RAM_HEAD_SIZE + (fr->type == MIG_FRAME_RAM_ZERO ? 8
                                                                      : 0)) {
        error_setg(errp, "frame %u (%s): %zu bytes are too short", fr->seq,
                   mig_frame_type_name(fr->type), fr->len);
        return false;
    }
    offset = mig_le_get(fr->payload + 2, 8);
    len = fr->type == MIG_FRAME_RAM_ZERO ?
          mig_le_get(fr->payload + MIG_RAM_HEAD_SIZE, 8) :
          fr->len - MIG_RAM_HEAD_SIZE;
    b = mig_ram_load_range(rl, fr, offset, len, errp);
    if (!b) {
        return false;
    }
    if (fr->type == MIG_FRAME_RAM_ZERO) {
        job = g_new0(MigRamJob, 1);
        *job = (MigRamJob) { b, offset, len, NULL, NULL, NULL };
        mig_ram_load_queue(rl, job);
        return true;
    }
    s = mig_ram_section(b, offset, len);
    if (b->rdm && !ram_discard_manager_is_populated(b->rdm, &s)) {
        error_setg(errp, "frame %u (ram-data): ramblock '%s': data for 0x%" PRIx64 " + 0x%" PRIx64 ", which is discarded here (unplugged)", fr->seq, qemu_ram_get_idstr(b->rb), offset,
                   len);
        return false;
    }
    job = g_new0(MigRamJob, 1);
    *job = (MigRamJob) { b, offset, len, fr->payload + MIG_RAM_HEAD_SIZE,
                         g_byte_array_ref(owner), recycle };
    mig_ram_load_queue(rl, job);
    return true;
}
