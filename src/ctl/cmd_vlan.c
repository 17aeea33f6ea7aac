/* bondctl vlan: VLAN sub-interfaces of a bond (bond0.100), devices of their
 * own that bondd creates (daemon/daemon_vlan.c), whose frames cross the
 * bond tagged with their VID.
 *
 *   vlan add BOND VID [name NAME]   create NAME (default BOND.VID), down
 *   vlan del BOND VID|NAME          remove it
 *   vlan [show] [BOND]              list them (every bond's without BOND)
 *
 * Also here: what show prints about a bond's VLANs (text after the
 * /proc/net/bonding layout, the "vlans" array in show -j) and the "vlan"
 * lines of ip-details, so that every command describes them alike. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "ctl_backend.h"
#include "ctl_cmd_impl.h"
#include "ctl_proto.h"

/* ip's operstate word for the device: its own flag, then the bond's
 * carrier (a VLAN device is LOWERLAYERDOWN while its real device has
 * none). */
static const char *vlan_state(const struct ctl_vlan *v)
{
	if (!v->admin_up)
		return "DOWN";
	return v->carrier ? "UP" : "LOWERLAYERDOWN";
}

static void put_addr(struct strbuf *out, const struct ctl_vlan_addr *a)
{
	char txt[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family, a->addr, txt, sizeof(txt)))
		snprintf(txt, sizeof(txt), "?");
	sb_printf(out, "%s/%u", txt, a->prefixlen);
}

int ctl_vlans_get(struct cmd_ctx *c, const char *bond, struct ctl_vlan **out)
{
	unsigned max = (engine_bond_count(c->eng) + 1) * BOND_MAX_VLANS;
	struct err e = { 0 };
	int n;

	*out = NULL;
	if (!c->be || !c->be->ops->vlans)
		return 0;
	*out = calloc(max, sizeof(**out));
	if (!*out) {
		cmd_fail(c, NULL, "out of memory");
		return -1;
	}
	n = c->be->ops->vlans(c->be->ctx, bond, *out, max, &e);
	if (n < 0) {
		free(*out);
		*out = NULL;
		cmd_fail_err(c, bond, &e);
		return -1;
	}
	return n;
}

void ctl_vlan_json(const struct ctl_vlan *v, struct strbuf *out)
{
	sb_puts(out, "{\"name\":");
	sb_json_str(out, v->name);
	sb_puts(out, ",\"bond\":");
	sb_json_str(out, v->bond);
	sb_printf(out, ",\"vid\":%u,\"protocol\":\"802.1Q\",\"ifindex\":%d,\"mtu\":%u,"
		  "\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\",\"admin_up\":%s,\"carrier\":%s,"
		  "\"state\":\"%s\",\"addresses\":[",
		  v->vid, v->ifindex, v->mtu, v->mac[0], v->mac[1], v->mac[2], v->mac[3],
		  v->mac[4], v->mac[5], v->admin_up ? "true" : "false",
		  v->carrier ? "true" : "false", vlan_state(v));
	for (unsigned i = 0; i < v->n_addrs; i++) {
		sb_printf(out, "%s\"", i ? "," : "");
		put_addr(out, &v->addrs[i]);
		sb_puts(out, "\"");
	}
	sb_puts(out, "],\"stats\":");
	if (v->counted)
		sb_printf(out, "{\"rx_packets\":%llu,\"rx_bytes\":%llu,\"rx_dropped\":%llu,"
			  "\"tx_packets\":%llu,\"tx_bytes\":%llu,\"tx_dropped\":%llu}}",
			  (unsigned long long)v->rx_packets, (unsigned long long)v->rx_bytes,
			  (unsigned long long)v->rx_dropped, (unsigned long long)v->tx_packets,
			  (unsigned long long)v->tx_bytes, (unsigned long long)v->tx_dropped);
	else
		sb_puts(out, "null}");
}

/* One line a VLAN, under a header: NAME BOND VID STATE MTU ADDRESSES. */
static void vlans_table(const struct ctl_vlan *v, unsigned n, struct strbuf *out)
{
	sb_puts(out, "NAME             BOND             VID   STATE           MTU    ADDRESSES\n");
	for (unsigned i = 0; i < n; i++) {
		sb_printf(out, "%-16s %-16s %-5u %-15s %-6u ", v[i].name, v[i].bond, v[i].vid,
			  vlan_state(&v[i]), v[i].mtu);
		for (unsigned k = 0; k < v[i].n_addrs; k++) {
			if (k)
				sb_puts(out, " ");
			put_addr(out, &v[i].addrs[k]);
		}
		sb_puts(out, v[i].n_addrs ? "\n" : "-\n");
	}
}

void ctl_vlans_text(const struct ctl_vlan *v, unsigned n, struct strbuf *out)
{
	if (!n)
		return;
	sb_puts(out, "\nVLAN Sub-Interfaces:\n");
	vlans_table(v, n, out);
}

void ctl_vlan_iplink(const struct ctl_vlan *v, struct strbuf *out)
{
	/* iproute2's vlan_print_opt() for a kernel VLAN device made with the
	 * defaults (reorder_hdr on, no gvrp/mvrp/loose_binding/
	 * bridge_binding, no QoS maps) */
	sb_printf(out, "%s vlan protocol 802.1Q id %u <REORDER_HDR> \n", v->name, v->vid);
}

/* "100" -> 100; anything but 1 to 4 digits -> -1 (the daemon judges the
 * range, so that 0 and 4095 get its message). */
static int parse_vid(const char *s)
{
	int v = 0;

	if (!*s || strlen(s) > 4)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

static int vlan_add(struct cmd_ctx *c, int argc, char **argv)
{
	const char *name = NULL;
	struct err e = { 0 };
	int vid;

	if (argc != 2 && !(argc == 4 && !strcmp(argv[2], "name")))
		return cmd_usage(c);
	vid = parse_vid(argv[1]);
	if (vid < 0)
		return cmd_fail(c, argv[0], "VLAN ID \"%s\" is not a number from 1 to 4094", argv[1]);
	if (argc == 4)
		name = argv[3];
	if (!c->be->ops->vlan_add)
		return cmd_fail(c, NULL, "VLAN sub-interfaces are not possible here");
	if (c->be->ops->vlan_add(c->be->ctx, argv[0], (uint16_t)vid, name, &e) < 0)
		return cmd_fail_err(c, argv[0], &e);
	return CTL_EXIT_OK;
}

static int vlan_del(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e = { 0 };
	int vid;

	if (argc != 2)
		return cmd_usage(c);
	vid = parse_vid(argv[1]);
	if (!c->be->ops->vlan_del)
		return cmd_fail(c, NULL, "VLAN sub-interfaces are not possible here");
	if (c->be->ops->vlan_del(c->be->ctx, argv[0], vid > 0 ? (uint16_t)vid : 0,
				 vid > 0 ? NULL : argv[1], &e) < 0)
		return cmd_fail_err(c, argv[0], &e);
	return CTL_EXIT_OK;
}

static int vlan_show(struct cmd_ctx *c, const char *bond)
{
	struct ctl_vlan *v;
	int n;

	if (bond && !cmd_find_bond(c, bond))
		return CTL_EXIT_REFUSED;
	n = ctl_vlans_get(c, bond, &v);
	if (n < 0)
		return CTL_EXIT_REFUSED;
	if (c->json) {
		sb_puts(c->out, "[");
		for (int i = 0; i < n; i++) {
			sb_puts(c->out, i ? "," : "");
			ctl_vlan_json(&v[i], c->out);
		}
		sb_puts(c->out, "]\n");
	} else if (n) {
		vlans_table(v, (unsigned)n, c->out);
	}
	free(v);
	if (c->out->oom)
		return cmd_fail(c, NULL, "out of memory");
	return CTL_EXIT_OK;
}

int cmd_vlan(struct cmd_ctx *c, int argc, char **argv)
{
	if (argc && !strcmp(argv[0], "add"))
		return vlan_add(c, argc - 1, argv + 1);
	if (argc && (!strcmp(argv[0], "del") || !strcmp(argv[0], "delete")))
		return vlan_del(c, argc - 1, argv + 1);
	if (argc && !strcmp(argv[0], "show")) {
		argc--;
		argv++;
	}
	if (argc > 1)
		return cmd_usage(c);
	return vlan_show(c, argc ? argv[0] : NULL);
}
