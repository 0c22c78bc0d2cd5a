#!/bin/bash
# dkms add + dkms build of this tree against the stock kernel headers, in a
# private DKMS tree (nothing is installed system-wide).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ver=$(make -s -C "$top" version)
kver=$(stock_kernel)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/source/tcp_bblog-$ver
mkdir -p "$src" "$tmp/dkms"
cp -a "$top/Kbuild" "$top/Makefile" "$top/dkms.conf" "$top/module" "$top/uapi" "$src/"
find "$src" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \) -delete
dkms add --sourcetree "$tmp/source" --dkmstree "$tmp/dkms" -m tcp_bblog -v "$ver"
dkms build --sourcetree "$tmp/source" --dkmstree "$tmp/dkms" -m tcp_bblog -v "$ver" -k "$kver"
ko=$(find "$tmp/dkms/tcp_bblog/$ver/$kver" -name 'tcp_bblog.ko*' | head -1)
[ -n "$ko" ] || { echo "dkms: no tcp_bblog.ko built" >&2; exit 1; }
modinfo "$ko" | grep -E '^(vermagic|log_version):'
