/* Words and lines: trimming, splitting a command line into words,
 * joining continued lines, and the checks of names and numbers every
 * format shares. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

/* ---- text ----------------------------------------------------------------- */

char *conf_trim(char *s)
{
	size_t n;
	char *start = s;

	while (isspace((unsigned char)*start))
		start++;
	n = strlen(start);
	while (n && isspace((unsigned char)start[n - 1]))
		n--;
	memmove(s, start, n);
	s[n] = '\0';
	return s;
}

bool conf_ifname_ok(const char *s)
{
	/* The kernel's rule, plus the characters the configuration formats
	 * use as syntax (comments, lists, quotes): a name with them could
	 * not be printed back. */
	return ifname_valid(s) && !s[strcspn(s, CONF_SYNTAX_CHARS)];
}

void conf_words_free(char **w, int n)
{
	for (int i = 0; i < n; i++)
		free(w[i]);
	free(w);
}

int conf_split_words(const char *s, char ***words)
{
	char **w = NULL;
	unsigned n = 0;
	struct strbuf sb;

	sb_init(&sb);
	for (;;) {
		bool any = false;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		sb_reset(&sb);
		while (*s && !isspace((unsigned char)*s)) {
			any = true;
			if (*s == '\'') {
				const char *e = strchr(s + 1, '\'');

				if (!e)
					goto bad;
				sb_printf(&sb, "%.*s", (int)(e - s - 1), s + 1);
				s = e + 1;
			} else if (*s == '"') {
				s++;
				while (*s && *s != '"') {
					if (*s == '\\' && s[1])
						s++;
					sb_printf(&sb, "%c", *s++);
				}
				if (*s != '"')
					goto bad;
				s++;
			} else {
				if (*s == '\\' && s[1])
					s++;
				sb_printf(&sb, "%c", *s++);
			}
		}
		if (any)
			*CONF_PUSH(w, n) = conf_xstrdup(sb.buf ? sb.buf : "");
	}
	sb_free(&sb);
	*words = w;
	return (int)n;
bad:
	sb_free(&sb);
	conf_words_free(w, (int)n);
	*words = NULL;
	return -1;
}

void conf_lines_init(struct conf_lines *it, const char *text, bool join)
{
	it->p = text ? text : "";
	it->next_line = 1;
	it->join = join;
}

bool conf_lines_next(struct conf_lines *it, char **line, unsigned *lineno)
{
	struct strbuf sb;

	if (!*it->p)
		return false;
	sb_init(&sb);
	*lineno = it->next_line;
	for (;;) {
		size_t n = strcspn(it->p, "\n");
		size_t m = n;

		if (m && it->p[m - 1] == '\r')
			m--;
		it->next_line++;
		if (it->join && m && it->p[m - 1] == '\\') {
			sb_printf(&sb, "%.*s", (int)(m - 1), it->p);
			it->p += n + (it->p[n] == '\n');
			if (*it->p)
				continue;
			break;
		}
		sb_printf(&sb, "%.*s", (int)m, it->p);
		it->p += n + (it->p[n] == '\n');
		break;
	}
	if (sb.oom)
		conf_oom();
	*line = conf_xstrdup(sb.buf ? sb.buf : "");
	sb_free(&sb);
	return true;
}

bool conf_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return false;
	}
	if (*s)
		return false;
	*out = v;
	return true;
}

int conf_parse_mtu(const char *s, unsigned *mtu, struct err *err)
{
	unsigned long v;

	if (!conf_parse_uint(s, 65535, &v) || v < 68) {
		err_set(err, -EINVAL, "invalid MTU '%s' (68 .. 65535)", s);
		return -1;
	}
	*mtu = (unsigned)v;
	return 0;
}

bool conf_looks_like_bond(const char *name)
{
	const char *p = name + 4;

	if (strncmp(name, "bond", 4) || !*p)
		return false;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

int conf_parse_vid(const char *s, unsigned *vid, struct err *err)
{
	unsigned long v;

	/* 0 means "priority tag only" and 4095 is reserved (802.1Q 9.6):
	 * the kernel refuses both for a VLAN device */
	if (!conf_parse_uint(s, 4094, &v) || v < 1) {
		err_set(err, -EINVAL, "invalid VLAN id '%s' (1 .. 4094)", s);
		return -1;
	}
	*vid = (unsigned)v;
	return 0;
}
