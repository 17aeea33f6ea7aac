/* The engine's whole contract with the outside world.
 *
 * Events come in as calls carrying the current time (now_ms); effects go out
 * only through struct engine_ops. The engine never makes a syscall and never
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

struct mcast_groups;

enum log_level { LOG_ERR_ = 3, LOG_WARN_ = 4, LOG_INFO_ = 6, LOG_DEBUG_ = 7 };

struct engine_ops {
	/* Send a frame on a slave. */
	void (*tx)(void *ctx, struct slave *s, const uint8_t *frame, size_t len,
		   const void *meta);
	/* Hand a received frame up to the bond device (the host stack). */
	void (*deliver)(void *ctx, struct bond *b, const uint8_t *frame,
			size_t len, const void *meta);
	/* Program a slave's MAC address. */
	void (*set_slave_mac)(void *ctx, struct slave *s, const uint8_t mac[6]);
	/* Program the bond device's MAC address. */
	void (*set_bond_mac)(void *ctx, struct bond *b, const uint8_t mac[6]);
	/* Bond device carrier on/off. */
	void (*set_carrier)(void *ctx, struct bond *b, bool up);
	/* One log line, already formatted the kernel's way. */
	void (*log)(void *ctx, int level, const char *line);
	/* Fill *out with the bond device's multicast memberships (for
	 * resend_igmp; out is zeroed). May be NULL: then nothing is resent. */
	void (*mcast_groups)(void *ctx, struct bond *b, struct mcast_groups *out);
};

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

/* Adds a slave. The I/O layer has already saved the device's state and
 * opened it; the engine decides its MAC (set_slave_mac) and role. */
struct slave *bond_enslave(struct bond *b, const char *name, const uint8_t perm_mac[6],
			   const struct link_info *li, void *io, uint64_t now_ms,
			   struct err *err);
/* Removes a slave; the I/O layer restores the device afterwards. */
void bond_release(struct bond *b, struct slave *s, uint64_t now_ms);

/* The OS reported a link change (or a poll result) for a slave. */
void slave_link_event(struct slave *s, const struct link_info *li, uint64_t now_ms);

/* ifenslave -c / sysfs active_slave. name NULL or "" clears the choice. */
int bond_set_active_slave(struct bond *b, const char *name, uint64_t now_ms,
			  struct err *err);

/* Data path. */
void bond_xmit(struct bond *b, const uint8_t *frame, size_t len, const void *meta,
	       uint64_t now_ms);
void slave_receive(struct slave *s, const uint8_t *frame, size_t len,
		   const void *meta, uint64_t now_ms);

/* Runs every timer due at now_ms; returns the next deadline (UINT64_MAX if
 * none). The caller arms one timer for it. */
uint64_t engine_tick(struct engine *e, uint64_t now_ms);

/* Internal to the core: the engine's actions, for bond.c and the modes. */
const struct engine_ops *engine_ops_of(const struct engine *e);
void *engine_ctx_of(const struct engine *e);

#endif
