#!/bin/bash
# tests/scripts/t_demo_chart.sh [BUILD]: the chart step of make demo
# (scripts/demo_chart.py) without namespaces or a daemon.
#
#   plot: 12 samples recorded by the demo across a failover (eth0 -> eth1,
#         data/failover-samples.jsonl) give a PNG: its signature, its IHDR
#         (1000x560), a size > 0; bad input (empty, not JSON, not a stats
#         answer, one sample, time going back, a missing file, no gnuplot)
#         is refused with an error naming the problem and leaves an existing
#         PNG byte for byte as it was.
#   record: a stand-in for bondctl that prints a stats answer is sampled for
#         0.45 s at 100 ms (lines that plot accepts); a command that fails
#         stops the recorder with an error after 3 tries.
# One PASS/FAIL line per check (tests/run.sh counts them); BUILD is unused.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
chart="$root/scripts/demo_chart.py"
data="$here/data/failover-samples.jsonl"
# The interpreter itself, not a wrapper (pyenv's shims are shell scripts
# that need a PATH, and one check runs with a PATH without gnuplot).
py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
if [ -z "$py" ] || [ ! -x "$py" ]; then
	echo "FAIL python3 (not installed)"
	exit 1
fi
tmp=$(mktemp -d /tmp/t_demo_chart.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0

pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1"
	shift
	printf '%s\n' "$@" | sed 's/^/    /'
	fails=$((fails + 1))
}

# png_info FILE: "WIDTHxHEIGHT" when FILE starts with the PNG signature and
# an IHDR chunk, else says what is wrong and fails.
png_info() {
	"$py" - "$1" <<'EOF'
import struct, sys
b = open(sys.argv[1], "rb").read()
if len(b) == 0:
    sys.exit("empty file")
if b[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("no PNG signature: %r" % b[:8])
if b[12:16] != b"IHDR":
    sys.exit("no IHDR chunk first: %r" % b[12:16])
w, h = struct.unpack(">II", b[16:24])
print("%dx%d" % (w, h))
EOF
}

# The recorded sample makes a PNG.
out=$tmp/chart.png
if "$py" "$chart" plot "$data" "$out" --mark "1796440699.15=s0 down" >"$tmp/err" 2>&1; then
	if info=$(png_info "$out" 2>&1) && [ "$info" = 1000x560 ] && [ -s "$out" ]; then
		pass "plot: recorded sample -> PNG $info, $(wc -c <"$out") bytes"
	else
		fail "plot: recorded sample -> PNG" "not a 1000x560 PNG: $info"
	fi
else
	fail "plot: recorded sample -> PNG" "status $?" "$(cat "$tmp/err")"
fi
left=$(find "$tmp" -mindepth 1 ! -name chart.png ! -name err)
if [ -z "$left" ]; then
	pass "plot: no temporary file left next to the PNG"
else
	fail "plot: no temporary file left next to the PNG" "$left"
fi

# refused NAME EXPECTED_TEXT ARGS...: plot ARGS fails with status 1, says
# EXPECTED_TEXT on stderr and leaves $out (a good PNG) unchanged.
cp "$out" "$tmp/before.png" 2>/dev/null || : >"$tmp/before.png"
refused() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$tmp/err" 2>&1
	rc=$?
	if [ "$rc" != 1 ]; then
		fail "refused: $name" "expected status 1, got $rc" "$(cat "$tmp/err")"
	elif ! grep -qF -- "$want" "$tmp/err"; then
		fail "refused: $name" "expected \"$want\" in the error, got:" "$(cat "$tmp/err")"
	elif ! cmp -s "$out" "$tmp/before.png"; then
		fail "refused: $name" "the existing PNG was changed"
	else
		pass "refused: $name ($(head -n 1 "$tmp/err" | sed "s|$tmp/||g"))"
	fi
}

: >"$tmp/empty.jsonl"
refused "empty file" "no samples (empty file)" "$py" "$chart" plot "$tmp/empty.jsonl" "$out"
{ head -n 2 "$data"; echo '{"t": 1, "stats": '; } >"$tmp/trunc.jsonl"
refused "a line that is not JSON" "trunc.jsonl:3: not a JSON sample" "$py" "$chart" plot "$tmp/trunc.jsonl" "$out"
{ head -n 1 "$data"; echo '{"t": 1796440698.7, "stats": {"name": "bond0"}}'; } >"$tmp/noslaves.jsonl"
refused "a stats answer without slaves" 'noslaves.jsonl:2: "stats" is not a bondctl -j stats answer' \
	"$py" "$chart" plot "$tmp/noslaves.jsonl" "$out"
{ head -n 1 "$data"; echo '{"t": 1796440698.7, "stats": {"name": "bond0", "slaves": [{"name": "eth0", "tx_bytes": "12", "rx_bytes": 0}]}}'; } >"$tmp/str.jsonl"
refused "a counter that is a string" "str.jsonl:2: a slave without name, tx_bytes, rx_bytes" \
	"$py" "$chart" plot "$tmp/str.jsonl" "$out"
head -n 1 "$data" >"$tmp/one.jsonl"
refused "one sample" "1 sample; a rate needs at least 2" "$py" "$chart" plot "$tmp/one.jsonl" "$out"
{ sed -n 2p "$data"; sed -n 1p "$data"; } >"$tmp/back.jsonl"
refused "time going back" "back.jsonl:2: time 1796440698.621857 is not after" \
	"$py" "$chart" plot "$tmp/back.jsonl" "$out"
refused "a missing file" "cannot read $tmp/none.jsonl: No such file or directory" \
	"$py" "$chart" plot "$tmp/none.jsonl" "$out"
refused "no gnuplot on PATH" "gnuplot is not installed" env PATH=/nonexistent "$py" "$chart" plot "$data" "$out"
refused "an output directory that does not exist" "cannot write a file in $tmp/no/dir" \
	"$py" "$chart" plot "$data" "$tmp/no/dir/x.png"

# record: a stand-in for `bondctl -j stats bond0` (the first recorded answer).
"$py" -c 'import json, sys; print(json.dumps(json.loads(open(sys.argv[1]).readline())["stats"]))' "$data" \
	>"$tmp/answer.json"
rec=$tmp/rec.jsonl
if "$py" "$chart" record "$rec" --interval 0.1 --max-s 0.45 -- cat "$tmp/answer.json" >"$tmp/err" 2>&1; then
	n=$(wc -l <"$rec")
	if [ "$n" -ge 3 ] && [ "$n" -le 6 ] && "$py" "$chart" plot "$rec" "$tmp/rec.png" >>"$tmp/err" 2>&1 &&
		png_info "$tmp/rec.png" >/dev/null 2>&1; then
		pass "record: 0.45 s at 100 ms -> $n samples, which plot draws"
	else
		fail "record: 0.45 s at 100 ms" "expected 3..6 samples that plot accepts, got $n" "$(cat "$tmp/err")"
	fi
else
	fail "record: 0.45 s at 100 ms" "status $?" "$(cat "$tmp/err")"
fi
"$py" "$chart" record "$tmp/rec2.jsonl" --interval 0.05 --max-s 5 -- false >"$tmp/err" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -qF "3 samples in a row failed" "$tmp/err" && [ ! -s "$tmp/rec2.jsonl" ]; then
	pass "record: a failing command stops it (status 1, $(tail -n 1 "$tmp/err"))"
else
	fail "record: a failing command stops it" "status $rc" "$(cat "$tmp/err")"
fi
"$py" "$chart" record "$tmp/rec3.jsonl" --interval 0 -- cat "$tmp/answer.json" >"$tmp/err" 2>&1
rc=$?
if [ "$rc" = 2 ] && grep -qF -- "--interval: must be > 0" "$tmp/err" && [ ! -e "$tmp/rec3.jsonl" ]; then
	pass "record: --interval 0 refused (usage, status 2), nothing written"
else
	fail "record: --interval 0 refused" "status $rc" "$(cat "$tmp/err")"
fi

[ "$fails" = 0 ]
