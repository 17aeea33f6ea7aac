/* The status model of a bond: the facts that /proc/net/bonding/<bond> and
 * `bondctl show -j` print, gathered in one plain-data snapshot.
 *
 * status_fill() copies them out of the engine: the generic part here, the
 * mode's part through its mode_ops.status_fill slot (802.3ad: the
 * aggregator and per-port LACP facts; balance-tlb/alb: the load tables).
 * The model holds numbers, names (static strings of the mode and option
 * tables), MACs and booleans; the printers in src/ctl (status_text.c for
 * the /proc layout, status_json.c for JSON) turn it into text and read
 * nothing else.
 */
#ifndef BONDD_STATUS_H
#define BONDD_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bond.h"
#include "lib/util.h"
#include "opt.h"

/* The kernel version whose layout and behaviour bondd follows, printed in
 * the header line with bondd's own version. */
#define BONDD_KERNEL_COMPAT "6.18"

#ifndef BONDD_VERSION
#define BONDD_VERSION "0.0.0"
#endif

/* One side of a LACPDU as /proc's "details actor/partner lacp pdu" shows
 * it (key: the actor's port key, the partner's oper key). */
struct status_lacp_info {
	uint16_t sys_prio;
	uint8_t system[6];
	uint16_t key;
	uint16_t port_prio;
	uint16_t port;
	uint8_t state;              /* LACP_STATE_* bits */
};

/* ---- 802.3ad explained (lacp/lacp_explain.c) ----------------------------
 *
 * Why each port of an 802.3ad bond aggregates or does not, as reasons with
 * their values; the printers (src/ctl/cmd_lacp.c) say them in words. The
 * reasons of a port come in the order a user should look at them: the
 * first one is the cause, later ones are consequences or other findings. */

enum lacp_why {
	LACP_WHY_BOND_DOWN,        /* the bond is administratively down */
	LACP_WHY_LINK_DOWN,        /* the port's link is down */
	LACP_WHY_HALF_DUPLEX,      /* LACP runs only on full-duplex ports */
	LACP_WHY_NO_LACPDU,        /* nothing heard for ms (heard: ever before) */
	LACP_WHY_BOTH_PASSIVE,     /* lacp_active off here, partner passive or silent */
	LACP_WHY_EXPIRED,          /* partner info expired: no LACPDU for ms */
	LACP_WHY_DEFAULTED,        /* partner info defaulted: no LACPDU for ms */
	LACP_WHY_INDIVIDUAL,       /* partner says the link is not aggregatable */
	LACP_WHY_SPEED_DIFFERS,    /* port key's speed/duplex differs: ours/theirs */
	LACP_WHY_KEY_DIFFERS,      /* port key (ad_user_port_key part) differs */
	LACP_WHY_PARTNER_DIFFERS,  /* partner key or system differs: ours/theirs */
	LACP_WHY_PARTNER_NOT_SYNC, /* partner is not in sync */
	LACP_WHY_CHURN,            /* churn detected (actor and/or partner) */
	LACP_WHY_SELECTING,        /* aggregator selection timer: ms left */
	LACP_WHY_WAITING,          /* mux waits (wait_while): ms left */
	LACP_WHY_NO_AGGREGATOR,    /* not attached to an aggregator yet */
	LACP_WHY_NOT_SELECTED,     /* ad_select prefers aggregator agg_id by rule */
	LACP_WHY_MIN_LINKS,        /* ours ports up < theirs min_links: carrier off */
	LACP_WHY_STRICT,           /* lacp_strict holds carrier down, no partner */
	LACP_WHY_FALLBACK,         /* no partner: carries traffic alone */
	LACP_WHY_NEGOTIATING,      /* none of the above yet: the machines are
				    * on their way (rx_state, mux_state say where) */
};

#define STATUS_LACP_MAX_REASONS 12

struct status_lacp_reason {
	enum lacp_why why;
	uint64_t ms;               /* NO_LACPDU, EXPIRED, DEFAULTED, SELECTING, WAITING */
	bool heard;                /* NO_LACPDU, EXPIRED, DEFAULTED: ever heard one */
	bool actor, partner;       /* CHURN: which side churned; BOTH_PASSIVE:
				    * partner = a passive LACPDU was heard */
	uint32_t ours, theirs;     /* keys (this port / the active aggregator),
				    * MIN_LINKS: ports up / min_links */
	uint16_t ours_prio, theirs_prio;   /* PARTNER_DIFFERS: partner systems */
	uint8_t ours_mac[6], theirs_mac[6];
	uint16_t agg_id;           /* NOT_SELECTED: the aggregator preferred */
	const char *rule;          /* NOT_SELECTED: which rule prefers it */
};

struct status_lacp_port {
	char name[BOND_NAME_MAX];
	bool aggregated;           /* collecting and distributing with a partner
				    * in the active aggregator */
	bool carrying;             /* may carry traffic (aggregated or fallback) */
	bool has_agg;
	uint16_t agg_id;
	bool agg_active;
	const char *rx_state, *mux_state;   /* machine state names */
	bool heard;                /* a LACPDU was ever received */
	uint64_t heard_ago_ms;     /* the last one, ms ago */
	struct status_lacp_info partner;
	unsigned n_reasons;
	struct status_lacp_reason reasons[STATUS_LACP_MAX_REASONS];
};

struct status_lacp_explain {
	char name[BOND_NAME_MAX];
	bool carrier;
	const char *ad_select;
	uint32_t min_links;
	bool lacp_active, lacp_strict;
	bool has_active_agg;
	uint16_t active_agg_id;
	unsigned active_ports;
	uint16_t partner_key;
	uint8_t partner_mac[6];
	unsigned n_ports;
	struct status_lacp_port ports[BOND_MAX_SLAVES];
};

/* ---- 802.3ad log (lacp/lacp_explain.c) ------------------------------------ */

#define STATUS_LACP_LOG_MAX 64     /* both rings of a port */

/* A port's state as a log entry shows it before and after. */
struct status_lacp_view {
	const char *rx_state, *mux_state;
	bool selected, enabled, agg_active;
	uint16_t agg_id;           /* 0: none */
	uint8_t actor_state, partner_state;
};

struct status_lacp_log_entry {
	uint64_t ms;               /* engine clock */
	const char *kind;          /* "rx", "tx", "state" */
	uint8_t version;           /* rx, tx: the LACPDU */
	struct status_lacp_info actor, partner;
	struct status_lacp_view before, after;
};

struct status_lacp_log {
	char bond[BOND_NAME_MAX], port[BOND_NAME_MAX];
	unsigned n;                /* oldest first */
	struct status_lacp_log_entry e[STATUS_LACP_LOG_MAX];
};

/* 802.3ad facts of one port. */
struct status_ad_port {
	bool has_agg;               /* attached to an aggregator (else "N/A") */
	uint16_t agg_id;
	const char *actor_churn;    /* churn machine state word: "monitoring", ... */
	const char *partner_churn;
	uint32_t actor_churn_count;
	uint32_t partner_churn_count;
	struct status_lacp_info actor, partner;
	/* Slow-protocol frames on this port (illegal: ours but truncated or
	 * malformed; unknown: a slow protocol we do not speak). */
	uint64_t lacpdu_rx, lacpdu_tx, lacpdu_illegal_rx, lacpdu_unknown_rx;
	uint64_t marker_rx, marker_tx, marker_resp_rx, marker_resp_tx;
};

/* 802.3ad facts of the bond: "802.3ad info" and "Active Aggregator Info". */
struct status_ad {
	const char *lacp_active;    /* option value names: "on", "fast", ... */
	const char *lacp_rate;
	uint32_t min_links;
	const char *ad_select;
	uint16_t sys_prio;          /* the actor's system priority and MAC as sent */
	uint8_t system[6];
	bool has_active_agg;
	struct {
		uint16_t id;
		unsigned n_ports;       /* ports with link up ("Number of ports") */
		uint16_t actor_key;
		uint16_t partner_key;
		uint8_t partner_mac[6];
	} agg;
};

/* balance-tlb/alb facts of one slave. */
struct status_alb_slave {
	uint32_t tlb_load;          /* sum of its transmit buckets' load */
	unsigned tx_buckets;        /* transmit buckets assigned to it */
	unsigned rlb_clients;       /* receive clients assigned to it (alb) */
};

/* balance-tlb/alb facts of the bond. */
struct status_alb {
	bool rlb;                   /* receive load balancing (balance-alb) */
	bool open;                  /* tables built (bond up) */
	unsigned rlb_clients;       /* receive clients in the table */
};

struct status_slave {
	char name[BOND_NAME_MAX];
	enum slave_link link;
	int32_t speed;              /* Mb/s or SPEED_UNKNOWN */
	uint8_t duplex;             /* DUPLEX_* */
	uint32_t link_failure_count;
	uint8_t perm_mac[6];
	uint8_t cur_mac[6];
	uint16_t queue_id;
	int32_t prio;
	bool backup;
	uint64_t link_since_ms;     /* engine clock: the link state's start */
	struct slave_stats stats;
	struct status_ad_port ad;   /* valid when bond_status.has_ad */
	struct status_alb_slave alb;/* valid when bond_status.has_alb */
};

/* One bond option as the option table reads it back (sysfs form). */
struct status_opt {
	const char *name;           /* kernel name, from opt_table */
	enum opt_type type;         /* how to read the text (typed JSON) */
	bool on_off;                /* its values are "off" 0 and "on" 1 */
	size_t value_off;           /* into bond_status.opt_text */
};

struct bond_status {
	/* The reader's engine clock (ms), for "how long in this state";
	 * 0: unknown (status_fill leaves it so, the printers' caller sets it). */
	uint64_t now_ms;
	char name[BOND_NAME_MAX];
	const char *mode_name;      /* "active-backup" */
	const char *mode_proc_text; /* "fault-tolerance (active-backup)" */
	uint32_t mode_number;
	bool carrier;

	/* "(fail_over_mac X)" after the mode: set by the modes it applies to. */
	bool shows_fail_over_mac;
	const char *fail_over_mac;

	bool uses_xmit_hash;
	const char *xmit_hash_policy;
	uint32_t xmit_policy;

	bool uses_primary;
	char primary[BOND_NAME_MAX];    /* in effect (enslaved); "" = none */
	const char *primary_reselect;
	char active[BOND_NAME_MAX];     /* "" = none */

	uint32_t miimon;
	uint32_t updelay_ms, downdelay_ms, peer_notif_delay_ms;
	uint32_t arp_interval;          /* 0: no ARP/NS block */
	uint32_t missed_max;
	uint32_t arp_targets[BOND_MAX_ARP_TARGETS];   /* network order */
	unsigned n_arp_targets;
	uint8_t ns_targets[BOND_MAX_ARP_TARGETS][16];
	unsigned n_ns_targets;

	/* Every bond option the table can read, values NUL-separated in
	 * opt_text (the one allocation: status_free releases it). */
	struct status_opt opts[OPT__COUNT];
	unsigned n_opts;
	struct strbuf opt_text;
	bool oom;                       /* opt_text could not grow */

	struct status_slave slaves[BOND_MAX_SLAVES];
	unsigned n_slaves;

	/* The VLAN sub-interfaces the engine knows (bond_vlan_add), in the
	 * order added: their VIDs, and whether they are up (the daemon has
	 * their names and MTUs; addresses: bond_vlan_at). */
	uint16_t vlan_vid[BOND_MAX_VLANS];
	bool vlan_up[BOND_MAX_VLANS];
	unsigned n_vlans;

	bool has_ad;                    /* 802.3ad: ad and slaves[].ad */
	struct status_ad ad;
	bool has_alb;                   /* tlb/alb: alb and slaves[].alb */
	struct status_alb alb;
};

/* Fills *out from the bond (generic part, then the mode's). Call
 * status_free() afterwards. */
void status_fill(const struct bond *b, struct bond_status *out);
void status_free(struct bond_status *st);

static inline const char *status_opt_value(const struct bond_status *st, unsigned i)
{
	return sb_str(&st->opt_text) + st->opts[i].value_off;
}

/* An option whose only values are "off" (0) and "on" (1): JSON shows it
 * as a boolean. */
bool status_opt_on_off(const struct opt_desc *d);

/* A slave's link state as both printers show it ("MII Status: going
 * back"): the kernel's words. */
const char *status_link_text(enum slave_link l);

/* The modes' fill functions, pointed at by their mode_ops tables. */
void lacp_status_fill(const struct bond *b, struct bond_status *st);
void alb_status_fill(const struct bond *b, struct bond_status *st);

/* Explains every port of an 802.3ad bond at engine time now_ms; -1 if the
 * bond is not in 802.3ad. */
int lacp_explain(const struct bond *b, uint64_t now_ms, struct status_lacp_explain *out);
/* The log of one port (its LACPDUs and state changes, oldest first); -1 if
 * the bond is not in 802.3ad. */
int lacp_port_log(const struct bond *b, const struct slave *s, struct status_lacp_log *out);

#endif
