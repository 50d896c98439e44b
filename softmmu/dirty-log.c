/*
 * The RAM dirty log (include/exec/ram-dirty-log.h): one bitmap per
 * RAMBlock, started and stopped by migration, marked by the memory API's
 * write paths (memory-access.c) and, at sync, by the accelerator (KVM's
 * dirty bitmaps, accel/kvm).  The bitmap pointer lives in the RAMBlock
 * (physmem.c keeps the slot); nothing else is shared.  Main loop only.
 */
#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "exec/ram-dirty-log.h"
#include "softmmu/memory-internal.h"

/* One block's log: set bit = page written since the last sync. */
typedef struct RamDirtyLog {
    unsigned long *bitmap;
    uint64_t nb_pages;
    uint64_t nb_dirty;          /* set bits in bitmap */
} RamDirtyLog;

static unsigned int ram_dirty_log_users;
static const RamDirtyLogAccelOps *ram_dirty_log_accel;

static uint64_t ram_dirty_log_nb_pages(RAMBlock *rb)
{
    return QEMU_ALIGN_UP(qemu_ram_get_used_length(rb), RAM_DIRTY_PAGE_SIZE) /
           RAM_DIRTY_PAGE_SIZE;
}

static int ram_dirty_log_start_block(RAMBlock *rb, void *opaque)
{
    RamDirtyLog **slot = qemu_ram_dirty_log_slot(rb);
    RamDirtyLog *log = g_new0(RamDirtyLog, 1);

    assert(!*slot);
    log->nb_pages = ram_dirty_log_nb_pages(rb);
    log->bitmap = bitmap_new(log->nb_pages);
    *slot = log;
    return 0;
}

static int ram_dirty_log_stop_block(RAMBlock *rb, void *opaque)
{
    ram_block_dirty_log_free(rb);
    return 0;
}

void ram_block_dirty_log_free(RAMBlock *rb)
{
    RamDirtyLog **slot = qemu_ram_dirty_log_slot(rb);

    if (*slot) {
        g_free((*slot)->bitmap);
        g_free(*slot);
        *slot = NULL;
    }
}

void ram_dirty_log_start(void)
{
    if (ram_dirty_log_users++) {
        return;
    }
    qemu_ram_foreach_block(ram_dirty_log_start_block, NULL);
    if (ram_dirty_log_accel) {
        ram_dirty_log_accel->start();
    }
}

void ram_dirty_log_stop(void)
{
    assert(ram_dirty_log_users);
    if (--ram_dirty_log_users) {
        return;
    }
    if (ram_dirty_log_accel) {
        ram_dirty_log_accel->stop();
    }
    qemu_ram_foreach_block(ram_dirty_log_stop_block, NULL);
}

bool ram_dirty_log_is_active(void)
{
    return ram_dirty_log_users > 0;
}

void ram_block_dirty_log_mark(RAMBlock *rb, uint64_t offset, uint64_t len)
{
    RamDirtyLog *log;
    uint64_t first;
    uint64_t end;

    if (!ram_dirty_log_users || !len) {
        return;
    }
    log = *qemu_ram_dirty_log_slot(rb);
    if (!log) {
        return;     /* a block created after the log started */
    }
    first = offset / RAM_DIRTY_PAGE_SIZE;
    end = MIN(QEMU_ALIGN_UP(offset + len, RAM_DIRTY_PAGE_SIZE) /
              RAM_DIRTY_PAGE_SIZE,
              log->nb_pages);
    for (uint64_t page = first; page < end; page++) {
        if (!test_bit(page, log->bitmap)) {
            bitmap_set(log->bitmap, page, 1);
            log->nb_dirty++;
        }
    }
}

uint64_t ram_block_dirty_log_count(RAMBlock *rb)
{
    RamDirtyLog *log = *qemu_ram_dirty_log_slot(rb);

    return log ? log->nb_dirty : 0;
}

unsigned long *ram_block_dirty_log_sync(RAMBlock *rb, uint64_t *nb_dirty)
{
    RamDirtyLog *log = *qemu_ram_dirty_log_slot(rb);
    unsigned long *taken;

    *nb_dirty = 0;
    if (!log) {
        return NULL;
    }
    if (ram_dirty_log_accel) {
        ram_dirty_log_accel->sync(rb);
    }
    if (!log->nb_dirty) {
        return NULL;
    }
    /* Hand the bitmap over; a fresh one costs nothing until written. */
    taken = log->bitmap;
    *nb_dirty = log->nb_dirty;
    log->bitmap = bitmap_new(log->nb_pages);
    log->nb_dirty = 0;
    return taken;
}

void ram_dirty_log_set_accel(const RamDirtyLogAccelOps *ops)
{
    ram_dirty_log_accel = ops;
}
