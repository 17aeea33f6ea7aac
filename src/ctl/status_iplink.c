/* The bond and bond_slave details of `ip -d link show` (status_iplink.h).
 *
 * Which words appear follows the kernel (bond_fill_info and
 * bond_fill_slave_info put an attribute or not), their order and spelling
 * follow iproute2 6.1, which prints what it finds: active_slave and primary
 * only when set, the target lists only when not empty, the 802.3ad actor
 * settings and ad_info only in 802.3ad (the actor settings and the ports'
 * LACP states only for CAP_NET_ADMIN), ad_info only with an active
 * aggregator. */
#include "status_iplink.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* The option's value as the status model read it (sysfs form), or NULL. */
static const char *opt_text(const struct bond_status *st, const char *name)
{
	for (unsigned i = 0; i < st->n_opts; i++)
		if (!strcmp(st->opts[i].name, name))
			return status_opt_value(st, i);
	return NULL;
}

/* "name WORD " with the first word of the option's sysfs value ("layer2 0"
 * gives "layer2": iproute2 prints the name for enumerations, the number for
 * the rest, and sysfs puts the one iproute2 shows first). Nothing when the
 * option has no value (iproute2 prints only attributes it got). */
static void put_opt(struct strbuf *out, const struct bond_status *st,
		    const char *word, const char *name)
{
	const char *v = opt_text(st, name);
	size_t n;

	if (!v || !*v)
		return;
	n = strcspn(v, " ");
	sb_printf(out, "%s %.*s ", word, (int)n, v);
}

static void put_mac(struct strbuf *out, const char *word, const uint8_t m[6])
{
	sb_printf(out, "%s %02x:%02x:%02x:%02x:%02x:%02x ", word,
		  m[0], m[1], m[2], m[3], m[4], m[5]);
}

void status_iplink_bond(const struct bond_status *st, bool privileged,
			struct strbuf *out)
{
	char a[INET6_ADDRSTRLEN];
	bool lacp = st->has_ad;

	sb_printf(out, "mode %s ", st->mode_name);
	/* The kernel names the active slave only in the modes that have one. */
	if (st->uses_primary && st->active[0])
		sb_printf(out, "active_slave %s ", st->active);
	sb_printf(out, "miimon %u ", st->miimon);
	sb_printf(out, "updelay %u ", st->updelay_ms);
	sb_printf(out, "downdelay %u ", st->downdelay_ms);
	sb_printf(out, "peer_notify_delay %u ", st->peer_notif_delay_ms);
	put_opt(out, st, "use_carrier", "use_carrier");
	sb_printf(out, "arp_interval %u ", st->arp_interval);
	sb_printf(out, "arp_missed_max %u ", st->missed_max);
	if (st->n_arp_targets) {
		sb_puts(out, "arp_ip_target ");
		for (unsigned i = 0; i < st->n_arp_targets; i++) {
			if (!inet_ntop(AF_INET, &st->arp_targets[i], a, sizeof(a)))
				a[0] = '\0';
			sb_printf(out, "%s%s", i ? "," : "", a);
		}
		sb_puts(out, " ");
	}
	if (st->n_ns_targets) {
		sb_puts(out, "ns_ip6_target ");
		for (unsigned i = 0; i < st->n_ns_targets; i++) {
			if (!inet_ntop(AF_INET6, st->ns_targets[i], a, sizeof(a)))
				a[0] = '\0';
			sb_printf(out, "%s%s", i ? "," : "", a);
		}
		sb_puts(out, " ");
	}
	put_opt(out, st, "arp_validate", "arp_validate");
	put_opt(out, st, "arp_all_targets", "arp_all_targets");
	if (st->primary[0])
		sb_printf(out, "primary %s ", st->primary);
	put_opt(out, st, "primary_reselect", "primary_reselect");
	put_opt(out, st, "fail_over_mac", "fail_over_mac");
	put_opt(out, st, "xmit_hash_policy", "xmit_hash_policy");
	put_opt(out, st, "resend_igmp", "resend_igmp");
	put_opt(out, st, "num_grat_arp", "num_grat_arp");
	put_opt(out, st, "all_slaves_active", "all_slaves_active");
	put_opt(out, st, "min_links", "min_links");
	put_opt(out, st, "lp_interval", "lp_interval");
	put_opt(out, st, "packets_per_slave", "packets_per_slave");
	put_opt(out, st, "lacp_active", "lacp_active");
	put_opt(out, st, "lacp_rate", "lacp_rate");
	put_opt(out, st, "ad_select", "ad_select");
	if (lacp && st->ad.has_active_agg) {
		sb_printf(out, "ad_aggregator %u ", st->ad.agg.id);
		sb_printf(out, "ad_num_ports %u ", st->ad.agg.n_ports);
		sb_printf(out, "ad_actor_key %u ", st->ad.agg.actor_key);
		sb_printf(out, "ad_partner_key %u ", st->ad.agg.partner_key);
		put_mac(out, "ad_partner_mac", st->ad.agg.partner_mac);
	}
	if (lacp && privileged) {
		put_opt(out, st, "ad_actor_sys_prio", "ad_actor_sys_prio");
		put_opt(out, st, "ad_user_port_key", "ad_user_port_key");
		put_opt(out, st, "ad_actor_system", "ad_actor_system");
	}
	put_opt(out, st, "tlb_dynamic_lb", "tlb_dynamic_lb");
}

/* "WORD N  <active,short_timeout,...> ": the LACP state bits in iproute2's
 * words and order (bit 0 first); the two spaces are iproute2's (the number
 * ends with one and the list starts with " <"). */
static void put_port_state(struct strbuf *out, const char *word, uint8_t state)
{
	static const char *const bits[8] = {
		"active", "short_timeout", "aggregating", "in_sync",
		"collecting", "distributing", "defaulted", "expired",
	};
	unsigned left = state;

	sb_printf(out, "%s %u  <", word, state);
	for (unsigned b = 0; b < 8; b++) {
		if (!(left & (1u << b)))
			continue;
		left &= ~(1u << b);
		sb_printf(out, "%s%s", bits[b], left ? "," : "");
	}
	sb_puts(out, "> ");
}

void status_iplink_slave(const struct bond_status *st, unsigned i, bool privileged,
			 struct strbuf *out)
{
	static const char *const mii[] = {
		[SLAVE_LINK_UP] = "UP", [SLAVE_LINK_FAIL] = "GOING_DOWN",
		[SLAVE_LINK_DOWN] = "DOWN", [SLAVE_LINK_BACK] = "GOING_BACK",
	};
	const struct status_slave *s = &st->slaves[i];

	sb_printf(out, "state %s ", s->backup ? "BACKUP" : "ACTIVE");
	if ((unsigned)s->link < ARRAY_SIZE(mii))
		sb_printf(out, "mii_status %s ", mii[s->link]);
	else
		sb_printf(out, "mii_status %d ", (int)s->link);
	sb_printf(out, "link_failure_count %u ", s->link_failure_count);
	put_mac(out, "perm_hwaddr", s->perm_mac);
	sb_printf(out, "queue_id %u ", s->queue_id);
	sb_printf(out, "prio %d ", s->prio);
	if (st->has_ad && s->ad.has_agg) {
		sb_printf(out, "ad_aggregator_id %u ", s->ad.agg_id);
		if (privileged) {
			put_port_state(out, "ad_actor_oper_port_state", s->ad.actor.state);
			put_port_state(out, "ad_partner_oper_port_state", s->ad.partner.state);
		}
	}
}
