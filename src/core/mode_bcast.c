/* broadcast (mode 3): every frame leaves on every slave whose link is up.
 * Every slave receives; like the kernel, nothing suppresses the duplicates
 * a peer's own broadcast bond sends (upper layers cope, as they do with the
 * kernel driver). */
#include <stdio.h>

#include "bond.h"
#include "mode.h"

static void bcast_xmit(struct bond *b, const uint8_t *frame, size_t len,
		       const void *meta, uint64_t now_ms)
{
	for (unsigned i = 0; i < b->n_usable; i++)
		bond_tx_on(b, b->usable[i], frame, len, meta);
}

static void bcast_explain_tx(const struct bond *b, const uint8_t *frame, size_t len,
			     struct tx_explain *out)
{
	out->set = b->usable;
	out->n_set = b->n_usable;
	out->set_label = "slaves up";
	out->every_slave = b->n_usable > 0;
	snprintf(out->reason, sizeof(out->reason), b->n_usable ?
		 "broadcast: every frame is copied to every slave that is up" :
		 "broadcast: no slave is up: the frame would be dropped");
}

static void bcast_tx_plan(const struct bond *b, struct tx_plan *out)
{
	out->kind = TXP_BCAST;
}

const struct mode_ops mode_bcast = {
	.name = "broadcast",
	.proc_text = "fault-tolerance (broadcast)",
	.number = BOND_MODE_BROADCAST,
	.arp_monitor = MODE_ARP_LOADBALANCE,
	.xmit = bcast_xmit,
	.explain_tx = bcast_explain_tx,
	.tx_plan = bcast_tx_plan,
};
