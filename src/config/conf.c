/* The configuration model: allocation, messages, equality, option checks
 * against the option table, merging and the module-level defaults, and the
 * small text and address helpers every parser shares. No file access. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

/* ---- allocation ----------------------------------------------------------- */

static void oom(void)
{
	fputs("bondd: out of memory while reading the configuration\n", stderr);
	abort();
}

void *conf_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *conf_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *conf_xstrdup(const char *s)
{
	return conf_xstrndup(s, strlen(s));
}

char *conf_xstrndup(const char *s, size_t n)
{
	char *p = conf_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Capacity doubles at each power of two, so the array's size is implied by
 * its count. */
void *conf_grow(void *arr, unsigned n, size_t elem)
{
	if (n == 0)
		return conf_xrealloc(arr, 4 * elem);
	if (n >= 4 && (n & (n - 1)) == 0)
		return conf_xrealloc(arr, (size_t)n * 2 * elem);
	return arr;
}

/* ---- messages ------------------------------------------------------------- */

void conf_diag_init(struct conf_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void conf_diag_free(struct conf_diag *d)
{
	for (unsigned i = 0; i < d->n; i++)
		free(d->msgs[i].text);
	free(d->msgs);
	conf_diag_init(d);
}

static void diag_add(struct conf_diag *d, bool warning, const struct conf_loc *loc,
		     const char *fmt, va_list ap)
{
	struct strbuf sb;
	struct conf_msg *m;

	sb_init(&sb);
	if (loc && loc->file && loc->line)
		sb_printf(&sb, "%s:%u: ", loc->file, loc->line);
	else if (loc && loc->file)
		sb_printf(&sb, "%s: ", loc->file);
	if (warning)
		sb_puts(&sb, "warning: ");
	sb_vprintf(&sb, fmt, ap);
	if (sb.oom)
		oom();
	m = CONF_PUSH(d->msgs, d->n);
	m->warning = warning;
	m->text = conf_xstrdup(sb_str(&sb));
	sb_free(&sb);
	if (warning)
		d->n_warnings++;
	else
		d->n_errors++;
}

void conf_error(struct conf_diag *d, const struct conf_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(d, false, loc, fmt, ap);
	va_end(ap);
}

void conf_warn(struct conf_diag *d, const struct conf_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(d, true, loc, fmt, ap);
	va_end(ap);
}

void conf_diag_print(const struct conf_diag *d, bool with_warnings, struct strbuf *out)
{
	for (unsigned i = 0; i < d->n; i++)
		if (with_warnings || !d->msgs[i].warning)
			sb_printf(out, "%s\n", d->msgs[i].text);
}

/* ---- the model ------------------------------------------------------------ */

struct conf *conf_new(void)
{
	struct conf *c = conf_xmalloc(sizeof(*c));

	memset(c, 0, sizeof(*c));
	c->max_bonds = -1;
	c->tx_queues = -1;
	return c;
}

void conf_free_opts(struct conf_opt *o, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		free(o[i].name);
		free(o[i].value);
	}
	free(o);
}

void conf_free(struct conf *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->n_bonds; i++) {
		conf_free_opts(c->bonds[i].opts, c->bonds[i].n_opts);
		free(c->bonds[i].slaves);
		free(c->bonds[i].addrs);
	}
	free(c->bonds);
	for (unsigned i = 0; i < c->n_ifaces; i++)
		free(c->ifaces[i].addrs);
	free(c->ifaces);
	free(c->routes);
	conf_free_opts(c->defaults, c->n_defaults);
	for (unsigned i = 0; i < c->n_files; i++)
		free(c->files[i]);
	free(c->files);
	free(c);
}

const char *conf_add_file(struct conf *c, const char *path)
{
	for (unsigned i = 0; i < c->n_files; i++)
		if (!strcmp(c->files[i], path))
			return c->files[i];
	*CONF_PUSH(c->files, c->n_files) = conf_xstrdup(path);
	return c->files[c->n_files - 1];
}

struct conf_loc conf_loc_at(const char *file, unsigned line)
{
	return (struct conf_loc){ .file = file, .line = line };
}

struct conf_bond *conf_find_bond(const struct conf *c, const char *name)
{
	for (unsigned i = 0; i < c->n_bonds; i++)
		if (!strcmp(c->bonds[i].name, name))
			return &c->bonds[i];
	return NULL;
}

struct conf_iface *conf_find_iface(const struct conf *c, const char *name)
{
	for (unsigned i = 0; i < c->n_ifaces; i++)
		if (!strcmp(c->ifaces[i].name, name))
			return &c->ifaces[i];
	return NULL;
}

const char *conf_bond_opt(const struct conf_bond *b, const char *name)
{
	for (unsigned i = 0; i < b->n_opts; i++)
		if (!strcmp(b->opts[i].name, name))
			return b->opts[i].value;
	return NULL;
}

struct conf_bond *conf_add_bond(struct conf *c, const char *name, const struct conf_loc *loc)
{
	struct conf_bond *b = conf_find_bond(c, name);

	if (b)
		return b;
	b = CONF_PUSH(c->bonds, c->n_bonds);
	snprintf(b->name, sizeof(b->name), "%s", name);
	if (loc)
		b->loc = *loc;
	return b;
}

struct conf_iface *conf_add_iface(struct conf *c, const char *name, const struct conf_loc *loc)
{
	struct conf_iface *f = conf_find_iface(c, name);

	if (f)
		return f;
	f = CONF_PUSH(c->ifaces, c->n_ifaces);
	snprintf(f->name, sizeof(f->name), "%s", name);
	if (loc)
		f->loc = *loc;
	return f;
}

/* queue_id values name a slave ("eth0:2"): one entry per slave. */
static bool same_opt(const struct conf_opt *o, const char *name, const char *value)
{
	if (strcmp(o->name, name))
		return false;
	if (!strcmp(name, "queue_id")) {
		size_t a = strcspn(o->value, ":"), b = strcspn(value, ":");

		return a == b && !strncmp(o->value, value, a);
	}
	return true;
}

void conf_opts_set(struct conf_opt **opts, unsigned *n, const char *name, const char *value,
		   const struct conf_loc *loc)
{
	struct conf_opt *o;

	for (unsigned i = 0; i < *n; i++) {
		o = &(*opts)[i];
		if (same_opt(o, name, value)) {
			free(o->value);
			o->value = conf_xstrdup(value);
			if (loc)
				o->loc = *loc;
			return;
		}
	}
	o = CONF_PUSH(*opts, *n);
	o->name = conf_xstrdup(name);
	o->value = conf_xstrdup(value);
	if (loc)
		o->loc = *loc;
}

void conf_bond_set_opt(struct conf_bond *b, const char *name, const char *value,
		       const struct conf_loc *loc)
{
	conf_opts_set(&b->opts, &b->n_opts, name, value, loc);
}

/* Would a lower-precedence o be overridden by what b already sets? The
 * two link monitors exclude each other: a later miimon turns the ARP
 * monitor off and the other way round, so the higher-precedence one wins
 * outright. */
static bool overridden(const struct conf_opt *o, const struct conf_opt *opts, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (same_opt(&opts[i], o->name, o->value))
			return true;
		if (!strcmp(o->name, "miimon") && !strcmp(opts[i].name, "arp_interval") &&
		    strcmp(opts[i].value, "0"))
			return true;
		if (!strcmp(o->name, "arp_interval") && !strcmp(opts[i].name, "miimon") &&
		    strcmp(opts[i].value, "0"))
			return true;
	}
	return false;
}

/* Puts the lower-precedence options low (in their order) before b's own. */
static void prepend_lower(struct conf_bond *b, const struct conf_opt *low, unsigned n_low)
{
	struct conf_opt *opts = NULL;
	unsigned n = 0;

	for (unsigned i = 0; i < n_low; i++) {
		struct conf_opt *o;

		if (overridden(&low[i], b->opts, b->n_opts))
			continue;
		o = CONF_PUSH(opts, n);
		o->name = conf_xstrdup(low[i].name);
		o->value = conf_xstrdup(low[i].value);
		o->loc = low[i].loc;
	}
	for (unsigned i = 0; i < b->n_opts; i++)
		*CONF_PUSH(opts, n) = b->opts[i];
	free(b->opts);
	b->opts = opts;
	b->n_opts = n;
}

void conf_bond_set_default(struct conf_bond *b, const struct conf_opt *o)
{
	prepend_lower(b, o, 1);
}

bool conf_bond_has_slave(const struct conf_bond *b, const char *name)
{
	for (unsigned i = 0; i < b->n_slaves; i++)
		if (!strcmp(b->slaves[i].name, name))
			return true;
	return false;
}

void conf_bond_add_slave(struct conf_bond *b, const char *name, const struct conf_loc *loc)
{
	struct conf_slave *s;

	if (conf_bond_has_slave(b, name))
		return;
	s = CONF_PUSH(b->slaves, b->n_slaves);
	snprintf(s->name, sizeof(s->name), "%s", name);
	if (loc)
		s->loc = *loc;
}

struct conf_bond *conf_slave_owner(const struct conf *c, const char *name)
{
	for (unsigned i = 0; i < c->n_bonds; i++)
		if (conf_bond_has_slave(&c->bonds[i], name))
			return &c->bonds[i];
	return NULL;
}

/* ---- equality ------------------------------------------------------------- */

static bool addrs_equal(const struct conf_addr *a, unsigned na, const struct conf_addr *b,
			unsigned nb)
{
	if (na != nb)
		return false;
	for (unsigned i = 0; i < na; i++) {
		if (a[i].family != b[i].family || a[i].prefix != b[i].prefix ||
		    memcmp(a[i].addr, b[i].addr, 16) || strcmp(a[i].label, b[i].label) ||
		    a[i].has_broadcast != b[i].has_broadcast ||
		    (a[i].has_broadcast && memcmp(a[i].broadcast, b[i].broadcast, 4)))
			return false;
	}
	return true;
}

static bool opts_equal(const struct conf_opt *a, unsigned na, const struct conf_opt *b,
		       unsigned nb)
{
	if (na != nb)
		return false;
	for (unsigned i = 0; i < na; i++)
		if (strcmp(a[i].name, b[i].name) || strcmp(a[i].value, b[i].value))
			return false;
	return true;
}

static bool bond_equal(const struct conf_bond *a, const struct conf_bond *b)
{
	if (strcmp(a->name, b->name) || a->mtu != b->mtu || a->has_hwaddr != b->has_hwaddr ||
	    (a->has_hwaddr && memcmp(a->hwaddr, b->hwaddr, 6)) || a->n_slaves != b->n_slaves)
		return false;
	for (unsigned i = 0; i < a->n_slaves; i++)
		if (strcmp(a->slaves[i].name, b->slaves[i].name))
			return false;
	return opts_equal(a->opts, a->n_opts, b->opts, b->n_opts) &&
	       addrs_equal(a->addrs, a->n_addrs, b->addrs, b->n_addrs);
}

static bool gw_equal(const struct conf_gateway *a, const struct conf_gateway *b)
{
	if (a->set != b->set)
		return false;
	return !a->set || (!memcmp(a->addr, b->addr, 16) && !strcmp(a->dev, b->dev));
}

bool conf_equal(const struct conf *a, const struct conf *b)
{
	if (a->n_bonds != b->n_bonds || a->n_ifaces != b->n_ifaces ||
	    a->n_routes != b->n_routes || a->max_bonds != b->max_bonds ||
	    a->tx_queues != b->tx_queues || !gw_equal(&a->gw4, &b->gw4) ||
	    !gw_equal(&a->gw6, &b->gw6) ||
	    !opts_equal(a->defaults, a->n_defaults, b->defaults, b->n_defaults))
		return false;
	for (unsigned i = 0; i < a->n_bonds; i++)
		if (!bond_equal(&a->bonds[i], &b->bonds[i]))
			return false;
	for (unsigned i = 0; i < a->n_ifaces; i++) {
		const struct conf_iface *x = &a->ifaces[i], *y = &b->ifaces[i];

		if (strcmp(x->name, y->name) || x->mtu != y->mtu ||
		    !addrs_equal(x->addrs, x->n_addrs, y->addrs, y->n_addrs))
			return false;
	}
	for (unsigned i = 0; i < a->n_routes; i++) {
		const struct conf_route *x = &a->routes[i], *y = &b->routes[i];

		if (x->family != y->family || memcmp(x->dst, y->dst, 16) ||
		    x->prefix != y->prefix || x->has_via != y->has_via ||
		    (x->has_via && memcmp(x->via, y->via, 16)) || strcmp(x->dev, y->dev) ||
		    x->has_metric != y->has_metric || (x->has_metric && x->metric != y->metric))
			return false;
	}
	return true;
}

/* ---- merging -------------------------------------------------------------- */

void conf_merge(struct conf *base, struct conf *mod)
{
	/* The locations in mod point at mod's file names: move them over. */
	for (unsigned i = 0; i < mod->n_files; i++)
		*CONF_PUSH(base->files, base->n_files) = mod->files[i];
	mod->n_files = 0;

	for (unsigned i = 0; i < mod->n_bonds; i++) {
		struct conf_bond *mb = &mod->bonds[i];
		struct conf_bond *b = conf_add_bond(base, mb->name, &mb->loc);

		prepend_lower(b, mb->opts, mb->n_opts);
		for (unsigned k = 0; k < mb->n_slaves; k++)
			conf_bond_add_slave(b, mb->slaves[k].name, &mb->slaves[k].loc);
	}
	for (unsigned i = 0; i < mod->n_defaults; i++)
		conf_opts_set(&base->defaults, &base->n_defaults, mod->defaults[i].name,
			      mod->defaults[i].value, &mod->defaults[i].loc);
	if (mod->max_bonds >= 0 && base->max_bonds < 0) {
		base->max_bonds = mod->max_bonds;
		base->max_bonds_loc = mod->max_bonds_loc;
	}
	if (mod->tx_queues >= 0 && base->tx_queues < 0) {
		base->tx_queues = mod->tx_queues;
		base->tx_queues_loc = mod->tx_queues_loc;
	}
}

static void overlay_addrs(struct conf *base, const char *dev, const struct conf_addr *a,
			  unsigned n)
{
	struct conf_bond *b = conf_find_bond(base, dev);
	struct conf_iface *f = b ? NULL : conf_add_iface(base, dev, n ? &a[0].loc : NULL);

	for (unsigned i = 0; i < n; i++) {
		if (b)
			*conf_push_addr(&b->addrs, &b->n_addrs) = a[i];
		else
			*conf_push_addr(&f->addrs, &f->n_addrs) = a[i];
	}
}

void conf_overlay(struct conf *base, struct conf *top, struct conf_diag *d)
{
	for (unsigned i = 0; i < top->n_files; i++)
		*CONF_PUSH(base->files, base->n_files) = top->files[i];
	top->n_files = 0;

	for (unsigned i = 0; i < top->n_bonds; i++) {
		const struct conf_bond *tb = &top->bonds[i];
		struct conf_bond *b = conf_add_bond(base, tb->name, &tb->loc);
		unsigned bi = (unsigned)(b - base->bonds);

		for (unsigned k = 0; k < tb->n_opts; k++)
			conf_bond_set_opt(b, tb->opts[k].name, tb->opts[k].value, &tb->opts[k].loc);
		for (unsigned k = 0; k < tb->n_slaves; k++) {
			const struct conf_slave *s = &tb->slaves[k];
			struct conf_bond *owner = conf_slave_owner(base, s->name);

			if (owner && owner != &base->bonds[bi]) {
				conf_error(d, &s->loc, "%s is a slave of %s already; a slave belongs to one bond",
					   s->name, owner->name);
				continue;
			}
			conf_bond_add_slave(&base->bonds[bi], s->name, &s->loc);
		}
		if (tb->mtu)
			base->bonds[bi].mtu = tb->mtu;
		if (tb->has_hwaddr) {
			base->bonds[bi].has_hwaddr = true;
			memcpy(base->bonds[bi].hwaddr, tb->hwaddr, 6);
		}
		overlay_addrs(base, tb->name, tb->addrs, tb->n_addrs);
	}
	for (unsigned i = 0; i < top->n_ifaces; i++) {
		const struct conf_iface *tf = &top->ifaces[i];

		if (!conf_find_bond(base, tf->name) && !conf_find_iface(base, tf->name) &&
		    !tf->n_addrs && !tf->mtu)
			continue;
		overlay_addrs(base, tf->name, tf->addrs, tf->n_addrs);
		if (tf->mtu && conf_find_iface(base, tf->name))
			conf_find_iface(base, tf->name)->mtu = tf->mtu;
	}
	for (unsigned i = 0; i < top->n_routes; i++)
		*CONF_PUSH(base->routes, base->n_routes) = top->routes[i];
	if (top->gw4.set)
		conf_set_gateway(base, AF_INET, top->gw4.addr, top->gw4.dev, &top->gw4.loc, d);
	if (top->gw6.set)
		conf_set_gateway(base, AF_INET6, top->gw6.addr, top->gw6.dev, &top->gw6.loc, d);
}

void conf_finish(struct conf *c)
{
	for (int i = 0; i < c->max_bonds && i < 1000; i++) {
		char name[CONF_NAME_MAX];

		snprintf(name, sizeof(name), "bond%d", i);
		conf_add_bond(c, name, &c->max_bonds_loc);
	}
	for (unsigned i = 0; i < c->n_bonds; i++)
		prepend_lower(&c->bonds[i], c->defaults, c->n_defaults);
	conf_free_opts(c->defaults, c->n_defaults);
	c->defaults = NULL;
	c->n_defaults = 0;
}

/* ---- suggestions ---------------------------------------------------------- */


static void consider(const char *word, const char *cand, const char **best, unsigned *best_d)
{
	unsigned dist = edit_distance(word, cand, true);

	if (dist < *best_d) {
		*best_d = dist;
		*best = cand;
	}
}

static const char *pick(const char *word, const char *best, unsigned best_d)
{
	size_t len = strlen(word);
	unsigned limit = len / 3 > 2 ? (unsigned)(len / 3) : 2;

	if (!best || best_d > limit || best_d >= len)
		return NULL;
	return best;
}

const char *conf_suggest(const char *word, const char *const *cands)
{
	const char *best = NULL;
	unsigned best_d = UINT_MAX;

	for (; cands && *cands; cands++)
		consider(word, *cands, &best, &best_d);
	return pick(word, best, best_d);
}

const char *conf_suggest_opt(const char *name, bool module, const char *const *extra)
{
	const char *best = NULL;
	unsigned best_d = UINT_MAX;

	for (unsigned i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *d = &opt_table[i];

		if (!d->name || (d->flags & OPT_PER_SLAVE) || d->id == OPT_SLAVES ||
		    ((d->flags & OPT_MODULE) && !module))
			continue;
		consider(name, d->name, &best, &best_d);
		if (d->alias)
			consider(name, d->alias, &best, &best_d);
	}
	for (; extra && *extra; extra++)
		consider(name, *extra, &best, &best_d);
	return pick(name, best, best_d);
}

void conf_error_unknown(struct conf_diag *d, const struct conf_loc *loc, const char *what,
			const char *word, const char *suggestion)
{
	if (suggestion)
		conf_error(d, loc, "unknown %s '%s' (did you mean '%s'?)", what, word, suggestion);
	else
		conf_error(d, loc, "unknown %s '%s'", what, word);
}

/* ---- option values -------------------------------------------------------- */

/* The first word (commas or blanks between) of the option's address family
 * that does not parse, or NULL; *len its length. */
static const char *first_bad_addr(const struct opt_desc *d, const char *s, size_t *len)
{
	while (*s) {
		char tok[64];
		uint8_t a[16];
		size_t n;

		s += strspn(s, ", \t");
		n = strcspn(s, ", \t");
		if (!n)
			break;
		if (n >= sizeof(tok) || (memcpy(tok, s, n), tok[n] = '\0',
					 opt_addr_parse(d->id, tok, a) < 0)) {
			*len = n;
			return s;
		}
		s += n;
	}
	return NULL;
}

static int bad_addr(const struct opt_desc *d, const char *s, size_t len, struct err *err)
{
	err_set(err, -EINVAL, "option %s: invalid value (%.*s)", d->name, (int)(len > 60 ? 60 : len),
		s);
	return -1;
}

/* The codec does the edit and judges the addresses; a word that is no
 * address at all is refused here first, in the configuration's words
 * ("option X: invalid value (W)"), after the words before it were judged. */
int conf_list_edit(const struct opt_desc *d, const char *current, const char *text,
		   char **out, struct err *err)
{
	struct opt_addrs l = { 0 };
	struct strbuf sb;
	const char *bad;
	size_t len;

	while (isspace((unsigned char)*text))
		text++;
	if (current && opt_addrs_apply(d->id, &l, current, err) < 0)
		return -1;
	if (text[0] == '+' || text[0] == '-') {
		const char *one = text + 1 + strspn(text + 1, ", \t");
		size_t n = strcspn(one, ", \t");
		char cmd[64];

		bad = first_bad_addr(d, text + 1, &len);
		if (bad)
			return bad_addr(d, bad, len, err);
		if (!n || one[n + strspn(one + n, ", \t")] || n + 2 > sizeof(cmd)) {
			err_set(err, -EINVAL, "option %s: invalid value (%s): use +<addr> or -<addr> with one address",
				d->name, text);
			return -1;
		}
		snprintf(cmd, sizeof(cmd), "%c%.*s", text[0], (int)n, one);
		if (opt_addrs_apply(d->id, &l, cmd, err) < 0)
			return -1;
	} else {
		bad = first_bad_addr(d, text, &len);
		if (bad) {
			char *before = conf_xstrndup(text, (size_t)(bad - text));
			int rc = opt_addrs_apply(d->id, &l, before, err);

			free(before);
			return rc < 0 ? -1 : bad_addr(d, bad, len, err);
		}
		if (opt_addrs_apply(d->id, &l, text, err) < 0)
			return -1;
	}
	sb_init(&sb);
	opt_addrs_print(d->id, &l, ",", &sb);
	if (sb.oom)
		oom();
	*out = conf_xstrdup(sb_str(&sb));
	sb_free(&sb);
	return 0;
}

int conf_opt_canon(const char *name, const char *value, bool module, char **cname,
		   char **cvalue, struct err *err)
{
	const struct opt_desc *d = opt_find(name);
	char *v, *canon = NULL;
	uint64_t num;
	char buf[32];

	if (!d || d->id == OPT_SLAVES) {
		const char *s = conf_suggest_opt(name, module, NULL);

		if (s)
			err_set(err, -ENOENT, "unknown option '%s' (did you mean '%s'?)", name, s);
		else
			err_set(err, -ENOENT, "unknown option '%s'", name);
		return -1;
	}
	if (d->flags & OPT_PER_SLAVE) {
		err_set(err, -EINVAL, "option %s: is a per-slave option; bondd.conf cannot set it",
			name);
		return -1;
	}
	if ((d->flags & OPT_MODULE) && !module) {
		err_set(err, -EINVAL, "option %s: is a module parameter, not a bond option", name);
		return -1;
	}
	v = conf_trim(conf_xstrdup(value ? value : ""));
	switch (d->type) {
	case OPT_T_ENUM:
	case OPT_T_UINT:
		if (opt_parse(d->id, v, &num, err) < 0)
			break;
		if (d->type == OPT_T_ENUM && opt_value_name(d->id, num)) {
			canon = conf_xstrdup(opt_value_name(d->id, num));
		} else {
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)num);
			canon = conf_xstrdup(buf);
		}
		break;
	case OPT_T_IFNAME:
		if (*v && !conf_ifname_ok(v)) {
			err_set(err, -EINVAL, "option %s: invalid interface name (%s)", d->name, v);
			break;
		}
		canon = conf_xstrdup(v);
		break;
	case OPT_T_IPV4_LIST:
	case OPT_T_IPV6_LIST:
		conf_list_edit(d, NULL, v, &canon, err);
		break;
	case OPT_T_MAC: {
		uint8_t mac[6];
		char m[18];

		if (opt_parse_mac(v, mac, err) == 0)
			canon = conf_xstrdup(mac_fmt(mac, m));
		break;
	}
	case OPT_T_SLAVE_QID: {
		char ifn[CONF_NAME_MAX];
		uint16_t q;

		if (opt_parse_queue_id(d->name, v, ifn, &q, err) < 0)
			break;
		if (!conf_ifname_ok(ifn)) {
			err_set(err, -EINVAL, "option %s: invalid interface name (%s)", d->name, ifn);
			break;
		}
		snprintf(buf, sizeof(buf), "%s:%u", ifn, (unsigned)q);
		canon = conf_xstrdup(buf);
		break;
	}
	default:
		err_set(err, -EINVAL, "option %s: cannot be set in a configuration file", d->name);
		break;
	}
	free(v);
	if (!canon)
		return -1;
	*cname = conf_xstrdup(d->name);
	*cvalue = canon;
	return 0;
}

/* ---- text ----------------------------------------------------------------- */

char *conf_trim(char *s)
{
	size_t n;
	char *start = s;

	while (isspace((unsigned char)*start))
		start++;
	n = strlen(start);
	while (n && isspace((unsigned char)start[n - 1]))
		n--;
	memmove(s, start, n);
	s[n] = '\0';
	return s;
}

bool conf_ifname_ok(const char *s)
{
	/* The kernel's rule, plus the characters the configuration formats
	 * use as syntax (comments, lists, quotes): a name with them could
	 * not be printed back. */
	return ifname_valid(s) && !s[strcspn(s, CONF_SYNTAX_CHARS)];
}

void conf_words_free(char **w, int n)
{
	for (int i = 0; i < n; i++)
		free(w[i]);
	free(w);
}

int conf_split_words(const char *s, char ***words)
{
	char **w = NULL;
	unsigned n = 0;
	struct strbuf sb;

	sb_init(&sb);
	for (;;) {
		bool any = false;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		sb_reset(&sb);
		while (*s && !isspace((unsigned char)*s)) {
			any = true;
			if (*s == '\'') {
				const char *e = strchr(s + 1, '\'');

				if (!e)
					goto bad;
				sb_printf(&sb, "%.*s", (int)(e - s - 1), s + 1);
				s = e + 1;
			} else if (*s == '"') {
				s++;
				while (*s && *s != '"') {
					if (*s == '\\' && s[1])
						s++;
					sb_printf(&sb, "%c", *s++);
				}
				if (*s != '"')
					goto bad;
				s++;
			} else {
				if (*s == '\\' && s[1])
					s++;
				sb_printf(&sb, "%c", *s++);
			}
		}
		if (any)
			*CONF_PUSH(w, n) = conf_xstrdup(sb.buf ? sb.buf : "");
	}
	sb_free(&sb);
	*words = w;
	return (int)n;
bad:
	sb_free(&sb);
	conf_words_free(w, (int)n);
	*words = NULL;
	return -1;
}

void conf_lines_init(struct conf_lines *it, const char *text, bool join)
{
	it->p = text ? text : "";
	it->next_line = 1;
	it->join = join;
}

bool conf_lines_next(struct conf_lines *it, char **line, unsigned *lineno)
{
	struct strbuf sb;

	if (!*it->p)
		return false;
	sb_init(&sb);
	*lineno = it->next_line;
	for (;;) {
		size_t n = strcspn(it->p, "\n");
		size_t m = n;

		if (m && it->p[m - 1] == '\r')
			m--;
		it->next_line++;
		if (it->join && m && it->p[m - 1] == '\\') {
			sb_printf(&sb, "%.*s", (int)(m - 1), it->p);
			it->p += n + (it->p[n] == '\n');
			if (*it->p)
				continue;
			break;
		}
		sb_printf(&sb, "%.*s", (int)m, it->p);
		it->p += n + (it->p[n] == '\n');
		break;
	}
	if (sb.oom)
		oom();
	*line = conf_xstrdup(sb.buf ? sb.buf : "");
	sb_free(&sb);
	return true;
}

bool conf_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return false;
	}
	if (*s)
		return false;
	*out = v;
	return true;
}

int conf_parse_mtu(const char *s, unsigned *mtu, struct err *err)
{
	unsigned long v;

	if (!conf_parse_uint(s, 65535, &v) || v < 68) {
		err_set(err, -EINVAL, "invalid MTU '%s' (68 .. 65535)", s);
		return -1;
	}
	*mtu = (unsigned)v;
	return 0;
}

/* ---- addresses ------------------------------------------------------------ */

int conf_parse_ip(const char *s, int family, int *out_family, uint8_t out[16])
{
	uint8_t a[16] = { 0 };

	if ((family == AF_UNSPEC || family == AF_INET) && strchr(s, '.') && !strchr(s, ':') &&
	    inet_pton(AF_INET, s, a) == 1) {
		*out_family = AF_INET;
		memcpy(out, a, 16);
		return 0;
	}
	if ((family == AF_UNSPEC || family == AF_INET6) && strchr(s, ':') &&
	    inet_pton(AF_INET6, s, a) == 1) {
		*out_family = AF_INET6;
		memcpy(out, a, 16);
		return 0;
	}
	return -1;
}

int conf_parse_netmask(const char *s, int family)
{
	unsigned long v;
	uint8_t m[16];
	int f, len = 0;
	bool zero = false;

	if (conf_parse_uint(s, family == AF_INET6 ? 128 : 32, &v))
		return (int)v;
	if (family != AF_INET || conf_parse_ip(s, AF_INET, &f, m) < 0)
		return -1;
	for (int i = 0; i < 32; i++) {
		bool bit = m[i / 8] & (0x80 >> (i % 8));

		if (bit && zero)
			return -1;      /* not contiguous */
		if (bit)
			len++;
		else
			zero = true;
	}
	return len;
}

int conf_parse_cidr(const char *s, int *family, uint8_t addr[16], int *prefix,
		    struct err *err)
{
	const char *slash = strchr(s, '/');
	char ip[64];
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(ip)) {
		err_set(err, -EINVAL, "invalid address '%s'", s);
		return -1;
	}
	memcpy(ip, s, n);
	ip[n] = '\0';
	if (conf_parse_ip(ip, AF_UNSPEC, family, addr) < 0) {
		err_set(err, -EINVAL, "invalid address '%s'", ip);
		return -1;
	}
	*prefix = -1;
	if (slash) {
		*prefix = conf_parse_netmask(slash + 1, *family);
		if (*prefix < 0) {
			err_set(err, -EINVAL, "invalid prefix length '%s' in '%s'", slash + 1, s);
			return -1;
		}
	}
	return 0;
}

int conf_classful_prefix(const uint8_t a[4])
{
	if (a[0] < 128)
		return 8;
	if (a[0] < 192)
		return 16;
	return 24;
}

const char *conf_ip_str(int family, const uint8_t *a, char buf[64])
{
	if (!inet_ntop(family, a, buf, 64))
		snprintf(buf, 64, "?");
	return buf;
}

bool conf_same_subnet(int family, const uint8_t *a, const uint8_t *b, unsigned prefix)
{
	unsigned bits = family == AF_INET ? 32 : 128;

	if (prefix > bits)
		prefix = bits;
	for (unsigned i = 0; i < prefix; i++) {
		uint8_t mask = (uint8_t)(0x80 >> (i % 8));

		if ((a[i / 8] & mask) != (b[i / 8] & mask))
			return false;
	}
	return true;
}

int conf_addr_label_ok(const char *dev, const char *label, struct err *err)
{
	size_t n = strlen(dev);

	if (!*label)
		return 0;
	if (strlen(label) >= CONF_NAME_MAX) {
		err_set(err, -EINVAL, "label '%s' is longer than 15 characters", label);
		return -1;
	}
	if (strncmp(label, dev, n) || (label[n] && label[n] != ':')) {
		err_set(err, -EINVAL,
			"label '%s' does not belong to %s: a label is the interface name, or the name, ':' and a suffix (%s:1)",
			label, dev, dev);
		return -1;
	}
	for (const char *p = label; *p; p++)
		if (isspace((unsigned char)*p) || *p == '/' || !isprint((unsigned char)*p) ||
		    strchr(CONF_SYNTAX_CHARS, *p)) {
			err_set(err, -EINVAL, "invalid label '%s'", label);
			return -1;
		}
	return 0;
}

struct conf_addr *conf_push_addr(struct conf_addr **addrs, unsigned *n)
{
	return CONF_PUSH(*addrs, *n);
}

bool conf_looks_like_bond(const char *name)
{
	const char *p = name + 4;

	if (strncmp(name, "bond", 4) || !*p)
		return false;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}
