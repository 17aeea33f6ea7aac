/* Crash recovery from the slave journal (journal.h): putting back a device
 * that a bondd no longer running left enslaved, hidden or changed. Used by
 * the daemon at start and at enslave, and by `bondctl cleanup`.
 *
 * Whose is an entry: an entry of this namespace belongs to a live daemon
 * only if its pid is a running bondd in this same network namespace (the
 * namespace lock, nslock.h, keeps that to one); anything else is a dead
 * daemon's and is restored. */
#ifndef BONDD_RECOVER_H
#define BONDD_RECOVER_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/util.h"
#include "rtnl.h"

enum recover_result {
	RECOVER_RESTORED,   /* device put back, entry removed */
	RECOVER_GONE,       /* device no longer exists: entry dropped */
	RECOVER_STALE,      /* entry of a namespace that no longer exists: dropped */
	RECOVER_BAD,        /* unreadable entry: moved aside to .bad */
	RECOVER_BUSY,       /* owned by a live bondd: left alone */
	RECOVER_FAILED,     /* restoring failed: entry kept for another try */
	RECOVER_NONE,       /* no entry */
};

/* The namespace the caller runs in (journal_netns()) and its journal. */
struct recover_ns {
	uint64_t inode, cookie;
	char dir[256];
};
int recover_ns_init(struct recover_ns *ns, const char *root, struct err *err);

/* Restores the device the entry `file` of ns->dir describes (found by
 * ifindex; a renamed device is followed), unless its owner lives; pid
 * `self` counts as dead (the caller itself: what it no longer holds).
 * One line saying what was done is appended to msg (no newline).
 * *owner gets the entry's pid when known. */
enum recover_result recover_entry(struct rtnl *r, const struct recover_ns *ns,
				  const char *file, int self, int *owner, struct strbuf *msg);

/* True when pid is a running bondd in the network namespace `inode`. */
bool recover_pid_is_bondd(int pid, uint64_t inode);
/* The pid of a running bondd in namespace `inode` other than `self`, or 0. */
int recover_other_bondd(uint64_t inode, int self);

#endif
