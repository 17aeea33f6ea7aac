/* The slave journal: what a slave was before bondd touched it, on disk.
 *
 * Written (atomically: temporary file, fsync, rename) BEFORE the first
 * change to a slave and removed only after the slave is given back, so that
 * whatever kills bondd, a restart or `bondctl cleanup` can put every slave
 * back as it was: MAC, MTU, up/down, disable_ipv6, and whether the clsact
 * qdisc was ours. Promiscuity and multicast memberships come from packet
 * socket memberships, which die with the process: nothing to journal.
 *
 * One directory per network namespace (interface names and indexes are per
 * namespace; /run is not): JOURNAL_ROOT/net-<inode of the namespace>, one
 * file per slave, named after the interface. The format is text, one
 * "key value" per line, parsed strictly (journal_parse) because a journal
 * may be truncated by a crash or edited by hand. */
#ifndef BONDD_JOURNAL_H
#define BONDD_JOURNAL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "slave_state.h"

#define JOURNAL_ROOT "/run/bondd/journal"

struct journal_entry {
	struct slave_saved saved;   /* the state before bondd */
	char bond[16];              /* the bond it was enslaved to */
	int pid;                    /* the daemon that enslaved it */
	/* The namespace's cookie (SO_NETNS_COOKIE, never reused while the
	 * machine runs; 0 unknown): an inode number is reused once its
	 * namespace is gone, so an entry left by a deleted namespace must
	 * not be applied to the devices of a new one with the same inode. */
	uint64_t netns;
};

/* The journal directory of the calling process's network namespace, below
 * root (JOURNAL_ROOT unless a test gives another): "root/net-<inode>". */
int journal_dir(const char *root, char *out, size_t size, struct err *err);

/* The calling process's network namespace: its inode (the directory name)
 * and its cookie (0 when the kernel has none, before Linux 5.14). */
int journal_netns(uint64_t *inode, uint64_t *cookie, struct err *err);

/* Text codec (pure): journal_format appends the entry; journal_parse fills
 * e from text and refuses anything incomplete, unknown or out of range with
 * a message naming the line. */
void journal_format(const struct journal_entry *e, struct strbuf *out);
int journal_parse(const char *text, size_t len, struct journal_entry *e, struct err *err);

/* Files. journal_write creates dir (mode 0700) when missing and never
 * follows a symlink; journal_read returns -ENOENT when there is no entry. */
int journal_write(const char *dir, const struct journal_entry *e, struct err *err);
int journal_read(const char *dir, const char *ifname, struct journal_entry *e,
		 struct err *err);
int journal_remove(const char *dir, const char *ifname);
/* Moves a damaged entry aside to "<ifname>.bad" (kept for the admin, never
 * read again). */
int journal_set_aside(const char *dir, const char *ifname);
/* Calls fn for every entry file name in dir (skips temporary and .bad files);
 * returns the count or a negative errno (0 when dir does not exist). */
int journal_each(const char *dir, void (*fn)(const char *ifname, void *arg), void *arg);
/* A list of names for journal_each / journal_vlan_each to fill
 * (journal_names_add as fn, the list as arg), so that the entries are
 * handled after the directory is read; a name that finds no memory is
 * left out. Free v. */
struct journal_names {
	char (*v)[IFNAMSIZ];
	unsigned n, cap;
};
void journal_names_add(const char *name, void *arg);

/* VLAN sub-interfaces (bond0.100): the TAPs bondd creates for them, so
 * that what a dead bondd left (a persistent TAP on the kernel data path)
 * is taken over by its successor or removed, never mistaken for a device
 * of someone else. One file "vlan:NAME" per VLAN in the same directory
 * (':' is never in an interface name, so journal_each never lists it),
 * written before the TAP is created, removed after it is gone. */
struct journal_vlan {
	char name[16];              /* the VLAN device */
	char bond[16];
	uint16_t vid;
	int ifindex;                /* 0 until the TAP exists */
	int pid;                    /* the daemon that created it */
	uint64_t netns;             /* as journal_entry's */
};

void journal_vlan_format(const struct journal_vlan *v, struct strbuf *out);
int journal_vlan_parse(const char *text, size_t len, struct journal_vlan *v, struct err *err);
int journal_vlan_write(const char *dir, const struct journal_vlan *v, struct err *err);
/* -ENOENT when there is none. */
int journal_vlan_read(const char *dir, const char *name, struct journal_vlan *v,
		      struct err *err);
int journal_vlan_remove(const char *dir, const char *name);
/* fn for every VLAN entry's device name; the count or -errno. */
int journal_vlan_each(const char *dir, void (*fn)(const char *name, void *arg), void *arg);

#endif
