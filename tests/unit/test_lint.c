/* src/config/conf_lint.c: every warning fires on the configuration it is
 * about (with its line, reason and fix), stays silent when the cause is
 * fixed or when the runtime fact it needs is unknown, and a clean
 * configuration gives none. Each configuration is parsed and checked as
 * bondd loads it (conf_parse_native + conf_check) before the lint.
 * Then `bondctl lint` (ctl/cmd_lint.c) over a backend that answers with
 * given lines: text, JSON, who may name a file, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/conf.h"
#include "config/conf_lint.h"
#include "ctl/ctl_backend.h"
#include "ctl/ctl_cmd.h"
#include "ctl/ctl_proto.h"

static struct conf_lint_iface F[8];
static unsigned n_f;

static void facts_reset(void)
{
	memset(F, 0, sizeof(F));
	n_f = 0;
}

static void fact(const char *name, int32_t speed, unsigned mtu, int partner_short)
{
	struct conf_lint_iface *f = &F[n_f++];

	snprintf(f->name, sizeof(f->name), "%s", name);
	f->speed = speed;
	f->mtu = mtu;
	f->partner_short_timeout = partner_short;
}

/* The lint's messages for text (one per line); *n their count. The
 * configuration must load without error. */
static char *lint(const char *text, unsigned *n)
{
	struct conf_lint_facts facts = { F, n_f };
	struct conf_diag d;
	struct strbuf sb;
	struct conf *c;
	char *s;

	conf_diag_init(&d);
	c = conf_parse_native(text, "t.conf", &d);
	assert_non_null(c);
	assert_int_equal(conf_check(c, true, &d), 0);
	/* only the lint's own lines from here */
	conf_diag_free(&d);
	conf_diag_init(&d);
	*n = conf_lint(c, &facts, &d);
	assert_int_equal(*n, d.n_warnings);
	assert_int_equal(d.n_errors, 0);
	sb_init(&sb);
	conf_diag_print(&d, true, &sb);
	s = strdup(sb_str(&sb));
	assert_non_null(s);
	sb_free(&sb);
	conf_diag_free(&d);
	conf_free(c);
	return s;
}

static void assert_clean(const char *text)
{
	unsigned n;
	char *s = lint(text, &n);

	if (n)
		fail_msg("expected no warning, got:\n%s", s);
	free(s);
}

/* Exactly one warning, starting with prefix ("t.conf:LINE: warning: ..."),
 * containing each of the NULL-terminated words. */
static void assert_one(const char *text, const char *prefix, ...)
{
	unsigned n;
	char *s = lint(text, &n);
	const char *w;
	va_list ap;

	if (n != 1)
		fail_msg("expected one warning, got %u:\n%s", n, s);
	if (strncmp(s, prefix, strlen(prefix)))
		fail_msg("expected '%s...', got:\n%s", prefix, s);
	assert_int_equal(strchr(s, '\n') - s + 1, (long)strlen(s)); /* one line */
	assert_non_null(strstr(s, "; fix: "));
	va_start(ap, prefix);
	while ((w = va_arg(ap, const char *)))
		if (!strstr(s, w))
			fail_msg("expected '%s' in:\n%s", w, s);
	va_end(ap);
	free(s);
}

static int setup(void **state)
{
	(void)state;
	facts_reset();
	return 0;
}

/* ---- a clean configuration -------------------------------------------------- */

#define CLEAN \
	"[bond0]\n" \
	"mode = 802.3ad\n" \
	"miimon = 100\n" \
	"lacp_rate = fast\n" \
	"xmit_hash_policy = layer3+4\n" \
	"slaves = eth0 eth1\n" \
	"mtu = 9000\n" \
	"address = 192.0.2.10/24\n" \
	"gateway = 192.0.2.1\n" \
	"[bond1]\n" \
	"mode = active-backup\n" \
	"miimon = 100\n" \
	"updelay = 30000\n" \
	"primary = eth2\n" \
	"slaves = eth2 eth3\n" \
	"[bond2]\n" \
	"mode = active-backup\n" \
	"arp_interval = 1000\n" \
	"arp_ip_target = 198.51.100.1\n" \
	"arp_validate = all\n" \
	"slaves = eth4 eth5\n" \
	"[bond3]\n" \
	"mode = active-backup\n" \
	"arp_interval = 1000\n" \
	"arp_ip_target = 198.51.100.1\n" \
	"arp_validate = all\n" \
	"slaves = eth6 eth7\n"

static void test_clean(void **state)
{
	(void)state;
	assert_clean(CLEAN);
	/* and with every runtime fact known and agreeing */
	fact("bond0", 0, 9000, -1);
	fact("eth0", 10000, 9000, 1);
	fact("eth1", 10000, 9000, 1);
	fact("bond1", 0, 1500, -1);
	fact("eth2", 1000, 1500, -1);
	fact("eth3", 1000, 1500, -1);
	assert_clean(CLEAN);
	/* nothing at all */
	assert_clean("");
}

/* ---- no link monitor ------------------------------------------------------- */

static void test_no_monitor(void **state)
{
	(void)state;
	/* active-backup: the kernel turns no monitor on by itself */
	assert_one("[bond0]\nmode = active-backup\nslaves = eth0 eth1\n",
		   "t.conf:1: warning: bond0: no link monitor (miimon 0 and arp_interval 0)",
		   "miimon 100", NULL);
	assert_one("[bond0]\nmode = balance-xor\nmiimon = 0\nxmit_hash_policy = layer3+4\n",
		   "t.conf:3: warning: bond0: no link monitor", NULL);
	/* 802.3ad (and tlb/alb) get miimon 100 from the mode */
	assert_clean("[bond0]\nmode = 802.3ad\nlacp_rate = fast\n");
	assert_clean("[bond0]\nmode = active-backup\nmiimon = 100\n");
	/* an ARP monitor with nothing to probe */
	assert_one("[bond0]\nmode = active-backup\narp_interval = 500\n",
		   "t.conf:3: warning: bond0: arp_interval 500 without arp_ip_target",
		   "arp_ip_target ADDRESS", NULL);
	assert_clean("[bond0]\nmode = active-backup\narp_interval = 500\nns_ip6_target = 2001:db8::1\n");
}

/* ---- arp_validate none, bonds probing the same target -------------------- */

static void test_arp_validate(void **state)
{
	unsigned n;
	char *s;

	(void)state;
	assert_one("[bond0]\nmode = active-backup\narp_interval = 1000\n"
		   "arp_ip_target = 192.0.2.1,192.0.2.2\nslaves = eth0 eth1\n"
		   "[bond1]\nmode = active-backup\narp_interval = 1000\n"
		   "arp_ip_target = 192.0.2.2\narp_validate = all\nslaves = eth2 eth3\n",
		   "t.conf:1: warning: bond0: arp_validate none while bond1 probes the same target 192.0.2.2",
		   "arp_validate all", NULL);
	/* both unvalidated: both warned, at their own arp_validate lines */
	s = lint("[bond0]\nmode = active-backup\narp_interval = 1000\n"
		 "arp_ip_target = 192.0.2.1\narp_validate = none\n"
		 "[bond1]\nmode = balance-rr\narp_interval = 1000\n"
		 "arp_ip_target = 192.0.2.1\narp_validate = none\n", &n);
	assert_int_equal(n, 2);
	assert_non_null(strstr(s, "t.conf:5: warning: bond0: arp_validate none while bond1"));
	assert_non_null(strstr(s, "t.conf:10: warning: bond1: arp_validate none while bond0"));
	free(s);
	/* IPv6 targets too */
	assert_one("[bond0]\nmode = active-backup\narp_interval = 1000\nns_ip6_target = 2001:db8::1\n"
		   "[bond1]\nmode = active-backup\narp_interval = 1000\nns_ip6_target = 2001:db8::1\n"
		   "arp_validate = all\n",
		   "t.conf:1: warning: bond0: arp_validate none while bond1 probes the same target 2001:db8::1",
		   NULL);
	/* different targets: other segments as far as we know */
	assert_clean("[bond0]\nmode = active-backup\narp_interval = 1000\narp_ip_target = 192.0.2.1\n"
		     "[bond1]\nmode = active-backup\narp_interval = 1000\narp_ip_target = 192.0.2.2\n");
	/* one bond alone */
	assert_clean("[bond0]\nmode = active-backup\narp_interval = 1000\narp_ip_target = 192.0.2.1\n");
}

/* ---- layer2 hash, one gateway ----------------------------------------------- */

static void test_gateway_hash(void **state)
{
	(void)state;
	assert_one("[bond0]\nmode = balance-xor\nmiimon = 100\nslaves = eth0 eth1\n"
		   "address = 192.0.2.10/24\ngateway = 192.0.2.1\n",
		   "t.conf:2: warning: bond0: xmit_hash_policy layer2 and the default gateway 192.0.2.1 is reached through bond0",
		   "xmit_hash_policy layer3+4", NULL);
	assert_one("[bond0]\nmode = 802.3ad\nlacp_rate = fast\nxmit_hash_policy = layer2\n"
		   "address = 2001:db8::10/64\ngateway = 2001:db8::1\n",
		   "t.conf:4: warning: bond0: xmit_hash_policy layer2 and the default gateway 2001:db8::1", NULL);
	/* a gateway in a [route] section reached over the bond's subnet */
	assert_one("[bond0]\nmode = balance-xor\nmiimon = 100\naddress = 192.0.2.10/24\n"
		   "[route]\nto = default via 192.0.2.1\n",
		   "t.conf:2: warning: bond0: xmit_hash_policy layer2", NULL);
	assert_one("[bond0]\nmode = balance-tlb\naddress = 192.0.2.10/24\ngateway = 192.0.2.1\n",
		   "t.conf:2: warning: bond0: balance-tlb with tlb_dynamic_lb 1",
		   "tlb_dynamic_lb 0 with xmit_hash_policy layer3+4", NULL);
	assert_one("[bond0]\nmode = balance-tlb\ntlb_dynamic_lb = 0\naddress = 192.0.2.10/24\n"
		   "gateway = 192.0.2.1\n",
		   "t.conf:2: warning: bond0: xmit_hash_policy layer2", NULL);
	assert_one("[bond0]\nmode = balance-alb\naddress = 192.0.2.10/24\ngateway = 192.0.2.1\n",
		   "t.conf:2: warning: bond0: balance-alb spreads transmitted frames by destination MAC",
		   NULL);
	/* fixed */
	assert_clean("[bond0]\nmode = balance-xor\nmiimon = 100\nxmit_hash_policy = layer3+4\n"
		     "address = 192.0.2.10/24\ngateway = 192.0.2.1\n");
	assert_clean("[bond0]\nmode = balance-tlb\ntlb_dynamic_lb = 0\nxmit_hash_policy = layer3+4\n"
		     "address = 192.0.2.10/24\ngateway = 192.0.2.1\n");
	/* no gateway behind this bond: its peers are on its own subnet */
	assert_clean("[bond0]\nmode = balance-xor\nmiimon = 100\naddress = 192.0.2.10/24\n");
	assert_clean("[bond0]\nmode = balance-xor\nmiimon = 100\naddress = 192.0.2.10/24\n"
		     "[interface eth9]\naddress = 198.51.100.10/24\ngateway = 198.51.100.1\n");
	/* active-backup hashes nothing */
	assert_clean("[bond0]\nmode = active-backup\nmiimon = 100\naddress = 192.0.2.10/24\n"
		     "gateway = 192.0.2.1\n");
}

/* ---- 802.3ad, lacp_rate slow ------------------------------------------------ */

static void test_lacp_rate(void **state)
{
	(void)state;
	/* the default rate is slow */
	assert_one("[bond0]\nmode = 802.3ad\nslaves = eth0 eth1\n",
		   "t.conf:1: warning: bond0: 802.3ad with lacp_rate slow",
		   "90 s", "3 s", "lacp_rate fast", NULL);
	assert_one("[bond0]\nmode = 802.3ad\nlacp_rate = slow\nslaves = eth0 eth1\n",
		   "t.conf:3: warning: bond0: 802.3ad with lacp_rate slow", NULL);
	/* the partner says it runs the fast rate */
	fact("eth1", 0, 0, 1);
	assert_one("[bond0]\nmode = 802.3ad\nlacp_rate = slow\nslaves = eth0 eth1\n",
		   "t.conf:3: warning: bond0: lacp_rate slow, but the partner of eth1 runs the fast rate",
		   "lacp_rate fast", NULL);
	assert_clean("[bond0]\nmode = 802.3ad\nlacp_rate = fast\nslaves = eth0 eth1\n");
}

/* ---- 802.3ad, slaves of different speeds ---------------------------------- */

static void test_speeds(void **state)
{
	const char *conf = "[bond0]\nmode = 802.3ad\nlacp_rate = fast\nslaves = eth0 eth1 eth2\n";

	(void)state;
	/* unknown speeds: nothing to say */
	assert_clean(conf);
	fact("eth0", 10000, 0, -1);
	fact("eth1", -1, 0, -1);
	fact("eth2", 10000, 0, -1);
	assert_clean(conf);
	F[2].speed = 1000;
	assert_one(conf, "t.conf:4: warning: bond0: 802.3ad slaves of different speeds (eth0 10000 Mb/s, eth2 1000 Mb/s)",
		   "slaves of one speed", NULL);
	/* other modes use slaves of any speed */
	assert_clean("[bond0]\nmode = active-backup\nmiimon = 100\nslaves = eth0 eth1 eth2\n");
}

/* ---- primary not among the slaves ---------------------------------------------- */

static void test_primary(void **state)
{
	(void)state;
	assert_one("[bond0]\nmode = active-backup\nmiimon = 100\nprimary = eth2\nslaves = eth0 eth1\n",
		   "t.conf:4: warning: bond0: primary eth2 is not one of its slaves",
		   "(eth0, ...)", "add eth2 to slaves", NULL);
	assert_clean("[bond0]\nmode = active-backup\nmiimon = 100\nprimary = eth1\nslaves = eth0 eth1\n");
	/* slaves enslaved at run time: the file does not say which */
	assert_clean("[bond0]\nmode = active-backup\nmiimon = 100\nprimary = eth1\n");
}

/* ---- MTU differing between slaves ------------------------------------------------ */

static void test_mtu(void **state)
{
	const char *with_line = "[bond0]\nmode = active-backup\nmiimon = 100\nslaves = eth0 eth1\nmtu = 9000\n";
	const char *no_line = "[bond0]\nmode = active-backup\nmiimon = 100\nslaves = eth0 eth1\n";

	(void)state;
	/* nothing known (not enslaved yet: bondd will set the MTU) */
	fact("eth0", 0, 0, -1);
	fact("eth1", 0, 0, -1);
	assert_clean(with_line);
	F[0].mtu = 9000;
	F[1].mtu = 1500;
	assert_one(with_line, "t.conf:1: warning: bond0: slave eth1 runs with MTU 1500 but the bond's mtu line says 9000",
		   "frames longer than 1500", "ip link set eth1 mtu 9000", NULL);
	/* no mtu line: against the bond's own MTU */
	fact("bond0", 0, 1500, -1);
	F[0].mtu = 1500;
	F[1].mtu = 9000;
	assert_one(no_line, "t.conf:4: warning: bond0: slave eth1 runs with MTU 9000 but the bond runs with 1500",
		   NULL);
	/* the bond's MTU unknown: the slaves against each other */
	n_f = 2;
	assert_one(no_line, "t.conf:4: warning: bond0: slaves with different MTUs (eth0 1500, eth1 9000)",
		   "mtu 1500", NULL);
	F[1].mtu = 1500;
	assert_clean(no_line);
}

/* ---- updelay shorter than STP's forwarding ------------------------------------ */

static void test_updelay(void **state)
{
	(void)state;
	assert_one("[bond0]\nmode = active-backup\nmiimon = 100\nupdelay = 15000\n",
		   "t.conf:4: warning: bond0: updelay 15000 ms waits for the switch port, but a port running STP",
		   "30 s", "portfast", "updelay 30000", NULL);
	assert_one("[bond0]\nmode = 802.3ad\nlacp_rate = fast\nupdelay = 1000\n",
		   "t.conf:4: warning: bond0: updelay 1000 ms", NULL);
	/* a short updelay only smooths a flapping carrier */
	assert_clean("[bond0]\nmode = active-backup\nmiimon = 100\nupdelay = 200\n");
	/* long enough */
	assert_clean("[bond0]\nmode = active-backup\nmiimon = 100\nupdelay = 30000\n");
	/* no updelay: the file says nothing about the switch */
	assert_clean("[bond0]\nmode = active-backup\nmiimon = 100\n");
}

/* ---- several at once, in order -------------------------------------------------- */

static void test_order(void **state)
{
	unsigned n;
	char *s;

	(void)state;
	s = lint("[bond0]\nmode = 802.3ad\nupdelay = 5000\nslaves = eth0 eth1\n"
		 "address = 192.0.2.10/24\ngateway = 192.0.2.1\n"
		 "[bond1]\nmode = active-backup\nprimary = eth9\nslaves = eth2\n", &n);
	assert_int_equal(n, 5);
	assert_string_equal(s,
		"t.conf:2: warning: bond0: xmit_hash_policy layer2 and the default gateway 192.0.2.1 is reached through bond0: every frame to another subnet carries the gateway's MAC, and layer2 hashes only the MACs, so all of that traffic leaves through one slave; fix: xmit_hash_policy layer3+4 (addresses and ports spread the flows)\n"
		"t.conf:1: warning: bond0: 802.3ad with lacp_rate slow: the partner sends a LACPDU every 30 s and bondd notices its silence only after 90 s, while a switch port at the fast rate gives up on bondd after 3 s; a partner that goes silent with the link up (hung control plane, one-way fibre, media converter) keeps this port in the aggregation for up to 90 s and the frames hashed to it are lost; fix: lacp_rate fast (and the fast rate on the switch ports)\n"
		"t.conf:3: warning: bond0: updelay 5000 ms waits for the switch port, but a port running STP (not an edge or portfast port) forwards only 30 s after its link comes up (listening and learning, 15 s each): a slave that comes back is used while its frames are still dropped; fix: make the switch ports STP edge ports (portfast), or updelay 30000, or the ARP monitor (arp_interval with arp_ip_target), which sees a link up only once the port forwards\n"
		"t.conf:7: warning: bond1: no link monitor (miimon 0 and arp_interval 0): bondd never checks the slaves, so a slave whose link dies stays in use and every frame sent on it is lost; fix: miimon 100 (the carrier, checked every 100 ms), or arp_interval 1000 with arp_ip_target (the path to a host)\n"
		"t.conf:9: warning: bond1: primary eth9 is not one of its slaves: no slave is preferred, and should eth9 ever be enslaved it takes the traffic over at once; fix: name one of the slaves (eth2), or add eth9 to slaves\n");
	free(s);
}

/* ---- bondctl lint -------------------------------------------------------------- */

static struct {
	const char *answer;         /* the lines the daemon would give */
	int rc;                     /* its status; nonzero: refused */
	const char *file_seen;      /* the file it was asked to read */
	unsigned calls;
} be_state;

static struct engine *be_engine(void *ctx)
{
	(void)ctx;
	return NULL;
}

static int be_lint(void *ctx, const char *file, struct strbuf *msgs, struct err *err)
{
	(void)ctx;
	be_state.calls++;
	be_state.file_seen = file;
	sb_puts(msgs, be_state.answer);
	if (be_state.rc)
		err_set(err, be_state.rc, "%s: configuration refused (the errors above)", file);
	return be_state.rc;
}

static const struct ctl_backend_ops ops_lint = { .engine = be_engine, .lint = be_lint };
static const struct ctl_backend_ops ops_none = { .engine = be_engine };

struct run {
	int rc;
	char *out, *err;
};

static struct run run_lint(const struct ctl_backend_ops *ops, bool json, bool privileged,
			   const char *file)
{
	struct ctl_backend be = { ops, NULL };
	char *argv[3] = { (char *)"lint", (char *)file, NULL };
	struct strbuf out, err;
	struct run r;

	sb_init(&out);
	sb_init(&err);
	r.rc = ctl_exec_as(&be, file ? 2 : 1, argv, json, privileged, &out, &err);
	r.out = strdup(sb_str(&out));
	r.err = strdup(sb_str(&err));
	sb_free(&out);
	sb_free(&err);
	return r;
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

#define W1 "/etc/bondd/bondd.conf:4: warning: bond0: 802.3ad with lacp_rate slow: x; fix: lacp_rate fast\n"
#define W2 "/etc/bondd/bondd.conf:12: warning: bond1: primary \"eth9\" is not one of its slaves; fix: y\n"

/* A VLAN is a segment of its own: an address in the bond's subnet, or in
 * a sibling VLAN's, is flagged once; separate subnets and another bond's
 * subnet are not. */
static void test_vlan_subnet(void **state)
{
	(void)state;
	assert_one("[bond0]\nmiimon = 100\nslaves = eth0\naddress = 192.0.2.1/24\n"
		   "[bond0.100]\naddress = 192.0.2.7/24\n",
		   "t.conf:6: warning: bond0.100: address 192.0.2.7/24 is in the subnet of bond0's 192.0.2.1/24",
		   "a subnet of its own for each VLAN", NULL);
	/* the wider of the two prefixes decides */
	assert_one("[bond0]\nmiimon = 100\nslaves = eth0\n[bond0.100]\naddress = 198.51.100.1/24\n"
		   "[bond0.200]\naddress = 198.51.100.200/25\n",
		   "t.conf:7: warning: bond0.200: address 198.51.100.200/25 is in the subnet of bond0.100's 198.51.100.1/24",
		   NULL);
	assert_clean("[bond0]\nmiimon = 100\nslaves = eth0\naddress = 192.0.2.1/24\n"
		     "address = 2001:db8::1/64\n[bond0.100]\naddress = 198.51.100.1/24\n"
		     "address = 2001:db8:100::1/64\n[bond0.200]\naddress = 203.0.113.1/24\n");
	/* another bond's VLAN is another trunk: not this rule's business */
	assert_clean("[bond0]\nmiimon = 100\nslaves = eth0\naddress = 192.0.2.1/25\n"
		     "[bond1]\nmiimon = 100\nslaves = eth1\n[bond1.100]\naddress = 192.0.2.200/25\n");
}

/* The gateway reached through a VLAN of the bond is behind the bond too. */
static void test_vlan_gateway_hash(void **state)
{
	(void)state;
	assert_one("[bond0]\nmode = 802.3ad\nlacp_rate = fast\nslaves = eth0\n"
		   "[bond0.100]\naddress = 198.51.100.1/24\ngateway = 198.51.100.254\n",
		   "t.conf:2: warning: bond0: xmit_hash_policy layer2 and the default gateway 198.51.100.254",
		   NULL);
	assert_one("[bond0]\nmode = 802.3ad\nlacp_rate = fast\nslaves = eth0\n"
		   "[bond0.100]\naddress = 198.51.100.1/24\n[route]\nto = default via 198.51.100.254\n",
		   "t.conf:2: warning: bond0: xmit_hash_policy layer2", NULL);
}

/* VLANs on a bond the file gives no slaves: said once per bond. */
static void test_vlan_no_slaves(void **state)
{
	(void)state;
	assert_one("[bond0]\nmiimon = 100\nvlans = 100, 200\n",
		   "t.conf:3: warning: bond0.100: VLAN 100 on bond0, which has no slaves in this configuration",
		   "slaves = IFNAME ... in [bond0]", NULL);
	assert_clean("[bond0]\nmiimon = 100\nslaves = eth0\nvlans = 100, 200\n");
}

static void test_cmd_text(void **state)
{
	struct run r;

	(void)state;
	memset(&be_state, 0, sizeof(be_state));
	be_state.answer = W1 W2;
	r = run_lint(&ops_lint, false, false, NULL);
	assert_int_equal(r.rc, CTL_EXIT_OK);
	assert_string_equal(r.out, W1 W2);
	assert_string_equal(r.err, "");
	assert_null(be_state.file_seen);
	run_free(&r);
	/* clean: nothing at all */
	be_state.answer = "";
	r = run_lint(&ops_lint, false, true, "/etc/bondd/new.conf");
	assert_int_equal(r.rc, CTL_EXIT_OK);
	assert_string_equal(r.out, "");
	assert_string_equal(be_state.file_seen, "/etc/bondd/new.conf");
	run_free(&r);
}

static void test_cmd_json(void **state)
{
	struct run r;

	(void)state;
	memset(&be_state, 0, sizeof(be_state));
	be_state.answer = W1 W2;
	r = run_lint(&ops_lint, true, false, NULL);
	assert_int_equal(r.rc, CTL_EXIT_OK);
	assert_string_equal(r.out,
		"{\"warnings\":["
		"{\"file\":\"/etc/bondd/bondd.conf\",\"line\":4,\"message\":\"bond0: 802.3ad with lacp_rate slow: x; fix: lacp_rate fast\"},"
		"{\"file\":\"/etc/bondd/bondd.conf\",\"line\":12,\"message\":\"bond1: primary \\\"eth9\\\" is not one of its slaves; fix: y\"}"
		"]}\n");
	run_free(&r);
	be_state.answer = "";
	r = run_lint(&ops_lint, true, false, NULL);
	assert_string_equal(r.out, "{\"warnings\":[]}\n");
	run_free(&r);
}

static void test_cmd_refusals(void **state)
{
	struct run r;

	(void)state;
	memset(&be_state, 0, sizeof(be_state));
	be_state.answer = "";
	/* the control group may not have bondd read a file */
	r = run_lint(&ops_lint, false, false, "/etc/shadow");
	assert_int_equal(r.rc, CTL_EXIT_REFUSED);
	assert_non_null(strstr(r.err, "bondctl: lint /etc/shadow: only root may have bondd read a file"));
	assert_int_equal(be_state.calls, 0);
	run_free(&r);
	/* bondd's directory is not the client's */
	r = run_lint(&ops_lint, false, true, "bondd.conf");
	assert_int_equal(r.rc, CTL_EXIT_REFUSED);
	assert_non_null(strstr(r.err, "the path must be absolute"));
	assert_int_equal(be_state.calls, 0);
	run_free(&r);
	/* a refused file: its errors, then the one-line refusal */
	be_state.answer = "/x.conf:3: unknown option 'miimonn' (did you mean 'miimon'?)\n";
	be_state.rc = -74;
	r = run_lint(&ops_lint, false, true, "/x.conf");
	assert_int_equal(r.rc, CTL_EXIT_REFUSED);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "/x.conf:3: unknown option 'miimonn' (did you mean 'miimon'?)\n"
			    "bondctl: /x.conf: configuration refused (the errors above)\n");
	run_free(&r);
	/* a backend without the operation */
	r = run_lint(&ops_none, false, true, NULL);
	assert_int_equal(r.rc, CTL_EXIT_REFUSED);
	assert_string_equal(r.err, "bondctl: lint: not possible with this backend\n");
	run_free(&r);
	/* two files: usage */
	{
		struct ctl_backend be = { &ops_lint, NULL };
		char *argv[] = { (char *)"lint", (char *)"/a", (char *)"/b", NULL };
		struct strbuf out, err;

		sb_init(&out);
		sb_init(&err);
		assert_int_equal(ctl_exec(&be, 3, argv, false, &out, &err), CTL_EXIT_USAGE);
		assert_string_equal(sb_str(&err), "bondctl: usage: bondctl lint [FILE]\n");
		sb_free(&out);
		sb_free(&err);
	}
	/* read-only: the control group may run it */
	assert_int_equal(ctl_cmd_read_only("lint"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_clean, setup),
		cmocka_unit_test_setup(test_no_monitor, setup),
		cmocka_unit_test_setup(test_arp_validate, setup),
		cmocka_unit_test_setup(test_gateway_hash, setup),
		cmocka_unit_test_setup(test_lacp_rate, setup),
		cmocka_unit_test_setup(test_speeds, setup),
		cmocka_unit_test_setup(test_primary, setup),
		cmocka_unit_test_setup(test_mtu, setup),
		cmocka_unit_test_setup(test_updelay, setup),
		cmocka_unit_test_setup(test_order, setup),
		cmocka_unit_test_setup(test_vlan_subnet, setup),
		cmocka_unit_test_setup(test_vlan_no_slaves, setup),
		cmocka_unit_test_setup(test_vlan_gateway_hash, setup),
		cmocka_unit_test(test_cmd_text),
		cmocka_unit_test(test_cmd_json),
		cmocka_unit_test(test_cmd_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
