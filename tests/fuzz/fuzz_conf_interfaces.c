/* Fuzzes the Debian /etc/network/interfaces importer (imp_interfaces.c)
 * with its up-hook commands (imp_shell.c). "source" and
 * "source-directory" lines read through a fake file system that serves
 * the input itself for every file, every glob matching one file and every
 * directory holding one (at most 16 reads an input, so includes recurse a
 * little, and the include-loop and depth checks are reached). Then the
 * configuration is finished and checked.
 *
 * Invariants besides "no crash, no sanitizer report": a configuration
 * exactly when no error is reported, and what is imported and passes
 * conf_check prints as bondd.conf text that the native parser reads back to
 * the same configuration. */
#include <errno.h>

#include "fuzz_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *input;
static unsigned reads;

static int fake_read(void *ctx, const char *path, char **text)
{
	if (++reads > 16)
		return -EMFILE;
	*text = strdup(input);
	if (!*text)
		abort();
	return 0;
}

static int fake_glob(void *ctx, const char *pattern, char ***paths)
{
	*paths = malloc(sizeof(char *));
	if (!*paths || !((*paths)[0] = strdup(pattern)))
		abort();
	return 1;
}

static int fake_list(void *ctx, const char *dir, char ***names)
{
	*names = malloc(sizeof(char *));
	if (!*names || !((*names)[0] = strdup("bond")))
		abort();
	return 1;
}

static const struct conf_io fake_io = { fake_read, fake_glob, fake_list, NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fz_text(data, size);
	struct conf_diag d;
	struct conf *c;

	input = text;
	reads = 0;
	conf_diag_init(&d);
	c = imp_interfaces_parse(text, "/etc/network/interfaces", &fake_io, &d);
	fz_conf_done(c, &d, false);
	free(text);
	return 0;
}
