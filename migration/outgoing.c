/*
 * The source side of a migration, on the main loop: connect, header and
 * early sections, pre-copy RAM passes until what is left fits in
 * downtime-limit at the measured bandwidth, stop the VM, the last pass,
 * device sections, END.  Writes are non-blocking; the stream is produced
 * only as fast as the transport takes it (and max-bandwidth allows), in
 * bounded steps from an idle source, so QMP keeps answering.  Frames are
 * stream.c's, pages ram.c's, commands migration-qmp.c's.
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "monitor/monitor.h"
#include "sysemu/runstate.h"
#include "migration/migration-internal.h"
#include "migration/trace.h"
#include <glib-unix.h>
#include <sys/socket.h>

#define MIG_OUT_CHUNK (4 * MiB)         /* produced per step */
#define MIG_OUT_STEP_US 20000           /* main-loop time per turn */
#define MIG_OUT_MAX_PASSES 30           /* then stop and copy anyway */
#define MIG_OUT_WINDOW_US 100000        /* max-bandwidth accounting */

typedef enum MigOutPhase {
    MIG_OUT_PRECOPY,        /* RAM passes, the VM as it was */
    MIG_OUT_PAUSED,         /* VM stopped, waiting for migrate-continue */
    MIG_OUT_FINAL,          /* VM stopped: last pass */
    MIG_OUT_FLUSH,          /* END written, waiting for it to be sent */
    MIG_OUT_ACK,            /* sent: waiting for the destination's answer */
} MigOutPhase;

typedef struct MigOutgoing {
    MigChannel ch;
    bool return_path;       /* a socket: the destination answers OK/ERR */
    GString *answer;        /* what it answered so far */
    MigStreamWriter w;
    MigRamSave *ram;        /* NULL once finished */
    MigOutPhase phase;
    RunState prev_state;    /* run state at migrate, then at switchover */
    bool stopped;           /* we stopped the VM for switchover */
    guint watch;            /* fd writable */
    guint idle;             /* produce more */
    guint timer;            /* max-bandwidth pause */
    int64_t start_us;
    int64_t setup_us;       /* duration of setup */
    int64_t stop_us;        /* when the VM was stopped (0: not yet) */
    int64_t end_us;         /* when finished (0: not yet) */
    int64_t window_us;      /* start of the bandwidth window */
    uint64_t window_bytes;  /* sent in it */
    uint64_t sent;          /* bytes the transport took */
    uint64_t downtime_bytes;    /* sent with the VM stopped */
    double bytes_per_us;    /* measured, for the threshold */
    MigRamStats stats;      /* a copy, kept after the end */
    uint64_t remaining;
    char *error;            /* error-desc when failed */
} MigOutgoing;

static MigOutgoing *mig_out;

static void mig_out_schedule(MigOutgoing *o);
static void mig_out_finish(MigOutgoing *o, MigrationStatus status);

static void mig_out_free(MigOutgoing *o)
{
    if (o) {
        if (o->answer) {
            g_string_free(o->answer, true);
        }
        g_free(o->error);
        g_free(o);
    }
}

static void mig_out_fail(MigOutgoing *o, Error *err)
{
    o->error = g_strdup(error_get_pretty(err));
    trace_mig_out_fail(o->error);
    error_free(err);
    mig_out_finish(o, MIGRATION_STATUS_FAILED);
}

static void mig_out_clear_sources(MigOutgoing *o)
{
    g_clear_handle_id(&o->watch, g_source_remove);
    g_clear_handle_id(&o->idle, g_source_remove);
    g_clear_handle_id(&o->timer, g_source_remove);
}

/* Resume the VM as it was before migrate, or mark it migrated. */
static void mig_out_set_runstate(MigOutgoing *o, MigrationStatus status)
{
    if (status == MIGRATION_STATUS_COMPLETED) {
        vm_stop(RUN_STATE_POSTMIGRATE);
    } else if (o->stopped && o->prev_state == RUN_STATE_RUNNING) {
        vm_start();
    } else if (o->stopped) {
        vm_stop(o->prev_state);
    }
}

static void mig_out_finish(MigOutgoing *o, MigrationStatus status)
{
    mig_out_clear_sources(o);
    mig_channel_close(&o->ch);
    if (o->ram) {
        o->stats = *mig_ram_save_stats(o->ram);
        mig_ram_save_free(o->ram);      /* stops the dirty log */
        o->ram = NULL;
    }
    mig_stream_writer_destroy(&o->w);
    o->end_us = g_get_monotonic_time();
    mig_out_set_runstate(o, status);
    migration_set_status(status);
}

/* ---- writing ---- */

/*
 * Read what the destination answered: true with errp set to its refusal
 * ("ERR message" line); *done when it confirmed ("OK" line).
 */
static bool mig_out_parse_answer(MigOutgoing *o, bool *done, Error **errp)
{
    const char *nl = strchr(o->answer->str, '\n');

    *done = false;
    if (!nl) {
        return false;
    }
    if (g_str_has_prefix(o->answer->str, "OK\n")) {
        *done = true;
        return false;
    }
    error_setg(errp, "the destination refused the stream: %.*s",
               (int)(nl - o->answer->str) -
               (g_str_has_prefix(o->answer->str, "ERR ") ? 4 : 0),
               o->answer->str +
               (g_str_has_prefix(o->answer->str, "ERR ") ? 4 : 0));
    return true;
}

/* Read the destination's answer: -1 EOF, 0 nothing (yet), 1 bytes. */
static int mig_out_read_answer(MigOutgoing *o)
{
    char buf[4096];
    ssize_t n;

    if (!o->answer) {
        o->answer = g_string_new(NULL);
    }
    n = recv(o->ch.fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
    if (n == 0) {
        return -1;
    }
    if (n < 0) {
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    }
    g_string_append_len(o->answer, buf, n);
    return 1;
}

/* After a failed write: did the destination say why it gave up? */
static bool mig_out_read_refusal(MigOutgoing *o, Error **errp)
{
    bool done;

    if (!o->return_path) {
        return false;
    }
    while (mig_out_read_answer(o) > 0) {
        continue;
    }
    return mig_out_parse_answer(o, &done, errp);
}

/* Send what the fd takes: 1 all sent, 0 would block, -1 failed (errp). */
static int mig_out_flush(MigOutgoing *o, Error **errp)
{
    while (mig_stream_pending(&o->w)) {
        ssize_t n = write(o->ch.fd, mig_stream_pending_data(&o->w),
                          MIN(mig_stream_pending(&o->w), MIG_OUT_CHUNK));

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return 0;
        }
        if (n <= 0) {
            int err = n < 0 ? errno : EPIPE;

            if (!mig_out_read_refusal(o, errp)) {
                error_setg_errno(errp, err, "failed writing the migration stream");
            }
            return -1;
        }
        mig_stream_consume(&o->w, n);
        o->sent += n;
        o->window_bytes += n;
        if (o->stop_us) {
            o->downtime_bytes += n;
        }
    }
    return 1;
}

/* max-bandwidth: bytes per 100 ms window; true when we must wait. */
static bool mig_out_throttled(MigOutgoing *o, int64_t now)
{
    uint64_t limit = migration_max_bandwidth();

    if (now - o->window_us >= MIG_OUT_WINDOW_US) {
        o->window_us = now;
        o->window_bytes = 0;
    }
    return limit && !o->stop_us &&
           o->window_bytes >= limit / (1000000 / MIG_OUT_WINDOW_US);
}

/* ---- producing ---- */

static void mig_out_start_pass(MigOutgoing *o)
{
    mig_ram_start_pass(o->ram);
    if (migration_capability_enabled(MIG_CAP_EVENTS)) {
        qapi_event_send("MIGRATION_PASS", json_pack(
            "{s:I}", "pass",
            (json_int_t)mig_ram_save_stats(o->ram)->dirty_sync_count));
    }
}

/* Stop the VM for the last pass (or pause before it, with the cap). */
static void mig_out_switchover(MigOutgoing *o)
{
    /* the state to report and to return to: as it is now (stop / cont) */
    o->prev_state = runstate_get();
    o->stopped = true;
    o->stop_us = g_get_monotonic_time();
    vm_stop(RUN_STATE_FINISH_MIGRATE);
    if (migration_capability_enabled(MIG_CAP_PAUSE_BEFORE_SWITCHOVER)) {
        o->phase = MIG_OUT_PAUSED;
        migration_set_status(MIGRATION_STATUS_PRE_SWITCHOVER);
        return;
    }
    o->phase = MIG_OUT_FINAL;
    mig_out_start_pass(o);
}

/* At the end of a pre-copy pass: another one, or stop and copy. */
static void mig_out_after_pass(MigOutgoing *o, int64_t now)
{
    uint64_t pending = mig_ram_dirty_pending(o->ram);
    double threshold;

    if (o->sent && now > o->start_us) {
        o->bytes_per_us = (double)o->sent / (now - o->start_us);
    }
    threshold = o->bytes_per_us * migration_downtime_limit_ms() * 1000.0;
    o->remaining = pending;
    if (pending <= threshold ||
        mig_ram_save_stats(o->ram)->dirty_sync_count >= MIG_OUT_MAX_PASSES) {
        mig_out_switchover(o);
    } else {
        mig_out_start_pass(o);
    }
}

static void mig_out_produce(MigOutgoing *o, int64_t now)
{
    switch (o->phase) {
    case MIG_OUT_PRECOPY:
        if (mig_ram_save_iterate(o->ram, &o->w, MIG_OUT_CHUNK)) {
            mig_out_after_pass(o, now);
        }
        break;
    case MIG_OUT_FINAL:
        if (mig_ram_save_iterate(o->ram, &o->w, MIG_OUT_CHUNK)) {
            migration_put_sections(&o->w, MIG_PHASE_DEVICE);
            mig_stream_put_end(&o->w, runstate_name(o->prev_state));
            o->phase = MIG_OUT_FLUSH;
        }
        break;
    default:
        break;
    }
}

/* What a step waits for next. */
typedef enum MigOutWait {
    MIG_OUT_AGAIN,          /* more to do: the next idle turn */
    MIG_OUT_WRITABLE,       /* the transport is full */
    MIG_OUT_WINDOW,         /* max-bandwidth used up in this window */
    MIG_OUT_READABLE,       /* the destination's answer */
    MIG_OUT_NOTHING,        /* finished, or paused for migrate-continue */
} MigOutWait;

/* One main-loop turn of work (at most MIG_OUT_STEP_US). */
static MigOutWait mig_out_step(MigOutgoing *o)
{
    int64_t deadline = g_get_monotonic_time() + MIG_OUT_STEP_US;
    Error *err = NULL;

    for (;;) {
        int64_t now = g_get_monotonic_time();
        int rc = mig_out_flush(o, &err);

        if (rc < 0) {
            mig_out_fail(o, err);
            return MIG_OUT_NOTHING;
        }
        if (rc == 0) {
            return MIG_OUT_WRITABLE;
        }
        if (o->phase == MIG_OUT_FLUSH && o->return_path) {
            o->phase = MIG_OUT_ACK;
            return MIG_OUT_READABLE;
        }
        if (o->phase == MIG_OUT_FLUSH) {
            mig_out_finish(o, MIGRATION_STATUS_COMPLETED);
            return MIG_OUT_NOTHING;
        }
        if (o->phase == MIG_OUT_PAUSED) {
            return MIG_OUT_NOTHING;
        }
        if (mig_out_throttled(o, now)) {
            return MIG_OUT_WINDOW;
        }
        if (now >= deadline) {
            return MIG_OUT_AGAIN;
        }
        mig_out_produce(o, now);
    }
}

static gboolean mig_out_timer_cb(gpointer opaque)
{
    MigOutgoing *o = opaque;

    o->timer = 0;
    mig_out_schedule(o);
    return G_SOURCE_REMOVE;
}

static gboolean mig_out_writable_cb(gint fd, GIOCondition cond,
                                    gpointer opaque)
{
    MigOutgoing *o = opaque;

    o->watch = 0;
    mig_out_schedule(o);
    return G_SOURCE_REMOVE;
}

static gboolean mig_out_answer_cb(gint fd, GIOCondition cond,
                                  gpointer opaque)
{
    MigOutgoing *o = opaque;
    Error *err = NULL;
    bool done;
    int rc;

    while ((rc = mig_out_read_answer(o)) > 0) {
        continue;
    }
    if (mig_out_parse_answer(o, &done, &err)) {
        o->watch = 0;
        mig_out_fail(o, err);
        return G_SOURCE_REMOVE;
    }
    if (done || rc < 0) {
        o->watch = 0;
        if (done) {
            mig_out_finish(o, MIGRATION_STATUS_COMPLETED);
        } else {
            error_setg(&err, "the destination closed the connection without confirming the stream");
            mig_out_fail(o, err);
        }
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static gboolean mig_out_idle_cb(gpointer opaque)
{
    MigOutgoing *o = opaque;

    o->idle = 0;
    switch (mig_out_step(o)) {
    case MIG_OUT_AGAIN:
        mig_out_schedule(o);
        break;
    case MIG_OUT_WRITABLE:
        o->watch = g_unix_fd_add(o->ch.fd, G_IO_OUT | G_IO_ERR | G_IO_HUP,
                                 mig_out_writable_cb, o);
        break;
    case MIG_OUT_READABLE:
        o->watch = g_unix_fd_add(o->ch.fd, G_IO_IN | G_IO_ERR | G_IO_HUP,
                                 mig_out_answer_cb, o);
        break;
    case MIG_OUT_WINDOW:
        o->timer = g_timeout_add(MIG_OUT_WINDOW_US / 1000 / 4,
                                 mig_out_timer_cb, o);
        break;
    default:
        break;
    }
    return G_SOURCE_REMOVE;
}

/* Idle priority: QMP and the other fd handlers run between steps. */
static void mig_out_schedule(MigOutgoing *o)
{
    if (!o->idle) {
        o->idle = g_idle_add(mig_out_idle_cb, o);
    }
}

/* ---- starting ---- */

static void mig_out_begin_stream(MigOutgoing *o)
{
    o->ram = mig_ram_save_new();    /* starts the dirty log */
    mig_stream_writer_init(&o->w);
    migration_put_header(&o->w, o->ram);
    migration_put_sections(&o->w, MIG_PHASE_EARLY);
    o->setup_us = g_get_monotonic_time() - o->start_us;
    o->window_us = g_get_monotonic_time();
    mig_out_start_pass(o);
    migration_set_status(MIGRATION_STATUS_ACTIVE);
    mig_out_schedule(o);
}

typedef struct MigOutConnect {
    MigOutgoing *o;
    MigUri uri;
} MigOutConnect;

/* After migrate has answered, as QEMU: a failed connect is 'failed'. */
static gboolean mig_out_connect_cb(gpointer opaque)
{
    MigOutConnect *c = opaque;
    Error *err = NULL;

    if (mig_out == c->o && migration_get_status() == MIGRATION_STATUS_SETUP) {
        c->o->return_path = c->uri.kind == MIG_URI_UNIX ||
                            c->uri.kind == MIG_URI_TCP;
        if (mig_channel_connect(&c->uri, &c->o->ch, &err)) {
            mig_out_begin_stream(c->o);
        } else {
            mig_out_fail(c->o, err);
        }
    }
    mig_uri_clear(&c->uri);
    g_free(c);
    return G_SOURCE_REMOVE;
}

bool migration_outgoing_start(const char *uri, Error **errp)
{
    MigOutConnect *c = g_new0(MigOutConnect, 1);

    if (!mig_uri_parse(uri, &c->uri, errp)) {
        g_free(c);
        return false;
    }
    mig_out_free(mig_out);
    mig_out = g_new0(MigOutgoing, 1);
    mig_out->ch.fd = -1;
    mig_out->start_us = g_get_monotonic_time();
    mig_out->prev_state = runstate_get();
    c->o = mig_out;
    migration_set_status(MIGRATION_STATUS_SETUP);
    g_idle_add(mig_out_connect_cb, c);
    return true;
}

bool migration_outgoing_is_running(void)
{
    return mig_out && !mig_out->end_us;
}

void migration_outgoing_cancel(void)
{
    MigrationStatus st = migration_get_status();

    if (!mig_out || mig_out->end_us || st == MIGRATION_STATUS_NONE ||
        st == MIGRATION_STATUS_COMPLETED || st == MIGRATION_STATUS_FAILED ||
        st == MIGRATION_STATUS_CANCELLED) {
        return;
    }
    migration_set_status(MIGRATION_STATUS_CANCELLING);
    mig_out_finish(mig_out, MIGRATION_STATUS_CANCELLED);
}

bool migration_outgoing_continue(Error **errp)
{
    if (!mig_out || mig_out->phase != MIG_OUT_PAUSED ||
        migration_get_status() != MIGRATION_STATUS_PRE_SWITCHOVER) {
        error_setg(errp, "Migration not in expected state: %s",
                   migration_status_name(migration_get_status()));
        return false;
    }
    migration_set_status(MIGRATION_STATUS_DEVICE);
    mig_out->phase = MIG_OUT_FINAL;
    mig_out_start_pass(mig_out);
    mig_out_schedule(mig_out);
    return true;
}

/* ---- query-migrate ---- */

static json_t *mig_out_ram_info(MigOutgoing *o, int64_t now)
{
    const MigRamStats *st = o->ram ? mig_ram_save_stats(o->ram) : &o->stats;
    double secs = (double)(now - o->start_us) / 1e6;
    double mbps = secs > 0 ? o->sent * 8.0 / 1e6 / secs : 0;

    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:I, "
                     "s:I, s:I, s:I, s:I, s:I}",
                     "transferred", (json_int_t)o->sent,
                     "remaining", (json_int_t)(o->ram ?
                         mig_ram_save_remaining(o->ram) : 0),
                     "total", (json_int_t)st->total,
                     "duplicate", (json_int_t)st->duplicate,
                     "skipped", (json_int_t)0,
                     "normal", (json_int_t)st->normal,
                     "normal-bytes", (json_int_t)(st->normal * 4096),
                     "dirty-sync-count", (json_int_t)st->dirty_sync_count,
                     "mbps", mbps,
                     "pages-per-second", (json_int_t)(secs > 0 ?
                         (st->normal + st->duplicate) / secs : 0),
                     "page-size", (json_int_t)4096,
                     "precopy-bytes", (json_int_t)(o->sent -
                                                   o->downtime_bytes),
                     "downtime-bytes", (json_int_t)o->downtime_bytes,
                     "postcopy-bytes", (json_int_t)0,
                     "dirty-pages-rate", (json_int_t)0);
}

void migration_outgoing_info(json_t *info)
{
    MigrationStatus st = migration_get_status();
    int64_t now;

    if (!mig_out) {
        return;
    }
    now = mig_out->end_us ? mig_out->end_us : g_get_monotonic_time();
    if (st == MIGRATION_STATUS_FAILED && mig_out->error) {
        json_object_set_new(info, "error-desc",
                            json_string(mig_out->error));
    }
    if (st == MIGRATION_STATUS_SETUP || st == MIGRATION_STATUS_FAILED) {
        return;
    }
    json_object_set_new(info, "total-time",
                        json_integer((now - mig_out->start_us) / 1000));
    json_object_set_new(info, "setup-time",
                        json_integer(mig_out->setup_us / 1000));
    if (st == MIGRATION_STATUS_COMPLETED) {
        json_object_set_new(info, "downtime", json_integer(
            (mig_out->end_us - mig_out->stop_us) / 1000));
    } else if (!mig_out->end_us) {
        json_object_set_new(info, "expected-downtime", json_integer(
            mig_out->bytes_per_us > 0 ?
            (json_int_t)(mig_out->remaining / mig_out->bytes_per_us / 1000)
            : (json_int_t)migration_downtime_limit_ms()));
    }
    json_object_set_new(info, "ram", mig_out_ram_info(mig_out, now));
}
