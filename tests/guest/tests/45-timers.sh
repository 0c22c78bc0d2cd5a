# Timer events, recorded where the kernel acts, not inferred:
# 1. a blackhole after the handshake: the tail loss probe fires (TLP), then
#    the retransmission timer (RTO, FreeBSD's event 3), which is what puts
#    the connection in CA state Loss;
# 2. a reader that stops reading: the window closes and the sender's
#    persist timer sends zero-window probes (PROBE0);
# 3. an idle connection with SO_KEEPALIVE every second: keepalive probes;
# 4. a SYN that is never answered (tcp_syn_retries=1): RTOs, the socket
#    error ETIMEDOUT, and the end record saying it timed out;
# 5. keepalive probes into a blackhole (every second, nine of them): the
#    connection times out, and its end record says it was the keepalive.
# Each probe event is followed by the segment it sent.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
bb_sysctl a session_limit 20000
bb_server srv1 -p 5025 --sink
bb_server srv2 -p 5026 --sink --stall-ms 3000
bb_server srv3 -p 5027 --sink
bb_server srv5 -p 5037 --sink
s5=$BB_PID
bb_reader r

bb_bg_a c1 bbtest client -a $BB_B4 -p 5025 --mode tail-auto --bytes 300000 \
	--chunk 1000 --pause-ms 5 --nodelay --timeout 90
p1=$BB_PID
bb_blackhole_rto c1
bb_wait $p1 "client 1"
bb_a bbtest client -a $BB_B4 -p 5026 --mode tail-auto --bytes 1000000 \
	> $BB_DIR/c2.out || { cat $BB_DIR/c2.out; die "client 2"; }
bb_a bbtest client -a $BB_B4 -p 5027 --mode tail-auto --bytes 0 --keepalive 1 \
	--hold 4 > $BB_DIR/c3.out || { cat $BB_DIR/c3.out; die "client 3"; }
bb_a sysctl -qw net.ipv4.tcp_syn_retries=1
tc -n $BB_A qdisc add dev va root netem loss 100%
if bb_a bbtest client -a $BB_B4 -p 5035 --mode tail-auto > $BB_DIR/c4.out 2>&1; then
	die "client 4 connected through a blackhole"
fi
tc -n $BB_A qdisc del dev va root
bb_bg_a c5 bbtest client -a $BB_B4 -p 5037 --mode tail-auto --bytes 0 --keepalive 1 --keep
p5=$BB_PID
bb_wait_for $BB_DIR/c5.out '^keeping' 30
lport5=$(printf '%04X' "$(grep '^conn n=1 ' $BB_DIR/c5.out | bbf lport)")
tc -n $BB_A qdisc add dev va root netem loss 100%
# the socket leaves the table when it times out (about 10 s)
i=0
while bb_a cat /proc/net/tcp | awk -v p=":$lport5" '$2 ~ p "$" { f = 1 } END { exit !f }'; do
	i=$((i + 1))
	[ $i -lt 600 ] || die "keepalive: the connection did not time out in 60 s"
	usleep 100000
done
tc -n $BB_A qdisc del dev va root
bb_stop $p5
# the server's side never hears of it: its close is answered by a reset
bb_stop $s5
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/c1.out $BB_DIR/c2.out $BB_DIR/c3.out $BB_DIR/c4.out $BB_DIR/c5.out \
	$BB_DIR/srv2.out $BB_DIR/r.txt

# recs N: the records of client N's connection.
recs() {
	bb_records $BB_DIR/r.raw "$(bb_cookie $BB_DIR/c$1.out 1)" > $BB_DIR/c$1.recs
	d=$(bb_dump $BB_DIR/r.txt "$(bb_cookie $BB_DIR/c$1.out 1)")
	[ -n "$d" ] || die "no dump of client $1"
	expect_eq "client $1: sn gaps" "$(bb_get "$d" sn_gaps)" 0
}
# after N EVNAME: the event of the record after the first EVNAME record.
after() {
	grep -A1 -m1 " evname=$2 " $BB_DIR/c$1.recs | sed -n 2p | bbf evname
}

recs 1
expect_num "blackhole: TLP records" "$(bb_get "$d" ev_tlp)" -ge 1
expect_num "blackhole: RTO records" "$(bb_get "$d" ev_rto)" -ge 1
lacks ca-state ||
	expect_eq "blackhole: the event before entering Loss" \
		"$(grep -B1 -m1 ' evname=ca_state .* arg2=4 ' $BB_DIR/c1.recs | head -n 1 | bbf evname)" rto
expect_eq "blackhole: first RTO's retransmission count" \
	"$(grep -m1 ' evname=rto ' $BB_DIR/c1.recs | bbf arg1)" 0

recs 2
expect_num "stalled reader: PROBE0 records" "$(bb_get "$d" ev_probe0)" -ge 1
expect_eq "stalled reader: the first probe is the first" \
	"$(grep -m1 ' evname=probe0 ' $BB_DIR/c2.recs | bbf arg1)" 0
expect_eq "stalled reader: PROBE0 then its segment" "$(after 2 probe0)" out

recs 3
expect_num "keepalive: KEEPALIVE records" "$(bb_get "$d" ev_keepalive)" -ge 1
expect_eq "keepalive: KEEPALIVE then its segment" "$(after 3 keepalive)" out
r=$(grep -A1 -m1 ' evname=keepalive ' $BB_DIR/c3.recs | sed -n 2p)
expect_eq "keepalive: the probe carries no data" "$(bb_get "$r" payload_len)" 0
expect_eq "keepalive: ended by an orderly close" "$(tail -n 1 $BB_DIR/c3.recs | bbf arg1)" 5

d=$(grep '^dump .* fport=5035 ' $BB_DIR/r.txt | head -n 1)
[ -n "$d" ] || die "no dump of client 4"
bb_records $BB_DIR/r.raw "$(bb_get "$d" cookie)" > $BB_DIR/c4.recs
awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(sn|evname|state|arg1|arg2|err)=/) printf "%s ", $i; print "" }' \
	$BB_DIR/c4.recs
expect_num "SYN timeout: RTO records" "$(bb_get "$d" ev_rto)" -ge 1
lacks sk-error ||
	expect_eq "SYN timeout: the socket error" "$(grep -m1 ' evname=sk_error ' $BB_DIR/c4.recs | bbf err)" -110
r=$(tail -n 1 $BB_DIR/c4.recs)
expect_eq "SYN timeout: end reason" "$(bb_get "$r" evname)/$(bb_get "$r" arg1)/$(bb_get "$r" arg2)" connend/2/110

recs 5
expect_num "keepalive timeout: KEEPALIVE records" "$(bb_get "$d" ev_keepalive)" -ge 2
lacks sk-error ||
	expect_eq "keepalive timeout: the socket error" "$(grep -m1 ' evname=sk_error ' $BB_DIR/c5.recs | bbf err)" -110
r=$(tail -n 1 $BB_DIR/c5.recs)
expect_eq "keepalive timeout: end reason (BBLOG_END_KEEPALIVE)" \
	"$(bb_get "$r" evname)/$(bb_get "$r" arg1)/$(bb_get "$r" arg2)" connend/7/110
bb_end
