#!/bin/sh
# tcp_bblog benchmark, run inside the test VM:  sh -e /bench/guest-bench.sh
# TCP bulk throughput with iperf3 over a veth pair between two network
# namespaces, BENCH_SECONDS (5) per run, BENCH_REPEAT (1) round-robin passes
# over the configurations (the kernel command line's bench.seconds= and
# bench.repeat= set them too):
#   not-loaded      the module is not loaded (the baseline)
#   loaded-off      loaded, nothing logged
#   tail-all        TAIL on every connection (auto_ratio=1 auto_all=1 auto_mode=1)
#   continual-all   CONTINUAL on every connection, bbtest devread draining
#                   the device to /dev/null
#   tcpdump         not loaded, tcpdump -w /tmp/x.pcap on the same traffic
#                   (snap length BENCH_SNAPLEN, 128 by default: headers, as
#                   the records keep; 0 = whole packets)
# Prints one line per configuration with its throughput, the ratio to the
# baseline, and for the logging ones the records stored (stat_records,
# host-wide) and, at the end, the in-kernel cost per record measured
# by the module's bench_records parameter.  Lines start with "BBLOG-BENCH: ".
# Needs: /lib/bblog/tcp_bblog.ko, iperf3, tcpdump, bbtest (tests/progs).
for arg in $(cat /proc/cmdline); do
	case $arg in
	bench.seconds=*) BENCH_SECONDS=${arg#*=} ;;
	bench.repeat=*) BENCH_REPEAT=${arg#*=} ;;
	esac
done
secs=${BENCH_SECONDS:-5}
repeat=${BENCH_REPEAT:-1}
snaplen=${BENCH_SNAPLEN:-128}
ko=${BENCH_KO:-/lib/bblog/tcp_bblog.ko}
IP=/usr/sbin/ip
out=/tmp/bench
mkdir -p $out

say() { echo "BBLOG-BENCH: $*"; }
die() { echo "BBLOG-BENCH: FAIL: $*"; exit 1; }

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
}

net_down() {
	$IP netns del bba 2>/dev/null || true
	$IP netns del bbb 2>/dev/null || true
}

loaded() { grep -q '^tcp_bblog ' /proc/modules; }
load() { loaded || insmod "$ko" || die "insmod $ko"; }
unload() { if loaded; then rmmod tcp_bblog || die "rmmod"; fi; }

# sysctl NS NAME VALUE
sysctl_set() { $IP netns exec "$1" bbtest sysctl "$2" "$3" || die "sysctl $2=$3 in $1"; }

# stat_sum NAME: a counter summed over both namespaces ("" if absent).
# The module's counters are host-wide (every namespace shows the same).
stat_sum() {
	$IP netns exec bba cat /proc/sys/net/tcp_bblog/$1 2>/dev/null || true
}

wait_listen() {
	local i=0
	while ! $IP netns exec bbb cat /proc/net/tcp /proc/net/tcp6 | awk '$4 == "0A" && $2 ~ /:1451$/ { f = 1 } END { exit !f }'; do
		i=$((i + 1))
		[ $i -lt 200 ] || die "iperf3 server did not listen"
		usleep 50000
	done
}

# iperf NAME: one iperf3 run; the receiver's bits per second in $out/NAME.bps.
iperf() {
	$IP netns exec bbb iperf3 -s -1 -p 5201 > $out/$1.srv 2>&1 &
	local srv=$!
	wait_listen
	$IP netns exec bba iperf3 -c 10.9.0.2 -p 5201 -t "$secs" -f k > $out/$1.cli 2>&1 ||
		{ cat $out/$1.cli; die "iperf3 client ($1)"; }
	wait $srv || true
	awk '/receiver/ { for (i = 2; i <= NF; i++) if ($i ~ /bits\/sec$/) {
		v = $(i - 1); u = substr($i, 1, 1)
		m = u == "K" ? 1e3 : u == "M" ? 1e6 : u == "G" ? 1e9 : 1
		printf "%.0f\n", v * m } }' $out/$1.cli | tail -n 1 > $out/$1.bps
	[ -s $out/$1.bps ] || { cat $out/$1.cli; die "no receiver line from iperf3 ($1)"; }
}

run_config() {	# run_config NAME: "bps records" in $out/result
	local name=$1 bps r0 r1 rd='' td= i
	net_down
	net_up
	case $name in
	not-loaded|tcpdump) unload ;;
	*) load ;;
	esac
	case $name in
	tail-all|continual-all)
		for ns in bba bbb; do
			sysctl_set $ns auto_ratio 1
			sysctl_set $ns auto_all 1
		done
		m=1
		[ $name = continual-all ] && m=4
		sysctl_set bba auto_mode $m
		sysctl_set bbb auto_mode $m
		;;
	esac
	if [ $name = continual-all ]; then
		rm -f $out/rd.ready
		bbtest devread -o /dev/null --ready $out/rd.ready > $out/rd.out 2>&1 &
		rd=$!
		while [ ! -e $out/rd.ready ]; do usleep 50000; done
	fi
	if [ $name = tcpdump ]; then
		$IP netns exec bba tcpdump -i va -n -s "$snaplen" -Z root -w /tmp/x.pcap tcp > $out/td.out 2>&1 &
		td=$!
		i=0
		while ! grep -q 'listening on' $out/td.out; do
			i=$((i + 1)); [ $i -lt 200 ] || die "tcpdump did not start"; usleep 50000
		done
	fi
	r0=$(stat_sum stat_records)
	iperf "$name"
	bps=$(cat $out/$name.bps)
	r1=$(stat_sum stat_records)
	[ -n "$td" ] && { kill $td; wait $td || true; ls -l /tmp/x.pcap > $out/td.size; rm -f /tmp/x.pcap; }
	[ -n "$rd" ] && { kill $rd; wait $rd || true; }
	recs=-
	[ -n "$r0" ] && [ -n "$r1" ] && recs=$((r1 - r0))
	net_down
	echo "${bps:-0} $recs" > $out/result
}

say "iperf3 over veth, ${secs}s per run, $repeat run(s) per configuration, $(nproc) CPUs, kernel $(uname -r)"
unload
# Round robin: every configuration once per pass, so that drift in the
# emulator's speed hits them all alike.
configs="not-loaded loaded-off tail-all continual-all tcpdump"
for name in $configs; do
	echo 0 > $out/$name.sum
	echo 0 > $out/$name.rsum
done
for i in $(seq "$repeat"); do
	for name in $configs; do
		run_config $name
		set -- $(cat $out/result)
		echo $(( $(cat $out/$name.sum) + $1 )) > $out/$name.sum
		if [ "$2" != - ] && [ "$(cat $out/$name.rsum)" != - ]; then
			echo $(( $(cat $out/$name.rsum) + $2 )) > $out/$name.rsum
		else
			echo - > $out/$name.rsum
		fi
		say "pass $i: $name $(( $1 / 1000000 )) Mbit/s"
	done
done

# The in-kernel cost of one record: bench_records logs events on a test
# socket through the same path as the hooks (lookup, lock, snapshot, ring).
load
echo 200000 > /sys/module/tcp_bblog/parameters/bench_records || die "bench_records"
set -- $(cat /sys/module/tcp_bblog/parameters/bench_records)
percall="$2 ns per record ($1 records, TAIL ring, test socket)"
# The cost of the selection rules for one new connection, none matching.
rules=
for n in 1 16 256; do
	echo $n > /sys/module/tcp_bblog/parameters/bench_rules || die "bench_rules $n"
	set -- $(cat /sys/module/tcp_bblog/parameters/bench_rules)
	rules="$rules${rules:+, }$1 rules $2 ns"
done
unload

base=
printf '%-14s %12s %8s %12s %10s\n' config Mbit/s ratio records rec/s > $out/table
for name in $configs; do
	bps=$(( $(cat $out/$name.sum) / repeat ))
	rsum=$(cat $out/$name.rsum)
	[ -n "$base" ] || base=$bps
	[ "$base" -gt 0 ] || die "the baseline measured no throughput"
	awk -v b=$bps -v base=$base -v n=$name -v r=$rsum -v s=$((secs * repeat)) 'BEGIN {
		if (n == "not-loaded" || n == "tcpdump") r = "-"
		rs = r == "-" ? "-" : sprintf("%.0f", r / s)
		printf "%-14s %12.1f %8.3f %12s %10s\n", n, b / 1e6, b / base, r, rs }' >> $out/table
done
echo "BBLOG-BENCH: ----"
while read -r l; do say "$l"; done < $out/table
say "record path: $percall"
say "rule matching per new connection (none matching): $rules"
[ -e $out/td.size ] && say "tcpdump file: $(awk '{ print $5 }' $out/td.size) bytes (snap length $snaplen)"
say "done"
