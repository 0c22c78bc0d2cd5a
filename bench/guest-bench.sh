#!/bin/sh
# tcp_bblog benchmark, run inside the test VM:  sh -e /bench/guest-bench.sh
# bench/run.sh boots the VM for it; its lines start with "BBLOG-BENCH: ".
#
# Two network namespaces joined by a veth pair, sender in bba (10.9.0.1),
# receiver in bbb (10.9.0.2).  Configurations, each run BENCH_REPEAT (3)
# times, round robin (every configuration once per pass):
#   iperf3 bulk transfer, BENCH_SECONDS (3) per run, bba -> bbb port 5201:
#   absent       the module is not loaded (the baseline of the group)
#   loaded       loaded, nothing logged
#   other-rule   loaded; a rule in each namespace logs port 6000 (TAIL),
#                which no connection uses: the measured flow is not logged
#   other-conns  as other-rule, and BENCH_IDLE (256) idle connections on port
#                6000 are open, logged at both ends (2 x BENCH_IDLE logged)
#   tail         TAIL on the measured flow: a rule (dport 5201, sender side)
#   continual    CONTINUAL on the flow (same rule, mode continual), and
#                `bblog record -D /tmp/rec` writing its pcapng files
#   continual-raw the same, read by `bblog raw -o /dev/null`: the dumps and
#                the device's reads without the pcapng conversion, so that
#                continual's cost splits into the kernel's and the reader's
#   tcpdump      not loaded; tcpdump -w /tmp/x.pcap -s BENCH_SNAPLEN (128) on
#                the sender's veth: the same flow, as the sender sees it
#   short connections (bbtest crr: connect, 64-byte request, 64-byte
#   response, close; one at a time), BENCH_CRR_SECONDS (3) per run, port 7000:
#   crr-absent   the module is not loaded (the baseline of the group)
#   crr-loaded   loaded, nothing logged
#   crr-tail     every connection of both namespaces logged in TAIL
#                (auto_all=1, auto_ratio=1, auto_mode=1): selection,
#                allocation, records; nothing dumped
#   crr-tailauto the same in TAIL-auto (auto_mode=5): dumped at close, with
#                `bblog record` writing the files
# Then the module's in-kernel microbenchmarks (bench_records, 3 runs;
# bench_rules) and the memory a logged connection and a record take.
# In the bench VM's instruction-counting mode (bench.shift=N on the command
# line) 1 ns of guest time is 2^-N guest instructions.
for arg in $(cat /proc/cmdline); do
	case $arg in
	bench.seconds=*) BENCH_SECONDS=${arg#*=} ;;
	bench.repeat=*) BENCH_REPEAT=${arg#*=} ;;
	bench.crr_seconds=*) BENCH_CRR_SECONDS=${arg#*=} ;;
	bench.mode=*) BENCH_MODE=${arg#*=} ;;
	bench.shift=*) BENCH_SHIFT=${arg#*=} ;;
	bench.configs=*) BENCH_CONFIGS=$(echo "${arg#*=}" | tr , ' ') ;;
	bench.trace=1) set -x ;;
	esac
done
secs=${BENCH_SECONDS:-3}
crr_secs=${BENCH_CRR_SECONDS:-3}
repeat=${BENCH_REPEAT:-3}
snaplen=${BENCH_SNAPLEN:-128}
idle=${BENCH_IDLE:-256}
mode=${BENCH_MODE:-wall}
icount_shift=${BENCH_SHIFT:-}
configs=${BENCH_CONFIGS:-absent loaded other-rule other-conns tail continual continual-raw tcpdump crr-absent crr-loaded crr-tail crr-tailauto}
ko=${BENCH_KO:-/lib/bblog/tcp_bblog.ko}
IP=/usr/sbin/ip
out=/tmp/bench
mkdir -p $out

say() { echo "BBLOG-BENCH: $*"; }
die() { echo "BBLOG-BENCH: FAIL: $*" >&2; exit 1; }	# stderr: also from $(...)

net_up() {
	$IP netns add bba
	$IP netns add bbb
	$IP link add va netns bba type veth peer name vb netns bbb
	$IP -n bba link set lo up
	$IP -n bbb link set lo up
	$IP -n bba addr add 10.9.0.1/24 dev va
	$IP -n bbb addr add 10.9.0.2/24 dev vb
	$IP -n bba link set va up
	$IP -n bbb link set vb up
	# Short connections: ports enough for tens of thousands of them.
	$IP netns exec bba sh -c 'echo "1024 65000" > /proc/sys/net/ipv4/ip_local_port_range'
}

net_down() {
	$IP netns del bba 2>/dev/null || true
	$IP netns del bbb 2>/dev/null || true
}

loaded() { grep -q '^tcp_bblog ' /proc/modules; }
load() { loaded || insmod "$ko" || die "insmod $ko"; }
unload() { if loaded; then rmmod tcp_bblog || die "rmmod"; fi; }

# sysctl NS NAME VALUE
sysctl_set() { $IP netns exec "$1" bbtest sysctl "$2" "$3" > /dev/null || die "sysctl $2=$3 in $1"; }
rule() { local ns=$1; shift; $IP netns exec "$ns" bblog rule add "$@" > /dev/null || die "rule add $* in $ns"; }

# bbstat NAME: a counter of the initial namespace, which counts the whole
# host ("" when the module is not loaded).
bbstat() { cat /proc/sys/net/tcp_bblog/$1 2>/dev/null || true; }
stats() {	# stats FILE: "mean spread_percent min max"
	awk '{ v[NR] = $1; s += $1; if (NR == 1 || $1 < lo) lo = $1; if (NR == 1 || $1 > hi) hi = $1 }
		END { m = s / NR; printf "%.1f %.2f %s %s\n", m, m ? (hi - lo) * 100 / m : 0, lo, hi }' "$1"
}
slab_kb() { awk '$1 == "Slab:" { print $2 }' /proc/meminfo; }

# wait_port NS PORT: until something listens on PORT in NS.
wait_port() {
	local i=0 hex
	hex=$(printf '%04X' "$2")
	while ! $IP netns exec "$1" cat /proc/net/tcp /proc/net/tcp6 | awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }'; do
		i=$((i + 1))
		[ $i -lt 400 ] || die "nothing listens on port $2 in $1"
		usleep 20000
	done
}

# wait_file FILE PATTERN
wait_grep() {
	local i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 400 ] || { cat "$1"; die "no '$2' in $1"; }
		usleep 20000
	done
}

# iperf NAME: one iperf3 run; the receiver's bits per second on stdout.
iperf() {
	$IP netns exec bbb iperf3 -s -1 -p 5201 > $out/$1.srv 2>&1 &
	local srv=$!
	wait_port bbb 5201
	$IP netns exec bba iperf3 -c 10.9.0.2 -p 5201 -t "$secs" -f k > $out/$1.cli 2>&1 ||
		{ cat $out/$1.cli; die "iperf3 client ($1)"; }
	wait $srv || true
	awk '/receiver/ { for (i = 2; i <= NF; i++) if ($i ~ /bits\/sec$/) {
		v = $(i - 1); u = substr($i, 1, 1)
		m = u == "K" ? 1e3 : u == "M" ? 1e6 : u == "G" ? 1e9 : 1
		printf "%.0f\n", v * m } }' $out/$1.cli | tail -n 1
}

# crr NAME: one run of short connections; connections per second on stdout.
crr() {
	$IP netns exec bbb bbtest crr --server -p 7000 > $out/crr.srv 2>&1 &
	local srv=$! r
	wait_port bbb 7000
	r=$($IP netns exec bba bbtest crr -a 10.9.0.2 -p 7000 --seconds "$crr_secs") ||
		{ kill $srv; die "bbtest crr ($1): $r $(cat $out/crr.srv)"; }
	kill $srv 2>/dev/null || true
	wait $srv 2>/dev/null || true
	echo "$r" > $out/$1.crr
	echo "$r" | sed -n 's/.*rate=\([0-9.]*\).*/\1/p'
}

# Wait until the reader $rec (its output in $1) has open what $2 matches.
reader_wait() {
	local i=0
	until ls -l /proc/$rec/fd 2>/dev/null | grep -q "$2"; do
		i=$((i + 1))
		[ $i -lt 400 ] || { cat "$1"; die "the reader did not start"; }
		usleep 20000
	done
}

rec_start() {	# bblog record in the initial namespace: it sees every dump
	rm -rf /tmp/rec
	mkdir -p /tmp/rec
	bblog record -D /tmp/rec --max-size unlimited > $out/rec.out 2>&1 &
	rec=$!
	reader_wait $out/rec.out '/tmp/rec/records$'
}

raw_start() {	# bblog raw: reads every dump, keeps nothing
	bblog raw -o /dev/null > $out/raw.out 2>&1 &
	rec=$!
	reader_wait $out/raw.out 'tcp_bblog'
}

rec_stop() {	# "files bytes" of what bblog record wrote
	local i=0
	# Let it take what is queued (dumps made at close), then stop it.
	while [ "$(bbstat stat_dumps_queued)" != 0 ] && [ $i -lt 100 ]; do
		i=$((i + 1)); usleep 20000
	done
	kill $rec
	wait $rec || { cat $out/rec.out $out/raw.out 2>/dev/null; die "the reader failed"; }
	rec_files=$(ls /tmp/rec 2>/dev/null | grep -c pcapng || true)
	rec_bytes=$(du -sk /tmp/rec 2>/dev/null | awk '{ print $1 * 1024 }')
	rm -rf /tmp/rec
}

# run_config NAME: one run; "VALUE NOTE" in $out/result (NOTE: no blanks).
run_config() {
	local name=$1 v r0 r1 d0 d1 l0 l1 td='' note='' idlec='' idles=''
	rec=
	net_down
	net_up
	case $name in
	absent|tcpdump|crr-absent) unload ;;
	*) load ;;
	esac
	case $name in
	other-rule|other-conns)
		rule bba dport 6000 mode tail
		rule bbb sport 6000 mode tail
		;;
	esac
	case $name in
	other-conns)
		$IP netns exec bbb bbtest server -p 6000 -n "$idle" --sink > $out/idle.srv 2>&1 &
		idles=$!
		wait_port bbb 6000
		rm -f $out/idle.cli	# wait_grep must not read the last run's
		$IP netns exec bba bbtest client -a 10.9.0.2 -p 6000 -n "$idle" --keep > $out/idle.cli 2>&1 &
		idlec=$!
		wait_grep $out/idle.cli keeping
		note="logged_now=$(bbstat stat_conns_active)"
		[ "$note" = "logged_now=$((2 * idle))" ] ||
			{ cat $out/idle.cli; die "other-conns: $note, not $((2 * idle))"; }
		;;
	tail) rule bba dport 5201 mode tail ;;
	continual) rule bba dport 5201 mode continual; rec_start ;;
	continual-raw) rule bba dport 5201 mode continual; raw_start ;;
	crr-tail|crr-tailauto)
		m=1
		[ $name = crr-tailauto ] && m=5
		for ns in bba bbb; do
			sysctl_set $ns auto_all 1
			sysctl_set $ns auto_ratio 1
			sysctl_set $ns auto_mode $m
		done
		[ $name = crr-tail ] || rec_start
		;;
	tcpdump)
		rm -f $out/td.out
		$IP netns exec bba tcpdump -i va -n -s "$snaplen" -Z root -w /tmp/x.pcap tcp > $out/td.out 2>&1 &
		td=$!
		wait_grep $out/td.out 'listening on'
		;;
	esac
	r0=$(bbstat stat_records) d0=$(bbstat stat_dumps) l0=$(bbstat stat_lost_export)
	case $name in
	crr-*) v=$(crr "$name") ;;
	*) v=$(iperf "$name") ;;
	esac
	[ -n "$v" ] || die "$name: no result"
	r1=$(bbstat stat_records) d1=$(bbstat stat_dumps) l1=$(bbstat stat_lost_export)
	if [ -n "$td" ]; then
		kill -INT $td; wait $td || true
		note="pcap_bytes=$(wc -c < /tmp/x.pcap),$(grep 'dropped by kernel' $out/td.out | awk '{ print "kernel_drops=" $1 }')"
		rm -f /tmp/x.pcap
	fi
	[ -n "$idlec" ] && { kill $idlec; wait $idlec || true; wait $idles || true; }
	if [ -n "$rec" ]; then
		rec_stop
		[ $name = continual-raw ] || note="files=$rec_files,file_bytes=$rec_bytes"
	fi
	if [ -n "$r0" ] && [ "$name" != other-rule ] && [ "$name" != other-conns ] &&
	   [ "$name" != loaded ] && [ "$name" != crr-loaded ]; then
		note="records=$((r1 - r0)),dumps=$((d1 - d0)),lost_export=$((l1 - l0))${note:+,$note}"
	fi
	unload	# every logged connection is freed: the next run starts clean
	net_down
	echo "$v ${note:--}" > $out/result
}

say "mode $mode${icount_shift:+ (-icount shift=$icount_shift: one guest instruction is $((1 << icount_shift)) ns of guest time)}, $(nproc) CPU(s), $(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) MiB, kernel $(uname -r)"
say "iperf3 ${secs}s per run, short connections ${crr_secs}s per run, $repeat runs per configuration, round robin"
unload
for name in $configs; do
	: > $out/$name.runs
done
for i in $(seq "$repeat"); do
	for name in $configs; do
		t0=$(date +%s)
		run_config "$name"
		set -- $(cat $out/result)
		echo "$1" >> $out/$name.runs
		echo "$2" > $out/$name.note
		say "pass $i: $name $1 $2 ($(( $(date +%s) - t0 )) s of guest time with set-up)"
	done
done

# The in-kernel cost of one record: bench_records logs events on a test
# socket through the same path as the hooks (lookup, lock, snapshot, ring).
load
: > $out/percall.runs
for i in $(seq "$repeat"); do
	echo 200000 > /sys/module/tcp_bblog/parameters/bench_records || die "bench_records"
	set -- $(cat /sys/module/tcp_bblog/parameters/bench_records)
	echo "$2" >> $out/percall.runs
done
# The cost of the selection rules for one new connection, none matching.
rules=
for n in 1 16 256; do
	echo $n > /sys/module/tcp_bblog/parameters/bench_rules || die "bench_rules $n"
	set -- $(cat /sys/module/tcp_bblog/parameters/bench_rules)
	rules="$rules${rules:+, }$1 rules $2 ns"
done

# Memory, BENCH_REPEAT rounds: the slab growth of BENCH_IDLE connections
# logged at both ends (TAIL, a few records each) over that of as many not
# logged; then of one connection whose ring is full (session_limit records)
# per record charged.  Slab counts whole pages of caches shared with the
# rest of the kernel: expect a few percent of noise.
mem_step() {	# mem_step PORT: open $idle idle connections, keep them
	$IP netns exec bbb bbtest server -p "$1" -n "$idle" --sink > $out/mem$1.srv 2>&1 &
	wait_port bbb "$1"
	rm -f $out/mem$1.cli	# the last round's says "keeping" already
	$IP netns exec bba bbtest client -a 10.9.0.2 -p "$1" -n "$idle" --keep > $out/mem$1.cli 2>&1 &
	memc="$memc $!"
	wait_grep $out/mem$1.cli keeping
	sleep 1
}
: > $out/conn_mem.runs
: > $out/rec_mem.runs
for i in $(seq "$repeat"); do
	unload	# what an earlier round logged is freed
	load
	net_up
	rule bba dport 6000 mode tail
	rule bbb sport 6000 mode tail
	memc=
	sleep 1
	s0=$(slab_kb)
	mem_step 6001
	s1=$(slab_kb)
	c0=$(bbstat stat_conns_active) b0=$(bbstat stat_budget_used)
	mem_step 6000
	s2=$(slab_kb)
	c1=$(bbstat stat_conns_active) b1=$(bbstat stat_budget_used)
	# shellcheck disable=SC2086
	kill $memc; wait
	conns=$((c1 - c0))
	[ "$conns" -gt 0 ] || die "no connection logged for the memory step"
	echo $(( ((s2 - s1) - (s1 - s0)) * 1024 / conns )) >> $out/conn_mem.runs
	conn_budget=$(( (b1 - b0) / conns ))
	# One connection with a full ring.
	$IP netns exec bbb bbtest server -p 6000 -n 1 --sink > $out/memfull.srv 2>&1 &
	wait_port bbb 6000
	sleep 1
	s0=$(slab_kb) b0=$(bbstat stat_budget_used)
	rm -f $out/memfull.cli
	$IP netns exec bba bbtest client -a 10.9.0.2 -p 6000 --bytes 400000000 --keep > $out/memfull.cli 2>&1 &
	fullc=$!
	wait_grep $out/memfull.cli keeping
	sleep 1
	s1=$(slab_kb) b1=$(bbstat stat_budget_used)
	kill $fullc; wait
	held=$((b1 - b0))
	awk -v s=$((s1 - s0)) -v n=$held 'BEGIN { printf "%.0f\n", n ? s * 1024 / n : 0 }' >> $out/rec_mem.runs
	net_down
done
unload

# The table: mean of the runs, their spread (max - min) / mean, the ratio
# to the group's baseline.
echo "BBLOG-BENCH: ----"
say "$(printf '%-13s %-9s %12s %7s %7s  %s' config unit mean spread ratio 'runs; last run: records, dumps, files')"
base_t=0 base_c=0	# the baselines, when they ran (listed first)
for name in $configs; do
	set -- $(stats $out/$name.runs)
	case $name in
	absent) base_t=$1 ;;
	crr-absent) base_c=$1 ;;
	esac
	case $name in crr-*) unit=conn/s base=$base_c ;; *) unit=Mbit/s base=$base_t ;; esac
	runs=$(awk -v u=$unit '{ printf "%s%s", (NR > 1 ? " " : ""), (u == "Mbit/s" ? sprintf("%.1f", $1 / 1e6) : $1) }' $out/$name.runs)
	say "$(awk -v n=$name -v u=$unit -v m="$1" -v sp="$2" -v b="$base" -v r="$runs" -v note="$(cat $out/$name.note)" 'BEGIN {
		mm = u == "Mbit/s" ? m / 1e6 : m
		printf "%-13s %-9s %12.1f %6.2f%% %7s  %s; %s", n, u, mm, sp, (b > 0 ? sprintf("%.4f", m / b) : "-"), r, note }')"
	echo "$1" > $out/$name.mean
done
echo "BBLOG-BENCH: ----"
set -- $(stats $out/percall.runs)
say "record path (bench_records, 200000 records, TAIL ring, test socket): $1 ns per record, spread $2% over $repeat runs"
say "rule matching per new connection (bench_rules, none matching): $rules"
# Cost per record in the flow: the share of the guest's time the logging
# took, over the records stored per second.
for name in tail continual continual-raw; do
	[ -e $out/$name.mean ] && [ -e $out/absent.mean ] || continue
	rs=$(sed -n 's/.*records=\([0-9]*\).*/\1/p' $out/$name.note)
	[ -n "$rs" ] || continue
	say "$(awk -v n=$name -v m="$(cat $out/$name.mean)" -v b="$(cat $out/absent.mean)" -v r="$rs" -v s="$secs" 'BEGIN {
		printf "%s: %.0f records/s stored; the flow paid %.0f ns of guest time per record", n, r / s, (1 - m / b) * 1e9 * s / r }')"
done
# Cost per short connection (both of its ends): the guest time one takes,
# over the baseline's.
for name in crr-loaded crr-tail crr-tailauto; do
	[ -e $out/$name.mean ] && [ -e $out/crr-absent.mean ] || continue
	case $name in
	crr-loaded) what="module loaded, nothing logged" ;;
	crr-tail) what="both ends logged in TAIL" ;;
	crr-tailauto) what="both ends logged in TAIL-auto, dumped at close, bblog record writing" ;;
	esac
	say "$(awk -v m="$(cat $out/$name.mean)" -v b="$(cat $out/crr-absent.mean)" -v w="$what" 'BEGIN {
		printf "short connection, %s: %.0f ns of guest time more per connection (%.0f -> %.0f ns)", w, 1e9 / m - 1e9 / b, 1e9 / b, 1e9 / m }')"
done
set -- $(stats $out/conn_mem.runs)
say "memory per logged connection ($conns logged, TAIL, a few records each, $repeat rounds): $1 bytes of slab, spread $2%; budget charged $conn_budget records (one chunk)"
set -- $(stats $out/rec_mem.runs)
say "memory per record (one connection's full ring, $held records charged, $repeat rounds): $1 bytes of slab, spread $2%"
say "done"
