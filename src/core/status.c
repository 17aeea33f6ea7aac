/* Fills the status model of a bond (status.h): the facts every mode shares,
 * then the mode's own through its status_fill slot.
 *
 * Pure code: reads the bond, writes the model, allocates only the option
 * values' text. What a fact means for the /proc layout (bond_procfs.c)
 * is said at the field in status.h; how it is shown is the printers' job.
 */
#include "status.h"

#include <string.h>

#include "mode.h"
#include "opt.h"

/* An option value's name from the option table. The bond never holds a
 * value the table lacks, but a status read must not crash if it ever did. */
static const char *value_name(enum opt_id id, uint64_t v)
{
	const char *n = opt_value_name(id, v);

	return n ? n : "unknown";
}

static void copy_name(char dst[BOND_NAME_MAX], const struct slave *s)
{
	memset(dst, 0, BOND_NAME_MAX);
	if (s)
		memcpy(dst, s->name, strnlen(s->name, BOND_NAME_MAX - 1));
}

/* The ARP and NS targets up to the first zero entry, as the kernel reads
 * its arrays (the setters keep them compact anyway). */
static void fill_targets(const struct bond_params *p, struct bond_status *st)
{
	static const uint8_t any[16];

	for (unsigned i = 0; i < p->n_arp_targets && i < BOND_MAX_ARP_TARGETS; i++) {
		if (p->arp_targets[i] == 0)
			break;
		st->arp_targets[st->n_arp_targets++] = p->arp_targets[i];
	}
	for (unsigned i = 0; i < p->n_ns_targets && i < BOND_MAX_ARP_TARGETS; i++) {
		if (!memcmp(p->ns_targets[i], any, 16))
			break;
		memcpy(st->ns_targets[st->n_ns_targets++], p->ns_targets[i], 16);
	}
}

/* An option whose only values are "on" (1) and "off" (0): a boolean. */
bool status_opt_on_off(const struct opt_desc *d)
{
	unsigned n = 0, ok = 0;

	for (const struct opt_value *v = d->values; v && v->name; v++, n++)
		ok += (!strcmp(v->name, "on") && v->value == 1) ||
		      (!strcmp(v->name, "off") && v->value == 0);
	return d->type == OPT_T_ENUM && n == 2 && ok == 2;
}

/* Every bond option the option table can read back, by kernel name, in
 * the sysfs form: one source of truth for names and formats. Per-slave
 * options are facts of the slaves instead. */
static void fill_options(const struct bond *b, struct bond_status *st)
{
	struct strbuf val;
	struct err err;

	sb_init(&val);
	for (unsigned i = 0; i < OPT__COUNT; i++) {
		const struct opt_desc *d = &opt_table[i];

		if (!d->name || (d->flags & OPT_PER_SLAVE))
			continue;
		sb_reset(&val);
		err_clear(&err);
		if (opt_get(b, d->name, &val, &err) != 0 || val.oom)
			continue;
		st->opts[st->n_opts].name = d->name;
		st->opts[st->n_opts].type = d->type;
		st->opts[st->n_opts].on_off = status_opt_on_off(d);
		st->opts[st->n_opts].value_off = st->opt_text.len;
		st->n_opts++;
		sb_puts(&st->opt_text, sb_str(&val));
		sb_printf(&st->opt_text, "%c", '\0');   /* the value's end */
	}
	if (val.oom || st->opt_text.oom)
		st->oom = true;
	sb_free(&val);
}

static void fill_slave(const struct slave *s, struct status_slave *ss)
{
	copy_name(ss->name, s);
	ss->link = s->link;
	ss->speed = s->speed;
	ss->duplex = s->duplex;
	ss->link_failure_count = s->link_failure_count;
	memcpy(ss->perm_mac, s->perm_mac, 6);
	memcpy(ss->cur_mac, s->cur_mac, 6);
	ss->queue_id = s->queue_id;
	ss->prio = s->prio;
	ss->backup = s->backup;
	ss->link_since_ms = s->link_since_ms;
	ss->stats = s->stats;
}

const char *status_link_text(enum slave_link l)
{
	switch (l) {
	case SLAVE_LINK_UP:
		return "up";
	case SLAVE_LINK_FAIL:
		return "going down";
	case SLAVE_LINK_DOWN:
		return "down";
	case SLAVE_LINK_BACK:
		return "going back";
	}
	return "unknown";
}

void status_fill(const struct bond *b, struct bond_status *out)
{
	const struct bond_params *p = &b->params;

	memset(out, 0, sizeof(*out));
	sb_init(&out->opt_text);
	memcpy(out->name, b->name, strnlen(b->name, BOND_NAME_MAX - 1));
	out->mode_name = b->mode->name;
	out->mode_proc_text = b->mode->proc_text;
	out->mode_number = b->mode->number;
	out->carrier = b->carrier;

	out->fail_over_mac = value_name(OPT_FAIL_OVER_MAC, p->fail_over_mac);
	for (unsigned i = 0; i < b->n_vlans; i++) {
		out->vlan_vid[i] = b->vlans[i].vid;
		out->vlan_up[i] = !b->vlans[i].down;
	}
	out->n_vlans = b->n_vlans;
	out->uses_xmit_hash = bond_mode_uses_xmit_hash(b);
	out->xmit_hash_policy = value_name(OPT_XMIT_HASH_POLICY, p->xmit_policy);
	out->xmit_policy = p->xmit_policy;
	/* The primary in effect: a configured name counts only once it is
	 * enslaved (the kernel prints its primary_slave pointer). */
	out->uses_primary = b->mode->uses_primary;
	copy_name(out->primary, bond_primary_slave(b));
	out->primary_reselect = value_name(OPT_PRIMARY_RESELECT, p->primary_reselect);
	copy_name(out->active, b->active);

	out->miimon = p->miimon;
	out->updelay_ms = bond_updelay_ms(b);
	out->downdelay_ms = bond_downdelay_ms(b);
	out->peer_notif_delay_ms = bond_peer_notif_delay_ms(b);
	out->arp_interval = p->arp_interval;
	out->missed_max = p->missed_max;
	fill_targets(p, out);
	fill_options(b, out);

	for (unsigned i = 0; i < b->n_slaves && i < BOND_MAX_SLAVES; i++)
		fill_slave(b->slaves[i], &out->slaves[out->n_slaves++]);

	if (b->mode->status_fill)
		b->mode->status_fill(b, out);
}

void status_free(struct bond_status *st)
{
	sb_free(&st->opt_text);
}
