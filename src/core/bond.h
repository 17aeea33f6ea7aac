/* Bond-level logic shared by the modes, the monitors and the option
 * setters: active slave selection, roles, the precomputed transmit set,
 * carrier and MAC addresses. The data model is in bond_types.h; this
 * header also brings the primitives (actions.h) and the mode table
 * (mode.h), which every user of these functions needs. */
#ifndef BONDD_BOND_H
#define BONDD_BOND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actions.h"
#include "bond_types.h"
#include "mode.h"

/* Re-runs active slave selection (modes that use a primary; a no-op
 * otherwise), then rebuilds the usable array and sets the carrier. Called by
 * every change that may alter the choice: link commit, enslave, release,
 * primary, prio, ... */
void bond_reselect(struct bond *b, uint64_t now_ms);
/* Makes s the active slave (NULL: none); the only place that does. */
void bond_change_active(struct bond *b, struct slave *s, uint64_t now_ms);
/* The primary slave, when the mode uses one and it is enslaved. */
struct slave *bond_primary_slave(const struct bond *b);

/* Recomputes every slave's backup/inactive flags from the mode. */
void bond_refresh_roles(struct bond *b);
void bond_update_usable(struct bond *b);
void bond_update_carrier(struct bond *b);

/* Assigns MACs to slaves as the mode and fail_over_mac want. */
void bond_apply_slave_macs(struct bond *b);
/* A new MAC for the bond device; the slaves follow as the mode wants. */
void bond_set_mac(struct bond *b, const uint8_t mac[6]);

#endif
