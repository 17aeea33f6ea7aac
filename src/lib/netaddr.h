/* "ADDR:PORT" as bondd's listening options take it (bondd --metrics,
 * [daemon] metrics): an IPv4 address, or an IPv6 one in brackets, then a
 * port 1-65535, all numeric (no names: nothing to look up at start). The
 * configuration checks the text with this, the Linux layer binds what it
 * gives. */
#ifndef BONDD_NETADDR_H
#define BONDD_NETADDR_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "util.h"

struct netaddr {
	struct sockaddr_storage ss;    /* sockaddr_in or sockaddr_in6 */
	socklen_t len;
};

/* Parses s into *out. Returns 0, or -EINVAL with a message in err that
 * says what is wrong ("'x': ..."), *out untouched. */
int netaddr_parse(const char *s, struct netaddr *out, struct err *err);

#endif
