#!/bin/bash
# mkinitramfs.sh OUT.cpio.gz MODDIR [SYSTEM_KO...]  (MODDIR as made by build-module.sh)
# Builds the test VM's initramfs: busybox-static, tests/vm/init as /init,
# tests/guest/ as /guest, bench/guest-bench.sh in /bench, the modules under test from MODDIR (tcp_bblog.ko,
# kunit/*.ko, harness/*.ko) in /lib/bblog, the given system modules in
# /lib/modules-extra (inserted in order), and the programs the tests run with
# the shared libraries ldd lists for them.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(realpath -m "$1") moddir=$2
shift 2

root=$(mktemp -d)
chmod 755 "$root"	# mktemp makes it 0700: other users could not reach /dev
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,proc,sys,dev,tmp,run,var/run,root,lib/bblog,lib/modules-extra,guest}

cp /bin/busybox "$root/bin/busybox"
cp "$top/tests/vm/init" "$root/init"
chmod 755 "$root/init"
cp -a "$top/tests/guest/." "$root/guest/"
mkdir -p "$root/bench"
cp -a "$top/bench/guest-bench.sh" "$root/bench/"

cp "$moddir/src/tcp_bblog.ko" "$root/lib/bblog/"
for sub in kunit harness; do
	if ls "$moddir/$sub"/*.ko >/dev/null 2>&1; then
		mkdir -p "$root/lib/bblog/$sub"
		cp "$moddir/$sub"/*.ko "$root/lib/bblog/$sub/"
	fi
done
i=0
for ko in "$@"; do
	i=$((i + 1))
	cp "$ko" "$root/lib/modules-extra/$(printf '%02d' $i)-$(basename "$ko")"
done

# Programs: system tools the tests drive, and the project's own binaries.
add_prog() {	# add_prog PATH [DEST]
	local src=$1 dest=${2:-$1} lib
	mkdir -p "$root$(dirname "$dest")"
	cp -L "$src" "$root$dest"
	for lib in $(ldd "$src" 2>/dev/null | grep -o '/[^ ]*' || true); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
for p in /usr/sbin/ip /usr/sbin/tc /usr/bin/tcpdump /usr/bin/iperf3 /usr/bin/jq; do
	add_prog "$p"
done
# nft for 49-nat (which skips without it).
[ -x /usr/sbin/nft ] && add_prog /usr/sbin/nft
# iproute2 and tc look for their data files here.
[ -d /usr/lib/tc ] && mkdir -p "$root/usr/lib" && cp -a /usr/lib/tc "$root/usr/lib/"
for p in ${BBLOG_GUEST_BINS:-}; do
	add_prog "$p" "/usr/local/bin/$(basename "$p")"
done

cat > "$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
tcpdump:x:100:100:tcpdump:/nonexistent:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat > "$root/etc/group" <<'GR'
root:x:0:
tcpdump:x:100:
nogroup:x:65534:
GR
echo "127.0.0.1 localhost" > "$root/etc/hosts"

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) > "$out"
