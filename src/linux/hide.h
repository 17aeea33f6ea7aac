/* Keeping a slave's received frames away from the host stack while our
 * packet socket still sees them: a tc clsact qdisc with an ingress cls_bpf
 * filter whose classic BPF program only returns TC_ACT_SHOT, installed over
 * rtnetlink. It runs after the ETH_P_ALL taps, so AF_PACKET sees every frame
 * but IP/ARP never do (no double ARP replies, no duplicate TCP segments). */
#ifndef BONDD_HIDE_H
#define BONDD_HIDE_H

#include <stdbool.h>

#include "lib/util.h"
#include "rtnl.h"

struct hide_state {
	bool created_qdisc;  /* we added clsact (remove it on unhide) */
	bool installed;
};

/* What a device carries now: a qdisc at the clsact/ingress handle, our
 * hiding filter (handle 0xb0dd), and how many filters it has in all. */
struct hide_probe {
	bool has_clsact;
	bool has_ours;
	unsigned n_filters;      /* ingress + egress, ours included */
};
int hide_probe(struct rtnl *r, int ifindex, struct hide_probe *out, struct err *err);
/* Removes a hiding filter nobody journalled (a bondd that died without a
 * journal), and the clsact qdisc too when no other filter is left on it. */
int hide_remove_leftover(struct rtnl *r, int ifindex, bool *removed_qdisc, struct err *err);

int hide_slave(struct rtnl *r, int ifindex, struct hide_state *st, struct err *err);
int unhide_slave(struct rtnl *r, int ifindex, struct hide_state *st, struct err *err);

#endif
