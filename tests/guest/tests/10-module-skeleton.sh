# The module loads, registers /dev/tcp_bblog and net.tcp_bblog in every
# network namespace, refuses writers, and unloads without a trace.
. /guest/lib.sh

load_bblog
grep -q '^tcp_bblog ' /proc/modules || die "not in /proc/modules"

dev=/dev/tcp_bblog
[ -c $dev ] || die "$dev is not a character device"
expect_eq "device mode" "$(stat -c %a $dev)" 400
expect_eq "device owner" "$(stat -c %U $dev)" root
grep -q ' tcp_bblog$' /proc/misc || die "not a misc device"

expect_eq "log_version" "$(cat /proc/sys/net/tcp_bblog/log_version)" 2
expect_eq "log_version mode" "$(stat -c %a /proc/sys/net/tcp_bblog/log_version)" 444
if (echo 7 > /proc/sys/net/tcp_bblog/log_version) 2>/dev/null; then
	die "log_version accepted a write"
fi
expect_eq "log_version after write" "$(cat /proc/sys/net/tcp_bblog/log_version)" 2

# What this kernel cannot give: read-only, said at load too, and exactly
# what the README's supported-kernels table says of it (5.10 lacks two
# tracepoints and kfree_skb's reason; its socket errors come from a kprobe;
# every kprobe is placed everywhere).
m=/proc/sys/net/tcp_bblog/missing_events
case $BBLOG_KERNEL in
bullseye) want=ca-state,bad-csum,drop-reason ;;
*) want= ;;
esac
expect_eq "missing_events" "$(cat $m)" "$want"
expect_eq "missing_events mode" "$(stat -c %a $m)" 444
if (echo x > $m) 2>/dev/null; then
	die "missing_events accepted a write"
fi
said=$(dmesg | sed -n 's/.*tcp_bblog: this kernel cannot give these events: \([^ ]*\) .*/\1/p' | tail -n 1)
expect_eq "missing events said at load" "$said" "$want"

# Writers are refused.
if (echo x > $dev) 2>/dev/null; then
	die "$dev accepted a writer"
fi

# Every network namespace has its own directory, also one created later.
ip netns add bbns1
expect_eq "log_version in netns" \
	"$(ip netns exec bbns1 cat /proc/sys/net/tcp_bblog/log_version)" 2
ip netns del bbns1

unload_bblog
[ ! -e $dev ] || die "$dev still exists after unload"
[ ! -e /proc/sys/net/tcp_bblog ] || die "sysctl directory still exists"

# Load and unload again, twice: nothing is left behind.
for i in 1 2; do
	load_bblog
	[ -c $dev ] || die "reload $i: no device"
	unload_bblog
done
