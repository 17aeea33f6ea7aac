/* Internals shared by balance-tlb (mode_tlb.c) and balance-alb
 * (mode_alb.c), and read by their status fill (alb_status.c).
 *
 * Both modes keep the kernel's tables (bond_alb.h): a 256-bucket transmit
 * table whose buckets are spread over the slaves by load, and, for alb, a
 * 256-entry table of receive clients keyed on the peer's IPv4 address. The
 * tables live in the mode's private state, allocated with the bond, so the
 * data path never allocates. The kernel builds them when the bond opens and
 * drops them when it closes; alb_sync_open() does the same on the bond's
 * admin state.
 */
#ifndef BONDD_ALB_H
#define BONDD_ALB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bond.h"

#define ALB_TICK_MS           100   /* the kernel's alb work runs 10 times a second */
#define ALB_TICKS_PER_SEC     10
#define TLB_REBALANCE_SECS    10    /* BOND_TLB_REBALANCE_INTERVAL */
#define TLB_REBALANCE_TICKS   (TLB_REBALANCE_SECS * ALB_TICKS_PER_SEC)
#define TLB_TABLE_SIZE        256
#define RLB_TABLE_SIZE        256
#define ALB_NULL_INDEX        0xffffffffu
#define RLB_UPDATE_DELAY      (2 * ALB_TICKS_PER_SEC)  /* passes before an update round */
#define RLB_ARP_BURST_SIZE    2     /* ARP replies per client update */
#define RLB_UPDATE_RETRY      3     /* extra update rounds after a slave change */

#define ETH_P_IP_      0x0800
#define ETH_P_ARP_     0x0806
#define ETH_P_IPV6_    0x86dd
#define ETH_P_8021Q_   0x8100
#define ETH_P_8021AD_  0x88a8
#define ETH_P_LOOPBACK_ 0x9000
#define ETH_HLEN_      14
#define ETH_ZLEN_      60
#define ARP_PKT_LEN    28           /* Ethernet/IPv4 ARP body */
#define ALB_FRAME_MAX  (65536 + 64) /* largest frame the TAP or a slave hands us */

/* One transmit bucket (tlb_client_info). */
struct tlb_entry {
	struct slave *tx_slave;
	uint32_t tx_bytes;          /* bytes sent since the last rebalance */
	uint32_t load_history;      /* 1 + bytes per second at the last rebalance */
	uint32_t next, prev;        /* the tx_slave's list of buckets */
};

/* One receive client (rlb_client_info): a peer ip_dst talking to our
 * ip_src, told (by ARP) to send to slave's MAC. */
struct rlb_client {
	uint32_t ip_src, ip_dst;    /* network order */
	uint8_t mac_src[6];         /* our sender MAC as the host wrote it */
	uint8_t mac_dst[6];         /* the peer's MAC (zero/broadcast: unknown) */
	uint32_t used_next, used_prev;          /* list of assigned entries */
	uint32_t src_next, src_prev, src_first; /* entries sharing an ip_src hash */
	bool assigned;
	bool ntt;                   /* needs an update ARP */
	struct slave *slave;
	uint16_t vlan_id;           /* TCI of the client's VLAN tag, 0 = none */
};

struct alb_slave {
	uint32_t head;              /* first transmit bucket, ALB_NULL_INDEX if none */
	uint32_t load;              /* sum of its buckets' load_history */
	bool attached;              /* slave_add has run */
	bool leaving;               /* slave_del is running: no longer a member */
	enum slave_link seen_link;  /* link state at the last link_change */
	uint64_t seen_up_ms;
};

struct alb_priv;

/* Receive load balancing, balance-alb's own part (mode_alb.c). The shared
 * code reaches it through this table only, so mode_tlb.c does not depend on
 * mode_alb.c; balance-tlb has none. */
struct rlb_ops {
	void (*reset)(struct alb_priv *p);
	/* s failed or leaves: its clients move to other slaves */
	void (*clear_slave)(struct bond *b, struct slave *s);
	/* s's MAC moved: tell its clients again */
	void (*update_slave_clients)(struct bond *b, struct slave *s);
	/* a disabled slave's MAC is taught on the active slave */
	void (*teach_disabled_mac)(struct bond *b, const uint8_t mac[6]);
	/* the rlb part of one alb monitor pass */
	void (*tick)(struct bond *b);
};

struct alb_priv {
	const struct rlb_ops *rlb;  /* balance-alb's receive balancing; NULL in tlb */
	bool rlb_enabled;           /* rlb != NULL */
	bool open;                  /* tables built (bond admin up) */
	uint64_t next_tick_ms;

	struct tlb_entry tx[TLB_TABLE_SIZE];
	uint32_t unbalanced_load;
	uint32_t tx_rebalance_counter;
	uint64_t lp_counter;

	struct rlb_client rx[RLB_TABLE_SIZE];
	uint32_t rx_used_head;
	bool rx_ntt;
	bool rlb_rebalance;
	struct slave *rx_slave;     /* last slave given to a client */
	uint32_t rlb_update_delay_counter;
	uint32_t rlb_update_retry_counter;

	uint8_t txbuf[ALB_FRAME_MAX];   /* transmit copy (source MAC, ARP sender) */
	uint8_t rxbuf[ALB_FRAME_MAX];   /* receive copy (destination MAC) */
};

static inline struct alb_priv *alb_priv(const struct bond *b)
{
	return b->mode_priv;
}

static inline struct alb_slave *alb_slave(const struct slave *s)
{
	return s->mode_priv;
}

/* A slave that is still a member (not in the middle of its release). */
static inline bool alb_member(const struct slave *s)
{
	return alb_slave(s)->attached && !alb_slave(s)->leaving;
}

/* The parsed link layer of a frame: its EtherType after at most one VLAN
 * tag, where the network header starts, and the tag's TCI (0 = none; the
 * kernel keeps the whole TCI of a client's tag). */
struct alb_l2 {
	uint16_t proto;
	size_t off;
	uint16_t vlan_id;
};

void alb_parse_l2(const uint8_t *frame, size_t len, struct alb_l2 *l2);
uint8_t alb_simple_hash(const uint8_t *p, size_t n);
bool alb_valid_mac(const uint8_t mac[6]);

/* ---- mode_tlb.c: what both modes share (mode_alb.c builds on it) ------- */
void alb_init(struct bond *b, const struct rlb_ops *rlb);
void alb_sync_open(struct bond *b, uint64_t now_ms);
/* The active slave as the kernel sees it (NULL while it is being released). */
struct slave *alb_active(const struct bond *b);
/* alb_send_learning_packets(): one untagged learning packet from mac,
 * then one per VLAN of the bond, tagged with its VID, from the VLAN's MAC
 * (the bond's): all of them when !strict, else only when mac is the
 * VLAN's (strict: the periodic packets of a slave that is not the active
 * one, every periodic packet in alb, and a disabled slave's MAC taught on
 * the active one). */
void alb_send_learning_packets(struct bond *b, struct slave *s, const uint8_t mac[6],
			       bool strict);
struct slave *tlb_choose_channel(struct bond *b, uint32_t index, uint32_t len);
/* bond_do_alb_xmit: sends on tx (NULL: the active slave), with the source
 * MAC rewritten when tx is not the active slave. frame may be p->txbuf. */
void alb_do_xmit(struct bond *b, struct slave *tx, const uint8_t *frame, size_t len,
		 const void *meta);
/* The frames tlb balances: unicast IPv4, and IPv6 except neighbour
 * discovery, after at most one VLAN tag (bond_xmit_tlb_slave_get). */
bool tlb_balances(const uint8_t *frame, size_t len);

void alb_slave_add(struct bond *b, struct slave *s, uint64_t now_ms);
void alb_slave_del(struct bond *b, struct slave *s, uint64_t now_ms);
void alb_link_change(struct bond *b, struct slave *s, uint64_t now_ms);
void alb_active_changed(struct bond *b, struct slave *old, struct slave *new_,
			uint64_t now_ms);
void alb_apply_macs(struct bond *b);
uint64_t alb_tick(struct bond *b, uint64_t now_ms);
bool alb_slave_is_backup(const struct bond *b, const struct slave *s);
bool alb_slave_inactive(const struct bond *b, const struct slave *s);
const uint8_t *alb_rx_frame(struct bond *b, struct slave *s, const uint8_t *frame,
			    size_t len);
void tlb_tx_plan(const struct bond *b, struct tx_plan *out);
void tlb_tx_account(struct bond *b, const uint64_t *bucket_bytes, uint64_t unbalanced);

#endif
