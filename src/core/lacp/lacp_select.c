/* Selection logic (802.1AX 6.4.14 as the Linux driver does it, bond_3ad.c ad_port_selection_logic,
 * 6.8): which aggregator a port attaches to, which aggregator of the bond is
 * the active one (ad_select stable / bandwidth / count / actor_port_prio),
 * enabling and disabling ports for traffic, and the port's identity
 * (system, key).
 *
 * A port joins an aggregator that already has ports when the actor key and
 * the partner (system, priority, key) match and the aggregator has a real,
 * non-individual partner; otherwise it takes the first free aggregator in
 * slave order. A partnerless active aggregator has its ports enabled
 * directly (the individual fallback that keeps the bond's carrier).
 *
 * lacp_strict=on: no individual fallback (see mode_8023ad.c for carrier).
 *
 * ad_select=actor_port_prio: the aggregator whose ports with link up have
 * the highest sum of actor_port_prio wins (the kernel's BOND_AD_PRIO adds
 * the values, so a larger number counts for more, unlike the priority
 * inside LACPDUs where lower is better); a tie goes on as count, then
 * bandwidth. Like bandwidth and count it is not stable: each selection
 * may move the bond to a better aggregator. A changed actor_port_prio
 * selects again at once (the kernel waits for the next selection event:
 * a link change, a port (re)selected, the selection timer).
 *
 * Left out: STANDBY ports (the kernel has none either).
 */
#include <stdio.h>
#include <string.h>

#include "lacp.h"

/* ---- port identity ------------------------------------------------------ */

uint16_t lacp_sys_prio(const struct bond *b)
{
	return (uint16_t)b->params.ad_actor_sys_prio;
}

const uint8_t *lacp_system(const struct bond *b)
{
	return mac_is_zero(b->params.ad_actor_system) ? b->mac : b->params.ad_actor_system;
}

void lacp_actor_info(const struct bond *b, const struct lacp_port *p,
		     struct lacp_info *out)
{
	out->sys_prio = lacp_sys_prio(b);
	memcpy(out->system, lacp_system(b), 6);
	out->key = p->key;
	out->port_prio = p->slave->ad_actor_port_prio;
	out->port = p->number;
	out->state = p->actor_state;
}

/* ad_link_speed_type: Mb/s -> speed code (bond_3ad.c). */
static const struct { int32_t mbps; uint16_t code; } speed_codes[] = {
	{ 1, 1 }, { 10, 2 }, { 100, 3 }, { 1000, 4 }, { 2500, 5 }, { 5000, 6 },
	{ 10000, 7 }, { 14000, 8 }, { 20000, 9 }, { 25000, 10 }, { 40000, 11 },
	{ 50000, 12 }, { 56000, 13 }, { 100000, 14 }, { 200000, 15 },
	{ 400000, 16 }, { 800000, 17 }, { 1600000, 18 },
};

static uint16_t speed_code(const struct slave *s)
{
	if (s->link != SLAVE_LINK_UP)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(speed_codes); i++)
		if (speed_codes[i].mbps == s->speed)
			return speed_codes[i].code;
	return 0;
}

uint16_t lacp_port_key(const struct slave *s, bool reset)
{
	/* The user part as it was when the slave was enslaved: the kernel
	 * copies ad_user_port_key into the port's admin key only then
	 * (bond_3ad_bind_slave) and later key updates keep it, so a new
	 * value (set while the bond is down) reaches new slaves only. Seen
	 * against Debian's 6.1 (tests/interop/t_kernel_lacp.sh). */
	uint16_t key = lacp_port_of(s)->user_key;

	if (!reset && s->link == SLAVE_LINK_UP)
		key |= (uint16_t)(speed_code(s) << 1 |
				  (s->duplex == DUPLEX_FULL ? 1 : 0));
	return key;
}

/* ---- aggregators -------------------------------------------------------- */

bool lacp_agg_has_partner(const struct lacp_agg *agg)
{
	return !mac_is_zero(agg->partner_system);
}

unsigned lacp_agg_active_ports(const struct bond *b, const struct lacp_agg *agg)
{
	unsigned n = 0;

	for (unsigned i = 0; i < b->n_slaves; i++) {
		const struct lacp_port *p = lacp_port_of(b->slaves[i]);

		if (p->agg == agg && p->port_enabled)
			n++;
	}
	return n;
}

bool lacp_agg_ready(const struct bond *b, const struct lacp_agg *agg)
{
	for (unsigned i = 0; i < b->n_slaves; i++) {
		const struct lacp_port *p = lacp_port_of(b->slaves[i]);

		if (p->agg == agg && !p->ready_n)
			return false;
	}
	return true;
}

const struct lacp_agg *lacp_active_agg(const struct bond *b)
{
	for (unsigned i = 0; i < b->n_slaves; i++) {
		const struct lacp_port *p = lacp_port_of(b->slaves[i]);

		if (p->agg && p->agg->active)
			return p->agg;
	}
	return NULL;
}

static struct lacp_agg *find_active(const struct bond *b)
{
	for (unsigned i = 0; i < b->n_slaves; i++)
		if (lacp_own_agg(b->slaves[i])->active)
			return lacp_own_agg(b->slaves[i]);
	return NULL;
}

/* agg_device_up: some port's device is running with carrier. */
static bool agg_device_up(const struct bond *b, const struct lacp_agg *agg)
{
	for (unsigned i = 0; i < b->n_slaves; i++) {
		const struct slave *s = b->slaves[i];

		if (lacp_port_of(s)->agg == agg && s->os.running && s->os.carrier)
			return true;
	}
	return false;
}

static uint64_t agg_bandwidth(const struct bond *b, const struct lacp_agg *agg)
{
	int32_t speed = 0;

	for (unsigned i = 0; i < b->n_slaves; i++) {
		const struct slave *s = b->slaves[i];

		if (lacp_port_of(s)->agg == agg) {
			speed = s->link == SLAVE_LINK_UP && s->speed > 0 ? s->speed : 0;
			break;
		}
	}
	return (uint64_t)lacp_agg_active_ports(b, agg) * (uint64_t)speed;
}

static void agg_clear(struct lacp_agg *agg)
{
	uint16_t id = agg->id;

	memset(agg, 0, sizeof(*agg));
	agg->id = id;
}

static bool port_can_enable(const struct lacp_port *p)
{
	const struct slave *s = p->slave;

	return s->link == SLAVE_LINK_UP && s->os.running && s->os.carrier;
}

void lacp_port_enable(struct lacp_port *p)
{
	if (port_can_enable(p))
		p->enabled = p->collecting = true;
}

void lacp_port_disable(struct lacp_port *p)
{
	p->enabled = p->collecting = false;
}

void lacp_port_enable_collecting(struct lacp_port *p)
{
	if (p->agg && p->agg->active && port_can_enable(p))
		p->collecting = true;
}

void lacp_port_disable_distributing(struct lacp_port *p)
{
	/* As disabling both: a partnerless aggregator keeps its ports
	 * (the individual fallback). */
	if (p->agg && lacp_agg_has_partner(p->agg))
		p->enabled = false;
}

/* Coupled control (the default) turns distributing on together with
 * collecting, and each end does so at its own tick once it sees the other
 * in sync: the end that gets there first would send into a port that the
 * other does not collect on yet, losing up to a tick (100 ms) of frames
 * every time a link comes back (the kernel's driver does). The partner
 * announces collecting in the LACPDU it sends on that very transition, so
 * waiting for the bit costs no more than the PDU's trip: the port starts
 * to carry frames when the PDU is received, not at the next tick.
 * Independent control already waits for it in its mux. A partnerless
 * aggregator (the individual fallback) has no one to wait for. */
bool lacp_port_distributes(const struct lacp_port *p)
{
	if (!p->enabled || !p->agg || !p->agg->active)
		return false;
	return !lacp_agg_has_partner(p->agg) || (p->partner.state & LACP_STATE_COLLECTING);
}

uint32_t lacp_agg_port_prio(const struct bond *b, const struct lacp_agg *agg)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i < b->n_slaves; i++) {
		const struct lacp_port *p = lacp_port_of(b->slaves[i]);

		if (p->agg == agg && p->port_enabled)
			sum += p->slave->ad_actor_port_prio;
	}
	return sum;
}

/* ad_agg_selection_test: the better of best and curr (ties keep best). */
static struct lacp_agg *agg_better(const struct bond *b, struct lacp_agg *best,
				   struct lacp_agg *curr)
{
	unsigned nb, nc;

	if (!best)
		return curr;
	if (!curr->individual && best->individual)
		return curr;
	if (curr->individual && !best->individual)
		return best;
	if (lacp_agg_has_partner(curr) && !lacp_agg_has_partner(best))
		return curr;
	if (!lacp_agg_has_partner(curr) && lacp_agg_has_partner(best))
		return best;
	if (b->params.ad_select == 3) {           /* actor_port_prio */
		uint32_t pb = lacp_agg_port_prio(b, best);
		uint32_t pc = lacp_agg_port_prio(b, curr);

		if (pc > pb)
			return curr;
		if (pc < pb)
			return best;
		/* equal: on as count */
	}
	if (b->params.ad_select == 2 || b->params.ad_select == 3) {  /* count */
		nb = lacp_agg_active_ports(b, best);
		nc = lacp_agg_active_ports(b, curr);
		if (nc > nb)
			return curr;
		if (nc < nb)
			return best;
	}
	return agg_bandwidth(b, curr) > agg_bandwidth(b, best) ? curr : best;
}

void lacp_agg_select(struct bond *b)
{
	struct lacp_agg *active = find_active(b), *best;

	best = active && agg_device_up(b, active) ? active : NULL;
	for (unsigned i = 0; i < b->n_slaves; i++) {
		struct lacp_agg *agg = lacp_own_agg(b->slaves[i]);

		agg->active = false;
		if (agg->n_ports && lacp_agg_active_ports(b, agg) && agg_device_up(b, agg))
			best = agg_better(b, best, agg);
	}

	/* stable: keep the old active aggregator while it has active ports
	 * and a partner (or neither it nor the best has one), unless it lost
	 * its key and the best has one. */
	if (best && b->params.ad_select == 0 && active &&
	    active->n_ports && lacp_agg_active_ports(b, active) &&
	    (lacp_agg_has_partner(active) || !lacp_agg_has_partner(best)) &&
	    !(!active->actor_key && best->actor_key)) {
		best = NULL;
		active->active = true;
	}
	if (best && best == active) {
		best = NULL;
		active->active = true;
	}
	if (best) {
		best->active = true;
		{
			char id[8];
			const char *const sel[] = { "stable", "bandwidth", "count",
						    "actor_port_prio" };

			snprintf(id, sizeof(id), "%u", best->id);
			bond_event(b, NULL, BOND_EV_AGGREGATOR, id,
				   "%s %u (ad_select %s)%s",
				   active ? "replaces aggregator" : "after aggregator",
				   active ? active->id : 0u,
				   b->params.ad_select < 4 ? sel[b->params.ad_select] : "?",
				   best->individual ? ", no partner: individual" : "");
		}
		if (best->individual)
			bond_log(b, NULL, LOG_WARN_,
				 "No 802.3ad response from the link partner for any adapters in the bond");
		if (active)
			for (unsigned i = 0; i < b->n_slaves; i++) {
				struct lacp_port *p = lacp_port_of(b->slaves[i]);

				if (p->agg == active)
					lacp_port_disable(p);
			}
	}

	/* A partnerless active aggregator: its ports carry traffic anyway,
	 * unless lacp_strict forbids traffic without a negotiation. */
	active = find_active(b);
	if (active && !lacp_agg_has_partner(active))
		for (unsigned i = 0; i < b->n_slaves; i++) {
			struct lacp_port *p = lacp_port_of(b->slaves[i]);

			if (p->agg != active)
				continue;
			if (b->params.lacp_strict)
				lacp_port_disable(p);
			else
				lacp_port_enable(p);
		}
}

/* The port's aggregator accepts it (ad_port_selection_logic's match). */
static bool agg_matches(const struct lacp_agg *agg, const struct lacp_port *p)
{
	return agg->actor_key == p->key &&
	       !memcmp(agg->partner_system, p->partner.system, 6) &&
	       agg->partner_sys_prio == p->partner.sys_prio &&
	       agg->partner_key == p->partner.key &&
	       lacp_agg_has_partner(agg) && !agg->individual;
}

static void detach(struct lacp_port *p)
{
	struct lacp_agg *old = p->agg;

	if (!old)
		return;
	p->agg = NULL;
	if (old->n_ports && !--old->n_ports)
		agg_clear(old);
}

void lacp_port_select(struct bond *b, struct lacp_port *p)
{
	struct lacp_agg *free_agg = NULL, *found = NULL;

	if (p->selected)
		return;
	detach(p);
	for (unsigned i = 0; i < b->n_slaves && !found; i++) {
		struct lacp_agg *agg = lacp_own_agg(b->slaves[i]);

		if (!agg->n_ports) {
			if (!free_agg)
				free_agg = agg;
		} else if (agg_matches(agg, p)) {
			found = agg;
		}
	}
	if (!found && free_agg) {
		found = free_agg;
		found->actor_key = p->key;
		found->partner_key = p->partner.key;
		found->partner_sys_prio = p->partner.sys_prio;
		memcpy(found->partner_system, p->partner.system, 6);
		found->individual = !(p->key & 1);
	}
	if (!found) {
		bond_log(b, p->slave, LOG_ERR_, "Port %u did not find a suitable aggregator",
			 p->number);
		return;
	}
	p->agg = found;
	found->n_ports++;
	p->selected = true;
	found->ready = lacp_agg_ready(b, found);
	lacp_agg_select(b);
	if (!found->active)
		p->actor_state &= (uint8_t)~LACP_STATE_SYNC;
}

void lacp_port_unbind(struct bond *b, struct lacp_port *p)
{
	struct lacp_agg *own = lacp_own_agg(p->slave);

	detach(p);
	p->selected = false;
	if (own->n_ports) {
		/* Other ports use the leaving slave's aggregator: move them
		 * with its state to a free aggregator of another slave. */
		struct lacp_agg *to = NULL;

		for (unsigned i = 0; i < b->n_slaves && !to; i++)
			if (b->slaves[i] != p->slave && !lacp_own_agg(b->slaves[i])->n_ports)
				to = lacp_own_agg(b->slaves[i]);
		for (unsigned i = 0; i < b->n_slaves; i++) {
			struct lacp_port *q = lacp_port_of(b->slaves[i]);

			if (q->agg != own)
				continue;
			q->agg = to;
			if (!to) {
				q->selected = false;
				lacp_port_disable(q);
			}
		}
		if (to) {
			uint16_t id = to->id;

			*to = *own;
			to->id = id;
		}
		agg_clear(own);
	}
	lacp_port_disable(p);
	lacp_agg_select(b);
}

/* The rule of agg_better() and the stable clause of lacp_agg_select() that
 * makes best win over other, in the order they are applied, for
 * `lacp explain`. Both are aggregators of b; best is usually the active
 * one. */
const char *lacp_agg_prefer_rule(const struct bond *b, const struct lacp_agg *best,
				 const struct lacp_agg *other)
{
	unsigned nb, no;
	uint64_t bwb, bwo;

	if (!other->n_ports || !lacp_agg_active_ports(b, other) || !agg_device_up(b, other))
		return "the other aggregator has no port with link up";
	if (other->individual && !best->individual)
		return "an aggregatable partner beats an individual one";
	if (!lacp_agg_has_partner(other) && lacp_agg_has_partner(best))
		return "an aggregator with a LACP partner beats one without";
	if (b->params.ad_select == 0 && best->active)
		return "stable: the active aggregator stays while it has ports up and a partner";
	if (b->params.ad_select == 3 &&
	    lacp_agg_port_prio(b, best) != lacp_agg_port_prio(b, other))
		return "actor_port_prio: a higher sum of actor port priorities over ports with link up";
	nb = lacp_agg_active_ports(b, best);
	no = lacp_agg_active_ports(b, other);
	if ((b->params.ad_select == 2 || b->params.ad_select == 3) && nb != no)
		return "count: more ports with link up";
	bwb = agg_bandwidth(b, best);
	bwo = agg_bandwidth(b, other);
	if (bwb != bwo)
		return "bandwidth: more bandwidth (ports up times speed)";
	return "a tie keeps the aggregator chosen first";
}

void lacp_port_prio_changed(struct bond *b)
{
	for (unsigned i = 0; i < b->n_slaves; i++)
		lacp_port_of(b->slaves[i])->ntt = true;
	if (b->params.ad_select != 3 || !b->admin_up || !b->n_slaves)
		return;
	lacp_agg_select(b);
	bond_refresh_roles(b);
	bond_update_usable(b);
	bond_update_carrier(b);
}
