/* Importer: RHEL / CentOS network-scripts (/etc/sysconfig/network-scripts).
 *
 *   ifcfg-bond0    DEVICE=bond0 IPADDR= NETMASK=|PREFIX= NETWORK= BROADCAST=
 *                  GATEWAY= MTU= ONBOOT= BOOTPROTO=none|static BONDING_OPTS=
 *   ifcfg-eth0     DEVICE=eth0 MASTER=bond0 SLAVE=yes
 *   ifcfg-eth0:0   an alias: one more address on eth0, labelled eth0:0
 *   route-bond0    "ADDRESS0= NETMASK0= GATEWAY0=" or "10.0.0.0/8 via X" lines
 *   route6-bond0   "2001:db8:1::/48 via X" lines
 *   ifcfg-bond0.100  VLAN=yes (or TYPE=Vlan): a VLAN of bond0, VID 100 from
 *                  the name as initscripts reads it (DEVICE=BOND.VID, or
 *                  DEVICE=vlanVID with PHYSDEV=BOND), or PHYSDEV= and
 *                  VLAN_ID= (NetworkManager's ifcfg-rh); addresses, MTU,
 *                  ONBOOT as for the bond. Priority maps, REORDER_HDR=no,
 *                  GVRP, MVRP and loose binding are refused: bondd tags
 *                  with priority 0 and reorders every header.
 *
 * SUSE's sysconfig files are close enough to be read too: BONDING_MASTER,
 * BONDING_MODULE_OPTS (as BONDING_OPTS), BONDING_SLAVE0..N, IPADDR=a/len.
 *
 * The files are shell assignments; keys are matched in any case, because
 * admins (and the how-tos they copy) write slave=yes. A bond is an ifcfg
 * file with BONDING_OPTS, TYPE=Bond, BONDING_MASTER=yes, a name bondN, or
 * one that another file names in MASTER=. Keys initscripts and
 * NetworkManager know but bondd has no use for (USERCTL, UUID, DNS1, ...)
 * are accepted and ignored; anything else is an error with the nearest
 * known key, since a misspelt key is silently ignored by the shell. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

enum { K_USED = 1, K_IGNORED = 2, K_INDEXED = 4 };

struct key_info {
	const char *name;
	unsigned flags;
};

static const struct key_info keys[] = {
	{ "DEVICE", K_USED }, { "TYPE", K_USED }, { "BOOTPROTO", K_USED },
	{ "ONBOOT", K_USED }, { "IPADDR", K_USED | K_INDEXED },
	{ "NETMASK", K_USED | K_INDEXED }, { "PREFIX", K_USED | K_INDEXED },
	{ "GATEWAY", K_USED | K_INDEXED }, { "NETWORK", K_USED }, { "BROADCAST", K_USED },
	{ "MTU", K_USED }, { "MASTER", K_USED }, { "SLAVE", K_USED },
	{ "BONDING_OPTS", K_USED }, { "BONDING_MASTER", K_USED }, { "MACADDR", K_USED },
	{ "HWADDR", K_IGNORED }, { "IPV6INIT", K_USED }, { "IPV6ADDR", K_USED },
	{ "IPV6ADDR_SECONDARIES", K_USED }, { "IPV6_DEFAULTGW", K_USED },
	{ "DEFROUTE", K_USED }, { "BRIDGE", K_USED }, { "VLAN", K_USED },
	{ "PHYSDEV", K_USED }, { "VLAN_ID", K_USED }, { "VLAN_EGRESS_PRIORITY_MAP", K_USED },
	{ "VLAN_INGRESS_PRIORITY_MAP", K_USED }, { "REORDER_HDR", K_USED }, { "GVRP", K_USED },
	{ "MVRP", K_USED }, { "VLAN_FLAGS", K_USED },
	/* vconfig's naming scheme: the DEVICE line names the device */
	{ "VLAN_NAME_TYPE", K_IGNORED },
	/* SUSE sysconfig */
	{ "BONDING_MODULE_OPTS", K_USED }, { "BONDING_SLAVE", K_USED | K_INDEXED },
	{ "STARTMODE", K_IGNORED }, { "USERCONTROL", K_IGNORED },
	/* Known to initscripts or NetworkManager, nothing for bondd to do. */
	{ "USERCTL", K_IGNORED }, { "NM_CONTROLLED", K_IGNORED }, { "UUID", K_IGNORED },
	{ "NAME", K_IGNORED }, { "PEERDNS", K_IGNORED }, { "PEERROUTES", K_IGNORED },
	{ "DNS", K_IGNORED | K_INDEXED }, { "DOMAIN", K_IGNORED }, { "SEARCH", K_IGNORED },
	{ "IPV6_AUTOCONF", K_IGNORED }, { "IPV6_FAILURE_FATAL", K_IGNORED },
	{ "IPV4_FAILURE_FATAL", K_IGNORED }, { "IPV6_PEERDNS", K_IGNORED },
	{ "IPV6_PEERROUTES", K_IGNORED }, { "IPV6_PRIVACY", K_IGNORED },
	{ "IPV6FORWARDING", K_IGNORED }, { "IPV6_DEFROUTE", K_IGNORED },
	{ "IPV6_ADDR_GEN_MODE", K_IGNORED }, { "IPV6_MTU", K_IGNORED },
	{ "PROXY_METHOD", K_IGNORED }, { "BROWSER_ONLY", K_IGNORED }, { "ZONE", K_IGNORED },
	{ "ETHTOOL_OPTS", K_IGNORED }, { "HOTPLUG", K_IGNORED }, { "LINKDELAY", K_IGNORED },
	{ "ARPCHECK", K_IGNORED }, { "ARP", K_IGNORED }, { "NOZEROCONF", K_IGNORED },
	{ "AUTOCONNECT_PRIORITY", K_IGNORED }, { "AUTOCONNECT_SLAVES", K_IGNORED },
	{ "DHCP_HOSTNAME", K_IGNORED }, { "PERSISTENT_DHCLIENT", K_IGNORED },
	{ "NETBOOT", K_IGNORED }, { "ONPARENT", K_IGNORED }, { "CONNECTED_MODE", K_IGNORED },
	{ "SRCADDR", K_IGNORED }, { "METRIC", K_IGNORED }, { "IPV6_PRIVACY", K_IGNORED },
	{ "DHCPV6C", K_IGNORED }, { "ESSID", K_IGNORED }, { "DEVICETYPE", K_IGNORED },
	{ "NOZEROCONF", K_IGNORED }, { "IPV4_ROUTE_METRIC", K_IGNORED },
	{ "IPV6_ROUTE_METRIC", K_IGNORED }, { "STP", K_IGNORED }, { "DELAY", K_IGNORED },
	{ NULL, 0 },
};

struct kv {
	char *key;                  /* upper case, index included (IPADDR1) */
	char *value;
	unsigned line;
};

struct ifc {
	const char *file;
	char fname[CONF_NAME_MAX * 2];  /* the name after "ifcfg-" */
	struct kv *kv;
	unsigned n_kv;
	char dev[CONF_NAME_MAX];
	bool alias;
	char parent[CONF_NAME_MAX];
	char label[CONF_NAME_MAX];
	bool skip;
	bool bond;
	bool vlan;                  /* VLAN=yes or TYPE=Vlan */
};

struct imp {
	struct conf *c;
	struct conf_diag *d;
	struct ifc *ifc;
	unsigned n_ifc;
};

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* initscripts' is_ignored_file(). */
static bool ignored_file(const char *name)
{
	static const char *const suffixes[] = {
		"~", ".bak", ".orig", ".rpmnew", ".rpmorig", ".rpmsave", NULL,
	};
	size_t n = strlen(name);

	for (const char *const *s = suffixes; *s; s++) {
		size_t k = strlen(*s);

		if (n >= k && !strcmp(name + n - k, *s))
			return true;
	}
	return false;
}

static const struct kv *get(const struct ifc *f, const char *key)
{
	const struct kv *found = NULL;

	for (unsigned i = 0; i < f->n_kv; i++)
		if (!strcmp(f->kv[i].key, key))
			found = &f->kv[i];     /* the shell keeps the last */
	return found;
}

static const char *val(const struct ifc *f, const char *key)
{
	const struct kv *kv = get(f, key);

	return kv ? kv->value : NULL;
}

static struct conf_loc kv_loc(const struct ifc *f, const struct kv *kv)
{
	return conf_loc_at(f->file, kv ? kv->line : 1);
}

static bool is_yes(const char *v)
{
	return v && (!strcasecmp(v, "yes") || !strcasecmp(v, "y") || !strcasecmp(v, "true") ||
		     !strcmp(v, "1"));
}

static bool is_no(const char *v)
{
	return v && (!strcasecmp(v, "no") || !strcasecmp(v, "n") || !strcasecmp(v, "false") ||
		     !strcmp(v, "0"));
}

/* ---- reading the shell assignments --------------------------------------- */

static bool key_known(const char *key, const struct key_info **out)
{
	size_t n = strlen(key);

	while (n && isdigit((unsigned char)key[n - 1]))
		n--;
	for (const struct key_info *k = keys; k->name; k++) {
		if (!strcmp(k->name, key) ||
		    ((k->flags & K_INDEXED) && strlen(k->name) == n && !strncmp(k->name, key, n))) {
			*out = k;
			return true;
		}
	}
	return false;
}

static const char *suggest_key(const char *key)
{
	const char *cands[ARRAY_SIZE(keys)];
	unsigned n = 0;

	for (const struct key_info *k = keys; k->name; k++)
		cands[n++] = k->name;
	cands[n] = NULL;
	return conf_suggest(key, cands);
}

/* KEY=VALUE, KEY="VALUE", KEY='VALUE', optional "export ". Returns the
 * value (malloc'd) or NULL with an error reported. */
static char *parse_value(struct imp *m, const char *s, const struct conf_loc *loc)
{
	struct strbuf sb;
	char *out;

	sb_init(&sb);
	if (*s == '"' || *s == '\'') {
		char q = *s++;

		while (*s && *s != q) {
			if (q == '"' && *s == '\\' && s[1])
				s++;
			sb_printf(&sb, "%c", *s++);
		}
		if (*s != q) {
			conf_error(m->d, loc, "unterminated quote");
			sb_free(&sb);
			return NULL;
		}
		s++;
	} else {
		while (*s && !isspace((unsigned char)*s)) {
			if (*s == '"' || *s == '\'') {
				conf_error(m->d, loc, "a quote inside a value: quote the whole value");
				sb_free(&sb);
				return NULL;
			}
			if (*s == '\\' && s[1])
				s++;
			sb_printf(&sb, "%c", *s++);
		}
	}
	while (isspace((unsigned char)*s))
		s++;
	if (*s && *s != '#') {
		conf_error(m->d, loc, "a value with blanks must be quoted: KEY=\"a b\"");
		sb_free(&sb);
		return NULL;
	}
	out = conf_xstrdup(sb.buf ? sb.buf : "");
	sb_free(&sb);
	return out;
}

static void read_ifcfg(struct imp *m, const struct conf_file *cf, struct ifc *f)
{
	struct conf_lines it;
	unsigned lineno;
	char *line;

	conf_lines_init(&it, cf->text, false);
	while (conf_lines_next(&it, &line, &lineno)) {
		struct conf_loc loc = conf_loc_at(f->file, lineno);
		char *s = conf_trim(line), *eq, *value;
		const struct key_info *ki;
		size_t klen;

		if (!*s || *s == '#')
			goto next;
		if (!strncmp(s, "export ", 7))
			s = conf_trim(s + 7);
		eq = strchr(s, '=');
		klen = eq ? (size_t)(eq - s) : 0;
		if (!eq || !klen || !(isalpha((unsigned char)*s) || *s == '_')) {
			conf_error(m->d, &loc, "expected KEY=VALUE");
			goto next;
		}
		for (size_t i = 0; i < klen; i++) {
			if (!isalnum((unsigned char)s[i]) && s[i] != '_') {
				conf_error(m->d, &loc, "expected KEY=VALUE (no blanks around '=')");
				goto next;
			}
			s[i] = (char)toupper((unsigned char)s[i]);
		}
		*eq = '\0';
		if (!key_known(s, &ki)) {
			conf_error_unknown(m->d, &loc, "key", s, suggest_key(s));
			goto next;
		}
		value = parse_value(m, eq + 1, &loc);
		if (value) {
			struct kv *kv = CONF_PUSH(f->kv, f->n_kv);

			kv->key = conf_xstrdup(s);
			kv->value = value;
			kv->line = lineno;
		}
next:
		free(line);
	}
}

/* ---- addresses ------------------------------------------------------------ */

/* IPADDR<idx> with PREFIX<idx> / NETMASK<idx> on dev, label as given. */
static void add_v4(struct imp *m, const struct ifc *f, const char *idx, const char *label,
		   struct conf_addr **addrs, unsigned *n)
{
	char k_ip[32], k_prefix[32], k_mask[32];
	const struct kv *ip, *pfx, *mask, *bcast, *net;
	struct conf_loc loc;
	struct conf_addr a;
	int family, prefix = -1, mprefix = -1;
	struct err err;
	char buf[64];

	snprintf(k_ip, sizeof(k_ip), "IPADDR%s", idx);
	snprintf(k_prefix, sizeof(k_prefix), "PREFIX%s", idx);
	snprintf(k_mask, sizeof(k_mask), "NETMASK%s", idx);
	ip = get(f, k_ip);
	if (!ip || !*ip->value)
		return;
	loc = kv_loc(f, ip);
	memset(&a, 0, sizeof(a));
	err_clear(&err);
	if (conf_parse_cidr(ip->value, &family, a.addr, &prefix, &err) < 0 ||
	    family != AF_INET) {
		conf_error(m->d, &loc, "%s=%s: invalid IPv4 address", k_ip, ip->value);
		return;
	}
	pfx = get(f, k_prefix);
	mask = get(f, k_mask);
	if (pfx) {
		unsigned long v;
		struct conf_loc l = kv_loc(f, pfx);

		if (!conf_parse_uint(pfx->value, 32, &v)) {
			conf_error(m->d, &l, "%s=%s: invalid prefix length (0 .. 32)", k_prefix,
				   pfx->value);
			return;
		}
		prefix = (int)v;
	}
	if (mask) {
		struct conf_loc l = kv_loc(f, mask);
		int f2;
		uint8_t tmp[16];

		mprefix = conf_parse_ip(mask->value, AF_INET, &f2, tmp) < 0 ? -1 :
			  conf_parse_netmask(mask->value, AF_INET);
		if (mprefix < 0) {
			conf_error(m->d, &l, "%s=%s: invalid netmask", k_mask, mask->value);
			return;
		}
		if (prefix < 0)
			prefix = mprefix;
		else if (prefix != mprefix)
			conf_warn(m->d, &l, "%s=%s does not match prefix length %d: using /%d",
				  k_mask, mask->value, prefix, prefix);
	}
	if (prefix < 0) {
		prefix = conf_classful_prefix(a.addr);
		conf_warn(m->d, &loc, "%s=%s has no NETMASK or PREFIX: using the class default /%d, as initscripts does",
			  k_ip, ip->value, prefix);
	}
	a.family = AF_INET;
	a.prefix = (uint8_t)prefix;
	a.loc = loc;
	snprintf(a.label, sizeof(a.label), "%s", label);
	/* BROADCAST and NETWORK describe the first address. */
	bcast = *n == 0 ? get(f, "BROADCAST") : NULL;
	if (bcast && *bcast->value) {
		struct conf_loc l = kv_loc(f, bcast);
		int f2;
		uint8_t b[16];

		if (conf_parse_ip(bcast->value, AF_INET, &f2, b) < 0) {
			conf_error(m->d, &l, "BROADCAST=%s: invalid IPv4 address", bcast->value);
			return;
		}
		a.has_broadcast = true;
		memcpy(a.broadcast, b, 4);
	}
	net = *n == 0 ? get(f, "NETWORK") : NULL;
	if (net && *net->value) {
		struct conf_loc l = kv_loc(f, net);
		int f2;
		uint8_t nw[16];

		if (conf_parse_ip(net->value, AF_INET, &f2, nw) < 0)
			conf_error(m->d, &l, "NETWORK=%s: invalid IPv4 address", net->value);
		else if (!conf_same_subnet(AF_INET, nw, a.addr, (unsigned)prefix))
			conf_warn(m->d, &l, "NETWORK=%s is not the network of %s/%d: ignored",
				  net->value, conf_ip_str(AF_INET, a.addr, buf), prefix);
	}
	*conf_push_addr(addrs, n) = a;
}

static void add_v6(struct imp *m, const struct ifc *f, const struct kv *kv, const char *word,
		   struct conf_addr **addrs, unsigned *n)
{
	struct conf_loc loc = kv_loc(f, kv);
	struct conf_addr a;
	int family, prefix;
	struct err err;

	memset(&a, 0, sizeof(a));
	err_clear(&err);
	if (conf_parse_cidr(word, &family, a.addr, &prefix, &err) < 0 || family != AF_INET6) {
		conf_error(m->d, &loc, "%s=%s: invalid IPv6 address", kv->key, word);
		return;
	}
	a.family = AF_INET6;
	a.prefix = (uint8_t)(prefix < 0 ? 64 : prefix);
	a.loc = loc;
	*conf_push_addr(addrs, n) = a;
}

/* Every address of a (non-alias) ifcfg file: IPADDR, IPADDR0..N, IPv6. */
static void addresses(struct imp *m, const struct ifc *f, const char *label,
		      struct conf_addr **addrs, unsigned *n)
{
	const struct kv *v6;

	add_v4(m, f, "", label, addrs, n);
	for (unsigned i = 0; i < f->n_kv; i++) {
		const char *k = f->kv[i].key;
		bool dup = false;

		if (strncmp(k, "IPADDR", 6) || !k[6])
			continue;
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(f->kv[j].key, k))
				dup = true;
		if (!dup)
			add_v4(m, f, k + 6, label, addrs, n);
	}
	if (is_no(val(f, "IPV6INIT")))
		return;
	v6 = get(f, "IPV6ADDR");
	if (v6 && *v6->value)
		add_v6(m, f, v6, v6->value, addrs, n);
	v6 = get(f, "IPV6ADDR_SECONDARIES");
	if (v6) {
		char *list = conf_xstrdup(v6->value);

		for (char *tok = strtok(list, " \t"); tok; tok = strtok(NULL, " \t"))
			add_v6(m, f, v6, tok, addrs, n);
		free(list);
	}
}

static void gateways(struct imp *m, const struct ifc *f, const char *dev)
{
	const struct kv *gw = get(f, "GATEWAY"), *gw6 = get(f, "IPV6_DEFAULTGW");
	int family;
	uint8_t a[16];

	if (is_no(val(f, "DEFROUTE")))
		return;
	if (gw && *gw->value) {
		struct conf_loc loc = kv_loc(f, gw);

		if (conf_parse_ip(gw->value, AF_INET, &family, a) < 0)
			conf_error(m->d, &loc, "GATEWAY=%s: invalid IPv4 address", gw->value);
		else
			conf_set_gateway(m->c, AF_INET, a, dev, &loc, m->d);
	}
	if (gw6 && *gw6->value && !is_no(val(f, "IPV6INIT"))) {
		struct conf_loc loc = kv_loc(f, gw6);
		char *addr = conf_xstrdup(gw6->value), *pct = strchr(addr, '%');
		const char *gdev = dev;

		if (pct) {
			*pct = '\0';
			gdev = pct + 1;
		}
		if (conf_parse_ip(addr, AF_INET6, &family, a) < 0)
			conf_error(m->d, &loc, "IPV6_DEFAULTGW=%s: invalid IPv6 address", gw6->value);
		else if (!conf_ifname_ok(gdev))
			conf_error(m->d, &loc, "IPV6_DEFAULTGW=%s: invalid interface name", gw6->value);
		else
			conf_set_gateway(m->c, AF_INET6, a, gdev, &loc, m->d);
		free(addr);
	}
}

static void mtu(struct imp *m, const struct ifc *f, unsigned *out)
{
	const struct kv *kv = get(f, "MTU");
	struct err err;

	if (!kv || !*kv->value)
		return;
	err_clear(&err);
	if (conf_parse_mtu(kv->value, out, &err) < 0) {
		struct conf_loc loc = kv_loc(f, kv);

		conf_error(m->d, &loc, "MTU=%s: %s", kv->value, err.msg);
	}
}

/* BOOTPROTO: none, static or empty for every interface bondd configures. */
enum bootproto { BP_STATIC, BP_DYNAMIC, BP_BAD };

static enum bootproto bootproto(struct imp *m, const struct ifc *f, const char *what)
{
	static const char *const protos[] = { "none", "static", "dhcp", "bootp", "ibft", NULL };
	const struct kv *kv = get(f, "BOOTPROTO");
	struct conf_loc loc = kv_loc(f, kv);
	const char *v = kv ? kv->value : "";

	if (!*v || !strcasecmp(v, "none") || !strcasecmp(v, "static"))
		return BP_STATIC;
	if (!strcasecmp(v, "dhcp") || !strcasecmp(v, "bootp") || !strcasecmp(v, "ibft")) {
		if (what)
			conf_error(m->d, &loc,
				   "BOOTPROTO=%s on %s %s: bondd assigns static addresses only; set BOOTPROTO=none with IPADDR/NETMASK, or leave the addresses out and run a DHCP client on %s once bondd has created it (dhclient %s)",
				   v, what, f->dev, f->dev, f->dev);
		return BP_DYNAMIC;
	}
	conf_error_unknown(m->d, &loc, "BOOTPROTO", v, conf_suggest(v, protos));
	return BP_BAD;
}

/* ---- BONDING_OPTS --------------------------------------------------------- */

static void bonding_opts(struct imp *m, const struct ifc *f, struct conf_bond *b,
			 const char *key)
{
	const struct kv *kv = get(f, key);
	struct conf_loc loc = kv_loc(f, kv);
	char **w;
	int n;

	if (!kv)
		return;
	n = conf_split_words(kv->value, &w);
	if (n < 0) {
		conf_error(m->d, &loc, "%s: unterminated quote", key);
		return;
	}
	for (int i = 0; i < n; i++) {
		char *eq = strchr(w[i], '=');
		char *cname = NULL, *cvalue = NULL;
		const struct opt_desc *d;
		struct err err;

		err_clear(&err);
		if (!eq) {
			conf_error(m->d, &loc, "%s: '%s' is not NAME=VALUE", key, w[i]);
			continue;
		}
		*eq = '\0';
		d = opt_find(w[i]);
		if (!strcmp(w[i], "slaves")) {
			conf_error(m->d, &loc,
				   "option slaves: set MASTER=%s and SLAVE=yes in each slave's ifcfg file instead",
				   b->name);
			continue;
		}
		if (d && (d->type == OPT_T_IPV4_LIST || d->type == OPT_T_IPV6_LIST)) {
			/* "arp_ip_target=+a arp_ip_target=+b" (old initscripts)
			 * edits the list; a plain list replaces it. */
			if (conf_list_edit(d, conf_bond_opt(b, d->name), eq + 1, &cvalue, &err) < 0)
				conf_error(m->d, &loc, "%s", err.msg);
			else
				conf_bond_set_opt(b, d->name, cvalue, &loc);
			free(cvalue);
			continue;
		}
		if (conf_opt_canon(w[i], eq + 1, false, &cname, &cvalue, &err) < 0) {
			conf_error(m->d, &loc, "%s", err.msg);
			continue;
		}
		conf_bond_set_opt(b, cname, cvalue, &loc);
		free(cname);
		free(cvalue);
	}
	conf_words_free(w, n);
}

/* ---- route files ---------------------------------------------------------- */

/* "DST [via GW] [dev DEV] [metric N]" lines (ip route syntax). */
static void route_ip_line(struct imp *m, int family, const char *dev, const char *line,
			  const struct conf_loc *loc)
{
	struct conf_route_words r = { .family = family };
	uint8_t dst[16] = { 0 };
	int prefix = -1, f, n, i;
	struct err err;
	char **w;

	snprintf(r.dev, sizeof(r.dev), "%s", dev);
	n = conf_split_words(line, &w);
	if (n < 1)
		goto out;
	err_clear(&err);
	if (!strcmp(w[0], "default")) {
		prefix = 0;
	} else if (conf_parse_cidr(w[0], &f, dst, &prefix, &err) < 0 || f != family) {
		conf_error(m->d, loc, "invalid route destination '%s'", w[0]);
		goto out;
	} else if (prefix < 0) {
		prefix = family == AF_INET ? 32 : 128;
	}
	i = conf_route_words(w, n, 1, &r, "", true, loc, m->d);
	if (i < 0)
		goto out;
	if (i < n) {
		const char *s = conf_suggest(w[i], conf_route_keywords);

		if (s)
			conf_error_unknown(m->d, loc, "route keyword", w[i], s);
		else
			conf_error(m->d, loc, "route keyword '%s' is not supported by bondd (via, dev and metric are)",
				   w[i]);
		goto out;
	}
	conf_add_route(m->c, m->d, family, dst, prefix, r.has_via ? r.via : NULL, r.dev,
		       r.has_metric, r.metric, loc);
out:
	conf_words_free(w, n);
}

static void read_route_file(struct imp *m, const struct conf_file *cf, int family,
			    const char *dev)
{
	const char *file = conf_add_file(m->c, cf->path);
	struct ifc kvf = { .file = file };
	bool kv_style = false;
	struct conf_lines it;
	unsigned lineno;
	char *line;

	/* The old style is shell assignments ADDRESS0=, NETMASK0=, GATEWAY0=. */
	conf_lines_init(&it, cf->text, false);
	while (conf_lines_next(&it, &line, &lineno)) {
		char *s = conf_trim(line);

		if (family == AF_INET && !strncasecmp(s, "ADDRESS", 7) &&
		    isdigit((unsigned char)s[7]))
			kv_style = true;
		free(line);
	}
	conf_lines_init(&it, cf->text, false);
	while (conf_lines_next(&it, &line, &lineno)) {
		struct conf_loc loc = conf_loc_at(file, lineno);
		char *s = conf_trim(line), *eq;

		if (!*s || *s == '#') {
			free(line);
			continue;
		}
		if (!kv_style) {
			route_ip_line(m, family, dev, s, &loc);
			free(line);
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			conf_error(m->d, &loc, "expected ADDRESSn=, NETMASKn=, GATEWAYn= or METRICn=");
		} else {
			char *value;

			*eq = '\0';
			for (char *p = s; *p; p++)
				*p = (char)toupper((unsigned char)*p);
			value = parse_value(m, eq + 1, &loc);
			if (value) {
				struct kv *kv = CONF_PUSH(kvf.kv, kvf.n_kv);

				kv->key = conf_xstrdup(s);
				kv->value = value;
				kv->line = lineno;
			}
		}
		free(line);
	}
	for (unsigned i = 0; i < kvf.n_kv; i++) {
		const struct kv *kv = &kvf.kv[i];
		const char *idx;
		char key[48];
		const struct kv *mask, *gw, *metric;
		uint8_t dst[16], via[16];
		unsigned long met = 0;
		int f, prefix = 32;
		struct conf_loc loc = conf_loc_at(file, kv->line);

		if (strncmp(kv->key, "ADDRESS", 7) || !isdigit((unsigned char)kv->key[7])) {
			static const char *const rkeys[] = { "ADDRESS0", "NETMASK0", "GATEWAY0",
							     "METRIC0", NULL };
			const char *k = kv->key;
			size_t n = strlen(k);

			while (n && isdigit((unsigned char)k[n - 1]))
				n--;
			if (strncmp(k, "NETMASK", n) && strncmp(k, "GATEWAY", n) &&
			    strncmp(k, "METRIC", n))
				conf_error_unknown(m->d, &loc, "key", k, conf_suggest(k, rkeys));
			continue;
		}
		idx = kv->key + 7;
		if (conf_parse_ip(kv->value, AF_INET, &f, dst) < 0) {
			conf_error(m->d, &loc, "%s=%s: invalid IPv4 address", kv->key, kv->value);
			continue;
		}
		snprintf(key, sizeof(key), "NETMASK%s", idx);
		mask = get(&kvf, key);
		if (mask) {
			struct conf_loc l = conf_loc_at(file, mask->line);

			prefix = conf_parse_netmask(mask->value, AF_INET);
			if (prefix < 0 || !strchr(mask->value, '.')) {
				conf_error(m->d, &l, "%s=%s: invalid netmask", key, mask->value);
				continue;
			}
		}
		snprintf(key, sizeof(key), "GATEWAY%s", idx);
		gw = get(&kvf, key);
		if (gw && conf_parse_ip(gw->value, AF_INET, &f, via) < 0) {
			struct conf_loc l = conf_loc_at(file, gw->line);

			conf_error(m->d, &l, "%s=%s: invalid IPv4 address", key, gw->value);
			continue;
		}
		snprintf(key, sizeof(key), "METRIC%s", idx);
		metric = get(&kvf, key);
		if (metric && !conf_parse_uint(metric->value, UINT32_MAX, &met)) {
			struct conf_loc l = conf_loc_at(file, metric->line);

			conf_error(m->d, &l, "%s=%s: invalid metric", key, metric->value);
			continue;
		}
		conf_add_route(m->c, m->d, AF_INET, dst, prefix, gw ? via : NULL, dev, metric != NULL, met, &loc);
	}
	for (unsigned i = 0; i < kvf.n_kv; i++) {
		free(kvf.kv[i].key);
		free(kvf.kv[i].value);
	}
	free(kvf.kv);
}

/* ---- putting it together -------------------------------------------------- */

static bool bond_named(const struct imp *m, const char *dev)
{
	for (unsigned i = 0; i < m->n_ifc; i++) {
		const struct ifc *f = &m->ifc[i];
		const char *master = val(f, "MASTER");

		if (!f->skip && !f->alias && master && !strcmp(master, dev))
			return true;
	}
	return false;
}

/* Who the file describes: DEVICE, alias label, bond or not. */
static void identify(struct imp *m, struct ifc *f)
{
	const struct kv *dev = get(f, "DEVICE");
	const char *type = val(f, "TYPE");
	struct conf_loc loc = kv_loc(f, dev);
	bool file_alias = strchr(f->fname, ':') != NULL;

	if ((!dev || !*dev->value) &&
	    (get(f, "STARTMODE") || get(f, "BONDING_MODULE_OPTS") || get(f, "BONDING_MASTER"))) {
		/* SUSE names the device by the file name only. */
		struct kv *kv = CONF_PUSH(f->kv, f->n_kv);

		kv->key = conf_xstrdup("DEVICE");
		kv->value = conf_xstrdup(f->fname);
		kv->line = 1;
		dev = get(f, "DEVICE");
	}
	if (!dev || !*dev->value) {
		struct conf_loc l1 = conf_loc_at(f->file, 1);

		conf_error(m->d, &l1, "DEVICE= is missing: add DEVICE=%s", f->fname);
		f->skip = true;
		return;
	}
	if (file_alias || strchr(dev->value, ':')) {
		const char *label = strchr(dev->value, ':') ? dev->value : f->fname;
		size_t plen = strcspn(label, ":");

		f->alias = true;
		if (plen >= CONF_NAME_MAX || strlen(label) >= CONF_NAME_MAX) {
			conf_error(m->d, &loc, "alias name '%s' is longer than 15 characters", label);
			f->skip = true;
			return;
		}
		snprintf(f->label, sizeof(f->label), "%s", label);
		snprintf(f->parent, sizeof(f->parent), "%.*s", (int)plen, label);
		snprintf(f->dev, sizeof(f->dev), "%s", f->parent);
		if (file_alias && strcmp(dev->value, f->fname)) {
			if (!strcmp(dev->value, f->parent)) {
				/* The alias file was copied from its parent's and
				 * DEVICE not changed: the file name decides (label
				 * is the file's name already). */
				conf_warn(m->d, &loc, "DEVICE=%s in alias file ifcfg-%s: using the label %s from the file name",
					  dev->value, f->fname, f->fname);
			} else {
				conf_error(m->d, &loc, "DEVICE=%s does not match the file name ifcfg-%s: set DEVICE=%s",
					   dev->value, f->fname, f->fname);
				f->skip = true;
				return;
			}
		}
		if (!conf_ifname_ok(f->parent)) {
			conf_error(m->d, &loc, "invalid interface name '%s'", f->parent);
			f->skip = true;
		}
		return;
	}
	if (!conf_ifname_ok(dev->value)) {
		conf_error(m->d, &loc, "DEVICE=%s: invalid interface name", dev->value);
		f->skip = true;
		return;
	}
	snprintf(f->dev, sizeof(f->dev), "%s", dev->value);
	if (!strcmp(f->dev, "lo")) {
		f->skip = true;
		return;
	}
	if (type && *type && strcasecmp(type, "Ethernet") && strcasecmp(type, "Bond") &&
	    strcasecmp(type, "Bonding") && strcasecmp(type, "Vlan")) {
		conf_warn(m->d, &loc, "%s has TYPE=%s: not imported (bondd configures bonds, their slaves and Ethernet interfaces)",
			  f->dev, type);
		f->skip = true;
		return;
	}
	if (get(f, "BRIDGE")) {
		conf_warn(m->d, &loc, "%s is a bridge port: not imported", f->dev);
		f->skip = true;
		return;
	}
	f->vlan = is_yes(val(f, "VLAN")) || (type && !strcasecmp(type, "Vlan"));
}

static void check_yes_no(struct imp *m, const struct ifc *f, const char *key)
{
	const struct kv *kv = get(f, key);

	if (kv && *kv->value && !is_yes(kv->value) && !is_no(kv->value)) {
		struct conf_loc loc = kv_loc(f, kv);

		conf_error(m->d, &loc, "%s=%s: expected yes or no", key, kv->value);
	}
}

static void forbid(struct imp *m, const struct ifc *f, const char *key, const char *why)
{
	const struct kv *kv = get(f, key);

	if (kv && *kv->value) {
		struct conf_loc loc = kv_loc(f, kv);

		conf_error(m->d, &loc, "%s on %s: %s", key, f->dev, why);
	}
}

static void do_bond(struct imp *m, const struct ifc *f)
{
	struct conf_loc loc = kv_loc(f, get(f, "DEVICE"));
	struct conf_bond *b;
	const struct kv *mac;

	b = conf_add_bond(m->c, f->dev, &loc);
	b->loc = loc;
	/* ifup at boot for ONBOOT=yes, the default (the network service
	 * skips only files that say ONBOOT=no). */
	b->down = is_no(val(f, "ONBOOT"));
	forbid(m, f, "MASTER", "a bond cannot be a slave in bondd");
	if (bootproto(m, f, "bond") != BP_STATIC)
		return;
	bonding_opts(m, f, b, "BONDING_MODULE_OPTS");     /* SUSE */
	bonding_opts(m, f, b, "BONDING_OPTS");
	/* SUSE: BONDING_SLAVE0="eth0", BONDING_SLAVE1="eth1" ... */
	for (unsigned i = 0; i < f->n_kv; i++) {
		const struct kv *kv = &f->kv[i];
		struct conf_loc l = kv_loc(f, kv);
		struct conf_bond *owner;

		if (strncmp(kv->key, "BONDING_SLAVE", 13) || !isdigit((unsigned char)kv->key[13]) ||
		    !*kv->value)
			continue;
		if (!conf_ifname_ok(kv->value)) {
			conf_error(m->d, &l, "%s=%s: name the interface (bondd does not resolve bus paths)",
				   kv->key, kv->value);
			continue;
		}
		owner = conf_slave_owner(m->c, kv->value);
		b = conf_find_bond(m->c, f->dev);
		if (owner && owner != b)
			conf_error(m->d, &l, "%s is a slave of %s already", kv->value, owner->name);
		else
			conf_bond_add_slave(b, kv->value, &l);
	}
	b = conf_find_bond(m->c, f->dev);
	addresses(m, f, "", &b->addrs, &b->n_addrs);
	gateways(m, f, f->dev);
	mtu(m, f, &b->mtu);
	mac = get(f, "MACADDR");
	if (mac && *mac->value) {
		struct conf_loc l = kv_loc(f, mac);

		if (mac_parse(mac->value, b->hwaddr) < 0 || mac_is_multicast(b->hwaddr) ||
		    mac_is_zero(b->hwaddr))
			conf_error(m->d, &l, "MACADDR=%s: invalid unicast MAC address", mac->value);
		else
			b->has_hwaddr = true;
	}
}

static void do_slave(struct imp *m, const struct ifc *f)
{
	const struct kv *master = get(f, "MASTER"), *slave = get(f, "SLAVE");
	struct conf_loc loc = kv_loc(f, master);
	struct conf_bond *owner, *b;

	if (slave && is_no(slave->value)) {
		struct conf_loc l = kv_loc(f, slave);

		conf_error(m->d, &l, "MASTER=%s with SLAVE=%s: set SLAVE=yes, or remove MASTER",
			   master->value, slave->value);
		return;
	}
	if (!slave)
		conf_warn(m->d, &loc, "MASTER=%s without SLAVE=yes: initscripts would not enslave %s; bondd does",
			  master->value, f->dev);
	if (!conf_ifname_ok(master->value)) {
		conf_error(m->d, &loc, "MASTER=%s: invalid interface name", master->value);
		return;
	}
	if (!strcmp(master->value, f->dev)) {
		conf_error(m->d, &loc, "MASTER=%s: %s cannot be a slave of itself", master->value,
			   f->dev);
		return;
	}
	forbid(m, f, "IPADDR", "a slave has no addresses of its own; put them on the bond");
	forbid(m, f, "IPADDR0", "a slave has no addresses of its own; put them on the bond");
	forbid(m, f, "IPV6ADDR", "a slave has no addresses of its own; put them on the bond");
	forbid(m, f, "BONDING_OPTS", "BONDING_OPTS belongs in the bond's file");
	if (get(f, "MTU")) {
		struct conf_loc l = kv_loc(f, get(f, "MTU"));

		conf_warn(m->d, &l, "MTU on slave %s is ignored: a slave takes the bond's MTU",
			  f->dev);
	}
	owner = conf_slave_owner(m->c, f->dev);
	if (owner) {
		conf_error(m->d, &loc, "%s is a slave of %s already", f->dev, owner->name);
		return;
	}
	/* A bond no ifcfg file of its own configures: ifup-eth of a slave
	 * enslaves it and leaves the master as it is, down when new. */
	if (!conf_find_bond(m->c, master->value))
		conf_add_bond(m->c, master->value, &loc)->down = true;
	b = conf_add_bond(m->c, master->value, &loc);
	conf_bond_add_slave(b, f->dev, &loc);
}

static void do_plain(struct imp *m, const struct ifc *f)
{
	struct conf_loc loc = kv_loc(f, get(f, "DEVICE"));
	struct conf_addr *addrs = NULL;
	struct conf_iface *iface;
	unsigned n = 0, mtu_v = 0;

	switch (bootproto(m, f, NULL)) {
	case BP_STATIC:
		break;
	case BP_DYNAMIC:
		loc = kv_loc(f, get(f, "BOOTPROTO"));
		conf_warn(m->d, &loc, "%s uses BOOTPROTO=%s: not imported, bondd leaves it alone",
			  f->dev, val(f, "BOOTPROTO"));
		return;
	case BP_BAD:
		return;
	}
	forbid(m, f, "BONDING_OPTS", "only a bond takes BONDING_OPTS");
	forbid(m, f, "MACADDR", "bondd sets the MAC address of bonds only");
	addresses(m, f, "", &addrs, &n);
	mtu(m, f, &mtu_v);
	gateways(m, f, f->dev);
	if (!n && !mtu_v) {
		free(addrs);
		return;         /* nothing for bondd to do */
	}
	if (conf_find_iface(m->c, f->dev)) {
		conf_error(m->d, &loc, "%s is configured twice (first at %s:%u)", f->dev,
			   conf_find_iface(m->c, f->dev)->loc.file,
			   conf_find_iface(m->c, f->dev)->loc.line);
		free(addrs);
		return;
	}
	iface = conf_add_iface(m->c, f->dev, &loc);
	iface->addrs = addrs;
	iface->n_addrs = n;
	iface->mtu = mtu_v;
}

/* A number of at most 4 digits, as initscripts' patterns ([0-9]{1,4}). */
static bool vid_digits(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n >= 1 && n <= 4 && !s[n];
}

static void do_vlan(struct imp *m, const struct ifc *f)
{
	struct conf_loc loc = kv_loc(f, get(f, "DEVICE"));
	const struct kv *physdev = get(f, "PHYSDEV"), *vid_kv = get(f, "VLAN_ID");
	char bond[CONF_NAME_MAX] = "";
	unsigned vid = 0, name_vid = 0;
	bool named = false;
	struct conf_vlan *v;
	struct err err;

	err_clear(&err);
	/* What bondd's VLANs cannot do: it sends with priority 0 and takes
	 * the tag off every frame it hands to the VLAN. */
	forbid(m, f, "VLAN_EGRESS_PRIORITY_MAP",
	       "bondd tags every frame with priority 0 and maps no priorities; remove it");
	forbid(m, f, "VLAN_INGRESS_PRIORITY_MAP",
	       "bondd does not map the priority of received frames; remove it");
	if (is_no(val(f, "REORDER_HDR")))
		forbid(m, f, "REORDER_HDR",
		       "bondd always hands frames to the VLAN untagged (reorder_hdr on); remove it");
	if (is_yes(val(f, "GVRP")))
		forbid(m, f, "GVRP", "bondd does not register VLANs with GVRP; remove it");
	if (is_yes(val(f, "MVRP")))
		forbid(m, f, "MVRP", "bondd does not register VLANs with MVRP; remove it");
	{
		const struct kv *fl = get(f, "VLAN_FLAGS");
		char *list = fl ? conf_xstrdup(fl->value) : NULL;
		struct conf_loc l = kv_loc(f, fl);

		for (char *t = list ? strtok(list, ", \t") : NULL; t; t = strtok(NULL, ", \t")) {
			static const char *const flags[] = { "GVRP", "MVRP", "LOOSE_BINDING",
							     "NO_REORDER_HDR", NULL };
			const char *s = conf_suggest(t, flags);

			if (s && !strcmp(s, t))
				conf_error(m->d, &l, "VLAN_FLAGS=%s on %s: %s is not available with bondd's VLANs (priority 0, headers always reordered, no GVRP/MVRP, state bound to the bond); remove it",
					   fl->value, f->dev, t);
			else
				conf_error_unknown(m->d, &l, "VLAN flag", t, s);
		}
		free(list);
	}
	/* initscripts: DEVICE=vlanVID needs PHYSDEV; DEVICE=DEV.VID names
	 * both (vconfig's VLAN_PLUS_VID_NO_PAD and DEV_PLUS_VID_NO_PAD) */
	if (!strncmp(f->dev, "vlan", 4) && vid_digits(f->dev + 4)) {
		name_vid = (unsigned)atoi(f->dev + 4);
		named = true;
	} else {
		const char *dot = strrchr(f->dev, '.');

		if (dot && dot != f->dev && vid_digits(dot + 1)) {
			snprintf(bond, sizeof(bond), "%.*s", (int)(dot - f->dev), f->dev);
			name_vid = (unsigned)atoi(dot + 1);
			named = true;
		}
	}
	if (vid_kv && *vid_kv->value) {
		struct conf_loc l = kv_loc(f, vid_kv);

		if (conf_parse_vid(vid_kv->value, &vid, &err) < 0) {
			conf_error(m->d, &l, "VLAN_ID=%s: %s", vid_kv->value, err.msg);
			return;
		}
		if (named && vid != name_vid) {
			conf_error(m->d, &l, "VLAN_ID=%s disagrees with the name %s (VLAN %u)",
				   vid_kv->value, f->dev, name_vid);
			return;
		}
	} else if (named) {
		char text[16];

		snprintf(text, sizeof(text), "%u", name_vid);
		if (conf_parse_vid(text, &vid, &err) < 0) {
			conf_error(m->d, &loc, "DEVICE=%s: %s", f->dev, err.msg);
			return;
		}
	} else {
		conf_error(m->d, &loc, "VLAN %s: no VLAN id: name it BOND.VID (DEVICE=bond0.100) or give VLAN_ID=",
			   f->dev);
		return;
	}
	if (physdev && *physdev->value) {
		struct conf_loc l = kv_loc(f, physdev);

		if (!conf_ifname_ok(physdev->value)) {
			conf_error(m->d, &l, "PHYSDEV=%s: invalid interface name", physdev->value);
			return;
		}
		if (bond[0] && strcmp(bond, physdev->value)) {
			conf_error(m->d, &l, "PHYSDEV=%s disagrees with the name %s (a VLAN of %s)",
				   physdev->value, f->dev, bond);
			return;
		}
		snprintf(bond, sizeof(bond), "%s", physdev->value);
	} else if (!bond[0]) {
		conf_error(m->d, &loc, "VLAN %s: PHYSDEV= is missing: name the bond it sits on (PHYSDEV=bond0)",
			   f->dev);
		return;
	}
	if (bootproto(m, f, "VLAN") != BP_STATIC)
		return;
	forbid(m, f, "MASTER", "a VLAN cannot be a slave in bondd");
	forbid(m, f, "BONDING_OPTS", "only a bond takes BONDING_OPTS");
	forbid(m, f, "MACADDR", "a VLAN has its bond's MAC address");
	v = conf_add_vlan(m->c, f->dev, bond, vid, &loc);
	v->down = is_no(val(f, "ONBOOT"));
	addresses(m, f, "", &v->addrs, &v->n_addrs);
	mtu(m, f, &v->mtu);
	gateways(m, f, f->dev);
}

static void do_alias(struct imp *m, const struct ifc *f)
{
	struct conf_loc loc = kv_loc(f, get(f, "DEVICE"));
	struct conf_addr *addrs = NULL;
	struct conf_bond *b;
	unsigned n = 0;

	if (bootproto(m, f, "alias") != BP_STATIC)
		return;
	if (conf_slave_owner(m->c, f->parent)) {
		conf_error(m->d, &loc, "%s is a slave of %s: put alias %s on the bond (ifcfg-%s:N)",
			   f->parent, conf_slave_owner(m->c, f->parent)->name, f->label,
			   conf_slave_owner(m->c, f->parent)->name);
		return;
	}
	if (get(f, "IPV6ADDR"))
		conf_warn(m->d, &loc, "IPV6ADDR in alias file %s is ignored: IPv6 addresses have no labels; list it in IPV6ADDR_SECONDARIES of ifcfg-%s",
			  f->label, f->parent);
	add_v4(m, f, "", f->label, &addrs, &n);
	if (!n) {
		conf_error(m->d, &loc, "alias %s has no IPADDR", f->label);
		free(addrs);
		return;
	}
	b = conf_find_bond(m->c, f->parent);
	if (b) {
		for (unsigned i = 0; i < n; i++)
			*conf_push_addr(&b->addrs, &b->n_addrs) = addrs[i];
	} else if (conf_find_vlan(m->c, f->parent)) {
		struct conf_vlan *v = conf_find_vlan(m->c, f->parent);

		for (unsigned i = 0; i < n; i++)
			*conf_push_addr(&v->addrs, &v->n_addrs) = addrs[i];
	} else {
		struct conf_iface *iface = conf_add_iface(m->c, f->parent, &loc);

		for (unsigned i = 0; i < n; i++)
			*conf_push_addr(&iface->addrs, &iface->n_addrs) = addrs[i];
	}
	free(addrs);
}

static void free_ifc(struct ifc *f)
{
	for (unsigned i = 0; i < f->n_kv; i++) {
		free(f->kv[i].key);
		free(f->kv[i].value);
	}
	free(f->kv);
}

struct conf *imp_ifcfg_parse(const struct conf_file *files, unsigned n, struct conf_diag *d)
{
	struct imp m = { .d = d };
	unsigned errors = d->n_errors;

	m.c = conf_new();
	for (unsigned i = 0; i < n; i++) {
		const char *name = base_name(files[i].path);
		struct ifc *f;

		if (strncmp(name, "ifcfg-", 6) || ignored_file(name))
			continue;
		if (strstr(name, "-range")) {
			struct conf_loc l = conf_loc_at(conf_add_file(m.c, files[i].path), 0);

			conf_warn(d, &l, "range files are not supported: not imported");
			continue;
		}
		f = CONF_PUSH(m.ifc, m.n_ifc);
		f->file = conf_add_file(m.c, files[i].path);
		snprintf(f->fname, sizeof(f->fname), "%s", name + 6);
		read_ifcfg(&m, &files[i], f);
	}
	for (unsigned i = 0; i < m.n_ifc; i++) {
		identify(&m, &m.ifc[i]);
		check_yes_no(&m, &m.ifc[i], "ONBOOT");
		check_yes_no(&m, &m.ifc[i], "IPV6INIT");
		check_yes_no(&m, &m.ifc[i], "DEFROUTE");
	}
	/* Two files for one device: the usual result of "cp ifcfg-eth0
	 * ifcfg-bond0" without changing DEVICE. */
	for (unsigned i = 0; i < m.n_ifc; i++)
		for (unsigned j = 0; j < i; j++) {
			struct ifc *a = &m.ifc[j], *b = &m.ifc[i];

			if (a->skip || b->skip || a->alias != b->alias ||
			    strcmp(a->alias ? a->label : a->dev, b->alias ? b->label : b->dev))
				continue;
			/* Blame the file whose name disagrees with its DEVICE. */
			if (!b->alias && !strcmp(b->fname, b->dev) && strcmp(a->fname, a->dev)) {
				struct ifc *t = a;

				a = b;
				b = t;
			}
			{
				struct conf_loc l = kv_loc(b, get(b, "DEVICE"));

				conf_error(d, &l, "DEVICE=%s is also in %s: each device needs its own file%s%s",
					   b->alias ? b->label : b->dev, a->file,
					   strcmp(b->fname, b->dev) ? "; this file's name says " : "",
					   strcmp(b->fname, b->dev) ? b->fname : "");
				b->skip = true;
			}
		}
	for (unsigned i = 0; i < m.n_ifc; i++) {
		struct ifc *f = &m.ifc[i];

		f->bond = !f->skip && !f->alias && !f->vlan &&
			  (get(f, "BONDING_OPTS") || is_yes(val(f, "BONDING_MASTER")) ||
			   get(f, "BONDING_MODULE_OPTS") ||
			   (val(f, "TYPE") && !strncasecmp(val(f, "TYPE"), "Bond", 4)) ||
			   conf_looks_like_bond(f->dev) || bond_named(&m, f->dev));
	}
	/* Bonds first (in file order), then slaves, plain interfaces, aliases. */
	for (unsigned i = 0; i < m.n_ifc; i++)
		if (m.ifc[i].bond)
			do_bond(&m, &m.ifc[i]);
	/* VLANs after the bonds they sit on, before aliases that may name
	 * them (ifcfg-bond0.100:1) */
	for (unsigned i = 0; i < m.n_ifc; i++)
		if (!m.ifc[i].skip && !m.ifc[i].alias && m.ifc[i].vlan)
			do_vlan(&m, &m.ifc[i]);
	for (unsigned i = 0; i < m.n_ifc; i++) {
		struct ifc *f = &m.ifc[i];

		if (f->vlan)
			continue;
		if (!f->skip && !f->alias && !f->bond && val(f, "MASTER"))
			do_slave(&m, f);
		else if (!f->skip && !f->alias && !f->bond && is_yes(val(f, "SLAVE"))) {
			struct conf_loc l = kv_loc(f, get(f, "SLAVE"));

			conf_error(d, &l, "SLAVE=yes without MASTER=: name the bond (MASTER=bond0)");
		}
	}
	for (unsigned i = 0; i < m.n_ifc; i++) {
		struct ifc *f = &m.ifc[i];

		if (!f->skip && !f->alias && !f->bond && !f->vlan && !val(f, "MASTER") &&
		    !is_yes(val(f, "SLAVE")))
			do_plain(&m, f);
	}
	for (unsigned i = 0; i < m.n_ifc; i++)
		if (!m.ifc[i].skip && m.ifc[i].alias)
			do_alias(&m, &m.ifc[i]);
	for (unsigned i = 0; i < n; i++) {
		const char *name = base_name(files[i].path);

		if (ignored_file(name))
			continue;
		if (!strncmp(name, "route-", 6) && conf_ifname_ok(name + 6))
			read_route_file(&m, &files[i], AF_INET, name + 6);
		else if (!strncmp(name, "route6-", 7) && conf_ifname_ok(name + 7))
			read_route_file(&m, &files[i], AF_INET6, name + 7);
	}
	for (unsigned i = 0; i < m.n_ifc; i++)
		free_ifc(&m.ifc[i]);
	free(m.ifc);
	if (d->n_errors > errors) {
		conf_free(m.c);
		return NULL;
	}
	return m.c;
}
