/* Frames from a few words, for `bondctl hash BOND DESCRIPTION`:
 *
 *   src 192.0.2.1 dst 192.0.2.2 proto tcp sport 1234 dport 80
 *
 * becomes the Ethernet frame the host would hand the bond, so the hash
 * code reads real bytes instead of a second description of a flow.
 * docs/hash.md has the grammar. Pure: no I/O, no allocation. */
#ifndef BONDD_FRAME_DESC_H
#define BONDD_FRAME_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"

/* Room for the largest frame a description can ask for (QinQ, PPPoE,
 * IPv6 + fragment header, GRE with every option, inner Ethernet, inner
 * IPv6 + fragment header, the largest L4 header). */
#define FRAME_DESC_MAX 256

/* The destination MAC when the description gives none. */
extern const uint8_t frame_desc_default_dmac[6];

struct frame_desc_info {
	uint8_t smac[6], dmac[6];   /* outer addresses used */
	bool smac_default;          /* no smac word: the bond's MAC */
	bool dmac_default;          /* no dmac word: frame_desc_default_dmac */
	char summary[320];          /* "IPv4 TCP 192.0.2.1:1234 -> 192.0.2.2:80" */
};

/* Builds the frame the words describe into buf (cap bytes). Returns 0 and
 * the length in *len, or -EINVAL (a word or value it does not accept) or
 * -ENOSPC (cap too small), with a one-line reason in err. */
int frame_desc_build(const char *const *words, unsigned n, const uint8_t bond_mac[6],
		     uint8_t *buf, size_t cap, size_t *len, struct err *err);

/* The same, also saying what was built (info may be NULL). */
int frame_desc_build_ex(const char *const *words, unsigned n,
			const uint8_t bond_mac[6], uint8_t *buf, size_t cap,
			size_t *len, struct frame_desc_info *info, struct err *err);

#endif
