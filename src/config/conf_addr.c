/* Addresses: parsing IPv4/IPv6 addresses, prefixes and netmasks,
 * printing them, subnet tests and address labels. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf_impl.h"

/* ---- addresses ------------------------------------------------------------ */

int conf_parse_ip(const char *s, int family, int *out_family, uint8_t out[16])
{
	uint8_t a[16] = { 0 };

	if ((family == AF_UNSPEC || family == AF_INET) && strchr(s, '.') && !strchr(s, ':') &&
	    inet_pton(AF_INET, s, a) == 1) {
		*out_family = AF_INET;
		memcpy(out, a, 16);
		return 0;
	}
	if ((family == AF_UNSPEC || family == AF_INET6) && strchr(s, ':') &&
	    inet_pton(AF_INET6, s, a) == 1) {
		*out_family = AF_INET6;
		memcpy(out, a, 16);
		return 0;
	}
	return -1;
}

int conf_parse_netmask(const char *s, int family)
{
	unsigned long v;
	uint8_t m[16];
	int f, len = 0;
	bool zero = false;

	if (conf_parse_uint(s, family == AF_INET6 ? 128 : 32, &v))
		return (int)v;
	if (family != AF_INET || conf_parse_ip(s, AF_INET, &f, m) < 0)
		return -1;
	for (int i = 0; i < 32; i++) {
		bool bit = m[i / 8] & (0x80 >> (i % 8));

		if (bit && zero)
			return -1;      /* not contiguous */
		if (bit)
			len++;
		else
			zero = true;
	}
	return len;
}

int conf_parse_cidr(const char *s, int *family, uint8_t addr[16], int *prefix,
		    struct err *err)
{
	const char *slash = strchr(s, '/');
	char ip[64];
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(ip)) {
		err_set(err, -EINVAL, "invalid address '%s'", s);
		return -1;
	}
	memcpy(ip, s, n);
	ip[n] = '\0';
	if (conf_parse_ip(ip, AF_UNSPEC, family, addr) < 0) {
		err_set(err, -EINVAL, "invalid address '%s'", ip);
		return -1;
	}
	*prefix = -1;
	if (slash) {
		*prefix = conf_parse_netmask(slash + 1, *family);
		if (*prefix < 0) {
			err_set(err, -EINVAL, "invalid prefix length '%s' in '%s'", slash + 1, s);
			return -1;
		}
	}
	return 0;
}

int conf_classful_prefix(const uint8_t a[4])
{
	if (a[0] < 128)
		return 8;
	if (a[0] < 192)
		return 16;
	return 24;
}

const char *conf_ip_str(int family, const uint8_t *a, char buf[64])
{
	if (!inet_ntop(family, a, buf, 64))
		snprintf(buf, 64, "?");
	return buf;
}

bool conf_same_subnet(int family, const uint8_t *a, const uint8_t *b, unsigned prefix)
{
	unsigned bits = family == AF_INET ? 32 : 128;

	if (prefix > bits)
		prefix = bits;
	for (unsigned i = 0; i < prefix; i++) {
		uint8_t mask = (uint8_t)(0x80 >> (i % 8));

		if ((a[i / 8] & mask) != (b[i / 8] & mask))
			return false;
	}
	return true;
}

int conf_addr_label_ok(const char *dev, const char *label, struct err *err)
{
	size_t n = strlen(dev);

	if (!*label)
		return 0;
	if (strlen(label) >= CONF_NAME_MAX) {
		err_set(err, -EINVAL, "label '%s' is longer than 15 characters", label);
		return -1;
	}
	if (strncmp(label, dev, n) || (label[n] && label[n] != ':')) {
		err_set(err, -EINVAL,
			"label '%s' does not belong to %s: a label is the interface name, or the name, ':' and a suffix (%s:1)",
			label, dev, dev);
		return -1;
	}
	for (const char *p = label; *p; p++)
		if (isspace((unsigned char)*p) || *p == '/' || !isprint((unsigned char)*p) ||
		    strchr(CONF_SYNTAX_CHARS, *p)) {
			err_set(err, -EINVAL, "invalid label '%s'", label);
			return -1;
		}
	return 0;
}

struct conf_addr *conf_push_addr(struct conf_addr **addrs, unsigned *n)
{
	return CONF_PUSH(*addrs, *n);
}
