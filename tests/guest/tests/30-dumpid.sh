# Log IDs: three connections share an ID (and its tag); the first one is
# closed, then BBLOG_SO_DUMPID on the last one dumps all three (the closed
# one is retained for closed_retention_ms): three dumps, same reason, id
# and tag, BBLOG_DF_ENDED on the closed one only; BBLOG_SO_ID_CNT is 3.
# Connections without the ID (the server's) are not dumped.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh
ID=req-42 TAG=user7

bb_begin
bb_sysctl a closed_retention_ms 60000
bb_server srv -p 5010 -n 3 --sink
bb_reader r
bb_a bbtest client -a $BB_B4 -p 5010 -n 3 --mode tail --id $ID --tag $TAG \
	--bytes 20000 --close-first 1 --idcnt --dumpid error-seen \
	> $BB_DIR/cli.out || { cat $BB_DIR/cli.out; die "client"; }
cat $BB_DIR/cli.out
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/r.txt

expect_eq "ID_CNT on connection 2" "$(grep '^idcnt n=2 ' $BB_DIR/cli.out | bbf value)" 3
expect_eq "ID_CNT on connection 3" "$(grep '^idcnt n=3 ' $BB_DIR/cli.out | bbf value)" 3
expect_eq "dumps" "$(bb_ndumps $BB_DIR/r.txt)" 3
for n in 1 2 3; do
	c=$(bb_cookie $BB_DIR/cli.out $n)
	expect_eq "connection $n: dumps" "$(bb_ndumps $BB_DIR/r.txt "$c")" 1
	d=$(bb_dump $BB_DIR/r.txt "$c")
	expect_eq "connection $n: reason" "$(bb_get "$d" reason)" error-seen
	expect_eq "connection $n: id" "$(bb_get "$d" id)" $ID
	expect_eq "connection $n: tag" "$(bb_get "$d" tag)" $TAG
	expect_num "connection $n: nrecords" "$(bb_get "$d" nrecords)" -ge 5
	if [ $n = 1 ]; then
		expect_eq "connection 1 (closed): ended" "$(bb_get "$d" ended)" 1
	else
		expect_eq "connection $n (open): ended" "$(bb_get "$d" ended)" 0
	fi
done
bb_end
