/* The carrier watch in the daemon (linux/carrier_watch.h): loaded at
 * start where the kernel lets us attach fexit programs, else bondd hears
 * of carrier changes through rtnetlink and the miimon poll only (one log
 * line says which and why; show -j says "carrier_events"). Every slave's
 * device is in the watch's map while it is enslaved; a record is handled
 * exactly as the miimon poll's read of a changed carrier
 * (daemon_slave_carrier_check), at once.
 *
 * BONDD_CARRIER_WATCH=0 leaves the watch out (tests compare with and
 * without it; bondd(8)). */
#include "daemon.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "daemon_impl.h"
#include "linux/carrier_watch.h"

void daemon_cwatch_open(struct daemon *d)
{
	const char *env = getenv("BONDD_CARRIER_WATCH");
	struct err err = { 0 };

	d->cw_ep = (struct ep_item){ EP_CWATCH, d };
	if (env && !strcmp(env, "0")) {
		daemon_logl(d, LOG_INFO, "bondd: carrier changes from rtnetlink and the miimon poll (BONDD_CARRIER_WATCH=0)");
		return;
	}
	d->cw_netns = cwatch_netns_self(&err);
	if (!d->cw_netns) {
		daemon_logl(d, LOG_WARNING, "bondd: carrier changes from rtnetlink and the miimon poll: no carrier watch: %s",
			    err.msg);
		return;
	}
	d->cw = cwatch_open(&err);
	if (!d->cw) {
		daemon_logl(d, LOG_INFO, "bondd: carrier changes from rtnetlink and the miimon poll (may come up to one miimon interval late): no carrier watch: %s",
			    err.msg);
		return;
	}
	if (daemon_ep_add(d, cwatch_fd(d->cw), &d->cw_ep) < 0) {
		daemon_logl(d, LOG_WARNING, "bondd: carrier changes from rtnetlink and the miimon poll: no carrier watch: epoll: %s",
			    strerror(errno));
		cwatch_close(d->cw);
		d->cw = NULL;
		return;
	}
	daemon_logl(d, LOG_INFO, "bondd: carrier changes seen as the driver reports them (BPF carrier watch on netif_carrier_on/off)");
}

void daemon_cwatch_close(struct daemon *d)
{
	if (!d->cw)
		return;
	daemon_ep_del(d, cwatch_fd(d->cw));
	cwatch_close(d->cw);
	d->cw = NULL;
}

const char *daemon_cwatch_kind(const struct daemon *d)
{
	return d->cw ? "bpf" : "rtnetlink";
}

void daemon_cwatch_slave(struct daemon *d, struct dslave *ds, bool watch)
{
	struct err err = { 0 };
	int rc;

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

void daemon_on_cwatch(struct daemon *d)
{
	struct err err = { 0 };

	if (cwatch_consume(d->cw, on_record, d, &err) < 0)
		daemon_logl(d, LOG_ERR, "bondd: %s", err.msg);
}
