/* ADDR:PORT (netaddr.h). inet_pton() only: no resolver, no socket. */
#include "netaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define NETADDR_FORM "an IPv4 address and a port (192.0.2.1:9100), or an IPv6 " \
	"address in brackets and a port ([2001:db8::1]:9100)"

/* The port after the last ':': 1-65535, decimal digits only. */
static int parse_port(const char *p, unsigned *port)
{
	unsigned long v = 0;

	if (!*p || strlen(p) > 5)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*port = (unsigned)v;
	return 0;
}

int netaddr_parse(const char *s, struct netaddr *out, struct err *err)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *h = s;
	size_t hlen;
	unsigned port;
	struct netaddr na;

	memset(&na, 0, sizeof(na));
	if (!s || !*s) {
		err_set(err, -EINVAL, "'': empty; give " NETADDR_FORM);
		return -EINVAL;
	}
	if (*s == '[') {
		colon = strchr(s, ']');
		if (!colon || colon[1] != ':') {
			err_set(err, -EINVAL, "'%s': an IPv6 address in brackets must be "
				"followed by :PORT, as in [2001:db8::1]:9100", s);
			return -EINVAL;
		}
		h = s + 1;
		hlen = (size_t)(colon - h);
		colon++;
	} else {
		colon = strrchr(s, ':');
		if (!colon) {
			err_set(err, -EINVAL, "'%s': no port; give " NETADDR_FORM, s);
			return -EINVAL;
		}
		hlen = (size_t)(colon - s);
		if (memchr(s, ':', hlen)) {
			err_set(err, -EINVAL, "'%s': an IPv6 address goes in brackets, as in "
				"[2001:db8::1]:9100", s);
			return -EINVAL;
		}
	}
	if (parse_port(colon + 1, &port) < 0) {
		err_set(err, -EINVAL, "'%s': the port must be a number from 1 to 65535", s);
		return -EINVAL;
	}
	if (!hlen || hlen >= sizeof(host)) {
		err_set(err, -EINVAL, "'%s': no address before the port; give " NETADDR_FORM, s);
		return -EINVAL;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (*s == '[') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&na.ss;

		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1) {
			err_set(err, -EINVAL, "'%s': '%s' is not an IPv6 address", s, host);
			return -EINVAL;
		}
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		na.len = sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&na.ss;

		/* inet_pton, not inet_aton: "10.1" or "0x7f.1" are not addresses
		 * anyone means to listen on. */
		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) {
			err_set(err, -EINVAL, "'%s': '%s' is not an IPv4 address (names are "
				"not looked up)", s, host);
			return -EINVAL;
		}
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		na.len = sizeof(*a4);
	}
	*out = na;
	return 0;
}
