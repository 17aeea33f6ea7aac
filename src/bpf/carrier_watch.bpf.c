/* The carrier watch (cw_abi.h): fexit programs on the kernel functions
 * that change a device's carrier, netif_carrier_off() and
 * netif_carrier_on(). For a device bondd watches (its netns inode and
 * ifindex in cw_watch) each writes one record to the ring buffer
 * cw_events, which wakes the daemon's event loop.
 *
 * fexit, not fentry: the carrier bit is already changed when the record
 * arrives, so the daemon's ETHTOOL_GLINK reads the new state.
 *
 * The kernel structures are declared here with only the fields read, and
 * preserve_access_index: libbpf relocates their offsets against the running
 * kernel's BTF (CO-RE), so no vmlinux.h is needed at build time. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "cw_abi.h"

struct ns_common {
	unsigned int inum;
} __attribute__((preserve_access_index));

struct net {
	struct ns_common ns;
} __attribute__((preserve_access_index));

/* possible_net_t is an anonymous struct in the kernel: CO-RE matches a
 * field by name and type, the wrapper's own name does not matter. */
struct possible_net {
	struct net *net;
} __attribute__((preserve_access_index));

struct net_device {
	int ifindex;
	struct possible_net nd_net;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CW_MAX_WATCH);
	__type(key, struct cw_key);
	__type(value, __u8);
} cw_watch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, CW_RING_BYTES);
} cw_events SEC(".maps");

static __always_inline void report(struct net_device *dev, __u32 carrier)
{
	struct cw_key key = { 0 };
	struct cw_record *r;

	key.ifindex = (__u32)BPF_CORE_READ(dev, ifindex);
	key.netns = BPF_CORE_READ(dev, nd_net.net, ns.inum);
	if (!bpf_map_lookup_elem(&cw_watch, &key))
		return;
	r = bpf_ringbuf_reserve(&cw_events, sizeof(*r), 0);
	if (!r)
		return;     /* full: the daemon's miimon poll still sees it */
	r->netns = key.netns;
	r->ifindex = key.ifindex;
	r->carrier = carrier;
	r->ts_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(r, 0);
}

SEC("fexit/netif_carrier_off")
int BPF_PROG(cw_carrier_off, struct net_device *dev)
{
	report(dev, 0);
	return 0;
}

SEC("fexit/netif_carrier_on")
int BPF_PROG(cw_carrier_on, struct net_device *dev)
{
	report(dev, 1);
	return 0;
}

#ifdef CW_TEST
/* The test build (carrier_watch_test.bpf.o, tests/linuxio) also runs
 * report() from the net_dev_xmit tracepoint, with carrier 2: on a kernel
 * that refuses fexit programs the verifier, the CO-RE reads and the ring
 * buffer are still checked, by sending a frame on a watched device. */
struct sk_buff;

SEC("tp_btf/net_dev_xmit")
int BPF_PROG(cw_test_xmit, struct sk_buff *skb, int rc, struct net_device *dev,
	     unsigned int skb_len)
{
	report(dev, 2);
	return 0;
}
#endif

char LICENSE[] SEC("license") = "Dual MIT/GPL";
