/*
 * KEY=VALUE,... parsing (QEMU's keyval syntax) into JSON objects.  Owns
 * only the syntax: which keys an option accepts and how values convert is
 * the business of the caller (softmmu/vl.c) and of object properties
 * (qom/).  Grammar: elements separated by ','; ",," is a literal comma in
 * a value; keys are dotted fragments (a QAPI name or an index); the first
 * element may be a bare value for the implied key; "help"/"?" asks for help.
 */
#include "qemu/osdep.h"
#include "qemu/keyval.h"

bool keyval_is_help(const char *str)
{
    return !strcmp(str, "help") || !strcmp(str, "?");
}

const char *keyval_str(json_t *opts, const char *key)
{
    return json_string_value(json_object_get(opts, key));
}

/* A key fragment: a QAPI name ([A-Za-z][A-Za-z0-9_-]*, or "__" prefixed
 * downstream names) or an index ([0-9]+). */
static bool keyval_is_fragment(const char *frag, size_t len)
{
    size_t i;

    if (len == 0) {
        return false;
    }
    if (g_ascii_isdigit(frag[0])) {
        for (i = 0; i < len; i++) {
            if (!g_ascii_isdigit(frag[i])) {
                return false;
            }
        }
        return true;
    }
    if (!g_ascii_isalpha(frag[0]) && frag[0] != '_') {
        return false;
    }
    for (i = 1; i < len; i++) {
        if (!g_ascii_isalnum(frag[i]) && frag[i] != '-' && frag[i] != '_'
            && frag[i] != '.') {
            return false;
        }
    }
    return true;
}

static bool keyval_is_key(const char *key)
{
    g_auto(GStrv) frags = g_strsplit(key, ".", -1);
    int i;

    for (i = 0; frags[i]; i++) {
        if (!keyval_is_fragment(frags[i], strlen(frags[i]))) {
            return false;
        }
    }
    return i > 0;
}

/*
 * Read a value starting at *pos up to an unescaped ',' or the end; ",,"
 * becomes ','.  Leaves *pos on the separator (or the end).
 */
static char *keyval_read_value(const char **pos)
{
    GString *val = g_string_new(NULL);
    const char *p = *pos;

    while (*p) {
        if (*p == ',') {
            if (p[1] != ',') {
                break;
            }
            p++;
        }
        g_string_append_c(val, *p);
        p++;
    }
    *pos = p;
    return g_string_free(val, false);
}

/* Store value at dotted key in root; intermediate objects are created. */
static bool keyval_put(json_t *root, const char *key, const char *value,
                       Error **errp)
{
    g_auto(GStrv) frags = g_strsplit(key, ".", -1);
    g_autoptr(GString) prefix = g_string_new(NULL);
    json_t *node = root;
    int i;

    for (i = 0; frags[i + 1]; i++) {
        json_t *next = json_object_get(node, frags[i]);

        g_string_append_printf(prefix, "%s%s", i ? "." : "", frags[i]);
        if (next && !json_is_object(next)) {
            error_setg(errp, "Parameters '%s.*' used inconsistently",
                       prefix->str);
            return false;
        }
        if (!next) {
            next = json_object();
            json_object_set_new(node, frags[i], next);
        }
        node = next;
    }
    if (json_is_object(json_object_get(node, frags[i]))) {
        error_setg(errp, "Parameters '%s.*' used inconsistently", key);
        return false;
    }
    /* A repeated key: the last value wins, as in QEMU. */
    json_object_set_new(node, frags[i], json_string(value));
    return true;
}

/*
 * One element at *pos: "key=value", a bare value for the implied key, or
 * a help request.  Advances *pos past the element (not the separator).
 */
static void keyval_set_missing_equals_error(const char *key, bool first,
                                           Error **errp)
{
    if (first) {
        error_setg(errp, "No implicit parameter name for value '%s'", key);
    } else if (!keyval_is_key(key)) {
        error_setg(errp, "Invalid parameter '%s'", key);
    } else {
        error_setg(errp, "Expected '=' after parameter '%s'", key);
    }
}

static bool keyval_parse_one(json_t *root, const char **pos, bool first,
                             const char *implied_key, bool *help,
                             Error **errp)
{
    const char *start = *pos;
    size_t key_len = strcspn(start, "=,");
    g_autofree char *key = g_strndup(start, key_len);
    g_autofree char *value = NULL;

    if (start[key_len] != '=') {
        if (help && keyval_is_help(key)) {
            *help = true;
            *pos = start + key_len;
            return true;
        }
        if (!implied_key) {
            keyval_set_missing_equals_error(key, first, errp);
            return false;
        }
        value = keyval_read_value(pos);
        return keyval_put(root, implied_key, value, errp);
    }
    if (!keyval_is_key(key)) {
        error_setg(errp, "Invalid parameter '%s'", key);
        return false;
    }
    *pos = start + key_len + 1;
    value = keyval_read_value(pos);
    return keyval_put(root, key, value, errp);
}

json_t *keyval_parse(const char *params, const char *implied_key,
                     bool *help, Error **errp)
{
    json_t *root = json_object();
    const char *pos = params;
    bool first = true;

    if (help) {
        *help = false;
    }
    while (*pos) {
        if (!keyval_parse_one(root, &pos, first, first ? implied_key : NULL,
                              help, errp)) {
            json_decref(root);
            return NULL;
        }
        first = false;
        if (*pos == ',') {
            pos++;
        }
    }
    return root;
}

json_t *keyval_parse_cli(const char *arg, const char *implied_key,
                         bool *help, Error **errp)
{
    json_error_t jerr;
    json_t *root;

    if (arg[0] != '{') {
        return keyval_parse(arg, implied_key, help, errp);
    }
    if (help) {
        *help = false;
    }
    root = json_loads(arg, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        error_setg(errp, "JSON parse error, %s", jerr.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        error_setg(errp, "JSON value is not an object");
        json_decref(root);
        return NULL;
    }
    return root;
}
