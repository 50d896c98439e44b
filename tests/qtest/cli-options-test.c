/*
 * The command line of the binary (softmmu/vl.c): exit status and exact
 * stderr for each syntax and configuration error, help output, and the
 * clean exit on SIGTERM.  Runs the binary named by QTEST_QEMU_BINARY; with
 * QTEST_REFERENCE=1 (the binary is QEMU 7.2) only the cases where hotmem
 * promises QEMU's exact behaviour run.  Cases that need a built machine
 * listen on a unix socket for -qtest, as libqtest does.
 */
#include "qemu/osdep.h"
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#define CLI_PROG "qemu-system-x86_64: "

typedef struct CliCase {
    const char *path;           /* test path */
    const char *args;           /* space separated (no quoting) */
    bool needs_qtest;           /* add -qtest on a listening socket */
    bool same_as_qemu;          /* also run against the reference QEMU */
    int status;                 /* expected exit status */
    const char *err;            /* expected stderr, exactly */
} CliCase;

static const CliCase cli_cases[] = {
    { "/cli/option/unknown-is-error", "-foo", false, true, 1,
      CLI_PROG "-foo: invalid option\n" },
    { "/cli/option/missing-argument-is-error", "-m", false, true, 1,
      CLI_PROG "-m: requires an argument\n" },
    { "/cli/m/bad-size-is-error", "-m foo", false, true, 1,
      CLI_PROG "-m foo: Parameter 'size' expects a non-negative number below 2^64\n"
      "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n"
      "and exabytes, respectively.\n" },
    { "/cli/m/unknown-key-is-error", "-m 4G,bar=1", false, true, 1,
      CLI_PROG "-m 4G,bar=1: Invalid parameter 'bar'\n" },
    { "/cli/m/maxmem-out-of-range-is-error", "-m 4G,maxmem=16E", false, true,
      1, CLI_PROG "-m 4G,maxmem=16E: Value '16E' is out of range for parameter 'maxmem'\n" },
    { "/cli/m/bad-slots-is-error", "-m 4G,slots=x,maxmem=8G", false, true, 1,
      CLI_PROG "-m 4G,slots=x,maxmem=8G: Parameter 'slots' expects a number\n" },
    { "/cli/m/maxmem-below-size-is-error", "-m 4G,maxmem=2G", false, true, 1,
      CLI_PROG "invalid value of maxmem: maximum memory size (0x80000000) must be at least the initial memory size (0x100000000)\n" },
    { "/cli/m/slots-without-maxmem-is-error", "-m 4G,slots=0", false, true, 1,
      CLI_PROG "slots specified but no max-size\n" },
    { "/cli/m/slots-with-maxmem-equal-is-error", "-m 4G,maxmem=4G,slots=2",
      false, true, 1,
      CLI_PROG "invalid value of maxmem: memory slots were specified but maximum memory size (0x100000000) is equal to the initial memory size (0x100000000)\n" },
    { "/cli/m/too-many-slots-is-error", "-m 4G,slots=300,maxmem=8G", true,
      true, 1, CLI_PROG "unsupported amount of memory slots: 300\n" },
    { "/cli/m/unaligned-maxmem-is-error", "-m 4G,maxmem=8589934593", true,
      true, 1,
      CLI_PROG "maximum memory size must by aligned to multiple of 4096 bytes\n" },
    /* QEMU's qemu64 is an AMD model with another map: hotmem only. */
    { "/cli/m/phys-bits-too-low-is-error",
      "-cpu qemu64,phys-bits=40 -m 4G,maxmem=2T", true, false, 1,
      CLI_PROG "Address space limit 0xffffffffff < 0x2087fffffff phys-bits too low (40)\n" },
    { "/cli/machine/unknown-type-is-error", "-machine nope", false, true, 1,
      CLI_PROG "unsupported machine type\n"
      "Use -machine help to list supported machines\n" },
    { "/cli/machine/unknown-property-is-error", "-machine q35,foo=bar", false,
      true, 1, CLI_PROG "Property 'pc-q35-7.2-machine.foo' not found\n" },
    { "/cli/accel/unknown-is-error", "-accel nope", false, true, 1,
      CLI_PROG "-accel nope: invalid accelerator nope\n" },
    { "/cli/machine/memory-backend-not-found-is-error",
      "-machine q35,memory-backend=rx", true, true, 1,
      CLI_PROG "Memory backend 'rx' not found\n" },
    { "/cli/machine/memory-backend-size-mismatch-is-error",
      "-m 1G -machine q35,memory-backend=r0 "
      "-object memory-backend-ram,id=r0,size=512M", true, true, 1,
      CLI_PROG "Machine memory size does not match the size of the memory backend\n" },
    { "/cli/machine/memory-backend-used-twice-is-error",
      "-m 512M,maxmem=2G -machine q35,memory-backend=r0 "
      "-object memory-backend-ram,id=r0,size=512M "
      "-device virtio-mem-pci,memdev=r0", true, true, 1,
      CLI_PROG "-device virtio-mem-pci,memdev=r0: 'memdev' property specifies a busy memdev: r0\n" },
    { "/cli/accel/qtest-bad-poll-us-is-error", "-accel qtest,poll-us=x",
      true, false, 1,
      CLI_PROG "-accel qtest,poll-us=x: Parameter 'poll-us' expects uint32\n" },
    { "/cli/machine/unknown-accel-is-error", "-machine q35,accel=nope", false,
      true, 1, CLI_PROG "invalid accelerator nope\n" },
    { "/cli/cpu/unknown-model-is-error", "-cpu nope", false, false, 1,
      CLI_PROG "-cpu nope: unable to find CPU model 'nope'\n" },
    { "/cli/smp/bad-count-is-error", "-smp foo", false, false, 1,
      CLI_PROG "-smp foo: Parameter 'smp.cpus' expects integer\n" },
    { "/cli/object/unknown-type-is-error", "-object nope,id=x", false, true,
      1, CLI_PROG "-object nope,id=x: Parameter 'qom-type' does not accept value 'nope'\n" },
    { "/cli/device/unknown-driver-is-error", "-device nope", true, true, 1,
      CLI_PROG "-device nope: 'nope' is not a valid device model name\n" },
    { "/cli/overcommit/bad-value-is-error", "-overcommit mem-lock=maybe",
      false, true, 1,
      CLI_PROG "-overcommit mem-lock=maybe: Parameter 'mem-lock' expects 'on' or 'off'\n" },
    { "/cli/overcommit/unknown-key-is-error", "-overcommit foo=on", false,
      true, 1, CLI_PROG "-overcommit foo=on: Invalid parameter 'foo'\n" },
    { "/cli/display/unknown-is-error", "-display foo", false, true, 1,
      CLI_PROG "-display foo: Parameter 'type' does not accept value 'foo'\n" },
    { "/cli/qmp/tcp-is-parse-error", "-qmp tcp:1234", false, true, 1,
      CLI_PROG "-qmp tcp:1234: parse error: tcp:1234\n" },
    { "/cli/qmp/unknown-flag-is-error",
      "-qmp unix:/tmp/cli-test.sock,server,nowait,foo=1", false, false, 1,
      CLI_PROG "-qmp unix:/tmp/cli-test.sock,server,nowait,foo=1: Invalid parameter 'foo'\n" },
    { "/cli/pidfile/unwritable-is-error", "-pidfile /nonexistent/x.pid",
      false, true, 1,
      CLI_PROG "cannot create PID file: Could not create '/nonexistent/x.pid': No such file or directory\n" },
    /* the options libvirt passes (softmmu/vl-options.c, vl.c, machine) */
    { "/cli/uuid/bad-format-is-error", "-uuid xyz", false, true, 1,
      CLI_PROG "-uuid xyz: failed to parse UUID string: wrong format\n" },
    { "/cli/uuid/short-group-is-error",
      "-uuid 0291c46c-0891-44e5-af70-6e5b432b929", false, true, 1,
      CLI_PROG "-uuid 0291c46c-0891-44e5-af70-6e5b432b929: failed to parse UUID string: wrong format\n" },
    { "/cli/name/bad-debug-threads-is-error", "-name g,debug-threads=x",
      false, true, 1,
      CLI_PROG "-name g,debug-threads=x: Parameter 'debug-threads' expects 'on' or 'off'\n" },
    { "/cli/rtc/unknown-key-is-error", "-rtc foo=1", false, true, 1,
      CLI_PROG "-rtc foo=1: Invalid parameter 'foo'\n" },
    { "/cli/rtc/bad-base-is-error", "-rtc base=foo", false, false, 1,
      CLI_PROG "-rtc base=foo: Parameter 'base' does not accept value 'foo' (utc, localtime, '2006-06-17T16:01:21' or '2006-06-17')\n" },
    { "/cli/rtc/bad-clock-is-error", "-rtc clock=foo", false, false, 1,
      CLI_PROG "-rtc clock=foo: Parameter 'clock' does not accept value 'foo' (host, rt or vm)\n" },
    { "/cli/rtc/bad-driftfix-is-error", "-rtc driftfix=foo", false, false, 1,
      CLI_PROG "-rtc driftfix=foo: Parameter 'driftfix' does not accept value 'foo' (none or slew)\n" },
    { "/cli/boot/bad-strict-is-error", "-boot strict=x", false, false, 1,
      CLI_PROG "-boot strict=x: Parameter 'strict' expects 'on' or 'off'\n" },
    { "/cli/boot/bad-order-is-error", "-boot order=z", false, false, 1,
      CLI_PROG "-boot order=z: Parameter 'order' does not accept value 'z' (boot devices are the letters a to p)\n" },
    { "/cli/sandbox/bad-enable-is-error", "-sandbox foo", false, true, 1,
      CLI_PROG "-sandbox foo: Parameter 'enable' expects 'on' or 'off'\n" },
    { "/cli/sandbox/bad-spawn-is-error", "-sandbox on,spawn=maybe", false,
      false, 1,
      CLI_PROG "-sandbox on,spawn=maybe: Parameter 'spawn' does not accept value 'maybe' (allow or deny)\n" },
    { "/cli/msg/bad-timestamp-is-error", "-msg timestamp=x", false, true, 1,
      CLI_PROG "-msg timestamp=x: Parameter 'timestamp' expects 'on' or 'off'\n" },
    { "/cli/audiodev/missing-id-is-error", "-audiodev none", false, true, 1,
      CLI_PROG "-audiodev none: Parameter 'id' is missing\n" },
    { "/cli/audiodev/driver-not-none-is-error", "-audiodev pa,id=a", false,
      false, 1,
      CLI_PROG "-audiodev pa,id=a: Parameter 'driver' does not accept value 'pa' (hotmem has no audio: only 'none')\n" },
    { "/cli/mon/unknown-key-is-error", "-mon chardev=x,id=m,foo=1", false,
      true, 1, CLI_PROG "-mon chardev=x,id=m,foo=1: Invalid parameter 'foo'\n" },
    { "/cli/smp/product-mismatch-is-error",
      "-smp 2,sockets=1,cores=1,threads=1", false, true, 1,
      CLI_PROG "Invalid CPU topology: product of the hierarchy must match maxcpus: sockets (1) * dies (1) * cores (1) * threads (1) != maxcpus (2)\n" },
    { "/cli/smp/clusters-is-error", "-smp 1,clusters=2", false, true, 1,
      CLI_PROG "clusters not supported by this machine's CPU topology\n" },
    { "/cli/smp/maxcpus-below-cpus-is-error", "-smp 4,maxcpus=2", false,
      true, 1,
      CLI_PROG "Invalid CPU topology: maxcpus must be equal to or greater than smp: sockets (1) * dies (1) * cores (2) * threads (1) == maxcpus (2) < smp_cpus (4)\n" },
    { "/cli/cpu/bad-vendor-is-error", "-cpu qemu64,vendor=abc", false,
      false, 1,
      CLI_PROG "-cpu qemu64,vendor=abc: can't apply global qemu64-x86_64-cpu.vendor=abc: Property '.vendor' doesn't take value 'abc'\n" },
    { "/cli/machine/bad-usb-is-error", "-machine q35,usb=maybe", false, true,
      1, CLI_PROG "Parameter 'usb' expects 'on' or 'off'\n" },
    { "/cli/machine/bad-acpi-is-error", "-machine q35,acpi=maybe", false,
      true, 1, CLI_PROG "Parameter 'acpi' does not accept value 'maybe'\n" },
    { "/cli/machine/bad-dump-guest-core-is-error",
      "-machine q35,dump-guest-core=x", false, true, 1,
      CLI_PROG "Parameter 'dump-guest-core' expects 'on' or 'off'\n" },
    { "/cli/chardev/fd-not-a-socket-is-error",
      "-chardev socket,id=c0,fd=0,server=on", false, false, 1,
      CLI_PROG "-chardev socket,id=c0,fd=0,server=on: chardev 'c0': fd 0 is not a listening socket (fd= needs one, with server=on)\n" },
    { "/cli/chardev/fd-not-a-number-is-error",
      "-chardev socket,id=c0,fd=x,server=on", false, false, 1,
      CLI_PROG "-chardev socket,id=c0,fd=x,server=on: chardev 'c0': fd 'x' is not a file descriptor number\n" },
    { "/cli/object/secret-without-data-is-error", "-object secret,id=s0",
      false, false, 1,
      CLI_PROG "-object secret,id=s0: Either 'file' or 'data' must be provided\n" },
    { "/cli/object/secret-data-and-file-is-error",
      "-object secret,id=s0,data=x,file=/x", false, false, 1,
      CLI_PROG "-object secret,id=s0,data=x,file=/x: 'file' and 'data' are mutually exclusive\n" },
    { "/cli/object/secret-bad-base64-is-error",
      "-object secret,id=s0,data=@@@,format=base64", false, false, 1,
      CLI_PROG "-object secret,id=s0,data=@@@,format=base64: Base64 data contains invalid characters\n" },
    { "/cli/object/secret-bad-format-is-error",
      "-object secret,id=s0,data=x,format=hex", false, true, 1,
      CLI_PROG "-object secret,id=s0,data=x,format=hex: Parameter 'format' does not accept value 'hex'\n" },
    { "/cli/object/secret-encrypted-is-error",
      "-object secret,id=s0,data=x,keyid=k", false, false, 1,
      CLI_PROG "-object secret,id=s0,data=x,keyid=k: secret 's0': keyid/iv (an encrypted secret) is not supported by hotmem, which has no key to decrypt it\n" },
    { "/cli/pci/root-port-port-too-big-is-error",
      "-device pcie-root-port,id=r,port=300,chassis=1", true, true, 1,
      CLI_PROG "-device pcie-root-port,id=r,port=300,chassis=1: Parameter 'port' expects uint8_t\n" },
    { "/cli/pci/bad-function-is-error",
      "-device pcie-root-port,id=r,chassis=1,addr=0x1.0x9", true, true, 1,
      CLI_PROG "-device pcie-root-port,id=r,chassis=1,addr=0x1.0x9: Property 'pcie-root-port.addr' doesn't take value '0x1.0x9'\n" },
    { "/cli/pci/bad-multifunction-is-error",
      "-device pcie-root-port,id=r,chassis=1,multifunction=maybe", true,
      true, 1,
      CLI_PROG "-device pcie-root-port,id=r,chassis=1,multifunction=maybe: Parameter 'multifunction' expects 'on' or 'off'\n" },
    { "/cli/pci/bridge-chassis-zero-is-error",
      "-machine q35 -device pci-bridge,id=b,chassis_nr=0,bus=pcie.0,addr=0x5",
      true, true,
      1,
      CLI_PROG "-device pci-bridge,id=b,chassis_nr=0,bus=pcie.0,addr=0x5: Bridge chassis not specified. Each bridge is required to be assigned a unique chassis id > 0.\n" },
    /* hotmem has no TCG: skipped, and qtest runs the VM (a warning) */
    { "/cli/accel/tcg-skipped-falls-back-to-qtest",
      "-accel tcg -machine q35,memory-backend=nope", false, false, 1,
      CLI_PROG "info: accelerator tcg is not available in hotmem: skipped\n"
      CLI_PROG "warning: no accelerator named is usable: running on qtest, vCPUs do not execute\n"
      CLI_PROG "Memory backend 'nope' not found\n" },
    { "/cli/accel/list-tried-in-order",
      "-machine q35,accel=tcg:qtest,memory-backend=nope", false, false, 1,
      CLI_PROG "info: accelerator tcg is not available in hotmem: skipped\n"
      CLI_PROG "Memory backend 'nope' not found\n" },
    { "/cli/accel/unknown-in-list-is-error", "-machine q35,accel=kvm:nope",
      false, false, 1, CLI_PROG "invalid accelerator nope\n" },
};

static bool cli_reference;

static const char *cli_binary(void)
{
    const char *bin = g_getenv("QTEST_QEMU_BINARY");

    g_assert_nonnull(bin);
    return bin;
}

/* A listening unix socket for -qtest; returns its fd, path in *path. */
static int cli_listen(char **path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    *path = g_strdup_printf("%s/cli-test-%d.sock", g_get_tmp_dir(),
                            (int)getpid());
    unlink(*path);
    g_strlcpy(addr.sun_path, *path, sizeof(addr.sun_path));
    g_assert_cmpint(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(fd, 1), ==, 0);
    return fd;
}

static GPtrArray *cli_argv(const char *args, const char *qtest_path)
{
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) words = g_strsplit(args, " ", -1);
    int i;

    g_ptr_array_add(argv, g_strdup(cli_binary()));
    g_ptr_array_add(argv, g_strdup("-display"));
    g_ptr_array_add(argv, g_strdup("none"));
    for (i = 0; words[i]; i++) {
        g_ptr_array_add(argv, g_strdup(words[i]));
    }
    if (qtest_path) {
        g_ptr_array_add(argv, g_strdup("-qtest"));
        g_ptr_array_add(argv, g_strdup_printf("unix:%s", qtest_path));
        /* Without it QEMU logs the qtest traffic to stderr. */
        g_ptr_array_add(argv, g_strdup("-qtest-log"));
        g_ptr_array_add(argv, g_strdup("/dev/null"));
    }
    g_ptr_array_add(argv, NULL);
    return argv;
}

/* Run the binary to completion; returns its exit status. */
static int cli_run(const char *args, bool needs_qtest, char **out,
                   char **err)
{
    g_autofree char *path = NULL;
    g_autoptr(GPtrArray) argv = NULL;
    g_autoptr(GError) gerr = NULL;
    int listen_fd = -1;
    int wait_status;

    if (needs_qtest) {
        listen_fd = cli_listen(&path);
    }
    argv = cli_argv(args, path);
    g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, NULL,
                               G_SPAWN_DEFAULT, NULL, NULL, out, err,
                               &wait_status, &gerr));
    if (listen_fd >= 0) {
        close(listen_fd);
        unlink(path);
    }
    g_assert_true(WIFEXITED(wait_status));
    return WEXITSTATUS(wait_status);
}

static void cli_test_case(const void *opaque)
{
    const CliCase *c = opaque;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    if (cli_reference && !c->same_as_qemu) {
        g_test_skip("hotmem-specific behaviour");
        return;
    }
    status = cli_run(c->args, c->needs_qtest, &out, &err);
    g_assert_cmpstr(err, ==, c->err);
    g_assert_cmpint(status, ==, c->status);
}

static void cli_test_version(void)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    if (cli_reference) {
        g_test_skip("hotmem's version text");
        return;
    }
    g_assert_cmpint(cli_run("-version", false, &out, &err), ==, 0);
    g_assert_cmpstr(out, ==, "QEMU emulator version 7.2.0 (hotmem 0.1.0)\n"
                    "hotmem: elastic guest memory VMM\n");
    g_assert_cmpstr(err, ==, "");
}

static void cli_test_machine_help(void)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint(cli_run("-machine help", false, &out, &err), ==, 0);
    g_assert_true(g_str_has_prefix(out, "Supported machines are:\n"));
    g_assert_nonnull(strstr(out, "\nq35                  Standard PC (Q35 + ICH9, 2009) (alias of pc-q35-7.2)\n"));
    g_assert_nonnull(strstr(out, "\npc-q35-7.2           Standard PC (Q35 + ICH9, 2009)"));
}

/* Help listings share these lines with QEMU 7.2's. */
static void cli_test_help_contains(const char *args, const char *prefix,
                                   const char *const *lines)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int i;

    g_assert_cmpint(cli_run(args, false, &out, &err), ==, 0);
    g_assert_true(g_str_has_prefix(out, prefix));
    for (i = 0; lines[i]; i++) {
        if (!strstr(out, lines[i])) {
            g_test_message("missing \"%s\" in:\n%s", lines[i], out);
        }
        g_assert_nonnull(strstr(out, lines[i]));
    }
}

static void cli_test_object_help(void)
{
    static const char *const lines[] = {
        "\n  memory-backend-file\n", "\n  memory-backend-memfd\n",
        "\n  memory-backend-ram\n", NULL
    };

    cli_test_help_contains("-object help", "List of user creatable objects:\n",
                           lines);
}

static void cli_test_device_help(void)
{
    static const char *const lines[] = {
        "name \"virtio-mem-pci\", bus PCI", NULL
    };

    cli_test_help_contains("-device help", "Controller/Bridge/Hub devices:\n",
                           lines);
}

static void cli_test_device_props_help(void)
{
    static const char *const lines[] = {
        "\n  block-size=<size>\n", "\n  memdev=<link<memory-backend>>\n",
        "\n  requested-size=<size>\n", NULL
    };

    cli_test_help_contains("-device virtio-mem-pci,help",
                           "virtio-mem-pci options:\n", lines);
}

static void cli_test_accel_kvm_missing(void)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    if (access("/dev/kvm", F_OK) == 0) {
        g_test_skip("/dev/kvm exists");
        return;
    }
    g_assert_cmpint(cli_run("-accel kvm", false, &out, &err), ==, 1);
    g_assert_cmpstr(err, ==,
                    "Could not access KVM kernel module: No such file or directory\n"
                    CLI_PROG "-accel kvm: failed to initialize kvm: No such file or directory\n");
}

/* Accept the binary's qtest connection and do one round trip; -1 when
 * it did not connect within 10 seconds. */
static int cli_qtest_connect(int listen_fd)
{
    static const char cmd[] = "readl 0x0\n";
    struct pollfd pfd = { .fd = listen_fd, .events = POLLIN };
    char reply[64] = { 0 };
    size_t got = 0;
    ssize_t n;
    int fd;

    /* Never wait forever: the binary may have died before connecting. */
    if (poll(&pfd, 1, 10000) != 1) {
        return -1;
    }
    fd = accept(listen_fd, NULL, NULL);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(write(fd, cmd, strlen(cmd)), ==, (ssize_t)strlen(cmd));
    while (got < sizeof(reply) - 1 && !strchr(reply, '\n')) {
        n = read(fd, reply + got, sizeof(reply) - 1 - got);
        g_assert_cmpint(n, >, 0);
        got += n;
    }
    g_assert_true(g_str_has_prefix(reply, "OK "));
    return fd;
}

/*
 * SIGTERM ends the process with status 0.  With a qtest driver attached
 * QEMU does not print "terminating on signal ..." (qemu_kill_report), so
 * stderr stays empty.
 */
static void cli_test_sigterm(void)
{
    g_autofree char *path = NULL;
    g_autoptr(GPtrArray) argv = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) gerr = NULL;
    int listen_fd = cli_listen(&path);
    int err_fd;
    int conn;
    int wait_status;
    GPid pid;

    argv = cli_argv("-S -machine q35", path);
    g_assert_true(g_spawn_async_with_pipes(NULL, (char **)argv->pdata, NULL,
                                           G_SPAWN_DO_NOT_REAP_CHILD |
                                           G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                           NULL, &pid, NULL, NULL, &err_fd,
                                           &gerr));
    conn = cli_qtest_connect(listen_fd);
    kill(pid, SIGTERM);
    g_assert_cmpint(conn, >=, 0);
    g_assert_cmpint(waitpid(pid, &wait_status, 0), ==, pid);
    g_assert_true(WIFEXITED(wait_status));
    g_assert_cmpint(WEXITSTATUS(wait_status), ==, 0);
    {
        g_autoptr(GIOChannel) ch = g_io_channel_unix_new(err_fd);

        g_io_channel_set_close_on_unref(ch, true);
        g_io_channel_read_to_end(ch, &err, NULL, NULL);
    }
    g_assert_cmpstr(err, ==, "");
    close(conn);
    close(listen_fd);
    unlink(path);
    g_spawn_close_pid(pid);
}

int main(int argc, char **argv)
{
    size_t i;

    g_test_init(&argc, &argv, NULL);
    cli_reference = g_strcmp0(g_getenv("QTEST_REFERENCE"), "1") == 0;
    for (i = 0; i < ARRAY_SIZE(cli_cases); i++) {
        g_test_add_data_func(cli_cases[i].path, &cli_cases[i], cli_test_case);
    }
    g_test_add_func("/cli/version/prints-qemu-and-hotmem-versions",
                    cli_test_version);
    g_test_add_func("/cli/machine/help-lists-q35", cli_test_machine_help);
    g_test_add_func("/cli/object/help-lists-memory-backends",
                    cli_test_object_help);
    g_test_add_func("/cli/device/help-lists-virtio-mem-pci",
                    cli_test_device_help);
    g_test_add_func("/cli/device/driver-help-lists-properties",
                    cli_test_device_props_help);
    g_test_add_func("/cli/accel/kvm-without-dev-kvm-is-error",
                    cli_test_accel_kvm_missing);
    g_test_add_func("/cli/signal/sigterm-exits-cleanly", cli_test_sigterm);
    return g_test_run();
}
