/*
 * Unit tests of util/keyval.c: QEMU's KEY=VALUE,... syntax (escaped
 * commas, implied first key, dotted keys, help requests, repeated keys)
 * and the JSON form, with the exact error messages.
 */
#include "qemu/osdep.h"
#include "qemu/keyval.h"

/* Parse expecting success; returns the compact, key-sorted JSON text. */
static char *test_keyval_ok(const char *params, const char *implied,
                            bool *help)
{
    Error *err = NULL;
    json_t *obj = keyval_parse_cli(params, implied, help, &err);
    char *text;

    g_assert_null(err);
    g_assert_nonnull(obj);
    text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(obj);
    return text;
}

static void test_keyval_assert(const char *params, const char *implied,
                               const char *expected)
{
    bool help = false;
    char *text = test_keyval_ok(params, implied, &help);

    g_assert_cmpstr(text, ==, expected);
    g_assert_false(help);
    free(text);
}

static void test_keyval_assert_error(const char *params, const char *implied,
                                     bool *help, const char *message)
{
    Error *err = NULL;
    json_t *obj = keyval_parse_cli(params, implied, help, &err);

    g_assert_null(obj);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, message);
    error_free(err);
}

static void test_keyval_empty(void)
{
    test_keyval_assert("", NULL, "{}");
    test_keyval_assert("", "size", "{}");
}

static void test_keyval_implied_key(void)
{
    test_keyval_assert("4G", "size", "{\"size\":\"4G\"}");
    test_keyval_assert("4G,slots=2,maxmem=8G", "size",
                       "{\"maxmem\":\"8G\",\"size\":\"4G\",\"slots\":\"2\"}");
    test_keyval_assert("virtio-mem-pci,id=vm0,memdev=mem0", "driver",
                       "{\"driver\":\"virtio-mem-pci\",\"id\":\"vm0\","
                       "\"memdev\":\"mem0\"}");
}

static void test_keyval_implied_key_only_first(void)
{
    test_keyval_assert_error("4G,8G", "size", NULL,
                             "Invalid parameter '8G'");
    test_keyval_assert_error("4G,slots", "size", NULL,
                             "Expected '=' after parameter 'slots'");
}

static void test_keyval_explicit_implied_key(void)
{
    test_keyval_assert("size=4G", "size", "{\"size\":\"4G\"}");
}

static void test_keyval_comma_escape(void)
{
    test_keyval_assert("path=/tmp/a,,b,server=on", NULL,
                       "{\"path\":\"/tmp/a,b\",\"server\":\"on\"}");
    test_keyval_assert("a,,b,x=1", "file", "{\"file\":\"a,b\",\"x\":\"1\"}");
    test_keyval_assert("v=,,,,", NULL, "{\"v\":\",,\"}");
}

static void test_keyval_empty_value(void)
{
    test_keyval_assert("a=,b=2", NULL, "{\"a\":\"\",\"b\":\"2\"}");
}

static void test_keyval_trailing_comma(void)
{
    test_keyval_assert("a=1,", NULL, "{\"a\":\"1\"}");
}

static void test_keyval_last_wins(void)
{
    test_keyval_assert("a=1,b=2,a=3", NULL, "{\"a\":\"3\",\"b\":\"2\"}");
}

static void test_keyval_dotted(void)
{
    test_keyval_assert("a.b=1,a.c=2,d=3", NULL,
                       "{\"a\":{\"b\":\"1\",\"c\":\"2\"},\"d\":\"3\"}");
}

static void test_keyval_inconsistent(void)
{
    test_keyval_assert_error("a.b=1,a=2", NULL, NULL,
                             "Parameters 'a.*' used inconsistently");
    test_keyval_assert_error("a=2,a.b=1", NULL, NULL,
                             "Parameters 'a.*' used inconsistently");
}

static void test_keyval_invalid_key(void)
{
    test_keyval_assert_error("id=m0,si!ze=1G", NULL, NULL,
                             "Invalid parameter 'si!ze'");
    test_keyval_assert_error("id=m0,=1", NULL, NULL, "Invalid parameter ''");
    test_keyval_assert_error("a..b=1", NULL, NULL,
                             "Invalid parameter 'a..b'");
}

static void test_keyval_missing_equals(void)
{
    test_keyval_assert_error("id=m0,size", NULL, NULL,
                             "Expected '=' after parameter 'size'");
    test_keyval_assert_error("id=m0,s!ze", NULL, NULL,
                             "Invalid parameter 's!ze'");
}

static void test_keyval_no_implied_key(void)
{
    test_keyval_assert_error("4G", NULL, NULL,
                             "No implicit parameter name for value '4G'");
}

static void test_keyval_help(void)
{
    bool help = false;
    char *text = test_keyval_ok("help", "driver", &help);

    g_assert_true(help);
    g_assert_cmpstr(text, ==, "{}");
    free(text);
    text = test_keyval_ok("virtio-mem-pci,help", "driver", &help);
    g_assert_true(help);
    g_assert_cmpstr(text, ==, "{\"driver\":\"virtio-mem-pci\"}");
    free(text);
    text = test_keyval_ok("memory-backend-ram,?", "qom-type", &help);
    g_assert_true(help);
    free(text);
}

static void test_keyval_help_not_wanted(void)
{
    test_keyval_assert_error("id=x,help", NULL, NULL,
                             "Expected '=' after parameter 'help'");
}

static void test_keyval_help_value_is_not_help(void)
{
    bool help = true;
    char *text = test_keyval_ok("driver=help", "driver", &help);

    g_assert_false(help);
    g_assert_cmpstr(text, ==, "{\"driver\":\"help\"}");
    free(text);
}

static void test_keyval_json(void)
{
    bool help = true;
    char *text = test_keyval_ok(
        "{\"qom-type\":\"memory-backend-ram\",\"id\":\"m0\",\"size\":1024,"
        "\"share\":true}", "qom-type", &help);

    g_assert_false(help);
    g_assert_cmpstr(text, ==,
                    "{\"id\":\"m0\",\"qom-type\":\"memory-backend-ram\","
                    "\"share\":true,\"size\":1024}");
    free(text);
}

static void test_keyval_json_error(void)
{
    Error *err = NULL;
    json_t *obj = keyval_parse_cli("{\"id\":\"m0\"", "qom-type", NULL, &err);

    g_assert_null(obj);
    g_assert_nonnull(err);
    g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                   "JSON parse error, "));
    error_free(err);
}

static void test_keyval_json_duplicate_is_error(void)
{
    Error *err = NULL;
    json_t *obj = keyval_parse_cli("{\"id\":\"a\",\"id\":\"b\"}", NULL, NULL,
                                   &err);

    g_assert_null(obj);
    g_assert_nonnull(err);
    g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                   "JSON parse error, "));
    error_free(err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/keyval/parse/empty-is-empty-object", test_keyval_empty);
    g_test_add_func("/keyval/parse/implied-key", test_keyval_implied_key);
    g_test_add_func("/keyval/parse/implied-key-only-first-is-error",
                    test_keyval_implied_key_only_first);
    g_test_add_func("/keyval/parse/implied-key-may-be-explicit",
                    test_keyval_explicit_implied_key);
    g_test_add_func("/keyval/parse/double-comma-is-literal-comma",
                    test_keyval_comma_escape);
    g_test_add_func("/keyval/parse/empty-value", test_keyval_empty_value);
    g_test_add_func("/keyval/parse/trailing-comma-ignored",
                    test_keyval_trailing_comma);
    g_test_add_func("/keyval/parse/repeated-key-last-wins",
                    test_keyval_last_wins);
    g_test_add_func("/keyval/parse/dotted-keys-nest", test_keyval_dotted);
    g_test_add_func("/keyval/parse/inconsistent-nesting-is-error",
                    test_keyval_inconsistent);
    g_test_add_func("/keyval/parse/invalid-key-is-error",
                    test_keyval_invalid_key);
    g_test_add_func("/keyval/parse/missing-equals-is-error",
                    test_keyval_missing_equals);
    g_test_add_func("/keyval/parse/bare-value-without-implied-key-is-error",
                    test_keyval_no_implied_key);
    g_test_add_func("/keyval/parse/help-request", test_keyval_help);
    g_test_add_func("/keyval/parse/help-when-not-wanted-is-error",
                    test_keyval_help_not_wanted);
    g_test_add_func("/keyval/parse/help-as-value-is-not-help",
                    test_keyval_help_value_is_not_help);
    g_test_add_func("/keyval/json/object-keeps-types", test_keyval_json);
    g_test_add_func("/keyval/json/syntax-error", test_keyval_json_error);
    g_test_add_func("/keyval/json/duplicate-key-is-error",
                    test_keyval_json_duplicate_is_error);
    return g_test_run();
}
