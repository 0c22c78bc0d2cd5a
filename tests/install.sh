#!/bin/bash
# make install into a DESTDIR: the module lands under lib/modules with a
# depmod index, bblog and its man page under PREFIX, the Wireshark plugin
# and profile where Wireshark looks for them (tshark -G folders).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=$(stock_kernel)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A private copy, so the in-tree objects do not mix with the other builds.
cp -a "$top/Kbuild" "$top/Makefile" "$top/dkms.conf" "$top/module" "$top/uapi" "$top/userspace" \
	"$top/wireshark" "$tmp/"
mkdir -p "$tmp/root"
make -s -C "$tmp" KERNELDIR="/lib/modules/$kver/build" DESTDIR="$tmp/root" PREFIX=/usr install
ko=$(find "$tmp/root/lib/modules/$kver" -name 'tcp_bblog.ko*')
[ -n "$ko" ] || { echo "install: no module under lib/modules/$kver" >&2; exit 1; }
grep -q tcp_bblog "$tmp/root/lib/modules/$kver/modules.dep" || { echo "install: depmod did not index it" >&2; exit 1; }
[ -x "$tmp/root/usr/bin/bblog" ] || { echo "install: no usr/bin/bblog" >&2; exit 1; }
[ -f "$tmp/root/usr/share/man/man8/bblog.8" ] || [ -f "$tmp/root/usr/share/man/man8/bblog.8.gz" ] ||
	{ echo "install: no man page" >&2; exit 1; }
lua=$(tshark -G folders 2>/dev/null | sed -n 's/^Global Lua Plugins:[[:space:]]*//p')
conf=$(tshark -G folders 2>/dev/null | sed -n 's/^Global configuration:[[:space:]]*//p')
[ -f "$tmp/root$lua/tcp_bblog.lua" ] || { echo "install: no $lua/tcp_bblog.lua" >&2; exit 1; }
[ -f "$tmp/root$conf/profiles/tcp_bblog/colorfilters" ] ||
	{ echo "install: no profile under $conf/profiles/tcp_bblog" >&2; exit 1; }
echo "installed: ${ko#$tmp/root}, /usr/bin/bblog, bblog.8, $lua/tcp_bblog.lua, $conf/profiles/tcp_bblog"
