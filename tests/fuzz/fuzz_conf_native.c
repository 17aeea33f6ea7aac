/* Fuzzes the native bondd.conf parser (conf_native.c and the option,
 * address and route codecs under it) on arbitrary text, and the checker
 * (conf_check) and printer on what it accepts.
 *
 * Invariants besides "no crash, no sanitizer report": a parse gives a
 * configuration exactly when it reports no error, and what it accepts
 * prints as text that parses back to the same configuration, which prints
 * the same text (parse(print(x)) == x). */
#include "fuzz_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fz_text(data, size);
	struct conf_diag d;
	struct conf *c;

	conf_diag_init(&d);
	c = conf_parse_native(text, "bondd.conf", &d);
	fz_conf_done(c, &d, true);
	free(text);
	return 0;
}
