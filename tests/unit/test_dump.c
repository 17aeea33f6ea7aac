/* `bondctl dump` and `bondctl diff` without a daemon: a bond's parameters
 * written as a configuration (opt_params_conf, the core) and built into a
 * model (conf_put_*), printed, parsed back and checked to give the same
 * parameters, in every mode and with many options; and the change lines
 * of conf_diff / conf_opt_changes (config/conf_diff.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/conf.h"
#include "config/conf_impl.h"
#include "core/opt.h"

/* ---- helpers -------------------------------------------------------------- */

/* The parameters a configured bond gives a new bond, as the daemon would
 * set them (opt_check, the kernel's order). */
static void params_of(const struct conf_bond *b, struct bond_params *p)
{
	unsigned *order = conf_opt_order(b);
	struct err e;

	opt_defaults(p);
	for (unsigned i = 0; i < b->n_opts; i++) {
		const struct conf_opt *o = &b->opts[order[i]];

		if (strcmp(o->name, "queue_id") && strcmp(o->name, "active_slave"))
			assert_int_equal(opt_check(p, o->name, o->value, &e), 0);
	}
	free(order);
}

/* Every option's value in both, as a configuration writes them: equal. */
static void assert_params_same(const struct bond_params *a, const struct bond_params *b,
			       const char *what)
{
	struct strbuf x, y;

	sb_init(&x);
	sb_init(&y);
	for (unsigned i = 0; i < OPT__COUNT; i++) {
		sb_reset(&x);
		sb_reset(&y);
		if (opt_param_text(a, (enum opt_id)i, &x) < 0)
			continue;
		assert_int_equal(opt_param_text(b, (enum opt_id)i, &y), 0);
		if (strcmp(sb_str(&x), sb_str(&y)))
			fail_msg("%s: option %s: %s before, %s after the round trip", what,
				 opt_table[i].name, sb_str(&x), sb_str(&y));
	}
	sb_free(&x);
	sb_free(&y);
}

static void put_cb(void *ctx, const char *name, const char *value)
{
	struct err e;

	if (conf_put_opt(ctx, name, value, &e) < 0)
		fail_msg("conf_put_opt(%s, %s): %s", name, value, e.msg);
}

static struct conf *load(const char *text, const char *what)
{
	struct conf_diag d;
	struct conf *c;
	struct strbuf sb;

	conf_diag_init(&d);
	c = conf_load_native_text(text, what, false, &d);
	if (!c) {
		sb_init(&sb);
		conf_diag_print(&d, true, &sb);
		fail_msg("%s refused:\n%s\n--- text:\n%s", what, sb_str(&sb), text);
	}
	conf_diag_free(&d);
	return c;
}

static char *print_text(const struct conf *c)
{
	struct strbuf sb;
	char *s;

	sb_init(&sb);
	conf_print(c, &sb);
	s = strdup(sb_str(&sb));
	sb_free(&sb);
	return s;
}

/* ---- dump: parameters -> configuration -> parameters ----------------------- */

struct cand {
	const char *name, *value;
};

/* Two sets: the MII monitor and the ARP/NS monitor (setting one turns the
 * other off), each with every other option at a value that is not its
 * default. What a mode refuses is skipped for that mode. */
static const struct cand set_mii[] = {
	{ "miimon", "250" }, { "updelay", "500" }, { "downdelay", "750" },
	{ "peer_notif_delay", "250" }, { "use_carrier", "0" }, { "primary", "eth1" },
	{ "primary_reselect", "better" }, { "fail_over_mac", "active" },
	{ "xmit_hash_policy", "layer3+4" }, { "resend_igmp", "3" }, { "num_grat_arp", "5" },
	{ "all_slaves_active", "1" }, { "min_links", "2" }, { "lp_interval", "3" },
	{ "packets_per_slave", "4" }, { "lacp_active", "off" }, { "lacp_rate", "fast" },
	{ "ad_select", "bandwidth" }, { "ad_actor_sys_prio", "100" },
	{ "ad_user_port_key", "7" }, { "ad_actor_system", "02:00:00:00:00:05" },
	{ "tlb_dynamic_lb", "0" }, { "coupled_control", "0" }, { "broadcast_neighbor", "1" },
	{ "lacp_strict", "on" }, { NULL, NULL },
};

static const struct cand set_arp[] = {
	{ "arp_interval", "300" }, { "arp_ip_target", "192.0.2.1,192.0.2.2" },
	{ "ns_ip6_target", "2001:db8::1" }, { "arp_validate", "all" },
	{ "arp_all_targets", "all" }, { "arp_missed_max", "4" }, { "primary", "eth0" },
	{ "xmit_hash_policy", "encap3+4" }, { "num_grat_arp", "0" },
	{ "packets_per_slave", "0" }, { "ad_select", "count" }, { NULL, NULL },
};

static void roundtrip(uint32_t mode, const struct cand *set, const char *setname)
{
	const char *mname = opt_value_name(OPT_MODE, mode);
	struct bond_params p, back;
	struct conf *c = conf_new(), *parsed;
	struct conf_bond *cb;
	struct conf_changes ch;
	char what[96], *text;
	unsigned taken = 0;
	struct err e;

	opt_defaults(&p);
	if (opt_check(&p, "mode", mname, &e) < 0)
		return;     /* a mode bondd does not implement */
	for (const struct cand *k = set; k->name; k++)
		if (opt_check(&p, k->name, k->value, &e) == 0)
			taken++;
	snprintf(what, sizeof(what), "mode %s, %s options (%u taken)", mname, setname, taken);
	assert_true(taken >= 3);
	cb = conf_put_bond(c, "bond0");
	opt_params_conf(&p, put_cb, cb);
	conf_put_slave(cb, "eth0");
	conf_put_slave(cb, "eth1");
	text = print_text(c);
	/* mode always written, first; defaults left out */
	if (strncmp(text, "[bond0]\nmode = ", 15) || !strstr(text, mname))
		fail_msg("%s: mode not first:\n%s", what, text);
	if (strstr(text, "= 0\n") && !strstr(text, "use_carrier = 0") &&
	    !strstr(text, "tlb_dynamic_lb = 0") && !strstr(text, "coupled_control = 0") &&
	    !strstr(text, "num_grat_arp = 0") && !strstr(text, "packets_per_slave = 0"))
		fail_msg("%s: an option at its default (0) was written:\n%s", what, text);
	parsed = load(text, what);
	assert_true(conf_equal(c, parsed));
	params_of(&parsed->bonds[0], &back);
	assert_params_same(&p, &back, what);
	conf_diff(c, parsed, &ch);
	if (ch.n)
		fail_msg("%s: %u differences after the round trip, first: %s", what, ch.n,
			 ch.v[0].text);
	conf_changes_free(&ch);
	free(text);
	conf_free(parsed);
	conf_free(c);
}

static void test_dump_every_mode(void **state)
{
	(void)state;
	for (uint32_t m = 0; m <= 6; m++) {
		roundtrip(m, set_mii, "miimon");
		roundtrip(m, set_arp, "arp");
	}
}

/* A new bond's defaults write as the mode alone. */
static void test_dump_defaults(void **state)
{
	struct bond_params p;
	struct conf *c = conf_new();
	struct err e;
	char *text;

	(void)state;
	opt_defaults(&p);
	assert_int_equal(opt_check(&p, "mode", "802.3ad", &e), 0);
	opt_params_conf(&p, put_cb, conf_put_bond(c, "bond0"));
	text = print_text(c);
	assert_string_equal(text, "[bond0]\nmode = 802.3ad\n");
	free(text);
	conf_free(c);
}

/* An option the mode does not allow is not written (a file could not set
 * it): lacp_rate fast set in 802.3ad stays in the parameters when the
 * mode changes to active-backup. The miimon 100 that 802.3ad gave a bond
 * without a monitor stays, and is not active-backup's default: written. */
static void test_dump_mode_forbids(void **state)
{
	struct bond_params p;
	struct conf *c = conf_new();
	struct err e;
	char *text;

	(void)state;
	opt_defaults(&p);
	assert_int_equal(opt_check(&p, "mode", "802.3ad", &e), 0);
	assert_int_equal(opt_check(&p, "lacp_rate", "fast", &e), 0);
	assert_int_equal(opt_check(&p, "mode", "active-backup", &e), 0);
	opt_params_conf(&p, put_cb, conf_put_bond(c, "bond0"));
	text = print_text(c);
	assert_string_equal(text, "[bond0]\nmode = active-backup\nmiimon = 100\n");
	free(text);
	conf_free(c);
}

/* ---- diff ------------------------------------------------------------------ */

static char *diff_text(const char *a, const char *b)
{
	struct conf *ca = load(a, "a.conf"), *cb = load(b, "b.conf");
	struct conf_changes ch;
	struct strbuf sb;
	char *s;

	conf_diff(ca, cb, &ch);
	sb_init(&sb);
	for (unsigned i = 0; i < ch.n; i++)
		sb_printf(&sb, "%s\n", ch.v[i].text);
	s = strdup(sb_str(&sb));
	sb_free(&sb);
	conf_changes_free(&ch);
	conf_free(ca);
	conf_free(cb);
	return s;
}

static const char conf_a[] =
	"[bond0]\n"
	"mode = active-backup\n"
	"miimon = 100\n"
	"primary = eth0\n"
	"slaves = eth0 eth1\n"
	"address = 192.0.2.1/24\n"
	"address = 192.0.2.2/24 label bond0:1\n"
	"gateway = 192.0.2.254\n"
	"\n"
	"[bond2]\n"
	"mode = balance-xor\n"
	"slaves = eth5\n"
	"\n"
	"[route]\n"
	"to = 198.51.100.0/24 via 192.0.2.253\n";

static const char conf_b[] =
	"[daemon]\n"
	"datapath = packet\n"
	"\n"
	"[bond0]\n"
	"mode = 1\n"
	"miimon = 200\n"
	"updelay = 400\n"
	"slaves = eth0 eth2\n"
	"up = no\n"
	"mtu = 9000\n"
	"hwaddr = 02:00:00:00:00:01\n"
	"address = 192.0.2.1/24\n"
	"address = 2001:db8::1/64\n"
	"gateway = 192.0.2.250\n"
	"\n"
	"[bond1]\n"
	"mode = 802.3ad\n"
	"lacp_rate = fast\n"
	"slaves = eth3 eth4\n"
	"\n"
	"[interface eth9]\n"
	"address = 203.0.113.5/24\n"
	"\n"
	"[route]\n"
	"to = 198.51.100.0/24 via 192.0.2.253 metric 5\n";

static void test_diff_lines(void **state)
{
	char *s;

	(void)state;
	s = diff_text(conf_a, conf_b);
	assert_string_equal(s,
		"datapath (none) -> packet\n"
		"- bond2\n"
		"bond0: miimon 100 -> 200\n"
		"bond0: updelay 0 -> 400\n"
		"bond0: primary eth0 -> (none)\n"
		"bond0: - slave eth1\n"
		"bond0: + slave eth2\n"
		"bond0: up yes -> no\n"
		"bond0: mtu 1500 -> 9000\n"
		"bond0: hwaddr (none) -> 02:00:00:00:00:01\n"
		"bond0: - address 192.0.2.2/24 label bond0:1\n"
		"bond0: + address 2001:db8::1/64\n"
		"+ bond1 (mode 802.3ad)\n"
		"bond1: lacp_rate slow -> fast\n"
		"bond1: + slave eth3\n"
		"bond1: + slave eth4\n"
		"+ interface eth9\n"
		"eth9: + address 203.0.113.5/24\n"
		"- route 198.51.100.0/24 via 192.0.2.253\n"
		"+ route 198.51.100.0/24 via 192.0.2.253 metric 5\n"
		"gateway 192.0.2.254 dev bond0 -> 192.0.2.250 dev bond0\n");
	free(s);
	/* the same configuration: nothing */
	s = diff_text(conf_b, conf_b);
	assert_string_equal(s, "");
	free(s);
}

/* Spelled differently, the same effect: no line. */
static void test_diff_by_effect(void **state)
{
	char *s;

	(void)state;
	s = diff_text("[bond0]\nmode = active-backup\nmiimon = 100\nupdelay = 200\n",
		      "[bond0]\nmode = 1\nmiimon = 100\nupdelay = 200\nuse_carrier = 1\n"
		      "mtu = 1500\nup = yes\n");
	assert_string_equal(s, "");
	free(s);
	s = diff_text("[bond0]\nslaves = eth0\nqueue_id = eth0:2\n",
		      "[bond0]\nslaves = eth0\nqueue_id = eth0:3\n");
	assert_string_equal(s, "bond0: queue_id eth0:2 -> eth0:3\n");
	free(s);
	s = diff_text("[bond0]\nslaves = eth0\nqueue_id = eth0:2\n", "[bond0]\nslaves = eth0\n");
	assert_string_equal(s, "bond0: queue_id eth0:2 -> eth0:0\n");
	free(s);
}

/* What a reload sets: the changed options with new's values, "default"
 * for one new leaves out, in the kernel's order; every option of new for
 * a bond old did not have. */
static void test_opt_changes(void **state)
{
	struct conf *a = load("[bond0]\nmode = active-backup\nmiimon = 100\nprimary = eth0\n"
			      "slaves = eth0\nqueue_id = eth0:2\n", "a.conf");
	struct conf *b = load("[bond0]\nmiimon = 100\nmode = 1\nupdelay = 200\n"
			      "downdelay = 300\nslaves = eth0\n", "b.conf");
	const char *names[8], *values[8];
	unsigned n;

	(void)state;
	n = conf_opt_changes(&a->bonds[0], &b->bonds[0], names, values, 8);
	assert_int_equal(n, 4);
	assert_string_equal(names[0], "updelay");
	assert_string_equal(values[0], "200");
	assert_string_equal(names[1], "downdelay");
	assert_string_equal(values[1], "300");
	assert_string_equal(names[2], "primary");
	assert_string_equal(values[2], "default");
	assert_string_equal(names[3], "queue_id");
	assert_string_equal(values[3], "eth0:0");
	n = conf_opt_changes(NULL, &b->bonds[0], names, values, 8);
	assert_int_equal(n, 4);
	assert_string_equal(names[0], "mode");
	assert_string_equal(names[3], "downdelay");
	/* at most max */
	assert_int_equal(conf_opt_changes(&a->bonds[0], &b->bonds[0], names, values, 1), 1);
	conf_free(a);
	conf_free(b);
}

/* A broken file: conf_load_native_text() gives nothing and FILE:LINE. */
static void test_load_text_errors(void **state)
{
	struct conf_diag d;
	struct strbuf sb;

	(void)state;
	conf_diag_init(&d);
	assert_null(conf_load_native_text("[bond0]\nmode = active-backup\nmiimonn = 3\n",
					  "/etc/x.conf", false, &d));
	sb_init(&sb);
	conf_diag_print(&d, false, &sb);
	assert_non_null(strstr(sb_str(&sb), "/etc/x.conf:3: "));
	assert_non_null(strstr(sb_str(&sb), "miimon"));
	sb_free(&sb);
	conf_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dump_every_mode),
		cmocka_unit_test(test_dump_defaults),
		cmocka_unit_test(test_dump_mode_forbids),
		cmocka_unit_test(test_diff_lines),
		cmocka_unit_test(test_diff_by_effect),
		cmocka_unit_test(test_opt_changes),
		cmocka_unit_test(test_load_text_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
