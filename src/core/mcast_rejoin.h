/* resend_igmp: membership reports after a failover.
 *
 * When the active slave changes (as the mode's igmp_rejoin says: modes 1,
 * 5, 6 on a new active slave; balance-rr, whose IGMP leaves on its
 * "active" slave, on any change), the kernel bond asks the host stack to
 * report its multicast memberships again (NETDEV_RESEND_IGMP), resend_igmp
 * times: once right away, then every 200 ms, so that switches doing IGMP/MLD
 * snooping learn the new port at once instead of at the next query.
 *
 * A TAP bond has no such hook into the host stack, so the engine sends the
 * reports itself, the way the stack would on that event: it asks the I/O
 * layer for the bond device's memberships (engine_ops.mcast_groups) and
 * builds, per IPv4 group, one IGMPv1/v2 report or one IGMPv3 report with a
 * MODE_IS_INCLUDE/EXCLUDE record (ip_mc_rejoin_groups), and for IPv6 one MLDv1
 * report per group or MLDv2 reports holding every group's record
 * (mld_resend_report). They leave through the mode's transmit path.
 *
 * The kernel's 8021q passes the event on to the VLAN devices on the bond,
 * so each VLAN sub-interface's own memberships are reported too, tagged
 * with its VID, from its addresses (engine_ops.mcast_groups_vlan: the I/O
 * layer's view of that device; without it only the bond's are resent). */
#ifndef BONDD_MCAST_REJOIN_H
#define BONDD_MCAST_REJOIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bond_types.h"

#define MCAST_MAX_GROUPS  64
#define MCAST_MAX_SOURCES 16
#define MCAST_RESEND_INTERVAL_MS 200

struct mcast_group {
	uint8_t addr[16];           /* IPv4 groups use the first 4 bytes */
	bool exclude;               /* filter mode (ASM joins: exclude, no sources) */
	unsigned n_src;
	uint8_t src[MCAST_MAX_SOURCES][16];
};

/* The bond device's memberships, as the host stack holds them. */
struct mcast_groups {
	unsigned igmp_version;      /* 1, 2 or 3 (the querier version seen); 0: no IPv4 */
	unsigned mld_version;       /* 1 or 2; 0: IPv6 off on the device */
	bool llm_reports;           /* net.ipv4.igmp_link_local_mcast_reports */
	unsigned n4, n6;
	struct mcast_group v4[MCAST_MAX_GROUPS];
	struct mcast_group v6[MCAST_MAX_GROUPS];
};

/* Called by bond_change_active(): arms the resend when the kernel would. */
void mcast_rejoin_arm(struct bond *b, struct slave *new_active, uint64_t now_ms);
/* From engine_tick(): sends what is due; returns the next deadline. */
uint64_t mcast_rejoin_tick(struct bond *b, uint64_t now_ms);

/* Frame builders (exposed for tests). buf holds at least cap bytes; each
 * returns the frame length, 0 if it does not fit. src_be: the bond's
 * primary IPv4 address (0.0.0.0 when it has none). */
size_t build_igmp_report(uint8_t *buf, size_t cap, const uint8_t mac[6], uint32_t src_be,
			 const struct mcast_group *g, unsigned version);
size_t build_mld1_report(uint8_t *buf, size_t cap, const uint8_t mac[6],
			 const uint8_t src[16], const uint8_t group[16]);
/* MLDv2: records for groups[first..] until the frame (at most mtu bytes of
 * IPv6 packet) is full; *used tells how many groups went in. */
size_t build_mld2_report(uint8_t *buf, size_t cap, unsigned mtu, const uint8_t mac[6],
			 const uint8_t src[16], const struct mcast_group *groups, unsigned n,
			 unsigned *used);

#endif
