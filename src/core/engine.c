/* The engine: the set of bonds of one network namespace, and the entry
 * points through which the outside world reaches them. */
#include "engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mode.h"
#include "mcast_rejoin.h"
#include "monitor.h"
#include "opt.h"

#define ENGINE_MAX_BONDS 256

struct engine {
	struct engine_ops ops;
	void *ctx;
	struct bond *bonds[ENGINE_MAX_BONDS];
	unsigned n_bonds;
};

struct engine *engine_new(const struct engine_ops *ops, void *ctx)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->ops = *ops;
	e->ctx = ctx;
	return e;
}

static void slave_free(struct slave *s)
{
	free(s->mode_priv);
	free(s);
}

static void bond_free_mem(struct bond *b)
{
	for (unsigned i = 0; i < b->n_slaves; i++)
		slave_free(b->slaves[i]);
	if (b->mode && b->mode->fini)
		b->mode->fini(b);
	free(b->mode_priv);
	free(b);
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	for (unsigned i = 0; i < e->n_bonds; i++)
		bond_free_mem(e->bonds[i]);
	free(e);
}

const struct engine_ops *engine_ops_of(const struct engine *e)
{
	return &e->ops;
}

void *engine_ctx_of(const struct engine *e)
{
	return e->ctx;
}

static bool valid_ifname(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= BOND_NAME_MAX)
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ' || *p == '\t' || *p == '\n' ||
		    (unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			return false;
	return true;
}

struct bond *engine_bond_new(struct engine *e, const char *name, struct err *err)
{
	struct bond *b;

	if (!valid_ifname(name)) {
		err_set(err, -EINVAL, "invalid bond name '%s' (1-15 characters, no '/', ':' or spaces)", name);
		return NULL;
	}
	if (engine_bond_find(e, name)) {
		err_set(err, -EEXIST, "bonding: %s already exists", name);
		return NULL;
	}
	if (e->n_bonds >= ENGINE_MAX_BONDS) {
		err_set(err, -ENOSPC, "too many bonds (at most %d)", ENGINE_MAX_BONDS);
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	b->eng = e;
	strcpy(b->name, name);
	opt_defaults(&b->params);
	b->mac_random = true;
	b->rand_state = 0x9e3779b9u;
	if (bond_set_mode(b, b->params.mode, err) < 0) {
		free(b);
		return NULL;
	}
	e->bonds[e->n_bonds++] = b;
	return b;
}

struct bond *engine_bond_find(const struct engine *e, const char *name)
{
	for (unsigned i = 0; i < e->n_bonds; i++)
		if (!strcmp(e->bonds[i]->name, name))
			return e->bonds[i];
	return NULL;
}

unsigned engine_bond_count(const struct engine *e)
{
	return e->n_bonds;
}

struct bond *engine_bond_at(const struct engine *e, unsigned i)
{
	return i < e->n_bonds ? e->bonds[i] : NULL;
}

void engine_bond_free(struct engine *e, struct bond *b, uint64_t now_ms)
{
	unsigned i;

	while (b->n_slaves)
		bond_release(b, b->slaves[b->n_slaves - 1], now_ms);
	for (i = 0; i < e->n_bonds; i++)
		if (e->bonds[i] == b)
			break;
	if (i == e->n_bonds)
		return;
	memmove(&e->bonds[i], &e->bonds[i + 1], (e->n_bonds - i - 1) * sizeof(e->bonds[0]));
	e->n_bonds--;
	bond_free_mem(b);
}

void bond_set_admin(struct bond *b, bool up, uint64_t now_ms)
{
	if (b->admin_up == up)
		return;
	b->admin_up = up;
	monitor_bond_admin(b, now_ms);
	bond_reselect(b, now_ms);
}

void bond_set_addrs(struct bond *b, const uint32_t *v4, const uint8_t *prefix4,
		    unsigned n4, const uint8_t (*v6)[16], unsigned n6)
{
	if (n4 > ARRAY_SIZE(b->ipv4))
		n4 = ARRAY_SIZE(b->ipv4);
	if (n6 > ARRAY_SIZE(b->ipv6))
		n6 = ARRAY_SIZE(b->ipv6);
	if (n4) {
		memcpy(b->ipv4, v4, n4 * sizeof(b->ipv4[0]));
		for (unsigned i = 0; i < n4; i++)
			b->ipv4_prefix[i] = prefix4 ? prefix4[i] : 32;
	}
	b->n_ipv4 = n4;
	if (n6)
		memcpy(b->ipv6, v6, n6 * sizeof(b->ipv6[0]));
	b->n_ipv6 = n6;
}

struct slave *bond_enslave(struct bond *b, const char *name, const uint8_t perm_mac[6],
			   const struct link_info *li, void *io, uint64_t now_ms,
			   struct err *err)
{
	struct engine *e = b->eng;
	struct slave *s;

	if (!valid_ifname(name)) {
		err_set(err, -EINVAL, "invalid interface name '%s'", name);
		return NULL;
	}
	if (!strcmp(name, b->name)) {
		err_set(err, -EPERM, "%s: cannot enslave bond to itself.", b->name);
		return NULL;
	}
	for (unsigned i = 0; i < e->n_bonds; i++) {
		struct slave *o = bond_find_slave(e->bonds[i], name);

		if (o) {
			err_set(err, -EBUSY, "%s: (slave %s): Device is already a slave of %s",
				b->name, name, e->bonds[i]->name);
			return NULL;
		}
		if (!strcmp(e->bonds[i]->name, name)) {
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
	if (b->n_slaves == 0) {
		b->next_ad_port = 1;
		b->next_agg_id = 0;
		if (!b->mac_set_by_user && b->mac_random) {
			b->mac_random = false;
			bond_set_mac(b, perm_mac);
		}
	}
	s->ad_port_number = b->next_ad_port++;
	b->slaves[b->n_slaves++] = s;

	monitor_slave_init(b, s, now_ms);
	bond_apply_slave_macs(b);
	mode_slave_add(b, s, now_ms);

	/* The primary takes over when it is enslaved (force_primary). */
	if (b->params.primary[0] && !strcmp(b->params.primary, name) &&
	    bond_mode_uses_primary(b->params.mode))
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
	if (was_active)
		bond_change_active(b, NULL, now_ms);
	if (b->current_arp_slave == s)
		b->current_arp_slave = NULL;
	memmove(&b->slaves[i], &b->slaves[i + 1], (b->n_slaves - i - 1) * sizeof(b->slaves[0]));
	b->n_slaves--;
	/* Give the device its own address back before the I/O layer restores
	 * the rest (it will do so anyway; this keeps the engine's view right). */
	/* The kernel has marked the slave backup by the time it says so. */
	bond_log(b, s, LOG_INFO_, "Releasing backup interface");
	if (b->n_slaves == 0) {
		/* Like the kernel, the bond forgets the address it borrowed, so
		 * the next first slave gives it a new one. */
		if (!b->mac_set_by_user)
			b->mac_random = true;
	}
	bond_reselect(b, now_ms);
	slave_free(s);
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
	b->eng->ops.deliver(b->eng->ctx, b, mode_rx_frame(b, s, frame, len), len, meta);
}

int bond_set_active_slave(struct bond *b, const char *name, uint64_t now_ms,
			  struct err *err)
{
	struct slave *s;

	if (!bond_mode_uses_primary(b->params.mode)) {
		err_set(err, -EACCES, "option active_slave: mode dependency failed, not supported in mode %s(%u)",
			b->mode->name, b->params.mode);
		return -EACCES;
	}
	if (!name || !name[0] || !strcmp(name, "none")) {
		/* Clearing lets the selection pick again. */
		bond_change_active(b, NULL, now_ms);
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
	bond_change_active(b, s, now_ms);
	bond_update_usable(b);
	bond_update_carrier(b);
	return 0;
}

uint64_t engine_tick(struct engine *e, uint64_t now_ms)
{
	uint64_t next = UINT64_MAX;

	for (unsigned i = 0; i < e->n_bonds; i++) {
		struct bond *b = e->bonds[i];
		uint64_t t;

		b->now_ms = now_ms;
		t = monitor_tick(b, now_ms);

		if (t < next)
			next = t;
		t = mode_tick(b, now_ms);
		if (t < next)
			next = t;
		t = mcast_rejoin_tick(b, now_ms);
		if (t < next)
			next = t;
	}
	return next;
}
