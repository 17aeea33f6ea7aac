/* What a user watches (issue 13): the engine's events as data, with the
 * reason (engine_ops.event through the recording harness), the lines of a
 * `bondctl monitor` stream, and JSON strings that are valid UTF-8 whatever
 * bytes a name holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/actions.h"
#include "core/opt.h"
#include "ctl/ctl_monitor.h"
#include "engine_harness.h"
#include "lib/util.h"

static void expect_json_str(const char *in, const char *want)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_json_str(&sb, in);
	assert_string_equal(sb_str(&sb), want);
	sb_free(&sb);
}

static void test_json_str_utf8(void **state)
{
	(void)state;
	expect_json_str("eth0", "\"eth0\"");
	expect_json_str("\xc3\xa9-x", "\"\xc3\xa9-x\"");               /* é: kept */
	expect_json_str("\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xe2\x82\xac\xf0\x9f\x98\x80\"");
	expect_json_str("a\"b\\c\n\t\x01\x7f", "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\"");
	expect_json_str("\xff\xfe" "1", "\"\\ufffd\\ufffd1\"");     /* not UTF-8 */
	expect_json_str("\xc0\x80", "\"\\ufffd\\ufffd\"");          /* overlong NUL */
	expect_json_str("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");  /* a surrogate */
	expect_json_str("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  /* > U+10FFFF */
	expect_json_str("\xc3", "\"\\ufffd\"");                     /* cut short */
	expect_json_str("\xe2\x82", "\"\\ufffd\\ufffd\"");
}

static void test_event_lines(void **state)
{
	struct bond_event ev = { .kind = BOND_EV_ACTIVE, .bond = "bond0", .slave = "eth1",
				 .state = "active", .reason = "failure of eth0" };
	struct strbuf sb;

	(void)state;
	sb_init(&sb);
	ctl_event_format(&ev, 1796429523000001ull, false, &sb);
	assert_string_equal(sb_str(&sb),
			    "2026-12-05T00:12:03.000001Z bond0 eth1 active (failure of eth0)\n");
	sb_reset(&sb);
	ev.kind = BOND_EV_CARRIER;
	ev.slave = "";
	ev.state = "down";
	ev.reason = "no slave with link up";
	ctl_event_format(&ev, 1796429523000001ull, true, &sb);
	assert_string_equal(sb_str(&sb),
			    "{\"time\":\"2026-12-05T00:12:03.000001Z\",\"bond\":\"bond0\",\"slave\":null,"
			    "\"event\":\"carrier\",\"state\":\"down\",\"reason\":\"no slave with link up\"}\n");
	/* A name with a newline stays one line in text. */
	sb_reset(&sb);
	ev.slave = "a\nb";
	ev.reason = "";
	ctl_event_format(&ev, 0, false, &sb);
	assert_string_equal(sb_str(&sb), "1970-01-01T00:00:00.000000Z bond0 a?b carrier down\n");
	sb_free(&sb);
	assert_string_equal(ctl_monitor_dropped(false), "dropped: too slow\n");
	for (int k = 0; k < BOND_EV__COUNT; k++)
		assert_string_not_equal(bond_event_name((enum bond_event_kind)k), "unknown");
}

static struct harness h;

/* active-backup over eth0/eth1, miimon 100: a cut, the link back with
 * primary eth0 (primary back), a manual choice, a release: each event in
 * order with the monitor and the reason. */
static void test_ab_events(void **state)
{
	struct slave *e0, *e1;
	struct bond *b;
	struct err err;
	int i;

	(void)state;
	h_init(&h);
	b = h_bond(&h, "bond0", "mode active-backup miimon 100 primary eth0");
	e0 = h_enslave(&h, b, "eth0", 1);
	e1 = h_enslave(&h, b, "eth1", 2);
	h_advance(&h, 300);
	assert_true(h_event(&h, 0, "bond0 eth0 slave added (enslaved with link up)") >= 0);
	assert_true(h_event(&h, 0, "bond0 eth0 active active (no active slave before)") >= 0);
	assert_true(h_event(&h, 0, "bond0 - carrier up (") >= 0);

	i = (int)h.nevents;
	h_carrier(&h, e0, false);
	i = h_event(&h, (unsigned)i, "bond0 eth0 link down (miimon: carrier lost)");
	assert_true(i >= 0);
	i = h_event(&h, (unsigned)i, "bond0 eth1 active active (failure of eth0)");
	assert_true(i >= 0);
	h_advance(&h, 300);
	/* the bond has no address here: nothing to notify */
	assert_true(h_event(&h, (unsigned)i, "peer_notify") < 0);

	h_carrier(&h, e0, true);
	h_advance(&h, 200);
	i = h_event(&h, (unsigned)i, "bond0 eth0 link up (miimon: carrier up");
	assert_true(i >= 0);
	i = h_event(&h, (unsigned)i,
		    "bond0 eth0 active active (primary back (primary_reselect always), was eth1)");
	assert_true(i >= 0);

	assert_int_equal(opt_set_many(b, 1, (const char *[]){ "primary" },
				      (const char *[]){ "" }, h.now, &err), 0);
	assert_int_equal(bond_set_active_slave(b, "eth1", h.now, &err), 0);
	i = h_event(&h, (unsigned)i, "bond0 eth1 active active (manual, was eth0)");
	assert_true(i >= 0);
	bond_release(b, e1, h.now);
	i = h_event(&h, (unsigned)i, "bond0 - active none (released, was eth1)");
	assert_true(i >= 0);
	assert_true(h_event(&h, (unsigned)i, "bond0 eth1 slave released") >= 0);
	assert_true(h_event(&h, (unsigned)i, "bond0 eth0 active active (no active slave before)") >= 0);
	assert_int_equal(e0->link_failure_count, 1);
	h_fini(&h);
}

/* balance-xor with the ARP monitor: a link that hears nothing goes down,
 * and the reason names the targets' kind and the intervals. */
static void test_arp_events(void **state)
{
	struct bond *b;

	(void)state;
	h_init(&h);
	b = h_bond(&h, "bond0", "mode balance-xor arp_interval 100 arp_ip_target 192.0.2.9");
	h_enslave(&h, b, "eth0", 1);
	h_advance(&h, 1000);
	/* nobody answers: down after arp_missed_max (2) intervals */
	assert_true(h_event(&h, 0, "bond0 eth0 link down (arp_ip_target: nothing sent or "
			    "received for 2 intervals of 100 ms)") >= 0);
	assert_true(h_event(&h, 0, "bond0 - carrier down (no slave with link up)") >= 0);
	assert_false(b->carrier);
	h_fini(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_str_utf8),
		cmocka_unit_test(test_event_lines),
		cmocka_unit_test(test_ab_events),
		cmocka_unit_test(test_arp_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
