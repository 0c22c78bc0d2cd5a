#!/bin/bash
# make check-harness: boots test VMs with one failure injected each and
# checks that the harness reports every one of them as a failure.  A TAP
# "ok" line here means "the injected failure was caught": the guest reached
# the injection point (it says so on the console) and the run was reported
# as failed for the expected reason.  The five VMs run side by side.
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

inject() {	# inject KIND KERNEL-NAME TIMEOUT [TESTS]: TAP lines in harness-KIND.tap
	local kind=$1 which=$2 tmo=$3 only=${4:-none} kernel
	case $which in
	stock) kernel=/boot/vmlinuz-$stock_kver ;;
	debug) kernel=$debug_tree/arch/x86/boot/bzImage ;;
	esac
	BBLOG_VM_SMP=1 "$top/tests/vm/run-vm.sh" "harness-$kind" "$kernel" \
		"$build/$which/initramfs.cpio.gz" "$tmo" \
		"bblog.kernel=$which bblog.inject=$kind bblog.only=$only bblog.kunit=0" \
		> "$build/harness-$kind.tap" 2>&1
}

verdict() {	# verdict KIND KERNEL-NAME EXPECTED-REASON-REGEX
	local kind=$1 which=$2 expect=$3 out console
	out=$(cat "$build/harness-$kind.tap")
	console=$BBLOG_LOGDIR/harness-$kind.console
	# grep -c reads all its input: grep -q would end the pipe early, and
	# with pipefail tr's SIGPIPE would turn a match into a failure.
	if [ "$(tr -d '\r' < "$console" | grep -c "harness: injecting $kind")" = 0 ]; then
		echo "not ok - harness: injected $kind on $which kernel: the guest never reached the injection"
		echo "$out" | sed 's/^/#   /'
	elif grep -q "^not ok - harness-$kind: VM run failed" <<<"$out" &&
	     grep -Eq "$expect" <<<"$out"; then
		echo "ok - harness: injected $kind on $which kernel is reported as a failure"
		echo "$out" | grep -E '^not ok' | head -3 | sed 's/^/#   /'
	else
		echo "not ok - harness: injected $kind on $which kernel was NOT reported as expected"
		echo "$out" | sed 's/^/#   /'
	fi
}

inject warn stock 300 &
inject hang stock 90 &
inject shellfail stock 300 00-harness-shellfail &
inject kunitfail debug 900 &
inject leak debug 900 &
wait

verdict warn stock 'Kernel panic|WARNING|injected warning'
verdict hang stock 'timed out'
verdict shellfail stock 'not ok - stock: 00-harness-shellfail'
verdict kunitfail debug 'not ok - debug: kunit tcp_bblog_harness: bblog_harness_fail_test'
verdict leak debug 'not ok - debug: kmemleak'
