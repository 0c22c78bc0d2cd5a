# HEAD at the session_limit boundary: the first N events are kept (from the
# SYN, no gap), later ones are counted in lost_limit and the mode turns to
# OFF; nothing is dumped automatically, BBLOG_SO_DUMP gets the head.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh
N=20

bb_begin
bb_sysctl a session_limit $N
bb_server srv -p 5002 --echo
bb_reader r
bb_a bbtest client -a $BB_B4 -p 5002 --mode head --bytes 100000 --echo --lockstep --chunk 1000 --getmode \
	--dump head-test > $BB_DIR/cli.out || { cat $BB_DIR/cli.out; die "client"; }
cat $BB_DIR/cli.out
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/r.txt

c=$(bb_cookie $BB_DIR/cli.out 1)
expect_eq "mode after the head is full" "$(grep '^mode n=1 ' $BB_DIR/cli.out | bbf value)" 0
expect_eq "dumps (on request only)" "$(bb_ndumps $BB_DIR/r.txt)" 1
d=$(bb_dump $BB_DIR/r.txt "$c")
[ -n "$d" ] || die "no dump of the client connection (cookie $c)"
expect_eq "reason" "$(bb_get "$d" reason)" head-test
expect_eq "nrecords" "$(bb_get "$d" nrecords)" $N
expect_eq "sn gaps" "$(bb_get "$d" sn_gaps)" 0
expect_eq "overwritten" "$(bb_get "$d" overwritten)" 0
expect_num "lost_limit" "$(bb_get "$d" lost_limit)" -gt 0
expect_eq "mode at dump" "$(bb_get "$d" mode)" 0
first=$(bb_get "$d" first_sn)
[ "$first" = 0 ] || [ "$first" = 1 ] || die "first_sn $first: the head does not start at the first event"
# The head starts with the SYN (the mode was set before connect()).
r1=$(bb_first_seg $BB_DIR/r.raw "$c")
echo "$r1"
expect_eq "first record event" "$(bb_get "$r1" evname)" out
expect_eq "first record TCP flags" "$(bb_get "$r1" tflags)" S
bb_end
