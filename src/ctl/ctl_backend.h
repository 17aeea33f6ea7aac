/* What the control commands need from whoever runs the bonds: the backend
 * interface the control layer defines and the daemon fills in.
 *
 * The commands read bonds straight from the engine (get, list, show, hash)
 * and change them through these operations, which own the OS side (TAP
 * devices, packet sockets, saved slave state). Each operation either does
 * the whole change or nothing, and says why in err ("bond0: no such bond",
 * or a message starting "BOND: " that the commands strip).
 *
 * The control layer never sees the daemon: the daemon passes a struct
 * ctl_backend to ctl_server_open(), the unit tests a fake one over a bare
 * engine. */
#ifndef BONDD_CTL_BACKEND_H
#define BONDD_CTL_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "core/bond_types.h"
#include "core/flowtab.h"
#include "lib/util.h"

struct engine;

/* How a bond's frames are carried (the data path), for show --json. */
/* Failover latency: from the rtnetlink event that changed a slave's
 * carrier to the first frame sent on the new active slave (packet data
 * path) or to the map write that names it (ebpf). hist[i] counts values
 * below 16 << i us for i < CTL_FAILOVER_BUCKETS - 1 (16 ... 65536), the
 * last bucket the rest. */
#define CTL_FAILOVER_BUCKETS 14

/* The last changes of active slave (bondctl stats), newest last. */
#define CTL_FAILOVER_LAST 8
#define CTL_FO_US_NONE UINT32_MAX   /* not measured (no frame, no write yet) */
struct ctl_failover_rec {
	uint64_t wall_us;           /* when (µs since the epoch, UTC) */
	uint32_t us;                /* event -> first frame / map write */
	char from[16], to[16];      /* "" = none */
	char reason[120];
};
struct ctl_failover {
	uint64_t count;
	uint32_t last_us, max_us;
	uint64_t hist[CTL_FAILOVER_BUCKETS];
	uint64_t sum_us;            /* of every time counted in hist (metrics' _sum) */
	struct ctl_failover_rec last[CTL_FAILOVER_LAST];   /* a ring */
	unsigned n_last;            /* records in it, at most CTL_FAILOVER_LAST */
	unsigned next_last;         /* where the next one goes */
};

struct ctl_bond_io {
	uint64_t now_ms;            /* the engine's clock as read (0: unknown) */
	const char *datapath;       /* "ebpf" or "packet" */
	/* How carrier changes reach the daemon: "bpf" (the carrier watch,
	 * at once) or "rtnetlink" (and the miimon poll); NULL: not said */
	const char *carrier_events;
	/* ebpf: whether bond_tx's carrier hints reach the daemon, the hints
	 * read and those that found a carrier loss first */
	bool carrier_hints;
	uint64_t hints_received, hints_acted;
	uint64_t map_updates;       /* ebpf: writes of the engine's decisions */
	uint32_t last_update_us;    /* event -> map write, the latest and the worst */
	uint32_t max_update_us;
	struct ctl_failover failover;
};

/* One difference between what runs and a configuration (bondctl diff). */
struct ctl_change {
	char op;                    /* '+' added, '-' removed, '~' changed */
	const char *kind;           /* "bond", "option", "slave", "up", ... */
	const char *dev;            /* the bond or interface, "" for the rest */
	const char *name;           /* option, slave, address, route ... or "" */
	const char *from, *to;      /* NULL: absent */
	const char *text;           /* the line: "bond0: miimon 100 -> 200" */
	/* `bondctl reload` with this file would make this change; false: a
	 * change made at run time that a reload keeps (it applies what
	 * changed since the configuration loaded last) */
	bool by_reload;
	/* bondd has a configuration to reload at all (started with -c or
	 * --from); without one the text says nothing about reload */
	bool can_reload;
};

/* bondctl flows: the last finished window of a bond's busiest flows
 * (core/flowtab.h), with slave names, and each slave's transmit counters
 * over the same window. */
struct ctl_flow_slave {
	char name[BOND_NAME_MAX];
	uint64_t bytes, frames;     /* its tx counters' growth in the window */
};
struct ctl_flows {
	const char *datapath;       /* "ebpf" or "packet" */
	uint32_t window_ms;         /* FLOW_WINDOW_MS */
	uint32_t sample;            /* 1: every frame; N: of the frames shorter
				     * than sample_all_from bytes 1 in N, drawn
				     * at random, each counted N times */
	uint32_t sample_all_from;   /* 0 with sample 1 */
	uint8_t fields;             /* FK_* the bond's keys have now */
	uint64_t now_ms;            /* monotonic, as start/end */
	uint64_t next_ms;           /* when the open window ends */
	struct flow_window last;    /* valid false: none has ended yet */
	uint64_t start_unix_ms;     /* last.start_ms on the wall clock */
	char slave_of[FLOW_TOP][BOND_NAME_MAX];   /* last.top[i]'s slave ("": gone) */
	unsigned n_slaves;          /* slaves enslaved for the whole window */
	struct ctl_flow_slave slaves[BOND_MAX_SLAVES];
};

/* A VLAN sub-interface of a bond (bondctl vlan, show): its device as the
 * daemon sees it. */
#define CTL_VLAN_ADDRS 16
struct ctl_vlan_addr {
	int family;                 /* AF_INET / AF_INET6 */
	uint8_t addr[16];
	uint8_t prefixlen;
};
struct ctl_vlan {
	char name[BOND_NAME_MAX];
	char bond[BOND_NAME_MAX];
	uint16_t vid;
	int ifindex;
	unsigned mtu;
	bool admin_up;              /* IFF_UP */
	bool carrier;               /* the bond's carrier, which it follows */
	uint8_t mac[6];
	struct ctl_vlan_addr addrs[CTL_VLAN_ADDRS];
	unsigned n_addrs;
	/* frames the device received / sent over the bond, counted by the
	 * daemon where frames cross it (counted false: the kernel data path
	 * carries them, and these are not known) */
	bool counted;
	uint64_t rx_packets, rx_bytes, rx_dropped;
	uint64_t tx_packets, tx_bytes, tx_dropped;
};

struct ctl_backend_ops {
	/* The engine whose bonds the read commands show. */
	struct engine *(*engine)(void *ctx);
	/* The engine's clock (monotonic ms), for changes made directly on
	 * the engine (active slave, per-slave options). */
	uint64_t (*now)(void *ctx);
	/* Creates bond name with the options set at once (all or nothing).
	 * The bond is administratively down, as the kernel creates one
	 * (ip link add ... type bond): set_up brings it up. */
	int (*bond_create)(void *ctx, const char *name, unsigned nopts,
			   const char *const names[], const char *const values[],
			   struct err *err);
	/* Brings the bond up or down, as ip link set BOND up|down does:
	 * down stops its monitors and LACP and passes no frame; the slaves
	 * stay enslaved. */
	int (*set_up)(void *ctx, const char *bond, bool up, struct err *err);
	/* Releases every slave and removes the bond. */
	int (*bond_delete)(void *ctx, const char *name, struct err *err);
	/* Adds / gives back one slave. */
	int (*enslave)(void *ctx, const char *bond, const char *ifname, struct err *err);
	int (*release)(void *ctx, const char *bond, const char *ifname, struct err *err);
	/* Sets bond options, all or nothing ("slaves" +IF/-IF alone). */
	int (*set)(void *ctx, const char *bond, unsigned nopts,
		   const char *const names[], const char *const values[],
		   struct err *err);
	/* Re-reads the configuration and applies the differences; warnings
	 * (and the errors of a refused file) go to msgs. */
	int (*reload)(void *ctx, struct strbuf *msgs, struct err *err);
	/* Brings the bond's counters up to date (the kernel data path counts
	 * in its maps) and says how its frames are carried; NULL: no such
	 * facts (tests). */
	void (*bond_io)(void *ctx, const char *bond, struct ctl_bond_io *out);
	/* Hands every bond over to a new bondd (the daemon execs the installed
	 * binary once the answer is sent), or says why it cannot (a bond the
	 * configuration file does not name, a bond on the packet data path);
	 * NULL: not possible here. */
	int (*upgrade)(void *ctx, struct err *err);
	/* The lint warnings (one "FILE:LINE: warning: ..." line each, with
	 * the reason and the fix) of file, a bondd.conf the daemon reads, or
	 * (file NULL) of the configuration it runs, judged with what it knows
	 * at run time. A refused file: its errors to msgs, err set, nonzero.
	 * NULL: not possible here. */
	int (*lint)(void *ctx, const char *file, struct strbuf *msgs, struct err *err);
	/* The bondd.conf text of what runs now, runtime changes included
	 * (bond NULL: everything, else that bond's section), to out.
	 * NULL: not possible here. */
	int (*dump)(void *ctx, const char *bond, struct strbuf *out, struct err *err);
	/* Compares what runs now (as dump prints it) with text, a bondd.conf
	 * the client read (path: for messages); put(arg, change) for each
	 * difference, in order. Changes nothing. Returns the count, or
	 * -EBADMSG with the file's "FILE:LINE: ..." errors in msgs (its
	 * warnings go there too). NULL: not possible here. */
	int (*diff)(void *ctx, const char *path, const char *text,
		    void (*put)(void *arg, const struct ctl_change *ch), void *arg,
		    struct strbuf *msgs, struct err *err);
	/* The bond's last finished window of flows (bondctl flows); 0, or
	 * nonzero with err saying why. NULL: not kept here. */
	int (*flows)(void *ctx, const char *bond, struct ctl_flows *out, struct err *err);
	/* VLAN sub-interfaces (bond0.100): add (name NULL: "BOND.VID"), del
	 * by VID (name NULL) or by device name (vid 0), all or nothing; list
	 * the VLANs of bond (NULL: of every bond) into out, at most max:
	 * the count, or -errno with err (-ENODEV: no such bond). NULL: no
	 * VLANs here. */
	int (*vlan_add)(void *ctx, const char *bond, uint16_t vid, const char *name,
			struct err *err);
	int (*vlan_del)(void *ctx, const char *bond, uint16_t vid, const char *name,
			struct err *err);
	int (*vlans)(void *ctx, const char *bond, struct ctl_vlan *out, unsigned max,
		     struct err *err);
};

struct ctl_backend {
	const struct ctl_backend_ops *ops;
	void *ctx;                 /* passed back to every operation */
};

#endif
