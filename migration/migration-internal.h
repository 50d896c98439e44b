/*
 * Declarations shared inside migration/: the MigFields codec's buffers
 * (fields.c), the section registry (registry.c), the state of the one
 * migration this VM takes part in (migration.c), capabilities and
 * parameters (options.c).  Nothing outside migration/ includes this.
 */
#ifndef MIGRATION_MIGRATION_INTERNAL_H
#define MIGRATION_MIGRATION_INTERNAL_H

#include "qemu/osdep.h"
#include "migration/register.h"
#include <jansson.h>

/* Little-endian integers of size bytes (1..8), as every frame has them. */
static inline void mig_le_put(uint8_t *p, uint64_t v, unsigned int size)
{
    for (unsigned int i = 0; i < size; i++) {
        p[i] = v >> (8 * i);
    }
}

static inline uint64_t mig_le_get(const uint8_t *p, unsigned int size)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < size; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

/* ---- fields.c ---- */

MigFields *mig_fields_new_writer(void);
/* Read fields from buf (borrowed: it must outlive f). */
MigFields *mig_fields_new_reader(const void *buf, size_t len);
/* Name the section for mig_fields_error_prefix. */
void mig_fields_set_section(MigFields *f, const char *idstr,
                            const char *owner);
/* Writer: the bytes encoded so far (owned by f). */
const uint8_t *mig_fields_data(const MigFields *f, size_t *len);
/* Reader: fail if bytes are left after the last field read. */
bool mig_fields_check_end(MigFields *f, Error **errp);
void mig_fields_free(MigFields *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MigFields, mig_fields_free)

/* ---- registry.c ---- */

typedef struct MigSection {
    char *idstr;
    char *owner_path;           /* QOM path at registration */
    const MigStateOps *ops;
    void *opaque;
} MigSection;

/* Every registered section, in registration order (borrowed). */
GPtrArray *migration_sections(void);
MigSection *migration_section_find(const char *idstr, const char *owner);
/*
 * Save one section's fields into a new writer / load them from a reader,
 * with the section's name prefixed to any error, and every field read.
 */
MigFields *migration_section_save(MigSection *s);
bool migration_section_load(MigSection *s, MigFields *f, uint32_t version,
                            Error **errp);

/* ---- crc32c.c ---- */

/* CRC32C of buf continuing crc (start with 0).  Any thread. */
uint32_t mig_crc32c_update(uint32_t crc, const void *buf, size_t len);
/* The same without the CPU instruction (tests compare the two). */
uint32_t mig_crc32c_portable(uint32_t crc, const void *buf, size_t len);

/* ---- stream.c ---- */

/*
 * The stream: MIG_STREAM_MAGIC, version (u32 LE), then frames, each
 * type (u8), seq (u32, 0 for the first), payload length (u32), payload,
 * CRC32C of all of that (u32).  Order: HEADER, EARLY*, then RAM_DATA /
 * RAM_ZERO / PASS (at least one PASS), DEVICE*, END.  All integers LE.
 */
#define MIG_STREAM_MAGIC "HOTMEMIG"
#define MIG_STREAM_MAGIC_SIZE 8
#define MIG_STREAM_VERSION 1
#define MIG_STREAM_PREFIX_SIZE (MIG_STREAM_MAGIC_SIZE + 4)
#define MIG_FRAME_HEAD_SIZE 9
#define MIG_FRAME_TAIL_SIZE 4
/* RAM frames carry up to 1 MiB of pages plus their small head. */
#define MIG_FRAME_MAX_PAYLOAD ((1u << 20) + 64)

typedef enum MigFrameType {
    MIG_FRAME_HEADER = 1,   /* MigFields: machine type, RAMBlocks, sections */
    MIG_FRAME_EARLY,        /* MigFields: idstr, owner, section's fields */
    MIG_FRAME_RAM_DATA,     /* block idx u16, offset u64, whole pages */
    MIG_FRAME_RAM_ZERO,     /* block idx u16, offset u64, length u64 */
    MIG_FRAME_PASS,         /* pass number u32: the end of a RAM pass */
    MIG_FRAME_DEVICE,       /* as EARLY, after the last pass */
    MIG_FRAME_END,          /* MigFields: frames, crc-of-crcs, runstate */
    MIG_FRAME__MAX,
} MigFrameType;

const char *mig_frame_type_name(unsigned int type);

typedef struct MigStreamWriter {
    GByteArray *buf;        /* produced, from offset taken on unsent */
    size_t taken;           /* bytes at the start of buf already sent */
    uint32_t seq;           /* frames written */
    uint32_t crc_of_crcs;   /* CRC32C over every frame's CRC, in order */
    uint64_t total;         /* bytes produced, prefix included */
} MigStreamWriter;

/* Starts with the prefix. */
void mig_stream_writer_init(MigStreamWriter *w);
void mig_stream_writer_destroy(MigStreamWriter *w);
/* One frame whose payload is a then b (either may be empty). */
void mig_stream_put_frame(MigStreamWriter *w, MigFrameType type,
                          const void *a, size_t a_len,
                          const void *b, size_t b_len);
void mig_stream_put_fields(MigStreamWriter *w, MigFrameType type,
                           MigFields *f);
/* The END frame, naming the run state the source had. */
void mig_stream_put_end(MigStreamWriter *w, const char *runstate);
size_t mig_stream_pending(const MigStreamWriter *w);
const uint8_t *mig_stream_pending_data(const MigStreamWriter *w);
void mig_stream_consume(MigStreamWriter *w, size_t len);

typedef enum MigReaderState {
    MIG_READER_PREFIX,      /* magic and version not yet read */
    MIG_READER_HEADER,      /* the next frame must be HEADER */
    MIG_READER_EARLY,       /* early sections, or RAM begins */
    MIG_READER_RAM,         /* RAM frames, or device sections begin */
    MIG_READER_DEVICE,      /* device sections, or END */
    MIG_READER_DONE,        /* END read and checked */
} MigReaderState;

typedef struct MigFrame {
    MigFrameType type;
    uint32_t seq;
    const uint8_t *payload; /* valid until the next mig_stream_next */
    size_t len;
} MigFrame;

typedef struct MigStreamReader {
    GByteArray *buf;        /* received, from pos on not yet parsed */
    size_t pos;
    MigReaderState state;
    uint32_t seq;           /* frames accepted */
    uint32_t crc_of_crcs;
    MigFrameType last;      /* type of the last accepted frame */
    char *runstate;         /* from END */
    GAsyncQueue *spare;     /* GByteArray *: frame buffers to reuse */
} MigStreamReader;

void mig_stream_reader_init(MigStreamReader *r);
void mig_stream_reader_destroy(MigStreamReader *r);
/*
 * The buffer holding the frame mig_stream_next just returned (a new
 * reference): its payload stays valid while the reference is held; the
 * reader goes on in a new buffer, one of r->spare when there is one (a
 * buffer pushed there must hold no other reference).
 */
GByteArray *mig_stream_frame_buffer(MigStreamReader *r);
/* Bytes still missing to complete the next frame (0: it is whole). */
size_t mig_stream_wanted(const MigStreamReader *r);
/* Room for len more bytes; then commit how many were written there. */
uint8_t *mig_stream_feed_space(MigStreamReader *r, size_t len);
void mig_stream_feed_commit(MigStreamReader *r, size_t len);
void mig_stream_feed(MigStreamReader *r, const void *data, size_t len);
/*
 * The next whole frame, checked (CRC, sequence, order, END contents):
 * 1 and *frame set; 0 when more bytes are needed; -1 with errp set.
 */
int mig_stream_next(MigStreamReader *r, MigFrame *frame, Error **errp);
/* At the end of input: fail unless END was read and nothing follows. */
bool mig_stream_finish(MigStreamReader *r, Error **errp);

/* ---- ram.c ---- */

typedef struct MigRamStats {
    uint64_t total;             /* bytes of all RAMBlocks */
    uint64_t normal;            /* pages sent with their contents */
    uint64_t duplicate;         /* pages read and found zero */
    uint64_t dirty_sync_count;  /* passes begun */
} MigRamStats;

typedef struct MigRamSave MigRamSave;
typedef struct MigRamLoad MigRamLoad;

/* Source: list the RAMBlocks and start the dirty log. */
MigRamSave *mig_ram_save_new(void);
/* Stops the dirty log. */
void mig_ram_save_free(MigRamSave *rs);
void mig_ram_put_header(MigRamSave *rs, MigFields *f);
/*
 * Begin the next pass: the first visits all populated memory, the next
 * ones what was written since (syncs the dirty log).  Returns the number
 * of dirty pages found (0 for the first).
 */
uint64_t mig_ram_start_pass(MigRamSave *rs);
/*
 * Write frames of the current pass until about budget bytes were
 * written; true when the pass is finished (its PASS frame written).
 */
bool mig_ram_save_iterate(MigRamSave *rs, MigStreamWriter *w,
                          size_t budget);
/* Bytes written since the last pass began (what the next would send). */
uint64_t mig_ram_dirty_pending(const MigRamSave *rs);
/* Bytes the current pass has still to visit. */
uint64_t mig_ram_save_remaining(const MigRamSave *rs);
const MigRamStats *mig_ram_save_stats(const MigRamSave *rs);

/*
 * Destination: check the source's RAMBlock list (names and sizes, none
 * missing on either side) and prepare to load.  NULL with errp set.
 */
MigRamLoad *mig_ram_load_header(MigFields *f, Error **errp);
/*
 * Check one RAM_DATA / RAM_ZERO frame (errp: nothing applied) and hand it
 * to the loader's worker thread, which applies frames in order.  owner
 * holds the frame's payload: a reference is kept until it is applied,
 * then pushed to recycle (the caller drops its own before it takes a
 * buffer from there).  May wait for the worker when it is far behind.
 */
bool mig_ram_load_frame(MigRamLoad *rl, const MigFrame *fr,
                        GByteArray *owner, GAsyncQueue *recycle,
                        Error **errp);
/* Wait until every frame handed over is applied (before device state). */
void mig_ram_load_flush(MigRamLoad *rl);
/* Flushes, stops the worker. */
void mig_ram_load_free(MigRamLoad *rl);

/* ---- transport.c ---- */

typedef enum MigUriKind {
    MIG_URI_UNIX,
    MIG_URI_TCP,
    MIG_URI_EXEC,
    MIG_URI_FILE,
} MigUriKind;

typedef struct MigUri {
    MigUriKind kind;
    char *path;                 /* unix socket, exec command, file */
    char *host;                 /* tcp */
    char *port;                 /* tcp */
    uint64_t offset;            /* file: bytes */
} MigUri;

/* A stream's fd (non-blocking) and, for exec:, the command's pid. */
typedef struct MigChannel {
    int fd;
    GPid pid;
} MigChannel;

/* QEMU's message for an unknown scheme: "Parameter 'uri' expects ...". */
bool mig_uri_parse(const char *uri, MigUri *u, Error **errp);
void mig_uri_clear(MigUri *u);
/* Source: connect / spawn / create the file. */
bool mig_channel_connect(const MigUri *u, MigChannel *c, Error **errp);
/*
 * Destination: unix and tcp give a listening socket in *listen_fd (accept
 * the stream on it); exec and file give the stream in c at once.
 */
bool mig_channel_listen(const MigUri *u, int *listen_fd, MigChannel *c,
                        Error **errp);
int mig_listen_port(int listen_fd);     /* tcp: the bound port */
/* Larger socket buffers for a migration stream (best effort). */
void mig_socket_set_buffers(int fd);
void mig_channel_close(MigChannel *c);

/* ---- migration.c ---- */

typedef enum MigrationStatus {
    MIGRATION_STATUS_NONE,          /* no migration yet */
    MIGRATION_STATUS_SETUP,         /* transport being opened */
    MIGRATION_STATUS_ACTIVE,        /* RAM passes (or incoming stream) */
    MIGRATION_STATUS_PRE_SWITCHOVER, /* paused before switchover (cap) */
    MIGRATION_STATUS_DEVICE,        /* VM stopped: last pass, devices */
    MIGRATION_STATUS_COMPLETED,
    MIGRATION_STATUS_FAILED,
    MIGRATION_STATUS_CANCELLING,
    MIGRATION_STATUS_CANCELLED,
    MIGRATION_STATUS__MAX,
} MigrationStatus;

const char *migration_status_name(MigrationStatus status);
MigrationStatus migration_get_status(void);
/* Change the status; MIGRATION event when the capability is on. */
void migration_set_status(MigrationStatus status);
/* Incoming streams count as active too (migration_is_active). */
void migration_set_incoming_active(bool active);

/* The HEADER frame: machine type, RAMBlocks, the section list. */
void migration_put_header(MigStreamWriter *w, MigRamSave *ram);
/* One EARLY / DEVICE frame per section of that phase. */
void migration_put_sections(MigStreamWriter *w, MigPhase phase);

/* ---- migration-qmp.c ---- */

void migration_qmp_register_commands(void);

/* ---- outgoing.c ---- */

/* migrate: start sending to uri (status setup); errp for a bad uri. */
bool migration_outgoing_start(const char *uri, Error **errp);
/* An outgoing migration is between migrate and its end. */
bool migration_outgoing_is_running(void);
/* migrate_cancel: stop, resume the VM as it was (cancelling, cancelled). */
void migration_outgoing_cancel(void);
/* migrate-continue from pre-switchover. */
bool migration_outgoing_continue(Error **errp);
/* query-migrate members of the source side (status and times, ram). */
void migration_outgoing_info(json_t *info);

/* ---- incoming.c ---- */

/* -incoming URI / defer: inmigrate, listen or wait for migrate-incoming. */
bool migration_incoming_start(const char *uri, Error **errp);
bool migration_incoming_is_deferred(void);
bool migration_incoming_is_set(void);
/* query-migrate members of the destination (socket-address). */
void migration_incoming_info(json_t *info);

/* ---- options.c ---- */

typedef enum MigCapability {
    MIG_CAP_EVENTS,
    MIG_CAP_PAUSE_BEFORE_SWITCHOVER,
    MIG_CAP__MAX,
} MigCapability;

bool migration_capability_enabled(MigCapability cap);
uint64_t migration_max_bandwidth(void);     /* bytes/s; 0: no limit */
uint64_t migration_downtime_limit_ms(void);
/* query-/migrate-set-capabilities, query-/migrate-set-parameters */
void migration_options_register_commands(void);

#endif /* MIGRATION_MIGRATION_INTERNAL_H */
