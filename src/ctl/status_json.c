/* Renders a bond's status model as one JSON object (`bondctl show -j`).
 *
 * Keys are an interface like the /proc text: scripts read them, so a key
 * once shown keeps its name, place and value format; new facts come as new
 * keys. The mode's sections ("ad", "alb") follow the generic keys, at the
 * bond and in each slave. The goldens of tests/golden/status/ hold the
 * expected objects.
 *
 * Pure code: reads the model, writes into a strbuf, nothing else.
 */
#include "status_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_backend.h"

static const char *bool_text(bool v)
{
	return v ? "true" : "false";
}

/* A name of the model: "" means none and is shown as null. */
/* ,"key":"aa:bb:cc:dd:ee:ff" */
static void json_mac(struct strbuf *out, const char *key, const uint8_t m[6])
{
	char mac[18];

	sb_printf(out, ",\"%s\":\"%s\"", key, mac_fmt(m, mac));
}

/* Whether s is a whole decimal number (an optional '-', then digits). */
static bool is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The words of a list option's sysfs text, as a JSON array. */
static void json_words(struct strbuf *out, const char *text)
{
	char word[128];
	bool first = true;

	sb_puts(out, "[");
	while (*text) {
		size_t n = strcspn(text, " ");

		if (n) {
			snprintf(word, sizeof(word), "%.*s", (int)n, text);
			sb_puts(out, first ? "" : ",");
			sb_json_str(out, word);
			first = false;
		}
		text += n;
		text += strspn(text, " ");
	}
	sb_puts(out, "]");
}

/* One option's sysfs text as a typed JSON value: a number as a number,
 * "name N" (a named value) as {"name":..,"number":N}, a list as an array
 * (queue_id as {"slave": id}), "" (nothing set, or not in this mode) as
 * null, an interface name or a MAC as a string. */
static void json_option_value(struct strbuf *out, enum opt_type type, const char *text)
{
	const char *sp = strrchr(text, ' ');
	char name[64];

	switch (type) {
	case OPT_T_IPV4_LIST:
	case OPT_T_IPV6_LIST:
	case OPT_T_SLAVES:
		json_words(out, text);
		return;
	case OPT_T_SLAVE_QID:
		sb_puts(out, "{");
		for (bool first = true; *text; first = false) {
			size_t n = strcspn(text, " ");
			/* "eth0:3 eth1:0" (an interface name has no ':') */
			const char *colon = memchr(text, ':', n);

			snprintf(name, sizeof(name), "%.*s", colon ? (int)(colon - text) : (int)n, text);
			sb_puts(out, first ? "" : ",");
			sb_json_str(out, name);
			sb_printf(out, ":%ld", colon ? strtol(colon + 1, NULL, 10) : 0L);
			text += n;
			text += strspn(text, " ");
		}
		sb_puts(out, "}");
		return;
	case OPT_T_IFNAME:
	case OPT_T_MAC:
		sb_json_str_or_null(out, text);
		return;
	default:
		break;
	}
	if (!*text) {
		sb_puts(out, "null");
	} else if (is_number(text)) {
		sb_puts(out, text);
	} else if (sp && is_number(sp + 1) && (size_t)(sp - text) < sizeof(name)) {
		snprintf(name, sizeof(name), "%.*s", (int)(sp - text), text);
		sb_puts(out, "{\"name\":");
		sb_json_str(out, name);
		sb_printf(out, ",\"number\":%s}", sp + 1);
	} else {
		sb_json_str(out, text);
	}
}

void status_json_opt(struct strbuf *out, const char *name, const char *text)
{
	const struct opt_desc *d = opt_find(name);

	if (d && status_opt_on_off(d) && (!strcmp(text, "0") || !strcmp(text, "1")))
		sb_puts(out, bool_text(text[0] == '1'));
	else
		json_option_value(out, d ? d->type : OPT_T_UINT, text);
}

/* Every bond option by kernel name, typed (json_option_value; an on/off
 * option as a boolean). */
static void json_options(const struct bond_status *st, struct strbuf *out)
{
	sb_puts(out, "{");
	for (unsigned i = 0; i < st->n_opts; i++) {
		const char *v = status_opt_value(st, i);

		if (i)
			sb_puts(out, ",");
		sb_json_str(out, st->opts[i].name);
		sb_puts(out, ":");
		if (st->opts[i].on_off && (!strcmp(v, "0") || !strcmp(v, "1")))
			sb_puts(out, bool_text(v[0] == '1'));
		else
			json_option_value(out, st->opts[i].type, v);
	}
	sb_puts(out, "}");
}

/* One side of a port's LACPDU; the partner's key is its oper key. */
static void json_lacp_info(const struct status_lacp_info *in, const char *key_name,
			   struct strbuf *out)
{
	sb_printf(out, "{\"system_priority\":%u", in->sys_prio);
	json_mac(out, "system_mac", in->system);
	sb_printf(out, ",\"%s\":%u", key_name, in->key);
	sb_printf(out, ",\"port_priority\":%u", in->port_prio);
	sb_printf(out, ",\"port_number\":%u", in->port);
	sb_printf(out, ",\"port_state\":%u}", in->state);
}

/* ,"lacp_counters":{...}: the port's slow-protocol frames. */
static void json_lacp_counters(const struct status_ad_port *p, struct strbuf *out)
{
	sb_printf(out, ",\"lacp_counters\":{\"lacpdu_rx\":%llu,\"lacpdu_tx\":%llu,"
		  "\"lacpdu_malformed_rx\":%llu,\"lacpdu_unknown_rx\":%llu,"
		  "\"marker_rx\":%llu,\"marker_tx\":%llu,\"marker_response_rx\":%llu,"
		  "\"marker_response_tx\":%llu}",
		  (unsigned long long)p->lacpdu_rx, (unsigned long long)p->lacpdu_tx,
		  (unsigned long long)p->lacpdu_illegal_rx,
		  (unsigned long long)p->lacpdu_unknown_rx,
		  (unsigned long long)p->marker_rx, (unsigned long long)p->marker_tx,
		  (unsigned long long)p->marker_resp_rx, (unsigned long long)p->marker_resp_tx);
}

static void json_ad_port(const struct status_ad_port *p, struct strbuf *out)
{
	sb_puts(out, ",\"ad\":{\"aggregator_id\":");
	if (p->has_agg)
		sb_printf(out, "%u", p->agg_id);
	else
		sb_puts(out, "null");
	sb_puts(out, ",\"actor_churn_state\":");
	sb_json_str(out, p->actor_churn);
	sb_puts(out, ",\"partner_churn_state\":");
	sb_json_str(out, p->partner_churn);
	sb_printf(out, ",\"actor_churned_count\":%u", p->actor_churn_count);
	sb_printf(out, ",\"partner_churned_count\":%u", p->partner_churn_count);
	sb_puts(out, ",\"actor\":");
	json_lacp_info(&p->actor, "port_key", out);
	sb_puts(out, ",\"partner\":");
	json_lacp_info(&p->partner, "oper_key", out);
	json_lacp_counters(p, out);
	/* The slave's read-only sysfs attributes (bond_sysfs_slave.c): null
	 * where the file says "N/A" (no aggregator). */
	if (p->has_agg)
		sb_printf(out, ",\"ad_actor_oper_port_state\":%u,"
			  "\"ad_partner_oper_port_state\":%u}", p->actor.state,
			  p->partner.state);
	else
		sb_puts(out, ",\"ad_actor_oper_port_state\":null,"
			"\"ad_partner_oper_port_state\":null}");
}

static void json_alb_slave(const struct status_alb_slave *a, struct strbuf *out)
{
	sb_printf(out, ",\"alb\":{\"tlb_load\":%u,\"tx_buckets\":%u,\"rlb_clients\":%u}",
		  a->tlb_load, a->tx_buckets, a->rlb_clients);
}

static void json_slave(const struct bond_status *st, const struct status_slave *s,
		       struct strbuf *out)
{
	sb_puts(out, "{\"name\":");
	sb_json_str(out, s->name);
	sb_puts(out, ",\"mii_status\":");
	sb_json_str(out, status_link_text(s->link));
	sb_printf(out, ",\"state\":\"%s\"", s->backup ? "backup" : "active");
	sb_printf(out, ",\"link_failure_count\":%u", s->link_failure_count);
	if (s->speed < 0)
		sb_puts(out, ",\"speed\":null");
	else
		sb_printf(out, ",\"speed\":%d", s->speed);
	sb_printf(out, ",\"duplex\":\"%s\"",
		  s->duplex == DUPLEX_UNKNOWN ? "unknown" :
		  s->duplex != DUPLEX_HALF ? "full" : "half");
	json_mac(out, "perm_hwaddr", s->perm_mac);
	json_mac(out, "mac", s->cur_mac);
	sb_printf(out, ",\"queue_id\":%u", s->queue_id);
	sb_printf(out, ",\"prio\":%d", s->prio);
	sb_printf(out, ",\"tx_packets\":%llu", (unsigned long long)s->stats.tx_packets);
	sb_printf(out, ",\"rx_packets\":%llu", (unsigned long long)s->stats.rx_packets);
	sb_printf(out, ",\"tx_bytes\":%llu", (unsigned long long)s->stats.tx_bytes);
	sb_printf(out, ",\"rx_bytes\":%llu", (unsigned long long)s->stats.rx_bytes);
	sb_printf(out, ",\"tx_while_down\":%llu", (unsigned long long)s->stats.tx_while_down);
	sb_printf(out, ",\"rx_dropped\":%llu", (unsigned long long)s->stats.rx_dropped);
	sb_printf(out, ",\"tx_dropped\":%llu", (unsigned long long)s->stats.tx_dropped);
	/* How long the link has been in its state: null when the reader's
	 * clock is unknown. */
	if (st->now_ms && st->now_ms >= s->link_since_ms)
		sb_printf(out, ",\"link_state_ms\":%llu",
			  (unsigned long long)(st->now_ms - s->link_since_ms));
	else
		sb_puts(out, ",\"link_state_ms\":null");
	if (st->has_ad)
		json_ad_port(&s->ad, out);
	if (st->has_alb)
		json_alb_slave(&s->alb, out);
	sb_puts(out, "}");
}

/* The "802.3ad info" and "Active Aggregator Info" facts. */
static void json_ad(const struct status_ad *ad, struct strbuf *out)
{
	sb_puts(out, ",\"ad\":{\"lacp_active\":");
	sb_json_str(out, ad->lacp_active);
	sb_puts(out, ",\"lacp_rate\":");
	sb_json_str(out, ad->lacp_rate);
	sb_printf(out, ",\"min_links\":%u", ad->min_links);
	sb_puts(out, ",\"ad_select\":");
	sb_json_str(out, ad->ad_select);
	sb_printf(out, ",\"system_priority\":%u", ad->sys_prio);
	json_mac(out, "system_mac", ad->system);
	/* The bond's read-only sysfs attributes (bond_sysfs.c): 0 / -1 /
	 * null without an active aggregator, as the files read. */
	if (ad->has_active_agg) {
		sb_printf(out, ",\"ad_aggregator\":%u,\"ad_num_ports\":%u,\"ad_actor_key\":%u,"
			  "\"ad_partner_key\":%u", ad->agg.id, ad->agg.n_ports,
			  ad->agg.actor_key, ad->agg.partner_key);
		json_mac(out, "ad_partner_mac", ad->agg.partner_mac);
	} else {
		sb_puts(out, ",\"ad_aggregator\":0,\"ad_num_ports\":0,\"ad_actor_key\":-1,"
			"\"ad_partner_key\":-1,\"ad_partner_mac\":null");
	}
	sb_puts(out, ",\"active_aggregator\":");
	if (!ad->has_active_agg) {
		sb_puts(out, "null}");
		return;
	}
	sb_printf(out, "{\"id\":%u,\"number_of_ports\":%u,\"actor_key\":%u,"
		  "\"partner_key\":%u", ad->agg.id, ad->agg.n_ports,
		  ad->agg.actor_key, ad->agg.partner_key);
	json_mac(out, "partner_mac", ad->agg.partner_mac);
	sb_puts(out, "}}");
}

static void json_alb(const struct status_alb *a, struct strbuf *out)
{
	sb_printf(out, ",\"alb\":{\"rlb\":%s,\"open\":%s,\"rlb_clients\":%u}",
		  bool_text(a->rlb), bool_text(a->open), a->rlb_clients);
}

void status_json_render(const struct bond_status *st, struct strbuf *out)
{
	sb_puts(out, "{\"name\":");
	sb_json_str(out, st->name);
	sb_puts(out, ",\"mode\":{\"name\":");
	sb_json_str(out, st->mode_name);
	sb_printf(out, ",\"number\":%u}", st->mode_number);
	sb_printf(out, ",\"mii_status\":\"%s\"", st->carrier ? "up" : "down");
	sb_printf(out, ",\"carrier\":%s", bool_text(st->carrier));
	/* Same facts as the text: the active slave and the primary in effect
	 * (an enslaved one). */
	sb_puts(out, ",\"active_slave\":");
	sb_json_str_or_null(out, st->active);
	sb_puts(out, ",\"primary\":");
	sb_json_str_or_null(out, st->primary);
	/* null when the mode does not hash, as the text omits the line. */
	sb_puts(out, ",\"xmit_hash_policy\":");
	sb_json_str_or_null(out, st->uses_xmit_hash ? st->xmit_hash_policy : NULL);
	sb_puts(out, ",\"options\":");
	json_options(st, out);
	sb_puts(out, ",\"slaves\":[");
	for (unsigned i = 0; i < st->n_slaves; i++) {
		if (i)
			sb_puts(out, ",");
		json_slave(st, &st->slaves[i], out);
	}
	sb_puts(out, "]");
	if (st->has_ad)
		json_ad(&st->ad, out);
	if (st->has_alb)
		json_alb(&st->alb, out);
	sb_puts(out, "}");
	if (st->oom)
		out->oom = true;
}

void status_json(const struct bond *b, struct strbuf *out)
{
	status_json_io(b, NULL, out);
}

void status_json_io(const struct bond *b, const struct ctl_bond_io *io, struct strbuf *out)
{
	struct bond_status st;

	status_fill(b, &st);
	st.now_ms = io ? io->now_ms : 0;
	status_json_render(&st, out);
	status_free(&st);
	if (!io || !io->datapath || !out->len || out->buf[out->len - 1] != '}')
		return;
	/* The data path goes inside the bond's object, after the rest. */
	out->len--;
	sb_puts(out, ",\"datapath\":{\"name\":");
	sb_json_str(out, io->datapath);
	sb_printf(out, ",\"map_updates\":%llu,\"last_update_us\":%u,\"max_update_us\":%u}",
		  (unsigned long long)io->map_updates, io->last_update_us, io->max_update_us);
	if (io->carrier_events) {
		sb_puts(out, ",\"carrier_events\":");
		sb_json_str(out, io->carrier_events);
	}
	if (!strcmp(io->datapath, "ebpf"))
		sb_printf(out, ",\"carrier_hints\":{\"on\":%s,\"received\":%llu,\"acted\":%llu}",
			  io->carrier_hints ? "true" : "false",
			  (unsigned long long)io->hints_received, (unsigned long long)io->hints_acted);
	sb_printf(out, ",\"failover\":{\"count\":%llu,\"last_us\":%u,\"max_us\":%u,\"histogram_us\":{",
		  (unsigned long long)io->failover.count, io->failover.last_us,
		  io->failover.max_us);
	for (unsigned i = 0; i < CTL_FAILOVER_BUCKETS - 1; i++)
		sb_printf(out, "\"%u\":%llu,", 16u << i,
			  (unsigned long long)io->failover.hist[i]);
	sb_printf(out, "\"more\":%llu}",
		  (unsigned long long)io->failover.hist[CTL_FAILOVER_BUCKETS - 1]);
	sb_puts(out, ",\"recent\":");
	status_json_failovers(&io->failover, out);
	sb_puts(out, "}}");
}

void status_json_time(uint64_t wall_us, struct strbuf *out)
{
	time_t secs = (time_t)(wall_us / 1000000u);
	char stamp[40];
	struct tm tm;

	if (!gmtime_r(&secs, &tm) ||
	    !strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm)) {
		sb_puts(out, "null");
		return;
	}
	sb_printf(out, "\"%s.%06uZ\"", stamp, (unsigned)(wall_us % 1000000u));
}

void status_json_failovers(const struct ctl_failover *f, struct strbuf *out)
{
	unsigned n = f->n_last < CTL_FAILOVER_LAST ? f->n_last : CTL_FAILOVER_LAST;

	sb_puts(out, "[");
	for (unsigned k = 0; k < n; k++) {
		/* oldest first */
		const struct ctl_failover_rec *r =
			&f->last[(f->next_last + CTL_FAILOVER_LAST - n + k) % CTL_FAILOVER_LAST];

		sb_puts(out, k ? ",{\"time\":" : "{\"time\":");
		status_json_time(r->wall_us, out);
		sb_puts(out, ",\"from\":");
		sb_json_str_or_null(out, r->from);
		sb_puts(out, ",\"to\":");
		sb_json_str_or_null(out, r->to);
		sb_puts(out, ",\"reason\":");
		sb_json_str(out, r->reason);
		if (r->us == CTL_FO_US_NONE)
			sb_puts(out, ",\"latency_us\":null}");
		else
			sb_printf(out, ",\"latency_us\":%u}", r->us);
	}
	sb_puts(out, "]");
}
