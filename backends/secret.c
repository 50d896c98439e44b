/*
 * "secret": a named secret for other objects (libvirt creates its master
 * key this way), from data= or file=, in format=raw or base64.  The value
 * is checked and kept; nothing in hotmem consumes a secret yet, and
 * encrypted secrets (keyid=, iv=) are refused because no key object
 * exists to decrypt them.  Messages are QEMU 7.2's.
 */
#include "qemu/osdep.h"
#include "qom/object.h"

#define TYPE_SECRET "secret"

typedef struct Secret {
    Object parent_obj;
    char *data;             /* data=, or NULL */
    char *file;             /* file=, or NULL */
    char *keyid;            /* keyid=: refused at complete */
    char *iv;
    int format;             /* index into secret_formats */
    GBytes *value;          /* the raw secret, after complete */
} Secret;

static const char *const secret_formats[] = { "raw", "base64", NULL };

#define SECRET(obj) OBJECT_CHECK(Secret, (obj), TYPE_SECRET)

static int secret_get_format(Object *obj, Error **errp)
{
    return SECRET(obj)->format;
}

static bool secret_set_format(Object *obj, int value, Error **errp)
{
    SECRET(obj)->format = value;
    return true;
}

/* The bytes of data= or file=, before decoding. */
static bool secret_load(Secret *s, char **text, gsize *len, Error **errp)
{
    g_autoptr(GError) gerr = NULL;

    if (s->data) {
        *text = g_strdup(s->data);
        *len = strlen(s->data);
        return true;
    }
    if (!g_file_get_contents(s->file, text, len, &gerr)) {
        error_setg(errp, "Unable to read %s: %s", s->file, gerr->message);
        return false;
    }
    return true;
}

static bool secret_decode(Secret *s, char *text, gsize len, Error **errp)
{
    guchar *raw;
    gsize raw_len;

    if (s->format == 0) {
        s->value = g_bytes_new_take(text, len);
        return true;
    }
    if (strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789+/=") != len) {
        g_free(text);
        error_setg(errp, "Base64 data contains invalid characters");
        return false;
    }
    raw = g_base64_decode(text, &raw_len);
    g_free(text);
    s->value = g_bytes_new_take(raw, raw_len);
    return true;
}

static bool secret_complete(Object *obj, Error **errp)
{
    Secret *s = SECRET(obj);
    char *text = NULL;
    gsize len = 0;

    if (s->data && s->file) {
        error_setg(errp, "'file' and 'data' are mutually exclusive");
        return false;
    }
    if (!s->data && !s->file) {
        error_setg(errp, "Either 'file' or 'data' must be provided");
        return false;
    }
    if (s->keyid || s->iv) {
        error_setg(errp, "secret '%s': keyid/iv (an encrypted secret) is not supported by hotmem, which has no key to decrypt it", object_get_canonical_path_component(obj));
        return false;
    }
    return secret_load(s, &text, &len, errp) &&
           secret_decode(s, text, len, errp);
}

static void secret_instance_init(Object *obj)
{
    Secret *s = SECRET(obj);

    object_property_add_str_field(obj, "data", &s->data, NULL);
    object_property_add_str_field(obj, "file", &s->file, NULL);
    object_property_add_str_field(obj, "keyid", &s->keyid, NULL);
    object_property_add_str_field(obj, "iv", &s->iv, NULL);
    object_property_add_enum(obj, "format", "QCryptoSecretFormat",
                             secret_formats, secret_get_format,
                             secret_set_format);
}

static void secret_instance_finalize(Object *obj)
{
    Secret *s = SECRET(obj);

    g_free(s->data);
    g_free(s->file);
    g_free(s->keyid);
    g_free(s->iv);
    if (s->value) {
        g_bytes_unref(s->value);
    }
}

static void secret_class_init(ObjectClass *oc, void *data)
{
    UserCreatableClass *ucc = OBJECT_CLASS_CHECK(UserCreatableClass, oc,
                                                 TYPE_USER_CREATABLE);

    ucc->complete = secret_complete;
}

static const TypeInfo secret_info = {
    .name = TYPE_SECRET,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(Secret),
    .instance_init = secret_instance_init,
    .instance_finalize = secret_instance_finalize,
    .class_init = secret_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_USER_CREATABLE }, { NULL }
    },
};

static void secret_register_types(void)
{
    type_register_static(&secret_info);
}

type_init(secret_register_types)
