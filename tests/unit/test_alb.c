/* balance-tlb (mode 5) and balance-alb (mode 6) under a virtual clock: MAC
 * layout and swaps, receive rules and destination rewriting, transmit
 * balancing (dynamic and hashed), rebalancing, learning packets, and alb's
 * receive load balancing through ARP (client assignment, update ARPs,
 * reassignment when a slave fails or returns).
 *
 * The engine_harness records transmissions; this file installs its own
 * copy of the actions so it can also keep the frames handed up. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine_harness.h"
#include "core/hash.h"
#include "core/opt.h"

static struct harness H;
static uint8_t dlv[2048];
static size_t dlv_len;

static const uint8_t MAC1[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t MAC2[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t MAC3[6] = { 2, 0, 0, 0, 0, 3 };
static const uint8_t HOST_IP[4] = { 10, 0, 0, 100 };

/* ---- actions (as the harness's, plus the delivered frame) --------------- */

static void t_tx(void *ctx, struct slave *s, const uint8_t *frame, size_t len,
		 const void *meta)
{
	if (H.ntx >= H_MAX_TX)
		return;
	H.tx[H.ntx].s = s;
	H.tx[H.ntx].len = len;
	memcpy(H.tx[H.ntx].frame, frame, len < 128 ? len : 128);
	H.ntx++;
}

static void t_deliver(void *ctx, struct bond *b, const uint8_t *frame, size_t len,
		      const void *meta)
{
	H.ndeliver++;
	dlv_len = len < sizeof(dlv) ? len : sizeof(dlv);
	memcpy(dlv, frame, dlv_len);
}

static void t_slave_mac(void *ctx, struct slave *s, const uint8_t mac[6])
{
	H.slave_mac_sets++;
}

static void t_bond_mac(void *ctx, struct bond *b, const uint8_t mac[6])
{
	H.bond_mac_sets++;
}

static void t_carrier(void *ctx, struct bond *b, bool up)
{
	H.carrier_changes++;
}

static void t_log(void *ctx, int level, const char *line)
{
	if (getenv("H_VERBOSE"))
		fprintf(stderr, "[%llu] %s\n", (unsigned long long)H.now, line);
	if (H.nlogs < H_MAX_LOGS)
		snprintf(H.logs[H.nlogs++], sizeof(H.logs[0]), "%s", line);
}

static const struct engine_ops t_ops = {
	.tx = t_tx,
	.deliver = t_deliver,
	.set_slave_mac = t_slave_mac,
	.set_bond_mac = t_bond_mac,
	.set_carrier = t_carrier,
	.log = t_log,
};

static int setup(void **state)
{
	h_init(&H);
	engine_free(H.e);
	H.e = engine_new(&t_ops, &H);
	assert_non_null(H.e);
	dlv_len = 0;
	return 0;
}

static int teardown(void **state)
{
	h_fini(&H);
	return 0;
}

/* ---- frames ------------------------------------------------------------- */

static size_t udp_to(uint8_t *f, const uint8_t dst[6], const uint8_t src[6],
		     uint8_t ip_last, uint16_t sport)
{
	size_t len = h_udp_frame(f, sport);

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[33] = ip_last;
	return len;
}

static void peer_mac(uint8_t mac[6], uint8_t n)
{
	const uint8_t m[6] = { 0x02, 0xaa, 0, 0, 0, n };

	memcpy(mac, m, 6);
}

/* An ARP from sha/spa to tha/tpa, Ethernet from esrc to edst. */
static size_t arp_frame(uint8_t *f, uint16_t op, const uint8_t edst[6],
			const uint8_t esrc[6], const uint8_t sha[6], const uint8_t spa[4],
			const uint8_t tha[6], const uint8_t tpa[4])
{
	memset(f, 0, 60);
	memcpy(f, edst, 6);
	memcpy(f + 6, esrc, 6);
	f[12] = 0x08; f[13] = 0x06;
	f[14] = 0; f[15] = 1; f[16] = 0x08; f[17] = 0; f[18] = 6; f[19] = 4;
	f[20] = 0; f[21] = (uint8_t)op;
	memcpy(f + 22, sha, 6);
	memcpy(f + 28, spa, 4);
	memcpy(f + 32, tha, 6);
	memcpy(f + 38, tpa, 4);
	return 60;
}

static bool is_lp(const struct h_tx *t, const uint8_t mac[6])
{
	static const uint8_t zero[46];

	return t->len == 60 && !memcmp(t->frame, mac, 6) && !memcmp(t->frame + 6, mac, 6) &&
	       t->frame[12] == 0x90 && t->frame[13] == 0x00 && !memcmp(t->frame + 14, zero, 46);
}

static unsigned count_lp(const struct slave *s, const uint8_t mac[6], unsigned from)
{
	unsigned n = 0;

	for (unsigned i = from; i < H.ntx; i++)
		if (H.tx[i].s == s && is_lp(&H.tx[i], mac))
			n++;
	return n;
}

static bool is_arp_reply(const struct h_tx *t)
{
	return t->len == 42 && t->frame[12] == 0x08 && t->frame[13] == 0x06 &&
	       t->frame[21] == 2;
}

/* Update ARPs (replies the bond makes itself) sent to the peer n. */
static unsigned count_updates(const struct slave *s, uint8_t n, unsigned from)
{
	uint8_t pm[6];
	unsigned c = 0;

	peer_mac(pm, n);
	for (unsigned i = from; i < H.ntx; i++)
		if ((!s || H.tx[i].s == s) && is_arp_reply(&H.tx[i]) &&
		    !memcmp(H.tx[i].frame, pm, 6))
			c++;
	return c;
}

static bool mac_unique(struct bond *b)
{
	for (unsigned i = 0; i < b->n_slaves; i++)
		for (unsigned j = i + 1; j < b->n_slaves; j++)
			if (!memcmp(b->slaves[i]->cur_mac, b->slaves[j]->cur_mac, 6))
				return false;
	return true;
}

/* ---- MAC layout --------------------------------------------------------- */

static void test_tlb_macs_after_enslave(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-tlb miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	struct slave *e2 = h_enslave(&H, b, "eth2", 3);

	assert_ptr_equal(b->active, e0);
	assert_memory_equal(b->mac, MAC1, 6);
	assert_memory_equal(e0->cur_mac, MAC1, 6);
	assert_memory_equal(e1->cur_mac, MAC2, 6);
	assert_memory_equal(e2->cur_mac, MAC3, 6);
	/* every slave shows "active"; only the active one receives */
	assert_false(e0->backup);
	assert_false(e1->backup);
	assert_false(e2->backup);
	assert_false(e0->inactive);
	assert_true(e1->inactive);
	assert_true(e2->inactive);
	assert_true(h_logged(&H, "bond0: (slave eth1): Enslaving as an active interface with an up link"));
	assert_true(h_logged(&H, "bond0: (slave eth0): making interface the new active one"));
	/* the first active slave announces the bond's MAC (the kernel's
	 * swap of the slave with itself sends two) */
	assert_int_equal(count_lp(e0, MAC1, 0), 2);
}

static void test_tlb_failover_swaps_macs(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-tlb miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	unsigned from;

	h_advance(&H, 500);
	from = H.ntx;
	h_carrier(&H, e0, false);
	h_advance(&H, 100);
	assert_ptr_equal(b->active, e1);
	assert_memory_equal(b->mac, MAC1, 6);
	assert_memory_equal(e1->cur_mac, MAC1, 6);
	assert_memory_equal(e0->cur_mac, MAC2, 6);
	assert_false(e1->inactive);
	assert_true(e0->inactive);
	assert_false(e0->backup);
	/* the switch learns the bond's MAC on the new port at once */
	assert_int_equal(count_lp(e1, MAC1, from), 1);
	assert_int_equal(h_tx_count(&H, e0, from), 0);
	/* back: no primary, so the MACs stay where they are */
	h_carrier(&H, e0, true);
	h_advance(&H, 200);
	assert_ptr_equal(b->active, e1);
	assert_memory_equal(e0->cur_mac, MAC2, 6);
	assert_true(mac_unique(b));
}

static void test_tlb_primary_swaps_back(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-tlb miimon 100 primary eth0");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);

	h_carrier(&H, e0, false);
	h_advance(&H, 100);
	assert_ptr_equal(b->active, e1);
	h_carrier(&H, e0, true);
	h_advance(&H, 100);
	assert_ptr_equal(b->active, e0);
	assert_memory_equal(e0->cur_mac, MAC1, 6);
	assert_memory_equal(e1->cur_mac, MAC2, 6);
}

static void test_collision_on_attach(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-alb miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);

	/* eth0 fails: eth1 wears the bond's MAC (eth0's), eth0 eth1's */
	h_carrier(&H, e0, false);
	h_advance(&H, 100);
	assert_memory_equal(e1->cur_mac, MAC1, 6);
	bond_release(b, e0, H.now);
	assert_memory_equal(e1->cur_mac, MAC1, 6);
	/* eth0 comes back with its own MAC, which the bond has: it is given
	 * eth1's permanent MAC, which is free */
	e0 = h_enslave(&H, b, "eth0", 1);
	assert_memory_equal(e0->cur_mac, MAC2, 6);
	assert_memory_equal(e1->cur_mac, MAC1, 6);
	assert_ptr_equal(b->active, e1);
	assert_true(h_logged(&H, "bond0: (slave eth0): the slave hw address is in use by the bond; giving it the hw address of eth1"));
}

static void test_release_active(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-tlb miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	uint8_t f[64];
	size_t len;
	unsigned from;

	h_advance(&H, 300);
	from = H.ntx;
	bond_release(b, e0, H.now);
	assert_ptr_equal(b->active, e1);
	assert_memory_equal(e1->cur_mac, MAC1, 6);
	assert_memory_equal(b->mac, MAC1, 6);
	assert_int_equal(count_lp(e1, MAC1, from), 1);
	assert_false(e1->inactive);
	/* traffic keeps flowing on what is left */
	for (uint8_t i = 0; i < 16; i++) {
		uint8_t d[6] = { 2, 0xbb, 0, 0, 0, i };

		len = udp_to(f, d, MAC1, i, 1000);
		from = H.ntx;
		h_xmit(&H, b, f, len);
		assert_int_equal(H.ntx, from + 1);
		assert_ptr_equal(H.tx[from].s, e1);
	}
	h_advance(&H, 11000);
	bond_release(b, e1, H.now);
	assert_null(b->active);
	h_advance(&H, 1000);
}

static void test_release_swaps_own_mac_back(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-tlb miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	struct slave *e2 = h_enslave(&H, b, "eth2", 3);

	h_carrier(&H, e0, false);
	h_advance(&H, 100);
	h_carrier(&H, e0, true);
	h_advance(&H, 100);
	assert_ptr_equal(b->active, e1);
	assert_memory_equal(e0->cur_mac, MAC2, 6);
	/* eth1 leaves wearing the bond's MAC while eth0 wears eth1's own:
	 * they swap back, then eth0 (with the bond's MAC) becomes active */
	bond_release(b, e1, H.now);
	assert_ptr_equal(b->active, e0);
	assert_memory_equal(e0->cur_mac, MAC1, 6);
	assert_memory_equal(e2->cur_mac, MAC3, 6);
	assert_true(mac_unique(b));
}

/* ---- receive ------------------------------------------------------------ */

static void test_tlb_rx_only_active(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-tlb miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	struct err err = { 0 };
	uint8_t f[64], copy[64];
	size_t len;

	len = udp_to(f, MAC1, MAC3, 1, 80);
	slave_receive(e1, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 0);
	assert_int_equal(e1->stats.rx_dropped, 1);
	slave_receive(e0, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 1);
	assert_memory_equal(dlv, f, len);
	/* unicast to eth1's own MAC is dropped on an inactive tlb slave */
	len = udp_to(f, MAC2, MAC3, 1, 80);
	slave_receive(e1, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 1);
	/* all_slaves_active: it goes up, addressed to the bond */
	assert_int_equal(opt_set(b, "all_slaves_active", "1", H.now, &err), 0);
	assert_false(e1->inactive);
	memcpy(copy, f, len);
	slave_receive(e1, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 2);
	assert_int_equal(dlv_len, len);
	assert_memory_equal(dlv, MAC1, 6);
	assert_memory_equal(dlv + 6, f + 6, len - 6);
	assert_memory_equal(f, copy, len);
	/* broadcast too */
	memset(f, 0xff, 6);
	slave_receive(e1, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 3);
	assert_memory_equal(dlv, f, len);
}

static void test_alb_rx_own_mac_on_inactive(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-alb miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	uint8_t f[64];
	size_t len;

	assert_true(e1->inactive);
	len = udp_to(f, MAC2, MAC3, 1, 80);
	slave_receive(e1, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 1);
	assert_memory_equal(dlv, MAC1, 6);
	assert_memory_equal(dlv + 6, f + 6, len - 6);
	/* broadcast and multicast stay with the inactive slave */
	memset(f, 0xff, 6);
	slave_receive(e1, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 1);
	f[0] = 0x01; f[1] = 0x00; f[2] = 0x5e; f[3] = 0; f[4] = 0; f[5] = 1;
	slave_receive(e1, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 1);
	/* ... and reach the bond from the active one, unchanged */
	slave_receive(e0, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 2);
	assert_memory_equal(dlv, f, len);
	/* the bond's own MAC is not rewritten */
	len = udp_to(f, MAC1, MAC3, 1, 80);
	slave_receive(e0, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 3);
	assert_memory_equal(dlv, f, len);
}

/* ---- transmit ----------------------------------------------------------- */

static void test_tlb_dynamic_spread_and_rebalance(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-tlb miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	struct slave *first[16];
	uint8_t f[64], copy[64];
	size_t len;
	unsigned from, on_e1 = 0;

	h_advance(&H, 200);   /* the first monitor pass has run */
	/* Fresh buckets have no load history, so until the first rebalance
	 * every new flow goes to the first slave (the kernel's behaviour). */
	for (uint8_t i = 0; i < 16; i++) {
		uint8_t d[6] = { 2, 0xbb, 0, 0, 0, (uint8_t)(i * 17) };

		len = udp_to(f, d, MAC1, i, 1000);
		from = H.ntx;
		for (int k = 0; k < 10; k++)
			h_xmit(&H, b, f, len);
		assert_int_equal(h_tx_count(&H, e0, from), 10);
	}
	/* after 10 s the buckets are handed out again by load */
	h_advance(&H, 10000);
	for (uint8_t i = 0; i < 16; i++) {
		uint8_t d[6] = { 2, 0xbb, 0, 0, 0, (uint8_t)(i * 17) };

		len = udp_to(f, d, MAC1, i, 1000);
		memcpy(copy, f, len);
		from = H.ntx;
		for (int k = 0; k < 5; k++)
			h_xmit(&H, b, f, len);
		first[i] = H.tx[from].s;
		assert_int_equal(h_tx_count(&H, first[i], from), 5);
		/* the source MAC is the sending slave's */
		assert_memory_equal(H.tx[from].frame + 6, first[i]->cur_mac, 6);
		assert_memory_equal(H.tx[from].frame, f, 6);
		assert_memory_equal(H.tx[from].frame + 12, f + 12, len - 12);
		assert_memory_equal(f, copy, len);
		on_e1 += first[i] == e1;
	}
	assert_in_range(on_e1, 6, 10);
	/* a failed slave's buckets move */
	h_carrier(&H, e1, false);
	h_advance(&H, 100);
	for (uint8_t i = 0; i < 16; i++) {
		uint8_t d[6] = { 2, 0xbb, 0, 0, 0, (uint8_t)(i * 17) };

		len = udp_to(f, d, MAC1, i, 1000);
		from = H.ntx;
		h_xmit(&H, b, f, len);
		assert_ptr_equal(H.tx[from].s, b->active);
	}
}

static void test_tlb_bcast_mcast_nonip_on_active(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-tlb miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mc[6] = { 0x01, 0x00, 0x5e, 0, 0, 9 };
	uint8_t f[64], pm[6];
	size_t len;
	unsigned from;

	h_carrier(&H, e0, false);
	h_advance(&H, 100);
	h_carrier(&H, e0, true);
	h_advance(&H, 11000);
	assert_ptr_equal(b->active, e1);
	from = H.ntx;
	len = udp_to(f, bc, MAC1, 255, 1);
	h_xmit(&H, b, f, len);
	len = udp_to(f, mc, MAC1, 9, 1);
	h_xmit(&H, b, f, len);
	peer_mac(pm, 1);
	len = arp_frame(f, 1, bc, MAC1, MAC1, HOST_IP, pm, (const uint8_t[4]){ 10, 0, 0, 1 });
	h_xmit(&H, b, f, len);
	assert_int_equal(h_tx_count(&H, e1, from), 3);
	assert_int_equal(h_tx_count(&H, e0, from), 0);
	/* unchanged: they leave from the bond's MAC */
	assert_memory_equal(H.tx[from + 2].frame, f, len);
}

static void test_tlb_hash_without_dynamic_lb(void **state)
{
	struct bond *b = h_bond(&H, "bond0",
				"mode balance-tlb miimon 100 tlb_dynamic_lb 0 xmit_hash_policy layer3+4");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	uint8_t f[64], d[6];
	size_t len;
	unsigned from, on_e1 = 0;

	peer_mac(d, 7);
	h_advance(&H, 100);
	assert_int_equal(b->n_usable, 2);
	for (uint16_t p = 0; p < 64; p++) {
		struct slave *want;

		len = udp_to(f, d, MAC1, 7, (uint16_t)(2000 + p));
		want = b->usable[xmit_hash(XMIT_LAYER34, f, len) % 2];
		from = H.ntx;
		h_xmit(&H, b, f, len);
		h_xmit(&H, b, f, len);
		assert_int_equal(h_tx_count(&H, want, from), 2);
		if (want == e1)
			assert_memory_equal(H.tx[from].frame + 6, MAC2, 6);
		else
			assert_memory_equal(H.tx[from].frame + 6, MAC1, 6);
		on_e1 += want == e1;
	}
	assert_in_range(on_e1, 16, 48);
	/* no alb monitor in this configuration: no learning packets */
	from = H.ntx;
	h_advance(&H, 5000);
	assert_int_equal(H.ntx, from);
	(void)e0;
}

static void test_alb_tx_balance_rules(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-alb miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	uint8_t f[64], d[6];
	size_t len;
	unsigned from, on_e1 = 0;

	peer_mac(d, 9);
	h_advance(&H, 200);
	for (uint8_t ip = 1; ip <= 16; ip++) {
		len = udp_to(f, d, MAC1, ip, 1000);
		h_xmit(&H, b, f, len);
	}
	h_advance(&H, 10000);
	/* by destination IP: one flow per address, spread by load */
	for (uint8_t ip = 1; ip <= 16; ip++) {
		len = udp_to(f, d, MAC1, ip, 1000);
		from = H.ntx;
		h_xmit(&H, b, f, len);
		len = udp_to(f, d, MAC1, ip, 2000);   /* other port, same slave */
		h_xmit(&H, b, f, len);
		assert_ptr_equal(H.tx[from].s, H.tx[from + 1].s);
		on_e1 += H.tx[from].s == e1;
	}
	assert_in_range(on_e1, 6, 10);
	/* IGMP and IP broadcast stay on the active slave */
	from = H.ntx;
	for (uint8_t ip = 1; ip <= 16; ip++) {
		len = udp_to(f, d, MAC1, ip, 1000);
		f[23] = 2;
		h_xmit(&H, b, f, len);
		len = udp_to(f, d, MAC1, ip, 1000);
		f[30] = f[31] = f[32] = f[33] = 255;
		h_xmit(&H, b, f, len);
	}
	assert_int_equal(h_tx_count(&H, e0, from), 32);
}

/* ---- learning packets --------------------------------------------------- */

static void test_learning_packets(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-tlb miimon 100 lp_interval 2");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	unsigned from = H.ntx;

	/* every 2 s from each slave, with the slave's MAC: 3, 5, 7, 9, 11 s */
	h_advance(&H, 10000);
	assert_int_equal(count_lp(e0, MAC1, from), 5);
	assert_int_equal(count_lp(e1, MAC2, from), 5);
	assert_int_equal(H.ntx - from, 10);
	/* the exact bytes */
	assert_int_equal(H.tx[from].len, 60);
	assert_true(is_lp(&H.tx[from], MAC1));
	/* a slave without carrier sends none */
	h_carrier(&H, e1, false);
	from = H.ntx;
	h_advance(&H, 4000);
	assert_int_equal(count_lp(e1, MAC2, from), 0);
	assert_true(count_lp(b->active, b->active->cur_mac, from) >= 2);
}

static void test_alb_learning_packets_default_interval(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-alb miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	unsigned from = H.ntx;

	h_advance(&H, 5000);
	assert_int_equal(count_lp(e0, MAC1, from), 5);
	assert_int_equal(count_lp(e1, MAC2, from), 5);
	(void)b;
}

static void test_admin_down_stops_alb_monitor(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-alb miimon 100");
	unsigned from;

	h_enslave(&H, b, "eth0", 1);
	h_enslave(&H, b, "eth1", 2);
	h_advance(&H, 1000);
	bond_set_admin(b, false, H.now);
	from = H.ntx;
	h_advance(&H, 5000);
	assert_int_equal(H.ntx, from);
	bond_set_admin(b, true, H.now);
	h_advance(&H, 0);       /* the daemon re-arms its timer after each event */
	h_advance(&H, 1000);
	assert_true(H.ntx > from);
}

/* ---- alb: receive load balancing ---------------------------------------- */

/* The host answers ARP requests from four peers. */
static void send_replies(struct bond *b, uint8_t n)
{
	uint8_t f[64], pm[6];
	size_t len;

	for (uint8_t i = 1; i <= n; i++) {
		peer_mac(pm, i);
		len = arp_frame(f, 2, pm, b->mac, b->mac, HOST_IP, pm,
				(const uint8_t[4]){ 10, 0, 0, i });
		h_xmit(&H, b, f, len);
	}
}

static struct bond *alb_four_clients(struct slave **e0, struct slave **e1)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-alb miimon 100");
	unsigned from;

	*e0 = h_enslave(&H, b, "eth0", 1);
	*e1 = h_enslave(&H, b, "eth1", 2);
	h_advance(&H, 3000);
	from = H.ntx;
	send_replies(b, 4);
	assert_int_equal(H.ntx, from + 4);
	return b;
}

static void test_alb_arp_replies_spread(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = alb_four_clients(&e0, &e1);
	unsigned from = H.ntx - 4, macs = 0;
	bool seen1 = false, seen2 = false;

	for (unsigned i = from; i < from + 4; i++) {
		const struct h_tx *t = &H.tx[i];

		/* sender MAC and Ethernet source: the slave it leaves on */
		assert_memory_equal(t->frame + 22, t->s->cur_mac, 6);
		assert_memory_equal(t->frame + 6, t->s->cur_mac, 6);
		seen1 |= !memcmp(t->frame + 22, MAC1, 6);
		seen2 |= !memcmp(t->frame + 22, MAC2, 6);
	}
	macs = seen1 + seen2;
	assert_int_equal(macs, 2);
	/* in turn, the first client on the first slave */
	assert_ptr_equal(H.tx[from].s, e0);
	assert_ptr_equal(H.tx[from + 1].s, e1);
	assert_ptr_equal(H.tx[from + 2].s, e0);
	assert_ptr_equal(H.tx[from + 3].s, e1);
	/* the next monitor pass confirms each client with two ARP replies */
	from = H.ntx;
	h_advance(&H, 100);
	for (uint8_t i = 1; i <= 4; i++)
		assert_int_equal(count_updates(i % 2 ? e0 : e1, i, from), 2);
	{
		const struct h_tx *t = &H.tx[from];
		uint8_t pm[6];
		uint8_t n = t->frame[41];

		peer_mac(pm, n);
		assert_int_equal(t->len, 42);
		assert_memory_equal(t->frame, pm, 6);
		assert_memory_equal(t->frame + 6, t->s->cur_mac, 6);
		assert_memory_equal(t->frame + 22, t->s->cur_mac, 6);
		assert_memory_equal(t->frame + 28, HOST_IP, 4);
		assert_memory_equal(t->frame + 32, pm, 6);
		assert_int_equal(t->frame[38], 10);
	}
	/* and nothing more while nothing changes */
	from = H.ntx;
	h_advance(&H, 8000);
	for (uint8_t i = 1; i <= 4; i++)
		assert_int_equal(count_updates(NULL, i, from), 0);
	/* the same client keeps its slave */
	from = H.ntx;
	send_replies(b, 2);
	assert_ptr_equal(H.tx[from].s, e0);
	assert_ptr_equal(H.tx[from + 1].s, e1);
}

static void test_alb_clients_move_on_failure(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = alb_four_clients(&e0, &e1);
	unsigned from;

	h_advance(&H, 3000);
	from = H.ntx;
	h_carrier(&H, e1, false);
	h_advance(&H, 100);
	assert_ptr_equal(b->active, e0);
	/* the switch is taught eth1's MAC on the active slave */
	assert_int_equal(count_lp(e0, MAC2, from), 1);
	/* eth1's clients (2 and 4) are told to use eth0: two ARPs once the
	 * 2 s update delay (counted only while an update is due) has run
	 * out, and in each of the RLB_UPDATE_RETRY rounds that follow, 2.1 s
	 * apart */
	assert_int_equal(count_updates(NULL, 2, from), 0);
	h_advance(&H, 1900);
	assert_int_equal(count_updates(NULL, 2, from), 0);
	h_advance(&H, 100);
	assert_int_equal(count_updates(e0, 2, from), 2);
	assert_int_equal(count_updates(e0, 4, from), 2);
	h_advance(&H, 2000);
	assert_int_equal(count_updates(e0, 2, from), 2);
	h_advance(&H, 100);
	assert_int_equal(count_updates(e0, 2, from), 4);
	h_advance(&H, 5900);
	assert_int_equal(count_updates(e0, 2, from), 8);
	assert_int_equal(count_updates(e0, 4, from), 8);
	assert_int_equal(count_updates(NULL, 1, from), 0);
	assert_int_equal(count_updates(NULL, 3, from), 0);
	for (unsigned i = from; i < H.ntx; i++)
		if (is_arp_reply(&H.tx[i]))
			assert_memory_equal(H.tx[i].frame + 22, MAC1, 6);
	/* eth1 returns: clients are spread again and told so from eth1 */
	from = H.ntx;
	h_carrier(&H, e1, true);
	h_advance(&H, 3000);
	{
		unsigned n = 0;

		for (unsigned i = from; i < H.ntx; i++)
			if (H.tx[i].s == e1 && is_arp_reply(&H.tx[i])) {
				assert_memory_equal(H.tx[i].frame + 22, MAC2, 6);
				n++;
			}
		assert_true(n >= 2);
	}
}

static void test_alb_active_failure_moves_bond_mac(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = alb_four_clients(&e0, &e1);
	unsigned from;

	h_advance(&H, 3000);
	from = H.ntx;
	h_carrier(&H, e0, false);
	h_advance(&H, 100);
	assert_ptr_equal(b->active, e1);
	assert_memory_equal(e1->cur_mac, MAC1, 6);
	assert_memory_equal(e0->cur_mac, MAC2, 6);
	/* learning packets for the bond's MAC on eth1, and eth0's new MAC
	 * taught on eth1 too (eth0 is down) */
	assert_int_equal(count_lp(e1, MAC1, from), 1);
	assert_int_equal(count_lp(e1, MAC2, from), 1);
	h_advance(&H, 10000);
	/* every client is now on eth1 (the bond's MAC) and was told */
	for (uint8_t i = 1; i <= 4; i++)
		assert_int_equal(count_updates(e1, i, from), 8);
	assert_int_equal(h_tx_count(&H, e0, from), 0);
}

static void test_alb_request_then_reply(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-alb miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zero[6];
	uint8_t f[64], pa[6], pb[6];
	size_t len;
	unsigned from;

	h_advance(&H, 3000);
	peer_mac(pa, 1);
	peer_mac(pb, 2);
	from = H.ntx;
	len = arp_frame(f, 1, bc, MAC1, MAC1, HOST_IP, zero, (const uint8_t[4]){ 10, 0, 0, 1 });
	h_xmit(&H, b, f, len);
	len = arp_frame(f, 1, bc, MAC1, MAC1, HOST_IP, zero, (const uint8_t[4]){ 10, 0, 0, 2 });
	h_xmit(&H, b, f, len);
	assert_ptr_equal(H.tx[from].s, e0);
	assert_ptr_equal(H.tx[from + 1].s, e1);
	/* the request on eth1: Ethernet source eth1's, ARP sender the bond's */
	assert_memory_equal(H.tx[from + 1].frame + 6, MAC2, 6);
	assert_memory_equal(H.tx[from + 1].frame + 22, MAC1, 6);
	/* the peers answer to the bond's MAC (on the active slave) */
	len = arp_frame(f, 2, MAC1, pa, pa, (const uint8_t[4]){ 10, 0, 0, 1 }, MAC1, HOST_IP);
	slave_receive(e0, f, len, NULL, H.now);
	len = arp_frame(f, 2, MAC1, pb, pb, (const uint8_t[4]){ 10, 0, 0, 2 }, MAC1, HOST_IP);
	slave_receive(e0, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 2);
	/* two seconds after the request, each learnt client is told its slave */
	from = H.ntx;
	h_advance(&H, 1900);
	assert_int_equal(count_updates(NULL, 1, from), 0);
	h_advance(&H, 300);
	assert_int_equal(count_updates(e0, 1, from), 2);
	assert_int_equal(count_updates(e1, 2, from), 2);
	for (unsigned i = from; i < H.ntx; i++)
		if (is_arp_reply(&H.tx[i]))
			assert_memory_equal(H.tx[i].frame + 22, H.tx[i].s->cur_mac, 6);
}

static void test_alb_purge_on_foreign_sender(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = alb_four_clients(&e0, &e1);
	uint8_t f[64], other[6] = { 2, 0xcc, 0, 0, 0, 1 }, pm[6];
	size_t len;
	unsigned from;

	h_advance(&H, 3000);
	/* another host claims our IP: the entries that used it go */
	peer_mac(pm, 1);
	len = arp_frame(f, 1, (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, other,
			other, HOST_IP, (const uint8_t[6]){ 0 }, (const uint8_t[4]){ 10, 0, 0, 1 });
	slave_receive(e0, f, len, NULL, H.now);
	from = H.ntx;
	h_carrier(&H, e1, false);
	h_advance(&H, 10000);
	assert_int_equal(count_updates(NULL, 2, from), 0);
	assert_int_equal(count_updates(NULL, 4, from), 0);
	(void)b;
}

static void test_tlb_faster_slave_gets_the_flows(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-tlb miimon 100");
	struct link_info slow = { .running = true, .carrier = true, .speed = 1000,
				  .duplex = DUPLEX_FULL };
	struct link_info fast = slow;
	struct err err = { 0 };
	struct slave *e0, *e1;
	uint8_t f[64];
	size_t len;
	unsigned from;

	fast.speed = 10000;
	e0 = bond_enslave(b, "eth0", MAC1, &slow, NULL, H.now, &err);
	e1 = bond_enslave(b, "eth1", MAC2, &fast, NULL, H.now, &err);
	assert_non_null(e0);
	assert_non_null(e1);
	h_advance(&H, 200);
	for (uint8_t i = 0; i < 8; i++) {
		uint8_t d[6] = { 2, 0xbb, 0, 0, 0, (uint8_t)(i * 17) };

		len = udp_to(f, d, MAC1, i, 1000);
		h_xmit(&H, b, f, len);
	}
	h_advance(&H, 10000);
	/* capacity minus load: the 10 Gb/s slave wins every bucket */
	from = H.ntx;
	for (uint8_t i = 0; i < 8; i++) {
		uint8_t d[6] = { 2, 0xbb, 0, 0, 0, (uint8_t)(i * 17) };

		len = udp_to(f, d, MAC1, i, 1000);
		h_xmit(&H, b, f, len);
	}
	assert_int_equal(h_tx_count(&H, e1, from), 8);
}

static void test_alb_vlan_client_updates_tagged(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-alb miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	uint8_t f[64], t[68], pm[6];
	size_t len;
	unsigned from;

	h_advance(&H, 3000);
	peer_mac(pm, 1);
	len = arp_frame(f, 2, pm, MAC1, MAC1, HOST_IP, pm, (const uint8_t[4]){ 10, 0, 0, 1 });
	/* the same reply through a VLAN 5 device on the bond */
	memcpy(t, f, 12);
	t[12] = 0x81; t[13] = 0x00; t[14] = 0x00; t[15] = 5;
	memcpy(t + 16, f + 12, len - 12);
	from = H.ntx;
	h_xmit(&H, b, t, len + 4);
	assert_ptr_equal(H.tx[from].s, e0);
	assert_memory_equal(H.tx[from].frame + 26, MAC1, 6);
	from = H.ntx;
	h_advance(&H, 100);
	assert_int_equal(H.ntx - from, 2);
	assert_int_equal(H.tx[from].len, 46);
	assert_int_equal(H.tx[from].frame[12], 0x81);
	assert_int_equal(H.tx[from].frame[15], 5);
	assert_int_equal(H.tx[from].frame[16], 0x08);
	assert_int_equal(H.tx[from].frame[17], 0x06);
	(void)e1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tlb_macs_after_enslave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tlb_failover_swaps_macs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tlb_primary_swaps_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_collision_on_attach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_active, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_swaps_own_mac_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tlb_rx_only_active, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alb_rx_own_mac_on_inactive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tlb_dynamic_spread_and_rebalance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tlb_bcast_mcast_nonip_on_active, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tlb_hash_without_dynamic_lb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alb_tx_balance_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_learning_packets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alb_learning_packets_default_interval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_admin_down_stops_alb_monitor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alb_arp_replies_spread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alb_clients_move_on_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alb_active_failure_moves_bond_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alb_request_then_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alb_purge_on_foreign_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tlb_faster_slave_gets_the_flows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alb_vlan_client_updates_tagged, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
