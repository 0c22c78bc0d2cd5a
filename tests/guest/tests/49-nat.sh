# NAT: the client connects to a virtual service (10.99.0.1 port 80,
# [fd99::1] port 80) that an nftables `type nat hook output` rule in its
# namespace DNATs to the real server (Docker and kube-proxy do this).  The
# connection is logged in CONTINUAL from its SYN.  Its records must hold
# what its socket sent and received: every segment the server sent (counted
# by tcpdump on the client's veth, where they carry the server's real
# address) as an incoming record, and, in both directions, the socket's own
# ports (the virtual port 80), as in the dump header.  (The hooks used to
# sit where LOCAL_IN had not yet undone the DNAT, so no incoming segment
# found its connection, and where LOCAL_OUT had already applied it, so the
# outgoing headers carried the server's real port.)
# IPv4 and IPv6.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

command -v nft > /dev/null || skip "SKIP: no nft binary in the guest (Debian package nftables)"
bb_begin
# The virtual addresses are routed to the server's side; the NAT rules
# then rewrite the destination before the segment leaves.
ip -n $BB_A route add 10.99.0.0/24 via $BB_B4 dev va
ip -n $BB_A -6 route add fd99::/64 via $BB_B6 dev va
if ! bb_a nft -f - > $BB_DIR/nft.out 2>&1 <<'NFT'
table ip bbnat {
	chain out {
		type nat hook output priority -100; policy accept;
		ip daddr 10.99.0.1 tcp dport 80 dnat to 10.9.0.2:5049
	}
}
table ip6 bbnat {
	chain out {
		type nat hook output priority -100; policy accept;
		ip6 daddr fd99::1 tcp dport 80 dnat to [fd00::2]:5050
	}
}
NFT
then
	cat $BB_DIR/nft.out
	skip "SKIP: this kernel cannot load nftables NAT rules (nf_tables, nft_chain_nat, nft_nat): $(head -n 1 $BB_DIR/nft.out)"
fi
bb_a nft list ruleset
bb_capture_a va 128 $BB_DIR/wire.pcap
tcpd=$BB_PID
bb_server srv4 -p 5049 --echo
bb_server srv6 -6 -p 5050 --echo
bb_reader r
bb_a bbtest client -a 10.99.0.1 -p 80 --mode continual --bytes 30000 --echo \
	> $BB_DIR/c4.out || { cat $BB_DIR/c4.out; die "IPv4 client"; }
bb_a bbtest client -6 -a fd99::1 -p 80 --mode continual --bytes 30000 --echo \
	> $BB_DIR/c6.out || { cat $BB_DIR/c6.out; die "IPv6 client"; }
bb_settle
bb_drained
bb_stop $tcpd
bb_stop $BB_PID
cat $BB_DIR/tcpd.out $BB_DIR/c4.out $BB_DIR/c6.out
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
mkdir -p $BB_DIR/rec
bblog record -f $BB_DIR/r.raw -D $BB_DIR/rec > $BB_DIR/rec.out 2>&1 ||
	{ cat $BB_DIR/rec.out; die "bblog record -f"; }

# problem WHAT: one failed check (all are reported, then the test fails).
problems=0
problem() {
	echo "FAIL: $*"
	problems=$((problems + 1))
}

check() {	# check FAMILY OUT VIRTUAL REAL REALPORT
	local c lport d n wire files bad
	c=$(bb_cookie $2 1)
	lport=$(grep '^conn n=1 ' $2 | bbf lport)
	d=$(bb_dump $BB_DIR/r.txt "$c")
	[ -n "$d" ] || die "IPv$1: no dump of the client connection"
	echo "# IPv$1: $d"
	expect_eq "IPv$1: dump header: the socket's tuple" \
		"$(bb_get "$d" lport) $(bb_get "$d" faddr) $(bb_get "$d" fport)" "$lport $3 80"
	n=$(bb_records $BB_DIR/r.raw "$c" | grep -c ' evname=in ' || true)
	# What the server sent to this connection, on the wire (after DNAT).
	wire=$(tcpdump -r $BB_DIR/wire.pcap -n "src host $4 and src port $5 and dst port $lport" \
		2>/dev/null | wc -l)
	echo "# IPv$1: $n incoming records, $wire segments from the server on the wire"
	expect_num "IPv$1: segments from the server on the wire" "$wire" -ge 5
	# Logging ends when the socket enters TIME_WAIT; a last segment may
	# reach it after that.
	if [ "$n" -lt $((wire - 2)) ] || [ "$n" -gt "$wire" ]; then
		problem "IPv$1: $n incoming records (BBLOG_EV_IN), want $wire (or up to 2 fewer)"
	fi
	# The ports of every segment record, as bblog writes them (the
	# addresses come from the dump header, the ports from the record).
	files=$(ls $BB_DIR/rec/*_"${lport}"_"$3"_80.*.pcapng 2>/dev/null)
	[ -n "$files" ] || { ls $BB_DIR/rec; die "IPv$1: no pcapng file of the client connection"; }
	bblog show --json $files |
		sed -nE 's/.*"direction":"(in|out)".*"sport":([0-9]+),.*"dport":([0-9]+),.*/\1 \2 \3/p' \
		> $BB_DIR/ports$1.txt
	expect_num "IPv$1: outgoing segment records in the pcapng" \
		"$(grep -c '^out ' $BB_DIR/ports$1.txt || true)" -ge 5
	expect_eq "IPv$1: incoming segment records in the pcapng" \
		"$(grep -c '^in ' $BB_DIR/ports$1.txt || true)" "$n"
	bad=$(grep -v -e "^out $lport 80\$" -e "^in 80 $lport\$" $BB_DIR/ports$1.txt |
		sort | uniq -c)
	[ -z "$bad" ] || problem "IPv$1: segment records whose ports are not the socket's ($lport, 80):
$bad"
}
check 4 $BB_DIR/c4.out 10.99.0.1 $BB_B4 5049
check 6 $BB_DIR/c6.out fd99::1 $BB_B6 5050
[ $problems = 0 ] || die "$problems check(s) failed"
bb_end
