/* `bondctl flows` (src/ctl/cmd_flows.c) over a bare engine and a backend
 * whose flows operation hands over a window built here with the core's
 * table (core/flowtab.c): the text and JSON layout, the key named by the
 * bond's policy, the flow words `bondctl hash` takes, the window not yet
 * ended, and the backend's refusal. */
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
#include "core/flowtab.h"
#include "ctl/ctl_cmd.h"
#include "ctl/ctl_proto.h"
#include "ctl/frame_desc.h"

#include "ctl_standin.h"

static struct ctl_backend_ops ops;
static struct ctl_backend be;
static bool with_window = true, refuse;

static void add_flow(struct flow_tab *t, uint8_t fields, const char *desc, uint32_t ifindex,
		     unsigned frames)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 0x30 };
	uint8_t f[FRAME_DESC_MAX];
	char buf[256];
	const char *w[32];
	unsigned n = 0;
	struct err e = { 0 };
	struct flow_key k;
	size_t len;
	char *p;

	snprintf(buf, sizeof(buf), "%s", desc);
	for (p = strtok(buf, " "); p && n < 32; p = strtok(NULL, " "))
		w[n++] = p;
	assert_int_equal(frame_desc_build(w, n, mac, f, sizeof(f), &len, &e), 0);
	flow_key_from_frame(&k, fields, f, len);
	k.ifindex = ifindex;
	flow_tab_add(t, &k, (uint64_t)len * frames, frames);
}

/* The daemon's part, played: a window from 5 s to 15 s, seen at 17.5 s. */
static int fake_flows(void *ctx, const char *bond, struct ctl_flows *out, struct err *err)
{
	static struct flow_rec r;
	struct bond *b = engine_bond_find(fake.eng, bond);

	if (refuse) {
		err_set(err, -EIO, "%s: cannot read the flow map", bond);
		return -EIO;
	}
	assert_non_null(b);
	memset(out, 0, sizeof(*out));
	out->datapath = "packet";
	out->window_ms = FLOW_WINDOW_MS;
	out->sample = 1;
	out->fields = flow_fields(b);
	/* seen 2.5 s after the window's end, or before the first ends */
	out->now_ms = with_window ? 17500 : 7500;
	flow_rec_init(&r, 5000);
	if (with_window) {
		add_flow(&r.cur, out->fields, "src 192.0.2.1 dst 192.0.2.2 proto udp sport 40001 dport 5001",
			 11, 300);
		add_flow(&r.cur, out->fields, "src 192.0.2.1 dst 192.0.2.2 proto tcp sport 41000 dport 5201",
			 12, 1000);
		flow_rec_rotate(&r, 15000);
		out->start_unix_ms = 1796441978538ull;
		snprintf(out->slave_of[0], sizeof(out->slave_of[0]), "eth1");
		snprintf(out->slave_of[1], sizeof(out->slave_of[1]), "eth0");
		out->n_slaves = 2;
		snprintf(out->slaves[0].name, sizeof(out->slaves[0].name), "eth0");
		out->slaves[0].bytes = 300;
		out->slaves[0].frames = 3;
		snprintf(out->slaves[1].name, sizeof(out->slaves[1].name), "eth1");
		out->slaves[1].bytes = 700;
		out->slaves[1].frames = 7;
	}
	out->last = r.last;
	out->next_ms = flow_rec_due(&r);
	return 0;
}

static int flows(bool json, const char *bond)
{
	char *argv[] = { "flows", (char *)bond, NULL };

	sb_free(&last.out);
	sb_free(&last.err);
	sb_init(&last.out);
	sb_init(&last.err);
	last.rc = ctl_exec(&be, 2, argv, json, &last.out, &last.err);
	return last.rc;
}

static int setup_flows(void **state)
{
	int rc = setup(state);

	ops = fake_ops;
	ops.flows = fake_flows;
	be.ops = &ops;
	be.ctx = &fake;
	with_window = true;
	refuse = false;
	if (!rc)
		rc = run(false, "create bond0 mode balance-xor xmit_hash_policy layer3+4") ||
		     run(false, "enslave bond0 eth0 eth1");
	return rc;
}

static void test_text(void **state)
{
	assert_int_equal(flows(false, "bond0"), 0);
	assert_string_equal(sb_str(&last.out),
		"bond0: balance-xor (2), xmit_hash_policy layer3+4 (1); a flow is: src dst proto "
		"ports (what the policy hashes)\n"
		"counted: every frame (packet data path)\n"
		"interval: the last finished window, 10.0 s long, ended 2.5 s ago (windows end "
		"every 10.0 s)\n"
		"\n"
		"slave                  tx bytes     frames   share\n"
		"eth0                        300          3    30.0 %\n"
		"eth1                        700          7    70.0 %\n"
		"\n"
		"flows: 2 seen, 66600 bytes in 1300 frames; the 2 busiest (paste a FLOW into: "
		"bondctl hash bond0 FLOW)\n"
		"         bytes     frames  share  slave            FLOW\n"
		"         54000       1000   81.1%  eth1             src 192.0.2.1 dst 192.0.2.2 "
		"proto tcp sport 41000 dport 5201\n"
		"         12600        300   18.9%  eth0             src 192.0.2.1 dst 192.0.2.2 "
		"proto udp sport 40001 dport 5001\n");
	/* the words are what `hash` takes */
	assert_int_equal(run(false, "hash bond0 src 192.0.2.1 dst 192.0.2.2 proto tcp sport 41000 "
			     "dport 5201"), 0);
}

static void test_json(void **state)
{
	const char *o;

	assert_int_equal(flows(true, "bond0"), 0);
	o = sb_str(&last.out);
	assert_non_null(strstr(o, "{\"bond\":\"bond0\",\"mode\":{\"name\":\"balance-xor\","
			       "\"number\":2},\"policy\":\"layer3+4\",\"key\":[\"src\",\"dst\","
			       "\"proto\",\"ports\"],\"datapath\":\"packet\",\"sample\":1,"
			       "\"sample_all_from\":0,\"window_ms\":10000,\"next_end_ms\":2500,"
			       "\"interval\":{\"start_unix_ms\":1796441978538,\"length_ms\":10000,"
			       "\"ended_ms_ago\":2500},\"bytes\":66600,\"frames\":1300,"
			       "\"flows_seen\":2,"));
	assert_non_null(strstr(o, "\"slaves\":[{\"name\":\"eth0\",\"bytes\":300,\"frames\":3,"
			       "\"share\":30.0},{\"name\":\"eth1\",\"bytes\":700,\"frames\":7,"
			       "\"share\":70.0}]"));
	assert_non_null(strstr(o, "\"flows\":[{\"slave\":\"eth1\",\"ifindex\":12,\"bytes\":54000,"
			       "\"frames\":1000,\"words\":\"src 192.0.2.1 dst 192.0.2.2 proto tcp "
			       "sport 41000 dport 5201\",\"family\":4,\"src\":\"192.0.2.1\","
			       "\"dst\":\"192.0.2.2\",\"proto\":6,\"sport\":41000,\"dport\":5201}"));
	assert_int_equal(o[strlen(o) - 1], '\n');
}

/* A mode that does not hash: the whole key, MACs first. */
static void test_full_key(void **state)
{
	assert_int_equal(run(false, "create bond1 mode active-backup"), 0);
	assert_int_equal(flows(false, "bond1"), 0);
	assert_non_null(strstr(sb_str(&last.out), "bond1: active-backup (1); a flow is: smac dmac "
			       "ethertype vlan src dst proto ports (the mode does not hash)\n"));
	assert_non_null(strstr(sb_str(&last.out), " smac 02:00:00:00:00:30 dmac 02:00:00:00:00:01 "
			       "src 192.0.2.1 dst 192.0.2.2 proto tcp sport 41000 dport 5201\n"));
	assert_int_equal(flows(true, "bond1"), 0);
	assert_non_null(strstr(sb_str(&last.out), "\"policy\":null"));
	assert_non_null(strstr(sb_str(&last.out), "\"smac\":\"02:00:00:00:00:30\",\"dmac\":"
			       "\"02:00:00:00:00:01\",\"ethertype\":2048,\"vlan\":null,"));
}

static void test_no_window(void **state)
{
	with_window = false;
	assert_int_equal(flows(false, "bond0"), 0);
	assert_non_null(strstr(sb_str(&last.out), "interval: no window has ended yet (windows end "
			       "every 10.0 s; the first in 2.5 s)\n"));
	assert_int_equal(flows(true, "bond0"), 0);
	assert_non_null(strstr(sb_str(&last.out), "\"interval\":null,\"bytes\":0,\"frames\":0,"
			       "\"flows_seen\":0,\"other_bytes\":0,\"other_frames\":0,"
			       "\"evictions\":0,\"slaves\":[],\"flows\":[]}\n"));
}

static void test_refusals(void **state)
{
	assert_int_equal(flows(false, "bond7"), CTL_EXIT_REFUSED);
	assert_string_equal(sb_str(&last.err), "bondctl: bond7: no such bond\n");
	refuse = true;
	assert_int_equal(flows(false, "bond0"), CTL_EXIT_REFUSED);
	assert_string_equal(sb_str(&last.err), "bondctl: bond0: cannot read the flow map\n");
	assert_string_equal(sb_str(&last.out), "");
	/* a backend without flows says so */
	ops.flows = NULL;
	assert_int_equal(flows(false, "bond0"), CTL_EXIT_REFUSED);
	assert_string_equal(sb_str(&last.err), "bondctl: bond0: flows are not counted here\n");
	/* the argument count */
	assert_int_equal(run(false, "flows"), CTL_EXIT_USAGE);
	assert_int_equal(run(false, "flows bond0 bond1"), CTL_EXIT_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_text, setup_flows, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup_flows, teardown),
		cmocka_unit_test_setup_teardown(test_full_key, setup_flows, teardown),
		cmocka_unit_test_setup_teardown(test_no_window, setup_flows, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup_flows, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
