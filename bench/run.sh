#!/bin/bash
# make bench: the benchmark in the stock kernel's test VM.  Boots the same
# initramfs as the tests with bblog.bench=1, which runs bench/guest-bench.sh
# instead of the tests, and prints its result lines.
# Environment: BENCH_SECONDS (per run, default 5), BENCH_REPEAT (default 3).
set -uo pipefail
. "$(dirname "$0")/../tests/lib.sh"
args="bblog.only=none bblog.bench=1 bench.seconds=${BENCH_SECONDS:-5} bench.repeat=${BENCH_REPEAT:-3}"
BBLOG_STOCK_TIMEOUT=${BENCH_TIMEOUT:-1800} BBLOG_GUEST_ARGS="$args" \
	"$top/tests/vm-stage.sh" stock > "$build/bench.tap"
rc=$?
tr -d '\r' < "$BBLOG_LOGDIR/stock.console" | sed -n 's/^BBLOG-BENCH: //p'
[ $rc = 0 ] || { grep '^not ok' "$build/bench.tap"; exit 1; }
