# Who may use the recorder without CAP_NET_ADMIN: net.tcp_bblog.unprivileged,
# set from the initial namespace only, within 0..2.
#   0: every socket option of a user without the capability is EPERM;
#      root's work.
#   1 (the default): the options work for everyone; a rootless container
#      (unshare -Urn: root of a namespace its own user namespace owns) may
#      not set its namespace's sysctls, the host's root may.
#   2: the container may, and its auto_ratio then logs its connections.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
P=/proc/sys/net/tcp_bblog
expect_eq "default level" "$(cat $P/unprivileged)" 1
for bad in 3 -1 x; do
	echo $bad > $P/unprivileged 2> /dev/null && die "level '$bad' accepted"
done
expect_eq "level after bad writes" "$(cat $P/unprivileged)" 1
bb_a sh -c "echo 2 > $P/unprivileged" 2> /dev/null && die "the level was set from namespace a"
expect_eq "level after a write from namespace a" "$(cat $P/unprivileged)" 1

for level in 0 1 2; do
	echo $level > $P/unprivileged || die "set level $level"
	bbtest sockopt-errors --unprivileged || die "socket options at level $level"
done

if ! unshare -Ur true 2> /dev/null; then
	echo "# this kernel has no user namespaces (CONFIG_USER_NS): the container part is not run"
	echo 1 > $P/unprivileged
	bb_end
	exit 0
fi

# A rootless container writes auto_ratio=1, auto_all=1 and makes one
# loopback connection: logged only if the writes were allowed.
container() {
	unshare -Urn sh -c "
		/usr/sbin/ip link set lo up || exit 3
		echo 1 > $P/auto_ratio || exit 1
		echo 1 > $P/auto_all || exit 1
		bbtest server -p 5051 -n 1 --sink > $BB_DIR/u-srv.out &
		while ! grep -q '^listening' $BB_DIR/u-srv.out 2> /dev/null; do usleep 50000; done
		bbtest client -a 127.0.0.1 -p 5051 --bytes 1000 > /dev/null || exit 2
		wait"
}

echo 1 > $P/unprivileged
c0=$(cat $P/stat_auto_selected)
rc=0
container 2> $BB_DIR/c1.err || rc=$?
cat $BB_DIR/c1.err
expect_eq "level 1: the container's sysctl write refused (exit 1)" $rc 1
grep -q "Operation not permitted" $BB_DIR/c1.err || die "level 1: not EPERM"

echo 2 > $P/unprivileged
container || die "level 2: the container's writes or its connection failed"
c1=$(cat $P/stat_auto_selected)
echo "# auto_selected: $c0 before, $c1 after the container at level 2"
[ $((c1 - c0)) -ge 1 ] || die "level 2: the container's connection was not logged"

# Back at 1, the host's root (CAP_NET_ADMIN in the initial user namespace)
# still sets a container's sysctls; the container's root does not.
echo 1 > $P/unprivileged
unshare -Urn sleep 60 &
holder=$!
for i in $(seq 1 50); do
	[ "$(readlink /proc/$holder/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
	usleep 100000
done
nsenter -t $holder -n sh -c "echo 7 > $P/auto_ratio" || die "host root: write refused"
expect_eq "auto_ratio set by the host's root" \
	"$(nsenter -t $holder -n cat $P/auto_ratio)" 7
nsenter -t $holder -U -n --preserve-credentials sh -c "echo 8 > $P/auto_ratio" 2> /dev/null &&
	die "the container's root set auto_ratio at level 1"
kill $holder
wait $holder 2> /dev/null || true
bb_end
