#!/bin/bash
# t_monitor: `bondctl monitor` (issue 13 item 1). Two monitors at once, one
# JSON and one text, see in order and with the right reasons: a failover by
# a cut (eth0 link down by miimon, eth1 active because eth0 failed), the
# link coming back, a manual `bondctl active`, and a reload that changes
# miimon (what it changed). A third client asks for a stream and never reads
# while eth1 flaps a few thousand times: it is dropped with "dropped: too
# slow" as its last line, the log says so, and bondd keeps answering all along.
#
# srv: bond0 active-backup miimon 100 over eth0, eth1 (from a file)
# sw:  br0 over s0, s1, sc; cli: eth0 192.0.2.10/24
. "$(dirname "$0")/lib_topo.sh"
TOPO_PFX="bmon$$"
topo_init "$@"

conf=$TOPO_DIR/bondd.conf
cat >"$conf" <<'CFG'
[bond0]
mode = active-backup
miimon = 100
slaves = eth0 eth1
address = 192.0.2.1/24
CFG

need "topology" topo_2d1c
need "bondd -c FILE starts" start_bondd srv -c "$conf"
need "cli pings 192.0.2.1" wait_for 10 nsx cli ping -c 1 -W 1 192.0.2.1
need "eth0 is the active slave" active_is srv bond0 eth0

# The two monitors: each a bondctl in the background, its stream in a file.
bctl srv monitor --json >"$TOPO_DIR/mon.json" 2>"$TOPO_DIR/mon.json.err" &
mj=$!
bctl srv monitor bond0 >"$TOPO_DIR/mon.txt" 2>"$TOPO_DIR/mon.txt.err" &
mt=$!
sleep 0.5
check "monitor of a bond that does not exist: refused, exit 1" \
	eval "! bctl srv monitor bond9 && bctl srv monitor bond9 2>&1 | grep -q 'bond9: no such bond'"

ip -n "$(nsname sw)" link set s0 down
check "cut s0: eth1 active" wait_for 3 active_is srv bond0 eth1
ip -n "$(nsname sw)" link set s0 up
check "s0 back: eth0 link up" wait_for 3 eval "[ \"\$(proc_field srv bond0 'MII Status' eth0)\" = up ]"
check "bondctl active bond0 eth0" bctl srv active bond0 eth0
sed -i 's/^miimon = 100/miimon = 200/' "$conf"
check "reload (miimon 100 -> 200)" bctl srv reload
sleep 0.5

# in_order FILE REGEX...: each REGEX matches a line after the previous one's.
in_order() {
	local f=$1 n=0 m
	shift
	for re in "$@"; do
		m=$(tail -n +$((n + 1)) "$f" | grep -n -m1 -E -- "$re" | cut -d: -f1)
		if [ -z "$m" ]; then
			echo "not found after line $n: $re"
			echo "--- $f:"
			cat "$f"
			return 1
		fi
		n=$((n + m))
	done
}
T='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z '
check "text monitor: eth0 down (miimon), eth1 active (failure of eth0), eth0 up, eth0 active (manual), reload miimon 100 -> 200" \
	in_order "$TOPO_DIR/mon.txt" \
	"${T}bond0 eth0 link down \(miimon: carrier lost\)" \
	"${T}bond0 eth1 active \(failure of eth0\)" \
	"${T}bond0 eth0 link up \(miimon: carrier up" \
	"${T}bond0 eth0 active \(manual, was eth1\)" \
	"${T}bond0 reload options \(miimon 100 -> 200\)" \
	"${T}bond0 reload done "
check "text monitor: a peer notification after the failover" \
	grep -Eq "${T}bond0 eth1 peer_notify sent \(1 gratuitous ARP" "$TOPO_DIR/mon.txt"

json_order() {
	python3 - "$TOPO_DIR/mon.json" <<'PY'
import json, re, sys
want = [("link", "eth0", "down", r"^miimon: carrier lost"),
        ("active", "eth1", "active", r"^failure of eth0$"),
        ("link", "eth0", "up", r"^miimon: carrier up"),
        ("active", "eth0", "active", r"^manual, was eth1$"),
        ("reload", None, "options", r"^miimon 100 -> 200$"),
        ("reload", None, "done", r"reloaded$")]
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
evs = []
for l in lines:
    e = json.loads(l)                      # every line one object
    assert set(e) == {"time", "bond", "slave", "event", "state", "reason"}, e
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", e["time"]), e
    evs.append(e)
i = 0
for ev, sl, st, rx in want:
    while i < len(evs) and not (evs[i]["event"] == ev and evs[i]["slave"] == sl and
                                evs[i]["state"] == st and re.search(rx, evs[i]["reason"])):
        i += 1
    if i == len(evs):
        print("missing in order:", ev, sl, st, rx)
        print("\n".join(lines))
        sys.exit(1)
    i += 1
times = [e["time"] for e in evs]
assert times == sorted(times), "times out of order"
print(len(evs), "events")
PY
}
check "JSON monitor: the same events in order, one typed object per line" json_order
check "both monitors still connected" eval "kill -0 $mj && kill -0 $mt"

# --- A monitor that never reads.
slow() {
	python3 - "$(bondd_sock srv)" "$TOPO_DIR/slow.ready" "$TOPO_DIR/slow.go" "$TOPO_DIR/slow.out" <<'PY'
import os, socket, struct, sys, time
path, ready, go, out = sys.argv[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(path)
args = [b"monitor", b"bond0"]
body = struct.pack(">I", len(args)) + b"".join(struct.pack(">I", len(a)) + a for a in args)
s.sendall(struct.pack(">IHHI", 0x42445131, 1, 0, len(body)) + body)
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.05)
s.settimeout(20)
data = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
except OSError as e:                  # a timeout or reset: say which
    data += ("\n(test: %s)\n" % e).encode()
open(out, "wb").write(data[20:])     # after the 20-byte reply header
PY
}
nsx srv true   # (the socket is a file in TOPO_DIR: reachable from here)
slow &
sp=$!
need "slow monitor connected" wait_for 5 test -e "$TOPO_DIR/slow.ready"
# How many events a flood of flaps makes depends on how fast bondd sees
# them (changes it sees late coalesce), so flood in rounds until the log
# says the monitor was dropped.
printf 'link set eth1 down\nlink set eth1 up\n%.0s' $(seq 1500) >"$TOPO_DIR/flap.batch"
dropped_logged() { grep -q 'fell 128 KiB behind' "$(bondd_log srv)"; }
t_flood=$(now_ms)
slowest=0
rounds=0
while [ $rounds -lt 6 ] && ! dropped_logged; do
	rounds=$((rounds + 1))
	ip -n "$(nsname srv)" -force -batch "$TOPO_DIR/flap.batch" &
	fp=$!
	while kill -0 "$fp" 2>/dev/null; do
		t0=$(now_ms)
		bctl srv list >/dev/null || { slowest=99999; break; }
		t=$(($(now_ms) - t0))
		[ "$t" -gt "$slowest" ] && slowest=$t
		sleep 0.1
	done
	wait "$fp"
	sleep 0.2
done
topo_log "flood: $rounds x 3000 link changes of eth1 in $(($(now_ms) - t_flood)) ms"
check "bondd answered list during the flood (slowest ${slowest} ms < 2000)" test "$slowest" -lt 2000
check "the log says a monitor fell 128 KiB behind and was dropped" dropped_logged
touch "$TOPO_DIR/slow.go"
wait "$sp"
check "the slow monitor was dropped: its last line is 'dropped: too slow', then end of stream" \
	eval "tail -n 1 '$TOPO_DIR/slow.out' | grep -qx 'dropped: too slow'"
topo_log "slow monitor got $(wc -l <"$TOPO_DIR/slow.out") lines before it was dropped"
check "bondd alive and answering" eval "bondd_alive srv && bctl srv show bond0 >/dev/null"
kill "$mj" "$mt" 2>/dev/null
wait "$mj" "$mt" 2>/dev/null
check "no sanitizer report in the daemon's log" eval "! grep -E 'ERROR: AddressSanitizer|runtime error' '$(bondd_log srv)'"
topo_finish
