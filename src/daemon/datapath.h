/* A data path: how the daemon's bonds carry their frames (docs/design.md,
 * "Data paths"). One table of operations per data path, chosen once per
 * daemon (bondd --datapath); the rest of the daemon calls only these, so
 * adding a data path is adding a table, not a branch in every caller.
 *
 *   datapath_packet (daemon_datapath.c)  every frame through the daemon:
 *                   TAP reads and packet-socket sends, the hiding filter
 *   datapath_ebpf   (daemon_ebpf.c)  every frame in the kernel: tc programs
 *                   on the TAP and the slaves (linux/dp_ebpf.c), the
 *                   engine's plan written into their maps
 *
 * A NULL slot does nothing. */
#ifndef BONDD_DATAPATH_H
#define BONDD_DATAPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"

struct daemon;
struct dbond;
struct dslave;
struct dvlan;

struct datapath_ops {
	const char *name;           /* "packet", "ebpf": logs, show --json */
	/* The frames keep flowing without the daemon, so a successor can
	 * take the bonds over (SIGKILL, bondctl upgrade). */
	bool survives_daemon;
	/* It sees each frame's transmit queue (skb->queue_mapping), so a
	 * slave's queue_id can steer (bond.h queue_ids_ok). */
	bool queue_ids;
	/* The bond's TAP is open: set up what carries its frames / take it
	 * all away (before the TAP closes). */
	int (*bond_open)(struct daemon *d, struct dbond *db, struct err *err);
	void (*bond_close)(struct daemon *d, struct dbond *db);
	/* bondctl upgrade: let go of the bond, leaving everything running. */
	void (*bond_leave)(struct daemon *d, struct dbond *db);
	/* Keeps the slave's frames from the host stack, recorded in
	 * ds->saved.hide (the journal and recovery undo it alike). */
	int (*slave_hide)(struct daemon *d, struct dslave *ds, struct err *err);
	/* After the slave's packet socket is open; before it closes. */
	int (*slave_open)(struct daemon *d, struct dslave *ds, struct err *err);
	void (*slave_close)(struct daemon *d, struct dslave *ds);
	/* A VLAN sub-interface's TAP is open (dv->tap_fd, dv->ifindex): carry
	 * its frames over the bond tagged with dv->vid, and hand the frames
	 * the bond accepts with that VID to it untagged / stop (before the
	 * VLAN's TAP closes). Tags with no sub-interface still reach the
	 * bond's own device unchanged. */
	int (*vlan_open)(struct daemon *d, struct dbond *db, struct dvlan *dv,
			 struct err *err);
	void (*vlan_close)(struct daemon *d, struct dbond *db, struct dvlan *dv);
	/* A frame the engine hands up to the host (the deliver action). */
	void (*deliver)(struct daemon *d, struct dbond *db, const uint8_t *frame,
			size_t len, const void *meta);
	/* Before the engine's timers run: what the data path counted goes to
	 * the engine (monitors, tlb's rebalance). Returns the next time it
	 * wants to run (UINT64_MAX: none). */
	uint64_t (*counters)(struct daemon *d, uint64_t now_ms);
	/* After every batch of events: the engine's decisions to the data
	 * path (only what changed). */
	void (*sync)(struct daemon *d);
};

extern const struct datapath_ops datapath_packet, datapath_ebpf;

#endif
