#!/bin/bash
# fetch_kernel.sh CACHE: Debian's current kernel, as a test peer, never
# installed. Resolves what the meta package linux-image-amd64 depends on
# now (linux-image-<abi>-amd64: no ABI number is written down here),
# downloads that package with `apt-get download`, unpacks it with
# `dpkg-deb -x` into a scratch directory and keeps, in CACHE/<package>_<version>/:
#   vmlinuz      the kernel
#   mods/*.ko    bonding, virtio_net, virtio_pci and everything they depend
#                on (from each module's own "depends=", since the package
#                carries no modules.dep: depmod runs only at install)
#   mods/order   the module names, each after its dependencies (load order)
# A second run with the same candidate version does nothing; when apt cannot
# tell (no network, no lists) the newest kernel already in CACHE is used.
# Prints the directory on stdout; messages go to stderr. Runs as root.
set -u

die() {
	echo "fetch_kernel: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: fetch_kernel.sh CACHE"
cache=$1
mkdir -p "$cache" || die "cannot create $cache"
for b in apt-get apt-cache dpkg-deb; do
	command -v "$b" >/dev/null || die "$b not found (Debian's apt and dpkg are needed)"
done
MODINFO=$(command -v modinfo || echo /sbin/modinfo)
[ -x "$MODINFO" ] || die "modinfo not found (package kmod)"

# resolve: the package linux-image-amd64 depends on, from apt's lists.
resolve() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

# newest_cached: the most recently prepared kernel in CACHE, if any.
newest_cached() {
	local d
	d=$(ls -1td "$cache"/linux-image-*/ 2>/dev/null | head -n 1)
	[ -n "$d" ] && [ -f "$d/vmlinuz" ] && [ -f "$d/mods/order" ] && printf '%s\n' "${d%/}"
}

pkg=$(resolve)
if [ -z "$pkg" ]; then
	# A fresh Debian (a container image) ships without package lists.
	echo "fetch_kernel: linux-image-amd64 unknown to apt; running apt-get update" >&2
	apt-get update -qq >&2 || echo "fetch_kernel: apt-get update failed" >&2
	pkg=$(resolve)
fi
if [ -z "$pkg" ]; then
	d=$(newest_cached) || die "apt does not know linux-image-amd64 and nothing is cached in $cache"
	echo "fetch_kernel: apt cannot resolve linux-image-amd64; using the cached $d" >&2
	printf '%s\n' "$d"
	exit 0
fi
ver=$(apt-cache policy "$pkg" | awk '$1 == "Candidate:" { print $2; exit }')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "apt has no candidate version of $pkg"
out=$cache/${pkg}_$ver
if [ -f "$out/vmlinuz" ] && [ -f "$out/mods/order" ]; then
	printf '%s\n' "$out"
	exit 0
fi

scratch=$(mktemp -d "$cache/.fetch.XXXXXX") || die "cannot make a scratch directory in $cache"
trap 'rm -rf "$scratch"' EXIT
echo "fetch_kernel: downloading $pkg $ver" >&2
# apt-get download drops its privileges to _apt, which must be able to
# write the directory (else it warns and downloads as root).
chown _apt "$scratch" 2>/dev/null
(cd "$scratch" && apt-get download -q "$pkg=$ver") >&2 ||
	die "apt-get download $pkg=$ver failed"
deb=$(ls "$scratch"/*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "apt-get download left no .deb in $scratch"
mkdir "$scratch/root" && dpkg-deb -x "$deb" "$scratch/root" || die "dpkg-deb -x $deb failed"
rm -f "$deb"

vmlinuz=$(ls "$scratch"/root/boot/vmlinuz-* 2>/dev/null | head -n 1)
[ -n "$vmlinuz" ] || die "$pkg has no /boot/vmlinuz-*"
moddir=$(ls -d "$scratch"/root/lib/modules/*/ 2>/dev/null | head -n 1)
[ -n "$moddir" ] || die "$pkg has no /lib/modules/<release>/"

mkdir -p "$scratch/new/mods" || die "cannot write $scratch"
cp "$vmlinuz" "$scratch/new/vmlinuz" || die "cannot copy $vmlinuz"

# Module name -> file. Names compare with '-' and '_' alike, as modprobe does.
declare -A modfile=()
while IFS= read -r f; do
	n=$(basename "$f")
	n=${n%%.ko*}
	modfile[${n//-/_}]=$f
done < <(find "$moddir" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz')

# A module the config builds in is not a file: modules.builtin lists those.
builtin() {
	grep -qE "/${1//_/[-_]}\.ko$" "$moddir/modules.builtin" 2>/dev/null
}

declare -A done_=()
order=()
# add NAME: NAME's dependencies first, then NAME (depth first, once each).
add() {
	local n=${1//-/_} f d
	[ -n "${done_[$n]:-}" ] && return 0
	done_[$n]=1
	f=${modfile[$n]:-}
	if [ -z "$f" ]; then
		builtin "$n" && return 0
		die "module $n is neither in $pkg nor built in"
	fi
	for d in $("$MODINFO" -F depends "$f" | tr ',' ' '); do
		add "$d"
	done
	case $f in
	*.ko) cp "$f" "$scratch/new/mods/$n.ko" ;;
	*.ko.xz) xz -dc "$f" >"$scratch/new/mods/$n.ko" ;;
	*.ko.zst) zstd -qdc "$f" >"$scratch/new/mods/$n.ko" ;;
	*.ko.gz) gzip -dc "$f" >"$scratch/new/mods/$n.ko" ;;
	esac || die "cannot copy or decompress $f"
	order+=("$n")
}
# virtio_pci: the NICs' bus; virtio_net: the NICs; bonding: the peer.
for m in virtio_pci virtio_net bonding; do
	add "$m"
done
printf '%s\n' "${order[@]}" >"$scratch/new/mods/order"
printf '%s %s %s\n' "$pkg" "$ver" "$(basename "${moddir%/}")" >"$scratch/new/version"
rm -rf "$out"
mv "$scratch/new" "$out" || die "cannot move the kernel into $out"
echo "fetch_kernel: $pkg $ver ready in $out (modules: ${order[*]})" >&2
printf '%s\n' "$out"
