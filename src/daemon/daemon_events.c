/* Device events: what rtnetlink says about the bonds' and slaves' devices
 * (link up/down, carrier, MTU, MAC set by the admin, removal, addresses),
 * turned into engine events; and slave promiscuity, which follows the bond
 * device's flags. */
#include "daemon.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "daemon_impl.h"
#include "config/conf.h"
#include "core/actions.h"
#include "core/mode.h"
#include "linux/ethtool.h"
#include "linux/packet.h"
#include "linux/rtnl.h"

void daemon_read_link_info(const struct rtnl_link *l, struct link_info *li)
{
	li->running = l->flags & IFF_UP;
	li->carrier = (l->flags & IFF_LOWER_UP) && (l->flags & IFF_UP);
	ethtool_link(l->name, &li->speed, &li->duplex);
}

void daemon_poll_carriers(struct daemon *d, uint64_t now)
{
	for (unsigned i = 0; i < d->n_bonds; i++) {
		struct dbond *db = d->bonds[i];

		if (!db->b->params.miimon)
			continue;
		/* BONDD_CARRIER_WATCH=tick: only when the engine's MII
		 * monitor is due, as the kernel's driver reads the carrier */
		if (d->cw_tick_only && now < db->b->next_mii_ms)
			continue;
		for (unsigned j = 0; j < db->n_slaves; j++)
			daemon_slave_carrier_check(d, db->slaves[j], now);
	}
}

void daemon_slave_carrier_check(struct daemon *d, struct dslave *ds, uint64_t now)
{
	if (!ds->s || ds->gone || !ds->s->os.running)
		return;
	daemon_slave_carrier_is(d, ds, ethtool_carrier(ds->name), now);
}

void daemon_slave_carrier_is(struct daemon *d, struct dslave *ds, int c, uint64_t now)
{
	const struct slave *was;
	struct link_info li;

	if (!ds->s || ds->gone || !ds->s->os.running)
		return;
	if (c < 0 || (c == 1) == ds->s->os.carrier)
		return;
	li = ds->s->os;
	li.carrier = c == 1;
	if (li.carrier)
		ethtool_link(ds->name, &li.speed, &li.duplex);
	was = ds->db->b->active;
	slave_link_event(ds->s, &li, now);
	daemon_failover_mark(d, ds->db, was);
	/* The data path carries the decision out now, not at the end of the
	 * loop's turn (after the counters and the other timers): every
	 * 100 us there is one more frame of a 10 kHz stream sent into the
	 * dead link. */
	if (d->dp->sync)
		d->dp->sync(d);
}

int daemon_read_addrs(struct daemon *d, int ifindex, const char *name,
		      struct dev_addrs *out)
{
	struct rtnl_addr a[64];
	struct err err = { 0 };
	int n = rtnl_addr_list(d->rtnl, ifindex, a, ARRAY_SIZE(a), &err);

	memset(out, 0, sizeof(*out));
	/* Not read: the caller leaves the engine with the addresses it had
	 * (an empty list would stop ARP validation and alb's replies).
	 * -ENOSPC: the first 64 are used. */
	if (n < 0 && n != -ENOSPC) {
		daemon_logl(d, LOG_ERR, "%s: cannot read its addresses: %s", name, err.msg);
		return n;
	}
	if (n < 0)
		n = ARRAY_SIZE(a);
	for (int i = 0; i < n; i++) {
		if (a[i].family == AF_INET && out->n4 < ARRAY_SIZE(out->v4)) {
			out->p4[out->n4] = a[i].prefixlen;
			memcpy(&out->v4[out->n4++], a[i].addr, 4);
		} else if (a[i].family == AF_INET6 && out->n6 < ARRAY_SIZE(out->v6)) {
			out->p6[out->n6] = a[i].prefixlen;
			memcpy(out->v6[out->n6++], a[i].addr, 16);
		}
	}
	return 0;
}

void dbond_refresh_addrs(struct daemon *d, struct dbond *db)
{
	struct dev_addrs a;

	if (daemon_read_addrs(d, db->ifindex, db->name, &a) < 0)
		return;
	bond_set_addrs(db->b, a.v4, a.p4, a.n4, (const uint8_t (*)[16])a.v6, a.n6);
	/* the NS monitor routes a target by them (a VLAN's or the bond's) */
	bond_set_prefix6(db->b, a.p6, a.n6);
}

static bool was_set_by_us(const struct dbond *db, const uint8_t *mac)
{
	unsigned n = db->n_set_macs < ARRAY_SIZE(db->set_macs) ? db->n_set_macs
							      : ARRAY_SIZE(db->set_macs);

	for (unsigned i = 0; i < n; i++)
		if (mac_eq(db->set_macs[i], mac))
			return true;
	return false;
}

/* ---- configured slaves waiting for their device ------------------------ */

static struct dpending *pending_find(struct daemon *d, const char *bond, const char *name)
{
	for (unsigned i = 0; i < d->n_pending; i++)
		if (!strcmp(d->pending[i].name, name) && (!bond || !strcmp(d->pending[i].bond, bond)))
			return &d->pending[i];
	return NULL;
}

static void pending_drop(struct daemon *d, struct dpending *p)
{
	unsigned i = (unsigned)(p - d->pending);

	memmove(&d->pending[i], &d->pending[i + 1], (d->n_pending - i - 1) * sizeof(*p));
	d->n_pending--;
}

void daemon_pending_add(struct daemon *d, const char *bond, const char *name)
{
	struct dpending *p;

	if (pending_find(d, bond, name))
		return;
	if (d->n_pending >= ARRAY_SIZE(d->pending)) {
		daemon_logl(d, LOG_ERR, "%s: %s: too many missing slaves (%u); it will not be enslaved when it appears",
			    bond, name, d->n_pending);
		return;
	}
	p = &d->pending[d->n_pending++];
	memset(p, 0, sizeof(*p));
	snprintf(p->bond, sizeof(p->bond), "%s", bond);
	snprintf(p->name, sizeof(p->name), "%s", name);
}

void daemon_pending_clear(struct daemon *d)
{
	d->n_pending = 0;
}

/* True when the configuration applied last names ifname as a slave of
 * bond: only those come back by themselves after a removal. */
static bool conf_names_slave(const struct daemon *d, const char *bond, const char *ifname)
{
	for (unsigned i = 0; d->conf && i < d->conf->n_bonds; i++) {
		const struct conf_bond *cb = &d->conf->bonds[i];

		if (strcmp(cb->name, bond))
			continue;
		for (unsigned j = 0; j < cb->n_slaves; j++)
			if (!strcmp(cb->slaves[j].name, ifname))
				return true;
	}
	return false;
}

static bool is_slave_name(struct daemon *d, const char *ifname)
{
	for (unsigned i = 0; i < d->n_bonds; i++)
		if (bond_find_slave(d->bonds[i]->b, ifname))
			return true;
	return false;
}

/* A device that is neither a bond nor a slave appeared or changed: if
 * the configuration waits for its name, enslave it. */
static void pending_try(struct daemon *d, const struct rtnl_link *l)
{
	struct dpending *p = pending_find(d, NULL, l->name);
	struct err err = { 0 };
	char bond[IFNAMSIZ];

	if (!p || !l->name[0])
		return;
	if (!dbond_find(d, p->bond) || is_slave_name(d, l->name)) {
		/* the bond went away, or someone enslaved it by hand */
		pending_drop(d, p);
		return;
	}
	if (p->failed_ifindex == l->ifindex)
		return;
	snprintf(bond, sizeof(bond), "%s", p->bond);
	if (daemon_enslave(d, bond, l->name, &err) < 0) {
		if (err.code == -ENODEV && !if_nametoindex(l->name))
			return;     /* gone again already: wait for the next one */
		p->failed_ifindex = l->ifindex;
		daemon_logl(d, LOG_ERR, "%s: %s appeared but cannot be enslaved: %s",
			    bond, l->name, err.msg);
		return;
	}
	pending_drop(d, p);
	daemon_logl(d, LOG_INFO, "%s: %s appeared: enslaved", bond, l->name);
}

/* ---- events ------------------------------------------------------------ */

/* The slave's device is gone (deleted, or moved to another namespace):
 * released without touching the device (there is nothing to restore, and
 * every attempt would only log an error), and waited for again when the
 * configuration names it. */
static void slave_gone(struct daemon *d, struct dslave *ds)
{
	struct dbond *db = ds->db;
	char name[IFNAMSIZ];
	bool again = conf_names_slave(d, db->name, ds->name);

	snprintf(name, sizeof(name), "%s", ds->name);
	ds->gone = true;
	dslave_release(d, db, ds, false);
	daemon_logl(d, LOG_WARNING, "%s: (slave %s): device removed: released%s", db->name, name,
		    again ? "; it will be enslaved again when it appears" : "");
	if (again)
		daemon_pending_add(d, db->name, name);
}

/* A slave's device took another name: bondd follows the device (as the
 * kernel driver does), so the status shows the new name. If the
 * configuration named the old one, that name counts as missing again: a
 * device that later appears under it is enslaved. */
static void slave_renamed(struct daemon *d, struct dslave *ds, const char *to)
{
	struct dbond *db = ds->db;
	char from[IFNAMSIZ];

	snprintf(from, sizeof(from), "%s", ds->name);
	snprintf(ds->name, sizeof(ds->name), "%s", to);
	snprintf(ds->s->name, sizeof(ds->s->name), "%s", to);
	snprintf(ds->saved.name, sizeof(ds->saved.name), "%s", to);
	dslave_journal_renamed(d, ds, from);
	daemon_logl(d, LOG_INFO, "%s: (slave %s): renamed to %s", db->name, from, to);
	if (conf_names_slave(d, db->name, from) && !conf_names_slave(d, db->name, to)) {
		daemon_logl(d, LOG_INFO, "%s: the configuration names %s: it will be enslaved when a device of that name appears",
			    db->name, from);
		daemon_pending_add(d, db->name, from);
	}
	/* the configuration may wait for the new name: it is here */
	if (pending_find(d, NULL, to))
		pending_drop(d, pending_find(d, NULL, to));
}

void daemon_on_rtnl_event(const struct rtnl_event *ev, void *arg)
{
	struct daemon *d = arg;
	uint64_t now = daemon_now(d);
	struct dslave *ds;
	struct dbond *db;
	struct dvlan *dv;

	switch (ev->type) {
	case RTNL_EV_NEWLINK:
		ds = dslave_find_by_index(d, ev->link.ifindex);
		if (ds) {
			struct link_info li;

			if (ev->link.name[0] && strcmp(ev->link.name, ds->name))
				slave_renamed(d, ds, ev->link.name);
			daemon_read_link_info(&ev->link, &li);
			/* BONDD_CARRIER_WATCH=tick: a carrier change alone
			 * waits for the miimon read (daemon_poll_carriers) */
			if (d->cw_tick_only && li.running == ds->s->os.running &&
			    ds->db->b->params.miimon)
				li.carrier = ds->s->os.carrier;
			if (li.running != ds->s->os.running || li.carrier != ds->s->os.carrier ||
			    li.speed != ds->s->os.speed || li.duplex != ds->s->os.duplex) {
				const struct slave *was = ds->db->b->active;

				slave_link_event(ds->s, &li, now);
				daemon_failover_mark(d, ds->db, was);
			}
			return;
		}
		dv = dvlan_find_by_index(d, ev->link.ifindex);
		if (dv) {
			dvlan_link_event(d, dv, &ev->link);
			return;
		}
		db = dbond_find_by_index(d, ev->link.ifindex);
		if (db) {
			bool was_up = db->b->admin_up;

			bond_set_admin(db->b, ev->link.flags & IFF_UP, now);
			if (was_up != db->b->admin_up)
				dvlans_bond_admin(d, db, db->b->admin_up);
			db->promisc = ev->link.flags & IFF_PROMISC;
			if (!mac_is_zero(ev->link.mac) && !mac_eq(ev->link.mac, db->b->mac) &&
			    !was_set_by_us(db, ev->link.mac)) {
				/* The admin gave the bond an address: like the
				 * kernel's bond_set_mac_address(), the slaves
				 * follow and it no longer comes from a slave. */
				db->b->mac_set_by_user = true;
				db->b->mac_random = false;
				bond_set_mac(db->b, ev->link.mac);
				/* its VLAN devices keep its address */
				dvlans_mac(d, db, ev->link.mac);
			}
			if (ev->link.mtu && ev->link.mtu != db->mtu) {
				/* The bond's MTU is every slave's MTU. */
				db->mtu = ev->link.mtu;
				for (unsigned i = 0; i < db->n_slaves; i++) {
					struct err err = { 0 };

					if (rtnl_link_set_mtu(d->rtnl, db->slaves[i]->ifindex,
							      db->mtu, &err) < 0)
						daemon_logl(d, LOG_ERR, "%s: (slave %s): cannot set MTU %u: %s",
							    db->name, db->slaves[i]->name, db->mtu, err.msg);
				}
				dvlans_bond_mtu(d, db);
			}
			return;
		}
		pending_try(d, &ev->link);
		return;
	case RTNL_EV_DELLINK:
		ds = dslave_find_by_index(d, ev->link.ifindex);
		if (ds) {
			slave_gone(d, ds);
			return;
		}
		dv = dvlan_find_by_index(d, ev->link.ifindex);
		if (dv) {
			dvlan_destroy(d, dv, true);
			return;
		}
		db = dbond_find_by_index(d, ev->link.ifindex);
		if (db)
			dbond_destroy(d, db, true);
		return;
	case RTNL_EV_NEWADDR:
	case RTNL_EV_DELADDR:
		db = dbond_find_by_index(d, ev->addr.ifindex);
		if (db)
			dbond_refresh_addrs(d, db);
		dv = dvlan_find_by_index(d, ev->addr.ifindex);
		if (dv)
			dvlan_refresh_addrs(d, dv);
		return;
	}
}

/* ---- lost events -------------------------------------------------------- */

/* One link re-read as if its event had arrived: a NEWLINK with what the
 * kernel says now, or a DELLINK when the device is gone. Returns false
 * when the link could not be read for another reason (logged). */
static bool relink(struct daemon *d, int ifindex, const char *name)
{
	struct rtnl_event ev;
	struct err err = { 0 };
	int rc;

	memset(&ev, 0, sizeof(ev));
	rc = rtnl_link_get_index(d->rtnl, ifindex, &ev.link, &err);
	if (rc == -ENODEV) {
		ev.type = RTNL_EV_DELLINK;
		ev.link.ifindex = ifindex;
		snprintf(ev.link.name, sizeof(ev.link.name), "%s", name);
	} else if (rc < 0) {
		daemon_logl(d, LOG_ERR, "rtnetlink: re-reading %s: %s", name, err.msg);
		return false;
	} else {
		ev.type = RTNL_EV_NEWLINK;
	}
	daemon_on_rtnl_event(&ev, d);
	return true;
}

void daemon_resync(struct daemon *d, int why)
{
	unsigned n_pending;

	daemon_logl(d, LOG_WARNING, "rtnetlink: link events may have been lost (%s); re-reading every bond and slave",
		    why == -ENOBUFS ? "event socket overrun" : strerror(-why));
	/* Backwards: a bond or slave found gone leaves the array. */
	for (unsigned i = d->n_bonds; i-- > 0;) {
		struct dbond *db = d->bonds[i];
		int bond_index = db->ifindex;

		for (unsigned j = db->n_slaves; j-- > 0;)
			relink(d, db->slaves[j]->ifindex, db->slaves[j]->name);
		for (unsigned j = db->n_vlans; j-- > 0;) {
			struct dvlan *dv = db->vlans[j];
			int ifx = dv->ifindex;

			relink(d, ifx, dv->name);
			if ((dv = dvlan_find_by_index(d, ifx)))
				dvlan_refresh_addrs(d, dv);
		}
		relink(d, bond_index, db->name);
		/* still there: its addresses may have changed too */
		if (i < d->n_bonds && d->bonds[i] == db)
			dbond_refresh_addrs(d, db);
	}
	/* Configured slaves that appeared while we were not listening.
	 * pending_try() may drop entries: walk a copy of the names. */
	n_pending = d->n_pending;
	if (n_pending) {
		char names[DAEMON_MAX_PENDING][IFNAMSIZ];

		for (unsigned i = 0; i < n_pending; i++)
			memcpy(names[i], d->pending[i].name, IFNAMSIZ);
		for (unsigned i = 0; i < n_pending; i++) {
			struct rtnl_link l;

			if (rtnl_link_get(d->rtnl, names[i], &l, NULL) == 0 &&
			    !dslave_find_by_index(d, l.ifindex) && !dbond_find_by_index(d, l.ifindex))
				pending_try(d, &l);
		}
	}
}

/* Promiscuity follows the bond's as in the kernel: to every slave in the
 * load-balancing modes, to the active slave only where there is one (and it
 * moves on failover). Re-checked after every batch of events. */
void daemon_sync_promisc(struct daemon *d)
{
	for (unsigned i = 0; i < d->n_bonds; i++) {
		struct dbond *db = d->bonds[i];
		bool one = db->b->mode->promisc_active_only;

		for (unsigned j = 0; j < db->n_slaves; j++) {
			struct dslave *ds = db->slaves[j];
			bool want = db->promisc && (!one || ds->s == db->b->active);

			int rc;

			if (want == ds->promisc)
				continue;
			rc = packet_set_promisc(ds->fd, ds->ifindex, want);
			if (rc == 0) {
				ds->promisc = want;
				ds->promisc_err = false;
			} else if (!ds->promisc_err) {
				/* Retried after every loop turn: said once. */
				ds->promisc_err = true;
				daemon_logl(d, LOG_WARNING, "%s: (slave %s): cannot turn promiscuity %s: %s",
					    db->name, ds->name, want ? "on" : "off", strerror(-rc));
			}
		}
	}
}
