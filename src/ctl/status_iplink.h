/* The bond and bond_slave details of `ip -d link show`, from a bond's
 * status model: what iproute2 6.1 prints for a kernel bond (ip/iplink_bond.c,
 * ip/iplink_bond_slave.c) from the attributes the kernel's bond_netlink.c
 * fills in, in iproute2's order and spellings. */
#ifndef BONDD_CTL_STATUS_IPLINK_H
#define BONDD_CTL_STATUS_IPLINK_H

#include <stdbool.h>

#include "core/status.h"
#include "lib/util.h"

/* "mode active-backup active_slave eth0 miimon 100 ... tlb_dynamic_lb 1 ":
 * the words after "bond " on the link-kind line, each followed by a space
 * as iproute2 prints them. privileged=false leaves out what the kernel
 * gives only to CAP_NET_ADMIN (the 802.3ad actor settings). */
void status_iplink_bond(const struct bond_status *st, bool privileged,
			struct strbuf *out);
/* "state ACTIVE mii_status UP link_failure_count 0 perm_hwaddr ... ": the
 * words after "bond_slave " for slave i of st. */
void status_iplink_slave(const struct bond_status *st, unsigned i, bool privileged,
			 struct strbuf *out);

#endif
