/* lint [FILE]: the configuration warnings (config/conf_lint.h) of a
 * bondd.conf or of the configuration bondd runs, one line each with the
 * reason and the fix. The daemon reads the file and judges it with what
 * it knows at run time (slave speeds, MTUs, LACP partners); this handler
 * only prints, as text or as JSON. */
#include <stdlib.h>
#include <string.h>

#include "ctl_backend.h"
#include "ctl_cmd_impl.h"
#include "ctl_proto.h"

/* One "FILE:LINE: warning: TEXT" line as a JSON object. A line of another
 * shape (none today) keeps its whole text and an empty place. */
static void json_warning(struct strbuf *out, const char *line, size_t len)
{
	char *s = strndup(line, len);
	char *mark = s ? strstr(s, ": warning: ") : NULL;
	char *colon;
	unsigned long n = 0;

	if (!s) {
		out->oom = true;
		return;
	}
	sb_puts(out, "{\"file\":");
	if (!mark) {
		sb_puts(out, "\"\",\"line\":0,\"message\":");
		sb_json_str(out, s);
		sb_puts(out, "}");
		free(s);
		return;
	}
	*mark = '\0';
	colon = strrchr(s, ':');
	if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
		n = strtoul(colon + 1, NULL, 10);
		*colon = '\0';
	}
	sb_json_str(out, s);
	sb_printf(out, ",\"line\":%lu,\"message\":", n);
	sb_json_str(out, mark + strlen(": warning: "));
	sb_puts(out, "}");
	free(s);
}

int cmd_lint(struct cmd_ctx *c, int argc, char **argv)
{
	const char *file = argc > 0 ? argv[0] : NULL;
	struct strbuf msgs;
	struct err e;
	int rc;

	if (!c->be->ops->lint) {
		sb_puts(c->err, PROG ": lint: not possible with this backend\n");
		return CTL_EXIT_REFUSED;
	}
	/* bondd reads the file as root and quotes it in its messages: a
	 * member of the control group may lint the running configuration,
	 * only root a file of their choice. */
	if (file && !c->privileged)
		return cmd_fail(c, NULL, "lint %s: only root may have bondd read a file; 'bondctl lint' without a file judges the configuration bondd runs",
				file);
	if (file && file[0] != '/')
		return cmd_fail(c, NULL, "lint %s: the path must be absolute (bondd reads it, from its own directory)",
				file);
	sb_init(&msgs);
	err_clear(&e);
	rc = c->be->ops->lint(c->be->ctx, file, &msgs, &e);
	if (rc) {
		sb_puts(c->err, sb_str(&msgs));
		sb_free(&msgs);
		return cmd_fail_err(c, NULL, &e);
	}
	if (c->json) {
		const char *p = sb_str(&msgs);
		bool first = true;

		sb_puts(c->out, "{\"warnings\":[");
		while (*p) {
			size_t len = strcspn(p, "\n");

			if (len) {
				if (!first)
					sb_puts(c->out, ",");
				json_warning(c->out, p, len);
				first = false;
			}
			p += len + (p[len] == '\n');
		}
		sb_puts(c->out, "]}\n");
	} else {
		sb_puts(c->out, sb_str(&msgs));
	}
	sb_free(&msgs);
	return CTL_EXIT_OK;
}
