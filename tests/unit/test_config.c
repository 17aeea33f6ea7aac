/* src/config: the native bondd.conf parser and printer, the ifcfg,
 * interfaces and modprobe importers, merging, the whole-configuration
 * check, and the golden files tests/golden/config/NAME.in -> NAME.out.
 *
 * Golden runner: each NAME.in directory holds the input files and "args",
 * the words of "bondctl import" (FORMAT PATH [--modprobe FILE] [--script
 * FILE]), run with
 * NAME.in as the current directory. NAME.out is what bondctl prints: the
 * messages (errors, or the warnings of a success), then the bondd.conf
 * text. Every successful output is parsed back and must give the same
 * configuration and the same text. BONDD_GOLDEN_UPDATE=1 rewrites the .out
 * files (review the diff). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/conf.h"
#include "config/conf_lint.h"
#include "config/conf_impl.h"

#ifndef GOLDEN_DIR
#error GOLDEN_DIR must name tests/golden/config
#endif

/* ---- helpers -------------------------------------------------------------- */

static char *diag_text(const struct conf_diag *d, bool warnings)
{
	struct strbuf sb;
	char *s;

	sb_init(&sb);
	conf_diag_print(d, warnings, &sb);
	s = strdup(sb_str(&sb));
	sb_free(&sb);
	return s;
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

/* parse(print(c)) == c and print(parse(print(c))) == print(c). */
static void assert_roundtrip(const struct conf *c)
{
	struct conf_diag d;
	char *text = print_text(c), *again;
	struct conf *back;

	conf_diag_init(&d);
	back = conf_parse_native(text, "printed", &d);
	if (!back) {
		char *msgs = diag_text(&d, true);

		fprintf(stderr, "reparse failed:\n%s\n--- text:\n%s", msgs, text);
		free(msgs);
	}
	assert_non_null(back);
	assert_true(conf_equal(c, back));
	again = print_text(back);
	assert_string_equal(text, again);
	free(again);
	free(text);
	conf_free(back);
	conf_diag_free(&d);
}

/* Parses native text that must fail; returns the messages. */
static char *native_fails(const char *text)
{
	struct conf_diag d;
	struct conf *c;
	char *msgs;

	conf_diag_init(&d);
	c = conf_parse_native(text, "t.conf", &d);
	if (c) {
		unsigned n = conf_check(c, true, &d);

		conf_free(c);
		if (!n)
			fail_msg("expected an error for:\n%s", text);
	}
	msgs = diag_text(&d, false);
	conf_diag_free(&d);
	return msgs;
}

static void assert_native_error(const char *text, const char *expected)
{
	char *msgs = native_fails(text);

	assert_string_equal(msgs, expected);
	free(msgs);
}

/* Parses and checks (strict) native text that must succeed. */
static struct conf *native_ok(const char *text)
{
	struct conf_diag d;
	struct conf *c;

	conf_diag_init(&d);
	c = conf_parse_native(text, "t.conf", &d);
	if (c && conf_check(c, true, &d)) {
		conf_free(c);
		c = NULL;
	}
	if (!c) {
		char *msgs = diag_text(&d, true);

		fail_msg("unexpected errors:\n%s", msgs);
	}
	conf_diag_free(&d);
	return c;
}

/* ---- native --------------------------------------------------------------- */

static const char example[] =
	"# /etc/bondd/bondd.conf\n"
	"[bond0]\n"
	"mode = active-backup\n"
	"miimon = 100\n"
	"primary = eth0\n"
	"slaves = eth0 eth1\n"
	"mtu = 1500\n"
	"address = 192.0.2.1/24\n"
	"address = 192.0.2.2/24 label bond0:0\n"
	"address = 2001:db8::1/64\n"
	"gateway = 192.0.2.254\n"
	"\n"
	"[interface eth2]\n"
	"address = 198.51.100.5/24 label eth2:1\n"
	"\n"
	"[route]\n"
	"to = 203.0.113.0/24 via 192.0.2.254 dev bond0\n";

static void test_native_example(void **state)
{
	struct conf *c = native_ok(example);
	const struct conf_bond *b;
	char *text;

	assert_int_equal(c->n_bonds, 1);
	b = &c->bonds[0];
	assert_string_equal(b->name, "bond0");
	assert_int_equal(b->n_opts, 3);
	assert_string_equal(b->opts[0].name, "mode");
	assert_string_equal(b->opts[0].value, "active-backup");
	assert_int_equal(b->opts[0].loc.line, 3);
	assert_string_equal(b->opts[0].loc.file, "t.conf");
	assert_int_equal(b->n_slaves, 2);
	assert_string_equal(b->slaves[1].name, "eth1");
	assert_int_equal(b->mtu, 1500);
	assert_int_equal(b->n_addrs, 3);
	assert_string_equal(b->addrs[1].label, "bond0:0");
	assert_int_equal(b->addrs[2].family, AF_INET6);
	assert_int_equal(b->addrs[2].prefix, 64);
	assert_true(c->gw4.set);
	assert_string_equal(c->gw4.dev, "bond0");
	assert_false(c->gw6.set);
	assert_int_equal(c->n_ifaces, 1);
	assert_string_equal(c->ifaces[0].addrs[0].label, "eth2:1");
	assert_int_equal(c->n_routes, 1);
	assert_string_equal(c->routes[0].dev, "bond0");
	assert_int_equal(c->routes[0].prefix, 24);
	text = print_text(c);
	/* The example is canonical already, comment aside. */
	assert_string_equal(text, example + strlen("# /etc/bondd/bondd.conf\n"));
	free(text);
	assert_roundtrip(c);
	conf_free(c);
}

static void test_native_canonical_values(void **state)
{
	struct conf *c = native_ok("[bond0]\n"
				   "mode = 1   # active-backup\n"
				   "; a comment\n"
				   "miimon = off\n"
				   "num_unsol_na = 3\n"
				   "primary_reselect = 2\n"
				   "hwaddr = 02:AA:bb:CC:dd:01\n"
				   "[bonding]\n"
				   "max_bonds = 2\n");
	char *text = print_text(c);

	assert_string_equal(text,
			    "[bonding]\n"
			    "max_bonds = 2\n"
			    "\n"
			    "[bond0]\n"
			    "mode = active-backup\n"
			    "miimon = 0\n"
			    "num_grat_arp = 3\n"
			    "primary_reselect = failure\n"
			    "hwaddr = 02:aa:bb:cc:dd:01\n");
	free(text);
	assert_roundtrip(c);
	conf_free(c);
}

static void test_native_max_bonds(void **state)
{
	struct conf_diag d;
	struct conf *c;

	conf_diag_init(&d);
	c = conf_parse_native("[bonding]\nmax_bonds = 3\n[bond1]\nmode = active-backup\n", "t", &d);
	assert_non_null(c);
	conf_finish(c);
	assert_int_equal(c->n_bonds, 3);
	assert_string_equal(c->bonds[0].name, "bond1");
	assert_string_equal(c->bonds[1].name, "bond0");
	assert_string_equal(c->bonds[2].name, "bond2");
	/* the module's bonds are down; the one the file names is up */
	assert_false(c->bonds[0].down);
	assert_true(c->bonds[1].down);
	assert_true(c->bonds[2].down);
	assert_roundtrip(c);
	conf_free(c);
	conf_diag_free(&d);
}

/* up = yes|no: yes by default, "up = no" printed back, anything else an
 * error. */
static void test_native_up(void **state)
{
	struct conf *c = native_ok("[bond0]\nmode = 802.3ad\nslaves = eth0\n"
				   "[bond1]\nup = no\n[bond2]\nup = yes\n");
	char *text;

	assert_false(c->bonds[0].down);
	assert_true(c->bonds[1].down);
	assert_false(c->bonds[2].down);
	text = print_text(c);
	assert_string_equal(text, "[bond0]\nmode = 802.3ad\nslaves = eth0\n\n[bond1]\nup = no\n\n"
			    "[bond2]\n");
	free(text);
	assert_roundtrip(c);
	conf_free(c);
	assert_native_error("[bond0]\nup = maybe\n", "t.conf:2: up: 'maybe' is not yes or no\n");
	assert_native_error("[bond0]\nup = no\nup = yes\n",
			    "t.conf:3: 'up' is given twice in this section (first on line 2)\n");
}

/* [daemon] datapath: kept as written, printed back, compared by reload. */
static void test_native_daemon_datapath(void **state)
{
	struct conf *c = native_ok("[daemon]\ndatapath = packet\n[bond0]\nmode = 1\n");
	struct conf *c2 = native_ok("[bond0]\nmode = 1\n");
	char *text = print_text(c);

	assert_string_equal(c->datapath, "packet");
	assert_int_equal(c->datapath_loc.line, 2);
	assert_string_equal(text, "[daemon]\ndatapath = packet\n\n[bond0]\nmode = active-backup\n");
	assert_false(conf_equal(c, c2));
	assert_roundtrip(c);
	free(text);
	conf_free(c);
	conf_free(c2);
	assert_native_error("[daemon]\ndatapath = xdp\n",
		"t.conf:2: datapath: 'xdp' is not one of auto, ebpf, packet\n");
	assert_native_error("[daemon]\ndatapth = ebpf\n",
		"t.conf:2: unknown key 'datapth' (did you mean 'datapath'?)\n");
}

/* [daemon] metrics and metrics_textfile: checked when read, printed back,
 * compared by reload. */
static void test_native_daemon_metrics(void **state)
{
	struct conf *c = native_ok("[daemon]\nmetrics = [2001:db8::1]:9120\n"
				   "metrics_textfile = /var/lib/prometheus/node-exporter\n");
	struct conf *c2 = native_ok("[daemon]\nmetrics = 127.0.0.1:9120\n");
	char *text = print_text(c);

	assert_string_equal(c->metrics, "[2001:db8::1]:9120");
	assert_int_equal(c->metrics_loc.line, 2);
	assert_string_equal(c->metrics_textfile, "/var/lib/prometheus/node-exporter");
	assert_string_equal(text, "[daemon]\nmetrics = [2001:db8::1]:9120\n"
			    "metrics_textfile = /var/lib/prometheus/node-exporter\n");
	assert_false(conf_equal(c, c2));
	assert_roundtrip(c);
	free(text);
	conf_free(c);
	conf_free(c2);
	assert_native_error("[daemon]\nmetrics = 192.0.2.1\n",
		"t.conf:2: metrics: '192.0.2.1': no port; give an IPv4 address and a port "
		"(192.0.2.1:9100), or an IPv6 address in brackets and a port ([2001:db8::1]:9100)\n");
	assert_native_error("[daemon]\nmetrics = 192.0.2.1:0\n",
		"t.conf:2: metrics: '192.0.2.1:0': the port must be a number from 1 to 65535\n");
	assert_native_error("[daemon]\nmetrics_textfile = textfiles\n",
		"t.conf:2: metrics_textfile: 'textfiles' is not an absolute directory name\n");
}

/* A configuration may ask for as many bonds as one engine holds. */
static void test_native_too_many_bonds(void **state)
{
	struct strbuf sb;

	(void)state;
	sb_init(&sb);
	for (unsigned i = 0; i <= OPT_BONDS_MAX; i++)
		sb_printf(&sb, "[bond%u]\n", i);
	{
		char *msgs = native_fails(sb_str(&sb));
		char want[128];

		snprintf(want, sizeof(want), "t.conf:%u: too many bonds (at most %d)\n",
			 OPT_BONDS_MAX + 1, OPT_BONDS_MAX);
		assert_string_equal(msgs, want);
		free(msgs);
	}
	sb_free(&sb);
}

static void test_native_routes_and_gateways(void **state)
{
	struct conf *c = native_ok("[bond0]\n"
				   "address = 192.0.2.1/24\n"
				   "address = 2001:db8::1/64\n"
				   "gateway = 2001:db8::ffff\n"
				   "[route]\n"
				   "to = default via 192.0.2.254\n"
				   "to = 10.0.0.0/8 via 192.0.2.253 metric 20\n"
				   "to = 198.51.100.0/24 dev bond0\n");

	assert_true(c->gw4.set);
	assert_string_equal(c->gw4.dev, "");
	assert_true(c->gw6.set);
	assert_string_equal(c->gw6.dev, "bond0");
	assert_int_equal(c->n_routes, 2);
	assert_true(c->routes[0].has_metric);
	assert_int_equal(c->routes[0].metric, 20);
	assert_false(c->routes[1].has_via);
	assert_roundtrip(c);
	conf_free(c);
}

static void test_native_errors(void **state)
{
	assert_native_error("mode = 1\n",
		"t.conf:1: 'mode' is outside a section: start with a header such as [bond0]\n");
	assert_native_error("[bond0\n", "t.conf:1: a section header is [NAME]: missing ']'\n");
	assert_native_error("[interfce eth2]\n",
		"t.conf:1: unknown section 'interfce' (did you mean 'interface'?)\n");
	assert_native_error("[bond0]\nmode = 7\n", "t.conf:2: option mode: invalid value (7)\n");
	assert_native_error("[bond0]\nmiimon = -1\n",
		"t.conf:2: option miimon: invalid value (-1); option miimon: allowed values 0 - 2147483647\n");
	assert_native_error("[bond0]\nmode = active-backup\nmode = balance-rr\n",
		"t.conf:3: 'mode' is given twice in this section (first on line 2)\n");
	assert_native_error("[bond0]\nnum_grat_arp = 1\nnum_unsol_na = 2\n",
		"t.conf:3: 'num_unsol_na' is given twice in this section (first on line 2)\n");
	assert_native_error("[bond0]\nmax_bonds = 2\n",
		"t.conf:2: option max_bonds: is a module parameter, not a bond option\n");
	assert_native_error("[bond0]\nprio = 2\n",
		"t.conf:2: option prio: is a per-slave option; bondd.conf cannot set it\n");
	assert_native_error("[bond0]\naddress = 192.0.2.1\n",
		"t.conf:2: address 192.0.2.1 needs a prefix length (192.0.2.1/24)\n");
	assert_native_error("[bond0]\naddress = 192.0.2.300/24\n",
		"t.conf:2: invalid address '192.0.2.300'\n");
	assert_native_error("[bond0]\naddress = 192.0.2.1/33\n",
		"t.conf:2: invalid prefix length '33' in '192.0.2.1/33'\n");
	assert_native_error("[bond0]\naddress = 192.0.2.1/24 label eth1:0\n",
		"t.conf:2: label 'eth1:0' does not belong to bond0: a label is the interface name, or the name, ':' and a suffix (bond0:1)\n");
	assert_native_error("[bond0]\naddress = 2001:db8::1/64 label bond0:1\n",
		"t.conf:2: labels are for IPv4 addresses only\n");
	assert_native_error("[bond0]\naddress = 192.0.2.1/24 lable bond0:1\n",
		"t.conf:2: unknown word 'lable' after the address (did you mean 'label'?)\n");
	assert_native_error("[bond0]\nmtu = 40\n", "t.conf:2: invalid MTU '40' (68 .. 65535)\n");
	assert_native_error("[bond0]\nslaves = eth0 eth0\n", "t.conf:2: slave eth0 is listed twice\n");
	assert_native_error("[bond0]\nslaves = bond0\n", "t.conf:2: bond0 cannot be a slave of itself\n");
	assert_native_error("[bond0]\nhwaddr = 01:00:5e:00:00:01\n",
		"t.conf:2: invalid hwaddr '01:00:5e:00:00:01': a unicast MAC address (02:00:00:00:00:01)\n");
	assert_native_error("[route]\nto = 10.0.0.1/8 via 192.0.2.1\n",
		"t.conf:2: route destination 10.0.0.1/8 has host bits set\n");
	assert_native_error("[route]\nto = 10.0.0.0/8\n",
		"t.conf:2: route to 10.0.0.0 needs 'via GATEWAY' or 'dev DEV'\n");
	assert_native_error("[route]\nfrom = 10.0.0.0/8\n",
		"t.conf:2: unknown key 'from'\n");
	assert_native_error("[bonding]\nmax_bond = 2\n",
		"t.conf:2: unknown option 'max_bond' (did you mean 'max_bonds'?)\n");
	assert_native_error("[bond0]\n[interface bond0]\n",
		"t.conf:2: bond0 is configured twice (first at t.conf:1)\n");
	assert_native_error("[bond0]\nslaves = eth0\n[bond1]\nslaves = bond0\n",
		"t.conf:4: bond0 is a bond and cannot be a slave of bond1\n");
	assert_native_error("[bond0]\nmode = active-backup\nactive_slave = eth9\nslaves = eth0\n",
		"t.conf:3: option active_slave: eth9 is not a slave of bond0\n");
	assert_native_error("[bond0]\naddress = 192.0.2.1/24\n[bond1]\naddress = 192.0.2.1/25\n",
		"t.conf:4: address 192.0.2.1 is on bond0 already (t.conf:2)\n");
	assert_native_error("[bond0]\naddress = 192.0.2.1/24\ngateway = 198.51.100.1\n",
		"t.conf:3: gateway 198.51.100.1 is not in a subnet of bond0's addresses\n");
	assert_native_error("[bond0]\naddress = 192.0.2.1/24\ngateway = 192.0.2.254\n"
			    "[interface eth2]\naddress = 192.0.2.9/24\ngateway = 192.0.2.253\n",
		"t.conf:6: a second default IPv4 gateway 192.0.2.253 (dev eth2): the first, 192.0.2.254 (dev bond0), is at t.conf:3; keep one\n");
	assert_native_error("[bond0]\nslaves = eth0\n[interface eth0]\naddress = 192.0.2.1/24\n",
		"t.conf:2: eth0 is a slave of bond0 and cannot have addresses (t.conf:4): put them on the bond\n");
	assert_native_error("[bonding]\ntx_queues = 8\n",
		"t.conf:2: tx_queues 8: bondd's bonds have 16 transmit queues; only 16 is accepted\n");
	/* Several errors: all reported, in order. */
	assert_native_error("[bond0]\nmiimonn = 100\nmode = 9\n",
		"t.conf:2: unknown option 'miimonn' (did you mean 'miimon'?)\n"
		"t.conf:3: option mode: invalid value (9)\n");
}

static void test_native_pending_strict(void **state)
{
	static const char text[] = "[bond0]\nmode = 802.3ad\nbroadcast_neighbor = 1\n";
	struct conf_diag d;
	struct conf *c;
	char *msgs;

	if (!(opt_table[OPT_BROADCAST_NEIGHBOR].flags & OPT_PENDING))
		skip();         /* built since: nothing pending to test with */
	conf_diag_init(&d);
	c = conf_parse_native(text, "t", &d);
	assert_non_null(c);
	/* Not strict (import): warnings; strict (bondd loading): errors. */
	assert_int_equal(conf_check(c, false, &d), 0);
	assert_int_equal(d.n_errors, 0);
	assert_true(d.n_warnings > 0);
	assert_true(conf_check(c, true, &d) > 0);
	msgs = diag_text(&d, false);
	assert_non_null(strstr(msgs, "t:3: option broadcast_neighbor: not supported by bondd yet"));
	free(msgs);
	conf_free(c);
	conf_diag_free(&d);
}

static void test_native_all_or_nothing(void **state)
{
	struct conf_diag d;

	conf_diag_init(&d);
	assert_null(conf_parse_native("[bond0]\nmode = active-backup\nslaves = eth0\n"
				      "[bond1]\nmiimon = fast\n", "t", &d));
	assert_int_equal(d.n_errors, 1);
	conf_diag_free(&d);
}

/* ---- ifcfg ---------------------------------------------------------------- */

static struct conf *ifcfg(const struct conf_file *f, unsigned n, struct conf_diag *d)
{
	struct conf *c = imp_ifcfg_parse(f, n, d);

	if (c) {
		conf_finish(c);
		if (conf_check(c, false, d)) {
			conf_free(c);
			return NULL;
		}
	}
	return c;
}

static void test_ifcfg_bond(void **state)
{
	const struct conf_file f[] = {
		{ "ns/ifcfg-bond0",
		  "DEVICE=bond0\nBOOTPROTO=none\nONBOOT=yes\nIPADDR0=192.0.2.1\nPREFIX0=24\n"
		  "IPADDR1=192.0.2.2\nNETMASK1=255.255.255.0\nGATEWAY=192.0.2.254\n"
		  "IPV6INIT=yes\nIPV6ADDR=2001:db8::1/64\nIPV6ADDR_SECONDARIES=\"2001:db8::2/64 2001:db8::3\"\n"
		  "IPV6_DEFAULTGW=fe80::1%bond0\nMTU=9000\nMACADDR=02:00:00:00:00:01\n"
		  "BONDING_OPTS='mode=active-backup miimon=100 primary=eth1 num_unsol_na=2'\n"
		  "USERCTL=no\nNM_CONTROLLED=no\n" },
		{ "ns/ifcfg-eth0", "DEVICE=eth0\nMASTER=bond0\nSlave=Yes\nHWADDR=00:11:22:33:44:55\n" },
		{ "ns/ifcfg-eth1", "export DEVICE=eth1\nMASTER=\"bond0\"\nSLAVE=yes # enslaved\n" },
		{ "ns/route-bond0", "10.0.0.0/8 via 192.0.2.253\n198.51.100.0/24 dev bond0 metric 5\n" },
		{ "ns/route6-bond0", "2001:db8:1::/48 via 2001:db8::fffe\n" },
		{ "ns/ifcfg-bond0.bak", "garbage" },
	};
	struct conf_diag d;
	struct conf *c;
	const struct conf_bond *b;

	conf_diag_init(&d);
	c = ifcfg(f, ARRAY_SIZE(f), &d);
	assert_non_null(c);
	assert_int_equal(d.n_warnings, 0);
	b = &c->bonds[0];
	assert_string_equal(b->name, "bond0");
	assert_int_equal(b->n_opts, 4);
	assert_string_equal(b->opts[3].name, "num_grat_arp");
	assert_int_equal(b->n_slaves, 2);
	assert_int_equal(b->n_addrs, 5);
	assert_int_equal(b->addrs[1].prefix, 24);
	assert_int_equal(b->addrs[4].prefix, 64);
	assert_int_equal(b->mtu, 9000);
	assert_true(b->has_hwaddr);
	assert_true(c->gw4.set);
	assert_true(c->gw6.set);
	assert_string_equal(c->gw6.dev, "bond0");
	assert_int_equal(c->n_routes, 3);
	assert_int_equal(c->routes[2].family, AF_INET6);
	assert_roundtrip(c);
	conf_free(c);
	conf_diag_free(&d);
}

/* ONBOOT: yes or absent -> up (the network service skips only ONBOOT=no);
 * a bond that has no file of its own (only a slave's MASTER=) stays down. */
static void test_ifcfg_onboot(void **state)
{
	const struct conf_file f[] = {
		{ "ifcfg-eth0", "DEVICE=eth0\nMASTER=bond0\nSLAVE=yes\n" },
		{ "ifcfg-bond0", "DEVICE=bond0\nONBOOT=yes\nBONDING_OPTS=mode=1\n" },
		{ "ifcfg-bond1", "DEVICE=bond1\nONBOOT=no\nBONDING_OPTS=mode=1\n" },
		{ "ifcfg-bond2", "DEVICE=bond2\nBONDING_OPTS=mode=1\n" },
		{ "ifcfg-eth1", "DEVICE=eth1\nMASTER=bond3\nSLAVE=yes\n" },
	};
	struct conf_diag d;
	struct conf *c;

	conf_diag_init(&d);
	c = ifcfg(f, ARRAY_SIZE(f), &d);
	assert_non_null(c);
	assert_string_equal(conf_find_bond(c, "bond0")->name, "bond0");
	assert_false(conf_find_bond(c, "bond0")->down);
	assert_true(conf_find_bond(c, "bond1")->down);
	assert_false(conf_find_bond(c, "bond2")->down);
	assert_true(conf_find_bond(c, "bond3")->down);
	assert_roundtrip(c);
	conf_free(c);
	conf_diag_free(&d);
}

static void test_ifcfg_suse(void **state)
{
	const struct conf_file f[] = {
		{ "ifcfg-bond0",
		  "BONDING_MASTER='yes'\nBONDING_MODULE_OPTS='mode=active-backup miimon=100'\n"
		  "BONDING_SLAVE0='eth0'\nBONDING_SLAVE1='eth1'\nBOOTPROTO='static'\n"
		  "IPADDR='192.168.1.1/24'\nSTARTMODE='onboot'\n" },
	};
	struct conf_diag d;
	struct conf *c;

	conf_diag_init(&d);
	c = ifcfg(f, 1, &d);
	assert_non_null(c);
	assert_string_equal(conf_bond_opt(&c->bonds[0], "mode"), "active-backup");
	assert_int_equal(c->bonds[0].n_slaves, 2);
	assert_int_equal(c->bonds[0].addrs[0].prefix, 24);
	conf_free(c);
	conf_diag_free(&d);
}

static void test_ifcfg_old_route_file(void **state)
{
	const struct conf_file f[] = {
		{ "ifcfg-bond0", "DEVICE=bond0\nIPADDR=192.0.2.1\nPREFIX=24\n" },
		{ "route-bond0", "ADDRESS0=10.10.0.0\nNETMASK0=255.255.0.0\nGATEWAY0=192.0.2.2\n"
				 "ADDRESS1=10.20.0.0\nNETMASK1=255.255.0.0\nGATEWAY1=192.0.2.3\nMETRIC1=7\n" },
	};
	struct conf_diag d;
	struct conf *c;

	conf_diag_init(&d);
	c = ifcfg(f, ARRAY_SIZE(f), &d);
	assert_non_null(c);
	assert_int_equal(c->n_routes, 2);
	assert_int_equal(c->routes[0].prefix, 16);
	assert_string_equal(c->routes[0].dev, "bond0");
	assert_true(c->routes[1].has_metric);
	conf_free(c);
	conf_diag_free(&d);
}

static void test_ifcfg_arp_targets(void **state)
{
	const struct conf_file f[] = {
		{ "ifcfg-bond0",
		  "DEVICE=bond0\nBONDING_OPTS=\"mode=active-backup arp_interval=60 "
		  "arp_ip_target=+192.168.1.1 arp_ip_target=+192.168.1.2\"\n" },
	};
	const struct conf_file dup[] = {
		{ "ifcfg-bond0",
		  "DEVICE=bond0\nBONDING_OPTS=\"arp_ip_target=+192.168.1.1 arp_ip_target=+192.168.1.1\"\n" },
	};
	struct conf_diag d;
	struct conf *c;
	char *msgs;

	conf_diag_init(&d);
	c = imp_ifcfg_parse(f, 1, &d);
	assert_non_null(c);
	assert_string_equal(conf_bond_opt(&c->bonds[0], "arp_ip_target"), "192.168.1.1,192.168.1.2");
	conf_free(c);
	assert_null(imp_ifcfg_parse(dup, 1, &d));
	msgs = diag_text(&d, false);
	assert_string_equal(msgs, "ifcfg-bond0:2: ARP target 192.168.1.1 is already present\n");
	free(msgs);
	conf_diag_free(&d);
}

static void assert_ifcfg_error(const struct conf_file *f, unsigned n, const char *expected)
{
	struct conf_diag d;
	struct conf *c;
	char *msgs;

	conf_diag_init(&d);
	c = ifcfg(f, n, &d);
	if (c)
		fail_msg("expected: %s", expected);
	msgs = diag_text(&d, false);
	assert_string_equal(msgs, expected);
	free(msgs);
	conf_diag_free(&d);
}

static void test_ifcfg_errors(void **state)
{
	const struct conf_file quote[] = { { "ifcfg-bond0", "DEVICE=bond0\nBONDING_OPTS=mode=1 miimon=100\n" } };
	const struct conf_file slave_addr[] = {
		{ "ifcfg-bond0", "DEVICE=bond0\n" },
		{ "ifcfg-eth0", "DEVICE=eth0\nMASTER=bond0\nSLAVE=yes\nIPADDR=192.0.2.1\nPREFIX=24\n" },
	};
	const struct conf_file alias_on_slave[] = {
		{ "ifcfg-bond0", "DEVICE=bond0\n" },
		{ "ifcfg-eth0", "DEVICE=eth0\nMASTER=bond0\nSLAVE=yes\n" },
		{ "ifcfg-eth0:1", "DEVICE=eth0:1\nIPADDR=192.0.2.1\nPREFIX=24\n" },
	};
	const struct conf_file slave_no[] = {
		{ "ifcfg-eth0", "DEVICE=eth0\nMASTER=bond0\nSLAVE=no\n" },
	};
	const struct conf_file proto[] = { { "ifcfg-bond0", "DEVICE=bond0\nBOOTPROTO=statc\n" } };
	const struct conf_file onboot[] = { { "ifcfg-bond0", "DEVICE=bond0\nONBOOT=sometimes\n" } };
	const struct conf_file alias_dev[] = {
		{ "ifcfg-eth0:0", "DEVICE=eth1:0\nIPADDR=192.0.2.1\nPREFIX=24\n" },
	};
	const struct conf_file not_kv[] = { { "ifcfg-bond0", "DEVICE = bond0\n" } };
	const struct conf_file mode_dep[] = {
		{ "ifcfg-bond0", "DEVICE=bond0\nBONDING_OPTS=\"mode=balance-rr primary=eth0\"\n" },
	};
	const struct conf_file slaves_opt[] = {
		{ "ifcfg-bond0", "DEVICE=bond0\nBONDING_OPTS=\"slaves=+eth0\"\n" },
	};

	assert_ifcfg_error(quote, 1, "ifcfg-bond0:2: a value with blanks must be quoted: KEY=\"a b\"\n");
	assert_ifcfg_error(slave_addr, 2,
		"ifcfg-eth0:4: IPADDR on eth0: a slave has no addresses of its own; put them on the bond\n");
	assert_ifcfg_error(alias_on_slave, 3,
		"ifcfg-eth0:1:1: eth0 is a slave of bond0: put alias eth0:1 on the bond (ifcfg-bond0:N)\n");
	assert_ifcfg_error(slave_no, 1,
		"ifcfg-eth0:3: MASTER=bond0 with SLAVE=no: set SLAVE=yes, or remove MASTER\n");
	assert_ifcfg_error(proto, 1, "ifcfg-bond0:2: unknown BOOTPROTO 'statc' (did you mean 'static'?)\n");
	assert_ifcfg_error(onboot, 1, "ifcfg-bond0:2: ONBOOT=sometimes: expected yes or no\n");
	assert_ifcfg_error(alias_dev, 1,
		"ifcfg-eth0:0:1: DEVICE=eth1:0 does not match the file name ifcfg-eth0:0: set DEVICE=eth0:0\n");
	assert_ifcfg_error(not_kv, 1, "ifcfg-bond0:1: expected KEY=VALUE (no blanks around '=')\n"
				      "ifcfg-bond0:1: DEVICE= is missing: add DEVICE=bond0\n");
	assert_ifcfg_error(mode_dep, 1,
		"ifcfg-bond0:2: option primary: mode dependency failed, not supported in mode balance-rr(0)\n");
	assert_ifcfg_error(slaves_opt, 1,
		"ifcfg-bond0:2: option slaves: set MASTER=bond0 and SLAVE=yes in each slave's ifcfg file instead\n");
}

static void test_ifcfg_warnings(void **state)
{
	const struct conf_file f[] = {
		{ "ifcfg-bond0", "DEVICE=bond0\nIPADDR=10.1.2.3\nNETWORK=192.168.5.0\n" },
		{ "ifcfg-eth0", "DEVICE=eth0\nMASTER=bond0\nMTU=9000\n" },
		{ "ifcfg-eth5", "DEVICE=eth5\nBOOTPROTO=dhcp\n" },
		{ "ifcfg-br0", "DEVICE=br0\nTYPE=Bridge\nIPADDR=192.0.2.9\n" },
		{ "ifcfg-lo", "DEVICE=lo\nIPADDR=127.0.0.1\nNETMASK=255.0.0.0\n" },
	};
	struct conf_diag d;
	struct conf *c;
	char *msgs;

	conf_diag_init(&d);
	c = ifcfg(f, ARRAY_SIZE(f), &d);
	assert_non_null(c);
	msgs = diag_text(&d, true);
	assert_string_equal(msgs,
		"ifcfg-br0:1: warning: br0 has TYPE=Bridge: not imported (bondd configures bonds, their slaves and Ethernet interfaces)\n"
		"ifcfg-bond0:2: warning: IPADDR=10.1.2.3 has no NETMASK or PREFIX: using the class default /8, as initscripts does\n"
		"ifcfg-bond0:3: warning: NETWORK=192.168.5.0 is not the network of 10.1.2.3/8: ignored\n"
		"ifcfg-eth0:2: warning: MASTER=bond0 without SLAVE=yes: initscripts would not enslave eth0; bondd does\n"
		"ifcfg-eth0:3: warning: MTU on slave eth0 is ignored: a slave takes the bond's MTU\n"
		"ifcfg-eth5:2: warning: eth5 uses BOOTPROTO=dhcp: not imported, bondd leaves it alone\n");
	free(msgs);
	assert_int_equal(c->n_ifaces, 0);
	assert_int_equal(c->bonds[0].n_slaves, 1);
	conf_free(c);
	conf_diag_free(&d);
}

/* ---- interfaces ---------------------------------------------------------- */

struct stub_file {
	const char *path, *text;
};

static const struct stub_file stub_files[] = {
	{ "/etc/network/interfaces.d/bond1", "iface bond1 inet manual\n  bond-mode balance-rr\n  bond-slaves eth4\n" },
	{ "/etc/network/interfaces.d/eth3.cfg", "iface eth3 inet static\n  address 198.51.100.3/24\n" },
	{ "/etc/network/extra/eth6", "iface eth6 inet static\n  address 203.0.113.6\n  netmask 24\n  mtu 9000\n" },
	{ "/etc/network/extra/skip.me", "this is not read" },
	{ NULL, NULL },
};

static int stub_read(void *ctx, const char *path, char **text)
{
	for (const struct stub_file *f = stub_files; f->path; f++)
		if (!strcmp(f->path, path)) {
			*text = strdup(f->text);
			return 0;
		}
	return -ENOENT;
}

static int stub_glob(void *ctx, const char *pattern, char ***paths)
{
	/* Only "DIR/<star>" patterns are used here. */
	size_t n = strlen(pattern) - 1;
	char **out = calloc(8, sizeof(*out));
	int k = 0;

	for (const struct stub_file *f = stub_files; f->path; f++)
		if (!strncmp(f->path, pattern, n) && !strchr(f->path + n, '/'))
			out[k++] = strdup(f->path);
	*paths = out;
	return k;
}

static int stub_list(void *ctx, const char *dir, char ***names)
{
	size_t n = strlen(dir);
	char **out = calloc(8, sizeof(*out));
	int k = 0;

	for (const struct stub_file *f = stub_files; f->path; f++)
		if (!strncmp(f->path, dir, n) && f->path[n] == '/')
			out[k++] = strdup(f->path + n + 1);
	*names = out;
	return k;
}

static const struct conf_io stub_io = { stub_read, stub_glob, stub_list, NULL };

static struct conf *interfaces(const char *text, struct conf_diag *d)
{
	struct conf *c = imp_interfaces_parse(text, "/etc/network/interfaces", &stub_io, d);

	if (c) {
		conf_finish(c);
		if (conf_check(c, false, d)) {
			conf_free(c);
			return NULL;
		}
	}
	return c;
}

static void test_interfaces_full(void **state)
{
	static const char text[] =
		"auto lo\n"
		"iface lo inet loopback\n"
		"\n"
		"allow-hotplug eth0\n"
		"iface eth0 inet manual\n"
		"    bond-master bond0\n"
		"    bond-primary eth0 eth1\n"
		"iface eth1 inet manual\n"
		"    bond-master bond0\n"
		"\n"
		"auto bond0\n"
		"iface bond0 inet static\n"
		"    address 192.0.2.1\n"
		"    netmask 255.255.255.0\n"
		"    broadcast 192.0.2.255\n"
		"    gateway 192.0.2.254\n"
		"    mtu 9000\n"
		"    hwaddress ether 02:00:00:00:00:05\n"
		"    bond_mode active-backup\n"
		"    bond-miimon 100\n"
		"    bond-updelay 200\n"
		"    bond-slaves none\n"
		"    dns-nameservers 192.0.2.53\n"
		"    up ip addr add 192.0.2.2/24 dev $IFACE label bond0:1\n"
		"    up ip route add 10.0.0.0/8 via 192.0.2.253\n"
		"    post-up echo 1 > /sys/class/net/bond0/bonding/num_grat_arp\n"
		"    post-up /usr/local/bin/notify-admin\n"
		"    pre-down ip addr del 192.0.2.2/24 dev bond0\n"
		"iface bond0 inet6 static\n"
		"    address 2001:db8::1/64\n"
		"\n"
		"auto bond0:2\n"
		"iface bond0:2 inet static\n"
		"    address 192.0.2.3\n"
		"    netmask 24\n"
		"\n"
		"iface eth5 inet dhcp\n"
		"\n"
		"source interfaces.d/*\n"
		"source-directory extra\n";
	struct conf_diag d;
	struct conf *c;
	const struct conf_bond *b;
	char *msgs;

	conf_diag_init(&d);
	c = interfaces(text, &d);
	msgs = diag_text(&d, true);
	if (!c)
		fail_msg("%s", msgs);
	assert_string_equal(msgs,
		"/etc/network/interfaces:37: warning: iface eth5 uses method 'dhcp': not imported, bondd leaves it alone\n"
		"/etc/network/interfaces:27: warning: command not imported: /usr/local/bin/notify-admin\n");
	free(msgs);
	assert_int_equal(c->n_bonds, 2);
	b = &c->bonds[0];
	assert_string_equal(b->name, "bond0");
	assert_int_equal(b->n_slaves, 2);
	assert_string_equal(b->slaves[0].name, "eth0");
	assert_string_equal(conf_bond_opt(b, "primary"), "eth0");
	assert_string_equal(conf_bond_opt(b, "mode"), "active-backup");
	assert_string_equal(conf_bond_opt(b, "num_grat_arp"), "1");
	assert_int_equal(b->mtu, 9000);
	assert_true(b->has_hwaddr);
	assert_int_equal(b->n_addrs, 4);
	assert_true(b->addrs[0].has_broadcast);
	assert_string_equal(b->addrs[2].label, "bond0:2");
	assert_string_equal(b->addrs[3].label, "bond0:1");
	assert_int_equal(b->addrs[1].family, AF_INET6);
	assert_string_equal(c->bonds[1].name, "bond1");
	assert_string_equal(c->bonds[1].slaves[0].name, "eth4");
	assert_int_equal(c->n_ifaces, 2);
	assert_string_equal(c->ifaces[0].name, "eth3");
	assert_string_equal(c->ifaces[1].name, "eth6");
	assert_int_equal(c->ifaces[1].addrs[0].prefix, 24);
	assert_int_equal(c->ifaces[1].mtu, 9000);
	assert_int_equal(c->n_routes, 1);
	assert_string_equal(c->gw4.dev, "bond0");
	assert_roundtrip(c);
	conf_free(c);
	conf_diag_free(&d);
}

/* auto, allow-auto and allow-hotplug bring a bond up; without one it
 * stays down (ifup -a skips it). */
static void test_interfaces_auto(void **state)
{
	static const char text[] =
		"auto bond0 eth9\n"
		"iface bond0 inet manual\n    bond-slaves eth0\n    bond-mode 1\n"
		"iface bond1 inet manual\n    bond-slaves eth1\n    bond-mode 1\n"
		"allow-hotplug bond2\n"
		"iface bond2 inet manual\n    bond-slaves eth2\n    bond-mode 1\n"
		"allow-auto bond3\n"
		"iface bond3 inet manual\n    bond-slaves eth3\n    bond-mode 1\n"
		"allow-ovs bond4\n"
		"iface bond4 inet manual\n    bond-slaves eth4\n    bond-mode 1\n";
	struct conf_diag d;
	struct conf *c;

	conf_diag_init(&d);
	c = interfaces(text, &d);
	if (!c)
		fail_msg("%s", diag_text(&d, true));
	assert_false(conf_find_bond(c, "bond0")->down);
	assert_true(conf_find_bond(c, "bond1")->down);
	assert_false(conf_find_bond(c, "bond2")->down);
	assert_false(conf_find_bond(c, "bond3")->down);
	assert_true(conf_find_bond(c, "bond4")->down);
	assert_roundtrip(c);
	conf_free(c);
	conf_diag_free(&d);
}

static void assert_interfaces_error(const char *text, const char *expected)
{
	struct conf_diag d;
	struct conf *c;
	char *msgs;

	conf_diag_init(&d);
	c = imp_interfaces_parse(text, "if", NULL, &d);
	if (c) {
		conf_finish(c);
		if (!conf_check(c, false, &d))
			fail_msg("expected: %s", expected);
		conf_free(c);
	}
	msgs = diag_text(&d, false);
	assert_string_equal(msgs, expected);
	free(msgs);
	conf_diag_free(&d);
}

static void test_interfaces_errors(void **state)
{
	assert_interfaces_error("iface bond0 inet static\n  address 192.0.2.1/24\n  bond-miimonn 100\n",
		"if:3: unknown option 'bond-miimonn' (did you mean 'bond-miimon'?)\n");
	assert_interfaces_error("iface bond0 inet static\n  adress 192.0.2.1/24\n",
		"if:2: unknown keyword 'adress' (did you mean 'address'?)\n");
	assert_interfaces_error("auto bond0\niiface bond0 inet static\naddress 192.0.2.1\n",
		"if:2: unknown keyword 'iiface' (did you mean 'iface'?)\n");
	assert_interfaces_error("iface bond0 inet static\n  address 192.0.2.1\n",
		"if:2: address 192.0.2.1 has no netmask: add 'netmask 255.255.255.0' or write 192.0.2.1/24\n");
	assert_interfaces_error("iface bond0 inet static\n  address 192.0.2.1\n  netmask 255.0.255.0\n",
		"if:3: invalid netmask '255.0.255.0'\n");
	assert_interfaces_error("iface bond0 inet static\n  address 192.0.2.1/24\n  bond-mode 9\n",
		"if:3: option mode: invalid value (9)\n");
	assert_interfaces_error("iface bond0 inet\n", "if:1: iface needs a name, a family and a method: iface bond0 inet static\n");
	assert_interfaces_error("iface bond0 inte static\n",
		"if:1: unknown address family 'inte' (did you mean 'inet'?)\n");
	assert_interfaces_error("iface bond0:1 inet6 static\n  address 2001:db8::1/64\n",
		"if:1: iface bond0:1 inet6: IPv6 addresses have no labels; add the address to iface bond0 inet6\n");
	assert_interfaces_error("iface eth0 inet static\n  address 192.0.2.1/24\n  bond-master bond0\n",
		"if:2: eth0 is a slave of bond0 and cannot have addresses: put them on the bond\n");
	assert_interfaces_error("iface bond0 inet static\n  address 192.0.2.1/24\n  up ip addr add 192.0.2.2/24 label eth7:1\n",
		"if:3: label 'eth7:1' does not belong to bond0: a label is the interface name, or the name, ':' and a suffix (bond0:1)\n");
	assert_interfaces_error("iface bond0 inet manual\n  bond-slaves all\n",
		"if:2: bond-slaves all is not supported: list the slaves\n");
	assert_interfaces_error("source other\n", "if:1: source: no file access here\n");
}

/* ---- modprobe ------------------------------------------------------------- */

static struct conf *modprobe(const char *text, struct conf_diag *d)
{
	const struct conf_file f = { "mp.conf", text };
	struct conf *c = imp_modprobe_parse(&f, 1, d);

	if (c)
		conf_finish(c);
	return c;
}

static void test_modprobe(void **state)
{
	struct conf_diag d;
	struct conf *c;

	conf_diag_init(&d);
	/* Other modules are ignored; no alias, no options bonding: no bond0. */
	c = modprobe("alias eth0 e1000\noptions e1000 InterruptThrottleRate=1\n"
		     "blacklist floppy\nsoftdep bonding pre: e1000\n"
		     "install bond2 /sbin/modprobe --ignore-install bonding -o bond2 "
		     "mode=balance-alb miimon=50 arp_ip_target=192.0.2.1,192.0.2.2\n"
		     "options bond3 -o bond3 mode=802.3ad lacp_rate=fast xmit_hash_policy=layer3+4\n", &d);
	assert_non_null(c);
	assert_int_equal(c->n_bonds, 2);
	assert_string_equal(c->bonds[0].name, "bond2");
	assert_string_equal(conf_bond_opt(&c->bonds[0], "mode"), "balance-alb");
	assert_string_equal(conf_bond_opt(&c->bonds[0], "arp_ip_target"), "192.0.2.1,192.0.2.2");
	assert_string_equal(c->bonds[1].name, "bond3");
	assert_string_equal(conf_bond_opt(&c->bonds[1], "lacp_rate"), "fast");
	/* loading the module creates bonds down */
	assert_true(c->bonds[0].down);
	assert_true(c->bonds[1].down);
	conf_free(c);

	/* max_bonds=0: the module creates no bond; the alias still names one. */
	c = modprobe("alias bond1 bonding\noptions bonding max_bonds=0 miimon=100\n", &d);
	assert_non_null(c);
	assert_int_equal(c->n_bonds, 1);
	assert_string_equal(c->bonds[0].name, "bond1");
	assert_string_equal(conf_bond_opt(&c->bonds[0], "miimon"), "100");
	assert_int_equal(c->max_bonds, 0);
	conf_free(c);

	/* Per-bond options win over the module's defaults. */
	c = modprobe("options bonding mode=active-backup miimon=200\n"
		     "alias bond0 bonding\noptions bond0 miimon=100\n", &d);
	assert_non_null(c);
	assert_string_equal(conf_bond_opt(&c->bonds[0], "miimon"), "100");
	assert_string_equal(conf_bond_opt(&c->bonds[0], "mode"), "active-backup");
	conf_free(c);
	assert_int_equal(d.n_errors, 0);
	conf_diag_free(&d);
}

static void assert_modprobe_error(const char *text, const char *expected)
{
	struct conf_diag d;
	struct conf *c;
	char *msgs;

	conf_diag_init(&d);
	c = modprobe(text, &d);
	assert_null(c);
	msgs = diag_text(&d, false);
	assert_string_equal(msgs, expected);
	free(msgs);
	conf_diag_free(&d);
}

static void test_modprobe_errors(void **state)
{
	assert_modprobe_error("alias bond0 bonding\noptions bond0 miimon=100 mdoe=1\n",
		"mp.conf:2: unknown option 'mdoe' (did you mean 'mode'?)\n");
	assert_modprobe_error("options bonding lacp_active=on\n",
		"mp.conf:1: option lacp_active: is not a parameter of the bonding module; set it in bondd.conf\n");
	assert_modprobe_error("options bonding mode=7\n", "mp.conf:1: option mode: invalid value (7)\n");
	assert_modprobe_error("options bonding miimon\n",
		"mp.conf:1: option miimon: needs a value (miimon=VALUE)\n");
	assert_modprobe_error("alias bond0 boding\n",
		"mp.conf:1: unknown module 'boding' (did you mean 'bonding'?)\n");
	assert_modprobe_error("optoins bonding mode=1\n",
		"mp.conf:1: unknown command 'optoins' (did you mean 'options'?)\n");
	assert_modprobe_error("options bonding arp_ip_target=192.0.2.1,192.0.2.x\n",
		"mp.conf:1: option arp_ip_target: invalid value (192.0.2.x)\n");
}

/* A bond an importer names like a bondd.conf section ("alias route
 * bonding") could not be printed as bondd.conf: the check refuses it
 * (found by tests/fuzz: corpus/conf_modprobe/regression-bond-named-route). */
static void test_bond_named_like_a_section(void **state)
{
	/* ("alias bonding bonding" names the module, not a bond.) */
	static const char *const words[] = { "route", "interface" };

	for (unsigned i = 0; i < 2; i++) {
		struct conf_diag d;
		struct conf *c;
		char text[64], want[256], *msgs;

		snprintf(text, sizeof(text), "alias %s bonding\n", words[i]);
		conf_diag_init(&d);
		c = modprobe(text, &d);
		assert_non_null(c);
		assert_int_equal(conf_check(c, false, &d), 1);
		msgs = diag_text(&d, false);
		snprintf(want, sizeof(want), "mp.conf:1: bond name '%s' is a bondd.conf section header ([%s]): bondd cannot configure a bond of that name; rename it\n",
			 words[i], words[i]);
		assert_string_equal(msgs, want);
		free(msgs);
		conf_free(c);
		conf_diag_free(&d);
	}
}

/* Device names in a boot script are checked as written: an invalid one
 * (a control character) or one too long (which a copy would cut to a
 * valid name) is an error, in ip route add, route add and ip addr add
 * (found by tests/fuzz: corpus/conf_script/regression-route-dev-escape). */
static void test_script_bad_device(void **state)
{
	static const struct {
		const char *line, *msg;
	} cases[] = {
		{ "ip route add 2001:db8::46/128 dev bond1\x1b\n",
		  "rc:1: invalid interface name 'bond1\x1b'\n" },
		{ "ip route add 198.51.100.0/24 dev bond0-is-far-too-long\n",
		  "rc:1: invalid interface name 'bond0-is-far-too-long'\n" },
		{ "route add -net 198.51.100.0/24 dev bond0-is-far-too-long\n",
		  "rc:1: route add: invalid interface name 'bond0-is-far-too-long'\n" },
		{ "ip addr add 192.0.2.9/24 dev bond0-is-far-too-long\n",
		  "rc:1: invalid interface name 'bond0-is-far-too-long'\n" },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct conf_diag d;
		char *msgs;

		conf_diag_init(&d);
		assert_null(imp_script_parse(cases[i].line, "rc", &d));
		msgs = diag_text(&d, false);
		assert_string_equal(msgs, cases[i].msg);
		free(msgs);
		conf_diag_free(&d);
	}
}

/* ---- merging and checking ----------------------------------------------- */

static void test_merge_precedence(void **state)
{
	const struct conf_file ifc[] = {
		{ "ifcfg-bond0", "DEVICE=bond0\nBONDING_OPTS=\"mode=active-backup arp_interval=100\"\n" },
		{ "ifcfg-bond1", "DEVICE=bond1\n" },
	};
	const struct conf_file mp = {
		"mp.conf",
		"alias bond0 bonding\noptions bonding miimon=300 updelay=600\n"
		"options bond0 mode=balance-rr miimon=100\n"
		"alias bond2 bonding\n",
	};
	struct conf_diag d;
	struct conf *base, *mod;
	const struct conf_bond *b;

	conf_diag_init(&d);
	base = imp_ifcfg_parse(ifc, 2, &d);
	mod = imp_modprobe_parse(&mp, 1, &d);
	assert_non_null(base);
	assert_non_null(mod);
	conf_merge(base, mod);
	conf_free(mod);
	conf_finish(base);
	assert_int_equal(base->n_bonds, 3);
	/* bond0: BONDING_OPTS win; its arp_interval drops the modprobe miimon
	 * (the two monitors exclude each other); the module's updelay stays. */
	b = &base->bonds[0];
	assert_int_equal(b->n_opts, 3);
	assert_string_equal(b->opts[0].name, "updelay");
	assert_string_equal(b->opts[0].loc.file, "mp.conf");
	assert_string_equal(b->opts[1].name, "mode");
	assert_string_equal(b->opts[1].value, "active-backup");
	assert_string_equal(b->opts[1].loc.file, "ifcfg-bond0");
	assert_string_equal(b->opts[2].name, "arp_interval");
	/* bond1 (ifcfg only) and bond2 (modprobe only) get the defaults. */
	assert_string_equal(base->bonds[1].name, "bond1");
	assert_string_equal(conf_bond_opt(&base->bonds[1], "miimon"), "300");
	assert_string_equal(base->bonds[2].name, "bond2");
	assert_string_equal(conf_bond_opt(&base->bonds[2], "updelay"), "600");
	/* ifcfg's bonds are up (ONBOOT defaults to yes); the module's own
	 * bond2 is down, as modprobe leaves it. */
	assert_false(base->bonds[0].down);
	assert_false(base->bonds[1].down);
	assert_true(base->bonds[2].down);
	assert_int_equal(d.n_errors, 0);
	conf_free(base);
	conf_diag_free(&d);
}

static void test_script(void **state)
{
	static const char rc[] =
		"#!/bin/sh\n"
		"touch /var/lock/subsys/local\n"
		"/sbin/ifenslave bond0 eth0 eth1\n"
		"ifconfig bond0:1 192.0.2.9 netmask 255.255.255.0 up\n"
		"ip addr add 192.0.2.10/24 dev bond0 label bond0:2\n"
		"echo 100 > /sys/class/net/bond0/bonding/miimon\n"
		"route add -net 10.0.0.0 netmask 255.0.0.0 gw 192.0.2.253\n"
		"route add default gw 192.0.2.254\n";
	const struct conf_file ifc[] = {
		{ "ifcfg-bond0", "DEVICE=bond0\nIPADDR=192.0.2.1\nPREFIX=24\n"
				 "BONDING_OPTS=\"mode=active-backup miimon=200\"\n" },
		{ "ifcfg-eth1", "DEVICE=eth1\nMASTER=bond0\nSLAVE=yes\n" },
	};
	struct conf_diag d;
	struct conf *c, *top;
	const struct conf_bond *b;

	conf_diag_init(&d);
	c = imp_ifcfg_parse(ifc, 2, &d);
	top = imp_script_parse(rc, "rc.local", &d);
	assert_non_null(c);
	assert_non_null(top);
	conf_overlay(c, top, &d);
	conf_free(top);
	conf_finish(c);
	assert_int_equal(conf_check(c, true, &d), 0);
	assert_int_equal(d.n, 0);
	b = &c->bonds[0];
	/* The script runs last: its miimon wins; eth1 was a slave already. */
	assert_string_equal(conf_bond_opt(b, "miimon"), "100");
	assert_int_equal(b->n_slaves, 2);
	assert_string_equal(b->slaves[0].name, "eth1");
	assert_string_equal(b->slaves[1].name, "eth0");
	assert_int_equal(b->n_addrs, 3);
	assert_string_equal(b->addrs[1].label, "bond0:1");
	assert_string_equal(b->addrs[2].label, "bond0:2");
	assert_int_equal(c->n_routes, 1);
	assert_int_equal(c->routes[0].prefix, 8);
	assert_true(c->gw4.set);
	assert_roundtrip(c);
	conf_free(c);

	/* A slave of another bond, and a second gateway, are errors. */
	c = native_ok("[bond0]\nslaves = eth0\naddress = 192.0.2.1/24\ngateway = 192.0.2.254\n");
	top = imp_script_parse("ifenslave bond1 eth0\nroute add default gw 192.0.2.253\n", "rc", &d);
	assert_non_null(top);
	conf_overlay(c, top, &d);
	conf_free(top);
	{
		char *msgs = diag_text(&d, false);

		assert_string_equal(msgs,
			"rc:1: eth0 is a slave of bond0 already; a slave belongs to one bond\n"
			"rc:2: a second default IPv4 gateway 192.0.2.253: the first, 192.0.2.254 (dev bond0), is at t.conf:4; keep one\n");
		free(msgs);
	}
	conf_free(c);
	conf_diag_free(&d);
}

static void test_check_mode_order(void **state)
{
	/* Options are judged in the kernel's order whatever the file's order:
	 * primary after mode, so this is valid. */
	struct conf *c = native_ok("[bond0]\nprimary = eth1\nmode = active-backup\n"
				   "slaves = eth0 eth1\n");

	conf_free(c);
	assert_native_error("[bond0]\nmode = active-backup\nupdelay = 200\n",
		"t.conf:3: Unable to set up delay as MII monitoring is disabled\n");
}

static void test_suggest(void **state)
{
	static const char *const words[] = { "iface", "auto", "source", NULL };

	assert_string_equal(conf_suggest("iiface", words), "iface");
	assert_string_equal(conf_suggest("IFACE", words), "iface");
	assert_null(conf_suggest("zzzzzz", words));
	assert_null(conf_suggest("a", words));
	assert_string_equal(conf_suggest_opt("miimonn", false, NULL), "miimon");
	assert_string_equal(conf_suggest_opt("xmit_hash_polcy", false, NULL), "xmit_hash_policy");
	assert_null(conf_suggest_opt("xmit_hash", false, NULL));
	assert_null(conf_suggest_opt("max_bond", false, NULL));
	assert_string_equal(conf_suggest_opt("max_bond", true, NULL), "max_bonds");
}

/* ---- nm, netplan, networkd helpers ------------------------------------------ */

static void test_timespan(void **state)
{
	static const struct { const char *in, *bare; long ms; } cases[] = {
		{ "100ms", "s", 100 }, { "1s", "s", 1000 }, { "2min", "s", 120000 },
		{ "1min 30s", "s", 90000 }, { "0.5s", "s", 500 }, { "100", "ms", 100 },
		{ "100", "s", 100000 }, { "1h", "s", 3600000 }, { "250 ms", "s", 250 },
		{ "2fortnights", "s", -1 }, { "", "s", -1 }, { "ms", "s", -1 },
		{ "-5s", "s", -1 }, { "5 s x", "s", -1 },
	};
	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned long ms = 0;
		int rc = conf_parse_timespan(cases[i].in, cases[i].bare, &ms);

		if (cases[i].ms < 0) {
			assert_int_equal(rc, -1);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(ms, (unsigned long)cases[i].ms);
		}
	}
	assert_int_equal(conf_parse_bool_word("yes"), 1);
	assert_int_equal(conf_parse_bool_word("off"), 0);
	assert_int_equal(conf_parse_bool_word("maybe"), -1);
}

static void test_ini_reader(void **state)
{
	struct conf_diag d;
	struct conf_ini ini;

	(void)state;
	conf_diag_init(&d);
	assert_int_equal(conf_ini_parse(&ini, "[A]\nk=1\n; c\n[B]\nk = 2\n[A]\nk=3\nx=a\\\n b\n",
					"f", true, true, &d), 0);
	assert_int_equal(ini.n_sections, 3);
	/* the last k= of every [A] */
	assert_string_equal(conf_ini_get(&ini, "A", "k")->value, "3");
	assert_int_equal(conf_ini_get(&ini, "A", "k")->line, 7);
	assert_string_equal(conf_ini_get(&ini, "B", "k")->value, "2");
	assert_non_null(conf_ini_get(&ini, "A", "x"));
	assert_null(conf_ini_get(&ini, "C", "k"));
	conf_ini_free(&ini);
	assert_int_equal(d.n_errors, 0);
	/* a key before any section, a broken header, a line without '=' */
	assert_int_equal(conf_ini_parse(&ini, "k=1\n[A\n[B]\nnothing\n", "f", false, false, &d), -1);
	conf_ini_free(&ini);
	assert_int_equal(d.n_errors, 3);
	assert_string_equal(d.msgs[0].text, "f:1: a Key=Value line before the first [Section]");
	assert_string_equal(d.msgs[1].text, "f:2: expected [Section]");
	assert_string_equal(d.msgs[2].text, "f:4: expected Key=Value");
	conf_diag_free(&d);
}

/* Nothing is applied on any error: a file that is fine next to a broken
 * one still gives no configuration. */
static void test_distro_all_or_nothing(void **state)
{
	const struct conf_file np[] = {
		{ "/etc/netplan/01-ok.yaml",
		  "network:\n  version: 2\n  ethernets: {eth0: {}}\n  bonds:\n    bond0:\n"
		  "      interfaces: [eth0]\n      addresses: [192.0.2.1/24]\n" },
		{ "/etc/netplan/02-bad.yaml", "network:\n  version: 2\n  bonds: [\n" },
	};
	const struct conf_file nd[] = {
		{ "b.netdev", "[NetDev]\nName=bond0\nKind=bond\n[Bond]\nMode=802.3ad\n" },
		{ "e.network", "[Match]\nName=eth0\n[Network]\nBond=bond0\nVLAN=v100\n" },
	};
	const struct conf_file nm[] = {
		{ "b.nmconnection", "[connection]\ntype=bond\ninterface-name=bond0\n[ipv4]\nmethod=disabled\n" },
		{ "p.nmconnection", "[connection]\ntype=ethernet\ninterface-name=eth0\nmaster=bond0\nslave-type=bond\n[bond-port]\nqueue-id=2\n" },
	};
	struct conf_diag d;
	struct conf *c;

	(void)state;
	conf_diag_init(&d);
	assert_null(imp_netplan_parse(np, 2, &d));
	assert_int_equal(d.n_errors, 1);
	assert_non_null(strstr(d.msgs[0].text, "/etc/netplan/02-bad.yaml:4: YAML syntax error"));
	c = imp_netplan_parse(np, 1, &d);
	assert_non_null(c);
	assert_non_null(conf_find_bond(c, "bond0"));
	assert_true(conf_bond_has_slave(conf_find_bond(c, "bond0"), "eth0"));
	conf_free(c);
	assert_null(imp_networkd_parse(nd, 2, &d));
	{
		bool found = false;

		for (unsigned i = 0; i < d.n; i++)
			found |= strstr(d.msgs[i].text, "e.network:5: VLAN=v100 on eth0: no .netdev file defines a VLAN of that name") != NULL;
		assert_true(found);
	}
	c = imp_nm_parse(nm, 2, &d);
	assert_non_null(c);
	assert_string_equal(conf_bond_opt(conf_find_bond(c, "bond0"), "queue_id"), "eth0:2");
	conf_free(c);
	conf_diag_free(&d);
}


/* ---- VLANs ------------------------------------------------------------------- */

static const char vlan_text[] =
	"[bond0]\n"
	"miimon = 100\n"
	"slaves = eth0 eth1\n"
	"vlans = 100, 200\n"
	"mtu = 9000\n"
	"address = 192.0.2.1/24\n"
	"[bond0.100]\n"
	"address = 198.51.100.1/24\n"
	"mtu = 1500\n"
	"[bond0.300]\n"
	"up = no\n"
	"[mgmt]\n"
	"address = 203.0.113.1/24\n"
	"bond = bond0\n"
	"vid = 10\n"
	"gateway = 203.0.113.254\n"
	"[vlan storage]\n"
	"bond = bond0\n"
	"vid = 20\n"
	"[route]\n"
	"to = 192.0.2.128/25 via 198.51.100.254 dev bond0.100\n";

/* The model each way of writing a VLAN gives: the fields the daemon reads. */
static void test_native_vlans(void **state)
{
	struct conf *c;
	const struct conf_vlan *v;
	char *text;

	(void)state;
	c = native_ok(vlan_text);
	assert_int_equal(c->n_bonds, 1);
	assert_int_equal(c->n_vlans, 5);
	/* in the order given: the vlans line first (100 is completed by its
	 * section, not repeated), then the sections */
	v = &c->vlans[0];
	assert_string_equal(v->name, "bond0.100");
	assert_string_equal(v->bond, "bond0");
	assert_int_equal(v->vid, 100);
	assert_int_equal(v->mtu, 1500);
	assert_false(v->down);
	assert_int_equal(v->n_addrs, 1);
	assert_int_equal(v->loc.line, 7);      /* its section's line */
	v = &c->vlans[1];
	assert_string_equal(v->name, "bond0.200");
	assert_int_equal(v->vid, 200);
	assert_int_equal(v->mtu, 0);
	assert_int_equal(v->n_addrs, 0);
	assert_int_equal(v->loc.line, 4);
	v = conf_find_vlan(c, "bond0.300");
	assert_non_null(v);
	assert_true(v->down);
	assert_int_equal(v->vid, 300);
	v = conf_find_vlan(c, "mgmt");
	assert_non_null(v);
	assert_string_equal(v->bond, "bond0");
	assert_int_equal(v->vid, 10);
	assert_int_equal(v->n_addrs, 1);
	assert_int_equal(v->loc.line, 12);
	assert_true(c->gw4.set);
	assert_string_equal(c->gw4.dev, "mgmt");
	assert_ptr_equal(conf_find_bond_vlan(c, "bond0", 20), conf_find_vlan(c, "storage"));
	assert_null(conf_find_bond_vlan(c, "bond0", 21));
	assert_string_equal(c->routes[0].dev, "bond0.100");
	assert_roundtrip(c);
	text = print_text(c);
	assert_string_equal(text,
		"[bond0]\nmiimon = 100\nslaves = eth0 eth1\nvlans = 200\nmtu = 9000\n"
		"address = 192.0.2.1/24\n\n"
		"[bond0.100]\nmtu = 1500\naddress = 198.51.100.1/24\n\n"
		"[bond0.300]\nup = no\n\n"
		"[vlan mgmt]\nbond = bond0\nvid = 10\naddress = 203.0.113.1/24\n"
		"gateway = 203.0.113.254\n\n"
		"[vlan storage]\nbond = bond0\nvid = 20\n\n"
		"[route]\nto = 192.0.2.128/25 via 198.51.100.254 dev bond0.100\n");
	free(text);
	conf_free(c);
}

static void test_native_vlan_errors(void **state)
{
	(void)state;
	assert_native_error("[bond0]\nvlans = 0, 4095, 7, 7\n",
			    "t.conf:2: vlans: invalid VLAN id '0' (1 .. 4094)\n"
			    "t.conf:2: vlans: invalid VLAN id '4095' (1 .. 4094)\n"
			    "t.conf:2: vlans: VLAN 7 is listed twice\n");
	assert_native_error("[bond0]\nvlans =\n", "t.conf:2: vlans needs VLAN ids: vlans = 100, 200\n");
	assert_native_error("[bond0]\n[bond0.5]\n[bond0.5]\n",
			    "t.conf:3: bond0.5 is configured twice (first at t.conf:2)\n");
	assert_native_error("[bond0]\n[bond0.5]\nvid = 6\nbond = bond1\n",
			    "t.conf:3: [bond0.5] is the VLAN 5 of bond0: vid = 6 disagrees; a VLAN not named BOND.VID has a section [vlan NAME]\n"
			    "t.conf:4: [bond0.5] is the VLAN 5 of bond0: bond = bond1 disagrees; a VLAN not named BOND.VID has a section [vlan NAME]\n");
	assert_native_error("[bond0]\n[bond0.5]\nslaves = eth0\n",
			    "t.conf:3: 'slaves' is a bond's key: [bond0.5] is a VLAN's section (bond, vid, up, mtu, address, gateway); set it in the bond's section\n");
	assert_native_error("[bond0]\n[bond0.5]\nmiimon = 100\n",
			    "t.conf:3: 'miimon' is a bond's key: [bond0.5] is a VLAN's section (bond, vid, up, mtu, address, gateway); set it in the bond's section\n");
	assert_native_error("[bond0]\n[bond0.5]\nmtuu = 1400\n",
			    "t.conf:3: unknown key 'mtuu' (did you mean 'mtu'?)\n");
	assert_native_error("[bond0]\n[vlan x]\nbond = bond0\n",
			    "t.conf:2: VLAN x needs vid = VID: [vlan x] with bond = BOND and vid = VID (or a section named BOND.VID)\n");
	assert_native_error("[bond0]\nmiimon = 100\nvid = 5\n",
			    "t.conf:3: 'vid' makes [bond0] the section of a VLAN, but it has a bond's keys already (slaves, options, hwaddr or vlans): a VLAN's section has only bond, vid, up, mtu, address and gateway\n");
	assert_native_error("[vlan]\n", "t.conf:1: [vlan] needs a name: [vlan mgmt] (or [bond0.100])\n");
	assert_native_error("[verylongbond0]\nvlans = 1000\n",
			    "t.conf:2: vlans: verylongbond0.1000 is longer than an interface name (15 characters): name it in a section of its own, [vlan NAME] with bond = verylongbond0 and vid = 1000\n");
	/* the whole-configuration checks, with the VLAN's line */
	assert_native_error("[bond0]\nslaves = eth0\n[bond0.5]\nmtu = 1501\n",
			    "t.conf:3: VLAN bond0.5: mtu 1501 is above its bond's (bond0: 1500, the size a new bond has): a VLAN's frames cross the bond, so its MTU is at most the bond's\n");
	assert_native_error("[bond0]\nmtu = 9000\n[bond0.5]\nmtu = 9001\n",
			    "t.conf:3: VLAN bond0.5: mtu 9001 is above its bond's (bond0: 9000): a VLAN's frames cross the bond, so its MTU is at most the bond's\n");
	assert_native_error("[bond0]\nvlans = 5\n[vlan v5]\nbond = bond0\nvid = 5\n",
			    "t.conf:3: VLAN v5: bond0 has VLAN 5 already (bond0.5, t.conf:2)\n");
	assert_native_error("[interface eth3]\nmtu = 1400\n[eth3.5]\n",
			    "t.conf:3: VLAN eth3.5 on eth3: eth3 is not a bond of this configuration; bondd creates VLANs on the bonds it manages only (a VLAN on a plain interface is the kernel's: ip link add link eth3 name eth3.5 type vlan id 5)\n");
	assert_native_error("[bond0]\nvlans = 5\n[bond0.5.7]\n",
			    "t.conf:3: VLAN bond0.5.7 on bond0.5: bond0.5 is a VLAN itself; bondd does not stack VLANs (802.1ad, QinQ)\n");
	assert_native_error("[bond0]\nslaves = eth0\n[vlan eth0]\nbond = bond0\nvid = 3\n",
			    "t.conf:3: VLAN eth0: eth0 is a slave of bond0 too\n");
	assert_native_error("[bond0]\naddress = 192.0.2.1/24\n[bond0.5]\naddress = 192.0.2.1/24\n",
			    "t.conf:4: address 192.0.2.1 is on bond0 already (t.conf:2)\n");
}

/* conf_diff: VLANs removed before the bonds, added after them, changes. */
static void test_vlan_diff(void **state)
{
	struct conf *a, *b;
	struct conf_changes ch;
	struct strbuf sb;

	(void)state;
	a = native_ok("[bond0]\nvlans = 5, 6\n[bond0.7]\naddress = 192.0.2.1/24\n"
		      "[vlan v8]\nbond = bond0\nvid = 8\n");
	b = native_ok("[bond0]\nvlans = 6\n[bond0.7]\nmtu = 1400\nup = no\n"
		      "address = 192.0.2.2/24\n[vlan v8]\nbond = bond0\nvid = 9\n"
		      "[bond0.10]\n");
	conf_diff(a, b, &ch);
	sb_init(&sb);
	for (unsigned i = 0; i < ch.n; i++)
		sb_printf(&sb, "%s|%s|%s\n", ch.v[i].kind, ch.v[i].dev, ch.v[i].text);
	assert_string_equal(sb_str(&sb),
			    "vlan|bond0.5|- vlan bond0.5\n"
			    "vlan|v8|- vlan v8\n"
			    "up|bond0.7|bond0.7: up yes -> no\n"
			    "mtu|bond0.7|bond0.7: mtu (none) -> 1400\n"
			    "address|bond0.7|bond0.7: - address 192.0.2.1/24\n"
			    "address|bond0.7|bond0.7: + address 192.0.2.2/24\n"
			    "vlan|v8|+ vlan v8 (bond0 vid 9)\n"
			    "vlan|bond0.10|+ vlan bond0.10 (bond0 vid 10)\n");
	/* the added VLAN says where it goes */
	for (unsigned i = 0; i < ch.n; i++)
		if (ch.v[i].op == '+' && !strcmp(ch.v[i].kind, "vlan") &&
		    !strcmp(ch.v[i].dev, "v8"))
			assert_string_equal(ch.v[i].to, "bond0 9");
	conf_changes_free(&ch);
	sb_free(&sb);
	/* nothing to do between a file and its printed text */
	conf_diff(a, a, &ch);
	assert_int_equal(ch.n, 0);
	conf_changes_free(&ch);
	/* a bond that goes takes its VLANs: the VLANs' lines come first */
	conf_free(b);
	b = native_ok("[bond1]\n");
	conf_diff(a, b, &ch);
	assert_true(ch.n >= 5);
	assert_string_equal(ch.v[0].text, "- vlan bond0.5");
	assert_string_equal(ch.v[3].text, "- vlan v8");
	assert_string_equal(ch.v[4].text, "- bond0");
	conf_changes_free(&ch);
	conf_free(a);
	conf_free(b);
}

/* The builders `bondctl dump` uses, and conf_copy_rest(), which leaves VLANs
 * to them. */
static void test_vlan_build(void **state)
{
	struct conf *src, *dst = conf_new();
	struct conf_vlan *v;
	char *text;

	(void)state;
	src = native_ok("[bond0]\nvlans = 5\n[vlan v6]\nbond = bond0\nvid = 6\nmtu = 1400\n"
			"address = 192.0.2.6/24\nup = no\n");
	conf_put_bond(dst, "bond0");
	v = conf_put_vlan(dst, "bond0.5", "bond0", 5);
	assert_ptr_equal(conf_put_vlan(dst, "bond0.5", "bond0", 5), v);
	conf_put_vlan_addr(v)->family = AF_INET;
	v->addrs[0].prefix = 24;
	v->addrs[0].addr[0] = 198;
	v->addrs[0].addr[1] = 51;
	v->addrs[0].addr[2] = 100;
	v->addrs[0].addr[3] = 5;
	conf_copy_rest(dst, src);
	/* the one put stays as put; v6, only in src (deleted at run time),
	 * does not come back */
	assert_int_equal(dst->n_vlans, 1);
	assert_int_equal(dst->vlans[0].n_addrs, 1);
	assert_null(conf_find_vlan(dst, "v6"));
	/* a VLAN not named BOND.VID, down, with an MTU: a section of its own */
	v = conf_put_vlan(dst, "v6", "bond0", 6);
	v->mtu = 1400;
	v->down = true;
	*conf_put_vlan_addr(v) = src->vlans[1].addrs[0];
	v->addrs[0].loc = conf_loc_at(NULL, 0);
	text = print_text(dst);
	assert_string_equal(text, "[bond0]\n\n[bond0.5]\naddress = 198.51.100.5/24\n\n"
			    "[vlan v6]\nbond = bond0\nvid = 6\nup = no\nmtu = 1400\n"
			    "address = 192.0.2.6/24\n");
	free(text);
	assert_roundtrip(dst);
	conf_free(dst);
	conf_free(src);
}

/* Each importer's VLAN model, as the daemon reads it. */
static void test_vlan_importers(void **state)
{
	const struct conf_file ifc[] = {
		{ "ifcfg-bond0", "DEVICE=bond0\nBONDING_OPTS=\"miimon=100\"\n" },
		{ "ifcfg-eth0", "DEVICE=eth0\nMASTER=bond0\nSLAVE=yes\n" },
		{ "ifcfg-bond0.5", "DEVICE=bond0.5\nVLAN=yes\nONBOOT=no\nMTU=1400\n"
				   "IPADDR=192.0.2.5\nPREFIX=24\n" },
		{ "ifcfg-vlan6", "DEVICE=vlan6\nVLAN=yes\nPHYSDEV=bond0\n" },
	};
	const struct conf_file nm[] = {
		{ "b.nmconnection", "[connection]\nid=b\nuuid=u-b\ntype=bond\ninterface-name=bond0\n"
				    "[ipv4]\nmethod=disabled\n" },
		{ "v.nmconnection", "[connection]\ntype=vlan\nautoconnect=false\n[vlan]\nparent=u-b\n"
				    "id=7\n[ethernet]\nmtu=1400\n[ipv4]\nmethod=manual\n"
				    "address1=192.0.2.7/24\n" },
	};
	const struct conf_file nd[] = {
		{ "b.netdev", "[NetDev]\nName=bond0\nKind=bond\n" },
		{ "b.network", "[Match]\nName=bond0\n[Network]\nVLAN=v8\n" },
		{ "v.netdev", "[NetDev]\nName=v8\nKind=vlan\nMTUBytes=1400\n[VLAN]\nId=8\n" },
		{ "v.network", "[Match]\nName=v8\n[Network]\nAddress=192.0.2.8/24\n" },
	};
	const struct conf_file np[] = {
		{ "n.yaml", "network:\n  version: 2\n  bonds:\n    bond0: {}\n  vlans:\n"
			    "    v9: {id: 9, link: bond0, mtu: 1400, addresses: [192.0.2.9/24],"
			    " activation-mode: manual}\n" },
	};
	struct conf_diag d;
	struct conf *c;
	const struct conf_vlan *v;

	(void)state;
	conf_diag_init(&d);
	c = imp_ifcfg_parse(ifc, 4, &d);
	assert_non_null(c);
	assert_int_equal(c->n_vlans, 2);
	v = conf_find_vlan(c, "bond0.5");
	assert_string_equal(v->bond, "bond0");
	assert_int_equal(v->vid, 5);
	assert_int_equal(v->mtu, 1400);
	assert_true(v->down);
	assert_int_equal(v->n_addrs, 1);
	v = conf_find_vlan(c, "vlan6");
	assert_string_equal(v->bond, "bond0");
	assert_int_equal(v->vid, 6);
	assert_false(v->down);
	conf_free(c);

	c = imp_nm_parse(nm, 2, &d);
	assert_non_null(c);
	v = conf_find_vlan(c, "bond0.7");        /* NM's PARENT.ID */
	assert_non_null(v);
	assert_string_equal(v->bond, "bond0");
	assert_int_equal(v->vid, 7);
	assert_int_equal(v->mtu, 1400);
	assert_true(v->down);
	assert_int_equal(v->n_addrs, 1);
	conf_free(c);

	c = imp_networkd_parse(nd, 4, &d);
	assert_non_null(c);
	v = conf_find_vlan(c, "v8");
	assert_non_null(v);
	assert_string_equal(v->bond, "bond0");
	assert_int_equal(v->vid, 8);
	assert_int_equal(v->mtu, 1400);
	assert_false(v->down);
	assert_int_equal(v->n_addrs, 1);
	conf_free(c);

	c = imp_netplan_parse(np, 1, &d);
	assert_non_null(c);
	v = conf_find_vlan(c, "v9");
	assert_non_null(v);
	assert_string_equal(v->bond, "bond0");
	assert_int_equal(v->vid, 9);
	assert_int_equal(v->mtu, 1400);
	assert_true(v->down);
	assert_int_equal(v->n_addrs, 1);
	conf_free(c);
	assert_int_equal(d.n_errors, 0);
	conf_diag_free(&d);
}

/* VLAN commands of boot scripts and interfaces hooks. */
static void test_vlan_commands(void **state)
{
	static const char bad[] =
		"vconfig add bond0 5000\n"
		"ip link add link bond0 name v7 type vlan\n"
		"ip link add link bond0 name v8 type vlan id 8 protocol 802.1ad\n"
		"vconfig add bond0 9\n"
		"ip link add link bond0 name bond0.9 type vlan id 10\n";
	static const char ifaces[] =
		"auto bond0\n"
		"iface bond0 inet static\n"
		"    address 192.0.2.1/24\n"
		"    bond-slaves eth0\n"
		"    up ip link add link bond0 name bond0.5 type vlan id 5\n"
		"    up ip addr add 198.51.100.5/24 dev bond0.5\n"
		"    up vconfig add bond0 6\n";
	struct conf_diag d;
	struct conf *c;
	char *msgs;

	(void)state;
	conf_diag_init(&d);
	assert_null(imp_script_parse(bad, "rc.local", &d));
	msgs = diag_text(&d, false);
	assert_string_equal(msgs,
		"rc.local:1: vconfig add: invalid VLAN id '5000' (1 .. 4094)\n"
		"rc.local:2: ip link add ... type vlan: needs link DEV, name NAME and id VID\n"
		"rc.local:3: ip link add: protocol 802.1ad: bondd's VLANs are 802.1Q (TPID 0x8100) only\n"
		"rc.local:5: ip link add: bond0.9 is VLAN 9 of bond0 already (rc.local:4)\n");
	free(msgs);
	conf_diag_free(&d);

	conf_diag_init(&d);
	c = imp_interfaces_parse(ifaces, "interfaces", NULL, &d);
	assert_non_null(c);
	assert_int_equal(c->n_vlans, 2);
	assert_string_equal(c->vlans[0].name, "bond0.5");
	assert_string_equal(c->vlans[0].bond, "bond0");
	assert_int_equal(c->vlans[0].vid, 5);
	assert_int_equal(c->vlans[0].n_addrs, 1);
	assert_string_equal(c->vlans[1].name, "bond0.6");
	assert_int_equal(c->vlans[1].vid, 6);
	assert_int_equal(conf_check(c, true, &d), 0);
	assert_int_equal(d.n_errors, 0);
	conf_free(c);
	conf_diag_free(&d);
}

/* ---- golden files ----------------------------------------------------------- */

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	struct strbuf sb;
	char buf[4096];
	size_t n;
	char *s;

	if (!f)
		return NULL;
	sb_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_printf(&sb, "%.*s", (int)n, buf);
	fclose(f);
	s = strdup(sb_str(&sb));
	sb_free(&sb);
	return s;
}

/* What "bondctl import ARGS" prints, run in the current directory. */
static char *run_import(const char *args, bool *ok)
{
	char **w;
	int n = conf_split_words(args, &w);
	const char *format = NULL, *path = NULL, *mp = NULL, *script = NULL;
	struct conf_diag d;
	struct strbuf out, msgs, text, lint;
	struct conf *c;
	bool loaded;
	char *s;

	assert_true(n >= 2);
	for (int i = 0; i < n; i++) {
		if (!strcmp(w[i], "--modprobe") && i + 1 < n)
			mp = w[++i];
		else if (!strcmp(w[i], "--script") && i + 1 < n)
			script = w[++i];
		else if (!format)
			format = w[i];
		else
			path = w[i];
	}
	conf_diag_init(&d);
	sb_init(&out);
	c = conf_load_sources(&(struct conf_sources){ format, path, mp, script }, false, &d);
	loaded = c != NULL;
	if (c) {
		assert_roundtrip(c);
		conf_free(c);
	}
	conf_diag_free(&d);
	/* What bondctl prints: the messages (stderr), the text (stdout),
	 * then the lint of the result (stderr), under a marker line. */
	sb_init(&msgs);
	sb_init(&text);
	sb_init(&lint);
	*ok = conf_import(&(struct conf_sources){ format, path, mp, script }, &text, &msgs, &lint);
	assert_int_equal(*ok, loaded);
	sb_puts(&out, sb_str(&msgs));
	sb_puts(&out, sb_str(&text));
	if (lint.len)
		sb_printf(&out, "--- lint (stderr, after the text)\n%s", sb_str(&lint));
	sb_free(&msgs);
	sb_free(&text);
	sb_free(&lint);
	s = strdup(sb_str(&out));
	sb_free(&out);
	conf_words_free(w, n);
	return s;
}

static void test_golden(void **state)
{
	DIR *dp = opendir(GOLDEN_DIR);
	bool update = getenv("BONDD_GOLDEN_UPDATE") != NULL;
	struct dirent *de;
	unsigned count = 0, failures = 0;
	int home = open(".", O_RDONLY | O_DIRECTORY);

	assert_non_null(dp);
	assert_true(home >= 0);
	while ((de = readdir(dp))) {
		size_t len = strlen(de->d_name);
		char name[256], dir[512], out_path[512], *args, *got, *want;
		bool ok;

		if (len < 4 || strcmp(de->d_name + len - 3, ".in") || len - 3 >= sizeof(name))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 3), de->d_name);
		snprintf(dir, sizeof(dir), "%s/%s", GOLDEN_DIR, de->d_name);
		snprintf(out_path, sizeof(out_path), "%s/%s.out", GOLDEN_DIR, name);
		assert_int_equal(chdir(dir), 0);
		args = read_all("args");
		assert_non_null(args);
		got = run_import(args, &ok);
		assert_int_equal(fchdir(home), 0);
		want = read_all(out_path);
		if (update) {
			FILE *f = fopen(out_path, "w");

			assert_non_null(f);
			fputs(got, f);
			fclose(f);
		} else if (!want) {
			fprintf(stderr, "golden %s: %s is missing; got:\n%s", name, out_path, got);
			failures++;
		} else if (strcmp(want, got)) {
			fprintf(stderr, "golden %s differs\n--- expected\n%s--- got\n%s", name, want, got);
			failures++;
		}
		/* Names say what to expect: err_* fail, the rest succeed. */
		if (ok == !strncmp(name, "err_", 4)) {
			fprintf(stderr, "golden %s: import %s\n", name, ok ? "succeeded" : "failed");
			failures++;
		}
		free(args);
		free(got);
		free(want);
		count++;
	}
	closedir(dp);
	close(home);
	assert_true(count >= 20);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native_example),
		cmocka_unit_test(test_native_canonical_values),
		cmocka_unit_test(test_native_max_bonds),
		cmocka_unit_test(test_native_daemon_datapath),
		cmocka_unit_test(test_native_daemon_metrics),
		cmocka_unit_test(test_native_up),
		cmocka_unit_test(test_native_too_many_bonds),
		cmocka_unit_test(test_native_routes_and_gateways),
		cmocka_unit_test(test_native_errors),
		cmocka_unit_test(test_native_pending_strict),
		cmocka_unit_test(test_native_all_or_nothing),
		cmocka_unit_test(test_ifcfg_bond),
		cmocka_unit_test(test_ifcfg_onboot),
		cmocka_unit_test(test_ifcfg_suse),
		cmocka_unit_test(test_ifcfg_old_route_file),
		cmocka_unit_test(test_ifcfg_arp_targets),
		cmocka_unit_test(test_ifcfg_errors),
		cmocka_unit_test(test_ifcfg_warnings),
		cmocka_unit_test(test_interfaces_full),
		cmocka_unit_test(test_interfaces_auto),
		cmocka_unit_test(test_interfaces_errors),
		cmocka_unit_test(test_modprobe),
		cmocka_unit_test(test_modprobe_errors),
		cmocka_unit_test(test_merge_precedence),
		cmocka_unit_test(test_script),
		cmocka_unit_test(test_check_mode_order),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_bond_named_like_a_section),
		cmocka_unit_test(test_script_bad_device),
		cmocka_unit_test(test_timespan),
		cmocka_unit_test(test_ini_reader),
		cmocka_unit_test(test_distro_all_or_nothing),
		cmocka_unit_test(test_native_vlans),
		cmocka_unit_test(test_native_vlan_errors),
		cmocka_unit_test(test_vlan_diff),
		cmocka_unit_test(test_vlan_build),
		cmocka_unit_test(test_vlan_importers),
		cmocka_unit_test(test_vlan_commands),
		cmocka_unit_test(test_golden),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
