/* Help text and "did you mean" for the control commands. Kept apart from
 * the commands (which call the backend) so that bondctl can link it and
 * print its help when no daemon is running. */
#include "ctl_cmd.h"

#include <string.h>

#include "ctl_proto.h"

struct ctl_cmd_doc {
	const char *name;
	const char *usage;
	const char *help;
	bool read_only;      /* CTL_RO: the control group may run it */
};

#define CTL_DOC_ROW(id, name, min, max, ro, usage, help) { name, usage, help, ro },
static const struct ctl_cmd_doc ctl_docs[] = { CTL_COMMANDS(CTL_DOC_ROW) };
#undef CTL_DOC_ROW

void ctl_help(struct strbuf *out, const char *prog)
{
	size_t i;

	sb_printf(out, "Usage: %s [-s SOCKET] [-j] COMMAND [ARG]...\n\n", prog);
	sb_puts(out, "Commands:\n");
	for (i = 0; i < ARRAY_SIZE(ctl_docs); i++) {
		sb_printf(out, "  %s%s%s\n      %s\n", ctl_docs[i].name,
			  *ctl_docs[i].usage ? " " : "", ctl_docs[i].usage,
			  ctl_docs[i].help);
	}
	/* Translated by bondctl (src/cmd/bondctl_ip.c) into the commands
	 * above. */
	sb_puts(out,
		"  ip WORD...\n"
		"      iproute2's ip for bonds: ip link add NAME type bond ..., ip link set DEV\n"
		"      master BOND, ip -d link show BOND, ip link add link BOND name NAME type vlan\n"
		"      id VID (see bondctl(8), IP)\n");
	/* Run by bondctl itself (src/cmd), not sent to the daemon. */
	sb_puts(out,
		"\nWithout the daemon (bondctl does these itself):\n"
		"  import FORMAT PATH [--modprobe FILE] [--script FILE]\n"
		"      print a distro configuration (ifcfg, interfaces, modprobe, nm,\n"
		"      netplan, networkd) as bondd.conf\n"
		"  cleanup [IF...]\n"
		"      give back, from the journal, the slaves a bondd that died left behind\n"
		"      (every entry of this network namespace without IF); refused while\n"
		"      bondd runs here (use release)\n");
	sb_printf(out,
		  "\nOptions:\n"
		  "  -s, --socket PATH  control socket (default: $%s, else %s)\n"
		  "  -j, --json         JSON output (also accepted after the command)\n"
		  "  -h, --help         print this help\n"
		  "  -V, --version      print %s's version\n"
		  "\nOption names and values are the kernel's; '%s options' lists them.\n"
		  "Exit status: 0 done, 1 refused, 2 usage error, 3 bondd not reachable.\n",
		  CTL_SOCKET_ENV, CTL_DEFAULT_SOCKET, prog, prog);
}

/* The closest of n candidate words: an unambiguous prefix, else the
 * nearest within two edits; NULL if none. */
static const char *closest_word(const char *word, const char *const cands[], size_t n)
{
	const char *best = NULL, *prefix = NULL;
	size_t best_d = 3, i, n_prefix = 0;

	if (!*word)
		return NULL;
	for (i = 0; i < n; i++) {
		size_t d = edit_distance(word, cands[i], false);

		if (d < best_d) {
			best_d = d;
			best = cands[i];
		}
		if (strncmp(cands[i], word, strlen(word)) == 0) {
			prefix = cands[i];
			n_prefix++;
		}
	}
	/* An unambiguous abbreviation ("sh") beats a distant typo. */
	if (n_prefix == 1)
		return prefix;
	return best;
}

/* Here rather than in ctl_dispatch.c: the server asks it before running a
 * command, and links without the commands in its unit test. */
int ctl_cmd_read_only(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ctl_docs); i++)
		if (!strcmp(ctl_docs[i].name, name))
			return ctl_docs[i].read_only ? 1 : 0;
	return -1;
}

int ctl_request_read_only(int argc, char *const argv[])
{
	if (argc >= 1 && !strcmp(argv[0], "vlan") &&
	    (argc == 1 || (strcmp(argv[1], "add") && strcmp(argv[1], "del") &&
			   strcmp(argv[1], "delete"))))
		return 1;
	return argc >= 1 ? ctl_cmd_read_only(argv[0]) : -1;
}

const char *ctl_suggest(const char *word)
{
	const char *names[ARRAY_SIZE(ctl_docs)];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ctl_docs); i++)
		names[i] = ctl_docs[i].name;
	return closest_word(word, names, ARRAY_SIZE(names));
}
