/* active-backup (mode 1): one slave carries everything; the others wait.
 *
 * Selection is bond.c's (primary, primary_reselect, prio); this file adds
 * what is particular to the mode: only the active slave transmits, backups
 * drop what they receive (unless all_slaves_active), fail_over_mac decides
 * which MAC each slave wears, and a change of active slave notifies peers
 * (gratuitous ARP / unsolicited NA, num_grat_arp times, peer_notif_delay
 * apart). */
#include <stdio.h>
#include <string.h>

#include "bond.h"
#include "mode.h"
#include "peer_notify.h"
#include "status.h"

static void ab_xmit(struct bond *b, const uint8_t *frame, size_t len,
		    const void *meta, uint64_t now_ms)
{
	/* The kernel sends on curr_active_slave as it stands, which matters
	 * for the gratuitous ARP sent in the middle of a failover. */
	if (b->active)
		bond_tx_on(b, b->active, frame, len, meta);
}

static void ab_explain_tx(const struct bond *b, const uint8_t *frame, size_t len,
			  struct tx_explain *out)
{
	/* What ab_xmit does: the active slave as it stands, even in the
	 * moment between its carrier going and the monitor's verdict. */
	struct slave *act = b->active;

	out->slave = act;
	if (act)
		snprintf(out->reason, sizeof(out->reason), "active-backup: every frame "
			 "leaves on the active slave %s%s", act->name,
			 slave_can_tx(act) ? "" : " (its link is going down: the monitor "
			 "has not decided yet)");
	else
		snprintf(out->reason, sizeof(out->reason), "active-backup: no active "
			 "slave: the frame would be dropped");
}

/* ab_xmit's choice: the active slave as it stands. */
static void ab_tx_plan(const struct bond *b, struct tx_plan *out)
{
	out->active = b->active;
}

static bool ab_slave_usable(const struct bond *b, const struct slave *s)
{
	return s == b->active && slave_can_tx(s);
}

static bool ab_slave_is_backup(const struct bond *b, const struct slave *s)
{
	/* The ARP monitor's probing candidate acts as active while probed. */
	return s != b->active && s != b->current_arp_slave;
}

static void ab_apply_macs(struct bond *b)
{
	switch (b->params.fail_over_mac) {
	case FOM_ACTIVE:
		/* Slaves keep their own addresses; the bond wears the active
		 * slave's (set in ab_active_changed). */
		break;
	case FOM_FOLLOW:
		/* Backups keep their own addresses; the active slave wears
		 * the bond's. */
		if (b->active)
			bond_set_slave_mac(b, b->active, b->mac);
		break;
	default:
		for (unsigned i = 0; i < b->n_slaves; i++)
			bond_set_slave_mac(b, b->slaves[i], b->mac);
		break;
	}
}

/* fail_over_mac=follow: the new active slave takes the bond's address from
 * the old one, which takes the new one's former address in exchange. */
static void follow_swap(struct bond *b, struct slave *old, struct slave *new_)
{
	uint8_t tmp[6];

	if (!old) {
		for (unsigned i = 0; i < b->n_slaves; i++)
			if (b->slaves[i] != new_ && mac_eq(b->slaves[i]->cur_mac, b->mac))
				old = b->slaves[i];
	}
	if (!old) {
		bond_set_slave_mac(b, new_, b->mac);
		return;
	}
	memcpy(tmp, new_->cur_mac, 6);
	bond_set_slave_mac(b, new_, old->cur_mac);
	bond_set_slave_mac(b, old, tmp);
}

static void ab_active_changed(struct bond *b, struct slave *old, struct slave *new_,
			      uint64_t now_ms)
{
	if (!new_)
		return;
	if (b->params.fail_over_mac == FOM_ACTIVE)
		bond_set_mac(b, new_->cur_mac);
	else if (b->params.fail_over_mac == FOM_FOLLOW)
		follow_swap(b, old, new_);
	bond_schedule_peer_notify(b, now_ms);
}

/* fail_over_mac has an effect in this mode only, so /proc names it here. */
static void ab_status_fill(const struct bond *b, struct bond_status *st)
{
	st->shows_fail_over_mac = b->params.fail_over_mac != FOM_NONE;
}

const struct mode_ops mode_ab = {
	.name = "active-backup",
	.proc_text = "fault-tolerance (active-backup)",
	.number = BOND_MODE_ACTIVEBACKUP,
	.uses_primary = true,
	.promisc_active_only = true,
	.queue_override = true,
	.fail_over_mac = true,
	.arp_monitor = MODE_ARP_ACTIVEBACKUP,
	.igmp_rejoin = MODE_REJOIN_NEW_ACTIVE,
	.xmit = ab_xmit,
	.tx_plan = ab_tx_plan,
	.explain_tx = ab_explain_tx,
	.slave_usable = ab_slave_usable,
	.slave_is_backup = ab_slave_is_backup,
	.apply_macs = ab_apply_macs,
	.active_changed = ab_active_changed,
	.status_fill = ab_status_fill,
};
