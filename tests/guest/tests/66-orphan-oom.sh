# The end of a connection the kernel closes for want of resources (issue 8
# §4): with net.ipv4.tcp_max_orphans at 0 and an orphan already there, a
# server closing its side makes an orphan too many: tcp_close() resets it
# (TCPAbortOnMemory counts it; the client's ACKs are delayed so that the
# server's FIN is not acknowledged before close() looks).  Its last record says so (BBLOG_END_ORPHAN_OOM,
# 10), after the reset it sent; the same close under the default limit ends
# "closed by the peer first" (6).
# The kernel reads the orphan count from a cache a deferrable timer
# refreshes every 100 ms, so the closing is tried again (a new connection
# every 300 ms) until the kernel counts an abort.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

P=/proc/sys/net/ipv4
old_orphans=$(cat $P/tcp_max_orphans)
abort_on_memory() {
	bb_b cat /proc/net/netstat | awk '
		/^TcpExt:/ { if (!n++) { for (i = 1; i <= NF; i++) k[i] = $i } else
			for (i = 1; i <= NF; i++) if (k[i] == "TCPAbortOnMemory") print $i }'
}
restore() { echo "$old_orphans" > $P/tcp_max_orphans; }

bb_begin
# the limit is the host's: back to what it was, however this ends
trap 'rc=$?; restore; (exit $rc); bb_trap_cleanup' EXIT
bb_reader r
reader=$BB_PID
bb_server srv -p 5111 -n 21 --sink --listener --mode tail-auto --id oom
srv=$BB_PID

# 1. under the default limit: an orderly close
bb_a bbtest client -a $BB_B4 -p 5111 --bytes 1000 > $BB_DIR/c0.out ||
	{ cat $BB_DIR/c0.out; die "client 0"; }

# 2. one orphan that stays (FIN_WAIT2, its peer stalled; tcp_fin_timeout
#    above TIME_WAIT's 60 s keeps it a full socket), then the limit at 0
bb_a sh -c "echo 120 > $P/tcp_fin_timeout"
bb_bg_b hold bbtest server -p 5112 -n 1 --sink --stall-ms 300000
hold=$BB_PID
bb_wait_for $BB_DIR/hold.out '^listening' 20
bb_a bbtest client -a $BB_B4 -p 5112 --bytes 100 --close-now > $BB_DIR/hold-c.out ||
	{ cat $BB_DIR/hold-c.out; die "holding client"; }
i=0
until [ "$(awk '/^TCP:/ { for (i = 1; i < NF; i++) if ($i == "orphan") print $(i + 1) }' \
	/proc/net/sockstat)" -ge 1 ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || die "no orphan after 20 s"
	usleep 100000
done
a0=$(abort_on_memory)
echo 0 > $P/tcp_max_orphans
# the client's ACK of the server's FIN must not be in the server socket's
# backlog when close() looks at the orphans (it would close it first)
tc -n $BB_A qdisc add dev va root netem delay 50ms

# 3. servers closing their side, until the kernel aborts one
n=0
while [ "$(abort_on_memory)" = "$a0" ]; do
	n=$((n + 1))
	[ $n -le 20 ] || die "20 closes and no TCPAbortOnMemory"
	bb_a bbtest client -a $BB_B4 -p 5111 --bytes 1000 > $BB_DIR/c$n.out 2>&1 || true
	i=0
	until grep -q "^closed n=$((n + 1)) \|^reset n=$((n + 1)) \|^peer-reset n=$((n + 1)) " \
		$BB_DIR/srv.out; do
		i=$((i + 1))
		[ $i -lt 100 ] || die "server connection $((n + 1)) did not close"
		usleep 100000
	done
	usleep 300000
done
restore
tc -n $BB_A qdisc del dev va root
echo "aborts: $a0 -> $(abort_on_memory) after $n closes"
bb_stop $hold
bb_stop $srv
bb_settle
bb_stop $reader
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt

# every server connection: its end, and which ones the kernel aborted
grep '^accepted ' $BB_DIR/srv.out | bbf cookie > $BB_DIR/cookies
expect_eq "server connections" "$(wc -l < $BB_DIR/cookies)" $((n + 1))
oom=0
k=0
while read -r c; do
	k=$((k + 1))
	bb_records $BB_DIR/r.raw "$c" > $BB_DIR/recs.$k
	last=$(tail -n 1 $BB_DIR/recs.$k)
	end=$(bb_get "$last" evname)/$(bb_get "$last" arg1)
	echo "connection $k cookie $c: $end"
	case $end in
	connend/10)
		oom=$((oom + 1))
		[ $k -gt 1 ] || die "connection 1 (default limit) ended by the orphan limit"
		grep -q ' evname=rst_sent ' $BB_DIR/recs.$k ||
			die "connection $k: aborted, and no reset sent among its records"
		;;
	connend/6) ;;
	*) die "connection $k: end $end, want connend/6 (closed by the peer first) or connend/10" ;;
	esac
done < $BB_DIR/cookies
expect_eq "connections ended by the orphan limit = TCPAbortOnMemory's count" \
	"$oom" $(( $(abort_on_memory) - a0 ))
# 6.10 and later say why the reset was sent
kv=$(uname -r | awk -F. '{ print $1 * 1000 + $2 }')
if [ "$kv" -ge 6010 ]; then
	r=$(grep -h ' evname=rst_sent ' $BB_DIR/recs.* | head -n 1)
	expect_eq "reset reason" "$(bb_get "$r" rst_reason)" tcp_abort_on_memory
fi
bb_end
