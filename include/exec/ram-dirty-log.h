/*
 * The dirty log: which pages of a RAMBlock were written since the last
 * sync, at MIG_DIRTY_PAGE_SIZE granularity, for migration's pre-copy
 * passes.  Off (one branch per write) unless migration started it.  Writes
 * through the memory API (qtest, device DMA via address_space_write and
 * address_space_map_ram for writing) mark pages; KVM guests' writes come
 * from KVM_GET_DIRTY_LOG at sync.  Implementation: softmmu/dirty-log.c.
 */
#ifndef EXEC_RAM_DIRTY_LOG_H
#define EXEC_RAM_DIRTY_LOG_H

#include "qemu/osdep.h"
#include "exec/ramblock.h"

/* Bytes per dirty bit (the target page size). */
#define RAM_DIRTY_PAGE_SIZE 4096

/*
 * Start / stop logging every RAMBlock (nests: counted).  Start clears the
 * log.  Main loop only.  Cost: one lazily-zeroed bitmap per block (one
 * bit per page: 32 MiB for 1 TiB, only the words touched get memory).
 */
void ram_dirty_log_start(void);
void ram_dirty_log_stop(void);
bool ram_dirty_log_is_active(void);

/*
 * Mark [offset, offset + len) of rb written.  No-op when not logging.
 * Any length; cost O(pages).  Main loop only (the writers run there).
 */
void ram_block_dirty_log_mark(RAMBlock *rb, uint64_t offset, uint64_t len);

/*
 * The pages of rb written since the previous sync (or start), and clear
 * the log: returns a bitmap of qemu_ram_get_used_length / PAGE_SIZE bits
 * the caller frees with g_free (NULL when no page is dirty, *nb_dirty 0).
 * Asks the accelerator for guest writes first.  Main loop only.
 */
unsigned long *ram_block_dirty_log_sync(RAMBlock *rb, uint64_t *nb_dirty);

/* Pages of rb marked since the last sync (memory API writes only). */
uint64_t ram_block_dirty_log_count(RAMBlock *rb);

/*
 * For accelerators whose guest writes bypass the memory API (KVM): told
 * when logging starts and stops, and asked at each sync of a block to
 * mark what the guest wrote (ram_block_dirty_log_mark).  Main loop only.
 */
typedef struct RamDirtyLogAccelOps {
    void (*start)(void);
    void (*stop)(void);
    void (*sync)(RAMBlock *rb);
} RamDirtyLogAccelOps;

void ram_dirty_log_set_accel(const RamDirtyLogAccelOps *ops);

#endif /* EXEC_RAM_DIRTY_LOG_H */
