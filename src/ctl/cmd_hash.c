/* `bondctl hash BOND DESCRIPTION...`: builds the frame the words describe
 * (frame_desc.c), asks the bond's mode which slave it would send it on and
 * why (bond_explain_tx(), the mode's own transmit code), and prints the arithmetic, as text or JSON (docs/hash.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "ctl_backend.h"
#include "core/bond.h"
#include "core/hash.h"
#include "core/mode.h"
#include "core/opt.h"
#include "ctl_cmd_impl.h"
#include "ctl_proto.h"
#include "frame_desc.h"
#include "lib/bytes.h"

/* ---- hash: which slave a frame would take, and why ------------------------ */

static const char *start_name(enum xmit_hash_start k)
{
	switch (k) {
	case XH_START_L2: return "layer2 value";
	case XH_START_PORTS: return "ports";
	case XH_START_ICMP: return "ICMP type|code|id";
	}
	return "start";
}

/* The arithmetic in one line: "ports 0x5000d204 ^ saddr ... ^ daddr ..." */
static void how_text(struct strbuf *o, const struct tx_explain *v, const uint8_t *f,
		     size_t len)
{
	const struct xmit_hash_info *h = &v->how;

	switch (h->path) {
	case XH_PATH_L3:
		sb_printf(o, "%s 0x%08x ^ saddr 0x%08x ^ daddr 0x%08x: %s",
			  start_name(h->start_kind), h->start, h->saddr, h->daddr, h->why);
		break;
	case XH_PATH_L2:
	case XH_PATH_FALLBACK:
		sb_printf(o, "%s: 0x%02x ^ 0x%02x ^ 0x%04x", h->why, f[5], f[11],
			  (unsigned)get_be16(f + 12));
		break;
	case XH_PATH_SRCMAC:
		sb_printf(o, "%s: 0 ^ 0x%06x ^ 0x%06x", h->why,
			  (unsigned)(f[6] << 16 | f[7] << 8 | f[8]),
			  (unsigned)(f[9] << 16 | f[10] << 8 | f[11]));
		break;
	case XH_PATH_SHORT:
		sb_puts(o, h->why);
		break;
	}
}

/* `bondctl hash bond0.100 ...`: a VLAN sub-interface of bondd names its
 * bond and VID: the frame gets the tag (inline, first) and is hashed as
 * bond_xmit_vlan hashes that device's frames, the tag out of band. *vid 0:
 * name is no VLAN of bondd. */
static struct bond *vlan_bond(struct cmd_ctx *c, const char *name, uint16_t *vid)
{
	struct ctl_vlan *v;
	struct bond *b = NULL;
	int n;

	*vid = 0;
	if (!c->be || !c->be->ops->vlans)
		return NULL;
	n = ctl_vlans_get(c, NULL, &v);
	for (int i = 0; i < n && !b; i++)
		if (!strcmp(v[i].name, name)) {
			b = engine_bond_find(c->eng, v[i].bond);
			*vid = v[i].vid;
		}
	free(v);
	return b;
}

int cmd_hash(struct cmd_ctx *c, int argc, char **argv)
{
	uint16_t vid = 0;
	struct bond *b = engine_bond_find(c->eng, argv[0]) ?
			 engine_bond_find(c->eng, argv[0]) : vlan_bond(c, argv[0], &vid);
	const char *words[CTL_MAX_ARGS + 2];
	char vidtxt[8];
	unsigned nw = 0;
	uint8_t frame[FRAME_DESC_MAX];
	struct frame_desc_info info;
	const char *mode, *policy;
	struct strbuf how;
	struct tx_explain v;
	char sm[18], dm[18];
	size_t len = 0;
	struct err e;
	unsigned i;

	if (!b)
		return cmd_fail(c, argv[0], "no such bond");
	if (vid) {
		snprintf(vidtxt, sizeof(vidtxt), "%u", vid);
		words[nw++] = "vlan";
		words[nw++] = vidtxt;
	}
	for (int k = 1; k < argc && nw < ARRAY_SIZE(words); k++)
		words[nw++] = argv[k];
	err_clear(&e);
	if (frame_desc_build_ex(words, nw, b->mac, frame, sizeof(frame), &len, &info, &e)) {
		sb_printf(c->err, PROG ": hash: %s\n", e.msg);
		return CTL_EXIT_USAGE;
	}
	memset(&v, 0, sizeof(v));
	if (vid)
		bond_explain_tx_vlan(b, frame, len, &v);
	else
		bond_explain_tx(b, frame, len, &v);
	mode = opt_value_name(OPT_MODE, b->params.mode);
	policy = opt_value_name(OPT_XMIT_HASH_POLICY, b->params.xmit_policy);
	mac_fmt(info.smac, sm);
	mac_fmt(info.dmac, dm);
	sb_init(&how);
	if (v.hashed)
		how_text(&how, &v, frame, len);

	if (c->json) {
		sb_puts(c->out, "{\"bond\":");
		sb_json_str(c->out, b->name);
		sb_puts(c->out, ",\"mode\":");
		sb_json_str(c->out, mode ? mode : "?");
		sb_printf(c->out, ",\"mode_id\":%u,\"policy\":", b->params.mode);
		sb_json_str(c->out, policy ? policy : "?");
		sb_printf(c->out, ",\"policy_id\":%u,\"frame\":", b->params.xmit_policy);
		sb_json_str(c->out, info.summary);
		sb_printf(c->out, ",\"frame_len\":%zu,\"smac\":\"%s\",\"smac_default\":%s,"
			  "\"dmac\":\"%s\",\"dmac_default\":%s,\"hashed\":%s", len, sm,
			  info.smac_default ? "true" : "false", dm,
			  info.dmac_default ? "true" : "false", v.hashed ? "true" : "false");
		if (v.hashed) {
			sb_printf(c->out, ",\"hash\":%u,\"hash_hex\":\"0x%08x\",\"how\":",
				  v.hash, v.hash);
			sb_json_str(c->out, sb_str(&how));
		} else {
			sb_puts(c->out, ",\"hash\":null,\"hash_hex\":null,\"how\":null");
		}
		sb_puts(c->out, ",\"set\":");
		if (v.set_label) {
			sb_puts(c->out, "[");
			for (i = 0; i < v.n_set; i++) {
				sb_puts(c->out, i ? "," : "");
				sb_json_str(c->out, v.set[i]->name);
			}
			sb_puts(c->out, "],\"set_label\":");
			sb_json_str(c->out, v.set_label);
		} else {
			sb_puts(c->out, "null,\"set_label\":null");
		}
		if (v.indexed)
			sb_printf(c->out, ",\"index\":%u", v.index);
		else
			sb_puts(c->out, ",\"index\":null");
		sb_puts(c->out, ",\"slave\":");
		if (v.slave)
			sb_json_str(c->out, v.slave->name);
		else
			sb_puts(c->out, "null");
		sb_printf(c->out, ",\"by_load\":%s,\"reason\":", v.by_load ? "true" : "false");
		sb_json_str(c->out, v.reason);
		sb_puts(c->out, "}\n");
	} else {
		sb_printf(c->out, "mode: %s (%u)\n", mode ? mode : "?", b->params.mode);
		if (v.hashed)
			sb_printf(c->out, "policy: %s (%u)\n", policy ? policy : "?",
				  b->params.xmit_policy);
		sb_printf(c->out, "frame: %s\n", info.summary);
		sb_printf(c->out, "macs: %s -> %s", sm, dm);
		if (info.smac_default || info.dmac_default)
			sb_printf(c->out, " (%s%s%s)",
				  info.smac_default ? "source: the bond's MAC, by default" : "",
				  info.smac_default && info.dmac_default ? "; " : "",
				  info.dmac_default ? "destination: the default" : "");
		sb_puts(c->out, "\n");
		if (v.hashed) {
			sb_printf(c->out, "hash: 0x%08x (%u)\n", v.hash, v.hash);
			sb_printf(c->out, "how: %s\n", sb_str(&how));
		}
		if (v.set_label) {
			sb_printf(c->out, "%s: %u (", v.set_label, v.n_set);
			for (i = 0; i < v.n_set; i++)
				sb_printf(c->out, "%s%s", i ? " " : "", v.set[i]->name);
			sb_puts(c->out, ")\n");
		}
		if (v.indexed)
			sb_printf(c->out, "slave: %s (index %u = hash %% %u)\n",
				  v.slave->name, v.index, v.n_set);
		else if (v.slave)
			sb_printf(c->out, "slave: %s\n", v.slave->name);
		else if (v.by_load)
			sb_puts(c->out, "slave: chosen by load (see why)\n");
		else if (v.every_slave && v.n_set)
			sb_puts(c->out, "slave: all of them\n");
		else
			sb_puts(c->out, "slave: none\n");
		sb_printf(c->out, "why: %s\n", v.reason);
	}
	if (how.oom) {
		sb_free(&how);
		return cmd_fail(c, argv[0], "out of memory");
	}
	sb_free(&how);
	return CTL_EXIT_OK;
}
