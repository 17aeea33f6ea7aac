/* The INI-style files of NetworkManager (keyfiles) and systemd-networkd
 * (.netdev, .network): "[Section]" headers and "Key=Value" lines. Both
 * formats allow a section more than once (networkd's [Address], [Route])
 * and a key more than once (networkd's Address=), so the reader keeps
 * everything in file order and the importers decide. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

static void ini_add_section(struct conf_ini *ini, const char *name, unsigned line)
{
	struct conf_ini_section *s = CONF_PUSH(ini->sections, ini->n_sections);

	s->name = conf_xstrdup(name);
	s->line = line;
}

int conf_ini_parse(struct conf_ini *ini, const char *text, const char *file, bool semicolon,
		   bool join, struct conf_diag *d)
{
	unsigned errors = d->n_errors;
	struct conf_lines it;
	unsigned lineno;
	char *line;

	memset(ini, 0, sizeof(*ini));
	conf_lines_init(&it, text, join);
	while (conf_lines_next(&it, &line, &lineno)) {
		struct conf_loc loc = conf_loc_at(file, lineno);
		char *s = conf_trim(line), *eq;
		struct conf_ini_kv *kv;
		struct conf_ini_section *sec;

		if (!*s || *s == '#' || (semicolon && *s == ';'))
			goto next;
		if (*s == '[') {
			size_t n = strlen(s);

			if (s[n - 1] != ']' || n < 3) {
				conf_error(d, &loc, "expected [Section]");
				goto next;
			}
			s[n - 1] = '\0';
			ini_add_section(ini, conf_trim(s + 1), lineno);
			goto next;
		}
		eq = strchr(s, '=');
		if (!eq || eq == s) {
			conf_error(d, &loc, "expected Key=Value");
			goto next;
		}
		if (!ini->n_sections) {
			conf_error(d, &loc, "a Key=Value line before the first [Section]");
			goto next;
		}
		*eq = '\0';
		sec = &ini->sections[ini->n_sections - 1];
		kv = CONF_PUSH(sec->kv, sec->n_kv);
		kv->key = conf_xstrdup(conf_trim(s));
		kv->value = conf_xstrdup(conf_trim(eq + 1));
		kv->line = lineno;
next:
		free(line);
	}
	return d->n_errors > errors ? -1 : 0;
}

void conf_ini_free(struct conf_ini *ini)
{
	for (unsigned i = 0; i < ini->n_sections; i++) {
		struct conf_ini_section *s = &ini->sections[i];

		for (unsigned j = 0; j < s->n_kv; j++) {
			free(s->kv[j].key);
			free(s->kv[j].value);
		}
		free(s->kv);
		free(s->name);
	}
	free(ini->sections);
	memset(ini, 0, sizeof(*ini));
}

const struct conf_ini_kv *conf_ini_get(const struct conf_ini *ini, const char *section,
				       const char *key)
{
	const struct conf_ini_kv *found = NULL;

	for (unsigned i = 0; i < ini->n_sections; i++) {
		const struct conf_ini_section *s = &ini->sections[i];

		if (strcmp(s->name, section))
			continue;
		for (unsigned j = 0; j < s->n_kv; j++)
			if (!strcmp(s->kv[j].key, key))
				found = &s->kv[j];     /* the last one wins */
	}
	return found;
}

/* systemd's parse_sec(): "100ms", "1s", "2min", "1min 30s", "0.5s", a bare
 * number is seconds (default_unit "s"); netplan writes bare numbers as
 * milliseconds, hence the unit argument. */
int conf_parse_timespan(const char *s, const char *bare_unit, unsigned long *ms)
{
	static const struct { const char *u; double ms; } units[] = {
		{ "usec", 0.001 }, { "us", 0.001 }, { "µs", 0.001 }, { "msec", 1 }, { "ms", 1 },
		{ "seconds", 1000 }, { "second", 1000 }, { "sec", 1000 }, { "s", 1000 },
		{ "minutes", 60000 }, { "minute", 60000 }, { "min", 60000 }, { "m", 60000 },
		{ "hours", 3600000 }, { "hour", 3600000 }, { "hr", 3600000 }, { "h", 3600000 },
		{ NULL, 0 },
	};
	double total = 0;
	bool any = false;

	while (*s) {
		char *end;
		double v;
		size_t best = 0;
		double mult = -1;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		if (!isdigit((unsigned char)*s) && *s != '.')
			return -1;
		v = strtod(s, &end);
		if (end == s || v < 0)
			return -1;
		s = end;
		while (isspace((unsigned char)*s))
			s++;
		for (unsigned i = 0; units[i].u; i++) {
			size_t n = strlen(units[i].u);

			if (!strncmp(s, units[i].u, n) && n > best &&
			    !isalpha((unsigned char)s[n])) {
				best = n;
				mult = units[i].ms;
			}
		}
		if (!best) {
			if (isalpha((unsigned char)*s))
				return -1;
			for (unsigned i = 0; units[i].u; i++)
				if (!strcmp(units[i].u, bare_unit))
					mult = units[i].ms;
		}
		s += best;
		total += v * mult;
		any = true;
	}
	if (!any || total > 4294967295.0)
		return -1;
	*ms = (unsigned long)(total + 0.5);
	return 0;
}

int conf_parse_bool_word(const char *s)
{
	static const char *const yes[] = { "1", "yes", "y", "true", "t", "on", NULL };
	static const char *const no[] = { "0", "no", "n", "false", "f", "off", NULL };

	for (unsigned i = 0; yes[i]; i++)
		if (!strcasecmp(s, yes[i]))
			return 1;
	for (unsigned i = 0; no[i]; i++)
		if (!strcasecmp(s, no[i]))
			return 0;
	return -1;
}

void conf_opt_refused(struct conf_diag *d, const struct conf_loc *loc, const char *prefix,
		      const char *opt, const char *value, const char *msg)
{
	const struct opt_desc *od = opt_find(opt);
	const char *cands[64], *best = NULL;
	unsigned n = 0;

	/* an enum's misspelt name: the nearest valid one */
	if (od && od->type == OPT_T_ENUM && value && *value &&
	    !(value[0] >= '0' && value[0] <= '9')) {
		for (const struct opt_value *v = od->values; v && v->name && n < 63; v++)
			cands[n++] = v->name;
		cands[n] = NULL;
		best = conf_suggest(value, cands);
	}
	if (best)
		conf_error(d, loc, "%s%s (did you mean '%s'?)", prefix, msg, best);
	else
		conf_error(d, loc, "%s%s", prefix, msg);
}
