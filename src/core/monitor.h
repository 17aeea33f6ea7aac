/* Link monitors. Only one runs per bond: the MII (carrier) monitor when
 * miimon > 0, else the ARP/NS monitor when arp_interval > 0, else none;
 * each is a struct monitor_ops. The engine calls the monitor_*() entry
 * points, which pick the bond's current monitor. */
#ifndef BONDD_MONITOR_H
#define BONDD_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bond.h"

struct monitor_ops {
	const char *name;
	/* Initial link state of a slave at enslave (bond_main.c, bond_enslave). */
	void (*slave_init)(struct bond *b, struct slave *s, uint64_t now_ms);
	/* One monitor pass; returns the interval until the next one (ms). */
	uint32_t (*run)(struct bond *b, uint64_t now_ms);
	uint32_t (*interval)(const struct bond *b);
};

extern const struct monitor_ops mon_mii, mon_arp, mon_none;

/* A frame arrived on s: the ARP monitor's receive validation. Never
 * consumes the frame. */
/* A data path outside the engine saw a frame arrive on s at at_ms (frame
 * not shown): the ARP monitor's "any traffic" rule counts it. */
void monitor_rx_seen(struct bond *b, struct slave *s, uint64_t at_ms);
void monitor_rx(struct bond *b, struct slave *s, const uint8_t *frame, size_t len,
		uint64_t now_ms);

const struct monitor_ops *monitor_of(const struct bond *b);
void monitor_slave_init(struct bond *b, struct slave *s, uint64_t now_ms);
/* The OS reported a change for s: with miimon the MII monitor inspects at
 * once (mii_link_event); the ARP/NS monitor samples at its own pace. */
void monitor_link_event(struct bond *b, struct slave *s, uint64_t now_ms);
/* The MII monitor's event pass; true when it ran (and re-phased the timer). */
bool mii_link_event(struct bond *b, struct slave *s, uint64_t now_ms);
/* Bond went up or down, or its monitor parameters changed. */
void monitor_bond_admin(struct bond *b, uint64_t now_ms);
/* Runs the monitor if due; returns its next deadline or UINT64_MAX. */
uint64_t monitor_tick(struct bond *b, uint64_t now_ms);

/* Commits a new link state for s (UP or DOWN) with the kernel's side
 * effects and log lines; the caller reselects afterwards. Shared by every
 * monitor. */
void monitor_commit_up(struct bond *b, struct slave *s, uint64_t now_ms);
void monitor_commit_down(struct bond *b, struct slave *s, uint64_t now_ms);

/* Peer notification countdown: one step per monitor pass. notify is
 * bond_should_notify_peers() taken at the start of the pass, before any
 * failover of that pass (the kernel's order). */
void monitor_peer_notify_step(struct bond *b, bool notify, uint64_t now_ms);

#endif
