/*
 * Clocks and timers (include/qemu/timer.h).  Every clock keeps its pending
 * timers in a list ordered by expiry.  Automatic clocks also arm one GLib
 * timeout source per pending timer; manual clocks (the virtual clock under
 * the qtest accelerator) fire theirs only from qemu_clock_advance().
 * Switching a clock's mode moves its pending timers along.
 */
#include "qemu/osdep.h"
#include "qemu/timer.h"

struct QEMUTimer {
    QEMUClockType type;
    int scale;
    QEMUTimerCB *cb;
    void *opaque;
    int64_t expire_ns;      /* on the timer's clock */
    bool pending;
    guint source_id;        /* automatic clocks: the GLib timeout */
};

typedef struct QEMUClock {
    bool manual;
    int64_t manual_ns;      /* value of a manual clock */
    GList *timers;          /* pending QEMUTimer *, by expire_ns */
} QEMUClock;

static QEMUClock qemu_clocks[QEMU_CLOCK_MAX];

int64_t qemu_clock_get_ns(QEMUClockType type)
{
    static gint64 start_us;

    if (qemu_clocks[type].manual) {
        return qemu_clocks[type].manual_ns;
    }
    switch (type) {
    case QEMU_CLOCK_HOST:
        return g_get_real_time() * SCALE_US;
    case QEMU_CLOCK_VIRTUAL:
        if (!start_us) {
            start_us = g_get_monotonic_time();
        }
        return (g_get_monotonic_time() - start_us) * SCALE_US;
    default:
        return g_get_monotonic_time() * SCALE_US;
    }
}

QEMUTimer *timer_new_full(QEMUClockType type, int scale, QEMUTimerCB *cb,
                          void *opaque)
{
    QEMUTimer *t = g_new0(QEMUTimer, 1);

    t->type = type;
    t->scale = scale;
    t->cb = cb;
    t->opaque = opaque;
    return t;
}

static gboolean timer_fire_auto(gpointer opaque)
{
    QEMUTimer *t = opaque;

    t->source_id = 0;
    t->pending = false;
    qemu_clocks[t->type].timers = g_list_remove(qemu_clocks[t->type].timers,
                                                t);
    t->cb(t->opaque);
    return G_SOURCE_REMOVE;
}

static gint timer_compare_expiry(gconstpointer a, gconstpointer b)
{
    const QEMUTimer *ta = a, *tb = b;

    return ta->expire_ns < tb->expire_ns ? -1 : ta->expire_ns > tb->expire_ns;
}

void timer_del(QEMUTimer *t)
{
    if (!t->pending) {
        return;
    }
    if (t->source_id) {
        g_source_remove(t->source_id);
        t->source_id = 0;
    }
    qemu_clocks[t->type].timers =
        g_list_remove(qemu_clocks[t->type].timers, t);
    t->pending = false;
}

static void timer_arm_source(QEMUTimer *t)
{
    int64_t delay_ns = MAX(t->expire_ns - qemu_clock_get_ns(t->type), 0);

    t->source_id = g_timeout_add((delay_ns + SCALE_MS - 1) / SCALE_MS,
                                 timer_fire_auto, t);
}

void timer_mod(QEMUTimer *t, int64_t expire_time)
{
    QEMUClock *clock = &qemu_clocks[t->type];

    timer_del(t);
    t->expire_ns = expire_time * t->scale;
    t->pending = true;
    clock->timers = g_list_insert_sorted(clock->timers, t,
                                         timer_compare_expiry);
    if (!clock->manual) {
        timer_arm_source(t);
    }
}

void timer_free(QEMUTimer *t)
{
    if (t) {
        timer_del(t);
        g_free(t);
    }
}

bool timer_pending(const QEMUTimer *t)
{
    return t->pending;
}

/*
 * A manual clock starts at 0 as QEMU's qtest clock does; pending timers
 * keep their expiry times and change who fires them.
 */
void qemu_clock_set_manual(QEMUClockType type, bool manual)
{
    QEMUClock *clock = &qemu_clocks[type];

    if (clock->manual == manual) {
        return;
    }
    clock->manual_ns = 0;
    clock->manual = manual;
    for (GList *l = clock->timers; l; l = l->next) {
        QEMUTimer *t = l->data;

        if (manual && t->source_id) {
            g_source_remove(t->source_id);
            t->source_id = 0;
        } else if (!manual) {
            timer_arm_source(t);
        }
    }
}

bool qemu_clock_is_manual(QEMUClockType type)
{
    return qemu_clocks[type].manual;
}

int64_t qemu_clock_deadline_ns(QEMUClockType type)
{
    QEMUClock *clock = &qemu_clocks[type];
    QEMUTimer *first;

    if (!clock->manual || !clock->timers) {
        return -1;
    }
    first = clock->timers->data;
    return MAX(first->expire_ns - clock->manual_ns, 0);
}

int64_t qemu_clock_advance(QEMUClockType type, int64_t target_ns)
{
    QEMUClock *clock = &qemu_clocks[type];

    assert(clock->manual);
    while (clock->timers) {
        QEMUTimer *t = clock->timers->data;

        if (t->expire_ns > target_ns) {
            break;
        }
        clock->timers = g_list_delete_link(clock->timers,
                                                  clock->timers);
        t->pending = false;
        clock->manual_ns = MAX(clock->manual_ns, t->expire_ns);
        /* The callback may re-arm this or other timers. */
        t->cb(t->opaque);
    }
    clock->manual_ns = MAX(clock->manual_ns, target_ns);
    return clock->manual_ns;
}
