/* Importer: modprobe configuration (/etc/modprobe.conf, /etc/modprobe.d/).
 *
 *   alias bond0 bonding                   bond0 exists
 *   options bond0 mode=1 miimon=100       options of bond0 only
 *   options bonding max_bonds=2 mode=1    defaults of every bond, and
 *                                         bond0 .. bond(max_bonds-1) exist
 *   install bond1 /sbin/modprobe [--ignore-install] bonding -o bond1 mode=0
 *                                         bond1 with these options
 *   options bond1 -o bond1 mode=0         the same, old style
 *
 * As in the kernel, "options bonding" values are the defaults every bond
 * starts from (bond_setup copies bonding_defaults), whichever way the bond
 * is created; per-bond options and, when merged, BONDING_OPTS / bond-*
 * lines win over them. Without max_bonds the module creates one bond,
 * bond0. Lines about other modules are ignored. Only the bonding module's
 * real parameters are accepted (an unknown one is an error, where modprobe
 * would only log "unknown parameter ... ignored"). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

/* The bonding module's parameters (module_param in bond_main.c). */
static const char *const module_params[] = {
	"max_bonds", "tx_queues", "num_grat_arp", "num_unsol_na", "miimon", "updelay",
	"downdelay", "use_carrier", "mode", "primary", "primary_reselect", "lacp_rate",
	"ad_select", "min_links", "xmit_hash_policy", "arp_interval", "arp_ip_target",
	"arp_validate", "arp_all_targets", "fail_over_mac", "all_slaves_active",
	"resend_igmp", "packets_per_slave", "lp_interval", NULL,
};

static const char *const commands[] = {
	"alias", "options", "install", "remove", "blacklist", "softdep", "include", NULL,
};

static const char *const bonding_word[] = { "bonding", NULL };

struct mp_line {
	char **w;
	int n;
	struct conf_loc loc;
};

struct mp {
	struct conf *c;
	struct conf_diag *d;
	struct mp_line *lines;
	unsigned n_lines;
	bool module_used;           /* options bonding / alias X bonding */
};

static bool is_param(const char *name)
{
	for (const char *const *p = module_params; *p; p++)
		if (!strcmp(*p, name))
			return true;
	return false;
}

/* Does "alias NAME bonding" appear anywhere? */
static bool aliased(const struct mp *m, const char *name)
{
	for (unsigned i = 0; i < m->n_lines; i++) {
		const struct mp_line *l = &m->lines[i];

		if (l->n >= 3 && !strcmp(l->w[0], "alias") && !strcmp(l->w[1], name) &&
		    !strcmp(l->w[2], "bonding"))
			return true;
	}
	return false;
}

/* Applies one "key=value" module parameter to opts (a bond's or the
 * module defaults), or to max_bonds / tx_queues. */
static void param(struct mp *m, const char *word, struct conf_opt **opts, unsigned *n,
		  const struct conf_loc *loc)
{
	const char *eq = strchr(word, '=');
	char *key = conf_xstrndup(word, eq ? (size_t)(eq - word) : strlen(word));
	const char *value = eq ? eq + 1 : "";
	char *cname = NULL, *cvalue = NULL;
	struct err err;

	err_clear(&err);
	if (!is_param(key)) {
		const struct opt_desc *d = opt_find(key);

		if (d && !(d->flags & OPT_PER_SLAVE))
			conf_error(m->d, loc,
				   "option %s: is not a parameter of the bonding module; set it in bondd.conf",
				   key);
		else
			conf_error_unknown(m->d, loc, "option", key, conf_suggest(key, module_params));
		goto out;
	}
	if (!eq) {
		conf_error(m->d, loc, "option %s: needs a value (%s=VALUE)", key, key);
		goto out;
	}
	if (conf_opt_canon(key, value, true, &cname, &cvalue, &err) < 0) {
		conf_error(m->d, loc, "%s", err.msg);
		goto out;
	}
	if (!strcmp(cname, "max_bonds")) {
		m->c->max_bonds = atoi(cvalue);
		m->c->max_bonds_loc = *loc;
	} else if (!strcmp(cname, "tx_queues")) {
		m->c->tx_queues = atoi(cvalue);
		m->c->tx_queues_loc = *loc;
	} else {
		conf_opts_set(opts, n, cname, cvalue, loc);
	}
out:
	free(key);
	free(cname);
	free(cvalue);
}

/* The parameters words[from..n) for bond name (NULL: module defaults). A
 * "-o NAME" among them names the bond (old "options bond1 -o bond1"). */
static void params(struct mp *m, char **w, int from, int n, const char *name,
		   const struct conf_loc *loc)
{
	struct conf_bond *b;

	for (int i = from; i < n; i++)
		if ((!strcmp(w[i], "-o") || !strcmp(w[i], "--name")) && i + 1 < n)
			name = w[i + 1];
	if (name && !conf_ifname_ok(name)) {
		conf_error(m->d, loc, "invalid bond name '%s'", name);
		return;
	}
	b = name ? conf_add_bond(m->c, name, loc) : NULL;
	for (int i = from; i < n; i++) {
		if ((!strcmp(w[i], "-o") || !strcmp(w[i], "--name")) && i + 1 < n) {
			i++;
			continue;
		}
		if (w[i][0] == '-')
			continue;       /* a modprobe flag */
		if (b)
			param(m, w[i], &b->opts, &b->n_opts, loc);
		else
			param(m, w[i], &m->c->defaults, &m->c->n_defaults, loc);
	}
}

/* One command of an install line: "[/sbin/]modprobe [flags] bonding
 * [params]" (flags anywhere, as getopt permutes them). */
static void install_cmd(struct mp *m, const char *name, char **w, int n,
			const struct conf_loc *loc)
{
	const char *base = strrchr(w[0], '/') ? strrchr(w[0], '/') + 1 : w[0];
	const char *module = NULL, *oname = NULL;
	int i, first_param = -1;

	if (strcmp(base, "modprobe"))
		return;         /* ifconfig, echo ...: not ours to import */
	for (i = 1; i < n; i++) {
		if (!strcmp(w[i], "-o") || !strcmp(w[i], "--name")) {
			if (i + 1 < n)
				oname = w[++i];
		} else if (!strncmp(w[i], "--name=", 7)) {
			oname = w[i] + 7;
		} else if (w[i][0] == '-') {
			continue;
		} else if (!module) {
			module = w[i];
		} else if (first_param < 0) {
			first_param = i;
		}
	}
	if (!module || strcmp(module, "bonding"))
		return;
	if (!oname && !strcmp(name, "bonding")) {
		m->module_used = true;
		if (first_param >= 0)
			params(m, w, first_param, n, NULL, loc);
		return;
	}
	if (!oname)
		oname = name;
	if (first_param < 0) {
		if (!conf_ifname_ok(oname))
			conf_error(m->d, loc, "invalid bond name '%s'", oname);
		else
			conf_add_bond(m->c, oname, loc);
		return;
	}
	params(m, w, first_param, n, oname, loc);
}

static void install_line(struct mp *m, const struct mp_line *l)
{
	int start = 2;

	/* Commands are separated by ';', '&&' or '||' words (or a ';' glued
	 * to the end of a word). */
	for (int i = 2; i <= l->n; i++) {
		bool end = i == l->n;
		size_t len = end ? 0 : strlen(l->w[i]);

		if (!end && len && l->w[i][len - 1] == ';' && strcmp(l->w[i], ";")) {
			char *save = l->w[i];
			char **w = conf_xmalloc(sizeof(*w) * (size_t)(i - start + 1));

			for (int k = start; k <= i; k++)
				w[k - start] = l->w[k];
			w[i - start] = conf_xstrndup(save, len - 1);
			install_cmd(m, l->w[1], w, i - start + 1, &l->loc);
			free(w[i - start]);
			free(w);
			start = i + 1;
			continue;
		}
		if (end || !strcmp(l->w[i], ";") || !strcmp(l->w[i], "&&") ||
		    !strcmp(l->w[i], "||")) {
			if (i > start)
				install_cmd(m, l->w[1], &l->w[start], i - start, &l->loc);
			start = i + 1;
		}
	}
}

static void read_lines(struct mp *m, const struct conf_file *f)
{
	const char *file = conf_add_file(m->c, f->path);
	struct conf_lines it;
	unsigned lineno;
	char *line;

	conf_lines_init(&it, f->text, true);
	while (conf_lines_next(&it, &line, &lineno)) {
		struct conf_loc loc = conf_loc_at(file, lineno);
		char *s = conf_trim(line);
		char **w;
		int n;

		if (!*s || *s == '#') {
			free(line);
			continue;
		}
		n = conf_split_words(s, &w);
		free(line);
		if (n < 0) {
			conf_error(m->d, &loc, "unterminated quote");
			continue;
		}
		if (n == 0) {
			conf_words_free(w, n);
			continue;
		}
		{
			struct mp_line *l = CONF_PUSH(m->lines, m->n_lines);

			l->w = w;
			l->n = n;
			l->loc = loc;
		}
	}
}

static void process(struct mp *m, const struct mp_line *l)
{
	const char *cmd = l->w[0];
	bool known = false;

	for (const char *const *c = commands; *c; c++)
		if (!strcmp(*c, cmd))
			known = true;
	if (!known) {
		conf_error_unknown(m->d, &l->loc, "command", cmd, conf_suggest(cmd, commands));
		return;
	}
	if (!strcmp(cmd, "alias")) {
		if (l->n != 3) {
			conf_error(m->d, &l->loc, "alias needs a name and a module: alias bond0 bonding");
			return;
		}
		if (strcmp(l->w[2], "bonding")) {
			if (conf_looks_like_bond(l->w[1]) && conf_suggest(l->w[2], bonding_word))
				conf_error_unknown(m->d, &l->loc, "module", l->w[2], "bonding");
			return;
		}
		if (!strcmp(l->w[1], "bonding"))
			return;
		if (!conf_ifname_ok(l->w[1])) {
			conf_error(m->d, &l->loc, "invalid bond name '%s'", l->w[1]);
			return;
		}
		m->module_used = true;
		conf_add_bond(m->c, l->w[1], &l->loc);
	} else if (!strcmp(cmd, "options")) {
		if (l->n < 2) {
			conf_error(m->d, &l->loc, "options needs a module name");
			return;
		}
		if (!strcmp(l->w[1], "bonding")) {
			m->module_used = true;
			params(m, l->w, 2, l->n, NULL, &l->loc);
		} else if (aliased(m, l->w[1]) || conf_looks_like_bond(l->w[1])) {
			params(m, l->w, 2, l->n, l->w[1], &l->loc);
		} else if (conf_suggest(l->w[1], bonding_word) && strcmp(l->w[1], "bonding")) {
			conf_error_unknown(m->d, &l->loc, "module", l->w[1], "bonding");
		}
	} else if (!strcmp(cmd, "install")) {
		if (l->n < 3) {
			conf_error(m->d, &l->loc, "install needs a name and a command");
			return;
		}
		install_line(m, l);
	}
	/* remove, blacklist, softdep, include: nothing to import. */
}

struct conf *imp_modprobe_parse(const struct conf_file *files, unsigned n,
				struct conf_diag *d)
{
	struct mp m = { .d = d };
	unsigned errors = d->n_errors;

	m.c = conf_new();
	for (unsigned i = 0; i < n; i++)
		read_lines(&m, &files[i]);
	for (unsigned i = 0; i < m.n_lines; i++)
		process(&m, &m.lines[i]);
	for (unsigned i = 0; i < m.n_lines; i++)
		conf_words_free(m.lines[i].w, m.lines[i].n);
	free(m.lines);

	/* Loading the module creates bond0 .. bond(max_bonds-1), one bond
	 * when max_bonds is not given. */
	if (m.module_used) {
		int max = m.c->max_bonds >= 0 ? m.c->max_bonds : 1;

		for (int i = 0; i < max && i < 1000; i++) {
			char name[CONF_NAME_MAX];

			snprintf(name, sizeof(name), "bond%d", i);
			if (!conf_find_bond(m.c, name))
				conf_add_bond(m.c, name, m.c->max_bonds >= 0 ? &m.c->max_bonds_loc :
					      m.c->n_files ? &(struct conf_loc){ m.c->files[0], 0 } :
					      NULL);
		}
	}
	/* The module creates its bonds down; nothing in modprobe.d brings
	 * them up (ifcfg or interfaces do, see conf_merge). */
	for (unsigned i = 0; i < m.c->n_bonds; i++)
		m.c->bonds[i].down = true;
	if (d->n_errors > errors) {
		conf_free(m.c);
		return NULL;
	}
	return m.c;
}
