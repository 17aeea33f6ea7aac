/* Slaves and the frames that pass through them: enslave and release, link
 * events from the OS, the choice of active slave by name, transmit from the
 * host and receive from a slave. */
#include "engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "monitor.h"

struct slave *bond_enslave(struct bond *b, const char *name, const uint8_t perm_mac[6],
			   const struct link_info *li, void *io, uint64_t now_ms,
			   struct err *err)
{
	struct engine *e = b->eng;
	struct slave *s;

	if (!ifname_valid(name)) {
		err_set(err, -EINVAL, "invalid interface name '%s'", name);
		return NULL;
	}
	if (!strcmp(name, b->name)) {
		err_set(err, -EPERM, "%s: cannot enslave bond to itself.", b->name);
		return NULL;
	}
	for (unsigned i = 0; i < engine_bond_count(e); i++) {
		const struct bond *ob = engine_bond_at(e, i);

		if (bond_find_slave(ob, name)) {
			err_set(err, -EBUSY, "%s: (slave %s): Device is already a slave of %s",
				b->name, name, ob->name);
			return NULL;
		}
		if (!strcmp(ob->name, name)) {
			err_set(err, -EPERM, "%s: (slave %s): bondd does not nest bonds",
				b->name, name);
			return NULL;
		}
	}
	if (b->n_slaves >= BOND_MAX_SLAVES) {
		err_set(err, -ENOSPC, "%s: too many slaves (at most %d)", b->name, BOND_MAX_SLAVES);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	if (b->mode->slave_priv_size) {
		s->mode_priv = calloc(1, b->mode->slave_priv_size);
		if (!s->mode_priv) {
			free(s);
			err_set(err, -ENOMEM, "out of memory");
			return NULL;
		}
	}
	s->bond = b;
	s->io = io;
	strcpy(s->name, name);
	memcpy(s->perm_mac, perm_mac, 6);
	memcpy(s->cur_mac, perm_mac, 6);
	s->os = *li;
	s->speed = li->speed;
	s->duplex = li->duplex;
	s->backup = true;
	s->inactive = true;
	s->ad_actor_port_prio = 255;

	/* The first slave of a bond without an address of its own gives it
	 * one (the kernel's bond_set_dev_addr on first enslave). */
	if (b->n_slaves == 0 && !b->mac_set_by_user && b->mac_random) {
		b->mac_random = false;
		bond_set_mac(b, perm_mac);
	}
	b->slaves[b->n_slaves++] = s;
	s->link_since_ms = now_ms;
	bond_event(b, s, BOND_EV_SLAVE, "added", "enslaved with link %s",
		   li->running && li->carrier ? "up" : "down");

	monitor_slave_init(b, s, now_ms);
	bond_apply_slave_macs(b);
	mode_slave_add(b, s, now_ms);

	/* The primary takes over when it is enslaved (force_primary). */
	if (b->params.primary[0] && !strcmp(b->params.primary, name) &&
	    b->mode->uses_primary)
		b->force_primary = true;
	bond_reselect(b, now_ms);
	bond_refresh_roles(b);
	bond_log(b, s, LOG_INFO_, "Enslaving as %s interface with %s link",
		 s->backup ? "a backup" : "an active",
		 s->link != SLAVE_LINK_DOWN ? "an up" : "a down");
	return s;
}

void bond_release(struct bond *b, struct slave *s, uint64_t now_ms)
{
	unsigned i;
	bool was_active = b->active == s;

	for (i = 0; i < b->n_slaves; i++)
		if (b->slaves[i] == s)
			break;
	if (i == b->n_slaves)
		return;
	mode_slave_del(b, s, now_ms);
	if (was_active) {
		b->active_why = "released";
		bond_change_active(b, NULL, now_ms);
		b->active_why = NULL;
	}
	if (b->current_arp_slave == s)
		b->current_arp_slave = NULL;
	memmove(&b->slaves[i], &b->slaves[i + 1], (b->n_slaves - i - 1) * sizeof(b->slaves[0]));
	b->n_slaves--;
	/* Give the device its own address back before the I/O layer restores
	 * the rest (it will do so anyway; this keeps the engine's view right). */
	/* The kernel has marked the slave backup by the time it says so. */
	bond_log(b, s, LOG_INFO_, "Releasing backup interface");
	bond_event(b, s, BOND_EV_SLAVE, "released", "released");
	if (b->n_slaves == 0) {
		/* Like the kernel, the bond forgets the address it borrowed, so
		 * the next first slave gives it a new one. */
		if (!b->mac_set_by_user)
			b->mac_random = true;
	}
	bond_reselect(b, now_ms);
	free(s->mode_priv);
	free(s);
}

void slave_link_event(struct slave *s, const struct link_info *li, uint64_t now_ms)
{
	struct bond *b = s->bond;
	bool speed_changed = li->speed != s->os.speed || li->duplex != s->os.duplex;

	s->os = *li;
	/* Speed and duplex keep their last known values when the link drops,
	 * as /proc shows them. */
	if (li->carrier && li->speed != SPEED_UNKNOWN)
		s->speed = li->speed;
	if (li->carrier && li->duplex != DUPLEX_UNKNOWN)
		s->duplex = li->duplex;
	monitor_link_event(b, s, now_ms);
	if (speed_changed)
		mode_link_change(b, s, now_ms);
	/* Without miimon the kernel still refreshes the transmit array on
	 * carrier events, so transmit never uses a slave without carrier. */
	bond_update_usable(b);
}

void bond_xmit(struct bond *b, const uint8_t *frame, size_t len, const void *meta,
	       uint64_t now_ms)
{
	if (len < 14)
		return;
	b->now_ms = now_ms;
	mode_xmit(b, frame, len, meta, now_ms);
}

void bond_xmit_vlan(struct bond *b, const uint8_t *frame, size_t len, const void *meta,
		    uint64_t now_ms)
{
	if (len < 14)
		return;
	b->now_ms = now_ms;
	mode_xmit_vlan(b, frame, len, meta, now_ms);
}

void slave_receive(struct slave *s, const uint8_t *frame, size_t len,
		   const void *meta, uint64_t now_ms)
{
	struct bond *b = s->bond;

	if (len < 14) {
		s->stats.rx_dropped++;
		return;
	}
	s->stats.rx_packets++;
	s->stats.rx_bytes += len;
	b->now_ms = now_ms;
	monitor_rx(b, s, frame, len, now_ms);
	if (mode_rx_control(b, s, frame, len, now_ms))
		return;
	if (!b->admin_up || !mode_rx_accept(b, s, frame, len)) {
		s->stats.rx_dropped++;
		return;
	}
	b->ops->deliver(b->ctx, b, mode_rx_frame(b, s, frame, len), len, meta);
}

void slave_rx_seen(struct slave *s, uint64_t at_ms)
{
	monitor_rx_seen(s->bond, s, at_ms);
}

int bond_set_active_slave(struct bond *b, const char *name, uint64_t now_ms,
			  struct err *err)
{
	struct slave *s;

	if (!b->mode->uses_primary) {
		err_set(err, -EACCES, "option active_slave: mode dependency failed, not supported in mode %s(%u)",
			b->mode->name, b->params.mode);
		return -EACCES;
	}
	if (!name || !name[0] || !strcmp(name, "none")) {
		/* Clearing lets the selection pick again. */
		b->active_why = "manual (cleared)";
		bond_change_active(b, NULL, now_ms);
		b->active_why = NULL;
		bond_reselect(b, now_ms);
		return 0;
	}
	s = bond_find_slave(b, name);
	if (!s) {
		bool elsewhere = false;

		for (unsigned i = 0; i < engine_bond_count(b->eng); i++)
			if (bond_find_slave(engine_bond_at(b->eng, i), name))
				elsewhere = true;
		err_set(err, -EINVAL, "%s: (slave %s): %s", b->name, name,
			elsewhere ? "Device is not our slave" : "Device is not bonding slave");
		return -EINVAL;
	}
	if (s == b->active)
		return 0;
	if (!s->os.running || !s->os.carrier || s->link != SLAVE_LINK_UP) {
		err_set(err, -EINVAL, "%s: (slave %s): Could not set as active slave; either %s is down or the link is down",
			b->name, name, name);
		return -EINVAL;
	}
	b->active_why = "manual";
	bond_change_active(b, s, now_ms);
	b->active_why = NULL;
	bond_update_usable(b);
	bond_update_carrier(b);
	return 0;
}
