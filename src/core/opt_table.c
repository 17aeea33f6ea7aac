/* THE option table: data only. Names, value names, defaults, ranges, mode
 * masks and flags follow the newest bonding driver (bond_options.c and the
 * module parameters of bond_main.c); opt_parse.c, opt_set.c and opt_get.c use it.
 *
 * Value tables keep the kernel's quirks on purpose, because users' scripts
 * depend on them: range tables carry named entries ("off", "maxval",
 * "minval", "default") that are accepted as values, lacp_rate and
 * peer_notif_delay have no DEFAULT entry (so "default" is refused there),
 * and coupled_control lists "on" before "off".
 *
 * OPT_PENDING marks an option whose behaviour bondd does not implement yet:
 * it is still parsed and checked in full, but only its current (default)
 * value is accepted. Building the behaviour = deleting the flag here. */
#include <limits.h>

#include "opt.h"

#define MODES_ARP    (MODES_ALL & ~(MODE_BIT(BOND_MODE_8023AD) | \
				    MODE_BIT(BOND_MODE_TLB) | MODE_BIT(BOND_MODE_ALB)))
#define MODES_PRIMARY (MODE_BIT(BOND_MODE_ACTIVEBACKUP) | MODE_BIT(BOND_MODE_TLB) | \
		       MODE_BIT(BOND_MODE_ALB))
#define MODES_8023AD MODE_BIT(BOND_MODE_8023AD)

static const struct opt_value v_mode[] = {
	{ "balance-rr",    BOND_MODE_ROUNDROBIN,   OPTV_DEFAULT },
	{ "active-backup", BOND_MODE_ACTIVEBACKUP, 0 },
	{ "balance-xor",   BOND_MODE_XOR,          0 },
	{ "broadcast",     BOND_MODE_BROADCAST,    0 },
	{ "802.3ad",       BOND_MODE_8023AD,       0 },
	{ "balance-tlb",   BOND_MODE_TLB,          0 },
	{ "balance-alb",   BOND_MODE_ALB,          0 },
	{ NULL, 0, 0 },
};

/* miimon, updelay, downdelay, arp_interval, min_links */
static const struct opt_value v_intmax[] = {
	{ "off",    0,       OPTV_DEFAULT },
	{ "maxval", INT_MAX, OPTV_MAX },
	{ NULL, 0, 0 },
};

static const struct opt_value v_peer_notif_delay[] = {
	{ "off",    0,      0 },
	{ "maxval", 300000, OPTV_MAX },
	{ NULL, 0, 0 },
};

static const struct opt_value v_on_default[] = {
	{ "off", 0, 0 },
	{ "on",  1, OPTV_DEFAULT },
	{ NULL, 0, 0 },
};

static const struct opt_value v_off_default[] = {
	{ "off", 0, OPTV_DEFAULT },
	{ "on",  1, 0 },
	{ NULL, 0, 0 },
};

static const struct opt_value v_coupled_control[] = {
	{ "on",  1, OPTV_DEFAULT },
	{ "off", 0, 0 },
	{ NULL, 0, 0 },
};

static const struct opt_value v_arp_validate[] = {
	{ "none",          0, OPTV_DEFAULT },
	{ "active",        1, 0 },
	{ "backup",        2, 0 },
	{ "all",           3, 0 },
	{ "filter",        4, 0 },
	{ "filter_active", 5, 0 },
	{ "filter_backup", 6, 0 },
	{ NULL, 0, 0 },
};

static const struct opt_value v_arp_all_targets[] = {
	{ "any", 0, OPTV_DEFAULT },
	{ "all", 1, 0 },
	{ NULL, 0, 0 },
};

static const struct opt_value v_missed_max[] = {
	{ "minval",  1,   OPTV_MIN },
	{ "maxval",  255, OPTV_MAX },
	{ "default", 2,   OPTV_DEFAULT },
	{ NULL, 0, 0 },
};

static const struct opt_value v_primary_reselect[] = {
	{ "always",  PRI_RESELECT_ALWAYS,  OPTV_DEFAULT },
	{ "better",  PRI_RESELECT_BETTER,  0 },
	{ "failure", PRI_RESELECT_FAILURE, 0 },
	{ NULL, 0, 0 },
};

static const struct opt_value v_fail_over_mac[] = {
	{ "none",   FOM_NONE,   OPTV_DEFAULT },
	{ "active", FOM_ACTIVE, 0 },
	{ "follow", FOM_FOLLOW, 0 },
	{ NULL, 0, 0 },
};

static const struct opt_value v_xmit_hash[] = {
	{ "layer2",      0, OPTV_DEFAULT },
	{ "layer3+4",    1, 0 },
	{ "layer2+3",    2, 0 },
	{ "encap2+3",    3, 0 },
	{ "encap3+4",    4, 0 },
	{ "vlan+srcmac", 5, 0 },
	{ NULL, 0, 0 },
};

/* resend_igmp, num_grat_arp/num_unsol_na */
static const struct opt_value v_byte_default1[] = {
	{ "off",     0,   0 },
	{ "maxval",  255, OPTV_MAX },
	{ "default", 1,   OPTV_DEFAULT },
	{ NULL, 0, 0 },
};

static const struct opt_value v_lp_interval[] = {
	{ "minval", 1,       OPTV_MIN | OPTV_DEFAULT },
	{ "maxval", INT_MAX, OPTV_MAX },
	{ NULL, 0, 0 },
};

static const struct opt_value v_pps[] = {
	{ "default", 1,     OPTV_DEFAULT },
	{ "maxval",  65535, OPTV_MAX },
	{ NULL, 0, 0 },
};

static const struct opt_value v_lacp_rate[] = {
	{ "slow", 0, 0 },
	{ "fast", 1, 0 },
	{ NULL, 0, 0 },
};

static const struct opt_value v_ad_select[] = {
	{ "stable",          0, OPTV_DEFAULT },
	{ "bandwidth",       1, 0 },
	{ "count",           2, 0 },
	{ "actor_port_prio", 3, 0 },
	{ NULL, 0, 0 },
};

static const struct opt_value v_ad_actor_sys_prio[] = {
	{ "minval", 1,     OPTV_MIN },
	{ "maxval", 65535, OPTV_MAX | OPTV_DEFAULT },
	{ NULL, 0, 0 },
};

static const struct opt_value v_ad_user_port_key[] = {
	{ "minval", 0,    OPTV_MIN | OPTV_DEFAULT },
	{ "maxval", 1023, OPTV_MAX },
	{ NULL, 0, 0 },
};

static const struct opt_value v_max_bonds[] = {
	{ "minval",  0,       OPTV_MIN },
	{ "maxval",  INT_MAX, OPTV_MAX },
	{ "default", 1,       OPTV_DEFAULT },
	{ NULL, 0, 0 },
};

static const struct opt_value v_tx_queues[] = {
	{ "minval",  1,   OPTV_MIN },
	{ "maxval",  255, OPTV_MAX },
	{ "default", 16,  OPTV_DEFAULT },
	{ NULL, 0, 0 },
};

static const struct opt_value v_actor_port_prio[] = {
	{ "minval",  0,     OPTV_MIN },
	{ "maxval",  65535, OPTV_MAX },
	{ "default", 255,   OPTV_DEFAULT },
	{ NULL, 0, 0 },
};

const struct opt_desc opt_table[OPT__COUNT] = {
	[OPT_MODE] = {
		.id = OPT_MODE, .name = "mode",
		.desc = "bonding policy: how frames are spread over the slaves",
		.type = OPT_T_ENUM, .values = v_mode, .modes = MODES_ALL,
		.flags = OPT_NOSLAVES | OPT_IFDOWN,
	},
	[OPT_ACTIVE_SLAVE] = {
		.id = OPT_ACTIVE_SLAVE, .name = "active_slave",
		.desc = "make this slave the active one now (empty: choose again)",
		.type = OPT_T_IFNAME, .modes = MODES_PRIMARY, .flags = OPT_RAWVAL,
	},
	[OPT_MIIMON] = {
		.id = OPT_MIIMON, .name = "miimon",
		.desc = "link (carrier) check interval in ms, 0 = off",
		.type = OPT_T_UINT, .values = v_intmax, .modes = MODES_ALL,
	},
	[OPT_UPDELAY] = {
		.id = OPT_UPDELAY, .name = "updelay",
		.desc = "ms a link must stay up before it is used (multiple of miimon)",
		.type = OPT_T_UINT, .values = v_intmax, .modes = MODES_ALL,
	},
	[OPT_DOWNDELAY] = {
		.id = OPT_DOWNDELAY, .name = "downdelay",
		.desc = "ms a link must stay down before it is dropped (multiple of miimon)",
		.type = OPT_T_UINT, .values = v_intmax, .modes = MODES_ALL,
	},
	[OPT_PEER_NOTIF_DELAY] = {
		.id = OPT_PEER_NOTIF_DELAY, .name = "peer_notif_delay",
		.desc = "ms between peer notifications after a failover (multiple of miimon)",
		.type = OPT_T_UINT, .values = v_peer_notif_delay, .modes = MODES_ALL,
	},
	[OPT_USE_CARRIER] = {
		.id = OPT_USE_CARRIER, .name = "use_carrier",
		.desc = "read link state from carrier (only 1 since Linux 6.18)",
		.type = OPT_T_ENUM, .values = v_on_default, .modes = MODES_ALL,
	},
	[OPT_ARP_INTERVAL] = {
		.id = OPT_ARP_INTERVAL, .name = "arp_interval",
		.desc = "ARP monitor interval in ms, 0 = off",
		.type = OPT_T_UINT, .values = v_intmax, .modes = MODES_ARP,
	},
	[OPT_ARP_IP_TARGET] = {
		.id = OPT_ARP_IP_TARGET, .name = "arp_ip_target",
		.desc = "IPv4 addresses the ARP monitor probes (+addr, -addr or a,b,c)",
		.type = OPT_T_IPV4_LIST, .modes = MODES_ALL,
		.flags = OPT_RAWVAL,
	},
	[OPT_NS_IP6_TARGET] = {
		.id = OPT_NS_IP6_TARGET, .name = "ns_ip6_target",
		.desc = "IPv6 addresses the NS monitor probes (+addr, -addr or a,b,c)",
		.type = OPT_T_IPV6_LIST, .modes = MODES_ALL,
		.flags = OPT_RAWVAL,
	},
	[OPT_ARP_VALIDATE] = {
		.id = OPT_ARP_VALIDATE, .name = "arp_validate",
		.desc = "which received frames prove a link alive to the ARP monitor",
		.type = OPT_T_ENUM, .values = v_arp_validate, .modes = MODES_ARP,
	},
	[OPT_ARP_ALL_TARGETS] = {
		.id = OPT_ARP_ALL_TARGETS, .name = "arp_all_targets",
		.desc = "a slave is up when any / all ARP targets answer",
		.type = OPT_T_ENUM, .values = v_arp_all_targets, .modes = MODES_ALL,
	},
	[OPT_PRIMARY] = {
		.id = OPT_PRIMARY, .name = "primary",
		.desc = "slave preferred as the active one (may name a future slave)",
		.type = OPT_T_IFNAME, .modes = MODES_PRIMARY, .flags = OPT_RAWVAL,
	},
	[OPT_PRIMARY_RESELECT] = {
		.id = OPT_PRIMARY_RESELECT, .name = "primary_reselect",
		.desc = "when the primary takes over again after it recovers",
		.type = OPT_T_ENUM, .values = v_primary_reselect, .modes = MODES_ALL,
	},
	[OPT_FAIL_OVER_MAC] = {
		.id = OPT_FAIL_OVER_MAC, .name = "fail_over_mac",
		.desc = "active-backup: MAC policy of the slaves on failover",
		.type = OPT_T_ENUM, .values = v_fail_over_mac, .modes = MODES_ALL,
		.flags = OPT_NOSLAVES,
	},
	[OPT_XMIT_HASH_POLICY] = {
		.id = OPT_XMIT_HASH_POLICY, .name = "xmit_hash_policy",
		.desc = "header fields hashed to pick a slave (balance-xor, 802.3ad, tlb)",
		.type = OPT_T_ENUM, .values = v_xmit_hash, .modes = MODES_ALL,
	},
	[OPT_RESEND_IGMP] = {
		.id = OPT_RESEND_IGMP, .name = "resend_igmp",
		.desc = "IGMP membership reports sent after a failover",
		.type = OPT_T_UINT, .values = v_byte_default1, .modes = MODES_ALL,
	},
	[OPT_NUM_PEER_NOTIF] = {
		.id = OPT_NUM_PEER_NOTIF, .name = "num_grat_arp", .alias = "num_unsol_na",
		.desc = "gratuitous ARPs / unsolicited NAs sent after a failover",
		.type = OPT_T_UINT, .values = v_byte_default1, .modes = MODES_ALL,
	},
	[OPT_ALL_SLAVES_ACTIVE] = {
		.id = OPT_ALL_SLAVES_ACTIVE, .name = "all_slaves_active",
		.desc = "deliver frames received on backup slaves too",
		.type = OPT_T_ENUM, .values = v_off_default, .modes = MODES_ALL,
	},
	[OPT_MIN_LINKS] = {
		.id = OPT_MIN_LINKS, .name = "min_links",
		.desc = "links needed before the bond reports carrier",
		.type = OPT_T_UINT, .values = v_intmax, .modes = MODES_ALL,
	},
	[OPT_LP_INTERVAL] = {
		.id = OPT_LP_INTERVAL, .name = "lp_interval",
		.desc = "seconds between learning packets (balance-tlb/alb)",
		.type = OPT_T_UINT, .values = v_lp_interval, .modes = MODES_ALL,
	},
	[OPT_PACKETS_PER_SLAVE] = {
		.id = OPT_PACKETS_PER_SLAVE, .name = "packets_per_slave",
		.desc = "balance-rr: packets sent on a slave before the next, 0 = random",
		.type = OPT_T_UINT, .values = v_pps,
		.modes = MODE_BIT(BOND_MODE_ROUNDROBIN),
	},
	[OPT_LACP_ACTIVE] = {
		.id = OPT_LACP_ACTIVE, .name = "lacp_active",
		.desc = "802.3ad: send LACPDUs unprompted (on) or only answer (off)",
		.type = OPT_T_ENUM, .values = v_on_default, .modes = MODES_8023AD,
		.flags = OPT_IFDOWN,
	},
	[OPT_LACP_RATE] = {
		.id = OPT_LACP_RATE, .name = "lacp_rate",
		.desc = "802.3ad: LACPDU rate asked of the partner (slow 30 s, fast 1 s)",
		.type = OPT_T_ENUM, .values = v_lacp_rate, .modes = MODES_8023AD,
		.flags = OPT_IFDOWN,
	},
	[OPT_AD_SELECT] = {
		.id = OPT_AD_SELECT, .name = "ad_select",
		.desc = "802.3ad: how the active aggregator is chosen",
		.type = OPT_T_ENUM, .values = v_ad_select, .modes = MODES_ALL,
		.flags = OPT_IFDOWN,
	},
	[OPT_AD_ACTOR_SYS_PRIO] = {
		.id = OPT_AD_ACTOR_SYS_PRIO, .name = "ad_actor_sys_prio",
		.desc = "802.3ad: system priority sent in LACPDUs",
		.type = OPT_T_UINT, .values = v_ad_actor_sys_prio, .modes = MODES_8023AD,
	},
	[OPT_AD_USER_PORT_KEY] = {
		.id = OPT_AD_USER_PORT_KEY, .name = "ad_user_port_key",
		.desc = "802.3ad: upper 10 bits of the port key",
		.type = OPT_T_UINT, .values = v_ad_user_port_key, .modes = MODES_8023AD,
		.flags = OPT_IFDOWN,
	},
	[OPT_AD_ACTOR_SYSTEM] = {
		.id = OPT_AD_ACTOR_SYSTEM, .name = "ad_actor_system",
		.desc = "802.3ad: system MAC sent in LACPDUs (00:00:00:00:00:00 = bond MAC)",
		.type = OPT_T_MAC, .modes = MODES_8023AD,
		.flags = OPT_RAWVAL,
	},
	[OPT_TLB_DYNAMIC_LB] = {
		.id = OPT_TLB_DYNAMIC_LB, .name = "tlb_dynamic_lb",
		.desc = "balance-tlb: rebalance flows by load (1) or hash them (0)",
		.type = OPT_T_ENUM, .values = v_on_default,
		.modes = MODE_BIT(BOND_MODE_TLB) | MODE_BIT(BOND_MODE_ALB),
		.flags = OPT_IFDOWN,
	},
	[OPT_ARP_MISSED_MAX] = {
		.id = OPT_ARP_MISSED_MAX, .name = "arp_missed_max",
		.desc = "ARP intervals without an answer before a link is down",
		.type = OPT_T_UINT, .values = v_missed_max, .modes = MODES_ARP,
	},
	[OPT_COUPLED_CONTROL] = {
		.id = OPT_COUPLED_CONTROL, .name = "coupled_control",
		.desc = "802.3ad: coupled (1) or independent (0) collecting/distributing",
		.type = OPT_T_ENUM, .values = v_coupled_control, .modes = MODES_8023AD,
		.flags = OPT_IFDOWN,
	},
	[OPT_BROADCAST_NEIGHBOR] = {
		.id = OPT_BROADCAST_NEIGHBOR, .name = "broadcast_neighbor",
		.desc = "802.3ad: send ARP/ND on every slave",
		.type = OPT_T_ENUM, .values = v_off_default, .modes = MODES_8023AD,
	},
	[OPT_LACP_STRICT] = {
		.id = OPT_LACP_STRICT, .name = "lacp_strict",
		.desc = "802.3ad: carrier off while no port collects and distributes",
		.type = OPT_T_ENUM, .values = v_off_default, .modes = MODES_8023AD,
	},
	[OPT_QUEUE_ID] = {
		.id = OPT_QUEUE_ID, .name = "queue_id",
		.desc = "transmit queue id of a slave, as ifname:qid",
		.type = OPT_T_SLAVE_QID, .modes = MODES_ALL,
		.flags = OPT_RAWVAL,
	},
	[OPT_SLAVES] = {
		.id = OPT_SLAVES, .name = "slaves",
		.desc = "enslave (+ifname) or release (-ifname) an interface",
		.type = OPT_T_SLAVES, .modes = MODES_ALL, .flags = OPT_RAWVAL,
	},
	[OPT_MAX_BONDS] = {
		.id = OPT_MAX_BONDS, .name = "max_bonds",
		.desc = "module parameter: bonds created at load (config import only)",
		.type = OPT_T_UINT, .values = v_max_bonds, .modes = MODES_ALL,
		.flags = OPT_MODULE,
	},
	[OPT_TX_QUEUES] = {
		.id = OPT_TX_QUEUES, .name = "tx_queues",
		.desc = "module parameter: transmit queues of a bond (config import only)",
		.type = OPT_T_UINT, .values = v_tx_queues, .modes = MODES_ALL,
		.flags = OPT_MODULE,
	},
	[OPT_PRIO] = {
		.id = OPT_PRIO, .name = "prio",
		.desc = "slave: priority in active slave selection (higher wins)",
		.type = OPT_T_INT, .modes = MODES_PRIMARY,
		.flags = OPT_PER_SLAVE | OPT_RAWVAL,
	},
	[OPT_AD_ACTOR_PORT_PRIO] = {
		.id = OPT_AD_ACTOR_PORT_PRIO, .name = "actor_port_prio",
		.alias = "ad_actor_port_prio",
		.desc = "slave: 802.3ad port priority sent in LACPDUs",
		.type = OPT_T_UINT, .values = v_actor_port_prio, .modes = MODES_8023AD,
		.flags = OPT_PER_SLAVE,
	},
};
