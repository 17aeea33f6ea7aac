/* The configuration model: what bondd.conf(5) says, and what every importer
 * (RHEL ifcfg files, Debian interfaces, modprobe options) produces.
 *
 * Parsing is pure: the parsers take text plus a file name for messages and
 * never touch the OS; conf_load() (conf_io.c) is the one place that reads
 * files. Every error is "FILE:LINE: message"; a source with any error gives
 * no configuration at all (NULL), so nothing is ever half-applied.
 *
 * Option names and values are checked against the option table
 * (core/opt.h) and stored canonically: the table's name (num_unsol_na is
 * stored as num_grat_arp), enum values by name ("active-backup", never
 * "1"), integers in decimal, address lists as "a,b,c". So printing a
 * configuration and parsing the text again gives the same configuration:
 * conf_equal(conf_parse_native(conf_print(c)), c). */
#ifndef BONDD_CONF_H
#define BONDD_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/util.h"

#define CONF_NAME_MAX 16        /* IFNAMSIZ, NUL included */

/* Where something was written. file points into the owning conf's file
 * list and lives as long as that conf. line 0 = the whole file. */
struct conf_loc {
	const char *file;
	unsigned line;
};

/* A bond option: the option table's name and a canonical value. */
struct conf_opt {
	char *name;
	char *value;
	struct conf_loc loc;
};

struct conf_addr {
	int family;                 /* AF_INET or AF_INET6 */
	uint8_t addr[16];           /* 4 or 16 bytes used, network order */
	uint8_t prefix;             /* prefix length */
	char label[CONF_NAME_MAX];  /* IPv4 only: "" or "bond0:1" (IFA_LABEL) */
	bool has_broadcast;         /* IPv4 only; else bondd uses the subnet's */
	uint8_t broadcast[4];
	struct conf_loc loc;
};

struct conf_slave {
	char name[CONF_NAME_MAX];
	struct conf_loc loc;
};

struct conf_bond {
	char name[CONF_NAME_MAX];
	struct conf_opt *opts;      /* in the order given */
	unsigned n_opts;
	struct conf_slave *slaves;  /* in enslave order */
	unsigned n_slaves;
	unsigned mtu;               /* 0 = leave as is */
	/* Left administratively down after it is set up ("up = no"): a
	 * bond is created down, as the kernel creates one, and brought up
	 * once its slaves are in unless the configuration says otherwise
	 * (bondd.conf: up by default; ifcfg ONBOOT=no; interfaces: no
	 * "auto"/"allow-*" line; modprobe and max_bonds: the module's
	 * bonds, which nothing brings up). */
	bool down;
	bool has_hwaddr;
	uint8_t hwaddr[6];
	struct conf_addr *addrs;
	unsigned n_addrs;
	struct conf_loc loc;
};

/* An interface that is neither a bond nor a slave but gets addresses (or an
 * MTU) from the configuration: "several IPs on one interface". */
struct conf_iface {
	char name[CONF_NAME_MAX];
	unsigned mtu;               /* 0 = leave as is */
	struct conf_addr *addrs;
	unsigned n_addrs;
	struct conf_loc loc;
};

/* A VLAN sub-interface on a bond (bond0.100): a device bondd creates,
 * whose frames cross the bond tagged with vid. From bondd.conf
 * (vlans = 100, 200 in the bond's section, or a [bond0.100] section),
 * ifcfg (VLAN=yes, PHYSDEV=), interfaces (vlan-raw-device, iface bond0.100),
 * NetworkManager (type=vlan), netplan (vlans:) and networkd (Kind=vlan). */
struct conf_vlan {
	char name[CONF_NAME_MAX];   /* the device, "bond0.100" unless named */
	char bond[CONF_NAME_MAX];   /* the bond it sits on */
	uint16_t vid;               /* 1..4094 */
	unsigned mtu;               /* 0 = the bond's */
	bool down;                  /* left administratively down */
	struct conf_addr *addrs;
	unsigned n_addrs;
	struct conf_loc loc;
};

struct conf_route {
	int family;
	uint8_t dst[16];
	uint8_t prefix;             /* never 0: default routes are gw4/gw6 */
	bool has_via;
	uint8_t via[16];
	char dev[CONF_NAME_MAX];    /* "" = the kernel picks it from via */
	bool has_metric;
	uint32_t metric;
	struct conf_loc loc;
};

/* The default route of one family. */
struct conf_gateway {
	bool set;
	uint8_t addr[16];
	char dev[CONF_NAME_MAX];    /* "" = the kernel picks it */
	struct conf_loc loc;
};

struct conf {
	struct conf_bond *bonds;
	unsigned n_bonds;
	struct conf_iface *ifaces;
	unsigned n_ifaces;
	struct conf_vlan *vlans;    /* in the order given */
	unsigned n_vlans;
	struct conf_route *routes;
	unsigned n_routes;
	struct conf_gateway gw4, gw6;
	/* Module parameters ([bonding] section, "options bonding"): -1 = not
	 * given. max_bonds N means bond0 .. bond(N-1) exist even when no
	 * section names them (conf_finish() adds them). */
	int max_bonds;
	int tx_queues;
	struct conf_loc max_bonds_loc, tx_queues_loc;
	/* [daemon] datapath: "auto", "ebpf", "packet"; "" = not given. Read at
	 * start only (bondd --datapath and BONDD_DATAPATH come first). */
	char datapath[8];
	struct conf_loc datapath_loc;
	/* [daemon] metrics = ADDR:PORT and metrics_textfile = DIR (absolute);
	 * "" = not given. Read at start only, after bondd --metrics and
	 * --metrics-textfile. */
	char metrics[64];
	struct conf_loc metrics_loc;
	char metrics_textfile[1024];
	struct conf_loc metrics_textfile_loc;
	/* Importers only: "options bonding ..." values, the defaults of every
	 * bond; conf_finish() folds them into each bond and empties this. */
	struct conf_opt *defaults;
	unsigned n_defaults;
	/* Owned storage for conf_loc.file. */
	char **files;
	unsigned n_files;
};

/* Messages: errors and warnings, each one line "FILE:LINE: text" (warnings
 * "FILE:LINE: warning: text"), in the order found. */
struct conf_msg {
	bool warning;
	char *text;
};

struct conf_diag {
	struct conf_msg *msgs;
	unsigned n;
	unsigned n_errors;
	unsigned n_warnings;
};

void conf_diag_init(struct conf_diag *d);
void conf_diag_free(struct conf_diag *d);
void conf_error(struct conf_diag *d, const struct conf_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void conf_warn(struct conf_diag *d, const struct conf_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Every message (warnings: only when with_warnings), one per line. */
void conf_diag_print(const struct conf_diag *d, bool with_warnings, struct strbuf *out);

/* ---- the model ---------------------------------------------------------- */

struct conf *conf_new(void);
void conf_free(struct conf *c);
/* Same bonds, options, slaves, addresses, interfaces, routes and gateways
 * in the same order, and the same VLANs (matched by name: printing puts
 * some in their bond's vlans line, so their order may change); locations
 * are not compared. */
bool conf_equal(const struct conf *a, const struct conf *b);

struct conf_bond *conf_find_bond(const struct conf *c, const char *name);
struct conf_iface *conf_find_iface(const struct conf *c, const char *name);
struct conf_vlan *conf_find_vlan(const struct conf *c, const char *name);
/* The VLAN of bond with that vid, or NULL. */
struct conf_vlan *conf_find_bond_vlan(const struct conf *c, const char *bond, unsigned vid);
/* The value of a bond option, or NULL when it is not set. */
const char *conf_bond_opt(const struct conf_bond *b, const char *name);
bool conf_bond_has_slave(const struct conf_bond *b, const char *name);
/* The bond that lists name as a slave, or NULL. */
struct conf_bond *conf_slave_owner(const struct conf *c, const char *name);

/* ---- parsers (pure) ----------------------------------------------------- */

/* bondd.conf(5). */
struct conf *conf_parse_native(const char *text, const char *file, struct conf_diag *d);

/* One input file, already read: path for messages, text NUL-terminated. */
struct conf_file {
	const char *path;
	const char *text;
};

/* ifcfg-* (aliases ifcfg-eth0:0 included) and route-* / route6-* files of
 * a network-scripts directory; a file's role comes from its base name. */
struct conf *imp_ifcfg_parse(const struct conf_file *files, unsigned n,
			     struct conf_diag *d);
/* modprobe.d files (or /etc/modprobe.conf) in the order modprobe reads them. */
struct conf *imp_modprobe_parse(const struct conf_file *files, unsigned n,
				struct conf_diag *d);

/* NetworkManager keyfiles (*.nmconnection), systemd-networkd units
 * (*.netdev, *.network) and netplan YAML, in the order the tool reads
 * them (conf_io.c sorts them as each tool does). */
struct conf *imp_nm_parse(const struct conf_file *files, unsigned n, struct conf_diag *d);
struct conf *imp_networkd_parse(const struct conf_file *files, unsigned n,
				 struct conf_diag *d);
struct conf *imp_netplan_parse(const struct conf_file *files, unsigned n,
			       struct conf_diag *d);

/* File access for the interfaces importer's "source" and
 * "source-directory" lines; conf_io.c has the real one, tests supply their own. */
struct conf_io {
	/* Reads a whole file; *text malloc'd and NUL-terminated. 0 or -errno. */
	int (*read)(void *ctx, const char *path, char **text);
	/* Expands a glob(7) pattern: *paths malloc'd array of malloc'd
	 * strings, sorted. Returns the count (0 for no match) or -errno. */
	int (*glob)(void *ctx, const char *pattern, char ***paths);
	/* Names in a directory (no "." / ".."), sorted. Count or -errno. */
	int (*list)(void *ctx, const char *dir, char ***names);
	void *ctx;
};

/* /etc/network/interfaces: the text of path; includes go through io
 * (NULL: none allowed). */
struct conf *imp_interfaces_parse(const char *text, const char *path,
				  const struct conf_io *io, struct conf_diag *d);

/* A boot script (/etc/rc.d/rc.local, /etc/rc.local) as the seeds' how-tos
 * write them: the lines bondd understands are imported ("ifenslave bond0
 * eth0 eth1", "route add default gw X", "ip addr add ... dev D [label L]",
 * "ip route add ...", "ifconfig bond0:1 ADDR netmask M", "echo V >
 * /sys/class/net/BOND/bonding/OPT"); every other line is left alone. */
struct conf *imp_script_parse(const char *text, const char *path, struct conf_diag *d);

/* ---- combining and checking --------------------------------------------- */

/* Folds a modprobe configuration into base (ifcfg or interfaces): bonds
 * modprobe names are added; options of base (BONDING_OPTS, bond-*) win over
 * modprobe's, as on the real systems where those are written to sysfs
 * after the module has loaded with its options. mod is emptied. */
void conf_merge(struct conf *base, struct conf *mod);

/* Folds a boot script's configuration into base: the script runs last,
 * so its options win; its slaves, addresses, routes and gateway are added
 * (a slave already in another bond, or a second different gateway, is an
 * error in d). top is emptied. */
void conf_overlay(struct conf *base, struct conf *top, struct conf_diag *d);

/* Applies module-level values: the "options bonding" defaults go into every
 * bond that does not set them, and bond0 .. bond(max_bonds-1) are added. */
void conf_finish(struct conf *c);

/* Checks the whole configuration the way bondd will apply it: every
 * bond's options go, in the kernel's order, through the option codec's dry run
 * (opt_check: mode dependencies, ranges, couplings), slaves are in one bond only,
 * addresses are unique, gateways and routes are reachable. Options bondd
 * does not implement yet are errors when strict, warnings otherwise.
 * Returns the number of errors added to d. */
unsigned conf_check(const struct conf *c, bool strict, struct conf_diag *d);

/* ---- output ------------------------------------------------------------- */

/* The canonical bondd.conf text. */
void conf_print(const struct conf *c, struct strbuf *out);

/* ---- building a configuration (the running one, `bondctl dump`) -------- */

/* A new bond at the end of c (name must not be in c yet). */
struct conf_bond *conf_put_bond(struct conf *c, const char *name);
/* Sets a bond option after making it canonical (conf_opt_canon: the same
 * checks as a file); 0, or -1 with err set and b unchanged. */
int conf_put_opt(struct conf_bond *b, const char *name, const char *value, struct err *err);
void conf_put_slave(struct conf_bond *b, const char *name);
/* A new address of b, zeroed. */
struct conf_addr *conf_put_addr(struct conf_bond *b);
/* A VLAN of dst: the one named name when dst has it (bond and vid left
 * as they are), else a new one at the end, up, mtu 0, no addresses. */
struct conf_vlan *conf_put_vlan(struct conf *c, const char *name, const char *bond,
				uint16_t vid);
/* A new address of v, zeroed. */
struct conf_addr *conf_put_vlan_addr(struct conf_vlan *v);
/* Copies what is neither a bond nor a bond's VLAN from src (interfaces,
 * routes, default gateways, module parameters, the data path) into dst;
 * locations are not kept. src NULL: nothing. */
void conf_copy_rest(struct conf *dst, const struct conf *src);
/* conf_load() of a bondd.conf already read (text, NUL-terminated; path
 * for messages): parsed, finished and checked; NULL on any error. */
struct conf *conf_load_native_text(const char *text, const char *path, bool strict,
				   struct conf_diag *d);

/* ---- comparing (conf_diff.c) -------------------------------------------- */

/* The same address: family, address, prefix and label. */
bool conf_addr_eq(const struct conf_addr *a, const struct conf_addr *b);
bool conf_route_eq(const struct conf_route *a, const struct conf_route *b);
bool conf_gateway_eq(const struct conf_gateway *a, const struct conf_gateway *b);

/* The options whose value differs between old and new (old NULL: every
 * option new sets, as creating the bond would set them), compared by effect (an option left out has its default; "miimon = 100"
 * and no miimon line differ, "mode = 0" and "mode = balance-rr" do not),
 * in opt_id order (the order bondd sets them): names[i] the table's name,
 * values[i] new's value, or "default" for an option new leaves out.
 * queue_id is one entry per slave ("eth0:2"; "eth0:0" for a slave whose
 * queue id new drops while keeping the slave). Returns the count; at most
 * max are stored (pointers into old, new and static strings). */
unsigned conf_opt_changes(const struct conf_bond *old, const struct conf_bond *new,
			  const char **names, const char **values, unsigned max);

/* One difference between two configurations: what `bondctl diff` prints
 * and a reload reports. */
struct conf_change {
	char op;                    /* '+' added, '-' removed, '~' changed */
	const char *kind;           /* "bond", "option", "slave", "up", "mtu",
				     * "hwaddr", "address", "interface",
				     * "vlan", "route", "gateway", "max_bonds",
				     * "tx_queues", "datapath" */
	char dev[CONF_NAME_MAX];    /* the bond, VLAN or interface, "" for the
				     * rest */
	char *name;                 /* option, slave, address, route ... or "" */
	char *from, *to;            /* NULL: absent (op '+': from, '-': to) */
	char *text;                 /* the line, "bond0: miimon 100 -> 200" */
};

struct conf_changes {
	struct conf_change *v;
	unsigned n;
};

/* What makes from into to, one change per line, in a stable order: module
 * parameters and data path; VLANs removed ("- vlan bond0.100", kind
 * "vlan", dev the VLAN: before the bonds, which may go with them; a VLAN
 * whose bond or vid changes is removed and added again); bonds removed;
 * then, bond by bond in to's order, "+ bond1 (mode X)" for a new one and
 * its options (against a new bond's defaults), slaves removed and added,
 * up, mtu, hwaddr, addresses removed and added; then VLANs in to's order:
 * "+ vlan bond0.100 (bond0 vid 100)" for a new one (name the VLAN's,
 * to "BOND VID"), then its up, mtu (0: the bond's) and addresses, as for
 * a bond; interfaces likewise; routes removed and added; the default
 * gateways. Options compare by effect (conf_opt_changes); a bond's mtu 0
 * is 1500, the size a new bond has. */
void conf_diff(const struct conf *from, const struct conf *to, struct conf_changes *out);
void conf_changes_free(struct conf_changes *ch);

/* ---- loading (conf_io.c: the only file access) -------------------------- */

/* format: "native", "ifcfg", "interfaces", "modprobe", "nm", "netplan" or
 * "networkd". path: the file or
 * directory; modprobe (may be NULL): a modprobe file or directory to merge
 * (not with "modprobe" or "native"). Parses, merges, finishes and checks
 * (conf_check, strict or not). NULL on any error; messages in d. */
struct conf *conf_load(const char *format, const char *path, const char *modprobe,
		       bool strict, struct conf_diag *d);

/* The same with every source: format and path as above; modprobe and
 * script (a boot script, see imp_script_parse) may be NULL. */
struct conf_sources {
	const char *format;
	const char *path;
	const char *modprobe;
	const char *script;
};
struct conf *conf_load_sources(const struct conf_sources *src, bool strict,
			       struct conf_diag *d);

/* The real file system, for imp_interfaces_parse(). */
extern const struct conf_io conf_io_fs;

#endif
