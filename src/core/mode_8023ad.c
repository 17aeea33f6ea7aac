/* 802.3ad (mode 4): the mode_ops table that glues the LACP machines of
 * lacp/ to the engine.
 *
 * - Every 100 ms while the bond is up (the first tick at once when it comes
 *   up): the aggregator selection timer, then for each port in slave order
 *   the rx, periodic, selection, mux, tx and churn machines.
 * - Received slow-protocols frames (0x8809 to 01:80:c2:00:00:02): LACPDUs
 *   run the rx machine at once; Marker Information PDUs are answered; both
 *   are consumed. Other slow-protocol subtypes are counted and passed on.
 * - Transmit: usable[xmit_hash % n] over the enabled ports of the active
 *   aggregator (distributing, or the individual fallback) whose partner
 *   collects (lacp_port_distributes); balance-xor's
 *   mode_hash_xmit. broadcast_neighbor=1 (the kernel's
 *   bond_should_broadcast_neighbor): ARP frames and IPv6 neighbour
 *   solicitations/advertisements (ICMPv6 right after the IPv6 header) go
 *   out on every one of those ports, so every switch of a multi-chassis
 *   LAG learns the neighbour. A frame behind one VLAN tag counts too: the
 *   kernel decides on skb->protocol, which a VLAN device on the bond sets
 *   to the inner type while its tag travels out of band.
 * - Receive: a port receives while it collects (coupled_control=0: from
 *   COLLECTING on, before it distributes), else only all_slaves_active.
 * - Carrier: an active aggregator exists and has at least min_links ports
 *   with link up. Roles: a port not enabled for traffic is a backup.
 * - Status: lacp/lacp_status.c fills the 802.3ad part of the status model
 *   (the /proc "802.3ad info" block and per-slave LACP lines, bond_procfs.c).
 *
 * lacp_strict=on: no individual fallback, and carrier only while a port of
 * the active aggregator collects and distributes (checked every tick, so a
 * change of the option takes effect within 100 ms).
 *
 * Left out: per-bond LACP statistics through netlink (counted in struct
 * lacp_stats, not exported yet).
 */
#include <stdio.h>
#include <string.h>

#include "bond.h"
#include "lacp/lacp.h"
#include "mode.h"
#include "status.h"

/* The actor's administrative state bits from the bond's options. */
static uint8_t admin_state(const struct bond *b)
{
	return (uint8_t)(LACP_STATE_AGGREGATION |
			 (b->params.lacp_active ? LACP_STATE_ACTIVITY : 0) |
			 (b->params.lacp_rate ? LACP_STATE_TIMEOUT : 0));
}

/* Roles, transmit set and carrier after the machines changed something. */
static void ad_sync(struct bond *b)
{
	lacp_announce_ready(b);
	bond_refresh_roles(b);
	bond_update_usable(b);
	bond_update_carrier(b);
}

static void ad_slave_add(struct bond *b, struct slave *s, uint64_t now_ms)
{
	struct lacp_bond *lb = lacp_bond_of(b);
	struct lacp_port *p = lacp_port_of(s);

	lb->now_ms = now_ms;
	/* bond_3ad_initialize: the first slave (re)arms the selection timer
	 * and restarts the numbering of ports and aggregators. */
	if (b->n_slaves == 1) {
		lb->agg_select_timer = LACP_AGG_SELECT_TIME;
		lb->next_port_number = 1;
		lb->next_agg_id = 0;
	}
	lacp_own_agg(s)->id = (uint16_t)++lb->next_agg_id;
	memset(p, 0, sizeof(*p));
	p->slave = s;
	p->number = lb->next_port_number++;
	p->begin = true;
	p->actor_state = admin_state(b);
	lacp_record_default(p);
	p->port_enabled = s->link == SLAVE_LINK_UP;
	p->user_key = (uint16_t)(b->params.ad_user_port_key << 6);
	p->key = lacp_port_key(s, !p->port_enabled);
	p->lacp_enabled = p->key & 1;
	p->tx_timer = LACP_TX_GRID;
	p->actor_churn = p->partner_churn = LACP_CHURN_MONITOR;
}

static void ad_slave_del(struct bond *b, struct slave *s, uint64_t now_ms)
{
	struct lacp_port *p = lacp_port_of(s);

	lacp_bond_of(b)->now_ms = now_ms;
	/* The partner learns at once that this port no longer aggregates. */
	if (b->admin_up && p->lacp_enabled)
		lacp_tx_send(b, p, (uint8_t)(p->actor_state &
			     ~(LACP_STATE_SYNC | LACP_STATE_COLLECTING |
			       LACP_STATE_DISTRIBUTING | LACP_STATE_AGGREGATION)));
	lacp_port_unbind(b, p);
	ad_sync(b);
}

static void ad_link_change(struct bond *b, struct slave *s, uint64_t now_ms)
{
	struct lacp_port *p = lacp_port_of(s);
	bool up = s->link == SLAVE_LINK_UP;
	uint16_t old = p->key;

	lacp_bond_of(b)->now_ms = now_ms;
	p->port_enabled = up;
	p->key = lacp_port_key(s, !up);
	if (p->key != old) {
		/* Only full-duplex ports run LACP; a new speed restarts them. */
		p->lacp_enabled = p->key & 1;
		if (up && (p->key & 1) && ((p->key ^ old) & 0x3e) && (p->key & 0x3e))
			p->begin = true;
	}
	/* Down: inactive; up: a backup until the mux enables it. */
	lacp_port_disable(p);
	lacp_agg_select(b);
	ad_sync(b);
}

static bool ad_rx_control(struct bond *b, struct slave *s, const uint8_t *frame,
			  size_t len, uint64_t now_ms)
{
	struct lacp_bond *lb = lacp_bond_of(b);
	struct lacp_port *p = lacp_port_of(s);
	struct lacpdu pdu;
	struct lacp_marker m;

	lb->now_ms = now_ms;
	switch (lacp_frame_decode(frame, len, &pdu, &m)) {
	case LACP_RX_NOT_SLOW:
		return false;
	case LACP_RX_ILLEGAL:
		p->stats.lacpdu_illegal_rx++;
		lb->stats.lacpdu_illegal_rx++;
		/* The first ten, then every power of two: a port fed garbage
		 * must not flood the monitors (the counter has them all). */
		if (p->stats.lacpdu_illegal_rx <= 10 ||
		    !(p->stats.lacpdu_illegal_rx & (p->stats.lacpdu_illegal_rx - 1)))
			bond_event(b, s, BOND_EV_MALFORMED, "refused",
				   "truncated or malformed slow-protocols frame of %zu bytes "
				   "(%llu on this port)", len,
				   (unsigned long long)p->stats.lacpdu_illegal_rx);
		return true;
	case LACP_RX_UNKNOWN:
		p->stats.lacpdu_unknown_rx++;
		lb->stats.lacpdu_unknown_rx++;
		return false;
	case LACP_RX_LACPDU:
		p->stats.lacpdu_rx++;
		lb->stats.lacpdu_rx++;
		if (b->admin_up) {
			lacp_rx_run(b, p, &pdu);
			ad_sync(b);
		}
		return true;
	case LACP_RX_MARKER:
		if (m.tlv == LACP_MARKER_INFO) {
			p->stats.marker_rx++;
			lb->stats.marker_rx++;
			if (b->admin_up)
				lacp_marker_respond(b, p, &m);
		} else {
			p->stats.marker_resp_rx++;
			lb->stats.marker_resp_rx++;
		}
		return true;
	}
	return false;
}

static void ad_run_tick(struct bond *b)
{
	struct lacp_bond *lb = lacp_bond_of(b);

	if (!b->n_slaves)
		return;
	if (lb->agg_select_timer && !--lb->agg_select_timer)
		lacp_agg_select(b);
	if (lb->strict != b->params.lacp_strict) {
		/* lacp_strict changed (a live option): fallback on or off */
		lb->strict = b->params.lacp_strict;
		lacp_agg_select(b);
	}
	for (unsigned i = 0; i < b->n_slaves; i++) {
		struct lacp_port *p = lacp_port_of(b->slaves[i]);

		lacp_rx_run(b, p, NULL);
		lacp_ptx_run(b, p);
		lacp_port_select(b, p);
		lacp_mux_run(b, p);
		lacp_tx_run(b, p);
		lacp_churn_run(b, p);
		p->begin = false;
	}
	ad_sync(b);
}

static uint64_t ad_tick(struct bond *b, uint64_t now_ms)
{
	struct lacp_bond *lb = lacp_bond_of(b);

	lb->now_ms = now_ms;
	if (!b->admin_up) {
		lb->was_up = false;
		lb->next_tick_ms = 0;
		return UINT64_MAX;
	}
	if (!lb->was_up) {
		/* bond_open: options may have changed while down; select at
		 * the first tick, which runs now. */
		lb->was_up = true;
		lb->agg_select_timer = 1;
		lb->next_tick_ms = now_ms;
		for (unsigned i = 0; i < b->n_slaves; i++) {
			struct slave *s = b->slaves[i];
			struct lacp_port *p = lacp_port_of(s);
			uint8_t keep = p->actor_state & (uint8_t)~(LACP_STATE_ACTIVITY |
					LACP_STATE_TIMEOUT | LACP_STATE_AGGREGATION);

			p->actor_state = keep | admin_state(b);
			p->key = lacp_port_key(s, s->link != SLAVE_LINK_UP);
			p->lacp_enabled = p->key & 1;
			/* "no LACPDU heard for N s" counts from now */
			p->mem.listening = false;
		}
	}
	if (now_ms < lb->next_tick_ms)
		return lb->next_tick_ms;
	ad_run_tick(b);
	lb->next_tick_ms += LACP_TICK_MS;
	if (lb->next_tick_ms <= now_ms)
		lb->next_tick_ms = now_ms + LACP_TICK_MS;
	return lb->next_tick_ms;
}

static bool ad_slave_usable(const struct bond *b, const struct slave *s)
{
	const struct lacp_port *p = lacp_port_of(s);

	(void)b;
	return lacp_port_distributes(p) && slave_can_tx(s);
}

static bool ad_slave_is_backup(const struct bond *b, const struct slave *s)
{
	(void)b;
	return !lacp_port_of(s)->enabled;
}

static bool ad_slave_inactive(const struct bond *b, const struct slave *s)
{
	return !lacp_port_of(s)->collecting && !b->params.all_slaves_active;
}

static bool ad_carrier(const struct bond *b)
{
	const struct lacp_agg *agg = lacp_active_agg(b);

	if (!agg || lacp_agg_active_ports(b, agg) < b->params.min_links)
		return false;
	if (!b->params.lacp_strict)
		return true;
	/* lacp_strict: only while some port collects and distributes */
	for (unsigned i = 0; i < b->n_slaves; i++) {
		const struct lacp_port *p = lacp_port_of(b->slaves[i]);

		if (p->agg == agg && (p->actor_state & (LACP_STATE_COLLECTING |
							LACP_STATE_DISTRIBUTING)) ==
		    (LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING))
			return true;
	}
	return false;
}

static void ad_tx_plan(const struct bond *b, struct tx_plan *out)
{
	out->lacp = true;
	out->broadcast_neighbor = b->params.broadcast_neighbor != 0;
}

/* ARP, or an IPv6 NS/NA whose ICMPv6 header follows the IPv6 header
 * directly (the kernel's bond_is_icmpv6_nd: no extension headers, and a
 * truncated frame is not one), untagged or behind one VLAN tag. */
bool lacp_is_neighbor_frame(const uint8_t *frame, size_t len)
{
	size_t off = 14;
	uint16_t type;

	if (len < off)
		return false;
	type = (uint16_t)(frame[12] << 8 | frame[13]);
	if ((type == 0x8100 || type == 0x88a8) && len >= 18) {
		type = (uint16_t)(frame[16] << 8 | frame[17]);
		off = 18;
	}
	if (type == 0x0806)
		return true;
	if (type != 0x86dd || len < off + 40 + 8 || frame[off + 6] != 58)
		return false;
	return frame[off + 40] == 135 || frame[off + 40] == 136;
}

static void ad_xmit(struct bond *b, const uint8_t *frame, size_t len, const void *meta,
		    uint64_t now_ms)
{
	if (b->params.broadcast_neighbor && lacp_is_neighbor_frame(frame, len)) {
		/* bond_xmit_broadcast(all_slaves=false): the usable set */
		for (unsigned i = 0; i < b->n_usable; i++)
			bond_tx_on(b, b->usable[i], frame, len, meta);
		return;
	}
	mode_hash_xmit(b, frame, len, meta, now_ms);
}

/* What ad_xmit does with the frame: a neighbour frame under
 * broadcast_neighbor is copied to every usable port, anything else is
 * hashed as balance-xor hashes. */
static void ad_explain_tx(const struct bond *b, const uint8_t *frame, size_t len,
			  struct tx_explain *out)
{
	bool arp;

	if (!b->params.broadcast_neighbor || !lacp_is_neighbor_frame(frame, len)) {
		mode_explain_hash(b, frame, len, out);
		return;
	}
	/* lacp_is_neighbor_frame: ARP, or ICMPv6 NS/NA, behind at most one tag */
	arp = (frame[12] == 0x08 && frame[13] == 0x06) ||
	      ((frame[12] == 0x81 || frame[12] == 0x88) && frame[16] == 0x08 && frame[17] == 0x06);
	out->set = b->usable;
	out->n_set = b->n_usable;
	out->set_label = "usable slaves";
	out->every_slave = b->n_usable > 0;
	snprintf(out->reason, sizeof(out->reason), b->n_usable ?
		 "802.3ad: broadcast_neighbor 1: %s frames are copied to every port of the "
		 "active aggregator, not hashed, so every switch of a multi-chassis LAG "
		 "learns the neighbour" :
		 "802.3ad: broadcast_neighbor 1: %s frames go to every port of the active "
		 "aggregator, and none is usable: the frame would be dropped",
		 arp ? "ARP" : "IPv6 neighbour discovery (NS/NA)");
}

const struct mode_ops mode_8023ad = {
	.name = "802.3ad",
	.proc_text = "IEEE 802.3ad Dynamic link aggregation",
	.number = BOND_MODE_8023AD,
	.priv_size = sizeof(struct lacp_bond),
	.slave_priv_size = sizeof(struct lacp_slave),
	.lacp = true,
	.needs_speed_duplex = true,
	.uses_xmit_hash = mode_hashes_always,
	.slave_add = ad_slave_add,
	.slave_del = ad_slave_del,
	.link_change = ad_link_change,
	.xmit = ad_xmit,
	.explain_tx = ad_explain_tx,
	.rx_control = ad_rx_control,
	.tick = ad_tick,
	.slave_is_backup = ad_slave_is_backup,
	.slave_usable = ad_slave_usable,
	.carrier = ad_carrier,
	.slave_inactive = ad_slave_inactive,
	.tx_plan = ad_tx_plan,
	.status_fill = lacp_status_fill,
};
