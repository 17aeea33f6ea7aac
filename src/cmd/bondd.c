/* bondd: the bonding daemon. One per network namespace; holds every bond of
 * that namespace. See bondd(8). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <syslog.h>

#include "config/conf.h"
#include "core/status.h"
#include "ctl/ctl_server.h"
#include "daemon/daemon.h"
#include "daemon/daemon_conf.h"
#include "lib/netaddr.h"
#include "linux/notify.h"

#define DEFAULT_SOCKET "/run/bondd/bondd.sock"
#define DEFAULT_CONFIG "/etc/bondd/bondd.conf"

/* Exit statuses (bondd(8)): 78 (EX_CONFIG of sysexits.h) for a
 * configuration that cannot be used, which the unit does not restart on
 * (RestartPreventExitStatus=): restarting would only fail the same way. */
#define EXIT_RUNTIME 1
#define EXIT_USAGE   2
#define EXIT_CONFIG  78

/* `bondctl upgrade`: the file installed where this bondd was started
 * from. /proc/self/exe is not it after a package upgrade: exec'ing that
 * link opens this process's own file, which dpkg has replaced (renamed a
 * new one over it), and would start the old version again. The kernel
 * then names it "PATH (deleted)"; PATH is the new file. */
static int installed_exe(char *path, size_t size)
{
	static const char deleted[] = " (deleted)";
	const size_t dl = sizeof(deleted) - 1;
	ssize_t n = readlink("/proc/self/exe", path, size - 1);

	if (n < 0)
		return -errno;
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG;
	path[n] = '\0';
	if (access(path, X_OK) < 0 && (size_t)n > dl && !strcmp(path + n - dl, deleted))
		path[n - dl] = '\0';
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bondd [-f] [-s SOCKET] [-g GROUP] [--datapath auto|ebpf|packet]\n"
		"             [--metrics ADDR:PORT] [--metrics-textfile DIR]\n"
		"             [-c FILE | --from FORMAT PATH [--modprobe FILE]] [-h] [-V]\n"
		"       bondd --check-config [-c FILE | --from FORMAT PATH [--modprobe FILE]]\n"
		"  -f, --foreground   stay in the foreground, log to stderr\n"
		"  -c, --config FILE  bonds, slaves, addresses and routes from bondd.conf(5)\n"
		"      --from FORMAT PATH\n"
		"                     read them from a distro format instead: ifcfg (a\n"
		"                     network-scripts directory), interfaces (Debian's\n"
		"                     /etc/network/interfaces), modprobe (modprobe.d),\n"
		"                     nm (NetworkManager keyfiles), netplan (YAML) or\n"
		"                     networkd (.netdev/.network units); PATH a file or\n"
		"                     directory\n"
		"      --modprobe FILE  with ifcfg/interfaces: also the module options\n"
		"  -s, --socket PATH  control socket (default %s, or $BONDD_SOCKET)\n"
		"      --datapath auto|ebpf|packet\n"
		"                     how frames are carried: eBPF programs in the kernel,\n"
		"                     or the daemon's packet sockets (default auto: ebpf\n"
		"                     when the kernel accepts it; or $BONDD_DATAPATH)\n"
		"  -g, --group NAME   members may run the read-only commands (show, get,\n"
		"                     list...); default %s, root only if it does not exist\n"
		"      --metrics ADDR:PORT\n"
		"                     serve the bonds' metrics (Prometheus text or OpenMetrics)\n"
		"                     at http://ADDR:PORT/metrics; [IPV6]:PORT for IPv6\n"
		"      --metrics-textfile DIR\n"
		"                     keep DIR/bondd.prom up to date for node_exporter's\n"
		"                     textfile collector (DIR absolute)\n"
		"      --check-config validate the configuration (default %s)\n"
		"                     and exit: 0 if usable, %d with the errors; touches\n"
		"                     nothing (no device, no socket)\n"
		"  -h, --help         this text\n"
		"  -V, --version      print the version\n"
		"Exit status: 0, %d usage, %d configuration error, %d other failure.\n",
		DEFAULT_SOCKET, CTL_DEFAULT_GROUP, DEFAULT_CONFIG, EXIT_CONFIG, EXIT_USAGE, EXIT_CONFIG, EXIT_RUNTIME);
}

/* Reads and checks the configuration only: messages ("FILE:LINE: ...",
 * warnings too) on stderr. Returns the configuration or NULL. */
static struct conf *check_config(const struct daemon_conf_src *src)
{
	struct strbuf msgs;
	struct conf *c;

	sb_init(&msgs);
	c = daemon_conf_load(src, &msgs);
	daemon_say_lines(sb_str(&msgs));
	sb_free(&msgs);
	return c;
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
		{ "check-config", no_argument, NULL, 'C' },
		{ "datapath", required_argument, NULL, 'D' },
		{ "metrics", required_argument, NULL, 'm' },
		{ "metrics-textfile", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = getenv("BONDD_SOCKET");
	const char *group = NULL;
	/* BONDD_DATAPATH: what --datapath says, for the test suites that run
	 * every test on both data paths. */
	const char *datapath = getenv("BONDD_DATAPATH");
	char conf_datapath[8] = "";
	/* --metrics, --metrics-textfile, else [daemon] metrics and
	 * metrics_textfile (copied: the configuration is freed) */
	const char *metrics = NULL, *textfile = NULL;
	char conf_metrics[64] = "", conf_textfile[1024] = "";
	struct netaddr na;
	struct ctl_access acc;
	bool foreground = false, check_only = false;
	struct daemon_conf_src src = { NULL, NULL, NULL };
	struct err err = { 0 };
	struct daemon *d;
	int c, rc;

	if (!sock || !*sock)
		sock = DEFAULT_SOCKET;
	/* Our name is how the journal and crash recovery tell a live bondd
	 * (recover_pid_is_bondd reads /proc/PID/comm): after `bondctl upgrade`
	 * execs /proc/self/exe the kernel would call us "exe", and the new
	 * bondd would take the entries it just wrote for a dead daemon's and
	 * give its own slaves back. A failure leaves the name as it is. */
	if (prctl(PR_SET_NAME, "bondd", 0, 0, 0) < 0)
		daemon_say(LOG_WARNING, "bondd: cannot set the process name (PR_SET_NAME): %s",
			   strerror(errno));
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
				return EXIT_USAGE;
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
		case 'C':
			check_only = true;
			break;
		case 's':
			sock = optarg;
			break;
		case 'g':
			group = optarg;
			break;
		case 'D':
			datapath = optarg;
			break;
		case 'm':
			/* refused before anything is touched */
			if (netaddr_parse(optarg, &na, &err) < 0) {
				fprintf(stderr, "bondd: --metrics %s\n", err.msg);
				return EXIT_USAGE;
			}
			metrics = optarg;
			break;
		case 'T':
			/* bondd runs in / once detached */
			if (optarg[0] != '/') {
				fprintf(stderr, "bondd: --metrics-textfile '%s': give an absolute "
					"directory name\n", optarg);
				return EXIT_USAGE;
			}
			textfile = optarg;
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
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "bondd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (src.modprobe && !src.path) {
		fprintf(stderr, "bondd: --modprobe goes with --from ifcfg|interfaces PATH\n");
		return EXIT_USAGE;
	}
	if (check_only) {
		struct conf *conf;

		if (!src.path) {
			src.format = "native";
			src.path = DEFAULT_CONFIG;
		}
		conf = check_config(&src);
		if (!conf) {
			daemon_say(LOG_ERR, "bondd: %s: configuration refused", src.path);
			return EXIT_CONFIG;
		}
		printf("bondd: %s: configuration OK (%u bond%s)\n", src.path, conf->n_bonds,
		       conf->n_bonds == 1 ? "" : "s");
		conf_free(conf);
		return 0;
	}
	/* A configuration that cannot be used is refused before anything is
	 * touched (no socket, no device), with its own exit status. */
	if (src.path) {
		struct conf *conf = check_config(&src);

		if (!conf) {
			daemon_say(LOG_ERR, "bondd: %s: configuration refused, nothing applied", src.path);
			return EXIT_CONFIG;
		}
		/* [daemon] datapath, unless the command line or the
		 * environment says otherwise. */
		if ((!datapath || !*datapath) && conf->datapath[0])
			snprintf(conf_datapath, sizeof(conf_datapath), "%s", conf->datapath);
		if (!metrics && conf->metrics[0])
			snprintf(conf_metrics, sizeof(conf_metrics), "%s", conf->metrics);
		if (!textfile && conf->metrics_textfile[0])
			snprintf(conf_textfile, sizeof(conf_textfile), "%s", conf->metrics_textfile);
		conf_free(conf);
	}
	/* A group named on the command line must exist; the default one
	 * missing means a root-only socket (said in the log). */
	if (ctl_access_lookup(group, group != NULL, &acc, &err) < 0) {
		daemon_say(LOG_ERR, "bondd: --group: %s", err.msg);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (!foreground)
		openlog("bondd", LOG_PID, LOG_DAEMON);
	d = daemon_new(sock, &acc, !foreground, &err);
	if (!d) {
		daemon_say(LOG_ERR, "bondd: %s", err.msg);
		return EXIT_RUNTIME;
	}
	if (daemon_dp_choose(d, datapath && *datapath ? datapath :
			     conf_datapath[0] ? conf_datapath : "auto", &err) < 0) {
		daemon_say(LOG_ERR, "bondd: --datapath: %s", err.msg);
		daemon_free(d);
		return EXIT_USAGE;
	}
	/* Before the configuration: a port someone else holds stops bondd
	 * while nothing is enslaved yet. */
	if (daemon_metrics_open(d, metrics ? metrics : conf_metrics[0] ? conf_metrics : NULL,
				textfile ? textfile : conf_textfile[0] ? conf_textfile : NULL,
				&err) < 0) {
		daemon_say(LOG_ERR, "bondd: %s", err.msg);
		daemon_free(d);
		return EXIT_RUNTIME;
	}
	if (src.path) {
		struct strbuf msgs;
		int lrc;

		/* Loaded before detaching, so errors reach the terminal.
		 * The file was checked above; it is read again here (what
		 * the daemon keeps for reloads), and a file changed in
		 * between and now refused is still a configuration error.
		 * Missing slaves are not errors: the bond starts degraded. */
		sb_init(&msgs);
		lrc = daemon_load_config(d, &src, &msgs, &err);
		daemon_say_lines(sb_str(&msgs));
		sb_free(&msgs);
		if (lrc < 0) {
			daemon_say(LOG_ERR, "bondd: %s", err.msg);
			daemon_free(d);
			return lrc == -EBADMSG ? EXIT_CONFIG : EXIT_RUNTIME;
		}
	}
	daemon_start(d);
	if (!foreground && daemon(0, 0) < 0) {
		daemon_say(LOG_ERR, "bondd: cannot detach: %m");
		daemon_free(d);
		return EXIT_RUNTIME;
	}
	if (!foreground)
		daemon_detached(d);
	/* systemd (Type=notify) starts what depends on bondd now: the
	 * control socket answers and the configured bonds exist. */
	daemon_notify_ready(d);
	rc = daemon_run(d);
	if (rc == 0 && daemon_handing_over(d)) {
		/* `bondctl upgrade`: everything stays in place for the
		 * installed binary, started with the same arguments (and
		 * the same pid, which systemd keeps watching). systemd
		 * shows the unit "reloading" until the new bondd's READY=1. */
		char exe[PATH_MAX];

		daemon_free(d);
		rc = installed_exe(exe, sizeof(exe));
		if (rc < 0) {
			syslog(LOG_ERR, "bondd: upgrade: cannot read /proc/self/exe: %s; the bonds keep flowing until bondd is started again",
			       strerror(-rc));
			daemon_say(LOG_ERR, "bondd: upgrade: cannot read /proc/self/exe: %s", strerror(-rc));
			return EXIT_RUNTIME;
		}
		notify_reloading();
		execv(exe, argv);
		syslog(LOG_ERR, "bondd: upgrade: cannot exec %s: %m; the bonds keep flowing until bondd is started again",
		       exe);
		daemon_say(LOG_ERR, "bondd: upgrade: cannot exec %s: %m", exe);
		return EXIT_RUNTIME;
	}
	/* The slaves are given back from here on (daemon_free). */
	notify_stopping();
	daemon_free(d);
	return rc < 0 ? EXIT_RUNTIME : 0;
}
