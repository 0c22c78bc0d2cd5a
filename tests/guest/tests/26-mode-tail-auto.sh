# TAIL_AUTO: the ring of the newest N records is dumped at close, once,
# marked ended, with the end record last; a short connection that never
# wraps is dumped whole, from the SYN.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh
N=20

bb_begin
bb_sysctl a session_limit $N
bb_server srv -p 5005 -n 2 --echo
bb_reader r
bb_a bbtest client -a $BB_B4 -p 5005 --mode tail-auto --bytes 100000 --echo --lockstep --chunk 1000 --getmode \
	> $BB_DIR/long.out || { cat $BB_DIR/long.out; die "client long"; }
bb_a bbtest client -a $BB_B4 -p 5005 --mode tail-auto --bytes 0 \
	> $BB_DIR/short.out || { cat $BB_DIR/short.out; die "client short"; }
cat $BB_DIR/long.out $BB_DIR/short.out
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/r.txt

cl=$(bb_cookie $BB_DIR/long.out 1)
cs=$(bb_cookie $BB_DIR/short.out 1)
expect_eq "mode read back" "$(grep '^mode n=1 ' $BB_DIR/long.out | bbf value)" 5
expect_eq "dumps in all" "$(bb_ndumps $BB_DIR/r.txt)" 2
d=$(bb_dump $BB_DIR/r.txt "$cl")
[ -n "$d" ] || die "no dump of the long connection at close"
expect_eq "long: ended" "$(bb_get "$d" ended)" 1
expect_eq "long: nrecords" "$(bb_get "$d" nrecords)" $N
expect_eq "long: sn gaps" "$(bb_get "$d" sn_gaps)" 0
expect_num "long: overwritten" "$(bb_get "$d" overwritten)" -gt 0
first=$(bb_get "$d" first_sn) ow=$(bb_get "$d" overwritten) nomem=$(bb_get "$d" lost_nomem)
start=$((first - ow - nomem))
[ $start = 0 ] || [ $start = 1 ] || die "long: first_sn $first, overwritten $ow: the sn gap does not match"
rl=$(bb_records $BB_DIR/r.raw "$cl" | tail -n 1)
expect_eq "long: last record is the end" "$(bb_get "$rl" evname)" connend
# The client shut its side first: an orderly close, this end's FIN first.
expect_eq "long: end reason" "$(bb_get "$rl" arg1)/$(bb_get "$rl" arg2)" 5/0
d=$(bb_dump $BB_DIR/r.txt "$cs")
[ -n "$d" ] || die "no dump of the short connection at close"
expect_eq "short: ended" "$(bb_get "$d" ended)" 1
expect_eq "short: overwritten" "$(bb_get "$d" overwritten)" 0
expect_num "short: nrecords" "$(bb_get "$d" nrecords)" -lt $N
r1=$(bb_first_seg $BB_DIR/r.raw "$cs")
expect_eq "short: first record is the SYN" "$(bb_get "$r1" evname)/$(bb_get "$r1" tflags)" out/S
bb_end
