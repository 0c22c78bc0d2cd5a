# Two readers open at the same time each get every dump, byte for byte.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
bb_sysctl a session_limit 8
bb_server srv -p 5016 -n 3 --echo
bb_reader r1
p1=$BB_PID
bb_reader r2
p2=$BB_PID
bb_a bbtest client -a $BB_B4 -p 5016 -n 3 --mode continual --bytes 100000 --echo --lockstep --chunk 1000 > $BB_DIR/cli.out ||
	{ cat $BB_DIR/cli.out; die "client"; }
bb_settle
bb_stop $p1
bb_stop $p2
bb_parse $BB_DIR/r1.raw $BB_DIR/r1.txt --conn
bb_parse $BB_DIR/r2.raw $BB_DIR/r2.txt --conn
cat $BB_DIR/r1.txt
n=$(bb_ndumps $BB_DIR/r1.txt)
expect_num "dumps read by reader 1" "$n" -ge 6
for i in 1 2 3; do
	c=$(bb_cookie $BB_DIR/cli.out $i)
	grep -q "^conn cookie=$c .* ended=1" $BB_DIR/r1.txt || die "reader 1: connection $i incomplete"
done
cmp $BB_DIR/r1.raw $BB_DIR/r2.raw || die "the two readers got different bytes"
bb_end
