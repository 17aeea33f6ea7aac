/* The engine's data model: a bond, its slaves, their parameters, and the
 * two operation tables (struct engine_ops: the effects the engine asks of
 * the outside world; struct mode_ops, declared here and defined in mode.h).
 * Types only: no function lives here.
 *
 * The layers of src/core, bottom to top. A file includes only headers of
 * its own layer or below, so the include graph has no cycle:
 *
 *   1. bond_types.h   this model (types, BOND_MODE_* enum, engine_ops)
 *   2. actions        what every layer above uses: the engine's actions
 *                     (send on a slave, log, set a MAC, carrier, multicast
 *                     groups), slave_can_tx, bond_find_slave, delays in ms
 *      hash           transmit hash policies (frames only, no model)
 *   3. mode           mode.h: struct mode_ops; mode.c: the mode_*() wrappers
 *                     that give every slot its default, the hashing modes'
 *                     choice, bond_explain_tx(); mode_table.c: the table of
 *                     modes (mode_lookup), switching a bond's mode
 *      flowtab        flow keys and the busiest-flows table (bondctl flows)
 *   4. peer_notify,   frames the engine sends on its own after a failover,
 *      mcast_rejoin   through the mode's transmit path
 *   5. bond           bond-level logic: active slave selection, roles, the
 *                     usable set, carrier, MACs
 *   6. mode_*.c, lacp/, alb.h   the modes (one mode_ops table each; alb
 *                     builds on tlb's code and gives it its receive
 *                     balancing through struct rlb_ops, never the reverse)
 *      monitor, mon_mii, mon_arp   the link monitors
 *   7. engine.h       the engine's public contract, implemented by
 *                     engine.c (engine object, bond list, tick) and
 *                     slave.c (enslave, release, link events, transmit,
 *                     receive)
 *   8. opt            the option codec and setters (uses engine.h)
 *      engine_bond    a bond's life: created with the option table's
 *                     defaults, up/down, addresses, freed
 *      status         the status model (its printers are in src/ctl)
 *
 * Only the mode files (mode*.c, mode.h, lacp/, this enum) name a mode
 * number; everything else asks the bond's mode_ops.
 *
 * Time is always a parameter (now_ms); nothing here reads a clock or calls
 * the OS: effects leave through engine_ops.
 */
#ifndef BONDD_BOND_TYPES_H
#define BONDD_BOND_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"

#define BOND_MAX_SLAVES      64
/* VLAN sub-interfaces per bond (bond0.100 ...): each is a device of its
 * own (a TAP), so the bound is the daemon's descriptors, not the VID space. */
#define BOND_MAX_VLANS       256
#define BOND_MAX_BONDS       256  /* bonds in one engine (one daemon) */
#define BOND_MAX_ARP_TARGETS 16
#define BOND_NAME_MAX        16   /* IFNAMSIZ, NUL included */

enum bond_mode {
	BOND_MODE_ROUNDROBIN = 0,
	BOND_MODE_ACTIVEBACKUP = 1,
	BOND_MODE_XOR = 2,
	BOND_MODE_BROADCAST = 3,
	BOND_MODE_8023AD = 4,
	BOND_MODE_TLB = 5,
	BOND_MODE_ALB = 6,
	BOND_MODE__COUNT
};

/* Slave link states, numbered as the kernel's BOND_LINK_*. */
enum slave_link {
	SLAVE_LINK_UP = 0,
	SLAVE_LINK_FAIL = 1,    /* "going down": downdelay running */
	SLAVE_LINK_DOWN = 2,
	SLAVE_LINK_BACK = 3,    /* "going back": updelay running */
};

#define SPEED_UNKNOWN  (-1)
#define DUPLEX_HALF    0
#define DUPLEX_FULL    1
#define DUPLEX_UNKNOWN 0xff

enum { PRI_RESELECT_ALWAYS = 0, PRI_RESELECT_BETTER = 1, PRI_RESELECT_FAILURE = 2 };
enum { FOM_NONE = 0, FOM_ACTIVE = 1, FOM_FOLLOW = 2 };

/* Bond parameters with the kernel's names and units. updelay, downdelay and
 * peer_notif_delay are stored as counts of miimon ticks, as the kernel
 * stores them, so that changing miimon rescales them the same way. */
struct bond_params {
	uint32_t mode;
	uint32_t miimon;            /* ms, 0 = off */
	uint32_t updelay;           /* miimon ticks */
	uint32_t downdelay;         /* miimon ticks */
	uint32_t peer_notif_delay;  /* miimon ticks */
	uint32_t use_carrier;
	uint32_t arp_interval;      /* ms */
	uint32_t arp_targets[BOND_MAX_ARP_TARGETS]; /* network byte order */
	unsigned n_arp_targets;
	uint8_t ns_targets[BOND_MAX_ARP_TARGETS][16];
	unsigned n_ns_targets;
	uint32_t arp_validate;
	uint32_t arp_all_targets;
	uint32_t missed_max;        /* arp_missed_max */
	char primary[BOND_NAME_MAX];/* "" = none; may name a device not yet enslaved */
	uint32_t primary_reselect;
	uint32_t fail_over_mac;
	uint32_t xmit_policy;
	uint32_t lacp_rate;
	uint32_t lacp_active;
	uint32_t ad_select;
	uint32_t min_links;
	uint32_t ad_actor_sys_prio;
	uint8_t ad_actor_system[6];
	uint32_t ad_user_port_key;
	uint32_t num_peer_notif;    /* num_grat_arp == num_unsol_na */
	uint32_t resend_igmp;
	uint32_t packets_per_slave;
	uint32_t lp_interval;       /* seconds */
	uint32_t tlb_dynamic_lb;
	uint32_t all_slaves_active;
	uint32_t coupled_control;
	uint32_t broadcast_neighbor;
	uint32_t lacp_strict;
	uint32_t tx_queues;
};

/* What the OS tells us about a slave's link; the engine never asks. */
struct link_info {
	bool running;     /* administratively up (IFF_UP) */
	bool carrier;     /* lower layer up (IFF_LOWER_UP / carrier) */
	int32_t speed;    /* Mb/s or SPEED_UNKNOWN */
	uint8_t duplex;   /* DUPLEX_* */
};

struct slave_stats {
	uint64_t tx_packets, tx_bytes;
	uint64_t rx_packets, rx_bytes;
	uint64_t rx_dropped;        /* refused by the mode's receive rule */
	uint64_t tx_dropped;        /* the slave's queue refused the frame */
	/* Frames from the host sent while the bond held the slave's link as
	 * down (DOWN, or BACK: updelay running). Always 0 unless a mode
	 * breaks its own rule; the soak test proves it stays 0. */
	uint64_t tx_while_down;
};

struct bond;

struct slave {
	struct bond *bond;
	void *io;                   /* the I/O layer's handle, never touched here */
	/* Read and written for every frame sent (bond_tx_on: the link for
	 * tx_while_down, the time and the tx counters): kept together at the
	 * front, so a frame touches one cache line of its slave. */
	enum slave_link link;       /* monitor's view */
	uint64_t last_tx_ms;        /* ARP monitor: last transmit */
	struct slave_stats stats;
	char name[BOND_NAME_MAX];
	uint8_t perm_mac[6];        /* the slave's own address at enslave time */
	uint8_t cur_mac[6];         /* the address the engine gave it */

	struct link_info os;        /* latest raw state from the OS */
	int32_t speed;              /* last value read (kept when the link drops) */
	uint8_t duplex;

	int32_t delay;              /* remaining up/down delay, miimon ticks */
	uint32_t link_failure_count;
	uint64_t last_link_up_ms;
	/* When the monitor last committed a link state (enslave, up, down):
	 * "time in the current state" of bondctl stats. */
	uint64_t link_since_ms;
	/* ARP monitor: last validated receive, per target (last_tx_ms above). */
	uint64_t last_rx_ms;
	uint64_t target_last_rx_ms[BOND_MAX_ARP_TARGETS];

	bool backup;                /* role: sysfs "backup" (else "active") */
	bool inactive;              /* receive dropped (backup and !all_slaves_active) */
	int32_t prio;               /* per-slave prio (modes 1,5,6) */
	uint16_t queue_id;
	uint16_t ad_actor_port_prio;

	void *mode_priv;            /* allocated by the core, mode->slave_priv_size */
};

struct mode_ops;
struct engine;
struct engine_ops;

/* Addresses of a device, for the frames the engine makes for it (peer
 * notification, the ARP/NS monitor's source, multicast reports). */
#define BOND_MAX_ADDRS 8

/* A VLAN sub-interface stacked on the bond (bond0.100, engine.h
 * bond_vlan_add): its VID and its own addresses. It wears the bond's MAC. */
struct bond_vlan {
	uint16_t vid;               /* 1..4094 */
	/* Administratively down (bond_vlan_set_up): the kernel sends nothing
	 * from a device that is down and drops its routes, so the engine
	 * makes no frame from it and routes no probe through it (learning
	 * packets still name it: the kernel sends them on the slave). */
	bool down;
	uint32_t ipv4[BOND_MAX_ADDRS];      /* network order */
	uint8_t ipv4_prefix[BOND_MAX_ADDRS];
	unsigned n_ipv4;
	uint8_t ipv6[BOND_MAX_ADDRS][16];
	uint8_t ipv6_prefix[BOND_MAX_ADDRS];    /* 64 unless told */
	unsigned n_ipv6;
};

struct bond {
	struct engine *eng;
	/* The engine's actions and their context (engine_new's ops and ctx),
	 * reachable from the bond so every layer can act without the engine. */
	const struct engine_ops *ops;
	void *ctx;
	void *io;
	char name[BOND_NAME_MAX];
	struct bond_params params;
	const struct mode_ops *mode;
	void *mode_priv;            /* allocated by the core, mode->priv_size */

	uint8_t mac[6];
	bool mac_set_by_user;       /* else it follows the first slave */
	/* The data path sees each frame's transmit queue (the kernel data
	 * path reads skb->queue_mapping): only then can queue_id steer. */
	bool queue_ids_ok;
	bool mac_random;            /* no slave has given it an address yet */
	bool admin_up;
	bool carrier;

	struct slave *slaves[BOND_MAX_SLAVES];  /* enslave order */
	unsigned n_slaves;
	/* Precomputed transmit set: rebuilt on link, membership and selection
	 * changes only, so the fast path is one array lookup. */
	struct slave *usable[BOND_MAX_SLAVES];
	unsigned n_usable;

	struct slave *active;       /* curr_active_slave (modes 1,5,6) */
	bool force_primary;
	/* Why the next change of active slave happens, when its caller knows
	 * better than bond_change_active() can guess ("manual", ...): a
	 * static string, set around the call and cleared after. */
	const char *active_why;

	/* monitor scheduling */
	uint64_t next_mii_ms;       /* 0 = not armed */
	uint64_t now_ms;            /* time of the event being handled */
	struct slave *current_arp_slave; /* AB ARP monitor: probing candidate */
	bool arp_no_route_warned;

	/* peer notification (gratuitous ARP / unsolicited NA) */
	uint32_t send_peer_notif;   /* countdown in monitor ticks */
	uint32_t ipv4[BOND_MAX_ADDRS];      /* bond's IPv4 addresses, network order */
	uint8_t ipv4_prefix[BOND_MAX_ADDRS];
	unsigned n_ipv4;
	uint8_t ipv6[BOND_MAX_ADDRS][16];
	uint8_t ipv6_prefix[BOND_MAX_ADDRS];    /* 64 unless told (bond_set_prefix6) */
	unsigned n_ipv6;

	/* VLAN sub-interfaces, in the order added (engine_bond.c): grown on
	 * demand, at most BOND_MAX_VLANS. */
	struct bond_vlan *vlans;
	unsigned n_vlans, cap_vlans;
	/* The frame being sent came from a VLAN sub-interface (or is one the
	 * engine made for a VLAN): its tag at frame[12] is out of band, and
	 * every hash the mode makes of it is xmit_hash_vlan(), as the kernel
	 * hashes a VLAN device's frame (mode.c bond_xmit_hash). Set only for
	 * the length of one transmit. */
	bool xmit_oob_tag;

	/* resend_igmp: reports still to send, and when (mcast_rejoin.c) */
	uint32_t igmp_retrans;
	uint64_t igmp_next_ms;
};

enum log_level { LOG_ERR_ = 3, LOG_WARN_ = 4, LOG_INFO_ = 6, LOG_DEBUG_ = 7 };

struct mcast_groups;

/* What happened to a bond, as data, for whoever watches it (`bondctl
 * monitor`): the facts the log lines say, with the reason. The strings are
 * the caller's and live only during the event action. */
enum bond_event_kind {
	BOND_EV_LINK,          /* a slave's link, state "up" / "down" */
	BOND_EV_ACTIVE,        /* the active slave changed (slave: the new one,
				* "" for none), state "active" / "none" */
	BOND_EV_CARRIER,       /* the bond's carrier, "up" / "down" */
	BOND_EV_LACP,          /* an 802.3ad port's state: "aggregated",
				* "not aggregated", "expired", "defaulted",
				* "churn" */
	BOND_EV_AGGREGATOR,    /* the active aggregator changed, state its id */
	BOND_EV_PEER_NOTIFY,   /* gratuitous ARPs / unsolicited NAs sent */
	BOND_EV_MALFORMED,     /* a frame refused as malformed */
	BOND_EV_SLAVE,         /* a slave enslaved ("added") or released */
	BOND_EV_RELOAD,        /* the configuration was reloaded (the daemon) */
	BOND_EV__COUNT
};

struct bond_event {
	enum bond_event_kind kind;
	const char *bond;
	const char *slave;     /* "" when the event is about the bond */
	const char *state;
	const char *reason;    /* never NULL; "" when there is nothing to say */
};

/* Every effect of the engine on the outside world (the I/O layer fills
 * it in engine_new()). */
struct engine_ops {
	/* Send a frame on a slave. */
	void (*tx)(void *ctx, struct slave *s, const uint8_t *frame, size_t len,
		   const void *meta);
	/* Hand a received frame up to the bond device (the host stack). */
	void (*deliver)(void *ctx, struct bond *b, const uint8_t *frame,
			size_t len, const void *meta);
	/* Program a slave's MAC address. */
	void (*set_slave_mac)(void *ctx, struct slave *s, const uint8_t mac[6]);
	/* Program the bond device's MAC address. */
	void (*set_bond_mac)(void *ctx, struct bond *b, const uint8_t mac[6]);
	/* Bond device carrier on/off. */
	void (*set_carrier)(void *ctx, struct bond *b, bool up);
	/* One log line, already formatted the kernel's way. */
	void (*log)(void *ctx, int level, const char *line);
	/* Fill *out with the bond device's multicast memberships (for
	 * resend_igmp; out is zeroed). May be NULL: then nothing is resent. */
	void (*mcast_groups)(void *ctx, struct bond *b, struct mcast_groups *out);
	/* The same for the bond's VLAN sub-interface vid (its own device's
	 * memberships: the kernel's 8021q passes NETDEV_RESEND_IGMP on to the
	 * VLAN devices, whose reports leave tagged). May be NULL: then only
	 * the bond's own memberships are resent. */
	void (*mcast_groups_vlan)(void *ctx, struct bond *b, uint16_t vid,
				  struct mcast_groups *out);
	/* Something a monitor would want to see happened (bond_event()).
	 * May be NULL: nobody watches. */
	void (*event)(void *ctx, const struct bond_event *ev);
};

#endif
