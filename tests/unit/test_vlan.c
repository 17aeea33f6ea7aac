/* VLAN sub-interfaces in the engine (engine.h bond_vlan_*, bond_xmit_vlan):
 * the per-bond table, the transmit hash of a VLAN device's frames (the
 * tag out of band, hash.h xmit_hash_vlan) in every mode that hashes, and
 * the frames the engine makes itself for the VLANs (peer notification,
 * ARP/NS monitor probes, alb learning packets, multicast reports), checked
 * byte by byte under the harness's virtual clock. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "engine_harness.h"
#include "core/actions.h"
#include "core/hash.h"
#include "core/mode.h"

static struct harness H;

static int setup(void **state)
{
	h_init(&H);
	return 0;
}

static int teardown(void **state)
{
	h_fini(&H);
	return 0;
}

/* 192.0.2.x and 198.51.100.x in network order */
static uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	uint32_t v;
	uint8_t p[4] = { a, b, c, d };

	memcpy(&v, p, 4);
	return v;
}

/* ---- the table ---------------------------------------------------------- */

static void test_table_add_del(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode active-backup miimon 100");
	struct err err = { 0 };
	uint32_t a = ip4(198, 51, 100, 1);
	uint8_t plen = 24;

	assert_int_equal(bond_vlan_count(b), 0);
	assert_null(bond_vlan_at(b, 0));
	/* VID range: 0 and 4095 are reserved, as for `ip link add ... type vlan` */
	assert_int_equal(bond_vlan_add(b, 0, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "out of range"));
	assert_int_equal(bond_vlan_add(b, 4095, &err), -EINVAL);
	assert_int_equal(bond_vlan_count(b), 0);
	assert_int_equal(bond_vlan_add(b, 100, &err), 0);
	assert_int_equal(bond_vlan_add(b, 4094, &err), 0);
	assert_int_equal(bond_vlan_add(b, 1, &err), 0);
	assert_int_equal(bond_vlan_add(b, 100, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "VLAN 100 already exists"));
	/* in the order added */
	assert_int_equal(bond_vlan_count(b), 3);
	assert_int_equal(bond_vlan_at(b, 0)->vid, 100);
	assert_int_equal(bond_vlan_at(b, 1)->vid, 4094);
	assert_int_equal(bond_vlan_at(b, 2)->vid, 1);
	assert_null(bond_vlan_at(b, 3));

	/* addresses: only on a VLAN that exists */
	assert_int_equal(bond_vlan_set_addrs(b, 200, &a, &plen, 1, NULL, 0), -ENOENT);
	assert_int_equal(bond_vlan_set_addrs(b, 4094, &a, &plen, 1, NULL, 0), 0);
	assert_int_equal(bond_vlan_find(b, 4094)->n_ipv4, 1);
	assert_int_equal(bond_vlan_find(b, 4094)->ipv4[0], a);
	assert_int_equal(bond_vlan_find(b, 4094)->ipv4_prefix[0], 24);
	assert_int_equal(bond_vlan_find(b, 100)->n_ipv4, 0);

	/* delete keeps the others, in order, with their addresses */
	assert_false(bond_vlan_del(b, 200));
	assert_true(bond_vlan_del(b, 100));
	assert_false(bond_vlan_del(b, 100));
	assert_int_equal(bond_vlan_count(b), 2);
	assert_int_equal(bond_vlan_at(b, 0)->vid, 4094);
	assert_int_equal(bond_vlan_at(b, 0)->ipv4[0], a);
	assert_int_equal(bond_vlan_at(b, 1)->vid, 1);
	assert_null(bond_vlan_find(b, 100));
}

static void test_table_full(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode active-backup miimon 100");
	struct err err = { 0 };

	for (unsigned v = 1; v <= BOND_MAX_VLANS; v++)
		assert_int_equal(bond_vlan_add(b, (uint16_t)v, &err), 0);
	assert_int_equal(bond_vlan_count(b), BOND_MAX_VLANS);
	assert_int_equal(bond_vlan_add(b, 1000, &err), -ENOSPC);
	assert_non_null(strstr(err.msg, "too many VLANs"));
	assert_int_equal(bond_vlan_count(b), BOND_MAX_VLANS);
	assert_null(bond_vlan_find(b, 1000));
	/* the last added is still found after the array grew */
	assert_non_null(bond_vlan_find(b, BOND_MAX_VLANS));
	assert_true(bond_vlan_del(b, 1));
	assert_int_equal(bond_vlan_add(b, 1000, &err), 0);
}

/* ---- transmit hash ------------------------------------------------------ */

/* A VLAN 10 frame as the VLAN TAP gives it, tag inline: UDP 192.0.2.1:sport
 * -> 192.0.2.10:80, 64 bytes. */
static size_t vlan_udp_frame(uint8_t *f, uint16_t sport, uint16_t tci)
{
	uint8_t plain[60];

	h_udp_frame(plain, sport);
	memcpy(f, plain, 12);
	f[12] = 0x81;
	f[13] = 0x00;
	f[14] = (uint8_t)(tci >> 8);
	f[15] = (uint8_t)tci;
	memcpy(f + 16, plain + 12, 48);
	return 64;
}

/* Which slave each of 64 flows takes, bond_xmit_vlan against the slave
 * index the out-of-band rule gives: usable[xmit_hash_vlan % n]. The
 * in-band rule gives every one of these frames the same hash (layer2 of
 * type 0x8100), so the flows spreading over both slaves also shows that
 * the out-of-band rule ran. */
static void check_vlan_placement(struct bond *b, uint32_t policy)
{
	unsigned per_slave[2] = { 0 };

	assert_int_equal(b->n_usable, 2);
	for (uint16_t sp = 1000; sp < 1064; sp++) {
		uint8_t f[64];
		size_t len = vlan_udp_frame(f, sp, 10);
		unsigned from = H.ntx;
		uint32_t h = xmit_hash_vlan(policy, f, len);
		struct slave *want = b->usable[h % 2];

		bond_xmit_vlan(b, f, len, NULL, H.now);
		assert_int_equal(H.ntx, from + 1);
		assert_ptr_equal(H.tx[from].s, want);
		/* the frame leaves with its tag, unchanged (tlb writes the
		 * slave's own MAC as source on a slave that is not active) */
		assert_int_equal(H.tx[from].len, len);
		assert_memory_equal(H.tx[from].frame, f, 6);
		assert_memory_equal(H.tx[from].frame + 12, f + 12, len - 12);
		per_slave[want == b->usable[1]]++;
		/* the flag does not outlive the call */
		assert_false(b->xmit_oob_tag);
	}
	assert_true(per_slave[0] > 0 && per_slave[1] > 0);
}

static void test_xor_l34_vlan_frames(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-xor miimon 100 "
				"xmit_hash_policy layer3+4");

	h_enslave(&H, b, "eth0", 1);
	h_enslave(&H, b, "eth1", 2);
	check_vlan_placement(b, XMIT_LAYER34);
}

static void test_tlb_static_vlan_frames(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-tlb miimon 100 "
				"tlb_dynamic_lb 0 xmit_hash_policy layer3+4");

	h_enslave(&H, b, "eth0", 1);
	h_enslave(&H, b, "eth1", 2);
	check_vlan_placement(b, XMIT_LAYER34);
}

/* vlan+srcmac: one source MAC, so only the VID can spread the VLANs. */
static void test_srcmac_spreads_vlans(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-xor miimon 100 "
				"xmit_hash_policy vlan+srcmac");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	uint8_t f[64];
	/* src 02:00:00:00:00:01: vendor 0x020000 ^ dev 0x000001 = 0x020001;
	 * VID 10: 0x02000b, even -> usable[1] (eth1); VID 11: 0x02000a -> eth0 */
	size_t len = vlan_udp_frame(f, 1000, 10);
	unsigned from = H.ntx;

	bond_xmit_vlan(b, f, len, NULL, H.now);
	len = vlan_udp_frame(f, 1000, 11);
	bond_xmit_vlan(b, f, len, NULL, H.now);
	assert_int_equal(H.ntx, from + 2);
	assert_ptr_equal(H.tx[from].s, e1);
	assert_ptr_equal(H.tx[from + 1].s, e0);
	/* The same bytes written to the bond itself: in band, VLAN term 0:
	 * 0x020001 odd -> eth1 for both. */
	h_xmit(&H, b, f, len);
	assert_ptr_equal(H.tx[from + 2].s, e1);
}

/* `bondctl hash`: the explanation of a VLAN frame is made with the
 * out-of-band rule, and says so. */
static void test_explain_vlan(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-xor miimon 100 "
				"xmit_hash_policy layer2");
	struct tx_explain ex;
	uint8_t f[64];
	size_t len = vlan_udp_frame(f, 1000, 10);

	h_enslave(&H, b, "eth0", 1);
	h_enslave(&H, b, "eth1", 2);
	bond_explain_tx_vlan(b, f, len, &ex);
	assert_true(ex.hashed);
	/* layer2 of the untagged frame: 0xaa ^ 0x01 ^ 0x0800 = 0x08ab */
	assert_int_equal(ex.hash, 0x08ab);
	assert_non_null(strstr(ex.how.why, "out-of-band"));
	assert_false(b->xmit_oob_tag);
	bond_explain_tx(b, f, len, &ex);
	/* in band: 0xaa ^ 0x01 ^ 0x8100 = 0x81ab */
	assert_int_equal(ex.hash, 0x81ab);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table_add_del, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xor_l34_vlan_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tlb_static_vlan_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_srcmac_spreads_vlans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explain_vlan, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
