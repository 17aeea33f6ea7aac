#!/bin/bash
# t_json_schema: every bondctl command's JSON, from a real daemon with real
# bonds in several modes, validates against the documented schema
# (docs/schema/bondctl.schema.json, JSON Schema draft 2020-12; docs/json.md
# says it in words), is valid UTF-8, and carries typed values (the schema
# says which). (Escaping of names that are not ASCII or not UTF-8 at all:
# tests/unit/test_observe.c; bondd's journal refuses such slave names.)
#
# a, b: two bondd, joined by veth pairs a:ethN - b:ethN.
#   a: bond0 802.3ad (eth0 eth1), partnered by b's bond0 (802.3ad, eth0 eth1)
#      bond1 active-backup miimon 100 primary eth2 (eth2 eth3),
#      bond2 balance-xor layer3+4 (eth4 eth5), bond3 balance-alb (eth6 eth7),
#      bond4 balance-rr with arp_interval and two arp_ip_targets (eth8),
#      bond5 balance-tlb (eth9)
#      bond1.100: VLAN 100 of bond1, 203.0.113.1/24
. "$(dirname "$0")/lib_topo.sh"
TOPO_PFX="bjs$$"
topo_init "$@"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCHEMA=$ROOT/docs/schema/bondctl.schema.json

need "namespaces" eval "ns_add a && ns_add b"
for i in 0 1 2 3 4 5 6 7 8 9; do
	need "veth eth$i" veth_pair a "eth$i" b "eth$i"
done
need "bondd starts in a" start_bondd a
need "bondd starts in b" start_bondd b
need "b: bond0 802.3ad" bctl b create bond0 mode 802.3ad miimon 100 lacp_rate fast
need "b: enslave eth0 eth1" bctl b enslave bond0 eth0 eth1
need "a: bond0 802.3ad" bctl a create bond0 mode 802.3ad miimon 100 lacp_rate fast
need "a: enslave eth0 eth1" bctl a enslave bond0 eth0 eth1
need "a: bond1 active-backup" bctl a create bond1 mode active-backup miimon 100 primary eth2
need "a: enslave eth2 eth3" bctl a enslave bond1 eth2 eth3
need "a: bond2 balance-xor" bctl a create bond2 mode balance-xor miimon 100 xmit_hash_policy layer3+4
need "a: enslave eth4 eth5" bctl a enslave bond2 eth4 eth5
need "a: bond3 balance-alb" bctl a create bond3 mode balance-alb miimon 100
need "a: enslave eth6 eth7" bctl a enslave bond3 eth6 eth7
need "a: bond4 balance-rr, ARP monitor" bctl a create bond4 mode balance-rr arp_interval 100 \
	arp_ip_target 192.0.2.77,192.0.2.78
need "a: enslave eth8" bctl a enslave bond4 eth8
need "a: bond5 balance-tlb" bctl a create bond5 mode balance-tlb miimon 100
need "a: enslave eth9" bctl a enslave bond5 eth9
need "bond1 address" bond_addr a bond1 192.0.2.1/24
need "a: bond1 VLAN 100" bctl a vlan add bond1 100
need "bond1.100 address" bond_addr a bond1.100 203.0.113.1/24
# bonds are created down, as the kernel creates them
for bb in bond0 bond2 bond3 bond4 bond5; do
	need "a: $bb up" bctl a up "$bb"
done
need "b: bond0 up" bctl b up bond0
check "bond0 aggregates with b" wait_for 20 eval \
	"bctl a -j lacp explain bond0 | grep -q '\"aggregated\":true'"
# a failover on bond1 (eth2 cut at b's end, then back): stats has a record
ip -n "$(nsname b)" link set eth2 down
check "bond1: eth3 active after the cut" wait_for 3 eval \
	"bctl a -j show bond1 | grep -q '\"active_slave\":\"eth3\"'"
ip -n "$(nsname b)" link set eth2 up
sleep 0.3

OUT=$TOPO_DIR/json
mkdir -p "$OUT"
# run NAME DEF ARGS...: a's `bondctl -j ARGS` into OUT/NAME.DEF
n=0
run() {
	local name=$1 def=$2
	shift 2
	n=$((n + 1))
	bctl a -j "$@" >"$OUT/$(printf %02d $n)-$name.$def" 2>"$OUT/$name.err" ||
		{ echo "bondctl -j $* failed: $(cat "$OUT/$name.err")" >>"$OUT/failed"; }
}
run show-all show_all show
for b in bond0 bond1 bond2 bond3 bond4 bond5; do
	run "show-$b" bond show "$b"
	run "stats-$b" stats stats "$b"
	run "get-$b" get_all get "$b"
done
run get-mode get_one get bond0 mode
run get-slave get_slave get bond0 eth0
run get-slave-attr get_one get bond0 eth0 ad_aggregator_id
run list list list
run options options_list options
run version version version
run metrics metrics metrics
run metrics-om metrics metrics openmetrics
run lacp-explain lacp_explain lacp explain bond0
run lacp-log lacp_log lacp log bond0 eth0
run hash hash hash bond2 src 192.0.2.1 dst 192.0.2.2 proto tcp sport 1000 dport 80
run flows-bond2 flows flows bond2
run vlan-all vlan_list vlan
run vlan-bond1 vlan_list vlan show bond1
run hash-vlan hash hash bond1.100 src 203.0.113.1 dst 203.0.113.2 proto udp sport 1 dport 2
cat >"$TOPO_DIR/lint.conf" <<'CFG'
[bond0]
mode = 802.3ad
xmit_hash_policy = layer2
slaves = eth0 eth1
CFG
run lint lint lint "$TOPO_DIR/lint.conf"
# dump, and diff of the dump (nothing: exit 0) and of lint.conf (changes:
# exit 1, so not through run)
run dump dump dump
run dump-bond dump dump bond0
bctl a dump >"$TOPO_DIR/dumped.conf"
run diff-none diff diff "$TOPO_DIR/dumped.conf"
bctl a -j diff "$TOPO_DIR/lint.conf" >"$OUT/99-diff-some.diff" 2>"$OUT/diff-some.err"
[ $? = 1 ] || echo "bondctl -j diff lint.conf: exit status not 1 (changes)" >>"$OUT/failed"
# monitor: the events of a cut and its repair
bctl a -j monitor >"$OUT/monitor.monitor_lines" 2>&1 &
mp=$!
sleep 0.3
ip -n "$(nsname b)" link set eth2 down
sleep 0.5
ip -n "$(nsname b)" link set eth2 up
sleep 0.5
# b stops speaking LACP on eth1 (released, link still up): a's eth1 hears
# nothing more, its partner expires (3 s at the fast rate), then defaults.
bctl b release bond0 eth1
lacp_expired() {
	grep -q '"bond":"bond0","slave":"eth1","event":"lacp","state":"expired","reason":"partner expired' \
		"$OUT/monitor.monitor_lines" &&
		grep -q '"slave":"eth1","event":"lacp","state":"defaulted"' "$OUT/monitor.monitor_lines"
}
check "monitor: bond0 eth1 lacp expired (partner expired), then defaulted" wait_for 10 lacp_expired
kill "$mp"
wait "$mp" 2>/dev/null

answered() { [ ! -e "$OUT/failed" ] || { cat "$OUT/failed"; return 1; }; }
check "every command answered" answered

validate() {
	python3 - "$SCHEMA" "$OUT" <<'PY'
import json, os, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1], encoding="utf-8"))
Draft202012Validator.check_schema(schema)
bad = 0
count = 0
for f in sorted(os.listdir(sys.argv[2])):
    name, _, kind = f.rpartition(".")
    if kind in ("err",) or f == "failed":
        continue
    raw = open(os.path.join(sys.argv[2], f), "rb").read()
    text = raw.decode("utf-8")                 # strict: must be UTF-8
    docs = [json.loads(l) for l in text.splitlines() if l] if kind.endswith("_lines") \
        else [json.loads(text)]
    sub = {"$schema": schema["$schema"], "$defs": schema["$defs"],
           "$ref": "#/$defs/" + kind.replace("_lines", "")}
    v = Draft202012Validator(sub)
    for d in docs:
        count += 1
        errs = sorted(v.iter_errors(d), key=lambda e: list(e.path))
        for e in errs[:5]:
            bad += 1
            print("%s: %s: %s" % (f, "/".join(map(str, e.path)), e.message[:300]))
print("%d documents from %d files checked, %d errors" % (count, len(os.listdir(sys.argv[2])), bad))
sys.exit(1 if bad else 0)
PY
}
check "every JSON output validates against docs/schema/bondctl.schema.json" validate
typed() {
	python3 - "$OUT" <<'PY'
import glob, json, sys
d = sys.argv[1]
b0 = json.load(open(glob.glob(d + "/*-show-bond0.bond")[0]))
b1 = json.load(open(glob.glob(d + "/*-show-bond1.bond")[0]))
b4 = json.load(open(glob.glob(d + "/*-show-bond4.bond")[0]))
st = json.load(open(glob.glob(d + "/*-stats-bond1.stats")[0]))
assert b0["mode"] == {"name": "802.3ad", "number": 4}, b0["mode"]
assert b0["options"]["miimon"] == 100
assert b0["options"]["lacp_rate"] == {"name": "fast", "number": 1}
assert b0["options"]["slaves"] == ["eth0", "eth1"]
assert b0["options"]["use_carrier"] is True
assert b0["slaves"][0]["ad"]["lacp_counters"]["lacpdu_rx"] > 0
assert b4["options"]["arp_ip_target"] == ["192.0.2.77", "192.0.2.78"]
assert b1["options"]["primary"] == "eth2"
assert [v["name"] for v in b1["vlans"]] == ["bond1.100"], b1["vlans"]
assert b1["vlans"][0]["vid"] == 100 and "203.0.113.1/24" in b1["vlans"][0]["addresses"], b1["vlans"]
assert "vlans" not in b0, b0["vlans"]
assert st["failover"]["count"] >= 1 and st["failover"]["recent"], st["failover"]
r = st["failover"]["recent"][-1]
assert r["reason"].startswith("failure of eth2") or "primary" in r["reason"], r
print("typed: ok;", json.dumps(st["failover"]["recent"]))
PY
}
check "typed values: mode, numbers, named values, lists, booleans; stats has the failovers" typed
# metrics (docs/metrics.md) of the 802.3ad bond0, through
# python3-prometheus-client's OpenMetrics parser
lacp_metrics() {
	bctl a metrics openmetrics >"$TOPO_DIR/metrics.om" || return 1
	/usr/bin/python3 - "$TOPO_DIR/metrics.om" <<'PY'
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
f = {m.name: m for m in text_string_to_metric_families(open(sys.argv[1]).read())}
def v(fam, sname, **lb):
    got = [s.value for s in f[fam].samples
           if s.name == sname and all(s.labels.get(k) == x for k, x in lb.items())]
    assert len(got) == 1, (fam, lb, got)
    return got[0]
p = "eth0"
assert v("bondd_lacp_actor_state_bit", "bondd_lacp_actor_state_bit",
         master="bond0", slave=p, bit="synchronization") == 1
assert v("bondd_lacp_actor_state", "bondd_lacp_actor_state", master="bond0", slave=p) == 63
assert v("bondd_lacp_lacpdus_rx", "bondd_lacp_lacpdus_rx_total", master="bond0", slave=p) > 0
assert v("bondd_lacp_aggregator_id", "bondd_lacp_aggregator_id", master="bond0", slave=p) == \
    v("bondd_lacp_active_aggregator_id", "bondd_lacp_active_aggregator_id", master="bond0") > 0
# b released its eth1 above: a's eth1 went on with defaulted partner info
assert v("bondd_lacp_actor_state_bit", "bondd_lacp_actor_state_bit",
         master="bond0", slave="eth1", bit="defaulted") == 1
assert v("node_bonding_slaves", "node_bonding_slaves", master="bond5") == 1
print("metrics: eth0 in sync (actor state 63), LACPDUs counted, in the active aggregator; eth1 defaulted")
PY
}
check "metrics openmetrics: bond0's LACP states and counters parse and are right" lacp_metrics
stats_text() {
	local t
	t=$(bctl a stats bond1) || return 1
	printf '%s\n' "$t"
	printf '%s\n' "$t" | grep -Eq '^eth2 +up ' &&
		printf '%s\n' "$t" | grep -Eq '^Failovers: [1-9]' &&
		printf '%s\n' "$t" | grep -Eq ' eth2 -> eth3 \(failure of eth2\) [0-9]+ us$'
}
check "stats bond1 (text): the slaves' table, the failovers and their reasons" stats_text
lacp_text() {
	local t
	t=$(bctl a stats bond0) || return 1
	printf '%s\n' "$t"
	printf '%s\n' "$t" | grep -Eq '^eth0 +[1-9][0-9]* +[1-9]'
}
check "stats bond0 (text): LACPDUs counted per port" lacp_text
topo_finish
