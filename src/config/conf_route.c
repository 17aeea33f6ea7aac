/* Routes: the one parser of the words every format writes routes with
 * ("DST via GW dev DEV metric N", the ip-route syntax of bondd.conf's
 * "to =", the ifcfg route-IFACE files and "ip route add" in interfaces
 * files and boot scripts), and adding a parsed route or default gateway to
 * a configuration. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conf_impl.h"

const char *const conf_route_keywords[] = { "via", "dev", "metric", NULL };

int conf_route_words(char **w, int n, int i, struct conf_route_words *r, const char *what,
		     bool check_dev, const struct conf_loc *loc, struct conf_diag *d)
{
	for (; i < n; i += 2) {
		int f;

		if (i + 1 >= n) {
			conf_error(d, loc, "%s'%s' needs a value", what, w[i]);
			return -1;
		}
		if (!strcmp(w[i], "via")) {
			if (conf_parse_ip(w[i + 1], r->family, &f, r->via) < 0) {
				conf_error(d, loc, "invalid gateway address '%s'", w[i + 1]);
				return -1;
			}
			r->family = f;
			r->has_via = true;
		} else if (!strcmp(w[i], "dev")) {
			if (check_dev && !conf_ifname_ok(w[i + 1])) {
				conf_error(d, loc, "invalid interface name '%s'", w[i + 1]);
				return -1;
			}
			snprintf(r->dev, sizeof(r->dev), "%s", w[i + 1]);
		} else if (!strcmp(w[i], "metric")) {
			if (!conf_parse_uint(w[i + 1], UINT32_MAX, &r->metric)) {
				conf_error(d, loc, "invalid metric '%s'", w[i + 1]);
				return -1;
			}
			r->has_metric = true;
		} else {
			return i;
		}
	}
	return n;
}

void conf_set_gateway(struct conf *c, int family, const uint8_t addr[16], const char *dev,
		      const struct conf_loc *loc, struct conf_diag *d)
{
	struct conf_gateway *g = family == AF_INET ? &c->gw4 : &c->gw6;
	char a[64], b[64];

	if (g->set) {
		if (!memcmp(g->addr, addr, 16) &&
		    (!*g->dev || !*dev || !strcmp(g->dev, dev))) {
			if (!*g->dev)
				snprintf(g->dev, sizeof(g->dev), "%s", dev);
			return;
		}
		conf_error(d, loc, "a second default %s gateway %s%s%s%s: the first, %s%s%s%s, is at %s:%u; keep one",
			   family == AF_INET ? "IPv4" : "IPv6", conf_ip_str(family, addr, a),
			   *dev ? " (dev " : "", dev, *dev ? ")" : "",
			   conf_ip_str(family, g->addr, b), *g->dev ? " (dev " : "", g->dev,
			   *g->dev ? ")" : "", g->loc.file ? g->loc.file : "?", g->loc.line);
		return;
	}
	g->set = true;
	memcpy(g->addr, addr, 16);
	snprintf(g->dev, sizeof(g->dev), "%s", dev ? dev : "");
	if (loc)
		g->loc = *loc;
}

void conf_add_route(struct conf *c, struct conf_diag *d, int family, const uint8_t dst[16],
		    int prefix, const uint8_t *via, const char *dev, bool has_metric,
		    unsigned long metric, const struct conf_loc *loc)
{
	struct conf_route *r;

	if (prefix == 0) {
		if (!via)
			conf_error(d, loc, "a default route needs a gateway (via ADDRESS)");
		else
			conf_set_gateway(c, family, via, dev, loc, d);
		return;
	}
	r = CONF_PUSH(c->routes, c->n_routes);
	r->family = family;
	memcpy(r->dst, dst, 16);
	r->prefix = (uint8_t)prefix;
	r->has_via = via != NULL;
	if (via)
		memcpy(r->via, via, 16);
	snprintf(r->dev, sizeof(r->dev), "%s", dev ? dev : "");
	r->has_metric = has_metric;
	r->metric = (uint32_t)metric;
	r->loc = *loc;
}
