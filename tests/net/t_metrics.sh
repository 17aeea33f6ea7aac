#!/bin/bash
# t_metrics: metrics that existing dashboards read (issue 13 item 4).
#
# srv: bond0 (active-backup, miimon 100) over eth0, eth1; sw: br0 over s0,
# s1 and sc; cli: 192.0.2.10. bondd --metrics [::1]:PORT (IPv6 on srv's
# loopback), and metrics_textfile = DIR in its bondd.conf; Debian's prometheus-node-exporter runs
# in srv with only the textfile collector, on 127.0.0.1.
#   - bad --metrics / --metrics-textfile values and a bad [daemon] metrics
#     are refused, before anything is touched; so is a port already taken;
#   - node_exporter, scraped with curl, says node_bonding_slaves 2 and
#     node_bonding_active 2 for bond0; a cut switch port makes it 1 and the
#     restored port 2 again (node_exporter's "active": slaves whose MII
#     status is up); bondd_active_slave follows the failover;
#   - bondd's endpoint: the text format 0.0.4 by default and OpenMetrics
#     1.0.0 when asked (as Prometheus asks), each with its content type,
#     each parsed by python3-prometheus-client's parser for that format;
#     the failover histogram counted the failover; HEAD, 404, 405, 400;
#   - 40 silent connections and one that never reads its reply do not
#     slow `bondctl show` down, and a scrape still gets its answer;
#   - `bondctl metrics` prints the same families; SIGTERM removes the file.
. "$(dirname "$0")/lib_topo.sh"
TOPO_PFX="bme$$"
topo_init "$@"

PY=/usr/bin/python3      # Debian's, where python3-prometheus-client lives
NE=prometheus-node-exporter
BPORT=19100              # bondd's endpoint (the namespace's own loopback)
NPORT=19101              # node_exporter's
TF=$TOPO_DIR/textfile
BURL="http://[::1]:$BPORT/metrics"
NURL="http://127.0.0.1:$NPORT/metrics"
OM_ACCEPT='application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
mkdir -p "$TF"

for tool in "$NE" curl "$PY"; do
	need "$tool is installed (scripts/deps.sh)" command -v "$tool"
done
need "python3-prometheus-client is installed" "$PY" -c 'import prometheus_client.openmetrics.parser'

# refused VALUE...: bondd with these arguments exits 2 at once, saying why.
refused() {
	local out rc
	out=$("$BONDD" -f -s "$TOPO_DIR/never.sock" "$@" 2>&1)
	rc=$?
	echo "exit $rc: $out"
	[ "$rc" = 2 ] && [ -n "$out" ] && [ ! -e "$TOPO_DIR/never.sock" ]
}
check "--metrics without a port is refused" refused --metrics 192.0.2.1
check "--metrics with port 0 is refused" refused --metrics 192.0.2.1:0
check "--metrics with port 65536 is refused" refused --metrics 127.0.0.1:65536
check "--metrics with a name is refused" refused --metrics localhost:9100
check "--metrics 300.1.1.1:9100 is refused" refused --metrics 300.1.1.1:9100
check "--metrics with IPv6 outside brackets is refused" refused --metrics 2001:db8::1:9100
check "--metrics [bad]:9100 is refused" refused --metrics '[2001:db8::g]:9100'
check "--metrics-textfile relative is refused" refused --metrics-textfile textfile
printf '[daemon]\nmetrics = 192.0.2.1:http\n' >"$TOPO_DIR/bad.conf"
check "[daemon] metrics = 192.0.2.1:http: --check-config says 78" eval \
	'"$BONDD" --check-config -c "$TOPO_DIR/bad.conf" 2>&1; [ $? = 78 ]'

need "topology" topo_2d1c

# a port someone else holds: bondd says so and stops, leaving nothing
nsx cli "$PY" -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 19102)); s.listen(); time.sleep(6)' &
HOLDER=$!
need "a program holds 127.0.0.1:19102 in cli" wait_for 3 topo_listening cli 19102
port_taken() {
	local out rc
	out=$(ip netns exec "$(nsname cli)" "$BONDD" -f -s "$TOPO_DIR/cli.sock" \
		--metrics 127.0.0.1:19102 2>&1)
	rc=$?
	echo "exit $rc: $out"
	[ "$rc" = 1 ] && [[ $out == *"127.0.0.1:19102"*"another program listens"* ]] &&
		[ ! -e "$TOPO_DIR/cli.sock" ]
}
check "--metrics on a port already taken: exit 1, says why, no socket left" port_taken
kill "$HOLDER" 2>/dev/null
wait "$HOLDER" 2>/dev/null
# the textfile from the configuration file, the endpoint from the command line
printf '[daemon]\nmetrics_textfile = %s\n' "$TF" >"$TOPO_DIR/bondd.conf"
need "bondd starts with --metrics [::1]:$BPORT, [daemon] metrics_textfile" \
	start_bondd srv -c "$TOPO_DIR/bondd.conf" --metrics "[::1]:$BPORT"
need "create bond0 active-backup" bctl srv create bond0 mode active-backup miimon 100
need "enslave eth0 eth1" bctl srv enslave bond0 eth0 eth1
need "bond0 address" bond_addr srv bond0 192.0.2.1/24
need "ping crosses the bond" wait_for 10 nsx srv ping -c 1 -W 1 192.0.2.10

ip netns exec "$(nsname srv)" "$NE" --collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$TF" --web.listen-address="127.0.0.1:$NPORT" \
	>"$TOPO_DIR/node_exporter.log" 2>&1 &
NE_PID=$!
stop_ne() { kill "$NE_PID" 2>/dev/null; wait "$NE_PID" 2>/dev/null; }
need "node_exporter listens" wait_for 10 topo_listening srv "$NPORT"

# ne_says METRIC VALUE: node_exporter's scrape has METRIC (with its labels)
# at VALUE.
ne_says() {
	local got
	got=$(nsx srv curl -sS --max-time 5 "$NURL" | grep -F "$1 ")
	echo "node_exporter: ${got:-no $1}"
	[ "$got" = "$1 $2" ]
}
bondd_says() {
	local got
	got=$(nsx srv curl -gsS --max-time 5 "$BURL" | grep -F "$1 ")
	echo "bondd: ${got:-no $1}"
	[ "$got" = "$1 $2" ]
}
check "textfile $TF/bondd.prom is there, mode 0644" eval \
	'[ "$(stat -c %a "$TF/bondd.prom")" = 644 ]'
check "node_exporter read it without error" eval \
	'nsx srv curl -sS "$NURL" | grep -Fx "node_textfile_scrape_error 0"'
check "node_exporter: node_bonding_slaves{master=\"bond0\"} 2" \
	wait_for 3 ne_says 'node_bonding_slaves{master="bond0"}' 2
check "node_exporter: node_bonding_active{master=\"bond0\"} 2" \
	wait_for 3 ne_says 'node_bonding_active{master="bond0"}' 2
check "node_exporter keeps the HELP of its bonding collector" eval \
	'nsx srv curl -sS "$NURL" | grep -Fx "# HELP node_bonding_active Number of active slaves per bonding interface."'
check "bondd: eth0 is the active slave" \
	bondd_says 'bondd_active_slave{master="bond0",slave="eth0"}' 1

ip -n "$(nsname sw)" link set s0 down
check "cut s0: node_exporter says node_bonding_active 1 (within 3 s)" \
	wait_for 3 ne_says 'node_bonding_active{master="bond0"}' 1
check "cut s0: node_bonding_slaves stays 2" ne_says 'node_bonding_slaves{master="bond0"}' 2
check "cut s0: bondd_slave_up of eth0 is 0" bondd_says 'bondd_slave_up{master="bond0",slave="eth0"}' 0
check "cut s0: eth1 is the active slave" \
	bondd_says 'bondd_active_slave{master="bond0",slave="eth1"}' 1
check "cut s0: the failover histogram counted it" \
	bondd_says 'bondd_failover_seconds_count{master="bond0"}' 1
check "cut s0: link failures of eth0 counted" \
	bondd_says 'bondd_slave_link_failures_total{master="bond0",slave="eth0"}' 1
ip -n "$(nsname sw)" link set s0 up
check "s0 back: node_exporter says node_bonding_active 2 again" \
	wait_for 3 ne_says 'node_bonding_active{master="bond0"}' 2

# ---- bondd's own endpoint: both formats, parsed by a real parser ----
nsx srv curl -gsS -D "$TOPO_DIR/text.hdr" -o "$TOPO_DIR/text.out" "$BURL"
check "default: text format 0.0.4's content type" \
	grep -ix 'content-type: text/plain; version=0.0.4; charset=utf-8.' "$TOPO_DIR/text.hdr"
nsx srv curl -gsS -H "Accept: $OM_ACCEPT" -D "$TOPO_DIR/om.hdr" -o "$TOPO_DIR/om.out" "$BURL"
check "Prometheus' Accept: OpenMetrics' content type" grep -ix \
	'content-type: application/openmetrics-text; version=1.0.0; charset=utf-8.' "$TOPO_DIR/om.hdr"
check "OpenMetrics: # EOF is the last line" eval '[ "$(tail -n 1 "$TOPO_DIR/om.out")" = "# EOF" ]'
check "text format: no # EOF" eval '! grep -q "^# EOF" "$TOPO_DIR/text.out"'

# parse FORMAT FILE: python3-prometheus-client's parser of FORMAT reads FILE
# whole; then the facts of bond0 must be as the daemon says.
parse() {
	"$PY" - "$1" "$2" <<'PY'
import sys
fmt, path = sys.argv[1], sys.argv[2]
if fmt == "openmetrics":
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
else:
    from prometheus_client.parser import text_string_to_metric_families
fams = {f.name: f for f in text_string_to_metric_families(open(path).read())}
def val(fam, sname, **labels):
    for s in fams[fam].samples:
        if s.name == sname and all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    raise SystemExit("no sample %s %s" % (sname, labels))
assert fams["node_bonding_slaves"].type == "gauge"
assert val("node_bonding_slaves", "node_bonding_slaves", master="bond0") == 2
assert val("node_bonding_active", "node_bonding_active", master="bond0") == 2
# counters: the family without _total, the sample with it, in both parsers
rx = fams["bondd_slave_rx_frames"]
assert rx.type == "counter", rx.type
assert val("bondd_slave_rx_frames", "bondd_slave_rx_frames_total", master="bond0", slave="eth1") > 0
h = fams["bondd_failover_seconds"]
assert h.type == "histogram"
buckets = [s for s in h.samples if s.name.endswith("_bucket")]
les = [float(s.labels["le"]) for s in buckets]
assert les == sorted(les) and les[-1] == float("inf"), les
counts = [s.value for s in buckets]
assert counts == sorted(counts), "buckets not cumulative: %s" % counts
assert counts[-1] == val("bondd_failover_seconds", "bondd_failover_seconds_count", master="bond0") == 1
if fmt == "openmetrics":
    assert fams["bondd_slave_rx_bytes"].unit == "bytes"
    assert h.unit == "seconds"
print("%s: %d families parsed, facts as expected" % (fmt, len(fams)))
PY
}
check "text format parses (prometheus_client.parser) with bond0's facts" \
	parse text "$TOPO_DIR/text.out"
check "OpenMetrics parses (prometheus_client.openmetrics.parser) with bond0's facts" \
	parse openmetrics "$TOPO_DIR/om.out"

# http_code ARGS...: the status of a request to bondd's endpoint.
http_code() { nsx srv curl -gs -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }
check "HEAD /metrics: 200" is_eq "HEAD" 200 "$(http_code -I "$BURL")"
check "GET /other: 404" is_eq "GET /other" 404 "$(http_code "http://[::1]:$BPORT/other")"
check "POST /metrics: 405" is_eq "POST" 405 "$(http_code -X POST -d x "$BURL")"
check "HTTP/1.0 GET: 200" is_eq "HTTP/1.0" 200 "$(http_code -0 "$BURL")"
raw() {
	nsx srv "$PY" - "$BPORT" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("::1", int(sys.argv[1])), timeout=5)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
print(s.recv(200).decode("latin-1").splitlines()[0])
PY
}
check "junk: 400" eval 'raw "junk\r\n\r\n" | grep -x "HTTP/1.1 400 Bad Request"'
check "TLS hello bytes: 400 at once" eval \
	'raw "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" | grep -x "HTTP/1.1 400 Bad Request"'
check "HTTP/1.1 without Host: 400" eval 'raw "GET /metrics HTTP/1.1\r\n\r\n" | grep -x "HTTP/1.1 400 Bad Request"'
check "HTTP/2.0: 505" eval 'raw "GET /metrics HTTP/2.0\r\n\r\n" | grep -x "HTTP/1.1 505 HTTP Version Not Supported"'

# ---- slow and silent clients ----
nsx srv "$PY" - "$BPORT" >"$TOPO_DIR/stall.log" 2>&1 <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
socks = []
for i in range(40):                      # silent: connect, send nothing
    socks.append(socket.create_connection(("::1", port)))
r = socket.create_connection(("::1", port))   # asks, never reads
r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
r.sendall(b"GET /metrics HTTP/1.0\r\n\r\n")
socks.append(r)
print("holding", len(socks), flush=True)
time.sleep(4)
PY
STALL=$!
check "the staller holds its connections" wait_for 3 grep -q holding "$TOPO_DIR/stall.log"
slowest=0
for i in 1 2 3 4 5; do
	t0=$(now_ms)
	bctl srv show bond0 >/dev/null || slowest=99999
	t=$(($(now_ms) - t0))
	[ "$t" -gt "$slowest" ] && slowest=$t
done
check "bondctl show during the stall: slowest of 5 under 500 ms (${slowest} ms)" \
	eval "[ $slowest -lt 500 ]"
check "a scrape during the stall still gets 200" is_eq "scrape" 200 "$(http_code "$BURL")"
wait "$STALL"

# ---- bondctl metrics ----
check "bondctl metrics: the same node_bonding lines as the endpoint" eval \
	'diff <(bctl srv metrics | grep ^node_bonding) <(nsx srv curl -gsS "$BURL" | grep ^node_bonding)'
check "bondctl metrics openmetrics ends with # EOF" eval \
	'[ "$(bctl srv metrics openmetrics | tail -n 1)" = "# EOF" ]'
check "bondctl metrics bogus: usage error" eval 'bctl srv metrics bogus; [ $? = 2 ]'

stop_ne
check "bondd exits cleanly on SIGTERM" stop_bondd srv
check "SIGTERM removed $TF/bondd.prom, and no temporary file is left" \
	eval '[ -z "$(ls -A "$TF")" ]'
topo_finish
