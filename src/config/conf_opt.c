/* Option values in a configuration: names and values checked and made
 * canonical through the core's option codec (core/opt.h), and the
 * "+addr"/"-addr" edits of the address list options. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

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
		conf_oom();
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
