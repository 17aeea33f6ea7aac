/* `bondctl metrics [openmetrics]`: what `bondd --metrics` serves, for a
 * look without an HTTP client, or a cron job's textfile. With -j, the text
 * in a JSON object with its format and content type (docs/json.md). */
#include <string.h>

#include "ctl_cmd_impl.h"
#include "ctl_proto.h"
#include "metrics_text.h"

int cmd_metrics(struct cmd_ctx *c, int argc, char **argv)
{
	enum metrics_format f = METRICS_TEXT;
	struct strbuf text;

	if (argc == 1) {
		if (strcmp(argv[0], "openmetrics"))
			return cmd_usage(c);
		f = METRICS_OPENMETRICS;
	}
	if (!c->json) {
		metrics_render(c->be, f, c->out);
		return CTL_EXIT_OK;
	}
	sb_init(&text);
	metrics_render(c->be, f, &text);
	sb_puts(c->out, "{\"format\":");
	sb_json_str(c->out, f == METRICS_OPENMETRICS ? "openmetrics-1.0.0" : "text-0.0.4");
	sb_puts(c->out, ",\"content_type\":");
	sb_json_str(c->out, f == METRICS_OPENMETRICS ? METRICS_CT_OPENMETRICS : METRICS_CT_TEXT);
	sb_puts(c->out, ",\"text\":");
	sb_json_str(c->out, sb_str(&text));
	sb_puts(c->out, "}\n");
	if (text.oom)
		c->out->oom = true;
	sb_free(&text);
	return CTL_EXIT_OK;
}
