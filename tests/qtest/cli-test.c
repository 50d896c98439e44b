/*
 * The command line as a user meets it: exit status and the exact first
 * line on stderr for bad options, help listings and -version.  The binary
 * runs without sockets (qtest_probe_cli).  hotmem's own version text is
 * checked only when the binary is hotmem.
 */
#include "qemu/osdep.h"
#include "libqtest.h"

/* One -numa error: exit 1 and exactly this line on stderr. */
static void test_numa_error(const char *numa_args, const char *expect)
{
    g_autofree char *args = g_strdup_printf(
        "-machine q35,accel=%s -display none -nodefaults -S -m 1G %s",
        qtest_is_reference() ? "tcg" : "qtest", numa_args);
    int status = 0;
    g_autofree char *err = qtest_probe_cli(args, &status);

    g_assert_cmpint(status, ==, 1);
    g_assert_cmpstr(err, ==, expect);
}

static void test_numa_errors(void)
{
    test_numa_error("-numa foo", "qemu-system-x86_64: -numa foo: Parameter "
                    "'type' does not accept value 'foo'\n");
    test_numa_error("-numa node,bogus=1", "qemu-system-x86_64: -numa "
                    "node,bogus=1: Invalid parameter 'bogus'\n");
    test_numa_error("-numa node,nodeid=1 -numa node,nodeid=1",
                    "qemu-system-x86_64: -numa node,nodeid=1: Duplicate "
                    "NUMA nodeid: 1\n");
    test_numa_error("-numa node,nodeid=200", "qemu-system-x86_64: -numa "
                    "node,nodeid=200: Max number of NUMA nodes reached: "
                    "200\n");
    test_numa_error("-numa node,mem=1G", "qemu-system-x86_64: -numa "
                    "node,mem=1G: Parameter -numa node,mem is not supported "
                    "by this machine type\nUse -numa node,memdev instead\n");
    test_numa_error("-numa node", "qemu-system-x86_64: total memory for "
                    "NUMA nodes (0x0) should equal RAM size (0x40000000)\n");
}

static void test_unknown_option(void)
{
    int status = 0;
    g_autofree char *err = qtest_probe_cli("-foo", &status);

    g_assert_cmpint(status, ==, 1);
    g_assert_cmpstr(err, ==, "qemu-system-x86_64: -foo: invalid option\n");
}

static void test_bad_memory_size(void)
{
    int status = 0;
    g_autofree char *err = qtest_probe_cli("-display none -nodefaults -m foo",
                                           &status);

    g_assert_cmpint(status, ==, 1);
    g_assert_true(g_str_has_prefix(err, "qemu-system-x86_64: -m foo: "
                                   "Parameter 'size' expects a non-negative "
                                   "number below 2^64\n"));
}

static void test_machine_help_lists_q35(void)
{
    int status = 0;
    g_autofree char *out = NULL;
    g_autofree char *err = qtest_probe_cli_full("-machine help", &status,
                                                &out);

    g_assert_cmpint(status, ==, 0);
    g_assert_true(g_str_has_prefix(out, "Supported machines are:\n"));
    g_assert_nonnull(strstr(out, "\nq35                  Standard PC (Q35 + "
                            "ICH9, 2009) (alias of pc-q35-7.2)\n"));
}

static void test_accel_help(void)
{
    int status = 0;
    g_autofree char *out = NULL;
    g_autofree char *err = qtest_probe_cli_full("-accel help", &status, &out);

    g_assert_cmpint(status, ==, 0);
    g_assert_true(g_str_has_prefix(out,
                                   "Accelerators supported in QEMU binary:\n"));
    g_assert_nonnull(strstr(out, "\nkvm\n"));
    if (!qtest_is_reference()) {
        g_assert_nonnull(strstr(out, "\nqtest\n"));
    }
}

static void test_version(void)
{
    int status = 0;
    g_autofree char *out = NULL;
    g_autofree char *err = qtest_probe_cli_full("-version", &status, &out);

    g_assert_cmpint(status, ==, 0);
    g_assert_true(g_str_has_prefix(out, "QEMU emulator version 7.2."));
    if (qtest_is_reference()) {
        g_test_skip("the hotmem version line is checked against hotmem only");
        return;
    }
    g_assert_true(g_str_has_prefix(out, "QEMU emulator version 7.2.0 "
                                   "(hotmem 0.1.0)\n"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cli/numa/errors-as-reference", test_numa_errors);
    g_test_add_func("/cli/unknown-option/exit-1-names-it",
                    test_unknown_option);
    g_test_add_func("/cli/memory/bad-size-exit-1", test_bad_memory_size);
    g_test_add_func("/cli/machine-help/lists-q35",
                    test_machine_help_lists_q35);
    g_test_add_func("/cli/accel-help/lists-accelerators", test_accel_help);
    g_test_add_func("/cli/version/qemu-7.2-compatible", test_version);
    return g_test_run();
}
