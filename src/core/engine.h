/* The engine's whole contract with the outside world. Implemented by
 * engine.c (the engine object, its bonds, the timers), engine_bond.c (a
 * bond's life) and slave.c (slaves, and the frames that pass through them).
 *
 * Events come in as calls carrying the current time (now_ms); effects go out
 * only through struct engine_ops (bond_types.h). The engine never makes a syscall and never
 * reads a clock, so tests drive it with simulated links and a virtual clock.
 *
 * Frames: the I/O layer passes a frame starting at the Ethernet header, plus
 * an opaque "meta" pointer (for Linux: the virtio-net header that travels with
 * the frame) which the engine hands back unchanged with the frame it sends.
 * Frames the engine makes itself (gratuitous ARP, LACPDUs) carry meta NULL.
 */
#ifndef BONDD_ENGINE_H
#define BONDD_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bond.h"

struct engine;

struct engine *engine_new(const struct engine_ops *ops, void *ctx);
/* Frees every bond and slave; does not call any action. */
void engine_free(struct engine *e);

/* Bonds. A new bond has the kernel's defaults (mode balance-rr, miimon 0),
 * is administratively down and has no slaves. */
struct bond *engine_bond_new(struct engine *e, const char *name, struct err *err);
struct bond *engine_bond_find(const struct engine *e, const char *name);
/* Releases every slave (as bond_release would) and frees the bond. */
void engine_bond_free(struct engine *e, struct bond *b, uint64_t now_ms);
unsigned engine_bond_count(const struct engine *e);
struct bond *engine_bond_at(const struct engine *e, unsigned i);

/* The bond device went administratively up or down (starts/stops monitors). */
void bond_set_admin(struct bond *b, bool up, uint64_t now_ms);
/* The bond device's own addresses (for peer notification). */
void bond_set_addrs(struct bond *b, const uint32_t *v4, const uint8_t *prefix4,
		    unsigned n4, const uint8_t (*v6)[16], unsigned n6);

/* VLAN sub-interfaces stacked on the bond (bond0.100: a device of its own
 * that the daemon creates). The engine keeps their VIDs and addresses so
 * that the frames it makes itself are tagged as the kernel tags them for
 * VLAN devices on a bond: gratuitous ARPs / unsolicited NAs after a
 * failover for each VLAN with an address, ARP/NS monitor probes to a
 * target reached through a VLAN, alb's learning packets for each VLAN.
 * add: 0, or -EINVAL (vid not 1..4094), -EEXIST, -ENOSPC (BOND_MAX_VLANS)
 * with a message; del: false when vid was not there. */
int bond_vlan_add(struct bond *b, uint16_t vid, struct err *err);
bool bond_vlan_del(struct bond *b, uint16_t vid);
/* The VLAN device's own addresses, as bond_set_addrs for the bond;
 * -ENOENT when vid is not one of the bond's VLANs. */
int bond_vlan_set_addrs(struct bond *b, uint16_t vid, const uint32_t *v4,
			const uint8_t *prefix4, unsigned n4, const uint8_t (*v6)[16],
			unsigned n6);
/* The prefix lengths of the IPv6 addresses last given (same order) to
 * bond_set_addrs / bond_vlan_set_addrs, for the NS monitor's route to a
 * target; optional: without them every IPv6 address counts as a /64. */
void bond_set_prefix6(struct bond *b, const uint8_t *prefix6, unsigned n6);
int bond_vlan_set_prefix6(struct bond *b, uint16_t vid, const uint8_t *prefix6, unsigned n6);
/* The VLAN device went up or down (IFF_UP); a VLAN is up when added.
 * -ENOENT when vid is not one of the bond's VLANs. */
int bond_vlan_set_up(struct bond *b, uint16_t vid, bool up);
/* The bond's VLANs in the order added (show, JSON): i < bond_vlan_count;
 * NULL past the end. Valid until the next bond_vlan_add/del. */
unsigned bond_vlan_count(const struct bond *b);
const struct bond_vlan *bond_vlan_at(const struct bond *b, unsigned i);
/* The VLAN with that VID, NULL when the bond has none. */
struct bond_vlan *bond_vlan_find(const struct bond *b, uint16_t vid);

/* ifenslave -c / sysfs active_slave. name NULL or "" clears the choice. */
int bond_set_active_slave(struct bond *b, const char *name, uint64_t now_ms,
			  struct err *err);

/* Adds a slave. The I/O layer has already saved the device's state and
 * opened it; the engine decides its MAC (set_slave_mac) and role. */
struct slave *bond_enslave(struct bond *b, const char *name, const uint8_t perm_mac[6],
			   const struct link_info *li, void *io, uint64_t now_ms,
			   struct err *err);
/* Removes a slave; the I/O layer restores the device afterwards. */
void bond_release(struct bond *b, struct slave *s, uint64_t now_ms);

/* The OS reported a link change (or a poll result) for a slave. */
void slave_link_event(struct slave *s, const struct link_info *li, uint64_t now_ms);

/* Data path. */
void bond_xmit(struct bond *b, const uint8_t *frame, size_t len, const void *meta,
	       uint64_t now_ms);
void slave_receive(struct slave *s, const uint8_t *frame, size_t len,
		   const void *meta, uint64_t now_ms);
/* A frame from one of the bond's VLAN sub-interfaces, its 802.1Q tag
 * already written inline after the MACs (frame[12..15]): it leaves with
 * that tag, and the mode hashes it as the kernel hashes a frame of a VLAN
 * device stacked on a bond, whose tag is out of band (hash.h
 * xmit_hash_vlan), not as a tagged frame written to the bond itself. */
void bond_xmit_vlan(struct bond *b, const uint8_t *frame, size_t len, const void *meta,
		    uint64_t now_ms);

/* A data path outside the engine (the kernel's) received frames on s, the
 * last at at_ms: what monitor_rx would learn from their arrival alone. */
void slave_rx_seen(struct slave *s, uint64_t at_ms);

/* Runs every timer due at now_ms; returns the next deadline (UINT64_MAX if
 * none). The caller arms one timer for it. */
uint64_t engine_tick(struct engine *e, uint64_t now_ms);

/* Internal to the core (engine_bond.c): adds b to the engine's list and
 * gives it the engine's actions; -EEXIST or -ENOSPC with a message. */
int engine_attach_bond(struct engine *e, struct bond *b, struct err *err);
/* Takes b out of the list; false when it was not there. */
bool engine_detach_bond(struct engine *e, struct bond *b);
/* Frees a bond and its slaves without any action (engine_free). */
void engine_bond_free_mem(struct bond *b);

#endif
