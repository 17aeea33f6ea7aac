/* Static routes through rtnetlink (RTM_NEWROUTE / RTM_DELROUTE), main
 * table, as "ip route add/del" makes them. For the configuration's routes
 * and default gateways (src/linux/conf_apply.c). */
#ifndef BONDD_RTNL_ROUTE_H
#define BONDD_RTNL_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/util.h"
#include "rtnl.h"

struct rtnl_route {
	int family;             /* AF_INET / AF_INET6 */
	uint8_t dst[16];
	uint8_t dst_len;        /* 0 = default route */
	bool has_gw;
	uint8_t gw[16];
	int oif;                /* 0 = let the kernel pick from the gateway */
	bool has_metric;
	uint32_t metric;
};

/* Adds a route (an existing identical one is an error, -EEXIST). */
int rtnl_route_add(struct rtnl *r, const struct rtnl_route *rt, struct err *err);
/* Deletes it; -ESRCH when there is no such route. */
int rtnl_route_del(struct rtnl *r, const struct rtnl_route *rt, struct err *err);

#endif
