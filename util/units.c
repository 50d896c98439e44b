/*
 * Size and integer parsing as QEMU's command line accepts them, and size
 * formatting for messages.  Pure functions; used by keyval, QOM property
 * parsing, -m and HMP.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include <math.h>

int qemu_strtou64(const char *str, uint64_t *result)
{
    char *end;
    unsigned long long v;

    if (!str || !*str || g_ascii_isspace(*str) || *str == '-' ||
        *str == '+') {
        return -EINVAL;
    }
    errno = 0;
    v = strtoull(str, &end, 0);
    if (errno == ERANGE) {
        return -ERANGE;
    }
    if (*end != '\0') {
        return -EINVAL;
    }
    *result = v;
    return 0;
}

int qemu_strtoi64(const char *str, int64_t *result)
{
    char *end;
    long long v;

    if (!str || !*str || g_ascii_isspace(*str)) {
        return -EINVAL;
    }
    errno = 0;
    v = strtoll(str, &end, 0);
    if (errno == ERANGE) {
        return -ERANGE;
    }
    if (*end != '\0') {
        return -EINVAL;
    }
    *result = v;
    return 0;
}

static int units_suffix_shift(char c)
{
    switch (g_ascii_toupper(c)) {
    case 'B':
        return 0;
    case 'K':
        return 10;
    case 'M':
        return 20;
    case 'G':
        return 30;
    case 'T':
        return 40;
    case 'P':
        return 50;
    case 'E':
        return 60;
    default:
        return -1;
    }
}

/* The number part: hex integers, or decimals with an optional fraction. */
static int units_parse_number(const char *str, const char **end,
                              uint64_t *whole, double *fraction,
                              bool *is_hex)
{
    char *p;

    *fraction = 0;
    *is_hex = g_ascii_strncasecmp(str, "0x", 2) == 0;
    if (!g_ascii_isdigit(*str)) {
        return -EINVAL;
    }
    errno = 0;
    *whole = strtoull(str, &p, *is_hex ? 16 : 10);
    if (errno == ERANGE) {
        return -ERANGE;
    }
    if (!*is_hex && *p == '.') {
        char *q;

        *fraction = strtod(p, &q);
        if (q == p + 1) {
            return -EINVAL;
        }
        p = q;
    }
    *end = p;
    return 0;
}

int qemu_strtosz(const char *str, char default_suffix, uint64_t *result)
{
    const char *end;
    uint64_t whole;
    double fraction;
    bool is_hex;
    int shift;
    int ret;

    if (!str) {
        return -EINVAL;
    }
    ret = units_parse_number(str, &end, &whole, &fraction, &is_hex);
    if (ret < 0) {
        return ret;
    }
    shift = units_suffix_shift(*end ? *end : default_suffix);
    if (*end) {
        if (shift < 0 || end[1] != '\0' || is_hex) {
            /* QEMU refuses hex with suffixes except 'B'; keep it simple */
            if (!(is_hex && shift == 0 && end[1] == '\0')) {
                return -EINVAL;
            }
        }
    } else if (shift < 0) {
        shift = 0;
    }
    if (shift >= 64 || (shift > 0 && whole > (UINT64_MAX >> shift))) {
        return -ERANGE;
    }
    if (fraction != 0) {
        double extra = fraction * (double)(UINT64_C(1) << shift);

        if (extra != floor(extra)) {
            return -EINVAL;
        }
        whole = (whole << shift) + (uint64_t)extra;
        if (whole < ((uint64_t)extra)) {
            return -ERANGE;
        }
        *result = whole;
        return 0;
    }
    *result = whole << shift;
    return 0;
}

SizeStr size_str(uint64_t size)
{
    static const char *const names[] = {
        "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
    };
    SizeStr out;
    int i;

    for (i = ARRAY_SIZE(names) - 1; i > 0; i--) {
        uint64_t unit = UINT64_C(1) << (10 * i);

        if (size < unit) {
            continue;
        }
        if (size % unit == 0) {
            snprintf(out.s, sizeof(out.s), "%" PRIu64 " %s", size / unit,
                     names[i]);
            return out;
        }
        if (size % unit == unit / 2) {
            snprintf(out.s, sizeof(out.s), "%" PRIu64 ".5 %s", size / unit,
                     names[i]);
            return out;
        }
        break;
    }
    snprintf(out.s, sizeof(out.s), "%" PRIu64 " B", size);
    return out;
}
