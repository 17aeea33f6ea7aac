/* THE option table: every bonding option with the kernel's name, accepted
 * values (by name and by number), default, range, the modes it may be set
 * in, and its preconditions. The control socket, every config format, the
 * status output and the docs read this table; no option list is written
 * twice. Parsing follows the kernel's bond_opt_parse(); error wording follows
 * bond_options.c. */
#ifndef BONDD_OPT_H
#define BONDD_OPT_H

#include <stdbool.h>
#include <stdint.h>

#include "bond_types.h"
#include "lib/util.h"

/* The setters and readers take these; the codec needs only bond_params. */
struct bond;
struct slave;

enum opt_id {
	/* Bond options in the order the kernel applies netlink attributes
	 * (bond_changelink), which is also the order opt_set_many() uses. */
	OPT_MODE,
	OPT_ACTIVE_SLAVE,
	OPT_MIIMON,
	OPT_UPDELAY,
	OPT_DOWNDELAY,
	OPT_PEER_NOTIF_DELAY,
	OPT_USE_CARRIER,
	OPT_ARP_INTERVAL,
	OPT_ARP_IP_TARGET,
	OPT_NS_IP6_TARGET,
	OPT_ARP_VALIDATE,
	OPT_ARP_ALL_TARGETS,
	OPT_PRIMARY,
	OPT_PRIMARY_RESELECT,
	OPT_FAIL_OVER_MAC,
	OPT_XMIT_HASH_POLICY,
	OPT_RESEND_IGMP,
	OPT_NUM_PEER_NOTIF,     /* num_grat_arp, alias num_unsol_na */
	OPT_ALL_SLAVES_ACTIVE,
	OPT_MIN_LINKS,
	OPT_LP_INTERVAL,
	OPT_PACKETS_PER_SLAVE,
	OPT_LACP_ACTIVE,
	OPT_LACP_RATE,
	OPT_AD_SELECT,
	OPT_AD_ACTOR_SYS_PRIO,
	OPT_AD_USER_PORT_KEY,
	OPT_AD_ACTOR_SYSTEM,
	OPT_TLB_DYNAMIC_LB,
	OPT_ARP_MISSED_MAX,
	OPT_COUPLED_CONTROL,
	OPT_BROADCAST_NEIGHBOR,
	OPT_LACP_STRICT,
	OPT_QUEUE_ID,
	OPT_SLAVES,             /* "+eth0" / "-eth0": handled by the daemon */
	OPT_MAX_BONDS,          /* module parameters: config importers only */
	OPT_TX_QUEUES,
	/* Per-slave options (ip link set DEV type bond_slave ...). */
	OPT_PRIO,
	OPT_AD_ACTOR_PORT_PRIO,
	OPT__COUNT
};

enum opt_type {
	OPT_T_ENUM,      /* named values only (numbers accepted for them) */
	OPT_T_UINT,      /* integer range, maybe with named values */
	OPT_T_INT,       /* signed integer (per-slave prio) */
	OPT_T_IFNAME,    /* interface name or empty */
	OPT_T_IPV4_LIST, /* arp_ip_target */
	OPT_T_IPV6_LIST, /* ns_ip6_target */
	OPT_T_MAC,       /* ad_actor_system */
	OPT_T_SLAVE_QID, /* queue_id "ifname:qid" */
	OPT_T_SLAVES,    /* "+ifname" / "-ifname" */
};

/* opt_value.flags */
#define OPTV_DEFAULT 0x1
#define OPTV_MIN     0x2
#define OPTV_MAX     0x4

struct opt_value {
	const char *name;
	uint64_t value;
	unsigned flags;
};

/* opt_desc.flags */
#define OPT_NOSLAVES  0x01  /* only while the bond has no slaves (-ENOTEMPTY) */
#define OPT_IFDOWN    0x02  /* only while the bond is down (-EBUSY) */
#define OPT_PER_SLAVE 0x04  /* set on a slave, not a bond */
#define OPT_MODULE    0x08  /* module parameter: not settable on a bond */
#define OPT_RAWVAL    0x10  /* value is text (names, addresses) */
#define OPT_PENDING   0x20  /* behaviour not built yet: only the default is accepted */

#define MODE_BIT(m)   (1u << (m))
#define MODES_ALL     0x7fu

struct opt_desc {
	enum opt_id id;
	const char *name;           /* kernel name */
	const char *alias;          /* second name (num_unsol_na) or NULL */
	const char *desc;           /* one line for --help and docs */
	enum opt_type type;
	const struct opt_value *values; /* terminated by {NULL} */
	uint32_t modes;             /* MODE_BIT() mask where setting is allowed */
	unsigned flags;
};

extern const struct opt_desc opt_table[OPT__COUNT];

/* Most bonds one engine holds, and so the most one configuration may ask for. */
#define OPT_BONDS_MAX BOND_MAX_BONDS

/* ---- the value codec (opt_parse.c): no bond needed ------------------------ */

const struct opt_desc *opt_find(const char *name);

/* Name of a value of an enum option ("active-backup" for OPT_MODE, 1). */
const char *opt_value_name(enum opt_id id, uint64_t value);

/* Parses a value of an option that has a value table (not RAWVAL) the way
 * the kernel does, without setting anything: for config importers, and for
 * the module parameters (max_bonds, tx_queues) that cannot be set on a bond.
 * Returns 0, or -EINVAL with the kernel's "invalid value" message. */
int opt_parse(enum opt_id id, const char *text, uint64_t *value, struct err *err);

/* The value of an address list option (OPT_ARP_IP_TARGET: IPv4,
 * OPT_NS_IP6_TARGET: IPv6): n addresses in order, the first 4 or 16 bytes
 * of each a[i] used, network order. */
struct opt_addrs {
	unsigned n;
	uint8_t a[BOND_MAX_ARP_TARGETS][16];
};

/* One address of the option's family. 0 or -1. */
int opt_addr_parse(enum opt_id id, const char *word, uint8_t out[16]);
/* Applies a value to l as the kernel does: "+addr" adds, "-addr" removes,
 * anything else is a list (commas or blanks between) that replaces l; ""
 * clears it. Refusals carry the kernel's messages ("invalid ARP target
 * 0.0.0.0 specified for addition", "ARP target 10.0.0.1 is already
 * present", "ARP target table is full!", ...). 0, or -EINVAL / -EPERM
 * with l unchanged. */
int opt_addrs_apply(enum opt_id id, struct opt_addrs *l, const char *text, struct err *err);
/* The addresses separated by sep (" " as sysfs shows them). */
void opt_addrs_print(enum opt_id id, const struct opt_addrs *l, const char *sep,
		     struct strbuf *out);

/* ad_actor_system: a unicast MAC. 0, or -EINVAL "Invalid ad_actor_system
 * MAC address." with mac unchanged. */
int opt_parse_mac(const char *text, uint8_t mac[6], struct err *err);
/* queue_id "ifname:qid" (name: the option's name as given, for the
 * message). 0, or -EPERM "option queue_id: invalid input (TEXT): use
 * <slave>:<queue id>". */
int opt_parse_queue_id(const char *name, const char *text, char ifname[BOND_NAME_MAX],
		       uint16_t *qid, struct err *err);

/* Fills params with the kernel's defaults for a new bond. */
void opt_defaults(struct bond_params *p);

/* ---- setting (opt_set.c) -------------------------------------------------- */

/* Sets one bond option from text, with every check, side effect and error
 * message of the kernel. On error nothing changed. */
int opt_set(struct bond *b, const char *name, const char *value, uint64_t now_ms,
	    struct err *err);

/* Sets several options at once, applied in opt_id order (the kernel's
 * netlink order) whatever order they are given in. All or nothing: every
 * value is checked against the state the earlier ones produce before any is
 * applied. */
int opt_set_many(struct bond *b, unsigned n, const char *const names[],
		 const char *const values[], uint64_t now_ms, struct err *err);

/* Per-slave option (prio, ad_actor_port_prio). */
int opt_slave_set(struct slave *s, const char *name, const char *value,
		  uint64_t now_ms, struct err *err);

/* The dry run of opt_set() for checking a configuration before there is a
 * bond: one bond option checked against bare parameters p, as on a bond
 * that has no slaves and is down, with opt_set()'s parser, checks and
 * messages (bondd's refusal of a mode it does not implement included). On
 * success p holds the result, as the bond's parameters would; on error p
 * is unchanged. Nothing is logged. */
int opt_check(struct bond_params *p, const char *name, const char *value, struct err *err);

/* ---- reading (opt_get.c) -------------------------------------------------- */

/* Current value as sysfs prints it, without the trailing newline
 * ("active-backup 1", "100", "eth0 eth1", ...). */
int opt_get(const struct bond *b, const char *name, struct strbuf *out,
	    struct err *err);
int opt_slave_get(const struct slave *s, const char *name, struct strbuf *out,
		  struct err *err);

/* A bond option's value in p as a configuration writes it (bondd.conf,
 * canonical): enum values by name, integers in decimal (updelay, downdelay
 * and peer_notif_delay in ms, as set), address lists "a,b", primary by
 * name even before it is enslaved, ad_actor_system as a MAC. -ENOENT for
 * what params do not hold (active_slave, queue_id, slaves, the module and
 * per-slave options), else 0. */
int opt_param_text(const struct bond_params *p, enum opt_id id, struct strbuf *out);

/* The bond options of p as a configuration writes them, for `bondctl
 * dump`: put(ctx, name, value) for mode first, then, in opt_id order,
 * every option that may be set in p's mode and whose value differs from
 * what a new bond of that mode has (an option the mode does not allow is
 * left out: a configuration could not set it). */
void opt_params_conf(const struct bond_params *p,
		     void (*put)(void *ctx, const char *name, const char *value), void *ctx);

/* The read-only 802.3ad attributes, as the bond's sysfs files print them
 * (bond_sysfs.c: ad_aggregator, ad_num_ports, ad_actor_key, ad_partner_key,
 * ad_partner_mac; the keys and MAC only for privileged readers) and a
 * slave's bonding_slave files (ad_aggregator_id, ad_actor_oper_port_state,
 * ad_partner_oper_port_state). NULL-terminated name lists; the readers
 * return -ENOENT for another name, else 0 with the text (maybe empty). */
extern const char *const opt_ro_bond_attrs[];
extern const char *const opt_ro_slave_attrs[];
int opt_get_ro(const struct bond *b, const char *name, bool privileged,
	       struct strbuf *out);
int opt_slave_get_ro(const struct bond *b, const struct slave *s, const char *name,
		     struct strbuf *out);

#endif
