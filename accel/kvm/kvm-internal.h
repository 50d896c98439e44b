/*
 * Shared inside accel/kvm/: re-setting a slot with other flags (the
 * dirty log toggles KVM_MEM_LOG_DIRTY_PAGES) and registering the dirty
 * log (kvm-dirty-log.c) once the VM exists.
 */
#ifndef ACCEL_KVM_KVM_INTERNAL_H
#define ACCEL_KVM_KVM_INTERNAL_H

#include "sysemu/memslots.h"

/* KVM_SET_USER_MEMORY_REGION for slot with these flags; 0 or -errno. */
int kvm_set_slot_flags(const MemslotInfo *slot, uint32_t flags);
void kvm_dirty_log_init(void);

#endif /* ACCEL_KVM_KVM_INTERNAL_H */
