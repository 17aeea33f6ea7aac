/* Fuzzes the /proc readers of the bond's multicast memberships
 * (src/linux/mcast_proc.c): /proc/net/igmp, /proc/net/mcfilter,
 * /proc/net/igmp6 and /proc/net/mcfilter6, in the order mcast_read() uses
 * them. The input is the four texts separated by 0xff bytes (never in
 * /proc text); the device is ifindex 3. Then every group read is built into
 * the reports resend_igmp would send (IGMPv1/2/3, MLDv1/2).
 *
 * Invariants besides "no crash, no sanitizer report": group and source
 * counts stay within their arrays, the IGMP version is 0..3, and every
 * report fits the buffer it was built in (the builders return at most the
 * capacity, MLDv2 at most the MTU plus the Ethernet header, and each MLDv2
 * report takes at least one group). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mcast_rejoin.h"
#include "linux/mcast_proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define IFINDEX 3

static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 };
static const uint8_t src6[16] = { 0xfe, 0x80, [15] = 1 };

static void reports(const struct mcast_groups *g)
{
	static uint8_t buf[1600];
	unsigned used;
	size_t len;

	for (unsigned i = 0; i < g->n4; i++)
		for (unsigned v = 1; v <= 3; v++)
			if (build_igmp_report(buf, sizeof(buf), mac, 0x0a0200c0, &g->v4[i], v) >
			    sizeof(buf))
				abort();
	for (unsigned i = 0; i < g->n6; i++)
		if (build_mld1_report(buf, sizeof(buf), mac, src6, g->v6[i].addr) > sizeof(buf))
			abort();
	for (unsigned first = 0; first < g->n6; first += used) {
		used = 0;
		len = build_mld2_report(buf, sizeof(buf), 1500, mac, src6, g->v6 + first,
					g->n6 - first, &used);
		if (len > 1514 || used == 0 || used > g->n6 - first)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mcast_groups g;
	char *text[4] = { NULL };
	size_t off = 0;

	for (int i = 0; i < 4; i++) {
		const uint8_t *end = off < size ? memchr(data + off, 0xff, size - off) : NULL;
		size_t len = off < size ? (end ? (size_t)(end - (data + off)) : size - off) : 0;

		text[i] = malloc(len + 1);
		if (!text[i])
			abort();
		if (len)
			memcpy(text[i], data + off, len);
		text[i][len] = '\0';
		off += len + 1;
	}
	memset(&g, 0, sizeof(g));
	mcast_parse_igmp(text[0], IFINDEX, &g);
	mcast_parse_mcfilter(text[1], IFINDEX, false, &g);
	mcast_parse_igmp6(text[2], IFINDEX, &g);
	mcast_parse_mcfilter(text[3], IFINDEX, true, &g);
	if (g.igmp_version > 3 || g.n4 > MCAST_MAX_GROUPS || g.n6 > MCAST_MAX_GROUPS)
		abort();
	for (unsigned i = 0; i < g.n4; i++)
		if (g.v4[i].n_src > MCAST_MAX_SOURCES)
			abort();
	for (unsigned i = 0; i < g.n6; i++)
		if (g.v6[i].n_src > MCAST_MAX_SOURCES)
			abort();
	reports(&g);
	for (int i = 0; i < 4; i++)
		free(text[i]);
	return 0;
}
