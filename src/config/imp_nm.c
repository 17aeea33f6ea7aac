/* Importer: NetworkManager keyfiles (/etc/NetworkManager/system-connections,
 * *.nmconnection), as nmcli writes them on RHEL 8/9 and Fedora:
 *
 *   [connection] id= uuid= type=bond interface-name=bond0 autoconnect=
 *   [bond]       mode=active-backup miimon=100 ...   (the kernel's names)
 *   [ethernet]   mtu= cloned-mac-address=
 *   [ipv4]       method=manual address1=192.0.2.1/24,192.0.2.254 gateway=
 *                addresses=a/p;b/p (the old style) route1=DST/PFX,NH,METRIC
 *   [ipv6]       likewise
 *
 * and the ports: type=ethernet, controller= (or master=) naming the bond by
 * interface name, connection uuid or id, port-type= (or slave-type=) bond.
 *
 * VLANs: type=vlan with [vlan] parent= (the bond's interface name, or its
 * connection's uuid or id) and id=; the device is interface-name=, else
 * PARENT.ID as NM names it; [ipv4]/[ipv6], ethernet.mtu and autoconnect as
 * for the bond. flags other than NM's default (1, reorder headers), the
 * priority maps and protocol=802.1ad are refused: bondd tags with
 * priority 0, reorders every header and speaks 802.1Q only.
 *
 * Decisions: ipv4 method=auto|dhcp (and ipv6 dhcp) on a bond are errors,
 * as BOOTPROTO=dhcp is for ifcfg: bondd sets static addresses only, and a
 * bond imported without the address it is meant to carry would be up but
 * unreachable. ipv6 method=auto is a warning: router advertisements are
 * handled by the kernel itself on the bond bondd creates (SLAAC), only
 * DHCPv6 would be missing. Settings NM knows that are not about the link
 * (proxy, DNS, zone, ...) are accepted with no effect; DNS gets a warning
 * since it is configuration bondd does not carry. Anything else is an error
 * with the nearest known name: NM itself ignores unknown keys, so a typo
 * would go unnoticed. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

struct nmc {
	const char *file;
	struct conf_ini ini;
	const char *id, *uuid, *type, *ifname, *controller;
	unsigned line;              /* of type= (or 1) */
	bool skip;
};

struct nm {
	struct conf *c;
	struct conf_diag *d;
	struct nmc *v;
	unsigned n;
};

static const char *const sections[] = {
	"connection", "bond", "bond-port", "ethernet", "802-3-ethernet", "ipv4", "ipv6",
	"vlan", "proxy", "ethtool", "match", "user", "link", "ovs-port", "team-port",
	"bridge-port", "hostname", "sriov", "tc", "dcb", "802-1x", "ovs-interface", NULL,
};

/* Keys bondd uses, per section; "*" = the section's other keys are NM's and
 * have no effect on what bondd sets up (accepted). */
static const char *const k_connection[] = {
	"id", "uuid", "type", "interface-name", "autoconnect", "controller", "master",
	"port-type", "slave-type", "autoconnect-priority", "autoconnect-slaves",
	"autoconnect-ports", "autoconnect-retries", "permissions", "timestamp", "zone",
	"multi-connect", "auth-retries", "wait-device-timeout", "wait-activation-delay",
	"dns-over-tls", "mdns", "llmnr", "lldp", "metered", "stable-id", "read-only",
	"secondaries", "gateway-ping-timeout", "mud-url", "down-on-poweroff",
	"ip-ping-timeout", "ip-ping-addresses", "ip-ping-addresses-require-all",
	"dnssec", "mptcp-flags", NULL,
};
static const char *const k_ethernet[] = {
	"mtu", "cloned-mac-address", "mac-address", "mac-address-blacklist",
	"mac-address-denylist", "auto-negotiate", "speed", "duplex", "wake-on-lan",
	"wake-on-lan-password", "generate-mac-address-mask", "port", "s390-subchannels",
	"s390-nettype", "s390-options", "accept-all-mac-addresses", NULL,
};
static const char *const k_ip[] = {
	"method", "addresses", "address", "gateway", "routes", "route", "dns", "dns-search",
	"dns-options", "dns-priority", "may-fail", "ignore-auto-dns", "ignore-auto-routes",
	"never-default", "route-metric", "route-table", "dhcp-client-id", "dhcp-hostname",
	"dhcp-send-hostname", "dhcp-timeout", "dhcp-fqdn", "dhcp-iaid", "dhcp-duid",
	"dad-timeout", "addr-gen-mode", "ip6-privacy", "token", "required-timeout",
	"link-local", "auto-route-ext-gw", "dhcp-vendor-class-identifier", "routing-rules",
	"dhcp-reject-servers", "ra-timeout", "mtu", "forwarding", "dhcp-dscp",
	"replace-local-rule", "shared-dhcp-range", "shared-dhcp-lease-time", NULL,
};
static const char *const k_bond_port[] = { "queue-id", "prio", NULL };
static const char *const k_vlan[] = { "parent", "id", "flags", "egress-priority-map",
				       "ingress-priority-map", "protocol", NULL };

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static bool in_list(const char *w, const char *const *list)
{
	for (unsigned i = 0; list[i]; i++)
		if (!strcmp(w, list[i]))
			return true;
	return false;
}

static const char *get(const struct nmc *f, const char *sec, const char *key)
{
	const struct conf_ini_kv *kv = conf_ini_get(&f->ini, sec, key);

	return kv ? kv->value : NULL;
}

static const char *get2(const struct nmc *f, const char *sec, const char *sec2,
			const char *key)
{
	const char *v = get(f, sec, key);

	return v ? v : get(f, sec2, key);
}

static struct conf_loc loc_of(const struct nmc *f, const char *sec, const char *key)
{
	const struct conf_ini_kv *kv = conf_ini_get(&f->ini, sec, key);

	return conf_loc_at(f->file, kv ? kv->line : f->line);
}

/* ipv4.address1=... is "address" with an index. */
static const char *strip_index(const char *key, char *buf, size_t n)
{
	size_t len = strlen(key);

	while (len && key[len - 1] >= '0' && key[len - 1] <= '9')
		len--;
	if (len == strlen(key) || len >= n)
		return key;
	memcpy(buf, key, len);
	buf[len] = '\0';
	/* routeN_options: route options of route N */
	return buf;
}

/* Every section and key known: unknown ones are errors with the nearest. */
static void check_keys(struct nm *m, struct nmc *f)
{
	for (unsigned i = 0; i < f->ini.n_sections; i++) {
		const struct conf_ini_section *s = &f->ini.sections[i];
		const char *const *keys = NULL;
		struct conf_loc loc = conf_loc_at(f->file, s->line);

		if (!in_list(s->name, sections)) {
			conf_error_unknown(m->d, &loc, "section", s->name,
					   conf_suggest(s->name, sections));
			continue;
		}
		if (!strcmp(s->name, "connection"))
			keys = k_connection;
		else if (!strcmp(s->name, "ethernet") || !strcmp(s->name, "802-3-ethernet"))
			keys = k_ethernet;
		else if (!strcmp(s->name, "ipv4") || !strcmp(s->name, "ipv6"))
			keys = k_ip;
		else if (!strcmp(s->name, "bond-port"))
			keys = k_bond_port;
		else if (!strcmp(s->name, "vlan"))
			keys = k_vlan;
		if (!keys)
			continue;   /* [bond]: the option table checks; the rest: NM's own */
		for (unsigned j = 0; j < s->n_kv; j++) {
			const struct conf_ini_kv *kv = &s->kv[j];
			char buf[64];
			const char *k = strip_index(kv->key, buf, sizeof(buf));
			struct conf_loc l = conf_loc_at(f->file, kv->line);
			size_t n = strlen(kv->key);

			if (keys == k_ip && n > 8 && !strcmp(kv->key + n - 8, "_options") &&
			    !strncmp(kv->key, "route", 5))
				continue;   /* routeN_options: table=, onlink= ... */
			if (!in_list(k, keys))
				conf_error_unknown(m->d, &l, "key", kv->key, conf_suggest(k, keys));
		}
	}
}

/* NM's "ADDR/PFX[,GW]" (address1=) and the old "ADDR/PFX;ADDR/PFX;" list. */
static void add_address(struct nm *m, const struct nmc *f, int family, const char *text,
			const struct conf_loc *loc, struct conf_addr **addrs, unsigned *n,
			const char *dev)
{
	char *s = conf_xstrdup(text), *comma = strchr(s, ',');
	struct conf_addr a;
	int fam, prefix;
	struct err err;

	(void)f;
	memset(&a, 0, sizeof(a));
	err_clear(&err);
	if (comma)
		*comma = '\0';
	if (conf_parse_cidr(conf_trim(s), &fam, a.addr, &prefix, &err) < 0 || fam != family) {
		conf_error(m->d, loc, "invalid %s address '%s'",
			   family == AF_INET ? "IPv4" : "IPv6", text);
		free(s);
		return;
	}
	if (prefix < 0)
		prefix = family == AF_INET ? 32 : 128;     /* NM's default */
	a.family = family;
	a.prefix = (uint8_t)prefix;
	a.loc = *loc;
	*conf_push_addr(addrs, n) = a;
	if (comma && *conf_trim(comma + 1)) {
		uint8_t gw[16];

		if (conf_parse_ip(conf_trim(comma + 1), family, &fam, gw) < 0)
			conf_error(m->d, loc, "invalid gateway '%s'", conf_trim(comma + 1));
		else
			conf_set_gateway(m->c, family, gw, dev, loc, m->d);
	}
	free(s);
}

/* routeN=DST/PFX[,NEXTHOP[,METRIC]] */
static void add_route(struct nm *m, int family, const char *text, const struct conf_loc *loc,
		      const char *dev)
{
	char *s = conf_xstrdup(text), *parts[3] = { NULL, NULL, NULL };
	uint8_t dst[16], via[16];
	int fam, prefix, k = 0;
	unsigned long metric = 0;
	bool has_via = false;
	struct err err;

	err_clear(&err);
	for (char *p = s, *c; p && k < 3; p = c) {
		c = strchr(p, ',');
		if (c)
			*c++ = '\0';
		parts[k++] = conf_trim(p);
	}
	if (conf_parse_cidr(parts[0], &fam, dst, &prefix, &err) < 0 || fam != family) {
		conf_error(m->d, loc, "invalid route destination '%s'", parts[0]);
		goto out;
	}
	if (prefix < 0)
		prefix = family == AF_INET ? 32 : 128;
	if (parts[1] && *parts[1]) {
		if (conf_parse_ip(parts[1], family, &fam, via) < 0) {
			conf_error(m->d, loc, "invalid route next hop '%s'", parts[1]);
			goto out;
		}
		/* NM writes 0.0.0.0 / :: for "no next hop" */
		for (int i = 0; i < (family == AF_INET ? 4 : 16); i++)
			has_via |= via[i] != 0;
	}
	if (parts[2] && *parts[2] && !conf_parse_uint(parts[2], UINT32_MAX, &metric)) {
		conf_error(m->d, loc, "invalid route metric '%s'", parts[2]);
		goto out;
	}
	conf_add_route(m->c, m->d, family, dst, prefix, has_via ? via : NULL, dev,
		       parts[2] && *parts[2], metric, loc);
out:
	free(s);
}

/* [ipv4] / [ipv6] of an interface bondd configures. */
static void ip_section(struct nm *m, const struct nmc *f, const char *sec, int family,
		       const char *dev, struct conf_addr **addrs, unsigned *n)
{
	static const char *const methods4[] = { "manual", "disabled", "auto", "dhcp",
						"link-local", "shared", NULL };
	static const char *const methods6[] = { "manual", "disabled", "ignore", "auto",
						"dhcp", "link-local", "shared", NULL };
	const char *method = get(f, sec, "method"), *gw = get(f, sec, "gateway");
	struct conf_loc mloc = loc_of(f, sec, "method");
	bool have_manual = false;

	for (unsigned i = 0; i < f->ini.n_sections; i++) {
		const struct conf_ini_section *s = &f->ini.sections[i];

		if (strcmp(s->name, sec))
			continue;
		for (unsigned j = 0; j < s->n_kv; j++) {
			const struct conf_ini_kv *kv = &s->kv[j];
			struct conf_loc l = conf_loc_at(f->file, kv->line);

			if (!strncmp(kv->key, "address", 7)) {
				char *list = conf_xstrdup(kv->value);

				/* addresses=a/p;b/p; and address1=a/p,gw */
				for (char *t = strtok(list, ";"); t; t = strtok(NULL, ";"))
					if (*conf_trim(t)) {
						add_address(m, f, family, conf_trim(t), &l, addrs,
							    n, dev);
						have_manual = true;
					}
				free(list);
			} else if (!strncmp(kv->key, "route", 5) && !strchr(kv->key, '_') &&
				   strcmp(kv->key, "route-metric") && strcmp(kv->key, "route-table")) {
				char *list = conf_xstrdup(kv->value);

				for (char *t = strtok(list, ";"); t; t = strtok(NULL, ";"))
					if (*conf_trim(t))
						add_route(m, family, conf_trim(t), &l, dev);
				free(list);
			} else if (!strcmp(kv->key, "dns") || !strcmp(kv->key, "dns-search")) {
				conf_warn(m->d, &l, "%s.%s on %s: DNS is not bondd's to set; configure the resolver separately",
					  sec, kv->key, dev);
			}
		}
	}
	if (!method)
		method = have_manual ? "manual" : family == AF_INET ? "auto" : "auto";
	if (!in_list(method, family == AF_INET ? methods4 : methods6)) {
		conf_error_unknown(m->d, &mloc, "method", method,
				   conf_suggest(method, family == AF_INET ? methods4 : methods6));
		return;
	}
	if (!strcmp(method, "auto") && family == AF_INET6) {
		if (get(f, sec, "method"))
			conf_warn(m->d, &mloc, "ipv6.method=auto on %s: the kernel does SLAAC on the %s by itself; bondd runs no DHCPv6 client",
				  dev, conf_find_vlan(m->c, dev) ? "VLAN" : "bond");
	} else if (!strcmp(method, "auto") || !strcmp(method, "dhcp") ||
		   !strcmp(method, "shared")) {
		if (get(f, sec, "method") || family == AF_INET)
			conf_error(m->d, &mloc, "%s.method=%s on %s: bondd assigns static addresses only; set method=manual with address1=ADDR/PREFIX, or method=disabled and run a DHCP client on %s once bondd has created it",
				   sec, method, dev, dev);
	} else if (strcmp(method, "manual") && have_manual) {
		conf_error(m->d, &mloc, "%s.method=%s with addresses: NM ignores them; set method=manual",
			   sec, method);
	}
	if (gw && *gw && !strcmp(method, "manual")) {
		struct conf_loc l = loc_of(f, sec, "gateway");
		uint8_t a[16];
		int fam;

		if (conf_parse_ip(gw, family, &fam, a) < 0)
			conf_error(m->d, &l, "%s.gateway=%s: invalid address", sec, gw);
		else if (!(get(f, sec, "never-default") &&
			   conf_parse_bool_word(get(f, sec, "never-default")) == 1))
			conf_set_gateway(m->c, family, a, dev, &l, m->d);
	}
}

static void mtu_mac(struct nm *m, const struct nmc *f, unsigned *mtu, bool *has_mac,
		    uint8_t mac[6], bool is_bond)
{
	const char *v = get2(f, "ethernet", "802-3-ethernet", "mtu");
	const char *sec = get(f, "ethernet", "mtu") ? "ethernet" : "802-3-ethernet";
	struct err err;

	if (v && strcmp(v, "0") && strcmp(v, "auto")) {
		struct conf_loc l = loc_of(f, sec, "mtu");

		err_clear(&err);
		if (conf_parse_mtu(v, mtu, &err) < 0)
			conf_error(m->d, &l, "ethernet.mtu=%s: %s", v, err.msg);
	}
	v = get2(f, "ethernet", "802-3-ethernet", "cloned-mac-address");
	sec = get(f, "ethernet", "cloned-mac-address") ? "ethernet" : "802-3-ethernet";
	if (v && strcmp(v, "preserve")) {
		struct conf_loc l = loc_of(f, sec, "cloned-mac-address");

		if (!is_bond)
			conf_error(m->d, &l, "cloned-mac-address on port %s: bondd sets the MAC address of bonds only (fail_over_mac decides the ports')",
				   f->ifname);
		else if (!strcmp(v, "permanent") || !strcmp(v, "random") || !strcmp(v, "stable"))
			conf_error(m->d, &l, "cloned-mac-address=%s: bondd takes a fixed MAC address (or none: the first port's)",
				   v);
		else if (mac_parse(v, mac) < 0 || mac_is_multicast(mac) || mac_is_zero(mac))
			conf_error(m->d, &l, "cloned-mac-address=%s: invalid unicast MAC address", v);
		else
			*has_mac = true;
	}
}

static void do_bond(struct nm *m, struct nmc *f)
{
	struct conf_loc loc = loc_of(f, "connection", "interface-name");
	const char *ac = get(f, "connection", "autoconnect");
	struct conf_bond *b;

	if (conf_find_bond(m->c, f->ifname)) {
		conf_error(m->d, &loc, "bond %s is configured twice (first at %s:%u)", f->ifname,
			   conf_find_bond(m->c, f->ifname)->loc.file,
			   conf_find_bond(m->c, f->ifname)->loc.line);
		return;
	}
	b = conf_add_bond(m->c, f->ifname, &loc);
	b->loc = loc;
	if (ac) {
		struct conf_loc l = loc_of(f, "connection", "autoconnect");
		int v = conf_parse_bool_word(ac);

		if (v < 0)
			conf_error(m->d, &l, "autoconnect=%s: expected true or false", ac);
		b->down = v == 0;
	}
	for (unsigned i = 0; i < f->ini.n_sections; i++) {
		const struct conf_ini_section *s = &f->ini.sections[i];

		if (strcmp(s->name, "bond"))
			continue;
		for (unsigned j = 0; j < s->n_kv; j++) {
			const struct conf_ini_kv *kv = &s->kv[j];
			struct conf_loc l = conf_loc_at(f->file, kv->line);
			char *cname = NULL, *cvalue = NULL;
			struct err err;

			err_clear(&err);
			if (!strcmp(kv->key, "mode") && !strcmp(kv->value, "balance-slb")) {
				conf_error(m->d, &l, "mode=balance-slb is NetworkManager's own (balance-xor with nftables rules), not a bonding mode: use balance-xor or balance-alb");
				continue;
			}
			if (conf_opt_canon(kv->key, kv->value, false, &cname, &cvalue, &err) < 0) {
				conf_opt_refused(m->d, &l, "", kv->key, kv->value, err.msg);
				continue;
			}
			conf_bond_set_opt(b, cname, cvalue, &l);
			free(cname);
			free(cvalue);
		}
	}
	ip_section(m, f, "ipv4", AF_INET, f->ifname, &b->addrs, &b->n_addrs);
	ip_section(m, f, "ipv6", AF_INET6, f->ifname, &b->addrs, &b->n_addrs);
	mtu_mac(m, f, &b->mtu, &b->has_hwaddr, b->hwaddr, true);
}

/* The bond connection a port's controller= names: interface name, uuid
 * or id (nmcli writes the uuid, hand-written files the name). */
static const struct nmc *find_controller(const struct nm *m, const char *name)
{
	for (unsigned i = 0; i < m->n; i++) {
		const struct nmc *f = &m->v[i];

		if (f->skip || !f->type || strcmp(f->type, "bond"))
			continue;
		if ((f->ifname && !strcmp(f->ifname, name)) || (f->uuid && !strcmp(f->uuid, name)) ||
		    (f->id && !strcmp(f->id, name)))
			return f;
	}
	return NULL;
}

static void do_port(struct nm *m, struct nmc *f)
{
	const char *ckey = get(f, "connection", "controller") ? "controller" : "master";
	const char *pkey = get(f, "connection", "port-type") ? "port-type" : "slave-type";
	const char *ptype = get(f, "connection", pkey), *q = get(f, "bond-port", "queue-id");
	const char *prio = get(f, "bond-port", "prio");
	struct conf_loc loc = loc_of(f, "connection", ckey);
	const struct nmc *ctl;
	struct conf_bond *b, *owner;
	unsigned mtu = 0;
	bool has_mac = false;
	uint8_t mac[6];

	if (!ptype || strcmp(ptype, "bond")) {
		conf_error(m->d, &loc, "%s=%s with %s=%s: only bond ports are imported (set %s=bond)",
			   ckey, f->controller, pkey, ptype ? ptype : "(missing)", pkey);
		return;
	}
	ctl = find_controller(m, f->controller);
	if (!ctl) {
		const char **names = conf_xmalloc((2 * m->n + 1) * sizeof(*names));
		const char *best;
		unsigned k = 0;

		for (unsigned i = 0; i < m->n; i++)
			if (!m->v[i].skip && !strcmp(m->v[i].type, "bond")) {
				names[k++] = m->v[i].ifname;
				if (m->v[i].id)
					names[k++] = m->v[i].id;
			}
		names[k] = NULL;
		best = conf_suggest(f->controller, names);
		if (best)
			conf_error(m->d, &loc, "%s=%s: no bond connection has that interface name, uuid or id (did you mean '%s'?)",
				   ckey, f->controller, best);
		else
			conf_error(m->d, &loc, "%s=%s: no bond connection has that interface name, uuid or id",
				   ckey, f->controller);
		free(names);
		return;
	}
	b = conf_find_bond(m->c, ctl->ifname);
	if (!b)
		return;     /* the bond's file had errors */
	owner = conf_slave_owner(m->c, f->ifname);
	if (owner) {
		conf_error(m->d, &loc, "%s is a port of %s already", f->ifname, owner->name);
		return;
	}
	if (get(f, "ipv4", "address1") || get(f, "ipv4", "addresses") ||
	    get(f, "ipv6", "address1") || get(f, "ipv6", "addresses"))
		conf_error(m->d, &loc, "port %s has addresses: a port has none of its own; put them on the bond",
			   f->ifname);
	mtu_mac(m, f, &mtu, &has_mac, mac, false);
	if (mtu) {
		struct conf_loc l = loc_of(f, get(f, "ethernet", "mtu") ? "ethernet" :
					   "802-3-ethernet", "mtu");

		conf_warn(m->d, &l, "mtu on port %s is ignored: a port takes the bond's MTU",
			  f->ifname);
	}
	if (q && strcmp(q, "0")) {
		struct conf_loc l = loc_of(f, "bond-port", "queue-id");
		char buf[64], *cname = NULL, *cvalue = NULL;
		struct err err;

		err_clear(&err);
		snprintf(buf, sizeof(buf), "%s:%s", f->ifname, q);
		if (conf_opt_canon("queue_id", buf, false, &cname, &cvalue, &err) < 0)
			conf_error(m->d, &l, "bond-port.queue-id=%s: %s", q, err.msg);
		else
			conf_bond_set_opt(b, cname, cvalue, &l);
		free(cname);
		free(cvalue);
	}
	if (prio && strcmp(prio, "0")) {
		struct conf_loc l = loc_of(f, "bond-port", "prio");

		conf_error(m->d, &l, "bond-port.prio=%s: bondd.conf cannot set a port's priority; remove it and set it with 'bondctl set %s prio %s:%s' once the bond is up",
			   prio, b->name, f->ifname, prio);
	}
	conf_bond_add_slave(b, f->ifname, &loc);
}

/* nm-setting-vlan.h: NM_VLAN_FLAG_* */
#define NM_VLAN_REORDER_HEADERS 0x1u
#define NM_VLAN_GVRP 0x2u
#define NM_VLAN_LOOSE_BINDING 0x4u
#define NM_VLAN_MVRP 0x8u

/* The [vlan] settings bondd cannot honour, each refused on its line. */
static void vlan_refusals(struct nm *m, const struct nmc *f)
{
	const char *flags = get(f, "vlan", "flags"), *proto = get(f, "vlan", "protocol");
	static const char *const maps[] = { "ingress-priority-map", "egress-priority-map", NULL };
	unsigned long fl;

	if (flags) {
		struct conf_loc l = loc_of(f, "vlan", "flags");

		if (!conf_parse_uint(flags, 0xf, &fl))
			conf_error(m->d, &l, "vlan.flags=%s: a number of NM_VLAN_FLAG_* bits (1 reorder headers, 2 GVRP, 4 loose binding, 8 MVRP)",
				   flags);
		else if (fl != NM_VLAN_REORDER_HEADERS) {
			char why[256];
			int n = snprintf(why, sizeof(why), "%s%s%s%s",
					 !(fl & NM_VLAN_REORDER_HEADERS) ? "always reorder headers (hand frames over untagged), " : "",
					 fl & NM_VLAN_GVRP ? "do not register with GVRP, " : "",
					 fl & NM_VLAN_LOOSE_BINDING ? "follow their bond's state (no loose binding), " : "",
					 fl & NM_VLAN_MVRP ? "do not register with MVRP, " : "");

			if (n >= 2)
				why[n - 2] = '\0';     /* the last ", " */
			conf_error(m->d, &l, "vlan.flags=%s: bondd's VLANs %s; only flags=1 (NM's default) is accepted",
				   flags, why);
		}
	}
	for (unsigned i = 0; maps[i]; i++) {
		const char *v = get(f, "vlan", maps[i]);

		if (v && *v) {
			struct conf_loc l = loc_of(f, "vlan", maps[i]);

			conf_error(m->d, &l, "vlan.%s=%s: bondd tags every frame with priority 0 and maps no priorities; remove it",
				   maps[i], v);
		}
	}
	if (proto && strcasecmp(proto, "802.1Q")) {
		struct conf_loc l = loc_of(f, "vlan", "protocol");

		conf_error(m->d, &l, "vlan.protocol=%s: bondd's VLANs are 802.1Q (TPID 0x8100) only",
			   proto);
	}
}

static void do_vlan(struct nm *m, struct nmc *f)
{
	const char *parent = get(f, "vlan", "parent"), *id = get(f, "vlan", "id");
	const char *ac = get(f, "connection", "autoconnect");
	struct conf_loc tloc = loc_of(f, "connection", "type");
	char bond[CONF_NAME_MAX], name[CONF_NAME_MAX];
	const struct nmc *ctl;
	struct conf_vlan *v;
	unsigned vid;
	bool has_mac = false;
	uint8_t mac[6];
	struct err err;

	err_clear(&err);
	vlan_refusals(m, f);
	if (!parent || !*parent) {
		conf_error(m->d, &tloc, "VLAN connection '%s' has no vlan.parent=: name the bond (its interface name or connection uuid); matching the parent by MAC address is not imported",
			   f->id ? f->id : base_name(f->file));
		return;
	}
	if (!id) {
		conf_error(m->d, &tloc, "VLAN connection '%s' has no vlan.id=",
			   f->id ? f->id : base_name(f->file));
		return;
	}
	if (conf_parse_vid(id, &vid, &err) < 0) {
		struct conf_loc l = loc_of(f, "vlan", "id");

		conf_error(m->d, &l, "vlan.id=%s: %s", id, err.msg);
		return;
	}
	/* the parent connection, by interface name, uuid or id; else an
	 * interface name that conf_check() judges (not a bond of bondd's) */
	ctl = find_controller(m, parent);
	if (ctl) {
		snprintf(bond, sizeof(bond), "%s", ctl->ifname);
	} else if (conf_ifname_ok(parent)) {
		snprintf(bond, sizeof(bond), "%s", parent);
	} else {
		struct conf_loc l = loc_of(f, "vlan", "parent");

		conf_error(m->d, &l, "vlan.parent=%s: no bond connection has that interface name, uuid or id",
			   parent);
		return;
	}
	if (f->ifname && *f->ifname) {
		snprintf(name, sizeof(name), "%s", f->ifname);
	} else if (!conf_vlan_default_name(bond, vid, name)) {
		/* NM would shorten it; bondd wants the name said */
		conf_error(m->d, &tloc, "VLAN connection '%s': %s.%u is longer than an interface name: set connection.interface-name",
			   f->id ? f->id : base_name(f->file), bond, vid);
		return;
	}
	if (f->controller) {
		struct conf_loc l = loc_of(f, "connection", get(f, "connection", "controller") ?
					   "controller" : "master");

		conf_error(m->d, &l, "VLAN %s as a port of %s: bondd's VLANs sit on a bond and are no ports",
			   name, f->controller);
		return;
	}
	if (conf_find_vlan(m->c, name)) {
		conf_error(m->d, &tloc, "VLAN %s is configured twice (first at %s:%u)", name,
			   conf_find_vlan(m->c, name)->loc.file, conf_find_vlan(m->c, name)->loc.line);
		return;
	}
	v = conf_add_vlan(m->c, name, bond, vid, &tloc);
	if (ac) {
		struct conf_loc l = loc_of(f, "connection", "autoconnect");
		int b = conf_parse_bool_word(ac);

		if (b < 0)
			conf_error(m->d, &l, "autoconnect=%s: expected true or false", ac);
		v->down = b == 0;
	}
	ip_section(m, f, "ipv4", AF_INET, name, &v->addrs, &v->n_addrs);
	ip_section(m, f, "ipv6", AF_INET6, name, &v->addrs, &v->n_addrs);
	mtu_mac(m, f, &v->mtu, &has_mac, mac, true);
	if (has_mac) {
		const char *sec = get(f, "ethernet", "cloned-mac-address") ? "ethernet" :
				  "802-3-ethernet";
		struct conf_loc l = loc_of(f, sec, "cloned-mac-address");

		conf_error(m->d, &l, "cloned-mac-address on VLAN %s: a VLAN of bondd has its bond's MAC address",
			   name);
	}
}

static void do_plain(struct nm *m, struct nmc *f)
{
	struct conf_loc loc = loc_of(f, "connection", "interface-name");
	struct conf_addr *addrs = NULL;
	unsigned n = 0, mtu = 0;
	bool has_mac = false;
	uint8_t mac[6];
	const char *m4 = get(f, "ipv4", "method");
	struct conf_iface *iface;

	/* A plain interface with DHCP is left to whatever runs DHCP on it. */
	if (!m4 || strcmp(m4, "manual")) {
		conf_warn(m->d, &loc, "%s: ipv4.method=%s: not imported, bondd leaves it alone",
			  f->ifname, m4 ? m4 : "auto");
		return;
	}
	ip_section(m, f, "ipv4", AF_INET, f->ifname, &addrs, &n);
	ip_section(m, f, "ipv6", AF_INET6, f->ifname, &addrs, &n);
	mtu_mac(m, f, &mtu, &has_mac, mac, true);
	if (has_mac) {
		struct conf_loc l = loc_of(f, "ethernet", "cloned-mac-address");

		conf_error(m->d, &l, "cloned-mac-address on %s: bondd sets the MAC address of bonds only",
			   f->ifname);
	}
	if (!n && !mtu) {
		free(addrs);
		return;
	}
	iface = conf_add_iface(m->c, f->ifname, &loc);
	for (unsigned i = 0; i < n; i++)
		*conf_push_addr(&iface->addrs, &iface->n_addrs) = addrs[i];
	if (mtu)
		iface->mtu = mtu;
	free(addrs);
}

static void identify(struct nm *m, struct nmc *f)
{
	static const char *const types[] = { "bond", "ethernet", "802-3-ethernet", "vlan",
					     "bridge", "team", "wifi", "802-11-wireless",
					     "infiniband", "loopback", "dummy", "ip-tunnel",
					     "macvlan", "vxlan", "wireguard", "vpn", "ovs-bridge",
					     "ovs-port", "ovs-interface", "veth", "tun", "vrf",
					     "generic", "bridge-port", NULL };
	const struct conf_ini_kv *t = conf_ini_get(&f->ini, "connection", "type");
	struct conf_loc l1 = conf_loc_at(f->file, t ? t->line : 1);

	f->id = get(f, "connection", "id");
	f->uuid = get(f, "connection", "uuid");
	f->type = t ? t->value : NULL;
	f->line = t ? t->line : 1;
	f->ifname = get(f, "connection", "interface-name");
	f->controller = get(f, "connection", "controller");
	if (!f->controller)
		f->controller = get(f, "connection", "master");
	if (!f->type) {
		conf_error(m->d, &l1, "[connection] has no type=");
		f->skip = true;
		return;
	}
	if (!strcmp(f->type, "802-3-ethernet"))
		f->type = "ethernet";
	if (!in_list(f->type, types)) {
		conf_error_unknown(m->d, &l1, "connection type", f->type,
				   conf_suggest(f->type, types));
		f->skip = true;
		return;
	}
	if (!strcmp(f->type, "vlan")) {
		/* interface-name is optional: NM names it PARENT.ID */
		if (f->ifname && *f->ifname && !conf_ifname_ok(f->ifname)) {
			struct conf_loc l = loc_of(f, "connection", "interface-name");

			conf_error(m->d, &l, "interface-name=%s: invalid interface name", f->ifname);
			f->skip = true;
		}
		return;
	}
	if (strcmp(f->type, "bond") && strcmp(f->type, "ethernet")) {
		if (f->controller) {
			conf_error(m->d, &l1, "a %s connection as a bond port: bondd bonds Ethernet interfaces",
				   f->type);
		} else {
			conf_warn(m->d, &l1, "type=%s: not imported (bondd configures bonds, their ports and Ethernet interfaces)",
				  f->type);
		}
		f->skip = true;
		return;
	}
	if (!f->ifname || !*f->ifname) {
		conf_error(m->d, &l1, "%s connection '%s' has no interface-name=: bondd needs the interface's name (matching by MAC address or match.path is not imported)",
			   f->type, f->id ? f->id : base_name(f->file));
		f->skip = true;
		return;
	}
	if (!conf_ifname_ok(f->ifname)) {
		struct conf_loc l = loc_of(f, "connection", "interface-name");

		conf_error(m->d, &l, "interface-name=%s: invalid interface name", f->ifname);
		f->skip = true;
	}
	if (!strcmp(f->type, "bond") && f->controller) {
		struct conf_loc l = loc_of(f, "connection", "controller");

		conf_error(m->d, &l, "bond %s as a port of %s: bondd does not stack bonds",
			   f->ifname, f->controller);
		f->skip = true;
	}
}

struct conf *imp_nm_parse(const struct conf_file *files, unsigned n, struct conf_diag *d)
{
	struct nm m = { .d = d };
	unsigned errors = d->n_errors;

	m.c = conf_new();
	for (unsigned i = 0; i < n; i++) {
		struct nmc *f = CONF_PUSH(m.v, m.n);

		f->file = conf_add_file(m.c, files[i].path);
		if (conf_ini_parse(&f->ini, files[i].text, f->file, false, false, d) < 0) {
			f->skip = true;
			continue;
		}
		check_keys(&m, f);
		identify(&m, f);
	}
	for (unsigned i = 0; i < m.n; i++)
		if (!m.v[i].skip && !strcmp(m.v[i].type, "bond"))
			do_bond(&m, &m.v[i]);
	for (unsigned i = 0; i < m.n; i++) {
		struct nmc *f = &m.v[i];

		if (f->skip || strcmp(f->type, "ethernet"))
			continue;
		if (f->controller)
			do_port(&m, f);
		else
			do_plain(&m, f);
	}
	for (unsigned i = 0; i < m.n; i++)
		if (!m.v[i].skip && !strcmp(m.v[i].type, "vlan"))
			do_vlan(&m, &m.v[i]);
	for (unsigned i = 0; i < m.n; i++)
		conf_ini_free(&m.v[i].ini);
	free(m.v);
	if (d->n_errors > errors) {
		conf_free(m.c);
		return NULL;
	}
	return m.c;
}
