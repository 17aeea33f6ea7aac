/* TRANSITIONAL: the old printers, kept running beside the new ones until
 * the printers of src/ctl match them on every golden case. */
/* Bond status: the text of the kernel's /proc/net/bonding/<bond> and the same
 * facts as JSON.
 *
 * The text is an interface: scripts and the kernel selftests parse it, so
 * every line, space and newline follows SPEC.md section 3 (verified against
 * Linux 6.1, newest layout). The master part and the per-slave part are
 * separate functions because 802.3ad adds its own lines at two places: after
 * the shared master lines and after each slave's "Slave queue ID:" line.
 *
 * Pure code: reads the bond, writes into a strbuf, nothing else.
 */
#include "status.h"

#include <stdio.h>
#include <string.h>

#include "mode.h"
#include "opt.h"

#ifndef BONDD_VERSION
#define BONDD_VERSION "0.0.0"
#endif

/* An option value's name from the option table. The bond never holds a
 * value the table lacks, but a status read must not crash if it ever did. */
static const char *value_name(enum opt_id id, uint64_t v)
{
	const char *n = opt_value_name(id, v);

	return n ? n : "unknown";
}

static const char *link_text(enum slave_link l)
{
	switch (l) {
	case SLAVE_LINK_UP:
		return "up";
	case SLAVE_LINK_FAIL:
		return "going down";
	case SLAVE_LINK_DOWN:
		return "down";
	case SLAVE_LINK_BACK:
		return "going back";
	}
	return "unknown";
}

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

static bool ipv6_is_any(const uint8_t a[16])
{
	for (int i = 0; i < 16; i++)
		if (a[i])
			return false;
	return true;
}

/* The ARP/NS monitor block. Targets are printed each as " <addr>" joined by
 * ",", so the line ends right after the colon when there is none. The NS
 * line is printed even when empty (VERIFIED). A zero entry ends the list, as
 * in the kernel, though the setters keep the arrays compact anyway. */
static void proc_arp(const struct bond *b, struct strbuf *out)
{
	const struct bond_params *p = &b->params;

	sb_printf(out, "ARP Polling Interval (ms): %u\n", p->arp_interval);
	sb_printf(out, "ARP Missed Max: %u\n", p->missed_max);

	sb_puts(out, "ARP IP target/s (n.n.n.n form):");
	for (unsigned i = 0; i < p->n_arp_targets && i < BOND_MAX_ARP_TARGETS; i++) {
		if (p->arp_targets[i] == 0)
			break;
		sb_puts(out, i ? ", " : " ");
		put_ipv4(out, p->arp_targets[i]);
	}
	sb_puts(out, "\n");

	sb_puts(out, "NS IPv6 target/s (xx::xx form):");
	for (unsigned i = 0; i < p->n_ns_targets && i < BOND_MAX_ARP_TARGETS; i++) {
		if (ipv6_is_any(p->ns_targets[i]))
			break;
		sb_puts(out, i ? ", " : " ");
		put_ipv6(out, p->ns_targets[i]);
	}
	sb_puts(out, "\n");
}

/* Header and master section, up to (not including) the 802.3ad block. */
static void proc_master(const struct bond *b, struct strbuf *out)
{
	const struct bond_params *p = &b->params;
	uint32_t mode = b->mode->number;

	/* The kernel's bond_version string ends in "\n" and is printed with
	 * "%s\n": hence the blank line. */
	sb_puts(out, "Ethernet Channel Bonding Driver: v" BONDD_KERNEL_COMPAT
		" (bondd " BONDD_VERSION ")\n\n");

	sb_printf(out, "Bonding Mode: %s", b->mode->proc_text);
	if (mode == BOND_MODE_ACTIVEBACKUP && p->fail_over_mac != FOM_NONE)
		sb_printf(out, " (fail_over_mac %s)",
			  value_name(OPT_FAIL_OVER_MAC, p->fail_over_mac));
	sb_puts(out, "\n");

	if (bond_mode_uses_xmit_hash(b))
		sb_printf(out, "Transmit Hash Policy: %s (%u)\n",
			  value_name(OPT_XMIT_HASH_POLICY, p->xmit_policy),
			  p->xmit_policy);

	if (bond_mode_uses_primary(mode)) {
		/* The primary in effect: a configured name counts only once it
		 * is enslaved (the kernel prints its primary_slave pointer). */
		const struct slave *prim = bond_primary_slave(b);

		sb_printf(out, "Primary Slave: %s", prim ? prim->name : "None");
		if (prim)
			sb_printf(out, " (primary_reselect %s)",
				  value_name(OPT_PRIMARY_RESELECT,
					     p->primary_reselect));
		sb_printf(out, "\nCurrently Active Slave: %s\n",
			  b->active ? b->active->name : "None");
	}

	sb_printf(out, "MII Status: %s\n", b->carrier ? "up" : "down");
	sb_printf(out, "MII Polling Interval (ms): %u\n", p->miimon);
	sb_printf(out, "Up Delay (ms): %u\n", bond_updelay_ms(b));
	sb_printf(out, "Down Delay (ms): %u\n", bond_downdelay_ms(b));
	sb_printf(out, "Peer Notification Delay (ms): %u\n",
		  bond_peer_notif_delay_ms(b));

	if (p->arp_interval > 0)
		proc_arp(b, out);
}

/* One slave section, up to and including "Slave queue ID:". */
static void proc_slave(const struct slave *s, struct strbuf *out)
{
	char mac[18];

	sb_printf(out, "\nSlave Interface: %s\n", s->name);
	sb_printf(out, "MII Status: %s\n", link_text(s->link));
	if (s->speed < 0)
		sb_puts(out, "Speed: Unknown\n");
	else
		sb_printf(out, "Speed: %d Mbps\n", s->speed);
	/* Any known value other than half reads "full", as in the kernel. */
	if (s->duplex == DUPLEX_UNKNOWN)
		sb_puts(out, "Duplex: Unknown\n");
	else
		sb_printf(out, "Duplex: %s\n",
			  s->duplex != DUPLEX_HALF ? "full" : "half");
	sb_printf(out, "Link Failure Count: %u\n", s->link_failure_count);
	sb_printf(out, "Permanent HW addr: %s\n", mac_fmt(s->perm_mac, mac));
	sb_printf(out, "Slave queue ID: %u\n", s->queue_id);
}

/* Where 802.3ad adds its lines: s == NULL after the master section (the
 * "\n802.3ad info\n" block), else after the slave's "Slave queue ID:" line
 * ("Aggregator ID: ..." and the LACP details). privileged gates the lines the
 * kernel shows to CAP_NET_ADMIN readers only.
 */
static void proc_mode_hook(const struct bond *b, bool privileged,
			   struct strbuf *out, const struct slave *s)
{
	if (b->mode->status)
		b->mode->status(b, privileged, out, s);
}

void status_proc(const struct bond *b, bool privileged, struct strbuf *out)
{
	proc_master(b, out);
	proc_mode_hook(b, privileged, out, NULL);
	for (unsigned i = 0; i < b->n_slaves; i++) {
		proc_slave(b->slaves[i], out);
		proc_mode_hook(b, privileged, out, b->slaves[i]);
	}
}

/* ---- JSON ---------------------------------------------------------------- */

static void json_str_or_null(struct strbuf *out, const char *s)
{
	if (s)
		sb_json_str(out, s);
	else
		sb_puts(out, "null");
}

/* Every bond option the option table can read back, by kernel name, with
 * the sysfs text as a string: one source of truth for names and formats.
 * Per-slave options live in each slave's object instead. */
static void json_options(const struct bond *b, struct strbuf *out)
{
	struct strbuf val;
	struct err err;
	bool first = true;

	sb_init(&val);
	sb_puts(out, "{");
	for (unsigned i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *d = &opt_table[i];

		if (!d->name || (d->flags & OPT_PER_SLAVE))
			continue;
		sb_reset(&val);
		err_clear(&err);
		if (opt_get(b, d->name, &val, &err) != 0 || val.oom)
			continue;
		if (!first)
			sb_puts(out, ",");
		first = false;
		sb_json_str(out, d->name);
		sb_puts(out, ":");
		sb_json_str(out, sb_str(&val));
	}
	sb_puts(out, "}");
	if (val.oom)
		out->oom = true;
	sb_free(&val);
}

static void json_slave(const struct slave *s, struct strbuf *out)
{
	char mac[18];

	sb_puts(out, "{\"name\":");
	sb_json_str(out, s->name);
	sb_puts(out, ",\"mii_status\":");
	sb_json_str(out, link_text(s->link));
	sb_printf(out, ",\"state\":\"%s\"", s->backup ? "backup" : "active");
	sb_printf(out, ",\"link_failure_count\":%u", s->link_failure_count);
	if (s->speed < 0)
		sb_puts(out, ",\"speed\":null");
	else
		sb_printf(out, ",\"speed\":%d", s->speed);
	sb_printf(out, ",\"duplex\":\"%s\"",
		  s->duplex == DUPLEX_UNKNOWN ? "unknown" :
		  s->duplex != DUPLEX_HALF ? "full" : "half");
	sb_printf(out, ",\"perm_hwaddr\":\"%s\"", mac_fmt(s->perm_mac, mac));
	sb_printf(out, ",\"mac\":\"%s\"", mac_fmt(s->cur_mac, mac));
	sb_printf(out, ",\"queue_id\":%u", s->queue_id);
	sb_printf(out, ",\"prio\":%d", s->prio);
	sb_printf(out, ",\"tx_packets\":%llu",
		  (unsigned long long)s->stats.tx_packets);
	sb_printf(out, ",\"rx_packets\":%llu",
		  (unsigned long long)s->stats.rx_packets);
	sb_printf(out, ",\"tx_bytes\":%llu",
		  (unsigned long long)s->stats.tx_bytes);
	sb_printf(out, ",\"rx_bytes\":%llu",
		  (unsigned long long)s->stats.rx_bytes);
	sb_puts(out, "}");
}

void status_json(const struct bond *b, struct strbuf *out)
{
	const struct slave *prim = bond_primary_slave(b);

	sb_puts(out, "{\"name\":");
	sb_json_str(out, b->name);
	sb_puts(out, ",\"mode\":{\"name\":");
	sb_json_str(out, b->mode->name);
	sb_printf(out, ",\"number\":%u}", b->mode->number);
	sb_printf(out, ",\"mii_status\":\"%s\"", b->carrier ? "up" : "down");
	sb_printf(out, ",\"carrier\":%s", b->carrier ? "true" : "false");
	/* Same facts as the text: the active slave and the primary in effect
	 * (an enslaved one); options.primary keeps the configured name. */
	sb_puts(out, ",\"active_slave\":");
	json_str_or_null(out, b->active ? b->active->name : NULL);
	sb_puts(out, ",\"primary\":");
	json_str_or_null(out, prim ? prim->name : NULL);
	/* null when the mode does not hash, as the text omits the line. */
	sb_puts(out, ",\"xmit_hash_policy\":");
	json_str_or_null(out, bond_mode_uses_xmit_hash(b) ?
			 value_name(OPT_XMIT_HASH_POLICY, b->params.xmit_policy) :
			 NULL);
	sb_puts(out, ",\"options\":");
	json_options(b, out);
	sb_puts(out, ",\"slaves\":[");
	for (unsigned i = 0; i < b->n_slaves; i++) {
		if (i)
			sb_puts(out, ",");
		json_slave(b->slaves[i], out);
	}
	sb_puts(out, "]}");
}
