/* Static routes through rtnetlink: one request per route, acknowledged. */
#include "rtnl_route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#define ROUTE_TXBUF 512

static const char *route_fmt(const struct rtnl_route *rt, char *buf, size_t size)
{
	char dst[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN], dev[IF_NAMESIZE] = "";
	size_t n;

	if (!rt->dst_len)
		snprintf(dst, sizeof(dst), "default");
	else if (!inet_ntop(rt->family, rt->dst, dst, sizeof(dst)))
		snprintf(dst, sizeof(dst), "?");
	n = (size_t)snprintf(buf, size, "%s", dst);
	if (rt->dst_len && n < size)
		n += (size_t)snprintf(buf + n, size - n, "/%u", rt->dst_len);
	if (rt->has_gw && n < size && inet_ntop(rt->family, rt->gw, gw, sizeof(gw)))
		n += (size_t)snprintf(buf + n, size - n, " via %s", gw);
	if (rt->oif > 0 && n < size) {
		if (!if_indextoname((unsigned)rt->oif, dev))
			snprintf(dev, sizeof(dev), "#%d", rt->oif);
		n += (size_t)snprintf(buf + n, size - n, " dev %s", dev);
	}
	if (rt->has_metric && n < size)
		snprintf(buf + n, size - n, " metric %u", rt->metric);
	return buf;
}

static int route_change(struct rtnl *r, const struct rtnl_route *rt, bool add,
			struct err *err)
{
	char buf[ROUTE_TXBUF] = { 0 }, what[160];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t alen = rt->family == AF_INET ? 4 : 16;
	struct rtmsg *rtm;

	if ((rt->family != AF_INET && rt->family != AF_INET6) || rt->dst_len > alen * 8 ||
	    (!rt->has_gw && rt->oif <= 0)) {
		err_set(err, -EINVAL, "invalid route (family %d, prefix length %u)", rt->family,
			rt->dst_len);
		return -EINVAL;
	}
	nlh->nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	nlh->nlmsg_flags = add ? NLM_F_CREATE | NLM_F_EXCL : 0;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)rt->family;
	rtm->rtm_dst_len = rt->dst_len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = add ? RTPROT_BOOT : 0;    /* what "ip route add" uses */
	rtm->rtm_scope = add ? (rt->has_gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK) : RT_SCOPE_NOWHERE;
	rtm->rtm_type = add ? RTN_UNICAST : 0;
	if (rt->dst_len)
		mnl_attr_put(nlh, RTA_DST, alen, rt->dst);
	if (rt->has_gw)
		mnl_attr_put(nlh, RTA_GATEWAY, alen, rt->gw);
	if (rt->oif > 0)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)rt->oif);
	if (rt->has_metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, rt->metric);
	return rtnl_request(r, nlh, NULL, NULL, err, "cannot %s route %s", add ? "add" : "delete",
			    route_fmt(rt, what, sizeof(what)));
}

int rtnl_route_add(struct rtnl *r, const struct rtnl_route *rt, struct err *err)
{
	return route_change(r, rt, true, err);
}

int rtnl_route_del(struct rtnl *r, const struct rtnl_route *rt, struct err *err)
{
	return route_change(r, rt, false, err);
}
