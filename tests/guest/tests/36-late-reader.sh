# Dumps made while no reader has the device open are kept, and the first
# reader to arrive gets them (unlike FreeBSD, design decision 4).
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
bb_server srv -p 5017 -n 2 --sink
bb_a bbtest client -a $BB_B4 -p 5017 -n 2 --mode tail-auto --bytes 20000 > $BB_DIR/cli.out ||
	{ cat $BB_DIR/cli.out; die "client"; }
bb_settle
bbtest devread --count 2 --timeout 10 -o $BB_DIR/late.raw || die "the late reader did not get 2 dumps"
bb_parse $BB_DIR/late.raw $BB_DIR/late.txt
cat $BB_DIR/late.txt
for i in 1 2; do
	c=$(bb_cookie $BB_DIR/cli.out $i)
	d=$(bb_dump $BB_DIR/late.txt "$c")
	[ -n "$d" ] || die "no dump of connection $i for the late reader"
	expect_eq "connection $i: ended" "$(bb_get "$d" ended)" 1
	expect_eq "connection $i: lost_export" "$(bb_get "$d" lost_export)" 0
done
bb_end
