/* engine_bench: per-frame cost of the engine's transmit path, alone.
 *
 * Builds an engine whose tx action does nothing but count, creates NB bonds
 * of NS slaves each (all links up), and times bond_xmit() over a fixed set of
 * 64-byte UDP frames of 256 different flows (so hashing modes spread them),
 * the bonds taken in turn frame by frame. No syscall, no clock read inside
 * the loop: what is measured is the engine (mode dispatch, slave choice,
 * counters) plus one indirect call.
 *
 *   engine_bench [--json] [--quick]
 *
 * Modes: every balancing mode mode_lookup() knows among balance-rr,
 * active-backup, balance-xor (layer3+4), broadcast is left out (it sends
 * NS copies by design). Prints one line per (mode, slaves, bonds): the
 * median of 5 repetitions in ns per frame, and the frames the tx action saw
 * per bond_xmit() (1.00 when every frame went out).
 *
 * Each figure is the best (minimum) of 7 timed repetitions after a warm-up
 * pass, the usual way to read a micro-benchmark on a shared machine; the
 * median is printed beside it. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/engine.h"
#include "core/mode.h"
#include "core/opt.h"

#define NFLOWS 256
#define REPS 7
#define MAX_BONDS 64

struct ctx {
	uint64_t ntx;
	uint64_t bytes;
};

static void b_tx(void *c, struct slave *s, const uint8_t *frame, size_t len,
		 const void *meta)
{
	struct ctx *x = c;

	x->ntx++;
	x->bytes += len;
}

static void b_deliver(void *c, struct bond *b, const uint8_t *frame, size_t len,
		      const void *meta)
{
}

static void b_slave_mac(void *c, struct slave *s, const uint8_t mac[6])
{
}

static void b_bond_mac(void *c, struct bond *b, const uint8_t mac[6])
{
}

static void b_carrier(void *c, struct bond *b, bool up)
{
}

static void b_log(void *c, int level, const char *line)
{
}

static const struct engine_ops ops = {
	.tx = b_tx,
	.deliver = b_deliver,
	.set_slave_mac = b_slave_mac,
	.set_bond_mac = b_bond_mac,
	.set_carrier = b_carrier,
	.log = b_log,
};

static uint8_t frames[NFLOWS][64];

/* A 60-byte Ethernet/IPv4/UDP frame (64 on the wire with the FCS). */
static void make_frames(void)
{
	static const uint8_t hdr[34] = {
		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
		0x45, 0, 0, 46, 0, 0, 0x40, 0, 64, 17, 0, 0,
		198, 51, 100, 1, 198, 51, 100, 2,
	};

	for (unsigned i = 0; i < NFLOWS; i++) {
		uint8_t *f = frames[i];
		uint16_t sport = (uint16_t)(40000 + i * 7);

		memset(f, 0, sizeof(frames[i]));
		memcpy(f, hdr, sizeof(hdr));
		f[33] = (uint8_t)(2 + (i & 3));     /* a few destinations */
		f[34] = (uint8_t)(sport >> 8);
		f[35] = (uint8_t)sport;
		f[36] = 0x13;                       /* dport 5001 */
		f[37] = 0x89;
		f[38] = 0;
		f[39] = 26;                         /* UDP length: 8 + 18 */
	}
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct result {
	double ns;        /* best ns per bond_xmit() */
	double ns_median; /* median ns per bond_xmit() */
	double tx_ratio;  /* tx actions per bond_xmit() */
	bool ok;
};

static struct result run_one(const char *mode, const char *policy, unsigned nslaves,
			     unsigned nbonds, uint64_t iters)
{
	struct result r = { 0 };
	struct ctx c = { 0 };
	struct engine *e = engine_new(&ops, &c);
	struct bond *bonds[MAX_BONDS];
	struct link_info li = { .running = true, .carrier = true, .speed = 10000,
				.duplex = DUPLEX_FULL };
	uint64_t now = 1000;
	double t[REPS];

	if (!e)
		return r;
	for (unsigned i = 0; i < nbonds; i++) {
		struct err err = { 0 };
		char name[16];
		const char *names[3] = { "mode", "miimon", "xmit_hash_policy" };
		const char *values[3] = { mode, "100", policy };

		snprintf(name, sizeof(name), "bond%u", i);
		bonds[i] = engine_bond_new(e, name, &err);
		if (!bonds[i] ||
		    opt_set_many(bonds[i], policy ? 3 : 2, names, values, now, &err) < 0) {
			fprintf(stderr, "engine_bench: %s: %s\n", mode, err.msg);
			engine_free(e);
			return r;
		}
		bond_set_admin(bonds[i], true, now);
		for (unsigned j = 0; j < nslaves; j++) {
			uint8_t mac[6] = { 0x02, 0xbb, (uint8_t)i, 0, 0, (uint8_t)(j + 1) };
			char sname[16];

			snprintf(sname, sizeof(sname), "b%us%u", i % 1000u, j % 1000u);
			if (!bond_enslave(bonds[i], sname, mac, &li, NULL, now, &err)) {
				fprintf(stderr, "engine_bench: enslave: %s\n", err.msg);
				engine_free(e);
				return r;
			}
		}
	}
	/* Let the monitors commit every link (updelay 0: the first tick). */
	for (int k = 0; k < 5; k++) {
		now += 100;
		engine_tick(e, now);
	}

	for (uint64_t n = 0; n < iters / 4; n++)     /* warm-up */
		bond_xmit(bonds[n % nbonds], frames[n & (NFLOWS - 1)], 60, NULL, now);
	for (int rep = 0; rep < REPS; rep++) {
		unsigned bi = 0;
		double t0;

		c.ntx = 0;
		t0 = now_ns();
		for (uint64_t n = 0; n < iters; n++) {
			bond_xmit(bonds[bi], frames[n & (NFLOWS - 1)], 60, NULL, now);
			if (++bi == nbonds)
				bi = 0;
		}
		t[rep] = (now_ns() - t0) / (double)iters;
	}
	qsort(t, REPS, sizeof(t[0]), cmp_double);
	r.ns = t[0];
	r.ns_median = t[REPS / 2];
	r.tx_ratio = (double)c.ntx / (double)iters;
	r.ok = true;
	engine_free(e);
	return r;
}

int main(int argc, char **argv)
{
	static const struct {
		uint32_t number;
		const char *name;
		const char *policy;
		const char *label;
	} modes[] = {
		{ 0, "balance-rr", NULL, "balance-rr" },
		{ 1, "active-backup", NULL, "active-backup" },
		{ 2, "balance-xor", "layer3+4", "balance-xor l3+4" },
		{ 4, "802.3ad", "layer3+4", "802.3ad l3+4" },
	};
	static const unsigned slaves[] = { 2, 4, 8, 16 };
	static const unsigned bondsv[] = { 1, 8, 64 };
	bool json = false, quick = false, first = true;
	uint64_t iters;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--quick"))
			quick = true;
		else {
			fprintf(stderr, "usage: engine_bench [--json] [--quick]\n");
			return 2;
		}
	}
	iters = quick ? 1000000 : 5000000;
	make_frames();
	if (json)
		printf("{\"unit\": \"ns per bond_xmit() (best of the repetitions)\", \"frame_bytes\": 60, \"flows\": %d, "
		       "\"iterations\": %llu, \"repetitions\": %d, \"results\": [",
		       NFLOWS, (unsigned long long)iters, REPS);
	else
		printf("%-18s %6s %6s %10s %10s %9s\n", "mode", "slaves", "bonds", "best ns",
		       "median ns", "tx/frame");
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		if (!mode_lookup(modes[m].number)) {
			if (!json)
				printf("%-18s n/a (mode not available)\n", modes[m].label);
			continue;
		}
		for (size_t s = 0; s < sizeof(slaves) / sizeof(slaves[0]); s++)
			for (size_t b = 0; b < sizeof(bondsv) / sizeof(bondsv[0]); b++) {
				struct result r = run_one(modes[m].name, modes[m].policy,
							  slaves[s], bondsv[b], iters);

				if (!r.ok)
					continue;
				if (json) {
					printf("%s\n  {\"mode\": \"%s\", \"slaves\": %u, \"bonds\": %u, "
					       "\"ns_per_frame\": %.2f, \"ns_median\": %.2f, "
					       "\"tx_per_frame\": %.3f}",
					       first ? "" : ",", modes[m].label, slaves[s],
					       bondsv[b], r.ns, r.ns_median, r.tx_ratio);
					first = false;
				} else {
					printf("%-18s %6u %6u %10.2f %10.2f %9.3f\n", modes[m].label,
					       slaves[s], bondsv[b], r.ns, r.ns_median, r.tx_ratio);
				}
				fflush(stdout);
			}
	}
	if (json)
		printf("\n]}\n");
	return 0;
}
