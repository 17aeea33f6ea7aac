/* The metrics text (metrics_text.h): one table of families, written family
 * by family (a family's samples must stay together in both formats), each
 * with the samples of every bond, from the same status model `bondctl
 * show` and `bondctl stats` print. */
#include "metrics_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/engine.h"
#include "core/lacp/lacp.h"
#include "core/status.h"
#include "ctl_backend.h"

enum mtype { M_GAUGE, M_COUNTER, M_HISTOGRAM };

struct fam {
	const char *name;       /* a counter's without "_total" */
	enum mtype type;
	const char *unit;       /* OpenMetrics' # UNIT; NULL: none */
	const char *help;
};

struct mbond {
	struct bond_status st;
	struct ctl_bond_io io;
};

struct mctx {
	enum metrics_format f;
	struct strbuf *out;
	struct mbond *b;
	unsigned n;
};

/* ---- escaping ---------------------------------------------------------- */

/* Length of the UTF-8 sequence at p, 0 when it is not one (overlong forms,
 * surrogates and values past U+10FFFF included). */
static size_t utf8_seq(const unsigned char *p)
{
	unsigned c = p[0], n, v;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, v = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, v = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, v = c & 0x07;
	else
		return 0;
	for (unsigned i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))) ||
	    (n == 4 && (v < 0x10000 || v > 0x10ffff)))
		return 0;
	return n;
}

/* quote: also '"' (label values, and OpenMetrics' HELP). */
static void put_escaped(struct strbuf *out, const char *s, bool quote)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p) {
		if (*p == '\\') {
			sb_puts(out, "\\\\");
			p++;
		} else if (*p == '\n') {
			sb_puts(out, "\\n");
			p++;
		} else if (*p == '"' && quote) {
			sb_puts(out, "\\\"");
			p++;
		} else if ((n = utf8_seq(p)) == 0) {
			sb_puts(out, "\xef\xbf\xbd");      /* U+FFFD */
			p++;
		} else {
			sb_printf(out, "%.*s", (int)n, (const char *)p);
			p += n;
		}
	}
}

void metrics_label_value(struct strbuf *out, const char *s)
{
	put_escaped(out, s, true);
}

/* ---- negotiation --------------------------------------------------------- */

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* [p, end) without blanks around it equals s (case-insensitive). */
static bool span_is(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	p = skip_ws(p, end);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return (size_t)(end - p) == n && !strncasecmp(p, s, n);
}

/* One media range of an Accept header, [p, end): its q (0 when it is
 * not acceptable to us) and the format it stands for. */
static double media_range(const char *p, const char *end, enum metrics_format *fmt)
{
	const char *semi = memchr(p, ';', (size_t)(end - p));
	const char *type_end = semi ? semi : end;
	const char *version = NULL, *version_end = NULL;
	double q = 1.0;
	bool om;

	if (span_is(p, type_end, "application/openmetrics-text"))
		om = true;
	else if (span_is(p, type_end, "text/plain") || span_is(p, type_end, "text/*") ||
		 span_is(p, type_end, "*/*"))
		om = false;
	else
		return 0;
	while (semi) {
		const char *k = semi + 1, *eq, *v;

		semi = memchr(k, ';', (size_t)(end - k));
		type_end = semi ? semi : end;
		eq = memchr(k, '=', (size_t)(type_end - k));
		if (!eq)
			continue;
		v = skip_ws(eq + 1, type_end);
		if (span_is(k, eq, "q")) {
			char buf[16];
			size_t n = (size_t)(type_end - v);
			char *e;

			if (n >= sizeof(buf))
				return 0;
			memcpy(buf, v, n);
			buf[n] = '\0';
			q = strtod(buf, &e);
			while (*e == ' ' || *e == '\t')
				e++;
			if (e == buf || *e || q < 0 || q > 1)
				return 0;
		} else if (span_is(k, eq, "version")) {
			version = v;
			version_end = type_end;
		}
	}
	if (version && !span_is(version, version_end, om ? "1.0.0" : "0.0.4"))
		return 0;
	*fmt = om ? METRICS_OPENMETRICS : METRICS_TEXT;
	return q;
}

enum metrics_format metrics_negotiate(const char *accept)
{
	enum metrics_format best = METRICS_TEXT, f = METRICS_TEXT;
	double best_q = 0, q;
	const char *p = accept, *comma;

	if (!accept)
		return METRICS_TEXT;
	for (; *p; p = comma + 1) {
		comma = strchr(p, ',');
		if (!comma)
			comma = p + strlen(p);
		q = media_range(p, comma, &f);
		if (q > best_q) {
			best_q = q;
			best = f;
		}
		if (!*comma)
			break;
	}
	return best;
}

/* ---- writing ------------------------------------------------------------- */

static const char *type_word(enum mtype t)
{
	return t == M_COUNTER ? "counter" : t == M_HISTOGRAM ? "histogram" : "gauge";
}

static void fam_head(struct mctx *m, const struct fam *fm)
{
	struct strbuf *o = m->out;
	const char *total = fm->type == M_COUNTER ? "_total" : "";

	if (m->f == METRICS_OPENMETRICS) {
		/* OpenMetrics names the family without the "_total" of its
		 * samples, and escapes '"' in HELP too. */
		sb_printf(o, "# TYPE %s %s\n", fm->name, type_word(fm->type));
		if (fm->unit)
			sb_printf(o, "# UNIT %s %s\n", fm->name, fm->unit);
		sb_printf(o, "# HELP %s ", fm->name);
		put_escaped(o, fm->help, true);
	} else {
		sb_printf(o, "# HELP %s%s ", fm->name, total);
		put_escaped(o, fm->help, false);
		sb_printf(o, "\n# TYPE %s%s %s", fm->name, total, type_word(fm->type));
	}
	sb_puts(o, "\n");
}

/* name{master="B"[,slave="S"][,k="v"]} value */
static void sample(struct mctx *m, const struct fam *fm, const char *suffix,
		   const char *master, const char *slave, const char *k, const char *v,
		   unsigned long long value)
{
	struct strbuf *o = m->out;

	sb_printf(o, "%s%s{master=\"", fm->name, suffix);
	metrics_label_value(o, master);
	if (slave) {
		sb_puts(o, "\",slave=\"");
		metrics_label_value(o, slave);
	}
	if (k) {
		sb_printf(o, "\",%s=\"", k);
		metrics_label_value(o, v);
	}
	sb_printf(o, "\"} %llu\n", value);
}

static const char *count_suffix(const struct fam *fm)
{
	return fm->type == M_COUNTER ? "_total" : "";
}

/* ---- the families ---------------------------------------------------------- */

/* node_exporter's bonding collector: the same names, label and HELP. Its
 * "active" counts the slaves whose bonding_slave/mii_status reads "up"
 * (not the active slave): a slave going down or going back is not. */
static const struct fam fam_slaves = { "node_bonding_slaves", M_GAUGE, NULL,
	"Number of configured slaves per bonding interface." };
static const struct fam fam_active = { "node_bonding_active", M_GAUGE, NULL,
	"Number of active slaves per bonding interface." };

static const struct fam fam_carrier = { "bondd_bond_carrier", M_GAUGE, NULL,
	"1 when the bond device has carrier (the mode's rule: a usable slave, "
	"min_links for 802.3ad), else 0." };
static const struct fam fam_mode = { "bondd_bond_mode", M_GAUGE, NULL,
	"The bond's mode number (0 balance-rr ... 6 balance-alb); label mode: its name." };
static const struct fam fam_slave_up = { "bondd_slave_up", M_GAUGE, NULL,
	"1 when the bond counts the slave's link as up (MII Status: up), else 0 "
	"(down, going down, going back)." };
static const struct fam fam_active_slave = { "bondd_active_slave", M_GAUGE, NULL,
	"1 for the bond's active slave, 0 for its other slaves (all 0 in a mode "
	"without an active slave, or when none is active)." };
static const struct fam fam_fo = { "bondd_failover_seconds", M_HISTOGRAM, "seconds",
	"Failover time: from the carrier loss or monitor verdict to the first frame "
	"sent on the new active slave (packet data path) or the map write naming it (ebpf)." };

static uint64_t get_failures(const struct status_slave *s) { return s->link_failure_count; }
static uint64_t get_rx_frames(const struct status_slave *s) { return s->stats.rx_packets; }
static uint64_t get_rx_bytes(const struct status_slave *s) { return s->stats.rx_bytes; }
static uint64_t get_rx_drop(const struct status_slave *s) { return s->stats.rx_dropped; }
static uint64_t get_tx_frames(const struct status_slave *s) { return s->stats.tx_packets; }
static uint64_t get_tx_bytes(const struct status_slave *s) { return s->stats.tx_bytes; }
static uint64_t get_tx_drop(const struct status_slave *s) { return s->stats.tx_dropped; }
static uint64_t get_agg(const struct status_slave *s) { return s->ad.has_agg ? s->ad.agg_id : 0; }
static uint64_t get_actor(const struct status_slave *s) { return s->ad.actor.state; }
static uint64_t get_partner(const struct status_slave *s) { return s->ad.partner.state; }
static uint64_t get_pdu_rx(const struct status_slave *s) { return s->ad.lacpdu_rx; }
static uint64_t get_pdu_tx(const struct status_slave *s) { return s->ad.lacpdu_tx; }
static uint64_t get_pdu_bad(const struct status_slave *s) { return s->ad.lacpdu_illegal_rx; }
static uint64_t get_unknown(const struct status_slave *s) { return s->ad.lacpdu_unknown_rx; }
static uint64_t get_mk_rx(const struct status_slave *s) { return s->ad.marker_rx; }
static uint64_t get_mk_tx(const struct status_slave *s) { return s->ad.marker_tx; }
static uint64_t get_mr_rx(const struct status_slave *s) { return s->ad.marker_resp_rx; }
static uint64_t get_mr_tx(const struct status_slave *s) { return s->ad.marker_resp_tx; }
static uint64_t get_a_churn(const struct status_slave *s) { return s->ad.actor_churn_count; }
static uint64_t get_p_churn(const struct status_slave *s) { return s->ad.partner_churn_count; }

/* One sample per slave: {master, slave}. */
struct slave_fam {
	struct fam f;
	uint64_t (*get)(const struct status_slave *s);
};

static const struct slave_fam slave_fams[] = {
	{ { "bondd_slave_link_failures", M_COUNTER, NULL,
	    "Times the bond took the slave's link down (Link Failure Count)." }, get_failures },
	{ { "bondd_slave_rx_frames", M_COUNTER, NULL,
	    "Frames received on the slave." }, get_rx_frames },
	{ { "bondd_slave_rx_bytes", M_COUNTER, "bytes",
	    "Bytes received on the slave." }, get_rx_bytes },
	{ { "bondd_slave_rx_dropped_frames", M_COUNTER, NULL,
	    "Frames received on the slave and dropped by the mode's receive rule "
	    "(an inactive slave, an 802.3ad port not collecting)." }, get_rx_drop },
	{ { "bondd_slave_tx_frames", M_COUNTER, NULL,
	    "Frames sent on the slave." }, get_tx_frames },
	{ { "bondd_slave_tx_bytes", M_COUNTER, "bytes",
	    "Bytes sent on the slave." }, get_tx_bytes },
	{ { "bondd_slave_tx_dropped_frames", M_COUNTER, NULL,
	    "Frames the slave's queue refused." }, get_tx_drop },
};

/* 802.3ad bonds only. */
static const struct slave_fam lacp_fams[] = {
	{ { "bondd_lacp_aggregator_id", M_GAUGE, NULL,
	    "The aggregator the port is attached to (Aggregator ID), 0 when none." }, get_agg },
	{ { "bondd_lacp_actor_state", M_GAUGE, NULL,
	    "The port's actor state byte as sent in LACPDUs (/proc's port state): "
	    "1 activity, 2 timeout, 4 aggregation, 8 synchronization, 16 collecting, "
	    "32 distributing, 64 defaulted, 128 expired; see bondd_lacp_actor_state_bit." },
	  get_actor },
	{ { "bondd_lacp_partner_state", M_GAUGE, NULL,
	    "The partner's state byte as last heard (bits as bondd_lacp_actor_state)." },
	  get_partner },
	{ { "bondd_lacp_lacpdus_rx", M_COUNTER, NULL, "LACPDUs received on the port." },
	  get_pdu_rx },
	{ { "bondd_lacp_lacpdus_tx", M_COUNTER, NULL, "LACPDUs sent on the port." },
	  get_pdu_tx },
	{ { "bondd_lacp_lacpdus_malformed_rx", M_COUNTER, NULL,
	    "LACPDUs or markers received truncated or malformed, and dropped." }, get_pdu_bad },
	{ { "bondd_lacp_unknown_rx", M_COUNTER, NULL,
	    "Slow-protocol frames received of a subtype bondd does not speak." }, get_unknown },
	{ { "bondd_lacp_markers_rx", M_COUNTER, NULL, "Marker PDUs received." }, get_mk_rx },
	{ { "bondd_lacp_markers_tx", M_COUNTER, NULL, "Marker PDUs sent." }, get_mk_tx },
	{ { "bondd_lacp_marker_responses_rx", M_COUNTER, NULL,
	    "Marker response PDUs received." }, get_mr_rx },
	{ { "bondd_lacp_marker_responses_tx", M_COUNTER, NULL,
	    "Marker response PDUs sent." }, get_mr_tx },
	{ { "bondd_lacp_actor_churns", M_COUNTER, NULL,
	    "Times the actor churn machine found the port churned (Actor Churned Count)." },
	  get_a_churn },
	{ { "bondd_lacp_partner_churns", M_COUNTER, NULL,
	    "Times the partner churn machine found the port churned (Partner Churned Count)." },
	  get_p_churn },
};

static const struct fam fam_actor_bit = { "bondd_lacp_actor_state_bit", M_GAUGE, NULL,
	"One bit of the port's actor state (label bit: activity, timeout, aggregation, "
	"synchronization, collecting, distributing, defaulted, expired): 1 set, 0 clear." };
static const struct fam fam_partner_bit = { "bondd_lacp_partner_state_bit", M_GAUGE, NULL,
	"One bit of the partner's state as last heard (labels as "
	"bondd_lacp_actor_state_bit)." };
static const struct fam fam_active_agg = { "bondd_lacp_active_aggregator_id", M_GAUGE, NULL,
	"The bond's active aggregator (Active Aggregator Info), 0 when none." };

static const char *const state_bits[8] = { "activity", "timeout", "aggregation",
	"synchronization", "collecting", "distributing", "defaulted", "expired" };

static void slave_family(struct mctx *m, const struct slave_fam *sf, bool ad_only)
{
	fam_head(m, &sf->f);
	for (unsigned i = 0; i < m->n; i++) {
		const struct bond_status *st = &m->b[i].st;

		if (ad_only && !st->has_ad)
			continue;
		for (unsigned k = 0; k < st->n_slaves; k++)
			sample(m, &sf->f, count_suffix(&sf->f), st->name, st->slaves[k].name,
			       NULL, NULL, sf->get(&st->slaves[k]));
	}
}

static void bit_family(struct mctx *m, const struct fam *fm, bool partner)
{
	fam_head(m, fm);
	for (unsigned i = 0; i < m->n; i++) {
		const struct bond_status *st = &m->b[i].st;

		if (!st->has_ad)
			continue;
		for (unsigned k = 0; k < st->n_slaves; k++) {
			const struct status_ad_port *a = &st->slaves[k].ad;
			uint8_t state = partner ? a->partner.state : a->actor.state;

			for (unsigned bit = 0; bit < 8; bit++)
				sample(m, fm, "", st->name, st->slaves[k].name, "bit",
				       state_bits[bit], (state >> bit) & 1);
		}
	}
}

static void failover_family(struct mctx *m)
{
	struct strbuf *o = m->out;

	fam_head(m, &fam_fo);
	for (unsigned i = 0; i < m->n; i++) {
		const struct ctl_failover *f = &m->b[i].io.failover;
		unsigned long long cum = 0;
		char le[32];

		/* hist[i] holds the times below 16 << i us, measured in whole
		 * microseconds (truncated): each is also <= the bound, so the
		 * bound is the bucket's "le"; the last bucket is +Inf. */
		for (unsigned k = 0; k < CTL_FAILOVER_BUCKETS; k++) {
			cum += f->hist[k];
			if (k < CTL_FAILOVER_BUCKETS - 1) {
				unsigned us = 16u << k;

				snprintf(le, sizeof(le), "%u.%06u", us / 1000000, us % 1000000);
			} else {
				snprintf(le, sizeof(le), "+Inf");
			}
			sample(m, &fam_fo, "_bucket", m->b[i].st.name, NULL, "le", le, cum);
		}
		sb_printf(o, "%s_sum{master=\"", fam_fo.name);
		metrics_label_value(o, m->b[i].st.name);
		sb_printf(o, "\"} %llu.%06llu\n", (unsigned long long)(f->sum_us / 1000000),
			  (unsigned long long)(f->sum_us % 1000000));
		sample(m, &fam_fo, "_count", m->b[i].st.name, NULL, NULL, NULL, cum);
	}
}

static void bond_family(struct mctx *m, const struct fam *fm, int which)
{
	fam_head(m, fm);
	for (unsigned i = 0; i < m->n; i++) {
		const struct bond_status *st = &m->b[i].st;
		unsigned up = 0;

		switch (which) {
		case 0:
			sample(m, fm, "", st->name, NULL, NULL, NULL, st->n_slaves);
			break;
		case 1:
			for (unsigned k = 0; k < st->n_slaves; k++)
				up += st->slaves[k].link == SLAVE_LINK_UP;
			sample(m, fm, "", st->name, NULL, NULL, NULL, up);
			break;
		case 2:
			sample(m, fm, "", st->name, NULL, NULL, NULL, st->carrier);
			break;
		case 3:
			sample(m, fm, "", st->name, NULL, "mode", st->mode_name, st->mode_number);
			break;
		case 4:
			if (st->has_ad)
				sample(m, fm, "", st->name, NULL, NULL, NULL,
				       st->ad.has_active_agg ? st->ad.agg.id : 0);
			break;
		}
	}
}

static void per_slave_flag(struct mctx *m, const struct fam *fm, bool active)
{
	fam_head(m, fm);
	for (unsigned i = 0; i < m->n; i++) {
		const struct bond_status *st = &m->b[i].st;

		for (unsigned k = 0; k < st->n_slaves; k++) {
			const struct status_slave *s = &st->slaves[k];
			bool v = active ? st->uses_primary && st->active[0] &&
					  !strcmp(st->active, s->name)
					: s->link == SLAVE_LINK_UP;

			sample(m, fm, "", st->name, s->name, NULL, NULL, v);
		}
	}
}

/* ---- VLAN sub-interfaces ---------------------------------------------------- */

static const struct fam fam_vlan_up = { "bondd_vlan_up", M_GAUGE, NULL,
	"1 when the VLAN sub-interface is up and its bond has carrier (ip's state UP), "
	"else 0; labels vlan (the device) and vid." };

static uint64_t vget_rx_frames(const struct ctl_vlan *v) { return v->rx_packets; }
static uint64_t vget_rx_bytes(const struct ctl_vlan *v) { return v->rx_bytes; }
static uint64_t vget_rx_drop(const struct ctl_vlan *v) { return v->rx_dropped; }
static uint64_t vget_tx_frames(const struct ctl_vlan *v) { return v->tx_packets; }
static uint64_t vget_tx_bytes(const struct ctl_vlan *v) { return v->tx_bytes; }
static uint64_t vget_tx_drop(const struct ctl_vlan *v) { return v->tx_dropped; }

static const struct vlan_fam {
	struct fam f;
	uint64_t (*get)(const struct ctl_vlan *v);
} vlan_fams[] = {
	{ { "bondd_vlan_rx_frames", M_COUNTER, NULL,
	    "Frames the bond accepted with the VLAN's VID and handed to its device untagged." },
	  vget_rx_frames },
	{ { "bondd_vlan_rx_bytes", M_COUNTER, "bytes", "Their bytes, without the tag." },
	  vget_rx_bytes },
	{ { "bondd_vlan_rx_dropped_frames", M_COUNTER, NULL,
	    "Frames of the VLAN's VID its device could not take (it was down)." }, vget_rx_drop },
	{ { "bondd_vlan_tx_frames", M_COUNTER, NULL,
	    "Frames the VLAN's device sent over the bond, tagged with its VID." }, vget_tx_frames },
	{ { "bondd_vlan_tx_bytes", M_COUNTER, "bytes", "Their bytes, without the tag." },
	  vget_tx_bytes },
	{ { "bondd_vlan_tx_dropped_frames", M_COUNTER, NULL,
	    "Frames of the VLAN's device that could not be sent (no slave to send on)." },
	  vget_tx_drop },
};

/* name{master="B",vlan="V",vid="N"} value */
static void vlan_sample(struct mctx *m, const struct fam *fm, const struct ctl_vlan *v,
			unsigned long long value)
{
	sb_printf(m->out, "%s%s{master=\"", fm->name, count_suffix(fm));
	metrics_label_value(m->out, v->bond);
	sb_puts(m->out, "\",vlan=\"");
	metrics_label_value(m->out, v->name);
	sb_printf(m->out, "\",vid=\"%u\"} %llu\n", v->vid, value);
}

/* The families of the VLAN sub-interfaces, only when there are some (no
 * empty families); the counters only for the VLANs whose counters are
 * known. */
static void vlan_families(struct mctx *m, const struct ctl_backend *be)
{
	unsigned max = (m->n + 1) * BOND_MAX_VLANS;
	struct ctl_vlan *v;
	struct err e = { 0 };
	int n;
	bool counted = false;

	if (!be->ops->vlans || !m->n)
		return;
	v = calloc(max, sizeof(*v));
	if (!v) {
		m->out->oom = true;
		return;
	}
	n = be->ops->vlans(be->ctx, NULL, v, max, &e);
	if (n > 0) {
		fam_head(m, &fam_vlan_up);
		for (int i = 0; i < n; i++) {
			vlan_sample(m, &fam_vlan_up, &v[i], v[i].admin_up && v[i].carrier);
			counted |= v[i].counted;
		}
	}
	for (size_t k = 0; counted && k < ARRAY_SIZE(vlan_fams); k++) {
		fam_head(m, &vlan_fams[k].f);
		for (int i = 0; i < n; i++)
			if (v[i].counted)
				vlan_sample(m, &vlan_fams[k].f, &v[i], vlan_fams[k].get(&v[i]));
	}
	free(v);
}

void metrics_render(const struct ctl_backend *be, enum metrics_format f, struct strbuf *out)
{
	struct engine *e = be->ops->engine(be->ctx);
	unsigned n = engine_bond_count(e);
	struct mctx m = { .f = f, .out = out, .n = n };
	bool any_ad = false;

	m.b = n ? calloc(n, sizeof(*m.b)) : NULL;
	if (n && !m.b) {
		out->oom = true;
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		const struct bond *b = engine_bond_at(e, i);

		/* First the counters (the kernel data path's come from its maps). */
		if (be->ops->bond_io)
			be->ops->bond_io(be->ctx, b->name, &m.b[i].io);
		status_fill(b, &m.b[i].st);
		if (m.b[i].st.oom)
			out->oom = true;
		any_ad |= m.b[i].st.has_ad;
	}
	bond_family(&m, &fam_slaves, 0);
	bond_family(&m, &fam_active, 1);
	bond_family(&m, &fam_carrier, 2);
	bond_family(&m, &fam_mode, 3);
	per_slave_flag(&m, &fam_slave_up, false);
	per_slave_flag(&m, &fam_active_slave, true);
	for (unsigned k = 0; k < ARRAY_SIZE(slave_fams); k++)
		slave_family(&m, &slave_fams[k], false);
	failover_family(&m);
	/* The LACP families only where 802.3ad runs: a scraper of bonds in
	 * other modes gets no empty families. */
	if (any_ad) {
		bond_family(&m, &fam_active_agg, 4);
		for (unsigned k = 0; k < ARRAY_SIZE(lacp_fams); k++)
			slave_family(&m, &lacp_fams[k], true);
		bit_family(&m, &fam_actor_bit, false);
		bit_family(&m, &fam_partner_bit, true);
	}
	vlan_families(&m, be);
	if (f == METRICS_OPENMETRICS)
		sb_puts(out, "# EOF\n");
	for (unsigned i = 0; i < n; i++)
		status_free(&m.b[i].st);
	free(m.b);
}
