/* The daemon's end of the control socket (wire format: ctl_proto.h).
 *
 * The daemon puts the listening fd in its epoll set and calls
 * ctl_server_accept() when it is readable. Each call serves one client
 * completely and synchronously (read request, ctl_exec, write reply,
 * close), bounded by CTL_IO_TIMEOUT_MS for the read and again for the
 * write, so a slow or silent client delays the daemon by at most that and
 * garbage never reaches ctl_exec. */
#ifndef BONDD_CTL_SERVER_H
#define BONDD_CTL_SERVER_H

#include "lib/util.h"

#define CTL_IO_TIMEOUT_MS 1000

struct ctl_backend;

/* Creates the socket's directory (0755) if missing, binds and listens on
 * path (socket file 0660) and returns the nonblocking, close-on-exec
 * listening fd, or -errno with a message in err. A stale socket file (no
 * one answers on it) is replaced; a live one, or any other kind of file at
 * path, makes this fail and is left alone. */
int ctl_server_open(const char *path, struct err *err);

/* Accepts one pending connection on lfd and serves it. Returns quietly when
 * none is pending. */
void ctl_server_accept(int lfd, const struct ctl_backend *be);

/* Closes the listening fd and removes the socket file. */
void ctl_server_close(int lfd, const char *path);

#endif
