/* The transmit machine (802.1AX 6.4.16) with the kernel's rate limit: a
 * port's tx timer free-runs on a grid of LACP_TX_GRID ticks (3 LACPDUs a
 * second at most), and a pending NTT is served at the next grid tick, as in
 * Linux 6.1 (bond_3ad.c). Also the one-off sends: the last LACPDU of a port
 * that leaves the bond, and Marker responses.
 *
 * Left out: the 2025 kernels' "send at once when the timer is idle".
 */
#include <string.h>

#include "lacp.h"
#include "mode.h"

void lacp_tx_send(struct bond *b, struct lacp_port *p, uint8_t actor_state)
{
	struct lacpdu pdu;
	uint8_t frame[LACP_FRAME_LEN];

	memset(&pdu, 0, sizeof(pdu));
	pdu.version = 1;
	lacp_actor_info(b, p, &pdu.actor);
	pdu.actor.state = actor_state;
	pdu.partner = p->partner;
	pdu.collector_max_delay = 0;
	lacp_pdu_encode(&pdu, p->slave->perm_mac, frame);
	p->stats.lacpdu_tx++;
	lacp_bond_of(b)->stats.lacpdu_tx++;
	lacp_log_tx(b, p, &pdu);
	bond_tx_on(b, p->slave, frame, sizeof(frame), NULL);
}

void lacp_tx_run(struct bond *b, struct lacp_port *p)
{
	if (!p->tx_timer || --p->tx_timer)
		return;
	/* NTT && LACP_Enabled: transmit a LACPDU; NTT = FALSE */
	if (p->ntt && p->lacp_enabled) {
		lacp_tx_send(b, p, p->actor_state);
		p->ntt = false;
	}
	p->tx_timer = LACP_TX_GRID;
}

void lacp_marker_respond(struct bond *b, struct lacp_port *p,
			 const struct lacp_marker *m)
{
	struct lacp_marker r = *m;
	uint8_t frame[LACP_FRAME_LEN];

	r.tlv = LACP_MARKER_RESPONSE;
	lacp_marker_encode(&r, p->slave->perm_mac, frame);
	p->stats.marker_resp_tx++;
	lacp_bond_of(b)->stats.marker_resp_tx++;
	bond_tx_on(b, p->slave, frame, sizeof(frame), NULL);
}
