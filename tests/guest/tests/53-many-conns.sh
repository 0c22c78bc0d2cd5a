# Many connections at once, against a small budget.  2 000 logged
# connections (500 on the debug kernel) are open at the same time between
# the namespaces, both ends logged (TAIL), with global_limit far below what
# they would hold.  The budget is never exceeded (sampled while they run),
# what did not fit is counted in lost_nomem, and when they are closed every
# record is accounted for (stored = dumped + overwritten + purged + freed
# undumped), no connection is left and nothing stays charged.  kmemleak
# (debug kernel) checks that the memory itself came back.  Under TCG
# 2 000 take 30 s; 10 000 did not finish in 300 s (bbtest server polls
# every connection each time round).
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

P=/proc/sys/net/tcp_bblog
n=2000
[ "$BBLOG_KERNEL" = debug ] && n=500
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

bb_server srv -p 5053 -n $n --sink --timeout 600
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
bb_a bbtest client -a $BB_B4 -p 5053 -n $n --bytes 200 --timeout 600 > $BB_DIR/cli.out ||
	{ tail -5 $BB_DIR/cli.out; die "client"; }
echo "# client done $(cut -d' ' -f1 /proc/uptime)"
touch $BB_DIR/stop
wait $sampler || true
bb_wait $srv "server"
bb_settle 120
max=$(cat $BB_DIR/max)
echo "# $n connections: records $(st records), lost_nomem $(st lost_nomem), budget_used at most $max of $limit"
expect_eq "connections logged" "$(st conns)" $((2 * n))
[ $max -le $limit ] || die "budget_used reached $max, over global_limit $limit"
[ "$(st lost_nomem)" -gt 0 ] || die "the budget was never short: the test proves nothing"

bb_balance
bb_end
