# auto_ratio selects exactly every N-th candidate for auto_mode: with
# auto_all=1 every new connection is a candidate (ratio 3 over 9
# connections: 3 logged); with auto_all=0 only connections with a log ID
# are, one draw per new ID bucket (9 new IDs: 3 logged, 9 connections
# without an ID: none).  auto_mode is TAIL_AUTO so the chosen ones are
# dumped at close.  The server's namespace keeps auto_ratio 0.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
bb_sysctl a auto_mode 5
bb_sysctl a auto_all 1
bb_sysctl a auto_ratio 3
bb_server srv -p 5011 -n 27 --sink
bb_reader r
bb_a bbtest client -a $BB_B4 -p 5011 -n 9 --bytes 2000 > $BB_DIR/all.out ||
	{ cat $BB_DIR/all.out; die "client (auto_all=1)"; }
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/all.out $BB_DIR/r.txt
expect_eq "auto_all=1: connections logged of 9" "$(bb_ndumps $BB_DIR/r.txt)" 3
for c in $(bbf cookie < $BB_DIR/r.txt); do
	grep -q "^conn .* cookie=$c " $BB_DIR/all.out || die "dump of cookie $c is not a client connection"
	d=$(bb_dump $BB_DIR/r.txt "$c")
	expect_eq "auto-selected mode" "$(bb_get "$d" mode)" 5
	expect_eq "auto-selected: ended" "$(bb_get "$d" ended)" 1
	expect_eq "auto-selected: BBLOG_DF_AUTO" "$(bb_get "$d" auto)" 1
done
# Every third connection, not any three.
picked=$(for c in $(bbf cookie < $BB_DIR/r.txt); do grep "^conn .* cookie=$c " $BB_DIR/all.out | bbf n; done | sort -n | tr '\n' ' ')
echo "picked connections: $picked"
set -- $picked
[ $(($2 - $1)) = 3 ] && [ $(($3 - $2)) = 3 ] || die "picked connections $picked are not every third"

bb_sysctl a auto_all 0
bb_reader r2
bb_a bbtest client -a $BB_B4 -p 5011 -n 9 --bytes 2000 > $BB_DIR/noid.out ||
	{ cat $BB_DIR/noid.out; die "client (auto_all=0, no ID)"; }
for i in 1 2 3 4 5 6 7 8 9; do
	bb_a bbtest client -a $BB_B4 -p 5011 --id bucket-$i --bytes 2000 >> $BB_DIR/id.out ||
		{ cat $BB_DIR/id.out; die "client (auto_all=0, ID bucket-$i)"; }
done
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r2.raw $BB_DIR/r2.txt
cat $BB_DIR/id.out $BB_DIR/r2.txt
expect_eq "auto_all=0: new ID buckets logged of 9" "$(bb_ndumps $BB_DIR/r2.txt)" 3
for c in $(bbf cookie < $BB_DIR/r2.txt); do
	grep -q "^conn .* cookie=$c " $BB_DIR/id.out || die "auto_all=0: cookie $c has no ID"
	d=$(bb_dump $BB_DIR/r2.txt "$c")
	case $(bb_get "$d" id) in
	bucket-[1-9]) ;;
	*) die "auto_all=0: dump without a bucket ID: $d" ;;
	esac
	expect_eq "auto_all=0: BBLOG_DF_AUTO" "$(bb_get "$d" auto)" 1
done
bb_end
