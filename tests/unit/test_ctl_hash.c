/* `bondctl hash` (src/ctl/cmd_hash.c) over a bare engine: the
 * slave each mode would pick for a described frame, and the text and JSON
 * that say why. The fake backend is the one test_ctl_cmd.c uses (fake
 * interfaces eth0..eth3, link up, MAC 02:00:00:00:00:0N). Hash values come
 * from test_hash.c, where they are worked out by hand. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/engine.h"
#include "core/opt.h"
#include "ctl/ctl_cmd.h"
#include "ctl/ctl_proto.h"

#include "ctl_standin.h"

/* ---- tests ------------------------------------------------------------------------ */

/* 192.0.2.10:1234 -> 198.51.100.20:80 between the MACs of test_hash.c:
 * layer3+4 0x271464e5 (odd: index 1 of 2), layer2+3 0x1e7843fe (even),
 * layer2 0x08bb (odd). */
#define FLOW "smac 00:aa:bb:cc:dd:ee dmac 00:11:22:33:44:55 src 192.0.2.10 " \
	"dst 198.51.100.20 proto tcp sport 1234 dport 80"

static void make_bond(const char *opts)
{
	char line[256];

	snprintf(line, sizeof(line), "create bond0 %s", opts);
	assert_int_equal(run(false, line), 0);
	assert_int_equal(run(false, "enslave bond0 eth0 eth1"), 0);
}

static void test_xor_text(void **state)
{
	make_bond("mode balance-xor xmit_hash_policy layer3+4");
	assert_int_equal(run(false, "hash bond0 " FLOW), 0);
	assert_string_equal(out(),
		"mode: balance-xor (2)\n"
		"policy: layer3+4 (1)\n"
		"frame: IPv4 TCP 192.0.2.10:1234 -> 198.51.100.20:80\n"
		"macs: 00:aa:bb:cc:dd:ee -> 00:11:22:33:44:55\n"
		"hash: 0x271464e5 (655647973)\n"
		"how: ports 0x5000d204 ^ saddr 0x0a0200c0 ^ daddr 0x146433c6: "
		"start value ^ saddr ^ daddr, folded >>16 >>8, then >>1\n"
		"usable slaves: 2 (eth0 eth1)\n"
		"slave: eth1 (index 1 = hash % 2)\n"
		"why: balance-xor: usable[hash % 2]\n");

	assert_int_equal(run(false, "set bond0 xmit_hash_policy layer2+3"), 0);
	assert_int_equal(run(false, "hash bond0 " FLOW), 0);
	assert_non_null(strstr(out(), "hash: 0x1e7843fe (511198206)\n"));
	assert_non_null(strstr(out(), "slave: eth0 (index 0 = hash % 2)\n"));

	/* ARP under layer2+3: the layer2 formula, and why */
	assert_int_equal(run(false, "hash bond0 ethertype arp src 192.0.2.1 dst 192.0.2.2"), 0);
	assert_non_null(strstr(out(), "frame: ARP who-has 192.0.2.2 tell 192.0.2.1\n"));
	assert_non_null(strstr(out(), "how: not IPv4/IPv6 (outer type field): layer2 "
			       "formula: 0x01 ^ 0x30 ^ 0x0806\n"));
	/* dmac default ...:01, smac the bond's ...:30: 0x01 ^ 0x30 ^ 0x0806 = 0x0837 */
	assert_non_null(strstr(out(), "hash: 0x00000837 (2103)\n"));
}

static void test_defaults_named(void **state)
{
	make_bond("mode balance-xor");
	assert_int_equal(run(false, "hash bond0 src 192.0.2.1 dst 192.0.2.2"), 0);
	/* the bond took eth0's MAC, 02:00:00:00:00:30 ('0' = 0x30) */
	assert_non_null(strstr(out(), "macs: 02:00:00:00:00:30 -> 02:00:00:00:00:01 "
			       "(source: the bond's MAC, by default; destination: "
			       "the default)\n"));
	/* layer2: 0x01 ^ 0x30 ^ 0x0800 = 0x0831 */
	assert_non_null(strstr(out(), "policy: layer2 (0)\n"));
	assert_non_null(strstr(out(), "hash: 0x00000831 (2097)\n"));
	assert_non_null(strstr(out(), "slave: eth1 (index 1 = hash % 2)\n"));
}

static void test_json(void **state)
{
	make_bond("mode balance-xor xmit_hash_policy layer3+4");
	assert_int_equal(run(true, "hash bond0 " FLOW), 0);
	assert_string_equal(out(),
		"{\"bond\":\"bond0\",\"mode\":\"balance-xor\",\"mode_id\":2,"
		"\"policy\":\"layer3+4\",\"policy_id\":1,"
		"\"frame\":\"IPv4 TCP 192.0.2.10:1234 -> 198.51.100.20:80\",\"frame_len\":54,"
		"\"smac\":\"00:aa:bb:cc:dd:ee\",\"smac_default\":false,"
		"\"dmac\":\"00:11:22:33:44:55\",\"dmac_default\":false,\"hashed\":true,"
		"\"hash\":655647973,\"hash_hex\":\"0x271464e5\",\"how\":\"ports 0x5000d204 ^ "
		"saddr 0x0a0200c0 ^ daddr 0x146433c6: start value ^ saddr ^ daddr, folded "
		">>16 >>8, then >>1\",\"set\":[\"eth0\",\"eth1\"],\"set_label\":\"usable slaves\","
		"\"index\":1,\"slave\":\"eth1\",\"by_load\":false,"
		"\"reason\":\"balance-xor: usable[hash % 2]\"}\n");
}

static void test_modes_without_hash(void **state)
{
	make_bond("mode active-backup");
	assert_int_equal(run(false, "hash bond0 " FLOW), 0);
	assert_null(strstr(out(), "hash:"));
	assert_non_null(strstr(out(), "slave: eth0\n"));
	assert_non_null(strstr(out(), "why: active-backup: every frame leaves on the "
			       "active slave eth0\n"));
	assert_int_equal(run(true, "hash bond0 " FLOW), 0);
	assert_non_null(strstr(out(), "\"hashed\":false,\"hash\":null"));
	assert_non_null(strstr(out(), "\"slave\":\"eth0\""));
	assert_int_equal(run(false, "delete bond0"), 0);

	make_bond("mode broadcast");
	assert_int_equal(run(false, "hash bond0 " FLOW), 0);
	assert_non_null(strstr(out(), "slaves up: 2 (eth0 eth1)\n"));
	assert_non_null(strstr(out(), "slave: all of them\n"));
	assert_non_null(strstr(out(), "why: broadcast: every frame is copied"));
	assert_int_equal(run(false, "delete bond0"), 0);

	make_bond("mode balance-rr");
	assert_int_equal(run(false, "hash bond0 " FLOW), 0);
	assert_non_null(strstr(out(), "why: balance-rr: frames take the slaves in turn "
			       "(packets_per_slave=1)"));
	assert_non_null(strstr(out(), "slave: eth"));
}

/* 802.3ad with broadcast_neighbor: ARP and NS/NA are not hashed. No LACP
 * partner here, so no port is usable; test_lacp.c has the aggregated case. */
static void test_broadcast_neighbor(void **state)
{
	make_bond("mode 802.3ad broadcast_neighbor 1");
	assert_int_equal(run(false, "hash bond0 ethertype arp src 192.0.2.1 dst 192.0.2.2"), 0);
	assert_null(strstr(out(), "hash:"));
	assert_non_null(strstr(out(), "usable slaves: 0 ()\n"));
	assert_non_null(strstr(out(), "slave: none\n"));
	assert_non_null(strstr(out(), "why: 802.3ad: broadcast_neighbor 1: ARP frames go to "
			       "every port of the active aggregator, and none is usable"));
	assert_int_equal(run(true, "hash bond0 ethertype arp src 192.0.2.1 dst 192.0.2.2"), 0);
	assert_non_null(strstr(out(), "\"hashed\":false,\"hash\":null"));
	/* a frame that is not a neighbour frame is hashed as before */
	assert_int_equal(run(false, "hash bond0 " FLOW), 0);
	assert_non_null(strstr(out(), "policy: layer2 (0)\n"));
	assert_non_null(strstr(out(), "why: 802.3ad: no usable slave"));
	/* off: ARP hashes too */
	assert_int_equal(run(false, "set bond0 broadcast_neighbor 0"), 0);
	assert_int_equal(run(false, "hash bond0 ethertype arp src 192.0.2.1 dst 192.0.2.2"), 0);
	assert_non_null(strstr(out(), "hash: 0x"));
}

static void test_no_usable_slave(void **state)
{
	assert_int_equal(run(false, "create bond0 mode balance-xor"), 0);
	assert_int_equal(run(false, "hash bond0 " FLOW), 0);
	assert_non_null(strstr(out(), "usable slaves: 0 ()\n"));
	assert_non_null(strstr(out(), "slave: none\n"));
	assert_non_null(strstr(out(), "no usable slave: the frame would be dropped"));
}

static void test_errors(void **state)
{
	assert_int_equal(run(false, "hash"), CTL_EXIT_USAGE);
	assert_int_equal(run(false, "hash bond9 src 192.0.2.1 dst 192.0.2.2"),
			 CTL_EXIT_REFUSED);
	assert_string_equal(errs(), "bondctl: bond9: no such bond\n");
	make_bond("mode balance-xor");
	assert_int_equal(run(false, "hash bond0 src 192.0.2.1 dst 192.0.2.2 colour red"),
			 CTL_EXIT_USAGE);
	assert_non_null(strstr(errs(), "bondctl: hash: unknown word 'colour'"));
	assert_int_equal(run(false, "hash bond0"), CTL_EXIT_USAGE);
	assert_non_null(strstr(errs(), "bondctl: hash: describe the frame"));
	assert_string_equal(out(), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_xor_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modes_without_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broadcast_neighbor, setup, teardown),
cmocka_unit_test_setup_teardown(test_no_usable_slave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
