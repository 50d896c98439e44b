/*
 * RAM blocks: host memory that backs guest RAM regions.  A RAMBlock owns one
 * host mapping (anonymous, memfd or file; shared or private; reserved or
 * not) and knows how to discard and preallocate ranges of it.  The memory
 * API (memory.h) wraps a RAMBlock in a RAM MemoryRegion; backends
 * (backends/, sysemu/hostmem.h) create them.  Main loop only, except
 * preallocation workers, which touch only the pages they were given.
 */
#ifndef EXEC_RAMBLOCK_H
#define EXEC_RAMBLOCK_H

#include "qemu/osdep.h"
#include "qapi/error.h"

typedef struct RAMBlock RAMBlock;
typedef struct MemoryRegion MemoryRegion;

/* ram_flags */
#define RAM_SHARED      (1u << 1)   /* MAP_SHARED: changes visible to other mappers of the fd */
#define RAM_NORESERVE   (1u << 2)   /* MAP_NORESERVE: no swap/commit reservation (reserve=off) */
#define RAM_READONLY    (1u << 3)   /* mapped read-only (readonly=on files) */
#define RAM_HUGETLB     (1u << 4)   /* hugetlbfs-backed (memfd hugetlb=on or file on hugetlbfs) */
#define RAM_UNMERGEABLE_KSM (1u << 5) /* merge=off: MADV_UNMERGEABLE (default is not to advise) */
#define RAM_NODUMP      (1u << 6)   /* dump=off: MADV_DONTDUMP */
#define RAM_DISCARD_DATA (1u << 7)  /* file backends: discard-data=on */

/*
 * Allocate anonymous RAM of size bytes (rounded up to the host page size).
 * RAM_SHARED makes it MAP_SHARED|MAP_ANONYMOUS (no fd).  mr is the region
 * that will own the block (may be NULL in unit tests); name is for
 * messages and info output.
 */
RAMBlock *qemu_ram_alloc(const char *name, uint64_t size, uint32_t ram_flags,
                         MemoryRegion *mr, Error **errp);
/*
 * Map size bytes of fd at offset.  The block takes ownership of fd (closes
 * it when freed).  page_size is the backing page size (e.g. 2 MiB for
 * hugetlbfs); 0 means the host page size.
 */
RAMBlock *qemu_ram_alloc_from_fd(const char *name, uint64_t size,
                                 uint32_t ram_flags, int fd, off_t offset,
                                 size_t page_size, MemoryRegion *mr,
                                 Error **errp);
/*
 * Same, with the mapping's start aligned to align bytes (a power of 2, at
 * least page_size; 0: page_size).  size and offset must be multiples of
 * page_size.  On failure the caller still owns fd.  RAM_NORESERVE is
 * refused (errp) when the kernel would ignore it (overcommit_memory 2).
 */
RAMBlock *qemu_ram_alloc_from_fd_aligned(const char *name, uint64_t size,
                                         uint32_t ram_flags, int fd,
                                         off_t offset, size_t page_size,
                                         uint64_t align, MemoryRegion *mr,
                                         Error **errp);
/* Wrap memory the caller owns (not unmapped on free). */
RAMBlock *qemu_ram_alloc_from_ptr(const char *name, uint64_t size, void *host,
                                  MemoryRegion *mr, Error **errp);
void qemu_ram_free(RAMBlock *rb);

void *qemu_ram_get_host_addr(const RAMBlock *rb);
uint64_t qemu_ram_get_used_length(const RAMBlock *rb);
const char *qemu_ram_get_idstr(const RAMBlock *rb);
int qemu_ram_get_fd(const RAMBlock *rb);            /* -1 when anonymous */
off_t qemu_ram_get_fd_offset(const RAMBlock *rb);
size_t qemu_ram_pagesize(const RAMBlock *rb);
uint32_t qemu_ram_get_flags(const RAMBlock *rb);
bool qemu_ram_is_shared(const RAMBlock *rb);
MemoryRegion *qemu_ram_get_memory_region(const RAMBlock *rb);
/* Set the owner region (when the region is initialized after the block). */
void qemu_ram_set_memory_region(RAMBlock *rb, MemoryRegion *mr);
/* The block containing host address ptr, and the offset in it; or NULL. */
RAMBlock *qemu_ram_block_from_host(void *ptr, uint64_t *offset);

/*
 * Give back host memory of [offset, offset + length): afterwards the range
 * reads as zero.  offset and length must be multiples of the block's page
 * size.  MADV_DONTNEED for private anonymous memory; MADV_REMOVE (or
 * fallocate punch-hole) for shared or file-backed memory.  Returns 0 or
 * -errno.  Cost: one or two syscalls.
 */
int ram_block_discard_range(RAMBlock *rb, uint64_t offset, uint64_t length);

/*
 * Populate [offset, offset + length) by touching every page, in up to
 * nb_threads worker threads (at least 1).  Fails with errp (and leaves
 * the pages it touched in place) when memory is short; never raises
 * SIGBUS/SIGSEGV in the caller.  Main loop only; blocks until done.
 */
bool ram_block_prealloc_range(RAMBlock *rb, uint64_t offset, uint64_t length,
                              unsigned int nb_threads, Error **errp);
/*
 * Preallocation uses MADV_POPULATE_WRITE (READ for read-only blocks) when
 * the kernel has it (Linux 5.14+) and touches pages otherwise, catching
 * SIGBUS/SIGSEGV on the worker.  Tests force touching with true.
 */
void ram_block_prealloc_set_touch_only(bool touch_only);

/*
 * Discard policy, global.  A user that discards RAM behind the guest's back
 * in a way others cannot follow (e.g. a balloon) is "uncoordinated"; one
 * that tells listeners (virtio-mem, through RamDiscardManager) is
 * "coordinated".  Users that cannot tolerate discards (mlock, VFIO without
 * RamDiscardManager support) disable them.  Each function returns 0 or
 * -EBUSY when the opposite state is in force; calls nest (counted).
 */
int ram_block_discard_disable(bool state);
int ram_block_uncoordinated_discard_disable(bool state);
int ram_block_discard_require(bool state);
int ram_block_coordinated_discard_require(bool state);
bool ram_block_discard_is_disabled(void);
/*
 * ram_block_uncoordinated_discard_disable() on behalf of who (e.g.
 * "vfio-user-pci 'vfu0'"), remembered for the message of whoever then
 * needs uncoordinated discards.  Same counting and return value; who is
 * copied.  Disabling and enabling again must name the same who.
 */
int ram_block_uncoordinated_discard_disable_by(const char *who, bool state);
/*
 * ram_block_discard_require(true) for user (e.g. "virtio-balloon 'b0'"),
 * which discards behind the guest's back: false with errp naming the
 * device that disabled such discards (a VFIO device, which could not
 * follow them), or memory locking.  Release with
 * ram_block_discard_require(false).
 */
bool ram_block_discard_require_for(const char *user, Error **errp);
bool ram_block_discard_is_required(void);

/* Call fn for each RAMBlock in creation order; stops on non-zero. */
int qemu_ram_foreach_block(int (*fn)(RAMBlock *rb, void *opaque),
                           void *opaque);

#endif /* EXEC_RAMBLOCK_H */
