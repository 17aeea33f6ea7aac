/* Importer: systemd-networkd units (/etc/systemd/network):
 *
 *   bond0.netdev   [NetDev] Name=bond0 Kind=bond MTUBytes= MACAddress=
 *                  [Bond] Mode= MIIMonitorSec= ... (systemd.netdev(5))
 *   eth0.network   [Match] Name=eth0  [Network] Bond=bond0
 *   bond0.network  [Match] Name=bond0 [Network] Address= Gateway=
 *                  [Address] Address=  [Route] Destination= Gateway= Metric=
 *                  [Link] MTUBytes= MACAddress= ActivationPolicy=
 *   vlan100.netdev [NetDev] Name=vlan100 Kind=vlan MTUBytes=  [VLAN] Id=100
 *   bond0.network  [Network] VLAN=vlan100: the VLAN sits on bond0
 *   vlan100.network  [Match] Name=vlan100 and the rest as for the bond
 *
 * As with networkd, a Kind=vlan netdev exists only once the .network of
 * its parent names it in VLAN=; [VLAN] settings bondd cannot honour
 * (GVRP, MVRP, LooseBinding, ReorderHeader=no, 802.1ad, QoS maps) are
 * refused.
 *
 * As networkd does, .network files are taken in lexical order of their
 * names and an interface gets the first one whose [Match] names it.
 * Matching needs names: bondd's configuration is read before any device
 * is looked at, so MACAddress=/Path=/Driver= matches and globs are refused
 * with the way out (Name=eth0). DHCP= on a bond is refused as ifcfg's
 * BOOTPROTO=dhcp is (bondd sets static addresses; a bond without the
 * address it is meant to have would be up but unreachable); DNS=,
 * Domains= and NTP= are warnings: bondd does not configure resolvers. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

struct unit {
	const char *file;
	const char *base;
	struct conf_ini ini;
	bool netdev;
	bool skip;
};

struct nd {
	struct conf *c;
	struct conf_diag *d;
	struct unit *u;
	unsigned n;
	/* which .network file configured each interface (first match wins) */
	struct { char name[CONF_NAME_MAX]; const char *file; } *used;
	unsigned n_used;
	/* the Kind=vlan netdevs: a VLAN exists once its parent names it */
	struct vnetdev {
		char name[CONF_NAME_MAX];
		unsigned vid;
		unsigned mtu;
		bool bad;           /* refused: reported once, at the netdev */
		struct conf_loc loc;
	} *vnd;
	unsigned n_vnd;
};

/* [Bond] of systemd.netdev(5): the key, the kernel's option, the kind of
 * value (t: time span, b: boolean, l: address list, v: as it is). */
static const struct { const char *key, *opt; char kind; } bond_keys[] = {
	{ "Mode", "mode", 'v' },
	{ "TransmitHashPolicy", "xmit_hash_policy", 'v' },
	{ "LACPTransmitRate", "lacp_rate", 'v' },
	{ "MIIMonitorSec", "miimon", 't' },
	{ "UpDelaySec", "updelay", 't' },
	{ "DownDelaySec", "downdelay", 't' },
	{ "PeerNotifyDelaySec", "peer_notif_delay", 't' },
	{ "LearnPacketIntervalSec", "lp_interval", 's' },
	{ "AdSelect", "ad_select", 'v' },
	{ "AdActorSystemPriority", "ad_actor_sys_prio", 'v' },
	{ "AdUserPortKey", "ad_user_port_key", 'v' },
	{ "AdActorSystem", "ad_actor_system", 'v' },
	{ "FailOverMACPolicy", "fail_over_mac", 'v' },
	{ "ARPValidate", "arp_validate", 'v' },
	{ "ARPIntervalSec", "arp_interval", 't' },
	{ "ARPIPTargets", "arp_ip_target", 'l' },
	{ "ARPAllTargets", "arp_all_targets", 'v' },
	{ "ARPMissedMax", "arp_missed_max", 'v' },
	{ "PrimaryReselectPolicy", "primary_reselect", 'v' },
	{ "ResendIGMP", "resend_igmp", 'v' },
	{ "PacketsPerSlave", "packets_per_slave", 'v' },
	{ "GratuitousARP", "num_grat_arp", 'v' },
	{ "AllSlavesActive", "all_slaves_active", 'b' },
	{ "DynamicTransmitLoadBalancing", "tlb_dynamic_lb", 'b' },
	{ "MinLinks", "min_links", 'v' },
	{ NULL, NULL, 0 },
};

static const char *const netdev_sections[] = { "Match", "NetDev", "Bond", "VLAN", NULL };
static const char *const k_netdev[] = { "Name", "Kind", "MTUBytes", "MACAddress",
					"Description", NULL };
static const char *const k_vlan[] = { "Id", "GVRP", "MVRP", "LooseBinding", "ReorderHeader",
				      "Protocol", "EgressQOSMaps", "IngressQOSMaps", NULL };
static const char *const network_sections[] = {
	"Match", "Link", "Network", "Address", "Route", "Neighbor", "DHCP", "DHCPv4",
	"DHCPv6", "IPv6AcceptRA", "SR-IOV", "Bond", "NextHop", "RoutingPolicyRule",
	"IPv6Prefix", "IPv6SendRA", "LLDP", "CAN", "QDisc", NULL,
};
static const char *const k_match[] = {
	"Name", "MACAddress", "PermanentMACAddress", "Path", "Driver", "Type", "Kind",
	"Property", "OriginalName", "Host", "Virtualization", "KernelCommandLine",
	"KernelVersion", "Credential", "Architecture", "Firmware", "WLANInterfaceType",
	"SSID", "BSSID", NULL,
};
static const char *const k_network[] = {
	"Bond", "Address", "Gateway", "DNS", "Domains", "NTP", "DHCP", "VLAN",
	"Description", "LinkLocalAddressing", "IPv6AcceptRA", "IPv6LinkLocalAddressGenerationMode",
	"ConfigureWithoutCarrier", "IgnoreCarrierLoss", "LLDP", "EmitLLDP", "LLMNR",
	"MulticastDNS", "DNSSEC", "DNSOverTLS", "DNSDefaultRoute", "IPForward",
	"IPv4Forwarding", "IPv6Forwarding", "IPMasquerade", "IPv6PrivacyExtensions",
	"KeepConfiguration", "ActiveSlave", "PrimarySlave", "DHCPServer", "LinkLocalAddressing",
	"IPv4LLRoute", "DefaultRouteOnDevice", "IPv6DuplicateAddressDetection",
	"IPv6HopLimit", "IPv6ProxyNDP", "IPv6SendRA", "ConfigureWithoutCarrier", NULL,
};
static const char *const k_address[] = { "Address", "Label", "Broadcast", "Peer",
					 "Scope", "PreferredLifetime", "RouteMetric",
					 "HomeAddress", "DuplicateAddressDetection",
					 "ManageTemporaryAddress", "AddPrefixRoute",
					 "AutoJoin", "NetLabel", "NFTSet", NULL };
static const char *const k_route[] = { "Destination", "Gateway", "Metric", "Table",
				       "Scope", "Type", "Source", "PreferredSource",
				       "GatewayOnLink", "Protocol", "MTUBytes",
				       "InitialCongestionWindow", "QuickAck", NULL };
static const char *const k_link[] = { "MTUBytes", "MACAddress", "ActivationPolicy",
				      "RequiredForOnline", "RequiredFamilyForOnline",
				      "ARP", "Multicast", "AllMulticast", "Promiscuous",
				      "Unmanaged", "Group", NULL };

static bool in_list(const char *w, const char *const *list)
{
	for (unsigned i = 0; list[i]; i++)
		if (!strcmp(w, list[i]))
			return true;
	return false;
}

static const char *get(const struct unit *u, const char *sec, const char *key)
{
	const struct conf_ini_kv *kv = conf_ini_get(&u->ini, sec, key);

	return kv ? kv->value : NULL;
}

static struct conf_loc loc_of(const struct unit *u, const char *sec, const char *key)
{
	const struct conf_ini_kv *kv = conf_ini_get(&u->ini, sec, key);

	return conf_loc_at(u->file, kv ? kv->line : 1);
}

static void check_keys(struct nd *m, const struct unit *u)
{
	static const char *bkeys[ARRAY_SIZE(bond_keys)];
	const char *const *secs = u->netdev ? netdev_sections : network_sections;

	for (unsigned i = 0; bond_keys[i].key; i++)
		bkeys[i] = bond_keys[i].key;
	for (unsigned i = 0; i < u->ini.n_sections; i++) {
		const struct conf_ini_section *s = &u->ini.sections[i];
		const char *const *keys = NULL;
		struct conf_loc loc = conf_loc_at(u->file, s->line);

		if (!in_list(s->name, secs)) {
			conf_error_unknown(m->d, &loc, "section", s->name,
					   conf_suggest(s->name, secs));
			continue;
		}
		if (!strcmp(s->name, "Match"))
			keys = k_match;
		else if (u->netdev && !strcmp(s->name, "NetDev"))
			keys = k_netdev;
		else if (u->netdev && !strcmp(s->name, "Bond"))
			keys = bkeys;
		else if (u->netdev && !strcmp(s->name, "VLAN"))
			keys = k_vlan;
		else if (!strcmp(s->name, "Network"))
			keys = k_network;
		else if (!strcmp(s->name, "Address"))
			keys = k_address;
		else if (!strcmp(s->name, "Route"))
			keys = k_route;
		else if (!strcmp(s->name, "Link"))
			keys = k_link;
		if (!keys)
			continue;
		for (unsigned j = 0; j < s->n_kv; j++) {
			struct conf_loc l = conf_loc_at(u->file, s->kv[j].line);

			if (!in_list(s->kv[j].key, keys))
				conf_error_unknown(m->d, &l, "key", s->kv[j].key,
						   conf_suggest(s->kv[j].key, keys));
		}
	}
}

static struct vnetdev *find_vnd(struct nd *m, const char *name)
{
	for (unsigned i = 0; i < m->n_vnd; i++)
		if (!strcmp(m->vnd[i].name, name))
			return &m->vnd[i];
	return NULL;
}

/* A Kind=vlan netdev: kept until a parent's VLAN= names it. */
static void vlan_netdev(struct nd *m, struct unit *u, const char *name)
{
	static const struct { const char *key; int bad; const char *why; } flags[] = {
		{ "GVRP", 1, "bondd does not register VLANs with GVRP" },
		{ "MVRP", 1, "bondd does not register VLANs with MVRP" },
		{ "LooseBinding", 1, "bondd's VLANs follow their bond's state" },
		{ "ReorderHeader", 0, "bondd always hands frames to the VLAN untagged" },
	};
	struct conf_loc nl = loc_of(u, "NetDev", "Name"), il = loc_of(u, "VLAN", "Id");
	const char *id = get(u, "VLAN", "Id"), *v;
	struct vnetdev *vn;
	struct err err;
	unsigned vid;
	bool ok = true;

	err_clear(&err);
	for (unsigned i = 0; i < ARRAY_SIZE(flags); i++) {
		struct conf_loc l = loc_of(u, "VLAN", flags[i].key);

		v = get(u, "VLAN", flags[i].key);
		if (!v)
			continue;
		if (conf_parse_bool_word(v) < 0) {
			conf_error(m->d, &l, "%s=%s: expected a boolean (yes/no)", flags[i].key, v);
			ok = false;
		} else if (conf_parse_bool_word(v) == flags[i].bad) {
			conf_error(m->d, &l, "%s=%s: %s; remove it", flags[i].key, v, flags[i].why);
			ok = false;
		}
	}
	v = get(u, "VLAN", "Protocol");
	if (v && strcasecmp(v, "802.1q")) {
		struct conf_loc l = loc_of(u, "VLAN", "Protocol");

		conf_error(m->d, &l, "Protocol=%s: bondd's VLANs are 802.1Q (TPID 0x8100) only", v);
		ok = false;
	}
	for (unsigned i = 0; i < 2; i++) {
		const char *key = i ? "IngressQOSMaps" : "EgressQOSMaps";
		struct conf_loc l = loc_of(u, "VLAN", key);

		v = get(u, "VLAN", key);
		if (v && *v) {
			conf_error(m->d, &l, "%s=%s: bondd tags every frame with priority 0 and maps no priorities; remove it",
				   key, v);
			ok = false;
		}
	}
	v = get(u, "NetDev", "MACAddress");
	if (v && strcmp(v, "none")) {
		struct conf_loc l = loc_of(u, "NetDev", "MACAddress");

		conf_error(m->d, &l, "MACAddress= on VLAN %s: a VLAN of bondd has its bond's MAC address",
			   name);
		ok = false;
	}
	if (!conf_ifname_ok(name)) {
		conf_error(m->d, &nl, "Name=%s: invalid interface name", name);
		return;
	}
	if (!id) {
		conf_error(m->d, &nl, "Kind=vlan netdev %s has no [VLAN] Id=", name);
		return;
	}
	if (conf_parse_vid(id, &vid, &err) < 0) {
		conf_error(m->d, &il, "Id=%s: %s", id, err.msg);
		return;
	}
	if (find_vnd(m, name)) {
		conf_error(m->d, &nl, "VLAN %s is defined twice (first at %s:%u)", name,
			   find_vnd(m, name)->loc.file, find_vnd(m, name)->loc.line);
		return;
	}
	m->vnd = conf_grow(m->vnd, m->n_vnd, sizeof(*m->vnd));
	vn = &m->vnd[m->n_vnd++];
	memset(vn, 0, sizeof(*vn));
	snprintf(vn->name, sizeof(vn->name), "%s", name);
	vn->vid = vid;
	vn->loc = nl;
	vn->bad = !ok;
	v = get(u, "NetDev", "MTUBytes");
	if (v) {
		struct conf_loc l = loc_of(u, "NetDev", "MTUBytes");

		if (conf_parse_mtu(v, &vn->mtu, &err) < 0)
			conf_error(m->d, &l, "MTUBytes=%s: %s", v, err.msg);
	}
}

/* VLAN=NAME in the .network of dev: the VLAN NAME sits on dev. */
static void network_vlan(struct nd *m, const char *dev, const char *name,
			 const struct conf_loc *loc)
{
	struct vnetdev *vn = find_vnd(m, name);
	struct conf_vlan *v = conf_find_vlan(m->c, name);

	if (!vn) {
		conf_error(m->d, loc, "VLAN=%s on %s: no .netdev file defines a VLAN of that name (Kind=vlan, [VLAN] Id=)",
			   name, dev);
		return;
	}
	if (vn->bad)
		return;
	if (v) {
		conf_error(m->d, loc, "VLAN=%s on %s: %s is on %s already", name, dev, name, v->bond);
		return;
	}
	v = conf_add_vlan(m->c, name, dev, vn->vid, &vn->loc);
	v->mtu = vn->mtu;
	/* until a .network of its own configures it: networkd creates
	 * a netdev no .network matches and leaves it down */
	v->down = true;
}

static void bond_option(struct nd *m, struct conf_bond *b, const struct unit *u,
			const struct conf_ini_kv *kv)
{
	struct conf_loc l = conf_loc_at(u->file, kv->line);
	char buf[64], *cname = NULL, *cvalue = NULL;
	const char *value = kv->value;
	unsigned i;
	unsigned long ms;
	struct err err;

	for (i = 0; bond_keys[i].key && strcmp(bond_keys[i].key, kv->key); i++)
		;
	if (!bond_keys[i].key)
		return;     /* check_keys() said so */
	if (!*value)
		return;     /* "Key=" resets to the default: nothing set */
	err_clear(&err);
	switch (bond_keys[i].kind) {
	case 't':
	case 's':
		if (conf_parse_timespan(value, "s", &ms) < 0) {
			conf_error(m->d, &l, "%s=%s: invalid time span (100ms, 1s, 2min)", kv->key,
				   value);
			return;
		}
		if (bond_keys[i].kind == 's') {
			if (ms % 1000) {
				conf_error(m->d, &l, "%s=%s: the kernel counts lp_interval in whole seconds",
					   kv->key, value);
				return;
			}
			ms /= 1000;
		}
		snprintf(buf, sizeof(buf), "%lu", ms);
		value = buf;
		break;
	case 'b': {
		int v = conf_parse_bool_word(value);

		if (v < 0) {
			conf_error(m->d, &l, "%s=%s: expected a boolean (yes/no)", kv->key, value);
			return;
		}
		value = v ? "1" : "0";
		break;
	}
	case 'l': {
		/* systemd separates the targets with blanks */
		char *list = conf_xstrdup(value), *out = conf_xmalloc(strlen(value) + 1);

		out[0] = '\0';
		for (char *t = strtok(list, " \t"); t; t = strtok(NULL, " \t"))
			sprintf(out + strlen(out), "%s%s", *out ? "," : "", t);
		free(list);
		if (conf_opt_canon(bond_keys[i].opt, out, false, &cname, &cvalue, &err) < 0)
			conf_error(m->d, &l, "%s=%s: %s", kv->key, kv->value, err.msg);
		else
			conf_bond_set_opt(b, cname, cvalue, &l);
		free(out);
		free(cname);
		free(cvalue);
		return;
	}
	default:
		break;
	}
	if (conf_opt_canon(bond_keys[i].opt, value, false, &cname, &cvalue, &err) < 0) {
		char prefix[128];

		snprintf(prefix, sizeof(prefix), "%s=%s: ", kv->key, kv->value);
		conf_opt_refused(m->d, &l, prefix, bond_keys[i].opt, value, err.msg);
	} else {
		conf_bond_set_opt(b, cname, cvalue, &l);
	}
	free(cname);
	free(cvalue);
}

static void do_netdev(struct nd *m, struct unit *u)
{
	static const char *const kinds[] = { "bond", "vlan", "bridge", "dummy", "veth",
					     "macvlan", "vxlan", "wireguard", "team", "tun",
					     "tap", "vrf", "ipvlan", "gre", "ipip", "sit", NULL };
	const char *name = get(u, "NetDev", "Name"), *kind = get(u, "NetDev", "Kind");
	struct conf_loc kl = loc_of(u, "NetDev", "Kind"), nl = loc_of(u, "NetDev", "Name");
	const char *v;
	struct conf_bond *b;
	struct err err;

	if (!name || !kind) {
		conf_error(m->d, &kl, "[NetDev] needs Name= and Kind=");
		return;
	}
	/* [Match] of a .netdev are conditions on the host (Host=,
	 * Virtualization=, ...): bondd does not evaluate them */
	for (unsigned i = 0; i < u->ini.n_sections; i++)
		if (!strcmp(u->ini.sections[i].name, "Match") && u->ini.sections[i].n_kv) {
			struct conf_loc ml = conf_loc_at(u->file, u->ini.sections[i].kv[0].line);

			conf_warn(m->d, &ml, "[Match] %s= in a .netdev is not evaluated: %s is imported as if it held",
				  u->ini.sections[i].kv[0].key, name);
		}
	if (!strcmp(kind, "vlan")) {
		vlan_netdev(m, u, name);
		return;
	}
	if (strcmp(kind, "bond")) {
		if (!in_list(kind, kinds))
			conf_error_unknown(m->d, &kl, "Kind", kind, conf_suggest(kind, kinds));
		else
			conf_warn(m->d, &kl, "Kind=%s: not imported (bondd creates bonds)", kind);
		return;
	}
	if (!conf_ifname_ok(name)) {
		conf_error(m->d, &nl, "Name=%s: invalid interface name", name);
		return;
	}
	if (conf_find_bond(m->c, name)) {
		conf_error(m->d, &nl, "bond %s is defined twice (first at %s:%u)", name,
			   conf_find_bond(m->c, name)->loc.file, conf_find_bond(m->c, name)->loc.line);
		return;
	}
	b = conf_add_bond(m->c, name, &nl);
	b->loc = nl;
	for (unsigned i = 0; i < u->ini.n_sections; i++) {
		const struct conf_ini_section *s = &u->ini.sections[i];

		if (strcmp(s->name, "Bond"))
			continue;
		for (unsigned j = 0; j < s->n_kv; j++)
			bond_option(m, b, u, &s->kv[j]);
	}
	v = get(u, "NetDev", "MTUBytes");
	err_clear(&err);
	if (v) {
		struct conf_loc l = loc_of(u, "NetDev", "MTUBytes");

		if (conf_parse_mtu(v, &b->mtu, &err) < 0)
			conf_error(m->d, &l, "MTUBytes=%s: %s", v, err.msg);
	}
	v = get(u, "NetDev", "MACAddress");
	if (v && strcmp(v, "none")) {
		struct conf_loc l = loc_of(u, "NetDev", "MACAddress");

		if (mac_parse(v, b->hwaddr) < 0 || mac_is_multicast(b->hwaddr) ||
		    mac_is_zero(b->hwaddr))
			conf_error(m->d, &l, "MACAddress=%s: invalid unicast MAC address", v);
		else
			b->has_hwaddr = true;
	}
}

static void add_addr(struct nd *m, const char *text, const char *label, const char *bcast,
		     const struct conf_loc *loc, struct conf_addr **addrs, unsigned *n)
{
	struct conf_addr a;
	int fam, prefix;
	struct err err;

	memset(&a, 0, sizeof(a));
	err_clear(&err);
	if (conf_parse_cidr(text, &fam, a.addr, &prefix, &err) < 0) {
		conf_error(m->d, loc, "Address=%s: invalid address", text);
		return;
	}
	a.family = fam;
	a.prefix = (uint8_t)(prefix < 0 ? (fam == AF_INET ? 32 : 128) : prefix);
	a.loc = *loc;
	if (label && *label)
		snprintf(a.label, sizeof(a.label), "%s", label);
	if (bcast && *bcast && fam == AF_INET) {
		uint8_t bb[16];
		int f2;

		if (conf_parse_ip(bcast, AF_INET, &f2, bb) < 0) {
			conf_error(m->d, loc, "Broadcast=%s: invalid IPv4 address", bcast);
			return;
		}
		a.has_broadcast = true;
		memcpy(a.broadcast, bb, 4);
	}
	*conf_push_addr(addrs, n) = a;
}

static void set_gateway(struct nd *m, const char *gw, const char *dev,
			const struct conf_loc *loc)
{
	uint8_t a[16];
	int fam;

	if (gw[0] == '_') {
		conf_error(m->d, loc, "Gateway=%s: bondd sets static addresses only (no DHCP or IPv6 RA gateway)",
			   gw);
		return;
	}
	if (conf_parse_ip(gw, AF_UNSPEC, &fam, a) < 0)
		conf_error(m->d, loc, "Gateway=%s: invalid address", gw);
	else
		conf_set_gateway(m->c, fam, a, dev, loc, m->d);
}

/* What a .network file says about dev (a bond, a slave or another). */
static void apply_network(struct nd *m, const struct unit *u, const char *dev)
{
	struct conf_bond *b = conf_find_bond(m->c, dev);
	struct conf_vlan *vl = conf_find_vlan(m->c, dev);
	const char *bond = get(u, "Network", "Bond"), *v;
	struct conf_addr *addrs = NULL;
	unsigned n = 0, mtu = 0;
	bool down = false;
	struct err err;

	for (unsigned i = 0; i < u->ini.n_sections; i++) {
		const struct conf_ini_section *s = &u->ini.sections[i];

		if (!strcmp(s->name, "Network")) {
			for (unsigned j = 0; j < s->n_kv; j++) {
				const struct conf_ini_kv *kv = &s->kv[j];
				struct conf_loc l = conf_loc_at(u->file, kv->line);

				if (!strcmp(kv->key, "Address")) {
					add_addr(m, kv->value, NULL, NULL, &l, &addrs, &n);
				} else if (!strcmp(kv->key, "Gateway")) {
					set_gateway(m, kv->value, dev, &l);
				} else if (!strcmp(kv->key, "VLAN")) {
					network_vlan(m, dev, kv->value, &l);
				} else if (!strcmp(kv->key, "DHCP")) {
					int yes = conf_parse_bool_word(kv->value);

					if (yes != 0 && strcmp(kv->value, "none"))
						conf_error(m->d, &l, "DHCP=%s on %s: bondd assigns static addresses only; set Address= (and Gateway=), or leave %s to a DHCP client once bondd has created it",
							   kv->value, dev, dev);
				} else if (!strcmp(kv->key, "DNS") || !strcmp(kv->key, "Domains") ||
					   !strcmp(kv->key, "NTP")) {
					conf_warn(m->d, &l, "%s= on %s: not bondd's to set; configure the resolver (or time service) separately",
						  kv->key, dev);
				}
			}
		} else if (!strcmp(s->name, "Address")) {
			const struct conf_ini_kv *a = NULL;
			const char *label = NULL, *bc = NULL;

			for (unsigned j = 0; j < s->n_kv; j++) {
				if (!strcmp(s->kv[j].key, "Address"))
					a = &s->kv[j];
				else if (!strcmp(s->kv[j].key, "Label"))
					label = s->kv[j].value;
				else if (!strcmp(s->kv[j].key, "Broadcast"))
					bc = s->kv[j].value;
				else if (!strcmp(s->kv[j].key, "Peer")) {
					struct conf_loc l = conf_loc_at(u->file, s->kv[j].line);

					conf_error(m->d, &l, "[Address] Peer=: point-to-point addresses are not imported");
				}
			}
			if (!a) {
				struct conf_loc l = conf_loc_at(u->file, s->line);

				conf_error(m->d, &l, "[Address] without Address=");
			} else {
				struct conf_loc l = conf_loc_at(u->file, a->line);
				struct err e2;

				err_clear(&e2);
				if (label && conf_addr_label_ok(dev, label, &e2) < 0)
					conf_error(m->d, &l, "Label=%s: %s", label, e2.msg);
				else
					add_addr(m, a->value, label, bc, &l, &addrs, &n);
			}
		} else if (!strcmp(s->name, "Route")) {
			const char *dst = NULL, *gw = NULL, *met = NULL;
			struct conf_loc l = conf_loc_at(u->file, s->line);
			uint8_t d16[16] = { 0 }, via[16];
			int fam = AF_UNSPEC, prefix = 0, gfam;
			unsigned long metric = 0;
			struct err e2;

			for (unsigned j = 0; j < s->n_kv; j++) {
				const struct conf_ini_kv *kv = &s->kv[j];

				if (!strcmp(kv->key, "Destination"))
					dst = kv->value;
				else if (!strcmp(kv->key, "Gateway"))
					gw = kv->value;
				else if (!strcmp(kv->key, "Metric"))
					met = kv->value;
				else if (in_list(kv->key, k_route)) {
					struct conf_loc kl = conf_loc_at(u->file, kv->line);

					conf_error(m->d, &kl, "[Route] %s=: not imported by bondd (routes have a destination, a gateway and a metric)",
						   kv->key);
				}
			}
			err_clear(&e2);
			if (dst && conf_parse_cidr(dst, &fam, d16, &prefix, &e2) < 0) {
				conf_error(m->d, &l, "Destination=%s: invalid prefix", dst);
				continue;
			}
			if (dst && prefix < 0)
				prefix = fam == AF_INET ? 32 : 128;
			if (gw && gw[0] == '_') {
				conf_error(m->d, &l, "Gateway=%s: bondd sets static routes only", gw);
				continue;
			}
			if (gw && conf_parse_ip(gw, fam, &gfam, via) < 0) {
				conf_error(m->d, &l, "Gateway=%s: invalid address", gw);
				continue;
			}
			if (!dst)
				fam = gw ? gfam : AF_INET;
			if (met && !conf_parse_uint(met, UINT32_MAX, &metric)) {
				conf_error(m->d, &l, "Metric=%s: invalid metric", met);
				continue;
			}
			conf_add_route(m->c, m->d, fam, d16, prefix, gw ? via : NULL, dev,
				       met != NULL, metric, &l);
		} else if (!strcmp(s->name, "Link")) {
			for (unsigned j = 0; j < s->n_kv; j++) {
				const struct conf_ini_kv *kv = &s->kv[j];
				struct conf_loc l = conf_loc_at(u->file, kv->line);

				err_clear(&err);
				if (!strcmp(kv->key, "MTUBytes")) {
					if (conf_parse_mtu(kv->value, &mtu, &err) < 0)
						conf_error(m->d, &l, "MTUBytes=%s: %s", kv->value,
							   err.msg);
				} else if (!strcmp(kv->key, "MACAddress")) {
					if (!b) {
						conf_error(m->d, &l, "MACAddress= on %s: bondd sets the MAC address of bonds only",
							   dev);
					} else if (mac_parse(kv->value, b->hwaddr) < 0 ||
						   mac_is_multicast(b->hwaddr) ||
						   mac_is_zero(b->hwaddr)) {
						conf_error(m->d, &l, "MACAddress=%s: invalid unicast MAC address",
							   kv->value);
					} else {
						b->has_hwaddr = true;
					}
				} else if (!strcmp(kv->key, "ActivationPolicy")) {
					static const char *const pol[] = {
						"up", "always-up", "manual", "always-down",
						"down", "bound", NULL };

					if (!in_list(kv->value, pol))
						conf_error_unknown(m->d, &l, "ActivationPolicy",
								   kv->value,
								   conf_suggest(kv->value, pol));
					down = !strcmp(kv->value, "manual") ||
					       !strcmp(kv->value, "down") ||
					       !strcmp(kv->value, "always-down");
				}
			}
		}
	}
	v = get(u, "Network", "PrimarySlave");
	if (v && conf_parse_bool_word(v) == 1 && !bond) {
		struct conf_loc l = loc_of(u, "Network", "PrimarySlave");

		conf_error(m->d, &l, "PrimarySlave= without Bond=");
	}
	if (bond) {
		struct conf_loc l = loc_of(u, "Network", "Bond");
		struct conf_bond *owner = conf_slave_owner(m->c, dev);
		struct conf_bond *mb = conf_find_bond(m->c, bond);

		if (b) {
			conf_error(m->d, &l, "Bond=%s on bond %s: bondd does not stack bonds", bond, dev);
		} else if (!mb) {
			conf_error(m->d, &l, "Bond=%s: no .netdev file defines a bond of that name (Kind=bond)",
				   bond);
		} else if (owner) {
			conf_error(m->d, &l, "%s is a slave of %s already", dev, owner->name);
		} else {
			char *cname = NULL, *cvalue = NULL;

			if (n)
				conf_error(m->d, &l, "%s is a slave of %s: a slave has no addresses of its own; put them on the bond",
					   dev, bond);
			if (mtu) {
				struct conf_loc ml = loc_of(u, "Link", "MTUBytes");

				conf_warn(m->d, &ml, "MTUBytes on slave %s is ignored: a slave takes the bond's MTU",
					  dev);
			}
			conf_bond_add_slave(mb, dev, &l);
			err_clear(&err);
			if (v && conf_parse_bool_word(v) == 1) {
				struct conf_loc pl = loc_of(u, "Network", "PrimarySlave");

				if (conf_opt_canon("primary", dev, false, &cname, &cvalue, &err) == 0)
					conf_bond_set_opt(mb, cname, cvalue, &pl);
				free(cname);
				free(cvalue);
				cname = cvalue = NULL;
			}
			v = get(u, "Network", "ActiveSlave");
			if (v && conf_parse_bool_word(v) == 1) {
				struct conf_loc al = loc_of(u, "Network", "ActiveSlave");

				if (conf_opt_canon("active_slave", dev, false, &cname, &cvalue, &err) == 0)
					conf_bond_set_opt(mb, cname, cvalue, &al);
				free(cname);
				free(cvalue);
			}
		}
		free(addrs);
		return;
	}
	if (b) {
		for (unsigned i = 0; i < n; i++)
			*conf_push_addr(&b->addrs, &b->n_addrs) = addrs[i];
		if (mtu)
			b->mtu = mtu;
		b->down = down;
	} else if (vl) {
		for (unsigned i = 0; i < n; i++)
			*conf_push_addr(&vl->addrs, &vl->n_addrs) = addrs[i];
		if (mtu)
			vl->mtu = mtu;
		vl->down = down;
	} else if (n || mtu) {
		struct conf_loc l = loc_of(u, "Match", "Name");
		struct conf_iface *iface = conf_add_iface(m->c, dev, &l);

		for (unsigned i = 0; i < n; i++)
			*conf_push_addr(&iface->addrs, &iface->n_addrs) = addrs[i];
		if (mtu)
			iface->mtu = mtu;
	}
	free(addrs);
}

static void do_network(struct nd *m, struct unit *u)
{
	const struct conf_ini_kv *name = conf_ini_get(&u->ini, "Match", "Name");
	struct conf_loc l = conf_loc_at(u->file, name ? name->line : 1);
	const char *unmanaged = get(u, "Link", "Unmanaged");
	char *list;

	if (unmanaged && conf_parse_bool_word(unmanaged) == 1)
		return;
	if (!name) {
		for (unsigned i = 0; i < u->ini.n_sections; i++)
			if (!strcmp(u->ini.sections[i].name, "Match") && u->ini.sections[i].n_kv) {
				const struct conf_ini_kv *kv = &u->ini.sections[i].kv[0];

				l = conf_loc_at(u->file, kv->line);
				conf_error(m->d, &l, "[Match] %s=%s: bondd reads its configuration before it looks at any device, so it matches by name only: write Name=IFNAME",
					   kv->key, kv->value);
				return;
			}
		conf_error(m->d, &l, "no [Match] Name=: networkd would apply this file to every interface; name the interfaces (Name=eth0 eth1)");
		return;
	}
	for (unsigned i = 0; i < u->ini.n_sections; i++) {
		const struct conf_ini_section *s = &u->ini.sections[i];

		if (strcmp(s->name, "Match"))
			continue;
		for (unsigned j = 0; j < s->n_kv; j++)
			if (strcmp(s->kv[j].key, "Name")) {
				struct conf_loc ml = conf_loc_at(u->file, s->kv[j].line);

				conf_warn(m->d, &ml, "[Match] %s= is not evaluated: bondd matches by Name= only",
					  s->kv[j].key);
			}
	}
	list = conf_xstrdup(name->value);
	for (char *t = strtok(list, " \t"); t; t = strtok(NULL, " \t")) {
		bool taken = false;

		if (strpbrk(t, "*?[!")) {
			conf_error(m->d, &l, "Name=%s: a pattern; bondd reads its configuration before it looks at any device: list the names (Name=eth0 eth1)",
				   t);
			continue;
		}
		if (!conf_ifname_ok(t)) {
			conf_error(m->d, &l, "Name=%s: invalid interface name", t);
			continue;
		}
		for (unsigned i = 0; i < m->n_used; i++)
			if (!strcmp(m->used[i].name, t)) {
				conf_warn(m->d, &l, "%s is matched by %s already: networkd applies the first .network file in lexical order, this one is not used for it",
					  t, m->used[i].file);
				taken = true;
			}
		if (taken)
			continue;
		m->used = conf_grow(m->used, m->n_used, sizeof(*m->used));
		snprintf(m->used[m->n_used].name, CONF_NAME_MAX, "%s", t);
		m->used[m->n_used++].file = u->file;
		apply_network(m, u, t);
	}
	free(list);
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n >= k && !strcmp(s + n - k, suf);
}

/* networkd orders all .network (and .netdev) files by their base name. */
static int cmp_unit(const void *a, const void *b)
{
	const struct unit *x = a, *y = b;

	return strcmp(x->base, y->base);
}

struct conf *imp_networkd_parse(const struct conf_file *files, unsigned n, struct conf_diag *d)
{
	struct nd m = { .d = d };
	unsigned errors = d->n_errors;

	m.c = conf_new();
	for (unsigned i = 0; i < n; i++) {
		struct unit *u;
		const char *base = strrchr(files[i].path, '/') ? strrchr(files[i].path, '/') + 1 :
				   files[i].path;

		if (!ends_with(base, ".netdev") && !ends_with(base, ".network"))
			continue;
		u = CONF_PUSH(m.u, m.n);
		u->file = conf_add_file(m.c, files[i].path);
		u->base = strrchr(u->file, '/') ? strrchr(u->file, '/') + 1 : u->file;
		u->netdev = ends_with(base, ".netdev");
		if (conf_ini_parse(&u->ini, files[i].text, u->file, true, true, d) < 0) {
			u->skip = true;
			continue;
		}
		check_keys(&m, u);
	}
	if (m.n)
		qsort(m.u, m.n, sizeof(*m.u), cmp_unit);
	for (unsigned i = 0; i < m.n; i++)
		if (!m.u[i].skip && m.u[i].netdev)
			do_netdev(&m, &m.u[i]);
	/* bonds first, so their slaves' Bond= find them; then the rest;
	 * the VLANs' own files last, once their parents' VLAN= made them */
	for (int pass = 0; pass < 3; pass++)
		for (unsigned i = 0; i < m.n; i++) {
			struct unit *u = &m.u[i];
			const char *nm = get(u, "Match", "Name");
			int upass = nm && conf_find_bond(m.c, nm) ? 0 : nm && find_vnd(&m, nm) ? 2 : 1;

			if (u->skip || u->netdev || upass != pass)
				continue;
			do_network(&m, u);
		}
	for (unsigned i = 0; i < m.n_vnd; i++)
		if (!m.vnd[i].bad && !conf_find_vlan(m.c, m.vnd[i].name))
			conf_warn(d, &m.vnd[i].loc, "VLAN %s: no .network file names it in VLAN=, so networkd does not create it; neither does bondd (add VLAN=%s to the .network of its bond)",
				  m.vnd[i].name, m.vnd[i].name);
	for (unsigned i = 0; i < m.c->n_vlans; i++) {
		bool named = false;

		for (unsigned j = 0; j < m.n_used; j++)
			named |= !strcmp(m.used[j].name, m.c->vlans[i].name);
		if (!named)
			conf_warn(d, &m.c->vlans[i].loc, "no .network file matches %s: networkd creates it and leaves it down; so does bondd",
				  m.c->vlans[i].name);
	}
	/* A bond no .network file names is created and left alone by
	 * networkd: down, without addresses. */
	for (unsigned i = 0; i < m.c->n_bonds; i++) {
		bool named = false;

		for (unsigned j = 0; j < m.n_used; j++)
			named |= !strcmp(m.used[j].name, m.c->bonds[i].name);
		if (!named) {
			m.c->bonds[i].down = true;
			conf_warn(d, &m.c->bonds[i].loc, "no .network file matches %s: networkd creates it and leaves it down; so does bondd",
				  m.c->bonds[i].name);
		}
	}
	for (unsigned i = 0; i < m.n; i++)
		conf_ini_free(&m.u[i].ini);
	free(m.u);
	free(m.used);
	free(m.vnd);
	if (d->n_errors > errors) {
		conf_free(m.c);
		return NULL;
	}
	return m.c;
}
