# TCP Fast Open (issue 8 §1): a SYN that carries data
# (net.ipv4.tcp_fastopen 0x207 on both ends: no cookie needed; the kernel's
# TCPFastOpenActive and TCPFastOpenPassive are the oracle that the data
# rode in the SYN and made the server's connection).
# 1. The client's connection (TCP_FASTOPEN_CONNECT, logged before its
#    connect()): its first segment is the SYN with the 1000 bytes; its
#    records are the headers tcpdump saw at the client.
# 2. The server's connection, made by that SYN, selected by its listener's
#    template and accepted once it processed the ACK of its SYN-ACK: the
#    SYN with its data first, then its creation, then its SYN-ACK; the
#    headers tcpdump saw at the server, every one.
# 3. Selected by auto_*: the same.
# 4. Selected by a rule: the connection has its 4-tuple before it sends its
#    SYN-ACK, where the rules choose it: the same as 2.
# 5. The template again, but the server accepts and reads the SYN's data
#    while the client's ACK is held back, until the SYN-ACK was sent again
#    (by the request socket: tcp_rtx_synack()): the SYN first, once, with
#    its data, every SYN-ACK, the headers tcpdump saw at the server.
# Each Fast Open connection takes its handshake (the SYN) before it sends
# its SYN-ACK: the SYN is first however much it records before the ACK.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

P=/proc/sys/net/tcp_bblog
# tcpext a|b NAME: the TcpExt counter NAME of that namespace.
tcpext() {
	bb_$1 awk -v f="$2" '$1 == "TcpExt:" {
		if (!h) { for (i = 2; i <= NF; i++) n[i] = $i; h = 1; next }
		for (i = 2; i <= NF; i++) if (n[i] == f) print $i }' /proc/net/netstat
}
# diag MESSAGE: what can explain a wait that failed, then die.
diag() {
	bb_a cat /proc/net/tcp
	bb_b cat /proc/net/tcp
	cat $BB_DIR/c*.out $BB_DIR/srv*.out
	bb_a grep -h '^TcpExt' /proc/net/netstat
	bb_b grep -h '^TcpExt' /proc/net/netstat
	bb_a nft list ruleset
	die "$1"
}
# past_syn PORT: the server's connection on PORT has processed a segment
# after its SYN (it is past SYN_RECV).
past_syn() {
	local i=0
	until bb_b awk -v p=":$(printf '%04X' "$1")" '$4 != "0A" && $4 != "03" &&
		substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' /proc/net/tcp; do
		i=$((i + 1))
		[ $i -lt 600 ] || diag "port $1: no connection past SYN_RECV in 60 s"
		usleep 100000
	done
}
# fastopen N PORT SERVERARGS...: server srvN with a Fast Open queue, one
# client cN whose SYN carries 1000 bytes.  The server accepts once its
# connection has processed the ACK of its SYN-ACK (see 5 for why).
fastopen() {
	local n=$1 port=$2 c
	shift 2
	bb_server srv$n -p $port --sink --fastopen --accept-wait $BB_DIR/go$n "$@"
	bb_bg_a c$n bbtest client -a $BB_B4 -p $port --fastopen --mode tail-auto --bytes 1000
	c=$BB_PID
	past_syn $port
	touch $BB_DIR/go$n
	bb_wait $c "client $n"
	bb_wait_for $BB_DIR/srv$n.out '^done' 30
}

bb_begin
h0=$(cat $P/stat_handshakes)
bb_a sh -c 'echo 519 > /proc/sys/net/ipv4/tcp_fastopen'
bb_b sh -c 'echo 519 > /proc/sys/net/ipv4/tcp_fastopen'
a0=$(tcpext a TCPFastOpenActive) p0=$(tcpext b TCPFastOpenPassive)
bb_reader r
rd=$BB_PID
bb_bg_a tcpa tcpdump -i va -n -U -s 128 -w $BB_DIR/a.pcap tcp portrange 5151-5155
tcpa=$BB_PID
bb_wait_for $BB_DIR/tcpa.out 'listening on' 20
bb_bg_b tcpb tcpdump -i vb -n -U -s 128 -w $BB_DIR/b.pcap tcp portrange 5151-5155
tcpb=$BB_PID
bb_wait_for $BB_DIR/tcpb.out 'listening on' 20

fastopen 2 5152 --listener --mode tail-auto --id tfo-2
bb_sysctl b auto_all 1
bb_sysctl b auto_mode 5
bb_sysctl b auto_ratio 1
fastopen 3 5153
bb_sysctl b auto_ratio 0
bb_b bblog rule add passive sport 5154 mode tail-auto id tfo-4 > /dev/null || die "rule add"
fastopen 4 5154
bb_b bblog rule flush

# 5. the server accepts and reads the SYN's data while the client's ACK is
#    held back (its nftables output filter), until the connection sent its
#    SYN-ACK again
bb_server srv5 -p 5155 --sink --fastopen --listener --mode tail-auto --id tfo-5
bb_a nft -f - <<'NFT' || die "5: nftables filter"
table inet tfo {
	chain out {
		type filter hook output priority 0;
		tcp dport 5155 tcp flags & (syn | rst) == 0 drop
	}
}
NFT
bb_bg_a c5 bbtest client -a $BB_B4 -p 5155 --fastopen --mode tail-auto --bytes 1000
c=$BB_PID
bb_wait_for $BB_DIR/srv5.out '^accepted n=1 ' 30
i=0
until bb_b awk '$4 == "03" && substr($2, length($2) - 4) == ":1423" && $7 + 0 >= 1 { f = 1 }
	END { exit !f }' /proc/net/tcp; do
	i=$((i + 1))
	[ $i -lt 600 ] || diag "5: the SYN-ACK was not sent again in 60 s"
	usleep 100000
done
bb_a nft delete table inet tfo
bb_wait $c "client 5"
bb_wait_for $BB_DIR/srv5.out '^done' 30

expect_eq "TCPFastOpenActive (client)" $(( $(tcpext a TCPFastOpenActive) - a0 )) 4
expect_eq "TCPFastOpenPassive (server)" $(( $(tcpext b TCPFastOpenPassive) - p0 )) 4
bb_settle
bb_stop $tcpa
bb_stop $tcpb
bb_stop $rd
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/r.txt

# 1. the client's side
for n in 2 3 4 5; do
	c=$(bb_cookie $BB_DIR/c$n.out 1)
	r=$(bb_first_seg $BB_DIR/r.raw "$c")
	expect_eq "1 ($n): the client's first segment" \
		"$(bb_get "$r" evname)/$(bb_get "$r" tflags)/$(bb_get "$r" payload_len)" out/S/1000
	# (5's filter drops segments after the module recorded them)
	[ $n = 5 ] || bbtest wirecmp $BB_DIR/r.raw $BB_DIR/a.pcap --cookie "$c" -v ||
		die "1 ($n): the client's records differ from tcpdump's capture"
done

# rec N: the server's connection of client N, its records in $BB_DIR/sN.recs
srec() {
	s=$(bb_cookie $BB_DIR/srv$1.out 1 accepted)
	d=$(bb_dump $BB_DIR/r.txt "$s")
	[ -n "$d" ] || die "$1: no dump of the server's connection"
	expect_eq "$1: the dump" "$(bb_get "$d" mode)/$(bb_get "$d" id)/$(bb_get "$d" ended)/$(bb_get "$d" first_sn)/$(bb_get "$d" sn_gaps)" "$2"
	bb_records $BB_DIR/r.raw "$s" > $BB_DIR/s$1.recs
	echo "# server $1:"
	cat $BB_DIR/s$1.recs
}
first() {	# first N: its first record is the SYN with the data
	local r
	r=$(head -n 1 $BB_DIR/s$1.recs)
	expect_eq "$1: the first record" \
		"$(bb_get "$r" evname)/$(bb_get "$r" tflags)/$(bb_get "$r" payload_len)" in/S/1000
}
# first3 N: the first three segments and state changes of server N, as
# evname/tflags or state/FROM/TO.
first3() {
	grep -E ' evname=(in|out|state) ' $BB_DIR/s$1.recs | head -n 3 | while read -r r; do
		case $(bb_get "$r" evname) in
		state) printf 'state/%s/%s ' "$(bb_get "$r" arg1)" "$(bb_get "$r" arg2)" ;;
		*) printf '%s/%s ' "$(bb_get "$r" evname)" "$(bb_get "$r" tflags)" ;;
		esac
	done
}
# 2, 3, 4: the SYN with its data, the creation, the SYN-ACK
srec 2 5/tfo-2/1/0/0
srec 3 5//1/0/0
srec 4 5/tfo-4/1/0/0
for n in 2 3 4; do
	first $n
	expect_eq "$n: the first records" "$(first3 $n)" "in/S state/10/3 out/SA "
	s=$(bb_cookie $BB_DIR/srv$n.out 1 accepted)
	bbtest wirecmp $BB_DIR/r.raw $BB_DIR/b.pcap --cookie "$s" -v ||
		die "$n: the server's records differ from tcpdump's capture"
done
# 4: the ACK of the SYN-ACK, which the rule saw first before
expect_num "4: segments received after the SYN" \
	"$(grep ' evname=in ' $BB_DIR/s4.recs | grep -vc ' tflags=S ')" -ge 1
# 5: the SYN first although the connection recorded more before the
# client's ACK came; every SYN-ACK its request sent again
srec 5 5/tfo-5/1/0/0
first 5
expect_eq "5: the first records" "$(first3 5)" "in/S state/10/3 out/SA "
expect_num "5: SYN-ACKs sent" "$(grep -c ' evname=out .* tflags=SA ' $BB_DIR/s5.recs)" -ge 2
expect_eq "5: SYNs recorded" "$(grep -c ' evname=in .* tflags=S ' $BB_DIR/s5.recs)" 1
s=$(bb_cookie $BB_DIR/srv5.out 1 accepted)
bbtest wirecmp $BB_DIR/r.raw $BB_DIR/b.pcap --cookie "$s" -v ||
	die "5: the server's records differ from tcpdump's capture"
expect_eq "handshakes kept/unclaimed/unkept" \
	"$(( $(cat $P/stat_handshakes) - h0 ))/$(cat $P/stat_handshakes_unclaimed)/$(cat $P/stat_handshakes_unkept)" \
	"4/0/0"
bb_end
