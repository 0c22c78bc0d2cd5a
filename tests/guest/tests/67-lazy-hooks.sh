# Netfilter hooks only where something can be logged (issue 11): the module
# places them in a namespace at its first use there (a socket option that
# makes a connection entry, auto_* that selects, a selection rule), so a
# namespace where nothing is asked pays nothing per packet
# (net.tcp_bblog.stat_hooks_armed, per namespace); they stay until the
# namespace or the module goes.  What is asked is logged from its first
# segment: the connection whose socket option placed them has its SYN.
. /guest/lib.sh
. /usr/local/bin/bbtest-lib.sh

P=/proc/sys/net/tcp_bblog
armed() { bb_$1 cat $P/stat_hooks_armed; }

bb_begin
expect_eq "loaded: no hooks in a, b, the initial namespace" \
	"$(armed a)/$(armed b)/$(cat $P/stat_hooks_armed)" 0/0/0
bb_server srv1 -p 5171 -n 1 --sink
bb_a bbtest client -a $BB_B4 -p 5171 --bytes 1000 > /dev/null || die "client 1"
bb_wait_for $BB_DIR/srv1.out '^done' 30
expect_eq "traffic, nothing logged: none" "$(armed a)/$(armed b)" 0/0
bb_sysctl b auto_mode 5
bb_sysctl b auto_all 1
bb_sysctl b auto_ratio 0
bb_sysctl b disable_all 0
expect_eq "settings that select nothing (auto_ratio 0): none" "$(armed b)" 0

# a socket option: the client's connection (tail-auto: dumped at close)
bb_reader r
rd=$BB_PID
bb_server srv2 -p 5172 -n 1 --sink
bb_a bbtest client -a $BB_B4 -p 5172 --mode tail-auto --bytes 1000 > $BB_DIR/c2.out ||
	die "client 2"
bb_wait_for $BB_DIR/srv2.out '^done' 30
expect_eq "a socket option: its namespace's" "$(armed a)/$(armed b)" 1/0

# a rule, in b
bb_b bblog rule add passive sport 5173 mode tail > /dev/null || die "rule add"
expect_eq "a rule: its namespace's" "$(armed b)" 1
bb_b bblog rule flush
expect_eq "kept once the rule is gone" "$(armed b)" 1

# auto_ratio, in the initial namespace
echo 1 > $P/auto_ratio
expect_eq "auto_ratio 1: its namespace's" "$(cat $P/stat_hooks_armed)" 1
echo 0 > $P/auto_ratio

bb_settle
bb_stop $rd
c=$(bb_cookie $BB_DIR/c2.out 1)
r=$(bb_first_seg $BB_DIR/r.raw "$c")
expect_eq "the connection that placed them: its first segment" \
	"$(bb_get "$r" evname)/$(bb_get "$r" tflags)" out/S
bb_end
