#!/bin/bash
# Build (or find in the cache) the debug kernel used by the QEMU tests.
#
# The kernel is built from Debian's linux-source-6.1 with tinyconfig plus
# tests/kernel/debug.config.  It is cached outside the repository under
# $BBLOG_CACHE (default ~/.cache/tcp_bblog) in a directory named after a hash
# of its inputs: the source tarball, the config fragment and this script.
# Prints the path of the prepared tree (bzImage + modules_prepare done).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src_tar=${BBLOG_KERNEL_SRC:-/usr/src/linux-source-6.1.tar.xz}
cache=${BBLOG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcp_bblog}
jobs=${BBLOG_JOBS:-$(nproc)}

[ -r "$src_tar" ] || { echo "build-debug-kernel: $src_tar missing (apt-get install linux-source-6.1)" >&2; exit 1; }

key=$( { stat -c '%s %Y' "$src_tar"; cat "$here/debug.config" "$0"; } | sha256sum | cut -c1-16)
tree="$cache/debug-kernel-$key/linux"

if [ -f "$tree/.bblog-ready" ]; then
	echo "$tree"
	exit 0
fi

log="$cache/debug-kernel-$key.log"
mkdir -p "$cache"
rm -rf "$cache/debug-kernel-$key"
mkdir -p "$cache/debug-kernel-$key"
echo "build-debug-kernel: building debug kernel $key (log: $log)" >&2
build() {
	set -e
	tar -C "$cache/debug-kernel-$key" -xf "$src_tar"
	mv "$cache/debug-kernel-$key"/linux-source-* "$tree"
	cd "$tree"
	make -s tinyconfig
	scripts/kconfig/merge_config.sh -m .config "$here/debug.config"
	make -s olddefconfig
	# Every line of the fragment must have survived olddefconfig.
	local missing=0 line
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		grep -qx "$line" .config || { echo "config: $line did not stick" >&2; missing=1; }
	done < "$here/debug.config"
	[ "$missing" = 0 ] || return 1
	make -s -j"$jobs" bzImage
	make -s -j"$jobs" modules_prepare
}
# Run outside any && / || list: set -e is ignored inside those.
set +e
( build ) >"$log" 2>&1
rc=$?
set -e
if [ "$rc" != 0 ]; then
	echo "build-debug-kernel: failed, tail of $log:" >&2
	tail -40 "$log" >&2
	exit 1
fi
touch "$tree/.bblog-ready"
echo "$tree"
