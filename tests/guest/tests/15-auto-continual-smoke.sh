# With auto_ratio=1 auto_all=1 auto_mode=CONTINUAL, every connection of an
# iperf3 run (control and data, both sides) is logged and dumped at close.
. /guest/lib.sh

load_bblog
sysctl -w net.tcp_bblog.auto_mode=4 net.tcp_bblog.auto_all=1 net.tcp_bblog.auto_ratio=1
ip link set lo up
# Reader first: it gets every dump made while it is open.
dd if=/dev/tcp_bblog of=/tmp/dumps bs=4M 2>/dev/null &
reader=$!
iperf3 -s -1 -p 5201 > /tmp/iperf-s.log 2>&1 &
srv=$!
# Until it listens (port 5201 is 1451 in /proc/net/tcp6: iperf3 binds ::).
i=0
until cat /proc/net/tcp /proc/net/tcp6 |
	awk '$4 == "0A" && $2 ~ /:1451$/ { f = 1 } END { exit !f }'; do
	i=$((i + 1))
	[ $i -lt 200 ] || die "iperf3 server did not listen"
	usleep 100000
done
iperf3 -c 127.0.0.1 -p 5201 -n 200K > /tmp/iperf-c.log 2>&1 || { cat /tmp/iperf-c.log; die "iperf3 client"; }
wait $srv
# Until every connection has ended and the reader has taken every dump.
i=0
until [ "$(cat /proc/sys/net/tcp_bblog/stat_conns_active)" = 0 ] &&
      [ "$(cat /proc/sys/net/tcp_bblog/stat_dumps_queued)" = 0 ]; do
	i=$((i + 1))
	[ $i -lt 600 ] || die "connections or dumps left after 60 s"
	usleep 100000
done
# Every dump delivered is in the file once dd has written what it read:
# the stream's exact length follows from the counters (a dump's header,
# struct bblog_dump, is 304 bytes; a record 288).
want=$(( $(cat /proc/sys/net/tcp_bblog/stat_dumps) * 304 +
	 $(cat /proc/sys/net/tcp_bblog/stat_dump_records) * 288 ))
i=0
until [ "$(wc -c < /tmp/dumps)" = "$want" ]; do
	i=$((i + 1))
	[ $i -lt 600 ] || die "dd wrote $(wc -c < /tmp/dumps) bytes, the device delivered $want"
	usleep 100000
done
kill $reader
wait $reader || true

# At least four connections (control and data, each seen from both ends;
# iperf3 may open more), every one dumped at close and delivered, but a
# passive child that lost the race for its request to a twin made on the
# other CPU (stat_discarded: never a connection, nothing to dump).
grep . /proc/sys/net/tcp_bblog/stat_*
conns=$(( $(cat /proc/sys/net/tcp_bblog/stat_conns) - $(cat /proc/sys/net/tcp_bblog/stat_discarded) ))
[ "$conns" -ge 4 ] || die "only $conns connections logged"
size=$(wc -c < /tmp/dumps)
[ "$size" -gt $((conns * 304)) ] || die "only $size bytes of dumps"
# First message header: version 2, type 1 (little-endian u32s).
expect_eq "first version/type" "$(od -An -tu4 -N8 /tmp/dumps | tr -s ' ')" " 2 1"
expect_eq "stat_dumps" "$(cat /proc/sys/net/tcp_bblog/stat_dumps)" "$conns"
expect_eq "stat_delivered" "$(cat /proc/sys/net/tcp_bblog/stat_delivered)" "$conns"
[ "$(cat /proc/sys/net/tcp_bblog/stat_records)" -gt 40 ] || die "few records"
expect_eq "nothing queued" "$(cat /proc/sys/net/tcp_bblog/stat_dumps_queued)" 0
expect_eq "no connection left" "$(cat /proc/sys/net/tcp_bblog/stat_conns_active)" 0
expect_eq "nothing lost" "$(cat /proc/sys/net/tcp_bblog/stat_lost_nomem)" 0
expect_eq "budget returned" "$(cat /proc/sys/net/tcp_bblog/stat_budget_used)" 0
unload_bblog
