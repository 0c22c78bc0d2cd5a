# Handshake retransmissions, and the events of a receiving side.
# 1. The client's SYN is dropped (netem loss 100% on its veth) until its
#    retransmission timer has fired: its dump holds two SYNs sent, a
#    RETRANS record for the SYN's sequence number, the timer's expiry (RTO,
#    then CA_STATE Open -> Loss) and the SOCKOPT record of the mode it set.
# 2. The server's SYN-ACK is dropped until its request socket retransmitted
#    it: the child socket, logged by auto_ratio on the server, starts with a
#    SYNACK_RETRANS record counting them.  The child then receives 1 MB and
#    reads it: receive-buffer tuning leaves RCVBUF records, each with the
#    buffer size it grew to.
# (The neighbour entries are permanent, see bb_net_up: with ARP lost too,
# the SYN would wait in the neighbour queue, and Linux does not retransmit a
# segment still queued in the host: TCPSpuriousRtxHostQueues.)
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
bb_server srv -p 5018 -n 2 --sink
bb_reader r

# 1. SYN retransmission on the active side.
tc -n $BB_A qdisc add dev va root netem loss 100%
bb_bg_a c1 bbtest client -a $BB_B4 -p 5018 --mode tail-auto --bytes 1000 --timeout 60
p1=$BB_PID
bb_wait_retrans a 02
tc -n $BB_A qdisc del dev va root
bb_wait $p1 "client 1"
cat $BB_DIR/c1.out

# 2. SYN-ACK retransmission on the passive side, then 1 MB received.
bb_sysctl b auto_mode 5
bb_sysctl b auto_all 1
bb_sysctl b auto_ratio 1
tc -n $BB_B qdisc add dev vb root netem loss 100%
bb_bg_a c2 bbtest client -a $BB_B4 -p 5018 --bytes 1000000 --timeout 60
p2=$BB_PID
bb_wait_retrans b 03
tc -n $BB_B qdisc del dev vb root
bb_wait $p2 "client 2"
cat $BB_DIR/c2.out
bb_wait_for $BB_DIR/srv.out '^done' 30
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/srv.out $BB_DIR/r.txt

c1=$(bb_cookie $BB_DIR/c1.out 1)
d=$(bb_dump $BB_DIR/r.txt "$c1")
[ -n "$d" ] || die "no dump of client 1"
bb_records $BB_DIR/r.raw "$c1" > $BB_DIR/c1.recs
syns=$(grep ' evname=out ' $BB_DIR/c1.recs | grep -c ' tflags=S ' || true)
expect_num "client 1: SYNs sent" "$syns" -ge 2
iss=$(grep ' evname=out ' $BB_DIR/c1.recs | grep ' tflags=S ' | head -n 1 | bbf seq_no)
rs=$(grep ' evname=retrans ' $BB_DIR/c1.recs | head -n 1)
[ -n "$rs" ] || die "client 1: no RETRANS record for the SYN"
expect_eq "client 1: RETRANS of the SYN's sequence number" "$(bb_get "$rs" arg1)" "$iss"
# The mode was set before connect(): a SOCKOPT record.  The SYN's timer
# expired: an RTO record, right before CA state Open -> Loss
# (TCP_CA_Loss = 4) which the timer caused.
expect_num "client 1: SOCKOPT records" "$(bb_get "$d" ev_sockopt)" -ge 1
expect_num "client 1: RTO records" "$(bb_get "$d" ev_rto)" -ge 1
if ! lacks ca-state; then
	loss=$(grep ' evname=ca_state ' $BB_DIR/c1.recs | grep -c ' arg1=0 arg2=4 ' || true)
	expect_num "client 1: CA_STATE Open -> Loss" "$loss" -ge 1
	expect_eq "client 1: the event before entering Loss" \
		"$(grep -B1 ' evname=ca_state .* arg1=0 arg2=4 ' $BB_DIR/c1.recs | head -n 1 | bbf evname)" rto
fi

s2=$(bb_cookie $BB_DIR/srv.out 2 accepted)
d=$(bb_dump $BB_DIR/r.txt "$s2")
[ -n "$d" ] || die "no dump of the server's second connection (auto_ratio)"
expect_eq "server child: ended" "$(bb_get "$d" ended)" 1
bb_records $BB_DIR/r.raw "$s2" > $BB_DIR/s2.recs
sa=$(grep ' evname=synack_retrans ' $BB_DIR/s2.recs | head -n 1)
[ -n "$sa" ] || die "server child: no SYNACK_RETRANS record"
expect_num "server child: SYN-ACK retransmissions counted" "$(bb_get "$sa" arg1)" -ge 1
expect_num "server child: RCVBUF records" "$(bb_get "$d" ev_rcvbuf)" -ge 1
# Each RCVBUF record holds the new sk_rcvbuf: they differ one from the next.
awk '/ evname=rcvbuf / { for (i = 1; i <= NF; i++) if ($i ~ /^arg1=/) v = substr($i, 6)
	if (v == last) { print "repeated rcvbuf " v; exit 1 } last = v }' $BB_DIR/s2.recs ||
	die "server child: an RCVBUF record without a change"
bb_end
