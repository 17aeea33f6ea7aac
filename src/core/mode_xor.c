/* balance-xor (mode 2): each frame leaves on usable[hash % count], with the
 * hash of xmit_hash_policy (hash.c; the choice is mode.c's mode_hash_xmit,
 * which 802.3ad shares). The usable array holds the slaves that
 * can transmit and is rebuilt on link and membership changes only, so a
 * flow keeps its slave while the slave set is stable. Every slave receives. */
#include "bond.h"
#include "mode.h"

const struct mode_ops mode_xor = {
	.name = "balance-xor",
	.proc_text = "load balancing (xor)",
	.number = BOND_MODE_XOR,
	.arp_monitor = MODE_ARP_LOADBALANCE,
	.uses_xmit_hash = mode_hashes_always,
	.xmit = mode_hash_xmit,
};
