/* The harness of tests/bpf (dpt.h). Every libbpf and bpf() result is
 * checked; a failure fails the running cmocka test with its reason. */
#include "dpt.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>

#include "bpf/bpf_obj.h"

static struct bpf_object *obj;
static int fd_cfg = -1, fd_slaves = -1, fd_stats = -1, fd_bstats = -1, fd_tlb = -1,
	   fd_rr = -1, fd_out = -1, fd_in = -1, fd_tx = -1, fd_rx = -1, fd_txv = -1,
	   fd_txq = -1, fd_queue = -1, fd_flows = -1, fd_flowctl = -1, fd_vlans = -1,
	   fd_vlan_ifs = -1, fd_vstats = -1, fd_vtx = -1, fd_rxv = -1;
static int ncpus;
/* The slave in each dp_stats slot (0: free), assigned as dp_ebpf.c does:
 * the lowest free slot for a new slave. */
static uint32_t slot_ifx[DP_MAX_SLAVES];

static uint32_t stats_slot_of(uint32_t ifindex)
{
	for (uint32_t i = 0; ifindex && i < DP_MAX_SLAVES; i++)
		if (slot_ifx[i] == ifindex)
			return i;
	return DP_NO_SLOT;
}
static char load_err[512];

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* The verifier's log only when the load fails (libbpf prints it as a
	 * warning then). */
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int map_fd(const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	if (!m) {
		snprintf(load_err, sizeof(load_err), "map %s not in the object", name);
		return -1;
	}
	return bpf_map__fd(m);
}

static int prog_fd(const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);

	if (!p) {
		snprintf(load_err, sizeof(load_err), "program %s not in the object", name);
		return -1;
	}
	return bpf_program__fd(p);
}

const char *dpt_load(void)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "bond_dp_test");
	int err;

	if (fd_tx >= 0)
		return NULL;
	if (load_err[0])
		return load_err;
	libbpf_set_print(silent);
	obj = bpf_object__open_mem(bondd_bpf_obj, bondd_bpf_obj_len, &oo);
	if (!obj) {
		snprintf(load_err, sizeof(load_err), "bpf_object__open_mem: %s",
			 strerror(errno));
		return load_err;
	}
	err = bpf_object__load(obj);
	if (err) {
		snprintf(load_err, sizeof(load_err),
			 "bpf_object__load: %s (the verifier's log is above; root?)",
			 strerror(-err));
		return load_err;
	}
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		snprintf(load_err, sizeof(load_err), "libbpf_num_possible_cpus: %s",
			 strerror(-ncpus));
		return load_err;
	}
	if ((fd_cfg = map_fd(DP_MAP_CFG)) < 0 || (fd_slaves = map_fd(DP_MAP_SLAVES)) < 0 ||
	    (fd_stats = map_fd(DP_MAP_STATS)) < 0 || (fd_bstats = map_fd(DP_MAP_BSTATS)) < 0 ||
	    (fd_tlb = map_fd(DP_MAP_TLB)) < 0 || (fd_rr = map_fd(DP_MAP_RR)) < 0 ||
	    (fd_out = map_fd(DP_MAP_TEST_OUT)) < 0 || (fd_in = map_fd(DP_MAP_TEST_IN)) < 0 ||
	    (fd_txv = prog_fd(DP_PROG_TX_VLAN)) < 0 || (fd_rx = prog_fd(DP_PROG_RX)) < 0 ||
	    (fd_txq = prog_fd(DP_PROG_TX_QUEUE)) < 0 || (fd_queue = map_fd(DP_MAP_QUEUE)) < 0 ||
	    (fd_flows = map_fd(DP_MAP_FLOWS)) < 0 || (fd_flowctl = map_fd(DP_MAP_FLOWCTL)) < 0 ||
	    (fd_vlans = map_fd(DP_MAP_VLANS)) < 0 || (fd_vlan_ifs = map_fd(DP_MAP_VLAN_IFS)) < 0 ||
	    (fd_vstats = map_fd(DP_MAP_VSTATS)) < 0 || (fd_vtx = prog_fd(DP_PROG_VLAN_TX)) < 0 ||
	    (fd_rxv = prog_fd(DP_PROG_RX_VLAN)) < 0 ||
	    (fd_tx = prog_fd(DP_PROG_TX)) < 0) {
		fd_tx = -1;
		return load_err;
	}
	return NULL;
}

static void need_loaded(void)
{
	const char *why = dpt_load();

	if (why)
		fail_msg("the test object did not load: %s", why);
}

static int fd_of(enum dpt_prog p)
{
	switch (p) {
	case DPT_TX: return fd_tx;
	case DPT_RX: return fd_rx;
	case DPT_TX_VLAN: return fd_txv;
	case DPT_TX_QUEUE: return fd_txq;
	case DPT_VLAN_TX: return fd_vtx;
	case DPT_RX_VLAN: return fd_rxv;
	}
	return -1;
}

static const char *name_of(enum dpt_prog p)
{
	switch (p) {
	case DPT_TX: return DP_PROG_TX;
	case DPT_RX: return DP_PROG_RX;
	case DPT_TX_VLAN: return DP_PROG_TX_VLAN;
	case DPT_TX_QUEUE: return DP_PROG_TX_QUEUE;
	case DPT_VLAN_TX: return DP_PROG_VLAN_TX;
	case DPT_RX_VLAN: return DP_PROG_RX_VLAN;
	}
	return "?";
}

int dpt_prog_insns(enum dpt_prog p, uint32_t *verified, uint32_t *xlated)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	int err;

	need_loaded();
	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(fd_of(p), &info, &len);
	if (err)
		return err;
	*verified = info.verified_insns;
	*xlated = info.xlated_prog_len / 8;
	return 0;
}

static void update(int fd, const void *key, const void *val, const char *what)
{
	if (bpf_map_update_elem(fd, key, val, BPF_ANY))
		fail_msg("bpf_map_update_elem(%s): %s", what, strerror(errno));
}

static void lookup(int fd, const void *key, void *val, const char *what)
{
	if (bpf_map_lookup_elem(fd, key, val))
		fail_msg("bpf_map_lookup_elem(%s): %s", what, strerror(errno));
}

static void clear_hash(int fd, const char *what)
{
	uint32_t key;

	while (bpf_map_get_next_key(fd, NULL, &key) == 0)
		if (bpf_map_delete_elem(fd, &key))
			fail_msg("bpf_map_delete_elem(%s): %s", what, strerror(errno));
}

void dpt_reset(void)
{
	struct dp_cfg cfg;
	struct dp_tlb_bucket b;
	uint32_t zero = 0;
	void *pc;

	need_loaded();
	memset(&cfg, 0, sizeof(cfg));
	update(fd_cfg, &zero, &cfg, DP_MAP_CFG);
	clear_hash(fd_slaves, DP_MAP_SLAVES);
	pc = calloc((size_t)ncpus, sizeof(struct dp_slave_stats));
	assert_non_null(pc);
	for (uint32_t i = 0; i < DP_MAX_SLAVES; i++)
		update(fd_stats, &i, pc, DP_MAP_STATS);
	free(pc);
	memset(slot_ifx, 0, sizeof(slot_ifx));
	clear_hash(fd_vlan_ifs, DP_MAP_VLAN_IFS);
	{
		struct dp_vlan none = { 0 };

		for (uint32_t i = 0; i < DP_VLAN_IDS; i++)
			update(fd_vlans, &i, &none, DP_MAP_VLANS);
		pc = calloc((size_t)ncpus, sizeof(struct dp_vlan_stats));
		assert_non_null(pc);
		for (uint32_t i = 0; i < DP_MAX_VLANS; i++)
			update(fd_vstats, &i, pc, DP_MAP_VSTATS);
		free(pc);
	}
	pc = calloc((size_t)ncpus, sizeof(struct dp_bond_stats));
	assert_non_null(pc);
	update(fd_bstats, &zero, pc, DP_MAP_BSTATS);
	free(pc);
	memset(&b, 0, sizeof(b));
	for (uint32_t i = 0; i < DP_TLB_BUCKETS; i++)
		update(fd_tlb, &i, &b, DP_MAP_TLB);
	for (uint32_t i = 0; i < DP_MAX_QUEUES; i++)
		update(fd_queue, &i, &zero, DP_MAP_QUEUE);
	dpt_set_rr(0);
	{
		struct dp_flowctl fc = { 0 };
		struct dp_flow_key k;

		update(fd_flowctl, &zero, &fc, DP_MAP_FLOWCTL);
		while (bpf_map_get_next_key(fd_flows, NULL, &k) == 0)
			if (bpf_map_delete_elem(fd_flows, &k))
				fail_msg("bpf_map_delete_elem(%s): %s", DP_MAP_FLOWS,
					 strerror(errno));
	}
}

void dpt_set_flowctl(const struct dp_flowctl *fc)
{
	uint32_t zero = 0;

	need_loaded();
	update(fd_flowctl, &zero, fc, DP_MAP_FLOWCTL);
}

unsigned dpt_flows(struct dp_flow_key *keys, struct dp_flow_val *vals, unsigned max)
{
	struct dp_flow_val *pc = calloc((size_t)ncpus, sizeof(*pc));
	struct dp_flow_key k, next;
	const void *prev = NULL;
	unsigned n = 0;

	need_loaded();
	assert_non_null(pc);
	while (n < max && bpf_map_get_next_key(fd_flows, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd_flows, &k, pc)) {
			free(pc);
			fail_msg("bpf_map_lookup_elem(%s): %s", DP_MAP_FLOWS, strerror(errno));
		}
		keys[n] = k;
		memset(&vals[n], 0, sizeof(vals[n]));
		for (int c = 0; c < ncpus; c++) {
			vals[n].bytes += pc[c].bytes;
			vals[n].frames += pc[c].frames;
		}
		n++;
	}
	free(pc);
	return n;
}

double dpt_tx_ns(const uint8_t *frame, size_t len, uint32_t repeat)
{
	return dpt_prog_ns(DPT_TX, frame, len, 0, repeat);
}

double dpt_prog_ns(enum dpt_prog p, const uint8_t *frame, size_t len, uint32_t ifindex,
		   uint32_t repeat)
{
	struct __sk_buff ctx;
	LIBBPF_OPTS(bpf_test_run_opts, o);
	uint8_t out[2048];

	need_loaded();
	memset(&ctx, 0, sizeof(ctx));
	ctx.ifindex = ifindex;
	o.data_in = frame;
	o.data_size_in = (uint32_t)len;
	o.data_out = out;
	o.data_size_out = sizeof(out);
	o.ctx_in = &ctx;
	o.ctx_size_in = sizeof(ctx);
	o.repeat = repeat;
	if (bpf_prog_test_run_opts(fd_of(p), &o))
		fail_msg("bpf_prog_test_run_opts(%s, repeat %u): %s", name_of(p), repeat,
			 strerror(errno));
	return (double)o.duration;
}

/* The tests' counter slot of a VID: distinct for the VIDs they use. */
static uint32_t slot_of(uint16_t vid)
{
	return vid & (DP_MAX_VLANS - 1);
}

void dpt_set_vlan(uint16_t vid, uint32_t tap_ifindex)
{
	struct dp_vlan v = { tap_ifindex, slot_of(vid) };
	struct dp_vlan_if vi = { vid, slot_of(vid) };
	uint32_t key = vid, slot = slot_of(vid);
	void *pc;

	need_loaded();
	update(fd_vlans, &key, &v, DP_MAP_VLANS);
	update(fd_vlan_ifs, &tap_ifindex, &vi, DP_MAP_VLAN_IFS);
	pc = calloc((size_t)ncpus, sizeof(struct dp_vlan_stats));
	assert_non_null(pc);
	update(fd_vstats, &slot, pc, DP_MAP_VSTATS);
	free(pc);
}

void dpt_vstats(uint16_t vid, struct dp_vlan_stats *sum)
{
	struct dp_vlan_stats *pc = calloc((size_t)ncpus, sizeof(*pc));
	uint32_t key = slot_of(vid);

	need_loaded();
	assert_non_null(pc);
	memset(sum, 0, sizeof(*sum));
	if (bpf_map_lookup_elem(fd_vstats, &key, pc)) {
		free(pc);
		fail_msg("bpf_map_lookup_elem(%s, %u): %s", DP_MAP_VSTATS, key, strerror(errno));
	}
	for (int c = 0; c < ncpus; c++) {
		sum->rx_packets += pc[c].rx_packets;
		sum->rx_bytes += pc[c].rx_bytes;
		sum->tx_packets += pc[c].tx_packets;
		sum->tx_bytes += pc[c].tx_bytes;
		sum->tx_dropped += pc[c].tx_dropped;
		sum->tx_to_daemon += pc[c].tx_to_daemon;
	}
	free(pc);
}

/* As dp_ebpf_write_cfg(): the slaves' slots filled in. */
void dpt_set_cfg(const struct dp_cfg *cfg)
{
	struct dp_cfg c = *cfg;
	uint32_t zero = 0;

	need_loaded();
	c.active_slot = stats_slot_of(c.active_ifindex);
	for (uint32_t i = 0; i < DP_MAX_SLAVES; i++)
		c.tx_slot[i] = i < c.n_tx ? stats_slot_of(c.tx[i]) : DP_NO_SLOT;
	update(fd_cfg, &zero, &c, DP_MAP_CFG);
}

void dpt_set_slave(uint32_t ifindex, uint32_t flags, const uint8_t mac[6])
{
	struct dp_slave s;
	void *pc;

	need_loaded();
	memset(&s, 0, sizeof(s));
	s.flags = flags;
	memcpy(s.mac, mac, 6);
	s.slot = stats_slot_of(ifindex);
	if (s.slot == DP_NO_SLOT) {
		/* The daemon zeroes a new slave's counters in its slot. */
		for (s.slot = 0; s.slot < DP_MAX_SLAVES && slot_ifx[s.slot]; s.slot++)
			;
		assert_true(s.slot < DP_MAX_SLAVES);
		slot_ifx[s.slot] = ifindex;
		pc = calloc((size_t)ncpus, sizeof(struct dp_slave_stats));
		assert_non_null(pc);
		update(fd_stats, &s.slot, pc, DP_MAP_STATS);
		free(pc);
	}
	update(fd_slaves, &ifindex, &s, DP_MAP_SLAVES);
}

void dpt_set_queue(uint32_t qid, uint32_t ifindex)
{
	need_loaded();
	update(fd_queue, &qid, &ifindex, DP_MAP_QUEUE);
}

void dpt_set_bucket(uint32_t bucket, uint32_t ifindex)
{
	struct dp_tlb_bucket b;

	need_loaded();
	memset(&b, 0, sizeof(b));
	b.slave_ifindex = ifindex;
	update(fd_tlb, &bucket, &b, DP_MAP_TLB);
}

uint64_t dpt_bucket_bytes(uint32_t bucket)
{
	struct dp_tlb_bucket b;

	need_loaded();
	lookup(fd_tlb, &bucket, &b, DP_MAP_TLB);
	return b.tx_bytes;
}

/* balance-rr's counter is per CPU (each CPU's __u32 in an 8-byte slot, as
 * per-CPU map values are laid out for user space): every CPU's copy starts
 * at COUNTER, and the counter read back is COUNTER plus what the runs added
 * on any CPU (a test run may move to another CPU between runs). */
static uint32_t rr_base;

void dpt_set_rr(uint32_t counter)
{
	uint32_t zero = 0;
	uint64_t *pc;

	need_loaded();
	pc = calloc((size_t)ncpus, sizeof(*pc));
	assert_non_null(pc);
	for (int i = 0; i < ncpus; i++)
		pc[i] = counter;
	update(fd_rr, &zero, pc, DP_MAP_RR);
	free(pc);
	rr_base = counter;
}

uint32_t dpt_rr(void)
{
	uint32_t zero = 0, v = rr_base;
	uint64_t *pc;

	need_loaded();
	pc = calloc((size_t)ncpus, sizeof(*pc));
	assert_non_null(pc);
	lookup(fd_rr, &zero, pc, DP_MAP_RR);
	for (int i = 0; i < ncpus; i++)
		v += (uint32_t)pc[i] - rr_base;
	free(pc);
	return v;
}

void dpt_stats(uint32_t ifindex, struct dp_slave_stats *sum)
{
	struct dp_slave_stats *pc = calloc((size_t)ncpus, sizeof(*pc));

	uint32_t slot = stats_slot_of(ifindex);

	need_loaded();
	assert_non_null(pc);
	memset(sum, 0, sizeof(*sum));
	if (slot == DP_NO_SLOT) {
		free(pc);
		fail_msg("dpt_stats(%u): not a slave (dpt_set_slave)", ifindex);
	}
	if (bpf_map_lookup_elem(fd_stats, &slot, pc)) {
		free(pc);
		fail_msg("bpf_map_lookup_elem(%s, %u): %s", DP_MAP_STATS, ifindex,
			 strerror(errno));
	}
	for (int c = 0; c < ncpus; c++) {
		sum->rx_packets += pc[c].rx_packets;
		sum->rx_bytes += pc[c].rx_bytes;
		sum->rx_dropped += pc[c].rx_dropped;
		sum->tx_packets += pc[c].tx_packets;
		sum->tx_bytes += pc[c].tx_bytes;
		sum->tx_dropped += pc[c].tx_dropped;
		if (pc[c].last_rx_ns > sum->last_rx_ns)
			sum->last_rx_ns = pc[c].last_rx_ns;
	}
	free(pc);
}

void dpt_bstats(struct dp_bond_stats *sum)
{
	struct dp_bond_stats *pc = calloc((size_t)ncpus, sizeof(*pc));
	uint32_t zero = 0;

	need_loaded();
	assert_non_null(pc);
	memset(sum, 0, sizeof(*sum));
	if (bpf_map_lookup_elem(fd_bstats, &zero, pc)) {
		free(pc);
		fail_msg("bpf_map_lookup_elem(%s): %s", DP_MAP_BSTATS, strerror(errno));
	}
	for (int c = 0; c < ncpus; c++) {
		sum->tx_no_slave += pc[c].tx_no_slave;
		sum->tx_to_daemon += pc[c].tx_to_daemon;
		sum->tlb_unbalanced_bytes += pc[c].tlb_unbalanced_bytes;
	}
	free(pc);
}

int dpt_runnable(const uint8_t *frame, size_t len)
{
	uint16_t type;

	if (len < 14)
		return 0;
	type = (uint16_t)(frame[12] << 8 | frame[13]);
	if (type == 0x0800 && len < 14 + 20)
		return 0;
	if (type == 0x86dd && len < 14 + 40)
		return 0;
	return 1;
}

void dpt_run(enum dpt_prog p, const uint8_t *frame, size_t len, uint32_t ifindex,
	     struct dpt_result *r)
{
	struct __sk_buff ctx;
	LIBBPF_OPTS(bpf_test_run_opts, o);
	uint32_t zero = 0, runs_before;
	struct dp_test_out before;

	need_loaded();
	if (len > sizeof(r->frame))
		fail_msg("dpt_run: a frame of %zu bytes is longer than the buffer", len);
	lookup(fd_out, &zero, &before, DP_MAP_TEST_OUT);
	runs_before = before.runs;
	memset(&ctx, 0, sizeof(ctx));
	ctx.ifindex = ifindex;
	o.data_in = frame;
	o.data_size_in = (uint32_t)len;
	o.data_out = r->frame;
	o.data_size_out = sizeof(r->frame);
	o.ctx_in = &ctx;
	o.ctx_size_in = sizeof(ctx);
	o.repeat = 1;
	if (bpf_prog_test_run_opts(fd_of(p), &o))
		fail_msg("bpf_prog_test_run_opts(%s, %zu bytes): %s", name_of(p), len,
			 strerror(errno));
	r->action = (int)o.retval;
	r->len = o.data_size_out;
	lookup(fd_out, &zero, &r->out, DP_MAP_TEST_OUT);
	if (r->out.runs != runs_before + 1)
		fail_msg("the program did not record its run (runs %u -> %u)", runs_before,
			 r->out.runs);
	if (r->out.action != r->action)
		fail_msg("recorded action %d, returned %d", r->out.action, r->action);
}

/* What the programs read in dp_test_in: the tag of bond_tx_vlan, and
 * whether dp_hash.h may read the linear part directly. */
static struct dp_test_in test_in;

void dpt_set_direct(int direct)
{
	uint32_t zero = 0;

	need_loaded();
	test_in.no_direct = !direct;
	update(fd_in, &zero, &test_in, DP_MAP_TEST_IN);
}

void dpt_run_queue(const uint8_t *frame, size_t len, uint16_t queue_mapping,
		   struct dpt_result *r)
{
	uint32_t zero = 0;

	need_loaded();
	test_in.queue_mapping = queue_mapping;
	update(fd_in, &zero, &test_in, DP_MAP_TEST_IN);
	dpt_run(DPT_TX_QUEUE, frame, len, 0, r);
	if (r->action == -1)
		fail_msg("bond_tx_queue could not read dp_test_in");
}

void dpt_run_vlan(const uint8_t *frame, size_t len, uint16_t proto, uint16_t tci,
		  struct dpt_result *r)
{
	uint32_t zero = 0;

	need_loaded();
	test_in.vlan_proto = proto;
	test_in.vlan_tci = tci;
	update(fd_in, &zero, &test_in, DP_MAP_TEST_IN);
	dpt_run(DPT_TX_VLAN, frame, len, 0, r);
	if (r->action == -1)
		fail_msg("bond_tx_vlan could not give the frame its out-of-band tag");
}

void dpt_run_rx_vlan(const uint8_t *frame, size_t len, uint32_t ifindex, uint16_t proto,
		     uint16_t tci, struct dpt_result *r)
{
	uint32_t zero = 0;

	need_loaded();
	test_in.vlan_proto = proto;
	test_in.vlan_tci = tci;
	update(fd_in, &zero, &test_in, DP_MAP_TEST_IN);
	dpt_run(DPT_RX_VLAN, frame, len, ifindex, r);
	if (r->action == -1)
		fail_msg("bond_rx_vlan could not give the frame its out-of-band tag");
}
