/*
 * The KVM accelerator ("kvm"): opens /dev/kvm, checks the API version and
 * creates the VM.  Memslots are the shared memslot layer's (it listens to
 * system memory and issues KVM_SET_USER_MEMORY_REGION on kvm_get_vm_fd());
 * vCPUs come later.  Built only with linux/kvm.h (CONFIG_KVM); used only
 * when asked for, so a machine without /dev/kvm fails with QEMU's message.
 */
#include "qemu/osdep.h"
#include "sysemu/accel.h"
#include "sysemu/kvm.h"
#include "sysemu/memslots.h"
#include "exec/memory.h"
#include "exec/ram-dirty-log.h"
#include "accel/kvm/kvm-internal.h"
#include "accel/kvm/trace.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

static int kvm_fd = -1;
static int kvm_vm_fd = -1;

bool kvm_enabled(void)
{
    return kvm_vm_fd >= 0;
}

int kvm_get_fd(void)
{
    return kvm_fd;
}

int kvm_get_vm_fd(void)
{
    return kvm_vm_fd;
}

/* KVM_CREATE_VM may fail with EINTR; QEMU retries it. */
static int kvm_create_vm(int fd)
{
    int ret;

    do {
        ret = ioctl(fd, KVM_CREATE_VM, 0);
    } while (ret < 0 && errno == EINTR);
    return ret < 0 ? -errno : ret;
}

/* Open /dev/kvm and check the API: a file descriptor or -errno. */
static int kvm_open_device(void)
{
    int fd = open(KVM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
    int version;

    if (fd < 0) {
        /* QEMU prints this line itself, unprefixed, before the error. */
        fprintf(stderr, "Could not access KVM kernel module: %s\n",
                strerror(errno));
        return -errno;
    }
    version = ioctl(fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_EXPECTED_API_VERSION) {
        fprintf(stderr, "kvm version %d is not supported (expected %d)\n",
                version, KVM_EXPECTED_API_VERSION);
        close(fd);
        return -EINVAL;
    }
    return fd;
}

static int kvm_set_region(unsigned int slot_id, uint64_t gpa, uint64_t size,
                          void *hva, uint32_t flags)
{
    struct kvm_userspace_memory_region region = {
        .slot = slot_id,
        .flags = flags,
        .guest_phys_addr = gpa,
        .memory_size = size,
        .userspace_addr = (uintptr_t)hva,
    };

    return ioctl(kvm_vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0
           ? -errno : 0;
}

/*
 * KVM_SET_USER_MEMORY_REGION for the memslot layer; size 0 deletes.  A
 * slot added while migration logs dirty pages is logged too.
 */
static int kvm_set_slot(void *opaque, unsigned int slot_id, uint64_t gpa,
                        uint64_t size, void *hva, bool readonly)
{
    uint32_t flags = readonly ? KVM_MEM_READONLY :
                     ram_dirty_log_is_active() && size ?
                     KVM_MEM_LOG_DIRTY_PAGES : 0;

    return kvm_set_region(slot_id, gpa, size, hva, flags);
}

int kvm_set_slot_flags(const MemslotInfo *slot, uint32_t flags)
{
    return kvm_set_region(slot->slot_id, slot->gpa, slot->size, slot->hva,
                          flags);
}

static const MemslotBackendOps kvm_memslot_ops = {
    .set_slot = kvm_set_slot,
};

/* The VM's slot limit; KVM before KVM_CAP_NR_MEMSLOTS had 32. */
static unsigned int kvm_max_memslots(int vm_fd)
{
    int n = ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);

    return n > 0 ? n : 32;
}

/* Address spaces per VM: 2 when SMM has its own, which doubles every
 * slot's metadata (docs/system/memslots.md). */
static int kvm_nr_address_spaces(int vm_fd)
{
    int n = ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MULTI_ADDRESS_SPACE);

    return n > 0 ? n : 1;
}

static bool kvm_accel_init(json_t *props, Error **errp)
{
    int fd = kvm_open_device();
    MemslotTable *table;
    int vm_fd;

    if (fd < 0) {
        error_setg(errp, "failed to initialize kvm: %s", strerror(-fd));
        return false;
    }
    vm_fd = kvm_create_vm(fd);
    if (vm_fd < 0) {
        fprintf(stderr, "ioctl(KVM_CREATE_VM) failed: %d %s\n", -vm_fd,
                strerror(-vm_fd));
        close(fd);
        error_setg(errp, "failed to initialize kvm: %s", strerror(-vm_fd));
        return false;
    }
    kvm_fd = fd;
    kvm_vm_fd = vm_fd;
    trace_kvm_init_vm(vm_fd, KVM_EXPECTED_API_VERSION);
    table = memslots_new(KVM_ACCEL_NAME, kvm_max_memslots(vm_fd),
                         &kvm_memslot_ops, NULL);
    trace_kvm_memslots(kvm_max_memslots(vm_fd), kvm_nr_address_spaces(vm_fd));
    memslots_register(table, address_space_memory());
    accel_set_memslots(table);
    memslots_consumer_add(table);
    kvm_dirty_log_init();
    return true;
}

static const AccelOps kvm_accel_ops = {
    .name = KVM_ACCEL_NAME,
    .init = kvm_accel_init,
};

static void __attribute__((constructor)) kvm_accel_register(void)
{
    accel_register(&kvm_accel_ops);
}
