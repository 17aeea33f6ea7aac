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
 * best of the repetitions in ns per frame, and the frames the tx action saw
 * per bond_xmit() (1.00 when every frame went out).
 *
 * Each figure is the best (minimum) of 7 timed repetitions after a warm-up
 * pass, the usual way to read a micro-benchmark on a shared machine; the
 * median is printed beside it. The repetitions are interleaved over all
 * configurations (round 1 of every configuration, then round 2, ...), so a
 * slow phase of a virtual machine does not single out a few of them. */
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

/* One configuration: an engine with nbonds bonds of nslaves slaves. */
struct setup {
	const char *label;
	unsigned nslaves, nbonds;
	struct ctx c;
	struct engine *e;
	struct bond *bonds[MAX_BONDS];
	double t[REPS];
};

static bool setup_build(struct setup *su, const char *mode, const char *policy)
{
	struct link_info li = { .running = true, .carrier = true, .speed = 10000,
				.duplex = DUPLEX_FULL };
	uint64_t now = 1000;

	su->e = engine_new(&ops, &su->c);
	if (!su->e)
		return false;
	for (unsigned i = 0; i < su->nbonds; i++) {
		struct err err = { 0 };
		char name[16];
		const char *names[3] = { "mode", "miimon", "xmit_hash_policy" };
		const char *values[3] = { mode, "100", policy };

		snprintf(name, sizeof(name), "bond%u", i);
		su->bonds[i] = engine_bond_new(su->e, name, &err);
		if (!su->bonds[i] ||
		    opt_set_many(su->bonds[i], policy ? 3 : 2, names, values, now, &err) < 0) {
			fprintf(stderr, "engine_bench: %s: %s\n", mode, err.msg);
			return false;
		}
		bond_set_admin(su->bonds[i], true, now);
		for (unsigned j = 0; j < su->nslaves; j++) {
			uint8_t mac[6] = { 0x02, 0xbb, (uint8_t)i, 0, 0, (uint8_t)(j + 1) };
			char sname[16];

			snprintf(sname, sizeof(sname), "b%us%u", i % 1000u, j % 1000u);
			if (!bond_enslave(su->bonds[i], sname, mac, &li, NULL, now, &err)) {
				fprintf(stderr, "engine_bench: enslave: %s\n", err.msg);
				return false;
			}
		}
	}
	/* Let the monitors commit every link (updelay 0: the first tick). */
	for (int k = 0; k < 5; k++) {
		now += 100;
		engine_tick(su->e, now);
	}
	return true;
}

/* ns per bond_xmit() over iters frames, the bonds taken in turn. */
static double setup_time(struct setup *su, uint64_t iters)
{
	unsigned bi = 0;
	double t0 = now_ns();

	for (uint64_t n = 0; n < iters; n++) {
		bond_xmit(su->bonds[bi], frames[n & (NFLOWS - 1)], 60, NULL, 1500);
		if (++bi == su->nbonds)
			bi = 0;
	}
	return (now_ns() - t0) / (double)iters;
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
	/* Build every configuration first, then time them round by round
	 * (repetition 1 of each, then 2, ...): a slow phase of the machine
	 * hits every configuration alike instead of a few neighbours, and the
	 * best round of each is kept. */
	static struct setup su[4 * 4 * 3];
	size_t nsu = 0;

	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		if (!mode_lookup(modes[m].number)) {
			if (!json)
				printf("%-18s n/a (mode not available)\n", modes[m].label);
			continue;
		}
		for (size_t s = 0; s < sizeof(slaves) / sizeof(slaves[0]); s++)
			for (size_t b = 0; b < sizeof(bondsv) / sizeof(bondsv[0]); b++) {
				struct setup *x = &su[nsu];

				x->label = modes[m].label;
				x->nslaves = slaves[s];
				x->nbonds = bondsv[b];
				if (!setup_build(x, modes[m].name, modes[m].policy)) {
					if (x->e)
						engine_free(x->e);
					x->e = NULL;
					continue;
				}
				setup_time(x, iters / 4);        /* warm-up */
				nsu++;
			}
	}
	for (int rep = 0; rep < REPS; rep++)
		for (size_t i = 0; i < nsu; i++) {
			su[i].c.ntx = 0;
			su[i].t[rep] = setup_time(&su[i], iters);
		}
	for (size_t i = 0; i < nsu; i++) {
		struct setup *x = &su[i];
		double tx_ratio = (double)x->c.ntx / (double)iters;

		qsort(x->t, REPS, sizeof(x->t[0]), cmp_double);
		if (json) {
			printf("%s\n  {\"mode\": \"%s\", \"slaves\": %u, \"bonds\": %u, "
			       "\"ns_per_frame\": %.2f, \"ns_median\": %.2f, "
			       "\"tx_per_frame\": %.3f}",
			       first ? "" : ",", x->label, x->nslaves, x->nbonds, x->t[0],
			       x->t[REPS / 2], tx_ratio);
			first = false;
		} else {
			printf("%-18s %6u %6u %10.2f %10.2f %9.3f\n", x->label, x->nslaves,
			       x->nbonds, x->t[0], x->t[REPS / 2], tx_ratio);
		}
		engine_free(x->e);
	}
	if (json)
		printf("\n]}\n");
	return 0;
}
