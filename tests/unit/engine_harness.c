#include "engine_harness.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/mcast_rejoin.h"
#include "core/opt.h"

static void h_tx_cb(void *ctx, struct slave *s, const uint8_t *frame, size_t len,
		    const void *meta)
{
	struct harness *h = ctx;

	if (h->ntx >= H_MAX_TX)
		return;
	h->tx[h->ntx].s = s;
	h->tx[h->ntx].len = len;
	memcpy(h->tx[h->ntx].frame, frame, len < 128 ? len : 128);
	h->ntx++;
}

static void h_deliver_cb(void *ctx, struct bond *b, const uint8_t *frame, size_t len,
			 const void *meta)
{
	struct harness *h = ctx;

	h->ndeliver++;
}

static void h_slave_mac_cb(void *ctx, struct slave *s, const uint8_t mac[6])
{
	((struct harness *)ctx)->slave_mac_sets++;
}

static void h_bond_mac_cb(void *ctx, struct bond *b, const uint8_t mac[6])
{
	((struct harness *)ctx)->bond_mac_sets++;
}

static void h_carrier_cb(void *ctx, struct bond *b, bool up)
{
	((struct harness *)ctx)->carrier_changes++;
}

static void h_log_cb(void *ctx, int level, const char *line)
{
	struct harness *h = ctx;

	if (getenv("H_VERBOSE"))
		fprintf(stderr, "[%llu] %s\n", (unsigned long long)h->now, line);
	if (h->nlogs < H_MAX_LOGS)
		snprintf(h->logs[h->nlogs++], sizeof(h->logs[0]), "%s", line);
}

static void h_event_cb(void *ctx, const struct bond_event *ev)
{
	struct harness *h = ctx;

	if (getenv("H_VERBOSE"))
		fprintf(stderr, "[%llu] event %s %s %s %s (%s)\n", (unsigned long long)h->now,
			ev->bond, ev->slave[0] ? ev->slave : "-", bond_event_name(ev->kind),
			ev->state, ev->reason);
	if (h->nevents < H_MAX_LOGS)
		snprintf(h->events[h->nevents++], sizeof(h->events[0]), "%s %s %s %s (%s)",
			 ev->bond, ev->slave[0] ? ev->slave : "-", bond_event_name(ev->kind),
			 ev->state, ev->reason);
}

int h_event(const struct harness *h, unsigned from, const char *needle)
{
	for (unsigned i = from; i < h->nevents; i++)
		if (strstr(h->events[i], needle))
			return (int)i;
	return -1;
}

static void h_mcast_cb(void *ctx, struct bond *b, struct mcast_groups *out)
{
	struct harness *h = ctx;

	h->mcast_asks++;
	if (h->mcast)
		*out = *h->mcast;
}

static void h_mcast_vlan_cb(void *ctx, struct bond *b, uint16_t vid,
			    struct mcast_groups *out)
{
	struct harness *h = ctx;

	h->mcast_vlan_asks++;
	if (h->mcast_vlan && vid == h->mcast_vid)
		*out = *h->mcast_vlan;
}

static const struct engine_ops h_ops = {
	.tx = h_tx_cb,
	.deliver = h_deliver_cb,
	.set_slave_mac = h_slave_mac_cb,
	.set_bond_mac = h_bond_mac_cb,
	.set_carrier = h_carrier_cb,
	.log = h_log_cb,
	.event = h_event_cb,
	.mcast_groups = h_mcast_cb,
	.mcast_groups_vlan = h_mcast_vlan_cb,
};

void h_init(struct harness *h)
{
	memset(h, 0, sizeof(*h));
	h->now = 1000;
	h->e = engine_new(&h_ops, h);
	assert_non_null(h->e);
	h->next_deadline = UINT64_MAX;
}

void h_fini(struct harness *h)
{
	engine_free(h->e);
}

static void h_tick(struct harness *h)
{
	h->next_deadline = engine_tick(h->e, h->now);
}

struct bond *h_bond(struct harness *h, const char *name, const char *opts)
{
	struct err err = { 0 };
	struct bond *b = engine_bond_new(h->e, name, &err);
	char buf[512], *names[32], *values[32], *tok, *save = NULL;
	unsigned n = 0;

	assert_non_null(b);
	snprintf(buf, sizeof(buf), "%s", opts ? opts : "");
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		names[n] = tok;
		values[n] = strtok_r(NULL, " ", &save);
		assert_non_null(values[n]);
		n++;
	}
	if (n && opt_set_many(b, n, (const char *const *)names,
			      (const char *const *)values, h->now, &err) != 0) {
		fprintf(stderr, "h_bond: %s\n", err.msg);
		fail();
	}
	bond_set_admin(b, true, h->now);
	h_tick(h);
	return b;
}

struct slave *h_enslave(struct harness *h, struct bond *b, const char *name, uint8_t n)
{
	struct err err = { 0 };
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, n };
	struct link_info li = { .running = true, .carrier = true, .speed = 10000,
				.duplex = DUPLEX_FULL };
	struct slave *s = bond_enslave(b, name, mac, &li, NULL, h->now, &err);

	if (!s)
		fprintf(stderr, "h_enslave: %s\n", err.msg);
	assert_non_null(s);
	h_tick(h);
	return s;
}

void h_carrier(struct harness *h, struct slave *s, bool on)
{
	struct link_info li = s->os;

	li.carrier = on;
	slave_link_event(s, &li, h->now);
	h_tick(h);
}

void h_advance(struct harness *h, uint64_t ms)
{
	uint64_t end = h->now + ms;

	while (h->next_deadline <= end) {
		if (h->next_deadline > h->now)
			h->now = h->next_deadline;
		h_tick(h);
	}
	h->now = end;
	h_tick(h);
}

void h_xmit(struct harness *h, struct bond *b, const uint8_t *frame, size_t len)
{
	bond_xmit(b, frame, len, NULL, h->now);
}

unsigned h_tx_count(const struct harness *h, const struct slave *s, unsigned from)
{
	unsigned n = 0;

	for (unsigned i = from; i < h->ntx; i++)
		if (h->tx[i].s == s)
			n++;
	return n;
}

bool h_logged(const struct harness *h, const char *needle)
{
	for (unsigned i = 0; i < h->nlogs; i++)
		if (strstr(h->logs[i], needle))
			return true;
	return false;
}

size_t h_udp_frame(uint8_t *buf, uint16_t sport)
{
	static const uint8_t hdr[] = {
		0x02, 0, 0, 0, 0, 0xaa, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
		0x45, 0, 0, 46, 0, 0, 0, 0, 64, 17, 0, 0,
		192, 0, 2, 1, 192, 0, 2, 10,
	};

	memset(buf, 0, 60);
	memcpy(buf, hdr, sizeof(hdr));
	buf[34] = (uint8_t)(sport >> 8);
	buf[35] = (uint8_t)sport;
	buf[37] = 80;
	return 60;
}
