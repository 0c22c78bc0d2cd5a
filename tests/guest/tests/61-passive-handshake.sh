# The passive handshake (issue 8 §1): a server-side connection's history
# starts with the SYN it received and the SYN-ACK it sent, as tcpdump saw
# them at that end, before the record of its creation; whether it was
# selected by its listener's template, by a rule or by auto_*.
# 1. a listener template: SYN, SYN-ACK, created, the ACK;
# 2. the SYN-ACK dropped (by the client's nftables input filter) until the
#    request sent it again: both SYNs and both SYN-ACKs are in the child's
#    history, in order, with the headers tcpdump saw on the server's
#    interface;
# 3. a rule: the same first records;
# 4. auto_*: the same;
# 5. a handshake that times out (SYN-ACKs dropped) and 6. one the client
#    resets: dumped with reason "handshake failed", SYN to end;
# 7. SYN cookies: the same first records;
# and the counters: every handshake kept was taken by its child or failed.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

P=/proc/sys/net/tcp_bblog
bb_begin
h0=$(cat $P/stat_handshakes)
bb_reader r

# 1. a listener template
bb_server srv1 -p 5091 --sink --listener --mode tail-auto --id hs-1
bb_a bbtest client -a $BB_B4 -p 5091 --bytes 1000 > /dev/null || die "client 1"
bb_wait_for $BB_DIR/srv1.out '^done' 30

# 2. the first SYN-ACK dropped at the client, tcpdump on the server's
#    interface: the client sends its SYN again, the server its SYN-ACK
bb_server srv2 -p 5092 --sink --listener --mode tail-auto --id hs-2
bb_bg_b tcpd tcpdump -i vb -n -U -s 128 -w $BB_DIR/srv2.pcap tcp port 5092
tcpd=$BB_PID
bb_wait_for $BB_DIR/tcpd.out 'listening on' 20
bb_a nft -f - <<'NFT' || die "2: nftables filter"
table inet hs {
	chain in {
		type filter hook input priority 0;
		tcp sport 5092 tcp flags & (syn | ack) == (syn | ack) drop
	}
}
NFT
bb_bg_a c2 bbtest client -a $BB_B4 -p 5092 --bytes 1000
p=$BB_PID
bb_wait_retrans b 03 1
bb_a nft delete table inet hs
bb_wait $p "client 2"
bb_wait_for $BB_DIR/srv2.out '^done' 30

# 3. a rule, then auto_*
bb_b bblog rule add passive sport 5093 mode tail-auto id hs-3 > /dev/null || die "rule add"
bb_server srv3 -p 5093 --sink
bb_a bbtest client -a $BB_B4 -p 5093 --bytes 1000 > /dev/null || die "client 3"
bb_wait_for $BB_DIR/srv3.out '^done' 30
bb_b bblog rule flush
bb_sysctl b auto_all 1
bb_sysctl b auto_mode 5
bb_sysctl b auto_ratio 1
bb_server srv4 -p 5094 --sink
bb_a bbtest client -a $BB_B4 -p 5094 --bytes 1000 > /dev/null || die "client 4"
bb_wait_for $BB_DIR/srv4.out '^done' 30
bb_sysctl b auto_ratio 0

# 7. SYN cookies for every SYN (tcp_syncookies 2): no request socket, and
#    the SYN-ACK is sent without an owner, found by its 4-tuple
bb_b sh -c 'echo 2 > /proc/sys/net/ipv4/tcp_syncookies'
bb_server srv7 -p 5097 --sink --listener --mode tail-auto --id hs-7
bb_a bbtest client -a $BB_B4 -p 5097 --bytes 1000 > /dev/null || die "client 7"
bb_wait_for $BB_DIR/srv7.out '^done' 30
bb_b sh -c 'echo 1 > /proc/sys/net/ipv4/tcp_syncookies'

# 5. a handshake that times out: every SYN-ACK dropped at the client, one
#    retry on each side (the request gives up about 3 s after the SYN)
bb_b sh -c 'echo 1 > /proc/sys/net/ipv4/tcp_synack_retries'
bb_a sh -c 'echo 1 > /proc/sys/net/ipv4/tcp_syn_retries'
bb_server srv5 -p 5095 --sink --listener --mode tail-auto --id hs-5
nft_drop() {
	bb_a nft -f - <<NFT || die "nftables filter"
table inet hs {
	chain $1 {
		type filter hook $1 priority 0;
		$2 drop
	}
}
NFT
}
nft_drop input 'tcp sport 5095 tcp flags & (syn | ack) == (syn | ack)'
bb_a bbtest client -a $BB_B4 -p 5095 > $BB_DIR/c5.out 2>&1 && die "5: the client connected"
grep 'connect' $BB_DIR/c5.out
bb_a nft delete table inet hs
# 6. a handshake reset by the client: its last ACK dropped, then its RST
#    passes; selected by a rule
bb_b bblog rule add passive sport 5096 mode tail-auto id hs-6 > /dev/null || die "rule add 6"
bb_server srv6 -p 5096 --sink
nft_drop output 'tcp dport 5096 tcp flags & (syn | rst) == 0'
bb_a bbtest client -a $BB_B4 -p 5096 --rst > $BB_DIR/c6.out || die "client 6"
bb_wait_for $BB_DIR/c6.out '^rst' 10
bb_a nft delete table inet hs

bb_settle
bb_stop $tcpd
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/r.txt

for n in 1 3 4 7; do
	s=$(bb_cookie $BB_DIR/srv$n.out 1 accepted)
	bb_expect_passive_start "$n: the first records" $BB_DIR/r.raw $s
	d=$(bb_dump $BB_DIR/r.txt $s)
	expect_eq "$n: from serial number 0, no gap" "$(bb_get "$d" first_sn)/$(bb_get "$d" sn_gaps)" 0/0
done
s=$(bb_cookie $BB_DIR/srv2.out 1 accepted)
bb_records $BB_DIR/r.raw $s > $BB_DIR/s2.recs
cat $BB_DIR/s2.recs
expect_num "2: SYN-ACKs sent" "$(grep -c ' evname=out .* tflags=SA ' $BB_DIR/s2.recs)" -ge 2
# the wire at the server's end: every segment of the connection, in order
bbtest wirecmp $BB_DIR/r.raw $BB_DIR/srv2.pcap --cookie $s -v ||
	die "2: the records differ from tcpdump's capture at the server"
# 5, 6: a dump of each failed handshake, from its SYN to how it ended
# (the request's destructor is kprobed: every kernel tested has kprobes on
# ftrace; one without them would skip a hit it cannot optimize, counted in
# stat_kprobe_missed).
for n in 5 6; do
	d=$(grep "^dump .* lport=509$n " $BB_DIR/r.txt) || die "$n: no dump of the failed handshake"
	expect_eq "$n: the dump" "$(bb_get "$d" reason)/$(bb_get "$d" id)/$(bb_get "$d" mode)/$(bb_get "$d" ended)/$(bb_get "$d" sn_gaps)" \
		"handshake%20failed/hs-$n/5/1/0"
	bb_records $BB_DIR/r.raw "$(bb_get "$d" cookie)" > $BB_DIR/s$n.recs
	cat $BB_DIR/s$n.recs
	expect_eq "$n: its first records" \
		"$(bb_passive_start $BB_DIR/r.raw "$(bb_get "$d" cookie)" | cut -d ' ' -f 1-2)" "in/S out/SA"
	expect_eq "$n: its last record" "$(tail -n 1 $BB_DIR/s$n.recs | bbf evname)" connend
done
expect_num "5: SYN-ACKs sent" "$(grep -c ' evname=out .* tflags=SA ' $BB_DIR/s5.recs)" -ge 2
expect_eq "5: how it ended (BBLOG_END_TIMEOUT)" "$(tail -n 1 $BB_DIR/s5.recs | bbf arg1)" 2
expect_eq "6: the reset" "$(grep -c ' evname=in .* tflags=R' $BB_DIR/s6.recs)" 1
expect_eq "6: how it ended (BBLOG_END_RST_RECV)" "$(tail -n 1 $BB_DIR/s6.recs | bbf arg1)" 1
expect_eq "handshakes kept/unclaimed/unkept/failed" \
	"$(( $(cat $P/stat_handshakes) - h0 ))/$(cat $P/stat_handshakes_unclaimed)/$(cat $P/stat_handshakes_unkept)/$(cat $P/stat_handshakes_failed)" \
	"7/0/0/2"
bb_end
