#!/bin/bash
# The Debian packages (make deb) and bblog-record.service, in four steps:
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
#   deb.sh service bblog-record.service under a real systemd as PID 1: both
#                  packages installed with apt into a bootable bookworm root
#                  (its own kernel, headers of the same version, systemd,
#                  udev), DKMS built tcp_bblog for that kernel; the root
#                  becomes an ext4 disk image and boots under QEMU (TCG, no
#                  network device), where tests/service/guest.sh, started by
#                  systemd after the service, checks that the module loaded
#                  at boot, the service is active, loopback connections are
#                  recorded into /var/log/bblog and bblog show reads them, a
#                  restart and a SIGKILL (Restart=on-failure) leave it active
#                  with a new process that records too and recovers what the
#                  killed one left, the journal has its lines, and it stops
#                  cleanly; one "ok - service: ..." line each on the console
#                  ($build/logs/deb-service.console), every one required.
#
# The roots are made by mmdebstrap (minbase, bookworm, deb.debian.org): for
# root, linux-headers-amd64 and what the two packages depend on; for
# service, those and linux-image-amd64, systemd, udev, initramfs-tools.
# Each is kept in the test cache under a key of its package list, so a
# warm run needs no network; each run writes to an overlay over it,
# dropped at the end.  Needs root (chroot, mounts).
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

# cached_root KIND PKGS TAG [HOOK]: a root made once by mmdebstrap
# (minbase, $suite, $mirror) with the packages PKGS (a comma list) and the
# essential hook HOOK into $BBLOG_CACHE/deb-KIND-$suite-KEY, KEY a hash of
# TAG and all of that: a directory never written after (each run works on
# an overlay over it).  Roots of KIND with other keys are of no further use
# and go (unless a run is using one as its overlay's lower layer).
cached_root() {
	local kind=$1 pkgs=$2 tag=$3 hook=${4:-} key dir old
	key=$(printf '%s\n' "$tag" "$suite" "$mirror" "$pkgs" ${hook:+"$hook"} |
		sha256sum | cut -c1-16)
	dir=$BBLOG_CACHE/deb-$kind-$suite-$key
	if [ ! -e "$dir/.complete" ]; then
		mkdir -p "$BBLOG_CACHE"
		rm -rf "$dir.tmp"
		echo "deb: making the $suite $kind root ($pkgs) in $dir" >&2
		mmdebstrap --variant=minbase --format=directory --include="$pkgs" \
			${hook:+--essential-hook="$hook"} \
			"$suite" "$dir.tmp" "$mirror" >&2
		touch "$dir.tmp/.complete"
		rm -rf "$dir"
		mv "$dir.tmp" "$dir"
		for old in "$BBLOG_CACHE/deb-$kind-$suite-"*; do
			[ "$old" != "$dir" ] && [ -e "$old/.complete" ] &&
				! grep -qF "lowerdir=$old," /proc/self/mounts &&
				rm -rf "$old"
			true
		done
	fi
	echo "$dir"
}

# The base root: linux-headers-amd64 and what the two packages depend on.
base_root() {
	cached_root root "$(root_packages | sort -u | paste -sd, -)" v1
}

# The root the service step boots (deb.sh service): the base root's
# packages, and a kernel (linux-image-amd64, the same version as
# linux-headers-amd64: the archive has the one pair), systemd as init,
# udev, and an initramfs that mounts an ext4 root on a virtio disk.
# initramfs-tools' MODULES=list with only those modules (set before the
# kernel is installed, so its initramfs is made once, small): the default,
# most, packs hundreds of modules that QEMU's emulated CPU then unpacks.
vm_packages() {
	root_packages
	printf '%s\n' linux-image-amd64 systemd systemd-sysv udev kmod initramfs-tools
}
# (Expanded by mmdebstrap, $1 the root.)
# shellcheck disable=SC2016
vm_initramfs_hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d" &&
	echo MODULES=list > "$1/etc/initramfs-tools/conf.d/bblog-vm" &&
	printf "%s\n" virtio_pci virtio_blk crc32c_generic ext4 > "$1/usr/share/initramfs-tools/modules.d/bblog-vm"'

# The VM's base root, made and kept the same way.
base_vm_root() {
	local dir

	dir=$(cached_root vm "$(vm_packages | sort -u | paste -sd, -)" vm-v1 \
		"$vm_initramfs_hook") || return
	ls "$dir"/boot/vmlinuz-* "$dir"/boot/initrd.img-* > /dev/null || return
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

# What the guest must report, one "ok - service: NAME..." line each
# (tests/service/guest.sh): a missing line fails the step like a "not ok".
service_checks() {
	cat <<'CHECKS'
tcp_bblog loaded at boot
systemd-modules-load inserted it
the module is DKMS's build for
/dev/tcp_bblog exists
bblog-record enabled
bblog-record active after boot
/var/log/bblog made by LogsDirectory=
first: a loopback connection's two ends recorded
the records index has a line per file
bblog show reads
restart: active again, MainPID
after restart: a loopback connection's two ends recorded
killed with SIGKILL: restarted by Restart=on-failure
after SIGKILL: the left .tmp file recovered, readable, indexed
after SIGKILL: a loopback connection's two ends recorded
journalctl -u bblog-record has "Started bblog-record.service"
journalctl -u bblog-record has "Stopping bblog-record.service"
journalctl -u bblog-record has "Main process exited, code=killed, status=9/KILL"
journalctl -u bblog-record has "Scheduled restart job, restart counter is at 1"
journal: bblog record's own stderr line (the recovery)
journal: started 3 times
systemctl stop: exit status 0
no failed units
CHECKS
}

do_service() {
	local base kver status mb t0 t1 out_tap missing=0 c
	t0=$(date +%s)
	base=$(base_vm_root)
	fresh_root "$base"
	kver=$(ls "$root/lib/modules")
	[ "$(echo "$kver" | wc -w)" = 1 ] || { echo "deb: kernels in the root: $kver" >&2; exit 1; }
	in_root test -e "/lib/modules/$kver/build" ||
		{ echo "deb: no headers for $kver in the root" >&2; exit 1; }
	mkdir -p "$root/tmp/debs"
	debs | xargs cp -t "$root/tmp/debs/"
	in_root sh -c 'apt-get install -y /tmp/debs/*.deb' 2>&1
	rm -rf "$root/tmp/debs"
	status=$(in_root dkms status tcp_bblog)
	echo "dkms status: $status"
	echo "$status" | grep -q "^tcp_bblog/$ver, $kver, x86_64: installed" ||
		{ echo "deb: DKMS did not install tcp_bblog for $kver" >&2; exit 1; }
	# The test, started by systemd once bblog-record.service has started;
	# no login prompt on the console it writes to.
	install -m 755 "$top/tests/service/guest.sh" "$root/usr/local/sbin/bblog-service-test"
	install -m 644 "$top/tests/service/bblog-service-test.service" "$root/etc/systemd/system/"
	ln -s ../bblog-service-test.service "$root/etc/systemd/system/multi-user.target.wants/"
	ln -s /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
	echo bblog-vm > "$root/etc/hostname"
	od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$root/etc/machine-id"
	echo >> "$root/etc/machine-id"
	cp "$root/boot/vmlinuz-$kver" "$root/boot/initrd.img-$kver" "$tmp/"
	# The disk: an ext4 image of the root (what the overlay shows), made
	# without mounting anything; /proc and /dev are the guest's own.
	umount "$root/dev/pts" "$root/dev" "$root/proc"
	mb=$(( $(du -sm "$root" | cut -f1) + 256 ))
	mke2fs -q -t ext4 -L bblog-vm -d "$root" "$tmp/disk.img" "${mb}M"
	t1=$(date +%s)
	echo "deb: root with both packages and a ${mb} MiB disk image in $((t1 - t0))s"
	# No network device (run-vm.sh gives QEMU -nodefaults and none): the
	# guest's traffic is on its loopback only.
	out_tap=$tmp/service.tap
	status=0
	BBLOG_VM_DRIVE=$tmp/disk.img "$top/tests/vm/run-vm.sh" deb-service \
		"$tmp/vmlinuz-$kver" "$tmp/initrd.img-$kver" "${BBLOG_SERVICE_TIMEOUT:-600}" \
		root=/dev/vda rw fsck.mode=skip > "$out_tap" || status=$?
	cat "$out_tap"
	while IFS= read -r c; do
		if ! grep -qF "ok - service: $c" "$out_tap" ||
			grep -qF "not ok - service: $c" "$out_tap"; then
			echo "deb: the guest did not report: ok - service: $c" >&2
			missing=1
		fi
	done < <(service_checks)
	echo "deb: VM $((t1 - t0))s to prepare, $(( $(date +%s) - t1 ))s to run; console: $BBLOG_LOGDIR/deb-service.console"
	[ $status = 0 ] && [ $missing = 0 ] && ! grep -q '^not ok' "$out_tap"
}

case ${1:-} in
build) do_build ;;
unit) do_unit ;;
root) do_root ;;
service) do_service ;;
*) echo "usage: $0 build|unit|root|service" >&2; exit 2 ;;
esac
