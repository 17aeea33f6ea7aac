/* The lines of a `bondctl monitor` stream (ctl_monitor.h). Apart from the
 * commands so that the server links without the dispatch table. */
#include "ctl_monitor.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/actions.h"

const char *ctl_monitor_dropped(bool json)
{
	return json ? "{\"event\":\"dropped\",\"reason\":\"too slow\"}\n" :
		      CTL_MONITOR_DROPPED;
}

/* A name or reason in a text line: control bytes become '?', so one event
 * stays one line whatever an interface is called. */
static void text_word(struct strbuf *out, const char *s)
{
	for (; *s; s++)
		sb_printf(out, "%c", (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

void ctl_event_format(const struct bond_event *ev, uint64_t wall_us, bool json,
		      struct strbuf *out)
{
	time_t secs = (time_t)(wall_us / 1000000u);
	char stamp[64];
	struct tm tm;

	if (!gmtime_r(&secs, &tm) || !strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(stamp, sizeof(stamp), "@%llu", (unsigned long long)secs);
	if (json) {
		sb_printf(out, "{\"time\":\"%s.%06uZ\",\"bond\":", stamp,
			  (unsigned)(wall_us % 1000000u));
		sb_json_str(out, ev->bond);
		sb_puts(out, ",\"slave\":");
		sb_json_str_or_null(out, ev->slave);
		sb_puts(out, ",\"event\":");
		sb_json_str(out, bond_event_name(ev->kind));
		sb_puts(out, ",\"state\":");
		sb_json_str(out, ev->state);
		sb_puts(out, ",\"reason\":");
		sb_json_str(out, ev->reason);
		sb_puts(out, "}\n");
		return;
	}
	sb_printf(out, "%s.%06uZ ", stamp, (unsigned)(wall_us % 1000000u));
	text_word(out, ev->bond);
	if (ev->slave && ev->slave[0]) {
		sb_puts(out, " ");
		text_word(out, ev->slave);
	}
	sb_printf(out, " %s", bond_event_name(ev->kind));
	/* "eth1 active (...)", not "eth1 active active (...)" */
	if (strcmp(ev->state, bond_event_name(ev->kind))) {
		sb_puts(out, " ");
		text_word(out, ev->state);
	}
	if (ev->reason[0]) {
		sb_puts(out, " (");
		text_word(out, ev->reason);
		sb_puts(out, ")");
	}
	sb_puts(out, "\n");
}

