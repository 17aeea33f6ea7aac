/* ip-details: the bond and bond_slave details of `ip -d link show`, for
 * `bondctl ip -d link show` (src/cmd/bondctl_ip.c), which prints the
 * device's own lines from iproute2 and puts these where a kernel bond's
 * would be. One line per device, "NAME bond WORDS" for each bond and
 * "NAME bond_slave WORDS" for each slave; with a name, that device's line
 * only. Nothing here changes a bond. */
#include <stdlib.h>
#include <string.h>

#include "ctl_backend.h"
#include "core/bond.h"
#include "core/engine.h"
#include "core/status.h"
#include "status_iplink.h"
#include "ctl_cmd_impl.h"
#include "ctl_proto.h"

/* The lines of one bond and its slaves; only the one named by want when
 * it is set. Returns whether anything was written. */
static bool bond_lines(struct cmd_ctx *c, const struct bond *b, const char *want)
{
	struct bond_status st;
	bool found = false;

	status_fill(b, &st);
	if (!want || !strcmp(want, st.name)) {
		sb_printf(c->out, "%s bond ", st.name);
		status_iplink_bond(&st, c->privileged, c->out);
		sb_puts(c->out, "\n");
		found = true;
	}
	for (unsigned i = 0; i < st.n_slaves; i++) {
		if (want && strcmp(want, st.slaves[i].name))
			continue;
		sb_printf(c->out, "%s bond_slave ", st.slaves[i].name);
		status_iplink_slave(&st, i, c->privileged, c->out);
		sb_puts(c->out, "\n");
		found = true;
	}
	status_free(&st);
	return found;
}

int cmd_ip_details(struct cmd_ctx *c, int argc, char **argv)
{
	const char *want = argc ? argv[0] : NULL;
	unsigned n = engine_bond_count(c->eng);
	bool found = false;

	struct ctl_vlan *v;
	int nv;

	if (c->json)
		return cmd_fail(c, NULL, "ip-details has no JSON form; use show -j");
	for (unsigned i = 0; i < n; i++)
		found |= bond_lines(c, engine_bond_at(c->eng, i), want);
	/* the VLAN sub-interfaces: "NAME vlan protocol 802.1Q id VID ..." */
	nv = ctl_vlans_get(c, NULL, &v);
	if (nv < 0)
		return CTL_EXIT_REFUSED;
	for (int i = 0; i < nv; i++) {
		if (want && strcmp(want, v[i].name))
			continue;
		ctl_vlan_iplink(&v[i], c->out);
		found = true;
	}
	free(v);
	if (want && !found)
		return cmd_fail(c, want, "neither a bond nor a slave of bondd");
	if (c->out->oom)
		return cmd_fail(c, NULL, "out of memory");
	return CTL_EXIT_OK;
}
