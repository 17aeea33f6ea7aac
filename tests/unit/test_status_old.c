/* TRANSITIONAL: the former test_status.c, run against the old printers
 * (core/status_old.c) until the goldens replace it. */
/* status.c: the /proc/net/bonding text, byte for byte, and the JSON.
 *
 * Bonds are built directly in memory (no engine): the status printer only
 * reads the data model. The expected texts are SPEC.md section 3's VERIFIED
 * examples with concrete MACs filled in; the variants change exactly the
 * lines the SPEC names. Mode objects are local so that the test does not
 * depend on which mode files are linked: the printer only uses their name,
 * proc_text and number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bond.h"
#include "mode.h"
#include "status.h"

#ifndef BONDD_VERSION
#define BONDD_VERSION "0.0.0"
#endif

static const struct mode_ops t_rr = {
	.name = "balance-rr", .proc_text = "load balancing (round-robin)", .number = 0 };
static const struct mode_ops t_ab = {
	.name = "active-backup", .proc_text = "fault-tolerance (active-backup)", .number = 1 };
static const struct mode_ops t_xor = {
	.name = "balance-xor", .proc_text = "load balancing (xor)", .number = 2 };
static const struct mode_ops t_bcast = {
	.name = "broadcast", .proc_text = "fault-tolerance (broadcast)", .number = 3 };
static const struct mode_ops t_8023ad = {
	.name = "802.3ad", .proc_text = "IEEE 802.3ad Dynamic link aggregation", .number = 4 };
static const struct mode_ops t_tlb = {
	.name = "balance-tlb", .proc_text = "transmit load balancing", .number = 5 };
static const struct mode_ops t_alb = {
	.name = "balance-alb", .proc_text = "adaptive load balancing", .number = 6 };

#define HDR "Ethernet Channel Bonding Driver: v" BONDD_KERNEL_COMPAT \
	" (bondd " BONDD_VERSION ")\n\n"
#define MAC0 "52:54:00:a1:b2:c0"
#define MAC1 "52:54:00:a1:b2:c1"

/* The common tail of the master section with miimon=100 and no delays. */
#define MII_UP_100 \
	"MII Status: up\n" \
	"MII Polling Interval (ms): 100\n" \
	"Up Delay (ms): 0\n" \
	"Down Delay (ms): 0\n" \
	"Peer Notification Delay (ms): 0\n"

/* A slave section; queue ID 0 as in every SPEC example. */
#define SLAVE(name, mii, speed, duplex, fails, mac) \
	"\n" \
	"Slave Interface: " name "\n" \
	"MII Status: " mii "\n" \
	"Speed: " speed "\n" \
	"Duplex: " duplex "\n" \
	"Link Failure Count: " fails "\n" \
	"Permanent HW addr: " mac "\n" \
	"Slave queue ID: 0\n"
#define SLAVE0_UP SLAVE("eth0", "up", "10000 Mbps", "full", "0", MAC0)
#define SLAVE1_UP SLAVE("eth1", "up", "10000 Mbps", "full", "0", MAC1)

struct fixture {
	struct bond b;
	struct slave s[4];
};

/* A bond of mode m as SPEC section 3 reads it: eth0 then eth1 enslaved,
 * both up at 10000 Mb/s full, miimon=100, every other option at its default;
 * in the modes with an active slave eth0 is active and the rest backups (AB)
 * or all active (tlb/alb), as the kernel sets the roles. */
static void fx_init(struct fixture *f, const struct mode_ops *m, unsigned n)
{
	static const char *const names[] = { "eth0", "eth1", "eth2", "eth3" };
	struct bond *b = &f->b;

	memset(f, 0, sizeof(*f));
	snprintf(b->name, sizeof(b->name), "bond0");
	b->mode = m;
	b->params.mode = m->number;
	b->params.miimon = 100;
	b->params.use_carrier = 1;
	b->params.missed_max = 2;
	b->params.ad_actor_sys_prio = 65535;
	b->params.num_peer_notif = 1;
	b->params.resend_igmp = 1;
	b->params.packets_per_slave = 1;
	b->params.lp_interval = 1;
	b->params.tlb_dynamic_lb = 1;
	b->params.coupled_control = 1;
	b->params.lacp_active = 1;
	b->params.tx_queues = 16;
	b->admin_up = true;
	b->carrier = n > 0;

	for (unsigned i = 0; i < n; i++) {
		struct slave *s = &f->s[i];
		const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xa1, 0xb2, (uint8_t)(0xc0 + i) };

		s->bond = b;
		snprintf(s->name, sizeof(s->name), "%s", names[i]);
		memcpy(s->perm_mac, mac, 6);
		memcpy(s->cur_mac, mac, 6);
		s->os = (struct link_info){ .running = true, .carrier = true,
					    .speed = 10000, .duplex = DUPLEX_FULL };
		s->speed = 10000;
		s->duplex = DUPLEX_FULL;
		s->link = SLAVE_LINK_UP;
		s->backup = m->number == BOND_MODE_ACTIVEBACKUP && i > 0;
		s->inactive = s->backup;
		b->slaves[b->n_slaves++] = s;
	}
	if (n > 0 && bond_mode_uses_primary(m->number))
		b->active = &f->s[0];
}

/* Compares with the expected text; on a mismatch prints both texts and the
 * first differing line, which is what one needs to fix a layout bug. */
static void check_text(const char *got, const char *want)
{
	if (strcmp(got, want) != 0) {
		size_t i = 0, line = 1;

		while (got[i] && got[i] == want[i]) {
			if (got[i] == '\n')
				line++;
			i++;
		}
		print_error("status text differs at byte %zu (line %zu)\n"
			    "---- got ----\n%s---- want ----\n%s---- end ----\n",
			    i, line, got, want);
		fail();
	}
}

static void check_proc(const struct bond *b, const char *want)
{
	struct strbuf sb;

	sb_init(&sb);
	status_proc(b, true, &sb);
	assert_false(sb.oom);
	check_text(sb_str(&sb), want);
	/* Only 802.3ad has lines for privileged readers only. */
	if (b->mode->number != BOND_MODE_8023AD) {
		sb_reset(&sb);
		status_proc(b, false, &sb);
		check_text(sb_str(&sb), want);
	}
	sb_free(&sb);
}

/* ---- active-backup ------------------------------------------------------ */

static void test_ab_default(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_ab, 2);
	check_proc(&f.b,
		"Ethernet Channel Bonding Driver: v" BONDD_KERNEL_COMPAT " (bondd " BONDD_VERSION ")\n"
		"\n"
		"Bonding Mode: fault-tolerance (active-backup)\n"
		"Primary Slave: None\n"
		"Currently Active Slave: eth0\n"
		"MII Status: up\n"
		"MII Polling Interval (ms): 100\n"
		"Up Delay (ms): 0\n"
		"Down Delay (ms): 0\n"
		"Peer Notification Delay (ms): 0\n"
		"\n"
		"Slave Interface: eth0\n"
		"MII Status: up\n"
		"Speed: 10000 Mbps\n"
		"Duplex: full\n"
		"Link Failure Count: 0\n"
		"Permanent HW addr: 52:54:00:a1:b2:c0\n"
		"Slave queue ID: 0\n"
		"\n"
		"Slave Interface: eth1\n"
		"MII Status: up\n"
		"Speed: 10000 Mbps\n"
		"Duplex: full\n"
		"Link Failure Count: 0\n"
		"Permanent HW addr: 52:54:00:a1:b2:c1\n"
		"Slave queue ID: 0\n");
}

static void test_ab_primary_better(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_ab, 2);
	snprintf(f.b.params.primary, sizeof(f.b.params.primary), "eth1");
	f.b.params.primary_reselect = PRI_RESELECT_BETTER;
	f.b.active = &f.s[1];
	f.s[0].backup = true;
	f.s[1].backup = false;
	check_proc(&f.b, HDR
		"Bonding Mode: fault-tolerance (active-backup)\n"
		"Primary Slave: eth1 (primary_reselect better)\n"
		"Currently Active Slave: eth1\n"
		MII_UP_100
		SLAVE0_UP
		SLAVE1_UP);
}

/* A primary that names a device not enslaved (yet) is remembered but not in
 * effect: the kernel prints its primary_slave pointer, so "None" and no
 * primary_reselect suffix. */
static void test_ab_primary_not_enslaved(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_ab, 2);
	snprintf(f.b.params.primary, sizeof(f.b.params.primary), "eth7");
	f.b.params.primary_reselect = PRI_RESELECT_FAILURE;
	check_proc(&f.b, HDR
		"Bonding Mode: fault-tolerance (active-backup)\n"
		"Primary Slave: None\n"
		"Currently Active Slave: eth0\n"
		MII_UP_100
		SLAVE0_UP
		SLAVE1_UP);
}

static void test_ab_fail_over_mac_active(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_ab, 2);
	f.b.params.fail_over_mac = FOM_ACTIVE;
	check_proc(&f.b, HDR
		"Bonding Mode: fault-tolerance (active-backup) (fail_over_mac active)\n"
		"Primary Slave: None\n"
		"Currently Active Slave: eth0\n"
		MII_UP_100
		SLAVE0_UP
		SLAVE1_UP);
}

/* fail_over_mac is only shown in active-backup, where it has an effect. */
static void test_fail_over_mac_hidden_outside_ab(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_rr, 2);
	f.b.params.fail_over_mac = FOM_FOLLOW;
	check_proc(&f.b, HDR
		"Bonding Mode: load balancing (round-robin)\n"
		MII_UP_100
		SLAVE0_UP
		SLAVE1_UP);
}

static void test_ab_fail_over_mac_follow(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_ab, 1);
	f.b.params.fail_over_mac = FOM_FOLLOW;
	check_proc(&f.b, HDR
		"Bonding Mode: fault-tolerance (active-backup) (fail_over_mac follow)\n"
		"Primary Slave: None\n"
		"Currently Active Slave: eth0\n"
		MII_UP_100
		SLAVE0_UP);
}

/* Delays are stored as miimon ticks and shown as ticks * miimon. */
static void test_ab_delays_200(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_ab, 2);
	f.b.params.updelay = 2;
	f.b.params.downdelay = 2;
	f.b.params.peer_notif_delay = 10;
	check_proc(&f.b, HDR
		"Bonding Mode: fault-tolerance (active-backup)\n"
		"Primary Slave: None\n"
		"Currently Active Slave: eth0\n"
		"MII Status: up\n"
		"MII Polling Interval (ms): 100\n"
		"Up Delay (ms): 200\n"
		"Down Delay (ms): 200\n"
		"Peer Notification Delay (ms): 1000\n"
		SLAVE0_UP
		SLAVE1_UP);
}

static uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t bytes[4] = { a, b, c, d };
	uint32_t be;

	memcpy(&be, bytes, 4);  /* network byte order, as the params keep it */
	return be;
}

static void test_ab_arp_two_targets(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_ab, 2);
	f.b.params.miimon = 0;
	f.b.params.arp_interval = 100;
	f.b.params.arp_validate = 3;
	f.b.params.arp_targets[0] = ip4(10, 80, 0, 1);
	f.b.params.arp_targets[1] = ip4(10, 80, 0, 3);
	f.b.params.n_arp_targets = 2;
	check_proc(&f.b, HDR
		"Bonding Mode: fault-tolerance (active-backup)\n"
		"Primary Slave: None\n"
		"Currently Active Slave: eth0\n"
		"MII Status: up\n"
		"MII Polling Interval (ms): 0\n"
		"Up Delay (ms): 0\n"
		"Down Delay (ms): 0\n"
		"Peer Notification Delay (ms): 0\n"
		"ARP Polling Interval (ms): 100\n"
		"ARP Missed Max: 2\n"
		"ARP IP target/s (n.n.n.n form): 10.80.0.1, 10.80.0.3\n"
		"NS IPv6 target/s (xx::xx form):\n"
		SLAVE0_UP
		SLAVE1_UP);
}

/* No target at all: both target lines end right after the colon. */
static void test_arp_no_targets(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_xor, 1);
	f.b.params.miimon = 0;
	f.b.params.arp_interval = 250;
	f.b.params.missed_max = 5;
	check_proc(&f.b, HDR
		"Bonding Mode: load balancing (xor)\n"
		"Transmit Hash Policy: layer2 (0)\n"
		"MII Status: up\n"
		"MII Polling Interval (ms): 0\n"
		"Up Delay (ms): 0\n"
		"Down Delay (ms): 0\n"
		"Peer Notification Delay (ms): 0\n"
		"ARP Polling Interval (ms): 250\n"
		"ARP Missed Max: 5\n"
		"ARP IP target/s (n.n.n.n form):\n"
		"NS IPv6 target/s (xx::xx form):\n"
		SLAVE0_UP);
}

static void set_ip6(struct bond_params *p, unsigned i, const uint16_t w[8])
{
	for (unsigned k = 0; k < 8; k++) {
		p->ns_targets[i][2 * k] = (uint8_t)(w[k] >> 8);
		p->ns_targets[i][2 * k + 1] = (uint8_t)w[k];
	}
	if (p->n_ns_targets < i + 1)
		p->n_ns_targets = i + 1;
}

/* %pI6c: the kernel's compressed form. Covers the first of two equal zero
 * runs, a single zero never compressed, a trailing run, v4-mapped and ISATAP
 * with a dotted tail, v4-compatible without one (where glibc's inet_ntop
 * would differ). */
static void test_ns_targets_ipv6_forms(void **state)
{
	static const uint16_t t[][8] = {
		{ 0x2022, 0, 0, 0, 0, 0, 0, 1 },
		{ 0x2001, 0xdb8, 0, 1, 1, 1, 1, 1 },
		{ 0x2001, 0, 0, 1, 0, 0, 1, 1 },
		{ 1, 0, 0, 0, 0, 0, 0, 0 },
		{ 0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001 },
		{ 0xfe80, 0, 0, 0, 0, 0x5efe, 0x0a00, 0x0001 },
		{ 0xfe80, 0, 0, 0, 0x200, 0x5efe, 0xc000, 0x0201 },
		{ 0, 0, 0, 0, 0, 0, 0x0a00, 0x0001 },
		{ 0, 0, 0, 0, 0, 0, 0, 1 },
		{ 0xfe80, 0xabcd, 0x12, 0, 0, 0, 0, 0xf },
		{ 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff },
	};
	struct fixture f;

	(void)state;
	fx_init(&f, &t_ab, 0);
	f.b.params.miimon = 0;
	f.b.params.arp_interval = 1000;
	f.b.params.arp_targets[0] = ip4(192, 168, 1, 254);
	f.b.params.n_arp_targets = 1;
	for (unsigned i = 0; i < ARRAY_SIZE(t); i++)
		set_ip6(&f.b.params, i, t[i]);
	check_proc(&f.b, HDR
		"Bonding Mode: fault-tolerance (active-backup)\n"
		"Primary Slave: None\n"
		"Currently Active Slave: None\n"
		"MII Status: down\n"
		"MII Polling Interval (ms): 0\n"
		"Up Delay (ms): 0\n"
		"Down Delay (ms): 0\n"
		"Peer Notification Delay (ms): 0\n"
		"ARP Polling Interval (ms): 1000\n"
		"ARP Missed Max: 2\n"
		"ARP IP target/s (n.n.n.n form): 192.168.1.254\n"
		"NS IPv6 target/s (xx::xx form): 2022::1, 2001:db8:0:1:1:1:1:1, "
		"2001::1:0:0:1:1, 1::, ::ffff:10.0.0.1, fe80::5efe:10.0.0.1, "
		"fe80::200:5efe:192.0.2.1, ::a00:1, ::1, fe80:abcd:12::f, "
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\n");
}

/* Failover: the link-down slave keeps its last speed/duplex. */
static void test_ab_after_failover(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_ab, 2);
	f.s[0].link = SLAVE_LINK_DOWN;
	f.s[0].os.carrier = false;
	f.s[0].link_failure_count = 1;
	f.s[0].backup = true;
	f.s[1].backup = false;
	f.b.active = &f.s[1];
	check_proc(&f.b, HDR
		"Bonding Mode: fault-tolerance (active-backup)\n"
		"Primary Slave: None\n"
		"Currently Active Slave: eth1\n"
		MII_UP_100
		SLAVE("eth0", "down", "10000 Mbps", "full", "1", MAC0)
		SLAVE1_UP);
}

/* The two transitional states of the MII monitor. */
static void test_ab_going_down_going_back(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_ab, 2);
	f.b.params.updelay = 2;
	f.b.params.downdelay = 2;
	f.s[0].link = SLAVE_LINK_FAIL;
	f.s[0].delay = 1;
	f.s[1].link = SLAVE_LINK_BACK;
	f.s[1].delay = 2;
	f.s[1].link_failure_count = 3;
	check_proc(&f.b, HDR
		"Bonding Mode: fault-tolerance (active-backup)\n"
		"Primary Slave: None\n"
		"Currently Active Slave: eth0\n"
		"MII Status: up\n"
		"MII Polling Interval (ms): 100\n"
		"Up Delay (ms): 200\n"
		"Down Delay (ms): 200\n"
		"Peer Notification Delay (ms): 0\n"
		SLAVE("eth0", "going down", "10000 Mbps", "full", "0", MAC0)
		SLAVE("eth1", "going back", "10000 Mbps", "full", "3", MAC1));
}

static void test_unknown_speed_duplex(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_rr, 3);
	f.s[0].speed = SPEED_UNKNOWN;
	f.s[0].duplex = DUPLEX_UNKNOWN;
	f.s[1].speed = 100;
	f.s[1].duplex = DUPLEX_HALF;
	f.s[2].speed = 0;
	f.s[2].queue_id = 3;
	check_proc(&f.b, HDR
		"Bonding Mode: load balancing (round-robin)\n"
		MII_UP_100
		SLAVE("eth0", "up", "Unknown", "Unknown", "0", MAC0)
		SLAVE("eth1", "up", "100 Mbps", "half", "0", MAC1)
		"\n"
		"Slave Interface: eth2\n"
		"MII Status: up\n"
		"Speed: 0 Mbps\n"
		"Duplex: full\n"
		"Link Failure Count: 0\n"
		"Permanent HW addr: 52:54:00:a1:b2:c2\n"
		"Slave queue ID: 3\n");
}

static void test_ab_no_slaves(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_ab, 0);
	check_proc(&f.b, HDR
		"Bonding Mode: fault-tolerance (active-backup)\n"
		"Primary Slave: None\n"
		"Currently Active Slave: None\n"
		"MII Status: down\n"
		"MII Polling Interval (ms): 100\n"
		"Up Delay (ms): 0\n"
		"Down Delay (ms): 0\n"
		"Peer Notification Delay (ms): 0\n");
}

static void test_rr_no_slaves_no_monitor(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_rr, 0);
	f.b.params.miimon = 0;
	check_proc(&f.b, HDR
		"Bonding Mode: load balancing (round-robin)\n"
		"MII Status: down\n"
		"MII Polling Interval (ms): 0\n"
		"Up Delay (ms): 0\n"
		"Down Delay (ms): 0\n"
		"Peer Notification Delay (ms): 0\n");
}

/* Every slave down: bond carrier off. */
static void test_carrier_down(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_rr, 2);
	f.b.carrier = false;
	for (unsigned i = 0; i < 2; i++) {
		f.s[i].link = SLAVE_LINK_DOWN;
		f.s[i].os.carrier = false;
		f.s[i].link_failure_count = 1;
	}
	check_proc(&f.b, HDR
		"Bonding Mode: load balancing (round-robin)\n"
		"MII Status: down\n"
		"MII Polling Interval (ms): 100\n"
		"Up Delay (ms): 0\n"
		"Down Delay (ms): 0\n"
		"Peer Notification Delay (ms): 0\n"
		SLAVE("eth0", "down", "10000 Mbps", "full", "1", MAC0)
		SLAVE("eth1", "down", "10000 Mbps", "full", "1", MAC1));
}

/* ---- load-balancing modes ----------------------------------------------- */

static void test_xor_layer34(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_xor, 2);
	f.b.params.xmit_policy = 1;
	check_proc(&f.b,
		"Ethernet Channel Bonding Driver: v" BONDD_KERNEL_COMPAT " (bondd " BONDD_VERSION ")\n"
		"\n"
		"Bonding Mode: load balancing (xor)\n"
		"Transmit Hash Policy: layer3+4 (1)\n"
		"MII Status: up\n"
		"MII Polling Interval (ms): 100\n"
		"Up Delay (ms): 0\n"
		"Down Delay (ms): 0\n"
		"Peer Notification Delay (ms): 0\n"
		"\n"
		"Slave Interface: eth0\n"
		"MII Status: up\n"
		"Speed: 10000 Mbps\n"
		"Duplex: full\n"
		"Link Failure Count: 0\n"
		"Permanent HW addr: 52:54:00:a1:b2:c0\n"
		"Slave queue ID: 0\n"
		"\n"
		"Slave Interface: eth1\n"
		"MII Status: up\n"
		"Speed: 10000 Mbps\n"
		"Duplex: full\n"
		"Link Failure Count: 0\n"
		"Permanent HW addr: 52:54:00:a1:b2:c1\n"
		"Slave queue ID: 0\n");
}

static void test_xor_every_hash_name(void **state)
{
	static const char *const want[] = {
		"layer2 (0)", "layer3+4 (1)", "layer2+3 (2)", "encap2+3 (3)",
		"encap3+4 (4)", "vlan+srcmac (5)",
	};
	struct fixture f;
	struct strbuf sb;
	char line[64];

	(void)state;
	fx_init(&f, &t_xor, 0);
	sb_init(&sb);
	for (unsigned i = 0; i < ARRAY_SIZE(want); i++) {
		f.b.params.xmit_policy = i;
		sb_reset(&sb);
		status_proc(&f.b, true, &sb);
		snprintf(line, sizeof(line), "\nTransmit Hash Policy: %s\n", want[i]);
		assert_non_null(strstr(sb_str(&sb), line));
	}
	sb_free(&sb);
}

static void test_rr(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_rr, 2);
	f.b.params.xmit_policy = 1;     /* set but unused in rr: no line */
	check_proc(&f.b, HDR
		"Bonding Mode: load balancing (round-robin)\n"
		MII_UP_100
		SLAVE0_UP
		SLAVE1_UP);
}

static void test_broadcast(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_bcast, 2);
	check_proc(&f.b, HDR
		"Bonding Mode: fault-tolerance (broadcast)\n"
		MII_UP_100
		SLAVE0_UP
		SLAVE1_UP);
}

static void test_tlb_dynamic_lb_0(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_tlb, 2);
	f.b.params.tlb_dynamic_lb = 0;
	check_proc(&f.b,
		"Ethernet Channel Bonding Driver: v" BONDD_KERNEL_COMPAT " (bondd " BONDD_VERSION ")\n"
		"\n"
		"Bonding Mode: transmit load balancing\n"
		"Transmit Hash Policy: layer2 (0)\n"
		"Primary Slave: None\n"
		"Currently Active Slave: eth0\n"
		"MII Status: up\n"
		"MII Polling Interval (ms): 100\n"
		"Up Delay (ms): 0\n"
		"Down Delay (ms): 0\n"
		"Peer Notification Delay (ms): 0\n"
		"\n"
		"Slave Interface: eth0\n"
		"MII Status: up\n"
		"Speed: 10000 Mbps\n"
		"Duplex: full\n"
		"Link Failure Count: 0\n"
		"Permanent HW addr: 52:54:00:a1:b2:c0\n"
		"Slave queue ID: 0\n"
		"\n"
		"Slave Interface: eth1\n"
		"MII Status: up\n"
		"Speed: 10000 Mbps\n"
		"Duplex: full\n"
		"Link Failure Count: 0\n"
		"Permanent HW addr: 52:54:00:a1:b2:c1\n"
		"Slave queue ID: 0\n");
}

static void test_tlb_dynamic_lb_1(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_tlb, 2);
	check_proc(&f.b, HDR
		"Bonding Mode: transmit load balancing\n"
		"Primary Slave: None\n"
		"Currently Active Slave: eth0\n"
		MII_UP_100
		SLAVE0_UP
		SLAVE1_UP);
}

static void test_alb(void **state)
{
	struct fixture f;

	(void)state;
	fx_init(&f, &t_alb, 2);
	snprintf(f.b.params.primary, sizeof(f.b.params.primary), "eth0");
	check_proc(&f.b, HDR
		"Bonding Mode: adaptive load balancing\n"
		"Primary Slave: eth0 (primary_reselect always)\n"
		"Currently Active Slave: eth0\n"
		MII_UP_100
		SLAVE0_UP
		SLAVE1_UP);
}

/* 802.3ad: the shared lines (hash policy, no primary lines) and each slave's
 * common lines come from here; the "802.3ad info" block and the per-port
 * lines come from the mode's status hook, so only the shared prefix and the
 * presence of the slave sections are checked. */
static void test_8023ad_shared_part(void **state)
{
	struct fixture f;
	struct strbuf sb;
	const char *want_prefix = HDR
		"Bonding Mode: IEEE 802.3ad Dynamic link aggregation\n"
		"Transmit Hash Policy: layer2 (0)\n"
		MII_UP_100;

	(void)state;
	fx_init(&f, &t_8023ad, 2);
	sb_init(&sb);
	status_proc(&f.b, true, &sb);
	assert_int_equal(strncmp(sb_str(&sb), want_prefix, strlen(want_prefix)), 0);
	assert_non_null(strstr(sb_str(&sb),
		"\nSlave Interface: eth0\nMII Status: up\nSpeed: 10000 Mbps\n"
		"Duplex: full\nLink Failure Count: 0\n"
		"Permanent HW addr: " MAC0 "\nSlave queue ID: 0\n"));
	assert_non_null(strstr(sb_str(&sb), "\nSlave Interface: eth1\n"));
	assert_null(strstr(sb_str(&sb), "Primary Slave"));
	sb_free(&sb);
}

/* ---- JSON ----------------------------------------------------------------- */

static void test_json(void **state)
{
	struct fixture f;
	struct strbuf sb;
	const char *s, *opts, *slaves;
	const char *want_head =
		"{\"name\":\"bond0\",\"mode\":{\"name\":\"active-backup\",\"number\":1},"
		"\"mii_status\":\"up\",\"carrier\":true,\"active_slave\":\"eth1\","
		"\"primary\":\"eth1\",\"xmit_hash_policy\":null,\"options\":{";
	const char *want_slaves =
		"},\"slaves\":["
		"{\"name\":\"eth0\",\"mii_status\":\"down\",\"state\":\"backup\","
		"\"link_failure_count\":1,\"speed\":null,\"duplex\":\"unknown\","
		"\"perm_hwaddr\":\"52:54:00:a1:b2:c0\",\"mac\":\"02:00:00:00:00:01\","
		"\"queue_id\":0,\"prio\":-5,\"tx_packets\":10,\"rx_packets\":20,"
		"\"tx_bytes\":1000,\"rx_bytes\":18446744073709551615},"
		"{\"name\":\"eth1\",\"mii_status\":\"up\",\"state\":\"active\","
		"\"link_failure_count\":0,\"speed\":10000,\"duplex\":\"full\","
		"\"perm_hwaddr\":\"52:54:00:a1:b2:c1\",\"mac\":\"52:54:00:a1:b2:c1\","
		"\"queue_id\":2,\"prio\":0,\"tx_packets\":0,\"rx_packets\":0,"
		"\"tx_bytes\":0,\"rx_bytes\":0}"
		"]}";

	(void)state;
	fx_init(&f, &t_ab, 2);
	snprintf(f.b.params.primary, sizeof(f.b.params.primary), "eth1");
	f.b.active = &f.s[1];
	f.s[0].backup = true;
	f.s[1].backup = false;
	f.s[0].link = SLAVE_LINK_DOWN;
	f.s[0].link_failure_count = 1;
	f.s[0].speed = SPEED_UNKNOWN;
	f.s[0].duplex = DUPLEX_UNKNOWN;
	memcpy(f.s[0].cur_mac, (const uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, 6);
	f.s[0].prio = -5;
	f.s[0].stats = (struct slave_stats){ .tx_packets = 10, .rx_packets = 20,
					     .tx_bytes = 1000, .rx_bytes = UINT64_MAX };
	f.s[1].queue_id = 2;

	sb_init(&sb);
	status_json(&f.b, &sb);
	assert_false(sb.oom);
	s = sb_str(&sb);
	assert_int_equal(strncmp(s, want_head, strlen(want_head)), 0);
	opts = s + strlen(want_head) - 1;
	slaves = strstr(opts, "},\"slaves\":[");
	assert_non_null(slaves);
	check_text(slaves, want_slaves);
	/* The options object reads the option table: spot-check two values in
	 * their sysfs form. */
	assert_non_null(strstr(opts, "\"mode\":\"active-backup 1\""));
	assert_non_null(strstr(opts, "\"miimon\":\"100\""));
	assert_non_null(strstr(opts, "\"primary\":\"eth1\""));
	sb_free(&sb);
}

static void test_json_xor_escaped_name(void **state)
{
	struct fixture f;
	struct strbuf sb;
	const char *want_head =
		"{\"name\":\"b\\\"x\",\"mode\":{\"name\":\"balance-xor\",\"number\":2},"
		"\"mii_status\":\"down\",\"carrier\":false,\"active_slave\":null,"
		"\"primary\":null,\"xmit_hash_policy\":\"encap3+4\",\"options\":{";

	(void)state;
	fx_init(&f, &t_xor, 0);
	snprintf(f.b.name, sizeof(f.b.name), "b\"x");
	f.b.params.xmit_policy = 4;
	sb_init(&sb);
	status_json(&f.b, &sb);
	assert_int_equal(strncmp(sb_str(&sb), want_head, strlen(want_head)), 0);
	assert_non_null(strstr(sb_str(&sb), "},\"slaves\":[]}"));
	assert_string_equal(sb_str(&sb) + sb.len - strlen("\"slaves\":[]}"),
			    "\"slaves\":[]}");
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ab_default),
		cmocka_unit_test(test_ab_primary_better),
		cmocka_unit_test(test_ab_primary_not_enslaved),
		cmocka_unit_test(test_ab_fail_over_mac_active),
		cmocka_unit_test(test_ab_fail_over_mac_follow),
		cmocka_unit_test(test_fail_over_mac_hidden_outside_ab),
		cmocka_unit_test(test_ab_delays_200),
		cmocka_unit_test(test_ab_arp_two_targets),
		cmocka_unit_test(test_arp_no_targets),
		cmocka_unit_test(test_ns_targets_ipv6_forms),
		cmocka_unit_test(test_ab_after_failover),
		cmocka_unit_test(test_ab_going_down_going_back),
		cmocka_unit_test(test_unknown_speed_duplex),
		cmocka_unit_test(test_ab_no_slaves),
		cmocka_unit_test(test_rr_no_slaves_no_monitor),
		cmocka_unit_test(test_carrier_down),
		cmocka_unit_test(test_xor_layer34),
		cmocka_unit_test(test_xor_every_hash_name),
		cmocka_unit_test(test_rr),
		cmocka_unit_test(test_broadcast),
		cmocka_unit_test(test_tlb_dynamic_lb_0),
		cmocka_unit_test(test_tlb_dynamic_lb_1),
		cmocka_unit_test(test_alb),
		cmocka_unit_test(test_8023ad_shared_part),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_xor_escaped_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
