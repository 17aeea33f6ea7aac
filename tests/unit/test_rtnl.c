/* src/linux/rtnl.c without a socket: walking a datagram of netlink
 * messages (rtnl_msg_ok) and parsing link and address messages
 * (rtnl_parse_msg), malformed ones included (found by tests/fuzz). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "linux/rtnl.h"

static union {
	struct nlmsghdr h;
	uint8_t b[512];
} buf;

static struct nlmsghdr *newlink(const char *name)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	memset(&buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf.b);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 7;
	ifi->ifi_flags = 0x1;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MTU, 9000);
	return nlh;
}

static void walks_whole_messages_only(void **state)
{
	struct nlmsghdr *nlh = newlink("eth0");
	int len = (int)nlh->nlmsg_len;

	(void)state;
	assert_true(rtnl_msg_ok(nlh, len));
	assert_false(rtnl_msg_ok(nlh, len - 1));
	assert_false(rtnl_msg_ok(nlh, (int)sizeof(*nlh) - 1));
	nlh->nlmsg_len = sizeof(*nlh) - 1;
	assert_false(rtnl_msg_ok(nlh, len));
	/* 2^31 and more: negative as an int, which mnl_nlmsg_ok() of libmnl
	 * 1.0.4 let through (tests/fuzz/corpus/rtnl/regression-nlmsg-len-over-2g). */
	nlh->nlmsg_len = 0xdc000400u;
	assert_false(rtnl_msg_ok(nlh, len));
	nlh->nlmsg_len = 0x80000000u;
	assert_false(rtnl_msg_ok(nlh, len));
}

static void parses_a_link(void **state)
{
	struct rtnl_event ev;

	(void)state;
	assert_int_equal(rtnl_parse_msg(newlink("bond-with-a-long-name"), &ev), 0);
	assert_int_equal(ev.type, RTNL_EV_NEWLINK);
	assert_int_equal(ev.link.ifindex, 7);
	assert_int_equal(ev.link.mtu, 9000);
	/* Cut to the array, NUL-terminated. */
	assert_string_equal(ev.link.name, "bond-with-a-lon");
}

static void refuses_what_it_cannot_read(void **state)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	struct rtnl_event ev;

	(void)state;
	nlh = newlink("eth0");
	nlh->nlmsg_len = sizeof(*nlh) + 4;       /* shorter than ifinfomsg */
	assert_int_equal(rtnl_parse_msg(nlh, &ev), -EBADMSG);
	nlh->nlmsg_type = RTM_NEWROUTE;
	assert_int_equal(rtnl_parse_msg(nlh, &ev), -EOPNOTSUPP);

	memset(&buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf.b);
	nlh->nlmsg_type = RTM_NEWADDR;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_index = 3;
	/* An IPv4 address of 16 bytes. */
	mnl_attr_put(nlh, IFA_LOCAL, 16, "0123456789abcdef");
	assert_int_equal(rtnl_parse_msg(nlh, &ev), -EBADMSG);
	ifa->ifa_family = AF_PACKET;
	assert_int_equal(rtnl_parse_msg(nlh, &ev), -EAFNOSUPPORT);
	ifa->ifa_family = AF_INET6;
	assert_int_equal(rtnl_parse_msg(nlh, &ev), 0);
	assert_int_equal(ev.type, RTNL_EV_NEWADDR);
	assert_int_equal(ev.addr.family, AF_INET6);
	assert_memory_equal(ev.addr.addr, "0123456789abcdef", 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walks_whole_messages_only),
		cmocka_unit_test(parses_a_link),
		cmocka_unit_test(refuses_what_it_cannot_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
