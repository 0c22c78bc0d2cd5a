# Load and unload cycles under load: 50 (20 on 6.12, 10 on the debug
# kernel; about 4 s each on the stock kernel under TCG).  iperf3
# runs between the namespaces the whole time (its connections predate each
# load, so the hooks see them and log nothing).  Each cycle loads the
# module and logs every new connection (CONTINUAL on a's side, so dumps
# flow, TAIL_AUTO on b's); starts two logged connections from a to b that
# are still sending when the module goes; opens readers of three kinds
# (one that reads in 100-byte pieces and is killed, with SIGKILL every
# other cycle, in the middle of its stream; one that never reads; one that
# drains); creates a namespace with logged loopback connections and deletes
# it while their dumps may still be queued; then unloads.  The logged
# transfers must finish undisturbed, and the harness fails the run on any
# WARN, BUG, oops, KASAN or lockdep report, or a leak (debug kernel).
# At the end, on one more cycle with every connection closed, the counters
# must balance: every record stored was dumped, overwritten, purged or
# freed undumped, nothing is left charged to the budget, no connection is
# left.
# bblog-timeout: 1800
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

P=/proc/sys/net/tcp_bblog
cycles=50
[ "$BBLOG_KERNEL" = backports ] && cycles=20
[ "$BBLOG_KERNEL" = debug ] && cycles=10

# bb_wait_listen_ns NS PORT: like bb_wait_listen, in a named namespace.
bb_wait_listen_ns() {
	local i=0
	while ! ip netns exec $1 cat /proc/net/tcp | awk -v p=$(printf '%04X' $2) \
		'$2 ~ ":" p "$" && $4 == "0A" { f = 1 } END { exit !f }'; do
		i=$((i + 1))
		[ $i -lt 200 ] || die "nothing listens on port $2 in $1"
		usleep 50000
	done
}

# Logging settings for a cycle (they go with the module).
configure() {
	bb_sysctl both auto_ratio 1
	bb_sysctl both auto_all 1
	bb_sysctl a auto_mode 4
	bb_sysctl b auto_mode 5
	bb_sysctl a session_limit 64
}

cycle() {
	local n=$1 slow never drain cli srv
	bb_load
	configure
	# A fifth of a second of data per connection, 1000 bytes every 10 ms;
	# then both stay open (logged, established) until after the unload.
	bb_bg_a cli$n bbtest client -a $BB_B4 -p 5054 -n 2 --bytes 20000 --chunk 1000 \
		--pause-ms 10 --keep --timeout 600
	cli=$BB_PID
	bbtest devread -o /dev/null --bufsize 100 > /dev/null 2>&1 &
	slow=$!
	sleep 1000 < /dev/tcp_bblog &
	never=$!
	bbtest devread -o /dev/null > /dev/null 2>&1 &
	drain=$!
	ip netns add bbc$n
	ip -n bbc$n link set lo up
	ip netns exec bbc$n bbtest sysctl auto_ratio 1 > /dev/null
	ip netns exec bbc$n bbtest sysctl auto_all 1 > /dev/null
	ip netns exec bbc$n bbtest sysctl auto_mode 5 > /dev/null
	ip netns exec bbc$n bbtest server -p 5052 -n 2 --sink > $BB_DIR/c.out &
	srv=$!
	bb_wait_listen_ns bbc$n 5052
	ip netns exec bbc$n bbtest client -a 127.0.0.1 -p 5052 -n 2 --bytes 20000 > /dev/null ||
		die "cycle $n: loopback client"
	wait $srv || die "cycle $n: loopback server"
	ip netns del bbc$n
	if [ $((n % 2)) = 0 ]; then kill -9 $slow; else kill $slow; fi
	kill $never $drain
	wait $slow $never $drain 2> /dev/null || true
	bb_wait_for $BB_DIR/cli$n.out '^keeping' 600
	rmmod tcp_bblog || die "cycle $n: rmmod failed"
	BB_LOADED=0
	# SIGTERM: the client closes both connections and reports.
	kill $cli
	bb_wait $cli "cycle $n: the logged connections"
	grep -q '^done failed=0' $BB_DIR/cli$n.out || die "cycle $n: client: $(tail -n 1 $BB_DIR/cli$n.out)"
}

bb_begin noload
bb_bg_b iperfs iperf3 -s -p 5201
ps=$BB_PID
bb_wait_listen b 5201
# Longer than the test may run: it ends only when stopped below.  Two
# streams of 10 Mbit/s: segments pass the hooks all the time without
# leaving the guest no CPU time for the cycles themselves (TCG).
bb_bg_a iperfc iperf3 -c $BB_B4 -p 5201 -t 3600 -P 2 -b 10M
pc=$BB_PID
bb_server srv -p 5054 -n $((2 * cycles + 2)) --sink --timeout 1800
srv=$BB_PID

n=1
while [ $n -le $cycles ]; do
	cycle $n
	echo "# cycle $n done ($(cut -d' ' -f1 /proc/uptime) s uptime)"
	kill -0 $pc 2> /dev/null || { cat $BB_DIR/iperfc.out; die "iperf3 client died in cycle $n"; }
	n=$((n + 1))
done
echo "# $cycles load/unload cycles under load ($(cut -d' ' -f1 /proc/uptime) s uptime)"
[ -z "$(ls /var/run/netns 2> /dev/null | grep '^bbc')" ] || die "namespaces left behind"
bb_stop $pc
bb_stop $ps

# The balance: one more cycle, with every connection closed at the end.
bb_load
configure
bb_sysctl both closed_retention_ms 0
bb_reader r -o /dev/null
rd=$BB_PID
bb_a bbtest client -a $BB_B4 -p 5054 -n 2 --bytes 2000000 > /dev/null || die "last client"
bb_wait $srv "server"
bb_settle
bb_drained
bb_balance
expect_eq "records lost for want of memory" "$(cat $P/stat_lost_nomem)" 0
bb_stop $rd
bb_end
