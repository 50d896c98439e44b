/*
 * Clocks and timers on the GLib main loop.  REALTIME and HOST follow host
 * time; VIRTUAL is guest time: under the qtest accelerator it is manual
 * and moves only on the qtest clock_step / clock_set commands, so device
 * timers are deterministic in tests.  Main loop only.
 */
#ifndef QEMU_TIMER_H
#define QEMU_TIMER_H

#include "qemu/osdep.h"

#define SCALE_MS 1000000
#define SCALE_US 1000
#define SCALE_NS 1

typedef enum QEMUClockType {
    QEMU_CLOCK_REALTIME,    /* monotonic host time */
    QEMU_CLOCK_VIRTUAL,     /* guest time (manual under qtest) */
    QEMU_CLOCK_HOST,        /* wall-clock host time */
    QEMU_CLOCK_MAX,
} QEMUClockType;

typedef void QEMUTimerCB(void *opaque);
typedef struct QEMUTimer QEMUTimer;

int64_t qemu_clock_get_ns(QEMUClockType type);
static inline int64_t qemu_clock_get_ms(QEMUClockType type)
{
    return qemu_clock_get_ns(type) / SCALE_MS;
}

/* A timer of type with scale (SCALE_NS, SCALE_US, SCALE_MS); not armed. */
QEMUTimer *timer_new_full(QEMUClockType type, int scale, QEMUTimerCB *cb,
                          void *opaque);
static inline QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb,
                                      void *opaque)
{
    return timer_new_full(type, SCALE_NS, cb, opaque);
}
static inline QEMUTimer *timer_new_ms(QEMUClockType type, QEMUTimerCB *cb,
                                      void *opaque)
{
    return timer_new_full(type, SCALE_MS, cb, opaque);
}
/* Arm (or re-arm) to fire at expire_time, in the timer's scale. */
void timer_mod(QEMUTimer *timer, int64_t expire_time);
void timer_del(QEMUTimer *timer);
void timer_free(QEMUTimer *timer);
bool timer_pending(const QEMUTimer *timer);

/*
 * Manual clocks (qtest): the clock reads what was last set; timers fire
 * only from qemu_clock_advance().  qemu_clock_deadline_ns: ns until the
 * earliest armed timer of type, or -1.
 */
void qemu_clock_set_manual(QEMUClockType type, bool manual);
bool qemu_clock_is_manual(QEMUClockType type);
int64_t qemu_clock_deadline_ns(QEMUClockType type);
/* Move a manual clock to target_ns (never backwards), firing every timer
 * that expires on the way, in order.  Returns the new clock value. */
int64_t qemu_clock_advance(QEMUClockType type, int64_t target_ns);

#endif /* QEMU_TIMER_H */
