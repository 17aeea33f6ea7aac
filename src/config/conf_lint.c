/* Configuration lint (conf_lint.h): the rules, one function each, run bond
 * by bond over the options as the bond will hold them.
 *
 * A bond's effective options come from the option codec's dry run
 * (opt_check() from the defaults, in the kernel's order), not from the
 * words of the file: "mode 802.3ad" alone turns miimon on, an ARP interval
 * in 802.3ad is dropped, and so on, and a warning must judge what will
 * run. Options the file does not set are named by their default value in
 * the messages ("lacp_rate slow"), and the location is the option's line
 * when the file has one, else the bond's. */
#include "conf_lint.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"
#include "core/opt.h"

struct lint {
	const struct conf *c;
	const struct conf_lint_facts *facts;
	struct conf_diag *d;
	unsigned n;
	struct bond_params *params;     /* one per bond of c */
};

static void warn(struct lint *l, const struct conf_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warn(struct lint *l, const struct conf_loc *loc, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conf_warn(l->d, loc, "%s", msg);
	l->n++;
}

static const struct conf_opt *find_opt(const struct conf_bond *cb, const char *name)
{
	for (unsigned i = 0; i < cb->n_opts; i++)
		if (!strcmp(cb->opts[i].name, name))
			return &cb->opts[i];
	return NULL;
}

/* The option's line, else the bond's. */
static const struct conf_loc *opt_loc(const struct conf_bond *cb, const char *name)
{
	const struct conf_opt *o = find_opt(cb, name);

	return o ? &o->loc : &cb->loc;
}

static const struct conf_lint_iface *fact(const struct lint *l, const char *name)
{
	for (unsigned i = 0; l->facts && i < l->facts->n; i++)
		if (!strcmp(l->facts->ifaces[i].name, name))
			return &l->facts->ifaces[i];
	return NULL;
}

/* The bond's parameters as bondd will set them: the defaults, then every
 * option in opt_id order through the dry run. A value the check refuses
 * is left out (conf_check() has reported it; a configuration with errors
 * never gets this far at load). active_slave and queue_id need the slaves
 * in place and say nothing the rules read. */
static void effective(const struct conf_bond *cb, struct bond_params *p)
{
	unsigned *order = conf_opt_order(cb);

	opt_defaults(p);
	for (unsigned i = 0; i < cb->n_opts; i++) {
		const struct conf_opt *o = &cb->opts[order[i]];
		struct err err;

		if (!strcmp(o->name, "active_slave") || !strcmp(o->name, "queue_id"))
			continue;
		err_clear(&err);
		opt_check(p, o->name, o->value, &err);
	}
	free(order);
}

static bool mode_is(const struct bond_params *p, const char *name)
{
	const char *m = opt_value_name(OPT_MODE, p->mode);

	return m && !strcmp(m, name);
}

static const char *value_name(enum opt_id id, uint32_t v)
{
	const char *s = opt_value_name(id, v);

	return s ? s : "?";
}

/* ---- no link monitor ------------------------------------------------------ */

static void rule_monitor(struct lint *l, const struct conf_bond *cb, const struct bond_params *p)
{
	if (p->arp_interval && !p->n_arp_targets && !p->n_ns_targets) {
		warn(l, opt_loc(cb, "arp_interval"),
		     "%s: arp_interval %u without arp_ip_target or ns_ip6_target: the ARP monitor has no host to probe, so it cannot tell a dead path from a quiet one and a failed slave may stay in use; fix: arp_ip_target ADDRESS (a host on this segment that always answers, such as the gateway), or miimon 100 instead",
		     cb->name, p->arp_interval);
		return;
	}
	if (p->miimon || p->arp_interval)
		return;
	warn(l, find_opt(cb, "miimon") ? opt_loc(cb, "miimon") : opt_loc(cb, "arp_interval"),
	     "%s: no link monitor (miimon 0 and arp_interval 0): bondd never checks the slaves, so a slave whose link dies stays in use and every frame sent on it is lost; fix: miimon 100 (the carrier, checked every 100 ms), or arp_interval 1000 with arp_ip_target (the path to a host)",
	     cb->name);
}

/* ---- arp_validate none, several bonds on one segment -------------------- */

static bool arp_monitor_on(const struct bond_params *p)
{
	return p->arp_interval && (p->n_arp_targets || p->n_ns_targets);
}

/* The first target a and b share: IPv4 text in buf, or NULL. */
static const char *shared_target(const struct bond_params *a, const struct bond_params *b,
				 char buf[64])
{
	for (unsigned i = 0; i < a->n_arp_targets; i++)
		for (unsigned j = 0; j < b->n_arp_targets; j++)
			if (a->arp_targets[i] == b->arp_targets[j])
				return inet_ntop(AF_INET, &a->arp_targets[i], buf, 64);
	for (unsigned i = 0; i < a->n_ns_targets; i++)
		for (unsigned j = 0; j < b->n_ns_targets; j++)
			if (!memcmp(a->ns_targets[i], b->ns_targets[j], 16))
				return inet_ntop(AF_INET6, a->ns_targets[i], buf, 64);
	return NULL;
}

static void rule_arp_validate(struct lint *l, unsigned bi)
{
	const struct conf_bond *cb = &l->c->bonds[bi];
	const struct bond_params *p = &l->params[bi];
	char buf[64];

	if (!arp_monitor_on(p) || p->arp_validate)
		return;
	for (unsigned j = 0; j < l->c->n_bonds; j++) {
		const char *t;

		if (j == bi || !arp_monitor_on(&l->params[j]))
			continue;
		t = shared_target(p, &l->params[j], buf);
		if (!t)
			continue;
		warn(l, opt_loc(cb, "arp_validate"),
		     "%s: arp_validate none while %s probes the same target %s: the probes of each bond are broadcast and reach the other's slaves, and with arp_validate none any frame received proves a slave alive, so a slave that lost its path to %s stays up; fix: arp_validate all (only the probes and their answers count)",
		     cb->name, l->c->bonds[j].name, t, t);
		return;
	}
}

/* ---- layer2 hash behind one gateway --------------------------------------- */

/* Is the address on one of the bond's configured subnets? */
static bool on_bond_subnet(const struct conf_bond *cb, int family, const uint8_t *a)
{
	for (unsigned i = 0; i < cb->n_addrs; i++)
		if (cb->addrs[i].family == family &&
		    conf_same_subnet(family, cb->addrs[i].addr, a, cb->addrs[i].prefix))
			return true;
	return false;
}

/* Is the address on a subnet of one of the bond's VLANs? */
static bool on_vlan_subnet(const struct conf *c, const struct conf_bond *cb, int family,
			   const uint8_t *a)
{
	for (unsigned i = 0; i < c->n_vlans; i++) {
		const struct conf_vlan *v = &c->vlans[i];

		if (strcmp(v->bond, cb->name))
			continue;
		for (unsigned k = 0; k < v->n_addrs; k++)
			if (v->addrs[k].family == family &&
			    conf_same_subnet(family, v->addrs[k].addr, a, v->addrs[k].prefix))
				return true;
	}
	return false;
}

/* The default gateway that traffic through this bond goes to, as text:
 * through the bond itself or through one of its VLANs, whose frames
 * cross the bond and are hashed as the bond's own. */
static const char *bond_gateway(const struct conf *c, const struct conf_bond *cb, char buf[64])
{
	const struct conf_gateway *gw[2] = { &c->gw4, &c->gw6 };
	const int fam[2] = { AF_INET, AF_INET6 };

	for (unsigned i = 0; i < 2; i++) {
		const struct conf_vlan *v;

		if (!gw[i]->set)
			continue;
		v = gw[i]->dev[0] ? conf_find_vlan(c, gw[i]->dev) : NULL;
		if (gw[i]->dev[0] ? !strcmp(gw[i]->dev, cb->name) || (v && !strcmp(v->bond, cb->name))
				  : on_bond_subnet(cb, fam[i], gw[i]->addr) ||
				    on_vlan_subnet(c, cb, fam[i], gw[i]->addr))
			return conf_ip_str(fam[i], gw[i]->addr, buf);
	}
	return NULL;
}

static void rule_gateway_hash(struct lint *l, const struct conf_bond *cb,
			      const struct bond_params *p)
{
	const char *policy = value_name(OPT_XMIT_HASH_POLICY, p->xmit_policy);
	char buf[64];
	const char *gw;

	if (!mode_is(p, "balance-xor") && !mode_is(p, "802.3ad") &&
	    !mode_is(p, "balance-tlb") && !mode_is(p, "balance-alb"))
		return;
	gw = bond_gateway(l->c, cb, buf);
	if (!gw)
		return;
	if (mode_is(p, "balance-alb")) {
		warn(l, opt_loc(cb, "mode"),
		     "%s: balance-alb spreads transmitted frames by destination MAC, and the default gateway %s is reached through %s: every frame to another subnet carries the gateway's MAC, so all of that traffic leaves through one slave; fix: balance-tlb with tlb_dynamic_lb 0 and xmit_hash_policy layer3+4, or 802.3ad with xmit_hash_policy layer3+4",
		     cb->name, gw, cb->name);
		return;
	}
	if (mode_is(p, "balance-tlb") && p->tlb_dynamic_lb) {
		warn(l, find_opt(cb, "tlb_dynamic_lb") ? opt_loc(cb, "tlb_dynamic_lb") : opt_loc(cb, "mode"),
		     "%s: balance-tlb with tlb_dynamic_lb 1 spreads frames by destination MAC, and the default gateway %s is reached through %s: every frame to another subnet carries the gateway's MAC, so all of that traffic leaves through one slave; fix: tlb_dynamic_lb 0 with xmit_hash_policy layer3+4",
		     cb->name, gw, cb->name);
		return;
	}
	if (strcmp(policy, "layer2"))
		return;
	warn(l, find_opt(cb, "xmit_hash_policy") ? opt_loc(cb, "xmit_hash_policy") : opt_loc(cb, "mode"),
	     "%s: xmit_hash_policy layer2 and the default gateway %s is reached through %s: every frame to another subnet carries the gateway's MAC, and layer2 hashes only the MACs, so all of that traffic leaves through one slave; fix: xmit_hash_policy layer3+4 (addresses and ports spread the flows)",
	     cb->name, gw, cb->name);
}

/* ---- 802.3ad: lacp_rate slow ---------------------------------------------- */

static void rule_lacp_rate(struct lint *l, const struct conf_bond *cb, const struct bond_params *p)
{
	const char *fast_partner = NULL;

	if (!mode_is(p, "802.3ad") || strcmp(value_name(OPT_LACP_RATE, p->lacp_rate), "slow"))
		return;
	for (unsigned i = 0; i < cb->n_slaves && !fast_partner; i++) {
		const struct conf_lint_iface *f = fact(l, cb->slaves[i].name);

		if (f && f->partner_short_timeout == 1)
			fast_partner = f->name;
	}
	if (fast_partner)
		warn(l, opt_loc(cb, "lacp_rate"),
		     "%s: lacp_rate slow, but the partner of %s runs the fast rate: the switch drops a port 3 s after its LACPDUs stop, bondd only 90 s after the switch's stop, so a switch that goes silent with the link up (hung control plane, one-way fibre, media converter) leaves this port in bondd's aggregation for up to 87 s more and the frames hashed to it are lost; fix: lacp_rate fast",
		     cb->name, fast_partner);
	else
		warn(l, opt_loc(cb, "lacp_rate"),
		     "%s: 802.3ad with lacp_rate slow: the partner sends a LACPDU every 30 s and bondd notices its silence only after 90 s, while a switch port at the fast rate gives up on bondd after 3 s; a partner that goes silent with the link up (hung control plane, one-way fibre, media converter) keeps this port in the aggregation for up to 90 s and the frames hashed to it are lost; fix: lacp_rate fast (and the fast rate on the switch ports)",
		     cb->name);
}

/* ---- 802.3ad: slaves of different speeds ----------------------------------- */

static void rule_speeds(struct lint *l, const struct conf_bond *cb, const struct bond_params *p)
{
	const struct conf_lint_iface *first = NULL;

	if (!mode_is(p, "802.3ad"))
		return;
	for (unsigned i = 0; i < cb->n_slaves; i++) {
		const struct conf_lint_iface *f = fact(l, cb->slaves[i].name);

		if (!f || f->speed <= 0)
			continue;
		if (!first) {
			first = f;
			continue;
		}
		if (f->speed == first->speed)
			continue;
		warn(l, &cb->slaves[i].loc,
		     "%s: 802.3ad slaves of different speeds (%s %d Mb/s, %s %d Mb/s): a port's LACP key includes its speed, so ports of another speed than the active aggregator's form an aggregator of their own and carry nothing; fix: slaves of one speed, or one bond per speed",
		     cb->name, first->name, first->speed, f->name, f->speed);
		return;
	}
}

/* ---- primary not a slave ----------------------------------------------------- */

static void rule_primary(struct lint *l, const struct conf_bond *cb)
{
	const char *pri = conf_bond_opt(cb, "primary");

	/* A bond without a slaves line gets its slaves at run time
	 * (bondctl enslave, ifenslave): the file does not say which. */
	if (!pri || !*pri || !cb->n_slaves || conf_bond_has_slave(cb, pri))
		return;
	warn(l, opt_loc(cb, "primary"),
	     "%s: primary %s is not one of its slaves: no slave is preferred, and should %s ever be enslaved it takes the traffic over at once; fix: name one of the slaves (%s%s), or add %s to slaves",
	     cb->name, pri, pri, cb->slaves[0].name, cb->n_slaves > 1 ? ", ..." : "", pri);
}

/* ---- MTU differing between slaves -------------------------------------------- */

static void rule_mtu(struct lint *l, const struct conf_bond *cb)
{
	const struct conf_lint_iface *bf = fact(l, cb->name);
	unsigned want = cb->mtu ? cb->mtu : bf ? bf->mtu : 0;
	const char *what = cb->mtu ? "the bond's mtu line says" : "the bond runs with";
	const struct conf_lint_iface *first = NULL;

	for (unsigned i = 0; i < cb->n_slaves; i++) {
		const struct conf_lint_iface *f = fact(l, cb->slaves[i].name);

		if (!f || !f->mtu)
			continue;
		if (want && f->mtu != want) {
			warn(l, cb->mtu ? &cb->loc : &cb->slaves[i].loc,
			     "%s: slave %s runs with MTU %u but %s %u: frames longer than %u sent or received on %s are dropped, so large packets of the flows on that slave vanish; fix: ip link set %s mtu %u (bondd sets the bond's MTU on a slave when it enslaves it: something changed it since), or an mtu every slave can carry",
			     cb->name, f->name, f->mtu, what, want, f->mtu < want ? f->mtu : want,
			     f->name, f->name, want);
			return;
		}
		if (!want && first && f->mtu != first->mtu) {
			warn(l, &cb->slaves[i].loc,
			     "%s: slaves with different MTUs (%s %u, %s %u): frames longer than the smaller one are dropped on that slave, so large packets of some flows vanish; fix: mtu %u in the bond's section, which bondd sets on every slave",
			     cb->name, first->name, first->mtu, f->name, f->mtu,
			     first->mtu < f->mtu ? first->mtu : f->mtu);
			return;
		}
		if (!first)
			first = f;
	}
}

/* ---- updelay shorter than STP's forwarding delay ------------------------------- */

/* bondd cannot see whether the switch port runs STP. What the file does
 * say: an explicit updelay of a second or more, with the carrier monitor,
 * is there to wait for the switch port after its link comes up (a shorter
 * one only smooths a flapping carrier). If that port runs STP, it forwards
 * only after listening and learning; updelay must cover both, or the port
 * must be an edge port. The ARP monitor needs no updelay for this: it sees
 * a link up only once probes pass, which is once the port forwards. */
static void rule_updelay(struct lint *l, const struct conf_bond *cb, const struct bond_params *p)
{
	const char *v = conf_bond_opt(cb, "updelay");
	unsigned long ms;

	if (!v || !p->miimon || p->arp_interval || !conf_parse_uint(v, 0xffffffffUL, &ms))
		return;
	if (ms < 1000 || ms >= CONF_LINT_STP_FORWARD_MS)
		return;
	warn(l, opt_loc(cb, "updelay"),
	     "%s: updelay %lu ms waits for the switch port, but a port running STP (not an edge or portfast port) forwards only %u s after its link comes up (listening and learning, 15 s each): a slave that comes back is used while its frames are still dropped; fix: make the switch ports STP edge ports (portfast), or updelay %u, or the ARP monitor (arp_interval with arp_ip_target), which sees a link up only once the port forwards",
	     cb->name, ms, CONF_LINT_STP_FORWARD_MS / 1000, CONF_LINT_STP_FORWARD_MS);
}

/* ---- VLANs ------------------------------------------------------------------ */

/* A VLAN is a broadcast domain of its own: an address of it in a subnet of
 * the bond (or of another VLAN of the bond) puts one subnet on two
 * segments; the kernel then answers ARP for it on both and picks either
 * device for the subnet's route, so frames for the VLAN's hosts may leave
 * untagged (or with the other tag) and never arrive. */
static void rule_vlan_subnet(struct lint *l, const struct conf_vlan *v)
{
	const struct conf *c = l->c;
	const struct conf_bond *b = conf_find_bond(c, v->bond);
	char ip[64], other[64];

	for (unsigned i = 0; b && i < v->n_addrs; i++) {
		const struct conf_addr *a = &v->addrs[i];
		const char *dev = NULL;
		const struct conf_addr *o = NULL;

		for (unsigned k = 0; k < b->n_addrs && !o; k++)
			if (b->addrs[k].family == a->family &&
			    conf_same_subnet(a->family, a->addr, b->addrs[k].addr,
					     a->prefix < b->addrs[k].prefix ? a->prefix
									: b->addrs[k].prefix)) {
				o = &b->addrs[k];
				dev = b->name;
			}
		for (unsigned j = 0; j < c->n_vlans && !o; j++) {
			const struct conf_vlan *w = &c->vlans[j];

			if (w == v || strcmp(w->bond, v->bond))
				continue;
			for (unsigned k = 0; k < w->n_addrs && !o; k++)
				if (w->addrs[k].family == a->family &&
				    conf_same_subnet(a->family, a->addr, w->addrs[k].addr,
						     a->prefix < w->addrs[k].prefix ? a->prefix
										  : w->addrs[k].prefix)) {
					o = &w->addrs[k];
					dev = w->name;
				}
			/* report each pair once: at the later of the two */
			if (o && w > v)
				return;
		}
		if (!o)
			continue;
		warn(l, &a->loc,
		     "%s: address %s/%u is in the subnet of %s's %s/%u: a VLAN is a segment of its own, and with one subnet on two segments the kernel may send the frames for that subnet through either device, so some never reach their host (untagged, or with the other VLAN's tag); fix: a subnet of its own for each VLAN and for the untagged bond",
		     v->name, conf_ip_str(a->family, a->addr, ip), a->prefix, dev,
		     conf_ip_str(o->family, o->addr, other), o->prefix);
		return;
	}
}

/* A bond whose slaves line is missing gets its slaves at run time; one
 * that has VLANs but no slave in the file is worth a word, since nothing
 * the VLANs send goes anywhere until something enslaves a port. */
static void rule_vlan_no_slaves(struct lint *l, const struct conf_vlan *v)
{
	const struct conf_bond *b = conf_find_bond(l->c, v->bond);

	if (!b || b->n_slaves)
		return;
	for (unsigned j = 0; j < l->c->n_vlans; j++)
		if (&l->c->vlans[j] == v)
			break;
		else if (!strcmp(l->c->vlans[j].bond, v->bond))
			return;     /* said once per bond */
	warn(l, &v->loc,
	     "%s: VLAN %u on %s, which has no slaves in this configuration: the VLAN's frames go nowhere until a port is enslaved (bondctl enslave, or a later reload); fix: slaves = IFNAME ... in [%s]",
	     v->name, v->vid, b->name, b->name);
}

unsigned conf_lint(const struct conf *c, const struct conf_lint_facts *facts,
		   struct conf_diag *d)
{
	struct lint l = { .c = c, .facts = facts, .d = d };

	if (!c || !c->n_bonds)
		return 0;
	l.params = conf_xmalloc(sizeof(*l.params) * c->n_bonds);
	for (unsigned i = 0; i < c->n_bonds; i++)
		effective(&c->bonds[i], &l.params[i]);
	for (unsigned i = 0; i < c->n_bonds; i++) {
		const struct conf_bond *cb = &c->bonds[i];
		const struct bond_params *p = &l.params[i];

		rule_monitor(&l, cb, p);
		rule_arp_validate(&l, i);
		rule_gateway_hash(&l, cb, p);
		rule_lacp_rate(&l, cb, p);
		rule_speeds(&l, cb, p);
		rule_primary(&l, cb);
		rule_mtu(&l, cb);
		rule_updelay(&l, cb, p);
	}
	for (unsigned i = 0; i < c->n_vlans; i++) {
		rule_vlan_no_slaves(&l, &c->vlans[i]);
		rule_vlan_subnet(&l, &c->vlans[i]);
	}
	free(l.params);
	return l.n;
}

bool conf_import(const struct conf_sources *src, struct strbuf *out, struct strbuf *msgs,
		 struct strbuf *lint)
{
	struct conf_diag d, ld;
	struct conf *c;

	conf_diag_init(&d);
	c = conf_load_sources(src, false, &d);
	conf_diag_print(&d, c != NULL, msgs);
	conf_diag_free(&d);
	if (!c)
		return false;
	conf_print(c, out);
	/* Judged on the result, as bondd would load it: what a distro file
	 * leaves out (no link monitor, ...) is what bondd will run. */
	conf_diag_init(&ld);
	conf_lint(c, NULL, &ld);
	conf_diag_print(&ld, true, lint);
	conf_diag_free(&ld);
	conf_free(c);
	return true;
}
