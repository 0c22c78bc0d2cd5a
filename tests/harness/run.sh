#!/bin/bash
# make check-harness: boots test VMs with one failure injected each and
# checks that the harness reports every one of them as a failure.  A TAP
# "ok" line here means "the injected failure was caught".
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

# Modules and initramfs come from the normal stages; build them if missing.
for which in stock debug; do
	if [ ! -f "$build/$which/initramfs.cpio.gz" ]; then
		BBLOG_GUEST_ARGS="bblog.only=none" "$top/tests/vm-stage.sh" "$which" |
			grep -E '^not ok' && { echo "not ok - harness: $which stage could not be prepared"; exit 1; }
	fi
done
stock_kver=$(stock_kernel)
debug_tree=$("$top/tests/kernel/build-debug-kernel.sh" 2>/dev/null)

inject() {	# inject KIND KERNEL-NAME EXPECTED-REASON-REGEX TIMEOUT
	local kind=$1 which=$2 expect=$3 tmo=$4 kernel out
	case $which in
	stock) kernel=/boot/vmlinuz-$stock_kver ;;
	debug) kernel=$debug_tree/arch/x86/boot/bzImage ;;
	esac
	out=$("$top/tests/vm/run-vm.sh" "harness-$kind" "$kernel" \
		"$build/$which/initramfs.cpio.gz" "$tmo" \
		"bblog.kernel=$which bblog.inject=$kind bblog.only=none")
	if echo "$out" | grep -q '^not ok - harness-'"$kind"': VM run failed' &&
	   echo "$out" | grep -Eq "$expect"; then
		echo "ok - harness: injected $kind on $which kernel is reported as a failure"
		echo "$out" | grep -E '^not ok' | head -3 | sed 's/^/#   /'
	else
		echo "not ok - harness: injected $kind on $which kernel was NOT reported as expected"
		echo "$out" | sed 's/^/#   /'
	fi
}

inject warn stock 'Kernel panic|WARNING|injected warning' 300
inject hang stock 'timed out' 60
inject shellfail stock 'not ok - stock: 00-harness-shellfail' 300
inject kunitfail debug 'not ok - debug: kunit tcp_bblog_harness: bblog_harness_fail_test' 900
inject leak debug 'not ok - debug: kmemleak' 900
