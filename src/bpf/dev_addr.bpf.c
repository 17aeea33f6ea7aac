/* The address of a net_device and the layout of its state word, for the
 * carrier hints of bond_tx (dp_abi.h, "carrier hints").
 *
 * The daemon runs this program with BPF_PROG_TEST_RUN, whose skb belongs
 * to the device of ctx.ifindex (the loopback device without one); the
 * program writes a struct dp_dev_addr over the frame's first bytes, which
 * the run hands back. A program of its own, apart from bond_dp: it needs
 * the kfunc bpf_cast_to_kern_ctx (Linux 6.3) and the kernel's BTF (CO-RE),
 * and where either is missing only the hints are lost, not the data path.
 *
 * The kernel structures are declared with only the fields read, and
 * preserve_access_index: libbpf relocates them against the running
 * kernel's BTF, so no vmlinux.h is needed at build time. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "dp_abi.h"

struct net_device {
	unsigned long state;
	int ifindex;
} __attribute__((preserve_access_index));

struct sk_buff {
	struct net_device *dev;
} __attribute__((preserve_access_index));

enum netdev_state_t {
	__LINK_STATE_START,
	__LINK_STATE_PRESENT,
	__LINK_STATE_NOCARRIER,
};

extern void *bpf_cast_to_kern_ctx(void *) __ksym;

SEC("tc")
int dev_addr(struct __sk_buff *ctx)
{
	struct sk_buff *skb = bpf_cast_to_kern_ctx(ctx);
	struct net_device *dev = BPF_CORE_READ(skb, dev);
	struct dp_dev_addr out = { 0 };

	if (!dev)
		return TC_ACT_SHOT;
	out.dev = (__u64)(unsigned long)dev;
	out.ifindex = (__u32)BPF_CORE_READ(dev, ifindex);
	out.magic = DP_DEV_ADDR_MAGIC;
	out.cfg.state_off = (__u32)bpf_core_field_offset(struct net_device, state);
	out.cfg.down_bits = 1ull << bpf_core_enum_value(enum netdev_state_t, __LINK_STATE_NOCARRIER);
	out.cfg.up_bits = 1ull << bpf_core_enum_value(enum netdev_state_t, __LINK_STATE_START);
	if (bpf_skb_store_bytes(ctx, 0, &out, sizeof(out), 0) < 0)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
