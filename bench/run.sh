#!/bin/bash
# make bench: the benchmark in the stock kernel's test VM.  Boots the same
# initramfs as the tests with bblog.bench=1, which runs bench/guest-bench.sh
# instead of the tests, and prints its result lines.
# Environment:
#   BENCH_MODE      icount (default): QEMU counts instructions, one vCPU;
#                   the guest's clock is the instructions it executed, so
#                   the results depend on what the guest runs, not on the
#                   host's load.  wall: the guest's clock is the host's
#                   (two vCPUs), as on hardware, and as noisy as the host.
#   BENCH_SHIFT     icount's shift (default 0: 1 instruction = 1 ns of
#                   guest time, a 1 GHz CPU retiring one per cycle)
#   BENCH_SECONDS   per iperf3 run (default 3), BENCH_CRR_SECONDS per run
#                   of short connections (default 3), BENCH_REPEAT runs of
#                   each configuration (default 3)
#   BENCH_CONFIGS   a comma-separated subset (guest-bench.sh lists them)
#   BENCH_TIMEOUT   of the VM, in seconds (default 3600)
set -uo pipefail
. "$(dirname "$0")/../tests/lib.sh"
mode=${BENCH_MODE:-icount}
args="bblog.only=none bblog.bench=1 bench.mode=$mode bench.seconds=${BENCH_SECONDS:-3}"
args="$args bench.crr_seconds=${BENCH_CRR_SECONDS:-3} bench.repeat=${BENCH_REPEAT:-3}"
[ -n "${BENCH_CONFIGS:-}" ] && args="$args bench.configs=$BENCH_CONFIGS"
[ -n "${BENCH_TRACE:-}" ] && args="$args bench.trace=1"
case $mode in
icount)
	# -icount needs single-threaded TCG (run-vm.sh's default); one vCPU,
	# so that no vCPU round robin is involved.  sleep=off: while the guest
	# is idle, its clock jumps to the next timer instead of following the
	# host's, so idle time costs neither host time nor determinism.
	# (align=on would slow the guest down to real time: not wanted.)
	shift=${BENCH_SHIFT:-0}
	export BBLOG_VM_SMP=1
	export BBLOG_VM_QEMU_ARGS="-icount shift=$shift,sleep=off"
	args="$args bench.shift=$shift"
	;;
wall) ;;
*) echo "BENCH_MODE: icount or wall" >&2; exit 2 ;;
esac
# Room for the capture files and bblog record's pcapng files on /tmp.
export BBLOG_VM_MEM=${BBLOG_VM_MEM:-2048}
start=$(date +%s)
# bblog (record, rule): vm-stage.sh puts it in the guest if it is built.
make -s -C "$top/userspace" > "$build/bench-userspace.log" 2>&1 ||
	{ cat "$build/bench-userspace.log"; exit 1; }
BBLOG_STOCK_TIMEOUT=${BENCH_TIMEOUT:-3600} BBLOG_GUEST_ARGS="$args" \
	"$top/tests/vm-stage.sh" stock > "$build/bench.tap"
rc=$?
tr -d '\r' < "$BBLOG_LOGDIR/stock.console" | sed -n 's/^.*BBLOG-BENCH: //p'
echo "(make bench took $(( $(date +%s) - start )) s of host time)"
[ $rc = 0 ] || { grep '^not ok' "$build/bench.tap"; exit 1; }
