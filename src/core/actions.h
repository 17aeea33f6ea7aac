/* The primitives every layer of the core above the data model uses: the
 * engine's actions on the outside world (send a frame on a slave, log, set
 * a MAC, set the carrier, read the multicast groups), each reached through
 * the bond's engine_ops, and a few plain facts about slaves. */
#ifndef BONDD_ACTIONS_H
#define BONDD_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bond_types.h"

struct slave *bond_find_slave(const struct bond *b, const char *name);
/* Device up (IFF_UP) and carrier on, whatever the monitor thinks. */
bool slave_dev_up(const struct slave *s);
/* True when the slave may carry traffic: device up, carrier and link UP. */
bool slave_can_tx(const struct slave *s);

/* Writes an 802.1Q tag (TPID 0x8100, TCI vid) after the MACs of the
 * frame of len bytes in f, moving the rest 4 bytes on, and pads it with
 * zeros to the Ethernet minimum of 60: what leaves the wire when the kernel
 * puts a VLAN device's tag on a frame it made (len = the frame before any
 * padding). f holds at least max(len + 4, 60) bytes. Returns the length. */
size_t vlan_tag_frame(uint8_t *f, size_t len, uint16_t vid);

/* Sends on one slave through the engine's tx action, counting it. */
void bond_tx_on(struct bond *b, struct slave *s, const uint8_t *frame, size_t len,
		const void *meta);
/* Gives a slave a MAC (no action when it already wears it). */
void bond_set_slave_mac(struct bond *b, struct slave *s, const uint8_t mac[6]);
/* Programs the bond device's MAC (no action when unchanged); the slaves'
 * MACs are bond.c's business (bond_set_mac). */
void bond_act_set_dev_mac(struct bond *b, const uint8_t mac[6]);
void bond_act_set_carrier(struct bond *b, bool up);
/* The bond device's multicast memberships; false when the I/O layer cannot
 * tell (then nothing is resent). */
bool bond_act_mcast_groups(struct bond *b, struct mcast_groups *out);

/* Logs through the engine's log action, prefixed "<bond>: " or
 * "<bond>: (slave <name>): " as the kernel prints it. */
void bond_log(const struct bond *b, const struct slave *s, int level,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Reports an event through the engine's event action (nothing when there
 * is none); s NULL: about the bond. The reason is a printf format. */
void bond_event(const struct bond *b, const struct slave *s, enum bond_event_kind kind,
		const char *state, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The event's name as `bondctl monitor` prints it ("link", "active", ...). */
const char *bond_event_name(enum bond_event_kind kind);

/* Effective delays in ms (ticks * miimon) as the status shows them. */
uint32_t bond_updelay_ms(const struct bond *b);
uint32_t bond_downdelay_ms(const struct bond *b);
uint32_t bond_peer_notif_delay_ms(const struct bond *b);

#endif
