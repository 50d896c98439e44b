/*
 * -numa as libvirt writes it: each node's memdev becomes part of the
 * initial RAM (the "pc.ram" container, as QEMU 7.2 shows it in info
 * mtree), guest accesses land in the node's backend, -numa dist is
 * checked, and memory devices name an existing node.  Against hotmem and
 * QEMU 7.2.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"

#define NUMA_TWO_NODES \
    "-m 2G -object memory-backend-ram,id=n0,size=1G " \
    "-object memory-backend-ram,id=n1,size=1G " \
    "-numa node,nodeid=0,memdev=n0 -numa node,nodeid=1,memdev=n1 "

static void test_nodes_are_the_ram(void)
{
    QTestState *s = qtest_init(NUMA_TWO_NODES);
    g_autofree char *mtree = qtest_hmp(s, "info mtree");

    g_assert_nonnull(strstr(mtree, "alias ram-below-4g @pc.ram "
                            "0000000000000000-000000007fffffff"));
    g_assert_nonnull(strstr(mtree, "memory-region: pc.ram\r\n"
        "  0000000000000000-000000007fffffff (prio 0, i/o): pc.ram\r\n"
        "    0000000000000000-000000003fffffff (prio 0, ram): n0\r\n"
        "    0000000040000000-000000007fffffff (prio 0, ram): n1\r\n"));
    qtest_writel(s, 0x1000, 0x12345678);
    qtest_writel(s, 1 * GiB + 0x1000, 0x9abcdef0);
    g_assert_cmphex(qtest_readl(s, 0x1000), ==, 0x12345678);
    g_assert_cmphex(qtest_readl(s, 1 * GiB + 0x1000), ==, 0x9abcdef0);
    qtest_quit(s);
}

typedef struct NumaCliCase {
    const char *path;
    const char *args;
    const char *err;            /* expected stderr line (without prog) */
} NumaCliCase;

static const NumaCliCase numa_cli_cases[] = {
    { "/numa/memdev/total-not-ram-size-is-error",
      "-m 2G -object memory-backend-ram,id=n0,size=1G "
      "-numa node,nodeid=0,memdev=n0",
      "total memory for NUMA nodes (0x40000000) should equal RAM size (0x80000000)" },
    { "/numa/dist/below-local-is-error",
      NUMA_TWO_NODES "-numa dist,src=0,dst=1,val=5",
      "-numa dist,src=0,dst=1,val=5: NUMA distance (5) is invalid, it shouldn't be less than 10." },
    { "/numa/dist/local-not-10-is-error",
      NUMA_TWO_NODES "-numa dist,src=0,dst=0,val=20",
      "-numa dist,src=0,dst=0,val=20: Local distance of node 0 should be 10." },
    { "/numa/dist/unknown-node-is-error",
      NUMA_TWO_NODES "-numa dist,src=0,dst=3,val=20",
      "-numa dist,src=0,dst=3,val=20: Source/Destination NUMA node is missing. Please use '-numa node' option to declare it first." },
    { "/numa/dist/missing-val-is-error",
      NUMA_TWO_NODES "-numa dist,src=0,dst=1",
      "-numa dist,src=0,dst=1: Parameter 'val' is missing" },
    { "/numa/dist/val-too-big-is-error",
      NUMA_TWO_NODES "-numa dist,src=0,dst=1,val=300",
      "-numa dist,src=0,dst=1,val=300: Parameter 'val' expects uint8_t" },
};

static void test_numa_cli(const void *data)
{
    const NumaCliCase *c = data;
    g_autofree char *args = g_strdup_printf(
        "-display none -nodefaults -machine q35,accel=%s %s",
        qtest_is_reference() ? "tcg" : "qtest", c->args);
    int status;
    g_autofree char *err = qtest_probe_cli(args, &status);
    g_autofree char *want = g_strdup_printf("qemu-system-x86_64: %s\n",
                                            c->err);

    g_assert_cmpint(status, ==, 1);
    g_assert_nonnull(strstr(err, want));
}

static void test_dist_accepted(void)
{
    QTestState *s = qtest_init(NUMA_TWO_NODES
                               "-numa dist,src=0,dst=1,val=20 "
                               "-numa dist,src=1,dst=0,val=20");
    json_t *r = qtest_qmp(s, "{'execute': 'query-status'}");

    g_assert_nonnull(json_object_get(r, "return"));
    json_decref(r);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/numa/memdev/nodes-are-the-initial-ram",
                    test_nodes_are_the_ram);
    g_test_add_func("/numa/dist/accepted", test_dist_accepted);
    for (size_t i = 0; i < G_N_ELEMENTS(numa_cli_cases); i++) {
        g_test_add_data_func(numa_cli_cases[i].path, &numa_cli_cases[i],
                             test_numa_cli);
    }
    return g_test_run();
}
