# IPv4 and IPv6: the dump header describes the connection exactly (family,
# BBLOG_DF_IPV6, addresses, ports in network order, SO_COOKIE, the network
# namespace's inode, uid, congestion control) and the records start with
# the SYN sent in SYN_SENT and show the state changes to ESTABLISHED.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
ns_a=$(bb_a stat -L -c %i /proc/self/ns/net)
bb_server srv4 -p 5014 --sink
bb_server srv6 -6 -p 5015 --sink
bb_reader r
bb_a bbtest client -a $BB_B4 -p 5014 --mode tail-auto --bytes 10000 > $BB_DIR/c4.out ||
	{ cat $BB_DIR/c4.out; die "IPv4 client"; }
bb_a bbtest client -6 -a $BB_B6 -p 5015 --mode tail-auto --bytes 10000 > $BB_DIR/c6.out ||
	{ cat $BB_DIR/c6.out; die "IPv6 client"; }
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/c4.out $BB_DIR/c6.out $BB_DIR/r.txt

check_family() {	# check_family OUT FAMILY FLAGS LADDR FADDR FPORT
	local c lport d r
	c=$(bb_cookie $1 1)
	lport=$(grep '^conn n=1 ' $1 | bbf lport)
	d=$(bb_dump $BB_DIR/r.txt "$c")
	[ -n "$d" ] || die "IPv$2: no dump of cookie $c"
	expect_eq "IPv$2: family" "$(bb_get "$d" family)" $2
	expect_eq "IPv$2: flags" "$(bb_get "$d" flags)" $3
	expect_eq "IPv$2: laddr" "$(bb_get "$d" laddr)" $4
	expect_eq "IPv$2: faddr" "$(bb_get "$d" faddr)" $5
	expect_eq "IPv$2: lport" "$(bb_get "$d" lport)" "$lport"
	expect_eq "IPv$2: fport" "$(bb_get "$d" fport)" $6
	expect_eq "IPv$2: netns" "$(bb_get "$d" netns)" "$ns_a"
	expect_eq "IPv$2: uid" "$(bb_get "$d" uid)" 0
	expect_eq "IPv$2: mode" "$(bb_get "$d" mode)" 5
	[ -n "$(bb_get "$d" ca)" ] || die "IPv$2: no congestion control name"
	r=$(bb_first_seg $BB_DIR/r.raw "$c")
	expect_eq "IPv$2: first record" "$(bb_get "$r" evname)/$(bb_get "$r" tflags)/$(bb_get "$r" state)" out/S/2
	r=$(bb_records $BB_DIR/r.raw "$c" | grep ' evname=state ' | grep ' arg2=1 ' | head -n 1)
	[ -n "$r" ] || die "IPv$2: no state change to ESTABLISHED"
	expect_eq "IPv$2: state change from SYN_SENT" "$(bb_get "$r" arg1)" 2
	r=$(bb_records $BB_DIR/r.raw "$c" | grep ' evname=out ' | grep ' payload_len=[1-9]' | head -n 1)
	[ -n "$r" ] || die "IPv$2: no data segment sent"
}
check_family $BB_DIR/c4.out 4 0x1 $BB_A4 $BB_B4 5014
check_family $BB_DIR/c6.out 6 0x3 $BB_A6 $BB_B6 5015
bb_end
