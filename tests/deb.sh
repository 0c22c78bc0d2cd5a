#!/bin/bash
# The Debian packages (make deb) and bblog-record.service, in three steps:
#
#   deb.sh build   make deb into $build/deb; lintian clean (errors,
#                  warnings and info tags fail; pedantic ones are shown)
#   deb.sh unit    bblog-record.service: systemd-analyze verify against
#                  the installed bblog (a root with the package unpacked
#                  and the host's systemd units); the system calls that
#                  bblog record makes pass its SystemCallFilter=;
#                  systemd-analyze security's exposure at most 2.0
#   deb.sh root    both packages installed with apt in a fresh Debian
#                  bookworm root: DKMS built tcp_bblog for the stock kernel
#                  whose headers are there (linux-headers-amd64), bblog
#                  --version runs, the unit is enabled, the snippets are in
#                  place; then purged, and DKMS removed the module.
#
# The root is made by mmdebstrap (minbase, bookworm, deb.debian.org) with
# linux-headers-amd64 and what the two packages depend on, kept in the
# test cache under a key of that package list, so a warm run needs no
# network; each run writes to an overlay over it, dropped at the end.  The service itself
# cannot start there (no systemd as PID 1): it is checked statically.
# Needs root (chroot, mounts).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
suite=bookworm
mirror=http://deb.debian.org/debian
out=$build/deb
ver=$(make -s -C "$top" version)

debs() {
	ls "$out"/tcp-bblog-dkms_"$ver"_all.deb "$out"/bblog_"$ver"_*.deb
}

do_build() {
	make -s -C "$top" deb DEBDIR="$out"
	debs
	# -I --pedantic shows everything; info and up fail.
	lintian -I --pedantic --tag-display-limit 0 --fail-on error,warning,info \
		"$out"/tcp-bblog_"$ver"_*.changes
	echo "lintian: clean"
}

# The Depends of our packages, first alternatives, without versions, less
# our own; with linux-headers-amd64: what the cached root holds.
root_packages() {
	local d
	for d in $(debs); do
		dpkg-deb -f "$d" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/[[:space:]]//g'
	done | grep -v -e '^$' -e '^bblog$' -e '^tcp-bblog-dkms$' | sort -u
	echo linux-headers-amd64
}

# The base root, made once per package list into the cache (a directory
# that is never written after; each run writes to an overlay over it).
base_root() {
	local pkgs key dir old
	pkgs=$(root_packages | sort -u | paste -sd, -)
	key=$(printf '%s\n' "v1" "$suite" "$mirror" "$pkgs" | sha256sum | cut -c1-16)
	dir=$BBLOG_CACHE/deb-root-$suite-$key
	if [ ! -e "$dir/.complete" ]; then
		mkdir -p "$BBLOG_CACHE"
		rm -rf "$dir.tmp"
		echo "deb: making the $suite root ($pkgs) in $dir" >&2
		mmdebstrap --variant=minbase --format=directory --include="$pkgs" \
			"$suite" "$dir.tmp" "$mirror" >&2
		touch "$dir.tmp/.complete"
		rm -rf "$dir"
		mv "$dir.tmp" "$dir"
		# Roots of other package lists are of no further use (unless a
		# run is using one as its overlay's lower layer).
		for old in "$BBLOG_CACHE/deb-root-$suite-"*; do
			[ "$old" != "$dir" ] && [ -e "$old/.complete" ] &&
				! grep -qF "lowerdir=$old," /proc/self/mounts &&
				rm -rf "$old"
			true
		done
	fi
	echo "$dir"
}

tmp=
root=
teardown() {
	local m ok=1
	[ -n "$tmp" ] || return 0
	for m in dev/pts dev proc ""; do
		if mountpoint -q "$root/$m"; then
			umount "$root/$m" || ok=0
		fi
	done
	# Never remove a tree something is still mounted in.
	if [ $ok = 1 ] && ! grep -q " $tmp/" /proc/self/mounts; then
		rm -rf "$tmp"
	else
		echo "deb: $tmp left in place: still mounted" >&2
	fi
}

# A fresh root: an overlay over the cached one (what the run writes goes
# to $tmp/upper, dropped at the end), with /proc and a private /dev.
fresh_root() {
	local base=$1 n
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/bblog-deb-root.XXXXXX")
	trap teardown EXIT
	root=$tmp/root
	mkdir "$tmp/upper" "$tmp/work" "$root"
	mount -t overlay overlay -o "lowerdir=$base,upperdir=$tmp/upper,workdir=$tmp/work" "$root"
	mount -t proc proc "$root/proc"
	mount -t tmpfs -o mode=0755,nosuid dev "$root/dev"
	mknod -m 666 "$root/dev/null" c 1 3
	mknod -m 666 "$root/dev/zero" c 1 5
	mknod -m 666 "$root/dev/full" c 1 7
	mknod -m 666 "$root/dev/random" c 1 8
	mknod -m 666 "$root/dev/urandom" c 1 9
	mknod -m 666 "$root/dev/tty" c 5 0
	ln -s /proc/self/fd "$root/dev/fd"
	for n in 0 1 2; do
		ln -s /proc/self/fd/$n "$root/dev/$(echo stdin stdout stderr | cut -d' ' -f$((n + 1)))"
	done
	mkdir "$root/dev/pts"
	mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
	ln -s pts/ptmx "$root/dev/ptmx"
}

in_root() {
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}

# The unit's system call filter lets bblog record do what it does: the
# packaged bblog records a stream (the fuzz corpus's golden one) from a
# FIFO, polled as the device is, under strace; every system call it made
# must pass the unit's SystemCallFilter= lines, and none is socket() (the
# unit allows no address family).  What the service does at start (open
# the device, the directory, recover files) is the same as here.
syscalls_allowed() {
	local unit=$1 d
	d=$(mktemp -d "$tmp/strace.XXXXXX")
	mkfifo "$d/in"
	mkdir "$d/out"
	cat "$top/tests/fuzz/corpus/fuzz_stream/golden-all" > "$d/in" &
	strace -f -qq -o "$d/trace" "$root/usr/bin/bblog" record -f "$d/in" -D "$d/out" -t 1 \
		2>"$d/stderr" || { cat "$d/stderr"; exit 1; }
	wait
	ls "$d/out"/*.pcapng >/dev/null
	sed -n 's/^[0-9]* *\([a-z_0-9]*\)(.*/\1/p' "$d/trace" | sort -u > "$d/used"
	python3 - "$unit" "$d/used" <<'PY'
import subprocess, sys
groups, cur = {}, None
for line in subprocess.run(["systemd-analyze", "syscall-filter"], check=True,
                           capture_output=True, text=True).stdout.splitlines():
    t = line.strip()
    if not t or t.startswith("#"):
        continue
    if line.startswith("@"):
        cur = groups.setdefault(t, [])
    elif cur is not None:
        cur.append(t)
def expand(names):
    r = set()
    for n in names:
        r |= expand(groups[n]) if n.startswith("@") else {n}
    return r
allow, deny = None, set()
for line in open(sys.argv[1]):
    if line.startswith("SystemCallFilter="):
        v = line.split("=", 1)[1].split()
        if v and v[0].startswith("~"):
            deny |= expand([v[0][1:]] + v[1:])
        else:
            allow = (allow or set()) | expand(v)
used = open(sys.argv[2]).read().split()
bad = [u for u in used if (allow is not None and u not in allow) or u in deny]
bad += [u for u in used if u in ("socket", "socketpair")]
print("system calls of bblog record:", " ".join(used))
if bad:
    sys.exit("not allowed by the unit: " + " ".join(sorted(set(bad))))
PY
}

do_unit() {
	local d msg unit=lib/systemd/system/bblog-record.service
	# A root where /usr/bin/bblog and its man page are where the unit says.
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/bblog-deb-unit.XXXXXX")
	trap teardown EXIT
	root=$tmp/root
	mkdir "$root"
	d=$(ls "$out"/bblog_"$ver"_*.deb)
	dpkg-deb -x "$d" "$root"
	# The units it names (targets, systemd-modules-load.service) are the
	# host's systemd's; its man page is the package's.
	cp -a /lib/systemd/system/. "$root/lib/systemd/system/"
	cp "$root/$unit" "$out/"
	# It says what it ignores but exits 0: any word from it is a failure.
	if ! msg=$(systemd-analyze verify --man=no --root="$root" "/$unit" 2>&1) ||
		[ -n "$msg" ]; then
		echo "$msg"
		echo "deb: systemd-analyze verify: not clean" >&2
		exit 1
	fi
	echo "systemd-analyze verify: clean"
	test -s "$root/usr/share/man/man8/bblog.8.gz"
	syscalls_allowed "$root/$unit"
	systemd-analyze security --offline=true --root="$root" --threshold=20 \
		"/$unit" | tee "$out/security.txt" | tail -n 1
	sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' \
		"$out/security.txt" > "$out/exposure"
	[ -s "$out/exposure" ]
}

do_root() {
	local base kver ko status
	base=$(base_root)
	fresh_root "$base"
	kver=$(ls "$root/lib/modules")
	[ "$(echo "$kver" | wc -w)" = 1 ] || { echo "deb: kernels in the root: $kver" >&2; exit 1; }
	mkdir -p "$root/tmp/debs"
	debs | xargs cp -t "$root/tmp/debs/"
	# Everything they depend on must be in the root already: it has no
	# package lists (mmdebstrap removed them), so apt can fetch nothing.
	in_root sh -c 'apt-get install -y /tmp/debs/*.deb' 2>&1
	status=$(in_root dkms status tcp_bblog)
	echo "dkms status: $status"
	echo "$status" | grep -q "^tcp_bblog/$ver, $kver, x86_64: installed" ||
		{ echo "deb: DKMS did not install tcp_bblog for $kver" >&2; exit 1; }
	ko=$(ls "$root/lib/modules/$kver"/updates/dkms/tcp_bblog.ko*)
	in_root modinfo -F vermagic "${ko#"$root"}" | grep -q "^$kver " ||
		{ echo "deb: $ko is not built for $kver" >&2; exit 1; }
	grep -q tcp_bblog "$root/lib/modules/$kver/modules.dep"
	in_root bblog --version
	in_root bblog --version | grep -q '^bblog [0-9]'
	for f in /usr/lib/modules-load.d/tcp_bblog.conf /etc/sysctl.d/tcp_bblog.conf \
		/lib/systemd/system/bblog-record.service \
		/usr/share/man/man8/bblog.8.gz /usr/share/bash-completion/completions/bblog \
		/usr/lib/x86_64-linux-gnu/wireshark/plugins/tcp_bblog.lua \
		/usr/share/wireshark/profiles/tcp_bblog/colorfilters; do
		[ -f "$root$f" ] || { echo "deb: no $f" >&2; exit 1; }
	done
	# Enabled by the package (it starts at boot once the module is there).
	[ -L "$root/etc/systemd/system/multi-user.target.wants/bblog-record.service" ] ||
		{ echo "deb: bblog-record.service not enabled" >&2; exit 1; }
	in_root apt-get purge -y bblog tcp-bblog-dkms 2>&1
	if ls "$root/lib/modules/$kver"/updates/dkms/tcp_bblog.ko* 2>/dev/null; then
		echo "deb: tcp_bblog.ko left after purge" >&2
		exit 1
	fi
	[ ! -e "$root/usr/bin/bblog" ] && [ ! -e "$root/etc/sysctl.d/tcp_bblog.conf" ]
	echo "deb: installed, DKMS-built for $kver, purged"
}

case ${1:-} in
build) do_build ;;
unit) do_unit ;;
root) do_root ;;
*) echo "usage: $0 build|unit|root" >&2; exit 2 ;;
esac
