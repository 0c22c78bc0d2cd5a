#!/bin/bash
# vm-stage.sh stock|debug
# Builds the module (and, for the debug kernel, the KUnit suites) against the
# chosen kernel, packs the initramfs and runs the guest tests.  TAP lines out.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
which=$1
out=$build/$which

case $which in
stock)
	kver=$(stock_kernel) || { echo "not ok - stock: no /boot/vmlinuz with a matching build tree"; exit 1; }
	kdir=/lib/modules/$kver/build
	kernel=/boot/vmlinuz-$kver
	extra=$(stock_extra_modules "$kver")
	subdirs="$top/tests/harness"
	tmo=${BBLOG_STOCK_TIMEOUT:-600}
	;;
debug)
	kdir=$("$top/tests/kernel/build-debug-kernel.sh" 2>"$BBLOG_LOGDIR/debug-kernel.err")
	if [ $? != 0 ] || [ -z "$kdir" ]; then
		echo "not ok - debug: kernel build"
		sed 's/^/#   /' "$BBLOG_LOGDIR/debug-kernel.err"
		exit 1
	fi
	echo "ok - debug: kernel built from linux-source-6.1 ($(basename "$(dirname "$kdir")"))"
	kernel=$kdir/arch/x86/boot/bzImage
	extra=
	subdirs="$top/tests/kunit $top/tests/harness"
	tmo=${BBLOG_DEBUG_TIMEOUT:-1500}
	;;
*)
	echo "usage: vm-stage.sh stock|debug" >&2
	exit 2
	;;
esac

run_step "$which: module built against $(basename "$(dirname "$kdir")")/build, W=1, no warnings" \
	"$top/tests/vm/build-module.sh" "$kdir" "$out/modules" $subdirs || exit 1

if [ -f "$top/tests/progs/Makefile" ]; then
	run_step "$which: test programs built" make -s -C "$top/tests/progs" OUT="$build/progs" || exit 1
fi
bins=
for b in "$top/userspace/bblog" "$top"/tests/build/progs/*; do
	[ -x "$b" ] && bins="$bins $b"
done
export BBLOG_GUEST_BINS=$bins
# shellcheck disable=SC2086
run_step "$which: initramfs packed" \
	"$top/tests/vm/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$out/modules" $extra || exit 1

"$top/tests/vm/run-vm.sh" "$which" "$kernel" "$out/initramfs.cpio.gz" "$tmo" \
	"bblog.kernel=$which ${BBLOG_GUEST_ARGS:-}"
rc=$?

# Host-side checks of what a guest test exported (pcapng files, streams):
# tests/host/NAME.sh runs when the guest test NAME passed.
for check in "$top"/tests/host/*.sh; do
	[ -e "$check" ] || continue
	t=$(basename "$check" .sh)
	tr -d '\r' < "$BBLOG_LOGDIR/$which.console" |
		grep -q "^BBLOG-TAP: ok - $which: $t\$" || continue
	"$check" "$BBLOG_LOGDIR/$which.export" "$which" || rc=1
done
exit $rc
