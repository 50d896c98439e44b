/*
 * vhost over vhost-user: the control path of a virtio device whose rings a
 * backend process serves.  Contract and life cycle: include/hw/virtio/vhost.h;
 * the messages: hw/virtio/vhost-user.c; concepts: docs/devel/virtio.md.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/virtio/vhost.h"
#include "vhost-internal.h"
#include "hw/boards.h"
#include "hw/mem/memory-device.h"
#include "exec/ramblock.h"
#include "hw/virtio/trace.h"
#include <glib-unix.h>
#include <sys/eventfd.h>

/* Protocol features hotmem uses when the backend has them. */
#define VHOST_DEV_PROTOCOL_FEATURES \
    ((1ULL << VHOST_USER_PROTOCOL_F_MQ) | \
     (1ULL << VHOST_USER_PROTOCOL_F_REPLY_ACK) | \
     (1ULL << VHOST_USER_PROTOCOL_F_CONFIG) | \
     (1ULL << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS))

static bool vhost_has_protocol_feature(const VhostDev *hdev, unsigned int bit)
{
    return vhost_user_conn_has_protocol_feature(hdev->conn, bit);
}

/* The backend announced protocol features (GET_FEATURES bit 30). */
static bool vhost_backend_has_protocol(const VhostDev *hdev)
{
    return hdev->backend_features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES);
}

bool vhost_conn_usable(const VhostDev *hdev)
{
    return hdev->conn && !vhost_user_conn_is_dead(hdev->conn);
}

/* ---- guest memory: the table the backend maps ---- */

static bool vhost_region_from_hva(void *hva, uint64_t gpa, uint64_t size,
                                  VhostUserMemRegion *region)
{
    uint64_t offset;
    RAMBlock *rb = qemu_ram_block_from_host(hva, &offset);

    if (!rb || qemu_ram_get_fd(rb) < 0) {
        return false;
    }
    *region = (VhostUserMemRegion) {
        .gpa = gpa,
        .size = size,
        .uaddr = (uintptr_t)hva,
        .mmap_offset = qemu_ram_get_fd_offset(rb) + offset,
        .fd = qemu_ram_get_fd(rb),
    };
    return true;
}

static bool vhost_mem_accept(void *opaque, const MemoryRegionSection *section)
{
    return memory_region_get_fd(section->mr) >= 0;
}

static bool vhost_mem_incremental(const VhostDev *hdev)
{
    return vhost_has_protocol_feature(hdev,
                                      VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS);
}

/* Without CONFIGURE_MEM_SLOTS the whole table goes at commit instead. */
static int vhost_mem_add(void *opaque, unsigned int slot_id, uint64_t gpa,
                         uint64_t size, void *hva, bool readonly)
{
    VhostDev *hdev = opaque;
    VhostUserMemRegion region;
    Error *err = NULL;

    if (!vhost_conn_usable(hdev) || !vhost_mem_incremental(hdev)) {
        return 0;
    }
    if (!vhost_region_from_hva(hva, gpa, size, &region)) {
        return -EINVAL;
    }
    if (!vhost_user_add_mem_reg(hdev->conn, &region, &err)) {
        error_report_err(err);
        return -EIO;
    }
    return 0;
}

static int vhost_mem_del(void *opaque, const MemslotInfo *slot)
{
    VhostDev *hdev = opaque;
    VhostUserMemRegion region;
    Error *err = NULL;

    if (!vhost_conn_usable(hdev) || !vhost_mem_incremental(hdev)) {
        return 0;
    }
    if (!vhost_region_from_hva(slot->hva, slot->gpa, slot->size, &region)) {
        return -EINVAL;
    }
    if (!vhost_user_rem_mem_reg(hdev->conn, &region, &err)) {
        error_report_err(err);
        return -EIO;
    }
    return 0;
}

typedef struct VhostMemTable {
    VhostUserMemRegion regions[VHOST_USER_MEMORY_BASELINE_NREGIONS];
    unsigned int n;
} VhostMemTable;

static void vhost_mem_collect(const MemslotInfo *slot, void *opaque)
{
    VhostMemTable *table = opaque;

    /* The table's limit is the baseline count: never more slots. */
    if (table->n < G_N_ELEMENTS(table->regions) &&
        vhost_region_from_hva(slot->hva, slot->gpa, slot->size,
                              &table->regions[table->n])) {
        table->n++;
    }
}

void vhost_mem_commit(void *opaque)
{
    VhostDev *hdev = opaque;
    VhostMemTable table = { .n = 0 };
    Error *err = NULL;

    if (!vhost_conn_usable(hdev) || vhost_mem_incremental(hdev)) {
        return;
    }
    memslots_foreach(hdev->slots, vhost_mem_collect, &table);
    if (!vhost_user_set_mem_table(hdev->conn, table.regions, table.n, &err)) {
        error_report_err(err);
    }
}

static const MemslotBackendOps vhost_mem_ops = {
    .set_slot = vhost_mem_add,
    .del_slot = vhost_mem_del,
    .accept = vhost_mem_accept,
    .commit = vhost_mem_commit,
};

static void vhost_count_fd_section(MemoryRegionSection *section, void *opaque)
{
    unsigned int *count = opaque;

    *count += memory_region_is_ram(section->mr) && section->size &&
              vhost_mem_accept(NULL, section);
}

/* The memslot rules for a new vhost backend (VIRTIO-MEM-FACTS.md). */
static bool vhost_check_memslots(VhostDev *hdev, Error **errp)
{
    MemoryDeviceMemslotView view;
    unsigned int used = 0;

    if (hdev->max_mem_slots < MEMORY_DEVICES_SAFE_MAX_MEMSLOTS &&
        memory_devices_memslot_auto_decision_active()) {
        error_setg(errp, "some memory device (like virtio-mem) decided how many memory slots to use based on the overall number of memory slots; this vhost backend would further restricts the overall number of memory slots");
        error_append_hint(errp, "Try plugging this vhost backend before plugging such memory devices.\n");
        return false;
    }
    address_space_foreach_section(address_space_memory(),
                                  vhost_count_fd_section, &used);
    memory_devices_memslot_view(NULL, current_machine, &view);
    if (used + view.reserved > hdev->max_mem_slots) {
        error_setg(errp, "vhost backend memory slots limit (%u) is less than current number of used (%u) and reserved (%u) memory slots for memory devices.", hdev->max_mem_slots, used,
                   view.reserved);
        return false;
    }
    return true;
}

static bool vhost_check_shared_ram(VhostDev *hdev, Error **errp)
{
    MemoryRegion *ram = current_machine ? current_machine->ram : NULL;
    RAMBlock *rb = ram ? memory_region_get_ram_block(ram) : NULL;

    if (rb && qemu_ram_get_fd(rb) >= 0 && qemu_ram_is_shared(rb)) {
        return true;
    }
    error_setg(errp, "%s: guest RAM is not shared, so the vhost-user backend cannot map it; give the machine a memory backend with share=on", hdev->name);
    error_append_hint(errp, "e.g. -object memory-backend-memfd,id=ram0,size=SIZE,share=on -machine memory-backend=ram0\n");
    return false;
}

static void vhost_mem_register(VhostDev *hdev)
{
    g_autofree char *name = g_strdup_printf("vhost-user:%s", hdev->id);

    hdev->slots = memslots_new(name, hdev->max_mem_slots, &vhost_mem_ops,
                               hdev);
    memslots_set_kvm_model(hdev->slots, false);
    memslots_register(hdev->slots, address_space_memory());
    memslots_consumer_add(hdev->slots);
}

static void vhost_mem_unregister(VhostDev *hdev)
{
    if (!hdev->slots) {
        return;
    }
    memslots_consumer_remove(hdev->slots);
    memslots_destroy(hdev->slots);
    hdev->slots = NULL;
}

/* ---- connection ---- */

static bool vhost_negotiate_protocol(VhostDev *hdev, Error **errp)
{
    uint64_t offered;

    if (!vhost_backend_has_protocol(hdev)) {
        return true;
    }
    return vhost_user_get_protocol_features(hdev->conn, &offered, errp) &&
           vhost_user_set_protocol_features(hdev->conn,
                                            offered &
                                            VHOST_DEV_PROTOCOL_FEATURES &
                                            ~hdev->protocol_features_off,
                                            errp);
}

static bool vhost_check_queue_num(VhostDev *hdev, Error **errp)
{
    uint64_t num;

    if (!vhost_has_protocol_feature(hdev, VHOST_USER_PROTOCOL_F_MQ)) {
        return true;
    }
    if (!vhost_user_get_queue_num(hdev->conn, &num, errp)) {
        return false;
    }
    if (num < hdev->nvqs) {
        error_setg(errp, "%s: the backend supports %" PRIu64 " queues, the device needs %u", hdev->name, num, hdev->nvqs);
        return false;
    }
    return true;
}

static bool vhost_get_slot_limit(VhostDev *hdev, Error **errp)
{
    uint64_t max;

    hdev->max_mem_slots = VHOST_USER_MEMORY_BASELINE_NREGIONS;
    if (!vhost_mem_incremental(hdev)) {
        return true;
    }
    if (!vhost_user_get_max_mem_slots(hdev->conn, &max, errp)) {
        return false;
    }
    if (!max) {
        error_setg(errp, "%s: the backend announces 0 memory slots",
                   hdev->name);
        return false;
    }
    hdev->max_mem_slots = MIN(max, 32764);
    return true;
}

static void vhost_disconnected(void *opaque);

/* Handshake over fd (taken) up to a backend that knows guest memory. */
static bool vhost_dev_connect(VhostDev *hdev, int fd, Error **errp)
{
    hdev->conn = vhost_user_conn_new(fd, hdev->id);
    if (!vhost_user_get_features(hdev->conn, &hdev->backend_features, errp) ||
        !vhost_negotiate_protocol(hdev, errp) ||
        !vhost_check_queue_num(hdev, errp) ||
        !vhost_user_set_owner(hdev->conn, errp) ||
        !vhost_get_slot_limit(hdev, errp) ||
        !vhost_check_memslots(hdev, errp)) {
        g_clear_pointer(&hdev->conn, vhost_user_conn_free);
        return false;
    }
    vhost_mem_register(hdev);
    vhost_user_conn_set_disconnect_handler(hdev->conn, vhost_disconnected,
                                           hdev);
    return true;
}

/*
 * The connection to start with: the chardev's own, else a new one.  With
 * reconnect=N a backend that is not there yet is waited for, retrying
 * every N seconds, as QEMU does (realize blocks until it comes).
 */
static int vhost_chardev_fd(VhostDev *hdev, Error **errp)
{
    unsigned int seconds = chardev_get_reconnect(hdev->chr);
    int fd = chardev_take_connected_fd(hdev->chr);
    bool said = false;

    while (fd < 0) {
        fd = chardev_client_connect(hdev->chr, seconds ? NULL : errp);
        if (fd >= 0 || !seconds) {
            break;
        }
        if (!said) {
            info_report("%s: waiting for the vhost-user backend (retrying every %u s)", hdev->name, seconds);
            said = true;
        }
        g_usleep(seconds * G_USEC_PER_SEC);
    }
    return fd;
}

/* ---- rings ---- */

static void vhost_call_ready_cb(VhostVirtqueue *vq)
{
    uint64_t count;

    if (read(vq->call_fd, &count, sizeof(count)) != sizeof(count)) {
        return;     /* nothing pending (EAGAIN) */
    }
    trace_vhost_call(vq->hdev->name, vq->index);
    virtio_queue_raise_irq(vq->hdev->vdev, vq->index);
}

static gboolean vhost_call_ready(gint fd, GIOCondition cond, gpointer opaque)
{
    vhost_call_ready_cb(opaque);
    return G_SOURCE_CONTINUE;
}

/* The backend signals a ring it cannot use (bad addresses, say). */
static gboolean vhost_err_ready(gint fd, GIOCondition cond, gpointer opaque)
{
    VhostVirtqueue *vq = opaque;
    uint64_t count;

    if (read(vq->err_fd, &count, sizeof(count)) == sizeof(count)) {
        error_report("%s: vhost vring error in virtqueue %u", vq->hdev->name,
                     vq->index);
    }
    return G_SOURCE_CONTINUE;
}

static bool vhost_vq_init(VhostDev *hdev, VhostVirtqueue *vq, Error **errp)
{
    vq->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    vq->call_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    vq->err_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (vq->kick_fd < 0 || vq->call_fd < 0 || vq->err_fd < 0) {
        error_setg_errno(errp, errno, "%s: cannot create eventfds",
                         hdev->name);
        return false;
    }
    vq->call_watch = g_unix_fd_add(vq->call_fd, G_IO_IN, vhost_call_ready,
                                   vq);
    vq->err_watch = g_unix_fd_add(vq->err_fd, G_IO_IN, vhost_err_ready, vq);
    return true;
}

static bool vhost_vqs_init(VhostDev *hdev, Error **errp)
{
    hdev->vqs = g_new0(VhostVirtqueue, hdev->nvqs);
    for (unsigned int i = 0; i < hdev->nvqs; i++) {
        hdev->vqs[i] = (VhostVirtqueue) {
            .hdev = hdev, .index = i,
            .kick_fd = -1, .call_fd = -1, .err_fd = -1,
        };
    }
    for (unsigned int i = 0; i < hdev->nvqs; i++) {
        if (!vhost_vq_init(hdev, &hdev->vqs[i], errp)) {
            return false;
        }
    }
    return true;
}

static void vhost_close_watched(int fd, guint watch)
{
    if (watch) {
        g_source_remove(watch);
    }
    if (fd >= 0) {
        close(fd);
    }
}

static void vhost_vqs_cleanup(VhostDev *hdev)
{
    for (unsigned int i = 0; hdev->vqs && i < hdev->nvqs; i++) {
        VhostVirtqueue *vq = &hdev->vqs[i];

        vhost_close_watched(vq->kick_fd, 0);
        vhost_close_watched(vq->call_fd, vq->call_watch);
        vhost_close_watched(vq->err_fd, vq->err_watch);
    }
    g_clear_pointer(&hdev->vqs, g_free);
}

static bool vhost_ring_uaddr(hwaddr gpa, hwaddr len, uint64_t *uaddr)
{
    hwaddr plen = len;
    void *hva = address_space_map_ram(address_space_memory(), gpa, &plen,
                                      true);

    if (!hva || plen < len) {
        return false;
    }
    *uaddr = (uintptr_t)hva;
    return true;
}

static bool vhost_vring_addr(VhostDev *hdev, unsigned int n,
                             VhostUserVringAddr *addr, Error **errp)
{
    int num = virtio_queue_get_num(hdev->vdev, n);
    hwaddr desc, avail, used;

    virtio_queue_get_rings(hdev->vdev, n, &desc, &avail, &used);
    memset(addr, 0, sizeof(*addr));
    if (!vhost_ring_uaddr(desc, (hwaddr)VIRTQ_DESC_SIZE * num,
                          &addr->desc_uaddr) ||
        !vhost_ring_uaddr(avail, 6 + 2 * (hwaddr)num, &addr->avail_uaddr) ||
        !vhost_ring_uaddr(used, 6 + 8 * (hwaddr)num, &addr->used_uaddr)) {
        error_setg(errp, "%s: the rings of queue %u are not in RAM",
                   hdev->name, n);
        return false;
    }
    return true;
}

static bool vhost_vq_start(VhostDev *hdev, unsigned int n, Error **errp)
{
    VhostVirtqueue *vq = &hdev->vqs[n];
    VhostUserVringAddr addr;

    if (!vhost_vring_addr(hdev, n, &addr, errp) ||
        !vhost_user_set_vring_num(hdev->conn, n,
                                  virtio_queue_get_num(hdev->vdev, n), errp) ||
        !vhost_user_set_vring_base(hdev->conn, n, vq->last_avail, errp) ||
        !vhost_user_set_vring_addr(hdev->conn, n, &addr, errp) ||
        !vhost_user_set_vring_kick(hdev->conn, n, vq->kick_fd, errp) ||
        !vhost_user_set_vring_call(hdev->conn, n, vq->call_fd, errp) ||
        !vhost_user_set_vring_err(hdev->conn, n, vq->err_fd, errp)) {
        return false;
    }
    vq->started = true;
    return true;
}

bool vhost_dev_start(VhostDev *hdev, Error **errp)
{
    uint64_t features = virtio_get_guest_features(hdev->vdev);

    if (vhost_backend_has_protocol(hdev)) {
        features |= 1ULL << VHOST_USER_F_PROTOCOL_FEATURES;
    }
    hdev->acked_features = features;
    if (!vhost_user_set_features(hdev->conn, features, errp)) {
        return false;
    }
    for (unsigned int n = 0; n < hdev->nvqs; n++) {
        if (!virtio_queue_get_enabled(hdev->vdev, n)) {
            continue;
        }
        if (!vhost_vq_start(hdev, n, errp)) {
            return false;
        }
        /* With protocol features rings start disabled (vhost-user spec). */
        if (vhost_backend_has_protocol(hdev) &&
            !vhost_user_set_vring_enable(hdev->conn, n, true, errp)) {
            return false;
        }
    }
    hdev->started = true;
    trace_vhost_dev_start(hdev->name);
    return true;
}

/* Take the rings back; their positions are kept for a restart. */
void vhost_dev_stop(VhostDev *hdev)
{
    Error *err = NULL;

    for (unsigned int n = 0; n < hdev->nvqs; n++) {
        VhostVirtqueue *vq = &hdev->vqs[n];

        if (!vq->started) {
            continue;
        }
        vq->started = false;
        if (vhost_backend_has_protocol(hdev)) {
            vhost_user_set_vring_enable(hdev->conn, n, false, &err);
        }
        if (!err) {
            vhost_user_get_vring_base(hdev->conn, n, &vq->last_avail, &err);
        }
        if (err) {
            error_report_err(err);
            err = NULL;
        }
    }
    hdev->started = false;
    trace_vhost_dev_stop(hdev->name);
}

static void vhost_vqs_reset(VhostDev *hdev)
{
    for (unsigned int n = 0; n < hdev->nvqs; n++) {
        hdev->vqs[n].last_avail = 0;
        hdev->vqs[n].started = false;
    }
}

/*
 * After a lost backend the rings resume where the driver last saw
 * completions: requests the backend had taken but not finished are lost
 * (QEMU does the same without an inflight area).
 */
static void vhost_vqs_restore_from_used(VhostDev *hdev)
{
    for (unsigned int n = 0; n < hdev->nvqs; n++) {
        hwaddr desc, avail, used;

        if (!hdev->vqs[n].started) {
            continue;
        }
        virtio_queue_get_rings(hdev->vdev, n, &desc, &avail, &used);
        hdev->vqs[n].last_avail = address_space_ld(address_space_memory(),
                                                   used + 2, 2, NULL);
        hdev->vqs[n].started = false;
    }
}

void vhost_dev_set_status(VhostDev *hdev, uint8_t old_status, uint8_t status)
{
    bool run = status & VIRTIO_CONFIG_S_DRIVER_OK;
    Error *err = NULL;

    hdev->want_started = run;
    if (run && !hdev->started && vhost_conn_usable(hdev)) {
        if (!vhost_dev_start(hdev, &err)) {
            error_report_err(err);
            /* Take back the rings handed over before the failure. */
            if (vhost_conn_usable(hdev)) {
                vhost_dev_stop(hdev);
            }
        }
    } else if (!run && hdev->started) {
        if (vhost_conn_usable(hdev)) {
            vhost_dev_stop(hdev);
        }
        hdev->started = false;
    }
    if (!status) {
        vhost_vqs_reset(hdev);
    }
}

void vhost_dev_kick(VhostDev *hdev, VirtQueue *vq)
{
    uint64_t one = 1;

    for (unsigned int n = 0; n < hdev->nvqs; n++) {
        if (virtio_get_queue(hdev->vdev, n) == vq &&
            write(hdev->vqs[n].kick_fd, &one, sizeof(one)) != sizeof(one)) {
            /* Counter saturated: the backend has a wake-up pending. */
        }
    }
}

/* ---- losing and regaining the backend ---- */

static gboolean vhost_reconnect(gpointer opaque);

static void vhost_disconnected(void *opaque)
{
    VhostDev *hdev = opaque;
    unsigned int seconds = chardev_get_reconnect(hdev->chr);

    error_report("%s: vhost-user backend disconnected; the device is stopped%s", hdev->name,
                 seconds ? " until it reconnects" : "");
    trace_vhost_dev_disconnected(hdev->name);
    vhost_vqs_restore_from_used(hdev);
    hdev->started = false;
    vhost_mem_unregister(hdev);
    g_clear_pointer(&hdev->conn, vhost_user_conn_free);
    if (seconds && !hdev->reconnect_timer) {
        hdev->reconnect_timer = g_timeout_add_seconds(seconds,
                                                      vhost_reconnect, hdev);
    }
}

static gboolean vhost_reconnect(gpointer opaque)
{
    VhostDev *hdev = opaque;
    Error *err = NULL;
    int fd = chardev_client_connect(hdev->chr, NULL);

    if (fd < 0) {
        return G_SOURCE_CONTINUE;
    }
    hdev->reconnect_timer = 0;
    if (!vhost_dev_connect(hdev, fd, &err)) {
        error_report_err(err);
        vhost_disconnected(hdev);
        return G_SOURCE_REMOVE;
    }
    trace_vhost_dev_reconnected(hdev->name);
    if (hdev->ops && hdev->ops->reconnected) {
        hdev->ops->reconnected(hdev);
    }
    if (hdev->want_started && !vhost_dev_start(hdev, &err)) {
        error_report_err(err);
    }
    return G_SOURCE_REMOVE;
}

/* ---- life cycle ---- */

/* The chardev id names, claimed (QEMU's messages when missing or in use). */
static Chardev *vhost_chardev_claim(const char *type, const char *id,
                                    Error **errp)
{
    Chardev *chr = qemu_chr_find(id);

    if (!chr) {
        error_setg(errp, "Property '%s.chardev' can't find value '%s'", type,
                   id);
        return NULL;
    }
    if (!chardev_claim_frontend(chr, errp)) {
        return NULL;
    }
    return chr;
}

/* The id of the device the user created (the PCI proxy), or its path. */
static char *vhost_dev_id(VirtIODevice *vdev)
{
    Object *owner = OBJECT(vdev)->parent ? OBJECT(vdev)->parent
                                         : OBJECT(vdev);
    DeviceState *dev = DEVICE(owner);

    return dev->id ? g_strdup(dev->id) : object_get_canonical_path(owner);
}

bool vhost_dev_init(VhostDev *hdev, VirtIODevice *vdev, const char *chardev,
                    unsigned int nvqs, const VhostDevOps *ops, Error **errp)
{
    int fd;

    hdev->chr = vhost_chardev_claim(object_get_typename(OBJECT(vdev)),
                                    chardev, errp);
    if (!hdev->chr) {
        return false;
    }
    hdev->vdev = vdev;
    hdev->ops = ops;
    hdev->nvqs = nvqs;
    hdev->id = vhost_dev_id(vdev);
    hdev->name = g_strdup_printf("%s '%s'", vdev->name, hdev->id);
    if (!vhost_check_shared_ram(hdev, errp) || !vhost_vqs_init(hdev, errp)) {
        vhost_dev_cleanup(hdev);
        return false;
    }
    fd = vhost_chardev_fd(hdev, errp);
    if (fd < 0 || !vhost_dev_connect(hdev, fd, errp) ||
        !vhost_migration_register(hdev, errp)) {
        vhost_dev_cleanup(hdev);
        return false;
    }
    return true;
}

void vhost_dev_cleanup(VhostDev *hdev)
{
    vhost_migration_unregister(hdev);
    if (hdev->reconnect_timer) {
        g_source_remove(hdev->reconnect_timer);
        hdev->reconnect_timer = 0;
    }
    if (hdev->started && vhost_conn_usable(hdev)) {
        vhost_dev_stop(hdev);
    }
    vhost_mem_unregister(hdev);
    g_clear_pointer(&hdev->conn, vhost_user_conn_free);
    vhost_vqs_cleanup(hdev);
    g_clear_pointer(&hdev->name, g_free);
    g_clear_pointer(&hdev->id, g_free);
    g_clear_pointer(&hdev->chr, chardev_release_frontend);
}

bool vhost_dev_is_connected(const VhostDev *hdev)
{
    return vhost_conn_usable(hdev);
}

uint64_t vhost_dev_get_features(const VhostDev *hdev, const int *bits,
                                uint64_t requested)
{
    for (; *bits >= 0; bits++) {
        if (!(hdev->backend_features & (1ULL << *bits))) {
            requested &= ~(1ULL << *bits);
        }
    }
    return requested;
}

bool vhost_dev_get_config(VhostDev *hdev, void *config, uint32_t len,
                          Error **errp)
{
    if (!vhost_conn_usable(hdev)) {
        error_setg(errp, "%s: the backend is not connected", hdev->name);
        return false;
    }
    if (!vhost_has_protocol_feature(hdev, VHOST_USER_PROTOCOL_F_CONFIG)) {
        error_setg(errp, "%s: the backend cannot give the device config (no CONFIG protocol feature)", hdev->name);
        return false;
    }
    return vhost_user_get_config(hdev->conn, 0, config, len, errp);
}
