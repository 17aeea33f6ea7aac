/* Failover at the speed of the event (issue 12, item 1), in virtual time:
 * with miimon > 0 a carrier event is inspected inside slave_link_event(),
 * and updelay/downdelay count miimon ticks from the event, not from the
 * tick that would have sampled it. Without miimon (ARP monitor) nothing
 * changes: the monitor keeps its own pace. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "engine_harness.h"
#include "core/mode.h"
#include "core/lacp/lacp.h"

static struct harness H;

static int setup(void **state)
{
	(void)state;
	h_init(&H);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_fini(&H);
	return 0;
}

/* A bond created at t (H.now = 1000) with eth0 active and eth1 backup;
 * returns with the clock at t + 37 ms, between two miimon ticks. */
static struct bond *ab_at_37(const char *opts, struct slave **e0, struct slave **e1)
{
	struct bond *b = h_bond(&H, "bond0", opts);

	*e0 = h_enslave(&H, b, "eth0", 1);
	*e1 = h_enslave(&H, b, "eth1", 2);
	h_advance(&H, 1000);            /* any updelay of the start is over */
	assert_ptr_equal(b->active, *e0);
	assert_int_equal((*e1)->link, SLAVE_LINK_UP);
	h_advance(&H, 37);
	return b;
}

static void test_down_at_the_event(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_at_37("mode active-backup miimon 100", &e0, &e1);
	uint64_t t = H.now;
	unsigned from;
	uint8_t f[64];
	size_t len = h_udp_frame(f, 7);

	h_carrier(&H, e0, false);
	assert_int_equal(H.now, t);
	assert_int_equal(e0->link, SLAVE_LINK_DOWN);
	assert_int_equal(e0->link_failure_count, 1);
	assert_ptr_equal(b->active, e1);
	assert_true(b->carrier);
	/* the next frame leaves on the new active slave, still at t */
	from = H.ntx;
	h_xmit(&H, b, f, len);
	assert_int_equal(h_tx_count(&H, e1, from), 1);
	assert_int_equal(h_tx_count(&H, e0, from), 0);
	/* the monitor's timer is re-phased to the event */
	assert_int_equal(b->next_mii_ms, t + 100);
}

static void test_downdelay_from_the_event(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_at_37("mode active-backup miimon 100 downdelay 200", &e0, &e1);
	uint64_t t = H.now;

	h_carrier(&H, e0, false);
	assert_int_equal(e0->link, SLAVE_LINK_FAIL);
	assert_ptr_equal(b->active, e0);
	h_advance(&H, 199);
	assert_int_equal(H.now, t + 199);
	assert_int_equal(e0->link, SLAVE_LINK_FAIL);
	assert_ptr_equal(b->active, e0);
	h_advance(&H, 1);               /* event + 200 ms */
	assert_int_equal(e0->link, SLAVE_LINK_DOWN);
	assert_ptr_equal(b->active, e1);
	assert_int_equal(e0->link_failure_count, 1);
}

static void test_updelay_from_the_event(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_at_37("mode active-backup miimon 100 updelay 200 primary eth0",
				  &e0, &e1);
	uint64_t t;

	h_carrier(&H, e0, false);       /* downdelay 0: failover now */
	assert_ptr_equal(b->active, e1);
	h_advance(&H, 437);             /* back 37 ms past a tick again */
	t = H.now;
	h_carrier(&H, e0, true);
	assert_int_equal(e0->link, SLAVE_LINK_BACK);
	h_advance(&H, 199);
	assert_int_equal(e0->link, SLAVE_LINK_BACK);
	assert_ptr_equal(b->active, e1);
	h_advance(&H, 1);               /* event + 200: up, and the primary takes over */
	assert_int_equal(H.now, t + 200);
	assert_int_equal(e0->link, SLAVE_LINK_UP);
	assert_ptr_equal(b->active, e0);
}

static void test_flap_inside_downdelay_cancels(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_at_37("mode active-backup miimon 100 downdelay 200", &e0, &e1);

	h_carrier(&H, e0, false);
	h_advance(&H, 150);
	assert_int_equal(e0->link, SLAVE_LINK_FAIL);
	h_carrier(&H, e0, true);        /* back before the delay ran out: up at once */
	assert_int_equal(e0->link, SLAVE_LINK_UP);
	h_advance(&H, 500);
	assert_int_equal(e0->link, SLAVE_LINK_UP);
	assert_int_equal(e0->link_failure_count, 0);
	assert_ptr_equal(b->active, e0);
	assert_true(h_logged(&H, "link status up again after"));
}

static void test_flap_inside_updelay_cancels(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ab_at_37("mode active-backup miimon 100 updelay 300", &e0, &e1);

	h_carrier(&H, e1, false);
	assert_int_equal(e1->link, SLAVE_LINK_DOWN);
	h_advance(&H, 120);
	h_carrier(&H, e1, true);
	assert_int_equal(e1->link, SLAVE_LINK_BACK);
	h_advance(&H, 250);
	h_carrier(&H, e1, false);       /* gone again 250 ms into a 300 ms updelay */
	assert_int_equal(e1->link, SLAVE_LINK_DOWN);
	assert_true(h_logged(&H, "link status down again after"));
	h_advance(&H, 1000);
	assert_int_equal(e1->link, SLAVE_LINK_DOWN);
	assert_ptr_equal(b->active, e0);
}

/* A second slave's event while another's delay runs keeps the timer's
 * phase: the running countdown is neither stretched nor shortened, and the
 * new one is never shorter than configured. */
static void test_second_event_keeps_running_delay(void **state)
{
	struct slave *e0, *e1, *e2;
	struct bond *b = ab_at_37("mode active-backup miimon 100 downdelay 200", &e0, &e1);
	uint64_t t;

	e2 = h_enslave(&H, b, "eth2", 3);
	t = H.now;
	h_carrier(&H, e0, false);       /* e0 down at t + 200 */
	h_advance(&H, 50);
	h_carrier(&H, e1, false);       /* e1: between 200 and 300 ms after its event */
	assert_int_equal(e1->link, SLAVE_LINK_FAIL);
	assert_int_equal(b->next_mii_ms, t + 100);
	h_advance(&H, 149);
	assert_int_equal(e0->link, SLAVE_LINK_FAIL);
	h_advance(&H, 1);
	assert_int_equal(H.now, t + 200);
	assert_int_equal(e0->link, SLAVE_LINK_DOWN);
	assert_ptr_equal(b->active, e2);     /* e1 is failing: not a candidate */
	h_advance(&H, 199);                  /* t + 399: 349 ms after e1's event */
	assert_int_equal(e1->link, SLAVE_LINK_DOWN);
	assert_ptr_equal(b->active, e2);
}

/* 802.3ad: two bonds back to back; LACPDUs carried by the test. */
static void carry(struct bond *a, struct bond *z, unsigned *from)
{
	while (*from < H.ntx) {
		struct h_tx *t = &H.tx[(*from)++];
		struct bond *peer = t->s->bond == a ? z : a;
		struct slave *to = NULL;

		for (unsigned i = 0; i < t->s->bond->n_slaves; i++)
			if (t->s->bond->slaves[i] == t->s)
				to = peer->slaves[i];
		if (to && t->s->os.carrier && to->os.carrier && t->len <= sizeof(t->frame))
			slave_receive(to, t->frame, t->len, NULL, H.now);
	}
}

static void run_pair(struct bond *a, struct bond *z, unsigned *from, uint64_t ms)
{
	for (uint64_t i = 0; i < ms; i += 10) {
		carry(a, z, from);
		h_advance(&H, 10);
	}
	carry(a, z, from);
}

static void test_8023ad_port_leaves_at_the_event(void **state)
{
	const char *o = "mode 802.3ad miimon 100 lacp_rate fast";
	struct bond *a = h_bond(&H, "bond0", o), *z = h_bond(&H, "bond1", o);
	struct slave *a0 = h_enslave(&H, a, "eth0", 1), *a1 = h_enslave(&H, a, "eth1", 2);
	unsigned from = 0;
	uint8_t f[64];
	size_t len = h_udp_frame(f, 7);

	h_enslave(&H, z, "eth2", 3);
	h_enslave(&H, z, "eth3", 4);
	run_pair(a, z, &from, 12000); /* the 8 s aggregator selection wait of ports enslaved to a bond that is up */
	assert_int_equal(a->n_usable, 2);
	assert_true(lacp_port_of(a0)->actor_state & LACP_STATE_DISTRIBUTING);
	h_advance(&H, 37);
	h_carrier(&H, a0, false);
	/* inside the event: the port is disabled and out of the distribution
	 * (usable) set */
	assert_int_equal(a0->link, SLAVE_LINK_DOWN);
	assert_false(lacp_port_of(a0)->enabled);
	assert_int_equal(a->n_usable, 1);
	assert_ptr_equal(a->usable[0], a1);
	for (uint16_t p = 0; p < 32; p++) {
		unsigned n = H.ntx;

		len = h_udp_frame(f, p);
		h_xmit(&H, a, f, len);
		assert_int_equal(h_tx_count(&H, a1, n), 1);
	}
	/* the state machines (their own 100 ms tick) then clear what the
	 * port advertises */
	run_pair(a, z, &from, 100);
	assert_false(lacp_port_of(a0)->actor_state & LACP_STATE_DISTRIBUTING);
}

/* balance-xor: the usable set is rebuilt in the event. */
static void test_xor_usable_at_the_event(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-xor miimon 100");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1), *e1 = h_enslave(&H, b, "eth1", 2);

	h_advance(&H, 237);
	assert_int_equal(b->n_usable, 2);
	h_carrier(&H, e0, false);
	assert_int_equal(b->n_usable, 1);
	assert_ptr_equal(b->usable[0], e1);
	assert_int_equal(e0->link, SLAVE_LINK_DOWN);
	h_carrier(&H, e0, true);
	assert_int_equal(b->n_usable, 2);
}

/* The ARP monitor judges traffic, not carrier: a carrier event keeps
 * today's behaviour (the slave stays usable-by-link until the monitor's
 * own pass; transmit avoids it at once as before). */
static void test_arp_monitor_keeps_its_pace(void **state)
{
	struct bond *b = h_bond(&H, "bond0", "mode balance-xor arp_interval 100 arp_ip_target 192.0.2.254");
	struct slave *e0 = h_enslave(&H, b, "eth0", 1);
	enum slave_link before;
	uint64_t next;

	h_enslave(&H, b, "eth1", 2);
	h_advance(&H, 237);
	before = e0->link;
	next = b->next_mii_ms;
	h_carrier(&H, e0, false);
	assert_int_equal(e0->link, before);
	assert_int_equal(b->next_mii_ms, next);
	for (unsigned i = 0; i < b->n_usable; i++)
		assert_ptr_not_equal(b->usable[i], e0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_down_at_the_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_downdelay_from_the_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_updelay_from_the_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flap_inside_downdelay_cancels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flap_inside_updelay_cancels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_event_keeps_running_delay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_8023ad_port_leaves_at_the_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xor_usable_at_the_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arp_monitor_keeps_its_pace, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
