/*
 * The KVM accelerator's contract: whether KVM is in use and the VM's file
 * descriptors, for the memslot layer (KVM_SET_USER_MEMORY_REGION) and
 * vCPUs.  Implemented by accel/kvm/kvm-all.c when CONFIG_KVM; without it
 * kvm_enabled() is always false.
 */
#ifndef SYSEMU_KVM_H
#define SYSEMU_KVM_H

#include "qemu/osdep.h"

#define KVM_ACCEL_NAME "kvm"
#define KVM_DEVICE_PATH "/dev/kvm"
#define KVM_EXPECTED_API_VERSION 12

/* True once "-accel kvm" initialized (KVM_CREATE_VM succeeded). */
bool kvm_enabled(void);
/* The /dev/kvm and VM file descriptors; -1 before kvm initialized. */
int kvm_get_fd(void);
int kvm_get_vm_fd(void);

#endif /* SYSEMU_KVM_H */
