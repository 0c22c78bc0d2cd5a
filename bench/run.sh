#!/bin/bash
# bench/run.sh: the tcp_bblog benchmark (bench/guest-bench.sh) in the stock
# kernel's test VM.  Builds the module, tests/progs and the test initramfs
# like tests/vm-stage.sh, appends a second cpio archive holding /bench and an
# /init that runs the benchmark instead of the tests (the kernel unpacks
# both; later files win), boots, and prints the BBLOG-BENCH lines.
# Environment: BENCH_SECONDS, BENCH_REPEAT, BENCH_SNAPLEN (passed on),
# BENCH_TIMEOUT (VM timeout, default 900 s), BBLOG_BUILD.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/lib.sh"
kver=$(stock_kernel) || { echo "bench: no stock kernel with a build tree" >&2; exit 1; }
kdir=/lib/modules/$kver/build
out=$build/bench
mkdir -p "$out"

"$top/tests/vm/build-module.sh" "$kdir" "$out/modules" > "$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log"; exit 1; }
make -s -C "$top/tests/progs" OUT="$build/progs"
bins=
for b in "$build"/progs/*; do
	[ -x "$b" ] && bins="$bins $b"
done
export BBLOG_GUEST_BINS=$bins
# shellcheck disable=SC2046
"$top/tests/vm/mkinitramfs.sh" "$out/base.cpio.gz" "$out/modules" $(stock_extra_modules "$kver")

overlay=$(mktemp -d)
trap 'rm -rf "$overlay"' EXIT
mkdir -p "$overlay/bench"
cp "$here"/*.sh "$overlay/bench/"
cat > "$overlay/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
for ko in /lib/modules-extra/*.ko; do [ -e "\$ko" ] && insmod "\$ko"; done
export BENCH_SECONDS=${BENCH_SECONDS:-5} BENCH_REPEAT=${BENCH_REPEAT:-1} BENCH_SNAPLEN=${BENCH_SNAPLEN:-128}
if sh -e /bench/guest-bench.sh; then
	echo "BBLOG-TAP: ok - bench: guest-bench.sh"
	echo BBLOG-GUEST-SUCCESS > /dev/ttyS1
else
	echo "BBLOG-TAP: not ok - bench: guest-bench.sh"
fi
sync
reboot -f
INIT
chmod 755 "$overlay/init"
(cd "$overlay" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) > "$out/overlay.cpio.gz"
cat "$out/base.cpio.gz" "$out/overlay.cpio.gz" > "$out/initramfs.cpio.gz"

BBLOG_LOGDIR=$out "$top/tests/vm/run-vm.sh" bench "/boot/vmlinuz-$kver" "$out/initramfs.cpio.gz" \
	"${BENCH_TIMEOUT:-900}" "bblog.kernel=bench" || true
tr -d '\r' < "$out/bench.console" | grep '^BBLOG-BENCH: ' | sed 's/^BBLOG-BENCH: //'
grep -q BBLOG-GUEST-SUCCESS "$out/bench.result"
