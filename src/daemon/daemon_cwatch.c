/* How carrier changes reach the daemon at once (linux/carrier_watch.h).
 *
 *   bpf        the carrier watch: fexit programs on netif_carrier_on/off
 *              write a record for every change of a slave's carrier, as
 *              the driver reports it;
 *   poll       where the kernel refuses those programs: every slave's
 *              carrier_changes count read every CW_POLL_US while traffic
 *              flows (lockless in the kernel), a change 1 ms late at
 *              most, and the carrier it changed to from the up and down
 *              counts, lockless too (cwpoll_carrier); every
 *              CW_POLL_SLOW_US instead while the kernel data path's
 *              carrier hints cover the traffic (below);
 *   rtnetlink  neither (BONDD_CARRIER_WATCH=0): rtnetlink, which linkwatch
 *              may hold back for up to a second, and the miimon poll.
 *
 * One log line at start says which and why; show -j says
 * "carrier_events". Either way a change is handled exactly as the miimon
 * poll's read of a changed carrier (daemon_slave_carrier_check), at once;
 * rtnetlink and the miimon poll stay (admin state, MTU, removal, and
 * whatever the watch might miss).
 *
 * Carrier hints (src/bpf/dp_abi.h): on the ebpf data path, bond_tx
 * reports a slave it sends to that has no carrier (a ring buffer per
 * bond); the daemon confirms with the carrier counts and fails over at
 * once, within a frame of the loss. Traffic the bonds send is then covered
 * without the 1 ms poll, whose wakeups alone cost ~2 % of a core on a
 * small VM: the poll slows to CW_POLL_SLOW_US while every bond that
 * carries traffic has every slave's address in its map, and sends or
 * leaves the receive path to its peer (a bond with an active slave that
 * only receives keeps the 1 ms poll: no frame of its own would see the
 * loss, and its peer sends to the active slave until the failover).
 *
 * BONDD_CARRIER_WATCH=0 leaves all of it out, =poll skips the fexit
 * programs, =poll-only the hints too, =tick leaves rtnetlink's carrier
 * changes out as well: the change waits for the miimon read, as the
 * kernel's driver sees it (tests and the bench compare; bondd(8)). */
#include "daemon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon_impl.h"
#include "linux/carrier_watch.h"
#include "linux/dev_addr.h"
#include "linux/dp_ebpf.h"

#define CW_POLL_US 1000
#define CW_POLL_SLOW_US 10000

static void poll_open(struct daemon *d, const char *why)
{
	struct err err = { 0 };

	d->cwp = cwpoll_open(&err);
	if (!d->cwp) {
		daemon_logl(d, LOG_WARNING, "bondd: carrier changes from rtnetlink and the miimon poll (may come up to one miimon interval late): %s; %s",
			    why, err.msg);
		return;
	}
	if (daemon_ep_add(d, cwpoll_fd(d->cwp), &d->cw_ep) < 0) {
		daemon_logl(d, LOG_WARNING, "bondd: carrier changes from rtnetlink and the miimon poll: %s; carrier poll: epoll: %s",
			    why, strerror(errno));
		cwpoll_close(d->cwp);
		d->cwp = NULL;
		return;
	}
	daemon_logl(d, LOG_INFO, "bondd: carrier changes polled every %u us while traffic flows, every %u us while carrier hints cover it (sysfs carrier_changes): %s",
		    CW_POLL_US, CW_POLL_SLOW_US, why);
}

void daemon_cwatch_open(struct daemon *d)
{
	const char *env = getenv("BONDD_CARRIER_WATCH");
	struct err err = { 0 };
	char why[600];

	d->cw_ep = (struct ep_item){ EP_CWATCH, d };
	if (env && !strcmp(env, "0")) {
		daemon_logl(d, LOG_INFO, "bondd: carrier changes from rtnetlink and the miimon poll (BONDD_CARRIER_WATCH=0)");
		return;
	}
	if (env && !strcmp(env, "tick")) {
		d->cw_tick_only = true;
		daemon_logl(d, LOG_INFO, "bondd: carrier changes at the next miimon read only, as the kernel's driver sees them (BONDD_CARRIER_WATCH=tick)");
		return;
	}
	if (env && (!strcmp(env, "poll") || !strcmp(env, "poll-only"))) {
		d->cw_no_hints = !strcmp(env, "poll-only");
		poll_open(d, d->cw_no_hints ? "BONDD_CARRIER_WATCH=poll-only (no carrier hints)"
					    : "BONDD_CARRIER_WATCH=poll");
		return;
	}
	d->cw_netns = cwatch_netns_self(&err);
	if (d->cw_netns)
		d->cw = cwatch_open(&err);
	if (!d->cw) {
		snprintf(why, sizeof(why), "no BPF carrier watch: %s", err.msg);
		poll_open(d, why);
		return;
	}
	if (daemon_ep_add(d, cwatch_fd(d->cw), &d->cw_ep) < 0) {
		snprintf(why, sizeof(why), "no BPF carrier watch: epoll: %s", strerror(errno));
		cwatch_close(d->cw);
		d->cw = NULL;
		poll_open(d, why);
		return;
	}
	daemon_logl(d, LOG_INFO, "bondd: carrier changes seen as the driver reports them (BPF carrier watch on netif_carrier_on/off)");
}

void daemon_cwatch_close(struct daemon *d)
{
	if (d->cw) {
		daemon_ep_del(d, cwatch_fd(d->cw));
		cwatch_close(d->cw);
		d->cw = NULL;
	}
	if (d->cwp) {
		daemon_ep_del(d, cwpoll_fd(d->cwp));
		cwpoll_close(d->cwp);
		d->cwp = NULL;
	}
	devaddr_close();
}

const char *daemon_cwatch_kind(const struct daemon *d)
{
	return d->cw ? "bpf" : d->cwp ? "poll" : d->cw_tick_only ? "tick" : "rtnetlink";
}

/* The poll ticks while a slave is polled and the bonds carry traffic
 * (daemon_cwatch_busy), never in an idle daemon: each tick costs a wakeup
 * and a read per slave, about 0.7 % of a core per slave here, which a bond
 * without traffic has no use for (no frame to lose). Slowly while the
 * carrier hints cover the traffic. */
static void poll_arm(struct daemon *d)
{
	struct err err = { 0 };
	bool on = d->cw_polled > 0 && daemon_now(d) < d->cw_busy_until_ms;
	unsigned us = !on ? 0 : d->cw_slow ? CW_POLL_SLOW_US : CW_POLL_US;

	if (cwpoll_arm(d->cwp, us, &err) < 0)
		daemon_logl(d, LOG_ERR, "bondd: %s", err.msg);
}

/* Traffic: at least this many frames (sent and received, every slave) in
 * one look of CW_LOOK_MS, i.e. 100 a second: more than the LACPDUs of a
 * few ports and an ARP monitor's probes, which alone keep no poll on. */
#define CW_LOOK_MS 100
#define CW_BUSY_FRAMES 10
#define CW_BUSY_HOLD_MS 1000

/* Whether the bond's carrier losses come as hints: its data path writes
 * them, the daemon reads them, and every slave's address is in the map. */
static bool hints_cover(const struct dbond *db)
{
	if (!db->hint_ep.obj)
		return false;
	for (unsigned j = 0; j < db->n_slaves; j++)
		if (!db->slaves[j]->dev_ok)
			return false;
	return true;
}

uint64_t daemon_cwatch_busy(struct daemon *d, uint64_t now)
{
	bool busy = false, slow = true;

	if (!d->cwp || !d->cw_polled)
		return UINT64_MAX;
	if (now < d->cw_look_ms)
		return d->cw_look_ms;
	for (unsigned i = 0; i < d->n_bonds; i++) {
		struct dbond *db = d->bonds[i];
		uint64_t frames = 0, tx = 0;

		for (unsigned j = 0; j < db->n_slaves; j++) {
			const struct slave *s = db->slaves[j]->s;

			if (s) {
				frames += s->stats.tx_packets + s->stats.rx_packets;
				tx += s->stats.tx_packets;
			}
		}
		if (frames - db->cw_frames >= CW_BUSY_FRAMES) {
			busy = true;
			/* The frames it sends see a dead slave first. A bond
			 * that only receives needs the 1 ms poll where its
			 * own choice steers what it receives (an active
			 * slave: active-backup, tlb, alb: the switch learns
			 * the new one from the failover's frames); in the
			 * other modes the peer spreads what it sends and
			 * sees the cut itself. */
			bool sends = tx - db->cw_tx_frames >= CW_BUSY_FRAMES;

			if (!hints_cover(db) || (!sends && bond_mode_uses_primary(db->b->params.mode)))
				slow = false;
		}
		db->cw_frames = frames;
		db->cw_tx_frames = tx;
	}
	if (busy) {
		d->cw_busy_until_ms = now + CW_BUSY_HOLD_MS;
		d->cw_slow = slow;
	}
	d->cw_look_ms = now + CW_LOOK_MS;
	poll_arm(d);
	return d->cw_look_ms;
}

static void poll_slave(struct daemon *d, struct dslave *ds, bool watch)
{
	struct err err = { 0 };

	if (!watch) {
		if (!ds->cw_polled)
			return;
		close(ds->cw_fd);
		ds->cw_polled = false;
		d->cw_polled--;
		poll_arm(d);
		return;
	}
	if (ds->cw_polled)
		return;
	ds->cw_fd = cwpoll_slave_open(ds->name, ds->ifindex, &err);
	if (ds->cw_fd < 0) {
		daemon_logl(d, LOG_WARNING, "%s: (slave %s): %s; its carrier changes come from rtnetlink and the miimon poll",
			    ds->db->name, ds->name, err.msg);
		return;
	}
	ds->cw_changes = cwpoll_changes(ds->cw_fd);
	ds->cw_polled = true;
	d->cw_polled++;
	poll_arm(d);
}

void daemon_cwatch_slave(struct daemon *d, struct dslave *ds, bool watch)
{
	struct err err = { 0 };
	int rc;

	if (d->cwp) {
		poll_slave(d, ds, watch);
		return;
	}
	if (!d->cw)
		return;
	rc = watch ? cwatch_watch(d->cw, d->cw_netns, ds->ifindex, &err)
		   : cwatch_unwatch(d->cw, d->cw_netns, ds->ifindex, &err);
	/* Not fatal: rtnetlink and the miimon poll still see the slave's
	 * carrier, later. */
	if (rc < 0)
		daemon_logl(d, LOG_WARNING, "%s: (slave %s): %s; its carrier changes come from rtnetlink and the miimon poll",
			    ds->db->name, ds->name, err.msg);
}

static void on_record(const struct cw_record *r, void *arg)
{
	struct daemon *d = arg;
	struct dslave *ds;

	if (r->netns != d->cw_netns)
		return;
	ds = dslave_find_by_index(d, (int)r->ifindex);
	if (!ds)
		return;     /* released since: the map entry went with it */
	/* The failover is timed from the kernel's carrier change itself
	 * (bpf_ktime_get_ns() is CLOCK_MONOTONIC, as the daemon's clock). */
	if (r->ts_ns)
		d->event_us = r->ts_ns / 1000;
	daemon_slave_carrier_check(d, ds, daemon_now(d));
}

static bool on_tick(struct daemon *d)
{
	uint64_t now = daemon_now(d);
	bool changed = false;

	cwpoll_ack(d->cwp);
	for (unsigned i = 0; i < d->n_bonds; i++) {
		struct dbond *db = d->bonds[i];

		for (unsigned j = 0; j < db->n_slaves; j++) {
			struct dslave *ds = db->slaves[j];
			int64_t c;
			int rc;

			if (!ds->cw_polled)
				continue;
			c = cwpoll_changes(ds->cw_fd);
			/* (an error: the device is going; rtnetlink says so) */
			if (c < 0 || c == ds->cw_changes)
				continue;
			ds->cw_changes = c;
			/* The carrier from the same lockless counts; the
			 * ETHTOOL_GLINK read only where they are missing. */
			rc = cwpoll_carrier(ds->name);
			if (rc < 0)
				daemon_slave_carrier_check(d, ds, now);
			else
				daemon_slave_carrier_is(d, ds, rc, now);
			changed = true;
		}
	}
	return changed;
}

bool daemon_on_cwatch(struct daemon *d)
{
	struct err err = { 0 };

	if (d->cwp)
		return on_tick(d);
	if (d->cw && cwatch_consume(d->cw, on_record, d, &err) < 0)
		daemon_logl(d, LOG_ERR, "bondd: %s", err.msg);
	return true;
}

/* ---- carrier hints ------------------------------------------------------- */

static bool hints_wanted(const struct daemon *d)
{
	return (d->cw || d->cwp) && !d->cw_no_hints;
}

void daemon_hints_bond(struct daemon *d, struct dbond *db, bool on)
{
	int fd = db->ebpf ? dp_ebpf_hints_fd(db->ebpf) : -1;
	const char *why;

	if (!on) {
		if (db->hint_ep.obj && fd >= 0)
			daemon_ep_del(d, fd);
		db->hint_ep.obj = NULL;
		return;
	}
	if (db->hint_ep.obj || !db->ebpf || !hints_wanted(d))
		return;
	if (fd < 0) {
		why = dp_ebpf_hints_why();
		daemon_logl(d, LOG_INFO, "%s: no carrier hints (%s): carrier losses come from the carrier poll",
			    db->name, why ? why : "the adopted programs write none");
		return;
	}
	db->hint_ep = (struct ep_item){ EP_HINTS, db };
	if (daemon_ep_add(d, fd, &db->hint_ep) < 0) {
		daemon_logl(d, LOG_WARNING, "%s: no carrier hints: epoll: %s", db->name, strerror(errno));
		db->hint_ep.obj = NULL;
		return;
	}
	daemon_logl(d, LOG_INFO, "%s: carrier hints on: a frame sent to a slave without carrier reports it",
		    db->name);
}

void daemon_hints_slave(struct daemon *d, struct dslave *ds)
{
	struct dbond *db = ds->db;
	struct dp_dev_addr a;
	struct err err = { 0 };
	int rc;

	if (ds->dev_set || !db->hint_ep.obj)
		return;
	ds->dev_set = true;
	rc = devaddr_learn(ds->ifindex, &a, &err);
	if (rc == 0)
		rc = dp_ebpf_slave_dev(db->ebpf, ds->ifindex, a.dev);
	if (rc < 0) {
		daemon_logl(d, LOG_WARNING, "%s: (slave %s): no carrier hints: %s", db->name, ds->name,
			    err.msg[0] ? err.msg : strerror(-rc));
		return;
	}
	ds->dev_ok = true;
}

struct hint_turn {
	struct daemon *d;
	struct dbond *db;
	bool acted;
};

static void on_hint(const struct dp_hint *h, void *arg)
{
	struct hint_turn *t = arg;
	struct dslave *ds = dslave_find_by_index(t->d, (int)h->ifindex);

	t->db->hints_rx++;
	/* Released since, or a slave that is down already. */
	if (!ds || ds->db != t->db || !ds->s || !ds->s->os.carrier)
		return;
	/* Only the kernel's own carrier counts decide: the hint may come
	 * from a device freed under a stale address, or from an admin-down
	 * device (rtnetlink says that at once anyway). */
	if (cwpoll_carrier(ds->name) != 0)
		return;
	/* The failover is timed from the frame that saw the dead slave
	 * (bpf_ktime_get_ns() is CLOCK_MONOTONIC, as the daemon's clock). */
	if (h->ts_ns)
		t->d->event_us = h->ts_ns / 1000;
	t->db->hints_acted++;
	t->acted = true;
	daemon_slave_carrier_is(t->d, ds, 0, daemon_now(t->d));
}

bool daemon_on_hints(struct daemon *d, struct dbond *db)
{
	struct hint_turn t = { d, db, false };
	int rc;

	if (!db->ebpf)
		return false;
	rc = dp_ebpf_hints_take(db->ebpf, on_hint, &t);
	if (rc < 0)
		daemon_logl(d, LOG_ERR, "%s: cannot read the carrier hints: %s", db->name, strerror(-rc));
	return t.acted;
}
