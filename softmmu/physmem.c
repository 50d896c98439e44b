/*
 * RAM blocks: the host mappings behind guest RAM (anonymous, memfd or file;
 * private or shared; reserved or not), how a range of one is given back to
 * the host (discard) or populated ahead of use (preallocation in worker
 * threads), and the global discard policy (disable / require counters).
 * Backends (backends/hostmem*.c) and the memory API (softmmu/memory.c)
 * create blocks; this file knows nothing about regions beyond a pointer.
 * Main loop only, except the preallocation workers (see ram_block_prealloc_).
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "exec/ramblock.h"
#include "sysemu/os.h"
#include "softmmu/memory-internal.h"

#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <linux/falloc.h>
#include <linux/magic.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif

/* Fields private to this file. */
struct RAMBlock {
    char *idstr;                /* name for messages and info output */
    MemoryRegion *mr;           /* owner region; may be NULL (unit tests) */
    uint8_t *host;              /* start of the usable mapping */
    uint64_t used_length;       /* bytes; multiple of page_size */
    void *map_base;             /* what to munmap (NULL: not ours) */
    uint64_t map_length;        /* bytes mapped at map_base */
    size_t page_size;           /* backing page size in bytes */
    uint32_t flags;             /* RAM_* of ramblock.h */
    int fd;                     /* owned; -1 when anonymous or from_ptr */
    off_t fd_offset;            /* offset of host[0] in fd */
    RamDirtyLog *dirty_log;     /* dirty-log.c's; NULL when not logging */
};

/* All blocks, in creation order (RAMBlock *). */
static GPtrArray *ram_blocks;

/* Discard policy counters (see ramblock.h); main loop only. */
static unsigned int ram_block_discard_disabled_cnt;
static unsigned int ram_block_uncoordinated_discard_disabled_cnt;
static unsigned int ram_block_discard_required_cnt;
static unsigned int ram_block_coordinated_discard_required_cnt;

/* Tests: when set, preallocation touches pages instead of MADV_POPULATE. */
static bool ram_block_prealloc_touch_only;

/* The page size of the filesystem behind fd (hugetlbfs: the huge page). */
static size_t ram_block_fd_page_size(int fd)
{
    struct statfs fs;

    if (fstatfs(fd, &fs) == 0 && fs.f_type == HUGETLBFS_MAGIC) {
        return (size_t)fs.f_bsize;
    }
    return qemu_real_host_page_size();
}

/* ---- reserve=off must really skip the reservation ---- */

/*
 * MAP_NORESERVE only matters for accountable mappings: private writable
 * ones and shared anonymous memory.  hugetlb pages are accounted in their
 * own pool, where MAP_NORESERVE always works; shared file mappings and
 * read-only mappings are never accounted.  With overcommit_memory == 2 the
 * kernel ignores MAP_NORESERVE: fail rather than commit the whole size.
 */
static bool ram_block_noreserve_is_effective(int fd, uint32_t flags,
                                             size_t page_size, Error **errp)
{
    g_autofree char *content = NULL;
    uint64_t mode;

    if (page_size != qemu_real_host_page_size() ||
        (flags & RAM_READONLY) || ((flags & RAM_SHARED) && fd >= 0)) {
        return true;
    }
    if (!g_file_get_contents("/proc/sys/vm/overcommit_memory", &content,
                             NULL, NULL)) {
        error_setg(errp, "Skipping reservation of swap space is not supported: Could not read: \"/proc/sys/vm/overcommit_memory\"");
        return false;
    }
    g_strchomp(content);
    if (qemu_strtou64(content, &mode) == 0 && mode == 2) {
        error_setg(errp, "Skipping reservation of swap space is not supported: \"/proc/sys/vm/overcommit_memory\" is \"2\"");
        return false;
    }
    return true;
}

/* ---- mapping ---- */

/*
 * mmap with the start aligned to align bytes: reserve align more address
 * space than needed (PROT_NONE, no commit), map over the aligned part with
 * MAP_FIXED and give back the ends.  Returns the mapping or MAP_FAILED
 * (errno set).
 */
static void *ram_block_mmap_aligned(uint64_t size, uint64_t align, int prot,
                                    int flags, int fd, off_t offset)
{
    uint64_t reserve_size = size + align;
    uint8_t *reserved;
    uint8_t *aligned;
    void *ptr;

    if (align <= qemu_real_host_page_size()) {
        return mmap(NULL, size, prot, flags, fd, offset);
    }
    reserved = mmap(NULL, reserve_size, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (reserved == MAP_FAILED) {
        return MAP_FAILED;
    }
    aligned = (uint8_t *)QEMU_ALIGN_UP((uintptr_t)reserved, align);
    ptr = mmap(aligned, size, prot, flags | MAP_FIXED, fd, offset);
    if (ptr == MAP_FAILED) {
        int saved_errno = errno;

        munmap(reserved, reserve_size);
        errno = saved_errno;
        return MAP_FAILED;
    }
    if (aligned > reserved) {
        munmap(reserved, aligned - reserved);
    }
    if (reserved + reserve_size > aligned + size) {
        munmap(aligned + size, reserved + reserve_size - (aligned + size));
    }
    return ptr;
}

/* Advice that follows the block's flags; failures are not fatal (KSM off). */
static void ram_block_apply_advice(RAMBlock *rb)
{
    if (rb->flags & RAM_UNMERGEABLE_KSM) {
        madvise(rb->host, rb->used_length, MADV_UNMERGEABLE);
    }
    if (rb->flags & RAM_NODUMP) {
        madvise(rb->host, rb->used_length, MADV_DONTDUMP);
    }
}

static RAMBlock *ram_block_new(const char *name, uint64_t size,
                               uint32_t flags, size_t page_size,
                               MemoryRegion *mr)
{
    RAMBlock *rb = g_new0(RAMBlock, 1);

    rb->idstr = g_strdup(name);
    rb->mr = mr;
    rb->used_length = size;
    rb->page_size = page_size;
    rb->flags = flags;
    rb->fd = -1;
    return rb;
}

static void ram_block_register(RAMBlock *rb)
{
    if (!ram_blocks) {
        ram_blocks = g_ptr_array_new();
    }
    g_ptr_array_add(ram_blocks, rb);
}

/* Map rb (flags, fd, fd_offset, page_size, used_length set). 0/-errno. */
static int ram_block_map(RAMBlock *rb, uint64_t align)
{
    int prot = PROT_READ | ((rb->flags & RAM_READONLY) ? 0 : PROT_WRITE);
    int map_flags = (rb->flags & RAM_SHARED) ? MAP_SHARED : MAP_PRIVATE;
    void *ptr;

    if (rb->flags & RAM_NORESERVE) {
        map_flags |= MAP_NORESERVE;
    }
    if (rb->fd < 0) {
        map_flags |= MAP_ANONYMOUS;
    }
    ptr = ram_block_mmap_aligned(rb->used_length, MAX(align, rb->page_size),
                                 prot, map_flags, rb->fd, rb->fd_offset);
    if (ptr == MAP_FAILED) {
        return -errno;
    }
    rb->map_base = ptr;
    rb->map_length = rb->used_length;
    rb->host = ptr;
    ram_block_apply_advice(rb);
    return 0;
}

RAMBlock *qemu_ram_alloc(const char *name, uint64_t size, uint32_t ram_flags,
                         MemoryRegion *mr, Error **errp)
{
    size_t page_size = qemu_real_host_page_size();
    RAMBlock *rb;
    int ret;

    if (size == 0) {
        error_setg(errp, "RAM block '%s': size 0 is not allowed", name);
        return NULL;
    }
    if (!ram_block_noreserve_is_effective(-1, ram_flags, page_size, errp)) {
        return NULL;
    }
    rb = ram_block_new(name, QEMU_ALIGN_UP(size, page_size), ram_flags,
                       page_size, mr);
    ret = ram_block_map(rb, 0);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "cannot map %s of anonymous RAM for '%s'",
                         size_str(rb->used_length).s, name);
        qemu_ram_free(rb);
        return NULL;
    }
    ram_block_register(rb);
    return rb;
}

static bool ram_block_check_fd_geometry(const char *name, uint64_t size,
                                        off_t offset, size_t page_size,
                                        uint64_t align, Error **errp)
{
    if (size == 0) {
        error_setg(errp, "RAM block '%s': size 0 is not allowed", name);
        return false;
    }
    if (size % page_size) {
        error_setg(errp, "RAM block '%s': size %s is not a multiple of the page size %s", name,
                   size_str(size).s, size_str(page_size).s);
        return false;
    }
    if (offset < 0 || (uint64_t)offset % page_size) {
        error_setg(errp, "RAM block '%s': offset 0x%" PRIx64 " is not a multiple of the page size %s",
                   name, (uint64_t)offset, size_str(page_size).s);
        return false;
    }
    if (align && (!QEMU_IS_POW2(align) || align < page_size)) {
        error_setg(errp, "RAM block '%s': alignment %s must be a power of 2 and at least the page size %s",
                   name, size_str(align).s, size_str(page_size).s);
        return false;
    }
    return true;
}

RAMBlock *qemu_ram_alloc_from_fd_aligned(const char *name, uint64_t size,
                                         uint32_t ram_flags, int fd,
                                         off_t offset, size_t page_size,
                                         uint64_t align, MemoryRegion *mr,
                                         Error **errp)
{
    RAMBlock *rb;
    int ret;

    page_size = page_size ? page_size : ram_block_fd_page_size(fd);
    if (!ram_block_check_fd_geometry(name, size, offset, page_size, align,
                                     errp) ||
        !ram_block_noreserve_is_effective(fd, ram_flags, page_size, errp)) {
        return NULL;
    }
    if (page_size != qemu_real_host_page_size()) {
        ram_flags |= RAM_HUGETLB;
    }
    rb = ram_block_new(name, size, ram_flags, page_size, mr);
    rb->fd = fd;
    rb->fd_offset = offset;
    ret = ram_block_map(rb, align);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "cannot map %s at offset 0x%" PRIx64 " of the file behind '%s'",
                         size_str(size).s, (uint64_t)offset, name);
        rb->fd = -1;            /* the caller still owns fd on failure */
        qemu_ram_free(rb);
        return NULL;
    }
    ram_block_register(rb);
    return rb;
}

RAMBlock *qemu_ram_alloc_from_fd(const char *name, uint64_t size,
                                 uint32_t ram_flags, int fd, off_t offset,
                                 size_t page_size, MemoryRegion *mr,
                                 Error **errp)
{
    return qemu_ram_alloc_from_fd_aligned(name, size, ram_flags, fd, offset,
                                          page_size, 0, mr, errp);
}

RAMBlock *qemu_ram_alloc_from_ptr(const char *name, uint64_t size, void *host,
                                  MemoryRegion *mr, Error **errp)
{
    RAMBlock *rb;

    if (size == 0 || !host) {
        error_setg(errp, "RAM block '%s': needs a host pointer and a size above 0", name);
        return NULL;
    }
    rb = ram_block_new(name, size, 0, qemu_real_host_page_size(), mr);
    rb->host = host;
    ram_block_register(rb);
    return rb;
}

RamDirtyLog **qemu_ram_dirty_log_slot(RAMBlock *rb)
{
    return &rb->dirty_log;
}

void qemu_ram_free(RAMBlock *rb)
{
    if (!rb) {
        return;
    }
    ram_block_dirty_log_free(rb);
    if (ram_blocks) {
        g_ptr_array_remove(ram_blocks, rb);
    }
    if (rb->map_base) {
        munmap(rb->map_base, rb->map_length);
    }
    if (rb->fd >= 0) {
        close(rb->fd);
    }
    g_free(rb->idstr);
    g_free(rb);
}

/* ---- accessors ---- */

void *qemu_ram_get_host_addr(const RAMBlock *rb)
{
    return rb->host;
}

uint64_t qemu_ram_get_used_length(const RAMBlock *rb)
{
    return rb->used_length;
}

const char *qemu_ram_get_idstr(const RAMBlock *rb)
{
    return rb->idstr;
}

int qemu_ram_get_fd(const RAMBlock *rb)
{
    return rb->fd;
}

off_t qemu_ram_get_fd_offset(const RAMBlock *rb)
{
    return rb->fd_offset;
}

size_t qemu_ram_pagesize(const RAMBlock *rb)
{
    return rb->page_size;
}

uint32_t qemu_ram_get_flags(const RAMBlock *rb)
{
    return rb->flags;
}

bool qemu_ram_is_shared(const RAMBlock *rb)
{
    return rb->flags & RAM_SHARED;
}

MemoryRegion *qemu_ram_get_memory_region(const RAMBlock *rb)
{
    return rb->mr;
}

void qemu_ram_set_memory_region(RAMBlock *rb, MemoryRegion *mr)
{
    rb->mr = mr;
}

RAMBlock *qemu_ram_block_from_host(void *ptr, uint64_t *offset)
{
    uintptr_t addr = (uintptr_t)ptr;
    guint i;

    for (i = 0; ram_blocks && i < ram_blocks->len; i++) {
        RAMBlock *rb = g_ptr_array_index(ram_blocks, i);
        uintptr_t start = (uintptr_t)rb->host;

        if (addr >= start && addr - start < rb->used_length) {
            if (offset) {
                *offset = addr - start;
            }
            return rb;
        }
    }
    return NULL;
}

int qemu_ram_foreach_block(int (*fn)(RAMBlock *rb, void *opaque),
                           void *opaque)
{
    guint i;
    int ret;

    for (i = 0; ram_blocks && i < ram_blocks->len; i++) {
        ret = fn(g_ptr_array_index(ram_blocks, i), opaque);
        if (ret) {
            return ret;
        }
    }
    return 0;
}

/* ---- discard ---- */

static bool ram_block_is_valid_range(const RAMBlock *rb, uint64_t offset,
                                     uint64_t length)
{
    uint64_t end;

    return length != 0 && offset % rb->page_size == 0 &&
           length % rb->page_size == 0 &&
           !__builtin_add_overflow(offset, length, &end) &&
           end <= rb->used_length;
}

/*
 * fd-backed: punch a hole so the file gives its pages back (this also
 * drops them from every shared mapping); a private mapping keeps its
 * copy-on-write pages until MADV_DONTNEED, after which it reads the
 * (now empty) file again.
 */
static int ram_block_discard_fd_range(RAMBlock *rb, uint64_t offset,
                                      uint64_t length)
{
    if (fallocate(rb->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                  rb->fd_offset + (off_t)offset, (off_t)length) < 0) {
        return -errno;
    }
    if (!(rb->flags & RAM_SHARED) &&
        madvise(rb->host + offset, length, MADV_DONTNEED) < 0) {
        return -errno;
    }
    return 0;
}

int ram_block_discard_range(RAMBlock *rb, uint64_t offset, uint64_t length)
{
    int advice;

    if (!ram_block_is_valid_range(rb, offset, length)) {
        return -EINVAL;
    }
    if (rb->flags & RAM_READONLY) {
        return -EPERM;
    }
    if (rb->fd >= 0) {
        return ram_block_discard_fd_range(rb, offset, length);
    }
    /* Shared anonymous memory is shmem: only MADV_REMOVE frees it. */
    advice = (rb->flags & RAM_SHARED) ? MADV_REMOVE : MADV_DONTNEED;
    if (madvise(rb->host + offset, length, advice) < 0) {
        return -errno;
    }
    return 0;
}

/* ---- preallocation ---- */

/*
 * One worker's self-contained job: it touches only [start, start +
 * length) and writes only its own result fields.
 */
typedef struct RamBlockPreallocJob {
    uint8_t *start;
    uint64_t length;            /* bytes; multiple of page_size */
    size_t page_size;
    bool readonly;              /* populate by reading, never write */
    bool touch_only;            /* skip MADV_POPULATE_* */
    pthread_t thread;
    int err;                    /* result: 0 or errno (EFAULT for SIGBUS) */
    uint64_t fail_offset;       /* result: offset in the job of the failure */
} RamBlockPreallocJob;

/*
 * Where a worker jumps back to when touching a page raised SIGBUS or
 * SIGSEGV; NULL on every other thread, whose signals go to the handler
 * that was installed before.  volatile: only the signal handler reads it,
 * so the compiler would otherwise drop the stores around the loop.
 */
static __thread sigjmp_buf *volatile ram_block_prealloc_jmp;
static struct sigaction ram_block_prealloc_old_sigbus;
static struct sigaction ram_block_prealloc_old_sigsegv;
/* Serializes preallocations: the handlers above are process-wide. */
static pthread_mutex_t ram_block_prealloc_lock = PTHREAD_MUTEX_INITIALIZER;

static void ram_block_prealloc_signal(int sig, siginfo_t *info, void *ctx)
{
    const struct sigaction *old;

    if (ram_block_prealloc_jmp) {
        siglongjmp(*ram_block_prealloc_jmp, sig);
    }
    old = sig == SIGBUS ? &ram_block_prealloc_old_sigbus
                        : &ram_block_prealloc_old_sigsegv;
    if (old->sa_flags & SA_SIGINFO) {
        old->sa_sigaction(sig, info, ctx);
        return;
    }
    if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
        old->sa_handler(sig);
        return;
    }
    /* Not ours: die of the signal as the process would have. */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void ram_block_prealloc_install_handlers(void)
{
    struct sigaction act;

    memset(&act, 0, sizeof(act));
    act.sa_sigaction = ram_block_prealloc_signal;
    act.sa_flags = SA_SIGINFO;
    sigemptyset(&act.sa_mask);
    sigaction(SIGBUS, &act, &ram_block_prealloc_old_sigbus);
    sigaction(SIGSEGV, &act, &ram_block_prealloc_old_sigsegv);
}

static void ram_block_prealloc_restore_handlers(void)
{
    sigaction(SIGBUS, &ram_block_prealloc_old_sigbus, NULL);
    sigaction(SIGSEGV, &ram_block_prealloc_old_sigsegv, NULL);
}

/*
 * Touch every page: write what is there back (file pages keep their
 * content) or read for read-only mappings.  A signal ends the job with
 * EFAULT at the page that raised it.
 */
static void ram_block_prealloc_touch(RamBlockPreallocJob *job)
{
    sigjmp_buf env;
    volatile uint64_t off = 0;

    if (sigsetjmp(env, 1)) {
        ram_block_prealloc_jmp = NULL;
        job->err = EFAULT;
        job->fail_offset = off;
        return;
    }
    ram_block_prealloc_jmp = &env;
    for (; off < job->length; off += job->page_size) {
        volatile uint8_t *p = job->start + off;

        if (job->readonly) {
            (void)*p;
        } else {
            *p = *p;
        }
    }
    ram_block_prealloc_jmp = NULL;
}

/*
 * Populate with one syscall.  false when touching must do the job: the
 * kernel lacks MADV_POPULATE (EINVAL), or a page raised SIGBUS (EFAULT),
 * where touching finds which one (the pages before it are present now).
 */
static bool ram_block_prealloc_populate(RamBlockPreallocJob *job)
{
    int advice = job->readonly ? MADV_POPULATE_READ : MADV_POPULATE_WRITE;
    int ret;

    do {
        ret = madvise(job->start, job->length, advice);
    } while (ret < 0 && (errno == EINTR || errno == EAGAIN));
    if (ret < 0 && (errno == EINVAL || errno == EFAULT)) {
        return false;
    }
    if (ret < 0) {
        job->err = errno;
        job->fail_offset = 0;
    }
    return true;
}

static void *ram_block_prealloc_worker(void *opaque)
{
    RamBlockPreallocJob *job = opaque;

    if (job->touch_only || !ram_block_prealloc_populate(job)) {
        ram_block_prealloc_touch(job);
    }
    return NULL;
}

/* Split [host, host + length) into nb_jobs page-aligned slices. */
static void ram_block_prealloc_plan(const RAMBlock *rb, uint8_t *host,
                                    uint64_t length, RamBlockPreallocJob *jobs,
                                    unsigned int nb_jobs)
{
    uint64_t nb_pages = length / rb->page_size;
    uint64_t done = 0;
    unsigned int i;

    for (i = 0; i < nb_jobs; i++) {
        uint64_t pages = nb_pages / nb_jobs + (i < nb_pages % nb_jobs);

        jobs[i].start = host + done;
        jobs[i].length = pages * rb->page_size;
        jobs[i].page_size = rb->page_size;
        jobs[i].readonly = rb->flags & RAM_READONLY;
        jobs[i].touch_only = ram_block_prealloc_touch_only;
        done += jobs[i].length;
    }
}

/* Run the jobs (job 0 on the calling thread); returns the first failed. */
static RamBlockPreallocJob *ram_block_prealloc_run(RamBlockPreallocJob *jobs,
                                                   unsigned int nb_jobs)
{
    RamBlockPreallocJob *failed = NULL;
    unsigned int i;

    for (i = 1; i < nb_jobs; i++) {
        if (pthread_create(&jobs[i].thread, NULL, ram_block_prealloc_worker,
                           &jobs[i]) != 0) {
            /* No thread: do that slice here, later, in order. */
            jobs[i].thread = pthread_self();
        }
    }
    ram_block_prealloc_worker(&jobs[0]);
    for (i = 1; i < nb_jobs; i++) {
        if (pthread_equal(jobs[i].thread, pthread_self())) {
            ram_block_prealloc_worker(&jobs[i]);
        } else {
            pthread_join(jobs[i].thread, NULL);
        }
    }
    for (i = 0; i < nb_jobs && !failed; i++) {
        failed = jobs[i].err ? &jobs[i] : NULL;
    }
    return failed;
}

bool ram_block_prealloc_range(RAMBlock *rb, uint64_t offset, uint64_t length,
                              unsigned int nb_threads, Error **errp)
{
    uint64_t nb_pages = length / rb->page_size;
    unsigned int nb_jobs = MAX(1u, MIN(nb_threads, nb_pages));
    g_autofree RamBlockPreallocJob *jobs = NULL;
    RamBlockPreallocJob *failed;

    if (!ram_block_is_valid_range(rb, offset, length)) {
        error_setg(errp, "preallocation of '%s': range [0x%" PRIx64 ", +0x%" PRIx64 ") is not page-aligned (%s) inside the block of %s",
                   rb->idstr, offset, length, size_str(rb->page_size).s,
                   size_str(rb->used_length).s);
        return false;
    }
    jobs = g_new0(RamBlockPreallocJob, nb_jobs);
    ram_block_prealloc_plan(rb, rb->host + offset, length, jobs, nb_jobs);
    pthread_mutex_lock(&ram_block_prealloc_lock);
    ram_block_prealloc_install_handlers();
    failed = ram_block_prealloc_run(jobs, nb_jobs);
    ram_block_prealloc_restore_handlers();
    pthread_mutex_unlock(&ram_block_prealloc_lock);
    if (failed) {
        error_setg(errp, "preallocation failed: '%s' offset 0x%" PRIx64 " (of [0x%" PRIx64 ", 0x%" PRIx64 ")): %s (not enough memory?)",
                   rb->idstr,
                   (uint64_t)(failed->start - rb->host) + failed->fail_offset,
                   offset, offset + length, strerror(failed->err));
        return false;
    }
    return true;
}

void ram_block_prealloc_set_touch_only(bool touch_only)
{
    ram_block_prealloc_touch_only = touch_only;
}

/* ---- discard policy ---- */

int ram_block_discard_disable(bool state)
{
    if (!state) {
        assert(ram_block_discard_disabled_cnt > 0);
        ram_block_discard_disabled_cnt--;
        return 0;
    }
    if (ram_block_discard_required_cnt ||
        ram_block_coordinated_discard_required_cnt) {
        return -EBUSY;
    }
    ram_block_discard_disabled_cnt++;
    return 0;
}

int ram_block_uncoordinated_discard_disable(bool state)
{
    if (!state) {
        assert(ram_block_uncoordinated_discard_disabled_cnt > 0);
        ram_block_uncoordinated_discard_disabled_cnt--;
        return 0;
    }
    if (ram_block_discard_required_cnt) {
        return -EBUSY;
    }
    ram_block_uncoordinated_discard_disabled_cnt++;
    return 0;
}

int ram_block_discard_require(bool state)
{
    if (!state) {
        assert(ram_block_discard_required_cnt > 0);
        ram_block_discard_required_cnt--;
        return 0;
    }
    if (ram_block_discard_disabled_cnt ||
        ram_block_uncoordinated_discard_disabled_cnt) {
        return -EBUSY;
    }
    ram_block_discard_required_cnt++;
    return 0;
}

int ram_block_coordinated_discard_require(bool state)
{
    if (!state) {
        assert(ram_block_coordinated_discard_required_cnt > 0);
        ram_block_coordinated_discard_required_cnt--;
        return 0;
    }
    if (ram_block_discard_disabled_cnt) {
        return -EBUSY;
    }
    ram_block_coordinated_discard_required_cnt++;
    return 0;
}

/* Names of the holders of ram_block_uncoordinated_discard_disable_by(). */
static GPtrArray *ram_block_uncoordinated_discard_holders;

int ram_block_uncoordinated_discard_disable_by(const char *who, bool state)
{
    GPtrArray *holders;
    int ret = ram_block_uncoordinated_discard_disable(state);

    if (!ram_block_uncoordinated_discard_holders) {
        ram_block_uncoordinated_discard_holders =
            g_ptr_array_new_with_free_func(g_free);
    }
    holders = ram_block_uncoordinated_discard_holders;
    if (ret) {
        return ret;
    }
    if (state) {
        g_ptr_array_add(holders, g_strdup(who));
        return 0;
    }
    for (guint i = 0; i < holders->len; i++) {
        if (!strcmp(g_ptr_array_index(holders, i), who)) {
            g_ptr_array_remove_index(holders, i);
            break;
        }
    }
    return 0;
}

bool ram_block_discard_require_for(const char *user, Error **errp)
{
    GPtrArray *holders = ram_block_uncoordinated_discard_holders;

    if (!ram_block_discard_require(true)) {
        return true;
    }
    if (holders && holders->len) {
        error_setg(errp, "%s discards RAM without telling its users, but %s maps guest RAM for DMA and cannot follow such discards",
                   user, (const char *)g_ptr_array_index(holders, 0));
    } else {
        error_setg(errp, "%s needs to discard RAM, but discarding is disabled (memory locked with -overcommit mem-lock=on, or a device that cannot follow discards)",
                   user);
    }
    return false;
}

bool ram_block_discard_is_disabled(void)
{
    return ram_block_discard_disabled_cnt ||
           ram_block_uncoordinated_discard_disabled_cnt;
}

bool ram_block_discard_is_required(void)
{
    return ram_block_discard_required_cnt ||
           ram_block_coordinated_discard_required_cnt;
}

/* ---- -overcommit mem-lock=on ---- */

bool os_mlock(Error **errp)
{
    /* Locked memory cannot be given back: forbid discards first. */
    if (ram_block_discard_disable(true) < 0) {
        error_setg(errp, "mem-lock=on is incompatible with RAM discard required by a device (virtio-mem, virtio-balloon)");
        return false;
    }
    if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0) {
        error_setg_errno(errp, errno, "mem-lock=on: mlockall(MCL_CURRENT|MCL_FUTURE) failed (RLIMIT_MEMLOCK too low?)");
        ram_block_discard_disable(false);
        return false;
    }
    return true;
}
