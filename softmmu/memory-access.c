/*
 * Reads and writes through an AddressSpace: each access is cut at the
 * FlatView's range boundaries; RAM is copied, MMIO goes to the region's
 * ops in accesses the ops accept (valid sizes), split or widened into
 * the sizes the callbacks implement (impl sizes), little-endian.
 * Unassigned addresses read 0 and drop writes.  The view itself is kept
 * by flatview.c and memory-listener.c.
 */
#include "qemu/osdep.h"
#include "memory-internal.h"
#include "exec/ram-dirty-log.h"

static uint64_t memory_access_ldn_le(const uint8_t *buf, unsigned int size)
{
    uint64_t val = 0;

    for (unsigned int i = 0; i < size; i++) {
        val |= (uint64_t)buf[i] << (i * 8);
    }
    return val;
}

static void memory_access_stn_le(uint8_t *buf, unsigned int size,
                                 uint64_t val)
{
    for (unsigned int i = 0; i < size; i++) {
        buf[i] = val >> (i * 8);
    }
}

static uint64_t memory_access_bswap(uint64_t val, unsigned int size)
{
    uint8_t bytes[8];

    memory_access_stn_le(bytes, size, val);
    for (unsigned int i = 0; i < size / 2; i++) {
        uint8_t t = bytes[i];

        bytes[i] = bytes[size - 1 - i];
        bytes[size - 1 - i] = t;
    }
    return memory_access_ldn_le(bytes, size);
}

static unsigned int memory_access_valid_max(const MemoryRegionOps *ops)
{
    return ops->valid.max_access_size ? ops->valid.max_access_size : 8;
}

/* The largest access at offset, at most len bytes, that ops accept. */
static unsigned int memory_access_size(const MemoryRegionOps *ops,
                                       hwaddr offset, hwaddr len)
{
    hwaddr size = MIN(len, memory_access_valid_max(ops));

    if (!ops->valid.unaligned && offset) {
        size = MIN(size, offset & -offset);
    }
    return 1u << (63 - __builtin_clzll(size));
}

static bool memory_access_is_valid(const MemoryRegionOps *ops,
                                   hwaddr offset, unsigned int size)
{
    unsigned int min = ops->valid.min_access_size ? ops->valid.min_access_size
                                                  : 1;

    if (size < min || size > memory_access_valid_max(ops)) {
        return false;
    }
    return ops->valid.unaligned || offset % size == 0;
}

/* The size the callbacks are called with for an access of size bytes. */
static unsigned int memory_access_impl_size(const MemoryRegionOps *ops,
                                            unsigned int size)
{
    unsigned int min = ops->impl.min_access_size ? ops->impl.min_access_size
                                                 : 1;
    unsigned int max = ops->impl.max_access_size ? ops->impl.max_access_size
                                                 : 4;

    return MAX(MIN(size, max), min);
}

/* Shift of the part at byte i of an access of size bytes. */
static unsigned int memory_access_shift(const MemoryRegionOps *ops,
                                        unsigned int size, unsigned int part,
                                        unsigned int i)
{
    if (ops->endianness == DEVICE_BIG_ENDIAN && part < size) {
        return (size - part - i) * 8;
    }
    return i * 8;
}

/*
 * One valid access of size bytes, as one or more calls of the impl size.
 * An impl size larger than the access reads (writes) that many bytes and
 * keeps (sends zero-extended) the low ones, as QEMU does.
 */
static uint64_t memory_access_read_one(MemoryRegion *mr, hwaddr offset,
                                       unsigned int size)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned int part = memory_access_impl_size(ops, size);
    uint64_t mask = part >= 8 ? UINT64_MAX : (1ull << (part * 8)) - 1;
    uint64_t val = 0;

    for (unsigned int i = 0; i < size; i += part) {
        uint64_t r = ops->read(mr->opaque, offset + i, part) & mask;

        val |= r << memory_access_shift(ops, size, part, i);
    }
    if (ops->endianness == DEVICE_BIG_ENDIAN) {
        val = memory_access_bswap(val, size);
    }
    return size >= 8 ? val : val & ((1ull << (size * 8)) - 1);
}

static void memory_access_write_one(MemoryRegion *mr, hwaddr offset,
                                    uint64_t val, unsigned int size)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned int part = memory_access_impl_size(ops, size);
    uint64_t mask = part >= 8 ? UINT64_MAX : (1ull << (part * 8)) - 1;

    if (ops->endianness == DEVICE_BIG_ENDIAN) {
        val = memory_access_bswap(val, size);
    }
    for (unsigned int i = 0; i < size; i += part) {
        unsigned int shift = memory_access_shift(ops, size, part, i);

        ops->write(mr->opaque, offset + i, (val >> shift) & mask, part);
    }
}

static MemTxResult memory_access_mmio_one(MemoryRegion *mr, hwaddr offset,
                                          uint8_t *buf, unsigned int size,
                                          bool is_write)
{
    const MemoryRegionOps *ops = mr->ops;

    if (!ops || (is_write ? !ops->write : !ops->read)) {
        if (!is_write) {
            memset(buf, 0, size);
        }
        return MEMTX_DECODE_ERROR;
    }
    if (!memory_access_is_valid(ops, offset, size)) {
        if (!is_write) {
            memset(buf, 0, size);
        }
        return MEMTX_ERROR;
    }
    if (is_write) {
        memory_access_write_one(mr, offset, memory_access_ldn_le(buf, size),
                                size);
    } else {
        memory_access_stn_le(buf, size,
                             memory_access_read_one(mr, offset, size));
    }
    return MEMTX_OK;
}

static MemTxResult memory_access_mmio(MemoryRegion *mr, hwaddr offset,
                                      uint8_t *buf, hwaddr len, bool is_write)
{
    MemTxResult res = MEMTX_OK;

    while (len) {
        unsigned int size = mr->ops ? memory_access_size(mr->ops, offset, len)
                                    : 1;

        res |= memory_access_mmio_one(mr, offset, buf, size, is_write);
        offset += size;
        buf += size;
        len -= size;
    }
    return res;
}

/* Migration's dirty log: offset in the RAM region is offset in its block. */
static void memory_access_mark_dirty(MemoryRegion *mr, hwaddr offset,
                                     hwaddr len)
{
    if (ram_dirty_log_is_active() && mr->ram_block) {
        ram_block_dirty_log_mark(mr->ram_block, offset, len);
    }
}

static MemTxResult memory_access_range(const FlatRange *fr, hwaddr addr,
                                       uint8_t *buf, hwaddr len,
                                       bool is_write)
{
    hwaddr offset = fr->offset + (addr - fr->start);
    uint8_t *host;

    if (!fr->mr->ram) {
        return memory_access_mmio(fr->mr, offset, buf, len, is_write);
    }
    host = memory_region_get_ram_ptr(fr->mr);
    if (!host) {
        if (!is_write) {
            memset(buf, 0, len);
        }
        return MEMTX_DECODE_ERROR;
    }
    if (!is_write) {
        memcpy(buf, host + offset, len);
    } else if (!fr->readonly) {
        memcpy(host + offset, buf, len);
        memory_access_mark_dirty(fr->mr, offset, len);
    }
    return MEMTX_OK;
}

/* Bytes from addr (not in any range) up to the next range, at most len. */
static hwaddr memory_access_unassigned_len(FlatView *fv, hwaddr addr,
                                           hwaddr len)
{
    FlatRange *next = flatview_next(fv, addr);

    if (next && next->start - addr < len) {
        return next->start - addr;
    }
    return len;
}

static MemTxResult address_space_rw(AddressSpace *as, hwaddr addr,
                                    uint8_t *buf, hwaddr len, bool is_write)
{
    MemTxResult res = MEMTX_OK;

    while (len) {
        FlatRange *fr = flatview_lookup(as->current_map, addr);
        hwaddr l;

        if (fr) {
            MemAddr avail = (MemAddr)fr->start + fr->size - (MemAddr)addr;

            l = avail < (MemAddr)len ? (hwaddr)avail : len;
            res |= memory_access_range(fr, addr, buf, l, is_write);
        } else {
            l = memory_access_unassigned_len(as->current_map, addr, len);
            if (!is_write) {
                memset(buf, 0, l);
            }
            res |= MEMTX_DECODE_ERROR;
        }
        addr += l;
        buf += l;
        len -= l;
    }
    return res;
}

MemTxResult address_space_read(AddressSpace *as, hwaddr addr, void *buf,
                               hwaddr len)
{
    return address_space_rw(as, addr, buf, len, false);
}

MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                const void *buf, hwaddr len)
{
    return address_space_rw(as, addr, (uint8_t *)buf, len, true);
}

MemTxResult address_space_set(AddressSpace *as, hwaddr addr, uint8_t c,
                              hwaddr len)
{
    uint8_t chunk[4096];
    MemTxResult res = MEMTX_OK;

    memset(chunk, c, sizeof(chunk));
    while (len) {
        hwaddr l = MIN(len, sizeof(chunk));

        res |= address_space_write(as, addr, chunk, l);
        addr += l;
        len -= l;
    }
    return res;
}

/* The range holding all of [addr, addr + size), or NULL. */
static FlatRange *memory_access_whole(AddressSpace *as, hwaddr addr,
                                      unsigned int size)
{
    FlatRange *fr = flatview_lookup(as->current_map, addr);

    if (fr && (MemAddr)fr->start + fr->size >= (MemAddr)addr + size) {
        return fr;
    }
    return NULL;
}

uint64_t address_space_ld(AddressSpace *as, hwaddr addr, unsigned size,
                          MemTxResult *result)
{
    FlatRange *fr = memory_access_whole(as, addr, size);
    uint8_t buf[8] = { 0 };
    MemTxResult res;

    assert(size == 1 || size == 2 || size == 4 || size == 8);
    if (fr && !fr->mr->ram) {
        res = memory_access_mmio_one(fr->mr,
                                     fr->offset + (addr - fr->start), buf,
                                     size, false);
    } else {
        res = address_space_read(as, addr, buf, size);
    }
    if (result) {
        *result = res;
    }
    return memory_access_ldn_le(buf, size);
}

MemTxResult address_space_st(AddressSpace *as, hwaddr addr, uint64_t val,
                             unsigned size)
{
    FlatRange *fr = memory_access_whole(as, addr, size);
    uint8_t buf[8];

    assert(size == 1 || size == 2 || size == 4 || size == 8);
    memory_access_stn_le(buf, size, val);
    if (fr && !fr->mr->ram) {
        return memory_access_mmio_one(fr->mr,
                                      fr->offset + (addr - fr->start), buf,
                                      size, true);
    }
    return address_space_write(as, addr, buf, size);
}

void *address_space_map_ram(AddressSpace *as, hwaddr addr, hwaddr *plen,
                            bool is_write)
{
    FlatRange *fr = flatview_lookup(as->current_map, addr);
    MemAddr avail;
    uint8_t *host;

    if (!fr || !fr->mr->ram || (is_write && fr->readonly)) {
        return NULL;
    }
    host = memory_region_get_ram_ptr(fr->mr);
    if (!host) {
        return NULL;
    }
    avail = (MemAddr)fr->start + fr->size - (MemAddr)addr;
    if (avail < (MemAddr)*plen) {
        *plen = (hwaddr)avail;
    }
    if (is_write) {
        /* the device writes through the pointer: dirty as it is handed out */
        memory_access_mark_dirty(fr->mr, fr->offset + (addr - fr->start),
                                 *plen);
    }
    return host + fr->offset + (addr - fr->start);
}
