/* The periodic transmission machine (802.1AX 6.4.13): asks for a LACPDU
 * every second while the partner wants the short timeout (its TIMEOUT bit),
 * every 30 s otherwise, and not at all when neither side is active or the
 * port cannot run LACP.
 *
 * Timer values follow the kernel: FAST/SLOW load one tick less than the
 * period, and PERIODIC_TX takes one tick of its own, so a period is exactly
 * 10 (or 300) ticks. Left out: nothing beyond the standard machine.
 */
#include "lacp.h"

const char *const lacp_ptx_state_names[] = {
	[LACP_PTX_NO_PERIODIC] = "NO_PERIODIC",
	[LACP_PTX_FAST_PERIODIC] = "FAST_PERIODIC",
	[LACP_PTX_SLOW_PERIODIC] = "SLOW_PERIODIC",
	[LACP_PTX_PERIODIC_TX] = "PERIODIC_TX",
};

/* Partner_Oper_Port_State.LACP_Timeout == Short Timeout */
static bool partner_short(const struct lacp_port *p)
{
	return p->partner.state & LACP_STATE_TIMEOUT;
}

void lacp_ptx_run(struct bond *b, struct lacp_port *p)
{
	enum lacp_ptx_state next = p->ptx;

	(void)b;
	/* Phase 1. */
	if (p->begin || !p->lacp_enabled || !p->port_enabled ||
	    (!(p->actor_state & LACP_STATE_ACTIVITY) &&
	     !(p->partner.state & LACP_STATE_ACTIVITY))) {
		next = LACP_PTX_NO_PERIODIC;
	} else if (p->periodic_timer) {
		if (!--p->periodic_timer)
			next = LACP_PTX_PERIODIC_TX;    /* periodic_timer expired */
		else if (p->ptx == LACP_PTX_FAST_PERIODIC && !partner_short(p))
			next = LACP_PTX_SLOW_PERIODIC;
		else if (p->ptx == LACP_PTX_SLOW_PERIODIC && partner_short(p))
			next = LACP_PTX_PERIODIC_TX;
	} else if (p->ptx == LACP_PTX_NO_PERIODIC) {
		next = LACP_PTX_FAST_PERIODIC;          /* UCT */
	} else if (p->ptx == LACP_PTX_PERIODIC_TX) {
		next = partner_short(p) ? LACP_PTX_FAST_PERIODIC : LACP_PTX_SLOW_PERIODIC;
	}
	if (next == p->ptx)
		return;

	/* Phase 2. */
	p->ptx = next;
	switch (next) {
	case LACP_PTX_NO_PERIODIC:
		/* stop periodic_timer */
		p->periodic_timer = 0;
		break;
	case LACP_PTX_FAST_PERIODIC:
		/* start periodic_timer(fast_periodic_time) */
		p->periodic_timer = LACP_FAST_PERIODIC - 1;
		break;
	case LACP_PTX_SLOW_PERIODIC:
		/* start periodic_timer(slow_periodic_time) */
		p->periodic_timer = LACP_SLOW_PERIODIC - 1;
		break;
	case LACP_PTX_PERIODIC_TX:
		/* NTT = TRUE */
		p->periodic_timer = 0;
		p->ntt = true;
		break;
	}
}
