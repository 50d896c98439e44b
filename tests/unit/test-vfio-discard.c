/*
 * Unit tests of the discard policy as VFIO uses it (softmmu/physmem.c): a
 * VFIO device disables only uncoordinated discards, so virtio-mem (which
 * requires coordinated ones) coexists with it, while a user of
 * uncoordinated discards is refused with a message naming the VFIO
 * device.  The policy is global: every test leaves it as it found it.
 */
#include "qemu/osdep.h"
#include "exec/ramblock.h"

#define TEST_VFU "vfio-user-pci 'vfu0'"

static void test_virtio_mem_coexists(void)
{
    g_assert_cmpint(ram_block_uncoordinated_discard_disable_by(TEST_VFU, true),
                    ==, 0);
    g_assert_cmpint(ram_block_coordinated_discard_require(true), ==, 0);
    g_assert_cmpint(ram_block_coordinated_discard_require(false), ==, 0);
    g_assert_cmpint(ram_block_uncoordinated_discard_disable_by(TEST_VFU,
                                                               false), ==, 0);
}

static void test_uncoordinated_user_refused_names_device(void)
{
    Error *err = NULL;

    g_assert_cmpint(ram_block_uncoordinated_discard_disable_by(TEST_VFU, true),
                    ==, 0);
    g_assert_false(ram_block_discard_require_for("virtio-balloon 'b0'", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "virtio-balloon 'b0' discards RAM without telling its users, but vfio-user-pci 'vfu0' maps guest RAM for DMA and cannot follow such discards");
    error_free(err);
    g_assert_false(ram_block_discard_is_required());
    g_assert_cmpint(ram_block_uncoordinated_discard_disable_by(TEST_VFU,
                                                               false), ==, 0);
    /* The device is gone: the user may discard now. */
    g_assert_true(ram_block_discard_require_for("virtio-balloon 'b0'",
                                                &error_abort));
    g_assert_cmpint(ram_block_discard_require(false), ==, 0);
}

static void test_vfio_refused_after_uncoordinated_user(void)
{
    g_assert_true(ram_block_discard_require_for("virtio-balloon 'b0'",
                                                &error_abort));
    g_assert_cmpint(ram_block_uncoordinated_discard_disable_by(TEST_VFU, true),
                    ==, -EBUSY);
    g_assert_false(ram_block_discard_is_disabled());
    g_assert_cmpint(ram_block_discard_require(false), ==, 0);
}

static void test_locked_memory_message(void)
{
    Error *err = NULL;

    g_assert_cmpint(ram_block_discard_disable(true), ==, 0);
    g_assert_false(ram_block_discard_require_for("virtio-balloon 'b0'", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "virtio-balloon 'b0' needs to discard RAM, but discarding is disabled (memory locked with -overcommit mem-lock=on, or a device that cannot follow discards)");
    error_free(err);
    /* and virtio-mem's kind is refused too */
    g_assert_cmpint(ram_block_coordinated_discard_require(true), ==, -EBUSY);
    g_assert_cmpint(ram_block_discard_disable(false), ==, 0);
}

static void test_two_vfio_devices_release_in_any_order(void)
{
    Error *err = NULL;

    g_assert_cmpint(ram_block_uncoordinated_discard_disable_by(TEST_VFU, true),
                    ==, 0);
    g_assert_cmpint(ram_block_uncoordinated_discard_disable_by(
                        "vfio-pci 'hostdev0'", true), ==, 0);
    g_assert_cmpint(ram_block_uncoordinated_discard_disable_by(TEST_VFU,
                                                               false), ==, 0);
    g_assert_false(ram_block_discard_require_for("virtio-balloon 'b0'", &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "but vfio-pci 'hostdev0' maps"));
    error_free(err);
    g_assert_cmpint(ram_block_uncoordinated_discard_disable_by(
                        "vfio-pci 'hostdev0'", false), ==, 0);
    g_assert_false(ram_block_discard_is_disabled());
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vfio-discard/virtio-mem-coexists",
                    test_virtio_mem_coexists);
    g_test_add_func("/vfio-discard/uncoordinated-user-refused-names-device",
                    test_uncoordinated_user_refused_names_device);
    g_test_add_func("/vfio-discard/vfio-refused-after-uncoordinated-user",
                    test_vfio_refused_after_uncoordinated_user);
    g_test_add_func("/vfio-discard/locked-memory-message",
                    test_locked_memory_message);
    g_test_add_func("/vfio-discard/two-devices-release-in-any-order",
                    test_two_vfio_devices_release_in_any_order);
    return g_test_run();
}
