/*
 * The MigFields codec: the tagged fields a section's payload is made of.
 * Each field is written as type (u8), name length (u8), name, value
 * (little-endian integers; u32 length + bytes for strings and byte
 * arrays), and read back in the same order, so a loader that expects
 * another field, type or length is told which one.  Framing, CRCs and
 * the order of sections are stream.c's; the section list is registry.c's.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "migration/register.h"
#include "migration/migration-internal.h"

typedef enum MigFieldType {
    MIG_FIELD_U8 = 1,
    MIG_FIELD_U16,
    MIG_FIELD_U32,
    MIG_FIELD_U64,
    MIG_FIELD_BOOL,
    MIG_FIELD_STR,
    MIG_FIELD_BYTES,
    MIG_FIELD__MAX,
} MigFieldType;

struct MigFields {
    GByteArray *out;            /* writer: the encoded fields */
    const uint8_t *in;          /* reader: borrowed buffer */
    size_t in_len;              /* bytes */
    size_t pos;                 /* reader: offset of the next field */
    char *section;              /* "section 'idstr' (owner)" or NULL */
};

static const char *const mig_field_type_names[MIG_FIELD__MAX] = {
    [MIG_FIELD_U8] = "u8",
    [MIG_FIELD_U16] = "u16",
    [MIG_FIELD_U32] = "u32",
    [MIG_FIELD_U64] = "u64",
    [MIG_FIELD_BOOL] = "bool",
    [MIG_FIELD_STR] = "str",
    [MIG_FIELD_BYTES] = "bytes",
};

static const char *mig_field_type_name(unsigned int type)
{
    return type > 0 && type < MIG_FIELD__MAX ? mig_field_type_names[type]
                                             : "an unknown type";
}

MigFields *mig_fields_new_writer(void)
{
    MigFields *f = g_new0(MigFields, 1);

    f->out = g_byte_array_new();
    return f;
}

MigFields *mig_fields_new_reader(const void *buf, size_t len)
{
    MigFields *f = g_new0(MigFields, 1);

    f->in = buf;
    f->in_len = len;
    return f;
}

void mig_fields_set_section(MigFields *f, const char *idstr,
                            const char *owner)
{
    g_free(f->section);
    f->section = g_strdup_printf("section '%s' (%s)", idstr, owner);
}

const uint8_t *mig_fields_data(const MigFields *f, size_t *len)
{
    *len = f->out->len;
    return f->out->data;
}

void mig_fields_free(MigFields *f)
{
    if (!f) {
        return;
    }
    if (f->out) {
        g_byte_array_free(f->out, true);
    }
    g_free(f->section);
    g_free(f);
}

void mig_fields_error_prefix(MigFields *f, Error **errp)
{
    const char *msg;

    if (!errp || !*errp || !f->section) {
        return;
    }
    msg = error_get_pretty(*errp);
    /* A device may prefix its own error before the core does: once only. */
    if (!g_str_has_prefix(msg, f->section)) {
        error_prepend(errp, "%s: ", f->section);
    }
}

/* ---- writer ---- */

static void mig_put_le(MigFields *f, uint64_t v, unsigned int size)
{
    uint8_t b[8];

    mig_le_put(b, v, size);
    g_byte_array_append(f->out, b, size);
}

static void mig_put_head(MigFields *f, MigFieldType type, const char *name)
{
    size_t len = strlen(name);
    uint8_t t = type;

    assert(f->out && len > 0 && len <= UINT8_MAX);
    g_byte_array_append(f->out, &t, 1);
    mig_put_le(f, len, 1);
    g_byte_array_append(f->out, (const uint8_t *)name, len);
}

void mig_put_u8(MigFields *f, const char *name, uint8_t v)
{
    mig_put_head(f, MIG_FIELD_U8, name);
    mig_put_le(f, v, 1);
}

void mig_put_u16(MigFields *f, const char *name, uint16_t v)
{
    mig_put_head(f, MIG_FIELD_U16, name);
    mig_put_le(f, v, 2);
}

void mig_put_u32(MigFields *f, const char *name, uint32_t v)
{
    mig_put_head(f, MIG_FIELD_U32, name);
    mig_put_le(f, v, 4);
}

void mig_put_u64(MigFields *f, const char *name, uint64_t v)
{
    mig_put_head(f, MIG_FIELD_U64, name);
    mig_put_le(f, v, 8);
}

void mig_put_bool(MigFields *f, const char *name, bool v)
{
    mig_put_head(f, MIG_FIELD_BOOL, name);
    mig_put_le(f, v, 1);
}

void mig_put_bytes(MigFields *f, const char *name, const void *buf,
                   size_t len)
{
    assert(len <= UINT32_MAX);
    mig_put_head(f, MIG_FIELD_BYTES, name);
    mig_put_le(f, len, 4);
    g_byte_array_append(f->out, buf, len);
}

void mig_put_str(MigFields *f, const char *name, const char *v)
{
    size_t len = strlen(v);

    assert(len <= UINT32_MAX);
    mig_put_head(f, MIG_FIELD_STR, name);
    mig_put_le(f, len, 4);
    g_byte_array_append(f->out, (const uint8_t *)v, len);
}

/* ---- reader ---- */

static size_t mig_fields_left(const MigFields *f)
{
    return f->in_len - f->pos;
}

/*
 * Check that the next field is name of type and that its fixed part
 * (fixed bytes after the head) is there; *head_len is the head's length.
 * Reads nothing: the caller advances once the whole field is accepted.
 */
static bool mig_get_head(MigFields *f, MigFieldType type, const char *name,
                         size_t fixed, size_t *head_len, Error **errp)
{
    const uint8_t *p = f->in + f->pos;
    size_t left = mig_fields_left(f);
    size_t name_len;

    if (left == 0) {
        error_setg(errp, "field '%s': the section ends before it", name);
        return false;
    }
    if (left < 2 || left < 2 + (size_t)p[1]) {
        error_setg(errp, "field '%s': the section ends inside a field head",
                   name);
        return false;
    }
    name_len = p[1];
    if (name_len != strlen(name) || memcmp(p + 2, name, name_len)) {
        error_setg(errp, "field '%s' expected, the stream has '%.*s'", name,
                   (int)name_len, (const char *)p + 2);
        return false;
    }
    if (p[0] != type) {
        error_setg(errp, "field '%s': expected %s, the stream has %s", name,
                   mig_field_type_name(type), mig_field_type_name(p[0]));
        return false;
    }
    *head_len = 2 + name_len;
    if (left - *head_len < fixed) {
        error_setg(errp, "field '%s': cut off (%zu of %zu bytes)", name,
                   left - *head_len, fixed);
        return false;
    }
    return true;
}

static bool mig_get_uint(MigFields *f, MigFieldType type, const char *name,
                         unsigned int size, uint64_t *v, Error **errp)
{
    size_t head;

    if (!mig_get_head(f, type, name, size, &head, errp)) {
        return false;
    }
    *v = mig_le_get(f->in + f->pos + head, size);
    f->pos += head + size;
    return true;
}

bool mig_get_u8(MigFields *f, const char *name, uint8_t *v, Error **errp)
{
    uint64_t x;

    if (!mig_get_uint(f, MIG_FIELD_U8, name, 1, &x, errp)) {
        return false;
    }
    *v = x;
    return true;
}

bool mig_get_u16(MigFields *f, const char *name, uint16_t *v, Error **errp)
{
    uint64_t x;

    if (!mig_get_uint(f, MIG_FIELD_U16, name, 2, &x, errp)) {
        return false;
    }
    *v = x;
    return true;
}

bool mig_get_u32(MigFields *f, const char *name, uint32_t *v, Error **errp)
{
    uint64_t x;

    if (!mig_get_uint(f, MIG_FIELD_U32, name, 4, &x, errp)) {
        return false;
    }
    *v = x;
    return true;
}

bool mig_get_u64(MigFields *f, const char *name, uint64_t *v, Error **errp)
{
    return mig_get_uint(f, MIG_FIELD_U64, name, 8, v, errp);
}

bool mig_get_bool(MigFields *f, const char *name, bool *v, Error **errp)
{
    size_t head;
    uint8_t b;

    if (!mig_get_head(f, MIG_FIELD_BOOL, name, 1, &head, errp)) {
        return false;
    }
    b = f->in[f->pos + head];
    if (b > 1) {
        error_setg(errp, "field '%s': bool value %u is not 0 or 1", name, b);
        return false;
    }
    *v = b;
    f->pos += head + 1;
    return true;
}

/* A length-prefixed value: *data points into the buffer. */
static bool mig_get_blob(MigFields *f, MigFieldType type, const char *name,
                         const uint8_t **data, size_t *len, Error **errp)
{
    size_t head;
    size_t left;

    if (!mig_get_head(f, type, name, 4, &head, errp)) {
        return false;
    }
    *len = mig_le_get(f->in + f->pos + head, 4);
    left = mig_fields_left(f) - head - 4;
    if (*len > left) {
        error_setg(errp, "field '%s': cut off (%zu of %zu bytes)", name, left,
                   *len);
        return false;
    }
    *data = f->in + f->pos + head + 4;
    return true;
}

bool mig_get_str(MigFields *f, const char *name, char **v, Error **errp)
{
    const uint8_t *data;
    size_t len;

    if (!mig_get_blob(f, MIG_FIELD_STR, name, &data, &len, errp)) {
        return false;
    }
    if (memchr(data, 0, len)) {
        error_setg(errp, "field '%s': string holds a NUL byte", name);
        return false;
    }
    *v = g_strndup((const char *)data, len);
    f->pos = data + len - f->in;
    return true;
}

bool mig_get_bytes(MigFields *f, const char *name, void *buf, size_t len,
                   Error **errp)
{
    const uint8_t *data;
    size_t got;

    if (!mig_get_blob(f, MIG_FIELD_BYTES, name, &data, &got, errp)) {
        return false;
    }
    if (got != len) {
        error_setg(errp, "field '%s': %zu bytes in the stream, %zu expected",
                   name, got, len);
        return false;
    }
    memcpy(buf, data, len);
    f->pos = data + len - f->in;
    return true;
}

bool mig_fields_check_end(MigFields *f, Error **errp)
{
    const uint8_t *p = f->in + f->pos;
    size_t left = mig_fields_left(f);

    if (left == 0) {
        return true;
    }
    if (left >= 2 && left >= 2 + (size_t)p[1]) {
        error_setg(errp, "field '%.*s' and %zu more bytes were not read",
                   (int)p[1], (const char *)p + 2, left);
    } else {
        error_setg(errp, "%zu bytes after the last field were not read",
                   left);
    }
    return false;
}

/* ---- checks against the destination ---- */

static GString *mig_format_u64(const char *name, uint64_t v)
{
    GString *s = g_string_new(NULL);

    if (g_str_has_suffix(name, "size")) {
        g_string_append(s, size_str(v).s);
    } else if (g_str_has_suffix(name, "addr")) {
        g_string_append_printf(s, "0x%" PRIx64, v);
    } else {
        g_string_append_printf(s, "%" PRIu64, v);
    }
    return s;
}

bool mig_check_u64(MigFields *f, const char *name, uint64_t mine,
                   Error **errp)
{
    g_autoptr(GString) theirs_s = NULL;
    g_autoptr(GString) mine_s = NULL;
    uint64_t theirs;

    if (!mig_get_u64(f, name, &theirs, errp)) {
        return false;
    }
    if (theirs == mine) {
        return true;
    }
    theirs_s = mig_format_u64(name, theirs);
    mine_s = mig_format_u64(name, mine);
    error_setg(errp, "%s: source %s, destination %s", name, theirs_s->str,
               mine_s->str);
    return false;
}

bool mig_check_bool(MigFields *f, const char *name, bool mine, Error **errp)
{
    bool theirs;

    if (!mig_get_bool(f, name, &theirs, errp)) {
        return false;
    }
    if (theirs != mine) {
        error_setg(errp, "%s: source %s, destination %s", name,
                   theirs ? "on" : "off", mine ? "on" : "off");
        return false;
    }
    return true;
}

bool mig_check_str(MigFields *f, const char *name, const char *mine,
                   Error **errp)
{
    g_autofree char *theirs = NULL;

    if (!mig_get_str(f, name, &theirs, errp)) {
        return false;
    }
    if (strcmp(theirs, mine)) {
        error_setg(errp, "%s: source '%s', destination '%s'", name, theirs,
                   mine);
        return false;
    }
    return true;
}
