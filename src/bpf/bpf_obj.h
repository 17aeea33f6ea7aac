/* The BPF object of the kernel data path (src/bpf/bond_dp.bpf.c, built by
 * clang -target bpf), embedded in the binary by src/bpf/embed.py. */
#ifndef BONDD_BPF_OBJ_H
#define BONDD_BPF_OBJ_H

#include <stddef.h>

extern const unsigned char bondd_bpf_obj[];
extern const size_t bondd_bpf_obj_len;

#endif
