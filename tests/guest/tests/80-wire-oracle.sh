# The wire oracle: tcpdump captures the client's veth while a connection in
# CONTINUAL (set before connect(), so from the SYN) sends 300 KB through a
# 10 ms netem delay; the TCP headers in the client's records (IN and OUT
# events) must be, per direction and in order, exactly the captured ones:
# seq, ack, data offset, flags, window, urgent pointer, every option byte,
# payload length (bbtest wirecmp; only the checksum is not compared), up to
# the socket's destruction (entering TIME_WAIT).
# IPv4 and IPv6.  Segments received on two CPUs at once can pass tcpdump's
# tap and the netfilter hook in different orders (seen here: one ACK four
# places late, a vCPU stalled between the two).  RPS steers everything va
# receives to CPU 0, so both see one order; where RPS cannot be set, windows
# of up to 9 segments holding the same headers in another order are
# accepted (and counted).
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
reorder=0
bb_a sh -c 'echo 1 > /sys/class/net/va/queues/rx-0/rps_cpus' || {
	echo "# RPS not available: reordered windows accepted"
	reorder=8
}
bb_sysctl a session_limit 64
tc -n $BB_B qdisc add dev vb root netem delay 10ms
bb_capture_a va 262144 $BB_DIR/wire.pcap
tcpd=$BB_PID
bb_server srv4 -p 5080 --sink
bb_server srv6 -6 -p 5081 --sink
bb_reader r
bb_a bbtest client -a $BB_B4 -p 5080 --mode continual --bytes 300000 > $BB_DIR/c4.out ||
	{ cat $BB_DIR/c4.out; die "IPv4 client"; }
bb_a bbtest client -6 -a $BB_B6 -p 5081 --mode continual --bytes 300000 > $BB_DIR/c6.out ||
	{ cat $BB_DIR/c6.out; die "IPv6 client"; }
bb_settle
bb_stop $tcpd
bb_stop $BB_PID
cat $BB_DIR/tcpd.out
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt --conn
grep '^conn ' $BB_DIR/r.txt

compare() {	# compare FAMILY OUT
	local c conn
	c=$(bb_cookie $2 1)
	conn=$(grep "^conn cookie=$c " $BB_DIR/r.txt)
	[ -n "$conn" ] || die "IPv$1: no dump of the client connection"
	expect_eq "IPv$1: complete (ended)" "$(bb_get "$conn" ended)" 1
	# Logging ends when the socket is destroyed, which is when it enters
	# TIME_WAIT: the last ACK of the close may reach (or leave) the TIME_WAIT
	# socket after that.  At most two such segments per direction.
	if ! bbtest wirecmp $BB_DIR/r.raw $BB_DIR/wire.pcap --cookie "$c" --tail-ok \
		--reorder $reorder > $BB_DIR/cmp$1.out; then
		cat $BB_DIR/cmp$1.out
		bbtest wirecmp $BB_DIR/r.raw $BB_DIR/wire.pcap --cookie "$c" -v | head -n 300
		die "IPv$1: the records differ from the wire"
	fi
	cat $BB_DIR/cmp$1.out
	echo "# IPv$1: $(grep -c 'in another order' $BB_DIR/cmp$1.out) reordered window(s)"
	tail=$(sed -n 's/^note: [a-z]*: \([0-9]*\) captured segments after the last record.*/\1/p' \
		$BB_DIR/cmp$1.out | sort -n | tail -n 1)
	[ "${tail:-0}" -le 2 ] || die "IPv$1: $tail segments on the wire after the connection's last record"
	expect_num "IPv$1: segments compared" "$(grep result= $BB_DIR/cmp$1.out | bbf compared)" -ge 20
}
compare 4 $BB_DIR/c4.out
compare 6 $BB_DIR/c6.out
bb_end
