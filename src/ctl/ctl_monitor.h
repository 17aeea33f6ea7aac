/* `bondctl monitor`: how one event of a bond reads on a monitor's stream.
 *
 * The stream (ctl_server.c turns a connection whose `monitor` request was
 * accepted into one): the usual reply (status 0, no text), then one line
 * per event, oldest first, until the client goes away or is dropped:
 *
 *   text  2026-12-05T00:12:03.123456Z bond0 eth1 link down (miimon: carrier lost)
 *         (no slave: "bond0 carrier down (...)"; a state that repeats the
 *         event's name is said once: "bond0 eth1 active (failure of eth0)")
 *   JSON  {"time":"2026-12-05T00:12:03.123456Z","bond":"bond0","slave":"eth1",
 *          "event":"link","state":"down","reason":"miimon: carrier lost"}
 *         ("slave": null when the event is about the bond)
 *
 * A monitor that does not read falls behind: past CTL_MONITOR_QUEUE bytes
 * not yet taken by its socket, it gets CTL_MONITOR_DROPPED (text) or
 * {"event":"dropped","reason":"too slow"} (JSON) as its last line and is
 * closed once that is read, or after CTL_MONITOR_GRACE_MS; the daemon never
 * waits for it, and queues nothing more for it meanwhile. */
#ifndef BONDD_CTL_MONITOR_H
#define BONDD_CTL_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/bond_types.h"
#include "lib/util.h"

/* Bytes a monitor may have queued and unread before it is dropped (some
 * thousand events: a burst a reader keeps up with), and the socket's own
 * send buffer on top of it. */
#define CTL_MONITOR_QUEUE   (128u * 1024u)
#define CTL_MONITOR_SNDBUF  (64 * 1024)
/* Monitors at once (each also takes one of CTL_MAX_CLIENTS). */
#define CTL_MAX_MONITORS    16
#define CTL_MONITOR_DROPPED "dropped: too slow\n"
/* How long a dropped monitor has to read what is queued and its last
 * line before it is closed regardless. */
#define CTL_MONITOR_GRACE_MS 10000

/* Appends ev as one line (newline included), stamped wall_us (µs since
 * the epoch, UTC). */
void ctl_event_format(const struct bond_event *ev, uint64_t wall_us, bool json,
		      struct strbuf *out);
/* The last line of a monitor that was dropped. */
const char *ctl_monitor_dropped(bool json);

#endif
