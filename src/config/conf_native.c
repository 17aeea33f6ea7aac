/* bondd.conf(5): the native format. INI style, one section per bond:
 *
 *   [bond0]                      a bond: kernel option names, plus slaves,
 *   mode = active-backup         up, mtu, hwaddr, address and gateway
 *   slaves = eth0 eth1
 *   address = 192.0.2.2/24 label bond0:0
 *   vlans = 100, 200             VLANs bond0.100, bond0.200 (bondd creates them)
 *   [bond0.100]                  a VLAN of bond0: address, mtu, up, gateway
 *   [vlan mgmt]                  a VLAN of another name: bond = bond0, vid = 100,
 *                                and the keys of [bond0.100] ([mgmt] with bond
 *                                and vid reads the same)
 *   [interface eth2]             a plain interface: mtu, address, gateway
 *   [route]                      to = DST/LEN [via GW] [dev DEV] [metric N]
 *   [bonding]                    module parameters: max_bonds, tx_queues
 *   [daemon]                     datapath = auto|ebpf|packet, metrics = ADDR:PORT,
 *                                metrics_textfile = DIR
 *
 * '#' or ';' starts a comment at the start of a line, '#' also after a
 * blank. docs/bondd.conf.5 is the reference; conf_print.c writes it. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"
#include "lib/netaddr.h"

enum sect { S_NONE, S_BOND, S_IFACE, S_VLAN, S_ROUTE, S_MODULE, S_DAEMON, S_BAD };

static const char *const bond_keys[] = { "slaves", "vlans", "up", "mtu", "hwaddr", "address",
					 "gateway", NULL };
static const char *const vlan_keys[] = { "bond", "vid", "up", "mtu", "address", "gateway", NULL };
static const char *const iface_keys[] = { "mtu", "address", "gateway", NULL };
static const char *const route_keys[] = { "to", NULL };
static const char *const module_keys[] = { "max_bonds", "tx_queues", NULL };
static const char *const daemon_keys[] = { "datapath", "metrics", "metrics_textfile", NULL };
static const char *const sect_words[] = { "interface", "vlan", "route", "bonding", "daemon",
					  NULL };

bool conf_is_section_word(const char *name)
{
	for (unsigned i = 0; sect_words[i]; i++)
		if (!strcmp(name, sect_words[i]))
			return true;
	return false;
}

struct native {
	struct conf *c;
	struct conf_diag *d;
	const char *file;
	enum sect sect;
	struct conf_bond *bond;     /* current [bondX] */
	struct conf_iface *iface;   /* current [interface X] */
	struct conf_vlan *vlan;     /* current [bond0.100] or [vlan X] */
	/* [bond0.100]: bond and vid come from the name, keys may only
	 * repeat them */
	bool vlan_named;
	/* Per VLAN of c (same index): how it was given, so that "vlans =
	 * 100" and a [bond0.100] section describe one VLAN, and anything
	 * else twice is an error. */
	unsigned char *vsrc;
	unsigned n_vsrc;
	unsigned errors_at_start;
	/* Keys seen in the current section, for "given twice". */
	char **seen;
	unsigned *seen_line;
	unsigned n_seen;
};

static void seen_reset(struct native *p)
{
	for (unsigned i = 0; i < p->n_seen; i++)
		free(p->seen[i]);
	free(p->seen);
	free(p->seen_line);
	p->seen = NULL;
	p->seen_line = NULL;
	p->n_seen = 0;
}

/* Returns the line the key was first given on in this section, or 0. */
static unsigned seen_check(struct native *p, const char *key, unsigned line)
{
	unsigned n;

	for (unsigned i = 0; i < p->n_seen; i++)
		if (!strcmp(p->seen[i], key))
			return p->seen_line[i];
	n = p->n_seen;
	*CONF_PUSH(p->seen, n) = conf_xstrdup(key);
	n = p->n_seen;
	*CONF_PUSH(p->seen_line, n) = line;
	p->n_seen = n;
	return 0;
}

/* Strips a comment: '#' at the start, or after a blank. */
static void strip_comment(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '#' && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			return;
		}
}

#define VSRC_LIST 1u         /* a "vlans =" line of its bond */
#define VSRC_SECTION 2u      /* a section of its own */

static struct conf_vlan *new_vlan(struct native *p, const char *name, const char *bond,
				  unsigned vid, const struct conf_loc *loc, unsigned char src)
{
	struct conf_vlan *v = conf_add_vlan(p->c, name, bond, vid, loc);
	unsigned n = p->n_vsrc;

	*CONF_PUSH(p->vsrc, n) = src;
	p->n_vsrc = n;
	return v;
}

static unsigned char *vsrc_of(struct native *p, const struct conf_vlan *v)
{
	return &p->vsrc[v - p->c->vlans];
}

static bool name_taken(struct native *p, const char *name, const struct conf_loc *loc)
{
	const struct conf_bond *b = conf_find_bond(p->c, name);
	const struct conf_iface *f = conf_find_iface(p->c, name);
	const struct conf_vlan *v = conf_find_vlan(p->c, name);
	const struct conf_loc *first = b ? &b->loc : f ? &f->loc : v ? &v->loc : NULL;

	if (!first)
		return false;
	conf_error(p->d, loc, "%s is configured twice (first at %s:%u)", name,
		   first->file, first->line);
	return true;
}

/* [bond0.100] (named: the bond and the VID are the name's) or [vlan NAME]. */
static void vlan_section(struct native *p, const char *name, bool named,
			 const struct conf_loc *loc)
{
	char bond[CONF_NAME_MAX] = "";
	unsigned vid = 0;
	struct conf_vlan *v;
	struct err err;

	err_clear(&err);
	if (!conf_ifname_ok(name)) {
		conf_error(p->d, loc, "invalid VLAN name '%s'", name);
		return;
	}
	if (conf_split_vlan_name(name, bond, &vid)) {
		char vtext[16];

		snprintf(vtext, sizeof(vtext), "%u", vid);
		if (conf_parse_vid(vtext, &vid, &err) < 0) {
			conf_error(p->d, loc, "[%s]: %s", name, err.msg);
			return;
		}
	} else {
		bond[0] = '\0';
		vid = 0;
	}
	v = conf_find_vlan(p->c, name);
	if (v && named && *vsrc_of(p, v) == VSRC_LIST && !strcmp(v->bond, bond) &&
	    v->vid == vid) {
		/* "vlans = 100" in [bond0] and this section: one VLAN */
		*vsrc_of(p, v) |= VSRC_SECTION;
		v->loc = *loc;
	} else if (name_taken(p, name, loc)) {
		return;
	} else {
		v = new_vlan(p, name, bond, vid, loc, VSRC_SECTION);
	}
	p->vlan = v;
	p->vlan_named = named;
	p->sect = S_VLAN;
}

static void section(struct native *p, char *hdr, const struct conf_loc *loc)
{
	size_t n = strlen(hdr);
	char *inner, *sp;

	seen_reset(p);
	p->bond = NULL;
	p->iface = NULL;
	p->vlan = NULL;
	p->vlan_named = false;
	p->sect = S_BAD;
	if (n < 2 || hdr[n - 1] != ']') {
		conf_error(p->d, loc, "a section header is [NAME]: missing ']'");
		return;
	}
	hdr[n - 1] = '\0';
	inner = conf_trim(hdr + 1);
	sp = inner + strcspn(inner, " \t");
	if (*sp) {
		char *name = sp;

		*name++ = '\0';
		name = conf_trim(name);
		if (!strcmp(inner, "vlan")) {
			vlan_section(p, name, false, loc);
			return;
		}
		if (strcmp(inner, "interface")) {
			conf_error_unknown(p->d, loc, "section", inner,
					   conf_suggest(inner, sect_words));
			return;
		}
		if (!conf_ifname_ok(name)) {
			conf_error(p->d, loc, "invalid interface name '%s'", name);
			return;
		}
		if (name_taken(p, name, loc))
			return;
		p->iface = conf_add_iface(p->c, name, loc);
		p->sect = S_IFACE;
		return;
	}
	if (!strcmp(inner, "route")) {
		p->sect = S_ROUTE;
	} else if (!strcmp(inner, "bonding")) {
		p->sect = S_MODULE;
	} else if (!strcmp(inner, "daemon")) {
		p->sect = S_DAEMON;
	} else if (!strcmp(inner, "interface")) {
		conf_error(p->d, loc, "[interface] needs a name: [interface eth2]");
	} else if (!strcmp(inner, "vlan")) {
		conf_error(p->d, loc, "[vlan] needs a name: [vlan mgmt] (or [bond0.100])");
	} else if (conf_split_vlan_name(inner, (char[CONF_NAME_MAX]){ 0 }, &(unsigned){ 0 })) {
		vlan_section(p, inner, true, loc);
	} else if (!conf_ifname_ok(inner)) {
		conf_error(p->d, loc, "invalid bond name '%s'", inner);
	} else if (!name_taken(p, inner, loc)) {
		p->bond = conf_add_bond(p->c, inner, loc);
		p->sect = S_BOND;
	}
}

/* "ADDR/LEN [label L] [broadcast B]" on dev. */
static int parse_address(const char *dev, const char *value, struct conf_addr *a,
			 struct err *err)
{
	char **w;
	int n = conf_split_words(value, &w), rc = -1, family, prefix;

	if (n < 1) {
		err_set(err, -EINVAL, "address needs a value: ADDRESS/PREFIX [label LABEL] [broadcast ADDRESS]");
		goto out;
	}
	if (conf_parse_cidr(w[0], &family, a->addr, &prefix, err) < 0)
		goto out;
	if (prefix < 0) {
		err_set(err, -EINVAL, "address %s needs a prefix length (%s/%d)", w[0], w[0],
			family == AF_INET ? 24 : 64);
		goto out;
	}
	a->family = family;
	a->prefix = (uint8_t)prefix;
	for (int i = 1; i < n; i += 2) {
		if (i + 1 >= n) {
			err_set(err, -EINVAL, "'%s' needs a value", w[i]);
			goto out;
		}
		if (!strcmp(w[i], "label")) {
			if (family != AF_INET) {
				err_set(err, -EINVAL, "labels are for IPv4 addresses only");
				goto out;
			}
			if (conf_addr_label_ok(dev, w[i + 1], err) < 0)
				goto out;
			snprintf(a->label, sizeof(a->label), "%s", w[i + 1]);
		} else if (!strcmp(w[i], "broadcast")) {
			int f;
			uint8_t b[16];

			if (family != AF_INET || conf_parse_ip(w[i + 1], AF_INET, &f, b) < 0) {
				err_set(err, -EINVAL, "invalid broadcast address '%s'", w[i + 1]);
				goto out;
			}
			a->has_broadcast = true;
			memcpy(a->broadcast, b, 4);
		} else {
			static const char *const words[] = { "label", "broadcast", NULL };
			const char *s = conf_suggest(w[i], words);

			if (s)
				err_set(err, -EINVAL, "unknown word '%s' after the address (did you mean '%s'?)",
					w[i], s);
			else
				err_set(err, -EINVAL, "unknown word '%s' after the address: use label or broadcast",
					w[i]);
			goto out;
		}
	}
	rc = 0;
out:
	conf_words_free(w, n);
	return rc;
}

static bool host_bits_clear(int family, const uint8_t *a, unsigned prefix)
{
	uint8_t net[16];
	unsigned bits = family == AF_INET ? 32 : 128;

	memcpy(net, a, 16);
	for (unsigned i = prefix; i < bits; i++)
		net[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	return !memcmp(net, a, 16);
}

/* "DST/LEN|default [via GW] [dev DEV] [metric N]" */
static void parse_route(struct native *p, const char *value, const struct conf_loc *loc)
{
	char **w;
	int n = conf_split_words(value, &w), prefix = -1, i;
	struct conf_route_words r = { .family = AF_UNSPEC };
	uint8_t dst[16] = { 0 };
	bool is_default = false;
	struct err err;
	char buf[64];

	err_clear(&err);
	if (n < 1) {
		conf_error(p->d, loc, "to needs a destination: to = DST/PREFIX via GATEWAY [dev DEV] [metric N]");
		goto out;
	}
	if (!strcmp(w[0], "default")) {
		is_default = true;
	} else if (conf_parse_cidr(w[0], &r.family, dst, &prefix, &err) < 0) {
		conf_error(p->d, loc, "%s", err.msg);
		goto out;
	} else if (prefix < 0) {
		conf_error(p->d, loc, "route destination %s needs a prefix length (%s/%d)", w[0],
			   w[0], r.family == AF_INET ? 32 : 128);
		goto out;
	} else if (prefix == 0) {
		is_default = true;
	} else if (!host_bits_clear(r.family, dst, (unsigned)prefix)) {
		conf_error(p->d, loc, "route destination %s has host bits set", w[0]);
		goto out;
	}
	i = conf_route_words(w, n, 1, &r, "", true, loc, p->d);
	if (i < 0)
		goto out;
	if (i < n) {
		conf_error_unknown(p->d, loc, "word", w[i], conf_suggest(w[i], conf_route_keywords));
		goto out;
	}
	if (is_default) {
		if (!r.has_via) {
			conf_error(p->d, loc, "a default route needs a gateway: to = default via ADDRESS");
			goto out;
		}
		if (r.has_metric)
			conf_error(p->d, loc, "a default route takes no metric in bondd.conf");
		else
			conf_set_gateway(p->c, r.family, r.via, r.dev, loc, p->d);
		goto out;
	}
	if (!r.has_via && !*r.dev) {
		conf_error(p->d, loc, "route to %s needs 'via GATEWAY' or 'dev DEV'",
			   conf_ip_str(r.family, dst, buf));
		goto out;
	}
	conf_add_route(p->c, p->d, r.family, dst, prefix, r.has_via ? r.via : NULL, r.dev,
		       r.has_metric, r.metric, loc);
out:
	conf_words_free(w, n);
}

static void dev_key(struct native *p, const char *dev, const char *key, const char *value,
		    unsigned *mtu, struct conf_addr **addrs, unsigned *n_addrs,
		    const struct conf_loc *loc)
{
	struct err err;

	err_clear(&err);
	if (!strcmp(key, "mtu")) {
		if (conf_parse_mtu(value, mtu, &err) < 0)
			conf_error(p->d, loc, "%s", err.msg);
	} else if (!strcmp(key, "address")) {
		struct conf_addr a;

		memset(&a, 0, sizeof(a));
		if (parse_address(dev, value, &a, &err) < 0) {
			conf_error(p->d, loc, "%s", err.msg);
			return;
		}
		a.loc = *loc;
		*conf_push_addr(addrs, n_addrs) = a;
	} else if (!strcmp(key, "gateway")) {
		int family;
		uint8_t gw[16];

		if (conf_parse_ip(value, AF_UNSPEC, &family, gw) < 0) {
			conf_error(p->d, loc, "invalid gateway address '%s'", value);
			return;
		}
		conf_set_gateway(p->c, family, gw, dev, loc, p->d);
	}
}

static void parse_up(struct native *p, const char *value, bool *down,
		     const struct conf_loc *loc)
{
	if (!strcmp(value, "yes"))
		*down = false;
	else if (!strcmp(value, "no"))
		*down = true;
	else
		conf_error(p->d, loc, "up: '%s' is not yes or no", value);
}

/* "vlans = 100, 200" in [bond0]: bond0.100 and bond0.200. */
static void bond_vlans(struct native *p, const char *value, const struct conf_loc *loc)
{
	struct conf_bond *b = p->bond;
	char *list = conf_xstrdup(value);
	unsigned n = 0;
	struct err err;

	err_clear(&err);
	for (char *tok = strtok(list, ", \t"); tok; tok = strtok(NULL, ", \t")) {
		char name[CONF_NAME_MAX];
		struct conf_vlan *v;
		unsigned vid;

		n++;
		if (conf_parse_vid(tok, &vid, &err) < 0) {
			conf_error(p->d, loc, "vlans: %s", err.msg);
			continue;
		}
		if (!conf_vlan_default_name(b->name, vid, name)) {
			conf_error(p->d, loc, "vlans: %s.%u is longer than an interface name (15 characters): name it in a section of its own, [vlan NAME] with bond = %s and vid = %u",
				   b->name, vid, b->name, vid);
			continue;
		}
		v = conf_find_vlan(p->c, name);
		if (v && *vsrc_of(p, v) == VSRC_SECTION && !strcmp(v->bond, b->name) &&
		    v->vid == vid) {
			/* its [bond0.100] section came first */
			*vsrc_of(p, v) |= VSRC_LIST;
		} else if (v && (*vsrc_of(p, v) & VSRC_LIST) && !strcmp(v->bond, b->name)) {
			conf_error(p->d, loc, "vlans: VLAN %u is listed twice", vid);
		} else if (!name_taken(p, name, loc)) {
			new_vlan(p, name, b->name, vid, loc, VSRC_LIST);
		}
	}
	free(list);
	if (!n)
		conf_error(p->d, loc, "vlans needs VLAN ids: vlans = 100, 200");
}

/* "bond = bond0" or "vid = 100" in [mgmt], read as a bond's section until
 * now: the section is a VLAN's. Only keys both sections know may have
 * come before. */
static bool bond_to_vlan(struct native *p, const char *key, const struct conf_loc *loc)
{
	struct conf_bond *b = p->bond;
	struct conf_vlan *v;

	if (b->n_opts || b->n_slaves || b->has_hwaddr || b != &p->c->bonds[p->c->n_bonds - 1]) {
		conf_error(p->d, loc, "'%s' makes [%s] the section of a VLAN, but it has a bond's keys already (slaves, options, hwaddr or vlans): a VLAN's section has only bond, vid, up, mtu, address and gateway",
			   key, b->name);
		return false;
	}
	for (unsigned i = 0; i < p->n_seen; i++)
		if (!strcmp(p->seen[i], "vlans")) {
			conf_error(p->d, loc, "'%s' makes [%s] the section of a VLAN, which has no vlans line (line %u)",
				   key, b->name, p->seen_line[i]);
			return false;
		}
	v = new_vlan(p, b->name, "", 0, &b->loc, VSRC_SECTION);
	v->mtu = b->mtu;
	v->down = b->down;
	v->addrs = b->addrs;
	v->n_addrs = b->n_addrs;
	free(b->opts);
	free(b->slaves);
	p->c->n_bonds--;
	p->bond = NULL;
	p->vlan = v;
	p->vlan_named = false;
	p->sect = S_VLAN;
	return true;
}

static void vlan_key(struct native *p, const char *key, const char *value,
		     const struct conf_loc *loc)
{
	struct conf_vlan *v = p->vlan;
	struct err err;

	err_clear(&err);
	if (!strcmp(key, "bond")) {
		if (!conf_ifname_ok(value)) {
			conf_error(p->d, loc, "invalid bond name '%s'", value);
		} else if (p->vlan_named && strcmp(value, v->bond)) {
			conf_error(p->d, loc, "[%s] is the VLAN %u of %s: bond = %s disagrees; a VLAN not named BOND.VID has a section [vlan NAME]",
				   v->name, v->vid, v->bond, value);
		} else {
			snprintf(v->bond, sizeof(v->bond), "%s", value);
		}
	} else if (!strcmp(key, "vid")) {
		unsigned vid;

		if (conf_parse_vid(value, &vid, &err) < 0)
			conf_error(p->d, loc, "%s", err.msg);
		else if (p->vlan_named && vid != v->vid)
			conf_error(p->d, loc, "[%s] is the VLAN %u of %s: vid = %u disagrees; a VLAN not named BOND.VID has a section [vlan NAME]",
				   v->name, v->vid, v->bond, vid);
		else
			v->vid = (uint16_t)vid;
	} else if (!strcmp(key, "up")) {
		parse_up(p, value, &v->down, loc);
	} else {
		dev_key(p, v->name, key, value, &v->mtu, &v->addrs, &v->n_addrs, loc);
	}
}

static void bond_key(struct native *p, const char *key, const char *value,
		     const struct conf_loc *loc)
{
	struct conf_bond *b = p->bond;
	struct err err;

	err_clear(&err);
	if (!strcmp(key, "slaves")) {
		char *list = conf_xstrdup(value);

		for (char *tok = strtok(list, ", \t"); tok; tok = strtok(NULL, ", \t")) {
			if (!conf_ifname_ok(tok))
				conf_error(p->d, loc, "invalid interface name '%s'", tok);
			else if (!strcmp(tok, b->name))
				conf_error(p->d, loc, "%s cannot be a slave of itself", tok);
			else if (conf_bond_has_slave(b, tok))
				conf_error(p->d, loc, "slave %s is listed twice", tok);
			else
				conf_bond_add_slave(b, tok, loc);
		}
		free(list);
	} else if (!strcmp(key, "vlans")) {
		bond_vlans(p, value, loc);
	} else if (!strcmp(key, "up")) {
		/* ifcfg's ONBOOT, interfaces' "auto": whether bondd brings
		 * the bond up once its slaves are in. */
		parse_up(p, value, &b->down, loc);
	} else if (!strcmp(key, "hwaddr")) {
		uint8_t mac[6];

		if (mac_parse(value, mac) < 0 || mac_is_multicast(mac) || mac_is_zero(mac)) {
			conf_error(p->d, loc, "invalid hwaddr '%s': a unicast MAC address (02:00:00:00:00:01)",
				   value);
			return;
		}
		b->has_hwaddr = true;
		memcpy(b->hwaddr, mac, 6);
	} else if (!strcmp(key, "mtu") || !strcmp(key, "address") || !strcmp(key, "gateway")) {
		dev_key(p, b->name, key, value, &b->mtu, &b->addrs, &b->n_addrs, loc);
	} else {
		char *cname = NULL, *cvalue = NULL;

		if (conf_opt_canon(key, value, false, &cname, &cvalue, &err) < 0) {
			if (err.code == -ENOENT)
				conf_error_unknown(p->d, loc, "option", key,
						   conf_suggest_opt(key, false, bond_keys));
			else
				conf_error(p->d, loc, "%s", err.msg);
			return;
		}
		conf_bond_set_opt(b, cname, cvalue, loc);
		free(cname);
		free(cvalue);
	}
}

static void module_key(struct native *p, const char *key, const char *value,
		       const struct conf_loc *loc)
{
	char *cname = NULL, *cvalue = NULL;
	struct err err;
	int v;

	err_clear(&err);
	if (conf_opt_canon(key, value, true, &cname, &cvalue, &err) < 0) {
		conf_error(p->d, loc, "%s", err.msg);
		return;
	}
	v = atoi(cvalue);
	if (!strcmp(cname, "max_bonds")) {
		p->c->max_bonds = v;
		p->c->max_bonds_loc = *loc;
	} else {
		p->c->tx_queues = v;
		p->c->tx_queues_loc = *loc;
	}
	free(cname);
	free(cvalue);
}

static void daemon_key(struct native *p, const char *key, const char *value,
		       const struct conf_loc *loc)
{
	static const char *const dps[] = { "auto", "ebpf", "packet", NULL };
	struct netaddr na;
	struct err err;

	err_clear(&err);
	if (!strcmp(key, "metrics")) {
		/* checked here, so a bad address refuses the file before
		 * anything is touched; bound at start (http_metrics.c) */
		if (netaddr_parse(value, &na, &err) < 0 ||
		    strlen(value) >= sizeof(p->c->metrics)) {
			conf_error(p->d, loc, "metrics: %s", err.msg[0] ? err.msg : "too long");
			return;
		}
		snprintf(p->c->metrics, sizeof(p->c->metrics), "%s", value);
		p->c->metrics_loc = *loc;
		return;
	}
	if (!strcmp(key, "metrics_textfile")) {
		/* bondd runs in / once detached: a relative name would move */
		if (value[0] != '/' || strlen(value) >= sizeof(p->c->metrics_textfile)) {
			conf_error(p->d, loc, "metrics_textfile: '%s' is not an absolute "
				   "directory name", value);
			return;
		}
		snprintf(p->c->metrics_textfile, sizeof(p->c->metrics_textfile), "%s", value);
		p->c->metrics_textfile_loc = *loc;
		return;
	}

	for (unsigned i = 0; dps[i]; i++)
		if (!strcmp(value, dps[i])) {
			snprintf(p->c->datapath, sizeof(p->c->datapath), "%s", dps[i]);
			p->c->datapath_loc = *loc;
			return;
		}
	conf_error(p->d, loc, "datapath: '%s' is not one of auto, ebpf, packet", value);
}

static const char *const *keys_of(enum sect s)
{
	switch (s) {
	case S_BOND: return bond_keys;
	case S_IFACE: return iface_keys;
	case S_VLAN: return vlan_keys;
	case S_ROUTE: return route_keys;
	case S_MODULE: return module_keys;
	case S_DAEMON: return daemon_keys;
	default: return NULL;
	}
}

static bool key_known(enum sect s, const char *key)
{
	const char *const *k = keys_of(s);

	for (; k && *k; k++)
		if (!strcmp(*k, key))
			return true;
	if (s == S_BOND) {
		const struct opt_desc *d = opt_find(key);

		return d && !(d->flags & (OPT_MODULE | OPT_PER_SLAVE)) && d->id != OPT_SLAVES;
	}
	return false;
}

static void key_line(struct native *p, char *line, const struct conf_loc *loc)
{
	char *eq = strchr(line, '=');
	char *key, *value;
	const char *what;
	unsigned first;

	if (!eq) {
		conf_error(p->d, loc, "expected 'key = value' or a [section] header");
		return;
	}
	*eq = '\0';
	key = conf_trim(line);
	value = conf_trim(eq + 1);
	if (!*key) {
		conf_error(p->d, loc, "a key is missing before '='");
		return;
	}
	switch (p->sect) {
	case S_NONE:
		conf_error(p->d, loc, "'%s' is outside a section: start with a header such as [bond0]",
			   key);
		return;
	case S_BAD:
		return;         /* the header was reported */
	default:
		break;
	}
	if (p->sect == S_BOND && (!strcmp(key, "bond") || !strcmp(key, "vid")) &&
	    !bond_to_vlan(p, key, loc))
		return;
	if (!key_known(p->sect, key) && !(p->sect == S_BOND && opt_find(key))) {
		what = p->sect == S_BOND || p->sect == S_MODULE ? "option" : "key";
		if (p->sect == S_BOND)
			conf_error_unknown(p->d, loc, what, key,
					   conf_suggest_opt(key, false, bond_keys));
		else if (p->sect == S_VLAN && (key_known(S_BOND, key) || opt_find(key)))
			conf_error(p->d, loc, "'%s' is a bond's key: [%s] is a VLAN's section (bond, vid, up, mtu, address, gateway); set it in the bond's section",
				   key, p->vlan->name);
		else
			conf_error_unknown(p->d, loc, what, key,
					   conf_suggest(key, keys_of(p->sect)));
		return;
	}
	/* address (and a route's "to") may repeat; everything else once. */
	if (strcmp(key, "address") && strcmp(key, "to") && strcmp(key, "gateway")) {
		const struct opt_desc *d = p->sect == S_BOND ? opt_find(key) : NULL;

		first = seen_check(p, d ? d->name : key, loc->line);
		if (first) {
			conf_error(p->d, loc, "'%s' is given twice in this section (first on line %u)",
				   key, first);
			return;
		}
	}
	switch (p->sect) {
	case S_BOND:
		bond_key(p, key, value, loc);
		break;
	case S_IFACE:
		dev_key(p, p->iface->name, key, value, &p->iface->mtu, &p->iface->addrs,
			&p->iface->n_addrs, loc);
		break;
	case S_VLAN:
		vlan_key(p, key, value, loc);
		break;
	case S_ROUTE:
		parse_route(p, value, loc);
		break;
	case S_MODULE:
		module_key(p, key, value, loc);
		break;
	case S_DAEMON:
		daemon_key(p, key, value, loc);
		break;
	default:
		break;
	}
}

struct conf *conf_parse_native(const char *text, const char *file, struct conf_diag *d)
{
	struct native p = { .d = d, .errors_at_start = d->n_errors };
	struct conf_lines it;
	unsigned lineno;
	char *line;

	p.c = conf_new();
	p.file = conf_add_file(p.c, file);
	conf_lines_init(&it, text, false);
	while (conf_lines_next(&it, &line, &lineno)) {
		struct conf_loc loc = conf_loc_at(p.file, lineno);
		char *s = line;

		while (isspace((unsigned char)*s))
			s++;
		if (*s == ';')
			*s = '\0';
		strip_comment(s);
		conf_trim(s);
		if (*s == '[')
			section(&p, s, &loc);
		else if (*s)
			key_line(&p, s, &loc);
		free(line);
	}
	seen_reset(&p);
	for (unsigned i = 0; i < p.c->n_vlans; i++) {
		const struct conf_vlan *v = &p.c->vlans[i];

		if (!v->bond[0] || !v->vid)
			conf_error(d, &v->loc, "VLAN %s needs %s%s%s: [vlan %s] with bond = BOND and vid = VID (or a section named BOND.VID)",
				   v->name, v->bond[0] ? "" : "bond = BOND",
				   !v->bond[0] && !v->vid ? " and " : "", v->vid ? "" : "vid = VID",
				   v->name);
	}
	free(p.vsrc);
	if (d->n_errors > p.errors_at_start) {
		conf_free(p.c);
		return NULL;
	}
	return p.c;
}
