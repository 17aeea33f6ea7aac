#!/bin/bash
# tests/run.sh BUILD [unit|net|bpf|pkg]: the one test runner ("make check").
#
# unit: tests/static, every tests/scripts/t_*.sh (the project's scripts on
#       recorded input, PASS/FAIL lines as the net scripts print them), and
#       every program in BUILD/tests/unit/ (cmocka); each cmocka test case
#       counts as one test: "PASS unit/<prog>/<case>" or "FAIL ...".
# bpf:  BUILD/tests/bpf/test_bpf (cmocka): the kernel data path's programs
#       under BPF_PROG_TEST_RUN, "PASS bpf/test_bpf/<case>"; a program the
#       kernel refuses to load fails every case.
# net:  every tests/net/t_*.sh and tests/interop/t_*.sh (real peers such as
#       Open vSwitch), tests/sys/t_*.sh (the package under systemd), then
#       tests/linuxio/run.sh if present; each
#       prints "PASS name"/"FAIL name" lines, which are counted; a script that
#       exits non-zero (or times out, or prints nothing) without a FAIL line
#       counts as one failure.
# pkg:  every tests/pkg/t_*.sh: the Debian package built, linted, installed
#       in a fresh Debian 12 root and purged, make install against it
#       (PKG_TIMEOUT seconds each, default 900: the first run debootstraps).
# Runs as root, sanitizers armed for everything; ends with one line
# "N passed, N failed" and a non-zero status if anything failed.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u

usage() {
	echo "usage: tests/run.sh BUILD [unit|net|bpf|pkg]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
what=${2:-all}
case $what in all | unit | net | bpf | pkg) ;; *) usage ;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
build=$1
case $build in /*) ;; *) build="$PWD/$build" ;; esac

export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export CMOCKA_MESSAGE_OUTPUT=stdout
export BONDD_BUILD=$build
SCRIPT_TIMEOUT=${SCRIPT_TIMEOUT:-300}

passed=0
failed=0
start=$(date +%s)

if [ "$(id -u)" != 0 ]; then
	echo "tests/run.sh: must run as root (network namespaces, TAP devices)" >&2
	echo "FAIL run.sh/root"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ ! -d "$build" ]; then
	echo "tests/run.sh: no build directory $build" >&2
	echo "FAIL run.sh/build-dir"
	echo "0 passed, 1 failed"
	exit 1
fi

tmp=$(mktemp -d /tmp/bondd-run.XXXXXX)
# timeout(1) puts the program it runs in a process group of its own, so a
# Ctrl-C on the runner does not reach it: on INT/TERM the runner passes
# TERM on to the running timeout (which passes it to its group; the
# scenario scripts clean up on TERM) and waits for it.
child=""
on_signal() {
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	exit "$1"
}
trap 'rm -rf "$tmp"' EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

pass() {
	echo "PASS $1"
	passed=$((passed + 1))
}
fail() {
	echo "FAIL $1"
	failed=$((failed + 1))
}

# run_unit PROG [SUITE]: one cmocka program (its cases named
# SUITE/<prog>/<case>, SUITE unit by default); a case is PASS on "[       OK ]",
# FAIL on "[  FAILED  ]" / "[  ERROR   ]" after its "[ RUN      ]"; a case
# left running when the program died is a FAIL; a program that exits
# non-zero without a failed case is one FAIL.
run_unit() {
	local prog=$1 name out rc line cur="" curlog="" nfail=0 ncase=0
	name=${2:-unit}/$(basename "$prog")
	out=$tmp/unit.out
	# stdbuf: line-buffered stdout, so that the lines before a crash reach
	# the file (libstdbuf is preloaded, hence verify_asan_link_order=0).
	(cd "$build" && ASAN_OPTIONS=$ASAN_OPTIONS:verify_asan_link_order=0 \
		exec timeout -k 10 "$SCRIPT_TIMEOUT" stdbuf -oL "$prog") >"$out" 2>&1 &
	child=$!
	wait "$child" 2>/dev/null
	rc=$?
	child=""
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		"[ RUN      ] "*)
			cur=${line#"[ RUN      ] "}
			curlog=""
			;;
		"[       OK ] $cur")
			pass "$name/$cur"
			ncase=$((ncase + 1))
			cur=""
			;;
		"[  FAILED  ] $cur" | "[  ERROR   ] $cur")
			fail "$name/$cur"
			[ -n "$curlog" ] && printf '%s' "$curlog" | sed 's/^/    /'
			ncase=$((ncase + 1))
			nfail=$((nfail + 1))
			cur=""
			;;
		"[  SKIPPED ] $cur")
			echo "SKIP $name/$cur"
			cur=""
			;;
		*)
			[ -n "$cur" ] && curlog+="$line"$'\n'
			;;
		esac
	done <"$out"
	if [ -n "$cur" ]; then
		fail "$name/$cur (program died: status $rc)"
		printf '%s' "$curlog" | tail -n 40 | sed 's/^/    /'
		nfail=$((nfail + 1))
	elif [ "$rc" != 0 ] && [ "$nfail" = 0 ]; then
		fail "$name (status $rc)"
		tail -n 40 "$out" | sed 's/^/    /'
	elif [ "$ncase" = 0 ]; then
		fail "$name (no test case ran)"
		tail -n 20 "$out" | sed 's/^/    /'
	fi
}

# show_lines LABEL: from a script's output on stdin, prints the result lines
# with LABEL/ in front of their names, and the indented detail lines.
show_lines() {
	local line
	while IFS= read -r line; do
		case $line in
		"PASS "* | "FAIL "* | "SKIP "*) echo "${line%% *} $1/${line#* }" ;;
		"    "*) echo "$line" ;;
		esac
	done
}

# run_script LABEL FILE ARGS...: one scenario script, run with ARGS; its
# PASS/FAIL lines (and the indented details of a FAIL) are shown live,
# prefixed with LABEL/. Exit status 77 with a SKIP line is a skip.
run_script() {
	local label=$1 file=$2 out rc np nf
	shift 2
	out=$tmp/script.out
	local interp=sh
	head -n 1 "$file" | grep -q bash && interp=bash
	head -n 1 "$file" | grep -q python3 && interp=python3
	# Emptied here, not by the child's redirection: the tail below could
	# otherwise start first and show the previous script's lines again.
	: >"$out"
	timeout -k 30 "$SCRIPT_TIMEOUT" "$interp" "$file" "$@" >"$out" 2>&1 &
	child=$!
	tail -n +1 -f --pid="$child" "$out" 2>/dev/null | show_lines "$label" &
	local show=$!
	wait "$child"
	rc=$?
	child=""
	wait "$show"
	np=$(grep -c '^PASS ' "$out")
	nf=$(grep -c '^FAIL ' "$out")
	passed=$((passed + np))
	failed=$((failed + nf))
	if [ "$nf" = 0 ] && [ "$rc" = 77 ] && grep -q '^SKIP ' "$out"; then
		:
	elif [ "$nf" = 0 ] && [ "$rc" != 0 ]; then
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			fail "$label (timed out after ${SCRIPT_TIMEOUT}s)"
		else
			fail "$label (exit status $rc)"
		fi
		tail -n 30 "$out" | sed 's/^/    /'
	elif [ "$np" = 0 ] && [ "$nf" = 0 ]; then
		fail "$label (no result printed)"
		tail -n 30 "$out" | sed 's/^/    /'
	fi
}

if [ "$what" = unit ] || [ "$what" = all ]; then
	echo "== static checks (tests/static)"
	run_script static "$root/tests/static/check_layers.py" "$root/src"
	# The project's scripts on recorded input (no namespaces, no daemon):
	# t_demo_chart.sh, the chart step of make demo.
	echo "== script tests (tests/scripts)"
	for t in "$root"/tests/scripts/t_*.sh; do
		[ -f "$t" ] || continue
		run_script "scripts/$(basename "$t" .sh)" "$t" "$build"
	done
	echo "== unit tests ($build/tests/unit)"
	if [ -d "$build/tests/unit" ]; then
		for prog in "$build"/tests/unit/*; do
			if [ ! -f "$prog" ] || [ ! -x "$prog" ]; then
				continue
			fi
			run_unit "$prog"
		done
	else
		echo "(no unit test directory)"
	fi
fi

if [ "$what" = bpf ] || [ "$what" = all ]; then
	echo "== bpf programs (tests/bpf)"
	if [ -x "$build/tests/bpf/test_bpf" ]; then
		run_unit "$build/tests/bpf/test_bpf" bpf
	else
		fail "bpf/test_bpf (not built: $build/tests/bpf/test_bpf)"
	fi
fi

# Fuzz harnesses (make check sets BONDD_FUZZ_BUILD): every corpus replayed,
# then FUZZ_CHECK_S seconds of fuzzing each.
if { [ "$what" = unit ] || [ "$what" = all ]; } && [ -n "${BONDD_FUZZ_BUILD:-}" ]; then
	echo "== fuzz harnesses (tests/fuzz, ${FUZZ_CHECK_S:-10} s each)"
	FUZZ_SEED=1 run_script fuzz "$root/tests/fuzz/run.sh" "$BONDD_FUZZ_BUILD" "${FUZZ_CHECK_S:-10}"
fi

if [ "$what" = net ] || [ "$what" = all ]; then
	# Every namespace test on both data paths (bondd --datapath, through
	# BONDD_DATAPATH): the kernel's programs and the daemon's sockets
	# must give the same behaviour. BONDD_TEST_DATAPATHS narrows it.
	for dp in ${BONDD_TEST_DATAPATHS:-packet ebpf}; do
		export BONDD_DATAPATH=$dp
		echo "== net tests (tests/net), data path $dp"
		for t in "$root"/tests/net/t_*.sh; do
			[ -f "$t" ] || continue
			# t_ebpf_*: what only the kernel data path does
			case $(basename "$t") in t_ebpf_*) [ "$dp" = ebpf ] || continue ;; esac
			run_script "net/$dp/$(basename "$t" .sh)" "$t" "$build"
		done
		echo "== interop tests (tests/interop: real peers), data path $dp"
		for t in "$root"/tests/interop/t_*.sh; do
			[ -f "$t" ] || continue
			run_script "interop/$dp/$(basename "$t" .sh)" "$t" "$build"
		done
	done
	unset BONDD_DATAPATH
	# The Debian package booted under systemd (systemd-nspawn --boot):
	# start, reload, watchdog, restarts, hardening, the hitless upgrade;
	# the package from make deb ($BONDD_DEB_DIR, else build/deb).
	for dp in ${BONDD_TEST_DATAPATHS:-packet ebpf}; do
		echo "== systemd tests (tests/sys), data path $dp"
		for t in "$root"/tests/sys/t_*.sh; do
			[ -f "$t" ] || continue
			# SYS_TIMEOUT: the first run debootstraps the root
			BONDD_DATAPATH=$dp SCRIPT_TIMEOUT=${SYS_TIMEOUT:-900} \
				run_script "sys/$dp/$(basename "$t" .sh)" "$t" "$build"
		done
	done
	# A minute of the soak (make soak runs it for 10): every mode under
	# flaps, churn, reloads and SIGKILL restarts, sanitizers armed.
	echo "== soak (tests/soak, ${SOAK_CHECK_S:-60} s)"
	export SOAK_S=${SOAK_CHECK_S:-60}
	run_script soak "$root/tests/soak/soak.sh" "$build"
	if [ -f "$root/tests/linuxio/run.sh" ]; then
		echo "== linuxio tests"
		run_script linuxio "$root/tests/linuxio/run.sh" "$build/tests/linuxio/linuxio_test"
	fi
fi

if [ "$what" = pkg ] || [ "$what" = all ]; then
	echo "== package tests (tests/pkg)"
	for t in "$root"/tests/pkg/t_*.sh; do
		[ -f "$t" ] || continue
		SCRIPT_TIMEOUT=${PKG_TIMEOUT:-900} run_script "pkg/$(basename "$t" .sh)" "$t" "$build"
	done
fi

echo "total time: $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
