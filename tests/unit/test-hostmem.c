/*
 * Memory backends (backends/hostmem*.c) created the way -object and
 * object-add create them (user_creatable_add): defaults, command-line and
 * JSON property forms, QEMU's error messages, properties frozen after
 * creation, in-use refusal of object-del, prealloc, and the query-memdev /
 * info memdev output.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "sysemu/hostmem.h"
#include "monitor/monitor.h"
#include "migration/register.h"
#include "migration/migration-internal.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

static json_t *test_props(const char *json)
{
    json_error_t jerr;
    json_t *props = json_loads(json, JSON_DECODE_ANY, &jerr);

    g_assert_nonnull(props);
    return props;
}

static HostMemoryBackend *test_add(const char *type, const char *id,
                                   const char *json, bool from_cli)
{
    g_autoptr(json_t) props = test_props(json);
    Object *obj = user_creatable_add(type, id, props, from_cli, &error_abort);

    return MEMORY_BACKEND(obj);
}

/* Creation must fail with exactly msg and leave nothing at /objects/id. */
static void test_add_fails(const char *type, const char *id,
                           const char *json, bool from_cli, const char *msg)
{
    g_autoptr(json_t) props = test_props(json);
    Error *err = NULL;

    g_assert_null(user_creatable_add(type, id, props, from_cli, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
    g_assert_null(host_memory_backend_find(id));
}

static void test_del(const char *id)
{
    g_assert_true(user_creatable_del(id, &error_abort));
    g_assert_null(host_memory_backend_find(id));
}

static void test_assert_json(json_t *value, const char *expected)
{
    g_autoptr(json_t) want = test_props(expected);

    if (!json_equal(value, want)) {
        g_autofree char *got = json_dumps(value, JSON_ENCODE_ANY);

        g_error("got %s, expected %s", got, expected);
    }
}

static void test_assert_prop(Object *obj, const char *name,
                             const char *expected)
{
    g_autoptr(json_t) value = object_property_get(obj, name, &error_abort);

    test_assert_json(value, expected);
}

static RAMBlock *test_block(HostMemoryBackend *backend)
{
    return memory_region_get_ram_block(
        host_memory_backend_get_memory(backend));
}

static size_t test_resident_pages(void *ptr, uint64_t length)
{
    size_t nb_pages = length / 4096;
    g_autofree unsigned char *vec = g_malloc(nb_pages);
    size_t count = 0;
    size_t i;

    g_assert_cmpint(mincore(ptr, length, vec), ==, 0);
    for (i = 0; i < nb_pages; i++) {
        count += vec[i] & 1;
    }
    return count;
}

static int test_count_block(RAMBlock *rb, void *opaque)
{
    return 1;
}

/* ---- memory-backend-ram ---- */

static void test_ram_defaults(void)
{
    HostMemoryBackend *b = test_add(TYPE_MEMORY_BACKEND_RAM, "mem0",
                                    "{\"size\": 8388608}", false);
    Object *obj = OBJECT(b);
    g_autofree char *name = host_memory_backend_get_name(b);
    RAMBlock *rb = test_block(b);

    test_assert_prop(obj, HOSTMEM_PROP_SIZE, "8388608");
    test_assert_prop(obj, HOSTMEM_PROP_SHARE, "false");
    test_assert_prop(obj, HOSTMEM_PROP_RESERVE, "true");
    test_assert_prop(obj, HOSTMEM_PROP_PREALLOC, "false");
    test_assert_prop(obj, HOSTMEM_PROP_PREALLOC_THREADS, "1");
    test_assert_prop(obj, HOSTMEM_PROP_MERGE, "true");
    test_assert_prop(obj, HOSTMEM_PROP_DUMP, "true");
    test_assert_prop(obj, HOSTMEM_PROP_HOST_NODES, "[]");
    test_assert_prop(obj, HOSTMEM_PROP_POLICY, "\"default\"");
    test_assert_prop(obj, HOSTMEM_PROP_CANONICAL_PATH, "false");
    g_assert_cmpstr(name, ==, "mem0");
    g_assert_cmpuint(host_memory_backend_pagesize(b), ==, 4096);
    g_assert_false(host_memory_backend_is_mapped(b));
    g_assert_cmpuint(qemu_ram_get_used_length(rb), ==, 8 * MiB);
    g_assert_cmpuint(qemu_ram_get_flags(rb), ==, 0);
    g_assert_cmpint(qemu_ram_get_fd(rb), ==, -1);
    g_assert_cmpuint(test_resident_pages(qemu_ram_get_host_addr(rb),
                                         8 * MiB), ==, 0);
    test_del("mem0");
}

static void test_ram_cli_forms(void)
{
    HostMemoryBackend *b = test_add(TYPE_MEMORY_BACKEND_RAM, "mem0",
                                    "{\"size\": \"4M\", \"share\": \"on\", \"reserve\": \"off\", \"merge\": \"off\", \"dump\": \"off\", \"prealloc-threads\": \"3\"}",
                                    true);
    RAMBlock *rb = test_block(b);

    test_assert_prop(OBJECT(b), HOSTMEM_PROP_SIZE, "4194304");
    test_assert_prop(OBJECT(b), HOSTMEM_PROP_PREALLOC_THREADS, "3");
    g_assert_cmpuint(qemu_ram_get_flags(rb), ==,
                     RAM_SHARED | RAM_NORESERVE | RAM_UNMERGEABLE_KSM |
                     RAM_NODUMP);
    test_del("mem0");
}

static void test_ram_missing_size(void)
{
    test_add_fails(TYPE_MEMORY_BACKEND_RAM, "mem0", "{}", false,
                   "can't create backend with size 0");
}

static void test_ram_size_zero(void)
{
    test_add_fails(TYPE_MEMORY_BACKEND_RAM, "mem0", "{\"size\": 0}", false,
                   "property 'size' of memory-backend-ram doesn't take value '0'");
}

static void test_ram_prealloc_threads_zero(void)
{
    test_add_fails(TYPE_MEMORY_BACKEND_RAM, "mem0",
                   "{\"size\": 4096, \"prealloc-threads\": 0}", false,
                   "property 'prealloc-threads' of memory-backend-ram doesn't take value '0'");
}

static void test_ram_prealloc_noreserve_conflict(void)
{
    test_add_fails(TYPE_MEMORY_BACKEND_RAM, "mem0",
                   "{\"size\": 4096, \"prealloc\": true, \"reserve\": false}",
                   false,
                   "'prealloc=on' and 'reserve=off' are incompatible");
    test_add_fails(TYPE_MEMORY_BACKEND_RAM, "mem0",
                   "{\"size\": 4096, \"reserve\": false, \"prealloc\": true}",
                   false,
                   "'prealloc=on' and 'reserve=off' are incompatible");
}

static void test_ram_prealloc_populates(void)
{
    HostMemoryBackend *b = test_add(TYPE_MEMORY_BACKEND_RAM, "mem0",
                                    "{\"size\": 8388608, \"prealloc\": true, \"prealloc-threads\": 2}",
                                    false);
    RAMBlock *rb = test_block(b);

    g_assert_cmpuint(test_resident_pages(qemu_ram_get_host_addr(rb),
                                         8 * MiB), ==, 8 * MiB / 4096);
    test_del("mem0");
}

/* Switching prealloc on later populates then, as in QEMU. */
static void test_ram_prealloc_later(void)
{
    HostMemoryBackend *b = test_add(TYPE_MEMORY_BACKEND_RAM, "mem0",
                                    "{\"size\": 4194304}", false);
    RAMBlock *rb = test_block(b);

    g_assert_cmpuint(test_resident_pages(qemu_ram_get_host_addr(rb),
                                         4 * MiB), ==, 0);
    g_assert_true(object_property_set_bool(OBJECT(b), HOSTMEM_PROP_PREALLOC,
                                           true, &error_abort));
    g_assert_cmpuint(test_resident_pages(qemu_ram_get_host_addr(rb),
                                         4 * MiB), ==, 4 * MiB / 4096);
    test_del("mem0");
}

static void test_props_frozen_after_complete(void)
{
    HostMemoryBackend *b = test_add(TYPE_MEMORY_BACKEND_RAM, "mem0",
                                    "{\"size\": 4096}", false);
    static const char *const frozen[][2] = {
        { HOSTMEM_PROP_SIZE, "8192" },
        { HOSTMEM_PROP_SHARE, "true" },
        { HOSTMEM_PROP_RESERVE, "false" },
        { HOSTMEM_PROP_POLICY, "\"bind\"" },
        { HOSTMEM_PROP_HOST_NODES, "[0]" },
        { HOSTMEM_PROP_CANONICAL_PATH, "true" },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(frozen); i++) {
        g_autoptr(json_t) value = test_props(frozen[i][1]);
        g_autofree char *msg = g_strdup_printf(
            "cannot change property '%s' of memory-backend-ram", frozen[i][0]);
        Error *err = NULL;

        g_assert_false(object_property_set(OBJECT(b), frozen[i][0], value,
                                           &err));
        g_assert_cmpstr(error_get_pretty(err), ==, msg);
        error_free(err);
    }
    test_assert_prop(OBJECT(b), HOSTMEM_PROP_SIZE, "4096");
    test_assert_prop(OBJECT(b), HOSTMEM_PROP_SHARE, "false");
    /* merge and dump follow at any time. */
    g_assert_true(object_property_set_bool(OBJECT(b), HOSTMEM_PROP_DUMP,
                                           false, &error_abort));
    test_assert_prop(OBJECT(b), HOSTMEM_PROP_DUMP, "false");
    test_del("mem0");
}

/* ---- NUMA properties ---- */

static void test_nodes_forms(void)
{
    Object *obj = object_new(TYPE_MEMORY_BACKEND_RAM);
    g_autoptr(json_t) list = test_props("[3, 1, 1]");
    Error *err = NULL;

    g_assert_true(object_property_parse(obj, HOSTMEM_PROP_HOST_NODES, "0-2",
                                        &error_abort));
    test_assert_prop(obj, HOSTMEM_PROP_HOST_NODES, "[0, 1, 2]");
    g_assert_true(object_property_parse(obj, HOSTMEM_PROP_HOST_NODES, "5",
                                        &error_abort));
    test_assert_prop(obj, HOSTMEM_PROP_HOST_NODES, "[5]");
    g_assert_true(object_property_set(obj, HOSTMEM_PROP_HOST_NODES, list,
                                      &error_abort));
    test_assert_prop(obj, HOSTMEM_PROP_HOST_NODES, "[1, 3]");
    g_assert_false(object_property_parse(obj, HOSTMEM_PROP_HOST_NODES, "200",
                                         &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid host-nodes value: 200 (host nodes are 0 to 127)");
    error_free(err);
    err = NULL;
    g_assert_false(object_property_parse(obj, HOSTMEM_PROP_HOST_NODES, "x",
                                         &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'host-nodes' expects node numbers or ranges like 0-1, not 'x'");
    error_free(err);
    /* Failed sets left the value as it was. */
    test_assert_prop(obj, HOSTMEM_PROP_HOST_NODES, "[1, 3]");
    object_unref(obj);
}

static void test_nodes_without_policy(void)
{
    test_add_fails(TYPE_MEMORY_BACKEND_RAM, "mem0",
                   "{\"size\": \"4096\", \"host-nodes\": \"0\"}", true,
                   "host-nodes must be empty for policy default, or you should explicitly specify a policy other than default");
    test_add_fails(TYPE_MEMORY_BACKEND_RAM, "mem0",
                   "{\"size\": 4096, \"policy\": \"bind\"}", false,
                   "host-nodes must be set for policy bind");
}

/* Node 0 exists on every Linux host: bind to it with mbind(2). */
static void test_nodes_bind_node0(void)
{
    HostMemoryBackend *b = test_add(TYPE_MEMORY_BACKEND_RAM, "mem0",
                                    "{\"size\": \"2M\", \"host-nodes\": \"0\", \"policy\": \"bind\", \"prealloc\": \"on\"}",
                                    true);

    test_assert_prop(OBJECT(b), HOSTMEM_PROP_HOST_NODES, "[0]");
    test_assert_prop(OBJECT(b), HOSTMEM_PROP_POLICY, "\"bind\"");
    test_del("mem0");
}

/* mbind fails after the memory was mapped: the mapping is undone. */
static void test_nodes_bind_missing_node(void)
{
    if (g_file_test("/sys/devices/system/node/node100", G_FILE_TEST_EXISTS)) {
        g_test_skip("host has a node 100");
        return;
    }
    test_add_fails(TYPE_MEMORY_BACKEND_RAM, "mem0",
                   "{\"size\": \"2M\", \"host-nodes\": \"100\", \"policy\": \"bind\"}",
                   true, "cannot bind memory to host NUMA nodes: Invalid argument");
    g_assert_true(qemu_ram_foreach_block(test_count_block, NULL) == 0);
}

/* ---- memory-backend-memfd ---- */

static void test_memfd_defaults(void)
{
    HostMemoryBackend *b = test_add(TYPE_MEMORY_BACKEND_MEMFD, "mem1",
                                    "{\"size\": 2097152}", false);
    RAMBlock *rb = test_block(b);
    int fd = qemu_ram_get_fd(rb);

    test_assert_prop(OBJECT(b), HOSTMEM_PROP_SHARE, "true");
    test_assert_prop(OBJECT(b), HOSTMEM_MEMFD_PROP_SEAL, "true");
    test_assert_prop(OBJECT(b), HOSTMEM_MEMFD_PROP_HUGETLB, "false");
    test_assert_prop(OBJECT(b), HOSTMEM_MEMFD_PROP_HUGETLBSIZE, "0");
    g_assert_cmpint(fd, >=, 0);
    g_assert_true(qemu_ram_is_shared(rb));
    g_assert_cmpint(fcntl(fd, F_GET_SEALS), ==,
                    F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
    g_assert_cmpint(ftruncate(fd, 4096), ==, -1);
    /* Seals forbid resizing, not punching holes: discard still works. */
    memset(qemu_ram_get_host_addr(rb), 0x66, 2 * MiB);
    g_assert_cmpint(ram_block_discard_range(rb, 0, 2 * MiB), ==, 0);
    g_assert_cmpuint(test_resident_pages(qemu_ram_get_host_addr(rb),
                                         2 * MiB), ==, 0);
    test_del("mem1");
}

static void test_memfd_unsealed(void)
{
    HostMemoryBackend *b = test_add(TYPE_MEMORY_BACKEND_MEMFD, "mem1",
                                    "{\"size\": \"1M\", \"seal\": \"off\", \"share\": \"off\"}",
                                    true);
    RAMBlock *rb = test_block(b);

    g_assert_cmpint(fcntl(qemu_ram_get_fd(rb), F_GET_SEALS), ==, F_SEAL_SEAL);
    g_assert_false(qemu_ram_is_shared(rb));
    test_del("mem1");
}

static void test_memfd_hugetlbsize_not_pow2(void)
{
    test_add_fails(TYPE_MEMORY_BACKEND_MEMFD, "mem1",
                   "{\"size\": \"4M\", \"hugetlb\": \"on\", \"hugetlbsize\": \"3M\"}",
                   true,
                   "property 'hugetlbsize' of memory-backend-memfd doesn't take value '3145728': a huge page size is a power of 2 (e.g. 2M, 1G)");
}

/*
 * hugetlb=on on a host without free huge pages: the reservation at mmap
 * fails, cleanly.  Skipped where huge pages are available or hugetlbfs
 * is missing.
 */
static void test_memfd_hugetlb_without_pages(void)
{
    int probe = memfd_create("probe", MFD_HUGETLB);
    g_autofree char *meminfo = NULL;

    g_assert_true(g_file_get_contents("/proc/meminfo", &meminfo, NULL, NULL));
    if (probe < 0 || !strstr(meminfo, "HugePages_Free:        0\n")) {
        g_test_skip("needs hugetlbfs with no free huge pages");
        if (probe >= 0) {
            close(probe);
        }
        return;
    }
    close(probe);
    test_add_fails(TYPE_MEMORY_BACKEND_MEMFD, "mem1",
                   "{\"size\": \"2M\", \"hugetlb\": \"on\"}", true,
                   "cannot map 2 MiB at offset 0x0 of the file behind 'mem1': Cannot allocate memory");
}

/*
 * reserve=off lets a hugetlb memfd map without free huge pages: the page
 * size is the huge page's, and populating fails with an error, not SIGBUS.
 */
static void test_memfd_hugetlb_noreserve(void)
{
    int probe = memfd_create("probe", MFD_HUGETLB);
    HostMemoryBackend *b;
    RAMBlock *rb;
    Error *err = NULL;

    if (probe < 0) {
        g_test_skip("needs hugetlbfs");
        return;
    }
    close(probe);
    b = test_add(TYPE_MEMORY_BACKEND_MEMFD, "mem1",
                 "{\"size\": \"4M\", \"hugetlb\": \"on\", \"hugetlbsize\": \"2M\", \"reserve\": \"off\"}",
                 true);
    rb = test_block(b);
    g_assert_cmpuint(host_memory_backend_pagesize(b), ==, 2 * MiB);
    g_assert_cmpuint(qemu_ram_get_flags(rb), ==,
                     RAM_SHARED | RAM_NORESERVE | RAM_HUGETLB);
    g_assert_cmpint(ram_block_discard_range(rb, 0, 2 * MiB), ==, 0);
    g_assert_cmpint(ram_block_discard_range(rb, 0, 4096), ==, -EINVAL);
    if (ram_block_prealloc_range(rb, 0, 4 * MiB, 2, &err)) {
        g_test_message("huge pages were available: no failure to check");
    } else {
        g_assert_cmpstr(error_get_pretty(err), ==,
                        "preallocation failed: 'mem1' offset 0x0 (of [0x0, 0x400000)): Bad address (not enough memory?)");
        error_free(err);
    }
    test_del("mem1");
}

/* ---- memory-backend-file ---- */

static void test_file_missing_mem_path(void)
{
    test_add_fails(TYPE_MEMORY_BACKEND_FILE, "mem2", "{\"size\": 4096}",
                   false, "mem-path property not set");
}

static void test_file_in_directory(void)
{
    g_autofree char *dir = g_dir_make_tmp("test-hostmem-XXXXXX", NULL);
    g_autofree char *json = g_strdup_printf(
        "{\"size\": \"2M\", \"mem-path\": \"%s\", \"share\": \"on\"}", dir);
    HostMemoryBackend *b = test_add(TYPE_MEMORY_BACKEND_FILE, "mem2", json,
                                    true);
    RAMBlock *rb = test_block(b);
    struct stat st;

    test_assert_prop(OBJECT(b), HOSTMEM_FILE_PROP_READONLY, "false");
    test_assert_prop(OBJECT(b), HOSTMEM_FILE_PROP_DISCARD_DATA, "false");
    g_assert_cmpuint(host_memory_backend_pagesize(b), ==, 4096);
    g_assert_cmpint(fstat(qemu_ram_get_fd(rb), &st), ==, 0);
    g_assert_cmpint(st.st_size, ==, 2 * MiB);
    g_assert_cmpint(st.st_nlink, ==, 0);        /* unlinked at once */
    memset(qemu_ram_get_host_addr(rb), 0x33, 2 * MiB);
    test_del("mem2");
    g_assert_cmpint(rmdir(dir), ==, 0);         /* nothing left inside */
}

static char *test_file_with(uint64_t size)
{
    g_autofree char *dir = g_dir_make_tmp("test-hostmem-XXXXXX", NULL);
    char *path = g_build_filename(dir, "ram", NULL);
    int fd = open(path, O_RDWR | O_CREAT, 0600);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, (off_t)size), ==, 0);
    close(fd);
    return path;
}

static void test_file_remove(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);

    g_assert_cmpint(unlink(path), ==, 0);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

static void test_file_too_small(void)
{
    g_autofree char *path = test_file_with(4096);
    g_autofree char *json = g_strdup_printf(
        "{\"size\": \"1M\", \"mem-path\": \"%s\"}", path);

    test_add_fails(TYPE_MEMORY_BACKEND_FILE, "mem2", json, true,
                   "backing store size 0x1000 is too small for 'size' option 0x100000 plus 'offset' option 0x0");
    test_file_remove(path);
}

/* discard-data=on: deleting the backend punches the file's pages out. */
static void test_file_discard_data_on_delete(void)
{
    g_autofree char *path = test_file_with(0);
    g_autofree char *json = g_strdup_printf(
        "{\"size\": \"2M\", \"mem-path\": \"%s\", \"share\": \"on\", \"discard-data\": \"on\"}",
        path);
    HostMemoryBackend *b = test_add(TYPE_MEMORY_BACKEND_FILE, "mem2", json,
                                    true);
    RAMBlock *rb = test_block(b);
    struct stat st;

    memset(qemu_ram_get_host_addr(rb), 0x44, 2 * MiB);
    g_assert_cmpint(msync(qemu_ram_get_host_addr(rb), 2 * MiB, MS_SYNC), ==,
                    0);
    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_blocks * 512, ==, 2 * MiB);
    test_del("mem2");
    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_size, ==, 2 * MiB);
    g_assert_cmpint(st.st_blocks, ==, 0);
    test_file_remove(path);
}

static void test_file_readonly_offset(void)
{
    g_autofree char *path = test_file_with(2 * MiB);
    g_autofree char *json = g_strdup_printf(
        "{\"size\": \"1M\", \"mem-path\": \"%s\", \"readonly\": \"on\", \"offset\": \"1M\"}",
        path);
    HostMemoryBackend *b;
    int fd = open(path, O_WRONLY);
    uint8_t mark = 0x99;

    g_assert_cmpint(pwrite(fd, &mark, 1, 1 * MiB), ==, 1);
    close(fd);
    b = test_add(TYPE_MEMORY_BACKEND_FILE, "mem2", json, true);
    g_assert_cmpuint(*(uint8_t *)qemu_ram_get_host_addr(test_block(b)), ==,
                     0x99);
    g_assert_cmpuint(qemu_ram_get_flags(test_block(b)) & RAM_READONLY, ==,
                     RAM_READONLY);
    test_del("mem2");
    test_file_remove(path);
}

/* Private file mapping (share off), aligned: discard drops the copies. */
static void test_file_private_aligned(void)
{
    g_autofree char *path = test_file_with(0);
    g_autofree char *json = g_strdup_printf(
        "{\"size\": \"4M\", \"mem-path\": \"%s\", \"align\": \"4M\"}",
        path);
    HostMemoryBackend *b = test_add(TYPE_MEMORY_BACKEND_FILE, "mem2", json,
                                    true);
    RAMBlock *rb = test_block(b);
    uint8_t *host = qemu_ram_get_host_addr(rb);

    test_assert_prop(OBJECT(b), HOSTMEM_PROP_SHARE, "false");
    test_assert_prop(OBJECT(b), HOSTMEM_FILE_PROP_ALIGN, "4194304");
    g_assert_cmpuint((uintptr_t)host % (4 * MiB), ==, 0);
    g_assert_false(qemu_ram_is_shared(rb));
    memset(host, 0x21, 4 * MiB);
    g_assert_cmpint(ram_block_discard_range(rb, 0, 4 * MiB), ==, 0);
    g_assert_cmpuint(test_resident_pages(host, 4 * MiB), ==, 0);
    g_assert_cmpuint(host[4096], ==, 0);
    test_del("mem2");
    test_file_remove(path);
}

/* ---- in use, names, monitor ---- */

static void test_del_in_use_refused(void)
{
    HostMemoryBackend *b = test_add(TYPE_MEMORY_BACKEND_RAM, "mem0",
                                    "{\"size\": 4096}", false);
    Error *err = NULL;

    host_memory_backend_set_mapped(b, true);
    g_assert_true(host_memory_backend_is_mapped(b));
    g_assert_false(user_creatable_del("mem0", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "object 'mem0' is in use, can not be deleted");
    error_free(err);
    g_assert_true(host_memory_backend_find("mem0") == b);
    host_memory_backend_set_mapped(b, false);
    test_del("mem0");
}

static void test_name_canonical_path(void)
{
    HostMemoryBackend *b = test_add(TYPE_MEMORY_BACKEND_RAM, "mem0",
                                    "{\"size\": 4096, \"x-use-canonical-path-for-ramblock-id\": true}",
                                    false);
    g_autofree char *name = host_memory_backend_get_name(b);

    g_assert_cmpstr(name, ==, "/objects/mem0");
    g_assert_cmpstr(qemu_ram_get_idstr(test_block(b)), ==, "/objects/mem0");
    test_del("mem0");
}

static void test_query_memdev(void)
{
    g_autoptr(json_t) args = json_object();
    g_autoptr(json_t) list = NULL;
    Error *err = NULL;

    test_add(TYPE_MEMORY_BACKEND_RAM, "mem0", "{\"size\": \"1M\"}", true);
    test_add(TYPE_MEMORY_BACKEND_MEMFD, "mem1",
             "{\"size\": \"2M\", \"merge\": \"off\", \"dump\": \"off\", \"prealloc\": \"on\", \"host-nodes\": \"0\", \"policy\": \"preferred\"}",
             true);
    hostmem_qmp_register();
    g_assert_true(qmp_command_exists("query-memdev"));
    list = qmp_query_memdev(args, &err);
    g_assert_null(err);
    test_assert_json(list, "["
        "{\"id\": \"mem0\", \"size\": 1048576, \"merge\": true, \"dump\": true, \"prealloc\": false, \"share\": false, \"reserve\": true, \"host-nodes\": [], \"policy\": \"default\"},"
        "{\"id\": \"mem1\", \"size\": 2097152, \"merge\": false, \"dump\": false, \"prealloc\": true, \"share\": true, \"reserve\": true, \"host-nodes\": [0], \"policy\": \"preferred\"}"
        "]");
    test_del("mem0");
    test_del("mem1");
}

static void test_info_memdev(void)
{
    g_autoptr(GString) out = g_string_new("");

    test_add(TYPE_MEMORY_BACKEND_RAM, "mem0", "{\"size\": \"1M\"}", true);
    test_add(TYPE_MEMORY_BACKEND_RAM, "mem1",
             "{\"size\": \"2M\", \"share\": \"on\", \"reserve\": \"off\", \"host-nodes\": [3, 0, 1], \"policy\": \"interleave\"}",
             true);
    g_assert_true(hmp_info_memdev(out, 1, NULL, &error_abort));
    g_assert_cmpstr(out->str, ==,
                    "memory backend: mem0\n"
                    "  size:  1048576\n"
                    "  merge: true\n"
                    "  dump: true\n"
                    "  prealloc: false\n"
                    "  share: false\n"
                    "  reserve: true\n"
                    "  policy: default\n"
                    "  host nodes: \n"
                    "memory backend: mem1\n"
                    "  size:  2097152\n"
                    "  merge: true\n"
                    "  dump: true\n"
                    "  prealloc: false\n"
                    "  share: true\n"
                    "  reserve: false\n"
                    "  policy: interleave\n"
                    "  host nodes: 0-1,3\n"
                    "\n");
    test_del("mem0");
    test_del("mem1");
}

/* ---- migration: the "memory-backend" section ---- */

/* Load src's section into dst's; the message, or NULL when it loaded. */
static char *test_mig(const char *src, const char *dst)
{
    MigSection *from = migration_section_find("memory-backend", src);
    MigSection *to = migration_section_find("memory-backend", dst);
    g_autoptr(MigFields) w = NULL;
    g_autoptr(MigFields) r = NULL;
    const uint8_t *data;
    Error *err = NULL;
    size_t len;
    char *msg;

    g_assert_nonnull(from);
    g_assert_nonnull(to);
    w = migration_section_save(from);
    data = mig_fields_data(w, &len);
    r = mig_fields_new_reader(data, len);
    if (migration_section_load(to, r, 1, &err)) {
        return NULL;
    }
    msg = g_strdup(error_get_pretty(err));
    error_free(err);
    return msg;
}

static void test_migration_checks(void)
{
    g_autofree char *ok = NULL, *type = NULL, *size = NULL, *share = NULL;

    test_add(TYPE_MEMORY_BACKEND_RAM, "ma", "{\"size\": \"64M\"}", true);
    test_add(TYPE_MEMORY_BACKEND_RAM, "mb", "{\"size\": \"64M\"}", true);
    test_add(TYPE_MEMORY_BACKEND_MEMFD, "mc", "{\"size\": \"64M\"}", true);
    test_add(TYPE_MEMORY_BACKEND_RAM, "md", "{\"size\": \"128M\"}", true);
    test_add(TYPE_MEMORY_BACKEND_RAM, "me",
             "{\"size\": \"64M\", \"share\": \"on\"}", true);
    ok = test_mig("/objects/ma", "/objects/mb");
    g_assert_null(ok);
    type = test_mig("/objects/ma", "/objects/mc");
    g_assert_cmpstr(type, ==, "section 'memory-backend' (/objects/mc): "
                    "type: source 'memory-backend-ram', destination "
                    "'memory-backend-memfd'");
    size = test_mig("/objects/ma", "/objects/md");
    g_assert_cmpstr(size, ==, "section 'memory-backend' (/objects/md): "
                    "size: source 64 MiB, destination 128 MiB");
    share = test_mig("/objects/ma", "/objects/me");
    g_assert_cmpstr(share, ==, "section 'memory-backend' (/objects/me): "
                    "share: source off, destination on");
    test_del("ma");
    test_del("mb");
    test_del("mc");
    test_del("md");
    test_del("me");
    /* Deleted backends take their section with them. */
    g_assert_null(migration_section_find("memory-backend", "/objects/ma"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hostmem/ram/defaults", test_ram_defaults);
    g_test_add_func("/hostmem/migration/type-size-share-checked",
                    test_migration_checks);
    g_test_add_func("/hostmem/ram/cli-forms-set-ram-flags",
                    test_ram_cli_forms);
    g_test_add_func("/hostmem/ram/missing-size-is-error",
                    test_ram_missing_size);
    g_test_add_func("/hostmem/ram/size-zero-is-error", test_ram_size_zero);
    g_test_add_func("/hostmem/ram/prealloc-threads-zero-is-error",
                    test_ram_prealloc_threads_zero);
    g_test_add_func("/hostmem/ram/prealloc-with-reserve-off-is-error",
                    test_ram_prealloc_noreserve_conflict);
    g_test_add_func("/hostmem/ram/prealloc-populates-every-page",
                    test_ram_prealloc_populates);
    g_test_add_func("/hostmem/ram/prealloc-set-later-populates",
                    test_ram_prealloc_later);
    g_test_add_func("/hostmem/props/frozen-after-complete",
                    test_props_frozen_after_complete);
    g_test_add_func("/hostmem/numa/host-nodes-cli-and-json-forms",
                    test_nodes_forms);
    g_test_add_func("/hostmem/numa/policy-and-nodes-must-agree",
                    test_nodes_without_policy);
    g_test_add_func("/hostmem/numa/bind-to-node0", test_nodes_bind_node0);
    g_test_add_func("/hostmem/numa/bind-to-missing-node-undone",
                    test_nodes_bind_missing_node);
    g_test_add_func("/hostmem/memfd/defaults-shared-and-sealed",
                    test_memfd_defaults);
    g_test_add_func("/hostmem/memfd/seal-off-share-off", test_memfd_unsealed);
    g_test_add_func("/hostmem/memfd/hugetlbsize-not-pow2-is-error",
                    test_memfd_hugetlbsize_not_pow2);
    g_test_add_func("/hostmem/memfd/hugetlb-without-pages-is-error",
                    test_memfd_hugetlb_without_pages);
    g_test_add_func("/hostmem/memfd/hugetlb-noreserve-prealloc-fails-cleanly",
                    test_memfd_hugetlb_noreserve);
    g_test_add_func("/hostmem/file/missing-mem-path-is-error",
                    test_file_missing_mem_path);
    g_test_add_func("/hostmem/file/directory-gets-unlinked-file",
                    test_file_in_directory);
    g_test_add_func("/hostmem/file/too-small-file-is-error",
                    test_file_too_small);
    g_test_add_func("/hostmem/file/discard-data-punches-on-delete",
                    test_file_discard_data_on_delete);
    g_test_add_func("/hostmem/file/readonly-at-offset",
                    test_file_readonly_offset);
    g_test_add_func("/hostmem/file/private-aligned-discard",
                    test_file_private_aligned);
    g_test_add_func("/hostmem/del/in-use-is-refused",
                    test_del_in_use_refused);
    g_test_add_func("/hostmem/name/canonical-path", test_name_canonical_path);
    g_test_add_func("/hostmem/monitor/query-memdev", test_query_memdev);
    g_test_add_func("/hostmem/monitor/info-memdev", test_info_memdev);
    return g_test_run();
}
