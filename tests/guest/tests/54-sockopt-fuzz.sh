# The socket options under a fuzzer (bbtest sofuzz, see tests/progs/fuzz.c):
# random valid and invalid BBLOG_SO_* calls from several threads and users
# while connections open, send, reset, disconnect and close, each call's
# errno checked against the documented ones and each value read back
# checked.  Three fuzzers run at once: one in each of the two namespaces,
# connecting to each other across the veth pair and to themselves on
# loopback (Fast Open on), and one in the initial namespace; each changes
# its namespace's sysctls now and then (the one in the initial namespace
# also global_limit and export_limit) and reads the device.  A reader
# drains every dump.  Then every connection is closed and the counters
# must balance.  Then two fuzzers run (half as long) while the module is
# unloaded and loaded again and again under them, and the counters of the
# last load must balance; bb_end unloads the module; the harness fails the
# run on any WARN, BUG, KASAN or lockdep report, or a leak (debug kernel).
#
# The fixed seed is BBLOG_FUZZ_SEED (bblog.fuzz_seed=N), the time
# BBLOG_FUZZ_SECONDS (bblog.fuzz_seconds=N, make fuzz-kernel): by default
# 20 s, 15 s on the debug kernel, and half of it with the module coming
# and going (main.sh gives the test twice that time more).  Before that: without the module every
# option gives ENOPROTOOPT, the sequences the fuzzer found bugs with run
# (sofuzz --scenario), and one thread with the same seed makes the same
# calls twice.
# bblog-timeout: 600
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

P=/proc/sys/net/tcp_bblog
seed=${BBLOG_FUZZ_SEED:-5454}
secs=20
[ "$BBLOG_KERNEL" = debug ] && secs=15
secs=${BBLOG_FUZZ_SECONDS:-$secs}
port=5454

# fuzz_check NAME: the fuzzer's output is in $BB_DIR/NAME.out.
fuzz_check() {
	local f=$BB_DIR/$1.out calls
	grep -q '^done .* failed=0$' $f || { bb_show $f; die "$1: the fuzzer failed"; }
	sed "s/^/# $1: /" $f
	calls=$(grep '^done ' $f | bbf calls)
	expect_num "$1: option calls" "$calls" -ge 200
}

bb_begin noload
bb_bg unloaded bbtest sofuzz --unloaded --seed $seed --seconds 3 --threads 2 --users --device
bb_wait $BB_PID "the fuzzer without the module"
fuzz_check unloaded

bb_load
# What the fuzzer found, as fixed sequences.
bb_a bbtest sofuzz --scenario || die "scenarios"
for i in 1 2; do
	bb_a bbtest sofuzz --seed $seed --threads 1 --iterations 400 > $BB_DIR/det$i.out ||
		{ bb_show $BB_DIR/det$i.out; die "determinism run $i failed"; }
done
expect_eq "one thread, same seed: the same calls" \
	"$(grep '^thread 0 ' $BB_DIR/det1.out)" "$(grep '^thread 0 ' $BB_DIR/det2.out)"

# Closed connections are not kept (the balance waits for them otherwise);
# Fast Open everywhere, without cookies; orphans do not linger.
fuzz_ns_setup='/usr/sbin/ip link set lo up
	echo 519 > /proc/sys/net/ipv4/tcp_fastopen
	echo 5 > /proc/sys/net/ipv4/tcp_fin_timeout
	echo 1 > /proc/sys/net/ipv4/tcp_orphan_retries'
for ns in a b; do
	bb_sysctl $ns closed_retention_ms 0
	bb_$ns sh -c "$fuzz_ns_setup"
done
retention=$(cat $P/closed_retention_ms)
echo 0 > $P/closed_retention_ms
echo "# fuzzing for $secs s from $(cut -d' ' -f1 /proc/uptime) s uptime"
bb_reader r -o /dev/null
rd=$BB_PID
bb_bg_b fzb bbtest sofuzz --seed $((seed + 1)) --seconds $secs --threads 3 --users \
	--sysctls --device --listen $port -a $BB_A4 -p $port -a $BB_A6 -p $port
fb=$BB_PID
bb_bg_a fza bbtest sofuzz --seed $seed --seconds $secs --threads 3 --users \
	--sysctls --device --listen $port -a $BB_B4 -p $port -a $BB_B6 -p $port
fa=$BB_PID
bb_bg fzi bbtest sofuzz --seed $((seed + 2)) --seconds $secs --threads 2 --users --sysctls
fi=$BB_PID
# A rootless container (its own user and network namespaces).
if unshare -Ur true 2> /dev/null; then
	bb_bg fzu unshare -Urn sh -c "$fuzz_ns_setup
		exec bbtest sofuzz --seed $((seed + 3)) --seconds $secs --threads 2 --sysctls --device"
	fu=$BB_PID
else
	echo "# this kernel has no user namespaces: no fuzzer in a container"
fi
# Fuzzers killed in the middle, their namespace deleted at once (sockets in
# every state, templates, IDs, retained connections, dumps queued): rounds
# of a fifth of the time while the others run.
round=0 t0=$(date +%s)
while [ $round = 0 ] || [ $(( $(date +%s) - t0 )) -lt $((secs * 4 / 5)) ]; do
	ip netns add bbfz
	ip netns exec bbfz sh -c "$fuzz_ns_setup"
	ip netns exec bbfz bbtest sofuzz --seed $((seed + 10 + round)) --seconds $secs \
		--threads 2 --users --sysctls --device > $BB_DIR/fzk$round.out 2>&1 &
	k=$!
	sleep $((secs / 5))
	kill -9 $k
	wait $k 2> /dev/null || true
	grep -q '^FAIL' $BB_DIR/fzk$round.out && { bb_show $BB_DIR/fzk$round.out; die "round $round failed"; }
	ip netns del bbfz
	round=$((round + 1))
	echo "# killed round $round done at $(cut -d' ' -f1 /proc/uptime) s uptime"
done
rc=0
wait $fa || rc=$?
wait $fb || rc=$((rc | $?))
wait $fi || rc=$((rc | $?))
[ -n "${fu:-}" ] && { wait $fu || rc=$((rc | $?)); }
BB_PIDS=$(echo " $BB_PIDS " | sed "s/ $fa / /; s/ $fb / /; s/ $fi / /; s/ ${fu:-x} / /")
for n in fza fzb fzi ${fu:+fzu}; do
	fuzz_check $n
done
[ $rc = 0 ] || die "a fuzzer exited with status $rc"

echo "# fuzzers done at $(cut -d' ' -f1 /proc/uptime) s uptime"
bb_settle
echo "# settled at $(cut -d' ' -f1 /proc/uptime) s uptime"
bb_drained
bb_balance
# devread exits 0 on SIGTERM if every read returned whole messages.
kill $rd
bb_wait $rd "the device reader"

# The module goes and comes back under two fuzzers (no reader, so that
# rmmod may succeed): sockets with modes, IDs, templates, children in
# accept queues, retained connections and queued dumps all lose their
# module, and the next one starts afresh.
rsecs=$((secs / 2))
echo "# the module comes and goes for $rsecs s from $(cut -d' ' -f1 /proc/uptime) s uptime"
for ns in a b; do
	fuzz_peer=$BB_B4 fuzz_peer6=$BB_B6 fuzz_seed=$((seed + 20))
	[ $ns = b ] && fuzz_peer=$BB_A4 fuzz_peer6=$BB_A6 fuzz_seed=$((seed + 21))
	bb_bg_$ns fr$ns bbtest sofuzz --seed $fuzz_seed --seconds $rsecs --threads 3 --users \
		--sysctls --module-may-go --listen $((port + 1)) -a $fuzz_peer -p $((port + 1)) \
		-a $fuzz_peer6 -p $((port + 1))
	eval fr$ns=\$BB_PID
done
# Unloads for half of the time (one takes up to half a minute on the debug
# kernel), then the last load logs the rest.
reloads=0 refused=0 t0=$(date +%s)
while [ $(( $(date +%s) - t0 )) -lt $((rsecs / 2)) ]; do
	usleep 500000
	t1=$(cut -d' ' -f1 /proc/uptime)
	if rmmod tcp_bblog 2> /dev/null; then
		t2=$(cut -d' ' -f1 /proc/uptime)
		load_bblog
		bb_sysctl both closed_retention_ms 0
		echo 0 > $P/closed_retention_ms
		reloads=$((reloads + 1))
		echo "# reload $reloads: rmmod from $t1 s to $t2 s, loaded at $(cut -d' ' -f1 /proc/uptime) s"
	else
		refused=$((refused + 1))
	fi
done
wait $fra || true
wait $frb || true
BB_PIDS=$(echo " $BB_PIDS " | sed "s/ $fra / /; s/ $frb / /")
for n in fra frb; do
	fuzz_check $n
done
echo "# the module was unloaded and loaded $reloads times under the fuzzers ($refused rmmod refused: in use)"
expect_num "reloads under the fuzzers" $reloads -ge 1
bb_reader r2 -o /dev/null
rd=$BB_PID
bb_settle
bb_drained
# (the last load may be recent: no minimum of records)
bb_settle_balance
kill $rd
bb_wait $rd "the device reader"
echo $retention > $P/closed_retention_ms
bb_end
