# HEAD_AUTO: a long connection is dumped when its head (N records) is full,
# and nothing beyond the head is ever exported; a short connection that
# never fills the head is dumped at close with all of its events, from the
# SYN to the end record.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh
N=40

bb_begin
bb_sysctl a session_limit $N
bb_server srv -p 5003 -n 2 --echo
bb_reader r
bb_a bbtest client -a $BB_B4 -p 5003 --mode head-auto --bytes 100000 --echo --lockstep --chunk 1000 \
	> $BB_DIR/long.out || { cat $BB_DIR/long.out; die "client long"; }
bb_a bbtest client -a $BB_B4 -p 5003 --mode head-auto --bytes 0 \
	> $BB_DIR/short.out || { cat $BB_DIR/short.out; die "client short"; }
cat $BB_DIR/long.out $BB_DIR/short.out
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt --conn
cat $BB_DIR/r.txt

cl=$(bb_cookie $BB_DIR/long.out 1)
cs=$(bb_cookie $BB_DIR/short.out 1)
# Long: dumped when full (seq 0, N records from the first event).
d=$(bb_dump $BB_DIR/r.txt "$cl" 0)
[ -n "$d" ] || die "no dump of the long connection when its head was full"
expect_eq "long: nrecords of the full head" "$(bb_get "$d" nrecords)" $N
expect_eq "long: sn gaps" "$(bb_get "$d" sn_gaps)" 0
first=$(bb_get "$d" first_sn)
[ "$first" = 0 ] || [ "$first" = 1 ] || die "long: first_sn $first"
conn=$(grep "^conn cookie=$cl " $BB_DIR/r.txt)
expect_eq "long: records exported in all" "$(bb_get "$conn" records)" $N
nl=$(bb_ndumps $BB_DIR/r.txt "$cl")
# The contract does not say whether a head already dumped when full is
# dumped (empty) again at close: one dump, or a second one without records.
[ "$nl" = 1 ] || [ "$nl" = 2 ] || die "long: $nl dumps"
# Short: one dump at close, everything from the SYN to the end.
expect_eq "short: dumps" "$(bb_ndumps $BB_DIR/r.txt "$cs")" 1
d=$(bb_dump $BB_DIR/r.txt "$cs")
expect_eq "short: ended" "$(bb_get "$d" ended)" 1
expect_eq "short: lost_limit" "$(bb_get "$d" lost_limit)" 0
expect_eq "short: sn gaps" "$(bb_get "$d" sn_gaps)" 0
expect_num "short: nrecords" "$(bb_get "$d" nrecords)" -lt $N
expect_num "short: nrecords" "$(bb_get "$d" nrecords)" -ge 6
expect_eq "short: end records" "$(bb_get "$d" ev_end)" 1
r1=$(bb_first_seg $BB_DIR/r.raw "$cs")
expect_eq "short: first record is the SYN" "$(bb_get "$r1" evname)/$(bb_get "$r1" tflags)" out/S
bb_end
