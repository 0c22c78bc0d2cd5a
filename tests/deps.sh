#!/bin/bash
# Installs the Debian packages the build and the tests need (only from
# Debian's archive), skipping what is already installed.
set -euo pipefail
pkgs=(
	make gcc libc6-dev clang libclang-rt-dev
	linux-headers-amd64 linux-image-amd64 linux-source-6.1
	flex bison bc libelf-dev libssl-dev cpio kmod xz-utils
	qemu-system-x86 busybox-static mmdebstrap
	libpcap-dev liblzma-dev libnl-3-dev libnl-genl-3-dev pkg-config tshark tcpdump iproute2 iperf3 nftables
	dkms sparse groff-base man-db jq dwarves
	debhelper dh-dkms lintian mmdebstrap systemd strace
	chromium python3 time
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages (run as root to install): ${missing[*]}" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
