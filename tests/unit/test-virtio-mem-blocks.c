/*
 * virtio-mem block state and request decisions: every rule of the spec and
 * of the reference behaviour in VIRTIO-MEM-FACTS.md, one test each.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/virtio/virtio-mem-blocks.h"
#include "hw/virtio/virtio-mem-wire.h"

#define TEST_ADDR (0x140000000ULL)
#define TEST_BS (2 * MiB)

/* A 1 GiB device at 5 GiB with 512 MiB requested and 768 MiB usable. */
static void test_blocks_setup(VirtioMemBlocks *b)
{
    virtio_mem_blocks_init(b, TEST_BS, GiB);
    b->addr = TEST_ADDR;
    b->requested_size = 512 * MiB;
    b->usable_region_size = virtio_mem_blocks_usable_for(b, 512 * MiB);
}

static uint64_t test_gpa(uint64_t block)
{
    return TEST_ADDR + block * TEST_BS;
}

static void test_blocks_usable_rule(void)
{
    VirtioMemBlocks b;

    test_blocks_setup(&b);
    g_assert_cmpuint(b.usable_region_size, ==, 768 * MiB);
    g_assert_cmpuint(virtio_mem_blocks_usable_for(&b, 0), ==, 0);
    g_assert_cmpuint(virtio_mem_blocks_usable_for(&b, 900 * MiB), ==, GiB);
    g_assert_cmpuint(virtio_mem_blocks_usable_for(&b, 2 * MiB), ==,
                     258 * MiB);
    virtio_mem_blocks_destroy(&b);

    /* Block size above the extent: the result is still block aligned. */
    virtio_mem_blocks_init(&b, GiB, 16 * GiB);
    g_assert_cmpuint(virtio_mem_blocks_usable_for(&b, GiB), ==, 2 * GiB);
    virtio_mem_blocks_destroy(&b);
}

static void test_blocks_plug_unaligned_is_error(void)
{
    VirtioMemBlocks b;

    test_blocks_setup(&b);
    g_assert_cmpuint(virtio_mem_blocks_check_plug(&b, test_gpa(1) + 4096, 1),
                     ==, VIRTIO_MEM_RESP_ERROR);
    virtio_mem_blocks_destroy(&b);
}

static void test_blocks_plug_zero_blocks_is_error(void)
{
    VirtioMemBlocks b;

    test_blocks_setup(&b);
    g_assert_cmpuint(virtio_mem_blocks_check_plug(&b, test_gpa(0), 0), ==,
                     VIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(virtio_mem_blocks_check_unplug(&b, test_gpa(0), 0), ==,
                     VIRTIO_MEM_RESP_ERROR);
    virtio_mem_blocks_destroy(&b);
}

static void test_blocks_outside_usable_is_error(void)
{
    VirtioMemBlocks b;
    uint64_t usable_blocks;
    uint16_t state;

    test_blocks_setup(&b);
    usable_blocks = b.usable_region_size / TEST_BS;
    /* Last usable block is fine (for STATE); one past is an error. */
    g_assert_cmpuint(virtio_mem_blocks_check_state(
                         &b, test_gpa(usable_blocks - 1), 1, &state), ==,
                     VIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(virtio_mem_blocks_check_state(
                         &b, test_gpa(usable_blocks), 1, &state), ==,
                     VIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(virtio_mem_blocks_check_plug(
                         &b, test_gpa(usable_blocks - 1), 2), ==,
                     VIRTIO_MEM_RESP_ERROR);
    /* Below the device. */
    g_assert_cmpuint(virtio_mem_blocks_check_plug(&b, TEST_ADDR - TEST_BS,
                                                  1), ==,
                     VIRTIO_MEM_RESP_ERROR);
    virtio_mem_blocks_destroy(&b);
}

static void test_blocks_wrapping_range_is_error(void)
{
    VirtioMemBlocks b;
    uint64_t gpa;

    test_blocks_setup(&b);
    /* Device at the top of the address space: gpa + size wraps to a small
     * end that would look "inside" without the overflow check. */
    b.addr = 0ULL - GiB;
    gpa = b.addr + b.usable_region_size - TEST_BS;
    g_assert_true(virtio_mem_blocks_is_valid_range(&b, gpa, TEST_BS));
    g_assert_false(virtio_mem_blocks_is_valid_range(&b, gpa, 0ULL - gpa +
                                                    TEST_BS));
    g_assert_cmpuint(virtio_mem_blocks_check_plug(&b, gpa, 0xffff), ==,
                     VIRTIO_MEM_RESP_ERROR);
    virtio_mem_blocks_destroy(&b);
}

static void test_blocks_plug_above_requested_is_nack(void)
{
    VirtioMemBlocks b;

    test_blocks_setup(&b);
    /* 257 blocks of 2 MiB > 512 MiB requested, inside the usable region. */
    g_assert_cmpuint(virtio_mem_blocks_check_plug(&b, test_gpa(0), 257), ==,
                     VIRTIO_MEM_RESP_NACK);
    g_assert_cmpuint(virtio_mem_blocks_check_plug(&b, test_gpa(0), 256), ==,
                     VIRTIO_MEM_RESP_ACK);
    virtio_mem_blocks_set_range(&b, 0, 256, true);
    g_assert_cmpuint(virtio_mem_blocks_check_plug(&b, test_gpa(256), 1), ==,
                     VIRTIO_MEM_RESP_NACK);
    virtio_mem_blocks_destroy(&b);
}

static void test_blocks_nack_before_state_error(void)
{
    VirtioMemBlocks b;

    test_blocks_setup(&b);
    virtio_mem_blocks_set_range(&b, 0, 200, true);
    /* Already plugged AND above requested: the reference answers NACK. */
    g_assert_cmpuint(virtio_mem_blocks_check_plug(&b, test_gpa(0), 100), ==,
                     VIRTIO_MEM_RESP_NACK);
    virtio_mem_blocks_destroy(&b);
}

static void test_blocks_plug_plugged_is_error(void)
{
    VirtioMemBlocks b;

    test_blocks_setup(&b);
    virtio_mem_blocks_set_range(&b, 10, 1, true);
    g_assert_cmpuint(virtio_mem_blocks_check_plug(&b, test_gpa(8), 4), ==,
                     VIRTIO_MEM_RESP_ERROR);
    virtio_mem_blocks_destroy(&b);
}

static void test_blocks_unplug_unplugged_is_error(void)
{
    VirtioMemBlocks b;

    test_blocks_setup(&b);
    virtio_mem_blocks_set_range(&b, 8, 3, true);
    g_assert_cmpuint(virtio_mem_blocks_check_unplug(&b, test_gpa(8), 4), ==,
                     VIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(virtio_mem_blocks_check_unplug(&b, test_gpa(8), 3), ==,
                     VIRTIO_MEM_RESP_ACK);
    virtio_mem_blocks_destroy(&b);
}

static void test_blocks_unplug_below_requested_is_ack(void)
{
    VirtioMemBlocks b;

    test_blocks_setup(&b);
    virtio_mem_blocks_set_range(&b, 0, 4, true);
    b.requested_size = 512 * MiB;   /* plugged 8 MiB is far below */
    g_assert_cmpuint(virtio_mem_blocks_check_unplug(&b, test_gpa(0), 4), ==,
                     VIRTIO_MEM_RESP_ACK);
    virtio_mem_blocks_destroy(&b);
}

static void test_blocks_state_answers(void)
{
    VirtioMemBlocks b;
    uint16_t state = 0xffff;

    test_blocks_setup(&b);
    virtio_mem_blocks_set_range(&b, 4, 4, true);
    g_assert_cmpuint(virtio_mem_blocks_check_state(&b, test_gpa(4), 4,
                                                   &state), ==,
                     VIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(state, ==, VIRTIO_MEM_STATE_PLUGGED);
    virtio_mem_blocks_check_state(&b, test_gpa(0), 4, &state);
    g_assert_cmpuint(state, ==, VIRTIO_MEM_STATE_UNPLUGGED);
    virtio_mem_blocks_check_state(&b, test_gpa(2), 4, &state);
    g_assert_cmpuint(state, ==, VIRTIO_MEM_STATE_MIXED);
    virtio_mem_blocks_destroy(&b);
}

static void test_blocks_plugged_size_follows_bitmap(void)
{
    VirtioMemBlocks b;

    test_blocks_setup(&b);
    virtio_mem_blocks_set_range(&b, 0, 63, true);
    virtio_mem_blocks_set_range(&b, 64, 130, true);
    virtio_mem_blocks_set_range(&b, 100, 10, false);
    g_assert_cmpuint(b.plugged_size, ==, (63 + 130 - 10) * TEST_BS);
    virtio_mem_blocks_clear_all(&b);
    g_assert_cmpuint(b.plugged_size, ==, 0);
    g_assert_true(virtio_mem_blocks_is_range_unplugged(&b, 0, b.nb_blocks));
    virtio_mem_blocks_destroy(&b);
}

static int test_blocks_record_run(uint64_t first, uint64_t nb, void *opaque)
{
    GString *s = opaque;

    g_string_append_printf(s, "[%" PRIu64 "+%" PRIu64 "]", first, nb);
    return 0;
}

static void test_blocks_runs(void)
{
    VirtioMemBlocks b;
    g_autoptr(GString) plugged = g_string_new("");
    g_autoptr(GString) unplugged = g_string_new("");

    test_blocks_setup(&b);
    virtio_mem_blocks_set_range(&b, 3, 2, true);
    virtio_mem_blocks_set_range(&b, 60, 10, true);
    virtio_mem_blocks_for_each_run(&b, 0, 100, true, test_blocks_record_run,
                                   plugged);
    virtio_mem_blocks_for_each_run(&b, 4, 96, false, test_blocks_record_run,
                                   unplugged);
    g_assert_cmpstr(plugged->str, ==, "[3+2][60+10]");
    g_assert_cmpstr(unplugged->str, ==, "[5+55][70+30]");
    virtio_mem_blocks_destroy(&b);
}

static void test_blocks_memslot_sizes(void)
{
    uint64_t size;

    /* A lone 1 TiB device with 256 slots: 256 x 4 GiB. */
    size = virtio_mem_blocks_memslot_size(TiB, TEST_BS, 256);
    g_assert_cmpuint(size, ==, 4 * GiB);
    g_assert_cmpuint(virtio_mem_blocks_nb_memslots(TiB, size), ==, 256);
    /* 16 GiB: slots of at least 1 GiB, so 16 of them. */
    size = virtio_mem_blocks_memslot_size(16 * GiB, TEST_BS, 256);
    g_assert_cmpuint(size, ==, GiB);
    g_assert_cmpuint(virtio_mem_blocks_nb_memslots(16 * GiB, size), ==, 16);
    /* One slot allowed: one slot of the whole region. */
    size = virtio_mem_blocks_memslot_size(TiB, TEST_BS, 1);
    g_assert_cmpuint(size, ==, TiB);
    /* Not a divisor: block-aligned slots, the last one smaller. */
    size = virtio_mem_blocks_memslot_size(TiB, TEST_BS, 254);
    g_assert_cmpuint(size, ==, 4130 * MiB);
    g_assert_cmpuint(virtio_mem_blocks_nb_memslots(TiB, size), ==, 254);
    /* Blocks above 1 GiB: slots are whole blocks. */
    size = virtio_mem_blocks_memslot_size(8 * GiB, 2 * GiB, 256);
    g_assert_cmpuint(size, ==, 2 * GiB);
    g_assert_cmpuint(virtio_mem_blocks_nb_memslots(10 * GiB, 4 * GiB), ==,
                     3);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio-mem-blocks/usable-region/rule",
                    test_blocks_usable_rule);
    g_test_add_func("/virtio-mem-blocks/plug/unaligned-gpa-is-error",
                    test_blocks_plug_unaligned_is_error);
    g_test_add_func("/virtio-mem-blocks/plug/zero-blocks-is-error",
                    test_blocks_plug_zero_blocks_is_error);
    g_test_add_func("/virtio-mem-blocks/range/outside-usable-is-error",
                    test_blocks_outside_usable_is_error);
    g_test_add_func("/virtio-mem-blocks/range/wrapping-is-error",
                    test_blocks_wrapping_range_is_error);
    g_test_add_func("/virtio-mem-blocks/plug/above-requested-is-nack",
                    test_blocks_plug_above_requested_is_nack);
    g_test_add_func("/virtio-mem-blocks/plug/nack-checked-before-state",
                    test_blocks_nack_before_state_error);
    g_test_add_func("/virtio-mem-blocks/plug/plugged-block-is-error",
                    test_blocks_plug_plugged_is_error);
    g_test_add_func("/virtio-mem-blocks/unplug/unplugged-block-is-error",
                    test_blocks_unplug_unplugged_is_error);
    g_test_add_func("/virtio-mem-blocks/unplug/below-requested-is-ack",
                    test_blocks_unplug_below_requested_is_ack);
    g_test_add_func("/virtio-mem-blocks/state/plugged-unplugged-mixed",
                    test_blocks_state_answers);
    g_test_add_func("/virtio-mem-blocks/bitmap/plugged-size-follows",
                    test_blocks_plugged_size_follows_bitmap);
    g_test_add_func("/virtio-mem-blocks/bitmap/runs", test_blocks_runs);
    g_test_add_func("/virtio-mem-blocks/memslots/size-rule",
                    test_blocks_memslot_sizes);
    return g_test_run();
}
