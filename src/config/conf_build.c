/* Building a configuration from something other than a file: the daemon
 * describes what runs (`bondctl dump`) with these, and the result prints
 * (conf_print) and compares (conf_diff) like a parsed one. Option values
 * go through the same canonical form as a file's, so a dumped
 * configuration parses back to the same model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

struct conf_bond *conf_put_bond(struct conf *c, const char *name)
{
	return conf_add_bond(c, name, NULL);
}

int conf_put_opt(struct conf_bond *b, const char *name, const char *value, struct err *err)
{
	char *cname, *cvalue;

	if (conf_opt_canon(name, value, false, &cname, &cvalue, err) < 0)
		return -1;
	conf_bond_set_opt(b, cname, cvalue, NULL);
	free(cname);
	free(cvalue);
	return 0;
}

void conf_put_slave(struct conf_bond *b, const char *name)
{
	conf_bond_add_slave(b, name, NULL);
}

struct conf_addr *conf_put_addr(struct conf_bond *b)
{
	return conf_push_addr(&b->addrs, &b->n_addrs);
}

struct conf_vlan *conf_put_vlan(struct conf *c, const char *name, const char *bond,
				uint16_t vid)
{
	struct conf_vlan *v = conf_find_vlan(c, name);

	return v ? v : conf_add_vlan(c, name, bond, vid, NULL);
}

struct conf_addr *conf_put_vlan_addr(struct conf_vlan *v)
{
	return conf_push_addr(&v->addrs, &v->n_addrs);
}

void conf_copy_rest(struct conf *dst, const struct conf *src)
{
	if (!src)
		return;
	dst->max_bonds = src->max_bonds;
	dst->tx_queues = src->tx_queues;
	snprintf(dst->datapath, sizeof(dst->datapath), "%s", src->datapath);
	for (unsigned i = 0; i < src->n_ifaces; i++) {
		const struct conf_iface *f = &src->ifaces[i];
		struct conf_iface *n = conf_add_iface(dst, f->name, NULL);

		n->mtu = f->mtu;
		for (unsigned k = 0; k < f->n_addrs; k++) {
			struct conf_addr *a = conf_push_addr(&n->addrs, &n->n_addrs);

			*a = f->addrs[k];
			a->loc = conf_loc_at(NULL, 0);
		}
	}
	/* VLANs are not copied: each sits on a bond, and the bonds (with
	 * their VLANs) are what the caller describes as they run. A VLAN of
	 * the file deleted at run time must not come back in a dump. */
	for (unsigned i = 0; i < src->n_routes; i++) {
		struct conf_route *r = CONF_PUSH(dst->routes, dst->n_routes);

		*r = src->routes[i];
		r->loc = conf_loc_at(NULL, 0);
	}
	dst->gw4 = src->gw4;
	dst->gw4.loc = conf_loc_at(NULL, 0);
	dst->gw6 = src->gw6;
	dst->gw6.loc = conf_loc_at(NULL, 0);
}

struct conf *conf_load_native_text(const char *text, const char *path, bool strict,
				   struct conf_diag *d)
{
	unsigned errors = d->n_errors;
	struct conf *c = conf_parse_native(text, path, d);

	if (!c || d->n_errors > errors) {
		conf_free(c);
		return NULL;
	}
	conf_finish(c);
	if (conf_check(c, strict, d)) {
		conf_free(c);
		return NULL;
	}
	return c;
}
