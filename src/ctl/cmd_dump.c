/* dump [BOND] and diff FILE: the running configuration written back out,
 * and what a configuration file would change.
 *
 * The daemon builds both (it knows the engine, the devices and the
 * configuration it loaded); these handlers only check the request and
 * print, as text or JSON.
 *
 * diff: bondctl reads FILE itself and sends its text as the request's
 * second word (bounded by CTL_MAX_REQUEST), so a member of the control
 * group may compare any file it can read and the daemon never opens a
 * path a client names. Exit status as diff(1): 0 nothing differs, 1
 * something does, 2 the file is refused (its errors, "FILE:LINE: ...", on
 * stderr) or the request is wrong. */
#include <string.h>

#include "ctl_backend.h"
#include "ctl_cmd_impl.h"
#include "ctl_proto.h"

int cmd_dump(struct cmd_ctx *c, int argc, char **argv)
{
	const char *bond = argc > 0 ? argv[0] : NULL;
	struct strbuf text;
	struct err e;

	if (!c->be->ops->dump) {
		sb_puts(c->err, PROG ": dump: not possible with this backend\n");
		return CTL_EXIT_REFUSED;
	}
	if (bond && !cmd_find_bond(c, bond))
		return CTL_EXIT_REFUSED;
	sb_init(&text);
	err_clear(&e);
	if (c->be->ops->dump(c->be->ctx, bond, &text, &e) < 0) {
		sb_free(&text);
		return cmd_fail_err(c, bond, &e);
	}
	if (text.oom) {
		sb_free(&text);
		return cmd_fail(c, bond, "dump: out of memory");
	}
	if (c->json) {
		sb_puts(c->out, "{\"config\":");
		sb_json_str(c->out, sb_str(&text));
		sb_puts(c->out, "}\n");
	} else {
		sb_puts(c->out, sb_str(&text));
	}
	sb_free(&text);
	return CTL_EXIT_OK;
}

struct diff_out {
	struct cmd_ctx *c;
	unsigned n;
};

/* JSON's "nothing" is null, never "" (docs/json.md). */
static void put_change(void *arg, const struct ctl_change *ch)
{
	struct diff_out *d = arg;
	struct strbuf *out = d->c->out;

	if (d->c->json) {
		char op[2] = { ch->op, '\0' };

		sb_puts(out, d->n ? "," : "");
		sb_puts(out, "{\"op\":");
		sb_json_str(out, op);
		sb_puts(out, ",\"kind\":");
		sb_json_str(out, ch->kind);
		sb_puts(out, ",\"device\":");
		sb_json_str(out, ch->dev);
		sb_puts(out, ",\"name\":");
		sb_json_str(out, ch->name);
		sb_puts(out, ",\"from\":");
		sb_json_str_or_null(out, ch->from);
		sb_puts(out, ",\"to\":");
		sb_json_str_or_null(out, ch->to);
		sb_printf(out, ",\"by_reload\":%s,\"text\":", ch->by_reload ? "true" : "false");
		sb_json_str(out, ch->text);
		sb_puts(out, "}");
	} else {
		sb_printf(out, "%s%s\n", ch->text,
			  ch->can_reload && !ch->by_reload ? "  (kept by reload)" : "");
	}
	d->n++;
}

int cmd_diff(struct cmd_ctx *c, int argc, char **argv)
{
	struct diff_out d = { .c = c };
	struct strbuf msgs;
	struct err e;
	int rc;

	(void)argc;
	if (!c->be->ops->diff) {
		sb_puts(c->err, PROG ": diff: not possible with this backend\n");
		return CTL_EXIT_USAGE;
	}
	if (!argv[0][0]) {
		sb_puts(c->err, PROG ": diff: the file's name is empty\n");
		return CTL_EXIT_USAGE;
	}
	sb_init(&msgs);
	err_clear(&e);
	if (c->json)
		sb_puts(c->out, "{\"file\":");
	if (c->json) {
		sb_json_str(c->out, argv[0]);
		sb_puts(c->out, ",\"changes\":[");
	}
	rc = c->be->ops->diff(c->be->ctx, argv[0], argv[1], put_change, &d, &msgs, &e);
	sb_puts(c->err, sb_str(&msgs));
	sb_free(&msgs);
	if (rc < 0) {
		sb_reset(c->out);
		cmd_fail_err(c, NULL, &e);
		return CTL_EXIT_USAGE;
	}
	if (c->json)
		sb_printf(c->out, "],\"differs\":%s}\n", d.n ? "true" : "false");
	return d.n ? CTL_EXIT_REFUSED : CTL_EXIT_OK;
}
