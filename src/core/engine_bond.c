/* A bond's life: created with the option table's defaults and the default
 * mode, brought up and down, told its addresses, and freed. It sits above
 * the option codec (opt.c), which it asks for the defaults. */
#include "engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "monitor.h"
#include "opt.h"

struct bond *engine_bond_new(struct engine *e, const char *name, struct err *err)
{
	struct bond *b;

	if (!ifname_valid(name)) {
		err_set(err, -EINVAL, "invalid bond name '%s' (1-15 characters, no '/', ':' or spaces)", name);
		return NULL;
	}
	if (engine_bond_find(e, name)) {
		err_set(err, -EEXIST, "bonding: %s already exists", name);
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	strcpy(b->name, name);
	if (engine_attach_bond(e, b, err) < 0) {
		free(b);
		return NULL;
	}
	opt_defaults(&b->params);
	b->mac_random = true;
	if (bond_set_mode(b, b->params.mode, err) < 0) {
		engine_detach_bond(e, b);
		free(b);
		return NULL;
	}
	return b;
}

void engine_bond_free(struct engine *e, struct bond *b, uint64_t now_ms)
{
	while (b->n_slaves)
		bond_release(b, b->slaves[b->n_slaves - 1], now_ms);
	if (engine_detach_bond(e, b))
		engine_bond_free_mem(b);
}

void bond_set_admin(struct bond *b, bool up, uint64_t now_ms)
{
	if (b->admin_up == up)
		return;
	b->admin_up = up;
	monitor_bond_admin(b, now_ms);
	bond_reselect(b, now_ms);
}

/* The first BOND_MAX_ADDRS of each family are kept (the frames the
 * engine makes name at most that many); a missing IPv4 prefix is /32, and
 * every IPv6 prefix /64 until set_prefix6 says otherwise. */
static void set_addrs(uint32_t *ipv4, uint8_t *ipv4_prefix, unsigned *n_ipv4,
		      uint8_t (*ipv6)[16], uint8_t *ipv6_prefix, unsigned *n_ipv6,
		      const uint32_t *v4, const uint8_t *prefix4, unsigned n4,
		      const uint8_t (*v6)[16], unsigned n6)
{
	if (n4 > BOND_MAX_ADDRS)
		n4 = BOND_MAX_ADDRS;
	if (n6 > BOND_MAX_ADDRS)
		n6 = BOND_MAX_ADDRS;
	if (n4) {
		memcpy(ipv4, v4, n4 * sizeof(ipv4[0]));
		for (unsigned i = 0; i < n4; i++)
			ipv4_prefix[i] = prefix4 ? prefix4[i] : 32;
	}
	*n_ipv4 = n4;
	if (n6)
		memcpy(ipv6, v6, n6 * sizeof(ipv6[0]));
	for (unsigned i = 0; i < n6; i++)
		ipv6_prefix[i] = 64;
	*n_ipv6 = n6;
}

static void set_prefix6(uint8_t *ipv6_prefix, unsigned n_ipv6, const uint8_t *prefix6,
			unsigned n6)
{
	for (unsigned i = 0; i < n6 && i < n_ipv6; i++)
		ipv6_prefix[i] = prefix6[i] <= 128 ? prefix6[i] : 128;
}

void bond_set_addrs(struct bond *b, const uint32_t *v4, const uint8_t *prefix4,
		    unsigned n4, const uint8_t (*v6)[16], unsigned n6)
{
	set_addrs(b->ipv4, b->ipv4_prefix, &b->n_ipv4, b->ipv6, b->ipv6_prefix, &b->n_ipv6,
		  v4, prefix4, n4, v6, n6);
}

void bond_set_prefix6(struct bond *b, const uint8_t *prefix6, unsigned n6)
{
	set_prefix6(b->ipv6_prefix, b->n_ipv6, prefix6, n6);
}

/* ---- VLAN sub-interfaces ------------------------------------------------ */

struct bond_vlan *bond_vlan_find(const struct bond *b, uint16_t vid)
{
	for (unsigned i = 0; i < b->n_vlans; i++)
		if (b->vlans[i].vid == vid)
			return &b->vlans[i];
	return NULL;
}

int bond_vlan_add(struct bond *b, uint16_t vid, struct err *err)
{
	if (vid < 1 || vid > 4094) {
		err_set(err, -EINVAL, "%s: VLAN id %u out of range (1-4094)", b->name, vid);
		return -EINVAL;
	}
	if (bond_vlan_find(b, vid)) {
		err_set(err, -EEXIST, "%s: VLAN %u already exists", b->name, vid);
		return -EEXIST;
	}
	if (b->n_vlans >= BOND_MAX_VLANS) {
		err_set(err, -ENOSPC, "%s: too many VLANs (at most %d)", b->name,
			BOND_MAX_VLANS);
		return -ENOSPC;
	}
	if (b->n_vlans == b->cap_vlans) {
		/* Doubling from 4: a bond with a handful of VLANs (the usual
		 * case) costs one small allocation. */
		unsigned cap = b->cap_vlans ? b->cap_vlans * 2 : 4;
		struct bond_vlan *v;

		if (cap > BOND_MAX_VLANS)
			cap = BOND_MAX_VLANS;
		v = realloc(b->vlans, cap * sizeof(*v));
		if (!v) {
			err_set(err, -ENOMEM, "out of memory");
			return -ENOMEM;
		}
		b->vlans = v;
		b->cap_vlans = cap;
	}
	memset(&b->vlans[b->n_vlans], 0, sizeof(b->vlans[0]));
	b->vlans[b->n_vlans++].vid = vid;
	return 0;
}

bool bond_vlan_del(struct bond *b, uint16_t vid)
{
	struct bond_vlan *v = bond_vlan_find(b, vid);
	size_t i;

	if (!v)
		return false;
	i = (size_t)(v - b->vlans);
	memmove(v, v + 1, (b->n_vlans - i - 1) * sizeof(*v));
	b->n_vlans--;
	mode_vlan_del(b, vid);
	return true;
}

int bond_vlan_set_addrs(struct bond *b, uint16_t vid, const uint32_t *v4,
			const uint8_t *prefix4, unsigned n4, const uint8_t (*v6)[16],
			unsigned n6)
{
	struct bond_vlan *v = bond_vlan_find(b, vid);

	if (!v)
		return -ENOENT;
	set_addrs(v->ipv4, v->ipv4_prefix, &v->n_ipv4, v->ipv6, v->ipv6_prefix, &v->n_ipv6,
		  v4, prefix4, n4, v6, n6);
	return 0;
}

int bond_vlan_set_prefix6(struct bond *b, uint16_t vid, const uint8_t *prefix6, unsigned n6)
{
	struct bond_vlan *v = bond_vlan_find(b, vid);

	if (!v)
		return -ENOENT;
	set_prefix6(v->ipv6_prefix, v->n_ipv6, prefix6, n6);
	return 0;
}

int bond_vlan_set_up(struct bond *b, uint16_t vid, bool up)
{
	struct bond_vlan *v = bond_vlan_find(b, vid);

	if (!v)
		return -ENOENT;
	v->down = !up;
	return 0;
}

unsigned bond_vlan_count(const struct bond *b)
{
	return b->n_vlans;
}

const struct bond_vlan *bond_vlan_at(const struct bond *b, unsigned i)
{
	return i < b->n_vlans ? &b->vlans[i] : NULL;
}
