/*
 * virtio-mem's migration sections in-process: two devices, a source and a
 * destination, each on its own backend; the source's section is saved
 * with the real MigFields codec and loaded into the destination's.  Round
 * trips (bitmap, sizes, one listener notify per run, dynamic-memslots
 * aliases, prealloc=on on the destination only) and every refusal with
 * its message, the destination unchanged after it.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bitmap.h"
#include "hw/virtio/virtio-mem-internal.h"
#include "virtio-mem-listener.h"
#include "hw/virtio/virtio-mem-wire.h"
#include "migration/register.h"
#include "migration/migration-internal.h"
#include "sysemu/hostmem.h"
#include <sys/mman.h>

#define TEST_BS (2 * MiB)

typedef struct TestDevOpts {
    const char *size;           /* backend size */
    const char *backend_type;
    uint64_t block_size;        /* 0: default */
    uint64_t addr;
    bool prealloc;
    bool dynamic_memslots;
} TestDevOpts;

/* Unset: a 1 GiB memory-backend-ram at 4 GiB. */
#define TEST_OPTS(...) ((TestDevOpts) { __VA_ARGS__ })

/* A realized virtio-mem /machine/<name> on backend mem-<name>. */
static VirtIOMEM *test_dev_new(const char *name, TestDevOpts o)
{
    g_autoptr(json_t) props = json_pack("{s:s,s:b}", "size",
                                        o.size ? o.size : "1G",
                                        "reserve", false);
    g_autofree char *id = g_strdup_printf("mem-%s", name);
    Object *backend = user_creatable_add(
        o.backend_type ? o.backend_type : TYPE_MEMORY_BACKEND_RAM, id, props,
        true, &error_abort);
    Object *obj = object_new(TYPE_VIRTIO_MEM);
    VirtIOMEM *vmem = VIRTIO_MEM(obj);

    object_property_add_child(container_get(object_get_root(), "/machine"),
                              name, obj);
    object_unref(obj);
    object_property_set_link(obj, VIRTIO_MEM_MEMDEV_PROP, backend,
                             &error_abort);
    object_property_set_uint(obj, VIRTIO_MEM_ADDR_PROP,
                             o.addr ? o.addr : 4 * GiB, &error_abort);
    object_property_set_uint(obj, VIRTIO_MEM_BLOCK_SIZE_PROP, o.block_size,
                             &error_abort);
    object_property_set_uint(obj, VIRTIO_MEM_REQUESTED_SIZE_PROP, 512 * MiB,
                             &error_abort);
    object_property_set_bool(obj, VIRTIO_MEM_PREALLOC_PROP, o.prealloc,
                             &error_abort);
    object_property_set_bool(obj, VIRTIO_MEM_DYNAMIC_MEMSLOTS_PROP,
                             o.dynamic_memslots, &error_abort);
    /* What the memory-device core does at pre-plug. */
    g_assert_true(virtio_mem_pre_plug(vmem, 8, &error_abort));
    g_assert_true(qdev_realize(DEVICE(obj), NULL, &error_abort));
    return vmem;
}

static void test_dev_free(VirtIOMEM *vmem)
{
    g_autofree char *id = g_strdup_printf(
        "mem-%s", object_get_canonical_path_component(OBJECT(vmem)));

    qdev_unrealize(DEVICE(vmem));
    object_unparent(OBJECT(vmem));
    g_assert_true(user_creatable_del(id, &error_abort));
}

static MigSection *test_section(VirtIOMEM *vmem, const char *idstr)
{
    g_autofree char *path = object_get_canonical_path(OBJECT(vmem));
    MigSection *s = migration_section_find(idstr, path);

    g_assert_nonnull(s);
    return s;
}

/* Save src's section idstr, load it into dst's; errp as the load. */
static bool test_migrate_section(VirtIOMEM *src, VirtIOMEM *dst,
                                 const char *idstr, Error **errp)
{
    g_autoptr(MigFields) w = migration_section_save(test_section(src, idstr));
    size_t len;
    const uint8_t *data = mig_fields_data(w, &len);
    g_autoptr(MigFields) r = mig_fields_new_reader(data, len);

    return migration_section_load(test_section(dst, idstr), r, 1, errp) &&
           mig_fields_check_end(r, errp);
}

static char *test_migrate_error(VirtIOMEM *src, VirtIOMEM *dst,
                                const char *idstr)
{
    Error *err = NULL;
    char *msg;

    g_assert_false(test_migrate_section(src, dst, idstr, &err));
    msg = g_strdup(error_get_pretty(err));
    error_free(err);
    return msg;
}

static MemoryRegion *test_backing(VirtIOMEM *vmem)
{
    return host_memory_backend_get_memory(vmem->memdev);
}

/* ---- round trips ---- */

static void test_plug(VirtIOMEM *vmem, uint64_t first, uint64_t nb)
{
    g_assert_cmpuint(virtio_mem_plug_range(vmem, first, nb), ==,
                     VIRTIO_MEM_RESP_ACK);
}

static void test_early_round_trip(void)
{
    VirtIOMEM *src = test_dev_new("src1", TEST_OPTS());
    VirtIOMEM *dst = test_dev_new("dst1", TEST_OPTS());
    TestListener tl = { 0 };
    MemoryRegionSection all = {
        .mr = test_backing(dst), .size = GiB,
    };

    test_plug(src, 0, 3);
    test_plug(src, 9, 1);
    test_plug(src, 100, 156);
    test_listener_attach(&tl, dst);
    g_assert_true(test_migrate_section(src, dst, "virtio-mem-early",
                                       &error_abort));
    g_assert_cmpuint(dst->blocks.plugged_size, ==, 160 * TEST_BS);
    g_assert_cmpmem(dst->blocks.plugged, BITS_TO_LONGS(512) * sizeof(long),
                    src->blocks.plugged, BITS_TO_LONGS(512) * sizeof(long));
    g_assert_cmpuint(dst->blocks.requested_size, ==, 512 * MiB);
    g_assert_cmpuint(dst->blocks.usable_region_size, ==, 768 * MiB);
    /* One notify per run, and the manager answers as the source's. */
    g_assert_cmpuint(tl.nb_populate, ==, 3);
    g_assert_true(bitmap_is_range_set(tl.populated, 100, 156));
    g_assert_cmpuint(bitmap_count_one(tl.populated, 4096), ==, 160);
    all.offset_within_region = 9 * TEST_BS;
    all.size = TEST_BS;
    g_assert_true(ram_discard_manager_is_populated(
        memory_region_get_ram_discard_manager(test_backing(dst)), &all));
    all.offset_within_region = 8 * TEST_BS;
    g_assert_false(ram_discard_manager_is_populated(
        memory_region_get_ram_discard_manager(test_backing(dst)), &all));
    test_listener_detach(&tl, dst);
    test_dev_free(src);
    test_dev_free(dst);
}

/* requested-size changed while RAM was copied arrives with the device
 * phase; the bitmap is checked to be the early one. */
static void test_device_phase_requested_size(void)
{
    VirtIOMEM *src = test_dev_new("src2", TEST_OPTS());
    VirtIOMEM *dst = test_dev_new("dst2", TEST_OPTS());
    g_autofree char *msg = NULL;

    test_plug(src, 4, 4);
    g_assert_true(test_migrate_section(src, dst, "virtio-mem-early",
                                       &error_abort));
    object_property_set_uint(OBJECT(src), VIRTIO_MEM_REQUESTED_SIZE_PROP,
                             GiB, &error_abort);
    g_assert_true(test_migrate_section(src, dst, "virtio-mem", &error_abort));
    g_assert_cmpuint(dst->blocks.requested_size, ==, GiB);
    g_assert_cmpuint(dst->blocks.usable_region_size, ==, GiB);
    g_assert_cmpuint(object_property_get_uint(OBJECT(dst),
                                              VIRTIO_MEM_REQUESTED_SIZE_PROP,
                                              &error_abort), ==, GiB);
    /* A plug state that moved after the early section is refused. */
    test_plug(src, 20, 1);
    msg = test_migrate_error(src, dst, "virtio-mem");
    g_assert_cmpstr(msg, ==, "section 'virtio-mem' (/machine/dst2): "
                    "plugged-size: source 10 MiB, destination 8 MiB");
    g_assert_cmpuint(dst->blocks.requested_size, ==, GiB);
    test_dev_free(src);
    test_dev_free(dst);
}

/* dynamic-memslots: exactly the aliases holding plugged blocks. */
static void test_early_dynamic_memslots(void)
{
    TestDevOpts o = TEST_OPTS(.size = "8G", .dynamic_memslots = true);
    VirtIOMEM *src = test_dev_new("src3", o);
    VirtIOMEM *dst = test_dev_new("dst3", o);

    g_assert_cmpuint(dst->nb_memslots, ==, 8);
    object_property_set_uint(OBJECT(src), VIRTIO_MEM_REQUESTED_SIZE_PROP,
                             8 * GiB, &error_abort);
    test_plug(src, 2 * 512 + 7, 1);
    test_plug(src, 5 * 512, 512);
    g_assert_true(test_migrate_section(src, dst, "virtio-mem-early",
                                       &error_abort));
    for (unsigned int i = 0; i < 8; i++) {
        g_assert_cmpint(memory_region_is_mapped(&dst->memslots[i]), ==,
                        i == 2 || i == 5);
    }
    g_assert_cmpuint(virtio_mem_get_used_memslots(dst), ==, 2);
    test_dev_free(src);
    test_dev_free(dst);
}

static uint64_t test_resident(VirtIOMEM *vmem, uint64_t first, uint64_t nb)
{
    uint8_t *host = memory_region_get_ram_ptr(test_backing(vmem));
    size_t page = qemu_real_host_page_size();
    uint64_t len = nb * TEST_BS;
    g_autofree unsigned char *vec = g_malloc(len / page);
    uint64_t n = 0;

    g_assert_cmpint(mincore(host + first * TEST_BS, len, vec), ==, 0);
    for (uint64_t i = 0; i < len / page; i++) {
        n += vec[i] & 1;
    }
    return n * page;
}

/* prealloc=on only on the destination: exactly the plugged blocks. */
static void test_early_prealloc_destination(void)
{
    VirtIOMEM *src = test_dev_new("src4", TEST_OPTS(
        .backend_type = TYPE_MEMORY_BACKEND_MEMFD));
    VirtIOMEM *dst = test_dev_new("dst4", TEST_OPTS(
        .backend_type = TYPE_MEMORY_BACKEND_MEMFD, .prealloc = true));

    test_plug(src, 10, 4);
    g_assert_cmpuint(test_resident(src, 10, 4), ==, 0);
    g_assert_true(test_migrate_section(src, dst, "virtio-mem-early",
                                       &error_abort));
    g_assert_cmpuint(test_resident(dst, 10, 4), ==, 4 * TEST_BS);
    g_assert_cmpuint(test_resident(dst, 0, 10), ==, 0);
    g_assert_cmpuint(test_resident(dst, 14, 50), ==, 0);
    test_dev_free(src);
    test_dev_free(dst);
}

/* ---- refusals: message, destination unchanged ---- */

typedef struct TestMismatch {
    const char *path;
    TestDevOpts dst;
    const char *msg;
} TestMismatch;

static const TestMismatch test_mismatches[] = {
    { "/virtio-mem-migration/early/block-size-mismatch",
      TEST_OPTS(.block_size = 4 * MiB),
      "block-size: source 2 MiB, destination 4 MiB" },
    { "/virtio-mem-migration/early/region-size-mismatch",
      TEST_OPTS(.size = "2G"),
      "region-size: source 1 GiB, destination 2 GiB" },
    { "/virtio-mem-migration/early/memaddr-mismatch",
      TEST_OPTS(.addr = 5 * GiB),
      "memaddr: source 0x100000000, destination 0x140000000" },
    { "/virtio-mem-migration/early/dynamic-memslots-mismatch",
      TEST_OPTS(.dynamic_memslots = true),
      "dynamic-memslots: source off, destination on" },
};

static void test_early_mismatch(const void *data)
{
    const TestMismatch *t = data;
    VirtIOMEM *src = test_dev_new("src5", TEST_OPTS());
    VirtIOMEM *dst = test_dev_new("dst5", t->dst);
    g_autofree char *msg = NULL;
    g_autofree char *want = g_strdup_printf(
        "section 'virtio-mem-early' (/machine/dst5): %s", t->msg);

    test_plug(src, 0, 8);
    msg = test_migrate_error(src, dst, "virtio-mem-early");
    g_assert_cmpstr(msg, ==, want);
    g_assert_cmpuint(dst->blocks.plugged_size, ==, 0);
    g_assert_cmpuint(dst->blocks.requested_size, ==, 512 * MiB);
    test_dev_free(src);
    test_dev_free(dst);
}

/* Load fields by hand: a stream whose values break the device's rules. */
static char *test_load_crafted(VirtIOMEM *dst, uint64_t requested,
                               uint64_t usable, const uint8_t *bitmap)
{
    g_autoptr(MigFields) w = mig_fields_new_writer();
    g_autoptr(MigFields) r = NULL;
    const uint8_t *data;
    size_t len;
    Error *err = NULL;
    char *msg;

    mig_put_u64(w, "block-size", TEST_BS);
    mig_put_u64(w, "region-size", GiB);
    mig_put_u64(w, "memaddr", 4 * GiB);
    mig_put_u64(w, "node", 0);
    mig_put_bool(w, "unplugged-inaccessible", true);
    mig_put_bool(w, "dynamic-memslots", false);
    mig_put_u64(w, "requested-size", requested);
    mig_put_u64(w, "usable-region-size", usable);
    mig_put_bytes(w, "plugged", bitmap, 512 / 8);
    data = mig_fields_data(w, &len);
    r = mig_fields_new_reader(data, len);
    g_assert_false(migration_section_load(test_section(dst,
                                                       "virtio-mem-early"),
                                          r, 1, &err));
    msg = g_strdup(error_get_pretty(err));
    error_free(err);
    g_assert_cmpuint(dst->blocks.plugged_size, ==, 0);
    return msg;
}

static void test_early_bad_values(void)
{
    VirtIOMEM *dst = test_dev_new("dst6", TEST_OPTS());
    uint8_t bitmap[64] = { 0 };
    g_autofree char *m1 = NULL, *m2 = NULL, *m3 = NULL;

    m1 = test_load_crafted(dst, 3 * MiB, 512 * MiB, bitmap);
    g_assert_cmpstr(m1, ==, "section 'virtio-mem-early' (/machine/dst6): "
                    "requested-size: 3 MiB is not a multiple of block-size "
                    "2 MiB at most the region size 1 GiB");
    m2 = test_load_crafted(dst, 0, 2 * GiB, bitmap);
    g_assert_cmpstr(m2, ==, "section 'virtio-mem-early' (/machine/dst6): "
                    "usable-region-size: 2 GiB is not a multiple of "
                    "block-size 2 MiB at most the region size 1 GiB");
    bitmap[63] = 0x80;     /* block 511, usable is 256 blocks */
    m3 = test_load_crafted(dst, 0, 512 * MiB, bitmap);
    g_assert_cmpstr(m3, ==, "section 'virtio-mem-early' (/machine/dst6): "
                    "plugged: block 511 is plugged but outside the usable "
                    "region of 512 MiB");
    test_dev_free(dst);
}

/* A listener on the destination refuses: nothing plugged, all undone. */
static void test_early_listener_refuses(void)
{
    VirtIOMEM *src = test_dev_new("src7", TEST_OPTS());
    VirtIOMEM *dst = test_dev_new("dst7", TEST_OPTS());
    TestListener tl = { 0 };
    g_autofree char *msg = NULL;

    test_plug(src, 0, 2);
    test_plug(src, 8, 2);
    test_listener_attach(&tl, dst);
    tl.refuse = true;
    msg = test_migrate_error(src, dst, "virtio-mem-early");
    g_assert_cmpstr(msg, ==, "section 'virtio-mem-early' (/machine/dst7): "
                    "plugged: a listener of memdev refused the plugged "
                    "blocks [0, 2)");
    g_assert_cmpuint(dst->blocks.plugged_size, ==, 0);
    g_assert_true(bitmap_is_range_clear(dst->blocks.plugged, 0, 512));
    test_listener_detach(&tl, dst);
    test_dev_free(src);
    test_dev_free(dst);
}

/* Cut anywhere: refused, destination unchanged. */
static void test_early_truncated(void)
{
    VirtIOMEM *src = test_dev_new("src8", TEST_OPTS());
    VirtIOMEM *dst = test_dev_new("dst8", TEST_OPTS());
    g_autoptr(MigFields) w = NULL;
    const uint8_t *data;
    size_t len;

    test_plug(src, 1, 1);
    w = migration_section_save(test_section(src, "virtio-mem-early"));
    data = mig_fields_data(w, &len);
    for (size_t cut = 0; cut < len; cut += 7) {
        g_autoptr(MigFields) r = mig_fields_new_reader(data, cut);
        Error *err = NULL;

        g_assert_false(migration_section_load(
            test_section(dst, "virtio-mem-early"), r, 1, &err));
        g_assert_nonnull(strstr(error_get_pretty(err), "virtio-mem-early"));
        error_free(err);
        g_assert_cmpuint(dst->blocks.plugged_size, ==, 0);
    }
    test_dev_free(src);
    test_dev_free(dst);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio-mem-migration/early/round-trip-one-notify-per-run",
                    test_early_round_trip);
    g_test_add_func("/virtio-mem-migration/device/requested-size-arrives",
                    test_device_phase_requested_size);
    g_test_add_func("/virtio-mem-migration/early/dynamic-memslots-same-aliases",
                    test_early_dynamic_memslots);
    g_test_add_func("/virtio-mem-migration/early/prealloc-on-destination",
                    test_early_prealloc_destination);
    for (size_t i = 0; i < G_N_ELEMENTS(test_mismatches); i++) {
        g_test_add_data_func(test_mismatches[i].path, &test_mismatches[i],
                             test_early_mismatch);
    }
    g_test_add_func("/virtio-mem-migration/early/bad-values-refused",
                    test_early_bad_values);
    g_test_add_func("/virtio-mem-migration/early/listener-refuses-undone",
                    test_early_listener_refuses);
    g_test_add_func("/virtio-mem-migration/early/truncated-refused",
                    test_early_truncated);
    return g_test_run();
}
