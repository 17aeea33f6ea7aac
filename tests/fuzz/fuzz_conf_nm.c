/* Fuzzes the NetworkManager keyfile importer (imp_nm.c): *.nmconnection files.
 * The input is up to 8 files separated by NUL bytes, each "NAME\nTEXT"
 * (the name's suffix gives a file its role); then the configuration is
 * finished and checked as bondd would.
 *
 * Invariants besides "no crash, no sanitizer report": a configuration
 * exactly when no error is reported, and what is imported and passes
 * conf_check prints as bondd.conf text that the native parser reads back to
 * the same configuration. */
#include "fuzz_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_file f[FZ_MAX_FILES];
	unsigned n = fz_files(data, size, "/etc/NetworkManager/system-connections", f);
	struct conf_diag d;
	struct conf *c;

	conf_diag_init(&d);
	c = imp_nm_parse(f, n, &d);
	fz_conf_done(c, &d, false);
	fz_files_free(f, n);
	return 0;
}
