/*
 * The qtest line protocol itself: the exact reply of every command, as
 * QEMU 7.2 sends it, checked on guest RAM at 1 MiB.  Runs against hotmem
 * and the reference; what the reference cannot do (its Debian build has
 * no qtest accelerator, so no clock commands; it aborts on malformed
 * numbers) is skipped there with the reason.
 */
#include "qemu/osdep.h"
#include "libqtest.h"

#define TEST_RAM 0x100000

static void test_cmd_is(QTestState *s, const char *cmd, const char *expect)
{
    g_autofree char *reply = qtest_raw_cmd(s, "%s", cmd);

    g_assert_cmpstr(reply, ==, expect);
}

static void test_endianness_little(void)
{
    QTestState *s = qtest_init(NULL);

    test_cmd_is(s, "endianness", "OK little");
    qtest_quit(s);
}

static void test_unknown_command_fails(void)
{
    QTestState *s = qtest_init(NULL);

    test_cmd_is(s, "frobnicate 1 2", "FAIL Unknown command 'frobnicate'");
    /* The connection still works afterwards. */
    test_cmd_is(s, "endianness", "OK little");
    qtest_quit(s);
}

static void test_read_sized_sixteen_digits(void)
{
    QTestState *s = qtest_init(NULL);

    test_cmd_is(s, "writeb 0x100000 0xab", "OK");
    test_cmd_is(s, "readb 0x100000", "OK 0x00000000000000ab");
    test_cmd_is(s, "readw 0x100000", "OK 0x00000000000000ab");
    test_cmd_is(s, "readl 0x100000", "OK 0x00000000000000ab");
    test_cmd_is(s, "writew 0x100002 0x1234", "OK");
    test_cmd_is(s, "readl 0x100000", "OK 0x00000000123400ab");
    test_cmd_is(s, "writeq 0x100000 0x1122334455667788", "OK");
    test_cmd_is(s, "readq 0x100000", "OK 0x1122334455667788");
    test_cmd_is(s, "writel 0x100000 0xdeadbeef", "OK");
    test_cmd_is(s, "readq 0x100000", "OK 0x11223344deadbeef");
    qtest_quit(s);
}

static void test_read_write_hex_round_trip(void)
{
    QTestState *s = qtest_init(NULL);

    test_cmd_is(s, "writeq 0x100000 0x1122334455667788", "OK");
    /* Bytes in address order, little-endian guest. */
    test_cmd_is(s, "read 0x100000 8", "OK 0x8877665544332211");
    test_cmd_is(s, "write 0x100000 4 0xdeadbeef", "OK");
    test_cmd_is(s, "read 0x100000 4", "OK 0xdeadbeef");
    /* Missing trailing bytes are written as zero. */
    test_cmd_is(s, "write 0x100000 4 0x1234", "OK");
    test_cmd_is(s, "read 0x100000 6", "OK 0x123400004433");
    qtest_quit(s);
}

static void test_write_short_data_is_err(void)
{
    QTestState *s = qtest_init(NULL);

    test_cmd_is(s, "write 0x100000 4 0x", "ERR invalid argument size");
    test_cmd_is(s, "b64write 0x100000 4 AQ", "ERR invalid argument size");
    qtest_quit(s);
}

static void test_b64_round_trip(void)
{
    QTestState *s = qtest_init(NULL);
    uint8_t in[64], out[64];

    test_cmd_is(s, "b64write 0x100000 3 AQID", "OK");
    test_cmd_is(s, "read 0x100000 4", "OK 0x01020300");
    test_cmd_is(s, "b64read 0x100000 3", "OK AQID");
    for (unsigned i = 0; i < sizeof(in); i++) {
        in[i] = i * 7 + 3;
    }
    qtest_bufwrite(s, TEST_RAM + 0x1000, in, sizeof(in));
    qtest_bufread(s, TEST_RAM + 0x1000, out, sizeof(out));
    g_assert_cmpmem(in, sizeof(in), out, sizeof(out));
    memset(out, 0, sizeof(out));
    qtest_memread(s, TEST_RAM + 0x1000, out, sizeof(out));
    g_assert_cmpmem(in, sizeof(in), out, sizeof(out));
    qtest_quit(s);
}

static void test_memset_fills(void)
{
    QTestState *s = qtest_init(NULL);

    test_cmd_is(s, "memset 0x100000 4 0x5a", "OK");
    test_cmd_is(s, "read 0x100000 5", "OK 0x5a5a5a5a00");
    test_cmd_is(s, "memset 0x100001 0 0xff", "OK");
    test_cmd_is(s, "read 0x100000 2", "OK 0x5a5a");
    qtest_quit(s);
}

/* Port I/O through the PCI configuration address register (4 bytes). */
static void test_port_io_four_digits(void)
{
    QTestState *s = qtest_init(NULL);

    test_cmd_is(s, "outl 0xcf8 0x0", "OK");
    test_cmd_is(s, "inl 0xcf8", "OK 0x0000");
    test_cmd_is(s, "outl 0xcf8 0x80000000", "OK");
    test_cmd_is(s, "inl 0xcf8", "OK 0x80000000");
    /* Host bridge 00:00.0, vendor/device: Intel 0x29c0 (q35 MCH). */
    qtest_outl(s, 0xcf8, 0x80000000);
    g_assert_cmphex(qtest_inw(s, 0xcfc), ==, 0x8086);
    g_assert_cmphex(qtest_inw(s, 0xcfe), ==, 0x29c0);
    g_assert_cmphex(qtest_inl(s, 0xcfc), ==, 0x29c08086);
    qtest_quit(s);
}

static void test_clock_step_and_set(void)
{
    QTestState *s;
    g_autofree char *next = NULL;
    g_autofree char *expect = NULL;
    int64_t t0, t1;

    if (qtest_is_reference()) {
        g_test_skip("QEMU 7.2 as Debian builds it has no qtest accelerator: "
                    "clock commands answer 'FAIL Unknown command'");
        return;
    }
    s = qtest_init(NULL);
    t0 = qtest_clock_step(s, 1000);
    g_assert_cmpint(t0, >=, 1000);
    t1 = qtest_clock_step(s, 500);
    g_assert_cmpint(t1, ==, t0 + 500);
    expect = g_strdup_printf("OK %" PRIi64, t1 + 12345);
    g_autofree char *set = qtest_raw_cmd(s, "clock_set %" PRIi64,
                                         t1 + 12345);
    g_assert_cmpstr(set, ==, expect);
    /* The virtual clock never goes back: FAIL and where it is. */
    g_autofree char *back = qtest_raw_cmd(s, "clock_set %" PRIi64, t0);
    g_autofree char *back_expect = g_strdup_printf("FAIL %" PRIi64,
                                                   t1 + 12345);
    g_assert_cmpstr(back, ==, back_expect);
    /* Next deadline: either a timer exists and the clock moves, or not. */
    next = qtest_raw_cmd(s, "clock_step");
    if (g_str_has_prefix(next, "OK ")) {
        g_assert_cmpint(g_ascii_strtoll(next + 3, NULL, 10), >, t1 + 12345);
    } else {
        g_assert_cmpstr(next, ==, "FAIL cannot advance clock to the next "
                        "deadline because there is no pending deadline");
    }
    qtest_quit(s);
}

static void test_irq_intercept_ioapic(void)
{
    QTestState *s = qtest_init(NULL);

    test_cmd_is(s, "irq_intercept_in /machine/nosuchdevice",
                "FAIL Unknown device");
    test_cmd_is(s, "irq_intercept_in ioapic", "OK");
    /* Again on the same device: OK, nothing changes. */
    test_cmd_is(s, "irq_intercept_in ioapic", "OK");
    /* Nothing raised any line. */
    qtest_readb(s, TEST_RAM);
    for (int i = 0; i < 24; i++) {
        g_assert_false(qtest_get_irq(s, i));
    }
    /* A forced level is reported before the OK, once per change. */
    qtest_set_irq_in(s, "ioapic", NULL, 5, 1);
    g_assert_true(qtest_get_irq(s, 5));
    g_assert_false(qtest_get_irq(s, 4));
    test_cmd_is(s, "set_irq_in ioapic unnamed-gpio-in 5 1", "OK");
    qtest_set_irq_in(s, "ioapic", NULL, 5, 0);
    g_assert_false(qtest_get_irq(s, 5));
    qtest_quit(s);
}

static void test_set_irq_reply_order(void)
{
    QTestState *s = qtest_init(NULL);
    char *line;

    test_cmd_is(s, "irq_intercept_in ioapic", "OK");
    /* The raw reader skips IRQ lines: the reply is still OK. */
    line = qtest_raw_cmd(s, "set_irq_in ioapic unnamed-gpio-in 3 1");
    g_assert_cmpstr(line, ==, "OK");
    g_free(line);
    g_assert_true(qtest_get_irq(s, 3));
    qtest_quit(s);
}

/* An intercepted input still reaches its device (the IOAPIC's trace). */
static void test_irq_intercept_forwards(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *log_path = NULL;
    g_autofree char *args = NULL;
    g_autofree char *log = NULL;
    QTestState *s;

    if (qtest_is_reference()) {
        g_test_skip("reads hotmem's trace output");
        return;
    }
    dir = g_dir_make_tmp("qtest-irq-XXXXXX", NULL);
    log_path = g_build_filename(dir, "trace.log", NULL);
    args = g_strdup_printf("-trace ioapic_set_irq -D %s", log_path);
    s = qtest_init(args);
    test_cmd_is(s, "irq_intercept_in ioapic", "OK");
    qtest_set_irq_in(s, "ioapic", NULL, 5, 1);
    g_assert_true(qtest_get_irq(s, 5));
    qtest_quit(s);
    g_assert_true(g_file_get_contents(log_path, &log, NULL, NULL));
    g_assert_nonnull(strstr(log, "ioapic_set_irq pin=5 level=1"));
    unlink(log_path);
    rmdir(dir);
}

static void test_malformed_numbers_are_errors(void)
{
    QTestState *s;

    if (qtest_is_reference()) {
        g_test_skip("QEMU 7.2 aborts on a malformed number (g_assert); "
                    "hotmem answers ERR and keeps serving");
        return;
    }
    s = qtest_init(NULL);
    test_cmd_is(s, "readb xyz", "ERR invalid number 'xyz'");
    test_cmd_is(s, "readb", "ERR invalid number ''");
    test_cmd_is(s, "writeb 0x100000 0x1g", "ERR invalid number '0x1g'");
    test_cmd_is(s, "inb 0x10000", "ERR port 0x10000 above 0xffff");
    test_cmd_is(s, "readb 0x100000", "OK 0x0000000000000000");
    qtest_quit(s);
}

/* -qtest-log FILE: "[R +S.UUUUUU] command" and "[S +S.UUUUUU] answer". */
static void test_log_lines(void)
{
    g_autofree char *path = g_strdup_printf("%s/qtest-log-%d.txt",
                                            g_get_tmp_dir(), (int)getpid());
    g_autofree char *args = g_strdup_printf("-qtest-log %s", path);
    g_autofree char *text = NULL;
    g_autoptr(GRegex) recv = g_regex_new("^\\[R \\+[0-9]+\\.[0-9]{6}\\] "
                                         "readb 0x100000$",
                                         G_REGEX_MULTILINE, 0, NULL);
    g_autoptr(GRegex) sent = g_regex_new("^\\[S \\+[0-9]+\\.[0-9]{6}\\] "
                                         "OK 0x0000000000000000$",
                                         G_REGEX_MULTILINE, 0, NULL);
    QTestState *s = qtest_init(args);

    qtest_readb(s, TEST_RAM);
    qtest_quit(s);
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    unlink(path);
    if (!g_regex_match(recv, text, 0, NULL) ||
        !g_regex_match(sent, text, 0, NULL)) {
        g_test_message("log: %s", text);
    }
    g_assert_true(g_regex_match(recv, text, 0, NULL));
    g_assert_true(g_regex_match(sent, text, 0, NULL));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qtest-proto/endianness/little", test_endianness_little);
    g_test_add_func("/qtest-proto/unknown-command/fails",
                    test_unknown_command_fails);
    g_test_add_func("/qtest-proto/readx/sixteen-hex-digits",
                    test_read_sized_sixteen_digits);
    g_test_add_func("/qtest-proto/read-write/hex-round-trip",
                    test_read_write_hex_round_trip);
    g_test_add_func("/qtest-proto/write/short-data-is-err",
                    test_write_short_data_is_err);
    g_test_add_func("/qtest-proto/b64/round-trip", test_b64_round_trip);
    g_test_add_func("/qtest-proto/memset/fills-bytes", test_memset_fills);
    g_test_add_func("/qtest-proto/port-io/pci-config-four-digits",
                    test_port_io_four_digits);
    g_test_add_func("/qtest-proto/clock/step-and-set",
                    test_clock_step_and_set);
    g_test_add_func("/qtest-proto/irq/intercept-ioapic-no-spurious",
                    test_irq_intercept_ioapic);
    g_test_add_func("/qtest-proto/irq/raise-before-ok",
                    test_set_irq_reply_order);
    g_test_add_func("/qtest-proto/irq/intercepted-input-still-forwarded",
                    test_irq_intercept_forwards);
    g_test_add_func("/qtest-proto/malformed/numbers-are-errors",
                    test_malformed_numbers_are_errors);
    g_test_add_func("/qtest-proto/log/received-and-sent-lines",
                    test_log_lines);
    return g_test_run();
}
