/* The commands that read bonds: get (option values), list (names) and show
 * (the /proc/net/bonding text, or JSON). Nothing here changes a bond. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/actions.h"
#include "core/bond.h"
#include "core/engine.h"
#include "core/opt.h"
#include "core/status.h"
#include "status_json.h"
#include "status_text.h"
#include "ctl_backend.h"
#include "ctl_cmd_impl.h"
#include "ctl_proto.h"

/* Options "get BOND" lists: what the bond's sysfs directory shows. */
static bool is_bond_option(const struct opt_desc *o)
{
	return !(o->flags & (OPT_PER_SLAVE | OPT_MODULE));
}

/* One "name value" line, or a JSON member (first: no comma before). */
static void put_pair(struct cmd_ctx *c, const char *name, const char *value, bool first)
{
	if (c->json) {
		sb_puts(c->out, first ? "" : ",");
		sb_json_str(c->out, name);
		sb_puts(c->out, ":");
		status_json_opt(c->out, name, value);
	} else if (value[0]) {
		sb_printf(c->out, "%s %s\n", name, value);
	} else {
		sb_printf(c->out, "%s\n", name);
	}
}

static void put_single(struct cmd_ctx *c, const char *name, const char *value)
{
	if (c->json) {
		sb_puts(c->out, "{");
		put_pair(c, name, value, true);
		sb_puts(c->out, "}\n");
	} else {
		sb_printf(c->out, "%s\n", value);
	}
}

/* A slave's attributes: the read-only 802.3ad ones (its bonding_slave
 * sysfs directory) and the per-slave options; one, or all of them. */
static int get_slave(struct cmd_ctx *c, const struct bond *b, const struct slave *s,
		     const char *name, struct strbuf *v)
{
	static const char *const slave_opts[] = { "prio", "ad_actor_port_prio" };
	struct err e;
	bool first = true;

	if (name) {
		err_clear(&e);
		if (opt_slave_get_ro(b, s, name, v) == 0 || opt_slave_get(s, name, v, &e) == 0) {
			put_single(c, name, sb_str(v));
			return CTL_EXIT_OK;
		}
		return cmd_fail(c, b->name, "%s: no attribute %s (one of ad_aggregator_id, "
				"ad_actor_oper_port_state, ad_partner_oper_port_state, prio, "
				"ad_actor_port_prio)", s->name, name);
	}
	if (c->json)
		sb_puts(c->out, "{");
	for (unsigned i = 0; i < ARRAY_SIZE(slave_opts); i++) {
		sb_reset(v);
		err_clear(&e);
		if (opt_slave_get(s, slave_opts[i], v, &e))
			return cmd_fail_err(c, b->name, &e);
		put_pair(c, slave_opts[i], sb_str(v), first);
		first = false;
	}
	for (unsigned i = 0; opt_ro_slave_attrs[i]; i++) {
		sb_reset(v);
		opt_slave_get_ro(b, s, opt_ro_slave_attrs[i], v);
		put_pair(c, opt_ro_slave_attrs[i], sb_str(v), false);
	}
	if (c->json)
		sb_puts(c->out, "}\n");
	return CTL_EXIT_OK;
}

int cmd_get(struct cmd_ctx *c, int argc, char **argv)
{
	struct bond *b = cmd_find_bond(c, argv[0]);
	struct slave *s;
	struct strbuf v;
	struct err e;
	int rc = CTL_EXIT_OK;
	bool first = true;
	size_t i;

	if (!b)
		return CTL_EXIT_REFUSED;
	sb_init(&v);
	if (argc == 3) {
		s = bond_find_slave(b, argv[1]);
		rc = s ? get_slave(c, b, s, argv[2], &v) :
			 cmd_fail(c, argv[0], "%s is not a slave of this bond", argv[1]);
		goto out;
	}
	if (argc == 2) {
		/* A read-only attribute, an option, or (a name that is
		 * neither) a slave's attributes. */
		if (opt_get_ro(b, argv[1], c->privileged, &v) == 0) {
			put_single(c, argv[1], sb_str(&v));
			goto out;
		}
		s = opt_find(argv[1]) ? NULL : bond_find_slave(b, argv[1]);
		if (s) {
			rc = get_slave(c, b, s, NULL, &v);
			goto out;
		}
		err_clear(&e);
		if (opt_get(b, argv[1], &v, &e)) {
			rc = cmd_fail_err(c, argv[0], &e);
			goto out;
		}
		put_single(c, argv[1], sb_str(&v));
		goto out;
	}

	/* Every bond option in table order, then the read-only attributes
	 * (the bond's sysfs directory). One unreadable option is reported
	 * and the others are still printed. */
	if (c->json)
		sb_puts(c->out, "{");
	for (i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *o = &opt_table[i];

		if (!is_bond_option(o))
			continue;
		sb_reset(&v);
		err_clear(&e);
		if (opt_get(b, o->name, &v, &e)) {
			rc = cmd_fail_err(c, argv[0], &e);
			continue;
		}
		put_pair(c, o->name, sb_str(&v), first);
		first = false;
	}
	for (i = 0; opt_ro_bond_attrs[i]; i++) {
		sb_reset(&v);
		opt_get_ro(b, opt_ro_bond_attrs[i], c->privileged, &v);
		put_pair(c, opt_ro_bond_attrs[i], sb_str(&v), first);
		first = false;
	}
	if (c->json)
		sb_puts(c->out, "}\n");
out:
	if (v.oom)
		rc = cmd_fail(c, argv[0], "out of memory");
	sb_free(&v);
	return rc;
}

int cmd_list(struct cmd_ctx *c, int argc, char **argv)
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

/* show --json of one bond, with its data path when the backend knows it. */
static void show_json(struct cmd_ctx *c, const struct bond *b)
{
	struct ctl_bond_io io = { 0 };

	if (c->be && c->be->ops->bond_io)
		c->be->ops->bond_io(c->be->ctx, b->name, &io);
	if (c->be && c->be->ops->now)
		io.now_ms = c->be->ops->now(c->be->ctx);
	status_json_io(b, &io, c->out);
	/* its VLAN sub-interfaces, inside the bond's object (docs/json.md) */
	if (c->be && c->be->ops->vlans && c->out->len && c->out->buf[c->out->len - 1] == '}') {
		struct ctl_vlan *v;
		int n = ctl_vlans_get(c, b->name, &v);

		/* only a bond that has any: the object of a bond without
		 * VLANs stays as it was */
		if (n <= 0) {
			free(v);
			return;
		}
		c->out->len--;
		sb_puts(c->out, ",\"vlans\":[");
		for (int i = 0; i < n; i++) {
			sb_puts(c->out, i ? "," : "");
			ctl_vlan_json(&v[i], c->out);
		}
		sb_puts(c->out, "]}");
		free(v);
	}
}

/* show's text: the /proc/net/bonding layout, byte for byte, then (only for
 * a bond that has any) its VLAN sub-interfaces, which the kernel's file
 * does not list: a parser of the kernel's layout reads what it knows and
 * stops at the blank line. */
static void show_text(struct cmd_ctx *c, const struct bond *b)
{
	struct ctl_vlan *v;
	int n;

	status_text(b, c->privileged, c->out);
	n = ctl_vlans_get(c, b->name, &v);
	if (n > 0)
		ctl_vlans_text(v, (unsigned)n, c->out);
	free(v);
}

int cmd_show(struct cmd_ctx *c, int argc, char **argv)
{
	unsigned i, n;

	if (argc == 1) {
		struct bond *b = cmd_find_bond(c, argv[0]);

		if (!b)
			return CTL_EXIT_REFUSED;
		if (c->json) {
			show_json(c, b);
			sb_puts(c->out, "\n");
		} else {
			show_text(c, b);
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
			show_json(c, b);
			continue;
		}
		/* One blank line between bonds, however each text ends. */
		if (i && !ends_with_blank_line(c->out))
			sb_puts(c->out, "\n");
		show_text(c, b);
	}
	if (c->json)
		sb_puts(c->out, "]\n");
	return CTL_EXIT_OK;
}
