# Segments that reach LOCAL_IN on one CPU while, on another, a passive
# connection is being made from its handshake's ACK (CI on 07cc7a6: in
# 61's second case one segment the server received was not recorded).
# Two windows: the connection was filed under its 4-tuple as soon as it
# had its peer's address (an event in tcp_v4_syn_recv_sock()), before it
# took its handshake, so data arriving then was recorded ahead of the ACK
# that made the connection; and between taking the handshake and being
# filed, a segment found neither.  Now a passive connection is filed when
# it takes its handshake, before the handshake leaves the table, under its
# lock; LOCAL_IN looks for the connection again when it finds no handshake.
#
# The test build's hs_take_delay_ms holds the connection right after the
# take.  RPS on the client's interface receives the SYN-ACK on CPU 0, so
# the handshake's ACK is sent, and the connection made, there; the client,
# pinned to CPU 1, sends its data 300 ms later, received on CPU 1 while
# CPU 0 waits.  tcpdump at the server says which attempts raced: the data
# arrived during the wait and was acknowledged after it.  At least one
# must have; every one must match the capture, in order (the ACK passed
# LOCAL_IN long before the data: no other order is true).  (The debug
# kernel's VM has one CPU.)
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

[ "$(nproc)" -ge 2 ] || skip "one CPU: nothing to race with"
DELAY=/sys/module/tcp_bblog/parameters/hs_take_delay_ms
WAIT_MS=1200
N=6
bb_begin
[ -w $DELAY ] || die "not a test build of the module: no $DELAY"
bb_a sh -c 'echo 1 > /sys/class/net/va/queues/rx-0/rps_cpus' || die "RPS on va"
bb_reader r
reader=$BB_PID
bb_bg_b tcpd tcpdump -i vb -n -U -s 128 -w $BB_DIR/srv.pcap tcp portrange 5101-5109
tcpd=$BB_PID
bb_wait_for $BB_DIR/tcpd.out 'listening on' 20
echo $WAIT_MS > $DELAY
# this shell too (it starts the data): CPU 0 is busy waiting
taskset -p 2 $$ > /dev/null || die "taskset"
for i in $(seq $N); do
	bb_server srv$i -p 510$i --sink --listener --mode tail-auto --id race-$i
	# the data 300 ms after connect() returned: the handshake's ACK has
	# long passed LOCAL_IN, the connection holds its handshake
	bb_bg_a c$i taskset 2 bbtest client -a $BB_B4 -p 510$i --bytes 1000 \
		--start-wait $BB_DIR/go$i
	c=$BB_PID
	bb_wait_for $BB_DIR/c$i.out '^conn n=1 ' 30
	usleep 300000
	touch $BB_DIR/go$i
	bb_wait $c "client $i"
	bb_wait_for $BB_DIR/srv$i.out '^done' 30
done
echo 0 > $DELAY
bb_settle
bb_stop $tcpd
bb_stop $reader
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
tcpdump -r $BB_DIR/srv.pcap -tt -nn 2>/dev/null > $BB_DIR/srv.txt
cat $BB_DIR/srv.txt

raced=0
for i in $(seq $N); do
	s=$(bb_cookie $BB_DIR/srv$i.out 1 accepted)
	bb_records $BB_DIR/r.raw $s
	bbtest wirecmp $BB_DIR/r.raw $BB_DIR/srv.pcap --cookie $s -v ||
		die "$i: the records differ from tcpdump's capture at the server"
	bb_expect_passive_start "$i: the first records" $BB_DIR/r.raw $s
	# the handshake's ACK, the data, the server's ACK of it (seconds)
	t=$(awk -v p=".510$i" '
		index($3 ":", p ":") || index($5, p ":") {
			to = index($5, p ":") > 0
			if (to && !a && $0 ~ /Flags \[\.\]/ && $NF == "0") a = $1
			else if (to && !d && $NF == "1000") d = $1
			else if (!to && d && !k && $0 ~ /Flags \[\.\]/) k = $1
		}
		END { if (a && d && k) printf "%d %d\n", (d - a) * 1000, (k - a) * 1000 }' \
		$BB_DIR/srv.txt)
	[ -n "$t" ] || die "$i: no handshake ACK, data and ACK of it in the capture"
	echo "# $i: data $(echo $t | cut -d ' ' -f 1) ms after the handshake's ACK, acknowledged after $(echo $t | cut -d ' ' -f 2) ms"
	set -- $t
	if [ "$1" -lt $((WAIT_MS * 5 / 6)) ] && [ "$2" -ge $((WAIT_MS * 9 / 10)) ]; then
		raced=$((raced + 1))
	fi
done
expect_num "attempts whose data arrived while the connection took its handshake" $raced -ge 1
bb_end
