/*
 * vfio-user-pci: a PCI device served by a vfio-user server over a unix
 * socket (QEMU >= 10.1's device of the same name).  Realize asks the
 * server what the device is (regions, config header, BARs, IRQs), maps
 * BARs by REGION_READ/WRITE or through the fds the server gives, wires
 * INTx to an eventfd, and starts a VFIO container whose backend sends
 * DMA_MAP/DMA_UNMAP with the RAM's fd.  Messages: hw/vfio/vfio-user.c;
 * which memory is mapped: hw/vfio/container.c.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/boards.h"
#include "hw/vfio/vfio-user.h"
#include "hw/vfio/vfio-user-pci.h"
#include "hw/vfio/trace.h"
#include <glib-unix.h>
#include <linux/vfio.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#define VFIO_USER_PCI_HEADER_SIZE 0x40

typedef struct VFIOUserPCI VFIOUserPCI;

typedef struct VFIOUserBar {
    VFIOUserPCI *dev;
    uint32_t index;             /* region index = BAR number */
    uint64_t size;              /* bytes, as the server reports it */
    MemoryRegion mr;
    void *mmap_ptr;             /* mapped from the server's fd, or NULL */
    uint64_t mmap_size;
    bool registered;
} VFIOUserBar;

struct VFIOUserPCI {
    PCIDevice parent_obj;
    char *socket_path;          /* property "socket" */
    bool coalesce;              /* property "x-coalesce" */
    uint64_t max_dma_maps_prop; /* property "x-max-dma-maps"; 0: server's */
    VFIOUserConn *conn;
    VFIOUserServerCaps caps;
    VFIOContainer container;
    bool container_inited;
    VFIOUserBar bars[PCI_NUM_BARS];
    char *discard_holder;       /* set while uncoordinated discards are
                                 * disabled on our behalf */
    int intx_fd;                /* eventfd the server triggers, or -1 */
    guint intx_watch;
};

#define VFIO_USER_PCI(obj) OBJECT_CHECK(VFIOUserPCI, (obj), TYPE_VFIO_USER_PCI)

static const char *vfio_user_pci_name(VFIOUserPCI *vdev)
{
    DeviceState *dev = DEVICE(vdev);

    return dev->id ? dev->id : TYPE_VFIO_USER_PCI;
}

/* ---- BARs ---- */

static uint64_t vfio_user_bar_read(void *opaque, hwaddr addr, unsigned size)
{
    VFIOUserBar *bar = opaque;
    uint64_t val = 0;

    if (vfio_user_region_read(bar->dev->conn, bar->index, addr, &val,
                              size)) {
        return size == 8 ? UINT64_MAX : (1ULL << (8 * size)) - 1;
    }
    return GUINT64_FROM_LE(val);
}

static void vfio_user_bar_write(void *opaque, hwaddr addr, uint64_t val,
                                unsigned size)
{
    VFIOUserBar *bar = opaque;
    uint64_t le = GUINT64_TO_LE(val);

    vfio_user_region_write(bar->dev->conn, bar->index, addr, &le, size);
}

static const MemoryRegionOps vfio_user_bar_ops = {
    .read = vfio_user_bar_read,
    .write = vfio_user_bar_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static uint64_t vfio_user_pow2_ceil(uint64_t v)
{
    uint64_t p = 16;

    while (p < v) {
        p <<= 1;
    }
    return p;
}

/* The memory behind BAR bar: the server's fd mapped, or messages. */
static void vfio_user_bar_init_region(VFIOUserPCI *vdev, VFIOUserBar *bar,
                                      const VFIOUserRegionInfo *info,
                                      uint64_t bar_size)
{
    g_autofree char *name = g_strdup_printf("%s BAR %u",
                                            vfio_user_pci_name(vdev),
                                            bar->index);

    if (info->fd >= 0) {
        void *p = mmap(NULL, info->size, PROT_READ | PROT_WRITE, MAP_SHARED,
                       info->fd, info->offset);

        close(info->fd);
        if (p != MAP_FAILED && info->size == bar_size) {
            bar->mmap_ptr = p;
            bar->mmap_size = info->size;
            memory_region_init_ram_ptr(&bar->mr, OBJECT(vdev), name,
                                       bar_size, p);
            return;
        }
        if (p != MAP_FAILED) {
            munmap(p, info->size);
        }
    }
    memory_region_init_io(&bar->mr, OBJECT(vdev), &vfio_user_bar_ops, bar,
                          name, bar_size);
}

/* BAR i from region info and the server's BAR register; next BAR index. */
static int vfio_user_pci_setup_bar(VFIOUserPCI *vdev, int i,
                                   const uint8_t *header, Error **errp)
{
    VFIOUserBar *bar = &vdev->bars[i];
    VFIOUserRegionInfo info;
    uint32_t reg = pci_get_long(header + PCI_BASE_ADDRESS_0 + 4 * i);
    uint8_t type;

    if (!vfio_user_get_region_info(vdev->conn, i, &info, errp)) {
        return -1;
    }
    if (!info.size) {
        return i + 1;
    }
    type = reg & PCI_BASE_ADDRESS_SPACE_IO
           ? PCI_BASE_ADDRESS_SPACE_IO
           : reg & (PCI_BASE_ADDRESS_MEM_TYPE_64 |
                    PCI_BASE_ADDRESS_MEM_PREFETCH);
    bar->dev = vdev;
    bar->index = i;
    bar->size = info.size;
    vfio_user_bar_init_region(vdev, bar, &info,
                              vfio_user_pow2_ceil(info.size));
    pci_register_bar(&vdev->parent_obj, i, type, &bar->mr);
    bar->registered = true;
    trace_vfio_user_pci_bar(vfio_user_pci_name(vdev), i, info.size, type,
                            bar->mmap_ptr != NULL);
    return type & PCI_BASE_ADDRESS_MEM_TYPE_64 ? i + 2 : i + 1;
}

static bool vfio_user_pci_setup_bars(VFIOUserPCI *vdev, const uint8_t *header,
                                     Error **errp)
{
    for (int i = 0; i < PCI_NUM_BARS;) {
        i = vfio_user_pci_setup_bar(vdev, i, header, errp);
        if (i < 0) {
            return false;
        }
    }
    return true;
}

/* ---- config space: header emulated here, the rest the server's ---- */

static bool vfio_user_pci_setup_header(VFIOUserPCI *vdev, uint8_t *header,
                                       Error **errp)
{
    uint8_t *cfg = vdev->parent_obj.config;
    int ret = vfio_user_region_read(vdev->conn, VFIO_PCI_CONFIG_REGION_INDEX,
                                    0, header, VFIO_USER_PCI_HEADER_SIZE);

    if (ret) {
        error_setg(errp, "vfio-user '%s': reading the config header failed: %s",
                   vfio_user_pci_name(vdev), strerror(-ret));
        return false;
    }
    pci_config_set_vendor_id(cfg, pci_get_word(header + PCI_VENDOR_ID));
    pci_config_set_device_id(cfg, pci_get_word(header + PCI_DEVICE_ID));
    pci_config_set_revision(cfg, header[PCI_REVISION_ID]);
    cfg[PCI_CLASS_PROG] = header[PCI_CLASS_PROG];
    pci_config_set_class(cfg, pci_get_word(header + PCI_CLASS_DEVICE));
    memcpy(cfg + PCI_SUBSYSTEM_VENDOR_ID, header + PCI_SUBSYSTEM_VENDOR_ID, 4);
    pci_set_word(cfg + PCI_STATUS,
                 pci_get_word(header + PCI_STATUS) & PCI_STATUS_CAP_LIST);
    cfg[PCI_CAPABILITY_LIST] = header[PCI_CAPABILITY_LIST];
    pci_config_set_interrupt_pin(cfg, header[PCI_INTERRUPT_PIN]);
    return true;
}

static bool vfio_user_pci_is_emulated(uint32_t addr)
{
    return addr < VFIO_USER_PCI_HEADER_SIZE;
}

static uint32_t vfio_user_pci_config_read(PCIDevice *dev, uint32_t addr,
                                          unsigned len)
{
    VFIOUserPCI *vdev = VFIO_USER_PCI(dev);
    uint32_t val = 0;

    if (vfio_user_pci_is_emulated(addr) || vfio_user_conn_is_dead(vdev->conn)) {
        return pci_default_read_config(dev, addr, len);
    }
    if (vfio_user_region_read(vdev->conn, VFIO_PCI_CONFIG_REGION_INDEX, addr,
                              &val, len)) {
        return len >= 4 ? UINT32_MAX : (1u << (8 * len)) - 1;
    }
    return GUINT32_FROM_LE(val);
}

static void vfio_user_pci_config_write(PCIDevice *dev, uint32_t addr,
                                       uint32_t val, unsigned len)
{
    VFIOUserPCI *vdev = VFIO_USER_PCI(dev);
    uint32_t le = GUINT32_TO_LE(val);

    pci_default_write_config(dev, addr, val, len);
    /* The server sees command writes (bus master, decoding) and its own
     * registers; BARs and the rest of the header are ours. */
    if (addr >= PCI_BASE_ADDRESS_0 && addr < VFIO_USER_PCI_HEADER_SIZE) {
        return;
    }
    vfio_user_region_write(vdev->conn, VFIO_PCI_CONFIG_REGION_INDEX, addr,
                           &le, len);
}

/* ---- INTx ---- */

static gboolean vfio_user_pci_intx_cb(gint fd, GIOCondition cond,
                                      gpointer opaque)
{
    VFIOUserPCI *vdev = opaque;
    uint64_t count;

    if (read(fd, &count, sizeof(count)) == sizeof(count)) {
        /* The server signals an edge; the pin follows it. */
        pci_irq_assert(&vdev->parent_obj);
        pci_irq_deassert(&vdev->parent_obj);
    }
    return G_SOURCE_CONTINUE;
}

static bool vfio_user_pci_setup_intx(VFIOUserPCI *vdev, Error **errp)
{
    uint32_t flags;
    uint32_t count;

    if (!vdev->parent_obj.config[PCI_INTERRUPT_PIN]) {
        return true;
    }
    if (!vfio_user_get_irq_info(vdev->conn, VFIO_PCI_INTX_IRQ_INDEX, &flags,
                                &count, errp)) {
        return false;
    }
    if (!count) {
        return true;
    }
    vdev->intx_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (vdev->intx_fd < 0) {
        error_setg_errno(errp, errno, "vfio-user '%s': eventfd for INTx",
                         vfio_user_pci_name(vdev));
        return false;
    }
    if (!vfio_user_set_irqs(vdev->conn, VFIO_PCI_INTX_IRQ_INDEX, 0, 1,
                            &vdev->intx_fd, errp)) {
        return false;
    }
    vdev->intx_watch = g_unix_fd_add(vdev->intx_fd, G_IO_IN,
                                     vfio_user_pci_intx_cb, vdev);
    return true;
}

/* ---- DMA: the container's backend ---- */

static int vfio_user_pci_dma_map(void *opaque, const VFIODMAMap *map)
{
    VFIOUserPCI *vdev = opaque;

    return vfio_user_dma_map(vdev->conn, map);
}

static int vfio_user_pci_dma_unmap(void *opaque, const VFIODMAMap *map)
{
    VFIOUserPCI *vdev = opaque;

    return vfio_user_dma_unmap(vdev->conn, map);
}

static const VFIOContainerOps vfio_user_pci_dma_ops = {
    .dma_map = vfio_user_pci_dma_map,
    .dma_unmap = vfio_user_pci_dma_unmap,
};

static bool vfio_user_pci_start_dma(VFIOUserPCI *vdev, Error **errp)
{
    VFIOContainerConfig cfg = {
        .name = vfio_user_pci_name(vdev),
        .coalesce = vdev->coalesce,
        .needs_fd = true,
        .max_mappings = VFIO_CONTAINER_DEFAULT_MAX_MAPPINGS,
        .limit_source = "the server (no max_dma_maps: default)",
    };

    if (vdev->caps.max_dma_maps) {
        cfg.max_mappings = vdev->caps.max_dma_maps;
        cfg.limit_source = "the server (max_dma_maps)";
    }
    if (vdev->max_dma_maps_prop && vdev->max_dma_maps_prop < cfg.max_mappings) {
        cfg.max_mappings = vdev->max_dma_maps_prop;
        cfg.limit_source = "x-max-dma-maps";
    }
    vfio_container_init(&vdev->container, &vfio_user_pci_dma_ops, vdev, &cfg);
    vdev->container_inited = true;
    return vfio_container_start(&vdev->container, address_space_memory(),
                                errp);
}

static void vfio_user_pci_dead(void *opaque)
{
    VFIOUserPCI *vdev = opaque;

    if (vdev->container_inited) {
        vfio_container_mark_stopped(&vdev->container);
    }
}

/* ---- realize ---- */

/* Guest RAM must be shared and fd-backed: the server maps it. */
static bool vfio_user_pci_check_shared_ram(VFIOUserPCI *vdev, Error **errp)
{
    MemoryRegion *ram = current_machine ? current_machine->ram : NULL;
    RAMBlock *rb = ram ? memory_region_get_ram_block(ram) : NULL;

    if (!rb || (qemu_ram_get_fd(rb) >= 0 && qemu_ram_is_shared(rb))) {
        return true;
    }
    error_setg(errp, "%s: guest RAM is not shared, so the vfio-user server "
               "cannot map it; give the machine a memory backend with "
               "share=on", vfio_user_pci_name(vdev));
    error_append_hint(errp, "e.g. -object memory-backend-memfd,id=ram0,"
                      "size=SIZE,share=on -machine memory-backend=ram0\n");
    return false;
}

/* DMA mappings follow coordinated discards (virtio-mem) only. */
static bool vfio_user_pci_disable_discard(VFIOUserPCI *vdev, Error **errp)
{
    g_autofree char *who = g_strdup_printf(TYPE_VFIO_USER_PCI " '%s'",
                                           vfio_user_pci_name(vdev));

    if (ram_block_uncoordinated_discard_disable_by(who, true)) {
        error_setg(errp, "%s: a device discards RAM without telling its users (e.g. virtio-balloon), which a VFIO device cannot follow",
                   who);
        return false;
    }
    vdev->discard_holder = g_steal_pointer(&who);
    return true;
}

static bool vfio_user_pci_check_device(VFIOUserPCI *vdev, Error **errp)
{
    uint32_t flags;
    uint32_t nb_regions;
    uint32_t nb_irqs;

    if (!vfio_user_get_device_info(vdev->conn, &flags, &nb_regions, &nb_irqs,
                                   errp)) {
        return false;
    }
    trace_vfio_user_pci_device_info(vfio_user_pci_name(vdev), flags,
                                    nb_regions, nb_irqs);
    if (!(flags & VFIO_DEVICE_FLAGS_PCI) ||
        nb_regions <= VFIO_PCI_CONFIG_REGION_INDEX) {
        error_setg(errp, "vfio-user '%s': the server's device is not PCI (flags 0x%x, %u regions; need the PCI flag and at least %u regions)",
                   vfio_user_pci_name(vdev), flags, nb_regions,
                   VFIO_PCI_CONFIG_REGION_INDEX + 1);
        return false;
    }
    return true;
}

static bool vfio_user_pci_connect(VFIOUserPCI *vdev, Error **errp)
{
    vdev->conn = vfio_user_connect(vdev->socket_path, vfio_user_pci_name(vdev),
                                   address_space_memory(), errp);
    if (!vdev->conn) {
        return false;
    }
    vfio_user_conn_set_dead_handler(vdev->conn, vfio_user_pci_dead, vdev);
    return vfio_user_version(vdev->conn, &vdev->caps, errp);
}

static void vfio_user_pci_exit(PCIDevice *dev);

static bool vfio_user_pci_realize(PCIDevice *dev, Error **errp)
{
    VFIOUserPCI *vdev = VFIO_USER_PCI(dev);
    uint8_t header[VFIO_USER_PCI_HEADER_SIZE];

    if (!vdev->socket_path) {
        error_setg(errp, "vfio-user-pci: property 'socket' is required (a unix socket path)");
        return false;
    }
    if (!vfio_user_pci_check_shared_ram(vdev, errp) ||
        !vfio_user_pci_disable_discard(vdev, errp)) {
        return false;
    }
    if (!vfio_user_pci_connect(vdev, errp) ||
        !vfio_user_pci_check_device(vdev, errp) ||
        !vfio_user_pci_setup_header(vdev, header, errp) ||
        !vfio_user_pci_setup_bars(vdev, header, errp) ||
        !vfio_user_pci_setup_intx(vdev, errp) ||
        !vfio_user_pci_start_dma(vdev, errp)) {
        vfio_user_pci_exit(dev);
        return false;
    }
    return true;
}

static void vfio_user_pci_exit(PCIDevice *dev)
{
    VFIOUserPCI *vdev = VFIO_USER_PCI(dev);

    if (vdev->container_inited) {
        vfio_container_destroy(&vdev->container);
        vdev->container_inited = false;
    }
    if (vdev->intx_watch) {
        g_source_remove(vdev->intx_watch);
        vdev->intx_watch = 0;
    }
    if (vdev->intx_fd >= 0) {
        close(vdev->intx_fd);
        vdev->intx_fd = -1;
    }
    vfio_user_conn_free(vdev->conn);
    vdev->conn = NULL;
    if (vdev->discard_holder) {
        ram_block_uncoordinated_discard_disable_by(vdev->discard_holder,
                                                   false);
        g_free(vdev->discard_holder);
        vdev->discard_holder = NULL;
    }
}

static void vfio_user_pci_finalize(Object *obj)
{
    VFIOUserPCI *vdev = VFIO_USER_PCI(obj);

    for (int i = 0; i < PCI_NUM_BARS; i++) {
        VFIOUserBar *bar = &vdev->bars[i];

        if (bar->registered) {
            memory_region_finalize(&bar->mr);
        }
        if (bar->mmap_ptr) {
            munmap(bar->mmap_ptr, bar->mmap_size);
        }
    }
    g_free(vdev->socket_path);
}

static void vfio_user_pci_reset(PCIDevice *dev)
{
    VFIOUserPCI *vdev = VFIO_USER_PCI(dev);
    Error *err = NULL;

    if (!vdev->conn || vfio_user_conn_is_dead(vdev->conn)) {
        return;
    }
    if (!vfio_user_device_reset(vdev->conn, &err)) {
        warn_report("%s", error_get_pretty(err));
        error_free(err);
    }
}

/* ---- properties ---- */

static json_t *vfio_user_pci_get_socket(Object *obj, const char *name,
                                        void *opaque, Error **errp)
{
    VFIOUserPCI *vdev = VFIO_USER_PCI(obj);

    if (!vdev->socket_path) {
        return json_null();
    }
    return json_pack("{s:s,s:s}", "type", "unix", "path", vdev->socket_path);
}

/* QEMU 10.1's SocketAddress {"type":"unix","path":P}, or just P. */
static bool vfio_user_pci_set_socket(Object *obj, const char *name,
                                     json_t *value, void *opaque,
                                     Error **errp)
{
    VFIOUserPCI *vdev = VFIO_USER_PCI(obj);
    const char *type = json_string_value(json_object_get(value, "type"));
    const char *path = json_is_string(value)
                       ? json_string_value(value)
                       : json_string_value(json_object_get(value, "path"));

    if (!qdev_prop_check_unrealized(DEVICE(obj), name, errp)) {
        return false;
    }
    if (json_is_object(value) && (!type || strcmp(type, "unix"))) {
        error_setg(errp, "vfio-user-pci: socket type '%s' is not supported; only 'unix' is",
                   type ? type : "");
        return false;
    }
    if (!path || !*path) {
        error_setg(errp, "vfio-user-pci: socket needs a path ({\"type\":\"unix\",\"path\":PATH} or socket=PATH)");
        return false;
    }
    g_free(vdev->socket_path);
    vdev->socket_path = g_strdup(path);
    return true;
}

static void vfio_user_pci_instance_init(Object *obj)
{
    VFIOUserPCI *vdev = VFIO_USER_PCI(obj);

    vdev->coalesce = true;
    vdev->intx_fd = -1;
    object_property_add(obj, VFIO_USER_PCI_SOCKET_PROP, "SocketAddress",
                        vfio_user_pci_get_socket, vfio_user_pci_set_socket,
                        NULL, NULL);
    qdev_prop_add_bool(DEVICE(obj), VFIO_USER_PCI_COALESCE_PROP,
                       &vdev->coalesce);
    qdev_prop_add_uint64(DEVICE(obj), VFIO_USER_PCI_MAX_DMA_MAPS_PROP,
                         "uint64", &vdev->max_dma_maps_prop);
}

static void vfio_user_pci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    dc->desc = "VFIO over a vfio-user socket";
    dc->category = "Misc devices";
    dc->user_creatable = true;
    dc->hotpluggable = true;
    pc->realize = vfio_user_pci_realize;
    pc->exit = vfio_user_pci_exit;
    pc->reset = vfio_user_pci_reset;
    pc->config_read = vfio_user_pci_config_read;
    pc->config_write = vfio_user_pci_config_write;
}

static const TypeInfo vfio_user_pci_info = {
    .name = TYPE_VFIO_USER_PCI,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(VFIOUserPCI),
    .instance_init = vfio_user_pci_instance_init,
    .instance_finalize = vfio_user_pci_finalize,
    .class_init = vfio_user_pci_class_init,
};

static void vfio_user_pci_register_types(void)
{
    type_register_static(&vfio_user_pci_info);
}
type_init(vfio_user_pci_register_types)
