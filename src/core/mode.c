/* Mode lookup and the wrappers that give every mode_ops slot its default. */
#include "mode.h"

#include "engine.h"

const struct mode_ops *mode_lookup(uint32_t number)
{
	static const struct mode_ops *const modes[BOND_MODE__COUNT] = {
		[BOND_MODE_ROUNDROBIN] = &mode_rr,
		[BOND_MODE_ACTIVEBACKUP] = &mode_ab,
		[BOND_MODE_XOR] = &mode_xor,
		[BOND_MODE_BROADCAST] = &mode_bcast,
		[BOND_MODE_8023AD] = &mode_8023ad,
		[BOND_MODE_TLB] = &mode_tlb,
		[BOND_MODE_ALB] = &mode_alb,
	};

	return number < BOND_MODE__COUNT ? modes[number] : NULL;
}

void bond_tx_on(struct bond *b, struct slave *s, const uint8_t *frame, size_t len,
		const void *meta)
{
	s->stats.tx_packets++;
	s->stats.tx_bytes += len;
	s->last_tx_ms = b->now_ms;
	engine_ops_of(b->eng)->tx(engine_ctx_of(b->eng), s, frame, len, meta);
}

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

void mode_xmit(struct bond *b, const uint8_t *frame, size_t len, const void *meta,
	       uint64_t now_ms)
{
	b->mode->xmit(b, frame, len, meta, now_ms);
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
	if (!bond_mode_uses_primary(b->params.mode))
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
