/* Combining configurations by precedence: modprobe options under ifcfg or
 * interfaces ones (conf_merge), a boot script over them (conf_overlay),
 * and the "options bonding" defaults into every bond (conf_finish). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

/* Would a lower-precedence o be overridden by what b already sets? The
 * two link monitors exclude each other: a later miimon turns the ARP
 * monitor off and the other way round, so the higher-precedence one wins
 * outright. */
static bool overridden(const struct conf_opt *o, const struct conf_opt *opts, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (conf_opt_same(&opts[i], o->name, o->value))
			return true;
		if (!strcmp(o->name, "miimon") && !strcmp(opts[i].name, "arp_interval") &&
		    strcmp(opts[i].value, "0"))
			return true;
		if (!strcmp(o->name, "arp_interval") && !strcmp(opts[i].name, "miimon") &&
		    strcmp(opts[i].value, "0"))
			return true;
	}
	return false;
}

/* Puts the lower-precedence options low (in their order) before b's own. */
static void prepend_lower(struct conf_bond *b, const struct conf_opt *low, unsigned n_low)
{
	struct conf_opt *opts = NULL;
	unsigned n = 0;

	for (unsigned i = 0; i < n_low; i++) {
		struct conf_opt *o;

		if (overridden(&low[i], b->opts, b->n_opts))
			continue;
		o = CONF_PUSH(opts, n);
		o->name = conf_xstrdup(low[i].name);
		o->value = conf_xstrdup(low[i].value);
		o->loc = low[i].loc;
	}
	for (unsigned i = 0; i < b->n_opts; i++)
		*CONF_PUSH(opts, n) = b->opts[i];
	free(b->opts);
	b->opts = opts;
	b->n_opts = n;
}

void conf_bond_set_default(struct conf_bond *b, const struct conf_opt *o)
{
	prepend_lower(b, o, 1);
}

/* ---- merging -------------------------------------------------------------- */

/* Moves src's VLANs to the end of dst (their addresses with them). A
 * VLAN dst has already, on the same bond with the same vid (a boot
 * script's "vconfig add" of a VLAN ifcfg configures too), gets src's
 * addresses and MTU; any other clash is left to conf_check(), which
 * names both locations. */
static void move_vlans(struct conf *dst, struct conf *src)
{
	for (unsigned i = 0; i < src->n_vlans; i++) {
		struct conf_vlan *sv = &src->vlans[i], *dv = conf_find_vlan(dst, sv->name);

		if (dv && dv->vid == sv->vid && !strcmp(dv->bond, sv->bond)) {
			for (unsigned k = 0; k < sv->n_addrs; k++)
				*conf_push_addr(&dv->addrs, &dv->n_addrs) = sv->addrs[k];
			if (sv->mtu)
				dv->mtu = sv->mtu;
			free(sv->addrs);
			continue;
		}
		*CONF_PUSH(dst->vlans, dst->n_vlans) = *sv;
	}
	free(src->vlans);
	src->vlans = NULL;
	src->n_vlans = 0;
}

void conf_merge(struct conf *base, struct conf *mod)
{
	/* The locations in mod point at mod's file names: move them over. */
	for (unsigned i = 0; i < mod->n_files; i++)
		*CONF_PUSH(base->files, base->n_files) = mod->files[i];
	mod->n_files = 0;

	for (unsigned i = 0; i < mod->n_bonds; i++) {
		struct conf_bond *mb = &mod->bonds[i];
		bool known = conf_find_bond(base, mb->name) != NULL;
		struct conf_bond *b = conf_add_bond(base, mb->name, &mb->loc);

		/* A bond only the module creates stays down; ifcfg's or
		 * interfaces' own say wins for the bonds they configure. */
		if (!known)
			b->down = mb->down;

		prepend_lower(b, mb->opts, mb->n_opts);
		for (unsigned k = 0; k < mb->n_slaves; k++)
			conf_bond_add_slave(b, mb->slaves[k].name, &mb->slaves[k].loc);
	}
	move_vlans(base, mod);
	for (unsigned i = 0; i < mod->n_defaults; i++)
		conf_opts_set(&base->defaults, &base->n_defaults, mod->defaults[i].name,
			      mod->defaults[i].value, &mod->defaults[i].loc);
	if (mod->max_bonds >= 0 && base->max_bonds < 0) {
		base->max_bonds = mod->max_bonds;
		base->max_bonds_loc = mod->max_bonds_loc;
	}
	if (mod->tx_queues >= 0 && base->tx_queues < 0) {
		base->tx_queues = mod->tx_queues;
		base->tx_queues_loc = mod->tx_queues_loc;
	}
}

static void overlay_addrs(struct conf *base, const char *dev, const struct conf_addr *a,
			  unsigned n)
{
	struct conf_bond *b = conf_find_bond(base, dev);
	struct conf_vlan *v = b ? NULL : conf_find_vlan(base, dev);
	struct conf_iface *f = b || v ? NULL : conf_add_iface(base, dev, n ? &a[0].loc : NULL);

	for (unsigned i = 0; i < n; i++) {
		if (b)
			*conf_push_addr(&b->addrs, &b->n_addrs) = a[i];
		else if (v)
			*conf_push_addr(&v->addrs, &v->n_addrs) = a[i];
		else
			*conf_push_addr(&f->addrs, &f->n_addrs) = a[i];
	}
}

void conf_overlay(struct conf *base, struct conf *top, struct conf_diag *d)
{
	for (unsigned i = 0; i < top->n_files; i++)
		*CONF_PUSH(base->files, base->n_files) = top->files[i];
	top->n_files = 0;

	for (unsigned i = 0; i < top->n_bonds; i++) {
		const struct conf_bond *tb = &top->bonds[i];
		struct conf_bond *b = conf_add_bond(base, tb->name, &tb->loc);
		unsigned bi = (unsigned)(b - base->bonds);

		for (unsigned k = 0; k < tb->n_opts; k++)
			conf_bond_set_opt(b, tb->opts[k].name, tb->opts[k].value, &tb->opts[k].loc);
		for (unsigned k = 0; k < tb->n_slaves; k++) {
			const struct conf_slave *s = &tb->slaves[k];
			struct conf_bond *owner = conf_slave_owner(base, s->name);

			if (owner && owner != &base->bonds[bi]) {
				conf_error(d, &s->loc, "%s is a slave of %s already; a slave belongs to one bond",
					   s->name, owner->name);
				continue;
			}
			conf_bond_add_slave(&base->bonds[bi], s->name, &s->loc);
		}
		/* The old how-tos' rc.local: "ifconfig bond0 ADDR" brings the
		 * bond up, and C ifenslave refused a master that was not up. */
		if (tb->n_slaves || tb->n_addrs)
			base->bonds[bi].down = false;
		if (tb->mtu)
			base->bonds[bi].mtu = tb->mtu;
		if (tb->has_hwaddr) {
			base->bonds[bi].has_hwaddr = true;
			memcpy(base->bonds[bi].hwaddr, tb->hwaddr, 6);
		}
		overlay_addrs(base, tb->name, tb->addrs, tb->n_addrs);
	}
	for (unsigned i = 0; i < top->n_ifaces; i++) {
		const struct conf_iface *tf = &top->ifaces[i];

		if (!conf_find_bond(base, tf->name) && !conf_find_iface(base, tf->name) &&
		    !tf->n_addrs && !tf->mtu)
			continue;
		overlay_addrs(base, tf->name, tf->addrs, tf->n_addrs);
		if (tf->mtu && conf_find_iface(base, tf->name))
			conf_find_iface(base, tf->name)->mtu = tf->mtu;
	}
	move_vlans(base, top);
	for (unsigned i = 0; i < top->n_routes; i++)
		*CONF_PUSH(base->routes, base->n_routes) = top->routes[i];
	if (top->gw4.set)
		conf_set_gateway(base, AF_INET, top->gw4.addr, top->gw4.dev, &top->gw4.loc, d);
	if (top->gw6.set)
		conf_set_gateway(base, AF_INET6, top->gw6.addr, top->gw6.dev, &top->gw6.loc, d);
}

void conf_finish(struct conf *c)
{
	for (int i = 0; i < c->max_bonds && i < 1000; i++) {
		char name[CONF_NAME_MAX];

		snprintf(name, sizeof(name), "bond%d", i);
		/* The module creates them down; one the configuration
		 * names keeps what it says. */
		if (!conf_find_bond(c, name))
			conf_add_bond(c, name, &c->max_bonds_loc)->down = true;
	}
	for (unsigned i = 0; i < c->n_bonds; i++)
		prepend_lower(&c->bonds[i], c->defaults, c->n_defaults);
	conf_free_opts(c->defaults, c->n_defaults);
	c->defaults = NULL;
	c->n_defaults = 0;
}
