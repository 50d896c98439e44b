/*
 * Scatter/gather helpers over struct iovec arrays: copy to and from flat
 * buffers, total size.  Used by virtio device models on popped elements
 * (hw/virtio/virtio.h includes this header).  Implementation: util/iov.c.
 * Pure functions; any thread.
 */
#ifndef QEMU_IOV_H
#define QEMU_IOV_H

#include "qemu/osdep.h"
#include <sys/uio.h>

/*
 * Copy up to bytes from the iovec, starting offset bytes into it, to buf.
 * Returns the bytes copied (less than bytes when the iovec ends first;
 * 0 when offset is past its end).  O(iov_cnt).
 */
size_t iov_to_buf(const struct iovec *iov, unsigned int iov_cnt,
                  size_t offset, void *buf, size_t bytes);
/* The reverse: copy buf into the iovec from offset on; bytes copied. */
size_t iov_from_buf(const struct iovec *iov, unsigned int iov_cnt,
                    size_t offset, const void *buf, size_t bytes);
/* Sum of the iov_len fields. */
size_t iov_size(const struct iovec *iov, unsigned int iov_cnt);

#endif /* QEMU_IOV_H */
