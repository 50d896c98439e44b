/*
 * util/bitmap.c against a bool-per-bit model, on ranges that start and end
 * inside words, on word boundaries, and across many words.
 */
#include "qemu/osdep.h"
#include "qemu/bitmap.h"

#define TEST_NBITS 1000

static void test_bitmap_check_model(const unsigned long *map,
                                    const bool *model)
{
    uint64_t ones = 0;

    for (uint64_t i = 0; i < TEST_NBITS; i++) {
        g_assert_cmpint(test_bit(i, map), ==, model[i]);
        ones += model[i];
    }
    g_assert_cmpuint(bitmap_count_one(map, TEST_NBITS), ==, ones);
}

static void test_bitmap_random_ranges(void)
{
    g_autofree unsigned long *map = bitmap_new(TEST_NBITS);
    bool model[TEST_NBITS] = { false };
    GRand *rand = g_rand_new_with_seed(42);

    for (int round = 0; round < 2000; round++) {
        uint64_t start = g_rand_int_range(rand, 0, TEST_NBITS);
        uint64_t nr = g_rand_int_range(rand, 0, TEST_NBITS - start + 1);
        bool set = g_rand_boolean(rand);
        bool all_set = true, all_clear = true;

        for (uint64_t i = start; i < start + nr; i++) {
            all_set &= model[i];
            all_clear &= !model[i];
        }
        g_assert_cmpint(bitmap_is_range_set(map, start, nr), ==, all_set);
        g_assert_cmpint(bitmap_is_range_clear(map, start, nr), ==, all_clear);
        if (set) {
            bitmap_set(map, start, nr);
        } else {
            bitmap_clear(map, start, nr);
        }
        for (uint64_t i = start; i < start + nr; i++) {
            model[i] = set;
        }
        test_bitmap_check_model(map, model);
    }
    g_rand_free(rand);
}

static void test_bitmap_find_next(void)
{
    g_autofree unsigned long *map = bitmap_new(200);

    g_assert_cmpuint(find_next_bit(map, 200, 0), ==, 200);
    g_assert_cmpuint(find_next_zero_bit(map, 200, 0), ==, 0);
    bitmap_set(map, 63, 2);
    bitmap_set(map, 130, 70);
    g_assert_cmpuint(find_next_bit(map, 200, 0), ==, 63);
    g_assert_cmpuint(find_next_zero_bit(map, 200, 63), ==, 65);
    g_assert_cmpuint(find_next_bit(map, 200, 65), ==, 130);
    g_assert_cmpuint(find_next_zero_bit(map, 200, 130), ==, 200);
    g_assert_cmpuint(find_next_bit(map, 100, 65), ==, 100);
    g_assert_cmpuint(bitmap_count_one(map, 200), ==, 72);
    g_assert_cmpuint(bitmap_count_one(map, 64), ==, 1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/bitmap/ranges/match-model", test_bitmap_random_ranges);
    g_test_add_func("/bitmap/find-next/set-and-zero", test_bitmap_find_next);
    return g_test_run();
}
