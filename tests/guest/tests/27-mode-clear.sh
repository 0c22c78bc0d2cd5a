# CLEAR frees a connection's records and turns logging off; OFF stops
# logging but keeps the records (BBLOG_SO_BUF still returns them); a
# connection left in TAIL returns its records, and BUF is destructive.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
bb_sysctl a session_limit 200
bb_server srv -p 5006 -n 3 --sink
bb_a bbtest client -a $BB_B4 -p 5006 --mode tail --bytes 20000 --mode-after clear \
	--getmode --buf $BB_DIR/clear.buf > $BB_DIR/clear.out || { cat $BB_DIR/clear.out; die "client clear"; }
bb_a bbtest client -a $BB_B4 -p 5006 --mode tail --bytes 20000 --mode-after off \
	--getmode --buf $BB_DIR/off.buf > $BB_DIR/off.out || { cat $BB_DIR/off.out; die "client off"; }
bb_a bbtest client -a $BB_B4 -p 5006 --mode tail --bytes 20000 \
	--buf $BB_DIR/tail.buf --buf $BB_DIR/tail2.buf > $BB_DIR/tail.out || { cat $BB_DIR/tail.out; die "client tail"; }
cat $BB_DIR/clear.out $BB_DIR/off.out $BB_DIR/tail.out

expect_eq "mode after CLEAR" "$(grep '^mode n=1 ' $BB_DIR/clear.out | bbf value)" 0
expect_eq "BUF bytes after CLEAR" "$(grep '^buf n=1 k=1 ' $BB_DIR/clear.out | bbf bytes)" 0
expect_eq "mode after OFF" "$(grep '^mode n=1 ' $BB_DIR/off.out | bbf value)" 0
expect_num "BUF records after OFF" "$(grep '^buf n=1 k=1 ' $BB_DIR/off.out | bbf records)" -ge 5
bbtest parse --buf $BB_DIR/off.buf || die "BUF output after OFF is not a record array"
expect_num "BUF records in TAIL" "$(grep '^buf n=1 k=1 ' $BB_DIR/tail.out | bbf records)" -ge 5
b=$(bbtest parse --buf $BB_DIR/tail.buf) || die "BUF output in TAIL is not a record array"
echo "$b"
expect_eq "BUF in TAIL: no sn gaps" "$(echo "$b" | grep '^buf ' | bbf sn_gaps)" 0
# BUF is a destructive read: the second one returns only newer records.
b2=$(grep '^buf n=1 k=2 ' $BB_DIR/tail.out)
l1=$(grep '^buf n=1 k=1 ' $BB_DIR/tail.out | bbf last_sn)
if [ "$(bb_get "$b2" records)" != 0 ]; then
	expect_num "second BUF starts after the first" "$(bb_get "$b2" first_sn)" -gt "$l1"
fi
bb_end
