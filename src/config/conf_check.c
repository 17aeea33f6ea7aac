/* Whole-configuration checks, before anything is applied.
 *
 * Bond options are checked, in the kernel's order (opt_id, as
 * opt_set_many() applies them), by the option codec's dry run (opt_check()
 * on the parameters of a new bond): the same checks and messages that
 * will apply them, so mode dependencies, ranges and couplings are judged
 * exactly as bondd will judge them, and each refusal points at the line
 * that asked for it. The rest is structure: one bond per slave, unique
 * addresses, labels that belong to their device, gateways on a configured
 * subnet. Pure. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

struct check {
	const struct conf *c;
	struct conf_diag *d;
	bool strict;
	unsigned errors;
};

static void error(struct check *k, const struct conf_loc *loc, const char *msg)
{
	conf_error(k->d, loc, "%s", msg);
	k->errors++;
}

static int opt_id_of(const struct conf_opt *o)
{
	const struct opt_desc *d = opt_find(o->name);

	return d ? (int)d->id : OPT__COUNT;
}

unsigned *conf_opt_order(const struct conf_bond *cb)
{
	unsigned *order = conf_xmalloc(sizeof(*order) * (cb->n_opts + 1));

	/* Stable sort by option id: the kernel's (and opt_set_many's) order. */
	for (unsigned i = 0; i < cb->n_opts; i++) {
		unsigned j = i;

		while (j > 0 && opt_id_of(&cb->opts[order[j - 1]]) > opt_id_of(&cb->opts[i])) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	return order;
}

/* Options that need the slaves in place are checked against the slave
 * list instead (the dry run's bond has none). */
static bool slave_dependent(const struct conf_opt *o)
{
	return !strcmp(o->name, "active_slave") || !strcmp(o->name, "queue_id");
}

static void check_slave_ref(struct check *k, const struct conf_bond *cb, const struct conf_opt *o)
{
	char name[CONF_NAME_MAX * 2];
	char msg[256];

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(o->value, ":"), o->value);
	if (!*name || conf_bond_has_slave(cb, name))
		return;
	snprintf(msg, sizeof(msg), "option %s: %s is not a slave of %s", o->name, name, cb->name);
	error(k, &o->loc, msg);
}

/* bi: the bond's index; the engine holds OPT_BONDS_MAX bonds. */
static void check_options(struct check *k, const struct conf_bond *cb, unsigned bi)
{
	unsigned *order;
	struct bond_params p;
	struct err err;

	if (bi >= OPT_BONDS_MAX) {
		snprintf(err.msg, sizeof(err.msg), "too many bonds (at most %d)", OPT_BONDS_MAX);
		error(k, &cb->loc, err.msg);
		return;
	}
	order = conf_opt_order(cb);
	opt_defaults(&p);
	for (unsigned i = 0; i < cb->n_opts; i++) {
		const struct conf_opt *o = &cb->opts[order[i]];
		int rc;

		if (slave_dependent(o)) {
			check_slave_ref(k, cb, o);
			continue;
		}
		rc = opt_check(&p, o->name, o->value, &err);
		if (rc == 0)
			continue;
		if (rc == -EOPNOTSUPP && !k->strict) {
			conf_warn(k->d, &o->loc, "%s (bondd refuses it when loading this configuration)",
				  err.msg);
		} else {
			error(k, &o->loc, err.msg);
		}
		/* Go on judging the later options in the mode asked for. */
		if (rc == -EOPNOTSUPP && !strcmp(o->name, "mode")) {
			uint64_t v;

			if (opt_parse(OPT_MODE, o->value, &v, NULL) == 0)
				p.mode = (uint32_t)v;
		}
	}
	free(order);
	{
		const char *mii = conf_bond_opt(cb, "miimon");
		const char *arp = conf_bond_opt(cb, "arp_interval");

		if (mii && arp && strcmp(mii, "0") && strcmp(arp, "0")) {
			const struct conf_opt *o = NULL;

			for (unsigned i = 0; i < cb->n_opts; i++)
				if (!strcmp(cb->opts[i].name, "arp_interval"))
					o = &cb->opts[i];
			conf_warn(k->d, &o->loc,
				  "%s sets both miimon and arp_interval: the ARP monitor wins and miimon is turned off",
				  cb->name);
		}
	}
	/* A primary that is not among the slaves is legal (it may name a
	 * future slave): conf_lint() warns about it, with the fix. */
}

static void check_slaves(struct check *k, const struct conf_bond *cb, unsigned bi)
{
	const struct conf *c = k->c;
	char msg[256];

	if (cb->n_slaves > BOND_MAX_SLAVES) {
		snprintf(msg, sizeof(msg), "%s has %u slaves: at most %d", cb->name, cb->n_slaves,
			 BOND_MAX_SLAVES);
		error(k, &cb->slaves[BOND_MAX_SLAVES].loc, msg);
	}
	for (unsigned i = 0; i < cb->n_slaves; i++) {
		const struct conf_slave *s = &cb->slaves[i];
		const struct conf_iface *f = conf_find_iface(c, s->name);

		if (conf_find_bond(c, s->name)) {
			snprintf(msg, sizeof(msg), "%s is a bond and cannot be a slave of %s",
				 s->name, cb->name);
			error(k, &s->loc, msg);
		}
		for (unsigned j = 0; j < bi; j++)
			if (conf_bond_has_slave(&c->bonds[j], s->name)) {
				snprintf(msg, sizeof(msg), "%s is a slave of %s already; a slave belongs to one bond",
					 s->name, c->bonds[j].name);
				error(k, &s->loc, msg);
			}
		if (f && f->n_addrs) {
			snprintf(msg, sizeof(msg),
				 "%s is a slave of %s and cannot have addresses (%s:%u): put them on the bond",
				 s->name, cb->name, f->addrs[0].loc.file, f->addrs[0].loc.line);
			error(k, &s->loc, msg);
		}
	}
}

struct addr_ref {
	const char *dev;
	const struct conf_addr *a;
};

static void check_addrs(struct check *k, const char *dev, const struct conf_addr *a, unsigned n,
			struct addr_ref **seen, unsigned *n_seen)
{
	char msg[512], buf[64];
	struct err err;

	for (unsigned i = 0; i < n; i++) {
		err_clear(&err);
		if (a[i].family == AF_INET6 && a[i].label[0]) {
			error(k, &a[i].loc, "labels are for IPv4 addresses only");
		} else if (conf_addr_label_ok(dev, a[i].label, &err) < 0) {
			error(k, &a[i].loc, err.msg);
		} else if (a[i].prefix > (a[i].family == AF_INET ? 32 : 128)) {
			error(k, &a[i].loc, "prefix length out of range");
		}
		for (unsigned j = 0; j < *n_seen; j++) {
			const struct conf_addr *b = (*seen)[j].a;

			if (b->family != a[i].family || memcmp(b->addr, a[i].addr, 16))
				continue;
			snprintf(msg, sizeof(msg), "address %s is on %s already (%s:%u)",
				 conf_ip_str(a[i].family, a[i].addr, buf), (*seen)[j].dev,
				 b->loc.file ? b->loc.file : "?", b->loc.line);
			error(k, &a[i].loc, msg);
			break;
		}
		{
			struct addr_ref *r = CONF_PUSH(*seen, *n_seen);

			r->dev = dev;
			r->a = &a[i];
		}
	}
}

/* Is gw on a configured subnet (of dev when given)? */
static bool on_link(const struct addr_ref *seen, unsigned n, int family, const uint8_t *gw,
		    const char *dev)
{
	static const uint8_t ll[2] = { 0xfe, 0x80 };

	if (family == AF_INET6 && gw[0] == ll[0] && (gw[1] & 0xc0) == ll[1])
		return true;    /* link-local: on-link by definition */
	for (unsigned i = 0; i < n; i++) {
		const struct conf_addr *a = seen[i].a;

		if (a->family == family && (!*dev || !strcmp(seen[i].dev, dev)) &&
		    conf_same_subnet(family, a->addr, gw, a->prefix))
			return true;
	}
	return false;
}

static bool is_device(const struct conf *c, const char *dev)
{
	return *dev && (conf_find_bond(c, dev) || conf_find_iface(c, dev) || conf_find_vlan(c, dev));
}

#define BOND_NEW_MTU 1500    /* a bond without an mtu line: a new TAP's */

/* A VLAN sits on a bond of this configuration, under a name nothing else
 * has, with a vid no other VLAN of that bond has, and no larger MTU than
 * the bond's (the kernel refuses a VLAN MTU above its real device's). */
static void check_vlan(struct check *k, unsigned vi)
{
	const struct conf *c = k->c;
	const struct conf_vlan *v = &c->vlans[vi];
	const struct conf_bond *b = conf_find_bond(c, v->bond), *owner;
	char msg[512];

	if (!conf_ifname_ok(v->name)) {
		snprintf(msg, sizeof(msg), "invalid VLAN name '%s'", v->name);
		error(k, &v->loc, msg);
		return;
	}
	if (v->vid < 1 || v->vid > 4094) {
		snprintf(msg, sizeof(msg), "VLAN %s: invalid VLAN id %u (1 .. 4094)", v->name, v->vid);
		error(k, &v->loc, msg);
	}
	if (!b) {
		if (conf_slave_owner(c, v->bond))
			snprintf(msg, sizeof(msg), "VLAN %s on %s: %s is a slave of %s; put the VLAN on the bond",
				 v->name, v->bond, v->bond, conf_slave_owner(c, v->bond)->name);
		else if (conf_find_vlan(c, v->bond))
			snprintf(msg, sizeof(msg), "VLAN %s on %s: %s is a VLAN itself; bondd does not stack VLANs (802.1ad, QinQ)",
				 v->name, v->bond, v->bond);
		else
			snprintf(msg, sizeof(msg), "VLAN %s on %s: %s is not a bond of this configuration; bondd creates VLANs on the bonds it manages only (a VLAN on a plain interface is the kernel's: ip link add link %s name %s type vlan id %u)",
				 v->name, v->bond[0] ? v->bond : "(none)", v->bond[0] ? v->bond : "(none)",
				 v->bond[0] ? v->bond : "DEV", v->name, v->vid);
		error(k, &v->loc, msg);
	}
	if (conf_find_bond(c, v->name)) {
		snprintf(msg, sizeof(msg), "VLAN %s: %s is the name of a bond (%s:%u)", v->name, v->name,
			 conf_find_bond(c, v->name)->loc.file, conf_find_bond(c, v->name)->loc.line);
		error(k, &v->loc, msg);
	}
	if (conf_find_iface(c, v->name)) {
		snprintf(msg, sizeof(msg), "VLAN %s: %s is configured as an interface too (%s:%u)",
			 v->name, v->name, conf_find_iface(c, v->name)->loc.file,
			 conf_find_iface(c, v->name)->loc.line);
		error(k, &v->loc, msg);
	}
	owner = conf_slave_owner(c, v->name);
	if (owner) {
		/* said once, here: check_slaves() leaves it to this */
		snprintf(msg, sizeof(msg), "VLAN %s: %s is a slave of %s too", v->name, v->name,
			 owner->name);
		error(k, &v->loc, msg);
	}
	for (unsigned j = 0; j < vi; j++) {
		const struct conf_vlan *w = &c->vlans[j];

		if (!strcmp(w->name, v->name)) {
			snprintf(msg, sizeof(msg), "VLAN %s is configured twice (first at %s:%u)",
				 v->name, w->loc.file, w->loc.line);
			error(k, &v->loc, msg);
		} else if (w->vid == v->vid && !strcmp(w->bond, v->bond)) {
			snprintf(msg, sizeof(msg), "VLAN %s: %s has VLAN %u already (%s, %s:%u)",
				 v->name, v->bond, v->vid, w->name, w->loc.file, w->loc.line);
			error(k, &v->loc, msg);
		}
	}
	if (b && v->mtu) {
		unsigned bmtu = b->mtu ? b->mtu : BOND_NEW_MTU;

		if (v->mtu > bmtu) {
			snprintf(msg, sizeof(msg), "VLAN %s: mtu %u is above its bond's (%s: %u%s): a VLAN's frames cross the bond, so its MTU is at most the bond's",
				 v->name, v->mtu, b->name, bmtu, b->mtu ? "" : ", the size a new bond has");
			error(k, &v->loc, msg);
		}
	}
}

static void check_gateway(struct check *k, int family, const uint8_t *gw, const char *dev,
			  const struct conf_loc *loc, const struct addr_ref *seen, unsigned n,
			  const char *what)
{
	char msg[512], buf[64];

	if (family == AF_INET6 && gw[0] == 0xfe && (gw[1] & 0xc0) == 0x80 && !*dev) {
		snprintf(msg, sizeof(msg), "%s %s is link-local: name its device (dev IFNAME)", what,
			 conf_ip_str(family, gw, buf));
		error(k, loc, msg);
		return;
	}
	if (on_link(seen, n, family, gw, dev))
		return;
	if (is_device(k->c, dev)) {
		snprintf(msg, sizeof(msg), "%s %s is not in a subnet of %s's addresses", what,
			 conf_ip_str(family, gw, buf), dev);
		error(k, loc, msg);
	} else if (!*dev && !on_link(seen, n, family, gw, "")) {
		conf_warn(k->d, loc, "%s %s is not in the subnet of any address of this configuration: the kernel must reach it another way",
			  what, conf_ip_str(family, gw, buf));
	}
}

unsigned conf_check(const struct conf *c, bool strict, struct conf_diag *d)
{
	struct check k = { .c = c, .d = d, .strict = strict };
	struct addr_ref *seen = NULL;
	unsigned n_seen = 0;
	char msg[256];

	for (unsigned i = 0; i < c->n_bonds; i++) {
		const struct conf_bond *b = &c->bonds[i];

		if (conf_find_iface(c, b->name)) {
			snprintf(msg, sizeof(msg), "%s is configured as a bond and as an interface (%s:%u)",
				 b->name, conf_find_iface(c, b->name)->loc.file,
				 conf_find_iface(c, b->name)->loc.line);
			error(&k, &b->loc, msg);
		}
		if (conf_split_vlan_name(b->name, (char[CONF_NAME_MAX]){ 0 }, &(unsigned){ 0 })) {
			snprintf(msg, sizeof(msg), "bond name '%s' reads as a VLAN in bondd.conf ([%s] is a VLAN's section, BOND.VID): bondd cannot configure a bond of that name; rename it",
				 b->name, b->name);
			error(&k, &b->loc, msg);
		}
		if (conf_is_section_word(b->name)) {
			snprintf(msg, sizeof(msg), "bond name '%s' is a bondd.conf section header ([%s]): bondd cannot configure a bond of that name; rename it",
				 b->name, b->name);
			error(&k, &b->loc, msg);
		}
		check_options(&k, b, i);
		check_slaves(&k, b, i);
		check_addrs(&k, b->name, b->addrs, b->n_addrs, &seen, &n_seen);
	}
	for (unsigned i = 0; i < c->n_vlans; i++) {
		check_vlan(&k, i);
		check_addrs(&k, c->vlans[i].name, c->vlans[i].addrs, c->vlans[i].n_addrs, &seen,
			    &n_seen);
	}
	for (unsigned i = 0; i < c->n_ifaces; i++)
		check_addrs(&k, c->ifaces[i].name, c->ifaces[i].addrs, c->ifaces[i].n_addrs, &seen,
			    &n_seen);
	if (c->gw4.set)
		check_gateway(&k, AF_INET, c->gw4.addr, c->gw4.dev, &c->gw4.loc, seen, n_seen,
			      "gateway");
	if (c->gw6.set)
		check_gateway(&k, AF_INET6, c->gw6.addr, c->gw6.dev, &c->gw6.loc, seen, n_seen,
			      "gateway");
	for (unsigned i = 0; i < c->n_routes; i++) {
		const struct conf_route *r = &c->routes[i];
		unsigned bits = r->family == AF_INET ? 32 : 128;
		bool host_bits = false;
		char buf[64];

		for (unsigned b = r->prefix; b < bits; b++)
			if (r->dst[b / 8] & (0x80 >> (b % 8)))
				host_bits = true;
		if (r->prefix == 0 || r->prefix > bits || host_bits) {
			snprintf(msg, sizeof(msg), "route destination %s/%u is not a network address",
				 conf_ip_str(r->family, r->dst, buf), r->prefix);
			error(&k, &r->loc, msg);
		} else if (!r->has_via && !*r->dev) {
			snprintf(msg, sizeof(msg), "route to %s/%u needs a gateway or a device",
				 conf_ip_str(r->family, r->dst, buf), r->prefix);
			error(&k, &r->loc, msg);
		} else if (conf_slave_owner(c, r->dev)) {
			snprintf(msg, sizeof(msg), "route via %s: %s is a slave of %s; route via the bond",
				 r->dev, r->dev, conf_slave_owner(c, r->dev)->name);
			error(&k, &r->loc, msg);
		} else if (r->has_via) {
			check_gateway(&k, r->family, r->via, r->dev, &r->loc, seen, n_seen,
				      "route gateway");
		}
	}
	if (c->gw4.set && conf_slave_owner(c, c->gw4.dev))
		error(&k, &c->gw4.loc, "the gateway's device is a slave: use the bond");
	if (c->gw6.set && conf_slave_owner(c, c->gw6.dev))
		error(&k, &c->gw6.loc, "the gateway's device is a slave: use the bond");
	if (c->tx_queues >= 0 && c->tx_queues != 16) {
		snprintf(msg, sizeof(msg), "tx_queues %d: bondd's bonds have 16 transmit queues; only 16 is accepted",
			 c->tx_queues);
		if (strict)
			error(&k, &c->tx_queues_loc, msg);
		else
			conf_warn(d, &c->tx_queues_loc, "%s", msg);
	}
	free(seen);
	return k.errors;
}
