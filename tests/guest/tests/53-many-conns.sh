# Many connections at once, against a small budget, with churn.  10 000
# logged connections (2 000 on the 6.12 kernel, 500 on the debug kernel)
# are open at the same time between the namespaces, both ends logged
# (TAIL), with global_limit far below what they would hold; while they are
# open, 500 more (100 on debug) come and go in rounds of 50.  The budget is
# never exceeded (sampled while they run), what did not fit is counted in
# lost_nomem, and when they are closed every record is accounted for, no
# connection is left and nothing stays charged.  kmemleak (debug kernel)
# checks that the memory itself came back.
# bblog-timeout: 1200
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

P=/proc/sys/net/tcp_bblog
n=10000 churn=500
case $BBLOG_KERNEL in
debug) n=500 churn=100 ;;
backports) n=2000 ;;
esac
# Each end of a connection takes at least one chunk (some 15 records):
# ten records per connection leaves two thirds of them without one.
limit=$((10 * n))
ulimit -n $((n + 1000))

bb_begin
bb_sysctl both auto_ratio 1
bb_sysctl both auto_all 1
bb_sysctl both closed_retention_ms 0
echo $limit > $P/global_limit
st() { cat $P/stat_$1; }

bb_server srv -p 5053 -n $((n + churn)) --sink --timeout 600
srv=$BB_PID
(
	max=0
	while [ ! -e $BB_DIR/stop ]; do
		u=$(st budget_used)
		[ $u -gt $max ] && max=$u
		echo $max > $BB_DIR/max.tmp && mv $BB_DIR/max.tmp $BB_DIR/max
		usleep 20000
	done
) &
sampler=$!
echo "# start $(cut -d' ' -f1 /proc/uptime)"
bb_bg_a cli bbtest client -a $BB_B4 -p 5053 -n $n --bytes 200 --keep --timeout 600
cli=$BB_PID
bb_wait_for $BB_DIR/cli.out '^keeping' 600
bb_wait_for $BB_DIR/srv.out "^accepted n=$n " 60
echo "# $n open $(cut -d' ' -f1 /proc/uptime): conns_active $(st conns_active)"
[ "$(st conns_active)" -ge $((2 * n)) ] || die "fewer than $((2 * n)) connections logged at once"
i=0
while [ $i -lt $((churn / 50)) ]; do
	bb_a bbtest client -a $BB_B4 -p 5053 -n 50 --bytes 200 --timeout 120 > $BB_DIR/churn.out ||
		{ tail -5 $BB_DIR/churn.out; die "churn round $i"; }
	i=$((i + 1))
done
echo "# churn done $(cut -d' ' -f1 /proc/uptime)"
bb_stop $cli
grep -q '^done failed=0' $BB_DIR/cli.out || { tail -5 $BB_DIR/cli.out; die "client"; }
touch $BB_DIR/stop
wait $sampler || true
bb_wait $srv "server"
bb_settle 300
max=$(cat $BB_DIR/max)
echo "# $n connections and $churn more: records $(st records), lost_nomem $(st lost_nomem), budget_used at most $max of $limit"
# (A passive child that lost the race for its request to a twin is
# created, and discarded: never a connection.)
expect_eq "connections logged" $(( $(st conns) - $(st discarded) )) $((2 * (n + churn)))
[ $max -le $limit ] || die "budget_used reached $max, over global_limit $limit"
[ "$(st lost_nomem)" -gt 0 ] || die "the budget was never short: the test proves nothing"

bb_balance
bb_end
