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

static uint32_t mii_run(struct bond *b, uint64_t now_ms)
{
	const uint32_t miimon = b->params.miimon;
	/* With no active slave, the first slave that comes back skips its
	 * updelay: a bond whose every link failed recovers at once. */
	bool ignore_updelay = b->active == NULL;
	int propose[BOND_MAX_SLAVES] = { 0 };
	bool commit = false;
	bool notify = bond_should_notify_peers(b);

	for (unsigned i = 0; i < b->n_slaves; i++) {
		struct slave *s = b->slaves[i];
		bool ok = mii_link_ok(s);

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
	monitor_peer_notify_step(b, notify, now_ms);
	return miimon;
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
