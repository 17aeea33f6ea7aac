/* The failover latency in `bondctl -j show` (status_json_io): the
 * "failover" object follows the data path's, with every histogram bucket
 * named by its upper bound in us and "more" for the rest. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "engine_harness.h"
#include "ctl/ctl_backend.h"
#include "ctl/status_json.h"
#include "lib/util.h"

static void test_failover_object(void **state)
{
	struct harness h;
	struct bond *b;
	struct ctl_bond_io io = { .datapath = "packet" };
	struct strbuf sb = { 0 };
	const char *want = ",\"failover\":{\"count\":3,\"last_us\":40,\"max_us\":70000,"
		"\"histogram_us\":{\"16\":0,\"32\":1,\"64\":1,\"128\":0,\"256\":0,\"512\":0,"
		"\"1024\":0,\"2048\":0,\"4096\":0,\"8192\":0,\"16384\":0,\"32768\":0,"
		"\"65536\":0,\"more\":1},\"recent\":[]}}";

	(void)state;
	h_init(&h);
	b = h_bond(&h, "bond0", "mode active-backup miimon 100");
	io.failover.count = 3;
	io.failover.last_us = 40;
	io.failover.max_us = 70000;
	io.failover.hist[1] = 1;        /* 16..31 us */
	io.failover.hist[2] = 1;        /* 32..63 us */
	io.failover.hist[CTL_FAILOVER_BUCKETS - 1] = 1;
	status_json_io(b, &io, &sb);
	assert_true(sb.len > strlen(want));
	assert_string_equal(sb.buf + sb.len - strlen(want), want);
	assert_non_null(strstr(sb.buf, "\"datapath\":{\"name\":\"packet\",\"map_updates\":0,"
			       "\"last_update_us\":0,\"max_update_us\":0},\"failover\":"));
	sb_free(&sb);
	h_fini(&h);
}

/* How carrier changes reach the daemon, next to the data path; on the
 * kernel data path, the carrier hints after them. */
static void test_carrier_events(void **state)
{
	struct harness h;
	struct bond *b;
	struct ctl_bond_io io = { .datapath = "ebpf", .carrier_events = "bpf" };
	struct strbuf sb = { 0 };

	(void)state;
	h_init(&h);
	b = h_bond(&h, "bond0", "mode active-backup miimon 100");
	status_json_io(b, &io, &sb);
	assert_non_null(strstr(sb.buf, "\"max_update_us\":0},\"carrier_events\":\"bpf\","
			       "\"carrier_hints\":{\"on\":false,\"received\":0,\"acted\":0},"
			       "\"failover\":{"));
	sb_free(&sb);
	/* The carrier hints of the kernel data path, as the daemon counted. */
	io.carrier_hints = true;
	io.hints_received = 3;
	io.hints_acted = 1;
	status_json_io(b, &io, &sb);
	assert_non_null(strstr(sb.buf, "\"carrier_hints\":{\"on\":true,\"received\":3,\"acted\":1}"));
	sb_free(&sb);
	h_fini(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failover_object),
		cmocka_unit_test(test_carrier_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
