#!/bin/sh
# scripts/deps.sh [build|test|deb|all]: installs the Debian packages of one
# set when they are missing (Debian 12, as root); does nothing when all are
# there.
#
#   build  what building and installing bondd needs (make, make build,
#          make install): the compiler, meson, ninja, pkg-config, the
#          libraries bondd links (libmnl, libbpf, libyaml; ldd
#          build/src/cmd/bondd), clang for the BPF programs, python3 (embeds
#          them), and the pkg-config files naming where the unit, the
#          sysusers.d file and the completion go (systemd, bash-completion).
#   deb    build + what make deb needs (debhelper, lintian).
#   test   build + deb + what make check, make bench and make demo run.
#   all    the same as test.
set -e

BUILD="gcc libc6-dev make meson ninja-build pkg-config libmnl-dev libyaml-dev
       libbpf-dev clang python3 systemd bash-completion"
# dpkg-dev and fakeroot come with debhelper; lintian checks the package.
# build-essential: dpkg-buildpackage refuses to start without it (every
# source package build-depends on it implicitly); libcmocka-dev: the
# package's build runs the unit tests (debian/control, unless nocheck).
DEB="build-essential debhelper dpkg-dev lintian libcmocka-dev"
# libcmocka-dev: the unit tests; libclang-rt-14-dev: the sanitizers of
# build-asan and the fuzz harnesses; libxdp-dev: bench/reflect (AF_XDP
# against AF_PACKET); iproute2 ... python3-prometheus-client: the namespace
# tests, the metrics tests and the benchmarks; gnuplot-nox: the chart of
# make demo (scripts/demo_chart.py); qemu-system-x86, busybox-static, kmod
# (modinfo): tests/interop/t_kernel_lacp.sh boots Debian's kernel (fetched
# by apt-get download, never installed) in qemu as the 802.3ad peer;
# debootstrap: tests/pkg builds a fresh Debian 12 root to install the
# package in; systemd-container: systemd-nspawn boots that root.
TEST="libcmocka-dev libclang-rt-14-dev libxdp-dev
      iproute2 iperf3 tcpdump procps psmisc ethtool iputils-ping jq curl
      openvswitch-switch python3-jsonschema prometheus-node-exporter
      python3-prometheus-client gnuplot-nox
      qemu-system-x86 busybox-static kmod
      debootstrap systemd-container"

set_=${1:-all}
case $set_ in
build) PKGS=$BUILD ;;
deb) PKGS="$BUILD $DEB" ;;
test | all) PKGS="$BUILD $DEB $TEST" ;;
*)
	echo "usage: scripts/deps.sh [build|test|deb|all]" >&2
	exit 2
	;;
esac

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps ($set_): installing$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Open vSwitch is only a test peer (tests/interop starts private instances):
# keep the package from starting a system-wide switch while installing.
# The same for prometheus-node-exporter: tests/net/t_metrics.sh starts its
# own inside a test namespace, the package must not listen on :9100.
guard=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	guard=/usr/sbin/policy-rc.d
	trap 'rm -f "$guard"' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
