/*
 * virtio-mem's guest boundary: pops each request, checks the buffer sizes,
 * decodes the little-endian request once, asks virtio-mem-blocks for the
 * answer, applies the effect through virtio-mem.c and writes the 10-byte
 * response.  Malformed requests (short buffers, unknown type) are not
 * answered: the device is marked broken until the driver resets it.
 * While a migration is active PLUG, UNPLUG and UNPLUG_ALL are BUSY.
 */
#include "qemu/osdep.h"
#include "hw/virtio/virtio-mem-internal.h"
#include "hw/virtio/virtio-mem-wire.h"
#include "hw/virtio/trace.h"
#include "migration/register.h"

typedef struct VirtioMemRequest {
    uint16_t type;
    uint64_t gpa;
    uint16_t nb_blocks;
} VirtioMemRequest;

static const char *virtio_mem_req_name(uint16_t type)
{
    static const char *const names[] = {
        [VIRTIO_MEM_REQ_PLUG] = "PLUG",
        [VIRTIO_MEM_REQ_UNPLUG] = "UNPLUG",
        [VIRTIO_MEM_REQ_UNPLUG_ALL] = "UNPLUG_ALL",
        [VIRTIO_MEM_REQ_STATE] = "STATE",
    };

    return type < ARRAY_SIZE(names) ? names[type] : "UNKNOWN";
}

static const char *virtio_mem_resp_name(uint16_t type)
{
    static const char *const names[] = {
        [VIRTIO_MEM_RESP_ACK] = "ACK",
        [VIRTIO_MEM_RESP_NACK] = "NACK",
        [VIRTIO_MEM_RESP_BUSY] = "BUSY",
        [VIRTIO_MEM_RESP_ERROR] = "ERROR",
    };

    return type < ARRAY_SIZE(names) ? names[type] : "?";
}

/* Copy and convert the request; false (device broken) when malformed. */
static bool virtio_mem_decode_request(VirtIOMEM *vmem,
                                      const VirtQueueElement *elem,
                                      VirtioMemRequest *req)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(vmem);
    VirtioMemReqWire wire;
    size_t in_size = iov_size(elem->in_sg, elem->in_num);
    size_t len;

    len = iov_to_buf(elem->out_sg, elem->out_num, 0, &wire, sizeof(wire));
    if (len < sizeof(wire)) {
        virtio_error(vdev, "virtio-mem protocol violation: invalid request "
                     "size: %zu", len);
        return false;
    }
    if (in_size < sizeof(VirtioMemRespWire)) {
        virtio_error(vdev, "virtio-mem protocol violation: not enough space "
                     "for response: %zu", in_size);
        return false;
    }
    req->type = GUINT16_FROM_LE(wire.type);
    req->gpa = GUINT64_FROM_LE(wire.addr);
    req->nb_blocks = GUINT16_FROM_LE(wire.nb_blocks);
    if (req->type > VIRTIO_MEM_REQ_STATE) {
        virtio_error(vdev, "virtio-mem protocol violation: unknown request "
                     "type: %u", req->type);
        return false;
    }
    return true;
}

/*
 * "Not now" (after the range and state checks, as the reference): while a
 * migration runs, on either side, the plug state that was sent must hold.
 */
static bool virtio_mem_is_busy(void)
{
    if (migration_is_active()) {
        trace_virtio_mem_busy("migration");
        return true;
    }
    return false;
}

static uint16_t virtio_mem_process_plug(VirtIOMEM *vmem,
                                        const VirtioMemRequest *req)
{
    uint16_t resp = virtio_mem_blocks_check_plug(&vmem->blocks, req->gpa,
                                                 req->nb_blocks);

    if (resp != VIRTIO_MEM_RESP_ACK) {
        return resp;
    }
    if (virtio_mem_is_busy()) {
        return VIRTIO_MEM_RESP_BUSY;
    }
    return virtio_mem_plug_range(vmem,
                                 virtio_mem_blocks_idx(&vmem->blocks,
                                                       req->gpa),
                                 req->nb_blocks);
}

static uint16_t virtio_mem_process_unplug(VirtIOMEM *vmem,
                                          const VirtioMemRequest *req)
{
    uint16_t resp = virtio_mem_blocks_check_unplug(&vmem->blocks, req->gpa,
                                                   req->nb_blocks);

    if (resp != VIRTIO_MEM_RESP_ACK) {
        return resp;
    }
    if (virtio_mem_is_busy()) {
        return VIRTIO_MEM_RESP_BUSY;
    }
    return virtio_mem_unplug_range(vmem,
                                   virtio_mem_blocks_idx(&vmem->blocks,
                                                         req->gpa),
                                   req->nb_blocks);
}

static uint16_t virtio_mem_process(VirtIOMEM *vmem,
                                   const VirtioMemRequest *req,
                                   uint16_t *state)
{
    switch (req->type) {
    case VIRTIO_MEM_REQ_PLUG:
        return virtio_mem_process_plug(vmem, req);
    case VIRTIO_MEM_REQ_UNPLUG:
        return virtio_mem_process_unplug(vmem, req);
    case VIRTIO_MEM_REQ_UNPLUG_ALL:
        /* addr and nb_blocks are ignored, as the reference does */
        return virtio_mem_is_busy() ? VIRTIO_MEM_RESP_BUSY
                                    : virtio_mem_unplug_all(vmem);
    default:
        return virtio_mem_blocks_check_state(&vmem->blocks, req->gpa,
                                             req->nb_blocks, state);
    }
}

static void virtio_mem_send_response(VirtIOMEM *vmem, VirtQueue *vq,
                                     const VirtQueueElement *elem,
                                     const VirtioMemRequest *req,
                                     uint16_t type, uint16_t state)
{
    VirtioMemRespWire resp = {
        .type = GUINT16_TO_LE(type),
        .state = GUINT16_TO_LE(state),
    };

    trace_virtio_mem_send_response(virtio_mem_req_name(req->type),
                                   virtio_mem_resp_name(type), state);
    iov_from_buf(elem->in_sg, elem->in_num, 0, &resp, sizeof(resp));
    virtqueue_push(vq, elem, sizeof(resp));
    virtio_notify(VIRTIO_DEVICE(vmem), vq);
}

void virtio_mem_handle_request(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOMEM *vmem = VIRTIO_MEM(vdev);
    VirtQueueElement *elem;

    while ((elem = virtqueue_pop(vq))) {
        VirtioMemRequest req;
        uint16_t state = 0;
        uint16_t resp;

        if (!virtio_mem_decode_request(vmem, elem, &req)) {
            /* Not answered, but no longer in use: a reset must not be the
             * only way the in-use count comes back to 0. */
            virtqueue_detach_element(vq, elem);
            g_free(elem);
            return;
        }
        trace_virtio_mem_request(virtio_mem_req_name(req.type), req.gpa,
                                 req.nb_blocks);
        resp = virtio_mem_process(vmem, &req, &state);
        virtio_mem_send_response(vmem, vq, elem, &req, resp, state);
        g_free(elem);
    }
}
