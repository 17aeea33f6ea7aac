/* The receive machine (802.1AX 6.4.12, as the Linux bonding driver runs it):
 * records the partner's information from LACPDUs, times it out (EXPIRED,
 * then the admin defaults in DEFAULTED), and decides when the port must be
 * re-selected (update_Selected) or must speak (update_NTT).
 *
 * One transition per call, as the kernel does: BEGIN goes through
 * INITIALIZE straight on to PORT_DISABLED; PORT_DISABLED -> EXPIRED waits
 * for the next tick. LACPDUs carrying our own system identity (a loop) are
 * ignored. Left out: the standard's port_moved (a port's partner
 * showing up on another port) — the kernel ignores it too.
 */
#include <string.h>

#include "lacp.h"

const char *const lacp_rx_state_names[] = {
	[LACP_RX_NONE] = "NONE",
	[LACP_RX_INITIALIZE] = "INITIALIZE",
	[LACP_RX_PORT_DISABLED] = "PORT_DISABLED",
	[LACP_RX_LACP_DISABLED] = "LACP_DISABLED",
	[LACP_RX_EXPIRED] = "EXPIRED",
	[LACP_RX_DEFAULTED] = "DEFAULTED",
	[LACP_RX_CURRENT] = "CURRENT",
};

static const struct lacp_info partner_admin = {
	.sys_prio = 0xffff, .system = { 0 }, .key = 1, .port_prio = 0xff,
	.port = 1, .state = 0,
};

void lacp_record_default(struct lacp_port *p)
{
	p->partner = partner_admin;
	p->actor_state |= LACP_STATE_DEFAULTED;
}

/* The identity fields of two information TLVs (state aside). */
static bool same_id(const struct lacp_info *a, const struct lacp_info *b)
{
	return a->port == b->port && a->port_prio == b->port_prio &&
	       !memcmp(a->system, b->system, 6) && a->sys_prio == b->sys_prio &&
	       a->key == b->key;
}

/* update_Selected: the partner the PDU describes is not the one recorded. */
static void update_selected(struct lacp_port *p, const struct lacpdu *pdu)
{
	if (!same_id(&pdu->actor, &p->partner) ||
	    ((pdu->actor.state ^ p->partner.state) & LACP_STATE_AGGREGATION))
		p->selected = false;
}

/* update_Default_Selected: the admin defaults differ from what we had. */
static void update_default_selected(struct lacp_port *p)
{
	if (!same_id(&partner_admin, &p->partner) ||
	    ((partner_admin.state ^ p->partner.state) & LACP_STATE_AGGREGATION))
		p->selected = false;
}

/* update_NTT: the partner's view of us is out of date. */
static void update_ntt(struct bond *b, struct lacp_port *p, const struct lacpdu *pdu)
{
	const uint8_t bits = LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT |
			     LACP_STATE_SYNC | LACP_STATE_AGGREGATION;
	struct lacp_info me;

	lacp_actor_info(b, p, &me);
	if (!same_id(&pdu->partner, &me) || ((pdu->partner.state ^ me.state) & bits))
		p->ntt = true;
}

/* recordPDU: the partner's actor information becomes our partner_oper; its
 * SYNC counts only if it describes us correctly (or it is individual). */
static void record_pdu(struct bond *b, struct lacp_port *p, const struct lacpdu *pdu)
{
	struct lacp_info me;
	bool matched;

	lacp_actor_info(b, p, &me);
	p->partner = pdu->actor;
	p->actor_state &= (uint8_t)~LACP_STATE_DEFAULTED;
	matched = (same_id(&pdu->partner, &me) &&
		   !((pdu->partner.state ^ me.state) & LACP_STATE_AGGREGATION)) ||
		  !(pdu->actor.state & LACP_STATE_AGGREGATION);
	if (!matched || !(pdu->actor.state & LACP_STATE_SYNC))
		p->partner.state &= (uint8_t)~LACP_STATE_SYNC;
}

static bool from_ourselves(const struct bond *b, const struct lacpdu *pdu)
{
	return pdu->actor.sys_prio == lacp_sys_prio(b) &&
	       !memcmp(pdu->actor.system, lacp_system(b), 6);
}

static void rx_step(struct bond *b, struct lacp_port *p, const struct lacpdu *pdu)
{
	enum lacp_rx_state next = p->rx;

	/* Phase 1: choose the next state. */
	if (p->begin) {
		next = LACP_RX_INITIALIZE;
	} else if (!p->port_enabled) {
		next = LACP_RX_PORT_DISABLED;
	} else if (pdu && (p->rx == LACP_RX_EXPIRED || p->rx == LACP_RX_DEFAULTED ||
			   p->rx == LACP_RX_CURRENT)) {
		next = LACP_RX_CURRENT;
		if (p->rx != LACP_RX_CURRENT)
			p->churned = true;
		p->current_while = 0;
	} else if (p->current_while && !--p->current_while) {
		/* current_while_timer expired */
		if (p->rx == LACP_RX_EXPIRED)
			next = LACP_RX_DEFAULTED;
		else if (p->rx == LACP_RX_CURRENT)
			next = LACP_RX_EXPIRED;
	} else if (p->rx == LACP_RX_PORT_DISABLED) {
		/* port_enabled && LACP_Enabled / && !LACP_Enabled */
		next = p->lacp_enabled ? LACP_RX_EXPIRED : LACP_RX_LACP_DISABLED;
	}

	if (next == p->rx && !pdu)
		return;
	if (pdu && next != LACP_RX_CURRENT)
		return;       /* a PDU the current state does not take */

	/* Phase 2: entry actions. */
	p->rx = next;
	switch (next) {
	case LACP_RX_INITIALIZE:
		/* Selected = UNSELECTED; recordDefault(); Actor_Oper_Port_State.
		 * Expired = FALSE; port_moved = FALSE; UCT -> PORT_DISABLED */
		p->lacp_enabled = p->key & 1;
		p->selected = false;
		lacp_record_default(p);
		p->actor_state &= (uint8_t)~LACP_STATE_EXPIRED;
		p->churned = true;
		p->rx = LACP_RX_PORT_DISABLED;
		/* fall through */
	case LACP_RX_PORT_DISABLED:
		/* Partner_Oper_Port_State.Synchronization = FALSE */
		p->partner.state &= (uint8_t)~LACP_STATE_SYNC;
		break;
	case LACP_RX_LACP_DISABLED:
		/* Selected = UNSELECTED; recordDefault();
		 * Partner_Oper_Port_State.Aggregation = FALSE;
		 * Actor_Oper_Port_State.Expired = FALSE */
		p->selected = false;
		lacp_record_default(p);
		p->partner.state &= (uint8_t)~LACP_STATE_AGGREGATION;
		p->actor_state &= (uint8_t)~LACP_STATE_EXPIRED;
		break;
	case LACP_RX_EXPIRED:
		/* Partner_Oper_Port_State.Synchronization = FALSE;
		 * Partner_Oper_Port_State.LACP_Timeout = Short Timeout;
		 * start current_while_timer(Short Timeout);
		 * Actor_Oper_Port_State.Expired = TRUE */
		p->partner.state &= (uint8_t)~LACP_STATE_SYNC;
		p->partner.state |= LACP_STATE_TIMEOUT;
		p->current_while = LACP_SHORT_TIMEOUT;
		p->actor_state |= LACP_STATE_EXPIRED;
		p->churned = true;
		break;
	case LACP_RX_DEFAULTED:
		/* update_Default_Selected(); recordDefault();
		 * Actor_Oper_Port_State.Expired = FALSE */
		update_default_selected(p);
		lacp_record_default(p);
		p->actor_state &= (uint8_t)~LACP_STATE_EXPIRED;
		break;
	case LACP_RX_CURRENT:
		/* update_Selected(); update_NTT(); recordPDU();
		 * start current_while_timer(Actor_Oper_Port_State.LACP_Timeout);
		 * Actor_Oper_Port_State.Expired = FALSE */
		if (!pdu)
			break;
		update_selected(p, pdu);
		update_ntt(b, p, pdu);
		record_pdu(b, p, pdu);
		p->current_while = (p->actor_state & LACP_STATE_TIMEOUT) ?
				   LACP_SHORT_TIMEOUT : LACP_LONG_TIMEOUT;
		p->actor_state &= (uint8_t)~LACP_STATE_EXPIRED;
		break;
	case LACP_RX_NONE:
		break;
	}
}

void lacp_rx_run(struct bond *b, struct lacp_port *p, const struct lacpdu *pdu)
{
	struct lacp_port_view before;

	if (!pdu) {
		rx_step(b, p, NULL);
		return;
	}
	if (from_ourselves(b, pdu))
		return;
	/* The PDU goes to the log with what it changed (lacp_log.c). */
	lacp_port_view(p, &before);
	rx_step(b, p, pdu);
	lacp_log_rx(b, p, pdu, &before);
}
