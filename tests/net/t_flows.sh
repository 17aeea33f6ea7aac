#!/bin/bash
# t_flows: `bondctl flows` on the data path under test (BONDD_DATAPATH).
# a and b each run bondd with bond0 balance-xor layer3+4 over eth0, eth1
# (veth pairs a:ethN - b:ethN); 198.51.100.1/24 (a), .2/24 (b).
#
# Inside one 10 s window, a sends four UDP flows with fixed ports and
# known sizes (2000, 1000, 500 and 250 datagrams of 1000 bytes: 1042-byte
# frames) and one iperf3 TCP stream at 8 Mbit/s from client port 41000.
# After the window ends, `bondctl -j flows bond0` on a must
#   - list each UDP flow with its byte and frame counts: exact (within
#     1 %) where every frame is counted (packet); where one frame in N is
#     (ebpf, N = "sample"), within 5 standard deviations of the binomial
#     estimate (a false alarm about once in a million runs per flow);
#     and the TCP stream with 0.9-1.5 times iperf3's payload bytes (frames
#     carry headers), or within a factor 3 when sampled;
#   - give each listed flow the slave `bondctl hash` names for its words
#     (pasted as they are printed);
#   - give each slave a share of the bytes within 2 percentage points of
#     the share its kernel tx_bytes counter grew by while the traffic ran,
#     and bytes within 5 % of that growth (ARP/ND frames outside the
#     traffic are the difference);
#   - put no more bytes on a slave in flows than the slave sent.
# And the text output names the window and pastes the same words.
. "$(dirname "$0")/lib_topo.sh"
topo_init "$@"

A_IP=198.51.100.1
B_IP=198.51.100.2
need "namespaces" eval "ns_add a && ns_add b"
need "veth eth0" veth_pair a eth0 b eth0
need "veth eth1" veth_pair a eth1 b eth1
declare -A addr=([a]=$A_IP/24 [b]=$B_IP/24)
for n in a b; do
	need "bondd starts in $n" start_bondd "$n"
	need "create bond0 balance-xor layer3+4 in $n" \
		bctl "$n" create bond0 mode balance-xor miimon 100 xmit_hash_policy layer3+4
	need "enslave eth0 eth1 in $n" bctl "$n" enslave bond0 eth0 eth1
	need "bond0 up in $n" bctl "$n" up bond0
	need "bond0 address in $n" bond_addr "$n" bond0 "${addr[$n]}"
done
need "ping a->b" wait_for 10 nsx a ping -c 1 -W 1 $B_IP
need "iperf3 server in b" iperf_server b

# jget FILE EXPR: a python expression on the JSON document j of FILE.
jget() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# A fresh window: wait for one to end, so the traffic below has 9 s.
bctl a -j flows bond0 >"$TOPO_DIR/f0.json" || exit 1
left=$(jget "$TOPO_DIR/f0.json" 'j["next_end_ms"]')
sleep "$(awk -v l="$left" 'BEGIN { printf "%.3f", (l + 300) / 1000 }')"
bctl a -j flows bond0 >"$TOPO_DIR/f1.json"
start1=$(jget "$TOPO_DIR/f1.json" '(j["interval"] or {}).get("start_unix_ms")')

t0=$(tx_bytes a eth0)
t1=$(tx_bytes a eth1)
udp_send() {
	nsx a python3 - "$B_IP" <<'PY'
import socket, sys, time
for sport, n in ((40001, 2000), (40002, 1000), (40003, 500), (40004, 250)):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("198.51.100.1", sport))
    for _ in range(n):
        s.sendto(b"x" * 1000, (sys.argv[1], sport - 35000))
        time.sleep(0.0002)   # no queue overflows: every datagram is counted
    s.close()
PY
}
check "a sends 4 UDP flows (ports 40001-40004 -> 5001-5004)" udp_send
# 8 Mbit/s: the UDP flows keep a visible share of the bytes
iperf_client a $B_IP 2 "$TOPO_DIR/tcp.json" --cport 41000 -b 8M
check "iperf3 a->b from port 41000" iperf_done $? "$TOPO_DIR/tcp.json"
d0=$(($(tx_bytes a eth0) - t0))
d1=$(($(tx_bytes a eth1) - t1))
bctl a -j flows bond0 >"$TOPO_DIR/f2.json"
same_window() {
	local s2
	s2=$(jget "$TOPO_DIR/f2.json" '(j["interval"] or {}).get("start_unix_ms")')
	echo "last window started at $start1 before the traffic, $s2 after"
	[ "$s2" = "$start1" ]
}
need "the traffic fit in one window" same_window

left=$(jget "$TOPO_DIR/f2.json" 'j["next_end_ms"]')
sleep "$(awk -v l="$left" 'BEGIN { printf "%.3f", (l + 300) / 1000 }')"
need "bondctl -j flows bond0" eval "bctl a -j flows bond0 >'$TOPO_DIR/flows.json'"
bctl a flows bond0 >"$TOPO_DIR/flows.txt"
tcp_sent=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["end"]["sum_sent"]["bytes"])' \
	"$TOPO_DIR/tcp.json")

# flow_check: the flows listed, their sizes
flow_sizes() {
	python3 - "$TOPO_DIR/flows.json" "$tcp_sent" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
tcp_sent = int(sys.argv[2])
print("window:", j["interval"], "datapath", j["datapath"], "sample", j["sample"])
print("key:", j["key"])
ok = j["key"] == ["src", "dst", "proto", "ports"] and j["policy"] == "layer3+4"
want = {40001: 2000, 40002: 1000, 40003: 500, 40004: 250}
N = j["sample"]
def tol(n):
    """frames of slack for a flow of n frames: 1 % counted exactly, else
    5 standard deviations of n/N draws scaled by N"""
    if N == 1:
        return n // 100
    p = 1.0 / N
    return 5 * (n * p * (1 - p)) ** 0.5 * N
for f in j["flows"]:
    print("%10d %6d %-5s %s" % (f["bytes"], f["frames"], f["slave"], f["words"]))
for sp, n in want.items():
    m = [f for f in j["flows"] if f.get("proto") == 17 and f.get("sport") == sp]
    if len(m) != 1:
        print("UDP flow from port %d: %d entries, want 1" % (sp, len(m))); ok = False; continue
    f = m[0]
    exp = n * 1042
    if f["dport"] != sp - 35000 or f["src"] != "198.51.100.1" or f["dst"] != "198.51.100.2":
        print("UDP flow %d: wrong key %s" % (sp, f["words"])); ok = False
    if abs(f["bytes"] - exp) > tol(n) * 1042 or abs(f["frames"] - n) > tol(n):
        print("UDP flow %d: %d bytes %d frames, want %d and %d (+- %d frames)" % (
            sp, f["bytes"], f["frames"], exp, n, tol(n)))
        ok = False
m = [f for f in j["flows"] if f.get("proto") == 6 and f.get("sport") == 41000 and f.get("dport") == 5201]
if len(m) != 1:
    print("TCP flow 41000 -> 5201: %d entries" % len(m)); ok = False
elif not ((0.9 if N == 1 else 1 / 3.0) * tcp_sent <= m[0]["bytes"] <= (1.5 if N == 1 else 3) * tcp_sent):
    print("TCP flow: %d bytes, iperf3 sent %d payload bytes" % (m[0]["bytes"], tcp_sent)); ok = False
else:
    print("TCP flow: %d bytes for iperf3's %d payload bytes" % (m[0]["bytes"], tcp_sent))
sys.exit(0 if ok else 1)
PY
}
check "flows: the 4 UDP flows with their sizes (exact, or within 5 sd when sampled), the TCP stream with iperf3's bytes" flow_sizes

# Each flow's slave is the one `bondctl hash` names for its words.
hash_agrees() {
	local n=0 bad=0 words slave got
	while IFS=$'\t' read -r slave words; do
		# shellcheck disable=SC2086
		got=$(bctl a -j hash bond0 $words | python3 -c 'import json,sys; print(json.load(sys.stdin)["slave"])')
		echo "$words: flows says $slave, hash says $got"
		n=$((n + 1))
		[ "$got" = "$slave" ] || bad=$((bad + 1))
	done < <(python3 -c '
import json, sys
for f in json.load(open(sys.argv[1]))["flows"]:
    if f.get("proto") in (6, 17):
        print("%s\t%s" % (f["slave"], f["words"]))' "$TOPO_DIR/flows.json")
	echo "$n flows, $bad disagree"
	[ "$n" -ge 5 ] && [ "$bad" = 0 ]
}
check "each flow's slave is bondctl hash's answer for its words" hash_agrees

shares() {
	python3 - "$TOPO_DIR/flows.json" "$d0" "$d1" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
k = {"eth0": int(sys.argv[2]), "eth1": int(sys.argv[3])}
tot = sum(k.values())
s = {x["name"]: x for x in j["slaves"]}
ok = set(s) == {"eth0", "eth1"} and tot > 0
for n in sorted(k):
    if n not in s:
        continue
    share_k = 100.0 * k[n] / tot
    print("%s: flows says %d bytes, %.1f %%; the kernel's tx_bytes grew by %d, %.1f %%" % (
        n, s[n]["bytes"], s[n]["share"], k[n], share_k))
    if abs(s[n]["share"] - share_k) > 2.0 or abs(s[n]["bytes"] - k[n]) > 0.05 * max(k[n], 20000):
        ok = False
    on = sum(f["bytes"] for f in j["flows"] if f["slave"] == n)
    print("  the flows listed on %s: %d bytes (sampled 1 in %d)" % (n, on, j["sample"]))
    # estimates may pass the real count by chance: 20 % when sampled
    if on > s[n]["bytes"] * (1 if j["sample"] == 1 else 1.2):
        ok = False
sys.exit(0 if ok else 1)
PY
}
check "each slave's share matches its kernel tx counter (2 points, bytes within 5 %)" shares

schema_ok() {
	python3 - "$(dirname "$0")/../../docs/schema/bondctl.schema.json" "$TOPO_DIR/flows.json" <<'PY'
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
sub = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/flows"}
errs = list(Draft202012Validator(sub).iter_errors(json.load(open(sys.argv[2]))))
for e in errs[:5]:
    print("/".join(map(str, e.path)), e.message[:300])
sys.exit(1 if errs else 0)
PY
}
check "flows -j (with traffic) validates against docs/schema (#/\$defs/flows)" schema_ok

# The text has the same window and numbers as the JSON read just before.
text_ok() {
	local line
	cat "$TOPO_DIR/flows.txt"
	line=$(python3 -c '
import json, sys
for f in json.load(open(sys.argv[1]))["flows"]:
    if f.get("sport") == 40001:
        print("%d %d %s %s" % (f["bytes"], f["frames"], f["slave"], f["words"]))' "$TOPO_DIR/flows.json")
	echo "want a line with: $line"
	# shellcheck disable=SC2086
	set -- $line
	grep -q "^interval: the last finished window, 1[0-9]\.[0-9] s long" "$TOPO_DIR/flows.txt" &&
		grep -q "a flow is: src dst proto ports (what the policy hashes)" "$TOPO_DIR/flows.txt" &&
		grep -qE "^ +$1 +$2 .* $3 +src 198\.51\.100\.1 dst 198\.51\.100\.2 proto udp sport 40001 dport 5001$" \
			"$TOPO_DIR/flows.txt"
}
check "text: the window, the key, the biggest UDP flow's line" text_ok
unknown_bond() {
	local out rc
	out=$(bctl a flows bond9 2>&1)
	rc=$?
	echo "exit status $rc: $out"
	[ "$rc" != 0 ] && [ "$out" = "bondctl: bond9: no such bond" ]
}
check "flows of an unknown bond: refused, with the reason" unknown_bond

for n in a b; do
	check "bondd in $n stops cleanly" stop_bondd "$n"
done
topo_finish
