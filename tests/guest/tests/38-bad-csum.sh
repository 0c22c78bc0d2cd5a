# Checksum errors: while a logged connection is open, a packet socket in the
# other namespace sends it a segment (its 4-tuple, seq 12345, ack 54321)
# whose TCP checksum is wrong.  The connection's dump holds a BAD_CSUM
# record with that segment's header, and the kernel's own counter
# (Tcp InCsumErrors of the receiving namespace) agrees that one arrived.
# IPv4 and IPv6.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

# csum_errors a|b: Tcp InCsumErrors of that namespace (IPv4 and IPv6 alike).
csum_errors() {
	bb_$1 cat /proc/net/snmp | awk '$1 == "Tcp:" { if (!h) { for (i = 1; i <= NF; i++)
		if ($i == "InCsumErrors") c = i; h = 1 } else print $c }'
}

bb_begin
lacks bad-csum && skip "this kernel has no tcp_bad_csum tracepoint"
bb_server srv4 -p 5019 --sink
bb_server srv6 -6 -p 5029 --sink
bb_reader r
mac=$(bb_mac a va)

# check FAMILY SERVER-ADDR PORT SRC-FMT DST-FMT
check() {
	local six= lport before after
	[ $1 = 6 ] && six=-6
	# The client keeps its connection open until SIGTERM.
	bb_bg_a c$1 bbtest client $six -a $2 -p $3 --mode tail-auto --bytes 1000 --keep
	p=$BB_PID
	bb_wait_for $BB_DIR/c$1.out '^keeping' 30
	lport=$(grep '^conn n=1 ' $BB_DIR/c$1.out | bbf lport)
	before=$(csum_errors a)
	bb_b bbtest badcsum $six -i vb --dmac "$mac" -s "$(printf "$4" $3)" \
		-d "$(printf "$5" $lport)" --seq 12345 --ack 54321
	i=0
	until [ $(( $(csum_errors a) - before )) -ge 1 ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || break
		usleep 100000
	done
	after=$(csum_errors a)
	expect_eq "IPv$1: InCsumErrors counted by the kernel" $((after - before)) 1
	kill $p
	bb_wait $p "IPv$1 client"
}
check 4 $BB_B4 5019 "$BB_B4:%s" "$BB_A4:%s"
check 6 $BB_B6 5029 "[$BB_B6]:%s" "[$BB_A6]:%s"
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/c4.out $BB_DIR/c6.out $BB_DIR/r.txt

for f in 4 6; do
	c=$(bb_cookie $BB_DIR/c$f.out 1)
	d=$(bb_dump $BB_DIR/r.txt "$c")
	[ -n "$d" ] || die "IPv$f: no dump of the client connection"
	expect_eq "IPv$f: BAD_CSUM records" "$(bb_get "$d" ev_bad_csum)" 1
	r=$(bb_records $BB_DIR/r.raw "$c" | grep ' evname=bad_csum ')
	echo "$r"
	expect_eq "IPv$f: BAD_CSUM header seq" "$(bb_get "$r" seq_no)" 12345
	expect_eq "IPv$f: BAD_CSUM header ack" "$(bb_get "$r" ack_no)" 54321
	expect_eq "IPv$f: BAD_CSUM payload" "$(bb_get "$r" payload_len)" 4
done
bb_end
