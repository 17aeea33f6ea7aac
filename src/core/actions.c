/* See actions.h: the engine's actions, reached through bond->ops. */
#include "actions.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct slave *bond_find_slave(const struct bond *b, const char *name)
{
	for (unsigned i = 0; i < b->n_slaves; i++)
		if (!strcmp(b->slaves[i]->name, name))
			return b->slaves[i];
	return NULL;
}

bool slave_dev_up(const struct slave *s)
{
	return s->os.running && s->os.carrier;
}

bool slave_can_tx(const struct slave *s)
{
	return s->os.running && s->os.carrier && s->link == SLAVE_LINK_UP;
}

size_t vlan_tag_frame(uint8_t *f, size_t len, uint16_t vid)
{
	memmove(f + 16, f + 12, len - 12);
	f[12] = 0x81;
	f[13] = 0x00;
	f[14] = (uint8_t)(vid >> 8);
	f[15] = (uint8_t)vid;
	len += 4;
	if (len < 60) {
		memset(f + len, 0, 60 - len);
		len = 60;
	}
	return len;
}

void bond_tx_on(struct bond *b, struct slave *s, const uint8_t *frame, size_t len,
		const void *meta)
{
	s->stats.tx_packets++;
	s->stats.tx_bytes += len;
	s->last_tx_ms = b->now_ms;
	/* meta travels only with the host's frames (engine.h); the engine's
	 * own (ARP probes on a slave coming back, LACPDUs) may go anywhere. */
	if (meta && (s->link == SLAVE_LINK_DOWN || s->link == SLAVE_LINK_BACK))
		s->stats.tx_while_down++;
	b->ops->tx(b->ctx, s, frame, len, meta);
}

void bond_set_slave_mac(struct bond *b, struct slave *s, const uint8_t mac[6])
{
	if (mac_eq(s->cur_mac, mac))
		return;
	memcpy(s->cur_mac, mac, 6);
	b->ops->set_slave_mac(b->ctx, s, mac);
}

void bond_act_set_dev_mac(struct bond *b, const uint8_t mac[6])
{
	if (mac_eq(b->mac, mac))
		return;
	memcpy(b->mac, mac, 6);
	b->ops->set_bond_mac(b->ctx, b, mac);
}

static unsigned count_up(const struct bond *b)
{
	unsigned n = 0;

	for (unsigned i = 0; i < b->n_slaves; i++)
		n += b->slaves[i]->link == SLAVE_LINK_UP;
	return n;
}

void bond_act_set_carrier(struct bond *b, bool up)
{
	if (up == b->carrier)
		return;
	b->carrier = up;
	b->ops->set_carrier(b->ctx, b, up);
	if (up)
		bond_event(b, NULL, BOND_EV_CARRIER, "up", "%u of %u slaves up",
			   count_up(b), b->n_slaves);
	else if (!b->n_slaves)
		bond_event(b, NULL, BOND_EV_CARRIER, "down", "no slaves");
	else if (!count_up(b))
		bond_event(b, NULL, BOND_EV_CARRIER, "down", "no slave with link up");
	else
		bond_event(b, NULL, BOND_EV_CARRIER, "down",
			   "the mode's rule (%u of %u slaves up: min_links, lacp_strict "
			   "or no aggregator)", count_up(b), b->n_slaves);
}

bool bond_act_mcast_groups(struct bond *b, struct mcast_groups *out)
{
	if (!b->ops->mcast_groups)
		return false;
	b->ops->mcast_groups(b->ctx, b, out);
	return true;
}

void bond_log(const struct bond *b, const struct slave *s, int level,
	      const char *fmt, ...)
{
	char line[640];
	int n;
	va_list ap;

	if (s)
		n = snprintf(line, sizeof(line), "%s: (slave %s): ", b->name, s->name);
	else
		n = snprintf(line, sizeof(line), "%s: ", b->name);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	b->ops->log(b->ctx, level, line);
}

void bond_event(const struct bond *b, const struct slave *s, enum bond_event_kind kind,
		const char *state, const char *fmt, ...)
{
	struct bond_event ev;
	char reason[400];
	va_list ap;

	if (!b->ops || !b->ops->event)
		return;     /* nobody watches: not even the formatting is paid */
	va_start(ap, fmt);
	if (vsnprintf(reason, sizeof(reason), fmt, ap) < 0)
		reason[0] = 0;
	va_end(ap);
	ev.kind = kind;
	ev.bond = b->name;
	ev.slave = s ? s->name : "";
	ev.state = state;
	ev.reason = reason;
	b->ops->event(b->ctx, &ev);
}

const char *bond_event_name(enum bond_event_kind kind)
{
	static const char *const names[BOND_EV__COUNT] = {
		[BOND_EV_LINK] = "link",
		[BOND_EV_ACTIVE] = "active",
		[BOND_EV_CARRIER] = "carrier",
		[BOND_EV_LACP] = "lacp",
		[BOND_EV_AGGREGATOR] = "aggregator",
		[BOND_EV_PEER_NOTIFY] = "peer_notify",
		[BOND_EV_MALFORMED] = "malformed",
		[BOND_EV_SLAVE] = "slave",
		[BOND_EV_RELOAD] = "reload",
	};

	return (unsigned)kind < BOND_EV__COUNT ? names[kind] : "unknown";
}

uint32_t bond_updelay_ms(const struct bond *b)
{
	return b->params.updelay * b->params.miimon;
}

uint32_t bond_downdelay_ms(const struct bond *b)
{
	return b->params.downdelay * b->params.miimon;
}

uint32_t bond_peer_notif_delay_ms(const struct bond *b)
{
	return b->params.peer_notif_delay * b->params.miimon;
}
