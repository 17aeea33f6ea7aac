/* The contract between the carrier watch's BPF programs
 * (src/bpf/carrier_watch.bpf.c) and the daemon's loader
 * (src/linux/carrier_watch.c): map names, the key of the watched devices
 * and the record the programs write to the ring buffer. Included by both
 * sides, so only <linux/types.h> types.
 *
 * Why it exists: the kernel reports a carrier change over rtnetlink from
 * linkwatch, which batches the changes of devices it does not count as
 * urgent (a NIC, a veth) and runs at most once a second; the programs run
 * at the change itself (fexit of netif_carrier_on/off), so bondd hears of
 * it at once. */
#ifndef BONDD_CW_ABI_H
#define BONDD_CW_ABI_H

#include <linux/types.h>

#define CW_MAP_WATCH    "cw_watch"
#define CW_MAP_EVENTS   "cw_events"
#define CW_PROG_OFF     "cw_carrier_off"
#define CW_PROG_ON      "cw_carrier_on"

/* Watched devices: enough for every slave of every bond of several
 * daemons' worth of namespaces (the map is one daemon's). */
#define CW_MAX_WATCH    4096
/* The ring buffer (bytes, a power of two and a multiple of the page
 * size): 2048 records of 24 bytes + 8 of header, far more than a flapping
 * link makes between two turns of the daemon's loop. */
#define CW_RING_BYTES   (64 * 1024)

/* A device: its network namespace (the inode of /proc/PID/ns/net) and its
 * ifindex in it. The value in cw_watch is a __u8 (1: watched). */
struct cw_key {
	__u64 netns;
	__u32 ifindex;
	__u32 pad;       /* 0: the key is hashed whole */
};

/* One carrier change of a watched device. carrier: 1 on, 0 off (which
 * function ran; the daemon reads the carrier again anyway). ts_ns:
 * bpf_ktime_get_ns(), CLOCK_MONOTONIC. */
struct cw_record {
	__u64 netns;
	__u32 ifindex;
	__u32 carrier;
	__u64 ts_ns;
};

#endif
