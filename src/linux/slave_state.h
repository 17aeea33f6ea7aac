/* Everything a slave device had before it was enslaved, so that release
 * and daemon exit give it back exactly as it was: MAC, MTU, IFF_UP,
 * IPv6 disable_ipv6 sysctl, and our tc hiding. (Promiscuity and multicast
 * memberships come from packet-socket memberships that vanish with the
 * socket, so they need no saving.) */
#ifndef BONDD_SLAVE_STATE_H
#define BONDD_SLAVE_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/util.h"
#include "hide.h"
#include "rtnl.h"

struct slave_saved {
	int ifindex;
	char name[16];
	uint8_t mac[6];
	unsigned mtu;
	bool was_up;
	int disable_ipv6;        /* -1 when the sysctl does not exist */
	struct hide_state hide;
};

/* Reads the current state of the device into saved. */
int slave_state_save(struct rtnl *r, const char *name, struct slave_saved *saved, struct err *err);
/* Puts everything back; logs (returns first error) but tries every step. */
int slave_state_restore(struct rtnl *r, struct slave_saved *saved, struct err *err);
/* disable_ipv6 sysctl helpers: get returns 0/1, or -1 if absent; set
 * returns 0 or -errno (-EINVAL for a name that is not a device name). */
int sysctl_disable_ipv6_get(const char *ifname);
int sysctl_disable_ipv6_set(const char *ifname, int value);

#endif
