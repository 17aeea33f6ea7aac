/* Fuzzes the rtnetlink message parser (src/linux/rtnl.c, rtnl_parse_msg:
 * the RTM_NEWLINK/DELLINK and RTM_NEWADDR/DELADDR messages of link and
 * address events and of the answers to RTM_GETLINK/RTM_GETADDR). The input
 * is a datagram as the kernel sends it: netlink messages back to back,
 * walked with rtnl_msg_ok/mnl_nlmsg_next as rtnl_read_events() and
 * rtnl_request() do.
 *
 * Invariants besides "no crash, no sanitizer report": every parsed name,
 * kind and label is NUL-terminated inside its array; an address has the
 * family it was parsed for (IPv4 or IPv6) and a broadcast only with IPv4. */
#include <libmnl/libmnl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "linux/rtnl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlmsghdr *m;
	void *buf;
	int len;

	if (size > 1 << 20)
		return 0;
	/* Its own allocation (aligned, like the receive buffer), so a read
	 * past the datagram is caught. */
	buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	len = (int)size;
	for (m = buf; rtnl_msg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
		struct rtnl_event ev;

		if (rtnl_parse_msg(m, &ev) < 0)
			continue;
		if (ev.type == RTNL_EV_NEWLINK || ev.type == RTNL_EV_DELLINK) {
			if (strnlen(ev.link.name, sizeof(ev.link.name)) >= sizeof(ev.link.name) ||
			    strnlen(ev.link.kind, sizeof(ev.link.kind)) >= sizeof(ev.link.kind))
				abort();
		} else {
			if ((ev.addr.family != AF_INET && ev.addr.family != AF_INET6) ||
			    strnlen(ev.addr.label, sizeof(ev.addr.label)) >= sizeof(ev.addr.label) ||
			    (ev.addr.has_broadcast && ev.addr.family != AF_INET))
				abort();
		}
	}
	free(buf);
	return 0;
}
