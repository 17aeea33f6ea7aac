/* Messages: the "FILE:LINE: text" errors and warnings every parser adds,
 * and the "did you mean" suggestions for unknown words and options. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

/* ---- messages ------------------------------------------------------------- */

void conf_diag_init(struct conf_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void conf_diag_free(struct conf_diag *d)
{
	for (unsigned i = 0; i < d->n; i++)
		free(d->msgs[i].text);
	free(d->msgs);
	conf_diag_init(d);
}

static void diag_add(struct conf_diag *d, bool warning, const struct conf_loc *loc,
		     const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
static void diag_add(struct conf_diag *d, bool warning, const struct conf_loc *loc,
		     const char *fmt, va_list ap)
{
	struct strbuf sb;
	struct conf_msg *m;

	sb_init(&sb);
	if (loc && loc->file && loc->line)
		sb_printf(&sb, "%s:%u: ", loc->file, loc->line);
	else if (loc && loc->file)
		sb_printf(&sb, "%s: ", loc->file);
	if (warning)
		sb_puts(&sb, "warning: ");
	sb_vprintf(&sb, fmt, ap);
	if (sb.oom)
		conf_oom();
	m = CONF_PUSH(d->msgs, d->n);
	m->warning = warning;
	m->text = conf_xstrdup(sb_str(&sb));
	sb_free(&sb);
	if (warning)
		d->n_warnings++;
	else
		d->n_errors++;
}

void conf_error(struct conf_diag *d, const struct conf_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(d, false, loc, fmt, ap);
	va_end(ap);
}

void conf_warn(struct conf_diag *d, const struct conf_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(d, true, loc, fmt, ap);
	va_end(ap);
}

void conf_diag_print(const struct conf_diag *d, bool with_warnings, struct strbuf *out)
{
	for (unsigned i = 0; i < d->n; i++)
		if (with_warnings || !d->msgs[i].warning)
			sb_printf(out, "%s\n", d->msgs[i].text);
}

/* ---- suggestions ---------------------------------------------------------- */


static void consider(const char *word, const char *cand, const char **best, unsigned *best_d)
{
	unsigned dist = edit_distance(word, cand, true);

	if (dist < *best_d) {
		*best_d = dist;
		*best = cand;
	}
}

static const char *pick(const char *word, const char *best, unsigned best_d)
{
	size_t len = strlen(word);
	unsigned limit = len / 3 > 2 ? (unsigned)(len / 3) : 2;

	if (!best || best_d > limit || best_d >= len)
		return NULL;
	return best;
}

const char *conf_suggest(const char *word, const char *const *cands)
{
	const char *best = NULL;
	unsigned best_d = UINT_MAX;

	for (; cands && *cands; cands++)
		consider(word, *cands, &best, &best_d);
	return pick(word, best, best_d);
}

const char *conf_suggest_opt(const char *name, bool module, const char *const *extra)
{
	const char *best = NULL;
	unsigned best_d = UINT_MAX;

	for (unsigned i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *d = &opt_table[i];

		if (!d->name || (d->flags & OPT_PER_SLAVE) || d->id == OPT_SLAVES ||
		    ((d->flags & OPT_MODULE) && !module))
			continue;
		consider(name, d->name, &best, &best_d);
		if (d->alias)
			consider(name, d->alias, &best, &best_d);
	}
	for (; extra && *extra; extra++)
		consider(name, *extra, &best, &best_d);
	return pick(name, best, best_d);
}

void conf_error_unknown(struct conf_diag *d, const struct conf_loc *loc, const char *what,
			const char *word, const char *suggestion)
{
	if (suggestion)
		conf_error(d, loc, "unknown %s '%s' (did you mean '%s'?)", what, word, suggestion);
	else
		conf_error(d, loc, "unknown %s '%s'", what, word);
}
