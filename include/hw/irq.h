/*
 * Interrupt lines: a qemu_irq is one input pin with a handler; raising or
 * lowering it calls the handler with the level.  Devices expose their pins
 * as named GPIO lists (hw/core/qdev.h) so that boards wire them and qtest
 * can intercept them.
 */
#ifndef HW_IRQ_H
#define HW_IRQ_H

#include "qemu/osdep.h"

typedef struct IRQState *qemu_irq;
typedef void (*qemu_irq_handler)(void *opaque, int n, int level);

qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n);
void qemu_free_irq(qemu_irq irq);
/*
 * Put handler in front of an existing line: irq now calls it, and the
 * returned line (a new one) calls what irq called before, so the
 * interceptor can forward (qtest's irq_intercept_in).
 */
qemu_irq qemu_irq_intercept(qemu_irq irq, qemu_irq_handler handler,
                            void *opaque);
void qemu_set_irq(qemu_irq irq, int level);     /* NULL irq: no-op */
static inline void qemu_irq_raise(qemu_irq irq) { qemu_set_irq(irq, 1); }
static inline void qemu_irq_lower(qemu_irq irq) { qemu_set_irq(irq, 0); }
static inline void qemu_irq_pulse(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
    qemu_set_irq(irq, 0);
}

#endif /* HW_IRQ_H */
