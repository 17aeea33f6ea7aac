/* The metrics of every bond as text for Prometheus and node_exporter:
 * `bondd --metrics ADDR:PORT` (served by linux/http_metrics.c), `bondctl
 * metrics`, and the textfile-collector file of `bondd --metrics-textfile`.
 *
 * Two formats from the same facts: Prometheus' classic text format 0.0.4
 * (what node_exporter's textfile collector reads, and what a scraper gets
 * unless it asks for OpenMetrics) and OpenMetrics 1.0.0 (counter families
 * named without "_total", "# UNIT" lines, "# EOF" last).
 *
 * The bond metrics carry node_exporter's bonding collector names, labels
 * and meaning (node_bonding_slaves, node_bonding_active, label master), so
 * dashboards and alerts written for the kernel's bonds read bondd's; the
 * rest are bondd_* (docs/metrics.md has the table). */
#ifndef BONDD_METRICS_TEXT_H
#define BONDD_METRICS_TEXT_H

#include <stdbool.h>

#include "lib/util.h"

enum metrics_format {
	METRICS_TEXT,           /* Prometheus text format 0.0.4 */
	METRICS_OPENMETRICS,    /* OpenMetrics 1.0.0 */
};

#define METRICS_CT_TEXT "text/plain; version=0.0.4; charset=utf-8"
#define METRICS_CT_OPENMETRICS "application/openmetrics-text; version=1.0.0; charset=utf-8"

struct ctl_backend;

/* Every bond of be's engine (its counters brought up to date through
 * be->ops->bond_io, as `bondctl stats` does) in format f, appended to out. */
void metrics_render(const struct ctl_backend *be, enum metrics_format f, struct strbuf *out);

/* The format an HTTP Accept header asks for, as Prometheus negotiates it:
 * the acceptable type with the highest q wins (the first listed on a tie);
 * application/openmetrics-text (without a version or version 1.0.0) is
 * OpenMetrics; text/plain (no version or 0.0.4), text/asterisk and
 * asterisk/asterisk are the text format. NULL, or nothing acceptable: the
 * text format. */
enum metrics_format metrics_negotiate(const char *accept);

/* A label value as both formats want it, quotes not included: backslash,
 * double quote and newline escaped; bytes that are not UTF-8 (an interface
 * name may hold any byte) become U+FFFD. */
void metrics_label_value(struct strbuf *out, const char *s);

#endif
