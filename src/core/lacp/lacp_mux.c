/* The mux machine (802.1AX 6.4.15): attaches a selected port to its
 * aggregator once every port of the aggregator has waited wait_while
 * (2 s), sets SYNC, and collects and distributes as soon as the partner is
 * in sync too.
 *
 * coupled_control=1 (default): one COLLECTING_DISTRIBUTING state.
 * coupled_control=0: the independent control machine (802.1AX-2014
 * 6.4.15, figure 6-22, as the kernel's AD_MUX_COLLECTING/DISTRIBUTING):
 * ATTACHED -> COLLECTING (receive on, transmit off, Actor.Collecting set,
 * NTT) -> DISTRIBUTING once the partner is in sync and collecting
 * (transmit on, Actor.Distributing set; the bit goes out with the next
 * LACPDU). DISTRIBUTING falls back to COLLECTING when the partner stops
 * collecting or either side loses sync, and COLLECTING to ATTACHED on lost
 * sync or selection. So a port sends only when the partner already takes
 * its frames. Unlike the kernel, whose COLLECTING only clears a flag that
 * its receive path never reads (a port that was disabled keeps dropping
 * what it receives), a collecting port here does receive, as the standard
 * and the option's purpose say.
 *
 * As in the Linux driver: one transition per tick; only a port of the active
 * aggregator shows SYNC in ATTACHED or moves on to COLLECTING_DISTRIBUTING,
 * and not while the bond's aggregator selection timer runs; leaving
 * COLLECTING_DISTRIBUTING disables the port only if its aggregator has a
 * partner (a partnerless active aggregator keeps its ports enabled: the
 * individual fallback).
 */
#include "lacp.h"

const char *const lacp_mux_state_names[] = {
	[LACP_MUX_NONE] = "NONE",
	[LACP_MUX_DETACHED] = "DETACHED",
	[LACP_MUX_WAITING] = "WAITING",
	[LACP_MUX_ATTACHED] = "ATTACHED",
	[LACP_MUX_COLLECTING_DISTRIBUTING] = "COLLECTING_DISTRIBUTING",
	[LACP_MUX_COLLECTING] = "COLLECTING",
	[LACP_MUX_DISTRIBUTING] = "DISTRIBUTING",
};

#define CD (LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING)

static bool agg_active(const struct lacp_port *p)   /* aggregator is active */
{
	return p->agg && p->agg->active;
}

static bool partner_sync(const struct lacp_port *p) /* Partner.Synchronization */
{
	return p->partner.state & LACP_STATE_SYNC;
}

static bool partner_collecting(const struct lacp_port *p)
{
	return p->partner.state & LACP_STATE_COLLECTING;
}

/* Back to ATTACHED from a collecting state (the kernel's
 * __port_move_to_attached_state). */
static bool to_attached(const struct lacp_port *p)
{
	return !p->selected || p->standby || !partner_sync(p) ||
	       !(p->actor_state & LACP_STATE_SYNC);
}

/* ad_enable_collecting_distributing: with broadcast_neighbor, a port that
 * starts distributing also has the bond's addresses announced again
 * (the kernel's ad_cond_set_peer_notif), so a switch that learned them
 * elsewhere hears of this port. The announcement waits until frames may
 * really go out on the port (the partner collects: lacp_announce_ready). */
static void enable_cd(struct bond *b, struct lacp_port *p)
{
	if (!agg_active(p))
		return;
	lacp_port_enable(p);
	if (b->params.broadcast_neighbor)
		p->announce = true;
}

void lacp_announce_ready(struct bond *b)
{
	bool any = false;

	for (unsigned i = 0; i < b->n_slaves; i++) {
		struct lacp_port *p = lacp_port_of(b->slaves[i]);

		if (p->announce && (!p->enabled || lacp_port_distributes(p))) {
			any |= p->enabled;
			p->announce = false;
		}
	}
	/* num_peer_notif rounds, peer_notif_delay apart, from the next MII
	 * monitor pass on */
	if (any && b->params.broadcast_neighbor)
		b->send_peer_notif = b->params.num_peer_notif *
				     (b->params.peer_notif_delay ? b->params.peer_notif_delay : 1);
}

/* Disable_Collecting_Distributing */
static void disable_cd(struct lacp_port *p)
{
	if (p->agg && lacp_agg_has_partner(p->agg))
		lacp_port_disable(p);
}

void lacp_mux_run(struct bond *b, struct lacp_port *p)
{
	enum lacp_mux_state next = p->mux;

	/* Phase 1. */
	if (p->begin) {
		next = LACP_MUX_DETACHED;
	} else {
		switch (p->mux) {
		case LACP_MUX_NONE:
			next = LACP_MUX_DETACHED;
			break;
		case LACP_MUX_DETACHED:
			if (p->selected || p->standby)
				next = LACP_MUX_WAITING;
			break;
		case LACP_MUX_WAITING:
			if (!p->selected) {
				next = LACP_MUX_DETACHED;
				break;
			}
			if (p->wait_while && !--p->wait_while)
				p->ready_n = true;
			if (p->agg)
				p->agg->ready = lacp_agg_ready(b, p->agg);
			/* Selected == SELECTED && Ready */
			if (p->agg && p->agg->ready && !p->wait_while)
				next = LACP_MUX_ATTACHED;
			break;
		case LACP_MUX_ATTACHED:
			if (p->selected && partner_sync(p) &&
			    !lacp_bond_of(b)->agg_select_timer) {
				if (agg_active(p))
					next = b->params.coupled_control ?
					       LACP_MUX_COLLECTING_DISTRIBUTING :
					       LACP_MUX_COLLECTING;
			} else if (!p->selected || p->standby) {
				p->ready_n = false;
				if (p->agg)
					p->agg->ready = lacp_agg_ready(b, p->agg);
				next = LACP_MUX_DETACHED;
			} else if (agg_active(p)) {
				p->actor_state |= LACP_STATE_SYNC;
			}
			break;
		case LACP_MUX_COLLECTING:
			if (to_attached(p)) {
				next = LACP_MUX_ATTACHED;
			} else if (partner_collecting(p)) {
				next = LACP_MUX_DISTRIBUTING;
			} else if (agg_active(p) && !p->collecting) {
				/* unchanged: make sure a collecting port of
				 * the active aggregator receives */
				lacp_port_enable_collecting(p);
			}
			break;
		case LACP_MUX_DISTRIBUTING:
			if (to_attached(p) || !partner_collecting(p)) {
				next = LACP_MUX_COLLECTING;
			} else if (agg_active(p) && !p->enabled) {
				lacp_port_enable(p);
			}
			break;
		case LACP_MUX_COLLECTING_DISTRIBUTING:
			if (to_attached(p)) {
				next = LACP_MUX_ATTACHED;
			} else if (agg_active(p) && !p->enabled) {
				/* still collecting and distributing: make sure a
				 * port of the active aggregator carries traffic */
				lacp_port_enable(p);
			}
			break;
		}
	}
	if (next == p->mux)
		return;

	/* Phase 2. */
	p->mux = next;
	switch (next) {
	case LACP_MUX_DETACHED:
		/* Detach_Mux_From_Aggregator(); Actor.Sync = FALSE;
		 * Disable_Collecting_Distributing(); Actor.Collecting =
		 * Actor.Distributing = FALSE; NTT = TRUE */
		p->actor_state &= (uint8_t)~(LACP_STATE_SYNC | CD);
		disable_cd(p);
		p->ntt = true;
		break;
	case LACP_MUX_WAITING:
		/* start wait_while_timer */
		p->wait_while = LACP_WAIT_WHILE;
		break;
	case LACP_MUX_ATTACHED:
		/* Attach_Mux_To_Aggregator(); Actor.Sync = TRUE;
		 * Actor.Collecting = FALSE; Disable_Collecting_Distributing();
		 * NTT = TRUE */
		if (agg_active(p))
			p->actor_state |= LACP_STATE_SYNC;
		else
			p->actor_state &= (uint8_t)~LACP_STATE_SYNC;
		p->actor_state &= (uint8_t)~CD;
		disable_cd(p);
		p->ntt = true;
		break;
	case LACP_MUX_COLLECTING_DISTRIBUTING:
		/* Actor.Collecting = Actor.Distributing = TRUE;
		 * Enable_Collecting_Distributing(); NTT = TRUE */
		p->actor_state |= LACP_STATE_SYNC | CD;
		enable_cd(b, p);
		p->ntt = true;
		break;
	case LACP_MUX_COLLECTING:
		/* Enable_Collecting(); Actor.Collecting = TRUE;
		 * Disable_Distributing(); Actor.Distributing = FALSE;
		 * NTT = TRUE */
		p->actor_state |= LACP_STATE_SYNC | LACP_STATE_COLLECTING;
		p->actor_state &= (uint8_t)~LACP_STATE_DISTRIBUTING;
		lacp_port_enable_collecting(p);
		lacp_port_disable_distributing(p);
		p->ntt = true;
		break;
	case LACP_MUX_DISTRIBUTING:
		/* Actor.Distributing = TRUE; Enable_Distributing() (no NTT in
		 * the standard nor the kernel: the next periodic LACPDU
		 * carries the bit) */
		p->actor_state |= LACP_STATE_SYNC | LACP_STATE_DISTRIBUTING;
		enable_cd(b, p);
		break;
	case LACP_MUX_NONE:
		break;
	}
}
