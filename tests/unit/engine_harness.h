/* A recording harness around the pure engine: a virtual clock, simulated
 * slave links, and every action the engine takes written down so tests can
 * assert on it. */
#ifndef ENGINE_HARNESS_H
#define ENGINE_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"

#define H_MAX_TX   8192
#define H_MAX_LOGS 512

struct h_tx {
	struct slave *s;
	size_t len;
	uint8_t frame[128];
};

struct harness {
	struct engine *e;
	uint64_t now;
	uint64_t next_deadline;
	struct h_tx tx[H_MAX_TX];
	unsigned ntx;
	unsigned ndeliver;
	struct slave *last_deliver_from;
	unsigned carrier_changes;
	unsigned bond_mac_sets, slave_mac_sets;
	/* what the mcast_groups action answers (NULL: no memberships) */
	const struct mcast_groups *mcast;
	unsigned mcast_asks;
	/* what mcast_groups_vlan answers for VLAN mcast_vid (else nothing) */
	const struct mcast_groups *mcast_vlan;
	uint16_t mcast_vid;
	unsigned mcast_vlan_asks;
	char logs[H_MAX_LOGS][200];
	unsigned nlogs;
	/* the event action: "BOND SLAVE EVENT STATE (REASON)", "-" for no slave */
	char events[H_MAX_LOGS][300];
	unsigned nevents;
};

void h_init(struct harness *h);
void h_fini(struct harness *h);
/* Creates a bond, applies "name value name value ..." options, brings it up. */
struct bond *h_bond(struct harness *h, const char *name, const char *opts);
/* Enslaves a simulated 10G full-duplex link that is up; MAC 02:00:00:00:00:<n>. */
struct slave *h_enslave(struct harness *h, struct bond *b, const char *name, uint8_t n);
void h_carrier(struct harness *h, struct slave *s, bool on);
/* Advances virtual time by ms, firing every engine deadline on the way. */
void h_advance(struct harness *h, uint64_t ms);
/* Sends a frame from the host through the bond. */
void h_xmit(struct harness *h, struct bond *b, const uint8_t *frame, size_t len);
/* Counts transmissions on s since index from. */
unsigned h_tx_count(const struct harness *h, const struct slave *s, unsigned from);
bool h_logged(const struct harness *h, const char *needle);
/* Index of the first event at or after from containing needle, -1 if none. */
int h_event(const struct harness *h, unsigned from, const char *needle);
/* A 60-byte IPv4/UDP frame (dst 02:00:00:00:00:aa). */
size_t h_udp_frame(uint8_t *buf, uint16_t sport);

#endif
