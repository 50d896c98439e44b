/*
 * MSI-X of VFIO devices: the device's MSI-X capability is found in its
 * config space and emulated here (hw/pci/msix.c: capability, vector table
 * over the device's BAR, PBA), one eventfd per vector.  When the guest
 * enables MSI-X the device gets the eventfds (SET_IRQS on the MSI-X index)
 * and a trigger becomes msix_notify(); when it disables MSI-X they are
 * taken back and INTx is armed again.  Part of the PCI core
 * (hw/vfio/pci-core.c, hw/vfio/pci-internal.h).
 */
#include "qemu/osdep.h"
#include "hw/pci/msix.h"
#include "hw/vfio/pci-internal.h"
#include "hw/vfio/trace.h"
#include <glib-unix.h>
#include <linux/vfio.h>
#include <sys/eventfd.h>

/* SET_IRQS carries at most this many fds per message. */
#define VFIO_PCI_MSIX_FDS_PER_MSG 8
/* A capability list longer than this loops. */
#define VFIO_PCI_MSIX_MAX_CAPS 48

typedef struct VFIOPCIMsixCap {
    uint8_t pos;
    uint8_t next;
    uint16_t ctrl;
    uint32_t table;             /* offset | BIR */
    uint32_t pba;
} VFIOPCIMsixCap;

static int vfio_pci_msix_read_config(VFIOPCICore *core, uint32_t addr,
                                     void *buf, uint32_t len)
{
    return core->ops->region_read(core->opaque, VFIO_PCI_CONFIG_REGION_INDEX,
                                  addr, buf, len);
}

/* Walk the device's capability list; true when MSI-X is in it. */
static bool vfio_pci_msix_find(VFIOPCICore *core, const uint8_t *header,
                               VFIOPCIMsixCap *cap)
{
    uint8_t pos = header[PCI_CAPABILITY_LIST] & ~3;
    uint8_t raw[12];

    if (!(pci_get_word(header + PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
        return false;
    }
    for (int n = 0; pos >= VFIO_PCI_CORE_HEADER_SIZE &&
                    n < VFIO_PCI_MSIX_MAX_CAPS; n++) {
        if (vfio_pci_msix_read_config(core, pos, raw, 2)) {
            return false;
        }
        if (raw[0] == PCI_CAP_ID_MSIX && pos <= PCI_CONFIG_SPACE_SIZE - 12 &&
            !vfio_pci_msix_read_config(core, pos, raw, sizeof(raw))) {
            cap->pos = pos;
            cap->next = raw[PCI_CAP_LIST_NEXT];
            cap->ctrl = pci_get_word(raw + PCI_MSIX_FLAGS);
            cap->table = pci_get_long(raw + PCI_MSIX_TABLE);
            cap->pba = pci_get_long(raw + PCI_MSIX_PBA);
            return true;
        }
        pos = raw[PCI_CAP_LIST_NEXT] & ~3;
    }
    return false;
}

struct VFIOPCIMsixVector {
    VFIOPCICore *core;
    unsigned int vector;
    int fd;                     /* eventfd the device triggers */
    guint watch;
};

static gboolean vfio_pci_msix_vector_cb(gint fd, GIOCondition cond,
                                        gpointer opaque)
{
    VFIOPCIMsixVector *v = opaque;
    uint64_t count;

    if (read(fd, &count, sizeof(count)) == sizeof(count)) {
        trace_vfio_pci_msix_trigger(v->core->name, v->vector);
        msix_notify(v->core->pdev, v->vector);
    }
    return G_SOURCE_CONTINUE;
}

static bool vfio_pci_msix_make_fds(VFIOPCICore *core, Error **errp)
{
    core->msix_vectors = g_new0(VFIOPCIMsixVector, core->msix_nb);
    for (unsigned int i = 0; i < core->msix_nb; i++) {
        VFIOPCIMsixVector *v = &core->msix_vectors[i];

        v->core = core;
        v->vector = i;
        v->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (v->fd < 0) {
            error_setg_errno(errp, errno, "%s: eventfd for MSI-X vector %u",
                             core->name, i);
            return false;
        }
        v->watch = g_unix_fd_add(v->fd, G_IO_IN, vfio_pci_msix_vector_cb, v);
    }
    return true;
}

/* The emulated capability, linked where the device has it. */
static bool vfio_pci_msix_init(VFIOPCICore *core, const VFIOPCIMsixCap *cap,
                               Error **errp)
{
    uint8_t tbir = cap->table & 7;
    uint8_t pbir = cap->pba & 7;
    uint8_t *cfg = core->pdev->config;
    uint8_t head = cfg[PCI_CAPABILITY_LIST];

    if (tbir >= PCI_NUM_BARS || pbir >= PCI_NUM_BARS ||
        !core->bars[tbir].registered || !core->bars[pbir].registered) {
        error_setg(errp, "%s: MSI-X table in BAR %u and PBA in BAR %u, but the device has no such BARs",
                   core->name, tbir, pbir);
        return false;
    }
    if (!msix_init(core->pdev, core->msix_nb, &core->bars[tbir].mr, tbir,
                   cap->table & ~7u, &core->bars[pbir].mr, pbir,
                   cap->pba & ~7u, cap->pos, errp)) {
        error_prepend(errp, "%s: ", core->name);
        return false;
    }
    /* msix_init put it first; the device's order stays. */
    cfg[PCI_CAPABILITY_LIST] = head;
    cfg[cap->pos + PCI_CAP_LIST_NEXT] = cap->next;
    core->msix_pos = cap->pos;
    return true;
}

bool vfio_pci_msix_setup(VFIOPCICore *core, const uint8_t *header,
                         Error **errp)
{
    VFIOPCIMsixCap cap;
    uint32_t count;

    if (!vfio_pci_msix_find(core, header, &cap)) {
        return true;
    }
    if (!core->ops->irq_info(core->opaque, VFIO_PCI_MSIX_IRQ_INDEX, &count,
                             errp)) {
        return false;
    }
    core->msix_nb = MIN(MIN((cap.ctrl & PCI_MSIX_FLAGS_QSIZE) + 1u, count),
                        VFIO_PCI_MSIX_MAX_VECTORS);
    trace_vfio_pci_msix_setup(core->name, cap.pos, core->msix_nb,
                              cap.table, cap.pba);
    if (!core->msix_nb) {
        return true;
    }
    return vfio_pci_msix_make_fds(core, errp) &&
           vfio_pci_msix_init(core, &cap, errp);
}

void vfio_pci_msix_teardown(VFIOPCICore *core)
{
    for (unsigned int i = 0; core->msix_vectors && i < core->msix_nb; i++) {
        VFIOPCIMsixVector *v = &core->msix_vectors[i];

        if (v->watch) {
            g_source_remove(v->watch);
        }
        if (v->fd >= 0) {
            close(v->fd);
        }
    }
    g_free(core->msix_vectors);
    core->msix_vectors = NULL;
    if (core->msix_pos) {
        msix_uninit(core->pdev);
        core->msix_pos = 0;
    }
    core->msix_nb = 0;
    core->msix_armed = false;
}

bool vfio_pci_msix_owns(const VFIOPCICore *core, uint32_t addr)
{
    return core->msix_pos && addr >= core->msix_pos &&
           addr < core->msix_pos + PCI_MSIX_CAP_SIZE;
}

bool vfio_pci_msix_is_on(const VFIOPCICore *core)
{
    return core->msix_pos && msix_enabled(core->pdev);
}

/* SET_IRQS of every vector's eventfd, VFIO_PCI_MSIX_FDS_PER_MSG at a time. */
static bool vfio_pci_msix_arm(VFIOPCICore *core, Error **errp)
{
    int fds[VFIO_PCI_MSIX_FDS_PER_MSG];

    for (unsigned int start = 0; start < core->msix_nb;
         start += VFIO_PCI_MSIX_FDS_PER_MSG) {
        unsigned int n = MIN(VFIO_PCI_MSIX_FDS_PER_MSG,
                             core->msix_nb - start);

        for (unsigned int i = 0; i < n; i++) {
            fds[i] = core->msix_vectors[start + i].fd;
        }
        if (!core->ops->set_irqs(core->opaque, VFIO_PCI_MSIX_IRQ_INDEX, start,
                                 n, fds, errp)) {
            return false;
        }
    }
    return true;
}

void vfio_pci_msix_switch(VFIOPCICore *core, bool on)
{
    Error *err = NULL;
    bool ok;

    trace_vfio_pci_msix_switch(core->name, on);
    if (core->ops->is_stopped(core->opaque) || on == core->msix_armed) {
        return;
    }
    if (on) {
        ok = vfio_pci_msix_arm(core, &err);
    } else {
        /* Back to INTx: the device's MSI-X triggers go, INTx's returns. */
        ok = core->ops->set_irqs(core->opaque, VFIO_PCI_MSIX_IRQ_INDEX, 0, 0,
                                 NULL, &err) &&
             (core->intx_fd < 0 ||
              core->ops->set_irqs(core->opaque, VFIO_PCI_INTX_IRQ_INDEX, 0, 1,
                                  &core->intx_fd, &err));
    }
    core->msix_armed = on;
    if (!ok) {
        warn_report("%s", error_get_pretty(err));
        error_free(err);
    }
}
