#!/bin/sh
# Installs the Debian packages bondd needs to build, test and demo, when
# they are missing. Runs as root on Debian 12; does nothing when all are there.
set -e
PKGS="gcc libc6-dev make meson ninja-build pkg-config libmnl-dev libyaml-dev libcmocka-dev
      iproute2 iperf3 tcpdump procps psmisc ethtool iputils-ping python3
      openvswitch-switch libxdp-dev libbpf-dev clang libclang-rt-14-dev jq
      qemu-system-x86 busybox-static kmod python3-jsonschema gnuplot-nox
      prometheus-node-exporter python3-prometheus-client curl"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
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
# gnuplot-nox: the throughput chart of make demo (scripts/demo_chart.py).
# qemu-system-x86, busybox-static, kmod (modinfo): tests/interop/t_kernel_lacp.sh
# boots Debian's kernel (fetched by apt-get download, never installed) in
# qemu as the 802.3ad peer.
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
