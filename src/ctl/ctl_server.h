/* The daemon's end of the control socket (wire format: ctl_proto.h).
 *
 * The server never blocks: the listening socket and every connection are
 * nonblocking and sit in the server's own epoll set, whose fd
 * (ctl_server_fd()) the daemon puts in its loop like any other fd. When it
 * is readable, or when the earliest client deadline (ctl_server_deadline())
 * has come, the loop calls ctl_server_run(), which does whatever can be done
 * at once: accept, read what has arrived, run each complete request
 * (ctl_exec() against the backend), write what the socket takes, and drop
 * clients past their deadline. A client that sends nothing, or reads its
 * reply too slowly, costs the loop nothing while it waits.
 *
 * Time is whatever clock the caller passes as now (the daemon: monotonic
 * ms, the engine's clock; the tests: a virtual one).
 *
 * Who may do what (the kernel's SO_PEERCRED/SO_PEERGROUPS of each
 * connection, checked by the server, not only the socket file's mode):
 *   root (uid 0, or the daemon's own uid)  every command;
 *   members of the control group           commands marked CTL_RO in
 *     (struct ctl_access, default "bondd")  ctl_cmd.h (show, get, list...);
 *   anyone else                            nothing: one line saying why.
 * The socket file is root:GROUP 0660 when the group exists, else root 0600;
 * its directory is created 0755 and no component of its path may be a
 * symlink or belong to anyone but root. */
#ifndef BONDD_CTL_SERVER_H
#define BONDD_CTL_SERVER_H

#include <stdint.h>
#include <sys/types.h>

#include "lib/util.h"

/* How long a client has to send its request, and again to read its reply. */
#define CTL_IO_TIMEOUT_MS 1000
/* Connections served at once. When all are taken, the oldest one that has
 * sent nothing yet makes room; if none is idle, the new one gets an error
 * reply and is closed. */
#define CTL_MAX_CLIENTS   64
/* Replies written but not yet read by their clients, all clients together:
 * over this, a new request is refused (busy) instead of run, so clients that
 * never read cannot make bondd hold more than this plus one reply
 * (CTL_MAX_REPLY, ctl_proto.h). Requests are at most CTL_MAX_REQUEST each. */
#define CTL_MAX_PENDING_REPLY (32u * 1024u * 1024u)

/* The group allowed to read (default name CTL_DEFAULT_GROUP). */
#define CTL_DEFAULT_GROUP "bondd"
#define CTL_NO_GROUP      ((gid_t)-1)
struct ctl_access {
	char group[64];      /* its name, for messages; "" when none */
	gid_t gid;           /* CTL_NO_GROUP: no such group, root only */
};

/* Fills acc for group name (NULL: CTL_DEFAULT_GROUP). A missing group is
 * an error only when required (the admin named it): the default group
 * missing means root only (acc->gid = CTL_NO_GROUP). Returns 0 or -errno
 * with a message in err. Uses the group database (NSS): call it at start,
 * never from the loop. */
int ctl_access_lookup(const char *name, bool required, struct ctl_access *acc,
		      struct err *err);

struct ctl_backend;
struct ctl_server;

/* Creates the socket's directory (0755) if missing, binds and listens on
 * path and returns the nonblocking, close-on-exec listening fd, or -errno
 * with a message in err. The socket file is root:acc->gid 0660, or 0600
 * when acc is NULL, has no group, or the group cannot be given (then
 * *group_set is false, for the log). A path component that is a symlink,
 * is not a directory, belongs to someone other than root, or that others
 * may write (without the sticky bit), makes it fail. A stale socket file
 * (no one answers on it) is replaced; a live one, or any other kind of
 * file at path, makes this fail and is left alone. */
int ctl_server_open(const char *path, const struct ctl_access *acc,
		    bool *group_set, struct err *err);
/* Closes the listening fd and removes the socket file. */
void ctl_server_close(int lfd, const char *path);

/* A server listening on path (ctl_server_open()) that runs the commands
 * against be, which must outlive it, for the peers acc allows (NULL: root
 * only). Limits: CTL_MAX_CLIENTS and CTL_IO_TIMEOUT_MS until
 * ctl_server_set_limits(). NULL with a message in err on failure. */
struct ctl_server *ctl_server_new(const char *path, const struct ctl_access *acc,
				  const struct ctl_backend *be, struct err *err);
/* Whether the socket file got the group (else it is root-only 0600). */
bool ctl_server_group_set(const struct ctl_server *srv);
/* Changes the limits (0 keeps a limit as it is). */
void ctl_server_set_limits(struct ctl_server *srv, unsigned max_clients,
			   unsigned timeout_ms);
/* Changes the budget of unread reply bytes (CTL_MAX_PENDING_REPLY). */
void ctl_server_set_reply_budget(struct ctl_server *srv, size_t bytes);
/* The fd to watch for input (an epoll fd): readable whenever the server
 * has work that needs no waiting. */
int ctl_server_fd(const struct ctl_server *srv);
/* Does the work that is ready, without waiting: accepts, reads, runs
 * complete requests, writes, drops the clients whose deadline is <= now.
 * A command run here may change or remove bonds. */
void ctl_server_run(struct ctl_server *srv, uint64_t now);
/* The earliest client deadline, UINT64_MAX when no client is connected:
 * the loop calls ctl_server_run() at that time even if nothing arrives. */
uint64_t ctl_server_deadline(const struct ctl_server *srv);
struct bond_event;
/* Hands an event to every monitor watching its bond (`bondctl monitor`,
 * ctl_monitor.h), stamped wall_us (µs since the epoch, UTC); now is the
 * server's clock (a dropped monitor's deadline). Never waits. */
void ctl_server_event(struct ctl_server *srv, const struct bond_event *ev,
		      uint64_t wall_us, uint64_t now);
/* Monitors connected (0: an event need not even be stamped). */
unsigned ctl_server_monitors(const struct ctl_server *srv);
/* Monitors dropped so far for falling CTL_MONITOR_QUEUE behind (the
 * daemon logs each one). */
unsigned long ctl_server_monitors_dropped(const struct ctl_server *srv);
/* Connections being served. */
unsigned ctl_server_clients(const struct ctl_server *srv);
/* Closes every connection and the listening socket, removes the socket
 * file, frees the server. NULL is fine. */
void ctl_server_free(struct ctl_server *srv);

#endif
