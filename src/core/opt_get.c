/* Reading options: a bond option or a per-slave option as sysfs prints it
 * (the text `bondctl get` shows), without the trailing newline. */
#include "opt_impl.h"

#include <errno.h>
#include <string.h>

#include "bond.h"
#include "mode.h"
#include "lacp/lacp.h"

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

/* ---- values as a configuration writes them ------------------------------ */

int opt_param_text(const struct bond_params *p, enum opt_id id, struct strbuf *out)
{
	const struct opt_desc *d;
	const uint32_t *f;
	struct opt_addrs l;
	char mac[18];

	if ((unsigned)id >= OPT__COUNT)
		return -ENOENT;
	d = &opt_table[id];
	if (d->flags & (OPT_PER_SLAVE | OPT_MODULE))
		return -ENOENT;
	f = opt_param_field((struct bond_params *)p, id);
	switch (id) {
	case OPT_ACTIVE_SLAVE:
	case OPT_QUEUE_ID:
	case OPT_SLAVES:
		return -ENOENT;
	case OPT_PRIMARY:
		sb_puts(out, p->primary);
		return 0;
	case OPT_UPDELAY:
	case OPT_DOWNDELAY:
	case OPT_PEER_NOTIF_DELAY:
		/* kept in miimon ticks, set and written in ms */
		sb_printf(out, "%u", *f * p->miimon);
		return 0;
	case OPT_ARP_IP_TARGET:
	case OPT_NS_IP6_TARGET:
		opt_addrs_from_params(id, p, &l);
		opt_addrs_print(id, &l, ",", out);
		return 0;
	case OPT_AD_ACTOR_SYSTEM:
		sb_puts(out, mac_fmt(p->ad_actor_system, mac));
		return 0;
	default:
		break;
	}
	if (!f)
		return -ENOENT;
	if (d->type == OPT_T_ENUM && opt_value_name(id, *f))
		sb_puts(out, opt_value_name(id, *f));
	else
		sb_printf(out, "%u", *f);
	return 0;
}

void opt_params_conf(const struct bond_params *p,
		     void (*put)(void *ctx, const char *name, const char *value), void *ctx)
{
	struct bond_params def;
	struct strbuf now, was;
	struct err e;

	/* What a new bond of this mode starts with: the defaults, then the
	 * mode set as a configuration sets it first. */
	opt_defaults(&def);
	if (opt_value_name(OPT_MODE, p->mode) &&
	    opt_check(&def, "mode", opt_value_name(OPT_MODE, p->mode), &e) < 0)
		def.mode = p->mode;
	sb_init(&now);
	sb_init(&was);
	for (unsigned i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *d = &opt_table[i];

		sb_reset(&now);
		sb_reset(&was);
		if (opt_param_text(p, d->id, &now) < 0)
			continue;
		if (d->id != OPT_MODE) {
			if (!(d->modes & MODE_BIT(p->mode)))
				continue;
			opt_param_text(&def, d->id, &was);
			if (!strcmp(sb_str(&now), sb_str(&was)))
				continue;
		}
		put(ctx, d->name, sb_str(&now));
	}
	sb_free(&now);
	sb_free(&was);
}

/* ---- read-only 802.3ad attributes (sysfs files that are not options) ---- */

const char *const opt_ro_bond_attrs[] = {
	"ad_aggregator", "ad_num_ports", "ad_actor_key", "ad_partner_key",
	"ad_partner_mac", NULL,
};

const char *const opt_ro_slave_attrs[] = {
	"ad_aggregator_id", "ad_actor_oper_port_state", "ad_partner_oper_port_state",
	NULL,
};

static bool in_list(const char *const *l, const char *name)
{
	for (; *l; l++)
		if (!strcmp(*l, name))
			return true;
	return false;
}

/* bond_sysfs.c: empty outside 802.3ad; the aggregator id and port count
 * are 0 without an active aggregator; the keys (-1 without one) and the
 * partner MAC (empty without one) only for CAP_NET_ADMIN readers. */
int opt_get_ro(const struct bond *b, const char *name, bool privileged,
	       struct strbuf *out)
{
	const struct lacp_agg *agg;
	char mac[18];

	if (!in_list(opt_ro_bond_attrs, name))
		return -ENOENT;
	if (!b->mode->lacp)
		return 0;
	agg = lacp_active_agg(b);
	if (!strcmp(name, "ad_aggregator")) {
		sb_printf(out, "%u", agg ? agg->id : 0);
	} else if (!strcmp(name, "ad_num_ports")) {
		sb_printf(out, "%u", agg ? lacp_agg_active_ports(b, agg) : 0);
	} else if (!privileged) {
		return 0;
	} else if (!strcmp(name, "ad_actor_key")) {
		if (agg)
			sb_printf(out, "%u", agg->actor_key);
		else
			sb_puts(out, "-1");
	} else if (!strcmp(name, "ad_partner_key")) {
		if (agg)
			sb_printf(out, "%u", agg->partner_key);
		else
			sb_puts(out, "-1");
	} else if (agg) {
		sb_puts(out, mac_fmt(agg->partner_system, mac));
	}
	return 0;
}

/* bond_sysfs_slave.c: "N/A" outside 802.3ad and while the port has no
 * aggregator. */
int opt_slave_get_ro(const struct bond *b, const struct slave *s, const char *name,
		     struct strbuf *out)
{
	const struct lacp_port *p;

	if (!in_list(opt_ro_slave_attrs, name))
		return -ENOENT;
	p = b->mode->lacp ? lacp_port_of(s) : NULL;
	if (!p || !p->agg)
		sb_puts(out, "N/A");
	else if (!strcmp(name, "ad_aggregator_id"))
		sb_printf(out, "%u", p->agg->id);
	else if (!strcmp(name, "ad_actor_oper_port_state"))
		sb_printf(out, "%u", p->actor_state);
	else
		sb_printf(out, "%u", p->partner.state);
	return 0;
}
