/* Importer: Debian / Ubuntu ifupdown (/etc/network/interfaces).
 *
 *   auto bond0
 *   iface bond0 inet static          static, manual; dhcp is refused for a
 *       address 192.0.2.1/24         bond (bondd assigns static addresses)
 *       netmask 255.255.255.0        dotted or a prefix length
 *       gateway 192.0.2.254
 *       bond-mode active-backup      bond-<option>: the kernel's options,
 *       bond-miimon 100              '-' for '_' (bond_mode works too)
 *       bond-slaves eth0 eth1        or "none" with bond-master on slaves
 *       bond-primary eth0 eth1       the first one is the primary
 *       post-up ifenslave bond0 eth0 eth1
 *       up ip addr add 192.0.2.2/24 dev bond0 label bond0:1
 *   iface bond0:1 inet static        an alias stanza: address labelled bond0:1
 *   auto bond0.100
 *   iface bond0.100 inet static      a VLAN of bond0 (the vlan package's names:
 *       address 198.51.100.1/24      BOND.VID, BOND.0VID, or vlanVID / any name
 *       vlan-raw-device bond0        with vlan-raw-device; vlan-id as ifupdown2)
 *   source interfaces.d/[a-z]*       relative to this file's directory
 *   source-directory interfaces.d
 *
 * Stanza keywords and the options of an iface stanza are a closed list: an
 * unknown word is an error naming the nearest known one (the typo
 * "iiface" is taken for an option of the stanza before it by ifupdown,
 * which then ignores the bond; here it is an error). Hook commands bondd
 * understands (ifenslave, ip addr/route add, route add, ifconfig, echo to
 * /sys/class/net/BOND/bonding/OPT) are imported by the interpreter in
 * imp_shell.c; other up hooks are reported as not imported; down hooks
 * undo what bondd undoes itself. This file reads the stanzas and builds
 * the bonds and interfaces they describe. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imp_interfaces.h"

static const char *const stanza_words[] = {
	"iface", "auto", "mapping", "source", "source-directory", "allow-auto",
	"allow-hotplug", "no-auto-down", "no-scripts", "rename", NULL,
};

/* Options of an iface stanza (besides bond-* and the prefixes below). */
static const char *const option_words[] = {
	"address", "netmask", "broadcast", "network", "gateway", "metric", "mtu",
	"hwaddress", "pointopoint", "scope", "media", "up", "down", "pre-up", "post-up",
	"pre-down", "post-down", "description", "hostname", "accept_ra", "autoconf",
	"privext", "dad-attempts", "dad-interval", "preferred-lifetime", "request_prefix",
	"leasetime", "leasehours", "client", "vendor", "provider", "unit", "mode",
	"endpoint", "local", "ttl", "bond-slaves", "bond-master", "bond-primary", NULL,
};

/* The vlan package's options (and ifupdown2's vlan-id, vlan-protocol),
 * '_' written as '-'. */
static const char *const vlan_words[] = { "vlan-raw-device", "vlan-id", "vlan-protocol", NULL };

/* Option families of other packages: accepted, not imported. */
static const char *const foreign_prefixes[] = {
	"dns-", "wpa-", "wireless-", "ethtool-", "offload-", "link-", "ethernet-", NULL,
};

/* Options that make the stanza something bondd does not build. */
static const char *const other_kind_prefixes[] = {
	"bridge_", "bridge-", "ovs_", "ovs-", NULL,
};

static bool has_prefix(const char *s, const char *const *prefixes)
{
	for (; *prefixes; prefixes++)
		if (!strncmp(s, *prefixes, strlen(*prefixes)))
			return true;
	return false;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* ---- reading ------------------------------------------------------------ */

static void read_file(struct imp *m, const char *text, const char *path);

static char *dir_of(const char *path)
{
	const char *s = strrchr(path, '/');

	if (!s)
		return conf_xstrdup(".");
	if (s == path)
		return conf_xstrdup("/");
	return conf_xstrndup(path, (size_t)(s - path));
}

static char *join_path(const char *dir, const char *rel)
{
	char *out;
	size_t n;

	if (rel[0] == '/')
		return conf_xstrdup(rel);
	if (!strcmp(dir, "."))
		return conf_xstrdup(rel);
	n = strlen(dir) + strlen(rel) + 2;
	out = conf_xmalloc(n);
	snprintf(out, n, "%s/%s", dir, rel);
	return out;
}

static void include(struct imp *m, const char *path, const struct conf_loc *loc)
{
	char *text = NULL;
	int rc;

	for (unsigned i = 0; i < m->depth; i++)
		if (!strcmp(m->stack[i], path)) {
			conf_error(m->d, loc, "%s includes itself", path);
			return;
		}
	if (m->depth >= MAX_DEPTH) {
		conf_error(m->d, loc, "source lines nested deeper than %d files", MAX_DEPTH);
		return;
	}
	rc = m->io->read(m->io->ctx, path, &text);
	if (rc < 0) {
		conf_error(m->d, loc, "cannot read %s: %s", path, strerror(-rc));
		return;
	}
	read_file(m, text, path);
	free(text);
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static void source_line(struct imp *m, char **w, int n, const char *path,
			const struct conf_loc *loc)
{
	char *dir = dir_of(path);
	bool directory = !strcmp(w[0], "source-directory");

	if (n < 2) {
		conf_error(m->d, loc, "%s needs a path", w[0]);
		goto out;
	}
	if (!m->io) {
		conf_error(m->d, loc, "%s: no file access here", w[0]);
		goto out;
	}
	for (int i = 1; i < n; i++) {
		char *pat = join_path(dir, w[i]);
		char **names = NULL;
		int k;

		if (directory) {
			k = m->io->list(m->io->ctx, pat, &names);
			if (k < 0)
				conf_error(m->d, loc, "cannot read directory %s: %s", pat, strerror(-k));
			for (int j = 0; j < k; j++) {
				/* run-parts names only: letters, digits, '_' and '-'. */
				bool ok = names[j][0] != '\0';

				for (const char *p = names[j]; *p; p++)
					if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
						ok = false;
				if (ok) {
					char *f = join_path(pat, names[j]);

					include(m, f, loc);
					free(f);
				}
			}
		} else if (has_glob(pat)) {
			k = m->io->glob(m->io->ctx, pat, &names);
			if (k < 0)
				conf_error(m->d, loc, "cannot expand %s: %s", pat, strerror(-k));
			for (int j = 0; j < k; j++)
				include(m, names[j], loc);
		} else {
			k = 0;
			include(m, pat, loc);
		}
		for (int j = 0; j < k; j++)
			free(names[j]);
		free(names);
		free(pat);
	}
out:
	free(dir);
}

static void new_stanza(struct imp *m, char **w, int n, const struct conf_loc *loc,
		       struct stanza **cur)
{
	static const char *const families[] = { "inet", "inet6", "ipx", "can", NULL };
	struct stanza *s;

	*cur = NULL;
	if (n != 4) {
		conf_error(m->d, loc, "iface needs a name, a family and a method: iface bond0 inet static");
		return;
	}
	s = CONF_PUSH(m->st, m->n_st);
	snprintf(s->name, sizeof(s->name), "%s", w[1]);
	snprintf(s->method, sizeof(s->method), "%s", w[3]);
	s->loc = *loc;
	if (!strcmp(w[2], "inet")) {
		s->family = AF_INET;
	} else if (!strcmp(w[2], "inet6")) {
		s->family = AF_INET6;
	} else if (in_list(w[2], families)) {
		s->skip = true;
	} else {
		conf_error_unknown(m->d, loc, "address family", w[2], conf_suggest(w[2], families));
		s->skip = true;
	}
	if (!strcmp(s->method, "loopback") || !strcmp(s->name, "lo"))
		s->skip = true;
	*cur = s;
}

static bool option_known(const char *name)
{
	return in_list(name, option_words) || !strncmp(name, "bond-", 5) ||
	       !strncmp(name, "vlan-", 5) || has_prefix(name, foreign_prefixes) ||
	       has_prefix(name, other_kind_prefixes);
}

static void read_file(struct imp *m, const char *text, const char *path)
{
	const char *file = conf_add_file(m->c, path);
	struct stanza *cur = NULL;
	bool broken = false, in_mapping = false;
	struct conf_lines it;
	unsigned lineno;
	char *line;

	m->stack[m->depth++] = conf_xstrdup(path);
	conf_lines_init(&it, text, true);
	while (conf_lines_next(&it, &line, &lineno)) {
		struct conf_loc loc = conf_loc_at(file, lineno);
		char *s = conf_trim(line), *rest;
		size_t wl;
		char *word;

		if (!*s || *s == '#') {
			free(line);
			continue;
		}
		wl = strcspn(s, " \t");
		word = conf_xstrndup(s, wl);
		rest = s + wl;
		while (isspace((unsigned char)*rest))
			rest++;
		if (in_list(word, stanza_words) || !strncmp(word, "allow-", 6)) {
			char **w;
			int n = conf_split_words(s, &w);

			broken = false;
			in_mapping = false;
			cur = NULL;
			if (n < 0) {
				conf_error(m->d, &loc, "unterminated quote");
			} else if (!strcmp(word, "iface")) {
				new_stanza(m, w, n, &loc, &cur);
				if (!cur)
					broken = true;
			} else if (!strcmp(word, "mapping")) {
				conf_warn(m->d, &loc, "mapping stanzas are not imported");
				in_mapping = true;
			} else if (!strcmp(word, "source") || !strcmp(word, "source-directory")) {
				source_line(m, w, n, path, &loc);
			} else if (!strcmp(word, "auto") || !strcmp(word, "allow-auto") ||
				   !strcmp(word, "allow-hotplug")) {
				for (int k = 1; k < n; k++)
					snprintf(*CONF_PUSH(m->autos, m->n_autos), CONF_NAME_MAX,
						 "%s", w[k]);
			}
			/* other allow-CLASS lines, no-auto-down, no-scripts,
			 * rename: nothing bondd does depends on them. */
			if (n >= 0)
				conf_words_free(w, n);
		} else if (broken || in_mapping) {
			/* the stanza was reported already, or is a mapping */
		} else if (!cur) {
			const char *sug = conf_suggest(word, stanza_words);

			conf_error_unknown(m->d, &loc, "keyword", word, sug);
			broken = true;
		} else {
			char *name = conf_xstrdup(word);

			if (!strncmp(name, "bond_", 5) || !strncmp(name, "vlan_", 5))
				for (char *p = name; *p; p++)
					if (*p == '_')
						*p = '-';
			if (!option_known(name)) {
				const char *all[ARRAY_SIZE(stanza_words) + ARRAY_SIZE(option_words)];
				unsigned k = 0;

				for (const char *const *p = stanza_words; *p; p++)
					all[k++] = *p;
				for (const char *const *p = option_words; *p; p++)
					all[k++] = *p;
				all[k] = NULL;
				conf_error_unknown(m->d, &loc, "keyword", word, conf_suggest(word, all));
				broken = true;
				free(name);
			} else {
				struct opt_line *o = CONF_PUSH(cur->opts, cur->n_opts);

				o->name = name;
				o->value = conf_xstrdup(rest);
				o->loc = loc;
			}
		}
		free(word);
		free(line);
	}
	free(m->stack[--m->depth]);
}

/* ---- roles ----------------------------------------------------------------- */

bool imp_is_bond(const struct imp *m, const char *name)
{
	for (unsigned i = 0; i < m->n_bonds; i++)
		if (!strcmp(m->bonds[i], name))
			return true;
	return false;
}

void imp_mark_bond(struct imp *m, const char *name)
{
	if (!imp_is_bond(m, name) && conf_ifname_ok(name))
		snprintf(*CONF_PUSH(m->bonds, m->n_bonds), CONF_NAME_MAX, "%s", name);
}

void imp_add_address(struct imp *m, const char *dev, const struct conf_addr *a)
{
	struct conf_bond *b = conf_find_bond(m->c, dev);
	struct conf_iface *f;

	if (conf_slave_owner(m->c, dev)) {
		conf_error(m->d, &a->loc, "%s is a slave of %s and cannot have addresses: put them on the bond",
			   dev, conf_slave_owner(m->c, dev)->name);
		return;
	}
	if (b) {
		*conf_push_addr(&b->addrs, &b->n_addrs) = *a;
		return;
	}
	if (conf_find_vlan(m->c, dev)) {
		struct conf_vlan *v = conf_find_vlan(m->c, dev);

		*conf_push_addr(&v->addrs, &v->n_addrs) = *a;
		return;
	}
	f = conf_add_iface(m->c, dev, &a->loc);
	*conf_push_addr(&f->addrs, &f->n_addrs) = *a;
}

/* ---- stanzas ------------------------------------------------------------- */

static const struct opt_line *find_opt(const struct stanza *s, const char *name)
{
	const struct opt_line *found = NULL;

	for (unsigned i = 0; i < s->n_opts; i++)
		if (!strcmp(s->opts[i].name, name))
			found = &s->opts[i];
	return found;
}

void imp_set_bond_opt(struct imp *m, struct conf_bond *b, const char *name,
		      const char *value, const char *shown, const struct conf_loc *loc)
{
	const struct opt_desc *d = opt_find(name);
	char *cname = NULL, *cvalue = NULL;
	struct err err;

	err_clear(&err);
	if (d && (d->type == OPT_T_IPV4_LIST || d->type == OPT_T_IPV6_LIST)) {
		if (conf_list_edit(d, (value[0] == '+' || value[0] == '-') ?
				   conf_bond_opt(b, d->name) : NULL, value, &cvalue, &err) < 0)
			conf_error(m->d, loc, "%s", err.msg);
		else
			conf_bond_set_opt(b, d->name, cvalue, loc);
		free(cvalue);
		return;
	}
	if (conf_opt_canon(name, value, false, &cname, &cvalue, &err) < 0) {
		if (err.code == -ENOENT) {
			const char *sug = conf_suggest_opt(name, false, NULL);

			if (sug && strcmp(shown, name)) {
				char alt[64];

				snprintf(alt, sizeof(alt), "bond-%s", sug);
				for (char *p = alt; *p; p++)
					if (*p == '_')
						*p = '-';
				conf_error_unknown(m->d, loc, "option", shown, alt);
			} else {
				conf_error_unknown(m->d, loc, "option", shown, sug);
			}
		} else {
			conf_error(m->d, loc, "%s", err.msg);
		}
		return;
	}
	conf_bond_set_opt(b, cname, cvalue, loc);
	free(cname);
	free(cvalue);
}

/* bond-* options of a stanza, applied to bond b; slave: the stanza is a
 * slave (bond-queue-id then names it). */
static void bond_options(struct imp *m, const struct stanza *s, struct conf_bond *b, bool slave)
{
	for (unsigned i = 0; i < s->n_opts; i++) {
		const struct opt_line *o = &s->opts[i];
		char name[64];

		if (strncmp(o->name, "bond-", 5) || !strcmp(o->name, "bond-slaves") ||
		    !strcmp(o->name, "bond-master"))
			continue;
		if (!strcmp(o->name, "bond-give-a-chance") || !strcmp(o->name, "bond-wait"))
			continue;   /* ifenslave script timing: nothing to do */
		snprintf(name, sizeof(name), "%s", o->name + 5);
		for (char *p = name; *p; p++)
			if (*p == '-')
				*p = '_';
		if (!strcmp(name, "primary")) {
			char first[CONF_NAME_MAX * 2] = "";

			sscanf(o->value, "%31s", first);
			imp_set_bond_opt(m, b, "primary", first, o->name, &o->loc);
		} else if (!strcmp(name, "queue_id") && slave) {
			char v[256];

			snprintf(v, sizeof(v), "%s:%s", s->name, o->value);
			imp_set_bond_opt(m, b, "queue_id", v, o->name, &o->loc);
		} else {
			imp_set_bond_opt(m, b, name, o->value, o->name, &o->loc);
		}
	}
}

static bool method_static(struct imp *m, const struct stanza *s, const char *what)
{
	if (!strcmp(s->method, "static") || !strcmp(s->method, "manual"))
		return true;
	if (what) {
		if (!strcmp(s->method, "dhcp") || !strcmp(s->method, "auto"))
			conf_error(m->d, &s->loc,
				   "iface %s %s %s: bondd assigns static addresses only; use 'inet static' with the addresses, or 'inet manual' and run a DHCP client on %s once bondd has created it (post-up dhclient %s)",
				   s->name, s->family == AF_INET6 ? "inet6" : "inet", s->method,
				   s->name, s->name);
		else
			conf_error(m->d, &s->loc, "iface %s: method '%s' is not supported for a %s (static or manual)",
				   s->name, s->method, what);
	}
	return false;
}

/* address/netmask/broadcast/network of a static stanza. */
static void stanza_addresses(struct imp *m, const struct stanza *s, const char *dev,
			     const char *label)
{
	const struct opt_line *mask = find_opt(s, "netmask");
	const struct opt_line *bcast = find_opt(s, "broadcast");
	bool first = true;

	if (strcmp(s->method, "static")) {
		const struct opt_line *a = find_opt(s, "address");

		if (a)
			conf_error(m->d, &a->loc, "address in an 'inet %s' stanza: use 'inet static'",
				   s->method);
		return;
	}
	for (unsigned i = 0; i < s->n_opts; i++) {
		const struct opt_line *o = &s->opts[i];
		struct conf_addr a;
		int family, prefix;
		struct err err;

		if (strcmp(o->name, "address"))
			continue;
		memset(&a, 0, sizeof(a));
		err_clear(&err);
		if (conf_parse_cidr(o->value, &family, a.addr, &prefix, &err) < 0) {
			conf_error(m->d, &o->loc, "%s", err.msg);
			continue;
		}
		if (family != s->family) {
			conf_error(m->d, &o->loc, "address %s in an %s stanza", o->value,
				   s->family == AF_INET ? "inet" : "inet6");
			continue;
		}
		if (prefix < 0 && first && mask) {
			prefix = conf_parse_netmask(mask->value, family);
			if (prefix < 0) {
				conf_error(m->d, &mask->loc, "invalid netmask '%s'", mask->value);
				continue;
			}
		}
		if (prefix < 0) {
			if (family == AF_INET6) {
				prefix = 64;
			} else {
				conf_error(m->d, &o->loc, "address %s has no netmask: add 'netmask 255.255.255.0' or write %s/24",
					   o->value, o->value);
				continue;
			}
		}
		a.family = family;
		a.prefix = (uint8_t)prefix;
		a.loc = o->loc;
		snprintf(a.label, sizeof(a.label), "%s", label);
		if (first && bcast && family == AF_INET && strcmp(bcast->value, "+") &&
		    strcmp(bcast->value, "-")) {
			int f;
			uint8_t b[16];

			if (conf_parse_ip(bcast->value, AF_INET, &f, b) < 0) {
				conf_error(m->d, &bcast->loc, "invalid broadcast address '%s'",
					   bcast->value);
				continue;
			}
			a.has_broadcast = true;
			memcpy(a.broadcast, b, 4);
		}
		first = false;
		imp_add_address(m, dev, &a);
	}
	if (mask && !find_opt(s, "address"))
		conf_error(m->d, &mask->loc, "netmask without an address");
}

static void stanza_gateway(struct imp *m, const struct stanza *s, const char *dev)
{
	const struct opt_line *g = find_opt(s, "gateway");
	int family;
	uint8_t a[16];

	if (!g)
		return;
	if (conf_parse_ip(g->value, s->family, &family, a) < 0) {
		conf_error(m->d, &g->loc, "invalid gateway address '%s'", g->value);
		return;
	}
	conf_set_gateway(m->c, family, a, dev, &g->loc, m->d);
}

static void stanza_mtu(struct imp *m, const struct stanza *s, unsigned *mtu)
{
	const struct opt_line *o = find_opt(s, "mtu");
	struct err err;

	err_clear(&err);
	if (o && conf_parse_mtu(o->value, mtu, &err) < 0)
		conf_error(m->d, &o->loc, "%s", err.msg);
}

static void up_hooks(struct imp *m, struct stanza *s)
{
	for (unsigned i = 0; i < s->n_opts; i++)
		if (imp_is_up_hook(s->opts[i].name))
			imp_hook_line(m, s, &s->opts[i], true);
}

static bool other_kind(struct imp *m, struct stanza *s)
{
	for (unsigned i = 0; i < s->n_opts; i++)
		if (has_prefix(s->opts[i].name, other_kind_prefixes)) {
			conf_warn(m->d, &s->loc, "iface %s has %s: not imported (bondd builds bonds only)",
				  s->name, s->opts[i].name);
			return true;
		}
	return false;
}

static void do_bond(struct imp *m, struct stanza *s)
{
	struct conf_bond *b = conf_add_bond(m->c, s->name, &s->loc);
	const struct opt_line *hw = find_opt(s, "hwaddress");

	if (!b->loc.line)
		b->loc = s->loc;
	if (find_opt(s, "bond-master"))
		conf_error(m->d, &find_opt(s, "bond-master")->loc,
			   "%s is a bond and cannot be a slave in bondd", s->name);
	bond_options(m, s, b, false);
	if (!method_static(m, s, "bond"))
		return;
	stanza_addresses(m, s, s->name, "");
	stanza_gateway(m, s, s->name);
	stanza_mtu(m, s, &b->mtu);
	if (hw) {
		char mac[32] = "", w1[32] = "";

		if (sscanf(hw->value, "%31s %31s", w1, mac) == 1)
			snprintf(mac, sizeof(mac), "%s", w1);
		else if (strcmp(w1, "ether"))
			mac[0] = '\0';
		if (mac_parse(mac, b->hwaddr) < 0 || mac_is_multicast(b->hwaddr) ||
		    mac_is_zero(b->hwaddr))
			conf_error(m->d, &hw->loc, "invalid hwaddress '%s'", hw->value);
		else
			b->has_hwaddr = true;
	}
}

static void do_plain(struct imp *m, struct stanza *s)
{
	unsigned mtu = 0;

	if (!method_static(m, s, NULL)) {
		conf_warn(m->d, &s->loc, "iface %s uses method '%s': not imported, bondd leaves it alone",
			  s->name, s->method);
		return;
	}
	if (find_opt(s, "hwaddress"))
		conf_warn(m->d, &find_opt(s, "hwaddress")->loc,
			  "hwaddress on %s is not imported: bondd sets the MAC address of bonds only",
			  s->name);
	stanza_addresses(m, s, s->name, "");
	stanza_gateway(m, s, s->name);
	stanza_mtu(m, s, &mtu);
	if (mtu)
		conf_add_iface(m->c, s->name, &s->loc)->mtu = mtu;
}

static void do_alias(struct imp *m, struct stanza *s)
{
	char parent[CONF_NAME_MAX];
	size_t plen = strcspn(s->name, ":");

	if (plen >= CONF_NAME_MAX || strlen(s->name) >= CONF_NAME_MAX) {
		conf_error(m->d, &s->loc, "alias name '%s' is longer than 15 characters", s->name);
		return;
	}
	snprintf(parent, sizeof(parent), "%.*s", (int)plen, s->name);
	if (!conf_ifname_ok(parent)) {
		conf_error(m->d, &s->loc, "invalid interface name '%s'", parent);
		return;
	}
	if (s->family != AF_INET) {
		conf_error(m->d, &s->loc, "iface %s inet6: IPv6 addresses have no labels; add the address to iface %s inet6",
			   s->name, parent);
		return;
	}
	if (!method_static(m, s, "alias"))
		return;
	stanza_addresses(m, s, parent, s->name);
	stanza_gateway(m, s, parent);
}

/* ---- VLANs ------------------------------------------------------------------ */

/* Digits only, 1 to 4 of them (the vlan package's names allow leading
 * zeros: bond0.0100 and vlan0100 are VID 100). */
static bool vid_digits(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n >= 1 && n <= 4 && !s[n];
}

/* Is stanza s a VLAN, and of what? As the vlan package's if-pre-up.d
 * script reads it: NAME.VID gives the raw device and the VID, vlanVID the
 * VID, vlan-raw-device the raw device for any other name (ifupdown2 adds
 * vlan-id). false: not a VLAN; true with *ok false: a VLAN with an error
 * reported. */
static bool stanza_vlan(struct imp *m, const struct stanza *s, char raw[CONF_NAME_MAX],
			unsigned *vid, bool *ok)
{
	const struct opt_line *rd = find_opt(s, "vlan-raw-device"), *id = find_opt(s, "vlan-id");
	const char *dot = strrchr(s->name, '.');
	unsigned name_vid = 0;
	bool named = false;
	struct err err;

	*ok = false;
	raw[0] = '\0';
	*vid = 0;
	err_clear(&err);
	if (strchr(s->name, ':'))
		return false;
	if (dot && dot != s->name && vid_digits(dot + 1)) {
		snprintf(raw, CONF_NAME_MAX, "%.*s", (int)(dot - s->name), s->name);
		name_vid = (unsigned)atoi(dot + 1);
		named = true;
	} else if (!strncmp(s->name, "vlan", 4) && vid_digits(s->name + 4)) {
		name_vid = (unsigned)atoi(s->name + 4);
		named = true;
	} else if (!rd && !id) {
		return false;
	}
	if (rd) {
		if (!conf_ifname_ok(rd->value)) {
			conf_error(m->d, &rd->loc, "invalid vlan-raw-device '%s'", rd->value);
			return true;
		}
		if (raw[0] && strcmp(raw, rd->value)) {
			conf_error(m->d, &rd->loc, "vlan-raw-device %s disagrees with the name %s (a VLAN of %s)",
				   rd->value, s->name, raw);
			return true;
		}
		snprintf(raw, CONF_NAME_MAX, "%s", rd->value);
	} else if (!raw[0]) {
		conf_error(m->d, &s->loc, "iface %s: a VLAN named so needs vlan-raw-device BOND",
			   s->name);
		return true;
	}
	if (id) {
		if (conf_parse_vid(id->value, vid, &err) < 0) {
			conf_error(m->d, &id->loc, "vlan-id: %s", err.msg);
			return true;
		}
		if (named && *vid != name_vid) {
			conf_error(m->d, &id->loc, "vlan-id %u disagrees with the name %s (VLAN %u)",
				   *vid, s->name, name_vid);
			return true;
		}
	} else if (named) {
		char text[16];

		snprintf(text, sizeof(text), "%u", name_vid);
		if (conf_parse_vid(text, vid, &err) < 0) {
			conf_error(m->d, &s->loc, "iface %s: %s", s->name, err.msg);
			return true;
		}
	} else {
		conf_error(m->d, &s->loc, "iface %s: no VLAN id: name it %s.VID or vlanVID, or add vlan-id",
			   s->name, raw);
		return true;
	}
	*ok = true;
	return true;
}

/* The VLAN's own options; bond-* and hwaddress are not a VLAN's. */
static void vlan_options(struct imp *m, const struct stanza *s)
{
	for (unsigned i = 0; i < s->n_opts; i++) {
		const struct opt_line *o = &s->opts[i];

		if (!strncmp(o->name, "bond-", 5)) {
			conf_error(m->d, &o->loc, "%s on VLAN %s: bond options belong to the bond's stanza",
				   o->name, s->name);
		} else if (!strcmp(o->name, "hwaddress")) {
			conf_error(m->d, &o->loc, "hwaddress on VLAN %s: a VLAN of bondd has its bond's MAC address",
				   s->name);
		} else if (!strcmp(o->name, "vlan-protocol")) {
			if (strcasecmp(o->value, "802.1q"))
				conf_error(m->d, &o->loc, "vlan-protocol %s: bondd's VLANs are 802.1Q (TPID 0x8100) only",
					   o->value);
		} else if (!strncmp(o->name, "vlan-", 5) && !in_list(o->name, vlan_words)) {
			conf_error_unknown(m->d, &o->loc, "VLAN option", o->name,
					   conf_suggest(o->name, vlan_words));
		}
	}
}

static void do_vlan(struct imp *m, struct stanza *s)
{
	struct conf_vlan *v = conf_find_vlan(m->c, s->name);

	vlan_options(m, s);
	if (!v || !method_static(m, s, "VLAN"))
		return;
	stanza_addresses(m, s, s->name, "");
	stanza_gateway(m, s, s->name);
	v = conf_find_vlan(m->c, s->name);
	stanza_mtu(m, s, &v->mtu);
}

/* A slave stanza: no addresses; bond-* options go to its bond. */
static void do_slave(struct imp *m, struct stanza *s, struct conf_bond *b)
{
	const struct opt_line *a = find_opt(s, "address");

	if (a)
		conf_error(m->d, &a->loc, "%s is a slave of %s and cannot have addresses: put them on the bond",
			   s->name, b->name);
	if (find_opt(s, "mtu"))
		conf_warn(m->d, &find_opt(s, "mtu")->loc,
			  "mtu on slave %s is ignored: a slave takes the bond's MTU", s->name);
	bond_options(m, s, b, true);
}

/* bond-slaves of the bond stanzas, bond-master of the slave stanzas. */
static void membership(struct imp *m, struct stanza *s)
{
	const struct opt_line *o = find_opt(s, "bond-slaves");
	const struct opt_line *mo = find_opt(s, "bond-master");

	if (o && imp_is_bond(m, s->name)) {
		struct conf_bond *b = conf_add_bond(m->c, s->name, &s->loc);
		char *list = conf_xstrdup(o->value);

		for (char *t = strtok(list, " \t,"); t; t = strtok(NULL, " \t,")) {
			if (!strcmp(t, "none"))
				continue;
			if (!strcmp(t, "all")) {
				conf_error(m->d, &o->loc, "bond-slaves all is not supported: list the slaves");
			} else if (!conf_ifname_ok(t) || !strcmp(t, s->name)) {
				conf_error(m->d, &o->loc, "invalid slave '%s'", t);
			} else if (conf_slave_owner(m->c, t) && conf_slave_owner(m->c, t) != b) {
				conf_error(m->d, &o->loc, "%s is a slave of %s already", t,
					   conf_slave_owner(m->c, t)->name);
			} else {
				conf_bond_add_slave(b, t, &o->loc);
			}
		}
		free(list);
	}
	if (mo) {
		struct conf_bond *owner = conf_slave_owner(m->c, s->name);

		if (!conf_ifname_ok(mo->value) || !strcmp(mo->value, s->name)) {
			conf_error(m->d, &mo->loc, "invalid bond-master '%s'", mo->value);
		} else if (owner && strcmp(owner->name, mo->value)) {
			conf_error(m->d, &mo->loc, "%s is a slave of %s already", s->name, owner->name);
		} else {
			conf_bond_add_slave(conf_add_bond(m->c, mo->value, &mo->loc), s->name,
					    &mo->loc);
		}
	}
}

struct conf *imp_interfaces_parse(const char *text, const char *path,
				  const struct conf_io *io, struct conf_diag *d)
{
	struct imp m = { .d = d, .io = io };
	unsigned errors = d->n_errors;

	m.c = conf_new();
	read_file(&m, text, path);

	/* Which names are bonds. */
	for (unsigned i = 0; i < m.n_st; i++) {
		struct stanza *s = &m.st[i];

		if (s->skip)
			continue;
		if (strchr(s->name, ':') == NULL && conf_looks_like_bond(s->name))
			imp_mark_bond(&m, s->name);
		for (unsigned k = 0; k < s->n_opts; k++) {
			const struct opt_line *o = &s->opts[k];

			if (!strcmp(o->name, "bond-master"))
				imp_mark_bond(&m, o->value);
			else if (!strncmp(o->name, "bond-", 5) && strcmp(o->name, "bond-primary") &&
				 strcmp(o->name, "bond-queue-id") && !find_opt(s, "bond-master"))
				imp_mark_bond(&m, s->name);
			else if (imp_is_up_hook(o->name))
				imp_hook_line(&m, s, o, false);
		}
	}
	/* Bonds in the order of their stanzas, then membership. */
	for (unsigned i = 0; i < m.n_st; i++)
		if (!m.st[i].skip && imp_is_bond(&m, m.st[i].name))
			conf_add_bond(m.c, m.st[i].name, &m.st[i].loc);
	for (unsigned i = 0; i < m.n_bonds; i++)
		conf_add_bond(m.c, m.bonds[i], NULL);
	for (unsigned i = 0; i < m.c->n_bonds; i++) {
		struct conf_bond *b = &m.c->bonds[i];

		b->down = true;
		for (unsigned k = 0; k < m.n_autos; k++)
			if (!strcmp(m.autos[k], b->name))
				b->down = false;
	}
	for (unsigned i = 0; i < m.n_st; i++)
		if (!m.st[i].skip)
			membership(&m, &m.st[i]);
	/* The VLANs, before any address (an alias stanza or a hook may name
	 * one); an inet and an inet6 stanza describe one VLAN. */
	for (unsigned i = 0; i < m.n_st; i++) {
		struct stanza *s = &m.st[i];
		char raw[CONF_NAME_MAX];
		struct conf_vlan *v;
		unsigned vid;
		bool ok;

		if (s->skip)
			continue;
		if (other_kind(&m, s)) {
			s->skip = true;
			continue;
		}
		if (!stanza_vlan(&m, s, raw, &vid, &ok))
			continue;
		s->vlan = true;
		if (!ok)
			continue;
		if (!conf_ifname_ok(s->name)) {
			conf_error(d, &s->loc, "invalid interface name '%s'", s->name);
			continue;
		}
		v = conf_find_vlan(m.c, s->name);
		if (v && (strcmp(v->bond, raw) || v->vid != vid)) {
			conf_error(d, &s->loc, "iface %s: VLAN %u of %s here, VLAN %u of %s at %s:%u",
				   s->name, vid, raw, v->vid, v->bond, v->loc.file, v->loc.line);
			continue;
		}
		if (!v) {
			v = conf_add_vlan(m.c, s->name, raw, vid, &s->loc);
			v->down = true;
			for (unsigned k = 0; k < m.n_autos; k++)
				if (!strcmp(m.autos[k], v->name))
					v->down = false;
		}
	}
	for (unsigned i = 0; i < m.n_st; i++) {
		struct stanza *s = &m.st[i];
		struct conf_bond *owner;

		if (s->skip)
			continue;
		if (other_kind(&m, s)) {
			s->skip = true;
			continue;
		}
		owner = strchr(s->name, ':') ? NULL : conf_slave_owner(m.c, s->name);
		if (s->vlan)
			do_vlan(&m, s);
		else if (strchr(s->name, ':'))
			do_alias(&m, s);
		else if (imp_is_bond(&m, s->name))
			do_bond(&m, s);
		else if (owner)
			do_slave(&m, s, owner);
		else if (!conf_ifname_ok(s->name))
			conf_error(d, &s->loc, "invalid interface name '%s'", s->name);
		else
			do_plain(&m, s);
	}
	for (unsigned i = 0; i < m.n_st; i++)
		if (!m.st[i].skip)
			up_hooks(&m, &m.st[i]);

	for (unsigned i = 0; i < m.n_st; i++) {
		for (unsigned k = 0; k < m.st[i].n_opts; k++) {
			free(m.st[i].opts[k].name);
			free(m.st[i].opts[k].value);
		}
		free(m.st[i].opts);
	}
	free(m.st);
	free(m.bonds);
	free(m.autos);
	if (d->n_errors > errors) {
		conf_free(m.c);
		return NULL;
	}
	return m.c;
}
