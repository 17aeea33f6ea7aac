/* `bondctl flows BOND`: the busiest flows of the bond's last finished
 * window, the slave each took, and each slave's share of the bytes
 * (docs/design.md "Flows"; the table is core/flowtab.c, kept by the data
 * path, handed over by the backend's flows operation). A flow is printed
 * as the words `bondctl hash` reads, so it can be pasted there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bond.h"
#include "core/flowtab.h"
#include "core/mode.h"
#include "core/opt.h"
#include "ctl_backend.h"
#include "ctl_cmd_impl.h"
#include "ctl_proto.h"

static const struct {
	uint8_t bit;
	const char *name;
} field_names[] = {
	{ FK_SMAC, "smac" }, { FK_DMAC, "dmac" }, { FK_ETYPE, "ethertype" },
	{ FK_VLAN, "vlan" }, { FK_IP, "src dst" }, { FK_PROTO, "proto" },
	{ FK_PORTS, "ports" },
};

/* "src dst proto ports": what a key is made of. */
static void fields_text(struct strbuf *o, uint8_t f, bool json)
{
	bool first = true;

	for (size_t i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++) {
		if (!(f & field_names[i].bit))
			continue;
		if (json) {
			if (field_names[i].bit == FK_IP)
				sb_printf(o, "%s\"src\",\"dst\"", first ? "" : ",");
			else
				sb_printf(o, "%s\"%s\"", first ? "" : ",", field_names[i].name);
		} else {
			sb_printf(o, "%s%s", first ? "" : " ", field_names[i].name);
		}
		first = false;
	}
}

/* share of part in whole, in tenths of a percent */
static unsigned permille(uint64_t part, uint64_t whole)
{
	if (!whole)
		return 0;
	return (unsigned)((part * 1000 + whole / 2) / whole);
}

static void ms_text(struct strbuf *o, uint64_t ms)
{
	sb_printf(o, "%llu.%llu s", (unsigned long long)(ms / 1000),
		  (unsigned long long)(ms % 1000 / 100));
}

static void flow_json(struct strbuf *o, const struct flow_ent *e, const char *slave)
{
	const struct flow_key *k = &e->k;
	char words[256], mac[18];

	flow_key_words(k, words, sizeof(words));
	sb_puts(o, "{\"slave\":");
	sb_json_str_or_null(o, slave);
	sb_printf(o, ",\"ifindex\":%u,\"bytes\":%llu,\"frames\":%llu,\"words\":", k->ifindex,
		  (unsigned long long)e->bytes, (unsigned long long)e->frames);
	sb_json_str(o, words);
	if (k->fields & FK_SMAC) {
		mac_fmt(k->smac, mac);
		sb_printf(o, ",\"smac\":\"%s\"", mac);
	}
	if (k->fields & FK_DMAC) {
		mac_fmt(k->dmac, mac);
		sb_printf(o, ",\"dmac\":\"%s\"", mac);
	}
	if (k->fields & FK_ETYPE)
		sb_printf(o, ",\"ethertype\":%u", k->ethertype);
	if (k->fields & FK_VLAN) {
		if (k->tagged)
			sb_printf(o, ",\"vlan\":%u", k->vlan);
		else
			sb_puts(o, ",\"vlan\":null");
	}
	if (k->fields & FK_IP) {
		/* the words hold the addresses as text; pick them out */
		const char *s = strstr(words, "src "), *d = strstr(words, " dst ");

		if (s && d) {
			const char *de = strchr(d + 5, ' ');

			sb_printf(o, ",\"family\":%u,\"src\":\"%.*s\",\"dst\":\"%.*s\"", k->family,
				  (int)(d - s - 4), s + 4,
				  (int)(de ? (size_t)(de - d - 5) : strlen(d + 5)), d + 5);
		}
	}
	if ((k->fields & FK_IP) && (k->fields & FK_PROTO))
		sb_printf(o, ",\"proto\":%u", k->proto);
	if ((k->fields & FK_IP) && (k->fields & FK_PORTS))
		sb_printf(o, ",\"sport\":%u,\"dport\":%u", k->sport, k->dport);
	sb_puts(o, "}");
}

static void flows_json(struct cmd_ctx *c, const struct bond *b, const struct ctl_flows *f)
{
	struct strbuf *o = c->out;
	const struct flow_window *w = &f->last;
	const char *mode = opt_value_name(OPT_MODE, b->params.mode);
	const char *policy = opt_value_name(OPT_XMIT_HASH_POLICY, b->params.xmit_policy);
	uint64_t total = 0;

	for (unsigned i = 0; i < f->n_slaves; i++)
		total += f->slaves[i].bytes;
	sb_puts(o, "{\"bond\":");
	sb_json_str(o, b->name);
	sb_puts(o, ",\"mode\":{\"name\":");
	sb_json_str(o, mode ? mode : "?");
	sb_printf(o, ",\"number\":%u},\"policy\":", b->params.mode);
	if (bond_mode_uses_xmit_hash(b))
		sb_json_str(o, policy ? policy : "?");
	else
		sb_puts(o, "null");
	sb_puts(o, ",\"key\":[");
	fields_text(o, f->fields, true);
	sb_puts(o, "],\"datapath\":");
	sb_json_str(o, f->datapath ? f->datapath : "?");
	sb_printf(o, ",\"sample\":%u,\"sample_all_from\":%u,\"window_ms\":%u,"
		  "\"next_end_ms\":%llu,\"interval\":", f->sample, f->sample_all_from, f->window_ms,
		  (unsigned long long)(f->next_ms > f->now_ms ? f->next_ms - f->now_ms : 0));
	if (!w->valid) {
		sb_puts(o, "null,\"bytes\":0,\"frames\":0,\"flows_seen\":0,\"other_bytes\":0,"
			"\"other_frames\":0,\"evictions\":0,\"slaves\":[],\"flows\":[]}\n");
		return;
	}
	sb_printf(o, "{\"start_unix_ms\":%llu,\"length_ms\":%llu,\"ended_ms_ago\":%llu}",
		  (unsigned long long)f->start_unix_ms,
		  (unsigned long long)(w->end_ms - w->start_ms),
		  (unsigned long long)(f->now_ms - w->end_ms));
	sb_printf(o, ",\"bytes\":%llu,\"frames\":%llu,\"flows_seen\":%u,\"other_bytes\":%llu,"
		  "\"other_frames\":%llu,\"evictions\":%llu,\"slaves\":[",
		  (unsigned long long)w->bytes, (unsigned long long)w->frames, w->n_flows,
		  (unsigned long long)w->other_bytes, (unsigned long long)w->other_frames,
		  (unsigned long long)w->evictions);
	for (unsigned i = 0; i < f->n_slaves; i++) {
		const struct ctl_flow_slave *s = &f->slaves[i];
		unsigned pm = permille(s->bytes, total);

		sb_puts(o, i ? ",{\"name\":" : "{\"name\":");
		sb_json_str(o, s->name);
		sb_printf(o, ",\"bytes\":%llu,\"frames\":%llu,\"share\":%u.%u}",
			  (unsigned long long)s->bytes, (unsigned long long)s->frames, pm / 10,
			  pm % 10);
	}
	sb_puts(o, "],\"flows\":[");
	for (unsigned i = 0; i < w->n_top; i++) {
		if (i)
			sb_puts(o, ",");
		flow_json(o, &w->top[i], f->slave_of[i]);
	}
	sb_puts(o, "]}\n");
}

static void flows_text(struct cmd_ctx *c, const struct bond *b, const struct ctl_flows *f)
{
	struct strbuf *o = c->out;
	const struct flow_window *w = &f->last;
	const char *mode = opt_value_name(OPT_MODE, b->params.mode);
	const char *policy = opt_value_name(OPT_XMIT_HASH_POLICY, b->params.xmit_policy);
	uint64_t total = 0;
	char words[256];

	sb_printf(o, "%s: %s (%u)", b->name, mode ? mode : "?", b->params.mode);
	if (bond_mode_uses_xmit_hash(b))
		sb_printf(o, ", xmit_hash_policy %s (%u)", policy ? policy : "?",
			  b->params.xmit_policy);
	sb_puts(o, "; a flow is: ");
	fields_text(o, f->fields, false);
	sb_puts(o, bond_mode_uses_xmit_hash(b) ? " (what the policy hashes)\n"
					       : " (the mode does not hash)\n");
	if (f->sample > 1)
		sb_printf(o, "counted: frames of %u bytes and more, each; of the shorter ones 1 "
			  "in %u, drawn at random, for %u each (estimates)", f->sample_all_from,
			  f->sample, f->sample);
	else
		sb_puts(o, "counted: every frame");
	sb_printf(o, " (%s data path)\n", f->datapath ? f->datapath : "?");
	if (!w->valid) {
		sb_puts(o, "interval: no window has ended yet (windows end every ");
		ms_text(o, f->window_ms);
		sb_puts(o, "; the first in ");
		ms_text(o, f->next_ms > f->now_ms ? f->next_ms - f->now_ms : 0);
		sb_puts(o, ")\n");
		return;
	}
	sb_puts(o, "interval: the last finished window, ");
	ms_text(o, w->end_ms - w->start_ms);
	sb_puts(o, " long, ended ");
	ms_text(o, f->now_ms - w->end_ms);
	sb_puts(o, " ago (windows end every ");
	ms_text(o, f->window_ms);
	sb_puts(o, ")\n");
	for (unsigned i = 0; i < f->n_slaves; i++)
		total += f->slaves[i].bytes;
	sb_printf(o, "\n%-16s %14s %10s %7s\n", "slave", "tx bytes", "frames", "share");
	for (unsigned i = 0; i < f->n_slaves; i++) {
		const struct ctl_flow_slave *s = &f->slaves[i];
		unsigned pm = permille(s->bytes, total);

		sb_printf(o, "%-16s %14llu %10llu %5u.%u %%\n", s->name,
			  (unsigned long long)s->bytes, (unsigned long long)s->frames, pm / 10,
			  pm % 10);
	}
	sb_printf(o, "\nflows: %u seen, %llu bytes in %llu frames", w->n_flows,
		  (unsigned long long)w->bytes, (unsigned long long)w->frames);
	if (w->evictions)
		sb_printf(o, "; %llu bytes of %llu smaller flows pushed out of the table",
			  (unsigned long long)w->other_bytes, (unsigned long long)w->evictions);
	sb_printf(o, "; the %u busiest (paste a FLOW into: bondctl hash %s FLOW)\n", w->n_top,
		  b->name);
	if (!w->n_top)
		return;
	sb_printf(o, "%14s %10s %6s  %-16s %s\n", "bytes", "frames", "share", "slave", "FLOW");
	for (unsigned i = 0; i < w->n_top; i++) {
		const struct flow_ent *e = &w->top[i];
		unsigned pm = permille(e->bytes, w->bytes);

		flow_key_words(&e->k, words, sizeof(words));
		sb_printf(o, "%14llu %10llu %4u.%u%%  %-16s %s\n", (unsigned long long)e->bytes,
			  (unsigned long long)e->frames, pm / 10, pm % 10,
			  *f->slave_of[i] ? f->slave_of[i] : "(gone)", words);
	}
}

int cmd_flows(struct cmd_ctx *c, int argc, char **argv)
{
	struct bond *b = cmd_find_bond(c, argv[0]);
	struct ctl_flows *f;
	struct err e;

	if (!b)
		return CTL_EXIT_REFUSED;
	if (!c->be->ops->flows)
		return cmd_fail(c, argv[0], "flows are not counted here");
	f = calloc(1, sizeof(*f));
	if (!f)
		return cmd_fail(c, argv[0], "out of memory");
	err_clear(&e);
	if (c->be->ops->flows(c->be->ctx, argv[0], f, &e)) {
		free(f);
		return cmd_fail_err(c, argv[0], &e);
	}
	if (c->json)
		flows_json(c, b, f);
	else
		flows_text(c, b, f);
	free(f);
	return CTL_EXIT_OK;
}
