/* How carrier changes reach the daemon at once (linux/carrier_watch.h).
 *
 *   bpf        the carrier watch: fexit programs on netif_carrier_on/off
 *              write a record for every change of a slave's carrier, as
 *              the driver reports it;
 *   poll       where the kernel refuses those programs: every slave's
 *              carrier_changes count read every CW_POLL_US while traffic
 *              flows (lockless in the kernel), a change 1 ms late at
 *              most, and the carrier it changed to from the up and down
 *              counts, lockless too (cwpoll_carrier);
 *   rtnetlink  neither (BONDD_CARRIER_WATCH=0): rtnetlink, which linkwatch
 *              may hold back for up to a second, and the miimon poll.
 *
 * One log line at start says which and why; show -j says
 * "carrier_events". Either way a change is handled exactly as the miimon
 * poll's read of a changed carrier (daemon_slave_carrier_check), at once;
 * rtnetlink and the miimon poll stay (admin state, MTU, removal, and
 * whatever the watch might miss).
 *
 * BONDD_CARRIER_WATCH=0 leaves both out, =poll skips BPF, =tick leaves
 * rtnetlink's carrier changes out too: the change waits for the miimon
 * read, as the kernel's driver sees it (tests and the bench compare;
 * bondd(8)). */
#include "daemon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon_impl.h"
#include "linux/carrier_watch.h"

#define CW_POLL_US 1000

static void poll_open(struct daemon *d, const char *why)
{
	struct err err = { 0 };

	d->cwp = cwpoll_open(CW_POLL_US, &err);
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
	daemon_logl(d, LOG_INFO, "bondd: carrier changes polled every %u us (sysfs carrier_changes): %s",
		    CW_POLL_US, why);
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
	if (env && !strcmp(env, "poll")) {
		poll_open(d, "BONDD_CARRIER_WATCH=poll");
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
}

const char *daemon_cwatch_kind(const struct daemon *d)
{
	return d->cw ? "bpf" : d->cwp ? "poll" : d->cw_tick_only ? "tick" : "rtnetlink";
}

/* The poll ticks while a slave is polled and the bonds carry traffic
 * (daemon_cwatch_busy), never in an idle daemon: each tick costs a wakeup
 * and a read per slave, about 0.7 % of a core per slave here, which a bond
 * without traffic has no use for (no frame to lose). */
static void poll_arm(struct daemon *d)
{
	struct err err = { 0 };
	bool on = d->cw_polled > 0 && daemon_now(d) < d->cw_busy_until_ms;

	if (on == d->cw_armed)
		return;
	if (cwpoll_arm(d->cwp, on, &err) < 0) {
		daemon_logl(d, LOG_ERR, "bondd: %s", err.msg);
		return;
	}
	d->cw_armed = on;
}

/* Traffic: at least this many frames (sent and received, every slave) in
 * one look of CW_LOOK_MS, i.e. 100 a second: more than the LACPDUs of a
 * few ports and an ARP monitor's probes, which alone keep no poll on. */
#define CW_LOOK_MS 100
#define CW_BUSY_FRAMES 10
#define CW_BUSY_HOLD_MS 1000

uint64_t daemon_cwatch_busy(struct daemon *d, uint64_t now)
{
	uint64_t frames = 0;

	if (!d->cwp || !d->cw_polled)
		return UINT64_MAX;
	if (now < d->cw_look_ms)
		return d->cw_look_ms;
	for (unsigned i = 0; i < d->n_bonds; i++) {
		struct dbond *db = d->bonds[i];

		for (unsigned j = 0; j < db->n_slaves; j++) {
			const struct slave *s = db->slaves[j]->s;

			if (s)
				frames += s->stats.tx_packets + s->stats.rx_packets;
		}
	}
	if (frames - d->cw_frames >= CW_BUSY_FRAMES)
		d->cw_busy_until_ms = now + CW_BUSY_HOLD_MS;
	d->cw_frames = frames;
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
