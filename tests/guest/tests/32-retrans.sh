# Retransmissions under loss: with netem dropping 20% of the client's
# segments (written 1400 bytes at a time, so that there are many of them
# and a loss is not always repaired by a tail loss probe alone), its records
# show retransmitted segments (ev_retrans > 0, the records' total_retrans
# grows) and the loss recovery (a congestion state change or a
# retransmission timeout).
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
bb_sysctl a session_limit 5000
tc -n $BB_A qdisc add dev va root netem loss 20%
bb_server srv -p 5012 --sink
bb_reader r
bb_a bbtest client -a $BB_B4 -p 5012 --mode tail-auto --bytes 150000 --timeout 90 \
	--chunk 1400 --pause-ms 1 --nodelay \
	> $BB_DIR/cli.out || { cat $BB_DIR/cli.out; die "client"; }
cat $BB_DIR/cli.out
tc -n $BB_A qdisc del dev va root
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/r.txt

c=$(bb_cookie $BB_DIR/cli.out 1)
d=$(bb_dump $BB_DIR/r.txt "$c")
[ -n "$d" ] || die "no dump of the client connection"
expect_num "retransmission events" "$(bb_get "$d" ev_retrans)" -gt 0
ca=$(bb_get "$d" ev_ca) tm=$(bb_get "$d" ev_rto)
[ "$ca" -gt 0 ] || [ "$tm" -gt 0 ] || die "no congestion state change and no timer event (ev_ca=$ca ev_rto=$tm)"
tr=$(bb_records $BB_DIR/r.raw "$c" | tail -n 1 | bbf total_retrans)
expect_num "total_retrans in the last record" "$tr" -gt 0
# Every RETRANS record (arg1 = seq, arg2 = length) follows the OUT record of
# the segment that went out again: same sequence number.
bb_records $BB_DIR/r.raw "$c" > $BB_DIR/recs.txt
bad=$(awk '
	/ evname=out / { for (i = 1; i <= NF; i++) if ($i ~ /^seq_no=/) last = substr($i, 8) }
	/ evname=retrans / {
		n++
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^arg1=/) s = substr($i, 6)
			if ($i ~ /^arg2=/) l = substr($i, 6)
		}
		if (s != last || l == 0) { bad++; print "# " $0 " (last out seq " last ")" > "/dev/stderr" }
	}
	END { print (n ? bad + 0 : "none") }' $BB_DIR/recs.txt)
expect_eq "retransmissions not preceded by their OUT record" "$bad" 0
bb_end
