# A connection that gives its 4-tuple up while its socket stays open (here
# it is reset by the peer; also connect(AF_UNSPEC) or a failed connect) is
# no longer found by that tuple.  A later connection on the same tuple, of
# the same or another user, gets its own incoming segments, and none go
# into the first one's records.  (The first used to keep the tuple until
# its socket was destroyed: the later connection's headers went into its
# ring, readable without privilege with BBLOG_SO_BUF, and the later one
# lost them.)
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
bb_server srv -p 5036 -n 2 --sink --reset 1
bb_reader r
# A: reset by the server after its first read; keeps its socket open.
bb_bg_a ca bbtest client -a $BB_B4 -p 5036 --mode tail-auto --bytes 1000 --keep
pa=$BB_PID
bb_wait_for $BB_DIR/ca.out '^keeping' 20
port=$(grep '^conn n=1 ' $BB_DIR/ca.out | bbf lport)
hex=$(printf '%04X' "$port")
i=0
while bb_a cat /proc/net/tcp | awk -v p=":$hex" 'substr($2, length($2) - 4) == p { f = 1 } END { exit !f }'; do
	i=$((i + 1))
	[ $i -lt 200 ] || die "client A still holds port $port after 20 s"
	usleep 100000
done
# B: the same local port, so the same 4-tuple.
bb_a bbtest client -a $BB_B4 -p 5036 --bind-port "$port" --mode tail-auto --bytes 20000 \
	> $BB_DIR/cb.out || { cat $BB_DIR/cb.out; die "client B"; }
kill $pa
bb_wait $pa "client A"
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/ca.out $BB_DIR/cb.out $BB_DIR/r.txt

ca=$(bb_cookie $BB_DIR/ca.out 1)
cb=$(bb_cookie $BB_DIR/cb.out 1)
expect_eq "B: the same local port as A" "$(grep '^conn n=1 ' $BB_DIR/cb.out | bbf lport)" "$port"
bb_records $BB_DIR/r.raw "$ca" > $BB_DIR/a.recs
bb_records $BB_DIR/r.raw "$cb" > $BB_DIR/b.recs
grep -q ' evname=rst_recv ' $BB_DIR/a.recs || die "A: no reset received"
n=$(awk '/ evname=rst_recv / { f = 1; next } f && / evname=in / { n++ } END { print n + 0 }' \
	$BB_DIR/a.recs)
expect_eq "A: segments recorded after its reset (B's)" "$n" 0
expect_num "B: its own incoming segments while established" \
	"$(grep ' evname=in ' $BB_DIR/b.recs | grep -c ' state=1 ' || true)" -ge 3
expect_eq "connections kept from their tuple" "$(cat /proc/sys/net/tcp_bblog/stat_unkeyed)" 0
bb_end
