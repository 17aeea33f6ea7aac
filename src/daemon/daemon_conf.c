/* Applying a configuration (src/config) to the running daemon, at start and
 * on `bondctl reload`.
 *
 * A reload applies only the differences between the configuration applied
 * last and the new one: bonds, options, slaves, MTU, hardware address,
 * addresses (with labels) on bonds and plain interfaces, routes and default
 * gateways. What did not change is not touched, so an unchanged bond keeps
 * carrying traffic across a reload. The new configuration has been checked
 * whole by conf_load() (every option on a scratch bond, slaves, addresses)
 * before anything is applied; a change the kernel allows only on a bond
 * that is down or has no slaves (mode, ...) recreates that bond, as ifdown
 * and ifup of that bond would.
 *
 * A bond is created down, as the kernel creates one, and brought up after
 * its slaves are in (ifup's order: 802.3ad then selects its aggregator at
 * once), unless the configuration keeps it down (up = no, ONBOOT=no, no
 * "auto" line, a module-made bond). A reload sets the state again only when
 * the configuration's word for that bond changed, so `bondctl down` holds
 * across unrelated reloads. Routes and gateways through a bond kept down
 * are not added (the kernel would refuse them: no route to the gateway).
 *
 * Bonds and addresses made at run time with bondctl and not in any
 * configuration are left alone. */
#include "daemon_conf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config/conf.h"
#include "config/conf_lint.h"
#include "core/lacp/lacp.h"
#include "core/opt.h"
#include "core/status.h"
#include "daemon_impl.h"
#include "linux/ethtool.h"
#include "linux/notify.h"
#include "linux/rtnl.h"

/* ---- routes ------------------------------------------------------------ */

static int route_change(struct rtnl *r, bool add, int family, const uint8_t *dst,
			uint8_t prefix, const uint8_t *via, const char *dev,
			bool has_metric, uint32_t metric, struct err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	size_t alen = family == AF_INET ? 4 : 16;
	char dtext[64] = "default";

	nlh->nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	nlh->nlmsg_flags = add ? NLM_F_CREATE | NLM_F_REPLACE : 0;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_dst_len = prefix;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_scope = via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	if (prefix) {
		mnl_attr_put(nlh, RTA_DST, alen, dst);
		inet_ntop(family, dst, dtext, sizeof(dtext));
		snprintf(dtext + strlen(dtext), sizeof(dtext) - strlen(dtext), "/%u", prefix);
	}
	if (via)
		mnl_attr_put(nlh, RTA_GATEWAY, alen, via);
	if (dev && dev[0]) {
		unsigned idx = if_nametoindex(dev);

		if (!idx) {
			err_set(err, -ENODEV, "route %s: interface %s does not exist", dtext, dev);
			return -ENODEV;
		}
		mnl_attr_put_u32(nlh, RTA_OIF, idx);
	}
	if (has_metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
	return rtnl_request(r, nlh, NULL, NULL, err, "cannot %s route %s",
			    add ? "add" : "delete", dtext);
}

/* A route or address the old configuration had could not be removed:
 * "already gone" is what we wanted; anything else is worth a line. */
static void log_removal(struct daemon *d, int rc, const struct err *e)
{
	if (rc < 0 && rc != -ESRCH && rc != -ENOENT && rc != -EADDRNOTAVAIL && rc != -ENODEV)
		daemon_logl(d, LOG_WARNING, "bondd: %s", e->msg);
}

static int apply_gateway(struct daemon *d, struct rtnl *r, int family,
			 const struct conf_gateway *old, const struct conf_gateway *new,
			 struct err *err)
{
	static const uint8_t zero[16];

	if (old && conf_gateway_eq(old, new))
		return 0;
	if (old && old->set) {
		struct err e = { 0 };

		log_removal(d, route_change(r, false, family, zero, 0, old->addr, old->dev,
					    false, 0, &e), &e);
	}
	if (new->set)
		return route_change(r, true, family, zero, 0, new->addr, new->dev, false, 0, err);
	return 0;
}

/* The bond, kept down by c, that a route to gateway via (or through dev)
 * would need: named by dev, or owning an address whose subnet holds via.
 * NULL: none. */
static const struct conf_bond *route_down_bond(const struct conf *c, int family,
					       const uint8_t *via, const char *dev)
{
	size_t alen = family == AF_INET ? 4 : 16;

	for (unsigned i = 0; c && i < c->n_bonds; i++) {
		const struct conf_bond *b = &c->bonds[i];

		if (!b->down)
			continue;
		if (dev && dev[0]) {
			if (!strcmp(dev, b->name))
				return b;
			continue;
		}
		for (unsigned k = 0; via && k < b->n_addrs; k++) {
			const struct conf_addr *a = &b->addrs[k];
			unsigned bits = a->prefix;
			size_t full = bits / 8;

			if (a->family != family || full > alen)
				continue;
			if (memcmp(a->addr, via, full))
				continue;
			if (bits % 8 && full < alen &&
			    ((a->addr[full] ^ via[full]) & (uint8_t)(0xff << (8 - bits % 8))))
				continue;
			return b;
		}
	}
	return NULL;
}

static const struct conf_bond *conf_route_down(const struct conf *c, const struct conf_route *r)
{
	return route_down_bond(c, r->family, r->has_via ? r->via : NULL, r->dev);
}

static const struct conf_bond *gw_down(const struct conf *c, int family,
				       const struct conf_gateway *g)
{
	return g->set ? route_down_bond(c, family, g->addr, g->dev) : NULL;
}

/* ---- addresses --------------------------------------------------------- */

static bool addr_in(const struct conf_addr *a, const struct conf_addr *list, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (conf_addr_eq(a, &list[i]))
			return true;
	return false;
}

static void to_rtnl_addr(const struct conf_addr *c, int ifindex, struct rtnl_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->ifindex = ifindex;
	a->family = c->family;
	memcpy(a->addr, c->addr, c->family == AF_INET ? 4 : 16);
	a->prefixlen = c->prefix;
	snprintf(a->label, sizeof(a->label), "%s", c->label);
	if (c->family == AF_INET) {
		/* The subnet's broadcast unless one is given, as ifup does. */
		uint32_t ip, mask = c->prefix ? htonl(~0u << (32 - c->prefix)) : 0;

		memcpy(&ip, c->addr, 4);
		if (c->has_broadcast) {
			memcpy(a->broadcast, c->broadcast, 4);
			a->has_broadcast = true;
		} else if (c->prefix < 31) {
			ip |= ~mask;
			memcpy(a->broadcast, &ip, 4);
			a->has_broadcast = true;
		}
	}
}

/* Addresses of one interface: remove what the old configuration had and
 * the new one does not, add what is new. */
static int apply_addrs(struct daemon *d, struct rtnl *r, const char *ifname,
		       const struct conf_addr *old, unsigned n_old, const struct conf_addr *new,
		       unsigned n_new, struct err *err)
{
	int ifindex = (int)if_nametoindex(ifname);

	if (!ifindex) {
		err_set(err, -ENODEV, "%s: interface does not exist", ifname);
		return -ENODEV;
	}
	for (unsigned i = 0; i < n_old; i++) {
		struct rtnl_addr a;
		struct err e = { 0 };

		if (addr_in(&old[i], new, n_new))
			continue;
		to_rtnl_addr(&old[i], ifindex, &a);
		log_removal(d, rtnl_addr_del(r, &a, &e), &e);
	}
	for (unsigned i = 0; i < n_new; i++) {
		struct rtnl_addr a;
		struct err e = { 0 };

		if (addr_in(&new[i], old, n_old))
			continue;
		to_rtnl_addr(&new[i], ifindex, &a);
		if (rtnl_addr_add(r, &a, &e) < 0 && e.code != -EEXIST) {
			err_set(err, e.code, "%s:%u: %s", new[i].loc.file ? new[i].loc.file : "?",
				new[i].loc.line, e.msg);
			return e.code;
		}
	}
	return 0;
}

#define BOND_DEFAULT_MTU 1500

static int set_mtu(struct rtnl *r, const char *ifname, unsigned mtu, struct err *err)
{
	struct rtnl_link l;

	if (!mtu)
		return 0;
	if (rtnl_link_get(r, ifname, &l, err) < 0)
		return -ENODEV;
	if (l.mtu == mtu)
		return 0;
	return rtnl_link_set_mtu(r, l.ifindex, mtu, err);
}

/* ---- bonds ------------------------------------------------------------- */

static const struct conf_bond *find_bond(const struct conf *c, const char *name)
{
	for (unsigned i = 0; c && i < c->n_bonds; i++)
		if (!strcmp(c->bonds[i].name, name))
			return &c->bonds[i];
	return NULL;
}

static const struct conf_iface *find_iface(const struct conf *c, const char *name)
{
	for (unsigned i = 0; c && i < c->n_ifaces; i++)
		if (!strcmp(c->ifaces[i].name, name))
			return &c->ifaces[i];
	return NULL;
}

static bool has_slave(const struct conf_bond *b, const char *name)
{
	for (unsigned i = 0; b && i < b->n_slaves; i++)
		if (!strcmp(b->slaves[i].name, name))
			return true;
	return false;
}

static int create_bond(struct daemon *d, const struct conf_bond *cb, struct err *err)
{
	const char **names = calloc(cb->n_opts + 1, sizeof(*names));
	const char **values = calloc(cb->n_opts + 1, sizeof(*values));
	int rc;

	if (!names || !values) {
		free(names);
		free(values);
		err_set(err, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < cb->n_opts; i++) {
		names[i] = cb->opts[i].name;
		values[i] = cb->opts[i].value;
	}
	rc = daemon_bond_create(d, cb->name, cb->n_opts, names, values, err);
	free(names);
	free(values);
	return rc;
}

/* Option changes for an existing bond: the options whose value changes
 * (conf_opt_changes, the comparison `bondctl diff` makes too); an option
 * that disappeared goes back to its default. */
static int update_options(struct daemon *d, const struct conf_bond *old,
			  const struct conf_bond *new, struct err *err)
{
	const char *names[128], *values[128];
	unsigned n = conf_opt_changes(old, new, names, values, ARRAY_SIZE(names));
	int rc;

	if (!n)
		return 0;
	rc = daemon_set(d, new->name, n, names, values, err);
	if (rc == 0 && old) {
		/* What the reload changed, for the monitors. */
		struct strbuf what;

		sb_init(&what);
		for (unsigned i = 0; i < n; i++) {
			const char *was = conf_bond_opt(old, names[i]);

			sb_printf(&what, "%s%s %s -> %s", i ? ", " : "", names[i],
				  was ? was : "(default)", values[i]);
		}
		daemon_event(d, new->name, BOND_EV_RELOAD, "options",
			     "%s", what.oom ? "options changed" : sb_str(&what));
		sb_free(&what);
	}
	return rc;
}

static bool bond_exists(struct daemon *d, const char *name)
{
	return engine_bond_find(daemon_engine(d), name) != NULL;
}

/* A configured slave whose device does not exist (yet: udev has not named
 * it, a hotplug NIC, a veth made later) does not keep the bond from
 * starting: the bond starts degraded and the slave is enslaved when its
 * device appears (daemon_events.c). Any other refusal is an error. */
static void slave_missing(struct daemon *d, const char *bond, const char *name)
{
	/* A warning: the bond runs degraded until the slave appears. */
	daemon_logl(d, LOG_WARNING, "%s: %s is missing; it will be enslaved when it appears", bond, name);
	daemon_pending_add(d, bond, name);
}

static int enslave_missing(struct daemon *d, const struct conf_bond *cb, struct err *err)
{
	struct bond *b = engine_bond_find(daemon_engine(d), cb->name);

	for (unsigned i = 0; i < cb->n_slaves; i++) {
		const char *sn = cb->slaves[i].name;

		if (b && bond_find_slave(b, sn))
			continue;
		if (!if_nametoindex(sn)) {
			slave_missing(d, cb->name, sn);
			continue;
		}
		if (daemon_enslave(d, cb->name, sn, err) < 0) {
			/* removed between the two looks */
			if (err->code == -ENODEV && !if_nametoindex(sn)) {
				err_clear(err);
				slave_missing(d, cb->name, sn);
				continue;
			}
			return err->code ? err->code : -EIO;
		}
	}
	return 0;
}

static int apply_bond(struct daemon *d, struct rtnl *r, const struct conf_bond *old,
		      const struct conf_bond *new, struct err *err)
{
	struct bond *b;
	int rc;

	if (!bond_exists(d, new->name)) {
		rc = create_bond(d, new, err);
		if (rc < 0)
			return rc;
		if (old || d->conf)
			daemon_event(d, new->name, BOND_EV_RELOAD, "created",
				     "the configuration names it");
		old = NULL;
	} else {
		struct err e = { 0 };

		rc = update_options(d, old, new, &e);
		if (rc == -EBUSY || rc == -ENOTEMPTY) {
			/* mode and friends: only on a bond that is down
			 * and empty; recreate it as ifdown/ifup would. */
			daemon_log(d, "%s: %s; recreating the bond", new->name, e.msg);
			daemon_bond_delete(d, new->name, NULL);
			rc = create_bond(d, new, err);
			if (rc < 0)
				return rc;
			old = NULL;
		} else if (rc < 0) {
			*err = e;
			return rc;
		}
	}
	b = engine_bond_find(daemon_engine(d), new->name);
	/* slaves that left the configuration go first */
	for (unsigned i = b ? b->n_slaves : 0; b && i-- > 0;) {
		const char *sn = b->slaves[i]->name;

		if (old && has_slave(old, sn) && !has_slave(new, sn)) {
			struct err e = { 0 };

			if (daemon_release(d, new->name, sn, &e) < 0)
				daemon_logl(d, LOG_WARNING, "bondd: %s", e.msg);
		}
	}
	/* An mtu line taken out of the file: back to what a new bond device
	 * has (1500, the kernel bond's and a TAP's default), as the bond
	 * would be after ifdown/ifup. */
	if (set_mtu(r, new->name, new->mtu ? new->mtu : old && old->mtu ? BOND_DEFAULT_MTU : 0,
		    err) < 0)
		return err->code ? err->code : -EIO;
	if (new->has_hwaddr && (!old || !old->has_hwaddr || memcmp(old->hwaddr, new->hwaddr, 6))) {
		struct rtnl_link l;

		if (rtnl_link_get(r, new->name, &l, err) < 0 ||
		    rtnl_link_set_mac(r, l.ifindex, new->hwaddr, err) < 0)
			return err->code ? err->code : -EIO;
		daemon_bond_mac_set_by_user(d, new->name, new->hwaddr);
	}
	rc = enslave_missing(d, new, err);
	if (rc < 0)
		return rc;
	/* Up once the slaves are in, as ifup does; a reload that leaves the
	 * word alone leaves what the admin did since. */
	if (!old || old->down != new->down) {
		rc = daemon_bond_set_up(d, new->name, !new->down, err);
		if (rc < 0)
			return rc;
	}
	return apply_addrs(d, r, new->name, old ? old->addrs : NULL, old ? old->n_addrs : 0,
			   new->addrs, new->n_addrs, err);
}

/* ---- VLAN sub-interfaces --------------------------------------------------- */

/* The old configuration's VLAN that is the same device as v: same name,
 * bond and VID (a VLAN whose bond or VID changes is another device). */
static const struct conf_vlan *same_vlan(const struct conf *c, const struct conf_vlan *v)
{
	const struct conf_vlan *o = c ? conf_find_vlan(c, v->name) : NULL;

	return o && !strcmp(o->bond, v->bond) && o->vid == v->vid ? o : NULL;
}

/* VLANs that left the configuration, or became another device. */
static void remove_vlans(struct daemon *d, const struct conf *old, const struct conf *new)
{
	for (unsigned i = 0; old && i < old->n_vlans; i++) {
		const struct conf_vlan *ov = &old->vlans[i];
		struct dbond *db = dbond_find(d, ov->bond);
		struct dvlan *dv = db ? dvlan_find(db, ov->vid) : NULL;

		if (!dv || same_vlan(new, ov) || strcmp(dv->name, ov->name))
			continue;
		dvlan_destroy(d, dv, false);
		daemon_event(d, ov->bond, BOND_EV_RELOAD, "vlan",
			     "%s (VLAN %u) removed: the configuration no longer names it", ov->name,
			     ov->vid);
	}
}

/* One VLAN of the new configuration: created when missing, then its MTU
 * (0: the bond's), up/down and addresses as for a bond. old: what the
 * last configuration said of the same device (NULL: nothing applied yet). */
static int apply_vlan(struct daemon *d, struct rtnl *r, const struct conf_vlan *old,
		      const struct conf_vlan *v, struct err *err)
{
	struct dbond *db = dbond_find(d, v->bond);
	struct dvlan *dv = db ? dvlan_find(db, v->vid) : NULL;
	unsigned mtu;

	if (dv && strcmp(dv->name, v->name)) {
		err_set(err, -EEXIST, "%s:%u: %s: VLAN %u of %s is %s already",
			v->loc.file ? v->loc.file : "?", v->loc.line, v->name, v->vid, v->bond, dv->name);
		return -EEXIST;
	}
	if (!dv) {
		if (daemon_vlan_add(d, v->bond, v->vid, v->name, err) < 0)
			return err->code ? err->code : -EIO;
		dv = dvlan_find(dbond_find(d, v->bond), v->vid);
		if (!dv) {
			err_set(err, -EIO, "%s: VLAN %u vanished as it was made", v->name, v->vid);
			return -EIO;
		}
		if (dv->adopted)
			daemon_log(d, "%s: taken over with its addresses", v->name);
		else
			old = NULL;     /* a new device: nothing of old is on it */
	}
	db = dv->db;
	mtu = v->mtu ? v->mtu : db->mtu;
	if (mtu && dv->mtu != mtu) {
		if (rtnl_link_set_mtu(r, dv->ifindex, mtu, err) < 0)
			return err->code ? err->code : -EIO;
		dv->mtu = mtu;
	}
	if ((!old || old->down != v->down) && dvlan_set_admin(d, dv, !v->down, err) < 0)
		return err->code ? err->code : -EIO;
	return apply_addrs(d, r, v->name, old ? old->addrs : NULL, old ? old->n_addrs : 0,
			   v->addrs, v->n_addrs, err);
}

/* The gateway as applied: none while the bond it needs is kept down. */
static const struct conf_gateway *eff_gw(struct daemon *d, const struct conf *c, int family,
					 const struct conf_gateway *g, struct conf_gateway *tmp,
					 bool say)
{
	const struct conf_bond *b = gw_down(c, family, g);

	if (!b)
		return g;
	if (say)
		daemon_log(d, "%s:%u: gateway not added: %s is kept down by the configuration",
			   g->loc.file ? g->loc.file : "?", g->loc.line, b->name);
	memset(tmp, 0, sizeof(*tmp));
	return tmp;
}

int daemon_conf_apply(struct daemon *d, const struct conf *old, const struct conf *new,
		      struct err *err)
{
	struct rtnl *r = daemon_rtnl(d);
	struct conf_gateway og, ng;
	int rc;

	/* The missing slaves are those of the new configuration: forget the
	 * old list, apply_bond() makes the new one. */
	daemon_pending_clear(d);
	/* bonds and routes that left the configuration */
	for (unsigned i = 0; old && i < old->n_routes; i++) {
		bool keep = false;

		for (unsigned j = 0; j < new->n_routes; j++)
			keep |= conf_route_eq(&old->routes[i], &new->routes[j]);
		if (!keep) {
			struct err e = { 0 };

			log_removal(d, route_change(r, false, old->routes[i].family,
						    old->routes[i].dst, old->routes[i].prefix,
						    old->routes[i].has_via ? old->routes[i].via : NULL,
						    old->routes[i].dev, old->routes[i].has_metric,
						    old->routes[i].metric, &e), &e);
		}
	}
	remove_vlans(d, old, new);
	for (unsigned i = 0; old && i < old->n_bonds; i++)
		if (!find_bond(new, old->bonds[i].name) && bond_exists(d, old->bonds[i].name)) {
			daemon_bond_delete(d, old->bonds[i].name, NULL);
			daemon_event(d, old->bonds[i].name, BOND_EV_RELOAD, "removed",
				     "the configuration no longer names it");
		}
	for (unsigned i = 0; old && i < old->n_ifaces; i++) {
		const struct conf_iface *oi = &old->ifaces[i];

		if (!find_iface(new, oi->name) && if_nametoindex(oi->name))
			apply_addrs(d, r, oi->name, oi->addrs, oi->n_addrs, NULL, 0, NULL);
	}

	for (unsigned i = 0; i < new->n_bonds; i++) {
		rc = apply_bond(d, r, find_bond(old, new->bonds[i].name), &new->bonds[i], err);
		if (rc < 0)
			return rc;
		/* testing aid: a reload cut between two bonds */
		if (old)
			daemon_crash_point(d, "reload-mid");
	}
	/* VLANs after their bonds, before routes that may use them */
	for (unsigned i = 0; i < new->n_vlans; i++) {
		rc = apply_vlan(d, r, same_vlan(old, &new->vlans[i]), &new->vlans[i], err);
		if (rc < 0)
			return rc;
	}
	for (unsigned i = 0; i < new->n_ifaces; i++) {
		const struct conf_iface *ni = &new->ifaces[i];
		const struct conf_iface *oi = find_iface(old, ni->name);

		if (set_mtu(r, ni->name, ni->mtu, err) < 0)
			return err->code ? err->code : -EIO;
		rc = apply_addrs(d, r, ni->name, oi ? oi->addrs : NULL, oi ? oi->n_addrs : 0,
				 ni->addrs, ni->n_addrs, err);
		if (rc < 0)
			return rc;
	}
	for (unsigned i = 0; i < new->n_routes; i++) {
		const struct conf_route *nr = &new->routes[i];
		bool had = false;

		/* added last time only if its bond was up then */
		for (unsigned j = 0; old && j < old->n_routes; j++)
			had |= conf_route_eq(nr, &old->routes[j]) && !conf_route_down(old, &old->routes[j]);
		if (had)
			continue;
		if (conf_route_down(new, nr)) {
			daemon_log(d, "%s:%u: route not added: %s is kept down by the configuration",
				   nr->loc.file ? nr->loc.file : "?", nr->loc.line,
				   conf_route_down(new, nr)->name);
			continue;
		}
		rc = route_change(r, true, nr->family, nr->dst, nr->prefix,
				  nr->has_via ? nr->via : NULL, nr->dev, nr->has_metric,
				  nr->metric, err);
		if (rc < 0)
			return rc;
	}
	rc = apply_gateway(d, r, AF_INET, old ? eff_gw(d, old, AF_INET, &old->gw4, &og, false) : NULL,
			   eff_gw(d, new, AF_INET, &new->gw4, &ng, true), err);
	if (rc < 0)
		return rc;
	return apply_gateway(d, r, AF_INET6, old ? eff_gw(d, old, AF_INET6, &old->gw6, &og, false) : NULL,
			     eff_gw(d, new, AF_INET6, &new->gw6, &ng, true), err);
}

/* ---- lint: what only the running daemon knows ------------------------- */

static struct conf_lint_iface *fact_add(struct conf_lint_iface **v, unsigned *n,
					unsigned *cap, const char *name)
{
	struct conf_lint_iface *f;

	if (*n == *cap) {
		unsigned ncap = *cap ? *cap * 2 : 16;
		struct conf_lint_iface *nv = realloc(*v, ncap * sizeof(*nv));

		if (!nv)
			return NULL;
		*v = nv;
		*cap = ncap;
	}
	f = &(*v)[(*n)++];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->partner_short_timeout = -1;
	return f;
}

/* The slave's facts from a running bond: its speed as the engine read it,
 * its MTU now, and (802.3ad) the timeout its partner asks for. */
static void slave_facts(struct daemon *d, const struct bond_status *st, unsigned i,
			struct conf_lint_iface *f)
{
	const struct status_slave *ss = &st->slaves[i];
	struct rtnl_link l;
	struct err e = { 0 };

	f->speed = ss->speed > 0 ? ss->speed : 0;
	if (rtnl_link_get(daemon_rtnl(d), ss->name, &l, &e) == 0)
		f->mtu = l.mtu;
	/* A partner we only have defaults for has said nothing. */
	if (st->has_ad && !(ss->ad.actor.state & LACP_STATE_DEFAULTED))
		f->partner_short_timeout = !!(ss->ad.partner.state & LACP_STATE_TIMEOUT);
}

/* Facts about every bond and slave c names: from the engine for bonds
 * that run (slaves already enslaved), else what the device says (the
 * speed of a device not enslaved yet; its MTU does not count, bondd will
 * set the bond's). Unknown facts stay 0 / -1: their rules stay silent. */
static struct conf_lint_iface *lint_facts(struct daemon *d, const struct conf *c, unsigned *n)
{
	struct conf_lint_iface *v = NULL;
	struct bond_status *st = malloc(sizeof(*st));
	unsigned cap = 0;

	*n = 0;
	if (!st)
		return NULL;
	for (unsigned i = 0; i < c->n_bonds; i++) {
		const struct conf_bond *cb = &c->bonds[i];
		struct bond *b = engine_bond_find(daemon_engine(d), cb->name);
		struct conf_lint_iface *f;

		if (b) {
			struct rtnl_link l;
			struct err e = { 0 };

			f = fact_add(&v, n, &cap, cb->name);
			if (!f)
				break;
			if (rtnl_link_get(daemon_rtnl(d), cb->name, &l, &e) == 0)
				f->mtu = l.mtu;
			status_fill(b, st);
		}
		for (unsigned j = 0; j < cb->n_slaves; j++) {
			const char *sn = cb->slaves[j].name;
			unsigned k = 0;

			f = fact_add(&v, n, &cap, sn);
			if (!f)
				break;
			while (b && k < st->n_slaves && strcmp(st->slaves[k].name, sn))
				k++;
			if (b && k < st->n_slaves) {
				slave_facts(d, st, k, f);
			} else if (if_nametoindex(sn)) {
				int32_t speed;
				uint8_t duplex;

				if (ethtool_link(sn, &speed, &duplex) == 0 && speed > 0)
					f->speed = speed;
			}
		}
		if (b)
			status_free(st);
	}
	free(st);
	return v;
}

/* conf_lint() over c with d's facts (d NULL: none) into diag. */
static void lint_into(struct daemon *d, const struct conf *c, struct conf_diag *diag)
{
	struct conf_lint_facts facts = { NULL, 0 };
	struct conf_lint_iface *v = NULL;

	if (d) {
		v = lint_facts(d, c, &facts.n);
		facts.ifaces = v;
	}
	conf_lint(c, &facts, diag);
	free(v);
}

struct conf *daemon_conf_load_at(struct daemon *d, const struct daemon_conf_src *src,
				 struct strbuf *msgs)
{
	struct conf_diag diag;
	struct conf *c;

	conf_diag_init(&diag);
	c = conf_load(src->format, src->path, src->modprobe, false, &diag);
	if (c)
		lint_into(d, c, &diag);
	conf_diag_print(&diag, true, msgs);
	conf_diag_free(&diag);
	return c;
}

struct conf *daemon_conf_load(const struct daemon_conf_src *src, struct strbuf *msgs)
{
	return daemon_conf_load_at(NULL, src, msgs);
}

int daemon_lint(struct daemon *d, const char *file, struct strbuf *msgs, struct err *err)
{
	struct daemon_conf_src src = { .format = "native", .path = file };
	struct conf_diag diag;
	struct conf *c;

	if (file) {
		c = daemon_conf_load_at(d, &src, msgs);
		if (!c) {
			err_set(err, -EBADMSG, "%s: configuration refused (the errors above)", file);
			return -EBADMSG;
		}
		conf_free(c);
		return 0;
	}
	/* The configuration that runs, as last loaded or reloaded (the
	 * file may have changed since: 'bondctl lint FILE' reads it). */
	if (!d->conf) {
		err_set(err, -ENOENT, "bondd was started without a configuration (-c FILE or --from FORMAT PATH): name a file, bondctl lint FILE");
		return -ENOENT;
	}
	conf_diag_init(&diag);
	lint_into(d, d->conf, &diag);
	conf_diag_print(&diag, true, msgs);
	conf_diag_free(&diag);
	return 0;
}

/* ---- the configuration source, for start and reload ------------------- */

int daemon_load_config(struct daemon *d, const struct daemon_conf_src *src,
		       struct strbuf *msgs, struct err *err)
{
	struct conf *c;

	snprintf(d->conf_format, sizeof(d->conf_format), "%s", src->format);
	snprintf(d->conf_path, sizeof(d->conf_path), "%s", src->path);
	snprintf(d->conf_modprobe, sizeof(d->conf_modprobe), "%s",
		 src->modprobe ? src->modprobe : "");
	d->has_conf_src = true;
	c = daemon_conf_load_at(d, src, msgs);
	if (!c) {
		/* -EBADMSG: the file itself is refused (bondd exits 78) */
		err_set(err, -EBADMSG, "%s: configuration refused, nothing applied", src->path);
		return -EBADMSG;
	}
	if (daemon_conf_apply(d, NULL, c, err) < 0) {
		conf_free(c);
		return err->code ? err->code : -EIO;
	}
	d->conf = c;
	return 0;
}

static int reload_apply(struct daemon *d, struct strbuf *msgs, bool *refused, struct err *err)
{
	struct daemon_conf_src src = {
		.format = d->conf_format,
		.path = d->conf_path,
		.modprobe = d->conf_modprobe[0] ? d->conf_modprobe : NULL,
	};
	struct conf *c;
	int rc;

	if (!d->has_conf_src) {
		err_set(err, -ENOENT, "bondd was started without a configuration (-c FILE or --from FORMAT PATH): nothing to reload");
		return -ENOENT;
	}
	c = daemon_conf_load_at(d, &src, msgs);
	if (!c) {
		*refused = true;
		err_set(err, -EINVAL, "%s: configuration refused, nothing changed", d->conf_path);
		return -EINVAL;
	}
	/* The data path is the daemon's, chosen at start. */
	if (strcmp(c->datapath[0] ? c->datapath : "auto", d->conf && d->conf->datapath[0] ?
		   d->conf->datapath : "auto"))
		sb_printf(msgs, "%s:%u: datapath = %s takes effect when bondd starts next; this bondd keeps the %s data path\n",
			  d->conf_path, c->datapath_loc.line, c->datapath[0] ? c->datapath : "auto",
			  d->dp->name);
	/* So are the metrics endpoint and textfile (bondd --metrics ...). */
	if (strcmp(c->metrics, d->conf ? d->conf->metrics : ""))
		sb_printf(msgs, "%s:%u: metrics = %s takes effect when bondd starts next\n",
			  d->conf_path, c->metrics_loc.line, c->metrics[0] ? c->metrics : "(none)");
	if (strcmp(c->metrics_textfile, d->conf ? d->conf->metrics_textfile : ""))
		sb_printf(msgs, "%s:%u: metrics_textfile = %s takes effect when bondd starts next\n",
			  d->conf_path, c->metrics_textfile_loc.line,
			  c->metrics_textfile[0] ? c->metrics_textfile : "(none)");
	{
		/* What the reload changes, line by line as `bondctl diff`
		 * writes them (conf_diff, the same comparison). */
		struct conf_changes ch;

		conf_diff(d->conf, c, &ch);
		for (unsigned i = 0; i < ch.n; i++)
			daemon_logl(d, LOG_INFO, "bondd: reload: %s", ch.v[i].text);
		conf_changes_free(&ch);
	}
	rc = daemon_conf_apply(d, d->conf, c, err);
	/* Even a partly applied reload is what now stands: remember it so
	 * the next reload compares against it. */
	conf_free(d->conf);
	d->conf = c;
	daemon_logl(d, LOG_INFO, "bondd: configuration %s %s", d->conf_path,
		    rc < 0 ? "partly applied" : "reloaded");
	for (unsigned i = 0; i < c->n_bonds; i++)
		daemon_event(d, c->bonds[i].name, BOND_EV_RELOAD, rc < 0 ? "partial" : "done",
			     "%s %s", d->conf_path, rc < 0 ? "partly applied" : "reloaded");
	return rc;
}

/* The reload's messages go to the caller (bondctl reload prints them) and
 * to the log with their priority, so that `journalctl -u bondd -p warning`
 * finds them: the configuration's "FILE:LINE: warning: ..." as warnings,
 * the errors of a refused file as errors, the notes ("... takes effect
 * when bondd starts next") as notices. */
static void reload_log(struct daemon *d, const char *text, size_t n, bool refused)
{
	size_t i = 0, len;

	while (i < n) {
		for (len = 0; i + len < n && text[i + len] != '\n'; len++)
			;
		if (len)
			daemon_logl(d, memmem(text + i, len, ": warning:", 10) ? LOG_WARNING :
				    refused ? LOG_ERR : LOG_NOTICE, "%.*s", (int)len, text + i);
		i += len + 1;
	}
}

int daemon_reload(struct daemon *d, struct strbuf *msgs, struct err *err)
{
	size_t from = msgs->len;
	bool refused = false;
	int rc, nrc;

	/* systemd (Type=notify) shows the unit "reloading" until READY=1,
	 * sent once the reload is over, applied or refused. */
	nrc = notify_reloading();
	if (nrc < 0)
		daemon_logl(d, LOG_WARNING, "sd_notify RELOADING=1: %s", strerror(-nrc));
	rc = reload_apply(d, msgs, &refused, err);
	if (msgs->len > from)
		reload_log(d, sb_str(msgs) + from, msgs->len - from, refused);
	nrc = daemon_notify_ready(d);
	if (nrc < 0)
		daemon_logl(d, LOG_WARNING, "sd_notify READY=1: %s", strerror(-nrc));
	return rc;
}
