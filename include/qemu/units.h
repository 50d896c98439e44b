/*
 * Sizes: constants, parsing of QEMU-style size strings ("4G", "512M",
 * "1T", plain bytes) and formatting for messages ("3 MiB").
 */
#ifndef QEMU_UNITS_H
#define QEMU_UNITS_H

#include "qemu/osdep.h"

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)
#define TiB (UINT64_C(1) << 40)
#define PiB (UINT64_C(1) << 50)
#define EiB (UINT64_C(1) << 60)

/*
 * Parse a size as QEMU's -m and size properties do: a decimal (or 0x hex)
 * number with an optional suffix B, K, M, G, T, P, E (case-insensitive,
 * powers of 1024), default unit bytes unless default_suffix is given
 * (e.g. 'M' for -m).  Fractions ("1.5G") are accepted when the result is
 * a whole number of bytes.  Returns 0 or -EINVAL / -ERANGE.
 */
int qemu_strtosz(const char *str, char default_suffix, uint64_t *result);

/* Parse an unsigned integer, decimal or 0x hex, whole string. 0/-errno. */
int qemu_strtou64(const char *str, uint64_t *result);
int qemu_strtoi64(const char *str, int64_t *result);

/* A formatted size, returned by value so it can be used in one expression. */
typedef struct SizeStr {
    char s[32];
} SizeStr;

/*
 * "2 MiB", "1 GiB", "1.5 GiB"; exact bytes ("3145729 B") when the value
 * is neither a whole nor a half multiple of the largest unit that fits.
 */
SizeStr size_str(uint64_t size);

#endif /* QEMU_UNITS_H */
