# TAIL at the session_limit boundary: a connection with many more events
# than session_limit keeps the newest N (consecutive serial numbers, the
# gap before the first one equal to the overwritten count), is dumped only
# on request (BBLOG_SO_DUMP, reason kept), not at close.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh
N=20

bb_begin
bb_sysctl a session_limit $N
expect_eq "session_limit" "$(bb_a bbtest sysctl session_limit)" $N
bb_server srv -p 5001 --echo
bb_reader r
bb_a bbtest client -a $BB_B4 -p 5001 --mode tail --bytes 100000 --echo --lockstep --chunk 1000 --getmode \
	--dump tail-test > $BB_DIR/cli.out || { cat $BB_DIR/cli.out; die "client"; }
cat $BB_DIR/cli.out
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt --conn
cat $BB_DIR/r.txt

c=$(bb_cookie $BB_DIR/cli.out 1)
expect_eq "mode read back" "$(grep '^mode n=1 ' $BB_DIR/cli.out | bbf value)" 1
expect_eq "dumps (one on request, none at close)" "$(bb_ndumps $BB_DIR/r.txt)" 1
d=$(bb_dump $BB_DIR/r.txt "$c")
[ -n "$d" ] || die "no dump of the client connection (cookie $c)"
expect_eq "reason" "$(bb_get "$d" reason)" tail-test
expect_eq "mode at dump" "$(bb_get "$d" mode)" 1
expect_eq "mode set by the socket option, not auto_ratio" "$(bb_get "$d" auto)" 0
expect_eq "ended" "$(bb_get "$d" ended)" 0
expect_eq "seq" "$(bb_get "$d" seq)" 0
expect_eq "nrecords" "$(bb_get "$d" nrecords)" $N
expect_eq "sn gaps inside the ring" "$(bb_get "$d" sn_gaps)" 0
first=$(bb_get "$d" first_sn) last=$(bb_get "$d" last_sn)
ow=$(bb_get "$d" overwritten) nomem=$(bb_get "$d" lost_nomem)
expect_num "last_sn - first_sn + 1" $((last - first + 1)) -eq $N
expect_num "overwritten" "$ow" -gt 0
expect_eq "lost_limit" "$(bb_get "$d" lost_limit)" 0
# sn counts every event: the records before the ring's oldest were
# overwritten (or not stored for lack of memory).  sn starts at 0 or 1.
start=$((first - ow - nomem))
[ $start = 0 ] || [ $start = 1 ] || die "first_sn $first, overwritten $ow, lost_nomem $nomem: the sn gap does not match"
bb_end
