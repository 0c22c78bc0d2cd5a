#!/bin/bash
# make bench-record (and the first part of make bench): how fast `bblog
# record` turns a device stream into pcapng files, on the host, no VM.
# bench/replay-gen.c writes a synthetic stream (REPLAY_CONNS connections
# in CONTINUAL mode, REPLAY_RECORDS records, REPLAY_PER_DUMP per dump,
# dumps of all connections interleaved), then `bblog record -f` converts it
# REPLAY_RUNS times, pinned to CPU REPLAY_CPU, into a fresh directory each
# time.  Prints for each run the records and input megabytes per second,
# the peak RSS, the files written, and the spread (min/median/max).
# Environment (defaults): REPLAY_CONNS (10000), REPLAY_RECORDS (5000000),
# REPLAY_PER_DUMP (100), REPLAY_RUNS (3), REPLAY_CPU (1), REPLAY_NOFILE
# (the soft limit of open files for bblog record; empty: as it is),
# REPLAY_DIR (tests/build/bench-record: the stream, 1.5 GB at the
# defaults), REPLAY_OUT (where the files go, 2.2 GB: /dev/shm/bblog-bench
# when it has room, so that bblog is measured rather than the disk; on
# ext4, creating thousands of files soon after removing thousands costs
# more system time than all the rest), BBLOG (userspace/bblog, built).
# Needs taskset (util-linux) and GNU time (/usr/bin/time).
# Then, with valgrind, the same conversion counted in instructions
# (callgrind: repeatable, whatever the host's load): 100 000 records of 2
# connections in dumps of 5000 (CONTINUAL on a bulk flow), with glibc's
# SSE2 string functions, as in the test VM's CPU (no AVX, no ERMS), read a
# dump at a time as the device gives them (-b: its 20 dumps are of one
# size), so that records are converted where they were read.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
conns=${REPLAY_CONNS:-10000}
recs=${REPLAY_RECORDS:-5000000}
per=${REPLAY_PER_DUMP:-100}
runs=${REPLAY_RUNS:-3}
cpu=${REPLAY_CPU:-1}
nofile=${REPLAY_NOFILE:-}
dir=${REPLAY_DIR:-$top/tests/build/bench-record}
bblog=${BBLOG:-$top/userspace/bblog}
if [ -n "${REPLAY_OUT:-}" ]; then
	out=$REPLAY_OUT
elif [ "$(df -k --output=avail /dev/shm 2>/dev/null | tail -n 1)" -gt $((4 << 20)) ] 2>/dev/null; then
	out=/dev/shm/bblog-bench
else
	out=$dir/out
fi

[ -x /usr/bin/time ] || { echo "bench-record: needs GNU time (apt-get install time)" >&2; exit 1; }
command -v taskset >/dev/null || { echo "bench-record: needs taskset (util-linux)" >&2; exit 1; }
[ -n "${BBLOG:-}" ] || make -s -C "$top/userspace" bblog
mkdir -p "$dir"
cc -O2 -Wall -Wextra -std=c11 -D_GNU_SOURCE -I"$top/uapi" -o "$dir/replay-gen" \
	"$top/bench/replay-gen.c"
raw=$dir/c$conns-n$recs-k$per.raw
if [ ! -s "$raw" ]; then
	rm -f "$dir"/*.raw
	"$dir/replay-gen" -c "$conns" -n "$recs" -k "$per" -o "$raw.tmp"
	mv "$raw.tmp" "$raw"
fi
bytes=$(stat -c %s "$raw")
cat "$raw" > /dev/null		# in the page cache: bblog is measured, not the disk

# one run: "seconds user sys maxrss_kib files out_bytes"
run() {
	local lim=
	rm -rf "$out"
	mkdir -p "$out"
	[ -z "$nofile" ] || lim="ulimit -n $nofile;"
	bash -c "$lim exec taskset -c $cpu /usr/bin/time -f '%e %U %S %M' -o '$dir/time' \
		'$bblog' record -f '$1' -D '$out' --max-size unlimited" 2> "$dir/stderr" ||
		{ cat "$dir/stderr" >&2; echo "bench-record: bblog record failed" >&2; exit 1; }
	echo "$(cat "$dir/time") $(find "$out" -name '*.pcapng' | wc -l) $(du -sb "$out" | cut -f1)"
}

# the RSS of a run with one connection: what the others add is theirs
"$dir/replay-gen" -c 1 -n 100 -k "$per" -o "$dir/one.raw" 2> /dev/null
base_rss=$(run "$dir/one.raw" | cut -d' ' -f4)

: > "$dir/runs"
echo "bblog record: $conns connections, $recs records, $per per dump ($((bytes / 1000000)) MB of stream), CPU $cpu${nofile:+, ulimit -n $nofile}, into $out ($(stat -f -c %T "$(dirname "$out")"))"
for i in $(seq "$runs"); do
	r=$(run "$raw")
	set -- $r
	awk -v s="$1" -v u="$2" -v k="$3" -v rss="$4" -v files="$5" -v ob="$6" \
	    -v recs="$recs" -v bytes="$bytes" -v conns="$conns" -v base="$base_rss" -v i="$i" 'BEGIN {
		printf "run %d: %.2f s (user %.2f sys %.2f): %.0f records/s, %.0f MB/s in, %.0f MB/s out, peak RSS %.1f MiB (%.1f KiB per connection), %d files\n",
			i, s, u, k, recs / s, bytes / s / 1e6, ob / s / 1e6, rss / 1024, (rss - base) / conns, files
	}' | tee -a "$dir/runs"
	[ "$5" = "$conns" ] || echo "bench-record: $5 files for $conns connections" >&2
done
tail -n "$runs" "$dir/runs" | sed 's/.*): \([0-9]*\) records.*/\1/' | sort -n | awk '
	{ v[NR] = $1 }
	END { printf "records/s: min %d, median %d, max %d (spread %.1f%%)\n",
		v[1], v[int((NR + 1) / 2)], v[NR], 100 * (v[NR] - v[1]) / v[int((NR + 1) / 2)] }'
rm -rf "$out"

# Instructions per record converted, user space only (its write() calls
# are the kernel's, not counted).
if ! command -v valgrind > /dev/null; then
	echo "instructions per record: skipped (no valgrind; apt-get install valgrind)"
	exit 0
fi
"$dir/replay-gen" -c 2 -n 100000 -k 5000 -o "$dir/cg.raw" 2> /dev/null
rm -rf "$out"
mkdir -p "$out"
GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX512F,-AVX2,-AVX,-ERMS,-FSRM,-AVX_Fast_Unaligned_Load \
	valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.out" \
	"$bblog" record -b $(($(stat -c %s "$dir/cg.raw") / 20)) -f "$dir/cg.raw" \
	-D "$out" --max-size unlimited 2> "$dir/callgrind.err" ||
	{ cat "$dir/callgrind.err" >&2; echo "bench-record: callgrind failed" >&2; exit 1; }
ir=$(sed -n 's/.*I *refs: *//p' "$dir/callgrind.err" | tr -d ,)
echo "instructions per record (callgrind, 100000 records of 2 connections in dumps of 5000 read one at a time, SSE2 string functions): $((ir / 100000))"
rm -rf "$out" "$dir/cg.raw"
