#!/bin/sh
# Real-system test of the Linux I/O layer (src/linux). Needs root.
# Creates two private network namespaces joined by four veth pairs
# (bdt-sN in A, bdt-pN in B; addresses from 192.0.2.0/24 only), runs
# linuxio_test inside A and removes everything again, whatever happens.
# Usage: run.sh [path/to/linuxio_test]    (BDT_BENCH=1 adds measurements)
# Output: one "PASS name" / "FAIL name: why" line per check; exit 1 on failure.
set -u

BIN=${1:-build/tests/linuxio/linuxio_test}
if [ "$(id -u)" != 0 ]; then
	echo "SKIP linuxio: needs root"
	exit 77
fi
if [ ! -x "$BIN" ]; then
	echo "FAIL linuxio: test program $BIN not found"
	exit 1
fi

A=bdt-io-a-$$
B=bdt-io-b-$$
OUT=$(mktemp /tmp/bdt-linuxio.XXXXXX)

cleanup() {
	for ns in "$A" "$B"; do
		# Only processes started by this test live in these namespaces.
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	rm -f "$OUT" "$OUT.rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

setup() {
	ip netns add "$A" && ip netns add "$B" || return 1
	ip -n "$A" link set lo up && ip -n "$B" link set lo up || return 1
	for i in 0 1 2 3; do
		ip -n "$A" link add "bdt-s$i" type veth peer name "bdt-p$i" netns "$B" || return 1
		ip -n "$A" link set "bdt-s$i" up && ip -n "$B" link set "bdt-p$i" up || return 1
	done
	ip -n "$B" addr add 192.0.2.2/28 dev bdt-p0 &&
	ip -n "$A" addr add 192.0.2.17/28 dev bdt-s1 &&
	ip -n "$B" addr add 192.0.2.18/28 dev bdt-p1 &&
	ip -n "$A" addr add 192.0.2.33/28 dev bdt-s3 &&
	ip -n "$B" addr add 192.0.2.34/28 dev bdt-p3 || return 1
	# A fixed neighbour, so B sends ICMP (not ARP) to the hidden bdt-s1.
	mac=$(ip -n "$A" -br link show dev bdt-s1 | awk '{print $3}')
	ip -n "$B" neigh replace 192.0.2.17 lladdr "$mac" dev bdt-p1 nud permanent || return 1
}

if ! setup; then
	echo "FAIL linuxio_setup"
	exit 1
fi
echo "PASS linuxio_setup"

{ ip netns exec "$A" "$BIN" "$B" 2>&1; echo $? >"$OUT.rc"; } | tee "$OUT"
rc=$(cat "$OUT.rc" 2>/dev/null || echo 1)
if [ $rc -ne 0 ] || grep -q '^FAIL' "$OUT" || ! grep -q '^PASS' "$OUT"; then
	echo "FAIL linuxio (exit $rc)"
	exit 1
fi
exit 0
