/* The status model (core/status.c and the modes' fill functions) and its
 * two printers (ctl/status_text.c, ctl/status_json.c) against the golden
 * files of tests/golden/status/:
 *
 *   CASE.txt         /proc/net/bonding text, privileged reader; also the
 *                    unprivileged one unless CASE.unpriv.txt exists
 *                    (only 802.3ad has lines for privileged readers only)
 *   CASE.json        the JSON object, followed by one newline
 *
 * The header line is written "v@KERNEL@ (bondd @VERSION@)" in the goldens,
 * so that a version bump does not touch them. A case whose golden is
 * missing fails and prints what it got; with STATUS_GOLDEN_WRITE=1 in the
 * environment the missing file is written instead (review it, then commit).
 *
 * Bonds are built directly in memory (no engine), with the real mode tables
 * and their private state zeroed, or set by hand for 802.3ad and alb. The
 * setups are the kernel's /proc outputs (bond_procfs.c, checked on Linux
 * 6.1) with concrete MACs; the variants change exactly the lines named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "alb.h"
#include "bond.h"
#include "lacp/lacp.h"
#include "mode.h"
#include "status.h"
#include "ctl/status_json.h"
#include "ctl/status_text.h"

#ifndef GOLDEN_DIR
#error GOLDEN_DIR must name tests/golden/status
#endif

#define HDR_REAL "Ethernet Channel Bonding Driver: v" BONDD_KERNEL_COMPAT \
	" (bondd " BONDD_VERSION ")"
#define HDR_GOLDEN "Ethernet Channel Bonding Driver: v@KERNEL@ (bondd @VERSION@)"

struct fixture {
	struct bond b;
	struct slave s[4];
};

/* A bond of mode m as bond_procfs.c reads it: eth0.. enslaved in order,
 * all up at 10000 Mb/s full, miimon=100, every other option at its default;
 * in the modes with an active slave eth0 is active and the rest backups (AB)
 * or all active (tlb/alb), as the kernel sets the roles. */
static void fx_init(struct fixture *f, const struct mode_ops *m, unsigned n)
{
	static const char *const names[] = { "eth0", "eth1", "eth2", "eth3" };
	struct bond *b = &f->b;

	memset(f, 0, sizeof(*f));
	snprintf(b->name, sizeof(b->name), "bond0");
	b->mode = m;
	b->mode_priv = m->priv_size ? calloc(1, m->priv_size) : NULL;
	b->params.mode = m->number;
	b->params.miimon = 100;
	b->params.use_carrier = 1;
	b->params.missed_max = 2;
	b->params.ad_actor_sys_prio = 65535;
	b->params.num_peer_notif = 1;
	b->params.resend_igmp = 1;
	b->params.packets_per_slave = 1;
	b->params.lp_interval = 1;
	b->params.tlb_dynamic_lb = 1;
	b->params.coupled_control = 1;
	b->params.lacp_active = 1;
	b->params.tx_queues = 16;
	b->admin_up = true;
	b->carrier = n > 0;

	for (unsigned i = 0; i < n; i++) {
		struct slave *s = &f->s[i];
		const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xa1, 0xb2, (uint8_t)(0xc0 + i) };

		s->bond = b;
		s->mode_priv = m->slave_priv_size ? calloc(1, m->slave_priv_size) : NULL;
		snprintf(s->name, sizeof(s->name), "%s", names[i]);
		memcpy(s->perm_mac, mac, 6);
		memcpy(s->cur_mac, mac, 6);
		s->os = (struct link_info){ .running = true, .carrier = true,
					    .speed = 10000, .duplex = DUPLEX_FULL };
		s->speed = 10000;
		s->duplex = DUPLEX_FULL;
		s->link = SLAVE_LINK_UP;
		s->backup = m == &mode_ab && i > 0;
		s->inactive = s->backup;
		b->slaves[b->n_slaves++] = s;
	}
	if (n > 0 && bond_mode_uses_primary(m->number))
		b->active = &f->s[0];
}

static void fx_fini(struct fixture *f)
{
	for (unsigned i = 0; i < ARRAY_SIZE(f->s); i++)
		free(f->s[i].mode_priv);
	free(f->b.mode_priv);
}

static uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t bytes[4] = { a, b, c, d };
	uint32_t be;

	memcpy(&be, bytes, 4);  /* network byte order, as the params keep it */
	return be;
}

static void set_ip6(struct bond_params *p, unsigned i, const uint16_t w[8])
{
	for (unsigned k = 0; k < 8; k++) {
		p->ns_targets[i][2 * k] = (uint8_t)(w[k] >> 8);
		p->ns_targets[i][2 * k + 1] = (uint8_t)w[k];
	}
	if (p->n_ns_targets < i + 1)
		p->n_ns_targets = i + 1;
}

/* ---- the cases ------------------------------------------------------------ */

static void ab_default(struct fixture *f)
{
	fx_init(f, &mode_ab, 2);
}

static void ab_primary_better(struct fixture *f)
{
	fx_init(f, &mode_ab, 2);
	snprintf(f->b.params.primary, sizeof(f->b.params.primary), "eth1");
	f->b.params.primary_reselect = PRI_RESELECT_BETTER;
	f->b.active = &f->s[1];
	f->s[0].backup = true;
	f->s[1].backup = false;
}

/* A primary that names a device not enslaved (yet) is remembered but not in
 * effect: the kernel prints its primary_slave pointer, so "None" and no
 * primary_reselect suffix. */
static void ab_primary_not_enslaved(struct fixture *f)
{
	fx_init(f, &mode_ab, 2);
	snprintf(f->b.params.primary, sizeof(f->b.params.primary), "eth7");
	f->b.params.primary_reselect = PRI_RESELECT_FAILURE;
}

static void ab_fail_over_mac_active(struct fixture *f)
{
	fx_init(f, &mode_ab, 2);
	f->b.params.fail_over_mac = FOM_ACTIVE;
}

static void ab_fail_over_mac_follow(struct fixture *f)
{
	fx_init(f, &mode_ab, 1);
	f->b.params.fail_over_mac = FOM_FOLLOW;
}

/* fail_over_mac is only shown in active-backup, where it has an effect. */
static void rr_fail_over_mac_hidden(struct fixture *f)
{
	fx_init(f, &mode_rr, 2);
	f->b.params.fail_over_mac = FOM_FOLLOW;
}

/* Delays are stored as miimon ticks and shown as ticks * miimon. */
static void ab_delays_200(struct fixture *f)
{
	fx_init(f, &mode_ab, 2);
	f->b.params.updelay = 2;
	f->b.params.downdelay = 2;
	f->b.params.peer_notif_delay = 10;
}

static void ab_arp_two_targets(struct fixture *f)
{
	fx_init(f, &mode_ab, 2);
	f->b.params.miimon = 0;
	f->b.params.arp_interval = 100;
	f->b.params.arp_validate = 3;
	f->b.params.arp_targets[0] = ip4(10, 80, 0, 1);
	f->b.params.arp_targets[1] = ip4(10, 80, 0, 3);
	f->b.params.n_arp_targets = 2;
}

/* No target at all: both target lines end right after the colon. */
static void xor_arp_no_targets(struct fixture *f)
{
	fx_init(f, &mode_xor, 1);
	f->b.params.miimon = 0;
	f->b.params.arp_interval = 250;
	f->b.params.missed_max = 5;
}

/* %pI6c: the kernel's compressed form. Covers the first of two equal zero
 * runs, a single zero never compressed, a trailing run, v4-mapped and ISATAP
 * with a dotted tail, v4-compatible without one (where glibc's inet_ntop
 * would differ). */
static void ab_ns_targets_ipv6_forms(struct fixture *f)
{
	static const uint16_t t[][8] = {
		{ 0x2022, 0, 0, 0, 0, 0, 0, 1 },
		{ 0x2001, 0xdb8, 0, 1, 1, 1, 1, 1 },
		{ 0x2001, 0, 0, 1, 0, 0, 1, 1 },
		{ 1, 0, 0, 0, 0, 0, 0, 0 },
		{ 0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001 },
		{ 0xfe80, 0, 0, 0, 0, 0x5efe, 0x0a00, 0x0001 },
		{ 0xfe80, 0, 0, 0, 0x200, 0x5efe, 0xc000, 0x0201 },
		{ 0, 0, 0, 0, 0, 0, 0x0a00, 0x0001 },
		{ 0, 0, 0, 0, 0, 0, 0, 1 },
		{ 0xfe80, 0xabcd, 0x12, 0, 0, 0, 0, 0xf },
		{ 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff },
	};

	fx_init(f, &mode_ab, 0);
	f->b.params.miimon = 0;
	f->b.params.arp_interval = 1000;
	f->b.params.arp_targets[0] = ip4(192, 168, 1, 254);
	f->b.params.n_arp_targets = 1;
	for (unsigned i = 0; i < ARRAY_SIZE(t); i++)
		set_ip6(&f->b.params, i, t[i]);
}

/* Failover: the link-down slave keeps its last speed/duplex. */
static void ab_after_failover(struct fixture *f)
{
	fx_init(f, &mode_ab, 2);
	f->s[0].link = SLAVE_LINK_DOWN;
	f->s[0].os.carrier = false;
	f->s[0].link_failure_count = 1;
	f->s[0].backup = true;
	f->s[1].backup = false;
	f->b.active = &f->s[1];
}

/* The two transitional states of the MII monitor. */
static void ab_going_down_going_back(struct fixture *f)
{
	fx_init(f, &mode_ab, 2);
	f->b.params.updelay = 2;
	f->b.params.downdelay = 2;
	f->s[0].link = SLAVE_LINK_FAIL;
	f->s[0].delay = 1;
	f->s[1].link = SLAVE_LINK_BACK;
	f->s[1].delay = 2;
	f->s[1].link_failure_count = 3;
}

static void rr_unknown_speed_duplex(struct fixture *f)
{
	fx_init(f, &mode_rr, 3);
	f->s[0].speed = SPEED_UNKNOWN;
	f->s[0].duplex = DUPLEX_UNKNOWN;
	f->s[1].speed = 100;
	f->s[1].duplex = DUPLEX_HALF;
	f->s[2].speed = 0;
	f->s[2].queue_id = 3;
}

static void ab_no_slaves(struct fixture *f)
{
	fx_init(f, &mode_ab, 0);
}

static void rr_no_slaves_no_monitor(struct fixture *f)
{
	fx_init(f, &mode_rr, 0);
	f->b.params.miimon = 0;
}

/* Every slave down: bond carrier off. */
static void rr_carrier_down(struct fixture *f)
{
	fx_init(f, &mode_rr, 2);
	f->b.carrier = false;
	for (unsigned i = 0; i < 2; i++) {
		f->s[i].link = SLAVE_LINK_DOWN;
		f->s[i].os.carrier = false;
		f->s[i].link_failure_count = 1;
	}
}

static void xor_layer34(struct fixture *f)
{
	fx_init(f, &mode_xor, 2);
	f->b.params.xmit_policy = 1;
}

static void rr_default(struct fixture *f)
{
	fx_init(f, &mode_rr, 2);
	f->b.params.xmit_policy = 1;     /* set but unused in rr: no line */
}

static void broadcast_default(struct fixture *f)
{
	fx_init(f, &mode_bcast, 2);
}

static void tlb_dynamic_lb_0(struct fixture *f)
{
	fx_init(f, &mode_tlb, 2);
	f->b.params.tlb_dynamic_lb = 0;
}

static void tlb_dynamic_lb_1(struct fixture *f)
{
	fx_init(f, &mode_tlb, 2);
}

static void alb_primary(struct fixture *f)
{
	fx_init(f, &mode_alb, 2);
	snprintf(f->b.params.primary, sizeof(f->b.params.primary), "eth0");
	alb_priv(&f->b)->rlb_enabled = true;
}

/* balance-alb up and busy: transmit buckets spread by load, receive
 * clients on both slaves. /proc shows none of it; the JSON does. */
static void alb_tables(struct fixture *f)
{
	struct alb_priv *p;

	alb_primary(f);
	p = alb_priv(&f->b);
	p->open = true;
	for (unsigned k = 0; k < 5; k++)
		p->tx[k * 7].tx_slave = &f->s[k % 2];
	alb_slave(&f->s[0])->load = 3000;
	alb_slave(&f->s[1])->load = 1200;
	for (unsigned k = 0; k < 3; k++) {
		p->rx[k * 11].assigned = true;
		p->rx[k * 11].slave = &f->s[k ? 1 : 0];
	}
}

/* 802.3ad with a partner: both ports in the aggregator of eth0, active,
 * collecting and distributing, lacp_rate fast. */
static void ad_partnered(struct fixture *f)
{
	static const uint8_t bond_mac[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
	static const uint8_t peer[6] = { 0x02, 0, 0, 0, 0x02, 0x01 };
	struct lacp_agg *agg;

	fx_init(f, &mode_8023ad, 2);
	memcpy(f->b.mac, bond_mac, 6);
	f->b.params.lacp_rate = 1;
	agg = lacp_own_agg(&f->s[0]);
	agg->id = 1;
	agg->n_ports = 2;
	agg->active = true;
	agg->actor_key = 15;
	agg->partner_key = 15;
	agg->partner_sys_prio = 65535;
	memcpy(agg->partner_system, peer, 6);
	lacp_own_agg(&f->s[1])->id = 2;
	for (unsigned i = 0; i < 2; i++) {
		struct lacp_port *p = lacp_port_of(&f->s[i]);

		f->s[i].ad_actor_port_prio = 255;
		p->slave = &f->s[i];
		p->number = (uint16_t)(i + 1);
		p->agg = agg;
		p->key = 15;
		p->port_enabled = true;
		p->enabled = true;
		p->actor_state = 0x3f;
		p->partner = (struct lacp_info){ 65535, { 0x02, 0, 0, 0, 0x02, 0x01 },
						 15, 255, (uint16_t)(i + 1), 0x3f };
		p->actor_churn = p->partner_churn = LACP_CHURN_NONE;
	}
	lacp_port_of(&f->s[1])->partner_churn_count = 2;
}

/* 802.3ad alone: eth0 sits in its own aggregator, which is not active, and
 * eth1 is not attached yet ("N/A"); user port key and actor system set. */
static void ad_no_active_aggregator(struct fixture *f)
{
	static const uint8_t sys[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	struct lacp_port *p;

	fx_init(f, &mode_8023ad, 2);
	f->b.carrier = false;
	f->b.params.ad_actor_sys_prio = 100;
	memcpy(f->b.params.ad_actor_system, sys, 6);
	f->b.params.min_links = 1;
	f->b.params.xmit_policy = 2;
	lacp_own_agg(&f->s[0])->id = 1;
	lacp_own_agg(&f->s[1])->id = 2;
	p = lacp_port_of(&f->s[0]);
	p->slave = &f->s[0];
	p->agg = lacp_own_agg(&f->s[0]);
	p->key = 15;
	p->port_enabled = true;
	p->actor_state = 0x47;
	p->partner = (struct lacp_info){ 65535, { 0 }, 1, 255, 1, 0x02 };
	p->actor_churn = LACP_CHURN_CHURNED;
	p->partner_churn = LACP_CHURN_CHURNED;
	p->actor_churn_count = 1;
	p->partner_churn_count = 1;
	p->number = 1;
	f->s[0].ad_actor_port_prio = 255;
	p = lacp_port_of(&f->s[1]);
	p->slave = &f->s[1];
	p->number = 2;
}

/* Counters, prio, a slave MAC other than its own and unknown speed. */
static void json_ab(struct fixture *f)
{
	fx_init(f, &mode_ab, 2);
	snprintf(f->b.params.primary, sizeof(f->b.params.primary), "eth1");
	f->b.active = &f->s[1];
	f->s[0].backup = true;
	f->s[1].backup = false;
	f->s[0].link = SLAVE_LINK_DOWN;
	f->s[0].link_failure_count = 1;
	f->s[0].speed = SPEED_UNKNOWN;
	f->s[0].duplex = DUPLEX_UNKNOWN;
	memcpy(f->s[0].cur_mac, (const uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, 6);
	f->s[0].prio = -5;
	f->s[0].stats = (struct slave_stats){ .tx_packets = 10, .rx_packets = 20,
					      .tx_bytes = 1000, .rx_bytes = UINT64_MAX };
	f->s[1].queue_id = 2;
}

/* A bond name that needs escaping, no slaves. */
static void json_xor_escaped_name(struct fixture *f)
{
	fx_init(f, &mode_xor, 0);
	snprintf(f->b.name, sizeof(f->b.name), "b\"x");
	f->b.params.xmit_policy = 4;
}

#define G_TEXT 0x1      /* CASE.txt (and CASE.unpriv.txt if it exists) */
#define G_JSON 0x2      /* CASE.json */

static const struct gcase {
	const char *name;
	void (*setup)(struct fixture *f);
	unsigned what;
} cases[] = {
	{ "ab_default", ab_default, G_TEXT | G_JSON },
	{ "ab_primary_better", ab_primary_better, G_TEXT },
	{ "ab_primary_not_enslaved", ab_primary_not_enslaved, G_TEXT },
	{ "ab_fail_over_mac_active", ab_fail_over_mac_active, G_TEXT },
	{ "ab_fail_over_mac_follow", ab_fail_over_mac_follow, G_TEXT },
	{ "rr_fail_over_mac_hidden", rr_fail_over_mac_hidden, G_TEXT },
	{ "ab_delays_200", ab_delays_200, G_TEXT },
	{ "ab_arp_two_targets", ab_arp_two_targets, G_TEXT | G_JSON },
	{ "xor_arp_no_targets", xor_arp_no_targets, G_TEXT },
	{ "ab_ns_targets_ipv6_forms", ab_ns_targets_ipv6_forms, G_TEXT | G_JSON },
	{ "ab_after_failover", ab_after_failover, G_TEXT },
	{ "ab_going_down_going_back", ab_going_down_going_back, G_TEXT },
	{ "rr_unknown_speed_duplex", rr_unknown_speed_duplex, G_TEXT },
	{ "ab_no_slaves", ab_no_slaves, G_TEXT },
	{ "rr_no_slaves_no_monitor", rr_no_slaves_no_monitor, G_TEXT },
	{ "rr_carrier_down", rr_carrier_down, G_TEXT },
	{ "xor_layer34", xor_layer34, G_TEXT | G_JSON },
	{ "rr_default", rr_default, G_TEXT | G_JSON },
	{ "broadcast_default", broadcast_default, G_TEXT },
	{ "tlb_dynamic_lb_0", tlb_dynamic_lb_0, G_TEXT | G_JSON },
	{ "tlb_dynamic_lb_1", tlb_dynamic_lb_1, G_TEXT },
	{ "alb_primary", alb_primary, G_TEXT },
	{ "alb_tables", alb_tables, G_TEXT | G_JSON },
	{ "ad_partnered", ad_partnered, G_TEXT | G_JSON },
	{ "ad_no_active_aggregator", ad_no_active_aggregator, G_TEXT | G_JSON },
	{ "json_ab", json_ab, G_JSON },
	{ "json_xor_escaped_name", json_xor_escaped_name, G_JSON },
};

/* ---- golden files --------------------------------------------------------- */

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	struct strbuf sb;
	char buf[4096];
	size_t n;
	char *s;

	if (!f)
		return NULL;
	sb_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_printf(&sb, "%.*s", (int)n, buf);
	fclose(f);
	assert_false(sb.oom);
	s = strdup(sb_str(&sb));
	sb_free(&sb);
	return s;
}

/* text with every "from" replaced by "to" (newly allocated). */
static char *replace_all(const char *text, const char *from, const char *to)
{
	struct strbuf sb;
	const char *p;
	char *s;

	sb_init(&sb);
	while ((p = strstr(text, from)) != NULL) {
		sb_printf(&sb, "%.*s%s", (int)(p - text), text, to);
		text = p + strlen(from);
	}
	sb_puts(&sb, text);
	assert_false(sb.oom);
	s = strdup(sb_str(&sb));
	sb_free(&sb);
	return s;
}

static char *golden_path(const char *file)
{
	char *path;

	assert_true(asprintf(&path, "%s/%s", GOLDEN_DIR, file) > 0);
	return path;
}

/* Compares got with the golden file; on a mismatch prints both texts and
 * the first differing line, which is what one needs to fix a layout bug.
 * Returns false (after printing why) on a mismatch or a missing file. */
static bool check_golden(const char *file, const char *got)
{
	char *path = golden_path(file);
	char *raw = read_all(path);
	char *want;
	bool ok = true;

	if (!raw) {
		if (getenv("STATUS_GOLDEN_WRITE")) {
			char *text = replace_all(got, HDR_REAL, HDR_GOLDEN);
			FILE *f = fopen(path, "w");

			assert_non_null(f);
			fputs(text, f);
			assert_int_equal(fclose(f), 0);
			print_message("golden %s: written\n", path);
			free(text);
		} else {
			print_error("golden %s is missing (STATUS_GOLDEN_WRITE=1 writes it); "
				    "got:\n%s", path, got);
			ok = false;
		}
		free(path);
		return ok;
	}
	want = replace_all(raw, HDR_GOLDEN, HDR_REAL);
	if (strcmp(got, want) != 0) {
		size_t i = 0, line = 1;

		while (got[i] && got[i] == want[i]) {
			if (got[i] == '\n')
				line++;
			i++;
		}
		print_error("%s differs at byte %zu (line %zu)\n"
			    "---- got ----\n%s---- want ----\n%s---- end ----\n",
			    path, i, line, got, want);
		ok = false;
	}
	free(want);
	free(raw);
	free(path);
	return ok;
}

static bool golden_exists(const char *file)
{
	char *path = golden_path(file);
	FILE *f = fopen(path, "r");

	free(path);
	if (f)
		fclose(f);
	return f != NULL;
}

static bool check_case(const struct gcase *c)
{
	struct fixture f;
	struct bond_status st;
	struct strbuf sb;
	char file[128];
	bool ok = true;

	c->setup(&f);
	status_fill(&f.b, &st);
	sb_init(&sb);
	if (c->what & G_TEXT) {
		status_text_render(&st, true, &sb);
		assert_false(sb.oom);
		snprintf(file, sizeof(file), "%s.txt", c->name);
		ok &= check_golden(file, sb_str(&sb));

		/* The unprivileged text: its own golden when it differs. */
		sb_reset(&sb);
		status_text_render(&st, false, &sb);
		snprintf(file, sizeof(file), "%s.unpriv.txt", c->name);
		if (!golden_exists(file) && !st.has_ad)
			snprintf(file, sizeof(file), "%s.txt", c->name);
		ok &= check_golden(file, sb_str(&sb));
	}
	if (c->what & G_JSON) {
		sb_reset(&sb);
		status_json_render(&st, &sb);
		sb_puts(&sb, "\n");
		assert_false(sb.oom);
		snprintf(file, sizeof(file), "%s.json", c->name);
		ok &= check_golden(file, sb_str(&sb));
	}
	sb_free(&sb);
	status_free(&st);
	fx_fini(&f);
	return ok;
}

/* One cmocka test per case, named after it. */
static void test_case(void **state)
{
	assert_true(check_case(*state));
}

/* ---- properties no single golden shows ------------------------------------ */

static void test_xor_every_hash_name(void **state)
{
	static const char *const want[] = {
		"layer2 (0)", "layer3+4 (1)", "layer2+3 (2)", "encap2+3 (3)",
		"encap3+4 (4)", "vlan+srcmac (5)",
	};
	struct fixture f;
	struct strbuf sb;
	char line[64];

	(void)state;
	fx_init(&f, &mode_xor, 0);
	sb_init(&sb);
	for (unsigned i = 0; i < ARRAY_SIZE(want); i++) {
		f.b.params.xmit_policy = i;
		sb_reset(&sb);
		status_text(&f.b, true, &sb);
		snprintf(line, sizeof(line), "\nTransmit Hash Policy: %s\n", want[i]);
		assert_non_null(strstr(sb_str(&sb), line));
	}
	sb_free(&sb);
	fx_fini(&f);
}

/* Every option the table can read shows up in the JSON options object, in
 * table order, with opt_get's text. */
static void test_json_options_are_opt_get(void **state)
{
	struct fixture f;
	struct bond_status st;
	struct strbuf val;
	struct err err;
	unsigned k = 0;

	(void)state;
	ad_partnered(&f);
	status_fill(&f.b, &st);
	sb_init(&val);
	for (unsigned i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *d = &opt_table[i];

		if (!d->name || (d->flags & OPT_PER_SLAVE))
			continue;
		sb_reset(&val);
		if (opt_get(&f.b, d->name, &val, &err) != 0)
			continue;
		assert_true(k < st.n_opts);
		assert_string_equal(st.opts[k].name, d->name);
		assert_string_equal(status_opt_value(&st, k), sb_str(&val));
		k++;
	}
	assert_int_equal(k, st.n_opts);
	sb_free(&val);
	status_free(&st);
	fx_fini(&f);
}

/* Every file of the golden directory belongs to a case: a renamed or
 * dropped case must not leave a golden behind that nothing checks. */
static void test_no_orphan_golden(void **state)
{
	static const struct { const char *ext; unsigned what; } kinds[] = {
		{ ".unpriv.txt", G_TEXT }, { ".txt", G_TEXT }, { ".json", G_JSON },
	};
	DIR *dp = opendir(GOLDEN_DIR);
	struct dirent *de;

	(void)state;
	assert_non_null(dp);
	while ((de = readdir(dp)) != NULL) {
		size_t len = strlen(de->d_name);
		bool owned = false;

		if (de->d_name[0] == '.')
			continue;
		for (unsigned k = 0; k < ARRAY_SIZE(kinds) && !owned; k++) {
			size_t el = strlen(kinds[k].ext);

			if (len <= el || strcmp(de->d_name + len - el, kinds[k].ext))
				continue;
			for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
				if (strlen(cases[i].name) == len - el &&
				    !strncmp(cases[i].name, de->d_name, len - el) &&
				    (cases[i].what & kinds[k].what))
					owned = true;
		}
		if (!owned)
			print_error("golden %s/%s belongs to no case\n", GOLDEN_DIR, de->d_name);
		assert_true(owned);
	}
	closedir(dp);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(cases) + 3] = {
		cmocka_unit_test(test_xor_every_hash_name),
		cmocka_unit_test(test_json_options_are_opt_get),
		cmocka_unit_test(test_no_orphan_golden),
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
		tests[i + 3] = (struct CMUnitTest){ .name = cases[i].name,
						    .test_func = test_case,
						    .initial_state = (void *)&cases[i] };
	return _cmocka_run_group_tests("test_status", tests, ARRAY_SIZE(tests), NULL, NULL);
}
