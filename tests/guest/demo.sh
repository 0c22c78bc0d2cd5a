# make demo, inside the VM.  Three requests of one user share the log ID
# req-42 in ring mode; the server resets the second one; once the client
# has seen the error, every connection of its ID is dumped (bblog dump: the
# closed ones are kept for that); `bblog record` writes one pcapng per
# connection, which go back to the host.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh
out=/tmp/export/demo

say() { echo "\$ $*"; }

bb_begin
say "insmod tcp_bblog.ko; ls -l /dev/tcp_bblog"
ls -l /dev/tcp_bblog
say "sysctl net.tcp_bblog"
grep . /proc/sys/net/tcp_bblog/* | grep -v stat_ | sed 's|/proc/sys/net/tcp_bblog/|net.tcp_bblog.|'

mkdir -p $out
say "bblog record -D $out &"
bb_record_start $out
rec=$BB_PID

say "server on 10.9.0.2:8080 (resets the 2nd request); client: 3 requests, BBLOG_SO_ID=req-42, BBLOG_SO_MODE=tail"
bb_server srv -p 8080 -n 3 --sink --reset 2
bb_a bbtest client -a $BB_B4 -p 8080 -n 3 --mode tail --id req-42 --tag user-7 \
	--bytes 50000 > $BB_DIR/cli.out || true
grep -E '^(conn|reset|error)' $BB_DIR/cli.out
bb_settle
say "bblog dump --id req-42 --reason \"request failed: reset\""
bb_a bblog dump --id req-42 --reason "request failed: reset"
bb_drained
bb_stop $rec

say "ls $out"
ls $out
say "cat $out/records"
cat $out/records
for f in $out/*.pcapng; do
	say "bblog show $(basename $f) | head -n 12"
	bblog show $f | head -n 12
done
bb_end
