/* Fuzzes the engine's receive and transmit paths: nine bonds covering all
 * seven modes and every monitor (miimon with up/down delays, the ARP
 * monitor with arp_validate and arp_all_targets, NS targets, 802.3ad at
 * both LACP rates, tlb, alb with receive balancing), three slaves each, all
 * up, on a virtual clock; each bond has two VLAN sub-interfaces, VLAN 100
 * with addresses (an ARP and an NS target in its subnets, so probes,
 * peer notification, learning packets and reports are tagged) and VLAN 200
 * without. The two 802.3ad bonds are wired back to back
 * (what b4's slave i sends, b8's slave i receives and the reverse), so
 * their LACP machines reach collecting/distributing without help.
 *
 * The input is a list of records: op (1 byte), sel (1 byte), len (2 bytes,
 * little endian), then len bytes of frame (cut at the end of the input):
 *   op % 8 = 0..2  the frame is received on slave sel % 27
 *            3     the frame is sent by bond sel % 9 (bond_xmit), after its
 *                  bond_explain_tx and the transmit hash of every policy;
 *                  with op & 8, as a VLAN sub-interface's frame
 *                  (bond_xmit_vlan, bond_explain_tx_vlan, xmit_hash_vlan)
 *            4     the clock advances (sel + 1) * 10 ms, timers run
 *            5     slave sel % 27 loses (op & 8) or regains its carrier
 *            6     bond sel % 9 gets xmit_hash_policy (op >> 3) % 6
 *            7     bond sel % 9: active slave (op >> 3) % 4 (3: none)
 * After the records the status of every bond a record acted on is rendered
 * (/proc text and the status model), so the modes' state after the fuzzed
 * frames is read too.
 *
 * Invariants besides "no crash, no sanitizer report":
 *  - every frame handed to the tx action is at least an Ethernet header;
 *    frames the engine makes itself are at most 1522 bytes; every byte of
 *    every sent or delivered frame is readable (checked by reading them);
 *  - during bond_xmit, frames of the data frame's length (the data frame,
 *    or alb's rewritten copy) never go to a slave the monitor holds down
 *    (DOWN, or BACK while updelay runs): no slave that is down gets data
 *    frames. (A slave whose carrier went but whose monitor has not ticked
 *    yet, or is in downdelay, may still get them, as in the kernel.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "core/hash.h"
#include "core/mcast_rejoin.h"
#include "core/mode.h"
#include "core/opt.h"
#include "ctl/ctl_monitor.h"
#include "ctl/status_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NBONDS  9
#define NSLAVES 3
#define LACP_A  4   /* the two 802.3ad bonds, wired back to back */
#define LACP_B  8
#define WIRE_MAX 64

struct wire_frame {
	struct slave *to;
	size_t len;
	uint8_t buf[1600];
};

static struct {
	struct engine *e;
	uint64_t now, next;
	struct bond *b[NBONDS];
	struct slave *s[NBONDS * NSLAVES];
	/* bond_xmit in progress: the bond and the frame's length. */
	struct bond *in_xmit;
	size_t xmit_len;
	/* Bonds the records acted on: only their status is rendered. */
	bool touched[NBONDS];
	struct wire_frame wire[WIRE_MAX];
	unsigned n_wire;
	volatile uint8_t sink;
} F;

static void touch(const uint8_t *p, size_t len)
{
	uint8_t x = 0;

	for (size_t i = 0; i < len; i++)
		x ^= p[i];
	F.sink = x;
}

static int slave_index(const struct slave *s)
{
	for (int i = 0; i < NBONDS * NSLAVES; i++)
		if (F.s[i] == s)
			return i;
	return -1;
}

static void op_tx(void *ctx, struct slave *s, const uint8_t *frame, size_t len,
		  const void *meta)
{
	int i;

	if (len < 14)
		abort();
	touch(frame, len);
	if (F.in_xmit && s->bond == F.in_xmit && len == F.xmit_len) {
		/* A data frame from the host (or alb's copy of it with the
		 * sender rewritten). Frames of another length are the engine's
		 * own, sent while transmitting (alb's ARP updates to clients).
		 * Down is the monitor's view: between a carrier loss and the
		 * monitor's next tick, and during downdelay (FAIL), the kernel
		 * too keeps sending on the active slave. */
		if (s->link == SLAVE_LINK_DOWN || s->link == SLAVE_LINK_BACK) {
			fprintf(stderr, "data frame on %s (link %d, up %d, carrier %d)\n",
				s->name, s->link, s->os.running, s->os.carrier);
			abort();
		}
	} else if (len > 1522) {
		abort();
	}
	/* The 802.3ad wire: b4's slave i <-> b8's slave i (i < 0: a
	 * slave being enslaved, not in the table yet). */
	i = slave_index(s);
	if (i >= 0 && (i / NSLAVES == LACP_A || i / NSLAVES == LACP_B) && F.n_wire < WIRE_MAX &&
	    len <= sizeof(F.wire[0].buf)) {
		int peer = (i / NSLAVES == LACP_A ? LACP_B : LACP_A) * NSLAVES + i % NSLAVES;

		F.wire[F.n_wire].to = F.s[peer];
		F.wire[F.n_wire].len = len;
		memcpy(F.wire[F.n_wire].buf, frame, len);
		F.n_wire++;
	}
}

static void op_deliver(void *ctx, struct bond *b, const uint8_t *frame, size_t len,
		       const void *meta)
{
	if (!frame || len < 14)
		abort();
	touch(frame, len);
}

static void op_slave_mac(void *ctx, struct slave *s, const uint8_t mac[6]) { touch(mac, 6); }
static void op_bond_mac(void *ctx, struct bond *b, const uint8_t mac[6]) { touch(mac, 6); }
static void op_carrier(void *ctx, struct bond *b, bool up) {}
static void op_log(void *ctx, int level, const char *line)
{
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "[%llu] %s\n", (unsigned long long)F.now, line);
}

/* Every event, formatted as a monitor would get it (both forms): the
 * strings the engine hands out must be whole, and the lines well formed. */
static void op_event(void *ctx, const struct bond_event *ev)
{
	struct strbuf sb;

	sb_init(&sb);
	ctl_event_format(ev, F.now * 1000, false, &sb);
	ctl_event_format(ev, F.now * 1000, true, &sb);
	if (!sb.oom && (!sb.len || sb.buf[sb.len - 1] != '\n'))
		abort();
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "[%llu] %s", (unsigned long long)F.now, sb_str(&sb));
	sb_free(&sb);
}

static void op_mcast(void *ctx, struct bond *b, struct mcast_groups *out)
{
	static const uint8_t g4[4] = { 239, 1, 2, 3 }, s4[4] = { 192, 0, 2, 99 };
	static const uint8_t g6[16] = { 0xff, 0x0e, [15] = 0x42 };

	out->igmp_version = 3;
	out->mld_version = 2;
	out->n4 = 2;
	memcpy(out->v4[0].addr, g4, 4);
	out->v4[0].exclude = true;
	memcpy(out->v4[1].addr, g4, 4);
	out->v4[1].addr[3] = 4;
	out->v4[1].n_src = 1;
	memcpy(out->v4[1].src[0], s4, 4);
	out->n6 = 1;
	memcpy(out->v6[0].addr, g6, 16);
	out->v6[0].exclude = true;
}

static void op_mcast_vlan(void *ctx, struct bond *b, uint16_t vid, struct mcast_groups *out)
{
	if (vid == 100)
		op_mcast(ctx, b, out);
}

static const struct engine_ops ops = {
	.tx = op_tx, .deliver = op_deliver, .set_slave_mac = op_slave_mac,
	.set_bond_mac = op_bond_mac, .set_carrier = op_carrier, .log = op_log,
	.mcast_groups = op_mcast, .mcast_groups_vlan = op_mcast_vlan, .event = op_event,
};

/* Options of each bond, "name value" pairs separated by spaces. */
static const char *const bond_opts[NBONDS] = {
	"mode balance-rr arp_interval 100 arp_ip_target 192.0.2.1,198.51.100.1 "
	"ns_ip6_target 2001:db8::1,2001:db8:64::1 arp_validate all packets_per_slave 2 "
	"resend_igmp 2",
	"mode active-backup arp_interval 100 arp_ip_target 192.0.2.1,192.0.2.2,198.51.100.1 "
	"ns_ip6_target 2001:db8::1,2001:db8:64::1 arp_validate all arp_all_targets all "
	"primary b1s1 num_grat_arp 2 resend_igmp 3 fail_over_mac active",
	"mode balance-xor arp_interval 200 arp_ip_target 192.0.2.1 "
	"arp_validate filter_backup xmit_hash_policy layer2+3",
	"mode broadcast miimon 50 downdelay 100",
	"mode 802.3ad miimon 100 lacp_rate fast xmit_hash_policy layer3+4 "
	"ad_select bandwidth min_links 1",
	"mode balance-tlb miimon 100 tlb_dynamic_lb 1 lp_interval 1",
	"mode balance-alb miimon 100 updelay 200 downdelay 200 resend_igmp 1",
	"mode active-backup miimon 100 updelay 100 downdelay 100 primary b7s2 "
	"primary_reselect better fail_over_mac follow peer_notif_delay 200 "
	"num_grat_arp 3 arp_validate active ns_ip6_target 2001:db8::2",
	"mode 802.3ad miimon 100 lacp_rate slow ad_select count "
	"xmit_hash_policy encap3+4 ad_actor_system 02:00:00:00:99:99",
};

static const char *const policies[6] = {
	"layer2", "layer3+4", "layer2+3", "encap2+3", "encap3+4", "vlan+srcmac",
};

static void tick(void)
{
	F.next = engine_tick(F.e, F.now);
}

/* Delivers what the 802.3ad wire carries (frames sent while delivering go
 * on the wire for the next round). */
static void run_wire(void)
{
	static struct wire_frame q[WIRE_MAX];
	unsigned n = F.n_wire;

	memcpy(q, F.wire, n * sizeof(q[0]));
	F.n_wire = 0;
	for (unsigned i = 0; i < n; i++) {
		uint8_t *f = malloc(q[i].len);

		if (!f)
			abort();
		memcpy(f, q[i].buf, q[i].len);
		slave_receive(q[i].to, f, q[i].len, NULL, F.now);
		free(f);
	}
}

static void advance(uint64_t ms)
{
	uint64_t end = F.now + ms;
	unsigned guard = 0;

	while (F.next <= end && guard++ < 1000) {
		if (F.next > F.now)
			F.now = F.next;
		tick();
		run_wire();
	}
	F.now = end;
	tick();
	run_wire();
}

static void setup(void)
{
	static const uint32_t v4[1] = { 0x0a0200c0 }; /* 192.0.2.10, network order */
	static const uint8_t p4[1] = { 24 };
	static const uint8_t v6[1][16] = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 } };
	static const uint32_t vv4[1] = { 0x0a6433c6 }; /* VLAN 100: 198.51.100.10 */
	static const uint8_t vv6[1][16] = { { 0x20, 0x01, 0x0d, 0xb8, 0, 0x64, [15] = 0x10 } };
	struct link_info li = { .running = true, .carrier = true, .speed = 1000,
				.duplex = DUPLEX_FULL };
	struct err err = { 0 };

	memset(&F, 0, sizeof(F));
	F.now = 1000;
	F.next = UINT64_MAX;
	F.e = engine_new(&ops, NULL);
	if (!F.e)
		abort();
	for (int i = 0; i < NBONDS; i++) {
		char name[16], buf[512], *names[32], *values[32], *tok, *save = NULL;
		unsigned n = 0;

		snprintf(name, sizeof(name), "bond%d", i);
		F.b[i] = engine_bond_new(F.e, name, &err);
		if (!F.b[i])
			abort();
		snprintf(buf, sizeof(buf), "%s", bond_opts[i]);
		for (tok = strtok_r(buf, " ", &save); tok && n < 32;
		     tok = strtok_r(NULL, " ", &save)) {
			names[n] = tok;
			values[n] = strtok_r(NULL, " ", &save);
			n++;
		}
		if (opt_set_many(F.b[i], n, (const char *const *)names,
				 (const char *const *)values, F.now, &err) != 0) {
			fprintf(stderr, "fuzz_engine: bond%d: %s\n", i, err.msg);
			abort();
		}
		bond_set_addrs(F.b[i], v4, p4, 1, v6, 1);
		if (bond_vlan_add(F.b[i], 100, &err) || bond_vlan_add(F.b[i], 200, &err) ||
		    bond_vlan_set_addrs(F.b[i], 100, vv4, p4, 1, vv6, 1)) {
			fprintf(stderr, "fuzz_engine: bond%d VLANs: %s\n", i, err.msg);
			abort();
		}
		bond_set_admin(F.b[i], true, F.now);
		for (int j = 0; j < NSLAVES; j++) {
			uint8_t mac[6] = { 0x02, 0, 0, 0, (uint8_t)i, (uint8_t)j };

			snprintf(name, sizeof(name), "b%ds%d", i, j);
			/* One faster slave, except in the wired 802.3ad pair,
			 * whose ports must all agree to reach one aggregator. */
			li.speed = j == 2 && i != LACP_A && i != LACP_B ? 10000 : 1000;
			F.s[i * NSLAVES + j] = bond_enslave(F.b[i], name, mac, &li, NULL,
							    F.now, &err);
			if (!F.s[i * NSLAVES + j]) {
				fprintf(stderr, "fuzz_engine: %s: %s\n", name, err.msg);
				abort();
			}
		}
		tick();
	}
	advance(50);
}

static void xmit(struct bond *b, const uint8_t *f, size_t len)
{
	struct tx_explain ex;

	for (uint32_t p = 0; p < 6; p++) {
		struct xmit_hash_info info;
		uint32_t h = xmit_hash(p, f, len);

		if (xmit_hash_explain(p, f, len, &info) != h)
			abort();
	}
	if (len >= 14) {
		memset(&ex, 0, sizeof(ex));
		bond_explain_tx(b, f, len, &ex);
		if (ex.indexed && ex.index >= ex.n_set)
			abort();
	}
	F.in_xmit = b;
	F.xmit_len = len;
	bond_xmit(b, f, len, NULL, F.now);
	F.in_xmit = NULL;
}

static void xmit_vlan(struct bond *b, const uint8_t *f, size_t len)
{
	struct tx_explain ex;

	for (uint32_t p = 0; p < 6; p++) {
		struct xmit_hash_info info;
		uint32_t h = xmit_hash_vlan(p, f, len);

		if (xmit_hash_vlan_explain(p, f, len, &info) != h)
			abort();
	}
	if (len >= 14) {
		memset(&ex, 0, sizeof(ex));
		bond_explain_tx_vlan(b, f, len, &ex);
		if ((ex.indexed && ex.index >= ex.n_set) || b->xmit_oob_tag)
			abort();
	}
	F.in_xmit = b;
	F.xmit_len = len;
	bond_xmit_vlan(b, f, len, NULL, F.now);
	F.in_xmit = NULL;
	if (b->xmit_oob_tag)
		abort();
}

static void render(void)
{
	struct strbuf sb;

	sb_init(&sb);
	for (int i = 0; i < NBONDS; i++) {
		struct bond_status st;

		if (!F.touched[i])
			continue;
		sb_reset(&sb);
		status_text(F.b[i], true, &sb);
		touch((const uint8_t *)sb.buf, sb.len);
		if (getenv("FUZZ_VERBOSE"))
			fprintf(stderr, "%s\n", sb.buf);
		memset(&st, 0, sizeof(st));
		status_fill(F.b[i], &st);
		status_free(&st);
	}
	sb_free(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;
	struct err err = { 0 };

	setup();
	while (off + 4 <= size) {
		uint8_t op = data[off], sel = data[off + 1];
		size_t len = (size_t)data[off + 2] | (size_t)data[off + 3] << 8;
		uint8_t *f;

		off += 4;
		if (len > size - off)
			len = size - off;
		/* Its own allocation, so a read past the frame is caught. */
		f = malloc(len ? len : 1);
		F.touched[(op % 8 == 3 || op % 8 >= 6) ? sel % NBONDS :
			  (sel % (NBONDS * NSLAVES)) / NSLAVES] = true;
		if (!f)
			abort();
		memcpy(f, data + off, len);
		off += len;
		switch (op % 8) {
		case 0: case 1: case 2:
			slave_receive(F.s[sel % (NBONDS * NSLAVES)], f, len, NULL, F.now);
			break;
		case 3:
			if (op & 8)
				xmit_vlan(F.b[sel % NBONDS], f, len);
			else
				xmit(F.b[sel % NBONDS], f, len);
			break;
		case 4:
			advance(((uint64_t)sel + 1) * 10);
			break;
		case 5: {
			struct slave *s = F.s[sel % (NBONDS * NSLAVES)];
			struct link_info li = s->os;

			li.carrier = !(op & 8);
			slave_link_event(s, &li, F.now);
			break;
		}
		case 6:
			opt_set(F.b[sel % NBONDS], "xmit_hash_policy", policies[(op >> 3) % 6],
				F.now, &err);
			break;
		case 7: {
			struct bond *b = F.b[sel % NBONDS];
			unsigned j = (op >> 3) % 4;

			bond_set_active_slave(b, j < NSLAVES ? b->slaves[j]->name : NULL,
					      F.now, &err);
			break;
		}
		}
		free(f);
		tick();
		run_wire();
	}
	advance(10);
	render();
	engine_free(F.e);
	return 0;
}
