/* `bondctl lacp explain BOND` and `bondctl lacp log BOND IF`: why the
 * ports of an 802.3ad bond aggregate or not, in words (or JSON), and the
 * last LACPDUs of a port with the state changes they caused.
 *
 * The facts come from the core (status.h: lacp_explain, lacp_port_log);
 * here they become sentences. Times are shown relative to the engine clock
 * of the backend ("12.3 s ago"). Read only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/actions.h"
#include "core/bond.h"
#include "core/status.h"
#include "ctl_backend.h"
#include "ctl_cmd_impl.h"
#include "ctl_proto.h"

/* The LACP state bits (802.1AX 6.4.2.3) by name, lowest bit first. */
static const char *const state_bits[8] = {
	"active", "short_timeout", "aggregatable", "in_sync", "collecting",
	"distributing", "defaulted", "expired",
};

static const char *const why_codes[] = {
	[LACP_WHY_BOND_DOWN] = "bond_down",
	[LACP_WHY_LINK_DOWN] = "link_down",
	[LACP_WHY_HALF_DUPLEX] = "not_full_duplex",
	[LACP_WHY_NO_LACPDU] = "no_lacpdu",
	[LACP_WHY_BOTH_PASSIVE] = "both_passive",
	[LACP_WHY_EXPIRED] = "expired",
	[LACP_WHY_DEFAULTED] = "defaulted",
	[LACP_WHY_INDIVIDUAL] = "individual",
	[LACP_WHY_SPEED_DIFFERS] = "speed_duplex_differs",
	[LACP_WHY_KEY_DIFFERS] = "key_differs",
	[LACP_WHY_PARTNER_DIFFERS] = "partner_differs",
	[LACP_WHY_PARTNER_NOT_SYNC] = "partner_not_in_sync",
	[LACP_WHY_CHURN] = "churn",
	[LACP_WHY_SELECTING] = "selecting",
	[LACP_WHY_WAITING] = "waiting",
	[LACP_WHY_NO_AGGREGATOR] = "no_aggregator",
	[LACP_WHY_NOT_SELECTED] = "not_selected",
	[LACP_WHY_MIN_LINKS] = "min_links",
	[LACP_WHY_STRICT] = "lacp_strict",
	[LACP_WHY_FALLBACK] = "individual_fallback",
	[LACP_WHY_NEGOTIATING] = "negotiating",
};

/* "12.3 s", "250 ms", "2 min 5 s" */
static void put_dur(struct strbuf *o, uint64_t ms)
{
	if (ms < 1000)
		sb_printf(o, "%llu ms", (unsigned long long)ms);
	else if (ms < 120000)
		sb_printf(o, "%llu.%llu s", (unsigned long long)(ms / 1000),
			  (unsigned long long)(ms % 1000 / 100));
	else
		sb_printf(o, "%llu min %llu s", (unsigned long long)(ms / 60000),
			  (unsigned long long)(ms % 60000 / 1000));
}

/* A port key in words: bits 6-15 ad_user_port_key, 1-5 speed, 0 duplex
 * (the kernel's __get_agg_key layout). */
static void put_key(struct strbuf *o, uint32_t key)
{
	static const char *const speeds[] = {
		"speed unknown", "1 Mb/s", "10 Mb/s", "100 Mb/s", "1 Gb/s", "2.5 Gb/s",
		"5 Gb/s", "10 Gb/s", "14 Gb/s", "20 Gb/s", "25 Gb/s", "40 Gb/s",
		"50 Gb/s", "56 Gb/s", "100 Gb/s", "200 Gb/s", "400 Gb/s", "800 Gb/s",
		"1.6 Tb/s",
	};
	unsigned code = (key >> 1) & 0x1f;

	sb_printf(o, "%u (%s %s, ad_user_port_key %u)", key,
		  code < ARRAY_SIZE(speeds) ? speeds[code] : "speed ?",
		  key & 1 ? "full duplex" : "half duplex", key >> 6);
}

static void put_system(struct strbuf *o, uint16_t prio, const uint8_t mac[6])
{
	char m[18];

	sb_printf(o, "%u,%s", prio, mac_fmt(mac, m));
}

static void reason_text(struct strbuf *o, const struct status_lacp_reason *r,
			const struct status_lacp_explain *x, const struct status_lacp_port *p)
{
	switch (r->why) {
	case LACP_WHY_NEGOTIATING:
		sb_printf(o, "negotiating: receive machine %s, mux %s", p->rx_state,
			  p->mux_state);
		break;
	case LACP_WHY_BOND_DOWN:
		sb_puts(o, "the bond is administratively down: LACP does not run");
		break;
	case LACP_WHY_LINK_DOWN:
		sb_puts(o, "link down");
		break;
	case LACP_WHY_HALF_DUPLEX:
		sb_puts(o, "not full duplex (or speed/duplex unknown): LACP runs only on full-duplex ports");
		break;
	case LACP_WHY_NO_LACPDU:
		if (r->heard) {
			sb_puts(o, "no LACPDU heard for ");
			put_dur(o, r->ms);
		} else {
			sb_puts(o, "no LACPDU heard in the ");
			put_dur(o, r->ms);
			sb_puts(o, " since the port came up: the partner does not run LACP (or is passive)");
		}
		break;
	case LACP_WHY_BOTH_PASSIVE:
		if (r->partner)
			sb_puts(o, "both sides passive: lacp_active is off here and the partner's LACPDUs say passive; one side must be active");
		else
			sb_puts(o, "lacp_active is off here: if the partner is passive too, neither side starts (both passive)");
		break;
	case LACP_WHY_EXPIRED:
		sb_puts(o, "partner information expired: no LACPDU for ");
		put_dur(o, r->ms);
		sb_puts(o, "; the defaults follow if none comes");
		break;
	case LACP_WHY_DEFAULTED:
		sb_puts(o, "defaulted: no LACPDU for ");
		put_dur(o, r->ms);
		sb_puts(o, ", the partner information is the administrative default");
		break;
	case LACP_WHY_INDIVIDUAL:
		sb_puts(o, "individual: the partner says this link is not aggregatable (its Aggregation bit is off)");
		break;
	case LACP_WHY_SPEED_DIFFERS:
	case LACP_WHY_KEY_DIFFERS:
		sb_printf(o, "%s differs from active aggregator %u's: port key ",
			  r->why == LACP_WHY_SPEED_DIFFERS ? "speed/duplex" : "port key",
			  r->agg_id);
		put_key(o, r->ours);
		sb_puts(o, " here, ");
		put_key(o, r->theirs);
		sb_puts(o, " there");
		break;
	case LACP_WHY_PARTNER_DIFFERS:
		sb_printf(o, "partner key or system differs from active aggregator %u's: "
			  "partner key %u system ", r->agg_id, r->ours);
		put_system(o, r->ours_prio, r->ours_mac);
		sb_printf(o, " here, partner key %u system ", r->theirs);
		put_system(o, r->theirs_prio, r->theirs_mac);
		sb_puts(o, " there");
		if (r->ours != r->theirs)
			sb_puts(o, " (partner key differs)");
		break;
	case LACP_WHY_PARTNER_NOT_SYNC:
		sb_puts(o, "partner not in sync: it has not put this link into its aggregator (or its view of us is out of date)");
		break;
	case LACP_WHY_CHURN:
		sb_printf(o, "churn detected on the %s: no sync within 60 s",
			  r->actor && r->partner ? "actor and partner side" :
			  r->actor ? "actor side" : "partner side");
		break;
	case LACP_WHY_SELECTING:
		sb_puts(o, "aggregator selection timer runs: ");
		put_dur(o, r->ms);
		sb_puts(o, " left");
		break;
	case LACP_WHY_WAITING:
		sb_puts(o, "waiting for the aggregator's ports to settle (wait_while): ");
		put_dur(o, r->ms);
		sb_puts(o, " left");
		break;
	case LACP_WHY_NO_AGGREGATOR:
		sb_puts(o, "not attached to an aggregator yet (selection runs every 100 ms)");
		break;
	case LACP_WHY_NOT_SELECTED:
		sb_printf(o, "not selected: ad_select %s prefers aggregator %u (%s)",
			  x->ad_select, r->agg_id, r->rule ? r->rule : "");
		break;
	case LACP_WHY_MIN_LINKS:
		sb_printf(o, "min_links not reached: %u port%s up in the active aggregator, min_links %u: the bond's carrier is off",
			  r->ours, r->ours == 1 ? "" : "s", r->theirs);
		break;
	case LACP_WHY_STRICT:
		sb_puts(o, "lacp_strict holds carrier down: no LACP partner, and lacp_strict forbids the individual fallback");
		break;
	case LACP_WHY_FALLBACK:
		sb_puts(o, "no LACP partner: the port carries traffic alone (individual fallback), not aggregated");
		break;
	}
}

static void explain_text(const struct status_lacp_explain *x, struct strbuf *o)
{
	char m[18];

	sb_printf(o, "%s: carrier %s, ", x->name, x->carrier ? "up" : "down");
	if (x->has_active_agg) {
		sb_printf(o, "active aggregator %u with %u port%s up (min_links %u)",
			  x->active_agg_id, x->active_ports, x->active_ports == 1 ? "" : "s",
			  x->min_links);
		if (memcmp(x->partner_mac, "\0\0\0\0\0\0", 6))
			sb_printf(o, ", partner %s key %u", mac_fmt(x->partner_mac, m),
				  x->partner_key);
		else
			sb_puts(o, ", no LACP partner");
	} else {
		sb_puts(o, "no active aggregator");
	}
	sb_printf(o, ", ad_select %s, lacp_active %s\n", x->ad_select,
		  x->lacp_active ? "on" : "off");
	if (!x->n_ports)
		sb_puts(o, "  no slaves\n");
	for (unsigned i = 0; i < x->n_ports; i++) {
		const struct status_lacp_port *p = &x->ports[i];

		sb_printf(o, "  %s: ", p->name);
		if (p->aggregated)
			sb_printf(o, "aggregated (aggregator %u, partner %s port %u key %u)",
				  p->agg_id, mac_fmt(p->partner.system, m), p->partner.port,
				  p->partner.key);
		else if (p->carrying)
			sb_puts(o, "carries traffic, not aggregated");
		else
			sb_puts(o, "not aggregated");
		if (p->heard) {
			sb_puts(o, "; last LACPDU ");
			put_dur(o, p->heard_ago_ms);
			sb_puts(o, " ago");
		}
		sb_puts(o, "\n");
		for (unsigned j = 0; j < p->n_reasons; j++) {
			sb_puts(o, "    - ");
			reason_text(o, &p->reasons[j], x, p);
			sb_puts(o, "\n");
		}
	}
}

static void json_mac(struct strbuf *o, const char *key, const uint8_t mac[6])
{
	char m[18];

	sb_printf(o, ",\"%s\":\"%s\"", key, mac_fmt(mac, m));
}

static void json_info(struct strbuf *o, const struct status_lacp_info *in)
{
	sb_printf(o, "{\"system_priority\":%u", in->sys_prio);
	json_mac(o, "system_mac", in->system);
	sb_printf(o, ",\"key\":%u,\"port_priority\":%u,\"port_number\":%u,\"port_state\":%u}",
		  in->key, in->port_prio, in->port, in->state);
}

static void json_reason(struct strbuf *o, const struct status_lacp_reason *r,
			const struct status_lacp_explain *x, const struct status_lacp_port *p)
{
	struct strbuf t;
	char m[18];

	sb_puts(o, "{\"reason\":");
	sb_json_str(o, why_codes[r->why]);
	sb_init(&t);
	reason_text(&t, r, x, p);
	sb_puts(o, ",\"text\":");
	sb_json_str(o, sb_str(&t));
	if (t.oom)
		o->oom = true;
	sb_free(&t);
	switch (r->why) {
	case LACP_WHY_NO_LACPDU:
	case LACP_WHY_EXPIRED:
	case LACP_WHY_DEFAULTED:
		sb_printf(o, ",\"silent_ms\":%llu,\"ever_heard\":%s",
			  (unsigned long long)r->ms, r->heard ? "true" : "false");
		break;
	case LACP_WHY_SELECTING:
	case LACP_WHY_WAITING:
		sb_printf(o, ",\"left_ms\":%llu", (unsigned long long)r->ms);
		break;
	case LACP_WHY_BOTH_PASSIVE:
		sb_printf(o, ",\"partner_passive_heard\":%s", r->partner ? "true" : "false");
		break;
	case LACP_WHY_SPEED_DIFFERS:
	case LACP_WHY_KEY_DIFFERS:
		sb_printf(o, ",\"aggregator\":%u,\"port_key\":%u,\"aggregator_key\":%u",
			  r->agg_id, r->ours, r->theirs);
		break;
	case LACP_WHY_PARTNER_DIFFERS:
		sb_printf(o, ",\"aggregator\":%u,\"partner_key\":%u,\"partner_system_priority\":%u,"
			  "\"partner_system\":\"%s\"", r->agg_id, r->ours, r->ours_prio,
			  mac_fmt(r->ours_mac, m));
		sb_printf(o, ",\"aggregator_partner_key\":%u,"
			  "\"aggregator_partner_system_priority\":%u,"
			  "\"aggregator_partner_system\":\"%s\"", r->theirs, r->theirs_prio,
			  mac_fmt(r->theirs_mac, m));
		break;
	case LACP_WHY_CHURN:
		sb_printf(o, ",\"actor\":%s,\"partner\":%s", r->actor ? "true" : "false",
			  r->partner ? "true" : "false");
		break;
	case LACP_WHY_NOT_SELECTED:
		sb_printf(o, ",\"preferred_aggregator\":%u,\"ad_select\":", r->agg_id);
		sb_json_str(o, x->ad_select);
		sb_puts(o, ",\"rule\":");
		sb_json_str(o, r->rule ? r->rule : "");
		break;
	case LACP_WHY_MIN_LINKS:
		sb_printf(o, ",\"ports_up\":%u,\"min_links\":%u", r->ours, r->theirs);
		break;
	default:
		break;
	}
	sb_puts(o, "}");
}

static void explain_json(const struct status_lacp_explain *x, struct strbuf *o)
{
	sb_puts(o, "{\"bond\":");
	sb_json_str(o, x->name);
	sb_printf(o, ",\"carrier\":%s,\"ad_select\":", x->carrier ? "true" : "false");
	sb_json_str(o, x->ad_select);
	sb_printf(o, ",\"min_links\":%u,\"lacp_active\":%s,\"lacp_strict\":%s",
		  x->min_links, x->lacp_active ? "true" : "false",
		  x->lacp_strict ? "true" : "false");
	sb_puts(o, ",\"active_aggregator\":");
	if (x->has_active_agg) {
		sb_printf(o, "{\"id\":%u,\"ports_up\":%u,\"partner_key\":%u",
			  x->active_agg_id, x->active_ports, x->partner_key);
		json_mac(o, "partner_mac", x->partner_mac);
		sb_puts(o, "}");
	} else {
		sb_puts(o, "null");
	}
	sb_puts(o, ",\"ports\":[");
	for (unsigned i = 0; i < x->n_ports; i++) {
		const struct status_lacp_port *p = &x->ports[i];

		sb_puts(o, i ? ",{\"name\":" : "{\"name\":");
		sb_json_str(o, p->name);
		sb_printf(o, ",\"aggregated\":%s,\"carrying\":%s,\"aggregator\":",
			  p->aggregated ? "true" : "false", p->carrying ? "true" : "false");
		if (p->has_agg)
			sb_printf(o, "%u", p->agg_id);
		else
			sb_puts(o, "null");
		sb_printf(o, ",\"aggregator_active\":%s,\"rx_state\":\"%s\",\"mux_state\":\"%s\"",
			  p->agg_active ? "true" : "false", p->rx_state, p->mux_state);
		sb_puts(o, ",\"last_lacpdu_ms_ago\":");
		if (p->heard)
			sb_printf(o, "%llu", (unsigned long long)p->heard_ago_ms);
		else
			sb_puts(o, "null");
		sb_puts(o, ",\"partner\":");
		json_info(o, &p->partner);
		sb_puts(o, ",\"reasons\":[");
		for (unsigned j = 0; j < p->n_reasons; j++) {
			if (j)
				sb_puts(o, ",");
			json_reason(o, &p->reasons[j], x, p);
		}
		sb_puts(o, "]}");
	}
	sb_puts(o, "]}\n");
}

/* ---- log ------------------------------------------------------------------ */

static void put_state(struct strbuf *o, uint8_t st)
{
	bool first = true;

	sb_printf(o, "0x%02x(", st);
	for (unsigned i = 0; i < 8; i++)
		if (st & (1u << i)) {
			sb_printf(o, "%s%s", first ? "" : ",", state_bits[i]);
			first = false;
		}
	sb_puts(o, ")");
}

static void put_info(struct strbuf *o, const struct status_lacp_info *in)
{
	put_system(o, in->sys_prio, in->system);
	sb_printf(o, " key %u port %u prio %u state ", in->key, in->port, in->port_prio);
	put_state(o, in->state);
}

/* What changed between two views, "; "-separated; "" if nothing. */
static void put_changes(struct strbuf *o, const struct status_lacp_view *a,
			const struct status_lacp_view *b)
{
	size_t start = o->len;

#define SEP() sb_puts(o, o->len > start ? "; " : "")
	if (a->rx_state != b->rx_state) {
		SEP();
		sb_printf(o, "rx %s -> %s", a->rx_state, b->rx_state);
	}
	if (a->mux_state != b->mux_state) {
		SEP();
		sb_printf(o, "mux %s -> %s", a->mux_state, b->mux_state);
	}
	if (a->selected != b->selected) {
		SEP();
		sb_puts(o, b->selected ? "selected" : "unselected");
	}
	if (a->agg_id != b->agg_id) {
		SEP();
		sb_printf(o, "aggregator %u -> %u", a->agg_id, b->agg_id);
	}
	if (a->agg_active != b->agg_active) {
		SEP();
		sb_puts(o, b->agg_active ? "aggregator became active" : "aggregator no longer active");
	}
	if (a->enabled != b->enabled) {
		SEP();
		sb_puts(o, b->enabled ? "carries traffic" : "stops carrying traffic");
	}
	if (a->actor_state != b->actor_state) {
		SEP();
		sb_puts(o, "actor state ");
		put_state(o, a->actor_state);
		sb_puts(o, " -> ");
		put_state(o, b->actor_state);
	}
	if (a->partner_state != b->partner_state) {
		SEP();
		sb_puts(o, "partner state ");
		put_state(o, a->partner_state);
		sb_puts(o, " -> ");
		put_state(o, b->partner_state);
	}
#undef SEP
}

/* The receive machine takes a LACPDU only in these states (lacp_rx.c). */
static bool takes_pdus(const char *rx_state)
{
	return !strcmp(rx_state, "EXPIRED") || !strcmp(rx_state, "DEFAULTED") ||
	       !strcmp(rx_state, "CURRENT");
}

static void log_text(const struct status_lacp_log *l, uint64_t now, struct strbuf *o)
{
	sb_printf(o, "%s of %s: %u entr%s, oldest first (LACPDUs: the last %u sent and received)\n",
		  l->port, l->bond, l->n, l->n == 1 ? "y" : "ies", STATUS_LACP_LOG_MAX / 2);
	for (unsigned i = 0; i < l->n; i++) {
		const struct status_lacp_log_entry *e = &l->e[i];
		uint64_t ago = now > e->ms ? now - e->ms : 0;
		size_t mark;

		sb_printf(o, "  -%llu.%03llus %-5s", (unsigned long long)(ago / 1000),
			  (unsigned long long)(ago % 1000), e->kind);
		if (e->kind[0] != 's') {
			sb_printf(o, " v%u actor ", e->version);
			put_info(o, &e->actor);
			sb_puts(o, "\n                   partner ");
			put_info(o, &e->partner);
		}
		mark = o->len;
		sb_puts(o, e->kind[0] != 's' ? "\n                   caused: " : " ");
		{
			size_t before = o->len;

			put_changes(o, &e->before, &e->after);
			if (o->len == before) {
				if (e->kind[0] == 't')
					o->len = mark;   /* a send changes nothing */
				else if (e->kind[0] == 'r' && !takes_pdus(e->before.rx_state))
					sb_printf(o, "ignored (receive machine in %s)",
						  e->before.rx_state);
				else
					sb_puts(o, "no change");
			}
		}
		sb_puts(o, "\n");
	}
}

static void json_view(struct strbuf *o, const struct status_lacp_view *v)
{
	sb_printf(o, "{\"rx_state\":\"%s\",\"mux_state\":\"%s\",\"selected\":%s,"
		  "\"carrying\":%s,\"aggregator\":%u,\"aggregator_active\":%s,"
		  "\"actor_state\":%u,\"partner_state\":%u}", v->rx_state, v->mux_state,
		  v->selected ? "true" : "false", v->enabled ? "true" : "false", v->agg_id,
		  v->agg_active ? "true" : "false", v->actor_state, v->partner_state);
}

static void log_json(const struct status_lacp_log *l, uint64_t now, struct strbuf *o)
{
	sb_puts(o, "{\"bond\":");
	sb_json_str(o, l->bond);
	sb_puts(o, ",\"port\":");
	sb_json_str(o, l->port);
	sb_printf(o, ",\"now_ms\":%llu,\"entries\":[", (unsigned long long)now);
	for (unsigned i = 0; i < l->n; i++) {
		const struct status_lacp_log_entry *e = &l->e[i];
		struct strbuf t;

		sb_printf(o, "%s{\"kind\":\"%s\",\"ms\":%llu,\"ago_ms\":%llu", i ? "," : "",
			  e->kind, (unsigned long long)e->ms,
			  (unsigned long long)(now > e->ms ? now - e->ms : 0));
		if (e->kind[0] != 's') {
			sb_printf(o, ",\"version\":%u,\"actor\":", e->version);
			json_info(o, &e->actor);
			sb_puts(o, ",\"partner\":");
			json_info(o, &e->partner);
		}
		sb_puts(o, ",\"before\":");
		json_view(o, &e->before);
		sb_puts(o, ",\"after\":");
		json_view(o, &e->after);
		sb_init(&t);
		put_changes(&t, &e->before, &e->after);
		sb_puts(o, ",\"changes\":");
		sb_json_str(o, sb_str(&t));
		if (t.oom)
			o->oom = true;
		sb_free(&t);
		sb_puts(o, "}");
	}
	sb_puts(o, "]}\n");
}

/* ---- the command ---------------------------------------------------------- */

static uint64_t engine_now(const struct cmd_ctx *c)
{
	return c->be && c->be->ops->now ? c->be->ops->now(c->be->ctx) : 0;
}

static int lacp_explain_cmd(struct cmd_ctx *c, const char *bond)
{
	struct bond *b = cmd_find_bond(c, bond);
	struct status_lacp_explain *x;
	int rc = CTL_EXIT_OK;

	if (!b)
		return CTL_EXIT_REFUSED;
	x = malloc(sizeof(*x));
	if (!x)
		return cmd_fail(c, bond, "out of memory");
	if (lacp_explain(b, engine_now(c), x)) {
		rc = cmd_fail(c, bond, "not in 802.3ad mode: nothing to explain");
	} else if (c->json) {
		explain_json(x, c->out);
	} else {
		explain_text(x, c->out);
	}
	free(x);
	return rc;
}

static int lacp_log_cmd(struct cmd_ctx *c, const char *bond, const char *ifname)
{
	struct bond *b = cmd_find_bond(c, bond);
	struct status_lacp_log *l;
	struct slave *s;
	int rc = CTL_EXIT_OK;

	if (!b)
		return CTL_EXIT_REFUSED;
	s = bond_find_slave(b, ifname);
	if (!s)
		return cmd_fail(c, bond, "%s is not a slave of this bond", ifname);
	l = malloc(sizeof(*l));
	if (!l)
		return cmd_fail(c, bond, "out of memory");
	if (lacp_port_log(b, s, l))
		rc = cmd_fail(c, bond, "not in 802.3ad mode: no LACP log");
	else if (c->json)
		log_json(l, engine_now(c), c->out);
	else
		log_text(l, engine_now(c), c->out);
	free(l);
	return rc;
}

int cmd_lacp(struct cmd_ctx *c, int argc, char **argv)
{
	if (!strcmp(argv[0], "explain") && argc == 2)
		return lacp_explain_cmd(c, argv[1]);
	if (!strcmp(argv[0], "log") && argc == 3)
		return lacp_log_cmd(c, argv[1], argv[2]);
	return cmd_usage(c);
}
