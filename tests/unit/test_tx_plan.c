/* The transmit plan (bond_tx_plan, core/mode.h) against the engine's own
 * transmit: a small reference reader of the plan (ref_pick, the rules the
 * kernel data path's programs apply) must pick, frame after frame, exactly
 * the slaves the engine's xmit picks, in every mode, through failovers,
 * enslave/release and admin down. A frame the plan leaves to the engine
 * (a tlb bucket with no slave yet, alb's ARP) must be one the engine then
 * decides, after which the plan knows the answer (but for ARP, which alb
 * always keeps for itself). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "engine_harness.h"
#include "core/actions.h"
#include "core/alb.h"
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

enum ref_verdict { R_DROP, R_ENGINE, R_SENT };

struct ref {
	enum ref_verdict v;
	const struct slave *s[BOND_MAX_SLAVES];
	unsigned n;
};

static void sent(struct ref *r, const struct slave *s)
{
	if (!s) {
		r->v = R_DROP;
		return;
	}
	r->v = R_SENT;
	r->s[r->n++] = s;
}

static bool is_igmp(const uint8_t *f, size_t len)
{
	return len >= 34 && f[12] == 0x08 && f[13] == 0 && (f[14] >> 4) == 4 && f[23] == 2;
}

static bool is_arp(const uint8_t *f)
{
	return f[12] == 0x08 && f[13] == 0x06;
}

/* The plan's rules, written once more on their own (the programs in
 * src/bpf are a third writing, tested against the same engine). */
static void ref_pick(const struct tx_plan *p, const uint8_t *f, size_t len,
		     uint32_t *counter, struct ref *r)
{
	uint32_t h;

	/* p->up is a receive rule: a bond that is down gets no frame from
	 * the host to send (its device is down too). */
	memset(r, 0, sizeof(*r));
	switch (p->kind) {
	case TXP_DROP:
		return;
	case TXP_ACTIVE:
		sent(r, p->active);
		return;
	case TXP_RR: {
		uint32_t id;

		if (is_igmp(f, len)) {
			sent(r, p->active);
			return;
		}
		++*counter;
		id = p->packets_per_slave == 1 ? *counter : *counter / p->packets_per_slave;
		sent(r, p->rr_map[id % p->n_slaves]);
		return;
	}
	case TXP_HASH:
		sent(r, p->tx[xmit_hash(p->xmit_policy, f, len) % p->n_tx]);
		return;
	case TXP_BCAST:
		for (unsigned i = 0; i < p->n_tx; i++)
			sent(r, p->tx[i]);
		return;
	case TXP_TLB:
	case TXP_ALB:
		if (p->kind == TXP_ALB && is_arp(f)) {
			r->v = R_ENGINE;
			return;
		}
		/* alb balances unicast IP except IGMP (these tests send no
		 * other kind); tlb what tlb_balances() says. */
		if (p->kind == TXP_ALB ? (f[0] & 1) || is_igmp(f, len) : !tlb_balances(f, len)) {
			sent(r, p->active);
			return;
		}
		if (p->tlb_hashed) {
			sent(r, p->n_tx ? p->tx[xmit_hash(p->xmit_policy, f, len) % p->n_tx] : NULL);
			return;
		}
		h = p->kind == TXP_ALB ? alb_simple_hash(f + 30, 4)
				       : xmit_hash(p->xmit_policy, f, len) & 0xff;
		if (!p->bucket[h] || !slave_can_tx(p->bucket[h])) {
			r->v = R_ENGINE;
			return;
		}
		sent(r, p->bucket[h]);
		return;
	}
}

/* Sends frame through the engine and checks the plan said the same. */
static void check_frame(struct bond *b, const uint8_t *f, size_t len, uint32_t *counter)
{
	struct tx_plan plan;
	struct ref r;
	unsigned from = H.ntx;

	bond_tx_plan(b, &plan);
	ref_pick(&plan, f, len, counter, &r);
	h_xmit(&H, b, f, len);
	if (r.v == R_ENGINE) {
		/* The engine decided; the plan must know it now. */
		bond_tx_plan(b, &plan);
		/* (A bond that is down has no buckets: the host sends it
		 * nothing then.) */
		if (H.ntx > from && !is_arp(f) && plan.up) {
			ref_pick(&plan, f, len, counter, &r);
			assert_int_equal(r.v, R_SENT);
			assert_ptr_equal(r.s[0], H.tx[from].s);
		}
		return;
	}
	if (r.v == R_DROP) {
		assert_int_equal(H.ntx, from);
		return;
	}
	assert_int_equal(H.ntx - from, r.n);
	for (unsigned i = 0; i < r.n; i++)
		assert_ptr_equal(H.tx[from + i].s, r.s[i]);
}

static void frame_to(uint8_t *f, uint16_t sport, uint8_t dst_ip_last)
{
	h_udp_frame(f, sport);
	f[33] = dst_ip_last;
}

/* 64 unicast frames of different flows and destinations, a broadcast, an
 * IGMP report and an ARP request. */
static void burst(struct bond *b, uint32_t *counter)
{
	uint8_t f[64];

	for (unsigned i = 0; i < 64; i++) {
		frame_to(f, (uint16_t)(1000 + i * 7), (uint8_t)(10 + i));
		check_frame(b, f, 60, counter);
	}
	frame_to(f, 9, 255);
	memset(f, 0xff, 6);
	check_frame(b, f, 60, counter);
	frame_to(f, 9, 22);
	f[23] = 2;                  /* IGMP */
	check_frame(b, f, 60, counter);
	frame_to(f, 9, 22);
	f[12] = 0x08;
	f[13] = 0x06;               /* ARP */
	check_frame(b, f, 60, counter);
}

/* Every mode through a life: three slaves, failures, a release, admin
 * down and up; the plan and the engine agree at every frame. */
static void life(const char *opts)
{
	struct bond *b = h_bond(&H, "bond0", opts);
	struct slave *s0 = h_enslave(&H, b, "eth0", 1);
	struct slave *s1 = h_enslave(&H, b, "eth1", 2);
	struct slave *s2 = h_enslave(&H, b, "eth2", 3);
	uint32_t counter = 0;

	(void)s1;
	h_advance(&H, 3000);         /* LACP: ports aggregate (with itself: fine) */
	burst(b, &counter);
	h_carrier(&H, s0, false);
	burst(b, &counter);          /* carrier gone, monitor not yet decided */
	h_advance(&H, 300);
	burst(b, &counter);
	h_carrier(&H, s0, true);
	h_advance(&H, 300);
	burst(b, &counter);
	bond_release(b, s2, H.now);
	burst(b, &counter);
	bond_set_admin(b, false, H.now);
	burst(b, &counter);
	bond_set_admin(b, true, H.now);
	h_advance(&H, 300);
	burst(b, &counter);
}

static void test_plan_ab(void **state) { life("mode active-backup miimon 100"); }
static void test_plan_rr(void **state) { life("mode balance-rr miimon 100"); }
static void test_plan_rr_pps3(void **state) { life("mode balance-rr miimon 100 packets_per_slave 3"); }
static void test_plan_xor(void **state) { life("mode balance-xor miimon 100 xmit_hash_policy layer3+4"); }
static void test_plan_bcast(void **state) { life("mode broadcast miimon 100"); }
static void test_plan_8023ad(void **state) { life("mode 802.3ad miimon 100 xmit_hash_policy layer2+3"); }
static void test_plan_tlb(void **state) { life("mode balance-tlb miimon 100 xmit_hash_policy layer3+4"); }
static void test_plan_tlb_static(void **state) { life("mode balance-tlb miimon 100 tlb_dynamic_lb 0 xmit_hash_policy layer3+4"); }
static void test_plan_alb(void **state) { life("mode balance-alb miimon 100"); }

static void test_plan_flags(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-alb miimon 100");
	struct tx_plan p;

	bond_tx_plan(b, &p);
	assert_int_equal(p.kind, TXP_ALB);
	assert_true(p.rx_rewrite && p.rx_inactive_unicast && !p.lacp && p.up);
	assert_null(p.active);
	b = h_bond(&H, "bond1", "mode 802.3ad");
	bond_tx_plan(b, &p);
	assert_true(p.lacp);
	assert_int_equal(p.kind, TXP_DROP);     /* no port distributes */
	b = h_bond(&H, "bond2", "mode active-backup");
	h_enslave(&H, b, "eth9", 9);
	bond_tx_plan(b, &p);
	assert_int_equal(p.kind, TXP_ACTIVE);
	assert_false(p.rx_rewrite || p.lacp);
}

/* Which bonds must still see received ARP and NS/NA on a data path that
 * carries the frames without the engine: the ARP monitor's, and alb's. */
static void test_reads_neighbor_frames(void **state)
{
	struct err err = { 0 };
	struct bond *b;

	assert_true(bond_reads_neighbor_frames(h_bond(&H, "bond0", "mode balance-alb miimon 100")));
	assert_false(bond_reads_neighbor_frames(h_bond(&H, "bond1", "mode balance-tlb miimon 100")));
	assert_false(bond_reads_neighbor_frames(h_bond(&H, "bond2", "mode 802.3ad miimon 100")));
	b = h_bond(&H, "bond3", "mode active-backup miimon 100");
	assert_false(bond_reads_neighbor_frames(b));
	b = h_bond(&H, "bond4", "mode balance-xor arp_interval 100 arp_ip_target 192.0.2.1");
	assert_true(bond_reads_neighbor_frames(b));
	/* cleared at run time (the monitor stops): no more */
	assert_int_equal(opt_set(b, "arp_interval", "0", 0, &err), 0);
	assert_false(bond_reads_neighbor_frames(b));
}

/* Bytes a data path counted per bucket weigh in tlb's rebalance as the
 * engine's own would: the bucket's slave gets the load. */
static void test_plan_tlb_account(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-tlb miimon 100 xmit_hash_policy layer3+4");
	uint64_t bytes[256] = { 0 };
	struct tx_plan p;
	uint8_t f[64];
	unsigned bucket;

	h_enslave(&H, b, "eth0", 1);
	h_enslave(&H, b, "eth1", 2);
	frame_to(f, 1234, 77);
	h_xmit(&H, b, f, 60);
	bucket = xmit_hash(b->params.xmit_policy, f, 60) & 0xff;
	bond_tx_plan(b, &p);
	assert_non_null(p.bucket[bucket]);
	bytes[bucket] = 10u * 1000 * 1000;
	bond_tx_account(b, bytes, 5000);
	/* The next rebalance (10 s) turns the bytes into that slave's load:
	 * the next new bucket goes to the other slave. */
	h_advance(&H, 10500);
	for (unsigned i = 0; i < 64; i++) {
		unsigned from = H.ntx, nb;

		frame_to(f, (uint16_t)(4000 + i), (uint8_t)i);
		nb = xmit_hash(b->params.xmit_policy, f, 60) & 0xff;
		bond_tx_plan(b, &p);
		if (nb == bucket || p.bucket[nb])
			continue;
		h_xmit(&H, b, f, 60);
		assert_int_equal(H.ntx, from + 1);
		assert_ptr_not_equal(H.tx[from].s, p.bucket[bucket] ? p.bucket[bucket] : NULL);
		break;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plan_ab, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_rr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_rr_pps3, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_xor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_bcast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_8023ad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_tlb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_tlb_static, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_alb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reads_neighbor_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_tlb_account, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
