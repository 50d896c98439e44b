/*
 * The destination side: -incoming URI / defer + migrate-incoming, accept
 * the stream, read it non-blocking on the main loop in bounded steps (QMP
 * keeps answering), check every frame (stream.c), match the header with
 * this VM (machine type, RAMBlocks, sections on both sides), load
 * sections through the registry and pages through ram.c, then post_load
 * and run as the source ran.  A bad stream ends the process with status 1
 * and one message, as QEMU's destination does.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "sysemu/runstate.h"
#include "migration/migration.h"
#include "migration/migration-internal.h"
#include "migration/trace.h"
#include "hw/boards.h"
#include <glib-unix.h>
#include <sys/socket.h>

#define MIG_IN_READ_MIN (64 * 1024)     /* bytes per read, at least */
#define MIG_IN_STEP_US 20000

/* A section the header announced, matched with ours. */
typedef struct MigInSection {
    MigSection *s;
    uint32_t version;       /* the source's */
    bool loaded;
} MigInSection;

typedef struct MigIncoming {
    MigUri uri;
    bool deferred;          /* -incoming defer, migrate-incoming not yet */
    int listen_fd;
    guint listen_watch;
    MigChannel ch;
    guint watch;
    MigStreamReader r;
    MigRamLoad *ram;
    GHashTable *sections;   /* "idstr\\nowner" -> MigInSection * */
} MigIncoming;

static MigIncoming *mig_in;

/* On a socket, tell the source how it ended ("OK" / "ERR message"). */
static void mig_in_answer(const char *line)
{
    size_t len = strlen(line);
    size_t done = 0;

    if (!mig_in || mig_in->ch.fd < 0 || (mig_in->uri.kind != MIG_URI_UNIX &&
                                         mig_in->uri.kind != MIG_URI_TCP)) {
        return;
    }
    while (done < len) {
        ssize_t n = send(mig_in->ch.fd, line + done, len - done,
                         MSG_NOSIGNAL);

        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;   /* a few bytes: the buffer drains at once */
        }
        if (n <= 0) {
            return;
        }
        done += n;
    }
}

/* No automatic cleanup here: exit() leaves no scope (LeakSanitizer). */
static void QEMU_NORETURN mig_in_fail(Error *err)
{
    char *line = g_strdup_printf("ERR %s\n", error_get_pretty(err));

    mig_in_answer(line);
    g_free(line);
    error_report("load of migration failed: %s", error_get_pretty(err));
    error_free(err);
    exit(1);
}

static char *mig_in_key(const char *idstr, const char *owner)
{
    return g_strdup_printf("%s\n%s", idstr, owner);
}

/* ---- the header ---- */

static bool mig_in_add_section(MigIncoming *in, MigFields *f, Error **errp)
{
    g_autofree char *idstr = NULL;
    g_autofree char *owner = NULL;
    MigInSection *is;
    uint8_t phase;
    uint32_t version;
    MigSection *s;

    if (!mig_get_str(f, "idstr", &idstr, errp) ||
        !mig_get_str(f, "owner", &owner, errp) ||
        !mig_get_u8(f, "phase", &phase, errp) ||
        !mig_get_u32(f, "version", &version, errp)) {
        return false;
    }
    s = migration_section_find(idstr, owner);
    if (!s) {
        error_setg(errp, "section '%s' (%s) of the source does not exist here (a device or backend missing on this VM?)", idstr,
                   owner);
        return false;
    }
    if (s->ops->phase != phase) {
        error_setg(errp, "section '%s' (%s): phase %u on the source, %u here", idstr, owner, phase, s->ops->phase);
        return false;
    }
    is = g_new0(MigInSection, 1);
    is->s = s;
    is->version = version;
    if (!g_hash_table_insert(in->sections, mig_in_key(idstr, owner), is)) {
        error_setg(errp, "section '%s' (%s) is listed twice", idstr, owner);
        return false;
    }
    return true;
}

/* Every section of ours must be in the stream: the same devices. */
static bool mig_in_check_all_listed(MigIncoming *in, Error **errp)
{
    GPtrArray *list = migration_sections();

    for (guint i = 0; i < list->len; i++) {
        MigSection *s = g_ptr_array_index(list, i);
        g_autofree char *key = mig_in_key(s->idstr, s->owner_path);

        if (!g_hash_table_contains(in->sections, key)) {
            error_setg(errp, "section '%s' (%s) exists here but not on the source (a device or backend missing there?)",
                       s->idstr, s->owner_path);
            return false;
        }
    }
    return true;
}

static bool mig_in_load_header(MigIncoming *in, const MigFrame *fr,
                               Error **errp)
{
    g_autoptr(MigFields) f = mig_fields_new_reader(fr->payload, fr->len);
    const char *mine = current_machine ?
                       MACHINE_GET_CLASS(current_machine)->name : "none";
    uint32_t nb = 0;
    bool ok;

    mig_fields_set_section(f, "header", "stream");
    ok = mig_check_str(f, "machine-type", mine, errp) &&
         (in->ram = mig_ram_load_header(f, errp)) != NULL &&
         mig_get_u32(f, "nb-sections", &nb, errp);
    for (uint32_t i = 0; ok && i < nb; i++) {
        ok = mig_in_add_section(in, f, errp);
    }
    ok = ok && mig_fields_check_end(f, errp) &&
         mig_in_check_all_listed(in, errp);
    if (!ok && g_str_has_prefix(error_get_pretty(*errp), "field ")) {
        mig_fields_error_prefix(f, errp);
    }
    return ok;
}

/* ---- sections ---- */

static bool mig_in_load_section(MigIncoming *in, const MigFrame *fr,
                                Error **errp)
{
    g_autoptr(MigFields) f = mig_fields_new_reader(fr->payload, fr->len);
    g_autofree char *idstr = NULL;
    g_autofree char *owner = NULL;
    g_autofree char *key = NULL;
    MigInSection *is;
    MigPhase phase = fr->type == MIG_FRAME_EARLY ? MIG_PHASE_EARLY
                                                 : MIG_PHASE_DEVICE;

    if (!mig_get_str(f, "idstr", &idstr, errp) ||
        !mig_get_str(f, "owner", &owner, errp)) {
        error_prepend(errp, "frame %u (%s): ", fr->seq,
                      mig_frame_type_name(fr->type));
        return false;
    }
    key = mig_in_key(idstr, owner);
    is = g_hash_table_lookup(in->sections, key);
    if (!is || is->loaded || is->s->ops->phase != phase) {
        error_setg(errp, "frame %u (%s): section '%s' (%s) is %s", fr->seq,
                   mig_frame_type_name(fr->type), idstr, owner,
                   !is ? "not in the header" :
                   is->loaded ? "sent twice" : "in the wrong phase");
        return false;
    }
    is->loaded = true;
    return migration_section_load(is->s, f, is->version, errp);
}

static bool mig_in_post_load(MigIncoming *in, Error **errp)
{
    GPtrArray *list = migration_sections();

    for (guint i = 0; i < list->len; i++) {
        MigSection *s = g_ptr_array_index(list, i);
        g_autofree char *key = mig_in_key(s->idstr, s->owner_path);
        MigInSection *is = g_hash_table_lookup(in->sections, key);

        if (!is->loaded) {
            error_setg(errp, "section '%s' (%s) is in the header but never arrived", s->idstr, s->owner_path);
            return false;
        }
    }
    for (guint i = 0; i < list->len; i++) {
        MigSection *s = g_ptr_array_index(list, i);

        if (s->ops->post_load && !s->ops->post_load(s->opaque, errp)) {
            error_prepend(errp, "section '%s' (%s): ", s->idstr,
                          s->owner_path);
            return false;
        }
    }
    return true;
}

/* ---- the end ---- */

static void mig_in_close(MigIncoming *in)
{
    g_clear_handle_id(&in->watch, g_source_remove);
    mig_channel_close(&in->ch);
    mig_ram_load_free(in->ram);     /* its worker recycles into r.spare */
    in->ram = NULL;
    mig_stream_reader_destroy(&in->r);
    g_clear_pointer(&in->sections, g_hash_table_destroy);
}

/* As QEMU: run if the source ran and we may; else take its state. */
static void mig_in_complete(MigIncoming *in)
{
    g_autofree char *src_state = NULL;
    Error *err = NULL;

    mig_ram_load_flush(in->ram);
    if (!mig_in_post_load(in, &err)) {
        mig_in_fail(err);
    }
    src_state = g_strdup(in->r.runstate);
    mig_in_answer("OK\n");
    mig_in_close(in);
    migration_set_incoming_active(false);
    migration_set_status(MIGRATION_STATUS_COMPLETED);
    if (!strcmp(src_state, "running")) {
        if (runstate_get_autostart()) {
            vm_start();
        } else {
            vm_stop(RUN_STATE_PAUSED);
        }
    } else {
        vm_stop(!strcmp(src_state, "prelaunch") ? RUN_STATE_PRELAUNCH
                                                : RUN_STATE_PAUSED);
    }
}

/* ---- reading ---- */

static bool mig_in_frame(MigIncoming *in, const MigFrame *fr, Error **errp)
{
    switch (fr->type) {
    case MIG_FRAME_HEADER:
        return mig_in_load_header(in, fr, errp);
    case MIG_FRAME_EARLY:
        return mig_in_load_section(in, fr, errp);
    case MIG_FRAME_DEVICE:
        /* device state after all RAM is in place */
        mig_ram_load_flush(in->ram);
        return mig_in_load_section(in, fr, errp);
    case MIG_FRAME_RAM_DATA: {
        g_autoptr(GByteArray) owner = mig_stream_frame_buffer(&in->r);

        return mig_ram_load_frame(in->ram, fr, owner, in->r.spare, errp);
    }
    case MIG_FRAME_RAM_ZERO:
        return mig_ram_load_frame(in->ram, fr, NULL, NULL, errp);
    default:
        return true;    /* PASS, END: checked by the reader */
    }
}

/* Parse what arrived; true once END was applied. */
static bool mig_in_process(MigIncoming *in)
{
    Error *err = NULL;
    MigFrame fr;
    int rc;

    while ((rc = mig_stream_next(&in->r, &fr, &err)) == 1) {
        if (!mig_in_frame(in, &fr, &err)) {
            mig_in_fail(err);
        }
        if (fr.type == MIG_FRAME_END) {
            mig_in_complete(in);
            return true;
        }
    }
    if (rc < 0) {
        mig_in_fail(err);
    }
    return false;
}

static gboolean mig_in_readable_cb(gint fd, GIOCondition cond,
                                   gpointer opaque)
{
    MigIncoming *in = opaque;
    int64_t deadline = g_get_monotonic_time() + MIG_IN_STEP_US;
    Error *err = NULL;

    while (g_get_monotonic_time() < deadline) {
        /* up to the end of a big frame: what is left over stays small */
        size_t want = MAX(mig_stream_wanted(&in->r), MIG_IN_READ_MIN);
        uint8_t *space = mig_stream_feed_space(&in->r, want);
        ssize_t n = read(fd, space, want);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return G_SOURCE_CONTINUE;
        }
        if (n <= 0) {
            if (n < 0) {
                error_setg_errno(&err, errno, "reading the stream failed");
            } else {
                mig_stream_finish(&in->r, &err);
            }
            mig_in_fail(err);
        }
        mig_stream_feed_commit(&in->r, n);
        if (mig_in_process(in)) {
            in->watch = 0;
            return G_SOURCE_REMOVE;
        }
    }
    return G_SOURCE_CONTINUE;
}

static void mig_in_begin_stream(MigIncoming *in)
{
    mig_stream_reader_init(&in->r);
    in->sections = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         g_free);
    migration_set_incoming_active(true);
    migration_set_status(MIGRATION_STATUS_ACTIVE);
    in->watch = g_unix_fd_add(in->ch.fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                              mig_in_readable_cb, in);
}

static gboolean mig_in_accept_cb(gint fd, GIOCondition cond, gpointer opaque)
{
    MigIncoming *in = opaque;
    int conn = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

    if (conn < 0) {
        return G_SOURCE_CONTINUE;
    }
    /* one stream per -incoming, as QEMU: stop listening */
    close(in->listen_fd);
    in->listen_fd = -1;
    in->listen_watch = 0;
    if (in->uri.kind == MIG_URI_UNIX) {
        unlink(in->uri.path);
    }
    in->ch.fd = conn;
    mig_socket_set_buffers(conn);
    mig_in_begin_stream(in);
    return G_SOURCE_REMOVE;
}

bool migration_incoming_start(const char *uri, Error **errp)
{
    MigIncoming *in = mig_in;

    if (!mig_uri_parse(uri, &in->uri, errp) ||
        !mig_channel_listen(&in->uri, &in->listen_fd, &in->ch, errp)) {
        mig_uri_clear(&in->uri);
        return false;
    }
    in->deferred = false;
    if (in->listen_fd >= 0) {
        in->listen_watch = g_unix_fd_add(in->listen_fd, G_IO_IN,
                                         mig_in_accept_cb, in);
    } else {
        mig_in_begin_stream(in);
    }
    return true;
}

bool migration_incoming_init(const char *uri, Error **errp)
{
    Error *err = NULL;

    mig_in = g_new0(MigIncoming, 1);
    mig_in->listen_fd = -1;
    mig_in->ch.fd = -1;
    vm_stop(RUN_STATE_INMIGRATE);
    if (!strcmp(uri, "defer")) {
        mig_in->deferred = true;
        return true;
    }
    if (!migration_incoming_start(uri, &err)) {
        /* the command line's wording for an unknown scheme, as QEMU */
        if (g_str_has_prefix(error_get_pretty(err), "Parameter 'uri'")) {
            error_free(err);
            err = NULL;
            error_setg(&err, "unknown migration protocol: %s", uri);
        }
        error_propagate(errp, err);
        return false;
    }
    return true;
}

bool migration_incoming_is_set(void)
{
    return mig_in != NULL;
}

bool migration_incoming_is_deferred(void)
{
    return mig_in && mig_in->deferred;
}

void migration_incoming_info(json_t *info)
{
    json_t *addr;

    if (!mig_in || mig_in->listen_fd < 0) {
        return;
    }
    if (mig_in->uri.kind == MIG_URI_UNIX) {
        addr = json_pack("{s:s, s:s}", "path", mig_in->uri.path, "type",
                         "unix");
    } else {
        g_autofree char *port = g_strdup_printf(
            "%d", mig_listen_port(mig_in->listen_fd));

        addr = json_pack("{s:s, s:s, s:s}", "host", mig_in->uri.host,
                         "port", port, "type", "inet");
    }
    json_object_set_new(info, "socket-address", json_pack("[o]", addr));
}
