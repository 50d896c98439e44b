/*
 * Interrupt lines: one handler call per level change request.  Boards and
 * devices wire them through qdev GPIO lists; qtest swaps handlers to
 * observe them.
 */
#include "qemu/osdep.h"
#include "hw/irq.h"

struct IRQState {
    qemu_irq_handler handler;
    void *opaque;
    int n;
};

qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n)
{
    qemu_irq irq = g_new0(struct IRQState, 1);

    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    return irq;
}

void qemu_free_irq(qemu_irq irq)
{
    g_free(irq);
}

qemu_irq qemu_irq_intercept(qemu_irq irq, qemu_irq_handler handler,
                            void *opaque)
{
    qemu_irq old = qemu_allocate_irq(irq->handler, irq->opaque, irq->n);

    irq->handler = handler;
    irq->opaque = opaque;
    return old;
}

void qemu_set_irq(qemu_irq irq, int level)
{
    if (irq && irq->handler) {
        irq->handler(irq->opaque, irq->n, level);
    }
}
