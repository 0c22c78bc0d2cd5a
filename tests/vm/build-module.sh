#!/bin/bash
# build-module.sh KERNELDIR OUTDIR [extra kbuild dirs...]
# Builds tcp_bblog.ko against KERNELDIR in a private copy of the sources under
# OUTDIR (so the stock and debug builds never share objects), with W=1 and
# the fault injection points (module parameter fail_hook), and fails on any
# compiler warning.  Extra directories (the KUnit and harness
# modules) are built the same way, each against the copy.
# With BBLOG_KBUILD_ROOT (a root file system with the kernel's compiler and
# headers, see tests/kernel/fetch-debian-kernel.sh), make runs chrooted in
# it, in a private mount namespace where OUTDIR is bound at its own path;
# KERNELDIR is then a path in that root.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kroot=${BBLOG_KBUILD_ROOT:-}
kdir=$1 out=$(realpath -m "$2")
[ -n "$kroot" ] || kdir=$(realpath -m "$kdir")
shift 2
rm -rf "$out/src"
mkdir -p "$out/src"
cp -a "$top/Kbuild" "$top/dkms.conf" "$top/module" "$top/uapi" "$out/src/"
find "$out/src" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \) -delete
kmake() {
	if [ -z "$kroot" ]; then
		make "$@"
		return
	fi
	mkdir -p "$kroot$out"
	# shellcheck disable=SC2016
	unshare -m sh -ec 'mount --bind "$1" "$2$1"; mount --bind /dev "$2/dev"
		mount -t proc proc "$2/proc"; r=$2; shift 2; exec chroot "$r" make "$@"' \
		kmake "$out" "$kroot" "$@"
}
build() {
	local dir=$1 log
	log=$(mktemp)
	if ! kmake -C "$kdir" M="$dir" W=1 BBLOG_FAULT_INJECTION=y modules >"$log" 2>&1; then
		cat "$log" >&2; rm -f "$log"; return 1
	fi
	if grep -E 'warning:|error:' "$log" | grep -v 'Skipping BTF' >&2; then
		echo "build-module: compiler warnings in $dir" >&2; rm -f "$log"; return 1
	fi
	rm -f "$log"
}
build "$out/src"
for extra in "$@"; do
	name=$(basename "$extra")
	rm -rf "$out/$name"
	cp -a "$extra" "$out/$name"
	ln -sfn "$out/src" "$out/$name/bblog-src"
	build "$out/$name"
done
