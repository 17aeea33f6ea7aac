/* Hiding a slave from the host stack: tc clsact + a cls_bpf ingress filter
 * whose one-instruction classic BPF program returns TC_ACT_SHOT, all over
 * rtnetlink. The filter runs after the ETH_P_ALL packet taps. */
#include "hide.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

/* Our filter: priority 1 so it runs before any other ingress filter (a
 * filter returning "ok" first would let frames into the stack), and a
 * distinctive handle so unhide removes exactly ours. */
#define HIDE_PRIO 1
#define HIDE_HANDLE 0xb0dd

#define CLSACT_HANDLE TC_H_MAKE(TC_H_CLSACT, 0)
#define INGRESS_PARENT TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)
#define EGRESS_PARENT TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS)

static const char *ifname_of(int ifindex, char buf[IF_NAMESIZE])
{
	if (ifindex <= 0 || !if_indextoname((unsigned)ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "#%d", ifindex);
	return buf;
}

static struct nlmsghdr *tc_msg(char *buf, uint16_t type, uint16_t flags, int ifindex,
			       uint32_t parent, uint32_t handle, uint32_t info)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct tcmsg *tcm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = parent;
	tcm->tcm_handle = handle;
	tcm->tcm_info = info;
	return nlh;
}

/* Adds clsact; *created tells whether it was absent. An existing clsact
 * (or ingress) qdisc answers EEXIST and is used as it is. */
static int clsact_add(struct rtnl *r, int ifindex, bool *created, struct err *err)
{
	char buf[512] = { 0 };
	char nbuf[IF_NAMESIZE];
	struct nlmsghdr *nlh = tc_msg(buf, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex,
				      TC_H_CLSACT, CLSACT_HANDLE, 0);
	struct err e2;
	int ret;

	mnl_attr_put_strz(nlh, TCA_KIND, "clsact");
	err_clear(&e2);
	ret = rtnl_request(r, nlh, NULL, NULL, &e2, "%s: cannot add tc qdisc clsact",
			   ifname_of(ifindex, nbuf));
	*created = ret == 0;
	if (ret == -EEXIST)
		return 0;
	if (ret < 0 && err)
		*err = e2;
	return ret;
}

static int clsact_del(struct rtnl *r, int ifindex, struct err *err)
{
	char buf[512] = { 0 };
	char nbuf[IF_NAMESIZE];
	struct nlmsghdr *nlh = tc_msg(buf, RTM_DELQDISC, 0, ifindex, TC_H_CLSACT,
				      CLSACT_HANDLE, 0);

	mnl_attr_put_strz(nlh, TCA_KIND, "clsact");
	return rtnl_request(r, nlh, NULL, NULL, err, "%s: cannot remove tc qdisc clsact",
			    ifname_of(ifindex, nbuf));
}

static int filter_add(struct rtnl *r, int ifindex, struct err *err)
{
	/* Direct action: the program's return value is the tc action. */
	static const struct sock_filter prog[] = {
		BPF_STMT(BPF_RET | BPF_K, TC_ACT_SHOT),
	};
	char buf[512] = { 0 };
	char nbuf[IF_NAMESIZE];
	struct nlmsghdr *nlh;
	struct nlattr *opts;

	nlh = tc_msg(buf, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_REPLACE, ifindex, INGRESS_PARENT,
		     HIDE_HANDLE, TC_H_MAKE((uint32_t)HIDE_PRIO << 16, htons(ETH_P_ALL)));
	mnl_attr_put_strz(nlh, TCA_KIND, "bpf");
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put_u16(nlh, TCA_BPF_OPS_LEN, ARRAY_SIZE(prog));
	mnl_attr_put(nlh, TCA_BPF_OPS, sizeof(prog), prog);
	mnl_attr_put_u32(nlh, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	mnl_attr_nest_end(nlh, opts);
	return rtnl_request(r, nlh, NULL, NULL, err,
			    "%s: cannot add tc ingress filter bpf (drop to the host stack)",
			    ifname_of(ifindex, nbuf));
}

static int filter_del(struct rtnl *r, int ifindex, struct err *err)
{
	char buf[512] = { 0 };
	char nbuf[IF_NAMESIZE];
	struct nlmsghdr *nlh;

	nlh = tc_msg(buf, RTM_DELTFILTER, 0, ifindex, INGRESS_PARENT, HIDE_HANDLE,
		     TC_H_MAKE((uint32_t)HIDE_PRIO << 16, htons(ETH_P_ALL)));
	mnl_attr_put_strz(nlh, TCA_KIND, "bpf");
	return rtnl_request(r, nlh, NULL, NULL, err, "%s: cannot remove tc ingress filter bpf",
			    ifname_of(ifindex, nbuf));
}

/* Counts the filters under parent (RTM_GETTFILTER dump). */
static void count_cb(const struct nlmsghdr *nlh, void *arg)
{
	if (nlh->nlmsg_type == RTM_NEWTFILTER)
		++*(unsigned *)arg;
}

static int filter_count(struct rtnl *r, int ifindex, uint32_t parent, unsigned *n,
			struct err *err)
{
	char buf[512] = { 0 };
	char nbuf[IF_NAMESIZE];
	struct nlmsghdr *nlh = tc_msg(buf, RTM_GETTFILTER, NLM_F_DUMP, ifindex, parent, 0, 0);

	return rtnl_request(r, nlh, count_cb, n, err, "%s: cannot list tc filters",
			    ifname_of(ifindex, nbuf));
}

int hide_slave(struct rtnl *r, int ifindex, struct hide_state *st, struct err *err)
{
	bool created = false;
	int ret;

	if (st->installed)
		return 0;
	ret = clsact_add(r, ifindex, &created, err);
	if (ret < 0)
		return ret;
	ret = filter_add(r, ifindex, err);
	if (ret < 0) {
		if (created)
			clsact_del(r, ifindex, NULL);
		return ret;
	}
	st->created_qdisc = created;
	st->installed = true;
	return 0;
}

int unhide_slave(struct rtnl *r, int ifindex, struct hide_state *st, struct err *err)
{
	unsigned n = 0;
	int ret;

	if (!st->installed)
		return 0;
	ret = filter_del(r, ifindex, err);
	/* Gone already (device or qdisc removed by someone): nothing to undo. */
	if (ret == -ENOENT || ret == -ENODEV || ret == -EINVAL) {
		err_clear(err);
		ret = 0;
	}
	if (ret < 0)
		return ret;
	st->installed = false;
	if (!st->created_qdisc)
		return 0;
	/* Remove clsact only if nobody else hung a filter on it meanwhile. */
	if (filter_count(r, ifindex, INGRESS_PARENT, &n, NULL) == 0 &&
	    filter_count(r, ifindex, EGRESS_PARENT, &n, NULL) == 0 && n == 0) {
		ret = clsact_del(r, ifindex, err);
		if (ret == -ENOENT || ret == -ENODEV || ret == -EINVAL) {
			err_clear(err);
			ret = 0;
		}
		if (ret < 0)
			return ret;
	}
	st->created_qdisc = false;
	return 0;
}

/* ---- what a device carries (crash recovery) ---------------------------- */

struct probe_ctx {
	int ifindex;
	struct hide_probe *out;
};

static void qdisc_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct probe_ctx *c = arg;
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWQDISC ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*tcm) || tcm->tcm_ifindex != c->ifindex)
		return;
	/* clsact and ingress share the handle ffff: */
	if (tcm->tcm_handle == CLSACT_HANDLE)
		c->out->has_clsact = true;
}

static void filter_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct probe_ctx *c = arg;
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWTFILTER || mnl_nlmsg_get_payload_len(nlh) < sizeof(*tcm))
		return;
	/* A dump lists a filter chain head (handle 0) and each element. */
	if (!tcm->tcm_handle)
		return;
	c->out->n_filters++;
	if (tcm->tcm_handle == HIDE_HANDLE && tcm->tcm_parent == INGRESS_PARENT &&
	    TC_H_MAJ(tcm->tcm_info) >> 16 == HIDE_PRIO)
		c->out->has_ours = true;
}

int hide_probe(struct rtnl *r, int ifindex, struct hide_probe *out, struct err *err)
{
	struct probe_ctx c = { ifindex, out };
	char buf[512] = { 0 };
	char nbuf[IF_NAMESIZE];
	struct nlmsghdr *nlh;
	int ret;

	memset(out, 0, sizeof(*out));
	nlh = tc_msg(buf, RTM_GETQDISC, NLM_F_DUMP, ifindex, 0, 0, 0);
	ret = rtnl_request(r, nlh, qdisc_cb, &c, err, "%s: cannot list tc qdiscs",
			   ifname_of(ifindex, nbuf));
	if (ret < 0 || !out->has_clsact)
		return ret;
	for (int i = 0; i < 2; i++) {
		memset(buf, 0, sizeof(buf));
		nlh = tc_msg(buf, RTM_GETTFILTER, NLM_F_DUMP, ifindex,
			     i ? EGRESS_PARENT : INGRESS_PARENT, 0, 0);
		ret = rtnl_request(r, nlh, filter_cb, &c, err, "%s: cannot list tc filters",
				   ifname_of(ifindex, nbuf));
		/* A plain ingress qdisc has no egress side. */
		if (ret < 0 && !(i && ret == -EINVAL))
			return ret;
	}
	err_clear(err);
	return 0;
}

int hide_remove_leftover(struct rtnl *r, int ifindex, bool *removed_qdisc, struct err *err)
{
	struct hide_state st = { .created_qdisc = true, .installed = true };
	struct hide_probe p;
	int ret;

	*removed_qdisc = false;
	ret = unhide_slave(r, ifindex, &st, err);
	if (ret < 0)
		return ret;
	/* unhide_slave removes clsact only when no filter is left on it. */
	if (hide_probe(r, ifindex, &p, NULL) == 0 && !p.has_clsact)
		*removed_qdisc = true;
	return 0;
}
