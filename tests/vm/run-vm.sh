#!/bin/bash
# run-vm.sh NAME KERNEL INITRD TIMEOUT [EXTRA_CMDLINE...]
# (environment: BBLOG_VM_ACCEL, BBLOG_VM_MEM, BBLOG_VM_SMP, BBLOG_VM_DRIVE)
# Boots the test VM under QEMU/TCG and turns its console into TAP lines.
# The run passes only if the guest wrote its success marker to the second
# serial port and the console holds no panic, oops, WARN, BUG, KASAN,
# UBSAN, lockdep or RCU report.  Output: the guest's TAP lines (prefixed with
# the kernel name), then one line for the run itself.  The console log is
# kept in $BBLOG_LOGDIR/NAME.console (its tail is printed on failure).
# Files the guest puts in /tmp/export come back through a third serial port
# (a base64 tar between markers) into $BBLOG_LOGDIR/NAME.export/.
set -uo pipefail
name=$1 kernel=$2 initrd=$3 tmo=$4
shift 4
logdir=${BBLOG_LOGDIR:-$(pwd)/tests/build/logs}
mkdir -p "$logdir"
console="$logdir/$name.console"
result="$logdir/$name.result"
export="$logdir/$name.export"
rm -rf "$console" "$result" "$export" "$export.serial"

# Single-threaded TCG (both vCPUs take turns on one host thread): under
# QEMU 7.2's default multi-threaded TCG, code the guest kernel rewrites
# while another vCPU executes it (jump labels and static calls, patched
# whenever a tracepoint gains or loses its first probe) is not kept
# coherent.  tests/repro/int3-stress.sh, without tcp_bblog, toggles TCP
# tracepoints under iperf3: multi-threaded, 6.12 oopses on a stale int3
# within 15 s and 6.1 ends in a soft lockup of both vCPUs; single-threaded,
# both run the full 40 s clean.  The stock and 6.12 kernels' tests rarely
# keep both vCPUs busy, so this costs them little time; the debug kernel
# runs multi-threaded (vm-stage.sh says why).
# watchdog_thresh=60: a soft lockup is reported after 120 s of guest time
# without a schedule, not 20 s.  Emulated, a guest runs tens of times slower
# than on hardware, slower still while the other VMs of make check share
# the two cores: the debug kernel's tracefs set-up at boot (KASAN saving a
# stack for every allocation; the function tracer's files) once held a
# vCPU for 23 s that way.  A real lockup still shows, and hung tasks are
# reported as before.
# 1 GiB: the debug kernel boots and scans for leaks in half the time it takes
# with 2 GiB (KASAN shadow, kmemleak), and no test needs more.
# BBLOG_VM_DRIVE: a raw disk image the guest sees as /dev/vda (the
# service test of tests/deb.sh boots a Debian root from it).
drive=()
[ -n "${BBLOG_VM_DRIVE:-}" ] && drive=(-drive "file=$BBLOG_VM_DRIVE,format=raw,if=virtio")
# BBLOG_VM_QEMU_ARGS: more QEMU options, split at blanks (make bench's
# instruction counting: "-icount shift=0,sleep=off").
# shellcheck disable=SC2206
qemu_args=(${BBLOG_VM_QEMU_ARGS:-})
# The guest's TSC rate, measured on the host (tsc-khz.c says why): not
# under -icount, where the guest's TSC counts instructions, nor on a host
# whose TSC does not tick at a constant rate.  Without it the guest
# calibrates as before.  The TSC is not declared reliable: on a busy host
# the clocksource watchdog may still drop it for jiffies, which lag there,
# and tests bounded by guest time then get more wall time; with
# tsc=reliable (wall-time clocks) debug 56-budget-shares generated too
# little traffic in its time on a loaded gate run.
tsc=
case " ${qemu_args[*]} " in
*" -icount "*) ;;
*)	if grep -qw constant_tsc /proc/cpuinfo && grep -qw nonstop_tsc /proc/cpuinfo; then
		tool=$logdir/../tsc-khz
		here=$(cd "$(dirname "$0")" && pwd)
		if [ ! -x "$tool" ] || [ "$here/tsc-khz.c" -nt "$tool" ]; then
			gcc -O2 -o "$tool.$$" "$here/tsc-khz.c" && mv -f "$tool.$$" "$tool"
		fi
		khz=$("$tool" 2>/dev/null) && tsc="tsc_early_khz=$khz"
	fi ;;
esac
start=$(date +%s)
timeout --foreground -k 5 "$tmo" \
	qemu-system-x86_64 -accel "${BBLOG_VM_ACCEL:-tcg,thread=single}" -m "${BBLOG_VM_MEM:-1024}" -smp "${BBLOG_VM_SMP:-2}" \
	"${qemu_args[@]}" \
	-nographic -nodefaults -no-reboot -monitor none \
	-serial "file:$console" -serial "file:$result" -serial "file:$export.serial" \
	-kernel "$kernel" -initrd "$initrd" "${drive[@]}" \
	-append "console=ttyS0 panic=-1 oops=panic panic_on_warn=1 loglevel=4 watchdog_thresh=60 $tsc $*" \
	</dev/null >/dev/null 2>"$logdir/$name.qemu-stderr"
rc=$?
secs=$(( $(date +%s) - start ))
# CPU time QEMU used (user+sys of this script's children): the budget of a
# make check on 2 cores is CPU time, not waiting.
# (times runs in this shell: in a pipe or $(...) it would see no children.)
times > "$logdir/$name.times"
cpu=$(tail -n 1 "$logdir/$name.times" | awk '{ split($1, u, "m"); split($2, s, "m")
	printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')

if grep -q BBLOG-EXPORT-END "$export.serial" 2>/dev/null; then
	mkdir -p "$export"
	tr -d '\r' < "$export.serial" |
		sed -n '/BBLOG-EXPORT-BEGIN/,/BBLOG-EXPORT-END/p' | sed '1d;$d' |
		base64 -d | tar -xz -C "$export"
fi

# Guest TAP lines (strip the console's CRs).  A failed guest test is
# followed by the end of its own output (it sits between "# --- NAME" and
# "# NAME took"), so the reason is in the report, not only in the log.
tr -d '\r' < "$console" 2>/dev/null | awk '
	/^# --- / { name = substr($0, 7); n = 0; next }
	name != "" && index($0, "# " name " took ") == 1 {
		done = name; name = ""; next }
	name != "" { buf[n++ % 30] = $0; cnt = n; next }
	/BBLOG-TAP: / {
		line = $0; sub(/^.*BBLOG-TAP: /, "", line); print line
		if (line ~ /^not ok/ && done != "" && index(line, ": " done " (") > 0) {
			s = cnt > 30 ? cnt - 30 : 0
			for (i = s; i < cnt; i++) print "#   " buf[i % 30]
		}
	}'

problems=$(tr -d '\r' < "$console" 2>/dev/null | grep -E \
	'Kernel panic|BUG:|WARNING:|Oops|KASAN|UBSAN|kmemleak: [0-9]+ new suspected|possible recursive locking|circular locking|suspicious RCU usage|inconsistent lock state|lock held when returning|Call Trace:|hung_task|soft lockup' |
	head -5)
why=
if [ $rc = 124 ] || [ $rc = 137 ]; then
	why="timed out after ${tmo}s"
elif ! grep -q BBLOG-GUEST-SUCCESS "$result" 2>/dev/null; then
	why="guest did not report success (qemu exit $rc)"
fi
if [ -n "$problems" ]; then
	why="${why:+$why; }kernel reported: $(echo "$problems" | head -1 | sed 's/^\[[ 0-9.]*\] //')"
fi
if [ -z "$why" ]; then
	echo "ok - $name: VM run clean (${secs}s, CPU ${cpu}s)"
	exit 0
fi
echo "not ok - $name: VM run failed: $why (${secs}s, CPU ${cpu}s, log $console)"
tr -d '\r' < "$console" 2>/dev/null | tail -n 40 | sed 's/^/#   /'
exit 1
