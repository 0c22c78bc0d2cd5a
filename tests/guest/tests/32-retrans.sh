# Retransmissions under loss: with netem dropping 20% of the client's
# segments (written 1400 bytes at a time, so that there are many of them
# and a loss is not always repaired by a tail loss probe alone), its records
# show retransmitted segments (ev_retrans > 0, the records' total_retrans
# grows) and the loss recovery (a congestion state change or a
# retransmission timeout).  The counters tcp_info has (issue 8 §5) are the
# kernel's: the connection's last record (its end) has the bytes sent and
# retransmitted that TCP_INFO gave once everything was acknowledged (no
# data is sent after), at least its DSACKs and reorderings, and the time
# with data in flight (the FIN then adds some).
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
bb_sysctl a session_limit 5000
tc -n $BB_A qdisc add dev va root netem loss 20%
bb_server srv -p 5012 --sink
bb_reader r
bb_a bbtest client -a $BB_B4 -p 5012 --mode tail-auto --bytes 150000 --timeout 90 \
	--chunk 1400 --pause-ms 1 --nodelay --info \
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
info=$(grep '^info ' $BB_DIR/cli.out)
[ -n "$info" ] || die "the client printed no TCP_INFO"
expect_eq "TCP_INFO taken with nothing unacknowledged" "$(bb_get "$info" unacked)" 0
last=$(bb_records $BB_DIR/r.raw "$c" | tail -n 1)
expect_eq "the last record is the end" "$(bb_get "$last" evname)" connend
expect_eq "bytes_sent: the end's = TCP_INFO's" "$(bb_get "$last" bytes_sent)" \
	"$(bb_get "$info" bytes_sent)"
expect_num "bytes_sent" "$(bb_get "$last" bytes_sent)" -ge 150000
expect_eq "bytes_retrans: the end's = TCP_INFO's" "$(bb_get "$last" bytes_retrans)" \
	"$(bb_get "$info" bytes_retrans)"
expect_num "bytes_retrans" "$(bb_get "$last" bytes_retrans)" -gt 0
expect_num "dsack_dups: the end's >= TCP_INFO's" "$(bb_get "$last" dsack_dups)" \
	-ge "$(bb_get "$info" dsack_dups)"
expect_num "reord_seen: the end's >= TCP_INFO's" "$(bb_get "$last" reord_seen)" \
	-ge "$(bb_get "$info" reord_seen)"
expect_num "busy_ms: the end's >= TCP_INFO's" "$(bb_get "$last" busy_ms)" \
	-ge $(( $(bb_get "$info" busy_us) / 1000 ))
expect_num "busy_ms" "$(bb_get "$last" busy_ms)" -gt 0
# the counters never go back, record to record (those with the TCP state)
bb_records $BB_DIR/r.raw "$c" | awk '
	{ for (i = 1; i <= NF; i++) { p = index($i, "="); v[substr($i, 1, p - 1)] = substr($i, p + 1) }
	  if (int(substr(v["flags"], 3, 1)) % 4 < 2) next
	  if (n++ && (v["bytes_sent"] + 0 < bs || v["bytes_retrans"] + 0 < br || v["busy_ms"] + 0 < bu))
		{ bad++; print "# went back: " $0 > "/dev/stderr" }
	  bs = v["bytes_sent"] + 0; br = v["bytes_retrans"] + 0; bu = v["busy_ms"] + 0 }
	END { exit bad > 0 }' || die "a counter went back between records"
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
