# bblog record end to end: while `bblog record` reads the device, three
# IPv4 connections share a log ID in ring mode and are dumped by ID, and an
# IPv6 connection in continual mode is dumped at close.  bblog writes one
# pcapng per connection and a records index; the files and the raw device
# stream (read by a second, concurrent reader) go to the host, where
# tests/host/50-bblog-record.sh checks them with tshark.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh
ID=req-77
out=/tmp/export/50-bblog-record

bb_begin
bb_sysctl a closed_retention_ms 60000
rm -rf $out
mkdir -p $out/rec
bb_record_start $out/rec
rec=$BB_PID
bb_reader raw

bb_server srv4 -p 5020 -n 3 --sink
bb_server srv6 -6 -p 5021 -n 1 --sink
bb_a bbtest client -a $BB_B4 -p 5020 -n 3 --mode tail --id $ID --tag demo \
	--bytes 30000 --close-first 1 --dumpid error-seen > $BB_DIR/cli4.out ||
	{ cat $BB_DIR/cli4.out; die "IPv4 client"; }
bb_a bbtest client -6 -a $BB_B6 -p 5021 --mode continual --bytes 30000 \
	> $BB_DIR/cli6.out || { cat $BB_DIR/cli6.out; die "IPv6 client"; }
cat $BB_DIR/cli4.out $BB_DIR/cli6.out
bb_settle
bb_stop $rec
cat $BB_DIR/rec.out
bb_stop $BB_PID
cp $BB_DIR/raw.raw $out/raw.bin
cp $BB_DIR/cli4.out $BB_DIR/cli6.out $out/

ls -l $out/rec
expect_eq "pcapng files" "$(ls $out/rec/*.pcapng | wc -l)" 4
expect_eq "records index lines" "$(wc -l < $out/rec/records)" 4
expect_eq "files named after the ID" "$(ls $out/rec/ | grep -c "^${ID}_")" 3
bblog show $(ls $out/rec/*.pcapng | head -n 1) > $BB_DIR/show.txt || die "bblog show"
head -n 5 $BB_DIR/show.txt
[ "$(wc -l < $BB_DIR/show.txt)" -gt 10 ] || die "bblog show printed little"
bb_end
