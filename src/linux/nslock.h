/* One bondd per network namespace: an exclusive flock on
 * RUN_DIR/net-<inode of the namespace>.lock, held for the daemon's life
 * (and by `bondctl cleanup` while it restores). The holder writes its pid
 * into the file so that the second one can name it. The file is opened
 * without following symlinks, in a directory that must be root's (or the
 * caller's) and not writable by others. */
#ifndef BONDD_NSLOCK_H
#define BONDD_NSLOCK_H

#include <stddef.h>

#include "lib/util.h"

#define BONDD_RUN_DIR "/run/bondd"

/* "rundir/net-<inode>.lock" for the calling process's namespace. */
int nslock_path(const char *rundir, char *out, size_t size, struct err *err);
/* Takes the lock (never waits): returns its fd, or -EWOULDBLOCK with
 * *holder set to the pid written by the holder (0 if unknown), or another
 * -errno with err set. Creates rundir (0755) when missing. */
int nslock_acquire(const char *path, int *holder, struct err *err);
/* Rewrites the pid in the lock file (after fork). */
int nslock_set_pid(int fd, int pid);
/* The lock's holder in "bondd (pid N)" form, for messages. */
void nslock_describe_holder(int holder, char *out, size_t size);

#endif
