/* Transmit hash policies (xmit_hash_policy), computed exactly as the
 * kernel's __bond_xmit_hash() does on the bytes of the frame, so that a frame
 * picks the same slave index (hash % count) as the kernel would with the same
 * slave list. The formulas are the kernel's __bond_xmit_hash()
 * (drivers/net/bonding/bond_main.c); docs/hash.md spells them out. */
#ifndef BONDD_HASH_H
#define BONDD_HASH_H

#include <stddef.h>
#include <stdint.h>

enum xmit_policy {
	XMIT_LAYER2 = 0,
	XMIT_LAYER34 = 1,
	XMIT_LAYER23 = 2,
	XMIT_ENCAP23 = 3,
	XMIT_ENCAP34 = 4,
	XMIT_VLAN_SRCMAC = 5,
};

/* The 32-bit hash of a frame (starting at the Ethernet header). Never reads
 * past len; malformed or truncated headers fall back the way the kernel's
 * flow dissector does. */
uint32_t xmit_hash(uint32_t policy, const uint8_t *frame, size_t len);
/* A frame with an 802.1Q/802.1ad tag inline at frame[12..15] that the
 * kernel would carry out of band (a VLAN device stacked on the bond):
 * the kernel hashes the frame without its tag, so every policy gives
 * xmit_hash() of the frame with those 4 bytes taken out, except that
 * vlan+srcmac also XORs in the tag's TCI (skb_vlan_tag_get(): the VID, and
 * the priority bits when there are any). layer2 thus reads the inner type
 * field and the IP policies read the packet after the tag. Frames without
 * a tag there (len < 16, or another type at frame[12]) hash as xmit_hash. */
uint32_t xmit_hash_vlan(uint32_t policy, const uint8_t *frame, size_t len);

/* How a hash was made, for `bondctl hash` ("which slave, and why"). */
enum xmit_hash_path {
	XH_PATH_L2,        /* layer2 formula, as the policy asks */
	XH_PATH_SRCMAC,    /* vlan+srcmac formula */
	XH_PATH_FALLBACK,  /* L3 policy, but the frame fell back to layer2 */
	XH_PATH_L3,        /* start value ^ addresses, folded */
	XH_PATH_SHORT,     /* shorter than an Ethernet header: 0 */
};

enum xmit_hash_start {
	XH_START_L2,       /* dst_mac[5] ^ src_mac[5] ^ ethertype */
	XH_START_PORTS,    /* the L4 ports word (0 when there is none) */
	XH_START_ICMP,     /* type | code << 8 | id << 16 */
};

struct xmit_hash_info {
	enum xmit_hash_path path;
	enum xmit_hash_start start_kind;   /* XH_PATH_L3 only */
	uint32_t start;                    /* XH_PATH_L3 only */
	uint32_t saddr, daddr;             /* address words, XH_PATH_L3 only */
	const char *why;                   /* one line, static storage */
};

/* xmit_hash(), also saying how the value was made. */
uint32_t xmit_hash_explain(uint32_t policy, const uint8_t *frame, size_t len,
			   struct xmit_hash_info *info);
/* xmit_hash_vlan(), also saying how the value was made (the why strings
 * name the out-of-band rule when the frame has a tag at frame[12]). */
uint32_t xmit_hash_vlan_explain(uint32_t policy, const uint8_t *frame, size_t len,
				struct xmit_hash_info *info);

#endif
