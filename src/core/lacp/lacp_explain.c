/* `bondctl lacp explain` and `lacp log` in facts (status.h): for every
 * port of an 802.3ad bond, whether it aggregates and the reasons why not,
 * read off the machines' state and the port's memory (lacp_log.c); and a
 * port's log as plain data.
 *
 * The reasons follow the conditions the machines test, in the order they
 * gate aggregation: bond up, link up, full duplex (LACP_Enabled), a
 * partner heard (rx machine), the partner's aggregation bit, the keys and
 * partner of the active aggregator (selection), the selection timer and
 * wait_while (mux), the partner's sync, then the bond-wide gates
 * (min_links, lacp_strict) and churn. Pure code: the time comes in.
 */
#include <string.h>

#include "bond.h"
#include "opt.h"
#include "status.h"
#include "lacp.h"

static struct status_lacp_reason *add(struct status_lacp_port *sp, enum lacp_why why)
{
	struct status_lacp_reason *r;

	if (sp->n_reasons >= STATUS_LACP_MAX_REASONS)
		return NULL;
	r = &sp->reasons[sp->n_reasons++];
	memset(r, 0, sizeof(*r));
	r->why = why;
	return r;
}

static uint64_t ago(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

static void copy_info(struct status_lacp_info *d, const struct lacp_info *s)
{
	d->sys_prio = s->sys_prio;
	memcpy(d->system, s->system, 6);
	d->key = s->key;
	d->port_prio = s->port_prio;
	d->port = s->port;
	d->state = s->state;
}

/* The rx machine's side: did we hear the partner, and is it usable. */
static void explain_rx(const struct bond *b, const struct lacp_port *p, uint64_t now,
		       struct status_lacp_port *sp)
{
	const struct lacp_memory *m = &p->mem;
	bool passive = !b->params.lacp_active;
	uint64_t silent = m->heard ? ago(now, m->heard_ms) :
			  m->listening ? ago(now, m->listen_ms) : 0;
	struct status_lacp_reason *r;

	if (p->rx == LACP_RX_CURRENT) {
		if (passive && m->partner_passive_heard) {
			r = add(sp, LACP_WHY_BOTH_PASSIVE);
			if (r)
				r->partner = true;
		}
		return;
	}
	if (!m->heard || (p->rx != LACP_RX_EXPIRED && p->rx != LACP_RX_DEFAULTED)) {
		r = add(sp, LACP_WHY_NO_LACPDU);
		if (r) {
			r->ms = silent;
			r->heard = m->heard;
		}
	} else {
		r = add(sp, p->rx == LACP_RX_EXPIRED ? LACP_WHY_EXPIRED : LACP_WHY_DEFAULTED);
		if (r) {
			r->ms = silent;
			r->heard = true;
		}
	}
	/* Nobody starts a negotiation between two passive ends. */
	if (passive && (!m->heard || m->partner_passive_heard)) {
		r = add(sp, LACP_WHY_BOTH_PASSIVE);
		if (r)
			r->partner = m->heard;
	}
}

/* Selection's side: why the port is not in the active aggregator. */
static void explain_select(const struct bond *b, const struct lacp_port *p,
			   const struct lacp_agg *active, struct status_lacp_port *sp)
{
	struct status_lacp_reason *r;

	if (!active || p->agg == active)
		return;
	/* Why the port could not join the active aggregator ... */
	if (lacp_agg_has_partner(active) && !active->individual) {
		if (p->key != active->actor_key) {
			bool speed = (p->key >> 6) == (active->actor_key >> 6);

			r = add(sp, speed ? LACP_WHY_SPEED_DIFFERS : LACP_WHY_KEY_DIFFERS);
			if (r) {
				r->agg_id = active->id;
				r->ours = p->key;
				r->theirs = active->actor_key;
			}
		}
		if (p->rx == LACP_RX_CURRENT &&
		    (p->partner.key != active->partner_key ||
		     p->partner.sys_prio != active->partner_sys_prio ||
		     memcmp(p->partner.system, active->partner_system, 6))) {
			r = add(sp, LACP_WHY_PARTNER_DIFFERS);
			if (r) {
				r->agg_id = active->id;
				r->ours = p->partner.key;
				r->theirs = active->partner_key;
				r->ours_prio = p->partner.sys_prio;
				r->theirs_prio = active->partner_sys_prio;
				memcpy(r->ours_mac, p->partner.system, 6);
				memcpy(r->theirs_mac, active->partner_system, 6);
			}
		}
	}
	if (!p->agg) {
		add(sp, LACP_WHY_NO_AGGREGATOR);
		return;
	}
	/* ... and why its own aggregator is not the active one. */
	r = add(sp, LACP_WHY_NOT_SELECTED);
	if (r) {
		r->agg_id = active->id;
		r->rule = lacp_agg_prefer_rule(b, active, p->agg);
	}
}

static void explain_port(const struct bond *b, const struct slave *s, uint64_t now,
			 const struct lacp_agg *active, struct status_lacp_port *sp)
{
	const struct lacp_bond *lb = lacp_bond_of(b);
	const struct lacp_port *p = lacp_port_of(s);
	bool partnered = active && lacp_agg_has_partner(active);
	struct status_lacp_reason *r;

	memcpy(sp->name, s->name, strnlen(s->name, BOND_NAME_MAX - 1));
	sp->has_agg = p->agg != NULL;
	sp->agg_id = p->agg ? p->agg->id : 0;
	sp->agg_active = p->agg && p->agg->active;
	sp->rx_state = lacp_rx_state_names[p->rx];
	sp->mux_state = lacp_mux_state_names[p->mux];
	sp->heard = p->mem.heard;
	sp->heard_ago_ms = p->mem.heard ? ago(now, p->mem.heard_ms) : 0;
	copy_info(&sp->partner, &p->partner);
	sp->carrying = lacp_port_distributes(p);
	/* A link the partner calls individual may carry traffic, but alone. */
	sp->aggregated = sp->carrying && partnered &&
			 p->mux == LACP_MUX_COLLECTING_DISTRIBUTING &&
			 (p->partner.state & LACP_STATE_AGGREGATION);

	if (!b->admin_up) {
		add(sp, LACP_WHY_BOND_DOWN);
		return;
	}
	if (s->link != SLAVE_LINK_UP) {
		add(sp, LACP_WHY_LINK_DOWN);
		return;
	}
	if (!p->lacp_enabled) {
		add(sp, LACP_WHY_HALF_DUPLEX);
		return;
	}
	if (!sp->aggregated)
		explain_rx(b, p, now, sp);
	if (p->rx == LACP_RX_CURRENT && !(p->partner.state & LACP_STATE_AGGREGATION))
		add(sp, LACP_WHY_INDIVIDUAL);
	explain_select(b, p, active, sp);
	/* Before the first selection there is no active aggregator yet. */
	if (p->agg && (p->agg == active || !active) && !sp->aggregated) {
		if (lb->agg_select_timer) {
			r = add(sp, LACP_WHY_SELECTING);
			if (r)
				r->ms = (uint64_t)lb->agg_select_timer * LACP_TICK_MS;
		}
		if (p->mux == LACP_MUX_WAITING) {
			r = add(sp, LACP_WHY_WAITING);
			if (r)
				r->ms = (uint64_t)p->wait_while * LACP_TICK_MS;
		}
		if (p->rx == LACP_RX_CURRENT && !(p->partner.state & LACP_STATE_SYNC) &&
		    (p->partner.state & LACP_STATE_AGGREGATION))
			add(sp, LACP_WHY_PARTNER_NOT_SYNC);
	}
	/* The kernel's churn machines stay churned until the port restarts:
	 * worth saying only while the port does not aggregate. */
	if (!sp->aggregated && (p->actor_churn == LACP_CHURN_CHURNED ||
				p->partner_churn == LACP_CHURN_CHURNED)) {
		r = add(sp, LACP_WHY_CHURN);
		if (r) {
			r->actor = p->actor_churn == LACP_CHURN_CHURNED;
			r->partner = p->partner_churn == LACP_CHURN_CHURNED;
		}
	}
	if (active && p->agg == active) {
		unsigned up = lacp_agg_active_ports(b, active);

		if (up < b->params.min_links) {
			r = add(sp, LACP_WHY_MIN_LINKS);
			if (r) {
				r->ours = up;
				r->theirs = b->params.min_links;
			}
		}
		if (!partnered && b->params.lacp_strict)
			add(sp, LACP_WHY_STRICT);
		else if (!partnered && p->enabled)
			add(sp, LACP_WHY_FALLBACK);
	}
	/* A port that does not aggregate always gets a reason. */
	if (!sp->aggregated && !sp->n_reasons)
		add(sp, LACP_WHY_NEGOTIATING);
}

int lacp_explain(const struct bond *b, uint64_t now_ms, struct status_lacp_explain *out)
{
	const struct lacp_agg *active;
	const char *sel;

	memset(out, 0, sizeof(*out));
	if (!b->mode->lacp)
		return -1;
	active = lacp_active_agg(b);
	memcpy(out->name, b->name, strnlen(b->name, BOND_NAME_MAX - 1));
	out->carrier = b->carrier;
	sel = opt_value_name(OPT_AD_SELECT, b->params.ad_select);
	out->ad_select = sel ? sel : "unknown";
	out->min_links = b->params.min_links;
	out->lacp_active = b->params.lacp_active;
	out->lacp_strict = b->params.lacp_strict;
	out->has_active_agg = active != NULL;
	if (active) {
		out->active_agg_id = active->id;
		out->active_ports = lacp_agg_active_ports(b, active);
		out->partner_key = active->partner_key;
		memcpy(out->partner_mac, active->partner_system, 6);
	}
	for (unsigned i = 0; i < b->n_slaves && i < BOND_MAX_SLAVES; i++)
		explain_port(b, b->slaves[i], now_ms, active, &out->ports[out->n_ports++]);
	return 0;
}

/* ---- log ------------------------------------------------------------------ */

static void copy_view(struct status_lacp_view *d, const struct lacp_port_view *v)
{
	d->rx_state = lacp_rx_state_names[v->rx];
	d->mux_state = lacp_mux_state_names[v->mux];
	d->selected = v->selected;
	d->enabled = v->enabled;
	d->agg_active = v->agg_active;
	d->agg_id = v->agg_id;
	d->actor_state = v->actor_state;
	d->partner_state = v->partner_state;
}

static void copy_entry(struct status_lacp_log_entry *d, const struct lacp_log_entry *e)
{
	static const char *const kinds[] = {
		[LACP_LOG_RX] = "rx", [LACP_LOG_TX] = "tx", [LACP_LOG_STATE] = "state",
	};

	d->ms = e->ms;
	d->kind = kinds[e->kind];
	d->version = e->pdu.version;
	copy_info(&d->actor, &e->pdu.actor);
	copy_info(&d->partner, &e->pdu.partner);
	copy_view(&d->before, &e->before);
	copy_view(&d->after, &e->after);
}

int lacp_port_log(const struct bond *b, const struct slave *s, struct status_lacp_log *out)
{
	const struct lacp_memory *m;
	unsigned i = 0, j = 0;

	memset(out, 0, sizeof(*out));
	if (!b->mode->lacp)
		return -1;
	m = &lacp_port_of(s)->mem;
	memcpy(out->bond, b->name, strnlen(b->name, BOND_NAME_MAX - 1));
	memcpy(out->port, s->name, strnlen(s->name, BOND_NAME_MAX - 1));
	/* Both rings merged in the order the entries were made. */
	while (i < m->pdus.n || j < m->states.n) {
		const struct lacp_log_entry *a = i < m->pdus.n ? lacp_ring_at(&m->pdus, i) : NULL;
		const struct lacp_log_entry *c = j < m->states.n ? lacp_ring_at(&m->states, j) : NULL;

		if (a && (!c || (int32_t)(a->seq - c->seq) < 0)) {
			copy_entry(&out->e[out->n++], a);
			i++;
		} else {
			copy_entry(&out->e[out->n++], c);
			j++;
		}
	}
	return 0;
}
