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

/* 802.3ad facts of one port. */
struct status_ad_port {
	bool has_agg;               /* attached to an aggregator (else "N/A") */
	uint16_t agg_id;
	const char *actor_churn;    /* churn machine state word: "monitoring", ... */
	const char *partner_churn;
	uint32_t actor_churn_count;
	uint32_t partner_churn_count;
	struct status_lacp_info actor, partner;
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
	struct slave_stats stats;
	struct status_ad_port ad;   /* valid when bond_status.has_ad */
	struct status_alb_slave alb;/* valid when bond_status.has_alb */
};

/* One bond option as the option table reads it back (sysfs form). */
struct status_opt {
	const char *name;           /* kernel name, from opt_table */
	size_t value_off;           /* into bond_status.opt_text */
};

struct bond_status {
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

/* A slave's link state as both printers show it ("MII Status: going
 * back"): the kernel's words. */
const char *status_link_text(enum slave_link l);

/* The modes' fill functions, pointed at by their mode_ops tables. */
void lacp_status_fill(const struct bond *b, struct bond_status *st);
void alb_status_fill(const struct bond *b, struct bond_status *st);

#endif
