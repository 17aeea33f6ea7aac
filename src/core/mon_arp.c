/* The ARP monitor (arp_interval > 0, the modes whose arp_monitor says so:
 * 0-3): every arp_interval ms,
 * send an ARP request for each arp_ip_target and judge each slave by what it
 * has sent and received lately, as the kernel's bond_loadbalance_arp_mon()
 * and bond_activebackup_arp_mon() do.
 *
 *  - balance-rr/xor/broadcast: a slave is up while it has both transmitted
 *    and received within the window (1 interval to come up, arp_missed_max
 *    intervals to stay up); probes go out on every slave.
 *  - active-backup: inspect/commit/probe. Probes go out on the active slave
 *    only; when there is none, the monitor walks the slaves one at a time
 *    (current_arp_slave) until one gets an answer. With arp_validate, only
 *    ARP traffic that proves the path (a reply from a target to the bond's
 *    address on the active slave, the active slave's request seen on a
 *    backup) counts as received; arp_all_targets=all wants every target.
 *
 * A window is the kernel's bond_time_in_interval(): now lies within
 * [last - interval, last + mod * interval + interval / 2].
 * ns_ip6_target does the same with IPv6 neighbour solicitations (to the
 * target's solicited-node group) and neighbour advertisements; a backup
 * validates the active slave's NS, sent to that group, not to the target.
 *
 * VLANs (bond_vlan_add): a probe goes out tagged with a VLAN's VID, from
 * that VLAN's address, when the kernel's route lookup would send it through
 * the VLAN device stacked on the bond: when the longest prefix covering the
 * target is one of that VLAN's addresses (IPv4 and IPv6; an IPv6 address
 * counts as a /64, what SLAAC and nearly every manual configuration use,
 * unless bond_vlan_set_prefix6 says otherwise). A tagged reply validates as an
 * untagged one does (the kernel takes the tag off before the bond sees
 * it), to any of the bond's or its VLANs' addresses (bond_has_this_ip()
 * walks the devices stacked on the bond). A VLAN that is down has no
 * routes: probes do not go through it. */
#include <string.h>

#include "bond.h"
#include "monitor.h"
#include "peer_notify.h"

enum { ARP_VALIDATE_FILTER = 4, ARP_ALL_TARGETS_ALL = 1 };
enum { NONE, TO_UP, TO_DOWN, TO_FAIL };

static bool in_interval(const struct bond *b, uint64_t last, uint32_t mod, uint64_t now)
{
	int64_t d = b->params.arp_interval;
	int64_t n = (int64_t)now, l = (int64_t)last;

	return n >= l - d && n <= l + (int64_t)mod * d + d / 2;
}

static bool is_active_role(const struct slave *s)
{
	return !s->backup;
}

/* slave_last_rx(): with arp_all_targets=all the oldest per-target answer. */
static uint64_t slave_last_rx(const struct bond *b, const struct slave *s)
{
	uint64_t oldest;

	if (b->params.arp_all_targets != ARP_ALL_TARGETS_ALL || !b->params.n_arp_targets)
		return s->last_rx_ms;
	oldest = s->target_last_rx_ms[0];
	for (unsigned i = 1; i < b->params.n_arp_targets; i++)
		if (s->target_last_rx_ms[i] < oldest)
			oldest = s->target_last_rx_ms[i];
	return oldest;
}

static void arp_slave_init(struct bond *b, struct slave *s, uint64_t now_ms)
{
	/* "Not heard from lately": the kernel backdates the last receive by
	 * one interval and a tick so a new slave must earn its link. */
	uint64_t old = now_ms > b->params.arp_interval + 1 ? now_ms - b->params.arp_interval - 1 : 0;

	s->link = slave_dev_up(s) ? SLAVE_LINK_UP : SLAVE_LINK_DOWN;
	if (s->link == SLAVE_LINK_UP)
		s->last_link_up_ms = now_ms;
	s->last_rx_ms = s->last_tx_ms = old;
	for (unsigned i = 0; i < BOND_MAX_ARP_TARGETS; i++)
		s->target_last_rx_ms[i] = old;
}

static uint32_t host32(uint32_t be)
{
	const uint8_t *a = (const uint8_t *)&be;

	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

/* The longest prefix among addrs that covers target: its index, with its
 * length in *best (left alone when none is longer than *best). */
static int cover4(const uint32_t *addrs, const uint8_t *plens, unsigned n, uint32_t target_be,
		  int *best)
{
	int found = -1;

	for (unsigned i = 0; i < n; i++) {
		uint8_t plen = plens[i];
		uint32_t mask = plen ? (plen >= 32 ? 0xffffffffu : ~(0xffffffffu >> plen)) : 0;

		if ((host32(addrs[i]) & mask) == (host32(target_be) & mask) && plen > *best) {
			*best = plen;
			found = (int)i;
		}
	}
	return found;
}

/* The kernel's ip_route_output() to the target, as far as the engine
 * knows the routes: the connected routes of the bond's and its VLANs'
 * addresses, the longest prefix winning (the bond on a tie). A VLAN's route
 * sends the probe tagged with its VID (*vid) from that address. */
static const struct bond_vlan *route4(const struct bond *b, uint32_t target_be,
				      uint32_t *src)
{
	const struct bond_vlan *via = NULL;
	int best = -1, i;

	i = cover4(b->ipv4, b->ipv4_prefix, b->n_ipv4, target_be, &best);
	if (i >= 0)
		*src = b->ipv4[i];
	for (unsigned k = 0; k < b->n_vlans; k++) {
		const struct bond_vlan *v = &b->vlans[k];

		if (v->down)
			continue;
		i = cover4(v->ipv4, v->ipv4_prefix, v->n_ipv4, target_be, &best);
		if (i >= 0) {
			*src = v->ipv4[i];
			via = v;
		}
	}
	return via;
}

/* The source address the kernel's route lookup would give: the bond's
 * address in the target's subnet, else its first address, else 0 (sent
 * anyway, "to generate any traffic"); a VLAN's address in the target's
 * subnet, longer prefix first, makes the probe the VLAN's (*vid). */
static uint32_t pick_source(struct bond *b, uint32_t target_be, uint16_t *vid)
{
	const struct bond_vlan *via;
	uint32_t src = 0;

	*vid = 0;
	via = route4(b, target_be, &src);
	if (via)
		*vid = via->vid;
	if (src)
		return src;
	if (b->n_ipv4)
		return b->ipv4[0];
	if (b->params.arp_validate && !b->arp_no_route_warned) {
		const uint8_t *t = (const uint8_t *)&target_be;

		b->arp_no_route_warned = true;
		bond_log(b, NULL, LOG_WARN_, "no route to arp_ip_target %u.%u.%u.%u and arp_validate is set",
			 t[0], t[1], t[2], t[3]);
	}
	return 0;
}

/* bond_arp_send(): from the slave's MAC; tagged after the route (42 bytes
 * of ARP, tagged 46, padded to 60). */
static void arp_send_all(struct bond *b, struct slave *s)
{
	for (unsigned i = 0; i < b->params.n_arp_targets; i++) {
		uint8_t f[64] = { 0 };
		uint8_t *arp = f + 14;
		uint16_t vid;
		uint32_t target = b->params.arp_targets[i], src = pick_source(b, target, &vid);
		size_t len = 60;

		memset(f, 0xff, 6);
		memcpy(f + 6, s->cur_mac, 6);
		f[12] = 0x08; f[13] = 0x06;
		arp[1] = 1;                     /* Ethernet */
		arp[2] = 0x08;                  /* IPv4 */
		arp[4] = 6;
		arp[5] = 4;
		arp[7] = 1;                     /* request */
		memcpy(arp + 8, s->cur_mac, 6);
		memcpy(arp + 14, &src, 4);
		memcpy(arp + 24, &target, 4);
		if (vid)
			len = vlan_tag_frame(f, 42, vid);
		bond_tx_on(b, s, f, len, NULL);
	}
}

static bool ip6_is_linklocal(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static bool prefix6_covers(const uint8_t *a, uint8_t plen, const uint8_t *t)
{
	unsigned full = plen / 8, rest = plen % 8;

	if (memcmp(a, t, full))
		return false;
	return !rest || ((a[full] ^ t[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* The longest prefix among addrs (not link-local) covering target: its
 * index, with its length in *best (left alone when none is longer). */
static int cover6(const uint8_t (*addrs)[16], const uint8_t *plens, unsigned n,
		  const uint8_t *target, int *best)
{
	int found = -1;

	for (unsigned i = 0; i < n; i++)
		if (!ip6_is_linklocal(addrs[i]) && plens[i] > *best &&
		    prefix6_covers(addrs[i], plens[i], target)) {
			*best = plens[i];
			found = (int)i;
		}
	return found;
}

/* The source address ipv6_dev_get_saddr() would pick among the bond's: a
 * link-local one for a link-local target, else a global one; else ::.
 * A global target whose longest covering prefix (the connected routes of
 * the addresses; the bond on a tie) is a VLAN's is reached through that
 * VLAN (*vid), from that address. A link-local target stays on the bond:
 * without an interface given, the kernel's lookup has no reason to prefer
 * a VLAN's fe80::/64. */
static const uint8_t *pick_source6(const struct bond *b, const uint8_t *target, uint16_t *vid)
{
	static const uint8_t any[16];
	bool want_ll = ip6_is_linklocal(target);

	*vid = 0;
	if (!want_ll) {
		const struct bond_vlan *via = NULL;
		int best = -1, i, at = -1;

		cover6(b->ipv6, b->ipv6_prefix, b->n_ipv6, target, &best);
		for (unsigned k = 0; k < b->n_vlans; k++) {
			const struct bond_vlan *v = &b->vlans[k];

			if (v->down)
				continue;
			i = cover6(v->ipv6, v->ipv6_prefix, v->n_ipv6, target, &best);
			if (i >= 0) {
				via = v;
				at = i;
			}
		}
		if (via) {
			*vid = via->vid;
			return via->ipv6[at];
		}
	}
	for (unsigned i = 0; i < b->n_ipv6; i++)
		if (ip6_is_linklocal(b->ipv6[i]) == want_ll)
			return b->ipv6[i];
	return b->n_ipv6 ? b->ipv6[0] : any;
}

static uint32_t csum_add16(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	return sum;
}

static void ns_send_all(struct bond *b, struct slave *s)
{
	for (unsigned i = 0; i < b->params.n_ns_targets; i++) {
		static const uint8_t any[16];
		const uint8_t *target = b->params.ns_targets[i];
		uint16_t vid;
		const uint8_t *src = pick_source6(b, target, &vid);
		bool has_src = memcmp(src, any, 16) != 0;
		uint16_t plen = has_src ? 32 : 24;
		uint8_t f[4 + 14 + 40 + 32] = { 0 };
		size_t len = 14 + 40 + plen;
		uint8_t *ip = f + 14, *icmp = ip + 40, pseudo[40] = { 0 };
		uint32_t sum;

		/* to the target's solicited-node group (ff02::1:ff00:0/104 + its low 24 bits) */
		f[0] = 0x33; f[1] = 0x33; f[2] = 0xff;
		memcpy(f + 3, target + 13, 3);
		memcpy(f + 6, s->cur_mac, 6);
		f[12] = 0x86; f[13] = 0xdd;
		ip[0] = 0x60;
		ip[4] = (uint8_t)(plen >> 8); ip[5] = (uint8_t)plen;
		ip[6] = 58;
		ip[7] = 255;
		memcpy(ip + 8, src, 16);
		ip[24] = 0xff; ip[25] = 0x02; ip[35] = 0x01; ip[36] = 0xff;
		memcpy(ip + 37, target + 13, 3);
		icmp[0] = 135;                  /* neighbour solicitation */
		memcpy(icmp + 8, target, 16);
		if (has_src) {                  /* source link-layer address */
			icmp[24] = 1;
			icmp[25] = 1;
			memcpy(icmp + 26, s->cur_mac, 6);
		}
		memcpy(pseudo, ip + 8, 32);
		pseudo[35] = (uint8_t)plen;
		pseudo[39] = 58;
		sum = csum_add16(csum_add16(0, pseudo, 40), icmp, plen);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		icmp[2] = (uint8_t)(~sum >> 8);
		icmp[3] = (uint8_t)~sum;
		if (vid)
			len = vlan_tag_frame(f, len, vid);
		bond_tx_on(b, s, f, len, NULL);
	}
}

static void send_all(struct bond *b, struct slave *s)
{
	arp_send_all(b, s);
	ns_send_all(b, s);
}

static int target_index(const struct bond *b, uint32_t ip)
{
	for (unsigned i = 0; i < b->params.n_arp_targets; i++)
		if (b->params.arp_targets[i] == ip)
			return (int)i;
	return -1;
}

/* bond_has_this_ip(): the bond's addresses and those of the devices
 * stacked on it (its VLANs). */
static bool bond_has_ip(const struct bond *b, uint32_t ip)
{
	for (unsigned i = 0; i < b->n_ipv4; i++)
		if (b->ipv4[i] == ip)
			return true;
	for (unsigned k = 0; k < b->n_vlans; k++)
		for (unsigned i = 0; i < b->vlans[k].n_ipv4; i++)
			if (b->vlans[k].ipv4[i] == ip)
				return true;
	return false;
}

static bool bond_has_ip6(const struct bond *b, const uint8_t *ip)
{
	for (unsigned i = 0; i < b->n_ipv6; i++)
		if (!memcmp(b->ipv6[i], ip, 16))
			return true;
	for (unsigned k = 0; k < b->n_vlans; k++)
		for (unsigned i = 0; i < b->vlans[k].n_ipv6; i++)
			if (!memcmp(b->vlans[k].ipv6[i], ip, 16))
				return true;
	return false;
}

static void validate_arp(struct bond *b, struct slave *s, uint32_t sip, uint32_t tip,
			 uint64_t now)
{
	int i;

	if (!sip || !bond_has_ip(b, tip))
		return;
	i = target_index(b, sip);
	if (i < 0)
		return;
	s->last_rx_ms = now;
	s->target_last_rx_ms[i] = now;
}

/* Is addr target itself or target's solicited-node group
 * (ff02::1:ff00:0/104 + its low 24 bits)? A backup validates the active
 * slave's NS by its addresses reversed, and that NS went to the group, not
 * to the target (the kernel's bond_get_targets_ip6() since "bonding: fix ns
 * validation on backup slaves"). */
static bool ns_target_matches(const uint8_t *target, const uint8_t *addr)
{
	static const uint8_t snm[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	if (!memcmp(target, addr, 16))
		return true;
	return !memcmp(addr, snm, 13) && !memcmp(addr + 13, target + 13, 3);
}

/* bond_validate_na(): saddr must name a target (or, reversed for a
 * backup's view of an NS, its solicited-node group) and daddr one of the
 * bond's addresses or all-nodes (an unsolicited NA). */
static void validate_na(struct bond *b, struct slave *s, const uint8_t *saddr,
			const uint8_t *daddr, uint64_t now)
{
	static const uint8_t any[16];
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	bool ours = !memcmp(daddr, all_nodes, 16);

	if (!memcmp(saddr, any, 16))
		return;
	if (bond_has_ip6(b, daddr))
		ours = true;
	if (!ours)
		return;
	for (unsigned i = 0; i < b->params.n_ns_targets; i++)
		if (ns_target_matches(b->params.ns_targets[i], saddr)) {
			s->last_rx_ms = now;
			s->target_last_rx_ms[i] = now;
			return;
		}
}

/* bond_na_rcv(): the IPv6 counterpart of arp_rcv() for NS/NA frames. */
static void na_rcv(struct bond *b, struct slave *s, const uint8_t *f, size_t len,
		   size_t off, uint64_t now)
{
	const uint8_t *ip = f + off;

	if (len < off + 40 + 4 || ip[6] != 58 || (ip[40] != 135 && ip[40] != 136))
		return;
	if (!(f[0] & 1) && !mac_eq(f, s->cur_mac))
		return;
	if (is_active_role(s))
		validate_na(b, s, ip + 8, ip + 24, now);
	else if (b->active && slave_last_rx(b, b->active) > b->active->last_link_up_ms)
		validate_na(b, s, ip + 24, ip + 8, now);
	else if (b->current_arp_slave &&
		 in_interval(b, b->current_arp_slave->last_tx_ms, 1, now))
		validate_na(b, s, ip + 8, ip + 24, now);
}

/* bond_arp_rcv(): which ARP frames prove the path for this slave. */
static void arp_rcv(struct bond *b, struct slave *s, const uint8_t *f, size_t len,
		    size_t off, uint64_t now)
{
	const uint8_t *arp = f + off;
	uint32_t sip, tip;
	bool for_us;

	if (len < off + 28 || arp[0] != 0 || arp[1] != 1 || arp[2] != 0x08 || arp[3] != 0 ||
	    arp[4] != 6 || arp[5] != 4)
		return;
	/* PACKET_OTHERHOST frames are ignored */
	for_us = (f[0] & 1) || mac_eq(f, s->cur_mac);
	if (!for_us)
		return;
	memcpy(&sip, arp + 14, 4);
	memcpy(&tip, arp + 24, 4);
	if (is_active_role(s))
		validate_arp(b, s, sip, tip, now);
	else if (b->active && slave_last_rx(b, b->active) > b->active->last_link_up_ms)
		validate_arp(b, s, tip, sip, now);   /* the active slave's probe */
	else if (b->current_arp_slave && arp[7] == 2 && arp[6] == 0 &&
		 in_interval(b, b->current_arp_slave->last_tx_ms, 1, now))
		validate_arp(b, s, sip, tip, now);
}

void monitor_rx_seen(struct bond *b, struct slave *s, uint64_t at_ms)
{
	/* Only the rule that counts any frame: with arp_validate the frames
	 * that count are ARP/NS/NA, which reach monitor_rx() themselves. */
	if (!b->params.arp_interval || (b->params.arp_validate & (1u << (s->backup ? 1 : 0))) ||
	    (b->params.arp_validate & ARP_VALIDATE_FILTER))
		return;
	if (at_ms > s->last_rx_ms)
		s->last_rx_ms = at_ms;
}

void monitor_rx(struct bond *b, struct slave *s, const uint8_t *frame, size_t len,
		uint64_t now_ms)
{
	bool is_arp, is_ipv6, validate, filter_only;
	size_t off = 14;

	if (!b->params.arp_interval)
		return;
	/* The kernel takes one tag off (skb_vlan_untag) before the bond's
	 * receive handler reads skb->protocol: a reply to a tagged probe is
	 * judged as an untagged one. */
	if (len >= 18 && ((frame[12] == 0x81 && frame[13] == 0x00) ||
			  (frame[12] == 0x88 && frame[13] == 0xa8)))
		off = 18;
	is_arp = len >= off && frame[off - 2] == 0x08 && frame[off - 1] == 0x06;
	is_ipv6 = len >= off && frame[off - 2] == 0x86 && frame[off - 1] == 0xdd;
	validate = b->params.arp_validate & (1u << (s->backup ? 1 : 0));
	filter_only = b->params.arp_validate & ARP_VALIDATE_FILTER;
	if (!validate) {
		if (!filter_only || is_arp || is_ipv6)
			s->last_rx_ms = now_ms;
		return;
	}
	if (is_arp)
		arp_rcv(b, s, frame, len, off, now_ms);
	else if (is_ipv6)
		na_rcv(b, s, frame, len, off, now_ms);
}

/* The monitor's name for an event's reason: which kind of target it
 * probes. */
static const char *target_kind(const struct bond *b)
{
	if (b->params.n_arp_targets && b->params.n_ns_targets)
		return "arp_ip_target/ns_ip6_target";
	return b->params.n_arp_targets ? "arp_ip_target" : "ns_ip6_target";
}

static void link_up_event(struct bond *b, struct slave *s, uint64_t now)
{
	s->link_since_ms = now;
	bond_event(b, s, BOND_EV_LINK, "up", "%s: traffic within %u ms", target_kind(b),
		   b->params.arp_interval);
}

static void link_down_event(struct bond *b, struct slave *s, uint64_t now, const char *what)
{
	s->link_since_ms = now;
	bond_event(b, s, BOND_EV_LINK, "down", "%s: %s", target_kind(b), what);
}

/* ---- balance-rr / balance-xor / broadcast ------------------------------ */

static void lb_run(struct bond *b, uint64_t now)
{
	struct slave *old = b->active;
	int propose[BOND_MAX_SLAVES] = { 0 };
	bool changed = false, failover = false;

	for (unsigned i = 0; i < b->n_slaves; i++) {
		struct slave *s = b->slaves[i];

		if (s->link != SLAVE_LINK_UP) {
			if (in_interval(b, s->last_tx_ms, 1, now) &&
			    in_interval(b, s->last_rx_ms, 1, now)) {
				propose[i] = TO_UP;
				changed = true;
				if (!old) {
					bond_log(b, s, LOG_INFO_, "link status definitely up");
					failover = true;
				} else {
					bond_log(b, s, LOG_INFO_, "interface is now up");
				}
			}
		} else if (!in_interval(b, s->last_tx_ms, b->params.missed_max, now) ||
			   !in_interval(b, s->last_rx_ms, b->params.missed_max, now)) {
			propose[i] = TO_DOWN;
			changed = true;
			if (s->link_failure_count < UINT32_MAX)
				s->link_failure_count++;
			bond_log(b, s, LOG_INFO_, "interface is now down");
			if (s == old)
				failover = true;
		}
		/* Every slave probes, so every slave can hear an answer. */
		if (slave_dev_up(s))
			send_all(b, s);
	}
	for (unsigned i = 0; i < b->n_slaves; i++) {
		if (propose[i] == TO_UP) {
			b->slaves[i]->link = SLAVE_LINK_UP;
			b->slaves[i]->last_link_up_ms = now;
			link_up_event(b, b->slaves[i], now);
		} else if (propose[i] == TO_DOWN) {
			b->slaves[i]->link = SLAVE_LINK_DOWN;
			bond_event(b, b->slaves[i], BOND_EV_LINK, "down",
				   "%s: nothing sent or received for %u intervals of %u ms",
				   target_kind(b), b->params.missed_max, b->params.arp_interval);
			b->slaves[i]->link_since_ms = now;
		}
	}
	if (changed || failover)
		bond_reselect(b, now);
}

/* ---- active-backup ----------------------------------------------------- */

static bool ab_inspect(struct bond *b, int *propose, uint64_t now)
{
	bool commit = false;

	for (unsigned i = 0; i < b->n_slaves; i++) {
		struct slave *s = b->slaves[i];
		uint64_t last_rx = slave_last_rx(b, s);

		propose[i] = NONE;
		if (s->link != SLAVE_LINK_UP) {
			if (in_interval(b, last_rx, 1, now)) {
				propose[i] = TO_UP;
				commit = true;
			} else if (s->link == SLAVE_LINK_BACK) {
				propose[i] = TO_FAIL;
				commit = true;
			}
			continue;
		}
		/* Two intervals of grace after enslave or becoming active:
		 * the last-receive times need a full cycle to update. */
		if (in_interval(b, s->last_link_up_ms, 2, now))
			continue;
		if (!is_active_role(s) && !b->current_arp_slave &&
		    !in_interval(b, last_rx, b->params.missed_max + 1, now)) {
			propose[i] = TO_DOWN;
			commit = true;
		}
		if (is_active_role(s) &&
		    (!in_interval(b, s->last_tx_ms, b->params.missed_max, now) ||
		     !in_interval(b, last_rx, b->params.missed_max, now))) {
			propose[i] = TO_DOWN;
			commit = true;
		}
	}
	return commit;
}

static void ab_commit(struct bond *b, const int *propose, uint64_t now)
{
	bool failover = false;

	for (unsigned i = 0; i < b->n_slaves; i++) {
		struct slave *s = b->slaves[i];
		struct slave *prim = bond_primary_slave(b);

		switch (propose[i]) {
		case TO_UP:
			if (b->active == s)
				break;
			s->link = SLAVE_LINK_UP;
			b->current_arp_slave = NULL;
			bond_log(b, s, LOG_INFO_, "link status definitely up");
			link_up_event(b, s, now);
			if (!b->active || s == prim || s->prio > b->active->prio)
				failover = true;
			break;
		case TO_DOWN:
			if (s->link_failure_count < UINT32_MAX)
				s->link_failure_count++;
			s->link = SLAVE_LINK_DOWN;
			bond_log(b, s, LOG_INFO_, "link status definitely down, disabling slave");
			link_down_event(b, s, now, s == b->active ?
					"no reply to the active slave's probes" :
					"no probe or reply seen on the backup");
			if (s == b->active) {
				b->current_arp_slave = NULL;
				failover = true;
			}
			break;
		case TO_FAIL:
			s->link = SLAVE_LINK_FAIL;
			if (b->active)
				b->current_arp_slave = NULL;
			break;
		}
	}
	bond_refresh_roles(b);
	if (failover)
		bond_reselect(b, now);
	else
		bond_update_carrier(b);
}

/* With no active slave, try the next slave that is up: mark it "going
 * back", let it transmit probes, and see whether answers come. */
static void ab_probe(struct bond *b, uint64_t now)
{
	struct slave *cur = b->current_arp_slave, *before = NULL, *next = NULL;
	bool found = false;

	if (b->active) {
		send_all(b, b->active);
		return;
	}
	if (!cur) {
		if (!b->n_slaves)
			return;
		cur = b->slaves[0];
	}
	for (unsigned i = 0; i < b->n_slaves; i++) {
		struct slave *s = b->slaves[i];

		if (!found && !before && slave_dev_up(s))
			before = s;
		if (found && !next && slave_dev_up(s))
			next = s;
		if (!slave_dev_up(s) && s->link == SLAVE_LINK_UP) {
			s->link = SLAVE_LINK_DOWN;
			if (s->link_failure_count < UINT32_MAX)
				s->link_failure_count++;
			bond_log(b, s, LOG_INFO_, "backup interface is now down");
			link_down_event(b, s, now, "device down or no carrier");
		}
		if (s == cur)
			found = true;
	}
	if (!next)
		next = before;
	if (next) {
		next->link = SLAVE_LINK_BACK;
		b->current_arp_slave = next;
		bond_refresh_roles(b);
		send_all(b, next);
		next->last_link_up_ms = now;
	}
	bond_refresh_roles(b);
}

static void ab_run(struct bond *b, uint64_t now)
{
	int propose[BOND_MAX_SLAVES];
	bool notify = bond_should_notify_peers(b);

	if (!b->n_slaves)
		return;
	if (ab_inspect(b, propose, now))
		ab_commit(b, propose, now);
	ab_probe(b, now);
	if (notify) {
		b->send_peer_notif--;
		peer_notify_send(b, now);
	}
}

static uint32_t arp_run(struct bond *b, uint64_t now_ms)
{
	if (b->mode->arp_monitor == MODE_ARP_ACTIVEBACKUP)
		ab_run(b, now_ms);
	else
		lb_run(b, now_ms);
	return b->params.arp_interval;
}

static uint32_t arp_interval(const struct bond *b)
{
	return b->params.arp_interval;
}

const struct monitor_ops mon_arp = {
	.name = "arp",
	.slave_init = arp_slave_init,
	.run = arp_run,
	.interval = arp_interval,
};
