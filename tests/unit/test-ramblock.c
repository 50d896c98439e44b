/*
 * RAM blocks (softmmu/physmem.c) on real mappings: discard gives memory
 * back and reads zero for every backing (private and shared anonymous,
 * memfd, private and shared file), reserve=off costs nothing, prealloc
 * populates (and fails cleanly on a shrunk memfd), and the discard policy
 * counters refuse the combinations documented in exec/ramblock.h.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "exec/ramblock.h"
#include "sysemu/os.h"

#include <fcntl.h>
#include <signal.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define TEST_BLOCK_SIZE (16 * MiB)
#define TEST_PAGE 4096

static size_t test_resident_pages(void *ptr, uint64_t length)
{
    size_t nb_pages = length / TEST_PAGE;
    g_autofree unsigned char *vec = g_malloc(nb_pages);
    size_t count = 0;
    size_t i;

    g_assert_cmpint(mincore(ptr, length, vec), ==, 0);
    for (i = 0; i < nb_pages; i++) {
        count += vec[i] & 1;
    }
    return count;
}

/* "Rss:" of /proc/self/smaps_rollup, in bytes. */
static uint64_t test_rss(void)
{
    g_autofree char *text = NULL;
    const char *line;

    g_assert_true(g_file_get_contents("/proc/self/smaps_rollup", &text,
                                      NULL, NULL));
    line = strstr(text, "\nRss:");
    g_assert_nonnull(line);
    return g_ascii_strtoull(line + strlen("\nRss:"), NULL, 10) * KiB;
}

static bool test_range_is(const uint8_t *p, uint64_t length, uint8_t value)
{
    uint64_t i;

    for (i = 0; i < length; i += 512) {
        if (p[i] != value) {
            return false;
        }
    }
    return true;
}

static uint64_t test_fd_allocated(int fd)
{
    struct stat st;

    g_assert_cmpint(fstat(fd, &st), ==, 0);
    return (uint64_t)st.st_blocks * 512;
}

static int test_memfd(uint64_t size)
{
    int fd = memfd_create("test-ramblock", MFD_CLOEXEC);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, (off_t)size), ==, 0);
    return fd;
}

static int test_tmpfile(uint64_t size, uint8_t fill)
{
    g_autofree char *path = g_build_filename(g_get_tmp_dir(),
                                             "test-ramblock.XXXXXX", NULL);
    g_autofree uint8_t *buf = g_malloc(size);
    int fd = mkstemp(path);

    g_assert_cmpint(fd, >=, 0);
    unlink(path);
    memset(buf, fill, size);
    g_assert_cmpint(write(fd, buf, size), ==, (ssize_t)size);
    return fd;
}

/*
 * Write every page, discard the middle half: it is no longer resident (nor
 * allocated in the file behind fd-backed blocks), reads zero, and the rest
 * keeps its data.  Allocation is checked before reading: a read fault on
 * a shmem hole allocates a page again.
 */
static void test_discard_common(RAMBlock *rb, bool check_rss)
{
    int fd = qemu_ram_get_fd(rb);

    uint8_t *host = qemu_ram_get_host_addr(rb);
    uint64_t quarter = TEST_BLOCK_SIZE / 4;
    uint64_t rss_before;

    memset(host, 0x5a, TEST_BLOCK_SIZE);
    g_assert_cmpuint(test_resident_pages(host, TEST_BLOCK_SIZE), ==,
                     TEST_BLOCK_SIZE / TEST_PAGE);
    rss_before = test_rss();
    g_assert_cmpint(ram_block_discard_range(rb, quarter, 2 * quarter), ==, 0);
    if (check_rss) {
        g_assert_cmpuint(rss_before - test_rss(), >=, 2 * quarter - 1 * MiB);
    }
    g_assert_cmpuint(test_resident_pages(host + quarter, 2 * quarter), ==, 0);
    if (fd >= 0) {
        g_assert_cmpuint(test_fd_allocated(fd), ==, 2 * quarter);
    }
    g_assert_true(test_range_is(host + quarter, 2 * quarter, 0));
    g_assert_true(test_range_is(host, quarter, 0x5a));
    g_assert_true(test_range_is(host + 3 * quarter, quarter, 0x5a));
}

static void test_discard_private_anon(void)
{
    RAMBlock *rb = qemu_ram_alloc("anon", TEST_BLOCK_SIZE, 0, NULL,
                                  &error_abort);

    test_discard_common(rb, true);
    qemu_ram_free(rb);
}

static void test_discard_shared_anon(void)
{
    RAMBlock *rb = qemu_ram_alloc("shanon", TEST_BLOCK_SIZE, RAM_SHARED, NULL,
                                  &error_abort);

    g_assert_true(qemu_ram_is_shared(rb));
    test_discard_common(rb, true);
    qemu_ram_free(rb);
}

static void test_discard_memfd(void)
{
    int fd = test_memfd(TEST_BLOCK_SIZE);
    RAMBlock *rb = qemu_ram_alloc_from_fd("memfd", TEST_BLOCK_SIZE,
                                          RAM_SHARED, fd, 0, 0, NULL,
                                          &error_abort);

    g_assert_cmpint(qemu_ram_get_fd(rb), ==, fd);
    test_discard_common(rb, true);
    qemu_ram_free(rb);
}

static void test_discard_file_shared(void)
{
    int fd = test_tmpfile(TEST_BLOCK_SIZE, 0x11);
    RAMBlock *rb = qemu_ram_alloc_from_fd("fshared", TEST_BLOCK_SIZE,
                                          RAM_SHARED, fd, 0, 0, NULL,
                                          &error_abort);

    test_discard_common(rb, false);
    qemu_ram_free(rb);
}

/* Private file mapping: the hole and the dropped copies both read zero. */
static void test_discard_file_private(void)
{
    int fd = test_tmpfile(TEST_BLOCK_SIZE, 0x11);
    RAMBlock *rb = qemu_ram_alloc_from_fd("fprivate", TEST_BLOCK_SIZE, 0,
                                          fd, 0, 0, NULL, &error_abort);
    uint8_t byte = 0;

    test_discard_common(rb, true);
    /* Writes to the private copy never reached the file. */
    g_assert_cmpint(pread(fd, &byte, 1, 0), ==, 1);
    g_assert_cmpuint(byte, ==, 0x11);
    qemu_ram_free(rb);
}

static void test_discard_invalid_range(void)
{
    RAMBlock *rb = qemu_ram_alloc("bad", 1 * MiB, 0, NULL, &error_abort);

    g_assert_cmpint(ram_block_discard_range(rb, 100, TEST_PAGE), ==, -EINVAL);
    g_assert_cmpint(ram_block_discard_range(rb, 0, 100), ==, -EINVAL);
    g_assert_cmpint(ram_block_discard_range(rb, 0, 0), ==, -EINVAL);
    g_assert_cmpint(ram_block_discard_range(rb, 1 * MiB - TEST_PAGE,
                                            2 * TEST_PAGE), ==, -EINVAL);
    g_assert_cmpint(ram_block_discard_range(rb, TEST_PAGE, UINT64_MAX -
                                            TEST_PAGE + 1), ==, -EINVAL);
    qemu_ram_free(rb);
}

static void test_discard_readonly_refused(void)
{
    int fd = test_tmpfile(1 * MiB, 0x22);
    RAMBlock *rb = qemu_ram_alloc_from_fd("ro", 1 * MiB, RAM_READONLY, fd, 0,
                                          0, NULL, &error_abort);

    g_assert_cmpuint(*(uint8_t *)qemu_ram_get_host_addr(rb), ==, 0x22);
    g_assert_cmpint(ram_block_discard_range(rb, 0, TEST_PAGE), ==, -EPERM);
    qemu_ram_free(rb);
}

/* ---- allocation ---- */

static void test_alloc_noreserve_1tib(void)
{
    uint64_t rss_before = test_rss();
    RAMBlock *rb = qemu_ram_alloc("huge", 1 * TiB, RAM_NORESERVE, NULL,
                                  &error_abort);
    uint8_t *host = qemu_ram_get_host_addr(rb);

    g_assert_cmpuint(qemu_ram_get_used_length(rb), ==, 1 * TiB);
    g_assert_cmpuint(test_rss(), <, rss_before + 1 * MiB);
    host[512 * GiB] = 1;
    g_assert_cmpuint(test_resident_pages(host + 512 * GiB, 1 * MiB), ==, 1);
    g_assert_cmpuint(test_rss(), <, rss_before + 1 * MiB);
    qemu_ram_free(rb);
}

/* With the heuristic overcommit (mode 0), reserving 1 TiB is refused. */
static void test_alloc_reserved_1tib_refused(void)
{
    g_autofree char *mode = NULL;
    Error *err = NULL;
    RAMBlock *rb;

    g_assert_true(g_file_get_contents("/proc/sys/vm/overcommit_memory",
                                      &mode, NULL, NULL));
    if (strcmp(g_strchomp(mode), "0")) {
        g_test_skip("overcommit_memory is not 0");
        return;
    }
    rb = qemu_ram_alloc("huge", 1 * TiB, 0, NULL, &err);
    g_assert_null(rb);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "cannot map 1 TiB of anonymous RAM for 'huge': Cannot allocate memory");
    error_free(err);
}

static void test_alloc_rounds_to_page(void)
{
    RAMBlock *rb = qemu_ram_alloc("odd", 5000, 0, NULL, &error_abort);

    g_assert_cmpuint(qemu_ram_get_used_length(rb), ==, 2 * TEST_PAGE);
    g_assert_cmpuint(qemu_ram_pagesize(rb), ==, TEST_PAGE);
    g_assert_cmpint(qemu_ram_get_fd(rb), ==, -1);
    g_assert_cmpstr(qemu_ram_get_idstr(rb), ==, "odd");
    qemu_ram_free(rb);
}

static void test_alloc_fd_offset_and_align(void)
{
    int fd = test_tmpfile(3 * MiB, 0);
    RAMBlock *rb;
    uint8_t mark = 0x77;

    g_assert_cmpint(pwrite(fd, &mark, 1, 1 * MiB), ==, 1);
    rb = qemu_ram_alloc_from_fd_aligned("off", 2 * MiB, RAM_SHARED, fd,
                                        1 * MiB, 0, 2 * MiB, NULL,
                                        &error_abort);
    g_assert_cmpuint((uintptr_t)qemu_ram_get_host_addr(rb) % (2 * MiB), ==,
                     0);
    g_assert_cmpuint(*(uint8_t *)qemu_ram_get_host_addr(rb), ==, 0x77);
    g_assert_cmpint(qemu_ram_get_fd_offset(rb), ==, 1 * MiB);
    qemu_ram_free(rb);
}

static void test_alloc_fd_unaligned_offset_is_error(void)
{
    int fd = test_memfd(2 * MiB);
    Error *err = NULL;

    g_assert_null(qemu_ram_alloc_from_fd("uoff", 1 * MiB, RAM_SHARED, fd, 100,
                                         0, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "RAM block 'uoff': offset 0x64 is not a multiple of the page size 4 KiB");
    error_free(err);
    close(fd);
}

static int test_collect_block(RAMBlock *rb, void *opaque)
{
    g_ptr_array_add(opaque, rb);
    return 0;
}

static void test_lookup_and_foreach(void)
{
    RAMBlock *a = qemu_ram_alloc("a", 1 * MiB, 0, NULL, &error_abort);
    RAMBlock *b = qemu_ram_alloc("b", 2 * MiB, 0, NULL, &error_abort);
    g_autoptr(GPtrArray) seen = g_ptr_array_new();
    uint8_t *host_b = qemu_ram_get_host_addr(b);
    uint64_t offset = 0;
    int stack_var = 0;

    g_assert_true(qemu_ram_block_from_host(host_b + 0x1234, &offset) == b);
    g_assert_cmpuint(offset, ==, 0x1234);
    g_assert_true(qemu_ram_block_from_host(host_b + 2 * MiB, NULL) != b);
    g_assert_null(qemu_ram_block_from_host(&stack_var, NULL));
    qemu_ram_foreach_block(test_collect_block, seen);
    g_assert_cmpuint(seen->len, ==, 2);
    g_assert_true(g_ptr_array_index(seen, 0) == a);
    g_assert_true(g_ptr_array_index(seen, 1) == b);
    qemu_ram_free(a);
    qemu_ram_free(b);
}

/* ---- preallocation ---- */

static void test_prealloc_populates(bool touch_only, unsigned int threads)
{
    RAMBlock *rb = qemu_ram_alloc("pre", TEST_BLOCK_SIZE, 0, NULL,
                                  &error_abort);
    uint8_t *host = qemu_ram_get_host_addr(rb);

    ram_block_prealloc_set_touch_only(touch_only);
    g_assert_cmpuint(test_resident_pages(host, TEST_BLOCK_SIZE), ==, 0);
    g_assert_true(ram_block_prealloc_range(rb, 1 * MiB, 8 * MiB, threads,
                                           &error_abort));
    g_assert_cmpuint(test_resident_pages(host, TEST_BLOCK_SIZE), ==,
                     8 * MiB / TEST_PAGE);
    g_assert_cmpuint(test_resident_pages(host + 1 * MiB, 8 * MiB), ==,
                     8 * MiB / TEST_PAGE);
    ram_block_prealloc_set_touch_only(false);
    qemu_ram_free(rb);
}

static void test_prealloc_populate_4_threads(void)
{
    test_prealloc_populates(false, 4);
}

static void test_prealloc_touch_4_threads(void)
{
    test_prealloc_populates(true, 4);
}

/* More threads than pages: one per page, still every page. */
static void test_prealloc_more_threads_than_pages(void)
{
    RAMBlock *rb = qemu_ram_alloc("few", 2 * TEST_PAGE, 0, NULL,
                                  &error_abort);

    g_assert_true(ram_block_prealloc_range(rb, 0, 2 * TEST_PAGE, 64,
                                           &error_abort));
    g_assert_cmpuint(test_resident_pages(qemu_ram_get_host_addr(rb),
                                         2 * TEST_PAGE), ==, 2);
    qemu_ram_free(rb);
}

/*
 * A memfd shrunk after mapping: pages past the new end raise SIGBUS.
 * Preallocation reports the first missing page and does not crash.
 */
static void test_prealloc_shrunk_memfd(bool touch_only)
{
    int fd = test_memfd(8 * MiB);
    RAMBlock *rb = qemu_ram_alloc_from_fd("shrunk", 8 * MiB, RAM_SHARED, fd,
                                          0, 0, NULL, &error_abort);
    Error *err = NULL;
    struct sigaction before, act;

    /* Under ASan the handler before is ASan's, not SIG_DFL. */
    g_assert_cmpint(sigaction(SIGBUS, NULL, &before), ==, 0);
    g_assert_cmpint(ftruncate(fd, 3 * MiB), ==, 0);
    ram_block_prealloc_set_touch_only(touch_only);
    g_assert_false(ram_block_prealloc_range(rb, 0, 8 * MiB, 2, &err));
    ram_block_prealloc_set_touch_only(false);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "preallocation failed: 'shrunk' offset 0x300000 (of [0x0, 0x800000)): Bad address (not enough memory?)");
    error_free(err);
    /* The pages before the end were populated and stay usable. */
    g_assert_cmpuint(test_resident_pages(qemu_ram_get_host_addr(rb),
                                         3 * MiB), ==, 3 * MiB / TEST_PAGE);
    /* The process's own SIGBUS handling is back. */
    g_assert_cmpint(sigaction(SIGBUS, NULL, &act), ==, 0);
    g_assert_true(act.sa_handler == before.sa_handler);
    qemu_ram_free(rb);
}

static void test_prealloc_shrunk_memfd_populate(void)
{
    test_prealloc_shrunk_memfd(false);
}

static void test_prealloc_shrunk_memfd_touch(void)
{
    test_prealloc_shrunk_memfd(true);
}

static void test_prealloc_invalid_range(void)
{
    RAMBlock *rb = qemu_ram_alloc("pr", 1 * MiB, 0, NULL, &error_abort);
    Error *err = NULL;

    g_assert_false(ram_block_prealloc_range(rb, 0, 2 * MiB, 1, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "preallocation of 'pr': range [0x0, +0x200000) is not page-aligned (4 KiB) inside the block of 1 MiB");
    error_free(err);
    qemu_ram_free(rb);
}

/* ---- discard policy ---- */

static void test_policy_require_then_disable_busy(void)
{
    g_assert_cmpint(ram_block_discard_require(true), ==, 0);
    g_assert_true(ram_block_discard_is_required());
    g_assert_cmpint(ram_block_discard_disable(true), ==, -EBUSY);
    g_assert_cmpint(ram_block_uncoordinated_discard_disable(true), ==,
                    -EBUSY);
    g_assert_false(ram_block_discard_is_disabled());
    g_assert_cmpint(ram_block_discard_require(false), ==, 0);
    g_assert_false(ram_block_discard_is_required());
    g_assert_cmpint(ram_block_discard_disable(true), ==, 0);
    g_assert_cmpint(ram_block_discard_disable(false), ==, 0);
}

static void test_policy_disable_then_require_busy(void)
{
    g_assert_cmpint(ram_block_discard_disable(true), ==, 0);
    g_assert_true(ram_block_discard_is_disabled());
    g_assert_cmpint(ram_block_discard_require(true), ==, -EBUSY);
    g_assert_cmpint(ram_block_coordinated_discard_require(true), ==, -EBUSY);
    g_assert_false(ram_block_discard_is_required());
    g_assert_cmpint(ram_block_discard_disable(false), ==, 0);
    g_assert_false(ram_block_discard_is_disabled());
}

/* VFIO (uncoordinated disable) and virtio-mem (coordinated) coexist. */
static void test_policy_coordinated_with_uncoordinated_disable(void)
{
    g_assert_cmpint(ram_block_uncoordinated_discard_disable(true), ==, 0);
    g_assert_cmpint(ram_block_coordinated_discard_require(true), ==, 0);
    g_assert_true(ram_block_discard_is_disabled());
    g_assert_true(ram_block_discard_is_required());
    /* ... but a balloon (uncoordinated require) does not. */
    g_assert_cmpint(ram_block_discard_require(true), ==, -EBUSY);
    /* ... and nothing may disable all discards now. */
    g_assert_cmpint(ram_block_discard_disable(true), ==, -EBUSY);
    g_assert_cmpint(ram_block_coordinated_discard_require(false), ==, 0);
    g_assert_cmpint(ram_block_uncoordinated_discard_disable(false), ==, 0);
    g_assert_false(ram_block_discard_is_disabled());
    g_assert_false(ram_block_discard_is_required());
}

static void test_policy_uncoordinated_require_blocks_uncoordinated_disable(void)
{
    g_assert_cmpint(ram_block_discard_require(true), ==, 0);
    g_assert_cmpint(ram_block_uncoordinated_discard_disable(true), ==,
                    -EBUSY);
    g_assert_cmpint(ram_block_discard_require(false), ==, 0);
    g_assert_cmpint(ram_block_coordinated_discard_require(true), ==, 0);
    g_assert_cmpint(ram_block_uncoordinated_discard_disable(true), ==, 0);
    g_assert_cmpint(ram_block_uncoordinated_discard_disable(false), ==, 0);
    g_assert_cmpint(ram_block_coordinated_discard_require(false), ==, 0);
}

static void test_policy_nests(void)
{
    g_assert_cmpint(ram_block_discard_disable(true), ==, 0);
    g_assert_cmpint(ram_block_discard_disable(true), ==, 0);
    g_assert_cmpint(ram_block_discard_disable(false), ==, 0);
    g_assert_true(ram_block_discard_is_disabled());
    g_assert_cmpint(ram_block_discard_require(true), ==, -EBUSY);
    g_assert_cmpint(ram_block_discard_disable(false), ==, 0);
    g_assert_cmpint(ram_block_discard_require(true), ==, 0);
    g_assert_cmpint(ram_block_discard_require(false), ==, 0);
}

/* mem-lock=on with a device needing discard: refused, policy unchanged. */
static void test_policy_mlock_refused_when_discard_required(void)
{
    Error *err = NULL;

    g_assert_cmpint(ram_block_coordinated_discard_require(true), ==, 0);
    g_assert_false(os_mlock(&err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "mem-lock=on is incompatible with RAM discard required by a device (virtio-mem, virtio-balloon)");
    error_free(err);
    g_assert_false(ram_block_discard_is_disabled());
    g_assert_cmpint(ram_block_coordinated_discard_require(false), ==, 0);
}

/*
 * In a child: with CAP_IPC_LOCK (or a large enough RLIMIT_MEMLOCK) mlockall
 * succeeds and discard is disabled; otherwise the failure is undone.
 */
static void test_policy_mlock_disables_discard(void)
{
    Error *err = NULL;

    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        return;
    }
    if (os_mlock(&err)) {
        g_assert_true(ram_block_discard_is_disabled());
        g_assert_cmpint(ram_block_coordinated_discard_require(true), ==,
                        -EBUSY);
    } else {
        g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                       "mem-lock=on: mlockall("));
        error_free(err);
        g_assert_false(ram_block_discard_is_disabled());
    }
    exit(0);
}

/*
 * In a child without CAP_IPC_LOCK and with RLIMIT_MEMLOCK of one page,
 * mlockall fails: error, and discard is enabled again.
 */
static void test_policy_mlock_failure_undone(void)
{
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct caps[2];
    struct rlimit lim = { TEST_PAGE, TEST_PAGE };
    Error *err = NULL;

#ifdef __SANITIZE_ADDRESS__
    /* ASan intercepts mlockall() and ignores it: nothing can fail. */
    g_test_skip("mlockall is a no-op under AddressSanitizer");
    return;
#endif
    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        return;
    }
    g_assert_cmpint(syscall(SYS_capget, &hdr, caps), ==, 0);
    caps[0].effective &= ~(1u << CAP_IPC_LOCK);
    g_assert_cmpint(syscall(SYS_capset, &hdr, caps), ==, 0);
    g_assert_cmpint(setrlimit(RLIMIT_MEMLOCK, &lim), ==, 0);
    g_assert_false(os_mlock(&err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "mem-lock=on: mlockall(MCL_CURRENT|MCL_FUTURE) failed (RLIMIT_MEMLOCK too low?): Cannot allocate memory");
    error_free(err);
    g_assert_false(ram_block_discard_is_disabled());
    exit(0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ramblock/discard/private-anon-reads-zero-frees-rss",
                    test_discard_private_anon);
    g_test_add_func("/ramblock/discard/shared-anon-reads-zero-frees-rss",
                    test_discard_shared_anon);
    g_test_add_func("/ramblock/discard/memfd-punches-file",
                    test_discard_memfd);
    g_test_add_func("/ramblock/discard/shared-file-punches-file",
                    test_discard_file_shared);
    g_test_add_func("/ramblock/discard/private-file-drops-copies",
                    test_discard_file_private);
    g_test_add_func("/ramblock/discard/unaligned-or-outside-is-einval",
                    test_discard_invalid_range);
    g_test_add_func("/ramblock/discard/readonly-is-eperm",
                    test_discard_readonly_refused);
    g_test_add_func("/ramblock/alloc/noreserve-1tib-costs-no-rss",
                    test_alloc_noreserve_1tib);
    g_test_add_func("/ramblock/alloc/reserved-1tib-is-refused",
                    test_alloc_reserved_1tib_refused);
    g_test_add_func("/ramblock/alloc/size-rounded-to-page",
                    test_alloc_rounds_to_page);
    g_test_add_func("/ramblock/alloc/fd-offset-and-align",
                    test_alloc_fd_offset_and_align);
    g_test_add_func("/ramblock/alloc/fd-unaligned-offset-is-error",
                    test_alloc_fd_unaligned_offset_is_error);
    g_test_add_func("/ramblock/lookup/from-host-and-foreach-in-order",
                    test_lookup_and_foreach);
    g_test_add_func("/ramblock/prealloc/populate-4-threads-all-resident",
                    test_prealloc_populate_4_threads);
    g_test_add_func("/ramblock/prealloc/touch-4-threads-all-resident",
                    test_prealloc_touch_4_threads);
    g_test_add_func("/ramblock/prealloc/more-threads-than-pages",
                    test_prealloc_more_threads_than_pages);
    g_test_add_func("/ramblock/prealloc/shrunk-memfd-populate-is-error",
                    test_prealloc_shrunk_memfd_populate);
    g_test_add_func("/ramblock/prealloc/shrunk-memfd-touch-sigbus-is-error",
                    test_prealloc_shrunk_memfd_touch);
    g_test_add_func("/ramblock/prealloc/outside-block-is-error",
                    test_prealloc_invalid_range);
    g_test_add_func("/ramblock/policy/require-then-disable-is-ebusy",
                    test_policy_require_then_disable_busy);
    g_test_add_func("/ramblock/policy/disable-then-require-is-ebusy",
                    test_policy_disable_then_require_busy);
    g_test_add_func("/ramblock/policy/coordinated-with-uncoordinated-disable",
                    test_policy_coordinated_with_uncoordinated_disable);
    g_test_add_func("/ramblock/policy/uncoordinated-require-blocks-uncoordinated-disable",
                    test_policy_uncoordinated_require_blocks_uncoordinated_disable);
    g_test_add_func("/ramblock/policy/counters-nest",
                    test_policy_nests);
    g_test_add_func("/ramblock/policy/mlock-refused-when-discard-required",
                    test_policy_mlock_refused_when_discard_required);
    g_test_add_func("/ramblock/policy/mlock-disables-discard",
                    test_policy_mlock_disables_discard);
    g_test_add_func("/ramblock/policy/mlock-failure-reenables-discard",
                    test_policy_mlock_failure_undone);
    return g_test_run();
}
