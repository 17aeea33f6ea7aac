/* A network device's kernel address and the layout of its state word, for
 * the carrier hints of the kernel data path (src/bpf/dp_abi.h, "carrier
 * hints"): src/bpf/dev_addr.bpf.c run with BPF_PROG_TEST_RUN on the
 * device. The program is loaded at the first call and kept for the
 * process (devaddr_close frees it). */
#ifndef BONDD_DEV_ADDR_H
#define BONDD_DEV_ADDR_H

#include "bpf/dp_abi.h"
#include "lib/util.h"

/* ifindex: a device of the calling thread's network namespace, or 0 for
 * its loopback device (the hint configuration alone). 0 and *out, or
 * -errno with err saying why: no such device (-ENODEV), the kernel cannot
 * load the program (no BTF, no bpf_cast_to_kern_ctx before Linux 6.3, no
 * CAP_BPF/CAP_PERFMON); a refused load is remembered, not retried. */
int devaddr_learn(int ifindex, struct dp_dev_addr *out, struct err *err);
void devaddr_close(void);

#endif
