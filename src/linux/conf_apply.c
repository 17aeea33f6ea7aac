/* Applying a configuration to the running daemon: check everything, then
 * change only what differs between the old and the new configuration.
 * Bonds go through the daemon's own calls (daemon_bond_create, daemon_set,
 * daemon_enslave, ...), the same as bondctl's; addresses, MTU, MAC
 * addresses and routes through rtnetlink, the way ip(8) sets them (the
 * daemon follows the bond devices' changes through its rtnetlink events). */
#include "conf_apply.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "core/opt.h"
#include "daemon.h"
#include "rtnl.h"
#include "rtnl_route.h"

struct apply {
	struct daemon *d;
	struct engine *e;           /* the daemon's */
	struct engine *scratch;     /* bonds as the new configuration makes them */
	struct rtnl *r;
	const struct conf *old, *new;
	struct err *err;
	bool changed;               /* something was changed already */
};

/* Names and values for daemon_set / daemon_bond_create. */
struct optlist {
	const char **names;
	const char **values;
	char **owned;
	unsigned n, n_owned;
};

static void ol_add(struct optlist *l, const char *name, const char *value, bool own)
{
	l->names = realloc(l->names, sizeof(*l->names) * (l->n + 1));
	l->values = realloc(l->values, sizeof(*l->values) * (l->n + 1));
	if (!l->names || !l->values)
		abort();
	if (own) {
		char *v = strdup(value);

		l->owned = realloc(l->owned, sizeof(*l->owned) * (l->n_owned + 1));
		if (!v || !l->owned)
			abort();
		l->owned[l->n_owned++] = v;
		value = v;
	}
	l->names[l->n] = name;
	l->values[l->n++] = value;
}

static void ol_free(struct optlist *l)
{
	for (unsigned i = 0; i < l->n_owned; i++)
		free(l->owned[i]);
	free(l->owned);
	free(l->names);
	free(l->values);
	memset(l, 0, sizeof(*l));
}

/* Options that need the slaves in place: set after enslaving. */
static bool late_opt(const char *name)
{
	return !strcmp(name, "active_slave") || !strcmp(name, "queue_id");
}

static const struct conf_bond *old_bond(const struct apply *a, const char *name)
{
	return a->old ? conf_find_bond(a->old, name) : NULL;
}

static const struct conf_iface *old_iface(const struct apply *a, const char *name)
{
	return a->old ? conf_find_iface(a->old, name) : NULL;
}

/* Fails a step: after the first change, say that earlier ones stay. */
static int fail(struct apply *a, int rc, const struct err *why)
{
	if (a->changed)
		err_set(a->err, rc, "%s (the changes before this one stay applied)", why->msg);
	else
		err_set(a->err, rc, "%s", why->msg);
	return rc;
}

/* ---- comparisons ------------------------------------------------------- */

static bool same_opt_entry(const struct conf_opt *x, const struct conf_opt *y)
{
	if (strcmp(x->name, y->name))
		return false;
	if (!strcmp(x->name, "queue_id"))
		return strcspn(x->value, ":") == strcspn(y->value, ":") &&
		       !strncmp(x->value, y->value, strcspn(x->value, ":"));
	return true;
}

static const struct conf_opt *find_entry(const struct conf_bond *b, const struct conf_opt *o)
{
	for (unsigned i = 0; b && i < b->n_opts; i++)
		if (same_opt_entry(&b->opts[i], o))
			return &b->opts[i];
	return NULL;
}

static bool addr_equal(const struct conf_addr *x, const struct conf_addr *y)
{
	return x->family == y->family && x->prefix == y->prefix && !memcmp(x->addr, y->addr, 16) &&
	       !strcmp(x->label, y->label) && x->has_broadcast == y->has_broadcast &&
	       (!x->has_broadcast || !memcmp(x->broadcast, y->broadcast, 4));
}

static bool addr_in(const struct conf_addr *x, const struct conf_addr *list, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (addr_equal(x, &list[i]))
			return true;
	return false;
}

static bool route_equal(const struct conf_route *x, const struct conf_route *y)
{
	return x->family == y->family && x->prefix == y->prefix && !memcmp(x->dst, y->dst, 16) &&
	       x->has_via == y->has_via && (!x->has_via || !memcmp(x->via, y->via, 16)) &&
	       !strcmp(x->dev, y->dev) && x->has_metric == y->has_metric &&
	       (!x->has_metric || x->metric == y->metric);
}

static bool gw_equal(const struct conf_gateway *x, const struct conf_gateway *y)
{
	return x->set == y->set &&
	       (!x->set || (!memcmp(x->addr, y->addr, 16) && !strcmp(x->dev, y->dev)));
}

/* ---- the target values of options removed from the file ---------------- */

static void nop_tx(void *c, struct slave *s, const uint8_t *f, size_t l, const void *m) {}
static void nop_deliver(void *c, struct bond *b, const uint8_t *f, size_t l, const void *m) {}
static void nop_slave_mac(void *c, struct slave *s, const uint8_t mac[6]) {}
static void nop_bond_mac(void *c, struct bond *b, const uint8_t mac[6]) {}
static void nop_carrier(void *c, struct bond *b, bool up) {}
static void nop_log(void *c, int level, const char *line) {}

static const struct engine_ops scratch_ops = {
	.tx = nop_tx, .deliver = nop_deliver, .set_slave_mac = nop_slave_mac,
	.set_bond_mac = nop_bond_mac, .set_carrier = nop_carrier, .log = nop_log,
};

/* The value a bond freshly made from section nb has for option name:
 * what an option removed from the file goes back to. */
static int target_value(struct apply *a, const struct conf_bond *nb, const char *name,
			char **out)
{
	struct bond *b = engine_bond_find(a->scratch, nb->name);
	const struct opt_desc *desc = opt_find(name);
	struct strbuf sb;
	struct err err;

	err_clear(&err);
	if (!b) {
		struct optlist l = { 0 };

		b = engine_bond_new(a->scratch, nb->name, &err);
		if (!b)
			return -EINVAL;
		for (unsigned i = 0; i < nb->n_opts; i++)
			if (!late_opt(nb->opts[i].name))
				ol_add(&l, nb->opts[i].name, nb->opts[i].value, false);
		if (l.n && opt_set_many(b, l.n, l.names, l.values, 0, &err) < 0) {
			ol_free(&l);
			return -EINVAL;
		}
		ol_free(&l);
	}
	if (!strcmp(name, "queue_id")) {
		*out = NULL;    /* handled by the caller: IFNAME:0 */
		return 0;
	}
	sb_init(&sb);
	if (opt_get(b, name, &sb, &err) < 0) {
		sb_free(&sb);
		return -EINVAL;
	}
	/* Enum values read back as "name number": keep the name. */
	if (desc && desc->type == OPT_T_ENUM)
		sb.buf[strcspn(sb_str(&sb), " ")] = '\0';
	*out = strdup(sb_str(&sb));
	sb_free(&sb);
	return *out ? 0 : -ENOMEM;
}

/* The option changes of a bond: new or changed values, and the target
 * values of options the file no longer sets. late: only / not the
 * slave-dependent ones. */
static int option_changes(struct apply *a, const struct conf_bond *ob, const struct conf_bond *nb,
			  bool late, struct optlist *l)
{
	for (unsigned i = 0; i < nb->n_opts; i++) {
		const struct conf_opt *o = &nb->opts[i], *prev = find_entry(ob, o);

		if (late_opt(o->name) != late || (prev && !strcmp(prev->value, o->value)))
			continue;
		ol_add(l, o->name, o->value, false);
	}
	for (unsigned i = 0; ob && i < ob->n_opts; i++) {
		const struct conf_opt *o = &ob->opts[i];
		char *v = NULL;

		if (late_opt(o->name) != late || find_entry(nb, o))
			continue;
		if (!strcmp(o->name, "queue_id")) {
			char q[64];

			snprintf(q, sizeof(q), "%.*s:0", (int)strcspn(o->value, ":"), o->value);
			ol_add(l, o->name, q, true);
			continue;
		}
		if (target_value(a, nb, o->name, &v) < 0) {
			struct err e;

			err_set(&e, -EINVAL, "%s: cannot work out the value %s goes back to", nb->name,
				o->name);
			return fail(a, -EINVAL, &e);
		}
		ol_add(l, o->name, v, true);
		free(v);
	}
	return 0;
}

/* ---- checks before any change ------------------------------------------ */

static bool released(const struct conf_bond *ob, const struct conf_bond *nb, const char *slave)
{
	return ob && conf_bond_has_slave(ob, slave) && !conf_bond_has_slave(nb, slave);
}

static int check_bond(struct apply *a, const struct conf_bond *nb)
{
	const struct conf_bond *ob = old_bond(a, nb->name);
	struct bond *b = engine_bond_find(a->e, nb->name);
	struct optlist l = { 0 };
	struct err e;
	int rc = 0;

	if (!b) {
		if (if_nametoindex(nb->name)) {
			err_set(&e, -EEXIST, "%s: a network device of that name exists and is not a bond of bondd",
				nb->name);
			return fail(a, -EEXIST, &e);
		}
	} else {
		unsigned keep = 0;
		char kept[256] = "";

		for (unsigned i = 0; i < b->n_slaves; i++)
			if (!released(ob, nb, b->slaves[i]->name)) {
				keep++;
				snprintf(kept + strlen(kept), sizeof(kept) - strlen(kept), " %s",
					 b->slaves[i]->name);
			}
		rc = option_changes(a, ob, nb, false, &l);
		for (unsigned i = 0; rc == 0 && i < l.n; i++) {
			const struct opt_desc *desc = opt_find(l.names[i]);

			if (!desc)
				continue;
			if ((desc->flags & OPT_NOSLAVES) && keep) {
				err_set(&e, -ENOTEMPTY,
					"%s: %s can only change while %s has no slaves, and it keeps%s: release them (bondctl release %s%s), reload, and enslave them again",
					nb->name, l.names[i], nb->name, kept, nb->name, kept);
				rc = fail(a, -ENOTEMPTY, &e);
			} else if ((desc->flags & OPT_IFDOWN) && b->admin_up) {
				err_set(&e, -EBUSY,
					"%s: %s can only change while %s is down: ip link set %s down, reload, then ip link set %s up",
					nb->name, l.names[i], nb->name, nb->name, nb->name);
				rc = fail(a, -EBUSY, &e);
			}
		}
		ol_free(&l);
		if (rc)
			return rc;
	}
	for (unsigned i = 0; i < nb->n_slaves; i++) {
		const char *s = nb->slaves[i].name;
		bool live = false;

		/* A slave of another bond moves (delete_and_release()). */
		for (unsigned k = 0; k < engine_bond_count(a->e); k++)
			if (bond_find_slave(engine_bond_at(a->e, k), s))
				live = true;
		if (!live && !if_nametoindex(s)) {
			err_set(&e, -ENODEV, "%s: slave %s does not exist", nb->name, s);
			return fail(a, -ENODEV, &e);
		}
		if (engine_bond_find(a->e, s)) {
			err_set(&e, -EINVAL, "%s: %s is a bond and cannot be a slave", nb->name, s);
			return fail(a, -EINVAL, &e);
		}
	}
	return 0;
}

static bool will_exist(const struct apply *a, const char *dev)
{
	return conf_find_bond(a->new, dev) || if_nametoindex(dev);
}

static int check_all(struct apply *a)
{
	struct conf_diag diag;
	struct strbuf sb;
	struct err e;

	conf_diag_init(&diag);
	if (conf_check(a->new, true, &diag)) {
		sb_init(&sb);
		for (unsigned i = 0; i < diag.n; i++)
			if (!diag.msgs[i].warning)
				sb_printf(&sb, "%s%s", sb.len ? "; " : "", diag.msgs[i].text);
		err_set(a->err, -EINVAL, "%s", sb_str(&sb));
		sb_free(&sb);
		conf_diag_free(&diag);
		return -EINVAL;
	}
	conf_diag_free(&diag);
	for (unsigned i = 0; i < a->new->n_bonds; i++) {
		int rc = check_bond(a, &a->new->bonds[i]);

		if (rc)
			return rc;
	}
	for (unsigned i = 0; i < a->new->n_ifaces; i++) {
		const char *n = a->new->ifaces[i].name;

		if (!if_nametoindex(n)) {
			err_set(&e, -ENODEV, "interface %s does not exist", n);
			return fail(a, -ENODEV, &e);
		}
		if (engine_bond_find(a->e, n)) {
			err_set(&e, -EINVAL, "%s is a bond of bondd: give it a [%s] section, not [interface %s]",
				n, n, n);
			return fail(a, -EINVAL, &e);
		}
	}
	for (unsigned i = 0; i < a->new->n_routes; i++) {
		const char *dev = a->new->routes[i].dev;

		if (*dev && !will_exist(a, dev)) {
			err_set(&e, -ENODEV, "route via %s: no such interface", dev);
			return fail(a, -ENODEV, &e);
		}
	}
	return 0;
}

/* ---- rtnetlink steps -------------------------------------------------------- */

static int ifindex_of(struct apply *a, const char *dev)
{
	int idx = (int)if_nametoindex(dev);

	if (!idx) {
		struct err e;

		err_set(&e, -ENODEV, "%s: no such interface", dev);
		return fail(a, -ENODEV, &e);
	}
	return idx;
}

static void to_rtnl_addr(const struct conf_addr *c, int ifindex, struct rtnl_addr *r)
{
	memset(r, 0, sizeof(*r));
	r->ifindex = ifindex;
	r->family = c->family;
	memcpy(r->addr, c->addr, c->family == AF_INET ? 4 : 16);
	r->prefixlen = c->prefix;
	snprintf(r->label, sizeof(r->label), "%s", c->label);
	if (c->family != AF_INET)
		return;
	if (c->has_broadcast) {
		memcpy(r->broadcast, c->broadcast, 4);
		r->has_broadcast = true;
	} else if (c->prefix < 31) {
		/* "brd +", as ifup and ip(8) users do */
		uint32_t a, host = c->prefix ? 0xffffffffu >> c->prefix : 0xffffffffu;

		memcpy(&a, c->addr, 4);
		a = htonl(ntohl(a) | host);
		memcpy(r->broadcast, &a, 4);
		r->has_broadcast = true;
	}
}

static int addrs_change(struct apply *a, const char *dev, const struct conf_addr *from,
			unsigned n_from, const struct conf_addr *to, unsigned n_to, bool add)
{
	const struct conf_addr *list = add ? to : from;
	unsigned n = add ? n_to : n_from;
	int idx = 0;

	for (unsigned i = 0; i < n; i++) {
		struct rtnl_addr ra;
		struct err e;
		int rc;

		if (addr_in(&list[i], add ? from : to, add ? n_from : n_to))
			continue;
		if (!idx) {
			idx = ifindex_of(a, dev);
			if (idx < 0)
				return idx;
		}
		to_rtnl_addr(&list[i], idx, &ra);
		err_clear(&e);
		rc = add ? rtnl_addr_add(a->r, &ra, &e) : rtnl_addr_del(a->r, &ra, &e);
		if (rc == -EEXIST || (!add && (rc == -EADDRNOTAVAIL || rc == -ENOENT)))
			continue;       /* already as wanted */
		if (rc < 0)
			return fail(a, rc, &e);
		a->changed = true;
	}
	return 0;
}

static int route_change(struct apply *a, int family, const uint8_t *dst, unsigned prefix,
			const uint8_t *via, const char *dev, bool has_metric, uint32_t metric,
			bool add)
{
	struct rtnl_route rt = { .family = family, .dst_len = (uint8_t)prefix };
	struct err e;
	int rc;

	if (dst)
		memcpy(rt.dst, dst, 16);
	if (via) {
		rt.has_gw = true;
		memcpy(rt.gw, via, 16);
	}
	if (*dev) {
		rt.oif = (int)if_nametoindex(dev);
		if (!rt.oif) {
			if (!add)
				return 0;       /* the device is gone, so is the route */
			return ifindex_of(a, dev);
		}
	}
	rt.has_metric = has_metric;
	rt.metric = metric;
	err_clear(&e);
	rc = add ? rtnl_route_add(a->r, &rt, &e) : rtnl_route_del(a->r, &rt, &e);
	if (!add && (rc == -ESRCH || rc == -ENOENT))
		return 0;
	if (rc < 0)
		return fail(a, rc, &e);
	a->changed = true;
	return 0;
}

static int routes_change(struct apply *a, const struct conf *from, const struct conf *to,
			 bool add)
{
	const struct conf *src = add ? to : from, *other = add ? from : to;
	const struct conf_gateway *g[2];
	const struct conf_gateway none = { 0 };

	if (!src)
		return 0;
	for (unsigned i = 0; i < src->n_routes; i++) {
		const struct conf_route *r = &src->routes[i];
		bool present = false;
		int rc;

		for (unsigned k = 0; other && k < other->n_routes; k++)
			if (route_equal(r, &other->routes[k]))
				present = true;
		if (present)
			continue;
		rc = route_change(a, r->family, r->dst, r->prefix, r->has_via ? r->via : NULL,
				  r->dev, r->has_metric, r->metric, add);
		if (rc)
			return rc;
	}
	g[0] = &src->gw4;
	g[1] = &src->gw6;
	for (int i = 0; i < 2; i++) {
		const struct conf_gateway *og = other ? (i ? &other->gw6 : &other->gw4) : &none;
		int rc;

		if (!g[i]->set || gw_equal(g[i], og))
			continue;
		rc = route_change(a, i ? AF_INET6 : AF_INET, NULL, 0, g[i]->addr, g[i]->dev, false,
				  0, add);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- the steps ------------------------------------------------------------- */

static int remove_old_addrs(struct apply *a)
{
	if (!a->old)
		return 0;
	for (unsigned i = 0; i < a->old->n_bonds; i++) {
		const struct conf_bond *ob = &a->old->bonds[i];
		const struct conf_bond *nb = conf_find_bond(a->new, ob->name);
		int rc;

		if (!nb || !engine_bond_find(a->e, ob->name))
			continue;       /* deleted with its device */
		rc = addrs_change(a, ob->name, ob->addrs, ob->n_addrs, nb->addrs, nb->n_addrs, false);
		if (rc)
			return rc;
	}
	for (unsigned i = 0; i < a->old->n_ifaces; i++) {
		const struct conf_iface *of = &a->old->ifaces[i];
		const struct conf_iface *nf = conf_find_iface(a->new, of->name);
		int rc;

		if (!if_nametoindex(of->name))
			continue;
		rc = addrs_change(a, of->name, of->addrs, of->n_addrs, nf ? nf->addrs : NULL,
				  nf ? nf->n_addrs : 0, false);
		if (rc)
			return rc;
	}
	return 0;
}

static int delete_and_release(struct apply *a)
{
	struct err e;

	for (unsigned i = 0; a->old && i < a->old->n_bonds; i++) {
		const struct conf_bond *ob = &a->old->bonds[i];
		const struct conf_bond *nb = conf_find_bond(a->new, ob->name);
		struct bond *b = engine_bond_find(a->e, ob->name);

		if (!b)
			continue;
		if (!nb) {
			err_clear(&e);
			if (daemon_bond_delete(a->d, ob->name, &e) < 0)
				return fail(a, e.code ? e.code : -EIO, &e);
			a->changed = true;
			continue;
		}
		for (unsigned k = 0; k < ob->n_slaves; k++) {
			const char *s = ob->slaves[k].name;

			if (conf_bond_has_slave(nb, s) || !bond_find_slave(b, s))
				continue;
			err_clear(&e);
			if (daemon_release(a->d, ob->name, s, &e) < 0)
				return fail(a, e.code ? e.code : -EIO, &e);
			a->changed = true;
		}
	}
	/* A slave moving to another bond leaves its old one first. */
	for (unsigned i = 0; i < a->new->n_bonds; i++) {
		const struct conf_bond *nb = &a->new->bonds[i];

		for (unsigned k = 0; k < nb->n_slaves; k++) {
			const char *s = nb->slaves[k].name;

			for (unsigned j = 0; j < engine_bond_count(a->e); j++) {
				struct bond *b = engine_bond_at(a->e, j);

				if (strcmp(b->name, nb->name) && bond_find_slave(b, s)) {
					err_clear(&e);
					if (daemon_release(a->d, b->name, s, &e) < 0)
						return fail(a, e.code ? e.code : -EIO, &e);
					a->changed = true;
					break;
				}
			}
		}
	}
	return 0;
}

static int set_opts(struct apply *a, const char *bond, struct optlist *l)
{
	struct err e;

	err_clear(&e);
	if (l->n && daemon_set(a->d, bond, l->n, l->names, l->values, &e) < 0) {
		struct err w;

		err_set(&w, e.code ? e.code : -EINVAL, "%s: %s", bond, e.msg);
		return fail(a, w.code, &w);
	}
	if (l->n)
		a->changed = true;
	return 0;
}

static int build_bond(struct apply *a, const struct conf_bond *nb)
{
	const struct conf_bond *ob = old_bond(a, nb->name);
	struct bond *b = engine_bond_find(a->e, nb->name);
	struct optlist l = { 0 };
	struct err e;
	int rc = 0, idx;

	if (!b) {
		for (unsigned i = 0; i < nb->n_opts; i++)
			if (!late_opt(nb->opts[i].name))
				ol_add(&l, nb->opts[i].name, nb->opts[i].value, false);
		err_clear(&e);
		rc = daemon_bond_create(a->d, nb->name, l.n, l.names, l.values, &e);
		ol_free(&l);
		if (rc < 0)
			return fail(a, rc, &e);
		a->changed = true;
		ob = NULL;
	} else {
		rc = option_changes(a, ob, nb, false, &l);
		if (!rc)
			rc = set_opts(a, nb->name, &l);
		ol_free(&l);
		if (rc)
			return rc;
	}
	b = engine_bond_find(a->e, nb->name);
	for (unsigned i = 0; b && i < nb->n_slaves; i++) {
		if (bond_find_slave(b, nb->slaves[i].name))
			continue;
		err_clear(&e);
		rc = daemon_enslave(a->d, nb->name, nb->slaves[i].name, &e);
		if (rc < 0)
			return fail(a, rc, &e);
		a->changed = true;
	}
	rc = option_changes(a, ob, nb, true, &l);
	if (!rc)
		rc = set_opts(a, nb->name, &l);
	ol_free(&l);
	if (rc)
		return rc;
	idx = ifindex_of(a, nb->name);
	if (idx < 0)
		return idx;
	if (nb->mtu && (!ob || ob->mtu != nb->mtu)) {
		err_clear(&e);
		if ((rc = rtnl_link_set_mtu(a->r, idx, nb->mtu, &e)) < 0)
			return fail(a, rc, &e);
		a->changed = true;
	}
	if (nb->has_hwaddr && (!ob || !ob->has_hwaddr || memcmp(ob->hwaddr, nb->hwaddr, 6))) {
		err_clear(&e);
		if ((rc = rtnl_link_set_mac(a->r, idx, nb->hwaddr, &e)) < 0)
			return fail(a, rc, &e);
		a->changed = true;
	}
	return addrs_change(a, nb->name, ob ? ob->addrs : NULL, ob ? ob->n_addrs : 0, nb->addrs,
			    nb->n_addrs, true);
}

static int build_iface(struct apply *a, const struct conf_iface *nf)
{
	const struct conf_iface *of = old_iface(a, nf->name);
	struct err e;
	int rc;

	if (nf->mtu && (!of || of->mtu != nf->mtu)) {
		int idx = ifindex_of(a, nf->name);

		if (idx < 0)
			return idx;
		err_clear(&e);
		if ((rc = rtnl_link_set_mtu(a->r, idx, nf->mtu, &e)) < 0)
			return fail(a, rc, &e);
		a->changed = true;
	}
	return addrs_change(a, nf->name, of ? of->addrs : NULL, of ? of->n_addrs : 0, nf->addrs,
			    nf->n_addrs, true);
}

int conf_apply(struct daemon *d, const struct conf *old, const struct conf *new,
	       struct err *err)
{
	struct apply a = { .d = d, .e = daemon_engine(d), .old = old, .new = new, .err = err };
	int rc;

	err_clear(err);
	a.scratch = engine_new(&scratch_ops, NULL);
	if (!a.scratch) {
		err_set(err, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	a.r = rtnl_open(false, err);
	if (!a.r) {
		engine_free(a.scratch);
		return err->code ? err->code : -EIO;
	}
	rc = check_all(&a);
	if (!rc)
		rc = routes_change(&a, old, new, false);
	if (!rc)
		rc = remove_old_addrs(&a);
	if (!rc)
		rc = delete_and_release(&a);
	for (unsigned i = 0; !rc && i < new->n_bonds; i++)
		rc = build_bond(&a, &new->bonds[i]);
	for (unsigned i = 0; !rc && i < new->n_ifaces; i++)
		rc = build_iface(&a, &new->ifaces[i]);
	if (!rc)
		rc = routes_change(&a, old, new, true);
	rtnl_close(a.r);
	engine_free(a.scratch);
	return rc;
}
