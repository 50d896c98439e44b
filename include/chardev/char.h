/*
 * A minimal character-device registry: unix stream sockets named by id,
 * as "-chardev socket,id=ID,path=P,server=on,wait=off" creates them, for
 * "-mon chardev=ID,mode=control" to attach QMP to.  Implemented in
 * monitor/chardev.c (the monitor is the only frontend).  Main loop only.
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <jansson.h>

typedef struct Chardev Chardev;

/*
 * Create a chardev from the -chardev options as a JSON object of strings
 * (booleans also accepted): "backend" ("socket", the implied first key),
 * "id", "path", "server" and "wait" (on/off, default off / on),
 * "reconnect" (seconds, client only, default 0 = off; a JSON integer is
 * also accepted).  Messages are QEMU's: "chardev: no id specified", "'T'
 * is not a valid char driver name", "Invalid parameter 'x'", "Parameter
 * 'server' expects 'on' or 'off'", "Failed to bind socket to P: ...",
 * "Parameter 'reconnect' expects a number", "Value 'V' is too large for
 * parameter 'reconnect'", "'reconnect' option is incompatible with socket
 * in server listen mode"; a negative reconnect (which QEMU takes as 0) is
 * refused: "Parameter 'reconnect' expects a non-negative number".  With
 * reconnect > 0 a client that cannot connect is created disconnected and
 * QEMU's "Unable to connect character device ID: ..." is reported.  On
 * failure nothing is left.  With server=on,wait=on blocks until a client
 * connects.
 */
bool chardev_add_from_opts(json_t *opts, Error **errp);

/*
 * A unix stream socket at path: listening (server; a stale socket file is
 * unlinked first; wait: block in accept() for the first client, as QEMU
 * does) or connected to path (client).  id NULL: an anonymous chardev (as
 * -qmp creates), not found by qemu_chr_find.  NULL with errp set on
 * failure.
 */
Chardev *chardev_socket_new(const char *id, const char *path, bool server,
                            bool wait, Error **errp);

/* The chardev called id, or NULL. */
Chardev *qemu_chr_find(const char *id);
const char *chardev_get_id(const Chardev *chr);     /* NULL: anonymous */
/* Listening socket (server) or -1; still owned by the chardev. */
int chardev_get_listen_fd(const Chardev *chr);
/*
 * The connection made at creation (wait=on's first client, or the
 * client-mode connection), or -1 (also for a client with reconnect= that
 * could not connect).  The caller owns the fd afterwards.
 */
int chardev_take_connected_fd(Chardev *chr);
/* Listening (server=on) rather than connecting. */
bool chardev_is_server(const Chardev *chr);
/* reconnect= in seconds; 0: off (always 0 for servers). */
int64_t chardev_get_reconnect(const Chardev *chr);
/*
 * A new connection to a client chardev's path, for a frontend whose peer
 * went away (the chardev keeps no record of it).  Returns the fd
 * (close-on-exec, blocking), owned by the caller, or -1 with errp set:
 * chardev_unix_connect's message, or "chardev 'ID' is a server: ..." for
 * a server.  Blocks only as long as connect(2) on a unix socket does.
 */
int chardev_client_connect(Chardev *chr, Error **errp);
/* Mark chr used by a frontend; fails when one already is. */
bool chardev_claim_frontend(Chardev *chr, Error **errp);
/* The frontend is gone (device unplugged): another may claim chr. */
void chardev_release_frontend(Chardev *chr);

/* Close every chardev and unlink the socket files servers created. */
void chardev_cleanup(void);

/*
 * Connect a stream socket to the unix socket at path (client side, as
 * -qtest unix:PATH does).  Returns the fd (close-on-exec) or -1 with errp
 * ("Failed to connect to 'PATH': ...").
 */
int chardev_unix_connect(const char *path, Error **errp);

#endif /* CHARDEV_CHAR_H */
