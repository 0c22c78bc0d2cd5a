# The generic netlink control plane, used through bblog alone, on programs
# that set no socket option: status reads the namespace's settings and
# counters; a connection found by its cookie is given a mode and an ID,
# list shows it (and only to its namespace, and to its owner or an
# administrator), dump by ID sends its records to the device; bad requests
# are refused with a message and change nothing.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

P=/proc/sys/net/tcp_bblog
bb_begin
bb_sysctl a auto_ratio 7
bb_sysctl a triggers rst-recv,rto
bb_a bblog status > $BB_DIR/status.txt || die "bblog status"
cat $BB_DIR/status.txt
expect_eq "status: auto_ratio" "$(awk '$1 == "auto_ratio" { print $2 }' $BB_DIR/status.txt)" 7
expect_eq "status: global_limit" "$(awk '$1 == "global_limit" { print $2 }' $BB_DIR/status.txt)" \
	"$(cat $P/global_limit)"
expect_eq "status: triggers" "$(awk '$1 == "triggers" { print $2 }' $BB_DIR/status.txt)" \
	"$(bb_a bbtest sysctl triggers)"
bb_a bblog status --json | jq -e '.auto_ratio == 7 and (.stat_records | type) == "number"' > /dev/null ||
	die "bblog status --json"
bb_sysctl a auto_ratio 0

bb_server srv -p 5057 -n 1 --sink
bb_reader r
bb_bg_a cli bbtest client -a $BB_B4 -p 5057 --bytes 5000 --keep
cli=$BB_PID
bb_wait_for $BB_DIR/cli.out '^keeping' 30
cookie=$(bb_cookie $BB_DIR/cli.out 1)
expect_eq "nothing logged yet" "$(bb_a bblog list --json | wc -l)" 0

bb_a bblog set --cookie $cookie --mode tail --id svc-1 --tag t1 || die "bblog set by cookie"
bb_a bblog list --json > $BB_DIR/list.json
cat $BB_DIR/list.json
expect_eq "list: one connection" "$(wc -l < $BB_DIR/list.json)" 1
expect_eq "list: its cookie, mode and ID" \
	"$(jq -r '"\(.cookie) \(.mode) \(.id) \(.tag) \(.state)"' $BB_DIR/list.json)" \
	"$cookie tail svc-1 t1 ESTABLISHED"
expect_eq "list --id: the same" "$(bb_a bblog list --json --id svc-1 | jq -r .cookie)" $cookie
expect_eq "list --id of another ID: none" "$(bb_a bblog list --json --id nope | wc -l)" 0
expect_eq "namespace b sees none of a's" "$(bb_b bblog list --json | wc -l)" 0

# Refusals, each with the kernel's message; the connection is unchanged.
rc=0; bb_a bblog set --cookie 999999999 --mode tail 2> $BB_DIR/e1 || rc=$?
[ $rc != 0 ] && grep -q "cookie" $BB_DIR/e1 || die "an unknown cookie: $(cat $BB_DIR/e1)"
rc=0; bb_a su -s /bin/sh nobody -c "bblog set --cookie $cookie --mode off" 2> $BB_DIR/e2 || rc=$?
[ $rc != 0 ] && grep -q "not permitted" $BB_DIR/e2 || die "an unprivileged set: $(cat $BB_DIR/e2)"
rc=0; bb_a su -s /bin/sh nobody -c "bblog list --json" > $BB_DIR/l2 2>&1 || rc=$?
expect_eq "an unprivileged list shows root's connection to nobody" "$rc/$(wc -l < $BB_DIR/l2)" 0/0
expect_eq "still tail after the refusals" "$(bb_a bblog list --json | jq -r .mode)" tail

bb_a bblog dump --id svc-1 --reason ops || die "bblog dump --id"
rc=0; bb_a bblog dump --id nope 2> $BB_DIR/e3 || rc=$?
[ $rc != 0 ] && grep -q "log ID" $BB_DIR/e3 || die "dump of an unknown ID: $(cat $BB_DIR/e3)"
bb_stop $cli
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r.raw $BB_DIR/r.txt
cat $BB_DIR/r.txt
d=$(bb_dump $BB_DIR/r.txt "$cookie")
[ -n "$d" ] || die "no dump of the connection"
expect_eq "dump reason" "$(bb_get "$d" reason)" ops
expect_eq "dump ID" "$(bb_get "$d" id)" svc-1
[ "$(bb_get "$d" nrecords)" -ge 1 ] || die "an empty dump"
bb_end
