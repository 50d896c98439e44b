/*
 * vfio-user-pci: a PCI device served by a vfio-user server over a unix
 * socket (QEMU >= 10.1's device of the same name).  Realize connects,
 * checks the server's device, lets the PCI core (hw/vfio/pci-core.c) set
 * up header, BARs and INTx over REGION_READ/WRITE and SET_IRQS, and starts
 * a VFIO container whose backend sends DMA_MAP/DMA_UNMAP with the RAM's
 * fd.  Messages: hw/vfio/vfio-user.c; which memory is mapped:
 * hw/vfio/container.c.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/boards.h"
#include "hw/vfio/vfio-user.h"
#include "hw/vfio/vfio-user-pci.h"
#include "hw/vfio/trace.h"
#include <linux/vfio.h>

typedef struct VFIOUserPCI VFIOUserPCI;

struct VFIOUserPCI {
    PCIDevice parent_obj;
    char *socket_path;          /* property "socket" */
    bool coalesce;              /* property "x-coalesce" */
    uint64_t max_dma_maps_prop; /* property "x-max-dma-maps"; 0: server's */
    VFIOUserConn *conn;
    VFIOUserServerCaps caps;
    VFIOContainer container;
    bool container_inited;
    VFIOPCICore core;
};

#define VFIO_USER_PCI(obj) OBJECT_CHECK(VFIOUserPCI, (obj), TYPE_VFIO_USER_PCI)

static const char *vfio_user_pci_name(VFIOUserPCI *vdev)
{
    DeviceState *dev = DEVICE(vdev);

    return dev->id ? dev->id : TYPE_VFIO_USER_PCI;
}

/* ---- the PCI core's backend: messages ---- */

static bool vfio_user_pci_region_info(void *opaque, uint32_t index,
                                      VFIORegionInfo *info, Error **errp)
{
    VFIOUserPCI *vdev = opaque;

    return vfio_user_get_region_info(vdev->conn, index, info, errp);
}

static int vfio_user_pci_region_read(void *opaque, uint32_t index,
                                     uint64_t offset, void *buf,
                                     uint32_t count)
{
    VFIOUserPCI *vdev = opaque;

    return vfio_user_region_read(vdev->conn, index, offset, buf, count);
}

static int vfio_user_pci_region_write(void *opaque, uint32_t index,
                                      uint64_t offset, const void *buf,
                                      uint32_t count)
{
    VFIOUserPCI *vdev = opaque;

    return vfio_user_region_write(vdev->conn, index, offset, buf, count);
}

static bool vfio_user_pci_irq_info(void *opaque, uint32_t index,
                                   uint32_t *count, Error **errp)
{
    VFIOUserPCI *vdev = opaque;
    uint32_t flags;

    return vfio_user_get_irq_info(vdev->conn, index, &flags, count, errp);
}

static bool vfio_user_pci_set_irqs(void *opaque, uint32_t index,
                                   uint32_t start, uint32_t count,
                                   const int *fds, Error **errp)
{
    VFIOUserPCI *vdev = opaque;

    return vfio_user_set_irqs(vdev->conn, index, start, count, fds, errp);
}

static bool vfio_user_pci_is_stopped(void *opaque)
{
    VFIOUserPCI *vdev = opaque;

    return !vdev->conn || vfio_user_conn_is_dead(vdev->conn);
}

static const VFIOPCICoreOps vfio_user_pci_core_ops = {
    .region_info = vfio_user_pci_region_info,
    .region_read = vfio_user_pci_region_read,
    .region_write = vfio_user_pci_region_write,
    .irq_info = vfio_user_pci_irq_info,
    .set_irqs = vfio_user_pci_set_irqs,
    .is_stopped = vfio_user_pci_is_stopped,
};

static uint32_t vfio_user_pci_config_read(PCIDevice *dev, uint32_t addr,
                                          unsigned len)
{
    return vfio_pci_core_config_read(&VFIO_USER_PCI(dev)->core, addr, len);
}

static void vfio_user_pci_config_write(PCIDevice *dev, uint32_t addr,
                                       uint32_t val, unsigned len)
{
    vfio_pci_core_config_write(&VFIO_USER_PCI(dev)->core, addr, val, len);
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
        .kind = TYPE_VFIO_USER_PCI,
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
    error_setg(errp, "%s: guest RAM is not shared, so the vfio-user server cannot map it; give the machine a memory backend with share=on", vfio_user_pci_name(vdev));
    error_append_hint(errp, "e.g. -object memory-backend-memfd,id=ram0,size=SIZE,share=on -machine memory-backend=ram0\n");
    return false;
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

    if (!vdev->socket_path) {
        error_setg(errp, "vfio-user-pci: property 'socket' is required (a unix socket path)");
        return false;
    }
    if (!vfio_user_pci_check_shared_ram(vdev, errp)) {
        return false;
    }
    if (!vfio_user_pci_connect(vdev, errp) ||
        !vfio_user_pci_check_device(vdev, errp) ||
        !vfio_pci_core_setup(&vdev->core, vfio_user_pci_name(vdev), errp) ||
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
    vfio_pci_core_teardown(&vdev->core);
    vfio_user_conn_free(vdev->conn);
    vdev->conn = NULL;
}

static void vfio_user_pci_finalize(Object *obj)
{
    VFIOUserPCI *vdev = VFIO_USER_PCI(obj);

    vfio_pci_core_finalize(&vdev->core);
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
    vfio_pci_core_reset(&vdev->core);
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
    vfio_pci_core_init(&vdev->core, PCI_DEVICE(obj), &vfio_user_pci_core_ops,
                       vdev);
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
