/* rtnetlink through libmnl: links, addresses and events. */
#include "rtnl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

/* A dump message can be large (a link with many attributes); the kernel
 * sizes its dump chunks after our receive buffer, so 64 KiB is plenty. */
#define RTNL_RXBUF (64 * 1024)
#define RTNL_TXBUF 1024
#define RTNL_EV_SOCKBUF (1024 * 1024)
#define RTNL_DUMP_RETRIES 5
#define RTNL_TIMEOUT_S 10

struct rtnl {
	struct mnl_socket *req;
	struct mnl_socket *ev;
	unsigned portid;
	uint32_t seq;
	char rx[RTNL_RXBUF];
	/* The event socket's own buffer: an event callback may make requests,
	 * which reuse rx, while the event batch is still being walked. */
	char ev_rx[RTNL_RXBUF];
};

/* Interface name for messages, or "#<index>" when it has none. */
static const char *ifname_of(int ifindex, char buf[IF_NAMESIZE])
{
	if (ifindex <= 0 || !if_indextoname((unsigned)ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "#%d", ifindex);
	return buf;
}

/* ---- sockets --------------------------------------------------------- */

struct rtnl *rtnl_open(bool listen, struct err *err)
{
	struct rtnl *r = calloc(1, sizeof(*r));
	struct timeval tmo = { RTNL_TIMEOUT_S, 0 };
	int one = 1, bufsz = RTNL_EV_SOCKBUF;
	unsigned groups;

	if (!r) {
		err_set(err, -ENOMEM, "rtnetlink: out of memory");
		return NULL;
	}
	r->req = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!r->req) {
		err_set(err, -errno, "rtnetlink: cannot open socket: %s", strerror(errno));
		goto fail;
	}
	if (mnl_socket_bind(r->req, 0, MNL_SOCKET_AUTOPID) < 0) {
		err_set(err, -errno, "rtnetlink: cannot bind socket: %s", strerror(errno));
		goto fail;
	}
	r->portid = mnl_socket_get_portid(r->req);
	/* The kernel answers rtnetlink requests synchronously; the timeout
	 * only keeps a lost answer from hanging the daemon, so a socket
	 * without it is refused rather than risk a daemon stuck for good. */
	if (setsockopt(mnl_socket_get_fd(r->req), SOL_SOCKET, SO_RCVTIMEO, &tmo,
		       sizeof(tmo)) < 0) {
		err_set(err, -errno, "rtnetlink: cannot set a receive timeout (SO_RCVTIMEO): %s",
			strerror(errno));
		goto fail;
	}
	/* Kernel error strings (extended ack) and a short error message
	 * (no copy of our request); strict checking makes the kernel filter
	 * address dumps by ifindex. Older kernels simply lack them (the
	 * results are deliberately ignored): messages are then plainer,
	 * and rtnl_addr_list() filters by ifindex itself. */
	(void)mnl_socket_setsockopt(r->req, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(r->req, NETLINK_CAP_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(r->req, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	r->seq = 0;

	if (listen) {
		r->ev = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (!r->ev) {
			err_set(err, -errno, "rtnetlink: cannot open event socket: %s",
				strerror(errno));
			goto fail;
		}
		groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
		if (mnl_socket_bind(r->ev, groups, MNL_SOCKET_AUTOPID) < 0) {
			err_set(err, -errno, "rtnetlink: cannot subscribe to link/address events: %s",
				strerror(errno));
			goto fail;
		}
		/* A burst of events (many links changing at once) must not
		 * overrun the socket; fall back to the unprivileged limit.
		 * An overrun is survivable anyway (rtnl_read_events() says
		 * so and the daemon re-reads the links). */
		if (rtnl_set_event_rcvbuf(r, bufsz, err) < 0)
			goto fail;
	}
	return r;
fail:
	rtnl_close(r);
	return NULL;
}

void rtnl_close(struct rtnl *r)
{
	if (!r)
		return;
	if (r->req)
		mnl_socket_close(r->req);
	if (r->ev)
		mnl_socket_close(r->ev);
	free(r);
}

int rtnl_set_event_rcvbuf(struct rtnl *r, int bytes, struct err *err)
{
	int fd = rtnl_event_fd(r);

	if (fd < 0) {
		err_set(err, -EBADF, "rtnetlink: no event socket");
		return -EBADF;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) < 0) {
		err_set(err, -errno, "rtnetlink: cannot size the event socket's buffer to %d bytes: %s",
			bytes, strerror(errno));
		return -errno;
	}
	return 0;
}

int rtnl_event_fd(const struct rtnl *r)
{
	return r && r->ev ? mnl_socket_get_fd(r->ev) : -1;
}

bool rtnl_msg_ok(const struct nlmsghdr *m, int len)
{
	/* mnl_nlmsg_ok() (libmnl 1.0.4) compares (int)nlmsg_len with len: a
	 * length of 2^31 or more turns negative, passes, and sends
	 * mnl_nlmsg_next() far outside the buffer. Compare unsigned.
	 * mnl_attr_parse() walks the attributes up to the aligned end of
	 * the message, so that end must be inside the buffer too (the
	 * kernel pads every message to 4 bytes; an unpadded one is not
	 * from it). */
	return len >= (int)sizeof(*m) && m->nlmsg_len >= sizeof(*m) &&
	       m->nlmsg_len <= (unsigned)len && MNL_ALIGN(m->nlmsg_len) <= (unsigned)len;
}

/* ---- request / answer ------------------------------------------------ */

static int extack_cb(const struct nlattr *a, void *data)
{
	const char **msg = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		*msg = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

/* The extended-ack message string in an NLMSG_ERROR or NLMSG_DONE message
 * whose TLVs start at offset (relative to the payload), or NULL. */
static const char *extack_msg(const struct nlmsghdr *nlh, size_t offset)
{
	const char *msg = NULL;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (offset >= mnl_nlmsg_get_payload_len(nlh))
		return NULL;
	mnl_attr_parse(nlh, (unsigned)offset, extack_cb, &msg);
	return msg;
}

static void request_fail(struct err *err, int code, const char *kmsg,
			 const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
static void request_fail(struct err *err, int code, const char *kmsg,
			 const char *fmt, va_list ap)
{
	char what[256];

	vsnprintf(what, sizeof(what), fmt, ap);
	if (kmsg && *kmsg)
		err_set(err, code, "%s: %s (%s)", what, kmsg, strerror(-code));
	else
		err_set(err, code, "%s: %s", what, strerror(-code));
}

static int rtnl_vrequest(struct rtnl *r, struct nlmsghdr *nlh, rtnl_reply_cb cb, void *arg,
			 struct err *err, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
static int rtnl_vrequest(struct rtnl *r, struct nlmsghdr *nlh, rtnl_reply_cb cb, void *arg,
			 struct err *err, const char *fmt, va_list ap)
{
	/* NLM_F_DUMP shares bits with NLM_F_EXCL/NLM_F_REPLACE: it means a
	 * dump only on RTM_GET* requests (types 2 mod 4). */
	bool dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP &&
		    nlh->nlmsg_type >= RTM_BASE && (nlh->nlmsg_type & 3) == 2;
	bool done = false, intr = false;
	const char *kmsg = NULL;
	int code = 0;
	uint32_t seq;

	if (++r->seq == 0)
		r->seq = 1;
	seq = r->seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST | (dump ? 0 : NLM_F_ACK);
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 0;

	if (mnl_socket_sendto(r->req, nlh, nlh->nlmsg_len) < 0) {
		code = -errno;
		goto fail;
	}
	while (!done) {
		ssize_t n = mnl_socket_recvfrom(r->req, r->rx, sizeof(r->rx));
		const struct nlmsghdr *m = (const struct nlmsghdr *)r->rx;
		int len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			code = (errno == EAGAIN || errno == EWOULDBLOCK) ? -ETIMEDOUT : -errno;
			if (code == -ETIMEDOUT)
				kmsg = "no answer from the kernel";
			goto fail;
		}
		len = (int)n;
		for (; rtnl_msg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			/* Leftovers of an earlier request that gave up early. */
			if (m->nlmsg_seq != seq || (m->nlmsg_pid && m->nlmsg_pid != r->portid))
				continue;
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			if (m->nlmsg_type == NLMSG_NOOP)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);
				size_t off = sizeof(*e);

				if (m->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
					code = -EBADMSG;
					goto fail;
				}
				done = true;
				if (e->error == 0)
					break;
				code = e->error < 0 ? e->error : -e->error;
				if (!(m->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
				kmsg = extack_msg(m, off);
				goto fail;
			}
			if (m->nlmsg_type == NLMSG_DONE) {
				done = true;
				if (mnl_nlmsg_get_payload_len(m) >= sizeof(int)) {
					int e = *(const int *)mnl_nlmsg_get_payload(m);

					if (e < 0) {
						code = e;
						kmsg = extack_msg(m, sizeof(int));
						goto fail;
					}
				}
				break;
			}
			if (m->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			if (cb)
				cb(m, arg);
		}
	}
	if (intr) {
		code = -EINTR;
		kmsg = "dump interrupted by a concurrent change";
		goto fail;
	}
	return 0;
fail:
	request_fail(err, code, kmsg, fmt, ap);
	return code;
}

int rtnl_request(struct rtnl *r, struct nlmsghdr *nlh, rtnl_reply_cb cb, void *arg,
		 struct err *err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = rtnl_vrequest(r, nlh, cb, arg, err, fmt, ap);
	va_end(ap);
	return ret;
}

/* ---- parsing ---------------------------------------------------------- */

struct attr_tb {
	const struct nlattr **tb;
	unsigned max;
};

static int attr_tb_cb(const struct nlattr *a, void *data)
{
	struct attr_tb *t = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= t->max)
		t->tb[type] = a;
	return MNL_CB_OK;
}

static int attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return -1;
	*v = mnl_attr_get_u32(a);
	return 0;
}

static void attr_str(const struct nlattr *a, char *out, size_t size)
{
	size_t len;

	if (!a || mnl_attr_validate(a, MNL_TYPE_STRING) < 0)
		return;
	len = strnlen(mnl_attr_get_str(a), mnl_attr_get_payload_len(a));
	if (len >= size)
		len = size - 1;
	memcpy(out, mnl_attr_get_str(a), len);
	out[len] = '\0';
}

static int parse_link(const struct nlmsghdr *nlh, struct rtnl_link *out)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	const struct nlattr *info[IFLA_INFO_MAX + 1] = { 0 };
	struct attr_tb t = { tb, IFLA_MAX };
	const struct ifinfomsg *ifi;
	uint32_t v;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -EBADMSG;
	ifi = mnl_nlmsg_get_payload(nlh);
	memset(out, 0, sizeof(*out));
	out->ifindex = ifi->ifi_index;
	out->flags = ifi->ifi_flags;
	out->type = ifi->ifi_type;
	if (mnl_attr_parse(nlh, sizeof(*ifi), attr_tb_cb, &t) < 0)
		return -EBADMSG;

	attr_str(tb[IFLA_IFNAME], out->name, sizeof(out->name));
	if (attr_u32(tb[IFLA_MTU], &v) == 0)
		out->mtu = v;
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6)
		memcpy(out->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
	if (tb[IFLA_PERM_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_PERM_ADDRESS]) == 6) {
		memcpy(out->perm_mac, mnl_attr_get_payload(tb[IFLA_PERM_ADDRESS]), 6);
		out->has_perm_mac = !mac_is_zero(out->perm_mac);
		if (!out->has_perm_mac)
			memset(out->perm_mac, 0, 6);
	}
	if (attr_u32(tb[IFLA_MASTER], &v) == 0)
		out->master = (int)v;
	if (attr_u32(tb[IFLA_PROMISCUITY], &v) == 0)
		out->promiscuity = v;
	if (tb[IFLA_OPERSTATE] && mnl_attr_validate(tb[IFLA_OPERSTATE], MNL_TYPE_U8) == 0)
		out->operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
	if (tb[IFLA_LINKINFO] && mnl_attr_validate(tb[IFLA_LINKINFO], MNL_TYPE_NESTED) == 0) {
		struct attr_tb ti = { info, IFLA_INFO_MAX };

		if (mnl_attr_parse_nested(tb[IFLA_LINKINFO], attr_tb_cb, &ti) >= 0)
			attr_str(info[IFLA_INFO_KIND], out->kind, sizeof(out->kind));
	}
	return 0;
}

static int parse_addr(const struct nlmsghdr *nlh, struct rtnl_addr *out)
{
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	struct attr_tb t = { tb, IFA_MAX };
	const struct ifaddrmsg *ifa;
	const struct nlattr *a;
	size_t alen;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return -EBADMSG;
	ifa = mnl_nlmsg_get_payload(nlh);
	memset(out, 0, sizeof(*out));
	out->ifindex = (int)ifa->ifa_index;
	out->family = ifa->ifa_family;
	out->prefixlen = ifa->ifa_prefixlen;
	if (ifa->ifa_family == AF_INET)
		alen = 4;
	else if (ifa->ifa_family == AF_INET6)
		alen = 16;
	else
		return -EAFNOSUPPORT;
	if (mnl_attr_parse(nlh, sizeof(*ifa), attr_tb_cb, &t) < 0)
		return -EBADMSG;
	/* IFA_LOCAL is the address itself; IFA_ADDRESS is the peer on
	 * point-to-point links, and the only one for most IPv6 addresses. */
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || mnl_attr_get_payload_len(a) != alen)
		return -EBADMSG;
	memcpy(out->addr, mnl_attr_get_payload(a), alen);
	attr_str(tb[IFA_LABEL], out->label, sizeof(out->label));
	if (alen == 4 && tb[IFA_BROADCAST] && mnl_attr_get_payload_len(tb[IFA_BROADCAST]) == 4) {
		memcpy(out->broadcast, mnl_attr_get_payload(tb[IFA_BROADCAST]), 4);
		out->has_broadcast = true;
	}
	return 0;
}

int rtnl_parse_msg(const struct nlmsghdr *m, struct rtnl_event *ev)
{
	int ret;

	memset(ev, 0, sizeof(*ev));
	switch (m->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		ret = parse_link(m, &ev->link);
		ev->type = m->nlmsg_type == RTM_NEWLINK ? RTNL_EV_NEWLINK : RTNL_EV_DELLINK;
		return ret;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		ret = parse_addr(m, &ev->addr);
		ev->type = m->nlmsg_type == RTM_NEWADDR ? RTNL_EV_NEWADDR : RTNL_EV_DELADDR;
		return ret;
	default:
		return -EOPNOTSUPP;
	}
}

/* ---- events ----------------------------------------------------------- */

int rtnl_read_events(struct rtnl *r, void (*cb)(const struct rtnl_event *, void *), void *arg)
{
	int ret = 0;

	if (!r || !r->ev)
		return -EBADF;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(r->ev, r->ev_rx, sizeof(r->ev_rx));
		const struct nlmsghdr *m = (const struct nlmsghdr *)r->ev_rx;
		int len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return ret;
			/* ENOBUFS: the socket overran and the kernel dropped
			 * events; ENOSPC (libmnl): a message was truncated.
			 * Either way something was lost: keep reading what
			 * is left, and tell the caller to re-read the state. */
			if (errno == ENOBUFS || errno == ENOSPC) {
				ret = -errno;
				continue;
			}
			return -errno;
		}
		len = (int)n;
		for (; rtnl_msg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			struct rtnl_event ev;

			if (rtnl_parse_msg(m, &ev) < 0)
				continue;
			if (cb)
				cb(&ev, arg);
		}
	}
}

/* ---- links ------------------------------------------------------------ */

struct link_reply {
	struct rtnl_link *out;
	int found;
};

static void link_reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct link_reply *lr = arg;

	if (nlh->nlmsg_type == RTM_NEWLINK && !lr->found && parse_link(nlh, lr->out) == 0)
		lr->found = 1;
}

static struct nlmsghdr *link_msg(char *buf, uint16_t type, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nlh;
}

static int link_get(struct rtnl *r, const char *name, int ifindex, struct rtnl_link *out,
		    struct err *err)
{
	char buf[RTNL_TXBUF] = { 0 };
	char nbuf[IF_NAMESIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, name ? 0 : ifindex);
	struct link_reply lr = { out, 0 };
	int ret;

	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	if (name)
		ret = rtnl_request(r, nlh, link_reply_cb, &lr, err,
				   "%s: cannot read link (RTM_GETLINK)", name);
	else
		ret = rtnl_request(r, nlh, link_reply_cb, &lr, err,
				   "%s: cannot read link (RTM_GETLINK)", ifname_of(ifindex, nbuf));
	if (ret < 0)
		return ret;
	if (!lr.found) {
		err_set(err, -ENODEV, "%s: cannot read link: no answer from the kernel",
			name ? name : ifname_of(ifindex, nbuf));
		return -ENODEV;
	}
	return 0;
}

int rtnl_link_get(struct rtnl *r, const char *name, struct rtnl_link *out, struct err *err)
{
	if (!name || !*name || strlen(name) >= IFNAMSIZ) {
		err_set(err, -EINVAL, "invalid interface name \"%s\"", name ? name : "");
		return -EINVAL;
	}
	return link_get(r, name, 0, out, err);
}

int rtnl_link_get_index(struct rtnl *r, int ifindex, struct rtnl_link *out, struct err *err)
{
	if (ifindex <= 0) {
		err_set(err, -EINVAL, "invalid interface index %d", ifindex);
		return -EINVAL;
	}
	return link_get(r, NULL, ifindex, out, err);
}

int rtnl_link_set_mac(struct rtnl *r, int ifindex, const uint8_t mac[6], struct err *err)
{
	char buf[RTNL_TXBUF] = { 0 };
	char nbuf[IF_NAMESIZE], mbuf[18];
	struct nlmsghdr *nlh;
	struct rtnl_link now;

	/* The kernel announces even a change to the same address
	 * (NETDEV_CHANGEADDR), and the host flushes the device's neighbours
	 * on it: a bond taken over from an earlier bondd, whose devices
	 * already have the addresses the engine gives them, must not lose
	 * its ARP entries, nor the frames queued behind one. */
	if (rtnl_link_get_index(r, ifindex, &now, err) == 0 && !memcmp(now.mac, mac, 6))
		return 0;
	err_clear(err);
	nlh = link_msg(buf, RTM_SETLINK, ifindex);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	return rtnl_request(r, nlh, NULL, NULL, err, "%s: cannot set MAC address %s",
			    ifname_of(ifindex, nbuf), mac_fmt(mac, mbuf));
}

int rtnl_link_set_mtu(struct rtnl *r, int ifindex, unsigned mtu, struct err *err)
{
	char buf[RTNL_TXBUF] = { 0 };
	char nbuf[IF_NAMESIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_SETLINK, ifindex);

	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return rtnl_request(r, nlh, NULL, NULL, err, "%s: cannot set MTU %u",
			    ifname_of(ifindex, nbuf), mtu);
}

int rtnl_link_set_flags(struct rtnl *r, int ifindex, unsigned flags, unsigned mask,
			struct err *err)
{
	char buf[RTNL_TXBUF] = { 0 };
	char nbuf[IF_NAMESIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_SETLINK, ifindex);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	ifi->ifi_flags = flags & mask;
	ifi->ifi_change = mask;
	if (mask == IFF_UP)
		return rtnl_request(r, nlh, NULL, NULL, err, "%s: cannot set link %s",
				    ifname_of(ifindex, nbuf), (flags & IFF_UP) ? "up" : "down");
	return rtnl_request(r, nlh, NULL, NULL, err, "%s: cannot set link flags 0x%x/0x%x",
			    ifname_of(ifindex, nbuf), flags & mask, mask);
}

/* ---- addresses -------------------------------------------------------- */

struct addr_reply {
	int ifindex;
	struct rtnl_addr *out;
	unsigned max, n;
	bool overflow;
};

static void addr_reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct addr_reply *ar = arg;
	struct rtnl_addr a;

	if (nlh->nlmsg_type != RTM_NEWADDR || parse_addr(nlh, &a) < 0)
		return;
	if (ar->ifindex && a.ifindex != ar->ifindex)
		return;
	if (ar->n < ar->max)
		ar->out[ar->n++] = a;
	else
		ar->overflow = true;
}

int rtnl_addr_list(struct rtnl *r, int ifindex, struct rtnl_addr *out, unsigned max,
		   struct err *err)
{
	char nbuf[IF_NAMESIZE];
	int ret = -EINTR, i;

	for (i = 0; i < RTNL_DUMP_RETRIES && ret == -EINTR; i++) {
		char buf[RTNL_TXBUF] = { 0 };
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
		struct ifaddrmsg *ifa;
		struct addr_reply ar = { ifindex, out, max, 0, false };

		nlh->nlmsg_type = RTM_GETADDR;
		nlh->nlmsg_flags = NLM_F_DUMP;
		ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = AF_UNSPEC;
		ifa->ifa_index = (unsigned)ifindex;
		ret = rtnl_request(r, nlh, addr_reply_cb, &ar, err,
				   "%s: cannot list addresses (RTM_GETADDR)",
				   ifname_of(ifindex, nbuf));
		if (ret == 0 && ar.overflow) {
			err_set(err, -ENOSPC, "%s: more than %u addresses",
				ifname_of(ifindex, nbuf), max);
			return -ENOSPC;
		}
		if (ret == 0)
			return (int)ar.n;
	}
	return ret;
}

static int addr_len(const struct rtnl_addr *a)
{
	return a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : -1;
}

static const char *addr_fmt(const struct rtnl_addr *a, char *buf, size_t size)
{
	char ab[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family, a->addr, ab, sizeof(ab)))
		snprintf(ab, sizeof(ab), "?");
	snprintf(buf, size, "%s/%u", ab, a->prefixlen);
	return buf;
}

static int addr_change(struct rtnl *r, const struct rtnl_addr *a, bool add, struct err *err)
{
	char buf[RTNL_TXBUF] = { 0 };
	char nbuf[IF_NAMESIZE], abuf[INET6_ADDRSTRLEN + 8];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	int alen = addr_len(a);

	if (alen < 0 || a->prefixlen > alen * 8 || a->ifindex <= 0) {
		err_set(err, -EINVAL, "%s: invalid address (family %d, prefix length %u)",
			ifname_of(a->ifindex, nbuf), a->family, a->prefixlen);
		return -EINVAL;
	}
	nlh->nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	nlh->nlmsg_flags = add ? NLM_F_CREATE | NLM_F_EXCL : 0;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)a->family;
	ifa->ifa_prefixlen = a->prefixlen;
	ifa->ifa_index = (unsigned)a->ifindex;
	/* Like ip(8): loopback addresses get host scope, the rest universe. */
	ifa->ifa_scope = (add && a->family == AF_INET && a->addr[0] == 127) ? RT_SCOPE_HOST
									   : RT_SCOPE_UNIVERSE;
	mnl_attr_put(nlh, IFA_LOCAL, (size_t)alen, a->addr);
	if (add || a->family == AF_INET6)
		mnl_attr_put(nlh, IFA_ADDRESS, (size_t)alen, a->addr);
	if (a->family == AF_INET && a->label[0]) {
		if (strnlen(a->label, sizeof(a->label)) >= sizeof(a->label)) {
			err_set(err, -EINVAL, "%s: address label too long",
				ifname_of(a->ifindex, nbuf));
			return -EINVAL;
		}
		mnl_attr_put_strz(nlh, IFA_LABEL, a->label);
	}
	if (add && a->family == AF_INET && a->has_broadcast)
		mnl_attr_put(nlh, IFA_BROADCAST, 4, a->broadcast);
	return rtnl_request(r, nlh, NULL, NULL, err, "%s: cannot %s address %s%s%s",
			    ifname_of(a->ifindex, nbuf), add ? "add" : "delete",
			    addr_fmt(a, abuf, sizeof(abuf)), a->label[0] ? " label " : "",
			    a->label[0] ? a->label : "");
}

int rtnl_addr_add(struct rtnl *r, const struct rtnl_addr *a, struct err *err)
{
	return addr_change(r, a, true, err);
}

int rtnl_addr_del(struct rtnl *r, const struct rtnl_addr *a, struct err *err)
{
	return addr_change(r, a, false, err);
}
