/* The MII monitor: every miimon ms, sample each slave's "device running and
 * carrier on" and walk the kernel's four-state machine
 *
 *   UP --loss--> FAIL (downdelay ticks) --> DOWN --back--> BACK (updelay) --> UP
 *
 * in two phases, as bond_miimon_inspect()/bond_miimon_commit() do: inspect
 * every slave first, then commit the UP/DOWN decisions and reselect once.
 * Delays are counted in monitor ticks, so a 200 ms downdelay with miimon 100
 * means "down at the second tick after the one that saw the loss".
 *
 * Also here: the no-monitor case (miimon 0 and no ARP monitor), where a
 * slave's link state never changes (the kernel's behaviour: such a bond does
 * not detect link failures; transmit still avoids carrier-less slaves).
 */
#include <stdbool.h>

#include "bond.h"
#include "monitor.h"
#include "peer_notify.h"

static bool mii_link_ok(const struct slave *s)
{
	return s->os.running && s->os.carrier;
}

static void mii_slave_init(struct bond *b, struct slave *s, uint64_t now_ms)
{
	if (!mii_link_ok(s)) {
		s->link = SLAVE_LINK_DOWN;
		return;
	}
	if (b->params.updelay) {
		s->link = SLAVE_LINK_BACK;
		s->delay = (int32_t)b->params.updelay;
	} else {
		s->link = SLAVE_LINK_UP;
	}
	s->last_link_up_ms = now_ms;
}

enum { PROPOSE_NONE, PROPOSE_UP, PROPOSE_DOWN };

/* One inspect + commit pass (bond_miimon_inspect() and
 * bond_miimon_commit()) over every slave, or over `only` for an event pass;
 * the peer-notification step is the caller's, since it counts regular ticks
 * only. `count` says whether this pass is one of the delay ticks: every
 * regular tick is; an event pass is when the timer is re-phased to it. */
static void mii_inspect_commit(struct bond *b, const struct slave *only, bool count,
			       uint64_t now_ms)
{
	const uint32_t miimon = b->params.miimon;
	/* With no active slave, the first slave that comes back skips its
	 * updelay: a bond whose every link failed recovers at once. */
	bool ignore_updelay = b->active == NULL;
	int propose[BOND_MAX_SLAVES] = { 0 };
	bool commit = false;

	for (unsigned i = 0; i < b->n_slaves; i++) {
		struct slave *s = b->slaves[i];
		bool ok = mii_link_ok(s);

		if (only && s != only)
			continue;

		switch (s->link) {
		case SLAVE_LINK_UP:
			if (ok)
				break;
			s->link = SLAVE_LINK_FAIL;
			s->delay = (int32_t)b->params.downdelay;
			if (s->delay)
				bond_log(b, s, LOG_INFO_,
					 "link status down for %sinterface, disabling it in %u ms",
					 s == b->active ? "active " : "",
					 b->params.downdelay * miimon);
			/* fall through */
		case SLAVE_LINK_FAIL:
			if (ok) {
				/* The link came back before downdelay ran out:
				 * no failure is counted. */
				bond_log(b, s, LOG_INFO_, "link status up again after %d ms",
					 (int)(b->params.downdelay - (uint32_t)s->delay) * (int)miimon);
				propose[i] = PROPOSE_UP;
				commit = true;
				break;
			}
			if (s->delay <= 0) {
				propose[i] = PROPOSE_DOWN;
				commit = true;
				break;
			}
			if (count)
				s->delay--;
			break;
		case SLAVE_LINK_DOWN:
			if (!ok)
				break;
			s->link = SLAVE_LINK_BACK;
			s->delay = (int32_t)b->params.updelay;
			if (s->delay)
				bond_log(b, s, LOG_INFO_, "link status up, enabling it in %u ms",
					 b->params.updelay * miimon);
			/* fall through */
		case SLAVE_LINK_BACK:
			if (!ok) {
				bond_log(b, s, LOG_INFO_, "link status down again after %d ms",
					 (int)(b->params.updelay - (uint32_t)s->delay) * (int)miimon);
				propose[i] = PROPOSE_DOWN;
				commit = true;
				break;
			}
			if (ignore_updelay)
				s->delay = 0;
			if (s->delay <= 0) {
				propose[i] = PROPOSE_UP;
				commit = true;
				ignore_updelay = false;
				break;
			}
			if (count)
				s->delay--;
			break;
		}
	}

	if (commit) {
		for (unsigned i = 0; i < b->n_slaves; i++) {
			if (propose[i] == PROPOSE_UP)
				monitor_commit_up(b, b->slaves[i], now_ms);
			else if (propose[i] == PROPOSE_DOWN)
				monitor_commit_down(b, b->slaves[i], now_ms);
		}
		bond_reselect(b, now_ms);
	}
}

static uint32_t mii_run(struct bond *b, uint64_t now_ms)
{
	bool notify = bond_should_notify_peers(b);

	mii_inspect_commit(b, NULL, true, now_ms);
	monitor_peer_notify_step(b, notify, now_ms);
	return b->params.miimon;
}

/* Would a pass now move s in the four-state machine? Only a sample that
 * disagrees with the state does: UP or FAIL with the link gone one way,
 * DOWN or BACK the other. */
static bool mii_verdict_changes(const struct slave *s)
{
	bool ok = mii_link_ok(s);

	switch (s->link) {
	case SLAVE_LINK_UP:
		return !ok;
	case SLAVE_LINK_FAIL:
		return ok;
	case SLAVE_LINK_DOWN:
		return ok;
	case SLAVE_LINK_BACK:
		return !ok;
	}
	return false;
}

static bool other_countdown(const struct bond *b, const struct slave *s)
{
	for (unsigned i = 0; i < b->n_slaves; i++)
		if (b->slaves[i] != s && (b->slaves[i]->link == SLAVE_LINK_FAIL ||
					  b->slaves[i]->link == SLAVE_LINK_BACK))
			return true;
	return false;
}

/* The OS reported a change on s (rtnetlink: carrier lost or back). The
 * kernel would see it at its next miimon tick, up to miimon ms later; bondd
 * inspects s at once, so with downdelay 0 (or updelay 0, or no active
 * slave) the failover happens inside this call, and a flap inside a delay
 * cancels it at once.
 *
 * The delays keep their meaning, N miimon ticks counted from the event: the
 * bond's timer is re-phased to the event, which counts as the first tick
 * (the one the kernel would have seen the change at), so the commit comes
 * exactly N * miimon after it. When another slave's delay is already
 * running the timer keeps its phase, since moving it would stretch that
 * countdown (and a flapping slave could then stall it for ever); s's count
 * then starts at the next tick, as in the kernel, so its delay is never
 * shorter than configured and at most one tick longer. */
bool mii_link_event(struct bond *b, struct slave *s, uint64_t now_ms)
{
	bool rephase;

	if (!b->admin_up || !b->params.miimon || !b->next_mii_ms || !mii_verdict_changes(s))
		return false;
	rephase = !other_countdown(b, s);
	mii_inspect_commit(b, s, rephase, now_ms);
	if (rephase)
		b->next_mii_ms = now_ms + b->params.miimon;
	return true;
}

static uint32_t mii_interval(const struct bond *b)
{
	return b->params.miimon;
}

const struct monitor_ops mon_mii = {
	.name = "mii",
	.slave_init = mii_slave_init,
	.run = mii_run,
	.interval = mii_interval,
};

static void none_slave_init(struct bond *b, struct slave *s, uint64_t now_ms)
{
	s->link = SLAVE_LINK_UP;
	s->last_link_up_ms = now_ms;
}

static uint32_t none_interval(const struct bond *b)
{
	return 0;
}

const struct monitor_ops mon_none = {
	.name = "none",
	.slave_init = none_slave_init,
	.run = NULL,
	.interval = none_interval,
};
