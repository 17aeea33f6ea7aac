/* `bondctl options`: the option table as help, text or JSON: each option's
 * values, range, default, the modes it applies to and when it may change. */
#include <stdio.h>
#include <string.h>

#include "core/bond.h"
#include "core/mode.h"
#include "core/opt.h"
#include "ctl_cmd_impl.h"
#include "ctl_proto.h"

/* ---- options: the option table as help ---------------------------------- */

static const char *type_text(enum opt_type t)
{
	switch (t) {
	case OPT_T_ENUM:      return "one of the names (or their numbers)";
	case OPT_T_UINT:      return "unsigned integer";
	case OPT_T_INT:       return "integer";
	case OPT_T_IFNAME:    return "interface name, or empty for none";
	case OPT_T_IPV4_LIST: return "IPv4 addresses";
	case OPT_T_IPV6_LIST: return "IPv6 addresses";
	case OPT_T_MAC:       return "MAC address";
	case OPT_T_SLAVE_QID: return "IF:QUEUE_ID";
	case OPT_T_SLAVES:    return "+IF to enslave, -IF to release";
	}
	return "value";
}

static const char *type_name(enum opt_type t)
{
	switch (t) {
	case OPT_T_ENUM:      return "enum";
	case OPT_T_UINT:      return "uint";
	case OPT_T_INT:       return "int";
	case OPT_T_IFNAME:    return "ifname";
	case OPT_T_IPV4_LIST: return "ipv4_list";
	case OPT_T_IPV6_LIST: return "ipv6_list";
	case OPT_T_MAC:       return "mac";
	case OPT_T_SLAVE_QID: return "slave_queue_id";
	case OPT_T_SLAVES:    return "slaves";
	}
	return "value";
}

/* The kernel's value tables name range ends and defaults "minval",
 * "maxval", "default"; those are markers, not values a user would type. */
static bool is_marker_name(const char *n)
{
	return !strcmp(n, "minval") || !strcmp(n, "maxval") || !strcmp(n, "default");
}

static const char *mode_name(unsigned m, char buf[16])
{
	const char *n = opt_value_name(OPT_MODE, m);

	if (n)
		return n;
	snprintf(buf, 16, "%u", m);
	return buf;
}

struct opt_summary {
	const struct opt_value *min, *max, *def;
};

static struct opt_summary summarize(const struct opt_desc *o)
{
	struct opt_summary s = { NULL, NULL, NULL };
	const struct opt_value *v;

	for (v = o->values; v && v->name; v++) {
		if ((v->flags & OPTV_MIN) && !s.min)
			s.min = v;
		if (v->flags & OPTV_MAX)
			s.max = v;
		if ((v->flags & OPTV_DEFAULT) && !s.def)
			s.def = v;
	}
	return s;
}

static const struct {
	unsigned flag;
	const char *json;   /* name in `options --json` */
	const char *text;   /* line in `options`; NULL: internal, not shown */
} flag_text[] = {
	{ OPT_NOSLAVES,  "noslaves",  "can change only while the bond has no slaves" },
	{ OPT_IFDOWN,    "ifdown",    "can change only while the bond is down" },
	{ OPT_PER_SLAVE, "per_slave", "set on a slave: " PROG " set-slave BOND IF OPTION VALUE" },
	{ OPT_MODULE,    "module",    "module parameter: config files only, not a bond option" },
	{ OPT_RAWVAL,    "rawval",    NULL },
	{ OPT_PENDING,   "pending",   "not built yet: only the default value is accepted" },
};

static void options_text(struct cmd_ctx *c)
{
	size_t i, f;

	for (i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *o = &opt_table[i];
		struct opt_summary s = summarize(o);
		const struct opt_value *v;
		bool any = false;
		char buf[16];
		unsigned m;

		sb_printf(c->out, "%s", o->name);
		if (o->alias)
			sb_printf(c->out, " (alias %s)", o->alias);
		sb_printf(c->out, "\n    %s\n    values: ", o->desc ? o->desc : "");
		/* As the kernel's range check: no MIN entry means from 0. */
		if (s.max) {
			sb_printf(c->out, "%llu-%llu",
				  (unsigned long long)(s.min ? s.min->value : 0),
				  (unsigned long long)s.max->value);
			any = true;
		}
		for (v = o->values; v && v->name; v++) {
			if (is_marker_name(v->name))
				continue;
			sb_printf(c->out, "%s%s (%llu)", any ? ", " : "", v->name,
				  (unsigned long long)v->value);
			any = true;
		}
		if (!any)
			sb_puts(c->out, type_text(o->type));
		if (s.def) {
			if (o->type == OPT_T_ENUM)
				sb_printf(c->out, "\n    default: %s", s.def->name);
			else if (!is_marker_name(s.def->name))
				sb_printf(c->out, "\n    default: %s (%llu)", s.def->name,
					  (unsigned long long)s.def->value);
			else
				sb_printf(c->out, "\n    default: %llu",
					  (unsigned long long)s.def->value);
		}
		sb_puts(c->out, "\n    modes: ");
		if ((o->modes & MODES_ALL) == MODES_ALL) {
			sb_puts(c->out, "all");
		} else if (!o->modes) {
			sb_puts(c->out, "none");
		} else {
			const char *sep = "";

			for (m = 0; mode_lookup(m); m++) {
				if (!(o->modes & MODE_BIT(m)))
					continue;
				sb_printf(c->out, "%s%s", sep, mode_name(m, buf));
				sep = ", ";
			}
		}
		sb_puts(c->out, "\n");
		for (f = 0; f < ARRAY_SIZE(flag_text); f++)
			if ((o->flags & flag_text[f].flag) && flag_text[f].text)
				sb_printf(c->out, "    %s\n", flag_text[f].text);
		if (i + 1 < OPT__COUNT)
			sb_puts(c->out, "\n");
	}
}

static void options_json(struct cmd_ctx *c)
{
	size_t i, f;

	sb_puts(c->out, "[");
	for (i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *o = &opt_table[i];
		struct opt_summary s = summarize(o);
		const struct opt_value *v;
		const char *sep = "";
		char buf[16];
		unsigned m;

		sb_puts(c->out, i ? ",{\"name\":" : "{\"name\":");
		sb_json_str(c->out, o->name);
		sb_puts(c->out, ",\"alias\":");
		if (o->alias)
			sb_json_str(c->out, o->alias);
		else
			sb_puts(c->out, "null");
		sb_puts(c->out, ",\"desc\":");
		sb_json_str(c->out, o->desc ? o->desc : "");
		sb_printf(c->out, ",\"type\":\"%s\",\"values\":[", type_name(o->type));
		for (v = o->values; v && v->name; v++) {
			sb_puts(c->out, sep);
			sb_puts(c->out, "{\"name\":");
			sb_json_str(c->out, v->name);
			sb_printf(c->out, ",\"value\":%llu}", (unsigned long long)v->value);
			sep = ",";
		}
		sb_puts(c->out, "],\"min\":");
		if (s.max)
			sb_printf(c->out, "%llu",
				  (unsigned long long)(s.min ? s.min->value : 0));
		else
			sb_puts(c->out, "null");
		sb_puts(c->out, ",\"max\":");
		if (s.max)
			sb_printf(c->out, "%llu", (unsigned long long)s.max->value);
		else
			sb_puts(c->out, "null");
		sb_puts(c->out, ",\"default\":");
		if (s.def)
			sb_printf(c->out, "%llu", (unsigned long long)s.def->value);
		else
			sb_puts(c->out, "null");
		sb_puts(c->out, ",\"default_name\":");
		if (s.def && !is_marker_name(s.def->name))
			sb_json_str(c->out, s.def->name);
		else
			sb_puts(c->out, "null");
		sb_puts(c->out, ",\"modes\":[");
		sep = "";
		for (m = 0; mode_lookup(m); m++) {
			if (!(o->modes & MODE_BIT(m)))
				continue;
			sb_puts(c->out, sep);
			sb_json_str(c->out, mode_name(m, buf));
			sep = ",";
		}
		sb_puts(c->out, "],\"flags\":[");
		sep = "";
		for (f = 0; f < ARRAY_SIZE(flag_text); f++) {
			if (!(o->flags & flag_text[f].flag))
				continue;
			sb_printf(c->out, "%s\"%s\"", sep, flag_text[f].json);
			sep = ",";
		}
		sb_puts(c->out, "]}");
	}
	sb_puts(c->out, "]\n");
}

int cmd_options(struct cmd_ctx *c, int argc, char **argv)
{
	if (c->json)
		options_json(c);
	else
		options_text(c);
	return CTL_EXIT_OK;
}
