#!/bin/bash
# Fetch (or find in the cache) the newest kernel Debian ships for bookworm:
# linux-image-amd64 from bookworm-backports, with its headers, unpacked into
# $BBLOG_CACHE/backports-kernel-VERSION/root without installing anything.
# Prints that root: boot/vmlinuz-*, lib/modules/*/kernel, and
# usr/src/linux-headers-*-amd64 ready for building external modules.
#
# Only Debian's archive is used (deb.debian.org, bookworm-backports), through
# a private apt state directory: the system's sources and packages are left
# alone.  Without the archive the newest cached tree is used, if any.
set -euo pipefail

cache=${BBLOG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcp_bblog}
mirror=${BBLOG_DEBIAN_MIRROR:-http://deb.debian.org/debian}
state="$cache/backports-apt"
mkdir -p "$state/lists/partial" "$state/archives/partial"
echo "deb $mirror bookworm-backports main" > "$state/sources.list"
apt=(-q -o Dir::Etc::SourceList="$state/sources.list" -o Dir::Etc::SourceParts=/dev/null
     -o Dir::State::Lists="$state/lists" -o Dir::Cache::Archives="$state/archives"
     -o Debug::NoLocking=1 -o APT::Sandbox::User=root)

newest_cached() {
	ls -d "$cache"/backports-kernel-*/root 2>/dev/null | sort -V | tail -n 1
}

if ! apt-get "${apt[@]}" update >"$state/update.log" 2>&1; then
	tree=$(newest_cached)
	if [ -n "$tree" ] && [ -f "$tree/.bblog-ready" ]; then
		echo "fetch-backports-kernel: archive unreachable, using $tree" >&2
		echo "$tree"
		exit 0
	fi
	echo "fetch-backports-kernel: apt-get update failed:" >&2
	tail -n 5 "$state/update.log" >&2
	exit 1
fi

# linux-image-amd64 -> linux-image-6.12.NN+debNN-amd64: the ABI name.
image=$(apt-cache "${apt[@]}" depends linux-image-amd64 2>/dev/null |
	sed -n 's/^  Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
[ -n "$image" ] || { echo "fetch-backports-kernel: no linux-image-amd64 in bookworm-backports" >&2; exit 1; }
abi=${image#linux-image-}
abi=${abi%-amd64}
tree="$cache/backports-kernel-$abi/root"
if [ -f "$tree/.bblog-ready" ]; then
	echo "$tree"
	exit 0
fi

echo "fetch-backports-kernel: fetching Linux $abi from bookworm-backports" >&2
dir="$cache/backports-kernel-$abi"
rm -rf "$dir"
mkdir -p "$dir/debs" "$tree"
(cd "$dir/debs" && apt-get "${apt[@]}" download "linux-image-$abi-amd64-unsigned" \
	"linux-headers-$abi-amd64" "linux-headers-$abi-common" "linux-kbuild-$abi") >&2
for deb in "$dir"/debs/*.deb; do
	dpkg-deb -x "$deb" "$tree"
done
rm -rf "$dir/debs"

# The headers' Makefile includes the common tree by its installed path.
hdr="$tree/usr/src/linux-headers-$abi-amd64"
sed -i "s|^include /usr/src/|include $tree/usr/src/|" "$hdr/Makefile"
[ -f "$tree/boot/vmlinuz-$abi-amd64" ] && [ -f "$hdr/Module.symvers" ] ||
	{ echo "fetch-backports-kernel: unexpected package layout in $tree" >&2; exit 1; }
touch "$tree/.bblog-ready"
echo "$tree"
