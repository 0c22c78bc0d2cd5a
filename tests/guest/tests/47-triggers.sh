# Triggers, for programs that know nothing of tcp_bblog: connections are
# logged in rings by auto_ratio (or a listener's template), and the kernel
# dumps a ring when it sees trouble on it, with the records from before.
# 1. rst-recv: of three server connections, only the one the client resets
#    is dumped, from its creation to the reset; the others stay in rings.
# 2. rto, on the client side: the dump ends with the RTO record and starts
#    with the SYN; the connection keeps logging.
# 3. rst-recv with "id": every connection of the ID is dumped, the one
#    closed before and one still open too.
# 4. trigger_rate bounds the dumps of a reset storm; the rest are counted.
# 5. The sysctl takes only the documented words and reads back canonical.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

stat() { cat /proc/sys/net/tcp_bblog/stat_$1; }
reasons() { grep '^dump ' "$1" | bbf reason | sort | uniq -c | tr -s ' ' | tr '\n' ';'; }

bb_begin
bb_sysctl b auto_all 1
bb_sysctl b auto_mode 1
bb_sysctl b auto_ratio 1
bb_sysctl b triggers rst-recv
expect_eq "triggers read back" "$(bb_b bbtest sysctl triggers)" rst-recv

# 1. rst-recv
bb_server srv1 -p 5030 -n 3 --sink
bb_reader r1
for n in 1 2; do
	bb_a bbtest client -a $BB_B4 -p 5030 --bytes 20000 > $BB_DIR/c1$n.out ||
		{ cat $BB_DIR/c1$n.out; die "client 1.$n"; }
done
bb_a bbtest client -a $BB_B4 -p 5030 --bytes 1000 --rst > $BB_DIR/c13.out ||
	{ cat $BB_DIR/c13.out; die "client 1.3"; }
bb_wait_for $BB_DIR/srv1.out '^done' 20
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r1.raw $BB_DIR/r1.txt
cat $BB_DIR/srv1.out $BB_DIR/r1.txt
s3=$(bb_cookie $BB_DIR/srv1.out 3 accepted)
expect_eq "1: dumps (only the reset connection)" "$(bb_ndumps $BB_DIR/r1.txt)" 1
d=$(bb_dump $BB_DIR/r1.txt "$s3")
[ -n "$d" ] || die "1: no dump of the reset connection"
expect_eq "1: reason" "$(bb_get "$d" reason)" trigger:rst-recv
expect_eq "1: mode" "$(bb_get "$d" mode)" 1
expect_eq "1: dumped at the reset, before the end" "$(bb_get "$d" ended)" 0
expect_eq "1: sn gaps" "$(bb_get "$d" sn_gaps)" 0
bb_records $BB_DIR/r1.raw "$s3" > $BB_DIR/s3.recs
bb_expect_passive_start "1: first records: the handshake, created" $BB_DIR/r1.raw "$s3"
expect_eq "1: last record: the reset" "$(tail -n 1 $BB_DIR/s3.recs | bbf evname)" rst_recv
grep -q " evname=in .* payload_len=1000 " $BB_DIR/s3.recs || { cat $BB_DIR/s3.recs; die "1: the data before the reset is missing"; }

# 2. rto (client side)
bb_sysctl a auto_all 1
bb_sysctl a auto_mode 1
bb_sysctl a auto_ratio 1
bb_sysctl a triggers rto
bb_server srv2 -p 5031 --sink
bb_reader r2
bb_bg_a c2 bbtest client -a $BB_B4 -p 5031 --bytes 300000 --chunk 1000 --pause-ms 5 \
	--nodelay --timeout 90
p2=$BB_PID
bb_blackhole_rto c2
bb_wait $p2 "client 2"
bb_settle
bb_stop $BB_PID
bb_sysctl a triggers none
bb_sysctl a auto_ratio 0
bb_parse $BB_DIR/r2.raw $BB_DIR/r2.txt
cat $BB_DIR/c2.out $BB_DIR/r2.txt
c2=$(bb_cookie $BB_DIR/c2.out 1)
d=$(bb_dump $BB_DIR/r2.txt "$c2" 0)
[ -n "$d" ] || die "2: no dump of the client connection"
expect_eq "2: reason" "$(bb_get "$d" reason)" trigger:rto
expect_eq "2: the records start at the beginning" "$(bb_get "$d" first_sn)" 0
bbtest parse $BB_DIR/r2.raw --records --cookie "$c2" | grep '^rec ' | grep ' seq=0 ' > $BB_DIR/c2.recs
expect_eq "2: the dump ends with the RTO" "$(tail -n 1 $BB_DIR/c2.recs | bbf evname)" rto
r=$(bb_first_seg $BB_DIR/r2.raw "$c2")
expect_eq "2: with the SYN" "$(bb_get "$r" evname)/$(bb_get "$r" tflags)" out/S
for d in $(grep "^dump .* cookie=$c2 " $BB_DIR/r2.txt | bbf reason); do
	expect_eq "2: every dump of the connection by the trigger" "$d" trigger:rto
done

# 3. rst-recv with id: the whole ID
bb_sysctl b triggers "rst-recv id"
expect_eq "3: triggers read back" "$(bb_b bbtest sysctl triggers)" "rst-recv,id"
bb_server srv3 -p 5032 -n 3 --sink --listener --mode tail --id grp-1
bb_reader r3
bb_a bbtest client -a $BB_B4 -p 5032 --bytes 20000 > $BB_DIR/c31.out ||
	{ cat $BB_DIR/c31.out; die "client 3.1"; }
bb_bg_a c32 bbtest client -a $BB_B4 -p 5032 --bytes 20000 --keep
p32=$BB_PID
bb_wait_for $BB_DIR/c32.out '^keeping' 20
bb_a bbtest client -a $BB_B4 -p 5032 --bytes 1000 --rst > $BB_DIR/c33.out ||
	{ cat $BB_DIR/c33.out; die "client 3.3"; }
i=0
until [ "$(bbtest parse $BB_DIR/r3.raw 2>/dev/null | grep -c '^dump ')" -ge 3 ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || die "3: fewer than 3 dumps after 20 s"
	usleep 100000
done
kill $p32
bb_wait $p32 "client 3.2"
bb_wait_for $BB_DIR/srv3.out '^done' 20
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r3.raw $BB_DIR/r3.txt
cat $BB_DIR/srv3.out $BB_DIR/r3.txt
expect_eq "3: dumps" "$(reasons $BB_DIR/r3.txt)" " 3 trigger:rst-recv;"
for n in 1 2 3; do
	d=$(bb_dump $BB_DIR/r3.txt "$(bb_cookie $BB_DIR/srv3.out $n accepted)")
	[ -n "$d" ] || die "3: connection $n of the ID not dumped"
	expect_eq "3: connection $n: id" "$(bb_get "$d" id)" grp-1
done
expect_eq "3: the closed one" "$(bb_get "$(bb_dump $BB_DIR/r3.txt "$(bb_cookie $BB_DIR/srv3.out 1 accepted)")" ended)" 1
expect_eq "3: the open one" "$(bb_get "$(bb_dump $BB_DIR/r3.txt "$(bb_cookie $BB_DIR/srv3.out 2 accepted)")" ended)" 0

# 4. a reset storm under trigger_rate=1
bb_sysctl b triggers rst-recv
bb_sysctl b trigger_rate 1
bb_server srv4 -p 5033 -n 6 --sink
bb_reader r4
t0=$(date +%s)
lim0=$(stat trigger_limited) trg0=$(stat triggered)
bb_a bbtest client -a $BB_B4 -p 5033 -n 6 --bytes 1000 --rst > $BB_DIR/c4.out ||
	{ cat $BB_DIR/c4.out; die "client 4"; }
bb_wait_for $BB_DIR/srv4.out '^done' 20
t1=$(date +%s)
bb_settle
bb_stop $BB_PID
bb_parse $BB_DIR/r4.raw $BB_DIR/r4.txt
cat $BB_DIR/r4.txt
dumps=$(grep -c '^dump .* reason=trigger:rst-recv ' $BB_DIR/r4.txt || true)
limited=$(( $(stat trigger_limited) - lim0 ))
echo "# storm: $dumps dumps, $limited refused in $((t1 - t0)) s"
expect_eq "4: triggered counter" $(( $(stat triggered) - trg0 )) "$dumps"
expect_eq "4: every reset either dumped or counted" $((dumps + limited)) 6
expect_num "4: dumps" "$dumps" -ge 1
expect_num "4: dumps within the rate" "$dumps" -le $((t1 - t0 + 2))

# 5. the sysctl's words
for bad in rst retrans retrans=0 "rto;rst-recv" RTO; do
	if bb_b bbtest sysctl triggers "$bad" 2>/dev/null; then
		die "5: triggers accepted '$bad'"
	fi
	expect_eq "5: unchanged after '$bad'" "$(bb_b bbtest sysctl triggers)" rst-recv
done
bb_sysctl b triggers "sk-error retrans=3,syn-retrans rst-sent rto id"
expect_eq "5: canonical" "$(bb_b bbtest sysctl triggers)" \
	"rst-sent,rto,retrans=3,syn-retrans,sk-error,id"
bb_sysctl b triggers none
expect_eq "5: none" "$(bb_b bbtest sysctl triggers)" none
bb_end
