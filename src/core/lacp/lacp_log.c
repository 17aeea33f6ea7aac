/* What a port remembers so that `bondctl lacp log` and `lacp explain` can
 * say what happened: the last LACP_LOG_LEN LACPDUs sent and received, each
 * with the port's state before and after it (what the PDU caused), the
 * state changes that happened between PDUs (timers, selection, link), and
 * when a LACPDU was last heard and since when the port listens.
 *
 * The time is the engine clock the mode glue stored in lacp_bond.now_ms at
 * its last call in (tick, received frame, link change): the core reads no
 * clock. A tick's changes are logged at the end of the port's tick, so a
 * state entry can gather several machines' steps of one tick.
 */
#include <string.h>

#include "lacp.h"

void lacp_port_view(const struct lacp_port *p, struct lacp_port_view *v)
{
	memset(v, 0, sizeof(*v));
	v->rx = (uint8_t)p->rx;
	v->mux = (uint8_t)p->mux;
	v->selected = p->selected;
	v->enabled = p->enabled;
	v->agg_active = p->agg && p->agg->active;
	v->agg_id = p->agg ? p->agg->id : 0;
	v->actor_state = p->actor_state;
	v->partner_state = p->partner.state;
}

static bool view_eq(const struct lacp_port_view *a, const struct lacp_port_view *b)
{
	return a->rx == b->rx && a->mux == b->mux && a->selected == b->selected &&
	       a->enabled == b->enabled && a->agg_active == b->agg_active &&
	       a->agg_id == b->agg_id && a->actor_state == b->actor_state &&
	       a->partner_state == b->partner_state;
}

static struct lacp_log_entry *ring_push(struct lacp_memory *m, struct lacp_ring *r)
{
	struct lacp_log_entry *e = &r->e[r->next];

	r->next = (r->next + 1) % LACP_LOG_LEN;
	if (r->n < LACP_LOG_LEN)
		r->n++;
	memset(e, 0, sizeof(*e));
	e->seq = m->seq++;
	return e;
}

const struct lacp_log_entry *lacp_ring_at(const struct lacp_ring *r, unsigned i)
{
	unsigned first = (r->next + LACP_LOG_LEN - r->n) % LACP_LOG_LEN;

	return &r->e[(first + i) % LACP_LOG_LEN];
}

/* The port listens for LACPDUs while the bond is up, its link is up and
 * it runs LACP (full duplex): "no LACPDU heard for N s" counts from then. */
static void follow_listening(struct bond *b, struct lacp_port *p)
{
	bool now = b->admin_up && p->port_enabled && p->lacp_enabled;

	if (now && !p->mem.listening)
		p->mem.listen_ms = lacp_bond_of(b)->now_ms;
	p->mem.listening = now;
}

/* A port's state in one word, as `bondctl monitor` tells it. */
static const char *port_word(const struct lacp_port_view *v)
{
	const uint8_t cd = LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING;

	if (v->rx == LACP_RX_EXPIRED)
		return "expired";
	if (v->rx == LACP_RX_DEFAULTED)
		return "defaulted";
	if ((v->actor_state & cd) == cd && v->agg_active)
		return "aggregated";
	return "not aggregated";
}

/* The port's one-word state changed from before to after: say it, with
 * the cause the two views show. */
static void port_event(struct bond *b, struct lacp_port *p, const struct lacp_port_view *before,
		       const struct lacp_port_view *after)
{
	const char *w = port_word(after);

	if (!strcmp(w, port_word(before)))
		return;
	if (after->rx == LACP_RX_EXPIRED)
		bond_event(b, p->slave, BOND_EV_LACP, w,
			   "partner expired: no LACPDU within its timeout");
	else if (after->rx == LACP_RX_DEFAULTED)
		bond_event(b, p->slave, BOND_EV_LACP, w,
			   "partner defaulted: still no LACPDU, the admin defaults apply");
	else if (!strcmp(w, "aggregated"))
		bond_event(b, p->slave, BOND_EV_LACP, w,
			   "collecting and distributing in aggregator %u", after->agg_id);
	else if (!after->enabled && before->enabled)
		bond_event(b, p->slave, BOND_EV_LACP, w, "port disabled (link down)");
	else if (before->selected && !after->selected)
		bond_event(b, p->slave, BOND_EV_LACP, w,
			   "unselected: partner or key changed");
	else if (!(after->partner_state & LACP_STATE_SYNC))
		bond_event(b, p->slave, BOND_EV_LACP, w, "partner not in sync (rx %s, mux %s)",
			   lacp_rx_state_names[after->rx], lacp_mux_state_names[after->mux]);
	else
		bond_event(b, p->slave, BOND_EV_LACP, w, "negotiating (rx %s, mux %s)",
			   lacp_rx_state_names[after->rx], lacp_mux_state_names[after->mux]);
}

void lacp_log_sync(struct bond *b, struct lacp_port *p)
{
	struct lacp_port_view v;
	struct lacp_log_entry *e;

	follow_listening(b, p);
	lacp_port_view(p, &v);
	if (view_eq(&v, &p->mem.last))
		return;
	e = ring_push(&p->mem, &p->mem.states);
	e->ms = lacp_bond_of(b)->now_ms;
	e->kind = LACP_LOG_STATE;
	e->before = p->mem.last;
	e->after = v;
	port_event(b, p, &p->mem.last, &v);
	p->mem.last = v;
}

void lacp_log_rx(struct bond *b, struct lacp_port *p, const struct lacpdu *pdu,
		 const struct lacp_port_view *before)
{
	struct lacp_log_entry *e;

	/* Changes from before the PDU (a link event since the last tick) are
	 * not the PDU's doing: they get their own entry first. */
	if (!view_eq(before, &p->mem.last)) {
		e = ring_push(&p->mem, &p->mem.states);
		e->ms = lacp_bond_of(b)->now_ms;
		e->kind = LACP_LOG_STATE;
		e->before = p->mem.last;
		e->after = *before;
	}
	follow_listening(b, p);
	p->mem.heard = true;
	p->mem.heard_ms = lacp_bond_of(b)->now_ms;
	p->mem.partner_passive_heard = !(pdu->actor.state & LACP_STATE_ACTIVITY);
	e = ring_push(&p->mem, &p->mem.pdus);
	e->ms = lacp_bond_of(b)->now_ms;
	e->kind = LACP_LOG_RX;
	e->pdu = *pdu;
	e->before = *before;
	lacp_port_view(p, &e->after);
	p->mem.last = e->after;
}

void lacp_log_tx(struct bond *b, struct lacp_port *p, const struct lacpdu *pdu)
{
	struct lacp_log_entry *e = ring_push(&p->mem, &p->mem.pdus);

	e->ms = lacp_bond_of(b)->now_ms;
	e->kind = LACP_LOG_TX;
	e->pdu = *pdu;
	lacp_port_view(p, &e->before);
	e->after = e->before;
}
