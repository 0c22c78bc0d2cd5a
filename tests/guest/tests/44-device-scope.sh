# Who reads which dumps.  Opening /dev/tcp_bblog needs CAP_NET_ADMIN over
# the opener's network namespace, whatever the file mode: a user without
# it gets EPERM.  A reader in the initial namespace (root) sees every
# namespace's dumps; a reader in another network namespace sees that
# namespace's only (a container without a user namespace of its own); a
# reader in a user namespace of its own (a rootless container, unshare -Urn)
# sees the namespaces that user namespace owns, not the host's.  The
# counters: each namespace's stat_* count its own connections and dumps,
# the initial namespace's the host's.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

bb_begin
ino_a=$(bb_a stat -L -c %i /proc/self/ns/net)
ino_b=$(bb_b stat -L -c %i /proc/self/ns/net)

# 1. No CAP_NET_ADMIN: refused even when the file mode lets it open.
chmod 0444 /dev/tcp_bblog
out=$(bbtest devread --uid 65534 -n -o /dev/null 2>&1) &&
	die "a user without CAP_NET_ADMIN read the device: $out"
echo "# unprivileged open: $out"
echo "$out" | grep -q 'Operation not permitted' || die "unprivileged open: want EPERM, got: $out"
chmod 0400 /dev/tcp_bblog

# 2. Root in the initial namespace, and a reader in namespace a.
bb_reader all
rall=$BB_PID
rm -f $BB_DIR/ina.ready
bb_bg_a ina bbtest devread -o $BB_DIR/ina.raw --ready $BB_DIR/ina.ready
rina=$BB_PID
bb_wait_file $BB_DIR/ina.ready 20

# 3. A rootless container, if the kernel has user namespaces: its reader
# opens first, then the host's connection dumps, then its own two, which
# it reads and exits.
if unshare -Ur true 2> /dev/null; then
	userns=1
	bb_bg uns unshare -Urn sh -c "
		/usr/sbin/ip link set lo up || exit 1
		bbtest devread -o $BB_DIR/uns.raw --ready $BB_DIR/uns.ready --count 2 --timeout 200 &
		r=\$!
		while [ ! -e $BB_DIR/go ]; do usleep 50000; done
		bbtest server -p 5046 -n 1 --sink --mode tail-auto --listener > $BB_DIR/uns-srv.out &
		while ! grep -q '^listening' $BB_DIR/uns-srv.out 2> /dev/null; do usleep 50000; done
		bbtest client -a 127.0.0.1 -p 5046 --mode tail-auto --bytes 10000 > $BB_DIR/uns-cli.out || exit 2
		wait \$r
		cat /proc/sys/net/tcp_bblog/stat_conns > $BB_DIR/uns.conns
		cat /proc/sys/net/tcp_bblog/stat_dumps > $BB_DIR/uns.dumps
		stat -L -c %i /proc/self/ns/net > $BB_DIR/uns.ino"
	uns=$BB_PID
	bb_wait_file $BB_DIR/uns.ready 20
else
	userns=0
	echo "# this kernel has no user namespaces (CONFIG_USER_NS): the rootless part is not run"
fi

# One connection from a to b, both ends dumped at close: one dump in each.
bb_server srv -p 5045 -n 1 --sink --mode tail-auto --listener
bb_a bbtest client -a $BB_B4 -p 5045 --mode tail-auto --bytes 20000 > $BB_DIR/cli.out ||
	{ cat $BB_DIR/cli.out; die "client"; }
bb_settle
touch $BB_DIR/go
[ $userns = 0 ] || bb_wait $uns "the rootless container"
bb_settle
bb_drained
bb_stop $rall
bb_stop $rina
bb_parse $BB_DIR/all.raw $BB_DIR/all.txt
bb_parse $BB_DIR/ina.raw $BB_DIR/ina.txt
cat $BB_DIR/all.txt $BB_DIR/ina.txt
nsof() { grep '^dump ' "$1" | bbf netns | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }'; }
echo "# root sees: $(nsof $BB_DIR/all.txt); the reader in a: $(nsof $BB_DIR/ina.txt)"
expect_eq "root: dumps of a" "$(grep -c "^dump .* netns=$ino_a " $BB_DIR/all.txt)" 1
expect_eq "root: dumps of b" "$(grep -c "^dump .* netns=$ino_b " $BB_DIR/all.txt)" 1
expect_eq "reader in a: dumps of a" "$(grep -c "^dump .* netns=$ino_a " $BB_DIR/ina.txt)" 1
expect_eq "reader in a: dumps" "$(bb_ndumps $BB_DIR/ina.txt)" 1
if [ $userns = 1 ]; then
	ino_u=$(cat $BB_DIR/uns.ino)
	bb_parse $BB_DIR/uns.raw $BB_DIR/uns.txt
	cat $BB_DIR/uns.txt
	echo "# the rootless container sees: $(nsof $BB_DIR/uns.txt)"
	expect_eq "rootless container: its own dumps" \
		"$(grep -c "^dump .* netns=$ino_u " $BB_DIR/uns.txt)" 2
	expect_eq "rootless container: dumps" "$(bb_ndumps $BB_DIR/uns.txt)" 2
	expect_eq "root: the container's dumps" \
		"$(grep -c "^dump .* netns=$ino_u " $BB_DIR/all.txt)" 2
fi

# 4. The counters.
P=/proc/sys/net/tcp_bblog
uc=0 ud=0
if [ $userns = 1 ]; then
	uc=$(cat $BB_DIR/uns.conns)
	ud=$(cat $BB_DIR/uns.dumps)
	expect_eq "the container's stat_dumps" $ud 2
fi
ca=$(bb_a cat $P/stat_conns) cb=$(bb_b cat $P/stat_conns) ch=$(cat $P/stat_conns)
echo "# stat_conns: a $ca, b $cb, container $uc, host $ch"
expect_eq "stat_conns in a (the client)" $ca 1
[ $cb -ge 1 ] || die "stat_conns in b: $cb"
expect_eq "stat_conns of the host: the namespaces' sum" $ch $((ca + cb + uc))
expect_eq "stat_dumps in a" "$(bb_a cat $P/stat_dumps)" 1
expect_eq "stat_dumps in b" "$(bb_b cat $P/stat_dumps)" 1
expect_eq "stat_dumps of the host" "$(cat $P/stat_dumps)" $((2 + ud))
expect_eq "stat_delivered in a (root's reader and a's)" "$(bb_a cat $P/stat_delivered)" 2
expect_eq "stat_delivered in b (root's reader)" "$(bb_b cat $P/stat_delivered)" 1
expect_eq "stat_records in a: what a's dump holds" "$(bb_a cat $P/stat_records)" \
	"$(grep "^dump .* netns=$ino_a " $BB_DIR/all.txt | bbf nrecords)"
bb_end
