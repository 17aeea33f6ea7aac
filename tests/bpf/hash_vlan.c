/* Loads tests/bpf/hash_vlan.bpf.c and checks dp_xmit_hash_vlan() against
 * core/hash.c's xmit_hash_vlan() (hash_vlan.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/hash.h"
#include "dpt.h"
#include "hash_vlan.h"
#include "hash_vlan_abi.h"

extern const unsigned char bondd_hash_vlan_obj[];
extern const size_t bondd_hash_vlan_obj_len;

static struct bpf_object *hv_obj;
static int fd_prog = -1, fd_in = -1;
static unsigned long runs_total;

unsigned long hv_runs(void)
{
	return runs_total;
}

/* Once per process; a program that cannot be loaded fails every check. */
static void hv_load(void)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *map;
	int err;

	if (fd_prog >= 0)
		return;
	obj = bpf_object__open_mem(bondd_hash_vlan_obj, bondd_hash_vlan_obj_len, NULL);
	if (!obj)
		fail_msg("hash_vlan.bpf.o: bpf_object__open_mem: %s", strerror(errno));
	hv_obj = obj;       /* hv_close frees it, loaded or not */
	err = bpf_object__load(obj);
	if (err)
		fail_msg("hash_vlan.bpf.o: bpf_object__load: %s (the verifier's log is "
			 "above; root?)", strerror(-err));
	prog = bpf_object__find_program_by_name(obj, "hash_vlan");
	map = bpf_object__find_map_by_name(obj, "hv_in");
	if (!prog || !map)
		fail_msg("hash_vlan.bpf.o: no program hash_vlan or map hv_in");
	fd_prog = bpf_program__fd(prog);
	fd_in = bpf_map__fd(map);
}

void hv_close(void)
{
	bpf_object__close(hv_obj);
	hv_obj = NULL;
	fd_prog = fd_in = -1;
}

static uint32_t hv_run(const struct hv_in *in, const uint8_t *frame, size_t len)
{
	uint8_t out[2048 + 64];
	uint32_t zero = 0;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = (uint32_t)len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

	if (bpf_map_update_elem(fd_in, &zero, in, BPF_ANY))
		fail_msg("hv_in: bpf_map_update_elem: %s", strerror(errno));
	if (bpf_prog_test_run_opts(fd_prog, &o))
		fail_msg("bpf_prog_test_run_opts(hash_vlan, %zu bytes): %s", len,
			 strerror(errno));
	return o.retval;
}

unsigned hv_check(uint32_t policy, const uint8_t *frame, size_t len, uint16_t tci,
		  uint16_t inner_proto, uint16_t inner_tci)
{
	static uint8_t tagged[2048 + 8];
	struct hv_in in = { .policy = policy, .tci = tci, .inner_proto = inner_proto,
			    .inner_tci = inner_tci };
	size_t tlen = len + 4 + (inner_proto ? 4 : 0), o = 16;
	uint32_t want, got;
	unsigned runs = 0;

	if (!dpt_runnable(frame, len) || tlen > sizeof(tagged))
		return 0;
	hv_load();
	memcpy(tagged, frame, 12);
	tagged[12] = 0x81;
	tagged[13] = 0x00;
	tagged[14] = (uint8_t)(tci >> 8);
	tagged[15] = (uint8_t)tci;
	if (inner_proto) {
		tagged[16] = (uint8_t)(inner_proto >> 8);
		tagged[17] = (uint8_t)inner_proto;
		tagged[18] = (uint8_t)(inner_tci >> 8);
		tagged[19] = (uint8_t)inner_tci;
		o = 20;
	}
	memcpy(tagged + o, frame + 12, len - 12);
	want = xmit_hash_vlan(policy, tagged, tlen);
	for (in.no_direct = 0; in.no_direct < 2; in.no_direct++) {
		got = hv_run(&in, frame, len);
		runs++;
		runs_total++;
		if (got != want)
			fail_msg("policy %u, %zu bytes, VLAN tci 0x%04x, own tag 0x%04x/0x%04x, "
				 "%s reads: dp_xmit_hash_vlan 0x%08x, xmit_hash_vlan 0x%08x",
				 policy, len, tci, inner_proto, inner_tci,
				 in.no_direct ? "helper" : "direct", got, want);
	}
	return runs;
}
