/* What every link monitor shares: choosing the bond's monitor, scheduling it
 * on virtual time, committing link decisions with the kernel's side effects,
 * and the peer-notification countdown that runs on monitor ticks. */
#include "monitor.h"

#include "bond.h"
#include "peer_notify.h"

const struct monitor_ops *monitor_of(const struct bond *b)
{
	if (b->params.miimon)
		return &mon_mii;
	if (b->params.arp_interval)
		return &mon_arp;
	return &mon_none;
}

void monitor_slave_init(struct bond *b, struct slave *s, uint64_t now_ms)
{
	monitor_of(b)->slave_init(b, s, now_ms);
}

void monitor_link_event(struct bond *b, struct slave *s, uint64_t now_ms)
{
	/* The raw state is already in s->os. The MII monitor judges carrier,
	 * which this event is, so it inspects now; the ARP/NS monitor judges
	 * traffic over its intervals and keeps its own pace. */
	if (monitor_of(b) == &mon_mii)
		mii_link_event(b, s, now_ms);
}

void monitor_bond_admin(struct bond *b, uint64_t now_ms)
{
	/* Opening the bond runs the monitor at once (bond_open queues the
	 * work with no delay); closing stops it. */
	b->next_mii_ms = b->admin_up ? now_ms : 0;
}

uint64_t monitor_tick(struct bond *b, uint64_t now_ms)
{
	const struct monitor_ops *m = monitor_of(b);
	uint32_t interval = m->interval(b);

	if (!b->admin_up || !interval || !m->run) {
		b->next_mii_ms = 0;
		return UINT64_MAX;
	}
	if (b->next_mii_ms == 0)
		b->next_mii_ms = now_ms;   /* just enabled: run now */
	if (now_ms < b->next_mii_ms)
		return b->next_mii_ms;
	m->run(b, now_ms);
	b->next_mii_ms = now_ms + interval;
	return b->next_mii_ms;
}

/* 802.3ad, tlb and alb need a slave's speed and duplex (keys, load
 * balancing by speed): the kernel keeps a slave down while it cannot read
 * them (bond_needs_speed_duplex()). */
static bool speed_duplex_missing(const struct bond *b, const struct slave *s)
{
	if (!b->mode->needs_speed_duplex)
		return false;
	return s->os.speed == SPEED_UNKNOWN ||
	       (s->os.duplex != DUPLEX_FULL && s->os.duplex != DUPLEX_HALF);
}

void monitor_commit_up(struct bond *b, struct slave *s, uint64_t now_ms)
{
	if (speed_duplex_missing(b, s)) {
		s->link = SLAVE_LINK_DOWN;
		bond_log(b, s, LOG_WARN_, "failed to get link speed/duplex");
		return;
	}
	s->link = SLAVE_LINK_UP;
	s->delay = 0;
	s->last_link_up_ms = now_ms;
	if (s->os.speed != SPEED_UNKNOWN)
		s->speed = s->os.speed;
	if (s->os.duplex != DUPLEX_UNKNOWN)
		s->duplex = s->os.duplex;
	bond_log(b, s, LOG_INFO_, "link status definitely up, %u Mbps %s duplex",
		 s->speed < 0 ? 0u : (unsigned)s->speed,
		 s->duplex == DUPLEX_FULL ? "full" : "half");
	s->link_since_ms = now_ms;
	bond_event(b, s, BOND_EV_LINK, "up", "miimon: carrier up%s, %u Mbps %s duplex",
		   b->params.updelay ? " for updelay" : "",
		   s->speed < 0 ? 0u : (unsigned)s->speed,
		   s->duplex == DUPLEX_FULL ? "full" : "half");
	mode_link_change(b, s, now_ms);
}

void monitor_commit_down(struct bond *b, struct slave *s, uint64_t now_ms)
{
	if (s->link_failure_count < UINT32_MAX)
		s->link_failure_count++;
	s->link = SLAVE_LINK_DOWN;
	s->delay = 0;
	bond_log(b, s, LOG_INFO_, "link status definitely down, disabling slave");
	s->link_since_ms = now_ms;
	bond_event(b, s, BOND_EV_LINK, "down", "miimon: %s%s",
		   !s->os.running ? "device down" : "carrier lost",
		   b->params.downdelay ? " for downdelay" : "");
	mode_link_change(b, s, now_ms);
	bond_refresh_roles(b);
}

void monitor_peer_notify_step(struct bond *b, bool notify, uint64_t now_ms)
{
	if (!b->send_peer_notif)
		return;
	b->send_peer_notif--;
	if (notify)
		peer_notify_send(b, now_ms);
}
