/* The shell-command interpreter of the interfaces importer: the commands
 * of up / post-up / pre-up hook lines and of boot scripts (rc.local) that
 * configure bonds the old way (ifenslave, ip addr/route add, route add,
 * ifconfig, echo > /sys/class/net/BOND/bonding/OPTION, and the VLANs of
 * "vconfig add BOND VID" and "ip link add link BOND name N type vlan id
 * VID") become configuration;
 * every other command is reported as not imported (hooks) or left alone
 * (scripts). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imp_interfaces.h"

/* The words of an up hook's commands, $IFACE replaced. Calls fn for each
 * command (split at ';', '&&', '||'). */
typedef void (*cmd_fn)(struct imp *m, struct stanza *s, char **w, int n,
		       const struct conf_loc *loc, bool apply);

static char *subst_iface(const char *word, const char *iface)
{
	struct strbuf sb;
	char *out;

	sb_init(&sb);
	while (*word) {
		if (!strncmp(word, "${IFACE}", 8)) {
			sb_puts(&sb, iface);
			word += 8;
		} else if (!strncmp(word, "$IFACE", 6)) {
			sb_puts(&sb, iface);
			word += 6;
		} else {
			sb_printf(&sb, "%c", *word++);
		}
	}
	out = conf_xstrdup(sb.buf ? sb.buf : "");
	sb_free(&sb);
	return out;
}

static void each_command(struct imp *m, struct stanza *s, const struct opt_line *o,
			 cmd_fn fn, bool apply)
{
	char **w;
	int n = conf_split_words(o->value, &w), start = 0;

	if (n < 0) {
		if (apply)
			conf_error(m->d, &o->loc, "unterminated quote");
		return;
	}
	for (int i = 0; i < n; i++) {
		char *t = subst_iface(w[i], s->name);

		free(w[i]);
		w[i] = t;
	}
	for (int i = 0; i <= n; i++) {
		bool sep = i < n && (!strcmp(w[i], ";") || !strcmp(w[i], "&&") ||
				     !strcmp(w[i], "||"));
		size_t len = i < n ? strlen(w[i]) : 0;

		if (i < n && !sep && len > 1 && w[i][len - 1] == ';') {
			w[i][len - 1] = '\0';
			fn(m, s, &w[start], i - start + 1, &o->loc, apply);
			start = i + 1;
		} else if (i == n || sep) {
			if (i > start)
				fn(m, s, &w[start], i - start, &o->loc, apply);
			start = i + 1;
		}
	}
	conf_words_free(w, n);
}

bool imp_is_up_hook(const char *name)
{
	return !strcmp(name, "up") || !strcmp(name, "post-up") || !strcmp(name, "pre-up");
}

static const char *cmd_name(const char *w)
{
	const char *s = strrchr(w, '/');

	return s ? s + 1 : w;
}

/* ifenslave [-f] MASTER SLAVE...: first pass marks the bond, second
 * enslaves. */
static void ifenslave_cmd(struct imp *m, struct stanza *s, char **w, int n,
			  const struct conf_loc *loc, bool apply)
{
	const char *master = NULL;
	struct conf_bond *b = NULL;

	for (int i = 1; i < n; i++) {
		if (w[i][0] == '-') {
			if (!strcmp(w[i], "-f") || !strcmp(w[i], "--force"))
				continue;
			if (apply)
				conf_warn(m->d, loc, "ifenslave %s in an up hook: not imported", w[i]);
			return;
		}
		if (!master) {
			master = w[i];
			if (!conf_ifname_ok(master)) {
				if (apply)
					conf_error(m->d, loc, "invalid interface name '%s'", master);
				return;
			}
			if (!apply) {
				imp_mark_bond(m, master);
				return;
			}
			b = conf_add_bond(m->c, master, loc);
			continue;
		}
		if (!conf_ifname_ok(w[i]))
			conf_error(m->d, loc, "invalid interface name '%s'", w[i]);
		else if (!strcmp(w[i], master))
			conf_error(m->d, loc, "%s cannot be a slave of itself", w[i]);
		else if (conf_slave_owner(m->c, w[i]) && conf_slave_owner(m->c, w[i]) != b)
			conf_error(m->d, loc, "%s is a slave of %s already", w[i],
				   conf_slave_owner(m->c, w[i])->name);
		else
			conf_bond_add_slave(b, w[i], loc);
	}
	if (apply && b && !b->n_slaves)
		conf_error(m->d, loc, "ifenslave %s names no slave", master);
}

/* ip [-4|-6] addr add ... / ip route add ... */
/* A VLAN a command creates on dev: bondd creates it instead (conf_check()
 * refuses it when dev is not one of the bonds). */
static void add_vlan(struct imp *m, const char *dev, const char *name, const char *vid_text,
		     const char *cmd, const struct conf_loc *loc)
{
	struct conf_vlan *v;
	struct err err;
	unsigned vid;

	err_clear(&err);
	if (!conf_ifname_ok(dev) || !conf_ifname_ok(name)) {
		conf_error(m->d, loc, "%s: invalid interface name '%s'", cmd,
			   conf_ifname_ok(dev) ? name : dev);
		return;
	}
	if (conf_parse_vid(vid_text, &vid, &err) < 0) {
		conf_error(m->d, loc, "%s: %s", cmd, err.msg);
		return;
	}
	v = conf_find_vlan(m->c, name);
	if (v) {
		if (strcmp(v->bond, dev) || v->vid != vid)
			conf_error(m->d, loc, "%s: %s is VLAN %u of %s already (%s:%u)", cmd, name,
				   v->vid, v->bond, v->loc.file, v->loc.line);
		return;
	}
	conf_add_vlan(m->c, name, dev, vid, loc);
}

/* vconfig add DEV VID: DEV.VID, vconfig's default name type
 * (DEV_PLUS_VID_NO_PAD). */
static void vconfig_cmd(struct imp *m, struct stanza *s, char **w, int n,
			const struct conf_loc *loc, bool apply)
{
	char name[CONF_NAME_MAX];

	(void)s;
	if (!apply)
		return;
	if (n != 4 || strcmp(w[1], "add")) {
		if (!m->script)
			conf_warn(m->d, loc, "command not imported: vconfig %s", n > 1 ? w[1] : "");
		return;
	}
	if (snprintf(name, sizeof(name), "%s.%s", w[2], w[3]) >= (int)sizeof(name)) {
		conf_error(m->d, loc, "vconfig add: %s.%s is longer than an interface name", w[2],
			   w[3]);
		return;
	}
	add_vlan(m, w[2], name, w[3], "vconfig add", loc);
}

/* ip link add [link] DEV name NAME type vlan id VID [protocol 802.1Q]:
 * the words in any order, as ip takes them. Any other link type, or a
 * word bondd does not use, is not imported. */
static void ip_link_add(struct imp *m, char **w, int n, int i, const struct conf_loc *loc)
{
	const char *link = NULL, *name = NULL, *type = NULL, *id = NULL;

	for (; i < n; i++) {
		const char *k = w[i];

		if (i + 1 >= n && strcmp(k, "vlan")) {
			conf_warn(m->d, loc, "ip link add: '%s' is not imported", k);
			return;
		}
		if (!strcmp(k, "link")) {
			link = w[++i];
		} else if (!strcmp(k, "name") || !strcmp(k, "dev")) {
			name = w[++i];
		} else if (!strcmp(k, "type")) {
			type = w[++i];
		} else if (type && !strcmp(type, "vlan") && !strcmp(k, "id")) {
			id = w[++i];
		} else if (type && !strcmp(type, "vlan") && !strcmp(k, "protocol")) {
			if (strcasecmp(w[++i], "802.1q")) {
				conf_error(m->d, loc, "ip link add: protocol %s: bondd's VLANs are 802.1Q (TPID 0x8100) only",
					   w[i]);
				return;
			}
		} else if (!type && !name) {
			name = k;       /* "ip link add NAME ..." */
		} else {
			conf_warn(m->d, loc, "ip link add: '%s' is not imported", k);
			return;
		}
	}
	if (!type || strcmp(type, "vlan")) {
		if (!m->script)
			conf_warn(m->d, loc, "command not imported: ip link add ... type %s",
				  type ? type : "?");
		return;
	}
	if (!link || !name || !id) {
		conf_error(m->d, loc, "ip link add ... type vlan: needs link DEV, name NAME and id VID");
		return;
	}
	add_vlan(m, link, name, id, "ip link add", loc);
}

static void ip_cmd(struct imp *m, struct stanza *s, char **w, int n,
		   const struct conf_loc *loc, bool apply)
{
	int i = 1, fam = AF_UNSPEC;
	const char *obj;

	if (!apply)
		return;
	while (i < n && w[i][0] == '-') {
		if (!strcmp(w[i], "-4"))
			fam = AF_INET;
		else if (!strcmp(w[i], "-6"))
			fam = AF_INET6;
		i++;
	}
	if (i + 1 >= n)
		goto unsupported;
	obj = w[i++];
	if (strcmp(w[i], "add") && strcmp(w[i], "a"))
		goto unsupported;
	i++;
	if (!strcmp(obj, "link") || !strcmp(obj, "l") || !strcmp(obj, "li")) {
		ip_link_add(m, w, n, i, loc);
		return;
	}
	if (!strncmp(obj, "addr", 4) || !strcmp(obj, "a") || !strcmp(obj, "address")) {
		struct conf_addr a;
		char dev[64];
		int family, prefix;
		struct err err;

		memset(&a, 0, sizeof(a));
		err_clear(&err);
		snprintf(dev, sizeof(dev), "%s", s->name);
		if (i >= n || conf_parse_cidr(w[i], &family, a.addr, &prefix, &err) < 0 ||
		    (fam != AF_UNSPEC && fam != family)) {
			conf_error(m->d, loc, "ip addr add: %s", err.msg[0] ? err.msg : "needs an address");
			return;
		}
		a.family = family;
		a.prefix = (uint8_t)(prefix < 0 ? (family == AF_INET ? 32 : 128) : prefix);
		a.loc = *loc;
		for (i++; i < n; i += 2) {
			if (i + 1 >= n) {
				conf_error(m->d, loc, "ip addr add: '%s' needs a value", w[i]);
				return;
			}
			if (!strcmp(w[i], "dev")) {
				/* Checked as written: a copy would cut a long name
				 * to a valid one. */
				if (!conf_ifname_ok(w[i + 1])) {
					conf_error(m->d, loc, "invalid interface name '%s'", w[i + 1]);
					return;
				}
				snprintf(dev, sizeof(dev), "%s", w[i + 1]);
			} else if (!strcmp(w[i], "label")) {
				snprintf(a.label, sizeof(a.label), "%s", w[i + 1]);
			} else if (!strcmp(w[i], "brd") || !strcmp(w[i], "broadcast")) {
				int f;
				uint8_t b[16];

				if (!strcmp(w[i + 1], "+") || !strcmp(w[i + 1], "-"))
					continue;
				if (conf_parse_ip(w[i + 1], AF_INET, &f, b) < 0) {
					conf_error(m->d, loc, "invalid broadcast address '%s'", w[i + 1]);
					return;
				}
				a.has_broadcast = true;
				memcpy(a.broadcast, b, 4);
			} else {
				conf_warn(m->d, loc, "ip addr add: '%s %s' is not imported", w[i],
					  w[i + 1]);
			}
		}
		if (!*dev) {
			conf_error(m->d, loc, "ip addr add: name the device (dev IFNAME)");
			return;
		}
		if (!conf_ifname_ok(dev)) {
			conf_error(m->d, loc, "invalid interface name '%s'", dev);
			return;
		}
		if (a.label[0] && family != AF_INET) {
			conf_error(m->d, loc, "labels are for IPv4 addresses only");
			return;
		}
		if (conf_addr_label_ok(dev, a.label, &err) < 0) {
			conf_error(m->d, loc, "%s", err.msg);
			return;
		}
		imp_add_address(m, dev, &a);
		return;
	}
	if (!strncmp(obj, "ro", 2) || !strcmp(obj, "r")) {
		struct conf_route_words r = { .family = fam };
		uint8_t dst[16] = { 0 };
		int prefix = 0;
		struct err err;

		err_clear(&err);
		if (i >= n)
			goto unsupported;
		if (strcmp(w[i], "default")) {
			if (conf_parse_cidr(w[i], &r.family, dst, &prefix, &err) < 0) {
				conf_error(m->d, loc, "ip route add: %s", err.msg);
				return;
			}
			if (prefix < 0)
				prefix = r.family == AF_INET ? 32 : 128;
		}
		/* Words bondd does not use are left behind, with a warning. */
		for (i = conf_route_words(w, n, i + 1, &r, "ip route add: ", true, loc, m->d);
		     i >= 0 && i < n;
		     i = conf_route_words(w, n, i + 2, &r, "ip route add: ", true, loc, m->d))
			conf_warn(m->d, loc, "ip route add: '%s %s' is not imported", w[i], w[i + 1]);
		if (i < 0)
			return;
		if (r.family == AF_UNSPEC)
			r.family = AF_INET;
		conf_add_route(m->c, m->d, r.family, dst, prefix, r.has_via ? r.via : NULL, r.dev,
			       r.has_metric, r.metric, loc);
		return;
	}
unsupported:
	conf_warn(m->d, loc, "command not imported: ip %s", n > 1 ? w[1] : "");
}

/* route add default gw X [dev D] | route add -net N netmask M gw G [dev D]
 * | route add -host H gw G */
static void route_cmd(struct imp *m, struct stanza *s, char **w, int n,
		      const struct conf_loc *loc, bool apply)
{
	uint8_t dst[16] = { 0 }, via[16];
	bool has_via = false, has_metric = false;
	char dev[CONF_NAME_MAX] = "";
	unsigned long metric = 0;
	int prefix = -1, f, i = 2;

	if (!apply)
		return;
	if (n < 3 || strcmp(w[1], "add")) {
		conf_warn(m->d, loc, "command not imported: route %s", n > 1 ? w[1] : "");
		return;
	}
	if (!strcmp(w[i], "default")) {
		prefix = 0;
		i++;
	} else if ((!strcmp(w[i], "-net") || !strcmp(w[i], "-host")) && i + 1 < n) {
		struct err err;

		err_clear(&err);
		if (conf_parse_cidr(w[i + 1], &f, dst, &prefix, &err) < 0 || f != AF_INET) {
			conf_error(m->d, loc, "route add: invalid destination '%s'", w[i + 1]);
			return;
		}
		if (!strcmp(w[i], "-host"))
			prefix = 32;
		i += 2;
	} else {
		conf_warn(m->d, loc, "command not imported: route add %s", w[i]);
		return;
	}
	for (; i < n; i++) {
		if (i + 1 < n && !strcmp(w[i], "netmask")) {
			prefix = conf_parse_netmask(w[++i], AF_INET);
			if (prefix < 0) {
				conf_error(m->d, loc, "route add: invalid netmask '%s'", w[i]);
				return;
			}
		} else if (i + 1 < n && (!strcmp(w[i], "gw") || !strcmp(w[i], "gateway"))) {
			if (conf_parse_ip(w[++i], AF_INET, &f, via) < 0) {
				conf_error(m->d, loc, "route add: invalid gateway '%s'", w[i]);
				return;
			}
			has_via = true;
		} else if (i + 1 < n && !strcmp(w[i], "dev")) {
			if (!conf_ifname_ok(w[++i])) {
				conf_error(m->d, loc, "route add: invalid interface name '%s'", w[i]);
				return;
			}
			snprintf(dev, sizeof(dev), "%s", w[i]);
		} else if (i + 1 < n && !strcmp(w[i], "metric")) {
			if (!conf_parse_uint(w[++i], UINT32_MAX, &metric)) {
				conf_error(m->d, loc, "route add: invalid metric '%s'", w[i]);
				return;
			}
			has_metric = true;
		} else if (i == n - 1 && conf_ifname_ok(w[i]) && !*dev) {
			snprintf(dev, sizeof(dev), "%s", w[i]);
		} else {
			conf_warn(m->d, loc, "route add: '%s' is not imported", w[i]);
		}
	}
	if (prefix < 0) {
		conf_error(m->d, loc, "route add -net needs a prefix length or a netmask");
		return;
	}
	conf_add_route(m->c, m->d, AF_INET, dst, prefix, has_via ? via : NULL, dev, has_metric, metric, loc);
	(void)s;
}

/* ifconfig NAME[:N] ADDR [netmask M] [broadcast B] [up] */
static void ifconfig_cmd(struct imp *m, struct stanza *s, char **w, int n,
			 const struct conf_loc *loc, bool apply)
{
	struct conf_addr a;
	char dev[CONF_NAME_MAX];
	int family, prefix = -1;
	struct err err;
	size_t plen;

	if (!apply)
		return;
	memset(&a, 0, sizeof(a));
	err_clear(&err);
	if (n < 3 || conf_parse_cidr(w[2], &family, a.addr, &prefix, &err) < 0 ||
	    family != AF_INET) {
		conf_warn(m->d, loc, "command not imported: ifconfig %s", n > 1 ? w[1] : "");
		return;
	}
	plen = strcspn(w[1], ":");
	if (plen >= CONF_NAME_MAX || strlen(w[1]) >= CONF_NAME_MAX) {
		conf_error(m->d, loc, "invalid interface name '%s'", w[1]);
		return;
	}
	snprintf(dev, sizeof(dev), "%.*s", (int)plen, w[1]);
	if (w[1][plen])
		snprintf(a.label, sizeof(a.label), "%s", w[1]);
	for (int i = 3; i < n; i++) {
		if (i + 1 < n && !strcmp(w[i], "netmask")) {
			prefix = conf_parse_netmask(w[++i], AF_INET);
			if (prefix < 0) {
				conf_error(m->d, loc, "ifconfig: invalid netmask '%s'", w[i]);
				return;
			}
		} else if (i + 1 < n && !strcmp(w[i], "broadcast")) {
			int f;
			uint8_t b[16];

			if (conf_parse_ip(w[++i], AF_INET, &f, b) < 0) {
				conf_error(m->d, loc, "ifconfig: invalid broadcast '%s'", w[i]);
				return;
			}
			a.has_broadcast = true;
			memcpy(a.broadcast, b, 4);
		} else if (strcmp(w[i], "up")) {
			conf_warn(m->d, loc, "ifconfig: '%s' is not imported", w[i]);
		}
	}
	if (prefix < 0)
		prefix = conf_classful_prefix(a.addr);
	a.family = AF_INET;
	a.prefix = (uint8_t)prefix;
	a.loc = *loc;
	if (!conf_ifname_ok(dev) || conf_addr_label_ok(dev, a.label, &err) < 0) {
		conf_error(m->d, loc, "%s", err.msg[0] ? err.msg : "invalid interface name");
		return;
	}
	imp_add_address(m, dev, &a);
	(void)s;
}

/* echo VALUE > /sys/class/net/BOND/bonding/OPTION */
static void echo_cmd(struct imp *m, struct stanza *s, char **w, int n,
		     const struct conf_loc *loc, bool apply)
{
	const char *path = NULL, *value = n > 1 ? w[1] : "";
	char bond[CONF_NAME_MAX], opt[64];
	const char *p;
	size_t len;

	for (int i = 1; i < n; i++) {
		if (!strcmp(w[i], ">") && i + 1 < n)
			path = w[i + 1];
		else if (w[i][0] == '>' && w[i][1])
			path = w[i] + 1;
	}
	if (!path || strncmp(path, "/sys/class/net/", 15)) {
		if (apply)
			conf_warn(m->d, loc, "command not imported: echo");
		return;
	}
	p = path + 15;
	len = strcspn(p, "/");
	if (len >= sizeof(bond) || strncmp(p + len, "/bonding/", 9) ||
	    strlen(p + len + 9) >= sizeof(opt)) {
		if (apply)
			conf_warn(m->d, loc, "command not imported: echo ... > %s", path);
		return;
	}
	snprintf(bond, sizeof(bond), "%.*s", (int)len, p);
	snprintf(opt, sizeof(opt), "%s", p + len + 9);
	if (!apply) {
		imp_mark_bond(m, bond);
		return;
	}
	if (!conf_ifname_ok(bond)) {
		conf_error(m->d, loc, "invalid interface name '%s'", bond);
		return;
	}
	if (!strcmp(opt, "slaves")) {
		struct conf_bond *b = conf_add_bond(m->c, bond, loc);

		if (value[0] == '+' && conf_ifname_ok(value + 1))
			conf_bond_add_slave(b, value + 1, loc);
		else if (value[0] != '-')
			conf_error(m->d, loc, "slaves: use +IFNAME");
		return;
	}
	imp_set_bond_opt(m, conf_add_bond(m->c, bond, loc), opt, value, opt, loc);
	(void)s;
}

static void hook_cmd(struct imp *m, struct stanza *s, char **w, int n,
		     const struct conf_loc *loc, bool apply)
{
	const char *c = cmd_name(w[0]);

	if (!strcmp(c, "ifenslave"))
		ifenslave_cmd(m, s, w, n, loc, apply);
	else if (!strcmp(c, "ip"))
		ip_cmd(m, s, w, n, loc, apply);
	else if (!strcmp(c, "route"))
		route_cmd(m, s, w, n, loc, apply);
	else if (!strcmp(c, "ifconfig"))
		ifconfig_cmd(m, s, w, n, loc, apply);
	else if (!strcmp(c, "echo"))
		echo_cmd(m, s, w, n, loc, apply);
	else if (!strcmp(c, "vconfig"))
		vconfig_cmd(m, s, w, n, loc, apply);
	else if (strcmp(c, "true") && strcmp(c, ":") && apply && !m->script)
		conf_warn(m->d, loc, "command not imported: %s", w[0]);
}

void imp_hook_line(struct imp *m, struct stanza *s, const struct opt_line *o, bool apply)
{
	each_command(m, s, o, hook_cmd, apply);
}

/* ---- shell scripts (rc.local) -------------------------------------------- */

struct conf *imp_script_parse(const char *text, const char *path, struct conf_diag *d)
{
	struct imp m = { .d = d, .script = true };
	struct stanza none = { .name = "" };
	unsigned errors = d->n_errors;
	const char *file;
	struct opt_line *lines = NULL;
	unsigned n = 0;
	struct conf_lines it;
	unsigned lineno;
	char *line;

	m.c = conf_new();
	file = conf_add_file(m.c, path);
	conf_lines_init(&it, text, true);
	while (conf_lines_next(&it, &line, &lineno)) {
		char *s = conf_trim(line);

		if (*s && *s != '#') {
			struct opt_line *o = CONF_PUSH(lines, n);

			o->name = conf_xstrdup("up");
			o->value = conf_xstrdup(s);
			o->loc = conf_loc_at(file, lineno);
		}
		free(line);
	}
	/* Commands bondd understands; the rest of the script is not ours. */
	for (unsigned i = 0; i < n; i++)
		each_command(&m, &none, &lines[i], hook_cmd, true);
	for (unsigned i = 0; i < n; i++) {
		free(lines[i].name);
		free(lines[i].value);
	}
	free(lines);
	free(m.bonds);
	if (d->n_errors > errors) {
		conf_free(m.c);
		return NULL;
	}
	return m.c;
}
