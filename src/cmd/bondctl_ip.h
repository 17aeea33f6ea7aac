/* bondctl ip: iproute2's command line for bondd's bonds, so that a script
 * written for `ip` works with the word `bondctl` in front
 * (`bondctl ip link add bond0 type bond mode 802.3ad miimon 100`).
 *
 * The words are parsed here as iproute2 6.1 parses them (ip/ip.c,
 * ip/iplink.c, ip/iplink_bond.c, ip/iplink_bond_slave.c: names, prefix
 * matching, values by name or number, its messages and exit statuses) and
 * turned into bondd's control requests; what does not concern a bond of
 * bondd is handed to the system's `ip` unchanged (see bondctl(8)). */
#ifndef BONDD_BONDCTL_IP_H
#define BONDD_BONDCTL_IP_H

#include <stdbool.h>

#include "lib/util.h"

/* Exit statuses of ip: 0 done; 1 a bad word in a link type's options, a
 * device not found, a bad address; 2 the kernel refused ("Error: ..."
 * from netlink; here: bondd refused); 255 a syntax error (invarg(),
 * "Command line is not complete"). */
#define IPX_OK      0
#define IPX_FAIL    1
#define IPX_REFUSED 2
#define IPX_SYNTAX  255

enum ipc_kind {
	IPC_PASS,   /* not about a bond of bondd as far as the words tell: run ip */
	IPC_ADD,    /* link add NAME ... type bond ... */
	IPC_DEL,    /* link del[ete] [dev] NAME */
	IPC_SET,    /* link set [dev] NAME ... */
	IPC_SHOW,   /* -d link show [dev] [NAME] */
	IPC_HELP,   /* ... type bond help: the usage was printed, nothing else */
};

#define IPC_MAX_OPTS 64
#define IPC_MAX_REST 64

/* One option for bondd: its name in bondd's table and the value in a form
 * bondd reads (names for enumerations, decimal numbers, dotted addresses). */
struct ipc_opt {
	const char *name;
	char value[1024];
};

struct ipc {
	enum ipc_kind kind;
	const char *dev;
	/* Global options. */
	bool details, oneline, json, brief;
	const char *netns;
	/* ADD / SET */
	int updown;                 /* 1 up, -1 down, 0 neither */
	const char *master;         /* SET: master DEV */
	bool nomaster;
	const char *type;           /* the word after "type", if any */
	/* ADD type vlan: link DEV (the real device) and id VID, for
	 * `bondctl vlan add` when DEV is a bond of bondd */
	const char *link;
	int vlan_id;                /* -1: not given */
	struct ipc_opt opts[IPC_MAX_OPTS];      /* type bond: bond options */
	unsigned n_opts;
	struct ipc_opt sopts[IPC_MAX_OPTS];     /* type bond_slave: queue_id, prio */
	unsigned n_sopts;
	/* ADD / SET: the link words this parser does not act on (mtu 9000,
	 * address ..., ...), in order, for `ip link set dev DEV ...`. */
	const char *rest[IPC_MAX_REST];
	unsigned n_rest;
	/* Where the object's words start in argv (after the global options). */
	int obj_at;
	/* SHOW: the filters that name bondd's devices, which the kernel
	 * cannot apply to them ("master BOND", "type bond", "type
	 * bond_slave"), and the other filter words, in order, for ip. */
	const char *show_master;
	const char *show_type;
	const char *show_words[IPC_MAX_REST];
	unsigned n_show_words;
};

/* Whether a network interface of that name exists (iproute2 resolves
 * active_slave, primary and master names itself); replaceable for tests. */
typedef bool (*ipc_dev_exists_fn)(const char *name);

/* Parses argv (the words after "ip"). Returns IPX_OK with *out filled, or
 * ip's exit status with ip's message in err (and for IPC_HELP, IPX_FAIL
 * with the usage text in err, as ip prints it on stderr). */
int ipc_parse(int argc, char *const argv[], ipc_dev_exists_fn dev_exists,
	      struct ipc *out, struct strbuf *err);

/* The bond's details put into `ip -d link show` output: text is what ip
 * printed (one or more devices); details has one line per device of bondd,
 * "NAME bond WORDS", "NAME bond_slave WORDS" or "NAME vlan WORDS" (the
 * ip-details command). A bond's or a VLAN sub-interface's link-kind line
 * (the TAP's "tun ...") becomes "bond WORDS" / "vlan protocol 802.1Q id
 * N <REORDER_HDR>"; a slave gets a "bond_slave WORDS" line after its own
 * kind, as iproute2 prints them. oneline: ip's -o layout ("\" between lines). */
void ipc_splice(const char *text, const char *details, bool oneline, struct strbuf *out);

/* `bondctl ip ...`: argv are the words after "ip". Returns ip's exit
 * status (above) or 3 when bondd cannot be reached. */
int bondctl_ip(const char *sock, int argc, char **argv);

#endif
