/* The BPF object of the kernel data path (src/bpf/bond_dp.bpf.c, built by
 * clang -target bpf), embedded in the binary by src/bpf/embed.py. */
#ifndef BONDD_BPF_OBJ_H
#define BONDD_BPF_OBJ_H

#include <stddef.h>

extern const unsigned char bondd_bpf_obj[];
extern const size_t bondd_bpf_obj_len;

/* The carrier watch's object (src/bpf/carrier_watch.bpf.c, cw_abi.h). */
extern const unsigned char bondd_cw_obj[];
extern const size_t bondd_cw_obj_len;

/* The device address learner (src/bpf/dev_addr.bpf.c, dp_abi.h). */
extern const unsigned char bondd_devaddr_obj[];
extern const size_t bondd_devaddr_obj_len;

#endif
