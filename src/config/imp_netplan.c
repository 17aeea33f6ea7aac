/* Importer: netplan YAML (the *.yaml files of /etc/netplan, Ubuntu), read with libyaml:
 *
 *   network:
 *     version: 2
 *     ethernets: { eth0: {}, eth1: {} }
 *     bonds:
 *       bond0:
 *         interfaces: [eth0, eth1]
 *         addresses: [192.0.2.10/24]
 *         routes: [{ to: default, via: 192.0.2.1 }]
 *         parameters: { mode: active-backup, mii-monitor-interval: 100 }
 *
 * Several files merge as netplan merges them: in lexical order of their
 * names, later files add mapping keys or override the same ones, and
 * sequences (addresses, interfaces, routes) add up. Time values are
 * milliseconds when bare ("100") and systemd time spans otherwise ("100ms",
 * "1s"), as netplan(5) says for the networkd back end. dhcp4/dhcp6 on a
 * bond are refused, as BOOTPROTO=dhcp is for ifcfg: bondd sets static
 * addresses and a bond without its address would be up but unreachable.
 *
 *     vlans:
 *       vlan100: { id: 100, link: bond0, addresses: [198.51.100.10/24] }
 *
 * A VLAN is named by its key, sits on the device link: names (by its
 * netplan id) and takes addresses, routes, mtu and activation-mode as a
 * bond does. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "conf_impl.h"

struct npfile {
	const char *file;
	yaml_document_t doc;
	bool loaded;
};

enum np_kind { NP_ETH, NP_BOND, NP_VLAN };

static const char *const kind_words[] = { "ethernet", "bond", "vlan" };
static const char *const kind_sections[] = { "ethernets", "bonds", "vlans" };

/* One device (ethernets:, bonds: or vlans: entry): its mappings, one per
 * file that mentions it, in file order. */
struct npdef {
	char id[64];
	enum np_kind kind;
	struct { struct npfile *f; yaml_node_t *map; } *v;
	unsigned n;
	char name[CONF_NAME_MAX];   /* the device name (set-name or id) */
};

struct np {
	struct conf *c;
	struct conf_diag *d;
	struct npfile *f;
	unsigned n_f;
	struct npdef *defs;
	unsigned n_defs;
};

static const char *const k_network[] = {
	"version", "renderer", "ethernets", "bonds", "vlans", "bridges", "wifis",
	"tunnels", "vrfs", "modems", "dummy-devices", "virtual-ethernets", "nm-devices",
	"openvswitch", NULL,
};
static const char *const k_common[] = {
	"addresses", "routes", "gateway4", "gateway6", "mtu", "macaddress", "dhcp4", "dhcp6",
	"nameservers", "renderer", "optional", "critical", "link-local", "accept-ra",
	"ipv6-privacy", "dhcp-identifier", "dhcp4-overrides", "dhcp6-overrides",
	"ipv6-address-generation", "ipv6-address-token", "ipv6-mtu", "emit-lldp",
	"ignore-carrier", "activation-mode", "optional-addresses", "routing-policy",
	"neigh-suppress", "networkmanager", "openvswitch", "wakeonlan", "match", "set-name",
	"receive-checksum-offload", "transmit-checksum-offload", "tcp-segmentation-offload",
	"tcp6-segmentation-offload", "generic-segmentation-offload",
	"generic-receive-offload", "large-receive-offload", "virtual-function-count",
	"embedded-switch-mode", "delay-virtual-functions-rebind", "infiniband-mode",
	"link", "interfaces", "parameters", NULL,
};

/* parameters: netplan's name, the kernel's option, kind (t: time, ms
 * when bare; s: lp_interval, seconds when bare; b: boolean; l: list;
 * p: primary, a netplan id; v: as it is). */
static const struct { const char *key, *opt; char kind; } params[] = {
	{ "mode", "mode", 'v' },
	{ "lacp-rate", "lacp_rate", 'v' },
	{ "mii-monitor-interval", "miimon", 't' },
	{ "min-links", "min_links", 'v' },
	{ "transmit-hash-policy", "xmit_hash_policy", 'v' },
	{ "ad-select", "ad_select", 'v' },
	{ "all-slaves-active", "all_slaves_active", 'b' },
	{ "all-members-active", "all_slaves_active", 'b' },
	{ "arp-interval", "arp_interval", 't' },
	{ "arp-ip-targets", "arp_ip_target", 'l' },
	{ "arp-validate", "arp_validate", 'v' },
	{ "arp-all-targets", "arp_all_targets", 'v' },
	{ "up-delay", "updelay", 't' },
	{ "down-delay", "downdelay", 't' },
	{ "fail-over-mac-policy", "fail_over_mac", 'v' },
	{ "gratuitious-arp", "num_grat_arp", 'v' },     /* netplan's own spelling */
	{ "gratuitous-arp", "num_grat_arp", 'v' },
	{ "packets-per-slave", "packets_per_slave", 'v' },
	{ "packets-per-member", "packets_per_slave", 'v' },
	{ "primary-reselect-policy", "primary_reselect", 'v' },
	{ "resend-igmp", "resend_igmp", 'v' },
	{ "learn-packet-interval", "lp_interval", 's' },
	{ "primary", "primary", 'p' },
	{ NULL, NULL, 0 },
};

static struct conf_loc nloc(const struct npfile *f, const yaml_node_t *n)
{
	return conf_loc_at(f ? f->file : "netplan", f && n ? (unsigned)n->start_mark.line + 1 : 0);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static bool in_list(const char *w, const char *const *list)
{
	for (unsigned i = 0; list[i]; i++)
		if (!strcmp(w, list[i]))
			return true;
	return false;
}

static int yaml_bool(const char *s)
{
	static const char *const t[] = { "true", "True", "TRUE", "yes", "Yes", "on", "On", "y", NULL };
	static const char *const f[] = { "false", "False", "FALSE", "no", "No", "off", "Off", "n", NULL };

	if (s && in_list(s, t))
		return 1;
	if (s && in_list(s, f))
		return 0;
	return -1;
}

static struct npdef *def_get(struct np *m, const char *id, enum np_kind kind)
{
	for (unsigned i = 0; i < m->n_defs; i++)
		if (!strcmp(m->defs[i].id, id))
			return &m->defs[i];
	m->defs = conf_grow(m->defs, m->n_defs, sizeof(*m->defs));
	memset(&m->defs[m->n_defs], 0, sizeof(*m->defs));
	snprintf(m->defs[m->n_defs].id, sizeof(m->defs[m->n_defs].id), "%s", id);
	m->defs[m->n_defs].kind = kind;
	return &m->defs[m->n_defs++];
}

/* A key netplan allows for that kind of device. */
static bool key_ok(const char *key, enum np_kind kind)
{
	if (kind == NP_VLAN && !strcmp(key, "id"))
		return true;
	if (!in_list(key, k_common))
		return false;
	if (kind != NP_BOND && (!strcmp(key, "interfaces") || !strcmp(key, "parameters")))
		return false;
	if (kind != NP_ETH && (!strcmp(key, "match") || !strcmp(key, "set-name")))
		return false;
	return true;
}

static void collect(struct np *m, struct npfile *f, yaml_node_t *devs, enum np_kind kind)
{
	if (devs->type != YAML_MAPPING_NODE) {
		struct conf_loc l = nloc(f, devs);

		conf_error(m->d, &l, "%s: expected a mapping of interface names",
			   kind_sections[kind]);
		return;
	}
	for (yaml_node_pair_t *p = devs->data.mapping.pairs.start; p < devs->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(&f->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&f->doc, p->value);
		struct conf_loc l = nloc(f, k);
		struct npdef *def;

		if (!scalar(k) || strlen(scalar(k)) >= sizeof(def->id)) {
			conf_error(m->d, &l, "expected an interface name");
			continue;
		}
		if (v->type == YAML_SCALAR_NODE && !*scalar(v))
			v = NULL;       /* "eth0: {}" written as "eth0:" */
		else if (v->type != YAML_MAPPING_NODE) {
			conf_error(m->d, &l, "%s: expected a mapping", scalar(k));
			continue;
		}
		def = def_get(m, scalar(k), kind);
		if (def->kind != kind) {
			conf_error(m->d, &l, "%s is both a%s %s and a %s", scalar(k),
				   def->kind == NP_ETH ? "n" : "", kind_words[def->kind],
				   kind_words[kind]);
			continue;
		}
		def->v = conf_grow(def->v, def->n, sizeof(*def->v));
		def->v[def->n].f = f;
		def->v[def->n++].map = v;
		if (!v)
			continue;
		for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
		     q < v->data.mapping.pairs.top; q++) {
			yaml_node_t *kk = yaml_document_get_node(&f->doc, q->key);
			struct conf_loc kl = nloc(f, kk);
			const char *key = scalar(kk);

			if (!key || !key_ok(key, kind)) {
				char what[32];

				snprintf(what, sizeof(what), "%s key", kind_words[kind]);
				conf_error_unknown(m->d, &kl, what, key ? key : "?",
						   key ? conf_suggest(key, k_common) : NULL);
			}
		}
	}
}

/* The last value of key in def's mappings (later files override). */
static yaml_node_t *last(const struct npdef *def, const char *key, struct npfile **fo)
{
	yaml_node_t *found = NULL;

	for (unsigned i = 0; i < def->n; i++) {
		yaml_node_t *map = def->v[i].map;

		if (!map)
			continue;
		for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
		     p < map->data.mapping.pairs.top; p++) {
			const char *k = scalar(yaml_document_get_node(&def->v[i].f->doc, p->key));

			if (k && !strcmp(k, key)) {
				found = yaml_document_get_node(&def->v[i].f->doc, p->value);
				*fo = def->v[i].f;
			}
		}
	}
	return found;
}

/* Calls fn for each item of every key sequence (sequences add up). */
static void each_item(struct np *m, const struct npdef *def, const char *key,
		      void (*fn)(struct np *, struct npdef *, struct npfile *, yaml_node_t *,
				 void *), void *arg)
{
	for (unsigned i = 0; i < def->n; i++) {
		yaml_node_t *map = def->v[i].map;
		struct npfile *f = def->v[i].f;

		if (!map)
			continue;
		for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
		     p < map->data.mapping.pairs.top; p++) {
			const char *k = scalar(yaml_document_get_node(&f->doc, p->key));
			yaml_node_t *v = yaml_document_get_node(&f->doc, p->value);

			if (!k || strcmp(k, key))
				continue;
			if (v->type != YAML_SEQUENCE_NODE) {
				struct conf_loc l = nloc(f, v);

				conf_error(m->d, &l, "%s: expected a list ([a, b])", key);
				continue;
			}
			for (yaml_node_item_t *it = v->data.sequence.items.start;
			     it < v->data.sequence.items.top; it++)
				fn(m, (struct npdef *)def, f, yaml_document_get_node(&f->doc, *it),
				   arg);
		}
	}
}

struct addr_sink {
	struct conf_addr **addrs;
	unsigned *n;
};

static void one_address(struct np *m, struct npdef *def, struct npfile *f, yaml_node_t *n,
			void *arg)
{
	struct addr_sink *s = arg;
	struct conf_loc l = nloc(f, n);
	const char *text = scalar(n), *label = NULL;
	struct conf_addr a;
	int fam, prefix;
	struct err err;

	if (n->type == YAML_MAPPING_NODE && n->data.mapping.pairs.top - n->data.mapping.pairs.start == 1) {
		yaml_node_t *opts = yaml_document_get_node(&f->doc, n->data.mapping.pairs.start->value);

		text = scalar(yaml_document_get_node(&f->doc, n->data.mapping.pairs.start->key));
		if (opts && opts->type == YAML_MAPPING_NODE)
			for (yaml_node_pair_t *p = opts->data.mapping.pairs.start;
			     p < opts->data.mapping.pairs.top; p++) {
				const char *k = scalar(yaml_document_get_node(&f->doc, p->key));
				const char *v = scalar(yaml_document_get_node(&f->doc, p->value));

				if (k && !strcmp(k, "label"))
					label = v;
				else if (!k || strcmp(k, "lifetime"))
					conf_error(m->d, &l, "address option '%s': only label and lifetime exist",
						   k ? k : "?");
			}
	}
	if (!text) {
		conf_error(m->d, &l, "addresses: expected ADDRESS/PREFIX");
		return;
	}
	memset(&a, 0, sizeof(a));
	err_clear(&err);
	if (conf_parse_cidr(text, &fam, a.addr, &prefix, &err) < 0) {
		conf_error(m->d, &l, "addresses: invalid address '%s'", text);
		return;
	}
	if (prefix < 0) {
		conf_error(m->d, &l, "addresses: %s needs a prefix length (netplan requires ADDRESS/PREFIX)",
			   text);
		return;
	}
	a.family = fam;
	a.prefix = (uint8_t)prefix;
	a.loc = l;
	if (label) {
		if (conf_addr_label_ok(def->name, label, &err) < 0) {
			conf_error(m->d, &l, "label %s: %s", label, err.msg);
			return;
		}
		snprintf(a.label, sizeof(a.label), "%s", label);
	}
	*conf_push_addr(s->addrs, s->n) = a;
}

static void one_route(struct np *m, struct npdef *def, struct npfile *f, yaml_node_t *n,
		      void *arg)
{
	static const char *const rkeys[] = { "to", "via", "metric", "on-link", "table", "scope",
					     "type", "from", "mtu", "congestion-window",
					     "advertised-receive-window", NULL };
	struct conf_loc l = nloc(f, n);
	const char *to = NULL, *via = NULL, *metric = NULL;
	uint8_t dst[16] = { 0 }, gw[16];
	int fam = AF_UNSPEC, prefix = 0, gfam = AF_UNSPEC;
	unsigned long met = 0;
	struct err err;

	(void)arg;
	if (n->type != YAML_MAPPING_NODE) {
		conf_error(m->d, &l, "routes: expected { to: ..., via: ... }");
		return;
	}
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(&f->doc, p->key);
		const char *k = scalar(kn);
		const char *v = scalar(yaml_document_get_node(&f->doc, p->value));
		struct conf_loc kl = nloc(f, kn);

		if (!k || !in_list(k, rkeys)) {
			conf_error_unknown(m->d, &kl, "route key", k ? k : "?",
					   k ? conf_suggest(k, rkeys) : NULL);
		} else if (!strcmp(k, "to")) {
			to = v;
		} else if (!strcmp(k, "via")) {
			via = v;
		} else if (!strcmp(k, "metric")) {
			metric = v;
		} else if (!(!strcmp(k, "on-link") && yaml_bool(v) == 0) &&
			   !(!strcmp(k, "type") && v && !strcmp(v, "unicast")) &&
			   !(!strcmp(k, "table") && v && !strcmp(v, "254"))) {
			conf_error(m->d, &kl, "route %s: not imported by bondd (routes have to, via and metric)",
				   k);
		}
	}
	err_clear(&err);
	if (!to) {
		conf_error(m->d, &l, "route without to:");
		return;
	}
	if (via && conf_parse_ip(via, AF_UNSPEC, &gfam, gw) < 0) {
		conf_error(m->d, &l, "route via %s: invalid address", via);
		return;
	}
	if (!strcmp(to, "default")) {
		fam = via ? gfam : AF_INET;
	} else if (conf_parse_cidr(to, &fam, dst, &prefix, &err) < 0) {
		conf_error(m->d, &l, "route to %s: invalid prefix", to);
		return;
	} else if (prefix < 0) {
		prefix = fam == AF_INET ? 32 : 128;
	}
	if (via && gfam != fam) {
		conf_error(m->d, &l, "route to %s via %s: the families differ", to, via);
		return;
	}
	if (metric && !conf_parse_uint(metric, UINT32_MAX, &met)) {
		conf_error(m->d, &l, "route metric %s: invalid", metric);
		return;
	}
	conf_add_route(m->c, m->d, fam, dst, prefix, via ? gw : NULL, def->name, metric != NULL,
		       met, &l);
}

static void one_target(struct np *m, struct npdef *def, struct npfile *f, yaml_node_t *n,
		       void *arg)
{
	struct strbuf *sb = arg;
	struct conf_loc l = nloc(f, n);

	(void)def;
	if (!scalar(n))
		conf_error(m->d, &l, "arp-ip-targets: expected addresses");
	else
		sb_printf(sb, "%s%s", sb->buf && *sb->buf ? "," : "", scalar(n));
}

static const struct npdef *find_def(const struct np *m, const char *id)
{
	for (unsigned i = 0; i < m->n_defs; i++)
		if (!strcmp(m->defs[i].id, id))
			return &m->defs[i];
	return NULL;
}

static void parameters(struct np *m, struct npdef *def, struct conf_bond *b)
{
	const char *cands[ARRAY_SIZE(params)];

	for (unsigned i = 0; params[i].key; i++)
		cands[i] = params[i].key;
	cands[ARRAY_SIZE(params) - 1] = NULL;
	for (unsigned i = 0; i < def->n; i++) {
		struct npfile *f = def->v[i].f;
		yaml_node_t *map = def->v[i].map, *pm = NULL;

		if (!map)
			continue;
		for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
		     p < map->data.mapping.pairs.top; p++) {
			const char *k = scalar(yaml_document_get_node(&f->doc, p->key));

			if (k && !strcmp(k, "parameters"))
				pm = yaml_document_get_node(&f->doc, p->value);
		}
		if (!pm)
			continue;
		if (pm->type != YAML_MAPPING_NODE) {
			struct conf_loc l = nloc(f, pm);

			conf_error(m->d, &l, "parameters: expected a mapping");
			continue;
		}
		for (yaml_node_pair_t *p = pm->data.mapping.pairs.start;
		     p < pm->data.mapping.pairs.top; p++) {
			yaml_node_t *kn = yaml_document_get_node(&f->doc, p->key);
			yaml_node_t *vn = yaml_document_get_node(&f->doc, p->value);
			const char *k = scalar(kn), *v = scalar(vn);
			struct conf_loc l = nloc(f, kn);
			char buf[64], *cname = NULL, *cvalue = NULL;
			struct strbuf sb;
			unsigned j;
			unsigned long ms;
			struct err err;

			for (j = 0; params[j].key && (!k || strcmp(params[j].key, k)); j++)
				;
			if (!params[j].key) {
				conf_error_unknown(m->d, &l, "bond parameter", k ? k : "?",
						   k ? conf_suggest(k, cands) : NULL);
				continue;
			}
			err_clear(&err);
			sb_init(&sb);
			if (params[j].kind == 'l') {
				if (vn->type != YAML_SEQUENCE_NODE) {
					conf_error(m->d, &l, "%s: expected a list ([a, b])", k);
					continue;
				}
				for (yaml_node_item_t *it = vn->data.sequence.items.start;
				     it < vn->data.sequence.items.top; it++)
					one_target(m, def, f, yaml_document_get_node(&f->doc, *it), &sb);
				v = sb.buf ? sb.buf : "";
			} else if (!v) {
				conf_error(m->d, &l, "%s: expected a value", k);
				continue;
			} else if (params[j].kind == 't' || params[j].kind == 's') {
				if (conf_parse_timespan(v, params[j].kind == 't' ? "ms" : "s", &ms) < 0) {
					conf_error(m->d, &l, "%s: %s: invalid time (100, 100ms, 1s)", k, v);
					continue;
				}
				if (params[j].kind == 's') {
					if (ms % 1000) {
						conf_error(m->d, &l, "%s: %s: the kernel counts it in whole seconds",
							   k, v);
						continue;
					}
					ms /= 1000;
				}
				snprintf(buf, sizeof(buf), "%lu", ms);
				v = buf;
			} else if (params[j].kind == 'b') {
				int bv = yaml_bool(v);

				if (bv < 0) {
					conf_error(m->d, &l, "%s: %s: expected true or false", k, v);
					continue;
				}
				v = bv ? "1" : "0";
			} else if (params[j].kind == 'p') {
				const struct npdef *pd = find_def(m, v);

				/* netplan: the id of a member (under ethernets:) */
				if (!pd || pd->kind != NP_ETH) {
					conf_error(m->d, &l, "primary: %s is not defined under ethernets:",
						   v);
					continue;
				}
				v = pd->name;
			}
			if (conf_opt_canon(params[j].opt, v, false, &cname, &cvalue, &err) < 0) {
				char prefix[96];

				snprintf(prefix, sizeof(prefix), "%s: ", k);
				conf_opt_refused(m->d, &l, prefix, params[j].opt, v, err.msg);
			}
			else
				conf_bond_set_opt(b, cname, cvalue, &l);
			free(cname);
			free(cvalue);
			sb_free(&sb);
		}
	}
}

static void one_member(struct np *m, struct npdef *def, struct npfile *f, yaml_node_t *n,
		       void *arg)
{
	struct conf_bond *b = arg, *owner;
	struct conf_loc l = nloc(f, n);
	const struct npdef *e;

	if (!scalar(n)) {
		conf_error(m->d, &l, "interfaces: expected interface names");
		return;
	}
	e = find_def(m, scalar(n));
	if (!e || e->kind != NP_ETH) {
		conf_error(m->d, &l, "interfaces: %s is not defined under ethernets: (netplan needs it there)",
			   scalar(n));
		return;
	}
	owner = conf_slave_owner(m->c, e->name);
	if (owner)
		conf_error(m->d, &l, "%s is a member of %s already", e->name, owner->name);
	else
		conf_bond_add_slave(b, e->name, &l);
	(void)def;
}

/* addresses, routes, gateways, mtu, macaddress, dhcp, nameservers. */
static void l3(struct np *m, struct npdef *def, struct conf_addr **addrs, unsigned *n,
	       unsigned *mtu, struct conf_bond *b)
{
	static const char *const gws[] = { "gateway4", "gateway6" };
	struct addr_sink s = { addrs, n };
	struct npfile *f = NULL;
	yaml_node_t *v;
	struct err err;

	each_item(m, def, "addresses", one_address, &s);
	each_item(m, def, "routes", one_route, NULL);
	for (unsigned i = 0; i < 2; i++) {
		uint8_t a[16];
		int fam;

		v = last(def, gws[i], &f);
		if (v) {
			struct conf_loc l = nloc(f, v);

			conf_warn(m->d, &l, "%s is deprecated in netplan: write routes: [{to: default, via: %s}]",
				  gws[i], scalar(v) ? scalar(v) : "?");
			if (!scalar(v) || conf_parse_ip(scalar(v), i ? AF_INET6 : AF_INET, &fam, a) < 0)
				conf_error(m->d, &l, "%s: invalid address", gws[i]);
			else
				conf_set_gateway(m->c, fam, a, def->name, &l, m->d);
		}
	}
	v = last(def, "mtu", &f);
	if (v) {
		struct conf_loc l = nloc(f, v);

		err_clear(&err);
		if (!scalar(v) || conf_parse_mtu(scalar(v), mtu, &err) < 0)
			conf_error(m->d, &l, "mtu: %s", scalar(v) ? err.msg : "expected a number");
	}
	v = last(def, "macaddress", &f);
	if (v) {
		struct conf_loc l = nloc(f, v);

		if (!b)
			conf_error(m->d, &l, "macaddress on %s: bondd sets the MAC address of bonds only",
				   def->name);
		else if (!scalar(v) || mac_parse(scalar(v), b->hwaddr) < 0 ||
			 mac_is_multicast(b->hwaddr) || mac_is_zero(b->hwaddr))
			conf_error(m->d, &l, "macaddress: invalid unicast MAC address");
		else
			b->has_hwaddr = true;
	}
	v = last(def, "nameservers", &f);
	if (v) {
		struct conf_loc l = nloc(f, v);

		conf_warn(m->d, &l, "nameservers on %s: DNS is not bondd's to set; configure the resolver separately",
			  def->name);
	}
}

static bool dhcp_on(struct np *m, struct npdef *def, bool refuse)
{
	static const char *const keys[] = { "dhcp4", "dhcp6" };
	bool on = false;

	for (unsigned i = 0; i < 2; i++) {
		struct npfile *f = NULL;
		yaml_node_t *v = last(def, keys[i], &f);
		struct conf_loc l = nloc(f, v);
		int bv;

		if (!v)
			continue;
		bv = yaml_bool(scalar(v));
		if (bv < 0) {
			conf_error(m->d, &l, "%s: expected true or false", keys[i]);
		} else if (bv && refuse) {
			conf_error(m->d, &l, "%s: true on %s: bondd assigns static addresses only; write addresses: [ADDRESS/PREFIX] (and routes), or run a DHCP client on %s once bondd has created it",
				   keys[i], def->name, def->name);
		} else if (bv) {
			on = true;
			conf_warn(m->d, &l, "%s uses %s: not imported, bondd leaves it alone",
				  def->name, keys[i]);
		}
	}
	return on;
}

static void name_of(struct np *m, struct npdef *def)
{
	struct npfile *f = NULL;
	yaml_node_t *sn = last(def, "set-name", &f), *mt;
	struct conf_loc l;

	snprintf(def->name, sizeof(def->name), "%.15s", def->id);
	if (sn && scalar(sn)) {
		snprintf(def->name, sizeof(def->name), "%.15s", scalar(sn));
		l = nloc(f, sn);
		if (!conf_ifname_ok(scalar(sn)))
			conf_error(m->d, &l, "set-name: %s: invalid interface name", scalar(sn));
		return;
	}
	mt = last(def, "match", &f);
	if (mt) {
		l = nloc(f, mt);
		conf_error(m->d, &l, "%s: match: without set-name: bondd reads its configuration before it looks at any device; name the interface (set-name: or the id)",
			   def->id);
		return;
	}
	l = def->n ? nloc(def->v[0].f, def->v[0].map) : conf_loc_at("netplan", 0);
	if (!conf_ifname_ok(def->id))
		conf_error(m->d, &l, "%s: invalid interface name", def->id);
}

static void do_bond(struct np *m, struct npdef *def)
{
	struct conf_loc l = def->v[0].map ? nloc(def->v[0].f, def->v[0].map) :
			    conf_loc_at(def->v[0].f->file, 0);
	struct conf_bond *b = conf_add_bond(m->c, def->name, &l);
	struct npfile *f = NULL;
	yaml_node_t *am = last(def, "activation-mode", &f);

	b->loc = l;
	if (am) {
		struct conf_loc al = nloc(f, am);
		const char *v = scalar(am);

		if (!v || (strcmp(v, "manual") && strcmp(v, "off")))
			conf_error(m->d, &al, "activation-mode: expected manual or off");
		else
			b->down = true;
	}
	dhcp_on(m, def, true);
	each_item(m, def, "interfaces", one_member, b);
	parameters(m, def, b);
	l3(m, def, &b->addrs, &b->n_addrs, &b->mtu, b);
}

static void do_ethernet(struct np *m, struct npdef *def)
{
	struct conf_addr *addrs = NULL;
	unsigned n = 0, mtu = 0;
	struct conf_bond *owner = conf_slave_owner(m->c, def->name);
	struct conf_loc l = def->v[0].map ? nloc(def->v[0].f, def->v[0].map) :
			    conf_loc_at(def->v[0].f->file, 0);

	if (dhcp_on(m, def, owner != NULL))
		return;
	l3(m, def, &addrs, &n, &mtu, NULL);
	if (owner && n)
		conf_error(m->d, &l, "%s is a member of %s: a member has no addresses of its own; put them on the bond",
			   def->name, owner->name);
	if (owner && mtu)
		conf_warn(m->d, &l, "mtu on member %s is ignored: a member takes the bond's MTU",
			  def->name);
	if (!owner && (n || mtu)) {
		struct conf_iface *iface = conf_add_iface(m->c, def->name, &l);

		for (unsigned i = 0; i < n; i++)
			*conf_push_addr(&iface->addrs, &iface->n_addrs) = addrs[i];
		iface->mtu = mtu;
	}
	free(addrs);
}

static void do_vlan(struct np *m, struct npdef *def)
{
	struct conf_loc l = def->v[0].map ? nloc(def->v[0].f, def->v[0].map) :
			    conf_loc_at(def->v[0].f->file, 0);
	struct npfile *f = NULL, *lf = NULL;
	yaml_node_t *id = last(def, "id", &f), *link = last(def, "link", &lf);
	yaml_node_t *am;
	const struct npdef *parent;
	struct conf_vlan *v;
	unsigned vid;
	struct err err;

	err_clear(&err);
	if (!id) {
		conf_error(m->d, &l, "vlan %s has no id:", def->id);
		return;
	}
	if (!scalar(id) || conf_parse_vid(scalar(id), &vid, &err) < 0) {
		struct conf_loc il = nloc(f, id);

		conf_error(m->d, &il, "id: %s", scalar(id) ? err.msg : "expected a number");
		return;
	}
	if (!link) {
		conf_error(m->d, &l, "vlan %s has no link: (the bond it sits on)", def->id);
		return;
	}
	parent = scalar(link) ? find_def(m, scalar(link)) : NULL;
	if (!parent) {
		struct conf_loc ll = nloc(lf, link);

		conf_error(m->d, &ll, "link: %s is not defined in this configuration (bonds: or ethernets:)",
			   scalar(link) ? scalar(link) : "?");
		return;
	}
	/* conf_check() says why a VLAN on anything but a bond is refused */
	v = conf_add_vlan(m->c, def->name, parent->name, vid, &l);
	am = last(def, "activation-mode", &f);
	if (am) {
		struct conf_loc al = nloc(f, am);
		const char *a = scalar(am);

		if (!a || (strcmp(a, "manual") && strcmp(a, "off")))
			conf_error(m->d, &al, "activation-mode: expected manual or off");
		else
			v->down = true;
	}
	dhcp_on(m, def, true);
	l3(m, def, &v->addrs, &v->n_addrs, &v->mtu, NULL);
}

static void load_file(struct np *m, struct npfile *f, const char *text)
{
	yaml_parser_t p;
	yaml_node_t *root;

	if (!yaml_parser_initialize(&p))
		conf_oom();
	yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	if (!yaml_parser_load(&p, &f->doc)) {
		struct conf_loc l = conf_loc_at(f->file, (unsigned)p.problem_mark.line + 1);

		/* libyaml: what went wrong (problem) where it noticed, and
		 * what it was reading (context) from where it started */
		if (p.context)
			conf_error(m->d, &l, "YAML syntax error: %s %s (started at line %u)",
				   p.problem ? p.problem : "?", p.context,
				   (unsigned)p.context_mark.line + 1);
		else
			conf_error(m->d, &l, "YAML syntax error: %s",
				   p.problem ? p.problem : "?");
		yaml_parser_delete(&p);
		return;
	}
	yaml_parser_delete(&p);
	f->loaded = true;
	root = yaml_document_get_root_node(&f->doc);
	if (!root)
		return;         /* an empty file */
	if (root->type != YAML_MAPPING_NODE) {
		struct conf_loc l = nloc(f, root);

		conf_error(m->d, &l, "expected 'network:' at the top");
		return;
	}
	for (yaml_node_pair_t *tp = root->data.mapping.pairs.start; tp < root->data.mapping.pairs.top;
	     tp++) {
		yaml_node_t *tk = yaml_document_get_node(&f->doc, tp->key);
		yaml_node_t *net = yaml_document_get_node(&f->doc, tp->value);
		struct conf_loc tl = nloc(f, tk);

		if (!scalar(tk) || strcmp(scalar(tk), "network")) {
			static const char *const top[] = { "network", NULL };

			conf_error_unknown(m->d, &tl, "top-level key", scalar(tk) ? scalar(tk) : "?",
					   scalar(tk) ? conf_suggest(scalar(tk), top) : NULL);
			continue;
		}
		if (net->type != YAML_MAPPING_NODE) {
			conf_error(m->d, &tl, "network: expected a mapping");
			continue;
		}
		for (yaml_node_pair_t *p2 = net->data.mapping.pairs.start;
		     p2 < net->data.mapping.pairs.top; p2++) {
			yaml_node_t *k = yaml_document_get_node(&f->doc, p2->key);
			yaml_node_t *v = yaml_document_get_node(&f->doc, p2->value);
			const char *key = scalar(k);
			struct conf_loc l = nloc(f, k);

			if (!key || !in_list(key, k_network)) {
				conf_error_unknown(m->d, &l, "network key", key ? key : "?",
						   key ? conf_suggest(key, k_network) : NULL);
			} else if (!strcmp(key, "version")) {
				if (!scalar(v) || strcmp(scalar(v), "2"))
					conf_error(m->d, &l, "version: %s: netplan knows version 2 only",
						   scalar(v) ? scalar(v) : "?");
			} else if (!strcmp(key, "ethernets")) {
				collect(m, f, v, NP_ETH);
			} else if (!strcmp(key, "bonds")) {
				collect(m, f, v, NP_BOND);
			} else if (!strcmp(key, "vlans")) {
				collect(m, f, v, NP_VLAN);
			} else if (strcmp(key, "renderer")) {
				conf_warn(m->d, &l, "%s: not imported (bondd configures bonds, their members and Ethernet interfaces)",
					  key);
			}
		}
	}
}

static int cmp_file(const void *a, const void *b)
{
	const struct conf_file *x = a, *y = b;
	const char *bx = strrchr(x->path, '/') ? strrchr(x->path, '/') + 1 : x->path;
	const char *by = strrchr(y->path, '/') ? strrchr(y->path, '/') + 1 : y->path;

	return strcmp(bx, by);
}

struct conf *imp_netplan_parse(const struct conf_file *files, unsigned n, struct conf_diag *d)
{
	struct np m = { .d = d };
	unsigned errors = d->n_errors;
	struct conf_file *sorted = conf_xmalloc((n ? n : 1) * sizeof(*sorted));

	m.c = conf_new();
	/* netplan orders the files of all its directories by base name */
	if (n) {
		memcpy(sorted, files, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), cmp_file);
	}
	m.f = conf_xmalloc((n ? n : 1) * sizeof(*m.f));
	memset(m.f, 0, (n ? n : 1) * sizeof(*m.f));
	m.n_f = n;
	for (unsigned i = 0; i < n; i++) {
		m.f[i].file = conf_add_file(m.c, sorted[i].path);
		load_file(&m, &m.f[i], sorted[i].text);
	}
	for (unsigned i = 0; i < m.n_defs; i++)
		name_of(&m, &m.defs[i]);
	for (unsigned i = 0; i < m.n_defs; i++)
		if (m.defs[i].kind == NP_BOND)
			do_bond(&m, &m.defs[i]);
	for (unsigned i = 0; i < m.n_defs; i++)
		if (m.defs[i].kind == NP_ETH)
			do_ethernet(&m, &m.defs[i]);
	for (unsigned i = 0; i < m.n_defs; i++)
		if (m.defs[i].kind == NP_VLAN)
			do_vlan(&m, &m.defs[i]);
	for (unsigned i = 0; i < m.n_defs; i++)
		free(m.defs[i].v);
	free(m.defs);
	for (unsigned i = 0; i < n; i++)
		if (m.f[i].loaded)
			yaml_document_delete(&m.f[i].doc);
	free(m.f);
	free(sorted);
	if (d->n_errors > errors) {
		conf_free(m.c);
		return NULL;
	}
	return m.c;
}
