/* Comparing two configurations: what `bondctl diff FILE` prints (what runs
 * now against FILE) and what a reload changes (daemon_conf.c applies the
 * same option changes, conf_opt_changes(), and reports the same lines).
 *
 * Options compare by effect, not by text: both bonds' options go through
 * the option codec's dry run (opt_check, the kernel's order) from a new
 * bond's defaults, and the resulting values are compared as a
 * configuration writes them (opt_param_text). So "mode = 1" and "mode =
 * active-backup" are the same, and an option written at its default is the
 * same as one left out. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

#define BOND_NEW_MTU 1500    /* what a new bond device (a TAP) has */

/* ---- equality of the parts ---------------------------------------------- */

bool conf_addr_eq(const struct conf_addr *a, const struct conf_addr *b)
{
	size_t n = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && a->prefix == b->prefix &&
	       !memcmp(a->addr, b->addr, n) && !strcmp(a->label, b->label);
}

bool conf_route_eq(const struct conf_route *a, const struct conf_route *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	       !memcmp(a->dst, b->dst, 16) && a->has_via == b->has_via &&
	       (!a->has_via || !memcmp(a->via, b->via, 16)) && !strcmp(a->dev, b->dev) &&
	       a->has_metric == b->has_metric && (!a->has_metric || a->metric == b->metric);
}

bool conf_gateway_eq(const struct conf_gateway *a, const struct conf_gateway *b)
{
	return a->set == b->set && (!a->set || (!memcmp(a->addr, b->addr, 16) &&
						 !strcmp(a->dev, b->dev)));
}

static bool addr_in(const struct conf_addr *a, const struct conf_addr *list, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (conf_addr_eq(a, &list[i]))
			return true;
	return false;
}

/* ---- options ------------------------------------------------------------- */

/* The parameters a bond's options give a new bond (NULL: none set). The
 * configuration was checked whole before it got here; an option the dry
 * run refuses all the same leaves the parameters as they were. */
static void bond_params_of(const struct conf_bond *b, struct bond_params *p)
{
	unsigned *order;
	struct err e;

	opt_defaults(p);
	if (!b)
		return;
	order = conf_opt_order(b);
	for (unsigned i = 0; i < b->n_opts; i++) {
		const struct conf_opt *o = &b->opts[order[i]];

		if (strcmp(o->name, "queue_id") && strcmp(o->name, "active_slave"))
			opt_check(p, o->name, o->value, &e);
	}
	free(order);
}

/* The queue_id entry of slave (the text after "slave:"), or NULL. */
static const char *queue_of(const struct conf_bond *b, const char *slave, size_t len)
{
	for (unsigned i = 0; b && i < b->n_opts; i++) {
		const char *v = b->opts[i].value;

		if (!strcmp(b->opts[i].name, "queue_id") && !strncmp(v, slave, len) &&
		    v[len] == ':')
			return v;
	}
	return NULL;
}

static bool queue_is_zero(const char *v)
{
	const char *q = v ? strrchr(v, ':') : NULL;

	return !q || !strcmp(q + 1, "0");
}

/* Every option that differs, through cb(ctx, name, from, to, value):
 * from and to as a configuration writes them, value what to set. */
typedef void (*opt_change_fn)(void *ctx, const char *name, const char *from, const char *to,
			      const char *value);

static void opt_diff(const struct conf_bond *old, const struct conf_bond *new,
		     opt_change_fn cb, void *ctx)
{
	struct bond_params po, pn;
	struct strbuf a, b;

	bond_params_of(old, &po);
	bond_params_of(new, &pn);
	if (!old) {
		/* a new bond: against what one of its mode starts with */
		struct err e;

		if (opt_value_name(OPT_MODE, pn.mode))
			opt_check(&po, "mode", opt_value_name(OPT_MODE, pn.mode), &e);
	}
	sb_init(&a);
	sb_init(&b);
	for (unsigned i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *d = &opt_table[i];

		if (d->id == OPT_ACTIVE_SLAVE) {
			const char *was = old ? conf_bond_opt(old, d->name) : NULL;
			const char *now = conf_bond_opt(new, d->name);

			if (now && (!was || strcmp(was, now)))
				cb(ctx, d->name, was ? was : "", now, now);
			else if (!now && was)
				cb(ctx, d->name, was, "", "");
			continue;
		}
		if (d->id == OPT_QUEUE_ID) {
			/* one entry per slave: new's entries that changed,
			 * then old's that new drops for a slave it keeps */
			for (unsigned k = 0; k < new->n_opts; k++) {
				const char *v = new->opts[k].value;
				size_t len = strcspn(v, ":");
				const char *was;

				if (strcmp(new->opts[k].name, d->name))
					continue;
				was = queue_of(old, v, len);
				if (was ? !strcmp(was, v) : queue_is_zero(v))
					continue;
				sb_reset(&a);
				sb_printf(&a, "%.*s:0", (int)len, v);
				cb(ctx, d->name, was ? was : sb_str(&a), v, v);
			}
			for (unsigned k = 0; old && k < old->n_opts; k++) {
				const char *v = old->opts[k].value;
				size_t len = strcspn(v, ":");
				char slave[CONF_NAME_MAX];
				static char zero[CONF_NAME_MAX + 3];

				if (strcmp(old->opts[k].name, d->name) || queue_of(new, v, len) ||
				    queue_is_zero(v))
					continue;
				snprintf(slave, sizeof(slave), "%.*s", (int)len, v);
				if (!conf_bond_has_slave(new, slave))
					continue;
				/* the value must outlive this call: one slave
				 * at a time is reported and set */
				snprintf(zero, sizeof(zero), "%s:0", slave);
				cb(ctx, d->name, v, zero, zero);
			}
			continue;
		}
		sb_reset(&a);
		sb_reset(&b);
		if (opt_param_text(&po, d->id, &a) < 0 || opt_param_text(&pn, d->id, &b) < 0)
			continue;
		if (!strcmp(sb_str(&a), sb_str(&b)))
			continue;
		{
			const char *v = conf_bond_opt(new, d->name);

			cb(ctx, d->name, sb_str(&a), sb_str(&b), v ? v : "default");
		}
	}
	sb_free(&a);
	sb_free(&b);
}

struct opt_collect {
	const char **names, **values;
	unsigned n, max;
	/* values that are not in old or new (the "eth0:0" resets) */
	char keep[8][CONF_NAME_MAX + 3];
	unsigned n_keep;
};

static void collect_one(void *ctx, const char *name, const char *from, const char *to,
			const char *value)
{
	struct opt_collect *c = ctx;

	(void)from;
	(void)to;
	if (c->n >= c->max)
		return;
	if (!strcmp(name, "queue_id") && queue_is_zero(value)) {
		/* a reset's text is opt_diff's static buffer, which the
		 * next reset overwrites: keep a copy */
		if (c->n_keep >= ARRAY_SIZE(c->keep))
			return;
		snprintf(c->keep[c->n_keep], sizeof(c->keep[0]), "%s", value);
		value = c->keep[c->n_keep++];
	}
	c->names[c->n] = opt_find(name) ? opt_find(name)->name : name;
	c->values[c->n++] = value;
}

unsigned conf_opt_changes(const struct conf_bond *old, const struct conf_bond *new,
			  const char **names, const char **values, unsigned max)
{
	static struct opt_collect c;

	if (!old) {
		/* a bond no configuration had (made at run time): every
		 * option new sets, as creating it would */
		unsigned *order = conf_opt_order(new), n = 0;

		for (unsigned i = 0; i < new->n_opts && n < max; i++, n++) {
			names[n] = new->opts[order[i]].name;
			values[n] = new->opts[order[i]].value;
		}
		free(order);
		return n;
	}

	/* static: the "SLAVE:0" resets it keeps must outlive the call; the
	 * daemon is single-threaded and uses them before the next one */
	memset(&c, 0, sizeof(c));
	c.names = names;
	c.values = values;
	c.max = max;
	opt_diff(old, new, collect_one, &c);
	return c.n;
}

/* ---- the change list ----------------------------------------------------- */

static struct conf_change *change_add(struct conf_changes *out, char op, const char *kind,
				      const char *dev, const char *name, const char *from,
				      const char *to)
{
	struct conf_change *ch = CONF_PUSH(out->v, out->n);
	struct strbuf t;

	ch->op = op;
	ch->kind = kind;
	snprintf(ch->dev, sizeof(ch->dev), "%s", dev ? dev : "");
	ch->name = conf_xstrdup(name ? name : "");
	ch->from = from ? conf_xstrdup(from) : NULL;
	ch->to = to ? conf_xstrdup(to) : NULL;
	sb_init(&t);
	if (ch->dev[0] && strcmp(kind, "bond") && strcmp(kind, "interface") &&
	    strcmp(kind, "vlan"))
		sb_printf(&t, "%s: ", ch->dev);
	if (op == '~')
		sb_printf(&t, "%s%s%s -> %s", ch->name, *ch->name ? " " : "",
			  from && *from ? from : "(none)", to && *to ? to : "(none)");
	else
		sb_printf(&t, "%c %s", op, ch->name);
	if (t.oom)
		conf_oom();
	ch->text = conf_xstrdup(sb_str(&t));
	sb_free(&t);
	return ch;
}

void conf_changes_free(struct conf_changes *ch)
{
	for (unsigned i = 0; i < ch->n; i++) {
		free(ch->v[i].name);
		free(ch->v[i].from);
		free(ch->v[i].to);
		free(ch->v[i].text);
	}
	free(ch->v);
	ch->v = NULL;
	ch->n = 0;
}

struct opt_lines {
	struct conf_changes *out;
	const char *dev;
	bool skip_mode;
};

static void opt_line(void *ctx, const char *name, const char *from, const char *to,
		     const char *value)
{
	struct opt_lines *l = ctx;

	(void)value;
	if (l->skip_mode && !strcmp(name, "mode"))
		return;
	change_add(l->out, '~', "option", l->dev, name, from, to);
}

static void addr_text(const struct conf_addr *a, char *buf, size_t size)
{
	char ip[64];
	int n = snprintf(buf, size, "%s/%u", conf_ip_str(a->family, a->addr, ip), a->prefix);

	if (a->label[0] && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " label %s", a->label);
	if (a->has_broadcast && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " broadcast %s",
			 conf_ip_str(AF_INET, a->broadcast, ip));
}

static void addrs_diff(struct conf_changes *out, const char *dev, const struct conf_addr *old,
		       unsigned n_old, const struct conf_addr *new, unsigned n_new)
{
	char buf[160], name[176];

	for (unsigned i = 0; i < n_old; i++) {
		if (addr_in(&old[i], new, n_new))
			continue;
		addr_text(&old[i], buf, sizeof(buf));
		snprintf(name, sizeof(name), "address %s", buf);
		change_add(out, '-', "address", dev, name, buf, NULL);
	}
	for (unsigned i = 0; i < n_new; i++) {
		if (addr_in(&new[i], old, n_old))
			continue;
		addr_text(&new[i], buf, sizeof(buf));
		snprintf(name, sizeof(name), "address %s", buf);
		change_add(out, '+', "address", dev, name, NULL, buf);
	}
}

static void mtu_diff(struct conf_changes *out, const char *dev, unsigned was, unsigned now)
{
	char a[16] = "", b[16] = "";

	if (was == now)
		return;
	if (was)
		snprintf(a, sizeof(a), "%u", was);
	if (now)
		snprintf(b, sizeof(b), "%u", now);
	change_add(out, '~', "mtu", dev, "mtu", a, b);
}

static void bond_diff(struct conf_changes *out, const struct conf_bond *old,
		      const struct conf_bond *new)
{
	struct opt_lines ol = { .out = out, .dev = new->name, .skip_mode = !old };
	char name[64];

	if (!old) {
		const char *mode = conf_bond_opt(new, "mode");
		char text[64];

		snprintf(text, sizeof(text), "%s (mode %s)", new->name, mode ? mode : "balance-rr");
		change_add(out, '+', "bond", new->name, text, NULL, mode ? mode : "balance-rr");
	}
	opt_diff(old, new, opt_line, &ol);
	for (unsigned i = 0; old && i < old->n_slaves; i++)
		if (!conf_bond_has_slave(new, old->slaves[i].name)) {
			snprintf(name, sizeof(name), "slave %s", old->slaves[i].name);
			change_add(out, '-', "slave", new->name, name, old->slaves[i].name, NULL);
		}
	for (unsigned i = 0; i < new->n_slaves; i++)
		if (!old || !conf_bond_has_slave(old, new->slaves[i].name)) {
			snprintf(name, sizeof(name), "slave %s", new->slaves[i].name);
			change_add(out, '+', "slave", new->name, name, NULL, new->slaves[i].name);
		}
	if ((old && old->down) != new->down)
		change_add(out, '~', "up", new->name, "up", old ? (old->down ? "no" : "yes") :
			   "yes", new->down ? "no" : "yes");
	mtu_diff(out, new->name, old && old->mtu ? old->mtu : BOND_NEW_MTU,
		 new->mtu ? new->mtu : BOND_NEW_MTU);
	if ((old && old->has_hwaddr) != new->has_hwaddr ||
	    (new->has_hwaddr && memcmp(old->hwaddr, new->hwaddr, 6))) {
		char a[18] = "", b[18] = "";

		if (old && old->has_hwaddr)
			mac_fmt(old->hwaddr, a);
		if (new->has_hwaddr)
			mac_fmt(new->hwaddr, b);
		change_add(out, '~', "hwaddr", new->name, "hwaddr", a, b);
	}
	addrs_diff(out, new->name, old ? old->addrs : NULL, old ? old->n_addrs : 0, new->addrs,
		   new->n_addrs);
}

/* The VLAN of from that to's v replaces: same name, bond and vid (one
 * whose bond or vid changes is another device: removed, then added). */
static const struct conf_vlan *same_vlan(const struct conf *from, const struct conf_vlan *v)
{
	const struct conf_vlan *o = from ? conf_find_vlan(from, v->name) : NULL;

	return o && o->vid == v->vid && !strcmp(o->bond, v->bond) ? o : NULL;
}

static void vlan_diff(struct conf_changes *out, const struct conf_vlan *old,
		      const struct conf_vlan *new)
{
	if (!old) {
		char text[80], to[32];

		snprintf(text, sizeof(text), "vlan %s (%s vid %u)", new->name, new->bond, new->vid);
		snprintf(to, sizeof(to), "%s %u", new->bond, new->vid);
		change_add(out, '+', "vlan", new->name, text, NULL, to);
	}
	if ((old && old->down) != new->down)
		change_add(out, '~', "up", new->name, "up", old ? (old->down ? "no" : "yes") :
			   "yes", new->down ? "no" : "yes");
	mtu_diff(out, new->name, old ? old->mtu : 0, new->mtu);
	addrs_diff(out, new->name, old ? old->addrs : NULL, old ? old->n_addrs : 0, new->addrs,
		   new->n_addrs);
}

static void route_text(const struct conf_route *r, char *buf, size_t size)
{
	char ip[64];
	int n = snprintf(buf, size, "%s/%u", conf_ip_str(r->family, r->dst, ip), r->prefix);

	if (r->has_via && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " via %s", conf_ip_str(r->family, r->via, ip));
	if (r->dev[0] && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " dev %s", r->dev);
	if (r->has_metric && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " metric %u", r->metric);
}

static bool route_in(const struct conf_route *r, const struct conf *c)
{
	for (unsigned i = 0; i < c->n_routes; i++)
		if (conf_route_eq(r, &c->routes[i]))
			return true;
	return false;
}

static void gw_text(int family, const struct conf_gateway *g, char *buf, size_t size)
{
	char ip[64];

	buf[0] = '\0';
	if (!g->set)
		return;
	snprintf(buf, size, "%s%s%s", conf_ip_str(family, g->addr, ip), g->dev[0] ? " dev " : "",
		 g->dev);
}

static void gateway_diff(struct conf_changes *out, int family, const struct conf_gateway *old,
			 const struct conf_gateway *new)
{
	char a[96], b[96], name[112];

	if (conf_gateway_eq(old, new))
		return;
	gw_text(family, old, a, sizeof(a));
	gw_text(family, new, b, sizeof(b));
	if (old->set && new->set) {
		change_add(out, '~', "gateway", NULL, "gateway", a, b);
	} else {
		snprintf(name, sizeof(name), "gateway %s", old->set ? a : b);
		change_add(out, old->set ? '-' : '+', "gateway", NULL, name, old->set ? a : NULL,
			   new->set ? b : NULL);
	}
}

static void module_diff(struct conf_changes *out, const char *name, int was, int now)
{
	char a[16] = "", b[16] = "";

	if (was == now)
		return;
	if (was >= 0)
		snprintf(a, sizeof(a), "%d", was);
	if (now >= 0)
		snprintf(b, sizeof(b), "%d", now);
	change_add(out, '~', name, NULL, name, a, b);
}

void conf_diff(const struct conf *from, const struct conf *to, struct conf_changes *out)
{
	static const struct conf_gateway none;
	char buf[200], name[216];

	out->v = NULL;
	out->n = 0;
	module_diff(out, "max_bonds", from ? from->max_bonds : -1, to->max_bonds);
	module_diff(out, "tx_queues", from ? from->tx_queues : -1, to->tx_queues);
	if (strcmp(from ? from->datapath : "", to->datapath))
		change_add(out, '~', "datapath", NULL, "datapath",
			   from && from->datapath[0] ? from->datapath : "",
			   to->datapath);
	for (unsigned i = 0; from && i < from->n_vlans; i++) {
		const struct conf_vlan *o = &from->vlans[i];
		const struct conf_vlan *n = conf_find_vlan(to, o->name);

		if (n && same_vlan(from, n) == o)
			continue;
		snprintf(name, sizeof(name), "vlan %s", o->name);
		snprintf(buf, sizeof(buf), "%s %u", o->bond, o->vid);
		change_add(out, '-', "vlan", o->name, name, buf, NULL);
	}
	for (unsigned i = 0; from && i < from->n_bonds; i++)
		if (!conf_find_bond(to, from->bonds[i].name))
			change_add(out, '-', "bond", from->bonds[i].name, from->bonds[i].name,
				   from->bonds[i].name, NULL);
	for (unsigned i = 0; i < to->n_bonds; i++)
		bond_diff(out, from ? conf_find_bond(from, to->bonds[i].name) : NULL,
			  &to->bonds[i]);
	for (unsigned i = 0; i < to->n_vlans; i++)
		vlan_diff(out, same_vlan(from, &to->vlans[i]), &to->vlans[i]);
	for (unsigned i = 0; from && i < from->n_ifaces; i++)
		if (!conf_find_iface(to, from->ifaces[i].name)) {
			snprintf(name, sizeof(name), "interface %s", from->ifaces[i].name);
			change_add(out, '-', "interface", from->ifaces[i].name, name,
				   from->ifaces[i].name, NULL);
		}
	for (unsigned i = 0; i < to->n_ifaces; i++) {
		const struct conf_iface *ni = &to->ifaces[i];
		const struct conf_iface *oi = from ? conf_find_iface(from, ni->name) : NULL;

		if (!oi) {
			snprintf(name, sizeof(name), "interface %s", ni->name);
			change_add(out, '+', "interface", ni->name, name, NULL, ni->name);
		}
		mtu_diff(out, ni->name, oi ? oi->mtu : 0, ni->mtu);
		addrs_diff(out, ni->name, oi ? oi->addrs : NULL, oi ? oi->n_addrs : 0, ni->addrs,
			   ni->n_addrs);
	}
	for (unsigned i = 0; from && i < from->n_routes; i++)
		if (!route_in(&from->routes[i], to)) {
			route_text(&from->routes[i], buf, sizeof(buf));
			snprintf(name, sizeof(name), "route %s", buf);
			change_add(out, '-', "route", NULL, name, buf, NULL);
		}
	for (unsigned i = 0; i < to->n_routes; i++)
		if (!from || !route_in(&to->routes[i], from)) {
			route_text(&to->routes[i], buf, sizeof(buf));
			snprintf(name, sizeof(name), "route %s", buf);
			change_add(out, '+', "route", NULL, name, NULL, buf);
		}
	gateway_diff(out, AF_INET, from ? &from->gw4 : &none, &to->gw4);
	gateway_diff(out, AF_INET6, from ? &from->gw6 : &none, &to->gw6);
}
