/* The option value codec: finding an option by name, parsing a value the
 * way the kernel's bond_opt_parse() does, and the typed values that need
 * more than the table (address lists, the actor MAC, queue_id), all with
 * the kernel's error messages. Nothing here needs a bond: the setters
 * (opt_set.c), the sysfs formats (opt_get.c) and the configuration layer
 * parse with these same functions, so a value means the same thing and is
 * refused with the same words wherever it is written. */
#include "opt_impl.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORD_MAX  32        /* the kernel compares at most 32 characters */

/* ---- table lookups ------------------------------------------------------ */

const struct opt_value *opt_value_with_flag(const struct opt_desc *d, unsigned flag)
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

const char *opt_mode_name(uint32_t mode)
{
	const char *n = opt_value_name(OPT_MODE, mode);

	return n ? n : "unknown";
}

int opt_err_unknown(const char *name, struct err *err)
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
int opt_parse_table(const struct opt_desc *d, const char *s, uint64_t *out)
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
		mn = opt_value_with_flag(d, OPTV_MIN);
		mx = opt_value_with_flag(d, OPTV_MAX);
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

int opt_err_invalid(const struct opt_desc *d, const char *name, const char *text,
		    struct err *err)
{
	const struct opt_value *mn = opt_value_with_flag(d, OPTV_MIN);
	const struct opt_value *mx = opt_value_with_flag(d, OPTV_MAX);

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
int opt_strip_value(const char *value, char *buf, size_t size)
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
	if (opt_strip_value(text, buf, sizeof(buf)) < 0) {
		err_set(err, -EINVAL, "option %s: invalid value (too long)", d->name);
		return -EINVAL;
	}
	if (opt_parse_table(d, buf, value) < 0)
		return opt_err_invalid(d, d->name, buf, err);
	return 0;
}

/* ---- parameters ------------------------------------------------------- */

/* The u32 parameter an option sets, NULL for options stored elsewhere. The
 * delays hold miimon ticks, not the ms that were given. */
uint32_t *opt_param_field(struct bond_params *p, enum opt_id id)
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
		uint32_t *f = opt_param_field(p, (enum opt_id)i);
		const struct opt_value *def = opt_value_with_flag(&opt_table[i], OPTV_DEFAULT);

		if (f && def && opt_table[i].type != OPT_T_INT)
			*f = (uint32_t)def->value;
	}
}

/* ---- per-slave options -------------------------------------------------- */

int opt_find_slave_opt(const char *name, const struct opt_desc **out,
		       struct err *err)
{
	const struct opt_desc *d = opt_find(name);

	if (!d)
		return opt_err_unknown(name, err);
	if (!(d->flags & OPT_PER_SLAVE)) {
		err_set(err, -EINVAL, "option %s: is a bond option, not a per-slave option", name);
		return -EINVAL;
	}
	*out = d;
	return 0;
}

int opt_parse_s32(const char *s, int32_t *out)
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


/* ---- address lists (arp_ip_target, ns_ip6_target) ---------------------- */

struct addr_kind {
	int af;
	size_t len;                 /* 4 or 16 */
	const char *what;           /* "ARP" or "NS", the kernel's words */
};

static const struct addr_kind kind_v4 = { AF_INET, 4, "ARP" };
static const struct addr_kind kind_v6 = { AF_INET6, 16, "NS" };

static const struct addr_kind *kind_of(enum opt_id id)
{
	return id == OPT_NS_IP6_TARGET ? &kind_v6 : &kind_v4;
}

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

int opt_addr_parse(enum opt_id id, const char *word, uint8_t out[16])
{
	uint8_t a[16] = { 0 };

	if (inet_pton(kind_of(id)->af, word, a) != 1)
		return -1;
	memcpy(out, a, 16);
	return 0;
}

static int list_find(const struct addr_kind *k, const struct opt_addrs *l, const uint8_t *a)
{
	for (unsigned i = 0; i < l->n; i++)
		if (!memcmp(l->a[i], a, k->len))
			return (int)i;
	return -1;
}

static int list_add(const struct addr_kind *k, struct opt_addrs *l, const uint8_t *a,
		    struct err *err)
{
	char buf[INET6_ADDRSTRLEN];

	if (!addr_target_ok(k, a)) {
		err_set(err, -EINVAL, "invalid %s target %s specified for addition", k->what,
			addr_fmt(k, a, buf, sizeof(buf)));
		return -EINVAL;
	}
	if (list_find(k, l, a) >= 0) {
		err_set(err, -EINVAL, "%s target %s is already present", k->what,
			addr_fmt(k, a, buf, sizeof(buf)));
		return -EINVAL;
	}
	if (l->n >= BOND_MAX_ARP_TARGETS) {
		err_set(err, -EINVAL, "%s target table is full!", k->what);
		return -EINVAL;
	}
	memset(l->a[l->n], 0, sizeof(l->a[0]));
	memcpy(l->a[l->n++], a, k->len);
	return 0;
}

static int list_remove(const struct addr_kind *k, struct opt_addrs *l, const uint8_t *a,
		       struct err *err)
{
	char buf[INET6_ADDRSTRLEN];
	int i;

	if (!addr_target_ok(k, a)) {
		err_set(err, -EINVAL, "invalid %s target %s specified for removal", k->what,
			addr_fmt(k, a, buf, sizeof(buf)));
		return -EINVAL;
	}
	i = list_find(k, l, a);
	if (i < 0) {
		err_set(err, -EINVAL, "unable to remove nonexistent %s target %s", k->what,
			addr_fmt(k, a, buf, sizeof(buf)));
		return -EINVAL;
	}
	/* Later targets move down: the list stays compact and ordered. */
	memmove(l->a[i], l->a[i + 1], (l->n - (unsigned)i - 1) * sizeof(l->a[0]));
	l->n--;
	return 0;
}

/* "+addr" adds, "-addr" removes (the sysfs commands); anything else is a
 * list separated by commas or blanks that replaces the whole set (module
 * parameter, BONDING_OPTS and netlink form); empty clears it. */
static int addrs_apply(const struct addr_kind *k, struct opt_addrs *l, const char *s,
		       struct err *err)
{
	uint8_t a[16];

	if (s[0] == '+' || s[0] == '-') {
		char tok[INET6_ADDRSTRLEN + 1];
		size_t n = strcspn(s + 1, " \t");

		if (n >= sizeof(tok) || (memcpy(tok, s + 1, n), tok[n] = '\0',
					 inet_pton(k->af, tok, a) != 1)) {
			err_set(err, -EPERM, "invalid %s target specified", k->what);
			return -EPERM;
		}
		return s[0] == '+' ? list_add(k, l, a, err) : list_remove(k, l, a, err);
	}

	l->n = 0;
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
			err_set(err, -EPERM,
				"invalid %s target %.*s specified: use +<addr> or -<addr>, or a comma-separated list of addresses",
				k->what, (int)(n > 64 ? 64 : n), s);
			return -EPERM;
		}
		rc = list_add(k, l, a, err);
		if (rc < 0)
			return rc;
		s += n;
	}
	return 0;
}

int opt_addrs_apply(enum opt_id id, struct opt_addrs *l, const char *text, struct err *err)
{
	struct opt_addrs work = *l;
	int rc = addrs_apply(kind_of(id), &work, text ? text : "", err);

	if (rc == 0)
		*l = work;
	return rc;
}

void opt_addrs_print(enum opt_id id, const struct opt_addrs *l, const char *sep,
		     struct strbuf *out)
{
	const struct addr_kind *k = kind_of(id);
	char buf[INET6_ADDRSTRLEN];

	for (unsigned i = 0; i < l->n; i++)
		sb_printf(out, "%s%s", i ? sep : "", addr_fmt(k, l->a[i], buf, sizeof(buf)));
}

void opt_addrs_from_params(enum opt_id id, const struct bond_params *p, struct opt_addrs *l)
{
	memset(l, 0, sizeof(*l));
	if (id == OPT_NS_IP6_TARGET) {
		l->n = p->n_ns_targets;
		for (unsigned i = 0; i < l->n; i++)
			memcpy(l->a[i], p->ns_targets[i], 16);
	} else {
		l->n = p->n_arp_targets;
		for (unsigned i = 0; i < l->n; i++)
			memcpy(l->a[i], &p->arp_targets[i], 4);
	}
}

void opt_addrs_to_params(enum opt_id id, const struct opt_addrs *l, struct bond_params *p)
{
	if (id == OPT_NS_IP6_TARGET) {
		p->n_ns_targets = l->n;
		for (unsigned i = 0; i < l->n; i++)
			memcpy(p->ns_targets[i], l->a[i], 16);
	} else {
		p->n_arp_targets = l->n;
		for (unsigned i = 0; i < l->n; i++)
			memcpy(&p->arp_targets[i], l->a[i], 4);
	}
}

/* ---- the other typed values --------------------------------------------- */

int opt_parse_mac(const char *text, uint8_t mac[6], struct err *err)
{
	uint8_t m[6];

	if (mac_parse(text, m) < 0 || mac_is_multicast(m)) {
		err_set(err, -EINVAL, "Invalid ad_actor_system MAC address.");
		return -EINVAL;
	}
	memcpy(mac, m, 6);
	return 0;
}

int opt_parse_queue_id(const char *name, const char *text, char ifname[BOND_NAME_MAX],
		       uint16_t *qid, struct err *err)
{
	const char *colon = strchr(text, ':');
	unsigned long q;
	char *end;

	if (!colon || (size_t)(colon - text) >= BOND_NAME_MAX)
		goto bad;
	memcpy(ifname, text, (size_t)(colon - text));
	ifname[colon - text] = '\0';
	errno = 0;
	q = strtoul(colon + 1, &end, 10);
	if (!ifname_valid(ifname) || end == colon + 1 || !isdigit((unsigned char)colon[1]) ||
	    errno || q > UINT16_MAX)
		goto bad;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		goto bad;
	*qid = (uint16_t)q;
	return 0;
bad:
	/* The kernel refuses every bad input with -EPERM. */
	err_set(err, -EPERM, "option %s: invalid input (%s): use <slave>:<queue id>", name, text);
	return -EPERM;
}
