/* See mcast_proc.h. */
#include "mcast_proc.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *next_line(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? nl + 1 : NULL;
}

void mcast_parse_igmp(const char *text, int ifindex, struct mcast_groups *g)
{
	bool ours = false;

	/* The header line, then per device "IDX\tNAME : COUNT QUERIER" and
	 * its groups on lines that start with a tab. */
	for (const char *p = next_line(text); p && *p; p = next_line(p)) {
		unsigned word;

		if (*p != '\t') {
			const char *colon = strchr(p, ':');
			char querier[8] = "";
			int idx;

			/* "%-10s:": a long name touches the colon */
			ours = colon && sscanf(p, "%d", &idx) == 1 && idx == ifindex &&
			       sscanf(colon + 1, "%*d %7s", querier) == 1;
			if (ours)
				g->igmp_version = !strcmp(querier, "V1") ? 1 : !strcmp(querier, "V2") ? 2 : 3;
			continue;
		}
		if (!ours || g->n4 >= MCAST_MAX_GROUPS || sscanf(p, " %x", &word) != 1)
			continue;
		/* "%08X" of the network-order word as the host reads it */
		memcpy(g->v4[g->n4].addr, &word, 4);
		g->v4[g->n4].exclude = true;
		g->n4++;
	}
}

static bool hex16(const char *s, uint8_t out[16])
{
	for (int i = 0; i < 16; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return false;
		out[i] = (uint8_t)v;
	}
	return true;
}

void mcast_parse_igmp6(const char *text, int ifindex, struct mcast_groups *g)
{
	enum { MAF_NOREPORT = 0x08 };

	for (const char *p = text; p && *p; p = next_line(p)) {
		char addr[33];
		unsigned users, flags;
		int idx;

		if (sscanf(p, "%d %*s %32s %u %x", &idx, addr, &users, &flags) != 4 ||
		    idx != ifindex || strlen(addr) != 32 || (flags & MAF_NOREPORT))
			continue;
		if (g->n6 < MCAST_MAX_GROUPS && hex16(addr, g->v6[g->n6].addr)) {
			g->v6[g->n6].exclude = true;
			g->n6++;
		}
	}
}

/* Per group, the including and excluding sources seen so far. */
struct filt {
	unsigned n_inc, n_exc;
	uint8_t inc[MCAST_MAX_SOURCES][16], exc[MCAST_MAX_SOURCES][16];
};

static bool parse_filter_line(const char *p, bool v6, int *idx, uint8_t mca[16],
			      uint8_t src[16], unsigned long *inc, unsigned long *exc)
{
	memset(mca, 0, 16);
	memset(src, 0, 16);
	if (v6) {
		char a[33], s[33];

		return sscanf(p, "%d %*s %32s %32s %lu %lu", idx, a, s, inc, exc) == 5 &&
		       hex16(a, mca) && hex16(s, src);
	} else {
		unsigned a, s;
		uint32_t be;

		if (sscanf(p, "%d %*s %x %x %lu %lu", idx, &a, &s, inc, exc) != 5)
			return false;
		be = htonl(a);
		memcpy(mca, &be, 4);
		be = htonl(s);
		memcpy(src, &be, 4);
		return true;
	}
}

void mcast_parse_mcfilter(const char *text, int ifindex, bool v6, struct mcast_groups *g)
{
	struct mcast_group *groups = v6 ? g->v6 : g->v4;
	unsigned n = v6 ? g->n6 : g->n4;
	size_t alen = v6 ? 16 : 4;
	struct filt *f = calloc(MCAST_MAX_GROUPS, sizeof(*f));

	if (!f)
		return;
	for (const char *p = next_line(text); p && *p; p = next_line(p)) {
		uint8_t mca[16], src[16];
		unsigned long inc, exc;
		int idx;

		if (!parse_filter_line(p, v6, &idx, mca, src, &inc, &exc) || idx != ifindex)
			continue;
		for (unsigned i = 0; i < n; i++) {
			if (memcmp(groups[i].addr, mca, alen))
				continue;
			if (exc && !inc && f[i].n_exc < MCAST_MAX_SOURCES)
				memcpy(f[i].exc[f[i].n_exc++], src, 16);
			else if (inc && !exc && f[i].n_inc < MCAST_MAX_SOURCES)
				memcpy(f[i].inc[f[i].n_inc++], src, 16);
			break;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct mcast_group *m = &groups[i];

		if (f[i].n_exc) {
			m->exclude = true;
			m->n_src = f[i].n_exc;
			memcpy(m->src, f[i].exc, sizeof(m->src));
		} else if (f[i].n_inc) {
			m->exclude = false;
			m->n_src = f[i].n_inc;
			memcpy(m->src, f[i].inc, sizeof(m->src));
		}
	}
	free(f);
}

/* Reads a whole small file into a NUL-terminated heap buffer. */
static char *slurp(const char *path)
{
	size_t cap = 16384, len = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (!buf || fd < 0) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			char *nb = cap < (1u << 22) ? realloc(buf, cap * 2) : NULL;

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

static long read_long(const char *path, long dflt)
{
	char *s = slurp(path);
	long v = dflt;

	if (s && *s)
		v = strtol(s, NULL, 10);
	free(s);
	return v;
}

/* One family: its group list, then its source filters. */
static void read_family(bool v6, int ifindex, struct mcast_groups *g)
{
	char *t;

	if ((t = slurp(v6 ? "/proc/net/igmp6" : "/proc/net/igmp"))) {
		if (v6)
			mcast_parse_igmp6(t, ifindex, g);
		else
			mcast_parse_igmp(t, ifindex, g);
		free(t);
	}
	if ((t = slurp(v6 ? "/proc/net/mcfilter6" : "/proc/net/mcfilter"))) {
		mcast_parse_mcfilter(t, ifindex, v6, g);
		free(t);
	}
}

void mcast_read(int ifindex, const char *ifname, struct mcast_groups *g)
{
	char path[128];

	g->llm_reports = read_long("/proc/sys/net/ipv4/igmp_link_local_mcast_reports", 1) != 0;
	read_family(false, ifindex, g);
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	if (read_long(path, 1) != 0)
		return;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/force_mld_version", ifname);
	g->mld_version = read_long(path, 0) == 1 ? 1 : 2;
	read_family(true, ifindex, g);
}
