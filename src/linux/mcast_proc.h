/* The bond device's multicast memberships, read from the host stack's
 * /proc files (the daemon's network namespace), for resend_igmp:
 *
 *   /proc/net/igmp       groups per device ("%08X" of the network-order
 *                        word) and the IGMP version in use (Querier V1/V2/V3)
 *   /proc/net/mcfilter   source filters ("0x%08x" host order, INC/EXC counts)
 *   /proc/net/igmp6      IPv6 groups (32 hex digits) and flags; 0x08 is
 *                        MAF_NOREPORT (ff02::1, interface-local scope)
 *   /proc/net/mcfilter6  IPv6 source filters
 *
 * Devices are matched by ifindex (the files cut names to 6 characters).
 * A group with any excluding source is in EXCLUDE mode with those sources;
 * one with only including sources is in INCLUDE mode; one without any is an
 * any-source join (EXCLUDE, no sources). The parsers are pure, for tests. */
#ifndef BONDD_MCAST_PROC_H
#define BONDD_MCAST_PROC_H

#include "core/mcast_rejoin.h"

void mcast_parse_igmp(const char *text, int ifindex, struct mcast_groups *g);
void mcast_parse_igmp6(const char *text, int ifindex, struct mcast_groups *g);
/* After the group lists: v6 false for /proc/net/mcfilter, true for mcfilter6. */
void mcast_parse_mcfilter(const char *text, int ifindex, bool v6, struct mcast_groups *g);

/* Fills g (zeroed by the caller) for the device; also reads
 * net.ipv4.igmp_link_local_mcast_reports and the device's disable_ipv6 and
 * force_mld_version (MLDv1 when forced to 1: the "v1 querier seen" state
 * is not visible from userspace). */
void mcast_read(int ifindex, const char *ifname, struct mcast_groups *g);

#endif
