#!/bin/bash
# make sparse: the module built with sparse (C=2, endian checks) against
# KERNELDIR in a private copy; any sparse warning fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kdir=${1:-/lib/modules/$(stock_kernel)/build}
out=$build/sparse
rm -rf "$out"
mkdir -p "$out"
cp -a "$top/Kbuild" "$top/module" "$top/uapi" "$out/"
find "$out" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \) -delete
log=$out/sparse.log
MAKEFLAGS= make -C "$kdir" M="$out" C=2 CF="-D__CHECK_ENDIAN__" modules >"$log" 2>&1 ||
	{ cat "$log"; exit 1; }
if grep -E 'warning:|error:' "$log"; then
	echo "sparse: warnings above" >&2
	exit 1
fi
checked=$(grep -c '  CHECK' "$log" || true)
[ "$checked" -gt 0 ] || { echo "sparse: did not run"; cat "$log"; exit 1; }
echo "sparse: clean ($checked files checked)"
