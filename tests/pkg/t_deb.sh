#!/bin/bash
# tests/pkg/t_deb.sh [BUILD]: the Debian package, as an admin gets it.
#
#   build:   make deb's script (scripts/mkdeb.sh) builds bondd_*.deb from the
#            working tree (BONDD_DEB=FILE takes that package instead);
#   lintian: no error (E:) on the .changes, nor on the source package
#            (dpkg-source -b of the same files); the warnings are listed;
#   install: in a fresh Debian 12 root (tests/pkg/mkroot.sh, debootstrap
#            minbase, cached in /var/cache/bondd-tests/) apt-get installs
#            it: the files are there and in dpkg -L, /etc/bondd/bondd.conf is
#            a conffile, the group bondd exists (systemd-sysusers), the unit
#            is enabled, /usr/sbin/ifenslave is bondctl's link (no other
#            ifenslave in that root), bondd --check-config passes on the
#            shipped configuration, bondctl --version runs;
#   conffile: a changed /etc/bondd/bondd.conf survives a reinstall;
#   upgrade: the package repacked with a higher version installs over it
#            (the maintainer scripts' upgrade paths; no systemd runs in the
#            root, so the hitless hand-over is the systemd boot test's);
#   purge:   apt-get purge leaves no file the package added, nor
#            /etc/bondd with a file of the admin's, nor /run/bondd (the root's
#            file list before the install and after the purge, dpkg's and
#            apt's own state aside); the group bondd stays, as Debian keeps
#            system groups (files may still belong to it);
#   other ifenslave: installed over a /usr/sbin/ifenslave of someone else,
#            the package leaves it (and its completion and man page) alone,
#            and so does its purge;
#   make install: make install DESTDIR=... (meson install, prefix /usr)
#            installs the same files as the package (one install path), the
#            package's /usr/share/doc/bondd (Debian's copyright and
#            changelog) and the enable link of its postinst aside; a
#            second make install keeps a changed bondd.conf; a DESTDIR
#            with its own usr/sbin/ifenslave keeps it.
# One PASS/FAIL line per check (tests/run.sh counts them). Root, network
# to the Debian mirror the first time (the root is cached). BUILD unused.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
fails=0
passes=0

pass() {
	echo "PASS $1"
	passes=$((passes + 1))
}
fail() {
	echo "FAIL $1"
	shift
	for l in "$@"; do
		printf '%s\n' "$l" | sed 's/^/    /'
	done
	fails=$((fails + 1))
}
# check NAME CMD...: PASS when CMD succeeds, else FAIL with its output.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name" "$(printf '%s\n' "$out" | tail -n 20)"
	fi
}

if [ "$(id -u)" != 0 ]; then
	fail "root (debootstrap and chroot need root)"
	exit 1
fi
for t in dpkg-buildpackage dh lintian debootstrap meson ninja; do
	if ! command -v "$t" >/dev/null 2>&1; then
		fail "tools ($t missing: scripts/deps.sh test installs it)"
		exit 1
	fi
done

# Not under /tmp: it may be a nodev,nosuid tmpfs (fresh build roots, some
# hosts), and the chroot's /dev/null would then be a node nothing can open.
tmp=$(mktemp -d /var/tmp/bondd-tdeb.XXXXXX) || exit 1
root=$tmp/root
cleanup() {
	umount "$root/proc" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# --- build
deb=${BONDD_DEB:-}
objdir=""
if [ -z "$deb" ]; then
	# nocheck: make check runs the unit tests itself, under the sanitizers.
	if DEB_BUILD_OPTIONS=nocheck sh "$top/scripts/mkdeb.sh" "$tmp/deb" >"$tmp/deb.log" 2>&1; then
		deb=$(ls "$tmp"/deb/bondd_*_*.deb 2>/dev/null | head -n 1)
		objdir=$(ls -d "$tmp"/deb/src/bondd/obj-* 2>/dev/null | head -n 1)
	fi
	if [ -n "$deb" ]; then
		pass "build (dpkg-buildpackage: $(basename "$deb"))"
	else
		fail "build (scripts/mkdeb.sh failed)" "$(tail -n 30 "$tmp/deb.log")"
		exit 1
	fi
fi
if [ ! -f "$deb" ]; then
	fail "build (no package $deb)"
	exit 1
fi
changes=${deb%_*.deb}_$(dpkg-deb -f "$deb" Architecture).changes

# --- lintian
if [ -f "$changes" ]; then
	lint_in=$changes
else
	lint_in=$deb
fi
lintian --no-tag-display-limit "$lint_in" >"$tmp/lintian.out" 2>&1
nerr=$(grep -c '^E: ' "$tmp/lintian.out")
nwarn=$(grep -c '^W: ' "$tmp/lintian.out")
if [ "$nerr" = 0 ] && ! grep -q '^internal error\|^lintian: ' "$tmp/lintian.out"; then
	pass "lintian (no error; $nwarn warnings)"
	grep '^W: ' "$tmp/lintian.out" | sed 's/^/    /'
else
	fail "lintian ($nerr errors, $nwarn warnings)" "$(grep -v '^N: \|^I: ' "$tmp/lintian.out")"
fi

# --- lintian on the source package (dpkg-source -b of the working tree's
# files, as make deb copies them, before anything is built in it)
mkdir -p "$tmp/srcpkg/bondd"
sh "$top/scripts/srccopy.sh" "$tmp/srcpkg/bondd"
if (cd "$tmp/srcpkg" && dpkg-source -b bondd) >"$tmp/dsc.log" 2>&1; then
	lintian --no-tag-display-limit "$tmp"/srcpkg/bondd_*.dsc >"$tmp/lintian-src.out" 2>&1
	nerr=$(grep -c '^E: ' "$tmp/lintian-src.out")
	nwarn=$(grep -c '^W: ' "$tmp/lintian-src.out")
	if [ "$nerr" = 0 ]; then
		pass "lintian-source (dpkg-source -b: $(basename "$tmp"/srcpkg/bondd_*.dsc); no error, $nwarn warnings)"
		grep '^W: ' "$tmp/lintian-src.out" | sed 's/^/    /'
	else
		fail "lintian-source ($nerr errors, $nwarn warnings)" "$(grep -v '^N: \|^I: ' "$tmp/lintian-src.out")"
	fi
else
	fail "lintian-source (dpkg-source -b failed)" "$(tail -n 20 "$tmp/dsc.log")"
fi
rm -rf "$tmp/srcpkg"

# --- the fresh root
if ! "$here/mkroot.sh" "$root" >"$tmp/mkroot.log" 2>&1; then
	fail "root (tests/pkg/mkroot.sh failed)" "$(tail -n 20 "$tmp/mkroot.log")"
	exit 1
fi
pass "root (fresh Debian 12 minbase from $(tail -n 1 "$tmp/mkroot.log"))"
if ! mount -t proc proc "$root/proc"; then
	fail "root (cannot mount /proc in the root)"
	exit 1
fi
# in_root CMD...: CMD in the root, as apt and the maintainer scripts see it
# (no service may start: policy-rc.d says 101, as in a chroot build).
in_root() {
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
cp "$deb" "$root/tmp/bondd.deb"

# Everything but the package first (what apt would pull in with it), so
# that the file lists before and after tell the package's own files.
if ! in_root apt-get update -q >"$tmp/apt.log" 2>&1; then
	fail "apt-update (the root's apt cannot reach its mirror)" "$(tail -n 10 "$tmp/apt.log")"
	exit 1
fi
in_root apt-get install -s --no-install-recommends /tmp/bondd.deb >"$tmp/sim.log" 2>&1
needs=$(awk '$1 == "Inst" && $2 != "bondd" { print $2 }' "$tmp/sim.log" | tr '\n' ' ' | sed 's/ $//')
if [ -n "$needs" ]; then
	# shellcheck disable=SC2086 # a list of package names
	if ! in_root apt-get install -y -q --no-install-recommends $needs >"$tmp/apt.log" 2>&1; then
		fail "depends (apt-get install $needs)" "$(tail -n 20 "$tmp/apt.log")"
		exit 1
	fi
fi
pass "depends (installed first: ${needs:-nothing})"

# files: the root's non-directory paths, dpkg's and apt's state, caches,
# logs and the pseudo file systems aside.
files() {
	(cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev \
		-o -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./var/cache \
		-o -path ./var/log -o -path ./tmp \) -prune -o ! -type d -print) | sed 's|^\.||' | sort
}
files >"$tmp/before"

# --- install
if in_root apt-get install -y -q --no-install-recommends /tmp/bondd.deb >"$tmp/inst.log" 2>&1; then
	pass "install (apt-get install ./$(basename "$deb") in the fresh root)"
else
	fail "install (apt-get install)" "$(tail -n 30 "$tmp/inst.log")"
	exit 1
fi
files >"$tmp/installed"
dpkg_l=$(in_root dpkg -L bondd)
missing=""
for f in /usr/sbin/bondd /usr/bin/bondctl /usr/lib/bondd/ifenslave /lib/systemd/system/bondd.service \
	/usr/lib/sysusers.d/bondd.conf /etc/bondd/bondd.conf /usr/share/man/man8/bondd.8.gz \
	/usr/share/man/man8/bondctl.8.gz /usr/share/man/man5/bondd.conf.5.gz \
	/usr/share/bash-completion/completions/bondctl /usr/share/doc/bondd/copyright; do
	if ! printf '%s\n' "$dpkg_l" | grep -qx "$f" || { [ ! -e "$root$f" ] && [ ! -L "$root$f" ]; }; then
		missing="$missing $f"
	fi
done
if [ -z "$missing" ]; then
	pass "files (11 files listed by dpkg -L and present: binaries, ifenslave, unit, sysusers.d, conf, 3 man pages, completion, copyright)"
else
	fail "files (not in dpkg -L or not on disk:$missing)" "$dpkg_l"
fi
conffiles=$(in_root dpkg-query -W -f='${Conffiles}' bondd)
if printf '%s\n' "$conffiles" | grep -q '^ /etc/bondd/bondd.conf [0-9a-f]\{32\}$'; then
	pass "conffile (dpkg-query Conffiles lists /etc/bondd/bondd.conf)"
else
	fail "conffile (dpkg-query -W -f='\${Conffiles}' bondd)" "$conffiles"
fi
check "group (systemd-sysusers made the group bondd: $(in_root getent group bondd))" \
	in_root getent group bondd
check "enabled (deb-systemd-helper enabled bondd.service: multi-user.target.wants link)" \
	test -L "$root/etc/systemd/system/multi-user.target.wants/bondd.service"
lnk=$(readlink "$root/usr/sbin/ifenslave" 2>/dev/null)
ifs_v=$(in_root ifenslave -V 2>&1)
check "ifenslave (postinst: /usr/sbin/ifenslave -> ${lnk:-nothing}, the root has no other; ifenslave -V: $ifs_v)" \
	eval 'test "$lnk" = /usr/bin/bondctl && case $ifs_v in *"front end of bondctl"*) ;; *) false ;; esac'
check "check-config (bondd --check-config of the shipped /etc/bondd/bondd.conf)" \
	in_root bondd --check-config -c /etc/bondd/bondd.conf
ver=$(in_root bondctl --version 2>&1)
pkgver=$(dpkg-deb -f "$deb" Version)
case $ver in
*"${pkgver%%[+~-]*}"*) pass "version (bondctl --version: $ver)" ;;
*) fail "version (bondctl --version does not name ${pkgver%%[+~-]*})" "$ver" ;;
esac

# --- conffile kept over a reinstall
echo "# changed by t_deb.sh" >>"$root/etc/bondd/bondd.conf"
if in_root dpkg -i /tmp/bondd.deb >"$tmp/reinst.log" 2>&1 &&
	tail -n 1 "$root/etc/bondd/bondd.conf" | grep -qx '# changed by t_deb.sh'; then
	pass "conffile-kept (a changed bondd.conf survives dpkg -i of the package again)"
else
	fail "conffile-kept" "$(tail -n 20 "$tmp/reinst.log")"
fi

# --- upgrade: the same package with a higher version (repacked), over it
newver=${pkgver}+t1
if dpkg-deb -R "$deb" "$tmp/repack" && sed -i "s/^Version: .*/Version: $newver/" "$tmp/repack/DEBIAN/control" &&
	dpkg-deb -b "$tmp/repack" "$root/tmp/bondd-new.deb" >"$tmp/repack.log" 2>&1 &&
	in_root dpkg -i /tmp/bondd-new.deb >"$tmp/upgrade.log" 2>&1; then
	got=$(in_root dpkg-query -W -f='${Version}' bondd)
	if [ "$got" = "$newver" ] &&
		tail -n 1 "$root/etc/bondd/bondd.conf" | grep -qx '# changed by t_deb.sh' &&
		[ "$(readlink "$root/usr/sbin/ifenslave")" = /usr/bin/bondctl ] &&
		[ -L "$root/etc/systemd/system/multi-user.target.wants/bondd.service" ]; then
		pass "upgrade ($pkgver -> $newver: the changed conffile, the ifenslave link and the enable link kept)"
	else
		fail "upgrade ($pkgver -> $newver: version $got)" "$(tail -n 20 "$tmp/upgrade.log")" \
			"$(ls -l "$root/usr/sbin/ifenslave" "$root/etc/systemd/system/multi-user.target.wants/bondd.service" 2>&1)"
	fi
else
	fail "upgrade (dpkg -i of the package repacked as $newver)" "$(tail -n 20 "$tmp/repack.log" "$tmp/upgrade.log" 2>&1)"
fi

# --- purge
# What dpkg does not know: a file the admin left in /etc/bondd and a
# runtime directory as a stopped bondd leaves it. The purge removes both.
echo "# the admin's copy" >"$root/etc/bondd/bondd.conf.orig"
mkdir -p "$root/run/bondd"
: >"$root/run/bondd/journal"
if in_root apt-get purge -y -q bondd >"$tmp/purge.log" 2>&1; then
	pass "purge (apt-get purge bondd)"
else
	fail "purge (apt-get purge bondd)" "$(tail -n 20 "$tmp/purge.log")"
fi
files >"$tmp/after"
left=$(comm -13 "$tmp/before" "$tmp/after")
gone=$(comm -23 "$tmp/before" "$tmp/after")
dpkg_left=$(ls "$root"/var/lib/dpkg/info/bondd.* 2>/dev/null)
if [ -z "$left" ] && [ -z "$gone" ] && [ -z "$dpkg_left" ] && [ ! -e "$root/etc/bondd" ] && [ ! -e "$root/run/bondd" ]; then
	pass "purge-clean (the root's $(wc -l <"$tmp/after") files: the same before the install and after the purge; /etc/bondd with an admin's file and /run/bondd gone)"
else
	fail "purge-clean (left behind / removed by the purge)" "left: $left $dpkg_left" "removed: $gone"
fi
if in_root getent group bondd >/dev/null; then
	pass "purge-group (the system group bondd stays after the purge, as Debian keeps system groups)"
else
	fail "purge-group (the group bondd was removed: files may still belong to it)"
fi

# --- another ifenslave: postinst and prerm leave it alone
other='#!/bin/sh
echo another ifenslave'
printf '%s\n' "$other" >"$root/usr/sbin/ifenslave"
chmod 0755 "$root/usr/sbin/ifenslave"
if in_root apt-get install -y -q --no-install-recommends /tmp/bondd.deb >"$tmp/inst2.log" 2>&1 &&
	[ ! -L "$root/usr/sbin/ifenslave" ] && [ "$(cat "$root/usr/sbin/ifenslave")" = "$other" ] &&
	[ ! -e "$root/usr/share/bash-completion/completions/ifenslave" ] &&
	[ ! -e "$root/usr/share/man/man8/ifenslave.8.gz" ] &&
	[ "$(readlink "$root/usr/lib/bondd/ifenslave")" = ../../bin/bondctl ]; then
	pass "ifenslave-other (install over another /usr/sbin/ifenslave: kept, no completion or man link; bondctl's in /usr/lib/bondd)"
else
	fail "ifenslave-other (install over another /usr/sbin/ifenslave)" "$(ls -l "$root/usr/sbin/ifenslave" \
		"$root/usr/share/bash-completion/completions/ifenslave" "$root/usr/share/man/man8/ifenslave.8.gz" 2>&1)" \
		"$(tail -n 10 "$tmp/inst2.log")"
fi
if in_root apt-get purge -y -q bondd >"$tmp/purge2.log" 2>&1 && [ "$(cat "$root/usr/sbin/ifenslave")" = "$other" ]; then
	pass "ifenslave-other-purge (the purge leaves the other ifenslave in place)"
else
	fail "ifenslave-other-purge" "$(tail -n 10 "$tmp/purge2.log")"
fi
rm -f "$root/usr/sbin/ifenslave"

# --- make install: the same files as the package
# added: what the package added to the root, merged-/usr paths (/lib,
# /sbin, /bin are links to /usr/...), man pages without dh_compress's .gz.
norm() {
	sed -e 's|^/lib/|/usr/lib/|' -e 's|^/sbin/|/usr/sbin/|' -e 's|^/bin/|/usr/bin/|' \
		-e 's|^\(/usr/share/man/.*\)\.gz$|\1|' | sort -u
}
comm -13 "$tmp/before" "$tmp/installed" | norm |
	grep -v -e '^/usr/share/doc/bondd/' -e '^/usr/share/lintian/overrides/bondd$' -e '^/etc/systemd/system/multi-user.target.wants/bondd.service$' \
		-e '^/var/lib/systemd/deb-systemd-helper-enabled/' >"$tmp/deb.files"
if [ -z "$objdir" ]; then
	# A package from elsewhere: a build of the tree's own.
	objdir=$tmp/ibuild
	meson setup "$objdir" --prefix=/usr >"$tmp/setup.log" 2>&1 ||
		fail "make-install (meson setup)" "$(tail -n 20 "$tmp/setup.log")"
else
	# The package's build directory, with make install's default for the
	# ifenslave link (debian/rules turns it off for postinst to decide).
	meson configure "$objdir" -Difenslave_link=true >"$tmp/setup.log" 2>&1 ||
		fail "make-install (meson configure)" "$(tail -n 20 "$tmp/setup.log")"
fi
dest=$tmp/destdir
if make -C "$top" install BUILD="$objdir" DESTDIR="$dest" >"$tmp/install.log" 2>&1; then
	(cd "$dest" && find . ! -type d -print) | sed 's|^\.||' | norm >"$tmp/inst.files"
	only_deb=$(comm -23 "$tmp/deb.files" "$tmp/inst.files")
	only_inst=$(comm -13 "$tmp/deb.files" "$tmp/inst.files")
	if [ -z "$only_deb" ] && [ -z "$only_inst" ] && [ -s "$tmp/inst.files" ]; then
		pass "make-install (make install DESTDIR: the package's $(wc -l <"$tmp/deb.files") files, no other)"
	else
		fail "make-install (file lists differ)" "only in the package: $only_deb" \
			"only from make install: $only_inst"
	fi
	echo "# kept" >>"$dest/etc/bondd/bondd.conf"
	if make -C "$top" install BUILD="$objdir" DESTDIR="$dest" >"$tmp/install2.log" 2>&1 &&
		tail -n 1 "$dest/etc/bondd/bondd.conf" | grep -qx '# kept'; then
		pass "make-install-keeps-conf (a second make install leaves a changed bondd.conf alone)"
	else
		fail "make-install-keeps-conf" "$(tail -n 20 "$tmp/install2.log")"
	fi
	# A target root with its own ifenslave: make install leaves it.
	dest2=$tmp/destdir2
	mkdir -p "$dest2/usr/sbin"
	printf '%s\n' "$other" >"$dest2/usr/sbin/ifenslave"
	if make -C "$top" install BUILD="$objdir" DESTDIR="$dest2" >"$tmp/install3.log" 2>&1 &&
		[ "$(cat "$dest2/usr/sbin/ifenslave")" = "$other" ] &&
		[ ! -e "$dest2/usr/share/bash-completion/completions/ifenslave" ] &&
		[ ! -e "$dest2/usr/share/man/man8/ifenslave.8" ] && [ -L "$dest2/usr/lib/bondd/ifenslave" ] &&
		grep -q 'another ifenslave' "$tmp/install3.log"; then
		pass "make-install-ifenslave-other (DESTDIR with its own usr/sbin/ifenslave: kept, said so, no links)"
	else
		fail "make-install-ifenslave-other" "$(tail -n 20 "$tmp/install3.log")"
	fi
else
	fail "make-install (make install DESTDIR=$dest)" "$(tail -n 30 "$tmp/install.log")"
fi

# --- the install hook on a live system (no DESTDIR): in the root, which
# has systemd-sysusers now, without the group bondd: the hook makes it, and
# installs the configuration and the ifenslave links in /.
if in_root groupdel bondd >"$tmp/live.log" 2>&1 && mkdir -p "$root/tmp/live" &&
	cp "$top/scripts/install-hook.sh" "$top/dist/bondd.conf" "$root/tmp/live/" &&
	install -D -m 0644 "$top/dist/bondd.sysusers" "$root/usr/lib/sysusers.d/bondd.conf" &&
	in_root env MESON_INSTALL_DESTDIR_PREFIX=/usr sh /tmp/live/install-hook.sh /usr /usr/sbin /usr/bin \
		/usr/share/man /usr/share/bash-completion/completions /etc /lib/systemd/system \
		/usr/lib/sysusers.d true /tmp/live/bondd.conf >>"$tmp/live.log" 2>&1 &&
	in_root getent group bondd >/dev/null && [ -f "$root/etc/bondd/bondd.conf" ] &&
	[ "$(readlink "$root/usr/sbin/ifenslave")" = /usr/bin/bondctl ]; then
	pass "live-install-hook (no DESTDIR: systemd-sysusers made the group bondd, bondd.conf and the ifenslave link in /)"
else
	fail "live-install-hook" "$(tail -n 20 "$tmp/live.log")"
fi

echo "t_deb.sh: $passes passed, $fails failed"
[ "$fails" = 0 ]
