/* The churn detection machines (802.1AX 6.4.17), actor and partner: after
 * the rx machine (re)starts the port, expires or first hears a partner,
 * each watches its side for LACP_CHURN_TIME (60 s, "monitoring"); at the
 * end the side is "none" if in sync, else "churned" and counted.
 *
 * Left out: the standard's re-arming of a churned side when it later
 * gets in sync (the kernel leaves it churned until the next restart).
 */
#include "lacp.h"

const char *const lacp_churn_state_names[] = {
	[LACP_CHURN_MONITOR] = "monitoring",
	[LACP_CHURN_NONE] = "none",
	[LACP_CHURN_CHURNED] = "churned",
};

static void side(enum lacp_churn_state *st, uint32_t *timer, uint32_t *count,
		 bool in_sync)
{
	if (!*timer || --*timer || *st != LACP_CHURN_MONITOR)
		return;
	/* actor/partner_churn_timer expired */
	if (in_sync) {
		*st = LACP_CHURN_NONE;
	} else {
		*st = LACP_CHURN_CHURNED;
		(*count)++;
	}
}

static void churn_step(struct lacp_port *p)
{
	if (p->churned) {
		/* ACTOR_CHURN_MONITOR / PARTNER_CHURN_MONITOR entry:
		 * start the churn timers */
		p->churned = false;
		p->actor_churn = p->partner_churn = LACP_CHURN_MONITOR;
		p->actor_churn_timer = p->partner_churn_timer = LACP_CHURN_TIME;
		return;
	}
	side(&p->actor_churn, &p->actor_churn_timer, &p->actor_churn_count,
	     p->actor_state & LACP_STATE_SYNC);
	side(&p->partner_churn, &p->partner_churn_timer, &p->partner_churn_count,
	     p->partner.state & LACP_STATE_SYNC);
}

/* The last machine of a port's tick: what the tick changed goes to the
 * port's log (lacp_log.c). */
void lacp_churn_run(struct bond *b, struct lacp_port *p)
{
	uint32_t actor = p->actor_churn_count, partner = p->partner_churn_count;

	churn_step(p);
	if (p->actor_churn_count != actor || p->partner_churn_count != partner)
		bond_event(b, p->slave, BOND_EV_LACP, "churn",
			   "%s%s%s not in sync after the churn timer",
			   p->actor_churn_count != actor ? "actor" : "",
			   p->actor_churn_count != actor && p->partner_churn_count != partner ?
			   " and " : "",
			   p->partner_churn_count != partner ? "partner" : "");
	lacp_log_sync(b, p);
}
