/* What lets a user watch bonds: `bondctl monitor` (the request; the stream
 * itself is ctl_server.c's, its lines ctl_monitor.c's) and `bondctl stats`. */
#include <stdio.h>
#include <string.h>

#include "core/status.h"
#include "ctl_backend.h"
#include "ctl_cmd_impl.h"
#include "ctl_proto.h"
#include "status_json.h"

/* Checks the request; the server turns an accepted one into the stream. */
int cmd_monitor(struct cmd_ctx *c, int argc, char **argv)
{
	if (argc == 1 && !cmd_find_bond(c, argv[0]))
		return CTL_EXIT_REFUSED;
	return CTL_EXIT_OK;
}

/* ---- stats ---------------------------------------------------------------- */

/* A duration in the stats table: "850 ms", "12.3 s", "4 min", "2 h". */
static void text_duration(struct strbuf *out, uint64_t ms)
{
	if (ms < 1000)
		sb_printf(out, "%llu ms", (unsigned long long)ms);
	else if (ms < 120000)
		sb_printf(out, "%llu.%llu s", (unsigned long long)(ms / 1000),
			  (unsigned long long)(ms % 1000 / 100));
	else if (ms < 7200000)
		sb_printf(out, "%llu min", (unsigned long long)(ms / 60000));
	else
		sb_printf(out, "%llu h", (unsigned long long)(ms / 3600000));
}

static void stats_json(const struct bond_status *st, const struct ctl_bond_io *io,
		       struct strbuf *out)
{
	sb_puts(out, "{\"name\":");
	sb_json_str(out, st->name);
	sb_puts(out, ",\"mode\":{\"name\":");
	sb_json_str(out, st->mode_name);
	sb_printf(out, ",\"number\":%u}", st->mode_number);
	sb_puts(out, ",\"datapath\":");
	if (io->datapath)
		sb_json_str(out, io->datapath);
	else
		sb_puts(out, "null");
	sb_puts(out, ",\"slaves\":[");
	for (unsigned i = 0; i < st->n_slaves; i++) {
		const struct status_slave *s = &st->slaves[i];

		sb_puts(out, i ? ",{\"name\":" : "{\"name\":");
		sb_json_str(out, s->name);
		sb_puts(out, ",\"link\":");
		sb_json_str(out, status_link_text(s->link));
		if (st->now_ms && st->now_ms >= s->link_since_ms)
			sb_printf(out, ",\"link_state_ms\":%llu",
				  (unsigned long long)(st->now_ms - s->link_since_ms));
		else
			sb_puts(out, ",\"link_state_ms\":null");
		sb_printf(out, ",\"link_failure_count\":%u", s->link_failure_count);
		sb_printf(out, ",\"rx_packets\":%llu,\"rx_bytes\":%llu,\"rx_dropped\":%llu,"
			  "\"tx_packets\":%llu,\"tx_bytes\":%llu,\"tx_dropped\":%llu,"
			  "\"tx_while_down\":%llu",
			  (unsigned long long)s->stats.rx_packets,
			  (unsigned long long)s->stats.rx_bytes,
			  (unsigned long long)s->stats.rx_dropped,
			  (unsigned long long)s->stats.tx_packets,
			  (unsigned long long)s->stats.tx_bytes,
			  (unsigned long long)s->stats.tx_dropped,
			  (unsigned long long)s->stats.tx_while_down);
		if (st->has_ad)
			sb_printf(out, ",\"lacp\":{\"lacpdu_rx\":%llu,\"lacpdu_tx\":%llu,"
				  "\"lacpdu_malformed_rx\":%llu,\"lacpdu_unknown_rx\":%llu,"
				  "\"marker_rx\":%llu,\"marker_tx\":%llu,"
				  "\"marker_response_rx\":%llu,\"marker_response_tx\":%llu}}",
				  (unsigned long long)s->ad.lacpdu_rx,
				  (unsigned long long)s->ad.lacpdu_tx,
				  (unsigned long long)s->ad.lacpdu_illegal_rx,
				  (unsigned long long)s->ad.lacpdu_unknown_rx,
				  (unsigned long long)s->ad.marker_rx,
				  (unsigned long long)s->ad.marker_tx,
				  (unsigned long long)s->ad.marker_resp_rx,
				  (unsigned long long)s->ad.marker_resp_tx);
		else
			sb_puts(out, ",\"lacp\":null}");
	}
	sb_printf(out, "],\"failover\":{\"count\":%llu,\"last_us\":%u,\"max_us\":%u,"
		  "\"histogram_us\":{", (unsigned long long)io->failover.count,
		  io->failover.last_us, io->failover.max_us);
	for (unsigned i = 0; i < CTL_FAILOVER_BUCKETS - 1; i++)
		sb_printf(out, "\"%u\":%llu,", 16u << i,
			  (unsigned long long)io->failover.hist[i]);
	sb_printf(out, "\"more\":%llu},\"recent\":",
		  (unsigned long long)io->failover.hist[CTL_FAILOVER_BUCKETS - 1]);
	status_json_failovers(&io->failover, out);
	sb_puts(out, "}}\n");
}

static void stats_text(const struct bond_status *st, const struct ctl_bond_io *io,
		       struct strbuf *out)
{
	const struct ctl_failover *f = &io->failover;
	unsigned n;

	sb_printf(out, "%s: %s (%u), data path %s\n\n", st->name, st->mode_name,
		  st->mode_number, io->datapath ? io->datapath : "unknown");
	sb_printf(out, "%-15s %-10s %-9s %8s %12s %14s %9s %12s %14s %9s\n", "slave", "link",
		  "for", "failures", "rx_packets", "rx_bytes", "rx_drop", "tx_packets",
		  "tx_bytes", "tx_drop");
	for (unsigned i = 0; i < st->n_slaves; i++) {
		const struct status_slave *s = &st->slaves[i];
		struct strbuf d;

		sb_init(&d);
		if (st->now_ms && st->now_ms >= s->link_since_ms)
			text_duration(&d, st->now_ms - s->link_since_ms);
		else
			sb_puts(&d, "?");
		sb_printf(out, "%-15s %-10s %-9s %8u %12llu %14llu %9llu %12llu %14llu %9llu\n",
			  s->name, status_link_text(s->link), sb_str(&d), s->link_failure_count,
			  (unsigned long long)s->stats.rx_packets,
			  (unsigned long long)s->stats.rx_bytes,
			  (unsigned long long)s->stats.rx_dropped,
			  (unsigned long long)s->stats.tx_packets,
			  (unsigned long long)s->stats.tx_bytes,
			  (unsigned long long)s->stats.tx_dropped);
		sb_free(&d);
	}
	if (st->has_ad) {
		sb_printf(out, "\n%-15s %9s %9s %9s %9s %9s %9s %9s %9s\n", "LACP port",
			  "pdu_rx", "pdu_tx", "malformed", "unknown", "mark_rx", "mark_tx",
			  "resp_rx", "resp_tx");
		for (unsigned i = 0; i < st->n_slaves; i++) {
			const struct status_ad_port *a = &st->slaves[i].ad;

			sb_printf(out, "%-15s %9llu %9llu %9llu %9llu %9llu %9llu %9llu %9llu\n",
				  st->slaves[i].name, (unsigned long long)a->lacpdu_rx,
				  (unsigned long long)a->lacpdu_tx,
				  (unsigned long long)a->lacpdu_illegal_rx,
				  (unsigned long long)a->lacpdu_unknown_rx,
				  (unsigned long long)a->marker_rx, (unsigned long long)a->marker_tx,
				  (unsigned long long)a->marker_resp_rx,
				  (unsigned long long)a->marker_resp_tx);
		}
	}
	sb_printf(out, "\nFailovers: %llu", (unsigned long long)f->count);
	if (f->count)
		sb_printf(out, ", last %u us, worst %u us", f->last_us, f->max_us);
	sb_puts(out, " (event to the first frame on the new slave, or to the map write)\n");
	if (f->count) {
		sb_puts(out, "  histogram:");
		for (unsigned i = 0; i < CTL_FAILOVER_BUCKETS; i++) {
			if (!f->hist[i])
				continue;
			if (i < CTL_FAILOVER_BUCKETS - 1)
				sb_printf(out, " <%u us: %llu", 16u << i,
					  (unsigned long long)f->hist[i]);
			else
				sb_printf(out, " more: %llu", (unsigned long long)f->hist[i]);
		}
		sb_puts(out, "\n");
	}
	n = f->n_last < CTL_FAILOVER_LAST ? f->n_last : CTL_FAILOVER_LAST;
	if (n)
		sb_puts(out, "Last changes of active slave (oldest first):\n");
	for (unsigned k = 0; k < n; k++) {
		const struct ctl_failover_rec *r =
			&f->last[(f->next_last + CTL_FAILOVER_LAST - n + k) % CTL_FAILOVER_LAST];
		struct strbuf t;

		sb_init(&t);
		status_json_time(r->wall_us, &t);
		/* the JSON string without its quotes */
		sb_printf(out, "  %.*s %s -> %s (%s)", t.len >= 2 ? (int)t.len - 2 : 0,
			  t.len >= 2 ? t.buf + 1 : "", r->from[0] ? r->from : "none",
			  r->to[0] ? r->to : "none", r->reason);
		if (r->us != CTL_FO_US_NONE)
			sb_printf(out, " %u us", r->us);
		sb_puts(out, "\n");
		sb_free(&t);
	}
}

int cmd_stats(struct cmd_ctx *c, int argc, char **argv)
{
	struct ctl_bond_io io = { 0 };
	struct bond_status st;
	struct bond *b = cmd_find_bond(c, argv[0]);

	(void)argc;
	if (!b)
		return CTL_EXIT_REFUSED;
	/* First the counters (the kernel data path's come from its maps). */
	if (c->be->ops->bond_io)
		c->be->ops->bond_io(c->be->ctx, b->name, &io);
	status_fill(b, &st);
	st.now_ms = c->be->ops->now ? c->be->ops->now(c->be->ctx) : 0;
	if (c->json)
		stats_json(&st, &io, c->out);
	else
		stats_text(&st, &io, c->out);
	if (st.oom)
		c->out->oom = true;
	status_free(&st);
	return CTL_EXIT_OK;
}
