/* `bondctl hash BOND DESCRIPTION...`: builds the frame the words describe
 * (frame_desc.c), works out which slave the bond's mode would send it on and
 * why (judge()), and prints the arithmetic, as text or JSON (docs/hash.md). */
#include <stdio.h>
#include <string.h>

#include "core/bond.h"
#include "core/hash.h"
#include "core/opt.h"
#include "ctl_cmd_impl.h"
#include "ctl_proto.h"
#include "frame_desc.h"

/* ---- hash: which slave a frame would take, and why ------------------------ */

/* What the mode would do with one frame. Only the hashing modes name a
 * hash; the others say which slave their own rule picks. */
struct verdict {
	bool hashed;
	uint32_t hash;
	struct xmit_hash_info how;
	struct slave *const *set;    /* the slaves the choice is made among */
	unsigned n_set;
	const char *set_label;       /* "usable slaves", "slaves up" */
	bool indexed;                /* slave = set[index] */
	unsigned index;
	const struct slave *slave;   /* NULL: none (dropped, or every slave) */
	bool by_load;                /* tlb/alb: the slave depends on traffic */
	char reason[256];
};

static bool frame_is_igmp(const uint8_t *f, size_t len)
{
	/* balance-rr's test: IPv4 by the outer type field, protocol 2 */
	return len >= 34 && f[12] == 0x08 && f[13] == 0x00 && (f[14] >> 4) == 4 &&
	       f[23] == 2;
}

/* What balance-tlb balances: unicast IPv4, and IPv6 except neighbour
 * discovery, after at most one VLAN tag (mode_tlb.c's test). */
static bool tlb_balances(const uint8_t *f, size_t len)
{
	size_t off = 14;
	uint16_t type = (uint16_t)(f[12] << 8 | f[13]);

	if ((type == 0x8100 || type == 0x88a8) && len >= 18) {
		type = (uint16_t)(f[16] << 8 | f[17]);
		off = 18;
	}
	if (type == 0x0800)
		return true;
	if (type != 0x86dd || len < off + 40)
		return false;
	if (f[off + 6] != 58)
		return true;
	return len >= off + 48 && f[off + 40] != 135 && f[off + 40] != 136;
}

static void judge(const struct bond *b, const uint8_t *f, size_t len, struct verdict *v)
{
	const char *mode = opt_value_name(OPT_MODE, b->params.mode);
	const struct slave *act = b->active && slave_can_tx(b->active) ? b->active : NULL;

	memset(v, 0, sizeof(*v));
	if (!mode)
		mode = "?";
	if (bond_mode_uses_xmit_hash(b)) {
		v->hashed = true;
		v->hash = xmit_hash_explain(b->params.xmit_policy, f, len, &v->how);
		v->set = b->usable;
		v->n_set = b->n_usable;
		v->set_label = "usable slaves";
		if (!b->n_usable) {
			snprintf(v->reason, sizeof(v->reason),
				 "%s: no usable slave: the frame would be dropped", mode);
			return;
		}
		v->indexed = true;
		v->index = v->hash % b->n_usable;
		v->slave = b->usable[v->index];
		snprintf(v->reason, sizeof(v->reason), "%s: usable[hash %% %u]", mode,
			 b->n_usable);
		return;
	}
	switch (b->params.mode) {
	case BOND_MODE_ROUNDROBIN: {
		uint32_t pps = b->params.packets_per_slave, id;

		v->set = b->slaves;
		v->n_set = b->n_slaves;
		v->set_label = "slaves";
		if (!b->n_slaves) {
			snprintf(v->reason, sizeof(v->reason),
				 "balance-rr: no slave: the frame would be dropped");
		} else if (frame_is_igmp(f, len)) {
			v->slave = act ? act : b->rr_map[0];
			snprintf(v->reason, sizeof(v->reason), "balance-rr: IGMP is not "
				 "striped: it leaves on the %s", act ? "active slave" :
				 "first slave that can transmit");
		} else if (pps == 0) {
			snprintf(v->reason, sizeof(v->reason), "balance-rr: "
				 "packets_per_slave=0: each frame takes a random slave");
		} else {
			/* the counter the next frame will see, not advanced here */
			id = pps == 1 ? b->rr_counter + 1 : (b->rr_counter + 1) / pps;
			v->slave = b->rr_map[id % b->n_slaves];
			snprintf(v->reason, sizeof(v->reason), "balance-rr: frames take the "
				 "slaves in turn (packets_per_slave=%u); this is where the "
				 "next frame goes", pps);
		}
		break;
	}
	case BOND_MODE_ACTIVEBACKUP:
		v->slave = act;
		if (act)
			snprintf(v->reason, sizeof(v->reason), "active-backup: every frame "
				 "leaves on the active slave %s", act->name);
		else
			snprintf(v->reason, sizeof(v->reason), "active-backup: no active "
				 "slave: the frame would be dropped");
		break;
	case BOND_MODE_BROADCAST:
		v->set = b->usable;
		v->n_set = b->n_usable;
		v->set_label = "slaves up";
		snprintf(v->reason, sizeof(v->reason), b->n_usable ?
			 "broadcast: every frame is copied to every slave that is up" :
			 "broadcast: no slave is up: the frame would be dropped");
		break;
	case BOND_MODE_TLB:          /* tlb_dynamic_lb=1 (0 hashes, above) */
		if (!(f[0] & 1) && tlb_balances(f, len)) {
			v->hashed = true;
			v->hash = xmit_hash_explain(b->params.xmit_policy, f, len, &v->how);
			snprintf(v->reason, sizeof(v->reason), "balance-tlb "
				 "(tlb_dynamic_lb=1): bucket hash & 0xff = %u of 256; a bucket "
				 "goes to the least loaded slave when first used and is "
				 "rebalanced every 10 s, so the slave depends on the traffic",
				 v->hash & 0xff);
			v->by_load = true;
			break;
		}
		v->slave = act;
		snprintf(v->reason, sizeof(v->reason), "balance-tlb: only unicast IPv4/IPv6 "
			 "is balanced; this frame leaves on the active slave%s",
			 act ? "" : " (none: dropped)");
		break;
	default:     /* balance-alb */
		v->slave = act;
		snprintf(v->reason, sizeof(v->reason), "%s: unicast IP is balanced by "
			 "destination address over buckets assigned by load, ARP by "
			 "receive load balancing; other frames leave on the active slave%s",
			 mode, act ? "" : " (none: dropped)");
		if (!(f[0] & 1) && tlb_balances(f, len)) {
			v->slave = NULL;
			v->by_load = true;
		}
		break;
	}
}

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
static void how_text(struct strbuf *o, const struct verdict *v, const uint8_t *f,
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
			  (unsigned)(f[12] << 8 | f[13]));
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

int cmd_hash(struct cmd_ctx *c, int argc, char **argv)
{
	struct bond *b = cmd_find_bond(c, argv[0]);
	uint8_t frame[FRAME_DESC_MAX];
	struct frame_desc_info info;
	const char *mode, *policy;
	struct strbuf how;
	struct verdict v;
	char sm[18], dm[18];
	size_t len = 0;
	struct err e;
	unsigned i;

	if (!b)
		return CTL_EXIT_REFUSED;
	err_clear(&e);
	if (frame_desc_build_ex((const char *const *)(argv + 1), (unsigned)(argc - 1),
				b->mac, frame, sizeof(frame), &len, &info, &e)) {
		sb_printf(c->err, PROG ": hash: %s\n", e.msg);
		return CTL_EXIT_USAGE;
	}
	judge(b, frame, len, &v);
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
		else if (v.set_label && v.n_set && !v.indexed && v.hashed == false &&
			 b->params.mode == BOND_MODE_BROADCAST)
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
