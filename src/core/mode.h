/* One bonding mode = one const table of operations (FreeBSD lagg_protos[]
 * shape). Every decision that depends on the mode is a field or a slot of
 * struct mode_ops; callers go through the mode_*() wrappers in mode.c, which
 * supply the default for every slot a mode leaves NULL. No switch on the
 * mode number exists outside mode_lookup() (mode_table.c), and only the mode
 * files name a BOND_MODE_* value. Adding a mode = a mode_X.c with its table
 * and one line in mode_table.c. */
#ifndef BONDD_MODE_H
#define BONDD_MODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actions.h"
#include "bond_types.h"
#include "hash.h"

/* Which flavour of the ARP/NS monitor a mode runs (arp_interval > 0). */
enum mode_arp_monitor {
	MODE_ARP_NONE,              /* not allowed: the mode needs the MII monitor */
	MODE_ARP_LOADBALANCE,       /* every slave probes (bond_loadbalance_arp_mon) */
	MODE_ARP_ACTIVEBACKUP,      /* the active slave probes (bond_activebackup_arp_mon) */
};

/* When a change of active slave resends the multicast memberships
 * (resend_igmp). */
enum mode_igmp_rejoin {
	MODE_REJOIN_NEVER,
	MODE_REJOIN_NEW_ACTIVE,     /* a new active slave was chosen */
	MODE_REJOIN_ALWAYS,         /* any change, even to none (balance-rr) */
};

/* What a mode would do with one frame, for `bondctl hash`: filled by
 * bond_explain_tx() from the mode's own transmit code, without sending and
 * without changing the mode's state. */
struct tx_explain {
	bool hashed;                /* the choice hashed the frame */
	uint32_t hash;
	struct xmit_hash_info how;  /* how the hash was made (hashed only) */
	struct slave *const *set;   /* the slaves the choice is made among */
	unsigned n_set;
	const char *set_label;      /* "usable slaves", "slaves", "slaves up"; NULL: no set */
	bool indexed;               /* slave = set[index] */
	unsigned index;
	const struct slave *slave;  /* NULL: none, every slave, or by load */
	bool every_slave;           /* the frame is copied to every slave of the set */
	bool by_load;               /* tlb/alb: the slave depends on the traffic */
	char reason[256];           /* the rule in words, prefixed "<mode>: " */
};

/* What the mode's transmit and receive rules are right now, as data: the
 * state a data path outside the engine (the kernel data path's programs)
 * needs to apply the mode's rules to frames the engine never sees. Filled
 * by bond_tx_plan(); the mode's tx_plan slot gives its kind and flags, the
 * rest is common. The data path must send where the engine's xmit would
 * and deliver what slave_receive would. */
enum tx_plan_kind {
	TXP_DROP,       /* nothing can transmit */
	TXP_ACTIVE,     /* the active slave */
	TXP_RR,         /* rr_map[counter % n_slaves] (balance-rr's rules) */
	TXP_HASH,       /* tx[xmit_hash % n_tx] */
	TXP_BCAST,      /* a copy on each of tx[] */
	TXP_TLB,        /* balanced frames by bucket (xmit_hash & 0xff), rest active */
	TXP_ALB,        /* as tlb, buckets by destination IP, ARP to the engine */
};

struct tx_plan {
	enum tx_plan_kind kind;
	bool up;                    /* administratively up: else receive drops */
	bool lacp;                  /* slow-protocol frames are the engine's only */
	bool rx_rewrite;            /* tlb/alb: alb_rx_frame's destination rewrite */
	bool tlb_hashed;            /* tlb/alb, tlb_dynamic_lb=0: tx[hash % n_tx] */
	bool rx_inactive_unicast;   /* alb: inactive slaves hand up unicast */
	bool broadcast_neighbor;    /* 802.3ad, TXP_HASH: ARP and IPv6 NS/NA
				     * (lacp.h lacp_is_neighbor_frame)
				     * take every one of tx[] */
	uint32_t xmit_policy;
	uint32_t packets_per_slave;
	/* AB's slave; tlb/alb's slave for unbalanced frames; rr's IGMP slave */
	const struct slave *active;
	unsigned n_tx;
	const struct slave *tx[BOND_MAX_SLAVES];
	unsigned n_slaves;          /* rr: all slaves, enslave order */
	const struct slave *rr_map[BOND_MAX_SLAVES];
	/* tlb/alb with tlb_dynamic_lb=1: each bucket's slave, NULL unassigned */
	const struct slave *bucket[256];
	/* mode_ops.queue_override: the slaves with a queue_id that can send
	 * now (slave_can_tx); a frame of queue qid takes queue[i].s where
	 * queue[i].qid == qid, else the plan above. */
	bool queue_override;
	unsigned n_queue;
	struct {
		uint16_t qid;
		const struct slave *s;
	} queue[BOND_MAX_SLAVES];
};

struct bond_status;
struct mode_ops {
	const char *name;           /* kernel name: "active-backup" */
	const char *proc_text;      /* /proc "Bonding Mode:" text */
	uint32_t number;
	size_t priv_size;           /* bond->mode_priv, zeroed by the core */
	size_t slave_priv_size;     /* slave->mode_priv, zeroed by the core */

	/* ---- decisions ---- */
	/* An active slave is chosen (primary, primary_reselect, prio,
	 * active_slave): modes 1, 5, 6. */
	bool uses_primary;
	/* Only the active slave needs promiscuous mode / multicast lists. */
	bool promisc_active_only;
	/* A frame whose transmit queue (tc skbedit queue_mapping) is a
	 * slave's queue_id leaves on that slave when it can send, before the
	 * mode's own choice: the kernel's bond_should_override_tx_queue()
	 * (active-backup and balance-rr). */
	bool queue_override;
	/* Its rx_control reads received ARP (balance-alb's receive
	 * balancing): bond_reads_neighbor_frames(). */
	bool reads_arp;
	/* fail_over_mac applies (active-backup). */
	bool fail_over_mac;
	/* Runs LACP: the ad_* options are shown and apply (802.3ad). */
	bool lacp;
	/* tlb_dynamic_lb is forced on when the mode is chosen (balance-alb). */
	bool forces_dynamic_lb;
	/* A slave whose speed or duplex is unknown stays down
	 * (bond_needs_speed_duplex: 802.3ad, tlb, alb). */
	bool needs_speed_duplex;
	enum mode_arp_monitor arp_monitor;
	enum mode_igmp_rejoin igmp_rejoin;
	/* Transmit picks usable[xmit_hash % n] (NULL: never). */
	bool (*uses_xmit_hash)(const struct bond *b);

	/* ---- life cycle ---- */
	/* Mode chosen / left (bond has no slaves then). */
	void (*init)(struct bond *b);
	void (*fini)(struct bond *b);
	/* Slave joined (already in b->slaves) / is leaving (still there). */
	void (*slave_add)(struct bond *b, struct slave *s, uint64_t now_ms);
	void (*slave_del)(struct bond *b, struct slave *s, uint64_t now_ms);
	/* A slave's link state was committed (UP or DOWN). */
	void (*link_change)(struct bond *b, struct slave *s, uint64_t now_ms);
	/* The usable set or a slave's ability to transmit was recomputed. */
	void (*usable_changed)(struct bond *b);
	/* A VLAN sub-interface was deleted (the kernel's ndo_vlan_rx_kill_vid:
	 * alb forgets the receive clients of that VLAN). */
	void (*vlan_del)(struct bond *b, uint16_t vid);

	/* ---- data path ---- */
	/* Transmit one frame from the host: picks slave(s) and sends. */
	void (*xmit)(struct bond *b, const uint8_t *frame, size_t len,
		     const void *meta, uint64_t now_ms);
	/* What xmit would do with the frame (see struct tx_explain). out is
	 * zeroed by the caller. NULL: the hashing rule (mode_explain_hash)
	 * for a mode that hashes; a mode that sets it answers every frame,
	 * hashed ones included. */
	void (*explain_tx)(const struct bond *b, const uint8_t *frame, size_t len,
			   struct tx_explain *out);
	/* Frame received on a slave: true = deliver it up to the bond device. */
	bool (*rx_accept)(struct bond *b, struct slave *s, const uint8_t *frame,
			  size_t len);
	/* The frame to hand up once accepted: frame itself (default) or a
	 * rewritten copy in the mode's private state (tlb/alb: a frame sent
	 * to the slave's own MAC gets the bond's MAC as destination). */
	const uint8_t *(*rx_frame)(struct bond *b, struct slave *s,
				   const uint8_t *frame, size_t len);
	/* Frames for the mode itself (LACPDU, ...): true = consumed. */
	bool (*rx_control)(struct bond *b, struct slave *s, const uint8_t *frame,
			   size_t len, uint64_t now_ms);
	/* Periodic work; returns the next deadline or UINT64_MAX. */
	uint64_t (*tick)(struct bond *b, uint64_t now_ms);

	/* ---- roles, carrier, MACs ---- */
	/* Default role for a slave whose link is up (true = backup). */
	bool (*slave_is_backup)(const struct bond *b, const struct slave *s);
	/* Which slaves the transmit array holds (default: slave_can_tx). */
	bool (*slave_usable)(const struct bond *b, const struct slave *s);
	/* Bond carrier (default: some slave has link UP). */
	bool (*carrier)(const struct bond *b);
	/* Receive dropped on this slave (default: with uses_primary, backup
	 * && !all_slaves_active; else never). */
	bool (*slave_inactive)(const struct bond *b, const struct slave *s);
	/* Give each slave the MAC the mode wants (default: the bond's). */
	void (*apply_macs)(struct bond *b);
	/* The active slave changed (old or new may be NULL). */
	void (*active_changed)(struct bond *b, struct slave *old, struct slave *new_,
			       uint64_t now_ms);

	/* Fills the mode's part of the transmit plan (kind, flags, rr_map,
	 * buckets); the common part is already there (default: TXP_HASH
	 * when the mode hashes, else TXP_ACTIVE). */
	void (*tx_plan)(const struct bond *b, struct tx_plan *out);
	/* Bytes a data path outside the engine sent by bucket (tlb/alb's
	 * load accounting: bucket_bytes[256]) and unbalanced. */
	void (*tx_account)(struct bond *b, const uint64_t *bucket_bytes, uint64_t unbalanced);

	/* Adds the mode's facts to the status model (status.h). */
	void (*status_fill)(const struct bond *b, struct bond_status *st);
};

extern const struct mode_ops mode_rr, mode_ab, mode_xor, mode_bcast,
	mode_8023ad, mode_tlb, mode_alb;

/* The table of modes bondd implements; NULL for a mode it refuses. */
const struct mode_ops *mode_lookup(uint32_t number);

/* Swaps the mode's operations (the bond has no slaves). Returns -EOPNOTSUPP
 * with a message for a mode bondd does not implement. */
int bond_set_mode(struct bond *b, uint32_t mode, struct err *err);

/* For code that holds a mode number only (option checks, the daemon):
 * the table's fields, false for a mode bondd does not implement. */
bool bond_mode_uses_primary(uint32_t mode);
bool bond_mode_uses_arp(uint32_t mode);
/* The bond's transmit hashes (status shows the policy, `bondctl hash`). */
bool bond_mode_uses_xmit_hash(const struct bond *b);
/* The engine reads received ARP and NS/NA frames that also go on to the
 * bond: the ARP monitor's, or the mode's (reads_arp). A data path that
 * carries frames without the engine must still copy those to it. */
bool bond_reads_neighbor_frames(const struct bond *b);

/* What the bond's mode would do with frame (len >= 14): the facts
 * `bondctl hash` prints. Sends nothing and changes no state. */
void bond_explain_tx(const struct bond *b, const uint8_t *frame, size_t len,
		     struct tx_explain *out);

/* The bond's transmit plan (struct tx_plan); TXP_DROP when nothing can
 * transmit. */
void bond_tx_plan(const struct bond *b, struct tx_plan *out);
/* Feeds a data path's per-bucket byte counts to tlb/alb (no-op otherwise). */
void bond_tx_account(struct bond *b, const uint64_t *bucket_bytes, uint64_t unbalanced);
/* What a VLAN sub-interface's frame (tag inline at frame[12], out of band
 * for the kernel) would do: bond_explain_tx with the hash made as
 * bond_xmit_vlan makes it (xmit_hash_vlan). */
void bond_explain_tx_vlan(struct bond *b, const uint8_t *frame, size_t len,
			  struct tx_explain *out);
/* The transmit hash of the frame being sent: xmit_hash(), or
 * xmit_hash_vlan() while b->xmit_oob_tag says the frame came from a VLAN
 * sub-interface. Every place a mode hashes a frame calls these. */
uint32_t bond_xmit_hash(const struct bond *b, const uint8_t *frame, size_t len);
uint32_t bond_xmit_hash_explain(const struct bond *b, const uint8_t *frame, size_t len,
				struct xmit_hash_info *info);
/* The hashing modes' choice, shared by their xmit and explain_tx:
 * usable[bond_xmit_hash % n_usable], NULL when nothing is usable. */
struct slave *mode_hash_slave(const struct bond *b, const uint8_t *frame, size_t len);
void mode_explain_hash(const struct bond *b, const uint8_t *frame, size_t len,
		       struct tx_explain *out);
/* The xmit of balance-xor and 802.3ad: sends on mode_hash_slave(). */
void mode_hash_xmit(struct bond *b, const uint8_t *frame, size_t len, const void *meta,
		    uint64_t now_ms);
/* uses_xmit_hash of the modes that always hash. */
bool mode_hashes_always(const struct bond *b);
/* The active slave when it can transmit, else NULL. */
struct slave *mode_active_tx(const struct bond *b);

/* Wrappers with defaults. */
void mode_slave_add(struct bond *b, struct slave *s, uint64_t now_ms);
void mode_slave_del(struct bond *b, struct slave *s, uint64_t now_ms);
void mode_link_change(struct bond *b, struct slave *s, uint64_t now_ms);
void mode_usable_changed(struct bond *b);
void mode_vlan_del(struct bond *b, uint16_t vid);
void mode_xmit(struct bond *b, const uint8_t *frame, size_t len, const void *meta,
	       uint64_t now_ms);
/* mode_xmit for a frame of one of the bond's VLANs (its tag inline at
 * frame[12]): hashed as bond_xmit_vlan hashes, the tag out of band. For
 * the frames the engine makes for a VLAN (peer notification, reports). */
void mode_xmit_vlan(struct bond *b, const uint8_t *frame, size_t len, const void *meta,
		    uint64_t now_ms);
bool mode_rx_accept(struct bond *b, struct slave *s, const uint8_t *frame, size_t len);
const uint8_t *mode_rx_frame(struct bond *b, struct slave *s, const uint8_t *frame,
			     size_t len);
bool mode_rx_control(struct bond *b, struct slave *s, const uint8_t *frame,
		     size_t len, uint64_t now_ms);
uint64_t mode_tick(struct bond *b, uint64_t now_ms);
bool mode_slave_is_backup(const struct bond *b, const struct slave *s);
bool mode_slave_usable(const struct bond *b, const struct slave *s);
bool mode_carrier(const struct bond *b);
bool mode_slave_inactive(const struct bond *b, const struct slave *s);
void mode_apply_macs(struct bond *b);
void mode_active_changed(struct bond *b, struct slave *old, struct slave *new_,
			 uint64_t now_ms);

#endif
