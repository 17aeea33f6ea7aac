/* 802.3ad (mode 4, src/core/lacp and mode_8023ad.c).
 *
 * The PDU codec is tested on its own (round trip, rejections, a fuzz loop).
 * The machines are tested the way they run: several engines wired port to
 * port through a small simulator with one virtual clock. A frame one engine
 * sends on its slave i is delivered to the wired peer's slave after the
 * tick that sent it, unless the wire is cut. Every LACPDU on a wire is
 * recorded (time, sender, actor state) so that state sequences and timings
 * can be checked against a capture of two Linux 6.1 bonds. The /proc texts follow bond_procfs.c.
 * The options of issue 12 (ad_select=actor_port_prio, coupled_control=0,
 * broadcast_neighbor) are at the end; coupled_control=0 is driven by a
 * scripted partner (fake_pdu) so each state of the partner can be held.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bond.h"
#include "engine.h"
#include "lacp/lacp.h"
#include "mode.h"
#include "opt.h"
#include "status.h"
#include "ctl/status_json.h"
#include "ctl/status_text.h"

/* ---- simulator ----------------------------------------------------------- */

#define SIM_SIDES  3
#define SIM_PORTS  4
#define SIM_RECS   4096
#define SIM_QUEUE  256

struct sim;

struct side {
	struct sim *sim;
	int id;
	struct engine *e;
	struct bond *b;
	struct slave *s[SIM_PORTS];
	unsigned n;
	uint64_t next;                  /* engine deadline */
	bool carrier;
	unsigned carrier_changes;
	unsigned delivered;
	unsigned data_tx[SIM_PORTS];
};

struct wire {
	int side, port;                 /* peer end, -1 = nothing attached */
	bool cut;
};

struct rec {
	uint64_t t;
	int side, port;
	uint8_t state, partner_state;
};

struct qframe {
	int side, port;
	size_t len;
	uint8_t frame[LACP_FRAME_LEN];
};

struct sim {
	uint64_t now;
	struct side sides[SIM_SIDES];
	struct wire wires[SIM_SIDES][SIM_PORTS];
	struct rec recs[SIM_RECS];
	unsigned nrec;
	struct qframe q[SIM_QUEUE];
	unsigned nq;
};

static int port_index(const struct side *sd, const struct slave *s)
{
	for (unsigned i = 0; i < sd->n; i++)
		if (sd->s[i] == s)
			return (int)i;
	return -1;
}

static void cb_tx(void *ctx, struct slave *s, const uint8_t *frame, size_t len,
		  const void *meta)
{
	struct side *sd = ctx;
	struct sim *sim = sd->sim;
	int port = port_index(sd, s);
	struct lacpdu pdu;
	struct wire *w;

	(void)meta;
	assert_true(port >= 0);
	if (lacp_frame_decode(frame, len, &pdu, NULL) == LACP_RX_LACPDU) {
		assert_int_equal(len, LACP_FRAME_LEN);
		if (sim->nrec < SIM_RECS)
			sim->recs[sim->nrec++] = (struct rec){ sim->now, sd->id, port,
				pdu.actor.state, pdu.partner.state };
	} else {
		sd->data_tx[port]++;
	}
	w = &sim->wires[sd->id][port];
	if (w->side < 0 || w->cut || sim->nq >= SIM_QUEUE || len > LACP_FRAME_LEN)
		return;
	sim->q[sim->nq].side = w->side;
	sim->q[sim->nq].port = w->port;
	sim->q[sim->nq].len = len;
	memcpy(sim->q[sim->nq].frame, frame, len);
	sim->nq++;
}

static void cb_deliver(void *ctx, struct bond *b, const uint8_t *frame, size_t len,
		       const void *meta)
{
	(void)b, (void)frame, (void)len, (void)meta;
	((struct side *)ctx)->delivered++;
}

static void cb_slave_mac(void *ctx, struct slave *s, const uint8_t mac[6])
{
	(void)ctx, (void)s, (void)mac;
}

static void cb_bond_mac(void *ctx, struct bond *b, const uint8_t mac[6])
{
	(void)ctx, (void)b, (void)mac;
}

static void cb_carrier(void *ctx, struct bond *b, bool up)
{
	struct side *sd = ctx;

	(void)b;
	sd->carrier = up;
	sd->carrier_changes++;
}

static void cb_log(void *ctx, int level, const char *line)
{
	(void)level;
	if (getenv("LACP_VERBOSE"))
		fprintf(stderr, "[%llu] side %d: %s\n",
			(unsigned long long)((struct side *)ctx)->sim->now,
			((struct side *)ctx)->id, line);
}

static const struct engine_ops ops = {
	.tx = cb_tx, .deliver = cb_deliver, .set_slave_mac = cb_slave_mac,
	.set_bond_mac = cb_bond_mac, .set_carrier = cb_carrier, .log = cb_log,
};

static struct sim *sim_new(void)
{
	struct sim *sim = calloc(1, sizeof(*sim));

	assert_non_null(sim);
	sim->now = 10000;
	for (int i = 0; i < SIM_SIDES; i++) {
		sim->sides[i].sim = sim;
		sim->sides[i].id = i;
		sim->sides[i].next = UINT64_MAX;
		for (int p = 0; p < SIM_PORTS; p++)
			sim->wires[i][p].side = -1;
	}
	return sim;
}

static void sim_free(struct sim *sim)
{
	for (int i = 0; i < SIM_SIDES; i++)
		if (sim->sides[i].e)
			engine_free(sim->sides[i].e);
	free(sim);
}

static void side_tick(struct side *sd)
{
	sd->next = engine_tick(sd->e, sd->sim->now);
}

static void sim_flush(struct sim *sim)
{
	while (sim->nq) {
		struct qframe f = sim->q[0];
		struct side *sd = &sim->sides[f.side];

		memmove(&sim->q[0], &sim->q[1], (sim->nq - 1) * sizeof(sim->q[0]));
		sim->nq--;
		slave_receive(sd->s[f.port], f.frame, f.len, NULL, sim->now);
		side_tick(sd);
	}
}

/* A bond with n slaves (10G full, up), MACs 02:00:00:00:<side+1>:<port+1>,
 * enslaved while the bond is down; not yet brought up. */
static struct side *side_new(struct sim *sim, int id, const char *opts, unsigned n)
{
	struct side *sd = &sim->sides[id];
	struct err err = { 0 };
	char buf[512], *names[32], *values[32], *tok, *save = NULL;
	unsigned k = 0;

	sd->e = engine_new(&ops, sd);
	assert_non_null(sd->e);
	sd->b = engine_bond_new(sd->e, "bond0", &err);
	assert_non_null(sd->b);
	snprintf(buf, sizeof(buf), "mode 802.3ad miimon 100 %s", opts ? opts : "");
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		names[k] = tok;
		values[k] = strtok_r(NULL, " ", &save);
		assert_non_null(values[k]);
		k++;
	}
	if (opt_set_many(sd->b, k, (const char *const *)names,
			 (const char *const *)values, sim->now, &err) != 0)
		fail_msg("options: %s", err.msg);
	for (unsigned i = 0; i < n; i++) {
		uint8_t mac[6] = { 0x02, 0, 0, 0, (uint8_t)(id + 1), (uint8_t)(i + 1) };
		struct link_info li = { .running = true, .carrier = true, .speed = 10000,
					.duplex = DUPLEX_FULL };
		char name[16];

		snprintf(name, sizeof(name), "eth%u", i);
		sd->s[i] = bond_enslave(sd->b, name, mac, &li, NULL, sim->now, &err);
		if (!sd->s[i])
			fail_msg("enslave: %s", err.msg);
	}
	sd->n = n;
	side_tick(sd);
	return sd;
}

static void side_up(struct side *sd)
{
	bond_set_admin(sd->b, true, sd->sim->now);
	side_tick(sd);
	sim_flush(sd->sim);
}

static void wire(struct sim *sim, int a, int pa, int b, int pb)
{
	sim->wires[a][pa] = (struct wire){ b, pb, false };
	sim->wires[b][pb] = (struct wire){ a, pa, false };
}

/* Advances the clock to now + ms, ticking each engine at its deadlines. */
static void sim_run(struct sim *sim, uint64_t ms)
{
	uint64_t end = sim->now + ms;

	for (;;) {
		uint64_t t = UINT64_MAX;

		for (int i = 0; i < SIM_SIDES; i++)
			if (sim->sides[i].e && sim->sides[i].next < t)
				t = sim->sides[i].next;
		if (t > end)
			break;
		if (t > sim->now)
			sim->now = t;
		for (int i = 0; i < SIM_SIDES; i++)
			if (sim->sides[i].e && sim->sides[i].next <= sim->now)
				side_tick(&sim->sides[i]);
		sim_flush(sim);
	}
	sim->now = end;
	for (int i = 0; i < SIM_SIDES; i++)
		if (sim->sides[i].e)
			side_tick(&sim->sides[i]);
	sim_flush(sim);
}

/* Sets a slave's carrier as the OS would report it. */
static void side_carrier(struct side *sd, unsigned port, bool on)
{
	struct link_info li = sd->s[port]->os;

	li.carrier = on;
	slave_link_event(sd->s[port], &li, sd->sim->now);
	side_tick(sd);
}

static uint8_t actor(const struct side *sd, unsigned port)
{
	return lacp_port_of(sd->s[port])->actor_state;
}

static uint8_t partner(const struct side *sd, unsigned port)
{
	return lacp_port_of(sd->s[port])->partner.state;
}

static unsigned agg_id(const struct side *sd, unsigned port)
{
	const struct lacp_agg *a = lacp_port_of(sd->s[port])->agg;

	return a ? a->id : 0;
}

/* The first time (>= from) side/port sent a PDU with this actor state. */
static uint64_t first_state(const struct sim *sim, int side, int port, uint8_t st,
			    uint64_t from)
{
	for (unsigned i = 0; i < sim->nrec; i++)
		if (sim->recs[i].side == side && sim->recs[i].port == port &&
		    sim->recs[i].state == st && sim->recs[i].t >= from)
			return sim->recs[i].t;
	return UINT64_MAX;
}

/* The actor states side/port sent from t on, consecutive repeats merged. */
static unsigned state_seq(const struct sim *sim, int side, int port, uint64_t from,
			  uint8_t *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < sim->nrec && n < max; i++) {
		const struct rec *r = &sim->recs[i];

		if (r->side != side || r->port != port || r->t < from)
			continue;
		if (n && out[n - 1] == r->state)
			continue;
		out[n++] = r->state;
	}
	return n;
}

static char *proc_text(const struct side *sd)
{
	struct strbuf sb;
	char *s;

	sb_init(&sb);
	status_text(sd->b, true, &sb);
	assert_false(sb.oom);
	s = strdup(sb_str(&sb));
	sb_free(&sb);
	return s;
}

/* ---- PDU codec ----------------------------------------------------------- */

static const struct lacpdu sample = {
	.version = 1,
	.actor = { 65535, { 0x02, 0, 0, 0, 1, 1 }, 15, 255, 1, 0x3f },
	.partner = { 32768, { 0x52, 0x54, 0, 0xaa, 0xbb, 0xcc }, 0x1234, 128, 7, 0x47 },
	.collector_max_delay = 0,
};

static void assert_info_equal(const struct lacp_info *a, const struct lacp_info *b)
{
	assert_int_equal(a->sys_prio, b->sys_prio);
	assert_memory_equal(a->system, b->system, 6);
	assert_int_equal(a->key, b->key);
	assert_int_equal(a->port_prio, b->port_prio);
	assert_int_equal(a->port, b->port);
	assert_int_equal(a->state, b->state);
}

static void test_pdu_round_trip(void **state)
{
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 1, 1 };
	uint8_t f[LACP_FRAME_LEN];
	struct lacpdu d;

	(void)state;
	assert_int_equal(lacp_pdu_encode(&sample, src, f), 124);
	/* Ethernet header and fixed bytes (802.1AX 6.4.2) */
	assert_memory_equal(f, "\x01\x80\xc2\x00\x00\x02", 6);
	assert_memory_equal(f + 6, src, 6);
	assert_int_equal(f[12], 0x88);
	assert_int_equal(f[13], 0x09);
	assert_int_equal(f[14], 1);
	assert_int_equal(f[15], 1);
	assert_int_equal(f[16], 1);
	assert_int_equal(f[17], 20);
	assert_int_equal(f[18], 0xff);
	assert_int_equal(f[19], 0xff);
	assert_int_equal(f[26], 0);
	assert_int_equal(f[27], 15);
	assert_int_equal(f[32], 0x3f);
	assert_int_equal(f[14 + 22], 2);
	assert_int_equal(f[14 + 23], 20);
	assert_int_equal(f[14 + 42], 3);
	assert_int_equal(f[14 + 43], 16);
	for (int i = 14 + 58; i < 124; i++)
		assert_int_equal(f[i], 0);
	for (int i = 14 + 19; i < 14 + 22; i++)
		assert_int_equal(f[i], 0);
	for (int i = 14 + 39; i < 14 + 42; i++)
		assert_int_equal(f[i], 0);

	memset(&d, 0xee, sizeof(d));
	assert_int_equal(lacp_frame_decode(f, sizeof(f), &d, NULL), LACP_RX_LACPDU);
	assert_int_equal(d.version, 1);
	assert_info_equal(&d.actor, &sample.actor);
	assert_info_equal(&d.partner, &sample.partner);
	assert_int_equal(d.collector_max_delay, 0);
	/* longer frames (trailing padding) are fine */
	{
		uint8_t big[200] = { 0 };

		memcpy(big, f, sizeof(f));
		assert_int_equal(lacp_frame_decode(big, sizeof(big), &d, NULL), LACP_RX_LACPDU);
	}
}

static void test_pdu_rejects(void **state)
{
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 1, 1 };
	uint8_t f[LACP_FRAME_LEN], g[LACP_FRAME_LEN];
	struct lacpdu d;

	(void)state;
	lacp_pdu_encode(&sample, src, f);
	/* short */
	for (size_t n = 14; n < LACP_FRAME_LEN; n++)
		assert_int_equal(lacp_frame_decode(f, n, &d, NULL), LACP_RX_ILLEGAL);
	for (size_t n = 0; n < 14; n++)
		assert_int_equal(lacp_frame_decode(f, n, &d, NULL), LACP_RX_NOT_SLOW);
	/* wrong destination or ethertype: not ours */
	memcpy(g, f, sizeof(g));
	g[5] = 0x03;
	assert_int_equal(lacp_frame_decode(g, sizeof(g), &d, NULL), LACP_RX_NOT_SLOW);
	memcpy(g, f, sizeof(g));
	g[13] = 0x08;
	assert_int_equal(lacp_frame_decode(g, sizeof(g), &d, NULL), LACP_RX_NOT_SLOW);
	/* bad TLVs, bad version */
	for (int off = 14 + 1; off <= 14 + 43; off++) {
		if (off != 15 && off != 16 && off != 17 && off != 36 && off != 37 &&
		    off != 56 && off != 57)
			continue;
		memcpy(g, f, sizeof(g));
		g[off] ^= 0x5a;
		if (off == 15)
			g[off] = 0;
		assert_int_equal(lacp_frame_decode(g, sizeof(g), &d, NULL), LACP_RX_ILLEGAL);
	}
	/* another slow protocol (OAM) */
	memcpy(g, f, sizeof(g));
	g[14] = 3;
	assert_int_equal(lacp_frame_decode(g, sizeof(g), &d, NULL), LACP_RX_UNKNOWN);
}

static void test_pdu_fuzz(void **state)
{
	uint8_t f[160];
	struct lacpdu d;
	struct lacp_marker m;
	uint32_t x = 12345;

	(void)state;
	for (int i = 0; i < 200000; i++) {
		size_t len = (x = x * 1103515245u + 12345u) % sizeof(f);

		for (size_t k = 0; k < len; k++)
			f[k] = (uint8_t)((x = x * 1103515245u + 12345u) >> 16);
		if (i & 1 && len >= 14) {
			/* mostly well-addressed, to reach the TLV checks */
			memcpy(f, lacp_group_mac, 6);
			f[12] = 0x88;
			f[13] = 0x09;
			if (len > 17 && (i & 2)) {
				f[14] = 1 + (i & 4 ? 1 : 0);
				f[16] = 1;
				f[17] = 20;
			}
		}
		/* copy to an exact-size buffer so ASan sees any overread */
		{
			uint8_t *h = malloc(len ? len : 1);

			memcpy(h, f, len);
			(void)lacp_frame_decode(h, len, &d, &m);
			free(h);
		}
	}
}

static void test_marker_round_trip(void **state)
{
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 1, 2 };
	struct lacp_marker m = { LACP_MARKER_INFO, 2, { 0x02, 0, 0, 0, 9, 9 }, 0xdeadbeef }, r;
	uint8_t f[LACP_FRAME_LEN];

	(void)state;
	assert_int_equal(lacp_marker_encode(&m, src, f), 124);
	assert_int_equal(lacp_frame_decode(f, sizeof(f), NULL, &r), LACP_RX_MARKER);
	assert_int_equal(r.tlv, LACP_MARKER_INFO);
	assert_int_equal(r.port, 2);
	assert_int_equal(r.transaction, 0xdeadbeef);
	assert_memory_equal(r.system, m.system, 6);
}

/* ---- negotiation --------------------------------------------------------- */

/* Two bonds, lacp_rate fast, two links; b comes up offset ms after a. */
static void negotiate_fast(uint64_t offset)
{
	struct sim *sim = sim_new();
	struct side *a = side_new(sim, 0, "lacp_rate fast", 2);
	struct side *b = side_new(sim, 1, "lacp_rate fast", 2);
	uint64_t ta, tb;
	uint8_t seq[16];
	unsigned n;

	wire(sim, 0, 0, 1, 0);
	wire(sim, 0, 1, 1, 1);
	ta = sim->now;
	side_up(a);
	sim_run(sim, offset);
	tb = sim->now;
	side_up(b);
	sim_run(sim, 3000);

	if (getenv("LACP_VERBOSE"))
		for (unsigned i = 0; i < sim->nrec; i++)
			fprintf(stderr, "t=%llu side %d port %d state %02x partner %02x\n",
				(unsigned long long)(sim->recs[i].t - ta), sim->recs[i].side,
				sim->recs[i].port, sim->recs[i].state, sim->recs[i].partner_state);
	for (unsigned p = 0; p < 2; p++) {
		assert_int_equal(actor(a, p), 63);
		assert_int_equal(actor(b, p), 63);
		assert_int_equal(partner(a, p), 63);
		assert_int_equal(partner(b, p), 63);
		assert_int_equal(agg_id(a, p), 1);
		assert_int_equal(agg_id(b, p), 1);
		/* first PDU 0.1-0.4 s after the bond came up */
		assert_in_range(first_state(sim, 0, (int)p, 0xc7, ta) - ta, 100, 400);
		/* SYNC once the 2 s aggregate wait is over */
		assert_in_range(first_state(sim, 0, (int)p, 0x0f, ta) - ta, 2000, 2400);
		/* both ports fully up within 3 s of the later start */
		assert_in_range(first_state(sim, 1, (int)p, 0x3f, tb) - tb, 2000, 2700);
		assert_true(first_state(sim, 0, (int)p, 0x3f, tb) - tb <= 3000);
	}
	assert_true(a->carrier);
	assert_true(b->carrier);
	assert_int_equal(a->b->n_usable, 2);
	assert_int_equal(b->b->n_usable, 2);

	/* The earlier side (the 6.1 capture's "Boot"): 0xC7 (expired, no partner
	 * yet) -> 0x07 (partner recorded) -> 0x0F (attached) -> 0x3F. The
	 * later side attaches when its partner is in sync already: 0x07 (or
	 * 0xC7 first if it spoke before hearing anything) -> 0x3F. */
	n = state_seq(sim, 0, 0, ta, seq, 16);
	assert_int_equal(n, 4);
	assert_int_equal(seq[0], 0xc7);
	assert_int_equal(seq[1], 0x07);
	assert_int_equal(seq[2], 0x0f);
	assert_int_equal(seq[3], 0x3f);
	n = state_seq(sim, 1, 0, tb, seq, 16);
	if (offset < 100) {
		assert_int_equal(n, 2);
		assert_int_equal(seq[0], 0x07);
	} else {
		assert_int_equal(n, 3);
		assert_int_equal(seq[0], 0xc7);
		assert_int_equal(seq[1], 0x07);
	}
	assert_int_equal(seq[n - 1], 0x3f);

	/* Steady state: one PDU a second per port, on the 300 ms grid. */
	{
		uint64_t from = sim->now, last = 0;
		unsigned cnt = 0;

		sim_run(sim, 10000);
		for (unsigned i = 0; i < sim->nrec; i++) {
			const struct rec *r = &sim->recs[i];

			if (r->side != 0 || r->port != 1 || r->t < from)
				continue;
			if (last)
				assert_true(r->t - last == 900 || r->t - last == 1200);
			last = r->t;
			cnt++;
		}
		assert_in_range(cnt, 9, 11);
	}
	sim_free(sim);
}

static void test_negotiate_fast(void **state)
{
	(void)state;
	negotiate_fast(80);     /* b hears a before it speaks */
	negotiate_fast(150);
	negotiate_fast(550);
	negotiate_fast(1300);
}

static void test_negotiate_slow(void **state)
{
	struct sim *sim = sim_new();
	struct side *a = side_new(sim, 0, "lacp_rate slow", 2);
	struct side *b = side_new(sim, 1, "lacp_rate slow", 2);
	uint64_t from, last = 0;
	unsigned cnt = 0;

	(void)state;
	wire(sim, 0, 0, 1, 0);
	wire(sim, 0, 1, 1, 1);
	side_up(a);
	sim_run(sim, 300);
	side_up(b);
	sim_run(sim, 5000);
	for (unsigned p = 0; p < 2; p++) {
		assert_int_equal(actor(a, p), 61);
		assert_int_equal(actor(b, p), 61);
	}
	from = sim->now;
	sim_run(sim, 125000);
	for (unsigned i = 0; i < sim->nrec; i++) {
		const struct rec *r = &sim->recs[i];

		if (r->side != 0 || r->port != 0 || r->t < from)
			continue;
		if (last)
			assert_in_range(r->t - last, 29700, 30300);
		last = r->t;
		cnt++;
	}
	assert_in_range(cnt, 4, 5);
	assert_int_equal(actor(a, 0), 61);
	sim_free(sim);
}

/* ---- /proc (bond_procfs.c) ------------------------------------------------------ */

#define HDR "Ethernet Channel Bonding Driver: v" BONDD_KERNEL_COMPAT \
	" (bondd " BONDD_VERSION ")\n\n"
#ifndef BONDD_VERSION
#define BONDD_VERSION "0.0.0"
#endif

#define MASTER(mii, minl, aggline) \
	HDR \
	"Bonding Mode: IEEE 802.3ad Dynamic link aggregation\n" \
	"Transmit Hash Policy: layer2 (0)\n" \
	"MII Status: " mii "\n" \
	"MII Polling Interval (ms): 100\n" \
	"Up Delay (ms): 0\n" \
	"Down Delay (ms): 0\n" \
	"Peer Notification Delay (ms): 0\n" \
	"\n" \
	"802.3ad info\n" \
	"LACP active: on\n" \
	"LACP rate: fast\n" \
	"Min links: " minl "\n" \
	"Aggregator selection policy (ad_select): stable\n" \
	"System priority: 65535\n" \
	"System MAC address: 02:00:00:00:01:01\n" \
	aggline

#define AGGINFO(id, n, pkey, pmac) \
	"Active Aggregator Info:\n" \
	"\tAggregator ID: " id "\n" \
	"\tNumber of ports: " n "\n" \
	"\tActor Key: 15\n" \
	"\tPartner Key: " pkey "\n" \
	"\tPartner Mac Address: " pmac "\n"

#define SLAVE(name, mii, fails, mac, agg, key, port, st, pmac, pkey, pport, pst) \
	"\n" \
	"Slave Interface: " name "\n" \
	"MII Status: " mii "\n" \
	"Speed: 10000 Mbps\n" \
	"Duplex: full\n" \
	"Link Failure Count: " fails "\n" \
	"Permanent HW addr: " mac "\n" \
	"Slave queue ID: 0\n" \
	"Aggregator ID: " agg "\n" \
	"Actor Churn State: monitoring\n" \
	"Partner Churn State: monitoring\n" \
	"Actor Churned Count: 0\n" \
	"Partner Churned Count: 0\n" \
	"details actor lacp pdu:\n" \
	"    system priority: 65535\n" \
	"    system mac address: 02:00:00:00:01:01\n" \
	"    port key: " key "\n" \
	"    port priority: 255\n" \
	"    port number: " port "\n" \
	"    port state: " st "\n" \
	"details partner lacp pdu:\n" \
	"    system priority: 65535\n" \
	"    system mac address: " pmac "\n" \
	"    oper key: " pkey "\n" \
	"    port priority: 255\n" \
	"    port number: " pport "\n" \
	"    port state: " pst "\n"

static const char proc_partnered[] =
	MASTER("up", "0", AGGINFO("1", "2", "15", "02:00:00:00:02:01"))
	SLAVE("eth0", "up", "0", "02:00:00:00:01:01", "1", "15", "1", "63",
	      "02:00:00:00:02:01", "15", "1", "63")
	SLAVE("eth1", "up", "0", "02:00:00:00:01:02", "1", "15", "2", "63",
	      "02:00:00:00:02:01", "15", "2", "63");

static const char proc_no_partner[] =
	MASTER("up", "0", AGGINFO("1", "1", "1", "00:00:00:00:00:00"))
	SLAVE("eth0", "up", "0", "02:00:00:00:01:01", "1", "15", "1", "79",
	      "00:00:00:00:00:00", "1", "1", "0")
	SLAVE("eth1", "up", "0", "02:00:00:00:01:02", "2", "15", "2", "71",
	      "00:00:00:00:00:00", "1", "1", "0");

static const char proc_min_links[] =
	MASTER("down", "2", AGGINFO("1", "1", "15", "02:00:00:00:02:01"))
	SLAVE("eth0", "up", "0", "02:00:00:00:01:01", "1", "15", "1", "63",
	      "02:00:00:00:02:01", "15", "1", "63")
	SLAVE("eth1", "down", "1", "02:00:00:00:01:02", "1", "0", "2", "15",
	      "02:00:00:00:02:01", "15", "2", "55");

static void assert_text(const char *got, const char *want)
{
	if (strcmp(got, want)) {
		size_t i = 0;

		while (got[i] && got[i] == want[i])
			i++;
		fail_msg("text differs at byte %zu:\n--- got ---\n%s\n--- want ---\n%s",
			 i, got + (i > 40 ? i - 40 : 0), want + (i > 40 ? i - 40 : 0));
	}
}

static void test_proc_partnered(void **state)
{
	struct sim *sim = sim_new();
	struct side *a = side_new(sim, 0, "lacp_rate fast", 2);
	struct side *b = side_new(sim, 1, "lacp_rate fast", 2);
	char *t;

	(void)state;
	wire(sim, 0, 0, 1, 0);
	wire(sim, 0, 1, 1, 1);
	side_up(a);
	side_up(b);
	sim_run(sim, 5000);
	t = proc_text(a);
	assert_text(t, proc_partnered);
	free(t);
	/* a reader without CAP_NET_ADMIN: the block stops after ad_select,
	 * and each slave after its churn counts */
	{
		struct strbuf sb;

		sb_init(&sb);
		status_text(a->b, false, &sb);
		assert_null(strstr(sb_str(&sb), "System priority"));
		assert_null(strstr(sb_str(&sb), "details actor"));
		assert_non_null(strstr(sb_str(&sb),
			"Aggregator selection policy (ad_select): stable\n\nSlave Interface: eth0\n"));
		assert_non_null(strstr(sb_str(&sb), "Partner Churned Count: 0\n\nSlave Interface: eth1"));
		sb_free(&sb);
	}
	sim_free(sim);
}

static void test_partner_silent(void **state)
{
	struct sim *sim = sim_new();
	struct side *a = side_new(sim, 0, "lacp_rate fast", 2);
	char *t;
	uint8_t seq[8];
	unsigned n;

	(void)state;
	side_up(a);
	sim_run(sim, 300);
	/* carrier long before anything is negotiated */
	assert_true(a->carrier);
	sim_run(sim, 4700);
	assert_int_equal(actor(a, 0), 79);
	assert_int_equal(actor(a, 1), 71);
	assert_int_equal(agg_id(a, 0), 1);
	assert_int_equal(agg_id(a, 1), 2);
	assert_true(a->carrier);
	assert_false(a->s[0]->backup);
	assert_true(a->s[1]->backup);
	t = proc_text(a);
	assert_text(t, proc_no_partner);
	free(t);
	/* eth1: 0xC7 while expired, then 0x47 */
	n = state_seq(sim, 0, 1, 0, seq, 8);
	assert_int_equal(n, 2);
	assert_int_equal(seq[0], 0xc7);
	assert_int_equal(seq[1], 0x47);
	/* defaulted: the partner's timeout bit is 0, so slow periodic */
	{
		uint64_t last = 0;
		unsigned k = 0;

		sim_run(sim, 65000);
		for (unsigned i = 0; i < sim->nrec; i++) {
			const struct rec *r = &sim->recs[i];

			if (r->side || r->port || r->state != 0x4f)
				continue;
			if (last)
				assert_in_range(r->t - last, 29700, 30300);
			last = r->t;
			k++;
		}
		assert_in_range(k, 2, 3);
	}
	/* transmit: only the enabled port of the partnerless aggregator */
	for (uint16_t f = 0; f < 64; f++) {
		uint8_t frame[60] = { 0x02, 0, 0, 0, 0, (uint8_t)f, 0x02, 0, 0, 0, 1, 1, 0x08, 0 };

		bond_xmit(a->b, frame, sizeof(frame), NULL, sim->now);
	}
	assert_int_equal(a->data_tx[0], 64);
	assert_int_equal(a->data_tx[1], 0);
	/* after the churn time the partner side, never in sync, is churned */
	assert_int_equal(lacp_port_of(a->s[0])->actor_churn, LACP_CHURN_NONE);
	assert_int_equal(lacp_port_of(a->s[1])->actor_churn, LACP_CHURN_CHURNED);
	assert_int_equal(lacp_port_of(a->s[0])->partner_churn, LACP_CHURN_CHURNED);
	sim_free(sim);
}

static void test_link_cut_min_links(void **state)
{
	struct sim *sim = sim_new();
	struct side *a = side_new(sim, 0, "lacp_rate fast min_links 2", 2);
	struct side *b = side_new(sim, 1, "lacp_rate fast min_links 2", 2);
	char *t;

	(void)state;
	wire(sim, 0, 0, 1, 0);
	wire(sim, 0, 1, 1, 1);
	side_up(a);
	side_up(b);
	sim_run(sim, 5000);
	assert_true(a->carrier);
	assert_true(b->carrier);

	/* a's eth1 loses its link; b's end stays up but hears nothing */
	sim->wires[0][1].cut = sim->wires[1][1].cut = true;
	side_carrier(a, 1, false);
	sim_run(sim, 100);      /* the MII monitor commits it */
	assert_false(a->carrier);
	t = proc_text(a);
	assert_text(t, proc_min_links);
	free(t);
	assert_int_equal(a->b->n_usable, 1);

	/* far end: expired after 3 s (0x8F, partner 0x37, still counted) */
	sim_run(sim, 3000);
	assert_int_equal(actor(b, 1), 0x8f);
	assert_int_equal(partner(b, 1), 0x37);
	assert_true(b->carrier);
	/* 3 s later defaulted, moved to its own aggregator, carrier off */
	sim_run(sim, 3100);
	assert_int_equal(actor(b, 1), 0x47);
	assert_int_equal(partner(b, 1), 0);
	assert_int_equal(agg_id(b, 1), 2);
	assert_false(b->carrier);

	/* the link comes back: both sides renegotiate */
	sim->wires[0][1].cut = sim->wires[1][1].cut = false;
	side_carrier(a, 1, true);
	sim_run(sim, 4000);
	for (unsigned p = 0; p < 2; p++) {
		assert_int_equal(actor(a, p), 63);
		assert_int_equal(actor(b, p), 63);
		assert_int_equal(agg_id(b, p), 1);
	}
	assert_true(a->carrier);
	assert_true(b->carrier);
	sim_free(sim);
}

/* a's eth0 goes to partner b; eth1 and eth2 to partner c. */
static void two_partners(const char *sel, unsigned want_agg_port)
{
	struct sim *sim = sim_new();
	char opts[64];
	struct side *a, *b, *c;

	snprintf(opts, sizeof(opts), "lacp_rate fast ad_select %s", sel);
	a = side_new(sim, 0, opts, 3);
	b = side_new(sim, 1, "lacp_rate fast", 1);
	c = side_new(sim, 2, "lacp_rate fast", 2);
	wire(sim, 0, 0, 1, 0);
	wire(sim, 0, 1, 2, 0);
	wire(sim, 0, 2, 2, 1);
	side_up(a);
	side_up(b);
	side_up(c);
	sim_run(sim, 6000);

	assert_int_equal(agg_id(a, 1), agg_id(a, 2));
	assert_int_not_equal(agg_id(a, 0), agg_id(a, 1));
	assert_true(lacp_port_of(a->s[want_agg_port])->agg->active);
	assert_int_equal(lacp_active_agg(a->b)->id, agg_id(a, want_agg_port));
	/* only the active aggregator's ports collect and distribute */
	for (unsigned p = 0; p < 3; p++) {
		bool in = agg_id(a, p) == agg_id(a, want_agg_port);

		assert_int_equal(actor(a, p) & 0x30, in ? 0x30 : 0);
		assert_int_equal(a->s[p]->backup, !in);
	}
	/* transmit only on distributing ports */
	for (uint16_t f = 0; f < 64; f++) {
		uint8_t frame[60] = { 0x02, 0, 0, 0, 0, (uint8_t)f, 0x02, 0, 0, 0, 1, 1, 0x08, 0 };

		bond_xmit(a->b, frame, sizeof(frame), NULL, sim->now);
	}
	for (unsigned p = 0; p < 3; p++) {
		bool in = agg_id(a, p) == agg_id(a, want_agg_port);

		if (!in)
			assert_int_equal(a->data_tx[p], 0);
	}
	assert_int_equal(a->data_tx[0] + a->data_tx[1] + a->data_tx[2], 64);
	(void)b, (void)c;
	sim_free(sim);
}

static void test_select_count(void **state)
{
	(void)state;
	two_partners("count", 1);
}

static void test_select_bandwidth(void **state)
{
	(void)state;
	two_partners("bandwidth", 1);
}

static void test_select_stable(void **state)
{
	(void)state;
	/* stable keeps the first aggregator that got a partner */
	two_partners("stable", 0);
}

static void test_release_and_marker(void **state)
{
	struct sim *sim = sim_new();
	struct side *a = side_new(sim, 0, "lacp_rate fast", 2);
	struct side *b = side_new(sim, 1, "lacp_rate fast", 2);
	struct lacp_marker m = { LACP_MARKER_INFO, 1, { 0x02, 0, 0, 0, 2, 1 }, 77 };
	uint8_t f[LACP_FRAME_LEN];
	unsigned before;

	(void)state;
	wire(sim, 0, 0, 1, 0);
	wire(sim, 0, 1, 1, 1);
	side_up(a);
	side_up(b);
	sim_run(sim, 5000);

	/* a marker is answered at once, on the same port, from its own MAC */
	before = lacp_port_of(a->s[1])->stats.marker_resp_tx;
	lacp_marker_encode(&m, b->s[1]->perm_mac, f);
	slave_receive(a->s[1], f, sizeof(f), NULL, sim->now);
	assert_int_equal(lacp_port_of(a->s[1])->stats.marker_resp_tx, before + 1);
	assert_int_equal(sim->nq, 1);
	{
		struct lacp_marker r;

		assert_int_equal(lacp_frame_decode(sim->q[0].frame, sim->q[0].len, NULL, &r),
				 LACP_RX_MARKER);
		assert_int_equal(r.tlv, LACP_MARKER_RESPONSE);
		assert_int_equal(r.transaction, 77);
		assert_memory_equal(sim->q[0].frame + 6, a->s[1]->perm_mac, 6);
	}
	sim_flush(sim);
	/* an LACPDU is never handed up to the host */
	assert_int_equal(a->delivered, 0);

	/* releasing eth1: one last PDU without sync/collecting/distributing/
	 * aggregation; the partner's port leaves the aggregator */
	before = sim->nrec;
	bond_release(a->b, a->s[1], sim->now);
	a->n = 1;
	sim->wires[1][1].side = -1;
	assert_int_equal(sim->nrec, before + 1);
	assert_int_equal(sim->recs[before].state & 0x3c, 0);
	sim_flush(sim);
	sim_run(sim, 500);
	assert_int_equal(actor(b, 1) & 0x30, 0);
	assert_int_equal(actor(a, 0), 63);
	assert_true(a->carrier);
	sim_free(sim);
}

/* lacp_strict (the kernel selftest bond_lacp_strict.sh): no traffic and no carrier
 * without a negotiated partner; a live option. */
static void test_lacp_strict(void **state)
{
	struct sim *sim = sim_new();
	struct side *a = side_new(sim, 0, "lacp_rate fast min_links 1 lacp_strict on", 2);
	struct side *b;
	struct err err = { 0 };

	(void)state;
	side_up(a);
	sim_run(sim, 5000);
	assert_false(a->carrier);
	assert_int_equal(a->b->n_usable, 0);
	assert_int_equal(actor(a, 0) & 0x30, 0);
	/* off: the individual fallback at once */
	assert_int_equal(opt_set(a->b, "lacp_strict", "off", sim->now, &err), 0);
	sim_run(sim, 100);
	assert_true(a->carrier);
	assert_int_equal(a->b->n_usable, 1);
	assert_true(a->b->usable[0] == a->s[0]);
	assert_int_equal(opt_set(a->b, "lacp_strict", "on", sim->now, &err), 0);
	sim_run(sim, 100);
	assert_false(a->carrier);
	assert_int_equal(a->b->n_usable, 0);

	/* a partner appears: collecting and distributing, carrier up */
	b = side_new(sim, 1, "lacp_rate fast lacp_strict on", 2);
	wire(sim, 0, 0, 1, 0);
	wire(sim, 0, 1, 1, 1);
	side_up(b);
	sim_run(sim, 4000);
	assert_int_equal(actor(a, 0), 63);
	assert_int_equal(actor(a, 1), 63);
	assert_true(a->carrier);
	assert_true(b->carrier);
	/* one link lost: the other port still distributes, carrier kept */
	sim->wires[0][1].cut = sim->wires[1][1].cut = true;
	side_carrier(a, 1, false);
	sim_run(sim, 200);
	assert_true(a->carrier);
	/* LACP lost on both links: carrier off once the partner expires */
	sim->wires[0][0].cut = sim->wires[1][0].cut = true;
	sim_run(sim, 7000);
	assert_false(a->carrier);
	assert_false(b->carrier);
	sim_free(sim);
}

static void test_keys(void **state)
{
	struct sim *sim = sim_new();
	struct side *a = side_new(sim, 0, "ad_user_port_key 3 ad_actor_sys_prio 100 "
				  "ad_actor_system 02:aa:bb:cc:dd:ee", 1);
	struct lacp_info me;

	(void)state;
	side_up(a);
	sim_run(sim, 1000);
	lacp_actor_info(a->b, lacp_port_of(a->s[0]), &me);
	assert_int_equal(me.key, 3 << 6 | 15);
	assert_int_equal(me.sys_prio, 100);
	assert_memory_equal(me.system, "\x02\xaa\xbb\xcc\xdd\xee", 6);
	assert_int_equal(me.port_prio, 255);
	assert_int_equal(me.port, 1);
	/* slow rate: actor state without TIMEOUT */
	assert_int_equal(me.state & 0x07, 0x05);
	sim_free(sim);
}

/* ad_user_port_key reaches a port when it is enslaved, as in the kernel
 * (bond_3ad_bind_slave is the only place that copies it into the port's
 * admin key; Debian's 6.1 in tests/interop/t_kernel_lacp.sh kept its key
 * after a change with the bond down and up again): ports enslaved before a
 * change keep the old user part; a port enslaved after it takes the new one. */
static void test_user_key_at_enslave(void **state)
{
	struct sim *sim = sim_new();
	struct side *a = side_new(sim, 0, "ad_user_port_key 3", 1);
	struct link_info li = { .running = true, .carrier = true, .speed = 10000,
				.duplex = DUPLEX_FULL };
	const uint8_t mac[6] = { 0x02, 0, 0, 0, 1, 2 };
	const char *name = "ad_user_port_key", *value = "5";
	struct err err = { 0 };
	struct lacp_info me;

	(void)state;
	side_up(a);
	sim_run(sim, 1000);
	bond_set_admin(a->b, false, sim->now);
	side_tick(a);
	if (opt_set_many(a->b, 1, &name, &value, sim->now, &err) != 0)
		fail_msg("ad_user_port_key 5: %s", err.msg);
	side_up(a);
	sim_run(sim, 1000);
	lacp_actor_info(a->b, lacp_port_of(a->s[0]), &me);
	assert_int_equal(me.key, 3 << 6 | 15);
	/* a link going down and up again keeps it too (ad_update_actor_keys) */
	side_carrier(a, 0, false);
	sim_run(sim, 500);
	side_carrier(a, 0, true);
	sim_run(sim, 500);
	lacp_actor_info(a->b, lacp_port_of(a->s[0]), &me);
	assert_int_equal(me.key, 3 << 6 | 15);
	a->s[1] = bond_enslave(a->b, "eth1", mac, &li, NULL, sim->now, &err);
	if (!a->s[1])
		fail_msg("enslave eth1: %s", err.msg);
	a->n = 2;
	side_tick(a);
	sim_run(sim, 1000);
	lacp_actor_info(a->b, lacp_port_of(a->s[1]), &me);
	assert_int_equal(me.key, 5 << 6 | 15);
	sim_free(sim);
}

/* ---- ad_select=actor_port_prio --------------------------------------------- */

static void slave_opt(struct side *sd, unsigned port, const char *name, const char *value)
{
	struct err err = { 0 };

	if (opt_slave_set(sd->s[port], name, value, sd->sim->now, &err) != 0)
		fail_msg("%s %s: %s", name, value, err.msg);
	side_tick(sd);
}

/* a's eth0 goes to partner b; eth1 and eth2 to partner c (as two_partners).
 * The aggregator whose ports with link up have the larger sum of
 * actor_port_prio is active; the choice follows changes of the priorities
 * and of the links, and a tie goes on as count. */
static void test_select_actor_port_prio(void **state)
{
	struct sim *sim = sim_new();
	struct side *a, *b, *c;
	struct tx_plan plan;

	(void)state;
	a = side_new(sim, 0, "lacp_rate fast ad_select actor_port_prio", 3);
	b = side_new(sim, 1, "lacp_rate fast", 1);
	c = side_new(sim, 2, "lacp_rate fast", 2);
	slave_opt(a, 0, "actor_port_prio", "1000");
	slave_opt(a, 1, "actor_port_prio", "100");
	slave_opt(a, 2, "ad_actor_port_prio", "100");
	wire(sim, 0, 0, 1, 0);
	wire(sim, 0, 1, 2, 0);
	wire(sim, 0, 2, 2, 1);
	side_up(a);
	side_up(b);
	side_up(c);
	sim_run(sim, 6000);

	/* 1000 > 100 + 100: eth0's aggregator, though it has fewer ports */
	assert_int_equal(agg_id(a, 1), agg_id(a, 2));
	assert_int_equal(lacp_active_agg(a->b)->id, agg_id(a, 0));
	assert_int_equal(lacp_agg_port_prio(a->b, lacp_port_of(a->s[1])->agg), 200);
	assert_int_equal(actor(a, 0) & 0x30, 0x30);
	assert_int_equal(actor(a, 1) & 0x30, 0);
	assert_int_equal(a->b->n_usable, 1);
	assert_ptr_equal(a->b->usable[0], a->s[0]);
	/* the partner hears our port priority */
	assert_int_equal(lacp_port_of(b->s[0])->partner.port_prio, 1000);

	/* a lower priority on eth0: eth1+eth2 (200) win at once, and the
	 * partner hears the new value with the next PDU (NTT) */
	slave_opt(a, 0, "actor_port_prio", "150");
	assert_int_equal(lacp_active_agg(a->b)->id, agg_id(a, 1));
	assert_int_equal(a->b->n_usable, 0);   /* eth0 no longer distributes */
	sim_run(sim, 300);
	assert_int_equal(lacp_port_of(b->s[0])->partner.port_prio, 150);
	sim_run(sim, 4000);
	assert_int_equal(actor(a, 0) & 0x30, 0);
	assert_int_equal(actor(a, 1) & 0x30, 0x30);
	assert_int_equal(actor(a, 2) & 0x30, 0x30);
	assert_int_equal(a->b->n_usable, 2);
	assert_true(a->carrier);

	/* eth2's link goes: 100 < 150, eth0 is chosen again */
	sim->wires[0][2].cut = sim->wires[2][1].cut = true;
	side_carrier(a, 2, false);
	sim_run(sim, 200);      /* the MII monitor commits the link */
	assert_int_equal(lacp_active_agg(a->b)->id, agg_id(a, 0));
	sim_run(sim, 4000);
	assert_int_equal(actor(a, 0) & 0x30, 0x30);
	assert_int_equal(a->b->n_usable, 1);
	assert_ptr_equal(a->b->usable[0], a->s[0]);

	/* back: a tie (200 = 200 with eth0 at 200) goes to count: two ports */
	slave_opt(a, 0, "actor_port_prio", "200");
	sim->wires[0][2].cut = sim->wires[2][1].cut = false;
	side_carrier(a, 2, true);
	sim_run(sim, 6000);
	assert_int_equal(lacp_active_agg(a->b)->id, agg_id(a, 1));
	assert_int_equal(a->b->n_usable, 2);
	bond_tx_plan(a->b, &plan);
	assert_int_equal(plan.kind, TXP_HASH);
	assert_int_equal(plan.n_tx, 2);

	(void)b, (void)c;
	sim_free(sim);
}

static void test_select_stable_ignores_port_prio(void **state)
{
	struct sim *sim = sim_new();
	struct side *a, *b, *c;
	unsigned before;

	(void)state;
	a = side_new(sim, 0, "lacp_rate fast ad_select stable", 3);
	b = side_new(sim, 1, "lacp_rate fast", 1);
	c = side_new(sim, 2, "lacp_rate fast", 2);
	wire(sim, 0, 0, 1, 0);
	wire(sim, 0, 1, 2, 0);
	wire(sim, 0, 2, 2, 1);
	side_up(a);
	side_up(b);
	side_up(c);
	sim_run(sim, 6000);
	before = lacp_active_agg(a->b)->id;
	slave_opt(a, 1, "actor_port_prio", "60000");
	sim_run(sim, 3000);
	assert_int_equal(lacp_active_agg(a->b)->id, before);
	/* but the PDUs carry it */
	assert_int_equal(lacp_port_of(c->s[0])->partner.port_prio, 60000);
	(void)b;
	sim_free(sim);
}

/* ---- coupled_control=0 ------------------------------------------------------ */

/* A scripted partner on a's port: sends one LACPDU with actor state st and,
 * as partner information, what a says about itself (so a is in sync with
 * it). */
static void fake_pdu(struct side *a, unsigned port, uint8_t st)
{
	struct lacp_port *p = lacp_port_of(a->s[port]);
	static const uint8_t src[6] = { 0x02, 0xfe, 0, 0, 0, 1 };
	struct lacpdu pdu = {
		.version = 1,
		.actor = { 32768, { 0x02, 0xfe, 0, 0, 0, 0 }, 0x21, 255, (uint16_t)(port + 1), st },
	};
	uint8_t f[LACP_FRAME_LEN];
	size_t len;

	lacp_actor_info(a->b, p, &pdu.partner);
	len = lacp_pdu_encode(&pdu, src, f);
	slave_receive(a->s[port], f, len, NULL, a->sim->now);
	side_tick(a);
}

/* Runs ms of time while the scripted partner sends st every 500 ms. */
static void fake_run(struct side *a, unsigned port, uint8_t st, uint64_t ms)
{
	for (uint64_t t = 0; t < ms; t += 500) {
		fake_pdu(a, port, st);
		sim_run(a->sim, 500);
	}
}

static enum lacp_mux_state mux(const struct side *sd, unsigned port)
{
	return lacp_port_of(sd->s[port])->mux;
}

#define ST_SYNC   0x0f   /* active, fast, aggregatable, in sync */
#define ST_COLL   0x1f   /* ... and collecting */
#define ST_CD     0x3f   /* ... and distributing */

static void test_independent_control(void **state)
{
	struct sim *sim = sim_new();
	struct side *a = side_new(sim, 0, "lacp_rate fast coupled_control off", 1);
	struct slave *s = a->s[0];

	(void)state;
	side_up(a);
	/* the partner is in sync but does not collect: a collects only */
	fake_run(a, 0, ST_SYNC, 4000);
	assert_int_equal(mux(a, 0), LACP_MUX_COLLECTING);
	assert_string_equal(lacp_mux_state_names[mux(a, 0)], "COLLECTING");
	assert_int_equal(actor(a, 0), ST_COLL);
	assert_false(s->inactive);             /* receives */
	assert_int_equal(a->b->n_usable, 0);   /* does not send */
	assert_true(s->backup);
	/* (the LACPDU that entered COLLECTING said so at once: NTT) */
	assert_true(first_state(sim, 0, 0, ST_COLL, 0) != UINT64_MAX);

	/* the partner collects: a distributes */
	fake_pdu(a, 0, ST_COLL);
	sim_run(sim, 100);
	assert_int_equal(mux(a, 0), LACP_MUX_DISTRIBUTING);
	assert_int_equal(actor(a, 0), ST_CD);
	assert_int_equal(a->b->n_usable, 1);
	assert_false(s->backup);
	assert_false(s->inactive);
	fake_run(a, 0, ST_CD, 2000);
	assert_int_equal(mux(a, 0), LACP_MUX_DISTRIBUTING);
	assert_true(a->carrier);

	/* the partner stops collecting: back to COLLECTING, receive stays */
	fake_pdu(a, 0, ST_SYNC);
	sim_run(sim, 100);
	assert_int_equal(mux(a, 0), LACP_MUX_COLLECTING);
	assert_int_equal(actor(a, 0), ST_COLL);
	assert_int_equal(a->b->n_usable, 0);
	assert_false(s->inactive);

	/* the partner loses sync: ATTACHED, nothing in or out */
	fake_pdu(a, 0, 0x07);
	sim_run(sim, 100);
	assert_int_equal(mux(a, 0), LACP_MUX_ATTACHED);
	assert_int_equal(actor(a, 0) & 0x30, 0);
	assert_true(s->inactive);
	assert_int_equal(a->b->n_usable, 0);

	/* in sync and collecting at once: COLLECTING, then DISTRIBUTING */
	fake_pdu(a, 0, ST_CD);
	sim_run(sim, 100);
	assert_int_equal(mux(a, 0), LACP_MUX_COLLECTING);
	sim_run(sim, 100);
	assert_int_equal(mux(a, 0), LACP_MUX_DISTRIBUTING);
	assert_int_equal(a->b->n_usable, 1);
	sim_free(sim);
}

/* The same partner with coupled_control on: collecting and distributing
 * start together as soon as the partner is in sync, but frames go out on
 * the port only once the partner says it collects, and then at once (on
 * its LACPDU, not at the next tick): no frame is sent into a port the
 * partner still drops. */
static void test_coupled_control_on(void **state)
{
	struct sim *sim = sim_new();
	struct side *a = side_new(sim, 0, "lacp_rate fast", 1);

	(void)state;
	side_up(a);
	fake_run(a, 0, ST_SYNC, 4000);
	assert_int_equal(mux(a, 0), LACP_MUX_COLLECTING_DISTRIBUTING);
	assert_int_equal(actor(a, 0), ST_CD);
	assert_false(a->b->slaves[0]->inactive);   /* receives */
	assert_int_equal(a->b->n_usable, 0);       /* sends nothing yet */
	fake_pdu(a, 0, ST_CD);
	assert_int_equal(a->b->n_usable, 1);       /* at the PDU itself */
	fake_pdu(a, 0, ST_SYNC);                   /* stops collecting */
	assert_int_equal(a->b->n_usable, 0);
	assert_int_equal(mux(a, 0), LACP_MUX_COLLECTING_DISTRIBUTING);
	sim_free(sim);
}

/* A side sends on a port only while the port at the other end of its wire
 * collects (else what it sends there is dropped). */
static void assert_sends_only_to_collectors(const struct sim *sim, const struct side *x,
					    const struct side *y)
{
	for (unsigned i = 0; i < x->b->n_usable; i++) {
		for (unsigned p = 0; p < x->n; p++) {
			const struct wire *w = &sim->wires[x->id][p];

			if (x->b->usable[i] != x->s[p] || w->side != y->id)
				continue;
			if (y->s[w->port]->inactive)
				fail_msg("t=%llu: side %d sends on eth%u, side %d's eth%d drops",
					 (unsigned long long)sim->now, x->id, p, y->id, w->port);
		}
	}
}

/* Coupled control on both ends, whose ticks are 50 ms apart: when a link
 * comes back, neither end sends on it before the other collects, checked
 * every millisecond (the kernel's driver, which distributes as soon as it
 * enters COLLECTING_DISTRIBUTING, sends into the other end for up to a
 * tick). Then both carry traffic again. */
static void test_coupled_return_loses_nothing(void **state)
{
	struct sim *sim = sim_new();
	struct side *a = side_new(sim, 0, "lacp_rate fast", 2);
	struct side *b = side_new(sim, 1, "lacp_rate fast", 2);

	(void)state;
	wire(sim, 0, 0, 1, 0);
	wire(sim, 0, 1, 1, 1);
	side_up(a);
	sim_run(sim, 50);
	side_up(b);
	sim_run(sim, 5000);
	assert_int_equal(a->b->n_usable, 2);
	assert_int_equal(b->b->n_usable, 2);
	for (int round = 0; round < 2; round++) {
		sim->wires[0][1].cut = sim->wires[1][1].cut = true;
		side_carrier(a, 1, false);
		side_carrier(b, 1, false);
		sim_run(sim, 1000);
		assert_int_equal(a->b->n_usable, 1);
		sim->wires[0][1].cut = sim->wires[1][1].cut = false;
		side_carrier(a, 1, true);
		side_carrier(b, 1, true);
		for (int ms = 0; ms < 5000; ms++) {
			sim_run(sim, 1);
			assert_sends_only_to_collectors(sim, a, b);
			assert_sends_only_to_collectors(sim, b, a);
		}
		assert_int_equal(a->b->n_usable, 2);
		assert_int_equal(b->b->n_usable, 2);
	}
	sim_free(sim);
}

/* Two bondd ends with independent control negotiate as with coupled
 * control: each port goes ATTACHED (0x0f) -> COLLECTING (0x1f) ->
 * DISTRIBUTING (0x3f), and traffic flows on both ports. A coupled end
 * against an independent one works as well. */
static void independent_pair(const char *opts_b)
{
	struct sim *sim = sim_new();
	struct side *a = side_new(sim, 0, "lacp_rate fast coupled_control off", 2);
	struct side *b = side_new(sim, 1, opts_b, 2);
	uint8_t seq[16];
	unsigned n;

	wire(sim, 0, 0, 1, 0);
	wire(sim, 0, 1, 1, 1);
	side_up(a);
	side_up(b);
	sim_run(sim, 6000);
	for (unsigned p = 0; p < 2; p++) {
		assert_int_equal(actor(a, p), ST_CD);
		assert_int_equal(actor(b, p), ST_CD);
		assert_int_equal(mux(a, p), LACP_MUX_DISTRIBUTING);
		n = state_seq(sim, 0, (int)p, 0, seq, 16);
		assert_true(n >= 2);
		assert_int_equal(seq[n - 1], ST_CD);
		/* the PDU before the last said collecting only */
		assert_int_equal(seq[n - 2], ST_COLL);
	}
	assert_int_equal(a->b->n_usable, 2);
	assert_int_equal(b->b->n_usable, 2);
	assert_true(a->carrier);
	assert_true(b->carrier);
	for (uint16_t f = 0; f < 64; f++) {
		uint8_t frame[60] = { 0x02, 0, 0, 0, 0, (uint8_t)f, 0x02, 0, 0, 0, 1, 1, 0x08, 0 };

		bond_xmit(a->b, frame, sizeof(frame), NULL, sim->now);
	}
	assert_int_equal(a->data_tx[0] + a->data_tx[1], 64);
	assert_true(a->data_tx[0] > 0 && a->data_tx[1] > 0);
	sim_free(sim);
}

static void test_independent_pair(void **state)
{
	(void)state;
	independent_pair("lacp_rate fast coupled_control off");
	independent_pair("lacp_rate fast");
}

static void test_coupled_control_ifdown(void **state)
{
	struct sim *sim = sim_new();
	struct side *a = side_new(sim, 0, "lacp_rate fast", 1);
	struct err err = { 0 };
	const char *name = "coupled_control", *value = "off";

	(void)state;
	side_up(a);
	assert_int_equal(opt_set_many(a->b, 1, &name, &value, sim->now, &err), -EBUSY);
	sim_free(sim);
}

/* ---- broadcast_neighbor ----------------------------------------------------- */

/* Builds a frame: ARP request, IPv6 NS/NA/other ICMPv6, IPv4 UDP, with an
 * optional VLAN tag. Returns its length. */
enum nframe { NF_ARP, NF_NS, NF_NA, NF_NS_EXTHDR, NF_ICMP6_ECHO, NF_UDP4, NF_NS_SHORT };

static size_t neigh_frame(uint8_t *f, enum nframe k, bool tagged, uint8_t var)
{
	size_t o = 12, len;

	memset(f, 0, 124);
	memcpy(f, "\xff\xff\xff\xff\xff\xff", 6);
	memcpy(f + 6, "\x02\x00\x00\x00\x01\x09", 6);
	if (tagged) {
		f[o] = 0x81, f[o + 1] = 0x00, f[o + 3] = 10;
		o += 4;
	}
	switch (k) {
	case NF_ARP:
		f[o] = 0x08, f[o + 1] = 0x06;
		f[o + 2 + 1] = 1, f[o + 2 + 2] = 0x08, f[o + 2 + 4] = 6, f[o + 2 + 5] = 4;
		f[o + 2 + 7] = 1;                              /* request */
		f[o + 2 + 27] = var;                           /* target IP */
		return o + 2 + 28 < 60 ? 60 : o + 2 + 28;
	case NF_UDP4:
		f[0] = 0x02, f[5] = var;                       /* unicast */
		f[o] = 0x08, f[o + 1] = 0x00;
		f[o + 2] = 0x45, f[o + 2 + 9] = 17;
		f[o + 2 + 15] = var, f[o + 2 + 19] = (uint8_t)(var * 7);
		return 60 + (tagged ? 4 : 0);
	default:
		break;
	}
	f[o] = 0x86, f[o + 1] = 0xdd;
	o += 2;
	f[o] = 0x60;
	f[o + 6] = k == NF_NS_EXTHDR ? 0 : 58;
	f[o + 7] = 255;
	f[o + 23] = var;
	len = o + 40 + 24;
	if (k == NF_NS_EXTHDR) {
		f[o + 40] = 58;                                /* hop-by-hop, then ICMPv6 */
		f[o + 48] = 135;
		return len + 8;
	}
	f[o + 40] = k == NF_NA ? 136 : k == NF_ICMP6_ECHO ? 128 : 135;
	if (k == NF_NS_SHORT)
		return o + 40 + 4;                     /* the ICMPv6 header cut short */
	return len;
}

static unsigned sent_total(const struct side *sd)
{
	unsigned n = 0;

	for (unsigned i = 0; i < sd->n; i++)
		n += sd->data_tx[i];
	return n;
}

static void test_broadcast_neighbor(void **state)
{
	struct sim *sim = sim_new();
	struct side *a = side_new(sim, 0, "lacp_rate fast broadcast_neighbor on", 3);
	struct side *b = side_new(sim, 1, "lacp_rate fast", 3);
	uint8_t f[124];
	struct tx_plan plan;
	struct err err = { 0 };
	const char *name = "broadcast_neighbor", *off = "off";

	(void)state;
	for (unsigned p = 0; p < 3; p++)
		wire(sim, 0, (int)p, 1, (int)p);
	side_up(a);
	side_up(b);
	sim_run(sim, 6000);
	assert_int_equal(a->b->n_usable, 3);
	bond_tx_plan(a->b, &plan);
	assert_int_equal(plan.kind, TXP_HASH);
	assert_true(plan.broadcast_neighbor);
	assert_true(plan.lacp);

	/* neighbour frames: one copy on every distributing port */
	for (int tagged = 0; tagged < 2; tagged++) {
		static const enum nframe every[] = { NF_ARP, NF_NS, NF_NA };

		for (unsigned k = 0; k < ARRAY_SIZE(every); k++) {
			memset(a->data_tx, 0, sizeof(a->data_tx));
			bond_xmit(a->b, f, neigh_frame(f, every[k], tagged, 1), NULL, sim->now);
			for (unsigned p = 0; p < 3; p++)
				assert_int_equal(a->data_tx[p], 1);
		}
	}
	/* other frames hash: one copy each, spread over the ports */
	{
		static const enum nframe one[] = { NF_UDP4, NF_ICMP6_ECHO, NF_NS_EXTHDR,
						   NF_NS_SHORT };

		for (unsigned k = 0; k < ARRAY_SIZE(one); k++) {
			memset(a->data_tx, 0, sizeof(a->data_tx));
			for (uint8_t v = 0; v < 30; v++)
				bond_xmit(a->b, f, neigh_frame(f, one[k], v & 1, v), NULL,
					  sim->now);
			assert_int_equal(sent_total(a), 30);
		}
		memset(a->data_tx, 0, sizeof(a->data_tx));
		for (uint8_t v = 0; v < 60; v++)
			bond_xmit(a->b, f, neigh_frame(f, NF_UDP4, false, v), NULL, sim->now);
		for (unsigned p = 0; p < 3; p++)
			assert_true(a->data_tx[p] > 0 && a->data_tx[p] < 60);
	}
	/* bondctl hash says so: every usable port, and why; other frames
	 * keep the hash */
	{
		struct tx_explain x;
		static const enum nframe every[] = { NF_ARP, NF_NS, NF_NA };

		for (int tagged = 0; tagged < 2; tagged++)
			for (unsigned k = 0; k < ARRAY_SIZE(every); k++) {
				bond_explain_tx(a->b, f, neigh_frame(f, every[k], tagged, 1), &x);
				assert_false(x.hashed);
				assert_true(x.every_slave);
				assert_null(x.slave);
				assert_int_equal(x.n_set, 3);
				assert_string_equal(x.set_label, "usable slaves");
				assert_non_null(strstr(x.reason, "802.3ad: broadcast_neighbor 1: "));
				assert_non_null(strstr(x.reason, every[k] == NF_ARP ?
					"ARP frames are copied to every port of the active aggregator" :
					"IPv6 neighbour discovery (NS/NA) frames are copied"));
			}
		bond_explain_tx(a->b, f, neigh_frame(f, NF_ICMP6_ECHO, false, 1), &x);
		assert_true(x.hashed);
		assert_false(x.every_slave);
		assert_non_null(x.slave);
		assert_string_equal(x.reason, "802.3ad: usable[hash % 3]");
	}
	/* a port that stops distributing gets no copy */
	sim->wires[0][2].cut = sim->wires[1][2].cut = true;
	side_carrier(a, 2, false);
	sim_run(sim, 500);
	assert_int_equal(a->b->n_usable, 2);
	memset(a->data_tx, 0, sizeof(a->data_tx));
	bond_xmit(a->b, f, neigh_frame(f, NF_ARP, false, 1), NULL, sim->now);
	assert_int_equal(a->data_tx[0], 1);
	assert_int_equal(a->data_tx[1], 1);
	assert_int_equal(a->data_tx[2], 0);
	{
		struct tx_explain x;

		bond_explain_tx(a->b, f, neigh_frame(f, NF_ARP, false, 1), &x);
		assert_int_equal(x.n_set, 2);
		assert_true(x.every_slave);
	}

	/* off (a live option): ARP hashes like the rest */
	assert_int_equal(opt_set_many(a->b, 1, &name, &off, sim->now, &err), 0);
	bond_tx_plan(a->b, &plan);
	assert_false(plan.broadcast_neighbor);
	memset(a->data_tx, 0, sizeof(a->data_tx));
	bond_xmit(a->b, f, neigh_frame(f, NF_ARP, false, 1), NULL, sim->now);
	assert_int_equal(sent_total(a), 1);
	{
		struct tx_explain x;

		bond_explain_tx(a->b, f, neigh_frame(f, NF_ARP, false, 1), &x);
		assert_true(x.hashed);
		assert_false(x.every_slave);
		assert_string_equal(x.reason, "802.3ad: usable[hash % 2]");
	}
	(void)b;
	sim_free(sim);
}

/* broadcast_neighbor: a port that starts distributing has the bond's
 * addresses announced (gratuitous ARP, unsolicited NA) on every
 * distributing port (the kernel's ad_cond_set_peer_notif); without the
 * option 802.3ad announces nothing. */
static unsigned announce(const char *opts)
{
	struct sim *sim = sim_new();
	struct side *a = side_new(sim, 0, opts, 2);
	struct side *b = side_new(sim, 1, "lacp_rate fast", 2);
	const uint32_t ip = htonl(0xc6336401);          /* 198.51.100.1 */
	unsigned n;

	bond_set_addrs(a->b, &ip, NULL, 1, NULL, 0);
	wire(sim, 0, 0, 1, 0);
	wire(sim, 0, 1, 1, 1);
	side_up(a);
	side_up(b);
	sim_run(sim, 6000);
	assert_int_equal(a->b->n_usable, 2);
	n = a->data_tx[0] + a->data_tx[1];
	if (n)
		/* the last round went to both ports */
		assert_int_equal(a->data_tx[1], a->data_tx[0]);
	sim_free(sim);
	return n;
}

static void test_broadcast_neighbor_announces(void **state)
{
	(void)state;
	assert_int_equal(announce("lacp_rate fast"), 0);
	assert_true(announce("lacp_rate fast broadcast_neighbor on") >= 2);
}

static void test_neighbor_frame_rule(void **state)
{
	uint8_t f[124];

	(void)state;
	assert_true(lacp_is_neighbor_frame(f, neigh_frame(f, NF_ARP, false, 0)));
	assert_true(lacp_is_neighbor_frame(f, neigh_frame(f, NF_ARP, true, 0)));
	assert_true(lacp_is_neighbor_frame(f, neigh_frame(f, NF_NS, false, 0)));
	assert_true(lacp_is_neighbor_frame(f, neigh_frame(f, NF_NA, true, 0)));
	assert_false(lacp_is_neighbor_frame(f, neigh_frame(f, NF_NS_EXTHDR, false, 0)));
	assert_false(lacp_is_neighbor_frame(f, neigh_frame(f, NF_ICMP6_ECHO, false, 0)));
	assert_false(lacp_is_neighbor_frame(f, neigh_frame(f, NF_NS_SHORT, false, 0)));
	assert_false(lacp_is_neighbor_frame(f, neigh_frame(f, NF_UDP4, true, 0)));
	assert_false(lacp_is_neighbor_frame(f, 13));
	/* two tags: only one is looked through */
	neigh_frame(f, NF_ARP, true, 0);
	memmove(f + 16, f + 12, 60);
	f[12] = 0x88, f[13] = 0xa8;
	assert_false(lacp_is_neighbor_frame(f, 64));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pdu_round_trip),
		cmocka_unit_test(test_pdu_rejects),
		cmocka_unit_test(test_pdu_fuzz),
		cmocka_unit_test(test_marker_round_trip),
		cmocka_unit_test(test_negotiate_fast),
		cmocka_unit_test(test_negotiate_slow),
		cmocka_unit_test(test_proc_partnered),
		cmocka_unit_test(test_partner_silent),
		cmocka_unit_test(test_link_cut_min_links),
		cmocka_unit_test(test_select_count),
		cmocka_unit_test(test_select_bandwidth),
		cmocka_unit_test(test_select_stable),
		cmocka_unit_test(test_release_and_marker),
		cmocka_unit_test(test_lacp_strict),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_user_key_at_enslave),
		cmocka_unit_test(test_select_actor_port_prio),
		cmocka_unit_test(test_select_stable_ignores_port_prio),
		cmocka_unit_test(test_independent_control),
		cmocka_unit_test(test_coupled_control_on),
		cmocka_unit_test(test_coupled_return_loses_nothing),
		cmocka_unit_test(test_independent_pair),
		cmocka_unit_test(test_coupled_control_ifdown),
		cmocka_unit_test(test_broadcast_neighbor),
		cmocka_unit_test(test_neighbor_frame_rule),
		cmocka_unit_test(test_broadcast_neighbor_announces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
