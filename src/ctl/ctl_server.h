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
 * ms, the engine's clock; the tests: a virtual one). */
#ifndef BONDD_CTL_SERVER_H
#define BONDD_CTL_SERVER_H

#include <stdint.h>

#include "lib/util.h"

/* How long a client has to send its request, and again to read its reply. */
#define CTL_IO_TIMEOUT_MS 1000
/* Connections served at once; the next one gets an error reply and is
 * closed. */
#define CTL_MAX_CLIENTS   64

struct ctl_backend;
struct ctl_server;

/* Creates the socket's directory (0755) if missing, binds and listens on
 * path (socket file 0660) and returns the nonblocking, close-on-exec
 * listening fd, or -errno with a message in err. A stale socket file (no
 * one answers on it) is replaced; a live one, or any other kind of file at
 * path, makes this fail and is left alone. */
int ctl_server_open(const char *path, struct err *err);
/* Closes the listening fd and removes the socket file. */
void ctl_server_close(int lfd, const char *path);

/* A server listening on path (ctl_server_open()) that runs the commands
 * against be, which must outlive it. Limits: CTL_MAX_CLIENTS and
 * CTL_IO_TIMEOUT_MS until ctl_server_set_limits(). NULL with a message in
 * err on failure. */
struct ctl_server *ctl_server_new(const char *path, const struct ctl_backend *be,
				  struct err *err);
/* Changes the limits (0 keeps a limit as it is). */
void ctl_server_set_limits(struct ctl_server *srv, unsigned max_clients,
			   unsigned timeout_ms);
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
/* Connections being served. */
unsigned ctl_server_clients(const struct ctl_server *srv);
/* Closes every connection and the listening socket, removes the socket
 * file, frees the server. NULL is fine. */
void ctl_server_free(struct ctl_server *srv);

#endif
