/* The engine under a virtual clock: MII monitor transitions and delays,
 * active slave selection (primary, primary_reselect, prio), active-backup
 * and balance-rr transmit/receive rules, MAC handling, peer notification,
 * carrier. Every test is deterministic: time only moves in h_advance(). */
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
#include "core/opt.h"

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

static struct bond *ab_two(const char *opts, struct slave **e0, struct slave **e1)
{
	struct bond *b = h_bond(&H, "bond0", opts);

	*e0 = h_enslave(&H, b, "eth0", 1);
	*e1 = h_enslave(&H, b, "eth1", 2);
	return b;
}

static void test_ab_enslave_roles_and_macs(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_two("mode active-backup miimon 100", &e0, &e1);
	const uint8_t mac0[6] = { 2, 0, 0, 0, 0, 1 };

	assert_ptr_equal(b->active, e0);
	assert_false(e0->backup);
	assert_true(e1->backup);
	assert_true(e1->inactive);
	assert_true(b->carrier);
	assert_memory_equal(b->mac, mac0, 6);
	/* fail_over_mac=none: the second slave wears the bond's address */
	assert_memory_equal(e1->cur_mac, mac0, 6);
	assert_true(h_logged(&H, "bond0: (slave eth0): making interface the new active one"));
	assert_true(h_logged(&H, "bond0: (slave eth0): Enslaving as an active interface with an up link"));
	assert_true(h_logged(&H, "bond0: (slave eth1): Enslaving as a backup interface with an up link"));
}

static void test_ab_failover_no_downdelay(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_two("mode active-backup miimon 100", &e0, &e1);

	h_advance(&H, 50);
	h_carrier(&H, e0, false);
	/* The carrier event is inspected at once (issue 12: the kernel would
	 * wait for its next miimon tick, 50 ms here): failover inside the
	 * event. */
	assert_ptr_equal(b->active, e1);
	h_advance(&H, 100);
	/* down, and maybe already the probing candidate again ("going back") */
	assert_true(e0->link == SLAVE_LINK_DOWN || e0->link == SLAVE_LINK_BACK);
	assert_int_equal(e0->link_failure_count, 1);
	assert_ptr_equal(b->active, e1);
	assert_true(e0->backup);
	assert_false(e1->backup);
	assert_true(b->carrier);
	assert_true(h_logged(&H, "(slave eth0): link status definitely down, disabling slave"));
	assert_true(h_logged(&H, "(slave eth1): making interface the new active one"));
}

static void test_ab_downdelay_timeline(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_two("mode active-backup miimon 100 updelay 200 downdelay 200", &e0, &e1);

	/* updelay > 0: both start "going back", as backups; the first pass
	 * makes eth0 up at once (no active slave), eth1 waits its updelay. */
	assert_null(b->active);
	assert_true(h_logged(&H, "(slave eth0): Enslaving as a backup interface with an up link"));
	assert_true(h_logged(&H, "(slave eth1): Enslaving as a backup interface with an up link"));
	h_advance(&H, 100);             /* the next monitor pass */
	assert_ptr_equal(b->active, e0);
	assert_true(h_logged(&H, "(slave eth0): link status definitely up, 10000 Mbps full duplex"));
	h_advance(&H, 300);
	assert_int_equal(e1->link, SLAVE_LINK_UP);
	h_carrier(&H, e0, false);
	/* The event is the first tick that sees it (issue 12: the kernel's
	 * first tick would come up to miimon later). */
	assert_int_equal(e0->link, SLAVE_LINK_FAIL);
	assert_ptr_equal(b->active, e0);
	assert_true(h_logged(&H, "link status down for active interface, disabling it in 200 ms"));
	h_advance(&H, 100);
	assert_int_equal(e0->link, SLAVE_LINK_FAIL);
	h_advance(&H, 100);             /* 200 ms after the event: down + failover */
	assert_int_equal(e0->link, SLAVE_LINK_DOWN);
	assert_ptr_equal(b->active, e1);
	assert_int_equal(e0->link_failure_count, 1);
	/* back: going back at the event, then up 200 ms later, stays backup */
	h_carrier(&H, e0, true);
	assert_int_equal(e0->link, SLAVE_LINK_BACK);
	assert_true(h_logged(&H, "(slave eth0): link status up, enabling it in 200 ms"));
	h_advance(&H, 100);
	assert_int_equal(e0->link, SLAVE_LINK_BACK);
	h_advance(&H, 100);
	assert_int_equal(e0->link, SLAVE_LINK_UP);
	assert_ptr_equal(b->active, e1);
	assert_true(e0->backup);
}

static void test_ab_fail_then_up_again_counts_nothing(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_two("mode active-backup miimon 100 downdelay 300", &e0, &e1);

	h_advance(&H, 100);
	h_carrier(&H, e0, false);
	h_advance(&H, 100);
	assert_int_equal(e0->link, SLAVE_LINK_FAIL);
	/* The return is seen at the event (issue 12), not at the next tick. */
	h_carrier(&H, e0, true);
	assert_int_equal(e0->link, SLAVE_LINK_UP);
	assert_int_equal(e0->link_failure_count, 0);
	assert_ptr_equal(b->active, e0);
	/* The kernel's count: ticks since the loss including the one that saw
	 * it, which is now the event itself. */
	assert_true(h_logged(&H, "link status up again after 200 ms"));
}

static void test_ab_back_then_down_again(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_two("mode active-backup miimon 100 updelay 500", &e0, &e1);

	h_advance(&H, 600);
	h_carrier(&H, e1, false);
	h_advance(&H, 100);
	assert_int_equal(e1->link, SLAVE_LINK_DOWN);
	h_carrier(&H, e1, true);
	h_advance(&H, 100);
	assert_int_equal(e1->link, SLAVE_LINK_BACK);
	h_carrier(&H, e1, false);
	h_advance(&H, 100);
	assert_int_equal(e1->link, SLAVE_LINK_DOWN);
	assert_true(h_logged(&H, "link status down again after"));
	assert_ptr_equal(b->active, e0);
}

static void test_updelay_ignored_without_active(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_two("mode active-backup miimon 100 updelay 10000", &e0, &e1);

	h_advance(&H, 11000);
	h_carrier(&H, e0, false);
	h_carrier(&H, e1, false);
	h_advance(&H, 100);
	assert_null(b->active);
	assert_false(b->carrier);
	assert_true(h_logged(&H, "bond0: now running without any active interface!"));
	h_carrier(&H, e1, true);
	h_advance(&H, 100);
	/* first slave back skips the 10 s updelay: the bond recovers at once */
	assert_ptr_equal(b->active, e1);
	assert_int_equal(e1->link, SLAVE_LINK_UP);
	assert_true(b->carrier);
	assert_true(h_logged(&H, "bond0: active interface up!"));
	/* the second one waits its updelay since there is an active slave now */
	h_carrier(&H, e0, true);
	h_advance(&H, 100);
	assert_int_equal(e0->link, SLAVE_LINK_BACK);
}

static void test_primary_takes_over_on_enslave(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_two("mode active-backup miimon 100 primary eth1", &e0, &e1);

	assert_ptr_equal(b->active, e1);
	assert_true(e0->backup);
}

/* The kernel selftest bond_options.sh prio scenario, for each reselect policy. */
static void prio_scenario(int reselect)
{
	char opts[128];
	struct bond *b;
	struct slave *e0, *e1, *e2;
	struct err err = { 0 };

	snprintf(opts, sizeof(opts), "mode active-backup miimon 100 primary eth1 primary_reselect %d", reselect);
	b = h_bond(&H, "bond0", opts);
	e0 = h_enslave(&H, b, "eth0", 1);
	e1 = h_enslave(&H, b, "eth1", 2);
	e2 = h_enslave(&H, b, "eth2", 3);
	assert_int_equal(opt_slave_set(e1, "prio", "10", H.now, &err), 0);
	assert_int_equal(opt_slave_set(e2, "prio", "11", H.now, &err), 0);
	h_advance(&H, 200);
	assert_ptr_equal(b->active, e1);
	h_carrier(&H, e1, false);
	h_advance(&H, 200);
	assert_ptr_equal(b->active, e2);
	h_carrier(&H, e2, false);
	h_advance(&H, 200);
	assert_ptr_equal(b->active, e0);
	h_carrier(&H, e2, true);
	h_advance(&H, 200);
	assert_ptr_equal(b->active, reselect == PRI_RESELECT_ALWAYS ? e2 : e0);
	h_carrier(&H, e1, true);
	h_advance(&H, 200);
	if (reselect == PRI_RESELECT_ALWAYS) {
		assert_ptr_equal(b->active, e1);
	} else {
		assert_ptr_equal(b->active, e0);
	}
	if (reselect == PRI_RESELECT_FAILURE) {
		h_carrier(&H, e0, false);
		h_advance(&H, 200);
		assert_ptr_equal(b->active, e1);
	}
}

static void test_prio_always(void **state) { prio_scenario(PRI_RESELECT_ALWAYS); }
static void test_prio_better(void **state) { prio_scenario(PRI_RESELECT_BETTER); }
static void test_prio_failure(void **state) { prio_scenario(PRI_RESELECT_FAILURE); }

static void test_ab_tx_rx_rules(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_two("mode active-backup miimon 100", &e0, &e1);
	uint8_t f[64];
	size_t len = h_udp_frame(f, 1000);
	unsigned from = H.ntx;
	struct err err = { 0 };

	for (int i = 0; i < 10; i++)
		h_xmit(&H, b, f, len);
	assert_int_equal(h_tx_count(&H, e0, from), 10);
	assert_int_equal(h_tx_count(&H, e1, from), 0);
	slave_receive(e0, f, len, NULL, H.now);
	slave_receive(e1, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 1);
	assert_int_equal(opt_set(b, "all_slaves_active", "1", H.now, &err), 0);
	slave_receive(e1, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 2);
	/* link-local group frames (LLDP) reach the bond from the active
	 * slave only; on an inactive slave they stay with the slave */
	assert_int_equal(opt_set(b, "all_slaves_active", "0", H.now, &err), 0);
	f[0] = 0x01; f[1] = 0x80; f[2] = 0xc2; f[3] = 0; f[4] = 0; f[5] = 0x0e;
	slave_receive(e1, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 2);
	slave_receive(e0, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 3);
}

static void test_xor_flows_stick_and_spread(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-xor miimon 100 xmit_hash_policy layer3+4");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	struct slave *first[64];
	uint8_t f[64];
	size_t len;
	unsigned from;

	assert_false(e0->backup);
	assert_false(e1->backup);
	for (unsigned p = 0; p < 64; p++) {
		len = h_udp_frame(f, (uint16_t)(1000 + p));
		from = H.ntx;
		for (int i = 0; i < 5; i++)
			h_xmit(&H, b, f, len);
		first[p] = H.tx[from].s;
		/* one flow, one slave */
		assert_int_equal(h_tx_count(&H, first[p], from), 5);
	}
	from = 0;
	for (unsigned p = 0; p < 64; p++)
		from += first[p] == e0;
	assert_in_range(from, 16, 48);
	/* a failed slave's flows move; the others keep theirs */
	h_carrier(&H, e1, false);
	h_advance(&H, 100);
	for (unsigned p = 0; p < 64; p++) {
		len = h_udp_frame(f, (uint16_t)(1000 + p));
		from = H.ntx;
		h_xmit(&H, b, f, len);
		assert_ptr_equal(H.tx[from].s, e0);
	}
	/* every slave's frames go up */
	slave_receive(e1, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 1);
}

static void test_xor_recovery_ignores_updelay(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-xor miimon 100 updelay 5000");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);

	h_advance(&H, 6000);
	h_carrier(&H, e0, false);
	h_carrier(&H, e1, false);
	h_advance(&H, 100);
	assert_false(b->carrier);
	h_carrier(&H, e0, true);
	h_advance(&H, 100);
	assert_true(b->carrier);
	assert_int_equal(b->n_usable, 1);
}

static void test_broadcast_every_slave(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode broadcast miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	struct slave *e2 = h_enslave(&H, b, "eth2", 3);
	uint8_t f[64];
	size_t len = h_udp_frame(f, 7);
	unsigned from = H.ntx;

	h_xmit(&H, b, f, len);
	assert_int_equal(h_tx_count(&H, e0, from), 1);
	assert_int_equal(h_tx_count(&H, e1, from), 1);
	assert_int_equal(h_tx_count(&H, e2, from), 1);
	h_carrier(&H, e1, false);
	h_advance(&H, 100);
	from = H.ntx;
	h_xmit(&H, b, f, len);
	assert_int_equal(H.ntx - from, 2);
	assert_int_equal(h_tx_count(&H, e1, from), 0);
}

static void test_rr_counter_and_ppslave(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-rr miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	struct err err = { 0 };
	uint8_t f[64];
	size_t len = h_udp_frame(f, 1);
	unsigned from = H.ntx;

	/* the counter is incremented before use: first frame on slave 1 */
	h_xmit(&H, b, f, len);
	assert_ptr_equal(H.tx[from].s, e1);
	h_xmit(&H, b, f, len);
	assert_ptr_equal(H.tx[from + 1].s, e0);
	from = H.ntx;
	for (int i = 0; i < 100; i++)
		h_xmit(&H, b, f, len);
	assert_int_equal(h_tx_count(&H, e0, from), 50);
	assert_int_equal(h_tx_count(&H, e1, from), 50);

	assert_int_equal(opt_set(b, "packets_per_slave", "3", H.now, &err), 0);
	/* The counter stands at 102 = 3 x 34 (the kernel does not reset it
	 * when packets_per_slave changes): ids 103..114 / 3 = 34,34,35,35,35,
	 * 36,... give the same slaves as ids 1..12 / 3 from a fresh counter. */
	from = H.ntx;
	for (int i = 0; i < 12; i++)
		h_xmit(&H, b, f, len);
	/* ids 1..12 / 3 = 0,0,1,1,1,2,2,2,3,3,3,4 -> e0 e0 e1 e1 e1 e0 ... */
	assert_ptr_equal(H.tx[from].s, e0);
	assert_ptr_equal(H.tx[from + 1].s, e0);
	assert_ptr_equal(H.tx[from + 2].s, e1);
	assert_ptr_equal(H.tx[from + 4].s, e1);
	assert_ptr_equal(H.tx[from + 5].s, e0);

	assert_int_equal(opt_set(b, "packets_per_slave", "0", H.now, &err), 0);
	from = H.ntx;
	for (int i = 0; i < 1000; i++)
		h_xmit(&H, b, f, len);
	assert_in_range(h_tx_count(&H, e0, from), 400, 600);

	/* a slave without carrier is skipped at once, even before miimon */
	assert_int_equal(opt_set(b, "packets_per_slave", "1", H.now, &err), 0);
	h_carrier(&H, e1, false);
	from = H.ntx;
	for (int i = 0; i < 10; i++)
		h_xmit(&H, b, f, len);
	assert_int_equal(h_tx_count(&H, e0, from), 10);
}

/* tx_while_down: host frames (they carry meta) never leave on a slave the
 * bond holds down, across a failover; the counter sees it when one does. */
static void test_tx_while_down(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode active-backup miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	static const uint8_t vnet[10];
	uint8_t f[64];
	size_t len = h_udp_frame(f, 1);

	(void)state;
	for (int i = 0; i < 10; i++)
		bond_xmit(b, f, len, vnet, H.now);
	h_carrier(&H, e0, false);
	h_advance(&H, 200);
	assert_ptr_equal(b->active, e1);
	for (int i = 0; i < 10; i++)
		bond_xmit(b, f, len, vnet, H.now);
	assert_int_equal(e0->stats.tx_while_down, 0);
	assert_int_equal(e1->stats.tx_while_down, 0);
	assert_int_equal(e0->link, SLAVE_LINK_DOWN);
	bond_tx_on(b, e0, f, len, NULL);        /* the engine's own frame */
	assert_int_equal(e0->stats.tx_while_down, 0);
	bond_tx_on(b, e0, f, len, vnet);        /* a host frame: a broken rule */
	assert_int_equal(e0->stats.tx_while_down, 1);
}

static void test_rr_igmp_on_active(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-rr miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	uint8_t f[64];
	size_t len = h_udp_frame(f, 1);
	unsigned from;

	h_enslave(&H, b, "eth1", 2);
	f[14 + 9] = 2;   /* IGMP */
	from = H.ntx;
	for (int i = 0; i < 6; i++)
		h_xmit(&H, b, f, len);
	assert_int_equal(h_tx_count(&H, e0, from), 6);
}

static void test_rr_all_roles_active_and_rx(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-rr");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	uint8_t f[64];
	size_t len = h_udp_frame(f, 1);

	assert_false(e0->backup);
	assert_false(e1->backup);
	slave_receive(e0, f, len, NULL, H.now);
	slave_receive(e1, f, len, NULL, H.now);
	assert_int_equal(H.ndeliver, 2);
	/* miimon 0: no monitor, link stays up, carrier stays on */
	h_carrier(&H, e0, false);
	h_carrier(&H, e1, false);
	h_advance(&H, 1000);
	assert_int_equal(e0->link, SLAVE_LINK_UP);
	assert_true(b->carrier);
}

static unsigned count_grat_arps(unsigned from, const struct slave *s, uint32_t ip)
{
	unsigned n = 0;

	for (unsigned i = from; i < H.ntx; i++) {
		const uint8_t *f = H.tx[i].frame;

		if (H.tx[i].s == s && f[12] == 0x08 && f[13] == 0x06 &&
		    !memcmp(f + 14 + 14, &ip, 4) && !memcmp(f + 14 + 24, &ip, 4))
			n++;
	}
	return n;
}

static void grat_arp_count(unsigned n)
{
	char opts[160];
	struct slave *e0, *e1;
	struct bond *b;
	uint32_t ip = 0x010200c0;   /* 192.0.2.1 in network order */
	unsigned from;

	snprintf(opts, sizeof(opts),
		 "mode active-backup miimon 100 num_grat_arp %u peer_notif_delay 1000", n);
	b = ab_two(opts, &e0, &e1);
	bond_set_addrs(b, &ip, NULL, 1, NULL, 0);
	h_advance(&H, 5000 + 1000 * n);
	from = H.ntx;
	h_carrier(&H, e0, false);
	h_advance(&H, 1000 * (n + 2));
	assert_int_equal(count_grat_arps(from, e1, ip), n);
	assert_int_equal(count_grat_arps(from, e0, ip), 0);
}

static void test_grat_arp_10(void **state) { grat_arp_count(10); }
static void test_grat_arp_3(void **state) { grat_arp_count(3); }

static void test_unsolicited_na_on_failover(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_two("mode active-backup miimon 100", &e0, &e1);
	uint8_t v6[1][16] = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	unsigned from;
	bool seen = false;

	bond_set_addrs(b, NULL, NULL, 0, (const uint8_t (*)[16])v6, 1);
	h_advance(&H, 1000);
	from = H.ntx;
	h_carrier(&H, e0, false);
	h_advance(&H, 200);
	for (unsigned i = from; i < H.ntx; i++)
		if (H.tx[i].s == e1 && H.tx[i].frame[12] == 0x86 && H.tx[i].frame[13] == 0xdd &&
		    H.tx[i].frame[14 + 40] == 136)
			seen = true;
	assert_true(seen);
}

static void test_fail_over_mac_active(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_two("mode active-backup miimon 100 fail_over_mac active", &e0, &e1);

	assert_memory_equal(e1->cur_mac, e1->perm_mac, 6);
	assert_memory_equal(b->mac, e0->perm_mac, 6);
	h_carrier(&H, e0, false);
	h_advance(&H, 200);
	assert_ptr_equal(b->active, e1);
	assert_memory_equal(b->mac, e1->perm_mac, 6);
}

static void test_fail_over_mac_follow(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_two("mode active-backup miimon 100 fail_over_mac follow", &e0, &e1);
	uint8_t bondmac[6];

	memcpy(bondmac, b->mac, 6);
	assert_memory_equal(e1->cur_mac, e1->perm_mac, 6);
	h_carrier(&H, e0, false);
	h_advance(&H, 200);
	assert_ptr_equal(b->active, e1);
	assert_memory_equal(b->mac, bondmac, 6);
	assert_memory_equal(e1->cur_mac, bondmac, 6);
	assert_memory_equal(e0->cur_mac, e1->perm_mac, 6);
}

static void test_release_active_and_last(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_two("mode active-backup miimon 100", &e0, &e1);

	bond_release(b, e0, H.now);
	assert_ptr_equal(b->active, e1);
	assert_true(b->carrier);
	bond_release(b, e1, H.now);
	assert_null(b->active);
	assert_false(b->carrier);
	assert_true(b->mac_random);
	/* next first slave gives its address */
	e0 = h_enslave(&H, b, "eth5", 5);
	assert_memory_equal(b->mac, e0->perm_mac, 6);
}

static void test_active_slave_errors(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_two("mode active-backup miimon 100", &e0, &e1);
	struct bond *b2 = h_bond(&H, "bond1", "mode balance-rr");
	struct err err = { 0 };

	h_enslave(&H, b2, "eth9", 9);
	assert_int_equal(bond_set_active_slave(b, "eth7", H.now, &err), -22);
	assert_non_null(strstr(err.msg, "Device is not bonding slave"));
	assert_int_equal(bond_set_active_slave(b, "eth9", H.now, &err), -22);
	assert_non_null(strstr(err.msg, "Device is not our slave"));
	h_carrier(&H, e1, false);
	h_advance(&H, 200);
	assert_int_equal(bond_set_active_slave(b, "eth1", H.now, &err), -22);
	assert_non_null(strstr(err.msg, "Could not set as active slave; either eth1 is down or the link is down"));
	h_carrier(&H, e1, true);
	h_advance(&H, 200);
	assert_int_equal(bond_set_active_slave(b, "eth1", H.now, &err), 0);
	assert_ptr_equal(b->active, e1);
	assert_int_equal(bond_set_active_slave(b2, "eth9", H.now, &err), -13);
}

static void test_enslave_errors(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_two("mode active-backup miimon 100", &e0, &e1);
	struct err err = { 0 };
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 9 };
	struct link_info li = { .running = true, .carrier = true };

	assert_null(bond_enslave(b, "eth0", mac, &li, NULL, H.now, &err));
	assert_non_null(strstr(err.msg, "already a slave"));
	assert_null(bond_enslave(b, "bond0", mac, &li, NULL, H.now, &err));
	assert_int_equal(b->n_slaves, 2);
}

static void test_carrier_follows_links(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_two("mode active-backup miimon 100", &e0, &e1);

	h_carrier(&H, e0, false);
	h_carrier(&H, e1, false);
	h_advance(&H, 100);
	assert_false(b->carrier);
	h_carrier(&H, e0, true);
	h_advance(&H, 100);
	assert_true(b->carrier);
	assert_ptr_equal(b->active, e0);
}

static void test_admin_down_stops_monitor(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_two("mode active-backup miimon 100", &e0, &e1);

	bond_set_admin(b, false, H.now);
	h_carrier(&H, e0, false);
	h_advance(&H, 1000);
	assert_int_equal(e0->link, SLAVE_LINK_UP);
	bond_set_admin(b, true, H.now);
	h_advance(&H, 0);
	assert_int_equal(e0->link, SLAVE_LINK_DOWN);
	assert_ptr_equal(b->active, e1);
}

/* ---- ARP monitor --------------------------------------------------- */

static const uint32_t BOND_IP = 0x010200c0;    /* 192.0.2.1 */
static const uint32_t TARGET_IP = 0xfe0200c0;  /* 192.0.2.254 */

static size_t arp_frame(uint8_t *f, uint16_t op, const uint8_t *dst, uint32_t sip, uint32_t tip)
{
	static const uint8_t peer[6] = { 2, 0, 0, 0, 0, 0xfe };

	memset(f, 0, 60);
	memcpy(f, dst, 6);
	memcpy(f + 6, peer, 6);
	f[12] = 0x08; f[13] = 0x06;
	f[15] = 1; f[16] = 0x08; f[18] = 6; f[19] = 4; f[21] = (uint8_t)op;
	memcpy(f + 22, peer, 6);
	memcpy(f + 28, &sip, 4);
	memcpy(f + 38, &tip, 4);
	return 60;
}

static unsigned count_probes(unsigned from, const struct slave *s)
{
	unsigned n = 0;

	for (unsigned i = from; i < H.ntx; i++) {
		const uint8_t *f = H.tx[i].frame;

		if (H.tx[i].s == s && f[12] == 0x08 && f[13] == 0x06 && f[21] == 1 &&
		    !memcmp(f + 28, &BOND_IP, 4) && !memcmp(f + 38, &TARGET_IP, 4) &&
		    !memcmp(f + 6, s->cur_mac, 6))
			n++;
	}
	return n;
}

static void test_arp_lb_probes_and_down(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-rr arp_interval 100 arp_ip_target 192.0.2.254");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	uint8_t f[64];
	unsigned from;

	bond_set_addrs(b, &BOND_IP, (const uint8_t[]){ 24 }, 1, NULL, 0);
	assert_int_equal(b->params.miimon, 0);
	from = H.ntx;
	/* eth0 hears something every interval, eth1 nothing */
	for (int i = 0; i < 10; i++) {
		h_udp_frame(f, 1);
		slave_receive(e0, f, 60, NULL, H.now);
		h_advance(&H, 100);
	}
	assert_in_range(count_probes(from, e0), 9, 11);
	assert_in_range(count_probes(from, e1), 2, 11);
	assert_int_equal(e0->link, SLAVE_LINK_UP);
	assert_int_equal(e1->link, SLAVE_LINK_DOWN);
	assert_int_equal(e1->link_failure_count, 1);
	assert_true(e1->backup);       /* the ARP monitor marks it backup */
	assert_false(e1->inactive);    /* but it still receives */
	assert_true(h_logged(&H, "(slave eth1): interface is now down"));
	/* traffic on eth1 again: back up within an interval or two */
	for (int i = 0; i < 3; i++) {
		slave_receive(e0, f, 60, NULL, H.now);
		slave_receive(e1, f, 60, NULL, H.now);
		h_advance(&H, 100);
	}
	assert_int_equal(e1->link, SLAVE_LINK_UP);
	assert_true(h_logged(&H, "(slave eth1): interface is now up"));
	assert_true(b->carrier);
}

static void test_arp_ab_validate_all(void **state)
{
	struct bond *b = h_bond(&H, "bond0",
		"mode active-backup arp_interval 100 arp_validate all arp_ip_target 192.0.2.254");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	uint8_t f[64], bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	unsigned from;

	bond_set_addrs(b, &BOND_IP, (const uint8_t[]){ 24 }, 1, NULL, 0);
	assert_ptr_equal(b->active, e0);
	/* the target answers the active slave, and the backup sees the
	 * active slave's probe: both stay up */
	from = H.ntx;
	for (int i = 0; i < 20; i++) {
		arp_frame(f, 2, e0->cur_mac, TARGET_IP, BOND_IP);
		slave_receive(e0, f, 60, NULL, H.now);
		arp_frame(f, 1, bcast, BOND_IP, TARGET_IP);
		slave_receive(e1, f, 60, NULL, H.now);
		h_advance(&H, 100);
	}
	assert_int_equal(e0->link, SLAVE_LINK_UP);
	assert_int_equal(e1->link, SLAVE_LINK_UP);
	assert_in_range(count_probes(from, e0), 19, 21);
	assert_int_equal(count_probes(from, e1), 0);   /* only the active probes */
	/* a reply from somebody who is not a target proves nothing */
	for (int i = 0; i < 6; i++) {
		arp_frame(f, 2, e0->cur_mac, 0x050200c0, BOND_IP);
		slave_receive(e0, f, 60, NULL, H.now);
		h_advance(&H, 100);
	}
	/* down, and maybe already the probing candidate again ("going back") */
	assert_true(e0->link == SLAVE_LINK_DOWN || e0->link == SLAVE_LINK_BACK);
	assert_int_equal(e0->link_failure_count, 1);
	assert_true(h_logged(&H, "(slave eth0): link status definitely down, disabling slave"));
	/* no active slave left that proves anything: the monitor probes
	 * through the slaves one at a time */
	assert_null(b->active);
	from = H.ntx;
	h_advance(&H, 100);
	assert_non_null(b->current_arp_slave);
	/* the candidate gets an answer: it becomes active */
	arp_frame(f, 2, b->current_arp_slave->cur_mac, TARGET_IP, BOND_IP);
	slave_receive(b->current_arp_slave, f, 60, NULL, H.now);
	h_advance(&H, 100);
	assert_non_null(b->active);
	assert_true(b->carrier);
}

static void test_ns_monitor_ab(void **state)
{
	struct bond *b = h_bond(&H, "bond0",
		"mode active-backup arp_interval 100 arp_validate active ns_ip6_target 2001:db8::fe");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	uint8_t v6[1][16] = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	uint8_t tgt[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0xfe };
	uint8_t na[14 + 40 + 32] = { 0 };
	unsigned from, ns = 0;

	h_enslave(&H, b, "eth1", 2);
	bond_set_addrs(b, NULL, NULL, 0, (const uint8_t (*)[16])v6, 1);
	memcpy(na, e0->cur_mac, 6);
	na[12] = 0x86; na[13] = 0xdd;
	na[14] = 0x60; na[14 + 6] = 58; na[14 + 7] = 255;
	memcpy(na + 14 + 8, tgt, 16);
	memcpy(na + 14 + 24, v6[0], 16);
	na[14 + 40] = 136;
	from = H.ntx;
	for (int i = 0; i < 20; i++) {
		slave_receive(e0, na, sizeof(na), NULL, H.now);
		h_advance(&H, 100);
	}
	for (unsigned i = from; i < H.ntx; i++) {
		const uint8_t *f = H.tx[i].frame;

		if (H.tx[i].s == e0 && f[0] == 0x33 && f[2] == 0xff && f[5] == 0xfe &&
		    f[14 + 40] == 135 && !memcmp(f + 14 + 8, v6[0], 16) &&
		    !memcmp(f + 14 + 40 + 8, tgt, 16))
			ns++;
	}
	assert_in_range(ns, 19, 21);
	assert_int_equal(e0->link, SLAVE_LINK_UP);
	assert_ptr_equal(b->active, e0);
	/* the target stops answering: the active slave goes down */
	h_advance(&H, 1000);
	assert_int_equal(e0->link_failure_count, 1);
}

/* ---- bond_explain_tx: the facts `bondctl hash` prints ------------------- */

/* An explanation that names one slave must name the slave the next frame
 * really takes, and explaining must change nothing. */
static void check_explain_then_send(struct bond *b, const uint8_t *f, size_t len,
				    const struct tx_explain *x)
{
	struct tx_explain again;
	unsigned from = H.ntx;

	bond_explain_tx(b, f, len, &again);
	assert_ptr_equal(again.slave, x->slave);
	assert_string_equal(again.reason, x->reason);
	h_xmit(&H, b, f, len);
	if (x->slave) {
		assert_int_equal(H.ntx - from, 1);
		assert_ptr_equal(H.tx[from].s, x->slave);
	} else if (x->every_slave) {
		assert_int_equal(H.ntx - from, x->n_set);
	} else if (!x->by_load) {
		assert_int_equal(H.ntx - from, 0);
	}
}

static void test_explain_rr(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-rr miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	struct slave *e1 = h_enslave(&H, b, "eth1", 2);
	struct err err = { 0 };
	struct tx_explain x;
	uint8_t f[64], igmp[64];
	size_t len = h_udp_frame(f, 1);

	bond_explain_tx(b, f, len, &x);
	assert_false(x.hashed);
	assert_string_equal(x.set_label, "slaves");
	assert_int_equal(x.n_set, 2);
	/* the counter is incremented before use: the next frame takes eth1 */
	assert_ptr_equal(x.slave, e1);
	assert_string_equal(x.reason, "balance-rr: frames take the slaves in turn "
			    "(packets_per_slave=1); this is where the next frame goes");
	for (int i = 0; i < 5; i++) {
		bond_explain_tx(b, f, len, &x);
		check_explain_then_send(b, f, len, &x);
	}
	assert_int_equal(opt_set(b, "packets_per_slave", "3", H.now, &err), 0);
	for (int i = 0; i < 7; i++) {
		bond_explain_tx(b, f, len, &x);
		check_explain_then_send(b, f, len, &x);
	}

	/* IGMP leaves on the active slave (selection runs in every mode) */
	memcpy(igmp, f, len);
	igmp[23] = 2;
	bond_explain_tx(b, igmp, len, &x);
	assert_ptr_equal(b->active, e0);
	assert_ptr_equal(x.slave, e0);
	assert_string_equal(x.reason, "balance-rr: IGMP is not striped: it leaves on "
			    "the active slave");
	check_explain_then_send(b, igmp, len, &x);
	/* it follows the active slave */
	h_carrier(&H, e0, false);
	h_advance(&H, 100);
	assert_ptr_equal(b->active, e1);
	bond_explain_tx(b, igmp, len, &x);
	assert_ptr_equal(x.slave, e1);
	check_explain_then_send(b, igmp, len, &x);

	assert_int_equal(opt_set(b, "packets_per_slave", "0", H.now, &err), 0);
	bond_explain_tx(b, f, len, &x);
	assert_null(x.slave);
	assert_string_equal(x.reason, "balance-rr: packets_per_slave=0: each frame "
			    "takes a random slave");
}

static void test_explain_ab_bcast(void **state)
{
	struct slave *e0, *e1;
	/* downdelay: the carrier event is inspected at once (issue 12), so
	 * "going down, not decided yet" is the downdelay's window. */
	struct bond *b = ab_two("mode active-backup miimon 100 downdelay 200", &e0, &e1);
	struct bond *c;
	struct tx_explain x;
	uint8_t f[64];
	size_t len = h_udp_frame(f, 1);

	bond_explain_tx(b, f, len, &x);
	assert_ptr_equal(x.slave, e0);
	assert_null(x.set_label);
	assert_string_equal(x.reason, "active-backup: every frame leaves on the "
			    "active slave eth0");
	check_explain_then_send(b, f, len, &x);
	/* Carrier gone, downdelay running: the frame still leaves on eth0
	 * (as in the kernel), and the explanation says so. */
	h_carrier(&H, e0, false);
	bond_explain_tx(b, f, len, &x);
	assert_ptr_equal(x.slave, e0);
	assert_string_equal(x.reason, "active-backup: every frame leaves on the "
			    "active slave eth0 (its link is going down: the monitor "
			    "has not decided yet)");
	check_explain_then_send(b, f, len, &x);
	h_carrier(&H, e1, false);
	h_advance(&H, 300);
	bond_explain_tx(b, f, len, &x);
	assert_null(x.slave);
	assert_string_equal(x.reason, "active-backup: no active slave: the frame "
			    "would be dropped");

	c = h_bond(&H, "bond1", "mode broadcast miimon 100");
	h_enslave(&H, c, "eth2", 3);
	h_enslave(&H, c, "eth3", 4);
	bond_explain_tx(c, f, len, &x);
	assert_null(x.slave);
	assert_true(x.every_slave);
	assert_int_equal(x.n_set, 2);
	assert_string_equal(x.set_label, "slaves up");
	assert_string_equal(x.reason, "broadcast: every frame is copied to every "
			    "slave that is up");
	check_explain_then_send(c, f, len, &x);
}

static void test_explain_hashing(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-xor miimon 100 "
				"xmit_hash_policy layer3+4");
	struct bond *t;
	struct tx_explain x;
	uint8_t f[64];
	size_t len;

	h_enslave(&H, b, "eth0", 1);
	h_enslave(&H, b, "eth1", 2);
	h_enslave(&H, b, "eth2", 3);
	for (uint16_t port = 1; port < 40; port++) {
		len = h_udp_frame(f, port);
		bond_explain_tx(b, f, len, &x);
		assert_true(x.hashed);
		assert_true(x.indexed);
		assert_int_equal(x.hash, xmit_hash(XMIT_LAYER34, f, len));
		assert_int_equal(x.index, x.hash % 3);
		assert_ptr_equal(x.slave, b->usable[x.index]);
		assert_string_equal(x.set_label, "usable slaves");
		assert_string_equal(x.reason, "balance-xor: usable[hash % 3]");
		check_explain_then_send(b, f, len, &x);
	}

	/* balance-tlb hashes with tlb_dynamic_lb=0, goes by load with 1 */
	t = h_bond(&H, "bond1", "mode balance-tlb miimon 100 tlb_dynamic_lb 0");
	h_enslave(&H, t, "eth3", 4);
	h_enslave(&H, t, "eth4", 5);
	len = h_udp_frame(f, 7);
	bond_explain_tx(t, f, len, &x);
	assert_true(x.hashed && x.indexed);
	assert_string_equal(x.reason, "balance-tlb: usable[hash % 2]");
	check_explain_then_send(t, f, len, &x);
}

static void test_explain_tlb_alb(void **state)
{
	struct bond *t = h_bond(&H, "bond0", "mode balance-tlb miimon 100");
	struct bond *a;
	struct slave *e0 = h_enslave(&H, t, "eth0", 1);
	struct tx_explain x;
	uint8_t f[64];
	size_t len = h_udp_frame(f, 9);

	h_enslave(&H, t, "eth1", 2);
	bond_explain_tx(t, f, len, &x);
	assert_true(x.hashed);
	assert_false(x.indexed);
	assert_true(x.by_load);
	assert_null(x.slave);
	assert_int_equal(x.hash, xmit_hash(XMIT_LAYER2, f, len));
	/* broadcast is not balanced: the active slave */
	memset(f, 0xff, 6);
	bond_explain_tx(t, f, len, &x);
	assert_false(x.hashed);
	assert_ptr_equal(x.slave, e0);
	assert_string_equal(x.reason, "balance-tlb: only unicast IPv4/IPv6 is "
			    "balanced; this frame leaves on the active slave");
	check_explain_then_send(t, f, len, &x);

	a = h_bond(&H, "bond1", "mode balance-alb miimon 100");
	e0 = h_enslave(&H, a, "eth2", 3);
	h_enslave(&H, a, "eth3", 4);
	bond_explain_tx(a, f, len, &x);
	assert_ptr_equal(x.slave, e0);
	assert_false(x.by_load);
	check_explain_then_send(a, f, len, &x);
	len = h_udp_frame(f, 9);
	bond_explain_tx(a, f, len, &x);
	assert_null(x.slave);
	assert_true(x.by_load);
	assert_false(x.hashed);
	assert_string_equal(x.reason, "balance-alb: unicast IP is balanced by "
			    "destination address over buckets assigned by load, ARP by "
			    "receive load balancing; other frames leave on the active slave");
}

/* What code that holds only a mode number asks the table. */
static void test_mode_table_fields(void **state)
{
	static const bool primary[] = { 0, 1, 0, 0, 0, 1, 1 };
	static const bool arp[] = { 1, 1, 1, 1, 0, 0, 0 };

	for (uint32_t m = 0; m < 7; m++) {
		assert_non_null(mode_lookup(m));
		assert_int_equal(mode_lookup(m)->number, m);
		assert_int_equal(bond_mode_uses_primary(m), primary[m]);
		assert_int_equal(mode_lookup(m)->promisc_active_only, primary[m]);
		assert_int_equal(bond_mode_uses_arp(m), arp[m]);
	}
	assert_null(mode_lookup(7));
	assert_false(bond_mode_uses_primary(7));
	assert_true(mode_lookup(4)->lacp);
	assert_true(mode_lookup(6)->forces_dynamic_lb);
	assert_true(mode_lookup(1)->fail_over_mac);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ab_enslave_roles_and_macs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ab_failover_no_downdelay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ab_downdelay_timeline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ab_fail_then_up_again_counts_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ab_back_then_down_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_updelay_ignored_without_active, setup, teardown),
		cmocka_unit_test_setup_teardown(test_primary_takes_over_on_enslave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prio_always, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prio_better, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prio_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ab_tx_rx_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rr_counter_and_ppslave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_while_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xor_flows_stick_and_spread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xor_recovery_ignores_updelay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broadcast_every_slave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rr_igmp_on_active, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rr_all_roles_active_and_rx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grat_arp_10, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grat_arp_3, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsolicited_na_on_failover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_over_mac_active, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_over_mac_follow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_active_and_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_active_slave_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enslave_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_carrier_follows_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_admin_down_stops_monitor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arp_lb_probes_and_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arp_ab_validate_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ns_monitor_ab, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explain_rr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explain_ab_bcast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explain_hashing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explain_tlb_alb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_table_fields, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
