/* One bonding mode = one const table of operations (FreeBSD lagg_protos[]
 * shape). Callers go through the mode_*() wrappers in mode.c, which supply
 * the default for every slot a mode leaves NULL. No switch on the mode
 * number exists outside mode_lookup(). */
#ifndef BONDD_MODE_H
#define BONDD_MODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bond.h"

struct bond_status;

struct mode_ops {
	const char *name;           /* kernel name: "active-backup" */
	const char *proc_text;      /* /proc "Bonding Mode:" text */
	uint32_t number;
	size_t priv_size;           /* bond->mode_priv, zeroed by the core */
	size_t slave_priv_size;     /* slave->mode_priv, zeroed by the core */

	/* Mode chosen / left (bond has no slaves then). */
	void (*init)(struct bond *b);
	void (*fini)(struct bond *b);
	/* Slave joined (already in b->slaves) / is leaving (still there). */
	void (*slave_add)(struct bond *b, struct slave *s, uint64_t now_ms);
	void (*slave_del)(struct bond *b, struct slave *s, uint64_t now_ms);
	/* A slave's link state was committed (UP or DOWN). */
	void (*link_change)(struct bond *b, struct slave *s, uint64_t now_ms);
	/* Transmit one frame from the host: picks slave(s) and sends. */
	void (*xmit)(struct bond *b, const uint8_t *frame, size_t len,
		     const void *meta, uint64_t now_ms);
	/* Frame received on a slave: true = deliver it up to the bond device. */
	bool (*rx_accept)(struct bond *b, struct slave *s, const uint8_t *frame,
			  size_t len);
	/* The frame to hand up once accepted: frame itself (default) or a
	 * rewritten copy in the mode's private state (tlb/alb: a frame sent
	 * to the slave's own MAC gets the bond's MAC as destination). */
	const uint8_t *(*rx_frame)(struct bond *b, struct slave *s,
				   const uint8_t *frame, size_t len);
	/* Frames for the mode itself (LACPDU, ...): true = consumed. */
	bool (*rx_control)(struct bond *b, struct slave *s, const uint8_t *frame,
			   size_t len, uint64_t now_ms);
	/* Periodic work; returns the next deadline or UINT64_MAX. */
	uint64_t (*tick)(struct bond *b, uint64_t now_ms);
	/* Default role for a slave whose link is up (true = backup). */
	bool (*slave_is_backup)(const struct bond *b, const struct slave *s);
	/* Which slaves the transmit array holds (default: slave_can_tx). */
	bool (*slave_usable)(const struct bond *b, const struct slave *s);
	/* Bond carrier (default: some slave has link UP). */
	bool (*carrier)(const struct bond *b);
	/* Receive dropped on this slave (default: backup && !all_slaves_active). */
	bool (*slave_inactive)(const struct bond *b, const struct slave *s);
	/* Give each slave the MAC the mode wants (default: the bond's). */
	void (*apply_macs)(struct bond *b);
	/* The active slave changed (old or new may be NULL). */
	void (*active_changed)(struct bond *b, struct slave *old, struct slave *new_,
			       uint64_t now_ms);
	/* Adds the mode's facts to the status model (status.h). */
	void (*status_fill)(const struct bond *b, struct bond_status *st);
};

extern const struct mode_ops mode_rr, mode_ab, mode_xor, mode_bcast,
	mode_8023ad, mode_tlb, mode_alb;

/* The table of modes bondd implements; NULL for a mode it refuses. */
const struct mode_ops *mode_lookup(uint32_t number);

/* Wrappers with defaults. */
void mode_slave_add(struct bond *b, struct slave *s, uint64_t now_ms);
void mode_slave_del(struct bond *b, struct slave *s, uint64_t now_ms);
void mode_link_change(struct bond *b, struct slave *s, uint64_t now_ms);
void mode_xmit(struct bond *b, const uint8_t *frame, size_t len, const void *meta,
	       uint64_t now_ms);
bool mode_rx_accept(struct bond *b, struct slave *s, const uint8_t *frame, size_t len);
const uint8_t *mode_rx_frame(struct bond *b, struct slave *s, const uint8_t *frame,
			     size_t len);
bool mode_rx_control(struct bond *b, struct slave *s, const uint8_t *frame,
		     size_t len, uint64_t now_ms);
uint64_t mode_tick(struct bond *b, uint64_t now_ms);
bool mode_slave_is_backup(const struct bond *b, const struct slave *s);
bool mode_slave_usable(const struct bond *b, const struct slave *s);
bool mode_carrier(const struct bond *b);
bool mode_slave_inactive(const struct bond *b, const struct slave *s);
void mode_apply_macs(struct bond *b);
void mode_active_changed(struct bond *b, struct slave *old, struct slave *new_,
			 uint64_t now_ms);

/* Sends on one slave through the engine's tx action, counting it. */
void bond_tx_on(struct bond *b, struct slave *s, const uint8_t *frame, size_t len,
		const void *meta);

#endif
