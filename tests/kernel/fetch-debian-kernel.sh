#!/bin/bash
# fetch-debian-kernel.sh NAME SUITE
# Fetch (or find in the cache) the newest kernel Debian ships in SUITE
# (linux-image-amd64 there: bullseye, bookworm-backports, unstable, ...),
# with its headers, unpacked into $BBLOG_CACHE/NAME-kernel-VERSION/root
# without installing anything.  Prints that root: boot/vmlinuz-*,
# lib/modules/*/kernel, and usr/src/linux-headers-*-amd64 ready for
# building external modules.
#
# The packages are the image's and the headers' dependencies named after
# the ABI (linux-image-, linux-binary-, linux-modules-, linux-base-,
# linux-headers-...-common; the split layout of 7.x and the single image
# package of 5.10 alike) and the linux-kbuild- package.
#
# Only Debian's archive is used (deb.debian.org), through a private apt
# state directory: the system's sources and packages are left alone.
# Without the archive the newest cached tree of NAME is used, if any.
set -euo pipefail

name=${1:?usage: fetch-debian-kernel.sh NAME SUITE}
suite=${2:?usage: fetch-debian-kernel.sh NAME SUITE}
cache=${BBLOG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcp_bblog}
mirror=${BBLOG_DEBIAN_MIRROR:-http://deb.debian.org/debian}
state="$cache/$name-apt"
me="fetch-debian-kernel($name)"
mkdir -p "$state/lists/partial" "$state/archives/partial"
echo "deb $mirror $suite main" > "$state/sources.list"
apt=(-q -o Dir::Etc::SourceList="$state/sources.list" -o Dir::Etc::SourceParts=/dev/null
     -o Dir::State::Lists="$state/lists" -o Dir::Cache::Archives="$state/archives"
     -o Dir::State::status=/dev/null -o Debug::NoLocking=1 -o APT::Sandbox::User=root
     -o Acquire::Check-Valid-Until=false)

newest_cached() {
	ls -d "$cache/$name"-kernel-*/root 2>/dev/null | sort -V | tail -n 1
}

if ! apt-get "${apt[@]}" update >"$state/update.log" 2>&1; then
	tree=$(newest_cached)
	if [ -n "$tree" ] && [ -f "$tree/.bblog-ready" ]; then
		echo "$me: archive unreachable, using $tree" >&2
		echo "$tree"
		exit 0
	fi
	echo "$me: apt-get update failed:" >&2
	tail -n 5 "$state/update.log" >&2
	exit 1
fi

# linux-image-amd64 -> linux-image-6.12.NN+debNN-amd64: the ABI name.
image=$(apt-cache "${apt[@]}" depends linux-image-amd64 2>/dev/null |
	sed -n 's/^  Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
[ -n "$image" ] || { echo "$me: no linux-image-amd64 in $suite" >&2; exit 1; }
abi=${image#linux-image-}
abi=${abi%-amd64}
tree="$cache/$name-kernel-$abi/root"
if [ -f "$tree/.bblog-ready" ]; then
	echo "$tree"
	exit 0
fi

# The packages of this ABI that the image and the headers need.
pkgs=()
todo=("$image" "linux-headers-$abi-amd64")
while [ ${#todo[@]} -gt 0 ]; do
	p=${todo[0]}
	todo=("${todo[@]:1}")
	case " ${pkgs[*]} " in *" $p "*) continue ;; esac
	pkgs+=("$p")
	for d in $(apt-cache "${apt[@]}" depends "$p" 2>/dev/null |
		   sed -n 's/^ *|\?Depends: \(linux-[^ <>]*\)$/\1/p'); do
		case $d in
		linux-kbuild-*|*"$abi"*) todo+=("$d") ;;
		esac
	done
done

echo "$me: fetching Linux $abi from $suite: ${pkgs[*]}" >&2
dir="$cache/$name-kernel-$abi"
rm -rf "$dir"
mkdir -p "$dir/debs" "$tree"
(cd "$dir/debs" && apt-get "${apt[@]}" download "${pkgs[@]}") >&2
for deb in "$dir"/debs/*.deb; do
	dpkg-deb -x "$deb" "$tree"
done
rm -rf "$dir/debs"

# Merged /usr (7.x): the modules and the kernel are under usr/lib/modules;
# the tree keeps one layout, boot/vmlinuz-* and lib/modules.
kver=$abi-amd64
if [ ! -e "$tree/lib" ] && [ -d "$tree/usr/lib/modules" ]; then
	ln -s usr/lib "$tree/lib"
fi
if [ ! -e "$tree/boot/vmlinuz-$kver" ] && [ -f "$tree/lib/modules/$kver/vmlinuz" ]; then
	mkdir -p "$tree/boot"
	ln -s "../lib/modules/$kver/vmlinuz" "$tree/boot/vmlinuz-$kver"
fi

# The headers' Makefile includes the common tree by its installed path.
hdr="$tree/usr/src/linux-headers-$abi-amd64"
sed -i -e "s|^include /usr/src/|include $tree/usr/src/|" \
	-e "s|^KBUILD_OUTPUT=/usr/src/|KBUILD_OUTPUT=$tree/usr/src/|" "$hdr/Makefile"
[ -f "$tree/boot/vmlinuz-$kver" ] && [ -f "$hdr/Module.symvers" ] &&
	[ -d "$tree/lib/modules/$kver/kernel" ] ||
	{ echo "$me: unexpected package layout in $tree" >&2; exit 1; }
# The kernel's compiler (CONFIG_CC_VERSION_TEXT's first word): where the
# host has none, a build root of SUITE with it and the headers.
cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\?\([^ "]*\).*/\1/p' "$hdr/include/config/auto.conf")
if [ -n "$cc" ] && ! command -v "$cc" >/dev/null; then
	kroot="$cache/$name-kernel-$abi/kbuild-root"
	echo "$me: no $cc here: a $suite build root with it" >&2
	rm -rf "$kroot"
	mmdebstrap --variant=apt --aptopt='Acquire::Check-Valid-Until "false"' \
		--include="linux-headers-$kver,make" "$suite" "$kroot" "$mirror" \
		>"$cache/$name-kernel-$abi/mmdebstrap.log" 2>&1 ||
		{ tail -n 20 "$cache/$name-kernel-$abi/mmdebstrap.log" >&2; exit 1; }
	[ -f "$kroot/usr/src/linux-headers-$kver/Module.symvers" ] ||
		{ echo "$me: no headers in $kroot" >&2; exit 1; }
	echo "$kroot" > "$tree/.bblog-kbuild-root"
fi
touch "$tree/.bblog-ready"
echo "$tree"
