/* The option parser and setters: the kernel's bond_opt_parse(), dependency
 * checks, setters with their side effects, and the sysfs read formats, all
 * driven by opt_table (opt_table.c).
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
#include "opt.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "monitor.h"

#define VALUE_MAX 1024      /* longest value text accepted */
#define WORD_MAX  32        /* the kernel compares at most 32 characters */

/* One option being set: what its setter reads and writes. */
struct optx {
	struct bond *b;             /* slaves, admin state, hooks */
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

/* ---- table lookups ------------------------------------------------------ */

static const struct opt_value *value_with_flag(const struct opt_desc *d, unsigned flag)
{
	for (const struct opt_value *v = d->values; v && v->name; v++)
		if (v->flags & flag)
			return v;
	return NULL;
}

static bool name_is(const struct opt_desc *d, const char *name)
{
	return !strcmp(d->name, name) || (d->alias && !strcmp(d->alias, name));
}

const struct opt_desc *opt_find(const char *name)
{
	if (!name)
		return NULL;
	for (unsigned i = 0; i < OPT__COUNT; i++)
		if (opt_table[i].name && name_is(&opt_table[i], name))
			return &opt_table[i];
	return NULL;
}

const char *opt_value_name(enum opt_id id, uint64_t value)
{
	const struct opt_desc *d = NULL;

	if ((unsigned)id >= OPT__COUNT)
		return NULL;
	d = &opt_table[id];
	if (d->type != OPT_T_ENUM)
		return NULL;
	for (const struct opt_value *v = d->values; v && v->name; v++)
		if (v->value == value)
			return v->name;
	return NULL;
}

static const char *mode_name(uint32_t mode)
{
	const char *n = opt_value_name(OPT_MODE, mode);

	return n ? n : "unknown";
}

static int err_unknown(const char *name, struct err *err)
{
	const char *best = NULL;
	unsigned best_d = UINT_MAX, limit;

	if (!name)
		name = "";
	limit = strlen(name) / 3 > 2 ? (unsigned)strlen(name) / 3 : 2;
	for (unsigned i = 0; i < OPT__COUNT; i++) {
		const char *cand[2] = { opt_table[i].name, opt_table[i].alias };

		for (unsigned k = 0; k < 2; k++) {
			unsigned dist;

			if (!cand[k])
				continue;
			dist = edit_distance(name, cand[k], false);
			if (dist < best_d) {
				best_d = dist;
				best = cand[k];
			}
		}
	}
	if (best && best_d <= limit)
		err_set(err, -ENOENT, "unknown option '%s' (did you mean '%s'?)", name, best);
	else
		err_set(err, -ENOENT, "unknown option '%s'", name);
	return -ENOENT;
}

/* ---- parsing (bond_opt_parse) ------------------------------------------ */

/* Returns 0 and the value, or -1. Text of digits and blanks is a number
 * matched against the table's values, then against [min, max] when the
 * table has a MAX entry; anything else is a word matched against the
 * names, "default" picking the DEFAULT entry. */
static int parse_table(const struct opt_desc *d, const char *s, uint64_t *out)
{
	const char *p;

	if (!d->values)
		return -1;
	for (p = s; *p; p++)
		if (!isdigit((unsigned char)*p) && !isspace((unsigned char)*p))
			break;
	if (!*p) {
		const struct opt_value *mn, *mx;
		uint64_t v = 0;
		bool overflow = false;

		while (isspace((unsigned char)*s))
			s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		for (; isdigit((unsigned char)*s); s++) {
			unsigned digit = (unsigned)(*s - '0');

			if (v > (UINT64_MAX - digit) / 10)
				overflow = true;
			else
				v = v * 10 + digit;
		}
		if (overflow)
			return -1;
		for (const struct opt_value *e = d->values; e->name; e++)
			if (e->value == v) {
				*out = v;
				return 0;
			}
		mn = value_with_flag(d, OPTV_MIN);
		mx = value_with_flag(d, OPTV_MAX);
		if (!mx || v > mx->value || (mn && v < mn->value))
			return -1;
		*out = v;
		return 0;
	} else {
		char word[WORD_MAX + 1];
		size_t n = 0;

		while (isspace((unsigned char)*s))
			s++;
		while (*s && !isspace((unsigned char)*s) && n < WORD_MAX)
			word[n++] = *s++;
		word[n] = '\0';
		for (const struct opt_value *e = d->values; e->name; e++)
			if ((!strcmp(word, "default") && (e->flags & OPTV_DEFAULT)) ||
			    !strcmp(word, e->name)) {
				*out = e->value;
				return 0;
			}
		return -1;
	}
}

static int err_invalid(const struct opt_desc *d, const char *name, const char *text,
		       struct err *err)
{
	const struct opt_value *mn = value_with_flag(d, OPTV_MIN);
	const struct opt_value *mx = value_with_flag(d, OPTV_MAX);

	if (mx)
		err_set(err, -EINVAL,
			"option %s: invalid value (%s); option %s: allowed values %llu - %llu",
			name, text, name, mn ? (unsigned long long)mn->value : 0ULL,
			(unsigned long long)mx->value);
	else
		err_set(err, -EINVAL, "option %s: invalid value (%s)", name, text);
	return -EINVAL;
}

/* Copies value into buf up to the first newline, as the kernel strips it. */
static int strip_value(const char *value, char *buf, size_t size)
{
	size_t n = strcspn(value ? value : "", "\n");

	if (n >= size)
		return -1;
	memcpy(buf, value ? value : "", n);
	buf[n] = '\0';
	return 0;
}

int opt_parse(enum opt_id id, const char *text, uint64_t *value, struct err *err)
{
	char buf[VALUE_MAX];
	const struct opt_desc *d = NULL;

	if ((unsigned)id >= OPT__COUNT || !opt_table[id].values ||
	    (opt_table[id].flags & OPT_RAWVAL)) {
		err_set(err, -EINVAL, "option %s: has no numeric or named values",
			(unsigned)id < OPT__COUNT ? opt_table[id].name : "?");
		return -EINVAL;
	}
	d = &opt_table[id];
	if (strip_value(text, buf, sizeof(buf)) < 0) {
		err_set(err, -EINVAL, "option %s: invalid value (too long)", d->name);
		return -EINVAL;
	}
	if (parse_table(d, buf, value) < 0)
		return err_invalid(d, d->name, buf, err);
	return 0;
}

/* ---- parameters ------------------------------------------------------- */

/* The u32 parameter an option sets, NULL for options stored elsewhere. The
 * delays hold miimon ticks, not the ms that were given. */
static uint32_t *param_field(struct bond_params *p, enum opt_id id)
{
	switch (id) {
	case OPT_MODE:              return &p->mode;
	case OPT_MIIMON:            return &p->miimon;
	case OPT_UPDELAY:           return &p->updelay;
	case OPT_DOWNDELAY:         return &p->downdelay;
	case OPT_PEER_NOTIF_DELAY:  return &p->peer_notif_delay;
	case OPT_USE_CARRIER:       return &p->use_carrier;
	case OPT_ARP_INTERVAL:      return &p->arp_interval;
	case OPT_ARP_VALIDATE:      return &p->arp_validate;
	case OPT_ARP_ALL_TARGETS:   return &p->arp_all_targets;
	case OPT_PRIMARY_RESELECT:  return &p->primary_reselect;
	case OPT_FAIL_OVER_MAC:     return &p->fail_over_mac;
	case OPT_XMIT_HASH_POLICY:  return &p->xmit_policy;
	case OPT_RESEND_IGMP:       return &p->resend_igmp;
	case OPT_NUM_PEER_NOTIF:    return &p->num_peer_notif;
	case OPT_ALL_SLAVES_ACTIVE: return &p->all_slaves_active;
	case OPT_MIN_LINKS:         return &p->min_links;
	case OPT_LP_INTERVAL:       return &p->lp_interval;
	case OPT_PACKETS_PER_SLAVE: return &p->packets_per_slave;
	case OPT_LACP_ACTIVE:       return &p->lacp_active;
	case OPT_LACP_RATE:         return &p->lacp_rate;
	case OPT_AD_SELECT:         return &p->ad_select;
	case OPT_AD_ACTOR_SYS_PRIO: return &p->ad_actor_sys_prio;
	case OPT_AD_USER_PORT_KEY:  return &p->ad_user_port_key;
	case OPT_TLB_DYNAMIC_LB:    return &p->tlb_dynamic_lb;
	case OPT_ARP_MISSED_MAX:    return &p->missed_max;
	case OPT_COUPLED_CONTROL:   return &p->coupled_control;
	case OPT_BROADCAST_NEIGHBOR: return &p->broadcast_neighbor;
	case OPT_LACP_STRICT:       return &p->lacp_strict;
	case OPT_TX_QUEUES:         return &p->tx_queues;
	default:                    return NULL;
	}
}

void opt_defaults(struct bond_params *p)
{
	memset(p, 0, sizeof(*p));
	/* Every default comes from the table's DEFAULT entries; options
	 * without one (lacp_rate, peer_notif_delay) default to 0. */
	for (unsigned i = 0; i < OPT__COUNT; i++) {
		uint32_t *f = param_field(p, (enum opt_id)i);
		const struct opt_value *def = value_with_flag(&opt_table[i], OPTV_DEFAULT);

		if (f && def && opt_table[i].type != OPT_T_INT)
			*f = (uint32_t)def->value;
	}
}

/* Field by field: a PENDING option is a no-op exactly when its setter
 * leaves every parameter as it was. */
static bool params_equal(const struct bond_params *a, const struct bond_params *b)
{
	for (unsigned i = 0; i < OPT__COUNT; i++) {
		const uint32_t *fa = param_field((struct bond_params *)a, (enum opt_id)i);
		const uint32_t *fb = param_field((struct bond_params *)b, (enum opt_id)i);

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
	*param_field(x->p, x->d->id) = (uint32_t)x->val;
	return 0;
}

static int set_mode(struct optx *x)
{
	struct bond_params *p = x->p;
	uint32_t mode = (uint32_t)x->val;

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
	if (mode == BOND_MODE_ALB)
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
		s = bond_find_slave(x->b, name);
		if (!s) {
			bool elsewhere = false;
			struct engine *e = x->b->eng;

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

struct addr_kind {
	int af;
	size_t len;                 /* 4 or 16 */
	const char *what;           /* "ARP" or "NS" */
};

static const struct addr_kind kind_v4 = { AF_INET, 4, "ARP" };
static const struct addr_kind kind_v6 = { AF_INET6, 16, "NS" };

/* bond_is_ip_target_ok / bond_is_ip6_target_ok */
static bool addr_target_ok(const struct addr_kind *k, const uint8_t *a)
{
	static const uint8_t any6[16], loop6[16] = { [15] = 1 };

	if (k->af == AF_INET)
		return a[0] != 0 && !(a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255);
	return memcmp(a, any6, 16) && memcmp(a, loop6, 16) && a[0] != 0xff;
}

static const char *addr_fmt(const struct addr_kind *k, const uint8_t *a, char *buf,
			    size_t size)
{
	if (!inet_ntop(k->af, a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

/* The list as plain arrays: n entries of k->len bytes at base. */
struct addr_list {
	uint8_t *base;
	unsigned *n;
};

static struct addr_list list_of(struct bond_params *p, const struct addr_kind *k)
{
	if (k->af == AF_INET)
		return (struct addr_list){ (uint8_t *)p->arp_targets, &p->n_arp_targets };
	return (struct addr_list){ &p->ns_targets[0][0], &p->n_ns_targets };
}

static int list_find(const struct addr_kind *k, struct addr_list l, const uint8_t *a)
{
	for (unsigned i = 0; i < *l.n; i++)
		if (!memcmp(l.base + i * k->len, a, k->len))
			return (int)i;
	return -1;
}

static int list_add(struct optx *x, const struct addr_kind *k, struct addr_list l,
		    const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (!addr_target_ok(k, a)) {
		err_set(x->err, -EINVAL, "invalid %s target %s specified for addition", k->what,
			addr_fmt(k, a, buf, sizeof(buf)));
		return -EINVAL;
	}
	if (list_find(k, l, a) >= 0) {
		err_set(x->err, -EINVAL, "%s target %s is already present", k->what,
			addr_fmt(k, a, buf, sizeof(buf)));
		return -EINVAL;
	}
	if (*l.n >= BOND_MAX_ARP_TARGETS) {
		err_set(x->err, -EINVAL, "%s target table is full!", k->what);
		return -EINVAL;
	}
	memcpy(l.base + (*l.n)++ * k->len, a, k->len);
	return 0;
}

static int list_remove(struct optx *x, const struct addr_kind *k, struct addr_list l,
		       const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];
	int i;

	if (!addr_target_ok(k, a)) {
		err_set(x->err, -EINVAL, "invalid %s target %s specified for removal", k->what,
			addr_fmt(k, a, buf, sizeof(buf)));
		return -EINVAL;
	}
	i = list_find(k, l, a);
	if (i < 0) {
		err_set(x->err, -EINVAL, "unable to remove nonexistent %s target %s", k->what,
			addr_fmt(k, a, buf, sizeof(buf)));
		return -EINVAL;
	}
	if (*l.n == 1 && x->p->arp_interval && x->apply)
		bond_log(x->b, NULL, LOG_WARN_, "Removing last %s target with arp_interval on",
			 k->af == AF_INET ? "arp" : "ns");
	/* Later targets move down: the list stays compact and ordered. */
	memmove(l.base + (size_t)i * k->len, l.base + ((size_t)i + 1) * k->len,
		(*l.n - (unsigned)i - 1) * k->len);
	(*l.n)--;
	return 0;
}

/* "+addr" adds, "-addr" removes (the sysfs commands); anything else is a
 * list separated by commas or blanks that replaces the whole set (module
 * parameter, BONDING_OPTS and netlink form); empty clears it. */
static int set_addr_list(struct optx *x, const struct addr_kind *k)
{
	struct addr_list l = list_of(x->p, k);
	uint8_t a[16];
	const char *s = x->text;

	if (s[0] == '+' || s[0] == '-') {
		char tok[INET6_ADDRSTRLEN + 1];
		size_t n = strcspn(s + 1, " \t");

		if (n >= sizeof(tok) || (memcpy(tok, s + 1, n), tok[n] = '\0',
					 inet_pton(k->af, tok, a) != 1)) {
			err_set(x->err, -EPERM, "invalid %s target specified", k->what);
			return -EPERM;
		}
		return s[0] == '+' ? list_add(x, k, l, a) : list_remove(x, k, l, a);
	}

	*l.n = 0;
	while (*s) {
		char tok[INET6_ADDRSTRLEN + 1];
		size_t n;
		int rc;

		s += strspn(s, ", \t");
		n = strcspn(s, ", \t");
		if (!n)
			break;
		if (n >= sizeof(tok) || (memcpy(tok, s, n), tok[n] = '\0',
					 inet_pton(k->af, tok, a) != 1)) {
			err_set(x->err, -EPERM,
				"invalid %s target %.*s specified: use +<addr> or -<addr>, or a comma-separated list of addresses",
				k->what, (int)(n > 64 ? 64 : n), s);
			return -EPERM;
		}
		rc = list_add(x, k, l, a);
		if (rc < 0)
			return rc;
		s += n;
	}
	return 0;
}

static int set_arp_ip_target(struct optx *x)
{
	return set_addr_list(x, &kind_v4);
}

static int set_ns_ip6_target(struct optx *x)
{
	return set_addr_list(x, &kind_v6);
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
		bond_reselect(x->b, x->now_ms);
	} else if (old) {
		/* Remembered for a later enslave; the old primary is one no more. */
		bond_reselect(x->b, x->now_ms);
	}
	return 0;
}

static int set_primary_reselect(struct optx *x)
{
	x->p->primary_reselect = (uint32_t)x->val;
	if (x->apply)
		bond_reselect(x->b, x->now_ms);
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
	uint8_t mac[6];

	if (mac_parse(x->text, mac) < 0 || mac_is_multicast(mac)) {
		err_set(x->err, -EINVAL, "Invalid ad_actor_system MAC address.");
		return -EINVAL;
	}
	memcpy(x->p->ad_actor_system, mac, 6);
	return 0;
}

static bool valid_ifname(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= BOND_NAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s))
			return false;
	return true;
}

/* "ifname:qid": the kernel refuses every bad input with -EPERM. */
static int set_queue_id(struct optx *x)
{
	const char *colon = strchr(x->text, ':');
	char name[BOND_NAME_MAX];
	struct slave *s;
	unsigned long qid;
	char *end;

	if (!colon || (size_t)(colon - x->text) >= sizeof(name))
		goto bad;
	memcpy(name, x->text, (size_t)(colon - x->text));
	name[colon - x->text] = '\0';
	errno = 0;
	qid = strtoul(colon + 1, &end, 10);
	if (!valid_ifname(name) || end == colon + 1 || !isdigit((unsigned char)colon[1]) ||
	    errno || qid > UINT16_MAX)
		goto bad;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		goto bad;
	if (qid > x->p->tx_queues) {
		err_set(x->err, -EPERM, "option %s: queue id %lu is above the number of tx queues (%u)",
			x->name, qid, x->p->tx_queues);
		return -EPERM;
	}
	s = bond_find_slave(x->b, name);
	if (!s) {
		err_set(x->err, -EPERM, "option %s: %s is not a slave of this bond", x->name, name);
		return -EPERM;
	}
	for (unsigned i = 0; qid && i < x->b->n_slaves; i++)
		if (x->b->slaves[i] != s && x->b->slaves[i]->queue_id == qid) {
			err_set(x->err, -EPERM, "option %s: queue id %lu is already used by %s",
				x->name, qid, x->b->slaves[i]->name);
			return -EPERM;
		}
	x->extra_changed = s->queue_id != qid;
	if (x->apply)
		s->queue_id = (uint16_t)qid;
	return 0;
bad:
	err_set(x->err, -EPERM, "option %s: invalid input (%s): use <slave>:<queue id>",
		x->name, x->text);
	return -EPERM;
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
	[OPT_ARP_IP_TARGET] = set_arp_ip_target,
	[OPT_NS_IP6_TARGET] = set_ns_ip6_target,
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
	f = param_field(&def, id);
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
		const struct opt_value *v = value_with_flag(&opt_table[id], OPTV_DEFAULT);

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
			x->name, mode_name(x->p->mode), x->p->mode);
		return -EACCES;
	}
	if ((d->flags & OPT_NOSLAVES) && x->b->n_slaves) {
		err_set(x->err, -ENOTEMPTY,
			"option %s: unable to set because the bond device has slaves", x->name);
		return -ENOTEMPTY;
	}
	if ((d->flags & OPT_IFDOWN) && x->b->admin_up) {
		err_set(x->err, -EBUSY,
			"option %s: unable to set because the bond device is up", x->name);
		return -EBUSY;
	}
	if (strip_value(x->text, text, sizeof(text)) < 0) {
		err_set(x->err, -EINVAL, "option %s: invalid value (too long)", x->name);
		return -EINVAL;
	}
	x->text = text;
	if (!(d->flags & OPT_RAWVAL) && parse_table(d, text, &x->val) < 0)
		return err_invalid(d, x->name, text, x->err);

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
			return err_unknown(names[i], err);
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

/* ---- per-slave options -------------------------------------------------- */

static int find_slave_opt(const char *name, const struct opt_desc **out,
			  struct err *err)
{
	const struct opt_desc *d = opt_find(name);

	if (!d)
		return err_unknown(name, err);
	if (!(d->flags & OPT_PER_SLAVE)) {
		err_set(err, -EINVAL, "option %s: is a bond option, not a per-slave option", name);
		return -EINVAL;
	}
	*out = d;
	return 0;
}

static int parse_s32(const char *s, int32_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno || v < INT32_MIN || v > INT32_MAX)
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -1;
	*out = (int32_t)v;
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
	rc = find_slave_opt(name, &d, err);
	if (rc < 0)
		return rc;
	if (!(d->modes & MODE_BIT(b->params.mode))) {
		err_set(err, -EACCES,
			"option %s: mode dependency failed, not supported in mode %s(%u)",
			name, mode_name(b->params.mode), b->params.mode);
		return -EACCES;
	}
	if (strip_value(value, text, sizeof(text)) < 0) {
		err_set(err, -EINVAL, "option %s: invalid value (too long)", name);
		return -EINVAL;
	}
	if (d->type == OPT_T_INT ? parse_s32(text, &prio) < 0 : parse_table(d, text, &v) < 0)
		return err_invalid(d, name, text, err);

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
		return 0;
	default:
		err_set(err, -EINVAL, "option %s: cannot be set on a slave", name);
		return -EINVAL;
	}
}

int opt_slave_get(const struct slave *s, const char *name, struct strbuf *out,
		  struct err *err)
{
	const struct opt_desc *d = NULL;
	int rc = find_slave_opt(name, &d, err);

	if (rc < 0)
		return rc;
	if (d->id == OPT_PRIO)
		sb_printf(out, "%d", s->prio);
	else
		sb_printf(out, "%u", s->ad_actor_port_prio);
	return 0;
}

/* ---- reading a bond option (sysfs formats) ----------------------------- */

static void put_addr_list(struct strbuf *out, const struct addr_kind *k,
			  const uint8_t *base, unsigned n)
{
	char buf[INET6_ADDRSTRLEN];

	for (unsigned i = 0; i < n; i++)
		sb_printf(out, "%s%s", i ? " " : "", addr_fmt(k, base + i * k->len, buf,
								sizeof(buf)));
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
		return err_unknown(name, err);
	if (d->flags & OPT_PER_SLAVE) {
		err_set(err, -EINVAL, "option %s: is a per-slave option: read it on the slave",
			name);
		return -EINVAL;
	}
	f = param_field((struct bond_params *)p, d->id);

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
		put_addr_list(out, &kind_v4, (const uint8_t *)p->arp_targets, p->n_arp_targets);
		return 0;
	case OPT_NS_IP6_TARGET:
		put_addr_list(out, &kind_v6, &p->ns_targets[0][0], p->n_ns_targets);
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
		if (p->mode == BOND_MODE_8023AD)
			sb_puts(out, mac_fmt(p->ad_actor_system, mac));
		return 0;
	case OPT_AD_ACTOR_SYS_PRIO:
	case OPT_AD_USER_PORT_KEY:
		/* Empty outside 802.3ad, as sysfs shows them. */
		if (p->mode == BOND_MODE_8023AD)
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
