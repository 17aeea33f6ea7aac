/* bondd: the bonding daemon. One per network namespace; holds every bond of
 * that namespace. See bondd(8). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <syslog.h>

#include "core/status.h"
#include "ctl/ctl_server.h"
#include "daemon/daemon.h"
#include "daemon/daemon_conf.h"
#include "linux/notify.h"

#define DEFAULT_SOCKET "/run/bondd/bondd.sock"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bondd [-f] [-s SOCKET] [-g GROUP] [-c FILE | --from FORMAT PATH [--modprobe FILE]] [-h] [-V]\n"
		"  -f, --foreground   stay in the foreground, log to stderr\n"
		"  -c, --config FILE  bonds, slaves, addresses and routes from bondd.conf(5)\n"
		"      --from FORMAT PATH\n"
		"                     read them from a distro format instead: ifcfg (a\n"
		"                     network-scripts directory), interfaces (Debian's\n"
		"                     /etc/network/interfaces) or modprobe (modprobe.d)\n"
		"      --modprobe FILE  with ifcfg/interfaces: also the module options\n"
		"  -s, --socket PATH  control socket (default %s, or $BONDD_SOCKET)\n"
		"  -g, --group NAME   members may run the read-only commands (show, get,\n"
		"                     list...); default %s, root only if it does not exist\n"
		"  -h, --help         this text\n"
		"  -V, --version      print the version\n", DEFAULT_SOCKET, CTL_DEFAULT_GROUP);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'F' },
		{ "modprobe", required_argument, NULL, 'M' },
		{ "socket", required_argument, NULL, 's' },
		{ "group", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = getenv("BONDD_SOCKET");
	const char *group = NULL;
	struct ctl_access acc;
	bool foreground = false;
	struct daemon_conf_src src = { NULL, NULL, NULL };
	struct err err = { 0 };
	struct daemon *d;
	char status[64];
	unsigned nbonds;
	int c, rc;

	if (!sock || !*sock)
		sock = DEFAULT_SOCKET;
	/* '+': no argument permutation, so --from's PATH can follow FORMAT. */
	while ((c = getopt_long(argc, argv, "+fs:g:c:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			src.format = "native";
			src.path = optarg;
			break;
		case 'F':
			if (optind >= argc) {
				fprintf(stderr, "bondd: --from needs FORMAT and PATH\n");
				return 2;
			}
			src.format = optarg;
			src.path = argv[optind++];
			break;
		case 'M':
			src.modprobe = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 's':
			sock = optarg;
			break;
		case 'g':
			group = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("bondd %s (Linux bonding driver behaviour of v%s)\n",
			       BONDD_VERSION, BONDD_KERNEL_COMPAT);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "bondd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (src.modprobe && !src.path) {
		fprintf(stderr, "bondd: --modprobe goes with --from ifcfg|interfaces PATH\n");
		return 2;
	}
	/* A group named on the command line must exist; the default one
	 * missing means a root-only socket (said in the log). */
	if (ctl_access_lookup(group, group != NULL, &acc, &err) < 0) {
		fprintf(stderr, "bondd: --group: %s\n", err.msg);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (!foreground)
		openlog("bondd", LOG_PID, LOG_DAEMON);
	d = daemon_new(sock, &acc, !foreground, &err);
	if (!d) {
		fprintf(stderr, "bondd: %s\n", err.msg);
		return 1;
	}
	if (src.path) {
		struct strbuf msgs;
		int lrc;

		/* Loaded before detaching, so errors reach the terminal. */
		sb_init(&msgs);
		lrc = daemon_load_config(d, &src, &msgs, &err);
		fputs(sb_str(&msgs), stderr);
		sb_free(&msgs);
		if (lrc < 0) {
			fprintf(stderr, "bondd: %s\n", err.msg);
			daemon_free(d);
			return 1;
		}
	}
	if (!foreground && daemon(0, 0) < 0) {
		fprintf(stderr, "bondd: cannot detach: %m\n");
		daemon_free(d);
		return 1;
	}
	/* systemd (Type=notify) starts what depends on bondd now: the
	 * control socket answers and the configured bonds exist. */
	nbonds = engine_bond_count(daemon_engine(d));
	snprintf(status, sizeof(status), "%u bond%s", nbonds, nbonds == 1 ? "" : "s");
	notify_ready(status);
	rc = daemon_run(d);
	/* The slaves are given back from here on (daemon_free). */
	notify_stopping();
	daemon_free(d);
	return rc < 0 ? 1 : 0;
}
