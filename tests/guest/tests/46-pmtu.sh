# A path MTU reduction is not a timeout.  The client reaches the server
# through a router whose link towards the server has an MTU of 1280, while
# both ends have 1500 (so the MSS they agree on is too big for the path).
# The router answers the client's first full-size segments with ICMP
# "fragmentation needed"; the client retransmits them smaller at once
# (tcp_simple_retransmit): a PMTU_RETRANS record with the new path MTU,
# which is what puts it in CA state Loss, with no RTO in between.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
# a (va 10.9.1.1) -- (ra 10.9.1.2) r (rb 10.9.2.1, MTU 1280) -- (vb 10.9.2.2) b
ip netns del $BB_A
ip netns del $BB_B
ip netns add $BB_A
ip netns add $BB_B
ip netns add bbr
ip link add va netns $BB_A type veth peer name ra netns bbr
ip link add vb netns $BB_B type veth peer name rb netns bbr
ip -n bbr link set rb mtu 1280
ip -n $BB_A addr add 10.9.1.1/24 dev va
ip -n bbr addr add 10.9.1.2/24 dev ra
ip -n bbr addr add 10.9.2.1/24 dev rb
ip -n $BB_B addr add 10.9.2.2/24 dev vb
for ns in $BB_A $BB_B bbr; do
	ip -n $ns link set lo up
done
ip -n $BB_A link set va up
ip -n $BB_B link set vb up
ip -n bbr link set ra up
ip -n bbr link set rb up
ip -n $BB_A route add default via 10.9.1.2
ip -n $BB_B route add default via 10.9.2.1
ip netns exec bbr sysctl -qw net.ipv4.ip_forward=1
trap 'rc=$?; ip netns del bbr 2>/dev/null; (exit $rc); bb_trap_cleanup' EXIT

bb_server srv -p 5028 --sink
bb_reader r
bb_a bbtest client -a 10.9.2.2 -p 5028 --mode tail-auto --bytes 100000 \
	> $BB_DIR/cli.out || { cat $BB_DIR/cli.out; die "client"; }
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/cli.out $BB_DIR/r.txt

c=$(bb_cookie $BB_DIR/cli.out 1)
d=$(bb_dump $BB_DIR/r.txt "$c")
[ -n "$d" ] || die "no dump of the client connection"
bb_records $BB_DIR/r.raw "$c" > $BB_DIR/recs
expect_num "PMTU_RETRANS records" "$(bb_get "$d" ev_pmtu_retrans)" -ge 1
expect_eq "PMTU_RETRANS: the path MTU" "$(grep -m1 ' evname=pmtu_retrans ' $BB_DIR/recs | bbf arg1)" 1280
# The record after it: entering Loss; and after that, not an RTO.
grep -A2 -m1 ' evname=pmtu_retrans ' $BB_DIR/recs > $BB_DIR/around
lacks ca-state ||
	expect_eq "PMTU_RETRANS, then CA state" "$(sed -n 2p $BB_DIR/around | bbf evname)/$(sed -n 2p $BB_DIR/around | bbf arg2)" ca_state/4
[ "$(sed -n 3p $BB_DIR/around | bbf evname)" != rto ] || die "an RTO record right after entering Loss"
ip netns del bbr
bb_end
