# The export queue is bounded (net.tcp_bblog.export_limit, in records).
# Without a reader, dumps beyond the limit are dropped oldest first and the
# first reader finds one BBLOG_MSG_LOST in their place whose totals match
# stat_export_dropped and stat_lost_export.  With a reader that never reads
# next to one that does, the queue stays within the limit, the working
# reader accounts for every dump (received or reported lost), and logging
# goes on.  Accounting identity: dump_records = delivered + lost records.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

st() { cat /proc/sys/net/tcp_bblog/stat_$1; }
LIMIT=150

bb_begin
echo $LIMIT > /proc/sys/net/tcp_bblog/export_limit
expect_eq "export_limit" "$(cat /proc/sys/net/tcp_bblog/export_limit)" $LIMIT
bb_a sh -c "echo 5 > /proc/sys/net/tcp_bblog/export_limit" 2>/dev/null &&
	die "export_limit written from a child namespace"

# 1. No reader: 6 connections of >= 40 records each, dumped at close.
bb_server srv -p 5042 -n 6 --echo
bb_a bbtest client -a $BB_B4 -p 5042 -n 6 --mode tail-auto --echo --lockstep \
	--chunk 1000 --bytes 20000 > $BB_DIR/cli.out || { cat $BB_DIR/cli.out; die "client"; }
bb_settle
dumps=$(st dumps) recs=$(st dump_records)
dropped=$(st export_dropped) lost=$(st lost_export)
echo "# no reader: dumps=$dumps records=$recs dropped=$dropped lost=$lost queued=$(st dump_records_queued)"
expect_num "dumps made" "$dumps" -eq 6
expect_num "dumps dropped" "$dropped" -ge 2
expect_num "records queued" "$(st dump_records_queued)" -le $LIMIT
bbtest devread -n -o $BB_DIR/late.raw > /dev/null || die "late reader"
bb_parse $BB_DIR/late.raw $BB_DIR/late.txt
cat $BB_DIR/late.txt | grep -v '^rec '
l=$(grep '^lost ' $BB_DIR/late.txt)
[ -n "$l" ] || die "the late reader got no LOST message"
expect_eq "LOST messages (merged)" "$(bb_get "$l" msgs)" 1
expect_eq "LOST dumps = stat_export_dropped" "$(bb_get "$l" dumps)" "$dropped"
expect_eq "LOST records = stat_lost_export" "$(bb_get "$l" records)" "$lost"
got=$(bb_ndumps $BB_DIR/late.txt)
expect_eq "dumps read + dumps lost" $((got + dropped)) 6
got_recs=$(grep '^dump ' $BB_DIR/late.txt | bbf nrecords | awk '{ s += $1 } END { print s + 0 }')
expect_eq "records read + records lost = dump_records" $((got_recs + lost)) "$recs"
expect_num "queue empty after the reader" "$(st dumps_queued)" -eq 0
expect_num "queued records after the reader" "$(st dump_records_queued)" -eq 0

# 2. A reader that never reads next to one that does.
bb_bg stuck sh -c 'exec sleep 600 < /dev/tcp_bblog'
stuck=$BB_PID
bb_reader rd
rd=$BB_PID
d0=$(st dumps) r0=$(st dump_records)
bb_server srv2 -p 5043 -n 8 --echo
bb_a bbtest client -a $BB_B4 -p 5043 -n 8 --mode tail-auto --echo --lockstep \
	--chunk 1000 --bytes 20000 > $BB_DIR/cli2.out || { cat $BB_DIR/cli2.out; die "client 2"; }
bb_settle
expect_num "records queued with a stuck reader" "$(st dump_records_queued)" -le $LIMIT
# Once the stuck reader is gone, what is queued waits for the working one.
bb_stop $stuck
bb_drained
bb_stop $rd
bb_parse $BB_DIR/rd.raw $BB_DIR/rd.txt
n2=$(bb_ndumps $BB_DIR/rd.txt)
l2=$(grep '^lost ' $BB_DIR/rd.txt | bbf dumps)
echo "# stuck reader: the working reader read $n2 dumps, ${l2:-0} reported lost"
expect_eq "working reader: dumps read + lost" $((n2 + ${l2:-0})) $(( $(st dumps) - d0 ))
expect_eq "records made = read + lost (2)" \
	$(( $(grep '^dump ' $BB_DIR/rd.txt | bbf nrecords | awk '{ s += $1 } END { print s + 0 }') + \
	    $(grep '^lost ' $BB_DIR/rd.txt | bbf records | awk '{ s += $1 } END { print s + 0 }') )) \
	$(( $(st dump_records) - r0 ))
bb_end
