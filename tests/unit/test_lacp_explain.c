/* `lacp explain` and `lacp log` (src/core/lacp/lacp_explain.c, lacp_log.c,
 * src/ctl/cmd_lacp.c), in virtual time.
 *
 * One engine runs an 802.3ad bond; each of its ports faces a scripted
 * partner: a LACP speaker with its own system, key and state bits that
 * answers once a second (fast periodic) with our last actor information as
 * its partner information, as a real partner does, or stays silent (no
 * LACP at all). Each test sets up one situation and checks the reasons the
 * explain gives for each port, with their values, and the words bondctl
 * prints for them.
 */
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
#include "opt.h"
#include "status.h"
#include "ctl/ctl_backend.h"
#include "ctl/ctl_cmd.h"

#define PORTS 4

struct partner {
	bool speaks;                  /* sends LACPDUs */
	uint16_t sys_prio;
	uint8_t system[6];
	uint16_t key;
	uint8_t state;                /* actor state bits it sends */
	bool mirror_sync;             /* SYNC only once we show SYNC (as a real mux) */
	struct lacp_info heard;       /* our last actor info on this port */
	bool has_heard;
};

struct world {
	uint64_t now, next;
	struct engine *e;
	struct bond *b;
	struct slave *s[PORTS];
	unsigned n;
	struct partner pt[PORTS];
	uint64_t next_pdu;
};

static struct world W;

static int port_of(const struct slave *s)
{
	for (unsigned i = 0; i < W.n; i++)
		if (W.s[i] == s)
			return (int)i;
	return -1;
}

static void cb_tx(void *ctx, struct slave *s, const uint8_t *frame, size_t len,
		  const void *meta)
{
	struct lacpdu pdu;
	int i = port_of(s);

	(void)ctx, (void)meta;
	if (i < 0 || lacp_frame_decode(frame, len, &pdu, NULL) != LACP_RX_LACPDU)
		return;
	W.pt[i].heard = pdu.actor;
	W.pt[i].has_heard = true;
}

static void cb_deliver(void *c, struct bond *b, const uint8_t *f, size_t l, const void *m)
{
	(void)c, (void)b, (void)f, (void)l, (void)m;
}

static void cb_slave_mac(void *c, struct slave *s, const uint8_t mac[6])
{
	(void)c, (void)s, (void)mac;
}

static void cb_bond_mac(void *c, struct bond *b, const uint8_t mac[6])
{
	(void)c, (void)b, (void)mac;
}

static void cb_carrier(void *c, struct bond *b, bool up)
{
	(void)c, (void)b, (void)up;
}

static void cb_log(void *c, int level, const char *line)
{
	(void)c, (void)level;
	if (getenv("LACP_VERBOSE"))
		fprintf(stderr, "[%llu] %s\n", (unsigned long long)W.now, line);
}

static const struct engine_ops ops = {
	.tx = cb_tx, .deliver = cb_deliver, .set_slave_mac = cb_slave_mac,
	.set_bond_mac = cb_bond_mac, .set_carrier = cb_carrier, .log = cb_log,
};

/* The partner of port i sends one LACPDU now. */
static void partner_send(unsigned i)
{
	struct partner *p = &W.pt[i];
	struct lacpdu pdu;
	uint8_t frame[LACP_FRAME_LEN];
	uint8_t src[6] = { 0x02, 0xee, 0, 0, 0, (uint8_t)(i + 1) };

	memset(&pdu, 0, sizeof(pdu));
	pdu.version = 1;
	pdu.actor.sys_prio = p->sys_prio;
	memcpy(pdu.actor.system, p->system, 6);
	pdu.actor.key = p->key;
	pdu.actor.port_prio = 255;
	pdu.actor.port = (uint16_t)(i + 1);
	pdu.actor.state = p->state;
	if (p->mirror_sync && !(p->has_heard && (p->heard.state & LACP_STATE_SYNC)))
		pdu.actor.state &= (uint8_t)~(LACP_STATE_SYNC | LACP_STATE_COLLECTING |
					      LACP_STATE_DISTRIBUTING);
	if (p->has_heard)
		pdu.partner = p->heard;
	lacp_pdu_encode(&pdu, src, frame);
	slave_receive(W.s[i], frame, sizeof(frame), NULL, W.now);
}

static void tick(void)
{
	W.next = engine_tick(W.e, W.now);
}

/* Runs the world for ms: the engine at its deadlines, the partners every
 * second. */
static void run_ms(uint64_t ms)
{
	uint64_t end = W.now + ms;

	while (W.now < end) {
		uint64_t t = W.next < W.next_pdu ? W.next : W.next_pdu;

		if (t > end)
			break;
		if (t > W.now)
			W.now = t;
		if (W.now >= W.next_pdu) {
			for (unsigned i = 0; i < W.n; i++)
				if (W.pt[i].speaks)
					partner_send(i);
			W.next_pdu = W.now + 1000;
		}
		tick();
	}
	W.now = end;
	tick();
}

static void set_opts(const char *opts)
{
	char buf[256], *names[16], *values[16], *tok, *save = NULL;
	struct err err = { 0 };
	unsigned k = 0;

	snprintf(buf, sizeof(buf), "%s", opts);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		names[k] = tok;
		values[k] = strtok_r(NULL, " ", &save);
		assert_non_null(values[k]);
		k++;
	}
	if (opt_set_many(W.b, k, (const char *const *)names,
			 (const char *const *)values, W.now, &err) != 0)
		fail_msg("options %s: %s", opts, err.msg);
}

/* Enslaves eth<i> (10G full duplex) facing a partner that speaks as
 * system 02:aa:..:01 key 7, active, fast, in sync once we are. */
static void add_port(unsigned i)
{
	uint8_t mac[6] = { 0x02, 0, 0, 0, 1, (uint8_t)(i + 1) };
	struct link_info li = { .running = true, .carrier = true, .speed = 10000,
				.duplex = DUPLEX_FULL };
	struct partner *p = &W.pt[i];
	struct err err = { 0 };
	char name[16];

	snprintf(name, sizeof(name), "eth%u", i);
	W.s[i] = bond_enslave(W.b, name, mac, &li, NULL, W.now, &err);
	if (!W.s[i])
		fail_msg("enslave: %s", err.msg);
	W.n = i + 1;
	p->speaks = true;
	p->sys_prio = 65535;
	memcpy(p->system, (uint8_t[]){ 0x02, 0xaa, 0, 0, 0, 1 }, 6);
	p->key = 7;
	p->state = LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT | LACP_STATE_AGGREGATION |
		   LACP_STATE_SYNC | LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING;
	p->mirror_sync = true;
	tick();
}

/* A bond with n ports (10G full duplex) and options, partners all
 * speaking as system 02:aa:..:01 key 7, active, fast, in sync once we are;
 * not up yet. */
static void world_new(unsigned n, const char *opts)
{
	struct err err = { 0 };

	memset(&W, 0, sizeof(W));
	W.now = 50000;
	W.next = UINT64_MAX;
	W.next_pdu = W.now;
	W.e = engine_new(&ops, NULL);
	assert_non_null(W.e);
	W.b = engine_bond_new(W.e, "bond0", &err);
	assert_non_null(W.b);
	set_opts("mode 802.3ad miimon 100");
	if (opts)
		set_opts(opts);
	for (unsigned i = 0; i < n; i++)
		add_port(i);
	tick();
}

static void world_up(void)
{
	bond_set_admin(W.b, true, W.now);
	tick();
}

static void world_free(void)
{
	engine_free(W.e);
}

static struct status_lacp_explain X;

static void explain(void)
{
	assert_int_equal(lacp_explain(W.b, W.now, &X), 0);
	if (getenv("LACP_VERBOSE"))
		for (unsigned i = 0; i < X.n_ports; i++)
			for (unsigned j = 0; j < X.ports[i].n_reasons; j++)
				fprintf(stderr, "%s: reason %d\n", X.ports[i].name,
					X.ports[i].reasons[j].why);
}

/* The port's reason of this kind, or NULL. */
static const struct status_lacp_reason *why(unsigned port, enum lacp_why w)
{
	for (unsigned j = 0; j < X.ports[port].n_reasons; j++)
		if (X.ports[port].reasons[j].why == w)
			return &X.ports[port].reasons[j];
	return NULL;
}

static enum lacp_why first_why(unsigned port)
{
	assert_true(X.ports[port].n_reasons > 0);
	return X.ports[port].reasons[0].why;
}

/* ---- bondctl through a backend over the world's engine ------------------ */

static struct engine *be_engine(void *ctx)
{
	(void)ctx;
	return W.e;
}

static uint64_t be_now(void *ctx)
{
	(void)ctx;
	return W.now;
}

static const struct ctl_backend_ops be_ops = { .engine = be_engine, .now = be_now };
static const struct ctl_backend be = { &be_ops, NULL };

static struct strbuf OUT, ERR;

static int ctl(bool json, const char *line)
{
	char buf[256], *argv[8], *save = NULL;
	int argc = 0, rc;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok_r(buf, " ", &save); t && argc < 8; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	sb_free(&OUT);
	sb_free(&ERR);
	sb_init(&OUT);
	sb_init(&ERR);
	rc = ctl_exec(&be, argc, argv, json, &OUT, &ERR);
	/* LACP_DUMP=FILE: every output goes there, one per block (the JSON
	 * ones are checked with a JSON parser by hand). */
	if (getenv("LACP_DUMP")) {
		FILE *f = fopen(getenv("LACP_DUMP"), "a");

		if (f) {
			fprintf(f, "=== %s%s\n%s", json ? "json " : "", line, sb_str(&OUT));
			fclose(f);
		}
	}
	return rc;
}

static void assert_out_has(const char *needle)
{
	if (!strstr(sb_str(&OUT), needle))
		fail_msg("output lacks \"%s\":\n%s", needle, sb_str(&OUT));
}

/* ---- the situations -------------------------------------------------------- */

/* Two partners in one system and key: both ports aggregate, no reason. */
static void aggregated(void **state)
{
	(void)state;
	world_new(2, "lacp_rate fast");
	world_up();
	run_ms(5000);
	explain();
	assert_true(X.has_active_agg);
	assert_int_equal(X.active_ports, 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_true(X.ports[i].aggregated);
		assert_int_equal(X.ports[i].n_reasons, 0);
		assert_true(X.ports[i].heard);
		assert_true(X.ports[i].heard_ago_ms < 1000);
	}
	assert_int_equal(ctl(false, "lacp explain bond0"), 0);
	assert_out_has("bond0: carrier up, active aggregator 1 with 2 ports up");
	assert_out_has("  eth0: aggregated (aggregator 1, partner 02:aa:00:00:00:01 port 1 key 7)");
	assert_out_has("  eth1: aggregated");
	world_free();
}

/* The partner of eth1 runs no LACP: "no LACPDU heard" with how long. */
static void no_lacpdu(void **state)
{
	(void)state;
	world_new(2, "lacp_rate fast");
	W.pt[1].speaks = false;
	world_up();
	run_ms(12000);
	explain();
	assert_true(X.ports[0].aggregated);
	assert_false(X.ports[1].aggregated);
	assert_false(X.ports[1].carrying);
	assert_int_equal(first_why(1), LACP_WHY_NO_LACPDU);
	assert_false(why(1, LACP_WHY_NO_LACPDU)->heard);
	assert_in_range(why(1, LACP_WHY_NO_LACPDU)->ms, 11800, 12000);
	assert_null(why(1, LACP_WHY_BOTH_PASSIVE));   /* we are active */
	assert_int_equal(ctl(false, "lacp explain bond0"), 0);
	assert_out_has("  eth1: not aggregated\n"
		       "    - no LACPDU heard in the 12.0 s since the port came up: the partner does not run LACP (or is passive)\n");
	assert_int_equal(ctl(true, "lacp explain bond0"), 0);
	assert_out_has("\"reason\":\"no_lacpdu\"");
	assert_out_has("\"ever_heard\":false");
	world_free();
}

/* Nobody speaks at all: the port runs alone (fallback); with lacp_strict
 * the carrier is held down. */
static void fallback_and_strict(void **state)
{
	(void)state;
	world_new(1, NULL);
	W.pt[0].speaks = false;
	world_up();
	run_ms(10000);
	explain();
	assert_true(X.ports[0].carrying);
	assert_false(X.ports[0].aggregated);
	assert_non_null(why(0, LACP_WHY_NO_LACPDU));
	assert_non_null(why(0, LACP_WHY_FALLBACK));
	assert_null(why(0, LACP_WHY_STRICT));
	set_opts("lacp_strict on");
	run_ms(500);
	explain();
	assert_false(X.carrier);
	assert_false(X.ports[0].carrying);
	assert_non_null(why(0, LACP_WHY_STRICT));
	assert_null(why(0, LACP_WHY_FALLBACK));
	assert_int_equal(ctl(false, "lacp explain bond0"), 0);
	assert_out_has("lacp_strict holds carrier down");
	world_free();
}

/* We are passive and the partner too: first silent, then a passive
 * partner's LACPDUs heard. */
static void both_passive(void **state)
{
	(void)state;
	world_new(1, "lacp_active off");
	W.pt[0].speaks = false;
	world_up();
	run_ms(4000);
	explain();
	assert_int_equal(first_why(0), LACP_WHY_NO_LACPDU);
	assert_non_null(why(0, LACP_WHY_BOTH_PASSIVE));
	assert_false(why(0, LACP_WHY_BOTH_PASSIVE)->partner);

	/* The partner announces itself passive and not in sync. */
	W.pt[0].speaks = true;
	W.pt[0].state = LACP_STATE_AGGREGATION | LACP_STATE_TIMEOUT;
	W.pt[0].mirror_sync = false;
	run_ms(3000);
	explain();
	assert_false(X.ports[0].aggregated);
	assert_non_null(why(0, LACP_WHY_BOTH_PASSIVE));
	assert_true(why(0, LACP_WHY_BOTH_PASSIVE)->partner);
	assert_int_equal(ctl(false, "lacp explain bond0"), 0);
	assert_out_has("both sides passive: lacp_active is off here and the partner's LACPDUs say passive");
	world_free();
}

/* eth1's partner uses another key (another ad_user_port_key on its side):
 * "partner key differs" with both values, and its own aggregator loses
 * the selection. */
static void partner_key_differs(void **state)
{
	(void)state;
	world_new(2, "lacp_rate fast");
	W.pt[1].key = 9;
	world_up();
	run_ms(6000);
	explain();
	assert_true(X.ports[0].aggregated);
	assert_false(X.ports[1].aggregated);
	assert_int_equal(first_why(1), LACP_WHY_PARTNER_DIFFERS);
	assert_int_equal(why(1, LACP_WHY_PARTNER_DIFFERS)->ours, 9);
	assert_int_equal(why(1, LACP_WHY_PARTNER_DIFFERS)->theirs, 7);
	assert_non_null(why(1, LACP_WHY_NOT_SELECTED));
	assert_int_equal(why(1, LACP_WHY_NOT_SELECTED)->agg_id, X.active_agg_id);
	assert_string_equal(why(1, LACP_WHY_NOT_SELECTED)->rule,
			    "stable: the active aggregator stays while it has ports up and a partner");
	assert_int_equal(ctl(false, "lacp explain bond0"), 0);
	assert_out_has("partner key or system differs from active aggregator 1's: partner key 9 system "
		       "65535,02:aa:00:00:00:01 here, partner key 7 system 65535,02:aa:00:00:00:01 there "
		       "(partner key differs)");
	assert_out_has("not selected: ad_select stable prefers aggregator 1 (stable:");
	assert_int_equal(ctl(true, "lacp explain bond0"), 0);
	assert_out_has("\"reason\":\"partner_differs\"");
	assert_out_has("\"partner_key\":9");
	assert_out_has("\"aggregator_partner_key\":7");
	world_free();
}

/* eth2 faces another system; ad_select count prefers the two-port
 * aggregator and says so. */
static void partner_system_differs_count(void **state)
{
	(void)state;
	world_new(3, "lacp_rate fast ad_select count");
	W.pt[2].system[5] = 2;
	W.pt[2].sys_prio = 100;
	world_up();
	run_ms(6000);
	explain();
	assert_int_equal(X.active_ports, 2);
	assert_false(X.ports[2].aggregated);
	assert_int_equal(first_why(2), LACP_WHY_PARTNER_DIFFERS);
	assert_int_equal(why(2, LACP_WHY_PARTNER_DIFFERS)->ours_prio, 100);
	assert_int_equal(why(2, LACP_WHY_PARTNER_DIFFERS)->ours_mac[5], 2);
	assert_int_equal(why(2, LACP_WHY_PARTNER_DIFFERS)->theirs_mac[5], 1);
	assert_string_equal(why(2, LACP_WHY_NOT_SELECTED)->rule, "count: more ports with link up");
	world_free();
}

/* The partner keeps its Synchronization bit off. */
static void partner_not_in_sync(void **state)
{
	(void)state;
	world_new(1, "lacp_rate fast");
	W.pt[0].state = LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT | LACP_STATE_AGGREGATION;
	W.pt[0].mirror_sync = false;
	world_up();
	run_ms(6000);
	explain();
	assert_false(X.ports[0].aggregated);
	assert_int_equal(first_why(0), LACP_WHY_PARTNER_NOT_SYNC);

	/* ... for over a minute: churn. */
	run_ms(62000);
	explain();
	assert_non_null(why(0, LACP_WHY_CHURN));
	assert_true(why(0, LACP_WHY_CHURN)->partner);
	assert_int_equal(ctl(false, "lacp explain bond0"), 0);
	assert_out_has("partner not in sync");
	assert_out_has("churn detected on the partner side");
	world_free();
}

/* The partner says individual (Aggregation off). */
static void individual(void **state)
{
	(void)state;
	world_new(1, "lacp_rate fast");
	W.pt[0].state = LACP_STATE_ACTIVITY | LACP_STATE_TIMEOUT | LACP_STATE_SYNC;
	world_up();
	run_ms(5000);
	explain();
	assert_false(X.ports[0].aggregated);
	assert_non_null(why(0, LACP_WHY_INDIVIDUAL));
	assert_int_equal(ctl(false, "lacp explain bond0"), 0);
	assert_out_has("individual: the partner says this link is not aggregatable");
	world_free();
}

/* The partner falls silent: expired after the short timeout, then
 * defaulted, each with the time since the last LACPDU. */
static void expired_then_defaulted(void **state)
{
	(void)state;
	world_new(1, "lacp_rate fast");
	world_up();
	run_ms(5000);
	explain();
	assert_true(X.ports[0].aggregated);
	W.pt[0].speaks = false;
	run_ms(3500);
	explain();
	assert_false(X.ports[0].aggregated);
	assert_int_equal(first_why(0), LACP_WHY_EXPIRED);
	assert_in_range(why(0, LACP_WHY_EXPIRED)->ms, 3000, 4500);
	run_ms(3000);
	explain();
	assert_int_equal(first_why(0), LACP_WHY_DEFAULTED);
	assert_in_range(why(0, LACP_WHY_DEFAULTED)->ms, 6000, 7500);
	assert_true(why(0, LACP_WHY_DEFAULTED)->heard);
	assert_int_equal(ctl(false, "lacp explain bond0"), 0);
	assert_out_has("defaulted: no LACPDU for 6.");
	world_free();
}

/* eth1 runs at 1 Gb/s: its key differs from the active aggregator's. */
static void speed_differs(void **state)
{
	struct link_info li;

	(void)state;
	world_new(2, "lacp_rate fast");
	li = W.s[1]->os;
	li.speed = 1000;
	slave_link_event(W.s[1], &li, W.now);
	tick();
	world_up();
	run_ms(6000);
	explain();
	assert_true(X.ports[0].aggregated);
	assert_false(X.ports[1].aggregated);
	assert_int_equal(first_why(1), LACP_WHY_SPEED_DIFFERS);
	assert_int_equal(why(1, LACP_WHY_SPEED_DIFFERS)->ours, 4 << 1 | 1);
	assert_int_equal(why(1, LACP_WHY_SPEED_DIFFERS)->theirs, 7 << 1 | 1);
	assert_int_equal(ctl(false, "lacp explain bond0"), 0);
	assert_out_has("speed/duplex differs from active aggregator 1's: port key 9 (1 Gb/s full duplex, "
		       "ad_user_port_key 0) here, 15 (10 Gb/s full duplex, ad_user_port_key 0) there");
	world_free();
}

/* Link down, half duplex, bond down. */
static void link_duplex_bond(void **state)
{
	struct link_info li;

	(void)state;
	world_new(3, "lacp_rate fast");
	world_up();
	run_ms(5000);
	li = W.s[1]->os;
	li.carrier = false;
	slave_link_event(W.s[1], &li, W.now);
	li = W.s[2]->os;
	li.duplex = DUPLEX_HALF;
	slave_link_event(W.s[2], &li, W.now);
	run_ms(1000);
	explain();
	assert_true(X.ports[0].aggregated);
	assert_int_equal(first_why(1), LACP_WHY_LINK_DOWN);
	assert_int_equal(X.ports[1].n_reasons, 1);
	assert_int_equal(first_why(2), LACP_WHY_HALF_DUPLEX);
	bond_set_admin(W.b, false, W.now);
	tick();
	explain();
	assert_int_equal(first_why(0), LACP_WHY_BOND_DOWN);
	world_free();
}

/* min_links 3 with two ports: aggregated, but the carrier is off. */
static void min_links(void **state)
{
	(void)state;
	world_new(2, "lacp_rate fast min_links 3");
	world_up();
	run_ms(6000);
	explain();
	assert_false(X.carrier);
	assert_non_null(why(0, LACP_WHY_MIN_LINKS));
	assert_int_equal(why(0, LACP_WHY_MIN_LINKS)->ours, 2);
	assert_int_equal(why(0, LACP_WHY_MIN_LINKS)->theirs, 3);
	assert_int_equal(ctl(false, "lacp explain bond0"), 0);
	assert_out_has("min_links not reached: 2 ports up in the active aggregator, min_links 3");
	world_free();
}

/* Right after the bond comes up: the mux waits, with the time left. */
static void waiting(void **state)
{
	bool seen = false;

	(void)state;
	world_new(2, "lacp_rate fast");
	world_up();
	for (unsigned t = 0; t < 30 && !seen; t++) {
		run_ms(100);
		explain();
		seen = why(0, LACP_WHY_WAITING) != NULL;
	}
	assert_true(seen);
	assert_true(why(0, LACP_WHY_WAITING)->ms <= 2000);
	world_free();
}

/* From the bond coming up to aggregation, every 100 ms: a port that does
 * not aggregate always has a reason, and the selection timer is named
 * while it runs. */
static void every_step_has_a_reason(void **state)
{
	bool selecting = false;

	(void)state;
	/* Enslaved into a running bond: the 8 s selection timer runs. */
	world_new(0, NULL);
	world_up();
	add_port(0);
	add_port(1);
	for (unsigned t = 0; t < 120; t++) {
		run_ms(100);
		explain();
		for (unsigned i = 0; i < 2; i++) {
			if (!X.ports[i].aggregated && !X.ports[i].n_reasons)
				fail_msg("t=%u00 ms: %s has no reason", t, X.ports[i].name);
			if (why(i, LACP_WHY_SELECTING))
				selecting = true;
		}
	}
	assert_true(selecting);
	assert_true(X.ports[0].aggregated && X.ports[1].aggregated);
	world_free();
}

/* The log: LACPDUs both ways with what they caused, at most 32 of them,
 * oldest first, and the state changes of the ticks in between. */
static void log_ring(void **state)
{
	struct status_lacp_log *l = malloc(sizeof(*l));
	unsigned pdus = 0, rx_current = 0;

	(void)state;
	assert_non_null(l);
	world_new(2, "lacp_rate fast");
	world_up();
	run_ms(6000);
	assert_int_equal(lacp_port_log(W.b, W.s[0], l), 0);
	for (unsigned i = 0; i < l->n; i++) {
		if (strcmp(l->e[i].kind, "state"))
			pdus++;
		if (!strcmp(l->e[i].kind, "rx") &&
		    strcmp(l->e[i].before.rx_state, "CURRENT") &&
		    !strcmp(l->e[i].after.rx_state, "CURRENT"))
			rx_current++;
		if (i)
			assert_true(l->e[i].ms >= l->e[i - 1].ms);
	}
	assert_true(pdus >= 10);
	assert_int_equal(rx_current, 1);
	assert_int_equal(ctl(false, "lacp log bond0 eth0"), 0);
	assert_out_has("eth0 of bond0: ");
	assert_out_has(" rx    v1 actor 65535,02:aa:00:00:00:01 key 7 port 1 prio 255 state ");
	assert_out_has("caused: rx EXPIRED -> CURRENT");
	assert_out_has("caused: ignored (receive machine in PORT_DISABLED)");
	assert_out_has("mux ATTACHED -> COLLECTING_DISTRIBUTING");

	/* A minute later only the last 32 LACPDUs are kept. */
	run_ms(60000);
	assert_int_equal(lacp_port_log(W.b, W.s[0], l), 0);
	pdus = 0;
	for (unsigned i = 0; i < l->n; i++)
		if (strcmp(l->e[i].kind, "state"))
			pdus++;
	assert_int_equal(pdus, LACP_LOG_LEN);
	assert_true(W.now - l->e[l->n - 1].ms < 1000);
	assert_int_equal(ctl(true, "lacp log bond0 eth0"), 0);
	assert_out_has("\"kind\":\"rx\"");
	assert_out_has("\"kind\":\"tx\"");
	free(l);
	world_free();
}

static int ctl_unpriv(const char *line)
{
	char buf[256], *argv[8], *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok_r(buf, " ", &save); t && argc < 8; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	sb_reset(&OUT);
	sb_reset(&ERR);
	return ctl_exec_as(&be, argc, argv, false, false, &OUT, &ERR);
}

static void assert_out_is(const char *want)
{
	assert_string_equal(sb_str(&OUT), want);
}

/* The read-only 802.3ad attributes as sysfs prints them. */
static void get_ro_attributes(void **state)
{
	(void)state;
	world_new(2, "lacp_rate fast");
	W.pt[1].speaks = false;
	/* Before the bond is up: no aggregator anywhere. */
	assert_int_equal(ctl(false, "get bond0 ad_aggregator"), 0);
	assert_out_is("0\n");
	assert_int_equal(ctl(false, "get bond0 ad_actor_key"), 0);
	assert_out_is("-1\n");
	assert_int_equal(ctl(false, "get bond0 ad_partner_mac"), 0);
	assert_out_is("\n");
	assert_int_equal(ctl(false, "get bond0 eth0 ad_actor_oper_port_state"), 0);
	assert_out_is("N/A\n");

	world_up();
	run_ms(6000);
	assert_int_equal(ctl(false, "get bond0 ad_aggregator"), 0);
	assert_out_is("1\n");
	assert_int_equal(ctl(false, "get bond0 ad_num_ports"), 0);
	assert_out_is("1\n");
	assert_int_equal(ctl(false, "get bond0 ad_actor_key"), 0);
	assert_out_is("15\n");
	assert_int_equal(ctl(false, "get bond0 ad_partner_key"), 0);
	assert_out_is("7\n");
	assert_int_equal(ctl(false, "get bond0 ad_partner_mac"), 0);
	assert_out_is("02:aa:00:00:00:01\n");
	assert_int_equal(ctl(true, "get bond0 ad_partner_mac"), 0);
	assert_out_is("{\"ad_partner_mac\":\"02:aa:00:00:00:01\"}\n");
	assert_int_equal(ctl(false, "get bond0 eth0 ad_actor_oper_port_state"), 0);
	assert_out_is("63\n");
	assert_int_equal(ctl(false, "get bond0 eth0 ad_partner_oper_port_state"), 0);
	assert_out_is("63\n");
	/* eth1 hears nothing: defaulted, own aggregator 2 */
	assert_int_equal(ctl(false, "get bond0 eth1"), 0);
	assert_out_is("prio 0\nad_actor_port_prio 255\nad_aggregator_id 2\n"
		      "ad_actor_oper_port_state 71\nad_partner_oper_port_state 0\n");
	assert_int_equal(ctl(true, "get bond0 eth1"), 0);
	assert_out_has("\"ad_partner_oper_port_state\":0}");   /* typed */
	assert_int_equal(ctl(false, "get bond0"), 0);
	assert_out_has("\nad_aggregator 1\nad_num_ports 1\nad_actor_key 15\nad_partner_key 7\n"
		       "ad_partner_mac 02:aa:00:00:00:01\n");
	assert_int_not_equal(ctl(false, "get bond0 eth1 nosuch"), 0);
	assert_int_not_equal(ctl(false, "get bond0 eth7 ad_aggregator_id"), 0);

	/* Unprivileged readers: no keys, no partner MAC (CAP_NET_ADMIN). */
	assert_int_equal(ctl_unpriv("get bond0 ad_actor_key"), 0);
	assert_out_is("\n");
	assert_int_equal(ctl_unpriv("get bond0 ad_partner_mac"), 0);
	assert_out_is("\n");
	assert_int_equal(ctl_unpriv("get bond0 ad_aggregator"), 0);
	assert_out_is("1\n");
	world_free();

	/* Outside 802.3ad: empty files, N/A for the slaves. */
	world_new(1, "mode active-backup");
	assert_int_equal(ctl(false, "get bond0 ad_aggregator"), 0);
	assert_out_is("\n");
	assert_int_equal(ctl(false, "get bond0 eth0 ad_partner_oper_port_state"), 0);
	assert_out_is("N/A\n");
	world_free();
}

static void usage_errors(void **state)
{
	(void)state;
	world_new(1, NULL);
	assert_int_not_equal(ctl(false, "lacp log bond0 eth9"), 0);
	if (!strstr(sb_str(&ERR), "eth9 is not a slave"))
		fail_msg("err: %s", sb_str(&ERR));
	assert_int_not_equal(ctl(false, "lacp explain"), 0);
	assert_int_not_equal(ctl(false, "lacp explain bond1"), 0);
	assert_int_not_equal(ctl(false, "lacp frobnicate bond0"), 0);
	world_free();
	world_new(0, "mode active-backup");
	assert_int_not_equal(ctl(false, "lacp explain bond0"), 0);
	assert_non_null(strstr(sb_str(&ERR), "not in 802.3ad mode"));
	world_free();
	sb_free(&OUT);
	sb_free(&ERR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(aggregated),
		cmocka_unit_test(no_lacpdu),
		cmocka_unit_test(fallback_and_strict),
		cmocka_unit_test(both_passive),
		cmocka_unit_test(partner_key_differs),
		cmocka_unit_test(partner_system_differs_count),
		cmocka_unit_test(partner_not_in_sync),
		cmocka_unit_test(individual),
		cmocka_unit_test(expired_then_defaulted),
		cmocka_unit_test(speed_differs),
		cmocka_unit_test(link_duplex_bond),
		cmocka_unit_test(min_links),
		cmocka_unit_test(waiting),
		cmocka_unit_test(every_step_has_a_reason),
		cmocka_unit_test(log_ring),
		cmocka_unit_test(get_ro_attributes),
		cmocka_unit_test(usage_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
