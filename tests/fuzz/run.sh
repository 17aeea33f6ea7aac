#!/bin/bash
# tests/fuzz/run.sh BUILD_FUZZ SECONDS [NAME...]: for every harness
# (BUILD_FUZZ/tests/fuzz/fuzz_NAME) replays its corpus (tests/fuzz/corpus/NAME,
# every input must pass), then fuzzes it for SECONDS (0: replay only) from a
# scratch copy of the corpus. One "PASS NAME ..." or "FAIL NAME"
# line per harness with the executions done; a crashing input is kept in
# tests/fuzz/corpus/NAME/ (a regression input from then on) and shown.
#   make fuzz   runs it for FUZZ_S seconds a harness (default 60)
#   make check  replays every corpus and fuzzes each harness briefly, with
#               FUZZ_SEED=1 so that every run of it tries the same inputs
#               in the same order (a new crash shows up where it was
#               made, not at random in someone else's run)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$1
secs=${2:-0}
shift 2 || true
names=("$@")
if [ ${#names[@]} = 0 ]; then
	for f in "$build"/tests/fuzz/fuzz_*; do
		[ -f "$f" ] && [ -x "$f" ] && names+=("$(basename "$f" | sed 's/^fuzz_//')")
	done
fi
tmp=$(mktemp -d /tmp/bondd-fuzz.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for n in "${names[@]}"; do
	bin=$build/tests/fuzz/fuzz_$n
	corpus=$root/tests/fuzz/corpus/$n
	mkdir -p "$corpus" "$tmp/$n" "$tmp/$n.art"
	if ! "$bin" -runs=0 "$corpus" >"$tmp/$n.replay" 2>&1; then
		echo "FAIL $n corpus replay"
		tail -n 30 "$tmp/$n.replay" | sed 's/^/    /'
		status=1
		continue
	fi
	if [ "$secs" = 0 ]; then
		echo "PASS $n corpus replay ($(ls "$corpus" | wc -l) inputs)"
		continue
	fi
	cp "$corpus"/* "$tmp/$n/" 2>/dev/null
	"$bin" ${FUZZ_SEED:+-seed="$FUZZ_SEED"} -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$tmp/$n.art/" "$tmp/$n" >"$tmp/$n.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/$n.log")
	if [ "$rc" = 0 ]; then
		echo "PASS $n ${secs}s, ${execs:-?} executions, 0 crashes ($(ls "$corpus" | wc -l) corpus inputs replayed)"
	else
		echo "FAIL $n (status $rc after ${execs:-?} executions)"
		for a in "$tmp/$n.art"/*; do
			[ -f "$a" ] || continue
			cp "$a" "$corpus/regression-$(basename "$a")"
			echo "    kept $a as tests/fuzz/corpus/$n/regression-$(basename "$a")"
		done
		grep -A 25 -m 1 'ERROR\|runtime error\|deadly signal' "$tmp/$n.log" | sed 's/^/    /'
		status=1
	fi
done
exit $status
