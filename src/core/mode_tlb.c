/* balance-tlb (mode 5), and what balance-alb (mode 6) shares with it: the
 * kernel's bond_alb.c transmit side, MAC handling and periodic work.
 *
 * Implemented, as the kernel does it:
 * - MACs: every slave keeps a MAC of its own; the bond's MAC sits on the
 *   active slave. A change of active slave swaps the MACs of the old and the
 *   new one (bond_alb_handle_active_change), then sends learning packets
 *   (alb_fasten_mac_swap). A slave whose MAC is taken gets the permanent MAC
 *   of a slave whose own is free (alb_handle_addr_collision_on_attach); a
 *   leaving slave whose permanent MAC another slave wears swaps back
 *   (alb_change_hw_addr_on_detach). A new bond MAC moves onto the active
 *   slave (bond_alb_set_mac_address).
 * - Transmit (bond_xmit_tlb_slave_get, bond_do_alb_xmit): unicast IPv4 and
 *   IPv6 (not neighbour discovery) are balanced; with tlb_dynamic_lb=1 the
 *   xmit hash picks one of 256 buckets, a new bucket goes to the slave with
 *   the largest gap between speed and load (the kernel's 32-bit arithmetic
 *   included), bytes are counted per bucket; with 0, usable[hash % n].
 *   Everything else leaves on the active slave. A frame leaving on another
 *   slave carries that slave's MAC as source (written into a copy).
 * - The alb monitor, every 100 ms while the bond is up and the mode is alb
 *   or tlb_dynamic_lb=1: learning packets (type 0x9000, 60 bytes, source =
 *   destination = the slave's MAC) from every slave each lp_interval
 *   seconds, the transmit rebalance every 10 s, and alb's client updates.
 * - Receive: only the active slave delivers (unless all_slaves_active);
 *   frames addressed to a slave's own MAC are handed up with the bond's MAC
 *   as destination, since the bond device (a TAP) has one MAC only.
 *
 * - Learning packets for the bond's VLANs (bond_vlan_add): after the
 *   untagged one, one tagged with each VLAN's VID (alb_send_learning_packets).
 *
 * Left out: learning packets for macvlan devices stacked on the bond (the
 * engine does not see them), promiscuous mode on the active
 * slave while alb teaches a disabled slave's MAC (the engine has no action
 * for it), and the kernel's TLB-only quirk of programming a MAC in software
 * only (bondd programs every MAC it assigns).
 */
#include <stdio.h>
#include <string.h>

#include "alb.h"
#include "bond.h"
#include "mode.h"
#include "status.h"

#include "lib/bytes.h"

/* ---- small helpers ------------------------------------------------------ */

uint8_t alb_simple_hash(const uint8_t *p, size_t n)
{
	uint8_t h = 0;

	for (size_t i = 0; i < n; i++)
		h ^= p[i];
	return h;
}

bool alb_valid_mac(const uint8_t mac[6])
{
	return !mac_is_multicast(mac) && !mac_is_zero(mac);
}

void alb_parse_l2(const uint8_t *frame, size_t len, struct alb_l2 *l2)
{
	uint16_t proto = get_be16(frame + 12);

	l2->off = ETH_HLEN_;
	l2->vlan_id = 0;
	if ((proto == ETH_P_8021Q_ || proto == ETH_P_8021AD_) && len >= ETH_HLEN_ + 4) {
		l2->vlan_id = (uint16_t)(frame[14] << 8 | frame[15]);
		proto = (uint16_t)(frame[16] << 8 | frame[17]);
		l2->off = ETH_HLEN_ + 4;
	}
	l2->proto = proto;
}

static bool dev_up(const struct slave *s)
{
	return s->os.running && s->os.carrier;
}

struct slave *alb_active(const struct bond *b)
{
	return b->active && !alb_slave(b->active)->leaving ? b->active : NULL;
}

static unsigned n_members(const struct bond *b)
{
	unsigned n = 0;

	for (unsigned i = 0; i < b->n_slaves; i++)
		n += alb_member(b->slaves[i]);
	return n;
}

/* bond_slave_has_mac: the first member wearing mac. */
static struct slave *member_with_mac(const struct bond *b, const uint8_t mac[6])
{
	for (unsigned i = 0; i < b->n_slaves; i++) {
		struct slave *s = b->slaves[i];

		if (alb_member(s) && mac_eq(s->cur_mac, mac))
			return s;
	}
	return NULL;
}

/* ---- learning packets --------------------------------------------------- */

/* alb_send_lp_vid: a minimum-size frame from mac to mac, so the switch
 * learns mac on the slave's port (in the VLAN vid, when not 0: the kernel
 * tags the 60-byte packet, 64 on the wire). A device that is down would
 * drop it in its queue; bondd does not hand it to the slave at all. */
static void alb_send_lp_vid(struct bond *b, struct slave *s, const uint8_t mac[6],
			    uint16_t vid)
{
	uint8_t pkt[ETH_ZLEN_ + 4];
	size_t len = ETH_ZLEN_;

	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt, mac, 6);
	memcpy(pkt + 6, mac, 6);
	pkt[12] = ETH_P_LOOPBACK_ >> 8;
	pkt[13] = ETH_P_LOOPBACK_ & 0xff;
	if (vid)
		len = vlan_tag_frame(pkt, ETH_ZLEN_, vid);
	bond_tx_on(b, s, pkt, len, NULL);
}

void alb_send_learning_packets(struct bond *b, struct slave *s, const uint8_t mac[6],
			       bool strict)
{
	if (!dev_up(s))
		return;
	alb_send_lp_vid(b, s, mac, 0);
	/* The VLAN devices wear the bond's MAC (the model: bond0.100 follows
	 * the bond's address). */
	for (unsigned k = 0; k < b->n_vlans; k++)
		if (!strict || mac_eq(mac, b->mac))
			alb_send_lp_vid(b, s, b->mac, b->vlans[k].vid);
}

/* ---- transmit table ----------------------------------------------------- */

static void tlb_init_entry(struct tlb_entry *e, bool save_load)
{
	if (save_load) {
		e->load_history = 1 + e->tx_bytes / TLB_REBALANCE_SECS;
		e->tx_bytes = 0;
	}
	e->tx_slave = NULL;
	e->next = ALB_NULL_INDEX;
	e->prev = ALB_NULL_INDEX;
}

static void tlb_init_slave(struct slave *s)
{
	alb_slave(s)->load = 0;
	alb_slave(s)->head = ALB_NULL_INDEX;
}

/* Frees every bucket of s (keeping their load for the next choice when
 * save_load) and zeroes its load. */
static void tlb_clear_slave(struct bond *b, struct slave *s, bool save_load)
{
	struct alb_priv *p = alb_priv(b);
	uint32_t i = alb_slave(s)->head;

	while (i != ALB_NULL_INDEX && i < TLB_TABLE_SIZE) {
		uint32_t next = p->tx[i].next;

		tlb_init_entry(&p->tx[i], save_load);
		i = next;
	}
	tlb_init_slave(s);
}

/* compute_gap(): speed in Mb/s shifted to "bits", minus the load in bytes
 * shifted to bits. The kernel does both shifts on 32-bit unsigned values,
 * so they wrap (a 10 Gb/s slave's capacity wraps); this keeps the same
 * ordering as the kernel. */
static int64_t tlb_gap(const struct slave *s)
{
	uint32_t cap = (uint32_t)s->speed << 20;
	uint32_t load = alb_slave(s)->load << 3;

	return (int64_t)cap - (int64_t)load;
}

static struct slave *tlb_least_loaded(struct bond *b)
{
	struct slave *best = NULL;
	int64_t max_gap = INT64_MIN;

	for (unsigned i = 0; i < b->n_slaves; i++) {
		struct slave *s = b->slaves[i];
		int64_t gap;

		if (!alb_member(s) || !slave_can_tx(s))
			continue;
		gap = tlb_gap(s);
		if (max_gap < gap) {
			best = s;
			max_gap = gap;
		}
	}
	return best;
}

struct slave *tlb_choose_channel(struct bond *b, uint32_t index, uint32_t len)
{
	struct alb_priv *p = alb_priv(b);
	struct tlb_entry *e = &p->tx[index & (TLB_TABLE_SIZE - 1)];
	struct slave *s = e->tx_slave;

	if (!s) {
		s = tlb_least_loaded(b);
		if (s) {
			struct alb_slave *as = alb_slave(s);
			uint32_t idx = index & (TLB_TABLE_SIZE - 1);

			e->tx_slave = s;
			e->next = as->head;
			e->prev = ALB_NULL_INDEX;
			if (as->head != ALB_NULL_INDEX)
				p->tx[as->head].prev = idx;
			as->head = idx;
			as->load += e->load_history;
		}
	}
	if (s)
		e->tx_bytes += len;
	return s;
}

void alb_do_xmit(struct bond *b, struct slave *tx, const uint8_t *frame, size_t len,
		 const void *meta)
{
	struct alb_priv *p = alb_priv(b);

	if (!tx) {
		tx = b->active;
		if (b->params.tlb_dynamic_lb)
			p->unbalanced_load += (uint32_t)len;
	}
	if (tx && slave_can_tx(tx)) {
		if (tx != b->active) {
			if (frame != p->txbuf) {
				if (len > sizeof(p->txbuf))
					return;
				memcpy(p->txbuf, frame, len);
				frame = p->txbuf;
			}
			memcpy(p->txbuf + 6, tx->cur_mac, 6);
		}
		bond_tx_on(b, tx, frame, len, meta);
		return;
	}
	/* The bucket's slave cannot send any more: free its buckets so the
	 * next frames pick another one. The frame is dropped. */
	if (tx && b->params.tlb_dynamic_lb)
		tlb_clear_slave(b, tx, false);
}

/* alb_determine_nd: true for neighbour solicitations/advertisements, and
 * for headers too short to tell (the kernel does not balance those). */
static bool is_nd(const uint8_t *frame, size_t len, size_t off)
{
	if (len < off + 40)
		return true;
	if (frame[off + 6] != 58)      /* next header: ICMPv6 */
		return false;
	if (len < off + 40 + 8)
		return true;
	return frame[off + 40] == 136 || frame[off + 40] == 135;
}

bool tlb_balances(const uint8_t *frame, size_t len)
{
	struct alb_l2 l2;

	alb_parse_l2(frame, len, &l2);
	return !mac_is_multicast(frame) &&
	       (l2.proto == ETH_P_IP_ || (l2.proto == ETH_P_IPV6_ && !is_nd(frame, len, l2.off)));
}

static uint32_t tlb_bucket(uint32_t hash)
{
	return hash & 0xff;
}

static void tlb_xmit(struct bond *b, const uint8_t *frame, size_t len,
		     const void *meta, uint64_t now_ms)
{
	struct slave *tx = NULL;

	alb_sync_open(b, now_ms);
	if (tlb_balances(frame, len)) {
		if (b->params.tlb_dynamic_lb)
			tx = tlb_choose_channel(b, tlb_bucket(bond_xmit_hash(b, frame, len)),
						(uint32_t)len);
		else
			tx = mode_hash_slave(b, frame, len);
	}
	alb_do_xmit(b, tx, frame, len, meta);
}

/* tlb_dynamic_lb=0 hashes as balance-xor does; tlb_dynamic_lb=1 below. */
static void tlb_explain_tx(const struct bond *b, const uint8_t *frame, size_t len,
			   struct tx_explain *out)
{
	struct slave *act = mode_active_tx(b);

	if (bond_mode_uses_xmit_hash(b)) {
		mode_explain_hash(b, frame, len, out);
		return;
	}
	if (tlb_balances(frame, len)) {
		out->hashed = true;
		out->hash = bond_xmit_hash_explain(b, frame, len, &out->how);
		snprintf(out->reason, sizeof(out->reason), "balance-tlb "
			 "(tlb_dynamic_lb=1): bucket hash & 0xff = %u of 256; a bucket "
			 "goes to the least loaded slave when first used and is "
			 "rebalanced every 10 s, so the slave depends on the traffic",
			 tlb_bucket(out->hash));
		out->by_load = true;
		return;
	}
	out->slave = act;
	snprintf(out->reason, sizeof(out->reason), "balance-tlb: only unicast IPv4/IPv6 "
		 "is balanced; this frame leaves on the active slave%s",
		 act ? "" : " (none: dropped)");
}

static bool tlb_uses_xmit_hash(const struct bond *b)
{
	return !b->params.tlb_dynamic_lb;
}

/* ---- MAC handling ------------------------------------------------------- */

static void alb_swap_mac(struct bond *b, struct slave *s1, struct slave *s2)
{
	uint8_t tmp[6];

	memcpy(tmp, s1->cur_mac, 6);
	bond_set_slave_mac(b, s1, s2->cur_mac);
	bond_set_slave_mac(b, s2, tmp);
}

/* alb_fasten_mac_swap: let the switch (learning packets) and, in alb, the
 * clients (update ARPs) know where the two MACs live now. */
static void alb_fasten_mac_swap(struct bond *b, struct slave *s1, struct slave *s2)
{
	struct alb_priv *p = alb_priv(b);
	bool differ = slave_can_tx(s1) != slave_can_tx(s2);
	struct slave *disabled = NULL;
	struct slave *pair[2] = { s1, s2 };

	for (unsigned i = 0; i < 2; i++) {
		if (slave_can_tx(pair[i])) {
			alb_send_learning_packets(b, pair[i], pair[i]->cur_mac, false);
			if (p->rlb_enabled)
				p->rlb->update_slave_clients(b, pair[i]);
		} else {
			disabled = pair[i];
		}
	}
	if (p->rlb_enabled && differ && disabled)
		p->rlb->teach_disabled_mac(b, disabled->cur_mac);
}

/* alb_handle_addr_collision_on_attach: the new slave s already wears its
 * permanent MAC; if that is the bond's or another member's, give it the
 * permanent MAC of a member whose own is free. */
static void alb_attach_collision(struct bond *b, struct slave *s)
{
	struct slave *has_bond_addr = alb_active(b), *free_mac = NULL;

	if (!n_members(b))
		return;
	if (!mac_eq(s->perm_mac, b->mac)) {
		if (!member_with_mac(b, s->cur_mac))
			return;
		bond_set_slave_mac(b, s, b->mac);
	}
	for (unsigned i = 0; i < b->n_slaves; i++) {
		struct slave *o = b->slaves[i];

		if (!alb_member(o))
			continue;
		if (!member_with_mac(b, o->perm_mac)) {
			free_mac = o;
			break;
		}
		if (!has_bond_addr && mac_eq(o->cur_mac, b->mac))
			has_bond_addr = o;
	}
	if (free_mac) {
		bond_set_slave_mac(b, s, free_mac->perm_mac);
		bond_log(b, s, LOG_WARN_,
			 "the slave hw address is in use by the bond; giving it the hw address of %s",
			 free_mac->name);
	} else if (has_bond_addr) {
		/* The kernel refuses the slave here (-EFAULT); the engine has
		 * already accepted it, so it keeps the bond's MAC. */
		bond_log(b, s, LOG_ERR_,
			 "the slave hw address is in use by the bond; couldn't find a slave with a free hw address to give it (this should not have happened)");
	}
}

/* alb_change_hw_addr_on_detach: a leaving slave that wears neither its own
 * MAC nor the bond's takes its own back from whoever has it. */
static void alb_detach_swap(struct bond *b, struct slave *s)
{
	struct slave *found;

	if (mac_eq(s->perm_mac, s->cur_mac) || mac_eq(s->perm_mac, b->mac))
		return;
	found = member_with_mac(b, s->perm_mac);
	if (found) {
		alb_swap_mac(b, s, found);
		alb_fasten_mac_swap(b, s, found);
	}
}

void alb_apply_macs(struct bond *b)
{
	struct slave *active = alb_active(b), *swap;

	/* Only a new bond MAC concerns these modes: it goes onto the active
	 * slave, by swap when a member already wears it. */
	if (!active || !alb_member(active) || mac_eq(active->cur_mac, b->mac))
		return;
	swap = member_with_mac(b, b->mac);
	if (swap) {
		alb_swap_mac(b, swap, active);
		alb_fasten_mac_swap(b, swap, active);
		return;
	}
	bond_set_slave_mac(b, active, b->mac);
	alb_send_learning_packets(b, active, b->mac, false);
	if (alb_priv(b)->rlb_enabled)
		alb_priv(b)->rlb->update_slave_clients(b, active);
}

void alb_active_changed(struct bond *b, struct slave *old, struct slave *new_,
			uint64_t now_ms)
{
	struct slave *swap = old;

	alb_sync_open(b, now_ms);
	if (!new_ || !n_members(b))
		return;
	if (swap && !alb_member(swap))
		swap = NULL;
	if (!swap)
		swap = member_with_mac(b, b->mac);
	if (swap)
		tlb_clear_slave(b, swap, true);
	tlb_clear_slave(b, new_, true);
	if (swap) {
		alb_swap_mac(b, swap, new_);
		alb_fasten_mac_swap(b, swap, new_);
	} else {
		bond_set_slave_mac(b, new_, b->mac);
		alb_send_learning_packets(b, new_, b->mac, false);
	}
}

/* ---- membership and links ----------------------------------------------- */

void alb_slave_add(struct bond *b, struct slave *s, uint64_t now_ms)
{
	struct alb_priv *p = alb_priv(b);
	struct alb_slave *as = alb_slave(s);

	alb_sync_open(b, now_ms);
	/* bond_alb_init_slave: the slave starts from its permanent MAC. */
	bond_set_slave_mac(b, s, s->perm_mac);
	alb_attach_collision(b, s);
	as->attached = true;
	as->seen_link = s->link;
	as->seen_up_ms = s->last_link_up_ms;
	tlb_init_slave(s);
	/* Rebalance at the next monitor pass. */
	p->tx_rebalance_counter = TLB_REBALANCE_TICKS;
	if (p->rlb_enabled)
		p->rlb_rebalance = true;
}

void alb_slave_del(struct bond *b, struct slave *s, uint64_t now_ms)
{
	struct alb_priv *p = alb_priv(b);

	alb_sync_open(b, now_ms);
	/* The kernel has unlinked the slave before this point. */
	alb_slave(s)->leaving = true;
	if (n_members(b))
		alb_detach_swap(b, s);
	tlb_clear_slave(b, s, false);
	if (p->rlb_enabled) {
		p->rx_slave = NULL;
		p->rlb->clear_slave(b, s);
	}
	if (p->rx_slave == s)
		p->rx_slave = NULL;
}

/* bond_alb_handle_link_change, for commits to DOWN or UP (the engine also
 * calls link_change for a speed change, which the kernel ignores here). */
void alb_link_change(struct bond *b, struct slave *s, uint64_t now_ms)
{
	struct alb_priv *p = alb_priv(b);
	struct alb_slave *as = alb_slave(s);

	alb_sync_open(b, now_ms);
	if (!as->attached)
		return;
	if (s->link == SLAVE_LINK_DOWN && as->seen_link != SLAVE_LINK_DOWN) {
		tlb_clear_slave(b, s, false);
		if (p->rlb_enabled)
			p->rlb->clear_slave(b, s);
	} else if (s->link == SLAVE_LINK_UP &&
		   (as->seen_link != SLAVE_LINK_UP || as->seen_up_ms != s->last_link_up_ms)) {
		p->tx_rebalance_counter = TLB_REBALANCE_TICKS;
		if (p->rlb_enabled)
			p->rlb_rebalance = true;
	}
	as->seen_link = s->link;
	as->seen_up_ms = s->last_link_up_ms;
}

/* ---- roles and receive -------------------------------------------------- */

bool alb_slave_is_backup(const struct bond *b, const struct slave *s)
{
	/* Every slave shows "active" in tlb/alb. */
	return false;
}

bool alb_slave_inactive(const struct bond *b, const struct slave *s)
{
	return s != b->active && !b->params.all_slaves_active;
}

static bool tlb_rx_accept(struct bond *b, struct slave *s, const uint8_t *frame,
			  size_t len)
{
	return !s->inactive;
}

const uint8_t *alb_rx_frame(struct bond *b, struct slave *s, const uint8_t *frame,
			    size_t len)
{
	struct alb_priv *p = alb_priv(b);

	if (mac_is_multicast(frame) || !mac_eq(frame, s->cur_mac) ||
	    mac_eq(s->cur_mac, b->mac) || len > sizeof(p->rxbuf))
		return frame;
	memcpy(p->rxbuf, frame, len);
	memcpy(p->rxbuf, b->mac, 6);
	return p->rxbuf;
}

/* ---- life cycle and the monitor ----------------------------------------- */

static void alb_reset_tables(struct bond *b)
{
	struct alb_priv *p = alb_priv(b);

	for (unsigned i = 0; i < TLB_TABLE_SIZE; i++) {
		memset(&p->tx[i], 0, sizeof(p->tx[i]));
		tlb_init_entry(&p->tx[i], false);
	}
	for (unsigned i = 0; i < b->n_slaves; i++)
		if (alb_slave(b->slaves[i])->attached)
			tlb_init_slave(b->slaves[i]);
	p->rx_slave = NULL;
	if (p->rlb_enabled)
		p->rlb->reset(p);
}

void alb_init(struct bond *b, const struct rlb_ops *rlb)
{
	struct alb_priv *p = alb_priv(b);

	p->rlb = rlb;
	p->rlb_enabled = rlb != NULL;
	p->open = false;
	alb_reset_tables(b);
}

/* The kernel builds the tables in bond_open and frees them in bond_close;
 * the monitor's first pass runs as the bond opens. */
void alb_sync_open(struct bond *b, uint64_t now_ms)
{
	struct alb_priv *p = alb_priv(b);

	if (b->admin_up == p->open)
		return;
	p->open = b->admin_up;
	alb_reset_tables(b);
	p->next_tick_ms = now_ms;
}

static void alb_monitor(struct bond *b)
{
	struct alb_priv *p = alb_priv(b);
	struct slave *active = b->active;

	if (!b->n_slaves) {
		p->tx_rebalance_counter = 0;
		p->lp_counter = 0;
		return;
	}
	p->tx_rebalance_counter++;
	p->lp_counter++;

	if (p->lp_counter >= (uint64_t)b->params.lp_interval * ALB_TICKS_PER_SEC) {
		/* bond_alb_monitor: all of the VLANs' MACs from the active
		 * slave in tlb, strict matches otherwise (and always in alb) */
		for (unsigned i = 0; i < b->n_slaves; i++)
			alb_send_learning_packets(b, b->slaves[i], b->slaves[i]->cur_mac,
						  b->slaves[i] != active || p->rlb_enabled);
		p->lp_counter = 0;
	}

	if (p->tx_rebalance_counter >= TLB_REBALANCE_TICKS) {
		for (unsigned i = 0; i < b->n_slaves; i++) {
			struct slave *s = b->slaves[i];

			tlb_clear_slave(b, s, true);
			if (s == active) {
				alb_slave(s)->load = p->unbalanced_load / TLB_REBALANCE_SECS;
				p->unbalanced_load = 0;
			}
		}
		p->tx_rebalance_counter = 0;
	}

	if (p->rlb_enabled)
		p->rlb->tick(b);
}

uint64_t alb_tick(struct bond *b, uint64_t now_ms)
{
	struct alb_priv *p = alb_priv(b);

	alb_sync_open(b, now_ms);
	/* The kernel starts its alb work for alb, and for tlb only with
	 * tlb_dynamic_lb=1. */
	if (!p->open || (!p->rlb_enabled && !b->params.tlb_dynamic_lb))
		return UINT64_MAX;
	if (now_ms < p->next_tick_ms)
		return p->next_tick_ms;
	alb_monitor(b);
	p->next_tick_ms = now_ms + ALB_TICK_MS;
	return p->next_tick_ms;
}

static void tlb_init(struct bond *b)
{
	alb_init(b, NULL);
}

/* The buckets and flags both tlb and alb give the kernel data path. */
void tlb_tx_plan(const struct bond *b, struct tx_plan *out)
{
	const struct alb_priv *p = alb_priv(b);

	out->kind = TXP_TLB;
	out->rx_rewrite = true;
	out->tlb_hashed = !b->params.tlb_dynamic_lb;
	if (b->params.tlb_dynamic_lb && p->open)
		for (unsigned i = 0; i < TLB_TABLE_SIZE; i++)
			out->bucket[i] = p->tx[i].tx_slave;
}

/* What the data path sent by bucket counts as if tlb_choose_channel and
 * alb_do_xmit had seen it: the rebalance weighs it the same. */
void tlb_tx_account(struct bond *b, const uint64_t *bucket_bytes, uint64_t unbalanced)
{
	struct alb_priv *p = alb_priv(b);

	if (!p->open || !b->params.tlb_dynamic_lb)
		return;
	for (unsigned i = 0; i < TLB_TABLE_SIZE; i++) {
		uint64_t v = (uint64_t)p->tx[i].tx_bytes + bucket_bytes[i];

		if (p->tx[i].tx_slave)
			p->tx[i].tx_bytes = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	}
	unbalanced += p->unbalanced_load;
	p->unbalanced_load = unbalanced > UINT32_MAX ? UINT32_MAX : (uint32_t)unbalanced;
}

const struct mode_ops mode_tlb = {
	.name = "balance-tlb",
	.proc_text = "transmit load balancing",
	.number = BOND_MODE_TLB,
	.priv_size = sizeof(struct alb_priv),
	.slave_priv_size = sizeof(struct alb_slave),
	.uses_primary = true,
	.promisc_active_only = true,
	.needs_speed_duplex = true,
	.igmp_rejoin = MODE_REJOIN_NEW_ACTIVE,
	.uses_xmit_hash = tlb_uses_xmit_hash,
	.init = tlb_init,
	.slave_add = alb_slave_add,
	.slave_del = alb_slave_del,
	.link_change = alb_link_change,
	.xmit = tlb_xmit,
	.explain_tx = tlb_explain_tx,
	.rx_accept = tlb_rx_accept,
	.rx_frame = alb_rx_frame,
	.tick = alb_tick,
	.slave_is_backup = alb_slave_is_backup,
	.slave_inactive = alb_slave_inactive,
	.apply_macs = alb_apply_macs,
	.active_changed = alb_active_changed,
	.tx_plan = tlb_tx_plan,
	.tx_account = tlb_tx_account,
	.status_fill = alb_status_fill,
};
