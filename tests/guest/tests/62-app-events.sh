# Application events (issue 8 §6): a program writes a typed message into
# its connection's history with BBLOG_SO_LOG (FreeBSD's TCP_USER_LOG):
# 1. on a logged connection it is one record (event 59: type, subtype and
#    the data), in its place between the handshake and the first data;
# 2. on a connection that is not logged the call succeeds and nothing is
#    recorded (an application need not know whether it is logged).
# The pcapng side (the block's comment, bblog show, tshark) is unit-tested
# (tests/unit/test_events.c).
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
bb_server srv -p 5101 -n 2 --sink
bb_reader r
bb_a bbtest client -a $BB_B4 -p 5101 --mode tail-auto --log "request 17 started" \
	--bytes 1000 > $BB_DIR/c1.out || { cat $BB_DIR/c1.out; die "client 1"; }
bb_a bbtest client -a $BB_B4 -p 5101 --log "not logged" --bytes 1000 \
	> $BB_DIR/c2.out || { cat $BB_DIR/c2.out; die "client 2"; }
bb_wait_for $BB_DIR/srv.out '^done' 30
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/c1.out $BB_DIR/c2.out $BB_DIR/r.txt

c1=$(bb_cookie $BB_DIR/c1.out 1)
bb_records $BB_DIR/r.raw "$c1" > $BB_DIR/c1.recs
r=$(grep ' evname=user ' $BB_DIR/c1.recs || true)
[ -n "$r" ] || die "1: no application event among the records"
expect_eq "1: application events" "$(echo "$r" | wc -l)" 1
expect_eq "1: type/subtype/length/data" \
	"$(bb_get "$r" ev)/$(bb_get "$r" arg1)/$(bb_get "$r" arg2)/$(bb_get "$r" payload_len)/$(bb_get "$r" user_data)" \
	"59/1/1/18/request%2017%20started"
ev=$(grep -n ' evname=user ' $BB_DIR/c1.recs | cut -d: -f1)
est=$(grep -n ' evname=state .* arg2=1 ' $BB_DIR/c1.recs | head -n 1 | cut -d: -f1)
data=$(grep -n ' evname=out .* payload_len=[1-9]' $BB_DIR/c1.recs | head -n 1 | cut -d: -f1)
[ -n "$est" ] && [ -n "$data" ] || die "1: no ESTABLISHED or no data among the records"
[ "$est" -lt "$ev" ] && [ "$ev" -lt "$data" ] ||
	die "1: the event is record $ev, not between ESTABLISHED ($est) and the first data ($data)"

c2=$(bb_cookie $BB_DIR/c2.out 1)
grep -q '^error' $BB_DIR/c2.out && die "2: BBLOG_SO_LOG failed on a connection not logged"
expect_eq "2: nothing of the connection not logged" "$(bb_ndumps $BB_DIR/r.txt "$c2")" 0
bb_end
