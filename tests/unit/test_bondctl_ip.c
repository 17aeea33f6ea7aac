/* bondctl ip (src/cmd/bondctl_ip_parse.c): every bond option of iproute2
 * 6.1 by name and number, its prefix matching, value forms, messages and
 * exit statuses; the link words around them; the splice of the bond
 * details into ip's text; and the bond/bond_slave words themselves
 * (src/ctl/status_iplink.c) from an engine bond. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd/bondctl_ip.h"
#include "core/status.h"
#include "ctl/status_iplink.h"
#include "engine_harness.h"

static bool fake_exists(const char *name)
{
	return !strcmp(name, "eth0") || !strcmp(name, "eth1") || !strcmp(name, "bond0");
}

/* Splits words on spaces (no quoting needed here) into argv. */
static int split(char *line, char *argv[], int max)
{
	int n = 0;

	for (char *t = strtok(line, " "); t && n < max; t = strtok(NULL, " "))
		argv[n++] = t;
	return n;
}

/* Parses the words; returns the status, fills c, err; the opts as
 * "name=value name=value" in opts. */
static int parse(const char *words, struct ipc *c, char *opts, size_t optlen,
		 char *errtext, size_t errlen)
{
	static char buf[2048];
	static char *argv[128];
	struct strbuf err;
	int argc, rc;
	size_t used = 0;

	snprintf(buf, sizeof(buf), "%s", words);
	argc = split(buf, argv, 128);
	sb_init(&err);
	rc = ipc_parse(argc, argv, fake_exists, c, &err);
	snprintf(errtext, errlen, "%s", sb_str(&err));
	sb_free(&err);
	opts[0] = '\0';
	for (unsigned i = 0; i < c->n_opts; i++)
		used += (size_t)snprintf(opts + used, optlen - used, "%s%s=%s", i ? " " : "",
					 c->opts[i].name, c->opts[i].value);
	for (unsigned i = 0; i < c->n_sopts; i++)
		used += (size_t)snprintf(opts + used, optlen - used, "%s%s=%s", used ? " " : "",
					 c->sopts[i].name, c->sopts[i].value);
	return rc;
}

struct opt_case {
	const char *words;    /* after "link add bond0 type bond" */
	const char *want;     /* the options bondd gets */
};

/* Every option, by name and by number, and iproute2's value forms. */
static const struct opt_case opt_cases[] = {
	{ "mode balance-rr", "mode=balance-rr" },
	{ "mode 0", "mode=balance-rr" },
	{ "mode 1", "mode=active-backup" },
	{ "mode active-backup", "mode=active-backup" },
	{ "mode 2", "mode=balance-xor" },
	{ "mode 3", "mode=broadcast" },
	{ "mode 4", "mode=802.3ad" },
	{ "mode 802.3ad", "mode=802.3ad" },
	{ "mode 5", "mode=balance-tlb" },
	{ "mode balance-alb", "mode=balance-alb" },
	{ "mode 6", "mode=balance-alb" },
	{ "mo 4", "mode=802.3ad" },                       /* prefix */
	{ "active_slave eth0", "active_slave=eth0" },
	{ "clear_active_slave", "active_slave=" },
	{ "miimon 100", "miimon=100" },
	{ "miimon 0x64", "miimon=100" },                  /* base 0 */
	{ "miimon 010", "miimon=8" },
	{ "miimon 4294967295", "miimon=4294967295" },
	{ "updelay 200", "updelay=200" },
	{ "downdelay 300", "downdelay=300" },
	{ "peer_notify_delay 400", "peer_notif_delay=400" },
	{ "p 400", "peer_notif_delay=400" },              /* first in order */
	{ "use_carrier 1", "use_carrier=1" },
	{ "arp_interval 1000", "arp_interval=1000" },
	{ "arp_ip_target 192.0.2.1", "arp_ip_target=192.0.2.1" },
	{ "arp_ip_target 192.0.2.1,192.0.2.2", "arp_ip_target=192.0.2.1,192.0.2.2" },
	{ "arp_ip_target +192.0.2.254", "arp_ip_target=192.0.2.254" },   /* strtoul's '+' */
	{ "arp_ip_target 192.0.2.1,,192.0.2.3", "arp_ip_target=192.0.2.1,192.0.2.3" },
	{ "arp_ip_target 10.1", "arp_ip_target=10.1.0.0" },
	{ "arp_ip_target", "arp_ip_target=" },            /* clears */
	{ "ns_ip6_target 2001:db8::1,2001:db8::2", "ns_ip6_target=2001:db8::1,2001:db8::2" },
	{ "arp_validate none", "arp_validate=none" },
	{ "arp_validate 3", "arp_validate=all" },
	{ "arp_validate filter_backup", "arp_validate=filter_backup" },
	{ "arp_validate 6", "arp_validate=filter_backup" },
	{ "arp_all_targets all", "arp_all_targets=all" },
	{ "arp_all_targets 0", "arp_all_targets=any" },
	{ "arp_missed_max 5", "arp_missed_max=5" },
	{ "primary eth1", "primary=eth1" },
	{ "primary_reselect better", "primary_reselect=better" },
	{ "primary_reselect 2", "primary_reselect=failure" },
	{ "fail_over_mac follow", "fail_over_mac=follow" },
	{ "fail_over_mac 1", "fail_over_mac=active" },
	{ "xmit_hash_policy layer3+4", "xmit_hash_policy=layer3+4" },
	{ "xmit_hash_policy 1", "xmit_hash_policy=layer3+4" },
	{ "xmit_hash_policy 2", "xmit_hash_policy=layer2+3" },
	{ "xmit_hash_policy 5", "xmit_hash_policy=vlan+srcmac" },
	{ "resend_igmp 3", "resend_igmp=3" },
	{ "num_grat_arp 5", "num_grat_arp=5" },
	{ "num_unsol_na 7", "num_grat_arp=7" },
	{ "all_slaves_active 1", "all_slaves_active=1" },
	{ "min_links 2", "min_links=2" },
	{ "lp_interval 5", "lp_interval=5" },
	{ "packets_per_slave 3", "packets_per_slave=3" },
	{ "tlb_dynamic_lb 0", "tlb_dynamic_lb=0" },
	{ "lacp_rate fast", "lacp_rate=fast" },
	{ "lacp_rate 1", "lacp_rate=fast" },
	{ "lacp_active off", "lacp_active=off" },
	{ "lacp_active 1", "lacp_active=on" },
	{ "ad_select bandwidth", "ad_select=bandwidth" },
	{ "ad_select 2", "ad_select=count" },
	{ "ad_user_port_key 65535", "ad_user_port_key=65535" },
	{ "ad_actor_sys_prio 100", "ad_actor_sys_prio=100" },
	{ "ad_actor_system 02:00:00:00:00:AA", "ad_actor_system=02:00:00:00:00:aa" },
	{ "ad_actor_system 2:0:0:0:0:1", "ad_actor_system=02:00:00:00:00:01" },
	/* several at once, in the given order; a word given twice keeps the last */
	{ "mode 802.3ad miimon 100 lacp_rate fast xmit_hash_policy layer2+3",
	  "mode=802.3ad miimon=100 lacp_rate=fast xmit_hash_policy=layer2+3" },
	{ "miimon 100 miimon 200", "miimon=200" },
};

static void test_every_option(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(opt_cases) / sizeof(opt_cases[0]); i++) {
		struct ipc c;
		char words[512], opts[2048], err[4096];
		int rc;

		snprintf(words, sizeof(words), "link add bond0 type bond %s", opt_cases[i].words);
		rc = parse(words, &c, opts, sizeof(opts), err, sizeof(err));
		if (rc || strcmp(opts, opt_cases[i].want))
			fail_msg("'%s': status %d, options '%s' (want '%s'), error '%s'",
				 opt_cases[i].words, rc, opts, opt_cases[i].want, err);
		assert_int_equal(c.kind, IPC_ADD);
		assert_string_equal(c.dev, "bond0");
		assert_string_equal(c.type, "bond");
	}
}

struct err_case {
	const char *words;
	int status;
	const char *err;      /* first line of stderr */
};

/* iproute2's messages and exit statuses (checked against ip 6.1 itself). */
static const struct err_case err_cases[] = {
	{ "link add bond0 type bond mode 9", 255, "Error: argument \"9\" is wrong: invalid mode" },
	{ "link add bond0 type bond mode 7", 255, "Error: argument \"7\" is wrong: invalid mode" },
	{ "link add bond0 type bond mode roundrobin", 255,
	  "Error: argument \"roundrobin\" is wrong: invalid mode" },
	{ "link add bond0 type bond miimon abc", 255,
	  "Error: argument \"abc\" is wrong: invalid miimon" },
	{ "link add bond0 type bond miimon -1", 255,
	  "Error: argument \"-1\" is wrong: invalid miimon" },
	{ "link add bond0 type bond miimon 4294967296", 255,
	  "Error: argument \"4294967296\" is wrong: invalid miimon" },
	{ "link add bond0 type bond use_carrier 256", 255,
	  "Error: argument \"256\" is wrong: invalid use_carrier" },
	{ "link add bond0 type bond ad_user_port_key 65536", 255,
	  "Error: argument \"65536\" is wrong: invalid ad_user_port_key" },
	{ "link add bond0 type bond num_unsol_na x", 255,
	  "Error: argument \"x\" is wrong: invalid num_grat_arp|num_unsol_na" },
	{ "link add bond0 type bond arp_validate 7", 255,
	  "Error: argument \"7\" is wrong: invalid arp_validate" },
	{ "link add bond0 type bond xmit_hash_policy layer5", 255,
	  "Error: argument \"layer5\" is wrong: invalid xmit_hash_policy" },
	{ "link add bond0 type bond lacp_rate 2", 255,
	  "Error: argument \"2\" is wrong: invalid lacp_rate" },
	{ "link add bond0 type bond foo 1", 1, "bond: unknown command \"foo\"?" },
	/* lacp_active and arp_missed_max are matched whole */
	{ "link add bond0 type bond lacp_act on", 1, "bond: unknown command \"lacp_act\"?" },
	{ "link add bond0 type bond arp_missed 2", 1, "bond: unknown command \"arp_missed\"?" },
	{ "link add bond0 type bond mode", 255, "Command line is not complete. Try option \"help\"" },
	{ "link add bond0 type bond primary nosuch0", 1, "Cannot find device \"nosuch0\"" },
	{ "link add bond0 type bond active_slave nosuch0", 1, "Cannot find device \"nosuch0\"" },
	{ "link add bond0 type bond arp_ip_target 192.0.2.300", 1,
	  "Error: an IP address is expected rather than \"192.0.2.300\"" },
	{ "link add bond0 type bond arp_ip_target 2001:db8::1", 1,
	  "Error: an IP address is expected rather than \"2001:db8::1\"" },
	{ "link add bond0 type bond ns_ip6_target 192.0.2.1", 1,
	  "Error: inet6 address is expected rather than \"192.0.2.1\"." },
	{ "link add bond0 type bond ad_actor_system zz:00", 1, "\"zz\" is invalid lladdr." },
	{ "link add bond0 type bond ad_actor_system 02:00:00", 2,
	  "Error: ad_actor_system: a MAC address is 6 bytes, \"02:00:00\" is 3." },
	{ "link add bond0 type bond help", 1, "Usage: ... bond [ mode BONDMODE ] [ active_slave SLAVE_DEV ]" },
	{ "link set eth0 master nosuch0", 255, "Error: argument \"nosuch0\" is wrong: Device does not exist" },
	{ "link set up", 255, "Not enough information: \"dev\" argument is required." },
	{ "link set dev", 255, "Command line is not complete. Try option \"help\"" },
	{ "link set eth0 eth1", 255, "Error: either \"dev\" is duplicate, or \"eth1\" is a garbage." },
	{ "link set eth0 type bond_slave queue_id x", 255,
	  "Error: argument \"x\" is wrong: queue_id is invalid" },
	{ "link set eth0 type bond_slave prio 1.5", 255,
	  "Error: argument \"1.5\" is wrong: prio is invalid" },
	{ "link set eth0 type bond_slave weight 1", 1, "bond_slave: unknown option \"weight\"?" },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		struct ipc c;
		char opts[2048], err[4096];
		int rc = parse(err_cases[i].words, &c, opts, sizeof(opts), err, sizeof(err));
		char *nl = strchr(err, '\n');

		if (nl)
			*nl = '\0';
		if (rc != err_cases[i].status || strcmp(err, err_cases[i].err))
			fail_msg("'%s': status %d (want %d), error '%s' (want '%s')",
				 err_cases[i].words, rc, err_cases[i].status, err, err_cases[i].err);
	}
}

/* Words the kernel reads only when it creates a device cannot reach a bond
 * bondd creates: ip link add refuses them (ip link set would silently drop
 * them); other kinds of link still go to ip with them; ip link set passes
 * them on, where the kernel ignores them on a kernel bond too. */
static void test_create_only_words(void **state)
{
	static const char *const words[] = {
		"index 7", "link eth0", "numtxqueues 16", "numrxqueues 16",
		"link-netns x", "link-netnsid 0", "parentdev x", "netns x",
	};
	struct ipc c;
	char line[256], opts[2048], err[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		snprintf(line, sizeof(line), "link add bond0 %s type bond mode 1", words[i]);
		if (parse(line, &c, opts, sizeof(opts), err, sizeof(err)) != 2 ||
		    !strstr(err, "cannot be given to a bond of bondd"))
			fail_msg("'%s' not refused: '%s'", line, err);
		snprintf(line, sizeof(line), "link add dev v0 %s type veth peer name v1", words[i]);
		assert_int_equal(parse(line, &c, opts, sizeof(opts), err, sizeof(err)), 0);
		assert_int_equal(c.kind, IPC_PASS);
	}
	assert_int_equal(parse("link set bond0 numtxqueues 16", &c, opts, sizeof(opts), err,
			       sizeof(err)), 0);
	assert_int_equal(c.n_rest, 2);
	assert_string_equal(c.rest[0], "numtxqueues");
}

static void test_unknown_option_prints_usage(void **state)
{
	struct ipc c;
	char opts[2048], err[4096];

	(void)state;
	assert_int_equal(parse("link add bond0 type bond foo 1", &c, opts, sizeof(opts), err,
			       sizeof(err)), 1);
	assert_non_null(strstr(err, "\nUsage: ... bond [ mode BONDMODE ]"));
	assert_non_null(strstr(err, "AD_SELECT := stable|bandwidth|count\n"));
}

static void test_link_words(void **state)
{
	struct ipc c;
	char opts[2048], err[4096];

	(void)state;
	/* the kernel's bonding documentation and selftests */
	assert_int_equal(parse("link add dev bond0 down type bond mode 1 miimon 100 all_slaves_active 1",
			       &c, opts, sizeof(opts), err, sizeof(err)), 0);
	assert_int_equal(c.kind, IPC_ADD);
	assert_string_equal(c.dev, "bond0");
	assert_int_equal(c.updown, -1);
	assert_string_equal(opts, "mode=active-backup miimon=100 all_slaves_active=1");

	assert_int_equal(parse("link add name bond1 type bond", &c, opts, sizeof(opts), err,
			       sizeof(err)), 0);
	assert_int_equal(c.kind, IPC_ADD);
	assert_string_equal(c.dev, "bond1");
	assert_int_equal(c.n_opts, 0);

	assert_int_equal(parse("link add bond0 address 02:00:00:00:00:01 mtu 9000 type bond",
			       &c, opts, sizeof(opts), err, sizeof(err)), 0);
	assert_int_equal(c.n_rest, 4);
	assert_string_equal(c.rest[0], "address");
	assert_string_equal(c.rest[3], "9000");

	assert_int_equal(parse("link add veth0 type veth peer name veth1", &c, opts, sizeof(opts),
			       err, sizeof(err)), 0);
	assert_int_equal(c.kind, IPC_PASS);
	assert_int_equal(parse("link add dummy0 up", &c, opts, sizeof(opts), err, sizeof(err)), 0);
	assert_int_equal(c.kind, IPC_PASS);

	assert_int_equal(parse("link set dev eth0 down master bond0", &c, opts, sizeof(opts), err,
			       sizeof(err)), 0);
	assert_int_equal(c.kind, IPC_SET);
	assert_string_equal(c.dev, "eth0");
	assert_int_equal(c.updown, -1);
	assert_string_equal(c.master, "bond0");

	assert_int_equal(parse("link set eth0 ma bond0", &c, opts, sizeof(opts), err, sizeof(err)), 0);
	assert_string_equal(c.master, "bond0");     /* "ma" is master */
	assert_int_equal(parse("link set dev eth0 down nomaster", &c, opts, sizeof(opts), err,
			       sizeof(err)), 0);
	assert_true(c.nomaster);
	assert_int_equal(parse("link set eth0 mtu 9000 up", &c, opts, sizeof(opts), err,
			       sizeof(err)), 0);
	assert_int_equal(c.updown, 1);
	assert_int_equal(c.n_rest, 2);
	assert_string_equal(c.rest[0], "mtu");
	assert_string_equal(c.rest[1], "9000");
	/* the words bondctl does not act on go to ip whole, with as many
	 * values as ip reads for each (protodown_reason: two) */
	assert_int_equal(parse("link set bond0 protodown_reason 0 on protodown off "
			       "gso_max_size 32768 gso_max_segs 64 gro_max_size 32768", &c, opts,
			       sizeof(opts), err, sizeof(err)), 0);
	assert_int_equal(c.n_rest, 11);
	assert_string_equal(c.rest[0], "protodown_reason");
	assert_string_equal(c.rest[2], "on");
	assert_string_equal(c.rest[3], "protodown");
	assert_string_equal(c.rest[5], "gso_max_size");
	assert_string_equal(c.rest[9], "gro_max_size");
	assert_string_equal(c.rest[10], "32768");

	assert_int_equal(parse("link set dev bond0 type bond mode 0 arp_interval 1000 "
			       "arp_ip_target +192.0.2.254", &c, opts, sizeof(opts), err,
			       sizeof(err)), 0);
	assert_int_equal(c.kind, IPC_SET);
	assert_string_equal(opts, "mode=balance-rr arp_interval=1000 arp_ip_target=192.0.2.254");

	assert_int_equal(parse("link set eth0 type bond_slave queue_id 2 prio -5", &c, opts,
			       sizeof(opts), err, sizeof(err)), 0);
	assert_string_equal(c.type, "bond_slave");
	assert_string_equal(opts, "queue_id=2 prio=-5");

	assert_int_equal(parse("link del bond0", &c, opts, sizeof(opts), err, sizeof(err)), 0);
	assert_int_equal(c.kind, IPC_DEL);
	assert_string_equal(c.dev, "bond0");
	assert_int_equal(parse("link delete dev bond0", &c, opts, sizeof(opts), err, sizeof(err)), 0);
	assert_int_equal(c.kind, IPC_DEL);
	assert_string_equal(c.dev, "bond0");
	assert_int_equal(parse("li d bond0 type bond", &c, opts, sizeof(opts), err, sizeof(err)), 0);
	assert_int_equal(c.kind, IPC_DEL);
	assert_string_equal(c.type, "bond");
}

static void test_global_options(void **state)
{
	struct ipc c;
	char opts[2048], err[4096];

	(void)state;
	assert_int_equal(parse("-d link show bond0", &c, opts, sizeof(opts), err, sizeof(err)), 0);
	assert_int_equal(c.kind, IPC_SHOW);
	assert_true(c.details);
	assert_int_equal(parse("-details link show dev bond0", &c, opts, sizeof(opts), err,
			       sizeof(err)), 0);
	assert_true(c.details);
	assert_int_equal(parse("--details -s -o link", &c, opts, sizeof(opts), err, sizeof(err)), 0);
	assert_int_equal(c.kind, IPC_SHOW);
	assert_true(c.details && c.oneline);
	assert_int_equal(parse("-s link show", &c, opts, sizeof(opts), err, sizeof(err)), 0);
	assert_false(c.details);
	assert_int_equal(parse("-j -d link show", &c, opts, sizeof(opts), err, sizeof(err)), 0);
	assert_true(c.json && c.details);
	assert_int_equal(parse("-n ns1 link add bond0 type bond", &c, opts, sizeof(opts), err,
			       sizeof(err)), 0);
	assert_string_equal(c.netns, "ns1");
	assert_int_equal(parse("-4 addr add 192.0.2.1/24 dev bond0", &c, opts, sizeof(opts), err,
			       sizeof(err)), 0);
	assert_int_equal(c.kind, IPC_PASS);
	assert_int_equal(parse("-c=never -br link", &c, opts, sizeof(opts), err, sizeof(err)), 0);
	assert_true(c.brief);
	assert_int_equal(parse("-family", &c, opts, sizeof(opts), err, sizeof(err)), 255);

	/* show's filters: those naming bondd's devices, the rest for ip */
	assert_int_equal(parse("link show master bond0 up", &c, opts, sizeof(opts), err,
			       sizeof(err)), 0);
	assert_int_equal(c.kind, IPC_SHOW);
	assert_string_equal(c.show_master, "bond0");
	assert_int_equal(c.n_show_words, 1);
	assert_string_equal(c.show_words[0], "up");
	assert_int_equal(parse("-d link show type bond_slave group 0 dev eth0", &c, opts,
			       sizeof(opts), err, sizeof(err)), 0);
	assert_string_equal(c.show_type, "bond_slave");
	assert_string_equal(c.dev, "eth0");
	assert_int_equal(c.n_show_words, 2);
	assert_int_equal(parse("link show eth0", &c, opts, sizeof(opts), err, sizeof(err)), 0);
	assert_string_equal(c.dev, "eth0");
	assert_null(c.show_master);
	assert_int_equal(parse("link show master", &c, opts, sizeof(opts), err, sizeof(err)), 255);
	assert_int_equal(parse("link show eth0 eth1", &c, opts, sizeof(opts), err, sizeof(err)), 255);
}

/* ip -d link show of a TAP, a veth and a device without a kind. */
static const char ip_text[] =
	"4: bond0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP mode DEFAULT group default qlen 1000\n"
	"    link/ether 3e:6b:ff:e4:28:15 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65521 \n"
	"    tun type tap pi off vnet_hdr on persist off addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 \n"
	"2: eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n"
	"    link/ether 3e:6b:ff:e4:28:15 brd ff:ff:ff:ff:ff:ff link-netns sw promiscuity 0  allmulti 1 minmtu 68 maxmtu 65535 \n"
	"    veth addrgenmode eui64 numtxqueues 2 numrxqueues 2 \n"
	"    RX:  bytes packets errors dropped  missed   mcast           \n"
	"             0       0      0       0       0       0 \n"
	"3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP mode DEFAULT group default qlen 1000\n"
	"    link/ether 52:54:00:00:00:02 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 9000 numtxqueues 1 numrxqueues 1 \n"
	"5: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n"
	"    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0 addrgenmode eui64 numtxqueues 1 \n";

static const char details[] =
	"bond0 bond mode active-backup active_slave eth0 miimon 100 \n"
	"eth0 bond_slave state ACTIVE mii_status UP \n"
	"eth1 bond_slave state BACKUP mii_status UP \n";

static void test_splice(void **state)
{
	struct strbuf out;

	(void)state;
	sb_init(&out);
	ipc_splice(ip_text, details, false, &out);
	assert_string_equal(sb_str(&out),
	"4: bond0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP mode DEFAULT group default qlen 1000\n"
	"    link/ether 3e:6b:ff:e4:28:15 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65521 \n"
	"    bond mode active-backup active_slave eth0 miimon 100 addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 \n"
	"2: eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n"
	"    link/ether 3e:6b:ff:e4:28:15 brd ff:ff:ff:ff:ff:ff link-netns sw promiscuity 0  allmulti 1 minmtu 68 maxmtu 65535 \n"
	"    veth \n"
	"    bond_slave state ACTIVE mii_status UP addrgenmode eui64 numtxqueues 2 numrxqueues 2 \n"
	"    RX:  bytes packets errors dropped  missed   mcast           \n"
	"             0       0      0       0       0       0 \n"
	"3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP mode DEFAULT group default qlen 1000\n"
	"    link/ether 52:54:00:00:00:02 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 9000 \n"
	"    bond_slave state BACKUP mii_status UP numtxqueues 1 numrxqueues 1 \n"
	"5: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n"
	"    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0 addrgenmode eui64 numtxqueues 1 \n");

	/* -o: one line per device, "\" where the lines were */
	sb_reset(&out);
	ipc_splice("4: bond0: <UP> mtu 1500\\    link/ether 3e:6b:ff:e4:28:15 maxmtu 65521 \\    tun type tap pi off addrgenmode eui64 numtxqueues 1 \n",
		   details, true, &out);
	assert_string_equal(sb_str(&out),
		"4: bond0: <UP> mtu 1500\\    link/ether 3e:6b:ff:e4:28:15 maxmtu 65521 \\    bond mode active-backup active_slave eth0 miimon 100 addrgenmode eui64 numtxqueues 1 \n");
	sb_free(&out);
}

/* ip link add link BOND name NAME type vlan id VID: what is taken, what
 * is refused by name, and a VLAN device's details spliced in. */
static void test_vlan(void **state)
{
	struct ipc c;
	char opts[512], err[2048];
	struct strbuf out;

	(void)state;
	assert_int_equal(parse("link add link bond0 name bond0.100 type vlan id 100", &c, opts,
			       sizeof(opts), err, sizeof(err)), IPX_OK);
	assert_int_equal(c.kind, IPC_ADD);
	assert_string_equal(c.type, "vlan");
	assert_string_equal(c.link, "bond0");
	assert_string_equal(c.dev, "bond0.100");
	assert_int_equal(c.vlan_id, 100);
	assert_int_equal(c.n_rest, 0);
	/* the defaults may be said; mtu and up go to ip */
	assert_int_equal(parse("link add link bond0 v7 mtu 1400 up type vlan protocol 802.1Q id 0x7 "
			       "reorder_hdr on gvrp off mvrp off loose_binding off bridge_binding off",
			       &c, opts, sizeof(opts), err, sizeof(err)), IPX_OK);
	assert_int_equal(c.vlan_id, 7);
	assert_string_equal(c.dev, "v7");
	assert_int_equal(c.updown, 1);
	assert_int_equal(c.n_rest, 2);
	assert_string_equal(c.rest[0], "mtu");
	/* refused by name (exit 2), with a message */
	assert_int_equal(parse("link add link bond0 name x type vlan id 5 protocol 802.1ad", &c, opts,
			       sizeof(opts), err, sizeof(err)), IPX_REFUSED);
	assert_non_null(strstr(err, "802.1ad"));
	assert_int_equal(parse("link add link bond0 name x type vlan id 5 egress-qos-map 1:2", &c,
			       opts, sizeof(opts), err, sizeof(err)), IPX_REFUSED);
	assert_int_equal(parse("link add link bond0 name x type vlan id 5 reorder_hdr off", &c, opts,
			       sizeof(opts), err, sizeof(err)), IPX_REFUSED);
	assert_int_equal(parse("link add link bond0 name x type vlan id 5 gvrp on", &c, opts,
			       sizeof(opts), err, sizeof(err)), IPX_REFUSED);
	assert_int_equal(parse("link add link bond0 name x type vlan id 5 gvrp maybe", &c, opts,
			       sizeof(opts), err, sizeof(err)), IPX_SYNTAX);
	assert_int_equal(parse("link add link bond0 name x address 02:00:00:00:00:01 type vlan id 5",
			       &c, opts, sizeof(opts), err, sizeof(err)), IPX_REFUSED);
	assert_non_null(strstr(err, "address"));
	assert_int_equal(parse("link add link bond0 name x numtxqueues 2 type vlan id 5", &c, opts,
			       sizeof(opts), err, sizeof(err)), IPX_REFUSED);
	assert_int_equal(parse("link add link bond0 name x type vlan", &c, opts, sizeof(opts), err,
			       sizeof(err)), IPX_REFUSED);
	assert_non_null(strstr(err, "VLAN id not specified"));
	assert_int_equal(parse("link add link bond0 name x type vlan id 70000", &c, opts,
			       sizeof(opts), err, sizeof(err)), IPX_SYNTAX);
	assert_int_equal(parse("link add link bond0 name x type vlan id 5 colour red", &c, opts,
			       sizeof(opts), err, sizeof(err)), IPX_FAIL);
	/* a bond: "link" stays refused */
	assert_int_equal(parse("link add link eth0 name b1 type bond", &c, opts, sizeof(opts), err,
			       sizeof(err)), IPX_REFUSED);

	/* the TAP's kind gives way to the VLAN's details */
	sb_init(&out);
	ipc_splice("6: bond0.100: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n"
		   "    link/ether 3e:6b:ff:e4:28:15 brd ff:ff:ff:ff:ff:ff promiscuity 0 \n"
		   "    tun type tap pi off vnet_hdr on persist off addrgenmode eui64 numtxqueues 1 \n",
		   "bond0 bond mode active-backup \nbond0.100 vlan protocol 802.1Q id 100 <REORDER_HDR> \n",
		   false, &out);
	assert_string_equal(sb_str(&out),
		"6: bond0.100: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n"
		"    link/ether 3e:6b:ff:e4:28:15 brd ff:ff:ff:ff:ff:ff promiscuity 0 \n"
		"    vlan protocol 802.1Q id 100 <REORDER_HDR> addrgenmode eui64 numtxqueues 1 \n");
	sb_free(&out);
}

/* The words themselves, from an engine bond, against iproute2's layout of
 * what a kernel bond with the same settings reports. */
static void test_status_words(void **state)
{
	struct harness h;
	struct bond *b;
	struct bond_status st;
	struct strbuf out;

	(void)state;
	h_init(&h);
	sb_init(&out);
	b = h_bond(&h, "bond0", "mode active-backup miimon 100 primary eth0 updelay 200 "
		   "arp_ip_target 192.0.2.1");
	h_enslave(&h, b, "eth0", 1);
	h_enslave(&h, b, "eth1", 2);
	h_advance(&h, 1000);
	status_fill(b, &st);
	status_iplink_bond(&st, true, &out);
	assert_string_equal(sb_str(&out),
		"mode active-backup active_slave eth0 miimon 100 updelay 200 downdelay 0 "
		"peer_notify_delay 0 use_carrier 1 arp_interval 0 arp_missed_max 2 "
		"arp_ip_target 192.0.2.1 arp_validate none arp_all_targets any primary eth0 "
		"primary_reselect always fail_over_mac none xmit_hash_policy layer2 "
		"resend_igmp 1 num_grat_arp 1 all_slaves_active 0 min_links 0 lp_interval 1 "
		"packets_per_slave 1 lacp_active on lacp_rate slow ad_select stable "
		"tlb_dynamic_lb 1 ");
	sb_reset(&out);
	status_iplink_slave(&st, 1, true, &out);
	assert_string_equal(sb_str(&out),
		"state BACKUP mii_status UP link_failure_count 0 perm_hwaddr 02:00:00:00:00:02 "
		"queue_id 0 prio 0 ");
	status_free(&st);

	/* 802.3ad: the actor settings for CAP_NET_ADMIN only, each port's
	 * aggregator and LACP states by name */
	b = h_bond(&h, "bond1", "mode 802.3ad miimon 100 lacp_rate fast ad_actor_sys_prio 100");
	h_enslave(&h, b, "eth2", 3);
	h_advance(&h, 3000);
	status_fill(b, &st);
	sb_reset(&out);
	status_iplink_bond(&st, true, &out);
	assert_non_null(strstr(sb_str(&out), " lacp_rate fast ad_select stable "));
	assert_non_null(strstr(sb_str(&out),
		"ad_actor_sys_prio 100 ad_user_port_key 0 ad_actor_system 00:00:00:00:00:00 "
		"tlb_dynamic_lb 1 "));
	assert_null(strstr(sb_str(&out), "active_slave"));
	if (st.ad.has_active_agg)
		assert_non_null(strstr(sb_str(&out), " ad_aggregator "));
	sb_reset(&out);
	status_iplink_bond(&st, false, &out);
	assert_null(strstr(sb_str(&out), "ad_actor_sys_prio"));
	sb_reset(&out);
	status_iplink_slave(&st, 0, true, &out);
	assert_non_null(strstr(sb_str(&out), " ad_aggregator_id "));
	assert_non_null(strstr(sb_str(&out), " ad_actor_oper_port_state "));
	assert_non_null(strstr(sb_str(&out), "  <active,short_timeout,aggregating"));
	sb_reset(&out);
	status_iplink_slave(&st, 0, false, &out);
	assert_null(strstr(sb_str(&out), "oper_port_state"));
	status_free(&st);
	sb_free(&out);
	h_fini(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_option),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_unknown_option_prints_usage),
		cmocka_unit_test(test_create_only_words),
		cmocka_unit_test(test_link_words),
		cmocka_unit_test(test_global_options),
		cmocka_unit_test(test_splice),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_status_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
