/* Reading options: a bond option or a per-slave option as sysfs prints it
 * (the text `bondctl get` shows), without the trailing newline. */
#include "opt_impl.h"

#include <errno.h>
#include <string.h>

#include "bond.h"
#include "mode.h"

int opt_slave_get(const struct slave *s, const char *name, struct strbuf *out,
		  struct err *err)
{
	const struct opt_desc *d = NULL;
	int rc = opt_find_slave_opt(name, &d, err);

	if (rc < 0)
		return rc;
	if (d->id == OPT_PRIO)
		sb_printf(out, "%d", s->prio);
	else
		sb_printf(out, "%u", s->ad_actor_port_prio);
	return 0;
}

/* ---- reading a bond option (sysfs formats) ----------------------------- */

static void put_addr_list(struct strbuf *out, enum opt_id id, const struct bond_params *p)
{
	struct opt_addrs l;

	opt_addrs_from_params(id, p, &l);
	opt_addrs_print(id, &l, " ", out);
}

/* By the number in the parameters: the files follow them (a dry run's
 * parameters may name another mode than the bond's table). */
static bool mode_is_lacp(uint32_t mode)
{
	const struct mode_ops *m = mode_lookup(mode);

	return m && m->lacp;
}

int opt_get(const struct bond *b, const char *name, struct strbuf *out,
	    struct err *err)
{
	const struct opt_desc *d = opt_find(name);
	const struct bond_params *p = &b->params;
	const uint32_t *f;
	struct slave *prim;
	char mac[18];

	if (!d)
		return opt_err_unknown(name, err);
	if (d->flags & OPT_PER_SLAVE) {
		err_set(err, -EINVAL, "option %s: is a per-slave option: read it on the slave",
			name);
		return -EINVAL;
	}
	f = opt_param_field((struct bond_params *)p, d->id);

	switch (d->id) {
	case OPT_MAX_BONDS:
		err_set(err, -EINVAL, "option %s: is a module parameter, not a bond option", name);
		return -EINVAL;
	case OPT_ACTIVE_SLAVE:
		if (bond_mode_uses_primary(p->mode) && b->active)
			sb_puts(out, b->active->name);
		return 0;
	case OPT_PRIMARY:
		/* sysfs shows the primary only once it is enslaved. */
		prim = bond_primary_slave(b);
		if (prim)
			sb_puts(out, prim->name);
		return 0;
	case OPT_UPDELAY:
	case OPT_DOWNDELAY:
	case OPT_PEER_NOTIF_DELAY:
		sb_printf(out, "%u", *f * p->miimon);
		return 0;
	case OPT_ARP_IP_TARGET:
		put_addr_list(out, OPT_ARP_IP_TARGET, p);
		return 0;
	case OPT_NS_IP6_TARGET:
		put_addr_list(out, OPT_NS_IP6_TARGET, p);
		return 0;
	case OPT_SLAVES:
		for (unsigned i = 0; i < b->n_slaves; i++)
			sb_printf(out, "%s%s", i ? " " : "", b->slaves[i]->name);
		return 0;
	case OPT_QUEUE_ID:
		for (unsigned i = 0; i < b->n_slaves; i++)
			sb_printf(out, "%s%s:%u", i ? " " : "", b->slaves[i]->name,
				  b->slaves[i]->queue_id);
		return 0;
	case OPT_AD_ACTOR_SYSTEM:
		if (mode_is_lacp(p->mode))
			sb_puts(out, mac_fmt(p->ad_actor_system, mac));
		return 0;
	case OPT_AD_ACTOR_SYS_PRIO:
	case OPT_AD_USER_PORT_KEY:
		/* Empty outside 802.3ad, as sysfs shows them. */
		if (mode_is_lacp(p->mode))
			sb_printf(out, "%u", *f);
		return 0;
	/* On/off options sysfs prints as a bare number; the last three have
	 * no sysfs file and follow them. */
	case OPT_USE_CARRIER:
	case OPT_ALL_SLAVES_ACTIVE:
	case OPT_TLB_DYNAMIC_LB:
	case OPT_COUPLED_CONTROL:
	case OPT_BROADCAST_NEIGHBOR:
	case OPT_LACP_STRICT:
		sb_printf(out, "%u", *f);
		return 0;
	default:
		break;
	}
	if (!f) {
		err_set(err, -EINVAL, "option %s: cannot be read", name);
		return -EINVAL;
	}
	if (d->type == OPT_T_ENUM)
		sb_printf(out, "%s %u", opt_value_name(d->id, *f) ? opt_value_name(d->id, *f) :
			  "unknown", *f);
	else
		sb_printf(out, "%u", *f);
	return 0;
}
