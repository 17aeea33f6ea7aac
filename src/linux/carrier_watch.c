/* The carrier watch's loader (carrier_watch.h): the embedded object
 * (bondd_cw_obj) opened and loaded with libbpf, its two fexit programs
 * attached with bpf_program__attach_trace(), the ring buffer read with
 * libbpf's ring_buffer API. The bpf_object is kept for the watch's life:
 * its links hold the attachment, closing it detaches. */
#include "carrier_watch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/bpf_obj.h"
#include "dp_ebpf.h"

#define OBJ_NAME "bondd_cw"

struct cwatch {
	struct bpf_object *obj;
	struct bpf_link *link[2];
	struct ring_buffer *rb;
	int watch_fd;
	/* the current cwatch_consume()'s callback (the ring buffer's
	 * callback is fixed at ring_buffer__new()) */
	void (*cb)(const struct cw_record *r, void *arg);
	void *arg;
	unsigned bad_records;
};

static const char *const prog_names[2] = { CW_PROG_OFF, CW_PROG_ON };

/* Do we hold CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)? From
 * /proc/self/status, so no libcap is needed; false when unreadable. */
static bool tracing_caps(void)
{
	unsigned long long eff = 0;
	char line[128];
	bool found = false;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1) {
			found = true;
			break;
		}
	fclose(f);
	/* CAP_SYS_ADMIN 21, CAP_PERFMON 38, CAP_BPF 39 */
	return found && ((eff >> 21 & 1) || ((eff >> 38 & 1) && (eff >> 39 & 1)));
}

/* libbpf's reason for ret; a refused load or attach says whether it is
 * our capabilities or the kernel that refuses. */
static const char *why(int ret, char *buf, size_t size)
{
	int n = dp_bpf_why(ret, buf, size);

	if ((ret == -EPERM || ret == -EACCES) && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "%s", tracing_caps()
			 ? "; refused with CAP_BPF and CAP_PERFMON held: this kernel (or a security module) does not allow fexit programs"
			 : "; tracing programs need CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)");
	return buf;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct cwatch *cw = ctx;

	/* The programs write whole records; anything else is not ours to
	 * read (a different object layout would be a build mismatch). */
	if (size < sizeof(struct cw_record)) {
		cw->bad_records++;
		return 0;
	}
	cw->cb(data, cw->arg);
	return 0;
}

struct cwatch *cwatch_open(struct err *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = OBJ_NAME);
	struct cwatch *cw;
	struct bpf_map *m;
	char buf[512];
	int ret;

	cw = calloc(1, sizeof(*cw));
	if (!cw) {
		err_set(err, -ENOMEM, "carrier watch: out of memory");
		return NULL;
	}
	cw->watch_fd = -1;
	dp_bpf_msgs_reset();
	/* Tracing programs attach by BTF id: without the kernel's BTF libbpf
	 * would fail later with a vaguer message. */
	if (access("/sys/kernel/btf/vmlinux", R_OK) < 0) {
		ret = -errno;
		err_set(err, ret, "carrier watch: no kernel BTF (/sys/kernel/btf/vmlinux: %s; CONFIG_DEBUG_INFO_BTF)",
			strerror(-ret));
		goto fail;
	}
	cw->obj = bpf_object__open_mem(bondd_cw_obj, bondd_cw_obj_len, &oo);
	if (!cw->obj) {
		ret = errno ? -errno : -EINVAL;
		err_set(err, ret, "carrier watch: cannot open its BPF object: %s",
			why(ret, buf, sizeof(buf)));
		goto fail;
	}
	ret = bpf_object__load(cw->obj);
	if (ret < 0) {
		err_set(err, ret, "carrier watch: cannot load its BPF programs: %s",
			why(ret, buf, sizeof(buf)));
		goto fail;
	}
	m = bpf_object__find_map_by_name(cw->obj, CW_MAP_WATCH);
	cw->watch_fd = m ? bpf_map__fd(m) : -ENOENT;
	if (cw->watch_fd < 0) {
		ret = cw->watch_fd;
		err_set(err, ret, "carrier watch: the BPF object has no map %s", CW_MAP_WATCH);
		goto fail;
	}
	m = bpf_object__find_map_by_name(cw->obj, CW_MAP_EVENTS);
	ret = m ? bpf_map__fd(m) : -ENOENT;
	if (ret < 0) {
		err_set(err, ret, "carrier watch: the BPF object has no map %s", CW_MAP_EVENTS);
		goto fail;
	}
	cw->rb = ring_buffer__new(ret, on_record, cw, NULL);
	if (!cw->rb) {
		ret = errno ? -errno : -EINVAL;
		err_set(err, ret, "carrier watch: cannot map its ring buffer: %s",
			why(ret, buf, sizeof(buf)));
		goto fail;
	}
	for (int i = 0; i < 2; i++) {
		struct bpf_program *p = bpf_object__find_program_by_name(cw->obj, prog_names[i]);

		if (!p) {
			ret = -ENOENT;
			err_set(err, ret, "carrier watch: the BPF object has no program %s",
				prog_names[i]);
			goto fail;
		}
		dp_bpf_msgs_reset();
		cw->link[i] = bpf_program__attach_trace(p);
		if (!cw->link[i]) {
			ret = errno ? -errno : -EINVAL;
			err_set(err, ret, "carrier watch: cannot attach %s (fexit of %s): %s",
				prog_names[i], i ? "netif_carrier_on" : "netif_carrier_off",
				why(ret, buf, sizeof(buf)));
			goto fail;
		}
	}
	return cw;
fail:
	cwatch_close(cw);
	return NULL;
}

void cwatch_close(struct cwatch *cw)
{
	if (!cw)
		return;
	/* Links first: no program runs on a map being freed. */
	for (int i = 0; i < 2; i++)
		bpf_link__destroy(cw->link[i]);
	ring_buffer__free(cw->rb);
	bpf_object__close(cw->obj);
	free(cw);
}

int cwatch_fd(const struct cwatch *cw)
{
	return ring_buffer__epoll_fd(cw->rb);
}

static struct cw_key key_of(uint64_t netns, int ifindex)
{
	struct cw_key k;

	memset(&k, 0, sizeof(k));
	k.netns = netns;
	k.ifindex = (uint32_t)ifindex;
	return k;
}

int cwatch_watch(struct cwatch *cw, uint64_t netns, int ifindex, struct err *err)
{
	struct cw_key k = key_of(netns, ifindex);
	uint8_t one = 1;
	int ret = bpf_map_update_elem(cw->watch_fd, &k, &one, BPF_ANY);

	if (ret < 0)
		err_set(err, ret, "carrier watch: cannot watch ifindex %d: %s%s", ifindex,
			strerror(-ret), ret == -E2BIG ? " (the watch map is full)" : "");
	return ret < 0 ? ret : 0;
}

int cwatch_unwatch(struct cwatch *cw, uint64_t netns, int ifindex, struct err *err)
{
	struct cw_key k = key_of(netns, ifindex);
	int ret = bpf_map_delete_elem(cw->watch_fd, &k);

	if (ret == -ENOENT)
		return 0;
	if (ret < 0)
		err_set(err, ret, "carrier watch: cannot stop watching ifindex %d: %s", ifindex,
			strerror(-ret));
	return ret < 0 ? ret : 0;
}

int cwatch_consume(struct cwatch *cw, void (*cb)(const struct cw_record *r, void *arg),
		   void *arg, struct err *err)
{
	int ret;

	cw->cb = cb;
	cw->arg = arg;
	ret = ring_buffer__consume(cw->rb);
	if (ret < 0)
		err_set(err, ret, "carrier watch: cannot read its ring buffer: %s", strerror(-ret));
	return ret;
}

uint64_t cwatch_netns_self(struct err *err)
{
	struct stat st;

	if (stat("/proc/thread-self/ns/net", &st) < 0) {
		err_set(err, -errno, "cannot read the network namespace (/proc/thread-self/ns/net): %s",
			strerror(errno));
		return 0;
	}
	return (uint64_t)st.st_ino;
}

/* ---- the fast poll (no BPF) ---------------------------------------------- */

struct cwpoll {
	int tfd;
	unsigned interval_us;       /* as armed; 0: stopped */
};

struct cwpoll *cwpoll_open(struct err *err)
{
	struct cwpoll *cp = calloc(1, sizeof(*cp));

	if (!cp) {
		err_set(err, -ENOMEM, "carrier poll: out of memory");
		return NULL;
	}
	cp->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (cp->tfd < 0) {
		err_set(err, -errno, "carrier poll: timerfd_create: %s", strerror(errno));
		free(cp);
		return NULL;
	}
	return cp;
}

void cwpoll_close(struct cwpoll *cp)
{
	if (!cp)
		return;
	close(cp->tfd);
	free(cp);
}

int cwpoll_fd(const struct cwpoll *cp)
{
	return cp->tfd;
}

int cwpoll_arm(struct cwpoll *cp, unsigned interval_us, struct err *err)
{
	struct itimerspec its;

	if (interval_us == cp->interval_us)
		return 0;
	memset(&its, 0, sizeof(its));
	its.it_interval.tv_sec = interval_us / 1000000;
	its.it_interval.tv_nsec = (long)(interval_us % 1000000) * 1000;
	its.it_value = its.it_interval;
	if (timerfd_settime(cp->tfd, 0, &its, NULL) < 0) {
		err_set(err, -errno, "carrier poll: timerfd_settime: %s", strerror(errno));
		return -errno;
	}
	cp->interval_us = interval_us;
	return 0;
}

unsigned cwpoll_interval(const struct cwpoll *cp)
{
	return cp->interval_us;
}

void cwpoll_ack(struct cwpoll *cp)
{
	uint64_t n;

	/* EAGAIN: no tick since (the loop saw the fd in an older batch);
	 * nothing else can fail on a timerfd of ours. */
	if (read(cp->tfd, &n, sizeof(n)) < 0)
		return;
}

/* One sysfs attribute of ifname read as a number; -errno. */
static int64_t read_num(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return -errno;
	if (n == 0)
		return -ENODATA;
	buf[n] = '\0';
	return strtoll(buf, NULL, 10);
}

int cwpoll_slave_open(const char *ifname, int ifindex, struct err *err)
{
	char path[128];
	int64_t idx;
	int fd;

	/* /sys shows the devices of the namespace that mounted it: make sure
	 * this is our device (ip netns exec mounts the namespace's own). */
	snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", ifname);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set(err, -errno, "carrier poll: %s: %s", path, strerror(errno));
		return -errno;
	}
	idx = read_num(fd);
	close(fd);
	if (idx != ifindex) {
		err_set(err, -EXDEV, "carrier poll: %s says ifindex %lld, not %d: /sys belongs to another network namespace",
			path, (long long)idx, ifindex);
		return -EXDEV;
	}
	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier_changes", ifname);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set(err, -errno, "carrier poll: %s: %s", path, strerror(errno));
		return -errno;
	}
	return fd;
}

int64_t cwpoll_changes(int fd)
{
	return read_num(fd);
}

/* ifname's /sys/class/net attribute as a number; -errno. */
static int64_t read_attr(const char *ifname, const char *attr)
{
	char path[128];
	int64_t v;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	v = read_num(fd);
	close(fd);
	return v;
}

int cwpoll_carrier(const char *ifname)
{
	/* Both counts only grow: a change between the two reads shows as a
	 * down count read again that moved, and the pair is read again. */
	for (int i = 0; i < 3; i++) {
		int64_t down = read_attr(ifname, "carrier_down_count");
		int64_t up = read_attr(ifname, "carrier_up_count");

		if (down < 0)
			return (int)down;
		if (up < 0)
			return (int)up;
		if (read_attr(ifname, "carrier_down_count") == down)
			return up == down;
	}
	return -EAGAIN;
}
