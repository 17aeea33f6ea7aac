/* Command dispatch: one bondctl request -> daemon/engine calls -> text.
 *
 * ctl_exec() looks the command up in ctl_cmds[] (built from CTL_COMMANDS in
 * ctl_cmd.h), checks the argument count against the row, and calls the
 * row's handler with the arguments after the command name. Handlers only
 * translate: every rule about bonds and options lives in the daemon, the
 * engine and the option table, which either do the whole change or nothing
 * and explain why in a struct err. Handlers turn that into one line on
 * stderr, "bondctl: BOND: MESSAGE".
 *
 * Exit statuses: CTL_EXIT_OK, CTL_EXIT_REFUSED (the daemon said no),
 * CTL_EXIT_USAGE (the request itself is wrong: unknown command, wrong
 * number of arguments, an option without a value). */
#include "ctl_cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bond.h"
#include "core/engine.h"
#include "core/frame_desc.h"
#include "core/hash.h"
#include "core/opt.h"
#include "core/status.h"
#include "ctl_backend.h"
#include "ctl_proto.h"

#define PROG "bondctl"

struct ctx {
	const struct ctl_backend *be;
	struct engine *eng;
	bool json;
	struct strbuf *out;
	struct strbuf *err;
	const char *name;    /* the command, for usage messages */
	const char *usage;
};

typedef int (*cmd_fn)(struct ctx *c, int argc, char **argv);

#define CTL_DECL(id, name, min, max, usage, help) \
	static int cmd_##id(struct ctx *c, int argc, char **argv);
CTL_COMMANDS(CTL_DECL)
#undef CTL_DECL

struct ctl_cmd {
	const char *name;
	int min_args;        /* arguments after the command name */
	int max_args;        /* -1: no limit */
	cmd_fn handler;
	const char *usage;
};

#define CTL_ROW(id, name, min, max, usage, help) { name, min, max, cmd_##id, usage },
static const struct ctl_cmd ctl_cmds[] = { CTL_COMMANDS(CTL_ROW) };
#undef CTL_ROW

/* ---- messages ------------------------------------------------------------ */

static int usage(struct ctx *c)
{
	sb_printf(c->err, PROG ": usage: " PROG " %s%s%s\n", c->name,
		  *c->usage ? " " : "", c->usage);
	return CTL_EXIT_USAGE;
}

/* "bondctl: BOND: message" (BOND omitted when NULL). Returns REFUSED. */
static int fail(struct ctx *c, const char *bond, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct ctx *c, const char *bond, const char *fmt, ...)
{
	va_list ap;

	sb_puts(c->err, PROG ": ");
	if (bond)
		sb_printf(c->err, "%s: ", bond);
	va_start(ap, fmt);
	sb_vprintf(c->err, fmt, ap);
	va_end(ap);
	sb_puts(c->err, "\n");
	return CTL_EXIT_REFUSED;
}

/* The core may already start its message with "BOND: " (the kernel's
 * netdev_err style); drop it so the line names the bond once. */
static const char *err_text(const struct err *e, const char *bond)
{
	const char *m = e->msg;
	size_t n = bond ? strlen(bond) : 0;

	if (!*m)
		return strerror(e->code < 0 ? -e->code : EINVAL);
	if (n && strncmp(m, bond, n) == 0 && m[n] == ':' && m[n + 1] == ' ')
		m += n + 2;
	return m;
}

static int fail_err(struct ctx *c, const char *bond, const struct err *e)
{
	return fail(c, bond, "%s", err_text(e, bond));
}

static struct bond *find_bond(struct ctx *c, const char *name)
{
	struct bond *b = engine_bond_find(c->eng, name);

	if (!b)
		fail(c, name, "no such bond");
	return b;
}

/* ---- option arguments ------------------------------------------------------ */

/* A per-slave option given to a bond gets a pointer to the right command.
 * Everything else (unknown names with their "did you mean", module
 * parameters, values) is judged by the option code, in its own words. */
static int check_bond_option(struct ctx *c, const char *bond, const char *name)
{
	const struct opt_desc *o = opt_find(name);

	if (o && (o->flags & OPT_PER_SLAVE))
		return fail(c, bond, "option %s: is a per-slave option: use '" PROG
			    " set-slave %s IF %s VALUE'", name, bond, name);
	return CTL_EXIT_OK;
}

/* Splits the words after BOND into option names and values. Each option
 * is either two words, "OPTION VALUE", or one, "OPTION=VALUE" (split in
 * place at the first '='). names/values must hold argc entries.
 * Returns the number of options, or -1 after printing the error (*rc). */
static int parse_options(struct ctx *c, const char *bond, int argc, char **argv,
			 const char **names, const char **values, int *rc)
{
	int i = 0, n = 0;

	while (i < argc) {
		char *eq = strchr(argv[i], '=');

		if (eq && eq != argv[i]) {
			*eq = '\0';
			names[n] = argv[i];
			values[n] = eq + 1;
			i++;
		} else if (i + 1 < argc) {
			names[n] = argv[i];
			values[n] = argv[i + 1];
			i += 2;
		} else {
			sb_printf(c->err, PROG ": %s: option %s has no value\n",
				  bond, argv[i]);
			*rc = CTL_EXIT_USAGE;
			return -1;
		}
		*rc = check_bond_option(c, bond, names[n]);
		if (*rc)
			return -1;
		n++;
	}
	return n;
}

/* Runs create or set: both take BOND then options. */
static int with_options(struct ctx *c, int argc, char **argv, bool create)
{
	const char *bond = argv[0];
	const char **names, **values;
	struct err e;
	int n, rc = CTL_EXIT_OK;

	if (!create && !find_bond(c, bond))
		return CTL_EXIT_REFUSED;
	names = calloc((size_t)argc, sizeof(*names));
	values = calloc((size_t)argc, sizeof(*values));
	if (!names || !values) {
		rc = fail(c, bond, "out of memory");
		goto out;
	}
	n = parse_options(c, bond, argc - 1, argv + 1, names, values, &rc);
	if (n < 0)
		goto out;
	if (!create && n == 0) {
		rc = usage(c);
		goto out;
	}
	err_clear(&e);
	if (create)
		rc = c->be->ops->bond_create(c->be->ctx, bond, (unsigned)n, names, values, &e);
	else
		rc = c->be->ops->set(c->be->ctx, bond, (unsigned)n, names, values, &e);
	rc = rc ? fail_err(c, bond, &e) : CTL_EXIT_OK;
out:
	free(names);
	free(values);
	return rc;
}

/* ---- commands --------------------------------------------------------------- */

static int cmd_create(struct ctx *c, int argc, char **argv)
{
	return with_options(c, argc, argv, true);
}

static int cmd_set(struct ctx *c, int argc, char **argv)
{
	return with_options(c, argc, argv, false);
}

static int cmd_delete(struct ctx *c, int argc, char **argv)
{
	struct err e;

	if (!find_bond(c, argv[0]))
		return CTL_EXIT_REFUSED;
	err_clear(&e);
	if (c->be->ops->bond_delete(c->be->ctx, argv[0], &e))
		return fail_err(c, argv[0], &e);
	return CTL_EXIT_OK;
}

/* reload: warnings go to stdout, the refusal (with every FILE:LINE error)
 * to stderr; a refused configuration changes nothing. */
static int cmd_reload(struct ctx *c, int argc, char **argv)
{
	struct strbuf msgs;
	struct err e;
	int rc;

	sb_init(&msgs);
	err_clear(&e);
	rc = c->be->ops->reload(c->be->ctx, &msgs, &e);
	if (rc) {
		sb_puts(c->err, sb_str(&msgs));
		sb_free(&msgs);
		return fail_err(c, NULL, &e);
	}
	sb_puts(c->out, sb_str(&msgs));
	sb_free(&msgs);
	return CTL_EXIT_OK;
}

typedef int (*slave_op)(void *ctx, const char *bond, const char *ifname,
			struct err *err);

/* enslave/release: each interface in order, stopping at the first error,
 * then saying which ones were done and which were not tried. */
static int each_slave(struct ctx *c, int argc, char **argv, slave_op op,
		      const char *verb, const char *done)
{
	const char *bond = argv[0], *msg;
	char tag[BOND_NAME_MAX + 64];
	struct err e;
	int i, j;

	if (!find_bond(c, bond))
		return CTL_EXIT_REFUSED;
	for (i = 1; i < argc; i++) {
		err_clear(&e);
		if (op(c->be->ctx, bond, argv[i], &e) == 0)
			continue;
		msg = err_text(&e, bond);
		/* "(slave eth1): ..." already names the interface. */
		snprintf(tag, sizeof(tag), "(slave %s): ", argv[i]);
		if (strncmp(msg, tag, strlen(tag)) == 0)
			fail(c, bond, "%s", msg);
		else
			fail(c, bond, "cannot %s %s: %s", verb, argv[i], msg);
		if (i > 1 || i + 1 < argc) {
			sb_printf(c->err, PROG ": %s: %s:", bond, done);
			if (i == 1)
				sb_puts(c->err, " none");
			for (j = 1; j < i; j++)
				sb_printf(c->err, " %s", argv[j]);
			if (i + 1 < argc) {
				sb_puts(c->err, "; not tried:");
				for (j = i + 1; j < argc; j++)
					sb_printf(c->err, " %s", argv[j]);
			}
			sb_puts(c->err, "\n");
		}
		return CTL_EXIT_REFUSED;
	}
	return CTL_EXIT_OK;
}

static int cmd_enslave(struct ctx *c, int argc, char **argv)
{
	return each_slave(c, argc, argv, c->be->ops->enslave, "enslave", "enslaved");
}

static int cmd_release(struct ctx *c, int argc, char **argv)
{
	return each_slave(c, argc, argv, c->be->ops->release, "release", "released");
}

static int cmd_active(struct ctx *c, int argc, char **argv)
{
	struct bond *b = find_bond(c, argv[0]);
	const char *ifname = argv[1];
	struct err e;

	if (!b)
		return CTL_EXIT_REFUSED;
	/* "none" and "" both clear, as writing an empty active_slave does. */
	if (strcmp(ifname, "none") == 0 || !*ifname)
		ifname = NULL;
	err_clear(&e);
	if (bond_set_active_slave(b, ifname, c->be->ops->now(c->be->ctx), &e))
		return fail_err(c, argv[0], &e);
	return CTL_EXIT_OK;
}

static int cmd_set_slave(struct ctx *c, int argc, char **argv)
{
	const char *bond = argv[0], *ifname = argv[1], *name = argv[2];
	const struct opt_desc *o = opt_find(name);
	struct bond *b = find_bond(c, bond);
	struct slave *s;
	struct err e;

	if (!b)
		return CTL_EXIT_REFUSED;
	s = bond_find_slave(b, ifname);
	if (!s)
		return fail(c, bond, "%s is not a slave of %s", ifname, bond);
	err_clear(&e);
	if (o && o->id == OPT_QUEUE_ID) {
		/* The kernel keeps queue_id as a bond option written
		 * "IF:QUEUE_ID" (sysfs); the option code checks it there. */
		const char *names[1] = { o->name };
		const char *values[1];
		struct strbuf v;
		int rc;

		sb_init(&v);
		sb_printf(&v, "%s:%s", ifname, argv[3]);
		if (v.oom) {
			sb_free(&v);
			return fail(c, bond, "out of memory");
		}
		values[0] = sb_str(&v);
		rc = c->be->ops->set(c->be->ctx, bond, 1, names, values, &e);
		sb_free(&v);
		return rc ? fail_err(c, bond, &e) : CTL_EXIT_OK;
	}
	if (opt_slave_set(s, name, argv[3], c->be->ops->now(c->be->ctx), &e))
		return fail(c, bond, "(slave %s): %s", ifname, err_text(&e, bond));
	return CTL_EXIT_OK;
}

/* Options "get BOND" lists: what the bond's sysfs directory shows. */
static bool is_bond_option(const struct opt_desc *o)
{
	return !(o->flags & (OPT_PER_SLAVE | OPT_MODULE));
}

static int cmd_get(struct ctx *c, int argc, char **argv)
{
	struct bond *b = find_bond(c, argv[0]);
	struct strbuf v;
	struct err e;
	int rc = CTL_EXIT_OK;
	bool first = true;
	size_t i;

	if (!b)
		return CTL_EXIT_REFUSED;
	sb_init(&v);
	if (argc == 2) {
		err_clear(&e);
		if (opt_get(b, argv[1], &v, &e)) {
			rc = fail_err(c, argv[0], &e);
			goto out;
		}
		if (c->json) {
			sb_puts(c->out, "{");
			sb_json_str(c->out, argv[1]);
			sb_puts(c->out, ":");
			sb_json_str(c->out, sb_str(&v));
			sb_puts(c->out, "}\n");
		} else {
			sb_printf(c->out, "%s\n", sb_str(&v));
		}
		goto out;
	}

	/* Every bond option in table order. One unreadable option is
	 * reported and the others are still printed. */
	if (c->json)
		sb_puts(c->out, "{");
	for (i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *o = &opt_table[i];

		if (!is_bond_option(o))
			continue;
		sb_reset(&v);
		err_clear(&e);
		if (opt_get(b, o->name, &v, &e)) {
			rc = fail_err(c, argv[0], &e);
			continue;
		}
		if (c->json) {
			sb_puts(c->out, first ? "" : ",");
			sb_json_str(c->out, o->name);
			sb_puts(c->out, ":");
			sb_json_str(c->out, sb_str(&v));
		} else if (v.len) {
			sb_printf(c->out, "%s %s\n", o->name, sb_str(&v));
		} else {
			sb_printf(c->out, "%s\n", o->name);
		}
		first = false;
	}
	if (c->json)
		sb_puts(c->out, "}\n");
out:
	if (v.oom)
		rc = fail(c, argv[0], "out of memory");
	sb_free(&v);
	return rc;
}

static int cmd_list(struct ctx *c, int argc, char **argv)
{
	unsigned i, n = engine_bond_count(c->eng);

	if (c->json)
		sb_puts(c->out, "[");
	for (i = 0; i < n; i++) {
		const struct bond *b = engine_bond_at(c->eng, i);

		if (c->json) {
			sb_puts(c->out, i ? "," : "");
			sb_json_str(c->out, b->name);
		} else {
			sb_printf(c->out, "%s\n", b->name);
		}
	}
	if (c->json)
		sb_puts(c->out, "]\n");
	return CTL_EXIT_OK;
}

static bool ends_with_blank_line(const struct strbuf *sb)
{
	return sb->len >= 2 && sb->buf[sb->len - 1] == '\n' &&
	       sb->buf[sb->len - 2] == '\n';
}

static int cmd_show(struct ctx *c, int argc, char **argv)
{
	unsigned i, n;

	if (argc == 1) {
		struct bond *b = find_bond(c, argv[0]);

		if (!b)
			return CTL_EXIT_REFUSED;
		if (c->json) {
			status_json(b, c->out);
			sb_puts(c->out, "\n");
		} else {
			status_proc(b, true, c->out);
		}
		return CTL_EXIT_OK;
	}

	n = engine_bond_count(c->eng);
	if (c->json)
		sb_puts(c->out, "[");
	for (i = 0; i < n; i++) {
		const struct bond *b = engine_bond_at(c->eng, i);

		if (c->json) {
			sb_puts(c->out, i ? "," : "");
			status_json(b, c->out);
			continue;
		}
		/* One blank line between bonds, however each text ends. */
		if (i && !ends_with_blank_line(c->out))
			sb_puts(c->out, "\n");
		status_proc(b, true, c->out);
	}
	if (c->json)
		sb_puts(c->out, "]\n");
	return CTL_EXIT_OK;
}

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

static int cmd_hash(struct ctx *c, int argc, char **argv)
{
	struct bond *b = find_bond(c, argv[0]);
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
		return fail(c, argv[0], "out of memory");
	}
	sb_free(&how);
	return CTL_EXIT_OK;
}

/* ---- options: the option table as help ---------------------------------- */

static const char *type_text(enum opt_type t)
{
	switch (t) {
	case OPT_T_ENUM:      return "one of the names (or their numbers)";
	case OPT_T_UINT:      return "unsigned integer";
	case OPT_T_INT:       return "integer";
	case OPT_T_IFNAME:    return "interface name, or empty for none";
	case OPT_T_IPV4_LIST: return "IPv4 addresses";
	case OPT_T_IPV6_LIST: return "IPv6 addresses";
	case OPT_T_MAC:       return "MAC address";
	case OPT_T_SLAVE_QID: return "IF:QUEUE_ID";
	case OPT_T_SLAVES:    return "+IF to enslave, -IF to release";
	}
	return "value";
}

static const char *type_name(enum opt_type t)
{
	switch (t) {
	case OPT_T_ENUM:      return "enum";
	case OPT_T_UINT:      return "uint";
	case OPT_T_INT:       return "int";
	case OPT_T_IFNAME:    return "ifname";
	case OPT_T_IPV4_LIST: return "ipv4_list";
	case OPT_T_IPV6_LIST: return "ipv6_list";
	case OPT_T_MAC:       return "mac";
	case OPT_T_SLAVE_QID: return "slave_queue_id";
	case OPT_T_SLAVES:    return "slaves";
	}
	return "value";
}

/* The kernel's value tables name range ends and defaults "minval",
 * "maxval", "default"; those are markers, not values a user would type. */
static bool is_marker_name(const char *n)
{
	return !strcmp(n, "minval") || !strcmp(n, "maxval") || !strcmp(n, "default");
}

static const char *mode_name(unsigned m, char buf[16])
{
	const char *n = opt_value_name(OPT_MODE, m);

	if (n)
		return n;
	snprintf(buf, 16, "%u", m);
	return buf;
}

struct opt_summary {
	const struct opt_value *min, *max, *def;
};

static struct opt_summary summarize(const struct opt_desc *o)
{
	struct opt_summary s = { NULL, NULL, NULL };
	const struct opt_value *v;

	for (v = o->values; v && v->name; v++) {
		if ((v->flags & OPTV_MIN) && !s.min)
			s.min = v;
		if (v->flags & OPTV_MAX)
			s.max = v;
		if ((v->flags & OPTV_DEFAULT) && !s.def)
			s.def = v;
	}
	return s;
}

static const struct {
	unsigned flag;
	const char *json;   /* name in `options --json` */
	const char *text;   /* line in `options`; NULL: internal, not shown */
} flag_text[] = {
	{ OPT_NOSLAVES,  "noslaves",  "can change only while the bond has no slaves" },
	{ OPT_IFDOWN,    "ifdown",    "can change only while the bond is down" },
	{ OPT_PER_SLAVE, "per_slave", "set on a slave: " PROG " set-slave BOND IF OPTION VALUE" },
	{ OPT_MODULE,    "module",    "module parameter: config files only, not a bond option" },
	{ OPT_RAWVAL,    "rawval",    NULL },
	{ OPT_PENDING,   "pending",   "not built yet: only the default value is accepted" },
};

static void options_text(struct ctx *c)
{
	size_t i, f;

	for (i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *o = &opt_table[i];
		struct opt_summary s = summarize(o);
		const struct opt_value *v;
		bool any = false;
		char buf[16];
		unsigned m;

		sb_printf(c->out, "%s", o->name);
		if (o->alias)
			sb_printf(c->out, " (alias %s)", o->alias);
		sb_printf(c->out, "\n    %s\n    values: ", o->desc ? o->desc : "");
		/* As the kernel's range check: no MIN entry means from 0. */
		if (s.max) {
			sb_printf(c->out, "%llu-%llu",
				  (unsigned long long)(s.min ? s.min->value : 0),
				  (unsigned long long)s.max->value);
			any = true;
		}
		for (v = o->values; v && v->name; v++) {
			if (is_marker_name(v->name))
				continue;
			sb_printf(c->out, "%s%s (%llu)", any ? ", " : "", v->name,
				  (unsigned long long)v->value);
			any = true;
		}
		if (!any)
			sb_puts(c->out, type_text(o->type));
		if (s.def) {
			if (o->type == OPT_T_ENUM)
				sb_printf(c->out, "\n    default: %s", s.def->name);
			else if (!is_marker_name(s.def->name))
				sb_printf(c->out, "\n    default: %s (%llu)", s.def->name,
					  (unsigned long long)s.def->value);
			else
				sb_printf(c->out, "\n    default: %llu",
					  (unsigned long long)s.def->value);
		}
		sb_puts(c->out, "\n    modes: ");
		if ((o->modes & MODES_ALL) == MODES_ALL) {
			sb_puts(c->out, "all");
		} else if (!o->modes) {
			sb_puts(c->out, "none");
		} else {
			const char *sep = "";

			for (m = 0; m < BOND_MODE__COUNT; m++) {
				if (!(o->modes & MODE_BIT(m)))
					continue;
				sb_printf(c->out, "%s%s", sep, mode_name(m, buf));
				sep = ", ";
			}
		}
		sb_puts(c->out, "\n");
		for (f = 0; f < ARRAY_SIZE(flag_text); f++)
			if ((o->flags & flag_text[f].flag) && flag_text[f].text)
				sb_printf(c->out, "    %s\n", flag_text[f].text);
		if (i + 1 < OPT__COUNT)
			sb_puts(c->out, "\n");
	}
}

static void options_json(struct ctx *c)
{
	size_t i, f;

	sb_puts(c->out, "[");
	for (i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *o = &opt_table[i];
		struct opt_summary s = summarize(o);
		const struct opt_value *v;
		const char *sep = "";
		char buf[16];
		unsigned m;

		sb_puts(c->out, i ? ",{\"name\":" : "{\"name\":");
		sb_json_str(c->out, o->name);
		sb_puts(c->out, ",\"alias\":");
		if (o->alias)
			sb_json_str(c->out, o->alias);
		else
			sb_puts(c->out, "null");
		sb_puts(c->out, ",\"desc\":");
		sb_json_str(c->out, o->desc ? o->desc : "");
		sb_printf(c->out, ",\"type\":\"%s\",\"values\":[", type_name(o->type));
		for (v = o->values; v && v->name; v++) {
			sb_puts(c->out, sep);
			sb_puts(c->out, "{\"name\":");
			sb_json_str(c->out, v->name);
			sb_printf(c->out, ",\"value\":%llu}", (unsigned long long)v->value);
			sep = ",";
		}
		sb_puts(c->out, "],\"min\":");
		if (s.max)
			sb_printf(c->out, "%llu",
				  (unsigned long long)(s.min ? s.min->value : 0));
		else
			sb_puts(c->out, "null");
		sb_puts(c->out, ",\"max\":");
		if (s.max)
			sb_printf(c->out, "%llu", (unsigned long long)s.max->value);
		else
			sb_puts(c->out, "null");
		sb_puts(c->out, ",\"default\":");
		if (s.def)
			sb_printf(c->out, "%llu", (unsigned long long)s.def->value);
		else
			sb_puts(c->out, "null");
		sb_puts(c->out, ",\"default_name\":");
		if (s.def && !is_marker_name(s.def->name))
			sb_json_str(c->out, s.def->name);
		else
			sb_puts(c->out, "null");
		sb_puts(c->out, ",\"modes\":[");
		sep = "";
		for (m = 0; m < BOND_MODE__COUNT; m++) {
			if (!(o->modes & MODE_BIT(m)))
				continue;
			sb_puts(c->out, sep);
			sb_json_str(c->out, mode_name(m, buf));
			sep = ",";
		}
		sb_puts(c->out, "],\"flags\":[");
		sep = "";
		for (f = 0; f < ARRAY_SIZE(flag_text); f++) {
			if (!(o->flags & flag_text[f].flag))
				continue;
			sb_printf(c->out, "%s\"%s\"", sep, flag_text[f].json);
			sep = ",";
		}
		sb_puts(c->out, "]}");
	}
	sb_puts(c->out, "]\n");
}

static int cmd_options(struct ctx *c, int argc, char **argv)
{
	if (c->json)
		options_json(c);
	else
		options_text(c);
	return CTL_EXIT_OK;
}

static int cmd_help(struct ctx *c, int argc, char **argv)
{
	ctl_help(c->out, PROG);
	return CTL_EXIT_OK;
}

static int cmd_version(struct ctx *c, int argc, char **argv)
{
	if (c->json)
		sb_puts(c->out, "{\"version\":\"" BONDD_VERSION "\",\"kernel_compat\":\""
			BONDD_KERNEL_COMPAT "\"}\n");
	else
		sb_puts(c->out, "bondd " BONDD_VERSION " (Linux bonding "
			BONDD_KERNEL_COMPAT " behaviour)\n");
	return CTL_EXIT_OK;
}

/* ---- dispatch --------------------------------------------------------------- */

int ctl_exec(const struct ctl_backend *be, int argc, char **argv, bool json,
	     struct strbuf *out, struct strbuf *errout)
{
	struct ctx c = { .be = be, .json = json, .out = out, .err = errout };
	const struct ctl_cmd *cmd = NULL;
	const char *hint;
	size_t i;
	int nargs;

	if (argc < 1 || !argv[0]) {
		sb_puts(errout, PROG ": no command; see '" PROG " help'\n");
		return CTL_EXIT_USAGE;
	}
	for (i = 0; i < ARRAY_SIZE(ctl_cmds); i++) {
		if (strcmp(argv[0], ctl_cmds[i].name) == 0) {
			cmd = &ctl_cmds[i];
			break;
		}
	}
	if (!cmd) {
		hint = ctl_suggest(argv[0]);
		if (hint)
			sb_printf(errout, PROG ": unknown command '%s' (did you mean '%s'?)\n",
				  argv[0], hint);
		else
			sb_printf(errout, PROG ": unknown command '%s'; see '" PROG " help'\n",
				  argv[0]);
		return CTL_EXIT_USAGE;
	}
	c.name = cmd->name;
	c.usage = cmd->usage;
	nargs = argc - 1;
	if (nargs < cmd->min_args || (cmd->max_args >= 0 && nargs > cmd->max_args))
		return usage(&c);
	c.eng = be->ops->engine(be->ctx);
	return cmd->handler(&c, nargs, argv + 1);
}
