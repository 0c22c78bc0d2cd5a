# Resets: the server aborts connection 1 (SO_LINGER 0) after its first
# read: its dump has RST_SENT, the client's has RST_RECV.  Connection 2 is
# aborted by the client: the client's dump has RST_SENT, the server's
# RST_RECV.  Both sides in TAIL_AUTO, so all four are dumped at close.
# Each receiver of a reset also has an SK_ERROR record (ECONNRESET).
# The server sets its mode on the listener, so its connections are logged
# from their creation: client 2's reset may well arrive before accept().
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
bb_server srv -p 5013 -n 2 --reset 1 --mode tail-auto --listener
bb_reader r
bb_a bbtest client -a $BB_B4 -p 5013 --mode tail-auto --bytes 100000 \
	> $BB_DIR/cli1.out || { cat $BB_DIR/cli1.out; die "client 1"; }
grep -Eq '^reset n=1 .*errno=(ECONNRESET|EPIPE|ENOTCONN)' $BB_DIR/cli1.out ||
	{ cat $BB_DIR/cli1.out; die "client 1 did not see the reset"; }
bb_a bbtest client -a $BB_B4 -p 5013 --mode tail-auto --bytes 1000 --rst \
	> $BB_DIR/cli2.out || { cat $BB_DIR/cli2.out; die "client 2"; }
bb_wait_for $BB_DIR/srv.out '^done' 20
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/cli1.out $BB_DIR/cli2.out $BB_DIR/srv.out $BB_DIR/r.txt

c1=$(bb_cookie $BB_DIR/cli1.out 1)
c2=$(bb_cookie $BB_DIR/cli2.out 1)
s1=$(bb_cookie $BB_DIR/srv.out 1 accepted)
s2=$(bb_cookie $BB_DIR/srv.out 2 accepted)
for c in $c1 $c2 $s1 $s2; do
	d=$(bb_dump $BB_DIR/r.txt "$c")
	[ -n "$d" ] || die "no dump of cookie $c at close"
	expect_eq "cookie $c ended" "$(bb_get "$d" ended)" 1
done
expect_num "server abort: RST_SENT on the server" "$(bb_get "$(bb_dump $BB_DIR/r.txt $s1)" ev_rst_sent)" -ge 1
expect_num "server abort: RST_RECV on the client" "$(bb_get "$(bb_dump $BB_DIR/r.txt $c1)" ev_rst_recv)" -ge 1
expect_num "client abort: RST_SENT on the client" "$(bb_get "$(bb_dump $BB_DIR/r.txt $c2)" ev_rst_sent)" -ge 1
expect_num "client abort: RST_RECV on the server" "$(bb_get "$(bb_dump $BB_DIR/r.txt $s2)" ev_rst_recv)" -ge 1
# The reset surfaces as a socket error on the side that received it while
# its application still held the socket: SK_ERROR with -ECONNRESET.
for c in $c1 $s2; do
	if lacks sk-error; then
		echo "# no SK_ERROR records: this kernel has no inet_sk_error_report"
		break
	fi
	expect_num "cookie $c: SK_ERROR records" "$(bb_get "$(bb_dump $BB_DIR/r.txt $c)" ev_sk_error)" -ge 1
	e=$(bb_records $BB_DIR/r.raw "$c" | grep ' evname=sk_error ' | head -n 1 | bbf err)
	expect_eq "cookie $c: SK_ERROR errno" "$e" -104
done
# The last record says how each ended (BBLOG_END_*: 1 reset received;
# 9 reset by SO_LINGER 0, client 2; the server's abort after its first read
# is 8 if data it had not read was there, else 9).
for x in "$c1 1" "$c2 9" "$s2 1"; do
	set -- $x
	r=$(bb_records $BB_DIR/r.raw "$1" | tail -n 1)
	expect_eq "cookie $1: end reason" "$(bb_get "$r" evname)/$(bb_get "$r" arg1)" connend/$2
done
r=$(bb_records $BB_DIR/r.raw "$s1" | tail -n 1)
case $(bb_get "$r" evname)/$(bb_get "$r" arg1) in
connend/8|connend/9) ;;
*) die "cookie $s1: end reason $(bb_get "$r" evname)/$(bb_get "$r" arg1), want connend/8 or 9" ;;
esac
# The reset received is logged with its header.
r=$(bb_records $BB_DIR/r.raw "$c1" | grep ' evname=in ' | grep ' tflags=R' | head -n 1)
[ -n "$r" ] || die "client 1: no incoming segment with RST among the records"
# Why each reset was sent, where the kernel says: a reason for every reset
# a socket sends itself since 6.12 (6.10 and 6.11 say "not specified"),
# none before 6.10.
kv=$(uname -r | awk -F. '{ print $1 * 1000 + $2 }')
for c in $s1 $c2; do
	bb_records $BB_DIR/r.raw "$c" | grep ' evname=rst_sent ' > $BB_DIR/rst.$c
	cat $BB_DIR/rst.$c
	r=$(bb_get "$(head -n 1 $BB_DIR/rst.$c)" rst_reason)
	if [ "$kv" -ge 6012 ]; then
		case $r in
		tcp_*) echo "# cookie $c: reset reason $r" ;;
		*) die "cookie $c: reset reason '$r', want one of TCP's" ;;
		esac
	elif [ "$kv" -lt 6010 ]; then
		expect_eq "cookie $c: reset reason (none before 6.10)" "$r" none
	fi
done
bb_end
