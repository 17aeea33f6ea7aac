/* bondctl ip: the parser (bondctl_ip.h). No I/O but the dev_exists
 * callback, so the unit tests drive every word.
 *
 * Words, their order of matching (iproute2 matches prefixes in a fixed
 * order: "m" is "master" in ip link, "p" is "peer_notify_delay" in a bond's
 * options), accepted values and messages follow iproute2 6.1; the code is
 * our own. */
#include "bondctl_ip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* iproute2's matches(): word is a non-empty prefix of pattern. */
static bool matches(const char *word, const char *pattern)
{
	size_t n = strlen(word);

	return n && n <= strlen(pattern) && !strncmp(word, pattern, n);
}

static int incomplete(struct strbuf *err)
{
	sb_puts(err, "Command line is not complete. Try option \"help\"\n");
	return IPX_SYNTAX;
}

static int invarg(struct strbuf *err, const char *msg, const char *arg)
{
	sb_printf(err, "Error: argument \"%s\" is wrong: %s\n", arg, msg);
	return IPX_SYNTAX;
}

/* get_u8/u16/u32 of iproute2: strtoul in base 0 (so 0x10 and 010 too),
 * the whole word, at most max. */
static bool get_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*v = strtoul(s, &end, 0);
	if (end == s || *end || errno == ERANGE)
		return false;
	return *v <= max;
}

/* A table value: a decimal index into the table, or one of its names. */
static const char *table_value(const char *const *tbl, const char *s)
{
	char *end;
	long idx;

	if (*s) {
		errno = 0;
		idx = strtol(s, &end, 10);
		if (!*end && errno != ERANGE && idx >= 0) {
			for (long i = 0; tbl[i]; i++)
				if (i == idx)
					return tbl[i];
		}
	}
	for (unsigned i = 0; tbl[i]; i++)
		if (!strcmp(tbl[i], s))
			return tbl[i];
	return NULL;
}

/* iproute2's IPv4 form: up to four parts, each a number in base 0 (so
 * "10.1" is 10.1.0.0, "0x7f.1" is 127.1.0.0), and "default", "any",
 * "all" for 0.0.0.0. */
static bool parse_ipv4(const char *s, unsigned char a[4])
{
	memset(a, 0, 4);
	if (!strcmp(s, "default") || !strcmp(s, "any") || !strcmp(s, "all"))
		return true;
	if (strchr(s, ':'))
		return false;
	for (int i = 0; i < 4; i++) {
		char *end;
		unsigned long n = strtoul(s, &end, 0);

		if (end == s || n > 255)
			return false;
		a[i] = (unsigned char)n;
		if (!*end)
			return true;
		if (i == 3 || *end != '.')
			return false;
		s = end + 1;
	}
	return false;
}

static bool parse_ipv6(const char *s, unsigned char a[16])
{
	memset(a, 0, 16);
	if (!strcmp(s, "default") || !strcmp(s, "any") || !strcmp(s, "all"))
		return true;
	return strchr(s, ':') && inet_pton(AF_INET6, s, a) == 1;
}

/* "a,b,c" (empty parts skipped, as strtok does) into bondd's list form. */
static int addr_list(const char *s, bool v6, struct ipc_opt *o, struct strbuf *err)
{
	char buf[sizeof(o->value)];
	char *save = NULL, *t;
	size_t used = 0;

	if (strlen(s) >= sizeof(buf)) {
		sb_printf(err, "Error: %s: the address list is too long\n", o->name);
		return IPX_FAIL;
	}
	memcpy(buf, s, strlen(s) + 1);
	o->value[0] = '\0';
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		unsigned char a[16];
		char txt[INET6_ADDRSTRLEN];
		int n;

		if (v6 ? !parse_ipv6(t, a) : !parse_ipv4(t, a)) {
			if (v6)
				sb_printf(err, "Error: inet6 address is expected rather than \"%s\".\n", t);
			else
				sb_printf(err, "Error: an IP address is expected rather than \"%s\"\n", t);
			return IPX_FAIL;
		}
		if (!inet_ntop(v6 ? AF_INET6 : AF_INET, a, txt, sizeof(txt))) {
			sb_printf(err, "Error: %s: cannot write address \"%s\"\n", o->name, t);
			return IPX_FAIL;
		}
		n = snprintf(o->value + used, sizeof(o->value) - used, "%s%s",
			     used ? "," : "", txt);
		if (n < 0 || (size_t)n >= sizeof(o->value) - used) {
			sb_printf(err, "Error: %s: the address list is too long\n", o->name);
			return IPX_FAIL;
		}
		used += (size_t)n;
	}
	return IPX_OK;
}

/* ll_addr_a2n's forms: hex bytes split by ':' (sscanf "%x" each), or a
 * dotted IPv4 address (4 bytes). A bond's actor system is a MAC, 6 bytes,
 * which the kernel checks; bondd says so here. */
static int parse_mac(const char *s, struct ipc_opt *o, struct strbuf *err)
{
	unsigned char b[32];
	char part[64];
	int n = 0;

	if (strchr(s, '.')) {
		if (!parse_ipv4(s, b)) {
			sb_printf(err, "\"%s\" is invalid lladdr.\n", s);
			return IPX_FAIL;
		}
		n = 4;
	} else {
		const char *p = s;

		for (;;) {
			const char *colon = strchr(p, ':');
			size_t len = colon ? (size_t)(colon - p) : strlen(p);
			unsigned int v;

			if (len >= sizeof(part) || n >= (int)sizeof(b)) {
				sb_printf(err, "\"%s\" is invalid lladdr.\n", p);
				return IPX_FAIL;
			}
			memcpy(part, p, len);
			part[len] = '\0';
			if (sscanf(part, "%x", &v) != 1 || v > 255) {
				sb_printf(err, "\"%s\" is invalid lladdr.\n", part);
				return IPX_FAIL;
			}
			b[n++] = (unsigned char)v;
			if (!colon)
				break;
			p = colon + 1;
		}
	}
	if (n != 6) {
		sb_printf(err, "Error: ad_actor_system: a MAC address is 6 bytes, \"%s\" is %d.\n",
			  s, n);
		return IPX_REFUSED;
	}
	snprintf(o->value, sizeof(o->value), "%02x:%02x:%02x:%02x:%02x:%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5]);
	return IPX_OK;
}

static const char *const mode_tbl[] = {
	"balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad",
	"balance-tlb", "balance-alb", NULL,
};
static const char *const arp_validate_tbl[] = {
	"none", "active", "backup", "all", "filter", "filter_active", "filter_backup", NULL,
};
static const char *const arp_all_targets_tbl[] = { "any", "all", NULL };
static const char *const primary_reselect_tbl[] = { "always", "better", "failure", NULL };
static const char *const fail_over_mac_tbl[] = { "none", "active", "follow", NULL };
static const char *const xmit_hash_policy_tbl[] = {
	"layer2", "layer3+4", "layer2+3", "encap2+3", "encap3+4", "vlan+srcmac", NULL,
};
static const char *const lacp_active_tbl[] = { "off", "on", NULL };
static const char *const lacp_rate_tbl[] = { "slow", "fast", NULL };
static const char *const ad_select_tbl[] = { "stable", "bandwidth", "count", NULL };

enum bo_type { BO_TBL, BO_U8, BO_U16, BO_U32, BO_DEV, BO_CLEAR, BO_IP4, BO_IP6, BO_MAC, BO_HELP };

struct bond_word {
	const char *word;      /* iproute2's spelling */
	bool exact;            /* strcmp, not a prefix match */
	enum bo_type type;
	const char *bondd;     /* bondd's option */
	const char *const *tbl;
	const char *msg;       /* invarg's message */
};

/* In iproute2's order of matching. */
static const struct bond_word bond_words[] = {
	{ "mode", false, BO_TBL, "mode", mode_tbl, "invalid mode" },
	{ "active_slave", false, BO_DEV, "active_slave", NULL, NULL },
	{ "clear_active_slave", false, BO_CLEAR, "active_slave", NULL, NULL },
	{ "miimon", false, BO_U32, "miimon", NULL, "invalid miimon" },
	{ "updelay", false, BO_U32, "updelay", NULL, "invalid updelay" },
	{ "downdelay", false, BO_U32, "downdelay", NULL, "invalid downdelay" },
	{ "peer_notify_delay", false, BO_U32, "peer_notif_delay", NULL, "invalid peer_notify_delay" },
	{ "use_carrier", false, BO_U8, "use_carrier", NULL, "invalid use_carrier" },
	{ "arp_interval", false, BO_U32, "arp_interval", NULL, "invalid arp_interval" },
	{ "arp_ip_target", false, BO_IP4, "arp_ip_target", NULL, NULL },
	{ "ns_ip6_target", true, BO_IP6, "ns_ip6_target", NULL, NULL },
	{ "arp_validate", false, BO_TBL, "arp_validate", arp_validate_tbl, "invalid arp_validate" },
	{ "arp_all_targets", false, BO_TBL, "arp_all_targets", arp_all_targets_tbl,
	  "invalid arp_all_targets" },
	{ "arp_missed_max", true, BO_U8, "arp_missed_max", NULL, "invalid arp_missed_max" },
	{ "primary", false, BO_DEV, "primary", NULL, NULL },
	{ "primary_reselect", false, BO_TBL, "primary_reselect", primary_reselect_tbl,
	  "invalid primary_reselect" },
	{ "fail_over_mac", false, BO_TBL, "fail_over_mac", fail_over_mac_tbl, "invalid fail_over_mac" },
	{ "xmit_hash_policy", false, BO_TBL, "xmit_hash_policy", xmit_hash_policy_tbl,
	  "invalid xmit_hash_policy" },
	{ "resend_igmp", false, BO_U32, "resend_igmp", NULL, "invalid resend_igmp" },
	{ "num_grat_arp", false, BO_U8, "num_grat_arp", NULL, "invalid num_grat_arp|num_unsol_na" },
	{ "num_unsol_na", false, BO_U8, "num_grat_arp", NULL, "invalid num_grat_arp|num_unsol_na" },
	{ "all_slaves_active", false, BO_U8, "all_slaves_active", NULL, "invalid all_slaves_active" },
	{ "min_links", false, BO_U32, "min_links", NULL, "invalid min_links" },
	{ "lp_interval", false, BO_U32, "lp_interval", NULL, "invalid lp_interval" },
	{ "packets_per_slave", false, BO_U32, "packets_per_slave", NULL, "invalid packets_per_slave" },
	{ "lacp_rate", false, BO_TBL, "lacp_rate", lacp_rate_tbl, "invalid lacp_rate" },
	{ "lacp_active", true, BO_TBL, "lacp_active", lacp_active_tbl, "invalid lacp_active" },
	{ "ad_select", false, BO_TBL, "ad_select", ad_select_tbl, "invalid ad_select" },
	{ "ad_user_port_key", false, BO_U16, "ad_user_port_key", NULL, "invalid ad_user_port_key" },
	{ "ad_actor_sys_prio", false, BO_U16, "ad_actor_sys_prio", NULL, "invalid ad_actor_sys_prio" },
	{ "ad_actor_system", false, BO_MAC, "ad_actor_system", NULL, NULL },
	{ "tlb_dynamic_lb", false, BO_U8, "tlb_dynamic_lb", NULL, "invalid tlb_dynamic_lb" },
	{ "help", false, BO_HELP, NULL, NULL, NULL },
};

static const char bond_usage[] =
	"Usage: ... bond [ mode BONDMODE ] [ active_slave SLAVE_DEV ]\n"
	"                [ clear_active_slave ] [ miimon MIIMON ]\n"
	"                [ updelay UPDELAY ] [ downdelay DOWNDELAY ]\n"
	"                [ peer_notify_delay DELAY ]\n"
	"                [ use_carrier USE_CARRIER ]\n"
	"                [ arp_interval ARP_INTERVAL ]\n"
	"                [ arp_validate ARP_VALIDATE ]\n"
	"                [ arp_all_targets ARP_ALL_TARGETS ]\n"
	"                [ arp_ip_target [ ARP_IP_TARGET, ... ] ]\n"
	"                [ ns_ip6_target [ NS_IP6_TARGET, ... ] ]\n"
	"                [ primary SLAVE_DEV ]\n"
	"                [ primary_reselect PRIMARY_RESELECT ]\n"
	"                [ fail_over_mac FAIL_OVER_MAC ]\n"
	"                [ xmit_hash_policy XMIT_HASH_POLICY ]\n"
	"                [ resend_igmp RESEND_IGMP ]\n"
	"                [ num_grat_arp|num_unsol_na NUM_GRAT_ARP|NUM_UNSOL_NA ]\n"
	"                [ all_slaves_active ALL_SLAVES_ACTIVE ]\n"
	"                [ min_links MIN_LINKS ]\n"
	"                [ lp_interval LP_INTERVAL ]\n"
	"                [ packets_per_slave PACKETS_PER_SLAVE ]\n"
	"                [ tlb_dynamic_lb TLB_DYNAMIC_LB ]\n"
	"                [ lacp_rate LACP_RATE ]\n"
	"                [ lacp_active LACP_ACTIVE]\n"
	"                [ ad_select AD_SELECT ]\n"
	"                [ ad_user_port_key PORTKEY ]\n"
	"                [ ad_actor_sys_prio SYSPRIO ]\n"
	"                [ ad_actor_system LLADDR ]\n"
	"                [ arp_missed_max MISSED_MAX ]\n"
	"\n"
	"BONDMODE := balance-rr|active-backup|balance-xor|broadcast|802.3ad|balance-tlb|balance-alb\n"
	"ARP_VALIDATE := none|active|backup|all|filter|filter_active|filter_backup\n"
	"ARP_ALL_TARGETS := any|all\n"
	"PRIMARY_RESELECT := always|better|failure\n"
	"FAIL_OVER_MAC := none|active|follow\n"
	"XMIT_HASH_POLICY := layer2|layer2+3|layer3+4|encap2+3|encap3+4|vlan+srcmac\n"
	"LACP_ACTIVE := off|on\n"
	"LACP_RATE := slow|fast\n"
	"AD_SELECT := stable|bandwidth|count\n";

/* The option for bondd's name: a word given twice keeps the last value,
 * as the kernel keeps the last of two netlink attributes. */
static struct ipc_opt *opt_slot(struct ipc_opt *opts, unsigned *n, const char *name)
{
	for (unsigned i = 0; i < *n; i++)
		if (!strcmp(opts[i].name, name))
			return &opts[i];
	if (*n >= IPC_MAX_OPTS)
		return NULL;
	opts[*n].name = name;
	opts[*n].value[0] = '\0';
	return &opts[(*n)++];
}

static int parse_bond(int argc, char *const argv[], ipc_dev_exists_fn dev_exists,
		      struct ipc *out, struct strbuf *err)
{
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		const struct bond_word *bw = NULL;
		struct ipc_opt *o;
		unsigned long v;
		const char *val = NULL;
		int rc;

		for (size_t k = 0; k < ARRAY_SIZE(bond_words) && !bw; k++)
			if (bond_words[k].exact ? !strcmp(w, bond_words[k].word) :
			    matches(w, bond_words[k].word))
				bw = &bond_words[k];
		if (!bw) {
			sb_printf(err, "bond: unknown command \"%s\"?\n%s", w, bond_usage);
			return IPX_FAIL;
		}
		if (bw->type == BO_HELP) {
			sb_puts(err, bond_usage);
			out->kind = IPC_HELP;
			return IPX_FAIL;
		}
		/* arp_ip_target and ns_ip6_target take the next word if there
		 * is one (none: clear the list); the rest need one. */
		if (bw->type != BO_CLEAR) {
			if (i + 1 < argc)
				val = argv[++i];
			else if (bw->type != BO_IP4 && bw->type != BO_IP6)
				return incomplete(err);
		}
		o = opt_slot(out->opts, &out->n_opts, bw->bondd);
		if (!o) {
			sb_puts(err, "Error: too many bond options\n");
			return IPX_SYNTAX;
		}
		switch (bw->type) {
		case BO_TBL:
			val = table_value(bw->tbl, val);
			if (!val)
				return invarg(err, bw->msg, argv[i]);
			snprintf(o->value, sizeof(o->value), "%s", val);
			break;
		case BO_U8:
		case BO_U16:
		case BO_U32:
			if (!get_uint(val, bw->type == BO_U8 ? 0xff : bw->type == BO_U16 ?
				      0xffff : 0xffffffffUL, &v))
				return invarg(err, bw->msg, val);
			snprintf(o->value, sizeof(o->value), "%lu", v);
			break;
		case BO_DEV:
			/* iproute2 turns the name into an index first. */
			if (!dev_exists(val)) {
				sb_printf(err, "Cannot find device \"%s\"\n", val);
				return IPX_FAIL;
			}
			if (strlen(val) >= sizeof(o->value))
				return invarg(err, "name too long", val);
			snprintf(o->value, sizeof(o->value), "%s", val);
			break;
		case BO_CLEAR:
			o->value[0] = '\0';
			break;
		case BO_IP4:
		case BO_IP6:
			rc = addr_list(val ? val : "", bw->type == BO_IP6, o, err);
			if (rc)
				return rc;
			break;
		case BO_MAC:
			rc = parse_mac(val, o, err);
			if (rc)
				return rc;
			break;
		case BO_HELP:
			break;
		}
	}
	return IPX_OK;
}

/* iproute2's parse_on_off(). */
static int on_off(const char *word, const char *val, bool *on, struct strbuf *err)
{
	if (!strcmp(val, "on") || !strcmp(val, "off")) {
		*on = val[1] == 'n';
		return IPX_OK;
	}
	sb_printf(err, "Error: argument of \"%s\" must be \"on\" or \"off\", not \"%s\"\n", word, val);
	return IPX_SYNTAX;
}

/* type vlan's words (iproute2's ip/iplink_vlan.c): id and what bondd's VLAN
 * sub-interfaces are, which may be said; what they cannot be is refused
 * by name rather than dropped. */
static int parse_vlan(int argc, char *const argv[], struct ipc *out, struct strbuf *err)
{
	static const char usage[] =
		"Usage: ... vlan id VLANID\n"
		"                [ protocol VLANPROTO ]\n"
		"                [ reorder_hdr { on | off } ]\n"
		"                [ gvrp { on | off } ]\n"
		"                [ mvrp { on | off } ]\n"
		"                [ loose_binding { on | off } ]\n"
		"                [ bridge_binding { on | off } ]\n"
		"                [ ingress-qos-map QOS-MAP ]\n"
		"                [ egress-qos-map QOS-MAP ]\n"
		"\n"
		"VLANID := 0-4095\n"
		"VLANPROTO: [ 802.1Q | 802.1ad ]\n"
		"QOS-MAP := [ QOS-MAP ] QOS-MAPPING\n"
		"QOS-MAPPING := FROM:TO\n";
	/* on/off words, and the value bondd's devices have */
	static const struct { const char *word; bool is; const char *why; } flags[] = {
		{ "reorder_hdr", true, "the tag is always taken out of received frames" },
		{ "gvrp", false, "no GARP VLAN registration is sent" },
		{ "mvrp", false, "no MRP VLAN registration is sent" },
		{ "loose_binding", false, "the device always follows the bond's carrier" },
		{ "bridge_binding", false, "the device always follows the bond's carrier" },
	};

	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		unsigned long v;
		bool handled = false;

		if (matches(w, "help")) {
			sb_puts(err, usage);
			out->kind = IPC_HELP;
			return IPX_FAIL;
		}
		if (i + 1 >= argc)
			return incomplete(err);
		if (matches(w, "protocol")) {
			const char *p = argv[++i];

			if (!strcasecmp(p, "802.1Q"))
				continue;
			if (!strcasecmp(p, "802.1ad")) {
				sb_puts(err, "Error: bondd's VLAN sub-interfaces are 802.1Q only: protocol 802.1ad (QinQ) is not supported.\n");
				return IPX_REFUSED;
			}
			return invarg(err, "protocol is invalid", p);
		}
		if (matches(w, "id")) {
			if (!get_uint(argv[++i], 0xffff, &v))
				return invarg(err, "id is invalid", argv[i]);
			out->vlan_id = (int)v;
			continue;
		}
		if (!strcmp(w, "ingress-qos-map") || !strcmp(w, "egress-qos-map")) {
			sb_printf(err, "Error: %s: bondd's VLAN sub-interfaces carry priority 0 and keep no QoS map.\n",
				  w);
			return IPX_REFUSED;
		}
		for (size_t k = 0; k < ARRAY_SIZE(flags) && !handled; k++) {
			bool on;
			int rc;

			if (!matches(w, flags[k].word))
				continue;
			rc = on_off(flags[k].word, argv[++i], &on, err);
			if (rc)
				return rc;
			if (on != flags[k].is) {
				sb_printf(err, "Error: %s %s: not possible on bondd's VLAN sub-interfaces (%s).\n",
					  flags[k].word, argv[i], flags[k].why);
				return IPX_REFUSED;
			}
			handled = true;
		}
		if (!handled) {
			sb_printf(err, "vlan: unknown command \"%s\"?\n%s", w, usage);
			return IPX_FAIL;
		}
	}
	return IPX_OK;
}

static int parse_bond_slave(int argc, char *const argv[], struct ipc *out, struct strbuf *err)
{
	static const char usage[] = "Usage: ... bond_slave [ queue_id ID ] [ prio PRIORITY ]\n";

	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		struct ipc_opt *o;
		unsigned long v;
		char *end;
		long p;

		if (matches(w, "queue_id")) {
			if (i + 1 >= argc)
				return incomplete(err);
			if (!get_uint(argv[++i], 0xffff, &v))
				return invarg(err, "queue_id is invalid", argv[i]);
			o = opt_slot(out->sopts, &out->n_sopts, "queue_id");
			snprintf(o->value, sizeof(o->value), "%lu", v);
		} else if (!strcmp(w, "prio")) {
			if (i + 1 >= argc)
				return incomplete(err);
			errno = 0;
			p = strtol(argv[++i], &end, 0);
			if (!argv[i][0] || *end || errno == ERANGE || p < INT32_MIN || p > INT32_MAX)
				return invarg(err, "prio is invalid", argv[i]);
			o = opt_slot(out->sopts, &out->n_sopts, "prio");
			snprintf(o->value, sizeof(o->value), "%ld", p);
		} else {
			if (!matches(w, "help"))
				sb_printf(err, "bond_slave: unknown option \"%s\"?\n", w);
			else
				out->kind = IPC_HELP;
			sb_puts(err, usage);
			return IPX_FAIL;
		}
	}
	return IPX_OK;
}

/* The words of ip link add/set, in iproute2's order of matching, with how
 * many values follow each. Those this parser acts on are handled before
 * the table is looked at; the rest go to the system's ip, applied to the
 * bond's TAP (or the slave) after bondd's part (bondctl_ip.c). Words the
 * kernel reads only when it creates (or moves) a device, create_only,
 * cannot reach a bond that bondd created: ip link add ... type bond
 * refuses them rather than let ip link set drop them silently. ip link
 * set passes them on, where the kernel ignores them on a kernel bond too
 * (netns: refused there, bondctl_ip.c). */
struct link_word {
	const char *word;
	bool exact;
	int nargs;
	bool create_only;
};

static const struct link_word link_words[] = {
	{ "index", true, 1, true }, { "link", false, 1, true }, { "address", false, 1, false },
	{ "broadcast", false, 1, false }, { "brd", true, 1, false }, { "txqueuelen", false, 1, false },
	{ "qlen", true, 1, false }, { "txqlen", false, 1, false }, { "mtu", true, 1, false },
	{ "xdpgeneric", true, -1, false }, { "xdpdrv", true, -1, false }, { "xdpoffload", true, -1, false },
	{ "xdp", true, -1, false }, { "netns", true, 1, true }, { "multicast", true, 1, false },
	{ "allmulticast", true, 1, false }, { "promisc", true, 1, false }, { "trailers", true, 1, false },
	{ "arp", true, 1, false }, { "carrier", true, 1, false }, { "vf", true, -1, false },
	{ "master", false, 1, false }, { "vrf", true, 1, false }, { "nomaster", false, 0, false },
	{ "dynamic", false, 1, false }, { "type", false, 1, false }, { "alias", false, 1, false },
	{ "group", true, 1, false }, { "mode", true, 1, false }, { "state", true, 1, false },
	{ "numtxqueues", false, 1, true }, { "numrxqueues", false, 1, true },
	/* protodown, protodown_reason and the gso/gro sizes are ip's to
	 * apply to the TAP like the words above: the sizes are set, protodown
	 * gets the kernel's own "not supported by device", as on a kernel
	 * bond (tests/net/t_iproute.sh, bondctl(8)). */
	{ "addrgenmode", false, 1, false }, { "link-netns", false, 1, true },
	{ "link-netnsid", false, 1, true }, { "protodown", true, 1, false },
	{ "protodown_reason", true, 2, false }, { "gso_max_size", true, 1, false },
	{ "gso_max_segs", true, 1, false }, { "gro_max_size", true, 1, false },
	{ "parentdev", true, 1, true },
};

static const struct link_word *link_word(const char *w)
{
	for (size_t k = 0; k < ARRAY_SIZE(link_words); k++)
		if (link_words[k].exact ? !strcmp(w, link_words[k].word) :
		    matches(w, link_words[k].word))
			return &link_words[k];
	return NULL;
}

static int parse_link_modify(int argc, char *const argv[], ipc_dev_exists_fn dev_exists,
			     struct ipc *out, struct strbuf *err)
{
	bool add = out->kind == IPC_ADD;
	const char *create_only = NULL, *create_only_vlan = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		const char *w = argv[i];
		const struct link_word *lw;

		if (!strcmp(w, "up") || !strcmp(w, "down")) {
			out->updown = w[0] == 'u' ? 1 : -1;
			continue;
		}
		if (!strcmp(w, "name")) {
			if (i + 1 >= argc)
				return incomplete(err);
			if (add) {
				if (out->dev && out->dev != argv[i + 1] && strcmp(out->dev, argv[i + 1])) {
					sb_printf(err, "Error: duplicate \"name\": \"%s\" is the second value.\n",
						  argv[i + 1]);
					return IPX_SYNTAX;
				}
				out->dev = argv[++i];
				continue;
			}
			/* set ... name NEW: a rename */
			if (out->n_rest + 2 > IPC_MAX_REST)
				return invarg(err, "too many words", w);
			out->rest[out->n_rest++] = w;
			out->rest[out->n_rest++] = argv[++i];
			continue;
		}
		lw = link_word(w);
		if (!lw) {
			if (!strcmp(w, "dev")) {
				if (++i >= argc)
					return incomplete(err);
				w = argv[i];
			} else if (matches(w, "help")) {
				out->kind = IPC_PASS;
				return IPX_OK;
			}
			if (out->dev) {
				sb_printf(err, "Error: either \"dev\" is duplicate, or \"%s\" is a garbage.\n", w);
				return IPX_SYNTAX;
			}
			out->dev = w;
			continue;
		}
		if (lw->nargs < 0) {
			/* xdp and vf take words of their own: only ip knows them */
			out->kind = IPC_PASS;
			return IPX_OK;
		}
		if (i + lw->nargs >= argc)
			return incomplete(err);
		if (lw->create_only && !create_only)
			create_only = lw->word;
		if (lw->create_only && !create_only_vlan && strcmp(lw->word, "link"))
			create_only_vlan = lw->word;
		if (!strcmp(lw->word, "master")) {
			out->master = argv[++i];
			if (!dev_exists(out->master))
				return invarg(err, "Device does not exist\n", out->master);
			continue;
		}
		if (!strcmp(lw->word, "nomaster")) {
			out->nomaster = true;
			continue;
		}
		if (!strcmp(lw->word, "link")) {
			/* the real device of a vlan; refused for a bond below */
			out->link = argv[++i];
			continue;
		}
		if (!strcmp(lw->word, "type")) {
			out->type = argv[++i];
			i++;
			break;
		}
		if (out->n_rest + 1 + (unsigned)lw->nargs > IPC_MAX_REST)
			return invarg(err, "too many words", w);
		out->rest[out->n_rest++] = w;
		for (int k = 0; k < lw->nargs; k++)
			out->rest[out->n_rest++] = argv[++i];
	}
	if (!out->dev) {
		sb_puts(err, "Not enough information: \"dev\" argument is required.\n");
		return IPX_SYNTAX;
	}
	if (!out->type)
		return add ? (out->kind = IPC_PASS, IPX_OK) : IPX_OK;
	if (!strcmp(out->type, "bond")) {
		if (add && create_only) {
			sb_printf(err, "Error: \"%s\" cannot be given to a bond of bondd: the "
				  "kernel reads it only when it creates a device (or moves it), "
				  "and the bond is a TAP that bondd creates in its own network "
				  "namespace. Leave it out.\n", create_only);
			return IPX_REFUSED;
		}
		return parse_bond(argc - i, argv + i, dev_exists, out, err);
	}
	if (!strcmp(out->type, "bond_slave") && !add)
		return parse_bond_slave(argc - i, argv + i, out, err);
	if (!strcmp(out->type, "vlan") && add && out->link) {
		/* bondctl_ip.c decides: a VLAN on a bond of bondd, or ip's */
		int rc = parse_vlan(argc - i, argv + i, out, err);

		if (rc || out->kind == IPC_HELP)
			return rc;
		if (out->vlan_id < 0) {
			sb_puts(err, "Error: 8021q: VLAN id not specified.\n");
			return IPX_REFUSED;
		}
		for (unsigned k = 0; k < out->n_rest; k++) {
			if (!strcmp(out->rest[k], "address")) {
				sb_puts(err, "Error: bondd's VLAN sub-interfaces have the bond's MAC address and follow it; \"address\" cannot be given.\n");
				return IPX_REFUSED;
			}
		}
		if (create_only_vlan) {
			sb_printf(err, "Error: \"%s\" cannot be given to a VLAN of bondd: the kernel reads it only when it creates a device (or moves it), and the VLAN is a TAP that bondd creates. Leave it out.\n",
				  create_only_vlan);
			return IPX_REFUSED;
		}
		return IPX_OK;
	}
	/* another kind of link: ip's business */
	out->kind = IPC_PASS;
	return IPX_OK;
}

/* ip link show's filters (ipaddr_list_flush_or_save): which take a value,
 * and the device. */
static int parse_show(int argc, char *const argv[], struct ipc *out, struct strbuf *err)
{
	static const char *const with_value[] = { "to", "scope", "label", "group", "vrf", "proto" };

	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		bool value = false;

		if (!strcmp(w, "master") || !strcmp(w, "type")) {
			if (++i >= argc)
				return incomplete(err);
			if (w[0] == 'm')
				out->show_master = argv[i];
			else
				out->show_type = argv[i];
			continue;
		}
		for (size_t k = 0; k < ARRAY_SIZE(with_value); k++)
			value |= !strcmp(w, with_value[k]);
		if (value || !strcmp(w, "up") || !strcmp(w, "nomaster") ||
		    !strcmp(w, "dynamic") || !strcmp(w, "permanent") ||
		    matches(w, "help")) {
			if (out->n_show_words + 2 > IPC_MAX_REST)
				return invarg(err, "too many words", w);
			out->show_words[out->n_show_words++] = w;
			if (value) {
				if (++i >= argc)
					return incomplete(err);
				out->show_words[out->n_show_words++] = argv[i];
			}
			continue;
		}
		if (!strcmp(w, "dev") && ++i >= argc)
			return incomplete(err);
		if (out->dev) {
			sb_printf(err, "Error: either \"dev\" is duplicate, or \"%s\" is a garbage.\n",
				  argv[i]);
			return IPX_SYNTAX;
		}
		out->dev = argv[i];
	}
	return IPX_OK;
}

enum glob_flag { G_NONE, G_PASS, G_DETAILS, G_ONELINE, G_BRIEF, G_JSON, G_NETNS };

struct glob_opt {
	const char *word;
	bool exact;
	int nargs;
	enum glob_flag flag;
};

/* ip's options in ip.c's order of matching ("-s" is -stats, "-n" -netns). */
static const struct glob_opt glob_opts[] = {
	{ "-loops", false, 1, G_NONE }, { "-family", false, 1, G_NONE },
	{ "-4", true, 0, G_NONE }, { "-6", true, 0, G_NONE }, { "-0", true, 0, G_NONE },
	{ "-M", true, 0, G_NONE }, { "-B", true, 0, G_NONE },
	{ "-human", false, 0, G_NONE }, { "-human-readable", false, 0, G_NONE },
	{ "-iec", false, 0, G_NONE }, { "-stats", false, 0, G_NONE },
	{ "-statistics", false, 0, G_NONE }, { "-details", false, 0, G_DETAILS },
	{ "-resolve", false, 0, G_NONE }, { "-oneline", false, 0, G_ONELINE },
	{ "-timestamp", false, 0, G_NONE }, { "-tshort", false, 0, G_NONE },
	{ "-Version", false, 0, G_PASS }, { "-force", false, 0, G_NONE },
	{ "-batch", false, 1, G_PASS }, { "-brief", false, 0, G_BRIEF },
	{ "-json", false, 0, G_JSON }, { "-pretty", false, 0, G_NONE },
	{ "-rcvbuf", false, 1, G_NONE }, { "-color", false, 0, G_NONE },
	{ "-help", false, 0, G_PASS }, { "-netns", false, 1, G_NETNS },
	{ "-Numeric", false, 0, G_NONE }, { "-all", false, 0, G_NONE },
	{ "-echo", true, 0, G_NONE },
};

int ipc_parse(int argc, char *const argv[], ipc_dev_exists_fn dev_exists,
	      struct ipc *out, struct strbuf *err)
{
	const char *w;
	int i;

	memset(out, 0, sizeof(*out));
	out->kind = IPC_PASS;
	out->vlan_id = -1;
	/* Global options, as ip.c reads them ("--x" is "-x"), first match
	 * in its order wins. */
	for (i = 0; i < argc; i++) {
		const char *o = argv[i];
		const struct glob_opt *g = NULL;

		if (!strcmp(o, "--")) {
			i++;
			break;
		}
		if (o[0] != '-')
			break;
		if (o[1] == '-')
			o++;
		for (size_t k = 0; k < ARRAY_SIZE(glob_opts) && !g; k++)
			if (glob_opts[k].exact ? !strcmp(o, glob_opts[k].word) :
			    matches(o, glob_opts[k].word))
				g = &glob_opts[k];
		/* -c=always, -color=never: the colour with its choice */
		if (!g && o[1] == 'c' && strchr(o, '=')) {
			char word[16];
			size_t n = (size_t)(strchr(o, '=') - o);

			if (n < sizeof(word)) {
				memcpy(word, o, n);
				word[n] = '\0';
				if (matches(word, "-color"))
					continue;
			}
		}
		/* an unknown option, -batch, -help, -Version: ip's business */
		if (!g || g->flag == G_PASS)
			return IPX_OK;
		if (g->nargs && ++i >= argc)
			return incomplete(err);
		switch (g->flag) {
		case G_DETAILS:
			out->details = true;
			break;
		case G_ONELINE:
			out->oneline = true;
			break;
		case G_BRIEF:
			out->brief = true;
			break;
		case G_JSON:
			out->json = true;
			break;
		case G_NETNS:
			out->netns = argv[i];
			break;
		default:
			break;
		}
	}
	out->obj_at = i;
	if (i >= argc || !matches(argv[i], "link"))
		return IPX_OK;
	i++;
	if (i >= argc) {
		out->kind = IPC_SHOW;
		return IPX_OK;
	}
	w = argv[i++];
	if (matches(w, "add")) {
		out->kind = IPC_ADD;
		return parse_link_modify(argc - i, argv + i, dev_exists, out, err);
	}
	if (matches(w, "set") || matches(w, "change")) {
		out->kind = IPC_SET;
		return parse_link_modify(argc - i, argv + i, dev_exists, out, err);
	}
	if (matches(w, "delete")) {
		out->kind = IPC_DEL;
		for (; i < argc; i++) {
			if (!strcmp(argv[i], "dev")) {
				if (++i >= argc)
					return incomplete(err);
			} else if (matches(argv[i], "type")) {
				/* "type bond": the kind of what is deleted */
				out->type = ++i < argc ? argv[i] : NULL;
				if (!out->type)
					return incomplete(err);
				continue;
			}
			if (out->dev) {
				sb_printf(err, "Error: either \"dev\" is duplicate, or \"%s\" is a garbage.\n",
					  argv[i]);
				return IPX_SYNTAX;
			}
			out->dev = argv[i];
		}
		if (!out->dev) {
			out->kind = IPC_PASS;   /* ip says what is missing */
			return IPX_OK;
		}
		return IPX_OK;
	}
	/* show, list: ip prints, bondctl puts the bond details in */
	if (matches(w, "show") || matches(w, "lst") || matches(w, "list")) {
		out->kind = IPC_SHOW;
		return parse_show(argc - i, argv + i, out, err);
	}
	return IPX_OK;
}

void ipc_splice(const char *text, const char *details, bool oneline, struct strbuf *out)
{
	const char *sep = oneline ? "\\" : "\n";
	const char *p = text;

	while (*p) {
		const char *end = p, *name, *nend, *ins, *cut;
		char dev[IFNAMSIZ + 1];
		const char *line = NULL, *kind = NULL;
		size_t dl = 0;

		/* One device: from "N: NAME..." to the next "\nN: " */
		for (;;) {
			end = strchr(end, '\n');
			if (!end) {
				end = p + strlen(p);
				break;
			}
			end++;
			if (*end >= '0' && *end <= '9')
				break;
		}
		name = strstr(p, ": ");
		if (!name || name >= end) {
			sb_printf(out, "%.*s", (int)(end - p), p);
			p = end;
			continue;
		}
		name += 2;
		nend = name + strcspn(name, "@:");
		if ((size_t)(nend - name) < sizeof(dev)) {
			memcpy(dev, name, (size_t)(nend - name));
			dev[nend - name] = '\0';
			/* its line in details: "DEV bond ..." or "DEV bond_slave ..." */
			for (const char *d = details; d && *d;) {
				const char *nl = strchr(d, '\n');
				size_t len = nl ? (size_t)(nl - d) : strlen(d);
				size_t n = strlen(dev);

				if (len > n && !strncmp(d, dev, n) && d[n] == ' ') {
					kind = d + n + 1;
					line = strchr(kind, ' ');
					line = line ? line + 1 : kind + strlen(kind);
					dl = len - (size_t)(line - d);
					break;
				}
				d = nl ? nl + 1 : NULL;
			}
		}
		/* Where iproute2 prints what follows the link kind. */
		ins = NULL;
		for (const char *t = p; t < end && !ins; t++)
			if (!strncmp(t, " addrgenmode ", 13) || !strncmp(t, " numtxqueues ", 13))
				ins = t + 1;
		if (!kind || !ins) {
			sb_printf(out, "%.*s", (int)(end - p), p);
			p = end;
			continue;
		}
		cut = ins;
		if (!strncmp(kind, "bond ", 5) || !strncmp(kind, "vlan ", 5)) {
			/* the TAP's kind ("tun type tap ...") gives way to the
			 * bond's, or to a VLAN's "vlan protocol 802.1Q id N" */
			char marker[8];
			const char *k = NULL;

			snprintf(marker, sizeof(marker), "%s    ", sep);
			for (const char *t = strstr(p, marker); t && t < ins; t = strstr(t + 1, marker))
				k = t;
			if (k && strncmp(k + strlen(marker), "link/", 5))
				cut = k;
			sb_printf(out, "%.*s%s    %.4s %.*s", (int)(cut - p), p, sep, kind, (int)dl, line);
		} else {
			sb_printf(out, "%.*s%s    bond_slave %.*s", (int)(ins - p), p, sep, (int)dl, line);
		}
		sb_printf(out, "%.*s", (int)(end - ins), ins);
		p = end;
	}
}
