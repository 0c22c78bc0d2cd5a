# CONTINUAL: a connection is dumped each time session_limit records are
# stored and at close: seq 0, 1, 2, ... with no serial number missing
# between or inside the dumps, every dump but the last one full, the last
# one marked ended and holding the end record; nothing lost.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh
N=16

bb_begin
bb_sysctl a session_limit $N
bb_server srv -p 5004 --echo
bb_reader r
bb_a bbtest client -a $BB_B4 -p 5004 --mode continual --bytes 100000 --echo --lockstep --chunk 1000 \
	> $BB_DIR/cli.out || { cat $BB_DIR/cli.out; die "client"; }
cat $BB_DIR/cli.out
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt --conn
cat $BB_DIR/r.txt

c=$(bb_cookie $BB_DIR/cli.out 1)
n=$(bb_ndumps $BB_DIR/r.txt "$c")
expect_num "dumps of the connection" "$n" -ge 3
conn=$(grep "^conn cookie=$c " $BB_DIR/r.txt)
want=$(awk -v n=$n 'BEGIN { s = "0"; for (i = 1; i < n; i++) s = s "," i; print s }')
expect_eq "dump seq numbers" "$(bb_get "$conn" seqs)" "$want"
expect_eq "sn gaps in and between dumps" "$(bb_get "$conn" sn_gaps)" 0
expect_eq "ended" "$(bb_get "$conn" ended)" 1
first=$(bb_get "$conn" first_sn) last=$(bb_get "$conn" last_sn)
[ "$first" = 0 ] || [ "$first" = 1 ] || die "first_sn $first: the start is missing"
expect_eq "records = serial numbers" "$(bb_get "$conn" records)" $((last - first + 1))
i=0
grep "^dump .* cookie=$c " $BB_DIR/r.txt | while read -r d; do
	i=$((i + 1))
	expect_eq "dump $i: lost" "$(bb_get "$d" lost_nomem)/$(bb_get "$d" lost_limit)/$(bb_get "$d" overwritten)/$(bb_get "$d" lost_export)" 0/0/0/0
	expect_eq "dump $i: mode" "$(bb_get "$d" mode)" 4
	if [ $i -lt $n ]; then
		expect_eq "dump $i: full" "$(bb_get "$d" nrecords)" $N
		expect_eq "dump $i: not ended" "$(bb_get "$d" ended)" 0
		[ "$(bb_get "$d" prev_gap)" = -1 ] || expect_eq "dump $i: gap" "$(bb_get "$d" prev_gap)" 0
	else
		expect_eq "last dump: ended" "$(bb_get "$d" ended)" 1
		expect_eq "last dump: end record" "$(bb_get "$d" ev_end)" 1
		expect_num "last dump: nrecords" "$(bb_get "$d" nrecords)" -le $N
	fi
done
r1=$(bb_first_seg $BB_DIR/r.raw "$c")
expect_eq "first record is the SYN" "$(bb_get "$r1" evname)/$(bb_get "$r1" tflags)" out/S
rl=$(bb_records $BB_DIR/r.raw "$c" | tail -n 1)
expect_eq "last record is the end" "$(bb_get "$rl" evname)" connend
bb_end
