/* opt_parse.c / opt_set.c / opt_get.c / opt_table.c: the option table, the
 * value codec (the kernel's parser), every setter's checks and side effects,
 * the dry run opt_check(), the sysfs read formats and the all-or-nothing
 * opt_set_many().
 *
 * Table-wide properties are checked by iterating the table, so a new option
 * is covered the day it is added. Bonds are real engine bonds (engine.h)
 * with a small recording engine_ops; options of modes bondd does not build
 * yet are reached by writing params.mode directly, which is all the option
 * code looks at for them. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "mode.h"
#include "opt.h"

/* ---- a tiny recording engine ------------------------------------------- */

struct rec {
	char logs[64][256];
	unsigned nlogs;
};

static void r_tx(void *ctx, struct slave *s, const uint8_t *f, size_t len, const void *m) {}
static void r_deliver(void *ctx, struct bond *b, const uint8_t *f, size_t len,
		      const void *m) {}
static void r_slave_mac(void *ctx, struct slave *s, const uint8_t mac[6]) {}
static void r_bond_mac(void *ctx, struct bond *b, const uint8_t mac[6]) {}
static void r_carrier(void *ctx, struct bond *b, bool up) {}

static void r_log(void *ctx, int level, const char *line)
{
	struct rec *r = ctx;

	if (r->nlogs < 64)
		snprintf(r->logs[r->nlogs++], sizeof(r->logs[0]), "%s", line);
}

static const struct engine_ops r_ops = {
	.tx = r_tx, .deliver = r_deliver, .set_slave_mac = r_slave_mac,
	.set_bond_mac = r_bond_mac, .set_carrier = r_carrier, .log = r_log,
};

struct fix {
	struct rec rec;
	struct engine *e;
	struct bond *b;
	struct err err;
	struct strbuf sb;
	uint64_t now;
};

static int setup(void **state)
{
	static struct fix f;
	struct err err = { 0 };

	memset(&f, 0, sizeof(f));
	f.now = 1000;
	f.e = engine_new(&r_ops, &f.rec);
	assert_non_null(f.e);
	f.b = engine_bond_new(f.e, "bond0", &err);
	assert_non_null(f.b);
	sb_init(&f.sb);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	sb_free(&f->sb);
	engine_free(f->e);
	return 0;
}

static bool logged(const struct fix *f, const char *line)
{
	for (unsigned i = 0; i < f->rec.nlogs; i++)
		if (!strcmp(f->rec.logs[i], line))
			return true;
	return false;
}

static struct slave *enslave(struct fix *f, struct bond *b, const char *name, uint8_t n)
{
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, n };
	struct link_info li = { .running = true, .carrier = true, .speed = 10000,
				.duplex = DUPLEX_FULL };
	struct err err = { 0 };
	struct slave *s = bond_enslave(b, name, mac, &li, NULL, f->now, &err);

	if (!s)
		fprintf(stderr, "enslave %s: %s\n", name, err.msg);
	assert_non_null(s);
	return s;
}

static int set(struct fix *f, const char *name, const char *value)
{
	err_clear(&f->err);
	return opt_set(f->b, name, value, f->now, &f->err);
}

static const char *get(struct fix *f, const char *name)
{
	struct err err = { 0 };

	sb_reset(&f->sb);
	assert_int_equal(opt_get(f->b, name, &f->sb, &err), 0);
	return sb_str(&f->sb);
}

#define assert_set_ok(f, n, v) do {                                         \
	if (set(f, n, v) != 0)                                                \
		fail_msg("%s=%s: %s", n, v, (f)->err.msg);                   \
} while (0)

#define assert_set_err(f, n, v, rc, text) do {                              \
	assert_int_equal(set(f, n, v), rc);                                   \
	assert_int_equal((f)->err.code, rc);                                  \
	assert_string_equal((f)->err.msg, text);                              \
} while (0)

/* The active-backup bond of most tests: up, eth0 (active) and eth1. */
static void ab_bond(struct fix *f)
{
	assert_set_ok(f, "mode", "active-backup");
	bond_set_admin(f->b, true, f->now);
	enslave(f, f->b, "eth0", 1);
	enslave(f, f->b, "eth1", 2);
	assert_non_null(f->b->active);
	assert_string_equal(f->b->active->name, "eth0");
}

/* A value of the option other than v that the parser accepts, or -1. */
static int64_t other_value(enum opt_id id, uint64_t v)
{
	char buf[32];
	uint64_t out;

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v + 1);
	if (opt_parse(id, buf, &out, NULL) == 0)
		return (int64_t)out;
	if (v == 0)
		return -1;
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v - 1);
	if (opt_parse(id, buf, &out, NULL) == 0)
		return (int64_t)out;
	return -1;
}

/* ---- the table itself --------------------------------------------------- */

static void test_table_shape(void **state)
{
	for (unsigned i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *d = &opt_table[i];

		assert_int_equal(d->id, i);
		assert_non_null(d->name);
		assert_non_null(d->desc);
		assert_true(d->modes != 0);
		assert_true((d->modes & ~MODES_ALL) == 0);
		assert_ptr_equal(opt_find(d->name), d);
		if (d->alias)
			assert_ptr_equal(opt_find(d->alias), d);
		/* Table options need values; RAWVAL ones parse their text. */
		if (d->type == OPT_T_ENUM || d->type == OPT_T_UINT)
			assert_non_null(d->values);
		if (d->values)
			assert_false(d->flags & OPT_RAWVAL);
		for (unsigned j = 0; j < i; j++) {
			assert_string_not_equal(opt_table[j].name, d->name);
			if (d->alias)
				assert_string_not_equal(opt_table[j].name, d->alias);
		}
	}
	assert_null(opt_find("nope"));
	assert_null(opt_find(NULL));
	assert_ptr_equal(opt_find("num_unsol_na"), &opt_table[OPT_NUM_PEER_NOTIF]);
	assert_ptr_equal(opt_find("num_grat_arp"), &opt_table[OPT_NUM_PEER_NOTIF]);
}

/* Every named value parses by name and by number to the same value, and
 * "default" gives the DEFAULT entry. */
static void test_table_values_round_trip(void **state)
{
	for (unsigned i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *d = &opt_table[i];

		for (const struct opt_value *v = d->values; v && v->name; v++) {
			char num[32];
			uint64_t a = ~0ULL, b = ~0ULL;

			snprintf(num, sizeof(num), "%llu", (unsigned long long)v->value);
			assert_int_equal(opt_parse(d->id, v->name, &a, NULL), 0);
			assert_int_equal(opt_parse(d->id, num, &b, NULL), 0);
			assert_int_equal(a, v->value);
			assert_int_equal(b, v->value);
			if (v->flags & OPTV_DEFAULT) {
				assert_int_equal(opt_parse(d->id, "default", &a, NULL), 0);
				assert_int_equal(a, v->value);
			}
			if (d->type == OPT_T_ENUM)
				assert_non_null(opt_value_name(d->id, v->value));
		}
	}
}

/* Enums refuse one past their last value, ranges max + 1 (and min - 1),
 * with the kernel's messages. */
static void test_table_rejects_out_of_range(void **state)
{
	for (unsigned i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *d = &opt_table[i];
		const struct opt_value *mn = NULL, *mx = NULL;
		uint64_t last = 0, out;
		struct err err;
		char buf[32], msg[256];

		if (!d->values)
			continue;
		for (const struct opt_value *v = d->values; v->name; v++) {
			if (v->value > last)
				last = v->value;
			if (v->flags & OPTV_MIN)
				mn = v;
			if (v->flags & OPTV_MAX)
				mx = v;
		}
		if (d->type == OPT_T_ENUM) {
			assert_null(mx);
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)last + 1);
			assert_int_equal(opt_parse(d->id, buf, &out, &err), -EINVAL);
			snprintf(msg, sizeof(msg), "option %s: invalid value (%s)", d->name, buf);
			assert_string_equal(err.msg, msg);
			continue;
		}
		assert_non_null(mx);
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)mx->value);
		assert_int_equal(opt_parse(d->id, buf, &out, NULL), 0);
		assert_int_equal(out, mx->value);
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)mx->value + 1);
		assert_int_equal(opt_parse(d->id, buf, &out, &err), -EINVAL);
		assert_int_equal(err.code, -EINVAL);
		snprintf(msg, sizeof(msg),
			 "option %s: invalid value (%s); option %s: allowed values %llu - %llu",
			 d->name, buf, d->name, mn ? (unsigned long long)mn->value : 0ULL,
			 (unsigned long long)mx->value);
		assert_string_equal(err.msg, msg);
		if (mn && mn->value > 0) {
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)mn->value - 1);
			/* unless the table names that number (resend_igmp's "off") */
			bool named = false;

			for (const struct opt_value *v = d->values; v->name; v++)
				if (v->value == mn->value - 1)
					named = true;
			if (!named)
				assert_int_equal(opt_parse(d->id, buf, &out, NULL), -EINVAL);
		}
	}
}

static void test_parse_quirks(void **state)
{
	uint64_t v;
	struct err err;

	assert_int_equal(opt_parse(OPT_MIIMON, "100\n", &v, NULL), 0);
	assert_int_equal(v, 100);
	assert_int_equal(opt_parse(OPT_MIIMON, "  250  ", &v, NULL), 0);
	assert_int_equal(v, 250);
	assert_int_equal(opt_parse(OPT_MIIMON, "maxval", &v, NULL), 0);
	assert_int_equal(v, 2147483647);
	assert_int_equal(opt_parse(OPT_MIIMON, "off", &v, NULL), 0);
	assert_int_equal(v, 0);
	assert_int_equal(opt_parse(OPT_MODE, "802.3ad", &v, NULL), 0);
	assert_int_equal(v, 4);
	assert_int_equal(opt_parse(OPT_MODE, "active-backup trailing words", &v, NULL), 0);
	assert_int_equal(v, 1);
	assert_int_equal(opt_parse(OPT_MODE, "default\n", &v, NULL), 0);
	assert_int_equal(v, 0);
	assert_int_equal(opt_parse(OPT_XMIT_HASH_POLICY, "layer3+4", &v, NULL), 0);
	assert_int_equal(v, 1);

	assert_int_equal(opt_parse(OPT_MODE, "7", &v, &err), -EINVAL);
	assert_string_equal(err.msg, "option mode: invalid value (7)");
	assert_int_equal(opt_parse(OPT_LACP_RATE, "2", &v, &err), -EINVAL);
	assert_string_equal(err.msg, "option lacp_rate: invalid value (2)");
	/* lacp_rate has no DEFAULT entry in the kernel's table */
	assert_int_equal(opt_parse(OPT_LACP_RATE, "default", &v, NULL), -EINVAL);
	assert_int_equal(opt_parse(OPT_MODE, "Active-Backup", &v, NULL), -EINVAL);
	assert_int_equal(opt_parse(OPT_MIIMON, "-1", &v, &err), -EINVAL);
	assert_string_equal(err.msg, "option miimon: invalid value (-1); option miimon: allowed values 0 - 2147483647");
	assert_int_equal(opt_parse(OPT_MIIMON, "", &v, NULL), -EINVAL);
	assert_int_equal(opt_parse(OPT_MIIMON, "\n", &v, NULL), -EINVAL);
	assert_int_equal(opt_parse(OPT_MIIMON, "100ms", &v, NULL), -EINVAL);
	assert_int_equal(opt_parse(OPT_MIIMON, "99999999999999999999999", &v, NULL), -EINVAL);
	assert_int_equal(opt_parse(OPT_PEER_NOTIF_DELAY, "300001", &v, &err), -EINVAL);
	assert_string_equal(err.msg, "option peer_notif_delay: invalid value (300001); option peer_notif_delay: allowed values 0 - 300000");
	/* RAWVAL options have no table to parse against */
	assert_int_equal(opt_parse(OPT_PRIMARY, "eth0", &v, NULL), -EINVAL);
	/* module parameters parse for config importers */
	assert_int_equal(opt_parse(OPT_MAX_BONDS, "0", &v, NULL), 0);
	assert_int_equal(v, 0);
	assert_int_equal(opt_parse(OPT_TX_QUEUES, "default", &v, NULL), 0);
	assert_int_equal(v, 16);
	assert_int_equal(opt_parse(OPT_TX_QUEUES, "0", &v, &err), -EINVAL);
	assert_string_equal(err.msg, "option tx_queues: invalid value (0); option tx_queues: allowed values 1 - 255");
}

static void test_defaults(void **state)
{
	struct bond_params p;

	memset(&p, 0xa5, sizeof(p));
	opt_defaults(&p);
	assert_int_equal(p.mode, 0);
	assert_int_equal(p.miimon, 0);
	assert_int_equal(p.updelay, 0);
	assert_int_equal(p.downdelay, 0);
	assert_int_equal(p.peer_notif_delay, 0);
	assert_int_equal(p.use_carrier, 1);
	assert_int_equal(p.arp_interval, 0);
	assert_int_equal(p.n_arp_targets, 0);
	assert_int_equal(p.n_ns_targets, 0);
	assert_int_equal(p.arp_validate, 0);
	assert_int_equal(p.arp_all_targets, 0);
	assert_int_equal(p.missed_max, 2);
	assert_string_equal(p.primary, "");
	assert_int_equal(p.primary_reselect, 0);
	assert_int_equal(p.fail_over_mac, 0);
	assert_int_equal(p.xmit_policy, 0);
	assert_int_equal(p.lacp_rate, 0);
	assert_int_equal(p.lacp_active, 1);
	assert_int_equal(p.ad_select, 0);
	assert_int_equal(p.min_links, 0);
	assert_int_equal(p.ad_actor_sys_prio, 65535);
	assert_true(mac_is_zero(p.ad_actor_system));
	assert_int_equal(p.ad_user_port_key, 0);
	assert_int_equal(p.num_peer_notif, 1);
	assert_int_equal(p.resend_igmp, 1);
	assert_int_equal(p.packets_per_slave, 1);
	assert_int_equal(p.lp_interval, 1);
	assert_int_equal(p.tlb_dynamic_lb, 1);
	assert_int_equal(p.all_slaves_active, 0);
	assert_int_equal(p.coupled_control, 1);
	assert_int_equal(p.broadcast_neighbor, 0);
	assert_int_equal(p.lacp_strict, 0);
	assert_int_equal(p.tx_queues, 16);
}

static void test_value_name(void **state)
{
	assert_string_equal(opt_value_name(OPT_MODE, 1), "active-backup");
	assert_string_equal(opt_value_name(OPT_XMIT_HASH_POLICY, 5), "vlan+srcmac");
	assert_string_equal(opt_value_name(OPT_AD_SELECT, 3), "actor_port_prio");
	assert_string_equal(opt_value_name(OPT_COUPLED_CONTROL, 0), "off");
	assert_null(opt_value_name(OPT_MODE, 7));
	assert_null(opt_value_name(OPT_MIIMON, 0));   /* not an enum */
	assert_null(opt_value_name(OPT__COUNT, 0));
}

/* ---- reading (sysfs formats) -------------------------------------------- */

static void test_get_defaults(void **state)
{
	struct fix *f = *state;
	struct err err;

	assert_string_equal(get(f, "mode"), "balance-rr 0");
	assert_string_equal(get(f, "miimon"), "0");
	assert_string_equal(get(f, "updelay"), "0");
	assert_string_equal(get(f, "use_carrier"), "1");
	assert_string_equal(get(f, "arp_interval"), "0");
	assert_string_equal(get(f, "arp_ip_target"), "");
	assert_string_equal(get(f, "arp_validate"), "none 0");
	assert_string_equal(get(f, "arp_all_targets"), "any 0");
	assert_string_equal(get(f, "arp_missed_max"), "2");
	assert_string_equal(get(f, "primary"), "");
	assert_string_equal(get(f, "primary_reselect"), "always 0");
	assert_string_equal(get(f, "active_slave"), "");
	assert_string_equal(get(f, "fail_over_mac"), "none 0");
	assert_string_equal(get(f, "xmit_hash_policy"), "layer2 0");
	assert_string_equal(get(f, "resend_igmp"), "1");
	assert_string_equal(get(f, "num_grat_arp"), "1");
	assert_string_equal(get(f, "num_unsol_na"), "1");
	assert_string_equal(get(f, "all_slaves_active"), "0");
	assert_string_equal(get(f, "min_links"), "0");
	assert_string_equal(get(f, "lp_interval"), "1");
	assert_string_equal(get(f, "packets_per_slave"), "1");
	assert_string_equal(get(f, "lacp_active"), "on 1");
	assert_string_equal(get(f, "lacp_rate"), "slow 0");
	assert_string_equal(get(f, "ad_select"), "stable 0");
	assert_string_equal(get(f, "tlb_dynamic_lb"), "1");
	assert_string_equal(get(f, "coupled_control"), "1");
	assert_string_equal(get(f, "tx_queues"), "16");
	assert_string_equal(get(f, "slaves"), "");
	assert_string_equal(get(f, "queue_id"), "");
	/* 802.3ad-only files are empty in other modes */
	assert_string_equal(get(f, "ad_actor_sys_prio"), "");
	assert_string_equal(get(f, "ad_actor_system"), "");
	assert_string_equal(get(f, "ad_user_port_key"), "");
	f->b->params.mode = BOND_MODE_8023AD;
	assert_string_equal(get(f, "ad_actor_sys_prio"), "65535");
	assert_string_equal(get(f, "ad_actor_system"), "00:00:00:00:00:00");
	assert_string_equal(get(f, "ad_user_port_key"), "0");
	f->b->params.mode = BOND_MODE_ROUNDROBIN;

	/* every bond option but the module's max_bonds can be read */
	for (unsigned i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *d = &opt_table[i];

		sb_reset(&f->sb);
		if (d->flags & OPT_PER_SLAVE || d->id == OPT_MAX_BONDS)
			assert_int_equal(opt_get(f->b, d->name, &f->sb, &err), -EINVAL);
		else
			assert_int_equal(opt_get(f->b, d->name, &f->sb, &err), 0);
	}
	assert_int_equal(opt_get(f->b, "max_bonds", &f->sb, &err), -EINVAL);
	assert_string_equal(err.msg, "option max_bonds: is a module parameter, not a bond option");
	assert_int_equal(opt_get(f->b, "miimom", &f->sb, &err), -ENOENT);
	assert_string_equal(err.msg, "unknown option 'miimom' (did you mean 'miimon'?)");
}

static void test_get_slaves(void **state)
{
	struct fix *f = *state;

	ab_bond(f);
	assert_string_equal(get(f, "mode"), "active-backup 1");
	assert_string_equal(get(f, "slaves"), "eth0 eth1");
	assert_string_equal(get(f, "queue_id"), "eth0:0 eth1:0");
	assert_string_equal(get(f, "active_slave"), "eth0");
	/* a primary shows only once it is enslaved, as in sysfs */
	assert_set_ok(f, "primary", "eth7");
	assert_string_equal(f->b->params.primary, "eth7");
	assert_string_equal(get(f, "primary"), "");
	assert_set_ok(f, "primary", "eth1");
	assert_string_equal(get(f, "primary"), "eth1");
}

/* ---- errors common to every option --------------------------------------- */

static void test_unknown_and_special(void **state)
{
	struct fix *f = *state;

	assert_set_err(f, "miimom", "100", -ENOENT,
		       "unknown option 'miimom' (did you mean 'miimon'?)");
	assert_set_err(f, "xmit_hash_polcy", "layer2", -ENOENT,
		       "unknown option 'xmit_hash_polcy' (did you mean 'xmit_hash_policy'?)");
	assert_set_err(f, "zzzzzzzzzz", "1", -ENOENT, "unknown option 'zzzzzzzzzz'");
	assert_set_err(f, "max_bonds", "2", -EINVAL,
		       "option max_bonds: is a module parameter, not a bond option");
	assert_set_err(f, "tx_queues", "2", -EINVAL,
		       "option tx_queues: is a module parameter, not a bond option");
	assert_int_equal(set(f, "slaves", "+eth0"), -EOPNOTSUPP);
	assert_int_equal(set(f, "prio", "3"), -EINVAL);
	assert_string_equal(f->err.msg, "option prio: is a per-slave option: set it on the slave");
}

static void test_mode_dependency(void **state)
{
	struct fix *f = *state;

	assert_set_err(f, "primary", "eth0", -EACCES,
		       "option primary: mode dependency failed, not supported in mode balance-rr(0)");
	assert_set_err(f, "active_slave", "eth0", -EACCES,
		       "option active_slave: mode dependency failed, not supported in mode balance-rr(0)");
	assert_set_ok(f, "packets_per_slave", "3");
	assert_string_equal(get(f, "packets_per_slave"), "3");
	assert_set_ok(f, "packets_per_slave", "0");
	assert_set_ok(f, "mode", "active-backup");
	assert_set_err(f, "packets_per_slave", "2", -EACCES,
		       "option packets_per_slave: mode dependency failed, not supported in mode active-backup(1)");
	assert_set_err(f, "lacp_rate", "fast", -EACCES,
		       "option lacp_rate: mode dependency failed, not supported in mode active-backup(1)");
	assert_set_err(f, "tlb_dynamic_lb", "1", -EACCES,
		       "option tlb_dynamic_lb: mode dependency failed, not supported in mode active-backup(1)");
	/* the dependency is checked before the value */
	assert_int_equal(set(f, "lacp_rate", "bogus"), -EACCES);
}

static void test_noslaves_ifdown(void **state)
{
	struct fix *f = *state;

	bond_set_admin(f->b, true, f->now);
	assert_set_err(f, "mode", "active-backup", -EBUSY,
		       "option mode: unable to set because the bond device is up");
	bond_set_admin(f->b, false, f->now);
	assert_set_ok(f, "mode", "active-backup");
	enslave(f, f->b, "eth0", 1);
	assert_set_err(f, "mode", "balance-rr", -ENOTEMPTY,
		       "option mode: unable to set because the bond device has slaves");
	assert_set_err(f, "fail_over_mac", "active", -ENOTEMPTY,
		       "option fail_over_mac: unable to set because the bond device has slaves");
	assert_string_equal(get(f, "mode"), "active-backup 1");
	assert_string_equal(get(f, "fail_over_mac"), "none 0");
}

static void test_invalid_values(void **state)
{
	struct fix *f = *state;

	assert_set_err(f, "mode", "7", -EINVAL, "option mode: invalid value (7)");
	assert_set_err(f, "mode", "bogus\n", -EINVAL, "option mode: invalid value (bogus)");
	assert_set_err(f, "miimon", "2147483648", -EINVAL,
		       "option miimon: invalid value (2147483648); option miimon: allowed values 0 - 2147483647");
	assert_set_err(f, "num_unsol_na", "256", -EINVAL,
		       "option num_unsol_na: invalid value (256); option num_unsol_na: allowed values 0 - 255");
	assert_set_err(f, "xmit_hash_policy", "layer5", -EINVAL,
		       "option xmit_hash_policy: invalid value (layer5)");
	assert_string_equal(get(f, "mode"), "balance-rr 0");
	assert_set_ok(f, "xmit_hash_policy", "vlan+srcmac\n");
	assert_string_equal(get(f, "xmit_hash_policy"), "vlan+srcmac 5");
	assert_set_ok(f, "num_unsol_na", "5");
	assert_string_equal(get(f, "num_grat_arp"), "5");
	assert_set_ok(f, "num_grat_arp", "default");
	assert_string_equal(get(f, "num_unsol_na"), "1");
	assert_set_ok(f, "min_links", "3");
	assert_string_equal(get(f, "min_links"), "3");
	assert_set_ok(f, "fail_over_mac", "follow");
	assert_string_equal(get(f, "fail_over_mac"), "follow 2");
}

/* ---- setters and their side effects ------------------------------------- */

static void test_mode_side_effects(void **state)
{
	struct fix *f = *state;
	struct bond_params *p = &f->b->params;

	/* arp_validate and broadcast_neighbor never survive a mode change */
	p->arp_validate = 3;
	p->broadcast_neighbor = 1;
	assert_set_ok(f, "mode", "active-backup");
	assert_int_equal(p->mode, 1);
	assert_ptr_equal(f->b->mode, mode_lookup(1));
	assert_int_equal(p->arp_validate, 0);
	assert_int_equal(p->broadcast_neighbor, 0);
	assert_int_equal(p->miimon, 0);   /* modes 0-3 keep miimon 0 */

	for (uint32_t m = BOND_MODE_8023AD; m <= BOND_MODE_ALB; m++) {
		char num[4];

		snprintf(num, sizeof(num), "%u", m);
		p->arp_interval = 200;
		p->miimon = 0;
		p->tlb_dynamic_lb = 0;
		if (!mode_lookup(m)) {
			/* bond_set_mode refuses it: nothing changes */
			assert_int_equal(set(f, "mode", num), -EOPNOTSUPP);
			assert_int_equal(p->mode, 1);
			assert_int_equal(p->arp_interval, 200);
			assert_int_equal(p->miimon, 0);
			continue;
		}
		assert_set_ok(f, "mode", num);
		assert_int_equal(p->mode, m);
		assert_int_equal(p->arp_interval, 0);
		assert_int_equal(p->miimon, 100);
		assert_int_equal(p->tlb_dynamic_lb, m == BOND_MODE_ALB ? 1 : 0);
	}
}

static void test_monitor_exclusion(void **state)
{
	struct fix *f = *state;
	struct bond_params *p = &f->b->params;

	/* ARP monitor state as a future arp_interval setter would leave it */
	p->arp_interval = 500;
	p->arp_validate = 3;
	assert_set_ok(f, "miimon", "100");
	assert_int_equal(p->miimon, 100);
	assert_int_equal(p->arp_interval, 0);
	assert_int_equal(p->arp_validate, 0);
	/* arp_interval=0 is the default: accepted, miimon untouched */
	assert_set_ok(f, "arp_interval", "0");
	assert_int_equal(p->miimon, 100);
	/* one monitor at a time: arp_interval > 0 turns miimon off, and back */
	assert_set_ok(f, "arp_interval", "100");
	assert_int_equal(p->miimon, 0);
	assert_int_equal(p->arp_interval, 100);
	assert_set_ok(f, "miimon", "100");
	assert_int_equal(p->arp_interval, 0);
	assert_int_equal(p->miimon, 100);

	/* the monitor is (re)armed at once when the bond is up */
	bond_set_admin(f->b, true, f->now);
	f->b->next_mii_ms = 0;
	f->now = 5000;
	assert_set_ok(f, "miimon", "50");
	assert_int_equal(f->b->next_mii_ms, 5000);
}

static void test_delays(void **state)
{
	struct fix *f = *state;
	struct bond_params *p = &f->b->params;

	assert_set_err(f, "updelay", "200", -EPERM,
		       "Unable to set up delay as MII monitoring is disabled");
	assert_set_err(f, "downdelay", "200", -EPERM,
		       "Unable to set down delay as MII monitoring is disabled");
	assert_set_err(f, "peer_notif_delay", "200", -EPERM,
		       "Unable to set peer notification delay as MII monitoring is disabled");
	/* even 0: the kernel checks miimon before the value */
	assert_int_equal(set(f, "updelay", "0\n"), -EPERM);

	assert_set_ok(f, "miimon", "100");
	assert_set_ok(f, "updelay", "200");
	assert_int_equal(p->updelay, 2);
	assert_string_equal(get(f, "updelay"), "200");
	assert_int_equal(f->rec.nlogs, 0);

	assert_set_ok(f, "downdelay", "250");
	assert_int_equal(p->downdelay, 2);
	assert_string_equal(get(f, "downdelay"), "200");
	assert_true(logged(f, "bond0: down delay (250) is not a multiple of miimon (100), value rounded to 200 ms"));
	assert_set_ok(f, "peer_notif_delay", "1050");
	assert_int_equal(p->peer_notif_delay, 10);
	assert_true(logged(f, "bond0: peer notification delay (1050) is not a multiple of miimon (100), value rounded to 1000 ms"));
	assert_set_ok(f, "updelay", "99");
	assert_int_equal(p->updelay, 0);
	assert_true(logged(f, "bond0: up delay (99) is not a multiple of miimon (100), value rounded to 0 ms"));
	assert_set_ok(f, "updelay", "200");

	/* stored as ticks: a new miimon rescales the effective delays */
	assert_set_ok(f, "miimon", "50");
	assert_string_equal(get(f, "updelay"), "100");
	assert_string_equal(get(f, "downdelay"), "100");
	assert_string_equal(get(f, "peer_notif_delay"), "500");
}

static void test_use_carrier(void **state)
{
	struct fix *f = *state;

	assert_set_ok(f, "use_carrier", "1");
	assert_set_ok(f, "use_carrier", "on");
	assert_set_err(f, "use_carrier", "0", -EINVAL,
		       "option use_carrier: invalid value (0); use_carrier=0 (MII/ethtool link polling) was removed in Linux 6.18: only 1 (on) is accepted");
	assert_int_equal(set(f, "use_carrier", "off"), -EINVAL);
	assert_int_equal(set(f, "use_carrier", "2"), -EINVAL);
	assert_string_equal(get(f, "use_carrier"), "1");
}

static void test_primary(void **state)
{
	struct fix *f = *state;

	ab_bond(f);
	/* naming an enslaved slave makes it active at once */
	assert_set_ok(f, "primary", "eth1\n");
	assert_string_equal(f->b->params.primary, "eth1");
	assert_string_equal(f->b->active->name, "eth1");
	assert_false(f->b->force_primary);   /* consumed by the reselection */
	/* with failure, the current active stays although eth0 is primary */
	assert_set_ok(f, "primary_reselect", "failure");
	assert_string_equal(get(f, "primary_reselect"), "failure 2");
	assert_set_ok(f, "primary", "eth0");
	assert_string_equal(f->b->active->name, "eth0");   /* forced */
	/* a name not enslaved is remembered; clearing empties it */
	assert_set_ok(f, "primary", "eth9");
	assert_string_equal(f->b->params.primary, "eth9");
	assert_set_ok(f, "primary", "");
	assert_string_equal(f->b->params.primary, "");
	/* longer than IFNAMSIZ - 1: cut as the kernel cuts it */
	assert_set_ok(f, "primary", "abcdefghijklmnopqrst");
	assert_string_equal(f->b->params.primary, "abcdefghijklmno");
}

static void test_primary_reselect_reselects(void **state)
{
	struct fix *f = *state;

	ab_bond(f);
	assert_set_ok(f, "primary_reselect", "failure");
	assert_set_ok(f, "primary", "eth1");       /* forced once */
	assert_string_equal(f->b->active->name, "eth1");
	assert_set_ok(f, "active_slave", "eth0");  /* the admin moves it back */
	assert_string_equal(f->b->active->name, "eth0");
	/* back to always: the primary takes over immediately */
	assert_set_ok(f, "primary_reselect", "always");
	assert_string_equal(f->b->active->name, "eth1");
}

static void test_active_slave(void **state)
{
	struct fix *f = *state;
	struct err err = { 0 };
	struct bond *other = engine_bond_new(f->e, "bond1", &err);
	struct slave *eth1;

	assert_non_null(other);
	enslave(f, other, "eth5", 5);
	ab_bond(f);
	eth1 = bond_find_slave(f->b, "eth1");

	assert_set_ok(f, "active_slave", "eth1\n");
	assert_string_equal(f->b->active->name, "eth1");
	assert_string_equal(get(f, "active_slave"), "eth1");
	assert_set_ok(f, "active_slave", "eth1");   /* already active: fine */
	assert_set_err(f, "active_slave", "eth9", -EINVAL,
		       "(slave eth9): Device is not bonding slave");
	assert_set_err(f, "active_slave", "eth5", -EINVAL,
		       "(slave eth5): Device is not our slave");
	assert_string_equal(f->b->active->name, "eth1");

	/* a slave whose link is down cannot be made active */
	struct link_info li = bond_find_slave(f->b, "eth0")->os;
	li.carrier = false;
	slave_link_event(bond_find_slave(f->b, "eth0"), &li, f->now);
	assert_set_err(f, "active_slave", "eth0", -EINVAL,
		       "(slave eth0): Could not set as active slave; either eth0 is down or the link is down");
	assert_ptr_equal(f->b->active, eth1);

	/* empty: forget the choice and select again */
	assert_set_ok(f, "active_slave", "");
	assert_non_null(f->b->active);
}

static void test_all_slaves_active(void **state)
{
	struct fix *f = *state;
	struct slave *eth1;

	ab_bond(f);
	eth1 = bond_find_slave(f->b, "eth1");
	assert_true(eth1->backup);
	assert_true(eth1->inactive);
	assert_set_ok(f, "all_slaves_active", "1");
	assert_string_equal(get(f, "all_slaves_active"), "1");
	assert_true(eth1->backup);
	assert_false(eth1->inactive);
	assert_set_ok(f, "all_slaves_active", "off");
	assert_true(eth1->inactive);
	assert_false(bond_find_slave(f->b, "eth0")->inactive);
}

/* ---- PENDING options ---------------------------------------------------- */

/* Every PENDING option accepts its default (a no-op) and refuses any other
 * value with the PENDING message, after the normal checks. */
static void test_pending_table(void **state)
{
	struct fix *f = *state;
	unsigned n = 0;

	for (unsigned i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *d = &opt_table[i];
		struct bond_params before;
		uint64_t def = 0;
		int64_t other;
		char buf[32];

		if (!(d->flags & OPT_PENDING) || (d->flags & OPT_PER_SLAVE) || !d->values)
			continue;
		n++;
		/* a mode the option is allowed in */
		for (uint32_t m = 0; m < BOND_MODE__COUNT; m++)
			if (d->modes & MODE_BIT(m)) {
				f->b->params.mode = m;
				break;
			}
		if (opt_parse(d->id, "default", &def, NULL) != 0)
			def = 0;   /* lacp_rate: no DEFAULT entry, slow */
		before = f->b->params;
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)def);
		if (set(f, d->name, buf) != 0)
			fail_msg("%s=%s: %s", d->name, buf, f->err.msg);
		if (d->values[0].flags & OPTV_DEFAULT || def == d->values[0].value)
			assert_int_equal(set(f, d->name, d->values[0].name), 0);
		other = other_value(d->id, def);
		assert_true(other >= 0);
		snprintf(buf, sizeof(buf), "%lld", (long long)other);
		assert_int_equal(set(f, d->name, buf), -EOPNOTSUPP);
		assert_int_equal(f->err.code, -EOPNOTSUPP);
		assert_non_null(strstr(f->err.msg, "not supported by bondd yet (only the default "));
		assert_int_equal(before.mode, f->b->params.mode);
		assert_int_equal(before.miimon, f->b->params.miimon);
		/* the normal parse check comes first */
		assert_int_equal(set(f, d->name, "bogus-value"), -EINVAL);
		/* and the IFDOWN check before it */
		if (d->flags & OPT_IFDOWN) {
			bond_set_admin(f->b, true, f->now);
			assert_int_equal(set(f, d->name, buf), -EBUSY);
			bond_set_admin(f->b, false, f->now);
		}
		f->b->params.mode = 0;
	}
	/* n shrinks as options get their behaviour; 0 once nothing is
	 * refused (issue 12). */
	(void)n;
}

static void test_pending_messages(void **state)
{
	struct fix *f = *state;

	f->b->params.mode = BOND_MODE_8023AD;
	/* 802.3ad options are real now (mode_8023ad.c) */
	assert_set_ok(f, "lacp_rate", "fast");
	assert_set_ok(f, "lacp_rate", "slow");
	assert_set_ok(f, "ad_select", "bandwidth");
	assert_set_ok(f, "ad_actor_sys_prio", "100");
	assert_set_ok(f, "ad_actor_system", "02:00:00:00:00:01");
	assert_set_ok(f, "ad_actor_system", "00:00:00:00:00:00");
	assert_set_err(f, "ad_actor_system", "01:00:5e:00:00:01", -EINVAL,
		       "Invalid ad_actor_system MAC address.");
	assert_set_err(f, "ad_actor_system", "nonsense", -EINVAL,
		       "Invalid ad_actor_system MAC address.");
	/* built in issue 12: independent control, neighbour broadcast,
	 * selection by port priority */
	assert_set_ok(f, "coupled_control", "off");
	assert_int_equal(f->b->params.coupled_control, 0);
	assert_set_ok(f, "coupled_control", "on");
	assert_int_equal(f->b->params.coupled_control, 1);
	assert_set_ok(f, "broadcast_neighbor", "on");
	assert_int_equal(f->b->params.broadcast_neighbor, 1);
	assert_set_ok(f, "broadcast_neighbor", "0");
	assert_set_ok(f, "ad_select", "actor_port_prio");
	assert_int_equal(f->b->params.ad_select, 3);
	f->b->params.mode = BOND_MODE_ROUNDROBIN;
	assert_set_ok(f, "arp_validate", "all");
	assert_int_equal(f->b->params.arp_validate, 3);
	assert_set_err(f, "arp_missed_max", "0", -EINVAL,
		       "option arp_missed_max: invalid value (0); option arp_missed_max: allowed values 1 - 255");
}

/* opt_check() is opt_set() without a bond: for every option, a spread of
 * values and every mode, both give the same result, the same message and
 * the same parameters (compared through opt_get on a second bond). */
static void test_check_is_set_without_bond(void **state)
{
	static const char *const values[] = {
		"", "0", "1", "2", "100", "-1", "default", "fast", "off", "on", "bogus",
		"+10.0.0.1", "10.0.0.1,10.0.0.2", "-10.0.0.1", "+2001:db8::1", "eth0",
		"eth0:1", "02:00:00:00:00:01", "01:00:5e:00:00:01", "layer3+4", NULL,
	};
	struct fix *f = *state;
	struct err err = { 0 };
	struct bond *twin = engine_bond_new(f->e, "bond1", &err);

	assert_non_null(twin);
	for (uint32_t mode = 0; mode < 7; mode++) {
		for (unsigned id = 0; id < OPT__COUNT; id++) {
			const struct opt_desc *d = &opt_table[id];

			if (d->flags & (OPT_PER_SLAVE | OPT_MODULE) || d->id == OPT_SLAVES)
				continue;
			for (const char *const *v = values; *v; v++) {
				char mode_text[4];
				struct bond_params p;
				struct err ec = { 0 };
				int rs, rc;

				snprintf(mode_text, sizeof(mode_text), "%u", mode);
				assert_set_ok(f, "mode", mode_text);
				opt_defaults(&p);
				assert_int_equal(opt_check(&p, "mode", mode_text, &ec), 0);
				rs = set(f, d->name, *v);
				rc = opt_check(&p, d->name, *v, &ec);
				if (rs != rc || strcmp(f->err.msg, ec.msg))
					fail_msg("mode %u %s=%s: set %d '%s', check %d '%s'", mode,
						 d->name, *v, rs, f->err.msg, rc, ec.msg);
				twin->params = p;
				for (unsigned k = 0; k < OPT__COUNT; k++) {
					struct strbuf a, b;

					if (opt_table[k].flags & (OPT_PER_SLAVE | OPT_MODULE))
						continue;
					sb_init(&a);
					sb_init(&b);
					opt_get(f->b, opt_table[k].name, &a, &err);
					opt_get(twin, opt_table[k].name, &b, &err);
					if (strcmp(sb_str(&a), sb_str(&b)))
						fail_msg("mode %u %s=%s: %s is '%s' set, '%s' checked",
							 mode, d->name, *v, opt_table[k].name,
							 sb_str(&a), sb_str(&b));
					sb_free(&a);
					sb_free(&b);
				}
				/* Back to a fresh bond for the next value. */
				engine_bond_free(f->e, f->b, f->now);
				f->b = engine_bond_new(f->e, "bond0", &err);
				assert_non_null(f->b);
			}
		}
	}
	/* What opt_set_many refuses before any value is read. */
	{
		struct bond_params p;

		opt_defaults(&p);
		assert_int_equal(opt_check(&p, "miimom", "1", &err), -ENOENT);
		assert_string_equal(err.msg, "unknown option 'miimom' (did you mean 'miimon'?)");
		assert_int_equal(opt_check(&p, "prio", "1", &err), -EINVAL);
		assert_int_equal(opt_check(&p, "max_bonds", "1", &err), -EINVAL);
		assert_int_equal(opt_check(&p, "slaves", "+eth0", &err), -EOPNOTSUPP);
	}
}

/* The codec's typed values, without a bond. */
static void test_codec_values(void **state)
{
	struct opt_addrs l = { 0 };
	struct strbuf sb;
	struct err err = { 0 };
	uint8_t mac[6] = { 0 }, a[16];
	char ifname[BOND_NAME_MAX];
	uint16_t qid = 0;

	(void)state;
	sb_init(&sb);
	assert_int_equal(opt_addrs_apply(OPT_ARP_IP_TARGET, &l, "10.0.0.1, 10.0.0.2", &err), 0);
	assert_int_equal(opt_addrs_apply(OPT_ARP_IP_TARGET, &l, "+10.0.0.3", &err), 0);
	assert_int_equal(opt_addrs_apply(OPT_ARP_IP_TARGET, &l, "-10.0.0.1", &err), 0);
	opt_addrs_print(OPT_ARP_IP_TARGET, &l, ",", &sb);
	assert_string_equal(sb_str(&sb), "10.0.0.2,10.0.0.3");
	/* Refused: the kernel's words, and the list unchanged. */
	assert_int_equal(opt_addrs_apply(OPT_ARP_IP_TARGET, &l, "+10.0.0.2", &err), -EINVAL);
	assert_string_equal(err.msg, "ARP target 10.0.0.2 is already present");
	assert_int_equal(opt_addrs_apply(OPT_ARP_IP_TARGET, &l, "10.0.0.9,0.0.0.0", &err), -EINVAL);
	assert_string_equal(err.msg, "invalid ARP target 0.0.0.0 specified for addition");
	assert_int_equal(l.n, 2);
	assert_int_equal(opt_addrs_apply(OPT_NS_IP6_TARGET, &l, "+10.0.0.1", &err), -EPERM);
	assert_string_equal(err.msg, "invalid NS target specified");
	assert_int_equal(opt_addr_parse(OPT_NS_IP6_TARGET, "2001:db8::1", a), 0);
	assert_int_equal(opt_addr_parse(OPT_ARP_IP_TARGET, "2001:db8::1", a), -1);
	sb_free(&sb);

	assert_int_equal(opt_parse_mac("02:00:00:00:00:07", mac, &err), 0);
	assert_int_equal(mac[5], 7);
	assert_int_equal(opt_parse_mac("01:00:00:00:00:07", mac, &err), -EINVAL);
	assert_string_equal(err.msg, "Invalid ad_actor_system MAC address.");
	assert_int_equal(mac[0], 2);

	assert_int_equal(opt_parse_queue_id("queue_id", "eth0:3 ", ifname, &qid, &err), 0);
	assert_string_equal(ifname, "eth0");
	assert_int_equal(qid, 3);
	assert_int_equal(opt_parse_queue_id("queue_id", "eth0:65536", ifname, &qid, &err), -EPERM);
	assert_string_equal(err.msg, "option queue_id: invalid input (eth0:65536): use <slave>:<queue id>");
	assert_int_equal(opt_parse_queue_id("queue_id", "et/h0:1", ifname, &qid, &err), -EPERM);
}

static void test_arp_targets(void **state)
{
	struct fix *f = *state;

	assert_set_ok(f, "arp_ip_target", "+10.0.0.1");
	assert_int_equal(f->b->params.n_arp_targets, 1);
	assert_set_ok(f, "arp_ip_target", "");
	assert_int_equal(f->b->params.n_arp_targets, 0);
	assert_set_err(f, "arp_ip_target", "+0.0.0.0", -EINVAL,
		       "invalid ARP target 0.0.0.0 specified for addition");
	assert_set_err(f, "arp_ip_target", "+255.255.255.255", -EINVAL,
		       "invalid ARP target 255.255.255.255 specified for addition");
	assert_set_err(f, "arp_ip_target", "+10.0.0.300", -EPERM,
		       "invalid ARP target specified");
	assert_set_err(f, "arp_ip_target", "-10.0.0.1", -EINVAL,
		       "unable to remove nonexistent ARP target 10.0.0.1");
	assert_set_err(f, "arp_ip_target", "10.0.0.1,10.0.0.1", -EINVAL,
		       "ARP target 10.0.0.1 is already present");
	assert_set_err(f, "arp_ip_target",
		       "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5,10.0.0.6,10.0.0.7,10.0.0.8,"
		       "10.0.0.9,10.0.0.10,10.0.0.11,10.0.0.12,10.0.0.13,10.0.0.14,10.0.0.15,"
		       "10.0.0.16,10.0.0.17", -EINVAL, "ARP target table is full!");
	assert_int_equal(set(f, "arp_ip_target", "10.0.0.1 bogus"), -EPERM);
	assert_int_equal(f->b->params.n_arp_targets, 0);

	assert_set_ok(f, "ns_ip6_target", "+2001:db8::1");
	assert_int_equal(f->b->params.n_ns_targets, 1);
	assert_set_ok(f, "ns_ip6_target", "-2001:db8::1");
	assert_int_equal(f->b->params.n_ns_targets, 0);
	assert_set_err(f, "ns_ip6_target", "+ff02::1", -EINVAL,
		       "invalid NS target ff02::1 specified for addition");
	assert_set_err(f, "ns_ip6_target", "+::1", -EINVAL,
		       "invalid NS target ::1 specified for addition");
	assert_set_err(f, "ns_ip6_target", "2001:db8::1,2001:db8::1", -EINVAL,
		       "NS target 2001:db8::1 is already present");
	assert_set_ok(f, "ns_ip6_target", "\n");
	assert_string_equal(get(f, "ns_ip6_target"), "");

	/* the read format, for when the ARP monitor lands */
	f->b->params.arp_targets[0] = htonl(0x0a500001);
	f->b->params.arp_targets[1] = htonl(0x0a500003);
	f->b->params.n_arp_targets = 2;
	assert_string_equal(get(f, "arp_ip_target"), "10.80.0.1 10.80.0.3");
}

static void test_queue_id(void **state)
{
	struct fix *f = *state;

	ab_bond(f);
	assert_set_ok(f, "queue_id", "eth0:0");
	assert_set_ok(f, "queue_id", "eth1:0\n");
	/* On a data path that cannot see a frame's queue (packet): refused. */
	assert_set_err(f, "queue_id", "eth0:3", -EOPNOTSUPP,
		       "option queue_id: bond0 cannot steer by queue: its data path does not see a "
		       "frame's transmit queue (the packet data path; queue ids need bondd "
		       "--datapath ebpf)");
	assert_string_equal(get(f, "queue_id"), "eth0:0 eth1:0");
	assert_set_err(f, "queue_id", "eth0:17", -EPERM,
		       "option queue_id: queue id 17 is above the number of tx queues (16)");
	assert_set_err(f, "queue_id", "eth9:1", -EPERM,
		       "option queue_id: eth9 is not a slave of this bond");
	assert_set_err(f, "queue_id", "eth0", -EPERM,
		       "option queue_id: invalid input (eth0): use <slave>:<queue id>");
	assert_set_err(f, "queue_id", "eth0:x", -EPERM,
		       "option queue_id: invalid input (eth0:x): use <slave>:<queue id>");
	/* the duplicate check, seen through a queue id set behind its back */
	bond_find_slave(f->b, "eth1")->queue_id = 2;
	assert_set_err(f, "queue_id", "eth0:2", -EPERM,
		       "option queue_id: queue id 2 is already used by eth1");
	assert_string_equal(get(f, "queue_id"), "eth0:0 eth1:2");
}

/* queue_id on the kernel data path: set, read back, and in the transmit
 * plan (active-backup and balance-rr only, the slaves that can send). */
static void test_queue_id_plan(void **state)
{
	struct fix *f = *state;
	static struct tx_plan p;
	struct slave *e0, *e1;

	ab_bond(f);
	f->b->queue_ids_ok = true;
	e0 = bond_find_slave(f->b, "eth0");
	e1 = bond_find_slave(f->b, "eth1");
	assert_set_ok(f, "queue_id", "eth1:3");
	assert_set_ok(f, "queue_id", "eth0:16");
	assert_string_equal(get(f, "queue_id"), "eth0:16 eth1:3");
	assert_set_err(f, "queue_id", "eth0:3", -EPERM,
		       "option queue_id: queue id 3 is already used by eth1");
	bond_tx_plan(f->b, &p);
	assert_true(p.queue_override);
	assert_int_equal(p.n_queue, 2);
	assert_int_equal(p.queue[0].qid, 16);
	assert_ptr_equal(p.queue[0].s, e0);
	assert_int_equal(p.queue[1].qid, 3);
	assert_ptr_equal(p.queue[1].s, e1);
	/* a slave that cannot send leaves the frame to the mode */
	e1->link = SLAVE_LINK_DOWN;
	bond_tx_plan(f->b, &p);
	assert_int_equal(p.n_queue, 1);
	assert_ptr_equal(p.queue[0].s, e0);
	e1->link = SLAVE_LINK_UP;
	/* 0 takes the slave out */
	assert_set_ok(f, "queue_id", "eth0:0");
	bond_tx_plan(f->b, &p);
	assert_int_equal(p.n_queue, 1);
	assert_ptr_equal(p.queue[0].s, e1);
}

/* ---- opt_set_many -------------------------------------------------------- */

static int set_many(struct fix *f, unsigned n, const char *const *nv)
{
	const char *names[16], *values[16];

	for (unsigned i = 0; i < n; i++) {
		names[i] = nv[2 * i];
		values[i] = nv[2 * i + 1];
	}
	err_clear(&f->err);
	return opt_set_many(f->b, n, names, values, f->now, &f->err);
}

static void test_many_order(void **state)
{
	struct fix *f = *state;
	/* given "wrong" order: applied as mode, miimon, updelay, primary */
	static const char *const nv[] = {
		"primary", "eth1", "updelay", "200", "miimon", "100", "mode", "active-backup",
	};

	if (set_many(f, 4, nv) != 0)
		fail_msg("%s", f->err.msg);
	assert_string_equal(get(f, "mode"), "active-backup 1");
	assert_string_equal(get(f, "updelay"), "200");
	assert_string_equal(f->b->params.primary, "eth1");
}

static void test_many_all_or_nothing(void **state)
{
	struct fix *f = *state;
	static const char *const bad_value[] = {
		"miimon", "100", "xmit_hash_policy", "layer9", "min_links", "2",
	};
	static const char *const bad_name[] = {
		"miimon", "100", "miimom", "100",
	};
	static const char *const needs_mode[] = {
		"miimon", "100", "primary", "eth0",
	};
	static const char *const miimon_off[] = {
		"updelay", "100", "miimon", "0",
	};

	assert_int_equal(set_many(f, 3, bad_value), -EINVAL);
	assert_string_equal(f->err.msg, "option xmit_hash_policy: invalid value (layer9)");
	assert_int_equal(set_many(f, 2, bad_name), -ENOENT);
	assert_int_equal(set_many(f, 2, needs_mode), -EACCES);
	assert_int_equal(f->b->params.miimon, 0);
	assert_int_equal(f->b->params.min_links, 0);

	/* updelay is checked against the miimon the same call sets */
	assert_set_ok(f, "miimon", "100");
	assert_int_equal(set_many(f, 2, miimon_off), -EPERM);
	assert_string_equal(f->err.msg, "Unable to set up delay as MII monitoring is disabled");
	assert_int_equal(f->b->params.miimon, 100);
	assert_int_equal(f->rec.nlogs, 0);
}

static void test_many_last_wins(void **state)
{
	struct fix *f = *state;
	static const char *const nv[] = {
		"miimon", "100", "num_grat_arp", "3", "miimon", "200", "num_unsol_na", "7",
	};
	static const char *const invalid_then_valid[] = {
		"miimon", "bogus", "miimon", "300",
	};

	if (set_many(f, 4, nv) != 0)
		fail_msg("%s", f->err.msg);
	assert_string_equal(get(f, "miimon"), "200");
	assert_string_equal(get(f, "num_grat_arp"), "7");
	if (set_many(f, 2, invalid_then_valid) != 0)
		fail_msg("%s", f->err.msg);
	assert_string_equal(get(f, "miimon"), "300");
}

static void test_many_unimplemented_mode(void **state)
{
	struct fix *f = *state;
	uint32_t m;
	char num[4];
	const char *names[2] = { "miimon", "mode" }, *values[2] = { "50", num };

	for (m = 0; m < BOND_MODE__COUNT && mode_lookup(m); m++)
		;
	if (m == BOND_MODE__COUNT)
		skip();
	snprintf(num, sizeof(num), "%u", m);
	assert_int_equal(opt_set_many(f->b, 2, names, values, f->now, &f->err), -EOPNOTSUPP);
	assert_int_equal(f->err.code, -EOPNOTSUPP);
	assert_int_equal(f->b->params.miimon, 0);
	assert_int_equal(f->b->params.mode, 0);
}

static void test_many_empty(void **state)
{
	struct fix *f = *state;

	assert_int_equal(opt_set_many(f->b, 0, NULL, NULL, f->now, &f->err), 0);
}

/* ---- per-slave options --------------------------------------------------- */

static void test_slave_prio(void **state)
{
	struct fix *f = *state;
	struct slave *eth1;
	struct err err = { 0 };
	struct strbuf sb;

	sb_init(&sb);
	enslave(f, f->b, "eth3", 3);
	assert_int_equal(opt_slave_set(f->b->slaves[0], "prio", "5", f->now, &err), -EACCES);
	assert_string_equal(err.msg, "option prio: mode dependency failed, not supported in mode balance-rr(0)");
	bond_release(f->b, f->b->slaves[0], f->now);

	ab_bond(f);
	eth1 = bond_find_slave(f->b, "eth1");
	assert_int_equal(opt_slave_set(eth1, "prio", "10", f->now, &err), 0);
	assert_int_equal(eth1->prio, 10);
	/* higher prio and primary_reselect=always: it takes over */
	assert_ptr_equal(f->b->active, eth1);
	assert_int_equal(opt_slave_set(eth1, "prio", "-7\n", f->now, &err), 0);
	assert_int_equal(opt_slave_get(eth1, "prio", &sb, &err), 0);
	assert_string_equal(sb_str(&sb), "-7");
	assert_int_equal(opt_slave_set(eth1, "prio", "abc", f->now, &err), -EINVAL);
	assert_string_equal(err.msg, "option prio: invalid value (abc)");
	assert_int_equal(opt_slave_set(eth1, "prio", "2147483648", f->now, &err), -EINVAL);

	/* with a primary, prio does not reselect: a warning says so */
	assert_set_ok(f, "primary", "eth0");
	assert_int_equal(opt_slave_set(eth1, "prio", "100", f->now, &err), 0);
	assert_true(logged(f, "bond0: (slave eth1): prio updated, but will not affect failover re-selection as primary slave have been set"));

	assert_int_equal(opt_slave_set(eth1, "miimon", "1", f->now, &err), -EINVAL);
	assert_string_equal(err.msg, "option miimon: is a bond option, not a per-slave option");
	assert_int_equal(opt_slave_set(eth1, "prioo", "1", f->now, &err), -ENOENT);
	sb_free(&sb);
}

static void test_slave_actor_port_prio(void **state)
{
	struct fix *f = *state;
	struct slave *s;
	struct err err = { 0 };
	struct strbuf sb;

	sb_init(&sb);
	s = enslave(f, f->b, "eth0", 1);
	assert_int_equal(opt_slave_set(s, "actor_port_prio", "255", f->now, &err), -EACCES);
	f->b->params.mode = BOND_MODE_8023AD;
	assert_int_equal(s->ad_actor_port_prio, 255);
	assert_int_equal(opt_slave_set(s, "actor_port_prio", "255", f->now, &err), 0);
	assert_int_equal(opt_slave_set(s, "ad_actor_port_prio", "default", f->now, &err), 0);
	assert_int_equal(opt_slave_set(s, "actor_port_prio", "100", f->now, &err), 0);
	assert_int_equal(s->ad_actor_port_prio, 100);
	assert_int_equal(opt_slave_set(s, "actor_port_prio", "255", f->now, &err), 0);
	assert_int_equal(opt_slave_set(s, "actor_port_prio", "65536", f->now, &err), -EINVAL);
	assert_string_equal(err.msg, "option actor_port_prio: invalid value (65536); option actor_port_prio: allowed values 0 - 65535");
	assert_int_equal(opt_slave_get(s, "ad_actor_port_prio", &sb, &err), 0);
	assert_string_equal(sb_str(&sb), "255");
	f->b->params.mode = BOND_MODE_ROUNDROBIN;
	sb_free(&sb);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_shape),
		cmocka_unit_test(test_table_values_round_trip),
		cmocka_unit_test(test_table_rejects_out_of_range),
		cmocka_unit_test(test_parse_quirks),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_value_name),
		cmocka_unit_test_setup_teardown(test_check_is_set_without_bond, setup, teardown),
		cmocka_unit_test(test_codec_values),
		T(test_get_defaults),
		T(test_get_slaves),
		T(test_unknown_and_special),
		T(test_mode_dependency),
		T(test_noslaves_ifdown),
		T(test_invalid_values),
		T(test_mode_side_effects),
		T(test_monitor_exclusion),
		T(test_delays),
		T(test_use_carrier),
		T(test_primary),
		T(test_primary_reselect_reselects),
		T(test_active_slave),
		T(test_all_slaves_active),
		T(test_pending_table),
		T(test_pending_messages),
		T(test_arp_targets),
		T(test_queue_id),
		T(test_queue_id_plan),
		T(test_many_order),
		T(test_many_all_or_nothing),
		T(test_many_last_wins),
		T(test_many_unimplemented_mode),
		T(test_many_empty),
		T(test_slave_prio),
		T(test_slave_actor_port_prio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
