# Drop reasons (issue 8 §4): a segment of a logged connection that the
# stack drops is a DROP record with Linux's reason (skb:kfree_skb).  While
# the client's logged connection is open, a packet socket in the server's
# namespace sends it two segments with its 4-tuple and a right checksum,
# 2^31 apart in sequence: at least one is outside the receive window, which
# TCP answers with a duplicate ACK and drops (TCP_INVALID_SEQUENCE).  Each
# is an IN record first (it passed LOCAL_IN), then its DROP.  IPv4 and IPv6.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

# in_segs: Tcp InSegs of namespace a (IPv4 and IPv6 alike).
in_segs() {
	bb_a cat /proc/net/snmp | awk '$1 == "Tcp:" { if (!h) { for (i = 1; i <= NF; i++)
		if ($i == "InSegs") c = i; h = 1 } else print $c }'
}
# idle PORT: until namespace a's connection from PORT has nothing unacked.
idle() {
	local i=0 hex=$(printf '%04X' $1)
	until bb_a cat /proc/net/tcp /proc/net/tcp6 | awk -v p=":$hex" '
		$2 ~ p "$" { split($5, q, ":"); if (q[1] ~ /^0+$/) f = 1 } END { exit !f }'; do
		i=$((i + 1))
		[ $i -lt 300 ] || die "the connection from port $1 never got its data acked"
		usleep 100000
	done
}

bb_begin
# 5.10's kfree_skb has no reason, and TCP frees what it discards with
# __kfree_skb(), which the tracepoint does not see.
lacks drop-reason && skip "this kernel's kfree_skb has no drop reason"
bb_server srv4 -p 5104 --sink
bb_server srv6 -6 -p 5106 --sink
bb_reader r
mac=$(bb_mac a va)

# inject FAMILY SERVER-ADDR PORT SRC-FMT DST-FMT
inject() {
	local six= lport
	[ $1 = 6 ] && six=-6
	bb_bg_a c$1 bbtest client $six -a $2 -p $3 --mode tail-auto --bytes 1000 --keep
	p=$BB_PID
	bb_wait_for $BB_DIR/c$1.out '^keeping' 30
	lport=$(grep '^conn n=1 ' $BB_DIR/c$1.out | bbf lport)
	# Quiet first, so that the next two segments TCP takes are these: it
	# drops each right after counting it, before the client can close.
	idle $lport
	before=$(in_segs)
	for seq in 12345 2147496993; do
		bb_b bbtest badcsum $six --good -i vb --dmac "$mac" -s "$(printf "$4" $3)" \
			-d "$(printf "$5" $lport)" --seq $seq --ack 54321
	done
	i=0
	until [ $(( $(in_segs) - before )) -ge 2 ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || die "IPv$1: TCP did not take the two segments in 30 s"
		usleep 100000
	done
	kill $p
	bb_wait $p "IPv$1 client"
}
inject 4 $BB_B4 5104 "$BB_B4:%s" "$BB_A4:%s"
inject 6 $BB_B6 5106 "[$BB_B6]:%s" "[$BB_A6]:%s"
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/c4.out $BB_DIR/c6.out $BB_DIR/r.txt

for f in 4 6; do
	c=$(bb_cookie $BB_DIR/c$f.out 1)
	bb_records $BB_DIR/r.raw "$c" > $BB_DIR/c$f.recs
	grep ' evname=drop ' $BB_DIR/c$f.recs || { cat $BB_DIR/c$f.recs; die "IPv$f: no DROP record"; }
	n=$(grep -c ' evname=drop .* drop_reason=tcp_invalid_sequence' $BB_DIR/c$f.recs || true)
	expect_num "IPv$f: drops for an invalid sequence" "$n" -ge 1
	# each DROP follows the IN record of the same segment
	awk -v f=$f '
		/ evname=in / { for (i = 1; i <= NF; i++) if ($i ~ /^seq_no=/) inseq = $i }
		/ evname=drop / {
			for (i = 1; i <= NF; i++) if ($i ~ /^seq_no=/) s = $i
			if (s != inseq) { print "IPv" f ": DROP " s " not after its IN record (" inseq ")"; bad = 1 }
			if (s != "seq_no=12345" && s != "seq_no=2147496993") { print "IPv" f ": DROP of " s "?"; bad = 1 }
		}
		END { exit bad }' $BB_DIR/c$f.recs || die "IPv$f: DROP records out of place"
done
bb_end
