/*
 * QEMU's KEY=VALUE,... option syntax, as used by -m, -device, -object,
 * -accel, -machine and friends, parsed into a JSON object whose leaf values
 * are strings.  ",," inside a value is a literal comma; dotted keys
 * ("a.b=1") build nested objects; the first element may omit its key (the
 * "implied key": "-m 4G" is size=4G).  Arguments starting with '{' are JSON.
 * Pure functions: no global state, any thread.
 */
#ifndef QEMU_KEYVAL_H
#define QEMU_KEYVAL_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <jansson.h>

/*
 * keyval_parse: parse params ("4G,slots=2,maxmem=8G").
 * @implied_key: key for a first element without '=' (NULL: none allowed).
 * @help: when non-NULL, an element "help" or "?" sets *help = true (and
 *        is not stored); when NULL such an element is an ordinary error.
 * Returns a new JSON object (values are strings or nested objects), or
 * NULL with errp set: "Invalid parameter 'KEY'", "Expected '=' after
 * parameter 'KEY'", "No implicit parameter name for value 'V'" (first
 * element without '=' and no implied key), "Parameters 'a.*' used
 * inconsistently".  A repeated key: the last value
 * wins, as QEMU.  Cost: O(length of params).
 */
json_t *keyval_parse(const char *params, const char *implied_key,
                     bool *help, Error **errp);

/*
 * keyval_parse_cli: like keyval_parse, but when arg starts with '{' it is
 * parsed as a JSON object (any value types; *help stays false).  Errors
 * for JSON: "JSON parse error, <reason>" and "JSON value is not an
 * object".
 */
json_t *keyval_parse_cli(const char *arg, const char *implied_key,
                         bool *help, Error **errp);

/* keyval_is_help: "help" or "?". */
bool keyval_is_help(const char *str);

/*
 * keyval_str: the string value of key in opts (a keyval_parse() result or
 * any JSON object), or NULL when absent or not a string (a nested object).
 */
const char *keyval_str(json_t *opts, const char *key);

#endif /* QEMU_KEYVAL_H */
