# Init unwind: the load fails at each hook in turn (test builds' fail_hook
# parameter: every tracepoint, then the netfilter hooks) while iperf3 runs
# between the namespaces, so the probes already registered are running when
# the load unwinds.  Each failed load must leave nothing behind (no device,
# no sysctls, the module not loaded), the transfer must not be disturbed,
# the harness fails the run on any WARN, BUG, oops or KASAN report, and
# after every failure point the module loads and records a connection.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin noload
bb_bg_b iperfs iperf3 -s -p 5201
bb_wait_listen b 5201
# Longer than the test may run (300 s): it ends only when stopped below.
bb_bg_a iperfc iperf3 -c $BB_B4 -p 5201 -t 600 -P 2
pc=$BB_PID
sleep 1

n=1
while [ $n -le 40 ]; do
	if insmod /lib/bblog/tcp_bblog.ko fail_hook=$n 2>/dev/null; then
		BB_LOADED=1
		break
	fi
	grep -q '^tcp_bblog ' /proc/modules && die "fail_hook=$n: module left loaded"
	[ ! -e /dev/tcp_bblog ] || die "fail_hook=$n: device left behind"
	[ ! -e /proc/sys/net/tcp_bblog ] || die "fail_hook=$n: sysctls left behind"
	n=$((n + 1))
done
[ $BB_LOADED = 1 ] || die "the load failed for every fail_hook up to 40"
# Hooks 1..n-2 are tracepoints, n-1 the netfilter hooks: at least the
# five tracepoints every supported kernel has.
[ $n -ge 7 ] || die "the load succeeded at fail_hook=$n: fault injection missing?"
echo "# $((n - 1)) failure points unwound under load"
kill -0 $pc 2>/dev/null || { cat $BB_DIR/iperfc.out $BB_DIR/iperfs.out; die "iperf3 client failed during the loads"; }
bb_stop $pc

bb_sysctl a auto_ratio 1
bb_sysctl a auto_all 1
bb_sysctl a auto_mode 1
bb_server srv -p 5018 -n 1 --sink
bb_a bbtest client -a $BB_B4 -p 5018 -n 1 --bytes 20000 > /dev/null
recs=$(cat /proc/sys/net/tcp_bblog/stat_records)
[ "$recs" -gt 0 ] || die "nothing recorded after the failed loads"
dmesg | grep -E 'BUG:|WARNING:|Oops|KASAN' && die "kernel complained"
bb_end
