/* bondctl ip: runs what the parser (bondctl_ip_parse.c) made of the words.
 *
 *   link add NAME [LINK WORDS] type bond [OPTIONS]   create (all or nothing),
 *                                         then ip for the link words, then up
 *   link set BOND [type bond OPTIONS] [LINK WORDS] [up|down]
 *                                         set (all or nothing), then ip, then
 *                                         up/down: the kernel's order
 *   link set DEV [type bond_slave ...] [LINK WORDS] [master BOND|nomaster]
 *                                         set-slave, ip, then enslave/release
 *   link del[ete] [dev] BOND              delete
 *   link add link BOND name NAME type vlan id VID [LINK WORDS] [up]
 *                                         vlan add, then ip, then up
 *   link del[ete] [dev] VLAN              vlan del (a VLAN sub-interface)
 *   -d link show [...]                    ip's text with the bond details
 *
 * Everything else (another kind of link, a device no bond of bondd has to
 * do with, ip addr, ip route, ...) is run by the system's ip, unchanged, so
 * a whole script works with `bondctl` in front. */
#include "bondctl_ip.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"
#include "ctl/ctl_proto.h"

#define PROG "bondctl"
#define IP_PROG "ip"

static bool dev_exists(const char *name)
{
	return *name && strlen(name) < IFNAMSIZ && if_nametoindex(name) != 0;
}

struct ctx {
	const char *sock;
	char *bonds;         /* `list`: one name a line */
	struct ipc *c;
};

/* What bondd refused, as ip prints a kernel's refusal: "Error: MSG." per
 * line, without our "bondctl: " tag. */
static void relay_error(const char *text)
{
	static const char tag[] = PROG ": ";
	const char *line = text;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (!strncmp(line, tag, sizeof(tag) - 1)) {
			line += sizeof(tag) - 1;
			len -= sizeof(tag) - 1;
		}
		if (len)
			fprintf(stderr, "Error: %.*s%s\n", (int)len, line,
				line[len - 1] == '.' ? "" : ".");
		if (!nl)
			break;
		line = nl + 1;
	}
}

/* One request to bondd. Returns IPX_OK, IPX_REFUSED after relaying its
 * refusal, or the client's status (3: bondd not reachable) after its
 * message. out, if given, receives the reply's text. */
static int call(struct ctx *x, int argc, const char *const argv[], char **out)
{
	struct client_reply r;
	int rc = client_call(PROG, x->sock, argc, argv, false, &r);

	if (rc)
		return rc;
	if (r.status != CTL_EXIT_OK) {
		relay_error(r.err);
		client_reply_free(&r);
		return IPX_REFUSED;
	}
	if (out) {
		*out = r.out;
		r.out = NULL;
	}
	client_reply_free(&r);
	return IPX_OK;
}

static bool in_lines(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len == n && !strncmp(p, name, n))
			return true;
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

static bool is_bond(struct ctx *x, const char *name)
{
	return name && in_lines(x->bonds, name);
}

/* The bond of bondd that has dev as a slave: its name (malloc'd) in *bond,
 * NULL if none. Returns IPX_OK or the failed call's status. */
static int bond_of(struct ctx *x, const char *dev, char **bond)
{
	*bond = NULL;
	for (const char *p = x->bonds; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char name[IFNAMSIZ + 1];
		const char *argv[3] = { "get", name, "slaves" };
		char *slaves = NULL;
		int rc;

		if (len && len < sizeof(name)) {
			memcpy(name, p, len);
			name[len] = '\0';
			rc = call(x, 3, argv, &slaves);
			if (rc)
				return rc;
			/* "eth0 eth1\n": a word match */
			for (char *t = strtok(slaves, " \n"); t; t = strtok(NULL, " \n")) {
				if (!strcmp(t, dev)) {
					*bond = strdup(name);
					free(slaves);
					if (!*bond) {
						fprintf(stderr, PROG ": out of memory\n");
						return IPX_FAIL;
					}
					return IPX_OK;
				}
			}
			free(slaves);
		}
		p = nl ? nl + 1 : NULL;
	}
	return IPX_OK;
}

/* Runs ip with argv (argv[0] is "ip"); out: its stdout, else ours.
 * Returns ip's exit status, or IPX_FAIL after saying why it could not run. */
static int run_ip(char *const argv[], struct strbuf *out)
{
	int pfd[2] = { -1, -1 }, status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if (out && pipe(pfd) < 0) {
		fprintf(stderr, PROG " ip: cannot make a pipe for ip: %s\n", strerror(errno));
		return IPX_FAIL;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, PROG " ip: cannot start ip: %s\n", strerror(errno));
		if (out) {
			close(pfd[0]);
			close(pfd[1]);
		}
		return IPX_FAIL;
	}
	if (pid == 0) {
		if (out && (dup2(pfd[1], STDOUT_FILENO) < 0 || close(pfd[0]) < 0 ||
			    close(pfd[1]) < 0))
			_exit(IPX_FAIL);
		execvp(IP_PROG, argv);
		fprintf(stderr, PROG " ip: cannot run " IP_PROG " (iproute2): %s\n", strerror(errno));
		_exit(IPX_FAIL);
	}
	if (out) {
		char buf[4096];
		ssize_t n;

		close(pfd[1]);
		while ((n = read(pfd[0], buf, sizeof(buf))) != 0) {
			if (n < 0) {
				if (errno == EINTR)
					continue;
				fprintf(stderr, PROG " ip: cannot read ip's output: %s\n", strerror(errno));
				break;
			}
			sb_printf(out, "%.*s", (int)n, buf);
		}
		close(pfd[0]);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, PROG " ip: cannot wait for ip: %s\n", strerror(errno));
			return IPX_FAIL;
		}
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	fprintf(stderr, PROG " ip: ip was killed by signal %d\n", WTERMSIG(status));
	return IPX_FAIL;
}

/* ip with our own words unchanged: the command is not about bondd. */
static int pass(int argc, char **argv)
{
	char **v = calloc((size_t)argc + 2, sizeof(*v));
	int rc;

	if (!v) {
		fprintf(stderr, PROG ": out of memory\n");
		return IPX_FAIL;
	}
	v[0] = (char *)IP_PROG;
	memcpy(v + 1, argv, (size_t)argc * sizeof(*v));
	rc = run_ip(v, NULL);
	free(v);
	return rc;
}

/* ip link set dev DEV WORDS... (the words bondd leaves to the device). */
static int ip_set_rest(const char *dev, const char *const *rest, unsigned n,
		       int updown)
{
	char *v[IPC_MAX_REST + 8];
	unsigned k = 0;

	if (!n && !updown)
		return IPX_OK;
	v[k++] = (char *)IP_PROG;
	v[k++] = (char *)"link";
	v[k++] = (char *)"set";
	v[k++] = (char *)"dev";
	v[k++] = (char *)dev;
	for (unsigned i = 0; i < n; i++)
		v[k++] = (char *)rest[i];
	if (updown)
		v[k++] = (char *)(updown > 0 ? "up" : "down");
	v[k] = NULL;
	return run_ip(v, NULL);
}

/* "set BOND opt value ..." or "create BOND opt value ...": all or nothing. */
static int send_opts(struct ctx *x, const char *cmd, const char *bond)
{
	const char *argv[2 + 2 * IPC_MAX_OPTS];
	int n = 0;

	argv[n++] = cmd;
	argv[n++] = bond;
	for (unsigned i = 0; i < x->c->n_opts; i++) {
		argv[n++] = x->c->opts[i].name;
		argv[n++] = x->c->opts[i].value;
	}
	if (!strcmp(cmd, "set") && n == 2)
		return IPX_OK;
	return call(x, n, argv, NULL);
}

static int updown(struct ctx *x, const char *bond, int how)
{
	const char *argv[2] = { how > 0 ? "up" : "down", bond };

	return how ? call(x, 2, argv, NULL) : IPX_OK;
}

static int do_add(struct ctx *x)
{
	struct ipc *c = x->c;
	const char *del[2] = { "delete", c->dev };
	int rc;

	if (c->master || c->nomaster) {
		fprintf(stderr, "Error: %s: a bond of bondd cannot be a slave.\n", c->dev);
		return IPX_REFUSED;
	}
	/* The kernel's answer to a name in use, before bondd's own. */
	if (dev_exists(c->dev)) {
		fprintf(stderr, "RTNETLINK answers: File exists\n");
		return IPX_REFUSED;
	}
	rc = send_opts(x, "create", c->dev);
	if (rc)
		return rc;
	/* The link words the kernel would apply with the new device: if ip
	 * refuses one, the bond goes again, as a refused ip link add leaves
	 * nothing behind. */
	rc = ip_set_rest(c->dev, c->rest, c->n_rest, 0);
	if (rc) {
		if (call(x, 2, del, NULL) == IPX_OK)
			fprintf(stderr, PROG " ip: %s: not created (ip refused its link settings)\n",
				c->dev);
		return rc;
	}
	return updown(x, c->dev, c->updown);
}

/* The bond of bondd whose VLAN sub-interface dev is: its name (malloc'd)
 * in *bond, NULL if none (from `vlan show`: "NAME BOND VID ..." under a
 * header). Returns IPX_OK or the failed call's status. */
static int vlan_bond_of(struct ctx *x, const char *dev, char **bond)
{
	const char *argv[2] = { "vlan", "show" };
	char *text = NULL;
	int rc = call(x, 2, argv, &text);

	*bond = NULL;
	if (rc)
		return rc;
	for (char *line = text, *nl; line && *line; line = nl) {
		char name[IFNAMSIZ + 1], b[IFNAMSIZ + 1];

		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if (sscanf(line, "%16s %16s", name, b) == 2 && !strcmp(name, dev)) {
			*bond = strdup(b);
			if (!*bond) {
				fprintf(stderr, PROG ": out of memory\n");
				rc = IPX_FAIL;
			}
			break;
		}
	}
	free(text);
	return rc;
}

/* ip link add link BOND name NAME type vlan id VID [LINK WORDS] [up]:
 * `vlan add`, then ip for the link words on the new device (if ip refuses
 * one, the VLAN goes again, as a refused ip link add leaves nothing), then
 * up. */
static int do_vlan_add(struct ctx *x)
{
	struct ipc *c = x->c;
	char vid[16];
	const char *add[6] = { "vlan", "add", c->link, vid, "name", c->dev };
	const char *del[4] = { "vlan", "del", c->link, c->dev };
	int rc;

	if (c->master || c->nomaster) {
		fprintf(stderr, "Error: %s: a VLAN of bondd cannot be a slave.\n", c->dev);
		return IPX_REFUSED;
	}
	if (dev_exists(c->dev)) {
		fprintf(stderr, "RTNETLINK answers: File exists\n");
		return IPX_REFUSED;
	}
	snprintf(vid, sizeof(vid), "%d", c->vlan_id);
	rc = call(x, 6, add, NULL);
	if (rc)
		return rc;
	rc = ip_set_rest(c->dev, c->rest, c->n_rest, c->updown);
	if (rc && call(x, 4, del, NULL) == IPX_OK)
		fprintf(stderr, PROG " ip: %s: not created (ip refused its link settings)\n", c->dev);
	return rc;
}

static int do_set_bond(struct ctx *x)
{
	struct ipc *c = x->c;
	int rc;

	if (c->master || c->nomaster) {
		fprintf(stderr, "Error: %s: a bond of bondd cannot be a slave.\n", c->dev);
		return IPX_REFUSED;
	}
	if (c->type && strcmp(c->type, "bond")) {
		fprintf(stderr, "Error: %s is a bond of bondd, not a %s.\n", c->dev, c->type);
		return IPX_REFUSED;
	}
	for (unsigned i = 0; i < c->n_rest; i++) {
		if (!strcmp(c->rest[i], "name") || !strcmp(c->rest[i], "netns")) {
			fprintf(stderr, "Error: %s: bondd keeps its bonds by name in its own "
				"namespace; \"%s\" cannot be changed (delete the bond and create it "
				"again).\n", c->dev, c->rest[i]);
			return IPX_REFUSED;
		}
	}
	/* The kernel's order: the bond's options, the device's settings, then
	 * the flags (up/down). */
	rc = send_opts(x, "set", c->dev);
	if (rc)
		return rc;
	rc = ip_set_rest(c->dev, c->rest, c->n_rest, 0);
	if (rc) {
		if (c->n_opts)
			fprintf(stderr, PROG " ip: %s: the bond options were set; ip refused "
				"the rest\n", c->dev);
		return rc;
	}
	return updown(x, c->dev, c->updown);
}

/* DEV into BOND, from the bond it is in (old, may be NULL), as the kernel
 * moves a slave from one master to another; if BOND refuses it, it goes
 * back into old. */
static int enslave(struct ctx *x, const char *dev, const char *old, const char *bond)
{
	const char *rel[3] = { "release", old, dev };
	const char *ens[3] = { "enslave", bond, dev };
	const char *back[3] = { "enslave", old, dev };
	int rc;

	if (old && !strcmp(old, bond))
		return IPX_OK;      /* already there: the kernel does nothing */
	if (old) {
		rc = call(x, 3, rel, NULL);
		if (rc)
			return rc;
	}
	rc = call(x, 3, ens, NULL);
	if (rc && old) {
		if (call(x, 3, back, NULL) == IPX_OK)
			fprintf(stderr, PROG " ip: %s: stays a slave of %s\n", dev, old);
		else
			fprintf(stderr, PROG " ip: %s: released from %s, and %s refused it\n",
				dev, old, bond);
	}
	return rc;
}

static int do_set_slave(struct ctx *x, const char *old, int argc, char **argv)
{
	struct ipc *c = x->c;
	int rc;

	if (c->type && !strcmp(c->type, "bond")) {
		fprintf(stderr, "Error: %s is not a bond of bondd.\n", c->dev);
		return IPX_REFUSED;
	}
	if (c->master && !is_bond(x, c->master)) {
		/* into a master that is not ours (a bridge): out of ours, the
		 * rest is ip's */
		if (old) {
			const char *rel[3] = { "release", old, c->dev };

			rc = call(x, 3, rel, NULL);
			if (rc)
				return rc;
		}
		return pass(argc, argv);
	}
	/* The kernel's order: the slave's options (it must be a slave now),
	 * the device's settings and flags, then the master. */
	if (c->n_sopts && !old) {
		fprintf(stderr, "Error: %s is not a slave of a bond of bondd.\n", c->dev);
		return IPX_REFUSED;
	}
	/* queue_id before prio, as bond_slave_changelink applies them: a
	 * refused queue_id leaves prio alone */
	for (unsigned k = 0; k < 2; k++) {
		const char *want = k ? "prio" : "queue_id";

		for (unsigned i = 0; i < c->n_sopts; i++) {
			const char *argv5[5] = { "set-slave", old, c->dev, c->sopts[i].name,
						 c->sopts[i].value };

			if (strcmp(c->sopts[i].name, want))
				continue;
			rc = call(x, 5, argv5, NULL);
			if (rc)
				return rc;
		}
	}
	rc = ip_set_rest(c->dev, c->rest, c->n_rest, c->updown);
	if (rc)
		return rc;
	if (c->master)
		return enslave(x, c->dev, old, c->master);
	if (c->nomaster && old) {
		const char *rel[3] = { "release", old, c->dev };

		return call(x, 3, rel, NULL);
	}
	return IPX_OK;
}

/* Appends the slaves of bond to list, one per line. */
static int add_slaves(struct ctx *x, const char *bond, struct strbuf *list)
{
	const char *argv[3] = { "get", bond, "slaves" };
	char *slaves = NULL;
	int rc = call(x, 3, argv, &slaves);

	if (rc)
		return rc;
	for (char *t = strtok(slaves, " \n"); t; t = strtok(NULL, " \n"))
		sb_printf(list, "%s\n", t);
	free(slaves);
	return IPX_OK;
}

struct dev_at {
	char name[IFNAMSIZ];
	unsigned index;
};

static int by_index(const void *a, const void *b)
{
	const struct dev_at *da = a, *db = b;

	return (da->index > db->index) - (da->index < db->index);
}

/* The devices "master BOND" / "type bond" / "type bond_slave" name among
 * bondd's (the kernel knows them not as masters, bonds or slaves), in
 * ifindex order as ip lists them; only dev if one was named. *n = -1 when
 * the filters are not about bondd's devices (ip applies them). */
static int filter_devs(struct ctx *x, struct dev_at *devs, int max, int *n)
{
	struct ipc *c = x->c;
	struct strbuf list;
	bool mine_master = c->show_master && is_bond(x, c->show_master);
	bool t_bond = c->show_type && !strcmp(c->show_type, "bond");
	bool t_slave = c->show_type && !strcmp(c->show_type, "bond_slave");
	int rc = IPX_OK;

	*n = -1;
	if (c->show_master && !mine_master)
		return IPX_OK;              /* a kernel master: ip's */
	if (!mine_master && !t_bond && !t_slave)
		return IPX_OK;              /* another kind: ip's */
	*n = 0;
	sb_init(&list);
	if (mine_master) {
		if (!t_bond)
			rc = add_slaves(x, c->show_master, &list);
	} else if (t_bond) {
		sb_puts(&list, x->bonds ? x->bonds : "");
	} else {
		for (const char *p = x->bonds; p && *p && !rc;) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			char name[IFNAMSIZ];

			if (len && len < sizeof(name)) {
				memcpy(name, p, len);
				name[len] = '\0';
				rc = add_slaves(x, name, &list);
			}
			p = nl ? nl + 1 : NULL;
		}
	}
	for (char *t = strtok(list.buf ? list.buf : (char *)"", "\n"); t && !rc && *n < max;
	     t = strtok(NULL, "\n")) {
		if (c->dev && strcmp(c->dev, t))
			continue;
		if (strlen(t) >= IFNAMSIZ)
			continue;
		memcpy(devs[*n].name, t, strlen(t) + 1);
		devs[*n].index = if_nametoindex(t);
		/* gone since bondd listed it: ip would not list it either */
		if (devs[*n].index)
			(*n)++;
	}
	sb_free(&list);
	qsort(devs, (size_t)*n, sizeof(*devs), by_index);
	return rc;
}

/* "ip GLOBALS link show dev DEV FILTERS..." for one device of a filtered
 * list: its text appended to text (JSON: the array's members, comma
 * separated, for one array at the end). */
static int show_one(struct ctx *x, char **argv, const char *dev, struct strbuf *text)
{
	struct ipc *c = x->c;
	char *v[IPC_MAX_REST + 64];
	struct strbuf one;
	unsigned k = 0;
	int rc;

	if (c->obj_at > 48)
		return IPX_SYNTAX;
	v[k++] = (char *)IP_PROG;
	for (int i = 0; i < c->obj_at; i++)
		v[k++] = argv[i];
	v[k++] = (char *)"link";
	v[k++] = (char *)"show";
	v[k++] = (char *)"dev";
	v[k++] = (char *)dev;
	for (unsigned i = 0; i < c->n_show_words; i++)
		v[k++] = (char *)c->show_words[i];
	v[k] = NULL;
	sb_init(&one);
	rc = run_ip(v, &one);
	if (!rc && c->json) {
		/* "[{...}]": the members only */
		const char *t = sb_str(&one), *e = t + one.len;

		while (e > t && (e[-1] == '\n' || e[-1] == ' '))
			e--;
		if (*t == '[' && e > t + 1 && e[-1] == ']') {
			t++;
			e--;
			while (t < e && (*t == '\n' || *t == ' '))
				t++;
			if (t < e)
				sb_printf(text, "%s%.*s", text->len > 1 ? "," : "", (int)(e - t), t);
		}
	} else if (!rc) {
		sb_puts(text, sb_str(&one));
	}
	sb_free(&one);
	return rc;
}

static int do_show(struct ctx *x, int argc, char **argv)
{
	struct ipc *c = x->c;
	bool details = c->details && !c->brief;
	struct strbuf text, out;
	const char *req[1] = { "ip-details" };
	char *info = NULL;
	struct dev_at devs[256];
	int rc, n = -1;

	if (c->json && details) {
		fprintf(stderr, PROG " ip: -json with -details: the bond details of bondd's bonds "
			"have no JSON form here; use '" PROG " -j show BOND'\n");
		return IPX_SYNTAX;
	}
	if (c->show_master || c->show_type) {
		rc = filter_devs(x, devs, (int)ARRAY_SIZE(devs), &n);
		if (rc)
			return rc;
		if (n < 0 && !details)
			return pass(argc, argv);
	}
	if (details) {
		rc = call(x, 1, req, &info);
		if (rc)
			return rc;
	}
	sb_init(&text);
	sb_init(&out);
	if (n >= 0) {
		rc = IPX_OK;
		if (c->json)
			sb_puts(&text, "[");
		for (int i = 0; i < n && !rc; i++)
			rc = show_one(x, argv, devs[i].name, &text);
		if (c->json)
			sb_puts(&text, "]\n");
	} else {
		char **v = calloc((size_t)argc + 2, sizeof(*v));

		if (!v) {
			rc = IPX_FAIL;
			text.oom = true;
		} else {
			v[0] = (char *)IP_PROG;
			memcpy(v + 1, argv, (size_t)argc * sizeof(*v));
			rc = run_ip(v, &text);
			free(v);
		}
	}
	if (details)
		ipc_splice(sb_str(&text), info, c->oneline, &out);
	else
		sb_puts(&out, sb_str(&text));
	if (text.oom || out.oom) {
		fprintf(stderr, PROG ": out of memory\n");
		rc = IPX_FAIL;
	} else {
		fputs(sb_str(&out), stdout);
		fflush(stdout);
	}
	sb_free(&text);
	sb_free(&out);
	free(info);
	return rc;
}

int bondctl_ip(const char *sock, int argc, char **argv)
{
	struct strbuf err;
	struct ipc c;
	struct ctx x = { .sock = sock, .c = &c };
	const char *list[1] = { "list" };
	char *old = NULL;
	int rc;

	sb_init(&err);
	rc = ipc_parse(argc, argv, dev_exists, &c, &err);
	/* A vlan on a device that is not a bond of bondd is ip's, even with
	 * words bondd's VLANs refuse (802.1ad, QoS maps). */
	if (rc && c.kind == IPC_ADD && c.type && !strcmp(c.type, "vlan") && c.link &&
	    !c.netns && call(&x, 1, list, &x.bonds) == IPX_OK && !is_bond(&x, c.link)) {
		sb_free(&err);
		free(x.bonds);
		return pass(argc, argv);
	}
	free(x.bonds);
	x.bonds = NULL;
	fputs(sb_str(&err), stderr);
	sb_free(&err);
	if (rc)
		return rc;
	/* In another namespace, or what only ip does (-brief shows no
	 * details, plain show has none): ip alone. */
	if (c.kind == IPC_PASS || c.netns || (c.kind == IPC_SHOW && !c.show_master &&
	    !c.show_type && (!c.details || c.brief)))
		return pass(argc, argv);
	rc = call(&x, 1, list, &x.bonds);
	if (rc)
		return rc;
	switch (c.kind) {
	case IPC_SHOW:
		rc = do_show(&x, argc, argv);
		break;
	case IPC_ADD:
		if (c.type && !strcmp(c.type, "vlan")) {
			rc = is_bond(&x, c.link) ? do_vlan_add(&x) : pass(argc, argv);
			break;
		}
		rc = do_add(&x);
		break;
	case IPC_DEL:
		if (!is_bond(&x, c.dev)) {
			rc = vlan_bond_of(&x, c.dev, &old);
			if (rc)
				break;
			if (!old) {
				rc = pass(argc, argv);
				break;
			}
			if (c.type && strcmp(c.type, "vlan")) {
				fprintf(stderr, "Error: %s is a VLAN of bondd, not a %s.\n", c.dev, c.type);
				rc = IPX_REFUSED;
				break;
			}
			rc = call(&x, 4, (const char *const[]){ "vlan", "del", old, c.dev }, NULL);
			break;
		}
		if (c.type && strcmp(c.type, "bond")) {
			fprintf(stderr, "Error: %s is a bond of bondd, not a %s.\n", c.dev, c.type);
			rc = IPX_REFUSED;
			break;
		}
		rc = call(&x, 2, (const char *const[]){ "delete", c.dev }, NULL);
		break;
	case IPC_SET:
		if (is_bond(&x, c.dev)) {
			rc = do_set_bond(&x);
			break;
		}
		if (!dev_exists(c.dev)) {
			fprintf(stderr, "Cannot find device \"%s\"\n", c.dev);
			rc = IPX_FAIL;
			break;
		}
		rc = bond_of(&x, c.dev, &old);
		if (rc)
			break;
		/* Nothing about a bond of bondd: ip's business. */
		if (!(c.master && is_bond(&x, c.master)) && !old &&
		    !(c.type && !strcmp(c.type, "bond"))) {
			rc = pass(argc, argv);
			break;
		}
		rc = do_set_slave(&x, old, argc, argv);
		break;
	default:
		rc = pass(argc, argv);
		break;
	}
	free(old);
	free(x.bonds);
	return rc;
}
