# A full accept queue (issue 8 §1): the server's listener (backlog 2, a
# server that does not accept yet) holds three connections when the
# client's first segments after its SYN arrive, and the kernel drops them
# (ListenOverflows, ListenDrops: the oracle that it happened).  The
# listener's template selects its connections (tail-auto).
# 1. tcp_abort_on_overflow 0: the request ignores the segment and sends
#    its SYN-ACK again until tcp_synack_retries (lowered to 1 once a segment
#    was dropped, so that it gives up at its next timer); the handshake is dumped by
#    itself ("handshake failed"): the SYN, every SYN-ACK the server sent
#    (TCPSynRetrans counts the copies), every segment the overflow dropped
#    (as many as ListenOverflows counted), its end by timeout;
# 2. the same until the server accepts: the next segment makes the
#    connection, whose history starts with the SYN and every SYN-ACK, and
#    has the segments dropped before it;
# 3. tcp_abort_on_overflow 1: the server resets the handshake at the first
#    segment (EmbryonicRsts), the client's connection is reset; the
#    handshake is dumped by itself, SYN to end: that segment, the listener's
#    reset (sent from the control socket: a record without a header) and
#    the end "reset sent".
# 4. a SYN that finds the accept queue full is dropped before any request
#    socket exists (ListenOverflows), and so are the client's copies of it
#    (tcp_syn_retries 1): the handshake has every SYN and ends when the
#    listener closes, dumped by itself (BBLOG_END_LISTEN_OVERFLOW, a cookie
#    of the module's: bit 63).
# The client's last ACK is held back by its nftables output filter until
# the queue is full (its SYN has to find room: see 4); then the client
# sends 100 bytes at once (its ACKs to the SYN-ACKs sent again would come
# only with the request's timer, 1, 3, 7, 15 s... after its SYN).
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

P=/proc/sys/net/tcp_bblog
# tcpext NAME: the TcpExt counter NAME of the server's namespace.
tcpext() {
	bb_b awk -v f="$1" '$1 == "TcpExt:" {
		if (!h) { for (i = 2; i <= NF; i++) n[i] = $i; h = 1; next }
		for (i = 2; i <= NF; i++) if (n[i] == f) print $i }' /proc/net/netstat
}
# wait_counter NAME ABOVE: until TcpExt NAME is above ABOVE.
wait_counter() {
	local i=0
	until [ "$(tcpext "$1")" -gt "$2" ]; do
		i=$((i + 1))
		[ $i -lt 600 ] || die "TcpExt $1 still $(tcpext "$1") after 60 s"
		usleep 100000
	done
}
# in_b ST PORT: a socket of the server's namespace in state ST (hex) with
# local port PORT; its fifth column (tx_queue:rx_queue) is printed.
in_b() {
	bb_b awk -v st="$1" -v p=":$(printf '%04X' "$2")" \
		'$4 == st && substr($2, length($2) - 4) == p { print $5; f = 1 } END { exit !f }' \
		/proc/net/tcp
}
# wait_acceptq PORT N: until the listener on PORT has N connections queued
# (a listener's rx_queue is its accept queue).
wait_acceptq() {
	local i=0
	until [ "$(in_b 0A "$1" | sed 's/.*://')" = "$(printf '%08X' "$2")" ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || die "port $1: the accept queue is not $2: $(in_b 0A "$1")"
		usleep 100000
	done
}
# wait_req_gone PORT: until no request socket (SYN_RECV) has port PORT.
wait_req_gone() {
	local i=0
	while in_b 03 "$1" > /dev/null; do
		i=$((i + 1))
		[ $i -lt 600 ] || die "port $1: the request is still there after 60 s"
		usleep 100000
	done
}
# overflow N: server srvN on port 514N (backlog 2, accepts once
# $BB_DIR/goN exists) with two connections queued; client tN (port 4114N)
# connected, its last ACK held; a third connection queued: full.  Then the
# filter goes, and tN sends its data.
overflow() {
	local port=514$1 cport=4114$1
	bb_server srv$1 -p $port -n $2 --sink --backlog 2 --accept-wait $BB_DIR/go$1 \
		--listener --mode tail-auto --id ov-$1
	bb_bg_a f$1a bbtest client -a $BB_B4 -p $port -n 2 --keep
	clients="$clients $BB_PID"
	bb_wait_for $BB_DIR/f$1a.out '^keeping' 30
	wait_acceptq $port 2
	bb_a nft -f - <<NFT || die "$1: nftables filter"
table inet ov {
	chain out {
		type filter hook output priority 0;
		tcp dport $port tcp sport $cport tcp flags & (syn | rst) == 0 drop
	}
}
NFT
	bb_bg_a t$1 bbtest client -a $BB_B4 -p $port --bind-port $cport --bytes 100 \
		--start-wait $BB_DIR/send$1
	eval "t$1=\$BB_PID"
	bb_wait_for $BB_DIR/t$1.out '^conn ' 30
	in_b 03 $port > /dev/null || die "$1: no request socket"
	bb_bg_a f$1b bbtest client -a $BB_B4 -p $port --keep
	clients="$clients $BB_PID"
	bb_wait_for $BB_DIR/f$1b.out '^keeping' 30
	wait_acceptq $port 3
	bb_a nft delete table inet ov
	touch $BB_DIR/send$1
}

clients=
bb_begin
# No SYN cookies: every connection here has a request socket.  A request
# sends its SYN-ACK again 1, 3, 7, 15, 31 and 63 s after the first: it is
# still there when the client's data come (the debug kernel takes several
# seconds to fill the queue); 1 gives up at its next timer after that.
bb_b sh -c 'echo 0 > /proc/sys/net/ipv4/tcp_syncookies'
bb_b sh -c 'echo 6 > /proc/sys/net/ipv4/tcp_synack_retries'
bb_b sh -c 'echo 0 > /proc/sys/net/ipv4/tcp_abort_on_overflow'
h0=$(cat $P/stat_handshakes)
f0=$(cat $P/stat_handshakes_failed)
bb_reader r
rd=$BB_PID

# 1. every segment dropped, until the request gives up
o0=$(tcpext ListenOverflows) d0=$(tcpext ListenDrops) s0=$(tcpext TCPSynRetrans)
overflow 1 3
wait_counter ListenOverflows "$o0"
bb_b sh -c 'echo 1 > /proc/sys/net/ipv4/tcp_synack_retries'
wait_req_gone 5141
bb_b sh -c 'echo 6 > /proc/sys/net/ipv4/tcp_synack_retries'
o1=$(tcpext ListenOverflows) d1=$(tcpext ListenDrops) s1=$(tcpext TCPSynRetrans)
o0_1=$o0
sa1=$((s1 - s0 + 1))
echo "# 1: ListenOverflows +$((o1 - o0)), ListenDrops +$((d1 - d0)), SYN-ACKs $sa1"
expect_num "1: ListenDrops counts each overflow" $((d1 - d0)) -ge $((o1 - o0))
expect_num "1: SYN-ACKs sent" $sa1 -ge 2

# 2. a segment dropped, then the server accepts: the next makes the child
o0=$o1 s0=$s1
overflow 2 4
wait_counter ListenOverflows "$o0"
touch $BB_DIR/go2
bb_wait_for $BB_DIR/srv2.out '^accepted n=4 ' 60
s2=$(tcpext TCPSynRetrans)
sa2=$((s2 - s0 + 1))
o2=$(tcpext ListenOverflows)
o0_2=$o0
echo "# 2: ListenOverflows +$((o2 - o0)), SYN-ACKs $sa2"
expect_eq "2: the connection made at last" "$(grep '^accepted n=4 ' $BB_DIR/srv2.out | bbf fport)" 41142

# 3. tcp_abort_on_overflow 1: the data are answered by a reset
o0=$o2 s0=$s2 e0=$(tcpext EmbryonicRsts)
bb_b sh -c 'echo 1 > /proc/sys/net/ipv4/tcp_abort_on_overflow'
overflow 3 3
wait_counter EmbryonicRsts "$e0"
wait_req_gone 5143
s3=$(tcpext TCPSynRetrans)
sa3=$((s3 - s0 + 1))
o3=$(tcpext ListenOverflows)
expect_eq "3: ListenOverflows" $((o3 - o0)) 1
expect_eq "3: EmbryonicRsts" $(( $(tcpext EmbryonicRsts) - e0 )) 1
echo "# 3: SYN-ACKs $sa3"
bb_b sh -c 'echo 0 > /proc/sys/net/ipv4/tcp_abort_on_overflow'

# 4. a SYN that finds the accept queue full, and the copies the client sends
o0_4=$(tcpext ListenOverflows)
bb_server srv4 -p 5144 -n 3 --sink --backlog 2 --accept-wait $BB_DIR/go4 \
	--listener --mode tail-auto --id ov-4
bb_bg_a f4a bbtest client -a $BB_B4 -p 5144 -n 3 --keep
clients="$clients $BB_PID"
bb_wait_for $BB_DIR/f4a.out '^keeping' 30
wait_acceptq 5144 3
bb_a sysctl -qw net.ipv4.tcp_syn_retries=1
bb_a bbtest client -a $BB_B4 -p 5144 --bind-port 41144 > $BB_DIR/t4.out 2>&1 &&
	die "4: the client connected"
bb_a sysctl -qw net.ipv4.tcp_syn_retries=6
cat $BB_DIR/t4.out
o4=$(tcpext ListenOverflows)
echo "# 4: ListenOverflows +$((o4 - o0_4))"

# The end: the clients close, the servers accept what is queued and close.
# Client t1's data, sent again, finds no request any more: reset.
touch $BB_DIR/go1 $BB_DIR/go3 $BB_DIR/go4
for p in $clients; do
	bb_stop $p
done
for n in 1 2 3; do
	eval "bb_wait \$t$n 'client t$n'"
done
grep -q '^reset ' $BB_DIR/t1.out || die "1: client t1 was not reset: $(cat $BB_DIR/t1.out)"
grep -q '^reset ' $BB_DIR/t3.out || die "3: client t3 was not reset: $(cat $BB_DIR/t3.out)"
for n in 1 2 3 4; do
	bb_wait_for $BB_DIR/srv$n.out '^done' 30
done
bb_settle
bb_stop $rd
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/r.txt

# hs N: the records of the handshake of client tN (dumped by itself, or
# its connection's), in $BB_DIR/tN.recs; its dump line in $d.
hs() {
	d=$(grep "^dump .* lport=514$1 .* fport=4114$1 " $BB_DIR/r.txt | head -n 1)
	[ -n "$d" ] || die "$1: no dump of client t$1's connection at the server"
	bb_records $BB_DIR/r.raw "$(bb_get "$d" cookie)" > $BB_DIR/t$1.recs
	echo "# t$1:"
	cat $BB_DIR/t$1.recs
	expect_eq "$1: its first records" \
		"$(bb_passive_start $BB_DIR/r.raw "$(bb_get "$d" cookie)" | cut -d ' ' -f 1-2)" \
		"in/S out/SA"
}
sacount() { grep -c ' evname=out .* tflags=SA ' $BB_DIR/t$1.recs || true; }
# shape N: the records of tN as evname/tflags; sas N: N times " out/SA".
shape() {
	awk '{ e = t = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^evname=/) e = substr($i, 8)
			if ($i ~ /^tflags=/) t = substr($i, 8)
		}
		printf "%s/%s ", e, t }' $BB_DIR/t$1.recs
}
sas() { local i=0; while [ $i -lt $1 ]; do printf ' out/SA'; i=$((i + 1)); done; }

# dropped N: the segments of tN received after its SYN and before its
# connection's state change to ESTABLISHED (if any) that are not SYNs.
dropped() {
	sed '/ evname=state .* arg1=3 arg2=1 /q' $BB_DIR/t$1.recs | grep ' evname=in ' |
		grep -vc ' tflags=S ' || true
}
# noacks N: the shape of tN without those segments.
noacks() { shape $1 | tr ' ' '\n' | grep -v '^in/[^S]' | tr '\n' ' '; }

for n in 1 3; do
	hs $n
	expect_eq "$n: the dump" \
		"$(bb_get "$d" reason)/$(bb_get "$d" id)/$(bb_get "$d" mode)/$(bb_get "$d" ended)/$(bb_get "$d" sn_gaps)" \
		"handshake%20failed/ov-$n/5/1/0"
done
# The SYN, every SYN-ACK the kernel sent, (3) the reset the listener sent,
# the end; and every segment that the overflow dropped.
expect_eq "1: its records (less the segments dropped)" "$(noacks 1)" "in/S$(sas $sa1) connend/. "
expect_eq "1: the segments dropped (ListenOverflows)" "$(dropped 1)" $((o1 - o0_1))
expect_eq "1: how it ended (BBLOG_END_TIMEOUT)" "$(tail -n 1 $BB_DIR/t1.recs | bbf arg1)" 2
# (the segment reset: the client's data, or its ACK of a SYN-ACK sent again
# once the filter went)
expect_eq "3: its records (less the segment reset)" "$(noacks 3)" "in/S$(sas $sa3) rst_sent/. connend/. "
expect_eq "3: the segment reset (ListenOverflows)" "$(dropped 3)" 1
expect_eq "3: how it ended (BBLOG_END_RST_SENT)" "$(tail -n 1 $BB_DIR/t3.recs | bbf arg1)" 3

hs 2
expect_eq "2: the dump" "$(bb_get "$d" id)/$(bb_get "$d" ended)/$(bb_get "$d" sn_gaps)" "ov-2/1/0"
expect_eq "2: every SYN-ACK sent" "$(sacount 2)" $sa2
# then the creation, then the segment that made it, then ESTABLISHED
expect_eq "2: the records before ESTABLISHED" \
	"$(sed '/ evname=state .* arg1=3 arg2=1 /q' $BB_DIR/t2.recs | grep -E ' evname=(in|out|state) ' |
		tail -n 3 | bbf evname | tr '\n' ' ')" "state in state "
expect_eq "2: the segments received before ESTABLISHED (those dropped, the one that made it)" \
	"$(dropped 2)" $((o2 - o0_2 + 1))
r=$(grep ' evname=synack_retrans ' $BB_DIR/t2.recs | bbf arg1)	# none if 0
expect_eq "2: the SYN-ACK retransmissions" "${r:-0}" $((sa2 - 1))

# 4. both SYNs, the end: the accept queue was full
d=$(grep "^dump .* lport=5144 .* fport=41144 " $BB_DIR/r.txt | head -n 1)
[ -n "$d" ] || die "4: no dump of client t4's handshake"
c4=$(bb_get "$d" cookie)
bb_records $BB_DIR/r.raw "$c4" > $BB_DIR/t4.recs
echo "# t4:"
cat $BB_DIR/t4.recs
expect_eq "4: the dump" \
	"$(bb_get "$d" reason)/$(bb_get "$d" id)/$(bb_get "$d" mode)/$(bb_get "$d" ended)/$(bb_get "$d" sn_gaps)" \
	"handshake%20failed/ov-4/5/1/0"
expect_eq "4: its cookie, the module's (bit 63)" \
	"$(awk -v c="$c4" 'BEGIN { if (c + 0 >= 9223372036854775808) print "yes" }')" yes
# (how many copies tcp_syn_retries 1 makes depends on the kernel: 6.6 and
# later time the first ones linearly, tcp_syn_linear_timeouts)
syns() { local i=0; while [ $i -lt $1 ]; do printf 'in/S '; i=$((i + 1)); done; }
expect_num "4: the SYNs dropped (ListenOverflows)" $((o4 - o0_4)) -ge 2
expect_eq "4: its records: every SYN dropped, the end" "$(shape 4)" "$(syns $((o4 - o0_4)))connend/. "
expect_eq "4: how it ended (BBLOG_END_LISTEN_OVERFLOW)" "$(tail -n 1 $BB_DIR/t4.recs | bbf arg1)" 11
expect_eq "4: the SYN sent again" \
	"$(sed -n 2p $BB_DIR/t4.recs | bbf seq_no)" "$(sed -n 1p $BB_DIR/t4.recs | bbf seq_no)"

expect_eq "handshakes kept/unclaimed/unkept/failed" \
	"$(( $(cat $P/stat_handshakes) - h0 ))/$(cat $P/stat_handshakes_unclaimed)/$(cat $P/stat_handshakes_unkept)/$(( $(cat $P/stat_handshakes_failed) - f0 ))" \
	"16/0/0/3"
bb_end
