/*
 * The MigFields codec (migration/fields.c) and the section registry
 * (migration/registry.c): round trips of every type, every wrong name,
 * type, length and cut-off refused with a message naming the field, the
 * destination checks naming both values, and sections registered, found,
 * refused twice, loaded with their name prefixed to errors.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "migration/register.h"
#include "migration/migration-internal.h"

static MigFields *test_sample_fields(void)
{
    MigFields *w = mig_fields_new_writer();
    static const uint8_t blob[3] = { 1, 2, 3 };

    mig_put_u8(w, "a", 0xab);
    mig_put_u16(w, "b", 0xbeef);
    mig_put_u32(w, "c", 0xdeadbeef);
    mig_put_u64(w, "block-size", 2 * MiB);
    mig_put_bool(w, "e", true);
    mig_put_str(w, "f", "mem0");
    mig_put_bytes(w, "g", blob, sizeof(blob));
    return w;
}

/* Read the sample back; false (errp set) at the first failure. */
static bool test_read_sample(MigFields *r, Error **errp)
{
    uint8_t a;
    uint16_t b;
    uint32_t c;
    uint64_t d;
    bool e;
    g_autofree char *s = NULL;
    uint8_t g[3];

    return mig_get_u8(r, "a", &a, errp) && mig_get_u16(r, "b", &b, errp) &&
           mig_get_u32(r, "c", &c, errp) &&
           mig_get_u64(r, "block-size", &d, errp) &&
           mig_get_bool(r, "e", &e, errp) && mig_get_str(r, "f", &s, errp) &&
           mig_get_bytes(r, "g", g, sizeof(g), errp) &&
           mig_fields_check_end(r, errp);
}

static void test_fields_round_trip(void)
{
    g_autoptr(MigFields) w = test_sample_fields();
    g_autoptr(MigFields) r = NULL;
    const uint8_t *data;
    size_t len;
    uint8_t a;
    uint16_t b;
    uint32_t c;
    uint64_t d;
    bool e;
    g_autofree char *s = NULL;
    uint8_t g[3];

    data = mig_fields_data(w, &len);
    /* 7 heads of 2 + 1-byte names (block-size: 10) + values */
    g_assert_cmpuint(len, ==, 7 * 2 + 6 + 10 + 1 + 2 + 4 + 8 + 1 +
                     (4 + 4) + (4 + 3));
    r = mig_fields_new_reader(data, len);
    g_assert_true(mig_get_u8(r, "a", &a, &error_abort));
    g_assert_cmphex(a, ==, 0xab);
    g_assert_true(mig_get_u16(r, "b", &b, &error_abort));
    g_assert_cmphex(b, ==, 0xbeef);
    g_assert_true(mig_get_u32(r, "c", &c, &error_abort));
    g_assert_cmphex(c, ==, 0xdeadbeef);
    g_assert_true(mig_get_u64(r, "block-size", &d, &error_abort));
    g_assert_cmpuint(d, ==, 2 * MiB);
    g_assert_true(mig_get_bool(r, "e", &e, &error_abort));
    g_assert_true(e);
    g_assert_true(mig_get_str(r, "f", &s, &error_abort));
    g_assert_cmpstr(s, ==, "mem0");
    g_assert_true(mig_get_bytes(r, "g", g, sizeof(g), &error_abort));
    g_assert_cmpmem(g, 3, "\1\2\3", 3);
    g_assert_true(mig_fields_check_end(r, &error_abort));
}

/* Every cut-off point of the sample is refused, never read past. */
static void test_fields_every_truncation(void)
{
    g_autoptr(MigFields) w = test_sample_fields();
    const uint8_t *data;
    size_t len;

    data = mig_fields_data(w, &len);
    for (size_t cut = 0; cut < len; cut++) {
        g_autofree uint8_t *copy = g_memdup2(data, cut);
        g_autoptr(MigFields) r = mig_fields_new_reader(copy, cut);
        Error *err = NULL;

        g_assert_false(test_read_sample(r, &err));
        g_assert_nonnull(err);
        g_assert_true(g_str_has_prefix(error_get_pretty(err), "field '"));
        error_free(err);
    }
}

/* errp is read after the call in the arguments has run. */
static void test_expect_error(MigFields *r, bool ok, Error **errp,
                              const char *msg)
{
    g_assert_false(ok);
    g_assert_nonnull(*errp);
    g_assert_cmpstr(error_get_pretty(*errp), ==, msg);
    error_free(*errp);
    *errp = NULL;
}

static void test_fields_wrong_name_type_length(void)
{
    g_autoptr(MigFields) w = test_sample_fields();
    const uint8_t *data;
    size_t len;
    Error *err = NULL;
    uint8_t a = 7;
    uint16_t b;
    uint8_t g[4];

    data = mig_fields_data(w, &len);
    {
        g_autoptr(MigFields) r = mig_fields_new_reader(data, len);

        test_expect_error(r, mig_get_u8(r, "x", &a, &err), &err,
                          "field 'x' expected, the stream has 'a'");
        g_assert_cmpuint(a, ==, 7);     /* unchanged on failure */
        test_expect_error(r, mig_get_u16(r, "a", &b, &err), &err,
                          "field 'a': expected u16, the stream has u8");
        /* the failed reads consumed nothing */
        g_assert_true(mig_get_u8(r, "a", &a, &error_abort));
        g_assert_true(mig_get_u16(r, "b", &b, &error_abort));
    }
    {
        g_autoptr(MigFields) r = mig_fields_new_reader(data, len);
        uint32_t c;
        uint64_t d;
        bool e;
        g_autofree char *s = NULL;

        g_assert_true(mig_get_u8(r, "a", &a, &error_abort) &&
                      mig_get_u16(r, "b", &b, &error_abort) &&
                      mig_get_u32(r, "c", &c, &error_abort) &&
                      mig_get_u64(r, "block-size", &d, &error_abort) &&
                      mig_get_bool(r, "e", &e, &error_abort) &&
                      mig_get_str(r, "f", &s, &error_abort));
        test_expect_error(r, mig_get_bytes(r, "g", g, 4, &err), &err,
                          "field 'g': 3 bytes in the stream, 4 expected");
        test_expect_error(r, mig_fields_check_end(r, &err), &err,
                          "field 'g' and 10 more bytes were not read");
        g_assert_true(mig_get_bytes(r, "g", g, 3, &error_abort));
        test_expect_error(r, mig_get_u8(r, "h", &a, &err), &err,
                          "field 'h': the section ends before it");
    }
}

static void test_fields_bad_values(void)
{
    g_autoptr(MigFields) w = mig_fields_new_writer();
    g_autoptr(MigFields) r = NULL;
    g_autofree uint8_t *copy = NULL;
    const uint8_t *data;
    size_t len;
    Error *err = NULL;
    bool v;
    char *s = NULL;

    mig_put_u8(w, "flag", 7);
    mig_put_bytes(w, "name", "a\0b", 3);
    data = mig_fields_data(w, &len);
    copy = g_memdup2(data, len);
    copy[0] = 5;                /* the u8 field now claims to be a bool */
    r = mig_fields_new_reader(copy, len);
    test_expect_error(r, mig_get_bool(r, "flag", &v, &err), &err,
                      "field 'flag': bool value 7 is not 0 or 1");
    copy[0] = 99;
    test_expect_error(r, mig_get_bool(r, "flag", &v, &err), &err,
                      "field 'flag': expected bool, the stream has an "
                      "unknown type");
    copy[0] = 1;
    g_assert_true(mig_get_u8(r, "flag", copy, &error_abort));
    copy[7] = 6;                /* the bytes field now claims to be a str */
    test_expect_error(r, mig_get_str(r, "name", &s, &err), &err,
                      "field 'name': string holds a NUL byte");
    g_assert_null(s);
}

static void test_fields_checks_name_both_values(void)
{
    g_autoptr(MigFields) w = mig_fields_new_writer();
    g_autoptr(MigFields) r = NULL;
    const uint8_t *data;
    size_t len;
    Error *err = NULL;

    mig_put_u64(w, "block-size", 2 * MiB);
    mig_put_u64(w, "memaddr", 0x140000000ULL);
    mig_put_u64(w, "node", 1);
    mig_put_bool(w, "dynamic-memslots", true);
    mig_put_str(w, "memdev", "mem0");
    mig_put_u64(w, "region-size", 1 * TiB);
    data = mig_fields_data(w, &len);
    r = mig_fields_new_reader(data, len);
    test_expect_error(r, mig_check_u64(r, "block-size", 4 * MiB, &err), &err,
                      "block-size: source 2 MiB, destination 4 MiB");
    test_expect_error(r, mig_check_u64(r, "memaddr", 0x180000000ULL, &err),
                      &err, "memaddr: source 0x140000000, destination "
                      "0x180000000");
    test_expect_error(r, mig_check_u64(r, "node", 0, &err), &err,
                      "node: source 1, destination 0");
    test_expect_error(r, mig_check_bool(r, "dynamic-memslots", false, &err),
                      &err, "dynamic-memslots: source on, destination off");
    test_expect_error(r, mig_check_str(r, "memdev", "mem1", &err), &err,
                      "memdev: source 'mem0', destination 'mem1'");
    g_assert_true(mig_check_u64(r, "region-size", 1 * TiB, &error_abort));
    g_assert_true(mig_fields_check_end(r, &error_abort));
}

static void test_fields_error_prefix_once(void)
{
    g_autoptr(MigFields) r = mig_fields_new_reader("", 0);
    Error *err = NULL;

    mig_fields_set_section(r, "virtio-mem-early", "/machine/peripheral/vm0");
    error_setg(&err, "block-size: source 2 MiB, destination 4 MiB");
    mig_fields_error_prefix(r, &err);
    mig_fields_error_prefix(r, &err);
    g_assert_cmpstr(error_get_pretty(err), ==, "section 'virtio-mem-early' "
                    "(/machine/peripheral/vm0): block-size: source 2 MiB, "
                    "destination 4 MiB");
    error_free(err);
}

/* ---- registry ---- */

typedef struct TestDev {
    uint64_t block_size;
    uint32_t loaded_version;
    int nb_loads;
} TestDev;

static void test_dev_save(MigFields *f, void *opaque)
{
    TestDev *d = opaque;

    mig_put_u64(f, "block-size", d->block_size);
}

static bool test_dev_load(MigFields *f, void *opaque, uint32_t version,
                          Error **errp)
{
    TestDev *d = opaque;

    if (!mig_check_u64(f, "block-size", d->block_size, errp)) {
        return false;
    }
    d->loaded_version = version;
    d->nb_loads++;
    return true;
}

static const MigStateOps test_dev_ops = {
    .phase = MIG_PHASE_EARLY,
    .version = 2,
    .save = test_dev_save,
    .load = test_dev_load,
};

static Object *test_owner(const char *name)
{
    Object *parent = container_get(object_get_root(), "/machine/peripheral");
    Object *o = object_new("container");

    object_property_add_child(parent, name, o);
    object_unref(o);
    return o;
}

static void test_registry_register_find_unregister(void)
{
    Object *o1 = test_owner("reg-a");
    Object *o2 = test_owner("reg-b");
    TestDev d1 = { .block_size = 2 * MiB };
    TestDev d2 = { .block_size = 2 * MiB };
    Error *err = NULL;
    guint before = migration_sections()->len;
    MigSection *s;

    g_assert_true(migration_register_state("test-dev", o1, &test_dev_ops,
                                           &d1, &error_abort));
    g_assert_true(migration_register_state("test-dev", o2, &test_dev_ops,
                                           &d2, &error_abort));
    g_assert_false(migration_register_state("test-dev", o1, &test_dev_ops,
                                            &d2, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "section 'test-dev' "
                    "(/machine/peripheral/reg-a) is already registered");
    error_free(err);
    g_assert_cmpuint(migration_sections()->len, ==, before + 2);
    s = g_ptr_array_index(migration_sections(), before);
    g_assert_true(s->opaque == &d1);    /* registration order */
    g_assert_true(migration_section_find("test-dev",
                                         "/machine/peripheral/reg-b")->opaque
                  == &d2);
    g_assert_null(migration_section_find("test-dev", "/machine/x"));
    migration_unregister_state(&d1);
    migration_unregister_state(&d2);
    g_assert_cmpuint(migration_sections()->len, ==, before);
    object_unparent(o1);
    object_unparent(o2);
}

static void test_registry_load_prefixes_section(void)
{
    Object *o = test_owner("reg-c");
    TestDev src = { .block_size = 2 * MiB };
    TestDev dst = { .block_size = 4 * MiB };
    g_autoptr(MigFields) w = NULL;
    MigSection *s;
    const uint8_t *data;
    size_t len;
    Error *err = NULL;

    g_assert_true(migration_register_state("test-dev", o, &test_dev_ops,
                                           &src, &error_abort));
    s = migration_section_find("test-dev", "/machine/peripheral/reg-c");
    w = migration_section_save(s);
    data = mig_fields_data(w, &len);
    s->opaque = &dst;
    {
        g_autoptr(MigFields) r = mig_fields_new_reader(data, len);

        g_assert_false(migration_section_load(s, r, 2, &err));
        g_assert_cmpstr(error_get_pretty(err), ==, "section 'test-dev' "
                        "(/machine/peripheral/reg-c): block-size: source "
                        "2 MiB, destination 4 MiB");
        error_free(err);
        err = NULL;
    }
    {
        g_autoptr(MigFields) r = mig_fields_new_reader(data, len);

        g_assert_false(migration_section_load(s, r, 3, &err));
        g_assert_cmpstr(error_get_pretty(err), ==, "section 'test-dev' "
                        "(/machine/peripheral/reg-c): version 3 is newer "
                        "than this VM's 2");
        error_free(err);
    }
    s->opaque = &src;
    {
        g_autoptr(MigFields) r = mig_fields_new_reader(data, len);

        g_assert_true(migration_section_load(s, r, 1, &error_abort));
        g_assert_cmpuint(src.loaded_version, ==, 1);
    }
    migration_unregister_state(&src);
    object_unparent(o);
}

static void test_not_active_message(void)
{
    Error *err = NULL;

    g_assert_false(migration_is_active());
    g_assert_true(migration_check_not_active("device_add", &error_abort));
    migration_set_incoming_active(true);
    g_assert_true(migration_is_active());
    g_assert_false(migration_check_not_active("device_add", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "device_add is not allowed "
                    "while a migration is in progress");
    error_free(err);
    migration_set_incoming_active(false);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration-fields/codec/round-trip",
                    test_fields_round_trip);
    g_test_add_func("/migration-fields/codec/every-truncation-refused",
                    test_fields_every_truncation);
    g_test_add_func("/migration-fields/codec/wrong-name-type-length",
                    test_fields_wrong_name_type_length);
    g_test_add_func("/migration-fields/codec/bad-bool-and-nul-string",
                    test_fields_bad_values);
    g_test_add_func("/migration-fields/check/names-both-values",
                    test_fields_checks_name_both_values);
    g_test_add_func("/migration-fields/check/section-prefix-once",
                    test_fields_error_prefix_once);
    g_test_add_func("/migration-fields/registry/register-find-unregister",
                    test_registry_register_find_unregister);
    g_test_add_func("/migration-fields/registry/load-names-section",
                    test_registry_load_prefixes_section);
    g_test_add_func("/migration-fields/active/check-not-active-message",
                    test_not_active_message);
    return g_test_run();
}
