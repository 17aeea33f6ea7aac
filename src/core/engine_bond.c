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

void bond_set_addrs(struct bond *b, const uint32_t *v4, const uint8_t *prefix4,
		    unsigned n4, const uint8_t (*v6)[16], unsigned n6)
{
	if (n4 > ARRAY_SIZE(b->ipv4))
		n4 = ARRAY_SIZE(b->ipv4);
	if (n6 > ARRAY_SIZE(b->ipv6))
		n6 = ARRAY_SIZE(b->ipv6);
	if (n4) {
		memcpy(b->ipv4, v4, n4 * sizeof(b->ipv4[0]));
		for (unsigned i = 0; i < n4; i++)
			b->ipv4_prefix[i] = prefix4 ? prefix4[i] : 32;
	}
	b->n_ipv4 = n4;
	if (n6)
		memcpy(b->ipv6, v6, n6 * sizeof(b->ipv6[0]));
	b->n_ipv6 = n6;
}
