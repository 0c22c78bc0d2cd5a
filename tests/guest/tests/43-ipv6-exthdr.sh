# IPv6 segments behind an extension header are recorded: the client sets a
# Destination Options header (IPV6_DSTOPTS) on its socket, so every segment
# it sends carries one.  Its OUT records and the server's IN records hold
# the TCP header of every data segment, as with plain IPv6 (hooks that
# looked at the fixed header's next header only recorded none of them).
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
bb_server srv -6 -p 5044 -n 1 --echo --mode tail-auto --listener
bb_reader r
bb_a bbtest client -6 -a $BB_B6 -p 5044 --mode tail-auto --dstopts --echo --lockstep \
	--chunk 1000 --bytes 20000 > $BB_DIR/cli.out || { cat $BB_DIR/cli.out; die "client"; }
bb_settle
bb_drained
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cc=$(bb_cookie $BB_DIR/cli.out 1)
expect_num "dumps" "$(bb_ndumps $BB_DIR/r.txt)" -eq 2
sc=$(grep '^dump ' $BB_DIR/r.txt | bbf cookie | grep -v "^$cc\$")
# 20 chunks of 1000 bytes, each one segment each way (lockstep echo).
out=$(bb_records $BB_DIR/r.raw "$cc" | grep ' evname=out ' | grep -v ' th_len=0 ' |
	awk '/ payload_len=1000 / { n++ } END { print n + 0 }')
in=$(bb_records $BB_DIR/r.raw "$sc" | grep ' evname=in ' | grep -v ' th_len=0 ' |
	awk '/ payload_len=1000 / { n++ } END { print n + 0 }')
echo "# client OUT data segments: $out, server IN data segments: $in"
expect_num "client: OUT records of data segments with an extension header" "$out" -eq 20
expect_num "server: IN records of data segments with an extension header" "$in" -eq 20
# Events the kprobe core skipped are counted; none are skipped here.
expect_eq "stat_kprobe_missed" "$(cat /proc/sys/net/tcp_bblog/stat_kprobe_missed)" 0
bb_end
