/* The NS monitor (ns_ip6_target) in active-backup with arp_validate all,
 * in virtual time, tested as the ARP monitor is: a simulated segment where
 * the target 2001:db8::fe answers every neighbour solicitation that reaches
 * it with an advertisement, and floods each solicitation (sent to the
 * target's solicited-node group) to every other connected port, as a
 * switch does. A backup proves its path by seeing the active slave's
 * solicitations (issue 12 item 6: they are addressed to ff02::1:ff00:fe,
 * not to the target itself). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "engine_harness.h"

static struct harness H;
static const uint8_t BOND6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t TARGET6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0xfe };

/* The segment: which slaves are wired to it, whether the target answers. */
static struct {
	struct slave *s[4];
	bool wired[4];
	unsigned n;
	bool target_up;
	unsigned from;          /* first tx record not yet carried */
	unsigned ns_seen_by_target;
} SEG;

static int setup(void **state)
{
	(void)state;
	h_init(&H);
	memset(&SEG, 0, sizeof(SEG));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_fini(&H);
	return 0;
}

static int port_of(const struct slave *s)
{
	for (unsigned i = 0; i < SEG.n; i++)
		if (SEG.s[i] == s)
			return (int)i;
	return -1;
}

static bool is_ns_for_target(const uint8_t *f, size_t len)
{
	return len >= 14 + 40 + 24 && f[12] == 0x86 && f[13] == 0xdd && f[14 + 6] == 58 &&
	       f[14 + 40] == 135 && !memcmp(f + 14 + 40 + 8, TARGET6, 16);
}

/* The target's answer: NA from the target to the solicitation's source. */
static void answer(struct slave *to, const uint8_t *ns)
{
	uint8_t na[14 + 40 + 32] = { 0 };

	memcpy(na, ns + 6, 6);                  /* to the soliciting MAC */
	na[6] = 0x02; na[11] = 0xfe;
	na[12] = 0x86; na[13] = 0xdd;
	na[14] = 0x60; na[14 + 5] = 32; na[14 + 6] = 58; na[14 + 7] = 255;
	memcpy(na + 14 + 8, TARGET6, 16);
	memcpy(na + 14 + 24, ns + 14 + 8, 16);
	na[14 + 40] = 136;
	na[14 + 40 + 4] = 0x60;                 /* solicited, override */
	memcpy(na + 14 + 40 + 8, TARGET6, 16);
	slave_receive(to, na, sizeof(na), NULL, H.now);
}

static void carry(void)
{
	while (SEG.from < H.ntx) {
		struct h_tx *t = &H.tx[SEG.from++];
		int p = port_of(t->s);

		if (p < 0 || !SEG.wired[p] || !is_ns_for_target(t->frame, t->len))
			continue;
		/* flooded: every other wired port sees the solicitation */
		for (unsigned i = 0; i < SEG.n; i++)
			if (i != (unsigned)p && SEG.wired[i])
				slave_receive(SEG.s[i], t->frame, t->len, NULL, H.now);
		if (SEG.target_up) {
			SEG.ns_seen_by_target++;
			answer(t->s, t->frame);
		}
	}
}

static void run(uint64_t ms)
{
	for (uint64_t i = 0; i < ms; i += 5) {
		carry();
		h_advance(&H, 5);
	}
	carry();
}

static struct bond *ns_bond(struct slave **e0, struct slave **e1)
{
	struct bond *b = h_bond(&H, "bond0", "mode active-backup arp_interval 100 "
				"ns_ip6_target 2001:db8::fe arp_validate all");

	bond_set_addrs(b, NULL, NULL, 0, &BOND6, 1);
	*e0 = h_enslave(&H, b, "eth0", 1);
	*e1 = h_enslave(&H, b, "eth1", 2);
	SEG.s[0] = *e0;
	SEG.s[1] = *e1;
	SEG.wired[0] = SEG.wired[1] = true;
	SEG.n = 2;
	SEG.target_up = true;
	SEG.from = 0;
	return b;
}

/* The case: the backup must not be declared down right after
 * enslaving; it stays up for as long as the active's NS reach it. */
static void test_backup_stays_up(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ns_bond(&e0, &e1);

	run(5000);
	assert_ptr_equal(b->active, e0);
	assert_int_equal(e0->link, SLAVE_LINK_UP);
	assert_int_equal(e1->link, SLAVE_LINK_UP);
	assert_int_equal(e0->link_failure_count, 0);
	assert_int_equal(e1->link_failure_count, 0);
	/* one NS per interval from the active slave only */
	assert_in_range(SEG.ns_seen_by_target, 48, 52);
	assert_false(h_logged(&H, "link status definitely down"));
}

/* The target goes silent: nothing proves either path, both go down and
 * the bond loses its carrier; the target back brings one up again. */
static void test_silent_path_down(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ns_bond(&e0, &e1);

	run(1000);
	assert_int_equal(e1->link, SLAVE_LINK_UP);
	SEG.target_up = false;
	run(1000);
	assert_int_equal(e0->link_failure_count, 1);
	assert_true(e0->link != SLAVE_LINK_UP);
	assert_true(e1->link != SLAVE_LINK_UP);
	assert_null(b->active);
	assert_false(b->carrier);
	SEG.target_up = true;
	run(2000);
	assert_non_null(b->active);
	assert_true(b->carrier);
	run(2000);
	assert_int_equal(e0->link, SLAVE_LINK_UP);
	assert_int_equal(e1->link, SLAVE_LINK_UP);
}

/* The active's cable is cut behind a carrier that stays on: the backup
 * takes over, and when the old active is wired again it comes back as a
 * backup (the issue: "after a failover the old active never returns"). */
static void test_takeover_and_return(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ns_bond(&e0, &e1);
	uint64_t cut;

	run(1000);
	assert_ptr_equal(b->active, e0);
	SEG.wired[0] = false;
	cut = H.now;
	while (b->active != e1 && H.now < cut + 2000)
		run(5);
	assert_ptr_equal(b->active, e1);
	/* missed_max 2 intervals plus the tick that notices: well under 1 s */
	assert_in_range(H.now - cut, 200, 600);
	assert_int_equal(e0->link_failure_count, 1);
	run(1000);
	assert_int_equal(e1->link, SLAVE_LINK_UP);
	assert_true(e0->link != SLAVE_LINK_UP);
	SEG.wired[0] = true;
	run(1000);
	assert_int_equal(e0->link, SLAVE_LINK_UP);
	assert_true(e0->backup);
	assert_ptr_equal(b->active, e1);
	run(3000);
	assert_int_equal(e0->link, SLAVE_LINK_UP);
	assert_int_equal(e0->link_failure_count, 1);
}

/* Only the target's solicited-node group counts on a backup: the active's
 * NS for another address (another group) proves nothing. */
static void test_other_group_does_not_count(void **state)
{
	struct slave *e0, *e1;
	struct bond *b = ns_bond(&e0, &e1);
	uint8_t ns[14 + 40 + 32] = { 0 };
	const uint8_t other[16] = { 0x20, 0x01, 0x0d, 0xb8, [13] = 0x12, 0x34, 0x56 };

	(void)b;
	SEG.wired[1] = false;           /* the backup hears only what we give it */
	ns[0] = 0x33; ns[1] = 0x33; ns[2] = 0xff; ns[3] = 0x12; ns[4] = 0x34; ns[5] = 0x56;
	memcpy(ns + 6, e0->cur_mac, 6);
	ns[12] = 0x86; ns[13] = 0xdd;
	ns[14] = 0x60; ns[14 + 5] = 32; ns[14 + 6] = 58; ns[14 + 7] = 255;
	memcpy(ns + 14 + 8, BOND6, 16);
	ns[14 + 24] = 0xff; ns[14 + 25] = 0x02; ns[14 + 35] = 0x01; ns[14 + 36] = 0xff;
	memcpy(ns + 14 + 37, other + 13, 3);
	ns[14 + 40] = 135;
	memcpy(ns + 14 + 40 + 8, other, 16);
	for (int i = 0; i < 30; i++) {
		slave_receive(e1, ns, sizeof(ns), NULL, H.now);
		run(100);
	}
	assert_true(e1->link != SLAVE_LINK_UP);
	assert_int_equal(e0->link, SLAVE_LINK_UP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_backup_stays_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silent_path_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_takeover_and_return, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_group_does_not_count, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
