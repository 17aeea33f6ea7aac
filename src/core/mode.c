/* What the modes share: the wrappers that give every mode_ops slot its
 * default, the hashing modes' transmit choice, and bond_explain_tx(). The
 * table of modes is mode_table.c. */
#include "mode.h"

#include <stdio.h>
#include <string.h>

struct slave *mode_active_tx(const struct bond *b)
{
	return b->active && slave_can_tx(b->active) ? b->active : NULL;
}

/* ---- the transmit choice, and its explanation ----------------------- */

static unsigned hash_index(uint32_t hash, unsigned n)
{
	return hash % n;
}

uint32_t bond_xmit_hash(const struct bond *b, const uint8_t *frame, size_t len)
{
	return b->xmit_oob_tag ? xmit_hash_vlan(b->params.xmit_policy, frame, len) :
				 xmit_hash(b->params.xmit_policy, frame, len);
}

uint32_t bond_xmit_hash_explain(const struct bond *b, const uint8_t *frame, size_t len,
				struct xmit_hash_info *info)
{
	return b->xmit_oob_tag ?
	       xmit_hash_vlan_explain(b->params.xmit_policy, frame, len, info) :
	       xmit_hash_explain(b->params.xmit_policy, frame, len, info);
}

struct slave *mode_hash_slave(const struct bond *b, const uint8_t *frame, size_t len)
{
	unsigned n = b->n_usable;

	if (!n)
		return NULL;
	return b->usable[hash_index(bond_xmit_hash(b, frame, len), n)];
}

void mode_hash_xmit(struct bond *b, const uint8_t *frame, size_t len, const void *meta,
		    uint64_t now_ms)
{
	struct slave *s = mode_hash_slave(b, frame, len);

	(void)now_ms;
	if (s)
		bond_tx_on(b, s, frame, len, meta);
}

bool mode_hashes_always(const struct bond *b)
{
	(void)b;
	return true;
}

void mode_explain_hash(const struct bond *b, const uint8_t *frame, size_t len,
		       struct tx_explain *out)
{
	out->hashed = true;
	out->hash = bond_xmit_hash_explain(b, frame, len, &out->how);
	out->set = b->usable;
	out->n_set = b->n_usable;
	out->set_label = "usable slaves";
	if (!b->n_usable) {
		snprintf(out->reason, sizeof(out->reason),
			 "%s: no usable slave: the frame would be dropped", b->mode->name);
		return;
	}
	out->indexed = true;
	out->index = hash_index(out->hash, b->n_usable);
	out->slave = b->usable[out->index];
	snprintf(out->reason, sizeof(out->reason), "%s: usable[hash %% %u]", b->mode->name,
		 b->n_usable);
}

void bond_explain_tx(const struct bond *b, const uint8_t *frame, size_t len,
		     struct tx_explain *out)
{
	memset(out, 0, sizeof(*out));
	/* The mode's own answer first (802.3ad's broadcast_neighbor is not
	 * a hash); the hashing rule for a mode that has none. */
	if (b->mode->explain_tx)
		b->mode->explain_tx(b, frame, len, out);
	else if (bond_mode_uses_xmit_hash(b))
		mode_explain_hash(b, frame, len, out);
}

void bond_explain_tx_vlan(struct bond *b, const uint8_t *frame, size_t len,
			  struct tx_explain *out)
{
	b->xmit_oob_tag = true;
	bond_explain_tx(b, frame, len, out);
	b->xmit_oob_tag = false;
}

void bond_tx_plan(const struct bond *b, struct tx_plan *out)
{
	memset(out, 0, sizeof(*out));
	out->up = b->admin_up;
	out->xmit_policy = b->params.xmit_policy;
	out->packets_per_slave = b->params.packets_per_slave;
	out->active = mode_active_tx(b);
	out->n_tx = b->n_usable;
	for (unsigned i = 0; i < b->n_usable; i++)
		out->tx[i] = b->usable[i];
	out->kind = bond_mode_uses_xmit_hash(b) ? TXP_HASH : TXP_ACTIVE;
	if (b->mode->tx_plan)
		b->mode->tx_plan(b, out);
	if ((out->kind == TXP_HASH || out->kind == TXP_BCAST) && !out->n_tx)
		out->kind = TXP_DROP;
	if (out->kind == TXP_ACTIVE && !out->active)
		out->kind = TXP_DROP;
	out->queue_override = b->mode->queue_override;
	for (unsigned i = 0; out->queue_override && i < b->n_slaves; i++) {
		const struct slave *s = b->slaves[i];

		if (s->queue_id && slave_can_tx(s)) {
			out->queue[out->n_queue].qid = s->queue_id;
			out->queue[out->n_queue++].s = s;
		}
	}
}

void bond_tx_account(struct bond *b, const uint64_t *bucket_bytes, uint64_t unbalanced)
{
	if (b->mode->tx_account)
		b->mode->tx_account(b, bucket_bytes, unbalanced);
}

/* ---- wrappers with defaults ----------------------------------------- */

void mode_slave_add(struct bond *b, struct slave *s, uint64_t now_ms)
{
	if (b->mode->slave_add)
		b->mode->slave_add(b, s, now_ms);
}

void mode_slave_del(struct bond *b, struct slave *s, uint64_t now_ms)
{
	if (b->mode->slave_del)
		b->mode->slave_del(b, s, now_ms);
}

void mode_link_change(struct bond *b, struct slave *s, uint64_t now_ms)
{
	if (b->mode->link_change)
		b->mode->link_change(b, s, now_ms);
}

void mode_usable_changed(struct bond *b)
{
	if (b->mode->usable_changed)
		b->mode->usable_changed(b);
}

void mode_vlan_del(struct bond *b, uint16_t vid)
{
	if (b->mode->vlan_del)
		b->mode->vlan_del(b, vid);
}

void mode_xmit(struct bond *b, const uint8_t *frame, size_t len, const void *meta,
	       uint64_t now_ms)
{
	b->mode->xmit(b, frame, len, meta, now_ms);
}

void mode_xmit_vlan(struct bond *b, const uint8_t *frame, size_t len, const void *meta,
		    uint64_t now_ms)
{
	bool was = b->xmit_oob_tag;

	b->xmit_oob_tag = true;
	b->mode->xmit(b, frame, len, meta, now_ms);
	b->xmit_oob_tag = was;
}

bool mode_rx_accept(struct bond *b, struct slave *s, const uint8_t *frame, size_t len)
{
	if (b->mode->rx_accept)
		return b->mode->rx_accept(b, s, frame, len);
	return !s->inactive;
}

const uint8_t *mode_rx_frame(struct bond *b, struct slave *s, const uint8_t *frame,
			     size_t len)
{
	return b->mode->rx_frame ? b->mode->rx_frame(b, s, frame, len) : frame;
}

bool mode_rx_control(struct bond *b, struct slave *s, const uint8_t *frame,
		     size_t len, uint64_t now_ms)
{
	return b->mode->rx_control ? b->mode->rx_control(b, s, frame, len, now_ms) : false;
}

uint64_t mode_tick(struct bond *b, uint64_t now_ms)
{
	return b->mode->tick ? b->mode->tick(b, now_ms) : UINT64_MAX;
}

bool mode_slave_is_backup(const struct bond *b, const struct slave *s)
{
	if (b->mode->slave_is_backup)
		return b->mode->slave_is_backup(b, s);
	/* Load-balancing modes: all slaves active, except that the ARP
	 * monitor marks the slaves it took down as backup
	 * (bond_slave_state_change()). */
	return b->params.arp_interval && s->link == SLAVE_LINK_DOWN;
}

bool mode_slave_usable(const struct bond *b, const struct slave *s)
{
	return b->mode->slave_usable ? b->mode->slave_usable(b, s) : slave_can_tx(s);
}

bool mode_carrier(const struct bond *b)
{
	if (b->mode->carrier)
		return b->mode->carrier(b);
	for (unsigned i = 0; i < b->n_slaves; i++)
		if (b->slaves[i]->link == SLAVE_LINK_UP)
			return true;
	return false;
}

bool mode_slave_inactive(const struct bond *b, const struct slave *s)
{
	if (b->mode->slave_inactive)
		return b->mode->slave_inactive(b, s);
	/* Only the modes with an active slave drop what backups receive. */
	if (!b->mode->uses_primary)
		return false;
	return s->backup && !b->params.all_slaves_active;
}

void mode_apply_macs(struct bond *b)
{
	if (b->mode->apply_macs) {
		b->mode->apply_macs(b);
		return;
	}
	for (unsigned i = 0; i < b->n_slaves; i++)
		bond_set_slave_mac(b, b->slaves[i], b->mac);
}

void mode_active_changed(struct bond *b, struct slave *old, struct slave *new_,
			 uint64_t now_ms)
{
	if (b->mode->active_changed)
		b->mode->active_changed(b, old, new_, now_ms);
}
