/* The device address learner (dev_addr.h). */
#include "dev_addr.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/pkt_cls.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/bpf_obj.h"

static int prog_fd = -1;
/* The load's error, kept: the kernel refuses the same program again. */
static int load_err;
static char load_msg[600];

static int load(struct err *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "bondd_devaddr");
	struct bpf_object *obj;
	struct bpf_program *p;
	int ret;

	obj = bpf_object__open_mem(bondd_devaddr_obj, bondd_devaddr_obj_len, &oo);
	if (!obj) {
		ret = errno ? -errno : -EINVAL;
		snprintf(load_msg, sizeof(load_msg), "cannot open the device address program: %s",
			 strerror(-ret));
		goto fail;
	}
	ret = bpf_object__load(obj);
	p = bpf_object__find_program_by_name(obj, "dev_addr");
	if (ret == 0 && !p)
		ret = -ENOENT;
	if (ret < 0) {
		snprintf(load_msg, sizeof(load_msg),
			 "cannot load the device address program (needs the kernel's BTF, Linux 6.3's bpf_cast_to_kern_ctx, CAP_BPF and CAP_PERFMON): %s",
			 strerror(-ret));
		bpf_object__close(obj);
		goto fail;
	}
	prog_fd = fcntl(bpf_program__fd(p), F_DUPFD_CLOEXEC, 3);
	ret = prog_fd < 0 ? -errno : 0;
	bpf_object__close(obj);
	if (ret < 0) {
		snprintf(load_msg, sizeof(load_msg), "device address program: dup: %s", strerror(-ret));
		goto fail;
	}
	return 0;
fail:
	load_err = ret;
	err_set(err, ret, "%s", load_msg);
	return ret;
}

int devaddr_learn(int ifindex, struct dp_dev_addr *out, struct err *err)
{
	/* An Ethernet frame's worth: the run checks the header's length. */
	unsigned char in[64] = { 0 }, back[64];
	struct __sk_buff ctx = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = sizeof(in),
		    .data_out = back, .data_size_out = sizeof(back),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	int ret;

	memset(out, 0, sizeof(*out));
	if (load_err) {
		err_set(err, load_err, "%s", load_msg);
		return load_err;
	}
	if (prog_fd < 0 && load(err) < 0)
		return load_err;
	if (ifindex < 0) {
		err_set(err, -EINVAL, "device address: bad ifindex %d", ifindex);
		return -EINVAL;
	}
	/* ifindex 1 is the loopback device too, which the run takes when
	 * none is given (it accepts only ifindexes above 1). */
	ctx.ifindex = ifindex > 1 ? (uint32_t)ifindex : 0;
	in[12] = 0x08;      /* IPv4, for the run's eth_type_trans() */
	ret = bpf_prog_test_run_opts(prog_fd, &o);
	if (ret < 0) {
		err_set(err, ret, "device address of ifindex %d: BPF_PROG_TEST_RUN: %s", ifindex,
			strerror(-ret));
		return ret;
	}
	if (o.retval != TC_ACT_OK || o.data_size_out < sizeof(*out)) {
		err_set(err, -EIO, "device address of ifindex %d: the program failed (%u)", ifindex,
			o.retval);
		return -EIO;
	}
	memcpy(out, back, sizeof(*out));
	if (out->magic != DP_DEV_ADDR_MAGIC || !out->dev || !out->cfg.state_off ||
	    (ifindex > 1 && out->ifindex != (uint32_t)ifindex)) {
		err_set(err, -EIO, "device address of ifindex %d: the program read ifindex %u", ifindex,
			out->ifindex);
		memset(out, 0, sizeof(*out));
		return -EIO;
	}
	return 0;
}

void devaddr_close(void)
{
	if (prog_fd >= 0)
		close(prog_fd);
	prog_fd = -1;
	load_err = 0;
}
