# Who owns a connection, for programs that set no socket option (copies of
# bbtest named ownsrv and owncli, so that their command names differ),
# configured with bblog alone:
# 1. Before accept() a passive connection's owner is unknown: its dump says
#    so (owner_how 0, pid 0, no name), and so does bblog list.
# 2. Once accepted, the server side is owned by the process that accepted
#    it and the client side by the one that connected: in dumps and in
#    bblog list (pid, name, how; the cgroup, and its path, where the kernel
#    keeps socket cgroups).
# 3. bblog record writes the owner and the cgroup (with its path) into the
#    records index and into the pcapng's SHB comment, which
#    tests/host/59-owner.sh reads back with capinfos.
# 4. A connection made before the module was loaded, then logged with
#    bblog set by filter, has no owner (bblog is not it).
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

out=/tmp/export/59-owner
rm -rf $out
mkdir -p $out/rec

# pid_of NAME: the pid of the one process whose command name is NAME.
pid_of() {
	local p n=
	for p in /proc/[0-9]*; do
		[ "$(cat $p/comm 2> /dev/null)" = "$1" ] && n="$n ${p#/proc/}"
	done
	set -- $n
	[ $# = 1 ] || die "processes named $1: $n"
	echo $1
}

cp /usr/local/bin/bbtest /tmp/ownsrv
cp /usr/local/bin/bbtest /tmp/owncli

# 4 first: a connection older than the module.
bb_begin noload
bb_server old -p 5074 -n 1 --sink
bb_bg_a oldc bbtest client -a $BB_B4 -p 5074 --bytes 1000 --keep
oldc=$BB_PID
bb_wait_for $BB_DIR/oldc.out '^keeping' 60
bb_load

cg=
if grep -q cgroup2 /proc/filesystems; then
	# Not under /sys: "ip netns exec" mounts a sysfs of its own there.
	CG=/tmp/bbcg59
	mkdir -p $CG
	mount -t cgroup2 none $CG || die "mount cgroup2"
	mkdir -p $CG/own/web
	cg=$(stat -c %i $CG/own/web)
fi

bb_b bblog rule add sport 5071 passive mode tail id own-s > /dev/null || die "rule add b"
bb_a bblog rule add dport 5071 active mode tail id own-c > /dev/null || die "rule add a"
bb_reader r
bb_record_start $out/rec
rec=$BB_PID

# 1. accepted only once $BB_DIR/go exists
if [ -n "$cg" ]; then
	bb_bg_b srv sh -c "echo \$\$ > $CG/own/web/cgroup.procs && exec /tmp/ownsrv server -p 5071 -n 2 --sink --accept-wait $BB_DIR/go"
else
	bb_bg_b srv /tmp/ownsrv server -p 5071 -n 2 --sink --accept-wait $BB_DIR/go
fi
srv=$BB_PID
bb_wait_for $BB_DIR/srv.out '^listening' 20
bb_bg_a cli /tmp/owncli client -a $BB_B4 -p 5071 -n 2 --bytes 2000 --keep
cli=$BB_PID
bb_wait_for $BB_DIR/cli.out '^keeping' 60
bb_b bblog list --json sport 5071 > $BB_DIR/l1.json
cat $BB_DIR/l1.json
expect_eq "1: two server-side connections" "$(wc -l < $BB_DIR/l1.json)" 2
expect_eq "1: owner unknown before accept()" \
	"$(jq -r '"\(.owner_how) \(.owner_pid) \(.owner_comm)"' $BB_DIR/l1.json | sort -u)" \
	"unknown null null"
p=$(jq -r .cookie $BB_DIR/l1.json | head -n 1)
bb_b bblog dump --cookie $p --reason pre-accept > /dev/null || die "dump before accept"

# 2. accepted
touch $BB_DIR/go
bb_wait_for $BB_DIR/srv.out '^accepted n=2 ' 30
spid=$(pid_of ownsrv)
cpid=$(pid_of owncli)
expect_eq "2: the server is the process started" "$spid" "$srv"
bb_b bblog list --json sport 5071 > $BB_DIR/l2.json
bb_a bblog list --json dport 5071 > $BB_DIR/l2c.json
bb_b bblog list sport 5071 > $BB_DIR/l2.txt
bb_show $BB_DIR/l2.json $BB_DIR/l2c.json $BB_DIR/l2.txt
expect_eq "2: server side owned by the acceptor" \
	"$(jq -r '"\(.owner_how) \(.owner_pid) \(.owner_comm)"' $BB_DIR/l2.json | sort -u)" \
	"accept $spid ownsrv"
expect_eq "2: client side owned by the connector" \
	"$(jq -r '"\(.owner_how) \(.owner_pid) \(.owner_comm)"' $BB_DIR/l2c.json | sort -u)" \
	"connect $cpid owncli"
expect_eq "2: list shows the owner" "$(grep -c " ownsrv\[$spid\] " $BB_DIR/l2.txt)" 2
if [ -n "$cg" ]; then
	expect_eq "2: cgroup (the listener's: the server made it in the cgroup)" \
		"$(jq -r .cgroup $BB_DIR/l2.json | sort -u)" "$cg"
	expect_eq "2: cgroup path" "$(jq -r .cgroup_path $BB_DIR/l2.json | sort -u)" /own/web
fi
bb_b bblog dump sport 5071 --reason accepted > /dev/null || die "dump server side"
bb_a bblog dump dport 5071 --reason connected > /dev/null || die "dump client side"

# 4. the connection older than the module
bb_a bblog set dport 5074 --mode tail > /dev/null || die "set the old connection"
bb_a bblog list --json dport 5074 > $BB_DIR/l4.json
cat $BB_DIR/l4.json
expect_eq "4: no owner for a connection made before the module" \
	"$(jq -r .owner_how $BB_DIR/l4.json)" unknown

kill $cli
bb_wait $cli "client"
bb_wait $srv "server"
kill $oldc
bb_wait $oldc "old client"
bb_wait_for $BB_DIR/old.out '^done' 30
bb_settle
bb_drained
bb_stop $BB_PID
bb_stop $rec
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/r.txt

own() { echo "$(bb_get "$1" owner_how)/$(bb_get "$1" owner_pid)/$(bb_get "$1" owner_comm)"; }
d=$(grep "^dump .* cookie=$p .* reason=pre-accept " $BB_DIR/r.txt)
[ -n "$d" ] || die "1: no dump before accept"
expect_eq "1: dump: owner unknown" "$(own "$d")" "0/0/"
[ -z "$cg" ] || expect_eq "1: dump: cgroup" "$(bb_get "$d" cgroup)" "$cg"
expect_eq "2: server dumps" "$(grep -c "^dump .* reason=accepted " $BB_DIR/r.txt)" 2
grep "^dump .* reason=accepted " $BB_DIR/r.txt | while read -r d; do
	expect_eq "2: server dump: owner" "$(own "$d")" "2/$spid/ownsrv"
	[ -z "$cg" ] || expect_eq "2: server dump: cgroup" "$(bb_get "$d" cgroup)" "$cg"
done
expect_eq "2: client dumps" "$(grep -c "^dump .* reason=connected " $BB_DIR/r.txt)" 2
grep "^dump .* reason=connected " $BB_DIR/r.txt | while read -r d; do
	expect_eq "2: client dump: owner" "$(own "$d")" "1/$cpid/owncli"
done

# 3. the records index: one file per connection, its line as of its last
# dump; the SHB comment as of its first (for the host to check)
cat $out/rec/records
expect_eq "3: index lines" "$(wc -l < $out/rec/records)" 4
expect_eq "3: index: server owner" \
	"$(jq -r 'select(.lport == 5071) | "\(.owner_how) \(.owner_pid) \(.owner_comm)"' \
		$out/rec/records | sort -u)" "accept $spid ownsrv"
expect_eq "3: index: client owner" \
	"$(jq -r 'select(.fport == 5071) | "\(.owner_how) \(.owner_pid) \(.owner_comm)"' \
		$out/rec/records | sort -u)" "connect $cpid owncli"
if [ -n "$cg" ]; then
	expect_eq "3: index: cgroup" \
		"$(jq -r 'select(.lport == 5071) | "\(.cgroup) \(.cgroup_path)"' $out/rec/records | sort -u)" \
		"$cg /own/web"
fi
jq -r "select(.lport == 5071 or .fport == 5071) |
	\"\(.filename)|\(if .cookie == $p then \"unknown\" elif .lport == 5071 then
		\"ownsrv[$spid] (accept)\" else \"owncli[$cpid] (connect)\" end)|\(.cgroup)|\(.cgroup_path // \"\")\"" \
	$out/rec/records > $out/expect
cat $out/expect

bb_a bblog rule flush
bb_b bblog rule flush
if [ -n "$cg" ]; then
	rmdir $CG/own/web $CG/own
	umount $CG
fi
bb_end
