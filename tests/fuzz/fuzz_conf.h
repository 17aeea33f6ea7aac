/* What the configuration harnesses (fuzz_conf_*.c) share: the input cut
 * into files, and the round trip every parsed configuration must pass. */
#ifndef BONDD_FUZZ_CONF_H
#define BONDD_FUZZ_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/conf.h"

#define FZ_MAX_FILES 8

/* The input as one NUL-terminated text (a NUL inside ends it, as a parser
 * given a C string would see it). */
static inline char *fz_text(const uint8_t *data, size_t size)
{
	char *t = malloc(size + 1);

	if (!t)
		abort();
	memcpy(t, data, size);
	t[size] = '\0';
	return t;
}

/* The input as files: chunks separated by NUL bytes, each "NAME\nTEXT"
 * (NAME: the file's base name, which gives ifcfg files their role). names
 * and texts are malloc'd, one block per file (freed with fz_files_free). */
static inline unsigned fz_files(const uint8_t *data, size_t size, const char *dir,
				struct conf_file *f)
{
	unsigned n = 0;
	size_t off = 0;

	while (off < size && n < FZ_MAX_FILES) {
		const uint8_t *end = memchr(data + off, '\0', size - off);
		size_t len = end ? (size_t)(end - (data + off)) : size - off;
		const char *chunk = (const char *)data + off;
		const char *nl = memchr(chunk, '\n', len);
		size_t nlen = nl ? (size_t)(nl - chunk) : len;
		size_t dlen = strlen(dir);
		char *path = malloc(dlen + nlen + 2), *text;

		if (!path)
			abort();
		memcpy(path, dir, dlen);
		path[dlen] = '/';
		memcpy(path + dlen + 1, chunk, nlen);
		path[dlen + 1 + nlen] = '\0';
		text = fz_text((const uint8_t *)chunk + (nl ? nlen + 1 : nlen),
			       len - (nl ? nlen + 1 : nlen));
		f[n].path = path;
		f[n].text = text;
		n++;
		off += len + 1;
	}
	return n;
}

static inline void fz_files_free(struct conf_file *f, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		free((char *)f[i].path);
		free((char *)f[i].text);
	}
}

/* A parse gives a configuration exactly when it found no error. */
static inline void fz_check_result(const struct conf *c, const struct conf_diag *d)
{
	if ((c != NULL) != (d->n_errors == 0)) {
		fprintf(stderr, "parse gave %s with %u errors\n", c ? "a configuration" : "NULL",
			d->n_errors);
		abort();
	}
}

/* What any parser produced, finished and checked as bondd would, must print
 * as bondd.conf text that the native parser reads back to the same
 * configuration, which prints the same text again. always false: only when
 * conf_check finds no error (an importer may build a model the check then
 * refuses, such as a name that is both a bond and an interface; bondd never
 * applies or prints that one). */
static inline void fz_round_trip(struct conf *c, bool always)
{
	struct conf_diag d, d2;
	struct strbuf text, text2;
	struct conf *back;

	conf_diag_init(&d);
	conf_finish(c);
	conf_check(c, false, &d);
	if (getenv("FUZZ_VERBOSE")) {
		struct strbuf m;

		sb_init(&m);
		conf_diag_print(&d, true, &m);
		fprintf(stderr, "conf_check: %u errors\n%s", d.n_errors, m.buf ? m.buf : "");
		sb_free(&m);
	}
	if (!always && d.n_errors) {
		conf_diag_free(&d);
		return;
	}
	sb_init(&text);
	conf_print(c, &text);
	conf_diag_init(&d2);
	back = conf_parse_native(text.buf ? text.buf : "", "printed", &d2);
	if (!back || !conf_equal(c, back)) {
		struct strbuf msgs;

		sb_init(&msgs);
		conf_diag_print(&d2, true, &msgs);
		fprintf(stderr, "round trip failed: %s\n--- printed:\n%s\n--- messages:\n%s\n",
			back ? "not equal" : "refused", text.buf ? text.buf : "",
			msgs.buf ? msgs.buf : "");
		abort();
	}
	sb_init(&text2);
	conf_print(back, &text2);
	if (text.len != text2.len || (text.len && memcmp(text.buf, text2.buf, text.len)))
		abort();
	sb_free(&text);
	sb_free(&text2);
	conf_free(back);
	conf_diag_free(&d);
	conf_diag_free(&d2);
}

/* The common end of every config harness: the result agrees with the
 * messages, what was accepted round-trips (always: see fz_round_trip), and
 * both are freed. */
static inline void fz_conf_done(struct conf *c, struct conf_diag *d, bool always)
{
	fz_check_result(c, d);
	if (c)
		fz_round_trip(c, always);
	conf_free(c);
	conf_diag_free(d);
}

#endif
