/* Setting options: the dependency checks, the setters with their side
 * effects and opt_set_many(), the per-slave setter, and opt_check(), the
 * dry run on bare parameters the configuration check uses. Values are
 * parsed by the codec (opt_parse.c).
 *
 * Every set runs twice. The first pass runs the checks and the setters on a
 * copy of the bond's parameters, option after option in opt_id order (the
 * kernel's netlink order), so each option is checked against the state the
 * earlier ones produce. Only when the whole set passes does the second pass
 * run the same setters on the real parameters, this time logging warnings
 * and calling the bond's hooks (reselection, carrier, monitor timers). The
 * setters are deterministic and the hooks of one option never change what a
 * later option checks, so the second pass cannot fail where the first
 * succeeded; the one exception, bond_set_mode() refusing a mode bondd does
 * not implement, runs first and changes nothing when it fails. */
#include "opt_impl.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "lacp/lacp.h"
#include "mode.h"
#include "monitor.h"

/* One option being set: what its setter reads and writes. */
struct optx {
	struct bond *b;             /* slaves, admin state, hooks; NULL: opt_check() */
	struct bond_params *p;      /* a scratch copy while checking */
	const struct opt_desc *d;
	const char *name;           /* as the caller spelled it (alias) */
	const char *text;           /* the value, newline stripped */
	uint64_t val;               /* parsed value of table options */
	bool apply;                 /* second pass: log and call hooks */
	bool extra_changed;         /* changed state outside params */
	uint64_t now_ms;
	struct err *err;
};

typedef int (*setter_fn)(struct optx *x);

/* Field by field: a PENDING option is a no-op exactly when its setter
 * leaves every parameter as it was. */
static bool params_equal(const struct bond_params *a, const struct bond_params *b)
{
	for (unsigned i = 0; i < OPT__COUNT; i++) {
		const uint32_t *fa = opt_param_field((struct bond_params *)a, (enum opt_id)i);
		const uint32_t *fb = opt_param_field((struct bond_params *)b, (enum opt_id)i);

		if (fa && *fa != *fb)
			return false;
	}
	return a->n_arp_targets == b->n_arp_targets &&
	       !memcmp(a->arp_targets, b->arp_targets,
		       a->n_arp_targets * sizeof(a->arp_targets[0])) &&
	       a->n_ns_targets == b->n_ns_targets &&
	       !memcmp(a->ns_targets, b->ns_targets,
		       a->n_ns_targets * sizeof(a->ns_targets[0])) &&
	       !strcmp(a->primary, b->primary) &&
	       mac_eq(a->ad_actor_system, b->ad_actor_system);
}

/* ---- setters ----------------------------------------------------------- */

static int set_field(struct optx *x)
{
	*opt_param_field(x->p, x->d->id) = (uint32_t)x->val;
	return 0;
}

static int set_mode(struct optx *x)
{
	struct bond_params *p = x->p;
	uint32_t mode = (uint32_t)x->val;
	const struct mode_ops *m = mode_lookup(mode);

	if (x->apply) {
		int rc = bond_set_mode(x->b, mode, x->err);

		if (rc < 0)
			return rc;
	}
	/* Modes without the ARP monitor need the MII one. */
	if (!bond_mode_uses_arp(mode)) {
		p->arp_interval = 0;
		if (!p->miimon)
			p->miimon = 100;
	}
	if (m && m->forces_dynamic_lb)
		p->tlb_dynamic_lb = 1;
	/* Neither is carried over from one mode to the next. */
	p->arp_validate = 0;
	p->broadcast_neighbor = 0;
	p->mode = mode;
	return 0;
}

/* The first word, at most 15 characters (the kernel's "%15s"). */
static void first_word(const char *s, char out[BOND_NAME_MAX])
{
	size_t n = 0;

	while (isspace((unsigned char)*s))
		s++;
	while (*s && !isspace((unsigned char)*s) && n < BOND_NAME_MAX - 1)
		out[n++] = *s++;
	out[n] = '\0';
}

static int set_active_slave(struct optx *x)
{
	char name[BOND_NAME_MAX];
	struct slave *s;

	first_word(x->text, name);
	if (name[0]) {
		s = x->b ? bond_find_slave(x->b, name) : NULL;
		if (!s) {
			bool elsewhere = false;
			struct engine *e = x->b ? x->b->eng : NULL;

			for (unsigned i = 0; e && i < engine_bond_count(e); i++)
				if (bond_find_slave(engine_bond_at(e, i), name))
					elsewhere = true;
			err_set(x->err, -EINVAL, "(slave %s): %s", name,
				elsewhere ? "Device is not our slave" :
					    "Device is not bonding slave");
			return -EINVAL;
		}
		/* The kernel only switches from an existing active slave to
		 * one whose device and link are both up. */
		if (s != x->b->active && (!x->b->active || !slave_can_tx(s))) {
			err_set(x->err, -EINVAL,
				"(slave %s): Could not set as active slave; either %s is down or the link is down",
				name, name);
			return -EINVAL;
		}
	}
	if (x->apply)
		return bond_set_active_slave(x->b, name, x->now_ms, x->err);
	return 0;
}

static void monitor_changed(struct optx *x)
{
	/* The kernel restarts the monitor work at once when the bond is up. */
	if (x->apply && x->b->admin_up)
		monitor_bond_admin(x->b, x->now_ms);
}

static int set_miimon(struct optx *x)
{
	struct bond_params *p = x->p;

	p->miimon = (uint32_t)x->val;
	/* One monitor at a time: MII wins over ARP. */
	if (p->miimon && p->arp_interval) {
		p->arp_interval = 0;
		p->arp_validate = 0;
	}
	monitor_changed(x);
	return 0;
}

static int set_delay(struct optx *x, uint32_t *ticks, const char *what)
{
	uint32_t miimon = x->p->miimon;
	uint32_t ms = (uint32_t)x->val;

	if (!miimon) {
		err_set(x->err, -EPERM, "Unable to set %s as MII monitoring is disabled", what);
		return -EPERM;
	}
	if (ms % miimon && x->apply)
		bond_log(x->b, NULL, LOG_WARN_,
			 "%s (%d) is not a multiple of miimon (%d), value rounded to %d ms",
			 what, (int)ms, (int)miimon, (int)(ms / miimon * miimon));
	*ticks = ms / miimon;
	return 0;
}

static int set_updelay(struct optx *x)
{
	return set_delay(x, &x->p->updelay, "up delay");
}

static int set_downdelay(struct optx *x)
{
	return set_delay(x, &x->p->downdelay, "down delay");
}

static int set_peer_notif_delay(struct optx *x)
{
	return set_delay(x, &x->p->peer_notif_delay, "peer notification delay");
}

static int set_use_carrier(struct optx *x)
{
	if (x->val != 1) {
		err_set(x->err, -EINVAL,
			"option %s: invalid value (%s); use_carrier=0 (MII/ethtool link polling) was removed in Linux 6.18: only 1 (on) is accepted",
			x->name, x->text);
		return -EINVAL;
	}
	x->p->use_carrier = 1;
	return 0;
}

static int set_arp_interval(struct optx *x)
{
	struct bond_params *p = x->p;

	p->arp_interval = (uint32_t)x->val;
	/* One monitor at a time: ARP wins over MII. */
	if (p->arp_interval && p->miimon)
		p->miimon = 0;
	monitor_changed(x);
	return 0;
}

/* ---- address lists (arp_ip_target, ns_ip6_target) ---------------------- */

static int set_addr_list(struct optx *x)
{
	enum opt_id id = x->d->id;
	struct opt_addrs l;
	unsigned before;
	int rc;

	opt_addrs_from_params(id, x->p, &l);
	before = l.n;
	rc = opt_addrs_apply(id, &l, x->text, x->err);
	if (rc < 0)
		return rc;
	if (x->text[0] == '-' && before == 1 && x->p->arp_interval && x->apply)
		bond_log(x->b, NULL, LOG_WARN_, "Removing last %s target with arp_interval on",
			 id == OPT_ARP_IP_TARGET ? "arp" : "ns");
	opt_addrs_to_params(id, &l, x->p);
	return 0;
}

/* ---- the rest ---------------------------------------------------------- */

static int set_primary(struct optx *x)
{
	struct slave *old = x->apply ? bond_primary_slave(x->b) : NULL;
	struct slave *s;

	/* The whole value names the device, cut to IFNAMSIZ - 1 as the
	 * kernel's strscpy does. */
	snprintf(x->p->primary, sizeof(x->p->primary), "%s", x->text);
	if (!x->apply)
		return 0;
	if (!x->p->primary[0]) {
		bond_reselect(x->b, x->now_ms);
		return 0;
	}
	s = bond_find_slave(x->b, x->p->primary);
	if (s) {
		/* A newly named primary takes over whatever primary_reselect says. */
		x->b->force_primary = true;
		x->b->active_why = "primary set";
		bond_reselect(x->b, x->now_ms);
		x->b->active_why = NULL;
	} else if (old) {
		/* Remembered for a later enslave; the old primary is one no more. */
		bond_reselect(x->b, x->now_ms);
	}
	return 0;
}

static int set_primary_reselect(struct optx *x)
{
	x->p->primary_reselect = (uint32_t)x->val;
	if (x->apply) {
		x->b->active_why = "primary_reselect changed";
		bond_reselect(x->b, x->now_ms);
		x->b->active_why = NULL;
	}
	return 0;
}

static int set_all_slaves_active(struct optx *x)
{
	if (x->p->all_slaves_active == x->val)
		return 0;
	x->p->all_slaves_active = (uint32_t)x->val;
	if (x->apply)
		bond_refresh_roles(x->b);
	return 0;
}

static int set_min_links(struct optx *x)
{
	x->p->min_links = (uint32_t)x->val;
	if (x->apply)
		bond_update_carrier(x->b);
	return 0;
}

static int set_ad_actor_system(struct optx *x)
{
	return opt_parse_mac(x->text, x->p->ad_actor_system, x->err);
}

/* "ifname:qid": the kernel refuses every bad input with -EPERM. */
static int set_queue_id(struct optx *x)
{
	unsigned n_slaves = x->b ? x->b->n_slaves : 0;
	char name[BOND_NAME_MAX];
	struct slave *s;
	uint16_t qid;
	int rc;

	rc = opt_parse_queue_id(x->name, x->text, name, &qid, x->err);
	if (rc < 0)
		return rc;
	if (qid > x->p->tx_queues) {
		err_set(x->err, -EPERM, "option %s: queue id %u is above the number of tx queues (%u)",
			x->name, (unsigned)qid, x->p->tx_queues);
		return -EPERM;
	}
	s = x->b ? bond_find_slave(x->b, name) : NULL;
	if (!s) {
		err_set(x->err, -EPERM, "option %s: %s is not a slave of this bond", x->name, name);
		return -EPERM;
	}
	for (unsigned i = 0; qid && i < n_slaves; i++)
		if (x->b->slaves[i] != s && x->b->slaves[i]->queue_id == qid) {
			err_set(x->err, -EPERM, "option %s: queue id %u is already used by %s",
				x->name, (unsigned)qid, x->b->slaves[i]->name);
			return -EPERM;
		}
	/* The packet data path reads frames from a TAP of one queue, where
	 * the queue tc chose is lost: refused there rather than ignored. */
	if (qid && !x->b->queue_ids_ok) {
		err_set(x->err, -EOPNOTSUPP, "option %s: %s cannot steer by queue: its data path does "
			"not see a frame's transmit queue (the packet data path; queue ids need "
			"bondd --datapath ebpf)", x->name, x->b->name);
		return -EOPNOTSUPP;
	}
	x->extra_changed = s->queue_id != qid;
	if (x->apply)
		s->queue_id = qid;
	return 0;
}

static const setter_fn setters[OPT__COUNT] = {
	[OPT_MODE] = set_mode,
	[OPT_ACTIVE_SLAVE] = set_active_slave,
	[OPT_MIIMON] = set_miimon,
	[OPT_UPDELAY] = set_updelay,
	[OPT_DOWNDELAY] = set_downdelay,
	[OPT_PEER_NOTIF_DELAY] = set_peer_notif_delay,
	[OPT_USE_CARRIER] = set_use_carrier,
	[OPT_ARP_INTERVAL] = set_arp_interval,
	[OPT_ARP_IP_TARGET] = set_addr_list,
	[OPT_NS_IP6_TARGET] = set_addr_list,
	[OPT_ARP_VALIDATE] = set_field,
	[OPT_ARP_ALL_TARGETS] = set_field,
	[OPT_PRIMARY] = set_primary,
	[OPT_PRIMARY_RESELECT] = set_primary_reselect,
	[OPT_FAIL_OVER_MAC] = set_field,
	[OPT_XMIT_HASH_POLICY] = set_field,
	[OPT_RESEND_IGMP] = set_field,
	[OPT_NUM_PEER_NOTIF] = set_field,
	[OPT_ALL_SLAVES_ACTIVE] = set_all_slaves_active,
	[OPT_MIN_LINKS] = set_min_links,
	[OPT_LP_INTERVAL] = set_field,
	[OPT_PACKETS_PER_SLAVE] = set_field,
	[OPT_LACP_ACTIVE] = set_field,
	[OPT_LACP_RATE] = set_field,
	[OPT_AD_SELECT] = set_field,
	[OPT_AD_ACTOR_SYS_PRIO] = set_field,
	[OPT_AD_USER_PORT_KEY] = set_field,
	[OPT_AD_ACTOR_SYSTEM] = set_ad_actor_system,
	[OPT_TLB_DYNAMIC_LB] = set_field,
	[OPT_ARP_MISSED_MAX] = set_field,
	[OPT_COUPLED_CONTROL] = set_field,
	[OPT_BROADCAST_NEIGHBOR] = set_field,
	[OPT_LACP_STRICT] = set_field,
	[OPT_QUEUE_ID] = set_queue_id,
};

/* ---- display of a default, for the PENDING refusal --------------------- */

static void format_default(enum opt_id id, struct strbuf *out)
{
	struct bond_params def;
	const uint32_t *f;

	opt_defaults(&def);
	f = opt_param_field(&def, id);
	if (id == OPT_AD_ACTOR_SYSTEM) {
		char mac[18];

		sb_puts(out, mac_fmt(def.ad_actor_system, mac));
	} else if (id == OPT_ARP_IP_TARGET || id == OPT_NS_IP6_TARGET) {
		sb_puts(out, "(no target)");
	} else if (f && opt_value_name(id, *f)) {
		sb_puts(out, opt_value_name(id, *f));
	} else if (f) {
		sb_printf(out, "%u", *f);
	} else if (id == OPT_AD_ACTOR_PORT_PRIO) {
		const struct opt_value *v = opt_value_with_flag(&opt_table[id], OPTV_DEFAULT);

		sb_printf(out, "%llu", v ? (unsigned long long)v->value : 0ULL);
	} else {
		sb_puts(out, "0");  /* queue_id */
	}
}

static int err_pending(const struct opt_desc *d, const char *name, struct err *err)
{
	struct strbuf def;

	sb_init(&def);
	format_default(d->id, &def);
	err_set(err, -EOPNOTSUPP,
		"option %s: not supported by bondd yet (only the default %s is accepted)",
		name, sb_str(&def));
	sb_free(&def);
	return -EOPNOTSUPP;
}

/* ---- one option: dependencies, parse, PENDING, setter ------------------ */

static int run_one(struct optx *x)
{
	const struct opt_desc *d = x->d;
	char text[VALUE_MAX];
	int rc;

	if (!(d->modes & MODE_BIT(x->p->mode))) {
		err_set(x->err, -EACCES,
			"option %s: mode dependency failed, not supported in mode %s(%u)",
			x->name, opt_mode_name(x->p->mode), x->p->mode);
		return -EACCES;
	}
	if ((d->flags & OPT_NOSLAVES) && x->b && x->b->n_slaves) {
		err_set(x->err, -ENOTEMPTY,
			"option %s: unable to set because the bond device has slaves", x->name);
		return -ENOTEMPTY;
	}
	if ((d->flags & OPT_IFDOWN) && x->b && x->b->admin_up) {
		err_set(x->err, -EBUSY,
			"option %s: unable to set because the bond device is up", x->name);
		return -EBUSY;
	}
	if (opt_strip_value(x->text, text, sizeof(text)) < 0) {
		err_set(x->err, -EINVAL, "option %s: invalid value (too long)", x->name);
		return -EINVAL;
	}
	x->text = text;
	if (!(d->flags & OPT_RAWVAL) && opt_parse_table(d, text, &x->val) < 0)
		return opt_err_invalid(d, x->name, text, x->err);

	if (d->flags & OPT_PENDING) {
		struct bond_params scratch = *x->p;
		struct optx y = *x;

		y.p = &scratch;
		y.apply = false;
		rc = setters[d->id](&y);
		if (rc < 0)
			return rc;
		if (y.extra_changed || !params_equal(&scratch, x->p))
			return err_pending(d, x->name, x->err);
		return 0;       /* the value it already has: nothing to do */
	}
	return setters[d->id](x);
}

int opt_set_many(struct bond *b, unsigned n, const char *const names[],
		 const char *const values[], uint64_t now_ms, struct err *err)
{
	const char *name_of[OPT__COUNT] = { 0 };
	const char *value_of[OPT__COUNT] = { 0 };
	struct bond_params sim;
	int rc;

	err_clear(err);
	for (unsigned i = 0; i < n; i++) {
		const struct opt_desc *d = opt_find(names[i]);

		if (!d)
			return opt_err_unknown(names[i], err);
		if (d->flags & OPT_PER_SLAVE) {
			err_set(err, -EINVAL, "option %s: is a per-slave option: set it on the slave",
				names[i]);
			return -EINVAL;
		}
		if (d->flags & OPT_MODULE) {
			err_set(err, -EINVAL, "option %s: is a module parameter, not a bond option",
				names[i]);
			return -EINVAL;
		}
		if (!setters[d->id]) {
			/* "slaves": the daemon intercepts it, it needs the OS. */
			err_set(err, -EOPNOTSUPP, "option %s: handled by the daemon (enslave/release)",
				names[i]);
			return -EOPNOTSUPP;
		}
		/* Given twice: the last one wins. */
		name_of[d->id] = names[i];
		value_of[d->id] = values[i] ? values[i] : "";
	}

	sim = b->params;
	for (unsigned pass = 0; pass < 2; pass++) {
		for (unsigned id = 0; id < OPT__COUNT; id++) {
			struct optx x = {
				.b = b, .p = pass ? &b->params : &sim, .d = &opt_table[id],
				.name = name_of[id], .text = value_of[id], .apply = pass == 1,
				.now_ms = now_ms, .err = err,
			};

			if (!name_of[id])
				continue;
			rc = run_one(&x);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int opt_set(struct bond *b, const char *name, const char *value, uint64_t now_ms,
	    struct err *err)
{
	return opt_set_many(b, 1, &name, &value, now_ms, err);
}

/* The checks of opt_set_many() on bare parameters: the bond has no slaves
 * and is down, and nothing is logged or called. */
int opt_check(struct bond_params *p, const char *name, const char *value, struct err *err)
{
	const struct opt_desc *d = opt_find(name);
	struct bond_params sim = *p;
	struct optx x = {
		.p = &sim, .name = name, .text = value ? value : "", .err = err,
	};
	int rc;

	err_clear(err);
	if (!d)
		return opt_err_unknown(name, err);
	if (d->flags & OPT_PER_SLAVE) {
		err_set(err, -EINVAL, "option %s: is a per-slave option: set it on the slave", name);
		return -EINVAL;
	}
	if (d->flags & OPT_MODULE) {
		err_set(err, -EINVAL, "option %s: is a module parameter, not a bond option", name);
		return -EINVAL;
	}
	if (!setters[d->id]) {
		err_set(err, -EOPNOTSUPP, "option %s: handled by the daemon (enslave/release)", name);
		return -EOPNOTSUPP;
	}
	x.d = d;
	rc = run_one(&x);
	if (rc < 0)
		return rc;
	/* What bond_set_mode() refuses when the mode is applied. */
	if (d->id == OPT_MODE && !mode_lookup(sim.mode)) {
		err_set(err, -EOPNOTSUPP, "option mode: mode %u is not supported by bondd yet",
			sim.mode);
		return -EOPNOTSUPP;
	}
	*p = sim;
	return 0;
}

int opt_slave_set(struct slave *s, const char *name, const char *value,
		  uint64_t now_ms, struct err *err)
{
	const struct opt_desc *d = NULL;
	struct bond *b = s->bond;
	char text[VALUE_MAX];
	uint64_t v = 0;
	int32_t prio = 0;
	int rc;

	err_clear(err);
	rc = opt_find_slave_opt(name, &d, err);
	if (rc < 0)
		return rc;
	if (!(d->modes & MODE_BIT(b->params.mode))) {
		err_set(err, -EACCES,
			"option %s: mode dependency failed, not supported in mode %s(%u)",
			name, opt_mode_name(b->params.mode), b->params.mode);
		return -EACCES;
	}
	if (opt_strip_value(value, text, sizeof(text)) < 0) {
		err_set(err, -EINVAL, "option %s: invalid value (too long)", name);
		return -EINVAL;
	}
	if (d->type == OPT_T_INT ? opt_parse_s32(text, &prio) < 0 : opt_parse_table(d, text, &v) < 0)
		return opt_err_invalid(d, name, text, err);

	switch (d->id) {
	case OPT_PRIO:
		s->prio = prio;
		/* A primary outranks every prio. */
		if (bond_primary_slave(b))
			bond_log(b, s, LOG_WARN_,
				 "prio updated, but will not affect failover re-selection as primary slave have been set");
		else
			bond_reselect(b, now_ms);
		return 0;
	case OPT_AD_ACTOR_PORT_PRIO:
		if ((d->flags & OPT_PENDING) && v != s->ad_actor_port_prio)
			return err_pending(d, name, err);
		s->ad_actor_port_prio = (uint16_t)v;
		/* The partner hears the new priority at once, and
		 * ad_select=actor_port_prio weighs it. */
		if (b->mode->lacp)
			lacp_port_prio_changed(b);
		return 0;
	default:
		err_set(err, -EINVAL, "option %s: cannot be set on a slave", name);
		return -EINVAL;
	}
}
