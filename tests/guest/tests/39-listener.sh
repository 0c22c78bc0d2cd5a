# Listener templates: a mode and ID set on a listening socket (after
# listen(), or before it) are given to every connection it accepts from
# the moment the kernel creates it, so a connection reset before accept()
# is logged from its start.  A listener without a template leaves the
# choice to auto_ratio.  The clients set no option at all.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
# auto_ratio selects every connection of b that no template covers.
bb_sysctl b auto_mode 3
bb_sysctl b auto_all 1
bb_sysctl b auto_ratio 1
bb_server srva -p 5022 -n 2 --sink --listener --mode tail-auto --id srv-7 \
	--accept-wait $BB_DIR/go
bb_server srvb -p 5023 -n 1 --sink --listener-early --mode tail-auto --id early-9
bb_server srvc -p 5024 -n 1 --sink
bb_reader r

# Connection A1 waits for the server; A2 is reset before accept().
bb_bg_a a1 bbtest client -a $BB_B4 -p 5022 --bytes 20000
a1=$BB_PID
bb_a bbtest client -a $BB_B4 -p 5022 --bytes 1000 --rst > $BB_DIR/a2.out ||
	{ cat $BB_DIR/a2.out; die "client A2"; }
touch $BB_DIR/go
bb_wait $a1 "client A1"
bb_a bbtest client -a $BB_B4 -p 5023 --bytes 20000 > $BB_DIR/b1.out ||
	{ cat $BB_DIR/b1.out; die "client B1"; }
bb_a bbtest client -a $BB_B4 -p 5024 --bytes 20000 > $BB_DIR/c1.out ||
	{ cat $BB_DIR/c1.out; die "client C1"; }
bb_wait_for $BB_DIR/srva.out '^done' 20
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/srva.out $BB_DIR/srvb.out $BB_DIR/srvc.out $BB_DIR/a1.out $BB_DIR/a2.out \
	$BB_DIR/r.txt

expect_eq "listener A read back" "$(grep '^listener ' $BB_DIR/srva.out | head -n 1)" \
	"listener mode=5 id=srv-7"
expect_eq "listener B (set before listen) read back" \
	"$(grep '^listener ' $BB_DIR/srvb.out | head -n 1)" "listener mode=5 id=early-9"
# B's one connection is open when accepted: the listener counts it.  (Not
# A's: its reset connection may be accepted, read and closed before A1 is
# accepted, and a closed one dumped at close leaves the ID.)
expect_eq "listener B counts its connection" \
	"$(grep '^listener ' $BB_DIR/srvb.out | sed -n 2p)" "listener mode=5 id=early-9 idcnt=1"

# check COOKIE WHAT MODE ID LISTENER AUTO: one dump at close with these.
check() {
	local d
	expect_eq "$2: dumps" "$(bb_ndumps $BB_DIR/r.txt "$1")" 1
	d=$(bb_dump $BB_DIR/r.txt "$1")
	expect_eq "$2: mode" "$(bb_get "$d" mode)" $3
	expect_eq "$2: id" "$(bb_get "$d" id)" "$4"
	expect_eq "$2: BBLOG_DF_LISTENER" $(( $(bb_get "$d" flags) >> 3 & 1 )) $5
	expect_eq "$2: BBLOG_DF_AUTO" "$(bb_get "$d" auto)" $6
	expect_eq "$2: ended" "$(bb_get "$d" ended)" 1
	expect_eq "$2: sn gaps" "$(bb_get "$d" sn_gaps)" 0
}
# The server's connections, by the client's port (their accept order is
# not the clients' order, and a reset one has no peer address any more).
by_port() {	# by_port SERVERPORT CLIENTOUT: the cookie of the server side
	local p
	p=$(grep '^conn n=1 ' "$2" | bbf lport)
	grep "^dump .* lport=$1 faddr=[^ ]* fport=$p " $BB_DIR/r.txt | bbf cookie | head -n 1
}
a1=$(by_port 5022 $BB_DIR/a1.out)
a2=$(by_port 5022 $BB_DIR/a2.out)
b1=$(by_port 5023 $BB_DIR/b1.out)
c1=$(by_port 5024 $BB_DIR/c1.out)
[ -n "$a1" ] && [ -n "$a2" ] && [ -n "$b1" ] && [ -n "$c1" ] ||
	die "a server connection has no dump (A1 '$a1', A2 '$a2', B1 '$b1', C1 '$c1')"
check "$a1" "A1" 5 srv-7 1 0
check "$a2" "A2 (reset before accept)" 5 srv-7 1 0
check "$b1" "B1" 5 early-9 1 0
check "$c1" "C1 (auto_ratio)" 3 "" 0 1
expect_eq "dumps in all (the listeners and the clients log nothing)" \
	"$(bb_ndumps $BB_DIR/r.txt)" 4

# Every connection's history starts with its handshake: the SYN received,
# the SYN-ACK sent, its creation (a state change from LISTEN), then the
# handshake's last ACK.
for c in $a1 $a2 $b1; do
	bb_records $BB_DIR/r.raw "$c" | head -n 4
	bb_expect_passive_start "cookie $c: first records" $BB_DIR/r.raw "$c"
	r=$(bb_first_seg_est $BB_DIR/r.raw "$c")
	expect_eq "cookie $c: first segment" "$(bb_get "$r" evname)/$(bb_get "$r" tflags)/$(bb_get "$r" payload_len)" in/A/0
done
d=$(bb_dump $BB_DIR/r.txt "$a2")
expect_num "A2: RST_RECV" "$(bb_get "$d" ev_rst_recv)" -ge 1
# How each ended: A2 reset by the peer (1); A1 closed by the client first (6).
expect_eq "A2: end reason" "$(bb_records $BB_DIR/r.raw "$a2" | tail -n 1 | bbf arg1)" 1
expect_eq "A1: end reason" "$(bb_records $BB_DIR/r.raw "$a1" | tail -n 1 | bbf arg1)" 6
expect_num "A2: data received before the reset" \
	"$(bb_records $BB_DIR/r.raw "$a2" | grep ' evname=in ' | grep -c ' payload_len=1000 ')" -eq 1
bb_end
