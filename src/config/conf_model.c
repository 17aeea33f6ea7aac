/* The configuration model: allocation, creating and freeing a conf, finding
 * and adding its bonds, interfaces, options and slaves, and comparing two
 * configurations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

/* ---- allocation ----------------------------------------------------------- */

void conf_oom(void)
{
	fputs("bondd: out of memory while reading the configuration\n", stderr);
	abort();
}

void *conf_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		conf_oom();
	return p;
}

void *conf_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		conf_oom();
	return p;
}

char *conf_xstrdup(const char *s)
{
	return conf_xstrndup(s, strlen(s));
}

char *conf_xstrndup(const char *s, size_t n)
{
	char *p = conf_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Capacity doubles at each power of two, so the array's size is implied by
 * its count. */
void *conf_grow(void *arr, unsigned n, size_t elem)
{
	if (n == 0)
		return conf_xrealloc(arr, 4 * elem);
	if (n >= 4 && (n & (n - 1)) == 0)
		return conf_xrealloc(arr, (size_t)n * 2 * elem);
	return arr;
}

/* ---- the model ------------------------------------------------------------ */

struct conf *conf_new(void)
{
	struct conf *c = conf_xmalloc(sizeof(*c));

	memset(c, 0, sizeof(*c));
	c->max_bonds = -1;
	c->tx_queues = -1;
	return c;
}

void conf_free_opts(struct conf_opt *o, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		free(o[i].name);
		free(o[i].value);
	}
	free(o);
}

void conf_free(struct conf *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->n_bonds; i++) {
		conf_free_opts(c->bonds[i].opts, c->bonds[i].n_opts);
		free(c->bonds[i].slaves);
		free(c->bonds[i].addrs);
	}
	free(c->bonds);
	for (unsigned i = 0; i < c->n_ifaces; i++)
		free(c->ifaces[i].addrs);
	free(c->ifaces);
	for (unsigned i = 0; i < c->n_vlans; i++)
		free(c->vlans[i].addrs);
	free(c->vlans);
	free(c->routes);
	conf_free_opts(c->defaults, c->n_defaults);
	for (unsigned i = 0; i < c->n_files; i++)
		free(c->files[i]);
	free(c->files);
	free(c);
}

const char *conf_add_file(struct conf *c, const char *path)
{
	for (unsigned i = 0; i < c->n_files; i++)
		if (!strcmp(c->files[i], path))
			return c->files[i];
	*CONF_PUSH(c->files, c->n_files) = conf_xstrdup(path);
	return c->files[c->n_files - 1];
}

struct conf_loc conf_loc_at(const char *file, unsigned line)
{
	return (struct conf_loc){ .file = file, .line = line };
}

struct conf_bond *conf_find_bond(const struct conf *c, const char *name)
{
	for (unsigned i = 0; i < c->n_bonds; i++)
		if (!strcmp(c->bonds[i].name, name))
			return &c->bonds[i];
	return NULL;
}

struct conf_iface *conf_find_iface(const struct conf *c, const char *name)
{
	for (unsigned i = 0; i < c->n_ifaces; i++)
		if (!strcmp(c->ifaces[i].name, name))
			return &c->ifaces[i];
	return NULL;
}

struct conf_vlan *conf_find_vlan(const struct conf *c, const char *name)
{
	for (unsigned i = 0; i < c->n_vlans; i++)
		if (!strcmp(c->vlans[i].name, name))
			return &c->vlans[i];
	return NULL;
}

struct conf_vlan *conf_find_bond_vlan(const struct conf *c, const char *bond, unsigned vid)
{
	for (unsigned i = 0; i < c->n_vlans; i++)
		if (c->vlans[i].vid == vid && !strcmp(c->vlans[i].bond, bond))
			return &c->vlans[i];
	return NULL;
}

struct conf_vlan *conf_add_vlan(struct conf *c, const char *name, const char *bond,
				unsigned vid, const struct conf_loc *loc)
{
	struct conf_vlan *v = CONF_PUSH(c->vlans, c->n_vlans);

	snprintf(v->name, sizeof(v->name), "%s", name);
	snprintf(v->bond, sizeof(v->bond), "%s", bond ? bond : "");
	v->vid = (uint16_t)vid;
	if (loc)
		v->loc = *loc;
	return v;
}

bool conf_vlan_default_name(const char *bond, unsigned vid, char name[CONF_NAME_MAX])
{
	int n = snprintf(name, CONF_NAME_MAX, "%s.%u", bond, vid);

	return n > 0 && n < CONF_NAME_MAX;
}

bool conf_split_vlan_name(const char *name, char bond[CONF_NAME_MAX], unsigned *vid)
{
	const char *dot = strrchr(name, '.');
	unsigned long v = 0;

	if (!dot || dot == name || !dot[1] || (size_t)(dot - name) >= CONF_NAME_MAX)
		return false;
	for (const char *p = dot + 1; *p; p++) {
		if (*p < '0' || *p > '9' || v > 100000)
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	/* "bond0.0100" is not what "ip link add" names VID 100: the kernel
	 * writes the VID in plain decimal (vlan_name_type default). */
	if (dot[1] == '0' && dot[2])
		return false;
	snprintf(bond, CONF_NAME_MAX, "%.*s", (int)(dot - name), name);
	*vid = (unsigned)v;
	return true;
}

const char *conf_bond_opt(const struct conf_bond *b, const char *name)
{
	for (unsigned i = 0; i < b->n_opts; i++)
		if (!strcmp(b->opts[i].name, name))
			return b->opts[i].value;
	return NULL;
}

struct conf_bond *conf_add_bond(struct conf *c, const char *name, const struct conf_loc *loc)
{
	struct conf_bond *b = conf_find_bond(c, name);

	if (b)
		return b;
	b = CONF_PUSH(c->bonds, c->n_bonds);
	snprintf(b->name, sizeof(b->name), "%s", name);
	if (loc)
		b->loc = *loc;
	return b;
}

struct conf_iface *conf_add_iface(struct conf *c, const char *name, const struct conf_loc *loc)
{
	struct conf_iface *f = conf_find_iface(c, name);

	if (f)
		return f;
	f = CONF_PUSH(c->ifaces, c->n_ifaces);
	snprintf(f->name, sizeof(f->name), "%s", name);
	if (loc)
		f->loc = *loc;
	return f;
}

/* queue_id values name a slave ("eth0:2"): one entry per slave. */
bool conf_opt_same(const struct conf_opt *o, const char *name, const char *value)
{
	if (strcmp(o->name, name))
		return false;
	if (!strcmp(name, "queue_id")) {
		size_t a = strcspn(o->value, ":"), b = strcspn(value, ":");

		return a == b && !strncmp(o->value, value, a);
	}
	return true;
}

void conf_opts_set(struct conf_opt **opts, unsigned *n, const char *name, const char *value,
		   const struct conf_loc *loc)
{
	struct conf_opt *o;

	for (unsigned i = 0; i < *n; i++) {
		o = &(*opts)[i];
		if (conf_opt_same(o, name, value)) {
			free(o->value);
			o->value = conf_xstrdup(value);
			if (loc)
				o->loc = *loc;
			return;
		}
	}
	o = CONF_PUSH(*opts, *n);
	o->name = conf_xstrdup(name);
	o->value = conf_xstrdup(value);
	if (loc)
		o->loc = *loc;
}

void conf_bond_set_opt(struct conf_bond *b, const char *name, const char *value,
		       const struct conf_loc *loc)
{
	conf_opts_set(&b->opts, &b->n_opts, name, value, loc);
}

bool conf_bond_has_slave(const struct conf_bond *b, const char *name)
{
	for (unsigned i = 0; i < b->n_slaves; i++)
		if (!strcmp(b->slaves[i].name, name))
			return true;
	return false;
}

void conf_bond_add_slave(struct conf_bond *b, const char *name, const struct conf_loc *loc)
{
	struct conf_slave *s;

	if (conf_bond_has_slave(b, name))
		return;
	s = CONF_PUSH(b->slaves, b->n_slaves);
	snprintf(s->name, sizeof(s->name), "%s", name);
	if (loc)
		s->loc = *loc;
}

struct conf_bond *conf_slave_owner(const struct conf *c, const char *name)
{
	for (unsigned i = 0; i < c->n_bonds; i++)
		if (conf_bond_has_slave(&c->bonds[i], name))
			return &c->bonds[i];
	return NULL;
}

/* ---- equality ------------------------------------------------------------- */

static bool addrs_equal(const struct conf_addr *a, unsigned na, const struct conf_addr *b,
			unsigned nb)
{
	if (na != nb)
		return false;
	for (unsigned i = 0; i < na; i++) {
		if (a[i].family != b[i].family || a[i].prefix != b[i].prefix ||
		    memcmp(a[i].addr, b[i].addr, 16) || strcmp(a[i].label, b[i].label) ||
		    a[i].has_broadcast != b[i].has_broadcast ||
		    (a[i].has_broadcast && memcmp(a[i].broadcast, b[i].broadcast, 4)))
			return false;
	}
	return true;
}

static bool opts_equal(const struct conf_opt *a, unsigned na, const struct conf_opt *b,
		       unsigned nb)
{
	if (na != nb)
		return false;
	for (unsigned i = 0; i < na; i++)
		if (strcmp(a[i].name, b[i].name) || strcmp(a[i].value, b[i].value))
			return false;
	return true;
}

static bool bond_equal(const struct conf_bond *a, const struct conf_bond *b)
{
	if (strcmp(a->name, b->name) || a->mtu != b->mtu || a->down != b->down ||
	    a->has_hwaddr != b->has_hwaddr ||
	    (a->has_hwaddr && memcmp(a->hwaddr, b->hwaddr, 6)) || a->n_slaves != b->n_slaves)
		return false;
	for (unsigned i = 0; i < a->n_slaves; i++)
		if (strcmp(a->slaves[i].name, b->slaves[i].name))
			return false;
	return opts_equal(a->opts, a->n_opts, b->opts, b->n_opts) &&
	       addrs_equal(a->addrs, a->n_addrs, b->addrs, b->n_addrs);
}

static bool gw_equal(const struct conf_gateway *a, const struct conf_gateway *b)
{
	if (a->set != b->set)
		return false;
	return !a->set || (!memcmp(a->addr, b->addr, 16) && !strcmp(a->dev, b->dev));
}

/* VLANs are matched by name: bondd.conf lists some in the bond's section
 * (vlans = ...) and others in sections of their own, so printing and
 * reading back may reorder them without changing anything. */
static bool vlans_equal(const struct conf *a, const struct conf *b)
{
	if (a->n_vlans != b->n_vlans)
		return false;
	for (unsigned i = 0; i < a->n_vlans; i++) {
		const struct conf_vlan *x = &a->vlans[i], *y = conf_find_vlan(b, x->name);

		if (!y || strcmp(x->bond, y->bond) || x->vid != y->vid || x->mtu != y->mtu ||
		    x->down != y->down || !addrs_equal(x->addrs, x->n_addrs, y->addrs, y->n_addrs))
			return false;
	}
	return true;
}

bool conf_equal(const struct conf *a, const struct conf *b)
{
	if (a->n_bonds != b->n_bonds || a->n_ifaces != b->n_ifaces || !vlans_equal(a, b) ||
	    a->n_routes != b->n_routes || a->max_bonds != b->max_bonds ||
	    a->tx_queues != b->tx_queues || strcmp(a->datapath, b->datapath) ||
	    strcmp(a->metrics, b->metrics) || strcmp(a->metrics_textfile, b->metrics_textfile) ||
	    !gw_equal(&a->gw4, &b->gw4) ||
	    !gw_equal(&a->gw6, &b->gw6) ||
	    !opts_equal(a->defaults, a->n_defaults, b->defaults, b->n_defaults))
		return false;
	for (unsigned i = 0; i < a->n_bonds; i++)
		if (!bond_equal(&a->bonds[i], &b->bonds[i]))
			return false;
	for (unsigned i = 0; i < a->n_ifaces; i++) {
		const struct conf_iface *x = &a->ifaces[i], *y = &b->ifaces[i];

		if (strcmp(x->name, y->name) || x->mtu != y->mtu ||
		    !addrs_equal(x->addrs, x->n_addrs, y->addrs, y->n_addrs))
			return false;
	}
	for (unsigned i = 0; i < a->n_routes; i++) {
		const struct conf_route *x = &a->routes[i], *y = &b->routes[i];

		if (x->family != y->family || memcmp(x->dst, y->dst, 16) ||
		    x->prefix != y->prefix || x->has_via != y->has_via ||
		    (x->has_via && memcmp(x->via, y->via, 16)) || strcmp(x->dev, y->dev) ||
		    x->has_metric != y->has_metric || (x->has_metric && x->metric != y->metric))
			return false;
	}
	return true;
}
