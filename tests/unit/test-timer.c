/*
 * Clocks and timers (util/qemu-timer.c): a manual clock fires timers only
 * when advanced, in expiry order, including ones re-armed by a callback;
 * an automatic clock fires through the GLib main loop; switching modes
 * moves pending timers.
 */
#include "qemu/osdep.h"
#include "qemu/timer.h"

typedef struct TestFired {
    GString *order;     /* one letter per firing */
    QEMUTimer *rearm;   /* re-armed once by its own callback */
    int64_t rearm_at;
} TestFired;

static TestFired test_fired;

static void test_timer_cb(void *opaque)
{
    const char *letter = opaque;

    g_string_append(test_fired.order, letter);
    if (test_fired.rearm && letter[0] == 'r' && test_fired.rearm_at) {
        timer_mod(test_fired.rearm, test_fired.rearm_at);
        test_fired.rearm_at = 0;
    }
}

static void test_reset(void)
{
    if (test_fired.order) {
        g_string_free(test_fired.order, TRUE);
    }
    test_fired = (TestFired){ .order = g_string_new("") };
    qemu_clock_set_manual(QEMU_CLOCK_VIRTUAL, false);
    qemu_clock_set_manual(QEMU_CLOCK_VIRTUAL, true);
}

static void test_manual_fires_in_order(void)
{
    QEMUTimer *a, *b, *c;

    test_reset();
    a = timer_new_ns(QEMU_CLOCK_VIRTUAL, test_timer_cb, (void *)"a");
    b = timer_new_ms(QEMU_CLOCK_VIRTUAL, test_timer_cb, (void *)"b");
    c = timer_new_ns(QEMU_CLOCK_VIRTUAL, test_timer_cb, (void *)"c");
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 0);
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, -1);
    timer_mod(a, 3000);
    timer_mod(b, 1);            /* 1 ms = 1000000 ns */
    timer_mod(c, 500);
    g_assert_true(timer_pending(a));
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, 500);
    g_assert_cmpint(qemu_clock_advance(QEMU_CLOCK_VIRTUAL, 2999), ==, 2999);
    g_assert_cmpstr(test_fired.order->str, ==, "c");
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), ==, 1);
    g_assert_cmpint(qemu_clock_advance(QEMU_CLOCK_VIRTUAL, SCALE_MS), ==,
                    SCALE_MS);
    g_assert_cmpstr(test_fired.order->str, ==, "cab");
    g_assert_false(timer_pending(b));
    /* Never backwards. */
    g_assert_cmpint(qemu_clock_advance(QEMU_CLOCK_VIRTUAL, 10), ==, SCALE_MS);
    timer_free(a);
    timer_free(b);
    timer_free(c);
}

static void test_manual_del_and_rearm(void)
{
    QEMUTimer *d, *r;

    test_reset();
    d = timer_new_ns(QEMU_CLOCK_VIRTUAL, test_timer_cb, (void *)"d");
    r = timer_new_ns(QEMU_CLOCK_VIRTUAL, test_timer_cb, (void *)"r");
    test_fired.rearm = r;
    test_fired.rearm_at = 250;
    timer_mod(d, 100);
    timer_mod(r, 200);
    timer_del(d);
    g_assert_false(timer_pending(d));
    /* r fires at 200, re-arms itself at 250, fires again before 300. */
    g_assert_cmpint(qemu_clock_advance(QEMU_CLOCK_VIRTUAL, 300), ==, 300);
    g_assert_cmpstr(test_fired.order->str, ==, "rr");
    timer_free(d);
    timer_free(r);
}

static gboolean test_wake(gpointer opaque)
{
    return G_SOURCE_CONTINUE;
}

static void test_auto_fires_from_main_loop(void)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    guint wake;
    QEMUTimer *t;

    test_reset();
    t = timer_new_ms(QEMU_CLOCK_REALTIME, test_timer_cb, (void *)"t");
    timer_mod(t, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + 20);
    wake = g_timeout_add(100, test_wake, NULL);   /* bounds each wait */
    while (!test_fired.order->len) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_main_context_iteration(NULL, TRUE);
    }
    g_source_remove(wake);
    g_assert_cmpstr(test_fired.order->str, ==, "t");
    g_assert_false(timer_pending(t));
    timer_free(t);
}

static void test_mode_switch_moves_timers(void)
{
    QEMUTimer *m;

    test_reset();
    qemu_clock_set_manual(QEMU_CLOCK_VIRTUAL, false);
    m = timer_new_ms(QEMU_CLOCK_VIRTUAL, test_timer_cb, (void *)"m");
    timer_mod(m, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) + 60000);
    qemu_clock_set_manual(QEMU_CLOCK_VIRTUAL, true);
    g_assert_true(timer_pending(m));
    g_assert_cmpint(qemu_clock_deadline_ns(QEMU_CLOCK_VIRTUAL), >=,
                    60000 * (int64_t)SCALE_MS);
    qemu_clock_advance(QEMU_CLOCK_VIRTUAL, INT64_MAX / 2);
    g_assert_cmpstr(test_fired.order->str, ==, "m");
    timer_free(m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/timer/manual/fires-in-expiry-order",
                    test_manual_fires_in_order);
    g_test_add_func("/timer/manual/deleted-skipped-rearmed-fires",
                    test_manual_del_and_rearm);
    g_test_add_func("/timer/auto/fires-from-main-loop",
                    test_auto_fires_from_main_loop);
    g_test_add_func("/timer/mode-switch/pending-timer-moves",
                    test_mode_switch_moves_timers);
    return g_test_run();
}
