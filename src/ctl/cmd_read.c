/* The commands that read bonds: get (option values), list (names) and show
 * (the /proc/net/bonding text, or JSON). Nothing here changes a bond. */
#include <stdio.h>
#include <string.h>

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

int cmd_get(struct cmd_ctx *c, int argc, char **argv)
{
	struct bond *b = cmd_find_bond(c, argv[0]);
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
			rc = cmd_fail_err(c, argv[0], &e);
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
			rc = cmd_fail_err(c, argv[0], &e);
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
	status_json_io(b, &io, c->out);
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
			status_text(b, c->privileged, c->out);
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
		status_text(b, c->privileged, c->out);
	}
	if (c->json)
		sb_puts(c->out, "]\n");
	return CTL_EXIT_OK;
}
