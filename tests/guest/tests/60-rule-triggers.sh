# Triggers that rules set, for unmodified programs configured with bblog
# alone (busybox wget and httpd, iperf3, bbtest without its logging flags):
# 1. sk-error: a wget to a port where nothing listens is dumped
#    (trigger:sk-error) with its SYN, the reset that refused it and the
#    socket error, once (tcp_disconnect()'s wakeup with no error is not
#    one); a wget that gets its page (busybox httpd) is not dumped.
# 2. retrans=3: iperf3 through a blackhole until one of its connections'
#    retransmission timer fired three times: that connection is dumped
#    (trigger:retrans) from its SYN on, holding at least three
#    retransmissions; iperf3's control connection, logged too, is not.
# 3. syn-retrans on both ends: the client's SYN dropped until retransmitted
#    (the client's connection is dumped at each SYN retransmitted), then the server's SYN-ACK dropped
#    until retransmitted (the server's connection is dumped at its creation,
#    its SYN-ACK retransmissions counted).
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin

# 1. sk-error
W=/tmp/www60
mkdir -p $W
echo "hello from busybox httpd" > $W/index.html
bb_a bblog rule add active dport 5083-5084 mode tail triggers sk-error > /dev/null ||
	die "rule add 1"
bb_bg_b httpd busybox httpd -f -p 5083 -h $W
httpd=$BB_PID
bb_wait_listen b 5083
bb_reader r1
bb_a busybox wget -q -O $BB_DIR/page http://$BB_B4:5083/index.html || die "1: wget"
expect_eq "1: the page" "$(cat $BB_DIR/page)" "hello from busybox httpd"
if bb_a busybox wget -q -O /dev/null http://$BB_B4:5084/ 2> $BB_DIR/w2.err; then
	die "1: wget reached a port where nothing listens"
fi
bb_settle
bb_stop $BB_PID
bb_stop $httpd
bb_parse $BB_DIR/r1.raw $BB_DIR/r1.txt
cat $BB_DIR/w2.err $BB_DIR/r1.txt
# One dump: connect() failing calls tcp_disconnect(), which reports an
# "error" 0 to wake the socket up; that is no error, and no trigger.
expect_eq "1: one dump" "$(bb_ndumps $BB_DIR/r1.txt)" 1
d=$(grep '^dump ' $BB_DIR/r1.txt)
expect_eq "1: the refused connection" "$(bb_get "$d" fport)" 5084
expect_eq "1: reason" "$(bb_get "$d" reason)" trigger:sk-error
expect_eq "1: one error recorded" "$(bb_get "$d" ev_sk_error)" 1
expect_eq "1: owner (wget is an applet)" "$(bb_get "$d" owner_how)/$(bb_get "$d" owner_comm)" 1/busybox
c=$(bb_get "$d" cookie)
bb_records $BB_DIR/r1.raw "$c" > $BB_DIR/c1.recs
cat $BB_DIR/c1.recs
r=$(bb_first_seg $BB_DIR/r1.raw "$c")
expect_eq "1: its SYN" "$(bb_get "$r" evname)/$(bb_get "$r" tflags)" out/S
grep -q ' evname=rst_recv ' $BB_DIR/c1.recs || die "1: no reset received"
expect_eq "1: the error" "$(grep -m1 ' evname=sk_error ' $BB_DIR/c1.recs | bbf err)" -111
bb_a bblog rule flush

# 2. retrans=3
bb_a bblog rule add active dport 5201 mode tail triggers retrans=3 > /dev/null ||
	die "rule add 2"
bb_bg_b iperfs iperf3 -s -p 5201 -1
ips=$BB_PID
bb_wait_listen b 5201
bb_reader r2
bb_bg_a iperfc iperf3 -c $BB_B4 -p 5201 -t 60 -b 2M
ipc=$BB_PID
# the control connection, then the data connection
i=0
until [ "$(bb_a bblog list --json dport 5201 | wc -l)" = 2 ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || die "2: iperf3 did not open its two connections"
	usleep 100000
done
tc -n $BB_A qdisc add dev va root netem loss 100%
bb_wait_retrans a 01 3
tc -n $BB_A qdisc del dev va root
bb_a bblog list --json dport 5201 > $BB_DIR/l2.json
bb_stop $ipc
bb_stop $ips
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r2.raw $BB_DIR/r2.txt
bb_show $BB_DIR/l2.json $BB_DIR/r2.txt
expect_eq "2: iperf3's two connections logged" "$(wc -l < $BB_DIR/l2.json)" 2
expect_eq "2: every dump by the trigger" \
	"$(grep '^dump ' $BB_DIR/r2.txt | bbf reason | sort -u)" trigger:retrans
expect_eq "2: one connection dumped" "$(grep '^dump ' $BB_DIR/r2.txt | bbf cookie | sort -u | wc -l)" 1
d=$(grep -m1 '^dump ' $BB_DIR/r2.txt)
c=$(bb_get "$d" cookie)
expect_eq "2: dumped by its owner's name" "$(bb_get "$d" owner_comm)" iperf3
expect_eq "2: from the beginning" "$(bb_get "$d" first_sn)" 0
expect_num "2: the retransmissions before the dump" "$(bb_get "$d" ev_retrans)" -ge 3
r=$(bb_first_seg $BB_DIR/r2.raw "$c")
expect_eq "2: with the SYN" "$(bb_get "$r" evname)/$(bb_get "$r" tflags)" out/S
bb_a bblog rule flush

# 3. syn-retrans, client then server
bb_a bblog rule add active dport 5085 mode tail triggers syn-retrans > /dev/null ||
	die "rule add 3a"
bb_b bblog rule add passive sport 5086 mode tail triggers syn-retrans > /dev/null ||
	die "rule add 3b"
bb_server srv3a -p 5085 --sink
bb_server srv3b -p 5086 --sink
bb_reader r3
# handshake NAME PORT a|b DEV STATE: a client connects to PORT while
# everything DEV (in that namespace) sends is dropped, until a socket there
# in STATE (02 SYN_SENT, 03 SYN_RECV) retransmitted once.
handshake() {
	local p ns
	[ $3 = a ] && ns=$BB_A || ns=$BB_B
	tc -n $ns qdisc add dev $4 root netem loss 100%
	bb_bg_a $1 bbtest client -a $BB_B4 -p $2 --bytes 1000
	p=$BB_PID
	bb_wait_retrans $3 $5 1
	tc -n $ns qdisc del dev $4 root
	bb_wait $p "client $1"
}
handshake c3a 5085 a va 02
handshake c3b 5086 b vb 03
bb_wait_for $BB_DIR/srv3a.out '^done' 30
bb_wait_for $BB_DIR/srv3b.out '^done' 30
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r3.raw $BB_DIR/r3.txt
cat $BB_DIR/r3.txt
ca=$(bb_cookie $BB_DIR/c3a.out 1)
sb=$(bb_cookie $BB_DIR/srv3b.out 1 accepted)
# one dump per SYN retransmitted: the one dropped, and the one that passed
expect_eq "3: every dump by the trigger" "$(grep '^dump ' $BB_DIR/r3.txt | bbf reason | sort -u)" \
	trigger:syn-retrans
expect_eq "3: the two connections dumped, nothing else" \
	"$(grep '^dump ' $BB_DIR/r3.txt | bbf cookie | sort -u | tr '\n' ' ')" \
	"$(printf '%s\n' $ca $sb | sort -u | tr '\n' ' ')"
bb_records $BB_DIR/r3.raw "$ca" > $BB_DIR/c3a.recs
expect_num "3: client: SYNs sent" "$(grep -c ' evname=out .* tflags=S ' $BB_DIR/c3a.recs)" -ge 2
expect_eq "3: server: one dump" "$(bb_ndumps $BB_DIR/r3.txt "$sb")" 1
d=$(bb_dump $BB_DIR/r3.txt "$sb")
expect_eq "3: server: reason" "$(bb_get "$d" reason)" trigger:syn-retrans
expect_num "3: server: SYN-ACK retransmissions counted" "$(bb_get "$d" ev_synack_retrans)" -ge 1
bb_a bblog rule flush
bb_b bblog rule flush
bb_end
