/* bondctl flows: each bond's busiest flows per window (docs/design.md,
 * "Flows"; the table is core/flowtab.c).
 *
 * packet data path: every frame the daemon sends on a slave (act_tx) is
 * counted in the bond's open window, keyed by the fields the bond's
 * transmit choice reads. ebpf: the egress program counts into its map
 * dp_flows under the window number of dp_flowctl; at a window's end the
 * daemon flips the number and takes the finished window's entries out of
 * the map into the same table. Either way the table's memory is fixed,
 * allocated once per bond, and the map is read only at window ends.
 *
 * Windows end at multiples of FLOW_WINDOW_MS of the monotonic clock, when
 * the loop's timer gets there (a few ms late at most); the start and end
 * shown are the times the daemon actually closed them. Each slave's share
 * is its transmit counters' growth between the same two moments. */
#include "daemon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "core/flowtab.h"
#include "daemon_impl.h"
#include "linux/dp_ebpf.h"

/* ebpf: of the frames shorter than DP_FLOW_ALL_FROM bytes the program
 * counts one in N (a power of two; 1: every frame), drawn at random, for N
 * frames of its size; longer ones one for one. Counting every frame costs
 * bond_tx ~70 ns a frame, one in 8 ~12 ns (tests/bpf test_flows_cost;
 * docs/design.md "Flows"). */
#define FLOW_SAMPLE_EBPF 8

/* The program's key and field bits are the core's. */
_Static_assert(DP_FK_SMAC == FK_SMAC && DP_FK_DMAC == FK_DMAC && DP_FK_ETYPE == FK_ETYPE &&
	       DP_FK_VLAN == FK_VLAN && DP_FK_IP == FK_IP && DP_FK_PROTO == FK_PROTO &&
	       DP_FK_PORTS == FK_PORTS, "dp_abi.h DP_FK_* differ from flowtab.h FK_*");
_Static_assert(sizeof(struct dp_flow_key) == sizeof(struct flow_key) + 4,
	       "dp_flow_key is flow_key plus the window");
_Static_assert(DP_FLOWS_MAX == FLOW_TAB_SIZE, "the map and the table differ in size");
_Static_assert((FLOW_SAMPLE_EBPF & (FLOW_SAMPLE_EBPF - 1)) == 0 && FLOW_SAMPLE_EBPF < 65536,
	       "the program masks (a power of two) and passes it in 16 bits");

void daemon_flows_record(struct dslave *ds, const uint8_t *frame, size_t len)
{
	struct dbond *db = ds->db;
	struct flow_key k;

	if (!db || !db->flows)
		return;
	flow_key_from_frame(&k, flow_fields(db->b), frame, len);
	k.ifindex = (uint32_t)ds->ifindex;
	flow_tab_add(&db->flows->cur, &k, len, 1);
}

/* Each slave's tx counters: the growth since the mark is the finished
 * window's; a slave enslaved during it has none (not valid). */
static void mark_slaves(struct dbond *db)
{
	for (unsigned i = 0; i < db->n_slaves; i++) {
		struct dslave *ds = db->slaves[i];
		const struct slave_stats *st;

		if (!ds->s)
			continue;
		st = &ds->s->stats;
		ds->fl_last_valid = ds->fl_marked;
		if (ds->fl_marked) {
			ds->fl_last_bytes = st->tx_bytes - ds->fl_mark_bytes;
			ds->fl_last_frames = st->tx_packets - ds->fl_mark_frames;
		}
		ds->fl_mark_bytes = st->tx_bytes;
		ds->fl_mark_frames = st->tx_packets;
		ds->fl_marked = true;
	}
}

struct take {
	struct dbond *db;
};

static void take_one(void *arg, const struct dp_flow_key *dk, uint64_t bytes, uint64_t frames)
{
	struct take *t = arg;
	struct flow_key k;

	if (!t->db)     /* discarding what an earlier daemon left */
		return;
	memset(&k, 0, sizeof(k));
	k.fields = dk->fields;
	k.family = dk->family;
	k.proto = dk->proto;
	k.tagged = dk->tagged;
	k.ethertype = dk->ethertype;
	k.vlan = dk->vlan;
	memcpy(k.smac, dk->smac, 6);
	memcpy(k.dmac, dk->dmac, 6);
	k.sport = dk->sport;
	k.dport = dk->dport;
	memcpy(k.src, dk->src, 16);
	memcpy(k.dst, dk->dst, 16);
	k.ifindex = dk->ifindex;
	flow_tab_add(&t->db->flows->cur, &k, bytes, frames);
}

/* dp_flowctl follows the bond's mode and policy. */
static void flowctl_sync(struct daemon *d, struct dbond *db)
{
	struct dp_flowctl fc = db->flowctl;
	int rc;

	fc.fields = flow_fields(db->b);
	fc.sample = FLOW_SAMPLE_EBPF;
	if (db->flowctl_valid && !memcmp(&fc, &db->flowctl, sizeof(fc)))
		return;
	rc = dp_ebpf_flowctl_set(db->ebpf, &fc);
	if (rc < 0) {
		if (db->flowctl_valid || !db->flows_failed)
			daemon_logl(d, LOG_ERR, "%s: cannot write the flow map's control (%s): %s; "
				    "bondctl flows may miss frames", db->name, DP_MAP_FLOWCTL,
				    strerror(-rc));
		db->flows_failed = true;
		db->flowctl_valid = false;
		return;
	}
	db->flowctl = fc;
	db->flowctl_valid = true;
}

static uint64_t wall_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void rotate(struct daemon *d, struct dbond *db, uint64_t now)
{
	if (db->ebpf && db->flowctl_valid) {
		struct dp_flowctl fc = db->flowctl;
		struct take t = { db };
		uint32_t old = fc.win;
		int rc;

		/* New frames go to the other window first; then this one's
		 * entries are complete but for a frame in flight. */
		fc.win = old ^ 1;
		rc = dp_ebpf_flowctl_set(db->ebpf, &fc);
		if (rc < 0)
			daemon_logl(d, LOG_ERR, "%s: cannot switch the flow map's window: %s",
				    db->name, strerror(-rc));
		else
			db->flowctl = fc;
		rc = dp_ebpf_flows_take(db->ebpf, old, take_one, &t);
		if (rc < 0)
			daemon_logl(d, LOG_ERR, "%s: cannot read the flow map %s: %s", db->name,
				    DP_MAP_FLOWS, strerror(-rc));
	}
	mark_slaves(db);
	flow_rec_rotate(db->flows, now);
	db->fl_last_wall_ms = db->fl_open_wall_ms;
	db->fl_open_wall_ms = wall_ms();
}

uint64_t daemon_flows_tick(struct daemon *d, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (unsigned i = 0; i < d->n_bonds; i++) {
		struct dbond *db = d->bonds[i];
		uint64_t due;

		if (!db->flows) {
			if (db->flows_failed)
				continue;
			db->flows = malloc(sizeof(*db->flows));
			if (!db->flows) {
				daemon_logl(d, LOG_ERR, "%s: no memory for the flow table (%zu bytes): "
					    "bondctl flows will say so", db->name,
					    sizeof(struct flow_rec));
				db->flows_failed = true;
				continue;
			}
			flow_rec_init(db->flows, now);
			db->fl_open_wall_ms = wall_ms();
			mark_slaves(db);
			if (db->ebpf) {
				/* what an earlier daemon's program counted (an
				 * adopted bond) belongs to no window of ours */
				struct take t = { NULL };

				dp_ebpf_flows_take(db->ebpf, 0, take_one, &t);
				dp_ebpf_flows_take(db->ebpf, 1, take_one, &t);
			}
		}
		if (db->ebpf)
			flowctl_sync(d, db);
		if (now >= flow_rec_due(db->flows))
			rotate(d, db, now);
		due = flow_rec_due(db->flows);
		if (due < next)
			next = due;
	}
	return next;
}

void daemon_flows_free(struct dbond *db)
{
	free(db->flows);
	db->flows = NULL;
}

int daemon_flows_get(struct daemon *d, const char *bond, struct ctl_flows *out,
		     struct err *err)
{
	struct dbond *db = dbond_find(d, bond);
	uint64_t now = daemon_now(d);

	if (!db) {
		err_set(err, -ENOENT, "%s: no such bond", bond);
		return -ENOENT;
	}
	/* A window that has just ended is closed first, with the counters
	 * of this moment. */
	if (d->dp->counters)
		d->dp->counters(d, now);
	daemon_flows_tick(d, now);
	if (!db->flows) {
		err_set(err, -ENOMEM, "%s: no flow table (the daemon had no memory for it)", bond);
		return -ENOMEM;
	}
	memset(out, 0, sizeof(*out));
	out->datapath = d->dp->name;
	out->window_ms = FLOW_WINDOW_MS;
	out->sample = db->ebpf && db->flowctl.sample > 1 ? db->flowctl.sample : 1;
	out->sample_all_from = out->sample > 1 ? DP_FLOW_ALL_FROM : 0;
	out->fields = flow_fields(db->b);
	out->now_ms = now;
	out->next_ms = flow_rec_due(db->flows);
	out->last = db->flows->last;
	out->start_unix_ms = out->last.valid ? db->fl_last_wall_ms : 0;
	for (unsigned i = 0; i < out->last.n_top; i++) {
		struct dslave *ds = dslave_find_by_index(d, (int)out->last.top[i].k.ifindex);

		if (ds && ds->db == db)
			snprintf(out->slave_of[i], sizeof(out->slave_of[i]), "%s", ds->name);
	}
	for (unsigned i = 0; i < db->n_slaves && out->n_slaves < BOND_MAX_SLAVES; i++) {
		struct dslave *ds = db->slaves[i];
		struct ctl_flow_slave *fs;

		if (!ds->fl_last_valid || !out->last.valid)
			continue;
		fs = &out->slaves[out->n_slaves++];
		snprintf(fs->name, sizeof(fs->name), "%s", ds->name);
		fs->bytes = ds->fl_last_bytes;
		fs->frames = ds->fl_last_frames;
	}
	return 0;
}
