/*
 * virtio-mem device state: properties, realize checks, the device config,
 * plug/unplug effects (discard, preallocation, RamDiscardManager
 * notifications), requested-size changes and resets.  The guest boundary
 * (request decoding and answers) is virtio-mem-request.c; the pure block
 * decisions virtio-mem-blocks.c; the PCI transport virtio-mem-pci.c.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bitmap.h"
#include "hw/virtio/virtio-mem-internal.h"
#include "hw/virtio/virtio-mem-wire.h"
#include "hw/virtio/trace.h"
#include "hw/mem/memory-device.h"
#include "sysemu/hostmem.h"
#include "sysemu/runstate.h"
#include "sysemu/numa.h"
#include "migration/register.h"

#define VIRTIO_MEM_THP_SIZE_PATH \
    "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size"

static const char *const virtio_mem_on_off_auto[] = {
    [ON_OFF_AUTO_AUTO] = "auto",
    [ON_OFF_AUTO_ON] = "on",
    [ON_OFF_AUTO_OFF] = "off",
    NULL,
};

static bool virtio_mem_is_realized(const VirtIOMEM *vmem)
{
    return DEVICE(vmem)->realized;
}

static MemoryRegion *virtio_mem_mr(const VirtIOMEM *vmem)
{
    return host_memory_backend_get_memory(vmem->memdev);
}

static RAMBlock *virtio_mem_rb(const VirtIOMEM *vmem)
{
    return memory_region_get_ram_block(virtio_mem_mr(vmem));
}

/* ---- MEMORY_DEVICE_SIZE_CHANGE ---- */

static void virtio_mem_size_changed(VirtIOMEM *vmem)
{
    Object *owner = vmem->event_owner ? vmem->event_owner : OBJECT(vmem);

    memory_device_size_change_event(owner, vmem->blocks.plugged_size);
}

/* ---- effects of plug and unplug ---- */

typedef struct VirtioMemRange {
    VirtIOMEM *vmem;
    uint64_t offset;    /* bytes into the region */
    uint64_t size;
} VirtioMemRange;

static VirtioMemRange virtio_mem_range(VirtIOMEM *vmem, uint64_t first,
                                       uint64_t nb)
{
    return (VirtioMemRange) {
        .vmem = vmem,
        .offset = first * vmem->blocks.block_size,
        .size = nb * vmem->blocks.block_size,
    };
}

static bool virtio_mem_prealloc(VirtIOMEM *vmem, const VirtioMemRange *r)
{
    Error *err = NULL;
    uint64_t threads;

    if (!vmem->prealloc) {
        return true;
    }
    threads = object_property_get_uint(OBJECT(vmem->memdev),
                                       "prealloc-threads", NULL);
    if (!ram_block_prealloc_range(virtio_mem_rb(vmem), r->offset, r->size,
                                  threads ? threads : 1, &err)) {
        /* The guest can retry at will: report once per device. */
        if (!vmem->prealloc_warned) {
            warn_report("virtio-mem: %s; plug requests are answered BUSY",
                        error_get_pretty(err));
            vmem->prealloc_warned = true;
        }
        error_free(err);
        return false;
    }
    return true;
}

uint16_t virtio_mem_plug_range(VirtIOMEM *vmem, uint64_t first, uint64_t nb)
{
    VirtioMemRange r = virtio_mem_range(vmem, first, nb);

    /* Map before listeners hear of the blocks: they must find them. */
    virtio_mem_memslots_map_range(vmem, first, nb);
    if (!virtio_mem_prealloc(vmem, &r)) {
        trace_virtio_mem_busy("prealloc");
        goto out_discard;
    }
    if (ram_discard_manager_notify_populate(&vmem->rdm, virtio_mem_mr(vmem),
                                            r.offset, r.size) < 0) {
        trace_virtio_mem_busy("listener");
        goto out_discard;
    }
    virtio_mem_blocks_set_range(&vmem->blocks, first, nb, true);
    trace_virtio_mem_plugged(first, nb, vmem->blocks.plugged_size);
    virtio_mem_size_changed(vmem);
    return VIRTIO_MEM_RESP_ACK;

out_discard:
    /* Pages touched by a failed preallocation must not stay behind. */
    ram_block_discard_range(virtio_mem_rb(vmem), r.offset, r.size);
    virtio_mem_memslots_sync_range(vmem, first, nb);
    return VIRTIO_MEM_RESP_BUSY;
}

/*
 * The discard of an unplug failed: give the range back to the listeners.
 * True when they all took it (state exactly as before: BUSY).  False when
 * one refused: every listener now holds the range discarded, so the
 * blocks must become unplugged to match them, and their memory stays
 * allocated (reported once per device).
 */
static bool virtio_mem_unplug_undo(VirtIOMEM *vmem, const VirtioMemRange *r)
{
    trace_virtio_mem_busy("discard");
    if (!ram_discard_manager_notify_populate(&vmem->rdm, virtio_mem_mr(vmem),
                                             r->offset, r->size)) {
        return true;
    }
    if (!vmem->discard_warned) {
        warn_report("virtio-mem: discarding unplugged memory failed and a listener refused it back; the blocks are unplugged but their memory stays allocated");
        vmem->discard_warned = true;
    }
    return false;
}

uint16_t virtio_mem_unplug_range(VirtIOMEM *vmem, uint64_t first,
                                 uint64_t nb)
{
    VirtioMemRange r = virtio_mem_range(vmem, first, nb);

    /* Listeners (DMA mappings) go first: nobody may use what we discard. */
    ram_discard_manager_notify_discard(&vmem->rdm, virtio_mem_mr(vmem),
                                       r.offset, r.size);
    if (ram_block_discard_range(virtio_mem_rb(vmem), r.offset, r.size) &&
        virtio_mem_unplug_undo(vmem, &r)) {
        return VIRTIO_MEM_RESP_BUSY;
    }
    virtio_mem_blocks_set_range(&vmem->blocks, first, nb, false);
    /* After the last block of an alias is gone, unmap it. */
    virtio_mem_memslots_sync_range(vmem, first, nb);
    trace_virtio_mem_unplugged(first, nb, vmem->blocks.plugged_size);
    virtio_mem_size_changed(vmem);
    return VIRTIO_MEM_RESP_ACK;
}

static int virtio_mem_notify_discard_run(uint64_t first, uint64_t nb,
                                         void *opaque)
{
    VirtIOMEM *vmem = opaque;
    VirtioMemRange r = virtio_mem_range(vmem, first, nb);

    ram_discard_manager_notify_discard(&vmem->rdm, virtio_mem_mr(vmem),
                                       r.offset, r.size);
    return 0;
}

static void virtio_mem_resize_usable_region(VirtIOMEM *vmem, bool can_shrink)
{
    uint64_t old_size = vmem->blocks.usable_region_size;
    uint64_t new_size = virtio_mem_blocks_usable_for(&vmem->blocks,
                                                     vmem->blocks.requested_size);

    if (new_size == old_size || (new_size < old_size && !can_shrink)) {
        return;
    }
    vmem->blocks.usable_region_size = new_size;
    trace_virtio_mem_resized_usable_region(old_size, new_size);
}

uint16_t virtio_mem_unplug_all(VirtIOMEM *vmem)
{
    uint64_t old_usable = vmem->blocks.usable_region_size;
    bool had_plugged = vmem->blocks.plugged_size != 0;

    if (had_plugged) {
        virtio_mem_blocks_for_each_run(&vmem->blocks, 0,
                                       vmem->blocks.nb_blocks, true,
                                       virtio_mem_notify_discard_run, vmem);
        if (ram_block_discard_range(virtio_mem_rb(vmem), 0,
                                    vmem->blocks.region_size)) {
            /* Cannot happen with the backends we accept; stay consistent. */
            warn_report("virtio-mem: discarding all memory failed");
        }
        virtio_mem_blocks_clear_all(&vmem->blocks);
        virtio_mem_memslots_sync_range(vmem, 0, vmem->blocks.nb_blocks);
    }
    virtio_mem_resize_usable_region(vmem, true);
    trace_virtio_mem_unplugged_all(vmem->blocks.usable_region_size);
    if (had_plugged) {
        virtio_mem_size_changed(vmem);
    }
    if (vmem->blocks.usable_region_size != old_usable &&
        virtio_mem_is_realized(vmem)) {
        virtio_notify_config(VIRTIO_DEVICE(vmem));
    }
    return VIRTIO_MEM_RESP_ACK;
}

/* ---- RamDiscardManager: the populated parts are the plugged blocks ---- */

static VirtIOMEM *virtio_mem_from_rdm(const RamDiscardManager *rdm)
{
    return container_of(rdm, VirtIOMEM, rdm);
}

/* Blocks covered by section (offsets inside the region), clamped. */
static bool virtio_mem_section_blocks(const VirtIOMEM *vmem,
                                      const MemoryRegionSection *s,
                                      uint64_t *first, uint64_t *nb)
{
    uint64_t bs = vmem->blocks.block_size;
    uint64_t start = QEMU_ALIGN_DOWN(s->offset_within_region, bs);
    uint64_t end = MIN(QEMU_ALIGN_UP(s->offset_within_region + s->size, bs),
                       vmem->blocks.region_size);

    if (start >= end) {
        return false;
    }
    *first = start / bs;
    *nb = (end - start) / bs;
    return true;
}

static uint64_t virtio_mem_rdm_get_min_granularity(const RamDiscardManager *rdm,
                                                   const MemoryRegion *mr)
{
    return virtio_mem_from_rdm(rdm)->blocks.block_size;
}

static bool virtio_mem_rdm_is_populated(const RamDiscardManager *rdm,
                                        const MemoryRegionSection *s)
{
    const VirtIOMEM *vmem = virtio_mem_from_rdm(rdm);
    uint64_t first, nb;

    if (!virtio_mem_section_blocks(vmem, s, &first, &nb)) {
        return false;
    }
    return virtio_mem_blocks_is_range_plugged(&vmem->blocks, first, nb);
}

typedef struct VirtioMemReplay {
    const VirtIOMEM *vmem;
    MemoryRegionSection *section;
    ReplayRamPopulate populate;
    ReplayRamDiscard discard;
    void *opaque;
} VirtioMemReplay;

/* The part of the section that blocks [first, first + nb) cover. */
static MemoryRegionSection virtio_mem_replay_section(
    const VirtioMemReplay *rp, uint64_t first, uint64_t nb)
{
    MemoryRegionSection s = *rp->section;
    uint64_t bs = rp->vmem->blocks.block_size;
    uint64_t start = MAX(first * bs, s.offset_within_region);
    uint64_t end = MIN((first + nb) * bs, s.offset_within_region + s.size);

    s.offset_within_address_space += start - s.offset_within_region;
    s.offset_within_region = start;
    s.size = end - start;
    return s;
}

static int virtio_mem_replay_populated_run(uint64_t first, uint64_t nb,
                                           void *opaque)
{
    VirtioMemReplay *rp = opaque;
    MemoryRegionSection s = virtio_mem_replay_section(rp, first, nb);

    return rp->populate(&s, rp->opaque);
}

static int virtio_mem_replay_discarded_run(uint64_t first, uint64_t nb,
                                           void *opaque)
{
    VirtioMemReplay *rp = opaque;
    MemoryRegionSection s = virtio_mem_replay_section(rp, first, nb);

    rp->discard(&s, rp->opaque);
    return 0;
}

static int virtio_mem_rdm_replay_populated(const RamDiscardManager *rdm,
                                           MemoryRegionSection *s,
                                           ReplayRamPopulate fn,
                                           void *opaque)
{
    VirtioMemReplay rp = {
        .vmem = virtio_mem_from_rdm(rdm), .section = s,
        .populate = fn, .opaque = opaque,
    };
    uint64_t first, nb;

    if (!virtio_mem_section_blocks(rp.vmem, s, &first, &nb)) {
        return 0;
    }
    return virtio_mem_blocks_for_each_run(&rp.vmem->blocks, first, nb, true,
                                          virtio_mem_replay_populated_run,
                                          &rp);
}

static void virtio_mem_rdm_replay_discarded(const RamDiscardManager *rdm,
                                            MemoryRegionSection *s,
                                            ReplayRamDiscard fn,
                                            void *opaque)
{
    VirtioMemReplay rp = {
        .vmem = virtio_mem_from_rdm(rdm), .section = s,
        .discard = fn, .opaque = opaque,
    };
    uint64_t first, nb;

    if (virtio_mem_section_blocks(rp.vmem, s, &first, &nb)) {
        virtio_mem_blocks_for_each_run(&rp.vmem->blocks, first, nb, false,
                                       virtio_mem_replay_discarded_run, &rp);
    }
}

static const RamDiscardManagerOps virtio_mem_rdm_ops = {
    .get_min_granularity = virtio_mem_rdm_get_min_granularity,
    .is_populated = virtio_mem_rdm_is_populated,
    .replay_populated = virtio_mem_rdm_replay_populated,
    .replay_discarded = virtio_mem_rdm_replay_discarded,
};

/* ---- realize ---- */

static uint64_t virtio_mem_thp_size(void)
{
    g_autofree char *content = NULL;
    uint64_t size;

    if (g_file_get_contents(VIRTIO_MEM_THP_SIZE_PATH, &content, NULL, NULL) &&
        qemu_strtou64(g_strstrip(content), &size) == 0 &&
        QEMU_IS_POW2(size) && size <= 1 * GiB) {
        return size;
    }
    return 2 * MiB;     /* the x86-64 PMD size */
}

static uint64_t virtio_mem_default_block_size(HostMemoryBackend *memdev)
{
    uint64_t page_size = host_memory_backend_pagesize(memdev);

    if (page_size > qemu_real_host_page_size()) {
        /* hugetlb: the huge page, at least the minimum */
        return MAX(page_size, VIRTIO_MEM_MIN_BLOCK_SIZE);
    }
    return MAX(virtio_mem_thp_size(), page_size);
}

static bool virtio_mem_check_memdev(VirtIOMEM *vmem, Error **errp)
{
    g_autofree char *name = NULL;

    if (!vmem->memdev) {
        error_setg(errp, "'%s' property is not set", VIRTIO_MEM_MEMDEV_PROP);
        return false;
    }
    name = host_memory_backend_get_name(vmem->memdev);
    if (host_memory_backend_is_mapped(vmem->memdev)) {
        error_setg(errp, "'%s' property specifies a busy memdev: %s",
                   VIRTIO_MEM_MEMDEV_PROP, name);
        return false;
    }
    if (object_property_get_bool(OBJECT(vmem->memdev), "prealloc", NULL)) {
        error_setg(errp, "'%s' property specifies a memdev with preallocation enabled: %s; set 'prealloc=on' on the virtio-mem device instead", VIRTIO_MEM_MEMDEV_PROP, name);
        return false;
    }
    return true;
}

static bool virtio_mem_check_block_size(VirtIOMEM *vmem, uint64_t bs,
                                        Error **errp)
{
    uint64_t page_size = host_memory_backend_pagesize(vmem->memdev);

    if (!QEMU_IS_POW2(bs)) {
        error_setg(errp, "'%s' %s is not a power of two",
                   VIRTIO_MEM_BLOCK_SIZE_PROP, size_str(bs).s);
        return false;
    }
    if (bs < VIRTIO_MEM_MIN_BLOCK_SIZE) {
        error_setg(errp, "'%s' %s is below the minimum of %s",
                   VIRTIO_MEM_BLOCK_SIZE_PROP, size_str(bs).s,
                   size_str(VIRTIO_MEM_MIN_BLOCK_SIZE).s);
        return false;
    }
    if (bs < page_size) {
        error_setg(errp, "'%s' %s is below the page size of the memdev (%s)",
                   VIRTIO_MEM_BLOCK_SIZE_PROP, size_str(bs).s,
                   size_str(page_size).s);
        return false;
    }
    return true;
}

static bool virtio_mem_check_sizes(VirtIOMEM *vmem, uint64_t bs,
                                   uint64_t region_size, Error **errp)
{
    if (region_size % bs) {
        error_setg(errp, "memdev size %s is not a multiple of '%s' %s",
                   size_str(region_size).s, VIRTIO_MEM_BLOCK_SIZE_PROP,
                   size_str(bs).s);
        return false;
    }
    if (vmem->blocks.requested_size % bs) {
        error_setg(errp, "'%s' %s is not a multiple of '%s' %s",
                   VIRTIO_MEM_REQUESTED_SIZE_PROP,
                   size_str(vmem->blocks.requested_size).s,
                   VIRTIO_MEM_BLOCK_SIZE_PROP, size_str(bs).s);
        return false;
    }
    if (vmem->blocks.requested_size > region_size) {
        error_setg(errp, "'%s' %s exceeds the memdev size %s",
                   VIRTIO_MEM_REQUESTED_SIZE_PROP,
                   size_str(vmem->blocks.requested_size).s,
                   size_str(region_size).s);
        return false;
    }
    if (vmem->blocks.addr % bs) {
        error_setg(errp, "'%s' 0x%" PRIx64 " is not aligned to '%s' %s",
                   VIRTIO_MEM_ADDR_PROP, vmem->blocks.addr,
                   VIRTIO_MEM_BLOCK_SIZE_PROP, size_str(bs).s);
        return false;
    }
    return true;
}

static bool virtio_mem_check_options(VirtIOMEM *vmem, Error **errp)
{
    if (vmem->node >= numa_nb_nodes()) {
        error_setg(errp, "'%s' property has value '%" PRIu32 "', which exceeds the number of numa nodes: %u",
                   VIRTIO_MEM_NODE_PROP, vmem->node, numa_nb_nodes());
        return false;
    }
    if (vmem->unplugged_inaccessible == ON_OFF_AUTO_AUTO) {
        /* x86 machines of this interface level: on, as the reference */
        vmem->unplugged_inaccessible = ON_OFF_AUTO_ON;
    }
    if (vmem->dynamic_memslots &&
        vmem->unplugged_inaccessible != ON_OFF_AUTO_ON) {
        error_setg(errp, "'%s' requires '%s=on'",
                   VIRTIO_MEM_DYNAMIC_MEMSLOTS_PROP,
                   VIRTIO_MEM_UNPLUGGED_INACCESSIBLE_PROP);
        return false;
    }
    return true;
}

static bool virtio_mem_check_discard(Error **errp)
{
    /* Only coordinated discards: VFIO, which disables the uncoordinated
     * kind, follows ours through the RamDiscardManager. */
    if (ram_block_coordinated_discard_require(true)) {
        error_setg(errp, "virtio-mem needs to discard memory, but discarding is disabled (memory locked with -overcommit mem-lock=on, or by another device)");
        return false;
    }
    return true;
}

static bool virtio_mem_check_config(VirtIOMEM *vmem, Error **errp)
{
    uint64_t region_size;
    uint64_t bs;

    if (!virtio_mem_check_memdev(vmem, errp) ||
        !virtio_mem_check_options(vmem, errp)) {
        return false;
    }
    region_size = memory_region_size(virtio_mem_mr(vmem));
    /* Decided at pre-plug; a device realized on its own decides now. */
    bs = vmem->blocks.block_size ? vmem->blocks.block_size
                                 : virtio_mem_default_block_size(vmem->memdev);
    if (!virtio_mem_check_block_size(vmem, bs, errp) ||
        !virtio_mem_check_sizes(vmem, bs, region_size, errp)) {
        return false;
    }
    vmem->blocks.block_size = bs;
    return true;
}

static void virtio_mem_system_reset(void *opaque)
{
    VirtIOMEM *vmem = opaque;

    /*
     * A system reset unplugs everything; a device reset does not.  Not
     * while migrating: the plug state sent before RAM must still hold.
     */
    if (!migration_is_active()) {
        virtio_mem_unplug_all(vmem);
    }
}

static void virtio_mem_device_unrealize(DeviceState *dev);

static bool virtio_mem_device_realize(DeviceState *dev, Error **errp)
{
    VirtIOMEM *vmem = VIRTIO_MEM(dev);
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);

    if (!virtio_mem_check_config(vmem, errp) ||
        !virtio_mem_check_discard(errp)) {
        return false;
    }
    if (ram_block_discard_range(virtio_mem_rb(vmem), 0,
                                memory_region_size(virtio_mem_mr(vmem)))) {
        error_setg(errp, "virtio-mem: discarding the memory of memdev failed; use a memory backend that supports discard");
        goto out_discard_require;
    }
    virtio_mem_blocks_alloc(&vmem->blocks,
                            memory_region_size(virtio_mem_mr(vmem)));

    if (vmem->dynamic_memslots) {
        virtio_mem_memslots_init(vmem);
    }
    virtio_init(vdev, VIRTIO_ID_MEM, sizeof(VirtioMemConfigWire));
    vmem->vq = virtio_add_queue(vdev, VIRTIO_MEM_QUEUE_SIZE,
                                virtio_mem_handle_request);
    ram_discard_manager_init(&vmem->rdm, &virtio_mem_rdm_ops);
    memory_region_set_ram_discard_manager(virtio_mem_mr(vmem), &vmem->rdm);
    host_memory_backend_set_mapped(vmem->memdev, true);
    qemu_register_reset(virtio_mem_system_reset, vmem);
    if (!virtio_mem_migration_register(vmem, errp)) {
        virtio_mem_device_unrealize(dev);
        return false;
    }
    return true;

out_discard_require:
    ram_block_coordinated_discard_require(false);
    return false;
}

static void virtio_mem_device_unrealize(DeviceState *dev)
{
    VirtIOMEM *vmem = VIRTIO_MEM(dev);

    virtio_mem_migration_unregister(vmem);
    qemu_unregister_reset(virtio_mem_system_reset, vmem);
    host_memory_backend_set_mapped(vmem->memdev, false);
    memory_region_set_ram_discard_manager(virtio_mem_mr(vmem), NULL);
    virtio_cleanup(VIRTIO_DEVICE(dev));
    /* Nothing may stay plugged behind a device that is gone. */
    ram_block_discard_range(virtio_mem_rb(vmem), 0,
                            vmem->blocks.region_size);
    virtio_mem_memslots_destroy(vmem);
    virtio_mem_blocks_destroy(&vmem->blocks);
    ram_block_coordinated_discard_require(false);
}

/* ---- virtio hooks ---- */

static void virtio_mem_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOMEM *vmem = VIRTIO_MEM(vdev);
    VirtioMemConfigWire cfg = {
        .block_size = GUINT64_TO_LE(vmem->blocks.block_size),
        .node_id = GUINT16_TO_LE(vmem->node),
        .addr = GUINT64_TO_LE(vmem->blocks.addr),
        .region_size = GUINT64_TO_LE(vmem->blocks.region_size),
        .usable_region_size = GUINT64_TO_LE(vmem->blocks.usable_region_size),
        .plugged_size = GUINT64_TO_LE(vmem->blocks.plugged_size),
        .requested_size = GUINT64_TO_LE(vmem->blocks.requested_size),
    };

    memcpy(config, &cfg, sizeof(cfg));
}

static uint64_t virtio_mem_get_features(VirtIODevice *vdev, uint64_t features,
                                        Error **errp)
{
    VirtIOMEM *vmem = VIRTIO_MEM(vdev);

    /* ACPI_PXM is offered even without NUMA, as the reference does. */
    features |= 1ULL << VIRTIO_MEM_F_ACPI_PXM;
    if (vmem->unplugged_inaccessible == ON_OFF_AUTO_ON) {
        features |= 1ULL << VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE;
    }
    return features;
}

static int virtio_mem_validate_features(VirtIODevice *vdev)
{
    /* Offered UNPLUGGED_INACCESSIBLE must be accepted (spec 5.15.5.1). */
    if (virtio_host_has_feature(vdev, VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE) &&
        !virtio_vdev_has_feature(vdev, VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE)) {
        return -EFAULT;
    }
    return 0;
}

/* ---- properties ---- */

static uint64_t virtio_mem_get_requested_size(Object *obj, Error **errp)
{
    return VIRTIO_MEM(obj)->blocks.requested_size;
}

static bool virtio_mem_check_requested_size(VirtIOMEM *vmem, uint64_t value,
                                            Error **errp)
{
    if (value % vmem->blocks.block_size) {
        error_setg(errp, "'%s' %s is not a multiple of '%s' %s",
                   VIRTIO_MEM_REQUESTED_SIZE_PROP, size_str(value).s,
                   VIRTIO_MEM_BLOCK_SIZE_PROP,
                   size_str(vmem->blocks.block_size).s);
        return false;
    }
    if (value > vmem->blocks.region_size) {
        error_setg(errp, "'%s' %s exceeds the memdev size %s",
                   VIRTIO_MEM_REQUESTED_SIZE_PROP, size_str(value).s,
                   size_str(vmem->blocks.region_size).s);
        return false;
    }
    return true;
}

static bool virtio_mem_set_requested_size(Object *obj, uint64_t value,
                                          Error **errp)
{
    VirtIOMEM *vmem = VIRTIO_MEM(obj);

    if (!virtio_mem_is_realized(vmem)) {
        /* Checked at realize, once the block size is decided. */
        vmem->blocks.requested_size = value;
        return true;
    }
    if (!virtio_mem_check_requested_size(vmem, value, errp)) {
        return false;
    }
    if (value == vmem->blocks.requested_size) {
        return true;
    }
    vmem->blocks.requested_size = value;
    virtio_mem_resize_usable_region(vmem, false);
    trace_virtio_mem_set_requested_size(value);
    virtio_notify_config(VIRTIO_DEVICE(vmem));
    return true;
}

static uint64_t virtio_mem_get_size(Object *obj, Error **errp)
{
    return VIRTIO_MEM(obj)->blocks.plugged_size;
}

static uint64_t virtio_mem_get_block_size_prop(Object *obj, Error **errp)
{
    VirtIOMEM *vmem = VIRTIO_MEM(obj);

    if (vmem->blocks.block_size) {
        return vmem->blocks.block_size;
    }
    /* Not decided yet: the default of the memdev, as reported. */
    return vmem->memdev ? virtio_mem_default_block_size(vmem->memdev)
                        : virtio_mem_thp_size();
}

static bool virtio_mem_set_block_size_prop(Object *obj, uint64_t value,
                                           Error **errp)
{
    VirtIOMEM *vmem = VIRTIO_MEM(obj);

    if (!qdev_prop_check_unrealized(DEVICE(vmem), VIRTIO_MEM_BLOCK_SIZE_PROP,
                                         errp)) {
        return false;
    }
    vmem->blocks.block_size = value;
    return true;
}

static int virtio_mem_get_unplugged_inaccessible(Object *obj, Error **errp)
{
    return VIRTIO_MEM(obj)->unplugged_inaccessible;
}

static bool virtio_mem_set_unplugged_inaccessible(Object *obj, int value,
                                                  Error **errp)
{
    VirtIOMEM *vmem = VIRTIO_MEM(obj);

    if (!qdev_prop_check_unrealized(
            DEVICE(vmem), VIRTIO_MEM_UNPLUGGED_INACCESSIBLE_PROP, errp)) {
        return false;
    }
    vmem->unplugged_inaccessible = value;
    return true;
}

static bool virtio_mem_check_memdev_link(Object *obj, const char *name,
                                         Object *target, Error **errp)
{
    return qdev_prop_check_unrealized(DEVICE(obj), name, errp);
}

static void virtio_mem_instance_init(Object *obj)
{
    VirtIOMEM *vmem = VIRTIO_MEM(obj);

    vmem->early_migration = true;
    vmem->unplugged_inaccessible = ON_OFF_AUTO_AUTO;
    object_property_add_link(obj, VIRTIO_MEM_MEMDEV_PROP,
                             TYPE_MEMORY_BACKEND, (Object **)&vmem->memdev,
                             virtio_mem_check_memdev_link);
    qdev_prop_add_uint32(DEVICE(obj), VIRTIO_MEM_NODE_PROP, &vmem->node);
    qdev_prop_add_uint64(DEVICE(obj), VIRTIO_MEM_ADDR_PROP, "uint64",
                         &vmem->blocks.addr);
    object_property_add_uint(obj, VIRTIO_MEM_REQUESTED_SIZE_PROP, "size",
                             virtio_mem_get_requested_size,
                             virtio_mem_set_requested_size);
    object_property_add_uint(obj, VIRTIO_MEM_SIZE_PROP, "size",
                             virtio_mem_get_size, NULL);
    object_property_add_uint(obj, VIRTIO_MEM_BLOCK_SIZE_PROP, "size",
                             virtio_mem_get_block_size_prop,
                             virtio_mem_set_block_size_prop);
    qdev_prop_add_bool(DEVICE(obj), VIRTIO_MEM_PREALLOC_PROP,
                       &vmem->prealloc);
    object_property_add_enum(obj, VIRTIO_MEM_UNPLUGGED_INACCESSIBLE_PROP,
                             "OnOffAuto", virtio_mem_on_off_auto,
                             virtio_mem_get_unplugged_inaccessible,
                             virtio_mem_set_unplugged_inaccessible);
    qdev_prop_add_bool(DEVICE(obj), VIRTIO_MEM_DYNAMIC_MEMSLOTS_PROP,
                       &vmem->dynamic_memslots);
    qdev_prop_add_bool(DEVICE(obj), VIRTIO_MEM_EARLY_MIGRATION_PROP,
                       &vmem->early_migration);
}

static void virtio_mem_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);

    dc->realize = virtio_mem_device_realize;
    dc->unrealize = virtio_mem_device_unrealize;
    dc->desc = "virtio memory device";
    vdc->get_config = virtio_mem_get_config;
    vdc->get_features = virtio_mem_get_features;
    vdc->validate_features = virtio_mem_validate_features;
}

static void virtio_mem_instance_finalize(Object *obj)
{
    virtio_mem_memslots_free_container(VIRTIO_MEM(obj));
}

static const TypeInfo virtio_mem_info = {
    .name = TYPE_VIRTIO_MEM,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIOMEM),
    .instance_init = virtio_mem_instance_init,
    .instance_finalize = virtio_mem_instance_finalize,
    .class_init = virtio_mem_class_init,
};

static void virtio_mem_register_types(void)
{
    type_register_static(&virtio_mem_info);
}
type_init(virtio_mem_register_types)

/* ---- for virtio-mem-pci and the memory-device core ---- */

MemoryRegion *virtio_mem_get_memory_region(VirtIOMEM *vmem, Error **errp)
{
    if (!vmem->memdev) {
        error_setg(errp, "'%s' property is not set", VIRTIO_MEM_MEMDEV_PROP);
        return NULL;
    }
    /* With dynamic-memslots the machine maps the container of aliases. */
    return vmem->dynamic_memslots ? virtio_mem_memslots_container(vmem)
                                  : virtio_mem_mr(vmem);
}

unsigned int virtio_mem_get_memslots(const VirtIOMEM *vmem)
{
    return vmem->nb_memslots ? vmem->nb_memslots : 1;
}

unsigned int virtio_mem_get_used_memslots(const VirtIOMEM *vmem)
{
    return vmem->nb_memslots ? virtio_mem_memslots_mapped(vmem) : 1;
}

uint64_t virtio_mem_get_addr(const VirtIOMEM *vmem)
{
    return vmem->blocks.addr;
}

bool virtio_mem_set_addr(VirtIOMEM *vmem, uint64_t addr, Error **errp)
{
    return object_property_set_uint(OBJECT(vmem), VIRTIO_MEM_ADDR_PROP, addr,
                                    errp);
}

uint64_t virtio_mem_get_plugged_size(const VirtIOMEM *vmem)
{
    return vmem->blocks.plugged_size;
}

uint64_t virtio_mem_get_block_size(const VirtIOMEM *vmem)
{
    return virtio_mem_get_block_size_prop(OBJECT(vmem), NULL);
}

uint64_t virtio_mem_get_min_alignment(const VirtIOMEM *vmem)
{
    return virtio_mem_get_block_size(vmem);
}

bool virtio_mem_pre_plug(VirtIOMEM *vmem, unsigned int memslot_limit,
                         Error **errp)
{
    if (!vmem->memdev) {
        error_setg(errp, "'%s' property is not set", VIRTIO_MEM_MEMDEV_PROP);
        return false;
    }
    if (!vmem->blocks.block_size) {
        vmem->blocks.block_size = virtio_mem_default_block_size(vmem->memdev);
    }
    vmem->memslot_limit = memslot_limit;
    return true;
}

json_t *virtio_mem_get_device_info(const VirtIOMEM *vmem, const char *id)
{
    g_autofree char *memdev = object_get_canonical_path(OBJECT(vmem->memdev));
    json_t *data = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:s}",
                             "memaddr", (json_int_t)vmem->blocks.addr,
                             "requested-size",
                             (json_int_t)vmem->blocks.requested_size,
                             "size", (json_int_t)vmem->blocks.plugged_size,
                             "max-size", (json_int_t)vmem->blocks.region_size,
                             "block-size",
                             (json_int_t)vmem->blocks.block_size,
                             "node", (json_int_t)vmem->node,
                             "memdev", memdev ? memdev : "");

    if (id) {
        json_object_set_new(data, "id", json_string(id));
    }
    return json_pack("{s:s,s:o}", "type", "virtio-mem", "data", data);
}

bool virtio_mem_unplug_request_check(VirtIOMEM *vmem, Error **errp)
{
    if (vmem->unplugged_inaccessible != ON_OFF_AUTO_ON) {
        error_setg(errp, "virtio-mem device cannot be unplugged without '%s=on'", VIRTIO_MEM_UNPLUGGED_INACCESSIBLE_PROP);
        return false;
    }
    if (vmem->blocks.plugged_size || vmem->blocks.requested_size) {
        error_setg(errp, "virtio-mem device cannot be unplugged while it has plugged memory (%s) or a requested size (%s); set '%s' to 0 and wait until 'size' is 0",
                   size_str(vmem->blocks.plugged_size).s,
                   size_str(vmem->blocks.requested_size).s,
                   VIRTIO_MEM_REQUESTED_SIZE_PROP);
        return false;
    }
    return true;
}

void virtio_mem_set_event_owner(VirtIOMEM *vmem, Object *owner)
{
    vmem->event_owner = owner;
}
