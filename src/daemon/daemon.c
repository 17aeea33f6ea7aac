/* The daemon object and the lifecycle of its bonds and slaves: create and
 * remove a bond (its TAP device), enslave and release an interface (save its
 * state, hide it, open its packet socket; give it back), set options.
 *
 * The daemon owns the engine and every OS resource of the bonds of one
 * network namespace, and turns OS events into engine events and engine
 * actions into OS operations (the other daemon_*.c, see daemon_impl.h):
 *
 *   TAP fd readable      -> bond_xmit()          daemon_datapath.c
 *   packet fd readable   -> slave_receive()      daemon_datapath.c
 *   rtnetlink event      -> slave_link_event(), bond_set_admin(), addresses
 *                                                daemon_events.c
 *   timerfd              -> engine_tick()        daemon_loop.c (armed at the
 *                                                engine's deadline)
 *   control socket       -> ctl_server_run()     daemon_loop.c, daemon_ctl.c
 *   signalfd TERM/INT    -> give every slave back, remove every bond, exit
 *                                                daemon_loop.c
 *
 * A configuration is applied by daemon_conf.c through the same calls. */
#include "daemon.h"

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "config/conf.h"
#include "core/opt.h"
#include "daemon_impl.h"
#include "linux/hide.h"
#include "linux/packet.h"
#include "linux/rtnl.h"
#include "linux/slave_state.h"
#include "linux/tap.h"

/* ---- helpers ---------------------------------------------------------- */

uint64_t daemon_now(struct daemon *d)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct engine *daemon_engine(struct daemon *d)
{
	return d->e;
}

struct rtnl *daemon_rtnl(struct daemon *d)
{
	return d->rtnl;
}

void daemon_logl(struct daemon *d, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (d->use_syslog) {
		vsyslog(level, fmt, ap);
	} else {
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

void daemon_log(struct daemon *d, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	daemon_logl(d, LOG_INFO, "%s", line);
}

struct dbond *dbond_find(struct daemon *d, const char *name)
{
	for (unsigned i = 0; i < d->n_bonds; i++)
		if (!strcmp(d->bonds[i]->name, name))
			return d->bonds[i];
	return NULL;
}

struct dslave *dslave_find_by_index(struct daemon *d, int ifindex)
{
	for (unsigned i = 0; i < d->n_bonds; i++)
		for (unsigned j = 0; j < d->bonds[i]->n_slaves; j++)
			if (d->bonds[i]->slaves[j]->ifindex == ifindex)
				return d->bonds[i]->slaves[j];
	return NULL;
}

struct dbond *dbond_find_by_index(struct daemon *d, int ifindex)
{
	for (unsigned i = 0; i < d->n_bonds; i++)
		if (d->bonds[i]->ifindex == ifindex)
			return d->bonds[i];
	return NULL;
}

/* ---- bonds ------------------------------------------------------------ */

int daemon_bond_create(struct daemon *d, const char *name, unsigned nopts,
		       const char *const names[], const char *const values[],
		       struct err *err)
{
	struct rtnl_link link;
	struct dbond *db;
	struct bond *b;
	uint64_t now = daemon_now(d);

	if (d->n_bonds >= BOND_MAX_BONDS) {
		err_set(err, -ENOSPC, "too many bonds");
		return -ENOSPC;
	}
	if (dbond_find(d, name)) {
		err_set(err, -EEXIST, "bonding: %s already exists", name);
		return -EEXIST;
	}
	if (if_nametoindex(name)) {
		err_set(err, -EEXIST, "%s: a network device of that name already exists", name);
		return -EEXIST;
	}
	b = engine_bond_new(d->e, name, err);
	if (!b)
		return err->code ? err->code : -EINVAL;
	/* Options first: a refused option leaves no device behind. */
	if (nopts && opt_set_many(b, nopts, names, values, now, err) < 0)
		goto fail_bond;
	db = calloc(1, sizeof(*db));
	if (!db) {
		err_set(err, -ENOMEM, "out of memory");
		goto fail_bond;
	}
	db->ep.kind = EP_TAP;
	db->ep.obj = db;
	db->d = d;
	db->b = b;
	snprintf(db->name, sizeof(db->name), "%s", name);
	db->tap_fd = tap_open(name, err);
	if (db->tap_fd < 0)
		goto fail_db;
	if (rtnl_link_get(d->rtnl, name, &link, err) < 0)
		goto fail_tap;
	db->ifindex = link.ifindex;
	db->mtu = link.mtu;
	/* The TAP's random address is not the admin's choice. */
	memcpy(db->set_macs[db->n_set_macs++], link.mac, 6);
	tap_set_carrier(db->tap_fd, false);
	if (daemon_ep_add(d, db->tap_fd, &db->ep) < 0) {
		err_set(err, -errno, "%s: epoll: %s", name, strerror(errno));
		goto fail_tap;
	}
	b->io = db;
	d->bonds[d->n_bonds++] = db;
	if (rtnl_link_set_flags(d->rtnl, db->ifindex, IFF_UP, IFF_UP, err) < 0) {
		daemon_bond_delete(d, name, NULL);
		return err->code ? err->code : -EIO;
	}
	bond_set_admin(b, true, now);
	dbond_refresh_addrs(d, db);
	daemon_logl(d, LOG_INFO, "bonding: %s is being created...", name);
	return 0;

fail_tap:
	tap_close(db->tap_fd);
fail_db:
	free(db);
fail_bond:
	engine_bond_free(d->e, b, now);
	return err->code ? err->code : -EINVAL;
}

void dslave_release(struct daemon *d, struct dbond *db, struct dslave *ds, bool restore)
{
	struct err err = { 0 };
	unsigned i;

	bond_release(db->b, ds->s, daemon_now(d));
	if (ds->tx_n)
		dslave_flush(ds);
	if (ds->tx_listed) {
		struct dslave **pp = &d->tx_pending;

		while (*pp && *pp != ds)
			pp = &(*pp)->tx_next;
		if (*pp)
			*pp = ds->tx_next;
	}
	daemon_ep_del(d, ds->fd);
	packet_close(ds->fd);
	if (restore && slave_state_restore(d->rtnl, &ds->saved, &err) < 0)
		daemon_logl(d, LOG_ERR, "%s: (slave %s): restoring the device failed: %s",
			    db->name, ds->name, err.msg);
	for (i = 0; i < db->n_slaves; i++)
		if (db->slaves[i] == ds)
			break;
	if (i < db->n_slaves) {
		memmove(&db->slaves[i], &db->slaves[i + 1],
			(db->n_slaves - i - 1) * sizeof(db->slaves[0]));
		db->n_slaves--;
	}
	free(ds);
}

void dbond_destroy(struct daemon *d, struct dbond *db, bool tap_gone)
{
	unsigned i;

	while (db->n_slaves)
		dslave_release(d, db, db->slaves[db->n_slaves - 1], true);
	daemon_ep_del(d, db->tap_fd);
	tap_close(db->tap_fd);
	engine_bond_free(d->e, db->b, daemon_now(d));
	for (i = 0; i < d->n_bonds; i++)
		if (d->bonds[i] == db)
			break;
	if (i < d->n_bonds) {
		memmove(&d->bonds[i], &d->bonds[i + 1], (d->n_bonds - i - 1) * sizeof(d->bonds[0]));
		d->n_bonds--;
	}
	daemon_logl(d, LOG_INFO, "bonding: %s %s", db->name, tap_gone ? "was removed" : "is being deleted...");
	free(db);
}

int daemon_bond_delete(struct daemon *d, const char *name, struct err *err)
{
	struct dbond *db = dbond_find(d, name);

	if (!db) {
		err_set(err, -ENODEV, "%s: no such bond", name);
		return -ENODEV;
	}
	dbond_destroy(d, db, false);
	return 0;
}

/* ---- slaves ----------------------------------------------------------- */

int daemon_enslave(struct daemon *d, const char *bond, const char *ifname, struct err *err)
{
	struct dbond *db = dbond_find(d, bond);
	struct rtnl_link link;
	struct link_info li;
	struct dslave *ds;
	uint64_t now;

	if (!db) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	if (dbond_find(d, ifname)) {
		err_set(err, -EPERM, "%s: (slave %s): bondd does not nest bonds", bond, ifname);
		return -EPERM;
	}
	for (unsigned i = 0; i < d->n_bonds; i++)
		if (bond_find_slave(d->bonds[i]->b, ifname)) {
			err_set(err, -EBUSY, "%s: (slave %s): Device is already a slave of %s",
				bond, ifname, d->bonds[i]->name);
			return -EBUSY;
		}
	if (rtnl_link_get(d->rtnl, ifname, &link, NULL) < 0) {
		err_set(err, -ENODEV, "%s: interface %s does not exist!", bond, ifname);
		return -ENODEV;
	}
	if (link.type != ARPHRD_ETHER) {
		err_set(err, -EINVAL, "%s: (slave %s): not an Ethernet device; bondd enslaves Ethernet devices only",
			bond, ifname);
		return -EINVAL;
	}
	if (link.flags & IFF_LOOPBACK) {
		err_set(err, -EINVAL, "%s: (slave %s): cannot enslave a loopback device", bond, ifname);
		return -EINVAL;
	}
	if (link.master) {
		char m[IFNAMSIZ] = "?";

		if_indextoname((unsigned)link.master, m);
		err_set(err, -EBUSY, "%s: (slave %s): Device is already enslaved to %s",
			bond, ifname, m);
		return -EBUSY;
	}
	ds = calloc(1, sizeof(*ds));
	if (!ds) {
		err_set(err, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	ds->ep.kind = EP_PACKET;
	ds->ep.obj = ds;
	ds->db = db;
	ds->ifindex = link.ifindex;
	ds->fd = -1;
	snprintf(ds->name, sizeof(ds->name), "%s", ifname);

	/* Acquire in order; on failure give back what was taken. */
	if (slave_state_save(d->rtnl, ifname, &ds->saved, err) < 0)
		goto fail_free;
	if (hide_slave(d->rtnl, ds->ifindex, &ds->saved.hide, err) < 0)
		goto fail_restore;
	if (ds->saved.disable_ipv6 == 0)
		sysctl_disable_ipv6_set(ifname, 1);
	if (db->mtu && link.mtu != db->mtu &&
	    rtnl_link_set_mtu(d->rtnl, ds->ifindex, db->mtu, err) < 0)
		goto fail_restore;
	if (!(link.flags & IFF_UP) &&
	    rtnl_link_set_flags(d->rtnl, ds->ifindex, IFF_UP, IFF_UP, err) < 0)
		goto fail_restore;
	ds->fd = packet_open(ds->ifindex, err);
	if (ds->fd < 0)
		goto fail_restore;
	if (rtnl_link_get_index(d->rtnl, ds->ifindex, &link, err) < 0)
		goto fail_restore;
	daemon_read_link_info(&link, &li);
	now = daemon_now(d);
	ds->s = bond_enslave(db->b, ifname, link.mac, &li, ds, now, err);
	if (!ds->s)
		goto fail_restore;
	if (daemon_ep_add(d, ds->fd, &ds->ep) < 0) {
		err_set(err, -errno, "%s: (slave %s): epoll: %s", bond, ifname, strerror(errno));
		bond_release(db->b, ds->s, now);
		goto fail_restore;
	}
	db->slaves[db->n_slaves++] = ds;
	return 0;

fail_restore:
	if (ds->fd >= 0)
		packet_close(ds->fd);
	slave_state_restore(d->rtnl, &ds->saved, NULL);
fail_free:
	free(ds);
	return err->code ? err->code : -EIO;
}

int daemon_release(struct daemon *d, const char *bond, const char *ifname, struct err *err)
{
	struct dbond *db = dbond_find(d, bond);

	if (!db) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	for (unsigned i = 0; i < db->n_slaves; i++)
		if (!strcmp(db->slaves[i]->name, ifname)) {
			dslave_release(d, db, db->slaves[i], true);
			return 0;
		}
	if (!if_nametoindex(ifname)) {
		err_set(err, -ENODEV, "%s: interface %s does not exist!", bond, ifname);
		return -ENODEV;
	}
	err_set(err, -EINVAL, "%s: (slave %s): cannot release: not a slave of %s", bond, ifname, bond);
	return -EINVAL;
}

int daemon_set(struct daemon *d, const char *bond, unsigned nopts,
	       const char *const names[], const char *const values[], struct err *err)
{
	struct dbond *db = dbond_find(d, bond);

	if (!db) {
		err_set(err, -ENODEV, "%s: no such bond", bond);
		return -ENODEV;
	}
	/* "slaves +eth0 / -eth0" (the sysfs file) changes membership; it is
	 * refused in a mixed request so all-or-nothing stays true. */
	for (unsigned i = 0; i < nopts; i++) {
		if (strcmp(names[i], "slaves"))
			continue;
		if (nopts != 1) {
			err_set(err, -EINVAL, "option slaves: set it alone, not with other options");
			return -EINVAL;
		}
		if (values[0][0] == '+')
			return daemon_enslave(d, bond, values[0] + 1, err);
		if (values[0][0] == '-')
			return daemon_release(d, bond, values[0] + 1, err);
		err_set(err, -EINVAL, "option slaves: invalid value (%s); use +<ifname> or -<ifname>",
			values[0]);
		return -EINVAL;
	}
	return opt_set_many(db->b, nopts, names, values, daemon_now(d), err);
}

void daemon_bond_mac_set_by_user(struct daemon *d, const char *bond, const uint8_t mac[6])
{
	struct dbond *db = dbond_find(d, bond);

	if (!db)
		return;
	db->b->mac_set_by_user = true;
	db->b->mac_random = false;
	bond_set_mac(db->b, mac);
}

/* ---- life cycle ------------------------------------------------------- */

struct daemon *daemon_new(const char *ctl_path, const struct ctl_access *acc,
			  bool use_syslog, struct err *err)
{
	struct daemon *d = calloc(1, sizeof(*d));

	if (!d) {
		err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	d->epfd = d->tfd = d->sfd = -1;
	d->use_syslog = use_syslog;
	d->ctl_be = (struct ctl_backend){ &daemon_ctl_ops, d };
	d->e = engine_new(&daemon_engine_ops, d);
	if (!d->e) {
		err_set(err, -ENOMEM, "out of memory");
		goto fail;
	}
	d->rtnl = rtnl_open(true, err);
	if (!d->rtnl)
		goto fail;
	if (daemon_loop_open(d, ctl_path, acc, err) < 0)
		goto fail;
	return d;
fail:
	daemon_free(d);
	return NULL;
}

void daemon_shutdown(struct daemon *d)
{
	while (d->n_bonds)
		dbond_destroy(d, d->bonds[d->n_bonds - 1], false);
}

void daemon_free(struct daemon *d)
{
	if (!d)
		return;
	daemon_shutdown(d);
	daemon_loop_close(d);
	if (d->rtnl)
		rtnl_close(d->rtnl);
	engine_free(d->e);
	conf_free(d->conf);
	free(d->txbuf);
	free(d->rxbuf);
	free(d);
}
