/* The kernel data path's loader (dp_ebpf.h): the embedded BPF object
 * loaded with libbpf, its programs attached with libbpf's tc API (clsact,
 * cls_bpf direct action, our handle and priority), its maps read and
 * written through their fds, everything pinned under bpffs when possible.
 *
 * The object itself is closed right after loading: we keep dup()ed fds of
 * its maps and programs instead, so a created and an adopted data path (for
 * which there is no bpf_object, only ids found in the kernel) are the same
 * thing from then on.
 *
 * Adoption has to find the maps from a program id alone (the pins may be
 * gone: under `ip netns exec` /sys is private to the process). A program
 * lists only the maps its code uses, so after loading we bind every map of
 * the contract to both programs (BPF_PROG_BIND_MAP): whatever the programs'
 * code touches, each program's map ids lead to every map. */
#include "dp_ebpf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/magic.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf/bpf_obj.h"
#include "dev_addr.h"
#include "hide.h"
#include "rtnl.h"

#define BPFFS_MOUNT "/sys/fs/bpf"
#define OBJ_NAME "bondd_dp"

enum { M_CFG, M_SLAVES, M_STATS, M_TLB, M_RR, M_BSTATS, M_QUEUE, M_FLOWS, M_FLOWCTL, M_FLOWRNG,
       M_VLANS, M_VLAN_IFS, M_VSTATS, M_HINTS, M_N };
enum { P_TX, P_RX, P_VLAN_TX, P_N };
/* What a bond needs from the start. bond_vlan_tx is loaded with the bond's
 * first VLAN sub-interface (vlan_tx_prog): the verifier takes about as long
 * over it as over bond_tx (0.4-0.7 s on a small VM), which a bond without
 * VLANs, and bondd's start (dp_ebpf_probe), need not wait for. */
#define PROGS_BOND (1u << P_TX | 1u << P_RX)

/* What each map of the contract must look like: a map of the right name
 * but another layout belongs to a different bondd version and cannot be
 * adopted. */
static const struct map_desc {
	const char *name;
	uint32_t type, key_size, value_size;
} map_descs[M_N] = {
	[M_CFG] = { DP_MAP_CFG, BPF_MAP_TYPE_ARRAY, 4, sizeof(struct dp_cfg) },
	[M_SLAVES] = { DP_MAP_SLAVES, BPF_MAP_TYPE_HASH, 4, sizeof(struct dp_slave) },
	[M_STATS] = { DP_MAP_STATS, BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct dp_slave_stats) },
	[M_TLB] = { DP_MAP_TLB, BPF_MAP_TYPE_ARRAY, 4, sizeof(struct dp_tlb_bucket) },
	[M_RR] = { DP_MAP_RR, BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(uint32_t) },
	[M_BSTATS] = { DP_MAP_BSTATS, BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct dp_bond_stats) },
	[M_QUEUE] = { DP_MAP_QUEUE, BPF_MAP_TYPE_ARRAY, 4, sizeof(uint32_t) },
	[M_FLOWS] = { DP_MAP_FLOWS, BPF_MAP_TYPE_LRU_PERCPU_HASH, sizeof(struct dp_flow_key),
		      sizeof(struct dp_flow_val) },
	[M_FLOWCTL] = { DP_MAP_FLOWCTL, BPF_MAP_TYPE_ARRAY, 4, sizeof(struct dp_flowctl) },
	[M_FLOWRNG] = { DP_MAP_FLOWRNG, BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(uint32_t) },
	[M_VLANS] = { DP_MAP_VLANS, BPF_MAP_TYPE_ARRAY, 4, sizeof(struct dp_vlan) },
	[M_VLAN_IFS] = { DP_MAP_VLAN_IFS, BPF_MAP_TYPE_HASH, 4, sizeof(struct dp_vlan_if) },
	[M_VSTATS] = { DP_MAP_VSTATS, BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct dp_vlan_stats) },
	[M_HINTS] = { DP_MAP_HINTS, BPF_MAP_TYPE_RINGBUF, 0, 0 },
};
static const char *const prog_names[P_N] = {
	[P_TX] = DP_PROG_TX, [P_RX] = DP_PROG_RX, [P_VLAN_TX] = DP_PROG_VLAN_TX,
};

/* dp->pcpu holds a per-CPU value of either kind of counters. */
_Static_assert(sizeof(struct dp_vlan_stats) <= sizeof(struct dp_slave_stats),
	       "dp_ebpf's per-CPU buffer is sized for struct dp_slave_stats");

struct dp_rx {
	int ifindex;
	bool created_qdisc;
};

/* A VLAN sub-interface whose TAP carries (or carried, when adopted) our
 * egress filter: dp_ebpf_destroy takes the filter away, and the TAP's
 * clsact when nothing else is left on it (the TAP is bondd's own device). */
struct dp_vlan_ent {
	uint16_t vid;
	int ifindex;
};

struct dp_ebpf {
	char bond[IFNAMSIZ];
	int tap_ifindex;
	/* The TAP's clsact: created by us, or found under an adopted filter
	 * (the TAP is the bond's own device: an empty clsact on it is ours). */
	bool tap_qdisc_ours;
	bool pinned;
	char pin_dir[PATH_MAX];
	int map_fd[M_N];
	int prog_fd[P_N];
	/* Slaves attached through dp_ebpf_attach_rx in this process. */
	unsigned n_rx;
	struct dp_rx rx[DP_MAX_SLAVES];
	/* VLAN sub-interfaces: added in this process, or found at adoption. */
	unsigned n_vlans;
	struct dp_vlan_ent vlans[DP_MAX_VLANS];
	/* Per-CPU values: libbpf_num_possible_cpus() slots of 8-byte aligned
	 * values, the largest of our per-CPU value types. */
	int ncpus;
	void *pcpu;
	/* The slave whose counters each dp_stats slot holds (0: free);
	 * written with dp_slaves, read back from it at adoption. */
	int slot_ifx[DP_MAX_SLAVES];
	/* dp_tlb's byte counters at the last dp_ebpf_tlb_take_bytes(). */
	uint64_t tlb_seen[DP_TLB_BUCKETS];
	/* carrier hints: bond_tx writes them (its dp_hint is not zero), the
	 * reader of dp_hints and the current dp_ebpf_hints_take()'s callback */
	bool hints;
	struct ring_buffer *rb;
	void (*hint_cb)(const struct dp_hint *h, void *arg);
	void *hint_arg;
};

/* ---- libbpf messages ---------------------------------------------------- */

/* Without BONDD_BPF_DEBUG libbpf says nothing on stderr; we keep the first
 * warning of an operation (libbpf's own reason) and the verifier's verdict
 * (the last meaningful line of the program load log) for the error text. */
static char bpf_warn[200], bpf_verdict[200];
static bool bpf_debug;

static void keep_line(char *dst, size_t size, const char *src, size_t len)
{
	while (len && (src[len - 1] == '\n' || src[len - 1] == ' '))
		len--;
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* The verifier log ends with statistics lines; the line before them says
 * why the program was refused. */
static void keep_verdict(const char *msg)
{
	const char *end = strstr(msg, "-- END PROG LOAD LOG --");
	const char *begin = strstr(msg, "-- BEGIN PROG LOAD LOG --");

	if (!end || !begin)
		return;
	begin = strchr(begin, '\n');
	while (begin && end > begin + 1) {
		const char *line = end - 1;

		while (line > begin + 1 && line[-1] != '\n')
			line--;
		if (strncmp(line, "processed ", 10) && strncmp(line, "verification time", 17) &&
		    strncmp(line, "stack depth", 11) && line < end - 1) {
			keep_line(bpf_verdict, sizeof(bpf_verdict), line, (size_t)(end - line));
			return;
		}
		end = line;
	}
}

/* libbpf's messages: fmt is libbpf's own format string. */
__attribute__((format(printf, 2, 0)))
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *msg;

	if (bpf_debug)
		return vfprintf(stderr, fmt, ap);
	/* The verifier log can be long: it comes whole in one message. */
	if (level != LIBBPF_WARN || vasprintf(&msg, fmt, ap) < 0)
		return 0;
	if (strstr(msg, "PROG LOAD LOG"))
		keep_verdict(msg);
	else if (!bpf_warn[0])
		keep_line(bpf_warn, sizeof(bpf_warn), msg, strlen(msg));
	free(msg);
	return 0;
}

/* libbpf prints through libbpf_print from the first call on, never on
 * its own to stderr. */
static void bpf_print_setup(void)
{
	static bool set;

	if (!set) {
		bpf_debug = getenv("BONDD_BPF_DEBUG") != NULL;
		libbpf_set_print(libbpf_print);
		set = true;
	}
}

void dp_bpf_msgs_reset(void)
{
	bpf_print_setup();
	bpf_warn[0] = bpf_verdict[0] = '\0';
}

static void bpf_msgs_reset(void)
{
	dp_bpf_msgs_reset();
}

int dp_bpf_why(int ret, char *buf, size_t size)
{
	char base[128];
	int n;

	if (libbpf_strerror(ret, base, sizeof(base)) < 0)
		snprintf(base, sizeof(base), "%s", strerror(ret < 0 ? -ret : ret));
	n = snprintf(buf, size, "%s", base);
	if (bpf_verdict[0] && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " (verifier: %s)", bpf_verdict);
	else if (bpf_warn[0] && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " (%s)", bpf_warn);
	return n;
}

/* libbpf's reason for ret, and what it printed about it. */
static const char *bpf_reason(int ret, char *buf, size_t size)
{
	int n = dp_bpf_why(ret, buf, size);

	if (ret == -EPERM && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "; needs CAP_BPF and CAP_NET_ADMIN");
	return buf;
}

static const char *ifname_of(int ifindex, char buf[IF_NAMESIZE])
{
	if (ifindex <= 0 || !if_indextoname((unsigned)ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "#%d", ifindex);
	return buf;
}

/* ---- the object ----------------------------------------------------------- */

static void fds_init(struct dp_ebpf *dp)
{
	for (int i = 0; i < M_N; i++)
		dp->map_fd[i] = -1;
	for (int i = 0; i < P_N; i++)
		dp->prog_fd[i] = -1;
}

static void fds_close(struct dp_ebpf *dp)
{
	for (int i = 0; i < M_N; i++)
		if (dp->map_fd[i] >= 0)
			close(dp->map_fd[i]);
	for (int i = 0; i < P_N; i++)
		if (dp->prog_fd[i] >= 0)
			close(dp->prog_fd[i]);
	fds_init(dp);
}

static int dup_fd(int fd)
{
	int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);

	return d < 0 ? -errno : d;
}

/* ---- carrier hints: the programs' .rodata ------------------------------- */

/* Where dp_hint sits in the object's .rodata, from the object's BTF (the
 * .rodata section's variables); -1 with no such variable. */
static int rodata_hint_off(struct bpf_object *obj)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *sec;
	const struct btf_var_secinfo *v;
	int id;

	if (!btf)
		return -1;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	sec = id > 0 ? btf__type_by_id(btf, (uint32_t)id) : NULL;
	if (!sec)
		return -1;
	v = btf_var_secinfos(sec);
	for (unsigned i = 0; i < btf_vlen(sec); i++, v++) {
		const struct btf_type *var = btf__type_by_id(btf, v->type);
		const char *name = var ? btf__name_by_offset(btf, var->name_off) : NULL;

		if (name && !strcmp(name, "dp_hint") && v->size == sizeof(struct dp_hint_cfg))
			return (int)v->offset;
	}
	return -1;
}

/* The hint configuration of this kernel, learned once (dev_addr.h), or
 * zeros with the reason it is off. */
static struct dp_hint_cfg hint_cfg;
static int hint_known;          /* 0 not yet asked, 1 learned, -1 off */
static char hint_why[600];

static const struct dp_hint_cfg *hint_config(void)
{
	struct dp_dev_addr a;
	struct err err = { 0 };

	if (hint_known == 0) {
		if (devaddr_learn(0, &a, &err) == 0) {
			hint_cfg = a.cfg;
			hint_known = 1;
		} else {
			snprintf(hint_why, sizeof(hint_why), "%s", err.msg);
			hint_known = -1;
		}
	}
	return hint_known > 0 ? &hint_cfg : NULL;
}

const char *dp_ebpf_hints_why(void)
{
	hint_config();
	return hint_known > 0 ? NULL : hint_why;
}

/* Writes hint (NULL: zeros, the hints left out) into the opened object's
 * dp_hint. */
static int rodata_hint_set(struct bpf_object *obj, const struct dp_hint_cfg *hint)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, ".rodata");
	int off = rodata_hint_off(obj), ret;
	size_t size = 0;
	const char *data = m ? bpf_map__initial_value(m, &size) : NULL;
	char *copy;

	if (!data || off < 0 || (size_t)off + sizeof(*hint) > size)
		return -ENOENT;
	copy = malloc(size);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, size);
	if (hint)
		memcpy(copy + off, hint, sizeof(*hint));
	else
		memset(copy + off, 0, sizeof(*hint));
	ret = bpf_map__set_initial_value(m, copy, size);
	free(copy);
	return ret;
}

/* obj_load (below) with the hint configuration hint (NULL: none). */
static int obj_load_as(const int *reuse, unsigned want, const struct dp_hint_cfg *hint,
		       struct bpf_object **objp, struct err *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = OBJ_NAME);
	char why[512];
	struct bpf_object *obj;
	int ret;

	bpf_msgs_reset();
	*objp = NULL;
	obj = bpf_object__open_mem(bondd_bpf_obj, bondd_bpf_obj_len, &oo);
	if (!obj) {
		ret = errno ? -errno : -EINVAL;
		err_set(err, ret, "cannot open the kernel data path's BPF object: %s",
			bpf_reason(ret, why, sizeof(why)));
		return ret;
	}
	ret = rodata_hint_set(obj, hint);
	if (ret < 0) {
		err_set(err, ret, "the BPF object has no dp_hint in .rodata");
		goto fail;
	}
	for (int i = 0; i < M_N && reuse; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(obj, map_descs[i].name);

		ret = m ? bpf_map__reuse_fd(m, reuse[i]) : -ENOENT;
		if (ret < 0) {
			err_set(err, ret, "cannot reuse map %s for the BPF object: %s",
				map_descs[i].name, bpf_reason(ret, why, sizeof(why)));
			goto fail;
		}
	}
	for (int i = 0; i < P_N; i++) {
		struct bpf_program *p = bpf_object__find_program_by_name(obj, prog_names[i]);

		if (!p) {
			ret = -ENOENT;
			err_set(err, ret, "the BPF object has no program %s", prog_names[i]);
			goto fail;
		}
		if (!(want & 1u << i)) {
			ret = bpf_program__set_autoload(p, false);
			if (ret < 0) {
				err_set(err, ret, "cannot leave program %s out: %s", prog_names[i],
					bpf_reason(ret, why, sizeof(why)));
				goto fail;
			}
		}
	}
	ret = bpf_object__load(obj);
	if (ret < 0) {
		err_set(err, ret, "cannot load the kernel data path's BPF programs: %s",
			bpf_reason(ret, why, sizeof(why)));
		goto fail;
	}
	*objp = obj;
	return 0;
fail:
	bpf_object__close(obj);
	return ret;
}

/* Opens the embedded object and loads it. reuse: the maps' fds to use
 * instead of creating maps (a program loaded for maps that exist), or
 * NULL; want: the programs to load (a mask of 1 << P_*). With the carrier
 * hints where this kernel and our capabilities allow them (*hinted, if
 * not NULL, says whether): a load the verifier refuses with them (a kernel
 * or security module that refuses bpf_probe_read_kernel to tc programs)
 * is made again without, and the hints stay off
 * for the process, with the reason in dp_ebpf_hints_why(). The object is
 * closed by the caller. */
static int obj_load(const int *reuse, unsigned want, bool *hinted, struct bpf_object **objp,
		    struct err *err)
{
	const struct dp_hint_cfg *hint = hint_config();
	struct err first = { 0 };

	if (hinted)
		*hinted = false;
	if (hint && obj_load_as(reuse, want, hint, objp, &first) == 0) {
		if (hinted)
			*hinted = true;
		return 0;
	}
	if (hint) {
		snprintf(hint_why, sizeof(hint_why), "%s", first.msg);
		hint_known = -1;
	}
	return obj_load_as(reuse, want, NULL, objp, err);
}

/* Binds every map to prog_fd, so the program's info lists them all. */
static int bind_maps(struct dp_ebpf *dp, int prog_fd, struct err *err)
{
	for (int i = 0; i < M_N; i++) {
		int ret = bpf_prog_bind_map(prog_fd, dp->map_fd[i], NULL);

		if (ret < 0) {
			err_set(err, ret, "cannot bind map %s to its program (BPF_PROG_BIND_MAP): %s",
				map_descs[i].name, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* Takes dup()ed fds of the loaded programs (and maps, when maps is true)
 * out of obj. */
static int obj_take(struct dp_ebpf *dp, struct bpf_object *obj, bool maps, struct err *err)
{
	for (int i = 0; maps && i < M_N; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(obj, map_descs[i].name);
		int fd = m ? bpf_map__fd(m) : -ENOENT;

		fd = fd < 0 ? fd : dup_fd(fd);
		if (fd < 0) {
			err_set(err, fd, "the BPF object's map %s has no usable fd: %s",
				map_descs[i].name, strerror(-fd));
			return fd;
		}
		dp->map_fd[i] = fd;
	}
	for (int i = 0; i < P_N; i++) {
		struct bpf_program *p = bpf_object__find_program_by_name(obj, prog_names[i]);
		int fd;

		if (!p || !bpf_program__autoload(p))
			continue;
		fd = bpf_program__fd(p);
		fd = fd < 0 ? fd : dup_fd(fd);
		if (fd < 0) {
			err_set(err, fd, "the BPF object's program %s has no usable fd: %s",
				prog_names[i], strerror(-fd));
			return fd;
		}
		dp->prog_fd[i] = fd;
	}
	return 0;
}

int dp_ebpf_probe(struct err *err)
{
	struct bpf_object *obj;
	struct dp_ebpf *dp;
	int ret;

	/* Everything create does short of attaching: load, and bind the maps
	 * (BPF_PROG_BIND_MAP, which adoption depends on). */
	dp = calloc(1, sizeof(*dp));
	if (!dp) {
		err_set(err, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	fds_init(dp);
	ret = obj_load(NULL, PROGS_BOND, NULL, &obj, err);
	if (ret < 0)
		goto out;
	ret = obj_take(dp, obj, true, err);
	bpf_object__close(obj);
	for (int i = 0; i < P_N && ret == 0; i++)
		if (dp->prog_fd[i] >= 0)
			ret = bind_maps(dp, dp->prog_fd[i], err);
out:
	fds_close(dp);
	free(dp);
	return ret;
}

/* ---- kernel objects by id ------------------------------------------------- */

static int prog_info(int fd, struct bpf_prog_info *info, uint32_t *map_ids, uint32_t n_ids)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	info->nr_map_ids = n_ids;
	info->map_ids = (uint64_t)(uintptr_t)map_ids;
	return bpf_obj_get_info_by_fd(fd, info, &len);
}

/* Up to this many maps per program: ours, plus the few libbpf adds for
 * global data (.rodata, .bss). */
#define MAX_PROG_MAPS 32

/* dp_hint in the embedded object's .rodata (the adopted program is of our
 * version: its maps' layouts are checked); -1 unknown. */
static int embedded_hint_off(void)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = OBJ_NAME);
	static int off = -2;
	struct bpf_object *obj;

	if (off != -2)
		return off;
	obj = bpf_object__open_mem(bondd_bpf_obj, bondd_bpf_obj_len, &oo);
	off = obj ? rodata_hint_off(obj) : -1;
	bpf_object__close(obj);
	return off;
}

/* A program's .rodata map (libbpf names it "<object>.rodata"): whether the
 * adopted program writes carrier hints (its dp_hint). true: it was that
 * map, read. */
static bool rodata_hint_read(struct dp_ebpf *dp, int fd, const struct bpf_map_info *mi)
{
	size_t n = strlen(mi->name);
	struct dp_hint_cfg cfg;
	uint32_t key = 0;
	int off = embedded_hint_off();
	char *val;

	if (n < 7 || strcmp(mi->name + n - 7, ".rodata"))
		return false;
	if (off < 0 || (size_t)off + sizeof(cfg) > mi->value_size)
		return true;
	val = calloc(1, mi->value_size);
	if (val && bpf_map_lookup_elem(fd, &key, val) == 0) {
		memcpy(&cfg, val + off, sizeof(cfg));
		dp->hints = cfg.state_off != 0;
	}
	free(val);
	return true;
}

/* Finds the contract's maps among the program's maps (matched by name,
 * checked by layout) and opens them. */
static int maps_from_prog(struct dp_ebpf *dp, int prog_fd, struct err *err)
{
	uint32_t ids[MAX_PROG_MAPS];
	struct bpf_prog_info pi;
	int ret = prog_info(prog_fd, &pi, ids, MAX_PROG_MAPS);

	if (ret < 0) {
		err_set(err, ret, "cannot read the attached program's info: %s", strerror(-ret));
		return ret;
	}
	for (uint32_t i = 0; i < pi.nr_map_ids && i < MAX_PROG_MAPS; i++) {
		struct bpf_map_info mi;
		uint32_t len = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);
		int k;

		if (fd < 0) {
			err_set(err, fd, "cannot open map id %u of the attached program: %s",
				ids[i], strerror(-fd));
			return fd;
		}
		memset(&mi, 0, sizeof(mi));
		ret = bpf_obj_get_info_by_fd(fd, &mi, &len);
		if (ret < 0) {
			close(fd);
			err_set(err, ret, "cannot read the info of map id %u: %s", ids[i],
				strerror(-ret));
			return ret;
		}
		if (rodata_hint_read(dp, fd, &mi)) {
			close(fd);
			continue;
		}
		for (k = 0; k < M_N; k++)
			if (!strcmp(mi.name, map_descs[k].name))
				break;
		if (k == M_N || dp->map_fd[k] >= 0) {
			close(fd);
			continue;
		}
		if (mi.type != map_descs[k].type || mi.key_size != map_descs[k].key_size ||
		    mi.value_size != map_descs[k].value_size) {
			close(fd);
			err_set(err, -EPROTO, "map %s (id %u) left by an earlier bondd has another "
				"layout (type %u, key %u, value %u bytes; this bondd wants %u, %u, %u): "
				"another version, cannot adopt it", mi.name, ids[i], mi.type,
				mi.key_size, mi.value_size, map_descs[k].type,
				map_descs[k].key_size, map_descs[k].value_size);
			return -EPROTO;
		}
		dp->map_fd[k] = fd;
	}
	for (int k = 0; k < M_N; k++) {
		if (dp->map_fd[k] < 0) {
			err_set(err, -EPROTO, "the program left by an earlier bondd has no map %s: "
				"another version, cannot adopt it", map_descs[k].name);
			return -EPROTO;
		}
	}
	return 0;
}

static int id_of(int fd, uint32_t *id)
{
	struct bpf_prog_info info;   /* the largest of the infos we read */
	uint32_t len = sizeof(info);
	int ret;

	memset(&info, 0, sizeof(info));
	ret = bpf_obj_get_info_by_fd(fd, &info, &len);
	if (ret < 0)
		return ret;
	/* bpf_prog_info, bpf_map_info: both start with type, id. */
	*id = info.id;
	return 0;
}

/* Is fd a program of our name whose maps include our dp_cfg? */
static bool prog_is_ours(int fd, const char *name, uint32_t cfg_id)
{
	uint32_t ids[MAX_PROG_MAPS];
	struct bpf_prog_info pi;

	if (prog_info(fd, &pi, ids, MAX_PROG_MAPS) < 0 || strcmp(pi.name, name))
		return false;
	for (uint32_t i = 0; i < pi.nr_map_ids && i < MAX_PROG_MAPS; i++)
		if (ids[i] == cfg_id)
			return true;
	return false;
}

/* A program of the adopted object other than the TAP's (which): the
 * receive program the slaves' filters run, the VLAN TAPs' transmit
 * program. From the pin, else among the kernel's programs (one of that
 * name on our maps), else, with load, loaded anew on the adopted maps
 * (nothing referred to the old one any more, so nothing runs it). */
static int prog_find(struct dp_ebpf *dp, int which, bool load, struct err *err)
{
	char path[PATH_MAX + 16];
	uint32_t cfg_id, id = 0;
	struct bpf_object *obj;
	int fd, ret;

	ret = id_of(dp->map_fd[M_CFG], &cfg_id);
	if (ret < 0) {
		err_set(err, ret, "cannot read the id of map %s: %s", DP_MAP_CFG, strerror(-ret));
		return ret;
	}
	snprintf(path, sizeof(path), "%s/%s", dp->pin_dir, prog_names[which]);
	fd = bpf_obj_get(path);
	if (fd >= 0 && prog_is_ours(fd, prog_names[which], cfg_id)) {
		dp->prog_fd[which] = fd;
		return 0;
	}
	if (fd >= 0)
		close(fd);
	while (bpf_prog_get_next_id(id, &id) == 0) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;       /* freed meanwhile */
		if (prog_is_ours(fd, prog_names[which], cfg_id)) {
			dp->prog_fd[which] = fd;
			return 0;
		}
		close(fd);
	}
	if (!load)
		return 0;
	ret = obj_load(dp->map_fd, 1u << which, NULL, &obj, err);
	if (ret < 0)
		return ret;
	ret = obj_take(dp, obj, false, err);
	bpf_object__close(obj);
	if (ret < 0)
		return ret;
	return bind_maps(dp, dp->prog_fd[which], err);
}

/* ---- pins ----------------------------------------------------------------- */

static int pin_dir_of(const char *bond, char *dir, size_t size, struct err *err)
{
	struct stat st;

	/* The name becomes a directory: what an interface name cannot be. */
	if (!bond || !*bond || strlen(bond) >= IFNAMSIZ || strchr(bond, '/') ||
	    !strcmp(bond, ".") || !strcmp(bond, "..")) {
		err_set(err, -EINVAL, "invalid bond name \"%s\"", bond ? bond : "");
		return -EINVAL;
	}
	/* The network namespace's inode names it for as long as it lives. */
	if (stat("/proc/self/ns/net", &st) < 0) {
		err_set(err, -errno, "cannot stat /proc/self/ns/net: %s", strerror(errno));
		return -errno;
	}
	snprintf(dir, size, "%s/%lu/%s", DP_EBPF_PIN_ROOT, (unsigned long)st.st_ino, bond);
	return 0;
}

static bool is_bpffs(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && sf.f_type == BPF_FS_MAGIC;
}

static int mkdir_ok(const char *path)
{
	return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -errno;
}

static void pins_remove_dir(const char *dir)
{
	char path[PATH_MAX + 16];
	char *slash;

	for (int i = 0; i < M_N; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, map_descs[i].name);
		unlink(path);
	}
	for (int i = 0; i < P_N; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, prog_names[i]);
		unlink(path);
	}
	/* The bond's directory, then its namespace's and the root when they
	 * are empty now (ENOTEMPTY: another bond still has pins there). */
	snprintf(path, sizeof(path), "%s", dir);
	for (int up = 0; up < 3; up++) {
		if (rmdir(path) < 0)
			break;
		slash = strrchr(path, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
}

static int pin_one(int fd, const char *dir, const char *name)
{
	char path[PATH_MAX + 16];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ret = bpf_obj_pin(fd, path);
	if (ret == -EEXIST) {
		/* A stale pin (another object): ours replaces it. */
		if (unlink(path) < 0)
			return -errno;
		ret = bpf_obj_pin(fd, path);
	}
	return ret;
}

/* Pins maps and programs; on any failure nothing stays pinned and dp is
 * "not pinned" (adoption then goes through the TAP's filter alone). */
static void pins_create(struct dp_ebpf *dp)
{
	char path[PATH_MAX];
	char *p;

	dp->pinned = false;
	if (!is_bpffs(BPFFS_MOUNT) &&
	    mount("bpf", BPFFS_MOUNT, "bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") < 0)
		return;
	/* mkdir -p of DP_EBPF_PIN_ROOT/<netns>/<bond> */
	snprintf(path, sizeof(path), "%s", dp->pin_dir);
	for (p = path + strlen(BPFFS_MOUNT) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir_ok(path) < 0)
			return;
		*p = '/';
	}
	if (mkdir_ok(path) < 0)
		return;
	for (int i = 0; i < M_N; i++)
		if (pin_one(dp->map_fd[i], dp->pin_dir, map_descs[i].name) < 0)
			goto fail;
	for (int i = 0; i < P_N; i++)
		if (dp->prog_fd[i] >= 0 && pin_one(dp->prog_fd[i], dp->pin_dir, prog_names[i]) < 0)
			goto fail;
	dp->pinned = true;
	return;
fail:
	pins_remove_dir(dp->pin_dir);
}

/* Do the pins name exactly dp's maps and programs? */
static bool pins_match(struct dp_ebpf *dp)
{
	char path[PATH_MAX + 16];

	for (int i = 0; i < M_N + P_N; i++) {
		const char *name = i < M_N ? map_descs[i].name : prog_names[i - M_N];
		int want_fd = i < M_N ? dp->map_fd[i] : dp->prog_fd[i - M_N];
		uint32_t a, b;
		int fd;
		bool same;

		if (want_fd < 0)
			continue;       /* not loaded (yet): bond_vlan_tx */
		snprintf(path, sizeof(path), "%s/%s", dp->pin_dir, name);
		fd = bpf_obj_get(path);
		if (fd < 0)
			return false;
		same = id_of(fd, &a) == 0 && id_of(want_fd, &b) == 0 && a == b;
		close(fd);
		if (!same)
			return false;
	}
	return true;
}

/* ---- tc ------------------------------------------------------------------- */

static void tc_hook_init(struct bpf_tc_hook *h, int ifindex, enum bpf_tc_attach_point ap)
{
	memset(h, 0, sizeof(*h));
	h->sz = sizeof(*h);
	h->ifindex = ifindex;
	h->attach_point = ap;
}

static void tc_opts_init(struct bpf_tc_opts *o, enum bpf_tc_attach_point ap)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->handle = ap == BPF_TC_INGRESS ? DP_EBPF_RX_HANDLE : DP_EBPF_HANDLE;
	o->priority = ap == BPF_TC_INGRESS ? DP_EBPF_RX_PRIO : DP_EBPF_PRIO;
}

/* Our filter's program id on the hook, 0 when there is none (no clsact
 * answers EINVAL, no filter ENOENT). */
static int tc_query_id(int ifindex, enum bpf_tc_attach_point ap, uint32_t *prog_id)
{
	struct bpf_tc_hook h;
	struct bpf_tc_opts o;
	int ret;

	/* (a query on a device without clsact makes libbpf print the
	 * kernel's complaint) */
	bpf_print_setup();
	tc_hook_init(&h, ifindex, ap);
	tc_opts_init(&o, ap);
	*prog_id = 0;
	ret = bpf_tc_query(&h, &o);
	if (ret == -ENOENT || ret == -EINVAL)
		return 0;
	if (ret < 0)
		return ret;
	*prog_id = o.prog_id;
	return 0;
}

/* Attaches prog_fd (replacing our filter if there), creating clsact when
 * absent; *created says whether we did. */
static int tc_attach(int ifindex, enum bpf_tc_attach_point ap, int prog_fd, bool *created,
		     struct err *err)
{
	const char *dir = ap == BPF_TC_EGRESS ? "egress" : "ingress";
	char nbuf[IF_NAMESIZE], why[512];
	struct bpf_tc_hook h;
	struct bpf_tc_opts o;
	int ret;

	tc_hook_init(&h, ifindex, ap);
	bpf_msgs_reset();
	ret = bpf_tc_hook_create(&h);
	*created = ret == 0;
	if (ret < 0 && ret != -EEXIST) {
		err_set(err, ret, "%s: cannot add tc qdisc clsact: %s", ifname_of(ifindex, nbuf),
			bpf_reason(ret, why, sizeof(why)));
		return ret;
	}
	tc_opts_init(&o, ap);
	o.prog_fd = prog_fd;
	o.flags = BPF_TC_F_REPLACE;
	ret = bpf_tc_attach(&h, &o);
	if (ret < 0) {
		err_set(err, ret, "%s: cannot attach the data path's program to tc %s: %s",
			ifname_of(ifindex, nbuf), dir, bpf_reason(ret, why, sizeof(why)));
		if (*created) {
			h.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
			bpf_tc_hook_destroy(&h);
			*created = false;
		}
		return ret;
	}
	return 0;
}

/* Removes our filter (absent is fine), then the clsact qdisc when
 * remove_qdisc and no filter at all is left on the device. */
static int tc_detach(int ifindex, enum bpf_tc_attach_point ap, bool remove_qdisc,
		     struct err *err)
{
	char nbuf[IF_NAMESIZE], why[512];
	struct hide_probe hp;
	struct bpf_tc_hook h;
	struct bpf_tc_opts o;
	struct rtnl *r;
	struct err e;
	int ret;

	tc_hook_init(&h, ifindex, ap);
	tc_opts_init(&o, ap);
	bpf_msgs_reset();
	ret = bpf_tc_detach(&h, &o);
	/* Gone already: filter (ENOENT), qdisc (EINVAL), device (ENODEV). */
	if (ret < 0 && ret != -ENOENT && ret != -EINVAL && ret != -ENODEV) {
		err_set(err, ret, "%s: cannot detach the data path's program from tc %s: %s",
			ifname_of(ifindex, nbuf), ap == BPF_TC_EGRESS ? "egress" : "ingress",
			bpf_reason(ret, why, sizeof(why)));
		return ret;
	}
	if (!remove_qdisc || ret == -ENODEV)
		return 0;
	err_clear(&e);
	r = rtnl_open(false, &e);
	ret = r ? hide_probe(r, ifindex, &hp, &e) : (e.code ? e.code : -EIO);
	if (r)
		rtnl_close(r);
	if (ret == -ENODEV)
		return 0;
	if (ret < 0) {
		if (err)
			*err = e;
		return ret;
	}
	if (!hp.has_clsact || hp.n_filters)
		return 0;
	h.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	ret = bpf_tc_hook_destroy(&h);
	if (ret < 0 && ret != -ENOENT && ret != -EINVAL && ret != -ENODEV) {
		err_set(err, ret, "%s: cannot remove tc qdisc clsact: %s",
			ifname_of(ifindex, nbuf), bpf_reason(ret, why, sizeof(why)));
		return ret;
	}
	return 0;
}

/* ---- VLAN sub-interfaces ------------------------------------------------- */

static int vlan_slot(const struct dp_ebpf *dp, uint16_t vid, int ifindex)
{
	for (unsigned i = 0; i < dp->n_vlans; i++)
		if (dp->vlans[i].vid == vid || dp->vlans[i].ifindex == ifindex)
			return (int)i;
	return -1;
}

static void vlan_forget(struct dp_ebpf *dp, uint16_t vid, int ifindex)
{
	for (unsigned i = 0; i < dp->n_vlans;) {
		if (dp->vlans[i].vid == vid || dp->vlans[i].ifindex == ifindex)
			dp->vlans[i] = dp->vlans[--dp->n_vlans];
		else
			i++;
	}
}

/* Adoption: the VLAN sub-interfaces an earlier daemon added, from
 * dp_vlan_ifs (at most DP_MAX_VLANS entries, where dp_vlans would be 4096
 * reads). Entries stay as they are, so the VLANs' frames keep flowing; a
 * TAP that no longer exists can receive nothing, and its entries go. The
 * live ones are remembered, so that dp_ebpf_destroy takes their filters
 * away even when the daemon does not add them again. */
static int vlans_find(struct dp_ebpf *dp, struct err *err)
{
	static const struct dp_vlan none;
	uint32_t key, next, stale[DP_MAX_VLANS][2];
	const void *prev = NULL;
	unsigned n_stale = 0, walked = 0;
	char nbuf[IF_NAMESIZE];
	struct dp_vlan_if vi;
	struct dp_vlan cur;
	int ret;

	while (walked++ < 2 * DP_MAX_VLANS &&
	       bpf_map_get_next_key(dp->map_fd[M_VLAN_IFS], prev, &next) == 0) {
		key = next;
		prev = &key;
		ret = bpf_map_lookup_elem(dp->map_fd[M_VLAN_IFS], &key, &vi);
		if (ret == -ENOENT)
			continue;
		if (ret < 0) {
			err_set(err, ret, "cannot read map %s: %s", DP_MAP_VLAN_IFS, strerror(-ret));
			return ret;
		}
		if (!if_indextoname(key, nbuf)) {
			if (n_stale < DP_MAX_VLANS) {
				stale[n_stale][0] = key;
				stale[n_stale++][1] = vi.vid;
			}
			continue;
		}
		if (vi.vid < 1 || vi.vid > 4094 || dp->n_vlans == DP_MAX_VLANS ||
		    vlan_slot(dp, (uint16_t)vi.vid, (int)key) >= 0)
			continue;
		dp->vlans[dp->n_vlans++] = (struct dp_vlan_ent){ (uint16_t)vi.vid, (int)key };
	}
	for (unsigned i = 0; i < n_stale; i++) {
		key = stale[i][0];
		bpf_map_delete_elem(dp->map_fd[M_VLAN_IFS], &key);
		if (stale[i][1] >= DP_VLAN_IDS)
			continue;
		if (bpf_map_lookup_elem(dp->map_fd[M_VLANS], &stale[i][1], &cur) == 0 &&
		    cur.ifindex == key)
			bpf_map_update_elem(dp->map_fd[M_VLANS], &stale[i][1], &none, BPF_EXIST);
	}
	return 0;
}

/* A counter slot no sub-interface uses (every entry of dp_vlan_ifs, an
 * adopted one included), with its counters zeroed; -ENOSPC when all are. */
static int vlan_new_slot(struct dp_ebpf *dp, uint32_t *slot)
{
	size_t vsz = (sizeof(struct dp_vlan_stats) + 7) & ~(size_t)7;
	bool used[DP_MAX_VLANS] = { false };
	uint32_t key, next;
	const void *prev = NULL;
	struct dp_vlan_if vi;
	unsigned walked = 0;

	while (walked++ < 2 * DP_MAX_VLANS &&
	       bpf_map_get_next_key(dp->map_fd[M_VLAN_IFS], prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(dp->map_fd[M_VLAN_IFS], &key, &vi) == 0 &&
		    vi.slot < DP_MAX_VLANS)
			used[vi.slot] = true;
	}
	for (uint32_t i = 0; i < DP_MAX_VLANS; i++) {
		if (used[i])
			continue;
		memset(dp->pcpu, 0, vsz * (size_t)dp->ncpus);
		*slot = i;
		return bpf_map_update_elem(dp->map_fd[M_VSTATS], &i, dp->pcpu, BPF_ANY);
	}
	return -ENOSPC;
}

/* bond_vlan_tx on the bond's maps, loaded with the first VLAN (the pin or
 * the kernel's copy when adoption found one), bound to every map and
 * pinned beside the rest. */
static int vlan_tx_prog(struct dp_ebpf *dp, struct err *err)
{
	struct bpf_object *obj;
	int ret;

	if (dp->prog_fd[P_VLAN_TX] >= 0)
		return 0;
	ret = obj_load(dp->map_fd, 1u << P_VLAN_TX, NULL, &obj, err);
	if (ret < 0)
		return ret;
	ret = obj_take(dp, obj, false, err);
	bpf_object__close(obj);
	if (ret == 0)
		ret = bind_maps(dp, dp->prog_fd[P_VLAN_TX], err);
	if (ret < 0) {
		if (dp->prog_fd[P_VLAN_TX] >= 0)
			close(dp->prog_fd[P_VLAN_TX]);
		dp->prog_fd[P_VLAN_TX] = -1;
		return ret;
	}
	if (dp->pinned && pin_one(dp->prog_fd[P_VLAN_TX], dp->pin_dir, DP_PROG_VLAN_TX) < 0) {
		/* Pins all or none: adoption then goes through the TAP's filter. */
		pins_remove_dir(dp->pin_dir);
		dp->pinned = false;
	}
	return 0;
}

int dp_ebpf_vlan_add(struct dp_ebpf *dp, uint16_t vid, int tap_ifindex, struct err *err)
{
	static const struct dp_vlan none;
	uint32_t key = vid, ifx = (uint32_t)tap_ifindex;
	struct dp_vlan old = { 0 }, want;
	struct dp_vlan_if old_if = { 0 }, want_if;
	bool created = false, had_if = false;
	int slot, ret;

	if (vid < 1 || vid > 4094) {
		err_set(err, -EINVAL, "%s: VLAN id %u is not in 1..4094", dp->bond, vid);
		return -EINVAL;
	}
	if (tap_ifindex <= 0) {
		err_set(err, -EINVAL, "%s: VLAN %u: no TAP (ifindex %d)", dp->bond, vid, tap_ifindex);
		return -EINVAL;
	}
	slot = vlan_slot(dp, vid, tap_ifindex);
	if (slot < 0 && dp->n_vlans == DP_MAX_VLANS) {
		err_set(err, -ENOSPC, "%s: more than %d VLAN sub-interfaces", dp->bond, DP_MAX_VLANS);
		return -ENOSPC;
	}
	ret = vlan_tx_prog(dp, err);
	if (ret < 0)
		return ret;
	/* What the maps say now (an adopted VLAN, or a stale entry). */
	ret = bpf_map_lookup_elem(dp->map_fd[M_VLANS], &key, &old);
	if (ret == 0) {
		ret = bpf_map_lookup_elem(dp->map_fd[M_VLAN_IFS], &ifx, &old_if);
		had_if = ret == 0;
		ret = ret == -ENOENT ? 0 : ret;
	}
	if (ret < 0) {
		err_set(err, ret, "%s: VLAN %u: cannot read the data path's VLAN maps: %s",
			dp->bond, vid, strerror(-ret));
		return ret;
	}
	/* The same VLAN on the same TAP again (a restarted daemon adds its
	 * VLANs again): its counters go on. Else a new slot, zeroed. */
	want_if.vid = vid;
	if (had_if && old_if.vid == vid && old_if.slot < DP_MAX_VLANS) {
		want_if.slot = old_if.slot;
	} else {
		ret = vlan_new_slot(dp, &want_if.slot);
		if (ret < 0) {
			err_set(err, ret, "%s: VLAN %u: no counter slot in map %s: %s", dp->bond,
				vid, DP_MAP_VSTATS, strerror(-ret));
			return ret;
		}
	}
	want = (struct dp_vlan){ ifx, want_if.slot };
	/* Transmit first (the program needs the VID before it runs), then
	 * receive: frames of that VID reach the TAP only once it can answer. */
	ret = bpf_map_update_elem(dp->map_fd[M_VLAN_IFS], &ifx, &want_if, BPF_ANY);
	if (ret < 0) {
		err_set(err, ret, "%s: VLAN %u: cannot write map %s: %s", dp->bond, vid,
			DP_MAP_VLAN_IFS, strerror(-ret));
		return ret;
	}
	ret = tc_attach(tap_ifindex, BPF_TC_EGRESS, dp->prog_fd[P_VLAN_TX], &created, err);
	if (ret < 0)
		goto undo_ifs;
	ret = bpf_map_update_elem(dp->map_fd[M_VLANS], &key, &want, BPF_EXIST);
	if (ret < 0) {
		err_set(err, ret, "%s: VLAN %u: cannot write map %s: %s", dp->bond, vid,
			DP_MAP_VLANS, strerror(-ret));
		if (!had_if)
			tc_detach(tap_ifindex, BPF_TC_EGRESS, created, NULL);
		goto undo_ifs;
	}
	/* Entries this one replaces: the VID's earlier TAP (gone, or
	 * re-created with another ifindex), this TAP's earlier VID. */
	if (old.ifindex && old.ifindex != ifx) {
		struct dp_vlan_if v;

		if (bpf_map_lookup_elem(dp->map_fd[M_VLAN_IFS], &old.ifindex, &v) == 0 &&
		    v.vid == vid)
			bpf_map_delete_elem(dp->map_fd[M_VLAN_IFS], &old.ifindex);
		tc_detach((int)old.ifindex, BPF_TC_EGRESS, true, NULL);
		vlan_forget(dp, vid, (int)old.ifindex);
	}
	if (had_if && old_if.vid != vid && old_if.vid < DP_VLAN_IDS) {
		struct dp_vlan t;

		if (bpf_map_lookup_elem(dp->map_fd[M_VLANS], &old_if.vid, &t) == 0 &&
		    t.ifindex == ifx)
			bpf_map_update_elem(dp->map_fd[M_VLANS], &old_if.vid, &none, BPF_EXIST);
		vlan_forget(dp, (uint16_t)old_if.vid, tap_ifindex);
	}
	slot = vlan_slot(dp, vid, tap_ifindex);
	if (slot < 0)
		slot = (int)dp->n_vlans++;
	dp->vlans[slot] = (struct dp_vlan_ent){ vid, tap_ifindex };
	return 0;
undo_ifs:
	if (had_if)
		bpf_map_update_elem(dp->map_fd[M_VLAN_IFS], &ifx, &old_if, BPF_ANY);
	else
		bpf_map_delete_elem(dp->map_fd[M_VLAN_IFS], &ifx);
	return ret;
}

int dp_ebpf_vlan_del(struct dp_ebpf *dp, uint16_t vid, int tap_ifindex, struct err *err)
{
	static const struct dp_vlan none;
	uint32_t key = vid, ifx = (uint32_t)tap_ifindex;
	struct dp_vlan_if cur_if = { 0 };
	struct dp_vlan cur = { 0 };
	char nbuf[IF_NAMESIZE];
	bool known;
	int ret, r2;

	if (vid < 1 || vid > 4094 || tap_ifindex <= 0) {
		err_set(err, -EINVAL, "%s: VLAN %u on ifindex %d: not a VLAN sub-interface",
			dp->bond, vid, tap_ifindex);
		return -EINVAL;
	}
	ret = bpf_map_lookup_elem(dp->map_fd[M_VLANS], &key, &cur);
	if (ret == 0) {
		ret = bpf_map_lookup_elem(dp->map_fd[M_VLAN_IFS], &ifx, &cur_if);
		ret = ret == -ENOENT ? 0 : ret;
	}
	if (ret < 0) {
		err_set(err, ret, "%s: VLAN %u: cannot read the data path's VLAN maps: %s",
			dp->bond, vid, strerror(-ret));
		return ret;
	}
	known = cur.ifindex == ifx || cur_if.vid == vid || vlan_slot(dp, vid, tap_ifindex) >= 0;
	if (!known) {
		err_set(err, -ENOENT, "%s: VLAN %u on %s is not in the data path", dp->bond, vid,
			ifname_of(tap_ifindex, nbuf));
		return -ENOENT;
	}
	/* Receive first: from now on that VID's frames reach the bond's TAP
	 * tagged, as the kernel's once the VLAN device is gone. */
	if (cur.ifindex == ifx) {
		ret = bpf_map_update_elem(dp->map_fd[M_VLANS], &key, &none, BPF_EXIST);
		if (ret < 0) {
			err_set(err, ret, "%s: VLAN %u: cannot clear its entry in map %s: %s",
				dp->bond, vid, DP_MAP_VLANS, strerror(-ret));
			return ret;
		}
	}
	/* The VLAN TAP is bondd's own device: its clsact goes when empty. */
	ret = tc_detach(tap_ifindex, BPF_TC_EGRESS, true, err);
	if (cur_if.vid == vid) {
		r2 = bpf_map_delete_elem(dp->map_fd[M_VLAN_IFS], &ifx);
		if (r2 < 0 && r2 != -ENOENT && ret == 0) {
			err_set(err, r2, "%s: VLAN %u: cannot delete its entry in map %s: %s",
				dp->bond, vid, DP_MAP_VLAN_IFS, strerror(-r2));
			ret = r2;
		}
	}
	vlan_forget(dp, vid, tap_ifindex);
	return ret;
}

int dp_ebpf_vlan_stats(struct dp_ebpf *dp, uint16_t vid, struct dp_vlan_stats *out)
{
	size_t vsz = (sizeof(*out) + 7) & ~(size_t)7;
	uint32_t key = vid;
	struct dp_vlan v;
	int ret;

	memset(out, 0, sizeof(*out));
	if (vid < 1 || vid > 4094)
		return -ENOENT;
	ret = bpf_map_lookup_elem(dp->map_fd[M_VLANS], &key, &v);
	if (ret < 0)
		return ret;
	if (!v.ifindex || v.slot >= DP_MAX_VLANS)
		return -ENOENT;
	ret = bpf_map_lookup_elem(dp->map_fd[M_VSTATS], &v.slot, dp->pcpu);
	if (ret < 0)
		return ret;
	for (int c = 0; c < dp->ncpus; c++) {
		const struct dp_vlan_stats *st = (const void *)((char *)dp->pcpu + vsz * (size_t)c);

		out->rx_packets += st->rx_packets;
		out->rx_bytes += st->rx_bytes;
		out->tx_packets += st->tx_packets;
		out->tx_bytes += st->tx_bytes;
		out->tx_dropped += st->tx_dropped;
		out->tx_to_daemon += st->tx_to_daemon;
	}
	return 0;
}

/* ---- create, adopt, let go ------------------------------------------------ */

static struct dp_ebpf *dp_new(const char *bond, int tap_ifindex, struct err *err)
{
	struct dp_ebpf *dp;
	size_t vsz = sizeof(struct dp_slave_stats);
	char dir[PATH_MAX];
	int ncpus;

	if (pin_dir_of(bond, dir, sizeof(dir), err) < 0)
		return NULL;
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		err_set(err, ncpus < 0 ? ncpus : -EINVAL, "cannot count the possible CPUs: %s",
			strerror(ncpus < 0 ? -ncpus : EINVAL));
		return NULL;
	}
	dp = calloc(1, sizeof(*dp));
	if (dp)
		dp->pcpu = calloc((size_t)ncpus, (vsz + 7) & ~(size_t)7);
	if (!dp || !dp->pcpu) {
		free(dp);
		err_set(err, -ENOMEM, "%s: out of memory", bond);
		return NULL;
	}
	snprintf(dp->bond, sizeof(dp->bond), "%s", bond);
	dp->tap_ifindex = tap_ifindex;
	dp->ncpus = ncpus;
	fds_init(dp);
	memcpy(dp->pin_dir, dir, sizeof(dir));
	return dp;
}

static void dp_free(struct dp_ebpf *dp)
{
	ring_buffer__free(dp->rb);
	fds_close(dp);
	free(dp->pcpu);
	free(dp);
}

static int on_hint(void *ctx, void *data, size_t size)
{
	struct dp_ebpf *dp = ctx;

	if (size >= sizeof(struct dp_hint) && dp->hint_cb)
		dp->hint_cb(data, dp->hint_arg);
	return 0;
}

/* The reader of dp_hints, when the programs write hints; without one (the
 * ring cannot be mapped) the hints are off for this bond. */
static void hints_open(struct dp_ebpf *dp)
{
	if (!dp->hints)
		return;
	dp->rb = ring_buffer__new(dp->map_fd[M_HINTS], on_hint, dp, NULL);
	if (!dp->rb) {
		snprintf(hint_why, sizeof(hint_why), "cannot map the ring buffer %s: %s",
			 DP_MAP_HINTS, strerror(errno));
		dp->hints = false;
	}
}

struct dp_ebpf *dp_ebpf_create(const char *bond, int tap_ifindex, struct err *err)
{
	struct dp_ebpf *dp = dp_new(bond, tap_ifindex, err);
	struct bpf_object *obj;
	int ret;

	if (!dp)
		return NULL;
	if (obj_load(NULL, PROGS_BOND, &dp->hints, &obj, err) < 0)
		goto fail;
	ret = obj_take(dp, obj, true, err);
	bpf_object__close(obj);
	if (ret < 0)
		goto fail;
	for (int i = 0; i < P_N; i++)
		if (dp->prog_fd[i] >= 0 && bind_maps(dp, dp->prog_fd[i], err) < 0)
			goto fail;
	if (tc_attach(tap_ifindex, BPF_TC_EGRESS, dp->prog_fd[P_TX], &dp->tap_qdisc_ours, err) < 0)
		goto fail;
	pins_create(dp);
	hints_open(dp);
	return dp;
fail:
	dp_free(dp);
	return NULL;
}

/* Adoption: which slave each dp_stats slot belongs to, from dp_slaves. */
static void slots_read(struct dp_ebpf *dp)
{
	uint32_t key, next;
	uint32_t *prev = NULL;

	while (bpf_map_get_next_key(dp->map_fd[M_SLAVES], prev, &next) == 0) {
		struct dp_slave v;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(dp->map_fd[M_SLAVES], &key, &v) == 0 &&
		    v.slot < DP_MAX_SLAVES && !dp->slot_ifx[v.slot] && key > 0)
			dp->slot_ifx[v.slot] = (int)key;
	}
}

struct dp_ebpf *dp_ebpf_adopt(const char *bond, int tap_ifindex, struct err *err)
{
	struct dp_ebpf *dp = dp_new(bond, tap_ifindex, err);
	char path[PATH_MAX + 16], nbuf[IF_NAMESIZE];
	struct bpf_prog_info pi;
	uint32_t prog_id;
	bool from_pin = false;
	int fd, ret;

	if (!dp)
		return NULL;
	ret = tc_query_id(tap_ifindex, BPF_TC_EGRESS, &prog_id);
	if (ret < 0) {
		err_set(err, ret, "%s: cannot look for the data path's filter on tc egress: %s",
			ifname_of(tap_ifindex, nbuf), strerror(-ret));
		goto fail;
	}
	if (prog_id) {
		fd = bpf_prog_get_fd_by_id(prog_id);
		if (fd < 0) {
			err_set(err, fd, "%s: cannot open the program (id %u) of the filter on tc "
				"egress: %s", ifname_of(tap_ifindex, nbuf), prog_id, strerror(-fd));
			goto fail;
		}
	} else {
		/* No filter on the TAP (a new TAP, or removed): the pins keep
		 * the maps and their contents. */
		snprintf(path, sizeof(path), "%s/%s", dp->pin_dir, DP_PROG_TX);
		fd = bpf_obj_get(path);
		if (fd < 0) {
			err_set(err, -ENOENT, "%s: no kernel data path to adopt (no filter on tc "
				"egress, no pins in %s)", bond, dp->pin_dir);
			goto fail;
		}
		from_pin = true;
	}
	dp->prog_fd[P_TX] = fd;
	ret = prog_info(fd, &pi, NULL, 0);
	if (ret < 0 || strcmp(pi.name, DP_PROG_TX)) {
		err_set(err, -EPROTO, "%s: the filter on tc egress (handle 0x%x, priority 0x%x) "
			"runs program \"%s\", not bondd's %s: cannot adopt it",
			ifname_of(tap_ifindex, nbuf), DP_EBPF_HANDLE, DP_EBPF_PRIO,
			ret < 0 ? "?" : pi.name, DP_PROG_TX);
		goto fail;
	}
	if (maps_from_prog(dp, fd, err) < 0 || prog_find(dp, P_RX, true, err) < 0 ||
	    prog_find(dp, P_VLAN_TX, false, err) < 0 || vlans_find(dp, err) < 0)
		goto fail;
	if (from_pin) {
		if (tc_attach(tap_ifindex, BPF_TC_EGRESS, fd, &dp->tap_qdisc_ours, err) < 0)
			goto fail;
	} else {
		dp->tap_qdisc_ours = true;
	}
	if (pins_match(dp)) {
		dp->pinned = true;
	} else {
		pins_remove_dir(dp->pin_dir);
		pins_create(dp);
	}
	slots_read(dp);
	/* Bytes counted before adoption were the previous daemon's. */
	for (unsigned b = 0; b < DP_TLB_BUCKETS; b++) {
		struct dp_tlb_bucket v;

		if (bpf_map_lookup_elem(dp->map_fd[M_TLB], &b, &v) == 0)
			dp->tlb_seen[b] = v.tx_bytes;
	}
	hints_open(dp);
	return dp;
fail:
	dp_free(dp);
	return NULL;
}

int dp_ebpf_attach_rx(struct dp_ebpf *dp, int slave_ifindex, bool *created_qdisc,
		      struct err *err)
{
	unsigned i;
	int ret;

	*created_qdisc = false;
	for (i = 0; i < dp->n_rx && dp->rx[i].ifindex != slave_ifindex; i++)
		;
	if (i == dp->n_rx && i == ARRAY_SIZE(dp->rx)) {
		err_set(err, -ENOSPC, "%s: more than %d slaves", dp->bond, DP_MAX_SLAVES);
		return -ENOSPC;
	}
	ret = tc_attach(slave_ifindex, BPF_TC_INGRESS, dp->prog_fd[P_RX], created_qdisc, err);
	if (ret < 0)
		return ret;
	if (i == dp->n_rx)
		dp->rx[dp->n_rx++] = (struct dp_rx){ slave_ifindex, false };
	dp->rx[i].created_qdisc |= *created_qdisc;
	return 0;
}

int dp_ebpf_detach_rx(struct dp_ebpf *dp, int slave_ifindex, bool remove_qdisc,
		      struct err *err)
{
	int ret = tc_detach(slave_ifindex, BPF_TC_INGRESS, remove_qdisc, err);

	if (ret < 0 || !dp)
		return ret;
	for (unsigned i = 0; i < dp->n_rx; i++) {
		if (dp->rx[i].ifindex == slave_ifindex) {
			dp->rx[i] = dp->rx[--dp->n_rx];
			break;
		}
	}
	return 0;
}

bool dp_ebpf_rx_attached(int slave_ifindex)
{
	uint32_t id;

	return tc_query_id(slave_ifindex, BPF_TC_INGRESS, &id) == 0 && id;
}

bool dp_ebpf_pinned(const struct dp_ebpf *dp)
{
	return dp->pinned;
}

int dp_ebpf_map_fd(const struct dp_ebpf *dp, const char *name)
{
	for (int i = 0; i < M_N; i++)
		if (!strcmp(name, map_descs[i].name))
			return dp->map_fd[i];
	return -ENOENT;
}

void dp_ebpf_close(struct dp_ebpf *dp)
{
	if (dp)
		dp_free(dp);
}

void dp_ebpf_destroy(struct dp_ebpf *dp)
{
	if (!dp)
		return;
	while (dp->n_rx) {
		struct dp_rx rx = dp->rx[--dp->n_rx];

		tc_detach(rx.ifindex, BPF_TC_INGRESS, rx.created_qdisc, NULL);
	}
	/* The VLAN TAPs are bondd's own devices, as the bond's TAP. */
	while (dp->n_vlans) {
		struct dp_vlan_ent v = dp->vlans[--dp->n_vlans];

		tc_detach(v.ifindex, BPF_TC_EGRESS, true, NULL);
	}
	tc_detach(dp->tap_ifindex, BPF_TC_EGRESS, dp->tap_qdisc_ours, NULL);
	pins_remove_dir(dp->pin_dir);
	dp_free(dp);
}

int dp_ebpf_remove_leftover(const char *bond, int tap_ifindex, struct err *err)
{
	char dir[PATH_MAX];
	int ret;

	ret = pin_dir_of(bond, dir, sizeof(dir), err);
	if (ret < 0)
		return ret;
	/* The TAP is the bond's own device: its clsact goes when empty. */
	if (tap_ifindex > 0) {
		ret = tc_detach(tap_ifindex, BPF_TC_EGRESS, true, err);
		if (ret < 0)
			return ret;
	}
	pins_remove_dir(dir);
	return 0;
}

/* ---- maps ----------------------------------------------------------------- */

/* The dp_stats slot of ifindex, or -1. */
static int slot_of(const struct dp_ebpf *dp, int ifindex)
{
	for (int i = 0; ifindex > 0 && i < DP_MAX_SLAVES; i++)
		if (dp->slot_ifx[i] == ifindex)
			return i;
	return -1;
}

static uint32_t cfg_slot(const struct dp_ebpf *dp, uint32_t ifindex)
{
	int slot = slot_of(dp, (int)ifindex);

	return slot < 0 ? DP_NO_SLOT : (uint32_t)slot;
}

int dp_ebpf_write_cfg(struct dp_ebpf *dp, const struct dp_cfg *cfg)
{
	struct dp_cfg c = *cfg;
	uint32_t key = 0;

	c.active_slot = cfg_slot(dp, c.active_ifindex);
	for (unsigned i = 0; i < DP_MAX_SLAVES; i++)
		c.tx_slot[i] = i < c.n_tx ? cfg_slot(dp, c.tx[i]) : DP_NO_SLOT;
	return bpf_map_update_elem(dp->map_fd[M_CFG], &key, &c, BPF_ANY);
}

int dp_ebpf_read_cfg(struct dp_ebpf *dp, struct dp_cfg *cfg)
{
	uint32_t key = 0;

	return bpf_map_lookup_elem(dp->map_fd[M_CFG], &key, cfg);
}

int dp_ebpf_set_slave(struct dp_ebpf *dp, int ifindex, const struct dp_slave *s)
{
	size_t vsz = (sizeof(struct dp_slave_stats) + 7) & ~(size_t)7;
	struct dp_slave v = *s;
	int slot, ret;

	if (ifindex <= 0)
		return -EINVAL;
	slot = slot_of(dp, ifindex);
	if (slot < 0) {
		/* A new slave: the lowest free slot, its counters zeroed
		 * (the last slave there may have left its own). */
		slot = 0;
		while (slot < DP_MAX_SLAVES && dp->slot_ifx[slot])
			slot++;
		if (slot == DP_MAX_SLAVES)
			return -ENOSPC;
		memset(dp->pcpu, 0, vsz * (size_t)dp->ncpus);
		ret = bpf_map_update_elem(dp->map_fd[M_STATS], &(uint32_t){ (uint32_t)slot },
					  dp->pcpu, BPF_ANY);
		if (ret < 0)
			return ret;
		dp->slot_ifx[slot] = ifindex;
	}
	v.slot = (uint32_t)slot;
	v.pad2 = 0;
	return bpf_map_update_elem(dp->map_fd[M_SLAVES], &(uint32_t){ (uint32_t)ifindex }, &v,
				   BPF_ANY);
}

int dp_ebpf_slave_dev(struct dp_ebpf *dp, int ifindex, uint64_t dev)
{
	size_t vsz = (sizeof(struct dp_slave_stats) + 7) & ~(size_t)7;
	int slot = slot_of(dp, ifindex);
	uint32_t key = (uint32_t)slot;
	bool same = true;
	int ret;

	if (slot < 0)
		return -ENOENT;
	ret = bpf_map_lookup_elem(dp->map_fd[M_STATS], &key, dp->pcpu);
	if (ret < 0)
		return ret;
	for (int c = 0; c < dp->ncpus; c++) {
		struct dp_slave_stats *v = (void *)((char *)dp->pcpu + vsz * (size_t)c);

		same = same && v->dev == dev;
		v->dev = dev;
	}
	/* Read, modified, written back: counts the programs add in between
	 * would be lost, so only when the address is new (the slave's first
	 * sync), not when an adopted entry already has it. */
	if (same)
		return 0;
	return bpf_map_update_elem(dp->map_fd[M_STATS], &key, dp->pcpu, BPF_EXIST);
}

bool dp_ebpf_hints(const struct dp_ebpf *dp)
{
	return dp->hints;
}

int dp_ebpf_hints_fd(const struct dp_ebpf *dp)
{
	return dp->rb ? ring_buffer__epoll_fd(dp->rb) : -1;
}

int dp_ebpf_hints_take(struct dp_ebpf *dp, void (*cb)(const struct dp_hint *h, void *arg),
		       void *arg)
{
	if (!dp->rb)
		return 0;
	dp->hint_cb = cb;
	dp->hint_arg = arg;
	return ring_buffer__consume(dp->rb);
}

int dp_ebpf_del_slave(struct dp_ebpf *dp, int ifindex)
{
	uint32_t key = (uint32_t)ifindex;
	int r1 = bpf_map_delete_elem(dp->map_fd[M_SLAVES], &key);
	int slot = slot_of(dp, ifindex);

	/* (its counters stay in the slot until a new slave takes it) */
	if (slot >= 0)
		dp->slot_ifx[slot] = 0;
	if (r1 < 0 && r1 != -ENOENT)
		return r1;
	return r1 == -ENOENT && slot < 0 ? -ENOENT : 0;
}

int dp_ebpf_slave_stats(struct dp_ebpf *dp, int ifindex, struct dp_slave_stats *out)
{
	size_t vsz = (sizeof(*out) + 7) & ~(size_t)7;
	int slot = slot_of(dp, ifindex);
	uint32_t key = (uint32_t)slot;
	int ret;

	memset(out, 0, sizeof(*out));
	if (slot < 0)
		return -ENOENT;
	ret = bpf_map_lookup_elem(dp->map_fd[M_STATS], &key, dp->pcpu);
	if (ret < 0)
		return ret;
	for (int c = 0; c < dp->ncpus; c++) {
		const struct dp_slave_stats *v = (const void *)((char *)dp->pcpu + vsz * (size_t)c);

		out->rx_packets += v->rx_packets;
		out->rx_bytes += v->rx_bytes;
		out->rx_dropped += v->rx_dropped;
		out->tx_packets += v->tx_packets;
		out->tx_bytes += v->tx_bytes;
		out->tx_dropped += v->tx_dropped;
		if (v->last_rx_ns > out->last_rx_ns)
			out->last_rx_ns = v->last_rx_ns;
	}
	return 0;
}

int dp_ebpf_bond_stats(struct dp_ebpf *dp, struct dp_bond_stats *out)
{
	size_t vsz = (sizeof(*out) + 7) & ~(size_t)7;
	uint32_t key = 0;
	int ret = bpf_map_lookup_elem(dp->map_fd[M_BSTATS], &key, dp->pcpu);

	memset(out, 0, sizeof(*out));
	if (ret < 0)
		return ret;
	for (int c = 0; c < dp->ncpus; c++) {
		const struct dp_bond_stats *v = (const void *)((char *)dp->pcpu + vsz * (size_t)c);

		out->tx_no_slave += v->tx_no_slave;
		out->tx_to_daemon += v->tx_to_daemon;
		out->tlb_unbalanced_bytes += v->tlb_unbalanced_bytes;
	}
	return 0;
}

int dp_ebpf_tlb_set(struct dp_ebpf *dp, unsigned bucket, int slave_ifindex)
{
	struct dp_tlb_bucket v;
	int ret;

	if (bucket >= DP_TLB_BUCKETS)
		return -EINVAL;
	/* The value is written whole: keep the byte counter. The program's
	 * adds between this read and the write are lost (a few frames' bytes
	 * in one rebalance period, only when the bucket moves). */
	ret = bpf_map_lookup_elem(dp->map_fd[M_TLB], &bucket, &v);
	if (ret < 0)
		return ret;
	v.slave_ifindex = slave_ifindex > 0 ? (uint32_t)slave_ifindex : 0;
	return bpf_map_update_elem(dp->map_fd[M_TLB], &bucket, &v, BPF_EXIST);
}

int dp_ebpf_queue_set(struct dp_ebpf *dp, unsigned qid, int slave_ifindex)
{
	uint32_t v = slave_ifindex > 0 ? (uint32_t)slave_ifindex : 0;

	if (qid >= DP_MAX_QUEUES)
		return -EINVAL;
	return bpf_map_update_elem(dp->map_fd[M_QUEUE], &qid, &v, BPF_EXIST);
}

int dp_ebpf_tlb_take_bytes(struct dp_ebpf *dp, uint64_t *out)
{
	/* The map's counters only grow (the program adds atomically); the
	 * bytes since the last take are the difference, so nothing the
	 * program adds while we read is lost, as it would be by clearing. */
	for (unsigned b = 0; b < DP_TLB_BUCKETS; b++) {
		struct dp_tlb_bucket v;
		int ret = bpf_map_lookup_elem(dp->map_fd[M_TLB], &b, &v);

		if (ret < 0)
			return ret;
		out[b] = v.tx_bytes >= dp->tlb_seen[b] ? v.tx_bytes - dp->tlb_seen[b] : v.tx_bytes;
		dp->tlb_seen[b] = v.tx_bytes;
	}
	return 0;
}

/* ---- socket filter -------------------------------------------------------- */

int dp_ebpf_sock_filter(int packet_fd, struct err *err)
{
	/* Offsets from the Ethernet header (SOCK_RAW). The receive path has
	 * moved a frame's outer VLAN tag to the skb's metadata before any
	 * packet socket sees it, so at 12 is the type behind that tag: a
	 * tagged ARP, NS/NA or slow-protocol frame passes like an untagged
	 * one (the daemon puts the tag back from PACKET_AUXDATA and the
	 * engine judges it, as on the packet data path). A frame with a
	 * second tag (QinQ) shows 0x8100 here and does not pass. */
	static struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_SLOW, 7, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_ARP, 6, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 6),
		/* IPv6 next header: ICMPv6 right after the fixed header */
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14 + 6),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 58, 0, 4),
		/* ICMPv6 type (a frame too short to hold it is rejected) */
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14 + 40),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 135, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 136, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog fprog = { .len = ARRAY_SIZE(prog), .filter = prog };

	if (setsockopt(packet_fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) < 0) {
		err_set(err, -errno, "cannot attach the control-frame socket filter "
			"(SO_ATTACH_FILTER): %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/* ---- bondctl flows -------------------------------------------------------- */

int dp_ebpf_flowctl_set(struct dp_ebpf *dp, const struct dp_flowctl *fc)
{
	uint32_t key = 0;
	int ret = bpf_map_update_elem(dp->map_fd[M_FLOWCTL], &key, fc, BPF_ANY);

	return ret < 0 ? ret : 0;
}

int dp_ebpf_flows_take(struct dp_ebpf *dp, uint32_t win,
		       void (*fn)(void *arg, const struct dp_flow_key *k, uint64_t bytes,
				  uint64_t frames),
		       void *arg)
{
	/* Keys of the finished window, deleted after the walk: deleting
	 * during bpf_map_get_next_key() can restart the walk. The map holds
	 * DP_FLOWS_MAX entries; twice that covers both windows' keys. */
	static struct dp_flow_key keys[2 * DP_FLOWS_MAX];
	struct dp_flow_key k, next;
	const void *prev = NULL;
	size_t vsz = (sizeof(struct dp_flow_val) + 7) & ~(size_t)7;
	struct dp_flow_val *vals;
	unsigned n = 0, walked = 0;
	int fd = dp->map_fd[M_FLOWS], ret = 0;

	vals = calloc((size_t)dp->ncpus, vsz);
	if (!vals)
		return -ENOMEM;
	while (walked < 2 * DP_FLOWS_MAX && bpf_map_get_next_key(fd, prev, &next) == 0) {
		walked++;
		k = next;
		prev = &k;
		if (k.win != win)
			continue;
		ret = bpf_map_lookup_elem(fd, &k, vals);
		if (ret == -ENOENT) {           /* the LRU took it meanwhile */
			ret = 0;
			continue;
		}
		if (ret < 0)
			break;
		{
			uint64_t bytes = 0, frames = 0;

			for (int c = 0; c < dp->ncpus; c++) {
				const struct dp_flow_val *v = (const void *)((char *)vals + vsz * (size_t)c);

				bytes += v->bytes;
				frames += v->frames;
			}
			if (frames)
				fn(arg, &k, bytes, frames);
		}
		keys[n++] = k;
	}
	free(vals);
	for (unsigned i = 0; i < n; i++) {
		int r = bpf_map_delete_elem(fd, &keys[i]);

		if (r < 0 && r != -ENOENT && !ret)
			ret = r;
	}
	return ret;
}
