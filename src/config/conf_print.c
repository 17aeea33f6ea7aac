/* The canonical bondd.conf text of a configuration. Parsing this text gives
 * the same configuration back (conf_equal), which the tests check for every
 * golden file. Layout:
 *
 *   [bonding]              only when max_bonds or tx_queues is set
 *   [bondN] ...            options in the order given, then slaves, vlans
 *                          (the VLANs named BOND.VID with nothing else to
 *                          say), up (only "up = no"), mtu, hwaddr,
 *                          addresses, gateways
 *   [bond0.100] ...        the other VLANs, in their order: up, mtu,
 *   [vlan NAME] ...        addresses, gateways ([vlan NAME]: bond and vid
 *                          first)
 *   [interface X] ...
 *   [route]                routes, and default gateways that name no
 *                          configured device */
#include <arpa/inet.h>
#include <string.h>

#include "conf_impl.h"

static void print_addrs(const struct conf_addr *a, unsigned n, struct strbuf *out)
{
	for (unsigned i = 0; i < n; i++) {
		char buf[64];

		sb_printf(out, "address = %s/%u", conf_ip_str(a[i].family, a[i].addr, buf),
			  a[i].prefix);
		if (a[i].label[0])
			sb_printf(out, " label %s", a[i].label);
		if (a[i].has_broadcast)
			sb_printf(out, " broadcast %s", conf_ip_str(AF_INET, a[i].broadcast, buf));
		sb_puts(out, "\n");
	}
}

static bool is_device(const struct conf *c, const char *name)
{
	return *name && (conf_find_bond(c, name) || conf_find_iface(c, name) ||
			 conf_find_vlan(c, name));
}

static void print_gateways(const struct conf *c, const char *dev, struct strbuf *out)
{
	const struct conf_gateway *g[2] = { &c->gw4, &c->gw6 };
	char buf[64];

	for (int i = 0; i < 2; i++)
		if (g[i]->set && !strcmp(g[i]->dev, dev))
			sb_printf(out, "gateway = %s\n",
				  conf_ip_str(i ? AF_INET6 : AF_INET, g[i]->addr, buf));
}

static bool vlan_default_named(const struct conf_vlan *v)
{
	char name[CONF_NAME_MAX];

	return conf_vlan_default_name(v->bond, v->vid, name) && !strcmp(name, v->name);
}

/* Goes on the bond's vlans line: nothing a section would add. */
static bool vlan_bare(const struct conf *c, const struct conf_vlan *v)
{
	const struct conf_gateway *g[2] = { &c->gw4, &c->gw6 };

	for (int i = 0; i < 2; i++)
		if (g[i]->set && !strcmp(g[i]->dev, v->name))
			return false;
	return vlan_default_named(v) && !v->mtu && !v->down && !v->n_addrs;
}

static void print_vlan(const struct conf *c, const struct conf_vlan *v, const char *sep,
		       struct strbuf *out)
{
	if (vlan_default_named(v))
		sb_printf(out, "%s[%s]\n", sep, v->name);
	else
		sb_printf(out, "%s[vlan %s]\nbond = %s\nvid = %u\n", sep, v->name, v->bond,
			  v->vid);
	if (v->down)
		sb_puts(out, "up = no\n");
	if (v->mtu)
		sb_printf(out, "mtu = %u\n", v->mtu);
	print_addrs(v->addrs, v->n_addrs, out);
	print_gateways(c, v->name, out);
}

void conf_print(const struct conf *c, struct strbuf *out)
{
	const char *sep = "";
	bool route_hdr = false;
	char buf[64];

	if (c->max_bonds >= 0 || c->tx_queues >= 0) {
		sb_puts(out, "[bonding]\n");
		if (c->max_bonds >= 0)
			sb_printf(out, "max_bonds = %d\n", c->max_bonds);
		if (c->tx_queues >= 0)
			sb_printf(out, "tx_queues = %d\n", c->tx_queues);
		sep = "\n";
	}
	if (c->datapath[0] || c->metrics[0] || c->metrics_textfile[0]) {
		sb_printf(out, "%s[daemon]\n", sep);
		if (c->datapath[0])
			sb_printf(out, "datapath = %s\n", c->datapath);
		if (c->metrics[0])
			sb_printf(out, "metrics = %s\n", c->metrics);
		if (c->metrics_textfile[0])
			sb_printf(out, "metrics_textfile = %s\n", c->metrics_textfile);
		sep = "\n";
	}
	for (unsigned i = 0; i < c->n_bonds; i++) {
		const struct conf_bond *b = &c->bonds[i];

		sb_printf(out, "%s[%s]\n", sep, b->name);
		sep = "\n";
		for (unsigned k = 0; k < b->n_opts; k++)
			sb_printf(out, "%s = %s\n", b->opts[k].name, b->opts[k].value);
		if (b->n_slaves) {
			sb_puts(out, "slaves =");
			for (unsigned k = 0; k < b->n_slaves; k++)
				sb_printf(out, " %s", b->slaves[k].name);
			sb_puts(out, "\n");
		}
		{
			const char *vsep = "vlans = ";

			for (unsigned k = 0; k < c->n_vlans; k++) {
				const struct conf_vlan *v = &c->vlans[k];

				if (strcmp(v->bond, b->name) || !vlan_bare(c, v))
					continue;
				sb_printf(out, "%s%u", vsep, v->vid);
				vsep = ", ";
			}
			if (*vsep == ',')
				sb_puts(out, "\n");
		}
		if (b->down)
			sb_puts(out, "up = no\n");
		if (b->mtu)
			sb_printf(out, "mtu = %u\n", b->mtu);
		if (b->has_hwaddr) {
			char m[18];

			sb_printf(out, "hwaddr = %s\n", mac_fmt(b->hwaddr, m));
		}
		print_addrs(b->addrs, b->n_addrs, out);
		print_gateways(c, b->name, out);
	}
	for (unsigned i = 0; i < c->n_vlans; i++) {
		/* a bare VLAN of a bond not in c (not a valid configuration,
		 * but printed whole all the same) gets a section */
		if (vlan_bare(c, &c->vlans[i]) && conf_find_bond(c, c->vlans[i].bond))
			continue;
		print_vlan(c, &c->vlans[i], sep, out);
		sep = "\n";
	}
	for (unsigned i = 0; i < c->n_ifaces; i++) {
		const struct conf_iface *f = &c->ifaces[i];

		sb_printf(out, "%s[interface %s]\n", sep, f->name);
		sep = "\n";
		if (f->mtu)
			sb_printf(out, "mtu = %u\n", f->mtu);
		print_addrs(f->addrs, f->n_addrs, out);
		print_gateways(c, f->name, out);
	}
	for (int i = 0; i < 2; i++) {
		const struct conf_gateway *g = i ? &c->gw6 : &c->gw4;

		if (!g->set || is_device(c, g->dev))
			continue;
		if (!route_hdr)
			sb_printf(out, "%s[route]\n", sep);
		route_hdr = true;
		sb_printf(out, "to = default via %s", conf_ip_str(i ? AF_INET6 : AF_INET, g->addr, buf));
		if (*g->dev)
			sb_printf(out, " dev %s", g->dev);
		sb_puts(out, "\n");
	}
	for (unsigned i = 0; i < c->n_routes; i++) {
		const struct conf_route *r = &c->routes[i];

		if (!route_hdr)
			sb_printf(out, "%s[route]\n", sep);
		route_hdr = true;
		sb_printf(out, "to = %s/%u", conf_ip_str(r->family, r->dst, buf), r->prefix);
		if (r->has_via)
			sb_printf(out, " via %s", conf_ip_str(r->family, r->via, buf));
		if (*r->dev)
			sb_printf(out, " dev %s", r->dev);
		if (r->has_metric)
			sb_printf(out, " metric %u", r->metric);
		sb_puts(out, "\n");
	}
}
