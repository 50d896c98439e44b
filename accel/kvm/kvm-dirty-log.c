/*
 * KVM's side of the RAM dirty log (include/exec/ram-dirty-log.h): while
 * migration logs, every writable slot carries KVM_MEM_LOG_DIRTY_PAGES,
 * and a block's sync reads KVM_GET_DIRTY_LOG of the slots inside it into
 * the block's log.  The slots are the memslot layer's (accel/memslots.c);
 * kvm-all.c sets the flag on slots added while logging.  Compiled with
 * linux/kvm.h, registered only once /dev/kvm opened; never run so far
 * (no /dev/kvm where hotmem is developed).
 */
#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "sysemu/accel.h"
#include "sysemu/kvm.h"
#include "sysemu/memslots.h"
#include "exec/ram-dirty-log.h"
#include "accel/kvm/kvm-internal.h"
#include <sys/ioctl.h>
#include <linux/kvm.h>

/* Re-set one slot with or without the logging flag. */
static void kvm_dirty_log_set_flag(const MemslotInfo *slot, void *opaque)
{
    bool on = *(bool *)opaque;

    if (!slot->readonly) {
        kvm_set_slot_flags(slot, on ? KVM_MEM_LOG_DIRTY_PAGES : 0);
    }
}

static void kvm_dirty_log_start(void)
{
    bool on = true;

    memslots_foreach(accel_get_memslots(), kvm_dirty_log_set_flag, &on);
}

static void kvm_dirty_log_stop(void)
{
    bool on = false;

    memslots_foreach(accel_get_memslots(), kvm_dirty_log_set_flag, &on);
}

/* Pages KVM saw written in one slot, marked in the block holding it. */
static void kvm_dirty_log_sync_slot(const MemslotInfo *slot, void *opaque)
{
    RAMBlock *rb = opaque;
    uint8_t *host = qemu_ram_get_host_addr(rb);
    uint64_t nb_pages = slot->size / RAM_DIRTY_PAGE_SIZE;
    g_autofree unsigned long *bitmap = NULL;
    struct kvm_dirty_log log = { .slot = slot->slot_id };
    uint64_t offset;

    if (slot->readonly || (uint8_t *)slot->hva < host ||
        (uint8_t *)slot->hva + slot->size >
        host + qemu_ram_get_used_length(rb)) {
        return;
    }
    offset = (uint8_t *)slot->hva - host;
    bitmap = bitmap_new(QEMU_ALIGN_UP(nb_pages, 64));
    log.dirty_bitmap = bitmap;
    if (ioctl(kvm_get_vm_fd(), KVM_GET_DIRTY_LOG, &log) < 0) {
        /* cannot tell: all of it may be dirty */
        ram_block_dirty_log_mark(rb, offset, slot->size);
        return;
    }
    for (uint64_t p = find_next_bit(bitmap, nb_pages, 0); p < nb_pages;) {
        uint64_t end = find_next_zero_bit(bitmap, nb_pages, p);

        ram_block_dirty_log_mark(rb, offset + p * RAM_DIRTY_PAGE_SIZE,
                                 (end - p) * RAM_DIRTY_PAGE_SIZE);
        p = find_next_bit(bitmap, nb_pages, end);
    }
}

static void kvm_dirty_log_sync(RAMBlock *rb)
{
    memslots_foreach(accel_get_memslots(), kvm_dirty_log_sync_slot, rb);
}

static const RamDirtyLogAccelOps kvm_dirty_log_ops = {
    .start = kvm_dirty_log_start,
    .stop = kvm_dirty_log_stop,
    .sync = kvm_dirty_log_sync,
};

void kvm_dirty_log_init(void)
{
    ram_dirty_log_set_accel(&kvm_dirty_log_ops);
}
