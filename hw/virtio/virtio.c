/*
 * The virtio core: the abstract "virtio-device" type, device status and
 * feature negotiation, device config space, interrupts (through the
 * transport's notify hook) and split virtqueues: popping an element
 * checks every descriptor the driver wrote (virtio 1.2, 2.7) and marks
 * the device broken (NEEDS_RESET) on the first violation.  Device models
 * (virtio-mem.c) sit above, transports (virtio-pci.c) below; guest memory
 * is reached only through the memory API (exec/memory.h).
 */
#include "qemu/osdep.h"
#include "hw/virtio/virtio.h"
#include "virtio-internal.h"

/* Offsets inside the rings (virtio 1.2, 2.7.6 and 2.7.8). */
#define VIRTQ_AVAIL_IDX         2
#define VIRTQ_AVAIL_RING        4
#define VIRTQ_USED_IDX          2
#define VIRTQ_USED_RING         4
#define VIRTQ_USED_ELEM_SIZE    8

/* ISR bits (virtio 1.2, 4.1.4.5). */
#define VIRTIO_ISR_QUEUE        1
#define VIRTIO_ISR_CONFIG       2


/* One buffer of a chain, as the descriptor gave it, before mapping. */
typedef struct VirtqueueBuffer {
    hwaddr gpa;
    uint32_t len;
    bool is_write;
} VirtqueueBuffer;

/* One mapped piece of a buffer (a buffer spanning RAM gaps has several). */
typedef struct VirtqueueSegment {
    hwaddr gpa;
    void *hva;
    size_t len;
} VirtqueueSegment;

/* Where a chain walk is: which table, how big, where in it. */
typedef struct VirtqueueWalk {
    hwaddr table;               /* descriptor table (ring or indirect) */
    unsigned int table_num;     /* entries in it */
    unsigned int idx;           /* current entry */
    unsigned int visited;       /* entries visited in this table */
    bool in_indirect;
    bool saw_write;             /* a device-writable buffer came already */
    uint64_t total_len;         /* bytes of all buffers so far */
} VirtqueueWalk;

/* A descriptor, decoded. */
typedef struct VirtqueueDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VirtqueueDesc;

/* ---- the QOM type ---- */

static void virtio_instance_finalize(Object *obj)
{
    virtio_cleanup(VIRTIO_DEVICE(obj));
}

static const TypeInfo virtio_device_info = {
    .name = TYPE_VIRTIO_DEVICE,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(VirtIODevice),
    .class_size = sizeof(VirtioDeviceClass),
    .instance_finalize = virtio_instance_finalize,
    .abstract = true,
};

static void virtio_register_types(void)
{
    type_register_static(&virtio_device_info);
}

type_init(virtio_register_types)

/* ---- set-up by device models ---- */

void virtio_init(VirtIODevice *vdev, uint16_t device_id, size_t config_len)
{
    vdev->device_id = device_id;
    vdev->status = 0;
    vdev->isr = 0;
    vdev->host_features = (1ull << VIRTIO_F_VERSION_1) |
                          (1ull << VIRTIO_RING_F_INDIRECT_DESC) |
                          (1ull << VIRTIO_RING_F_EVENT_IDX);
    vdev->guest_features = 0;
    vdev->config_len = config_len;
    vdev->config = g_malloc0(MAX(config_len, 1));
    vdev->config_generation = 0;
    vdev->config_vector = VIRTIO_NO_VECTOR;
    vdev->nb_queues = 0;
    vdev->vq = g_new0(VirtQueue, VIRTIO_QUEUE_MAX);
    vdev->broken = false;
    vdev->broken_reason = NULL;
    vdev->error_reported = false;
}

void virtio_cleanup(VirtIODevice *vdev)
{
    g_clear_pointer(&vdev->config, g_free);
    g_clear_pointer(&vdev->vq, g_free);
    g_clear_pointer(&vdev->broken_reason, g_free);
    vdev->config_len = 0;
    vdev->nb_queues = 0;
}

/* The state a queue has after reset: size max_num, no rings, disabled. */
static void virtio_queue_reset_state(VirtQueue *vq)
{
    vq->num = vq->max_num;
    vq->desc = 0;
    vq->avail = 0;
    vq->used = 0;
    vq->enabled = false;
    vq->vector = VIRTIO_NO_VECTOR;
    vq->last_avail_idx = 0;
    vq->used_idx = 0;
    vq->signalled_used = 0;
    vq->signalled_used_valid = false;
    vq->inuse = 0;
}

VirtQueue *virtio_add_queue(VirtIODevice *vdev, int queue_size,
                            VirtIOHandleOutput handle_output)
{
    VirtQueue *vq;

    g_assert(queue_size > 0 && queue_size <= VIRTQUEUE_MAX_SIZE);
    g_assert(vdev->nb_queues < VIRTIO_QUEUE_MAX);
    vq = &vdev->vq[vdev->nb_queues++];
    vq->vdev = vdev;
    vq->max_num = queue_size;
    vq->handle_output = handle_output;
    virtio_queue_reset_state(vq);
    return vq;
}

/* Queue n, or NULL when n names no queue (n comes from the driver). */
static VirtQueue *virtio_queue_lookup(VirtIODevice *vdev, int n)
{
    if (n < 0 || (unsigned int)n >= vdev->nb_queues || !vdev->vq) {
        return NULL;
    }
    return &vdev->vq[n];
}

VirtQueue *virtio_get_queue(VirtIODevice *vdev, int n)
{
    return virtio_queue_lookup(vdev, n);
}

void virtio_set_dma_as(VirtIODevice *vdev, AddressSpace *as)
{
    vdev->dma_as = as;
}

static AddressSpace *virtio_dma_as(VirtIODevice *vdev)
{
    return vdev->dma_as ? vdev->dma_as : address_space_memory();
}

/* ---- features ---- */

bool virtio_vdev_has_feature(const VirtIODevice *vdev, unsigned int bit)
{
    return bit < 64 && (vdev->guest_features & (1ull << bit));
}

bool virtio_host_has_feature(const VirtIODevice *vdev, unsigned int bit)
{
    return bit < 64 && (vdev->host_features & (1ull << bit));
}

bool virtio_offer_features(VirtIODevice *vdev, uint64_t transport_features,
                           Error **errp)
{
    VirtioDeviceClass *k = VIRTIO_DEVICE_GET_CLASS(vdev);
    uint64_t features = vdev->host_features | transport_features;
    Error *local_err = NULL;

    if (k->get_features) {
        features = k->get_features(vdev, features, &local_err);
        if (local_err) {
            error_propagate(errp, local_err);
            return false;
        }
    }
    if (!(features & (1ull << VIRTIO_F_VERSION_1))) {
        error_setg(errp, "device '%s' does not offer VIRTIO_F_VERSION_1 (bit 32), which a modern-only transport requires",
                   vdev->name ? vdev->name : "virtio");
        return false;
    }
    vdev->host_features = features;
    return true;
}

bool virtio_set_guest_features(VirtIODevice *vdev, uint64_t features)
{
    VirtioDeviceClass *k = VIRTIO_DEVICE_GET_CLASS(vdev);

    /* virtio 1.2, 3.1.1: features are fixed once FEATURES_OK is set. */
    if (vdev->status & VIRTIO_CONFIG_S_FEATURES_OK) {
        return false;
    }
    features &= vdev->host_features;
    if (k->set_features) {
        k->set_features(vdev, features);
    }
    vdev->guest_features = features;
    return true;
}

/* May the driver's feature set be accepted with FEATURES_OK? */
static bool virtio_features_are_acceptable(VirtIODevice *vdev)
{
    VirtioDeviceClass *k = VIRTIO_DEVICE_GET_CLASS(vdev);

    /* Modern-only: a driver without VERSION_1 is a legacy driver. */
    if (!virtio_vdev_has_feature(vdev, VIRTIO_F_VERSION_1)) {
        return false;
    }
    return !k->validate_features || k->validate_features(vdev) >= 0;
}

uint64_t virtio_get_host_features(const VirtIODevice *vdev)
{
    return vdev->host_features;
}

uint64_t virtio_get_guest_features(const VirtIODevice *vdev)
{
    return vdev->guest_features;
}

/* ---- status and reset ---- */

void virtio_bind_transport(VirtIODevice *vdev, const VirtioTransportOps *ops,
                           void *opaque)
{
    vdev->transport = ops;
    vdev->transport_opaque = opaque;
}

void virtio_set_status(VirtIODevice *vdev, uint8_t status)
{
    VirtioDeviceClass *k = VIRTIO_DEVICE_GET_CLASS(vdev);

    if (status == 0) {
        virtio_reset(vdev);
        return;
    }
    /*
     * virtio 1.2, 3.1.1: the device refuses FEATURES_OK by leaving it
     * clear; like QEMU we ignore the whole write, the driver re-reads.
     */
    if (!(vdev->status & VIRTIO_CONFIG_S_FEATURES_OK) &&
        (status & VIRTIO_CONFIG_S_FEATURES_OK) &&
        !virtio_features_are_acceptable(vdev)) {
        return;
    }
    /* NEEDS_RESET is the device's bit: only a reset clears it. */
    status = (status & ~VIRTIO_CONFIG_S_NEEDS_RESET) |
             (vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET);
    if (k->set_status) {
        k->set_status(vdev, status);
    }
    vdev->status = status;
}

void virtio_reset(VirtIODevice *vdev)
{
    VirtioDeviceClass *k = VIRTIO_DEVICE_GET_CLASS(vdev);
    unsigned int i;

    if (k->set_status) {
        k->set_status(vdev, 0);
    }
    if (k->reset) {
        k->reset(vdev);
    }
    vdev->status = 0;
    vdev->guest_features = 0;
    vdev->isr = 0;
    vdev->config_vector = VIRTIO_NO_VECTOR;
    vdev->broken = false;
    g_clear_pointer(&vdev->broken_reason, g_free);
    for (i = 0; i < vdev->nb_queues; i++) {
        virtio_queue_reset_state(&vdev->vq[i]);
    }
}

uint8_t virtio_get_status(const VirtIODevice *vdev)
{
    return vdev->status;
}

uint16_t virtio_get_device_id(const VirtIODevice *vdev)
{
    return vdev->device_id;
}

bool virtio_device_is_broken(const VirtIODevice *vdev)
{
    return vdev->broken;
}

const char *virtio_device_broken_reason(const VirtIODevice *vdev)
{
    return vdev->broken_reason;
}

/* ---- config space ---- */

/* Is [offset, offset + size) an access the config space can answer? */
static bool virtio_config_access_is_valid(const VirtIODevice *vdev,
                                          uint32_t offset, unsigned int size)
{
    return (size == 1 || size == 2 || size == 4) &&
           (uint64_t)offset + size <= vdev->config_len;
}

static void virtio_config_refresh(VirtIODevice *vdev)
{
    VirtioDeviceClass *k = VIRTIO_DEVICE_GET_CLASS(vdev);

    if (k->get_config) {
        k->get_config(vdev, vdev->config);
    }
}

uint32_t virtio_config_read(VirtIODevice *vdev, uint32_t offset,
                            unsigned int size)
{
    uint32_t value = 0;
    unsigned int i;

    /*
     * Past the end (even partly) the whole access reads all-ones, as in
     * QEMU: bytes past config_len read 0xff.
     */
    if (!virtio_config_access_is_valid(vdev, offset, size)) {
        return size < 4 ? (1u << (8 * size)) - 1 : UINT32_MAX;
    }
    virtio_config_refresh(vdev);
    for (i = 0; i < size; i++) {
        value |= (uint32_t)vdev->config[offset + i] << (8 * i);
    }
    return value;
}

void virtio_config_write(VirtIODevice *vdev, uint32_t offset,
                         uint32_t value, unsigned int size)
{
    VirtioDeviceClass *k = VIRTIO_DEVICE_GET_CLASS(vdev);
    unsigned int i;

    /* A read-only config (no set_config) ignores writes. */
    if (!k->set_config || !virtio_config_access_is_valid(vdev, offset, size)) {
        return;
    }
    virtio_config_refresh(vdev);
    for (i = 0; i < size; i++) {
        vdev->config[offset + i] = value >> (8 * i);
    }
    k->set_config(vdev, vdev->config);
}

uint8_t virtio_get_config_generation(const VirtIODevice *vdev)
{
    return vdev->config_generation;
}

size_t virtio_get_config_len(const VirtIODevice *vdev)
{
    return vdev->config_len;
}

uint16_t virtio_get_config_vector(const VirtIODevice *vdev)
{
    return vdev->config_vector;
}

void virtio_set_config_vector(VirtIODevice *vdev, uint16_t vector)
{
    vdev->config_vector = vector;
}

/* ---- interrupts ---- */

static void virtio_raise(VirtIODevice *vdev, uint8_t isr_bits,
                         uint16_t vector)
{
    vdev->isr |= isr_bits;
    if (vdev->transport && vdev->transport->notify) {
        vdev->transport->notify(vdev->transport_opaque, vector);
    }
}

uint8_t virtio_isr_read_clear(VirtIODevice *vdev)
{
    uint8_t isr = vdev->isr;

    vdev->isr = 0;
    return isr;
}

uint8_t virtio_get_isr(const VirtIODevice *vdev)
{
    return vdev->isr;
}

void virtio_notify_config(VirtIODevice *vdev)
{
    /* virtio 1.2, 2.1.2: no notifications before DRIVER_OK. */
    if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        return;
    }
    vdev->config_generation++;
    /* QEMU sets both ISR bits for a config change; drivers that read
     * ISR then also scan their queues.  Match it. */
    virtio_raise(vdev, VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG,
                 vdev->config_vector);
}

void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* A guest can repeat its mistake after every reset: log once. */
    if (!vdev->error_reported) {
        vdev->error_reported = true;
        error_report("%s: %s", vdev->name ? vdev->name : "virtio", msg);
    }
    if (vdev->broken) {
        g_free(msg);    /* keep the first reason, one config interrupt */
        return;
    }
    vdev->broken = true;
    vdev->broken_reason = msg;
    if (virtio_vdev_has_feature(vdev, VIRTIO_F_VERSION_1)) {
        vdev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
        virtio_notify_config(vdev);
    }
}

/* ---- ring access ---- */

/*
 * Little-endian ring fields through the memory API.  A ring the driver
 * placed outside guest memory is its violation: the device breaks.
 */
static bool virtqueue_ld(VirtQueue *vq, hwaddr gpa, unsigned int size,
                         uint64_t *value)
{
    MemTxResult res;

    *value = address_space_ld(virtio_dma_as(vq->vdev), gpa, size, &res);
    if (res != MEMTX_OK) {
        virtio_error(vq->vdev, "ring access of %u bytes at 0x%" HWADDR_PRIx
                     " is outside guest memory", size, gpa);
        return false;
    }
    return true;
}

static bool virtqueue_st(VirtQueue *vq, hwaddr gpa, unsigned int size,
                         uint64_t value)
{
    if (address_space_st(virtio_dma_as(vq->vdev), gpa, value, size) !=
        MEMTX_OK) {
        virtio_error(vq->vdev, "ring access of %u bytes at 0x%" HWADDR_PRIx
                     " is outside guest memory", size, gpa);
        return false;
    }
    return true;
}

static hwaddr virtqueue_used_event_gpa(const VirtQueue *vq)
{
    return vq->avail + VIRTQ_AVAIL_RING + 2 * (hwaddr)vq->num;
}

static hwaddr virtqueue_avail_event_gpa(const VirtQueue *vq)
{
    return vq->used + VIRTQ_USED_RING +
           VIRTQ_USED_ELEM_SIZE * (hwaddr)vq->num;
}

/* May the device use the rings (pop, push, notify) now? */
static bool virtqueue_is_live(const VirtQueue *vq)
{
    const VirtIODevice *vdev = vq->vdev;

    /* virtio 1.2, 2.1.2: no buffers consumed before DRIVER_OK. */
    return vq->enabled && !vdev->broken &&
           (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK);
}

static bool virtqueue_read_desc(VirtQueue *vq, hwaddr table, unsigned int idx,
                                VirtqueueDesc *desc)
{
    uint8_t raw[VIRTQ_DESC_SIZE];
    hwaddr gpa = table + (hwaddr)idx * VIRTQ_DESC_SIZE;
    unsigned int i;

    if (address_space_read(virtio_dma_as(vq->vdev), gpa, raw, sizeof(raw)) !=
        MEMTX_OK) {
        virtio_error(vq->vdev, "descriptor %u at 0x%" HWADDR_PRIx
                     " is outside guest memory", idx, gpa);
        return false;
    }
    desc->addr = 0;
    for (i = 0; i < 8; i++) {
        desc->addr |= (uint64_t)raw[i] << (8 * i);
    }
    desc->len = raw[8] | raw[9] << 8 | raw[10] << 16 | (uint32_t)raw[11] << 24;
    desc->flags = raw[12] | raw[13] << 8;
    desc->next = raw[14] | raw[15] << 8;
    return true;
}

/* ---- popping: walk and check a chain ---- */

/* The descriptor refers to an indirect table: check it and enter it. */
static bool virtqueue_enter_indirect(VirtQueue *vq, VirtqueueWalk *walk,
                                     const VirtqueueDesc *desc)
{
    VirtIODevice *vdev = vq->vdev;
    uint64_t end;

    /* virtio 1.2, 2.7.5.3.1: the driver MUST NOT do any of these. */
    if (!virtio_vdev_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC)) {
        virtio_error(vdev, "indirect descriptor %u but INDIRECT_DESC was "
                     "not negotiated", walk->idx);
        return false;
    }
    if (walk->in_indirect) {
        virtio_error(vdev, "indirect descriptor %u inside an indirect table",
                     walk->idx);
        return false;
    }
    if (desc->flags & VIRTQ_DESC_F_NEXT) {
        virtio_error(vdev, "indirect descriptor %u also has NEXT set",
                     walk->idx);
        return false;
    }
    if (desc->len == 0 || desc->len % VIRTQ_DESC_SIZE ||
        desc->len / VIRTQ_DESC_SIZE > VIRTQUEUE_MAX_SIZE ||
        __builtin_add_overflow(desc->addr, desc->len, &end)) {
        virtio_error(vdev, "indirect table of %u bytes at 0x%" PRIx64
                     " is not 1 to %u descriptors of 16 bytes",
                     desc->len, desc->addr, VIRTQUEUE_MAX_SIZE);
        return false;
    }
    walk->table = desc->addr;
    walk->table_num = desc->len / VIRTQ_DESC_SIZE;
    walk->idx = 0;
    walk->visited = 0;
    walk->in_indirect = true;
    return true;
}

/* A buffer descriptor: check it and note it in buffers. */
static bool virtqueue_take_buffer(VirtQueue *vq, VirtqueueWalk *walk,
                                  const VirtqueueDesc *desc, GArray *buffers)
{
    VirtIODevice *vdev = vq->vdev;
    VirtqueueBuffer buf = {
        .gpa = desc->addr,
        .len = desc->len,
        .is_write = desc->flags & VIRTQ_DESC_F_WRITE,
    };
    uint64_t end;

    if (!buf.is_write && walk->saw_write) {
        virtio_error(vdev, "readable descriptor %u after a writable one",
                     walk->idx);
        return false;
    }
    /* QEMU refuses empty buffers too. */
    if (buf.len == 0 || __builtin_add_overflow(buf.gpa, buf.len, &end)) {
        virtio_error(vdev, "descriptor %u buffer 0x%" PRIx64 " len %u is "
                     "empty or wraps", walk->idx, desc->addr, desc->len);
        return false;
    }
    /* virtio 1.2, 2.7.5: a chain is at most 2^32 bytes long. */
    walk->total_len += buf.len;
    if (walk->total_len > (1ull << 32)) {
        virtio_error(vdev, "descriptor chain is longer than 4 GiB");
        return false;
    }
    walk->saw_write |= buf.is_write;
    g_array_append_val(buffers, buf);
    return true;
}

/*
 * Walk the chain starting at head into buffers.  Returns the number of
 * descriptors it takes in the ring, or 0 after virtio_error.  The spec
 * (2.7.5.3.2) has the device accept plain descriptors followed by one
 * indirect descriptor, so an indirect one may come anywhere in the ring.
 */
static unsigned int virtqueue_walk_chain(VirtQueue *vq, unsigned int head,
                                         GArray *buffers)
{
    VirtqueueWalk walk = { .table = vq->desc, .table_num = vq->num,
                           .idx = head };
    unsigned int ndescs = 0;
    VirtqueueDesc desc;

    for (;;) {
        /* Visiting more entries than the table has means a loop. */
        if (++walk.visited > walk.table_num) {
            virtio_error(vq->vdev, "descriptor chain from head %u is longer "
                         "than its table of %u (a loop)", head, walk.table_num);
            return 0;
        }
        if (!virtqueue_read_desc(vq, walk.table, walk.idx, &desc)) {
            return 0;
        }
        ndescs += !walk.in_indirect;
        if (desc.flags & VIRTQ_DESC_F_INDIRECT) {
            if (!virtqueue_enter_indirect(vq, &walk, &desc)) {
                return 0;
            }
            continue;
        }
        if (!virtqueue_take_buffer(vq, &walk, &desc, buffers)) {
            return 0;
        }
        if (!(desc.flags & VIRTQ_DESC_F_NEXT)) {
            return ndescs;
        }
        if (desc.next >= walk.table_num) {
            virtio_error(vq->vdev, "descriptor %u: next %u is not below the "
                         "table size %u", walk.idx, desc.next, walk.table_num);
            return 0;
        }
        walk.idx = desc.next;
    }
}

/* Map one buffer into segments: one per contiguous piece of RAM. */
static bool virtqueue_map_buffer(VirtQueue *vq, const VirtqueueBuffer *buf,
                                 GArray *segs)
{
    hwaddr gpa = buf->gpa;
    hwaddr left = buf->len;

    while (left) {
        hwaddr len = left;
        void *hva = address_space_map_ram(virtio_dma_as(vq->vdev), gpa, &len,
                                          buf->is_write);
        VirtqueueSegment seg = { .gpa = gpa, .hva = hva, .len = len };

        if (!hva || len == 0) {
            virtio_error(vq->vdev, "buffer 0x%" HWADDR_PRIx " len %u is not "
                         "all guest RAM (0x%" HWADDR_PRIx " is not)",
                         buf->gpa, buf->len, gpa);
            return false;
        }
        if (segs->len == VIRTQUEUE_MAX_SIZE) {
            virtio_error(vq->vdev, "descriptor chain needs more than %u "
                         "mapped pieces", VIRTQUEUE_MAX_SIZE);
            return false;
        }
        g_array_append_val(segs, seg);
        gpa += len;
        left -= len;
    }
    return true;
}

/*
 * One g_malloc block: the element, then out_addr/in_addr, then
 * out_sg/in_sg, so that g_free(elem) frees everything.
 */
static VirtQueueElement *virtqueue_alloc_element(unsigned int out_num,
                                                 unsigned int in_num)
{
    size_t n = out_num + in_num;
    size_t addr_off = QEMU_ALIGN_UP(sizeof(VirtQueueElement),
                                    sizeof(struct iovec));
    size_t sg_off = addr_off + QEMU_ALIGN_UP(n * sizeof(hwaddr),
                                             sizeof(struct iovec));
    VirtQueueElement *elem = g_malloc0(sg_off + n * sizeof(struct iovec));
    char *base = (char *)elem;

    elem->out_num = out_num;
    elem->in_num = in_num;
    elem->out_addr = (hwaddr *)(base + addr_off);
    elem->in_addr = elem->out_addr + out_num;
    elem->out_sg = (struct iovec *)(base + sg_off);
    elem->in_sg = elem->out_sg + out_num;
    return elem;
}

/* Turn the mapped segments (readable ones first) into an element. */
static VirtQueueElement *virtqueue_build_element(GArray *segs,
                                                 unsigned int out_num)
{
    VirtQueueElement *elem;
    unsigned int i;

    elem = virtqueue_alloc_element(out_num, segs->len - out_num);
    for (i = 0; i < segs->len; i++) {
        VirtqueueSegment *seg = &g_array_index(segs, VirtqueueSegment, i);
        /* out_addr/out_sg run on into in_addr/in_sg: one index suffices. */
        elem->out_addr[i] = seg->gpa;
        elem->out_sg[i].iov_base = seg->hva;
        elem->out_sg[i].iov_len = seg->len;
    }
    return elem;
}

/* Check and map the chain at head; NULL after virtio_error. */
static VirtQueueElement *virtqueue_read_element(VirtQueue *vq,
                                                unsigned int head)
{
    g_autoptr(GArray) buffers = g_array_new(false, false,
                                            sizeof(VirtqueueBuffer));
    g_autoptr(GArray) segs = g_array_new(false, false,
                                         sizeof(VirtqueueSegment));
    unsigned int out_num = 0;
    unsigned int ndescs;
    VirtQueueElement *elem;
    unsigned int i;

    ndescs = virtqueue_walk_chain(vq, head, buffers);
    if (!ndescs) {
        return NULL;
    }
    for (i = 0; i < buffers->len; i++) {
        VirtqueueBuffer *buf = &g_array_index(buffers, VirtqueueBuffer, i);

        if (!virtqueue_map_buffer(vq, buf, segs)) {
            return NULL;
        }
        out_num = buf->is_write ? out_num : segs->len;
    }
    elem = virtqueue_build_element(segs, out_num);
    elem->index = head;
    elem->ndescs = ndescs;
    return elem;
}

/* Entries the driver made available and we have not popped; -1: broken. */
static int virtqueue_nb_pending(VirtQueue *vq)
{
    uint64_t avail_idx;
    uint16_t pending;

    if (!virtqueue_ld(vq, vq->avail + VIRTQ_AVAIL_IDX, 2, &avail_idx)) {
        return -1;
    }
    pending = (uint16_t)avail_idx - vq->last_avail_idx;
    if (pending > vq->num) {
        virtio_error(vq->vdev, "avail idx %u is %u entries ahead of the "
                     "last popped %u, more than the queue size %u",
                     (unsigned int)avail_idx, pending, vq->last_avail_idx,
                     vq->num);
        return -1;
    }
    return pending;
}

/* With EVENT_IDX: tell the driver the avail idx at which to kick. */
static void virtqueue_set_avail_event(VirtQueue *vq, uint16_t idx)
{
    if (virtio_vdev_has_feature(vq->vdev, VIRTIO_RING_F_EVENT_IDX)) {
        virtqueue_st(vq, virtqueue_avail_event_gpa(vq), 2, idx);
    }
}

VirtQueueElement *virtqueue_pop(VirtQueue *vq)
{
    uint64_t head;
    int pending;
    VirtQueueElement *elem;
    hwaddr slot_gpa;

    if (!virtqueue_is_live(vq)) {
        return NULL;
    }
    pending = virtqueue_nb_pending(vq);
    if (pending <= 0) {
        return NULL;
    }
    /* Read the ring entry only after the idx that published it. */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    slot_gpa = vq->avail + VIRTQ_AVAIL_RING +
               2 * (hwaddr)(vq->last_avail_idx % vq->num);
    if (!virtqueue_ld(vq, slot_gpa, 2, &head)) {
        return NULL;
    }
    if (head >= vq->num) {
        virtio_error(vq->vdev, "avail ring entry %u names head %u, not "
                     "below the queue size %u", vq->last_avail_idx,
                     (unsigned int)head, vq->num);
        return NULL;
    }
    elem = virtqueue_read_element(vq, head);
    if (!elem) {
        return NULL;
    }
    vq->last_avail_idx++;
    vq->inuse++;
    virtqueue_set_avail_event(vq, vq->last_avail_idx);
    return elem;
}

/* ---- pushing and notifying ---- */

void virtqueue_push(VirtQueue *vq, const VirtQueueElement *elem,
                    unsigned int len)
{
    hwaddr slot_gpa;

    /* Broken or reset since the pop: the rings are not ours to write. */
    if (!virtqueue_is_live(vq) || vq->inuse == 0) {
        return;
    }
    vq->inuse--;
    slot_gpa = vq->used + VIRTQ_USED_RING +
               VIRTQ_USED_ELEM_SIZE * (hwaddr)(vq->used_idx % vq->num);
    if (!virtqueue_st(vq, slot_gpa, 4, elem->index) ||
        !virtqueue_st(vq, slot_gpa + 4, 4, len)) {
        return;
    }
    /* virtio 1.2, 2.7.8.2: the element before the idx that publishes it. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    vq->used_idx++;
    if (!virtqueue_st(vq, vq->used + VIRTQ_USED_IDX, 2, vq->used_idx)) {
        return;
    }
    /* Over 2^15 entries since the last decision: the window is ambiguous. */
    if ((uint16_t)(vq->used_idx - vq->signalled_used) >= 0x8000) {
        vq->signalled_used_valid = false;
    }
}

void virtqueue_detach_element(VirtQueue *vq, const VirtQueueElement *elem)
{
    if (vq->inuse) {
        vq->inuse--;
    }
}

unsigned int virtqueue_get_inuse(const VirtQueue *vq)
{
    return vq->inuse;
}

/* virtio 1.2, 2.7.10: did new_idx pass event_idx since old_idx? */
static bool virtqueue_need_event(uint16_t event_idx, uint16_t new_idx,
                                 uint16_t old_idx)
{
    return (uint16_t)(new_idx - event_idx - 1) <
           (uint16_t)(new_idx - old_idx);
}

/* Does the driver want a used-buffer notification now? */
static bool virtqueue_should_notify(VirtQueue *vq)
{
    uint64_t value;
    bool valid = vq->signalled_used_valid;
    uint16_t old_idx = vq->signalled_used;

    /* The used idx must be visible before we read what the driver wants. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!virtio_vdev_has_feature(vq->vdev, VIRTIO_RING_F_EVENT_IDX)) {
        return virtqueue_ld(vq, vq->avail, 2, &value) &&
               !(value & VIRTQ_AVAIL_F_NO_INTERRUPT);
    }
    if (!virtqueue_ld(vq, virtqueue_used_event_gpa(vq), 2, &value)) {
        return false;
    }
    vq->signalled_used = vq->used_idx;
    vq->signalled_used_valid = true;
    return !valid || virtqueue_need_event(value, vq->used_idx, old_idx);
}

void virtio_notify(VirtIODevice *vdev, VirtQueue *vq)
{
    if (!virtqueue_is_live(vq) || !virtqueue_should_notify(vq)) {
        return;
    }
    virtio_raise(vdev, VIRTIO_ISR_QUEUE, vq->vector);
}

void virtio_queue_raise_irq(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = virtio_get_queue(vdev, n);

    if (vq && virtqueue_is_live(vq)) {
        virtio_raise(vdev, VIRTIO_ISR_QUEUE, vq->vector);
    }
}

void virtio_queue_set_notification(VirtQueue *vq, bool enable)
{
    uint64_t flags;

    if (!virtqueue_is_live(vq)) {
        return;
    }
    if (virtio_vdev_has_feature(vq->vdev, VIRTIO_RING_F_EVENT_IDX)) {
        /* Kick at the next entry; "never" is not expressible: leave it. */
        if (enable) {
            virtqueue_set_avail_event(vq, vq->last_avail_idx);
        }
        return;
    }
    if (!virtqueue_ld(vq, vq->used, 2, &flags)) {
        return;
    }
    flags = enable ? flags & ~VIRTQ_USED_F_NO_NOTIFY
                   : flags | VIRTQ_USED_F_NO_NOTIFY;
    virtqueue_st(vq, vq->used, 2, flags);
}

/* ---- queue set-up by the transport ---- */

unsigned int virtio_get_num_queues(const VirtIODevice *vdev)
{
    return vdev->nb_queues;
}

int virtio_queue_get_max_num(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = virtio_queue_lookup(vdev, n);

    return vq ? vq->max_num : 0;
}

void virtio_queue_set_num(VirtIODevice *vdev, int n, int num)
{
    VirtQueue *vq = virtio_queue_lookup(vdev, n);

    /* Out-of-range sizes are ignored: queue_size keeps its value. */
    if (vq && num > 0 && (unsigned int)num <= vq->max_num) {
        vq->num = num;
    }
}

int virtio_queue_get_num(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = virtio_queue_lookup(vdev, n);

    return vq ? vq->num : 0;
}

void virtio_queue_set_rings(VirtIODevice *vdev, int n, hwaddr desc,
                            hwaddr avail, hwaddr used)
{
    VirtQueue *vq = virtio_queue_lookup(vdev, n);

    if (vq) {
        vq->desc = desc;
        vq->avail = avail;
        vq->used = used;
    }
}

void virtio_queue_get_rings(VirtIODevice *vdev, int n, hwaddr *desc,
                            hwaddr *avail, hwaddr *used)
{
    VirtQueue *vq = virtio_queue_lookup(vdev, n);

    *desc = vq ? vq->desc : 0;
    *avail = vq ? vq->avail : 0;
    *used = vq ? vq->used : 0;
}

void virtio_queue_set_enabled(VirtIODevice *vdev, int n, bool enabled)
{
    VirtQueue *vq = virtio_queue_lookup(vdev, n);

    if (vq) {
        vq->enabled = enabled;
    }
}

bool virtio_queue_get_enabled(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = virtio_queue_lookup(vdev, n);

    return vq && vq->enabled;
}

void virtio_queue_set_vector(VirtIODevice *vdev, int n, uint16_t vector)
{
    VirtQueue *vq = virtio_queue_lookup(vdev, n);

    if (vq) {
        vq->vector = vector;
    }
}

uint16_t virtio_queue_get_vector(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = virtio_queue_lookup(vdev, n);

    return vq ? vq->vector : VIRTIO_NO_VECTOR;
}

void virtio_queue_notify(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = virtio_queue_lookup(vdev, n);

    if (!vq || !vq->handle_output || vdev->broken || !vq->enabled) {
        return;
    }
    vq->handle_output(vdev, vq);
}
