/*
 * virtio-mem's migration sections.  "virtio-mem-early" travels before RAM:
 * the geometry, checked against this device, then requested-size, the
 * usable region and the plugged bitmap, applied so that the RAM loader
 * asks the RamDiscardManager and gets the source's answer.  "virtio-mem"
 * (device phase) sends requested-size again: it may change while RAM is
 * copied.  The virtio core and the transport have their own sections
 * (virtio-migration.c, virtio-pci.c); the stream is migration/'s.
 */
#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "hw/virtio/virtio-mem-internal.h"
#include "hw/virtio/trace.h"
#include "migration/register.h"
#include "sysemu/hostmem.h"

#define VIRTIO_MEM_EARLY_SECTION    "virtio-mem-early"
#define VIRTIO_MEM_DEVICE_SECTION   "virtio-mem"
#define VIRTIO_MEM_MIG_VERSION      1

/* Field names: the properties' where there is one. */
#define VIRTIO_MEM_MIG_REGION_SIZE  "region-size"
#define VIRTIO_MEM_MIG_USABLE_SIZE  "usable-region-size"
#define VIRTIO_MEM_MIG_PLUGGED_SIZE "plugged-size"
#define VIRTIO_MEM_MIG_PLUGGED      "plugged"

static MemoryRegion *virtio_mem_mig_mr(VirtIOMEM *vmem)
{
    return host_memory_backend_get_memory(vmem->memdev);
}

/* Bytes of the plugged bitmap on the wire: bit n of byte n / 8, LSB first. */
static size_t virtio_mem_mig_bitmap_len(const VirtIOMEM *vmem)
{
    return (vmem->blocks.nb_blocks + 7) / 8;
}

/* ---- early section ---- */

static void virtio_mem_mig_save_geometry(MigFields *f, VirtIOMEM *vmem)
{
    mig_put_u64(f, VIRTIO_MEM_BLOCK_SIZE_PROP, vmem->blocks.block_size);
    mig_put_u64(f, VIRTIO_MEM_MIG_REGION_SIZE, vmem->blocks.region_size);
    mig_put_u64(f, VIRTIO_MEM_ADDR_PROP, vmem->blocks.addr);
    mig_put_u64(f, VIRTIO_MEM_NODE_PROP, vmem->node);
    mig_put_bool(f, VIRTIO_MEM_UNPLUGGED_INACCESSIBLE_PROP,
                 vmem->unplugged_inaccessible == ON_OFF_AUTO_ON);
    mig_put_bool(f, VIRTIO_MEM_DYNAMIC_MEMSLOTS_PROP, vmem->dynamic_memslots);
}

static void virtio_mem_mig_save_early(MigFields *f, void *opaque)
{
    VirtIOMEM *vmem = opaque;
    size_t len = virtio_mem_mig_bitmap_len(vmem);
    g_autofree uint8_t *bytes = g_malloc0(len);

    virtio_mem_mig_save_geometry(f, vmem);
    mig_put_u64(f, VIRTIO_MEM_REQUESTED_SIZE_PROP, vmem->blocks.requested_size);
    mig_put_u64(f, VIRTIO_MEM_MIG_USABLE_SIZE, vmem->blocks.usable_region_size);
    for (uint64_t i = 0; i < vmem->blocks.nb_blocks; i++) {
        if (test_bit(i, vmem->blocks.plugged)) {
            bytes[i / 8] |= 1u << (i % 8);
        }
    }
    mig_put_bytes(f, VIRTIO_MEM_MIG_PLUGGED, bytes, len);
}

/* The source's device must be this one: same geometry and options. */
static bool virtio_mem_mig_check_geometry(MigFields *f, VirtIOMEM *vmem,
                                          Error **errp)
{
    return mig_check_u64(f, VIRTIO_MEM_BLOCK_SIZE_PROP,
                         vmem->blocks.block_size, errp) &&
           mig_check_u64(f, VIRTIO_MEM_MIG_REGION_SIZE,
                         vmem->blocks.region_size, errp) &&
           mig_check_u64(f, VIRTIO_MEM_ADDR_PROP, vmem->blocks.addr, errp) &&
           mig_check_u64(f, VIRTIO_MEM_NODE_PROP, vmem->node, errp) &&
           mig_check_bool(f, VIRTIO_MEM_UNPLUGGED_INACCESSIBLE_PROP,
                          vmem->unplugged_inaccessible == ON_OFF_AUTO_ON,
                          errp) &&
           mig_check_bool(f, VIRTIO_MEM_DYNAMIC_MEMSLOTS_PROP,
                          vmem->dynamic_memslots, errp);
}

/* A size field of the stream: a block multiple, at most the region. */
static bool virtio_mem_mig_get_size(MigFields *f, const char *name,
                                    VirtIOMEM *vmem, uint64_t *v,
                                    Error **errp)
{
    if (!mig_get_u64(f, name, v, errp)) {
        return false;
    }
    if (*v % vmem->blocks.block_size || *v > vmem->blocks.region_size) {
        error_setg(errp, "%s: %s is not a multiple of block-size %s at most the region size %s", name, size_str(*v).s,
                   size_str(vmem->blocks.block_size).s,
                   size_str(vmem->blocks.region_size).s);
        return false;
    }
    return true;
}

/* The wire bitmap into a new bitmap; every plugged block in usable. */
static unsigned long *virtio_mem_mig_get_plugged(MigFields *f,
                                                 VirtIOMEM *vmem,
                                                 uint64_t usable_size,
                                                 Error **errp)
{
    size_t len = virtio_mem_mig_bitmap_len(vmem);
    g_autofree uint8_t *bytes = g_malloc(len);
    uint64_t nb_usable = usable_size / vmem->blocks.block_size;
    unsigned long *plugged;
    uint64_t first;

    if (!mig_get_bytes(f, VIRTIO_MEM_MIG_PLUGGED, bytes, len, errp)) {
        return NULL;
    }
    if (len && vmem->blocks.nb_blocks % 8 &&
        bytes[len - 1] >> (vmem->blocks.nb_blocks % 8)) {
        error_setg(errp, "%s: bits past the %" PRIu64 " blocks of the region are set", VIRTIO_MEM_MIG_PLUGGED, vmem->blocks.nb_blocks);
        return NULL;
    }
    plugged = bitmap_new(vmem->blocks.nb_blocks);
    for (uint64_t i = 0; i < vmem->blocks.nb_blocks; i++) {
        if (bytes[i / 8] & (1u << (i % 8))) {
            bitmap_set(plugged, i, 1);
        }
    }
    first = find_next_bit(plugged, vmem->blocks.nb_blocks, nb_usable);
    if (first < vmem->blocks.nb_blocks) {
        error_setg(errp, "%s: block %" PRIu64 " is plugged but outside the usable region of %s", VIRTIO_MEM_MIG_PLUGGED, first,
                   size_str(usable_size).s);
        g_free(plugged);
        return NULL;
    }
    return plugged;
}

typedef struct VirtioMemMigApply {
    VirtIOMEM *vmem;
    uint64_t nb_told;           /* blocks whose listeners were told */
    Error **errp;
} VirtioMemMigApply;

/* One plugged run: preallocate (prealloc=on here), then tell listeners. */
static int virtio_mem_mig_populate_run(uint64_t first, uint64_t nb,
                                       void *opaque)
{
    VirtioMemMigApply *a = opaque;
    VirtIOMEM *vmem = a->vmem;
    MemoryRegion *mr = virtio_mem_mig_mr(vmem);
    uint64_t offset = first * vmem->blocks.block_size;
    uint64_t size = nb * vmem->blocks.block_size;
    uint64_t threads;

    if (vmem->prealloc) {
        threads = object_property_get_uint(OBJECT(vmem->memdev),
                                           "prealloc-threads", NULL);
        if (!ram_block_prealloc_range(memory_region_get_ram_block(mr), offset,
                                      size, threads ? threads : 1,
                                      a->errp)) {
            return -ENOMEM;
        }
    }
    if (ram_discard_manager_notify_populate(&vmem->rdm, mr, offset, size)) {
        error_setg(a->errp, "%s: a listener of memdev refused the plugged blocks [%" PRIu64 ", %" PRIu64 ")", VIRTIO_MEM_MIG_PLUGGED,
                   first, first + nb);
        return -EBUSY;
    }
    a->nb_told = first + nb;
    return 0;
}

static int virtio_mem_mig_discard_run(uint64_t first, uint64_t nb,
                                      void *opaque)
{
    VirtioMemMigApply *a = opaque;
    VirtIOMEM *vmem = a->vmem;
    uint64_t end = MIN(first + nb, a->nb_told);

    if (first < end) {
        ram_discard_manager_notify_discard(
            &vmem->rdm, virtio_mem_mig_mr(vmem),
            first * vmem->blocks.block_size,
            (end - first) * vmem->blocks.block_size);
    }
    return 0;
}

/*
 * Make plugged the plug state, nothing plugged before (a destination has
 * no guest yet).  The aliases holding plugged blocks are mapped in one
 * transaction before listeners hear of the blocks (one notify per run).
 * On failure everything is undone and the device is as it was.
 */
static bool virtio_mem_mig_apply_plugged(VirtIOMEM *vmem,
                                         const unsigned long *plugged,
                                         Error **errp)
{
    VirtioMemBlocks *b = &vmem->blocks;
    VirtioMemMigApply a = { .vmem = vmem, .errp = errp };
    size_t words = BITS_TO_LONGS(b->nb_blocks);

    memcpy(b->plugged, plugged, words * sizeof(unsigned long));
    b->plugged_size = bitmap_count_one(b->plugged, b->nb_blocks) *
                      b->block_size;
    virtio_mem_memslots_sync_range(vmem, 0, b->nb_blocks);
    if (!virtio_mem_blocks_for_each_run(b, 0, b->nb_blocks, true,
                                        virtio_mem_mig_populate_run, &a)) {
        return true;
    }
    virtio_mem_blocks_for_each_run(b, 0, a.nb_told, true,
                                   virtio_mem_mig_discard_run, &a);
    ram_block_discard_range(memory_region_get_ram_block(
                                virtio_mem_mig_mr(vmem)), 0, b->region_size);
    virtio_mem_blocks_clear_all(b);
    virtio_mem_memslots_sync_range(vmem, 0, b->nb_blocks);
    return false;
}

static bool virtio_mem_mig_load_early(MigFields *f, void *opaque,
                                      uint32_t version, Error **errp)
{
    VirtIOMEM *vmem = opaque;
    uint64_t requested, usable;
    g_autofree unsigned long *plugged = NULL;

    if (!virtio_mem_mig_check_geometry(f, vmem, errp) ||
        !virtio_mem_mig_get_size(f, VIRTIO_MEM_REQUESTED_SIZE_PROP, vmem,
                                 &requested, errp) ||
        !virtio_mem_mig_get_size(f, VIRTIO_MEM_MIG_USABLE_SIZE, vmem,
                                 &usable, errp)) {
        return false;
    }
    plugged = virtio_mem_mig_get_plugged(f, vmem, usable, errp);
    if (!plugged) {
        return false;
    }
    if (vmem->blocks.plugged_size) {
        /* Not a fresh destination: start from nothing plugged. */
        virtio_mem_unplug_all(vmem);
    }
    if (!virtio_mem_mig_apply_plugged(vmem, plugged, errp)) {
        return false;
    }
    vmem->blocks.requested_size = requested;
    vmem->blocks.usable_region_size = usable;
    trace_virtio_mem_migration_loaded(vmem->blocks.plugged_size, requested,
                                      usable);
    return true;
}

/* ---- device section: what may change while RAM is copied ---- */

static void virtio_mem_mig_save_device(MigFields *f, void *opaque)
{
    VirtIOMEM *vmem = opaque;

    mig_put_u64(f, VIRTIO_MEM_REQUESTED_SIZE_PROP, vmem->blocks.requested_size);
    mig_put_u64(f, VIRTIO_MEM_MIG_USABLE_SIZE, vmem->blocks.usable_region_size);
    mig_put_u64(f, VIRTIO_MEM_MIG_PLUGGED_SIZE, vmem->blocks.plugged_size);
}

static bool virtio_mem_mig_load_device(MigFields *f, void *opaque,
                                       uint32_t version, Error **errp)
{
    VirtIOMEM *vmem = opaque;
    uint64_t requested, usable;

    if (!virtio_mem_mig_get_size(f, VIRTIO_MEM_REQUESTED_SIZE_PROP, vmem,
                                 &requested, errp) ||
        !virtio_mem_mig_get_size(f, VIRTIO_MEM_MIG_USABLE_SIZE, vmem,
                                 &usable, errp) ||
        /* Requests were answered BUSY: the early bitmap still holds. */
        !mig_check_u64(f, VIRTIO_MEM_MIG_PLUGGED_SIZE,
                       vmem->blocks.plugged_size, errp)) {
        return false;
    }
    if (usable < vmem->blocks.usable_region_size) {
        error_setg(errp, "%s: %s is below the early section's %s (it only grows during a migration)", VIRTIO_MEM_MIG_USABLE_SIZE,
                   size_str(usable).s,
                   size_str(vmem->blocks.usable_region_size).s);
        return false;
    }
    vmem->blocks.requested_size = requested;
    vmem->blocks.usable_region_size = usable;
    return true;
}

static const MigStateOps virtio_mem_mig_early_ops = {
    .phase = MIG_PHASE_EARLY,
    .version = VIRTIO_MEM_MIG_VERSION,
    .save = virtio_mem_mig_save_early,
    .load = virtio_mem_mig_load_early,
};

static const MigStateOps virtio_mem_mig_device_ops = {
    .phase = MIG_PHASE_DEVICE,
    .version = VIRTIO_MEM_MIG_VERSION,
    .save = virtio_mem_mig_save_device,
    .load = virtio_mem_mig_load_device,
};

bool virtio_mem_migration_register(VirtIOMEM *vmem, Error **errp)
{
    if (!migration_register_state(VIRTIO_MEM_EARLY_SECTION, OBJECT(vmem),
                                  &virtio_mem_mig_early_ops, vmem, errp)) {
        return false;
    }
    if (!migration_register_state(VIRTIO_MEM_DEVICE_SECTION, OBJECT(vmem),
                                  &virtio_mem_mig_device_ops, vmem, errp)) {
        migration_unregister_state(vmem);
        return false;
    }
    return true;
}

void virtio_mem_migration_unregister(VirtIOMEM *vmem)
{
    migration_unregister_state(vmem);
}
