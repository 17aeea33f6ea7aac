/* Fuzzes the boot script importer (imp_script_parse in imp_shell.c, the
 * shell-command interpreter shared with the interfaces importer's up
 * hooks): rc.local lines such as "ifenslave bond0 eth0 eth1", "ip addr
 * add ...", "ifconfig ...", "route add ...", "echo V >
 * /sys/class/net/BOND/bonding/OPT", quoting and continuation lines.
 *
 * Invariants besides "no crash, no sanitizer report": a configuration
 * exactly when no error is reported, and what is imported and passes
 * conf_check prints as bondd.conf text that the native parser reads back to
 * the same configuration. */
#include "fuzz_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fz_text(data, size);
	struct conf_diag d;
	struct conf *c;

	conf_diag_init(&d);
	c = imp_script_parse(text, "/etc/rc.d/rc.local", &d);
	fz_conf_done(c, &d, false);
	free(text);
	return 0;
}
