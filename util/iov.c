/*
 * Scatter/gather copies between struct iovec arrays and flat buffers.
 * Owns nothing; callers own both sides.  The virtio core hands device
 * models iovecs over guest RAM and models copy requests in and responses
 * out with these (include/qemu/iov.h).
 */
#include "qemu/osdep.h"
#include "qemu/iov.h"

/* Skip offset bytes: index of the iovec holding it, offset within it. */
static unsigned int iov_skip(const struct iovec *iov, unsigned int iov_cnt,
                             size_t *offset)
{
    unsigned int i;

    for (i = 0; i < iov_cnt && *offset >= iov[i].iov_len; i++) {
        *offset -= iov[i].iov_len;
    }
    return i;
}

size_t iov_to_buf(const struct iovec *iov, unsigned int iov_cnt,
                  size_t offset, void *buf, size_t bytes)
{
    size_t done = 0;
    unsigned int i;

    for (i = iov_skip(iov, iov_cnt, &offset); i < iov_cnt && done < bytes;
         i++) {
        size_t len = MIN(iov[i].iov_len - offset, bytes - done);

        memcpy((char *)buf + done, (char *)iov[i].iov_base + offset, len);
        done += len;
        offset = 0;
    }
    return done;
}

size_t iov_from_buf(const struct iovec *iov, unsigned int iov_cnt,
                    size_t offset, const void *buf, size_t bytes)
{
    size_t done = 0;
    unsigned int i;

    for (i = iov_skip(iov, iov_cnt, &offset); i < iov_cnt && done < bytes;
         i++) {
        size_t len = MIN(iov[i].iov_len - offset, bytes - done);

        memcpy((char *)iov[i].iov_base + offset, (const char *)buf + done,
               len);
        done += len;
        offset = 0;
    }
    return done;
}

size_t iov_size(const struct iovec *iov, unsigned int iov_cnt)
{
    size_t size = 0;
    unsigned int i;

    for (i = 0; i < iov_cnt; i++) {
        size += iov[i].iov_len;
    }
    return size;
}
