/* What the modes, the monitors and the option setters share: active slave
 * selection (bond_choose_primary_or_current / bond_find_best_slave of the
 * kernel), the precomputed transmit set, carrier, roles and MAC addresses. */
#include "bond.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "mode.h"
#include "mcast_rejoin.h"
#include "monitor.h"
#include "peer_notify.h"

struct slave *bond_find_slave(const struct bond *b, const char *name)
{
	for (unsigned i = 0; i < b->n_slaves; i++)
		if (!strcmp(b->slaves[i]->name, name))
			return b->slaves[i];
	return NULL;
}

bool slave_can_tx(const struct slave *s)
{
	return s->os.running && s->os.carrier && s->link == SLAVE_LINK_UP;
}

static bool slave_dev_up(const struct slave *s)
{
	return s->os.running && s->os.carrier;
}

bool bond_mode_uses_primary(uint32_t mode)
{
	return mode == BOND_MODE_ACTIVEBACKUP || mode == BOND_MODE_TLB ||
	       mode == BOND_MODE_ALB;
}

bool bond_mode_uses_xmit_hash(const struct bond *b)
{
	return b->params.mode == BOND_MODE_XOR || b->params.mode == BOND_MODE_8023AD ||
	       (b->params.mode == BOND_MODE_TLB && !b->params.tlb_dynamic_lb);
}

bool bond_mode_uses_arp(uint32_t mode)
{
	return mode != BOND_MODE_8023AD && mode != BOND_MODE_TLB && mode != BOND_MODE_ALB;
}

struct slave *bond_primary_slave(const struct bond *b)
{
	if (!b->params.primary[0] || !bond_mode_uses_primary(b->params.mode))
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

void bond_change_active(struct bond *b, struct slave *s, uint64_t now_ms)
{
	struct slave *old = b->active;
	bool primary_mode = bond_mode_uses_primary(b->params.mode);

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

	/* balance-rr's map: walk backwards so each entry knows the next
	 * transmit-capable slave at or after it, wrapping around once. */
	for (unsigned i = 0; i < b->n_slaves; i++)
		b->rr_map[i] = NULL;
	if (b->n_slaves) {
		struct slave *next = NULL;

		for (unsigned pass = 0; pass < 2; pass++)
			for (unsigned i = b->n_slaves; i-- > 0;) {
				if (slave_can_tx(b->slaves[i]))
					next = b->slaves[i];
				b->rr_map[i] = next;
			}
	}
}

void bond_update_carrier(struct bond *b)
{
	bool up = mode_carrier(b);

	if (up == b->carrier)
		return;
	b->carrier = up;
	engine_ops_of(b->eng)->set_carrier(engine_ctx_of(b->eng), b, up);
}

void bond_reselect(struct bond *b, uint64_t now_ms)
{
	struct slave *best = find_best_slave(b);

	if (best != b->active) {
		bool was = b->carrier;

		bond_change_active(b, best, now_ms);
		bond_update_usable(b);
		bond_update_carrier(b);
		if (b->carrier != was)
			bond_log(b, NULL, LOG_INFO_, b->carrier ?
				 "active interface up!" :
				 "now running without any active interface!");
	} else {
		bond_refresh_roles(b);
		bond_update_usable(b);
		bond_update_carrier(b);
	}
}

void bond_set_slave_mac(struct bond *b, struct slave *s, const uint8_t mac[6])
{
	if (mac_eq(s->cur_mac, mac))
		return;
	memcpy(s->cur_mac, mac, 6);
	engine_ops_of(b->eng)->set_slave_mac(engine_ctx_of(b->eng), s, mac);
}

void bond_apply_slave_macs(struct bond *b)
{
	mode_apply_macs(b);
}

void bond_set_mac(struct bond *b, const uint8_t mac[6])
{
	if (!mac_eq(b->mac, mac)) {
		memcpy(b->mac, mac, 6);
		engine_ops_of(b->eng)->set_bond_mac(engine_ctx_of(b->eng), b, mac);
	}
	bond_apply_slave_macs(b);
}

void bond_log(const struct bond *b, const struct slave *s, int level,
	      const char *fmt, ...)
{
	char line[640];
	int n;
	va_list ap;

	if (s)
		n = snprintf(line, sizeof(line), "%s: (slave %s): ", b->name, s->name);
	else
		n = snprintf(line, sizeof(line), "%s: ", b->name);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	engine_ops_of(b->eng)->log(engine_ctx_of(b->eng), level, line);
}

uint32_t bond_updelay_ms(const struct bond *b)
{
	return b->params.updelay * b->params.miimon;
}

uint32_t bond_downdelay_ms(const struct bond *b)
{
	return b->params.downdelay * b->params.miimon;
}

uint32_t bond_peer_notif_delay_ms(const struct bond *b)
{
	return b->params.peer_notif_delay * b->params.miimon;
}

int bond_set_mode(struct bond *b, uint32_t mode, struct err *err)
{
	const struct mode_ops *ops = mode_lookup(mode);
	void *priv = NULL;

	if (!ops) {
		err_set(err, -EOPNOTSUPP, "option mode: mode %u is not supported by bondd yet", mode);
		return -EOPNOTSUPP;
	}
	if (b->n_slaves) {
		err_set(err, -ENOTEMPTY, "option mode: unable to set because the bond device has slaves");
		return -ENOTEMPTY;
	}
	if (ops->priv_size) {
		priv = calloc(1, ops->priv_size);
		if (!priv) {
			err_set(err, -ENOMEM, "out of memory");
			return -ENOMEM;
		}
	}
	if (b->mode && b->mode->fini)
		b->mode->fini(b);
	free(b->mode_priv);
	b->mode = ops;
	b->mode_priv = priv;
	b->params.mode = mode;
	b->active = NULL;
	if (ops->init)
		ops->init(b);
	return 0;
}

void bond_schedule_peer_notify(struct bond *b, uint64_t now_ms)
{
	uint32_t d = b->params.peer_notif_delay ? b->params.peer_notif_delay : 1;

	if (!b->admin_up)
		return;
	b->send_peer_notif = b->params.num_peer_notif * d;
	if (bond_should_notify_peers(b)) {
		b->send_peer_notif--;
		peer_notify_send(b, now_ms);
	}
}
