/*
 * File descriptors passed over QMP with SCM_RIGHTS (qmp.c receives them):
 * getfd/closefd keep one under a name for a later consumer
 * (monitor_get_fd), add-fd/remove-fd/query-fdsets keep them in numbered
 * fd sets, as QEMU 7.2 with its messages.  Nothing in hotmem opens
 * /dev/fdset/N yet; the fds are held until removed or the process exits.
 * Names are global to the process (QEMU: per monitor).
 */
#include "qemu/osdep.h"
#include "qemu/keyval.h"
#include "monitor/monitor.h"
#include "monitor/qmp-schema.h"
#include "monitor/monitor-internal.h"

typedef struct QmpFdSetEntry {
    int64_t fdset_id;
    int fd;
    char *opaque;           /* add-fd's opaque, or NULL */
} QmpFdSetEntry;

static GHashTable *qmp_named_fds;   /* fdname -> fd + 1 (GINT_TO_POINTER) */
static GPtrArray *qmp_fdset_entries;    /* QmpFdSetEntry *, added order */

static bool qmp_fds_take(int *fd, Error **errp)
{
    *fd = qmp_take_received_fd();
    if (*fd < 0) {
        error_setg(errp, "No file descriptor supplied via SCM_RIGHTS");
        return false;
    }
    return true;
}

static void qmp_fds_init(void)
{
    if (!qmp_named_fds) {
        qmp_named_fds = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free, NULL);
        qmp_fdset_entries = g_ptr_array_new();
    }
}

/* Remove name from the table; its fd, or -1 when there is none. */
static int qmp_fds_steal(const char *name)
{
    gpointer value;

    qmp_fds_init();
    if (!g_hash_table_lookup_extended(qmp_named_fds, name, NULL, &value)) {
        return -1;
    }
    g_hash_table_remove(qmp_named_fds, name);
    return GPOINTER_TO_INT(value) - 1;
}

int monitor_get_fd(const char *fdname, Error **errp)
{
    int fd = qmp_fds_steal(fdname);

    if (fd < 0) {
        error_setg(errp, "File descriptor named '%s' has not been found",
                   fdname);
    }
    return fd;
}

static json_t *qmp_fds_getfd(json_t *args, Error **errp)
{
    const char *name = keyval_str(args, "fdname");
    int old;
    int fd;

    if (!qmp_fds_take(&fd, errp)) {
        return NULL;
    }
    if (g_ascii_isdigit(name[0])) {
        close(fd);
        error_setg(errp, "Parameter 'fdname' expects a name not starting with a digit");
        return NULL;
    }
    old = qmp_fds_steal(name);
    if (old >= 0) {
        close(old);     /* as QEMU: the new one replaces it */
    }
    g_hash_table_insert(qmp_named_fds, g_strdup(name),
                        GINT_TO_POINTER(fd + 1));
    return json_object();
}

static json_t *qmp_fds_closefd(json_t *args, Error **errp)
{
    const char *name = keyval_str(args, "fdname");
    int fd = qmp_fds_steal(name);

    if (fd < 0) {
        error_setg(errp, "File descriptor named '%s' not found", name);
        return NULL;
    }
    close(fd);
    return json_object();
}

static bool qmp_fds_set_exists(int64_t id)
{
    for (guint i = 0; i < qmp_fdset_entries->len; i++) {
        if (((QmpFdSetEntry *)qmp_fdset_entries->pdata[i])->fdset_id == id) {
            return true;
        }
    }
    return false;
}

static json_t *qmp_fds_add_fd(json_t *args, Error **errp)
{
    json_t *id_arg = json_object_get(args, "fdset-id");
    QmpFdSetEntry *e;
    int64_t id = 0;
    int fd;

    qmp_fds_init();
    if (!qmp_fds_take(&fd, errp)) {
        return NULL;
    }
    if (id_arg) {
        id = json_integer_value(id_arg);
    } else {
        while (qmp_fds_set_exists(id)) {
            id++;       /* the lowest free id, as QEMU */
        }
    }
    e = g_new0(QmpFdSetEntry, 1);
    e->fdset_id = id;
    e->fd = fd;
    e->opaque = g_strdup(keyval_str(args, "opaque"));
    g_ptr_array_add(qmp_fdset_entries, e);
    return json_pack("{sIsi}", "fdset-id", (json_int_t)id, "fd", fd);
}

static void qmp_fds_entry_free(QmpFdSetEntry *e)
{
    close(e->fd);
    g_free(e->opaque);
    g_free(e);
}

static json_t *qmp_fds_remove_fd(json_t *args, Error **errp)
{
    int64_t id = json_integer_value(json_object_get(args, "fdset-id"));
    json_t *fd_arg = json_object_get(args, "fd");
    bool found = false;

    qmp_fds_init();
    for (guint i = qmp_fdset_entries->len; i-- > 0;) {
        QmpFdSetEntry *e = qmp_fdset_entries->pdata[i];

        if (e->fdset_id == id &&
            (!fd_arg || e->fd == json_integer_value(fd_arg))) {
            g_ptr_array_remove_index(qmp_fdset_entries, i);
            qmp_fds_entry_free(e);
            found = true;
        }
    }
    if (!found && fd_arg) {
        error_setg(errp, "File descriptor named 'fdset-id:%" PRId64 ", fd:%" JSON_INTEGER_FORMAT "' not found", id, json_integer_value(fd_arg));
    } else if (!found) {
        error_setg(errp, "File descriptor named 'fdset-id:%" PRId64 "' not found", id);
    }
    return found ? json_object() : NULL;
}

/* The fd sets in id order, each with its fds in the order added. */
static json_t *qmp_fds_query_fdsets(json_t *args, Error **errp)
{
    g_autoptr(GHashTable) sets = g_hash_table_new(g_int64_hash,
                                                  g_int64_equal);
    json_t *list = json_array();

    qmp_fds_init();
    for (guint i = 0; i < qmp_fdset_entries->len; i++) {
        QmpFdSetEntry *e = qmp_fdset_entries->pdata[i];
        json_t *set = g_hash_table_lookup(sets, &e->fdset_id);
        json_t *info = json_pack("{si}", "fd", e->fd);

        if (!set) {
            set = json_pack("{sIs[]}", "fdset-id", (json_int_t)e->fdset_id,
                            "fds");
            g_hash_table_insert(sets, &e->fdset_id, set);
            json_array_append_new(list, set);
        }
        if (e->opaque) {
            json_object_set_new(info, "opaque", json_string(e->opaque));
        }
        json_array_append_new(json_object_get(set, "fds"), info);
    }
    return list;
}

static const QmpType qmp_fds_types[] = {
    { .name = "AddfdInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "fdset-id", "int" }, { "fd", "int" }, { NULL } } },
    { .name = "FdsetFdInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "fd", "int" }, { "opaque", "str", true }, { NULL } } },
    { .name = "FdsetInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "fdset-id", "int" }, { "fds", "[FdsetFdInfo]" }, { NULL } } },
};

static const QmpMember qmp_fds_name_args[] = {
    { "fdname", "str" }, { NULL }
};

static const QmpCommandSpec qmp_fds_commands[] = {
    { .name = "getfd", .fn = qmp_fds_getfd,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .args = qmp_fds_name_args },
    { .name = "closefd", .fn = qmp_fds_closefd,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .args = qmp_fds_name_args },
    { .name = "add-fd", .fn = qmp_fds_add_fd,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "AddfdInfo",
      .args = (const QmpMember[]) {
          { "fdset-id", "int", true }, { "opaque", "str", true },
          { NULL } } },
    { .name = "remove-fd", .fn = qmp_fds_remove_fd,
      .flags = QMP_CMD_ALLOW_PRECONFIG,
      .args = (const QmpMember[]) {
          { "fdset-id", "int" }, { "fd", "int", true }, { NULL } } },
    { .name = "query-fdsets", .fn = qmp_fds_query_fdsets,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "[FdsetInfo]" },
};

void qmp_fds_register(void)
{
    qmp_register_types(qmp_fds_types, ARRAY_SIZE(qmp_fds_types));
    qmp_register_commands(qmp_fds_commands, ARRAY_SIZE(qmp_fds_commands));
}
