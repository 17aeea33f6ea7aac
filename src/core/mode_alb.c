/* balance-alb (mode 6): balance-tlb (mode_tlb.c) plus receive load
 * balancing for IPv4, the kernel's bond_alb.c "rlb" part.
 *
 * Implemented, as the kernel does it:
 * - Transmit (bond_xmit_alb_slave_get): unicast IPv4 is balanced on a hash
 *   of the destination address (not broadcast, not IGMP), IPv6 on the
 *   destination address (not all-nodes, not neighbour discovery, not from
 *   the unspecified address); with tlb_dynamic_lb=0, usable[xmit_hash % n].
 * - ARP the host sends (rlb_arp_xmit), when its sender MAC is a slave's:
 *   each peer (client, keyed on its IP, 256 entries) is given a slave in
 *   turn, the fastest first (rlb_next_rx_slave); a reply leaves on that
 *   slave with that slave's MAC as sender, so peers send to different
 *   slaves; a request leaves on it too and marks the clients to update.
 * - ARP received (rlb_arp_recv, on every slave): a reply teaches a client's
 *   MAC; an ARP from one of our IPs with another sender MAC purges the
 *   entries that used that IP.
 * - Client updates: when a slave fails, leaves, comes back or changes MAC,
 *   its clients are moved or marked; every client marked gets two ARP
 *   replies (42 bytes, VLAN tagged when the client was) from its slave.
 *   A round waits until 20 monitor passes (2 s) have counted down while
 *   an update was due; after a slave change RLB_UPDATE_RETRY more rounds
 *   follow, 2.1 s apart.
 * - Receive: an inactive slave still hands up every frame that is not
 *   broadcast or multicast (bond_should_deliver_exact_match).
 *
 * Left out: the kernel's check that the ARP's sender IP does not
 * belong to a bridge on the host (the engine cannot know), and promiscuous
 * mode on the active slave while it stands in for a disabled one.
 */
#include <stdio.h>
#include <string.h>

#include "alb.h"
#include "bond.h"
#include "mode.h"
#include "status.h"

static const uint8_t mac_v6_allnodes[6] = { 0x33, 0x33, 0, 0, 0, 1 };

static bool is_bcast(const uint8_t mac[6])
{
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	return mac_eq(mac, bc);
}

/* The ARP body fields, at offset off in the frame. */
#define ARP_OP(a)   ((uint16_t)((a)[6] << 8 | (a)[7]))
#define ARP_SHA(a)  ((a) + 8)
#define ARP_SPA(a)  ((a) + 14)
#define ARP_THA(a)  ((a) + 18)
#define ARP_TPA(a)  ((a) + 24)
#define ARPOP_REQUEST_ 1
#define ARPOP_REPLY_   2

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* ---- the client table --------------------------------------------------- */

static void rlb_init_dst(struct rlb_client *c)
{
	c->used_next = ALB_NULL_INDEX;
	c->used_prev = ALB_NULL_INDEX;
	c->assigned = false;
	c->slave = NULL;
	c->vlan_id = 0;
}

static void rlb_init_src(struct rlb_client *c)
{
	c->src_first = ALB_NULL_INDEX;
	c->src_prev = ALB_NULL_INDEX;
	c->src_next = ALB_NULL_INDEX;
}

static void rlb_reset(struct alb_priv *p)
{
	for (unsigned i = 0; i < RLB_TABLE_SIZE; i++) {
		memset(&p->rx[i], 0, sizeof(p->rx[i]));
		rlb_init_dst(&p->rx[i]);
		rlb_init_src(&p->rx[i]);
	}
	p->rx_used_head = ALB_NULL_INDEX;
	p->rx_slave = NULL;
}

static void rlb_delete_dst(struct alb_priv *p, uint32_t i)
{
	uint32_t next = p->rx[i].used_next, prev = p->rx[i].used_prev;

	if (i == p->rx_used_head)
		p->rx_used_head = next;
	if (prev != ALB_NULL_INDEX)
		p->rx[prev].used_next = next;
	if (next != ALB_NULL_INDEX)
		p->rx[next].used_prev = prev;
}

/* Takes entry i out of the list of entries sharing its ip_src hash. */
static void rlb_src_unlink(struct alb_priv *p, uint32_t i)
{
	uint32_t next = p->rx[i].src_next, prev = p->rx[i].src_prev;

	p->rx[i].src_next = ALB_NULL_INDEX;
	p->rx[i].src_prev = ALB_NULL_INDEX;
	if (next != ALB_NULL_INDEX)
		p->rx[next].src_prev = prev;
	if (prev == ALB_NULL_INDEX)
		return;
	/* prev is either the head (the ip_src hash slot) or a member. */
	if (p->rx[prev].src_first == i)
		p->rx[prev].src_first = next;
	else
		p->rx[prev].src_next = next;
}

static void rlb_src_link(struct alb_priv *p, uint32_t src_hash, uint32_t dst_hash)
{
	uint32_t next = p->rx[src_hash].src_first;

	p->rx[dst_hash].src_prev = src_hash;
	p->rx[dst_hash].src_next = next;
	if (next != ALB_NULL_INDEX)
		p->rx[next].src_prev = dst_hash;
	p->rx[src_hash].src_first = dst_hash;
}

static void rlb_delete_entry(struct alb_priv *p, uint32_t i)
{
	rlb_delete_dst(p, i);
	rlb_init_dst(&p->rx[i]);
	rlb_src_unlink(p, i);
}

/* The kernel keeps speeds unsigned: an unknown speed compares highest. */
static uint32_t speed_u32(const struct slave *s)
{
	return (uint32_t)s->speed;
}

/* rlb_next_rx_slave: the fastest slave after the last one given out, or,
 * when none after it is at least as fast as the best up to it, that best
 * one (ties go to the earliest slave). */
static struct slave *rlb_next_rx_slave(struct bond *b)
{
	struct alb_priv *p = alb_priv(b);
	struct slave *before = NULL, *rx = NULL;
	bool found = false;

	for (unsigned i = 0; i < b->n_slaves; i++) {
		struct slave *s = b->slaves[i];

		if (!alb_member(s) || !slave_can_tx(s))
			continue;
		if (!found) {
			if (!before || speed_u32(before) < speed_u32(s))
				before = s;
		} else {
			if (!rx || speed_u32(rx) < speed_u32(s))
				rx = s;
		}
		if (s == p->rx_slave)
			found = true;
	}
	if (!rx || (before && speed_u32(rx) < speed_u32(before)))
		rx = before;
	if (rx)
		p->rx_slave = rx;
	return rx;
}

/* rlb_update_client: RLB_ARP_BURST_SIZE ARP replies telling the client
 * that our IP is at its slave's MAC. */
static void rlb_update_client(struct bond *b, struct rlb_client *c)
{
	uint8_t f[ETH_HLEN_ + 4 + ARP_PKT_LEN];
	size_t off = ETH_HLEN_, len;
	uint8_t *a;

	if (!c->slave || !alb_valid_mac(c->mac_dst))
		return;
	/* A device that is down would drop them in its queue. */
	if (!c->slave->os.running || !c->slave->os.carrier)
		return;
	memset(f, 0, sizeof(f));
	memcpy(f, c->mac_dst, 6);
	memcpy(f + 6, c->slave->cur_mac, 6);
	if (c->vlan_id) {
		f[12] = ETH_P_8021Q_ >> 8;
		f[13] = ETH_P_8021Q_ & 0xff;
		f[14] = (uint8_t)(c->vlan_id >> 8);
		f[15] = (uint8_t)c->vlan_id;
		off += 4;
	}
	f[off - 2] = ETH_P_ARP_ >> 8;
	f[off - 1] = ETH_P_ARP_ & 0xff;
	a = f + off;
	a[1] = 1;                   /* Ethernet */
	a[2] = ETH_P_IP_ >> 8;
	a[3] = ETH_P_IP_ & 0xff;
	a[4] = 6;
	a[5] = 4;
	a[7] = ARPOP_REPLY_;
	memcpy(ARP_SHA(a), c->slave->cur_mac, 6);
	memcpy(ARP_SPA(a), &c->ip_src, 4);
	memcpy(ARP_THA(a), c->mac_dst, 6);
	memcpy(ARP_TPA(a), &c->ip_dst, 4);
	len = off + ARP_PKT_LEN;
	for (unsigned i = 0; i < RLB_ARP_BURST_SIZE; i++)
		bond_tx_on(b, c->slave, f, len, NULL);
}

static void rlb_update_rx_clients(struct bond *b)
{
	struct alb_priv *p = alb_priv(b);

	for (uint32_t i = p->rx_used_head; i != ALB_NULL_INDEX; i = p->rx[i].used_next) {
		struct rlb_client *c = &p->rx[i];

		if (!c->ntt)
			continue;
		rlb_update_client(b, c);
		if (p->rlb_update_retry_counter == 0)
			c->ntt = false;
	}
	/* Leave the clients alone for a while before the next round. */
	p->rlb_update_delay_counter = RLB_UPDATE_DELAY;
}

static void rlb_req_update_slave_clients(struct bond *b, struct slave *s)
{
	struct alb_priv *p = alb_priv(b);
	bool ntt = false;

	for (uint32_t i = p->rx_used_head; i != ALB_NULL_INDEX; i = p->rx[i].used_next) {
		struct rlb_client *c = &p->rx[i];

		if (c->slave == s && alb_valid_mac(c->mac_dst)) {
			c->ntt = true;
			ntt = true;
		}
	}
	if (ntt) {
		p->rx_ntt = true;
		p->rlb_update_retry_counter = RLB_UPDATE_RETRY;
	}
}

/* The host sent an ARP request from src_ip: clients of that IP that are not
 * on the bond's MAC are told again where to send. */
static void rlb_req_update_subnet_clients(struct bond *b, uint32_t src_ip)
{
	struct alb_priv *p = alb_priv(b);

	for (uint32_t i = p->rx_used_head; i != ALB_NULL_INDEX; i = p->rx[i].used_next) {
		struct rlb_client *c = &p->rx[i];

		if (!c->slave) {
			bond_log(b, NULL, LOG_ERR_,
				 "found a client with no channel in the client's hash table");
			continue;
		}
		if (c->ip_src == src_ip && !mac_eq(c->slave->cur_mac, b->mac) &&
		    alb_valid_mac(c->mac_dst)) {
			c->ntt = true;
			p->rx_ntt = true;
		}
	}
}

static void rlb_teach_disabled_mac_on_primary(struct bond *b, const uint8_t mac[6])
{
	struct slave *active = alb_active(b);

	if (active)
		alb_send_learning_packets(b, active, mac, true);
}

/* A slave failed or is leaving: its clients go to other slaves. */
static void rlb_clear_slave(struct bond *b, struct slave *s)
{
	struct alb_priv *p = alb_priv(b);
	uint32_t i, next;

	for (i = p->rx_used_head; i != ALB_NULL_INDEX; i = next) {
		struct rlb_client *c = &p->rx[i];
		struct slave *to;

		next = c->used_next;
		if (c->slave != s)
			continue;
		to = rlb_next_rx_slave(b);
		c->slave = to;
		if (to && alb_valid_mac(c->mac_dst)) {
			c->ntt = true;
			p->rx_ntt = true;
			/* Retry: under stress the first update may be lost. */
			p->rlb_update_retry_counter = RLB_UPDATE_RETRY;
		}
	}
	if (s != alb_active(b))
		rlb_teach_disabled_mac_on_primary(b, s->cur_mac);
}

/* bond_alb_clear_vlan (rlb_clear_vlan): the VLAN device is gone, and so
 * are the clients reached through it. The kernel compares the client's
 * whole TCI with the VID, so a client whose tag had priority bits stays. */
static void alb_vlan_del(struct bond *b, uint16_t vid)
{
	struct alb_priv *p = alb_priv(b);
	uint32_t next;

	for (uint32_t i = p->rx_used_head; i != ALB_NULL_INDEX; i = next) {
		next = p->rx[i].used_next;
		if (p->rx[i].vlan_id == vid)
			rlb_delete_entry(p, i);
	}
}

static void rlb_rebalance(struct bond *b)
{
	struct alb_priv *p = alb_priv(b);
	bool ntt = false;

	for (uint32_t i = p->rx_used_head; i != ALB_NULL_INDEX; i = p->rx[i].used_next) {
		struct rlb_client *c = &p->rx[i];
		struct slave *to = rlb_next_rx_slave(b);

		if (to && c->slave != to) {
			c->slave = to;
			if (!mac_is_zero(c->mac_dst)) {
				c->ntt = true;
				ntt = true;
			}
		}
	}
	if (ntt)
		p->rx_ntt = true;
}

static void rlb_tick(struct bond *b)
{
	struct alb_priv *p = alb_priv(b);

	if (p->rlb_rebalance) {
		p->rlb_rebalance = false;
		rlb_rebalance(b);
	}
	if (!p->rx_ntt)
		return;
	if (p->rlb_update_delay_counter) {
		p->rlb_update_delay_counter--;
		return;
	}
	rlb_update_rx_clients(b);
	if (p->rlb_update_retry_counter)
		p->rlb_update_retry_counter--;
	else
		p->rx_ntt = false;
}

/* ---- ARP from the host -------------------------------------------------- */

/* rlb_choose_channel: the slave for the peer at the ARP's target IP. */
static struct slave *rlb_choose_channel(struct bond *b, const uint8_t *arp,
					uint16_t vlan_id)
{
	struct alb_priv *p = alb_priv(b);
	struct slave *active = alb_active(b), *assigned;
	uint32_t ip_src = rd32(ARP_SPA(arp)), ip_dst = rd32(ARP_TPA(arp));
	uint32_t idx = alb_simple_hash(ARP_TPA(arp), 4);
	struct rlb_client *c = &p->rx[idx];

	if (c->assigned) {
		if (c->ip_src == ip_src && c->ip_dst == ip_dst) {
			/* Already this client's entry. */
			if (!is_bcast(ARP_THA(arp)))
				memcpy(c->mac_dst, ARP_THA(arp), 6);
			memcpy(c->mac_src, ARP_SHA(arp), 6);
			if (c->slave)
				return c->slave;
		} else if (active && c->slave != active) {
			/* Another client holds the entry: move it to the
			 * active slave (the bond's MAC) before reusing it. */
			c->slave = active;
			rlb_update_client(b, c);
		}
	}
	assigned = rlb_next_rx_slave(b);
	if (!assigned)
		return NULL;
	if (!(c->assigned && c->ip_src == ip_src)) {
		rlb_src_unlink(p, idx);
		rlb_src_link(p, alb_simple_hash(ARP_SPA(arp), 4), idx);
	}
	c->ip_src = ip_src;
	c->ip_dst = ip_dst;
	/* A request's target MAC is zero: the client's MAC is learnt from
	 * its reply (rlb_arp_recv). */
	memcpy(c->mac_dst, ARP_THA(arp), 6);
	memcpy(c->mac_src, ARP_SHA(arp), 6);
	c->slave = assigned;
	if (alb_valid_mac(c->mac_dst)) {
		c->ntt = true;
		p->rx_ntt = true;
	} else {
		c->ntt = false;
	}
	c->vlan_id = vlan_id;
	if (!c->assigned) {
		uint32_t prev_head = p->rx_used_head;

		p->rx_used_head = idx;
		c->used_next = prev_head;
		if (prev_head != ALB_NULL_INDEX)
			p->rx[prev_head].used_prev = idx;
		c->assigned = true;
	}
	return assigned;
}

static bool any_slave_has_mac(const struct bond *b, const uint8_t mac[6])
{
	for (unsigned i = 0; i < b->n_slaves; i++)
		if (alb_member(b->slaves[i]) && mac_eq(b->slaves[i]->cur_mac, mac))
			return true;
	return false;
}

/* rlb_arp_xmit. *frame may be replaced by a copy in p->txbuf. */
static struct slave *rlb_arp_xmit(struct bond *b, const uint8_t **frame, size_t len,
				  const struct alb_l2 *l2)
{
	struct alb_priv *p = alb_priv(b);
	const uint8_t *arp = *frame + l2->off;
	struct slave *tx = NULL;

	if (len < l2->off + ARP_PKT_LEN)
		return NULL;
	/* Only ARP the bond itself speaks (not bridged traffic). */
	if (!any_slave_has_mac(b, ARP_SHA(arp)))
		return NULL;
	if (ARP_OP(arp) == ARPOP_REPLY_) {
		tx = rlb_choose_channel(b, arp, l2->vlan_id);
		if (tx) {
			if (len > sizeof(p->txbuf))
				return NULL;
			memcpy(p->txbuf, *frame, len);
			memcpy(ARP_SHA(p->txbuf + l2->off), tx->cur_mac, 6);
			*frame = p->txbuf;
		}
	} else if (ARP_OP(arp) == ARPOP_REQUEST_) {
		tx = rlb_choose_channel(b, arp, l2->vlan_id);
		/* The reply will teach the client's MAC; wait for it before
		 * updating anyone. */
		p->rlb_update_delay_counter = RLB_UPDATE_DELAY;
		rlb_req_update_subnet_clients(b, rd32(ARP_SPA(arp)));
	}
	return tx;
}

/* ---- ARP from the peers ------------------------------------------------- */

/* Someone else now answers for one of our source IPs: forget the entries
 * that would tell clients otherwise. */
static void rlb_purge_src_ip(struct alb_priv *p, const uint8_t *arp)
{
	uint32_t ip_src = rd32(ARP_SPA(arp));
	uint32_t i = p->rx[alb_simple_hash(ARP_SPA(arp), 4)].src_first;

	while (i != ALB_NULL_INDEX) {
		struct rlb_client *c = &p->rx[i];
		uint32_t next = c->src_next;

		if (c->ip_src == ip_src && !mac_eq(ARP_SHA(arp), c->mac_src))
			rlb_delete_entry(p, i);
		i = next;
	}
}

static void rlb_update_entry_from_arp(struct alb_priv *p, const uint8_t *arp)
{
	struct rlb_client *c = &p->rx[alb_simple_hash(ARP_SPA(arp), 4)];

	if (c->assigned && c->ip_src == rd32(ARP_TPA(arp)) &&
	    c->ip_dst == rd32(ARP_SPA(arp)) && !mac_eq(c->mac_dst, ARP_SHA(arp))) {
		memcpy(c->mac_dst, ARP_SHA(arp), 6);
		c->ntt = true;
		p->rx_ntt = true;
	}
}

static bool alb_rx_control(struct bond *b, struct slave *s, const uint8_t *frame,
			   size_t len, uint64_t now_ms)
{
	struct alb_priv *p = alb_priv(b);
	struct alb_l2 l2;

	alb_sync_open(b, now_ms);
	if (!p->open || !alb_member(s))
		return false;
	alb_parse_l2(frame, len, &l2);
	if (l2.proto != ETH_P_ARP_ || len < l2.off + ARP_PKT_LEN)
		return false;
	rlb_purge_src_ip(p, frame + l2.off);
	if (ARP_OP(frame + l2.off) == ARPOP_REPLY_)
		rlb_update_entry_from_arp(p, frame + l2.off);
	return false;
}

/* ---- transmit and receive ----------------------------------------------- */

static void alb_xmit(struct bond *b, const uint8_t *frame, size_t len,
		     const void *meta, uint64_t now_ms)
{
	struct alb_priv *p = alb_priv(b);
	const uint8_t *hash_start = NULL;
	size_t hash_size = 0;
	struct slave *tx = NULL;
	struct alb_l2 l2;

	alb_sync_open(b, now_ms);
	alb_parse_l2(frame, len, &l2);
	switch (l2.proto) {
	case ETH_P_IP_:
		if (is_bcast(frame) || len < l2.off + 20)
			break;
		if (rd32(frame + l2.off + 16) == 0xffffffffu || frame[l2.off + 9] == 2)
			break;      /* IP broadcast, IGMP */
		hash_start = frame + l2.off + 16;
		hash_size = 4;
		break;
	case ETH_P_IPV6_: {
		static const uint8_t any[16];

		if (is_bcast(frame) || mac_eq(frame, mac_v6_allnodes))
			break;
		if (len < l2.off + 40 || (frame[l2.off + 6] == 58 &&
		    (len < l2.off + 48 || frame[l2.off + 40] == 135 ||
		     frame[l2.off + 40] == 136)))
			break;      /* neighbour discovery (or too short to tell) */
		if (!memcmp(frame + l2.off + 8, any, 16))
			break;      /* from the unspecified address (DAD) */
		hash_start = frame + l2.off + 24;
		hash_size = 16;
		break;
	}
	case ETH_P_ARP_:
		if (p->rlb_enabled && p->open)
			tx = rlb_arp_xmit(b, &frame, len, &l2);
		break;
	default:
		break;
	}
	if (hash_start) {
		if (b->params.tlb_dynamic_lb)
			tx = tlb_choose_channel(b, alb_simple_hash(hash_start, hash_size),
						(uint32_t)len);
		else
			tx = mode_hash_slave(b, frame, len);
	}
	alb_do_xmit(b, tx, frame, len, meta);
}

static bool alb_rx_accept(struct bond *b, struct slave *s, const uint8_t *frame,
			  size_t len)
{
	/* An inactive slave keeps broadcast and multicast to itself only. */
	return !s->inactive || !mac_is_multicast(frame);
}

/* What `bondctl hash` says of balance-alb: balanced frames go by load
 * (buckets, receive load balancing), the rest to the active slave. */
static void alb_explain_tx(const struct bond *b, const uint8_t *frame, size_t len,
			   struct tx_explain *out)
{
	struct slave *act = mode_active_tx(b);

	out->slave = act;
	snprintf(out->reason, sizeof(out->reason), "%s: unicast IP is balanced by "
		 "destination address over buckets assigned by load, ARP by "
		 "receive load balancing; other frames leave on the active slave%s",
		 b->mode->name, act ? "" : " (none: dropped)");
	if (tlb_balances(frame, len)) {
		out->slave = NULL;
		out->by_load = true;
	}
}

static const struct rlb_ops rlb_ops = {
	.reset = rlb_reset,
	.clear_slave = rlb_clear_slave,
	.update_slave_clients = rlb_req_update_slave_clients,
	.teach_disabled_mac = rlb_teach_disabled_mac_on_primary,
	.tick = rlb_tick,
};

static void alb_init_mode(struct bond *b)
{
	alb_init(b, &rlb_ops);
}

static void alb_tx_plan(const struct bond *b, struct tx_plan *out)
{
	tlb_tx_plan(b, out);
	out->kind = TXP_ALB;
	out->rx_inactive_unicast = true;
}

const struct mode_ops mode_alb = {
	.name = "balance-alb",
	.proc_text = "adaptive load balancing",
	.number = BOND_MODE_ALB,
	.priv_size = sizeof(struct alb_priv),
	.slave_priv_size = sizeof(struct alb_slave),
	.uses_primary = true,
	.promisc_active_only = true,
	.forces_dynamic_lb = true,
	.needs_speed_duplex = true,
	.reads_arp = true,
	.igmp_rejoin = MODE_REJOIN_NEW_ACTIVE,
	.init = alb_init_mode,
	.slave_add = alb_slave_add,
	.slave_del = alb_slave_del,
	.link_change = alb_link_change,
	.vlan_del = alb_vlan_del,
	.xmit = alb_xmit,
	.explain_tx = alb_explain_tx,
	.rx_accept = alb_rx_accept,
	.rx_frame = alb_rx_frame,
	.rx_control = alb_rx_control,
	.tick = alb_tick,
	.slave_is_backup = alb_slave_is_backup,
	.slave_inactive = alb_slave_inactive,
	.apply_macs = alb_apply_macs,
	.active_changed = alb_active_changed,
	.tx_plan = alb_tx_plan,
	.tx_account = tlb_tx_account,
	.status_fill = alb_status_fill,
};
