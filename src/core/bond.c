/* Bond-level logic: active slave selection (bond_choose_primary_or_current
 * / bond_find_best_slave of the kernel), roles, the precomputed transmit
 * set, carrier and MAC addresses. */
#include "bond.h"

#include <errno.h>
#include <string.h>

#include "mcast_rejoin.h"

struct slave *bond_primary_slave(const struct bond *b)
{
	if (!b->params.primary[0] || !b->mode->uses_primary)
		return NULL;
	return bond_find_slave(b, b->params.primary);
}

/* bond_choose_primary_or_current(): the primary when it should win, else
 * the highest-prio slave when it may take over, else the current one. */
static struct slave *choose_primary_or_current(struct bond *b)
{
	struct slave *prim = bond_primary_slave(b);
	struct slave *curr = b->active;

	if (!prim || prim->link != SLAVE_LINK_UP) {
		struct slave *hprio = NULL;

		for (unsigned i = 0; i < b->n_slaves; i++) {
			struct slave *s = b->slaves[i];

			if (s->link != SLAVE_LINK_UP)
				continue;
			if (!hprio || s->prio > hprio->prio)
				hprio = s;
		}
		if (hprio && hprio != curr) {
			if (!curr || curr->link != SLAVE_LINK_UP)
				return hprio;
			if (hprio->prio > curr->prio &&
			    b->params.primary_reselect == PRI_RESELECT_ALWAYS)
				return hprio;
		}
		return curr && curr->link == SLAVE_LINK_UP ? curr : NULL;
	}
	if (b->force_primary) {
		b->force_primary = false;
		return prim;
	}
	if (!curr || curr->link != SLAVE_LINK_UP)
		return prim;
	switch (b->params.primary_reselect) {
	case PRI_RESELECT_BETTER:
		if (prim->speed > curr->speed)
			return prim;
		if (prim->speed == curr->speed && prim->duplex > curr->duplex &&
		    prim->duplex != DUPLEX_UNKNOWN)
			return prim;
		return curr;
	case PRI_RESELECT_FAILURE:
		return curr;
	default:
		return prim;
	}
}

/* bond_find_best_slave(): failing the above, the first slave with link UP,
 * else the "going back" slave closest to the end of its updelay. */
static struct slave *find_best_slave(struct bond *b)
{
	struct slave *best = choose_primary_or_current(b), *back = NULL;
	/* Only a slave whose updelay has already started to run down can be
	 * picked early (the kernel starts mintime at updelay). */
	int32_t mintime = (int32_t)b->params.updelay;

	if (best)
		return best;
	for (unsigned i = 0; i < b->n_slaves; i++) {
		struct slave *s = b->slaves[i];

		if (s->link == SLAVE_LINK_UP)
			return s;
		if (s->link == SLAVE_LINK_BACK && slave_dev_up(s) && s->delay < mintime) {
			mintime = s->delay;
			back = s;
		}
	}
	return back;
}

/* Says why the active slave changed: what the caller named
 * (b->active_why), else what the change itself shows. */
static void active_event(struct bond *b, const struct slave *old, const struct slave *s)
{
	const struct slave *prim = bond_primary_slave(b);
	const char *state = s ? "active" : "none";

	if (b->active_why)
		bond_event(b, s, BOND_EV_ACTIVE, state, "%s%s%s", b->active_why,
			   old ? ", was " : "", old ? old->name : "");
	else if (!s)
		bond_event(b, NULL, BOND_EV_ACTIVE, state, "failure: no slave can be active%s%s",
			   old ? ", was " : "", old ? old->name : "");
	else if (!old)
		bond_event(b, s, BOND_EV_ACTIVE, state, "no active slave before");
	else if (old->link != SLAVE_LINK_UP)
		bond_event(b, s, BOND_EV_ACTIVE, state, "failure of %s", old->name);
	else if (s == prim)
		bond_event(b, s, BOND_EV_ACTIVE, state, "primary back (primary_reselect %s), was %s",
			   b->params.primary_reselect == PRI_RESELECT_BETTER ? "better" :
			   b->params.primary_reselect == PRI_RESELECT_FAILURE ? "failure" :
			   "always", old->name);
	else
		bond_event(b, s, BOND_EV_ACTIVE, state, "reselect policy (prio %d over %d), was %s",
			   s->prio, old->prio, old->name);
}

void bond_change_active(struct bond *b, struct slave *s, uint64_t now_ms)
{
	struct slave *old = b->active;
	bool primary_mode = b->mode->uses_primary;

	if (old == s)
		return;
	if (s) {
		s->last_link_up_ms = now_ms;
		if (s->link == SLAVE_LINK_BACK) {
			/* Chosen while its updelay still runs: cut it short. */
			if (primary_mode)
				bond_log(b, s, LOG_INFO_,
					 "making interface the new active one %d ms earlier",
					 (int)(b->params.updelay - (uint32_t)(s->delay > 0 ? s->delay : 0)) *
					 (int)b->params.miimon);
			s->delay = 0;
			s->link = SLAVE_LINK_UP;
			mode_link_change(b, s, now_ms);
		} else if (primary_mode) {
			bond_log(b, s, LOG_INFO_, "making interface the new active one");
		}
	}
	b->active = s;
	bond_refresh_roles(b);
	if (primary_mode)
		active_event(b, old, s);
	mode_active_changed(b, old, s, now_ms);
	mcast_rejoin_arm(b, s, now_ms);
}

void bond_refresh_roles(struct bond *b)
{
	for (unsigned i = 0; i < b->n_slaves; i++) {
		struct slave *s = b->slaves[i];

		s->backup = mode_slave_is_backup(b, s);
		s->inactive = mode_slave_inactive(b, s);
	}
}

void bond_update_usable(struct bond *b)
{
	unsigned n = 0;

	for (unsigned i = 0; i < b->n_slaves; i++)
		if (mode_slave_usable(b, b->slaves[i]))
			b->usable[n++] = b->slaves[i];
	b->n_usable = n;
	mode_usable_changed(b);
}

void bond_update_carrier(struct bond *b)
{
	bond_act_set_carrier(b, mode_carrier(b));
}

void bond_reselect(struct bond *b, uint64_t now_ms)
{
	struct slave *best = find_best_slave(b);

	if (best != b->active) {
		bool was = b->carrier;

		bond_change_active(b, best, now_ms);
		bond_update_usable(b);
		bond_update_carrier(b);
		/* The kernel's levels: the loss is an error (netdev_err),
		 * so `journalctl -p err` finds it. */
		if (b->carrier != was)
			bond_log(b, NULL, b->carrier ? LOG_INFO_ : LOG_ERR_, b->carrier ?
				 "active interface up!" :
				 "now running without any active interface!");
	} else {
		bond_refresh_roles(b);
		bond_update_usable(b);
		bond_update_carrier(b);
	}
}

void bond_apply_slave_macs(struct bond *b)
{
	mode_apply_macs(b);
}

void bond_set_mac(struct bond *b, const uint8_t mac[6])
{
	bond_act_set_dev_mac(b, mac);
	bond_apply_slave_macs(b);
}
