/* rtnetlink through libmnl: reading and changing links, listening for link
 * and address events. No shelling out to ip(8). */
#ifndef BONDD_RTNL_H
#define BONDD_RTNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"

struct rtnl;

struct rtnl_link {
	int ifindex;
	char name[16];
	unsigned flags;          /* IFF_* (IFF_UP, IFF_RUNNING, IFF_LOWER_UP, IFF_PROMISC...) */
	unsigned mtu;
	uint8_t mac[6];
	uint8_t perm_mac[6];     /* IFLA_PERM_ADDRESS when present, else zero */
	bool has_perm_mac;
	int master;              /* IFLA_MASTER ifindex or 0 */
	unsigned promiscuity;    /* IFLA_PROMISCUITY */
	char kind[16];           /* IFLA_INFO_KIND ("veth", "tun", ...) or "" */
	uint8_t operstate;       /* IFLA_OPERSTATE */
	uint16_t type;           /* ARPHRD_* */
};

struct rtnl_addr {
	int ifindex;
	int family;              /* AF_INET / AF_INET6 */
	uint8_t addr[16];        /* 4 or 16 bytes used */
	uint8_t prefixlen;
	char label[16];          /* IFA_LABEL (IPv4) or "" */
	uint8_t broadcast[4];    /* IFA_BROADCAST (IPv4) when has_broadcast */
	bool has_broadcast;
};

enum rtnl_event_type { RTNL_EV_NEWLINK, RTNL_EV_DELLINK, RTNL_EV_NEWADDR, RTNL_EV_DELADDR };

struct rtnl_event {
	enum rtnl_event_type type;
	struct rtnl_link link;   /* for link events */
	struct rtnl_addr addr;   /* for address events */
};

/* A request socket, and (listen=true) a second socket subscribed to
 * RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR. */
struct rtnl *rtnl_open(bool listen, struct err *err);
void rtnl_close(struct rtnl *r);
/* The event socket's fd for epoll (-1 without listen). */
int rtnl_event_fd(const struct rtnl *r);
/* Sizes the event socket's receive buffer (SO_RCVBUFFORCE, else
 * SO_RCVBUF, which the kernel caps and doubles). rtnl_open() asks for
 * 1 MiB; a test shrinks it to provoke overruns. */
int rtnl_set_event_rcvbuf(struct rtnl *r, int bytes, struct err *err);
/* Reads every pending event, calling cb for each. Returns 0 or -errno;
 * any error means events may have been lost (-ENOBUFS: socket overrun,
 * -ENOSPC: a truncated message, anything else: a failed read): the caller
 * must re-read the state it tracks (links, addresses) and reconcile. */
int rtnl_read_events(struct rtnl *r, void (*cb)(const struct rtnl_event *, void *), void *arg);

/* Parses one RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR or RTM_DELADDR message
 * (whose nlmsg_len the caller has checked, as mnl_nlmsg_ok does) into *ev.
 * Returns 0, -EBADMSG (malformed), -EAFNOSUPPORT (an address family other
 * than IPv4/IPv6) or -EOPNOTSUPP (another message type). Pure: exposed for
 * the tests and the fuzzer. */
struct nlmsghdr;
int rtnl_parse_msg(const struct nlmsghdr *m, struct rtnl_event *ev);
/* mnl_nlmsg_ok() without its signed comparison: m is a whole message
 * within the len bytes left of a datagram. */
bool rtnl_msg_ok(const struct nlmsghdr *m, int len);

int rtnl_link_get(struct rtnl *r, const char *name, struct rtnl_link *out, struct err *err);
int rtnl_link_get_index(struct rtnl *r, int ifindex, struct rtnl_link *out, struct err *err);
/* Nothing is sent when the device has that address already (the kernel
 * would announce a change anyway, and flush its neighbours). */
int rtnl_link_set_mac(struct rtnl *r, int ifindex, const uint8_t mac[6], struct err *err);
int rtnl_link_set_mtu(struct rtnl *r, int ifindex, unsigned mtu, struct err *err);
/* Sets the IFF_* bits in mask to the values in flags (IFF_UP). */
int rtnl_link_set_flags(struct rtnl *r, int ifindex, unsigned flags, unsigned mask, struct err *err);
/* Every address of ifindex (family AF_UNSPEC for both). Returns count or -errno
 * (-ENOSPC with err set when there are more than max). */
int rtnl_addr_list(struct rtnl *r, int ifindex, struct rtnl_addr *out, unsigned max, struct err *err);
int rtnl_addr_add(struct rtnl *r, const struct rtnl_addr *a, struct err *err);
int rtnl_addr_del(struct rtnl *r, const struct rtnl_addr *a, struct err *err);

/* For the rest of the Linux layer (tc messages in hide.c): sends the
 * request in nlh (type, flags such as NLM_F_CREATE/NLM_F_DUMP and payload
 * filled in by the caller; NLM_F_REQUEST, NLM_F_ACK for non-dumps, seq and
 * portid are added here) and waits for the end of the answer. Every reply
 * message of the request goes to cb (may be NULL). Returns 0, or -errno with
 * err set to "<what>: <kernel extended-ack message or strerror>", where what
 * is formatted from fmt. */
struct nlmsghdr;
typedef void (*rtnl_reply_cb)(const struct nlmsghdr *nlh, void *arg);
int rtnl_request(struct rtnl *r, struct nlmsghdr *nlh, rtnl_reply_cb cb, void *arg,
		 struct err *err, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
