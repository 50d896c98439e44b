/*
 * vfio-pci: a host PCI device assigned through the kernel's VFIO type1
 * IOMMU driver (-device vfio-pci,host=BDF).  Opens the container
 * (/dev/vfio/vfio), the device's IOMMU group and the device fd, sets the
 * TYPE1v2 IOMMU, takes the DMA mapping limit from VFIO_IOMMU_GET_INFO's
 * DMA_AVAIL capability, and maps guest RAM with MAP_DMA/UNMAP_DMA through
 * the container core (hw/vfio/container.c), one mapping per block: type1
 * cannot unmap part of a mapping.  The PCI side is hw/vfio/pci-core.c.
 * Written against the kernel's Documentation/driver-api/vfio.rst; it has
 * not run here (no VFIO hardware): realize refuses without /dev/vfio.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/vfio/vfio-container.h"
#include "hw/vfio/vfio-pci-core.h"
#include "hw/vfio/trace.h"
#include <fcntl.h>
#include <linux/vfio.h>
#include <sys/ioctl.h>

#define TYPE_VFIO_PCI "vfio-pci"
#define VFIO_PCI_HOST_PROP "host"
#define VFIO_PCI_CONTAINER_PATH "/dev/vfio/vfio"
#define VFIO_PCI_NB_REGIONS (VFIO_PCI_CONFIG_REGION_INDEX + 1)

typedef struct VFIOKernelPCI {
    PCIDevice parent_obj;
    char *host;                 /* property "host": [DOMAIN:]BUS:SLOT.FN */
    char *bdf;                  /* with the domain: "0000:01:00.0" */
    int container_fd;
    int group_fd;
    int device_fd;
    uint64_t region_offset[VFIO_PCI_NB_REGIONS];   /* in device_fd */
    bool region_known[VFIO_PCI_NB_REGIONS];
    VFIOPCICore core;
    VFIOContainer container;
    bool container_inited;
} VFIOKernelPCI;

#define VFIO_KERNEL_PCI(obj) OBJECT_CHECK(VFIOKernelPCI, (obj), TYPE_VFIO_PCI)

static const char *vfio_pci_name(VFIOKernelPCI *vdev)
{
    return DEVICE(vdev)->id ? DEVICE(vdev)->id : vdev->bdf;
}

/* ---- regions and IRQs through the device fd ---- */

static bool vfio_pci_region_info(void *opaque, uint32_t index,
                                 VFIORegionInfo *info, Error **errp)
{
    VFIOKernelPCI *vdev = opaque;
    struct vfio_region_info ri = { .argsz = sizeof(ri), .index = index };

    if (ioctl(vdev->device_fd, VFIO_DEVICE_GET_REGION_INFO, &ri) < 0) {
        error_setg_errno(errp, errno, "vfio-pci %s: VFIO_DEVICE_GET_REGION_INFO of region %u",
                         vdev->bdf, index);
        return false;
    }
    if (index < VFIO_PCI_NB_REGIONS) {
        vdev->region_offset[index] = ri.offset;
        vdev->region_known[index] = true;
    }
    info->flags = ri.flags;
    info->size = ri.size;
    info->offset = ri.offset;
    info->fd = ri.flags & VFIO_REGION_INFO_FLAG_MMAP
               ? fcntl(vdev->device_fd, F_DUPFD_CLOEXEC, 0) : -1;
    return true;
}

/* Offset of region index in the device fd; -errno when unknown. */
static int64_t vfio_pci_region_offset(VFIOKernelPCI *vdev, uint32_t index)
{
    VFIORegionInfo info;

    if (index >= VFIO_PCI_NB_REGIONS) {
        return -EINVAL;
    }
    if (!vdev->region_known[index]) {
        if (!vfio_pci_region_info(vdev, index, &info, NULL)) {
            return -EIO;
        }
        if (info.fd >= 0) {
            close(info.fd);
        }
    }
    return vdev->region_offset[index];
}

/* pread/pwrite of count bytes at offset of region index; 0 or -errno. */
static int vfio_pci_region_rw(VFIOKernelPCI *vdev, uint32_t index,
                              uint64_t offset, void *buf, uint32_t count,
                              bool is_write)
{
    int64_t base = vfio_pci_region_offset(vdev, index);
    ssize_t n;

    if (base < 0) {
        return base;
    }
    n = is_write ? pwrite(vdev->device_fd, buf, count, base + offset)
                 : pread(vdev->device_fd, buf, count, base + offset);
    return n == count ? 0 : -EIO;
}

static int vfio_pci_region_read(void *opaque, uint32_t index, uint64_t offset,
                                void *buf, uint32_t count)
{
    return vfio_pci_region_rw(opaque, index, offset, buf, count, false);
}

static int vfio_pci_region_write(void *opaque, uint32_t index,
                                 uint64_t offset, const void *buf,
                                 uint32_t count)
{
    return vfio_pci_region_rw(opaque, index, offset, (void *)buf, count,
                              true);
}

static bool vfio_pci_irq_info(void *opaque, uint32_t index, uint32_t *count,
                              Error **errp)
{
    VFIOKernelPCI *vdev = opaque;
    struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = index };

    if (ioctl(vdev->device_fd, VFIO_DEVICE_GET_IRQ_INFO, &ii) < 0) {
        error_setg_errno(errp, errno, "vfio-pci %s: VFIO_DEVICE_GET_IRQ_INFO of index %u",
                         vdev->bdf, index);
        return false;
    }
    *count = ii.count;
    return true;
}

static bool vfio_pci_set_irqs(void *opaque, uint32_t index, uint32_t start,
                              uint32_t count, const int *fds, Error **errp)
{
    VFIOKernelPCI *vdev = opaque;
    size_t size = sizeof(struct vfio_irq_set) +
                  (fds ? count : 0) * sizeof(int32_t);
    g_autofree struct vfio_irq_set *set = g_malloc0(size);

    set->argsz = size;
    set->flags = VFIO_IRQ_SET_ACTION_TRIGGER |
                 (fds ? VFIO_IRQ_SET_DATA_EVENTFD : VFIO_IRQ_SET_DATA_NONE);
    set->index = index;
    set->start = fds ? start : 0;
    set->count = fds ? count : 0;
    for (uint32_t i = 0; fds && i < count; i++) {
        int32_t efd = fds[i];

        memcpy(set->data + i * sizeof(efd), &efd, sizeof(efd));
    }
    if (ioctl(vdev->device_fd, VFIO_DEVICE_SET_IRQS, set) < 0) {
        error_setg_errno(errp, errno, "vfio-pci %s: VFIO_DEVICE_SET_IRQS of index %u",
                         vdev->bdf, index);
        return false;
    }
    return true;
}

static bool vfio_pci_is_stopped(void *opaque)
{
    return false;
}

static const VFIOPCICoreOps vfio_pci_core_ops = {
    .region_info = vfio_pci_region_info,
    .region_read = vfio_pci_region_read,
    .region_write = vfio_pci_region_write,
    .irq_info = vfio_pci_irq_info,
    .set_irqs = vfio_pci_set_irqs,
    .is_stopped = vfio_pci_is_stopped,
};

/* ---- DMA: type1 ---- */

static int vfio_pci_dma_map(void *opaque, const VFIODMAMap *map)
{
    VFIOKernelPCI *vdev = opaque;
    struct vfio_iommu_type1_dma_map dm = {
        .argsz = sizeof(dm),
        .flags = VFIO_DMA_MAP_FLAG_READ |
                 (map->readonly ? 0 : VFIO_DMA_MAP_FLAG_WRITE),
        .vaddr = (uintptr_t)map->hva, .iova = map->iova, .size = map->size,
    };

    return ioctl(vdev->container_fd, VFIO_IOMMU_MAP_DMA, &dm) < 0 ? -errno
                                                                 : 0;
}

static int vfio_pci_dma_unmap(void *opaque, const VFIODMAMap *map)
{
    VFIOKernelPCI *vdev = opaque;
    struct vfio_iommu_type1_dma_unmap du = {
        .argsz = sizeof(du), .iova = map->iova, .size = map->size,
    };

    return ioctl(vdev->container_fd, VFIO_IOMMU_UNMAP_DMA, &du) < 0 ? -errno
                                                                   : 0;
}

static const VFIOContainerOps vfio_pci_dma_ops = {
    .dma_map = vfio_pci_dma_map,
    .dma_unmap = vfio_pci_dma_unmap,
};

/* The DMA_AVAIL capability of VFIO_IOMMU_GET_INFO, or 0. */
static uint64_t vfio_pci_dma_avail(VFIOKernelPCI *vdev)
{
    struct vfio_iommu_type1_info probe = { .argsz = sizeof(probe) };
    g_autofree uint8_t *buf = NULL;
    struct vfio_iommu_type1_info *info;
    uint32_t off;

    if (ioctl(vdev->container_fd, VFIO_IOMMU_GET_INFO, &probe) < 0 ||
        probe.argsz <= sizeof(probe)) {
        return 0;
    }
    buf = g_malloc0(probe.argsz);
    info = (struct vfio_iommu_type1_info *)buf;
    info->argsz = probe.argsz;
    if (ioctl(vdev->container_fd, VFIO_IOMMU_GET_INFO, info) < 0 ||
        !(info->flags & VFIO_IOMMU_INFO_CAPS)) {
        return 0;
    }
    for (off = info->cap_offset; off && off + sizeof(struct vfio_info_cap_header) <= probe.argsz;) {
        struct vfio_info_cap_header *h = (void *)(buf + off);

        if (h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL &&
            off + sizeof(struct vfio_iommu_type1_info_dma_avail) <=
            probe.argsz) {
            return ((struct vfio_iommu_type1_info_dma_avail *)h)->avail;
        }
        off = h->next;
    }
    return 0;
}

/* ---- realize: container, group, device ---- */

static bool vfio_pci_open_group(VFIOKernelPCI *vdev, Error **errp)
{
    g_autofree char *link = g_strdup_printf("/sys/bus/pci/devices/%s/iommu_group",
                                            vdev->bdf);
    g_autofree char *target = g_file_read_link(link, NULL);
    g_autofree char *group = target ? g_path_get_basename(target) : NULL;
    g_autofree char *path = group ? g_strdup_printf("/dev/vfio/%s", group)
                                  : NULL;
    struct vfio_group_status st = { .argsz = sizeof(st) };

    if (!path) {
        error_setg(errp, "vfio-pci: host device %s has no IOMMU group (%s is missing: no such device, or no IOMMU)",
                   vdev->bdf, link);
        return false;
    }
    vdev->group_fd = open(path, O_RDWR | O_CLOEXEC);
    if (vdev->group_fd < 0) {
        error_setg_errno(errp, errno, "vfio-pci: cannot open %s, the IOMMU group of %s (is it bound to vfio-pci?)",
                         path, vdev->bdf);
        return false;
    }
    if (ioctl(vdev->group_fd, VFIO_GROUP_GET_STATUS, &st) < 0 ||
        !(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
        error_setg(errp, "vfio-pci: IOMMU group %s of %s is not viable: bind every device in it to vfio-pci",
                   group, vdev->bdf);
        return false;
    }
    return true;
}

static bool vfio_pci_open_container(VFIOKernelPCI *vdev, Error **errp)
{
    vdev->container_fd = open(VFIO_PCI_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
    if (vdev->container_fd < 0) {
        error_setg_errno(errp, errno, "vfio-pci: cannot open " VFIO_PCI_CONTAINER_PATH " (no VFIO on this host: load the vfio-pci module and bind %s to it)",
                         vdev->bdf);
        return false;
    }
    if (ioctl(vdev->container_fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
        ioctl(vdev->container_fd, VFIO_CHECK_EXTENSION,
              VFIO_TYPE1v2_IOMMU) <= 0) {
        error_setg(errp, "vfio-pci: the kernel's VFIO lacks API version %d with the TYPE1v2 IOMMU",
                   VFIO_API_VERSION);
        return false;
    }
    return true;
}

static bool vfio_pci_attach(VFIOKernelPCI *vdev, Error **errp)
{
    if (ioctl(vdev->group_fd, VFIO_GROUP_SET_CONTAINER,
              &vdev->container_fd) < 0 ||
        ioctl(vdev->container_fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0) {
        error_setg_errno(errp, errno, "vfio-pci %s: attaching the group to a TYPE1v2 container",
                         vdev->bdf);
        return false;
    }
    vdev->device_fd = ioctl(vdev->group_fd, VFIO_GROUP_GET_DEVICE_FD,
                            vdev->bdf);
    if (vdev->device_fd < 0) {
        error_setg_errno(errp, errno, "vfio-pci: VFIO_GROUP_GET_DEVICE_FD of %s",
                         vdev->bdf);
        return false;
    }
    return true;
}

static bool vfio_pci_start_dma(VFIOKernelPCI *vdev, Error **errp)
{
    uint64_t avail = vfio_pci_dma_avail(vdev);
    VFIOContainerConfig cfg = {
        .kind = TYPE_VFIO_PCI,
        .name = vfio_pci_name(vdev),
        .max_mappings = avail ? avail : VFIO_CONTAINER_DEFAULT_MAX_MAPPINGS,
        .limit_source = avail ? "the kernel (DMA_AVAIL)"
                              : "the kernel (no DMA_AVAIL: default)",
        .coalesce = false,
        .needs_fd = false,
    };

    vfio_container_init(&vdev->container, &vfio_pci_dma_ops, vdev, &cfg);
    vdev->container_inited = true;
    return vfio_container_start(&vdev->container, address_space_memory(),
                                errp);
}

static void vfio_pci_exit(PCIDevice *dev);

static bool vfio_pci_realize(PCIDevice *dev, Error **errp)
{
    VFIOKernelPCI *vdev = VFIO_KERNEL_PCI(dev);

    if (!vdev->host) {
        error_setg(errp, "vfio-pci: property 'host' is required (a host PCI address such as 01:00.0)");
        return false;
    }
    vdev->bdf = strchr(vdev->host, ':') != strrchr(vdev->host, ':')
                ? g_strdup(vdev->host) : g_strdup_printf("0000:%s", vdev->host);
    if (!vfio_pci_open_container(vdev, errp) ||
        !vfio_pci_open_group(vdev, errp) || !vfio_pci_attach(vdev, errp) ||
        !vfio_pci_core_setup(&vdev->core, vfio_pci_name(vdev), errp) ||
        !vfio_pci_start_dma(vdev, errp)) {
        vfio_pci_exit(dev);
        return false;
    }
    return true;
}

static void vfio_pci_close(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

static void vfio_pci_exit(PCIDevice *dev)
{
    VFIOKernelPCI *vdev = VFIO_KERNEL_PCI(dev);

    if (vdev->container_inited) {
        vfio_container_destroy(&vdev->container);
        vdev->container_inited = false;
    }
    vfio_pci_core_teardown(&vdev->core);
    vfio_pci_close(&vdev->device_fd);
    vfio_pci_close(&vdev->group_fd);
    vfio_pci_close(&vdev->container_fd);
}

static void vfio_pci_reset(PCIDevice *dev)
{
    VFIOKernelPCI *vdev = VFIO_KERNEL_PCI(dev);

    if (vdev->device_fd >= 0 &&
        ioctl(vdev->device_fd, VFIO_DEVICE_RESET) < 0) {
        warn_report("vfio-pci %s: VFIO_DEVICE_RESET failed: %s", vdev->bdf,
                    strerror(errno));
    }
    vfio_pci_core_reset(&vdev->core);
}

static uint32_t vfio_pci_config_read(PCIDevice *dev, uint32_t addr,
                                     unsigned len)
{
    return vfio_pci_core_config_read(&VFIO_KERNEL_PCI(dev)->core, addr, len);
}

static void vfio_pci_config_write(PCIDevice *dev, uint32_t addr, uint32_t val,
                                  unsigned len)
{
    vfio_pci_core_config_write(&VFIO_KERNEL_PCI(dev)->core, addr, val, len);
}

static void vfio_pci_instance_init(Object *obj)
{
    VFIOKernelPCI *vdev = VFIO_KERNEL_PCI(obj);

    vdev->container_fd = vdev->group_fd = vdev->device_fd = -1;
    vfio_pci_core_init(&vdev->core, PCI_DEVICE(obj), &vfio_pci_core_ops,
                       vdev);
    qdev_prop_add_string(DEVICE(obj), VFIO_PCI_HOST_PROP, &vdev->host);
}

static void vfio_pci_finalize(Object *obj)
{
    VFIOKernelPCI *vdev = VFIO_KERNEL_PCI(obj);

    vfio_pci_core_finalize(&vdev->core);
    g_free(vdev->bdf);
    g_free(vdev->host);
}

static void vfio_pci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    dc->desc = "VFIO-based PCI device assignment";
    dc->category = "Misc devices";
    dc->user_creatable = true;
    dc->hotpluggable = true;
    pc->realize = vfio_pci_realize;
    pc->exit = vfio_pci_exit;
    pc->reset = vfio_pci_reset;
    pc->config_read = vfio_pci_config_read;
    pc->config_write = vfio_pci_config_write;
}

static const TypeInfo vfio_pci_info = {
    .name = TYPE_VFIO_PCI,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(VFIOKernelPCI),
    .instance_init = vfio_pci_instance_init,
    .instance_finalize = vfio_pci_finalize,
    .class_init = vfio_pci_class_init,
};

static void vfio_pci_register_types(void)
{
    type_register_static(&vfio_pci_info);
}
type_init(vfio_pci_register_types)
