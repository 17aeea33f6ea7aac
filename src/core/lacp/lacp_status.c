/* 802.3ad's part of the status model (status.h): the "802.3ad info" facts
 * of the bond, its active aggregator, and each port's aggregator, churn
 * machines and actor/partner information, as /proc shows them (bond_procfs.c).
 * mode_8023ad's status_fill slot points here.
 */
#include <string.h>

#include "bond.h"
#include "opt.h"
#include "status.h"
#include "lacp.h"

static const char *vname(enum opt_id id, uint64_t v)
{
	const char *n = opt_value_name(id, v);

	return n ? n : "unknown";
}

static void fill_bond(const struct bond *b, struct status_ad *ad)
{
	const struct bond_params *pa = &b->params;
	const struct lacp_agg *agg;

	ad->lacp_active = vname(OPT_LACP_ACTIVE, pa->lacp_active);
	ad->lacp_rate = vname(OPT_LACP_RATE, pa->lacp_rate);
	ad->min_links = pa->min_links;
	ad->ad_select = vname(OPT_AD_SELECT, pa->ad_select);
	ad->sys_prio = lacp_sys_prio(b);
	memcpy(ad->system, lacp_system(b), 6);
	agg = lacp_active_agg(b);
	ad->has_active_agg = agg != NULL;
	if (!agg)
		return;
	ad->agg.id = agg->id;
	ad->agg.n_ports = lacp_agg_active_ports(b, agg);
	ad->agg.actor_key = agg->actor_key;
	ad->agg.partner_key = agg->partner_key;
	memcpy(ad->agg.partner_mac, agg->partner_system, 6);
}

static void fill_port(const struct bond *b, const struct slave *s,
		      struct status_ad_port *ap)
{
	const struct lacp_port *p = lacp_port_of(s);

	ap->has_agg = p->agg != NULL;
	ap->agg_id = p->agg ? p->agg->id : 0;
	ap->actor_churn = lacp_churn_state_names[p->actor_churn];
	ap->partner_churn = lacp_churn_state_names[p->partner_churn];
	ap->actor_churn_count = p->actor_churn_count;
	ap->partner_churn_count = p->partner_churn_count;

	ap->actor.sys_prio = lacp_sys_prio(b);
	memcpy(ap->actor.system, lacp_system(b), 6);
	ap->actor.key = p->key;
	ap->actor.port_prio = s->ad_actor_port_prio;
	ap->actor.port = p->number;
	ap->actor.state = p->actor_state;

	ap->partner.sys_prio = p->partner.sys_prio;
	memcpy(ap->partner.system, p->partner.system, 6);
	ap->partner.key = p->partner.key;
	ap->partner.port_prio = p->partner.port_prio;
	ap->partner.port = p->partner.port;
	ap->partner.state = p->partner.state;

	ap->lacpdu_rx = p->stats.lacpdu_rx;
	ap->lacpdu_tx = p->stats.lacpdu_tx;
	ap->lacpdu_illegal_rx = p->stats.lacpdu_illegal_rx;
	ap->lacpdu_unknown_rx = p->stats.lacpdu_unknown_rx;
	ap->marker_rx = p->stats.marker_rx;
	ap->marker_tx = p->stats.marker_tx;
	ap->marker_resp_rx = p->stats.marker_resp_rx;
	ap->marker_resp_tx = p->stats.marker_resp_tx;
}

void lacp_status_fill(const struct bond *b, struct bond_status *st)
{
	st->has_ad = true;
	fill_bond(b, &st->ad);
	for (unsigned i = 0; i < st->n_slaves; i++)
		fill_port(b, b->slaves[i], &st->slaves[i].ad);
}
