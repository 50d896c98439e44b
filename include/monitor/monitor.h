/*
 * The monitor's contract with the rest of hotmem: registering QMP commands
 * and HMP commands, and sending QMP events.  The QMP server, the HMP
 * parser and the built-in commands live in monitor/.  Main loop only.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <jansson.h>

/*
 * A QMP command handler.  args is the "arguments" object (never NULL; {}
 * when absent), borrowed.  Returns the "return" value as a new reference
 * ({} for commands without a result), or NULL with errp set.
 */
typedef json_t *QmpCommandFunc(json_t *args, Error **errp);

#define QMP_CMD_ALLOW_PRECONFIG   (1u << 0)
#define QMP_CMD_BEFORE_NEGOTIATION (1u << 1)   /* only qmp_capabilities */

void qmp_register_command(const char *name, QmpCommandFunc *fn,
                          unsigned int flags);
bool qmp_command_exists(const char *name);

/*
 * Argument helpers with QEMU's messages: missing → "Parameter 'NAME' is
 * missing"; wrong type → "Invalid parameter type for 'NAME', expected: T".
 * Each returns false with errp set on failure.  An optional member that
 * is absent leaves *value unchanged (preset the default) and returns true.
 * Check missing/mistyped members first and unknown ones last, as QEMU.
 */
bool qmp_arg_str(json_t *args, const char *name, bool optional,
                 const char **value, Error **errp);
bool qmp_arg_bool(json_t *args, const char *name, bool optional,
                  bool *value, Error **errp);
bool qmp_arg_int(json_t *args, const char *name, bool optional,
                 int64_t *value, Error **errp);
/* Fails with "Parameter 'NAME' is unexpected" for keys not in names[]. */
bool qmp_args_check_known(json_t *args, const char *const *names,
                          Error **errp);

/*
 * monitor_get_fd: the file descriptor a client passed with "getfd" under
 * fdname, now the caller's (removed from the monitor's table); -1 with
 * "File descriptor named 'NAME' has not been found" when there is none.
 */
int monitor_get_fd(const char *fdname, Error **errp);

/*
 * Send event to every negotiated QMP client, with QEMU's timestamp.
 * Takes ownership of data (NULL: no "data" member).
 */
void qapi_event_send(const char *event, json_t *data);

/*
 * An HMP command as reached through human-monitor-command.  argv[0] is
 * the command name ("info" commands are registered by their subcommand:
 * argv[0] == "mtree" for "info mtree -f").  Output goes to out.  Return
 * false with errp set on failure; the error text becomes HMP output.
 */
typedef bool HmpCommandFunc(GString *out, int argc, char **argv,
                            Error **errp);
/*
 * args_help is shown by "help" and also declares the arguments, which are
 * checked with QEMU's messages before fn runs: "word" a required string,
 * "[word]" an optional one, "[-x]" a flag (flags must be typed in this
 * order).  fn gets argv[0] = the name (without "|alias"), then the flags
 * given ("-x"), then the strings; output lines end in "\n" (turned into
 * "\r\n" for the client).  name may list aliases: "stop|s".
 */
void hmp_register_command(const char *name, const char *args_help,
                          const char *help, HmpCommandFunc *fn);
void hmp_register_info(const char *name, const char *args_help,
                       const char *help, HmpCommandFunc *fn);

/*
 * Start the monitors given on the command line (called by vl.c).
 * -qmp unix:PATH[,server=on][,wait=off]: monitor_init_qmp_unix (server
 * false: connect to PATH as a client; wait: block until a client comes).
 * -mon chardev=ID[,mode=control]: monitor_init_chardev (mode NULL means
 * QEMU's default, readline, which hotmem refuses).  Messages as QEMU's.
 */
bool monitor_init_qmp_unix(const char *path, bool server, bool wait,
                           Error **errp);
/* -chardev socket,id=ID,path=P,server=on,wait=off then -mon chardev=ID. */
bool monitor_init_chardev(const char *chardev_id, const char *mode,
                          Error **errp);

/*
 * At exit (vl.c, after the main loop ends, and from an atexit handler):
 * give pending replies up to a second to be sent, close every client and
 * remove the socket files the monitor's servers created.  The monitor may
 * be started again afterwards (unit tests do).
 */
void monitor_cleanup(void);

#endif /* MONITOR_MONITOR_H */
