/* The kernel data path of one bond: its BPF object (src/bpf/bond_dp.bpf.c,
 * embedded in the binary) loaded with libbpf, the egress program attached
 * to the bond's TAP and the ingress program to each slave (tc clsact, a
 * filter of our own handle and priority), its maps written with the
 * engine's decisions (src/bpf/dp_abi.h) and read for the counters.
 *
 * Everything outlives the daemon on purpose: a daemon killed with SIGKILL
 * leaves the programs attached and the maps referenced by them, so the
 * frames keep flowing; the next daemon adopts them (dp_ebpf_adopt).
 * Only dp_ebpf_destroy() takes them away. The maps and programs are also
 * pinned under bpffs (DP_EBPF_PIN_ROOT/<netns inode>/<bond>/) when bpffs is
 * mounted there or can be; adoption works without pins too, through the
 * program attached to the TAP (its id leads to its maps). */
#ifndef BONDD_DP_EBPF_H
#define BONDD_DP_EBPF_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/dp_abi.h"
#include "lib/util.h"

#define DP_EBPF_PIN_ROOT "/sys/fs/bpf/bondd"
/* tc filter handle and priority of our programs (on the TAP's egress and
 * the slaves' ingress); the packet data path's hiding filter is 0xb0dd. */
#define DP_EBPF_HANDLE   0xb0de
#define DP_EBPF_PRIO     0xb0d
/* The slaves' receive program takes the place of the packet data path's
 * hiding filter (hide.c): same handle and priority (first on ingress), so
 * the journal, crash recovery and release remove either alike. */
#define DP_EBPF_RX_HANDLE 0xb0dd
#define DP_EBPF_RX_PRIO   1

struct dp_ebpf;

/* libbpf's messages, shared with the carrier watch (carrier_watch.c):
 * libbpf prints only through bondd's hook (BONDD_BPF_DEBUG: all of it to
 * stderr). Reset before an operation; dp_bpf_why() then writes libbpf's
 * reason for ret and what libbpf said about it (the verifier's verdict or
 * its first warning) into buf; returns snprintf's count. */
void dp_bpf_msgs_reset(void);
int dp_bpf_why(int ret, char *buf, size_t size);

/* Can this kernel load our object and attach tc programs? Loads the
 * object and binds its maps to its programs as create does (no attach:
 * a refused tc attach shows in dp_ebpf_create's error) and unloads it. 0, or -errno with err saying why
 * (no CAP_BPF, verifier refused, no BTF, ...): the reason `auto` logs when
 * it falls back to the packet data path. */
int dp_ebpf_probe(struct err *err);

/* Loads a fresh object for bond `bond` whose TAP is tap_ifindex, attaches
 * the egress program to the TAP (creating its clsact qdisc when needed),
 * pins it. Every map starts zeroed (dp_cfg.flags without DP_F_UP: drop). */
struct dp_ebpf *dp_ebpf_create(const char *bond, int tap_ifindex, struct err *err);

/* Finds what an earlier daemon left on tap_ifindex (our filter on its
 * egress) and takes it over without detaching anything: maps keep their
 * contents, frames keep flowing. Without a filter on the TAP, the bond's
 * pins (maps and programs) are adopted and bond_tx attached again. The
 * maps come from the program's map ids (create binds every map to both
 * programs), the receive program from its pin, else from the kernel's
 * programs (bond_rx on the same maps), else it is loaded again on the
 * adopted maps. Pins are made again when missing or stale.
 * NULL with err->code -ENOENT when there is nothing to adopt; -EPROTO when
 * what is there is not this bondd's (another program on our handle, maps
 * of another layout): remove it (dp_ebpf_remove_leftover) and create;
 * other errors say why. */
struct dp_ebpf *dp_ebpf_adopt(const char *bond, int tap_ifindex, struct err *err);

/* The ingress program on a slave: attach (creating clsact when needed;
 * *created_qdisc says so, for detach) and detach (removing the clsact it
 * created when no other filter is left). attach on a slave that already
 * carries our filter replaces it (adoption). */
int dp_ebpf_attach_rx(struct dp_ebpf *dp, int slave_ifindex, bool *created_qdisc,
		      struct err *err);
int dp_ebpf_detach_rx(struct dp_ebpf *dp, int slave_ifindex, bool remove_qdisc,
		      struct err *err);
/* dp NULL: removes any bondd's ingress filter (a leftover nobody adopts).
 * The qdisc goes only with remove_qdisc and when no filter is left on the
 * device. After adoption the daemon knows better than dp which clsact it
 * created (its journal): dp_ebpf_destroy removes only those it saw created
 * by dp_ebpf_attach_rx in this process, so detach the slaves yourself,
 * with the journal's flag, before destroy. */
/* Is our filter (any bondd's) on the device's ingress? */
bool dp_ebpf_rx_attached(int slave_ifindex);

/* Did create/adopt pin (false: bpffs could not be mounted or written;
 * adoption then goes through the TAP's filter alone)? */
bool dp_ebpf_pinned(const struct dp_ebpf *dp);
/* The fd of the map named DP_MAP_* (owned by dp), -ENOENT for another
 * name: for tests and for what the helpers below do not cover. */
int dp_ebpf_map_fd(const struct dp_ebpf *dp, const char *name);

/* Maps. 0 or -errno. The cfg is written as given (the caller bumps gen),
 * with the counters' slots of its slaves (active_slot, tx_slot[]) filled
 * in here: write a slave (dp_ebpf_set_slave) before a cfg that names it. */
int dp_ebpf_write_cfg(struct dp_ebpf *dp, const struct dp_cfg *cfg);
int dp_ebpf_read_cfg(struct dp_ebpf *dp, struct dp_cfg *cfg);
/* Adds or replaces the slave's entry; s->slot is ignored: a new slave
 * gets the lowest free slot of dp_stats, zeroed, and keeps it (adoption
 * reads the slots back, and keeps the counters). -ENOSPC with every slot
 * taken. Write it before dp_ebpf_attach_rx: bond_rx passes the frames of
 * a slave it does not know to the host. */
int dp_ebpf_set_slave(struct dp_ebpf *dp, int ifindex, const struct dp_slave *s);
/* Removes the entry and frees its slot; -ENOENT when it had neither. */
int dp_ebpf_del_slave(struct dp_ebpf *dp, int ifindex);
/* Carrier hints (dp_abi.h): the slave's device address (dev_addr.h) in its
 * counters' entry, where bond_tx reads it; written only when it differs. */
int dp_ebpf_slave_dev(struct dp_ebpf *dp, int ifindex, uint64_t dev);
/* Whether bond_tx writes carrier hints; when not, dp_ebpf_hints_why() says
 * why (NULL: they are possible; the bond's own reason is the ring's). */
bool dp_ebpf_hints(const struct dp_ebpf *dp);
const char *dp_ebpf_hints_why(void);
/* The fd to poll for hints (-1: none), and the reader: cb for every record
 * waiting; the number of records or -errno. */
int dp_ebpf_hints_fd(const struct dp_ebpf *dp);
int dp_ebpf_hints_take(struct dp_ebpf *dp, void (*cb)(const struct dp_hint *h, void *arg),
		       void *arg);
/* The slave's counters summed over the CPUs (last_rx_ns: the maximum). */
int dp_ebpf_slave_stats(struct dp_ebpf *dp, int ifindex, struct dp_slave_stats *out);
int dp_ebpf_bond_stats(struct dp_ebpf *dp, struct dp_bond_stats *out);
/* tlb/alb buckets: assign (ifindex 0 = unassigned; the bucket's byte
 * counter is kept) and take the bytes each bucket sent since the last take
 * (out[DP_TLB_BUCKETS]; the first take after create counts from zero, after
 * adopt from the adoption). The map's counters are never cleared: the
 * difference loses none of the program's concurrent adds. */
int dp_ebpf_tlb_set(struct dp_ebpf *dp, unsigned bucket, int slave_ifindex);
/* dp_queue[qid] = slave_ifindex (0: no slave, the mode decides). */
int dp_ebpf_queue_set(struct dp_ebpf *dp, unsigned qid, int slave_ifindex);
int dp_ebpf_tlb_take_bytes(struct dp_ebpf *dp, uint64_t *out);

/* bondctl flows: writes dp_flowctl; takes the entries of window win out of
 * dp_flows, handing each (its CPUs summed) to fn, and deletes them.
 * 0 or -errno. */
int dp_ebpf_flowctl_set(struct dp_ebpf *dp, const struct dp_flowctl *fc);
int dp_ebpf_flows_take(struct dp_ebpf *dp, uint32_t win,
		       void (*fn)(void *arg, const struct dp_flow_key *k, uint64_t bytes,
				  uint64_t frames),
		       void *arg);

/* VLAN sub-interfaces (bond0.100). vlan_add attaches bond_vlan_tx to the
 * VLAN TAP's egress (tc clsact, our handle and priority): it hashes the
 * frame as the kernel hashes a frame of a VLAN device stacked on a bond
 * (the VID out of band), tags it with vid and sends it as bond_tx would;
 * and writes dp_vlans[vid] = tap_ifindex, which bond_rx reads: a frame the
 * mode accepts whose tag has that VID goes untagged to that TAP's ingress,
 * other tags to the bond's TAP unchanged. Adoption keeps the entries;
 * vlan_add over our own filter replaces it. vlan_del detaches and clears
 * the entry (-ENOENT when there was none). 0 or -errno with err. */
/* The first vlan_add of a bond loads bond_vlan_tx (not loaded before: its
 * verification takes as long as bond_tx's), or takes the one adoption
 * found. Counters: a slot of dp_vstats per VLAN, zeroed when new, kept when
 * the same VID is added again on the same TAP. */
int dp_ebpf_vlan_add(struct dp_ebpf *dp, uint16_t vid, int tap_ifindex, struct err *err);
int dp_ebpf_vlan_del(struct dp_ebpf *dp, uint16_t vid, int tap_ifindex, struct err *err);
/* The VLAN's counters summed over the CPUs (dp_abi.h struct
 * dp_vlan_stats: untagged lengths, as a VLAN device counts); -ENOENT when
 * vid is not one of the bond's sub-interfaces. Adoption keeps them. */
int dp_ebpf_vlan_stats(struct dp_ebpf *dp, uint16_t vid, struct dp_vlan_stats *out);
/* Lets go of the object, leaving programs attached and pins in place
 * (daemon exit for an upgrade; what a crash leaves too). */
void dp_ebpf_close(struct dp_ebpf *dp);
/* Detaches the egress program (and every slave's ingress program still
 * attached through dp_ebpf_attach_rx), removes the pins, frees dp. The
 * TAP's clsact goes when no filter is left on it and it was created by
 * dp_ebpf_create or found under an adopted filter (the TAP is the bond's
 * own device). Errors on the way are ignored: the device may be gone. */
void dp_ebpf_destroy(struct dp_ebpf *dp);
/* Removes an earlier daemon's leftovers on tap_ifindex that will not be
 * adopted (egress filter, the TAP's clsact when empty, pins of bond
 * `bond`; tap_ifindex 0: pins only). The slaves' ingress filters are the
 * caller's: dp_ebpf_detach_rx(NULL, slave, ...); the VLAN TAPs' filters
 * are found through the maps only: adopt and destroy to remove those. */
int dp_ebpf_remove_leftover(const char *bond, int tap_ifindex, struct err *err);

/* A socket filter for a slave's packet socket on the kernel data path:
 * only the frames the daemon must see get up to it (slow protocols
 * 0x8809, ARP, IPv6 neighbour solicitations/advertisements with ICMPv6
 * right after the fixed header), since packet taps see every frame before
 * tc ingress does. Classic BPF, no libbpf. VLAN-tagged: the kernel has
 * moved the outer tag to metadata before the taps, so a tagged control
 * frame passes like an untagged one (PACKET_AUXDATA gives the tag back and
 * the engine judges, as on the packet data path); a second (QinQ inner) tag
 * stays in the bytes and such frames do not pass. Frames queued before the
 * filter was attached are still there: drain the socket after. */
int dp_ebpf_sock_filter(int packet_fd, struct err *err);

#endif
