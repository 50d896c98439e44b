/*
 * Shared by the two sides of RAM in the stream: ram.c (source passes) and
 * ram-load.c (destination): a RAMBlock as migration sees it, the ranges a
 * pass visits, and the helpers both use.  Nothing outside migration/.
 */
#ifndef MIGRATION_RAM_INTERNAL_H
#define MIGRATION_RAM_INTERNAL_H

#include "qemu/osdep.h"
#include "exec/memory.h"
#include "exec/ram-dirty-log.h"

#define MIG_RAM_PAGE RAM_DIRTY_PAGE_SIZE
#define MIG_RAM_HEAD_SIZE 10        /* block index u16, offset u64 */

/* A range of one block to visit in this pass. */
typedef struct MigRamRange {
    uint64_t offset;
    uint64_t len;
    bool zero;                  /* known empty: one ZERO frame, no read */
} MigRamRange;

typedef struct MigRamBlock {
    RAMBlock *rb;
    uint8_t *host;
    uint64_t size;              /* bytes; used length */
    int fd;                     /* -1: anonymous */
    off_t fd_offset;
    bool private_anon;          /* pagemap tells what is populated */
    MemoryRegion *mr;
    RamDiscardManager *rdm;     /* NULL: all of the block may hold data */
    GArray *todo;               /* MigRamRange, this pass */
    guint todo_idx;
    uint64_t cursor;            /* offset inside todo[todo_idx] */
} MigRamBlock;

/* Every RAMBlock, in creation order (MigRamBlock); free with the next. */
GArray *mig_ram_collect_blocks(void);
void mig_ram_free_blocks(GArray *blocks);
/* One MIG_RAM_PAGE at p reads zero. */
bool mig_ram_page_is_zero(const uint8_t *p);
/* The section of b's region for [offset, offset + len). */
MemoryRegionSection mig_ram_section(MigRamBlock *b, uint64_t offset,
                                    uint64_t len);

#endif /* MIGRATION_RAM_INTERNAL_H */
