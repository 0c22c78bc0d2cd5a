# Selection rules, through bblog alone, for programs that set no socket
# option (bbtest server and client without their logging flags are plain
# TCP programs):
# 1. A rule for one server port with its own trigger rst-recv (the
#    namespace has none): of three connections only the one the peer
#    resets is dumped, from its creation on; the others stay in rings and
#    list shows them with the rule; a port no rule names is not logged.
# 2. First match wins: "sport 5062 mode off" before a port range; an ID
#    derived from the port; hits and selected per rule; a record limit and
#    a counted ratio.
# 3. A client-side rule on direction, destination prefix and uid.
# 4. Sampling by ID: client and server, in two namespaces, keep the same IDs.
# 5. Bulk set and dump of existing connections by filter.
# 6. A cgroup rule (where the kernel keeps socket cgroups).
# 7. Refusals: unprivileged changes, malformed rules (from bblog, and raw
#    requests with malformed, oversized, unknown or missing attributes,
#    each refused with an extended-ACK reason); nothing changes, and
#    one namespace does not see another's rules.
# Closed connections with an ID stay listed (closed_retention_ms): each
# part lists its own ports.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

ids() { jq -r .id | sort | tr '\n' ' '; }

bb_begin
expect_eq "no rule at first" "$(bb_b bblog rule list --json | wc -l)" 0

# 1. a rule for server port 5058 with trigger rst-recv
h1=$(bb_b bblog rule add sport 5058 passive mode tail id web triggers rst-recv) ||
	die "rule add 1"
bb_server srv1 -p 5058 -n 3 --sink
bb_server srv1x -p 5059 -n 1 --sink
bb_reader r1
for n in 1 2; do
	bb_a bbtest client -a $BB_B4 -p 5058 --bytes 20000 > $BB_DIR/c1$n.out ||
		{ cat $BB_DIR/c1$n.out; die "client 1.$n"; }
done
bb_a bbtest client -a $BB_B4 -p 5058 --bytes 1000 --rst > $BB_DIR/c13.out ||
	{ cat $BB_DIR/c13.out; die "client 1.3"; }
bb_a bbtest client -a $BB_B4 -p 5059 --bytes 1000 > $BB_DIR/c14.out ||
	{ cat $BB_DIR/c14.out; die "client 1.4"; }
bb_wait_for $BB_DIR/srv1.out '^done' 20
bb_wait_for $BB_DIR/srv1x.out '^done' 20
bb_settle
bb_b bblog list --json > $BB_DIR/l1.json
bb_b bblog rule list > $BB_DIR/rules1.txt
bb_stop $BB_PID
bb_parse $BB_DIR/r1.raw $BB_DIR/r1.txt
bb_show $BB_DIR/l1.json $BB_DIR/rules1.txt $BB_DIR/r1.txt
s3=$(bb_cookie $BB_DIR/srv1.out 3 accepted)
expect_eq "1: dumps (only the reset connection)" "$(bb_ndumps $BB_DIR/r1.txt)" 1
d=$(bb_dump $BB_DIR/r1.txt "$s3")
[ -n "$d" ] || die "1: no dump of the reset connection"
expect_eq "1: reason" "$(bb_get "$d" reason)" trigger:rst-recv
expect_eq "1: ID" "$(bb_get "$d" id)" web
bb_expect_passive_start "1: first records: the handshake, created" $BB_DIR/r1.raw "$s3"
expect_eq "1: last record: the reset" "$(bb_records $BB_DIR/r1.raw "$s3" | tail -n 1 | bbf evname)" rst_recv
expect_eq "1: the three connections of port 5058, by the rule" \
	"$(jq -r 'select(.lport == 5058) | "\(.rule) \(.id)"' $BB_DIR/l1.json | sort -u)" "$h1 web"
expect_eq "1: three of them" "$(jq -r 'select(.lport == 5058) | .cookie' $BB_DIR/l1.json | wc -l)" 3
expect_eq "1: port 5059 not logged" "$(jq -r 'select(.lport == 5059) | .cookie' $BB_DIR/l1.json | wc -l)" 0
grep -q "^$h1:	sport 5058 passive mode tail id web triggers rst-recv	\[hits [0-9]* selected [0-9]*\]$" \
	$BB_DIR/rules1.txt || die "1: rule list"
expect_num "1: the rule selected" "$(sed 's/.*selected \([0-9]*\).*/\1/' $BB_DIR/rules1.txt)" -ge 3
expect_eq "1: the namespace's triggers stay none" "$(bb_b bbtest sysctl triggers)" none

# 2. first match wins; an ID from the port
bb_b bblog rule flush || die "flush"
bb_b bblog rule add sport 5060-5069 mode tail id 'port-{sport}' > /dev/null || die "rule add 2a"
h2=$(bb_b bblog rule add pos 1 sport 5062 mode off) || die "rule add 2b"
expect_eq "2: order" "$(bb_b bblog rule list --json | jq -r .rule | tr '\n' ';')" \
	"sport 5062 mode off;sport 5060-5069 mode tail id port-{sport};"
bb_server srv2 -p 5061 -n 1 --sink
bb_server srv2x -p 5062 -n 1 --sink
bb_a bbtest client -a $BB_B4 -p 5061 --bytes 1000 > /dev/null || die "client 2.1"
bb_a bbtest client -a $BB_B4 -p 5062 --bytes 1000 > /dev/null || die "client 2.2"
bb_wait_for $BB_DIR/srv2.out '^done' 20
bb_wait_for $BB_DIR/srv2x.out '^done' 20
s21=$(bb_cookie $BB_DIR/srv2.out 1 accepted)
bb_b bblog list --json > $BB_DIR/l2.json
bb_b bblog rule list --json > $BB_DIR/rules2.json
bb_show $BB_DIR/l2.json $BB_DIR/rules2.json
expect_eq "2: 5061 by the range, its ID from the port" \
	"$(jq -r "select(.cookie == $s21) | .id" $BB_DIR/l2.json)" port-5061
expect_eq "2: 5062 by the off rule: not logged" \
	"$(jq -r 'select(.lport == 5062) | .cookie' $BB_DIR/l2.json | wc -l)" 0
expect_eq "2: the off rule matched and logged nothing" \
	"$(jq -r 'select(.mode == "off") | "\(.hits > 0)/\(.selected)"' $BB_DIR/rules2.json)" true/0
expect_eq "2: the range rule logged" \
	"$(jq -r 'select(.mode == "tail") | .selected > 0' $BB_DIR/rules2.json)" true
bb_b bblog rule del $h2 || die "rule del"
expect_eq "2: deleted" "$(bb_b bblog rule list --json | wc -l)" 1
rc=0; bb_b bblog rule del $h2 2> $BB_DIR/e2 || rc=$?
[ $rc != 0 ] && grep -q "no rule has this handle" $BB_DIR/e2 || die "2: del twice: $(cat $BB_DIR/e2)"
bb_b bblog rule flush

# 2. a record limit and a counted ratio (every third match)
bb_b bblog rule add sport 5068 mode tail id lim limit 20 ratio 3 > /dev/null || die "rule add 2c"
bb_server srv2l -p 5068 -n 6 --echo
# --echo --lockstep: 30 chunks went each way (at least 60 segments,
# whatever the offloads) before it keeps the connections open
bb_bg_a c2l bbtest client -a $BB_B4 -p 5068 -n 6 --bytes 30000 --chunk 1000 --echo --lockstep --keep
c2l=$BB_PID
bb_wait_for $BB_DIR/c2l.out '^keeping' 120
bb_b bblog list --json sport 5068 > $BB_DIR/l2l.json
bb_b bblog rule list --json > $BB_DIR/rules2l.json
kill $c2l
bb_wait $c2l "client 2.3"
bb_wait_for $BB_DIR/srv2l.out '^done' 60
bb_show $BB_DIR/l2l.json $BB_DIR/rules2l.json
expect_eq "2: ratio 3: two of the six connections logged" "$(wc -l < $BB_DIR/l2l.json)" 2
expect_eq "2: hits and selected" "$(jq -r '"\(.hits)/\(.selected)"' $BB_DIR/rules2l.json)" 6/2
expect_eq "2: limit 20: at most 20 records held" \
	"$(jq -r '.records <= 20 and .records > 0' $BB_DIR/l2l.json | sort -u)" true
expect_eq "2: limit 20: the older ones overwritten and counted" \
	"$(jq -r '.overwritten > 0' $BB_DIR/l2l.json | sort -u)" true
bb_b bblog rule flush

# 3. client side: direction, destination prefix, uid
bb_a bblog rule add active dst $BB_B4/32 uid nobody mode tail id cli > /dev/null || die "rule add 3"
bb_server srv3 -p 5063 -n 2 --sink
bb_a bbtest client -a $BB_B4 -p 5063 --bytes 1000 --uid 65534 > $BB_DIR/c31.out || die "client 3.1"
bb_a bbtest client -a $BB_B4 -p 5063 --bytes 1000 > $BB_DIR/c32.out || die "client 3.2"
bb_wait_for $BB_DIR/srv3.out '^done' 20
c31=$(bb_cookie $BB_DIR/c31.out 1)
expect_eq "3: only nobody's connection" "$(bb_a bblog list --json dport 5063 | jq -r .cookie)" "$c31"
expect_eq "3: the server side has no rule" "$(bb_b bblog list --json sport 5063 | wc -l)" 0
bb_a bblog rule flush

# 4. sampling by ID: both sides keep the same IDs
bb_b bblog rule add passive sport 5064 mode tail id 'h-{dport}' ratio 3 by-id > /dev/null ||
	die "rule add 4b"
bb_a bblog rule add active dport 5064 mode tail id 'h-{sport}' ratio 3 by-id > /dev/null ||
	die "rule add 4a"
bb_server srv4 -p 5064 -n 20 --sink
for p in $(seq 6100 6119); do
	bb_a bbtest client -a $BB_B4 -p 5064 --bytes 100 --bind-port $p > /dev/null ||
		die "client 4 from $p"
done
bb_wait_for $BB_DIR/srv4.out '^done' 20
ka=$(bb_a bblog list --json dport 5064 | ids)
kb=$(bb_b bblog list --json sport 5064 | ids)
echo "# kept: $ka"
expect_eq "4: the same IDs kept on both sides" "$kb" "$ka"
# 32-bit FNV-1a of "h-PORT" is a multiple of 3 for these (computed apart).
expect_eq "4: the IDs the documented hash keeps" "$ka" \
	"h-6103 h-6104 h-6109 h-6110 h-6115 h-6116 "
r=$(bb_b bblog rule list --json)
expect_num "4: hits" "$(echo "$r" | jq -r .hits)" -ge 20
expect_num "4: selected" "$(echo "$r" | jq -r .selected)" -ge 6
bb_a bblog rule flush
bb_b bblog rule flush

# 5. bulk set and dump of existing connections
bb_server srv5 -p 5065 -n 2 --sink
bb_bg_a c51 bbtest client -a $BB_B4 -p 5065 --bytes 3000 --keep
p51=$BB_PID
bb_bg_a c52 bbtest client -a $BB_B4 -p 5065 --bytes 3000 --keep
p52=$BB_PID
bb_wait_for $BB_DIR/c51.out '^keeping' 20
bb_wait_for $BB_DIR/c52.out '^keeping' 20
expect_eq "5: set by filter" "$(bb_a bblog set --mode tail --id bulk dport 5065)" "set 2 connections"
expect_eq "5: both listed" "$(bb_a bblog list --json --id bulk | wc -l)" 2
expect_eq "5: list by filter" "$(bb_a bblog list --json dport 5065 | wc -l)" 2
expect_eq "5: list by another filter" "$(bb_a bblog list --json dport 5066 | wc -l)" 0
bb_reader r5
expect_eq "5: dump by filter" "$(bb_a bblog dump --reason by-filter dst $BB_B4)" "dumped 2 connections"
rc=0; bb_a bblog dump dport 5099 2> $BB_DIR/e5 || rc=$?
[ $rc != 0 ] && grep -q "no logged connection matches" $BB_DIR/e5 || die "5: empty filter: $(cat $BB_DIR/e5)"
rc=0; bb_a bblog set --mode tail passive 2> $BB_DIR/e5b || rc=$?
[ $rc != 0 ] && grep -q "direction is known for new connections only" $BB_DIR/e5b ||
	die "5: a direction for existing connections: $(cat $BB_DIR/e5b)"
bb_stop $p51
bb_stop $p52
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r5.raw $BB_DIR/r5.txt
cat $BB_DIR/r5.txt
expect_eq "5: two dumps by the filter" "$(grep -c '^dump .* reason=by-filter ' $BB_DIR/r5.txt)" 2

# 6. a cgroup rule
if grep -q cgroup2 /proc/filesystems; then
	# Not under /sys: "ip netns exec" mounts a sysfs of its own there.
	CG=/tmp/bbcg
	mkdir -p $CG
	mount -t cgroup2 none $CG || die "mount cgroup2"
	mkdir -p $CG/bbweb/svc
	bb_a bblog rule add cgroup $CG/bbweb mode tail id cg > /dev/null || die "rule add 6"
	expect_eq "6: shown with its path" "$(bb_a bblog rule list --json | jq -r .match)" "cgroup $CG/bbweb"
	bb_server srv6 -p 5066 -n 2 --sink
	bb_bg_a c61 sh -c "echo \$\$ > $CG/bbweb/svc/cgroup.procs && exec bbtest client -a $BB_B4 -p 5066 --bytes 1000"
	bb_wait $BB_PID "client 6.1"
	bb_a bbtest client -a $BB_B4 -p 5066 --bytes 1000 > /dev/null || die "client 6.2"
	bb_wait_for $BB_DIR/srv6.out '^done' 20
	bb_a bblog list --json dport 5066 > $BB_DIR/l6.json
	cat $BB_DIR/l6.json
	expect_eq "6: only the connection of the process in the cgroup" \
		"$(jq -r .cookie $BB_DIR/l6.json)" "$(bb_cookie $BB_DIR/c61.out 1)"
	expect_eq "6: its cgroup" "$(jq -r .cgroup $BB_DIR/l6.json)" "$(stat -c %i $CG/bbweb/svc)"
	bb_a bblog rule flush
	rmdir $CG/bbweb/svc $CG/bbweb
	umount $CG
else
	echo "# 6: skipped: this kernel has no cgroup2 (no socket cgroups)"
fi

# 7. refusals
bb_b bblog rule add sport 5067 mode tail > /dev/null || die "rule add 7"
before=$(bb_b bblog rule list)
refuse() {
	local what=$1 msg=$2 rc=0
	shift 2
	"$@" > $BB_DIR/e7 2>&1 || rc=$?
	[ $rc != 0 ] && grep -q "$msg" $BB_DIR/e7 || die "7: $what: $(cat $BB_DIR/e7)"
}
refuse "unprivileged add" "not permitted" bb_b su -s /bin/sh nobody -c "bblog rule add mode tail"
refuse "unprivileged flush" "not permitted" bb_b su -s /bin/sh nobody -c "bblog rule flush"
refuse "unprivileged bulk set" "not permitted" bb_b su -s /bin/sh nobody -c "bblog set --mode tail sport 1"
refuse "a bad template" "ID template knows" bb_b bblog rule add mode tail id 'x-{port}'
refuse "a template too long" "may expand past" bb_b bblog rule add mode tail id '{src}{dst}'
refuse "by-id without an ID" "sampling by ID needs an ID" bb_b bblog rule add mode tail ratio 2 by-id
refuse "a position past the end" "past the last rule" bb_b bblog rule add pos 5 mode tail
refuse "bad triggers" "triggers:" bb_b bblog rule add mode tail triggers rst
refuse "no mode" "needs a mode" bb_b bblog rule add sport 1
# malformed requests, built byte by byte (bblog would not send them)
bb_b bbtest genl-refuse > $BB_DIR/g7.txt ||
	{ cat $BB_DIR/g7.txt; die "7: a malformed request was accepted, or refused without a reason"; }
cat $BB_DIR/g7.txt
expect_eq "7: the rules unchanged" "$(bb_b bblog rule list)" "$before"
expect_eq "7: nobody may read them" "$(bb_b su -s /bin/sh nobody -c 'bblog rule list' | wc -l)" 1
expect_eq "7: namespace a sees none of b's" "$(bb_a bblog rule list | wc -l)" 0
bb_end
