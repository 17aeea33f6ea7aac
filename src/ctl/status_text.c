/* Renders a bond's status model as the kernel's /proc/net/bonding/<bond>.
 *
 * The text is an interface: scripts and the kernel selftests parse it, so
 * every line, space and newline follows the kernel's bond_procfs.c (verified against
 * Linux 6.1, newest layout). Order: header and master lines, the 802.3ad
 * block, then each slave with its 802.3ad lines after "Slave queue ID:".
 * The goldens of tests/golden/status/ hold the expected texts.
 *
 * Pure code: reads the model, writes into a strbuf, nothing else.
 */
#include "status_text.h"

#include <string.h>

/* %pI4: the address is kept in network byte order, so its bytes in memory
 * are already the dotted quad from left to right. */
static void put_ipv4(struct strbuf *out, uint32_t addr_be)
{
	uint8_t a[4];

	memcpy(a, &addr_be, sizeof(a));
	sb_printf(out, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/* %pI6c, the kernel's compressed IPv6 form. Written out rather than taken
 * from inet_ntop() because the two disagree on embedded IPv4: the kernel
 * uses a dotted tail for v4-mapped (::ffff:a.b.c.d) and ISATAP addresses
 * only, glibc also for v4-compatible (::a.b.c.d) and not for ISATAP. Both
 * compress the first longest run of zero words, never a single one. */
static void put_ipv6(struct strbuf *out, const uint8_t a[16])
{
	uint16_t w[8];
	bool v4mapped, isatap, v4tail;
	int range, best = -1, best_len = 0;
	bool needcolon = false;

	for (int i = 0; i < 8; i++)
		w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	v4mapped = w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0 &&
		   w[4] == 0 && w[5] == 0xffff;
	/* ISATAP interface id: 0000:5efe or 0200:5efe (the u/l bit ignored). */
	isatap = (w[4] | 0x0200) == 0x0200 && w[5] == 0x5efe;
	v4tail = v4mapped || isatap;
	range = v4tail ? 6 : 8;

	for (int i = 0; i < range; i++) {
		int j = i;

		while (j < range && w[j] == 0)
			j++;
		if (j - i > best_len) {
			best_len = j - i;
			best = i;
		}
	}
	if (best_len < 2)
		best = -1;

	for (int i = 0; i < range; i++) {
		if (i == best) {
			/* Either at the start or right after a printed word. */
			sb_puts(out, "::");
			needcolon = false;
			i += best_len - 1;
			continue;
		}
		if (needcolon)
			sb_puts(out, ":");
		sb_printf(out, "%x", w[i]);
		needcolon = true;
	}
	if (v4tail) {
		if (needcolon)
			sb_puts(out, ":");
		sb_printf(out, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
	}
}

/* The ARP/NS monitor block. Targets are printed each as " <addr>" joined by
 * ",", so the line ends right after the colon when there is none. The NS
 * line is printed even when empty (VERIFIED). */
static void text_arp(const struct bond_status *st, struct strbuf *out)
{
	sb_printf(out, "ARP Polling Interval (ms): %u\n", st->arp_interval);
	sb_printf(out, "ARP Missed Max: %u\n", st->missed_max);

	sb_puts(out, "ARP IP target/s (n.n.n.n form):");
	for (unsigned i = 0; i < st->n_arp_targets; i++) {
		sb_puts(out, i ? ", " : " ");
		put_ipv4(out, st->arp_targets[i]);
	}
	sb_puts(out, "\n");

	sb_puts(out, "NS IPv6 target/s (xx::xx form):");
	for (unsigned i = 0; i < st->n_ns_targets; i++) {
		sb_puts(out, i ? ", " : " ");
		put_ipv6(out, st->ns_targets[i]);
	}
	sb_puts(out, "\n");
}

/* Header and master section, up to (not including) the 802.3ad block. */
static void text_master(const struct bond_status *st, struct strbuf *out)
{
	/* The kernel's bond_version string ends in "\n" and is printed with
	 * "%s\n": hence the blank line. */
	sb_puts(out, "Ethernet Channel Bonding Driver: v" BONDD_KERNEL_COMPAT
		" (bondd " BONDD_VERSION ")\n\n");

	sb_printf(out, "Bonding Mode: %s", st->mode_proc_text);
	if (st->shows_fail_over_mac)
		sb_printf(out, " (fail_over_mac %s)", st->fail_over_mac);
	sb_puts(out, "\n");

	if (st->uses_xmit_hash)
		sb_printf(out, "Transmit Hash Policy: %s (%u)\n",
			  st->xmit_hash_policy, st->xmit_policy);

	if (st->uses_primary) {
		sb_printf(out, "Primary Slave: %s", st->primary[0] ? st->primary : "None");
		if (st->primary[0])
			sb_printf(out, " (primary_reselect %s)", st->primary_reselect);
		sb_printf(out, "\nCurrently Active Slave: %s\n",
			  st->active[0] ? st->active : "None");
	}

	sb_printf(out, "MII Status: %s\n", st->carrier ? "up" : "down");
	sb_printf(out, "MII Polling Interval (ms): %u\n", st->miimon);
	sb_printf(out, "Up Delay (ms): %u\n", st->updelay_ms);
	sb_printf(out, "Down Delay (ms): %u\n", st->downdelay_ms);
	sb_printf(out, "Peer Notification Delay (ms): %u\n", st->peer_notif_delay_ms);

	if (st->arp_interval > 0)
		text_arp(st, out);
}

/* "802.3ad info": the lines from "System priority:" on are for privileged
 * readers only. */
static void text_ad(const struct bond_status *st, bool privileged, struct strbuf *out)
{
	const struct status_ad *ad = &st->ad;
	char mac[18];

	sb_puts(out, "\n802.3ad info\n");
	sb_printf(out, "LACP active: %s\n", ad->lacp_active);
	sb_printf(out, "LACP rate: %s\n", ad->lacp_rate);
	sb_printf(out, "Min links: %u\n", ad->min_links);
	sb_printf(out, "Aggregator selection policy (ad_select): %s\n", ad->ad_select);
	if (!privileged)
		return;
	sb_printf(out, "System priority: %u\n", ad->sys_prio);
	sb_printf(out, "System MAC address: %s\n", mac_fmt(ad->system, mac));
	if (!ad->has_active_agg) {
		sb_printf(out, "bond %s has no active aggregator\n", st->name);
		return;
	}
	sb_puts(out, "Active Aggregator Info:\n");
	sb_printf(out, "\tAggregator ID: %u\n", ad->agg.id);
	sb_printf(out, "\tNumber of ports: %u\n", ad->agg.n_ports);
	sb_printf(out, "\tActor Key: %u\n", ad->agg.actor_key);
	sb_printf(out, "\tPartner Key: %u\n", ad->agg.partner_key);
	sb_printf(out, "\tPartner Mac Address: %s\n", mac_fmt(ad->agg.partner_mac, mac));
}

/* One slave section, up to and including "Slave queue ID:". */
static void text_slave(const struct status_slave *s, struct strbuf *out)
{
	char mac[18];

	sb_printf(out, "\nSlave Interface: %s\n", s->name);
	sb_printf(out, "MII Status: %s\n", status_link_text(s->link));
	if (s->speed < 0)
		sb_puts(out, "Speed: Unknown\n");
	else
		sb_printf(out, "Speed: %d Mbps\n", s->speed);
	/* Any known value other than half reads "full", as in the kernel. */
	if (s->duplex == DUPLEX_UNKNOWN)
		sb_puts(out, "Duplex: Unknown\n");
	else
		sb_printf(out, "Duplex: %s\n", s->duplex != DUPLEX_HALF ? "full" : "half");
	sb_printf(out, "Link Failure Count: %u\n", s->link_failure_count);
	sb_printf(out, "Permanent HW addr: %s\n", mac_fmt(s->perm_mac, mac));
	sb_printf(out, "Slave queue ID: %u\n", s->queue_id);
}

/* One side's "details ... lacp pdu" block (the kernel names the partner's
 * key "oper key"). */
static void text_pdu_details(const char *side, const char *key_label,
			     const struct status_lacp_info *i, struct strbuf *out)
{
	char mac[18];

	sb_printf(out, "details %s lacp pdu:\n", side);
	sb_printf(out, "    system priority: %u\n", i->sys_prio);
	sb_printf(out, "    system mac address: %s\n", mac_fmt(i->system, mac));
	sb_printf(out, "    %s: %u\n", key_label, i->key);
	sb_printf(out, "    port priority: %u\n", i->port_prio);
	sb_printf(out, "    port number: %u\n", i->port);
	sb_printf(out, "    port state: %u\n", i->state);
}

/* A port's 802.3ad lines; the actor/partner details for privileged
 * readers only. */
static void text_ad_port(const struct status_ad_port *p, bool privileged,
			 struct strbuf *out)
{
	if (!p->has_agg) {
		sb_puts(out, "Aggregator ID: N/A\n");
		return;
	}
	sb_printf(out, "Aggregator ID: %u\n", p->agg_id);
	sb_printf(out, "Actor Churn State: %s\n", p->actor_churn);
	sb_printf(out, "Partner Churn State: %s\n", p->partner_churn);
	sb_printf(out, "Actor Churned Count: %u\n", p->actor_churn_count);
	sb_printf(out, "Partner Churned Count: %u\n", p->partner_churn_count);
	if (!privileged)
		return;
	text_pdu_details("actor", "port key", &p->actor, out);
	text_pdu_details("partner", "oper key", &p->partner, out);
}

void status_text_render(const struct bond_status *st, bool privileged,
			struct strbuf *out)
{
	text_master(st, out);
	if (st->has_ad)
		text_ad(st, privileged, out);
	for (unsigned i = 0; i < st->n_slaves; i++) {
		text_slave(&st->slaves[i], out);
		if (st->has_ad)
			text_ad_port(&st->slaves[i].ad, privileged, out);
	}
}

void status_text(const struct bond *b, bool privileged, struct strbuf *out)
{
	struct bond_status st;

	status_fill(b, &st);
	status_text_render(&st, privileged, out);
	status_free(&st);
}
