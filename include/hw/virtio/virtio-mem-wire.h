/*
 * virtio-mem on the wire (virtio 1.2, "Memory Device"): device id, feature
 * bits, request/response layouts and the device config.  All fields are
 * little-endian; these structs describe guest memory and are only read or
 * written through explicit le conversions.
 */
#ifndef HW_VIRTIO_VIRTIO_MEM_WIRE_H
#define HW_VIRTIO_VIRTIO_MEM_WIRE_H

#include "qemu/osdep.h"

#define VIRTIO_ID_MEM                           24

#define VIRTIO_MEM_F_ACPI_PXM                   0
#define VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE     1
#define VIRTIO_MEM_F_PERSISTENT_SUSPEND         2

#define VIRTIO_MEM_REQ_PLUG                     0
#define VIRTIO_MEM_REQ_UNPLUG                   1
#define VIRTIO_MEM_REQ_UNPLUG_ALL               2
#define VIRTIO_MEM_REQ_STATE                    3

#define VIRTIO_MEM_RESP_ACK                     0
#define VIRTIO_MEM_RESP_NACK                    1
#define VIRTIO_MEM_RESP_BUSY                    2
#define VIRTIO_MEM_RESP_ERROR                   3

#define VIRTIO_MEM_STATE_PLUGGED                0
#define VIRTIO_MEM_STATE_UNPLUGGED              1
#define VIRTIO_MEM_STATE_MIXED                  2

typedef struct VirtioMemReqWire {
    uint16_t type;
    uint16_t padding[3];
    uint64_t addr;          /* PLUG, UNPLUG, STATE */
    uint16_t nb_blocks;     /* PLUG, UNPLUG, STATE */
    uint16_t padding2[3];
} __attribute__((packed)) VirtioMemReqWire;

typedef struct VirtioMemRespWire {
    uint16_t type;
    uint16_t padding[3];
    uint16_t state;         /* STATE only */
} __attribute__((packed)) VirtioMemRespWire;

typedef struct VirtioMemConfigWire {
    uint64_t block_size;
    uint16_t node_id;
    uint8_t padding[6];
    uint64_t addr;
    uint64_t region_size;
    uint64_t usable_region_size;
    uint64_t plugged_size;
    uint64_t requested_size;
} __attribute__((packed)) VirtioMemConfigWire;

_Static_assert(sizeof(VirtioMemReqWire) == 24, "virtio-mem request size");
_Static_assert(sizeof(VirtioMemRespWire) == 10, "virtio-mem response size");
_Static_assert(sizeof(VirtioMemConfigWire) == 56, "virtio-mem config size");

#endif /* HW_VIRTIO_VIRTIO_MEM_WIRE_H */
