# The shares of the record budget (net.tcp_bblog.ns_share, unpriv_share):
# no namespace but the initial one, and no set of unprivileged callers,
# can take all of global_limit.  With 200 chunks' worth of records:
#   - namespace a logs every connection (auto_*) and wants far more than
#     its half: it gets its half, no more (its stat_budget_used), and what
#     did not fit is counted in its lost_nomem;
#   - in namespace b, an unprivileged user's connections (mode set with the
#     socket option, as uid 65534) want more than a quarter: together they
#     hold a quarter (stat_budget_unpriv_used), the rest is counted;
#   - root's connection in b still gets every record;
# and once all is closed every record is accounted for (bb_end).
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

P=/proc/sys/net/tcp_bblog
C=15			# records per chunk (4 KiB pages)
limit=$((200 * C))
st() { cat $P/stat_$1; }
st_a() { bb_a cat $P/stat_$1; }
st_b() { bb_b cat $P/stat_$1; }
# full WHO COUNTER SHARE [MORE]: the records the counter (a command) reads
# are within SHARE, and no chunk more fits.  The segments the clients sent
# may still be in flight when they say "keeping" (their last records, ACKs,
# are yet to come: on a loaded debug VM a few chunks' worth), so this waits
# up to 60 s for the count to reach the point where no chunk fits.  A chunk
# refused for want of memory rather than share (kmalloc(GFP_ATOMIC) in
# softirq, on a loaded debug VM) is a record lost like one over the share,
# and once the clients' traffic is over nothing asks again: if the count
# stays short, MORE (a command: a second wave of connections) is run once
# and the wait starts again.  A count that stays short then fails.
full() {
	local used i=0 more=${4:-}
	used=$($2)
	while [ $(($used + C)) -le $3 ] && [ $i -lt 600 ]; do
		usleep 100000
		i=$((i + 1))
		used=$($2)
		if [ $i = 300 ] && [ -n "$more" ]; then
			echo "# $1: $used records held after 30 s, share $3: $more"
			echo "#   lost_nomem a $(st_a lost_nomem) b $(st_b lost_nomem), budget_used $(st budget_used), $(grep MemFree /proc/meminfo)"
			$more
			more=
		fi
	done
	echo "# $1: $used records held, share $3 (after $i polls)"
	[ $used -le $3 ] || die "$1 hold $used records, over their share $3"
	[ $(($used + C)) -gt $3 ] ||
		die "$1 stopped at $used, short of their share $3 (lost_nomem a $(st_a lost_nomem) b $(st_b lost_nomem), budget_used $(st budget_used), $(grep MemFree /proc/meminfo))"
}

# Second waves: 10 more connections of each kind, on ports of their own.
more_pids=
more_a() {
	bb_server srv2 -p 5057 -n 10 --sink --timeout 300
	more_pids="$more_pids $BB_PID"
	bb_bg_a nsa2 bbtest client -a $BB_B4 -p 5057 -n 10 --bytes 60000 --chunk 500 \
		--nodelay --keep --timeout 300
	more_pids="$more_pids $BB_PID"
	bb_wait_for $BB_DIR/nsa2.out '^keeping' 120
}
more_b() {
	bb_bg_a srva2 bbtest server -p 5157 -n 10 --sink --timeout 300
	more_pids="$more_pids $BB_PID"
	bb_wait_for $BB_DIR/srva2.out '^listening' 20
	bb_bg_b unpriv2 bbtest client -a $BB_A4 -p 5157 -n 10 --bytes 60000 --chunk 500 \
		--nodelay --mode tail --keep --timeout 300 --uid 65534
	more_pids="$more_pids $BB_PID"
	bb_wait_for $BB_DIR/unpriv2.out '^keeping' 120
}

bb_begin
expect_eq "default ns_share" "$(cat $P/ns_share)" 50
expect_eq "default unpriv_share" "$(cat $P/unpriv_share)" 25
for bad in 101 -1 x; do
	echo $bad > $P/ns_share 2> /dev/null && die "ns_share '$bad' accepted"
done
bb_a sh -c "echo 100 > $P/ns_share" 2> /dev/null && die "ns_share set from namespace a"
expect_eq "ns_share after bad writes" "$(cat $P/ns_share)" 50
echo $limit > $P/global_limit
bb_sysctl a auto_ratio 1
bb_sysctl a auto_all 1

bb_server srv -p 5056 -n 30 --sink --timeout 300
srv=$BB_PID
# Small segments, so that each connection makes 90 to 240 records: 30 of them
# want 2 700 or more, namespace a may hold 1 500.
bb_bg_a nsa bbtest client -a $BB_B4 -p 5056 -n 30 --bytes 60000 --chunk 500 \
	--nodelay --keep --timeout 300
nsa=$BB_PID
bb_wait_for $BB_DIR/nsa.out '^keeping' 120
full "namespace a's connections" "st_a budget_used" $((limit / 2)) more_a
# Its share is full: a record that needs a chunk now is refused.  If the
# first wave wanted no more than that (on a loaded VM the clients' small
# writes go out coalesced: fewer segments, fewer records; gates 25 and 28:
# 1498 records held, none refused), the second wave asks.
if [ "$(st_a lost_nomem)" = 0 ] && [ -z "$more_pids" ]; then
	echo "# namespace a: its share full, nothing refused yet: the second wave"
	more_a
fi
i=0
while [ "$(st_a lost_nomem)" = 0 ] && [ $i -lt 300 ]; do
	usleep 100000
	i=$((i + 1))
done
[ "$(st_a lost_nomem)" -gt 0 ] || die "namespace a never ran short: the test proves nothing"
expect_num "namespace a's budget_used, after" "$(st_a budget_used)" -le $((limit / 2))

# Namespace b, as uid 65534: 20 connections that want 1 800 or more records
# (to a server in a, whose connections a's full share cannot log).
bb_bg_a srva bbtest server -p 5156 -n 21 --sink --timeout 300
srva=$BB_PID
bb_wait_for $BB_DIR/srva.out '^listening' 20
lost0=$(st_b lost_nomem)
bb_bg_b unpriv bbtest client -a $BB_A4 -p 5156 -n 20 --bytes 60000 --chunk 500 \
	--nodelay --mode tail --keep --timeout 300 --uid 65534
unpriv=$BB_PID
bb_wait_for $BB_DIR/unpriv.out '^keeping' 120
full "uid 65534's connections in b" "st budget_unpriv_used" $((limit / 4)) more_b
used=$(st budget_unpriv_used)
lost1=$(st_b lost_nomem)
[ $lost1 -gt $lost0 ] || die "the unprivileged connections never ran short: the test proves nothing"
expect_eq "namespace b's budget_used: its unprivileged connections only" "$(st_b budget_used)" $used

# Root's connection in b: every record kept.
bb_b bbtest client -a $BB_A4 -p 5156 --bytes 20000 --chunk 500 --nodelay \
	--mode tail --timeout 120 > $BB_DIR/root.out ||
	{ cat $BB_DIR/root.out; die "root's client"; }
expect_eq "records root's connection lost in b" "$(st_b lost_nomem)" $lost1
echo "# host: budget_used $(st budget_used) of $limit"
[ "$(st budget_used)" -le $limit ] || die "over global_limit"

bb_stop $nsa
bb_stop $unpriv
for p in $more_pids; do
	bb_stop $p
done
bb_wait $srv "server"
bb_end
